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
#include <time.h>
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
	int content_etpan;		/* mime.c's own: libetpan holds it */
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
 * mime_tree_release - mime_tree_free() without wiping the decoded
 * contents: only for the walk of the raw message itself (its bytes lie
 * verbatim on disk, and an encrypted message's are ciphertext)
 */
void mime_tree_release(struct mime_tree *tree);
/*
 * mime_decode_header - RFC 2047-decode a raw header value to UTF-8 (not yet
 * sanitized) into out
 */
int mime_decode_header(const char *value, size_t len, struct buf *out);
/* mime_to_utf8 - convert content from charset (NULL: us-ascii) to UTF-8 */
int mime_to_utf8(const unsigned char *p, size_t len, const char *charset,
    struct buf *out, unsigned int *flags);
/* The header our acknowledgements carry: mail with it gets no ack. */
#define MIME_LOOP_HEADER "X-PSIRT-Loop"
/*
 * mime_reply_headers - what the parent needs to correlate and answer,
 * from the outer header block only: the ids of In-Reply-To and
 * References (r->references), why no acknowledgement may be sent
 * (r->ack_block: "auto-submitted" unless Auto-Submitted is "no",
 * "precedence" for bulk, junk or list, "mailing-list" for List-Id or
 * List-Unsubscribe, "loop" for MIME_LOOP_HEADER), and the key of an
 * Autocrypt header whose addr is the From address, added as the
 * attachment "autocrypt-key.pgp" of type application/pgp-keys.
 */
void mime_reply_headers(const unsigned char *msg, size_t len,
    struct report *r);
/*
 * mime_extract - fill r from a whole message: headers, body, attachments.
 * Returns the name of a limit hit (r is then quarantined) or NULL.
 */
const char *mime_extract(const unsigned char *msg, size_t len,
    const struct limits *lim, struct report *r);
/*
 * mime_extract_tree - mime_extract() from tree, the walk of msg that
 * mime_walk() made and returned walk_limit for: the caller keeps the
 * tree (one walk of the message instead of two when it needs both)
 */
const char *mime_extract_tree(const unsigned char *msg, size_t len,
    const struct limits *lim, const struct mime_tree *tree,
    const char *walk_limit, struct report *r);

/* The header block of an outgoing acknowledgement (ASCII values). */
struct mime_out_headers {
	const char *from;		/* addr-spec */
	const char *to;			/* addr-spec */
	const char *subject;
	const char *message_id;		/* without <> */
	const char *in_reply_to;	/* without <>, or NULL */
	time_t date;
	const char *const *extra;	/* name, value, ..., NULL */
};

struct mime_ack;
/*
 * mime_ack_new - the acknowledgement's text as a text/plain UTF-8
 * quoted-printable entity; its bytes (CRLF) are appended to entity: what
 * is signed, or encrypted. text must outlive the builder.
 */
int mime_ack_new(const char *text, size_t len, struct mime_ack **a_r,
    struct buf *entity);
/*
 * mime_ack_finish - the whole mail (CRLF) appended to out: with encrypted,
 * RFC 3156 multipart/encrypted around pgp (the armored ciphertext of the
 * entity); else multipart/signed of the entity and pgp (the armored
 * detached signature, micalg its hash).
 */
int mime_ack_finish(struct mime_ack *a, const struct mime_out_headers *h,
    int encrypted, const char *micalg, const char *pgp, size_t pgp_len,
    struct buf *out);
void mime_ack_free(struct mime_ack **a);

#endif
