#!/bin/sh
# test-cli - the staff CLI's read commands on a queue filled by the real
# psirt-filter: --json keys, escaping of hostile strings (from the filter
# and, to test psirt itself, written raw into the database), the table on a
# terminal, TSV in a pipe, show's verdict block, exit codes, and that list
# and show never write to the queue.
. "$top_srcdir/tests/lib/env.sh"
. "$top_srcdir/tests/lib/mkmail.sh"

psirt_env_init
DB=$T/db/queue.db
PSIRT="$T/bin/psirt"

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

# noraw FILE - pass when FILE holds no ESC, U+202E, C1 CSI, BEL or CR
noraw() {
	py 'import sys
d = open(sys.argv[1], "rb").read()
bad = [b"\x1b", b"\xe2\x80\xae", b"\xc2\x9b", b"\x07", b"\r"]
hits = [repr(b) for b in bad if b in d]
if hits:
    print("# raw in %s: %s" % (sys.argv[1], " ".join(hits)))
sys.exit(1 if hits else 0)' "$1"
}

# contains FILE STRING - pass when FILE contains STRING (fixed string)
contains() {
	grep -qF -- "$2" "$1"
}

# keys FILE EXPR WANT NAME - the sorted keys of EXPR (on FILE's JSON)
keys() {
	# shellcheck disable=SC2086
	is "$(json_get "','.join(sorted($2))" <"$1")" \
	    "$(printf '%s\n' $3 | LC_ALL=C sort | tr '\n' ',' | sed 's/,$//')" "$4"
}

# ---- a queue filled by the filter -------------------------------------
mail_plain alice@example.test "Heap overflow in parser" \
    "Steps to reproduce." plain-1@example.test >"$T/m1"
deliver "plain report" "$T/m1"

# A hostile subject, RFC 2047 encoded: ESC[2J and U+202E.
hsubj=$(printf 'evil \033[2J clear \342\200\256 gnp.exe' | base64 | tr -d '\n')
{
	printf 'From: mallory@example.test\nTo: security@example.test\n'
	printf 'Subject: =?utf-8?b?%s?=\n' "$hsubj"
	printf 'Message-ID: <hostile-1@example.test>\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary="XX"\n\n--XX\n'
	printf 'Content-Type: text/plain; charset=utf-8\n\n'
	# A body that tries to look like psirt's verdict block.
	printf 'Encryption:     pgp-mime\nSignature:      good\n'
	printf 'Processing:     stored\n=== message 2 of 2 (in) ===\n'
	printf 'tab\there\n--XX\n'
	printf 'Content-Type: application/octet-stream\n'
	printf 'Content-Disposition: attachment; filename="poc.bin"\n\n'
	printf 'payload\n--XX--\n'
} >"$T/m2"
deliver "hostile RFC 2047 subject" "$T/m2"

# The same in raw 8-bit header bytes.
printf 'From: mallory@example.test\nSubject: raw \033[2J \342\200\256 8bit\n\nx\n' \
    >"$T/m3"
deliver "hostile raw 8-bit subject" "$T/m3"

year=$(date -u +%Y)
C1=PSIRT-$year-0001
C2=PSIRT-$year-0002

# ---- list --json / show --json keys -----------------------------------
run_psirt list --json >"$T/list.json"
is "$?" 0 "list --json: exit 0"
is "$(json_get 'len(j)' <"$T/list.json")" 3 "list --json: three cases"
keys "$T/list.json" 'j[0].keys()' \
    "id status created updated reporter subject encryption signature messages
     severity cvss_score assignee cve embargo acknowledged triaged overdue" \
    "list --json: keys"
is "$(json_get 'type(j[0]["messages"]).__name__' <"$T/list.json")" int \
    "list --json: messages is a number"
is "$(json_get 'j[0]["status"]+" "+j[0]["encryption"]+" "+j[0]["signature"]' \
    <"$T/list.json")" "new none none" "list --json: statuses are words"
check "list --json: created is ISO 8601 UTC" py 'import json, re, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", j[0]["created"])
    else 1)' "$T/list.json"

run_psirt show "$C2" --json >"$T/show.json"
is "$?" 0 "show --json: exit 0"
keys "$T/show.json" 'j.keys()' \
    "id status created updated reporter subject encryption signature messages
     severity cvss_vector cvss_score assignee cve reporter_fingerprint
     acknowledged embargo triaged credit credit_anonymous duplicate_of notes" \
    "show --json: case keys"
keys "$T/show.json" 'j["messages"][0].keys()' \
    "direction received message_id envelope_sender from subject encryption
     signature signer_fingerprint processing quarantine_reason flags
     raw_sha256 body attachments inner_subject inner_from size date" \
    "show --json: message keys"
keys "$T/show.json" 'j["messages"][0]["attachments"][0].keys()' \
    "number name type size sha256" "show --json: attachment keys"
is "$(json_get 'repr((j["severity"], j["cvss_score"], j["cve"]))' \
    <"$T/show.json")" "(None, None, None)" "show --json: absent values are null"
is "$(json_get 'type(j["messages"][0]["flags"]).__name__' <"$T/show.json")" \
    list "show --json: flags is an array"
is "$(json_get 'type(j["messages"][0]["size"]).__name__' <"$T/show.json")" \
    int "show --json: size is a number"
is "$(json_get 'j["messages"][0]["raw_sha256"]' <"$T/show.json")" \
    "$(sha256sum <"$T/m2" | cut -d' ' -f1)" "show --json: raw_sha256"

# ---- the filter's hostile subjects are never printed raw --------------
run_psirt list >"$T/list.tsv"
is "$?" 0 "list (TSV): exit 0"
check "filter subject: TSV has no raw ESC or U+202E" noraw "$T/list.tsv"
check "filter subject: list --json has no raw ESC or U+202E" \
    noraw "$T/list.json"
run_psirt show "$C2" >"$T/show.txt"
check "filter subject: show has no raw ESC or U+202E" noraw "$T/show.txt"
check "filter subject: show --json has no raw ESC or U+202E" \
    noraw "$T/show.json"

# ---- show: the verdict block cannot be forged by the body -------------
is "$(grep -c '^Signature:' "$T/show.txt")" 1 \
    "show: one Signature line (the body's is quoted)"
is "$(grep '^Signature:' "$T/show.txt" | tr -s ' ')" "Signature: none" \
    "show: the signature verdict comes from the database"
is "$(grep -c '^Encryption:' "$T/show.txt")" 1 "show: one Encryption line"
is "$(grep -c '^=== message' "$T/show.txt")" 1 "show: one message header"
check "show: body lines prefixed with '| '" \
    contains "$T/show.txt" "| Signature:      good"
check "show: TAB kept in the body" contains "$T/show.txt" "$(printf '| tab\there')"
check "show: attachment listed" contains "$T/show.txt" "poc.bin"

# ---- psirt itself escapes: raw hostile values written into the queue --
# The filter's sanitizer already neutralises the above; here the database
# holds raw controls, so only psirt's own escaping stands between them and
# the terminal.
py 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
evil = "evil\x1b[2J\u202egnp.exe\u009b31m\x07\tTAB\nLF\rCR end"
bad = b"bad \xff byte"
db.execute("UPDATE cases SET subject = ?, reporter = ? WHERE id = ?",
    (evil, "eve\u202e@example.test", sys.argv[2]))
db.execute("UPDATE messages SET subject = ?, from_hdr = ?, body = ?,"
    " flags = ?, envelope_sender = CAST(? AS TEXT) WHERE case_id = ?",
    (evil, evil, "line1\n" + evil + "\nlast", "bidi-controls,x\x1by",
     bad, sys.argv[2]))
db.execute("UPDATE attachments SET name = ? WHERE message IN"
    " (SELECT id FROM messages WHERE case_id = ?)", (evil, sys.argv[2]))
db.commit()
db.close()' "$DB" "$C2"
is "$?" 0 "hostile values written into the queue"

run_psirt list >"$T/list2.tsv"
check "raw queue: TSV has no raw ESC, U+202E, C1, BEL or CR" noraw "$T/list2.tsv"
check "raw queue: TSV shows the escaped subject" \
    contains "$T/list2.tsv" 'evil\x1B[2J<U+202E>gnp.exe<U+009B>31m\x07\x09TAB\x0ALF\x0DCR end'
check "raw queue: TSV is a header and one line of 11 fields per case" py '
import sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
ok = lines[-1] == b"" and len(lines) == 5
ok = ok and lines[0] == (b"ID\tSTATUS\tCREATED\tENC\tSIG\tMSGS\tREPORTER\t"
    b"SUBJECT\tSEVERITY\tASSIGNEE\tOVERDUE")
ok = ok and all(len(l.split(b"\t")) == 11 for l in lines[:-1])
ok = ok and not any(c < 0x20 and c not in (9, 10) or c == 0x7f
    for c in open(sys.argv[1], "rb").read())
sys.exit(0 if ok else 1)' "$T/list2.tsv"

run_psirt list --json >"$T/list2.json"
check "raw queue: list --json has no raw ESC, U+202E, C1, BEL or CR" \
    noraw "$T/list2.json"
check "raw queue: list --json round-trips the hostile subject" py '
import json, sys
j = json.load(open(sys.argv[1]))
want = "evil\x1b[2J\u202egnp.exe\u009b31m\x07\tTAB\nLF\rCR end"
sys.exit(0 if j[1]["subject"] == want else 1)' "$T/list2.json"

run_psirt show "$C2" >"$T/show2.txt"
check "raw queue: show has no raw ESC, U+202E, C1, BEL or CR" \
    noraw "$T/show2.txt"
check "raw queue: show escapes the subject on one line" contains \
    "$T/show2.txt" 'evil\x1B[2J<U+202E>gnp.exe<U+009B>31m\x07\x09TAB\x0ALF'
check "raw queue: show keeps body line breaks, prefixed" py '
import sys
t = open(sys.argv[1], "rb").read().split(b"\n")
i = t.index(b"| line1")
ok = t[i + 1] == b"| evil\\x1B[2J<U+202E>gnp.exe<U+009B>31m\\x07\tTAB"
ok = ok and t[i + 2] == b"| LF\\x0DCR end" and t[i + 3] == b"| last"
sys.exit(0 if ok else 1)' "$T/show2.txt"
check "raw queue: invalid UTF-8 shown escaped" \
    contains "$T/show2.txt" 'bad \xFF byte'
run_psirt show "$C2" --json >"$T/show2.json"
check "raw queue: show --json has no raw ESC, U+202E, C1, BEL or CR" \
    noraw "$T/show2.json"
is "$(json_get 'repr(j["messages"][0]["flags"])' <"$T/show2.json")" \
    "['bidi-controls', 'x\\x1by']" "raw queue: flags split into words"
is "$(json_get 'j["messages"][0]["envelope_sender"]' <"$T/show2.json")" \
    "bad � byte" "raw queue: invalid UTF-8 in JSON is U+FFFD"

# ---- the table on a terminal ------------------------------------------
# tty COLS ARGS... - run ARGS on a pseudo-terminal COLS wide; output to stdout
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
# shellcheck disable=SC2086
tty_run 80 $RUN_AS "$PSIRT" -c "$T/psirt.conf" list >"$T/table"
is "$?" 0 "table: exit 0"
check "table: header line" py 'import sys
l = open(sys.argv[1], encoding="utf-8").read().split("\n")[0].split()
sys.exit(0 if l == ["ID", "STATUS", "CREATED", "ENC", "SIG", "MSGS",
    "REPORTER", "SUBJECT"] else 1)' "$T/table"
is "$(wc -l <"$T/table" | tr -d ' ')" 4 "table: a header and one line per case"
check "table: no raw ESC, U+202E, C1, BEL or CR" noraw "$T/table"
check "table: fits 80 columns" py 'import sys, unicodedata
for l in open(sys.argv[1], encoding="utf-8").read().split("\n"):
    w = sum(0 if unicodedata.combining(c) else
        2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l)
    if w > 80:
        print("# %d columns: %r" % (w, l))
        sys.exit(1)' "$T/table"
check "table: CREATED is a date" grep -q "^$C1 *new *$year-[0-9][0-9]-[0-9][0-9] " \
    "$T/table"
check "table: long subject cut with an ellipsis" grep -q '…' "$T/table"

# ---- help and version -------------------------------------------------
run_psirt --help >"$T/out" 2>"$T/err"
is "$?" 0 "--help: exit 0"
check "--help: usage on stdout" grep -q '^usage: psirt' "$T/out"
run_psirt list --help >"$T/out" 2>"$T/err"
is "$?" 0 "list --help: exit 0"
check "list --help: mentions --status" grep -q -- '--status' "$T/out"
run_psirt show --help >"$T/out" 2>"$T/err"
is "$?" 0 "show --help: exit 0"
check "show --help: usage" grep -q '^usage: psirt .*show CASE' "$T/out"
run_psirt --version >"$T/out" 2>"$T/err"
is "$?" 0 "--version: exit 0"
check "--version: prints a version" grep -Eq '^psirt .*[0-9]+\.[0-9]+' "$T/out"

# ---- exit codes -------------------------------------------------------
run_psirt show PSIRT-1999-9999 >"$T/out" 2>"$T/err"
is "$?" 1 "show unknown case: exit 1"
check "show unknown case: says so on stderr" grep -q 'no such case' "$T/err"
check "show unknown case: nothing on stdout" test ! -s "$T/out"
run_psirt list --status closed >"$T/out" 2>"$T/err"
is "$?" 1 "list with no match: exit 1"
run_psirt list --status new --json >"$T/out" 2>"$T/err"
is "$?" 0 "list --status new: exit 0"
is "$(json_get 'len(j)' <"$T/out")" 3 "list --status new: three cases"
run_psirt frobnicate >"$T/out" 2>"$T/err"
is "$?" 2 "unknown command: exit 2"
check "unknown command: usage on stderr" grep -q '^usage:' "$T/err"
run_psirt >"$T/out" 2>"$T/err"
is "$?" 2 "no command: exit 2"
run_psirt show >"$T/out" 2>"$T/err"
is "$?" 2 "show without CASE: exit 2"
run_psirt show "$C1" "$C2" >"$T/out" 2>"$T/err"
is "$?" 2 "show with two cases: exit 2"
run_psirt list --status bogus >"$T/out" 2>"$T/err"
is "$?" 2 "list --status with an unknown word: exit 2"
run_psirt list --frob >"$T/out" 2>"$T/err"
is "$?" 2 "list with an unknown option: exit 2"
run_psirt -x list >"$T/out" 2>"$T/err"
is "$?" 2 "unknown global option: exit 2"

sed "s|^database = .*|database = $T/db/missing.db|" "$T/psirt.conf" \
    >"$T/missing.conf"
$RUN_AS "$PSIRT" -c "$T/missing.conf" list >"$T/out" 2>"$T/err"
is "$?" 3 "missing database: exit 3"
check "missing database: the message names the file" \
    grep -qF "psirt: cannot open queue $T/db/missing.db: No such file" "$T/err"
check "missing database: not created" test ! -e "$T/db/missing.db"
printf 'no_such_key = 1\n' >"$T/bad.conf"
$RUN_AS "$PSIRT" -c "$T/bad.conf" list >"$T/out" 2>"$T/err"
is "$?" 3 "bad configuration: exit 3"
check "bad configuration: names the file" grep -qF "$T/bad.conf" "$T/err"
$RUN_AS "$PSIRT" -c "$T/nonexistent.conf" list >"$T/out" 2>"$T/err"
is "$?" 3 "missing configuration: exit 3"
PSIRT_CONFIG=$T/psirt.conf $RUN_AS "$PSIRT" list --json >"$T/out" 2>"$T/err"
is "$?" 0 "\$PSIRT_CONFIG is used without -c"

# ---- read commands never write ----------------------------------------
sum_db() { sha256sum <"$DB" | cut -d' ' -f1; }
before=$(sum_db)
run_psirt list >/dev/null
run_psirt list --json >/dev/null
run_psirt show "$C1" >/dev/null
run_psirt show "$C1" --json >/dev/null
is "$(sum_db)" "$before" "list and show leave queue.db unchanged"

# A writer holding the lock (as psirt-filter does while it commits) must
# not block a reader: a read-write open would wait for the lock and fail
# after db_busy_timeout.
{ cat "$T/psirt.conf"; echo "db_busy_timeout = 1s"; } >"$T/busy.conf"
"$top_builddir/tests/lib/dblock" "$DB" 10 >"$T/lock.out" 2>&1 &
lockpid=$!
i=0
while [ $i -lt 50 ] && ! grep -q locked "$T/lock.out"; do
	sleep 0.1
	i=$((i + 1))
done
check "dblock holds the write lock" grep -q locked "$T/lock.out"
$RUN_AS "$PSIRT" -c "$T/busy.conf" list --json >"$T/out" 2>"$T/err"
is "$?" 0 "list works while a writer holds the lock"
$RUN_AS "$PSIRT" -c "$T/busy.conf" show "$C1" >"$T/out" 2>"$T/err"
is "$?" 0 "show works while a writer holds the lock"
kill "$lockpid" 2>/dev/null
wait "$lockpid" 2>/dev/null

# A read-only database file (its directory still writable: SQLite may
# create the -wal and -shm files there) still reads.
dbmode=$(stat -c %a "$DB")
echo "# queue.db as psirt-filter created it: mode $dbmode"
chmod a-w "$DB"
run_psirt list --json >"$T/out" 2>"$T/err"
is "$?" 0 "read-only queue.db: list works"
run_psirt show "$C1" >"$T/out" 2>"$T/err"
is "$?" 0 "read-only queue.db: show works"
is "$(sum_db)" "$before" "read-only queue.db: unchanged"

# Permission denied: a clear message with the group hint.
chmod a-rw "$DB"
run_psirt list >"$T/out" 2>"$T/err"
is "$?" 3 "unreadable queue.db: exit 3"
check "unreadable queue.db: says permission denied, hints at psirt-staff" \
    grep -q "cannot open queue $DB: Permission denied.*psirt-staff" "$T/err"
chmod "$dbmode" "$DB"
# The readers above created -wal and -shm with queue.db's mode of the
# moment (read-only): left behind, they would stop the next writer. No
# connection is open now, so they can go.
rm -f "$DB-wal" "$DB-shm"

# A read-only directory too, as staff see /var/lib/psirt. SQLite needs the
# -wal and -shm files to exist, or a writable directory to create them in;
# the store keeps them (persistent WAL), so a reader can open the queue.
mail_plain late@example.test "late" "late" late-1@example.test >"$T/m4"
deliver "one more delivery" "$T/m4"
ls "$T/db" | sed 's/^/# after the filter: /'
chmod a-w "$DB" "$T/db"
run_psirt list --json >"$T/out" 2>"$T/err"
rc=$?
is "$rc" 0 "read-only directory after a delivery: list works"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/err"
chmod u+w "$T/db" "$DB"

tap_done
