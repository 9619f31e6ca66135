/*
 * NAME
 *	ack - acknowledgements: templates, the signed (and encrypted) mail,
 *	sendmail
 * DESCRIPTION
 *	DESIGN.md "Acknowledgement". Templates are UTF-8 text files in
 *	template_dir: ack.txt (a report), followup.txt (a follow-up) and
 *	wrong-key.txt (appended when the report was encrypted to a key the
 *	gateway does not hold). Placeholders, each a fact known without
 *	decrypting: {case_id}, {received}, {size}, {raw_sha256},
 *	{arrived_encrypted} ("yes" or "no"), {gateway_fingerprint}; "{{" is
 *	a literal "{". Anything else in braces is an error.
 *
 *	The mail: From the gateway address, To the envelope sender only,
 *	Subject "[CASE] Report received" or "[CASE] Follow-up received",
 *	In-Reply-To and References the report's Message-ID, a Message-ID
 *	"<CASE.RANDOM@gateway-domain>" (so replies correlate even when their
 *	subject is encrypted), Auto-Submitted: auto-replied and the loop
 *	header MIME_LOOP_HEADER. PGP/MIME signed by the gateway key, and
 *	encrypted in the same pass to the recipient's pinned key when there
 *	is one that can be used.
 *
 *	Sent with sendmail_command -i -f GATEWAY -- RECIPIENT through
 *	execve: no shell, never -t, LF line ends.
 * LIMITS
 *	ACK_MAX_TEMPLATE bytes of template; ACK_SEND_TIMEOUT seconds for
 *	sendmail.
 * SECURITY
 *	Nothing decrypted reaches an acknowledgement: its text is rendered
 *	from the store's facts of the raw message only; every header value
 *	is checked to be printable ASCII (no CR or LF can pass).
 */
#ifndef PSIRT_ACK_H
#define PSIRT_ACK_H

#include <stddef.h>
#include "psirt/buf.h"
#include "psirt/config.h"
#include "psirt/report.h"
#include "psirt/store.h"

#define ACK_MAX_TEMPLATE (64 * 1024)
#define ACK_SEND_TIMEOUT 60
#define ACK_KIND_REPORT "ack"
#define ACK_KIND_FOLLOWUP "followup"

struct pgp;

struct ack_facts {
	const char *case_id;
	const char *received;		/* ISO 8601 UTC */
	unsigned long long size;
	const char *raw_sha256;
	int arrived_encrypted;
	const char *gateway_fingerprint;
};

/* ack_template_check - 0, or -1 with error_r naming the bad placeholder */
int ack_template_check(const char *text, size_t len, char **error_r);
/* ack_template_render - the text with placeholders replaced, into out */
int ack_template_render(const char *text, size_t len,
    const struct ack_facts *f, struct buf *out, char **error_r);
/* ack_template_load - read dir/name, checked (UTF-8, size, placeholders) */
int ack_template_load(const char *dir, const char *name, struct buf *out,
    char **error_r);
/* ack_check_templates - --check-config: every template of dir */
int ack_check_templates(const char *dir, char **error_r);

/*
 * ack_suppress_reason - why no acknowledgement may go to this envelope
 * sender for this message (a word), or NULL: the null sender,
 * MAILER-DAEMON or postmaster, the gateway itself, an address that
 * cannot be put on a command line safely, and the report's ack_block.
 */
const char *ack_suppress_reason(const char *envelope_sender,
    const char *gateway_address, const struct report *r);

/*
 * ack_build - the whole acknowledgement for a claimed job, signed by
 * signer_fpr and encrypted to job->pinned_fpr when it can be used;
 * *encrypted_to_r is that fingerprint, or NULL. -1 with error_r.
 */
int ack_build(struct pgp *p, const struct config *cfg,
    const char *signer_fpr, const struct store_ack_job *job,
    struct buf *mail, char **message_id_r, const char **encrypted_to_r,
    char **error_r);

/* ack_send - pipe mail to sendmail; -1 with error_r unless it exits 0 */
int ack_send(const char *sendmail_command, const char *gateway_address,
    const char *recipient, const struct buf *mail, char **error_r);

/*
 * ack_deliver - send acknowledgements and record each outcome: the one
 * of id (0: none), then up to more of those due (pending and not tried
 * for min_age seconds). Each gets a log line; a failure is recorded on
 * the case for a later retry. -1 with error_r only when the store cannot
 * be written.
 */
int ack_deliver(struct store *st, struct pgp *p, const struct config *cfg,
    long long id, size_t more, unsigned long min_age, char **error_r);

#endif
