#!/bin/sh
# fake-sendmail - stands in for sendmail(1) in the tests: each call is
# recorded as DIR/N.argv (one argument a line) and DIR/N.eml (stdin), where
# DIR is the directory "sent" beside this script's bin/ directory. While
# DIR/../sendmail-fail exists it records nothing and exits 75. When
# DIR/../sendmail-hang exists as it starts, it waits until that file is
# gone, then records nothing and exits 75.
dir=$(dirname "$0")/../sent
if [ -e "$dir/../sendmail-hang" ]; then
	while [ -e "$dir/../sendmail-hang" ]; do sleep 0.1; done
	exit 75
fi
[ -e "$dir/../sendmail-fail" ] && { cat >/dev/null; exit 75; }
n=$(ls "$dir" | grep -c '\.eml$')
n=$((n + 1))
for a in "$@"; do printf '%s\n' "$a"; done >"$dir/$n.argv.tmp"
cat >"$dir/$n.eml"
mv "$dir/$n.argv.tmp" "$dir/$n.argv"
