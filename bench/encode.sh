#!/usr/bin/env bash
# Benchmark `crit encode` (this repo's C crit) against Python CRIT.
#
#   bench/encode.sh            (from any directory)
#
# 1. `make -s` in the repo root (nothing else is built).  Steps 1 and 2,
#    the private copy of ./crit that is timed and the launch of step 3
#    live in bench/lib.sh, shared with bench/decode.sh.
# 2. bench/mkimages.py writes the large synthetic images of bench/decode.sh
#    into a temp dir (removed on exit): a PAGEMAP of 1,000,000 entries and an
#    MM with one mm_entry of 100,000 vmas.
# 3. bench/encode.py turns each into JSON with `./crit decode` and
#    `./crit decode --pretty` (crit's JSON, CRIU 4.2 schema) and, if Python
#    CRIT is installed, with `/usr/bin/crit decode [--pretty]` (the JSON
#    CRIT 3.17 itself prints, so input it understands).  It checks that
#    `crit encode` gives back the original image byte for byte from its own
#    JSON (fatal if not) and from Python's (a PROBLEM if not), compares
#    Python CRIT's output with the image too (reported, never fatal), then
#    measures wall time (best of N), peak RSS and RSS / input size, and
#    prints the table and the targets: crit >= 100x faster than Python CRIT,
#    crit's peak RSS <= 2x the JSON input size.
#
# Knobs (environment): PAGEMAP_ENTRIES (1000000), VMAS (100000),
#   PYCRIT (/usr/bin/crit), CRIT_RUNS (10), PY_RUNS (3),
#   PREP_JOBS (2: Python CRIT decodes run in parallel to make its JSON).
# Exit status: 0 all good, 1 crit failed/differed on Python CRIT's JSON,
#   2 fatal (build failed, crit wrong on its own JSON, ...).
# On a 2-core machine with Python CRIT installed this takes about 4-5
# minutes, most of it Python CRIT (making its JSON, then encoding it).

set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$here/lib.sh"    # start, repo, PY, knob defaults, bench_* functions

bench_build
bench_setup crit-bench-encode

bench_run encode.py \
    --crit-runs "${CRIT_RUNS:-10}" --py-runs "${PY_RUNS:-3}" \
    --prep-jobs "${PREP_JOBS:-2}"
