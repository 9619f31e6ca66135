#!/bin/sh
# test-terminal - what staff read cannot drive their terminal: a mail full
# of terminal tricks (raw ESC in the Subject, encoded ones in the From
# display name, an attachment name and a quoted-printable body: clear and
# home, OSC title, alternate screen, concealed text, cursor moves, C1 CSI,
# cursor hiding, insert/no-wrap/scroll region/keypad modes, DEC graphics
# and shift-out, full reset, tmux passthrough, mouse reporting, backspace
# over text, bidi overrides and isolates, zero width, overlong and invalid
# UTF-8, NUL) is stored, then "psirt show" runs in a real terminal (a
# private tmux server) between two marker lines. The pane's title, modes,
# screen and cursor must be as a plain text output leaves them, every
# visible marker of the mail on the screen in order, nothing drawn with
# attributes. Skipped without tmux.
if ! command -v tmux >/dev/null 2>&1; then
	echo "1..0 # SKIP tmux not installed"
	exit 0
fi
. "$top_srcdir/tests/lib/env.sh"

psirt_env_init
S=$T/tmux.sock
TITLE=psirt-terminal-test
# the state a text output must not change (the cursor is checked apart)
STATE='#{pane_title}|alt=#{alternate_on}|cursor=#{cursor_flag}'
STATE="$STATE|insert=#{insert_flag}|kcursor=#{keypad_cursor_flag}"
STATE="$STATE|keypad=#{keypad_flag}|origin=#{origin_flag}|wrap=#{wrap_flag}"
STATE="$STATE|mouse=#{mouse_any_flag}"
STATE="$STATE|region=#{scroll_region_upper},#{scroll_region_lower}"

# term_cleanup - stop the private tmux server
term_cleanup() {
	tmux -S "$S" kill-server >/dev/null 2>&1
	psirt_env_cleanup
}
trap term_cleanup EXIT

# ---- the mail ----------------------------------------------------------------
{
	printf 'From: =?utf-8?q?Eve_=1B]2;PWNED-FROM=07_=E2=80=AEtxt.exe?= '
	printf '<eve@example.test>\nTo: security@example.test\n'
	printf 'Subject: VISIBLE-SUBJ \033]2;PWNED-SUBJ\007 \033[2J\033[H '
	printf '\302\233?1049h end\n'
	printf 'Date: Sun, 22 Nov 2026 10:00:00 +0000\n'
	printf 'Message-ID: <term.%s@example.test>\nMIME-Version: 1.0\n' "$$"
	printf 'Content-Type: multipart/mixed; boundary="t"\n\n--t\n'
	printf 'Content-Type: text/plain; charset=utf-8\n'
	printf 'Content-Transfer-Encoding: quoted-printable\n\n'
	cat <<'QP'
VISIBLE-A first line
=1B[2J=1B[H VISIBLE-B after a clear and home
=1B]2;PWNED-OSC2=07 VISIBLE-C title by OSC 2
=1B]0;PWNED-OSC0=1B\ VISIBLE-D title by OSC 0, ST
=1B[?1049h VISIBLE-E alternate screen
=1B[8m VISIBLE-F concealed =1B[28m
=1B[5A=1B[40C VISIBLE-G cursor up and right
=C2=9B2J VISIBLE-H C1 CSI
=1B[?25l VISIBLE-I cursor hidden
=1B[4h=1B[?7l=1B[1;3r=1B=3D VISIBLE-J insert, nowrap, region, keypad
=1B(0 lqqk VISIBLE-K DEC graphics =0E lqqk shift out =0F
=1Bc VISIBLE-L full reset
=1BPtmux;=1B=1B]2;PWNED-DCS=07=1B\ VISIBLE-M passthrough
=1B[?1000h=1B[?1006h VISIBLE-N mouse
safe=08=08=08=08evil VISIBLE-O backspace
RLO a=E2=80=AEb LRI =E2=81=A6x=E2=81=A9 zwsp a=E2=80=8Bb VISIBLE-P bidi
overlong =C0=9B[2J invalid =FF=FE nul =00 VISIBLE-Q
QP
	printf -- '--t\nContent-Type: application/octet-stream\n'
	printf 'Content-Disposition: attachment; filename*=utf-8'"''"
	printf '%%1B%%5D2%%3BPWNED-FILE%%07%%E2%%80%%AEtxt.exe\n'
	printf 'Content-Transfer-Encoding: base64\n\naGVsbG8K\n--t--\n'
} >"$T/mail"
run_filter eve@example.test <"$T/mail"
is "$?" 0 "the mail is stored: exit 0"
id=$(run_psirt list --json | json_get 'j[-1]["id"]')
check "its case exists" test -n "$id"
# NO_COLOR: whatever colours psirt may use on a terminal, the escapes
# looked for below can only come from the mail.
NO_COLOR=1 run_psirt show "$id" >"$T/show.plain"

# no_controls FILE - no C0 control but LF and TAB, no DEL, no C1 in FILE
no_controls() {
	python3 -c 'import re, sys
d = open(sys.argv[1], "rb").read()
sys.exit(1 if re.search(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]", d) else 0)' "$1"
}
check "psirt show itself prints no control byte" no_controls "$T/show.plain"

# pane NAME COLUMNS LINES - a tmux session NAME running $T/NAME.sh
pane() {
	tmux -S "$S" -f /dev/null new-session -d -x "$2" -y "$3" -s "$1" \
	    "sh '$T/$1.sh'"
}

# ---- control: this terminal does obey the tricks ---------------------------
# The same kind of bytes written raw: the title and the alternate screen
# must change, or the checks below would prove nothing.
cat >"$T/control.sh" <<EOF
printf '\033]2;CONTROL-TITLE\007\033[?1049hraw\n'
tmux -S '$S' wait-for -S control
exec sleep 600
EOF
pane control 80 24
timeout 30 tmux -S "$S" wait-for control
# settle CMD... - wait (5 s at most) until CMD succeeds: the pane's output
# may still be on its way to tmux when the script signals
settle() {
	_i=0
	while [ "$_i" -lt 50 ] && ! "$@"; do
		sleep 0.1
		_i=$((_i + 1))
	done
}
control_state() {
	tmux -S "$S" display -p -t control '#{pane_title} #{alternate_on}'
}
control_changed() {
	[ "$(control_state)" = "CONTROL-TITLE 1" ]
}
after_mark_shown() {
	tmux -S "$S" capture-pane -p -t psirt | grep -q '^AFTER-MARK$'
}
settle control_changed
is "$(control_state)" "CONTROL-TITLE 1" \
    "control: raw escapes set the title and alternate screen"

# ---- psirt show in a terminal ---------------------------------------------
# The pane runs this script: it waits for "go" (the title and the state are
# recorded first), prints the markers around psirt show, signals "done".
cat >"$T/psirt.sh" <<EOF
tmux -S '$S' wait-for go
printf 'BEFORE-MARK\n'
NO_COLOR=1 $RUN_AS ${VG:-} '$T/bin/psirt' -c '$T/psirt.conf' show '$id'
printf 'AFTER-MARK\n'
tmux -S '$S' wait-for -S done
exec sleep 600
EOF
pane psirt 200 120
tmux -S "$S" select-pane -t psirt -T "$TITLE"
before=$(tmux -S "$S" display -p -t psirt "$STATE")
tmux -S "$S" wait-for -S go
timeout 60 tmux -S "$S" wait-for done
is "$?" 0 "psirt show ran in the terminal"
settle after_mark_shown
after=$(tmux -S "$S" display -p -t psirt "$STATE")
is "$after" "$before" "title, alternate screen and modes unchanged"
is "${after%%|*}" "$TITLE" "the pane title is still ours"
tmux -S "$S" capture-pane -p -t psirt >"$T/screen"
tmux -S "$S" capture-pane -p -e -t psirt >"$T/screen.e"
cur=$(tmux -S "$S" display -p -t psirt '#{cursor_x},#{cursor_y}')
lines=$(wc -l <"$T/show.plain")
echo "# psirt show: $lines lines; cursor after: $cur"

is "$(head -1 "$T/screen")" BEFORE-MARK \
    "the first screen line is still BEFORE-MARK (no clear, no home)"
after_line=$(grep -n '^AFTER-MARK$' "$T/screen" | cut -d: -f1)
is "$after_line" $((lines + 2)) \
    "AFTER-MARK right below the output, where plain text leaves it"
is "$cur" "0,$((lines + 2))" "the cursor at the start of the next line"
sed -n "2,$((lines + 1))p" "$T/screen" >"$T/mid"
sed 's/ *$//' "$T/show.plain" >"$T/show.trimmed"
check "the screen shows what psirt show prints (trailing blanks aside)" \
    cmp -s "$T/show.trimmed" "$T/mid"
order=$(grep -o 'VISIBLE-[A-Z]*' "$T/screen" | tr '\n' ' ')
want="VISIBLE-SUBJ VISIBLE-SUBJ"
for x in A B C D E F G H I J K L M N O P Q; do
	want="$want VISIBLE-$x"
done
is "$order" "$want " "every visible marker on the screen, in order"
check "no attribute or colour drawn (capture with escapes has none)" \
    no_controls "$T/screen.e"
check "DEC graphics and shift-out had no effect: lqqk as letters" \
    test "$(grep -c 'lqqk.*lqqk' "$T/screen")" -eq 1
check "backspace over text had no effect: safeevil" \
    grep -q 'safeevil' "$T/screen"
check "bidi override and isolates shown as markers" \
    grep -q 'a<U+202E>b LRI <U+2066>x<U+2069> zwsp a<U+200B>b' "$T/screen"
check "the attempted titles are plain text on the screen" \
    grep -q ']2;PWNED-OSC2 VISIBLE-C' "$T/screen"
check "the hostile file name is plain text" grep -q ']2;PWNED-FILE' "$T/screen"
tap_done
