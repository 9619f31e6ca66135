/*
 * NAME
 *	dblock - hold an exclusive lock on a SQLite database (tests only)
 * SYNOPSIS
 *	dblock DATABASE SECONDS
 * DESCRIPTION
 *	Takes BEGIN EXCLUSIVE, prints "locked", holds it for SECONDS and
 *	exits. Used to test psirt-filter's busy timeout and deadline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <sqlite3.h>

int
main(int argc, char **argv)
{
	sqlite3 *db;

	if (argc != 3 || sqlite3_open(argv[1], &db) != SQLITE_OK ||
	    sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL, NULL) !=
		SQLITE_OK) {
		fprintf(stderr, "dblock: cannot lock\n");
		return 1;
	}
	printf("locked\n");
	fflush(stdout);
	sleep((unsigned)strtoul(argv[2], NULL, 10));
	sqlite3_close(db);
	return 0;
}
