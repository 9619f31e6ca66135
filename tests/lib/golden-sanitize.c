/*
 * NAME
 *	golden-sanitize - run one sanitizer over a file for the golden tests
 * SYNOPSIS
 *	golden-sanitize text|html|header|filename FILE
 * DESCRIPTION
 *	text, html: sanitize_text() or sanitize_html_to_text() over the whole
 *	file; prints the output, a line break, and "--- flags: WORDS".
 *	header: sanitize_header() with max 998; the same shape.
 *	filename: sanitize_filename() on each line (index = line number);
 *	prints one name per line.
 *	tests/e2e/test-golden.sh compares the output with FILE's .ref.
 * DIAGNOSTICS
 *	Exit 0, or 2 for a usage or read error (a test program: it may).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psirt/buf.h"
#include "psirt/sanitize.h"
#include "psirt/status.h"
#include "psirt/xalloc.h"

#define MAX_INPUT (16UL * 1024 * 1024)

/* slurp - the whole file into b; -1 on error */
static int
slurp(const char *path, struct buf *b)
{
	FILE *fp;
	char chunk[8192];
	size_t n;
	int rc = 0;

	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_append(b, chunk, n) != BUF_OK) {
			rc = -1;
			break;
		}
	if (ferror(fp))
		rc = -1;
	fclose(fp);
	return rc;
}

/* print_flags - the trailer line */
static void
print_flags(unsigned int flags)
{
	char words[512];

	if (flags_format(flags, words, sizeof(words)) < 0)
		words[0] = '\0';
	printf("\n--- flags: %s\n", words);
}

int
main(int argc, char **argv)
{
	struct buf in, out;
	unsigned int flags = 0;
	const unsigned char *p, *nl;
	size_t left, n, index = 0;
	char *s, *name;

	if (argc != 3) {
		fprintf(stderr, "usage: golden-sanitize "
		    "text|html|header|filename FILE\n");
		return 2;
	}
	buf_init(&in, MAX_INPUT);
	buf_init(&out, 8 * MAX_INPUT);
	if (slurp(argv[2], &in) < 0) {
		fprintf(stderr, "golden-sanitize: cannot read %s\n", argv[2]);
		return 2;
	}
	p = (const unsigned char *)buf_cstr(&in);
	if (strcmp(argv[1], "text") == 0 || strcmp(argv[1], "html") == 0) {
		if (argv[1][0] == 't')
			(void)sanitize_text(p, in.len, &out, &flags);
		else
			(void)sanitize_html_to_text(p, in.len, &out, &flags);
		fwrite(buf_cstr(&out), 1, out.len, stdout);
		print_flags(flags);
	} else if (strcmp(argv[1], "header") == 0) {
		s = sanitize_header(p, in.len, 998, &flags);
		fputs(s, stdout);
		free(s);
		print_flags(flags);
	} else if (strcmp(argv[1], "filename") == 0) {
		left = in.len;
		while (left > 0) {
			nl = memchr(p, '\n', left);
			n = nl != NULL ? (size_t)(nl - p) : left;
			name = xmemdup(p, n);
			s = sanitize_filename(name, ++index);
			printf("%s\n", s);
			free(s);
			free(name);
			if (nl == NULL)
				break;
			left -= n + 1;
			p = nl + 1;
		}
	} else {
		fprintf(stderr, "golden-sanitize: unknown mode %s\n", argv[1]);
		return 2;
	}
	buf_free(&in);
	buf_free(&out);
	return 0;
}
