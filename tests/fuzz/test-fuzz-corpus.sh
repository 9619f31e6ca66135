#!/bin/sh
# test-fuzz-corpus - replay every committed fuzz corpus file through its
# harness (built without libFuzzer), so a crash found once stays fixed.
# With VALGRIND set (VALGRIND=valgrind make check) under valgrind.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
rc=0
n=0
for h in report config sanitize prescan mime header ack; do
	n=$((n + 1))
	out=$(${VALGRIND:+$VALGRIND --quiet --error-exitcode=99 \
	    --leak-check=full --errors-for-leak-kinds=definite,indirect \
	    --suppressions=$top_srcdir/tests/lib/valgrind.supp} \
	    "$top_builddir/tests/fuzz/replay-$h" "$top_srcdir"/tests/fuzz/corpus/$h/* 2>&1)
	if [ $? -eq 0 ]; then
		echo "ok $n - fuzz corpus $h ($(echo "$out" | grep -c '^ok') files)"
	else
		echo "not ok $n - fuzz corpus $h"
		echo "$out" | grep -v '^ok ' | head -40 | sed 's/^/# /'
		rc=1
	fi
done
echo "1..$n"
exit $rc
