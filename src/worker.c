/*
 * NAME
 *	worker - run untrusted-structure work in a limited child process
 * DESCRIPTION
 *	See include/psirt/worker.h. The child's exit status tells the parent
 *	how it ended: 0 after writing a whole result, WORKER_EXIT_NOMEM when
 *	an allocation failed under RLIMIT_AS; a signal (SIGSEGV, SIGABRT,
 *	SIGXCPU, SIGKILL) is a crash or, for SIGXCPU, the CPU limit;
 *	WORKER_EXIT_TEMPFAIL is the gateway's own trouble met by fn; before
 *	it the child writes on the pipe its last logged problem, which the
 *	parent's error repeats (printable, cut short): a worker's own log line
 *	may never be written (a log file under RLIMIT_FSIZE 0). The child
 *	leaves with _exit() — it is a separate process, not the filter.
 *
 *	gpg, which gpgme runs from the child for decryption and verification,
 *	inherits every limit, and they hold for it as they are: RLIMIT_AS,
 *	RLIMIT_CPU (per process), RLIMIT_NOFILE (gpgme passes gpg a handful
 *	of descriptors) and RLIMIT_CORE. RLIMIT_FSIZE 0 stays too, with
 *	SIGXFSZ ignored (an ignored signal survives execve): gpg's only file
 *	write when it decrypts or verifies is the lock file it makes beside
 *	the keyring; that write now fails with EFBIG instead of killing gpg,
 *	gpg says "can't allocate lock" and reads the keyring without a lock,
 *	which is safe because gpg replaces a keybox by rename when it writes
 *	one (the gateway's gpg.conf also turns off random_seed and trustdb
 *	writes: no-random-seed-file, trust-model always). The gpg-agent,
 *	though, is a daemon every later message shares and must not inherit
 *	these limits (SIGXCPU after worker_timeout CPU seconds in total, few
 *	descriptors): psirt-filter starts it before forking (agent.h). gpg
 *	cannot start one from here at all (its start lock is a file write
 *	that fails): should the agent be gone, decryption fails as the
 *	gateway's trouble, psirt-filter exits 75, and the retry's
 *	psirt-filter starts the agent. A write to a file by the worker (a log
 *	file in the tests) fails the same way instead of killing it.
 * LIMITS
 *	worker_memory_limit, worker_timeout (wall clock here, CPU seconds by
 *	RLIMIT_CPU), max_result bytes of result.
 * DIAGNOSTICS
 *	-1 with error_r only when pipe() or fork() fail.
 * SECURITY
 *	The result on the pipe: its length (RESULT_HEADER bytes, big-endian),
 *	then report_encode()'s records (report_write()). The parent
 *	allocates once for the length claimed (within max_result) and never
 *	trusts the result: report_decode_buf() checks it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "psirt/buf.h"
#include "psirt/log.h"
#include "psirt/safeio.h"
#include "psirt/timing.h"
#include "psirt/worker.h"
#include "psirt/xalloc.h"

#define WORKER_EXIT_NOMEM 3
#define WORKER_EXIT_TEMPFAIL 4
#define WORKER_REASON_MAX 400		/* bytes of a deferring worker's why */
#define WORKER_MAX_FDS 64
#define RESULT_HEADER 8			/* the result's length, big-endian */

/* child_nomem - out of memory inside the worker: a limit, not a retry */
static void
child_nomem(void)
{
	_exit(WORKER_EXIT_NOMEM);
}

/* child_limits - lower the child's resource limits */
static void
child_limits(const struct worker_opts *opts)
{
	struct rlimit rl;

	rl.rlim_cur = rl.rlim_max = 0;
	(void)setrlimit(RLIMIT_CORE, &rl);
	(void)setrlimit(RLIMIT_FSIZE, &rl);
	rl.rlim_cur = opts->timeout;
	rl.rlim_max = opts->timeout + 1;
	(void)setrlimit(RLIMIT_CPU, &rl);
	rl.rlim_cur = rl.rlim_max = WORKER_MAX_FDS;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
#ifndef PSIRT_SANITIZERS
	rl.rlim_cur = rl.rlim_max = opts->memory_limit;
	(void)setrlimit(RLIMIT_AS, &rl);
#endif
}

/* child_main - the worker process */
PSIRT_NORETURN static void
child_main(const struct worker_opts *opts, int wfd, worker_fn fn, void *arg)
{
	unsigned char hdr[RESULT_HEADER];
	struct report *r;
	const char *msg;
	size_t i, n;
	int devnull;

	timing_worker_start();
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	/*
	 * A crash here is an expected outcome the parent handles: no
	 * sanitizer runtime report, just the signal.
	 */
	(void)signal(SIGSEGV, SIG_DFL);
	(void)signal(SIGBUS, SIG_DFL);
	(void)signal(SIGFPE, SIG_DFL);
	(void)signal(SIGILL, SIG_DFL);
	/* RLIMIT_FSIZE 0: a write fails with EFBIG (also in gpg: above). */
	(void)signal(SIGXFSZ, SIG_IGN);
	devnull = open("/dev/null", O_RDWR);
	if (devnull >= 0) {
		(void)dup2(devnull, STDIN_FILENO);
		(void)dup2(devnull, STDOUT_FILENO);
		(void)dup2(devnull, STDERR_FILENO);
		if (devnull > STDERR_FILENO)
			(void)close(devnull);
	}
	xalloc_set_fail_handler(child_nomem);
	child_limits(opts);
	if (opts->test_hook != NULL &&
	    strcmp(opts->test_hook, "worker-hang") == 0)
		for (;;)
			(void)pause();
	if (opts->test_hook != NULL &&
	    strcmp(opts->test_hook, "worker-crash") == 0)
		abort();
	r = report_new();
	log_forget_problem();		/* the parent's are not ours */
	if (fn(arg, r) < 0) {
		/* Why, for the parent's log line (see DESCRIPTION). */
		msg = log_last_problem();
		(void)safeio_write_all(wfd, msg, strlen(msg));
		_exit(WORKER_EXIT_TEMPFAIL);
	}
	timing_phase(TIMING_RESULT);
	if ((n = report_size(r)) > opts->max_result) {
		report_free(&r);
		r = report_new();
		report_quarantine(r, "limit:result-size");
		n = report_size(r);
	}
	/* Its length first, so that the parent allocates once. */
	for (i = 0; i < RESULT_HEADER; i++)
		hdr[i] = (unsigned char)((uint64_t)n >>
		    (8 * (RESULT_HEADER - 1 - i)));
	/*
	 * Written from the report itself, not from a copy of it. r is not
	 * freed: it goes with the worker at _exit, the kernel taking its
	 * pages back; a wipe would only copy every page the decryption's
	 * fork left shared.
	 */
	if (safeio_write_all(wfd, hdr, sizeof(hdr)) < 0 ||
	    report_write(r, wfd) < 0)
		_exit(1);
	timing_worker_send();
	_exit(0);
}

/* now_ms - monotonic milliseconds */
static long long
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* read_result - read until EOF, the size cap or the deadline */
static const char *
read_result(int fd, const struct worker_opts *opts, struct buf *res)
{
	unsigned char chunk[65536];
	long long end = now_ms() + (long long)opts->timeout * 1000;
	struct pollfd pfd;
	uint64_t claim;
	ssize_t n;
	size_t i;
	int rc, sized = 0;

	for (;;) {
		long long left = end - now_ms();

		if (left <= 0)
			return "worker-timeout";
		pfd.fd = fd;
		pfd.events = POLLIN;
		rc = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			return "worker-crash";
		if (rc == 0)
			continue;
		n = safeio_read_some(fd, chunk, sizeof(chunk));
		if (n == 0)
			return NULL;
		if (n < 0)
			return "worker-crash";
		if (buf_append(res, chunk, (size_t)n) != BUF_OK)
			return "limit:result-size";
		if (!sized && res->len >= RESULT_HEADER) {
			/* The worker's word for its length: capped anyway. */
			for (i = 0, claim = 0; i < RESULT_HEADER; i++)
				claim = claim << 8 | res->data[i];
			sized = 1;
			if (claim <= res->max - RESULT_HEADER)
				(void)buf_presize(res, claim + RESULT_HEADER);
		}
	}
}

/* reap - wait for the child; a quarantine reason or NULL for a clean exit */
static const char *
reap(pid_t pid, const char *why)
{
	int status;

	if (why != NULL)
		(void)kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return why != NULL ? why : "worker-crash";
	if (why != NULL)
		return why;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return NULL;
	if (WIFEXITED(status) && WEXITSTATUS(status) == WORKER_EXIT_NOMEM)
		return "limit:worker_memory_limit";
	if (WIFEXITED(status) && WEXITSTATUS(status) == WORKER_EXIT_TEMPFAIL)
		return "tempfail";
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU)
		return "worker-timeout";
	return "worker-crash";
}

/*
 * tempfail_reason - the error for a worker that deferred: its own words
 * (its last log problem, "QUEUEID: what; deferring", of which "what" is
 * kept), printable ASCII only and cut short, as the worker is not trusted
 */
static char *
tempfail_reason(const struct buf *res)
{
	static const char tail[] = "; deferring";
	char said[WORKER_REASON_MAX + 1], *what = said, *colon;
	struct buf b;
	size_t i, n = res->len < WORKER_REASON_MAX ? res->len :
	    WORKER_REASON_MAX;

	for (i = 0; i < n; i++)
		said[i] = res->data[i] >= 0x20 && res->data[i] < 0x7f ?
		    (char)res->data[i] : '?';
	said[n] = '\0';
	colon = strstr(said, ": ");
	if (colon != NULL && memchr(said, ' ', (size_t)(colon - said)) == NULL)
		what = colon + 2;
	n = strlen(what);
	if (n >= sizeof(tail) - 1 &&
	    strcmp(what + n - (sizeof(tail) - 1), tail) == 0)
		what[n - (sizeof(tail) - 1)] = '\0';
	buf_init(&b, sizeof(said) + 64);
	(void)buf_puts(&b, "the worker met the gateway's own trouble");
	if (what[0] != '\0') {
		(void)buf_puts(&b, ": ");
		(void)buf_puts(&b, what);
	}
	return buf_steal(&b);
}

/* worker_run - fork, limit, run fn, collect and check the result */
int
worker_run(const struct worker_opts *opts, worker_fn fn, void *arg,
    struct report **r_r, char **error_r)
{
	struct buf res;
	const char *why;
	char *derr = NULL;
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0) {
		*error_r = xstrdup("cannot create worker pipe");
		return -1;
	}
	timing_worker_fork();
	pid = fork();
	if (pid < 0) {
		(void)close(p[0]);
		(void)close(p[1]);
		*error_r = xstrdup("cannot fork worker");
		return -1;
	}
	if (pid == 0) {
		(void)close(p[0]);
		child_main(opts, p[1], fn, arg);
	}
	(void)close(p[1]);
	/* The worker has its own copy now: the parent's goes before the
	 * result comes in (peak memory: one of them, not both). */
	if (opts->input != NULL)
		buf_release(opts->input);
	buf_init(&res, opts->max_result + RESULT_HEADER);
	why = read_result(p[0], opts, &res);
	(void)close(p[0]);
	why = reap(pid, why);
	timing_worker_collect();
	*r_r = NULL;
	if (why == NULL && report_decode_buf(&res, RESULT_HEADER, r_r,
	    &derr) < 0) {
		why = "worker-crash";
		free(derr);
	}
	if (why != NULL && strcmp(why, "tempfail") == 0) {
		*error_r = tempfail_reason(&res);
		buf_free(&res);
		return -1;
	}
	buf_free(&res);
	if (why != NULL) {
		*r_r = report_new();
		report_quarantine(*r_r, why);
	}
	return 0;
}
