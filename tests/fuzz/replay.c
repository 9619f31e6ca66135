/*
 * NAME
 *	replay - run a fuzz harness over corpus files (make check)
 * SYNOPSIS
 *	replay-<harness> FILE...
 * DESCRIPTION
 *	Prints one TAP line per file; a crash ends the run (and the test).
 */
#include <stdio.h>
#include <stdlib.h>

#include "psirt/buf.h"
#include "fuzz.h"

int
main(int argc, char **argv)
{
	unsigned char chunk[65536];
	struct buf b;
	size_t n;
	FILE *f;
	int i, failed = 0;

	for (i = 1; i < argc; i++) {
		buf_init(&b, 64 * 1024 * 1024);
		if ((f = fopen(argv[i], "rb")) == NULL) {
			printf("not ok %d - %s: cannot open\n", i, argv[i]);
			failed = 1;
			continue;
		}
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			(void)buf_append(&b, chunk, n);
		fclose(f);
		(void)LLVMFuzzerTestOneInput(b.data != NULL ? b.data :
		    (const unsigned char *)"", b.len);
		printf("ok %d - %s\n", i, argv[i]);
		buf_free(&b);
	}
	printf("1..%d\n", argc - 1);
	return failed;
}
