/*
 * NAME
 *	correlate - does an inbound message belong to an existing case?
 * DESCRIPTION
 *	DESIGN.md data flow, in the parent after the worker. A case is named
 *	by its tag PREFIX-YYYY-NNNN in the outer Subject, by the Message-ID
 *	of one of our acknowledgements ("CASE.RANDOM@...") in In-Reply-To or
 *	References, or by its tag in the protected (encrypted) Subject.
 *
 *	The reporter of a case is its envelope sender address (without
 *	regard to case) or its key (the fingerprint of a good signature).
 *	- Named in the clear by its reporter: a follow-up of that case. The
 *	  acknowledgement is a follow-up's only when the envelope sender is
 *	  the reporter's address (where the ack goes); matched by key alone,
 *	  it is acknowledged as a report (same case).
 *	- Named in the clear by anyone else: stored in that case flagged
 *	  sender-mismatch, acknowledged as a report: the reply names only
 *	  the case the sender wrote, and says nothing of it.
 *	- Named only in the protected Subject: a follow-up only when the
 *	  envelope sender is the reporter's address. Otherwise a new case:
 *	  an acknowledgement naming that case would reveal decrypted text
 *	  to whoever replays someone else's ciphertext.
 *	Anything else, or a case that does not exist: a new case.
 * SECURITY
 *	Reads only the sanitized report; case ids are matched by shape, and
 *	every lookup is a bound query.
 */
#ifndef PSIRT_CORRELATE_H
#define PSIRT_CORRELATE_H

#include "psirt/report.h"
#include "psirt/store.h"

struct correlation {
	char join_case[STORE_CASE_ID_MAX];	/* "" for a new case */
	unsigned int flags;			/* FLAG_SENDER_MISMATCH */
	int followup_ack;			/* the follow-up template */
};

/* correlate - decide; -1 with error_r for the store's trouble only */
int correlate(struct store *st, const struct report *r, const char *prefix,
    const char *envelope_sender, struct correlation *c, char **error_r);

#endif
