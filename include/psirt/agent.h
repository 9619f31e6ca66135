/*
 * NAME
 *	agent - start the gateway's gpg-agent from psirt-filter itself
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

#endif
