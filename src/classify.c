/*
 * NAME
 *	classify - where a walked message carries OpenPGP data
 * DESCRIPTION
 *	See include/psirt/classify.h. One pass over the flat part list: a
 *	PGP/MIME container becomes one item and its subtree is skipped; every
 *	other leaf is scanned line by line for armored blocks, or checked for
 *	a binary encrypted message. The kind then follows from the items and
 *	the number of leaves.
 * LIMITS
 *	CLASSIFY_MAX_ITEMS items; the scan of a leaf is linear in its size.
 * SECURITY
 *	Everything read here is attacker-controlled: every index is checked
 *	against the part list and every offset against the content length.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "psirt/text.h"
#include "psirt/classify.h"
#include "psirt/xalloc.h"

#define BEGIN_MESSAGE "-----BEGIN PGP MESSAGE-----"
#define END_MESSAGE "-----END PGP MESSAGE-----"
#define BEGIN_SIGNED "-----BEGIN PGP SIGNED MESSAGE-----"
#define END_SIGNATURE "-----END PGP SIGNATURE-----"

/* OpenPGP packet tags that start an encrypted message (RFC 4880 4.3). */
#define TAG_PKESK 1
#define TAG_SKESK 3
#define TAG_SED 9
#define TAG_SEIPD 18

/* classify_blank - only white space in p[0..len) */
int
classify_blank(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return 0;
	return 1;
}

/* marker_line - the line [p, end) is marker m, then only white space */
static int
marker_line(const unsigned char *p, const unsigned char *end, const char *m)
{
	size_t n = strlen(m);

	if ((size_t)(end - p) < n || memcmp(p, m, n) != 0)
		return 0;
	return classify_blank(p + n, (size_t)(end - p) - n);
}

/* packet_tag - the tag of the packet starting with byte b, or -1 */
static int
packet_tag(unsigned char b)
{
	if ((b & 0x80) == 0)
		return -1;
	if (b & 0x40)
		return b & 0x3f;		/* new format */
	return (b >> 2) & 0x0f;			/* old format */
}

/* encrypted_tag - a first packet that makes an encrypted message */
static int
encrypted_tag(int tag)
{
	return tag == TAG_PKESK || tag == TAG_SKESK || tag == TAG_SED ||
	    tag == TAG_SEIPD;
}

/*
 * armor_encrypted - does the armored PGP MESSAGE block [p, end) start
 * with an encrypted packet? Armor header lines ("Key: value") and the
 * blank line after them are skipped; the first two base64 digits of the
 * data give its first byte. Undecodable armor counts as encrypted (the
 * decryption then reports it corrupt).
 */
static int
armor_encrypted(const unsigned char *p, const unsigned char *end)
{
	const unsigned char *eol;
	int first = 1, a, b;

	for (; p < end; p = eol) {
		eol = memchr(p, '\n', (size_t)(end - p));
		eol = eol != NULL ? eol + 1 : end;
		if (first) {			/* the BEGIN line */
			first = 0;
			continue;
		}
		if (classify_blank(p, (size_t)(eol - p)))
			continue;
		if (memchr(p, ':', (size_t)(eol - p)) != NULL)
			continue;		/* an armor header */
		if (eol - p < 2 || (a = text_b64_value(p[0])) < 0 ||
		    (b = text_b64_value(p[1])) < 0)
			return 1;
		return encrypted_tag(packet_tag((unsigned char)(a << 2 |
		    b >> 4)));
	}
	return 1;
}

/* add_item - append an item unless the cap is reached */
static struct classify_item *
add_item(struct classify *c, enum classify_what what, size_t part)
{
	struct classify_item *it;

	if (c->nitem >= CLASSIFY_MAX_ITEMS) {
		c->over = 1;
		return NULL;
	}
	c->item = xreallocarray(c->item, c->nitem + 1, sizeof(*c->item));
	it = &c->item[c->nitem++];
	memset(it, 0, sizeof(*it));
	it->what = what;
	it->part = part;
	it->data = -1;
	it->sig = -1;
	return it;
}

/* subtree_end - the index after the last descendant of part i */
static size_t
subtree_end(const struct mime_tree *t, size_t i)
{
	size_t j;

	for (j = i + 1; j < t->nparts && t->parts[j].depth > t->parts[i].depth;
	    j++)
		;
	return j;
}

/* children - the direct children of part i (at most max), their count */
static size_t
children(const struct mime_tree *t, size_t i, size_t *out, size_t max)
{
	size_t j, n = 0, end = subtree_end(t, i);

	for (j = i + 1; j < end; j++)
		if (t->parts[j].parent == (int)i) {
			if (n < max)
				out[n] = j;
			n++;
		}
	return n;
}

/* is_type - the part's type is type */
static int
is_type(const struct mime_part *mp, const char *type)
{
	return mp->type != NULL && strcmp(mp->type, type) == 0;
}

/* is_leaf - a part with content of its own (not a container) */
static int
is_leaf(const struct mime_part *mp)
{
	return !mp->is_multipart && !mp->is_message;
}

/* pgp_container - multipart/encrypted or signed with the OpenPGP protocol */
static int
pgp_container(const struct mime_part *mp, const char *type,
    const char *protocol)
{
	return mp->is_multipart && is_type(mp, type) && mp->protocol != NULL &&
	    strcasecmp(mp->protocol, protocol) == 0;
}

/* encrypted_container - an item for a multipart/encrypted at index i */
static void
encrypted_container(const struct mime_tree *t, size_t i, struct classify *c)
{
	const struct mime_part *mp;
	struct classify_item *it;
	size_t ch[8], n, k;

	if ((it = add_item(c, CLASSIFY_ENC_MIME, i)) == NULL)
		return;
	/*
	 * The ciphertext: the first application/octet-stream leaf child (RFC
	 * 3156), else the first leaf child that is not the control part.
	 */
	n = children(t, i, ch, PSIRT_NELEM(ch));
	if (n > PSIRT_NELEM(ch))
		n = PSIRT_NELEM(ch);
	for (k = 0; k < n && it->data < 0; k++) {
		mp = &t->parts[ch[k]];
		if (is_leaf(mp) && is_type(mp, "application/octet-stream"))
			it->data = (long)ch[k];
	}
	for (k = 0; k < n && it->data < 0; k++) {
		mp = &t->parts[ch[k]];
		if (is_leaf(mp) && !is_type(mp, "application/pgp-encrypted"))
			it->data = (long)ch[k];
	}
}

/* signed_container - an item for a multipart/signed at index i */
static void
signed_container(const struct mime_tree *t, size_t i, struct classify *c)
{
	struct classify_item *it;
	size_t ch[2];

	if ((it = add_item(c, CLASSIFY_SIGNED_MIME, i)) == NULL)
		return;
	/* RFC 3156: exactly the signed part and the signature, in order. */
	if (children(t, i, ch, 2) == 2 && is_leaf(&t->parts[ch[1]]) &&
	    is_type(&t->parts[ch[1]], "application/pgp-signature")) {
		it->data = (long)ch[0];
		it->sig = (long)ch[1];
	}
}

/* body_text - an inline text part, read as part of the body */
static int
body_text(const struct mime_part *mp)
{
	return !mp->is_attachment && mp->type != NULL &&
	    strncmp(mp->type, "text/", 5) == 0;
}

/*
 * openpgp_named - a part declared as OpenPGP data: type
 * application/pgp-encrypted or a .pgp/.gpg/.asc file name. Only such parts
 * are tried as binary messages: one random byte in sixteen starts like an
 * encrypted packet, and an ordinary binary attachment must stay one.
 */
static int
openpgp_named(const struct mime_part *mp)
{
	static const char *const ext[] = { ".pgp", ".gpg", ".asc" };
	size_t i, n;

	if (is_type(mp, "application/pgp-encrypted"))
		return 1;
	if (mp->filename == NULL || (n = strlen(mp->filename)) < 4)
		return 0;
	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (strcasecmp(mp->filename + n - 4, ext[i]) == 0)
			return 1;
	return 0;
}

/* scan_leaf - armored blocks of one leaf, or a binary encrypted message */
static void
scan_leaf(const struct mime_tree *t, size_t i, struct classify *c)
{
	const struct mime_part *mp = &t->parts[i];
	const unsigned char *p = mp->content, *end, *eol, *start = NULL;
	const char *want = NULL;
	struct classify_item *it = NULL;
	int cleartext = 0;

	if (p == NULL || mp->content_len == 0 ||
	    is_type(mp, "application/pgp-signature") ||
	    is_type(mp, "application/pgp-keys"))
		return;
	end = p + mp->content_len;
	if (!body_text(mp) && openpgp_named(mp) &&
	    encrypted_tag(packet_tag(p[0]))) {
		(void)add_item(c, CLASSIFY_BINARY, i);
		return;
	}
	for (; p < end; p = eol) {
		eol = memchr(p, '\n', (size_t)(end - p));
		eol = eol != NULL ? eol + 1 : end;
		if (start == NULL) {
			if (marker_line(p, eol, BEGIN_MESSAGE)) {
				want = END_MESSAGE;
				cleartext = 0;
				start = p;
			} else if (body_text(mp) &&
			    marker_line(p, eol, BEGIN_SIGNED)) {
				want = END_SIGNATURE;
				cleartext = 1;
				start = p;
			}
			continue;
		}
		if (!marker_line(p, eol, want))
			continue;
		/* A whole block [start, eol). */
		if (cleartext || !armor_encrypted(start, eol)) {
			if (body_text(mp) && (it = add_item(c,
			    CLASSIFY_ARMORED_SIGNED, i)) != NULL)
				it->cleartext = cleartext;
		} else
			it = add_item(c, CLASSIFY_ARMORED, i);
		if (it != NULL) {
			it->start = (size_t)(start - mp->content);
			it->end = (size_t)(eol - mp->content);
		}
		it = NULL;
		start = NULL;
	}
	if (start != NULL && !cleartext &&
	    (it = add_item(c, CLASSIFY_ARMORED, i)) != NULL) {
		/* No END line: gpg will call it corrupt. */
		it->start = (size_t)(start - mp->content);
		it->end = mp->content_len;
	}
}

/*
 * whole_kind - a top-level PGP/MIME message of exactly two parts: the
 * control part and the ciphertext, or the signed entity (any entity) and
 * the signature
 */
static int
whole_kind(const struct mime_tree *t, struct classify *c)
{
	const struct mime_part *root = &t->parts[0];
	struct classify_item *it;
	size_t ch[2];

	if (children(t, 0, ch, 2) != 2 || !is_leaf(&t->parts[ch[1]]))
		return 0;
	if (pgp_container(root, "multipart/encrypted",
	    "application/pgp-encrypted") && is_leaf(&t->parts[ch[0]]) &&
	    is_type(&t->parts[ch[0]], "application/pgp-encrypted")) {
		it = add_item(c, CLASSIFY_ENC_MIME, 0);
		it->data = (long)ch[1];
		c->kind = CLASSIFY_MIME_ENCRYPTED;
		return 1;
	}
	if (pgp_container(root, "multipart/signed",
	    "application/pgp-signature") &&
	    is_type(&t->parts[ch[1]], "application/pgp-signature")) {
		it = add_item(c, CLASSIFY_SIGNED_MIME, 0);
		it->data = (long)ch[0];
		it->sig = (long)ch[1];
		c->kind = CLASSIFY_MIME_SIGNED;
		return 1;
	}
	return 0;
}

/* classify_tree - what the message is and where its OpenPGP data sits */
void
classify_tree(const struct mime_tree *t, struct classify *c)
{
	const struct mime_part *mp;
	size_t i, leaf = 0;

	memset(c, 0, sizeof(*c));
	c->kind = CLASSIFY_PLAIN;
	for (i = 0; i < t->nparts; i++)
		if (is_leaf(&t->parts[i])) {
			c->nleaves++;
			leaf = i;
		}
	if (t->nparts == 0)
		return;
	if (whole_kind(t, c))
		return;
	for (i = 0; i < t->nparts; i++) {
		mp = &t->parts[i];
		if (pgp_container(mp, "multipart/encrypted",
		    "application/pgp-encrypted")) {
			encrypted_container(t, i, c);
			i = subtree_end(t, i) - 1;
		} else if (pgp_container(mp, "multipart/signed",
		    "application/pgp-signature")) {
			signed_container(t, i, c);
			i = subtree_end(t, i) - 1;
		} else if (is_leaf(mp))
			scan_leaf(t, i, c);
	}
	if (c->nitem == 0 && !c->over)
		return;
	c->kind = CLASSIFY_PARTS;
	if (c->nleaves != 1 || c->over || c->nitem == 0)
		return;
	mp = &t->parts[leaf];
	if (c->nitem == 1 && c->item[0].what == CLASSIFY_ARMORED &&
	    c->item[0].part == leaf &&
	    classify_blank(mp->content, c->item[0].start) &&
	    classify_blank(mp->content + c->item[0].end,
	    mp->content_len - c->item[0].end)) {
		c->kind = CLASSIFY_INLINE_ENCRYPTED;
		return;
	}
	for (i = 0; i < c->nitem; i++)
		if (c->item[i].what != CLASSIFY_ARMORED_SIGNED ||
		    c->item[i].part != leaf)
			return;
	c->kind = CLASSIFY_INLINE_SIGNED;
}

/* classify_free - release the items */
void
classify_free(struct classify *c)
{
	free(c->item);
	memset(c, 0, sizeof(*c));
}
