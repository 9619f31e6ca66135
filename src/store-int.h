/*
 * NAME
 *	store-int - what the files of the store module share
 * DESCRIPTION
 *	The store module is store.c (schema, cases, messages, triage, the
 *	audit log) and store-ack.c (acknowledgements, reporter keys). Only
 *	they include this header and <sqlite3.h>.
 */
#ifndef PSIRT_STORE_INT_H
#define PSIRT_STORE_INT_H

#include <sqlite3.h>
#include <time.h>

struct store {
	sqlite3 *db;
	char *path;
	int mode;
};

/* st_err - -1 with error_r: the database, what failed, SQLite's words */
int st_err(struct store *st, const char *what, char **error_r);
/* st_exec - run SQL without parameters */
int st_exec(struct store *st, const char *sql, char **error_r);
/* st_iso_time - ISO 8601 UTC text of t */
void st_iso_time(time_t t, char out[32]);
/* st_prepare - a statement, or -1 with error_r */
int st_prepare(struct store *st, const char *sql, sqlite3_stmt **s,
    char **error_r);
/* st_bind_text - bind a string or NULL */
int st_bind_text(sqlite3_stmt *s, int i, const char *v);
/* st_step_done - step a statement that returns no row, and finalize it */
int st_step_done(struct store *st, sqlite3_stmt *s, const char *what,
    char **error_r);
/* st_cstr - a text column without copying (NULL for NULL) */
const char *st_cstr(sqlite3_stmt *s, int i);
/* st_col_str - a copy of a text column, or NULL */
char *st_col_str(sqlite3_stmt *s, int i);
/* st_add_event - append a hash-chained event (inside a transaction) */
int st_add_event(struct store *st, const char *case_id, const char *now,
    const char *actor, const char *action, const char *old, const char *new,
    char **error_r);

struct store_inbound;
/*
 * store_keys_offer - pin the first key offered for in->key_address if it
 * has none; any other key is recorded as offered and sets
 * FLAG_KEY_CHANGED in *flags (store-ack.c, inside the inbound commit)
 */
int store_keys_offer(struct store *st, const struct store_inbound *in,
    const char *case_id, const char *now, unsigned int *flags,
    char **error_r);
/* store_ack_request - record in->ack for message msg: pending or not */
int store_ack_request(struct store *st, const struct store_inbound *in,
    const char *case_id, long long msg, const char *now, char **error_r);

#endif
