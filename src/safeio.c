/*
 * NAME
 *	safeio - complete reads and writes, durable files
 * DESCRIPTION
 *	See include/psirt/safeio.h.
 * DIAGNOSTICS
 *	-1 with errno set.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "psirt/safeio.h"

/* safeio_write_all - write len bytes or fail */
int
safeio_write_all(int fd, const void *p, size_t len)
{
	const unsigned char *c = p;
	ssize_t n;

	while (len > 0) {
		n = write(fd, c, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += n;
		len -= (size_t)n;
	}
	return 0;
}

/* safeio_read_some - read once, retrying EINTR; 0 at EOF */
ssize_t
safeio_read_some(int fd, void *p, size_t len)
{
	ssize_t n;

	do
		n = read(fd, p, len);
	while (n < 0 && errno == EINTR);
	return n;
}

/* safeio_read_all - read exactly len bytes */
int
safeio_read_all(int fd, void *p, size_t len)
{
	unsigned char *c = p;
	ssize_t n;

	while (len > 0) {
		n = safeio_read_some(fd, c, len);
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		c += n;
		len -= (size_t)n;
	}
	return 0;
}

/* safeio_fsync_dir - fsync the directory at path */
int
safeio_fsync_dir(const char *path)
{
	int fd, rc, saved;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	saved = errno;
	(void)close(fd);
	errno = saved;
	return rc;
}

/* safeio_ensure_std_fds - make sure fds 0-2 are open (to /dev/null) */
int
safeio_ensure_std_fds(void)
{
	int fd;

	for (fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) != -1)
			continue;
		if (open("/dev/null", O_RDWR) != fd)
			return -1;
	}
	return 0;
}
