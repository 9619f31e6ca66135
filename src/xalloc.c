/*
 * NAME
 *	xalloc - allocation that never returns NULL
 * DESCRIPTION
 *	See include/psirt/xalloc.h. The failure handler is set by main();
 *	psirt-filter's logs and _exits 75 so Postfix retries the mail.
 * DIAGNOSTICS
 *	Out of memory is the gateway's trouble, never a status.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "psirt/log.h"
#include "psirt/xalloc.h"

/* xalloc_default_fail - log and abort (programs other than the filter) */
static void
xalloc_default_fail(void)
{
	log_error("out of memory");
	abort();
}

static void (*fail_handler)(void) = xalloc_default_fail;

/* xalloc_set_fail_handler - what to do when memory runs out */
void
xalloc_set_fail_handler(void (*handler)(void))
{
	fail_handler = handler;
}

/* xalloc_fail - call the handler; it must not return */
PSIRT_NORETURN static void
xalloc_fail(void)
{
	fail_handler();
	abort();
}

/* xmalloc - malloc or fail */
void *
xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		xalloc_fail();
	return p;
}

/* xcalloc - calloc or fail */
void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		xalloc_fail();
	return p;
}

/* xreallocarray - realloc of nmemb * size with an overflow check */
void *
xreallocarray(void *p, size_t nmemb, size_t size)
{
	void *q;

	if (size != 0 && nmemb > SIZE_MAX / size)
		xalloc_fail();
	q = realloc(p, nmemb * size != 0 ? nmemb * size : 1);
	if (q == NULL)
		xalloc_fail();
	return q;
}

/* xstrdup - strdup or fail */
char *
xstrdup(const char *s)
{
	return xmemdup(s, strlen(s));
}

/* xstrndup - at most n bytes of s */
char *
xstrndup(const char *s, size_t n)
{
	return xmemdup(s, strnlen(s, n));
}

/* xmemdup - copy of len bytes followed by a NUL */
char *
xmemdup(const void *p, size_t len)
{
	char *s;

	if (len == SIZE_MAX)
		xalloc_fail();
	s = xmalloc(len + 1);
	if (len > 0)
		memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

/* xfree_wipe - explicit_bzero then free */
void
xfree_wipe(void *p, size_t len)
{
	if (p == NULL)
		return;
	explicit_bzero(p, len);
	free(p);
}

/* psirt_assert_fail - log a broken contract and abort */
void
psirt_assert_fail(const char *expr, const char *file, int line)
{
	log_error("bug: assertion %s failed at %s:%d", expr, file, line);
	abort();
}
