#!/bin/sh
# test-faults - issue 4, tests 3 and 4, through a real Postfix:
#  3. the gateway's own trouble (the queue database unwritable; the raw
#     spool's disk full, a tiny tmpfs) -> psirt-filter exits 75, Postfix
#     keeps the mail deferred, no case, no bounce; after the fix,
#     postqueue -f -> exactly one case;
#  4. psirt-filter killed with SIGKILL after its commit, before its exit
#     (PSIRT_TEST_HOOK=kill-after-commit) -> Postfix defers and redelivers,
#     still exactly one case.
. "$top_srcdir/tests/postfix/lib.sh"

pf_init
pf_start

# deliver NAME FROM SUBJECT - a plain report over SMTP, then wait until
# Postfix has finished one more psirt delivery attempt
DONE=0
deliver() {
	mail_plain "$2" "$3" "$1" >"$T/$1.eml"
	pf_submit "$2" "$PF_SECURITY" "$T/$1.eml"
	is "$?" 0 "$1: Postfix accepted it"
	DONE=$((DONE + 1))
	pf_wait_psirt "$DONE" 60
	is "$?" 0 "$1: Postfix tried the psirt service"
}

# flush NAME - postqueue -f, wait for one more psirt delivery attempt
flush() {
	postqueue -c "$T/etc" -f
	DONE=$((DONE + 1))
	pf_wait_psirt "$DONE" 60
	is "$?" 0 "$1: postqueue -f: Postfix tried again"
}

# subject_count SUBJECT - cases whose subject is SUBJECT
subject_count() {
	run_psirt list --json 2>/dev/null |
	    json_get "sum(1 for c in j if c['subject'] == '$1')"
}

# deferred_reason - the delay reason of the one deferred message
deferred_reason() {
	postqueue -c "$T/etc" -j |
	    json_get 'j["recipients"][0]["delay_reason"]' 2>/dev/null
}

deliver m0 first@example.test "before the faults"
is "$(pf_case_count)" 1 "a first report is stored (the queue exists)"

# --- 3a. The queue database is unwritable ----------------------------------
chmod 0440 "$T/state/queue.db"
deliver m1 carol@example.test "database unwritable"
is "$(pf_count deferred)" 1 "database unwritable: the delivery is deferred"
is "$(pf_queue_count deferred)" 1 "database unwritable: Postfix keeps the mail (postqueue: deferred)"
echo "# postqueue delay_reason: $(deferred_reason)"
is "$(pf_case_count)" 1 "database unwritable: no case"
check "database unwritable: psirt-filter logged why it deferred" \
    grep -q 'store: .*; deferring' "$T/filter.log"
check "database unwritable: no bounce" pf_no_bounce
chmod 0640 "$T/state/queue.db"
flush "database fixed"
is "$(pf_count sent)" 2 "database fixed: delivered (status=sent)"
is "$(pf_queue_count)" 0 "database fixed: Postfix's queue is empty"
is "$(subject_count 'database unwritable')" 1 "database fixed: exactly one case for it"
is "$(pf_case_count)" 2 "database fixed: two cases in all"

# --- 3b. The raw spool's disk is full --------------------------------------
raw="$T/state/raw"
if mount -t tmpfs -o "size=64k,mode=2750,uid=$(id -u psirt),gid=$(getent group psirt-staff | cut -d: -f3)" \
    psirt-test-full "$raw" 2>"$T/mount.err"; then
	mounted=1
	dd if=/dev/zero of="$raw/fill" bs=4096 >/dev/null 2>&1
	deliver m2 dave@example.test "spool disk full"
	is "$(pf_count deferred)" 2 "disk full: the delivery is deferred"
	is "$(pf_queue_count deferred)" 1 "disk full: Postfix keeps the mail (postqueue: deferred)"
	echo "# postqueue delay_reason: $(deferred_reason)"
	is "$(pf_case_count)" 2 "disk full: no case"
	check "disk full: psirt-filter logged why it deferred" \
	    grep -q 'spool: .*; deferring' "$T/filter.log"
	check "disk full: no bounce" pf_no_bounce
	umount "$raw" && mounted=0
	is "$mounted" 0 "disk full: fixed (tmpfs unmounted)"
	flush "disk space back"
	is "$(pf_count sent)" 3 "disk space back: delivered (status=sent)"
	is "$(pf_queue_count)" 0 "disk space back: Postfix's queue is empty"
	is "$(subject_count 'spool disk full')" 1 "disk space back: exactly one case for it"
	is "$(pf_case_count)" 3 "disk space back: three cases in all"
else
	# Not a silent pass: the plan says what was not tested and why.
	reason="cannot mount a tmpfs here: $(head -1 "$T/mount.err")"
	for n in 1 2 3 4 5 6 7 8 9 10 11 12 13; do
		TAP_N=$((TAP_N + 1))
		echo "ok $TAP_N # SKIP disk full: $reason"
	done
	mail_plain dave@example.test "spool disk full" m2 >"$T/m2.eml"
	pf_submit dave@example.test "$PF_SECURITY" "$T/m2.eml"
	DONE=$((DONE + 1))
	pf_wait_psirt "$DONE" 60
fi
cases=$(pf_case_count)
sent=$(pf_count sent)
deferred=$(pf_count deferred)

# --- 4. Killed after the commit, before the exit ---------------------------
pf_restart kill-after-commit
deliver m3 erin@example.test "killed after commit"
is "$(pf_count deferred)" $((deferred + 1)) "killed after commit: Postfix defers it"
check "killed after commit: pipe saw the signal" \
    grep -q 'relay=psirt.*status=deferred.*signal 9' "$T/maillog"
is "$(pf_queue_count deferred)" 1 "killed after commit: Postfix keeps the mail"
is "$(pf_case_count)" $((cases + 1)) "killed after commit: the case was committed"
pf_restart
flush "redelivery"
is "$(pf_count sent)" $((sent + 1)) "redelivery: delivered (status=sent)"
is "$(pf_queue_count)" 0 "redelivery: Postfix's queue is empty"
is "$(subject_count 'killed after commit')" 1 "redelivery: still exactly one case for it"
is "$(pf_case_count)" $((cases + 1)) "redelivery: no other case appeared"
check "redelivery: psirt-filter recognized the duplicate" \
    grep -q 'status=duplicate' "$T/filter.log"
check "no bounce, from start to end" pf_no_bounce
pf_done
