/*
 * NAME
 *	store - the queue: SQLite schema, migrations, transactions, queries
 * DESCRIPTION
 *	The only module that includes sqlite3. The database runs in WAL mode,
 *	synchronous=FULL, with a busy timeout. store_inbound_commit() stores
 *	one inbound message in one BEGIN IMMEDIATE transaction: redelivery
 *	check (the raw SHA-256, which fixes the Message-ID too), case number
 *	allocation (per year, unique and gap-free), the message, its
 *	attachments and audit events. Read-only handles are for the staff
 *	CLI's read commands.
 *
 *	Triage (store_case_set_*, store_case_add_note) changes a case and
 *	appends its audit event in one BEGIN IMMEDIATE transaction; the
 *	status workflow is enforced here, inside the transaction, so no
 *	caller can skip it:
 *
 *	    new -> triage -> accepted | rejected | duplicate
 *	    accepted -> fixing -> disclosed -> closed
 *	    rejected -> closed, duplicate -> closed
 *
 *	Audit: every event (time, actor, action, old, new) is hash-chained:
 *	it stores prev_hash, the hash of the event before it, and hash, the
 *	SHA-256 of its own fields and prev_hash (see store.c for the exact
 *	encoding); meta holds the hash of the last event (event_head).
 *	store_verify_log() walks the chain and reports the first broken link;
 *	store_verify_cases() checks that each case's fields are what its
 *	events say they are.
 * DIAGNOSTICS
 *	-1 with error_r for the gateway's trouble (busy past the timeout,
 *	disk full, unwritable): the filter exits 75 and nothing is committed.
 *	Triage functions return STORE_OK, STORE_NOT_FOUND, STORE_REFUSED
 *	(error_r says why: a transition the workflow forbids, a missing
 *	duplicate target) or STORE_UNCHANGED (nothing written).
 * SECURITY
 *	Every value is bound as a parameter; no SQL is built from input. The
 *	hash chain makes a silent edit of the events table detectable by
 *	anyone who does not also recompute the chain and the head; whoever
 *	can write the file can do that, so record the head elsewhere (psirt
 *	verify-log prints it) to detect a rewrite.
 */
#ifndef PSIRT_STORE_H
#define PSIRT_STORE_H

#include <stddef.h>
#include <time.h>
#include "psirt/report.h"

#define STORE_RW 0
#define STORE_RO 1
#define STORE_CASE_ID_MAX 64
#define STORE_SCHEMA_VERSION 3
#define STORE_ACK_MAX_ATTEMPTS 20
#define STORE_HASH_HEX 64
#define STORE_ACTOR_FILTER "psirt-filter"

/* Results of the triage functions (-1 is the gateway's trouble). */
#define STORE_OK 0
#define STORE_NOT_FOUND 1
#define STORE_REFUSED 2
#define STORE_UNCHANGED 3

/* Case fields set by store_case_set_field(); the event action word. */
enum store_field {
	STORE_FIELD_ASSIGNEE,	/* "assignee" */
	STORE_FIELD_CVE,	/* "cve" */
	STORE_FIELD_EMBARGO,	/* "embargo" */
	STORE_FIELD__COUNT
};

struct store;

/* The acknowledgement decided with the message (struct store_inbound). */
struct store_ack_request {
	const char *kind;		/* "ack" or "followup" */
	const char *recipient;		/* the envelope sender */
	const char *suppress;		/* a reason word: recorded, not sent */
	unsigned long per_sender;	/* at most per recipient per window */
	unsigned long window;		/* seconds */
	unsigned long global_per_hour;
};

struct store_inbound {
	const struct report *report;
	const char *case_prefix;
	const char *envelope_sender;
	const char *raw_sha256;
	const char *raw_path;
	size_t size;
	time_t received;
	const char *join_case;		/* a follow-up's case, else NULL */
	unsigned int flags;		/* added to the report's flags */
	const char *key_address;	/* the address keys are pinned to */
	const char *const *key_fprs;	/* keys offered, the best first */
	size_t nkey_fprs;
	const struct store_ack_request *ack;	/* NULL: none recorded */
	long long *ack_id_r;		/* the pending ack's id, or 0 */
};

/* A claimed acknowledgement: what it is rendered from. */
struct store_ack_job {
	long long id;
	char *case_id;
	char *kind;
	char *recipient;
	char *received;			/* of the message acknowledged */
	char *message_id;		/* its Message-ID, or NULL */
	char *raw_sha256;
	char *encryption;
	long long size;
	char *pinned_fpr;		/* the recipient's pinned key */
	long long attempts;		/* including this one */
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
	char *acknowledged;	/* first_ack */
	/* schema 2 */
	char *embargo;
	char *credit;
	int credit_anonymous;
	char *duplicate_of;
	char *triaged;		/* time of the first status change from new */
};

/* Filters of store_case_query(); NULL fields match everything. */
struct store_case_filter {
	const char *status;
	const char *assignee;
	const char *severity;	/* a rating word, or "unscored" */
	const char *since;	/* ISO 8601 UTC: created at or after */
};

struct store_event_row {
	long long id;
	char *case_id;
	char *time;
	char *actor;
	char *action;
	char *old;
	char *new;
	char *prev_hash;
	char *hash;
};

/* store_verify_log() and store_verify_cases() results */
struct store_verify {
	long long events;		/* events (verify_cases: cases) */
	int ok;				/* 1: no problem found */
	long long bad_event;		/* first broken event id, 0 if none */
	char bad_case[STORE_CASE_ID_MAX];
	char reason[256];		/* what is wrong, for a human */
	char head[STORE_HASH_HEX + 1];	/* hash of the last event */
};

/* An attachment's content, for psirt attachment (bytes, may hold NUL). */
struct store_blob {
	char *name;
	char *type;
	unsigned char *data;
	size_t size;
	char *sha256;
};

/* store_open - open (RW: create and migrate) the database at path */
int store_open(const char *path, int mode, unsigned long busy_timeout_s,
    struct store **st_r, char **error_r);
void store_close(struct store **st);
/* store_inbound_commit - see DESCRIPTION; *duplicate_r set on redelivery */
int store_inbound_commit(struct store *st, const struct store_inbound *in,
    char case_id_r[STORE_CASE_ID_MAX], int *duplicate_r, char **error_r);
/* An inbound message's raw copy (psirt-filter --reprocess). */
struct store_raw_ref {
	long long id;			/* the message */
	char *raw_sha256;
	char *raw_path;
	char *envelope_sender;
};
/* store_case_inbound - the inbound messages of a case, oldest first */
int store_case_inbound(struct store *st, const char *case_id,
    struct store_raw_ref **refs_r, size_t *n_r, char **error_r);
void store_raw_refs_free(struct store_raw_ref **refs, size_t *n);
/*
 * store_reprocessed - a new result for message msg of a case, from its
 * raw copy: a message row of direction "reprocessed" beside the old one
 * (kept), and the event "reprocessed" (old "message N", new the statuses)
 */
int store_reprocessed(struct store *st, const char *case_id, long long msg,
    const struct store_inbound *in, char **error_r);

/* store_case_list - cases, oldest first; status_filter NULL for all */
int store_case_list(struct store *st, const char *status_filter,
    struct store_case_row **rows_r, size_t *n_r, char **error_r);
/* store_case_get - one case and its messages; *row_r NULL if not found */
int store_case_get(struct store *st, const char *case_id,
    struct store_case_row **row_r, struct store_message_row **msgs_r,
    size_t *nmsgs_r, char **error_r);
/* store_case_query - cases matching f, oldest first */
int store_case_query(struct store *st, const struct store_case_filter *f,
    struct store_case_row **rows_r, size_t *n_r, char **error_r);
void store_case_rows_free(struct store_case_row **rows, size_t n);
void store_message_rows_free(struct store_message_row **rows, size_t n);

/*
 * store_status_allowed - 1 if the workflow allows from -> to (the
 * words of case_status_from_str()); 0 otherwise
 */
int store_status_allowed(const char *from, const char *to);
/* store_status_next - the statuses reachable from one, ", "-separated */
const char *store_status_next(const char *from);
/* store_field_name - the event action word of a field */
const char *store_field_name(enum store_field f);

/*
 * store_case_set_status - move a case along the workflow; duplicate_of
 * (required for, and only for, "duplicate") must name another case
 */
int store_case_set_status(struct store *st, const char *case_id,
    const char *status, const char *duplicate_of, const char *actor,
    time_t when, char **error_r);
/* store_case_set_field - set (value) or clear (NULL) a field */
int store_case_set_field(struct store *st, const char *case_id,
    enum store_field field, const char *value, const char *actor,
    time_t when, char **error_r);
/* store_case_set_credit - credit a name, anonymous, or clear (NULL, 0) */
int store_case_set_credit(struct store *st, const char *case_id,
    const char *name, int anonymous, const char *actor, time_t when,
    char **error_r);
/* store_case_set_cvss - the vector, its score times ten and rating */
int store_case_set_cvss(struct store *st, const char *case_id,
    const char *vector, int score10, const char *severity,
    const char *actor, time_t when, char **error_r);
/* store_case_add_note - append a note (an event "note") */
int store_case_add_note(struct store *st, const char *case_id,
    const char *text, const char *actor, time_t when, char **error_r);

/* store_event_list - a case's events (all if case_id NULL), in order */
int store_event_list(struct store *st, const char *case_id,
    struct store_event_row **rows_r, size_t *n_r, char **error_r);
void store_event_rows_free(struct store_event_row **rows, size_t n);
/* store_verify_log - walk the hash chain; v->ok 0 at the first break */
int store_verify_log(struct store *st, struct store_verify *v,
    char **error_r);
/* store_verify_cases - each case's fields against its events */
int store_verify_cases(struct store *st, struct store_verify *v,
    char **error_r);
/*
 * store_case_reporter - a case's reporter address and key fingerprint
 * (either NULL); *found_r 0 if there is no such case
 */
int store_case_reporter(struct store *st, const char *case_id,
    char **addr_r, char **fpr_r, int *found_r, char **error_r);
/*
 * store_ack_claim - take one acknowledgement to send: the one of id, if
 * it is still pending, or (id 0) the first after the id after that is
 * pending and not tried for min_age seconds, or was left "sending" for
 * more than stale seconds (by a process that died or was ended by its
 * deadline: stale is the longest a psirt-filter run lasts). It is
 * "sending" until store_ack_done(). *got_r 0 if there is none.
 */
int store_ack_claim(struct store *st, long long id, long long after,
    time_t now, unsigned long min_age, unsigned long stale,
    struct store_ack_job *job, int *got_r, char **error_r);
/*
 * store_ack_done - record the outcome: sent (failure NULL; the case's
 * first_ack set if unset) or failed with a reason (pending again, or
 * "failed" for good after STORE_ACK_MAX_ATTEMPTS); an event either way
 */
int store_ack_done(struct store *st, const struct store_ack_job *job,
    const char *failure, const char *ack_message_id,
    const char *encrypted_to, time_t now, char **error_r);
void store_ack_job_free(struct store_ack_job *job);
/*
 * store_key_accept - the newest key offered for a case's reporter that
 * is not pinned replaces the pinned one: STORE_OK, STORE_NOT_FOUND (no
 * case), STORE_UNCHANGED (no such key); *fpr_r the key accepted
 */
int store_key_accept(struct store *st, const char *case_id,
    const char *actor, time_t when, char **fpr_r, char **error_r);

/* store_acks_recorded - 1 if any case has a first_ack time */
int store_acks_recorded(struct store *st, int *yes_r, char **error_r);

/*
 * store_attachment_get - the n-th (1-based, in show order: messages by
 * time, attachments by position) attachment of a case; STORE_NOT_FOUND
 * if the case or the attachment does not exist
 */
int store_attachment_get(struct store *st, const char *case_id, size_t n,
    struct store_blob *blob_r, char **error_r);
void store_blob_free(struct store_blob *blob);

#endif
