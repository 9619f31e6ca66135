/*
 * NAME
 *	classify - where a walked message carries OpenPGP data
 * DESCRIPTION
 *	classify_tree() reads the part list of mime_walk() and says what the
 *	message is (DESIGN.md "Partial encryption (EFAIL)"): a whole PGP/MIME
 *	encrypted or signed message (RFC 3156 at the top level, exactly two
 *	parts), one inline armored block that is the whole body (white space
 *	around it allowed), a single text part holding cleartext-signed
 *	blocks, OpenPGP data in some parts beside others (each to be handled
 *	on its own), or plain mail. Each place where OpenPGP data sits is one
 *	item, in the order of the message.
 *
 *	Armored blocks are found on whole lines ("-----BEGIN PGP MESSAGE-----"
 *	then only white space, up to the matching END line). A PGP MESSAGE
 *	block or a binary attachment counts as encrypted when its first packet
 *	is a session key packet (or encrypted data); a PGP MESSAGE block that
 *	is only signed is a signed item. Signed blocks are looked for only in
 *	inline text parts (what is read as the body); encrypted data in any
 *	leaf. Parts inside a PGP/MIME container belong to that container.
 * LIMITS
 *	At most CLASSIFY_MAX_ITEMS items per tree; past them c->over is set
 *	and the rest are not listed (the caller records failed-limit).
 * SECURITY
 *	Reads attacker bytes: line scanning and one decoded packet byte, all
 *	bounds-checked; nothing here decrypts, verifies or allocates per byte.
 */
#ifndef PSIRT_CLASSIFY_H
#define PSIRT_CLASSIFY_H

#include <stddef.h>
#include "psirt/mime.h"

#define CLASSIFY_MAX_ITEMS 32

enum classify_kind {
	CLASSIFY_PLAIN,			/* no OpenPGP data anywhere */
	CLASSIFY_MIME_ENCRYPTED,	/* top-level multipart/encrypted */
	CLASSIFY_MIME_SIGNED,		/* top-level multipart/signed */
	CLASSIFY_INLINE_ENCRYPTED,	/* one armored block is the body */
	CLASSIFY_INLINE_SIGNED,		/* one text part with signed blocks */
	CLASSIFY_PARTS			/* OpenPGP data beside other parts */
};

enum classify_what {
	CLASSIFY_ENC_MIME,	/* multipart/encrypted; data: ciphertext */
	CLASSIFY_SIGNED_MIME,	/* multipart/signed; data, sig parts */
	CLASSIFY_ARMORED,	/* encrypted armored block [start, end) */
	CLASSIFY_ARMORED_SIGNED,	/* signed armored block [start, end) */
	CLASSIFY_BINARY		/* a leaf that is binary encrypted data */
};

struct classify_item {
	enum classify_what what;
	size_t part;		/* the container (*_MIME) or the leaf */
	long data;		/* *_MIME: ciphertext or signed part, or -1 */
	long sig;		/* SIGNED_MIME: the signature part, or -1 */
	size_t start;		/* ARMORED*: the block in the leaf content */
	size_t end;
	int cleartext;		/* ARMORED_SIGNED: BEGIN PGP SIGNED MESSAGE */
};

struct classify {
	enum classify_kind kind;
	struct classify_item *item;
	size_t nitem;
	size_t nleaves;		/* leaves with content in the tree */
	int over;		/* items past CLASSIFY_MAX_ITEMS were dropped */
};

/* classify_tree - fill c from tree; free it with classify_free() */
void classify_tree(const struct mime_tree *tree, struct classify *c);
/* classify_free - release the items */
void classify_free(struct classify *c);
/* classify_blank - only white space (SP, TAB, CR, LF) in p[0..len) */
int classify_blank(const unsigned char *p, size_t len);

#endif
