/*
 * NAME
 *	json - minimal JSON writer for --json output
 * DESCRIPTION
 *	Appends to a struct buf. Strings are escaped so that the output is
 *	valid JSON whatever the bytes: controls and C1 as \u00XX, invalid
 *	UTF-8 as U+FFFD, bidi/invisible characters as \uXXXX escapes.
 */
#ifndef PSIRT_JSON_H
#define PSIRT_JSON_H

#include <stddef.h>
#include "psirt/buf.h"

/* json_string - append p as a quoted JSON string (NULL gives null) */
void json_string(struct buf *out, const char *s);
/* json_key - append "key": (with a comma when not first) */
void json_key(struct buf *out, int *first, const char *key);

#endif
