/*
 * NAME
 *	config - psirt.conf: key = value, like Postfix main.cf
 * DESCRIPTION
 *	config_init() fills the safe defaults (PSIRT_DEFAULT_*), config_load()
 *	reads a file over them. Sizes take K/M/G suffixes, times s/m/h/d. An
 *	unknown key, a bad value, a repeated key or an unreadable file is an
 *	error whose message names the file, the line and the key.
 * LIMITS
 *	Lines longer than 4096 bytes are an error.
 * DIAGNOSTICS
 *	-1 with error_r set (the caller owns the string).
 */
#ifndef PSIRT_CONFIG_H
#define PSIRT_CONFIG_H

#include <stddef.h>

#define PSIRT_DEFAULT_CASE_PREFIX "PSIRT"
#define PSIRT_DEFAULT_DATABASE "/var/lib/psirt/queue.db"
#define PSIRT_DEFAULT_SPOOL_DIR "/var/lib/psirt/raw"
#define PSIRT_DEFAULT_GNUPG_HOME "/var/lib/psirt/gnupg"
#define PSIRT_DEFAULT_GATEWAY_ADDRESS "security@localhost"
#define PSIRT_DEFAULT_SENDMAIL_COMMAND "/usr/sbin/sendmail"
#define PSIRT_DEFAULT_TEMPLATE_DIR "/etc/psirt/templates"
#define PSIRT_DEFAULT_MAX_MESSAGE_SIZE (50UL * 1024 * 1024)
#define PSIRT_DEFAULT_MAX_MIME_DEPTH 20UL
#define PSIRT_DEFAULT_MAX_MIME_PARTS 500UL
#define PSIRT_DEFAULT_MAX_HEADER_SIZE (256UL * 1024)
#define PSIRT_DEFAULT_MAX_DECRYPTED_SIZE (100UL * 1024 * 1024)
#define PSIRT_DEFAULT_WORKER_MEMORY_LIMIT (1024UL * 1024 * 1024)
#define PSIRT_DEFAULT_WORKER_TIMEOUT 60UL
#define PSIRT_DEFAULT_DEADLINE 300UL
#define PSIRT_DEFAULT_DB_BUSY_TIMEOUT 30UL
#define PSIRT_DEFAULT_SLA_ACK (1UL * 86400)
#define PSIRT_DEFAULT_SLA_TRIAGE (5UL * 86400)
#define PSIRT_DEFAULT_ACK_PER_SENDER 3UL
#define PSIRT_DEFAULT_ACK_WINDOW 86400UL
#define PSIRT_DEFAULT_ACK_GLOBAL_PER_HOUR 200UL

/* The limits the worker enforces, one struct (as Dovecot's settings). */
struct limits {
	unsigned long max_message_size;
	unsigned long max_mime_depth;
	unsigned long max_mime_parts;
	unsigned long max_header_size;
	unsigned long max_decrypted_size;
};

struct config {
	char *path;
	char *case_prefix;
	char *database;
	char *spool_dir;
	char *gnupg_home;
	char *gateway_address;
	char *sendmail_command;
	char *template_dir;
	char *gateway_key;		/* signing key fingerprint; "" for
					 * the only secret key */
	struct limits limits;
	unsigned long worker_memory_limit;
	unsigned long worker_timeout;	/* seconds */
	unsigned long deadline;		/* seconds */
	unsigned long db_busy_timeout;	/* seconds */
	unsigned long sla_ack;		/* seconds, receipt to ack */
	unsigned long sla_triage;	/* seconds, receipt to triage */
	unsigned long ack_per_sender;	/* acks per address per window */
	unsigned long ack_window;	/* seconds */
	unsigned long ack_global_per_hour;
};

/* config_init - defaults only */
void config_init(struct config *cfg);
/* config_load - read path over the defaults; -1 with error_r */
int config_load(struct config *cfg, const char *path, char **error_r);
/* config_parse - the same from memory (name is used in messages) */
int config_parse(struct config *cfg, const char *name, const char *text,
    size_t len, char **error_r);
/* config_default_path - -c, else $PSIRT_CONFIG, else the installed file */
const char *config_default_path(const char *opt_c);
/* config_free - release strings */
void config_free(struct config *cfg);

#endif
