#!/bin/sh
# test-style - the rules of STYLE.md that a grep or nm can check: banned
# functions, which module may include which library, no // comments, 80
# columns, and the staff CLI never linking a decryption call.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
cd "$top_srcdir" || exit 1
n=0
failed=0
# t STATUS NAME - one TAP line
t() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi
}

files=$(ls src/*.c include/psirt/*.h tests/unit/*.c tests/lib/*.c tests/lib/*.h \
    tests/fuzz/*.c bench/*.c 2>/dev/null)
banned='\b(sprintf|vsprintf|strcpy|strcat|strncpy|strncat|strtok|gets|atoi|atol|sscanf|system|popen)[[:space:]]*\('
hits=$(grep -nE "$banned" $files | grep -v '^[^:]*:[0-9]*:[[:space:]]*\*' || true)
[ -z "$hits" ]; t $? "no banned functions"
[ -z "$hits" ] || echo "$hits" | sed 's/^/# /'

# only_in HEADER FILE - only FILE includes HEADER
only_in() {
	others=$(grep -l "#include[[:space:]]*<$1" src/*.c src/*.h |
	    grep -v -x -e "$2" ${3:+-e "$3"} ${4:+-e "$4"} || true)
	[ -z "$others" ]; t $? "only $2${3:+ $3}${4:+ $4} include <$1>"
	[ -z "$others" ] || echo "# also in: $others"
}
only_in gpgme.h src/pgp.c
only_in libetpan/ src/mime.c
only_in sqlite3.h src/store.c src/store-ack.c src/store-int.h

hits=$(grep -n '//' $files | grep -v '"[^"]*//[^"]*"' | grep -v 'http' || true)
[ -z "$hits" ]; t $? "no // comments"
[ -z "$hits" ] || echo "$hits" | head -5 | sed 's/^/# /'

long=$(for f in $files; do expand -t8 "$f" | awk -v f="$f" 'length > 80 { print f ":" NR }'; done)
[ -z "$long" ]; t $? "80 columns"
[ -z "$long" ] || echo "$long" | head -10 | sed 's/^/# /'

noexit=$(grep -nE '\b(exit|err|errx)[[:space:]]*\(' src/*.c | grep -vE '_exit|^src/psirt\.c:' || true)
[ -z "$noexit" ]; t $? "no exit()/err()/errx() outside the staff CLI"
[ -z "$noexit" ] || echo "$noexit" | sed 's/^/# /'

for f in src/*.c; do
	head -3 "$f" | grep -q '^ \* NAME' || { echo "# no contract: $f"; bad=1; }
done
[ -z "${bad:-}" ]; t $? "every source file starts with its contract"

if [ -x "$top_builddir/psirt" ]; then
	dec=$(nm -D --undefined-only "$top_builddir/psirt" 2>/dev/null |
	    grep -E 'gpgme_op_(decrypt|verify)' || true)
	[ -z "$dec" ]; t $? "psirt (staff CLI) links no decryption call"
	[ -z "$dec" ] || echo "$dec" | sed 's/^/# /'
fi
echo "1..$n"
exit $failed
