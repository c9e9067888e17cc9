#!/bin/bash
# install.sh - make install puts the five files where a Unix tool's go, the
# manual page renders without a warning, a C program finds libcrit through
# pkg-config and decodes a fixture with it, and make uninstall takes
# everything away again.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh install

root=$tmp/root
# The plain build is what gets installed, also under make check SAN=1.
unset MAKEFLAGS MAKELEVEL MFLAGS SAN
make -s install DESTDIR="$root" PREFIX=/usr >"$tmp/log" 2>&1 || { cat "$tmp/log"; bad "make install"; }
files="usr/bin/crit usr/lib/libcrit.a usr/include/crit.h usr/lib/pkgconfig/crit.pc usr/share/man/man1/crit.1"
for f in $files; do
	check "installs /$f" test -s "$root/$f"
done
check "the binary is executable and runs" sh -c "'$root/usr/bin/crit' --version | grep -q '^crit '"
check "exactly those five files" test "$(cd "$root" && find . -type f | sort | tr '\n' ' ')" = \
	"$(for f in $files; do echo "./$f"; done | sort | tr '\n' ' ')"

# The manual page: groff's every warning, and man itself.
groff -ww -man -Tutf8 "$root/usr/share/man/man1/crit.1" >"$tmp/man.txt" 2>"$tmp/man.err"
check "crit.1 renders without warnings (groff -ww)" test ! -s "$tmp/man.err" -a -s "$tmp/man.txt"
[ -s "$tmp/man.err" ] && cat "$tmp/man.err"
MANWIDTH=80 man -l "$root/usr/share/man/man1/crit.1" >"$tmp/man.txt" 2>"$tmp/man.err"
check "man -l crit.1 renders without a word on stderr" test ! -s "$tmp/man.err" -a -s "$tmp/man.txt"
# every command, the exit codes and the options are in it
for w in decode encode show info "crit x" "crit check" "crit anonymize" "EXIT STATUS" --pretty --nopl --json --escape --input \
	--output --map --strict; do
	check "crit.1 covers $w" grep -q -- "$w" "$tmp/man.txt"
done

# pkg-config: a program built against the installed tree decodes a fixture.
cat >"$tmp/prog.c" <<'C'
#include <crit.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static bool put(void *ctx, const void *buf, size_t n)
{
	return fwrite(buf, 1, n, ctx) == n;
}

int main(int argc, char **argv)
{
	struct crit_source in = { .kind = CRIT_SOURCE_PATH, .path = argv[1] };
	struct crit_sink out = { put, stdout };
	struct crit_err err;

	if (argc != 2 || !crit_decode(&in, &out, NULL, &err))
		return 1;
	putchar('\n');
	return 0;
}
C
pc() { PKG_CONFIG_PATH="$root/usr/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$root" pkg-config "$@"; }
check "pkg-config knows crit" test "$(pc --modversion crit)" = "$(sed -n 's/^#define CRIT_VERSION "\(.*\)"/\1/p' src/crit.h)"
# shellcheck disable=SC2046
cc -o "$tmp/prog" "$tmp/prog.c" $(pc --cflags --libs crit) 2>"$tmp/cc.err" || cat "$tmp/cc.err"
check "a program links with pkg-config --cflags --libs crit" test -x "$tmp/prog"
check "and decodes a fixture as crit does" cmp -s <("$tmp/prog" fixtures/loop/fs-21663.img) fixtures/loop/ref/fs-21663.img.decode.json

make -s uninstall DESTDIR="$root" PREFIX=/usr >/dev/null 2>&1
check "make uninstall removes them all" test -z "$(find "$root" -type f)"

finish
