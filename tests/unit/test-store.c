/*
 * NAME
 *	test-store - the queue: numbering, redelivery, queries, read-only;
 *	schema 2: the status workflow, triage fields, the audit hash chain,
 *	tamper detection, the migration from schema 1
 * DESCRIPTION
 *	The tamper tests edit the database file with SQLite directly, as
 *	someone with write access to queue.db would, behind the store's back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "psirt/compat.h"
#include "psirt/sha256.h"
#include "psirt/status.h"
#include "psirt/store.h"
#include "../lib/tap.h"

/* remove_db - unlink a database and its -wal and -shm */
static void
remove_db(const char *dir, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	(void)unlink(path);
	snprintf(path, sizeof(path), "%s/%s-wal", dir, name);
	(void)unlink(path);
	snprintf(path, sizeof(path), "%s/%s-shm", dir, name);
	(void)unlink(path);
}

/* inbound - a minimal inbound message */
static void
inbound(struct store_inbound *in, struct report *r, const char *sha,
	time_t when)
{
	memset(in, 0, sizeof(*in));
	in->report = r;
	in->case_prefix = "PSIRT";
	in->envelope_sender = "alice@example.test";
	in->raw_sha256 = sha;
	in->raw_path = "/spool/x";
	in->size = 123;
	in->received = when;
}

/* test_basic - numbering, redelivery, queries, read-only (schema 1 tests) */
static void
test_basic(const char *dir)
{
	char path[64], id[STORE_CASE_ID_MAX];
	struct store *st = NULL, *ro = NULL;
	struct store_inbound in;
	struct store_case_row *rows = NULL, *c = NULL;
	struct store_message_row *msgs = NULL;
	struct report *r = report_new();
	struct attachment *a;
	size_t n = 0, nm = 0;
	char *err = NULL;
	int dup;
	time_t t2026 = 1795000000; /* 2026-11-18 */
	time_t t2027 = 1800000000; /* 2027-01-15 */

	snprintf(path, sizeof(path), "%s/q.db", dir);
	TAP_LONG_EQ(store_open(path, STORE_RO, 1, &ro, &err), -1,
		    "read-only open of a missing queue fails");
	free(err);
	TAP_LONG_EQ(store_open(path, STORE_RW, 1, &st, &err), 0,
		    "create queue");
	report_set(&r->subject, "first");
	report_set_body(r, "body", 4);
	a = report_add_attachment(r, "a.txt", "text/plain",
				  (const unsigned char *)"xyz", 3);
	/* The digest, as report_decode() computes it in the parent. */
	sha256_hex(a->data, a->size, a->sha256);
	inbound(&in, r, "aa", t2026);
	TAP_LONG_EQ(store_inbound_commit(st, &in, id, &dup, &err), 0,
		    "commit 1");
	TAP_STR_EQ(id, "PSIRT-2026-0001", "first case of 2026");
	TAP_LONG_EQ(dup, 0, "not a duplicate");
	TAP_LONG_EQ(store_inbound_commit(st, &in, id, &dup, &err), 0,
		    "commit same raw again");
	TAP_LONG_EQ(dup, 1, "redelivery is a duplicate");
	TAP_STR_EQ(id, "PSIRT-2026-0001", "duplicate names the existing case");
	inbound(&in, r, "bb", t2026);
	(void)store_inbound_commit(st, &in, id, &dup, &err);
	TAP_STR_EQ(id, "PSIRT-2026-0002", "second case");
	inbound(&in, r, "cc", t2027);
	(void)store_inbound_commit(st, &in, id, &dup, &err);
	TAP_STR_EQ(id, "PSIRT-2027-0001", "numbering restarts each year");
	report_quarantine(r, "worker-crash");
	inbound(&in, r, "dd", t2026);
	(void)store_inbound_commit(st, &in, id, &dup, &err);
	TAP_STR_EQ(id, "PSIRT-2026-0003", "gap-free within the year");
	store_close(&st);
	TAP_OK(st == NULL, "store_close NULLs the handle");

	TAP_LONG_EQ(store_open(path, STORE_RO, 1, &ro, &err), 0,
		    "read-only open");
	TAP_LONG_EQ(store_case_list(ro, NULL, &rows, &n, &err), 0, "list");
	TAP_LONG_EQ(n, 4, "four cases");
	if (n == 4) {
		TAP_STR_EQ(rows[0].status, "new", "status word");
		TAP_STR_EQ(rows[0].encryption, "none",
			   "encryption of first message");
		TAP_LONG_EQ(rows[0].messages, 1, "message count");
	}
	store_case_rows_free(&rows, n);
	TAP_LONG_EQ(store_case_list(ro, "closed", &rows, &n, &err), 0,
		    "list by status");
	TAP_LONG_EQ(n, 0, "no closed case");
	store_case_rows_free(&rows, n);
	TAP_LONG_EQ(store_case_get(ro, "PSIRT-2026-0003", &c, &msgs, &nm, &err),
		    0, "get");
	TAP_OK(c != NULL && nm == 1, "case with one message");
	if (c != NULL && nm == 1) {
		TAP_STR_EQ(msgs[0].processing, "quarantined", "processing");
		TAP_STR_EQ(msgs[0].quarantine_reason, "worker-crash", "reason");
		TAP_STR_EQ(msgs[0].body, "body", "body");
		TAP_LONG_EQ(msgs[0].natt, 1, "attachment row");
		TAP_STR_EQ(msgs[0].att[0].sha256,
			   "3608bca1e44ea6c4d268eb6db02260269892c0b42b86bbf1e77"
			   "a6fa16c3c9282",
			   "attachment SHA-256 of xyz");
	}
	store_message_rows_free(&msgs, nm);
	store_case_rows_free(&c, 1);
	TAP_LONG_EQ(store_case_get(ro, "PSIRT-2026-0099", &c, &msgs, &nm, &err),
		    0, "get missing");
	TAP_OK(c == NULL, "missing case is NULL");
	store_close(&ro);
	report_free(&r);
	remove_db(dir, "q.db");
}


#define T0 1795341600	/* 2026-11-22T10:00:00Z */
#define ACTOR "alice"

/* sql - run SQL on the database file behind the store's back */
static int
sql(const char *path, const char *text)
{
	sqlite3 *db;
	int rc;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	rc = sqlite3_exec(db, text, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		printf("# sql: %s: %s\n", text, sqlite3_errmsg(db));
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

/* sql_text - the first column of the first row, copied; NULL if none */
static char *
sql_text(const char *path, const char *text)
{
	sqlite3_stmt *s;
	sqlite3 *db;
	char *out = NULL;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return NULL;
	if (sqlite3_prepare_v2(db, text, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW &&
		    sqlite3_column_text(s, 0) != NULL)
			out = strdup((const char *)sqlite3_column_text(s, 0));
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	return out;
}

/*
 * build - a queue with three cases and a fixed history:
 * 0001: new -> triage (T0+1h) -> accepted, assignee bob, cvss, a note
 * 0002: new, an attachment "xyz"
 * 0003: new -> triage -> duplicate of 0001
 */
static struct store *
build(const char *path)
{
	struct store *st = NULL;
	struct store_inbound in;
	struct report *r = report_new();
	struct attachment *a;
	char id[STORE_CASE_ID_MAX], *err = NULL;
	int dup;

	if (store_open(path, STORE_RW, 1, &st, &err) < 0) {
		printf("# build: %s\n", err);
		free(err);
		report_free(&r);
		return NULL;
	}
	report_set(&r->subject, "report");
	inbound(&in, r, "a1", T0);
	(void)store_inbound_commit(st, &in, id, &dup, &err);
	a = report_add_attachment(r, "poc.bin", "application/octet-stream",
	    (const unsigned char *)"xyz", 3);
	sha256_hex(a->data, a->size, a->sha256);
	inbound(&in, r, "a2", T0 + 60);
	(void)store_inbound_commit(st, &in, id, &dup, &err);
	report_free(&r);
	r = report_new();
	inbound(&in, r, "a3", T0 + 120);
	(void)store_inbound_commit(st, &in, id, &dup, &err);
	report_free(&r);
	(void)store_case_set_status(st, "PSIRT-2026-0001", "triage", NULL,
	    ACTOR, T0 + 3600, &err);
	(void)store_case_set_status(st, "PSIRT-2026-0001", "accepted", NULL,
	    ACTOR, T0 + 7200, &err);
	(void)store_case_set_field(st, "PSIRT-2026-0001",
	    STORE_FIELD_ASSIGNEE, "bob", ACTOR, T0 + 7300, &err);
	(void)store_case_set_cvss(st, "PSIRT-2026-0001",
	    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 75, "high",
	    ACTOR, T0 + 7400, &err);
	(void)store_case_add_note(st, "PSIRT-2026-0001", "reproduced\\nyes",
	    ACTOR, T0 + 7500, &err);
	(void)store_case_set_status(st, "PSIRT-2026-0003", "triage", NULL,
	    ACTOR, T0 + 7600, &err);
	(void)store_case_set_status(st, "PSIRT-2026-0003", "duplicate",
	    "PSIRT-2026-0001", ACTOR, T0 + 7700, &err);
	return st;
}

/* test_workflow - store_status_allowed() is DESIGN.md's workflow */
static void
test_workflow(void)
{
	static const char *const allowed[] = {
		"new>triage", "triage>accepted", "triage>rejected",
		"triage>duplicate", "accepted>fixing", "fixing>disclosed",
		"disclosed>closed", "rejected>closed", "duplicate>closed",
	};
	char pair[64], name[96];
	int from, to, want;
	size_t i, n = 0;

	for (from = 0; from < CASE__COUNT; from++)
		for (to = 0; to < CASE__COUNT; to++) {
			snprintf(pair, sizeof(pair), "%s>%s",
			    case_status_to_str((enum case_status)from),
			    case_status_to_str((enum case_status)to));
			for (want = 0, i = 0; i < PSIRT_NELEM(allowed); i++)
				want |= strcmp(allowed[i], pair) == 0;
			n += want;
			if (store_status_allowed(
			    case_status_to_str((enum case_status)from),
			    case_status_to_str((enum case_status)to)) != want) {
				snprintf(name, sizeof(name), "workflow %s: "
				    "want %s", pair, want ? "allowed" :
				    "refused");
				TAP_OK(0, "%s", name);
			}
		}
	TAP_LONG_EQ(n, PSIRT_NELEM(allowed), "64 transitions checked: exactly "
	    "the 9 of DESIGN.md are allowed");
	TAP_OK(!store_status_allowed("new", "bogus") &&
	    !store_status_allowed(NULL, "new"), "unknown words refused");
	TAP_STR_EQ(store_status_next("triage"),
	    "accepted, rejected, duplicate", "next statuses named");
}

/* test_triage - the triage functions, their results and events */
static void
test_triage(const char *dir)
{
	static const struct {
		const char *name, *case_id, *status, *of;
		int want;
		const char *why;	/* substring of the refusal */
	} steps[] = {
		{ "new -> accepted skips triage", "PSIRT-2026-0002",
		  "accepted", NULL, STORE_REFUSED,
		  "cannot go from new to accepted (from new: triage)" },
		{ "new -> closed", "PSIRT-2026-0002", "closed", NULL,
		  STORE_REFUSED, "cannot go from new to closed" },
		{ "new -> new changes nothing", "PSIRT-2026-0002", "new", NULL,
		  STORE_UNCHANGED, NULL },
		{ "new -> triage", "PSIRT-2026-0002", "triage", NULL,
		  STORE_OK, NULL },
		{ "duplicate without --of", "PSIRT-2026-0002", "duplicate",
		  NULL, STORE_REFUSED, "which case" },
		{ "duplicate of itself", "PSIRT-2026-0002", "duplicate",
		  "PSIRT-2026-0002", STORE_REFUSED, "cannot duplicate itself" },
		{ "duplicate of a missing case", "PSIRT-2026-0002",
		  "duplicate", "PSIRT-2026-0099", STORE_REFUSED,
		  "PSIRT-2026-0099: no such case" },
		{ "--of without duplicate", "PSIRT-2026-0002", "rejected",
		  "PSIRT-2026-0001", STORE_REFUSED, "only for the status" },
		{ "triage -> rejected", "PSIRT-2026-0002", "rejected", NULL,
		  STORE_OK, NULL },
		{ "rejected -> triage (no reopening)", "PSIRT-2026-0002",
		  "triage", NULL, STORE_REFUSED, "from rejected: closed" },
		{ "rejected -> closed", "PSIRT-2026-0002", "closed", NULL,
		  STORE_OK, NULL },
		{ "closed is final", "PSIRT-2026-0002", "triage", NULL,
		  STORE_REFUSED, "closed is final" },
		{ "accepted -> fixing", "PSIRT-2026-0001", "fixing", NULL,
		  STORE_OK, NULL },
		{ "fixing -> closed skips disclosed", "PSIRT-2026-0001",
		  "closed", NULL, STORE_REFUSED, "from fixing: disclosed" },
		{ "fixing -> disclosed", "PSIRT-2026-0001", "disclosed", NULL,
		  STORE_OK, NULL },
		{ "disclosed -> closed", "PSIRT-2026-0001", "closed", NULL,
		  STORE_OK, NULL },
		{ "duplicate again, same target", "PSIRT-2026-0003",
		  "duplicate", "PSIRT-2026-0001", STORE_UNCHANGED, NULL },
		{ "duplicate again, other target", "PSIRT-2026-0003",
		  "duplicate", "PSIRT-2026-0002", STORE_REFUSED,
		  "already a duplicate of PSIRT-2026-0001" },
		{ "duplicate -> closed", "PSIRT-2026-0003", "closed", NULL,
		  STORE_OK, NULL },
		{ "missing case", "PSIRT-2026-0099", "triage", NULL,
		  STORE_NOT_FOUND, NULL },
		{ "unknown status word", "PSIRT-2026-0001", "done", NULL,
		  STORE_REFUSED, "unknown status" },
	};
	struct store_case_row *c = NULL, *rows = NULL;
	struct store_message_row *msgs = NULL;
	struct store_event_row *ev = NULL;
	struct store_case_filter f;
	struct store_verify v;
	struct store_blob blob;
	struct store *st;
	char path[256], *err;
	size_t i, n = 0, nm = 0;
	int rc, yes;

	snprintf(path, sizeof(path), "%s/triage.db", dir);
	st = build(path);
	TAP_OK(st != NULL, "build a queue with history");
	if (st == NULL)
		return;
	for (i = 0; i < PSIRT_NELEM(steps); i++) {
		err = NULL;
		rc = store_case_set_status(st, steps[i].case_id,
		    steps[i].status, steps[i].of, ACTOR, T0 + 9000 + (int)i,
		    &err);
		TAP_LONG_EQ(rc, steps[i].want, steps[i].name);
		if (steps[i].why != NULL)
			TAP_OK(err != NULL && strstr(err, steps[i].why) != NULL,
			    "%s: says \"%s\" (got \"%s\")", steps[i].name,
			    steps[i].why, err ? err : "");
		free(err);
	}

	/* Fields: set, same again, clear; a missing case. */
	err = NULL;
	TAP_LONG_EQ(store_case_set_field(st, "PSIRT-2026-0002",
	    STORE_FIELD_CVE, "CVE-2026-12345", ACTOR, T0 + 10000, &err),
	    STORE_OK, "cve set");
	TAP_LONG_EQ(store_case_set_field(st, "PSIRT-2026-0002",
	    STORE_FIELD_CVE, "CVE-2026-12345", ACTOR, T0 + 10001, &err),
	    STORE_UNCHANGED, "same cve again: unchanged");
	TAP_LONG_EQ(store_case_set_field(st, "PSIRT-2026-0002",
	    STORE_FIELD_EMBARGO, "2026-12-01", ACTOR, T0 + 10002, &err),
	    STORE_OK, "embargo set");
	TAP_LONG_EQ(store_case_set_field(st, "PSIRT-2026-0001",
	    STORE_FIELD_ASSIGNEE, NULL, ACTOR, T0 + 10003, &err), STORE_OK,
	    "assignee cleared");
	TAP_LONG_EQ(store_case_set_field(st, "PSIRT-2026-0001",
	    STORE_FIELD_ASSIGNEE, NULL, ACTOR, T0 + 10004, &err),
	    STORE_UNCHANGED, "cleared again: unchanged");
	TAP_LONG_EQ(store_case_set_field(st, "PSIRT-2026-0099",
	    STORE_FIELD_CVE, "CVE-2026-1234", ACTOR, T0, &err),
	    STORE_NOT_FOUND, "field of a missing case");
	TAP_LONG_EQ(store_case_set_credit(st, "PSIRT-2026-0002", "Mallory",
	    0, ACTOR, T0 + 10005, &err), STORE_OK, "credit a name");
	TAP_LONG_EQ(store_case_set_credit(st, "PSIRT-2026-0002", "Mallory",
	    0, ACTOR, T0 + 10006, &err), STORE_UNCHANGED, "same name again");
	TAP_LONG_EQ(store_case_set_credit(st, "PSIRT-2026-0002", NULL, 1,
	    ACTOR, T0 + 10007, &err), STORE_OK, "credit anonymous");
	TAP_LONG_EQ(store_case_set_credit(st, "PSIRT-2026-0002", NULL, 1,
	    ACTOR, T0 + 10008, &err), STORE_UNCHANGED, "anonymous again");
	TAP_LONG_EQ(store_case_set_cvss(st, "PSIRT-2026-0001",
	    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 75, "high",
	    ACTOR, T0 + 10009, &err), STORE_UNCHANGED, "same cvss again");
	TAP_LONG_EQ(store_case_add_note(st, "PSIRT-2026-0099", "x", ACTOR,
	    T0, &err), STORE_NOT_FOUND, "note on a missing case");
	store_close(&st);

	TAP_LONG_EQ(store_open(path, STORE_RO, 1, &st, &err), 0,
	    "read-only open of schema 2");
	TAP_LONG_EQ(store_case_get(st, "PSIRT-2026-0001", &c, &msgs, &nm,
	    &err), 0, "get 0001");
	if (c != NULL) {
		TAP_STR_EQ(c->status, "closed", "0001 closed");
		TAP_STR_EQ(c->triaged, "2026-11-22T11:00:00Z",
		    "triaged: the first status change away from new");
		TAP_STR_EQ(c->assignee, NULL, "assignee cleared");
		TAP_STR_EQ(c->severity, "high", "severity from cvss");
		TAP_OK(c->has_cvss_score && c->cvss_score > 7.49 &&
		    c->cvss_score < 7.51, "cvss score 7.5");
	}
	store_message_rows_free(&msgs, nm);
	store_case_rows_free(&c, 1);
	TAP_LONG_EQ(store_case_get(st, "PSIRT-2026-0002", &c, &msgs, &nm,
	    &err), 0, "get 0002");
	if (c != NULL) {
		TAP_STR_EQ(c->cve, "CVE-2026-12345", "cve stored");
		TAP_STR_EQ(c->embargo, "2026-12-01", "embargo stored");
		TAP_OK(c->credit == NULL && c->credit_anonymous,
		    "anonymous credit: no name");
		TAP_STR_EQ(c->triaged, "2026-11-22T12:30:03Z",
		    "triaged time of 0002");
	}
	store_message_rows_free(&msgs, nm);
	store_case_rows_free(&c, 1);
	TAP_LONG_EQ(store_case_get(st, "PSIRT-2026-0003", &c, &msgs, &nm,
	    &err), 0, "get 0003");
	if (c != NULL)
		TAP_STR_EQ(c->duplicate_of, "PSIRT-2026-0001", "duplicate_of");
	store_message_rows_free(&msgs, nm);
	store_case_rows_free(&c, 1);

	/* The events of 0001, in order, with their actors. */
	TAP_LONG_EQ(store_event_list(st, "PSIRT-2026-0001", &ev, &n, &err),
	    0, "events of 0001");
	{
		static const char *const want[] = { "case-created",
		    "message-stored", "status", "status", "assignee", "cvss",
		    "note", "status", "status", "status", "assignee" };
		int ok = n == PSIRT_NELEM(want);

		for (i = 0; ok && i < n; i++)
			ok = strcmp(ev[i].action, want[i]) == 0;
		TAP_OK(ok, "0001: the eleven events in order (%zu)", n);
		if (n > 0) {
			TAP_STR_EQ(ev[0].actor, STORE_ACTOR_FILTER,
			    "the filter's actor");
			TAP_STR_EQ(ev[n - 1].actor, ACTOR, "the staff actor");
		}
		if (n > 6) {
			TAP_STR_EQ(ev[2].old, "new", "old status");
			TAP_STR_EQ(ev[2].new, "triage", "new status");
			TAP_STR_EQ(ev[5].new, "7.5 high "
			    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
			    "cvss event: score, rating, vector");
			TAP_STR_EQ(ev[6].new, "reproduced\\nyes", "note text");
		}
	}
	store_event_rows_free(&ev, n);
	TAP_LONG_EQ(store_event_list(st, NULL, &ev, &n, &err), 0,
	    "all events");
	{
		int linked = n > 0 && strcmp(ev[0].prev_hash,
		    "0000000000000000000000000000000000000000000000000000000000"
		    "000000") == 0;

		for (i = 1; linked && i < n; i++)
			linked = strcmp(ev[i].prev_hash, ev[i - 1].hash) == 0 &&
			    ev[i].id == ev[i - 1].id + 1;
		TAP_OK(linked, "every event links to the one before (%zu)", n);
	}
	store_event_rows_free(&ev, n);
	TAP_LONG_EQ(store_verify_log(st, &v, &err), 0, "verify the chain");
	TAP_OK(v.ok && v.events > 20 && strlen(v.head) == 64,
	    "chain intact, head recorded (%lld events)", v.events);
	TAP_LONG_EQ(store_verify_cases(st, &v, &err), 0, "verify the cases");
	TAP_OK(v.ok && v.events == 3, "three cases agree with their events "
	    "(%s)", v.reason);

	/* Queries. */
	memset(&f, 0, sizeof(f));
	f.severity = "high";
	TAP_LONG_EQ(store_case_query(st, &f, &rows, &n, &err), 0, "query");
	TAP_LONG_EQ(n, 1, "one high case");
	store_case_rows_free(&rows, n);
	f.severity = "unscored";
	(void)store_case_query(st, &f, &rows, &n, &err);
	TAP_LONG_EQ(n, 2, "two unscored cases");
	store_case_rows_free(&rows, n);
	memset(&f, 0, sizeof(f));
	f.since = "2026-11-22T10:01:00Z";
	(void)store_case_query(st, &f, &rows, &n, &err);
	TAP_LONG_EQ(n, 2, "two received since 10:01");
	store_case_rows_free(&rows, n);
	memset(&f, 0, sizeof(f));
	f.assignee = "nobody";
	(void)store_case_query(st, &f, &rows, &n, &err);
	TAP_LONG_EQ(n, 0, "no case for nobody");
	store_case_rows_free(&rows, n);

	/* Attachments by case-wide number. */
	TAP_LONG_EQ(store_attachment_get(st, "PSIRT-2026-0002", 1, &blob,
	    &err), STORE_OK, "attachment 1 of 0002");
	TAP_OK(blob.size == 3 && memcmp(blob.data, "xyz", 3) == 0,
	    "its content");
	TAP_STR_EQ(blob.name, "poc.bin", "its name");
	store_blob_free(&blob);
	TAP_LONG_EQ(store_attachment_get(st, "PSIRT-2026-0002", 2, &blob,
	    &err), STORE_NOT_FOUND, "no attachment 2");
	TAP_LONG_EQ(store_attachment_get(st, "PSIRT-2026-0001", 1, &blob,
	    &err), STORE_NOT_FOUND, "0001 has none");
	TAP_LONG_EQ(store_acks_recorded(st, &yes, &err), 0, "acks?");
	TAP_LONG_EQ(yes, 0, "no acknowledgement recorded yet");
	store_close(&st);
	TAP_OK(sql(path, "UPDATE cases SET first_ack = '2026-11-22T12:00:00Z'"
	    " WHERE id = 'PSIRT-2026-0001'") == 0, "record an ack time");
	(void)store_open(path, STORE_RO, 1, &st, &err);
	(void)store_acks_recorded(st, &yes, &err);
	TAP_LONG_EQ(yes, 1, "an acknowledgement is recorded");
	store_close(&st);
	remove_db(dir, "triage.db");
}

/* tampered - build, edit behind the store's back, verify */
static void
tampered(const char *dir, const char *name, const char *edit,
    int want_chain_ok, long long want_event, const char *want_reason,
    int want_cases_ok, const char *want_case_reason)
{
	struct store_verify chain, cases;
	struct store *st;
	char path[256], *err = NULL;

	snprintf(path, sizeof(path), "%s/tamper.db", dir);
	st = build(path);
	store_close(&st);
	TAP_OK(sql(path, edit) == 0, "%s: edit the file", name);
	if (store_open(path, STORE_RO, 1, &st, &err) < 0) {
		TAP_OK(0, "%s: open: %s", name, err);
		free(err);
		remove_db(dir, "tamper.db");
		return;
	}
	TAP_LONG_EQ(store_verify_log(st, &chain, &err), 0, name);
	TAP_LONG_EQ(store_verify_cases(st, &cases, &err), 0, name);
	TAP_LONG_EQ(chain.ok, want_chain_ok, name);
	if (!want_chain_ok) {
		TAP_LONG_EQ(chain.bad_event, want_event, name);
		TAP_OK(strstr(chain.reason, want_reason) != NULL,
		    "%s: \"%s\"", name, chain.reason);
	}
	TAP_LONG_EQ(cases.ok, want_cases_ok, name);
	if (!want_cases_ok)
		TAP_OK(strstr(cases.reason, want_case_reason) != NULL,
		    "%s: \"%s\"", name, cases.reason);
	store_close(&st);
	remove_db(dir, "tamper.db");
}

/* event_hash - the store's encoding, re-done here from its contract */
static void
event_hash(const char *const f[8], char out[65])
{
	struct sha256 h;
	char len[32];
	int i;

	sha256_init(&h);
	sha256_update(&h, "psirt-event-1", 13);
	for (i = 0; i < 8; i++) {
		if (f[i] == NULL) {
			sha256_update(&h, "N;", 2);
			continue;
		}
		snprintf(len, sizeof(len), "%zu:", strlen(f[i]));
		sha256_update(&h, len, strlen(len));
		sha256_update(&h, f[i], strlen(f[i]));
		sha256_update(&h, ";", 1);
	}
	sha256_final_hex(&h, out);
}

/* test_tamper - silent edits of the database are found */
static void
test_tamper(const char *dir)
{
	struct store_event_row *ev = NULL;
	struct store *st;
	char path[256], hash[65], edit[512], *err = NULL;
	const char *f[8];
	size_t n = 0;

	/* Nothing edited: all is well. */
	tampered(dir, "untouched", "SELECT 1", 1, 0, NULL, 1, NULL);
	/*
	 * build()'s events: 1-6 the filter's (created, stored of 0001,
	 * 0002, 0003); 7, 8 0001's triage and accepted; 9 assignee; 10
	 * cvss; 11 note; 12-14 0003's triage, duplicate, duplicate-of.
	 */
	tampered(dir, "an event's value changed",
	    "UPDATE events SET new = 'rejected' WHERE id = 7", 0, 7,
	    "does not match its hash", 1, NULL);
	tampered(dir, "an event's actor changed",
	    "UPDATE events SET actor = 'mallory' WHERE id = 9", 0, 9,
	    "does not match its hash", 1, NULL);
	tampered(dir, "an event's time changed",
	    "UPDATE events SET time = '2026-11-22T10:00:01Z' WHERE id = 6", 0,
	    6, "does not match its hash", 1, NULL);
	tampered(dir, "an event removed from the middle",
	    "DELETE FROM events WHERE id = 8", 0, 9, "does not link", 0,
	    "PSIRT-2026-0001: status is 'accepted' but its events say "
	    "'triage'");
	tampered(dir, "the last event removed",
	    "DELETE FROM events WHERE id = (SELECT MAX(id) FROM events)", 0, 0,
	    "recorded head", 0, "duplicate_of");
	tampered(dir, "an event inserted",
	    "INSERT INTO events (id, case_id, time, actor, action, old, new)"
	    " VALUES (1000, 'PSIRT-2026-0002', '2026-11-22T10:00:00Z',"
	    " 'alice', 'note', NULL, 'x')", 0, 1000, "does not link", 1, NULL);
	tampered(dir, "a case's status changed, the log not",
	    "UPDATE cases SET status = 'closed' WHERE id = 'PSIRT-2026-0002'",
	    1, 0, NULL, 0, "PSIRT-2026-0002: status is 'closed' but its "
	    "events say 'new'");
	tampered(dir, "a case's cvss changed",
	    "UPDATE cases SET cvss_score = 3.1 WHERE id = 'PSIRT-2026-0001'",
	    1, 0, NULL, 0, "cvss is '3.1 high");
	tampered(dir, "a case deleted",
	    "DELETE FROM cases WHERE id = 'PSIRT-2026-0002'", 1, 0, NULL, 0,
	    "no such case");
	tampered(dir, "a message deleted", "DELETE FROM attachments;"
	    "DELETE FROM messages WHERE case_id = 'PSIRT-2026-0002'", 1, 0,
	    NULL, 0, "0 inbound messages but 1 message-stored");

	/*
	 * The editor who also rewrites the edited event's hash breaks the
	 * link of the next event.
	 */
	snprintf(path, sizeof(path), "%s/tamper.db", dir);
	st = build(path);
	(void)store_event_list(st, NULL, &ev, &n, &err);
	store_close(&st);
	if (n > 6) {
		char id[32];

		snprintf(id, sizeof(id), "%lld", ev[4].id);
		f[0] = id, f[1] = ev[4].case_id, f[2] = ev[4].time;
		f[3] = ev[4].actor, f[4] = ev[4].action, f[5] = ev[4].old;
		f[6] = "rejected", f[7] = ev[4].prev_hash;
		event_hash(f, hash);
		/* The test's own encoding gives the store's hash unedited. */
		f[6] = ev[4].new;
		{
			char same[65];

			event_hash(f, same);
			TAP_STR_EQ(same, ev[4].hash, "the hash encoding of the "
			    "contract reproduces the stored hash");
		}
		snprintf(edit, sizeof(edit), "UPDATE events SET new = "
		    "'rejected', hash = '%s' WHERE id = %lld", hash,
		    ev[4].id);
		TAP_OK(sql(path, edit) == 0, "rewrite event 5 and its hash");
		(void)store_open(path, STORE_RO, 1, &st, &err);
		{
			struct store_verify v;

			(void)store_verify_log(st, &v, &err);
			TAP_OK(!v.ok && v.bad_event == 6 &&
			    strstr(v.reason, "does not link") != NULL,
			    "caught at event 6: %s", v.reason);
		}
		store_close(&st);
	}
	store_event_rows_free(&ev, n);
	remove_db(dir, "tamper.db");
}

/* test_migration - a schema 1 queue is chained by the first RW open */
static void
test_migration(const char *dir)
{
	static const char v1[] =
	    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	    "CREATE TABLE cases (id TEXT PRIMARY KEY, prefix TEXT NOT NULL,"
	    " year INTEGER NOT NULL, seq INTEGER NOT NULL, created TEXT NOT"
	    " NULL, updated TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'new',"
	    " severity TEXT, cvss_vector TEXT, cvss_score REAL, reporter TEXT,"
	    " reporter_fpr TEXT, subject TEXT, assignee TEXT, cve TEXT,"
	    " first_ack TEXT, UNIQUE (prefix, year, seq));"
	    "CREATE TABLE messages (id INTEGER PRIMARY KEY, case_id TEXT NOT"
	    " NULL, direction TEXT NOT NULL, received TEXT NOT NULL,"
	    " message_id TEXT, raw_sha256 TEXT NOT NULL, raw_path TEXT,"
	    " size INTEGER, envelope_sender TEXT, from_hdr TEXT, from_addr"
	    " TEXT, date_hdr TEXT, subject TEXT, inner_from TEXT,"
	    " inner_subject TEXT, encryption TEXT NOT NULL, signature TEXT"
	    " NOT NULL, signer_fpr TEXT, processing TEXT NOT NULL,"
	    " quarantine_reason TEXT, flags TEXT, body TEXT);"
	    "CREATE TABLE attachments (id INTEGER PRIMARY KEY, message INTEGER"
	    " NOT NULL, idx INTEGER NOT NULL, name TEXT NOT NULL,"
	    " declared_type TEXT, sniffed_type TEXT, size INTEGER NOT NULL,"
	    " sha256 TEXT NOT NULL, content BLOB);"
	    "CREATE TABLE events (id INTEGER PRIMARY KEY, case_id TEXT NOT"
	    " NULL, time TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT"
	    " NULL, old TEXT, new TEXT);"
	    "INSERT INTO meta VALUES ('schema_version', '1');"
	    "INSERT INTO cases (id, prefix, year, seq, created, updated)"
	    " VALUES ('PSIRT-2026-0001', 'PSIRT', 2026, 1,"
	    " '2026-11-22T10:00:00Z', '2026-11-22T10:00:00Z');"
	    "INSERT INTO messages (case_id, direction, received, raw_sha256,"
	    " encryption, signature, processing) VALUES ('PSIRT-2026-0001',"
	    " 'in', '2026-11-22T10:00:00Z', 'ab', 'none', 'none', 'stored');"
	    "INSERT INTO events (case_id, time, actor, action, old, new) VALUES"
	    " ('PSIRT-2026-0001', '2026-11-22T10:00:00Z', 'psirt-filter',"
	    " 'case-created', NULL, 'new'), ('PSIRT-2026-0001',"
	    " '2026-11-22T10:00:00Z', 'psirt-filter', 'message-stored', NULL,"
	    " 'stored');";
	struct store_verify v;
	struct store *st = NULL;
	char path[256], *err = NULL, *version;

	snprintf(path, sizeof(path), "%s/v1.db", dir);
	TAP_OK(sql(path, v1) == 0, "a schema 1 queue");
	TAP_LONG_EQ(store_open(path, STORE_RO, 1, &st, &err), -1,
	    "read-only open of schema 1 refused");
	TAP_OK(err != NULL && strstr(err, "older than this program") != NULL,
	    "says the schema is older: %s", err ? err : "");
	free(err);
	err = NULL;
	TAP_LONG_EQ(store_open(path, STORE_RW, 1, &st, &err), 0,
	    "read-write open migrates");
	store_close(&st);
	version = sql_text(path, "SELECT value FROM meta WHERE key ="
	    " 'schema_version'");
	TAP_STR_EQ(version, "3", "schema version 3");
	free(version);
	TAP_LONG_EQ(store_open(path, STORE_RO, 1, &st, &err), 0,
	    "read-only open after the migration");
	(void)store_verify_log(st, &v, &err);
	TAP_OK(v.ok && v.events == 2, "the old events are chained");
	(void)store_verify_cases(st, &v, &err);
	TAP_OK(v.ok, "the old case agrees with its events (%s)", v.reason);
	store_close(&st);
	TAP_LONG_EQ(store_open(path, STORE_RW, 1, &st, &err), 0,
	    "a second read-write open");
	TAP_LONG_EQ(store_case_set_status(st, "PSIRT-2026-0001", "triage",
	    NULL, ACTOR, T0, &err), STORE_OK, "triage after the migration");
	(void)store_verify_log(st, &v, &err);
	TAP_OK(v.ok && v.events == 3, "a new event continues the chain");
	store_close(&st);
	remove_db(dir, "v1.db");
}

int
main(void)
{
	char dir[] = "/tmp/test-store.XXXXXX";

	if (mkdtemp(dir) == NULL)
		return 1;
	test_basic(dir);
	test_workflow();
	test_triage(dir);
	test_tamper(dir);
	test_migration(dir);
	(void)rmdir(dir);
	return tap_done();
}
