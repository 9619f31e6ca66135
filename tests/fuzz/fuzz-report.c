/*
 * NAME
 *	fuzz-report - the worker-to-parent result decoder
 * SECURITY
 *	The parent must survive any bytes a compromised worker could write;
 *	whatever decodes must encode again and decode to the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "psirt/report.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report *r = NULL, *r2 = NULL;
	struct buf b, b2;
	char *err = NULL;

	if (report_decode(data, size, &r, &err) < 0) {
		free(err);
		return 0;
	}
	buf_init(&b, 4 * size + 1024);
	buf_init(&b2, 4 * size + 1024);
	if (report_encode(r, &b) != BUF_OK ||
	    report_decode(b.data, b.len, &r2, &err) < 0 ||
	    report_encode(r2, &b2) != BUF_OK || b.len != b2.len ||
	    memcmp(b.data, b2.data, b.len) != 0)
		abort();
	buf_free(&b);
	buf_free(&b2);
	report_free(&r);
	report_free(&r2);
	return 0;
}
