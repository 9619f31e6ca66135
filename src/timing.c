/*
 * NAME
 *	timing - where one message's time goes (PSIRT_TIMING=1)
 * DESCRIPTION
 *	See include/psirt/timing.h. Everything is static state of this one
 *	process; the worker child inherits a copy at fork() and resets it.
 *	Every entry point returns at once when timing is off.
 * LIMITS
 *	None: a fixed number of phases, one record of fixed size.
 * DIAGNOSTICS
 *	None: a lost worker record only shows as "-" in the line.
 * SECURITY
 *	The worker's record is checked (size, tag, times within the parent's
 *	own fork-to-reap window, sizes bounded) before it is used, and only
 *	ever printed as numbers.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "psirt/log.h"
#include "psirt/timing.h"

#define TIMING_TAG 0x7073697274696d31ULL	/* "psirtim1" */
#define TIMING_MAX_RSS_KIB (1ULL << 40)

/* What the worker sends back: times in ns of CLOCK_MONOTONIC. */
struct timing_record {
	uint64_t tag;
	uint64_t t_start;		/* the worker's first instruction */
	uint64_t t_end;			/* its last, before _exit() */
	uint64_t phase[4];		/* parse, gpginit, gpg, result */
	uint64_t rss_kib;		/* worker, RUSAGE_SELF */
	uint64_t child_rss_kib;		/* worker, RUSAGE_CHILDREN */
};

static int timing_on;
static uint64_t t_exec;			/* 0: unknown */
static uint64_t t_main;
static uint64_t t_mark;			/* the running phase began */
static uint64_t t_fork;
static enum timing_phase cur;
static uint64_t acc[TIMING_NPHASES];
static int pfd[2] = { -1, -1 };
static int have_record;
static struct timing_record rec;

/* now_ns - CLOCK_MONOTONIC in nanoseconds */
static uint64_t
now_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* parse_ns - a decimal number of nanoseconds; 0 if not one */
static uint64_t
parse_ns(const char *s)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 19)
			return 0;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	return v;
}

/* timing_init - first thing in main(): getenv("PSIRT_TIMING") or NULL */
void
timing_init(const char *env)
{
	uint64_t v;

	if (env == NULL || env[0] == '\0' || strcmp(env, "0") == 0)
		return;
	timing_on = 1;
	t_main = t_mark = now_ns();
	cur = TIMING_INIT;
	v = parse_ns(env);
	/* "1" just turns it on; a time in the future is not an exec time. */
	if (v > 1 && v <= t_main)
		t_exec = v;
}

/* timing_phase - close the running phase, open phase p */
void
timing_phase(enum timing_phase p)
{
	uint64_t t;

	if (!timing_on)
		return;
	t = now_ns();
	acc[cur] += t - t_mark;
	cur = p;
	t_mark = t;
}

/* timing_worker_fork - in the parent, just before fork() */
void
timing_worker_fork(void)
{
	if (!timing_on)
		return;
	timing_phase(TIMING_FORK);
	t_fork = t_mark;
	have_record = 0;
	if (pfd[0] < 0 && pipe2(pfd, O_CLOEXEC | O_NONBLOCK) < 0)
		pfd[0] = pfd[1] = -1;
}

/* timing_worker_start - first thing in the worker child */
void
timing_worker_start(void)
{
	if (!timing_on)
		return;
	memset(acc, 0, sizeof(acc));
	t_mark = now_ns();
	cur = TIMING_PARSE;
	memset(&rec, 0, sizeof(rec));
	rec.t_start = t_mark;
	if (pfd[0] >= 0)
		(void)close(pfd[0]);
	pfd[0] = -1;
}

/* timing_worker_send - last thing in the worker child before _exit(0) */
void
timing_worker_send(void)
{
	struct rusage ru;

	if (!timing_on || pfd[1] < 0)
		return;
	timing_phase(TIMING_RESULT);
	rec.tag = TIMING_TAG;
	rec.t_end = t_mark;
	rec.phase[0] = acc[TIMING_PARSE];
	rec.phase[1] = acc[TIMING_GPGINIT];
	rec.phase[2] = acc[TIMING_GPG];
	rec.phase[3] = acc[TIMING_RESULT];
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		rec.rss_kib = (uint64_t)ru.ru_maxrss;
	if (getrusage(RUSAGE_CHILDREN, &ru) == 0)
		rec.child_rss_kib = (uint64_t)ru.ru_maxrss;
	/*
	 * Smaller than PIPE_BUF: one write, never partial, never blocks; if
	 * it fails the parent sees no record.
	 */
	if (write(pfd[1], &rec, sizeof(rec)) < 0)
		rec.tag = 0;
}

/* record_ok - the worker's record is whole and consistent */
static int
record_ok(const struct timing_record *r, uint64_t t_now)
{
	uint64_t sum = 0;
	size_t i;

	if (r->tag != TIMING_TAG || r->t_start < t_fork ||
	    r->t_end < r->t_start || r->t_end > t_now ||
	    r->rss_kib > TIMING_MAX_RSS_KIB ||
	    r->child_rss_kib > TIMING_MAX_RSS_KIB)
		return 0;
	for (i = 0; i < 4; i++) {
		if (r->phase[i] > r->t_end - r->t_start)
			return 0;
		sum += r->phase[i];
	}
	return sum <= r->t_end - r->t_start;
}

/* timing_worker_collect - in the parent, once the worker is reaped */
void
timing_worker_collect(void)
{
	struct timing_record r;
	uint64_t t;
	ssize_t n = -1;

	if (!timing_on)
		return;
	t = now_ns();
	if (pfd[1] >= 0)
		(void)close(pfd[1]);
	if (pfd[0] >= 0) {
		n = read(pfd[0], &r, sizeof(r));
		(void)close(pfd[0]);
	}
	pfd[0] = pfd[1] = -1;
	have_record = n == (ssize_t)sizeof(r) && record_ok(&r, t);
	if (have_record) {
		rec = r;
		acc[TIMING_FORK] += r.t_start - t_fork;
		acc[TIMING_WORKER] += r.t_end - r.t_start;
		acc[TIMING_REAP] += t - r.t_end;
	} else
		acc[TIMING_WORKER] += t - t_fork;
	cur = TIMING_DECODE;
	t_mark = t;
}

/* fmt - snprintf into b; "-" if it does not fit */
static void fmt(char *b, size_t n, const char *f, ...) PSIRT_PRINTF(3, 4);
static void
fmt(char *b, size_t n, const char *f, ...)
{
	va_list ap;
	int rc;

	va_start(ap, f);
	rc = vsnprintf(b, n, f, ap);
	va_end(ap);
	if (rc < 0 || (size_t)rc >= n)
		(void)snprintf(b, n, "-");
}

/* ms - nanoseconds as milliseconds */
static double
ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

/* timing_log - the one timing line of this process */
void
timing_log(void)
{
	struct rusage ru;
	char start[32], split[160], wrss[64];
	uint64_t t;
	long rss = 0;

	if (!timing_on)
		return;
	timing_phase(TIMING_CLEANUP);
	t = t_mark;
	if (t_exec != 0)
		fmt(start, sizeof(start), "%.2f", ms(t_main - t_exec));
	else
		fmt(start, sizeof(start), "-");
	if (have_record) {
		fmt(split, sizeof(split), "parse=%.2f gpginit=%.2f "
		    "gpg=%.2f result=%.2f", ms(rec.phase[0]), ms(rec.phase[1]),
		    ms(rec.phase[2]), ms(rec.phase[3]));
		fmt(wrss, sizeof(wrss), "worker_rss=%llu "
		    "gpg_rss=%llu", (unsigned long long)rec.rss_kib,
		    (unsigned long long)rec.child_rss_kib);
	} else {
		fmt(split, sizeof(split), "parse=- gpginit=- gpg=- result=-");
		fmt(wrss, sizeof(wrss), "worker_rss=- gpg_rss=-");
	}
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		rss = ru.ru_maxrss;
	log_info("timing: start=%s init=%.2f spool=%.2f agent=%.2f "
	    "fork=%.2f worker=%.2f (%s) reap=%.2f decode=%.2f store=%.2f "
	    "ack=%.2f cleanup=%.2f total=%.2f ms, rss=%ld %s KiB", start,
	    ms(acc[TIMING_INIT]), ms(acc[TIMING_SPOOL]),
	    ms(acc[TIMING_AGENT]), ms(acc[TIMING_FORK]),
	    ms(acc[TIMING_WORKER]), split, ms(acc[TIMING_REAP]),
	    ms(acc[TIMING_DECODE]), ms(acc[TIMING_STORE]),
	    ms(acc[TIMING_ACK]), ms(acc[TIMING_CLEANUP]),
	    ms(t - (t_exec != 0 ? t_exec : t_main)), rss, wrss);
}
