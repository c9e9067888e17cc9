#!/bin/bash
# Make the seed corpus of a fuzz target from the fixtures, merged with any
# corpus directories given (a long run's build/fuzz/work/TARGET) and
# minimised by libFuzzer into tests/fuzz/corpus/TARGET:
#   tests/fuzz/seeds.sh TARGET [DIR...]
#   decode, roundtrip  every fixture image
#   encode             crit decode of each, compact and --pretty
#   explore            each fixture directory as one input (tests/fuzz/explore.c)
#   check              the same, with the inventory, payloads, ghost files and parent
#   anonymize          every file of each fixture directory but its pages
set -eu
cd "$(dirname "$0")/../.."
target=${1:?usage: tests/fuzz/seeds.sh TARGET [DIR...]}
shift
make -s build/fuzz/$target build/crit
raw=build/fuzz/seeds/$target
rm -rf $raw
mkdir -p $raw
images() { find fixtures -type f ! -path '*/ref/*' ! -name '*.md' ! -name 'pages-*' | sort; }
case $target in
decode | roundtrip)
	images | while read -r f; do cp "$f" "$raw/$(echo "$f" | tr / _)"; done ;;
encode)
	images | while read -r f; do
		n=$(echo "$f" | tr / _)
		build/crit decode -i "$f" -o "$raw/$n.json" 2>/dev/null || true
		build/crit decode --pretty -i "$f" -o "$raw/$n.pretty.json" 2>/dev/null || true
	done ;;
anonymize)
	for d in fixtures/*/; do
		out=$raw/$(basename "$d")
		for f in "$d"*; do
			[ -f "$f" ] && [ "$(basename "$f")" != README.md ] || continue
			case $(basename "$f") in pages-*) continue ;; esac
			[ -s "$out" ] && printf '@@@@' >>"$out"
			printf '%s\n' "$(basename "$f")" >>"$out"
			cat "$f" >>"$out"
		done
	done ;;
explore | check)
	for d in fixtures/*/; do
		out=$raw/$(basename "$d")
		more= # check reads these too (pages images are left out: large, and only their size counts)
		[ $target = check ] && more="$d/inventory.img $(echo "$d"ghost-file-*.img "$d"tty-*.img "$d"tcp-stream-*.img \
			"$d"ipcns-shm-*.img "$d"netns-*.img) $d/remap-fpath.img $d/pipes-data.img $d/sk-queues.img $d/parent"
		for f in "$d"pstree.img "$d"core-*.img "$d"ids-*.img "$d"fs-*.img "$d"mm-*.img "$d"pagemap-*.img \
			"$d"files.img "$d"fdinfo-*.img "$d"reg-files.img "$d"pipes.img "$d"unixsk.img \
			"$d"stats-dump "$d"stats-restore $more; do
			[ -f "$f" ] || continue
			[ -s "$out" ] && printf '@@@@' >>"$out"
			printf '%s\n' "$(basename "$f")" >>"$out"
			cat "$f" >>"$out"
		done
	done ;;
*) echo "seeds.sh: no fuzz target '$target'" >&2; exit 2 ;;
esac
corpus=tests/fuzz/corpus/$target
rm -rf $corpus
mkdir -p $corpus
build/fuzz/$target -merge=1 $corpus $raw "$@" 2>&1 | grep -E '^MERGE-OUTER: [0-9]+ new files'
