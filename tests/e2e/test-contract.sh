#!/bin/sh
# test-contract - the Postfix contract: exit 75 and nothing half-written for
# the gateway's own trouble, nothing on stdout/stderr, --check-config.
. "$top_srcdir/tests/lib/env.sh"
. "$top_srcdir/tests/lib/mkmail.sh"

psirt_env_init db_busy_timeout=1s
mail_plain alice@example.test "contract" "hello" >"$T/m1"

# spool_clean - no temporary file left in the spool
spool_clean() {
	[ -z "$(find "$T/spool" -name '.tmp.*')" ]
}

# The database directory is unwritable: 75, no queue created.
chmod 555 "$T/db"
run_filter alice@example.test <"$T/m1"
is "$?" 75 "unwritable database directory: exit 75"
check "unwritable database directory: no queue file" test ! -e "$T/db/queue.db"
check "unwritable database directory: no temporary spool file" spool_clean
chmod 755 "$T/db"

# The spool is unwritable: 75, nothing stored.
chmod 555 "$T/spool"
run_filter alice@example.test <"$T/m1"
is "$?" 75 "unwritable spool: exit 75"
chmod 755 "$T/spool"
is "$(case_count)" 0 "unwritable spool: no case"

# The database is locked past db_busy_timeout: 75, then it is stored once.
run_filter alice@example.test <"$T/m1"
is "$?" 0 "first delivery stored"
mail_plain bob@example.test "locked" "locked out" >"$T/m2"
$RUN_AS "$top_builddir/tests/lib/dblock" "$T/db/queue.db" 4 >"$T/lock.out" &
lockpid=$!
while [ ! -s "$T/lock.out" ]; do sleep 0.1; done
start=$(date +%s)
run_filter bob@example.test <"$T/m2"
rc=$?
end=$(date +%s)
is "$rc" 75 "database locked past the busy timeout: exit 75"
check "busy timeout honoured (under $((1 + 3 * SLOW)) s)" \
    test $((end - start)) -lt $((1 + 3 * SLOW))
wait $lockpid
is "$(case_count)" 1 "locked: nothing half-written"
run_filter bob@example.test <"$T/m2"
is "$?" 0 "after the lock is gone: stored"
is "$(case_count)" 2 "after the lock is gone: exactly one more case"

# The deadline fires while the database is locked: 75 within the deadline.
sed -i 's/^db_busy_timeout.*/db_busy_timeout = 60s/' "$T/psirt.conf"
printf 'worker_timeout = 1s\ndeadline = 2s\n' >>"$T/psirt.conf"
mail_plain carol@example.test "deadline" "too slow" >"$T/m3"
$RUN_AS "$top_builddir/tests/lib/dblock" "$T/db/queue.db" 5 >"$T/lock2.out" &
lockpid=$!
while [ ! -s "$T/lock2.out" ]; do sleep 0.1; done
start=$(date +%s)
run_filter carol@example.test <"$T/m3"
rc=$?
end=$(date +%s)
is "$rc" 75 "deadline fires: exit 75"
check "deadline fires: within $((2 + 2 * SLOW)) s" \
    test $((end - start)) -lt $((2 + 2 * SLOW))
wait $lockpid
is "$(case_count)" 2 "deadline: nothing half-written"

# Configuration trouble: unreadable or invalid → 75.
cp "$T/psirt.conf" "$T/good.conf"
echo "max_mime_depth = lots" >>"$T/psirt.conf"
run_filter dave@example.test <"$T/m3"
is "$?" 75 "invalid configuration: exit 75"
chmod 000 "$T/psirt.conf"
[ "$(id -u)" -eq 0 ] || true
run_filter dave@example.test <"$T/m3"
is "$?" 75 "unreadable configuration: exit 75"
cp "$T/good.conf" "$T/psirt.conf"
chmod 644 "$T/psirt.conf"

# A bad command line (a master.cf mistake) is the gateway's trouble too.
env PSIRT_LOG_FILE="$T/log" $RUN_AS "$T/bin/psirt-filter" -c "$T/psirt.conf" \
    -x -- security@example.test <"$T/m3" >>"$T/filter.out" 2>&1
is "$?" 75 "unknown option: exit 75"
env PSIRT_LOG_FILE="$T/log" $RUN_AS "$T/bin/psirt-filter" -c "$T/psirt.conf" \
    -- security@example.test <"$T/m3" >>"$T/filter.out" 2>&1
is "$?" 75 "no -f SENDER: exit 75"

# Root is refused (75: Postfix keeps the mail until master.cf is fixed).
if [ "$(id -u)" -eq 0 ]; then
	env PSIRT_LOG_FILE="$T/log" "$T/bin/psirt-filter" -c "$T/psirt.conf" \
	    -f x@example.test -- security@example.test <"$T/m3" \
	    >>"$T/filter.out" 2>&1
	is "$?" 75 "run as root: refused with 75"
	check "run as root: logged" grep -q 'refusing to run as root' "$T/log"
fi

# Disk full (a tiny tmpfs as the spool, root only): 75, no temporary left.
if [ "$(id -u)" -eq 0 ] && mkdir -p "$T/tiny" &&
    mount -t tmpfs -o size=64k,mode=777 tmpfs "$T/tiny" 2>/dev/null; then
	sed -i "s|^spool_dir.*|spool_dir = $T/tiny|" "$T/psirt.conf"
	head -c 300000 /dev/urandom | base64 >"$T/big"
	mail_plain erin@example.test "big" "$(cat "$T/big")" >"$T/m4"
	run_filter erin@example.test <"$T/m4"
	is "$?" 75 "disk full: exit 75"
	check "disk full: no temporary spool file" \
	    test -z "$(find "$T/tiny" -name '.tmp.*')"
	umount "$T/tiny"
	cp "$T/good.conf" "$T/psirt.conf"
else
	echo "# disk-full test skipped (needs root and tmpfs)"
fi

check "the filter printed nothing on stdout or stderr" test ! -s "$T/filter.out"
check "every refusal was logged" \
    test "$(grep -c 'deferring' "$T/log")" -ge 6

# --check-config: 0 for a good file (and the GnuPG home that --init
# hardened, both as the gateway user), non-zero naming the key and line.
$RUN_AS "$T/bin/psirt-filter" -c "$T/good.conf" --init >/dev/null 2>&1
$RUN_AS "$T/bin/psirt-filter" -c "$T/good.conf" --check-config >/dev/null 2>&1
is "$?" 0 "--check-config accepts a good file"
printf 'case_prefix = SEC\nworker_timeout = 10x\n' >"$T/bad.conf"
msg=$("$T/bin/psirt-filter" -c "$T/bad.conf" --check-config 2>&1)
rc=$?
check "--check-config rejects a bad value" test "$rc" -ne 0
case "$msg" in
*bad.conf:2:*worker_timeout*) tap_ok 0 "--check-config names the line and key" ;;
*) tap_ok 1 "--check-config names the line and key"; echo "# $msg" ;;
esac
printf 'colour = blue\n' >"$T/bad2.conf"
msg=$("$T/bin/psirt-filter" -c "$T/bad2.conf" --check-config 2>&1)
case "$msg" in
*bad2.conf:1:*unknown\ key*colour*) tap_ok 0 "--check-config names an unknown key" ;;
*) tap_ok 1 "--check-config names an unknown key"; echo "# $msg" ;;
esac
PSIRT_CONFIG="$T/bad2.conf" "$T/bin/psirt-filter" --check-config >/dev/null 2>&1
check "\$PSIRT_CONFIG is read when -c is absent" test "$?" -ne 0
tap_done
