/*
 * NAME
 *	rawmail - read one message and spool the raw copy durably
 * DESCRIPTION
 *	See include/psirt/rawmail.h. The temporary file is created with
 *	mkstemp in spool_dir, so the rename into place is atomic; if the final
 *	name exists already (the same bytes were spooled by an earlier
 *	delivery) the temporary copy is dropped.
 * LIMITS
 *	max bytes kept in memory (max_message_size); the disk copy is whole.
 * DIAGNOSTICS
 *	-1 with error_r: the gateway's trouble (exit 75), no temporary left.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "psirt/buf.h"
#include "psirt/rawmail.h"
#include "psirt/safeio.h"
#include "psirt/xalloc.h"

#define RAWMAIL_CHUNK 65536

/* rawmail_error - "what path: strerror" into error_r */
static int
rawmail_error(char **error_r, const char *what, const char *path, int err)
{
	struct buf b;

	buf_init(&b, 4096);
	(void)buf_printf(&b, "%s %s: %s", what, path, strerror(err));
	*error_r = buf_steal(&b);
	return -1;
}

/* path_join - dir/name as a new string */
static char *
path_join(const char *dir, const char *name)
{
	struct buf b;

	buf_init(&b, strlen(dir) + strlen(name) + 2);
	(void)buf_printf(&b, "%s/%s", dir, name);
	return buf_steal(&b);
}

/* rawmail_spool - read fd to EOF and spool it */
int
rawmail_spool(int fd, const char *spool_dir, size_t max, struct rawmail *rm,
    char **error_r)
{
	unsigned char *chunk = xmalloc(RAWMAIL_CHUNK);
	struct sha256 sha;
	char *tmp = path_join(spool_dir, ".tmp.XXXXXX");
	int out = -1, err, rc = -1;
	ssize_t n;
	size_t keep = 0;

	memset(rm, 0, sizeof(*rm));
	buf_init(&rm->data, max);
	sha256_init(&sha);
	if ((out = mkstemp(tmp)) < 0) {
		rawmail_error(error_r, "cannot create spool file in", spool_dir,
		    errno);
		free(tmp);
		tmp = NULL;
		goto out;
	}
	(void)fchmod(out, 0640);
	while ((n = safeio_read_some(fd, chunk, RAWMAIL_CHUNK)) > 0) {
		sha256_update(&sha, chunk, (size_t)n);
		rm->size += (size_t)n;
		if (rm->size > max)
			rm->over_limit = 1;
		if (safeio_write_all(out, chunk, (size_t)n) < 0) {
			rawmail_error(error_r, "cannot write", tmp, errno);
			goto out;
		}
	}
	if (n < 0) {
		rawmail_error(error_r, "cannot read", "standard input", errno);
		goto out;
	}
	if (fsync(out) < 0) {
		rawmail_error(error_r, "cannot fsync", tmp, errno);
		goto out;
	}
	err = close(out);
	out = -1;
	if (err < 0) {
		rawmail_error(error_r, "cannot close", tmp, errno);
		goto out;
	}
	sha256_final_hex(&sha, rm->sha256);
	rm->path = path_join(spool_dir, rm->sha256);
	if (rename(tmp, rm->path) < 0) {
		rawmail_error(error_r, "cannot rename into", rm->path, errno);
		goto out;
	}
	free(tmp);
	tmp = NULL;
	if (safeio_fsync_dir(spool_dir) < 0) {
		rawmail_error(error_r, "cannot fsync directory", spool_dir,
		    errno);
		goto out;
	}
	/*
	 * The copy to parse is read back from the page cache once its size
	 * is known: one allocation, not a doubling buffer (twice the mail).
	 */
	keep = rm->size <= max ? rm->size : max;
	if ((out = open(rm->path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    buf_presize(&rm->data, keep) != BUF_OK) {
		rawmail_error(error_r, "cannot read back", rm->path, errno);
		goto out;
	}
	while (rm->data.len < keep && (n = safeio_read_some(out, chunk,
	    RAWMAIL_CHUNK < keep - rm->data.len ? RAWMAIL_CHUNK :
	    keep - rm->data.len)) > 0)
		(void)buf_append(&rm->data, chunk, (size_t)n);
	if (rm->data.len != keep) {
		rawmail_error(error_r, "cannot read back", rm->path, errno);
		goto out;
	}
	rc = 0;
out:
	if (out >= 0)
		(void)close(out);
	if (tmp != NULL) {
		(void)unlink(tmp);
		free(tmp);
	}
	free(chunk);
	if (rc < 0)
		rawmail_free(rm);
	return rc;
}

/* rawmail_load - read a spooled copy back */
int
rawmail_load(const char *path, size_t max, struct rawmail *rm, char **error_r)
{
	unsigned char *chunk;
	struct sha256 sha;
	ssize_t n;
	size_t keep;
	int fd;

	memset(rm, 0, sizeof(*rm));
	buf_init(&rm->data, max);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return rawmail_error(error_r, "cannot open", path, errno);
	chunk = xmalloc(RAWMAIL_CHUNK);
	sha256_init(&sha);
	while ((n = safeio_read_some(fd, chunk, RAWMAIL_CHUNK)) > 0) {
		sha256_update(&sha, chunk, (size_t)n);
		rm->size += (size_t)n;
		keep = rm->data.len + (size_t)n <= max ? (size_t)n :
		    max - rm->data.len;
		if (rm->size > max)
			rm->over_limit = 1;
		(void)buf_append(&rm->data, chunk, keep);
	}
	free(chunk);
	if (n < 0) {
		n = errno;
		(void)close(fd);
		rawmail_free(rm);
		return rawmail_error(error_r, "cannot read", path, (int)n);
	}
	(void)close(fd);
	sha256_final_hex(&sha, rm->sha256);
	rm->path = xstrdup(path);
	return 0;
}

/* rawmail_free - release the memory copy */
void
rawmail_free(struct rawmail *rm)
{
	buf_free(&rm->data);
	free(rm->path);
	rm->path = NULL;
}
