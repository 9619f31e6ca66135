#!/bin/sh
# run.sh - set up a fresh Debian 12 machine (as root) and run the demo or
# the full test suite. Used by README.md's two commands and by .ci/run.
#
#   sh contrib/run.sh demo   install, build, a sample report through
#                            psirt-filter as Postfix calls it, then the queue
#   sh contrib/run.sh test   install, build, make check and make
#                            check-postfix (the end-to-end tests under a
#                            real, private Postfix) in the normal build and
#                            the ASan+UBSan build, "N passed, N failed"
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
# tmux: tests/e2e/test-terminal.sh reads psirt show in a real terminal.
PACKAGES="build-essential autoconf automake pkg-config libgpgme-dev
libgpg-error-dev libetpan-dev libsqlite3-dev gnupg python3 util-linux
passwd binutils procps tmux"
# make check-postfix: a real Postfix (installed without configuring the
# host's mail system: debconf "No configuration") and the SMTP client swaks.
POSTFIX_PACKAGES="postfix swaks"

# deps [PACKAGES] - the build and test dependencies, installed when missing
deps() {
	missing=""
	for p in ${1:-$PACKAGES}; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q 'ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "run.sh: missing packages:$missing (run as root)" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	echo 'postfix postfix/main_mailer_type select No configuration' |
	    debconf-set-selections
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

# count LOG FIELD - a summary field of a test-suite.log
count() {
	sed -n "s/^# $2: *\\([0-9]*\\).*/\\1/p" "$1" 2>/dev/null | head -1
}

case "${1:-}" in
demo)
	deps
	build "$top/build"
	exec sh "$top/contrib/demo.sh" "$top/build"
	;;
test)
	deps
	deps "$POSTFIX_PACKAGES"
	build "$top/build"
	build "$top/build-asan" --enable-sanitizers
	rc=0
	start=$(date +%s)
	for d in "$top/build" "$top/build-asan"; do
		(cd "$d" && make -j"$(nproc)" check) || rc=1
		(cd "$d" && make -j"$(nproc)" check-postfix) || rc=1
	done
	pass=0
	fail=0
	todo=0
	for d in build build-asan; do
		for s in "make check:test-suite.log" \
		    "make check-postfix:tests/postfix/test-suite.log"; do
			log="$top/$d/${s#*:}"
			p=$(count "$log" PASS) f=$(count "$log" FAIL)
			e=$(count "$log" ERROR) x=$(count "$log" XPASS)
			t=$(count "$log" XFAIL) k=$(count "$log" SKIP)
			echo "$d, ${s%%:*}: PASS ${p:-0}, FAIL ${f:-0}," \
			    "ERROR ${e:-0}, XPASS ${x:-0}, TODO ${t:-0}," \
			    "SKIP ${k:-0}"
			pass=$((pass + ${p:-0}))
			fail=$((fail + ${f:-0} + ${e:-0} + ${x:-0}))
			todo=$((todo + ${t:-0}))
			[ -s "$log" ] || { echo "  (no $log)"; fail=$((fail + 1)); }
			# what failed, with the diagnostics TAP printed after it
			grep -E -A4 '^(FAIL|ERROR|XPASS): ' "$log" 2>/dev/null |
			    head -60 | sed 's/^/    /' || :
		done
		sed -n 's/^# \([0-9]* messages: .*\)/  load test: \1/p' \
		    "$top/$d/tests/postfix/test-load.log" 2>/dev/null || :
	done
	echo "$todo results are TAP TODO (a feature not there yet; XFAIL in" \
	    "the test-suite.log files); the tests took $(($(date +%s) - start)) s"
	echo "$pass passed, $fail failed"
	[ "$rc" -eq 0 ] && [ "$fail" -eq 0 ]
	;;
*)
	echo "usage: sh contrib/run.sh demo|test" >&2
	exit 2
	;;
esac
