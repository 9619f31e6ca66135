#!/bin/sh
# run.sh - set up a fresh Debian 12 machine (as root) and run the demo or
# the full test suite. Used by README.md's two commands and by .ci/run.
#
#   sh contrib/run.sh demo   install, build, a sample report through
#                            psirt-filter as Postfix calls it, then the queue
#   sh contrib/run.sh test   install, build, make check (normal build and
#                            ASan+UBSan build), "N passed, N failed"
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
PACKAGES="build-essential autoconf automake pkg-config libgpgme-dev
libgpg-error-dev libetpan-dev libsqlite3-dev gnupg python3 util-linux
passwd binutils"

# deps - the build and test dependencies, installed when missing
deps() {
	missing=""
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q 'ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "run.sh: missing packages:$missing (run as root)" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
}

# build DIR [CONFIGURE-ARGS...] - configure and build out of tree
build() {
	dir=$1
	shift
	(cd "$top" && { [ -x configure ] || autoreconf -fi; })
	mkdir -p "$dir"
	(cd "$dir" && "$top/configure" -q --enable-werror "$@" &&
	    make -j"$(nproc)" >/dev/null)
}

# count DIR FIELD - a summary field of DIR's test-suite.log
count() {
	sed -n "s/^# $2: *\\([0-9]*\\).*/\\1/p" "$1/test-suite.log" 2>/dev/null |
	    head -1
}

case "${1:-}" in
demo)
	deps
	build "$top/build"
	exec sh "$top/contrib/demo.sh" "$top/build"
	;;
test)
	deps
	build "$top/build"
	build "$top/build-asan" --enable-sanitizers
	rc=0
	(cd "$top/build" && make -j"$(nproc)" check) || rc=1
	(cd "$top/build-asan" && make -j"$(nproc)" check) || rc=1
	pass=0
	fail=0
	for d in "$top/build" "$top/build-asan"; do
		p=$(count "$d" PASS) f=$(count "$d" FAIL)
		e=$(count "$d" ERROR) x=$(count "$d" XPASS)
		pass=$((pass + ${p:-0}))
		fail=$((fail + ${f:-0} + ${e:-0} + ${x:-0}))
		[ -s "$d/test-suite.log" ] || fail=$((fail + 1))
	done
	echo "$pass passed, $fail failed"
	[ "$rc" -eq 0 ] && [ "$fail" -eq 0 ]
	;;
*)
	echo "usage: sh contrib/run.sh demo|test" >&2
	exit 2
	;;
esac
