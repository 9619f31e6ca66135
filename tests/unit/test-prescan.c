/*
 * NAME
 *	test-prescan - MIME depth, parts and header size before libetpan
 * DESCRIPTION
 *	Each limit exactly at and one over; the libetpan behaviours the scan
 *	must follow (encoded Content-Type, folded boundary, prefix match of a
 *	first delimiter, a part after "--B--", message/rfc822 and digest
 *	nesting); 20 000 nested multiparts in time; garbage.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "psirt/buf.h"
#include "psirt/config.h"
#include "psirt/prescan.h"
#include "../lib/tap.h"

#define BIG (64UL * 1024 * 1024)

/* nested - n multiparts nested in each other (eol: "\n" or "\r\n") */
static void
nested(struct buf *b, size_t n, const char *eol)
{
	size_t i;

	(void)buf_printf(b, "From: a@example.test%sSubject: deep%s", eol, eol);
	for (i = 0; i < n; i++)
		(void)buf_printf(b, "Content-Type: multipart/mixed; "
		    "boundary=\"b%zu\"%s%s--b%zu%s", i, eol, eol, i, eol);
	(void)buf_printf(b, "Content-Type: text/plain%s%sinnermost%s", eol,
	    eol, eol);
	for (i = n; i > 0; i--)
		(void)buf_printf(b, "--b%zu--%s", i - 1, eol);
}

/* wide - one multipart with n text parts */
static void
wide(struct buf *b, size_t n)
{
	size_t i;

	(void)buf_puts(b, "Content-Type: multipart/mixed; boundary=W\n\n"
	    "preamble\n");
	for (i = 0; i < n; i++)
		(void)buf_printf(b, "--W\nContent-Type: text/plain\n\n"
		    "part %zu\n", i);
	(void)buf_puts(b, "--W--\nepilogue\n");
}

/* messages - n message/rfc822 levels, each a header block */
static void
messages(struct buf *b, size_t n, const char *cte)
{
	size_t i;

	for (i = 0; i < n; i++)
		(void)buf_printf(b, "Subject: level %zu\nContent-Type: "
		    "message/rfc822\n%s\n", i, cte);
	(void)buf_puts(b, "Subject: inner\n\nhello\n");
}

/* header_block - a top-level header block of exactly size bytes */
static void
header_block(struct buf *b, size_t size)
{
	size_t fill = size - strlen("Subject: \n") - strlen("From: a@b\n");

	(void)buf_puts(b, "From: a@b\nSubject: ");
	while (fill-- > 0)
		(void)buf_putc(b, 'x');
	(void)buf_puts(b, "\n\nbody\n");
}

/* part_header - a multipart whose one part has a header block of size */
static void
part_header(struct buf *b, size_t size)
{
	size_t fill = size - strlen("X-Fill: \n");

	(void)buf_puts(b, "Content-Type: multipart/mixed; boundary=P\n\n--P\n"
	    "X-Fill: ");
	while (fill-- > 0)
		(void)buf_putc(b, 'y');
	(void)buf_puts(b, "\n\ntext\n--P--\n");
}

/*
 * chain - n multiparts nested through one pattern: for each level i the
 * header "ct[0] i ct[1]", then the first delimiter "dl[0] i dl[1]"; at
 * the end the close delimiters "dl[0] i dl[2]", innermost first (without
 * them libetpan 1.9.4 cuts unterminated levels short).
 */
static void
chain(struct buf *b, size_t n, const char *const ct[2],
    const char *const dl[3])
{
	size_t i;

	for (i = 0; i < n; i++)
		(void)buf_printf(b, "%s%zu%s%s%zu%s", ct[0], i, ct[1], dl[0], i,
		    dl[1]);
	(void)buf_puts(b, "Content-Type: text/plain\n\nx\n");
	for (i = n; i > 0; i--)
		(void)buf_printf(b, "%s%zu%s", dl[0], i - 1, dl[2]);
}

static const char *const ct_encoded[2] = {
	"Content-Type: =?us-ascii?q?multipart/mixed=3B_boundary=3Dq", "?=\n\n"
};
static const char *const ct_folded[2] = {
	"Content-Type: multipart/mixed; boundary=\"f\n ", "\"\n\n"
};
static const char *const ct_plain_p[2] = {
	"Content-Type: multipart/mixed; boundary=p", "\n\n"
};
static const char *const ct_plain_c[2] = {
	"Content-Type: multipart/mixed; boundary=c", "\n\n"
};
static const char *const ct_same[2] = {
	"Content-Type: multipart/mixed; boundary=S; level=", "\n\n"
};
static const char *const dl_q[3] = { "--q", "\n", "--\n" };
static const char *const dl_f[3] = { "--f ", "\n", "--\n" };
static const char *const dl_p[3] = { "--p", "", "--\n" };
static const char *const dl_c[3] = { "--c", "\n", "--\n" };
static const char *const dl_same[3] = { "--S\nX-Level: ", "\n", "\n--S--\n" };

struct limits_case {
	const char *name;
	int kind;
	size_t n;
	unsigned long depth, parts, header;
	const char *want;
};

enum {
	K_TEXT, K_EMPTY, K_NOHDR, K_NESTED, K_NESTED_CRLF, K_WIDE,
	K_MESSAGES, K_MESSAGES_B64, K_HEADER, K_PART_HEADER, K_ENCODED_CT,
	K_FOLDED, K_PREFIX, K_AFTER_CLOSE, K_SAME_BOUNDARY, K_DIGEST,
	K_NO_BOUNDARY, K_SECOND_CT, K_QUOTED, K_UPPER_PARAM, K_NUL,
	K_BLANK_AFTER
};

static const struct limits_case cases[] = {
	{ "plain text message", K_TEXT, 0, 20, 500, 1000, NULL },
	{ "empty message", K_EMPTY, 0, 20, 500, 1000, NULL },
	{ "message without headers", K_NOHDR, 0, 20, 500, 1000, NULL },
	{ "nested multipart exactly at max_mime_depth", K_NESTED, 5, 5, 500,
	    1000, NULL },
	{ "nested multipart one over max_mime_depth", K_NESTED, 6, 5, 500,
	    1000, "max_mime_depth" },
	{ "CRLF nested multipart exactly at max_mime_depth", K_NESTED_CRLF, 5,
	    5, 500, 1000, NULL },
	{ "CRLF nested multipart one over max_mime_depth", K_NESTED_CRLF, 6,
	    5, 500, 1000, "max_mime_depth" },
	{ "max_mime_depth 0: a multipart is over", K_NESTED, 1, 0, 500, 1000,
	    "max_mime_depth" },
	{ "max_mime_depth 0: a text message is not", K_TEXT, 0, 0, 500, 1000,
	    NULL },
	{ "parts exactly at max_mime_parts (root + 9)", K_WIDE, 9, 20, 10,
	    1000, NULL },
	{ "parts one over max_mime_parts (root + 10)", K_WIDE, 10, 20, 10,
	    1000, "max_mime_parts" },
	{ "nested levels count as parts: at the limit", K_NESTED, 5, 20, 6,
	    1000, NULL },
	{ "nested levels count as parts: one over", K_NESTED, 5, 20, 5,
	    1000, "max_mime_parts" },
	{ "message/rfc822 levels exactly at max_mime_depth", K_MESSAGES, 4, 4,
	    500, 1000, NULL },
	{ "message/rfc822 levels one over max_mime_depth", K_MESSAGES, 5, 4,
	    500, 1000, "max_mime_depth" },
	{ "base64 message/rfc822 is a leaf", K_MESSAGES_B64, 50, 4, 500,
	    1000, NULL },
	{ "header block exactly at max_header_size", K_HEADER, 1000, 20, 500,
	    1000, NULL },
	{ "header block one over max_header_size", K_HEADER, 1001, 20, 500,
	    1000, "max_header_size" },
	{ "part header block exactly at max_header_size", K_PART_HEADER, 1000,
	    20, 500, 1000, NULL },
	{ "part header block one over max_header_size", K_PART_HEADER, 1001,
	    20, 500, 1000, "max_header_size" },
	{ "RFC 2047 encoded Content-Type is followed", K_ENCODED_CT, 6, 5,
	    500, 1000, "max_mime_depth" },
	{ "RFC 2047 encoded Content-Type at the limit", K_ENCODED_CT, 5, 5,
	    500, 1000, NULL },
	{ "folded quoted boundary is followed", K_FOLDED, 6, 5, 500, 1000,
	    "max_mime_depth" },
	{ "first delimiter matches as a prefix", K_PREFIX, 6, 5, 500, 1000,
	    "max_mime_depth" },
	{ "first delimiter prefix chain at the limit", K_PREFIX, 5, 5, 500,
	    1000, NULL },
	{ "a part after --B-- is still scanned", K_AFTER_CLOSE, 6, 6, 500,
	    1000, "max_mime_depth" },
	{ "one boundary reused at every level is no depth", K_SAME_BOUNDARY,
	    10, 2, 500, 1000, NULL },
	{ "digest parts default to message/rfc822", K_DIGEST, 0, 2, 500, 1000,
	    "max_mime_depth" },
	{ "digest nesting at the limit", K_DIGEST, 0, 3, 500, 1000, NULL },
	{ "one blank line after a delimiter is skipped", K_BLANK_AFTER, 0, 1,
	    500, 1000, "max_mime_depth" },
	{ "one blank line after a delimiter: at the limit", K_BLANK_AFTER, 0,
	    2, 500, 1000, NULL },
	{ "multipart without boundary is one part", K_NO_BOUNDARY, 0, 0, 500,
	    1000, NULL },
	{ "the first Content-Type that parses counts", K_SECOND_CT, 0, 0, 500,
	    1000, "max_mime_depth" },
	{ "quoted boundary with escapes", K_QUOTED, 0, 1, 500, 1000,
	    "max_mime_depth" },
	{ "BOUNDARY parameter name is case-insensitive", K_UPPER_PARAM, 0, 1,
	    500, 1000, "max_mime_depth" },
	{ "NUL bytes in headers and body", K_NUL, 0, 20, 500, 1000, NULL },
};

static const char nul_msg[] = "From: a\0b\nContent-Type: multipart/mixed; "
    "boundary=n\0m\n\n--n\0m\n\0\n--n--\n";

/* build - the message of one case */
static void
build(struct buf *b, const struct limits_case *c)
{
	switch (c->kind) {
	case K_TEXT:
		(void)buf_puts(b, "From: a@example.test\nSubject: hi\n\n"
		    "hello\n");
		break;
	case K_EMPTY:
		break;
	case K_NOHDR:
		(void)buf_puts(b, "just text\n--b0\nContent-Type: multipart/x; "
		    "boundary=b1\n");
		break;
	case K_NESTED:
		nested(b, c->n, "\n");
		break;
	case K_NESTED_CRLF:
		nested(b, c->n, "\r\n");
		break;
	case K_WIDE:
		wide(b, c->n);
		break;
	case K_MESSAGES:
		messages(b, c->n, "");
		break;
	case K_MESSAGES_B64:
		messages(b, c->n, "Content-Transfer-Encoding: base64\n");
		break;
	case K_HEADER:
		header_block(b, c->n);
		break;
	case K_PART_HEADER:
		part_header(b, c->n);
		break;
	case K_ENCODED_CT:
		chain(b, c->n, ct_encoded, dl_q);
		break;
	case K_FOLDED:
		chain(b, c->n, ct_folded, dl_f);
		break;
	case K_PREFIX:
		/* "--p0Content-Type: ..." starts the first part mid-line */
		chain(b, c->n, ct_plain_p, dl_p);
		break;
	case K_AFTER_CLOSE:
		/* libetpan cuts a part at a later "--A": it is parsed. */
		(void)buf_puts(b, "Content-Type: multipart/mixed; "
		    "boundary=A\n\n--A\n\nfirst\n--A--\n--A\n");
		chain(b, c->n, ct_plain_c, dl_c);
		break;
	case K_SAME_BOUNDARY:
		chain(b, c->n, ct_same, dl_same);
		break;
	case K_DIGEST:
		/*
		 * digest (1 frame) > second part, no Content-Type: a message
		 * (2) > its multipart (3)
		 */
		(void)buf_puts(b, "Content-Type: multipart/digest; boundary=D\n"
		    "\n--D\n\nfirst\n--D\nX-Part: 2\n\nSubject: inner\n"
		    "Content-Type: multipart/mixed; boundary=E\n\n--E\n\nx\n"
		    "--E--\n--D--\n");
		break;
	case K_BLANK_AFTER:
		/* the blank line after "--A" is skipped: a header follows */
		(void)buf_puts(b, "Content-Type: multipart/mixed; boundary=A\n"
		    "\n--A\n\none\n--A\n\nContent-Type: multipart/mixed; "
		    "boundary=B\n\n--B\n\nx\n--B--\n--A--\n");
		break;
	case K_NO_BOUNDARY:
		(void)buf_puts(b, "Content-Type: multipart/mixed\n\n--x\n"
		    "Content-Type: multipart/mixed; boundary=y\n\n--y\n\nz\n");
		break;
	case K_SECOND_CT:
		(void)buf_puts(b, "Content-Type: ;\nContent-Type: multipart/"
		    "mixed; boundary=z\n\n--z\n\nx\n--z--\n");
		break;
	case K_QUOTED:
		(void)buf_puts(b, "Content-Type: multipart/mixed; boundary="
		    "\"a\\\"b c\"\n\n--a\"b c\nContent-Type: multipart/mixed; "
		    "boundary=in\n\n--in\n\nx\n--in--\n--a\"b c--\n");
		break;
	case K_UPPER_PARAM:
		(void)buf_puts(b, "Content-Type: MULTIPART/Mixed; "
		    "BOUNDARY=u\n\n--u\nContent-Type: Multipart/mixed; "
		    "boundary=v\n\n--v\n\nx\n--v--\n--u--\n");
		break;
	case K_NUL:
		(void)buf_append(b, nul_msg, sizeof(nul_msg) - 1);
		break;
	}
}

/*
 * BOUND - the wall-clock seconds a scan below may take: linear scans take
 * well under 0.1 s, a quadratic one of these inputs is 4e8 steps or
 * more. Generous, so a loaded machine or a sanitizer build never fails.
 */
#define BOUND (10.0 * tap_slow())

/* elapsed - seconds since t0 */
static double
elapsed(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* test_deep - 20 000 nested multiparts, with the default limits */
static void
test_deep(void)
{
	struct limits lim = { BIG, PSIRT_DEFAULT_MAX_MIME_DEPTH,
	    PSIRT_DEFAULT_MAX_MIME_PARTS, PSIRT_DEFAULT_MAX_HEADER_SIZE, BIG };
	struct buf b;
	struct timespec t0;
	const char *got;
	double t;

	buf_init(&b, BIG);
	nested(&b, 20000, "\n");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	got = prescan_check(b.data, b.len, &lim);
	t = elapsed(&t0);
	TAP_STR_EQ(got, "max_mime_depth", "20000 nested multiparts: depth");
	TAP_OK(t < BOUND, "20000 nested multiparts in %.4f s (< %g s)", t,
	    BOUND);

	/* The same with limits high enough to walk all of it. */
	lim.max_mime_depth = 20000;
	lim.max_mime_parts = 20001;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	got = prescan_check(b.data, b.len, &lim);
	t = elapsed(&t0);
	TAP_STR_EQ(got, NULL, "20000 nested multiparts within 20000 levels");
	TAP_OK(t < BOUND, "... all 20000 levels scanned in %.3f s (< %g s)", t,
	    BOUND);
	lim.max_mime_depth = 19999;
	TAP_STR_EQ(prescan_check(b.data, b.len, &lim), "max_mime_depth",
	    "20000 nested multiparts, limit 19999: depth");
	buf_free(&b);
}

/* test_dashes - long lines of dashes under deep nesting stay linear */
static void
test_dashes(void)
{
	struct limits lim = { BIG, 1000, 100000, 4096, BIG };
	struct buf b;
	struct timespec t0;
	const char *got;
	size_t i, j;
	double t;

	buf_init(&b, BIG);
	for (i = 0; i < 999; i++)
		(void)buf_printf(&b, "Content-Type: multipart/mixed; "
		    "boundary=\"-%zu\"\n\n---%zu\n", i, i);
	(void)buf_puts(&b, "\n");
	for (i = 0; i < 2000; i++) {
		for (j = 0; j < 2000; j++)
			(void)buf_putc(&b, '-');
		(void)buf_putc(&b, '\n');
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	got = prescan_check(b.data, b.len, &lim);
	t = elapsed(&t0);
	TAP_STR_EQ(got, NULL, "999 levels and 4 MB of dash lines: no limit");
	TAP_OK(t < BOUND, "... scanned in %.3f s (< %g s)", t, BOUND);
	buf_free(&b);
}

/* test_garbage - random bytes and random MIME-ish lines never crash */
static void
test_garbage(void)
{
	static const char *const words[] = {
		"--a\n", "--a--\n", "--b\n", "\n", "Content-Type: multipart/"
		"mixed; boundary=a\n", "Content-Type: message/rfc822\n",
		"Content-Type: multipart/digest; boundary=\"b\"\n", " folded\n",
		"X: y\n", "=?", "?=", "\r\n", "\"", "\\", "boundary=", ";",
		"Content-Type: =?x?q?multipart/mixed;boundary=b?=\n",
	};
	struct limits lim = { BIG, 20, 500, 4096, BIG };
	struct buf b;
	unsigned long x = 12345;
	const char *got;
	size_t round, i;
	int ok = 1;

	for (round = 0; round < 200; round++) {
		buf_init(&b, 1 << 20);
		for (i = 0; i < 2000; i++) {
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			if (round % 2 == 0)
				(void)buf_putc(&b, (int)(x >> 56));
			else
				(void)buf_puts(&b,
				    words[(x >> 33) % PSIRT_NELEM(words)]);
		}
		got = prescan_check(b.data, b.len, &lim);
		if (got != NULL && strcmp(got, "max_mime_depth") != 0 &&
		    strcmp(got, "max_mime_parts") != 0 &&
		    strcmp(got, "max_header_size") != 0)
			ok = 0;
		buf_free(&b);
	}
	TAP_OK(ok, "200 garbage messages: NULL or a limit name each");
	TAP_STR_EQ(prescan_check(NULL, 0, &lim), NULL, "NULL message");
}

int
main(void)
{
	struct limits lim;
	struct buf b;
	size_t i;

	for (i = 0; i < PSIRT_NELEM(cases); i++) {
		lim.max_message_size = BIG;
		lim.max_mime_depth = cases[i].depth;
		lim.max_mime_parts = cases[i].parts;
		lim.max_header_size = cases[i].header;
		lim.max_decrypted_size = BIG;
		buf_init(&b, BIG);
		build(&b, &cases[i]);
		TAP_STR_EQ(prescan_check(b.data, b.len, &lim), cases[i].want,
		    cases[i].name);
		buf_free(&b);
	}
	test_deep();
	test_dashes();
	test_garbage();
	return tap_done();
}
