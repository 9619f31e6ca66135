# NAME
#	gpghome.sh - hermetic GnuPG homes and PGP/MIME test data for the tests
# SYNOPSIS
#	. "$top_srcdir/tests/lib/gpghome.sh"
#	gpghome_gateway DIR [MAX_DECRYPTED_SIZE [demo]]
#	gpghome_harden DIR MAX_DECRYPTED_SIZE	(psirt-filter --init)
#	gpghome_reporter DIR
#	gpghome_kill DIR
#	gpg_in DIR ARGS...			(gpg in that home, batch)
#	pgp_encrypt DIR RECIPIENT [SIGNER]	< plain > armored
#	pgp_sign_detached DIR SIGNER		< data > armored signature
#	pgp_clearsign DIR SIGNER		< text > cleartext-signed
#	pgp_mime_encrypted DIR FROM TO SUBJECT RECIPIENT [SIGNER] < body
#	pgp_mime_signed DIR FROM TO SUBJECT SIGNER < body
#	pgp_key_block DIR FPR			(armored public key)
# DESCRIPTION
#	A test never touches ~/.gnupg. gpghome_gateway makes the gateway's home
#	as psirt-filter expects it: the test (or, with "demo", the demo)
#	gateway secret key, the public keys of the reporters Alice, Expired,
#	Revoked and RSA (never Stranger), and the hardened gpg.conf and
#	gpg-agent.conf of DESIGN.md "Isolation", written by gpghome_harden:
#	"psirt-filter --init" (pgp_write_gpg_conf(), the one place that
#	holds their text) of $GPGHOME_FILTER, by default the psirt-filter of
#	$top_builddir. gpghome_reporter makes the other side: the
#	reporters' secret keys (Revoked's from before its revocation) and both
#	gateways' public keys, to make encrypted and signed mail with the real
#	gpg. After sourcing, the fingerprints of keys/FINGERPRINTS are set
#	(ALICE_FPR, TEST_GATEWAY_FPR, ...).
#
#	Homes are mode 0700 and must have short paths (the agent socket lives
#	in them): use mktemp -d under /tmp. Call gpghome_kill on each home when
#	done so no gpg-agent outlives the test.
#
#	Every key here is a test key: see keys/README.

: "${top_srcdir:=$(cd "$(dirname "${0}")/../.." 2>/dev/null && pwd)}"
GPGHOME_KEYS=${GPGHOME_KEYS:-$top_srcdir/keys}
GPGHOME_GPG=${GPGHOME_GPG:-gpg}
. "$GPGHOME_KEYS/FINGERPRINTS"

GPGHOME_FILTER=${GPGHOME_FILTER:-${top_builddir:-$top_srcdir}/psirt-filter}

# gpghome_harden DIR MAX_DECRYPTED_SIZE - the hardened gpg.conf and
# gpg-agent.conf in DIR, written by psirt-filter --init from a psirt.conf
# naming only these two keys, as the owner of DIR (--init refuses a home
# of another user; root switches to the owner, who must be able to run
# $GPGHOME_FILTER)
gpghome_harden() {
	_as=""
	if [ "$(id -u)" -eq 0 ] && [ "$(stat -c %u "$1")" -ne 0 ]; then
		_as="setpriv --reuid=$(stat -c %u "$1") --regid=$(stat -c %g "$1")"
		_as="$_as --clear-groups --"
	fi
	_conf=$(mktemp /tmp/psirt-gpghome.XXXXXX) || return 1
	chmod 644 "$_conf"
	printf 'gnupg_home = %s\nmax_decrypted_size = %s\n' "$1" "$2" \
	    >"$_conf"
	$_as "$GPGHOME_FILTER" -c "$_conf" --init >/dev/null
	_rc=$?
	rm -f "$_conf"
	return $_rc
}

# gpg_in DIR ARGS... - run gpg in the home DIR, quietly, in batch mode
gpg_in() {
	_h=$1
	shift
	"$GPGHOME_GPG" --homedir "$_h" --batch --quiet --no-tty \
	    --pinentry-mode loopback --passphrase '' "$@"
}

# gpghome_gateway DIR [MAX_DECRYPTED_SIZE [demo]] - the gateway's home
gpghome_gateway() {
	_max=${2:-104857600}
	_gw=test-gateway
	[ "${3:-}" = demo ] && _gw=demo-gateway
	mkdir -p -m 700 "$1" || return 1
	chmod 700 "$1"
	gpg_in "$1" --import "$GPGHOME_KEYS/$_gw.sec.asc" \
	    "$GPGHOME_KEYS/test-alice.pub.asc" \
	    "$GPGHOME_KEYS/test-expired.pub.asc" \
	    "$GPGHOME_KEYS/test-revoked.pub.asc" \
	    "$GPGHOME_KEYS/test-rsa.pub.asc" 2>/dev/null || return 1
	# The hardened files come last (the agent then refuses loopback
	# pinentry, which the import above uses), and the agent that the
	# import started is stopped so the next one reads them.
	gpghome_kill "$1"
	gpghome_harden "$1" "$_max"
}

# gpghome_reporter DIR - the reporters' home: their secret keys
gpghome_reporter() {
	mkdir -p -m 700 "$1" || return 1
	chmod 700 "$1"
	printf 'trust-model always\nno-auto-key-retrieve\ndisable-dirmngr\n' \
	    >"$1/gpg.conf"
	gpg_in "$1" --import "$GPGHOME_KEYS/test-gateway.pub.asc" \
	    "$GPGHOME_KEYS/demo-gateway.pub.asc" \
	    "$GPGHOME_KEYS/test-alice.sec.asc" \
	    "$GPGHOME_KEYS/test-expired.sec.asc" \
	    "$GPGHOME_KEYS/test-revoked.sec.asc" \
	    "$GPGHOME_KEYS/test-rsa.sec.asc" \
	    "$GPGHOME_KEYS/test-stranger.sec.asc" 2>/dev/null
}

# gpghome_kill DIR - stop the agent of a home (ignore errors)
gpghome_kill() {
	gpgconf --homedir "$1" --kill all >/dev/null 2>&1 || :
}

# pgp_encrypt DIR RECIPIENT [SIGNER] - armored encrypted (and signed) data
pgp_encrypt() {
	if [ -n "${3:-}" ]; then
		gpg_in "$1" --armor --sign --local-user "$3" --encrypt \
		    --recipient "$2"
	else
		gpg_in "$1" --armor --encrypt --recipient "$2"
	fi
}

# pgp_sign_detached DIR SIGNER - armored detached signature of stdin
# ($PGP_DIGEST, e.g. SHA1, chooses the digest)
pgp_sign_detached() {
	gpg_in "$1" --armor --local-user "$2" \
	    ${PGP_DIGEST:+--digest-algo "$PGP_DIGEST"} --detach-sign
}

# pgp_clearsign DIR SIGNER - cleartext-signed stdin
pgp_clearsign() {
	gpg_in "$1" --local-user "$2" --clearsign
}

# pgp_key_block DIR FPR - armored public key
pgp_key_block() {
	gpg_in "$1" --armor --export "$2"
}

# mail_head FROM TO SUBJECT - the outer header lines (no blank line)
mail_head() {
	printf 'From: %s\nTo: %s\nSubject: %s\n' "$1" "$2" "$3"
	printf 'Date: Thu, 01 Jan 2026 00:00:00 +0000\n'
	printf 'Message-ID: <%s.%s@test.example.test>\n' "$$" \
	    "$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
	printf 'MIME-Version: 1.0\n'
}

# pgp_mime_encrypted DIR FROM TO SUBJECT RECIPIENT [SIGNER] - RFC 3156
# encrypted mail on stdout; stdin is the body, a text/plain inner part
pgp_mime_encrypted() {
	_b=enc-$$-boundary
	mail_head "$2" "$3" "$4"
	printf 'Content-Type: multipart/encrypted; '
	printf 'protocol="application/pgp-encrypted";\n boundary="%s"\n\n' "$_b"
	printf -- '--%s\nContent-Type: application/pgp-encrypted\n\n' "$_b"
	printf 'Version: 1\n\n'
	printf -- '--%s\nContent-Type: application/octet-stream\n\n' "$_b"
	{
		printf 'Content-Type: text/plain; charset=utf-8\n\n'
		cat
	} | pgp_encrypt "$1" "$5" "${6:-}" || return 1
	printf -- '\n--%s--\n' "$_b"
}

# pgp_mime_signed DIR FROM TO SUBJECT SIGNER - RFC 3156 signed mail on
# stdout; stdin is the body. The mail has LF line ends (as Postfix hands it
# over); the signature covers the canonical CRLF form of the signed part.
pgp_mime_signed() {
	_b=sig-$$-boundary
	_d=${PGP_DIGEST:-SHA512}
	_t=$(mktemp) || return 1
	{
		printf 'Content-Type: text/plain; charset=utf-8\n\n'
		cat
	} >"$_t"
	mail_head "$2" "$3" "$4"
	printf 'Content-Type: multipart/signed; micalg=pgp-%s;\n' \
	    "$(printf '%s' "$_d" | tr 'A-Z' 'a-z')"
	printf ' protocol="application/pgp-signature";\n'
	printf ' boundary="%s"\n\n' "$_b"
	printf -- '--%s\n' "$_b"
	cat "$_t"
	printf '\n--%s\nContent-Type: application/pgp-signature\n\n' "$_b"
	sed 's/$/\r/' "$_t" | PGP_DIGEST=$_d pgp_sign_detached "$1" "$5" ||
	    { rm -f "$_t"; return 1; }
	printf -- '\n--%s--\n' "$_b"
	rm -f "$_t"
}

# pgp_test_homes [MAX_DECRYPTED_SIZE] - for an e2e test, after
# psirt_env_init: the gateway's home $T/gnupg (as psirt.conf names it,
# owned by the user the filter runs as) and the reporters' home $R; both
# agents are stopped and $R removed at exit. Bails out if gpg fails.
pgp_test_homes() {
	R=$(mktemp -d /tmp/psirt-rep.XXXXXX)
	trap pgp_test_cleanup EXIT
	GPGHOME_FILTER=$T/bin/psirt-filter
	gpghome_gateway "$T/gnupg" "${1:-104857600}" ||
	    { echo "Bail out! gateway home"; exit 1; }
	gpghome_reporter "$R" || { echo "Bail out! reporter home"; exit 1; }
	[ -n "$RUN_AS" ] && chown -R "$TEST_USER:" "$T/gnupg"
	return 0
}

# pgp_test_cleanup - stop both homes' agents (as the user that runs them)
pgp_test_cleanup() {
	$RUN_AS gpgconf --homedir "$T/gnupg" --kill all >/dev/null 2>&1 || :
	gpghome_kill "$R"
	rm -rf "$R"
	psirt_env_cleanup
}
