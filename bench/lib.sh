# shellcheck shell=bash
# Set-up shared by bench/decode.sh, bench/encode.sh and bench/explore.sh;
# sourced, not run:
#
#   here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
#   . "$here/lib.sh"
#
# Sourcing sets start (the clock for "benchmark took"), repo, PY (python3)
# and the knobs PAGEMAP_ENTRIES (1000000), VMAS (100000) and PYCRIT
# (/usr/bin/crit) unless already in the environment.  Then, in this order:
#
#   bench_build          `make -s` in the repo root; exit 2 if that fails or
#                        leaves no ./crit.
#   bench_tmp NAME       a temp dir "${TMPDIR:-/tmp}/NAME.XXXXXX" in $tmp,
#                        removed on exit (INT exits 130, TERM 143); a private
#                        copy of ./crit in it; says whether Python CRIT is
#                        there.
#   bench_setup NAME     bench_tmp NAME, then bench/mkimages.py writes the
#                        synthetic images into $tmp/synth.
#   bench_exec SCRIPT ARG...
#                        runs "$PY" bench/SCRIPT with --crit, --pycrit and
#                        --tmp, then ARG..., prints how long the benchmark
#                        took and exits with SCRIPT's exit status.
#   bench_run SCRIPT ARG...
#                        bench_exec SCRIPT with --synth, --pagemap-entries
#                        and --vmas (the images of bench_setup), then ARG...

start=$(date +%s)
: "${here:?set here to the bench/ directory before sourcing lib.sh}"
repo=$(cd -- "$here/.." && pwd)

PAGEMAP_ENTRIES=${PAGEMAP_ENTRIES:-1000000}
VMAS=${VMAS:-100000}
PYCRIT=${PYCRIT:-/usr/bin/crit}

if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=python3; fi

bench_build() {
    echo "bench: make -s in $repo" >&2
    if ! make -s -C "$repo"; then
        echo "bench: FATAL: make failed" >&2
        exit 2
    fi
    [ -x "$repo/crit" ] || { echo "bench: FATAL: no $repo/crit after make" >&2; exit 2; }
}

cleanup() { rm -rf -- "$tmp"; }

bench_tmp() {
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
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
}

bench_setup() {
    bench_tmp "$1"

    echo "bench: writing synthetic images ($PAGEMAP_ENTRIES pagemap entries, $VMAS vmas)" >&2
    "$PY" "$here/mkimages.py" --pagemap-entries "$PAGEMAP_ENTRIES" --vmas "$VMAS" \
        "$tmp/synth" >/dev/null
}

bench_exec() {
    local script=$1 rc
    shift
    set +e
    "$PY" "$here/$script" --crit "$tmp/crit" --pycrit "$PYCRIT" --tmp "$tmp" "$@"
    rc=$?
    set -e
    echo "benchmark took $(( $(date +%s) - start )) s (exit status $rc)"
    exit $rc
}

bench_run() {
    local script=$1
    shift
    bench_exec "$script" --synth "$tmp/synth" \
        --pagemap-entries "$PAGEMAP_ENTRIES" --vmas "$VMAS" "$@"
}
