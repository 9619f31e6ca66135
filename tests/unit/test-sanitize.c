/*
 * NAME
 *	test-sanitize - the text rules, headers, file names, HTML, sniffing
 * DESCRIPTION
 *	Tables of named cases: input bytes, the exact output wanted and the
 *	exact flags wanted. The golden files (tests/golden/sanitize) cover
 *	longer attack texts through the same functions.
 */
#include <stdlib.h>
#include <string.h>

#include "psirt/buf.h"
#include "psirt/sanitize.h"
#include "psirt/status.h"
#include "../lib/tap.h"

#define FFFD "\xef\xbf\xbd"
#define CTL FLAG_CONTROLS
#define BIDI FLAG_BIDI
#define BAD FLAG_INVALID_UTF8

/* Byte strings may hold NUL: the length is given (-1: strlen). */
struct tcase {
	const char *name;
	const char *in;
	long len;
	const char *want;
	unsigned int flags;
};

static const struct tcase text_cases[] = {
	{ "plain ASCII", "hello, world", -1, "hello, world", 0 },
	{ "CRLF becomes LF", "a\r\nb\r\n", -1, "a\nb\n", 0 },
	{ "lone CR becomes LF", "a\rb", -1, "a\nb", 0 },
	{ "CR CR LF is two line breaks", "a\r\r\nb", -1, "a\n\nb", 0 },
	{ "LF CR is two line breaks", "a\n\rb", -1, "a\n\nb", 0 },
	{ "TAB kept", "a\tb", -1, "a\tb", 0 },
	{ "ESC CSI removed", "\033[31mred\033[0m", -1, "[31mred[0m", CTL },
	{ "OSC title removed", "\033]0;pwned\007x", -1, "]0;pwnedx", CTL },
	{ "NUL removed", "a\0b", 3, "ab", CTL },
	{ "DEL removed", "a\177b", -1, "ab", CTL },
	{ "backspace removed", "ab\bc", -1, "abc", CTL },
	{ "C1 CSI U+009B removed", "\xc2\x9b" "31m", -1, "31m", CTL },
	{ "C1 NEL U+0085 removed", "a\xc2\x85" "b", -1, "ab", CTL },
	{ "raw 0x9B byte is invalid", "\x9b" "31m", -1, FFFD "31m", BAD },
	{ "RLO visible", "a\xe2\x80\xae" "b", -1, "a<U+202E>b", BIDI },
	{ "LRI and PDI visible", "\xe2\x81\xa6x\xe2\x81\xa9", -1,
	    "<U+2066>x<U+2069>", BIDI },
	{ "ALM visible", "\xd8\x9c", -1, "<U+061C>", BIDI },
	{ "zero-width space visible", "a\xe2\x80\x8b" "b", -1, "a<U+200B>b",
	    CTL },
	{ "BOM visible", "\xef\xbb\xbfx", -1, "<U+FEFF>x", CTL },
	{ "invalid byte", "a\xff" "b", -1, "a" FFFD "b", BAD },
	{ "overlong slash", "\xc0\xaf", -1, FFFD FFFD, BAD },
	{ "overlong NUL", "\xc0\x80", -1, FFFD FFFD, BAD },
	{ "UTF-8 surrogate", "\xed\xa0\x80", -1, FFFD FFFD FFFD, BAD },
	{ "truncated sequence at end", "x\xe2\x82", -1, "x" FFFD FFFD, BAD },
	{ "above U+10FFFF", "\xf4\x90\x80\x80", -1, FFFD FFFD FFFD FFFD, BAD },
	{ "emoji kept", "\xf0\x9f\x98\x80", -1, "\xf0\x9f\x98\x80", 0 },
	{ "U+FFFD itself kept, no flag", FFFD, -1, FFFD, 0 },
	{ "accents kept", "caf\xc3\xa9 \xc3\xbc", -1,
	    "caf\xc3\xa9 \xc3\xbc", 0 },
	{ "empty", "", 0, "", 0 },
};

static const struct tcase header_cases[] = {
	{ "trimmed and unfolded", "  Hello\r\n World  ", -1, "Hello World", 0 },
	{ "TAB becomes space", "a\tb", -1, "a b", 0 },
	{ "embedded LF cannot make a header", "x\nBcc: v@example.test", -1,
	    "x Bcc: v@example.test", 0 },
	{ "lone CR becomes space", "x\rBcc: y", -1, "x Bcc: y", 0 },
	{ "ESC removed", "a\033[2Jb", -1, "a[2Jb", CTL },
	{ "RLO visible", "\xe2\x80\xae" "abc", -1, "<U+202E>abc", BIDI },
	{ "invalid UTF-8", "caf\xe9", -1, "caf" FFFD, BAD },
	{ "NUL removed", "a\0b", 3, "ab", CTL },
	{ "empty", "", 0, "", 0 },
};

static const struct tcase html_cases[] = {
	{ "paragraph and entity", "<p>Hello &amp; welcome</p>", -1,
	    "Hello & welcome\n", 0 },
	{ "script dropped", "<script>alert(1)</script>ok", -1, "ok\n", 0 },
	{ "uppercase script dropped", "<SCRIPT type=x>a()</SCRIPT >ok", -1,
	    "ok\n", 0 },
	{ "unclosed script drops the rest", "a<script>alert(1)", -1, "a\n",
	    0 },
	{ "style dropped", "<style>p { color: red }</style>text", -1,
	    "text\n", 0 },
	{ "head and title dropped",
	    "<html><head><title>T</title></head><body>B</body></html>", -1,
	    "B\n", 0 },
	{ "unclosed head ends at body", "<head><meta x>hidden<body>shown",
	    -1, "shown\n", 0 },
	{ "comment dropped", "a<!-- hidden -->b", -1, "ab\n", 0 },
	{ "unclosed comment ends at '>'", "a<!-- x > b", -1, "a b\n", 0 },
	{ "doctype dropped", "<!DOCTYPE html>x", -1, "x\n", 0 },
	{ "br is a line break", "a<br>b<br/>c", -1, "a\nb\nc\n", 0 },
	{ "two br are an empty line", "a<br><br><br>b", -1, "a\n\nb\n", 0 },
	{ "paragraphs", "<p>one</p><p>two</p>", -1, "one\n\ntwo\n", 0 },
	{ "divs", "<div>a</div><div>b</div>", -1, "a\nb\n", 0 },
	{ "list items", "<ul><li>x</li><li>y</li></ul>", -1, "x\ny\n", 0 },
	{ "heading", "<h1>Title</h1>text", -1, "Title\n\ntext\n", 0 },
	{ "table rows and cells",
	    "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>",
	    -1, "a b\nc\n", 0 },
	{ "named and numeric entities",
	    "&lt;b&gt; &quot;q&quot; &#39;s&#39; &#x41;&#66;", -1,
	    "<b> \"q\" 's' AB\n", 0 },
	{ "bad numeric entities", "&#0;|&#xD800;|&#x110000;|&#99999999999;",
	    -1, FFFD "|" FFFD "|" FFFD "|" FFFD "\n", 0 },
	{ "nbsp is a space", "a&nbsp;b", -1, "a b\n", 0 },
	{ "unknown entity and bare & kept", "&foo; & &#;", -1,
	    "&foo; & &#;\n", 0 },
	{ "entity ESC removed", "x&#27;[2Jy", -1, "x[2Jy\n", CTL },
	{ "entity RLO visible", "a&#x202E;b", -1, "a<U+202E>b\n", BIDI },
	{ "entity C1 removed", "a&#155;b", -1, "ab\n", CTL },
	{ "white space collapsed", "  a \n\t b  ", -1, "a b\n", 0 },
	{ "literal less-than", "1 < 2", -1, "1 < 2\n", 0 },
	{ "quoted '>' inside a tag", "<a href=\"x>y\">link</a>", -1,
	    "link\n", 0 },
	{ "unclosed quote ends at '>'", "<a href=\"x>text", -1, "text\n", 0 },
	{ "pre keeps white space", "<pre>a  b\n c</pre>", -1, "a  b\n c\n",
	    0 },
	{ "raw ESC removed", "a\033[2Jb", -1, "a[2Jb\n", CTL },
	{ "invalid UTF-8 replaced", "caf\xe9", -1, "caf" FFFD "\n", BAD },
	{ "empty", "", 0, "", 0 },
	{ "markup only", "<html><body></body></html>", -1, "", 0 },
};

static const struct {
	const char *name;
	const char *in;
	long len;
	size_t index;
	const char *want;
} name_cases[] = {
	{ "plain name kept", "report.pdf", -1, 1, "report.pdf" },
	{ "POSIX path stripped", "../../etc/passwd", -1, 1, "passwd" },
	{ "Windows path stripped", "C:\\Users\\x\\evil.exe", -1, 1,
	    "evil.exe" },
	{ "mixed separators", "a/b\\c/d.txt", -1, 1, "d.txt" },
	{ "dot-dot falls back", "..", -1, 3, "attachment-3" },
	{ "trailing slash falls back", "dir/", -1, 1, "attachment-1" },
	{ "leading dots removed", ".bashrc", -1, 1, "bashrc" },
	{ "leading dots and blanks removed", " . .hidden", -1, 1, "hidden" },
	{ "ESC removed", "\033[31mpoc.bin", -1, 1, "[31mpoc.bin" },
	{ "RLO dropped", "invoice\xe2\x80\xaegpj.exe", -1, 1,
	    "invoicegpj.exe" },
	{ "zero-width dropped", "a\xe2\x80\x8b" "b", -1, 1, "ab" },
	{ "LF becomes space", "a\nb.txt", -1, 1, "a b.txt" },
	{ "invalid byte replaced", "\xff.txt", -1, 1, FFFD ".txt" },
	{ "controls only fall back", "\001\002", -1, 9, "attachment-9" },
	{ "empty falls back", "", -1, 2, "attachment-2" },
};

static const struct {
	const char *name;
	const char *in;
	long len;
	const char *want;
} sniff_cases[] = {
	{ "PDF", "%PDF-1.7\n", -1, "application/pdf" },
	{ "ZIP", "PK\003\004rest", 8, "application/zip" },
	{ "PNG", "\x89PNG\r\n\x1a\n....", 12, "image/png" },
	{ "JPEG", "\xff\xd8\xff\xe0", 4, "image/jpeg" },
	{ "GIF", "GIF89a...", -1, "image/gif" },
	{ "gzip", "\x1f\x8b\x08\x00", 4, "application/gzip" },
	{ "ELF", "\x7f" "ELF\x02\x01", 6, "application/x-executable" },
	{ "MZ executable", "MZ\x90\x00", 4, "application/x-msdownload" },
	{ "PGP message", "-----BEGIN PGP MESSAGE-----\n", -1,
	    "application/pgp-encrypted" },
	{ "PGP key after blank lines", "\n\n-----BEGIN PGP PUBLIC KEY BLOCK",
	    -1, "application/pgp-keys" },
	{ "PGP signature", "-----BEGIN PGP SIGNATURE-----", -1,
	    "application/pgp-signature" },
	{ "PGP signed message", "-----BEGIN PGP SIGNED MESSAGE-----", -1,
	    "application/pgp" },
	{ "HTML after BOM and blanks", "\xef\xbb\xbf  <!DOCTYPE html><p>", -1,
	    "text/html" },
	{ "HTML tag", "<HTML><body>", -1, "text/html" },
	{ "UTF-8 text with CRLF", "caf\xc3\xa9\r\nline\tx\r\n", -1,
	    "text/plain" },
	{ "text with ESC is binary", "a\033[2J", -1,
	    "application/octet-stream" },
	{ "text with NUL is binary", "a\0b", 3, "application/octet-stream" },
	{ "invalid UTF-8 is binary", "caf\xe9", -1,
	    "application/octet-stream" },
	{ "empty", "", 0, "application/octet-stream" },
};

/* label - "prefix: name" into out (cut if long: only a test label) */
static const char *
label(char *out, size_t n, const char *prefix, const char *name,
    const char *suffix)
{
	if (snprintf(out, n, "%s: %s%s", prefix, name, suffix) >= (int)n)
		out[n - 1] = '\0';
	return out;
}

/* len_of - the case's length */
static size_t
len_of(const char *s, long len)
{
	return len < 0 ? strlen(s) : (size_t)len;
}

/* run_text - sanitize_text or sanitize_html_to_text over a table */
static void
run_text(const struct tcase *t, size_t n, int html)
{
	struct buf out;
	unsigned int flags;
	size_t i;
	int rc;
	char name[160];

	for (i = 0; i < n; i++) {
		buf_init(&out, 4096);
		flags = 0;
		rc = (html ? sanitize_html_to_text : sanitize_text)(
		    (const unsigned char *)t[i].in, len_of(t[i].in, t[i].len),
		    &out, &flags);
		TAP_STR_EQ(buf_cstr(&out), t[i].want, label(name, sizeof(name),
		    html ? "html" : "text", t[i].name, ""));
		TAP_LONG_EQ(flags, t[i].flags, label(name, sizeof(name),
		    html ? "html" : "text", t[i].name, ": flags"));
		TAP_LONG_EQ(rc, BUF_OK, label(name, sizeof(name),
		    html ? "html" : "text", t[i].name, ": BUF_OK"));
		buf_free(&out);
	}
}

/* test_limits - BUF_LIMIT keeps what fit; flags accumulate */
static void
test_limits(void)
{
	struct buf out;
	unsigned int flags = FLAG_HTML_ONLY;
	int rc;

	buf_init(&out, 5);
	rc = sanitize_text((const unsigned char *)"abcdefgh", 8, &out, &flags);
	TAP_LONG_EQ(rc, BUF_LIMIT, "text one byte past the cap: BUF_LIMIT");
	TAP_STR_EQ(buf_cstr(&out), "abcde", "text past the cap keeps what fit");
	buf_free(&out);

	buf_init(&out, 8);
	rc = sanitize_text((const unsigned char *)"abcdefgh", 8, &out, &flags);
	TAP_LONG_EQ(rc, BUF_OK, "text exactly at the cap: BUF_OK");
	TAP_STR_EQ(buf_cstr(&out), "abcdefgh", "text exactly at the cap");
	buf_free(&out);

	buf_init(&out, 9);	/* "ab" and the 8-byte marker need 10 */
	rc = sanitize_text((const unsigned char *)"ab\xe2\x80\xae", 5, &out,
	    &flags);
	TAP_LONG_EQ(rc, BUF_LIMIT, "marker past the cap: BUF_LIMIT");
	TAP_STR_EQ(buf_cstr(&out), "ab", "marker past the cap: not half");
	buf_free(&out);
	TAP_LONG_EQ(flags, FLAG_HTML_ONLY | FLAG_BIDI,
	    "flags are added to, never reset");

	buf_init(&out, 4);
	flags = 0;
	rc = sanitize_html_to_text((const unsigned char *)"<p>hello</p>", 12,
	    &out, &flags);
	TAP_LONG_EQ(rc, BUF_LIMIT, "html past the cap: BUF_LIMIT");
	TAP_STR_EQ(buf_cstr(&out), "hell", "html past the cap keeps what fit");
	buf_free(&out);
}

/* test_headers - sanitize_header cases and its max */
static void
test_headers(void)
{
	size_t i;
	unsigned int flags;
	char *s, name[160];

	for (i = 0; i < PSIRT_NELEM(header_cases); i++) {
		flags = 0;
		s = sanitize_header((const unsigned char *)header_cases[i].in,
		    len_of(header_cases[i].in, header_cases[i].len), 100,
		    &flags);
		TAP_STR_EQ(s, header_cases[i].want, label(name, sizeof(name),
		    "header", header_cases[i].name, ""));
		TAP_LONG_EQ(flags, header_cases[i].flags, label(name,
		    sizeof(name), "header", header_cases[i].name, ": flags"));
		free(s);
	}
	s = sanitize_header((const unsigned char *)"abcdefghij", 10, 8, NULL);
	TAP_STR_EQ(s, "abcde...", "header: cut at max with a visible mark");
	free(s);
	s = sanitize_header((const unsigned char *)"abcdefgh", 8, 8, NULL);
	TAP_STR_EQ(s, "abcdefgh", "header: exactly max is not cut");
	free(s);
	s = sanitize_header((const unsigned char *)"\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9", 10, 8, NULL);
	TAP_STR_EQ(s, "\xc3\xa9\xc3\xa9...",
	    "header: cut on a character boundary");
	free(s);
}

/* test_names - sanitize_filename cases, and the length cap */
static void
test_names(void)
{
	size_t i;
	char *s, name[160], in[400], want[400];

	for (i = 0; i < PSIRT_NELEM(name_cases); i++) {
		s = sanitize_filename(name_cases[i].in, name_cases[i].index);
		TAP_STR_EQ(s, name_cases[i].want, label(name, sizeof(name),
		    "filename", name_cases[i].name, ""));
		free(s);
	}
	s = sanitize_filename(NULL, 7);
	TAP_STR_EQ(s, "attachment-7", "filename: NULL falls back");
	free(s);

	memset(in, 'a', 300);
	in[300] = '\0';
	memset(want, 'a', SANITIZE_MAX_FILENAME);
	want[SANITIZE_MAX_FILENAME] = '\0';
	s = sanitize_filename(in, 1);
	TAP_STR_EQ(s, want, "filename: 300 bytes cut to 200");
	free(s);
	in[SANITIZE_MAX_FILENAME] = '\0';
	s = sanitize_filename(in, 1);
	TAP_STR_EQ(s, want, "filename: exactly 200 bytes kept");
	free(s);
	for (i = 0; i < 100; i++)
		memcpy(in + 3 * i, "\xe2\x82\xac", 3);	/* U+20AC, 300 bytes */
	in[300] = '\0';
	s = sanitize_filename(in, 1);
	TAP_LONG_EQ(strlen(s), 198, "filename: cut on a UTF-8 boundary");
	TAP_OK(memcmp(s, in, 198) == 0, "filename: cut keeps whole characters");
	free(s);
}

int
main(void)
{
	size_t i;
	char name[160];

	run_text(text_cases, PSIRT_NELEM(text_cases), 0);
	run_text(html_cases, PSIRT_NELEM(html_cases), 1);
	test_limits();
	test_headers();
	test_names();
	for (i = 0; i < PSIRT_NELEM(sniff_cases); i++) {
		TAP_STR_EQ(sanitize_sniff_type(
		    (const unsigned char *)sniff_cases[i].in,
		    len_of(sniff_cases[i].in, sniff_cases[i].len)),
		    sniff_cases[i].want, label(name, sizeof(name), "sniff",
		    sniff_cases[i].name, ""));
	}
	return tap_done();
}
