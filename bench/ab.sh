#!/usr/bin/env bash
# Two builds of crit on the same inputs, in one run: before and after a
# change that must not cost speed (issue 13's refactor, say).
#
#   bench/ab.sh OLD_CRIT [NEW_CRIT]      (NEW_CRIT: this tree's ./crit)
#
# Inputs: bench/mkimages.py's large PAGEMAP and MM images, and the largest
# images of the fixtures. For each of decode, decode --pretty and encode
# (of both JSON forms) it checks that both builds print the same bytes,
# then times them in turn (the best CPU time of RUNS, default 15) and
# prints new/old: below 1.00 is faster. Knobs: RUNS, PAGEMAP_ENTRIES (1000000),
# VMAS (100000), FIXTURES (<repo>/fixtures).
set -euo pipefail
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd -- "$here/.." && pwd)
old=$(realpath "${1:?usage: bench/ab.sh OLD_CRIT [NEW_CRIT]}")
new=$(realpath "${2:-$repo/crit}")
runs=${RUNS:-15}
fixtures=${FIXTURES:-$repo/fixtures}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 "$here/mkimages.py" "$tmp" --pagemap-entries "${PAGEMAP_ENTRIES:-1000000}" --vmas "${VMAS:-100000}" >/dev/null
inputs="$tmp/pagemap-synth.img $tmp/mm-synth.img $(ls -S "$fixtures"/*/*.img | grep -v '/pages-' | head -3)"
n=0
for img in $inputs; do
	n=$((n + 1))
	"$new" decode -i "$img" -o "$tmp/$n.json"
	"$new" decode --pretty -i "$img" -o "$tmp/$n.pretty"
done

# The best CPU time (user + system) of each build, the two run in turn so
# that a busy machine slows both alike: "OLD NEW" in seconds.
best() {
	python3 - "$runs" "$old" "$new" "$@" <<'PY'
import resource, subprocess, sys
runs, old, new, args = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
best = {old: None, new: None}
for _ in range(runs):
    for exe in (old, new):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([exe] + args, stdout=subprocess.DEVNULL, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best[exe] = t if best[exe] is None or t < best[exe] else best[exe]
print(f"{max(best[old], 1e-4):.6f} {max(best[new], 1e-4):.6f}")
PY
}

printf '%-34s %-14s %10s %10s %7s\n' input command old new new/old
fail=0
n=0
for img in $inputs; do
	n=$((n + 1))
	b=$(basename "$img")
	name=$b
	case $img in "$fixtures"/*) name=$(basename "$(dirname "$img")")/$b ;; esac
	for cmd in decode "decode --pretty" "encode json" "encode pretty"; do
		case $cmd in
		decode) args=(decode -i "$img") ;;
		"decode --pretty") args=(decode --pretty -i "$img") ;;
		"encode json") args=(encode -i "$tmp/$n.json") ;;
		"encode pretty") args=(encode -i "$tmp/$n.pretty") ;;
		esac
		if ! cmp -s <("$old" "${args[@]}") <("$new" "${args[@]}"); then
			echo "ab: $b: $cmd: the two builds print different bytes" >&2
			fail=1
			continue
		fi
		read -r t_old t_new < <(best "${args[@]}")
		printf '%-34s %-14s %9.2fms %9.2fms %7.2f\n' "$name" "$cmd" \
			"$(echo "$t_old * 1000" | bc -l)" "$(echo "$t_new * 1000" | bc -l)" "$(echo "$t_new / $t_old" | bc -l)"
	done
done
exit $fail
