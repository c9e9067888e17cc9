#!/usr/bin/env bash
# Benchmark `crit encode` (this repo's C crit) against Python CRIT.
#
#   bench/encode.sh            (from any directory)
#
# 1. `make -s` in the repo root (nothing else is built).
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

start=$(date +%s)
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd -- "$here/.." && pwd)

PAGEMAP_ENTRIES=${PAGEMAP_ENTRIES:-1000000}
VMAS=${VMAS:-100000}
PYCRIT=${PYCRIT:-/usr/bin/crit}

if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=python3; fi

echo "bench: make -s in $repo" >&2
if ! make -s -C "$repo"; then
    echo "bench: FATAL: make failed" >&2
    exit 2
fi
[ -x "$repo/crit" ] || { echo "bench: FATAL: no $repo/crit after make" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/crit-bench-encode.XXXXXX")
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
"$PY" "$here/encode.py" \
    --crit "$tmp/crit" --pycrit "$PYCRIT" \
    --synth "$tmp/synth" --tmp "$tmp" \
    --pagemap-entries "$PAGEMAP_ENTRIES" --vmas "$VMAS" \
    --crit-runs "${CRIT_RUNS:-10}" --py-runs "${PY_RUNS:-3}" \
    --prep-jobs "${PREP_JOBS:-2}"
rc=$?
set -e

echo "benchmark took $(( $(date +%s) - start )) s (exit status $rc)"
exit $rc
