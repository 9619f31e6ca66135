/*
 * NAME
 *	agent - start the gateway's gpg-agent from psirt-filter itself, and
 *	tell whether it answers
 * DESCRIPTION
 *	gpg-agent is a long-lived daemon that every later psirt-filter
 *	shares. gpg inside the worker cannot start it (worker.c), and an agent
 *	started there would keep the worker's resource limits for life
 *	(RLIMIT_CPU seconds, RLIMIT_NOFILE, RLIMIT_FSIZE 0). So psirt-filter
 *	calls agent_start() before it forks the worker: when the GnuPG home
 *	holds secret keys (private-keys-v1.d
 *	not empty) and nothing answers on the home's S.gpg-agent socket, it
 *	runs "gpg-agent --homedir HOME --daemon" (the gpg-agent beside
 *	PSIRT_GPG_PATH) with the filter's own limits, standard descriptors on
 *	/dev/null and no other descriptor, and waits for it to detach (it
 *	calls setsid(), so Postfix's process group kill does not reach it).
 *	A home without secret keys needs no agent (plain mail, the tests of
 *	plain mail) and none is started.
 *
 *	agent_probe() tells a hung agent (one that holds the socket but never
 *	answers) from a missing one, without starting anything: the worker
 *	calls it before it decrypts.
 * LIMITS
 *	One fork and exec when no agent answers; one connect() otherwise.
 * DIAGNOSTICS
 *	-1 with error_r when the agent could not be started; psirt-filter logs
 *	it and goes on (plain mail needs no agent; a decryption then meets the
 *	trouble and the filter exits 75: gpg in the worker cannot start an
 *	agent, see worker.c).
 * SECURITY
 *	The agent gets a minimal environment (PATH, GNUPGHOME) and none of the
 *	filter's descriptors (the spool, the queue, Postfix's pipe).
 */
#ifndef PSIRT_AGENT_H
#define PSIRT_AGENT_H

/* agent_start - make sure a gpg-agent serves gnupg_home */
int agent_start(const char *gnupg_home, char **error_r);

/*
 * agent_probe - does the gpg-agent of gnupg_home answer? Connects to
 * HOME/S.gpg-agent and reads its Assuan greeting ("OK ...") within
 * timeout_ms. 0 when it greets, and also when nothing listens there (gpg
 * meets that itself and says so: pgp_ready()); -1 with error_r when
 * something holds the socket but does not greet in time, refuses us, or
 * its queue is full: a hung agent, which would hang gpg too. The worker
 * asks before its first decryption, so that a hung agent defers the
 * message (exit 75) instead of running into worker_timeout.
 */
int agent_probe(const char *gnupg_home, int timeout_ms, char **error_r);

#endif
