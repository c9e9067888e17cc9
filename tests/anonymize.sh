#!/bin/bash
# anonymize.sh - crit anonymize on every fixture and the pre-dump chain,
# each copy checked by tests/anonymize.py (decoded, harvested and grepped
# on its own); the map; --strict on kinds crit cannot judge; refusals;
# damaged input leaving nothing behind.
cd "$(dirname "$0")/.."
. tests/lib.sh anonymize
CRIT=${CRIT:-./crit}
fx=$(unpacked_fixtures)
out=$tmp/out
mkdir -p "$out"

sums() { (cd "$1" && find . -type f -exec sha256sum {} + | sort); }

# Every fixture; the pre-dumps into $out under their own names, so that
# each parent link ("../predump-pre2") names the anonymized parent.
for d in "$fx"/*/; do
	n=$(basename "$d")
	before=$(sums "$d")
	if "$CRIT" anonymize --json --map "$tmp/map-$n.json" "$d" "$out/$n" >"$tmp/rep-$n.json" 2>"$tmp/err-$n"; then
		ok "$n: anonymized"
	else
		bad "$n: anonymized ($(cat "$tmp/err-$n"))"
		continue
	fi
	check "$n: IN_DIR is as it was" test "$before" = "$(sums "$d")"
	check "$n: the report is JSON" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/rep-$n.json"
	check "$n: the copy keeps the structure and none of the secrets (tests/anonymize.py)" \
		python3 tests/anonymize.py "$CRIT" "$d" "$out/$n" "$tmp/map-$n.json" "$tmp/rep-$n.json"
done
check "the chain: predump's parent is the anonymized predump-pre2" \
	test "$(cat "$out/predump/parent")" = "../predump-pre2"
check "the chain: crit check follows it in the copy" sh -c "'$CRIT' check '$out/predump' >/dev/null"

# The checker is not blind: a plain copy fails it.
cp -r "$fx/sockets" "$tmp/plain"
check "tests/anonymize.py fails a copy that was not anonymized" \
	sh -c "! python3 tests/anonymize.py '$CRIT' '$fx/sockets' '$tmp/plain' '$tmp/map-sockets.json' '$tmp/rep-sockets.json' >/dev/null"

# The map: original -> replacement, one to one, as the copy has it.
check "the map names the comm, the paths and the socket names" python3 - "$tmp/map-sockets.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
n = m["names"]
assert {"socks", "srv", "crit-demo", "crit-demo-socks.sock", "libc.so.6"} <= set(n), n
assert len(set(n.values())) == len(n) and not set(n) & set(n.values())
assert m["addresses"] == {} and m["hardware"] == {}
EOF
check "the map has the container's addresses and its MAC" python3 - "$tmp/map-container.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
assert m["addresses"]["fe80::e819:47ff:fe7a:1f2e"].startswith("100::"), m
assert "127.0.0.1" not in m["addresses"] and "::1" not in m["addresses"]
assert m["hardware"]["ea:19:47:7a:1f:2e"] == "02:00:00:00:00:01", m
EOF
check "crit x ps shows the mapped comm" sh -c "'$CRIT' x '$out/tree' ps | grep -q ' n1\$'"

# Refusals: usage errors (2), and nothing written.
mkdir "$tmp/full" && touch "$tmp/full/x"
"$CRIT" anonymize "$fx/loop" "$tmp/full" 2>/dev/null
check "a non-empty OUT_DIR is refused (2)" test $? -eq 2
check "and is left as it was" test "$(ls "$tmp/full")" = x
"$CRIT" anonymize "$fx/loop" "$fx/loop/inner" 2>/dev/null
check "OUT_DIR inside IN_DIR is refused (2)" test $? -eq 2
check "and nothing is made in IN_DIR" test ! -e "$fx/loop/inner"
"$CRIT" anonymize --map "$tmp/o1/map.json" "$fx/loop" "$tmp/o1" 2>/dev/null
check "a map inside OUT_DIR is refused (2)" test $? -eq 2
mkdir "$tmp/o2"
"$CRIT" anonymize --map "$tmp/o2/map.json" "$fx/loop" "$tmp/o2" 2>/dev/null
check "a map inside an empty OUT_DIR is refused (2)" test $? -eq 2
"$CRIT" anonymize --map "$fx/loop/map.json" "$fx/loop" "$tmp/o3" 2>/dev/null
check "a map inside IN_DIR is refused (2)" test $? -eq 2
check "and nothing is written" test ! -e "$tmp/o1" -a ! -e "$tmp/o3" -a ! -e "$fx/loop/map.json" -a -z "$(ls "$tmp/o2")"
"$CRIT" anonymize "$fx/loop" 2>/dev/null
check "a missing OUT_DIR is a usage error (2)" test $? -eq 2
check "--help documents --map and --strict" sh -c "'$CRIT' anonymize --help | grep -q -- '--strict' && '$CRIT' anonymize --help | grep -q -- '--map FILE'"

# What crit cannot judge: a file of no magic it knows, and a field no
# table has (#99, holding "secret"). Written as they are and listed; left
# out with --strict.
cp -r "$fx/loop" "$tmp/odd"
rm -rf "$tmp/odd/ref"
printf 'MYST secret contents' >"$tmp/odd/mystery.img"
"$CRIT" decode -i "$fx/loop/fs-21663.img" | sed 's/}]}$/, "#99": "9a0606736563726574"}]}/' | "$CRIT" encode -o "$tmp/odd/fs-21663.img"
"$CRIT" anonymize "$tmp/odd" "$tmp/odd-out" 2>"$tmp/odd-err"
check "unjudged: written, exit 0" test $? -eq 0
check "unjudged: the file is listed on stderr" grep -q '^mystery.img: cannot judge: .*(written as it is)$' "$tmp/odd-err"
check "unjudged: the field is listed with its entry" grep -q '^fs-21663.img, entry 0, #99: cannot judge: a field the schema does not have (written as it is)$' "$tmp/odd-err"
check "unjudged: the file is copied as it is" cmp -s "$tmp/odd/mystery.img" "$tmp/odd-out/mystery.img"
check "unjudged: the field is kept" sh -c "'$CRIT' decode -i '$tmp/odd-out/fs-21663.img' | grep -q '\"#99\": \"9a0606736563726574\"'"
"$CRIT" anonymize --strict --json "$tmp/odd" "$tmp/strict-out" >"$tmp/strict.json" 2>"$tmp/strict-err"
check "--strict: written, exit 0" test $? -eq 0
check "--strict: the file is left out" test ! -e "$tmp/strict-out/mystery.img"
check "--strict: the field is left out, the entry kept" sh -c \
	"'$CRIT' decode -i '$tmp/strict-out/fs-21663.img' | grep -qx '{\"magic\": \"FS\", \"entries\": \\[{\"cwd_id\": 6, \"root_id\": 7, \"umask\": 18}\\]}'"
check "--strict: nothing of it anywhere" sh -c "! grep -rq secret '$tmp/strict-out'"
check "--strict: the JSON report says so" python3 - "$tmp/strict.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
u = {(x["image"], x["entry"], x["field"]): x["written"] for x in r["unjudged"]}
assert u == {("fs-21663.img", 0, "#99"): False, ("mystery.img", None, None): False}, u
assert r["files"] == 20 and r["names"] > 0 and r["zeroed"] > 0, r
EOF
check "--strict: the copy is whole" sh -c "'$CRIT' check '$tmp/strict-out' >/dev/null"

# A FIFO, a directory and a symlink in IN_DIR: listed, not copied, no hang.
cp -r "$fx/loop" "$tmp/special"
mkfifo "$tmp/special/fifo.img"
ln -s /etc/passwd "$tmp/special/link.img"
timeout 20 "$CRIT" anonymize "$tmp/special" "$tmp/special-out" 2>"$tmp/special-err"
check "special files: written, exit 0, no hang" test $? -eq 0
check "special files: listed, not copied" sh -c "grep -q '^fifo.img: cannot judge: a special file' '$tmp/special-err' &&
	grep -q '^link.img: cannot judge: a symbolic link' '$tmp/special-err' && grep -q '^ref: cannot judge: a directory' '$tmp/special-err' &&
	test ! -e '$tmp/special-out/fifo.img' -a ! -e '$tmp/special-out/link.img' -a ! -e '$tmp/special-out/ref'"

# Damaged input: one error naming the image and the offset (as decode
# names it), exit 1, and OUT_DIR absent, or as empty as it was.
damage() { # name, file, how (a command run on the copy's file)
	rm -rf "$tmp/dmg" "$tmp/dmg-out"
	cp -r "$fx/$1" "$tmp/dmg"
	sh -c "$3" _ "$tmp/dmg/$2"
	want=$("$CRIT" decode -i "$tmp/dmg/$2" 2>&1 >/dev/null | sed "s|^crit: $tmp/dmg/$2: ||")
	"$CRIT" anonymize "$tmp/dmg" "$tmp/dmg-out" 2>"$tmp/dmg-err"
	rc=$?
	check "damaged $2 ($4): exit 1" test $rc -eq 1
	check "damaged $2 ($4): one line, the image and the offset, as decode says" \
		test "$(cat "$tmp/dmg-err")" = "crit: $tmp/dmg/$2: $want"
	check "damaged $2 ($4): no OUT_DIR, nothing beside it" sh -c "test ! -e '$tmp/dmg-out' && ! ls -d '$tmp/dmg-out'.* 2>/dev/null"
}
damage tree core-22250.img 'truncate -s -7 "$1"' "cut short"
damage sockets sk-queues.img 'truncate -s -5 "$1"' "a payload cut short"
damage files ghost-file-2.img 'printf "\377\377\377\377" | dd of="$1" bs=1 seek=8 conv=notrunc 2>/dev/null' "an entry size past the end"
damage container mountpoints-13.img 'printf "\377" | dd of="$1" bs=1 seek=13 conv=notrunc 2>/dev/null' "a varint"
mkdir "$tmp/dmg-empty"
cp -r "$fx/loop" "$tmp/dmg2" && truncate -s 10 "$tmp/dmg2/mm-21663.img"
"$CRIT" anonymize "$tmp/dmg2" "$tmp/dmg-empty" 2>/dev/null
check "damaged: an empty OUT_DIR stays empty" test $? -eq 1 -a -d "$tmp/dmg-empty" -a -z "$(ls -A "$tmp/dmg-empty")"
cp -r "$fx/container" "$tmp/dmg3" && printf '\377\377\377' | dd of="$tmp/dmg3/ifaddr-10.img" bs=1 seek=4 conv=notrunc 2>/dev/null
"$CRIT" anonymize "$tmp/dmg3" "$tmp/dmg3-out" 2>"$tmp/dmg3-err"
check "a damaged netlink dump: exit 1, named with its offset" sh -c \
	"test $? -eq 1 && grep -qx 'crit: $tmp/dmg3/ifaddr-10.img: offset 4: a netlink message of .* bytes, 312 left' '$tmp/dmg3-err' && test ! -e '$tmp/dmg3-out'"

finish
