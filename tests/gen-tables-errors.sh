#!/bin/bash
# gen-tables-errors.sh - tools/gen-tables.py must refuse what it does not
# understand: exit status 1, one stderr line `file:LINE: ...`, nothing written.
# One good input must succeed, compile, regenerate identically and drop stale
# generated files.
#
# Run from anywhere: bash tests/gen-tables-errors.sh
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
gen="$repo/tools/gen-tables.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0
n=0

ok() {
	echo "ok   - $1"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL - $1: $2"
	failed=$((failed + 1))
}

# A fresh case: $in holds the inputs (with a valid magic.h), $out stays empty.
new_case() {
	n=$((n + 1))
	in="$tmp/$n/in"
	out="$tmp/$n/out"
	mkdir -p "$in" "$out"
	printf '#define FOO_MAGIC 0x12345678\n' >"$in/magic.h"
}

run_gen() {
	python3 "$gen" --proto-dir "$in" --magic "$in/magic.h" --out "$out" "$@" \
		>"$tmp/$n/stdout" 2>"$tmp/$n/stderr"
}

# expect_error NAME FILE LINE: fails with one line starting "$in/FILE:LINE:".
expect_error() {
	local name=$1 prefix="$in/$2:$3:" rc=0 err
	run_gen --origin test || rc=$?
	err=$(cat "$tmp/$n/stderr")
	if [ "$rc" -ne 1 ]; then
		fail "$name" "exit status $rc, want 1 (stderr: $err)"
	elif [ "$(wc -l <"$tmp/$n/stderr")" -ne 1 ]; then
		fail "$name" "stderr is not exactly one line: $err"
	elif [ "${err#"$prefix"}" = "$err" ]; then
		fail "$name" "stderr '$err' does not start with '$prefix'"
	elif [ -n "$(ls -A "$out")" ]; then
		fail "$name" "--out is not empty: $(ls -A "$out" | tr '\n' ' ')"
	else
		ok "$name: ${err#"$in/"}"
	fi
}

# The opts.proto a (criu) option needs, as in CRIU.
write_opts() {
	cat >"$in/opts.proto" <<'EOF'
syntax = "proto2";
import "google/protobuf/descriptor.proto";
message CRIU_Opts {
	optional bool hex = 1;
	optional string flags = 3;
}
extend google.protobuf.FieldOptions {
	optional CRIU_Opts criu = 1018;
}
EOF
}

# --- broken inputs -------------------------------------------------------

new_case
cat >"$in/a.proto" <<'EOF'
syntax = "proto2";
message m {
	oneof choice {
		uint32 x = 1;
	}
}
EOF
expect_error "oneof" a.proto 3

new_case
cat >"$in/a.proto" <<'EOF'
syntax = "proto3";
message m {
	uint32 x = 1;
}
EOF
expect_error "proto3 syntax" a.proto 1

new_case
cat >"$in/a.proto" <<'EOF'
syntax = "proto2";
message m {
	required uint32 x = 1;
	optional no_such_entry y = 2;
}
EOF
expect_error "unknown type" a.proto 4

# the tables keep a name's length in one byte
new_case
{
	printf 'syntax = "proto2";\nmessage m {\n\trequired uint32 x = 1;\n'
	printf '\toptional uint32 %s = 2;\n}\n' "$(printf 'n%.0s' $(seq 256))"
} >"$in/a.proto"
expect_error "field name of 256 bytes" a.proto 4

new_case
cat >"$in/a.proto" <<'EOF'
syntax = "proto2";
message m {
	required uint32 x = 1;
	optional uint64 y = 2;
	optional string z = 2;
}
EOF
expect_error "duplicate field number" a.proto 5

new_case
cat >"$in/a.proto" <<'EOF'
syntax = "proto2";
message m {
	optional other_entry o = 1;
}
EOF
cat >"$in/b.proto" <<'EOF'
syntax = "proto2";
message other_entry {
	optional uint32 x = 1;
}
EOF
expect_error "type from a file not imported" a.proto 3

new_case
cat >"$in/a.proto" <<'EOF'
syntax = "proto2";
message m {
	optional uint32 x = 1;
}
/* this comment
   never ends
EOF
expect_error "unterminated comment" a.proto 5

new_case
write_opts
cat >"$in/a.proto" <<'EOF'
syntax = "proto2";
import "opts.proto";
message m {
	optional uint32 x = 1 [(criu).hex = true];
	optional uint32 y = 2 [(criu).bogus = true];
}
EOF
expect_error "unknown (criu) option" a.proto 5

new_case
cat >"$in/a.proto" <<'EOF'
syntax = "proto2";
message m {
	optional uint32 x = 1;
}
EOF
cat >"$in/magic.h" <<'EOF'
#define GOOD_MAGIC 0x1
/* a comment */
#define BAD_MAGIC 0x12zz
EOF
expect_error "bad magic.h define" magic.h 3

new_case
cat >"$in/a.proto" <<'EOF'
syntax = "proto2";

import "missing.proto";

message m {
	optional uint32 x = 1;
}
EOF
expect_error "missing import" a.proto 3

new_case
cat >"$in/a.proto" <<'EOF'
syntax = "proto2";
message m {
	optional uint32 x = 0;
}
EOF
expect_error "field number 0" a.proto 3

new_case
cat >"$in/a.proto" <<'EOF'
syntax = "proto2";
message outer {
	message inner {
		optional uint32 x = 1;
	}
	optional inner i = 1;
EOF
expect_error "unterminated block" a.proto 2

new_case
cat >"$in/a.proto" <<'EOF'
syntax = "proto2";
enum e { A = 0; B = 1; }
message m {
	optional e x = 1 [default = C];
}
EOF
expect_error "default not in the enum" a.proto 4

# --- a good input --------------------------------------------------------

new_case
write_opts
cat >"$in/a.proto" <<'EOF'
// Comments, nesting, scoping, options and a stray ';'.
syntax = "proto2";
import "opts.proto";
import "b.proto";

enum top_mode { OFF = 0; ON = 1; NEG = -2; }

message a_entry {
	enum kind {
		ZERO = 0;
		ONE  = 1;
	}
	message inner {
		required kind   k    = 1 [default = ONE];
		optional string s    = 2 [default = "say \"hi\"?\n"];
	}
	required uint32		id	= 1 [(criu).hex = true];
	repeated uint32		list	= 2 [packed = true];
	optional inner		in	= 4;
	optional .a_entry.inner	in2	= 3;
	optional top_mode	mode	= 5[ default = NEG ];
	optional sint32		mnt_id	= 6 [default = -1, (criu).flags = "mmap.prot"];
	optional b_entry	b	= 9;
	repeated a_entry	children = 10;
};

message empty_entry {
}
EOF
cat >"$in/b.proto" <<'EOF'
syntax = "proto2";
/* b is imported by a */
message b_entry { optional bytes data = 1 [default = "\001\x02"]; }
EOF
cat >"$in/magic.h" <<'EOF'
#ifndef MAGIC_H
#define MAGIC_H
#define RAW_IMAGE_MAGIC 0x0
#define A_MAGIC 0x58313116 /* somewhere */
#define B_MAGIC 1234
#define C_MAGIC A_MAGIC
#define NOT_A_MAGIC_THING 7
#endif
EOF
# A stale generated file must go; a hand-written one must stay.
printf '/* Generated by tools/gen-tables.py from old. Do not edit. */\n' >"$out/stale.c"
printf '/* hand written */\n' >"$out/keep.c"

name="good input"
rc=0
run_gen || rc=$?
if [ "$rc" -ne 0 ] || [ -s "$tmp/$n/stderr" ]; then
	fail "$name" "exit status $rc: $(cat "$tmp/$n/stderr")"
elif [ -e "$out/stale.c" ] || [ ! -e "$out/keep.c" ]; then
	fail "$name" "stale generated files were not removed exactly"
else
	missing=""
	for f in a.c b.c opts.c registry.c tables.h; do
		[ -e "$out/$f" ] || missing="$missing $f"
	done
	if [ -n "$missing" ]; then
		fail "$name" "missing outputs:$missing"
	elif ! (cd "$tmp/$n" && cc -std=c11 -Wall -Wextra -Werror -I"$repo/src" -I"$out" \
		-c "$out/a.c" "$out/b.c" "$out/opts.c" "$out/registry.c" 2>"$tmp/$n/cc"); then
		fail "$name" "generated C does not compile: $(head -3 "$tmp/$n/cc" | tr '\n' ' ')"
	else
		cp -r "$out" "$tmp/$n/first"
		rc=0
		run_gen || rc=$?
		if [ "$rc" -ne 0 ] || ! diff -r "$tmp/$n/first" "$out" >/dev/null; then
			fail "$name" "a second run changed the output"
		elif ! grep -qF '"\"say \\\"hi\\\"\?\\n\""' "$out/a.c"; then
			# the C string holds the default exactly as written, quotes included
			fail "$name" "quoted default not kept as written"
		elif ! grep -q '{ "C",[ ]*0x58313116, "A" }' "$out/registry.c"; then
			fail "$name" "magic alias not recorded"
		else
			ok "$name: generated, compiled, regenerated identically"
		fi
	fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
