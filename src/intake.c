/*
 * NAME
 *	intake - the worker's pipeline for one message
 * DESCRIPTION
 *	See include/psirt/intake.h. The steps: prescan_check() and
 *	mime_walk() of the whole message, mime_extract_tree() from that walk
 *	(headers, flags, and the plain view of body and attachments: all
 *	that plain mail needs), classify_tree() of the same walk, then by the
 *	kind of message:
 *
 *	PGP/MIME encrypted: the ciphertext part is decrypted; when the
 *	plaintext is itself multipart/signed it is verified (detached) and
 *	its signed part is the view, else the plaintext is. The view's body
 *	and attachments replace the outer ones (take_view), its Subject and
 *	From become inner_subject and inner_from, compared with the outer
 *	ones; decrypted-message.eml keeps the whole plaintext.
 *
 *	PGP/MIME signed: the first part's raw bytes, bare LF made CRLF (RFC
 *	3156), are verified with the second part; the first part is the view.
 *
 *	Inline encrypted (one block, the whole body): the plaintext, charset-
 *	converted and sanitized, is the body; decrypted-message.txt keeps it.
 *
 *	Inline signed (one text part): each signed block is verified on its
 *	own; the body is rebuilt from the part: signed text as gpg returns it,
 *	and any other text marked "[unsigned text follows]" (signature then
 *	at best partial, FLAG_UNSIGNED_TEXT). One block and nothing else
 *	around it: the body is just its signed text.
 *
 *	Parts (OpenPGP data beside other parts, EFAIL): the plain view stays;
 *	each encrypted part or block is decrypted on its own into its own
 *	attachment (decrypted-part-N..., never joined with other text), each
 *	signed one verified on its own; encryption is partial (or the worst
 *	failure), a signature at best partial. Inside a whole PGP/MIME
 *	message's view the same is done for parts nested there, but then the
 *	message's own statuses stay (encryption only goes from none to
 *	partial).
 *
 *	Every OpenPGP decision on a part ends the body as a note line, below
 *	"----- OpenPGP (psirt-gate) -----": our words, hex key IDs and the
 *	attachment names as stored (sanitized), never decrypted text. The
 *	signer fingerprint of the whole message is kept whenever pgp gives
 *	one (the key is in the keyring: good, good-uid-mismatch, expired-key,
 *	revoked-key, weak-hash), never for a partial signature (report.h).
 *	Plain mail never initialises gpgme.
 * LIMITS
 *	A limit hit quarantines the message with reason limit:<name>.
 *	max_decrypted_size bounds the plaintext of all parts together: each
 *	decryption gets what is left (failed-limit past it); the body stays
 *	within max_message_size; CLASSIFY_MAX_ITEMS OpenPGP parts.
 * DIAGNOSTICS
 *	-1 (logged here) only when pgp reports the gateway's own trouble, or
 *	when, before the first decryption, the gpg-agent holds its socket but
 *	does not answer (agent_probe()); a failed decryption or a bad
 *	signature is a status.
 * SECURITY
 *	Runs in the worker child only. Plaintext is never concatenated with
 *	text from outside its encryption; pgp wipes it on every gpgme error
 *	and report_free() wipes our copies. Nothing decrypted is logged.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "psirt/agent.h"
#include "psirt/buf.h"
#include "psirt/classify.h"
#include "psirt/intake.h"
#include "psirt/log.h"
#include "psirt/mime.h"
#include "psirt/pgp.h"
#include "psirt/prescan.h"
#include "psirt/report.h"
#include "psirt/sanitize.h"
#include "psirt/status.h"
#include "psirt/timing.h"
#include "psirt/xalloc.h"

#define NOTES_MAX (64 * 1024)
#define NOTES_HEAD "----- OpenPGP (psirt-gate) -----\n"
#define PLACEHOLDER_SUBJECT "..."
#define UNSIGNED_MARK "[unsigned text follows]\n"
/* How long the gpg-agent may take to greet us (well under worker_timeout) */
#define AGENT_PROBE_MS 5000
/* Header flags of an inner entity that say nothing about the message. */
#define INNER_HEADER_FLAGS \
	(FLAG_NO_FROM | FLAG_MULTIPLE_FROM | FLAG_SENDER_HEADER)

/* One message's OpenPGP processing. */
struct intake {
	const struct intake_job *job;
	struct report *r;
	struct pgp *pgp;		/* opened on first use */
	size_t decrypted;		/* plaintext bytes so far */
	struct buf notes;		/* OpenPGP lines that end the body */
	int nested;			/* parts inside a whole message */
	int have_enc;			/* parts: encrypted data seen */
	enum enc_status enc;		/* parts: the combined word */
	enum sig_status sig;		/* parts: the combined word */
	int agent_ok;			/* the gpg-agent greeted us */
};

/* quarantine_limit - quarantine with reason limit:<name> */
static void
quarantine_limit(struct report *r, const char *name)
{
	char reason[64];

	if (snprintf(reason, sizeof(reason), "limit:%s", name) >=
	    (int)sizeof(reason))
		reason[sizeof(reason) - 1] = '\0';
	report_quarantine(r, reason);
}

/* log_id - the queue id of the job for log lines */
static const char *
log_id(const struct intake *st)
{
	return st->job->log_id != NULL ? st->job->log_id : "NOQUEUE";
}

/* note - one OpenPGP note line (our own words) */
static void note(struct intake *st, const char *fmt, ...) PSIRT_PRINTF(2, 3);
static void
note(struct intake *st, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		memcpy(line + sizeof(line) - 4, "...", 4);
	if (buf_puts(&st->notes, line) == BUF_OK)
		(void)buf_putc(&st->notes, '\n');
}

/* enc_rank - parts: the worst encryption word wins */
static int
enc_rank(enum enc_status e)
{
	switch (e) {
	case ENC_FAILED_CORRUPT:
		return 4;
	case ENC_FAILED_LIMIT:
		return 3;
	case ENC_FAILED_NO_KEY:
		return 2;
	case ENC_PARTIAL:
		return 1;
	default:
		return 0;
	}
}

/* part_enc - one encrypted part's outcome; success counts as partial */
static void
part_enc(struct intake *st, enum enc_status e)
{
	if (e == ENC_PGP_MIME || e == ENC_INLINE)
		e = ENC_PARTIAL;
	st->have_enc = 1;
	if (enc_rank(e) > enc_rank(st->enc))
		st->enc = e;
}

/* part_sig - a signature over one part only: at best partial */
static void
part_sig(struct intake *st, enum sig_status s)
{
	if (s == SIG_NONE)
		return;
	if (s == SIG_GOOD || s == SIG_GOOD_UID_MISMATCH)
		s = SIG_PARTIAL;
	if (sig_status_rank(s) > sig_status_rank(st->sig))
		st->sig = s;
}

/*
 * set_sig - the signature of the whole message and, when pgp knows the
 * key, its primary fingerprint (the case's reporter key is only ever
 * taken from a good one: store.c)
 */
static void
set_sig(struct report *r, const struct pgp_verify *v)
{
	r->signature = v->sig;
	report_set(&r->signer_fpr, v->fpr[0] != '\0' ? v->fpr : NULL);
}

/* crypto_ready - gpgme set up and a context open, on first use */
static int
crypto_ready(struct intake *st)
{
	char *err = NULL;

	if (st->pgp != NULL)
		return 0;
	timing_phase(TIMING_GPGINIT);
	PSIRT_ASSERT(st->job->gnupg_home != NULL);
	if (pgp_init(st->job->gnupg_home, &err) < 0 ||
	    pgp_open(&st->pgp, &err) < 0) {
		log_error("%s: gpgme: %s; deferring", log_id(st), err);
		free(err);
		return -1;
	}
	timing_phase(TIMING_PARSE);
	return 0;
}

/*
 * agent_ready - before the first decryption (only decryption needs the
 * secret key, hence the agent): an agent that holds its socket but does
 * not answer would hang gpg until worker_timeout; it is the gateway's
 * trouble, so the message is deferred instead
 */
static int
agent_ready(struct intake *st)
{
	char *err = NULL;

	if (st->agent_ok)
		return 0;
	if (agent_probe(st->job->gnupg_home, AGENT_PROBE_MS, &err) < 0) {
		log_error("%s: %s; deferring", log_id(st), err);
		free(err);
		return -1;
	}
	st->agent_ok = 1;
	return 0;
}

/*
 * decrypt - decrypt p with what is left of max_decrypted_size; d is to
 * be freed with pgp_decrypt_free() when this returns 0
 */
static int
decrypt(struct intake *st, const unsigned char *p, size_t len,
    enum enc_status ok, struct pgp_decrypt *d)
{
	size_t max = st->job->limits->max_decrypted_size;
	char *err = NULL;

	if (agent_ready(st) < 0 || crypto_ready(st) < 0)
		return -1;
	timing_phase(TIMING_GPG);
	if (pgp_decrypt_verify(st->pgp, p != NULL ? p :
	    (const unsigned char *)"", p != NULL ? len : 0, ok,
	    st->r->from_addr, st->decrypted < max ? max - st->decrypted : 0, d,
	    &err) < 0) {
		log_error("%s: decryption: %s; deferring", log_id(st), err);
		free(err);
		pgp_decrypt_free(d);
		return -1;
	}
	timing_phase(TIMING_PARSE);
	if (d->enc == ok)
		st->decrypted += d->plain.len;
	return 0;
}

/*
 * canonical - p with every bare LF made CRLF: the form a multipart/signed
 * part was signed in (RFC 3156 5), from the LF form Postfix delivers
 */
static void
canonical(const unsigned char *p, size_t len, struct buf *out)
{
	size_t i, s = 0;

	buf_init(out, len < ((size_t)-1) / 2 - 2 ? 2 * len + 2 : len);
	for (i = 0; i < len; i++)
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r')) {
			(void)buf_append(out, p + s, i - s);
			(void)buf_append(out, "\r\n", 2);
			s = i + 1;
		}
	(void)buf_append(out, p + s, len - s);
}

/*
 * verify_mime - verify a multipart/signed item of tree t: its signed
 * part, canonical, with its signature part. A broken structure (no
 * signature part where RFC 3156 puts it) is bad.
 */
static int
verify_mime(struct intake *st, const struct mime_tree *t,
    const struct classify_item *it, struct pgp_verify *v)
{
	const struct mime_part *data, *sig;
	struct buf b;
	char *err = NULL;
	int rc;

	memset(v, 0, sizeof(*v));
	v->sig = SIG_BAD;
	if (it->data < 0 || it->sig < 0 || (size_t)it->data >= t->nparts ||
	    (size_t)it->sig >= t->nparts)
		return 0;
	data = &t->parts[it->data];
	sig = &t->parts[it->sig];
	if (crypto_ready(st) < 0)
		return -1;
	canonical(data->raw != NULL ? data->raw : (const unsigned char *)"",
	    data->raw != NULL ? data->raw_len : 0, &b);
	timing_phase(TIMING_GPG);
	rc = pgp_verify_detached(st->pgp, b.data != NULL ? b.data :
	    (const unsigned char *)"", b.len, sig->content != NULL ?
	    sig->content : (const unsigned char *)"", sig->content != NULL ?
	    sig->content_len : 0, st->r->from_addr, v, &err);
	timing_phase(TIMING_PARSE);
	buf_free(&b);
	if (rc < 0) {
		log_error("%s: verification: %s; deferring", log_id(st), err);
		free(err);
		return -1;
	}
	return 0;
}

/* verify_clear - verify one inline signed block; free c after 0 */
static int
verify_clear(struct intake *st, const unsigned char *p, size_t len,
    struct pgp_cleartext *c)
{
	char *err = NULL;

	if (crypto_ready(st) < 0)
		return -1;
	timing_phase(TIMING_GPG);
	if (pgp_verify_cleartext(st->pgp, p, len, st->r->from_addr,
	    st->job->limits->max_message_size, c, &err) < 0) {
		log_error("%s: verification: %s; deferring", log_id(st), err);
		free(err);
		pgp_cleartext_free(c);
		return -1;
	}
	timing_phase(TIMING_PARSE);
	return 0;
}

/* add_text - charset-convert and sanitize text onto out; BUF_LIMIT */
static int
add_text(struct buf *out, const unsigned char *p, size_t len,
    const char *charset, unsigned int *flags)
{
	struct buf u;
	int rc;

	buf_init(&u, out->max);
	rc = mime_to_utf8(p != NULL ? p : (const unsigned char *)"",
	    p != NULL ? len : 0, charset, &u, flags);
	if (rc == BUF_OK)
		rc = sanitize_text(u.data != NULL ? u.data :
		    (const unsigned char *)"", u.len, out, flags);
	buf_free(&u);
	if (rc == BUF_OK && out->len > 0 && out->data[out->len - 1] != '\n')
		rc = buf_putc(out, '\n');
	return rc;
}

/* add_plain - keep plaintext as an inert attachment */
static void
add_plain(struct intake *st, const char *name, const char *type,
    const unsigned char *p, size_t len)
{
	struct attachment *a;

	if (p == NULL) {
		p = (const unsigned char *)"";
		len = 0;
	}
	a = report_add_attachment(st->r, name, type, p, len);
	a->sniffed_type = xstrdup(sanitize_sniff_type(p, len));
}

/* has_suffix - name ends in suffix, ASCII case ignored */
static int
has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), m = strlen(suffix);

	return n > m && strcasecmp(name + n - m, suffix) == 0;
}

/*
 * decrypted_name - the name of a part's plaintext: "decrypted-" and the
 * part's sanitized file name without .pgp/.gpg/.asc, or, without a file
 * name (or with suffix given), "decrypted-part-N[-K]SUFFIX". New string.
 */
static char *
decrypted_name(const struct mime_part *mp, size_t index, size_t k,
    const char *suffix)
{
	char name[SANITIZE_MAX_FILENAME + 64];
	char *clean;

	if (mp->filename != NULL && suffix == NULL) {
		clean = sanitize_filename(mp->filename, index + 1);
		if (has_suffix(clean, ".pgp") || has_suffix(clean, ".gpg") ||
		    has_suffix(clean, ".asc"))
			clean[strlen(clean) - 4] = '\0';
		(void)snprintf(name, sizeof(name), "decrypted-%s", clean);
		free(clean);
	} else if (k > 0)
		(void)snprintf(name, sizeof(name), "decrypted-part-%zu-%zu%s",
		    index + 1, k, suffix != NULL ? suffix : ".bin");
	else
		(void)snprintf(name, sizeof(name), "decrypted-part-%zu%s",
		    index + 1, suffix != NULL ? suffix : ".bin");
	return sanitize_filename(name, index + 1);
}

/* note_failure - a decryption that gave no plaintext */
static void
note_failure(struct intake *st, const char *what,
    const struct pgp_decrypt *d)
{
	char ids[PGP_MAX_RECIPIENTS * (PGP_KEYID_LEN + 2) + 1];
	size_t i, off = 0;

	ids[0] = '\0';
	for (i = 0; i < d->nrecipients && i < PGP_MAX_RECIPIENTS; i++) {
		(void)snprintf(ids + off, sizeof(ids) - off, "%s%s",
		    i > 0 ? ", " : "", d->recipients[i]);
		off += strlen(ids + off);
	}
	if (d->enc == ENC_FAILED_NO_KEY)
		note(st, "%s: encrypted, not decrypted: failed-no-key "
		    "(encrypted to key IDs: %s)", what,
		    ids[0] != '\0' ? ids : "none given, a passphrase?");
	else
		note(st, "%s: encrypted, not decrypted: %s", what,
		    enc_status_to_str(d->enc));
}

/*
 * addr_same - the same addr-spec: local part byte for byte, domain
 * ignoring ASCII case (as pgp compares a user ID with From)
 */
static int
addr_same(const char *a, const char *b)
{
	const char *x = strrchr(a, '@'), *y = strrchr(b, '@');

	if (x == NULL || y == NULL || x - a != y - b ||
	    memcmp(a, b, (size_t)(x - a)) != 0)
		return 0;
	return strcasecmp(x, y) == 0;
}

/*
 * take_view - a whole message's entity (plaintext or signed part), walked
 * into t, gives the body and attachments; its Subject and From are the
 * protected headers, compared with the outer ones
 */
static void
take_view(struct intake *st, const unsigned char *view, size_t len,
    const struct mime_tree *t, const char *walk_limit)
{
	struct report *in = report_new(), *r = st->r;
	struct attachment *att;
	const char *limit;
	char *body;
	size_t n;

	limit = mime_extract_tree(view, len, st->job->limits, t, walk_limit,
	    in);
	body = r->body, r->body = in->body, in->body = body;
	n = r->body_len, r->body_len = in->body_len, in->body_len = n;
	att = r->att, r->att = in->att, in->att = att;
	n = r->natt, r->natt = in->natt, in->natt = n;
	n = r->att_alloc, r->att_alloc = in->att_alloc, in->att_alloc = n;
	r->flags |= in->flags & ~INNER_HEADER_FLAGS;
	if (in->subject != NULL) {
		report_set(&r->inner_subject, in->subject);
		if (r->subject != NULL && r->subject[0] != '\0' &&
		    strcmp(r->subject, PLACEHOLDER_SUBJECT) != 0 &&
		    strcmp(r->subject, in->subject) != 0)
			r->flags |= FLAG_INNER_SUBJECT_MISMATCH;
	}
	if (in->from != NULL) {
		report_set(&r->inner_from, in->from);
		if (in->from_addr == NULL || r->from_addr == NULL ||
		    !addr_same(in->from_addr, r->from_addr))
			r->flags |= FLAG_INNER_FROM_MISMATCH;
	}
	if (limit != NULL)
		quarantine_limit(r, limit);
	report_free(&in);
}

/* part_plaintext - one part's decryption: its own attachment, or a note */
static void
part_plaintext(struct intake *st, const char *what, const char *kind,
    struct pgp_decrypt *d, const char *name, const char *type)
{
	if (d->enc == ENC_PGP_MIME || d->enc == ENC_INLINE) {
		add_plain(st, name, type, d->plain.data, d->plain.len);
		note(st, "%s: encrypted (%s), decrypted on its own into "
		    "attachment \"%s\"; signature inside: %s", what, kind, name,
		    sig_status_to_str(d->verify.sig));
		if (!st->nested)
			part_sig(st, d->verify.sig);
	} else
		note_failure(st, what, d);
	part_enc(st, d->enc);
}

/* do_item - one OpenPGP part on its own; k numbers blocks of one part */
static int
do_item(struct intake *st, const struct mime_tree *t,
    const struct classify_item *it, size_t k)
{
	const struct mime_part *mp = &t->parts[it->part], *data;
	struct pgp_decrypt d;
	struct pgp_cleartext c;
	struct pgp_verify v;
	char what[64], *name;
	int text = mp->type != NULL && strncmp(mp->type, "text/", 5) == 0;

	if (k > 0)
		(void)snprintf(what, sizeof(what), "part %zu, block %zu",
		    it->part + 1, k);
	else
		(void)snprintf(what, sizeof(what), "part %zu", it->part + 1);
	switch (it->what) {
	case CLASSIFY_ENC_MIME:
		data = it->data >= 0 && (size_t)it->data < t->nparts ?
		    &t->parts[it->data] : NULL;
		if (decrypt(st, data != NULL ? data->content : NULL,
		    data != NULL ? data->content_len : 0, ENC_PGP_MIME, &d) < 0)
			return -1;
		name = decrypted_name(mp, it->part, 0, ".eml");
		part_plaintext(st, what, "multipart/encrypted", &d, name,
		    "message/rfc822");
		break;
	case CLASSIFY_ARMORED:
		if (decrypt(st, mp->content + it->start, it->end - it->start,
		    ENC_INLINE, &d) < 0)
			return -1;
		name = decrypted_name(mp, it->part, k, text ? ".txt" : NULL);
		part_plaintext(st, what, "armored", &d, name, text ?
		    "text/plain" : "application/octet-stream");
		break;
	case CLASSIFY_BINARY:
		if (decrypt(st, mp->content, mp->content_len, ENC_INLINE,
		    &d) < 0)
			return -1;
		name = decrypted_name(mp, it->part, 0, NULL);
		part_plaintext(st, what, "binary", &d, name,
		    "application/octet-stream");
		break;
	case CLASSIFY_SIGNED_MIME:
		if (verify_mime(st, t, it, &v) < 0)
			return -1;
		note(st, "%s: signed (multipart/signed): signature %s; it "
		    "covers this part only", what, sig_status_to_str(v.sig));
		if (!st->nested)
			part_sig(st, v.sig);
		return 0;
	case CLASSIFY_ARMORED_SIGNED:
		if (verify_clear(st, mp->content + it->start,
		    it->end - it->start, &c) < 0)
			return -1;
		note(st, "%s: signed inline: signature %s; it covers this "
		    "block only", what, c.limit ? "not checked (signed text "
		    "over max_message_size)" : sig_status_to_str(c.verify.sig));
		if (!st->nested)
			part_sig(st, c.verify.sig);
		pgp_cleartext_free(&c);
		return 0;
	default:
		PSIRT_ASSERT(!"classify item out of range");
		return 0;
	}
	free(name);
	pgp_decrypt_free(&d);
	return 0;
}

/* do_parts - every item of c on its own (EFAIL) */
static int
do_parts(struct intake *st, const struct mime_tree *t,
    const struct classify *c)
{
	size_t i, j, same, k;

	for (i = 0; i < c->nitem; i++) {
		for (same = 0, k = 0, j = 0; j < c->nitem; j++)
			if (c->item[j].part == c->item[i].part) {
				same++;
				if (j <= i)
					k++;
			}
		if (do_item(st, t, &c->item[i], same > 1 ? k : 0) < 0)
			return -1;
	}
	if (c->over) {
		part_enc(st, ENC_FAILED_LIMIT);
		note(st, "more than %d OpenPGP parts: the others were neither "
		    "decrypted nor verified", CLASSIFY_MAX_ITEMS);
	}
	return 0;
}

/* parts - a message with OpenPGP data beside other parts */
static int
parts(struct intake *st, const struct mime_tree *t, const struct classify *c)
{
	if (do_parts(st, t, c) < 0)
		return -1;
	if (st->have_enc)
		st->r->encryption = st->enc;
	st->r->signature = st->sig;
	report_set(&st->r->signer_fpr, NULL);
	if (st->sig != SIG_NONE)
		st->r->flags |= FLAG_UNSIGNED_TEXT;
	return 0;
}

/*
 * open_view - the entity of a whole message, walked into t (freed here),
 * becomes the report's body; OpenPGP parts nested in it are handled each
 * on its own
 */
static int
open_view(struct intake *st, const unsigned char *view, size_t len,
    struct mime_tree *t, const char *walk_limit)
{
	struct classify c;
	int ret = 0;

	take_view(st, view, len, t, walk_limit);
	if (walk_limit != NULL) {
		mime_tree_free(t);
		return 0;		/* take_view() quarantined it */
	}
	classify_tree(t, &c);
	if (c.nitem > 0 || c.over) {
		st->nested = 1;
		st->have_enc = 0;
		st->enc = ENC_NONE;
		ret = do_parts(st, t, &c);
		if (st->have_enc && st->r->encryption == ENC_NONE)
			st->r->encryption = st->enc;
		st->nested = 0;
	}
	classify_free(&c);
	mime_tree_free(t);
	return ret;
}

/* walk_view - open_view() of an entity not walked yet */
static int
walk_view(struct intake *st, const unsigned char *view, size_t len)
{
	struct mime_tree t;
	const char *walk_limit;

	walk_limit = mime_walk(view, len, st->job->limits, &t);
	return open_view(st, view, len, &t, walk_limit);
}

/* whole_signed - a top-level multipart/signed */
static int
whole_signed(struct intake *st, const struct mime_tree *t,
    const struct classify_item *it)
{
	const struct mime_part *data = &t->parts[it->data];
	struct pgp_verify v;

	if (verify_mime(st, t, it, &v) < 0)
		return -1;
	set_sig(st->r, &v);
	return walk_view(st, data->raw, data->raw_len);
}

/*
 * open_plaintext - a PGP/MIME plaintext: verified first when it is
 * itself multipart/signed (then its signed part is the view, walked on
 * its own once this walk's decoded parts are gone), else the plaintext
 * is the view and this walk serves it too.
 */
static int
open_plaintext(struct intake *st, const unsigned char *p, size_t len)
{
	struct mime_tree t;
	struct classify c;
	struct pgp_verify v;
	const struct mime_part *data;
	const char *walk_limit;
	int ret = 0;

	memset(&c, 0, sizeof(c));
	if ((walk_limit = mime_walk(p, len, st->job->limits, &t)) == NULL)
		classify_tree(&t, &c);
	if (c.kind != CLASSIFY_MIME_SIGNED) {
		classify_free(&c);
		return open_view(st, p, len, &t, walk_limit);
	}
	if (verify_mime(st, &t, &c.item[0], &v) < 0)
		ret = -1;
	else {
		set_sig(st->r, &v);
		data = &t.parts[c.item[0].data];
		p = data->raw;
		len = data->raw_len;
	}
	classify_free(&c);
	mime_tree_free(&t);
	return ret < 0 ? -1 : walk_view(st, p, len);
}

/*
 * whole_encrypted - a top-level multipart/encrypted. The message itself
 * goes before the decryption (its outer view is in the report already,
 * the ciphertext a part of t), t once decrypted: peak memory holds the
 * plaintext and its parts, not the message and the ciphertext too.
 * Neither is plaintext, nor is the outer view: released unwiped (the
 * decryption's fork left their pages shared, a wipe would copy them).
 */
static int
whole_encrypted(struct intake *st, struct mime_tree *t,
    const struct classify_item *it)
{
	const struct mime_part *data = &t->parts[it->data];
	struct pgp_decrypt d;
	struct attachment *a;
	size_t n;
	int ret = 0;

	if (st->job->input != NULL)
		buf_release(st->job->input);
	if (decrypt(st, data->content, data->content_len, ENC_PGP_MIME,
	    &d) < 0)
		return -1;
	mime_tree_release(t);
	st->r->encryption = d.enc;
	if (d.enc != ENC_PGP_MIME)
		note_failure(st, "the message", &d);
	else {
		set_sig(st->r, &d.verify);
		/* The outer view (the ciphertext) gives way to the inner. */
		report_release_attachments(st->r);
		ret = open_plaintext(st, d.plain.data != NULL ? d.plain.data :
		    (const unsigned char *)"", d.plain.len);
		/* The plaintext itself becomes the attachment, not a copy. */
		n = d.plain.len;
		a = report_take_attachment(st->r, "decrypted-message.eml",
		    "message/rfc822", d.plain.data != NULL ?
		    (unsigned char *)buf_steal(&d.plain) : NULL, n);
		a->sniffed_type = xstrdup(sanitize_sniff_type(a->data,
		    a->size));
	}
	pgp_decrypt_free(&d);
	return ret;
}

/* inline_encrypted - one armored block that is the whole body */
static int
inline_encrypted(struct intake *st, const struct mime_tree *t,
    const struct classify_item *it)
{
	const struct mime_part *mp = &t->parts[it->part];
	struct report *r = st->r;
	struct pgp_decrypt d;
	struct buf b;

	if (decrypt(st, mp->content + it->start, it->end - it->start,
	    ENC_INLINE, &d) < 0)
		return -1;
	r->encryption = d.enc;
	if (d.enc != ENC_INLINE)
		note_failure(st, "the message", &d);
	else {
		set_sig(r, &d.verify);
		buf_init(&b, st->job->limits->max_message_size);
		if (add_text(&b, d.plain.data, d.plain.len, mp->charset,
		    &r->flags) != BUF_OK)
			quarantine_limit(r, "max_message_size");
		report_set_body(r, buf_cstr(&b), b.len);
		buf_free(&b);
		add_plain(st, "decrypted-message.txt", "text/plain",
		    d.plain.data, d.plain.len);
	}
	pgp_decrypt_free(&d);
	return 0;
}

/* signed_ok - a verified block whose signed text gpg returned */
static int
signed_ok(const struct pgp_cleartext *cl)
{
	return !cl->limit && cl->verify.sig != SIG_BAD &&
	    cl->verify.sig != SIG_NONE;
}

/* unsigned_text - text outside any verified block, marked as such */
static int
unsigned_text(struct buf *b, const struct mime_part *mp, size_t from,
    size_t to, unsigned int *flags)
{
	int rc;

	if (classify_blank(mp->content + from, to - from))
		return BUF_OK;
	rc = buf_puts(b, UNSIGNED_MARK);
	if (rc == BUF_OK)
		rc = add_text(b, mp->content + from, to - from, mp->charset,
		    flags);
	return rc;
}

/*
 * inline_signed - one text part with signed blocks. One block with only
 * white space around it: the body is its signed text and the signature
 * is the block's. Otherwise the body is rebuilt from the part, each
 * verified block's signed text between markers and all other text after
 * "[unsigned text follows]"; the signature is then at best partial.
 */
static int
inline_signed(struct intake *st, const struct mime_tree *t,
    const struct classify *c)
{
	const struct mime_part *mp = &t->parts[c->item[0].part];
	const struct classify_item *it;
	struct report *r = st->r;
	struct pgp_cleartext cl;
	struct buf b;
	size_t i, prev = 0;
	int rc = BUF_OK, single;

	single = c->nitem == 1 && classify_blank(mp->content,
	    c->item[0].start) && classify_blank(mp->content + c->item[0].end,
	    mp->content_len - c->item[0].end);
	buf_init(&b, st->job->limits->max_message_size);
	for (i = 0; i < c->nitem; i++) {
		it = &c->item[i];
		if (verify_clear(st, mp->content + it->start,
		    it->end - it->start, &cl) < 0) {
			buf_free(&b);
			return -1;
		}
		if (cl.limit)
			note(st, "part %zu: the signed text is over "
			    "max_message_size: not checked", it->part + 1);
		if (single) {
			set_sig(r, &cl.verify);
			if (signed_ok(&cl)) {
				rc = add_text(&b, cl.text.data, cl.text.len,
				    mp->charset, &r->flags);
				report_set_body(r, buf_cstr(&b), b.len);
			}
			pgp_cleartext_free(&cl);
			break;
		}
		if (rc == BUF_OK)
			rc = unsigned_text(&b, mp, prev, it->start, &r->flags);
		if (!signed_ok(&cl)) {
			if (rc == BUF_OK)
				rc = unsigned_text(&b, mp, it->start, it->end,
				    &r->flags);
		} else {
			if (rc == BUF_OK)
				rc = buf_printf(&b, "[signed text follows, "
				    "signature %s]\n",
				    sig_status_to_str(cl.verify.sig));
			if (rc == BUF_OK)
				rc = add_text(&b, cl.text.data, cl.text.len,
				    mp->charset, &r->flags);
			if (rc == BUF_OK)
				rc = buf_puts(&b, "[end of signed text]\n");
		}
		part_sig(st, cl.limit ? SIG_NONE : cl.verify.sig);
		prev = it->end;
		pgp_cleartext_free(&cl);
	}
	if (!single) {
		if (rc == BUF_OK)
			rc = unsigned_text(&b, mp, prev, mp->content_len,
			    &r->flags);
		report_set_body(r, buf_cstr(&b), b.len);
		r->signature = st->sig;
		report_set(&r->signer_fpr, NULL);
		r->flags |= FLAG_UNSIGNED_TEXT;
	}
	if (rc != BUF_OK)
		quarantine_limit(r, "max_message_size");
	buf_free(&b);
	return 0;
}

/* append_notes - the OpenPGP notes end the body */
static void
append_notes(struct intake *st)
{
	struct report *r = st->r;
	struct buf b;

	if (st->notes.len == 0)
		return;
	buf_init(&b, r->body_len + st->notes.len + sizeof(NOTES_HEAD) + 2);
	if (r->body != NULL && r->body_len > 0) {
		(void)buf_append(&b, r->body, r->body_len);
		if (r->body[r->body_len - 1] != '\n')
			(void)buf_putc(&b, '\n');
		(void)buf_putc(&b, '\n');
	}
	(void)buf_puts(&b, NOTES_HEAD);
	(void)buf_append(&b, st->notes.data, st->notes.len);
	report_set_body(r, buf_cstr(&b), b.len);
	buf_free(&b);
}

/* intake_process - pre-scan, parse, classify, crypto, inner parse */
int
intake_process(void *arg, struct report *r)
{
	const struct intake_job *job = arg;
	struct intake st;
	struct mime_tree tree;
	struct classify c;
	const char *limit;
	int ret = 0;

	/*
	 * mime_walk() runs the pre-scan itself; past a limit the extraction
	 * still fills the headers and the sanitized raw text before we
	 * quarantine. One walk serves the extraction and the classification.
	 */
	limit = mime_walk(job->msg, job->len, job->limits, &tree);
	limit = mime_extract_tree(job->msg, job->len, job->limits, &tree,
	    limit, r);
	mime_reply_headers(job->msg, job->len, r);
	if (limit != NULL) {
		quarantine_limit(r, limit);
		mime_tree_release(&tree);
		return 0;
	}
	memset(&st, 0, sizeof(st));
	st.job = job;
	st.r = r;
	buf_init(&st.notes, NOTES_MAX);
	memset(&c, 0, sizeof(c));
	classify_tree(&tree, &c);
	switch (c.kind) {
	case CLASSIFY_PLAIN:
		break;
	case CLASSIFY_MIME_ENCRYPTED:
		ret = whole_encrypted(&st, &tree, &c.item[0]);
		break;
	case CLASSIFY_MIME_SIGNED:
		ret = whole_signed(&st, &tree, &c.item[0]);
		break;
	case CLASSIFY_INLINE_ENCRYPTED:
		ret = inline_encrypted(&st, &tree, &c.item[0]);
		break;
	case CLASSIFY_INLINE_SIGNED:
		ret = inline_signed(&st, &tree, &c);
		break;
	case CLASSIFY_PARTS:
		ret = parts(&st, &tree, &c);
		break;
	}
	if (ret == 0)
		append_notes(&st);
	/* DESIGN.md: the decrypted-size cap quarantines, raw copy kept. */
	if (ret == 0 && r->encryption == ENC_FAILED_LIMIT &&
	    r->processing == PROC_STORED)
		quarantine_limit(r, "max_decrypted_size");
	classify_free(&c);
	mime_tree_release(&tree);	/* the message's own parts */
	pgp_close(&st.pgp);
	buf_free(&st.notes);
	return ret;
}
