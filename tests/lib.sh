# lib.sh - what every shell suite shares: a scratch directory removed on
# exit, ok/bad/check that count, and finish, which prints the tally that
# make check reads and exits non-zero when anything failed.
# Sourced with the suite's name as $1, from the top of the tree.
suite=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }
check() { # name, then a command that must succeed
	local name=$1; shift
	if "$@"; then ok "$name"; else bad "$name"; fi
}
# A copy of fixtures/ in $tmp/fx, with the images kept gzipped there
# (a fixture is at most 1 MB) unpacked; prints its path.
unpacked_fixtures() {
	if [ ! -d "$tmp/fx" ]; then
		cp -r fixtures "$tmp/fx"
		find "$tmp/fx" -name '*.img.gz' -exec gunzip {} +
	fi
	echo "$tmp/fx"
}
finish() {
	echo "$suite: $passed passed, $failed failed"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
