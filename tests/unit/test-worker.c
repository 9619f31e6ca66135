/*
 * NAME
 *	test-worker - a deferring worker's reason reaches the parent's error,
 *	printable and cut short
 */
#include <string.h>

#include "psirt/log.h"
#include "psirt/worker.h"
#include "../lib/tap.h"

#define PREFIX "the worker met the gateway's own trouble"

/* defer_silent - the gateway's trouble, nothing logged */
static int
defer_silent(void *arg, struct report *r)
{
	(void)arg;
	(void)r;
	return -1;
}

/* defer_logged - the gateway's trouble as intake logs it */
static int
defer_logged(void *arg, struct report *r)
{
	(void)r;
	log_error("%s: decryption: gpg-agent not answering; deferring",
	    (const char *)arg);
	return -1;
}

/* defer_hostile - a "reason" with escapes, controls and far too long */
static int
defer_hostile(void *arg, struct report *r)
{
	char big[1000];

	(void)arg;
	(void)r;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_warning("q: \033]0;owned\007\r\nline two \xc3\xa9 %s", big);
	return -1;
}

/* stored - no trouble: a report */
static int
stored(void *arg, struct report *r)
{
	(void)arg;
	(void)r;
	return 0;
}

/* run - worker_run fn; its return, the error (caller frees) in *err */
static int
run(int (*fn)(void *, struct report *), void *arg, char **err,
    struct report **r)
{
	struct worker_opts o;

	memset(&o, 0, sizeof(o));
	o.memory_limit = 512UL * 1024 * 1024;
	o.timeout = 20;
	o.max_result = 1024 * 1024;
	*err = NULL;
	*r = NULL;
	return worker_run(&o, fn, arg, r, err);
}

int
main(void)
{
	struct report *r;
	const char *want;
	char *err;
	size_t i;
	int ok;

	log_open("test-worker", LOG_TO_STDERR);
	/* The parent's own problem, logged before the fork, is not the
	 * worker's: to stderr, out of the TAP stream. */
	log_warning("a problem of the parent's own");

	TAP_OK(run(defer_silent, NULL, &err, &r) == -1 && r == NULL,
	    "a deferring worker: -1");
	TAP_STR_EQ(err, PREFIX, "nothing logged by the worker: the error says "
	    "only that (not the parent's earlier problem)");
	free(err);

	TAP_OK(run(defer_logged, "ab12cd34ef56", &err, &r) == -1,
	    "a deferring worker that logged why: -1");
	TAP_STR_EQ(err, PREFIX ": decryption: gpg-agent not answering",
	    "its words, without its queue ID and '; deferring'");
	free(err);

	TAP_OK(run(defer_hostile, NULL, &err, &r) == -1,
	    "a deferring worker with hostile words: -1");
	for (ok = 1, i = 0; err != NULL && err[i] != '\0'; i++)
		if (err[i] < 0x20 || err[i] >= 0x7f)
			ok = 0;
	TAP_OK(err != NULL && ok, "only printable ASCII reaches the parent's "
	    "error");
	want = PREFIX ": ?]0;owned???line two ?? xxx";
	TAP_OK(err != NULL && strncmp(err, want, strlen(want)) == 0,
	    "ESC, BEL, CR, LF and the bytes of UTF-8 each become '?'");
	TAP_OK(err != NULL && strlen(err) <= strlen(PREFIX) + 2 + 400,
	    "cut short: %zu bytes", err != NULL ? strlen(err) : 0);
	free(err);

	/* Control: the log problem of earlier runs does not leak into a
	 * worker that succeeds. */
	TAP_OK(run(stored, NULL, &err, &r) == 0 && r != NULL && err == NULL,
	    "a worker that stores: 0, a report, no error");
	report_free(&r);
	return tap_done();
}
