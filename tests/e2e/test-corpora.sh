#!/bin/sh
# test-corpora - inputs nobody here wrote, through the real psirt-filter:
# every message of the public MIME corpora (mime-is-broken, MIME-tools,
# CPython's email tests) and the OpenPGP interoperability suite's data
# wrapped as inline and PGP/MIME mail (made at test time). For each: exit 0
# within worker_timeout, exactly one stored message whose raw SHA-256 is
# the input's with the raw copy kept, processing stored or quarantined
# with a reason. mime-is-broken hides an attachment in every message: the
# stored copy must never list none. Revoked keys (the suite's revoked
# certificates and Alice's and Bob's revocations) never give "good", the
# SHA-1 collision signatures give "weak-hash", the 16384- and 32768-bit
# RSA keys are refused at import. The corpora live beside the source tree
# in ../shared/corpora (see its README); without them the test is
# skipped.
C=$top_srcdir/../shared/corpora
P=$C/openpgp-interoperability-test-suite/data
for d in mime-is-broken mime-tools cpython-test_email-data \
    openpgp-interoperability-test-suite; do
	if [ ! -d "$C/$d" ]; then
		echo "1..0 # SKIP public corpora not found (../shared/corpora/$d)"
		exit 0
	fi
done
. "$top_srcdir/tests/lib/env.sh"
. "$top_srcdir/tests/lib/gpghome.sh"

TIMEOUT=$((20 * SLOW))
JOBS=4
[ -n "${VALGRIND:-}" ] && JOBS=1
NBG=0

# throttle - after starting a background job: every JOBS jobs, wait for
# them all
throttle() {
	NBG=$((NBG + 1))
	[ $((NBG % JOBS)) -ne 0 ] || wait
}
psirt_env_init "worker_timeout = ${TIMEOUT}s"
R=$(mktemp -d /tmp/psirt-rep.XXXXXX)
HOMES=""
PY="python3 $top_srcdir/tests/lib/corpora.py"
T0=$(date +%s)

# corpora_cleanup - stop every home's agent (as the user that ran it)
corpora_cleanup() {
	for h in $HOMES; do
		$RUN_AS gpgconf --homedir "$h" --kill all >/dev/null 2>&1 || :
		gpghome_kill "$h"
	done
	gpghome_kill "$R"
	rm -rf "$R"
	psirt_env_cleanup
}
trap corpora_cleanup EXIT

# gw_home DIR FILE... - a gateway home: the test gateway key, the keys and
# revocations in FILE..., the hardened gpg.conf; owned by the filter's user
gw_home() {
	_h=$1
	shift
	mkdir -p -m 700 "$_h" && chmod 700 "$_h"
	# made as the current user (psirt-filter --init wants the owner)
	[ -n "$RUN_AS" ] && chown -R "$(id -u):$(id -g)" "$_h"
	gpg_in "$_h" --import "$GPGHOME_KEYS/test-gateway.sec.asc" "$@" \
	    2>/dev/null || return 1
	gpghome_kill "$_h"
	gpghome_harden "$_h" 104857600 || return 1
	[ -n "$RUN_AS" ] && chown -R "$TEST_USER:" "$_h"
	HOMES="$HOMES $_h"
}

# use_home DIR - psirt-filter's gnupg_home from now on
use_home() {
	sed -i "s|^gnupg_home = .*|gnupg_home = $1|" "$T/psirt.conf"
}

# deliver FILE EXPECT LABEL [SENDER] - one run of the filter, recorded
# for corpora.py check (exit code, milliseconds, SHA-256 of the input)
deliver() {
	_a=$(date +%s%N)
	run_filter "${4:-corpus@example.test}" <"$1"
	_rc=$?
	_b=$(date +%s%N)
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$_rc" $(((_b - _a) / 1000000)) \
	    "$(sha256sum <"$1" | cut -d' ' -f1)" "$2" "$3" "$1" >>"$T/runs"
}

# check_runs - one TAP line per delivery so far, and the figures
check_runs() {
	run_psirt list --json | json_get '"\n".join(c["id"] for c in j)' \
	    >"$T/ids"
	mkdir -p "$T/show"
	while read -r id; do
		run_psirt show "$id" --json >"$T/show/$id" &
		throttle
	done <"$T/ids"
	wait
	while read -r id; do
		cat "$T/show/$id"
	done <"$T/ids" >"$T/cases.json"
	$PY check "$T/runs" "$T/cases.json" "$T/spool" $((TIMEOUT * 1000)) \
	    "$T/earlier" >"$T/check.out" || echo "1 corpora.py check ran" \
	    >"$T/check.out"
	while IFS= read -r line; do
		case $line in
		'# '*' messages with raw SHA-256 '*)
			echo "$line"
			# the filter's own log lines for it (qid: 12 hex digits)
			_q=$(echo "${line##* }" | cut -c1-12)
			grep -a ": $_q: " "$T/log" | tail -3 | sed 's/^/# /' ;;
		'#'*) echo "$line" ;;
		*) tap_ok "${line%% *}" "${line#* }" ;;
		esac
	done <"$T/check.out"
	cat "$T/runs" >>"$T/earlier"
	: >"$T/runs"
}

: >"$T/runs"
: >"$T/earlier"
gw_home "$T/gnupg" || { echo "Bail out! gateway home"; exit 1; }

# ---- the MIME corpora ------------------------------------------------------
# Every file: the licences aside, all of them are input (MIME-tools' testin/
# also holds headers, bodies and uuencoded files on their own: mail too).
# Under valgrind (a second a run) only every EVERY-th file, 10 by default.
EVERY=${CORPORA_EVERY:-1}
[ -n "${VALGRIND:-}" ] && EVERY=${CORPORA_EVERY:-10}
$PY list "$C" | awk -v n="$EVERY" '(NR - 1) % n == 0' >"$T/list"
[ "$EVERY" -gt 1 ] && echo "# every ${EVERY}th file only (CORPORA_EVERY)"
# JOBS filters at a time, as Postfix runs several (maxproc).
while IFS= read -r f; do
	e=
	case $f in
	*/mime-is-broken/*)
		grep -aqi '^X-Payload-Id:.*valid(' "$f" && e=hidden ;;
	esac
	deliver "$f" "$e" "${f#"$C"/}" &
	throttle
done <"$T/list"
wait
echo "# MIME corpora: $(wc -l <"$T/list") files delivered in $(($(date +%s) - T0)) s"
check_runs

# ---- OpenPGP: every file of the interoperability suite, wrapped ------------
T1=$(date +%s)
mkdir "$T/wrap"
$PY wrap "$P" "$T/wrap" | awk -v n="$EVERY" '(NR - 1) % n == 0' \
    >"$T/wrapped"
while IFS="$(printf '\t')" read -r f label; do
	deliver "$f" "sig!=good,not-decrypted" "$label" &
	throttle
done <"$T/wrapped"
wait
echo "# OpenPGP suite: $(wc -l <"$T/wrapped") wrapped mails in $(($(date +%s) - T1)) s"

# ---- revoked keys are never good --------------------------------------------
# Alice's and Bob's secret keys sign and encrypt; the gateway holds their
# certificates, in one home with their revocations too.
gpghome_reporter "$R"
gpg_in "$R" --import "$P/certificates/alice-secret.pgp" \
    "$P/certificates/bob-secret.pgp" 2>/dev/null
gw_home "$T/g-ok" "$P/certificates/alice.pgp" "$P/certificates/bob.pgp" \
    "$P/revoked-key/revoked-key-cert-not-revoked.pgp" ||
    { echo "Bail out! gateway home"; exit 1; }
gw_home "$T/g-rev" "$P/certificates/alice.pgp" \
    "$P/certificates/alice-revocation.pgp" "$P/certificates/bob.pgp" \
    "$P/certificates/bob-revocation.pgp" ||
    { echo "Bail out! gateway home"; exit 1; }

# signed_mails HOME EXPECT - Alice and Bob sign (and encrypt) four ways
signed_mails() {
	for who in alice bob; do
		a=$who@openpgp.example
		for how in inline-signed mime-signed mime-encrypted \
		    inline-encrypted; do
			m=$T/$who-$how-${1##*/}.eml
			case $how in
			inline-signed)
				{
					mail_head "$a" security@example.test "$how"
					printf 'Content-Type: text/plain\n\n'
					echo "report by $who" | pgp_clearsign "$R" "$a"
				} >"$m" ;;
			mime-signed)
				echo "report by $who" | pgp_mime_signed "$R" \
				    "$a" security@example.test "$how" "$a" \
				    >"$m" ;;
			mime-encrypted)
				echo "report by $who" | pgp_mime_encrypted "$R" \
				    "$a" security@example.test "$how" \
				    "$TEST_GATEWAY_FPR" "$a" >"$m" ;;
			inline-encrypted)
				{
					mail_head "$a" security@example.test "$how"
					printf 'Content-Type: text/plain\n\n'
					echo "report by $who" |
					    pgp_encrypt "$R" "$TEST_GATEWAY_FPR" "$a"
				} >"$m" ;;
			esac
			deliver "$m" "$2" "$who $how, ${1##*/}: $2" "$a"
		done
	done
}
use_home "$T/g-ok"
signed_mails "$T/g-ok" sig=good
use_home "$T/g-rev"
signed_mails "$T/g-rev" "sig!=good,sig=revoked-key"

# The suite's revoked-key vectors: juliet@example.org's key, revoked for
# every reason there is, primary key (.pgp) or signing subkey (.sk.pgp);
# signatures made before, across and after the revocation by the primary
# key (sig-*.pgp) or the subkey (sig-*.sk.pgp), over "Hello, World", in
# multipart/signed whose signed part is exactly those bytes. A revoked
# primary key makes every signature not good; a revoked subkey its own.
# Control: the unrevoked certificate (in g-ok) makes them good.
J=juliet@example.org
use_home "$T/g-ok"
for s in t1-t2 t3-now t1-t2.sk t3-now.sk; do
	m=$T/juliet-ok-$s.eml
	$PY mail "$m" "$J" "not revoked $s" mime-signed-raw \
	    "$P/revoked-key/revoked-key-sig-$s.pgp"
	deliver "$m" sig=good "juliet, not revoked, signature $s: good" "$J"
done
n=0
for cert in "$P"/revoked-key/revoked-key-cert-revoked-*.pgp; do
	n=$((n + 1))
	c=${cert##*/revoked-key-cert-}
	gw_home "$T/g-j$n" "$cert" || { echo "Bail out! gateway home"; exit 1; }
	use_home "$T/g-j$n"
	case $c in
	*.sk.pgp) sigs="t0.sk t1-t2.sk t2-t3.sk t3-now.sk" ;;
	*) sigs="t0 t1-t2 t2-t3 t3-now t0.sk t1-t2.sk t2-t3.sk t3-now.sk" ;;
	esac
	for s in $sigs; do
		m=$T/juliet-$n-$s.eml
		$PY mail "$m" "$J" "$c $s" mime-signed-raw \
		    "$P/revoked-key/revoked-key-sig-$s.pgp"
		deliver "$m" "sig!=good" \
		    "juliet, $c, signature $s: never good" "$J"
	done
	$RUN_AS gpgconf --homedir "$T/g-j$n" --kill all >/dev/null 2>&1
done

# ---- SHA-1 collision signatures are weak-hash ----------------------------
# shattered-1.pdf and shattered-2.pdf collide in SHA-1; Bob's signatures
# over them (and the baseline) are SHA-1. The pair is first shown to be the
# real thing: a gpg without weak-digest calls the signature over document 1
# good over document 2.
S=$P/messages
mkdir -m 700 "$T/g-lax"
HOMES="$HOMES $T/g-lax"
gpg_in "$T/g-lax" --import "$P/certificates/bob.pgp" 2>/dev/null
gpg_in "$T/g-lax" --status-fd 1 --verify "$S/shattered-1.pdf.asc" \
    "$S/shattered-2.pdf" 2>/dev/null | grep -q '^\[GNUPG:\] GOODSIG '
tap_ok $? "SHA-1 collision: without weak-digest, gpg calls Bob's signature \
of shattered-1.pdf good over shattered-2.pdf"
use_home "$T/g-ok"
B=bob@openpgp.example
for pair in "1 1" "2 2" "2 1" "1 baseline"; do
	set -- $pair
	sig=$S/shattered-$2.pdf.asc
	[ "$2" = baseline ] && sig=$S/shattered-baseline.asc
	m=$T/shattered-$1-$2.eml
	$PY mail "$m" "$B" "shattered $1 $2" mime-signed-pdf \
	    "$S/shattered-$1.pdf" "$sig"
	deliver "$m" sig=weak-hash \
	    "PGP/MIME: shattered-$1.pdf signed by ${sig##*/}: weak-hash" "$B"
	m=$T/shattered-inline-$2-$1.eml
	$PY mail "$m" "$B" "shattered inline $1 $2" inline-signed "$sig"
	deliver "$m" sig=weak-hash "inline: ${sig##*/}: weak-hash" "$B"
done
echo "# OpenPGP checks: $(wc -l <"$T/runs") more mails in $(($(date +%s) - T1)) s"
check_runs

# ---- 16384- and 32768-bit RSA keys are refused at import -------------------
# pgp_import_key() with the default limits, as for a key arriving in mail.
# The suite's files are bare secret key packets without a user ID: refused
# as they are. The 16384-bit one made a proper certificate (a user ID and
# a self-signature, made here with the key) is refused for its length;
# gpg cannot even read a 32768-bit number (its limit is 16384 bits).
# Control: Alice's suite certificate imports.
$RUN_AS gpgconf --homedir "$T/g-ok" --kill all >/dev/null 2>&1
cp -a "$T/g-ok" "$T/g-imp"
HOMES="$HOMES $T/g-imp"
cp "$top_builddir/tests/lib/import-key" "$T/bin/"
$PY certify "$P/rsa-keys/16k.pgp" "RSA 16384 <rsa16k@example.test>" \
    "$T/16k-cert.pgp"
gpg --with-colons --show-keys "$T/16k-cert.pgp" 2>/dev/null |
    grep -q '^pub:[^:]*:16384:1:5DD4AA21E09A8B63:'
tap_ok $? "the 16384-bit key made a certificate: gpg reads it as one"
import_key() {
	$RUN_AS ${VG:-} "$T/bin/import-key" "$T/g-imp" "$1" 2>&1
}
for k in 16k 32k; do
	out=$(import_key "$P/rsa-keys/$k.pgp")
	case $out in
	"refused=none "* | *"nfpr=0"*[A-F0-9]*) ok=1 ;;
	"refused="*" nfpr=0") ok=0 ;;
	*) ok=1 ;;
	esac
	tap_ok $ok "import of rsa-keys/$k.pgp refused ($out)"
done
is "$(import_key "$T/16k-cert.pgp")" "refused=key-too-large nfpr=0" \
    "import of the 16384-bit certificate: key-too-large"
is "$(import_key "$P/certificates/alice.pgp")" \
    "refused=none nfpr=1 EB85BB5FA33A75E15E944E63F231550C4F47E38E" \
    "import of certificates/alice.pgp (control): imported"
$RUN_AS gpg --homedir "$T/g-imp" --batch --list-keys 5DD4AA21E09A8B63 \
    >/dev/null 2>&1
is "$?" 2 "the 16384-bit key is not in the keyring afterwards"

check "the filter printed nothing" test ! -s "$T/filter.out"
echo "# test-corpora: $(($(date +%s) - T0)) s in all"
tap_done
