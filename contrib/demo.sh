#!/bin/sh
# demo.sh BUILDDIR - a demo gateway in a scratch directory: the demo gateway
# key from keys/, a config, an empty queue; then a sample report through
# psirt-filter exactly as Postfix's pipe(8) calls it (as the unprivileged
# user psirt, -f sender -- recipient, mail on stdin), then psirt list and
# psirt show of the new case.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
demo=${PSIRT_DEMO_DIR:-/tmp/psirt-demo}
user=psirt

if [ "$(id -u)" -eq 0 ]; then
	id -u "$user" >/dev/null 2>&1 ||
	    useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
	as_user="setpriv --reuid=$user --regid=$user --clear-groups --"
else
	user=$(id -un)
	as_user=""
fi
rm -rf "$demo"
mkdir -p "$demo/bin" "$demo/raw" "$demo/gnupg" "$demo/templates"
chmod 755 "$demo"
chmod 700 "$demo/gnupg"
cp "$build/psirt-filter" "$build/psirt" "$demo/bin/"
cat >"$demo/psirt.conf" <<CONF
# demo configuration (see psirt.conf(5))
case_prefix = PSIRT
database = $demo/queue.db
spool_dir = $demo/raw
gnupg_home = $demo/gnupg
gateway_address = security@example.test
template_dir = $demo/templates
CONF
GNUPGHOME="$demo/gnupg" gpg --batch --quiet --import \
    "$top/keys/demo-gateway.sec.asc" 2>/dev/null || true
[ "$(id -u)" -eq 0 ] && chown -R "$user:" "$demo/raw" "$demo/gnupg" && chown "$user:" "$demo"

cat >"$demo/report.eml" <<'MAIL'
Return-Path: <researcher@example.net>
From: Jane Researcher <researcher@example.net>
To: security@example.test
Subject: Stored XSS in the admin console
Date: Sun, 22 Nov 2026 10:00:00 +0000
Message-ID: <demo-report-1@example.net>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Hello PSIRT,

the "display name" field of the admin console is rendered without
escaping. Steps to reproduce are below; proof of concept attached.

Regards, Jane
MAIL

echo "== psirt-filter -f researcher@example.net -- security@example.test < report.eml"
$as_user "$demo/bin/psirt-filter" -c "$demo/psirt.conf" \
    -f researcher@example.net -- security@example.test <"$demo/report.eml"
echo "exit status $? (0: stored; 75: Postfix would retry)"
echo
echo "== psirt list"
$as_user "$demo/bin/psirt" -c "$demo/psirt.conf" list
case_id=$($as_user "$demo/bin/psirt" -c "$demo/psirt.conf" list --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])')
echo
echo "== psirt show $case_id"
$as_user "$demo/bin/psirt" -c "$demo/psirt.conf" show "$case_id"
