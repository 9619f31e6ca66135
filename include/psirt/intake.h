/*
 * NAME
 *	intake - the worker's pipeline for one message
 * DESCRIPTION
 *	intake_process() runs inside the worker child (it is a worker_fn):
 *	pre-scan, parse, classify, decrypt/verify, inner parse, sanitize,
 *	filling the report. Every problem of the input becomes a status, a flag
 *	or a quarantine reason in the report.
 *
 *	OpenPGP (DESIGN.md "Encryption status", "Signature status", "Partial
 *	encryption (EFAIL)"): a top-level PGP/MIME encrypted message, or one
 *	inline block that is the whole body, is decrypted as the message; its
 *	plaintext (a MIME entity for PGP/MIME) gives body and attachments, the
 *	outer headers stay, the inner Subject and From are kept as protected
 *	headers and compared with the outer ones, and the whole plaintext is
 *	kept as an attachment. A top-level multipart/signed is verified over
 *	its first part and that part gives body and attachments. Anything
 *	else (encrypted or signed data beside other parts) is handled part by
 *	part: each plaintext is its own attachment, never joined with the
 *	other parts, encryption "partial", a signature at best "partial", and
 *	a note per part ends the body. Plain mail never starts gpg.
 * LIMITS
 *	All of struct limits, through prescan and mime; max_decrypted_size is
 *	the total plaintext of one message, over all its encrypted parts;
 *	CLASSIFY_MAX_ITEMS OpenPGP parts per message (more: failed-limit).
 * DIAGNOSTICS
 *	-1 only for the gateway's own trouble (gpgme or gpg unusable,
 *	gpg-agent not answering, our secret key unusable), logged here; the
 *	worker then exits so that psirt-filter exits 75.
 * SECURITY
 *	Everything here reads attacker-written bytes; it runs only in the
 *	worker child, under its resource limits.
 */
#ifndef PSIRT_INTAKE_H
#define PSIRT_INTAKE_H

#include <stddef.h>
#include "psirt/config.h"
#include "psirt/report.h"

struct intake_job {
	const unsigned char *msg;
	size_t len;
	/*
	 * The buffer msg is in, or NULL. intake_process() releases it
	 * (buf_release(): the raw message, unwiped) once the message itself
	 * is no longer needed (a PGP/MIME message, once decrypted): in the
	 * worker, which has its own copy.
	 */
	struct buf *input;
	const struct limits *limits;
	const char *gnupg_home;		/* the gateway's GNUPGHOME */
	const char *log_id;		/* queue id for log lines */
};

/* intake_process - a worker_fn: arg is a struct intake_job */
int intake_process(void *arg, struct report *r);

#endif
