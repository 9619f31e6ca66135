#!/bin/sh
# test-load - issue 4, test 2: 200 reports submitted over SMTP at once
# (20 SMTP clients in parallel, tests/postfix/smtp-blast.py) through a real Postfix whose psirt service
# has maxproc 10 (contrib/postfix/master.cf): exactly 200 cases with unique,
# gap-free IDs, every delivery sent at the first attempt, nothing deferred
# or bounced. Prints how long it took.
. "$top_srcdir/tests/postfix/lib.sh"

N=${PSIRT_LOAD_N:-200}
pf_init
pf_start

i=1
while [ $i -le $N ]; do
	mail_plain "r$i@example.test" "report $i" "load test report $i" \
	    >"$T/m$i"
	i=$((i + 1))
done

# sample_concurrency - the most psirt-filter processes this instance's pipe
# ran at once, until $T/done, in $T/concurrency; the ps snapshot that gave
# it in $T/concurrency.ps. Counted as the pipe processes whose parent is this
# instance's master ($PF_SID, its pid) and that have a psirt-filter child,
# each once:
# - make check-postfix runs tests in parallel, and another test's Postfix
#   has pipe processes and psirt-filters of its own;
# - ps reads /proc one process after the other. Within one reading a pipe
#   can show its finishing filter, and its child that was still "pipe"
#   before its exec, which has since become a psirt-filter and forked its
#   worker (whose parent it then is): a pipe's child is no pipe of the
#   master.
# The count without the master's test goes to $T/concurrency-any, for the
# log only.
sample_concurrency() {
	_max=0
	_any=0
	while [ ! -e "$T/done" ]; do
		ps -eo pid=,ppid=,comm= >"$T/ps.now"
		_n=$(awk -v m="$PF_SID" '
		    $3 == "pipe" { pipe[$1] = ($2 == m); next }
		    $3 == "psirt-filter" { pf[$1] = $2 }
		    END {
			n = 0
			any = 0
			for (k in pf)
				if (pf[k] in pipe && !(pf[k] in seen)) {
					seen[pf[k]] = 1
					any++
					n += pipe[pf[k]]
				}
			print n, any
		    }' "$T/ps.now")
		set -- $_n
		if [ "$1" -gt "$_max" ]; then
			_max=$1
			cp "$T/ps.now" "$T/concurrency.ps"
		fi
		[ "$2" -gt "$_any" ] && _any=$2
		sleep 0.02
	done
	echo "$_max" >"$T/concurrency"
	echo "$_any" >"$T/concurrency-any"
}
sample_concurrency &
sampler=$!

start=$(date +%s.%N)
# shellcheck disable=SC2046
python3 "$top_srcdir/tests/postfix/smtp-blast.py" 127.0.0.1 "$PF_PORT" 20 \
    "$PF_SECURITY" $(seq 1 "$N" | sed "s|.*|r&@example.test=$T/m&|") \
    >>"$T/blast.out" 2>&1
rc=$?
submitted=$(date +%s.%N)
is "$rc" 0 "Postfix accepted all $N reports (250)"
[ "$rc" -eq 0 ] || head -5 "$T/blast.out" | sed 's/^/# /'
[ "$rc" -eq 0 ] || { echo "Bail out! submission failed"; exit 1; }
pf_wait_psirt "$N" $((120 * SLOW))
is "$?" 0 "all $N delivered to the psirt service within $((120 * SLOW)) s"
end=$(date +%s.%N)
touch "$T/done"
wait "$sampler"
took=$(echo "$start $submitted $end" |
    awk '{ printf "submitted in %.1f s, all stored %.1f s after the first submission", $2 - $1, $3 - $1 }')
echo "# $N messages: $took"

is "$(pf_count sent)" "$N" "$N psirt deliveries status=sent"
is "$(pf_count deferred)" 0 "no delivery deferred (no exit 75 under load)"
is "$(pf_queue_count)" 0 "no mail left in Postfix's queue"
check "nothing bounced" pf_no_bounce
max=$(cat "$T/concurrency")
echo "# at most $max psirt-filter processes at once" \
    "($(cat "$T/concurrency-any") counting any pipe process)"
check "maxproc 10 honoured, deliveries in parallel (2..10 at once: $max)" \
    test "$max" -ge 2 -a "$max" -le 10
if [ "$max" -gt 10 ]; then
	echo "# master $PF_SID; the ps reading that counted $max:"
	grep -E ' (master|pipe|psirt-filter)$' "$T/concurrency.ps" |
	    sed 's/^/#   /'
fi

run_psirt list --json >"$T/list.json"
is "$(json_get 'len(j)' <"$T/list.json")" "$N" "exactly $N cases"
year=$(date -u +%Y)
want=$(seq -f "PSIRT-$year-%04g" 1 "$N" | tr '\n' ' ')
got=$(json_get '" ".join(sorted(c["id"] for c in j)) + " "' <"$T/list.json")
is "$got" "$want" "IDs unique and gap-free"
got=$(json_get 'len(set(c["reporter"] for c in j))' <"$T/list.json")
is "$got" "$N" "every reporter's report is there once"
is "$(grep -c 'status=stored' "$T/filter.log")" "$N" \
    "psirt-filter logged $N stored messages"
check "psirt-filter never deferred" sh -c '! grep -q deferring "$1"' sh \
    "$T/filter.log"
pf_done
