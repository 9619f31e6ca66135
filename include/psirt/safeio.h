/*
 * NAME
 *	safeio - complete reads and writes, durable files
 * DESCRIPTION
 *	Short reads/writes and EINTR are handled here. safeio_write_durable()
 *	writes a file under a temporary name, fsyncs it, renames it into place
 *	and fsyncs the directory: when it returns 0 the file survives a crash.
 * DIAGNOSTICS
 *	-1 with errno set; the caller decides (usually gateway trouble).
 */
#ifndef PSIRT_SAFEIO_H
#define PSIRT_SAFEIO_H

#include <stddef.h>
#include <sys/types.h>

/* safeio_write_all - write len bytes or fail */
int safeio_write_all(int fd, const void *p, size_t len);
/* safeio_read_some - read once, retrying EINTR; 0 at EOF */
ssize_t safeio_read_some(int fd, void *p, size_t len);
/* safeio_read_all - read exactly len bytes; -1 on short read or error */
int safeio_read_all(int fd, void *p, size_t len);
/* safeio_fsync_dir - fsync the directory at path */
int safeio_fsync_dir(const char *path);
/* safeio_ensure_std_fds - make sure fds 0-2 are open (to /dev/null) */
int safeio_ensure_std_fds(void);

#endif
