/*
 * NAME
 *	prescan - cheap iterative check of MIME structure before parsing
 * DESCRIPTION
 *	Runs before libetpan sees the message (libetpan recurses and is
 *	quadratic on deep nesting). It follows Content-Type boundaries with an
 *	explicit stack, counts parts and measures header blocks, in time
 *	linear in the message size times max_mime_depth.
 * LIMITS
 *	max_mime_depth, max_mime_parts, max_header_size.
 * DIAGNOSTICS
 *	Returns NULL when within limits, else the name of the first limit hit
 *	("max_mime_depth", ...); the caller quarantines with limit:<name>.
 */
#ifndef PSIRT_PRESCAN_H
#define PSIRT_PRESCAN_H

#include <stddef.h>
#include "psirt/config.h"

const char *prescan_check(const unsigned char *p, size_t len,
    const struct limits *lim);

#endif
