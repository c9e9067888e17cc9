#!/bin/bash
# The crit command line: output and newlines as Python CRIT, errors as one
# line naming the file and offset with exit status 1, atomic -o, stdin.
set -u
cd "$(dirname "$0")/.."
crit=${CRIT:-./crit}
fx=fixtures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }
check() { # name, then a command that must succeed
	local name=$1; shift
	if "$@"; then ok "$name"; else bad "$name"; fi
}

# An error: exit 1, one line on stderr: "crit: FILE: offset N: ..." matching $3.
expect_error() {
	local name=$1 file=$2 pattern=$3; shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
		grep -Eq "^crit: $file: offset [0-9]+: .*$pattern" "$tmp/err"; then
		ok "$name"
	else
		bad "$name (exit $rc: $(head -c 300 "$tmp/err"))"
	fi
}

# Output as CRIT: decode and show end with a newline on stdout.
check "decode to stdout" cmp -s <("$crit" decode -i $fx/loop/core-21663.img) $fx/loop/ref/core-21663.img.decode.json
check "decode --pretty" cmp -s <("$crit" decode --pretty -i $fx/loop/mm-21663.img) $fx/loop/ref/mm-21663.img.pretty.json
check "decode --in=X" cmp -s <("$crit" decode --in=$fx/loop/mm-21663.img) $fx/loop/ref/mm-21663.img.decode.json
check "show --nopl" cmp -s <("$crit" show --nopl $fx/sockets/sk-queues.img) $fx/sockets/ref/sk-queues.img.show-nopl.json
# A ghost file without chunks: --nopl drops the contents, as CRIT does.
check "show --nopl ghost file" cmp -s <("$crit" show --nopl $fx/files/ghost-file-2.img) \
	<(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); [e.pop("extra") for e in d["entries"]]; print(json.dumps(d, indent=4))' \
		$fx/files/ref/ghost-file-2.img.pretty.json)
check "info" cmp -s <("$crit" info $fx/loop/pagemap-21663.img) $fx/loop/ref/pagemap-21663.img.info.json

# stdin, never seeked: a pipe works.
check "decode from a pipe" cmp -s <(cat $fx/sockets/tcp-stream-2aa6f.img | "$crit" decode) $fx/sockets/ref/tcp-stream-2aa6f.img.decode.json
check "decode from stdin" cmp -s <("$crit" decode --pretty <$fx/files/ghost-file-1.img) $fx/files/ref/ghost-file-1.img.pretty.json

# -o: CRIT writes no trailing newline to a file.
"$crit" decode -i $fx/loop/fs-21663.img -o "$tmp/fs.json"
check "decode -o has no newline" cmp -s "$tmp/fs.json" <(head -c -1 $fx/loop/ref/fs-21663.img.decode.json)

# Errors name the file and the offset.
head -c 100 $fx/loop/core-21663.img >"$tmp/cut.img"
expect_error "truncated entry" "$tmp/cut.img" "truncated entry" "$crit" decode -i "$tmp/cut.img"
expect_error "raw image hint" "$fx/container/ifaddr-10.img" "Maybe you are feeding me an image with raw data\(i.e. pages.img\)\?" "$crit" decode -i $fx/container/ifaddr-10.img
expect_error "tarball hint" "$fx/container/tmpfs-dev-23.tar.gz.img" "tmpfs tarball" "$crit" show $fx/container/tmpfs-dev-23.tar.gz.img
expect_error "empty image" "$fx/container/iptables-10.img" "empty image" "$crit" info $fx/container/iptables-10.img
printf '\x19\x43\x56\x54\x55\x55\x55\x55' >"$tmp/unknown.img"
expect_error "unknown magic" "$tmp/unknown.img" "unknown magic 0x55555555" "$crit" decode -i "$tmp/unknown.img"
printf '\x19\x43\x56\x54\x47\x38\x05\x55\x0c\x00\x00\x00\x08\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01' >"$tmp/varint.img"
expect_error "over-long varint" "$tmp/varint.img" "varint longer than 10 bytes" "$crit" decode -i "$tmp/varint.img"
# Wire data protobuf-c never writes: refused, so that decode -> encode is exact.
printf '\x19\x43\x56\x54\x38\x31\x30\x56\x03\x00\x00\x00\x08\x85\x00' >"$tmp/padded.img"
expect_error "not protobuf-c's form" "$tmp/padded.img" "over-long varint in field 1 \(not as protobuf-c writes it\)" \
	"$crit" decode -i "$tmp/padded.img"
printf '\x19\x43\x56\x54\x47\x38\x05\x55\x03\x00\x00\x00\x12\x09\x00' >"$tmp/len.img"
expect_error "length past the end" "$tmp/len.img" "runs past its message" "$crit" decode -i "$tmp/len.img"
expect_error "stdin is named" "<stdin>" "truncated entry" sh -c "'$crit' decode <'$tmp/cut.img'"

# A failed -o leaves nothing behind, and keeps an older file there.
"$crit" decode -i "$tmp/cut.img" -o "$tmp/new.json" 2>/dev/null
check "no file after an error" test ! -e "$tmp/new.json" -a -z "$(ls "$tmp" | grep 'new.json')"
echo previous >"$tmp/old.json"
"$crit" decode -i "$tmp/cut.img" -o "$tmp/old.json" 2>/dev/null
check "old file untouched after an error" test "$(cat "$tmp/old.json")" = previous

# encode: JSON back to the image, from a pipe, atomically to a file.
check "decode | encode gives the image back" cmp -s <("$crit" decode -i $fx/tree/pipes-data.img | "$crit" encode) $fx/tree/pipes-data.img
check "CRIT's --pretty JSON encodes back" cmp -s <("$crit" encode -i $fx/misc/ref/tty-info.img.pretty.json) $fx/misc/tty-info.img
"$crit" encode -i $fx/loop/ref/core-21663.img.decode.json -o "$tmp/core.img"
check "encode -o" cmp -s "$tmp/core.img" $fx/loop/core-21663.img
printf '{"magic": "FS", "entries": [{"cwd_id": 6}]}' >"$tmp/bad.json"
expect_error_json() {
	local name=$1 file=$2 pattern=$3; shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -Eq "^crit: $file:[0-9]+:[0-9]+: .*$pattern" "$tmp/err"; then
		ok "$name"
	else
		bad "$name (exit $rc: $(head -c 300 "$tmp/err"))"
	fi
}
expect_error_json "encode error has line:column" "$tmp/bad.json" "missing required field root_id" "$crit" encode -i "$tmp/bad.json" -o "$tmp/bad.img"
check "no image after an encode error" test ! -e "$tmp/bad.img"
expect_error_json "binary input to encode" "$fx/loop/core-21663.img" "Maybe you are feeding me an image with protobuf data\?" "$crit" encode -i $fx/loop/core-21663.img

# JSON rewritten by other tools, with keys sorted (jq -S, Python's
# sort_keys): "entries" before "magic", members out of field order. Every
# fixture, so encoded, must still give its image back.
mkdir "$tmp/sorted"
n=0
for ref in $fx/*/ref/*.decode.json; do
	img=$(dirname "$(dirname "$ref")")/$(basename "$ref" .decode.json)
	n=$((n + 1))
	echo "$img" >"$tmp/sorted/$n.path"
	"$crit" decode --pretty -i "$img" >"$tmp/sorted/$n.json"
done
python3 -c 'import json,sys
for f in sys.argv[1:]:
    d = json.load(open(f))
    json.dump(d, open(f, "w"), sort_keys=True)' "$tmp"/sorted/*.json
bad_sorted=0
for ((i = 1; i <= n; i++)); do
	"$crit" encode -i "$tmp/sorted/$i.json" -o "$tmp/sorted/$i.img" 2>>"$tmp/sorted/errors" &&
		cmp -s "$tmp/sorted/$i.img" "$(cat "$tmp/sorted/$i.path")" ||
		{ bad_sorted=$((bad_sorted + 1)); echo "not the same: $(cat "$tmp/sorted/$i.path")"; }
done
check "sorted-keys JSON of all $n fixtures encodes back" test "$n" -ge 195 -a "$bad_sorted" -eq 0
head -3 "$tmp/sorted/errors"

# Output onto the input is refused, and the input is left as it was.
cp $fx/loop/fs-21663.img "$tmp/self.img"
"$crit" decode -i "$tmp/self.img" -o "$tmp/self.img" 2>"$tmp/err"
check "decode refuses to overwrite its input" test $? -eq 1 -a "$(wc -l <"$tmp/err")" -eq 1
check "the input is untouched" cmp -s "$tmp/self.img" $fx/loop/fs-21663.img
ln "$tmp/self.img" "$tmp/link.img"
"$crit" decode -i "$tmp/link.img" -o "$tmp/self.img" 2>/dev/null
check "a hard link to the input is the input" test $? -eq 1
"$crit" encode -i $fx/loop/ref/fs-21663.img.decode.json -o "$tmp/self.img" 2>/dev/null
check "encode onto an image that is not its input" test $? -eq 0

# x: the explorers, as Python CRIT's; errors name the image.
check "x ps" cmp -s <("$crit" x $fx/loop ps) $fx/loop/ref/x-ps.txt
check "x rss" cmp -s <("$crit" x $fx/predump rss) $fx/predump/ref/x-rss.txt
check "x fds lists a zombie" sh -c "'$crit' x $fx/tree fds | grep -qx '22252 (zombie)'"
mkdir "$tmp/ck" && cp $fx/loop/*.img "$tmp/ck/" && head -c 20 $fx/loop/mm-21663.img >"$tmp/ck/mm-21663.img"
"$crit" x "$tmp/ck" mems >/dev/null 2>"$tmp/err"
check "x: a cut image is named, exit 1" test $? -eq 1 -a "$(wc -l <"$tmp/err")" -eq 1
check "x: the error names the image and offset" grep -q "^crit: $tmp/ck/mm-21663.img: offset [0-9]*: " "$tmp/err"
"$crit" x "$tmp/none" ps >/dev/null 2>&1
check "x: no such directory" test $? -eq 1

# Help and version.
check "--version names the schema" sh -c "'$crit' --version | grep -q 'CRIU 4.2'"
for cmd in decode encode show info x; do
	check "$cmd --help" sh -c "'$crit' $cmd --help | grep -q '^usage: crit $cmd'"
done
"$crit" frobnicate >/dev/null 2>&1
check "unknown command fails" test $? -eq 1
"$crit" >/dev/null 2>&1
check "no command fails" test $? -eq 1

echo "cli: $passed passed, $failed failed"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
