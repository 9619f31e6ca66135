/*
 * NAME
 *	xalloc - allocation that never returns NULL
 * DESCRIPTION
 *	On failure the handler installed by main() runs (psirt-filter: log and
 *	_exit 75, so Postfix retries); the default handler logs and aborts.
 *	Multiplications only through xreallocarray(), which checks overflow.
 */
#ifndef PSIRT_XALLOC_H
#define PSIRT_XALLOC_H

#include <stddef.h>
#include "psirt/compat.h"

/* xalloc_set_fail_handler - on out of memory (the handler must not return) */
void xalloc_set_fail_handler(void (*handler)(void));
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* xmemdup - copy of len bytes followed by a NUL */
char *xmemdup(const void *p, size_t len);
/* xfree_wipe - explicit_bzero then free */
void xfree_wipe(void *p, size_t len);

#endif
