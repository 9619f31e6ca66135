/*
 * NAME
 *	tap - table-driven unit tests that print TAP
 * DESCRIPTION
 *	TAP_OK(cond, name...) prints "ok N - name" or "not ok N - name" with
 *	file:line; TAP_STR_EQ and TAP_LONG_EQ print "got ... want ...".
 *	tap_skip(name, why) prints "ok N - name # SKIP why".
 *	tap_under_valgrind() says whether the test runs under
 *	VALGRIND=valgrind make check, and tap_slow() is what a wall-clock
 *	bound is multiplied by (8 there, 3 in the sanitizer build, 1
 *	otherwise: as SLOW in tests/lib/env.sh).
 *	tap_done() prints the plan and returns the exit status for main().
 */
#ifndef PSIRT_TAP_H
#define PSIRT_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_count;
static int tap_failed;

static void tap_ok(int ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5), unused));
static void
tap_ok(int ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!ok)
		tap_failed++;
	printf("%sok %d - ", ok ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		printf("# failed at %s:%d\n", file, line);
	fflush(stdout);
}

static void tap_str_eq(const char *got, const char *want, const char *file,
    int line, const char *name) __attribute__((unused));
static void
tap_str_eq(const char *got, const char *want, const char *file, int line,
    const char *name)
{
	int ok = (got == NULL && want == NULL) ||
	    (got != NULL && want != NULL && strcmp(got, want) == 0);

	tap_ok(ok, file, line, "%s", name);
	if (!ok)
		printf("# got  \"%s\"\n# want \"%s\"\n", got ? got : "(null)",
		    want ? want : "(null)");
}

static void tap_long_eq(long long got, long long want, const char *file,
    int line, const char *name) __attribute__((unused));
static void
tap_long_eq(long long got, long long want, const char *file, int line,
    const char *name)
{
	tap_ok(got == want, file, line, "%s", name);
	if (got != want)
		printf("# got  %lld\n# want %lld\n", got, want);
}

static void tap_skip(const char *name, const char *why)
    __attribute__((unused));
static void
tap_skip(const char *name, const char *why)
{
	tap_count++;
	printf("ok %d - %s # SKIP %s\n", tap_count, name, why);
	fflush(stdout);
}

static int tap_under_valgrind(void) __attribute__((unused));
static int
tap_under_valgrind(void)
{
	const char *v = getenv("VALGRIND");

	return v != NULL && *v != '\0';
}

static double tap_slow(void) __attribute__((unused));
static double
tap_slow(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return tap_under_valgrind() ? 8.0 : 3.0;
#else
	return tap_under_valgrind() ? 8.0 : 1.0;
#endif
}

static int tap_done(void) __attribute__((unused));
static int
tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#define TAP_OK(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define TAP_STR_EQ(got, want, name) \
	tap_str_eq((got), (want), __FILE__, __LINE__, (name))
#define TAP_LONG_EQ(got, want, name) \
	tap_long_eq((long long)(got), (long long)(want), __FILE__, __LINE__, \
	    (name))

#endif
