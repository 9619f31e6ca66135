/*
 * NAME
 *	log - syslog in the Postfix shape
 * DESCRIPTION
 *	One line per decision, facility mail, "ident[pid]: QUEUEID: k=v, ..."
 *	where the queue id is the case ID or a raw SHA-256 prefix. Callers pass
 *	attacker-supplied values through text_printable() first. With
 *	log_open(..., LOG_TO_STDERR) lines go to stderr instead (the staff CLI
 *	and the tests); psirt-filter never writes to stderr. log_open_file()
 *	appends the same lines, with a time and pid, to a file (the tests).
 *	log_last_problem() is the text of the last warning or error, cut to
 *	LOG_LAST_MAX - 1 bytes (log_forget_problem() empties it): the worker
 *	hands it to the parent when it defers, because the worker itself may
 *	not write a log file.
 */
#ifndef PSIRT_LOG_H
#define PSIRT_LOG_H

#include "psirt/compat.h"

#define LOG_TO_SYSLOG 0
#define LOG_TO_STDERR 1
#define LOG_LAST_MAX 512

/* log_open - set the program name and destination */
void log_open(const char *ident, int where);
/* log_open_file - also append every line to path; -1 if it cannot */
int log_open_file(const char *path);
void log_info(const char *fmt, ...) PSIRT_PRINTF(1, 2);
void log_warning(const char *fmt, ...) PSIRT_PRINTF(1, 2);
void log_error(const char *fmt, ...) PSIRT_PRINTF(1, 2);
const char *log_last_problem(void);
void log_forget_problem(void);

#endif
