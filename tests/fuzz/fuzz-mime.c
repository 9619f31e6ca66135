/*
 * NAME
 *	fuzz-mime - the worker's MIME path: pre-scan, libetpan, sanitizer
 * DESCRIPTION
 *	What intake_process() does with a message before any OpenPGP work:
 *	mime_extract() (which runs prescan_check() and mime_walk(), then
 *	decodes, converts and sanitizes headers, body and attachments),
 *	mime_reply_headers(), then mime_walk() and classify_tree() again as
 *	intake does to find OpenPGP data. gpg is never started. The message
 *	is in a struct buf, as the worker has it (rawmail.c): its bytes are
 *	followed by a NUL. libetpan's decoders read one byte past the length
 *	they are given (a quoted-printable '=' at the very end); that NUL
 *	keeps the read inside the allocation, as in the worker.
 * SECURITY
 *	Whatever the message, the report the worker would write must pass
 *	the parent's checks (report_decode(): clean UTF-8 strings, known
 *	words, digests) and classify's indices and offsets must lie inside
 *	the part list; otherwise the harness aborts. libetpan 1.9.4 itself
 *	is not trusted (DESIGN.md "Isolation"): a crash inside it is what the
 *	worker process is there for, and is to be reported as such. Its one
 *	known crash (a boundary parameter whose value is a lone '"', from the
 *	quoted string "\"": mailmime_extract_boundary() copies (size_t)-1
 *	bytes; tests/e2e/test-quarantine.sh shows the worker contains it) is
 *	skipped, so that the fuzzer looks for other bugs.
 */
#include <stdlib.h>
#include <string.h>

#include "psirt/buf.h"
#include "psirt/classify.h"
#include "psirt/config.h"
#include "psirt/mime.h"
#include "psirt/report.h"
#include "fuzz.h"

/* check_classify - every item points into the tree */
static void
check_classify(const struct mime_tree *t, const struct classify *c)
{
	const struct classify_item *it;
	size_t i;

	if (c->nitem > CLASSIFY_MAX_ITEMS)
		abort();
	for (i = 0; i < c->nitem; i++) {
		it = &c->item[i];
		if (it->part >= t->nparts)
			abort();
		if (it->data >= (long)t->nparts || it->sig >= (long)t->nparts)
			abort();
		if ((it->what == CLASSIFY_ARMORED ||
		    it->what == CLASSIFY_ARMORED_SIGNED) &&
		    (it->start > it->end ||
		    it->end > t->parts[it->part].content_len))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct limits lim = { 1024 * 1024, 20, 500, 65536, 1024 * 1024 };
	struct report *r = report_new(), *r2 = NULL;
	struct mime_tree tree;
	struct classify c;
	struct buf msg, out;
	char *err = NULL;
	const char *limit;
	const unsigned char *p;

	if (memmem(data, size, "\"\\\"\"", 4) != NULL) {
		report_free(&r);
		return 0;
	}
	buf_init(&msg, size);
	(void)buf_append(&msg, data, size);
	p = msg.data != NULL ? msg.data : (const unsigned char *)"";
	limit = mime_extract(p, size, &lim, r);
	mime_reply_headers(p, size, r);
	if (limit == NULL) {
		if (mime_walk(p, size, &lim, &tree) == NULL) {
			classify_tree(&tree, &c);
			check_classify(&tree, &c);
			classify_free(&c);
		}
		mime_tree_free(&tree);
	}
	/* The worker's result cap: 3 * max_message_size + 1 MiB. */
	buf_init(&out, 3 * lim.max_message_size + 1024 * 1024);
	if (report_encode(r, &out) == BUF_OK) {
		if (report_decode(out.data, out.len, &r2, &err) < 0)
			abort();
		report_free(&r2);
	}
	buf_free(&out);
	buf_free(&msg);
	report_free(&r);
	return 0;
}
