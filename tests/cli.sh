#!/bin/bash
# The crit command line: output and newlines as Python CRIT, errors as one
# line naming the file and offset with exit status 1, atomic -o, stdin.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh cli
crit=${CRIT:-./crit}
fx=fixtures

# An error: exit 1, one line on stderr: "crit: FILE: offset N: ..." matching
# $3 (expect_error), or "crit: FILE: ..." for an error that has no place in
# the file, such as one that stops it being opened (expect_error_nopos).
expect_error() {
	expect_error_at "offset [0-9]+: " "$@"
}

expect_error_nopos() {
	expect_error_at "" "$@"
}

expect_error_at() {
	local at=$1 name=$2 file=$3 pattern=$4; shift 4
	"$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
		grep -Eq "^crit: $file: $at.*$pattern" "$tmp/err" && { [ -n "$at" ] || ! grep -q "offset" "$tmp/err"; }; then
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
expect_error "truncated entry" "$tmp/cut.img" "an entry of 2296 bytes, 88 left" "$crit" decode -i "$tmp/cut.img"
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
expect_error "stdin is named" "<stdin>" "an entry of 2296 bytes, 88 left" sh -c "'$crit' decode <'$tmp/cut.img'"

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
# A hostile checkpoint may hold a FIFO where an image should be: refused at
# once, not waited on for a writer.
mkdir "$tmp/fifo" && cp $fx/loop/*.img "$tmp/fifo/" && rm "$tmp/fifo/pstree.img" && mkfifo "$tmp/fifo/pstree.img"
expect_error_nopos "x: a FIFO for an image" "$tmp/fifo/pstree.img" "not a regular file" timeout 10 "$crit" x "$tmp/fifo" ps

# x sk: every socket behind an fd, as the images have it: fds, ids,
# inodes, peers, names, addresses, ports and buffers as decode reads them
# from fdinfo and files.img; the bytes queued the sums of the socket's
# sk-queues.img entries, or its tcp-stream image's queue lengths.
for i in files fdinfo-2 sk-queues; do "$crit" decode --pretty -i $fx/sockets/$i.img >"$tmp/$i.json"; done
for f in $fx/sockets/tcp-stream-*.img; do "$crit" decode -i "$f" >"$tmp/$(basename "$f" .img).json"; done
"$crit" x $fx/sockets sk --json >"$tmp/sk.json"
check "x sk --json matches the images" python3 - "$tmp" <<'PY'
import json, os, quopri, sys
tmp = sys.argv[1]
load = lambda n: json.load(open(os.path.join(tmp, n)))
files = {e["id"]: e for e in load("files.json")["entries"]}
kinds = {"UNIXSK": "usk", "INETSK": "isk", "NETLINKSK": "nlsk", "PACKETSK": "psk"}
fds = [f for f in load("fdinfo-2.json")["entries"] if f["type"] in kinds]
queued = {}
for q in load("sk-queues.json")["entries"]:
    queued[q["id_for"]] = queued.get(q["id_for"], 0) + q["length"]
(task,) = load("sk.json")
socks = task["sockets"]
assert task["state"] == "alive"
assert [(s["fd"], s["id"]) for s in socks] == [(f["fd"], f["id"]) for f in fds], "fds"
for s, f in zip(socks, fds):
    e = files[f["id"]][kinds[f["type"]]]
    assert (s["rcvbuf"], s["sndbuf"]) == (e["opts"]["so_rcvbuf"], e["opts"]["so_sndbuf"]), s
    if f["type"] == "UNIXSK":
        name = quopri.decodestring(e["name"].encode())
        if name[:1] != b"\0":
            name = name.split(b"\0")[0]  # a path ends at its NUL
        assert (s["family"], s["type"], s["state"]) == ("unix", e["type"].lower(), e["state"]), s
        assert (s["ino"], s["peer"], s["proto"]) == (e["ino"], e["peer"], None), s
        assert (s["src"] or "").encode("utf-8", "surrogateescape") == name, s
        assert (s["recv_q"], s["send_q"]) == (queued.get(f["id"], 0), None), s
    elif f["type"] == "INETSK":
        assert (s["family"], s["type"], s["proto"], s["state"]) == \
            (e["family"].lower(), e["type"].lower(), e["proto"].lower(), e["state"]), s
        assert (s["ino"], s["src"], s["src_port"], s["dst"], s["dst_port"]) == \
            (e["ino"], e["src_addr"][0], e["src_port"], e["dst_addr"][0], e["dst_port"]), s
        ts = os.path.join(tmp, "tcp-stream-%x.json" % e["ino"])
        if os.path.exists(ts):
            t = json.load(open(ts))["entries"][0]
            assert (s["recv_q"], s["send_q"]) == (t["inq_len"], t["outq_len"]), s
        else:
            assert (s["recv_q"], s["send_q"]) == (queued.get(f["id"]), None), s
    elif f["type"] == "NETLINKSK":
        assert (s["family"], s["ino"], s["src_port"], s["dst_port"]) == \
            ("netlink", e["ino"], e["portid"], e["dst_portid"]), s
    else:  # the protocol as socket(2) takes it: htons(ETH_P_ALL)
        assert (s["family"], s["ifindex"], s["proto"], e["protocol"]) == ("packet", e["ifindex"], "all", 0x300), s
# as the fixture was made: unread data on both ends of the TCP connection
assert len([s for s in socks if s["proto"] == "tcp" and s["recv_q"]]) == 2
assert len([s for s in socks if s["family"] == "unix" and s["recv_q"]]) == 7
PY
"$crit" x $fx/sockets sk >"$tmp/sk.txt"
# The text: one row per socket, its columns those of the JSON.
check "x sk: the text rows are the JSON's" python3 - "$tmp" <<'PY'
import json, os, sys
tmp = sys.argv[1]
(task,) = json.load(open(os.path.join(tmp, "sk.json")))
rows = {int(r[0]): r for r in (l.split() for l in open(os.path.join(tmp, "sk.txt")) if l[:1] == "\t") if r[0] != "FD"}
assert len(rows) == len(task["sockets"])
dash = lambda v: "-" if v is None else str(v)
for s in task["sockets"]:
    r = rows[s["fd"]]
    assert r[1:5] == [s["family"], dash(s["type"]), dash(s["proto"]), dash(s["state"])], r
    assert r[5:10] == [dash(s["recv_q"]), dash(s["send_q"]), str(s["rcvbuf"]), str(s["sndbuf"]), str(s["ino"] or "-")], r
    if s["family"] in ("inet", "inet6"):
        fmt = "[%s]:%s" if s["family"] == "inet6" else "%s:%s"
        assert r[10:] == [fmt % (s["src"], s["src_port"] or "*"), fmt % (s["dst"], s["dst_port"] or "*")], r
    if s["family"] == "unix":
        assert r[10:] == [(s["src"] or "*").replace("\0", "@"), str(s["peer"] or "*")], r
PY
check "x sk: an abstract name as ss shows it" grep -q "@crit-demo-abstract@ " "$tmp/sk.txt"
check "x sk: one header, first" test "$(grep -c '^	FD  FAMILY  *TYPE  *PROTO  *STATE  *RECV-Q  SEND-Q' "$tmp/sk.txt")" -eq 1 \
	-a "$(head -c 4 "$tmp/sk.txt")" = "	FD "

# Older CRIU kept sockets in images of their own (unixsk.img, inetsk.img,
# netlinksk.img, packetsk.img), not in files.img: the same listing. The
# sockets' messages are moved out of files.img's entries (file_entry's
# isk 4, psk 6, nlsk 7, usk 16) as they are.
mkdir "$tmp/old" && cp $fx/sockets/*.img "$tmp/old/"
python3 - $fx/sockets "$tmp/old" proto-tables/registry.c <<'PY'
import re, struct, sys
src, dst, registry = sys.argv[1:4]
magic = {k: int(v, 16) for k, v in re.findall(r'\{ "(\w+)",\s+(0x[0-9a-f]+)', open(registry).read())}
def varint(b, i):
    v = s = 0
    while True:
        v |= (b[i] & 0x7f) << s
        s += 7
        i += 1
        if not b[i - 1] & 0x80:
            return v, i
members = {4: "INETSK", 6: "PACKETSK", 7: "NETLINK_SK", 16: "UNIXSK"}
out = {m: [] for m in members.values()}
files = []
body = open(src + "/files.img", "rb").read()[8:]
i = 0
while i < len(body):
    (n,) = struct.unpack_from("<I", body, i)
    msg, i, j, sk = body[i + 4:i + 4 + n], i + 4 + n, 0, None
    while j < len(msg):
        tag, j = varint(msg, j)
        if tag & 7 == 0:
            _, j = varint(msg, j)
        else:
            assert tag & 7 == 2
            n, j = varint(msg, j)
            if tag >> 3 in members:
                sk = (members[tag >> 3], msg[j:j + n])
            j += n
    (out[sk[0]] if sk else files).append(sk[1] if sk else msg)
def write(name, kind, msgs):
    with open(dst + "/" + name, "wb") as f:
        f.write(struct.pack("<II", magic["IMG_COMMON"], magic[kind]))
        f.write(b"".join(struct.pack("<I", len(m)) + m for m in msgs))
write("files.img", "FILES", files)
for kind, name in (("UNIXSK", "unixsk"), ("INETSK", "inetsk"), ("NETLINK_SK", "netlinksk"), ("PACKETSK", "packetsk")):
    assert out[kind]
    write(name + ".img", kind, out[kind])
PY
check "x sk: sockets in the images of older CRIU" cmp -s <("$crit" x "$tmp/old" sk) "$tmp/sk.txt"
check "x sk: none of them in files.img there" \
	test "$("$crit" decode -i "$tmp/old/files.img" | grep -c '"type": "[A-Z]*SK"')" -eq 0
check "x fds: unix sockets in unixsk.img" cmp -s <("$crit" x "$tmp/old" fds) $fx/sockets/ref/x-fds.txt

# A damaged socket image is named, with the offset, exit 1, and nothing
# is printed before the error.
mkdir "$tmp/cutsk" && cp $fx/sockets/*.img "$tmp/cutsk/" && head -c -5 $fx/sockets/sk-queues.img >"$tmp/cutsk/sk-queues.img"
expect_error "x sk: a cut sk-queues.img" "$tmp/cutsk/sk-queues.img" "payload runs past" "$crit" x "$tmp/cutsk" sk
check "x sk: nothing printed before the error" test ! -s "$tmp/out"
cp $fx/sockets/sk-queues.img "$tmp/cutsk/" && head -c -1 $fx/sockets/tcp-stream-2aa70.img >"$tmp/cutsk/tcp-stream-2aa70.img"
expect_error "x sk --json: a cut tcp-stream image" "$tmp/cutsk/tcp-stream-2aa70.img" "payload runs past" "$crit" x "$tmp/cutsk" sk --json

# x --json: every explorer on every fixture folder prints JSON, or, in a
# folder with no pstree.img, fails naming it.
njson=0 bad_json=0 want_json=0
for d in $fx/*/; do
	d=${d%/}
	want_json=$((want_json + ($([ -e "$d/pstree.img" ] && echo 6 || echo 1))))
	for w in ps fds mems rss sk stats; do
		if "$crit" x "$d" "$w" --json >"$tmp/x.json" 2>"$tmp/err"; then
			njson=$((njson + 1))
			python3 -m json.tool "$tmp/x.json" >/dev/null || { bad_json=$((bad_json + 1)); echo "not JSON: x $d $w"; }
		elif [ -e "$d/pstree.img" ] || ! grep -q "^crit: $d/pstree.img: cannot open" "$tmp/err"; then
			bad_json=$((bad_json + 1))
			echo "failed: x $d $w: $(cat "$tmp/err")"
		fi
	done
done
check "x --json: all $njson outputs parse (python3 -m json.tool)" test "$njson" -eq "$want_json" -a "$bad_json" -eq 0

# --json after WHAT, before it, or before DIR: the same.
"$crit" x $fx/tree ps --json >"$tmp/ps.json"
check "x --json DIR WHAT" cmp -s <("$crit" x --json $fx/tree ps) "$tmp/ps.json"
check "x DIR --json WHAT" cmp -s <("$crit" x $fx/tree --json ps) "$tmp/ps.json"

# The JSON of ps, fds, mems, rss and stats against the images.
for i in pstree mm-21663 pagemap-21663 fdinfo-2 ids-21663; do "$crit" decode -i $fx/loop/$i.img >"$tmp/loop-$i.json"; done
"$crit" decode -i $fx/tree/pstree.img >"$tmp/tree-pstree.json"
"$crit" decode -i $fx/loop/stats-dump >"$tmp/loop-stats.json"
for w in fds mems rss stats; do "$crit" x $fx/loop $w --json >"$tmp/loop-$w.x.json"; done
"$crit" x $fx/tree fds --json >"$tmp/tree-fds.json"
check "x --json: ps, fds, mems, rss, stats match the images" python3 - "$tmp" <<'PY'
import json, os, sys
tmp = sys.argv[1]
load = lambda n: json.load(open(os.path.join(tmp, n)))
# ps: pstree's tasks with their ids, each one deeper than its parent; the
# zombie and the stopped task marked
ps, pstree = load("ps.json"), load("tree-pstree.json")["entries"]
ids = lambda t: (t["pid"], t["ppid"], t["pgid"], t["sid"])
assert sorted(map(ids, ps)) == sorted(map(ids, pstree))
state = {t["pid"]: t["state"] for t in ps}
assert (state[22252], state[22253], state[22247]) == ("zombie", "stopped", "alive")
for t in ps:
    parent = [p for p in ps if p["pid"] == t["ppid"]]
    assert t["depth"] == (parent[0]["depth"] + 1 if parent else 0)
# fds: the fds of the fdinfo image the ids image names; a zombie has none
loop = [t for t in load("loop-fds.x.json") if t["pid"] == 21663][0]
assert load("loop-ids-21663.json")["entries"][0]["files_id"] == 2
assert [(f["fd"], f["id"], f["type"]) for f in loop["fds"]] == \
    [(f["fd"], f["id"], f["type"]) for f in load("loop-fdinfo-2.json")["entries"]]
zombie = [t for t in load("tree-fds.json") if t["pid"] == 22252][0]
assert (zombie["state"], zombie["fds"], zombie["cwd"], zombie["root"]) == ("zombie", [], None, None)
# mems: mm's VMAs
mems = [t for t in load("loop-mems.x.json") if t["pid"] == 21663][0]
vmas = load("loop-mm-21663.json")["entries"][0]["vmas"]
key = ("start", "end", "pgoff", "flags", "status")
assert [tuple(v[k] for k in key) for v in mems["vmas"]] == [tuple(v[k] for k in key) for v in vmas]
# rss: the pagemap's entries, each with the VMAs it falls in
rss = [t for t in load("loop-rss.x.json") if t["pid"] == 21663][0]
pm = load("loop-pagemap-21663.json")["entries"][1:]
assert [(p["vaddr"], p["pages"]) for p in rss["pagemap"]] == [(p["vaddr"], p["nr_pages"]) for p in pm]
for p in rss["pagemap"]:
    end = p["vaddr"] + p["pages"] * rss["page_size"]
    assert p["vmas"] and all(v["start"] < end and v["end"] > p["vaddr"] for v in p["vmas"])
# stats: stats-dump's fields as they are; no stats-restore
stats, dump = load("loop-stats.x.json"), load("loop-stats.json")["entries"][0]["dump"]
assert stats["restore"] is None and len(stats["dump"]) >= 9
assert all(dump[k] == v for k, v in stats["dump"].items())
PY

# Help and version.
check "--version names the schema" sh -c "'$crit' --version | grep -q 'CRIU 4.2'"
for cmd in decode encode show info x; do
	check "$cmd --help" sh -c "'$crit' $cmd --help | grep -q '^usage: crit $cmd'"
done
"$crit" frobnicate >/dev/null 2>&1
check "unknown command: a usage error" test $? -eq 2
"$crit" >/dev/null 2>&1
check "no command: a usage error" test $? -eq 2

finish
