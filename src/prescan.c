/*
 * NAME
 *	prescan - cheap iterative check of MIME structure before parsing
 * DESCRIPTION
 *	See include/psirt/prescan.h. One pass over the message, line by line,
 *	with an explicit stack instead of recursion. A stack frame is either a
 *	multipart (its boundary) or a message/rfc822 level. The stack height
 *	when an entity's header block is read is that entity's depth; the
 *	root is depth 0, so a multipart at depth max_mime_depth whose parts
 *	would be one deeper is over the limit. Parts are counted as entities:
 *	the root, every body part a delimiter line opens, and every message
 *	a message/rfc822 part (or a part of a multipart/digest without
 *	Content-Type) carries.
 *
 *	The scan follows what libetpan 1.9.4 will do with the same bytes,
 *	because that is what it guards (tests/unit/test-prescan.c pins each
 *	rule):
 *	- Content-Type values are RFC 2047-decoded and their white space
 *	  runs become one space before they are parsed (libetpan does so);
 *	  the first Content-Type that parses counts; "multipart" and
 *	  "message" match as case-insensitive prefixes of the type token;
 *	  a multipart without a boundary parameter is a single part;
 *	  boundary values are tokens or quoted strings (unescaped).
 *	- A delimiter line "--B" opens a part of the outermost open multipart
 *	  whose boundary it matches (the outer boundary cuts the part first).
 *	  The first delimiter of a multipart matches as a prefix, its part
 *	  starts right after B and blank lines there are skipped; later
 *	  ones need "--B" plus blanks only, and one blank line after them
 *	  is skipped (so a header block may follow it).
 *	- "--B--" ends the parts nested in B but keeps B open: libetpan
 *	  still cuts a part at a later "--B".
 *	- message/rfc822 with base64 or quoted-printable transfer encoding
 *	  is a leaf (libetpan does not look inside).
 * LIMITS
 *	max_mime_depth, max_mime_parts, and max_header_size for every header
 *	block (the top-level one, each body part's, each embedded message's).
 *	The stack never grows past max_mime_depth frames. Boundaries are
 *	found through a hash index, not by trying every frame, so the time
 *	is linear in the message size whatever the depth limit.
 * DIAGNOSTICS
 *	NULL within limits, else the name of the first limit hit.
 * SECURITY
 *	The whole message is attacker-controlled; every index is checked
 *	against len, nothing is recursive, memory is bounded by the depth
 *	limit and the size of one header value. Encoded words go through
 *	iconv as libetpan's do in mime.c (unknown charset: bytes kept). This
 *	is a guard for a parser we do not trust, not that parser: corner
 *	cases of header syntax may still be read differently (a comment
 *	before a field's colon, a base64 word split mid-character that
 *	libetpan joins with the next one). The worker's resource limits stay
 *	the last line of defence.
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "psirt/text.h"
#include "psirt/buf.h"
#include "psirt/prescan.h"
#include "psirt/xalloc.h"

#define M_NONE 0
#define M_OPEN 1
#define M_CLOSE 2

#define NBUCKET 1024		/* boundary index: chains of frames */
#define NONE ((size_t)-1)

struct frame {
	unsigned char *b;	/* boundary (owned); NULL for a message level */
	size_t blen;
	uint64_t hash;		/* of the boundary */
	size_t next;		/* next frame in its bucket, or NONE */
	int indexed;		/* the lowest frame with this boundary */
	int digest;		/* multipart/digest: parts default to message */
	int opened;		/* its first delimiter was seen */
};

struct scan {
	const unsigned char *p;
	size_t len;
	const struct limits *lim;
	struct frame *f;
	size_t n;
	size_t alloc;
	size_t bucket[NBUCKET];	/* first frame of each chain, or NONE */
	size_t unopened;	/* the multipart not yet opened, or NONE */
	unsigned long parts;
};

/* What one header block declares. */
struct ctype {
	int found;		/* a Content-Type that parses */
	int multipart;
	int message;		/* message/rfc822 */
	int digest;
	unsigned char *boundary;	/* owned, or NULL: no boundary */
	size_t blen;
	int cte_found;
	int encoded;		/* base64 or quoted-printable */
};

/* lower - ASCII lowercase */
static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* is_ws - white space that folds or separates words */
static int
is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* prefix_ci - p[0..len) starts with s, ASCII case-insensitive */
static int
prefix_ci(const unsigned char *p, size_t len, const char *s)
{
	size_t i, n = strlen(s);

	if (len < n)
		return 0;
	for (i = 0; i < n; i++)
		if (lower(p[i]) != s[i])
			return 0;
	return 1;
}

/* line_end - index of the LF that ends the line at pos, or len */
static size_t
line_end(const struct scan *s, size_t pos)
{
	const unsigned char *q;

	q = memchr(s->p + pos, '\n', s->len - pos);
	return q != NULL ? (size_t)(q - s->p) : s->len;
}

/* content_end - eol without a CR just before it */
static size_t
content_end(const struct scan *s, size_t pos, size_t eol)
{
	if (eol > pos && s->p[eol - 1] == '\r')
		return eol - 1;
	return eol;
}

/* fnv_step - FNV-1a, one byte further */
static uint64_t
fnv_step(uint64_t h, unsigned char c)
{
	return (h ^ c) * 0x100000001b3ULL;
}

#define FNV_INIT 0xcbf29ce484222325ULL

/* lookup - the lowest frame whose boundary is x[0..n) (hash h), or NONE */
static size_t
lookup(const struct scan *s, const unsigned char *x, size_t n, uint64_t h)
{
	size_t i;

	for (i = s->bucket[h % NBUCKET]; i != NONE; i = s->f[i].next)
		if (s->f[i].hash == h && s->f[i].blen == n &&
		    memcmp(s->f[i].b, x, n) == 0)
			return i;
	return NONE;
}

/* better - keep the outermost candidate (close wins a tie) */
static void
better(size_t cand, int kind, size_t *best, int *best_kind)
{
	if (cand == NONE)
		return;
	if (*best == NONE || cand < *best || (cand == *best &&
	    kind == M_CLOSE)) {
		*best = cand;
		*best_kind = kind;
	}
}

/*
 * match_delim - is the line [pos, cend) a delimiter of a frame? The
 * outermost matching frame wins. Rather than trying every frame, every
 * boundary the line could carry is looked up: "--" X with X followed by
 * blanks only (a part) or by "--" (a close), plus the prefix match of
 * the one multipart not yet opened. Time linear in the line.
 */
static int
match_delim(const struct scan *s, size_t pos, size_t cend, size_t *idx_r)
{
	const unsigned char *r = s->p + pos + 2;
	size_t rl, tl, k, best = NONE, u;
	uint64_t h = FNV_INIT;
	int kind = M_NONE;

	if (cend - pos < 2 || r[-2] != '-' || r[-1] != '-')
		return M_NONE;
	rl = cend - pos - 2;
	for (tl = rl; tl > 0 && (r[tl - 1] == ' ' || r[tl - 1] == '\t'); tl--)
		;
	for (k = 0; k <= rl; k++) {
		if (k >= tl)
			better(lookup(s, r, k, h), M_OPEN, &best, &kind);
		if (k + 2 <= rl && r[k] == '-' && r[k + 1] == '-')
			better(lookup(s, r, k, h), M_CLOSE, &best, &kind);
		if (k < rl)
			h = fnv_step(h, r[k]);
	}
	/* An unopened multipart: its first delimiter is a prefix match. */
	u = s->unopened;
	if (u != NONE && s->f[u].blen <= rl &&
	    memcmp(r, s->f[u].b, s->f[u].blen) == 0)
		better(u, M_OPEN, &best, &kind);
	if (best == NONE)
		return M_NONE;
	if (!s->f[best].opened)
		kind = M_OPEN;
	*idx_r = best;
	return kind;
}

/* push - one more stack frame; the limit name if it is one too many */
static const char *
push(struct scan *s, unsigned char *b, size_t blen, int digest)
{
	struct frame *f;
	size_t i;
	uint64_t h = FNV_INIT;

	if (s->n + 1 > s->lim->max_mime_depth) {
		free(b);
		return "max_mime_depth";
	}
	if (s->n == s->alloc) {
		s->alloc = s->alloc ? 2 * s->alloc : 8;
		s->f = xreallocarray(s->f, s->alloc, sizeof(*s->f));
	}
	f = &s->f[s->n];
	memset(f, 0, sizeof(*f));
	f->b = b;
	f->blen = blen;
	f->digest = digest;
	f->next = NONE;
	if (b != NULL) {
		for (i = 0; i < blen; i++)
			h = fnv_step(h, b[i]);
		f->hash = h;
		/* Only the lowest frame of a boundary is indexed: it wins. */
		if (lookup(s, b, blen, h) == NONE) {
			f->indexed = 1;
			f->next = s->bucket[h % NBUCKET];
			s->bucket[h % NBUCKET] = s->n;
		}
		s->unopened = s->n;
	}
	s->n++;
	return NULL;
}

/* pop_above - drop the frames nested in frame i */
static void
pop_above(struct scan *s, size_t i)
{
	struct frame *f;

	while (s->n > i + 1) {
		f = &s->f[--s->n];
		/* Frames go in stack order: an indexed one heads its chain. */
		if (f->indexed)
			s->bucket[f->hash % NBUCKET] = f->next;
		if (s->unopened == s->n)
			s->unopened = NONE;
		free(f->b);
	}
}

/* hexval - value of a hex digit, 0 for anything else (as libetpan) */
static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return 0;
}

/*
 * conv_append - append text in charset cs to out as UTF-8, the way mime.c's
 * conversion (which libetpan's RFC 2047 decoding goes through) does it:
 * us-ascii and utf-8 as they are, an unknown or odd charset name as the
 * bytes, an invalid sequence as U+FFFD.
 */
static void
conv_append(struct buf *out, const unsigned char *t, size_t tlen,
    const char *cs)
{
	static const char *const passthrough[] = {
		"us-ascii", "ascii", "us_ascii", "ansi_x3.4-1968", "iso646-us",
		"us", "utf-8", "utf8",
	};
	iconv_t cd;
	char tmp[256], name[64], *in, *o;
	size_t il, ol, i;

	for (i = 0; cs[i] != '\0' && i + 1 < sizeof(name); i++) {
		name[i] = (char)lower((unsigned char)cs[i]);
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') ||
		    strchr("-_.:+", name[i]) != NULL))
			break;
	}
	name[i] = '\0';
	if (i == 0 || cs[i] != '\0') {
		(void)buf_append(out, t, tlen);
		return;
	}
	for (i = 0; i < sizeof(passthrough) / sizeof(passthrough[0]); i++)
		if (strcmp(name, passthrough[i]) == 0) {
			(void)buf_append(out, t, tlen);
			return;
		}
	cd = iconv_open("UTF-8", name);
	if (cd == (iconv_t)-1) {
		(void)buf_append(out, t, tlen);
		return;
	}
	in = (char *)t;
	il = tlen;
	while (il > 0) {
		o = tmp;
		ol = sizeof(tmp);
		if (iconv(cd, &in, &il, &o, &ol) != (size_t)-1 ||
		    errno == E2BIG) {
			(void)buf_append(out, tmp, sizeof(tmp) - ol);
			continue;
		}
		(void)buf_append(out, tmp, sizeof(tmp) - ol);
		(void)buf_append(out, "\xef\xbf\xbd", 3);
		if (errno == EINVAL)
			break;
		in++;
		il--;
	}
	iconv_close(cd);
}

/*
 * encoded_word - decode "=?cs?B|Q?text?=" at v[i] into out; returns the
 * index after it, or 0 if there is none. The text runs to "?=" or to the
 * end, and stops at a decoded NUL (libetpan uses strlen on it).
 */
static size_t
encoded_word(const unsigned char *v, size_t n, size_t i, struct buf *out)
{
	size_t cs0, cs1, t, e;
	char cs[64];
	struct buf raw;
	int enc, acc = 0, bits = 0, d;

	if (i + 1 >= n || v[i] != '=' || v[i + 1] != '?')
		return 0;
	cs0 = cs1 = i + 2;
	while (cs1 < n && v[cs1] != '?' && !is_ws(v[cs1]))
		cs1++;
	if (cs1 == cs0 || cs1 + 2 >= n || v[cs1] != '?' ||
	    v[cs1 + 2] != '?')
		return 0;
	enc = lower(v[cs1 + 1]);
	if (enc != 'b' && enc != 'q')
		return 0;
	t = cs1 + 3;
	for (e = t; e + 1 < n && !(v[e] == '?' && v[e + 1] == '='); e++)
		;
	if (e + 1 >= n)
		e = n;
	if (cs1 - cs0 >= sizeof(cs))
		cs1 = cs0 + sizeof(cs) - 1;
	memcpy(cs, v + cs0, cs1 - cs0);
	cs[cs1 - cs0] = '\0';
	buf_init(&raw, e - t + 1);
	for (; t < e; t++) {
		unsigned char c;

		if (enc == 'b') {
			if ((d = text_b64_value(v[t])) < 0)
				continue;
			acc = (acc << 6) | d;
			bits += 6;
			if (bits < 8)
				continue;
			bits -= 8;
			c = (unsigned char)(acc >> bits);
			acc &= (1 << bits) - 1;
		} else if (v[t] == '_')
			c = ' ';
		else if (v[t] == '=' && t + 2 < e) {
			c = (unsigned char)(hexval(v[t + 1]) << 4 |
			    hexval(v[t + 2]));
			t += 2;
		} else
			c = v[t];
		if (c == '\0')
			break;
		(void)buf_putc(&raw, c);
	}
	conv_append(out, raw.data != NULL ? raw.data : (unsigned char *)"",
	    raw.len, cs);
	buf_free(&raw);
	return e < n ? e + 2 : n;
}

/*
 * normalize - a Content-Type value as libetpan parses it: RFC 2047 words
 * decoded, white space runs as one space, cut at a NUL. Returns 0 if that
 * phrase parse would fail (the raw value is used then).
 */
static int
normalize(const unsigned char *v, size_t n, struct buf *out)
{
	size_t i = 0, j, e;
	int first = 1, prev_enc = 0, ws;

	for (j = 0; j < n && v[j] != '\0'; j++)
		;
	n = j;
	while (i < n) {
		ws = 0;
		while (i < n && is_ws(v[i])) {
			i++;
			ws = 1;
		}
		if (i >= n)
			break;
		j = i;
		if (v[j] == '"' && j + 1 < n && v[j + 1] == '=')
			j++;
		if (v[j] == '=' && j + 1 < n && v[j + 1] == '?') {
			size_t mark = out->len;

			if (!first && ws && !prev_enc)
				(void)buf_putc(out, ' ');
			e = encoded_word(v, n, j, out);
			if (e == 0) {
				out->len = mark;
				if (out->data != NULL)
					out->data[mark] = '\0';
				return !first;	/* the phrase ends here */
			}
			if (j > i && e < n && v[e] == '"')
				e++;
			i = e;
			prev_enc = 1;
			first = 0;
			continue;
		}
		if (!first && ws)
			(void)buf_putc(out, ' ');
		for (j = i; j < n && !is_ws(v[j]); j++)
			if (j > i && v[j - 1] == '=' && v[j] == '?') {
				j--;
				break;
			}
		(void)buf_append(out, v + i, j - i);
		i = j;
		prev_enc = 0;
		first = 0;
	}
	return 1;
}

/* is_tspecial - RFC 2045 tspecials */
static int
is_tspecial(int c)
{
	return c != '\0' && strchr("()<>@,;:\\\"/[]?=", c) != NULL;
}

/* is_token - libetpan's token character: ASCII but space and tspecials */
static int
is_token(int c)
{
	return c < 0x80 && c != ' ' && c != '\r' && c != '\n' &&
	    !is_tspecial(c);
}

/* cfws - skip white space and (nested) comments */
static size_t
cfws(const unsigned char *v, size_t n, size_t i)
{
	int depth;

	for (;;) {
		while (i < n && is_ws(v[i]))
			i++;
		if (i >= n || v[i] != '(')
			return i;
		depth = 0;
		for (; i < n; i++) {
			if (v[i] == '\\' && i + 1 < n)
				i++;
			else if (v[i] == '(')
				depth++;
			else if (v[i] == ')' && --depth == 0) {
				i++;
				break;
			}
		}
	}
}

/* token - index after the token at i (i itself if none) */
static size_t
token(const unsigned char *v, size_t n, size_t i)
{
	while (i < n && is_token(v[i]))
		i++;
	return i;
}

/* param_value - parse a token or quoted string at i into out */
static size_t
param_value(const unsigned char *v, size_t n, size_t i, struct buf *out,
    int *ok)
{
	size_t e;

	*ok = 0;
	e = token(v, n, i);
	if (e > i) {
		(void)buf_append(out, v + i, e - i);
		*ok = 1;
		return e;
	}
	i = cfws(v, n, i);
	if (i >= n || v[i] != '"')
		return i;
	for (i++; i < n; i++) {
		if (v[i] == '"') {
			*ok = 1;
			return cfws(v, n, i + 1);
		}
		if (is_ws(v[i])) {
			while (i + 1 < n && is_ws(v[i + 1]))
				i++;
			(void)buf_putc(out, ' ');
		} else if (v[i] == '\\' && i + 1 < n)
			(void)buf_putc(out, v[++i]);
		else
			(void)buf_putc(out, v[i]);
	}
	return i;
}

/* parse_ctype - parse a normalized Content-Type value; 0 if it fails */
static int
parse_ctype(const unsigned char *v, size_t n, struct ctype *ct)
{
	size_t i, e, a;
	struct buf val;
	int ok, got_boundary = 0, is_message;

	i = cfws(v, n, 0);
	e = token(v, n, i);
	if (e == i)
		return 0;
	/* libetpan matches the composite types as prefixes of the token. */
	ct->multipart = prefix_ci(v + i, e - i, "multipart");
	is_message = !ct->multipart && prefix_ci(v + i, e - i, "message");
	i = ct->multipart ? i + 9 : is_message ? i + 7 : e;
	a = cfws(v, n, i);
	if (a < n && v[a] == '/') {
		a = cfws(v, n, a + 1);
		e = token(v, n, a);
		if (e == a)
			return 0;
		ct->message = is_message && e - a == 6 &&
		    prefix_ci(v + a, 6, "rfc822");
		ct->digest = ct->multipart && e - a == 6 &&
		    prefix_ci(v + a, 6, "digest");
		i = e;
	}
	for (;;) {
		i = cfws(v, n, i);
		if (i >= n || v[i] != ';')
			break;
		i = cfws(v, n, i + 1);
		a = token(v, n, i);
		if (a == i)
			break;
		e = cfws(v, n, a);
		if (e >= n || v[e] != '=')
			break;
		e = cfws(v, n, e + 1);
		buf_init(&val, n + 1);
		e = param_value(v, n, e, &val, &ok);
		if (!ok) {
			buf_free(&val);
			break;
		}
		if (!got_boundary && a - i == 8 && prefix_ci(v + i, 8,
		    "boundary")) {
			got_boundary = 1;
			/* libetpan strips a quote pair left in the value */
			if (val.len >= 2 && val.data[0] == '"') {
				memmove(val.data, val.data + 1, val.len - 2);
				val.len -= 2;
			}
			ct->blen = val.len;
			ct->boundary = (unsigned char *)xmemdup(
			    val.data != NULL ? (const char *)val.data : "",
			    val.len);
		}
		buf_free(&val);
		i = e;
	}
	return 1;
}

/* field - act on one header field: name [n0, n1), value [v0, v1) */
static void
field(const struct scan *s, size_t n0, size_t n1, size_t v0, size_t v1,
    struct ctype *ct)
{
	const unsigned char *p = s->p;
	struct buf norm;
	struct ctype tmp;
	size_t i;

	if (!ct->found && n1 - n0 == 12 && prefix_ci(p + n0, 12,
	    "content-type")) {
		memset(&tmp, 0, sizeof(tmp));
		buf_init(&norm, 8 * (v1 - v0) + 16);
		if (normalize(p + v0, v1 - v0, &norm)) {
			if (parse_ctype(norm.data != NULL ? norm.data :
			    (const unsigned char *)"", norm.len, &tmp))
				tmp.found = 1;
		} else if (parse_ctype(p + v0, v1 - v0, &tmp))
			tmp.found = 1;
		buf_free(&norm);
		if (tmp.found) {
			ct->found = 1;
			ct->multipart = tmp.multipart;
			ct->message = tmp.message;
			ct->digest = tmp.digest;
			ct->boundary = tmp.boundary;
			ct->blen = tmp.blen;
		} else
			free(tmp.boundary);
	} else if (!ct->cte_found && n1 - n0 == 25 && prefix_ci(p + n0, 25,
	    "content-transfer-encoding")) {
		for (i = v0; i < v1 && is_ws(p[i]); i++)
			;
		if (i < v1) {
			ct->cte_found = 1;
			ct->encoded = prefix_ci(p + i, v1 - i, "base64") ||
			    prefix_ci(p + i, v1 - i, "quoted-printable");
		}
	}
}

/* field_name - the ':' of a header field line [q, cend), or 0 if none */
static size_t
field_name(const struct scan *s, size_t q, size_t cend, size_t *name_end)
{
	size_t i;

	for (i = q; i < cend && s->p[i] > 32 && s->p[i] < 127 &&
	    s->p[i] != ':'; i++)
		;
	if (i == q)
		return 0;
	*name_end = i;
	while (i < cend && (s->p[i] == ' ' || s->p[i] == '\t'))
		i++;
	return i < cend && s->p[i] == ':' ? i : 0;
}

/*
 * scan_headers - read the header block at *pos (possibly mid-line) into
 * ct; *pos ends at the body. A block ends at an empty line (consumed), a
 * line that is no header field, or a delimiter line.
 */
static const char *
scan_headers(struct scan *s, size_t *pos, struct ctype *ct)
{
	size_t start = *pos, q = *pos, eol, cend, next, colon;
	size_t n0 = 0, n1 = 0, v0 = 0, v1 = 0, ne, dummy;
	int in_field = 0;

	memset(ct, 0, sizeof(*ct));
	while (q < s->len) {
		eol = line_end(s, q);
		cend = content_end(s, q, eol);
		next = eol < s->len ? eol + 1 : s->len;
		if (cend == q) {
			q = next;	/* the empty line ends the block */
			break;
		}
		if (s->p[q] == ' ' || s->p[q] == '\t') {
			if (!in_field)
				break;
			v1 = cend;	/* a folded continuation */
		} else {
			if (match_delim(s, q, cend, &dummy) != M_NONE)
				break;
			if ((colon = field_name(s, q, cend, &ne)) == 0)
				break;
			if (in_field)
				field(s, n0, n1, v0, v1, ct);
			in_field = 1;
			n0 = q;
			n1 = ne;
			v0 = colon + 1;
			v1 = cend;
		}
		q = next;
		if (q - start > s->lim->max_header_size)
			return "max_header_size";
	}
	if (in_field)
		field(s, n0, n1, v0, v1, ct);
	*pos = q;
	return NULL;
}

/* first_part_start - where the part after a first delimiter begins */
static size_t
first_part_start(const struct scan *s, size_t q)
{
	size_t begin = q, r;

	for (;;) {
		for (r = q; r < s->len && (s->p[r] == ' ' || s->p[r] == '\t');
		    r++)
			;
		if (r < s->len && s->p[r] == '\n')
			q = begin = r + 1;
		else if (r + 1 < s->len && s->p[r] == '\r' &&
		    s->p[r + 1] == '\n')
			q = begin = r + 2;
		else
			return begin;
	}
}

/* skip_blank_line - libetpan skips one blank line after a later delimiter */
static size_t
skip_blank_line(const struct scan *s, size_t q)
{
	size_t r;

	for (r = q; r < s->len && (s->p[r] == ' ' || s->p[r] == '\t'); r++)
		;
	if (r < s->len && s->p[r] == '\n')
		return r + 1;
	if (r + 1 < s->len && s->p[r] == '\r' && s->p[r + 1] == '\n')
		return r + 2;
	return q;
}

/*
 * entity - read the header block(s) of the entity at *pos: a multipart
 * pushes its boundary, a message/rfc822 pushes a message level and the
 * embedded message's header block is read next.
 */
static const char *
entity(struct scan *s, size_t *pos, int digest)
{
	struct ctype ct;
	const char *limit;
	int message;

	for (;;) {
		limit = scan_headers(s, pos, &ct);
		if (limit != NULL) {
			free(ct.boundary);
			return limit;
		}
		if (ct.found && ct.multipart && ct.boundary != NULL)
			return push(s, ct.boundary, ct.blen, ct.digest);
		free(ct.boundary);
		message = ct.found ? ct.message : digest;
		if (!message || ct.encoded)
			return NULL;
		if ((limit = push(s, NULL, 0, 0)) != NULL)
			return limit;
		if (++s->parts > s->lim->max_mime_parts)
			return "max_mime_parts";
		digest = 0;
	}
}

/* has_boundary - any multipart frame on the stack */
static int
has_boundary(const struct scan *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->f[i].b != NULL)
			return 1;
	return 0;
}

/* prescan_check - NULL within limits, else the first limit hit */
const char *
prescan_check(const unsigned char *p, size_t len, const struct limits *lim)
{
	struct scan s;
	const char *limit;
	size_t pos = 0, eol, cend, i = 0;
	int kind;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < NBUCKET; i++)
		s.bucket[i] = NONE;
	s.unopened = NONE;
	s.p = p != NULL ? p : (const unsigned char *)"";
	s.len = p != NULL ? len : 0;
	s.lim = lim;
	s.parts = 1;
	if (s.parts > lim->max_mime_parts)
		return "max_mime_parts";
	limit = entity(&s, &pos, 0);
	/* Without a multipart on the stack no line can open a part. */
	if (limit == NULL && !has_boundary(&s))
		pos = s.len;
	while (limit == NULL && pos < s.len) {
		eol = line_end(&s, pos);
		cend = content_end(&s, pos, eol);
		kind = match_delim(&s, pos, cend, &i);
		if (kind == M_NONE) {
			pos = eol < s.len ? eol + 1 : s.len;
			continue;
		}
		pop_above(&s, i);
		if (kind == M_CLOSE) {
			pos = eol < s.len ? eol + 1 : s.len;
			continue;
		}
		if (++s.parts > lim->max_mime_parts) {
			limit = "max_mime_parts";
			break;
		}
		if (!s.f[i].opened) {
			s.f[i].opened = 1;
			s.unopened = NONE;
			pos = first_part_start(&s, pos + 2 + s.f[i].blen);
		} else
			pos = skip_blank_line(&s, eol < s.len ? eol + 1 :
			    s.len);
		limit = entity(&s, &pos, s.f[i].digest);
	}
	pop_above(&s, 0);
	if (s.n > 0)
		free(s.f[0].b);
	free(s.f);
	return limit;
}
