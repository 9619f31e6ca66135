# NAME
#	lib.sh - a private, real Postfix instance for the end-to-end tests
# SYNOPSIS
#	. "$top_srcdir/tests/postfix/lib.sh"
#	pf_init [PSIRT_CONF_KEY=VALUE...]	(then pf_start)
#	pf_start [PSIRT_TEST_HOOK]		pf_stop		pf_restart [HOOK]
#	pf_submit FROM TO FILE			(SMTP, swaks)
#	pf_wait_psirt N [SECONDS]		(N psirt delivery attempts done)
#	pf_count STATUS				(psirt deliveries sent|deferred|bounced)
#	pf_queue_count [QUEUE]			(messages in Postfix's queue)
#	pf_no_bounce				(no bounce anywhere)
#	pf_done					(stop, check nothing is left, TAP plan)
# DESCRIPTION
#	Each test script runs its own Postfix: its config directory, queue and
#	data directory under a scratch directory $T, listening on 127.0.0.1 on
#	a free high port, for the domain example.test. The psirt service,
#	transport table and main.cf settings are contrib/postfix/ exactly, with
#	only the paths rewritten (the psirt-filter binary and psirt.conf, and
#	/etc/postfix/ to the instance's config directory); pf_init fails the
#	test if a path to rewrite is missing there. The gateway is prepared by
#	contrib/psirt-setup (user psirt, group psirt-staff, state directories,
#	hardened GnuPG home with the test gateway key), plus the public keys of
#	the test reporters. Test reporters have local mailboxes: the aliases
#	alice, expired, revoked, rsa, stranger, r1...r300 (all r* share one),
#	first, carol, dave, erin, mallory, hung (sharing another), postmaster
#	and MAILER-DAEMON deliver to files in $T/mail/. Nothing leaves the
#	instance (default_transport = error).
#
#	psirt-filter logs to $T/filter.log (PSIRT_LOG_FILE, through Postfix's
#	export_environment) as well as syslog; Postfix logs to $T/maillog.
#	A test hook (PSIRT_TEST_HOOK) is given to every psirt-filter of the
#	instance while it is set: pf_restart changes it.
#
#	Acknowledgements go through sendmail_command = $T/bin/sendmail, which
#	submits over SMTP to this instance (tests/postfix/smtp-sendmail.py): the
#	real sendmail(1) would need /etc/postfix/main.cf to list this instance
#	in alternate_config_directories, and the tests leave /etc alone.
#
#	Needs root (Postfix's master runs as root): otherwise the whole script
#	is skipped with a TAP plan "1..0 # SKIP". Installs postfix and swaks
#	with apt-get when they are missing, non-interactively.
#
#	pf_done stops the instance, checks that no process of it (nor a
#	gpg-agent of its GnuPG home) is left, removes $T and prints the plan.

. "$top_srcdir/tests/lib/env.sh"
. "$top_srcdir/tests/lib/mkmail.sh"
. "$top_srcdir/tests/lib/gpghome.sh"

PF_DOMAIN=example.test
PF_SECURITY=security@example.test
PF_PSIRT_USER=psirt
PF_PORT=
PF_SID=
PF_HOOK=

# tap_todo STATUS NAME REASON - a result that is allowed to fail for REASON
# (TAP "# TODO"); REASON empty makes it an ordinary result
tap_todo() {
	if [ -z "$3" ]; then
		tap_ok "$1" "$2"
		return
	fi
	TAP_N=$((TAP_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $TAP_N - $2 # TODO $3"
	else
		echo "not ok $TAP_N - $2 # TODO $3"
	fi
}

# is_todo GOT WANT NAME REASON - is, as a TODO while REASON is not empty
is_todo() {
	if [ "$1" = "$2" ]; then
		tap_todo 0 "$3" "$4"
	else
		tap_todo 1 "$3" "$4"
		printf '# got  "%s"\n# want "%s"\n' "$1" "$2"
	fi
}

# todo_openpgp - the TODO reason while no module outside pgp.c calls the
# decryption (the intake does not decrypt yet), else empty. Decided from
# the source, never from the result under test.
todo_openpgp() {
	if grep -l 'pgp_decrypt_verify[[:space:]]*(' "$top_srcdir"/src/*.c |
	    grep -qv '/pgp\.c$'; then
		echo ""
	else
		echo "OpenPGP decryption not wired into the intake yet"
	fi
}

# todo_decrypted_cap - the TODO reason while the OpenPGP TODO holds, or
# while no module but config.c names the quarantine reason
# limit:max_decrypted_size (DESIGN.md: the decrypted-size cap quarantines),
# else empty
todo_decrypted_cap() {
	_r=$(todo_openpgp)
	if [ -n "$_r" ]; then
		echo "$_r"
	elif grep -lE '"(limit:)?max_decrypted_size"' "$top_srcdir"/src/*.c |
	    grep -qv '/config\.c$'; then
		echo ""
	else
		echo "the intake does not quarantine at max_decrypted_size yet"
	fi
}

# todo_acks - the TODO reason while there is no acknowledgement module
# (src/ack.c, the "ack" module of DESIGN.md), else empty
todo_acks() {
	if [ -f "$top_srcdir/src/ack.c" ]; then
		echo ""
	else
		echo "acknowledgements (issue 8) do not exist yet"
	fi
}

# pf_skip_all REASON - skip the whole script
pf_skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

# pf_require - root, postfix and swaks (installed when missing)
pf_require() {
	[ "$(id -u)" -eq 0 ] ||
	    pf_skip_all "needs root to run a private Postfix instance"
	_missing=""
	command -v postfix >/dev/null 2>&1 || _missing="$_missing postfix"
	command -v swaks >/dev/null 2>&1 || _missing="$_missing swaks"
	[ -z "$_missing" ] && return 0
	(
		flock 9
		export DEBIAN_FRONTEND=noninteractive
		echo 'postfix postfix/main_mailer_type select No configuration' |
		    debconf-set-selections
		apt-get update -q >/dev/null 2>&1
		# shellcheck disable=SC2086
		apt-get install -y -q --no-install-recommends $_missing \
		    >/dev/null 2>&1
	) 9>/tmp/psirt-test-apt.lock
	command -v postfix >/dev/null 2>&1 && command -v swaks >/dev/null 2>&1 ||
	    { echo "Bail out! cannot install$_missing"; exit 1; }
}

# pf_free_port - a free TCP port on 127.0.0.1
pf_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# pf_rewrite FILE FROM TO... - copy FILE to stdout replacing each FROM by
# its TO (fixed strings); fail when a FROM is not in FILE
pf_rewrite() {
	_f=$1
	shift
	_text=$(cat "$_f") || return 1
	while [ $# -ge 2 ]; do
		case $_text in
		*"$1"*) ;;
		*) echo "# $_f: no '$1' to rewrite" >&2; return 1 ;;
		esac
		_text=$(printf '%s\n' "$_text" | python3 -c 'import sys; sys.stdout.write(sys.stdin.read().replace(sys.argv[1], sys.argv[2]))' "$1" "$2")
		shift 2
	done
	printf '%s\n' "$_text"
}

# pf_as_psirt CMD... - CMD as the gateway user
pf_as_psirt() {
	setpriv --reuid="$PF_PSIRT_USER" --regid="$(id -g "$PF_PSIRT_USER")" \
	    --clear-groups -- "$@"
}

# run_psirt ARGS... - the staff CLI on the gateway's queue (as psirt:
# any staff member would do; root is not needed)
run_psirt() {
	pf_as_psirt "$T/bin/psirt" -c "$T/psirt/psirt.conf" "$@"
}

# pf_init [KEY=VALUE...] - the scratch directory, the gateway (psirt-setup)
# and the Postfix configuration; KEY=VALUE are extra psirt.conf lines
pf_init() {
	pf_require
	T=$(mktemp -d /tmp/psirt-pf.XXXXXX)
	chmod 755 "$T"
	trap pf_cleanup EXIT
	trap 'exit 1' HUP INT TERM
	mkdir -p "$T/etc" "$T/queue" "$T/data" "$T/mail" "$T/bin" \
	    "$T/psirt/templates" "$T/san"
	chown postfix: "$T/data"
	chmod 1777 "$T/mail" "$T/san"
	cp "$top_builddir/psirt-filter" "$top_builddir/psirt" "$T/bin/"
	cp "$top_srcdir/tests/postfix/smtp-sendmail.py" "$T/bin/"
	cp "$top_srcdir"/etc/templates/* "$T/psirt/templates/" 2>/dev/null
	: >"$T/filter.log"
	chmod 666 "$T/filter.log"
	PF_PORT=$(pf_free_port)
	{
		echo "# generated by tests/postfix/lib.sh"
		echo "database = $T/state/queue.db"
		echo "spool_dir = $T/state/raw"
		echo "gnupg_home = $T/state/gnupg"
		echo "gateway_address = $PF_SECURITY"
		echo "sendmail_command = $T/bin/sendmail"
		echo "template_dir = $T/psirt/templates"
		for kv in "$@"; do echo "$kv"; done
	} >"$T/psirt/psirt.conf"
	printf '#!/bin/sh\nexec /usr/bin/python3 %s 127.0.0.1 %s "$@"\n' \
	    "$T/bin/smtp-sendmail.py" "$PF_PORT" >"$T/bin/sendmail"
	chmod 755 "$T/bin/sendmail"

	# The gateway, as an administrator sets it up. psirt-setup creates
	# the system user and group: serialize parallel test scripts.
	(
		flock 9
		sh "$top_srcdir/contrib/psirt-setup" -c "$T/psirt/psirt.conf" \
		    --import-key "$top_srcdir/keys/test-gateway.sec.asc" \
		    --filter "$T/bin/psirt-filter"
	) 9>/tmp/psirt-test-useradd.lock >"$T/setup.out" 2>&1 ||
	    { sed 's/^/# /' "$T/setup.out"; echo "Bail out! psirt-setup failed"; exit 1; }
	# The reporters' public keys, as if pinned from earlier reports.
	for k in alice expired revoked rsa; do
		pf_as_psirt env -i gpg --homedir "$T/state/gnupg" --batch \
		    --quiet --import <"$top_srcdir/keys/test-$k.pub.asc" \
		    2>/dev/null || { echo "Bail out! import $k"; exit 1; }
	done
	pf_as_psirt env -i gpgconf --homedir "$T/state/gnupg" --kill all \
	    >/dev/null 2>&1

	pf_write_config || { echo "Bail out! Postfix configuration"; exit 1; }
}

# pf_write_config - main.cf, master.cf, transport, aliases of the instance
pf_write_config() {
	_c="$top_srcdir/contrib/postfix"
	cat >"$T/etc/main.cf" <<EOF
# A private Postfix instance for psirt-gate's tests (tests/postfix/lib.sh).
compatibility_level = 3.6
queue_directory = $T/queue
data_directory = $T/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = loopback-only
inet_protocols = ipv4
myhostname = mx.$PF_DOMAIN
mydomain = $PF_DOMAIN
myorigin = $PF_DOMAIN
mydestination = $PF_DOMAIN, localhost
mynetworks = 127.0.0.0/8
relayhost =
default_transport = error:nothing leaves the test instance
maillog_file = $T/maillog
maillog_file_prefixes = $T
alias_maps = hash:$T/etc/aliases
alias_database = hash:$T/etc/aliases
biff = no
smtpd_banner = \$myhostname ESMTP
message_size_limit = 20480000
export_environment = TZ MAIL_CONFIG LANG PSIRT_LOG_FILE=$T/filter.log
    ASAN_OPTIONS=log_path=$T/san/asan:detect_leaks=1:abort_on_error=0
    UBSAN_OPTIONS=log_path=$T/san/ubsan:print_stacktrace=1:halt_on_error=1
    LSAN_OPTIONS=log_path=$T/san/lsan
EOF
	# main.cf settings of contrib/postfix, paths rewritten.
	pf_rewrite "$_c/main.cf" /etc/postfix/ "$T/etc/" >>"$T/etc/main.cf" ||
	    return 1
	[ -z "$PF_HOOK" ] ||
	    sed -i "s|^export_environment = .*|& PSIRT_TEST_HOOK=$PF_HOOK|" \
		"$T/etc/main.cf"
	cat >"$T/etc/master.cf" <<EOF
# A private Postfix instance for psirt-gate's tests (tests/postfix/lib.sh).
127.0.0.1:$PF_PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
	# The psirt service of contrib/postfix, paths rewritten.
	pf_rewrite "$_c/master.cf" \
	    /usr/libexec/psirt/psirt-filter "$T/bin/psirt-filter" \
	    /etc/psirt/psirt.conf "$T/psirt/psirt.conf" \
	    >>"$T/etc/master.cf" || return 1
	pf_rewrite "$_c/transport" security@example.org "$PF_SECURITY" \
	    >"$T/etc/transport" || return 1
	{
		for u in alice expired revoked rsa stranger postmaster; do
			echo "$u: $T/mail/$u"
		done
		for u in first carol dave erin mallory hung; do
			echo "$u: $T/mail/other"
		done
		echo "MAILER-DAEMON: $T/mail/postmaster"
		i=1
		while [ $i -le 300 ]; do
			echo "r$i: $T/mail/load"
			i=$((i + 1))
		done
	} >"$T/etc/aliases"
	postmap -c "$T/etc" "hash:$T/etc/transport" &&
	    postalias -c "$T/etc" "hash:$T/etc/aliases"
}

# pf_start [HOOK] - check and start the instance, wait for its SMTP port
pf_start() {
	PF_HOOK=${1:-}
	pf_write_config || { echo "Bail out! Postfix configuration"; exit 1; }
	postfix -c "$T/etc" check >"$T/check.out" 2>&1 ||
	    { sed 's/^/# /' "$T/check.out"; echo "Bail out! postfix check"; exit 1; }
	postfix -c "$T/etc" start >/dev/null 2>&1 ||
	    { tail -20 "$T/maillog" | sed 's/^/# /'; echo "Bail out! postfix start"; exit 1; }
	PF_SID=$(tr -d ' \n' <"$T/queue/pid/master.pid")
	_i=0
	until python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' \
	    "$PF_PORT" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -lt 100 ] || { echo "Bail out! SMTP port $PF_PORT not listening"; exit 1; }
		sleep 0.1
	done
}

# pf_procs - the processes of the running instance (its master's session,
# zombies aside) and any process whose command line names $T
pf_procs() {
	{
		[ -z "$PF_SID" ] ||
		    ps -eo pid=,sid=,stat= | awk -v s="$PF_SID" \
			'$2 == s && $3 !~ /^Z/ { print $1 }'
		pgrep -f "$T/" 2>/dev/null
	} | sort -u
}

# pf_stop - stop the instance and the gateway's gpg-agent; wait until no
# process of them is left (at most 10 s, then SIGKILL to those left)
pf_stop() {
	[ -n "$PF_SID" ] || return 0
	postfix -c "$T/etc" stop >/dev/null 2>&1
	pf_as_psirt env -i gpgconf --homedir "$T/state/gnupg" --kill all \
	    >/dev/null 2>&1
	_i=0
	while [ -n "$(pf_procs)" ] && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	_left=$(pf_procs)
	if [ -n "$_left" ]; then
		echo "# still running after stop, killed: $(echo $_left)"
		# shellcheck disable=SC2086
		kill -9 $_left 2>/dev/null
	fi
	PF_LAST_SID=$PF_SID
	PF_SID=
	[ -z "$_left" ]
}

# pf_restart [HOOK] - stop, then start with another test hook (or none)
pf_restart() {
	pf_stop
	pf_start "${1:-}"
}

# pf_umount_all - unmount whatever a test mounted under $T
pf_umount_all() {
	awk -v t="$T/" 'index($2, t) == 1 { print $2 }' /proc/mounts |
	    while read -r _m; do umount "$_m"; done
}

# pf_cleanup - on exit: stop everything, remove $T
pf_cleanup() {
	pf_stop >/dev/null 2>&1
	pf_umount_all 2>/dev/null
	if [ -n "${KEEP_TEST_DIR:-}" ]; then
		echo "# kept $T"
		return
	fi
	rm -rf "$T"
}

# pf_submit FROM TO FILE - submit FILE over SMTP; 0 when Postfix took it
pf_submit() {
	swaks --silent 2 --server "127.0.0.1:$PF_PORT" --helo client.example.test \
	    --from "$1" --to "$2" --data "@$3" >>"$T/swaks.out" 2>&1
}

# pf_psirt_results - psirt delivery results in the mail log, one a line
pf_psirt_results() {
	grep -E 'postfix/pipe\[[0-9]+\]: [0-9A-F]+: to=<[^>]*>, .*relay=psirt, .*status=(sent|deferred|bounced)' \
	    "$T/maillog" 2>/dev/null
}

# pf_count STATUS - psirt deliveries that ended with STATUS
pf_count() {
	pf_psirt_results | grep -c "status=$1"
}

# pf_wait_psirt N [SECONDS] - wait until N psirt deliveries have ended (any
# status) and the active and incoming queues are empty; 1 on timeout
pf_wait_psirt() {
	_deadline=$(($(date +%s) + ${2:-60}))
	while :; do
		_n=$(pf_psirt_results | wc -l)
		if [ "$_n" -ge "$1" ] && [ "$(pf_queue_count active)" -eq 0 ] &&
		    [ "$(pf_queue_count incoming)" -eq 0 ]; then
			return 0
		fi
		[ "$(date +%s)" -lt "$_deadline" ] || return 1
		sleep 0.2
	done
}

# pf_queue_count [QUEUE] - messages in Postfix's queue (or in one of its
# queues: incoming, active, deferred, hold)
pf_queue_count() {
	postqueue -c "$T/etc" -j 2>/dev/null |
	    python3 -c 'import json, sys
q = sys.argv[1] if len(sys.argv) > 1 else ""
print(sum(1 for l in sys.stdin if l.strip() and (not q or json.loads(l)["queue_name"] == q)))' ${1:+"$1"}
}

# pf_no_bounce - no bounce: none logged, none in the bounce logs, no
# notice to a sender or the postmaster
pf_no_bounce() {
	! grep -qE 'status=bounced|non-delivery notification|postmaster notification' \
	    "$T/maillog" &&
	    [ -z "$(find "$T/queue/bounce" -type f 2>/dev/null)" ] &&
	    [ ! -s "$T/mail/postmaster" ]
}

# pf_case_count - cases in the queue (0 when there is no queue yet)
pf_case_count() {
	run_psirt list --json 2>/dev/null | json_get 'len(j)' 2>/dev/null ||
	    echo 0
}

# pf_last_case_json - psirt show --json of the newest case
pf_last_case_json() {
	_id=$(run_psirt list --json | json_get 'j[-1]["id"]') &&
	    run_psirt show "$_id" --json
}

# pf_done - stop the instance, check that nothing of it is left, the plan
pf_done() {
	pf_stop
	tap_ok $? "Postfix stopped: no process of the instance left"
	_sid=$PF_LAST_SID
	_left=$(ps -eo pid=,sid=,stat=,args= | awk -v s="$_sid" \
	    '$2 == s && $3 !~ /^Z/' ; pgrep -af "$T/" 2>/dev/null)
	is "$_left" "" "no Postfix, psirt-filter or gpg-agent process left"
	pf_umount_all
	if [ -z "${KEEP_TEST_DIR:-}" ]; then
		_san=$(find "$T/san" -type f -size +0 2>/dev/null | wc -l)
		[ "$_san" -eq 0 ] || head -50 "$T"/san/* | sed 's/^/# /'
		is "$_san" 0 "no sanitizer report"
		rm -rf "$T"
		check "queue and scratch directory removed" test ! -e "$T"
	fi
	echo "1..$TAP_N"
	trap - EXIT
	[ "$TAP_FAILED" -eq 0 ]
}
