/*
 * NAME
 *	agent - start the gateway's gpg-agent from psirt-filter itself
 * DESCRIPTION
 *	See include/psirt/agent.h. The socket probe is a plain connect() to
 *	HOME/S.gpg-agent; when GnuPG keeps its sockets elsewhere (a
 *	/run/user/UID directory exists for the gateway user) the probe always
 *	fails and gpg-agent --daemon, finding its running twin, exits at once:
 *	correct, one process more per message. Two filters starting an agent
 *	at once race harmlessly the same way. agent_probe() knows only that
 *	socket too: finding none, it leaves the verdict to gpg.
 * LIMITS
 *	The wait for gpg-agent's parent is bounded by psirt-filter's deadline;
 *	agent_probe() by its timeout (a non-blocking connect, then poll).
 * DIAGNOSTICS
 *	-1 with error_r (caller frees) when no agent answers after the start.
 * SECURITY
 *	execve() with a fixed path, argument vector and environment; the
 *	child closes every descriptor but 0-2, which are /dev/null.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "psirt/agent.h"
#include "psirt/buf.h"
#include "psirt/xalloc.h"

#define AGENT_EXIT_EXEC 127
#define AGENT_GREETING_MAX 256		/* bytes of greeting line we read */

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

/* now_ms - monotonic milliseconds */
static long long
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * greeting - read the first line the agent sends on fd (non-blocking)
 * within timeout_ms: 0 for an Assuan "OK", else -1 with what went wrong
 */
static int
greeting(int fd, int timeout_ms, const char **why_r)
{
	char line[AGENT_GREETING_MAX];
	long long end = now_ms() + timeout_ms, left;
	struct pollfd pfd;
	size_t len = 0;
	ssize_t n;
	int rc;

	for (;;) {
		left = end - now_ms();
		if (left <= 0) {
			*why_r = "no greeting in time";
			return -1;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		rc = poll(&pfd, 1, (int)left);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			continue;
		n = read(fd, line + len, sizeof(line) - 1 - len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			*why_r = "closed the connection without a greeting";
			return -1;
		}
		len += (size_t)n;
		if (memchr(line, '\n', len) != NULL || len == sizeof(line) - 1)
			break;
	}
	if (len >= 2 && line[0] == 'O' && line[1] == 'K' &&
	    (len == 2 || line[2] == ' ' || line[2] == '\n'))
		return 0;
	*why_r = "refused us (no OK greeting)";
	return -1;
}

/* agent_probe - does the gpg-agent of gnupg_home answer? see agent.h */
int
agent_probe(const char *gnupg_home, int timeout_ms, char **error_r)
{
	struct sockaddr_un sun;
	const char *why = NULL;
	int fd, rc;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/S.gpg-agent",
	    gnupg_home) >= (int)sizeof(sun.sun_path))
		return 0;		/* not ours to find: gpg decides */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return agent_fail(error_r, "gpg-agent probe: socket: %s",
		    strerror(errno));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		rc = errno;
		(void)close(fd);
		/* A full listen queue: it has stopped accepting. */
		if (rc == EAGAIN)
			return agent_fail(error_r, "gpg-agent on %s does not "
			    "accept connections (its queue is full)",
			    sun.sun_path);
		return 0;		/* none there: gpg will say so */
	}
	rc = greeting(fd, timeout_ms, &why);
	(void)close(fd);
	if (rc < 0)
		return agent_fail(error_r, "gpg-agent on %s does not answer "
		    "(%s, %d ms)", sun.sun_path, why, timeout_ms);
	return 0;
}
