/*
 * NAME
 *	fuzz-sanitize - the text, header, file name and HTML sanitizers
 * SECURITY
 *	Whatever goes in, what comes out must be clean (text_is_clean): that
 *	is the promise staff terminals rely on.
 */
#include <stdlib.h>
#include <string.h>

#include "psirt/sanitize.h"
#include "psirt/text.h"
#include "psirt/xalloc.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out;
	unsigned int flags = 0;
	char *s, *name;

	buf_init(&out, 16 * size + 1024);
	if (sanitize_text(data, size, &out, &flags) == BUF_OK &&
	    !text_is_clean(out.data != NULL ? out.data :
	    (const unsigned char *)"", out.len, 1))
		abort();
	buf_reset(&out);
	if (sanitize_html_to_text(data, size, &out, &flags) == BUF_OK &&
	    !text_is_clean(out.data != NULL ? out.data :
	    (const unsigned char *)"", out.len, 1))
		abort();
	buf_free(&out);
	s = sanitize_header(data, size, 998, &flags);
	if (!text_is_clean((const unsigned char *)s, strlen(s), 0))
		abort();
	free(s);
	name = xmemdup(data, size);
	s = sanitize_filename(name, 1);
	if (s[0] == '\0' || strchr(s, '/') != NULL ||
	    !text_is_clean((const unsigned char *)s, strlen(s), 0))
		abort();
	free(s);
	free(name);
	(void)sanitize_sniff_type(data, size);
	return 0;
}
