/*
 * NAME
 *	store - the queue: SQLite schema, migrations, transactions, queries
 * DESCRIPTION
 *	The only module that includes sqlite3. The database runs in WAL mode,
 *	synchronous=FULL, with a busy timeout. store_inbound_commit() stores
 *	one inbound message in one BEGIN IMMEDIATE transaction: redelivery
 *	check (the raw SHA-256, which fixes the Message-ID too), case number
 *	allocation (per year, unique and gap-free), the message, its
 *	attachments and an audit event. Read-only handles are for the staff
 *	CLI's read commands.
 * DIAGNOSTICS
 *	-1 with error_r for the gateway's trouble (busy past the timeout,
 *	disk full, unwritable): the filter exits 75 and nothing is committed.
 * SECURITY
 *	Every value is bound as a parameter; no SQL is built from input.
 */
#ifndef PSIRT_STORE_H
#define PSIRT_STORE_H

#include <stddef.h>
#include <time.h>
#include "psirt/report.h"

#define STORE_RW 0
#define STORE_RO 1
#define STORE_CASE_ID_MAX 64

struct store;

struct store_inbound {
	const struct report *report;
	const char *case_prefix;
	const char *envelope_sender;
	const char *raw_sha256;
	const char *raw_path;
	size_t size;
	time_t received;
};

struct store_attachment_row {
	char *name;
	char *type;
	char *sniffed_type;
	long long size;
	char *sha256;
};

struct store_message_row {
	char *direction;
	char *received;
	char *message_id;
	char *envelope_sender;
	char *from;
	char *date;
	char *subject;
	char *inner_subject;
	char *inner_from;
	char *encryption;
	char *signature;
	char *signer_fpr;
	char *processing;
	char *quarantine_reason;
	char *flags;
	char *raw_sha256;
	char *raw_path;
	long long size;
	char *body;
	struct store_attachment_row *att;
	size_t natt;
};

struct store_case_row {
	char *id;
	char *status;
	char *created;
	char *updated;
	char *reporter;
	char *subject;
	char *encryption;	/* of the first message */
	char *signature;	/* of the first message */
	long long messages;
	char *severity;
	char *cvss_vector;
	double cvss_score;
	int has_cvss_score;
	char *assignee;
	char *cve;
	char *reporter_fpr;
	char *acknowledged;
};

/* store_open - open (RW: create and migrate) the database at path */
int store_open(const char *path, int mode, unsigned long busy_timeout_s,
    struct store **st_r, char **error_r);
void store_close(struct store **st);
/* store_inbound_commit - see DESCRIPTION; *duplicate_r set on redelivery */
int store_inbound_commit(struct store *st, const struct store_inbound *in,
    char case_id_r[STORE_CASE_ID_MAX], int *duplicate_r, char **error_r);
/* store_case_list - cases, oldest first; status_filter NULL for all */
int store_case_list(struct store *st, const char *status_filter,
    struct store_case_row **rows_r, size_t *n_r, char **error_r);
/* store_case_get - one case and its messages; *row_r NULL if not found */
int store_case_get(struct store *st, const char *case_id,
    struct store_case_row **row_r, struct store_message_row **msgs_r,
    size_t *nmsgs_r, char **error_r);
void store_case_rows_free(struct store_case_row **rows, size_t n);
void store_message_rows_free(struct store_message_row **rows, size_t n);

#endif
