#!/bin/sh
# test-redelivery - the same message delivered again (same Message-ID, same
# SHA-256) creates no second case; a filter killed after the commit, before
# its exit, is redelivered by Postfix and still gives exactly one case.
. "$top_srcdir/tests/lib/env.sh"
. "$top_srcdir/tests/lib/mkmail.sh"

psirt_env_init
mail_plain alice@example.test "twice" "same bytes" same@example.test >"$T/m"
run_filter alice@example.test <"$T/m"
is "$?" 0 "first delivery: exit 0"
run_filter alice@example.test <"$T/m"
is "$?" 0 "redelivery: exit 0"
is "$(case_count)" 1 "redelivery: still one case"
check "redelivery logged as duplicate" grep -q 'status=duplicate' "$T/log"

# Same Message-ID, different bytes: a different message, a new case.
mail_plain alice@example.test "twice" "other bytes" same@example.test >"$T/m2"
run_filter alice@example.test <"$T/m2"
is "$?" 0 "same Message-ID, other content: exit 0"
is "$(case_count)" 2 "same Message-ID, other content: a new case"

# Killed after the commit, before exit: Postfix sees a signal and defers.
mail_plain bob@example.test "killed" "commit then die" killed@example.test >"$T/m3"
FILTER_ENV=PSIRT_TEST_HOOK=kill-after-commit run_filter bob@example.test <"$T/m3"
rc=$?
check "killed after commit: ended by a signal (Postfix defers)" test "$rc" -gt 128
is "$(case_count)" 3 "killed after commit: the case is there"
run_filter bob@example.test <"$T/m3"
is "$?" 0 "killed after commit: redelivery exits 0"
is "$(case_count)" 3 "killed after commit: still exactly one case for it"
tap_done
