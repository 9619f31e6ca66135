#!/bin/sh
# test-concurrency - 50 filters started at once on 50 different messages:
# 50 cases, IDs unique and gap-free, nothing lost.
. "$top_srcdir/tests/lib/env.sh"
. "$top_srcdir/tests/lib/mkmail.sh"

N=50
# 50 at once under valgrind: each waits long for the database (SLOW);
# the deadline stays under Postfix's command_time_limit (1000 s).
DEADLINE=300
[ "$SLOW" -gt 1 ] && DEADLINE=900
psirt_env_init "db_busy_timeout = $((30 * SLOW))s" "deadline = ${DEADLINE}s"
# Create the queue first, as an installed gateway has it.
mail_plain first@example.test "first" "first" >"$T/m0"
run_filter first@example.test <"$T/m0"
is "$?" 0 "first message stored"
i=1
while [ $i -le $N ]; do
	mail_plain "r$i@example.test" "report $i" "body $i" >"$T/m$i"
	i=$((i + 1))
done
i=1
while [ $i -le $N ]; do
	(run_filter "r$i@example.test" <"$T/m$i"; echo $? >"$T/rc$i") &
	i=$((i + 1))
done
wait
ok=0
i=1
while [ $i -le $N ]; do
	[ "$(cat "$T/rc$i")" = 0 ] && ok=$((ok + 1))
	i=$((i + 1))
done
is "$ok" "$N" "all $N filters exited 0"
run_psirt list --json >"$T/list.json"
is "$(json_get 'len(j)' <"$T/list.json")" $((N + 1)) "$((N + 1)) cases"
year=$(date -u +%Y)
want=$(seq -f "PSIRT-$year-%04g" 1 $((N + 1)) | tr '\n' ' ')
got=$(json_get '" ".join(sorted(c["id"] for c in j)) + " "' <"$T/list.json")
is "$got" "$want" "IDs unique and gap-free"
got=$(json_get '" ".join(sorted(c["reporter"] for c in j))' <"$T/list.json" | tr ' ' '\n' | grep -c '^r[0-9]*@')
is "$got" "$N" "every reporter present once"
check "the filters printed nothing" test ! -s "$T/filter.out"
tap_done
