/*
 * NAME
 *	tap - table-driven unit tests that print TAP
 * DESCRIPTION
 *	TAP_OK(cond, name...) prints "ok N - name" or "not ok N - name" with
 *	file:line; TAP_STR_EQ and TAP_LONG_EQ print "got ... want ...".
 *	tap_done() prints the plan and returns the exit status for main().
 */
#ifndef PSIRT_TAP_H
#define PSIRT_TAP_H

#include <stdarg.h>
#include <stdio.h>
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
