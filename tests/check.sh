#!/bin/bash
# crit check: every fixture is whole; copies damaged one fault at a time
# (crit decode, an edit of the JSON in Python, crit encode; or the files
# themselves) each give exactly the one problem expected: its image, entry,
# field and kind, with exit status 1. And crit x warns on a damaged tree.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh check
crit=${CRIT:-./crit}
fx=$(unpacked_fixtures)

# Every fixture folder: whole, exit 0, and JSON with no problem.
for d in $fx/*/; do
	d=${d%/}
	out=$("$crit" check "$d" 2>&1)
	rc=$?
	check "check $d: whole (exit $rc: ${out##*$'\n'})" test $rc -eq 0 -a "${out#whole: }" != "$out"
	"$crit" check --json "$d" >"$tmp/whole.json"
	check "check --json $d: no problem" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["problems"] == [] and d["dump"] in ("dump", "pre-dump", "cpuinfo"), d' "$tmp/whole.json"
done
check "predump-pre1 is a pre-dump" python3 -c '
import json, subprocess
assert json.loads(subprocess.run([ "'"$crit"'", "check", "--json", "'"$fx"'/predump-pre1"], capture_output=True).stdout)["dump"] == "pre-dump"'

# A fresh copy of a fixture's images (no ref/) in $tmp/NAME.
fresh() {
	rm -rf "${tmp:?}/$1"
	mkdir "$tmp/$1"
	find "$fx/$2" -maxdepth 1 -type f -exec cp {} "$tmp/$1/" \;
}

# edit DIR IMAGE PYTHON: the image decoded, d (its JSON) changed by the
# Python statements, and encoded back in place.
edit() {
	"$crit" decode -i "$1/$2" >"$tmp/edit.json" || return 1
	python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
e = d['entries']
$3
json.dump(d, open(sys.argv[1], 'w'))" "$tmp/edit.json" || return 1
	"$crit" encode -i "$tmp/edit.json" -o "$1/$2"
}

# expect NAME DIR IMAGE ENTRY FIELD KIND: crit check DIR exits 1 and its
# JSON lists exactly that one problem (ENTRY and FIELD may be null).
expect() {
	local name=$1 dir=$2
	"$crit" check --json "$dir" >"$tmp/check.json" 2>"$tmp/check.err"
	local rc=$?
	if [ $rc -eq 1 ] && python3 - "$tmp/check.json" "$3" "$4" "$5" "$6" <<'EOF'; then
import json, sys
got = json.load(open(sys.argv[1]))["problems"]
image, entry, field, kind = sys.argv[2:]
want = [{"image": image, "entry": None if entry == "null" else int(entry),
         "field": None if field == "null" else field, "kind": kind}]
have = [{k: p[k] for k in ("image", "entry", "field", "kind")} for p in got]
if have != want or not all(p["message"] for p in got):
    sys.exit("got %s" % have)
EOF
		ok "$name"
	else
		bad "$name (exit $rc: $(head -c 400 "$tmp/check.json"))"
	fi
}

# The process tree. tree: 22247 the root; 22250 (22254 under it), 22251,
# the zombie 22252 and 22253 under the root.
fresh t1 tree && rm "$tmp/t1/core-22250.img"
expect "a missing core: one problem, not its name, images or threads" "$tmp/t1" core-22250.img null null missing-image
fresh t2 tree && edit "$tmp/t2" pstree.img 'e[3]["pid"] = e[1]["pid"]'
expect "a duplicated pid" "$tmp/t2" pstree.img 3 pid duplicate-pid
fresh t3 tree && edit "$tmp/t3" pstree.img 'e[1]["ppid"] = 22254'
expect "a pid cycle (22250 <-> 22254): one problem" "$tmp/t3" pstree.img 1 ppid pid-cycle
fresh t4 tree && edit "$tmp/t4" pstree.img 'e[5]["ppid"] = 99999'
expect "a parent not in pstree" "$tmp/t4" pstree.img 5 ppid missing-parent
fresh t5 threads && edit "$tmp/t5" pstree.img 'e[0]["threads"] = e[0]["threads"][1:]'
expect "threads not listing the task" "$tmp/t5" pstree.img 0 threads threads
fresh t6 threads && rm "$tmp/t6/core-23506.img"
expect "a thread without its core" "$tmp/t6" core-23506.img null null missing-image
fresh t7 loop && rm "$tmp/t7/inventory.img"
expect "no inventory" "$tmp/t7" inventory.img null null missing-image

# Each task's images.
fresh i1 tree && rm "$tmp/i1/mm-22251.img"
expect "a missing mm: one problem, not its pagemap against no VMAs" "$tmp/i1" mm-22251.img null null missing-image
fresh i2 loop && rm "$tmp/i2/fdinfo-3.img"
expect "a missing fdinfo (fdinfo_per_id: files_id 3)" "$tmp/i2" fdinfo-3.img null null missing-image
fresh i3 loop && edit "$tmp/i3" core-21663.img 'del e[0]["thread_core"]["creds"]'
expect "creds missing" "$tmp/i3" core-21663.img 0 thread_core.creds missing-field
fresh i4 loop && head -c 100 $fx/loop/core-21793.img >"$tmp/i4/core-21793.img"
expect "a cut core: one problem" "$tmp/i4" core-21793.img 0 null damaged-image
fresh i5 tree && edit "$tmp/i5" ids-22254.img 'e[0]["vm_id"] = 2' # 22247's
expect "mm shared by the ids, images that differ" "$tmp/i5" mm-22254.img null null not-shared
fresh i6 tree && rm "$tmp/i6/ids-22253.img"
expect "missing ids: one problem, not its fdinfo" "$tmp/i6" ids-22253.img null null missing-image

# Ids across images.
fresh d1 loop && edit "$tmp/d1" fdinfo-2.img 'e[0]["id"] = 9999'
expect "an fd's file id dangling" "$tmp/d1" fdinfo-2.img 0 id dangling-id
fresh d2 loop && edit "$tmp/d2" fdinfo-2.img 'e[1]["type"] = "PIPE"'
expect "an fd of the wrong kind" "$tmp/d2" fdinfo-2.img 1 id wrong-kind
fresh d3 sockets && edit "$tmp/d3" files.img 'e[5]["usk"]["peer"] = 12345'
expect "a unix socket's peer missing" "$tmp/d3" files.img 5 usk.peer dangling-id
fresh d4 container && edit "$tmp/d4" mm-1.img '
i = [n for n, v in enumerate(e[0]["vmas"]) if v["status"] & 1 << 10][0]
e[0]["vmas"][i]["shmid"] = 77
open(sys.argv[1] + ".i", "w").write(str(i))'
expect "a SysV shm VMA's shmid missing" "$tmp/d4" mm-1.img 0 "vmas[$(cat "$tmp/edit.json.i")].shmid" dangling-id
fresh d5 files && edit "$tmp/d5" mm-23006.img '
i = [n for n, v in enumerate(e[0]["vmas"]) if v["status"] & 1 << 7 and not v["status"] & 1 << 14][0]
e[0]["vmas"][i]["shmid"] = 4242
open(sys.argv[1] + ".i", "w").write(str(i))'
expect "a mapped file's id missing" "$tmp/d5" mm-23006.img 0 "vmas[$(cat "$tmp/edit.json.i")].shmid" dangling-id
fresh d6 loop && edit "$tmp/d6" mm-21663.img 'e[0]["exe_file_id"] = 31337'
expect "mm's exe_file_id dangling" "$tmp/d6" mm-21663.img 0 exe_file_id dangling-id
fresh d7 container && rm "$tmp/d7/netns-10.img"
expect "a namespace's image deleted: one problem for its 3 tasks" "$tmp/d7" netns-10.img null null missing-image
fresh d8 misc && edit "$tmp/d8" files.img 'e[7]["tty"]["tty_info_id"] = 55'
expect "a tty's info missing" "$tmp/d8" files.img 7 tty.tty_info_id dangling-id
fresh d9 files && rm "$tmp/d9/ghost-file-2.img"
expect "a ghost file deleted" "$tmp/d9" ghost-file-2.img null null missing-image
fresh d10 loop && edit "$tmp/d10" files.img 'e[1]["id"] = e[0]["id"]'
check "a duplicated file id is told" python3 -c '
import json, subprocess
p = json.loads(subprocess.run(["'"$crit"'", "check", "--json", "'"$tmp/d10"'"], capture_output=True).stdout)["problems"]
assert {"image": "files.img", "entry": 1, "field": "id", "kind": "duplicate-id"} in [
    {k: x[k] for k in ("image", "entry", "field", "kind")} for x in p], p'

# Memory.
fresh m1 loop && head -c -4096 $fx/loop/pages-1.img >"$tmp/m1/pages-1.img"
expect "a pages image cut by a page" "$tmp/m1" pages-1.img null null pages-size
fresh m2 loop && rm "$tmp/m2/pages-2.img"
expect "a pages image deleted" "$tmp/m2" pages-2.img null null missing-image
fresh m3 loop && edit "$tmp/m3" pagemap-21663.img 'e[1], e[2] = e[2], e[1]'
expect "pagemap entries unsorted" "$tmp/m3" pagemap-21663.img 2 vaddr pagemap-order
fresh m4 loop && edit "$tmp/m4" pagemap-21663.img '
i = [n for n in range(1, len(e) - 1) if e[n + 1]["nr_pages"] <= e[n]["nr_pages"]][0]
e[i + 1]["vaddr"] = e[i]["vaddr"]
open(sys.argv[1] + ".i", "w").write(str(i + 1))'
expect "pagemap entries overlapping" "$tmp/m4" pagemap-21663.img "$(cat "$tmp/edit.json.i")" vaddr pagemap-order
fresh m5 loop && edit "$tmp/m5" pagemap-21663.img 'e[1]["vaddr"] = 0x1000'
expect "pages outside every VMA" "$tmp/m5" pagemap-21663.img 1 vaddr outside-vma
fresh m6 predump && rm "$tmp/m6/parent"
expect "PE_PARENT pages and no parent: one problem" "$tmp/m6" pagemap-30726.img 1 flags not-in-parent
# the chain copied whole: predump -> predump-pre2 -> predump-pre1 ("parent"
# files holding ../NAME, as the fixtures' copies of the symlinks do)
for d in predump predump-pre2 predump-pre1; do fresh $d $d; done
check "the chain copied is whole" "$crit" check "$tmp/predump"
ln -sfn ../predump-pre2 "$tmp/predump/parent.link" && mv "$tmp/predump/parent.link" "$tmp/predump/parent"
check "a symlink parent is followed" "$crit" check "$tmp/predump"
cp -r "$tmp/predump-pre1" "$tmp/pre1-saved"
edit "$tmp/predump-pre1" pagemap-30726.img '
p = [x for x in e[1:] if x["vaddr"] < 0x7f0000000000][0]
e.remove(p)
open(sys.argv[1] + ".range", "w").write("%d %d" % (p["vaddr"], p["vaddr"] + 4096 * p["nr_pages"]))'
read -r lo hi <"$tmp/edit.json.range"
want=$("$crit" decode -i "$tmp/predump/pagemap-30726.img" | python3 -c "
import json, sys
e = json.load(sys.stdin)['entries']
print(*[n for n in range(1, len(e)) if e[n]['vaddr'] < $hi and e[n]['vaddr'] + 4096 * e[n]['nr_pages'] > $lo])")
expect "PE_PARENT pages the grandparent lost (entry $want)" "$tmp/predump" pagemap-30726.img "$want" flags not-in-parent
rm -rf "$tmp/predump-pre1" && mv "$tmp/pre1-saved" "$tmp/predump-pre1"
echo ../predump >"$tmp/predump-pre2/parent"
expect "a parent chain that loops: one problem" "$tmp/predump" parent/parent null null not-in-parent
printf '../nowhere\n' >"$tmp/predump-pre2/parent"
expect "a parent link to nothing" "$tmp/predump" parent/parent null null not-in-parent

# Payloads.
fresh p1 files && head -c -1 $fx/files/ghost-file-2.img >"$tmp/p1/ghost-file-2.img"
expect "a ghost file one byte short" "$tmp/p1" ghost-file-2.img 0 null ghost-incomplete
fresh p2 tree && edit "$tmp/p2" pipes-data.img 'e.pop()'
python3 - "$tmp/p2/pipes-data.img" <<'EOF'
# the last entry says one byte more than its payload has: bytes 15 -> 16
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
at = 8 + 4 + struct.unpack_from("<I", b, 8)[0] + 36  # past entry 0 and its 36 bytes
i = b.index(b"\x10\x0f", at + 4)
b[i + 1] = 0x10
open(sys.argv[1], "wb").write(b)
EOF
expect "an extra payload shorter than its length" "$tmp/p2" pipes-data.img 1 bytes payload-length
fresh p3 sockets && head -c -3 $fx/sockets/tcp-stream-2aa6f.img >"$tmp/p3/tcp-stream-2aa6f.img"
expect "a TCP stream's queues cut" "$tmp/p3" tcp-stream-2aa6f.img 0 inq_len payload-length

# Older layouts: regular files in reg-files.img instead of files.img.
fresh o1 loop
"$crit" decode -i $fx/loop/files.img | python3 -c '
import json, sys
d = json.load(sys.stdin)
json.dump({"magic": "REG_FILES", "entries": [f["reg"] for f in d["entries"]]}, sys.stdout)' |
	"$crit" encode -o "$tmp/o1/reg-files.img" && rm "$tmp/o1/files.img"
check "reg-files.img instead of files.img: whole" "$crit" check "$tmp/o1"
edit "$tmp/o1" reg-files.img 'e[:] = [x for x in e if x["id"] != 4]'
expect "reg-files.img without an fd's file" "$tmp/o1" fdinfo-2.img 0 id dangling-id

# A flood cut short: a pagemap shifted whole gives CHK_SAME problems and
# one that counts the rest.
fresh f1 loop && edit "$tmp/f1" pagemap-21663.img 'for x in e[1:]: x["vaddr"] += 1 << 44'
"$crit" check --json "$tmp/f1" >"$tmp/f1.json"
check "a flood: 8 problems listed, then how many more" python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))["problems"]
v = [x for x in p if x["kind"] == "outside-vma"]
n = int(sys.argv[2]) - 1 - 8
assert len(v) == 9 and v[-1]["entry"] is None and "and %d more" % n in v[-1]["message"], v' "$tmp/f1.json" \
	"$("$crit" info $fx/loop/pagemap-21663.img | python3 -c 'import json, sys; print(json.load(sys.stdin)["count"] + 1)')"

# The text: a line per problem naming image, entry and field, then a summary.
"$crit" check "$tmp/t2" >"$tmp/text" 2>&1
check "text: the problem and the summary" grep -qx 'pstree.img, entry 3, pid: duplicate-pid: pid 22250 is listed again (first at entry 1)' "$tmp/text"
check "text: the summary" grep -qx 'damaged: a dump of 6 tasks, 43 images read, 1 problem' "$tmp/text"

# Usage and unreadable directories.
"$crit" check >/dev/null 2>&1
check "no DIR: exit 2" test $? -eq 2
"$crit" check "$tmp/nowhere" >/dev/null 2>"$tmp/err"
check "a directory that is not there: exit 1, one line" test $? -eq 1 -a "$(wc -l <"$tmp/err")" -eq 1
"$crit" check --help | grep -q "usage: crit check"
check "check --help" test $? -eq 0

# crit x on a damaged tree: one warning on stderr that points at crit
# check, and stdout as before: a missing core's task has an empty name.
for t in t1 t2 t3; do
	"$crit" x "$tmp/$t" ps >"$tmp/$t.ps" 2>"$tmp/ps.err"
	rc=$?
	check "x $t ps: exit 0, one warning naming crit check" test $rc -eq 0 -a "$(wc -l <"$tmp/ps.err")" -eq 1 -a \
		"$(grep -c "crit check" "$tmp/ps.err")" -eq 1
done
check "x ps of a missing core: stdout as without the warning" cmp -s "$tmp/t1.ps" <(sed 's/tree-child1$//' $fx/tree/ref/x-ps.txt)
check "x tree ps: stdout is Python CRIT's" cmp -s <("$crit" x $fx/tree ps 2>"$tmp/ps.err") $fx/tree/ref/x-ps.txt
check "x tree ps: no warning" test ! -s "$tmp/ps.err"

finish
