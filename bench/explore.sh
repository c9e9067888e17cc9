#!/usr/bin/env bash
# Benchmark `crit x DIR ps|fds|mems|rss` (this repo's C crit) against Python
# CRIT (/usr/bin/crit, 3.17 from Debian's criu package).
#
#   bench/explore.sh            (from any directory)
#
# 1. `make -s` in the repo root (nothing else is built); the temp dir
#    (removed on exit), the private copy of ./crit that is timed and the
#    launch of step 3 live in bench/lib.sh, shared with bench/decode.sh and
#    bench/encode.sh.
# 2. bench/mkcheckpoint.py writes a synthetic checkpoint of TASKS tasks into
#    the temp dir, images made by ./crit encode: a 4-ary process tree, per
#    task core, ids, fs, fdinfo (9 fds: REG, PIPE, UNIXSK, EVENTFD), mm (30
#    VMAs, file-backed ones among them) and pagemap (19 entries), one
#    files.img; and expect/x-WHAT.txt, what Python CRIT's explorers print
#    for it, computed from the data.
# 3. bench/explore.py picks the largest fixture folder having ref/x-WHAT.txt
#    for all four explorers (by the bytes of its files), checks every output
#    (./crit must print ref/ resp. expect/ byte for byte; Python CRIT's is
#    compared with ./crit's, and on the synthetic checkpoint must be the
#    same bytes), then measures wall time (best of N, output to /dev/null)
#    and peak RSS (ru_maxrss, /usr/bin/time -f %M) of both tools for every
#    explorer and input, and prints the table, how outputs differ, and the
#    target: crit >= 100x faster than Python CRIT. bench/floor.c, built
#    into the temp dir, times opening, reading and closing the images each
#    explorer needs: with the start of ./crit, the floor under any `crit x`
#    and so the best ratio that could be reached.
#
# Knobs (environment): TASKS (1000), FIXTURES (<repo>/fixtures),
#   PYCRIT (/usr/bin/crit), CRIT_RUNS (10), PY_RUNS (3).
# Exit status: 0 all good, 1 crit failed/differed from ref/ or expect/, or
#   ./crit and Python CRIT differ on the synthetic checkpoint,
#   2 fatal (build failed, no fixtures, checkpoint generation failed, ...).
# On a 2-core machine with Python CRIT installed this takes about 30 s,
# nearly all of it Python CRIT on the synthetic checkpoint.

set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$here/lib.sh"    # start, repo, PY, knob defaults, bench_* functions
FIXTURES=${FIXTURES:-$repo/fixtures}
TASKS=${TASKS:-1000}

bench_build
[ -d "$FIXTURES" ] || { echo "bench: FATAL: no fixtures at $FIXTURES" >&2; exit 2; }
FIXTURES=$(cd -- "$FIXTURES" && pwd)

bench_tmp crit-bench-explore

echo "bench: writing a synthetic checkpoint of $TASKS tasks" >&2
if ! "$PY" "$here/mkcheckpoint.py" --crit "$tmp/crit" --tasks "$TASKS" "$tmp/ckpt"; then
    echo "bench: FATAL: bench/mkcheckpoint.py failed" >&2
    exit 2
fi

floor=()
if cc -O2 -o "$tmp/floor" "$here/floor.c" 2>/dev/null; then
    floor=(--floor "$tmp/floor")
else
    echo "bench: no C compiler for bench/floor.c: no floor column" >&2
fi

bench_exec explore.py --fixtures "$FIXTURES" --checkpoint "$tmp/ckpt" \
    --tasks "$TASKS" --crit-runs "${CRIT_RUNS:-10}" --py-runs "${PY_RUNS:-3}" \
    "${floor[@]}"
