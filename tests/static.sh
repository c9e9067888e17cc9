#!/bin/bash
# make static gives one binary that needs nothing: it runs in an empty
# chroot, with no libc, no /dev, no /proc beside it.
set -eu
cd "$(dirname "$0")/.."
make -s static
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
cp crit-static "$root/crit"
cp fixtures/loop/core-21663.img "$root/core.img"
if [ "$(id -u)" = 0 ]; then
	in_chroot=(chroot "$root")
else
	in_chroot=(unshare --user --map-root-user chroot "$root")
fi
if "${in_chroot[@]}" /crit decode -i /core.img | cmp -s - fixtures/loop/ref/core-21663.img.decode.json; then
	echo "static: $(stat -c %s crit-static) bytes, runs in an empty chroot"
	echo "1 passed, 0 failed"
else
	echo "static: crit-static failed in an empty chroot"
	echo "0 passed, 1 failed"
	exit 1
fi
