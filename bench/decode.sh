#!/usr/bin/env bash
# Benchmark `crit decode` (this repo's C crit) against Python CRIT.
#
#   bench/decode.sh            (from any directory)
#
# 1. `make -s` in the repo root (nothing else is built).  Steps 1 and 2,
#    the private copy of ./crit that is timed and the launch of step 3
#    live in bench/lib.sh, shared with bench/encode.sh.
# 2. bench/mkimages.py writes large synthetic images into a temp dir (removed
#    on exit): a PAGEMAP of 1,000,000 entries and an MM with one mm_entry of
#    100,000 vmas.  The largest real CRIU 4.2 fixtures are used too.
# 3. bench/bench.py checks every output (crit vs /usr/bin/crit, vs the
#    generator's expectation, vs the fixtures' ref/), then measures wall time
#    (best of N), peak RSS and MB/s for `decode` and `decode --pretty`, and
#    prints the table.
#
# Knobs (environment): PAGEMAP_ENTRIES (1000000), VMAS (100000),
#   FIXTURES (<repo>/../shared/fixtures), PYCRIT (/usr/bin/crit),
#   CRIT_RUNS (20), CRIT_RUNS_HUGE (10), PY_RUNS (5), PY_RUNS_HUGE (3).
# Exit status: 0 all good, 1 crit failed/differed on a real fixture,
#   2 fatal (build failed, synthetic images not decoded correctly, ...).
# On a 2-core machine with Python CRIT installed this takes about 9 minutes,
# nearly all of it Python CRIT on the 1M-entry pagemap.

set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$here/lib.sh"    # start, repo, PY, knob defaults, bench_* functions
FIXTURES=${FIXTURES:-$repo/../shared/fixtures}

bench_build
[ -d "$FIXTURES" ] || { echo "bench: FATAL: no fixtures at $FIXTURES" >&2; exit 2; }
FIXTURES=$(cd -- "$FIXTURES" && pwd)

bench_setup crit-bench

bench_run bench.py --fixtures "$FIXTURES" \
    --crit-runs "${CRIT_RUNS:-20}" --crit-runs-huge "${CRIT_RUNS_HUGE:-10}" \
    --py-runs "${PY_RUNS:-5}" --py-runs-huge "${PY_RUNS_HUGE:-3}"
