/*
 * NAME
 *	report - what the worker learned about one message, and the
 *	length-prefixed format that carries it to the parent
 * DESCRIPTION
 *	The worker fills a struct report (every string already sanitized) and
 *	report_encode()s it onto its pipe. The parent report_decode()s those
 *	bytes without trusting them: a compromised worker may write anything,
 *	so every record is bounds-checked, every string must be clean UTF-8,
 *	every status a known word, and attachment digests are recomputed.
 *
 *	Wire format: records of tag (1 byte), length (4 bytes, big-endian),
 *	value; ends with tag 'Z' and length 0. Anything else is malformed.
 * LIMITS
 *	report_decode() refuses more than REPORT_MAX_ATTACHMENTS attachments
 *	and any record longer than what is left of the input.
 * DIAGNOSTICS
 *	report_decode() returns -1 with error_r for malformed input; the parent
 *	then quarantines the message (worker-crash).
 */
#ifndef PSIRT_REPORT_H
#define PSIRT_REPORT_H

#include <stddef.h>
#include "psirt/buf.h"
#include "psirt/sha256.h"
#include "psirt/status.h"

#define REPORT_MAX_ATTACHMENTS 100000

struct attachment {
	char *name;		/* sanitized file name, never empty */
	char *declared_type;	/* sanitized "type/subtype" as declared */
	char *sniffed_type;	/* from the content's first bytes */
	unsigned char *data;
	size_t size;
	char sha256[SHA256_HEX_LEN + 1];
};

struct report {
	enum processing processing;
	char *quarantine_reason;	/* NULL when stored */
	enum enc_status encryption;
	enum sig_status signature;
	char *signer_fpr;		/* primary fingerprint of a known
					 * signing key (all but none,
					 * unknown-key, bad, partial); the
					 * reporter key only if good */
	unsigned int flags;		/* enum msg_flag bits */
	char *message_id;		/* sanitized, without the <> */
	char *from;			/* sanitized From as displayed */
	char *from_addr;		/* the single addr-spec, or NULL */
	char *date;
	char *subject;
	char *inner_from;		/* protected headers (OpenPGP) */
	char *inner_subject;
	char *references;		/* In-Reply-To, References ids */
	char *ack_block;		/* why no ack may be sent, or NULL */
	char *body;			/* sanitized UTF-8, NUL-terminated */
	size_t body_len;
	struct attachment *att;
	size_t natt;
	size_t att_alloc;
	/* report_decode_buf(): attachment contents point into this */
	unsigned char *backing;
	size_t backing_len;
	int backing_owned;
};

/* report_new - an empty report: stored, no encryption, no signature */
struct report *report_new(void);
/* report_free - release everything (plaintext wiped) and NULL the pointer */
void report_free(struct report **r);
/* report_set - replace a string field with a copy of s (NULL clears) */
void report_set(char **field, const char *s);
/* report_set_body - replace the body with a copy of len bytes */
void report_set_body(struct report *r, const char *p, size_t len);
/* report_quarantine - mark quarantined with a reason word */
void report_quarantine(struct report *r, const char *reason);
/*
 * report_add_attachment - append a copy of the content. The digest stays
 * empty: report_decode() computes it in the parent, which stores it (the
 * worker's would not be trusted, so the worker does not compute one).
 */
struct attachment *report_add_attachment(struct report *r, const char *name,
    const char *declared_type, const unsigned char *data, size_t size);
/* report_take_attachment - the same, taking data (malloc'd) as it is */
struct attachment *report_take_attachment(struct report *r, const char *name,
    const char *declared_type, unsigned char *data, size_t size);
/* report_clear_attachments - drop every attachment (contents wiped) */
void report_clear_attachments(struct report *r);
/*
 * report_release_attachments - the same unwiped, only when every
 * attachment is a part of the raw message itself (mime_tree_release())
 */
void report_release_attachments(struct report *r);
/* report_encode - serialize; BUF_LIMIT if out's cap is too small */
int report_encode(const struct report *r, struct buf *out);
/* report_size - the bytes report_encode() would append; SIZE_MAX if none */
size_t report_size(const struct report *r);
/*
 * report_write - report_encode()'s bytes written to fd as they are made,
 * each large content straight from the report (no copy of the whole):
 * 0, or -1 when a write fails
 */
int report_write(const struct report *r, int fd);
/* report_decode - parse untrusted bytes into a new report */
int report_decode(const unsigned char *p, size_t len, struct report **r_r,
    char **error_r);
/*
 * report_decode_buf - the same for b's bytes from off; on success the
 * report takes b's storage (b is left empty) and attachment contents stay
 * in it instead of being copied
 */
int report_decode_buf(struct buf *b, size_t off, struct report **r_r,
    char **error_r);

#endif
