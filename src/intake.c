/*
 * NAME
 *	intake - the worker's pipeline for one message
 * DESCRIPTION
 *	See include/psirt/intake.h. Plain mail: the pre-scan guards libetpan,
 *	then mime_extract() fills headers, body and attachments.
 * LIMITS
 *	A limit hit quarantines the message with reason limit:<name>.
 * SECURITY
 *	Runs in the worker child only.
 */
#include <stdio.h>

#include "psirt/intake.h"
#include "psirt/mime.h"
#include "psirt/prescan.h"

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

/* intake_process - pre-scan, parse and sanitize one message */
int
intake_process(void *arg, struct report *r)
{
	const struct intake_job *job = arg;
	const char *limit;

	limit = prescan_check(job->msg, job->len, job->limits);
	if (limit == NULL)
		limit = mime_extract(job->msg, job->len, job->limits, r);
	if (limit != NULL)
		quarantine_limit(r, limit);
	return 0;
}
