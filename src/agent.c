/*
 * NAME
 *	agent - start the gateway's gpg-agent from psirt-filter itself
 * DESCRIPTION
 *	See include/psirt/agent.h. The socket probe is a plain connect() to
 *	HOME/S.gpg-agent; when GnuPG keeps its sockets elsewhere (a
 *	/run/user/UID directory exists for the gateway user) the probe always
 *	fails and gpg-agent --daemon, finding its running twin, exits at once:
 *	correct, one process more per message. Two filters starting an agent
 *	at once race harmlessly the same way.
 * LIMITS
 *	The wait for gpg-agent's parent is bounded by psirt-filter's deadline.
 * DIAGNOSTICS
 *	-1 with error_r (caller frees) when no agent answers after the start.
 * SECURITY
 *	execve() with a fixed path, argument vector and environment; the
 *	child closes every descriptor but 0-2, which are /dev/null.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "psirt/agent.h"
#include "psirt/buf.h"
#include "psirt/xalloc.h"

#define AGENT_EXIT_EXEC 127

/* agent_fail - a formatted error into error_r */
static int agent_fail(char **error_r, const char *fmt, ...)
    PSIRT_PRINTF(2, 3);
static int
agent_fail(char **error_r, const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof(msg), fmt, ap) >= (int)sizeof(msg))
		msg[sizeof(msg) - 1] = '\0';
	va_end(ap);
	buf_init(&b, sizeof(msg));
	(void)buf_puts(&b, msg);
	*error_r = buf_steal(&b);
	return -1;
}

/* has_secret_keys - private-keys-v1.d holds at least one key file */
static int
has_secret_keys(const char *home)
{
	char path[4096];
	struct dirent *de;
	DIR *d;
	size_t n;
	int found = 0;

	if (snprintf(path, sizeof(path), "%s/private-keys-v1.d", home) >=
	    (int)sizeof(path))
		return 1;		/* let gpg-agent decide */
	if ((d = opendir(path)) == NULL)
		return 0;
	while (!found && (de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		found = n > 4 && strcmp(de->d_name + n - 4, ".key") == 0;
	}
	(void)closedir(d);
	return found;
}

/* answering - something accepts connections on HOME/S.gpg-agent */
static int
answering(const char *home)
{
	struct sockaddr_un sun;
	int fd, ok;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/S.gpg-agent",
	    home) >= (int)sizeof(sun.sun_path))
		return 0;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return 0;
	ok = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
	(void)close(fd);
	return ok;
}

/* agent_path - gpg-agent beside gpg: PSIRT_GPG_PATH's directory */
static int
agent_path(char *out, size_t n)
{
	const char *gpg = PSIRT_GPG_PATH, *slash = strrchr(gpg, '/');

	if (slash == NULL)
		return snprintf(out, n, "/usr/bin/gpg-agent") < (int)n ? 0 : -1;
	return snprintf(out, n, "%.*s/gpg-agent", (int)(slash - gpg), gpg) <
	    (int)n ? 0 : -1;
}

/* child - the process that becomes gpg-agent (never returns) */
PSIRT_NORETURN static void
child(const char *path, const char *home, char *const envp[])
{
	char *const argv[] = {
		(char *)"gpg-agent", (char *)"--homedir", (char *)home,
		(char *)"--daemon", NULL
	};
	int fd;

	if ((fd = open("/dev/null", O_RDWR)) < 0)
		_exit(AGENT_EXIT_EXEC);
	if (dup2(fd, STDIN_FILENO) < 0 || dup2(fd, STDOUT_FILENO) < 0 ||
	    dup2(fd, STDERR_FILENO) < 0)
		_exit(AGENT_EXIT_EXEC);
	closefrom(STDERR_FILENO + 1);
	(void)execve(path, argv, envp);
	_exit(AGENT_EXIT_EXEC);
}

/* agent_start - make sure a gpg-agent serves gnupg_home */
int
agent_start(const char *gnupg_home, char **error_r)
{
	char path[4096], *env_home;
	char *envp[3];
	struct buf b;
	pid_t pid;
	int status;

	if (!has_secret_keys(gnupg_home) || answering(gnupg_home))
		return 0;
	if (agent_path(path, sizeof(path)) < 0)
		return agent_fail(error_r, "gpg-agent: path too long");
	buf_init(&b, strlen(gnupg_home) + 16);
	(void)buf_printf(&b, "GNUPGHOME=%s", gnupg_home);
	env_home = buf_steal(&b);
	envp[0] = (char *)"PATH=/usr/bin:/bin";
	envp[1] = env_home;
	envp[2] = NULL;
	pid = fork();
	if (pid == 0)
		child(path, gnupg_home, envp);
	free(env_home);
	if (pid < 0)
		return agent_fail(error_r, "gpg-agent: fork: %s",
		    strerror(errno));
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return agent_fail(error_r, "gpg-agent: waitpid: %s",
			    strerror(errno));
	if (answering(gnupg_home))
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == AGENT_EXIT_EXEC)
		return agent_fail(error_r, "cannot run %s", path);
	return agent_fail(error_r, "%s --homedir %s --daemon: no agent "
	    "answers on its socket (exit status %d)", path, gnupg_home,
	    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}
