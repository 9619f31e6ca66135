/*
 * NAME
 *	buf - growable byte buffer with a mandatory cap
 * DESCRIPTION
 *	See include/psirt/buf.h. Storage grows by doubling, never beyond
 *	max + 1 bytes (the trailing NUL).
 * LIMITS
 *	max, set at buf_init(); BUF_LIMIT past it, content unchanged.
 * DIAGNOSTICS
 *	Allocation failure is fatal through xalloc.
 * SECURITY
 *	Buffers hold plaintext: growing copies and wipes the old storage, and
 *	buf_free() wipes before freeing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psirt/buf.h"
#include "psirt/xalloc.h"

/* buf_init - empty buffer that may hold at most max bytes */
void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->max = max;
}

/* buf_free - release the storage, wiping it first */
void
buf_free(struct buf *b)
{
	if (b->data != NULL)
		xfree_wipe(b->data, b->alloc);
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
}

/* buf_release - release the storage unwiped: see buf.h */
void
buf_release(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
}

/* buf_reset - forget the content, keep the storage */
void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* buf_reserve - make room for extra more bytes plus the NUL */
static int
buf_reserve(struct buf *b, size_t extra)
{
	unsigned char *grown;
	size_t need, n;

	if (extra > b->max || b->len > b->max - extra)
		return BUF_LIMIT;
	need = b->len + extra + 1;
	if (need <= b->alloc)
		return BUF_OK;
	n = b->alloc ? b->alloc : 64;
	while (n < need)
		n = n > ((size_t)-1) / 2 ? need : n * 2;
	if (n > b->max + 1)
		n = b->max + 1;
	/* Not realloc(): the old copy is wiped, buffers hold plaintext. */
	grown = xmalloc(n);
	if (b->data != NULL) {
		memcpy(grown, b->data, b->len + 1);
		xfree_wipe(b->data, b->alloc);
	}
	b->data = grown;
	b->alloc = n;
	return BUF_OK;
}

/* buf_presize - see buf.h */
int
buf_presize(struct buf *b, size_t total)
{
	unsigned char *grown;

	if (total > b->max)
		return BUF_LIMIT;
	if (total + 1 <= b->alloc)
		return BUF_OK;
	grown = xmalloc(total + 1);
	if (b->data != NULL) {
		memcpy(grown, b->data, b->len + 1);
		xfree_wipe(b->data, b->alloc);
	} else
		grown[0] = '\0';
	b->data = grown;
	b->alloc = total + 1;
	return BUF_OK;
}

/* buf_append - append bytes; BUF_LIMIT past the cap */
int
buf_append(struct buf *b, const void *p, size_t len)
{
	if (buf_reserve(b, len) != BUF_OK)
		return BUF_LIMIT;
	if (len > 0)
		memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
	return BUF_OK;
}

/* buf_puts - append a C string */
int
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

/* buf_putc - append one byte */
int
buf_putc(struct buf *b, int c)
{
	unsigned char ch = (unsigned char)c;

	return buf_append(b, &ch, 1);
}

/* buf_printf - append formatted text; BUF_LIMIT past the cap */
int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return BUF_LIMIT;
	if (buf_reserve(b, (size_t)n) != BUF_OK)
		return BUF_LIMIT;
	va_start(ap, fmt);
	n = vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return BUF_OK;
}

/* buf_cstr - the content as a C string (never NULL) */
const char *
buf_cstr(const struct buf *b)
{
	return b->data != NULL ? (const char *)b->data : "";
}

/* buf_steal - hand the storage to the caller as a NUL-terminated string */
char *
buf_steal(struct buf *b)
{
	char *s;

	s = b->data != NULL ? (char *)b->data : xstrdup("");
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	return s;
}
