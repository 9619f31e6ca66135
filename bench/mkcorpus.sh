#!/bin/sh
# NAME
#	mkcorpus.sh - the make bench corpus, made with the real gpg
# SYNOPSIS
#	mkcorpus.sh OUTDIR REPORTER_HOME [SCALE]
# DESCRIPTION
#	Writes into OUTDIR (created) the messages of bench/README.md, as
#	Postfix's pipe(8) with flags=DRq hands them over (LF line ends,
#	Delivered-To and Return-Path on top), at full SCALE (default 1):
#
#	  small	200 PGP/MIME signed+encrypted reports, 3-8 KB each
#	  1mib	20 of them carrying a 1 MiB attachment
#	  10mib	5 of them carrying a 10 MiB attachment
#	  plain	50 plain text reports, 1-4 KB
#
#	SCALE (e.g. 0.1) multiplies every count, at least one message each.
#	The encrypted ones are signed by the test reporter Alice (her public
#	key is in the gateway's keyring, tests/lib/gpghome.sh) and encrypted
#	to the test gateway key; From and envelope sender are her address, so
#	the signature is good and an acknowledgement can be encrypted to her.
#	Attachments are random bytes (a packet capture or a zipped
#	proof of concept does not compress either).
#
#	OUTDIR/index has one line per message: "CLASS SIZE MAIL PAYLOAD
#	SENDER" (PAYLOAD, the armored OpenPGP message inside the mail, is "-"
#	for plain mail; file names are relative to OUTDIR). OUTDIR/warm.eml
#	is one more small report, never measured (the warm-up), and
#	OUTDIR/ack.txt an acknowledgement-sized MIME entity (about 1.5 KB)
#	for the floor's sign+encrypt.
#
#	REPORTER_HOME is a home made by gpghome_reporter.
# SECURITY
#	Test keys only (keys/README); nothing outside OUTDIR is written.
set -eu
: "${top_srcdir:?top_srcdir not set}"
. "$top_srcdir/tests/lib/gpghome.sh"

out=$1
R=$2
scale=${3:-1}
mkdir -p "$out"
: >"$out/index"
run=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')

# count N - N times SCALE, at least 1
count() {
	awk -v n="$1" -v s="$scale" 'BEGIN { c = int(n * s + 0.5);
	    print (c < 1 ? 1 : c) }'
}

# words SEED BYTES - about BYTES of report prose
words() {
	awk -v seed="$1" -v n="$2" 'BEGIN {
		srand(seed)
		split("the a buffer overflow in parser when handling crafted " \
		    "request header length field allows remote attacker to " \
		    "write past end of heap allocation leading code execution " \
		    "affected versions release tested on default configuration " \
		    "authentication is not required we reproduced it with the " \
		    "attached proof of concept please confirm receipt and " \
		    "coordinate disclosure timeline ninety days service " \
		    "daemon crashes under address sanitizer integer wraps " \
		    "before the size check memcpy copies attacker controlled " \
		    "bytes into fixed stack frame", w, " ")
		nw = length(w); len = 0; col = 0
		while (len < n) {
			x = w[int(rand() * nw) + 1]
			if (col + length(x) > 72) { printf "\n"; col = 0; len++ }
			else if (col > 0) { printf " "; col++; len++ }
			printf "%s", x; col += length(x); len += length(x)
		}
		printf "\n"
	}'
}

# report SEED BYTES - a report of about BYTES: prose and a hex crash dump
report() {
	_half=$(($2 / 2))
	printf 'Product: example-httpd\nVersion: 2.4.%d\n' $(($1 % 60))
	printf 'CVSS: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n\n'
	words "$1" "$_half"
	printf '\nCrash dump:\n'
	head -c $((_half / 3)) /dev/urandom | od -An -tx1 -w16 |
	    awk '{ printf "  %08x:%s\n", NR * 16, $0 }' | head -c "$_half"
	printf '\nRegards,\nAlice\n'
}

# headers FROM SENDER SUBJECT ID - the outer header block, no blank line
headers() {
	printf 'Delivered-To: security@example.test\nReturn-Path: <%s>\n' "$2"
	printf 'Received: from mail.example.net (mail.example.net '
	printf '[192.0.2.25])\n\tby mx.example.test (Postfix) with ESMTPS id '
	printf '4Q%s\n\tfor <security@example.test>; ' "$4"
	printf 'Sun, 22 Nov 2026 10:00:00 +0000 (UTC)\n'
	printf 'From: %s\nTo: security@example.test\nSubject: %s\n' "$1" "$3"
	printf 'Date: Sun, 22 Nov 2026 10:00:00 +0000\n'
	printf 'Message-ID: <bench-%s-%s@example.net>\nMIME-Version: 1.0\n' \
	    "$run" "$4"
}

# entity SEED BYTES ATTACH - the inner MIME entity: the report, and a
# random attachment of ATTACH bytes unless ATTACH is 0
entity() {
	if [ "$3" -eq 0 ]; then
		printf 'Content-Type: text/plain; charset=utf-8\n\n'
		report "$1" "$2"
		return
	fi
	printf 'Content-Type: multipart/mixed; boundary="inner-%s"\n\n' "$1"
	printf -- '--inner-%s\nContent-Type: text/plain; charset=utf-8\n\n' "$1"
	report "$1" "$2"
	printf -- '\n--inner-%s\nContent-Type: application/octet-stream; ' "$1"
	printf 'name="poc-%s.bin"\nContent-Disposition: attachment; ' "$1"
	printf 'filename="poc-%s.bin"\nContent-Transfer-Encoding: base64\n\n' \
	    "$1"
	head -c "$3" /dev/urandom | base64 -w 76
	printf -- '--inner-%s--\n' "$1"
}

# encrypted NAME SEED BYTES ATTACH - one signed+encrypted report: writes
# NAME.eml and NAME.asc
encrypted() {
	entity "$2" "$3" "$4" | gpg_in "$R" --armor --sign \
	    --local-user "$ALICE_FPR" --encrypt --recipient "$TEST_GATEWAY_FPR" \
	    >"$out/$1.asc"
	{
		headers alice@example.test alice@example.test \
		    "Vulnerability report $2" "$1"
		printf 'Content-Type: multipart/encrypted;\n'
		printf ' protocol="application/pgp-encrypted"; '
		printf 'boundary="enc-%s"\n\n' "$2"
		printf 'This is an OpenPGP/MIME encrypted message.\n'
		printf -- '--enc-%s\nContent-Type: application/pgp-encrypted\n' \
		    "$2"
		printf 'Content-Description: PGP/MIME version identification\n\n'
		printf 'Version: 1\n\n'
		printf -- '--enc-%s\nContent-Type: application/octet-stream; ' \
		    "$2"
		printf 'name="encrypted.asc"\n'
		printf 'Content-Disposition: inline; filename="encrypted.asc"\n\n'
		cat "$out/$1.asc"
		printf -- '\n--enc-%s--\n' "$2"
	} >"$out/$1.eml"
}

# index CLASS NAME PAYLOAD SENDER - one line of the index
index() {
	printf '%s %s %s.eml %s %s\n' "$1" "$(wc -c <"$out/$2.eml")" "$2" \
	    "$3" "$4" >>"$out/index"
}

seed=1
# small: report text of 4-11 KB, which compresses to a 3-8 KB mail
n=$(count 200)
i=0
while [ "$i" -lt "$n" ]; do
	name=$(printf 'small-%04d' "$i")
	encrypted "$name" "$seed" $((4000 + (seed * 7919) % 7000)) 0
	index small "$name" "$name.asc" alice@example.test
	i=$((i + 1)) seed=$((seed + 1))
done
for spec in 1mib:20:1048576 10mib:5:10485760; do
	cls=${spec%%:*}
	rest=${spec#*:}
	n=$(count "${rest%%:*}")
	i=0
	while [ "$i" -lt "$n" ]; do
		name=$(printf '%s-%04d' "$cls" "$i")
		encrypted "$name" "$seed" 3000 "${rest#*:}"
		index "$cls" "$name" "$name.asc" alice@example.test
		i=$((i + 1)) seed=$((seed + 1))
	done
done
n=$(count 50)
i=0
while [ "$i" -lt "$n" ]; do
	name=$(printf 'plain-%04d' "$i")
	from=$(printf 'researcher%d@example.net' "$i")
	{
		headers "$from" "$from" "Security issue $seed" "$name"
		printf 'Content-Type: text/plain; charset=utf-8\n\n'
		words "$seed" $((1000 + (seed * 7919) % 3000))
	} >"$out/$name.eml"
	index plain "$name" - "$from"
	i=$((i + 1)) seed=$((seed + 1))
done
encrypted warm 999999 5000 0


# ack.txt: what the gateway signs and encrypts for one acknowledgement
{
	printf 'Content-Type: text/plain; charset=utf-8; '
	printf 'protected-headers="v1"\n'
	printf 'Subject: [PSIRT-2026-0042] Report received\n'
	printf 'From: security@example.test\nTo: alice@example.test\n'
	printf 'Date: Sun, 22 Nov 2026 10:00:01 +0000\n'
	printf 'Message-ID: <ack-%s@example.test>\n' "$run"
	printf 'In-Reply-To: <bench-%s-small-0000@example.net>\n\n' "$run"
	sed -e 's/{case_id}/PSIRT-2026-0042/g' \
	    -e 's/{received}/2026-11-22 10:00:00 UTC/g' \
	    -e 's/{size}/5321/g' \
	    -e "s/{raw_sha256}/$(printf x | sha256sum | cut -d' ' -f1)/g" \
	    -e 's/{arrived_encrypted}/yes/g' \
	    -e "s/{gateway_fingerprint}/$TEST_GATEWAY_FPR/g" \
	    "$top_srcdir/etc/templates/ack.txt"
	words 7 $((1536 - 960))
} >"$out/ack.txt"
