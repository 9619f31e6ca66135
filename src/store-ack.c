/*
 * NAME
 *	store-ack - acknowledgements and reporter keys in the queue
 * DESCRIPTION
 *	Part of the store module (include/psirt/store.h, schema version 3).
 *
 *	acks: one row per inbound message that gets an acknowledgement or
 *	was refused one. state is "pending" (to send), "sending" (claimed by
 *	a process), "sent", "suppressed" (reason: why none is sent) or
 *	"failed" (given up after STORE_ACK_MAX_ATTEMPTS). The rate limits
 *	count every row of a recipient that is not suppressed, so a failing
 *	sendmail cannot be used to queue more than the limit either.
 *
 *	reporter_keys: per reporter address (compared without case), the
 *	keys seen: "pinned" (the one acknowledgements are encrypted to),
 *	"offered" (a later different key, flagged key-changed, used only
 *	after psirt key accept) and "replaced".
 *
 *	Every change writes its event (ack-sent, ack-failed, ack-suppressed,
 *	key-pinned, key-offered, key-accepted) in the same transaction.
 * SECURITY
 *	Every value is bound; no SQL text is built from data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "psirt/status.h"
#include "psirt/store.h"
#include "psirt/xalloc.h"
#include "store-int.h"

#define ACK_LIVE "('pending', 'sending', 'sent', 'failed')"

/*
 * query_one - the first column of the first row of a query with one or
 * two text parameters: as a copy (*text_r, NULL if none) or an integer
 */
static int
query_one(struct store *st, const char *sql, const char *a, const char *b,
    char **text_r, long long *n_r, char **error_r)
{
	sqlite3_stmt *s;
	int rc;

	if (text_r != NULL)
		*text_r = NULL;
	if (n_r != NULL)
		*n_r = 0;
	if (st_prepare(st, sql, &s, error_r) < 0)
		return -1;
	st_bind_text(s, 1, a);
	if (b != NULL)
		st_bind_text(s, 2, b);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && text_r != NULL)
		*text_r = st_col_str(s, 0);
	if (rc == SQLITE_ROW && n_r != NULL)
		*n_r = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    st_err(st, "query", error_r);
}

/* key_row - insert a reporter key row and its event */
static int
key_row(struct store *st, const char *addr, const char *fpr,
    const char *state, const char *case_id, const char *now,
    char **error_r)
{
	sqlite3_stmt *s;

	if (st_prepare(st, "INSERT OR IGNORE INTO reporter_keys (address, fpr,"
	    " state, first_seen, case_id) VALUES (?,?,?,?,?)", &s,
	    error_r) < 0)
		return -1;
	st_bind_text(s, 1, addr);
	st_bind_text(s, 2, fpr);
	st_bind_text(s, 3, state);
	st_bind_text(s, 4, now);
	st_bind_text(s, 5, case_id);
	if (st_step_done(st, s, "insert reporter key", error_r) < 0)
		return -1;
	if (sqlite3_changes(st->db) == 0)
		return 0;
	return st_add_event(st, case_id, now, STORE_ACTOR_FILTER,
	    strcmp(state, "pinned") == 0 ? "key-pinned" : "key-offered", NULL,
	    fpr, error_r);
}

/* store_keys_offer - see store-int.h */
int
store_keys_offer(struct store *st, const struct store_inbound *in,
    const char *case_id, const char *now, unsigned int *flags,
    char **error_r)
{
	char *pinned = NULL;
	size_t i;
	int rc = 0;

	if (in->key_address == NULL || in->nkey_fprs == 0)
		return 0;
	if (query_one(st, "SELECT fpr FROM reporter_keys WHERE address = ?"
	    " AND state = 'pinned'", in->key_address, NULL, &pinned, NULL,
	    error_r) < 0)
		return -1;
	if (pinned == NULL)
		return key_row(st, in->key_address, in->key_fprs[0], "pinned",
		    case_id, now, error_r);
	for (i = 0; i < in->nkey_fprs && rc == 0; i++) {
		if (strcmp(in->key_fprs[i], pinned) == 0)
			continue;
		*flags |= FLAG_KEY_CHANGED;
		rc = key_row(st, in->key_address, in->key_fprs[i], "offered",
		    case_id, now, error_r);
	}
	free(pinned);
	return rc;
}

/* store_ack_request - see store-int.h */
int
store_ack_request(struct store *st, const struct store_inbound *in,
    const char *case_id, long long msg, const char *now, char **error_r)
{
	const struct store_ack_request *a = in->ack;
	const char *reason = NULL;
	char since[32];
	sqlite3_stmt *s;
	long long n;

	if (a == NULL)
		return 0;
	reason = a->suppress;
	if (reason == NULL) {
		st_iso_time(in->received - (time_t)a->window, since);
		if (query_one(st, "SELECT COUNT(*) FROM acks WHERE recipient ="
		    " ? COLLATE NOCASE AND created >= ? AND state IN " ACK_LIVE,
		    a->recipient, since, NULL, &n, error_r) < 0)
			return -1;
		if ((unsigned long long)n >= a->per_sender)
			reason = "rate-limit-sender";
	}
	if (reason == NULL) {
		st_iso_time(in->received - 3600, since);
		if (query_one(st, "SELECT COUNT(*) FROM acks WHERE created >="
		    " ? AND state IN " ACK_LIVE, since, NULL, NULL, &n,
		    error_r) < 0)
			return -1;
		if ((unsigned long long)n >= a->global_per_hour)
			reason = "rate-limit-global";
	}
	if (st_prepare(st, "INSERT INTO acks (case_id, message, kind,"
	    " recipient, state, reason, created, updated) VALUES"
	    " (?,?,?,?,?,?,?,?)", &s, error_r) < 0)
		return -1;
	st_bind_text(s, 1, case_id);
	sqlite3_bind_int64(s, 2, msg);
	st_bind_text(s, 3, a->kind);
	st_bind_text(s, 4, a->recipient);
	st_bind_text(s, 5, reason != NULL ? "suppressed" : "pending");
	st_bind_text(s, 6, reason);
	st_bind_text(s, 7, now);
	st_bind_text(s, 8, now);
	if (st_step_done(st, s, "insert ack", error_r) < 0)
		return -1;
	if (reason == NULL) {
		if (in->ack_id_r != NULL)
			*in->ack_id_r = sqlite3_last_insert_rowid(st->db);
		return 0;
	}
	return st_add_event(st, case_id, now, STORE_ACTOR_FILTER,
	    "ack-suppressed", NULL, reason, error_r);
}

/* store_case_reporter - see store.h */
int
store_case_reporter(struct store *st, const char *case_id, char **addr_r,
    char **fpr_r, int *found_r, char **error_r)
{
	sqlite3_stmt *s;
	int rc;

	*addr_r = *fpr_r = NULL;
	*found_r = 0;
	if (st_prepare(st, "SELECT reporter, reporter_fpr FROM cases WHERE"
	    " id = ?", &s, error_r) < 0)
		return -1;
	st_bind_text(s, 1, case_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*found_r = 1;
		*addr_r = st_col_str(s, 0);
		*fpr_r = st_col_str(s, 1);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    st_err(st, "read case", error_r);
}

/* load_job - the facts of a claimed ack */
static int
load_job(struct store *st, long long id, struct store_ack_job *job,
    char **error_r)
{
	sqlite3_stmt *s;
	int rc;

	if (st_prepare(st, "SELECT a.case_id, a.kind, a.recipient, m.received,"
	    " m.message_id, m.raw_sha256, m.encryption, m.size, a.attempts,"
	    " (SELECT k.fpr FROM reporter_keys k WHERE k.address ="
	    " a.recipient AND k.state = 'pinned') FROM acks a JOIN messages m"
	    " ON m.id = a.message WHERE a.id = ?", &s, error_r) < 0)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		job->id = id;
		job->case_id = st_col_str(s, 0);
		job->kind = st_col_str(s, 1);
		job->recipient = st_col_str(s, 2);
		job->received = st_col_str(s, 3);
		job->message_id = st_col_str(s, 4);
		job->raw_sha256 = st_col_str(s, 5);
		job->encryption = st_col_str(s, 6);
		job->size = sqlite3_column_int64(s, 7);
		job->attempts = sqlite3_column_int64(s, 8);
		job->pinned_fpr = st_col_str(s, 9);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : st_err(st, "read ack", error_r);
}

/* store_ack_claim - see store.h */
int
store_ack_claim(struct store *st, long long id, long long after, time_t now,
    unsigned long min_age, unsigned long stale_after,
    struct store_ack_job *job, int *got_r, char **error_r)
{
	char snow[32], due[32], stale[32];
	sqlite3_stmt *s;
	int rc;

	PSIRT_ASSERT(st->mode == STORE_RW);
	memset(job, 0, sizeof(*job));
	*got_r = 0;
	st_iso_time(now, snow);
	st_iso_time(now - (time_t)min_age, due);
	st_iso_time(now - (time_t)stale_after, stale);
	if (st_exec(st, "BEGIN IMMEDIATE", error_r) < 0)
		return -1;
	if (st_prepare(st, id != 0 ?
	    "SELECT id FROM acks WHERE id = ?3 AND state = 'pending'" :
	    "SELECT id FROM acks WHERE id > ?4 AND ((state = 'pending' AND"
	    " updated <= ?1) OR (state = 'sending' AND updated <= ?2))"
	    " ORDER BY id LIMIT 1",
	    &s, error_r) < 0)
		goto fail;
	st_bind_text(s, 1, due);
	st_bind_text(s, 2, stale);
	sqlite3_bind_int64(s, 3, id);
	sqlite3_bind_int64(s, 4, after);
	rc = sqlite3_step(s);
	id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		(void)st_err(st, "find ack", error_r);
		goto fail;
	}
	if (id != 0) {
		if (st_prepare(st, "UPDATE acks SET state = 'sending',"
		    " attempts = attempts + 1, updated = ? WHERE id = ?", &s,
		    error_r) < 0)
			goto fail;
		st_bind_text(s, 1, snow);
		sqlite3_bind_int64(s, 2, id);
		if (st_step_done(st, s, "claim ack", error_r) < 0 ||
		    load_job(st, id, job, error_r) < 0)
			goto fail;
		*got_r = 1;
	}
	if (st_exec(st, "COMMIT", error_r) < 0)
		goto fail;
	return 0;
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	store_ack_job_free(job);
	*got_r = 0;
	return -1;
}

/* store_ack_done - see store.h */
int
store_ack_done(struct store *st, const struct store_ack_job *job,
    const char *failure, const char *ack_message_id,
    const char *encrypted_to, time_t now, char **error_r)
{
	const char *state = failure == NULL ? "sent" :
	    job->attempts >= STORE_ACK_MAX_ATTEMPTS ? "failed" : "pending";
	char snow[32];
	sqlite3_stmt *s;

	st_iso_time(now, snow);
	if (st_exec(st, "BEGIN IMMEDIATE", error_r) < 0)
		return -1;
	if (st_prepare(st, "UPDATE acks SET state = ?, reason = ?, updated = ?,"
	    " sent = CASE WHEN ?1 = 'sent' THEN ?3 END, ack_message_id = ?,"
	    " encrypted_to = ? WHERE id = ?", &s, error_r) < 0)
		goto fail;
	st_bind_text(s, 1, state);
	st_bind_text(s, 2, failure);
	st_bind_text(s, 3, snow);
	st_bind_text(s, 4, ack_message_id);
	st_bind_text(s, 5, encrypted_to);
	sqlite3_bind_int64(s, 6, job->id);
	if (st_step_done(st, s, "update ack", error_r) < 0)
		goto fail;
	if (failure == NULL) {
		if (st_prepare(st, "UPDATE cases SET first_ack = ? WHERE id = ?"
		    " AND first_ack IS NULL", &s, error_r) < 0)
			goto fail;
		st_bind_text(s, 1, snow);
		st_bind_text(s, 2, job->case_id);
		if (st_step_done(st, s, "update case", error_r) < 0)
			goto fail;
	}
	if (st_add_event(st, job->case_id, snow, STORE_ACTOR_FILTER,
	    failure == NULL ? "ack-sent" : "ack-failed", NULL,
	    failure == NULL ? job->recipient : failure, error_r) < 0 ||
	    st_exec(st, "COMMIT", error_r) < 0)
		goto fail;
	return 0;
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* store_ack_job_free - release the strings of a job */
void
store_ack_job_free(struct store_ack_job *job)
{
	free(job->case_id);
	free(job->kind);
	free(job->recipient);
	free(job->received);
	free(job->message_id);
	free(job->raw_sha256);
	free(job->encryption);
	free(job->pinned_fpr);
	memset(job, 0, sizeof(*job));
}

/* store_key_accept - see store.h */
int
store_key_accept(struct store *st, const char *case_id, const char *actor,
    time_t when, char **fpr_r, char **error_r)
{
	char *addr = NULL, *fpr = NULL, *old = NULL, now[32];
	sqlite3_stmt *s;
	int rc = -1;

	*fpr_r = NULL;
	st_iso_time(when, now);
	if (st_exec(st, "BEGIN IMMEDIATE", error_r) < 0)
		return -1;
	if (query_one(st, "SELECT reporter FROM cases WHERE id = ?", case_id,
	    NULL, &addr, NULL, error_r) < 0)
		goto out;
	if (addr == NULL) {
		rc = STORE_NOT_FOUND;
		goto out;
	}
	if (query_one(st, "SELECT fpr FROM reporter_keys WHERE address = ?"
	    " AND state = 'offered' ORDER BY (case_id = ?2) DESC, id DESC"
	    " LIMIT 1", addr, case_id, &fpr, NULL, error_r) < 0 ||
	    query_one(st, "SELECT fpr FROM reporter_keys WHERE address = ?"
	    " AND state = 'pinned'", addr, NULL, &old, NULL, error_r) < 0)
		goto out;
	if (fpr == NULL) {
		rc = STORE_UNCHANGED;
		goto out;
	}
	if (st_prepare(st, "UPDATE reporter_keys SET state = CASE WHEN fpr = ?2"
	    " THEN 'pinned' ELSE 'replaced' END WHERE address = ?1 AND"
	    " (state = 'pinned' OR fpr = ?2)", &s, error_r) < 0)
		goto out;
	st_bind_text(s, 1, addr);
	st_bind_text(s, 2, fpr);
	if (st_step_done(st, s, "accept key", error_r) < 0 ||
	    st_add_event(st, case_id, now, actor, "key-accepted", old, fpr,
	    error_r) < 0)
		goto out;
	rc = STORE_OK;
out:
	if (rc == -1 || st_exec(st, rc == STORE_OK ? "COMMIT" : "ROLLBACK",
	    error_r) < 0) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		rc = -1;
	}
	if (rc == STORE_OK) {
		*fpr_r = fpr;
		fpr = NULL;
	}
	free(addr);
	free(fpr);
	free(old);
	return rc;
}
