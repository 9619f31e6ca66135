/*
 * NAME
 *	store - the queue: SQLite schema, migrations, transactions, queries
 * DESCRIPTION
 *	See include/psirt/store.h. Schema version 1 (DESIGN.md "What is
 *	stored"): cases, messages, attachments (content as a blob: inert,
 *	never rendered), events (append-only audit log). Times are ISO 8601
 *	UTC text; statuses are words.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "psirt/buf.h"
#include "psirt/store.h"
#include "psirt/xalloc.h"

#define STORE_SCHEMA_VERSION 1

struct store {
	sqlite3 *db;
	char *path;
	int mode;
};

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

/* store_err - "database PATH: what: sqlite message" into error_r */
static int
store_err(struct store *st, const char *what, char **error_r)
{
	struct buf b;

	buf_init(&b, 4096);
	(void)buf_printf(&b, "database %s: %s: %s", st->path, what,
	    st->db != NULL ? sqlite3_errmsg(st->db) : "cannot open");
	*error_r = buf_steal(&b);
	return -1;
}

/* exec - run SQL without results */
static int
exec(struct store *st, const char *sql, char **error_r)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_err(st, sql, error_r);
	return 0;
}

/* iso_time - ISO 8601 UTC text for t */
static void
iso_time(time_t t, char out[32])
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
		return store_err(st, "read schema version", error_r);
	}
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*version_r = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_err(st, "read schema version", error_r);
	return 0;
}

/* migrate - bring the schema to STORE_SCHEMA_VERSION */
static int
migrate(struct store *st, char **error_r)
{
	int version;

	if (exec(st, "BEGIN IMMEDIATE", error_r) < 0)
		return -1;
	if (schema_version(st, &version, error_r) < 0)
		goto fail;
	if (version > STORE_SCHEMA_VERSION) {
		(void)exec(st, "ROLLBACK", error_r);
		free(*error_r);
		return store_err(st, "schema newer than this program",
		    error_r);
	}
	if (version < 1 && exec(st, schema_v1, error_r) < 0)
		goto fail;
	return exec(st, "COMMIT", error_r);
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
		 * Create the file group-readable (psirt-staff) whatever the
		 * filter's umask; SQLite gives -wal and -shm the same mode.
		 */
		int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
		    0640);

		if (fd >= 0) {
			(void)fchmod(fd, 0640);
			(void)close(fd);
		}
	}
	if (sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK) {
		store_err(st, "cannot open", error_r);
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
		if (exec(st, "PRAGMA journal_mode=WAL", error_r) < 0 ||
		    exec(st, "PRAGMA synchronous=FULL", error_r) < 0 ||
		    exec(st, "PRAGMA foreign_keys=ON", error_r) < 0 ||
		    migrate(st, error_r) < 0)
			goto fail;
	} else {
		if (schema_version(st, &version, error_r) < 0)
			goto fail;
		if (version != STORE_SCHEMA_VERSION) {
			store_err(st, version == 0 ? "not a psirt queue (no "
			    "schema)" : "unsupported schema version", error_r);
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

/* bind_text - bind a string or NULL */
static int
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	return v != NULL ? sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT) :
	    sqlite3_bind_null(s, i);
}

/* step_done - step a statement expected to finish, then finalize it */
static int
step_done(struct store *st, sqlite3_stmt *s, const char *what,
    char **error_r)
{
	int rc = sqlite3_step(s);

	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_err(st, what, error_r);
	return 0;
}

/* prepare - compile SQL or fail with error_r */
static int
prepare(struct store *st, const char *sql, sqlite3_stmt **s, char **error_r)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, s, NULL) != SQLITE_OK)
		return store_err(st, "prepare", error_r);
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
	if (prepare(st, "SELECT case_id FROM messages WHERE raw_sha256 = ?"
	    " AND direction = 'in'", &s, error_r) < 0)
		return -1;
	bind_text(s, 1, sha);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		(void)snprintf(case_id, STORE_CASE_ID_MAX, "%s",
		    (const char *)sqlite3_column_text(s, 0));
		*found_r = 1;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_err(st, "look up raw digest", error_r);
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
		return store_err(st, "bad time", error_r);
	year = tm.tm_year + 1900;
	if (prepare(st, "SELECT COALESCE(MAX(seq), 0) + 1 FROM cases WHERE"
	    " prefix = ? AND year = ?", &s, error_r) < 0)
		return -1;
	bind_text(s, 1, in->case_prefix);
	sqlite3_bind_int(s, 2, year);
	if (sqlite3_step(s) == SQLITE_ROW)
		seq = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (seq <= 0)
		return store_err(st, "allocate case number", error_r);
	n = snprintf(case_id, STORE_CASE_ID_MAX, "%s-%04d-%04lld",
	    in->case_prefix, year, seq);
	if (n < 0 || n >= STORE_CASE_ID_MAX)
		return store_err(st, "case id too long", error_r);
	if (prepare(st, "INSERT INTO cases (id, prefix, year, seq, created,"
	    " updated, status, reporter, subject) VALUES (?,?,?,?,?,?,"
	    "'new',?,?)", &s, error_r) < 0)
		return -1;
	bind_text(s, 1, case_id);
	bind_text(s, 2, in->case_prefix);
	sqlite3_bind_int(s, 3, year);
	sqlite3_bind_int64(s, 4, seq);
	bind_text(s, 5, now);
	bind_text(s, 6, now);
	bind_text(s, 7, in->envelope_sender);
	bind_text(s, 8, r->subject);
	return step_done(st, s, "insert case", error_r);
}

/* insert_message - the message row and its attachments */
static int
insert_message(struct store *st, const struct store_inbound *in,
    const char *case_id, const char *now, char **error_r)
{
	const struct report *r = in->report;
	char flags[512];
	sqlite3_stmt *s;
	long long msg;
	size_t i;

	if (flags_format(r->flags, flags, sizeof(flags)) < 0)
		return store_err(st, "format flags", error_r);
	if (prepare(st, "INSERT INTO messages (case_id, direction, received,"
	    " message_id, raw_sha256, raw_path, size, envelope_sender,"
	    " from_hdr, from_addr, date_hdr, subject, inner_from,"
	    " inner_subject, encryption, signature, signer_fpr, processing,"
	    " quarantine_reason, flags, body) VALUES (?,'in',?,?,?,?,?,?,?,?,"
	    "?,?,?,?,?,?,?,?,?,?,?)", &s, error_r) < 0)
		return -1;
	bind_text(s, 1, case_id);
	bind_text(s, 2, now);
	bind_text(s, 3, r->message_id);
	bind_text(s, 4, in->raw_sha256);
	bind_text(s, 5, in->raw_path);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)in->size);
	bind_text(s, 7, in->envelope_sender);
	bind_text(s, 8, r->from);
	bind_text(s, 9, r->from_addr);
	bind_text(s, 10, r->date);
	bind_text(s, 11, r->subject);
	bind_text(s, 12, r->inner_from);
	bind_text(s, 13, r->inner_subject);
	bind_text(s, 14, enc_status_to_str(r->encryption));
	bind_text(s, 15, sig_status_to_str(r->signature));
	bind_text(s, 16, r->signer_fpr);
	bind_text(s, 17, processing_to_str(r->processing));
	bind_text(s, 18, r->quarantine_reason);
	bind_text(s, 19, flags);
	if (r->body != NULL)
		sqlite3_bind_text(s, 20, r->body, (int)r->body_len,
		    SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 20);
	if (step_done(st, s, "insert message", error_r) < 0)
		return -1;
	msg = sqlite3_last_insert_rowid(st->db);
	for (i = 0; i < r->natt; i++) {
		const struct attachment *a = &r->att[i];

		if (prepare(st, "INSERT INTO attachments (message, idx, name,"
		    " declared_type, sniffed_type, size, sha256, content)"
		    " VALUES (?,?,?,?,?,?,?,?)", &s, error_r) < 0)
			return -1;
		sqlite3_bind_int64(s, 1, msg);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)i + 1);
		bind_text(s, 3, a->name);
		bind_text(s, 4, a->declared_type);
		bind_text(s, 5, a->sniffed_type);
		sqlite3_bind_int64(s, 6, (sqlite3_int64)a->size);
		bind_text(s, 7, a->sha256);
		sqlite3_bind_blob64(s, 8, a->data, a->size, SQLITE_STATIC);
		if (step_done(st, s, "insert attachment", error_r) < 0)
			return -1;
	}
	return 0;
}

/* add_event - append an audit event */
static int
add_event(struct store *st, const char *case_id, const char *now,
    const char *actor, const char *action, const char *old, const char *new,
    char **error_r)
{
	sqlite3_stmt *s;

	if (prepare(st, "INSERT INTO events (case_id, time, actor, action,"
	    " old, new) VALUES (?,?,?,?,?,?)", &s, error_r) < 0)
		return -1;
	bind_text(s, 1, case_id);
	bind_text(s, 2, now);
	bind_text(s, 3, actor);
	bind_text(s, 4, action);
	bind_text(s, 5, old);
	bind_text(s, 6, new);
	return step_done(st, s, "insert event", error_r);
}

/* store_inbound_commit - store one inbound message in one transaction */
int
store_inbound_commit(struct store *st, const struct store_inbound *in,
    char case_id[STORE_CASE_ID_MAX], int *duplicate_r, char **error_r)
{
	char now[32];
	int found;

	PSIRT_ASSERT(st->mode == STORE_RW);
	*duplicate_r = 0;
	iso_time(in->received, now);
	if (exec(st, "BEGIN IMMEDIATE", error_r) < 0)
		return -1;
	if (find_inbound(st, in->raw_sha256, case_id, &found, error_r) < 0)
		goto fail;
	if (found) {
		*duplicate_r = 1;
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return 0;
	}
	if (new_case(st, in, now, case_id, error_r) < 0 ||
	    add_event(st, case_id, now, "psirt-filter", "case-created", NULL,
	    "new", error_r) < 0 ||
	    insert_message(st, in, case_id, now, error_r) < 0 ||
	    add_event(st, case_id, now, "psirt-filter", "message-stored",
	    NULL, processing_to_str(in->report->processing), error_r) < 0)
		goto fail;
	if (exec(st, "COMMIT", error_r) < 0)
		goto fail;
	return 0;
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* col_str - a copy of a text column, or NULL */
static char *
col_str(sqlite3_stmt *s, int i)
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
	" c.reporter_fpr, c.first_ack FROM cases c"

/* case_row - fill a case row from a CASE_COLUMNS statement */
static void
case_row(sqlite3_stmt *s, struct store_case_row *c)
{
	c->id = col_str(s, 0);
	c->status = col_str(s, 1);
	c->created = col_str(s, 2);
	c->updated = col_str(s, 3);
	c->reporter = col_str(s, 4);
	c->subject = col_str(s, 5);
	c->encryption = col_str(s, 6);
	c->signature = col_str(s, 7);
	c->messages = sqlite3_column_int64(s, 8);
	c->severity = col_str(s, 9);
	c->cvss_vector = col_str(s, 10);
	c->has_cvss_score = sqlite3_column_type(s, 11) != SQLITE_NULL;
	c->cvss_score = sqlite3_column_double(s, 11);
	c->assignee = col_str(s, 12);
	c->cve = col_str(s, 13);
	c->reporter_fpr = col_str(s, 14);
	c->acknowledged = col_str(s, 15);
}

/* store_case_list - cases, oldest first */
int
store_case_list(struct store *st, const char *status_filter,
    struct store_case_row **rows_r, size_t *n_r, char **error_r)
{
	struct store_case_row *rows = NULL;
	size_t n = 0, alloc = 0;
	sqlite3_stmt *s;
	int rc;

	if (prepare(st, "SELECT " CASE_COLUMNS " WHERE ?1 IS NULL OR"
	    " c.status = ?1 ORDER BY c.created, c.year, c.seq", &s,
	    error_r) < 0)
		return -1;
	bind_text(s, 1, status_filter);
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
		return store_err(st, "list cases", error_r);
	}
	*rows_r = rows;
	*n_r = n;
	return 0;
}

/* load_attachments - the attachment rows of one message */
static int
load_attachments(struct store *st, long long msg,
    struct store_message_row *m, char **error_r)
{
	size_t alloc = 0;
	sqlite3_stmt *s;
	int rc;

	if (prepare(st, "SELECT name, declared_type, sniffed_type, size,"
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
		a->name = col_str(s, 0);
		a->type = col_str(s, 1);
		a->sniffed_type = col_str(s, 2);
		a->size = sqlite3_column_int64(s, 3);
		a->sha256 = col_str(s, 4);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_err(st, "load attachments", error_r);
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
	if (prepare(st, "SELECT " CASE_COLUMNS " WHERE c.id = ?", &s,
	    error_r) < 0)
		return -1;
	bind_text(s, 1, case_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*row_r = xcalloc(1, sizeof(**row_r));
		case_row(s, *row_r);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_err(st, "read case", error_r);
	if (*row_r == NULL)
		return 0;
	if (prepare(st, "SELECT id, direction, received, message_id,"
	    " envelope_sender, from_hdr, date_hdr, subject, inner_subject,"
	    " inner_from, encryption, signature, signer_fpr, processing,"
	    " quarantine_reason, flags, raw_sha256, raw_path, size, body"
	    " FROM messages WHERE case_id = ? ORDER BY received, id", &s,
	    error_r) < 0)
		goto fail;
	bind_text(s, 1, case_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_message_row *m;

		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 4;
			msgs = xreallocarray(msgs, alloc, sizeof(*msgs));
		}
		m = &msgs[n++];
		memset(m, 0, sizeof(*m));
		m->direction = col_str(s, 1);
		m->received = col_str(s, 2);
		m->message_id = col_str(s, 3);
		m->envelope_sender = col_str(s, 4);
		m->from = col_str(s, 5);
		m->date = col_str(s, 6);
		m->subject = col_str(s, 7);
		m->inner_subject = col_str(s, 8);
		m->inner_from = col_str(s, 9);
		m->encryption = col_str(s, 10);
		m->signature = col_str(s, 11);
		m->signer_fpr = col_str(s, 12);
		m->processing = col_str(s, 13);
		m->quarantine_reason = col_str(s, 14);
		m->flags = col_str(s, 15);
		m->raw_sha256 = col_str(s, 16);
		m->raw_path = col_str(s, 17);
		m->size = sqlite3_column_int64(s, 18);
		m->body = col_str(s, 19);
		if (load_attachments(st, sqlite3_column_int64(s, 0), m,
		    error_r) < 0) {
			sqlite3_finalize(s);
			goto fail;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_err(st, "read messages", error_r);
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
