#!/bin/bash
# safety.sh - crit run as root on a stranger's checkpoint harms nothing:
# output files are written as their kind wants (a device or FIFO in place,
# a regular file atomically with its mode and owner, a symlink's target),
# a file the user may not write is refused, a signal leaves no temporary
# file, image bytes never reach a terminal raw, and every command exits 2
# on a usage error and 1 on damaged input.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh safety
crit=$(realpath "${CRIT:-./crit}")
fx=$PWD/fixtures
chmod 755 "$tmp"
# name, the exit status wanted, then the command
status() {
	local name=$1 want=$2; shift 2
	"$@" >/dev/null 2>"$tmp/err"
	local rc=$?
	if [ $rc -eq "$want" ]; then ok "$name"; else bad "$name (exit $rc, not $want: $(head -c 200 "$tmp/err"))"; fi
}
# No temporary file (OUT.XXXXXX) beside OUT.
no_tmp() { ! ls "$1".?????? >/dev/null 2>&1; }

img=$fx/loop/fs-21663.img
json=$fx/loop/ref/fs-21663.img.decode.json # what decode prints, its newline too

# ------------------------------------------------------------------------
# Output files
# ------------------------------------------------------------------------

if [ "$(id -u)" -ne 0 ]; then
	echo "safety: the output-file checks need root (mknod, chown, setpriv): skipped"
else
	# A character device: written in place, still a device. A pty's slave
	# shows what reached it (a pty opens only through its devpts node).
	python3 - "$crit" "$img" "$tmp" "$json" <<'PY' && ok "-o a pty: it got the bytes, still a device" || bad "-o a pty"
import os, pty, stat, subprocess, sys
crit, img, tmp, ref = sys.argv[1:5]
master, slave = pty.openpty()
import termios
attrs = termios.tcgetattr(slave)
attrs[1] &= ~termios.OPOST  # the bytes as written, no \r\n
termios.tcsetattr(slave, termios.TCSANOW, attrs)
rdev = os.fstat(slave).st_rdev
dev = os.ttyname(slave)
subprocess.run([crit, "decode", "-i", img, "-o", dev], check=True)
got = b""
os.set_blocking(master, False)
try:
    while True:
        got += os.read(master, 65536)
except BlockingIOError:
    pass
want = open(ref, "rb").read()[:-1]  # -o writes no newline
assert got == want, (got, want)
st = os.lstat(dev)
assert stat.S_ISCHR(st.st_mode) and st.st_rdev == rdev, st
assert not [f for f in os.listdir(os.path.dirname(dev)) if f.startswith(os.path.basename(dev) + ".")]
PY
	# Devices made by mknod: /dev/null's twin stays a device, and /dev/full's
	# twin shows that the write reached it.
	mknod "$tmp/null" c 1 3
	"$crit" decode -i "$img" -o "$tmp/null"
	check "-o a copy of /dev/null: still the device" test -c "$tmp/null" -a ! -s "$tmp/null"
	mknod "$tmp/full" c 1 7
	status "-o a copy of /dev/full: the write error, exit 1" 1 "$crit" decode -i "$img" -o "$tmp/full"
	check "-o a copy of /dev/full: the error names it" grep -q "^crit: $tmp/full: write failed: No space left on device" "$tmp/err"
	check "-o a copy of /dev/full: still the device" test -c "$tmp/full"

	# A FIFO with a reader: the reader gets the JSON, the FIFO stays.
	mkfifo "$tmp/fifo"
	cat "$tmp/fifo" >"$tmp/fifo.out" &
	reader=$!
	timeout 20 "$crit" decode -i "$img" -o "$tmp/fifo"
	wait $reader
	check "-o FIFO: the reader got the JSON" cmp -s "$tmp/fifo.out" <(head -c -1 "$json")
	check "-o FIFO: still a FIFO" test -p "$tmp/fifo"

	# /dev/stdout names an open file: written where the shell opened it.
	echo "before" >"$tmp/log"
	"$crit" decode -i "$img" -o /dev/stdout >>"$tmp/log"
	check "-o /dev/stdout: appended where the shell opened it" cmp -s "$tmp/log" <(echo before; head -c -1 "$json")
	check "-o /dev/stdout: still a symlink" test -L /dev/stdout

	# A symlink: the file it names is written, the link stays.
	echo old >"$tmp/target.json"
	ln -s target.json "$tmp/link"
	"$crit" decode -i "$img" -o "$tmp/link"
	check "-o LINK: the link stays" test -L "$tmp/link"
	check "-o LINK: its target is written" cmp -s "$tmp/target.json" <(head -c -1 "$json")
	check "-o LINK: no temporary left" no_tmp "$tmp/target.json"
	ln -s nowhere "$tmp/dangling"
	status "-o a dangling symlink: refused" 1 "$crit" decode -i "$img" -o "$tmp/dangling"
	check "-o a dangling symlink: nothing created" test ! -e "$tmp/nowhere"

	# Mode and owner kept: an image CRIU wrote 0600 stays 0600 after an edit.
	echo old >"$tmp/private.img"
	chown 12345:23456 "$tmp/private.img"
	chmod 0600 "$tmp/private.img"
	"$crit" decode -i "$img" -o "$tmp/private.img"
	check "-o keeps mode 0600" test "$(stat -c %a "$tmp/private.img")" = 600
	check "-o keeps owner and group" test "$(stat -c %u:%g "$tmp/private.img")" = 12345:23456
	check "-o writes the file" cmp -s "$tmp/private.img" <(head -c -1 "$json")
	"$crit" decode -i "$img" -o "$tmp/new.json"
	check "-o a new file: 0666 less the umask" test "$(stat -c %a "$tmp/new.json")" = "$(printf '%o' $((0666 & ~$(umask))))"

	# A user who may not write a file is refused, as cp would be; one who
	# may, writes it, and the mode stays.
	mkdir "$tmp/user" && chown nobody "$tmp/user"
	echo old >"$tmp/user/ro.json" && chown nobody "$tmp/user/ro.json" && chmod 0444 "$tmp/user/ro.json"
	echo old >"$tmp/user/rw.json" && chown nobody "$tmp/user/rw.json" && chmod 0640 "$tmp/user/rw.json"
	as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
	status "-o a 0444 file as a user: refused, exit 1" 1 as_nobody "$crit" decode -i "$img" -o "$tmp/user/ro.json"
	check "-o a 0444 file as a user: the error says why" grep -q "^crit: $tmp/user/ro.json: Permission denied" "$tmp/err"
	check "-o a 0444 file as a user: unchanged" test "$(cat "$tmp/user/ro.json")" = old
	check "-o a 0444 file as a user: no temporary" no_tmp "$tmp/user/ro.json"
	status "-o a 0640 file as its user: written" 0 as_nobody "$crit" decode -i "$img" -o "$tmp/user/rw.json"
	check "-o a 0640 file as its user: mode and owner kept" \
		test "$(stat -c %a:%U "$tmp/user/rw.json")" = 640:nobody
	check "-o a 0640 file as its user: its bytes" cmp -s "$tmp/user/rw.json" <(head -c -1 "$json")
fi

# SIGINT, SIGTERM, SIGHUP and SIGPIPE in the middle of an encode: crit dies
# of the signal, and neither OUT nor its temporary is left. The input is a
# pipe held open, so that the encode is caught mid-way, not by chance.
python3 - "$crit" "$fx/loop/ref/pagemap-21663.img.decode.json" "$tmp" <<'PY' && ok "signals mid-encode leave no file" || bad "signals mid-encode"
import os, signal, subprocess, sys, time
crit, ref, tmp = sys.argv[1:4]
doc = open(ref, "rb").read()
for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
    out = "%s/sig-%d.img" % (tmp, sig)
    p = subprocess.Popen([crit, "encode", "-o", out], stdin=subprocess.PIPE)
    p.stdin.write(doc[: len(doc) // 2])
    p.stdin.flush()
    for _ in range(500):  # the temporary exists once crit has begun
        if [f for f in os.listdir(tmp) if f.startswith("sig-%d.img." % sig)]:
            break
        time.sleep(0.01)
    else:
        sys.exit("no temporary file appeared for signal %d" % sig)
    p.send_signal(sig)
    rc = p.wait(10)
    p.stdin.close()
    assert rc == -sig, (sig, rc)
    left = [f for f in os.listdir(tmp) if f.startswith("sig-%d" % sig)]
    assert not left, left
PY

# ------------------------------------------------------------------------
# Terminals
# ------------------------------------------------------------------------

# A checkpoint whose comm, file names and mapping names hold ESC, CR, LF,
# BEL and a C1 byte (CSI, 0x9b, as the byte and as UTF-8).
evil=$tmp/evil
mkdir "$evil" && cp "$fx"/loop/*.img "$fx/loop/stats-dump" "$evil/"
python3 - "$crit" "$evil" <<'PY'
import json, subprocess, sys
crit, d = sys.argv[1:3]
def edit(name, change):
    doc = json.loads(subprocess.run([crit, "decode", "-i", d + "/" + name], check=True,
                                    capture_output=True).stdout)
    change(doc)
    subprocess.run([crit, "encode", "-o", d + "/" + name], input=json.dumps(doc).encode(), check=True)
def comm(doc):
    doc["entries"][0]["tc"]["comm"] = "\x1b]0;owned\x07\r\x1b[2J\n  666   666   666   fake\udc9b\u009b"
for core in ("core-21663.img", "core-21793.img"):
    edit(core, comm)
def names(doc):
    for e in doc["entries"]:
        if "reg" in e:
            e["reg"]["name"] += "\x1b[31m\r\n\x07\udc9b"
edit("files.img", names)
PY
for w in ps fds mems; do
	"$crit" x "$evil" $w >"$tmp/pipe-$w" 2>&1 || bad "x evil $w in a pipe: $(head -c 200 "$tmp/pipe-$w")"
	"$crit" x --escape "$evil" $w >"$tmp/esc-$w"
done
# Under a pseudo-terminal: nothing but text, tabs and line ends.
python3 - "$crit" "$evil" "$tmp" <<'PY' && ok "x ps|fds|mems on a terminal: no raw control byte" || bad "x on a terminal"
import os, pty, re, subprocess, sys
crit, d, tmp = sys.argv[1:4]
for w in ("ps", "fds", "mems"):
    master, slave = pty.openpty()
    p = subprocess.Popen([crit, "x", d, w], stdout=slave, stderr=slave)
    os.close(slave)
    out = b""
    while True:
        try:
            b = os.read(master, 65536)
        except OSError:
            break
        if not b:
            break
        out += b
    assert p.wait() == 0, out
    text = out.replace(b"\r\n", b"\n")  # the terminal's own line ends
    bad = re.findall(rb"[\x00-\x08\x0b-\x1f\x7f-\x9f]|\xc2[\x80-\x9f]", text)
    assert not bad, (w, bad, text)
    # the terminal showed what --escape shows in a pipe
    assert text == open("%s/esc-%s" % (tmp, w), "rb").read(), w
    # and the evil names are there, escaped
    want = rb"\e]0;owned\a\r\e[2J\n  666   666   666   fake\x9b\u009b" if w == "ps" else rb"\e[31m\r\n\a\x9b"
    assert want in text, (w, text)
PY
# In a pipe: the image's bytes as they are, as Python CRIT prints them.
check "x ps in a pipe: comm as it is" grep -qa $'owned\a\r\e\[2J$' "$tmp/pipe-ps"
check "x ps in a pipe: the same lines as before escaping" \
	test "$(wc -l <"$tmp/pipe-ps")" -eq $(($(wc -l <"$tmp/esc-ps") + 2))
check "x fds in a pipe: names as they are" grep -qa $'\e\[31m\r$' "$tmp/pipe-fds"
# Error messages escape the names they quote, wherever stderr goes.
"$crit" decode -i "$tmp/no"$'\e[2J\n'"such" 2>"$tmp/err"
check "an error escapes the name it quotes" grep -qxF 'crit: '"$tmp"'/no\e[2J\nsuch: No such file or directory' "$tmp/err"

# ------------------------------------------------------------------------
# Exit status: 2 for a usage error, 1 for damaged input, for every command
# ------------------------------------------------------------------------

head -c 100 "$fx/loop/core-21663.img" >"$tmp/cut.img"
mkdir "$tmp/cutdir" && cp "$fx"/loop/*.img "$tmp/cutdir/" && cp "$tmp/cut.img" "$tmp/cutdir/core-21663.img"
status "no command: 2" 2 "$crit"
status "unknown command: 2" 2 "$crit" frobnicate
for c in decode encode show info x; do
	status "$c --bogus: 2" 2 "$crit" $c --bogus
done
status "decode -i without a value: 2" 2 "$crit" decode -i
status "encode -o without a value: 2" 2 "$crit" encode -o
status "show without IN: 2" 2 "$crit" show
status "info with two INs: 2" 2 "$crit" info "$img" "$img"
status "x without WHAT: 2" 2 "$crit" x "$fx/loop"
status "x with an unknown explorer: 2" 2 "$crit" x "$fx/loop" bogus
check "x with an unknown explorer: no offset" grep -qx "crit: $fx/loop: no explorer 'bogus' (ps, fds, mems, rss, sk, stats)" "$tmp/err"
status "decode of a cut image: 1" 1 "$crit" decode -i "$tmp/cut.img"
status "encode of cut JSON: 1" 1 "$crit" encode -i <(head -c 30 "$json")
status "show of a cut image: 1" 1 "$crit" show "$tmp/cut.img"
status "info of a cut image: 1" 1 "$crit" info "$tmp/cut.img"
status "x of a cut image: 1" 1 "$crit" x "$tmp/cutdir" ps
status "decode of a missing file: 1" 1 "$crit" decode -i "$tmp/missing"
check "a missing file: no offset" grep -qx "crit: $tmp/missing: No such file or directory" "$tmp/err"
status "info > /dev/full: 1" 1 sh -c "'$crit' info '$img' >/dev/full"
check "info > /dev/full: the write error" grep -qx "crit: <stdout>: No space left on device" "$tmp/err"

# The same damage, the same words, from decode, info and x.
for c in "decode -i" info; do
	"$crit" $c "$tmp/cut.img" 2>&1 >/dev/null | sed "s|$tmp/||" >>"$tmp/same"
done
"$crit" x "$tmp/cutdir" ps 2>&1 >/dev/null | sed "s|$tmp/cutdir/core-21663|cut|" >>"$tmp/same"
check "one cut entry, one message from decode, info and x" \
	test "$(sort -u "$tmp/same")" = "crit: cut.img: offset 8: an entry of 2296 bytes, 88 left"
"$crit" x "$tmp/cutdir/" ps 2>"$tmp/err"
check "DIR/: no doubled slash" grep -q "^crit: $tmp/cutdir/core-21663.img: " "$tmp/err"

# Arguments as in most Unix tools.
check "-iFILE" cmp -s <("$crit" decode -i"$img") "$json"
check "--input=FILE" cmp -s <("$crit" decode --input="$img") "$json"
check "-i - reads stdin" cmp -s <("$crit" decode -i - <"$img") "$json"
check "-o - writes stdout" cmp -s <("$crit" decode -i "$img" -o -) "$json"
check "-- ends the options" cmp -s <("$crit" x -- "$fx/loop" ps) "$fx/loop/ref/x-ps.txt"
"$crit" decode -i "$json" 2>"$tmp/err"
check "JSON given to decode: said, with encode" grep -q "this is JSON, not an image: crit encode turns it into one" "$tmp/err"
sed 's/"cwd_id": 6/"cwd_id": 18446744073709552000/' "$json" | "$crit" encode >/dev/null 2>"$tmp/err"
check "a number rounded through a double: named" grep -q "rounded through a double (jq before 1.7" "$tmp/err"

finish
