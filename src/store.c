/*
 * NAME
 *	store - the queue: SQLite schema, migrations, transactions, queries
 * DESCRIPTION
 *	See include/psirt/store.h. Schema version 1 (DESIGN.md "What is
 *	stored"): cases, messages, attachments (content as a blob: inert,
 *	never rendered), events (append-only audit log). Times are ISO 8601
 *	UTC text; statuses are words. Schema version 2 (a migration, run by
 *	the first read-write open) adds the triage columns of cases
 *	(embargo, credit, credit_anonymous, duplicate_of), the hash chain of
 *	events (prev_hash, hash; meta event_head) and chains the events
 *	already there. Notes are events (action "note").
 *
 *	Event hash: SHA-256 over "psirt-event-1", then each of id, case_id,
 *	time, actor, action, old, new and prev_hash as "N;" for NULL or
 *	"<byte length>:<bytes>;" (so no two different events encode alike);
 *	the first event's prev_hash is 64 zeros. Events are appended with
 *	id = last id + 1 inside the writer's transaction, so the chain is a
 *	line even with many writers.
 *
 *	Adding a change: write the column and its event with st_add_event() in
 *	the same transaction (begin_change ... finish_change), and teach
 *	replay_case() the event's action so that store_verify_cases() checks
 *	the column too (first_ack: the time of the first ack-sent event).
 *	Schema version 3 (store-ack.c) adds acks and reporter_keys.
 *
 *	Case numbers: inside BEGIN IMMEDIATE (one writer at a time), the next
 *	number is MAX(seq)+1 for the prefix and year, so numbers are unique and
 *	gap-free even with many filters at once; UNIQUE(prefix, year, seq)
 *	backs that up. Redelivery: the raw SHA-256 of an inbound message is
 *	UNIQUE; the same bytes carry the same Message-ID, so this is the
 *	DESIGN.md key "Message-ID plus SHA-256".
 * LIMITS
 *	db_busy_timeout: how long a writer waits for the lock.
 * DIAGNOSTICS
 *	-1 with error_r naming the database and SQLite's message.
 * SECURITY
 *	Every value is bound; no SQL text is built from data.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "psirt/buf.h"
#include "psirt/sha256.h"
#include "psirt/status.h"
#include "psirt/store.h"
#include "store-int.h"
#include "psirt/xalloc.h"

#define GENESIS_HASH \
	"0000000000000000000000000000000000000000000000000000000000000000"


static const char *const schema_v1 =
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE cases ("
    " id TEXT PRIMARY KEY, prefix TEXT NOT NULL, year INTEGER NOT NULL,"
    " seq INTEGER NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL,"
    " status TEXT NOT NULL DEFAULT 'new', severity TEXT,"
    " cvss_vector TEXT, cvss_score REAL, reporter TEXT,"
    " reporter_fpr TEXT, subject TEXT, assignee TEXT, cve TEXT,"
    " first_ack TEXT, UNIQUE (prefix, year, seq));"
    "CREATE TABLE messages ("
    " id INTEGER PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id),"
    " direction TEXT NOT NULL, received TEXT NOT NULL, message_id TEXT,"
    " raw_sha256 TEXT NOT NULL, raw_path TEXT, size INTEGER,"
    " envelope_sender TEXT, from_hdr TEXT, from_addr TEXT, date_hdr TEXT,"
    " subject TEXT, inner_from TEXT, inner_subject TEXT,"
    " encryption TEXT NOT NULL, signature TEXT NOT NULL, signer_fpr TEXT,"
    " processing TEXT NOT NULL, quarantine_reason TEXT, flags TEXT,"
    " body TEXT);"
    "CREATE UNIQUE INDEX messages_inbound_raw ON messages (raw_sha256)"
    " WHERE direction = 'in';"
    "CREATE INDEX messages_case ON messages (case_id);"
    "CREATE TABLE attachments ("
    " id INTEGER PRIMARY KEY, message INTEGER NOT NULL REFERENCES"
    " messages(id), idx INTEGER NOT NULL, name TEXT NOT NULL,"
    " declared_type TEXT, sniffed_type TEXT, size INTEGER NOT NULL,"
    " sha256 TEXT NOT NULL, content BLOB);"
    "CREATE INDEX attachments_message ON attachments (message);"
    "CREATE TABLE events ("
    " id INTEGER PRIMARY KEY, case_id TEXT NOT NULL, time TEXT NOT NULL,"
    " actor TEXT NOT NULL, action TEXT NOT NULL, old TEXT, new TEXT);"
    "CREATE INDEX events_case ON events (case_id);"
    "INSERT INTO meta VALUES ('schema_version', '1');";

static const char *const schema_v2 =
    "ALTER TABLE cases ADD COLUMN embargo TEXT;"
    "ALTER TABLE cases ADD COLUMN credit TEXT;"
    "ALTER TABLE cases ADD COLUMN credit_anonymous INTEGER NOT NULL"
    " DEFAULT 0;"
    "ALTER TABLE cases ADD COLUMN duplicate_of TEXT;"
    "ALTER TABLE events ADD COLUMN prev_hash TEXT;"
    "ALTER TABLE events ADD COLUMN hash TEXT;"
    "CREATE INDEX events_case_action ON events (case_id, action);"
    "INSERT OR REPLACE INTO meta VALUES ('event_head', '" GENESIS_HASH
    "');"
    "UPDATE meta SET value = '2' WHERE key = 'schema_version';";

static const char *const schema_v3 =
    "CREATE TABLE acks ("
    " id INTEGER PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id),"
    " message INTEGER NOT NULL REFERENCES messages(id), kind TEXT NOT NULL,"
    " recipient TEXT, state TEXT NOT NULL, reason TEXT,"
    " attempts INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL,"
    " updated TEXT NOT NULL, sent TEXT, ack_message_id TEXT,"
    " encrypted_to TEXT);"
    "CREATE INDEX acks_state ON acks (state, updated);"
    "CREATE INDEX acks_recipient ON acks (recipient COLLATE NOCASE,"
    " created);"
    "CREATE TABLE reporter_keys ("
    " id INTEGER PRIMARY KEY, address TEXT NOT NULL COLLATE NOCASE,"
    " fpr TEXT NOT NULL, state TEXT NOT NULL, first_seen TEXT NOT NULL,"
    " case_id TEXT, UNIQUE (address, fpr));"
    "UPDATE meta SET value = '3' WHERE key = 'schema_version';";

/* st_err - "database PATH: what: sqlite message" into error_r */
int
st_err(struct store *st, const char *what, char **error_r)
{
	struct buf b;

	buf_init(&b, 4096);
	(void)buf_printf(&b, "database %s: %s: %s", st->path, what,
	    st->db != NULL ? sqlite3_errmsg(st->db) : "cannot open");
	*error_r = buf_steal(&b);
	return -1;
}

/* st_exec - run SQL without results */
int
st_exec(struct store *st, const char *sql, char **error_r)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return st_err(st, sql, error_r);
	return 0;
}

/* st_iso_time - ISO 8601 UTC text for t */
void
st_iso_time(time_t t, char out[32])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)snprintf(out, 32, "1970-01-01T00:00:00Z");
}

/* schema_version - the stored version, 0 for an empty database */
static int
schema_version(struct store *st, int *version_r, char **error_r)
{
	sqlite3_stmt *s;
	int rc;

	*version_r = 0;
	rc = sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key ="
	    " 'schema_version'", -1, &s, NULL);
	if (rc != SQLITE_OK) {
		/* No meta table yet: an empty database. */
		if (sqlite3_errcode(st->db) == SQLITE_ERROR)
			return 0;
		return st_err(st, "read schema version", error_r);
	}
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*version_r = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return st_err(st, "read schema version", error_r);
	return 0;
}


/* hash_field - one field of the event encoding: "N;" or "len:bytes;" */
static void
hash_field(struct sha256 *h, const char *v)
{
	char len[32];
	int n;

	if (v == NULL) {
		sha256_update(h, "N;", 2);
		return;
	}
	n = snprintf(len, sizeof(len), "%zu:", strlen(v));
	PSIRT_ASSERT(n > 0 && (size_t)n < sizeof(len));
	sha256_update(h, len, (size_t)n);
	sha256_update(h, v, strlen(v));
	sha256_update(h, ";", 1);
}

/* event_hash - the hash of one event (see DESCRIPTION) */
static void
event_hash(long long id, const char *case_id, const char *time,
    const char *actor, const char *action, const char *old, const char *new,
    const char *prev_hash, char out[STORE_HASH_HEX + 1])
{
	struct sha256 h;
	char idtext[32];
	int n;

	n = snprintf(idtext, sizeof(idtext), "%lld", id);
	PSIRT_ASSERT(n > 0 && (size_t)n < sizeof(idtext));
	sha256_init(&h);
	sha256_update(&h, "psirt-event-1", 13);
	hash_field(&h, idtext);
	hash_field(&h, case_id);
	hash_field(&h, time);
	hash_field(&h, actor);
	hash_field(&h, action);
	hash_field(&h, old);
	hash_field(&h, new);
	hash_field(&h, prev_hash);
	sha256_final_hex(&h, out);
}

/* st_cstr - a text column, or NULL (valid until the next step) */
const char *
st_cstr(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

/* set_head - record the hash of the last event in meta */
static int
set_head(struct store *st, const char *hash, char **error_r)
{
	sqlite3_stmt *s;

	if (st_prepare(st,
	    "INSERT OR REPLACE INTO meta VALUES ('event_head', ?)",
	    &s, error_r) < 0)
		return -1;
	st_bind_text(s, 1, hash);
	return st_step_done(st, s, "record event head", error_r);
}

/* chain_existing - migration to 2: hash the events of schema 1 in order */
static int
chain_existing(struct store *st, char **error_r)
{
	char prev[STORE_HASH_HEX + 1], hash[STORE_HASH_HEX + 1];
	sqlite3_stmt *s, *u;
	int rc;

	memcpy(prev, GENESIS_HASH, sizeof(prev));
	if (st_prepare(st, "SELECT id, case_id, time, actor, action, old, new"
	    " FROM events ORDER BY id", &s, error_r) < 0)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(s, 0);

		event_hash(id, st_cstr(s, 1), st_cstr(s, 2),
		    st_cstr(s, 3), st_cstr(s, 4), st_cstr(s, 5),
		    st_cstr(s, 6), prev, hash);
		if (st_prepare(st, "UPDATE events SET prev_hash = ?, hash = ?"
		    " WHERE id = ?", &u, error_r) < 0) {
			sqlite3_finalize(s);
			return -1;
		}
		st_bind_text(u, 1, prev);
		st_bind_text(u, 2, hash);
		sqlite3_bind_int64(u, 3, id);
		if (st_step_done(st, u, "chain events", error_r) < 0) {
			sqlite3_finalize(s);
			return -1;
		}
		memcpy(prev, hash, sizeof(prev));
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return st_err(st, "chain events", error_r);
	return set_head(st, prev, error_r);
}

/* migrate - bring the schema to STORE_SCHEMA_VERSION */
static int
migrate(struct store *st, char **error_r)
{
	int version;

	if (st_exec(st, "BEGIN IMMEDIATE", error_r) < 0)
		return -1;
	if (schema_version(st, &version, error_r) < 0)
		goto fail;
	if (version > STORE_SCHEMA_VERSION) {
		(void)st_exec(st, "ROLLBACK", error_r);
		free(*error_r);
		return st_err(st, "schema newer than this program",
		    error_r);
	}
	if (version < 1 && st_exec(st, schema_v1, error_r) < 0)
		goto fail;
	if (version < 2 && (st_exec(st, schema_v2, error_r) < 0 ||
	    chain_existing(st, error_r) < 0))
		goto fail;
	if (version < 3 && st_exec(st, schema_v3, error_r) < 0)
		goto fail;
	return st_exec(st, "COMMIT", error_r);
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* store_open - open the database at path */
int
store_open(const char *path, int mode, unsigned long busy_timeout_s,
    struct store **st_r, char **error_r)
{
	struct store *st = xcalloc(1, sizeof(*st));
	int flags, version;

	st->path = xstrdup(path);
	st->mode = mode;
	flags = mode == STORE_RO ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (mode == STORE_RW) {
		/*
		 * Create the file group-readable and group-writable (staff
		 * of group psirt-staff triage with write commands) whatever
		 * the filter's umask; SQLite gives -wal and -shm the same
		 * mode. Others get nothing.
		 */
		int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
		    0660);

		if (fd >= 0) {
			(void)fchmod(fd, 0660);
			(void)close(fd);
		}
	}
	if (sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK) {
		st_err(st, "cannot open", error_r);
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, (int)(busy_timeout_s > 3600 ? 3600000 :
	    busy_timeout_s * 1000));
	if (mode == STORE_RW) {
		int persist = 1;

		/*
		 * Keep -wal and -shm after the last writer closes: a read-only
		 * reader (psirt list/show) in a directory it cannot write
		 * needs them to exist.
		 */
		(void)sqlite3_file_control(st->db, NULL,
		    SQLITE_FCNTL_PERSIST_WAL, &persist);
		/*
		 * No checkpoint when we close: it costs an fsync of the
		 * database file per message (up to 20 ms here). Each commit
		 * is durable in the WAL already (synchronous=FULL); SQLite's
		 * automatic checkpoint, in the commit that grows the WAL
		 * past 1000 pages, copies it back.
		 */
		(void)sqlite3_db_config(st->db,
		    SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
		if (st_exec(st, "PRAGMA journal_mode=WAL", error_r) < 0 ||
		    st_exec(st, "PRAGMA synchronous=FULL", error_r) < 0 ||
		    st_exec(st, "PRAGMA foreign_keys=ON", error_r) < 0 ||
		    migrate(st, error_r) < 0)
			goto fail;
	} else {
		if (schema_version(st, &version, error_r) < 0)
			goto fail;
		if (version != STORE_SCHEMA_VERSION) {
			st_err(st, version == 0 ? "not a psirt queue (no "
			    "schema)" : version < STORE_SCHEMA_VERSION ?
			    "schema older than this program (the next "
			    "psirt-filter delivery or psirt write command "
			    "upgrades it)" : "schema newer than this program",
			    error_r);
			goto fail;
		}
	}
	*st_r = st;
	return 0;
fail:
	store_close(&st);
	return -1;
}

/* store_close - close and NULL the handle */
void
store_close(struct store **stp)
{
	struct store *st = *stp;

	if (st == NULL)
		return;
	if (st->db != NULL)
		sqlite3_close(st->db);
	free(st->path);
	free(st);
	*stp = NULL;
}

/* st_bind_text - bind a string or NULL */
int
st_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	return v != NULL ? sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT) :
	    sqlite3_bind_null(s, i);
}

/* st_step_done - step a statement expected to finish, then finalize it */
int
st_step_done(struct store *st, sqlite3_stmt *s, const char *what,
    char **error_r)
{
	int rc = sqlite3_step(s);

	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return st_err(st, what, error_r);
	return 0;
}

/* st_prepare - compile SQL or fail with error_r */
int
st_prepare(struct store *st, const char *sql, sqlite3_stmt **s, char **error_r)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, s, NULL) != SQLITE_OK)
		return st_err(st, "prepare", error_r);
	return 0;
}

/* find_inbound - the case of an already stored inbound raw message */
static int
find_inbound(struct store *st, const char *sha, char case_id[STORE_CASE_ID_MAX],
    int *found_r, char **error_r)
{
	sqlite3_stmt *s;
	int rc;

	*found_r = 0;
	if (st_prepare(st, "SELECT case_id FROM messages WHERE raw_sha256 = ?"
	    " AND direction = 'in'", &s, error_r) < 0)
		return -1;
	st_bind_text(s, 1, sha);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		(void)snprintf(case_id, STORE_CASE_ID_MAX, "%s",
		    (const char *)sqlite3_column_text(s, 0));
		*found_r = 1;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return st_err(st, "look up raw digest", error_r);
	return 0;
}

/* new_case - allocate the next number and insert the case */
static int
new_case(struct store *st, const struct store_inbound *in, const char *now,
    char case_id[STORE_CASE_ID_MAX], char **error_r)
{
	const struct report *r = in->report;
	sqlite3_stmt *s;
	struct tm tm;
	long long seq = 0;
	int year, n;

	if (gmtime_r(&in->received, &tm) == NULL)
		return st_err(st, "bad time", error_r);
	year = tm.tm_year + 1900;
	if (st_prepare(st, "SELECT COALESCE(MAX(seq), 0) + 1 FROM cases WHERE"
	    " prefix = ? AND year = ?", &s, error_r) < 0)
		return -1;
	st_bind_text(s, 1, in->case_prefix);
	sqlite3_bind_int(s, 2, year);
	if (sqlite3_step(s) == SQLITE_ROW)
		seq = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (seq <= 0)
		return st_err(st, "allocate case number", error_r);
	n = snprintf(case_id, STORE_CASE_ID_MAX, "%s-%04d-%04lld",
	    in->case_prefix, year, seq);
	if (n < 0 || n >= STORE_CASE_ID_MAX)
		return st_err(st, "case id too long", error_r);
	if (st_prepare(st, "INSERT INTO cases (id, prefix, year, seq, created,"
	    " updated, status, reporter, subject, reporter_fpr) VALUES"
	    " (?,?,?,?,?,?,'new',?,?,?)", &s, error_r) < 0)
		return -1;
	st_bind_text(s, 1, case_id);
	st_bind_text(s, 2, in->case_prefix);
	sqlite3_bind_int(s, 3, year);
	sqlite3_bind_int64(s, 4, seq);
	st_bind_text(s, 5, now);
	st_bind_text(s, 6, now);
	st_bind_text(s, 7, in->envelope_sender);
	st_bind_text(s, 8, r->subject);
	/* Only a good signature says whose key this is (DESIGN.md). */
	st_bind_text(s, 9, r->signature == SIG_GOOD ? r->signer_fpr : NULL);
	return st_step_done(st, s, "insert case", error_r);
}

/* insert_message - the message row and its attachments */
static int
insert_message(struct store *st, const struct store_inbound *in,
    const char *direction, const char *case_id, const char *now,
    unsigned int flags_add, long long *msg_r, char **error_r)
{
	const struct report *r = in->report;
	char flags[512];
	sqlite3_stmt *s;
	long long msg;
	size_t i;

	if (flags_format(r->flags | flags_add, flags, sizeof(flags)) < 0)
		return st_err(st, "format flags", error_r);
	if (st_prepare(st, "INSERT INTO messages (case_id, received,"
	    " message_id, raw_sha256, raw_path, size, envelope_sender,"
	    " from_hdr, from_addr, date_hdr, subject, inner_from,"
	    " inner_subject, encryption, signature, signer_fpr, processing,"
	    " quarantine_reason, flags, body, direction) VALUES (?,?,?,?,?,?,"
	    "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", &s, error_r) < 0)
		return -1;
	st_bind_text(s, 21, direction);
	st_bind_text(s, 1, case_id);
	st_bind_text(s, 2, now);
	st_bind_text(s, 3, r->message_id);
	st_bind_text(s, 4, in->raw_sha256);
	st_bind_text(s, 5, in->raw_path);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)in->size);
	st_bind_text(s, 7, in->envelope_sender);
	st_bind_text(s, 8, r->from);
	st_bind_text(s, 9, r->from_addr);
	st_bind_text(s, 10, r->date);
	st_bind_text(s, 11, r->subject);
	st_bind_text(s, 12, r->inner_from);
	st_bind_text(s, 13, r->inner_subject);
	st_bind_text(s, 14, enc_status_to_str(r->encryption));
	st_bind_text(s, 15, sig_status_to_str(r->signature));
	st_bind_text(s, 16, r->signer_fpr);
	st_bind_text(s, 17, processing_to_str(r->processing));
	st_bind_text(s, 18, r->quarantine_reason);
	st_bind_text(s, 19, flags);
	if (r->body != NULL)
		sqlite3_bind_text(s, 20, r->body, (int)r->body_len,
		    SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 20);
	if (st_step_done(st, s, "insert message", error_r) < 0)
		return -1;
	msg = sqlite3_last_insert_rowid(st->db);
	*msg_r = msg;
	for (i = 0; i < r->natt; i++) {
		const struct attachment *a = &r->att[i];

		if (st_prepare(st, "INSERT INTO attachments (message, idx,"
		    " name, declared_type, sniffed_type, size, sha256, content)"
		    " VALUES (?,?,?,?,?,?,?,?)", &s, error_r) < 0)
			return -1;
		sqlite3_bind_int64(s, 1, msg);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)i + 1);
		st_bind_text(s, 3, a->name);
		st_bind_text(s, 4, a->declared_type);
		st_bind_text(s, 5, a->sniffed_type);
		sqlite3_bind_int64(s, 6, (sqlite3_int64)a->size);
		/* report_decode()'s, the one source of a stored report */
		st_bind_text(s, 7, a->sha256);
		sqlite3_bind_blob64(s, 8, a->data, a->size, SQLITE_STATIC);
		if (st_step_done(st, s, "insert attachment", error_r) < 0)
			return -1;
	}
	return 0;
}

/* st_add_event - append a hash-chained audit event (inside a transaction) */
int
st_add_event(struct store *st, const char *case_id, const char *now,
    const char *actor, const char *action, const char *old, const char *new,
    char **error_r)
{
	char prev[STORE_HASH_HEX + 1], hash[STORE_HASH_HEX + 1];
	sqlite3_stmt *s;
	long long id = 1;
	int rc, n;

	memcpy(prev, GENESIS_HASH, sizeof(prev));
	if (st_prepare(st,
	    "SELECT id, hash FROM events ORDER BY id DESC LIMIT 1",
	    &s, error_r) < 0)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *h = st_cstr(s, 1);

		id = sqlite3_column_int64(s, 0) + 1;
		/*
		 * Chain to what is there, even a damaged hash (cut to 64
		 * characters): verify-log will say where it broke.
		 */
		n = snprintf(prev, sizeof(prev), "%s", h != NULL ? h : "");
		if (n < 0 || (size_t)n >= sizeof(prev))
			prev[STORE_HASH_HEX] = '\0';
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return st_err(st, "read last event", error_r);
	event_hash(id, case_id, now, actor, action, old, new, prev, hash);
	if (st_prepare(st, "INSERT INTO events (id, case_id, time, actor,"
	    " action, old, new, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)",
	    &s, error_r) < 0)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	st_bind_text(s, 2, case_id);
	st_bind_text(s, 3, now);
	st_bind_text(s, 4, actor);
	st_bind_text(s, 5, action);
	st_bind_text(s, 6, old);
	st_bind_text(s, 7, new);
	st_bind_text(s, 8, prev);
	st_bind_text(s, 9, hash);
	if (st_step_done(st, s, "insert event", error_r) < 0)
		return -1;
	return set_head(st, hash, error_r);
}

/* join_case - a follow-up: the case exists and its updated time moves */
static int
join_case(struct store *st, const char *case_id, const char *now,
    char out[STORE_CASE_ID_MAX], char **error_r)
{
	sqlite3_stmt *s;

	if (st_prepare(st, "UPDATE cases SET updated = ? WHERE id = ?", &s,
	    error_r) < 0)
		return -1;
	st_bind_text(s, 1, now);
	st_bind_text(s, 2, case_id);
	if (st_step_done(st, s, "update case", error_r) < 0)
		return -1;
	if (sqlite3_changes(st->db) != 1)
		return st_err(st, "follow-up of a missing case", error_r);
	(void)snprintf(out, STORE_CASE_ID_MAX, "%s", case_id);
	return 0;
}

/* store_inbound_commit - store one inbound message in one transaction */
int
store_inbound_commit(struct store *st, const struct store_inbound *in,
    char case_id[STORE_CASE_ID_MAX], int *duplicate_r, char **error_r)
{
	unsigned int flags = in->flags;
	long long msg;
	char now[32];
	int found;

	PSIRT_ASSERT(st->mode == STORE_RW);
	*duplicate_r = 0;
	if (in->ack_id_r != NULL)
		*in->ack_id_r = 0;
	st_iso_time(in->received, now);
	if (st_exec(st, "BEGIN IMMEDIATE", error_r) < 0)
		return -1;
	if (find_inbound(st, in->raw_sha256, case_id, &found, error_r) < 0)
		goto fail;
	if (found) {
		*duplicate_r = 1;
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return 0;
	}
	if (in->join_case != NULL) {
		if (join_case(st, in->join_case, now, case_id, error_r) < 0)
			goto fail;
	} else if (new_case(st, in, now, case_id, error_r) < 0 ||
	    st_add_event(st, case_id, now, STORE_ACTOR_FILTER, "case-created",
	    NULL, "new", error_r) < 0)
		goto fail;
	if (store_keys_offer(st, in, case_id, now, &flags, error_r) < 0 ||
	    insert_message(st, in, "in", case_id, now, flags, &msg,
	    error_r) < 0 ||
	    st_add_event(st, case_id, now, STORE_ACTOR_FILTER,
	    in->join_case != NULL ? "followup-stored" : "message-stored",
	    NULL, processing_to_str(in->report->processing), error_r) < 0 ||
	    store_ack_request(st, in, case_id, msg, now, error_r) < 0)
		goto fail;
	if (st_exec(st, "COMMIT", error_r) < 0)
		goto fail;
	return 0;
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* store_case_inbound - see store.h */
int
store_case_inbound(struct store *st, const char *case_id,
    struct store_raw_ref **refs_r, size_t *n_r, char **error_r)
{
	struct store_raw_ref *refs = NULL;
	sqlite3_stmt *s;
	size_t n = 0;
	int rc;

	*refs_r = NULL;
	*n_r = 0;
	if (st_prepare(st, "SELECT id, raw_sha256, raw_path, envelope_sender"
	    " FROM messages WHERE case_id = ? AND direction = 'in' ORDER BY id",
	    &s, error_r) < 0)
		return -1;
	st_bind_text(s, 1, case_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		refs = xreallocarray(refs, n + 1, sizeof(*refs));
		refs[n].id = sqlite3_column_int64(s, 0);
		refs[n].raw_sha256 = st_col_str(s, 1);
		refs[n].raw_path = st_col_str(s, 2);
		refs[n].envelope_sender = st_col_str(s, 3);
		n++;
	}
	sqlite3_finalize(s);
	*refs_r = refs;
	*n_r = n;
	if (rc != SQLITE_DONE) {
		store_raw_refs_free(refs_r, n_r);
		return st_err(st, "read messages", error_r);
	}
	return 0;
}

/* store_raw_refs_free - release and NULL */
void
store_raw_refs_free(struct store_raw_ref **refs, size_t *n)
{
	size_t i;

	for (i = 0; *refs != NULL && i < *n; i++) {
		free((*refs)[i].raw_sha256);
		free((*refs)[i].raw_path);
		free((*refs)[i].envelope_sender);
	}
	free(*refs);
	*refs = NULL;
	*n = 0;
}

/* store_reprocessed - see store.h */
int
store_reprocessed(struct store *st, const char *case_id, long long msg,
    const struct store_inbound *in, char **error_r)
{
	const struct report *r = in->report;
	char now[32], old[64], new[512];
	long long id;

	PSIRT_ASSERT(st->mode == STORE_RW);
	st_iso_time(in->received, now);
	(void)snprintf(old, sizeof(old), "message %lld", msg);
	(void)snprintf(new, sizeof(new), "encryption=%s signature=%s%s%s "
	    "processing=%s%s%s", enc_status_to_str(r->encryption),
	    sig_status_to_str(r->signature), r->signer_fpr != NULL ? " fpr=" :
	    "", r->signer_fpr != NULL ? r->signer_fpr : "",
	    processing_to_str(r->processing),
	    r->quarantine_reason != NULL ? " reason=" : "",
	    r->quarantine_reason != NULL ? r->quarantine_reason : "");
	if (st_exec(st, "BEGIN IMMEDIATE", error_r) < 0)
		return -1;
	if (insert_message(st, in, "reprocessed", case_id, now, in->flags, &id,
	    error_r) < 0 ||
	    st_add_event(st, case_id, now, STORE_ACTOR_FILTER, "reprocessed",
	    old, new, error_r) < 0 ||
	    st_exec(st, "COMMIT", error_r) < 0) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

/* st_col_str - a copy of a text column, or NULL */
char *
st_col_str(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t != NULL ? xstrdup((const char *)t) : NULL;
}

#define CASE_COLUMNS \
	"c.id, c.status, c.created, c.updated, c.reporter, c.subject," \
	" (SELECT encryption FROM messages m WHERE m.case_id = c.id" \
	"  ORDER BY m.id LIMIT 1)," \
	" (SELECT signature FROM messages m WHERE m.case_id = c.id" \
	"  ORDER BY m.id LIMIT 1)," \
	" (SELECT COUNT(*) FROM messages m WHERE m.case_id = c.id)," \
	" c.severity, c.cvss_vector, c.cvss_score, c.assignee, c.cve," \
	" c.reporter_fpr, c.first_ack, c.embargo, c.credit," \
	" c.credit_anonymous, c.duplicate_of," \
	" (SELECT e.time FROM events e WHERE e.case_id = c.id AND" \
	"  e.action = 'status' AND e.old = 'new' ORDER BY e.id LIMIT 1)" \
	" FROM cases c"

/* case_row - fill a case row from a CASE_COLUMNS statement */
static void
case_row(sqlite3_stmt *s, struct store_case_row *c)
{
	c->id = st_col_str(s, 0);
	c->status = st_col_str(s, 1);
	c->created = st_col_str(s, 2);
	c->updated = st_col_str(s, 3);
	c->reporter = st_col_str(s, 4);
	c->subject = st_col_str(s, 5);
	c->encryption = st_col_str(s, 6);
	c->signature = st_col_str(s, 7);
	c->messages = sqlite3_column_int64(s, 8);
	c->severity = st_col_str(s, 9);
	c->cvss_vector = st_col_str(s, 10);
	c->has_cvss_score = sqlite3_column_type(s, 11) != SQLITE_NULL;
	c->cvss_score = sqlite3_column_double(s, 11);
	c->assignee = st_col_str(s, 12);
	c->cve = st_col_str(s, 13);
	c->reporter_fpr = st_col_str(s, 14);
	c->acknowledged = st_col_str(s, 15);
	c->embargo = st_col_str(s, 16);
	c->credit = st_col_str(s, 17);
	c->credit_anonymous = sqlite3_column_int(s, 18) != 0;
	c->duplicate_of = st_col_str(s, 19);
	c->triaged = st_col_str(s, 20);
}

/* store_case_query - cases matching f, oldest first */
int
store_case_query(struct store *st, const struct store_case_filter *f,
    struct store_case_row **rows_r, size_t *n_r, char **error_r)
{
	struct store_case_row *rows = NULL;
	size_t n = 0, alloc = 0;
	sqlite3_stmt *s;
	int rc;

	*rows_r = NULL;
	*n_r = 0;
	if (st_prepare(st, "SELECT " CASE_COLUMNS " WHERE"
	    " (?1 IS NULL OR c.status = ?1) AND"
	    " (?2 IS NULL OR c.assignee = ?2) AND"
	    " (?3 IS NULL OR c.severity = ?3 OR"
	    "  (?3 = 'unscored' AND c.severity IS NULL)) AND"
	    " (?4 IS NULL OR c.created >= ?4)"
	    " ORDER BY c.created, c.year, c.seq", &s, error_r) < 0)
		return -1;
	st_bind_text(s, 1, f->status);
	st_bind_text(s, 2, f->assignee);
	st_bind_text(s, 3, f->severity);
	st_bind_text(s, 4, f->since);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			rows = xreallocarray(rows, alloc, sizeof(*rows));
		}
		memset(&rows[n], 0, sizeof(rows[n]));
		case_row(s, &rows[n++]);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_case_rows_free(&rows, n);
		return st_err(st, "list cases", error_r);
	}
	*rows_r = rows;
	*n_r = n;
	return 0;
}

/* store_case_list - cases, oldest first */
int
store_case_list(struct store *st, const char *status_filter,
    struct store_case_row **rows_r, size_t *n_r, char **error_r)
{
	struct store_case_filter f;

	memset(&f, 0, sizeof(f));
	f.status = status_filter;
	return store_case_query(st, &f, rows_r, n_r, error_r);
}

/* load_attachments - the attachment rows of one message */
static int
load_attachments(struct store *st, long long msg,
    struct store_message_row *m, char **error_r)
{
	size_t alloc = 0;
	sqlite3_stmt *s;
	int rc;

	if (st_prepare(st, "SELECT name, declared_type, sniffed_type, size,"
	    " sha256 FROM attachments WHERE message = ? ORDER BY idx", &s,
	    error_r) < 0)
		return -1;
	sqlite3_bind_int64(s, 1, msg);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_attachment_row *a;

		if (m->natt == alloc) {
			alloc = alloc ? 2 * alloc : 4;
			m->att = xreallocarray(m->att, alloc, sizeof(*m->att));
		}
		a = &m->att[m->natt++];
		a->name = st_col_str(s, 0);
		a->type = st_col_str(s, 1);
		a->sniffed_type = st_col_str(s, 2);
		a->size = sqlite3_column_int64(s, 3);
		a->sha256 = st_col_str(s, 4);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return st_err(st, "load attachments", error_r);
	return 0;
}

/* store_case_get - one case and its messages */
int
store_case_get(struct store *st, const char *case_id,
    struct store_case_row **row_r, struct store_message_row **msgs_r,
    size_t *nmsgs_r, char **error_r)
{
	struct store_message_row *msgs = NULL;
	size_t n = 0, alloc = 0;
	sqlite3_stmt *s;
	int rc;

	*row_r = NULL;
	*msgs_r = NULL;
	*nmsgs_r = 0;
	if (st_prepare(st, "SELECT " CASE_COLUMNS " WHERE c.id = ?", &s,
	    error_r) < 0)
		return -1;
	st_bind_text(s, 1, case_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*row_r = xcalloc(1, sizeof(**row_r));
		case_row(s, *row_r);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return st_err(st, "read case", error_r);
	if (*row_r == NULL)
		return 0;
	if (st_prepare(st, "SELECT id, direction, received, message_id,"
	    " envelope_sender, from_hdr, date_hdr, subject, inner_subject,"
	    " inner_from, encryption, signature, signer_fpr, processing,"
	    " quarantine_reason, flags, raw_sha256, raw_path, size, body"
	    " FROM messages WHERE case_id = ? ORDER BY received, id", &s,
	    error_r) < 0)
		goto fail;
	st_bind_text(s, 1, case_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_message_row *m;

		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 4;
			msgs = xreallocarray(msgs, alloc, sizeof(*msgs));
		}
		m = &msgs[n++];
		memset(m, 0, sizeof(*m));
		m->direction = st_col_str(s, 1);
		m->received = st_col_str(s, 2);
		m->message_id = st_col_str(s, 3);
		m->envelope_sender = st_col_str(s, 4);
		m->from = st_col_str(s, 5);
		m->date = st_col_str(s, 6);
		m->subject = st_col_str(s, 7);
		m->inner_subject = st_col_str(s, 8);
		m->inner_from = st_col_str(s, 9);
		m->encryption = st_col_str(s, 10);
		m->signature = st_col_str(s, 11);
		m->signer_fpr = st_col_str(s, 12);
		m->processing = st_col_str(s, 13);
		m->quarantine_reason = st_col_str(s, 14);
		m->flags = st_col_str(s, 15);
		m->raw_sha256 = st_col_str(s, 16);
		m->raw_path = st_col_str(s, 17);
		m->size = sqlite3_column_int64(s, 18);
		m->body = st_col_str(s, 19);
		if (load_attachments(st, sqlite3_column_int64(s, 0), m,
		    error_r) < 0) {
			sqlite3_finalize(s);
			goto fail;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		st_err(st, "read messages", error_r);
		goto fail;
	}
	*msgs_r = msgs;
	*nmsgs_r = n;
	return 0;
fail:
	store_message_rows_free(&msgs, n);
	store_case_rows_free(row_r, 1);
	return -1;
}

/* store_case_rows_free - release case rows */
void
store_case_rows_free(struct store_case_row **rows, size_t n)
{
	size_t i;

	if (*rows == NULL)
		return;
	for (i = 0; i < n; i++) {
		struct store_case_row *c = &(*rows)[i];

		free(c->id), free(c->status), free(c->created);
		free(c->updated), free(c->reporter), free(c->subject);
		free(c->encryption), free(c->signature), free(c->severity);
		free(c->cvss_vector), free(c->assignee), free(c->cve);
		free(c->reporter_fpr), free(c->acknowledged);
		free(c->embargo), free(c->credit), free(c->duplicate_of);
		free(c->triaged);
	}
	free(*rows);
	*rows = NULL;
}

/* store_message_rows_free - release message rows */
void
store_message_rows_free(struct store_message_row **rows, size_t n)
{
	size_t i, j;

	if (*rows == NULL)
		return;
	for (i = 0; i < n; i++) {
		struct store_message_row *m = &(*rows)[i];

		free(m->direction), free(m->received), free(m->message_id);
		free(m->envelope_sender), free(m->from), free(m->date);
		free(m->subject), free(m->inner_subject), free(m->inner_from);
		free(m->encryption), free(m->signature), free(m->signer_fpr);
		free(m->processing), free(m->quarantine_reason);
		free(m->flags), free(m->raw_sha256), free(m->raw_path);
		free(m->body);
		for (j = 0; j < m->natt; j++) {
			free(m->att[j].name), free(m->att[j].type);
			free(m->att[j].sniffed_type), free(m->att[j].sha256);
		}
		free(m->att);
	}
	free(*rows);
	*rows = NULL;
}

/* ---- triage: the workflow and the case fields ------------------------ */

/* The workflow of DESIGN.md: from -> the statuses it may move to. */
static const struct {
	const char *from;
	const char *to[3];
	const char *text;
} workflow[] = {
	{ "new", { "triage" }, "triage" },
	{ "triage", { "accepted", "rejected", "duplicate" },
	    "accepted, rejected, duplicate" },
	{ "accepted", { "fixing" }, "fixing" },
	{ "rejected", { "closed" }, "closed" },
	{ "duplicate", { "closed" }, "closed" },
	{ "fixing", { "disclosed" }, "disclosed" },
	{ "disclosed", { "closed" }, "closed" },
	{ "closed", { NULL }, "(none: closed is final)" },
};

static const struct {
	const char *action;
	const char *get;
	const char *set;
} fields[STORE_FIELD__COUNT] = {
	{ "assignee", "SELECT assignee FROM cases WHERE id = ?",
	    "UPDATE cases SET assignee = ?, updated = ? WHERE id = ?" },
	{ "cve", "SELECT cve FROM cases WHERE id = ?",
	    "UPDATE cases SET cve = ?, updated = ? WHERE id = ?" },
	{ "embargo", "SELECT embargo FROM cases WHERE id = ?",
	    "UPDATE cases SET embargo = ?, updated = ? WHERE id = ?" },
};

/* store_status_allowed - 1 if the workflow allows from -> to */
int
store_status_allowed(const char *from, const char *to)
{
	size_t i, j;

	if (from == NULL || to == NULL)
		return 0;
	for (i = 0; i < PSIRT_NELEM(workflow); i++) {
		if (strcmp(workflow[i].from, from) != 0)
			continue;
		for (j = 0; j < 3 && workflow[i].to[j] != NULL; j++)
			if (strcmp(workflow[i].to[j], to) == 0)
				return 1;
	}
	return 0;
}

/* store_status_next - the statuses reachable from one, for a message */
const char *
store_status_next(const char *from)
{
	size_t i;

	for (i = 0; from != NULL && i < PSIRT_NELEM(workflow); i++)
		if (strcmp(workflow[i].from, from) == 0)
			return workflow[i].text;
	return "(unknown status)";
}

/* store_field_name - the event action word of a field */
const char *
store_field_name(enum store_field f)
{
	PSIRT_ASSERT((unsigned)f < STORE_FIELD__COUNT);
	return fields[f].action;
}

/* refuse - roll back and return STORE_REFUSED with a formatted reason */
static int
refuse(struct store *st, char **error_r, const char *fmt, ...)
    PSIRT_PRINTF(3, 4);
static int
refuse(struct store *st, char **error_r, const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	char msg[512];
	int n;

	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		msg[0] = '\0';
	else if ((size_t)n >= sizeof(msg))
		memcpy(msg + sizeof(msg) - 4, "...", 4);
	buf_init(&b, sizeof(msg) + 1);
	(void)buf_puts(&b, msg);
	*error_r = buf_steal(&b);
	return STORE_REFUSED;
}

/* same - two optional strings are equal */
static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/*
 * read_text - one text column of a one-row query bound to case_id;
 * *found_r 0 if no row. *value_r is a copy or NULL.
 */
static int
read_text(struct store *st, const char *sql, const char *case_id,
    char **value_r, int *found_r, char **error_r)
{
	sqlite3_stmt *s;
	int rc;

	*value_r = NULL;
	*found_r = 0;
	if (st_prepare(st, sql, &s, error_r) < 0)
		return -1;
	st_bind_text(s, 1, case_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*found_r = 1;
		*value_r = st_col_str(s, 0);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return st_err(st, "read case", error_r);
	return 0;
}

/* begin_change - BEGIN IMMEDIATE (a writer) on a read-write handle */
static int
begin_change(struct store *st, char **error_r)
{
	PSIRT_ASSERT(st->mode == STORE_RW);
	return st_exec(st, "BEGIN IMMEDIATE", error_r);
}

/* finish_change - COMMIT, or roll back on failure; STORE_OK or -1 */
static int
finish_change(struct store *st, int rc, char **error_r)
{
	if (rc < 0 || st_exec(st, "COMMIT", error_r) < 0) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return STORE_OK;
}

/* update3 - run "UPDATE ... SET x = ?1, updated = ?2 WHERE id = ?3" */
static int
update3(struct store *st, const char *sql, const char *value,
    const char *now, const char *case_id, char **error_r)
{
	sqlite3_stmt *s;

	if (st_prepare(st, sql, &s, error_r) < 0)
		return -1;
	st_bind_text(s, 1, value);
	st_bind_text(s, 2, now);
	st_bind_text(s, 3, case_id);
	return st_step_done(st, s, "update case", error_r);
}

/* store_case_set_status - move a case along the workflow */
int
store_case_set_status(struct store *st, const char *case_id,
    const char *status, const char *duplicate_of, const char *actor,
    time_t when, char **error_r)
{
	char now[32], *cur = NULL, *dup = NULL, *other = NULL;
	int found, rc = STORE_OK;
	sqlite3_stmt *s;

	if (case_status_from_str(status) < 0)
		return refuse(st, error_r, "unknown status \"%s\"", status);
	if (begin_change(st, error_r) < 0)
		return -1;
	if (read_text(st, "SELECT status FROM cases WHERE id = ?", case_id,
	    &cur, &found, error_r) < 0)
		goto fail;
	if (!found) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return STORE_NOT_FOUND;
	}
	if (read_text(st, "SELECT duplicate_of FROM cases WHERE id = ?",
	    case_id, &dup, &found, error_r) < 0)
		goto fail;
	if (strcmp(status, "duplicate") == 0) {
		if (duplicate_of == NULL)
			rc = refuse(st, error_r, "duplicate: which case does "
			    "it duplicate? (--of CASE)");
		else if (strcmp(duplicate_of, case_id) == 0)
			rc = refuse(st, error_r, "a case cannot duplicate "
			    "itself");
		else if (read_text(st, "SELECT id FROM cases WHERE id = ?",
		    duplicate_of, &other, &found, error_r) < 0)
			goto fail;
		else if (!found)
			rc = refuse(st, error_r, "duplicate of %s: no such "
			    "case", duplicate_of);
		if (rc != STORE_OK)
			goto out;
	} else if (duplicate_of != NULL) {
		rc = refuse(st, error_r, "--of is only for the status "
		    "duplicate");
		goto out;
	}
	if (strcmp(cur, status) == 0) {
		if (duplicate_of != NULL && !same(dup, duplicate_of))
			rc = refuse(st, error_r, "already a duplicate of %s",
			    dup != NULL ? dup : "(unknown)");
		else {
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			rc = STORE_UNCHANGED;
		}
		goto out;
	}
	if (!store_status_allowed(cur, status)) {
		rc = refuse(st, error_r, "cannot go from %s to %s (from %s: "
		    "%s)", cur, status, cur, store_status_next(cur));
		goto out;
	}
	st_iso_time(when, now);
	if (st_prepare(st, "UPDATE cases SET status = ?, updated = ?,"
	    " duplicate_of = COALESCE(?, duplicate_of) WHERE id = ?", &s,
	    error_r) < 0)
		goto fail;
	st_bind_text(s, 1, status);
	st_bind_text(s, 2, now);
	st_bind_text(s, 3, duplicate_of);
	st_bind_text(s, 4, case_id);
	if (st_step_done(st, s, "update status", error_r) < 0 ||
	    st_add_event(st, case_id, now, actor, "status", cur, status,
	    error_r) < 0 ||
	    (duplicate_of != NULL && st_add_event(st, case_id, now, actor,
	    "duplicate-of", dup, duplicate_of, error_r) < 0))
		goto fail;
	rc = finish_change(st, 0, error_r);
	goto out;
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	rc = -1;
out:
	free(cur);
	free(dup);
	free(other);
	return rc;
}

/* store_case_set_field - set or clear a field */
int
store_case_set_field(struct store *st, const char *case_id,
    enum store_field field, const char *value, const char *actor,
    time_t when, char **error_r)
{
	char now[32], *old = NULL;
	int found, rc;

	PSIRT_ASSERT((unsigned)field < STORE_FIELD__COUNT);
	if (begin_change(st, error_r) < 0)
		return -1;
	if (read_text(st, fields[field].get, case_id, &old, &found,
	    error_r) < 0) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (!found || same(old, value)) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		free(old);
		return found ? STORE_UNCHANGED : STORE_NOT_FOUND;
	}
	st_iso_time(when, now);
	rc = update3(st, fields[field].set, value, now, case_id, error_r);
	if (rc == 0)
		rc = st_add_event(st, case_id, now, actor, fields[field].action,
		    old, value, error_r);
	free(old);
	return finish_change(st, rc, error_r);
}

/* store_case_set_credit - credit a name, anonymous, or clear */
int
store_case_set_credit(struct store *st, const char *case_id,
    const char *name, int anonymous, const char *actor, time_t when,
    char **error_r)
{
	char now[32], *old = NULL, *anon = NULL;
	const char *was;
	int found, rc, was_anon;
	sqlite3_stmt *s;

	PSIRT_ASSERT(!(anonymous && name != NULL));
	if (begin_change(st, error_r) < 0)
		return -1;
	if (read_text(st, "SELECT credit FROM cases WHERE id = ?", case_id,
	    &old, &found, error_r) < 0 || (found && read_text(st,
	    "SELECT credit_anonymous FROM cases WHERE id = ?", case_id,
	    &anon, &found, error_r) < 0)) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		free(old);
		return -1;
	}
	was_anon = anon != NULL && strcmp(anon, "0") != 0;
	free(anon);
	if (!found || (anonymous && was_anon) ||
	    (!anonymous && !was_anon && same(old, name))) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		free(old);
		return found ? STORE_UNCHANGED : STORE_NOT_FOUND;
	}
	was = was_anon ? "(anonymous)" : old;
	st_iso_time(when, now);
	rc = st_prepare(st, "UPDATE cases SET credit = ?, credit_anonymous = ?,"
	    " updated = ? WHERE id = ?", &s, error_r);
	if (rc == 0) {
		st_bind_text(s, 1, name);
		sqlite3_bind_int(s, 2, anonymous ? 1 : 0);
		st_bind_text(s, 3, now);
		st_bind_text(s, 4, case_id);
		rc = st_step_done(st, s, "update credit", error_r);
	}
	if (rc == 0)
		rc = st_add_event(st, case_id, now, actor, anonymous ?
		    "credit-anonymous" : "credit", was, anonymous ? "yes" :
		    name, error_r);
	free(old);
	return finish_change(st, rc, error_r);
}

/* cvss_text - "SCORE RATING VECTOR", the cvss event's value */
static char *
cvss_text(const char *vector, int score10, const char *severity)
{
	struct buf b;

	if (vector == NULL)
		return NULL;
	buf_init(&b, strlen(vector) + (severity ? strlen(severity) : 0) +
	    32);
	(void)buf_printf(&b, "%d.%d %s %s", score10 / 10, score10 % 10,
	    severity != NULL ? severity : "-", vector);
	return buf_steal(&b);
}

/* read_cvss - the stored cvss event value of a case (NULL if unscored) */
static int
read_cvss(struct store *st, const char *case_id, char **text_r,
    int *found_r, char **error_r)
{
	sqlite3_stmt *s;
	int rc;

	*text_r = NULL;
	*found_r = 0;
	if (st_prepare(st, "SELECT cvss_vector, cvss_score, severity FROM cases"
	    " WHERE id = ?", &s, error_r) < 0)
		return -1;
	st_bind_text(s, 1, case_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		double score = sqlite3_column_double(s, 1);

		*found_r = 1;
		*text_r = cvss_text(st_cstr(s, 0), (int)(score * 10 + 0.5),
		    st_cstr(s, 2));
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return st_err(st, "read case", error_r);
	return 0;
}

/* store_case_set_cvss - the vector, its score and rating */
int
store_case_set_cvss(struct store *st, const char *case_id,
    const char *vector, int score10, const char *severity,
    const char *actor, time_t when, char **error_r)
{
	char now[32], *old = NULL, *new;
	int found, rc;
	sqlite3_stmt *s;

	PSIRT_ASSERT(vector != NULL && severity != NULL);
	PSIRT_ASSERT(score10 >= 0 && score10 <= 100);
	if (begin_change(st, error_r) < 0)
		return -1;
	if (read_cvss(st, case_id, &old, &found, error_r) < 0) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	new = cvss_text(vector, score10, severity);
	if (!found || same(old, new)) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		free(old);
		free(new);
		return found ? STORE_UNCHANGED : STORE_NOT_FOUND;
	}
	st_iso_time(when, now);
	rc = st_prepare(st, "UPDATE cases SET cvss_vector = ?, cvss_score = ?,"
	    " severity = ?, updated = ? WHERE id = ?", &s, error_r);
	if (rc == 0) {
		st_bind_text(s, 1, vector);
		sqlite3_bind_double(s, 2, score10 / 10.0);
		st_bind_text(s, 3, severity);
		st_bind_text(s, 4, now);
		st_bind_text(s, 5, case_id);
		rc = st_step_done(st, s, "update cvss", error_r);
	}
	if (rc == 0)
		rc = st_add_event(st, case_id, now, actor, "cvss", old, new,
		    error_r);
	free(old);
	free(new);
	return finish_change(st, rc, error_r);
}

/* store_case_add_note - append a note */
int
store_case_add_note(struct store *st, const char *case_id,
    const char *text, const char *actor, time_t when, char **error_r)
{
	char now[32], *id = NULL;
	int found, rc;
	sqlite3_stmt *s;

	PSIRT_ASSERT(text != NULL);
	if (begin_change(st, error_r) < 0)
		return -1;
	if (read_text(st, "SELECT id FROM cases WHERE id = ?", case_id, &id,
	    &found, error_r) < 0) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	free(id);
	if (!found) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return STORE_NOT_FOUND;
	}
	st_iso_time(when, now);
	rc = st_prepare(st, "UPDATE cases SET updated = ? WHERE id = ?", &s,
	    error_r);
	if (rc == 0) {
		st_bind_text(s, 1, now);
		st_bind_text(s, 2, case_id);
		rc = st_step_done(st, s, "update case", error_r);
	}
	if (rc == 0)
		rc = st_add_event(st, case_id, now, actor, "note", NULL, text,
		    error_r);
	return finish_change(st, rc, error_r);
}

/* ---- audit: events, the chain, the cases against their events ------ */

/* event_row - fill an event row from an EVENT_COLUMNS statement */
static void
event_row(sqlite3_stmt *s, struct store_event_row *e)
{
	e->id = sqlite3_column_int64(s, 0);
	e->case_id = st_col_str(s, 1);
	e->time = st_col_str(s, 2);
	e->actor = st_col_str(s, 3);
	e->action = st_col_str(s, 4);
	e->old = st_col_str(s, 5);
	e->new = st_col_str(s, 6);
	e->prev_hash = st_col_str(s, 7);
	e->hash = st_col_str(s, 8);
}

#define EVENT_COLUMNS \
	"id, case_id, time, actor, action, old, new, prev_hash, hash"

/* store_event_list - a case's events (all if case_id NULL), in order */
int
store_event_list(struct store *st, const char *case_id,
    struct store_event_row **rows_r, size_t *n_r, char **error_r)
{
	struct store_event_row *rows = NULL;
	size_t n = 0, alloc = 0;
	sqlite3_stmt *s;
	int rc;

	*rows_r = NULL;
	*n_r = 0;
	if (st_prepare(st, "SELECT " EVENT_COLUMNS " FROM events WHERE"
	    " ?1 IS NULL OR case_id = ?1 ORDER BY id", &s, error_r) < 0)
		return -1;
	st_bind_text(s, 1, case_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			rows = xreallocarray(rows, alloc, sizeof(*rows));
		}
		event_row(s, &rows[n++]);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_event_rows_free(&rows, n);
		return st_err(st, "list events", error_r);
	}
	*rows_r = rows;
	*n_r = n;
	return 0;
}

/* store_event_rows_free - release event rows */
void
store_event_rows_free(struct store_event_row **rows, size_t n)
{
	size_t i;

	if (*rows == NULL)
		return;
	for (i = 0; i < n; i++) {
		struct store_event_row *e = &(*rows)[i];

		free(e->case_id), free(e->time), free(e->actor);
		free(e->action), free(e->old), free(e->new);
		free(e->prev_hash), free(e->hash);
	}
	free(*rows);
	*rows = NULL;
}

/* broken - record the first problem found */
static void
broken(struct store_verify *v, long long id, const char *case_id,
    const char *fmt, ...) PSIRT_PRINTF(4, 5);
static void
broken(struct store_verify *v, long long id, const char *case_id,
    const char *fmt, ...)
{
	va_list ap;
	int n;

	v->ok = 0;
	v->bad_event = id;
	n = snprintf(v->bad_case, sizeof(v->bad_case), "%s",
	    case_id != NULL ? case_id : "");
	if (n < 0 || (size_t)n >= sizeof(v->bad_case))
		v->bad_case[0] = '\0';		/* not a case ID of ours */
	va_start(ap, fmt);
	n = vsnprintf(v->reason, sizeof(v->reason), fmt, ap);
	va_end(ap);
	if (n < 0)
		v->reason[0] = '\0';
	else if ((size_t)n >= sizeof(v->reason))
		memcpy(v->reason + sizeof(v->reason) - 4, "...", 4);
}

/* store_verify_log - walk the hash chain */
int
store_verify_log(struct store *st, struct store_verify *v, char **error_r)
{
	char prev[STORE_HASH_HEX + 1], hash[STORE_HASH_HEX + 1];
	char *head = NULL;
	sqlite3_stmt *s;
	int rc, found;

	memset(v, 0, sizeof(*v));
	v->ok = 1;
	memcpy(prev, GENESIS_HASH, sizeof(prev));
	if (st_prepare(st, "SELECT " EVENT_COLUMNS " FROM events ORDER BY id",
	    &s, error_r) < 0)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(s, 0);
		const char *case_id = st_cstr(s, 1), *ph = st_cstr(s, 7);
		const char *h = st_cstr(s, 8);

		v->events++;
		if (ph == NULL || strcmp(ph, prev) != 0) {
			broken(v, id, case_id, "event %lld does not link to "
			    "the event before it (an event was removed, "
			    "inserted or reordered before it)", id);
			break;
		}
		event_hash(id, case_id, st_cstr(s, 2), st_cstr(s, 3),
		    st_cstr(s, 4), st_cstr(s, 5), st_cstr(s, 6), ph, hash);
		if (h == NULL || strcmp(h, hash) != 0) {
			broken(v, id, case_id, "event %lld does not match its "
			    "hash (its content was changed)", id);
			break;
		}
		memcpy(prev, hash, sizeof(prev));
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return st_err(st, "read events", error_r);
	memcpy(v->head, prev, sizeof(v->head));
	if (!v->ok)
		return 0;
	if (read_text(st, "SELECT value FROM meta WHERE key = ?",
	    "event_head", &head, &found, error_r) < 0)
		return -1;
	if (!found || head == NULL || strcmp(head, prev) != 0)
		broken(v, 0, NULL, "the last event (%lld events) is not the "
		    "recorded head of the log (events were removed from its "
		    "end)", v->events);
	free(head);
	return 0;
}

/* Per-case state replayed from the events. */
struct replay {
	char *status, *assignee, *cve, *embargo, *credit, *dup, *cvss;
	char *first_ack;
	int anonymous, created;
	long long inbound;
};

/* replay_set - replace one replayed value */
static void
replay_set(char **field, const char *value)
{
	free(*field);
	*field = value != NULL ? xstrdup(value) : NULL;
}

/* replay_free - release a replayed state */
static void
replay_free(struct replay *r)
{
	free(r->status), free(r->assignee), free(r->cve), free(r->embargo);
	free(r->credit), free(r->dup), free(r->cvss), free(r->first_ack);
	memset(r, 0, sizeof(*r));
}

/* replay_case - a case's fields as its events set them */
static int
replay_case(struct store *st, const char *case_id, struct replay *r,
    char **error_r)
{
	sqlite3_stmt *s;
	int rc;

	memset(r, 0, sizeof(*r));
	if (st_prepare(st, "SELECT action, new, time FROM events WHERE"
	    " case_id = ? ORDER BY id", &s, error_r) < 0)
		return -1;
	st_bind_text(s, 1, case_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *a = st_cstr(s, 0), *nv = st_cstr(s, 1);

		if (a == NULL)
			continue;
		if (strcmp(a, "case-created") == 0) {
			r->created = 1;
			replay_set(&r->status, nv);
		} else if (strcmp(a, "status") == 0)
			replay_set(&r->status, nv);
		else if (strcmp(a, "assignee") == 0)
			replay_set(&r->assignee, nv);
		else if (strcmp(a, "cve") == 0)
			replay_set(&r->cve, nv);
		else if (strcmp(a, "embargo") == 0)
			replay_set(&r->embargo, nv);
		else if (strcmp(a, "credit") == 0) {
			replay_set(&r->credit, nv);
			r->anonymous = 0;
		} else if (strcmp(a, "credit-anonymous") == 0) {
			replay_set(&r->credit, NULL);
			r->anonymous = 1;
		} else if (strcmp(a, "duplicate-of") == 0)
			replay_set(&r->dup, nv);
		else if (strcmp(a, "cvss") == 0)
			replay_set(&r->cvss, nv);
		else if (strcmp(a, "message-stored") == 0 ||
		    strcmp(a, "followup-stored") == 0)
			r->inbound++;
		else if (strcmp(a, "ack-sent") == 0 && r->first_ack == NULL)
			replay_set(&r->first_ack, st_cstr(s, 2));
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		replay_free(r);
		return st_err(st, "read events", error_r);
	}
	return 0;
}

/* differs - record "FIELD is 'x' but its events say 'y'" if they differ */
static int
differs(struct store_verify *v, const char *case_id, const char *field,
    const char *is, const char *says)
{
	if (same(is, says))
		return 0;
	broken(v, 0, case_id, "%s: %s is %s%s%s but its events say %s%s%s",
	    case_id, field, is ? "'" : "", is ? is : "unset", is ? "'" : "",
	    says ? "'" : "", says ? says : "unset", says ? "'" : "");
	return 1;
}

/* store_verify_cases - each case's fields against its events */
int
store_verify_cases(struct store *st, struct store_verify *v, char **error_r)
{
	sqlite3_stmt *s;
	struct replay r;
	int rc;

	memset(v, 0, sizeof(*v));
	v->ok = 1;
	if (st_prepare(st, "SELECT c.id, c.status, c.assignee, c.cve,"
	    " c.embargo, c.credit, c.credit_anonymous, c.duplicate_of,"
	    " c.cvss_vector, c.cvss_score, c.severity, (SELECT COUNT(*)"
	    " FROM messages m WHERE m.case_id = c.id AND m.direction = 'in'),"
	    " c.first_ack FROM cases c ORDER BY c.year, c.seq, c.id", &s,
	    error_r) < 0)
		return -1;
	while (v->ok && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *id = st_cstr(s, 0);
		char *cvss = cvss_text(st_cstr(s, 8),
		    (int)(sqlite3_column_double(s, 9) * 10 + 0.5),
		    st_cstr(s, 10));

		if (replay_case(st, id, &r, error_r) < 0) {
			free(cvss);
			sqlite3_finalize(s);
			return -1;
		}
		v->events++;
		if (!r.created)
			broken(v, 0, id, "%s: the case has no case-created "
			    "event (it was added outside the log)", id);
		else if (differs(v, id, "status", st_cstr(s, 1), r.status) ||
		    differs(v, id, "assignee", st_cstr(s, 2), r.assignee) ||
		    differs(v, id, "cve", st_cstr(s, 3), r.cve) ||
		    differs(v, id, "embargo", st_cstr(s, 4), r.embargo) ||
		    differs(v, id, "credit", st_cstr(s, 5), r.credit) ||
		    differs(v, id, "duplicate_of", st_cstr(s, 7), r.dup) ||
		    differs(v, id, "cvss", cvss, r.cvss) ||
		    differs(v, id, "first_ack", st_cstr(s, 12), r.first_ack))
			;
		else if ((sqlite3_column_int(s, 6) != 0) != r.anonymous)
			broken(v, 0, id, "%s: anonymous credit is %s but its "
			    "events say %s", id, r.anonymous ? "off" : "on",
			    r.anonymous ? "on" : "off");
		else if (sqlite3_column_int64(s, 11) != r.inbound)
			broken(v, 0, id, "%s: %lld inbound messages but %lld "
			    "message-stored events", id,
			    (long long)sqlite3_column_int64(s, 11), r.inbound);
		free(cvss);
		replay_free(&r);
	}
	sqlite3_finalize(s);
	if (v->ok && rc != SQLITE_DONE)
		return st_err(st, "read cases", error_r);
	if (!v->ok)
		return 0;
	if (st_prepare(st, "SELECT e.id, e.case_id FROM events e WHERE"
	    " NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = e.case_id)"
	    " ORDER BY e.id LIMIT 1", &s, error_r) < 0)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		broken(v, sqlite3_column_int64(s, 0), st_cstr(s, 1),
		    "events of %s but no such case (it was deleted)",
		    st_cstr(s, 1) != NULL ? st_cstr(s, 1) : "(null)");
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return st_err(st, "read events", error_r);
	return 0;
}

/* store_acks_recorded - 1 if any case has a first_ack time */
int
store_acks_recorded(struct store *st, int *yes_r, char **error_r)
{
	sqlite3_stmt *s;
	int rc;

	*yes_r = 0;
	if (st_prepare(st, "SELECT EXISTS (SELECT 1 FROM cases WHERE first_ack"
	    " IS NOT NULL)", &s, error_r) < 0)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*yes_r = sqlite3_column_int(s, 0) != 0;
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return st_err(st, "read cases", error_r);
	return 0;
}

/* store_attachment_get - the n-th attachment of a case, with content */
int
store_attachment_get(struct store *st, const char *case_id, size_t n,
    struct store_blob *blob, char **error_r)
{
	sqlite3_stmt *s;
	const void *data;
	int rc, bytes;

	memset(blob, 0, sizeof(*blob));
	if (n == 0 || n > (size_t)INT32_MAX)
		return STORE_NOT_FOUND;
	if (st_prepare(st, "SELECT a.name, a.declared_type, a.content, a.sha256"
	    " FROM attachments a JOIN messages m ON a.message = m.id"
	    " WHERE m.case_id = ? ORDER BY m.received, m.id, a.idx"
	    " LIMIT 1 OFFSET ?", &s, error_r) < 0)
		return -1;
	st_bind_text(s, 1, case_id);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)n - 1);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		blob->name = st_col_str(s, 0);
		blob->type = st_col_str(s, 1);
		data = sqlite3_column_blob(s, 2);
		bytes = sqlite3_column_bytes(s, 2);
		blob->size = bytes > 0 ? (size_t)bytes : 0;
		blob->data = xmalloc(blob->size + 1);
		if (blob->size > 0)
			memcpy(blob->data, data, blob->size);
		blob->sha256 = st_col_str(s, 3);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_blob_free(blob);
		return st_err(st, "read attachment", error_r);
	}
	return rc == SQLITE_ROW ? STORE_OK : STORE_NOT_FOUND;
}

/* store_blob_free - release an attachment's content */
void
store_blob_free(struct store_blob *blob)
{
	free(blob->name);
	free(blob->type);
	free(blob->data);
	free(blob->sha256);
	memset(blob, 0, sizeof(*blob));
}
