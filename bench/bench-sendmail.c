/*
 * NAME
 *	bench-sendmail - the fake sendmail of make bench
 * SYNOPSIS
 *	bench-sendmail ARGS...
 * DESCRIPTION
 *	Stands in for sendmail_command while psirt-filter is measured: writes
 *	one line "argv: ARGS" and then standard input to DIR/sent/PID, where
 *	DIR is the directory holding this program (through /proc/self/exe,
 *	since psirt-filter runs it with a clean environment), and exits 0.
 *	No fsync: the bench measures psirt-gate, not a mail queue.
 * DIAGNOSTICS
 *	Exit 0 once the copy is written, 75 when it cannot be.
 * SECURITY
 *	A test tool: it is never installed.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define EX_TEMPFAIL 75

/* write_all - the whole buffer to fd; -1 on error */
static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	char exe[PATH_MAX], path[PATH_MAX + 64], buf[65536], *slash;
	ssize_t n;
	int fd, i, len;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return EX_TEMPFAIL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash == NULL)
		return EX_TEMPFAIL;
	*slash = '\0';
	len = snprintf(path, sizeof(path), "%s/sent/%ld", exe, (long)getpid());
	if (len < 0 || (size_t)len >= sizeof(path))
		return EX_TEMPFAIL;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return EX_TEMPFAIL;
	if (write_all(fd, "argv:", 5) < 0)
		return EX_TEMPFAIL;
	for (i = 1; i < argc; i++)
		if (write_all(fd, " ", 1) < 0 ||
		    write_all(fd, argv[i], strlen(argv[i])) < 0)
			return EX_TEMPFAIL;
	if (write_all(fd, "\n", 1) < 0)
		return EX_TEMPFAIL;
	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0)
		if (write_all(fd, buf, (size_t)n) < 0)
			return EX_TEMPFAIL;
	if (n < 0 || close(fd) < 0)
		return EX_TEMPFAIL;
	return 0;
}
