/*
 * NAME
 *	cli - what the commands of the staff CLI (psirt) share
 * DESCRIPTION
 *	Layer 2: linked into psirt only. cli_open() loads the configuration
 *	and opens the queue read-only (STORE_RO, the read commands) or
 *	read-write (STORE_RW, the triage commands), checking the files first
 *	so that a permission problem is said plainly, not as a SQLite
 *	message. cli_esc() and the cli_json_* writers are the only ways a
 *	queue string reaches standard output. cli_actor() is the login name
 *	of the real user ID (getpwuid), never an environment variable.
 *	cli_output_open() opens -o FILE for raw bytes: mode 0600, never over
 *	an existing file, never to a terminal.
 *
 *	The commands: psirt.c (main, list, show), cli-triage.c (set, assign,
 *	note, cve, embargo, credit, cvss), cli-audit.c (log, verify-log),
 *	cli-report.c (stats, export, attachment). See psirt(1).
 * LIMITS
 *	CLI_MAX_NOTE bytes of note; raw messages as large as the spool has.
 * DIAGNOSTICS
 *	The exit codes below; messages on stderr through log_error().
 * SECURITY
 *	This program never decrypts: it includes neither pgp.h nor mime.h
 *	and links no gpgme symbol (test-style.sh checks the binary).
 */
#ifndef PSIRT_CLI_H
#define PSIRT_CLI_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "psirt/config.h"
#include "psirt/store.h"

#define EXIT_OK 0
#define EXIT_NOTFOUND 1		/* no such case, message, attachment, match */
#define EXIT_USAGE 2		/* bad command line or argument value */
#define EXIT_TROUBLE 3		/* configuration, queue, permission, I/O */
#define EXIT_REFUSED 4		/* workflow, overwrite, terminal refused */
#define EXIT_INTEGRITY 5	/* audit log or raw copy does not verify */

#define CLI_MAX_NOTE (64 * 1024)
#define CLI_NOSIZE_MAX ((size_t)-1)	/* text_printable(): never cut */

/* What the commands share: the configuration and the queue. */
struct cli {
	const char *opt_c;
	struct config cfg;
	struct store *st;
};

/* cli_esc - a printable copy of a queue string, never cut ("" for NULL) */
char *cli_esc(const char *s);
/* cli_cell - an escaped copy, "-" for absent or empty */
char *cli_cell(const char *s);
/* cli_json_put - s as a JSON string (NULL: null) on stdout */
void cli_json_put(const char *s);
/* cli_json_key - "key": with a comma unless first */
void cli_json_key(int *first, const char *key);
/* cli_json_str - "key":"value" */
void cli_json_str(int *first, const char *key, const char *value);
/* cli_json_ll - "key":N (or null when has is 0) */
void cli_json_ll(int *first, const char *key, long long v, int has);

/* cli_open - configuration and queue (mode STORE_RO or STORE_RW) */
int cli_open(struct cli *cli, int mode);
/* cli_close - release what cli_open() took */
void cli_close(struct cli *cli);
/* cli_not_found - say "no such case: ID" (escaped); EXIT_NOTFOUND */
int cli_not_found(const char *case_id);
/*
 * cli_case_get - one case and its messages from the open queue: EXIT_OK
 * (*c_r set), EXIT_NOTFOUND or EXIT_TROUBLE, each already reported
 */
int cli_case_get(struct cli *cli, const char *case_id,
    struct store_case_row **c_r, struct store_message_row **msgs_r,
    size_t *n_r);
/* cli_fail - report a store error (escaped), free it; EXIT_TROUBLE */
int cli_fail(char *err);
/* cli_actor - the login name of the real user, for audit events */
const char *cli_actor(void);
/* cli_colour - 1 if standard output may get colour (a tty, no NO_COLOR) */
int cli_colour(void);

/* cli_iso - ISO 8601 UTC text of t */
void cli_iso(time_t t, char out[32]);
/* cli_iso_parse - a stored ISO 8601 UTC time; -1 if malformed */
int cli_iso_parse(const char *s, time_t *t_r);
/*
 * cli_date_parse - YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z (UTC), a real
 * date; *t_r the time, *has_time_r whether a time of day was given
 */
int cli_date_parse(const char *s, time_t *t_r, int *has_time_r);
/* cli_since_parse - a date as above or N followed by h, d or w ago */
int cli_since_parse(const char *s, time_t now, time_t *t_r);
/* cli_duration - "3d 4h", "5h 2m", "42s" */
void cli_duration(long long secs, char out[32]);

/*
 * cli_output_open - "-o FILE": create FILE mode 0600 (never over an
 * existing file, never a terminal); "-" or NULL is standard output,
 * refused on a terminal unless force is 1 (0: refused, suggesting
 * --force; -1: refused). *fp_r, and *remove_r the path to remove on
 * failure (NULL for stdout). Exit code.
 */
int cli_output_open(const char *path, int force, const char *what,
    FILE **fp_r, const char **remove_r);
/* cli_output_close - close; on error remove the file; exit code */
int cli_output_close(FILE *fp, const char *remove, int ok);

/*
 * cli_raw_load - the raw message of a stored row, read from the spool
 * and checked against its SHA-256; exit code (EXIT_INTEGRITY if it
 * does not match), *data_r allocated
 */
int cli_raw_load(const struct store_message_row *m, unsigned char **data_r,
    size_t *len_r);

/* cli_json_case_keys - the case keys list --json and show --json share */
void cli_json_case_keys(int *first, const struct store_case_row *c);
/* cli_json_case - a case, its messages and notes as one JSON object */
void cli_json_case(const struct store_case_row *c,
    const struct store_message_row *msgs, size_t n,
    const struct store_event_row *ev, size_t nev, int with_events);

/* The commands: argv[0] is the command name; each returns an exit code. */
int cli_cmd_set(struct cli *cli, int argc, char **argv);
int cli_cmd_assign(struct cli *cli, int argc, char **argv);
int cli_cmd_note(struct cli *cli, int argc, char **argv);
int cli_cmd_cve(struct cli *cli, int argc, char **argv);
int cli_cmd_embargo(struct cli *cli, int argc, char **argv);
int cli_cmd_credit(struct cli *cli, int argc, char **argv);
int cli_cmd_cvss(struct cli *cli, int argc, char **argv);
int cli_cmd_key(struct cli *cli, int argc, char **argv);
int cli_cmd_log(struct cli *cli, int argc, char **argv);
int cli_cmd_verify_log(struct cli *cli, int argc, char **argv);
int cli_cmd_stats(struct cli *cli, int argc, char **argv);
int cli_cmd_export(struct cli *cli, int argc, char **argv);
int cli_cmd_attachment(struct cli *cli, int argc, char **argv);

#endif
