/*
 * NAME
 *	compat - attributes and small macros shared by every module
 * DESCRIPTION
 *	PSIRT_PRINTF marks printf-like functions; PSIRT_ASSERT is for bugs only
 *	(a broken contract), never for hostile input: it logs and aborts, and
 *	Postfix defers the mail.
 */
#ifndef PSIRT_COMPAT_H
#define PSIRT_COMPAT_H

#define PSIRT_PRINTF(n, m) __attribute__((format(printf, n, m)))
#define PSIRT_NORETURN __attribute__((noreturn))
#define PSIRT_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* psirt_assert_fail - log a broken contract and abort */
PSIRT_NORETURN void psirt_assert_fail(const char *expr, const char *file,
    int line);

#define PSIRT_ASSERT(e) \
	((e) ? (void)0 : psirt_assert_fail(#e, __FILE__, __LINE__))

/* sysexits codes: the only two psirt-filter ever uses */
#define PSIRT_EX_OK 0
#define PSIRT_EX_TEMPFAIL 75

#endif
