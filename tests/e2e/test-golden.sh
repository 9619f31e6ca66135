#!/bin/sh
# test-golden - the sanitizer on attack texts: each
# tests/golden/sanitize/NAME.in through tests/lib/golden-sanitize must give
# exactly NAME.ref. The mode is the name's prefix (text, html, header,
# filename). generate.sh must also reproduce the committed .in/.ref files.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
dir=$top_srcdir/tests/golden/sanitize
driver=$top_builddir/tests/lib/golden-sanitize
n=0
failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-golden.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# t STATUS NAME - one TAP line
t() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=1
	fi
}

if [ ! -x "$driver" ]; then
	echo "1..0 # SKIP $driver not built"
	exit 0
fi

count=0
for src in "$dir"/*.in; do
	[ -e "$src" ] || continue
	count=$((count + 1))
	name=$(basename "$src" .in)
	mode=${name%%-*}
	"$driver" "$mode" "$src" >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	cmp -s "$tmp/$name.out" "$dir/$name.ref"
	same=$?
	[ "$rc" -eq 0 ] && [ "$same" -eq 0 ]
	t $? "golden $name"
	if [ "$same" -ne 0 ] || [ "$rc" -ne 0 ]; then
		echo "# exit $rc; want (cat -v), then got:"
		cat -v "$dir/$name.ref" | sed 's/^/#   /'
		echo "# ---"
		cat -v "$tmp/$name.out" "$tmp/$name.err" | sed 's/^/#   /'
	fi
done
[ "$count" -ge 10 ]
t $? "at least 10 golden cases ($count)"

# The committed files are what generate.sh writes.
mkdir "$tmp/gen"
sh "$dir/generate.sh" "$tmp/gen"
t $? "generate.sh runs"
diffs=
for f in "$dir"/*.in "$dir"/*.ref; do
	b=$(basename "$f")
	cmp -s "$f" "$tmp/gen/$b" || diffs="$diffs $b"
done
for f in "$tmp"/gen/*; do
	[ -e "$dir/$(basename "$f")" ] || diffs="$diffs $(basename "$f")"
done
[ -z "$diffs" ]
t $? "generate.sh reproduces the committed .in and .ref files"
[ -z "$diffs" ] || echo "# differ or missing:$diffs"

echo "1..$n"
exit $failed
