#!/bin/sh
# test-reprocess - psirt-filter --reprocess CASE: a message processed again
# from its kept raw copy, as the gateway user, after the signer's key
# arrived and after a limit was raised; the new result is kept beside the
# old one and recorded as an event; no acknowledgement is sent.
. "$top_srcdir/tests/lib/env.sh"
. "$top_srcdir/tests/lib/mkmail.sh"
. "$top_srcdir/tests/lib/gpghome.sh"

psirt_env_init "max_mime_depth = 5"
pgp_test_homes

# reprocess CASE - the filter's --reprocess as the gateway user
reprocess() {
	env PSIRT_LOG_FILE="$T/log" $RUN_AS "$T/bin/psirt-filter" \
	    -c "$T/psirt.conf" --reprocess "$1" >"$T/rp.out" 2>"$T/rp.err"
}

# m CASE EXPR - a field of the case's JSON
m() {
	run_psirt show "$1" --json | json_get "$2"
}

# A report signed by a key the gateway does not have yet.
pgp_mime_signed "$R" stranger@example.test security@example.test \
    'signed by a stranger' "$STRANGER_FPR" </dev/null >"$T/m.eml" <<'TXT'
The report.
TXT
run_filter stranger@example.test <"$T/m.eml"
is "$?" 0 "signed report: exit 0"
C1=$(run_psirt list --json | json_get 'j[-1]["id"]')
is "$(m "$C1" "j['messages'][0]['signature']")" unknown-key \
    "before: signature unknown-key"
nsent=$(ls "$T/sent" | grep -c '\.eml$')

# The key arrives (staff import it into the gateway's home).
pgp_key_block "$R" "$STRANGER_FPR" >"$T/stranger.asc"
chmod 644 "$T/stranger.asc"
$RUN_AS gpg --homedir "$T/gnupg" --batch --quiet --import "$T/stranger.asc" \
    2>/dev/null
reprocess "$C1"
is "$?" 0 "--reprocess: exit 0"
check "--reprocess prints the new result" grep -q "signature=good" "$T/rp.out"
is "$(m "$C1" "[x['direction'] for x in j['messages']]")" \
    "['in', 'reprocessed']" "the old result is kept beside the new one"
is "$(m "$C1" "j['messages'][1]['signature']")" good \
    "after the key arrived: signature good"
is "$(m "$C1" "j['messages'][1]['signer_fingerprint']")" "$STRANGER_FPR" \
    "after: the signer's fingerprint"
is "$(m "$C1" "j['messages'][0]['signature']")" unknown-key \
    "the old result is unchanged"
check "the reprocessing is an audit event" \
    sh -c "$RUN_AS '$T/bin/psirt' -c '$T/psirt.conf' log $C1 | grep -q reprocessed"
is "$(ls "$T/sent" | grep -c '\.eml$')" "$nsent" "no acknowledgement sent"
$RUN_AS "$T/bin/psirt" -c "$T/psirt.conf" verify-log >/dev/null
is "$?" 0 "the audit log still verifies"

# Quarantined past a limit, then processed again once it is raised.
mail_nested 8 >"$T/n.eml"
run_filter deep@example.test <"$T/n.eml"
C2=$(run_psirt list --json | json_get 'j[-1]["id"]')
is "$(m "$C2" "j['messages'][0]['quarantine_reason']")" limit:max_mime_depth \
    "8 levels at max_mime_depth 5: quarantined"
sed -i 's/^max_mime_depth = 5$/max_mime_depth = 20/' "$T/psirt.conf"
reprocess "$C2"
is "$?" 0 "--reprocess after the limit was raised: exit 0"
is "$(m "$C2" "j['messages'][1]['processing']")" stored \
    "after the limit was raised: stored"

# Errors name what is wrong.
reprocess PSIRT-2026-9999
is "$?" 1 "--reprocess of a missing case: exit 1"
check "--reprocess of a missing case: says so" grep -q "no such case" "$T/rp.err"
f=$T/spool/$(m "$C2" "j['messages'][0]['raw_sha256']")
chmod u+w "$f"
printf 'tampered\n' >>"$f"
reprocess "$C2"
is "$?" 1 "--reprocess of a changed raw copy: exit 1"
check "--reprocess of a changed raw copy: says so" \
    grep -q "does not match its digest" "$T/rp.err"

tap_done
