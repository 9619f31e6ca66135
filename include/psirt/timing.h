/*
 * NAME
 *	timing - where one message's time goes (PSIRT_TIMING=1)
 * DESCRIPTION
 *	A phase clock for psirt-filter, off unless the environment says
 *	PSIRT_TIMING. Each timing_phase() call closes the running phase and
 *	opens the named one (CLOCK_MONOTONIC); timing_log() writes one line:
 *
 *	  psirt-filter[PID]: timing: start=S init=.. spool=.. agent=..
 *	    fork=.. worker=.. (parse=.. gpginit=.. gpg=.. result=..)
 *	    reap=.. decode=.. store=.. ack=.. cleanup=.. total=.. ms,
 *	    rss=.. worker_rss=.. gpg_rss=.. KiB
 *
 *	(on one line) to syslog and to the PSIRT_LOG_FILE test log. The
 *	phases, in psirt-filter's order:
 *
 *	start	exec to main(): known only when the caller passes the
 *		CLOCK_MONOTONIC time, in nanoseconds, at which it called
 *		execve() as the value (PSIRT_TIMING=123456789); with
 *		PSIRT_TIMING=1 it is "-" and total counts from main().
 *		(/proc/self/stat has the start only in 10 ms ticks.)
 *	init	main() to the spool: options, clean environment, config.
 *	spool	read stdin, SHA-256, write and fsync the raw copy.
 *	agent	agent_start().
 *	fork	fork() in the parent to the worker's first instruction.
 *	worker	the worker's first instruction to its last, split into
 *		parse (everything but gpg: pre-scan, MIME, classify,
 *		sanitize), gpginit (gpgme set-up and context, on first use),
 *		gpg (gpgme decrypt/verify calls, the gpg processes they run)
 *		and result (encoding the report and writing it to the pipe).
 *	reap	the worker's last instruction to its reaping by the parent.
 *	decode	report decoding and what precedes the store.
 *	store	opening the queue and the one committed transaction.
 *	ack	after the commit to the cleanup: the acknowledgement (and the
 *		decision log line).
 *	cleanup	closing the queue, freeing.
 *	total	start (when known) plus every phase, up to timing_log().
 *	rss	the parent's peak RSS (getrusage RUSAGE_SELF) at timing_log();
 *		worker_rss the worker's own peak, gpg_rss the largest of the
 *		processes the worker waited for (its RUSAGE_CHILDREN), both
 *		taken by the worker just before it exits.
 *
 *	The worker's phases are measured in the worker and carried back on a
 *	second pipe that exists only when timing is on: the worker cannot
 *	log them itself to the test log (RLIMIT_FSIZE 0), and the report
 *	format stays untouched. A worker that dies or fails sends nothing:
 *	its whole time is then "worker" and the split is "-".
 * DIAGNOSTICS
 *	None: timing never changes what psirt-filter does; a failure here
 *	(no pipe) only loses the worker's split.
 * SECURITY
 *	The record from the worker is a fixed-size block of numbers, read
 *	only when timing is on, rejected unless its size, tag and times are
 *	consistent, and only ever printed as numbers. PSIRT_TIMING is read
 *	before psirt-filter clears its environment; Postfix's pipe(8) never
 *	passes it.
 */
#ifndef PSIRT_TIMING_H
#define PSIRT_TIMING_H

enum timing_phase {
	TIMING_INIT,
	TIMING_SPOOL,
	TIMING_AGENT,
	TIMING_FORK,
	TIMING_WORKER,
	TIMING_REAP,
	TIMING_DECODE,
	TIMING_STORE,
	TIMING_ACK,
	TIMING_CLEANUP,
	/* inside the worker */
	TIMING_PARSE,
	TIMING_GPGINIT,
	TIMING_GPG,
	TIMING_RESULT,
	TIMING_NPHASES
};

/* timing_init - first thing in main(): getenv("PSIRT_TIMING") or NULL */
void timing_init(const char *env);
/* timing_phase - close the running phase, open phase p */
void timing_phase(enum timing_phase p);
/* timing_worker_fork - in the parent, just before fork() */
void timing_worker_fork(void);
/* timing_worker_start - first thing in the worker child */
void timing_worker_start(void);
/* timing_worker_send - last thing in the worker child before _exit(0) */
void timing_worker_send(void);
/* timing_worker_collect - in the parent, once the worker is reaped */
void timing_worker_collect(void);
/* timing_log - the one timing line of this process */
void timing_log(void);

#endif
