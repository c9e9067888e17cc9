#!/bin/bash
# The committed proto-tables/ must be exactly what tools/gen-tables.py makes
# from CRIU's .proto files: stale tables fail the suite. The .proto files
# come from PROTO_DIR when it is set (then they must be there), else from
# ../shared/criu-images or a CRIU checkout beside the clone (../criu/images);
# with none of these, the test says in one line that it was skipped.
set -eu
cd "$(dirname "$0")/.."
origin=${ORIGIN:-CRIU 4.2 (upstream commit 2cf8f13)}
if [ -n "${PROTO_DIR:-}" ]; then
	proto_dir=$PROTO_DIR
	if ! ls "$proto_dir"/*.proto >/dev/null 2>&1; then
		echo "tables-fresh: PROTO_DIR=$proto_dir holds no .proto files"
		echo "0 passed, 1 failed"
		exit 1
	fi
else
	proto_dir=
	for d in ../shared/criu-images ../criu/images; do
		if ls "$d"/*.proto >/dev/null 2>&1 && [ -f "$d/magic.h" ]; then
			proto_dir=$d
			break
		fi
	done
	if [ -z "$proto_dir" ]; then
		echo "tables-fresh: skipped: no CRIU .proto files here (set PROTO_DIR, or put ../shared/criu-images or a CRIU checkout at ../criu)"
		echo "0 passed, 0 failed, 1 skipped"
		exit 0
	fi
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/tables"
python3 tools/gen-tables.py --proto-dir "$proto_dir" --out "$tmp/tables" --origin "$origin"
if diff -r -x '*.o' proto-tables "$tmp/tables" >"$tmp/diff"; then
	echo "tables-fresh: proto-tables/ matches a fresh generation from $proto_dir"
	echo "1 passed, 0 failed"
else
	head -40 "$tmp/diff"
	echo "tables-fresh: proto-tables/ is stale against $proto_dir: run 'make tables PROTO_DIR=$proto_dir'"
	echo "0 passed, 1 failed"
	exit 1
fi
