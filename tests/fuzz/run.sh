#!/bin/bash
# Run one fuzz target for a while, alone and nice'd:
#   tests/fuzz/run.sh TARGET [SECONDS [libFuzzer options...]]
# TARGET is decode, encode, roundtrip, explore, mem or core (its seeds are made
# by hand from the fixtures: small pages files). Its corpus grows in
# build/fuzz/work/TARGET, seeded from tests/fuzz/corpus/TARGET and
# tests/fuzz/regress/TARGET; crashes, leaks and timeouts are written to
# build/fuzz/crash/TARGET. The last lines printed are libFuzzer's final
# statistics (stat::number_of_executed_units: the execution count).
set -eu
cd "$(dirname "$0")/../.."
target=${1:?usage: tests/fuzz/run.sh TARGET [SECONDS [options...]]}
seconds=${2:-60}
shift $(($# < 2 ? $# : 2))
case $target in
decode | roundtrip) dict=image max_len=16384 ;;
encode) dict=json max_len=65536 ;;
explore | mem | core) dict=explore max_len=65536 ;;
*) echo "run.sh: no fuzz target '$target'" >&2; exit 2 ;;
esac
make -s build/fuzz/$target
work=build/fuzz/work/$target crash=build/fuzz/crash/$target
mkdir -p $work $crash
# A copy runs, so that make fuzz may rebuild meanwhile.
cp build/fuzz/$target build/fuzz/running-$target
echo "run.sh: $target for ${seconds}s at $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo +changes)"
for d in tests/fuzz/corpus/$target tests/fuzz/regress/$target; do
	[ -d $d ] && find $d -type f ! -name '.*' -exec cp -n {} $work/ \;
done
exec nice -n 10 build/fuzz/running-$target -dict=tests/fuzz/$dict.dict -max_len=$max_len \
	-max_total_time=$seconds -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix=$crash/ "$@" $work
