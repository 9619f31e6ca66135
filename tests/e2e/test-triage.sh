#!/bin/sh
# test-triage - the staff CLI's triage, audit and report commands on a
# queue filled by the real psirt-filter: the status workflow and its exit
# codes, assign/note/cve/embargo/credit/cvss and their checks, the audit
# log (actor = login name, never $USER), the hash chain and a tampered
# database, list filters and --overdue, stats, export, attachment and
# show --raw (mode 0600, no overwrite, no terminal), permissions, the
# escaping of hostile strings, colour, and the binary's symbols.
. "$top_srcdir/tests/lib/env.sh"
. "$top_srcdir/tests/lib/mkmail.sh"

psirt_env_init
DB=$T/db/queue.db
PSIRT="$T/bin/psirt"
year=$(date -u +%Y)
C1=PSIRT-$year-0001
C2=PSIRT-$year-0002
C3=PSIRT-$year-0003
C4=PSIRT-$year-0004

# py CODE ARGS... - run Python (as the test runner, never as the CLI user)
py() {
	_code=$1
	shift
	python3 -c "$_code" "$@"
}

# deliver NAME FILE - the filter on FILE must exit 0
deliver() {
	run_filter reporter@example.test <"$2"
	is "$?" 0 "$1: filter exit 0"
}

# expect RC NAME ARGS... - run psirt ARGS (out in $T/out, $T/err), check RC
expect() {
	_want=$1
	_name=$2
	shift 2
	run_psirt "$@" >"$T/out" 2>"$T/err"
	_rc=$?
	is "$_rc" "$_want" "$_name: exit $_want"
	if [ "$_rc" != "$_want" ]; then
		sed 's/^/# stderr: /' "$T/err" | head -5
	fi
}

# contains FILE STRING - FILE contains STRING (fixed string)
contains() {
	grep -qF -- "$2" "$1"
}

# noraw FILE - no ESC, U+202E, C1 CSI, BEL or CR in FILE
noraw() {
	py 'import sys
d = open(sys.argv[1], "rb").read()
bad = [b"\x1b", b"\xe2\x80\xae", b"\xc2\x9b", b"\x07", b"\r"]
hits = [repr(b) for b in bad if b in d]
if hits:
    print("# raw in %s: %s" % (sys.argv[1], " ".join(hits)))
sys.exit(1 if hits else 0)' "$1"
}

# jq_is EXPR WANT NAME - a Python expression on $T/out's JSON
jq_is() {
	is "$(json_get "$1" <"$T/out" 2>&1)" "$2" "$3"
}

# tty_run COLS ARGS... - run ARGS on a pseudo-terminal COLS wide
tty_run() {
	py 'import fcntl, os, pty, struct, sys, termios
cols = int(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
out = b""
while True:
    try:
        d = os.read(fd, 65536)
    except OSError:
        break
    if not d:
        break
    out += d
_, st = os.waitpid(pid, 0)
sys.stdout.buffer.write(out.replace(b"\r\n", b"\n"))
sys.exit(os.waitstatus_to_exitcode(st))' "$@"
}

# copy_db NAME - a copy of the queue (with its WAL) and a config for it
copy_db() {
	mkdir -p "$T/$1"
	cp "$DB" "$T/$1/queue.db"
	[ -f "$DB-wal" ] && cp "$DB-wal" "$T/$1/queue.db-wal"
	chmod -R a+rwX "$T/$1"
	sed "s|^database = .*|database = $T/$1/queue.db|" "$T/psirt.conf" \
	    >"$T/$1/psirt.conf"
}

# sqlx DB SQL - edit a database behind psirt's back
sqlx() {
	py 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript(sys.argv[2])
db.commit()
db.close()' "$1" "$2"
}

ACTOR=$($RUN_AS id -un)
# Output files: a directory the CLI user may write.
W=$T/work
mkdir -p "$W"
chmod 777 "$W"

# ---- a queue filled by the filter -------------------------------------
mail_plain alice@example.test "Heap overflow" "Steps." triage-1@example.test \
    >"$T/m1"
deliver "plain report 1" "$T/m1"
mail_plain bob@example.test "Same overflow" "Again." triage-2@example.test \
    >"$T/m2"
deliver "plain report 2" "$T/m2"
{
	printf 'From: carol@example.test\nTo: security@example.test\n'
	printf 'Subject: RCE with PoC\nMessage-ID: <triage-3@example.test>\n'
	printf 'MIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary="XX"\n\n--XX\n'
	printf 'Content-Type: text/plain; charset=utf-8\n\n'
	printf 'See the attachment.\nFrom here on, the details.\n'
	printf '>From a quoted line.\n--XX\n'
	printf 'Content-Type: application/octet-stream\n'
	printf 'Content-Disposition: attachment; filename="poc.bin"\n'
	printf 'Content-Transfer-Encoding: base64\n\n'
	printf 'AAECAwQFBgcICQoLDA0ODw==\n--XX--\n'
} >"$T/m3"
deliver "report with an attachment" "$T/m3"
mail_plain dave@example.test "Old report" "Old." triage-4@example.test \
    >"$T/m4"
deliver "plain report 4" "$T/m4"

expect 0 "verify-log after the filter" verify-log
check "the filter's events are chained" contains "$T/out" \
    "hash chain intact"

# ---- the workflow -----------------------------------------------------
expect 4 "new -> accepted is refused" set "$C1" status accepted
check "refusal names the allowed next status" contains "$T/err" \
    "cannot go from new to accepted (from new: triage)"
expect 0 "new -> triage" set "$C1" status triage
is "$(cat "$T/out")" "$C1: status new -> triage" "set prints old -> new"
expect 0 "C3 new -> triage" set "$C3" status triage
expect 0 "triage -> triage changes nothing" set "$C1" status triage --json
jq_is 'j["changed"]' False "unchanged: changed is false"
expect 2 "duplicate without --of" set "$C2" status duplicate
check "says --of is needed" contains "$T/err" "duplicate needs --of"
expect 0 "C2 new -> triage" set "$C2" status triage
expect 4 "duplicate of a missing case" set "$C2" status duplicate \
    --of PSIRT-1999-0001
expect 0 "duplicate of C1" set "$C2" status duplicate --of "$C1" --json
jq_is 'j["event"]["action"]+" "+j["event"]["new"]' "status duplicate" \
    "set --json: the status event"
expect 0 "show C2" show "$C2" --json
jq_is 'j["duplicate_of"]' "$C1" "duplicate_of recorded"
for s in accepted fixing disclosed closed; do
	expect 0 "C1 -> $s" set "$C1" status "$s"
done
expect 4 "closed is final" set "$C1" status triage
check "closed is final: says so" contains "$T/err" "closed is final"
expect 1 "set on a missing case" set PSIRT-1999-9999 status triage
expect 2 "unknown status word" set "$C3" status done
expect 2 "set something else than status" set "$C3" severity high
expect 2 "--of with another status" set "$C3" status triage --of "$C1"

# ---- assign, cve, embargo, credit -------------------------------------
expect 0 "assign" assign "$C3" alice
expect 2 "assign a bad name" assign "$C3" 'bad name!'
expect 0 "assign --clear" assign "$C3" --clear
expect 0 "assign again" assign "$C3" carol.smith@example.test
expect 0 "cve (lower case accepted)" cve "$C3" cve-2026-12345
expect 2 "cve with a 2-digit year" cve "$C3" CVE-26-1234
expect 2 "cve before 1999" cve "$C3" CVE-1998-1234
expect 2 "cve with 3 digits" cve "$C3" CVE-2026-123
expect 2 "embargo on February 30" embargo "$C3" 2026-02-30
expect 2 "embargo not a date" embargo "$C3" tomorrow
expect 0 "embargo" embargo "$C3" 2031-01-15
expect 0 "credit a name" credit "$C3" "Ada Lovelace"
expect 2 "credit with a control character" credit "$C3" \
    "$(printf 'evil\033[2Jname')"
expect 2 "credit with U+202E" credit "$C3" "$(printf 'evil\342\200\256x')"
expect 0 "credit --anonymous" credit "$C3" --anonymous
expect 0 "show C3" show "$C3" --json
jq_is 'repr((j["assignee"], j["cve"], j["embargo"], j["credit"], j["credit_anonymous"]))' \
    "('carol.smith@example.test', 'CVE-2026-12345', '2031-01-15', None, True)" \
    "assignee, cve (upper case), embargo, anonymous credit"

# ---- cvss -------------------------------------------------------------
expect 2 "an invalid v3.1 vector" cvss "$C3" \
    "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
check "names the bad metric" contains "$T/err" \
    'AV: invalid value "Q" (one of N, A, L, P)'
expect 2 "a v4.0 vector missing AT" cvss "$C3" \
    "CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
check "names the missing metric" contains "$T/err" "missing base metric AT"
expect 0 "cvss v3.1" cvss "$C3" "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
check "prints the score" contains "$T/out" "CVSS 3.1 9.8 critical (base)"
expect 0 "show C3" show "$C3" --json
jq_is 'repr((j["cvss_score"], j["severity"], j["cvss_vector"]))' \
    "(9.8, 'critical', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')" \
    "score, rating and vector stored"
# FIRST v4.0 examples: CVE-2023-30545, 7.1
expect 0 "cvss v4.0" cvss "$C4" \
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N"
check "prints the v4.0 score" contains "$T/out" "CVSS 4.0 7.1 high (CVSS-B)"

# ---- notes ------------------------------------------------------------
expect 0 "note from words" note "$C3" confirmed on 2.4.1
check "note prints what it did" contains "$T/out" "$C3: note added"
printf 'line one\nline two\n' | run_psirt note "$C3" >"$T/out" 2>"$T/err"
is "$?" 0 "note from standard input: exit 0"
cat >"$T/bin/fake-editor" <<'EOF'
#!/bin/sh
# fake-editor FILE - what an editor would do: write a note above the
# template's comment lines
{ printf 'from the editor\n'; cat "$1"; } >"$1.new" && mv "$1.new" "$1"
EOF
chmod 755 "$T/bin/fake-editor"
EDITOR=$T/bin/fake-editor VISUAL= run_psirt note "$C3" --edit \
    >"$T/out" 2>"$T/err"
is "$?" 0 "note --edit: exit 0"
printf '\033[2J' | run_psirt note "$C3" >"$T/out" 2>"$T/err"
is "$?" 2 "a note with ESC is refused: exit 2"
printf '\n\n' | run_psirt note "$C3" >"$T/out" 2>"$T/err"
is "$?" 2 "an empty note: exit 2"
head -c 70000 /dev/zero | tr '\0' 'a' | run_psirt note "$C3" \
    >"$T/out" 2>"$T/err"
is "$?" 2 "a note over 65536 bytes: exit 2"
expect 0 "show C3 --json" show "$C3" --json
jq_is '[n["text"] for n in j["notes"]]' \
    "['confirmed on 2.4.1', 'line one\\nline two', 'from the editor']" \
    "three notes, the editor's comment lines dropped"
jq_is 'j["notes"][0]["actor"]' "$ACTOR" "a note's actor is the login name"
expect 0 "show C3 (text)" show "$C3"
check "show prints the notes, prefixed" contains "$T/out" "| line two"

# ---- the audit log ----------------------------------------------------
USER=mallory LOGNAME=mallory run_psirt assign "$C4" bob >/dev/null 2>&1
expect 0 "log C4" log "$C4" --json
jq_is '[e["action"] for e in j]' \
    "['case-created', 'message-stored', 'ack-suppressed', 'cvss', 'assignee']" \
    "C4's events (its ack over the per-sender limit)"
jq_is 'j[0]["actor"]+" "+j[-1]["actor"]' "psirt-filter $ACTOR" \
    "the filter, then the login name (not \$USER)"
jq_is 'j[-1]["old"], j[-1]["new"]' "(None, 'bob')" "old -> new recorded"
expect 0 "log C3 (TSV)" log "$C3"
check "log TSV header" contains "$T/out" \
    "$(printf 'ID\tTIME\tCASE\tACTOR\tACTION\tOLD\tNEW')"
expect 1 "log of a missing case" log PSIRT-1999-9999
expect 0 "verify-log" verify-log --json
jq_is 'repr((j["chain_intact"], j["cases_agree"], len(j["head"])))' \
    "(True, True, 64)" "chain intact, cases agree, head printed"
HEAD=$(json_get 'j["head"]' <"$T/out")

# A silent edit of an event: found, named.
copy_db tamper1
EVID=$(py 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT id FROM events WHERE action = ? AND new = ?",
    ("status", "accepted")).fetchone()[0])' "$T/tamper1/queue.db")
sqlx "$T/tamper1/queue.db" "UPDATE events SET new = 'rejected' WHERE id = $EVID"
$RUN_AS "$PSIRT" -c "$T/tamper1/psirt.conf" verify-log >"$T/out" 2>"$T/err"
is "$?" 5 "edited event: verify-log exit 5"
check "edited event: the first broken link named" contains "$T/out" \
    "BROKEN at event $EVID (case $C1)"
# A silent edit of a case: its events disagree.
copy_db tamper2
sqlx "$T/tamper2/queue.db" "UPDATE cases SET status = 'closed' WHERE id = '$C4'"
$RUN_AS "$PSIRT" -c "$T/tamper2/psirt.conf" verify-log --json \
    >"$T/out" 2>"$T/err"
is "$?" 5 "edited case: verify-log exit 5"
jq_is 'repr((j["chain_intact"], j["cases_agree"], j["case"]))' \
    "(True, False, '$C4')" "edited case: the chain holds, the case is named"
# The last event deleted: the head no longer matches.
copy_db tamper3
sqlx "$T/tamper3/queue.db" "DELETE FROM events WHERE id = (SELECT MAX(id) FROM events)"
$RUN_AS "$PSIRT" -c "$T/tamper3/psirt.conf" verify-log >"$T/out" 2>"$T/err"
is "$?" 5 "deleted last event: verify-log exit 5"
check "deleted last event: head mismatch" contains "$T/out" "recorded head"
# The real queue is untouched and a new delivery keeps the chain.
mail_plain erin@example.test "Later" "x" triage-5@example.test >"$T/m5"
deliver "a delivery after triage" "$T/m5"
expect 0 "verify-log after more work" verify-log

# ---- list filters -----------------------------------------------------
expect 0 "list --status duplicate" list --status duplicate --json
jq_is '[c["id"] for c in j]' "['$C2']" "--status duplicate"
expect 0 "list --assignee" list --assignee bob --json
jq_is '[c["id"] for c in j]' "['$C4']" "--assignee bob"
expect 0 "list --severity critical" list --severity critical --json
jq_is '[c["id"] for c in j]' "['$C3']" "--severity critical"
expect 0 "list --severity unscored" list --severity unscored --json
jq_is 'len(j)' 3 "--severity unscored: three"
expect 2 "list --severity bogus" list --severity severe
expect 2 "list --since bogus" list --since yesterday
expect 0 "list --since 1d" list --since 1d --json
jq_is 'len(j)' 5 "--since 1d: all five"
expect 1 "list --since the future" list --since 2099-01-01
expect 1 "nothing overdue yet" list --overdue
# C5 is new; make it 10 days old (the chain covers events, not created).
C5=PSIRT-$year-0005
sqlx "$DB" "UPDATE cases SET created = '2020-01-01T00:00:00Z' WHERE id = '$C5'"
expect 0 "list --overdue" list --overdue --json
jq_is '[(c["id"], c["overdue"]) for c in j]' "[('$C5', ['triage'])]" \
    "C5 is overdue for triage (acknowledgements not recorded yet)"
expect 0 "list --overdue (TSV)" list --overdue
check "TSV OVERDUE column" contains "$T/out" "$(printf '\ttriage')"
{ cat "$T/psirt.conf"; echo "sla_triage = 9999d"; } >"$T/sla.conf"
$RUN_AS "$PSIRT" -c "$T/sla.conf" list --overdue >"$T/out" 2>"$T/err"
is "$?" 1 "a long sla_triage: nothing overdue"

# ---- stats ------------------------------------------------------------
expect 0 "stats --json" stats --json
jq_is 'j["cases"]' 5 "stats: five cases"
jq_is 'repr(j["by_status"])' \
    "{'new': 2, 'triage': 1, 'accepted': 0, 'rejected': 0, 'duplicate': 1, 'fixing': 0, 'disclosed': 0, 'closed': 1}" \
    "stats: by status"
jq_is 'repr(j["by_severity"])' \
    "{'critical': 1, 'high': 1, 'medium': 0, 'low': 0, 'none': 0, 'unscored': 3}" \
    "stats: by severity"
jq_is 'repr((j["time_to_acknowledge"]["known"], j["time_to_acknowledge"]["median_seconds"], j["time_to_acknowledge"]["on_time_rate"]))' \
    "(False, None, None)" "no acknowledgement recorded: unknown, not faked"
jq_is 'repr((j["time_to_triage"]["done"], j["time_to_triage"]["late"], j["time_to_triage"]["pending"]))' \
    "(3, 1, 1)" "triage: 3 done, C5 late, C4 pending"
jq_is 'sum(w["count"] for w in j["intake_per_week"])' 5 \
    "intake per week adds up"
expect 0 "stats (text)" stats
check "stats says the ack figures are unknown" contains "$T/out" \
    "unknown: no acknowledgement time is recorded"
# Exact figures on a copy with known times.
copy_db stats
sqlx "$T/stats/queue.db" "
UPDATE cases SET created = '2026-03-02T00:00:00Z', first_ack = '2026-03-02T02:00:00Z' WHERE id = '$C1';
UPDATE cases SET created = '2026-03-03T00:00:00Z', first_ack = '2026-03-05T00:00:00Z' WHERE id = '$C2';
UPDATE cases SET created = '2026-03-04T00:00:00Z' WHERE id = '$C3';
UPDATE events SET time = '2026-03-02T06:00:00Z' WHERE case_id = '$C1' AND action = 'status' AND old = 'new';
UPDATE events SET time = '2026-03-04T00:00:00Z' WHERE case_id = '$C2' AND action = 'status' AND old = 'new';
UPDATE events SET time = '2026-03-10T00:00:00Z' WHERE case_id = '$C3' AND action = 'status' AND old = 'new';
DELETE FROM cases WHERE id IN ('$C4', '$C5');"
$RUN_AS "$PSIRT" -c "$T/stats/psirt.conf" stats --since 2026-03-01 --json \
    >"$T/out" 2>"$T/err"
is "$?" 0 "stats --since on known times: exit 0"
# triage: 6h, 1d, 6d against 5d -> median 1d, p90 6d, 2 of 3 on time
jq_is 'repr([j["time_to_triage"][k] for k in ("done", "median_seconds", "p90_seconds", "on_time", "late")])' \
    "[3, 86400, 518400, 2, 1]" "triage: median 1d, p90 6d, 2 on time, 1 late"
# ack: 2h, 2d against 1d; C3 not acknowledged, long past -> late
jq_is 'repr([j["time_to_acknowledge"][k] for k in ("known", "done", "median_seconds", "on_time", "late", "on_time_rate")])' \
    "[True, 2, 90000, 1, 2, 0.3333]" "ack: known, median 25h, 1 of 3 on time"
jq_is 'repr([(w["week"], w["count"]) for w in j["intake_per_week"] if w["count"]])' \
    "[('2026-W10', 3)]" "intake: three in ISO week 10"
tty_run 100 $RUN_AS "$PSIRT" -c "$T/stats/psirt.conf" stats \
    --since 2026-03-01 >"$T/out" 2>&1
check "stats on a terminal: a bar chart" grep -q '2026-W10 2026-03-02  ####' \
    "$T/out"

# ---- attachments, raw messages, export ---------------------------------
expect 0 "attachment 1 of C3" attachment "$C3" 1 -o "$W/att.bin"
is "$(stat -c %a "$W/att.bin")" 600 "attachment file mode 0600"
is "$(od -An -tx1 "$W/att.bin" | tr -d ' \n')" \
    000102030405060708090a0b0c0d0e0f "attachment content"
expect 4 "attachment over an existing file" attachment "$C3" 1 -o \
    "$W/att.bin"
check "refusing to overwrite" contains "$T/err" "refusing to overwrite"
expect 1 "attachment 2 of C3 does not exist" attachment "$C3" 2 -o \
    "$W/att2.bin"
expect 2 "attachment without -o" attachment "$C3" 1
tty_run 80 $RUN_AS "$PSIRT" -c "$T/psirt.conf" attachment "$C3" 1 -o - \
    >"$T/out" 2>&1
is "$?" 4 "attachment to a terminal: exit 4"
run_psirt attachment "$C3" 1 -o - >"$T/att3.bin" 2>"$T/err"
is "$?" 0 "attachment -o - into a pipe: exit 0"
cmp -s "$W/att.bin" "$T/att3.bin"
is "$?" 0 "attachment -o -: same bytes"
copy_db attach
sqlx "$T/attach/queue.db" "UPDATE attachments SET content = X'00'"
$RUN_AS "$PSIRT" -c "$T/attach/psirt.conf" attachment "$C3" 1 -o \
    "$W/att4.bin" >"$T/out" 2>"$T/err"
is "$?" 5 "an altered attachment: exit 5"
check "altered attachment: not written" test ! -e "$W/att4.bin"

expect 0 "show --raw 1 -o FILE" show "$C3" --raw 1 -o "$W/raw.eml"
cmp -s "$T/m3" "$W/raw.eml"
is "$?" 0 "the raw bytes are the message as delivered"
is "$(stat -c %a "$W/raw.eml")" 600 "raw file mode 0600"
tty_run 80 $RUN_AS "$PSIRT" -c "$T/psirt.conf" show "$C3" --raw 1 \
    >"$T/out" 2>&1
is "$?" 4 "show --raw to a terminal: exit 4"
check "says why" contains "$T/out" "refusing to write raw message bytes"
tty_run 80 $RUN_AS "$PSIRT" -c "$T/psirt.conf" show "$C3" --raw 1 --force \
    >"$T/out" 2>&1
is "$?" 0 "show --raw --force on a terminal: exit 0"
expect 1 "show --raw 2 (one message)" show "$C3" --raw 2 -o "$W/raw2.eml"
expect 2 "show --raw 0" show "$C3" --raw 0

expect 0 "export json" export "$C3" --format json -o "$W/c3.json"
is "$(stat -c %a "$W/c3.json")" 600 "export file mode 0600"
is "$(json_get 'repr((j["id"], len(j["messages"]), len(j["notes"]), j["events"][0]["action"]))' \
    <"$W/c3.json")" "('$C3', 1, 3, 'case-created')" \
    "export json: case, messages, notes, events"
expect 0 "export mbox" export "$C3" --format mbox -o "$W/c3.mbox"
check "mbox From line" grep -q '^From reporter@example.test ' "$W/c3.mbox"
check "mboxrd: From in the body quoted" grep -q '^>From here on' "$W/c3.mbox"
check "mboxrd: >From quoted once more" grep -q '^>>From a quoted' \
    "$W/c3.mbox"
py 'import mailbox, sys
m = mailbox.mbox(sys.argv[1])
msgs = list(m)
sys.exit(0 if len(msgs) == 1 and msgs[0]["Message-ID"] ==
    "<triage-3@example.test>" else 1)' "$W/c3.mbox"
is "$?" 0 "mbox read back by Python's mailbox"
tty_run 80 $RUN_AS "$PSIRT" -c "$T/psirt.conf" export "$C3" --format mbox \
    >"$T/out" 2>&1
is "$?" 4 "export mbox to a terminal: exit 4"
expect 2 "export without --format" export "$C3"
# An altered raw copy is refused.
RAW=$(json_get 'j["messages"][0]["raw_sha256"]' <"$W/c3.json")
chmod u+w "$T/spool/$RAW" 2>/dev/null
printf 'X' >>"$T/spool/$RAW"
expect 5 "show --raw of an altered raw copy" show "$C3" --raw 1 -o \
    "$W/raw3.eml"
check "altered raw copy: says so" contains "$T/err" \
    "does not match its SHA-256"
check "altered raw copy: the partial file is removed" test ! -e "$W/raw3.eml"

# ---- hostile strings in the queue, printed by the new commands --------
sqlx "$DB" "UPDATE cases SET subject = 'evil' || char(27) || '[2J' || char(8238) || 'x' WHERE id = '$C4'"
run_psirt stats >"$T/o1" 2>&1
run_psirt list >"$T/o2" 2>&1
run_psirt export "$C4" --format json >"$T/o3" 2>&1
run_psirt log >"$T/o4" 2>&1
# A raw ESC in the events too: the chain then breaks, and is said safely.
copy_db hostile
sqlx "$T/hostile/queue.db" "UPDATE events SET new = 'x' || char(27) || '[2J' || char(7) WHERE id = 1"
$RUN_AS "$PSIRT" -c "$T/hostile/psirt.conf" log >"$T/o5" 2>&1
$RUN_AS "$PSIRT" -c "$T/hostile/psirt.conf" log --json >"$T/o6" 2>&1
for f in o1 o2 o3 o4 o5 o6; do
	check "hostile values: $f has no raw ESC, U+202E, BEL or CR" \
	    noraw "$T/$f"
done
check "log shows the escape visibly" contains "$T/o5" 'x\x1B[2J\x07'

# ---- the table: colour, NO_COLOR, 80 columns, optional columns -------
tty_run 80 env -u NO_COLOR TERM=xterm $RUN_AS "$PSIRT" -c "$T/psirt.conf" \
    list >"$T/t80" 2>&1
is "$?" 0 "table with colour: exit 0"
check "colour on a terminal" grep -q "$(printf '\033\\[')" "$T/t80"
check "only SGR colour sequences, no other escape" py 'import re, sys
d = open(sys.argv[1], "rb").read()
d = re.sub(rb"\x1b\[[0-9;]*m", b"", d)
sys.exit(1 if b"\x1b" in d else 0)' "$T/t80"
check "fits 80 columns without the colour codes" py 'import re, sys, unicodedata
t = re.sub(r"\x1b\[[0-9;]*m", "", open(sys.argv[1], encoding="utf-8").read())
for l in t.split("\n"):
    w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l)
    if w > 80:
        print("# %d: %r" % (w, l))
        sys.exit(1)' "$T/t80"
check "80 columns: no SEV column" py 'import sys
h = open(sys.argv[1], encoding="utf-8").read().split("\n")[0].split()
sys.exit(0 if "SEV" not in h and "STATUS" in h else 1)' "$T/t80"
tty_run 80 env NO_COLOR=1 $RUN_AS "$PSIRT" -c "$T/psirt.conf" list \
    >"$T/tnc" 2>&1
check "NO_COLOR: no escape at all" noraw "$T/tnc"
check "overdue marked with ! in STATUS" grep -q "^$C5 *new! " "$T/tnc"
tty_run 140 env NO_COLOR=1 $RUN_AS "$PSIRT" -c "$T/psirt.conf" list \
    >"$T/t140" 2>&1
check "140 columns: SEV and ASSIGNEE columns" py 'import sys
h = open(sys.argv[1], encoding="utf-8").read().split("\n")[0].split()
sys.exit(0 if h[:3] == ["ID", "STATUS", "SEV"] and "ASSIGNEE" in h else 1)' \
    "$T/t140"
check "140 columns: crit for critical" grep -q "^$C3 .* crit " "$T/t140"

# ---- permissions: write commands need write access --------------------
sum_db() { sha256sum <"$DB" | cut -d' ' -f1; }
chmod u-w,g-w "$DB"
before=$(sum_db)
expect 3 "no write access: assign" assign "$C3" zoe
check "a clear message naming the group" contains "$T/err" \
    "cannot write queue $DB: Permission denied"
check "the message names psirt-staff" contains "$T/err" "psirt-staff"
check "no SQLite message" sh -c "! grep -qi 'sqlite\|readonly database' '$T/err'"
expect 0 "no write access: list still works" list --json
expect 0 "no write access: verify-log still works" verify-log
is "$(sum_db)" "$before" "nothing written"
chmod u+w,g+w "$DB"
# Read commands never write.
before=$(sum_db)
for c in "list" "show $C3" "log" "verify-log" "stats" "list --overdue"; do
	# shellcheck disable=SC2086
	run_psirt $c >/dev/null 2>&1
done
is "$(sum_db)" "$before" "read commands leave queue.db unchanged"

# ---- concurrent writers keep one chain --------------------------------
for i in 1 2 3 4 5 6; do
	mail_plain "p$i@example.test" "parallel $i" "x" "par-$i@example.test" \
	    >"$T/p$i"
done
for i in 1 2 3 4 5 6; do
	run_filter "p$i@example.test" <"$T/p$i" &
	run_psirt note "$C3" "written while filter $i runs" >/dev/null 2>&1 &
done
wait
expect 0 "verify-log after six filters and six notes at once" verify-log
check "every case agrees with its events" contains "$T/out" "cases: 11,"
expect 0 "log C3" log "$C3" --json
jq_is 'sum(1 for e in j if e["action"] == "note")' 9 \
    "the six concurrent notes are all there"

# ---- help, usage, the binary ------------------------------------------
for c in set assign note cve embargo credit cvss log verify-log stats \
    export attachment list show; do
	expect 0 "$c --help" "$c" --help
	check "$c --help: a usage line" grep -q '^usage: psirt' "$T/out"
done
expect 2 "unknown option to a triage command" assign "$C3" --frob
expect 2 "an option of another command" cve "$C3" --anonymous
if command -v nm >/dev/null 2>&1; then
	check "psirt (staff CLI) has no gpgme, pgp or libetpan symbol" \
	    sh -c "! nm '$PSIRT' 2>/dev/null | grep -Eqi 'gpgme|pgp_|etpan|mailmime'"
	check "psirt has a symbol table to look at" \
	    sh -c "nm '$PSIRT' 2>/dev/null | grep -q cli_cmd_set"
fi
check "psirt is not linked with gpgme or libetpan" \
    sh -c "! ldd '$PSIRT' | grep -Eq 'gpgme|etpan|gpg-error'"

tap_done
