/*
 * NAME
 *	rawmail - read one message and spool the raw copy durably
 * DESCRIPTION
 *	rawmail_spool() reads fd to EOF, computing the SHA-256 as it goes,
 *	writes every byte to a temporary file in spool_dir, fsyncs it, renames
 *	it to spool_dir/<sha256> and fsyncs the directory. At most max bytes
 *	are also kept in memory for the worker; a longer message is still
 *	spooled whole and marked over_limit (the caller quarantines it with
 *	limit:max_message_size). A message spooled before (a redelivery) is not
 *	written twice.
 * DIAGNOSTICS
 *	-1 with error_r for the gateway's trouble (unwritable spool, ENOSPC, a
 *	read error): psirt-filter exits 75 and no temporary file is left.
 */
#ifndef PSIRT_RAWMAIL_H
#define PSIRT_RAWMAIL_H

#include <stddef.h>
#include "psirt/buf.h"
#include "psirt/sha256.h"

struct rawmail {
	struct buf data;	/* at most max bytes of the message */
	size_t size;		/* the whole message's size */
	int over_limit;		/* size > max */
	char sha256[SHA256_HEX_LEN + 1];
	char *path;		/* spool_dir/<sha256> */
};

int rawmail_spool(int fd, const char *spool_dir, size_t max,
    struct rawmail *rm, char **error_r);
/* rawmail_load - read a spooled copy back (for --reprocess) */
int rawmail_load(const char *path, size_t max, struct rawmail *rm,
    char **error_r);
void rawmail_free(struct rawmail *rm);

#endif
