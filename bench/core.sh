#!/usr/bin/env bash
# Benchmark crit core: a process with 1 GiB of pages written as an ELF core,
# against `cat` of its pages file to a file; peak RSS (bench/core.py says
# how, and makes the checkpoint itself).
#
#   bench/core.sh            (from any directory)
#
# Knobs (environment): MB (1024), RUNS (3), FIXTURES (<repo>/fixtures).
# Exit status: 0 measured (whether the targets were met is printed),
#   2 fatal (build failed, a tool failed, an output was wrong).
# Needs about 3.3 GB in $TMPDIR (or /tmp).
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$here/lib.sh"
FIXTURES=${FIXTURES:-$repo/fixtures}

bench_build
bench_tmp crit-bench-core
bench_exec core.py --fixtures "$FIXTURES" --mb "${MB:-1024}" --runs "${RUNS:-3}"
