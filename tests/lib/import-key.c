/*
 * NAME
 *	import-key - pgp_import_key() on one file, for the end-to-end tests
 * SYNOPSIS
 *	import-key GNUPGHOME FILE
 * DESCRIPTION
 *	Imports FILE (armored or binary key data) into the GnuPG home
 *	GNUPGHOME with the default reporter-key limits
 *	(pgp_import_limits_default()), exactly as the gateway imports a key
 *	that arrives in mail, and prints one line:
 *
 *		refused=WORD|none nfpr=N [FPR...]
 *
 *	tests/e2e/test-corpora.sh runs it on the public corpus keys (the
 *	16384- and 32768-bit RSA keys must be refused).
 * DIAGNOSTICS
 *	Exit 0 when pgp_import_key() returned 0 (whatever it decided), 1 for
 *	the gateway's own trouble it reported, 2 for a usage or read error
 *	(a test program: it may).
 */
#include <stdio.h>
#include <stdlib.h>

#include "psirt/buf.h"
#include "psirt/pgp.h"

#define MAX_INPUT (16UL * 1024 * 1024)

int
main(int argc, char **argv)
{
	struct pgp_import_limits lim;
	struct pgp_import imp;
	struct pgp *p = NULL;
	struct buf in;
	char chunk[8192], *err = NULL;
	FILE *fp;
	size_t n, i;
	int rc = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: import-key GNUPGHOME FILE\n");
		return 2;
	}
	buf_init(&in, MAX_INPUT);
	if ((fp = fopen(argv[2], "rb")) == NULL) {
		perror(argv[2]);
		return 2;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_append(&in, chunk, n) != BUF_OK) {
			fprintf(stderr, "%s: too large\n", argv[2]);
			fclose(fp);
			buf_free(&in);
			return 2;
		}
	fclose(fp);
	if (pgp_init(argv[1], &err) < 0 || pgp_open(&p, &err) < 0) {
		fprintf(stderr, "import-key: %s\n", err);
		free(err);
		buf_free(&in);
		return 1;
	}
	pgp_import_limits_default(&lim);
	if (pgp_import_key(p, in.data != NULL ? in.data :
	    (const unsigned char *)"", in.len, &lim, &imp, &err) < 0) {
		fprintf(stderr, "import-key: %s\n", err);
		free(err);
		rc = 1;
	} else {
		printf("refused=%s nfpr=%zu", imp.refused != NULL ?
		    imp.refused : "none", imp.nfpr);
		for (i = 0; i < imp.nfpr && i < PGP_MAX_IMPORT_KEYS; i++)
			printf(" %s", imp.fpr[i]);
		printf("\n");
	}
	pgp_close(&p);
	buf_free(&in);
	return rc;
}
