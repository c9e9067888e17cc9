#!/bin/bash
# The committed proto-tables/ must be exactly what tools/gen-tables.py makes
# from ../shared/criu-images today: stale tables fail the suite.
set -eu
cd "$(dirname "$0")/.."
proto_dir=${PROTO_DIR:-../shared/criu-images}
origin=${ORIGIN:-CRIU 4.2 (upstream commit 2cf8f13)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 tools/gen-tables.py --proto-dir "$proto_dir" --out "$tmp" --origin "$origin"
if diff -r -x '*.o' proto-tables "$tmp" >"$tmp.diff"; then
	echo "tables-fresh: proto-tables/ matches a fresh generation"
	echo "1 passed, 0 failed"
else
	head -40 "$tmp.diff"
	echo "tables-fresh: proto-tables/ is stale: run 'make tables'"
	echo "0 passed, 1 failed"
	rm -f "$tmp.diff"
	exit 1
fi
rm -f "$tmp.diff"
