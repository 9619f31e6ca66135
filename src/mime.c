/*
 * NAME
 *	mime - libetpan wrappers: walk a message, decode parts and headers
 * DESCRIPTION
 *	See include/psirt/mime.h. This is the only file that includes
 *	libetpan; its types and error codes stop here.
 *
 *	mime_walk() runs prescan_check() (so it never hands libetpan what the
 *	pre-scan refuses), then mailmime_parse() over the whole message, and
 *	flattens the tree depth-first without recursion. libetpan wraps every
 *	message in a message/rfc822 node; for the top level that wrapper is
 *	dropped, so parts[0] is the message's own entity (its Content-Type,
 *	raw = the whole message). A walked message/rfc822 part is one part
 *	(is_message) whose single child is the embedded message's entity
 *	(raw = the embedded message, headers included). Every other part's
 *	raw is libetpan's mm_mime_start/mm_length: its MIME headers and body,
 *	without the line break before the next delimiter. Leaves carry their
 *	content with the transfer encoding undone. tree->parse_error is set
 *	when libetpan could not parse the message at all (parts[0] is then a
 *	text/plain part holding the whole message) or when a multipart had
 *	no boundary or no part (it is then a leaf with its raw body).
 *
 *	mime_extract() reads the top-level header block itself (so headers
 *	are recovered even when libetpan fails or a limit stops the walk),
 *	then builds the body from the inline text/plain leaves (converted to
 *	UTF-8 and sanitized; several are joined by a visible separator line
 *	naming the part, and a walked message/rfc822 gets a From/Subject/Date
 *	summary), renders text/html leaves that have no text/plain
 *	alternative (FLAG_HTML_ONLY when the body came only from HTML), and
 *	makes every other leaf an attachment. Every text/html leaf is also
 *	kept as an attachment, so nothing is dropped. When that gives no
 *	attachment at all but a line past the header block looks like MIME
 *	structure or an encoded file (a "Content-...:" field, a uuencode,
 *	yEnc or BinHex start), the parse may have been led past a part
 *	(boundaries other parsers read otherwise, parts in a preamble or
 *	epilogue): the whole message is then kept as the attachment
 *	"unparsed-message.eml", and a line at the end of the body says so.
 *
 *	Charset conversion is iconv: invalid input becomes U+FFFD, an unknown
 *	charset keeps the bytes (the sanitizer then makes invalid UTF-8
 *	visible) and sets FLAG_UNKNOWN_CHARSET, us-ascii and utf-8 are passed
 *	through for the sanitizer to check. libetpan's own conversions (RFC
 *	2047 words) are routed through the same code (extended_charconv), so
 *	they never turn bytes into '?' silently.
 * LIMITS
 *	prescan_check() limits first; the walk then stops at max_mime_depth
 *	and max_mime_parts as well. The body is capped at max_message_size
 *	bytes (the worker's result must hold body and attachments):
 *	"max_message_size" past it, with the body cut there. Header values
 *	shown are capped (MAX_SHOWN_HEADER bytes, cut visibly with "...").
 *	libetpan's MMAPString is kept off temporary files (the worker may not
 *	write files): mmap_string_set_ceil() to the largest size (Debian's
 *	build has no file backing at all; other builds switch to files past
 *	8 MB).
 * DIAGNOSTICS
 *	Hostile or broken input is never an error: flags (parse-error,
 *	no-from, ...) and what could be recovered. A limit is returned by
 *	name and the report is quarantined with reason limit:<name>.
 * SECURITY
 *	Runs only inside the worker child: libetpan 1.9.4 is not trusted (see
 *	DESIGN.md "Isolation"). Every string put in the report went through
 *	sanitize_*(); decoded CR/LF never reach a header field.
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "psirt/buf.h"
#include "psirt/mime.h"
#include "psirt/prescan.h"
#include "psirt/report.h"
#include "psirt/sanitize.h"
#include "psirt/status.h"
#include "psirt/text.h"
#include "psirt/xalloc.h"

#define MAX_SHOWN_HEADER 2048		/* bytes of a header value shown */
#define MAX_SHOWN_ID 998		/* Message-ID, Date: one RFC line */
#define MAX_RFC2231_SEGMENTS 100
#define MIME_UNPARSED_NAME "unparsed-message.eml"
#define MAX_AUTOCRYPT_SIZE (128UL * 1024)	/* an Autocrypt header */

static const unsigned char replacement[3] = { 0xEF, 0xBF, 0xBD };

/* lower_copy - ASCII-lowercased copy of s, or NULL */
static char *
lower_copy(const char *s)
{
	char *c, *p;

	if (s == NULL)
		return NULL;
	c = xstrdup(s);
	for (p = c; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return c;
}

/*
 * charset_name - the charset name trimmed and lowercased into out; 0 if it
 * is empty or holds anything a charset name does not (it goes to iconv)
 */
static int
charset_name(const char *cs, char *out, size_t n)
{
	size_t i = 0, len;

	while (*cs == ' ' || *cs == '\t' || *cs == '"')
		cs++;
	len = strlen(cs);
	while (len > 0 && (cs[len - 1] == ' ' || cs[len - 1] == '\t' ||
	    cs[len - 1] == '"'))
		len--;
	if (len == 0 || len >= n)
		return 0;
	for (i = 0; i < len; i++) {
		char c = cs[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == ':' || c == '+'))
			return 0;
		out[i] = c;
	}
	out[len] = '\0';
	return 1;
}

/* passthrough - charsets handed to the sanitizer as they are */
static int
passthrough(const char *cs)
{
	static const char *const names[] = {
		"us-ascii", "ascii", "us_ascii", "ansi_x3.4-1968", "iso646-us",
		"us", "utf-8", "utf8",
	};
	size_t i;

	for (i = 0; i < PSIRT_NELEM(names); i++)
		if (strcmp(cs, names[i]) == 0)
			return 1;
	return 0;
}

/* charset_alias - names mail uses that iconv knows by another name */
static const char *
charset_alias(const char *cs)
{
	static const struct {
		const char *mail, *iconv;
	} alias[] = {
		{ "ks_c_5601-1987", "euc-kr" },
		{ "iso-8859-8-i", "iso-8859-8" },
		{ "iso-8859-8-e", "iso-8859-8" }, { "gb2312", "gbk" },
		{ "x-sjis", "shift_jis" }, { "x-mac-roman", "macintosh" },
		{ "unicode-1-1-utf-7", "utf-7" }, { "x-gbk", "gbk" },
		{ "x-euc-jp", "euc-jp" }, { "iso-2022-jp", "iso-2022-jp-2" },
	};
	size_t i;

	for (i = 0; i < PSIRT_NELEM(alias); i++)
		if (strcmp(cs, alias[i].mail) == 0)
			return alias[i].iconv;
	return cs;
}

/*
 * conv - append p (in charset; NULL: us-ascii) to out as UTF-8. *unknown
 * is set when the charset is unknown (the bytes are appended as they are).
 */
static int
conv(const unsigned char *p, size_t len, const char *charset,
    struct buf *out, int *unknown)
{
	char cs[64], tmp[4096], *in, *o;
	size_t il, ol;
	iconv_t cd;
	int rc = BUF_OK;

	if (charset == NULL || !charset_name(charset, cs, sizeof(cs))) {
		if (charset != NULL)
			*unknown = 1;
		return buf_append(out, p, len);
	}
	if (passthrough(cs))
		return buf_append(out, p, len);
	cd = iconv_open("UTF-8", charset_alias(cs));
	if (cd == (iconv_t)-1) {
		*unknown = 1;
		return buf_append(out, p, len);
	}
	in = (char *)p;
	il = len;
	while (il > 0 && rc == BUF_OK) {
		o = tmp;
		ol = sizeof(tmp);
		if (iconv(cd, &in, &il, &o, &ol) != (size_t)-1 ||
		    errno == E2BIG) {
			rc = buf_append(out, tmp, sizeof(tmp) - ol);
			continue;
		}
		rc = buf_append(out, tmp, sizeof(tmp) - ol);
		if (rc == BUF_OK)
			rc = buf_append(out, replacement, sizeof(replacement));
		if (errno == EINVAL)
			break;		/* incomplete sequence at the end */
		in++;			/* EILSEQ: skip one byte */
		il--;
	}
	o = tmp;
	ol = sizeof(tmp);
	if (rc == BUF_OK && iconv(cd, NULL, NULL, &o, &ol) != (size_t)-1)
		rc = buf_append(out, tmp, sizeof(tmp) - ol);
	iconv_close(cd);
	return rc;
}

/* mime_to_utf8 - convert content from charset (NULL: us-ascii) to UTF-8 */
int
mime_to_utf8(const unsigned char *p, size_t len, const char *charset,
    struct buf *out, unsigned int *flags)
{
	int unknown = 0, rc;

	rc = conv(p, len, charset, out, &unknown);
	if (unknown)
		*flags |= FLAG_UNKNOWN_CHARSET;
	return rc;
}

/* etpan_charconv - libetpan's conversion hook, through conv() */
static int
etpan_charconv(const char *tocode, const char *fromcode, const char *str,
    size_t length, char *result, size_t *result_len)
{
	struct buf b;
	int unknown = 0;

	if (strcasecmp(tocode, "utf-8") != 0 && strcasecmp(tocode, "utf8") != 0)
		return MAIL_CHARCONV_ERROR_UNKNOWN_CHARSET;
	buf_init(&b, *result_len);
	if (conv((const unsigned char *)str, length, fromcode, &b, &unknown) !=
	    BUF_OK) {
		buf_free(&b);
		return MAIL_CHARCONV_ERROR_MEMORY;
	}
	if (b.len > 0)
		memcpy(result, b.data, b.len);
	*result_len = b.len;
	buf_free(&b);
	return MAIL_CHARCONV_NO_ERROR;
}

/* etpan_setup - process-wide libetpan settings, before every use */
static void
etpan_setup(void)
{
	extended_charconv = etpan_charconv;
	mmap_string_set_ceil((size_t)-1);	/* never a temporary file */
}

/* nul_free_copy - copy of p without NUL bytes (and its length) */
static char *
nul_free_copy(const unsigned char *p, size_t len, size_t *n_r)
{
	char *c = xmalloc(len + 1);
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (p[i] != '\0')
			c[n++] = (char)p[i];
	c[n] = '\0';
	*n_r = n;
	return c;
}

/* mime_decode_header - RFC 2047-decode a raw header value to UTF-8 */
int
mime_decode_header(const char *value, size_t len, struct buf *out)
{
	const unsigned char *v = (const unsigned char *)value;
	char *tmp, *dec = NULL;
	size_t i, n = 0, idx = 0;
	int rc;

	etpan_setup();
	/*
	 * Unfold: a raw CR or LF before white space (or another CR/LF) is
	 * folding and goes; any other raw CR or LF becomes a space. So a CR
	 * or LF in the result can only come from an encoded word. NUL bytes
	 * go too: libetpan reads C strings.
	 */
	tmp = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		if (v[i] == '\0')
			continue;
		if (v[i] == '\r' || v[i] == '\n') {
			if (i + 1 < len && (v[i + 1] == ' ' ||
			    v[i + 1] == '\t' || v[i + 1] == '\r' ||
			    v[i + 1] == '\n'))
				continue;
			tmp[n++] = ' ';
			continue;
		}
		tmp[n++] = (char)v[i];
	}
	tmp[n] = '\0';
	if (mailmime_encoded_phrase_parse("utf-8", tmp, n, &idx, "utf-8",
	    &dec) == MAILIMF_NO_ERROR && dec != NULL) {
		rc = buf_puts(out, dec);
		if (rc == BUF_OK && idx < n)
			rc = buf_append(out, tmp + idx, n - idx);
		free(dec);
	} else
		rc = buf_append(out, tmp, n);
	free(tmp);
	return rc;
}

/* decode_shown - RFC 2047-decode, then sanitize one header value */
static char *
decode_shown(const unsigned char *v, size_t len, size_t max,
    unsigned int *flags)
{
	struct buf dec;
	char *s;

	if (memchr(v, '\0', len) != NULL)
		*flags |= FLAG_CONTROLS;	/* dropped before decoding */
	buf_init(&dec, 8 * len + 64);
	(void)mime_decode_header((const char *)v, len, &dec);
	if (memchr(buf_cstr(&dec), '\r', dec.len) != NULL ||
	    memchr(buf_cstr(&dec), '\n', dec.len) != NULL)
		*flags |= FLAG_ENCODED_NEWLINE;
	s = sanitize_header((const unsigned char *)buf_cstr(&dec), dec.len,
	    max, flags);
	buf_free(&dec);
	return s;
}

/* Parameters of a Content-Type or Content-Disposition, as name/value. */
struct params {
	const char **name;
	const char **value;
	size_t n;
};

/* params_add - one name/value pair (borrowed pointers) */
static void
params_add(struct params *ps, const char *name, const char *value)
{
	ps->name = xreallocarray(ps->name, ps->n + 1, sizeof(*ps->name));
	ps->value = xreallocarray(ps->value, ps->n + 1, sizeof(*ps->value));
	ps->name[ps->n] = name;
	ps->value[ps->n] = value;
	ps->n++;
}

/* params_get - the first value of name (case-insensitive), or NULL */
static const char *
params_get(const struct params *ps, const char *name)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (ps->name[i] != NULL && strcasecmp(ps->name[i], name) == 0)
			return ps->value[i];
	return NULL;
}

/* params_free - release the arrays (not the strings) */
static void
params_free(struct params *ps)
{
	free(ps->name);
	free(ps->value);
	memset(ps, 0, sizeof(*ps));
}

/* hexval - value of a hex digit or -1 */
static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* pct_decode - append an RFC 2231 %XX-encoded value to out */
static void
pct_decode(const char *s, struct buf *out)
{
	int h, l;

	for (; *s != '\0'; s++) {
		if (*s == '%' && (h = hexval(s[1])) >= 0 &&
		    (l = hexval(s[2])) >= 0) {
			(void)buf_putc(out, h << 4 | l);
			s += 2;
		} else
			(void)buf_putc(out, *s);
	}
}

/*
 * rfc2231 - the value of parameter base from RFC 2231 name*=, or name*0*=,
 * name*1*= ... continuations: a new UTF-8 string, or NULL if there is none
 */
static char *
rfc2231(const struct params *ps, const char *base)
{
	struct buf raw, utf8;
	char name[80], charset[64] = "";
	const char *v, *q;
	size_t seg;
	int extended, unknown = 0;

	buf_init(&raw, 64 * 1024);
	for (seg = 0; seg < MAX_RFC2231_SEGMENTS; seg++) {
		extended = 1;
		if (seg == 0 && snprintf(name, sizeof(name), "%s*", base) <
		    (int)sizeof(name) && (v = params_get(ps, name)) != NULL)
			seg = MAX_RFC2231_SEGMENTS;	/* a single value */
		else if (snprintf(name, sizeof(name), "%s*%zu*", base, seg) <
		    (int)sizeof(name) && (v = params_get(ps, name)) != NULL)
			;
		else if (snprintf(name, sizeof(name), "%s*%zu", base, seg) <
		    (int)sizeof(name) && (v = params_get(ps, name)) != NULL)
			extended = 0;
		else
			break;
		if (extended && (seg == 0 || seg == MAX_RFC2231_SEGMENTS) &&
		    (q = strchr(v, '\'')) != NULL && strchr(q + 1, '\'') !=
		    NULL) {
			if ((size_t)(q - v) < sizeof(charset)) {
				memcpy(charset, v, (size_t)(q - v));
				charset[q - v] = '\0';
			}
			v = strchr(q + 1, '\'') + 1;
		}
		if (extended)
			pct_decode(v, &raw);
		else
			(void)buf_puts(&raw, v);
	}
	if (raw.len == 0 && seg == 0) {
		buf_free(&raw);
		return NULL;
	}
	buf_init(&utf8, 4 * raw.len + 16);
	(void)conv(raw.data != NULL ? raw.data : (const unsigned char *)"",
	    raw.len, charset[0] != '\0' ? charset : "utf-8", &utf8, &unknown);
	buf_free(&raw);
	return buf_steal(&utf8);
}

/* param_text - a parameter as UTF-8: RFC 2231, else RFC 2047, else raw */
static char *
param_text(const struct params *ps, const char *name)
{
	const char *v;
	char *s;
	struct buf b;

	if ((s = rfc2231(ps, name)) != NULL)
		return s;
	if ((v = params_get(ps, name)) == NULL)
		return NULL;
	buf_init(&b, 8 * strlen(v) + 64);
	(void)mime_decode_header(v, strlen(v), &b);
	return buf_steal(&b);
}

/* type_string - lowercase "type/subtype" of a libetpan content type */
static char *
type_string(const struct mailmime_content *ct)
{
	const char *t = "application";
	struct buf b;
	char *s, *l;

	if (ct == NULL)
		return xstrdup("text/plain");
	if (ct->ct_type != NULL &&
	    ct->ct_type->tp_type == MAILMIME_TYPE_DISCRETE_TYPE &&
	    ct->ct_type->tp_data.tp_discrete_type != NULL) {
		switch (ct->ct_type->tp_data.tp_discrete_type->dt_type) {
		case MAILMIME_DISCRETE_TYPE_TEXT:
			t = "text";
			break;
		case MAILMIME_DISCRETE_TYPE_IMAGE:
			t = "image";
			break;
		case MAILMIME_DISCRETE_TYPE_AUDIO:
			t = "audio";
			break;
		case MAILMIME_DISCRETE_TYPE_VIDEO:
			t = "video";
			break;
		case MAILMIME_DISCRETE_TYPE_EXTENSION:
			if (ct->ct_type->tp_data.tp_discrete_type->dt_extension
			    != NULL)
				t = ct->ct_type->tp_data.tp_discrete_type->
				    dt_extension;
			break;
		default:
			break;
		}
	} else if (ct->ct_type != NULL &&
	    ct->ct_type->tp_type == MAILMIME_TYPE_COMPOSITE_TYPE &&
	    ct->ct_type->tp_data.tp_composite_type != NULL) {
		switch (ct->ct_type->tp_data.tp_composite_type->ct_type) {
		case MAILMIME_COMPOSITE_TYPE_MESSAGE:
			t = "message";
			break;
		case MAILMIME_COMPOSITE_TYPE_MULTIPART:
			t = "multipart";
			break;
		default:
			if (ct->ct_type->tp_data.tp_composite_type->ct_token !=
			    NULL)
				t = ct->ct_type->tp_data.tp_composite_type->
				    ct_token;
			break;
		}
	}
	buf_init(&b, strlen(t) + (ct->ct_subtype != NULL ?
	    strlen(ct->ct_subtype) : 0) + 2);
	(void)buf_puts(&b, t);
	(void)buf_putc(&b, '/');
	(void)buf_puts(&b, ct->ct_subtype != NULL ? ct->ct_subtype : "");
	s = buf_steal(&b);
	l = lower_copy(s);
	free(s);
	return l;
}

/* find_field - the first MIME field of a type in a part's fields */
static struct mailmime_field *
find_field(const struct mailmime *m, int type)
{
	clistiter *it;
	struct mailmime_field *f;

	if (m->mm_mime_fields == NULL || m->mm_mime_fields->fld_list == NULL)
		return NULL;
	for (it = clist_begin(m->mm_mime_fields->fld_list); it != NULL;
	    it = clist_next(it)) {
		f = clist_content(it);
		if (f != NULL && f->fld_type == type)
			return f;
	}
	return NULL;
}

/* part_names - filename and is_attachment from the part's fields */
static void
part_names(const struct mailmime *m, struct mime_part *mp)
{
	struct mailmime_field *f;
	struct mailmime_disposition *d = NULL;
	struct mailmime_disposition_parm *dp;
	struct mailmime_parameter *pa;
	struct params ps;
	clistiter *it;

	memset(&ps, 0, sizeof(ps));
	f = find_field(m, MAILMIME_FIELD_DISPOSITION);
	if (f != NULL)
		d = f->fld_data.fld_disposition;
	if (d != NULL) {
		mp->is_attachment = d->dsp_type != NULL &&
		    d->dsp_type->dsp_type ==
		    MAILMIME_DISPOSITION_TYPE_ATTACHMENT;
		for (it = d->dsp_parms != NULL ? clist_begin(d->dsp_parms) :
		    NULL; it != NULL; it = clist_next(it)) {
			dp = clist_content(it);
			if (dp == NULL)
				continue;
			if (dp->pa_type == MAILMIME_DISPOSITION_PARM_FILENAME)
				params_add(&ps, "filename",
				    dp->pa_data.pa_filename);
			else if (dp->pa_type ==
			    MAILMIME_DISPOSITION_PARM_PARAMETER &&
			    dp->pa_data.pa_parameter != NULL)
				params_add(&ps,
				    dp->pa_data.pa_parameter->pa_name,
				    dp->pa_data.pa_parameter->pa_value);
		}
		mp->filename = param_text(&ps, "filename");
		params_free(&ps);
	}
	if (mp->filename == NULL && m->mm_content_type != NULL) {
		for (it = m->mm_content_type->ct_parameters != NULL ?
		    clist_begin(m->mm_content_type->ct_parameters) : NULL;
		    it != NULL; it = clist_next(it)) {
			pa = clist_content(it);
			if (pa != NULL)
				params_add(&ps, pa->pa_name, pa->pa_value);
		}
		mp->filename = param_text(&ps, "name");
		params_free(&ps);
	}
}

/* content_param - a Content-Type parameter, lowercased, or NULL */
static char *
content_param(const struct mailmime *m, const char *name)
{
	if (m->mm_content_type == NULL)
		return NULL;
	return lower_copy(mailmime_content_param_get(m->mm_content_type,
	    (char *)name));
}

/*
 * decode_data - a libetpan body with the transfer encoding undone:
 * libetpan's decoding itself (NUL-terminated, as a copy would be), or a
 * copy of a body that was not encoded
 */
static void
decode_data(const struct mailmime_data *d, struct mime_part *mp)
{
	size_t idx = 0, rlen = 0;
	char *res = NULL;

	if (d == NULL || d->dt_type != MAILMIME_DATA_TEXT ||
	    d->dt_data.dt_text.dt_data == NULL) {
		mp->content = (unsigned char *)xmemdup("", 0);
		return;
	}
	if ((d->dt_encoding == MAILMIME_MECHANISM_BASE64 ||
	    d->dt_encoding == MAILMIME_MECHANISM_QUOTED_PRINTABLE) &&
	    mailmime_part_parse(d->dt_data.dt_text.dt_data,
	    d->dt_data.dt_text.dt_length, &idx, d->dt_encoding, &res,
	    &rlen) == MAILIMF_NO_ERROR && res != NULL) {
		/* libetpan's buffer, not a copy (tree_free() gives it back) */
		mp->content = (unsigned char *)res;
		mp->content_len = rlen;
		mp->content_etpan = 1;
		return;
	}
	mp->content = (unsigned char *)xmemdup(d->dt_data.dt_text.dt_data,
	    d->dt_data.dt_text.dt_length);
	mp->content_len = d->dt_data.dt_text.dt_length;
}

/* tree_add - a new, zeroed part at the end of the tree */
static struct mime_part *
tree_add(struct mime_tree *tree)
{
	struct mime_part *mp;

	tree->parts = xreallocarray(tree->parts, tree->nparts + 1,
	    sizeof(*tree->parts));
	mp = &tree->parts[tree->nparts++];
	memset(mp, 0, sizeof(*mp));
	return mp;
}

/* tree_raw_root - the whole message as one text/plain part (parse error) */
static void
tree_raw_root(struct mime_tree *tree, const unsigned char *msg, size_t len)
{
	struct mime_part *mp = tree_add(tree);

	tree->parse_error = 1;
	mp->parent = -1;
	mp->type = xstrdup("text/plain");
	mp->raw = msg;
	mp->raw_len = len;
	mp->content = (unsigned char *)xmemdup(msg, len);
	mp->content_len = len;
}

/* One node waiting in mime_walk()'s explicit stack. */
struct pending {
	struct mailmime *m;
	int depth;
	int parent;
	const unsigned char *raw;
	size_t raw_len;
};

struct walk_stack {
	struct pending *v;
	size_t n;
	size_t alloc;
};

/* stack_push - one node to visit */
static void
stack_push(struct walk_stack *st, struct mailmime *m, int depth, int parent,
    const char *raw, size_t raw_len)
{
	if (st->n == st->alloc) {
		st->alloc = st->alloc ? 2 * st->alloc : 16;
		st->v = xreallocarray(st->v, st->alloc, sizeof(*st->v));
	}
	st->v[st->n].m = m;
	st->v[st->n].depth = depth;
	st->v[st->n].parent = parent;
	st->v[st->n].raw = (const unsigned char *)raw;
	st->v[st->n].raw_len = raw_len;
	st->n++;
}

/* add_part - flatten one libetpan node into the tree; push its children */
static void
add_part(struct mime_tree *tree, const struct pending *pd,
    struct walk_stack *st)
{
	struct mailmime *m = pd->m, *c;
	struct mime_part *mp;
	const struct mailmime_data *body;
	clistiter *it;
	int idx = (int)tree->nparts;
	size_t nchild = 0;

	mp = tree_add(tree);
	mp->depth = pd->depth;
	mp->parent = pd->parent;
	mp->type = type_string(m->mm_content_type);
	mp->charset = content_param(m, "charset");
	mp->protocol = content_param(m, "protocol");
	mp->micalg = content_param(m, "micalg");
	mp->raw = pd->raw;
	mp->raw_len = pd->raw_len;
	part_names(m, mp);

	/* Children pushed last first, so they come out in order. */
	if (m->mm_type == MAILMIME_MULTIPLE &&
	    m->mm_data.mm_multipart.mm_mp_list != NULL)
		for (it = clist_end(m->mm_data.mm_multipart.mm_mp_list);
		    it != NULL; it = clist_previous(it))
			if ((c = clist_content(it)) != NULL) {
				stack_push(st, c, pd->depth + 1, idx,
				    c->mm_mime_start, c->mm_length);
				nchild++;
			}
	if (m->mm_type == MAILMIME_MULTIPLE && nchild > 0) {
		tree->parts[idx].is_multipart = 1;
		return;
	}
	if (m->mm_type == MAILMIME_MESSAGE &&
	    m->mm_data.mm_message.mm_msg_mime != NULL && m->mm_body != NULL &&
	    m->mm_body->dt_type == MAILMIME_DATA_TEXT) {
		/* The embedded message's raw: its headers and body. */
		tree->parts[idx].is_message = 1;
		stack_push(st, m->mm_data.mm_message.mm_msg_mime,
		    pd->depth + 1, idx, m->mm_body->dt_data.dt_text.dt_data,
		    m->mm_body->dt_data.dt_text.dt_length);
		return;
	}
	/* A leaf, or a multipart libetpan could not split: its body. */
	mp = &tree->parts[idx];
	if (strncmp(mp->type, "multipart/", 10) == 0)
		tree->parse_error = 1;
	body = m->mm_type == MAILMIME_SINGLE ? m->mm_data.mm_single :
	    m->mm_body;
	decode_data(body, mp);
}

/* mime_walk - parse msg into a flat part list; the limit name or NULL */
const char *
mime_walk(const unsigned char *msg, size_t len, const struct limits *lim,
    struct mime_tree *tree)
{
	struct mailmime *root = NULL;
	struct walk_stack st;
	struct pending pd;
	size_t idx = 0;
	const char *limit;

	memset(tree, 0, sizeof(*tree));
	if (msg == NULL) {
		msg = (const unsigned char *)"";
		len = 0;
	}
	if ((limit = prescan_check(msg, len, lim)) != NULL)
		return limit;
	etpan_setup();
	if (mailmime_parse((const char *)msg, len, &idx, &root) !=
	    MAILIMF_NO_ERROR || root == NULL) {
		tree_raw_root(tree, msg, len);
		return NULL;
	}
	if (root->mm_type != MAILMIME_MESSAGE ||
	    root->mm_data.mm_message.mm_msg_mime == NULL) {
		mailmime_free(root);
		tree_raw_root(tree, msg, len);
		return NULL;
	}
	memset(&st, 0, sizeof(st));
	/* The top-level message/rfc822 wrapper is not a part of ours. */
	stack_push(&st, root->mm_data.mm_message.mm_msg_mime, 0, -1,
	    (const char *)msg, len);
	while (st.n > 0) {
		pd = st.v[--st.n];
		if ((unsigned long)pd.depth > lim->max_mime_depth) {
			limit = "max_mime_depth";
			break;
		}
		if (tree->nparts + 1 > lim->max_mime_parts) {
			limit = "max_mime_parts";
			break;
		}
		add_part(tree, &pd, &st);
	}
	free(st.v);
	mailmime_free(root);
	return limit;
}

/* tree_free - release every part, the decoded contents wiped or not */
static void
tree_free(struct mime_tree *tree, int wipe)
{
	size_t i;
	struct mime_part *mp;

	for (i = 0; i < tree->nparts; i++) {
		mp = &tree->parts[i];
		free(mp->type);
		free(mp->charset);
		free(mp->protocol);
		free(mp->micalg);
		free(mp->filename);
		if (mp->content != NULL && wipe)
			explicit_bzero(mp->content, mp->content_len);
		if (mp->content_etpan)
			mailmime_decoded_part_free((char *)mp->content);
		else
			free(mp->content);
	}
	free(tree->parts);
	memset(tree, 0, sizeof(*tree));
}

/* mime_tree_free - release every part, contents wiped */
void
mime_tree_free(struct mime_tree *tree)
{
	tree_free(tree, 1);
}

/* mime_tree_release - release every part unwiped: see mime.h */
void
mime_tree_release(struct mime_tree *tree)
{
	tree_free(tree, 0);
}

/* One header field of a raw header block. */
struct hfield {
	const unsigned char *name;
	size_t name_len;
	const unsigned char *value;	/* folding line breaks included */
	size_t value_len;
};

/*
 * hdr_next - the next field of the header block at p[*off..len), 0 at its
 * end: an empty line, or a line that is no "name:" field.
 */
static int
hdr_next(const unsigned char *p, size_t len, size_t *off, struct hfield *f)
{
	size_t q = *off, eol, cend, i;
	const unsigned char *nl;

	if (q >= len)
		return 0;
	for (i = q; i < len && p[i] > 32 && p[i] < 127 && p[i] != ':'; i++)
		;
	if (i == q)
		return 0;
	f->name = p + q;
	f->name_len = i - q;
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i >= len || p[i] != ':')
		return 0;
	f->value = p + i + 1;
	for (;;) {
		nl = memchr(p + q, '\n', len - q);
		eol = nl != NULL ? (size_t)(nl - p) : len;
		cend = eol > q && p[eol - 1] == '\r' ? eol - 1 : eol;
		f->value_len = (size_t)(p + cend - f->value);
		q = eol < len ? eol + 1 : len;
		if (q >= len || (p[q] != ' ' && p[q] != '\t'))
			break;
	}
	*off = q;
	return 1;
}

/* hdr_is - the field's name is name (case-insensitive) */
static int
hdr_is(const struct hfield *f, const char *name)
{
	return strlen(name) == f->name_len &&
	    strncasecmp((const char *)f->name, name, f->name_len) == 0;
}

/* Every From mailbox seen, for the Sender check. */
struct from_set {
	char **addr;
	size_t n;
	size_t fields;
};

/* addr_spec_ok - local@domain, both parts present */
static int
addr_spec_ok(const char *a)
{
	const char *at;

	if (a == NULL || (at = strrchr(a, '@')) == NULL)
		return 0;
	return at > a && at[1] != '\0';
}

/*
 * from_field - parse one From value; the display form goes to disp, the
 * addr-specs to fs
 */
static void
from_field(const unsigned char *v, size_t vlen, struct buf *disp,
    struct from_set *fs, unsigned int *flags)
{
	struct mailimf_mailbox_list *mbl = NULL;
	struct mailimf_mailbox *mb;
	struct buf dec;
	clistiter *it;
	size_t n, idx = 0, i;
	char *c;
	int ok;

	if (memchr(v, '\0', vlen) != NULL)
		*flags |= FLAG_CONTROLS;
	c = nul_free_copy(v, vlen, &n);
	ok = mailimf_mailbox_list_parse(c, n, &idx, &mbl) == MAILIMF_NO_ERROR &&
	    mbl != NULL && mbl->mb_list != NULL;
	for (i = idx; ok && i < n; i++)
		if (c[i] != ' ' && c[i] != '\t' && c[i] != '\r' && c[i] != '\n')
			ok = 0;		/* trailing garbage: not a list */
	/* libetpan takes "just a name" for an address: want local@domain */
	for (it = ok ? clist_begin(mbl->mb_list) : NULL; it != NULL;
	    it = clist_next(it))
		if ((mb = clist_content(it)) == NULL ||
		    !addr_spec_ok(mb->mb_addr_spec))
			ok = 0;
	if (disp->len > 0)
		(void)buf_puts(disp, ", ");
	if (!ok) {
		(void)mime_decode_header(c, n, disp);
		goto out;
	}
	for (it = clist_begin(mbl->mb_list); it != NULL; it = clist_next(it)) {
		mb = clist_content(it);
		if (mb == NULL || mb->mb_addr_spec == NULL)
			continue;
		if (it != clist_begin(mbl->mb_list))
			(void)buf_puts(disp, ", ");
		if (mb->mb_display_name != NULL &&
		    mb->mb_display_name[0] != '\0') {
			buf_init(&dec, 8 * strlen(mb->mb_display_name) + 64);
			(void)mime_decode_header(mb->mb_display_name,
			    strlen(mb->mb_display_name), &dec);
			if (memchr(buf_cstr(&dec), '\r', dec.len) != NULL ||
			    memchr(buf_cstr(&dec), '\n', dec.len) != NULL)
				*flags |= FLAG_ENCODED_NEWLINE;
			(void)buf_append(disp, buf_cstr(&dec), dec.len);
			(void)buf_printf(disp, " <%s>", mb->mb_addr_spec);
			buf_free(&dec);
		} else
			(void)buf_puts(disp, mb->mb_addr_spec);
		fs->addr = xreallocarray(fs->addr, fs->n + 1,
		    sizeof(*fs->addr));
		fs->addr[fs->n++] = xstrdup(mb->mb_addr_spec);
	}
out:
	if (mbl != NULL)
		mailimf_mailbox_list_free(mbl);
	free(c);
}

/* sender_field - does one Sender value name a From mailbox? */
static int
sender_matches(const unsigned char *v, size_t vlen,
    const struct from_set *fs)
{
	struct mailimf_mailbox *mb = NULL;
	size_t n, idx = 0, i;
	char *c;
	int match = 0;

	c = nul_free_copy(v, vlen, &n);
	if (mailimf_mailbox_parse(c, n, &idx, &mb) == MAILIMF_NO_ERROR &&
	    mb != NULL && addr_spec_ok(mb->mb_addr_spec))
		for (i = 0; i < fs->n; i++)
			if (strcasecmp(fs->addr[i], mb->mb_addr_spec) == 0)
				match = 1;
	if (mb != NULL)
		mailimf_mailbox_free(mb);
	free(c);
	return match;
}

/* message_id - the id without <> and blanks, sanitized */
static char *
message_id(const unsigned char *v, size_t n, unsigned int *flags)
{
	size_t a = 0, b;

	while (a < n && (v[a] == ' ' || v[a] == '\t' || v[a] == '\r' ||
	    v[a] == '\n'))
		a++;
	if (a < n && v[a] == '<') {
		for (b = a + 1; b < n && v[b] != '>'; b++)
			;
		return sanitize_header(v + a + 1, b - a - 1, MAX_SHOWN_ID,
		    flags);
	}
	return sanitize_header(v + a, n - a, MAX_SHOWN_ID, flags);
}

/* extract_headers - From, Sender, Date, Subject, Message-ID of the block */
static void
extract_headers(const unsigned char *msg, size_t len, struct report *r)
{
	struct hfield f;
	struct from_set fs;
	struct buf disp;
	size_t off = 0, i;
	char *s;
	int have_id = 0, have_date = 0, have_subject = 0, mismatch = 0;

	memset(&fs, 0, sizeof(fs));
	buf_init(&disp, 16 * MAX_SHOWN_HEADER);
	while (hdr_next(msg, len, &off, &f)) {
		if (hdr_is(&f, "From")) {
			fs.fields++;
			from_field(f.value, f.value_len, &disp, &fs, &r->flags);
		} else if (hdr_is(&f, "Subject") && !have_subject) {
			have_subject = 1;
			s = decode_shown(f.value, f.value_len, MAX_SHOWN_HEADER,
			    &r->flags);
			report_set(&r->subject, s);
			free(s);
		} else if (hdr_is(&f, "Date") && !have_date) {
			have_date = 1;
			s = sanitize_header(f.value, f.value_len, MAX_SHOWN_ID,
			    &r->flags);
			report_set(&r->date, s);
			free(s);
		} else if (hdr_is(&f, "Message-ID") && !have_id) {
			have_id = 1;
			s = message_id(f.value, f.value_len, &r->flags);
			report_set(&r->message_id, s[0] != '\0' ? s : NULL);
			free(s);
		}
	}
	/* Sender after From: it is compared with every From mailbox. */
	off = 0;
	while (hdr_next(msg, len, &off, &f))
		if (hdr_is(&f, "Sender") && !sender_matches(f.value,
		    f.value_len, &fs))
			mismatch = 1;
	if (mismatch)
		r->flags |= FLAG_SENDER_HEADER;
	if (fs.fields > 0) {
		s = sanitize_header((const unsigned char *)buf_cstr(&disp),
		    disp.len, MAX_SHOWN_HEADER, &r->flags);
		report_set(&r->from, s[0] != '\0' ? s : NULL);
		free(s);
	}
	if (fs.n == 0)
		r->flags |= FLAG_NO_FROM;
	else if (fs.n > 1 || fs.fields > 1)
		r->flags |= FLAG_MULTIPLE_FROM;
	else {
		s = sanitize_header((const unsigned char *)fs.addr[0],
		    strlen(fs.addr[0]), MAX_SHOWN_ID, &r->flags);
		report_set(&r->from_addr, s);
		free(s);
	}
	for (i = 0; i < fs.n; i++)
		free(fs.addr[i]);
	free(fs.addr);
	buf_free(&disp);
}

/* ids_append - the <id> tokens of one In-Reply-To/References value */
static void
ids_append(const unsigned char *v, size_t n, struct buf *out)
{
	size_t a, b;

	for (a = 0; a < n; a = b + 1) {
		while (a < n && v[a] != '<')
			a++;
		for (b = a; b < n && v[b] != '>'; b++)
			;
		if (b >= n)
			return;
		if (b - a > 1 && b - a <= MAX_SHOWN_ID) {
			if (out->len > 0)
				(void)buf_putc(out, ' ');
			(void)buf_append(out, v + a + 1, b - a - 1);
		}
	}
}

/*
 * autocrypt_key - the keydata of an Autocrypt header (the Autocrypt Level
 * 1 rules: addr equal to the From address, no unknown critical attribute)
 * decoded to binary, or -1
 */
static int
autocrypt_key(const unsigned char *v, size_t n, const char *from_addr,
    struct buf *key)
{
	struct buf b64;
	char *c, *attr, *save = NULL, *eq;
	char *decoded = NULL;
	size_t len, idx = 0, dlen = 0, i;
	int addr_ok = 0, rc = -1;

	if (from_addr == NULL || n > MAX_AUTOCRYPT_SIZE)
		return -1;
	c = nul_free_copy(v, n, &len);
	buf_init(&b64, MAX_AUTOCRYPT_SIZE);
	for (attr = strtok_r(c, ";", &save); attr != NULL;
	    attr = strtok_r(NULL, ";", &save)) {
		attr += strspn(attr, " \t\r\n");
		if ((eq = strchr(attr, '=')) == NULL)
			goto out;
		*eq++ = '\0';
		if (strcmp(attr, "addr") == 0) {
			eq += strspn(eq, " \t\r\n");
			eq[strcspn(eq, " \t\r\n")] = '\0';
			addr_ok = strcasecmp(eq, from_addr) == 0;
		} else if (strcmp(attr, "keydata") == 0) {
			for (i = 0; eq[i] != '\0'; i++)
				if (text_b64_value((unsigned char)eq[i]) >= 0 ||
				    eq[i] == '=')
					(void)buf_putc(&b64, eq[i]);
		} else if (attr[0] != '_' &&
		    strcmp(attr, "prefer-encrypt") != 0)
			goto out;	/* an unknown critical attribute */
	}
	if (!addr_ok || b64.len == 0 ||
	    mailmime_base64_body_parse(buf_cstr(&b64), b64.len, &idx,
	    &decoded, &dlen) != MAILIMF_NO_ERROR)
		goto out;
	if (dlen > 0 && buf_append(key, decoded, dlen) == BUF_OK)
		rc = 0;
	mmap_string_unref(decoded);
out:
	buf_free(&b64);
	free(c);
	return rc;
}

/* mime_reply_headers - see mime.h */
void
mime_reply_headers(const unsigned char *msg, size_t len, struct report *r)
{
	struct hfield f;
	struct buf ids, key;
	size_t off = 0, n;
	const char *block = NULL;
	char *s, *t;
	int have_key = 0;

	buf_init(&ids, MAX_SHOWN_HEADER);
	buf_init(&key, MAX_AUTOCRYPT_SIZE);
	while (hdr_next(msg, len, &off, &f)) {
		if (hdr_is(&f, "In-Reply-To") || hdr_is(&f, "References"))
			ids_append(f.value, f.value_len, &ids);
		else if (hdr_is(&f, "Auto-Submitted")) {
			/* "no", possibly with a comment or parameters */
			s = nul_free_copy(f.value, f.value_len, &n);
			t = s + strspn(s, " \t");
			if (strncasecmp(t, "no", 2) != 0 ||
			    (t[2] != '\0' && strchr(" \t;(", t[2]) == NULL))
				block = "auto-submitted";
			free(s);
		} else if (hdr_is(&f, "Precedence")) {
			s = nul_free_copy(f.value, f.value_len, &n);
			t = lower_copy(s);
			if (strstr(t, "bulk") != NULL ||
			    strstr(t, "junk") != NULL ||
			    strstr(t, "list") != NULL)
				block = "precedence";
			free(t);
			free(s);
		} else if (hdr_is(&f, "List-Id") ||
		    hdr_is(&f, "List-Unsubscribe"))
			block = "mailing-list";
		else if (hdr_is(&f, MIME_LOOP_HEADER))
			block = "loop";
		else if (hdr_is(&f, "Autocrypt") && !have_key)
			have_key = autocrypt_key(f.value, f.value_len,
			    r->from_addr, &key) == 0;
	}
	if (ids.len > 0) {
		s = sanitize_header((const unsigned char *)buf_cstr(&ids),
		    ids.len, MAX_SHOWN_HEADER, NULL);
		report_set(&r->references, s);
		free(s);
	}
	report_set(&r->ack_block, block);
	if (have_key)
		(void)report_add_attachment(r, "autocrypt-key.pgp",
		    "application/pgp-keys", key.data, key.len);
	buf_free(&ids);
	buf_free(&key);
}

/* Building the body. */
struct body {
	struct buf text;	/* the sanitized body */
	size_t sections;	/* sections written */
	size_t plain;		/* text/plain sections */
	size_t html;		/* text/html rendered */
	size_t natt;		/* attachments added */
	int rc;			/* BUF_LIMIT once the cap is hit */
};

/*
 * body_separator - start a new section: a line naming the part, except
 * before the first text section (a message with one text part reads as it
 * was written)
 */
static void
body_separator(struct body *b, size_t index, const struct mime_part *mp,
    const char *what, int always)
{
	char *name = NULL, *type;

	if (b->rc != BUF_OK)
		return;
	if (b->sections++ == 0 && !always)
		return;
	if (b->text.len > 0 && b->text.data[b->text.len - 1] != '\n')
		b->rc = buf_putc(&b->text, '\n');
	/* The type is the sender's token: it may hold anything. */
	type = sanitize_header((const unsigned char *)mp->type,
	    strlen(mp->type), 255, NULL);
	if (mp->filename != NULL)
		name = sanitize_filename(mp->filename, index + 1);
	if (b->rc == BUF_OK)
		b->rc = buf_printf(&b->text,
		    "%s----- part %zu (%s%s%s%s%s) -----\n",
		    b->text.len > 0 ? "\n" : "", index + 1, type,
		    name != NULL ? ", \"" : "", name != NULL ? name : "",
		    name != NULL ? "\"" : "", what != NULL ? what : "");
	free(type);
	free(name);
}

/* add_text - convert and sanitize a text/plain or text/html leaf */
static void
add_text(struct body *b, const struct mime_part *mp, int html,
    unsigned int *flags)
{
	struct buf utf8;

	if (b->rc != BUF_OK)
		return;
	/* The content is at most the message; UTF-8 at most 4 bytes each. */
	buf_init(&utf8, 4 * mp->content_len + 64);
	b->rc = mime_to_utf8(mp->content != NULL ? mp->content :
	    (const unsigned char *)"", mp->content_len, mp->charset, &utf8,
	    flags);
	if (b->rc == BUF_OK) {
		if (html)
			b->rc = sanitize_html_to_text(utf8.data != NULL ?
			    utf8.data : (const unsigned char *)"", utf8.len,
			    &b->text, flags);
		else
			b->rc = sanitize_text(utf8.data != NULL ? utf8.data :
			    (const unsigned char *)"", utf8.len, &b->text,
			    flags);
	}
	buf_free(&utf8);
}

/* add_attachment - a leaf as an attachment of the report */
static void
add_attachment(struct body *b, const struct mime_part *mp, struct report *r)
{
	struct attachment *a;
	const unsigned char *data;
	char *name, *type, *s;

	data = mp->content != NULL ? mp->content : (const unsigned char *)"";
	if (mp->filename != NULL) {
		/* A bidi trick in a file name is worth a flag. */
		s = sanitize_header((const unsigned char *)mp->filename,
		    strlen(mp->filename), SANITIZE_MAX_FILENAME, &r->flags);
		free(s);
	}
	name = sanitize_filename(mp->filename, ++b->natt);
	type = sanitize_header((const unsigned char *)mp->type,
	    strlen(mp->type), 255, NULL);
	a = report_add_attachment(r, name, type[0] != '\0' ? type :
	    "application/octet-stream", data, mp->content_len);
	a->sniffed_type = xstrdup(sanitize_sniff_type(data, mp->content_len));
	free(name);
	free(type);
}

/* text_covered - an ancestor multipart/alternative holds inline text/plain */
static int
text_covered(const struct mime_tree *tree, size_t i)
{
	int a;
	size_t j;
	const struct mime_part *mp;

	for (a = tree->parts[i].parent; a >= 0; a = tree->parts[a].parent) {
		if (strcmp(tree->parts[a].type, "multipart/alternative") != 0)
			continue;
		for (j = (size_t)a + 1; j < tree->nparts &&
		    tree->parts[j].depth > tree->parts[a].depth; j++) {
			mp = &tree->parts[j];
			if (!mp->is_multipart && !mp->is_message &&
			    !mp->is_attachment &&
			    strcmp(mp->type, "text/plain") == 0)
				return 1;
		}
	}
	return 0;
}

/* message_summary - From, Subject and Date of an embedded message */
static void
message_summary(struct body *b, const struct mime_part *child,
    unsigned int *flags)
{
	struct hfield f;
	size_t off = 0;
	char *s;

	while (b->rc == BUF_OK && hdr_next(child->raw, child->raw_len, &off,
	    &f)) {
		if (!hdr_is(&f, "From") && !hdr_is(&f, "Subject") &&
		    !hdr_is(&f, "Date"))
			continue;
		s = decode_shown(f.value, f.value_len, MAX_SHOWN_HEADER, flags);
		b->rc = buf_printf(&b->text, "%s: %s\n",
		    hdr_is(&f, "From") ? "From" : hdr_is(&f, "Subject") ?
		    "Subject" : "Date", s);
		free(s);
	}
}

/* extract_parts - body and attachments from the tree */
static void
extract_parts(const struct mime_tree *tree, struct report *r,
    struct body *b)
{
	const struct mime_part *mp;
	size_t i;
	int unparsed;

	for (i = 0; i < tree->nparts && b->rc == BUF_OK; i++) {
		mp = &tree->parts[i];
		if (mp->is_multipart)
			continue;
		if (mp->is_message) {
			if (i + 1 < tree->nparts) {
				body_separator(b, i, mp, ", attached message",
				    1);
				message_summary(b, &tree->parts[i + 1],
				    &r->flags);
			}
			continue;
		}
		unparsed = strncmp(mp->type, "multipart/", 10) == 0;
		if (unparsed) {
			/* No boundary or no part: show the text, keep bytes. */
			body_separator(b, i, mp, ", not parsed", 1);
			add_text(b, mp, 0, &r->flags);
			add_attachment(b, mp, r);
		} else if (!mp->is_attachment &&
		    strcmp(mp->type, "text/plain") == 0) {
			body_separator(b, i, mp, NULL, 0);
			add_text(b, mp, 0, &r->flags);
			b->plain++;
		} else if (!mp->is_attachment &&
		    strcmp(mp->type, "text/html") == 0) {
			if (!text_covered(tree, i)) {
				body_separator(b, i, mp, ", rendered as text",
				    0);
				add_text(b, mp, 1, &r->flags);
				b->html++;
			}
			add_attachment(b, mp, r);
		} else
			add_attachment(b, mp, r);
	}
	if (b->html > 0 && b->plain == 0)
		r->flags |= FLAG_HTML_ONLY;
}

/* quarantine_limit - quarantine r with reason limit:<name> */
static void
quarantine_limit(struct report *r, const char *name)
{
	char reason[64];

	if (snprintf(reason, sizeof(reason), "limit:%s", name) >=
	    (int)sizeof(reason))
		reason[sizeof(reason) - 1] = '\0';
	report_quarantine(r, reason);
}

/* ci_prefix - the line p[0..n) starts with s, ASCII case ignored */
static int
ci_prefix(const unsigned char *p, size_t n, const char *s)
{
	size_t m = strlen(s);

	return n >= m && strncasecmp((const char *)p, s, m) == 0;
}

/* A header block of the message, [start, end) offsets. */
struct span {
	size_t start;
	size_t end;
};

/* span_cmp - qsort order of header blocks */
static int
span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* marker_line - a line only MIME structure or an encoded file starts */
static int
marker_line(const unsigned char *p, size_t n)
{
	size_t i;

	if (ci_prefix(p, n, "content-")) {
		for (i = 8; i < n && p[i] > 32 && p[i] < 127 && p[i] != ':';
		    i++)
			;
		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (i < n && p[i] == ':')
			return 1;
	}
	if (ci_prefix(p, n, "begin ") && n > 10 &&
	    strspn((const char *)p + 6, "01234567") >= 3)
		return 1;
	return ci_prefix(p, n, "=ybegin ") ||
	    ci_prefix(p, n, "(This file must be converted with BinHex");
}

/*
 * hidden_structure - a line outside every header block the parse found
 * that only MIME structure or an encoded file starts: a "Content-...:"
 * field, uuencode's "begin NNN ", yEnc's "=ybegin ", BinHex's "(This file
 * must be converted with BinHex". A parse that made no attachment of such
 * a message may have been led past one (mime-is-broken: boundaries
 * libetpan reads otherwise than other parsers, parts in a preamble or
 * epilogue, a multipart shown as one text part). So may a multipart
 * that declares itself a file (its parts are then shown as text).
 */
static int
hidden_structure(const unsigned char *msg, size_t len,
    const struct mime_tree *tree)
{
	const struct mime_part *mp;
	struct span *sp;
	struct hfield f;
	const unsigned char *p, *nl;
	size_t i, k = 0, nsp = 0, off, eol;
	int found = 0;

	for (i = 0; i < tree->nparts; i++) {
		mp = &tree->parts[i];
		if (mp->is_multipart &&
		    (mp->is_attachment || mp->filename != NULL))
			return 1;
	}
	sp = xreallocarray(NULL, tree->nparts + 1, sizeof(*sp));
	for (i = 0; i < tree->nparts; i++) {
		p = tree->parts[i].raw;
		if (p == NULL || p < msg || p > msg + len ||
		    tree->parts[i].raw_len > (size_t)(msg + len - p))
			continue;
		off = 0;
		while (hdr_next(p, tree->parts[i].raw_len, &off, &f))
			;
		sp[nsp].start = (size_t)(p - msg);
		sp[nsp++].end = (size_t)(p - msg) + off;
	}
	if (nsp == 0) {
		off = 0;
		while (hdr_next(msg, len, &off, &f))
			;
		sp[0].start = 0;
		sp[nsp++].end = off;
	}
	qsort(sp, nsp, sizeof(*sp), span_cmp);
	for (off = 0; off < len && !found; off = eol + 1) {
		nl = memchr(msg + off, '\n', len - off);
		eol = nl != NULL ? (size_t)(nl - msg) : len;
		while (k < nsp && sp[k].end <= off)
			k++;
		if (k < nsp && sp[k].start <= off)
			continue;
		found = marker_line(msg + off, eol - off);
	}
	free(sp);
	return found;
}

/*
 * keep_unparsed - the whole message as an inert attachment, with a line
 * saying so: the stored copy never claims "no attachment" when the input
 * may hide one
 */
static void
keep_unparsed(struct body *b, const unsigned char *msg, size_t len,
    struct report *r)
{
	struct attachment *a;

	if (b->text.len > 0 && b->text.data[b->text.len - 1] != '\n')
		b->rc = buf_putc(&b->text, '\n');
	if (b->rc == BUF_OK)
		b->rc = buf_printf(&b->text, "%s----- MIME structure or an "
		    "encoded file that was not taken apart: the whole message "
		    "is kept as attachment \"%s\" -----\n",
		    b->text.len > 0 ? "\n" : "", MIME_UNPARSED_NAME);
	a = report_add_attachment(r, MIME_UNPARSED_NAME, "message/rfc822",
	    msg, len);
	a->sniffed_type = xstrdup(sanitize_sniff_type(msg, len));
	b->natt++;
}

/* mime_extract_tree - see mime.h */
const char *
mime_extract_tree(const unsigned char *msg, size_t len,
    const struct limits *lim, const struct mime_tree *tree,
    const char *walk_limit, struct report *r)
{
	struct body b;
	const char *limit = walk_limit;

	if (msg == NULL) {
		msg = (const unsigned char *)"";
		len = 0;
	}
	memset(&b, 0, sizeof(b));
	buf_init(&b.text, lim->max_message_size);
	b.rc = BUF_OK;
	extract_headers(msg, len, r);
	if (limit != NULL) {
		/* Not walked: keep the message text readable, capped. */
		(void)sanitize_text(msg, len, &b.text, &r->flags);
	} else {
		if (tree->parse_error)
			r->flags |= FLAG_PARSE_ERROR;
		extract_parts(tree, r, &b);
		if (b.rc == BUF_OK && b.natt == 0 &&
		    hidden_structure(msg, len, tree))
			keep_unparsed(&b, msg, len, r);
		if (b.rc != BUF_OK)
			limit = "max_message_size";
	}
	report_set_body(r, buf_cstr(&b.text), b.text.len);
	if (limit != NULL)
		quarantine_limit(r, limit);
	buf_free(&b.text);
	return limit;
}

/* mime_extract - fill r from a whole message: headers, body, attachments */
const char *
mime_extract(const unsigned char *msg, size_t len, const struct limits *lim,
    struct report *r)
{
	struct mime_tree tree;
	const char *limit;

	limit = mime_walk(msg, len, lim, &tree);
	limit = mime_extract_tree(msg, len, lim, &tree, limit, r);
	mime_tree_free(&tree);
	return limit;
}

/* Writing acknowledgements (libetpan's MIME writer). */
struct mime_ack {
	struct mailmime *holder;	/* multipart/mixed around the text */
	struct mailmime *text;		/* the text/plain entity */
	struct buf entity;		/* its bytes, as signed */
};

/* etp - a libetpan allocation that must not fail */
static void *
etp(void *p)
{
	if (p == NULL)
		(void)xmalloc(SIZE_MAX);	/* the out-of-memory path */
	return p;
}

/* etp_ok - a libetpan call that only fails when memory is short */
static void
etp_ok(int rc)
{
	if (rc != 0)
		(void)etp(NULL);
}

/* write_mime - one libetpan tree as bytes appended to out */
static int
write_mime(struct mailmime *m, struct buf *out)
{
	MMAPString *s = etp(mmap_string_new(""));
	int col = 0, rc = -1;

	if (mailmime_write_mem(s, &col, m) == MAILIMF_NO_ERROR &&
	    buf_append(out, s->str, s->len) == BUF_OK)
		rc = 0;
	mmap_string_free(s);
	return rc;
}

/*
 * first_part - the bytes of the first body part of a written mail or
 * multipart: after the first delimiter line (the first line starting with
 * "--"), up to the CRLF of the next delimiter
 */
static int
first_part(const struct buf *mp, struct buf *out)
{
	const char *p = buf_cstr(mp), *eol, *end;
	char delim[128];
	int n;

	while (strncmp(p, "--", 2) != 0) {
		if ((p = strstr(p, "\r\n")) == NULL)
			return -1;
		p += 2;
	}
	if ((eol = strstr(p, "\r\n")) == NULL)
		return -1;
	n = snprintf(delim, sizeof(delim), "\r\n%.*s", (int)(eol - p), p);
	if (n < 0 || (size_t)n >= sizeof(delim) ||
	    (end = strstr(eol + 2, delim)) == NULL)
		return -1;
	return buf_append(out, eol + 2, (size_t)(end - eol - 2)) == BUF_OK ?
	    0 : -1;
}

/* mime_ack_new - see mime.h */
int
mime_ack_new(const char *text, size_t len, struct mime_ack **a_r,
    struct buf *entity)
{
	struct mime_ack *a = xcalloc(1, sizeof(*a));
	struct mailmime_content *ct;
	struct buf mp;
	int rc = -1;

	buf_init(&a->entity, len * 4 + 4096);
	buf_init(&mp, len * 4 + 4096);
	ct = etp(mailmime_content_new_with_str("text/plain"));
	etp_ok(clist_append(ct->ct_parameters,
	    etp(mailmime_param_new_with_data("charset", "utf-8"))));
	a->text = etp(mailmime_new_empty(ct, etp(mailmime_fields_new_encoding(
	    MAILMIME_MECHANISM_QUOTED_PRINTABLE))));
	/* libetpan keeps the pointer: text outlives the builder. */
	etp_ok(mailmime_set_body_text(a->text, (char *)text, len));
	/*
	 * libetpan writes a part's own header only inside a multipart: the
	 * entity is cut out of one, and written the same way when signed.
	 */
	a->holder = etp(mailmime_multiple_new("multipart/mixed"));
	etp_ok(mailmime_smart_add_part(a->holder, a->text));
	if (write_mime(a->holder, &mp) == 0 &&
	    first_part(&mp, &a->entity) == 0 &&
	    buf_append(entity, a->entity.data, a->entity.len) == BUF_OK)
		rc = 0;
	buf_free(&mp);
	if (rc < 0)
		mime_ack_free(&a);
	*a_r = a;
	return rc;
}

/* single_part - a leaf of type ctype whose body is written verbatim */
static struct mailmime *
single_part(const char *ctype, const char *name, const char *body,
    size_t len)
{
	struct mailmime_content *ct;
	struct mailmime_fields *fl;
	struct mailmime *m;

	ct = etp(mailmime_content_new_with_str(ctype));
	if (name != NULL)
		fl = etp(mailmime_fields_new_filename(
		    MAILMIME_DISPOSITION_TYPE_INLINE, etp(strdup(name)),
		    MAILMIME_MECHANISM_7BIT));
	else
		fl = etp(mailmime_fields_new_encoding(MAILMIME_MECHANISM_7BIT));
	m = etp(mailmime_new_empty(ct, fl));
	m->mm_body = etp(mailmime_data_new_data(MAILMIME_MECHANISM_7BIT, 1,
	    body, len));
	m->mm_data.mm_single = m->mm_body;
	return m;
}

/* add_param - a Content-Type parameter of a multipart */
static void
add_param(struct mailmime *m, const char *name, const char *value)
{
	etp(clist_append(m->mm_content_type->ct_parameters,
	    etp(mailmime_param_new_with_data((char *)name, (char *)value))) ==
	    0 ? m : NULL);
}

/* imf_fields - the header of an acknowledgement */
static struct mailimf_fields *
imf_fields(const struct mime_out_headers *h)
{
	struct mailimf_mailbox_list *from;
	struct mailimf_address_list *to;
	struct mailimf_fields *f;
	clist *irt = NULL, *refs = NULL;
	size_t i;

	from = etp(mailimf_mailbox_list_new_empty());
	(void)mailimf_mailbox_list_add_mb(from, NULL, etp(strdup(h->from)));
	to = etp(mailimf_address_list_new_empty());
	(void)mailimf_address_list_add_mb(to, NULL, etp(strdup(h->to)));
	if (h->in_reply_to != NULL) {
		irt = etp(clist_new());
		refs = etp(clist_new());
		(void)clist_append(irt, etp(strdup(h->in_reply_to)));
		(void)clist_append(refs, etp(strdup(h->in_reply_to)));
	}
	f = etp(mailimf_fields_new_with_data_all(etp(mailimf_get_date(h->date)),
	    from, NULL, NULL, to, NULL, NULL, etp(strdup(h->message_id)), irt,
	    refs, etp(strdup(h->subject))));
	for (i = 0; h->extra != NULL && h->extra[i] != NULL; i += 2)
		(void)mailimf_fields_add(f, etp(mailimf_field_new_custom(
		    etp(strdup(h->extra[i])), etp(strdup(h->extra[i + 1])))));
	return f;
}

/* mime_ack_finish - see mime.h */
int
mime_ack_finish(struct mime_ack *a, const struct mime_out_headers *h,
    int encrypted, const char *micalg, const char *pgp, size_t pgp_len,
    struct buf *out)
{
	struct mailmime *msg, *mp;
	struct buf part;
	int rc;

	msg = etp(mailmime_new_message_data(NULL));
	mailmime_set_imf_fields(msg, imf_fields(h));
	if (encrypted) {
		mp = etp(mailmime_multiple_new("multipart/encrypted"));
		add_param(mp, "protocol", "application/pgp-encrypted");
		etp_ok(mailmime_smart_add_part(mp, single_part(
		    "application/pgp-encrypted", NULL, "Version: 1\r\n", 12)));
		etp_ok(mailmime_smart_add_part(mp, single_part(
		    "application/octet-stream", "encrypted.asc", pgp,
		    pgp_len)));
	} else {
		mp = etp(mailmime_multiple_new("multipart/signed"));
		add_param(mp, "protocol", "application/pgp-signature");
		add_param(mp, "micalg", micalg);
		mailmime_remove_part(a->text);
		etp_ok(mailmime_smart_add_part(mp, a->text));
		a->text = NULL;
		etp_ok(mailmime_smart_add_part(mp, single_part(
		    "application/pgp-signature", "signature.asc", pgp,
		    pgp_len)));
	}
	etp_ok(mailmime_smart_add_part(msg, mp));
	rc = write_mime(msg, out);
	mailmime_free(msg);
	if (rc == 0 && !encrypted) {
		/* What was signed must be what is sent, byte for byte. */
		buf_init(&part, out->max);
		rc = first_part(out, &part) == 0 &&
		    part.len == a->entity.len &&
		    memcmp(part.data, a->entity.data, part.len) == 0 ? 0 : -1;
		buf_free(&part);
	}
	return rc;
}

/* mime_ack_free - release the builder and NULL the pointer */
void
mime_ack_free(struct mime_ack **ap)
{
	struct mime_ack *a = *ap;

	if (a == NULL)
		return;
	if (a->holder != NULL)
		mailmime_free(a->holder);
	buf_free(&a->entity);
	free(a);
	*ap = NULL;
}
