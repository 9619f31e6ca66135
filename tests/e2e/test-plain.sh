#!/bin/sh
# test-plain - plain (unencrypted) mail from Postfix to the queue: decoding,
# sanitizing, attachments, the raw copy, the log line; broken input stored.
. "$top_srcdir/tests/lib/env.sh"
. "$top_srcdir/tests/lib/mkmail.sh"

psirt_env_init

# deliver NAME FILE - run the filter on FILE; pass if it exits 0
deliver() {
	run_filter reporter@example.test <"$2"
	is "$?" 0 "$1: exit 0"
}

# last_case_json - show --json of the newest case
last_case_json() {
	_id=$(run_psirt list --json | json_get 'j[-1]["id"]')
	run_psirt show "$_id" --json
}

# A simple report: stored, raw copy named by its SHA-256, the log line.
mail_plain alice@example.test "XSS in login form" "Steps to reproduce." \
    plain-1@example.test >"$T/m"
deliver "simple report" "$T/m"
sha=$(sha256sum <"$T/m" | cut -d' ' -f1)
check "raw copy spooled under its SHA-256" cmp -s "$T/m" "$T/spool/$sha"
last_case_json >"$T/j"
year=$(date -u +%Y)
is "$(json_get 'j["id"]' <"$T/j")" "PSIRT-$year-0001" "case id PREFIX-YYYY-NNNN"
is "$(json_get 'j["messages"][0]["raw_sha256"]' <"$T/j")" "$sha" "raw_sha256 stored"
is "$(json_get 'j["messages"][0]["subject"]' <"$T/j")" "XSS in login form" "subject"
is "$(json_get 'j["messages"][0]["message_id"]' <"$T/j")" "plain-1@example.test" "message id"
is "$(json_get 'j["messages"][0]["envelope_sender"]' <"$T/j")" "reporter@example.test" "envelope sender"
is "$(json_get 'j["messages"][0]["processing"]' <"$T/j")" "stored" "processing stored"
is "$(json_get 'j["messages"][0]["encryption"]+","+j["messages"][0]["signature"]' <"$T/j")" \
    "none,none" "encryption and signature none"
body=$(json_get 'j["messages"][0]["body"]' <"$T/j")
case "$body" in *"Steps to reproduce."*) tap_ok 0 "body text" ;; *) tap_ok 1 "body text" ;; esac
check "Postfix-shaped log line" grep -Eq \
    "psirt-filter\[[0-9]+\]: PSIRT-$year-0001: from=<reporter@example.test>, size=[0-9]+, message-id=<plain-1@example.test>, enc=none, sig=none, status=stored" \
    "$T/log"

# RFC 2047: an encoded CR/LF in the subject must not create a header.
cat >"$T/m" <<'M'
From: mallory@example.test
Subject: =?utf-8?q?hello=0D=0ABcc:_victim@example.test?=
Message-ID: <crlf@example.test>

body
M
deliver "encoded CR/LF subject" "$T/m"
last_case_json >"$T/j"
subj=$(json_get 'repr(j["messages"][0]["subject"])' <"$T/j")
case "$subj" in
*\\n*|*\\r*) tap_ok 1 "encoded CR/LF removed from subject"; echo "# $subj" ;;
*hello*Bcc*) tap_ok 0 "encoded CR/LF removed from subject" ;;
*) tap_ok 1 "encoded CR/LF removed from subject"; echo "# $subj" ;;
esac
check "encoded CR/LF flagged" sh -c "grep -q encoded-newline '$T/j'"

# RFC 2047 Q and B words in other charsets, base64 latin1 body.
{
	printf 'From: =?iso-8859-1?q?J=F6rg?= <joerg@example.test>\n'
	printf 'Subject: =?utf-8?b?%s?=\n' "$(printf 'Überlauf im Parser' | base64)"
	printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=iso-8859-1\n'
	printf 'Content-Transfer-Encoding: base64\n\n'
	printf 'Gr\374\337e aus K\366ln\n' | base64
} >"$T/m"
deliver "RFC 2047 and base64 latin1" "$T/m"
last_case_json >"$T/j"
is "$(json_get 'j["messages"][0]["subject"]' <"$T/j")" "Überlauf im Parser" "RFC 2047 B subject decoded"
case "$(json_get 'j["messages"][0]["from"]' <"$T/j")" in
*Jörg*joerg@example.test*) tap_ok 0 "RFC 2047 Q display name decoded" ;;
*) tap_ok 1 "RFC 2047 Q display name decoded" ;;
esac
case "$(json_get 'j["messages"][0]["body"]' <"$T/j")" in
*"Grüße aus Köln"*) tap_ok 0 "latin1 base64 body converted to UTF-8" ;;
*) tap_ok 1 "latin1 base64 body converted to UTF-8" ;;
esac

# Quoted-printable body with ESC, bidi override and zero-width space.
{
	printf 'From: eve@example.test\nSubject: qp\nMIME-Version: 1.0\n'
	printf 'Content-Type: text/plain; charset=utf-8\n'
	printf 'Content-Transfer-Encoding: quoted-printable\n\n'
	printf 'clear=1B[2Jscreen =E2=80=AEreversed=E2=80=8Bzw caf=C3=A9\n'
} >"$T/m"
deliver "quoted-printable body" "$T/m"
last_case_json >"$T/j"
body=$(json_get 'j["messages"][0]["body"]' <"$T/j")
case "$body" in
*"$(printf '\033')"*) tap_ok 1 "ESC removed from body" ;;
*) tap_ok 0 "ESC removed from body" ;;
esac
case "$body" in
*"<U+202E>reversed<U+200B>zw café"*) tap_ok 0 "bidi and zero-width made visible, QP decoded" ;;
*) tap_ok 1 "bidi and zero-width made visible, QP decoded"; echo "# $body" ;;
esac

# HTML-only body: rendered to text, the HTML kept as an inert attachment.
{
	printf 'From: html@example.test\nSubject: html\nMIME-Version: 1.0\n'
	printf 'Content-Type: text/html; charset=utf-8\n\n'
	printf '<html><head><style>p{}</style><script>alert(1)</script></head>'
	printf '<body><p>Hello &amp; welcome</p></body></html>\n'
} >"$T/m"
deliver "HTML-only body" "$T/m"
last_case_json >"$T/j"
body=$(json_get 'j["messages"][0]["body"]' <"$T/j")
case "$body" in
*alert*|*"<p>"*) tap_ok 1 "HTML rendered to text without script"; echo "# $body" ;;
*"Hello & welcome"*) tap_ok 0 "HTML rendered to text without script" ;;
*) tap_ok 1 "HTML rendered to text without script"; echo "# $body" ;;
esac
is "$(json_get 'j["messages"][0]["attachments"][0]["type"]' <"$T/j")" "text/html" \
    "original HTML kept as an attachment"

# An attachment: sanitized name, declared type, size and SHA-256.
head -c 3000 /dev/urandom >"$T/blob"
asha=$(sha256sum <"$T/blob" | cut -d' ' -f1)
{
	printf 'From: att@example.test\nSubject: poc\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary="XX"\n\n--XX\n'
	printf 'Content-Type: text/plain\n\nsee attached\n--XX\n'
	printf 'Content-Type: application/octet-stream\n'
	printf 'Content-Disposition: attachment; filename="../../etc/\033[31mpoc.bin"\n'
	printf 'Content-Transfer-Encoding: base64\n\n'
	base64 <"$T/blob"
	printf -- '--XX--\n'
} >"$T/m"
deliver "attachment" "$T/m"
last_case_json >"$T/j"
is "$(json_get 'j["messages"][0]["attachments"][0]["sha256"]' <"$T/j")" "$asha" "attachment SHA-256"
is "$(json_get 'j["messages"][0]["attachments"][0]["size"]' <"$T/j")" 3000 "attachment size"
is "$(json_get 'j["messages"][0]["attachments"][0]["type"]' <"$T/j")" \
    "application/octet-stream" "attachment declared type"
name=$(json_get 'j["messages"][0]["attachments"][0]["name"]' <"$T/j")
case "$name" in
*/*|*"$(printf '\033')"*) tap_ok 1 "attachment name sanitized"; echo "# $name" ;;
*poc.bin) tap_ok 0 "attachment name sanitized" ;;
*) tap_ok 1 "attachment name sanitized"; echo "# $name" ;;
esac

# Broken input is stored, never refused.
printf '' >"$T/m"
deliver "empty message" "$T/m"
printf 'just a line of text without any header\nand another\n' >"$T/m"
deliver "message without headers" "$T/m"
last_case_json >"$T/j"
case "$(json_get 'j["messages"][0]["body"]' <"$T/j")" in
*"and another"*) tap_ok 0 "headerless message: text kept" ;;
*) tap_ok 1 "headerless message: text kept" ;;
esac
printf 'From: nul@example.test\nSubject: a\000b\n\nbody\000with NUL\n' >"$T/m"
deliver "NUL bytes" "$T/m"
printf 'From: 8bit@example.test\nSubject: caf\351 \377\376 \303\251t\303\251\n\nbody\n' >"$T/m"
deliver "8-bit headers" "$T/m"
last_case_json >"$T/j"
subj=$(json_get 'j["messages"][0]["subject"]' <"$T/j")
case "$subj" in
*"été"*"�"*|*"�"*"été"*) tap_ok 0 "8-bit header: UTF-8 kept, invalid bytes U+FFFD" ;;
*) tap_ok 1 "8-bit header: UTF-8 kept, invalid bytes U+FFFD"; echo "# $subj" ;;
esac
printf 'From: mb@example.test\nSubject: nb\nMIME-Version: 1.0\nContent-Type: multipart/mixed\n\n--x\n\ntext\n--x--\n' >"$T/m"
deliver "multipart without boundary" "$T/m"
last_case_json >"$T/j"
is "$(json_get 'j["messages"][0]["processing"]' <"$T/j")" stored "missing boundary: stored"
is "$(case_count)" 11 "every message became a case"
check "the filter printed nothing on stdout or stderr" test ! -s "$T/filter.out"
tap_done
