#!/bin/bash
# The committed dictionaries must be what gen-dict makes from the tables
# today: stale ones fail the suite. GEN_DICT is the built generator.
set -u
cd "$(dirname "$0")/../.."
stale=0
for kind in image json explore; do
	if ! "${GEN_DICT:?}" $kind | cmp -s - tests/fuzz/$kind.dict; then
		echo "dicts-fresh: tests/fuzz/$kind.dict is stale: run 'make fuzz-dicts'"
		stale=$((stale + 1))
	fi
done
echo "dicts-fresh: $((3 - stale)) passed, $stale failed"
[ $stale -eq 0 ]
