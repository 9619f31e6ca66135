#!/bin/sh
# NAME
#	run.sh - make bench: set up, make the corpus, run psirt-bench
# SYNOPSIS
#	make bench	(top_srcdir and top_builddir come from make)
# ENVIRONMENT
#	BENCH_SCALE	corpus size factor, default 1 (the issue's corpus);
#			0.1 makes a quick run
#	BENCH_PAR	the parallel modes, default "1 2 8"
#	BENCH_RESULTS	the JSON file, default $top_builddir/bench/results.json
#	BENCH_CORPUS	reuse a corpus directory made by an earlier run
#			(kept with BENCH_KEEP); it must be readable by the
#			user the filter runs as
#	BENCH_KEEP	keep the scratch directory (its path is printed)
# DESCRIPTION
#	A scratch directory like the tests' (tests/lib/env.sh): the gateway's
#	GnuPG home with the test gateway key and the reporters' public keys
#	(tests/lib/gpghome.sh), a queue per mode, psirt-filter and the fake
#	sendmail copied in, the test log file. As root (CI), the programs run
#	as the unprivileged user psirt-test, as in the tests. See
#	bench/README.md for what is measured.
set -eu
: "${top_srcdir:?top_srcdir not set (run through make bench)}"
: "${top_builddir:?top_builddir not set (run through make bench)}"
. "$top_srcdir/tests/lib/env.sh"
. "$top_srcdir/tests/lib/gpghome.sh"
set -eu

scale=${BENCH_SCALE:-1}
par=${BENCH_PAR:-1 2 8}
results=${BENCH_RESULTS:-$top_builddir/bench/results.json}
S=$(mktemp -d /tmp/psirt-bench.XXXXXX)
chmod 755 "$S"
RUN_AS=""
user_opt=""
if [ "$(id -u)" -eq 0 ]; then
	ensure_test_user
	RUN_AS="setpriv --reuid=$TEST_USER --regid=$TEST_USER --clear-groups --"
	user_opt="-u $TEST_USER"
fi

# bench_cleanup - stop the agents, remove the scratch directory
bench_cleanup() {
	$RUN_AS gpgconf --homedir "$S/gnupg" --kill all >/dev/null 2>&1 || :
	gpghome_kill "$S/rep"
	if [ -n "${BENCH_KEEP:-}" ]; then
		echo "psirt-bench: kept $S"
	else
		rm -rf "$S"
	fi
}
trap bench_cleanup EXIT
trap 'exit 1' INT TERM

echo "psirt-bench: set-up in $S (scale $scale)" >&2
gpghome_gateway "$S/gnupg" || { echo "gateway home failed" >&2; exit 1; }
mkdir -p "$S/bin/sent" "$S/templates"
cp "$top_builddir/psirt-filter" "$top_builddir/bench/bench-sendmail" \
    "$S/bin/"
cp "$top_srcdir"/etc/templates/*.txt "$S/templates/"
: >"$S/log"
: >"$S/filter.out"
chmod 666 "$S/log" "$S/filter.out"

if [ -n "${BENCH_CORPUS:-}" ]; then
	corpus=$BENCH_CORPUS
else
	corpus=$S/corpus
	gpghome_reporter "$S/rep" || { echo "reporter home failed" >&2; exit 1; }
	echo "psirt-bench: making the corpus with gpg" >&2
	sh "$top_srcdir/bench/mkcorpus.sh" "$corpus" "$S/rep" "$scale"
	gpghome_kill "$S/rep"
	chmod -R a+rX "$corpus"
fi

# config P [EXTRA...] - a queue and its psirt.conf for mode P
config() {
	_p=$1
	shift
	mkdir -p "$S/m$_p/db" "$S/m$_p/spool"
	{
		echo "# make bench, $_p at once"
		echo "database = $S/m$_p/db/queue.db"
		echo "spool_dir = $S/m$_p/spool"
		echo "gnupg_home = $S/gnupg"
		echo "gateway_address = security@example.test"
		echo "sendmail_command = $S/bin/bench-sendmail"
		echo "template_dir = $S/templates"
		# named, as an admin would: no key listing per ack
		echo "gateway_key = $TEST_GATEWAY_FPR"
		for kv in "$@"; do echo "$kv"; done
	} >"$S/m$_p/psirt.conf"
}

# Every report gets its acknowledgement: the rate limits (when this
# psirt-filter has them) are lifted, else the bench would measure skips.
modes=""
for p in $par; do
	config "$p" "ack_per_sender = 1000000" "ack_global_per_hour = 1000000"
	modes="$modes -m $p:$S/m$p/psirt.conf"
done
[ -n "$RUN_AS" ] && chown -R "$TEST_USER:" "$S/gnupg" "$S/bin/sent" \
    $(for p in $par; do echo "$S/m$p"; done)
first=$(echo "$par" | awk '{ print $1 }')
if ! $RUN_AS "$S/bin/psirt-filter" -c "$S/m$first/psirt.conf" \
    --check-config >/dev/null 2>&1; then
	echo "psirt-bench: psirt-filter has no ack rate limit keys" >&2
	for p in $par; do config "$p"; done
	$RUN_AS "$S/bin/psirt-filter" -c "$S/m$first/psirt.conf" \
	    --check-config >/dev/null || exit 1
fi

mkdir -p "$(dirname "$results")"
# shellcheck disable=SC2086
"$top_builddir/bench/psirt-bench" $user_opt -f "$S/bin/psirt-filter" \
    -g "$S/gnupg" -l "$S/log" -s "$S/bin/sent" -e "$S/filter.out" \
    -G "$TEST_GATEWAY_FPR" -R "$ALICE_FPR" -o "$results" $modes "$corpus"
