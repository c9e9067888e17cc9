#!/usr/bin/env bash
# Benchmark `crit decode` (this repo's C crit) against Python CRIT.
#
#   bench/decode.sh            (from any directory)
#
# 1. `make -s` in the repo root (nothing else is built).
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

start=$(date +%s)
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd -- "$here/.." && pwd)

PAGEMAP_ENTRIES=${PAGEMAP_ENTRIES:-1000000}
VMAS=${VMAS:-100000}
FIXTURES=${FIXTURES:-$repo/../shared/fixtures}
PYCRIT=${PYCRIT:-/usr/bin/crit}

if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=python3; fi

echo "bench: make -s in $repo" >&2
if ! make -s -C "$repo"; then
    echo "bench: FATAL: make failed" >&2
    exit 2
fi
[ -x "$repo/crit" ] || { echo "bench: FATAL: no $repo/crit after make" >&2; exit 2; }
[ -d "$FIXTURES" ] || { echo "bench: FATAL: no fixtures at $FIXTURES" >&2; exit 2; }
FIXTURES=$(cd -- "$FIXTURES" && pwd)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/crit-bench.XXXXXX")
cleanup() { rm -rf -- "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Time a private copy, so a concurrent rebuild cannot swap the binary mid-run.
cp -- "$repo/crit" "$tmp/crit"

if [ -x "$PYCRIT" ]; then
    echo "bench: comparing against Python CRIT at $PYCRIT" >&2
else
    echo "bench: $PYCRIT not found: crit's figures only, no speed ratio" >&2
fi

echo "bench: writing synthetic images ($PAGEMAP_ENTRIES pagemap entries, $VMAS vmas)" >&2
"$PY" "$here/mkimages.py" --pagemap-entries "$PAGEMAP_ENTRIES" --vmas "$VMAS" \
    "$tmp/synth" >/dev/null

set +e
"$PY" "$here/bench.py" \
    --crit "$tmp/crit" --pycrit "$PYCRIT" --fixtures "$FIXTURES" \
    --synth "$tmp/synth" --tmp "$tmp" \
    --pagemap-entries "$PAGEMAP_ENTRIES" --vmas "$VMAS" \
    --crit-runs "${CRIT_RUNS:-20}" --crit-runs-huge "${CRIT_RUNS_HUGE:-10}" \
    --py-runs "${PY_RUNS:-5}" --py-runs-huge "${PY_RUNS_HUGE:-3}"
rc=$?
set -e

echo "benchmark took $(( $(date +%s) - start )) s (exit status $rc)"
exit $rc
