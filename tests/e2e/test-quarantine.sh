#!/bin/sh
# test-quarantine - the worker isolation: a parser crash, deep nesting, a
# hung or crashed worker and an over-size message all end in a stored,
# quarantined case with the raw copy kept, exit 0, well within the timeout.
. "$top_srcdir/tests/lib/env.sh"
. "$top_srcdir/tests/lib/mkmail.sh"

# (valgrind runs the worker too: its timeout grows with SLOW, and the
# bound on a whole run is loose: it proves "ends long before Postfix's
# command_time_limit", on a loaded machine too; under valgrind a first run
# took over 40 s)
psirt_env_init "worker_timeout=$((3 * SLOW))s" max_message_size=200K
BOUND=$(((3 + 20) * SLOW))

# deliver_q NAME FILE REASON - exit 0, quarantined for REASON, raw kept
deliver_q() {
	_start=$(date +%s)
	run_filter q@example.test <"$2"
	is "$?" 0 "$1: exit 0"
	_end=$(date +%s)
	check "$1: within the worker timeout" \
	    test $((_end - _start)) -le "$BOUND"
	_id=$(run_psirt list --json | json_get 'j[-1]["id"]')
	run_psirt show "$_id" --json >"$T/j"
	is "$(json_get 'j["messages"][0]["processing"]+" "+str(j["messages"][0]["quarantine_reason"])' <"$T/j")" \
	    "quarantined $3" "$1: quarantined ($3)"
	_sha=$(sha256sum <"$2" | cut -d' ' -f1)
	check "$1: raw copy kept" cmp -s "$2" "$T/spool/$_sha"
}

# libetpan 1.9.4 writes out of bounds on this boundary and dies.
printf 'From: a@example.test\nSubject: killer\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="\\""\n\n--"\nContent-Type: text/plain\n\nx\n--"--\n' >"$T/k1"
deliver_q "libetpan boundary crash" "$T/k1" worker-crash

mail_nested 20000 >"$T/k2"
sed -i 's/^max_message_size.*/max_message_size = 2M/' "$T/psirt.conf"
deliver_q "20 000 nested multiparts" "$T/k2" limit:max_mime_depth
sed -i 's/^max_message_size.*/max_message_size = 200K/' "$T/psirt.conf"

mail_plain h@example.test "hang" "hang" >"$T/k3"
FILTER_ENV=PSIRT_TEST_HOOK=worker-hang deliver_q "hung worker" "$T/k3" worker-timeout

mail_plain c@example.test "crash" "crash" >"$T/k4"
FILTER_ENV=PSIRT_TEST_HOOK=worker-crash deliver_q "crashed worker" "$T/k4" worker-crash

# max_message_size: exactly at the limit stored, one byte over quarantined.
mail_plain s@example.test "size" "x" >"$T/k5"
size=$(wc -c <"$T/k5")
pad=$((204800 - size))
{ head -c $((pad - 1)) /dev/zero | tr '\0' 'a'; echo; } >>"$T/k5"
is "$(wc -c <"$T/k5")" 204800 "test mail is exactly max_message_size"
run_filter s@example.test <"$T/k5"
is "$?" 0 "at max_message_size: exit 0"
id=$(run_psirt list --json | json_get 'j[-1]["id"]')
is "$(run_psirt show "$id" --json | json_get 'j["messages"][0]["processing"]')" stored \
    "at max_message_size: stored normally"
printf 'x' >>"$T/k5"
deliver_q "one byte over max_message_size" "$T/k5" limit:max_message_size
check "quarantine logged with its reason" grep -q 'status=quarantined (worker-crash)' "$T/log"
check "the filter printed nothing" test ! -s "$T/filter.out"
tap_done
