/*
 * NAME
 *	test-store - the queue: numbering, redelivery, queries, read-only
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "psirt/store.h"
#include "../lib/tap.h"

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

int
main(void)
{
	char dir[] = "/tmp/test-store.XXXXXX", path[64], id[STORE_CASE_ID_MAX];
	struct store *st = NULL, *ro = NULL;
	struct store_inbound in;
	struct store_case_row *rows = NULL, *c = NULL;
	struct store_message_row *msgs = NULL;
	struct report *r = report_new();
	size_t n = 0, nm = 0;
	char *err = NULL;
	int dup;
	time_t t2026 = 1795000000; /* 2026-11-18 */
	time_t t2027 = 1800000000; /* 2027-01-15 */

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/q.db", dir);
	TAP_LONG_EQ(store_open(path, STORE_RO, 1, &ro, &err), -1,
		    "read-only open of a missing queue fails");
	free(err);
	TAP_LONG_EQ(store_open(path, STORE_RW, 1, &st, &err), 0,
		    "create queue");
	report_set(&r->subject, "first");
	report_set_body(r, "body", 4);
	(void)report_add_attachment(r, "a.txt", "text/plain",
				    (const unsigned char *)"xyz", 3);
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
	snprintf(path, sizeof(path), "%s/q.db", dir);
	(void)unlink(path);
	snprintf(path, sizeof(path), "%s/q.db-wal", dir);
	(void)unlink(path);
	snprintf(path, sizeof(path), "%s/q.db-shm", dir);
	(void)unlink(path);
	(void)rmdir(dir);
	return tap_done();
}
