/*
 * NAME
 *	sanitize - make untrusted text safe to store and print
 * DESCRIPTION
 *	See include/psirt/sanitize.h. One loop, sanitize_run(), applies the
 *	text rules of DESIGN.md "Sanitized copy" to bytes that should be
 *	UTF-8: strict decoding through text_utf8_decode() (an invalid byte
 *	becomes U+FFFD), CRLF and lone CR become LF, C0 controls other than
 *	LF and TAB, DEL and C1 controls are removed, and every code point
 *	text_is_invisible() names is written as a visible "<U+XXXX>" marker.
 *	Flags: FLAG_INVALID_UTF8 for an invalid sequence, FLAG_CONTROLS for a
 *	removed control or an invisible character that is not a bidi control,
 *	FLAG_BIDI for a bidi control (U+061C, U+200E, U+200F, U+202A-U+202E,
 *	U+2066-U+2069).
 *
 *	sanitize_header() makes one line of it (CR, LF and TAB runs become
 *	one space, leading and trailing blanks go), sanitize_filename() a
 *	file name, sanitize_html_to_text() renders HTML to plain text before
 *	the text rules, sanitize_sniff_type() names content by its magic.
 * LIMITS
 *	The caller's buffer cap: BUF_LIMIT, with the buffer holding what fit.
 *	sanitize_header() output is at most max bytes; a longer value is cut
 *	on a character boundary and ends in "..." (never a silent cut).
 *	File names at most SANITIZE_MAX_FILENAME bytes.
 * DIAGNOSTICS
 *	None besides BUF_LIMIT; hostile input is never an error.
 * SECURITY
 *	All input is attacker-controlled. The output is valid UTF-8 without
 *	any byte a terminal interprets except LF and TAB, and without bidi or
 *	invisible code points; header output has neither LF nor TAB.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "psirt/buf.h"
#include "psirt/sanitize.h"
#include "psirt/status.h"
#include "psirt/text.h"
#include "psirt/xalloc.h"

/* How sanitize_run() treats line breaks and invisible characters. */
#define RUN_TEXT 0		/* LF and TAB kept, CR/CRLF become LF */
#define RUN_LINE 1		/* CR, LF, TAB become a space */
#define RUN_NAME 2		/* like RUN_LINE, invisibles dropped */

static const unsigned char replacement[3] = { 0xEF, 0xBF, 0xBD };

/* is_bidi - a Unicode bidi control (a subset of text_is_invisible()) */
static int
is_bidi(uint32_t cp)
{
	return cp == 0x061C || cp == 0x200E || cp == 0x200F ||
	    (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* put_run - append ASCII bytes; past the cap, as many as fit */
static int
put_run(struct buf *out, const unsigned char *p, size_t n)
{
	if (buf_append(out, p, n) == BUF_OK)
		return BUF_OK;
	if (out->max > out->len)
		(void)buf_append(out, p, out->max - out->len);
	return BUF_LIMIT;
}

/* sanitize_run - apply the text rules to p into out */
static int
sanitize_run(const unsigned char *p, size_t len, struct buf *out, int mode,
    unsigned int *flags)
{
	size_t i = 0, start, n;
	uint32_t cp;
	char marker[16];

	while (i < len) {
		/* Copy the longest run of harmless printable ASCII at once. */
		start = i;
		while (i < len && p[i] >= 0x20 && p[i] < 0x7F)
			i++;
		if (i > start && put_run(out, p + start, i - start) != BUF_OK)
			return BUF_LIMIT;
		if (i >= len)
			break;
		if (p[i] == '\r' || p[i] == '\n' || p[i] == '\t') {
			if (mode != RUN_TEXT) {
				if (buf_putc(out, ' ') != BUF_OK)
					return BUF_LIMIT;
			} else if (p[i] == '\t') {
				if (buf_putc(out, '\t') != BUF_OK)
					return BUF_LIMIT;
			} else {
				if (buf_putc(out, '\n') != BUF_OK)
					return BUF_LIMIT;
				if (p[i] == '\r' && i + 1 < len &&
				    p[i + 1] == '\n')
					i++;
			}
			i++;
			continue;
		}
		if (p[i] < 0x20 || p[i] == 0x7F) {
			*flags |= FLAG_CONTROLS;
			i++;
			continue;
		}
		n = text_utf8_decode(p + i, len - i, &cp);
		if (n == 0) {
			*flags |= FLAG_INVALID_UTF8;
			if (buf_append(out, replacement, sizeof(replacement)) !=
			    BUF_OK)
				return BUF_LIMIT;
			i++;
			continue;
		}
		if (cp >= 0x80 && cp <= 0x9F) {
			*flags |= FLAG_CONTROLS;
		} else if (text_is_invisible(cp) || is_bidi(cp)) {
			*flags |= is_bidi(cp) ? FLAG_BIDI : FLAG_CONTROLS;
			if (mode != RUN_NAME) {
				/* at most "<U+10FFFF>": 16 bytes always do */
				if (snprintf(marker, sizeof(marker), "<U+%04X>",
				    (unsigned int)cp) >= (int)sizeof(marker))
					return BUF_LIMIT;
				if (buf_puts(out, marker) != BUF_OK)
					return BUF_LIMIT;
			}
		} else if (buf_append(out, p + i, n) != BUF_OK)
			return BUF_LIMIT;
		i += n;
	}
	return BUF_OK;
}

/* sanitize_text - multi-line text; BUF_LIMIT past out's cap */
int
sanitize_text(const unsigned char *p, size_t len, struct buf *out,
    unsigned int *flags)
{
	return sanitize_run(p, len, out, RUN_TEXT, flags);
}

/* utf8_cut - the largest length <= max that ends on a character boundary */
static size_t
utf8_cut(const unsigned char *p, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && (p[max] & 0xC0) == 0x80)
		max--;
	return max;
}

/* squeeze - collapse runs of spaces into one; trim both ends */
static size_t
squeeze(unsigned char *s, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == ' ' && (o == 0 || s[o - 1] == ' '))
			continue;
		s[o++] = s[i];
	}
	while (o > 0 && s[o - 1] == ' ')
		o--;
	s[o] = '\0';
	return o;
}

/* sanitize_header - one line: also LF/TAB/CR become one space; new string */
char *
sanitize_header(const unsigned char *p, size_t len, size_t max,
    unsigned int *flags)
{
	struct buf b;
	size_t n;
	unsigned int dummy = 0;

	if (flags == NULL)
		flags = &dummy;
	if (p == NULL)
		len = 0;
	/* Output grows at most 8x; never cap what sanitize_run writes. */
	buf_init(&b, len > ((size_t)-1) / 8 - 1 ? (size_t)-1 / 2 : 8 * len + 1);
	if (len > 0)
		(void)sanitize_run(p, len, &b, RUN_LINE, flags);
	if (b.data == NULL)
		return xstrdup("");
	n = squeeze(b.data, b.len);
	if (n > max) {
		if (max >= 3) {
			n = utf8_cut(b.data, n, max - 3);
			memcpy(b.data + n, "...", 3);
			n += 3;
		} else
			n = utf8_cut(b.data, n, max);
		b.data[n] = '\0';
	}
	b.len = n;
	return buf_steal(&b);
}

/* sanitize_filename - last path component, cleaned; "attachment-N" if empty */
char *
sanitize_filename(const char *name, size_t index)
{
	const char *base, *s;
	struct buf b;
	size_t len, i, n;
	unsigned int flags = 0;
	char fallback[64];

	if (name != NULL) {
		base = name;
		for (s = name; *s != '\0'; s++)
			if (*s == '/' || *s == '\\')
				base = s + 1;
		len = strlen(base);
		buf_init(&b, 3 * len + 1);
		(void)sanitize_run((const unsigned char *)base, len, &b,
		    RUN_NAME, &flags);
		if (b.data != NULL) {
			n = squeeze(b.data, b.len);
			for (i = 0; i < n && (b.data[i] == '.' ||
			    b.data[i] == ' '); i++)
				;
			n -= i;
			memmove(b.data, b.data + i, n);
			n = utf8_cut(b.data, n, SANITIZE_MAX_FILENAME);
			while (n > 0 && b.data[n - 1] == ' ')
				n--;
			b.data[n] = '\0';
			b.len = n;
			if (n > 0)
				return buf_steal(&b);
		}
		buf_free(&b);
	}
	if (snprintf(fallback, sizeof(fallback), "attachment-%zu", index) >=
	    (int)sizeof(fallback))
		return xstrdup("attachment");
	return xstrdup(fallback);
}

/*
 * HTML rendering. A first pass turns markup into plain UTF-8-ish text in a
 * scratch buffer (tags dropped, block tags as line breaks, entities decoded,
 * white space collapsed outside <pre>); sanitize_run() then applies the
 * text rules to the result, so a decoded &#27; or &#x202E; is handled like
 * a literal one.
 */
struct html {
	struct buf *out;
	int pending_space;	/* a collapsed blank before the next text */
	int newlines;		/* line breaks just written (at most 2) */
	int pre;		/* inside <pre> */
	int rc;
};

/* html_raw - append bytes to the scratch buffer */
static void
html_raw(struct html *h, const void *p, size_t len)
{
	if (h->rc == BUF_OK && buf_append(h->out, p, len) != BUF_OK)
		h->rc = BUF_LIMIT;
}

/* html_break - end the line; want 2 asks for an empty line after it */
static void
html_break(struct html *h, int want)
{
	h->pending_space = 0;
	if (h->out->len == 0)
		return;
	while (h->newlines < want) {
		html_raw(h, "\n", 1);
		h->newlines++;
	}
}

/* html_text - append text bytes, collapsing white space outside <pre> */
static void
html_text(struct html *h, const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (h->pre) {
			html_raw(h, p + i, 1);
			h->newlines = p[i] == '\n' ? 1 : 0;
			continue;
		}
		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
		    p[i] == '\n' || p[i] == '\f') {
			if (h->newlines == 0 && h->out->len > 0)
				h->pending_space = 1;
			continue;
		}
		if (h->pending_space)
			html_raw(h, " ", 1);
		h->pending_space = 0;
		h->newlines = 0;
		html_raw(h, p + i, 1);
	}
}

/* html_cp - append one decoded code point as text */
static void
html_cp(struct html *h, uint32_t cp)
{
	unsigned char u[4];
	size_t n;

	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = TEXT_REPLACEMENT;
	if (cp == 0xA0)
		cp = ' ';
	n = text_utf8_encode(cp, u);
	html_text(h, u, n);
}

static const struct {
	const char *name;
	uint32_t cp;
} entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "nbsp", 0xA0 }, { "copy", 0xA9 },
	{ "reg", 0xAE }, { "trade", 0x2122 }, { "hellip", 0x2026 },
	{ "mdash", 0x2014 }, { "ndash", 0x2013 }, { "lsquo", 0x2018 },
	{ "rsquo", 0x2019 }, { "ldquo", 0x201C }, { "rdquo", 0x201D },
	{ "laquo", 0xAB }, { "raquo", 0xBB }, { "bull", 0x2022 },
	{ "middot", 0xB7 }, { "euro", 0x20AC }, { "pound", 0xA3 },
	{ "yen", 0xA5 }, { "cent", 0xA2 }, { "sect", 0xA7 },
	{ "para", 0xB6 }, { "deg", 0xB0 }, { "plusmn", 0xB1 },
	{ "times", 0xD7 }, { "divide", 0xF7 }, { "shy", 0xAD },
	{ "zwj", 0x200D }, { "zwnj", 0x200C }, { "lrm", 0x200E },
	{ "rlm", 0x200F }, { "auml", 0xE4 }, { "ouml", 0xF6 },
	{ "uuml", 0xFC }, { "Auml", 0xC4 }, { "Ouml", 0xD6 },
	{ "Uuml", 0xDC }, { "szlig", 0xDF }, { "eacute", 0xE9 },
	{ "egrave", 0xE8 }, { "agrave", 0xE0 }, { "ccedil", 0xE7 },
};

/* html_entity - decode an entity at p[0] == '&'; bytes used, 0 if none */
static size_t
html_entity(struct html *h, const unsigned char *p, size_t len)
{
	size_t i, j, start;
	uint32_t cp = 0;
	int hex, overflow = 0;

	if (len >= 3 && p[1] == '#') {
		hex = p[2] == 'x' || p[2] == 'X';
		start = i = hex ? 3 : 2;
		for (; i < len; i++) {
			int d;

			if (p[i] >= '0' && p[i] <= '9')
				d = p[i] - '0';
			else if (hex && p[i] >= 'a' && p[i] <= 'f')
				d = p[i] - 'a' + 10;
			else if (hex && p[i] >= 'A' && p[i] <= 'F')
				d = p[i] - 'A' + 10;
			else
				break;
			if (cp > 0x10FFFF)
				overflow = 1;
			else
				cp = cp * (hex ? 16 : 10) + (uint32_t)d;
		}
		if (i == start)
			return 0;
		html_cp(h, overflow ? TEXT_REPLACEMENT : cp);
		return i < len && p[i] == ';' ? i + 1 : i;
	}
	for (i = 1; i < len && i < 12 && ((p[i] >= 'a' && p[i] <= 'z') ||
	    (p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9'));
	    i++)
		;
	if (i == 1 || i >= len || p[i] != ';')
		return 0;
	for (j = 0; j < PSIRT_NELEM(entities); j++)
		if (strlen(entities[j].name) == i - 1 &&
		    memcmp(entities[j].name, p + 1, i - 1) == 0) {
			html_cp(h, entities[j].cp);
			return i + 1;
		}
	return 0;
}

/* lower - ASCII lowercase */
static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* find_ci - first case-insensitive occurrence of s in p, or len */
static size_t
find_ci(const unsigned char *p, size_t len, size_t from, const char *s)
{
	size_t n = strlen(s), i, k;

	for (i = from; i + n <= len; i++) {
		for (k = 0; k < n && lower(p[i + k]) == s[k]; k++)
			;
		if (k == n)
			return i;
	}
	return len;
}

/* tag_end - index just past the '>' closing a tag that starts at from */
static size_t
tag_end(const unsigned char *p, size_t len, size_t from)
{
	size_t i;
	unsigned char q = 0;

	for (i = from; i < len; i++) {
		if (q != 0) {
			if (p[i] == q)
				q = 0;
		} else if (p[i] == '"' || p[i] == '\'')
			q = p[i];
		else if (p[i] == '>')
			return i + 1;
	}
	/* An unclosed quote must not hide the rest: the first '>' wins. */
	for (i = from; i < len; i++)
		if (p[i] == '>')
			return i + 1;
	return len;
}

/* tag_is - the tag name p[0..n) equals name (case-insensitive) */
static int
tag_is(const unsigned char *p, size_t n, const char *name)
{
	size_t i;

	if (strlen(name) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (lower(p[i]) != name[i])
			return 0;
	return 1;
}

/* skip_element - index past the end tag </name ...>, or len */
static size_t
skip_element(const unsigned char *p, size_t len, size_t from,
    const char *name, const char *alt_end)
{
	char close[16];
	size_t i, a;

	if (snprintf(close, sizeof(close), "</%s", name) >= (int)sizeof(close))
		return len;
	i = find_ci(p, len, from, close);
	if (alt_end != NULL) {
		a = find_ci(p, len, from, alt_end);
		if (a < i)
			return a;	/* the element ends where that starts */
	}
	return i < len ? tag_end(p, len, i) : len;
}

/* html_tag - handle the tag at p[i] == '<'; returns the next index */
static size_t
html_tag(struct html *h, const unsigned char *p, size_t len, size_t i)
{
	size_t s, n, e;
	int closing = 0;

	if (i + 3 < len && memcmp(p + i, "<!--", 4) == 0) {
		e = i + 4;
		while (e + 2 < len && memcmp(p + e, "-->", 3) != 0)
			e++;
		if (e + 2 < len)
			return e + 3;
		return tag_end(p, len, i + 4);	/* unclosed: up to '>' */
	}
	if (i + 1 < len && (p[i + 1] == '!' || p[i + 1] == '?'))
		return tag_end(p, len, i + 1);
	s = i + 1;
	if (s < len && p[s] == '/') {
		closing = 1;
		s++;
	}
	if (s >= len || !((p[s] >= 'a' && p[s] <= 'z') ||
	    (p[s] >= 'A' && p[s] <= 'Z'))) {
		html_text(h, p + i, 1);	/* a literal '<' */
		return i + 1;
	}
	for (n = 0; s + n < len && ((p[s + n] >= 'a' && p[s + n] <= 'z') ||
	    (p[s + n] >= 'A' && p[s + n] <= 'Z') ||
	    (p[s + n] >= '0' && p[s + n] <= '9')); n++)
		;
	e = tag_end(p, len, s + n);
	if (!closing && tag_is(p + s, n, "script"))
		return skip_element(p, len, e, "script", NULL);
	if (!closing && tag_is(p + s, n, "style"))
		return skip_element(p, len, e, "style", NULL);
	if (!closing && tag_is(p + s, n, "title"))
		return skip_element(p, len, e, "title", NULL);
	if (!closing && tag_is(p + s, n, "head"))
		return skip_element(p, len, e, "head", "<body");
	if (tag_is(p + s, n, "br")) {
		if (h->newlines < 2 && h->out->len > 0) {
			html_raw(h, "\n", 1);
			h->newlines++;
		}
		h->pending_space = 0;
	} else if (tag_is(p + s, n, "p") || (n == 2 && lower(p[s]) == 'h' &&
	    p[s + 1] >= '1' && p[s + 1] <= '6') ||
	    tag_is(p + s, n, "blockquote") || tag_is(p + s, n, "table") ||
	    tag_is(p + s, n, "ul") || tag_is(p + s, n, "ol") ||
	    tag_is(p + s, n, "pre")) {
		html_break(h, 2);
		if (tag_is(p + s, n, "pre")) {
			h->pre = closing ? 0 : 1;
			/* A line break right after <pre> is not content. */
			if (h->pre && e < len && p[e] == '\r')
				e++;
			if (h->pre && e < len && p[e] == '\n')
				e++;
		}
	} else if (tag_is(p + s, n, "div") || tag_is(p + s, n, "li") ||
	    tag_is(p + s, n, "tr") || tag_is(p + s, n, "hr") ||
	    tag_is(p + s, n, "dt") || tag_is(p + s, n, "dd") ||
	    tag_is(p + s, n, "section") || tag_is(p + s, n, "article") ||
	    tag_is(p + s, n, "header") || tag_is(p + s, n, "footer")) {
		html_break(h, 1);
	} else if (tag_is(p + s, n, "td") || tag_is(p + s, n, "th")) {
		if (h->newlines == 0 && h->out->len > 0)
			h->pending_space = 1;
	}
	return e;
}

/* sanitize_html_to_text - HTML to plain text, then the text rules */
int
sanitize_html_to_text(const unsigned char *p, size_t len, struct buf *out,
    unsigned int *flags)
{
	struct buf scratch;
	struct html h;
	size_t i = 0, start, n;
	int rc;

	buf_init(&scratch, out->max);
	memset(&h, 0, sizeof(h));
	h.out = &scratch;
	h.rc = BUF_OK;
	while (i < len && h.rc == BUF_OK) {
		if (p[i] == '<') {
			i = html_tag(&h, p, len, i);
		} else if (p[i] == '&') {
			n = html_entity(&h, p + i, len - i);
			if (n == 0) {
				html_text(&h, p + i, 1);
				n = 1;
			}
			i += n;
		} else {
			start = i;
			while (i < len && p[i] != '<' && p[i] != '&')
				i++;
			html_text(&h, p + start, i - start);
		}
	}
	if (h.rc == BUF_OK && scratch.len > 0 && !h.newlines)
		html_raw(&h, "\n", 1);
	while (scratch.len > 1 && scratch.data[scratch.len - 1] == '\n' &&
	    scratch.data[scratch.len - 2] == '\n')
		scratch.len--;
	rc = sanitize_run(scratch.data != NULL ? scratch.data :
	    (const unsigned char *)"", scratch.len, out, RUN_TEXT, flags);
	buf_free(&scratch);
	return h.rc != BUF_OK ? BUF_LIMIT : rc;
}

/* starts_ci - p begins with s (ASCII case-insensitive) */
static int
starts_ci(const unsigned char *p, size_t len, const char *s)
{
	size_t i, n = strlen(s);

	if (len < n)
		return 0;
	for (i = 0; i < n; i++)
		if (lower(p[i]) != lower((unsigned char)s[i]))
			return 0;
	return 1;
}

/* text_like - valid UTF-8 without controls other than TAB/LF/CR/FF */
static int
text_like(const unsigned char *p, size_t len)
{
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		if (p[i] < 0x80) {
			if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' &&
			    p[i] != '\r' && p[i] != '\f') || p[i] == 0x7F)
				return 0;
			i++;
			continue;
		}
		n = text_utf8_decode(p + i, len - i, &cp);
		if (n == 0 || cp <= 0x9F)
			return 0;
		i += n;
	}
	return 1;
}

/* sanitize_sniff_type - a type guessed from the first bytes (magic) */
const char *
sanitize_sniff_type(const unsigned char *p, size_t len)
{
	size_t i = 0;
	const unsigned char *t;

	if (len == 0)
		return "application/octet-stream";
	if (starts_ci(p, len, "%PDF-"))
		return "application/pdf";
	if (len >= 4 && p[0] == 'P' && p[1] == 'K' &&
	    ((p[2] == 3 && p[3] == 4) || (p[2] == 5 && p[3] == 6) ||
	    (p[2] == 7 && p[3] == 8)))
		return "application/zip";
	if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (len >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return "image/jpeg";
	if (len >= 6 && (memcmp(p, "GIF87a", 6) == 0 ||
	    memcmp(p, "GIF89a", 6) == 0))
		return "image/gif";
	if (len >= 2 && p[0] == 0x1F && p[1] == 0x8B)
		return "application/gzip";
	if (len >= 4 && memcmp(p, "\x7f" "ELF", 4) == 0)
		return "application/x-executable";
	if (len >= 2 && p[0] == 'M' && p[1] == 'Z')
		return "application/x-msdownload";
	/* Text formats may start with a BOM and blank space. */
	if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		i = 3;
	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
	    p[i] == '\n'))
		i++;
	t = p + i;
	if (starts_ci(t, len - i, "-----BEGIN PGP PUBLIC KEY BLOCK"))
		return "application/pgp-keys";
	if (starts_ci(t, len - i, "-----BEGIN PGP SIGNATURE"))
		return "application/pgp-signature";
	if (starts_ci(t, len - i, "-----BEGIN PGP MESSAGE"))
		return "application/pgp-encrypted";
	if (starts_ci(t, len - i, "-----BEGIN PGP"))
		return "application/pgp";
	if (starts_ci(t, len - i, "<!doctype html") ||
	    starts_ci(t, len - i, "<html") || starts_ci(t, len - i, "<head") ||
	    starts_ci(t, len - i, "<body"))
		return "text/html";
	if (text_like(p, len))
		return "text/plain";
	return "application/octet-stream";
}
