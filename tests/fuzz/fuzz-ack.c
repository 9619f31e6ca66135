/*
 * NAME
 *	fuzz-ack - the acknowledgement template renderer
 * DESCRIPTION
 *	A template is the administrator's text, but the renderer must hold
 *	for any bytes: check and render agree on what is valid, and a valid
 *	template renders without a brace left from a placeholder.
 */
#include <stdlib.h>
#include <string.h>

#include "psirt/ack.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ack_facts f = {
		"PSIRT-2026-0042", "2026-11-22T10:00:00Z", 1234,
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab"
		"cdef", 1, "04D3870AE19AD33F1E194950A622E2F3F5B0432D"
	};
	const char *t = (const char *)data;
	char *err1 = NULL, *err2 = NULL;
	struct buf out;
	int c, r;

	buf_init(&out, 8 * size + 4096);
	c = ack_template_check(t, size, &err1);
	r = ack_template_render(t, size, &f, &out, &err2);
	if (c != r || (c < 0 && (err1 == NULL || err2 == NULL ||
	    strcmp(err1, err2) != 0)))
		abort();
	if (r == 0 && memmem(out.data != NULL ? out.data :
	    (const unsigned char *)"", out.len, "{case_id}", 9) != NULL &&
	    memmem(data, size, "{{case_id}", 10) == NULL)
		abort();
	free(err1);
	free(err2);
	buf_free(&out);
	return 0;
}
