/*
 * NAME
 *	test-timing - the PSIRT_TIMING line, with a real worker fork
 * DESCRIPTION
 *	Each case runs in a child process of its own (timing keeps static
 *	state), logs to a scratch file and is judged on the line it wrote:
 *	the fields bench/psirt-bench.c reads must be there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "psirt/log.h"
#include "psirt/timing.h"
#include "../lib/tap.h"

enum worker { W_NONE, W_RECORD, W_DIES };

struct tcase {
	const char *name;
	const char *env;		/* PSIRT_TIMING, or NULL */
	long long stamp_ms;		/* env is now + stamp_ms, if not 0 */
	enum worker worker;
	const char *want[4];		/* in the line */
	const char *reject;		/* not in the line */
	const char *at_least;		/* this field is at least 4 ms */
};

static const struct tcase cases[] = {
	{ "off: no line", NULL, 0, W_RECORD, { NULL }, "timing", NULL },
	{ "PSIRT_TIMING=0 is off", "0", 0, W_RECORD, { NULL }, "timing",
	    NULL },
	{ "on without an exec time: start unknown", "1", 0, W_NONE,
	    { "timing: start=- init=", " total=", " rss=", " KiB" }, NULL,
	    NULL },
	{ "worker record carried back", "1", 0, W_RECORD,
	    { "(parse=", " gpginit=", " result=", " worker_rss=" },
	    "gpg=-", "gpg" },
	{ "worker dying without a record", "1", 0, W_DIES,
	    { "(parse=- gpginit=- gpg=- result=-)", "worker_rss=- gpg_rss=-",
	    " worker=", NULL }, NULL, "worker" },
	{ "exec time 5 ms ago: start measured", "", -5, W_NONE,
	    { " total=", NULL }, "start=-", "start" },
	{ "exec time in the future: ignored", "", 10000, W_NONE,
	    { "start=-", NULL }, NULL, NULL },
	{ "not a number: on, start unknown", "12abc", 0, W_NONE,
	    { "start=-", NULL }, NULL, NULL },
};

/* now_ns - CLOCK_MONOTONIC in nanoseconds */
static long long
now_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* sleep_ms - sleep about ms milliseconds */
static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

/* run_case - the filter's calls in a child; the log line into line */
static void
run_case(const struct tcase *tc, const char *logpath, char *line,
    size_t size)
{
	char env[64];
	FILE *f;
	pid_t pid, w;
	int st;

	(void)unlink(logpath);
	pid = fork();
	if (pid == 0) {
		if (freopen("/dev/null", "w", stderr) == NULL)
			_exit(2);
		log_open("psirt-filter", LOG_TO_STDERR);
		if (log_open_file(logpath) < 0)
			_exit(2);
		if (tc->stamp_ms != 0) {
			if (snprintf(env, sizeof(env), "%lld", now_ns() +
			    tc->stamp_ms * 1000000LL) >= (int)sizeof(env))
				_exit(2);
			timing_init(env);
		} else
			timing_init(tc->env);
		timing_phase(TIMING_SPOOL);
		if (tc->worker != W_NONE) {
			timing_worker_fork();
			w = fork();
			if (w == 0) {
				timing_worker_start();
				timing_phase(TIMING_GPG);
				sleep_ms(5);
				timing_phase(TIMING_PARSE);
				if (tc->worker == W_DIES)
					_exit(3);
				timing_phase(TIMING_RESULT);
				timing_worker_send();
				_exit(0);
			}
			(void)waitpid(w, &st, 0);
			timing_worker_collect();
		}
		timing_phase(TIMING_STORE);
		timing_log();
		_exit(0);
	}
	(void)waitpid(pid, &st, 0);
	line[0] = '\0';
	f = fopen(logpath, "r");
	if (f != NULL) {
		if (fgets(line, (int)size, f) == NULL)
			line[0] = '\0';
		(void)fclose(f);
	}
}

/* field - the number after " name=" or "(name=" in line; -1 if none */
static double
field(const char *line, const char *name)
{
	char key[32];
	const char *p = line;
	size_t n = strlen(name);

	if (n + 2 > sizeof(key))
		return -1;
	while ((p = strstr(p, name)) != NULL) {
		if (p > line && (p[-1] == ' ' || p[-1] == '(') &&
		    p[n] == '=' && p[n + 1] >= '0' && p[n + 1] <= '9')
			return strtod(p + n + 1, NULL);
		p += n;
	}
	return -1;
}

int
main(void)
{
	char logpath[] = "/tmp/test-timing.XXXXXX", line[2048];
	size_t i, k;
	int fd;

	fd = mkstemp(logpath);
	if (fd < 0)
		return 2;
	(void)close(fd);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *tc = &cases[i];
		int ok = 1;

		run_case(tc, logpath, line, sizeof(line));
		for (k = 0; k < 4 && tc->want[k] != NULL; k++)
			if (strstr(line, tc->want[k]) == NULL)
				ok = 0;
		if (tc->reject != NULL && strstr(line, tc->reject) != NULL)
			ok = 0;
		if (tc->at_least != NULL && field(line, tc->at_least) < 4.0)
			ok = 0;
		TAP_OK(ok, "%s", tc->name);
		if (!ok)
			printf("# got \"%.*s\"\n", (int)strcspn(line, "\n"),
			    line);
	}
	(void)unlink(logpath);
	return tap_done();
}
