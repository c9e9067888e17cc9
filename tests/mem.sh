#!/bin/bash
# crit mem, crit search, crit x ps --cmd --env, checked against an
# independent reader (tests/memread.py: crit decode's JSON and the raw pages
# files), on every fixture and on the pre-dump chain; and every hostile
# checkpoint the memory reader must refuse with one message naming the
# image (and the offset), without hanging.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh mem
crit=${CRIT:-./crit}
export CRIT=$crit
reader="python3 tests/memread.py"

# The fixtures, with predump-pre1's pages unpacked (kept gzipped: 5 MB).
fx=$(unpacked_fixtures)
dirs="loop tree files container misc sockets threads predump"

# JSON lines, each object with sorted keys: two outputs compared as data.
norm() { python3 -c 'import sys, json; [print(json.dumps(json.loads(l), sort_keys=True)) for l in sys.stdin]'; }

expect_fail() { # name, file, pattern, then the command: exit 1, one line naming file
	local name=$1 file=$2 pattern=$3; shift 3
	timeout 20 "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -Eq "^crit: $file: .*$pattern" "$tmp/err"; then
		ok "$name"
	else
		bad "$name (exit $rc: $(head -c 300 "$tmp/err"))"
	fi
}

# ---- crit mem --at: every page the checkpoint holds -------------------------
for d in $dirs; do
	out=$($reader check-at "$fx/$d" 2>&1)
	check "mem --at gives every held page of $d ($out)" \
		grep -Eq '^[1-9][0-9]* pages checked, [0-9]+ of them from parent dumps .*, 0 runs wrong$' <<<"$out"
done
# The final dump holds none of its pages: each is PE_PARENT in predump and in
# predump-pre2, and present in predump-pre1 only.
check "predump: every page comes from two parents up" \
	grep -q '^1323 pages checked, 1323 of them from parent dumps (levels 2), 0 runs wrong' <<<"$($reader check-at "$fx/predump")"
check "predump's map: all 1323 pages in a parent" test "$("$crit" mem --json "$fx/predump" 30726 |
	python3 -c 'import sys, json; print(sum(v["pages_parent"] for v in json.load(sys.stdin)))')" = 1323

# The hexdump is xxd's, with the address as its offset.
for at in 0x7ffcfa775000 0x7ffcfa775e37; do
	"$crit" mem "$fx/loop" 21663 --at $at --len 300 >"$tmp/hex"
	check "mem --at $at is xxd -o" cmp -s "$tmp/hex" <("$crit" mem "$fx/loop" 21663 --at $at --len 300 --raw | xxd -o $at)
	check "mem --at $at: 19 lines" test "$(wc -l <"$tmp/hex")" = 19
done
check "mem --at in decimal" cmp -s <("$crit" mem "$fx/loop" 21663 --at $((0x7ffcfa775000)) --len 64 --raw) \
	<("$crit" mem "$fx/loop" 21663 --at 0x7ffcfa775000 --len 64 --raw)

# A range the checkpoint does not hold: an error naming the first address
# and why; --fill gives zeros there, and -o writes nothing on an error.
expect_fail "mem --at a file's page not dumped" "$fx/loop" "0x556750002000 is not in the checkpoint: file-backed" \
	"$crit" mem "$fx/loop" 21663 --at 0x556750002000 --len 16
expect_fail "mem --at past the held pages" "$fx/loop" "0x556750007000 is not in the checkpoint: file-backed" \
	"$crit" mem "$fx/loop" 21663 --at 0x556750006ff0 --len 32 -o "$tmp/part.bin"
check "no output file after the error" test ! -e "$tmp/part.bin"
expect_fail "mem --at no mapping" "$fx/loop" "0x1000 is not in the checkpoint: not mapped" \
	"$crit" mem "$fx/loop" 21663 --at 0x1000
check "mem --at --fill: zeros, then the page" cmp -s <("$crit" mem "$fx/loop" 21663 --at 0x556750005ff0 --len 32 --fill --raw) \
	<(head -c 16 /dev/zero; "$crit" mem "$fx/loop" 21663 --at 0x556750006000 --len 16 --raw)
# --vma: the whole mapping, as the reader has it (zeros for what it lacks).
vma_bytes() { python3 -c '
import sys; sys.path.insert(0, "tests"); import memread
t = memread.Task(sys.argv[1], int(sys.argv[2])); a = int(sys.argv[3], 0)
v = next(v for v in t.vmas if v["start"] <= a < v["end"])
sys.stdout.buffer.write(b"".join((t.page(p) or (bytes(t.ps),))[0] for p in range(v["start"], v["end"], t.ps)))' "$@"; }
"$crit" mem "$fx/loop" 21663 --vma 0x7ffcfa775123 --fill -o "$tmp/stack.bin"
check "mem --vma -o: the stack, as the reader reads it" cmp -s "$tmp/stack.bin" <(vma_bytes "$fx/loop" 21663 0x7ffcfa775123)
check "mem --vma: a shared memfd mapping" cmp -s <("$crit" mem "$fx/files" 23006 --vma 0x7f491499d000 --fill --raw) \
	<(vma_bytes "$fx/files" 23006 0x7f491499d000)
check "mem --vma: a SysV shm mapping" cmp -s <("$crit" mem "$fx/container" 1 --vma 0x7feba1ca4000 --fill --raw) \
	<(vma_bytes "$fx/container" 1 0x7feba1ca4000)
# 1 TiB of anonymous memory never touched: -o writes it as a hole, at once
rm -rf "$tmp/big" && cp -r "$fx/loop" "$tmp/big"
"$crit" decode -i "$fx/loop/mm-21663.img" | python3 -c '
import json, sys
mm = json.load(sys.stdin)
vmas = mm["entries"][0]["vmas"]
vmas.append(dict(start=0x100000000000, end=0x110000000000, pgoff=0, shmid=0, prot=3, flags=0x22, status=0x201,
                 fd=-1, fdflags=0))
vmas.sort(key=lambda v: v["start"])
json.dump(mm, sys.stdout)' | "$crit" encode -o "$tmp/big/mm-21663.img"
timeout 20 "$crit" mem "$tmp/big" 21663 --vma 0x100000000000 -o "$tmp/big/tib.bin"
check "mem --vma -o: 1 TiB of zero pages in seconds" test $? -eq 0
check "mem --vma -o: 1 TiB long" test "$(stat -c %s "$tmp/big/tib.bin")" = 1099511627776
check "mem --vma -o: a hole (under 1 MiB on disk), zeros to read" \
	test "$(du -k "$tmp/big/tib.bin" | cut -f1)" -lt 1024 -a "$(head -c 4096 "$tmp/big/tib.bin" | tr -d '\0' | wc -c)" -eq 0
rm -rf "$tmp/big"
"$crit" mem "$fx/tree" 22252 2>"$tmp/err"
check "mem of a zombie: exit 2, says so" test $? -eq 2 -a "$(cat "$tmp/err")" = "crit: $fx/tree: task 22252 is a zombie: it has no memory"
"$crit" mem "$fx/tree" 4 2>"$tmp/err"
check "mem of no such task: exit 2, says so" test $? -eq 2 -a "$(cat "$tmp/err")" = "crit: $fx/tree: no task 4 in pstree.img"

# ---- crit search ------------------------------------------------------------
same_search() { # name, dir, args: crit search --json and the reader agree, and find something
	local name=$1 d=$2; shift 2
	"$crit" search "$fx/$d" "$@" --json | norm >"$tmp/got"
	$reader search "$fx/$d" "$@" | norm >"$tmp/want"
	if [ -s "$tmp/want" ] && cmp -s "$tmp/got" "$tmp/want"; then
		ok "search $name ($(wc -l <"$tmp/want") matches)"
	else
		bad "search $name ($(wc -l <"$tmp/got") matches, the reader $(wc -l <"$tmp/want"))"
	fi
}
same_search "a string in every task" tree PATH
same_search "-i, --context 40" loop path -i --context 40
same_search "shared and memfd memory" files mem
same_search "SysV shm" container crit --context 4
same_search "--regex" container '[A-Z]+=[^ ]+' --regex
same_search "--regex -i ^...$" tree '^lang=[a-z.0-9-]+$' --regex -i --context 0
same_search "--hex" misc --hex "00 00 00 00 00 00 00 00 00 01"
same_search "--hex through two parents" predump --hex 0101010102
same_search "--pid" tree tree --pid 22250
for d in loop tree files; do
	read -r pid hex addr < <($reader boundary "$fx/$d")
	same_search "across two pagemap entries ($d)" $d "$hex" --hex --pid "$pid"
	check "the match across the seam is found ($d)" grep -q "\"address\": $addr," "$tmp/got"
done
check "search text: pid, address, name, escaped context" \
	grep -qx '21663 0x7ffcfa775fa9 \[stack?\]: done\\0HOME=/root\\0PATH=/usr/sbin:/usr/' \
	<("$crit" search "$fx/loop" PATH --pid 21663)

# A match across the search's 1 MiB window and across pages: a checkpoint
# with one 600-page anonymous mapping, with marks at the seams.
big=$tmp/big
cp -r "$fx/loop" "$big"
python3 - "$big" "$crit" <<'EOF'
import json, subprocess, sys
d, crit = sys.argv[1], sys.argv[2]
def dec(name):
    return json.loads(subprocess.run([crit, "decode", "-i", f"{d}/{name}"], check=True, capture_output=True).stdout)
def enc(name, doc):
    subprocess.run([crit, "encode", "-o", f"{d}/{name}"], input=json.dumps(doc).encode(), check=True)
base, pages = 0x10000000, 600
mm = dec("mm-21663.img")
mm["entries"][0]["vmas"].insert(0, {"start": base, "end": base + pages * 4096, "pgoff": 0, "shmid": 0, "prot": 3,
                                     "flags": 0x22, "status": 0x201, "fd": -1})
enc("mm-21663.img", mm)
pm = dec("pagemap-21663.img")
pm["entries"].insert(1, {"vaddr": base, "compat_nr_pages": 0, "flags": 4, "nr_pages": pages - 100})
pm["entries"].insert(2, {"vaddr": base + (pages - 100) * 4096, "compat_nr_pages": 0, "flags": 4, "nr_pages": 100})
enc("pagemap-21663.img", pm)
data = bytearray(b"x" * pages * 4096)
for at in (4096 * 7, 1 << 20, (1 << 20) + 300, (pages - 100) * 4096, (2 << 20) + 1):
    data[at - 6:at + 6] = b"<<SEAMSEAM>>"
old = open(f"{d}/pages-1.img", "rb").read()
open(f"{d}/pages-1.img", "wb").write(bytes(data) + old)
EOF
"$crit" search "$big" SEAMSEAM --context 300 --json | norm >"$tmp/got"
$reader search "$big" SEAMSEAM --context 300 | norm >"$tmp/want"
check "search across the 1 MiB window and page seams (5 marks)" \
	test "$(wc -l <"$tmp/got")" = 5 -a -s "$tmp/want" -a "$(cmp "$tmp/got" "$tmp/want" && echo same)" = same
"$crit" search "$big" '<[<A-Z]+>' --regex --json | norm >"$tmp/got"
$reader search "$big" '<[<A-Z]+>' --regex | norm >"$tmp/want"
check "--regex across the window" test "$(wc -l <"$tmp/got")" = 5 -a "$(cmp "$tmp/got" "$tmp/want" && echo same)" = same

# ---- ps --cmd --env ---------------------------------------------------------
for d in $dirs; do
	got=$("$crit" x "$fx/$d" ps --cmd --env --json | python3 -c '
import sys, json
print(json.dumps({t["pid"]: {"argv": t["argv"], "env": t["env"]} for t in json.load(sys.stdin) if t["state"] != "zombie"}, sort_keys=True))')
	want=$($reader ps "$fx/$d")
	check "ps --cmd --env of $d is the reader's argv and env" test "$got" = "$want"
done
check "ps --cmd --env: real strings" grep -q '"argv": \["./tree", "/tmp/tree.pid"\]' <<<"$($reader ps "$fx/tree")"
check "ps --cmd: a zombie says so" grep -qx ' *22252 *22247 *22247 *tree (a zombie: no memory)' \
	<("$crit" x "$fx/tree" ps --cmd)
check "ps without --cmd is still Python CRIT's" cmp -s <("$crit" x "$fx/tree" ps) "$fx/tree/ref/x-ps.txt"
# The argument pages not in the checkpoint: said, not invented.
cp -r "$fx/loop" "$tmp/noargs"
python3 - "$tmp/noargs" "$crit" <<'EOF'
import json, subprocess, sys
d, crit = sys.argv[1], sys.argv[2]
pm = json.loads(subprocess.run([crit, "decode", "-i", f"{d}/pagemap-21663.img"], check=True, capture_output=True).stdout)
last = pm["entries"][-1]          # the stack, where argv and env are: lazy now
last["flags"] = 2
subprocess.run([crit, "encode", "-o", f"{d}/pagemap-21663.img"], input=json.dumps(pm).encode(), check=True)
EOF
check "ps --cmd: lazy argument pages say so" grep -Eq '^ +21663 .*sh \(0x[0-9a-f]+ is not in the checkpoint: lazy' \
	<("$crit" x "$tmp/noargs" ps --cmd)
check "ps --cmd --json: argv null and why" python3 -c '
import sys, json
t = json.load(sys.stdin)[0]
assert t["argv"] is None and t["env"] is None and "lazy" in t["why"], t' < <("$crit" x "$tmp/noargs" ps --cmd --env --json)
check "mem map counts the lazy pages" test "$("$crit" mem --json "$tmp/noargs" 21663 |
	python3 -c 'import sys, json; print(json.load(sys.stdin)[-2]["pages_lazy"])')" = 3

# ---- hostile checkpoints: one message naming the image, no hang --------------
# Each: a copy of loop (or of the pre-dump chain) with one thing broken.
hostile() { rm -rf "$tmp/h"; cp -r "$fx/loop" "$tmp/h"; }
edit_pagemap() { # python code on the list of entries e (e[0] is the head)
	python3 - "$tmp/h/pagemap-21663.img" "$crit" "$1" <<'EOF'
import json, subprocess, sys
img, crit, code = sys.argv[1:]
doc = json.loads(subprocess.run([crit, "decode", "-i", img], check=True, capture_output=True).stdout)
e = doc["entries"]
exec(code)
subprocess.run([crit, "encode", "-o", img], input=json.dumps(doc).encode(), check=True)
EOF
}
pm="$tmp/h/pagemap-21663.img"
hostile; edit_pagemap 'e[3]["vaddr"] = e[2]["vaddr"] + 4096'
expect_fail "overlapping pagemap entries" "$pm" "offset [0-9]+: entry 3 at 0x[0-9a-f]+ overlaps" "$crit" mem "$tmp/h" 21663
hostile; edit_pagemap 'e[2], e[3] = e[3], e[2]'
expect_fail "unsorted pagemap entries" "$pm" "offset [0-9]+: entry 3 at 0x[0-9a-f]+ comes before" "$crit" mem "$tmp/h" 21663
hostile; edit_pagemap 'e.append({"vaddr": 2**64 - 4096, "compat_nr_pages": 0, "flags": 4, "nr_pages": 2})'
expect_fail "vaddr + nr_pages * page size past 2^64" "$pm" "offset [0-9]+: entry 14: 0xfffffffffffff000 \+ 2 pages of 4096 bytes reaches 2\^64" \
	"$crit" search "$tmp/h" x
hostile; edit_pagemap 'e[1]["nr_pages"] = 2**62'
expect_fail "nr_pages * page size past 2^64" "$pm" "offset [0-9]+: entry 1: .* reaches 2\^64" "$crit" x "$tmp/h" ps --cmd
hostile; truncate -s -4096 "$tmp/h/pages-1.img"
expect_fail "a short pages file" "$tmp/h/pages-1.img" "offset 114688: the file ends here, but the entry at offset [0-9]+ of .*pagemap-21663.img needs" \
	"$crit" mem "$tmp/h" 21663
hostile; rm "$tmp/h/pages-1.img"
expect_fail "a missing pages image" "$tmp/h/pages-1.img" "cannot open: No such file" "$crit" mem "$tmp/h" 21663 --at 0x7ffcfa775000
hostile; rm "$tmp/h/pages-1.img"; mkfifo "$tmp/h/pages-1.img"
expect_fail "a FIFO for the pages image" "$tmp/h/pages-1.img" "not a regular file" "$crit" search "$tmp/h" PATH
hostile; rm "$tmp/h/pages-1.img"; ln -s /dev/zero "$tmp/h/pages-1.img"
expect_fail "/dev/zero for the pages image" "$tmp/h/pages-1.img" "not a regular file" "$crit" x "$tmp/h" ps --env
hostile; rm "$tmp/h/pagemap-21663.img"
expect_fail "a missing pagemap" "$pm" "no pagemap image of the task" "$crit" mem "$tmp/h" 21663

# The pre-dump chain: a parent link that loops, or names no checkpoint.
chain() { rm -rf "$tmp/c"; mkdir "$tmp/c"; cp -r "$fx/predump" "$fx/predump-pre1" "$fx/predump-pre2" "$tmp/c/"; }
chain; rm "$tmp/c/predump-pre2/parent"; ln -s ../predump "$tmp/c/predump-pre2/parent"
p2=".*/predump-pre2/pagemap-30726.img"
expect_fail "a parent link that loops" "$p2" "offset [0-9]+: the chain of parent dumps loops" \
	"$crit" mem "$tmp/c/predump" 30726
chain; rm "$tmp/c/predump-pre2/parent"; ln -s . "$tmp/c/predump-pre2/parent"
expect_fail "a parent link to itself" "$p2" "loops" "$crit" search "$tmp/c/predump" x
chain; rm "$tmp/c/predump-pre2/parent"; ln -s /proc/self "$tmp/c/predump-pre2/parent"
expect_fail "a parent that is not a checkpoint" "$p2" "offset [0-9]+: PE_PARENT pages, but the parent dump /proc/self is not a checkpoint of them" \
	"$crit" mem "$tmp/c/predump" 30726
chain; rm "$tmp/c/predump-pre2/parent"; ln -s ../nowhere "$tmp/c/predump-pre2/parent"
expect_fail "a parent link to nothing" "$p2" "offset [0-9]+: PE_PARENT pages, but the parent dump .*nowhere: No such file" \
	"$crit" mem "$tmp/c/predump" 30726
chain; rm "$tmp/c/predump-pre2/parent"
expect_fail "PE_PARENT without a parent link" "$p2" "has no parent link" \
	"$crit" mem "$tmp/c/predump" 30726
chain; rm "$tmp/c/predump-pre2/parent"; mkfifo "$tmp/c/predump-pre2/parent"
expect_fail "a FIFO for the parent link" "$p2" "is not a link to the parent dump" \
	"$crit" mem "$tmp/c/predump" 30726
# A link made as CRIU makes it (a symlink) works as the copied file does.
chain; rm "$tmp/c/predump/parent"; ln -s ../predump-pre2 "$tmp/c/predump/parent"
check "a symlink parent as CRIU makes it" cmp -s <("$crit" mem "$tmp/c/predump" 30726 --at 0x7f4b47e00000 --len 8192 --raw) \
	<("$crit" mem "$fx/predump" 30726 --at 0x7f4b47e00000 --len 8192 --raw)

# Usage errors exit 2.
for args in "mem" "mem $fx/loop" "mem $fx/loop x" "mem $fx/loop 1 --at 1 --vma 1" "mem $fx/loop 1 --len 4" \
	"search $fx/loop" "search $fx/loop zz --hex" "search $fx/loop z --hex --regex" "search $fx/loop z --context 99999999" \
	"x $fx/loop fds --cmd"; do
	"$crit" $args >/dev/null 2>&1
	check "usage error: crit $args" test $? -eq 2
done
"$crit" search "$fx/loop" '(' --regex >/dev/null 2>"$tmp/err"
check "a bad regex is a usage error" test $? -eq 2

finish
