/*
 * NAME
 *	log - syslog in the Postfix shape
 * DESCRIPTION
 *	See include/psirt/log.h. Callers escape attacker-supplied values.
 */
#include <stdarg.h>
#include <time.h>
#include <stdio.h>
#include <syslog.h>
#include <unistd.h>

#include "psirt/log.h"

static const char *log_ident = "psirt";
static int log_where = LOG_TO_STDERR;
static FILE *log_file;
static char log_last[LOG_LAST_MAX];	/* the last warning or error */

/* log_open - set the program name and destination */
void
log_open(const char *ident, int where)
{
	log_ident = ident;
	log_where = where;
	if (where == LOG_TO_SYSLOG)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

/* log_open_file - also append every line to path */
int
log_open_file(const char *path)
{
	FILE *f = fopen(path, "ae");

	if (f == NULL)
		return -1;
	setvbuf(f, NULL, _IOLBF, 0);
	log_file = f;
	return 0;
}

/* log_v - one line at a priority */
static void log_v(int prio, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
static void
log_v(int prio, const char *fmt, va_list ap)
{
	if (prio <= LOG_WARNING) {
		va_list aq;

		va_copy(aq, ap);
		(void)vsnprintf(log_last, sizeof(log_last), fmt, aq);
		va_end(aq);
	}
	if (log_file != NULL) {
		va_list aq;

		va_copy(aq, ap);
		fprintf(log_file, "%lld %s[%ld]: ", (long long)time(NULL),
		    log_ident, (long)getpid());
		vfprintf(log_file, fmt, aq);
		fputc('\n', log_file);
		va_end(aq);
	}
	if (log_where == LOG_TO_SYSLOG) {
		vsyslog(prio, fmt, ap);
		return;
	}
	fprintf(stderr, "%s: ", log_ident);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* log_info - an informational line */
void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(LOG_INFO, fmt, ap);
	va_end(ap);
}

/* log_warning - a warning line */
void
log_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(LOG_WARNING, fmt, ap);
	va_end(ap);
}

/* log_error - an error line */
void
log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(LOG_ERR, fmt, ap);
	va_end(ap);
}

/* log_last_problem - the text of the last warning or error line, or "" */
const char *
log_last_problem(void)
{
	return log_last;
}

/* log_forget_problem - log_last_problem() is "" again */
void
log_forget_problem(void)
{
	log_last[0] = '\0';
}
