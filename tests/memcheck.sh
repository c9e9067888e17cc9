#!/bin/bash
# valgrind over the command line on every fixture: decode and decode
# --pretty of every image, encode of both JSONs, and crit x ps, fds, mems,
# rss, sk and stats, text and --json, on every fixture directory. Any memory error or definite or
# indirect leak fails (valgrind exits 99); crit's own exit status does not
# matter (raw images are refused, as they should be). JOBS runs at once.
set -u
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$self")/.."
crit=${CRIT:-build/crit-dyn} # linked dynamically, so valgrind sees malloc
vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
	--show-leak-kinds=definite,indirect)

# One run: tests/memcheck.sh --one COMMAND...
if [ "${1:-}" = --one ]; then
	shift
	report=$("${vg[@]}" "$@" 2>&1 >/dev/null)
	if [ $? -eq 99 ]; then
		printf 'FAIL %s\n%s\n' "$*" "$report"
		exit 1
	fi
	exit 0
fi

command -v valgrind >/dev/null || { echo "memcheck: valgrind is not installed"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
images=$(find fixtures -type f ! -path '*/ref/*' ! -name '*.md' | sort)

# Each line of $1 is one command; run them JOBS at a time.
run_all() {
	xargs -P "${JOBS:-2}" -L 1 bash "$self" --one <"$1" >"$tmp/out"
	local failed=$(grep -c '^FAIL' "$tmp/out")
	cat "$tmp/out"
	echo "memcheck: $2: $(wc -l <"$1") runs, $failed failed"
	[ "$failed" -eq 0 ]
}

i=0
for img in $images; do
	i=$((i + 1))
	echo "$crit decode -i $img -o $tmp/$i.json"
	echo "$crit decode --pretty -i $img -o $tmp/$i.pretty.json"
done >"$tmp/decode"
run_all "$tmp/decode" decode || exit 1

for json in "$tmp"/*.json; do
	echo "$crit encode -i $json -o $json.img"
done >"$tmp/encode"
for dir in fixtures/*/; do
	for what in ps fds mems rss sk stats; do
		echo "$crit x $dir $what"
		echo "$crit x $dir $what --json"
	done
done >>"$tmp/encode"
run_all "$tmp/encode" "encode and crit x"
