#!/bin/bash
# symbols.sh - the library a C or C++ program links keeps to its own names,
# and its header stands alone: every global symbol libcrit.a defines starts
# with crit_; crit.h compiles by itself as C11 and as C++, pedantic and
# without a warning; ignoring a bool result is warned about.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh symbols
lib=${LIBCRIT:-build/libcrit.a}

nm -g --defined-only "$lib" | awk 'NF == 3 { print $3 }' >"$tmp/syms"
grep -v '^crit_' "$tmp/syms" >"$tmp/foreign"
check "$lib defines globals ($(wc -l <"$tmp/syms"))" test -s "$tmp/syms"
check "every global symbol of $lib starts with crit_" test ! -s "$tmp/foreign"
[ -s "$tmp/foreign" ] && head -20 "$tmp/foreign"
for f in crit_decode crit_encode crit_info crit_explore crit_escape crit_version crit_strerror; do
	check "$f is there" grep -qx "$f" "$tmp/syms"
done

cat >"$tmp/use.c" <<'C'
#include "crit.h"
int main(void)
{
	struct crit_err err;
	struct crit_info info;
	struct crit_source src = { CRIT_SOURCE_PATH, -1, 0, 0, "fixtures/loop/pstree.img" };
	if (!crit_info(&src, &info, &err))
		return 1;
	return crit_version()[0] && crit_code_name(err.code)[0] ? 0 : 1;
}
C
cp "$tmp/use.c" "$tmp/use.cc"
check "crit.h alone compiles as C11" cc -std=c11 -pedantic -Wall -Wextra -Werror -Isrc -c -o "$tmp/c.o" "$tmp/use.c"
check "crit.h alone compiles as C++" c++ -std=c++11 -pedantic -Wall -Wextra -Werror -Isrc -c -o "$tmp/cc.o" "$tmp/use.cc"
check "a C++ program links libcrit and runs" sh -c "c++ -o '$tmp/use' '$tmp/cc.o' '$lib' ${LINKFLAGS:--pthread} && '$tmp/use'"
printf '#include "crit.h"\nvoid f(struct crit_source *s, struct crit_info *i, struct crit_err *e) { crit_info(s, i, e); }\n' >"$tmp/ignored.c"
check "an ignored bool result is warned about" sh -c "! cc -std=c11 -Wall -Werror -Isrc -c -o '$tmp/i.o' '$tmp/ignored.c' 2>/dev/null"

finish
