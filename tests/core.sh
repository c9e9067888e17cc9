#!/bin/bash
# crit core: the ELF core of every fixture process read by gdb and readelf
# (tests/elfcheck.py compares them with crit decode's JSON of the images and
# crit x), a core image made for each architecture crit claims checked
# field by field against the kernel's layouts, --root, and the refusals.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh core
crit=${CRIT:-./crit}
ec="python3 tests/elfcheck.py"
fx=$(unpacked_fixtures)
dirs="loop tree files container misc sockets threads predump"

# ---- Every fixture process: gdb, readelf -l, readelf -n ---------------------
for d in $dirs; do
	out=$tmp/core-$d
	mkdir -p "$out"
	check "crit core $d" "$crit" core "$fx/$d" -o "$out" 2>"$tmp/err"
	for f in "$out"/core.*; do
		pid=${f##*.}
		check "$d/$pid: gdb shows its threads, registers, argv[0]" $ec gdb "$crit" "$fx/$d" "$pid" "$f"
		check "$d/$pid: readelf -l lists every VMA of crit x mems" $ec loads "$crit" "$fx/$d" "$pid" "$f"
		check "$d/$pid: readelf -n lists every note, the kernel's sizes" $ec notes "$crit" "$fx/$d" "$pid" "$f"
	done
	n=$(ls "$out" | wc -l)
	alive=$("$crit" x "$fx/$d" ps --json | python3 -c 'import json,sys; print(sum(t["state"] != "zombie" for t in json.load(sys.stdin)))')
	check "$d: a core for each of its $alive live processes ($n)" test "$n" -eq "$alive"
done

# ---- Each architecture: a core image with known registers, the ELF field by field
rm -rf "$tmp/ar"
cp -r "$fx/loop" "$tmp/ar"
pid=21663
"$crit" decode -i "$fx/loop/core-$pid.img" -o "$tmp/core.json"
# ARCH-FIELD,...: the image without those fields, so without their notes
# (not zeros), and gdb shows their registers as unavailable (FIELD=N: that
# value). PPC64 has tmstate (a transaction: the checkpointed TM notes),
# PPC64-tmstate not; S390 has RI on (PSW_MASK_RI), the other S390 not.
# check reads each with gdb-multiarch too, but x86-64 (gdb reads the
# fixtures' cores above) and LoongArch: Debian's gdb-multiarch 13.1 is not
# built for it (it takes the core for i386), so readelf and the field by
# field check alone read those.
# I386 is x86-64's 32-bit task (gpregs.mode COMPAT): an ELF32 i386 core.
# X86_64-...: XSAVE with AVX only (832 bytes), and with x87 and SSE only (576).
avx512=fpregs.xsave.bndreg_state,fpregs.xsave.bndcsr_state,fpregs.xsave.opmask_reg,fpregs.xsave.zmm_upper
avx512=$avx512,fpregs.xsave.hi16_zmm,fpregs.xsave.pkru
arches="X86_64 X86_64-$avx512 X86_64-fpregs.xsave.ymmh_space,$avx512 I386 AARCH64 AARCH64-pac_keys ARM PPC64 PPC64-tmstate S390
	S390-vxrs_low,vxrs_high,gs_cb,gs_bc,ri_cb.ri_on=0 MIPS LOONGARCH64 RISCV64"
$ec arch "$tmp/core.json" "$tmp" $arches
for arch in $arches; do
	rm -f "$tmp/ar/core.$pid"
	"$crit" encode -i "$tmp/$arch.json" -o "$tmp/ar/core-$pid.img" &&
		"$crit" core "$tmp/ar" --pid $pid -o "$tmp/ar" 2>"$tmp/$arch.err"
	check "$arch: the ELF is the kernel's, field by field; gdb-multiarch shows its registers" \
		$ec check $arch "$tmp/$arch.json" "$tmp/ar/core.$pid"
	readelf -h -l -n "$tmp/ar/core.$pid" >/dev/null 2>"$tmp/err"
	check "$arch: readelf reads it without a complaint" test ! -s "$tmp/err"
	case $arch in I386 | X86_64) cp "$tmp/ar/core.$pid" "$tmp/core-$arch" ;; esac
done
check "I386: gdb reads the 32-bit task's registers" $ec gdb-i386 "$tmp/I386.json" "$tmp/core-I386"
# a 32-bit core cannot address the loop fixture's VMAs (all past 4 GiB)
check "I386: VMAs past 4 GiB left out, one warning" \
	grep -Eq "^crit: .*/core.$pid: [0-9]+ VMAs lie past 4 GiB, which a 32-bit core cannot address \(the first at 0x[0-9a-f]+\): left out\$" "$tmp/I386.err"
check "I386: no PT_LOAD truncated to 32 bits" test "$(readelf -lW "$tmp/core-I386" | grep -c ' LOAD ')" -eq 0
# a 32-bit task's auxv as x86-64 CRIU keeps it: each 64-bit word a (type, value) pair
"$crit" decode -i "$fx/loop/mm-$pid.img" | python3 -c '
import json, sys
mm = json.load(sys.stdin)
pairs = [(33, 0xF7F0E000), (16, 0x178BFBFF), (6, 4096), (17, 100), (3, 0x8048034), (4, 32), (5, 9),
         (7, 0xF7F10000), (8, 0), (9, 0x8049000), (11, 1000), (23, 0), (25, 0xFFD0C1AB), (0, 0)]
mm["entries"][0]["mm_saved_auxv"] = [t | v << 32 for t, v in pairs] + [0] * 4
json.dump(mm, sys.stdout)' >"$tmp/mm32.json"
"$crit" encode -i "$tmp/I386.json" -o "$tmp/ar/core-$pid.img" && "$crit" encode -i "$tmp/mm32.json" -o "$tmp/ar/mm-$pid.img" &&
	"$crit" core "$tmp/ar" --pid $pid -o "$tmp/ar" 2>/dev/null
check "I386: NT_AUXV holds the 32-bit task's (type, value) pairs" $ec auxv "$tmp/mm32.json" "$tmp/ar/core.$pid"
check "X86_64: NT_AUXV holds mm_saved_auxv's pairs up to AT_NULL" $ec auxv <("$crit" decode -i "$fx/loop/mm-$pid.img") "$tmp/core-X86_64"
# a 32-bit task's pending signal: NT_SIGINFO as compat_siginfo (SIGSEGV
# SEGV_MAPERR, SIGCHLD CLD_EXITED, kill's SI_USER, sigqueue's SI_QUEUE, SIGSYS)
for sig in "11 1" "17 1" "15 0" "10 -1" "31 1"; do
	$ec siginfo32 "$tmp/I386.json" "$tmp/sig.json" $sig &&
		"$crit" encode -i "$tmp/sig.json" -o "$tmp/ar/core-$pid.img" &&
		"$crit" core "$tmp/ar" --pid $pid -o "$tmp/ar" 2>/dev/null
	check "I386: signal ${sig% *} code ${sig#* }: NT_SIGINFO is the kernel's compat_siginfo" \
		$ec siginfo32 "$tmp/sig.json" "$tmp/ar/core.$pid"
done
# gdb reads it: si_addr, the union's first word (siginfo32 puts 0xa5a50000a5a51111 there), cut to 32 bits
$ec siginfo32 "$tmp/I386.json" "$tmp/sig.json" 11 1 && "$crit" encode -i "$tmp/sig.json" -o "$tmp/ar/core-$pid.img" &&
	"$crit" core "$tmp/ar" --pid $pid -o "$tmp/ar" 2>/dev/null
check "I386: gdb's \$_siginfo of a SIGSEGV has its 32-bit si_addr" \
	test "$(gdb -batch -nx -c "$tmp/ar/core.$pid" -ex 'p/x $_siginfo._sifields._sigfault.si_addr' 2>&1 | tail -1)" = '$1 = 0xa5a51111'

# ---- Pages the checkpoint does not hold: left out, or read from --root ------
# loop's first VMA is /usr/bin/dash's, never dumped: gdb cannot read it from
# the core, and reads it from a file of known bytes under --root.
vma=$("$crit" x "$fx/loop" mems --json | python3 -c 'import json,sys; v=json.load(sys.stdin)[0]["vmas"][0]; print(v["start"], v["pgoff"])')
set -- $vma
start=$1 pgoff=$2
mkdir -p "$tmp/root/usr/bin" "$tmp/lo" "$tmp/ro"
python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 4096)' >"$tmp/root/usr/bin/dash"
"$crit" core "$fx/loop" --pid 21663 -o "$tmp/lo" 2>"$tmp/err"
check "absent pages: one warning line naming them" \
	grep -Eq "^crit: $tmp/lo/core.21663: [0-9]+ bytes in [0-9]+ runs are not in the checkpoint \(the first at 0x" "$tmp/err"
check "absent pages: one line" test "$(wc -l <"$tmp/err")" -eq 1
# (gdb itself may then read them from the host's file that NT_FILE names)
readelf -lW "$tmp/lo/core.21663" >"$tmp/rl"
check "absent pages: a PT_LOAD with no bytes in the file (not false zeros)" \
	grep -Eq "^ +LOAD +0x[0-9a-f]+ $(printf '0x%016x' "$start") 0x[0-9a-f]+ 0x0+ 0x[0-9a-f]*[1-9a-f][0-9a-f]* " "$tmp/rl"
"$crit" core "$fx/loop" --pid 21663 -o "$tmp/ro" --root "$tmp/root" 2>"$tmp/err"
want=$(python3 -c "o=$pgoff+16; print(' '.join('0x%02x' % ((o+i) % 256) for i in range(4)))")
gdb -batch -nx -c "$tmp/ro/core.21663" -ex "x/4xb $((start + 16))" >"$tmp/gdb" 2>&1
check "--root: gdb reads the file's bytes at the VMA's offset ($want)" grep -q ":	${want// /	}\$" "$tmp/gdb"

# ---- A mapping far larger than the checkpoint ---------------------------------
# 1 TiB of anonymous memory never touched (as a JVM's or ASan's reservations):
# zero pages, written as one hole, not byte by byte.
rm -rf "$tmp/big" && cp -r "$fx/loop" "$tmp/big"
"$crit" decode -i "$fx/loop/mm-21663.img" | python3 -c '
import json, sys
mm = json.load(sys.stdin)
vmas = mm["entries"][0]["vmas"]
vmas.append(dict(start=0x100000000000, end=0x110000000000, pgoff=0, shmid=0, prot=3, flags=0x22, status=0x201,
                 fd=-1, fdflags=0))
vmas.sort(key=lambda v: v["start"])
json.dump(mm, sys.stdout)' | "$crit" encode -o "$tmp/big/mm-21663.img"
timeout 20 "$crit" core "$tmp/big" --pid 21663 -o "$tmp/big" 2>/dev/null
check "1 TiB of zero pages: a core in seconds" test $? -eq 0
check "1 TiB of zero pages: one PT_LOAD, all of it in the file" \
	grep -Eq "^ +LOAD +0x[0-9a-f]+ 0x0*100000000000 0x0+ 0x0*10000000000 0x0*10000000000 RW " \
	<(readelf -lW "$tmp/big/core.21663")
check "1 TiB of zero pages: a hole (under 64 MiB on disk)" test "$(du -k "$tmp/big/core.21663" | cut -f1)" -lt 65536
rm -rf "$tmp/big"

# ---- Refusals ------------------------------------------------------------------
"$crit" core "$fx/loop" --pid 999999 -o "$tmp" >/dev/null 2>"$tmp/err"
rc=$?
check "an unknown pid: exit 2 (as crit mem), one line" test $rc -eq 2 -a "$(wc -l <"$tmp/err")" -eq 1
check "an unknown pid: no file" test ! -e "$tmp/core.999999"
"$crit" core >/dev/null 2>&1
check "no directory: a usage error" test $? -eq 2
"$crit" core "$fx/loop" --pid x >/dev/null 2>&1
check "a pid that is not a number: a usage error" test $? -eq 2
"$crit" core --help | grep -q "^usage: crit core"
check "crit core --help" test $? -eq 0
mkfifo "$tmp/fifo-out/core.21663" 2>/dev/null || { mkdir -p "$tmp/fifo-out" && mkfifo "$tmp/fifo-out/core.21663"; }
timeout 20 "$crit" core "$fx/loop" --pid 21663 -o "$tmp/fifo-out" >/dev/null 2>"$tmp/err"
rc=$?
check "a FIFO in the way: refused, not replaced, no hang" test $rc -eq 1 -a -p "$tmp/fifo-out/core.21663"
# a damaged core image: one message naming it
rm -rf "$tmp/bad" && cp -r "$fx/loop" "$tmp/bad"
head -c 40 "$fx/loop/core-21663.img" >"$tmp/bad/core-21663.img"
"$crit" core "$tmp/bad" --pid 21663 -o "$tmp/bad" >/dev/null 2>"$tmp/err"
rc=$?
check "a truncated core image: exit 1, one line naming it" \
	test $rc -eq 1 -a "$(wc -l <"$tmp/err")" -eq 1 -a -n "$(grep core-21663.img "$tmp/err")"
# an architecture no ELF layout is known for; a thread with no core image
rm -rf "$tmp/bad" && cp -r "$fx/loop" "$tmp/bad"
"$crit" decode -i "$fx/loop/core-21663.img" | sed 's/"mtype": "X86_64"/"mtype": "UNKNOWN"/' |
	"$crit" encode -o "$tmp/bad/core-21663.img"
"$crit" core "$tmp/bad" --pid 21663 -o "$tmp/bad" >/dev/null 2>"$tmp/err"
rc=$?
check "an unknown architecture: exit 1, one line naming the core image" \
	test $rc -eq 1 -a "$(grep -c "core-21663.img: offset 0: mtype 0" "$tmp/err")" -eq 1 -a "$(wc -l <"$tmp/err")" -eq 1
rm -rf "$tmp/bad" && cp -r "$fx/loop" "$tmp/bad"
"$crit" decode -i "$fx/loop/pstree.img" | sed 's/"threads": \[21663\]/"threads": [21663, 5]/' |
	"$crit" encode -o "$tmp/bad/pstree.img"
"$crit" core "$tmp/bad" --pid 21663 -o "$tmp/bad" >/dev/null 2>"$tmp/err"
rc=$?
check "a thread with no core image: exit 1, one line naming it, no file" \
	test $rc -eq 1 -a "$(grep -c "core-5.img" "$tmp/err")" -eq 1 -a ! -e "$tmp/bad/core.21663"
finish
