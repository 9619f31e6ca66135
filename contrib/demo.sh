#!/bin/sh
# demo.sh BUILDDIR - a demo gateway in a scratch directory: the demo gateway
# key from keys/ in a hardened GnuPG home, a config, an empty queue; then a
# sample report, signed by the demo reporter key (keys/demo-reporter) and
# encrypted to the demo gateway key as PGP/MIME (RFC 3156), made now with
# the real gpg, goes through psirt-filter exactly as Postfix's pipe(8)
# calls it (as the unprivileged user psirt, -f sender -- recipient, mail on
# stdin); then psirt list and psirt show of the new case, whose signature
# is good and whose signer is the demo reporter's primary key.
#
# Every key used here is a DEMO key (keys/README): never use them for
# anything real. The reporter's scratch GnuPG home is removed at the end
# and no gpg-agent is left running.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
demo=${PSIRT_DEMO_DIR:-/tmp/psirt-demo}
user=psirt

# The helpers that build GnuPG homes for the tests, on the keys in keys/.
top_srcdir=$top
. "$top/tests/lib/gpghome.sh"

if [ "$(id -u)" -eq 0 ]; then
	id -u "$user" >/dev/null 2>&1 ||
	    useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
	as_user="setpriv --reuid=$user --regid=$user --clear-groups --"
else
	user=$(id -un)
	as_user=""
fi
[ -d "$demo/gnupg" ] &&
    $as_user gpgconf --homedir "$demo/gnupg" --kill all >/dev/null 2>&1 || :
rm -rf "$demo"
mkdir -p "$demo/bin" "$demo/raw" "$demo/gnupg" "$demo/templates" \
    "$demo/outbox"
chmod 755 "$demo"
chmod 700 "$demo/gnupg"
chmod 1777 "$demo/outbox"
cp "$build/psirt-filter" "$build/psirt" "$demo/bin/"
cp "$top"/etc/templates/*.txt "$demo/templates/"
# The demo's sendmail keeps each acknowledgement in outbox/ instead.
cat >"$demo/bin/sendmail" <<'SENDMAIL'
#!/bin/sh
cat >"$(dirname "$0")/../outbox/ack-$$.eml"
SENDMAIL
chmod 755 "$demo/bin/sendmail"
cat >"$demo/psirt.conf" <<CONF
# demo configuration (see psirt.conf(5))
case_prefix = PSIRT
database = $demo/queue.db
spool_dir = $demo/raw
gnupg_home = $demo/gnupg
gateway_address = security@example.test
template_dir = $demo/templates
sendmail_command = $demo/bin/sendmail
CONF

# The gateway's home: its secret key, the reporter's public key, and the
# hardened gpg.conf and gpg-agent.conf of DESIGN.md "Isolation", which
# psirt-filter --init writes as the gateway user.
gpg_in "$demo/gnupg" --import "$top/keys/demo-gateway.sec.asc" \
    "$top/keys/demo-reporter.pub.asc" 2>/dev/null
gpghome_kill "$demo/gnupg"
if [ "$(id -u)" -eq 0 ]; then
	chown -R "$user:" "$demo/raw" "$demo/gnupg"
	chown "$user:" "$demo"
fi
$as_user "$demo/bin/psirt-filter" -c "$demo/psirt.conf" --init

# The reporter's side, in a scratch home: her secret key, our public key.
rep=$(mktemp -d /tmp/psirt-demo-rep.XXXXXX)
trap 'gpghome_kill "$rep"; rm -rf "$rep"' EXIT
printf 'trust-model always\nno-auto-key-retrieve\ndisable-dirmngr\n' \
    >"$rep/gpg.conf"
gpg_in "$rep" --import "$top/keys/demo-reporter.sec.asc" \
    "$top/keys/demo-gateway.pub.asc" 2>/dev/null

{
	cat <<'HEAD'
Return-Path: <researcher@example.net>
From: Jane Researcher <researcher@example.net>
To: security@example.test
Subject: Stored XSS in the admin console
Date: Sun, 22 Nov 2026 10:00:00 +0000
Message-ID: <demo-report-1@example.net>
MIME-Version: 1.0
Content-Type: multipart/encrypted; protocol="application/pgp-encrypted";
 boundary="demo-encrypted"

--demo-encrypted
Content-Type: application/pgp-encrypted

Version: 1

--demo-encrypted
Content-Type: application/octet-stream; name="encrypted.asc"

HEAD
	cat <<'BODY' | gpg_in "$rep" --armor --sign --local-user \
	    "$DEMO_REPORTER_FPR" --encrypt --recipient "$DEMO_GATEWAY_FPR"
Content-Type: text/plain; charset=utf-8

Hello PSIRT,

the "display name" field of the admin console is rendered without
escaping. To reproduce: set your display name to
<script>alert(document.domain)</script> and open the user list as admin.

Regards, Jane
BODY
	printf '\n--demo-encrypted--\n'
} >"$demo/report.eml"

echo "== report.eml (signed by the demo reporter key, encrypted to the demo gateway)"
sed -n '1,20p' "$demo/report.eml"
echo "[...]"
echo
echo "== psirt-filter -f researcher@example.net -- security@example.test < report.eml"
rc=0
$as_user "$demo/bin/psirt-filter" -c "$demo/psirt.conf" \
    -f researcher@example.net -- security@example.test <"$demo/report.eml" ||
    rc=$?
echo "exit status $rc (0: stored; 75: Postfix would retry)"
echo
echo "== psirt list"
$as_user "$demo/bin/psirt" -c "$demo/psirt.conf" list
case_id=$($as_user "$demo/bin/psirt" -c "$demo/psirt.conf" list --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])')
echo
echo "== psirt show $case_id"
$as_user "$demo/bin/psirt" -c "$demo/psirt.conf" show "$case_id"
echo
$as_user "$demo/bin/psirt" -c "$demo/psirt.conf" show "$case_id" --json |
    python3 -c 'import json, sys
m = json.load(sys.stdin)["messages"][0]
print("encryption: %s" % m["encryption"])
print("signature: %s" % m["signature"])
print("signer fingerprint: %s" % m["signer_fingerprint"])'
echo "demo reporter key:  $DEMO_REPORTER_FPR (keys/FINGERPRINTS)"
echo
echo "== the acknowledgement the reporter receives (outbox/)"
ack=$(ls "$demo"/outbox/*.eml 2>/dev/null | head -1)
if [ -n "$ack" ]; then
	sed -n '/^Date:/,/^Content-Type/p' "$ack"
	echo "-- decrypted with the reporter's key:"
	sed -n '/^-----BEGIN PGP MESSAGE/,/^-----END PGP MESSAGE/p' "$ack" |
	    gpg_in "$rep" --decrypt 2>/dev/null |
	    python3 -c 'import email, sys
m = email.message_from_bytes(sys.stdin.buffer.read())
sys.stdout.write(m.get_payload(decode=True).decode("utf-8"))'
else
	echo "(none: see the log)"
fi
# The gateway's gpg-agent (started by psirt-filter) is not left running.
$as_user gpgconf --homedir "$demo/gnupg" --kill all >/dev/null 2>&1 || :
[ "$rc" -eq 0 ]
