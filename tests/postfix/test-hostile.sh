#!/bin/sh
# test-hostile - issue 4, tests 5 and 6, through a real Postfix:
#  5. hostile input over SMTP -- the 242-byte message on which libetpan
#     1.9.4 writes out of bounds, and a 1 GiB bzip2 compression bomb in
#     PGP/MIME -- is stored (quarantined, failed-limit), exit 0: delivered
#     at the first attempt, no bounce, no deferral loop;
#     A bounce (null sender) is stored like any report;
#  6. a hung worker (PSIRT_TEST_HOOK=worker-hang) ends in a quarantined
#     case within worker_timeout, long before Postfix's command_time_limit
#     (which would bounce).
# The bomb's OpenPGP assertions are TAP TODO while the intake does not
# decrypt (todo_openpgp in lib.sh), its quarantine while the intake does not
# quarantine at max_decrypted_size (todo_decrypted_cap).
. "$top_srcdir/tests/postfix/lib.sh"

TIMEOUT=3
# What "within the worker timeout" allows beyond it: the rest of the run
# (store, a signed ack) on a loaded machine, with the sanitizers; still far
# from Postfix's command_time_limit (1000 s), which is what must not be hit.
SLACK=$((10 * SLOW))
pf_init worker_timeout=${TIMEOUT}s max_decrypted_size=10M
pf_start
todo_pgp=$(todo_openpgp)
DONE=0

# deliver NAME FROM FILE - submit over SMTP, wait for the psirt delivery;
# then it must be sent at the first attempt, nothing deferred or bounced
deliver() {
	pf_submit "$2" "$PF_SECURITY" "$3"
	is "$?" 0 "$1: Postfix accepted it"
	DONE=$((DONE + 1))
	pf_wait_psirt "$DONE" 60
	is "$?" 0 "$1: Postfix delivered it to the psirt service"
	is "$(pf_count sent)" "$DONE" "$1: status=sent (psirt-filter exit 0)"
	is "$(pf_count deferred)" 0 "$1: not deferred"
	is "$(pf_queue_count)" 0 "$1: nothing left in Postfix's queue (no retry loop)"
	check "$1: no bounce" pf_no_bounce
	is "$(pf_case_count)" "$DONE" "$1: one case"
	pf_last_case_json >"$T/case.json"
}

# field EXPR - a field of the newest case's first message
field() {
	json_get "j['messages'][0]$1" <"$T/case.json"
}

# pipe_seconds - how long the last psirt-filter run took (Postfix's
# delays=a/b/c/d: d is the time the pipe command ran)
pipe_seconds() {
	pf_psirt_results | tail -1 |
	    sed -n 's/.*delays=[^,]*\/\([0-9.]*\),.*/\1/p'
}

# --- 5a. The libetpan out-of-bounds write -----------------------------------
printf 'From: a@example.test\nSubject: killer\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="\\""\n\n--"\nContent-Type: text/plain\n\nx\n--"--\n' \
    >"$T/crash.eml"
deliver "libetpan crash input" mallory@example.test "$T/crash.eml"
check "libetpan crash input: Postfix handed it over intact" \
    grep -qF 'boundary="\""' "$T"/state/raw/*
is "$(field '["processing"] + " " + str(j["messages"][0]["quarantine_reason"])')" \
    "quarantined worker-crash" "libetpan crash input: stored quarantined (worker-crash)"
check "libetpan crash input: within the worker timeout" \
    awk -v s="$(pipe_seconds)" -v t="$TIMEOUT" -v k="$SLACK" \
    'BEGIN { exit !(s < t + k) }'

# --- 5b. A compression bomb in PGP/MIME -------------------------------------
{
	printf 'From: mallory@example.test\nTo: %s\nSubject: bomb\n' "$PF_SECURITY"
	printf 'Message-ID: <bomb.%s@example.test>\nMIME-Version: 1.0\n' "$$"
	printf 'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted";\n boundary="b"\n\n'
	printf -- '--b\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n'
	printf -- '--b\nContent-Type: application/octet-stream\n\n'
	cat "$top_srcdir/tests/data/bzip2-bomb-1g.asc"
	printf -- '\n--b--\n'
} >"$T/bomb.eml"
deliver "compression bomb" mallory@example.test "$T/bomb.eml"
s=$(pipe_seconds)
echo "# compression bomb: psirt-filter ran ${s} s"
check "compression bomb: within the worker timeout" \
    awk -v s="$s" -v t="$TIMEOUT" -v k="$SLACK" 'BEGIN { exit !(s < t + k) }'
is_todo "$(field '["encryption"]')" failed-limit \
    "compression bomb: encryption failed-limit" "$todo_pgp"
is_todo "$(field '["processing"] + " " + str(j["messages"][0]["quarantine_reason"])')" \
    "quarantined limit:max_decrypted_size" \
    "compression bomb: quarantined (limit:max_decrypted_size)" \
    "$(todo_decrypted_cap)"

# --- 5c. A bounce (null sender) to security@ --------------------------------
# master.cf passes it on as -f "" (null_sender=): stored like any report.
{
	printf 'From: MAILER-DAEMON@example.net\nTo: %s\n' "$PF_SECURITY"
	printf 'Subject: Undelivered Mail Returned to Sender\n'
	printf 'Message-ID: <dsn.%s@example.net>\nAuto-Submitted: auto-replied\n' "$$"
	printf '\nThis is the mail system at host example.net.\n'
} >"$T/dsn.eml"
deliver "null sender" "<>" "$T/dsn.eml"
is "$(field '["envelope_sender"]')" "" "null sender: stored with the empty envelope sender"

# --- 6. A hung worker --------------------------------------------------------
pf_restart worker-hang
mail_plain hung@example.test "hung worker" "the worker never answers" \
    >"$T/hang.eml"
deliver "hung worker" hung@example.test "$T/hang.eml"
s=$(pipe_seconds)
echo "# hung worker: psirt-filter ran ${s} s (worker_timeout ${TIMEOUT} s)"
is "$(field '["processing"] + " " + str(j["messages"][0]["quarantine_reason"])')" \
    "quarantined worker-timeout" "hung worker: stored quarantined (worker-timeout)"
check "hung worker: ended at worker_timeout, not earlier, not much later" \
    awk -v s="$s" -v t="$TIMEOUT" -v k="$SLACK" \
    'BEGIN { exit !(s >= t - 0.5 && s < t + k) }'
check "hung worker: Postfix's command_time_limit never reached" \
    sh -c '! grep -q "time limit exceeded" "$1"' sh "$T/maillog"
check "the filter never deferred" sh -c '! grep -q deferring "$1"' sh \
    "$T/filter.log"
pf_done
