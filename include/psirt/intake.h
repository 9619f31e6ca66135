/*
 * NAME
 *	intake - the worker's pipeline for one message
 * DESCRIPTION
 *	intake_process() runs inside the worker child (it is a worker_fn):
 *	pre-scan, parse, classify, decrypt/verify, inner parse, sanitize,
 *	filling the report. Every problem of the input becomes a status, a flag
 *	or a quarantine reason in the report.
 * LIMITS
 *	All of struct limits, through prescan and mime.
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
	const struct limits *limits;
};

/* intake_process - a worker_fn: arg is a struct intake_job */
int intake_process(void *arg, struct report *r);

#endif
