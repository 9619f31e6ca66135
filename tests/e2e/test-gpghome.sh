#!/bin/sh
# test-gpghome - the gateway's GnuPG home (DESIGN.md "Isolation"):
# psirt-filter --init writes the hardened gpg.conf and gpg-agent.conf
# (idempotent), --check-config refuses anything else and names it; a
# signature by a key we do not hold starts no dirmngr (no network); an
# unusable secret key, a gpg-agent that cannot start and a hung gpg-agent
# each defer an encrypted mail (exit 75, no case), never store a "failed"
# case, while plain and signed mail, which need no secret key, are stored;
# the keyring lock: a reader waits for a key import and an import for the
# readers.
. "$top_srcdir/tests/lib/env.sh"
. "$top_srcdir/tests/lib/mkmail.sh"
. "$top_srcdir/tests/lib/gpghome.sh"

psirt_env_init "max_decrypted_size = 1M" "worker_timeout = $((20 * SLOW))s"
R=$(mktemp -d /tmp/psirt-rep.XXXXXX)
C=$(mktemp -d /tmp/psirt-ctl.XXXXXX)
chmod 700 "$C"
FAKE_PID=""

# gh_cleanup - the fake agent, every home's agent and dirmngr, the files
gh_cleanup() {
	[ -z "$FAKE_PID" ] || kill "$FAKE_PID" 2>/dev/null
	rm -f "$T/gnupg/S.gpg-agent"
	$RUN_AS gpgconf --homedir "$T/gnupg" --kill all >/dev/null 2>&1 || :
	gpghome_kill "$R"
	gpghome_kill "$C"
	rm -rf "$R" "$C"
	psirt_env_cleanup
}
trap gh_cleanup EXIT

F=$T/bin/psirt-filter

# as_gw ARGS... - psirt-filter ARGS as the gateway user; stdout in
# $T/out, stderr in $T/err; the exit status
as_gw() {
	$RUN_AS "$F" -c "$T/psirt.conf" "$@" >"$T/out" 2>"$T/err"
}

# has FILE TEXT... - FILE contains every TEXT (fixed strings)
has() {
	_f=$1
	shift
	for _s in "$@"; do
		grep -qF -- "$_s" "$_f" || { sed 's/^/# /' "$_f"; return 1; }
	done
}

# fingerprint - sha256 and mtime of both files (to see that nothing moved)
fingerprint() {
	sha256sum "$T/gnupg/gpg.conf" "$T/gnupg/gpg-agent.conf"
	stat -c '%Y %i' "$T/gnupg/gpg.conf" "$T/gnupg/gpg-agent.conf"
}

# The gateway's keys; the hardened files (tests/lib/gpghome.sh runs --init
# as below) are removed again, to start from a home without them.
GPGHOME_FILTER=$F
gpghome_gateway "$T/gnupg" 1048576 || { echo "Bail out! gateway home"; exit 1; }
gpghome_reporter "$R" || { echo "Bail out! reporter home"; exit 1; }
[ -n "$RUN_AS" ] && chown -R "$TEST_USER:" "$T/gnupg"
$RUN_AS gpgconf --homedir "$T/gnupg" --kill all >/dev/null 2>&1
rm -f "$T/gnupg/gpg.conf" "$T/gnupg/gpg-agent.conf"

# ---- --init and --check-config ------------------------------------------

as_gw --check-config
is "$?" 1 "--check-config: a GnuPG home without gpg.conf is refused"
check "--check-config: names the missing gpg.conf" \
    has "$T/err" "gnupg_home" "$T/gnupg/gpg.conf" "No such file"
as_gw --init
is "$?" 0 "--init: exit 0"
check "--init: says what it wrote" \
    has "$T/out" "wrote $T/gnupg/gpg.conf and $T/gnupg/gpg-agent.conf"
check "--init: nothing on stderr" test ! -s "$T/err"
owner=$( [ -n "$RUN_AS" ] && echo "$TEST_USER" || id -un)
is "$(stat -c '%a %U' "$T/gnupg/gpg.conf" "$T/gnupg/gpg-agent.conf" | sort -u)" \
    "600 $owner" "--init: both files 0600, the gateway user's"
# max-output is max_decrypted_size (1M here) plus 1 MiB (pgp.h)
check "--init: max-output from the configured max_decrypted_size" \
    grep -qx "max-output $((2 * 1048576))" "$T/gnupg/gpg.conf"
for o in disable-dirmngr no-auto-key-retrieve no-auto-key-locate \
    "weak-digest SHA1" "weak-digest MD5"; do
	check "--init: gpg.conf says $o" grep -qx "$o" "$T/gnupg/gpg.conf"
done
check "--init: gpg.conf names no keyserver" \
    test -z "$(grep -i keyserver "$T/gnupg/gpg.conf")"
as_gw --check-config
is "$?" 0 "--check-config: the home --init wrote is accepted"
check "--check-config: says OK" has "$T/out" "configuration OK"
fingerprint >"$T/fp1"
sleep 1
as_gw --init
is "$?" 0 "--init again: exit 0"
check "--init again: says nothing was written" has "$T/out" "nothing written"
fingerprint >"$T/fp2"
check "--init again: neither file touched (content, mtime, inode)" \
    cmp -s "$T/fp1" "$T/fp2"

echo "keyserver hkps://keys.example.test" >>"$T/gnupg/gpg.conf"
as_gw --check-config
is "$?" 1 "--check-config: an extra keyserver line is refused"
check "--check-config: names gpg.conf and the keyserver option" \
    has "$T/err" "gpg.conf" "keyserver hkps://keys.example.test"
as_gw --init
is "$?" 0 "--init repairs a tampered gpg.conf"
as_gw --check-config
is "$?" 0 "--check-config: accepted after --init"

chmod 770 "$T/gnupg"
as_gw --check-config
is "$?" 1 "--check-config: a group-writable home is refused"
check "--check-config: names the home and why" \
    has "$T/err" "$T/gnupg: not a directory owned by us and writable only by us"
as_gw --init
is "$?" 1 "--init: a group-writable home is not fixed silently (exit 1)"
check "--init: says why" has "$T/err" "$T/gnupg: not a directory owned"
chmod 700 "$T/gnupg"

rm "$T/gnupg/gpg.conf"
as_gw --check-config
is "$?" 1 "--check-config: a missing gpg.conf is refused"
check "--check-config: names the missing gpg.conf" \
    has "$T/err" "$T/gnupg/gpg.conf: No such file"
echo "allow-loopback-pinentry" >>"$T/gnupg/gpg-agent.conf"
as_gw --init
is "$?" 0 "--init rewrites a missing gpg.conf and a tampered gpg-agent.conf"
check "gpg-agent.conf: the extra option is gone" \
    test -z "$(grep -x allow-loopback-pinentry "$T/gnupg/gpg-agent.conf")"

sed -i 's/^max_decrypted_size.*/max_decrypted_size = 2M/' "$T/psirt.conf"
as_gw --check-config
is "$?" 1 "--check-config: max-output of another max_decrypted_size is refused"
check "--check-config: names max-output" has "$T/err" "gpg.conf" "max-output"
as_gw --init >/dev/null
check "--init follows max_decrypted_size" \
    grep -qx "max-output $((3 * 1048576))" "$T/gnupg/gpg.conf"
sed -i 's/^max_decrypted_size.*/max_decrypted_size = 1M/' "$T/psirt.conf"
as_gw --init

if [ -n "$RUN_AS" ]; then
	"$F" -c "$T/psirt.conf" --init >"$T/out" 2>"$T/err"
	is "$?" 1 "--init as root on the gateway user's home: refused"
	check "--init as root: says whose home it is" \
	    has "$T/err" "belongs to uid $(id -u "$TEST_USER")"
	check "--init as root: nothing on stdout" test ! -s "$T/out"
	check "--init as root: wrote nothing" \
	    test "$(stat -c %U "$T/gnupg/gpg.conf")" = "$TEST_USER"
fi
as_gw --check-config
is "$?" 0 "--check-config: the test gateway's home is accepted"

# ---- no key retrieval: a signature by a key we do not hold ---------------

# dirmngr_seen HOME - a dirmngr runs for HOME, or left its socket there
dirmngr_seen() {
	pgrep -f "dirmngr .*--homedir $1( |\$)" >/dev/null || test -S "$1/S.dirmngr"
}

# no_dirmngr HOME - the opposite
no_dirmngr() {
	! dirmngr_seen "$1"
}

# signed FROM FPR - a cleartext-signed mail by FPR (no signer's user ID
# in the signature: a keyserver lookup, if any, goes to the local port)
signed() {
	printf 'From: %s\nTo: security@example.test\n' "$1"
	printf 'Subject: signed\nMessage-ID: <%s>\n' "$(mail_id)"
	printf 'Content-Type: text/plain; charset=utf-8\n\n'
	printf 'Please fetch my key.\n' | gpg_in "$R" --clearsign --local-user "$2"
}

# stranger_signed - signed by Stranger, whose key the gateway never had
stranger_signed() {
	signed stranger@example.test "$STRANGER_FPR"
}

# Control: gpg without the hardened options, auto-key-retrieve on, on the
# same kind of signature, does start dirmngr (a keyserver on a closed local
# port: nothing leaves the host), and the check sees it.
stranger_signed >"$T/m"
sed -n '/^-----BEGIN PGP SIGNED/,$p' "$T/m" >"$T/clear.asc"
printf 'auto-key-retrieve\nkeyserver hkp://127.0.0.1:1\n' >"$C/gpg.conf"
gpg --homedir "$C" --batch --no-tty --verify "$T/clear.asc" >/dev/null 2>&1
check "control: gpg with auto-key-retrieve starts dirmngr, and the check sees it" \
    dirmngr_seen "$C"
gpghome_kill "$C"
check "control: the gateway home has no dirmngr yet" no_dirmngr "$T/gnupg"

run_filter stranger@example.test <"$T/m"
is "$?" 0 "unknown signer: exit 0"
id=$(run_psirt list --json | json_get 'j[-1]["id"]')
is "$(run_psirt show "$id" --json | json_get 'j["messages"][0]["signature"]')" \
    unknown-key "unknown signer: signature unknown-key"
check "unknown signer: no dirmngr started for the gateway home, no S.dirmngr" \
    no_dirmngr "$T/gnupg"
$RUN_AS gpg --homedir "$T/gnupg" --batch --list-keys "$STRANGER_FPR" \
    >/dev/null 2>&1
is "$?" 2 "unknown signer: the key was not fetched into the keyring"

# ---- the secret key and gpg-agent: exit 75, never a stored failure -------

# enc_mail SUBJECT - a PGP/MIME mail encrypted to the gateway, in $T/m
enc_mail() {
	{
		printf 'From: alice@example.test\nTo: security@example.test\n'
		printf 'Subject: %s\nMessage-ID: <%s>\nMIME-Version: 1.0\n' \
		    "$1" "$(mail_id)"
		printf 'Content-Type: multipart/encrypted;\n'
		printf ' protocol="application/pgp-encrypted"; boundary="E"\n\n'
		printf -- '--E\nContent-Type: application/pgp-encrypted\n\n'
		printf 'Version: 1\n\n--E\nContent-Type: application/octet-stream\n\n'
		printf 'Content-Type: text/plain\n\n%s\n' "$1" |
		    gpg_in "$R" --armor --encrypt -r "$TEST_GATEWAY_FPR"
		printf -- '--E--\n'
	} >"$T/m"
}

# deferred NAME - the filter on $T/m exits 75 and stores nothing
deferred() {
	_n=$(case_count)
	run_filter alice@example.test <"$T/m"
	is "$?" 75 "$1: exit 75 (Postfix retries)"
	is "$(case_count)" "$_n" "$1: no case stored"
	check "$1: a deferring log line" \
	    test "$(tail -1 "$T/log" | grep -c 'deferring$')" -eq 1
}

# stored NAME ENC - the filter on $T/m exits 0, newest message has ENC
stored() {
	run_filter alice@example.test <"$T/m"
	is "$?" 0 "$1: exit 0"
	_id=$(run_psirt list --json | json_get 'j[-1]["id"]')
	is "$(run_psirt show "$_id" --json | json_get 'j["messages"][0]["encryption"] + "," + j["messages"][0]["processing"]')" \
	    "$2,stored" "$1: $2, stored"
}

# kill_agent - stop the gateway home's agent, wait until its socket is gone
kill_agent() {
	$RUN_AS gpgconf --homedir "$T/gnupg" --kill gpg-agent >/dev/null 2>&1
	for _i in 1 2 3 4 5 6 7 8 9 10; do
		[ -S "$T/gnupg/S.gpg-agent" ] || break
		sleep 0.2
	done
}

enc_mail "key check"
stored "the gateway works (control)" pgp-mime

# A damaged secret key: gpg-agent fails the decryption as it would for a
# garbage session key; only a probe of our own key tells them apart.
keys=$T/gnupg/private-keys-v1.d
cp -a "$keys" "$T/keys.saved"
for k in "$keys"/*.key; do echo "damaged" >"$k"; done
kill_agent
enc_mail "damaged key"
deferred "damaged secret key"
check "damaged secret key: the log line says why (the worker's words)" \
    has "$T/log" "own trouble: decryption: the gateway's secret key" \
    "does not decrypt (missing, unreadable or damaged)"
rm -rf "$keys"
cp -a "$T/keys.saved" "$keys"
kill_agent
stored "the same mail, the key repaired" pgp-mime

# Control: a session key packet for our key that gpg-agent cannot decrypt
# (one bit flipped in it) is the input's fault: stored failed-corrupt.
printf 'Content-Type: text/plain\n\nbad session key\n' |
    gpg_in "$R" --encrypt -r "$TEST_GATEWAY_FPR" >"$T/ct"
python3 -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read()); d[20] ^= 1
open(sys.argv[1], "wb").write(d)' "$T/ct"
{
	printf 'From: alice@example.test\nTo: security@example.test\n'
	printf 'Subject: bad PKESK\nMessage-ID: <%s>\nMIME-Version: 1.0\n' "$(mail_id)"
	printf 'Content-Type: multipart/encrypted;\n'
	printf ' protocol="application/pgp-encrypted"; boundary="E"\n\n'
	printf -- '--E\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n'
	printf -- '--E\nContent-Type: application/octet-stream\n'
	printf 'Content-Transfer-Encoding: base64\n\n'
	base64 <"$T/ct"
	printf -- '--E--\n'
} >"$T/m"
stored "a damaged session key packet to our key (hostile)" failed-corrupt

# The secret keys unreadable to gpg-agent (and to the filter).
chmod 000 "$keys"
enc_mail "unreadable keys"
deferred "private-keys-v1.d unreadable, agent running"
kill_agent
deferred "private-keys-v1.d unreadable, no agent"
chmod 700 "$keys"

# gpg-agent cannot start: its socket path is taken by a directory.
kill_agent
rm -f "$T/gnupg/S.gpg-agent"
mkdir -p "$T/gnupg/S.gpg-agent/taken"
enc_mail "no agent"
deferred "gpg-agent cannot start"
check "gpg-agent cannot start: psirt-filter said so" \
    grep -q 'gpg-agent.*no agent answers' "$T/log"
mail_plain alice@example.test "plain while the agent is down" "no key needed" \
    >"$T/m"
stored "plain mail while gpg-agent cannot start" none
signed alice@example.test "$ALICE_FPR" >"$T/m"
stored "signed mail while gpg-agent cannot start" none
is "$(run_psirt show "$_id" --json | json_get 'j["messages"][0]["signature"]')" \
    good "signed mail while gpg-agent cannot start: signature good"
rm -rf "$T/gnupg/S.gpg-agent"

# A hung gpg-agent: something holds its socket, accepts and never answers.
kill_agent
rm -f "$T/gnupg/S.gpg-agent"
python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(64); held = []
while True:
    c, _ = s.accept(); held.append(c)' "$T/gnupg/S.gpg-agent" &
FAKE_PID=$!
# (python may take seconds to start on a loaded machine: 30 s at most)
i=0
while [ $i -lt 150 ] && [ ! -S "$T/gnupg/S.gpg-agent" ]; do
	sleep 0.2
	i=$((i + 1))
done
chmod 777 "$T/gnupg/S.gpg-agent"
enc_mail "hung agent"
sed -n '/BEGIN PGP MESSAGE/,/END PGP MESSAGE/p' "$T/m" >"$T/hung.asc"
chmod 644 "$T/hung.asc"
timeout 3 $RUN_AS gpg --homedir "$T/gnupg" --batch --no-tty --decrypt \
    "$T/hung.asc" >/dev/null 2>&1
is "$?" 124 "control: the fake gpg-agent hangs gpg itself"
t1=$(date +%s)
deferred "hung gpg-agent"
t2=$(date +%s)
check "hung gpg-agent: deferred within worker_timeout ($((t2 - t1)) s)" \
    test $((t2 - t1)) -lt $((20 * SLOW))
check "hung gpg-agent: not quarantined as worker-timeout" \
    test -z "$(grep 'worker-timeout' "$T/log")"
# A plain report while the agent hangs: stored at once, its ack left
# pending (signing would hang until the deadline, after the commit).
mail_plain hang@example.test "plain while the agent hangs" "text" >"$T/p"
t1=$(date +%s)
run_filter hang@example.test <"$T/p"
is "$?" 0 "plain mail while gpg-agent hangs: exit 0"
t2=$(date +%s)
check "plain mail while gpg-agent hangs: done within $((15 * SLOW)) s \
($((t2 - t1)) s)" test $((t2 - t1)) -lt $((15 * SLOW))
check "plain mail while gpg-agent hangs: the ack is left pending" \
    grep -q 'acknowledgements left pending' "$T/log"
kill "$FAKE_PID"
wait "$FAKE_PID" 2>/dev/null
FAKE_PID=""
rm -f "$T/gnupg/S.gpg-agent"
stored "the same mail once the agent is back" pgp-mime

# ---- the keyring lock (pgp.h): a key import never hides the keyring -------

# gpg imports a key by renaming pubring.kbx away and the new one in place; a
# reading gpg between the two renames finds no keyring, hence no secret
# key. Every filter's gpg operation holds GNUPGHOME/psirt-keyring.lock:
# shared to read, exclusive to import.
lock=$T/gnupg/psirt-keyring.lock
check "the keyring lock exists, created by the filter" test -f "$lock"

# hold MODE SECONDS - hold the keyring lock (-x or -s) for SECONDS in the
# background; $T/released gets the time it is let go
hold() {
	rm -f "$T/held" "$T/released"
	flock "$1" "$lock" sh -c "touch '$T/held'; sleep $2; \
	    date +%s.%N >'$T/released'" &
	_i=0
	while [ ! -e "$T/held" ] && [ $_i -lt $((200 * SLOW)) ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
}

# after_release - now is no earlier than the release of the lock
after_release() {
	_now=$(date +%s.%N)
	wait
	awk -v a="$_now" -v b="$(cat "$T/released")" 'BEGIN { exit !(a >= b) }'
}

enc_mail "keyring being written"
hold -x 3
stored "an encrypted report while someone writes the keyring" pgp-mime
check "it decrypted once the writer let go, not before" after_release

{
	printf 'From: stranger@example.test\nTo: security@example.test\n'
	printf 'Subject: my key\nMessage-ID: <%s>\nMIME-Version: 1.0\n' \
	    "$(mail_id)"
	printf 'Content-Type: multipart/mixed; boundary="K"\n\n'
	printf -- '--K\nContent-Type: text/plain\n\nMy key is attached.\n'
	printf -- '--K\nContent-Type: application/pgp-keys\n\n'
	pgp_key_block "$R" "$STRANGER_FPR"
	printf -- '--K--\n'
} >"$T/m"
hold -s 3
run_filter stranger@example.test <"$T/m"
is "$?" 0 "a reporter key offered while someone reads the keyring: exit 0"
check "the import waited for the reader to let go" after_release
$RUN_AS gpg --homedir "$T/gnupg" --batch --list-keys "$STRANGER_FPR" \
    >/dev/null 2>&1
is "$?" 0 "the offered key is in the keyring"

check "the filter printed nothing on stdout or stderr" test ! -s "$T/filter.out"
tap_done
