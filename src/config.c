/*
 * NAME
 *	config - psirt.conf: key = value, like Postfix main.cf
 * DESCRIPTION
 *	See include/psirt/config.h. One table describes every key: its name,
 *	its kind (string, size, count, time) and where it lives.
 * LIMITS
 *	CONFIG_MAX_LINE bytes per line; numbers must fit an unsigned long.
 * DIAGNOSTICS
 *	-1 with error_r: "FILE:LINE: key: what is wrong".
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "psirt/buf.h"
#include "psirt/config.h"
#include "psirt/safeio.h"
#include "psirt/text.h"
#include "psirt/xalloc.h"

#define CONFIG_MAX_LINE 4096
#define CONFIG_MAX_FILE (1024 * 1024)

enum kind { K_STR, K_SIZE, K_COUNT, K_TIME };

static const struct {
	const char *name;
	enum kind kind;
	size_t off;
} keys[] = {
	{ "case_prefix", K_STR, offsetof(struct config, case_prefix) },
	{ "database", K_STR, offsetof(struct config, database) },
	{ "spool_dir", K_STR, offsetof(struct config, spool_dir) },
	{ "gnupg_home", K_STR, offsetof(struct config, gnupg_home) },
	{ "gateway_address", K_STR, offsetof(struct config, gateway_address) },
	{ "sendmail_command", K_STR,
	    offsetof(struct config, sendmail_command) },
	{ "template_dir", K_STR, offsetof(struct config, template_dir) },
	{ "gateway_key", K_STR, offsetof(struct config, gateway_key) },
	{ "ack_per_sender", K_COUNT, offsetof(struct config, ack_per_sender) },
	{ "ack_window", K_TIME, offsetof(struct config, ack_window) },
	{ "ack_global_per_hour", K_COUNT,
	    offsetof(struct config, ack_global_per_hour) },
	{ "max_message_size", K_SIZE,
	    offsetof(struct config, limits.max_message_size) },
	{ "max_mime_depth", K_COUNT,
	    offsetof(struct config, limits.max_mime_depth) },
	{ "max_mime_parts", K_COUNT,
	    offsetof(struct config, limits.max_mime_parts) },
	{ "max_header_size", K_SIZE,
	    offsetof(struct config, limits.max_header_size) },
	{ "max_decrypted_size", K_SIZE,
	    offsetof(struct config, limits.max_decrypted_size) },
	{ "worker_memory_limit", K_SIZE,
	    offsetof(struct config, worker_memory_limit) },
	{ "worker_timeout", K_TIME, offsetof(struct config, worker_timeout) },
	{ "deadline", K_TIME, offsetof(struct config, deadline) },
	{ "db_busy_timeout", K_TIME, offsetof(struct config, db_busy_timeout) },
	{ "sla_ack", K_TIME, offsetof(struct config, sla_ack) },
	{ "sla_triage", K_TIME, offsetof(struct config, sla_triage) },
};

#define FIELD(cfg, i, type) ((type *)((char *)(cfg) + keys[i].off))

/* config_init - defaults only */
void
config_init(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->case_prefix = xstrdup(PSIRT_DEFAULT_CASE_PREFIX);
	cfg->database = xstrdup(PSIRT_DEFAULT_DATABASE);
	cfg->spool_dir = xstrdup(PSIRT_DEFAULT_SPOOL_DIR);
	cfg->gnupg_home = xstrdup(PSIRT_DEFAULT_GNUPG_HOME);
	cfg->gateway_address = xstrdup(PSIRT_DEFAULT_GATEWAY_ADDRESS);
	cfg->sendmail_command = xstrdup(PSIRT_DEFAULT_SENDMAIL_COMMAND);
	cfg->template_dir = xstrdup(PSIRT_DEFAULT_TEMPLATE_DIR);
	cfg->gateway_key = xstrdup("");
	cfg->ack_per_sender = PSIRT_DEFAULT_ACK_PER_SENDER;
	cfg->ack_window = PSIRT_DEFAULT_ACK_WINDOW;
	cfg->ack_global_per_hour = PSIRT_DEFAULT_ACK_GLOBAL_PER_HOUR;
	cfg->limits.max_message_size = PSIRT_DEFAULT_MAX_MESSAGE_SIZE;
	cfg->limits.max_mime_depth = PSIRT_DEFAULT_MAX_MIME_DEPTH;
	cfg->limits.max_mime_parts = PSIRT_DEFAULT_MAX_MIME_PARTS;
	cfg->limits.max_header_size = PSIRT_DEFAULT_MAX_HEADER_SIZE;
	cfg->limits.max_decrypted_size = PSIRT_DEFAULT_MAX_DECRYPTED_SIZE;
	cfg->worker_memory_limit = PSIRT_DEFAULT_WORKER_MEMORY_LIMIT;
	cfg->worker_timeout = PSIRT_DEFAULT_WORKER_TIMEOUT;
	cfg->deadline = PSIRT_DEFAULT_DEADLINE;
	cfg->db_busy_timeout = PSIRT_DEFAULT_DB_BUSY_TIMEOUT;
	cfg->sla_ack = PSIRT_DEFAULT_SLA_ACK;
	cfg->sla_triage = PSIRT_DEFAULT_SLA_TRIAGE;
}

/* config_free - release strings */
void
config_free(struct config *cfg)
{
	size_t i;

	for (i = 0; i < PSIRT_NELEM(keys); i++)
		if (keys[i].kind == K_STR) {
			free(*FIELD(cfg, i, char *));
			*FIELD(cfg, i, char *) = NULL;
		}
	free(cfg->path);
	cfg->path = NULL;
}

/* config_error - format "name:line: message" into error_r */
static int
config_error(char **error_r, const char *name, int line, const char *fmt, ...)
    PSIRT_PRINTF(4, 5);
static int
config_error(char **error_r, const char *name, int line, const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	char msg[512];
	char *n = text_printable_str(name, 200);

	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof(msg), fmt, ap) >= (int)sizeof(msg))
		msg[sizeof(msg) - 1] = '\0';
	va_end(ap);
	buf_init(&b, 1024);
	if (line > 0)
		(void)buf_printf(&b, "%s:%d: %s", n, line, msg);
	else
		(void)buf_printf(&b, "%s: %s", n, msg);
	free(n);
	*error_r = buf_steal(&b);
	return -1;
}

/* parse_number - unsigned number with an optional unit suffix */
static int
parse_number(const char *v, enum kind kind, unsigned long *out)
{
	unsigned long n, mult = 1;
	char *end;

	if (!isdigit((unsigned char)v[0]))
		return -1;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno != 0)
		return -1;
	if (kind == K_SIZE && *end != '\0' && end[1] == '\0') {
		switch (toupper((unsigned char)*end)) {
		case 'K': mult = 1024UL; end++; break;
		case 'M': mult = 1024UL * 1024; end++; break;
		case 'G': mult = 1024UL * 1024 * 1024; end++; break;
		default: return -1;
		}
	} else if (kind == K_TIME && *end != '\0' && end[1] == '\0') {
		switch (*end) {
		case 's': mult = 1; end++; break;
		case 'm': mult = 60; end++; break;
		case 'h': mult = 3600; end++; break;
		case 'd': mult = 86400; end++; break;
		default: return -1;
		}
	}
	if (*end != '\0' || (n != 0 && mult > ULONG_MAX / n))
		return -1;
	*out = n * mult;
	return 0;
}

/* trim - strip leading and trailing blanks in place */
static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* config_set - apply one key = value; -1 with error_r */
static int
config_set(struct config *cfg, const char *name, int line, const char *key,
    const char *value, unsigned char *seen, char **error_r)
{
	unsigned long n;
	size_t i;

	for (i = 0; i < PSIRT_NELEM(keys); i++)
		if (strcmp(keys[i].name, key) == 0)
			break;
	if (i == PSIRT_NELEM(keys))
		return config_error(error_r, name, line, "unknown key \"%s\"",
		    key);
	if (seen[i])
		return config_error(error_r, name, line, "%s: given twice",
		    key);
	seen[i] = 1;
	if (keys[i].kind == K_STR) {
		if (*value == '\0')
			return config_error(error_r, name, line,
			    "%s: empty value", key);
		free(*FIELD(cfg, i, char *));
		*FIELD(cfg, i, char *) = xstrdup(value);
		return 0;
	}
	if (parse_number(value, keys[i].kind, &n) < 0)
		return config_error(error_r, name, line,
		    "%s: bad value \"%s\" (want %s)", key, value,
		    keys[i].kind == K_SIZE ? "a size like 50M" :
		    keys[i].kind == K_TIME ? "a time like 60s, 5m, 1h or 1d" :
		    "a number");
	if (n == 0)
		return config_error(error_r, name, line,
		    "%s: must be greater than 0", key);
	*FIELD(cfg, i, unsigned long) = n;
	return 0;
}

/* config_check - cross-key rules */
static int
config_check(const struct config *cfg, const char *name, char **error_r)
{
	const char *p;

	for (p = cfg->case_prefix; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p))
			return config_error(error_r, name, 0,
			    "case_prefix: only letters and digits allowed");
	if (strlen(cfg->case_prefix) > 16)
		return config_error(error_r, name, 0,
		    "case_prefix: longer than 16 characters");
	if (cfg->worker_timeout >= cfg->deadline)
		return config_error(error_r, name, 0,
		    "worker_timeout (%lus) must be shorter than deadline "
		    "(%lus)", cfg->worker_timeout, cfg->deadline);
	if (cfg->deadline >= 1000)
		return config_error(error_r, name, 0,
		    "deadline (%lus) must stay under Postfix's "
		    "command_time_limit (1000s)", cfg->deadline);
	return 0;
}

/* config_parse - read key = value lines from memory */
int
config_parse(struct config *cfg, const char *name, const char *text,
    size_t len, char **error_r)
{
	unsigned char seen[PSIRT_NELEM(keys)];
	char line[CONFIG_MAX_LINE + 1];
	size_t pos = 0, n;
	int lineno = 0;
	char *s, *eq, *key, *value;
	const char *nl;

	memset(seen, 0, sizeof(seen));
	while (pos < len) {
		lineno++;
		nl = memchr(text + pos, '\n', len - pos);
		n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
		if (n > CONFIG_MAX_LINE)
			return config_error(error_r, name, lineno,
			    "line too long");
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + (nl != NULL);
		if (memchr(line, '\0', n) != NULL)
			return config_error(error_r, name, lineno,
			    "NUL byte in line");
		s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		if ((eq = strchr(s, '=')) == NULL)
			return config_error(error_r, name, lineno,
			    "expected \"key = value\"");
		*eq = '\0';
		key = trim(s);
		value = trim(eq + 1);
		if (config_set(cfg, name, lineno, key, value, seen,
		    error_r) < 0)
			return -1;
	}
	return config_check(cfg, name, error_r);
}

/* config_load - read path over the defaults */
int
config_load(struct config *cfg, const char *path, char **error_r)
{
	struct buf text;
	unsigned char chunk[4096];
	ssize_t n;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return config_error(error_r, path, 0, "cannot open: %s",
		    strerror(errno));
	buf_init(&text, CONFIG_MAX_FILE);
	while ((n = safeio_read_some(fd, chunk, sizeof(chunk))) > 0)
		if (buf_append(&text, chunk, (size_t)n) != BUF_OK) {
			(void)close(fd);
			buf_free(&text);
			return config_error(error_r, path, 0,
			    "file larger than %d bytes", CONFIG_MAX_FILE);
		}
	if (n < 0) {
		rc = errno;
		(void)close(fd);
		buf_free(&text);
		return config_error(error_r, path, 0, "cannot read: %s",
		    strerror(rc));
	}
	(void)close(fd);
	free(cfg->path);
	cfg->path = xstrdup(path);
	rc = config_parse(cfg, path, buf_cstr(&text), text.len, error_r);
	buf_free(&text);
	return rc;
}

/* config_default_path - -c, else $PSIRT_CONFIG, else the installed file */
const char *
config_default_path(const char *opt_c)
{
	const char *env;

	if (opt_c != NULL)
		return opt_c;
	env = getenv("PSIRT_CONFIG");
	if (env != NULL && *env != '\0')
		return env;
	return SYSCONFDIR "/psirt/psirt.conf";
}
