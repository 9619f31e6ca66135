#!/bin/sh
# test-setup - installation: contrib/psirt-setup creates the user psirt,
# the group psirt-staff, the state directories with the modes of DESIGN.md
# "Files", the hardened GnuPG home, imports or generates the gateway key and
# prints its fingerprint; a second run changes nothing. The files
# psirt-filter then creates are readable by psirt-staff and nobody else.
# "make install DESTDIR=..." puts every file where README.md says.
. "$top_srcdir/tests/lib/env.sh"
. "$top_srcdir/tests/lib/mkmail.sh"
. "$top_srcdir/tests/lib/gpghome.sh"

[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP needs root (creates system users)"; exit 0; }
T=$(mktemp -d /tmp/psirt-setup.XXXXXX)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM
setup=$top_srcdir/contrib/psirt-setup
cp "$top_builddir/psirt-filter" "$top_builddir/psirt" "$T/"

# setup ARGS... - psirt-setup, output in $T/out; serialized with the other
# scripts that create the system users
setup() {
	(
		flock 9
		sh "$setup" --filter "$T/psirt-filter" "$@"
	) 9>/tmp/psirt-test-useradd.lock >"$T/out" 2>&1
}

# snapshot DIR... - every file and directory: type, mode, owner, group;
# files also size, mtime and content
snapshot() {
	find "$@" -printf '%p %y %m %u %g\n' | sort
	find "$@" -type f -printf '%p %s %T@\n' | sort
	find "$@" -type f -exec sha256sum {} + | sort
	getent passwd psirt
	getent group psirt-staff
}

# stat_is PATH WANT NAME - "mode owner group" of PATH
stat_is() {
	is "$(stat -c '%a %U %G' "$1" 2>&1)" "$2" "$3"
}

# as USER[:GROUPS] CMD... - CMD as another user
as() {
	_u=${1%%:*}
	_g=""
	case $1 in *:*) _g="--groups=${1#*:}" ;; *) _g="--clear-groups" ;; esac
	shift
	setpriv --reuid="$_u" --regid="$(id -g "$_u")" $_g -- "$@"
}

# README's wiring section shows contrib/postfix exactly.
python3 - "$top_srcdir" >"$T/readme.out" <<'EOF'
import sys
top = sys.argv[1]
readme = [l.strip() for l in open(top + "/README.md")]
for f in ("master.cf", "transport", "main.cf"):
    for l in open(top + "/contrib/postfix/" + f):
        if l.strip() and not l.startswith("#") and l.strip() not in readme:
            print("contrib/postfix/%s: %s" % (f, l.strip()))
EOF
is "$(cat "$T/readme.out")" "" "README.md shows every line of contrib/postfix"

sh "$setup" --help >"$T/help" 2>&1
is "$?" 0 "psirt-setup --help: exit 0"
check "psirt-setup --help: the synopsis" grep -q '^usage: psirt-setup' "$T/help"
sh "$setup" --bogus >/dev/null 2>&1
is "$?" 2 "psirt-setup with an unknown option: exit 2"

# --- An existing configuration, the test gateway key imported ---------------
A=$T/a
mkdir -p "$A/templates"
cat >"$A/psirt.conf" <<EOF
gateway_address = security@example.test
database = $A/state/queue.db
spool_dir = $A/state/raw
gnupg_home = $A/state/gnupg
template_dir = $A/templates
max_decrypted_size = 10M
EOF
setup -c "$A/psirt.conf" --import-key "$top_srcdir/keys/test-gateway.sec.asc"
is "$?" 0 "import: exit 0"
check "import: prints the gateway key's fingerprint" \
    grep -qx "psirt-setup: gateway key $TEST_GATEWAY_FPR" "$T/out"
sed 's/^/# /' "$T/out"
check "user psirt exists, no login" \
    test "$(getent passwd psirt | cut -d: -f7)" = /usr/sbin/nologin
getent group psirt-staff >/dev/null
is "$?" 0 "group psirt-staff exists"
stat_is "$A/state" "2750 psirt psirt-staff" "the queue's directory: 2750 psirt:psirt-staff"
stat_is "$A/state/raw" "2750 psirt psirt-staff" "spool_dir: 2750 psirt:psirt-staff"
stat_is "$A/state/gnupg" "700 psirt psirt" "gnupg_home: 0700 psirt"
stat_is "$A/state/gnupg/gpg.conf" "600 psirt psirt" "gpg.conf: 0600 psirt"
stat_is "$A/state/gnupg/gpg-agent.conf" "600 psirt psirt" "gpg-agent.conf: 0600 psirt"
check "gpg.conf: written by psirt-filter --init" \
    grep -q 'wrote .*gpg.conf and .*gpg-agent.conf' "$T/out"
# max-output is max_decrypted_size (10M) plus 1 MiB (pgp.h)
check "gpg.conf: max-output from max_decrypted_size" \
    grep -qx "max-output $((10 * 1048576 + 1048576))" "$A/state/gnupg/gpg.conf"
for o in disable-dirmngr no-auto-key-retrieve "weak-digest SHA1"; do
	check "gpg.conf: $o" grep -qx "$o" "$A/state/gnupg/gpg.conf"
done
for t in ack.txt followup.txt wrong-key.txt; do
	check "template_dir: the default $t installed" \
	    cmp -s "$top_srcdir/etc/templates/$t" "$A/templates/$t"
done
as psirt "$T/psirt-filter" -c "$A/psirt.conf" --check-config >/dev/null 2>&1
is "$?" 0 "psirt-filter --check-config (as psirt) accepts it"

printf 'Our own words for {case_id}.\n' >"$A/templates/ack.txt"
snapshot "$A" >"$T/snap1"
setup -c "$A/psirt.conf" --import-key "$top_srcdir/keys/test-gateway.sec.asc"
is "$?" 0 "second run: exit 0"
check "second run: an edited template is kept" \
    grep -q "^Our own words" "$A/templates/ack.txt"
check "second run: says nothing to change" grep -qx 'psirt-setup: nothing to change' "$T/out"
snapshot "$A" >"$T/snap2"
check "second run: no file, mode, owner, content or account changed" \
    cmp "$T/snap1" "$T/snap2"
diff "$T/snap1" "$T/snap2" | head -5 | sed 's/^/# /'
setup -c "$A/psirt.conf" --import-key "$top_srcdir/keys/test-alice.sec.asc"
is "$?" 1 "another key over an existing gateway key: refused (exit 1)"
snapshot "$A" >"$T/snap3"
check "another key: nothing changed" cmp "$T/snap1" "$T/snap3"

# What psirt-filter writes there is the staff's to read, nobody else's.
mail_plain alice@example.test "modes" "who may read this" >"$T/m"
as psirt "$T/psirt-filter" -c "$A/psirt.conf" -f alice@example.test -- \
    security@example.test <"$T/m"
is "$?" 0 "psirt-filter (as psirt) stores a report"
# staff_only PATH NAME - owner psirt, group psirt-staff, group-readable,
# nothing for others (the exact mode is psirt-filter's business)
staff_only() {
	is "$(stat -c '%U %G' "$1" 2>&1)" "psirt psirt-staff" "$2: psirt:psirt-staff"
	_m=$(stat -c '%a' "$1")
	check "$2: group-readable, nothing for others (mode $_m)" \
	    test $((0$_m & 040)) -ne 0 -a $((0$_m & 07)) -eq 0
}
staff_only "$A/state/queue.db" "queue.db"
raw=$(ls "$A/state/raw" | head -1)
staff_only "$A/state/raw/$raw" "the raw copy"
as nobody:psirt-staff "$T/psirt" -c "$A/psirt.conf" list --json >"$T/list" 2>&1
is "$?" 0 "a member of psirt-staff reads the queue"
as nobody "$T/psirt" -c "$A/psirt.conf" list --json >/dev/null 2>&1
is "$?" 3 "someone outside psirt-staff cannot (exit 3)"
as nobody cat "$A/state/raw/$raw" >/dev/null 2>&1
is "$?" 1 "someone outside psirt-staff cannot read a raw copy"
snapshot "$A" >"$T/snap1"
setup -c "$A/psirt.conf"
is "$?" 0 "after use: psirt-setup again, exit 0"
check "after use: nothing to change" grep -qx 'psirt-setup: nothing to change' "$T/out"

# --- No configuration: written, a key generated -----------------------------
B=$T/b
setup -c "$B/etc/psirt.conf" --import-key /nonexistent
is "$?" 1 "an unreadable --import-key: exit 1"
setup -c "$B/etc/psirt.conf"
is "$?" 1 "no configuration and no --address: exit 1"
setup -c "$B/etc/psirt.conf" --address security@acme.example --state-dir "$B/state"
is "$?" 0 "generate: exit 0"
sed 's/^/# /' "$T/out"
snapshot "$B" >"$T/snap1"
fpr=$(sed -n 's/^psirt-setup: gateway key \([0-9A-F]\{40\}\)$/\1/p' "$T/out")
check "generate: prints a fingerprint" test -n "$fpr"
check "generate: psirt.conf written with the address" \
    grep -qx 'gateway_address = security@acme.example' "$B/etc/psirt.conf"
check "generate: psirt.conf puts the state under --state-dir" \
    grep -qx "gnupg_home = $B/state/gnupg" "$B/etc/psirt.conf"
uid=$(as psirt env -i gpg --homedir "$B/state/gnupg" --batch --with-colons \
    --list-secret-keys 2>/dev/null | awk -F: '$1 == "uid" { print $10 }')
is "$uid" "PSIRT gateway <security@acme.example>" "generate: the key's user ID"
caps=$(as psirt env -i gpg --homedir "$B/state/gnupg" --batch --with-colons \
    --list-secret-keys 2>/dev/null | awk -F: '$1 == "sec" { print $12 }')
is "$caps" scESC "generate: the key signs and has an encryption subkey"
stat_is "$B/state/gnupg" "700 psirt psirt" "generate: gnupg_home 0700 psirt"
# (the listings above started an agent; psirt-setup stops it)
setup -c "$B/etc/psirt.conf" --address security@acme.example --state-dir "$B/state"
is "$?" 0 "generate, second run: exit 0"
check "generate, second run: the same key" \
    grep -qx "psirt-setup: gateway key $fpr" "$T/out"
snapshot "$B" >"$T/snap2"
check "generate, second run: nothing changed" cmp "$T/snap1" "$T/snap2"
diff "$T/snap1" "$T/snap2" | head -5 | sed 's/^/# /'
as psirt env -i gpgconf --homedir "$A/state/gnupg" --kill all >/dev/null 2>&1
as psirt env -i gpgconf --homedir "$B/state/gnupg" --kill all >/dev/null 2>&1
pgrep -f "gpg-agent --homedir $T/" >/dev/null
is "$?" 1 "no gpg-agent left behind"

# --- make install DESTDIR=... ------------------------------------------------
D=$T/destdir
make -s -C "$top_builddir" install DESTDIR="$D" >"$T/install.out" 2>&1
is "$?" 0 "make install DESTDIR=...: exit 0"
sed 's/^/# /' "$T/install.out" | head -20
prefix=$(sed -n 's/^prefix = //p' "$top_builddir/Makefile")
# installed PATH MODE NAME - a file installed under DESTDIR with MODE
installed() {
	_f=$(find "$D" -path "$D$1" | head -1)
	check "installed: $3" test -n "$_f" -a -f "${_f:-/nonexistent}"
	[ -z "$_f" ] || is "$(stat -c %a "$_f")" "$2" "installed: $3, mode $2"
}
installed "$prefix/libexec/psirt/psirt-filter" 755 "psirt-filter in libexecdir/psirt"
installed "$prefix/bin/psirt" 755 "psirt in bindir"
installed "$prefix/sbin/psirt-setup" 755 "psirt-setup in sbindir"
installed "*/man8/psirt-filter.8" 644 "psirt-filter(8)"
installed "*/man1/psirt.1" 644 "psirt(1)"
installed "*/man5/psirt.conf.5" 644 "psirt.conf(5)"
installed "*/etc/psirt/psirt.conf" 644 "the example psirt.conf"
installed "*/etc/psirt/templates/ack.txt" 644 "the acknowledgement template"
installed "*/etc/psirt/templates/followup.txt" 644 "the follow-up template"
installed "*/share/psirt-gate/psirt.conf.example" 644 "psirt.conf.example in pkgdatadir"
installed "*/examples/postfix/master.cf" 644 "the Postfix snippets in docdir"
conf=$(find "$D" -path '*/etc/psirt/psirt.conf' | head -1)
check "installed psirt-setup defaults to the installed psirt.conf" \
    grep -q "^default_config=${conf#"$D"}\$" "$D$prefix/sbin/psirt-setup"
check "installed psirt-setup checks with the installed psirt-filter" \
    grep -q "^default_filter=$prefix/libexec/psirt/psirt-filter\$" \
	"$D$prefix/sbin/psirt-setup"
check "the example psirt.conf names the installed templates" \
    grep -q "^template_dir = $(dirname "${conf#"$D"}")/templates\$" "$conf"
sed -e "s|^#database = .*|database = $T/q.db|" \
    -e "s|^#spool_dir = .*|spool_dir = $T|" \
    -e "s|^#gnupg_home = .*|gnupg_home = $T/inst-gnupg|" \
    -e "s|^template_dir = |template_dir = $D|" "$conf" \
    >"$T/inst.conf"
"$T/psirt-filter" -c "$T/inst.conf" --init >/dev/null 2>&1
"$T/psirt-filter" -c "$T/inst.conf" --check-config >/dev/null 2>&1
is "$?" 0 "the example psirt.conf is valid (--check-config)"
echo "# edited by the administrator" >>"$conf"
make -s -C "$top_builddir" install DESTDIR="$D" >"$T/install.out" 2>&1
is "$?" 0 "make install again: exit 0"
check "make install again: the administrator's psirt.conf kept" \
    grep -q 'edited by the administrator' "$conf"
tap_done
