/*
 * NAME
 *	test-mime - walking, decoding and extracting messages with libetpan
 * DESCRIPTION
 *	mime_extract() cases are whole messages written here, each with the
 *	report fields wanted: headers, flags (exact), body (exact) and a
 *	one-line summary of the attachments ("name type sniffed size; ...").
 *	Then the tree mime_walk() builds, mime_decode_header() and
 *	mime_to_utf8() on their own, and the limits.
 */
#include <stdlib.h>
#include <string.h>

#include "psirt/buf.h"
#include "psirt/config.h"
#include "psirt/mime.h"
#include "psirt/report.h"
#include "psirt/status.h"
#include "../lib/tap.h"

#define FFFD "\xef\xbf\xbd"
#define BIG (64UL * 1024 * 1024)

/* Headers every case does not care about. */
#define HDR "To: security@example.test\nDate: Sun, 22 Nov 2026 10:00:00 " \
	"+0000\nMessage-ID: <m@example.test>\nMIME-Version: 1.0\n"
#define DATE "Sun, 22 Nov 2026 10:00:00 +0000"
/* The line that ends a body whose message is kept whole (mime.c). */
#define UNPARSED_NOTE "\n----- MIME structure or an encoded file that was " \
	"not taken apart: the whole message is kept as attachment " \
	"\"unparsed-message.eml\" -----\n"

struct mcase {
	const char *name;
	const char *msg;
	long len;		/* -1: strlen */
	const char *subject;
	const char *from;
	const char *from_addr;
	unsigned int flags;
	const char *body;
	const char *atts;	/* "name type sniffed size; ..." */
};

static const char nul_msg[] = "From: nul@example.test\nSubject: a\0b\n\n"
    "body\0with NUL\n";
static const char nul_subject[] = "From: nul@example.test\nSubject: a\0b\n\n"
    "body\n";

static const struct mcase cases[] = {
	{ "plain UTF-8 message",
	    "From: Alice Example <alice@example.test>\n" HDR
	    "Subject: XSS in login form\n"
	    "Content-Type: text/plain; charset=utf-8\n\nSteps: caf\xc3\xa9\n",
	    -1, "XSS in login form", "Alice Example <alice@example.test>",
	    "alice@example.test", 0, "Steps: caf\xc3\xa9\n", "" },
	{ "RFC 2047 Q subject in latin1",
	    "From: a@example.test\nSubject: =?iso-8859-1?q?Gr=FC=DFe?=\n\nx\n",
	    -1, "Gr\xc3\xbc\xc3\x9f" "e", "a@example.test", "a@example.test", 0,
	    "x\n", "" },
	{ "RFC 2047 B subject in UTF-8",
	    "From: a@example.test\nSubject: =?utf-8?b?w5xiZXJsYXVm?= im "
	    "Parser\n\nx\n", -1, "\xc3\x9c" "berlauf im Parser",
	    "a@example.test", "a@example.test", 0, "x\n", "" },
	{ "adjacent encoded words are joined",
	    "From: a@example.test\nSubject: =?utf-8?q?ab?= \n =?utf-8?q?cd?="
	    "\n\nx\n", -1, "abcd", "a@example.test", "a@example.test", 0,
	    "x\n", "" },
	{ "encoded CR/LF in the subject",
	    "From: m@example.test\nSubject: =?utf-8?q?hello=0D=0ABcc:_victim@"
	    "example.test?=\n\nbody\n", -1,
	    "hello Bcc: victim@example.test", "m@example.test",
	    "m@example.test", FLAG_ENCODED_NEWLINE, "body\n", "" },
	{ "encoded ESC and RLO in the subject",
	    "From: m@example.test\nSubject: =?utf-8?q?a=1B[2Jb_=E2=80=AEc?="
	    "\n\nx\n", -1, "a[2Jb <U+202E>c", "m@example.test",
	    "m@example.test", FLAG_CONTROLS | FLAG_BIDI, "x\n", "" },
	{ "unknown charset in an encoded word keeps the bytes",
	    "From: a@example.test\nSubject: =?x-nothing?q?caf=E9?=\n\nx\n", -1,
	    "caf" FFFD, "a@example.test", "a@example.test", FLAG_INVALID_UTF8,
	    "x\n", "" },
	{ "8-bit header: UTF-8 kept, invalid bytes U+FFFD",
	    "From: 8bit@example.test\nSubject: caf\xe9 \xff\xfe "
	    "\xc3\xa9t\xc3\xa9\n\nbody\n", -1,
	    "caf" FFFD " " FFFD FFFD " \xc3\xa9t\xc3\xa9",
	    "8bit@example.test", "8bit@example.test", FLAG_INVALID_UTF8,
	    "body\n", "" },
	{ "base64 latin1 body",
	    "From: a@example.test\nSubject: b64\nContent-Type: text/plain; "
	    "charset=iso-8859-1\nContent-Transfer-Encoding: base64\n\n"
	    "R3L832UgYXVzIEv2bG4K\n", -1, "b64", "a@example.test",
	    "a@example.test", 0, "Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln\n",
	    "" },
	{ "quoted-printable body with ESC, RLO, zero-width",
	    "From: e@example.test\nSubject: qp\nContent-Type: text/plain; "
	    "charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
	    "clear=1B[2Jscreen =E2=80=AEreversed=E2=80=8Bzw caf=C3=A9 long=\n"
	    "line\n", -1, "qp", "e@example.test", "e@example.test",
	    FLAG_CONTROLS | FLAG_BIDI,
	    "clear[2Jscreen <U+202E>reversed<U+200B>zw caf\xc3\xa9 longline\n",
	    "" },
	{ "koi8-r body",
	    "From: a@example.test\nSubject: k\nContent-Type: text/plain; "
	    "charset=\"KOI8-R\"\nContent-Transfer-Encoding: 8bit\n\n"
	    "\xf0\xd2\xc9\xd7\xc5\xd4\n", -1, "k", "a@example.test",
	    "a@example.test", 0,
	    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82\n", "" },
	{ "unknown charset keeps the bytes and says so",
	    "From: a@example.test\nSubject: u\nContent-Type: text/plain; "
	    "charset=x-unknown-42\n\ncaf\xe9\n", -1, "u", "a@example.test",
	    "a@example.test", FLAG_UNKNOWN_CHARSET | FLAG_INVALID_UTF8,
	    "caf" FFFD "\n", "" },
	{ "us-ascii declared, UTF-8 sent",
	    "From: a@example.test\nSubject: u\nContent-Type: text/plain; "
	    "charset=us-ascii\n\ncaf\xc3\xa9\n", -1, "u", "a@example.test",
	    "a@example.test", 0, "caf\xc3\xa9\n", "" },
	{ "no charset, latin1 sent",
	    "From: a@example.test\nSubject: u\n\ncaf\xe9\n", -1, "u",
	    "a@example.test", "a@example.test", FLAG_INVALID_UTF8,
	    "caf" FFFD "\n", "" },
	{ "HTML-only body rendered, HTML kept",
	    "From: h@example.test\nSubject: html\nContent-Type: text/html; "
	    "charset=utf-8\n\n<html><head><style>p{}</style><script>alert(1)"
	    "</script></head><body><p>Hello &amp; welcome</p></body></html>\n",
	    -1, "html", "h@example.test", "h@example.test", FLAG_HTML_ONLY,
	    "Hello & welcome\n",
	    "attachment-1 text/html text/html 109" },
	{ "multipart/alternative: text body, HTML kept",
	    "From: a@example.test\nSubject: alt\nContent-Type: multipart/"
	    "alternative; boundary=\"ALT\"\n\n--ALT\nContent-Type: text/plain;"
	    " charset=utf-8\n\nplain text\n--ALT\nContent-Type: text/html\n\n"
	    "<p>html text</p>\n--ALT--\n", -1, "alt", "a@example.test",
	    "a@example.test", 0, "plain text",
	    "attachment-1 text/html text/plain 16" },
	{ "alternative with related HTML and an image",
	    "From: a@example.test\nSubject: rel\nContent-Type: multipart/"
	    "alternative; boundary=A\n\n--A\nContent-Type: text/plain\n\n"
	    "plain\n--A\nContent-Type: multipart/related; boundary=R\n\n--R\n"
	    "Content-Type: text/html\n\n<b>rich</b>\n--R\nContent-Type: "
	    "image/png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n"
	    "--R--\n--A--\n", -1, "rel", "a@example.test", "a@example.test",
	    0, "plain",
	    "attachment-1 text/html text/plain 11; "
	    "attachment-2 image/png image/png 8" },
	{ "attachment with a path in its file name",
	    "From: a@example.test\nSubject: poc\nContent-Type: multipart/mixed;"
	    " boundary=\"XX\"\n\n--XX\nContent-Type: text/plain\n\nsee attached"
	    "\n--XX\nContent-Type: application/octet-stream\n"
	    "Content-Disposition: attachment; filename=\"../../etc/passwd\"\n"
	    "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQKJWZha2UK\n"
	    "--XX--\n", -1, "poc", "a@example.test", "a@example.test", 0,
	    "see attached",
	    "passwd application/octet-stream application/pdf 15" },
	{ "text/plain marked as attachment",
	    "From: a@example.test\nSubject: t\nContent-Type: multipart/mixed; "
	    "boundary=B\n\n--B\n\nbody\n--B\nContent-Type: text/plain\n"
	    "Content-Disposition: attachment; filename=notes.txt\n\nnotes\n"
	    "--B--\n", -1, "t", "a@example.test", "a@example.test", 0,
	    "body", "notes.txt text/plain text/plain 5" },
	{ "two text parts joined with a separator",
	    "From: a@example.test\nSubject: two\nContent-Type: multipart/mixed;"
	    " boundary=B\n\n--B\n\none\n--B\nContent-Type: text/plain\n\ntwo\n"
	    "--B--\n", -1, "two", "a@example.test", "a@example.test", 0,
	    "one\n\n----- part 3 (text/plain) -----\ntwo", "" },
	{ "nested message/rfc822 is walked",
	    "From: a@example.test\nSubject: fwd\nContent-Type: multipart/mixed;"
	    " boundary=B\n\n--B\n\nsee forwarded\n--B\nContent-Type: message/"
	    "rfc822\n\nFrom: Bob <bob@example.test>\nSubject: =?utf-8?q?"
	    "inn=C3=A9r?=\nDate: yesterday\nContent-Type: multipart/mixed; "
	    "boundary=C\n\n--C\n\ninner body\n--C\nContent-Type: application/"
	    "pdf; name=x.pdf\n\n%PDF-1.4\n--C--\n--B--\n", -1, "fwd",
	    "a@example.test", "a@example.test", 0,
	    "see forwarded\n\n----- part 3 (message/rfc822, attached message)"
	    " -----\nFrom: Bob <bob@example.test>\nSubject: inn\xc3\xa9r\n"
	    "Date: yesterday\n\n----- part 5 (text/plain) -----\ninner body",
	    "x.pdf application/pdf application/pdf 8" },
	{ "several From mailboxes",
	    "From: a@example.test, Bob <b@example.test>\nSubject: s\n\nx\n", -1,
	    "s", "a@example.test, Bob <b@example.test>", NULL,
	    FLAG_MULTIPLE_FROM, "x\n", "" },
	{ "two From fields",
	    "From: a@example.test\nFrom: b@example.test\nSubject: s\n\nx\n", -1,
	    "s", "a@example.test, b@example.test", NULL, FLAG_MULTIPLE_FROM,
	    "x\n", "" },
	{ "no From",
	    "Subject: s\n\nx\n", -1, "s", NULL, NULL, FLAG_NO_FROM, "x\n", "" },
	{ "From without an address",
	    "From: just a name\nSubject: s\n\nx\n", -1, "s", "just a name",
	    NULL, FLAG_NO_FROM, "x\n", "" },
	{ "Sender differing from From",
	    "From: a@example.test\nSender: other@example.test\nSubject: s\n\n"
	    "x\n", -1, "s", "a@example.test", "a@example.test",
	    FLAG_SENDER_HEADER, "x\n", "" },
	{ "Sender equal to From",
	    "From: a@example.test\nSender: A <A@Example.test>\nSubject: s\n\n"
	    "x\n", -1, "s", "a@example.test", "a@example.test", 0, "x\n", "" },
	{ "encoded display name",
	    "From: =?iso-8859-1?q?J=F6rg?= <joerg@example.test>\nSubject: s\n\n"
	    "x\n", -1, "s", "J\xc3\xb6rg <joerg@example.test>",
	    "joerg@example.test", 0, "x\n", "" },
	{ "RLO in the display name",
	    "From: =?utf-8?b?4oCuZXZpbA==?= <x@example.test>\nSubject: s\n\n"
	    "x\n", -1, "s", "<U+202E>evil <x@example.test>", "x@example.test",
	    FLAG_BIDI, "x\n", "" },
	{ "empty message", "", 0, NULL, NULL, NULL, FLAG_NO_FROM, "", "" },
	{ "message without headers",
	    "just a line of text without any header\nand another\n", -1, NULL,
	    NULL, NULL, FLAG_NO_FROM,
	    "just a line of text without any header\nand another\n", "" },
	{ "NUL bytes in headers and body", nul_msg, sizeof(nul_msg) - 1, "ab",
	    "nul@example.test", "nul@example.test", FLAG_CONTROLS,
	    "bodywith NUL\n", "" },
	{ "NUL byte in the subject only", nul_subject, sizeof(nul_subject) - 1,
	    "ab", "nul@example.test", "nul@example.test", FLAG_CONTROLS,
	    "body\n", "" },
	{ "escape sequence in a multipart subtype",
	    "From: a@example.test\nSubject: s\nContent-Type: multipart/"
	    "x\033y\n\nbody\n", -1, "s", "a@example.test",
	    "a@example.test", FLAG_PARSE_ERROR,
	    "----- part 1 (multipart/xy, not parsed) -----\nbody\n",
	    "attachment-1 multipart/xy text/plain 5" },
	{ "multipart without boundary",
	    "From: mb@example.test\nSubject: nb\nContent-Type: multipart/mixed"
	    "\n\n--x\n\ntext\n--x--\n", -1, "nb", "mb@example.test",
	    "mb@example.test", FLAG_PARSE_ERROR,
	    "----- part 1 (multipart/mixed, not parsed) -----\n--x\n\ntext\n"
	    "--x--\n", "attachment-1 multipart/mixed text/plain 16" },
	{ "multipart with no part",
	    "From: a@example.test\nSubject: np\nContent-Type: multipart/mixed; "
	    "boundary=x\n\n--x\n", -1, "np", "a@example.test",
	    "a@example.test", FLAG_PARSE_ERROR,
	    "----- part 1 (multipart/mixed, not parsed) -----\n--x\n",
	    "attachment-1 multipart/mixed text/plain 4" },
	{ "multipart without a delimiter is one text part",
	    "From: a@example.test\nSubject: nd\nContent-Type: multipart/mixed; "
	    "boundary=x\n\nno delimiter here\n", -1, "nd", "a@example.test",
	    "a@example.test", 0, "no delimiter here", "" },
	{ "RFC 2231 file name with RLO",
	    "From: a@example.test\nSubject: f\nContent-Type: multipart/mixed; "
	    "boundary=B\n\n--B\n\nx\n--B\nContent-Type: application/x-foo\n"
	    "Content-Disposition: attachment; filename*=utf-8''invoice%E2%80"
	    "%AEfdp.exe\n\nMZ\n--B--\n", -1, "f", "a@example.test",
	    "a@example.test", FLAG_BIDI, "x",
	    "invoicefdp.exe application/x-foo application/x-msdownload 2" },
	{ "RFC 2231 continuations",
	    "From: a@example.test\nSubject: f\nContent-Type: multipart/mixed; "
	    "boundary=B\n\n--B\n\nx\n--B\nContent-Type: application/x-foo\n"
	    "Content-Disposition: attachment; filename*0*=iso-8859-1''caf%E9"
	    ";\n filename*1=\"-menu.txt\"\n\nz\n--B--\n", -1, "f",
	    "a@example.test", "a@example.test", 0, "x",
	    "caf\xc3\xa9-menu.txt application/x-foo text/plain 1" },
	{ "RFC 2047 name parameter",
	    "From: a@example.test\nSubject: f\nContent-Type: multipart/mixed; "
	    "boundary=B\n\n--B\n\nx\n--B\nContent-Type: application/pdf; "
	    "name=\"=?utf-8?q?r=C3=A9sum=C3=A9.pdf?=\"\n\n%PDF-1.7\n--B--\n",
	    -1, "f", "a@example.test", "a@example.test", 0, "x",
	    "r\xc3\xa9sum\xc3\xa9.pdf application/pdf application/pdf 8" },
	{ "declared type is not trusted",
	    "From: a@example.test\nSubject: f\nContent-Type: multipart/mixed; "
	    "boundary=B\n\n--B\n\nx\n--B\nContent-Type: image/png; name=a.png"
	    "\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQKJWZha2UK\n"
	    "--B--\n", -1, "f", "a@example.test", "a@example.test", 0, "x",
	    "a.png image/png application/pdf 15" },
	{ "CRLF line endings",
	    "From: a@example.test\r\nSubject: crlf\r\nContent-Type: multipart/"
	    "mixed; boundary=B\r\n\r\n--B\r\n\r\nline 1\r\nline 2\r\n--B--\r\n",
	    -1, "crlf", "a@example.test", "a@example.test", 0,
	    "line 1\nline 2", "" },
	/*
	 * No attachment made, but the input may hide one (mime-is-broken):
	 * the whole message is kept, and the body says so.
	 */
	{ "boundary behind a comment: parts unseen, message kept whole",
	    "From: a@example.test\nSubject: e\nContent-Type: multipart/mixed; "
	    "boundary=(boundary=b)boundary_b\n\n--b\nContent-Type: text/plain"
	    "\n\nx\n--b\nContent-Type: application/zip\nContent-Disposition: "
	    "attachment; filename=\"p.zip\"\n\nPK\n--b--\n", -1, "e",
	    "a@example.test", "a@example.test", 0, "b--\n" UNPARSED_NOTE,
	    "unparsed-message.eml message/rfc822 text/plain 222" },
	{ "multipart declaring a file name: message kept whole",
	    "From: a@example.test\nSubject: c\nContent-Type: multipart/mixed; "
	    "boundary=B\n\n--B\n\nx\n--B\nContent-Type: multipart/mixed; "
	    "boundary=none\nContent-Disposition: attachment; filename=\"p.zip"
	    "\"\n\nUEsD\n--B--\n", -1, "c", "a@example.test", "a@example.test",
	    0, "x\n\n----- part 4 (text/plain) -----\nUEsD\n" UNPARSED_NOTE,
	    "unparsed-message.eml message/rfc822 text/plain 193" },
	{ "uuencoded file in a text body: message kept whole",
	    "From: a@example.test\nSubject: u\n\nsee below\nbegin 644 p.zip\n"
	    "#4$L#\n`\nend\n", -1, "u", "a@example.test", "a@example.test", 0,
	    "see below\nbegin 644 p.zip\n#4$L#\n`\nend\n" UNPARSED_NOTE,
	    "unparsed-message.eml message/rfc822 text/plain 71" },
	{ "forwarded message with a file name, all text: not kept whole",
	    "From: a@example.test\nSubject: fw\nContent-Type: multipart/mixed;"
	    " boundary=B\n\n--B\n\nsee forwarded\n--B\nContent-Type: message/"
	    "rfc822\nContent-Disposition: attachment; filename=\"fw.eml\"\n\n"
	    "From: Bob <bob@example.test>\nSubject: inner\n\ninner body\n"
	    "--B--\n", -1, "fw", "a@example.test", "a@example.test", 0,
	    "see forwarded\n\n----- part 3 (message/rfc822, \"fw.eml\", "
	    "attached message) -----\nFrom: Bob <bob@example.test>\nSubject: "
	    "inner\n\n----- part 4 (text/plain) -----\ninner body", "" },
	{ "MIME field quoted in a text body: message kept whole too",
	    "From: a@example.test\nSubject: q\n\nThe parser trusts\n"
	    "Content-Type: text/html\nin the body.\n", -1, "q",
	    "a@example.test", "a@example.test", 0, "The parser trusts\n"
	    "Content-Type: text/html\nin the body.\n" UNPARSED_NOTE,
	    "unparsed-message.eml message/rfc822 text/plain 88" },
};

/* att_summary - "name type sniffed size; ..." of a report */
static char *
att_summary(const struct report *r)
{
	struct buf b;
	size_t i;

	buf_init(&b, 1 << 20);
	for (i = 0; i < r->natt; i++)
		(void)buf_printf(&b, "%s%s %s %s %zu", i > 0 ? "; " : "",
		    r->att[i].name, r->att[i].declared_type,
		    r->att[i].sniffed_type != NULL ? r->att[i].sniffed_type :
		    "(null)", r->att[i].size);
	return buf_steal(&b);
}

/* label - "case: what" into out */
static const char *
label(char *out, size_t n, const char *name, const char *what)
{
	if (snprintf(out, n, "%s: %s", name, what) >= (int)n)
		out[n - 1] = '\0';
	return out;
}

/* flags_str - the words of a flag set */
static const char *
flags_str(unsigned int flags, char *out, size_t n)
{
	if (flags_format(flags, out, n) < 0)
		out[0] = '\0';
	return out;
}

/* decodes - the report survives report_encode() and report_decode() */
static int
decodes(const struct report *r)
{
	struct buf b;
	struct report *back = NULL;
	char *err = NULL;
	int ok;

	buf_init(&b, BIG);
	ok = report_encode(r, &b) == BUF_OK &&
	    report_decode(b.data, b.len, &back, &err) == 0;
	if (!ok)
		printf("# report_decode: %s\n", err != NULL ? err : "encode");
	free(err);
	report_free(&back);
	buf_free(&b);
	return ok;
}

/* test_extract - the table */
static void
test_extract(void)
{
	struct limits lim = { BIG, 20, 500, 256 * 1024, BIG };
	const struct mcase *c;
	struct report *r;
	const char *limit;
	char name[200], got[300], want[300], *s;
	size_t i, len;

	for (i = 0; i < PSIRT_NELEM(cases); i++) {
		c = &cases[i];
		len = c->len < 0 ? strlen(c->msg) : (size_t)c->len;
		r = report_new();
		limit = mime_extract((const unsigned char *)c->msg, len, &lim,
		    r);
		TAP_STR_EQ(limit, NULL, label(name, sizeof(name), c->name,
		    "no limit"));
		TAP_STR_EQ(r->subject, c->subject, label(name, sizeof(name),
		    c->name, "subject"));
		TAP_STR_EQ(r->from, c->from, label(name, sizeof(name), c->name,
		    "from"));
		TAP_STR_EQ(r->from_addr, c->from_addr, label(name, sizeof(name),
		    c->name, "from_addr"));
		TAP_STR_EQ(flags_str(r->flags, got, sizeof(got)),
		    flags_str(c->flags, want, sizeof(want)),
		    label(name, sizeof(name), c->name, "flags"));
		TAP_STR_EQ(r->body, c->body, label(name, sizeof(name), c->name,
		    "body"));
		TAP_LONG_EQ(r->body != NULL ? r->body_len : 0,
		    strlen(c->body), label(name, sizeof(name), c->name,
		    "body length"));
		s = att_summary(r);
		TAP_STR_EQ(s, c->atts, label(name, sizeof(name), c->name,
		    "attachments"));
		free(s);
		TAP_LONG_EQ(r->processing, PROC_STORED, label(name,
		    sizeof(name), c->name, "stored"));
		TAP_OK(decodes(r), "%s", label(name, sizeof(name), c->name,
		    "report passes the parent's checks"));
		report_free(&r);
	}
}

/* test_garbage - MIME-ish noise: no crash, a report the parent accepts */
static void
test_garbage(void)
{
	/* No backslash: boundary="\"" is libetpan's known crash (the
	 * worker contains it; the parser must not be sent it here). */
	static const char *const words[] = {
		"--a\n", "--a--\n", "--b\n", "\n", "\r\n", " ", "\t",
		"Content-Type: multipart/mixed; boundary=a\n",
		"Content-Type: multipart/alternative; boundary=\"b\"\n",
		"Content-Type: message/rfc822\n", "Content-Type: text/html\n",
		"Content-Type: text/plain; charset=koi8-r\n",
		"Content-Type: text/plain; charset=utf-16\n",
		"Content-Transfer-Encoding: base64\n",
		"Content-Transfer-Encoding: quoted-printable\n",
		"Content-Disposition: attachment; filename*=utf-8''%E2%80%AE\n",
		"From: =?utf-8?q?a=0A?= <a@b>\n", "From: a@b, c@d\n",
		"Subject: =?utf-8?b?4oCu?=\n", "Sender: x\n", "=?", "?=",
		"<p>", "&#x202E;", "\033[2J", "\xe2\x80\xae", "\xff", "\0",
		"=C3=A9", "QUJD", "\"", ";", "(", ")",
	};
	struct limits lim = { BIG, 20, 500, 256 * 1024, BIG };
	struct report *r;
	struct buf b;
	unsigned long x = 42;
	size_t round, i, w;
	int ok = 1, dec = 1;

	for (round = 0; round < 300; round++) {
		buf_init(&b, 1 << 20);
		for (i = 0; i < 400; i++) {
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			w = (x >> 33) % PSIRT_NELEM(words);
			(void)buf_append(&b, words[w], strcmp(words[w], "\0") ?
			    strlen(words[w]) : 1);
		}
		r = report_new();
		(void)mime_extract(b.data, b.len, &lim, r);
		if (r->body == NULL)
			ok = 0;
		if (!decodes(r))
			dec = 0;
		report_free(&r);
		buf_free(&b);
	}
	TAP_OK(ok, "300 noisy messages: a body every time");
	TAP_OK(dec, "300 noisy messages: every report passes the parent");
}

/* test_headers_misc - Message-ID and Date */
static void
test_headers_misc(void)
{
	struct limits lim = { BIG, 20, 500, 256 * 1024, BIG };
	struct report *r;
	static const char msg[] = "From: a@example.test\n" HDR
	    "Message-ID: <second@example.test>\nSubject: s\n\nx\n";
	static const char msg2[] = "From: a@example.test\nMessage-ID:\n"
	    "   no-brackets@example.test  \nDate: \033[2J" DATE "\n\nx\n";

	r = report_new();
	(void)mime_extract((const unsigned char *)msg, sizeof(msg) - 1, &lim,
	    r);
	TAP_STR_EQ(r->message_id, "m@example.test",
	    "Message-ID: the first, without <>");
	TAP_STR_EQ(r->date, DATE, "Date kept");
	report_free(&r);
	r = report_new();
	(void)mime_extract((const unsigned char *)msg2, sizeof(msg2) - 1,
	    &lim, r);
	TAP_STR_EQ(r->message_id, "no-brackets@example.test",
	    "Message-ID folded, without brackets, trimmed");
	TAP_STR_EQ(r->date, "[2J" DATE, "Date sanitized");
	TAP_OK(r->flags & FLAG_CONTROLS, "ESC in Date flagged");
	report_free(&r);
}

/* nested - n multiparts nested, each closed */
static void
nested(struct buf *b, size_t n)
{
	size_t i;

	(void)buf_puts(b, "From: deep@example.test\nSubject: deep\n");
	for (i = 0; i < n; i++)
		(void)buf_printf(b, "Content-Type: multipart/mixed; "
		    "boundary=\"b%zu\"\n\n--b%zu\n", i, i);
	(void)buf_puts(b, "Content-Type: text/plain\n\ninnermost\n");
	for (i = n; i > 0; i--)
		(void)buf_printf(b, "--b%zu--\n", i - 1);
}

/* test_limits - limits quarantine, keep the headers and the text */
static void
test_limits(void)
{
	struct limits lim = { BIG, 5, 500, 256 * 1024, BIG };
	struct report *r;
	struct buf b;
	const char *limit;
	static const char longbody[] = "From: a@example.test\nSubject: big\n\n"
	    "0123456789012345678901234567890123456789\n";

	buf_init(&b, BIG);
	nested(&b, 6);
	r = report_new();
	limit = mime_extract(b.data, b.len, &lim, r);
	TAP_STR_EQ(limit, "max_mime_depth", "depth one over: limit name");
	TAP_LONG_EQ(r->processing, PROC_QUARANTINED, "depth one over: "
	    "quarantined");
	TAP_STR_EQ(r->quarantine_reason, "limit:max_mime_depth",
	    "depth one over: reason");
	TAP_STR_EQ(r->subject, "deep", "depth one over: subject kept");
	TAP_STR_EQ(r->from_addr, "deep@example.test",
	    "depth one over: From kept");
	TAP_OK(r->body != NULL && strstr(r->body, "innermost") != NULL,
	    "depth one over: the text is in the body");
	report_free(&r);
	buf_free(&b);

	buf_init(&b, BIG);
	nested(&b, 5);
	r = report_new();
	limit = mime_extract(b.data, b.len, &lim, r);
	TAP_STR_EQ(limit, NULL, "depth exactly at the limit: no limit");
	TAP_STR_EQ(r->body, "innermost", "depth at the limit: body");
	TAP_LONG_EQ(r->processing, PROC_STORED, "depth at the limit: stored");
	report_free(&r);
	buf_free(&b);

	lim.max_mime_depth = 20;
	lim.max_mime_parts = 6;
	buf_init(&b, BIG);
	nested(&b, 5);		/* 5 multiparts and a text part */
	r = report_new();
	TAP_STR_EQ(mime_extract(b.data, b.len, &lim, r), NULL,
	    "parts exactly at the limit: no limit");
	report_free(&r);
	lim.max_mime_parts = 5;
	r = report_new();
	TAP_STR_EQ(mime_extract(b.data, b.len, &lim, r), "max_mime_parts",
	    "parts one over: max_mime_parts");
	TAP_STR_EQ(r->quarantine_reason, "limit:max_mime_parts",
	    "parts one over: reason");
	report_free(&r);
	buf_free(&b);

	lim.max_mime_parts = 500;
	lim.max_message_size = 41;	/* the body line is 41 bytes */
	r = report_new();
	TAP_STR_EQ(mime_extract((const unsigned char *)longbody,
	    sizeof(longbody) - 1, &lim, r), NULL,
	    "body exactly at max_message_size: no limit");
	TAP_LONG_EQ(r->body_len, 41, "body exactly at the cap: all of it");
	report_free(&r);
	lim.max_message_size = 40;
	r = report_new();
	TAP_STR_EQ(mime_extract((const unsigned char *)longbody,
	    sizeof(longbody) - 1, &lim, r), "max_message_size",
	    "body one over max_message_size: limit");
	TAP_STR_EQ(r->body, "0123456789012345678901234567890123456789",
	    "body one over: cut at the cap, kept");
	TAP_STR_EQ(r->quarantine_reason, "limit:max_message_size",
	    "body one over: reason");
	report_free(&r);

	lim.max_message_size = BIG;
	lim.max_header_size = 30;
	r = report_new();
	TAP_STR_EQ(mime_extract((const unsigned char *)longbody,
	    sizeof(longbody) - 1, &lim, r), "max_header_size",
	    "header block one over: max_header_size");
	TAP_STR_EQ(r->subject, "big", "header block one over: subject kept");
	report_free(&r);
}

/* test_walk - the flat tree */
static void
test_walk(void)
{
	struct limits lim = { BIG, 20, 500, 256 * 1024, BIG };
	struct mime_tree t;
	static const char msg[] = "From: a@example.test\nContent-Type: "
	    "multipart/signed; boundary=S; protocol=\"Application/PGP-"
	    "Signature\"; micalg=PGP-SHA256\n\n--S\nContent-Type: text/plain; "
	    "charset=UTF-8\nContent-Transfer-Encoding: quoted-printable\n\n"
	    "caf=C3=A9\n--S\nContent-Type: message/rfc822\n\nSubject: in\n\n"
	    "inner\n--S\nContent-Type: application/pgp-signature; "
	    "name=sig.asc\nContent-Disposition: attachment\n\nSIG\n--S--\n";
	const char *limit;

	limit = mime_walk((const unsigned char *)msg, sizeof(msg) - 1, &lim,
	    &t);
	TAP_STR_EQ(limit, NULL, "walk: no limit");
	TAP_LONG_EQ(t.nparts, 5, "walk: five parts");
	if (t.nparts != 5) {
		mime_tree_free(&t);
		return;
	}
	TAP_STR_EQ(t.parts[0].type, "multipart/signed", "walk: root type");
	TAP_OK(t.parts[0].is_multipart, "walk: root is multipart");
	TAP_STR_EQ(t.parts[0].protocol, "application/pgp-signature",
	    "walk: protocol lowercased");
	TAP_STR_EQ(t.parts[0].micalg, "pgp-sha256", "walk: micalg lowercased");
	TAP_OK(t.parts[0].raw == (const unsigned char *)msg &&
	    t.parts[0].raw_len == sizeof(msg) - 1,
	    "walk: root raw is the whole message");
	TAP_LONG_EQ(t.parts[1].depth, 1, "walk: text depth 1");
	TAP_LONG_EQ(t.parts[1].parent, 0, "walk: text parent 0");
	TAP_STR_EQ(t.parts[1].charset, "utf-8", "walk: charset lowercased");
	TAP_OK(t.parts[1].content_len == 5 &&
	    memcmp(t.parts[1].content, "caf\xc3\xa9", 5) == 0,
	    "walk: QP content decoded");
	TAP_OK(t.parts[1].raw_len > 30 && memcmp(t.parts[1].raw,
	    "Content-Type: text/plain", 24) == 0,
	    "walk: a part's raw starts with its headers");
	TAP_OK(t.parts[2].is_message && !t.parts[2].is_multipart,
	    "walk: message/rfc822 part");
	TAP_LONG_EQ(t.parts[3].parent, 2, "walk: embedded message's parent");
	TAP_LONG_EQ(t.parts[3].depth, 2, "walk: embedded message depth 2");
	TAP_OK(t.parts[3].raw_len >= 11 && memcmp(t.parts[3].raw,
	    "Subject: in", 11) == 0,
	    "walk: embedded message raw starts with its headers");
	TAP_OK(t.parts[3].content_len == 5 &&
	    memcmp(t.parts[3].content, "inner", 5) == 0,
	    "walk: embedded message content");
	TAP_STR_EQ(t.parts[4].filename, "sig.asc", "walk: name parameter");
	TAP_OK(t.parts[4].is_attachment, "walk: disposition attachment");
	TAP_OK(!t.parse_error, "walk: no parse error");
	mime_tree_free(&t);
}

/*
 * test_walk_depth - libetpan's depth for the tricks test-prescan follows,
 * so a change in libetpan shows here
 */
static void
test_walk_depth(void)
{
	static const struct {
		const char *name;
		const char *msg;
		int depth;
	} d[] = {
		{ "encoded Content-Type nests",
		    "Content-Type: =?us-ascii?q?multipart/mixed=3B_boundary=3Da"
		    "?=\n\n--a\nContent-Type: multipart/mixed; boundary=b\n\n"
		    "--b\n\nx\n--b--\n--a--\n", 2 },
		{ "first delimiter matches as a prefix",
		    "Content-Type: multipart/mixed; boundary=a\n\n--aContent-"
		    "Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b--\n"
		    "--a--\n", 2 },
		{ "a part after --a-- is parsed",
		    "Content-Type: multipart/mixed; boundary=a\n\n--a\n\n1\n"
		    "--a--\n--a\nContent-Type: multipart/mixed; boundary=b\n\n"
		    "--b\n\nx\n--b--\n", 2 },
		{ "the blank line after a delimiter is skipped",
		    "Content-Type: multipart/mixed; boundary=a\n\n--a\n\n1\n--a"
		    "\n\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\n"
		    "x\n--b--\n--a--\n", 2 },
	};
	struct limits lim = { BIG, 20, 500, 256 * 1024, BIG };
	struct mime_tree t;
	size_t i, j;
	int max;

	for (i = 0; i < PSIRT_NELEM(d); i++) {
		(void)mime_walk((const unsigned char *)d[i].msg,
		    strlen(d[i].msg), &lim, &t);
		for (max = 0, j = 0; j < t.nparts; j++)
			if (t.parts[j].depth > max)
				max = t.parts[j].depth;
		TAP_LONG_EQ(max, d[i].depth, d[i].name);
		mime_tree_free(&t);
	}
}

/* test_decode_header - mime_decode_header alone (not sanitized) */
static void
test_decode_header(void)
{
	static const struct {
		const char *name;
		const char *in;
		const char *want;
	} h[] = {
		{ "plain", "hello world", "hello world" },
		{ "Q latin1", "=?ISO-8859-1?Q?caf=E9?=", "caf\xc3\xa9" },
		{ "B utf-8", "=?utf-8?B?w5xiZXJsYXVm?=", "\xc3\x9c" "berlauf" },
		{ "text around words", "a =?utf-8?q?b?= c", "a b c" },
		{ "folding removed", "a\r\n b", "a b" },
		{ "encoded CRLF kept for the caller to see",
		    "=?utf-8?q?x=0D=0Ay?=", "x\r\ny" },
		{ "raw bare LF is a space", "a\nb", "a b" },
		{ "unknown charset: bytes kept", "=?x-none?q?caf=E9?=",
		    "caf\xe9" },
		{ "invalid UTF-8 word: bytes kept", "=?utf-8?q?=FF?=", "\xff" },
		{ "koi8-r word", "=?koi8-r?b?8NLJ18XU?=",
		    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82" },
	};
	struct buf b;
	size_t i;

	for (i = 0; i < PSIRT_NELEM(h); i++) {
		buf_init(&b, 4096);
		(void)mime_decode_header(h[i].in, strlen(h[i].in), &b);
		TAP_STR_EQ(buf_cstr(&b), h[i].want, h[i].name);
		buf_free(&b);
	}
}

/* test_to_utf8 - mime_to_utf8 alone */
static void
test_to_utf8(void)
{
	static const struct {
		const char *name;
		const char *in;
		const char *charset;
		const char *want;
		unsigned int flags;
	} c[] = {
		{ "latin1", "caf\xe9", "ISO-8859-1", "caf\xc3\xa9", 0 },
		{ "windows-1252 euro", "\x80", "windows-1252", "\xe2\x82\xac",
		    0 },
		{ "ks_c_5601-1987 is EUC-KR", "\xc7\xd1", "ks_c_5601-1987",
		    "\xed\x95\x9c", 0 },
		{ "koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4", "koi8-r",
		    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82", 0 },
		{ "utf-8 passed through", "caf\xc3\xa9", "utf-8",
		    "caf\xc3\xa9", 0 },
		{ "NULL is us-ascii: bytes passed", "caf\xe9", NULL, "caf\xe9",
		    0 },
		{ "unknown: bytes kept, flagged", "caf\xe9", "x-klingon",
		    "caf\xe9", FLAG_UNKNOWN_CHARSET },
		{ "odd charset name refused", "x", "../../etc/x", "x",
		    FLAG_UNKNOWN_CHARSET },
		{ "invalid Shift_JIS byte becomes U+FFFD", "a\x81\x20" "b",
		    "shift_jis", "a" FFFD " b", 0 },
		{ "truncated UTF-16 becomes U+FFFD", "a\0b", "utf-16le",
		    "a" FFFD, 0 },
	};
	struct buf b;
	unsigned int flags;
	size_t i;
	char name[200];

	for (i = 0; i < PSIRT_NELEM(c); i++) {
		buf_init(&b, 4096);
		flags = 0;
		(void)mime_to_utf8((const unsigned char *)c[i].in,
		    c[i].charset != NULL && strcmp(c[i].charset, "utf-16le") ==
		    0 ? 3 : strlen(c[i].in), c[i].charset, &b, &flags);
		TAP_STR_EQ(buf_cstr(&b), c[i].want, c[i].name);
		TAP_LONG_EQ(flags, c[i].flags, label(name, sizeof(name),
		    c[i].name, "flags"));
		buf_free(&b);
	}
	buf_init(&b, 3);
	flags = 0;
	TAP_LONG_EQ(mime_to_utf8((const unsigned char *)"caf\xe9", 4,
	    "latin1", &b, &flags), BUF_LIMIT, "to_utf8 past the cap");
	buf_free(&b);
}

int
main(void)
{
	test_extract();
	test_garbage();
	test_headers_misc();
	test_limits();
	test_walk();
	test_walk_depth();
	test_decode_header();
	test_to_utf8();
	return tap_done();
}
