/*
 * NAME
 *	report - the worker's findings and their wire format
 * DESCRIPTION
 *	See include/psirt/report.h. Encoding and decoding share one field
 *	table, so a field cannot be written without being read.
 * LIMITS
 *	REPORT_MAX_ATTACHMENTS; every record bounded by the input length.
 * DIAGNOSTICS
 *	report_decode(): -1 with error_r for any malformed input.
 * SECURITY
 *	report_decode() reads bytes a compromised worker may have written:
 *	lengths are checked before use, strings must be clean UTF-8 (the body
 *	may hold LF and TAB), statuses must be known words, and attachment
 *	digests are recomputed here rather than trusted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psirt/report.h"
#include "psirt/safeio.h"
#include "psirt/text.h"
#include "psirt/xalloc.h"

/* String fields of struct report, by wire tag. */
static const struct {
	char tag;
	size_t off;
} str_fields[] = {
	{ 'Q', offsetof(struct report, quarantine_reason) },
	{ 'F', offsetof(struct report, signer_fpr) },
	{ 'M', offsetof(struct report, message_id) },
	{ 'f', offsetof(struct report, from) },
	{ 'a', offsetof(struct report, from_addr) },
	{ 'D', offsetof(struct report, date) },
	{ 's', offsetof(struct report, subject) },
	{ 'j', offsetof(struct report, inner_from) },
	{ 'i', offsetof(struct report, inner_subject) },
	{ 'r', offsetof(struct report, references) },
	{ 'b', offsetof(struct report, ack_block) },
};

#define STR_FIELD(r, i) ((char **)((char *)(r) + str_fields[i].off))

/*
 * An encoding pass: onto out, or onto fd (>= 0) through stage, or, with
 * neither, only counted. Onto fd, a content longer than stage is written
 * from the report's own memory.
 */
#define ENC_STAGE 16384
struct enc {
	struct buf *out;
	int fd;
	size_t n;
	unsigned char *stage;
	size_t staged;
};

/* flush - the staged bytes onto e->fd; BUF_LIMIT when the write fails */
static int
flush(struct enc *e)
{
	int rc = safeio_write_all(e->fd, e->stage, e->staged);

	e->staged = 0;
	return rc < 0 ? BUF_LIMIT : BUF_OK;
}

/* emit - bytes onto fd, staged unless they are many */
static int
emit(struct enc *e, const void *p, size_t len)
{
	if (len > ENC_STAGE - e->staged && flush(e) != BUF_OK)
		return BUF_LIMIT;
	if (len > ENC_STAGE)
		return safeio_write_all(e->fd, p, len) < 0 ? BUF_LIMIT :
		    BUF_OK;
	if (len > 0)
		memcpy(e->stage + e->staged, p, len);
	e->staged += len;
	return BUF_OK;
}

/* report_new - an empty report */
struct report *
report_new(void)
{
	struct report *r = xcalloc(1, sizeof(*r));

	r->processing = PROC_STORED;
	r->encryption = ENC_NONE;
	r->signature = SIG_NONE;
	return r;
}

/* borrowed - p lies in the decoded buffer (not a copy of its own) */
static int
borrowed(const struct report *r, const unsigned char *p)
{
	return r->backing != NULL && p >= r->backing &&
	    p < r->backing + r->backing_len;
}

/* report_free - release everything and NULL the pointer */
void
report_free(struct report **rp)
{
	struct report *r = *rp;
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < PSIRT_NELEM(str_fields); i++)
		free(*STR_FIELD(r, i));
	if (r->body != NULL)
		xfree_wipe(r->body, r->body_len);
	report_clear_attachments(r);
	free(r->att);
	if (r->backing_owned)
		xfree_wipe(r->backing, r->backing_len);
	free(r);
	*rp = NULL;
}

/* report_set - replace a string field with a copy of s */
void
report_set(char **field, const char *s)
{
	free(*field);
	*field = s != NULL ? xstrdup(s) : NULL;
}

/* report_set_body - replace the body with a copy of len bytes */
void
report_set_body(struct report *r, const char *p, size_t len)
{
	if (r->body != NULL)
		xfree_wipe(r->body, r->body_len);
	r->body = xmemdup(p, len);
	r->body_len = len;
}

/* report_quarantine - mark quarantined with a reason word */
void
report_quarantine(struct report *r, const char *reason)
{
	r->processing = PROC_QUARANTINED;
	report_set(&r->quarantine_reason, reason);
}

/* report_take_attachment - see report.h */
struct attachment *
report_take_attachment(struct report *r, const char *name,
    const char *declared_type, unsigned char *data, size_t size)
{
	struct attachment *a;

	a = report_add_attachment(r, name, declared_type,
	    (const unsigned char *)"", 0);
	free(a->data);
	a->data = data != NULL ? data : (unsigned char *)xstrdup("");
	a->size = data != NULL ? size : 0;
	return a;
}

/* clear_attachments - drop every attachment, contents wiped or not */
static void
clear_attachments(struct report *r, int wipe)
{
	size_t i;

	for (i = 0; i < r->natt; i++) {
		free(r->att[i].name);
		free(r->att[i].declared_type);
		free(r->att[i].sniffed_type);
		if (borrowed(r, r->att[i].data))
			continue;
		if (wipe)
			xfree_wipe(r->att[i].data, r->att[i].size);
		else
			free(r->att[i].data);
	}
	r->natt = 0;
}

/* report_clear_attachments - drop every attachment (contents wiped) */
void
report_clear_attachments(struct report *r)
{
	clear_attachments(r, 1);
}

/* report_release_attachments - drop every attachment unwiped: report.h */
void
report_release_attachments(struct report *r)
{
	clear_attachments(r, 0);
}

/* report_add_attachment - append a copy of the content */
struct attachment *
report_add_attachment(struct report *r, const char *name,
    const char *declared_type, const unsigned char *data, size_t size)
{
	struct attachment *a;

	if (r->natt == r->att_alloc) {
		r->att_alloc = r->att_alloc ? 2 * r->att_alloc : 4;
		r->att = xreallocarray(r->att, r->att_alloc, sizeof(*r->att));
	}
	a = &r->att[r->natt++];
	memset(a, 0, sizeof(*a));
	a->name = xstrdup(name);
	a->declared_type = xstrdup(declared_type);
	a->data = (unsigned char *)xmemdup(data, size);
	a->size = size;
	return a;
}

/* put - one record */
static int
put(struct enc *e, char tag, const void *p, size_t len)
{
	unsigned char hdr[5];

	if (len > UINT32_MAX)
		return BUF_LIMIT;
	e->n += sizeof(hdr) + len;
	if (e->out == NULL && e->fd < 0)
		return BUF_OK;
	hdr[0] = (unsigned char)tag;
	hdr[1] = (unsigned char)(len >> 24);
	hdr[2] = (unsigned char)(len >> 16);
	hdr[3] = (unsigned char)(len >> 8);
	hdr[4] = (unsigned char)len;
	if (e->out == NULL)
		return emit(e, hdr, sizeof(hdr)) != BUF_OK ? BUF_LIMIT :
		    emit(e, p, len);
	if (buf_append(e->out, hdr, sizeof(hdr)) != BUF_OK)
		return BUF_LIMIT;
	return buf_append(e->out, p, len);
}

/* put_str - a string record; nothing for NULL */
static int
put_str(struct enc *e, char tag, const char *s)
{
	if (s == NULL)
		return BUF_OK;
	return put(e, tag, s, strlen(s));
}

/* encode - every record, counted in e->n and written to e->out if set */
static int
encode(const struct report *r, struct enc *e)
{
	unsigned char flags[4];
	size_t i;
	int rc = 0;

	flags[0] = (unsigned char)(r->flags >> 24);
	flags[1] = (unsigned char)(r->flags >> 16);
	flags[2] = (unsigned char)(r->flags >> 8);
	flags[3] = (unsigned char)r->flags;
	rc |= put_str(e, 'P', processing_to_str(r->processing));
	rc |= put_str(e, 'E', enc_status_to_str(r->encryption));
	rc |= put_str(e, 'S', sig_status_to_str(r->signature));
	rc |= put(e, 'G', flags, sizeof(flags));
	for (i = 0; i < PSIRT_NELEM(str_fields); i++)
		rc |= put_str(e, str_fields[i].tag,
		    *STR_FIELD((struct report *)r, i));
	if (r->body != NULL)
		rc |= put(e, 'B', r->body, r->body_len);
	for (i = 0; i < r->natt; i++) {
		rc |= put(e, 'A', "", 0);
		rc |= put_str(e, 'n', r->att[i].name);
		rc |= put_str(e, 't', r->att[i].declared_type);
		rc |= put_str(e, 'y', r->att[i].sniffed_type);
		rc |= put(e, 'c', r->att[i].data, r->att[i].size);
	}
	rc |= put(e, 'Z', "", 0);
	return rc != 0 ? BUF_LIMIT : BUF_OK;
}

/* report_encode - serialize: sized first, so out is allocated once */
int
report_encode(const struct report *r, struct buf *out)
{
	struct enc e = { NULL, -1, 0, NULL, 0 };

	if (encode(r, &e) != BUF_OK || e.n > out->max - out->len ||
	    buf_presize(out, out->len + e.n) != BUF_OK)
		return BUF_LIMIT;
	e.out = out;
	return encode(r, &e);
}

/* report_size - see report.h */
size_t
report_size(const struct report *r)
{
	struct enc e = { NULL, -1, 0, NULL, 0 };

	return encode(r, &e) == BUF_OK ? e.n : SIZE_MAX;
}

/* report_write - see report.h */
int
report_write(const struct report *r, int fd)
{
	unsigned char stage[ENC_STAGE];
	struct enc e = { NULL, -1, 0, NULL, 0 };

	e.fd = fd;
	e.stage = stage;
	if (encode(r, &e) != BUF_OK || flush(&e) != BUF_OK)
		return -1;
	return 0;
}

/* fail - set a decode error message */
static int
fail(char **error_r, char tag, const char *what)
{
	char msg[128];

	if (snprintf(msg, sizeof(msg), "worker result: record 0x%02x: %s",
	    (unsigned char)tag, what) >= (int)sizeof(msg))
		msg[sizeof(msg) - 1] = '\0';
	*error_r = xstrdup(msg);
	return -1;
}

/* clean_str - a clean one-line string copy of a record, or NULL */
static char *
clean_str(const unsigned char *v, size_t len, int allow_nl)
{
	if (memchr(v, '\0', len) != NULL || !text_is_clean(v, len, allow_nl))
		return NULL;
	return xmemdup(v, len);
}

/* decode_field - apply one record to r; -1 if malformed */
static int
decode_field(struct report *r, char tag, const unsigned char *v, size_t len,
    struct attachment **cur, char **error_r)
{
	char *s;
	int w;
	size_t i;

	if (tag == 'A') {
		if (r->natt >= REPORT_MAX_ATTACHMENTS)
			return fail(error_r, tag, "too many attachments");
		*cur = report_add_attachment(r, "", "",
		    (const unsigned char *)"", 0);
		return 0;
	}
	if (tag == 'c') {
		if (*cur == NULL || (*cur)->size != 0)
			return fail(error_r, tag, "content out of place");
		free((*cur)->data);
		/* Within the buffer report_decode_buf() hands over: kept. */
		(*cur)->data = r->backing != NULL ? (unsigned char *)v :
		    (unsigned char *)xmemdup(v, len);
		(*cur)->size = len;
		sha256_hex(v, len, (*cur)->sha256);
		return 0;
	}
	if (tag == 'G') {
		if (len != 4)
			return fail(error_r, tag, "bad flags length");
		r->flags = (unsigned)v[0] << 24 | (unsigned)v[1] << 16 |
		    (unsigned)v[2] << 8 | v[3];
		if (r->flags & ~((FLAG__LAST << 1) - 1))
			return fail(error_r, tag, "unknown flag");
		return 0;
	}
	if ((s = clean_str(v, len, tag == 'B')) == NULL)
		return fail(error_r, tag, "not clean UTF-8 text");
	if (tag == 'B') {
		report_set_body(r, s, len);
		xfree_wipe(s, len);
		return 0;
	}
	w = -2;
	if (tag == 'P')
		w = processing_from_str(s), r->processing = w;
	else if (tag == 'E')
		w = enc_status_from_str(s), r->encryption = w;
	else if (tag == 'S')
		w = sig_status_from_str(s), r->signature = w;
	else if (tag == 'n' || tag == 't' || tag == 'y') {
		char **f;

		if (*cur == NULL) {
			free(s);
			return fail(error_r, tag, "field out of place");
		}
		f = tag == 'n' ? &(*cur)->name : tag == 't' ?
		    &(*cur)->declared_type : &(*cur)->sniffed_type;
		free(*f);
		*f = s;
		return 0;
	} else {
		for (i = 0; i < PSIRT_NELEM(str_fields); i++)
			if (str_fields[i].tag == tag) {
				free(*STR_FIELD(r, i));
				*STR_FIELD(r, i) = s;
				return 0;
			}
		free(s);
		return fail(error_r, tag, "unknown tag");
	}
	free(s);
	if (w < 0)
		return fail(error_r, tag, "unknown status word");
	return 0;
}

/* decode - the records of p; content kept in backing when it is set */
static int
decode(const unsigned char *p, size_t len, unsigned char *backing,
    size_t backing_len, struct report **r_r, char **error_r)
{
	struct report *r = report_new();
	struct attachment *cur = NULL;
	size_t pos = 0, vlen;
	char tag;

	r->backing = backing;
	r->backing_len = backing_len;
	while (pos < len) {
		if (len - pos < 5) {
			fail(error_r, 0, "truncated header");
			goto bad;
		}
		tag = (char)p[pos];
		vlen = (size_t)p[pos + 1] << 24 | (size_t)p[pos + 2] << 16 |
		    (size_t)p[pos + 3] << 8 | p[pos + 4];
		pos += 5;
		if (vlen > len - pos) {
			fail(error_r, tag, "length past the end");
			goto bad;
		}
		if (tag == 'Z') {
			if (vlen != 0 || pos != len) {
				fail(error_r, tag, "data after the end");
				goto bad;
			}
			if (r->processing == PROC_QUARANTINED &&
			    r->quarantine_reason == NULL)
				report_set(&r->quarantine_reason, "unknown");
			if (r->processing == PROC_STORED)
				report_set(&r->quarantine_reason, NULL);
			for (vlen = 0; vlen < r->natt; vlen++)
				if (r->att[vlen].name[0] == '\0' ||
				    r->att[vlen].declared_type[0] == '\0') {
					fail(error_r, 'A', "no name");
					goto bad;
				}
			r->backing_owned = backing != NULL;
			*r_r = r;
			return 0;
		}
		if (decode_field(r, tag, p + pos, vlen, &cur, error_r) < 0)
			goto bad;
		pos += vlen;
	}
	fail(error_r, 0, "no end record");
bad:
	report_free(&r);
	return -1;
}

/* report_decode - parse untrusted bytes into a new report */
int
report_decode(const unsigned char *p, size_t len, struct report **r_r,
    char **error_r)
{
	return decode(p, len, NULL, 0, r_r, error_r);
}

/* report_decode_buf - see report.h */
int
report_decode_buf(struct buf *b, size_t off, struct report **r_r,
    char **error_r)
{
	if (b->data == NULL || off > b->len) {
		*error_r = xstrdup("result: truncated header");
		return -1;
	}
	if (decode(b->data + off, b->len - off, b->data, b->alloc, r_r,
	    error_r) < 0)
		return -1;
	/* The report owns the storage now. */
	b->data = NULL;
	b->len = b->alloc = 0;
	return 0;
}
