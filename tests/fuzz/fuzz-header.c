/*
 * NAME
 *	fuzz-header - the header decoder: RFC 2047 words, then the sanitizer
 * DESCRIPTION
 *	mime_decode_header() (unfolding, encoded words in any charset through
 *	iconv) followed by sanitize_header(), as mime.c shows every header
 *	value it stores; and sanitize_header() on the raw bytes alone.
 * SECURITY
 *	What comes out is one clean line (text_is_clean without newlines: no
 *	control, no CR or LF that could reach a header or a terminal, valid
 *	UTF-8) of at most the asked length; otherwise the harness aborts.
 */
#include <stdlib.h>
#include <string.h>

#include "psirt/buf.h"
#include "psirt/mime.h"
#include "psirt/sanitize.h"
#include "psirt/text.h"
#include "fuzz.h"

#define MAX_SHOWN 2048

/* check_line - s is one clean line of at most max bytes */
static void
check_line(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n > max || !text_is_clean((const unsigned char *)s, n, 0))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf dec;
	unsigned int flags = 0;
	char *s;

	/* Decoded words grow at most 4x (UTF-8); the harness's own cap. */
	buf_init(&dec, 8 * size + 64);
	if (mime_decode_header((const char *)data, size, &dec) == BUF_OK) {
		s = sanitize_header(dec.data != NULL ? dec.data :
		    (const unsigned char *)"", dec.len, MAX_SHOWN, &flags);
		check_line(s, MAX_SHOWN);
		free(s);
	}
	buf_free(&dec);
	s = sanitize_header(data, size, 998, &flags);
	check_line(s, 998);
	free(s);
	s = sanitize_header(data, size, 2, &flags);
	check_line(s, 2);
	free(s);
	return 0;
}
