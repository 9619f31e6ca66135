# mkmail.sh - generate test mails at test time (sourced)
#
# Every function prints one RFC 5322 message on stdout, LF line endings as
# Postfix's pipe(8) delivers them.

# mail_plain FROM SUBJECT BODY [MESSAGE-ID]
mail_plain() {
	printf 'Return-Path: <%s>\nFrom: %s\nTo: security@example.test\n' "$1" "$1"
	printf 'Subject: %s\nDate: Sun, 22 Nov 2026 10:00:00 +0000\n' "$2"
	printf 'Message-ID: <%s>\nMIME-Version: 1.0\n' "${4:-$(mail_id)}"
	printf 'Content-Type: text/plain; charset=utf-8\n\n%s\n' "$3"
}

# mail_id - a fresh Message-ID
MAIL_ID_N=0
mail_id() {
	MAIL_ID_N=$((MAIL_ID_N + 1))
	printf '%s.%s.%s@test.example' "$$" "$(date +%s%N)" "$MAIL_ID_N"
}

# mail_nested N - N multipart levels nested in each other
mail_nested() {
	awk -v n="$1" 'BEGIN {
		print "From: deep@example.test\nSubject: nested\nMIME-Version: 1.0"
		for (i = 0; i < n; i++) {
			printf "Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n", i, i
		}
		print "Content-Type: text/plain\n\ninnermost"
		for (i = n - 1; i >= 0; i--)
			printf "--b%d--\n", i
	}'
}
