/*
 * NAME
 *	buf - growable byte buffer with a mandatory cap
 * DESCRIPTION
 *	A buffer is initialised with the most bytes it may ever hold. Appending
 *	past that cap returns BUF_LIMIT and leaves the buffer valid and
 *	unchanged, so the caller can record a limit status and keep what it
 *	has. The data is always followed by a NUL byte (not counted in len), so
 *	text can be used as a C string when it holds no NUL.
 * DIAGNOSTICS
 *	Allocation failure is fatal through xalloc (the gateway's trouble).
 */
#ifndef PSIRT_BUF_H
#define PSIRT_BUF_H

#include <stddef.h>
#include "psirt/compat.h"

#define BUF_OK 0
#define BUF_LIMIT (-1)

struct buf {
	unsigned char *data;
	size_t len;
	size_t alloc;
	size_t max;
};

/* buf_init - empty buffer that may hold at most max bytes */
void buf_init(struct buf *b, size_t max);
/* buf_free - release the storage, wiping it first; the buffer stays usable */
void buf_free(struct buf *b);
/*
 * buf_release - buf_free() without the wipe, only for bytes that are not
 * plaintext and lie verbatim on disk anyway (the raw message): after a
 * fork, wiping pages the child still shares copies every one of them
 */
void buf_release(struct buf *b);
/* buf_reset - forget the content, keep the storage */
void buf_reset(struct buf *b);
/*
 * buf_presize - room for total bytes in all (plus the NUL), allocated at
 * once when the size is known: no doubling; BUF_LIMIT past the cap
 */
int buf_presize(struct buf *b, size_t total);
/* buf_append - append bytes; BUF_LIMIT past the cap */
int buf_append(struct buf *b, const void *p, size_t len);
/* buf_puts - append a C string */
int buf_puts(struct buf *b, const char *s);
/* buf_putc - append one byte */
int buf_putc(struct buf *b, int c);
/* buf_printf - append formatted text; BUF_LIMIT past the cap */
int buf_printf(struct buf *b, const char *fmt, ...) PSIRT_PRINTF(2, 3);
/* buf_cstr - the content as a C string (never NULL) */
const char *buf_cstr(const struct buf *b);
/* buf_steal - hand the storage to the caller as a NUL-terminated string */
char *buf_steal(struct buf *b);

#endif
