#!/bin/sh
# NAME
#	generate.sh - make the demo and test OpenPGP keys in keys/
# DESCRIPTION
#	Run once by a developer; its output is committed so that tests never
#	wait for key generation. Every key here is a DEMO or TEST key with no
#	passphrase: never use one in production (see keys/README).
#
#	  sh keys/generate.sh		(from the top of the source tree)
#
#	Writes keys/*.asc, keys/FINGERPRINTS (sourceable by sh) and the
#	decompression-bomb regression sample tests/data/bzip2-bomb-1g.asc,
#	which is encrypted to the test gateway key and so must be remade with
#	it. Needs gpg 2.2 (ed25519/cv25519) and about a minute.
#
#	Keys are made with a creation date of 2025-01-01 (--faked-system-time)
#	so that a machine whose clock is a little behind never sees a key
#	"created in the future"; the expired key is made in 2020.
# SECURITY
#	Works in a scratch GNUPGHOME under mktemp -d, removed at the end; the
#	caller's own keyrings are never touched.
set -eu

KEYTIME=20250101T000000!

top=$(cd "$(dirname "$0")/.." && pwd)
keys=$top/keys
data=$top/tests/data
scratch=$(mktemp -d /tmp/psirt-keygen.XXXXXX)
trap 'gpgconf --homedir "$scratch/h" --kill all >/dev/null 2>&1 || :;
    rm -rf "$scratch"' EXIT INT TERM

# A key is created in its own home so its secret export holds just it.
newhome() {
	GNUPGHOME=$scratch/$1
	export GNUPGHOME
	mkdir -m 700 "$GNUPGHOME"
	printf 'trust-model always\n' >"$GNUPGHOME/gpg.conf"
}

G() {
	gpg --batch --quiet --no-tty --pinentry-mode loopback --passphrase '' \
	    --faked-system-time "$KEYTIME" "$@"
}

# primary_fpr EMAIL - fingerprint of the primary key in the current home
primary_fpr() {
	gpg --batch --with-colons --list-keys -- "<$1>" |
	    awk -F: '$1 == "fpr" { print $10; exit }'
}

# subkey_fpr EMAIL USAGE - fingerprint of the (last) subkey with that usage
subkey_fpr() {
	gpg --batch --with-colons --list-keys -- "<$1>" | awk -F: -v u="$2" '
	    $1 == "sub" { want = index($12, u) > 0; next }
	    $1 == "pub" { want = 0; next }
	    $1 == "fpr" && want { f = $10 }
	    END { print f }'
}

finish() {
	# finish NAME - export public and secret key as keys/NAME.{pub,sec}.asc
	gpg --batch --armor --export \
	    >"$keys/$1.pub.asc"
	G --armor --export-secret-keys >"$keys/$1.sec.asc"
	gpgconf --kill all >/dev/null 2>&1 || :
}

fp=$keys/FINGERPRINTS.new
: >"$fp"

# gateway NAME UID VAR - primary ed25519 (sign, cert) + cv25519 encr
gateway() {
	newhome "$1"
	G --quick-gen-key "$2" ed25519 sign never
	f=$(primary_fpr "$(printf '%s' "$2" | sed 's/.*<\(.*\)>.*/\1/')")
	G --quick-add-key "$f" cv25519 encr never
	printf '%s_FPR=%s\n' "$3" "$f" >>"$fp"
	finish "$1"
}

gateway demo-gateway 'PSIRT demo gateway (DEMO KEY) <security@example.test>' \
    DEMO_GATEWAY
gateway test-gateway 'PSIRT test gateway (TEST KEY) <gateway@example.test>' \
    TEST_GATEWAY

# The README demo's reporter: contrib/demo.sh signs its sample report with
# it (the From of that report is its user ID) and encrypts to demo-gateway.
newhome demo-reporter
G --quick-gen-key 'Jane Researcher (DEMO KEY) <researcher@example.net>' \
    ed25519 sign never
f=$(primary_fpr researcher@example.net)
G --quick-add-key "$f" cv25519 encr never
printf 'DEMO_REPORTER_FPR=%s\n' "$f" >>"$fp"
finish demo-reporter

# Alice: primary signs/certifies, a separate signing subkey and an
# encryption subkey, a second UID, and a revoked UID.
newhome test-alice
G --quick-gen-key 'Alice Reporter (TEST KEY) <alice@example.test>' ed25519 \
    sign never
f=$(primary_fpr alice@example.test)
G --quick-add-key "$f" ed25519 sign never
G --quick-add-key "$f" cv25519 encr never
G --quick-add-uid "$f" 'Alice at old job (TEST KEY) <alice@old.example.test>'
G --quick-add-uid "$f" 'Alice revoked UID (TEST KEY) <alice@gone.example.test>'
KEYTIME=20250102T000000!
G --quick-revoke-uid "$f" \
    'Alice revoked UID (TEST KEY) <alice@gone.example.test>'
KEYTIME=20250101T000000!
{
	printf 'ALICE_FPR=%s\n' "$f"
	printf 'ALICE_SIGN_SUBKEY_FPR=%s\n' "$(subkey_fpr alice@example.test s)"
	printf 'ALICE_ENCR_SUBKEY_FPR=%s\n' "$(subkey_fpr alice@example.test e)"
} >>"$fp"
finish test-alice

# Expired: made on 2020-01-01, valid one year. Signatures for the tests are
# made with --faked-system-time inside that year.
newhome test-expired
KEYTIME=20200101T000000!
G --quick-gen-key 'Expired Reporter (TEST KEY) <expired@example.test>' \
    ed25519 sign 1y
f=$(G --with-colons --list-keys '<expired@example.test>' |
    awk -F: '$1 == "fpr" { print $10; exit }')
G --quick-add-key "$f" cv25519 encr 1y
printf 'EXPIRED_FPR=%s\n' "$f" >>"$fp"
finish test-expired
KEYTIME=20250101T000000!

# Revoked: the secret export is taken before the revocation (so the tests
# can still sign with it); the public export carries the revocation.
newhome test-revoked
G --quick-gen-key 'Revoked Reporter (TEST KEY) <revoked@example.test>' \
    ed25519 sign never
f=$(primary_fpr revoked@example.test)
G --quick-add-key "$f" cv25519 encr never
printf 'REVOKED_FPR=%s\n' "$f" >>"$fp"
G --armor --export-secret-keys >"$keys/test-revoked.sec.asc"
sed 's/^:-----BEGIN/-----BEGIN/' "$GNUPGHOME/openpgp-revocs.d/$f.rev" |
    G --import
gpg --batch --armor --export \
    >"$keys/test-revoked.pub.asc"
gpgconf --kill all >/dev/null 2>&1 || :

# Stranger: the gateway holds neither its public nor its secret key
# (failed-no-key when mail is encrypted to it, unknown-key when it signs).
newhome test-stranger
G --quick-gen-key 'Stranger (TEST KEY) <stranger@example.test>' ed25519 \
    sign never
f=$(primary_fpr stranger@example.test)
G --quick-add-key "$f" cv25519 encr never
printf 'STRANGER_FPR=%s\n' "$f" >>"$fp"
printf 'STRANGER_ENCR_SUBKEY_FPR=%s\n' \
    "$(subkey_fpr stranger@example.test e)" >>"$fp"
finish test-stranger

# RSA: can make SHA-1 signatures (weak-hash).
newhome test-rsa
G --quick-gen-key 'RSA Reporter (TEST KEY) <rsa@example.test>' rsa2048 \
    sign never
f=$(primary_fpr rsa@example.test)
G --quick-add-key "$f" rsa2048 encr never
printf 'RSA_FPR=%s\n' "$f" >>"$fp"
finish test-rsa

mv "$fp" "$keys/FINGERPRINTS"

# The 1 GiB bzip2 bomb (about 1.5 KB armored), encrypted to the test gateway.
newhome bomb
gpg --batch --quiet --import "$keys/test-gateway.pub.asc"
. "$keys/FINGERPRINTS"
mkdir -p "$data"
head -c 1073741824 /dev/zero |
    gpg --batch --quiet --trust-model always --armor --encrypt \
	--recipient "$TEST_GATEWAY_FPR" --compress-algo bzip2 \
	--compress-level 9 --set-filename zeros >"$data/bzip2-bomb-1g.asc"
gpgconf --kill all >/dev/null 2>&1 || :
echo "keys written to $keys, bomb to $data/bzip2-bomb-1g.asc"
