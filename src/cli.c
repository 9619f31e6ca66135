/*
 * NAME
 *	cli - what the commands of the staff CLI (psirt) share
 * DESCRIPTION
 *	See include/psirt/cli.h: escaping and JSON output, opening the
 *	configuration and the queue, the actor, times, -o output files,
 *	raw messages from the spool, the JSON form of a case.
 * LIMITS
 *	Raw messages are read whole into memory (they are at most what the
 *	filter spooled); notes CLI_MAX_NOTE bytes.
 * DIAGNOSTICS
 *	Messages through log_error(), every queue value escaped; functions
 *	return the exit code of psirt(1).
 * SECURITY
 *	Every string from the queue was written by an outsider: it reaches
 *	standard output only through cli_esc() (text_printable) or
 *	cli_json_put() (json_string). The actor is getpwuid(getuid()), not
 *	$USER or $LOGNAME, which the caller sets at will. Files written for
 *	-o are created O_EXCL|O_NOFOLLOW with mode 0600.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "psirt/buf.h"
#include "psirt/cli.h"
#include "psirt/json.h"
#include "psirt/log.h"
#include "psirt/sha256.h"
#include "psirt/text.h"
#include "psirt/xalloc.h"

/* cli_esc - a printable copy of a queue string, never cut */
char *
cli_esc(const char *s)
{
	return text_printable_str(s, CLI_NOSIZE_MAX);
}

/* cli_cell - an escaped copy, "-" for absent or empty */
char *
cli_cell(const char *s)
{
	return s == NULL || *s == '\0' ? xstrdup("-") : cli_esc(s);
}

/* cli_json_put - s as a JSON string (NULL: null) on stdout */
void
cli_json_put(const char *s)
{
	struct buf b;
	size_t len = s != NULL ? strlen(s) : 0;

	/* At most 12 output bytes per input byte: the cap is never hit. */
	PSIRT_ASSERT(len < (SIZE_MAX - 16) / 12);
	buf_init(&b, 12 * len + 16);
	json_string(&b, s);
	fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
}

/* cli_json_key - "key": with a comma unless first */
void
cli_json_key(int *first, const char *key)
{
	if (!*first)
		putchar(',');
	*first = 0;
	cli_json_put(key);
	putchar(':');
}

/* cli_json_str - "key":"value" */
void
cli_json_str(int *first, const char *key, const char *value)
{
	cli_json_key(first, key);
	cli_json_put(value);
}

/* cli_json_ll - "key":N, or null */
void
cli_json_ll(int *first, const char *key, long long v, int has)
{
	cli_json_key(first, key);
	if (has)
		printf("%lld", v);
	else
		fputs("null", stdout);
}

/* say_path_problem - name the file and the reason; hint at the group */
static void
say_path_problem(const char *what, const char *path, int errnum)
{
	char *p = cli_esc(path);

	if (errnum == EACCES || errnum == EPERM)
		log_error("cannot open %s %s: %s (staff need to be in group "
		    "psirt-staff)", what, p, strerror(errnum));
	else
		log_error("cannot open %s %s: %s", what, p, strerror(errnum));
	free(p);
}

/* cli_fail - report a store error (escaped), free it */
int
cli_fail(char *err)
{
	char *e = cli_esc(err);

	log_error("%s", e);
	free(e);
	free(err);
	return EXIT_TROUBLE;
}

/* suffixed - path with a suffix, as a new string */
static char *
suffixed(const char *path, const char *suffix)
{
	struct buf b;

	buf_init(&b, strlen(path) + strlen(suffix) + 1);
	(void)buf_printf(&b, "%s%s", path, suffix);
	return buf_steal(&b);
}

/* dir_of - the directory of a path, as a new string */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/*
 * check_writable - can this user write the queue? SQLite would only say
 * "attempt to write a readonly database": look at queue.db, its -wal and
 * -shm (or the directory that must hold them) first
 */
static int
check_writable(const char *db)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	char *path, *dir, *p;
	size_t i;
	int fd, missing = 0;

	for (i = 0; i < PSIRT_NELEM(suffixes); i++) {
		path = suffixed(db, suffixes[i]);
		fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);
		if (fd >= 0)
			(void)close(fd);
		else if (errno == ENOENT && i > 0)
			missing = 1;
		else {
			int e = errno;

			p = cli_esc(path);
			if (e == EACCES || e == EPERM || e == EROFS)
				log_error("cannot write queue %s: %s (the "
				    "triage commands need write access: staff "
				    "must be in group psirt-staff, the queue "
				    "group-writable)", p, strerror(e));
			else if (i == 0)
				say_path_problem("queue", path, e);
			else
				log_error("cannot open %s: %s", p,
				    strerror(e));
			free(p);
			free(path);
			return -1;
		}
		free(path);
	}
	if (missing) {
		dir = dir_of(db);
		if (access(dir, W_OK | X_OK) < 0) {
			p = cli_esc(dir);
			log_error("cannot write queue: its directory %s is not "
			    "writable and the -wal and -shm files are missing "
			    "(%s; staff must be in group psirt-staff)", p,
			    strerror(errno));
			free(p);
			free(dir);
			return -1;
		}
		free(dir);
	}
	return 0;
}

/* cli_not_found - say "no such case: ID" (escaped); EXIT_NOTFOUND */
int
cli_not_found(const char *case_id)
{
	char *e = cli_esc(case_id);

	log_error("no such case: %s", e);
	free(e);
	return EXIT_NOTFOUND;
}

/* cli_case_get - one case and its messages from the open queue */
int
cli_case_get(struct cli *cli, const char *case_id,
    struct store_case_row **c_r, struct store_message_row **msgs_r,
    size_t *n_r)
{
	char *err = NULL;

	if (store_case_get(cli->st, case_id, c_r, msgs_r, n_r, &err) < 0)
		return cli_fail(err);
	if (*c_r == NULL)
		return cli_not_found(case_id);
	return EXIT_OK;
}

/* cli_open - load the configuration and open the queue */
int
cli_open(struct cli *cli, int mode)
{
	const char *path = config_default_path(cli->opt_c);
	char *err = NULL, *e;
	int fd;

	config_init(&cli->cfg);
	if (config_load(&cli->cfg, path, &err) < 0) {
		e = cli_esc(err);
		log_error("configuration: %s", e);
		if (access(path, R_OK) < 0 && (errno == EACCES ||
		    errno == EPERM))
			log_error("hint: staff need to be in group "
			    "psirt-staff to read the configuration");
		free(e);
		free(err);
		return -1;
	}
	/*
	 * SQLite says only "unable to open database file": look first, so
	 * the message can say which file and why. Never create a queue.
	 */
	fd = open(cli->cfg.database, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		say_path_problem("queue", cli->cfg.database, errno);
		return -1;
	}
	(void)close(fd);
	if (mode == STORE_RW && check_writable(cli->cfg.database) < 0)
		return -1;
	if (store_open(cli->cfg.database, mode, cli->cfg.db_busy_timeout,
	    &cli->st, &err) < 0) {
		e = cli_esc(err);
		if (mode == STORE_RO && (strstr(err, "readonly") != NULL ||
		    strstr(err, "unable to open") != NULL))
			log_error("cannot open queue: %s (a read-only reader "
			    "of a WAL database needs the -wal and -shm files "
			    "to exist or their directory to be writable)", e);
		else if (strstr(err, "readonly") != NULL)
			log_error("cannot write queue: %s (staff must be in "
			    "group psirt-staff)", e);
		else
			log_error("cannot open queue: %s", e);
		free(e);
		free(err);
		return -1;
	}
	return 0;
}

/* cli_close - release what cli_open() took */
void
cli_close(struct cli *cli)
{
	store_close(&cli->st);
	config_free(&cli->cfg);
}

/* cli_actor - the login name of the real user, for audit events */
const char *
cli_actor(void)
{
	static char actor[80];
	struct passwd *pw = getpwuid(getuid());
	int n;

	if (pw != NULL && pw->pw_name != NULL && *pw->pw_name != '\0' &&
	    strlen(pw->pw_name) < 64 && text_is_clean((const unsigned char *)
	    pw->pw_name, strlen(pw->pw_name), 0) &&
	    strchr(pw->pw_name, ' ') == NULL) {
		/* A user called psirt-filter cannot pass for the gateway. */
		n = snprintf(actor, sizeof(actor), "%s%s",
		    strcmp(pw->pw_name, STORE_ACTOR_FILTER) == 0 ? "user:" :
		    "", pw->pw_name);
	} else
		n = snprintf(actor, sizeof(actor), "uid:%lu",
		    (unsigned long)getuid());
	PSIRT_ASSERT(n > 0 && (size_t)n < sizeof(actor));
	return actor;
}

/* cli_colour - 1 if standard output may get colour */
int
cli_colour(void)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (!isatty(STDOUT_FILENO))
		return 0;
	if (nc != NULL && *nc != '\0')
		return 0;
	return term == NULL || strcmp(term, "dumb") != 0;
}

/* cli_iso - ISO 8601 UTC text of t */
void
cli_iso(time_t t, char out[32])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)snprintf(out, 32, "1970-01-01T00:00:00Z");
}

/* digits - n decimal digits at s as a number; -1 if not all digits */
static int
digits(const char *s, size_t n, int *v_r)
{
	size_t i;
	int v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*v_r = v;
	return 0;
}

/* make_time - a checked calendar date and time (UTC) */
static int
make_time(int y, int mo, int d, int h, int mi, int s, time_t *t_r)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
		31, 30, 31 };
	struct tm tm;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] + (mo == 2 && leap) || h > 23 || mi > 59 ||
	    s > 59)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	*t_r = timegm(&tm);
	return *t_r == (time_t)-1 ? -1 : 0;
}

/* cli_date_parse - YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z */
int
cli_date_parse(const char *s, time_t *t_r, int *has_time_r)
{
	size_t len = strlen(s);
	int y, mo, d, h = 0, mi = 0, sec = 0;

	*has_time_r = 0;
	if (len < 10 || digits(s, 4, &y) < 0 || s[4] != '-' ||
	    digits(s + 5, 2, &mo) < 0 || s[7] != '-' ||
	    digits(s + 8, 2, &d) < 0)
		return -1;
	if (len == 10)
		return make_time(y, mo, d, 0, 0, 0, t_r);
	if ((len != 17 && len != 20) || s[10] != 'T' ||
	    digits(s + 11, 2, &h) < 0 || s[13] != ':' ||
	    digits(s + 14, 2, &mi) < 0 || s[len - 1] != 'Z')
		return -1;
	if (len == 20 && (s[16] != ':' || digits(s + 17, 2, &sec) < 0))
		return -1;
	*has_time_r = 1;
	return make_time(y, mo, d, h, mi, sec, t_r);
}

/* cli_iso_parse - a stored ISO 8601 UTC time */
int
cli_iso_parse(const char *s, time_t *t_r)
{
	int has_time;

	if (s == NULL || strlen(s) != 20)
		return -1;
	return cli_date_parse(s, t_r, &has_time);
}

/* cli_since_parse - a date, or N followed by h, d or w (ago) */
int
cli_since_parse(const char *s, time_t now, time_t *t_r)
{
	size_t len = strlen(s);
	int n, has_time;
	long long unit;

	if (len >= 2 && len <= 6 && digits(s, len - 1, &n) == 0) {
		switch (s[len - 1]) {
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		case 'w': unit = 7 * 86400; break;
		default: return -1;
		}
		*t_r = now - (time_t)(n * unit);
		return 0;
	}
	return cli_date_parse(s, t_r, &has_time);
}

/* cli_duration - "3d 4h", "3d", "5h 2m", "7m 3s", "42s" */
void
cli_duration(long long secs, char out[32])
{
	static const struct {
		long long unit, sub;
		char u, su;
	} units[] = {
		{ 86400, 3600, 'd', 'h' }, { 3600, 60, 'h', 'm' },
		{ 60, 1, 'm', 's' },
	};
	const char *sign = secs < 0 ? "-" : "";
	long long s = secs < 0 ? -secs : secs, rest;
	size_t i;
	int n = -1;

	for (i = 0; i < PSIRT_NELEM(units) && n < 0; i++) {
		if (s < units[i].unit)
			continue;
		rest = s % units[i].unit / units[i].sub;
		if (rest != 0)
			n = snprintf(out, 32, "%s%lld%c %lld%c", sign,
			    s / units[i].unit, units[i].u, rest, units[i].su);
		else
			n = snprintf(out, 32, "%s%lld%c", sign,
			    s / units[i].unit, units[i].u);
	}
	if (n < 0)
		n = snprintf(out, 32, "%s%llds", sign, s);
	if (n < 0 || n >= 32)
		(void)snprintf(out, 32, "?");
}

/* cli_output_open - -o FILE (0600, new, not a terminal) or stdout */
int
cli_output_open(const char *path, int force, const char *what,
    FILE **fp_r, const char **remove_r)
{
	char *p;
	int fd;

	*fp_r = NULL;
	*remove_r = NULL;
	if (path == NULL || strcmp(path, "-") == 0) {
		if (isatty(STDOUT_FILENO) && force <= 0) {
			log_error("refusing to write %s to a terminal (give "
			    "-o FILE%s)", what, force < 0 ? "" :
			    ", or --force");
			return EXIT_REFUSED;
		}
		*fp_r = stdout;
		return EXIT_OK;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC |
	    O_NOCTTY, 0600);
	if (fd < 0) {
		int e = errno;

		p = cli_esc(path);
		if (e == EEXIST)
			log_error("%s exists: refusing to overwrite it", p);
		else
			log_error("cannot create %s: %s", p, strerror(e));
		free(p);
		return e == EEXIST ? EXIT_REFUSED : EXIT_TROUBLE;
	}
	/* Exactly 0600, whatever the umask made of it. */
	(void)fchmod(fd, 0600);
	*fp_r = fdopen(fd, "w");
	if (*fp_r == NULL) {
		(void)close(fd);
		(void)unlink(path);
		return EXIT_TROUBLE;
	}
	*remove_r = path;
	return EXIT_OK;
}

/* cli_output_close - close; on error remove the file */
int
cli_output_close(FILE *fp, const char *remove, int ok)
{
	char *p;
	int e;

	if (fp == stdout)
		return ok ? EXIT_OK : EXIT_TROUBLE;
	if (ferror(fp))
		ok = 0;
	e = errno;
	if (fclose(fp) != 0) {
		e = errno;
		ok = 0;
	}
	if (!ok && remove != NULL) {
		p = cli_esc(remove);
		log_error("cannot write %s: %s", p, strerror(e));
		free(p);
		(void)unlink(remove);
		return EXIT_TROUBLE;
	}
	return ok ? EXIT_OK : EXIT_TROUBLE;
}

/* cli_raw_load - a stored message's raw copy, checked against SHA-256 */
int
cli_raw_load(const struct store_message_row *m, unsigned char **data_r,
    size_t *len_r)
{
	char hex[SHA256_HEX_LEN + 1], *p, *w;
	unsigned char *data;
	struct stat sb;
	size_t len = 0;
	ssize_t r;
	int fd;

	*data_r = NULL;
	*len_r = 0;
	if (m->raw_path == NULL || *m->raw_path == '\0') {
		log_error("no raw copy recorded for this message");
		return EXIT_TROUBLE;
	}
	fd = open(m->raw_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		say_path_problem("raw copy", m->raw_path, errno);
		return EXIT_TROUBLE;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size < 0 ||
	    (unsigned long long)sb.st_size >= SIZE_MAX / 2) {
		p = cli_esc(m->raw_path);
		log_error("raw copy %s: not a regular file", p);
		free(p);
		(void)close(fd);
		return EXIT_TROUBLE;
	}
	data = xmalloc((size_t)sb.st_size + 1);
	while (len <= (size_t)sb.st_size &&
	    (r = read(fd, data + len, (size_t)sb.st_size + 1 - len)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			p = cli_esc(m->raw_path);
			log_error("cannot read %s: %s", p, strerror(errno));
			free(p);
			free(data);
			(void)close(fd);
			return EXIT_TROUBLE;
		}
		len += (size_t)r;
	}
	(void)close(fd);
	sha256_hex(data, len, hex);
	if (m->raw_sha256 == NULL || strcmp(hex, m->raw_sha256) != 0) {
		p = cli_esc(m->raw_path);
		w = cli_esc(m->raw_sha256);
		log_error("raw copy %s does not match its SHA-256 (recorded "
		    "%s, now %s): it was changed", p, w, hex);
		free(p);
		free(w);
		free(data);
		return EXIT_INTEGRITY;
	}
	*data_r = data;
	*len_r = len;
	return EXIT_OK;
}

/* json_flags - the stored comma list as an array of words */
static void
json_flags(const char *flags)
{
	const char *p = flags, *comma;
	char *word;
	int n = 0;

	putchar('[');
	while (p != NULL && *p != '\0') {
		comma = strchr(p, ',');
		word = comma != NULL ? xstrndup(p, (size_t)(comma - p)) :
		    xstrdup(p);
		if (*word != '\0') {
			if (n++ > 0)
				putchar(',');
			cli_json_put(word);
		}
		free(word);
		p = comma != NULL ? comma + 1 : NULL;
	}
	putchar(']');
}

/* json_message - one message as a JSON object; *att numbers attachments */
static void
json_message(const struct store_message_row *m, size_t *att)
{
	size_t i;
	int first = 1, afirst;

	putchar('{');
	cli_json_str(&first, "direction", m->direction);
	cli_json_str(&first, "received", m->received);
	cli_json_str(&first, "message_id", m->message_id);
	cli_json_str(&first, "envelope_sender", m->envelope_sender);
	cli_json_str(&first, "from", m->from);
	cli_json_str(&first, "date", m->date);
	cli_json_str(&first, "subject", m->subject);
	cli_json_str(&first, "inner_from", m->inner_from);
	cli_json_str(&first, "inner_subject", m->inner_subject);
	cli_json_str(&first, "encryption", m->encryption);
	cli_json_str(&first, "signature", m->signature);
	cli_json_str(&first, "signer_fingerprint", m->signer_fpr);
	cli_json_str(&first, "processing", m->processing);
	cli_json_str(&first, "quarantine_reason", m->quarantine_reason);
	cli_json_key(&first, "flags");
	json_flags(m->flags);
	cli_json_str(&first, "raw_sha256", m->raw_sha256);
	cli_json_ll(&first, "size", m->size, 1);
	cli_json_str(&first, "body", m->body);
	cli_json_key(&first, "attachments");
	putchar('[');
	for (i = 0; i < m->natt; i++) {
		if (i > 0)
			putchar(',');
		putchar('{');
		afirst = 1;
		cli_json_ll(&afirst, "number", (long long)++*att, 1);
		cli_json_str(&afirst, "name", m->att[i].name);
		cli_json_str(&afirst, "type", m->att[i].type);
		cli_json_ll(&afirst, "size", m->att[i].size, 1);
		cli_json_str(&afirst, "sha256", m->att[i].sha256);
		putchar('}');
	}
	fputs("]}", stdout);
}

/* json_event - one event as a JSON object */
static void
json_event(const struct store_event_row *e)
{
	int first = 1;

	putchar('{');
	cli_json_ll(&first, "id", e->id, 1);
	cli_json_str(&first, "case", e->case_id);
	cli_json_str(&first, "time", e->time);
	cli_json_str(&first, "actor", e->actor);
	cli_json_str(&first, "action", e->action);
	cli_json_str(&first, "old", e->old);
	cli_json_str(&first, "new", e->new);
	cli_json_str(&first, "hash", e->hash);
	putchar('}');
}

/* cli_json_case_keys - the keys list and show share */
void
cli_json_case_keys(int *first, const struct store_case_row *c)
{
	cli_json_str(first, "id", c->id);
	cli_json_str(first, "status", c->status);
	cli_json_str(first, "created", c->created);
	cli_json_str(first, "updated", c->updated);
	cli_json_str(first, "reporter", c->reporter);
	cli_json_str(first, "subject", c->subject);
	cli_json_str(first, "encryption", c->encryption);
	cli_json_str(first, "signature", c->signature);
	cli_json_str(first, "severity", c->severity);
	cli_json_key(first, "cvss_score");
	if (c->has_cvss_score)
		printf("%.1f", c->cvss_score);
	else
		fputs("null", stdout);
	cli_json_str(first, "assignee", c->assignee);
	cli_json_str(first, "cve", c->cve);
	cli_json_str(first, "embargo", c->embargo);
	cli_json_str(first, "acknowledged", c->acknowledged);
	cli_json_str(first, "triaged", c->triaged);
}

/* cli_json_case - a case, its messages and notes as one JSON object */
void
cli_json_case(const struct store_case_row *c,
    const struct store_message_row *msgs, size_t n,
    const struct store_event_row *ev, size_t nev, int with_events)
{
	size_t i, att = 0;
	int first = 1, nfirst, k = 0;

	putchar('{');
	cli_json_case_keys(&first, c);
	cli_json_str(&first, "cvss_vector", c->cvss_vector);
	cli_json_str(&first, "reporter_fingerprint", c->reporter_fpr);
	cli_json_str(&first, "credit", c->credit);
	cli_json_key(&first, "credit_anonymous");
	fputs(c->credit_anonymous ? "true" : "false", stdout);
	cli_json_str(&first, "duplicate_of", c->duplicate_of);
	cli_json_key(&first, "notes");
	putchar('[');
	for (i = 0; i < nev; i++) {
		if (ev[i].action == NULL || strcmp(ev[i].action, "note") != 0)
			continue;
		fputs(k++ == 0 ? "\n{" : ",\n{", stdout);
		nfirst = 1;
		cli_json_str(&nfirst, "time", ev[i].time);
		cli_json_str(&nfirst, "actor", ev[i].actor);
		cli_json_str(&nfirst, "text", ev[i].new);
		putchar('}');
	}
	putchar(']');
	cli_json_key(&first, "messages");
	putchar('[');
	for (i = 0; i < n; i++) {
		fputs(i == 0 ? "\n" : ",\n", stdout);
		json_message(&msgs[i], &att);
	}
	putchar(']');
	if (with_events) {
		cli_json_key(&first, "events");
		putchar('[');
		for (i = 0; i < nev; i++) {
			fputs(i == 0 ? "\n" : ",\n", stdout);
			json_event(&ev[i]);
		}
		putchar(']');
	}
	fputs("}\n", stdout);
}
