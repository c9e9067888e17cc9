#!/usr/bin/env bash
# Benchmark crit's memory reader: `crit search` over 1 GiB of pages against
# `grep -c -a -F` over the same pages file, and `crit x ps --cmd --env` on
# 1,000 tasks against the floor of reading the images it needs; peak RSS
# of each (bench/mem.py says how, and makes both checkpoints itself).
#
#   bench/mem.sh            (from any directory)
#
# Knobs (environment): SEARCH_MB (1024), TASKS (1000), RUNS (5),
#   FIXTURES (<repo>/fixtures).
# Exit status: 0 measured (whether the targets were met is printed),
#   2 fatal (build failed, a tool failed, an output was wrong).
# Needs about 1.1 GB in $TMPDIR (or /tmp); takes about a minute.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$here/lib.sh"
FIXTURES=${FIXTURES:-$repo/fixtures}

bench_build
bench_tmp crit-bench-mem
floor=()
if cc -O2 -o "$tmp/floor" "$here/floor.c" 2>/dev/null; then
    floor=(--floor "$tmp/floor")
else
    echo "bench: cannot build bench/floor.c: no floor for ps" >&2
fi
bench_exec mem.py --fixtures "$FIXTURES" --search-mb "${SEARCH_MB:-1024}" --tasks "${TASKS:-1000}" \
    --runs "${RUNS:-5}" "${floor[@]}"
