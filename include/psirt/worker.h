/*
 * NAME
 *	worker - run untrusted-structure work in a limited child process
 * DESCRIPTION
 *	worker_run() forks a child that lowers its limits (address space, CPU
 *	seconds, no file writes, few descriptors, no core), calls fn to fill a
 *	report, encodes it onto a pipe and _exits. The parent reads at most
 *	max_result bytes within timeout seconds, reaps the child and decodes
 *	the result without trusting it. If the child dies, exceeds a limit,
 *	times out or writes garbage, the parent returns a quarantined report
 *	(worker-crash, worker-timeout, limit:worker_memory_limit) instead.
 * LIMITS
 *	worker_memory_limit (RLIMIT_AS; not applied in a sanitizer build, whose
 *	shadow memory needs the address space), worker_timeout.
 * DIAGNOSTICS
 *	-1 with error_r only for the gateway's trouble (pipe, fork, or fn
 *	reporting it; then error_r repeats fn's last log_error() or
 *	log_warning(), printable ASCII only and cut short).
 * SECURITY
 *	The child shares nothing writable with the parent but the pipe.
 */
#ifndef PSIRT_WORKER_H
#define PSIRT_WORKER_H

#include <stddef.h>
#include "psirt/buf.h"
#include "psirt/report.h"

struct worker_opts {
	unsigned long memory_limit;	/* bytes */
	unsigned long timeout;		/* seconds, wall clock */
	size_t max_result;		/* bytes the parent accepts */
	const char *test_hook;	/* "worker-hang", "worker-crash", NULL */
	struct buf *input;	/* the raw mail, or NULL: released unwiped
				 * (buf_release()) in the parent once the
				 * worker has its copy */
};

/*
 * worker_fn - runs in the child: fill r and return 0; return -1 only for
 * the gateway's own trouble (gpg-agent down, secret key unusable): the
 * parent then returns -1 too and psirt-filter exits 75.
 */
typedef int (*worker_fn)(void *arg, struct report *r);

int worker_run(const struct worker_opts *opts, worker_fn fn, void *arg,
    struct report **r_r, char **error_r);

#endif
