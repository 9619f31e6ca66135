/*
 * NAME
 *	mime - libetpan wrappers: walk a message, decode parts and headers
 * DESCRIPTION
 *	The only module that includes libetpan. mime_walk() parses a message
 *	and returns a flat, depth-first list of its parts, each with its
 *	lowercased type, parameters, disposition and the decoded content
 *	(transfer encoding undone). mime_extract() turns a message into the
 *	report: headers RFC 2047-decoded, text bodies converted to UTF-8 from
 *	their charset and sanitized, HTML-only bodies rendered to text with the
 *	HTML kept as an attachment, every other leaf an attachment.
 * LIMITS
 *	The caller runs prescan_check() first; mime_walk() also stops at
 *	max_mime_depth and max_mime_parts (limit reached: returns the name).
 * DIAGNOSTICS
 *	Hostile or broken input is never an error: what could not be parsed
 *	becomes flags (parse-error) and the raw part as an attachment.
 * SECURITY
 *	Runs only inside the worker child: libetpan 1.9.4 is not trusted.
 */
#ifndef PSIRT_MIME_H
#define PSIRT_MIME_H

#include <stddef.h>
#include "psirt/config.h"
#include "psirt/report.h"

struct mime_part {
	int depth;			/* 0 for the message itself */
	int parent;			/* index in the list, -1 for the root */
	int is_multipart;
	int is_message;			/* message/rfc822 */
	char *type;			/* lowercase "type/subtype" */
	char *charset;			/* lowercase, or NULL */
	char *protocol;			/* multipart/encrypted|signed param */
	char *micalg;
	char *filename;			/* raw (unsanitized) name, or NULL */
	int is_attachment;		/* Content-Disposition: attachment */
	const unsigned char *raw;	/* the whole part, headers included */
	size_t raw_len;
	unsigned char *content;		/* decoded body of a leaf */
	size_t content_len;
};

struct mime_tree {
	struct mime_part *parts;
	size_t nparts;
	int parse_error;
};

/* mime_walk - parse msg into a flat part list; the limit name or NULL */
const char *mime_walk(const unsigned char *msg, size_t len,
    const struct limits *lim, struct mime_tree *tree);
void mime_tree_free(struct mime_tree *tree);
/*
 * mime_decode_header - RFC 2047-decode a raw header value to UTF-8 (not yet
 * sanitized) into out
 */
int mime_decode_header(const char *value, size_t len, struct buf *out);
/* mime_to_utf8 - convert content from charset (NULL: us-ascii) to UTF-8 */
int mime_to_utf8(const unsigned char *p, size_t len, const char *charset,
    struct buf *out, unsigned int *flags);
/*
 * mime_extract - fill r from a whole message: headers, body, attachments.
 * Returns the name of a limit hit (r is then quarantined) or NULL.
 */
const char *mime_extract(const unsigned char *msg, size_t len,
    const struct limits *lim, struct report *r);

#endif
