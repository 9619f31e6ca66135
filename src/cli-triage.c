/*
 * NAME
 *	cli-triage - the triage commands of psirt: set, assign, note, cve,
 *	embargo, credit, cvss
 * DESCRIPTION
 *	Each command checks its arguments (the CVE format, a real date, a
 *	CVSS vector scored by cvss.c, a printable name) before it opens the
 *	queue read-write, then makes one change through store.c, which
 *	enforces the status workflow and writes the audit event in the same
 *	transaction. The actor is cli_actor(), the login name. On success
 *	the command prints the event it wrote ("PSIRT-2026-0001: status new
 *	-> triage"), or with --json {"case", "changed", "event"}.
 * LIMITS
 *	Notes CLI_MAX_NOTE bytes; names (assignee 64, credit 200 bytes).
 * DIAGNOSTICS
 *	Exit 0 changed (or nothing to change), 1 no such case, 2 usage or a
 *	malformed value, 3 trouble (no write access: group psirt-staff), 4
 *	refused by the workflow.
 * SECURITY
 *	Values are checked here and bound as parameters by store.c; what is
 *	printed back is escaped. $EDITOR is the caller's own program, run
 *	without privilege on a mode 0600 temporary file.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "psirt/buf.h"
#include "psirt/cli.h"
#include "psirt/cvss.h"
#include "psirt/log.h"
#include "psirt/safeio.h"
#include "psirt/status.h"
#include "psirt/store.h"
#include "psirt/text.h"
#include "psirt/xalloc.h"

#define MAX_ASSIGNEE 64
#define MAX_CREDIT 200

/* Options every triage command takes. */
struct topts {
	int json;
	int clear;
	int anonymous;
	int edit;
	const char *of;
};

/* usage_triage - the synopsis of one triage command */
static void
usage_triage(FILE *f, const char *cmd)
{
	static const struct {
		const char *cmd, *text;
	} u[] = {
	    { "set", "set CASE status STATUS [--of CASE]\n\n"
	      "Move a case along the workflow:\n"
	      "  new -> triage -> accepted | rejected | duplicate\n"
	      "  accepted -> fixing -> disclosed -> closed\n"
	      "  rejected -> closed, duplicate -> closed\n"
	      "  --of CASE   the case it duplicates (for duplicate only)\n" },
	    { "assign", "assign CASE WHO | --clear\n\n"
	      "Assign a case to WHO (a login or mail name: letters, digits,\n"
	      "and . _ @ + -), or take the assignment away.\n" },
	    { "note", "note CASE [TEXT... | - | --edit]\n\n"
	      "Add a note: the words given, standard input (\"-\", or no\n"
	      "TEXT when standard input is not a terminal), or $VISUAL,\n"
	      "$EDITOR or vi (--edit, or no TEXT on a terminal). Lines of\n"
	      "the editor's file starting with # are dropped; an empty note\n"
	      "changes nothing. Notes are UTF-8 text, at most 65536 bytes.\n" },
	    { "cve", "cve CASE CVE-YYYY-NNNN | --clear\n\n"
	      "Record the CVE ID (YYYY from 1999, 4 to 19 digits).\n" },
	    { "embargo", "embargo CASE DATE | --clear\n\n"
	      "Set the embargo: YYYY-MM-DD, or YYYY-MM-DDTHH:MMZ (UTC).\n" },
	    { "credit", "credit CASE NAME | --anonymous | --clear\n\n"
	      "Credit the reporter by NAME, or anonymously.\n" },
	    { "key", "key accept CASE\n\n"
	      "Accept the newest key offered for the case's reporter (a\n"
	      "message flagged key-changed): acknowledgements are then\n"
	      "encrypted to it instead of the key pinned before.\n" },
	    { "cvss", "cvss CASE VECTOR\n\n"
	      "Score a CVSS v3.1 (base score) or v4.0 (MacroVector method)\n"
	      "vector and store it with its score and severity rating.\n"
	      "An invalid vector is refused naming the bad metric.\n" },
	};
	size_t i;

	for (i = 0; i < PSIRT_NELEM(u); i++)
		if (strcmp(u[i].cmd, cmd) == 0)
			fprintf(f, "usage: psirt [-c FILE] %s\n"
			    "  --json  the result as JSON\n"
			    "  --help  this text\n\n"
			    "Needs write access to the queue (group "
			    "psirt-staff).\nExit status: 0 done, 1 no such "
			    "case, 2 usage error or malformed value,\n3 "
			    "trouble, 4 refused by the workflow.\n", u[i].text);
}

/*
 * topts_parse - the options of a triage command; argv is permuted so
 * that the operands follow; *first_r the first operand. -1: exit code
 * in *rc_r
 */
static int
topts_parse(const char *cmd, int argc, char **argv, const char *allowed,
    struct topts *o, int *first_r, int *rc_r)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "clear", no_argument, NULL, 'C' },
		{ "anonymous", no_argument, NULL, 'A' },
		{ "edit", no_argument, NULL, 'e' },
		{ "of", required_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(o, 0, sizeof(*o));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'h') {
			usage_triage(stdout, cmd);
			*rc_r = EXIT_OK;
			return -1;
		}
		if (ch == '?' || strchr(allowed, ch) == NULL) {
			if (ch != '?')
				log_error("%s: option not for this command",
				    cmd);
			usage_triage(stderr, cmd);
			*rc_r = EXIT_USAGE;
			return -1;
		}
		switch (ch) {
		case 'j': o->json = 1; break;
		case 'C': o->clear = 1; break;
		case 'A': o->anonymous = 1; break;
		case 'e': o->edit = 1; break;
		case 'O': o->of = optarg; break;
		}
	}
	*first_r = optind;
	return 0;
}

/* usage_error - a usage message (escaped argument); EXIT_USAGE */
static int
usage_error(const char *cmd, const char *what, const char *arg)
{
	char *e = arg != NULL ? cli_esc(arg) : NULL;

	if (e != NULL)
		log_error("%s: %s: %s", cmd, what, e);
	else
		log_error("%s: %s", cmd, what);
	free(e);
	usage_triage(stderr, cmd);
	return EXIT_USAGE;
}

/* print_event - the event as "CASE: action old -> new" or JSON */
static void
print_event(const struct store_event_row *e, int json)
{
	char *id, *a, *o, *n;
	int first = 1;

	if (json) {
		putchar('{');
		cli_json_str(&first, "case", e->case_id);
		cli_json_key(&first, "changed");
		fputs("true", stdout);
		cli_json_key(&first, "event");
		putchar('{');
		first = 1;
		cli_json_ll(&first, "id", e->id, 1);
		cli_json_str(&first, "time", e->time);
		cli_json_str(&first, "actor", e->actor);
		cli_json_str(&first, "action", e->action);
		cli_json_str(&first, "old", e->old);
		cli_json_str(&first, "new", e->new);
		cli_json_str(&first, "hash", e->hash);
		fputs("}}\n", stdout);
		return;
	}
	id = cli_cell(e->case_id);
	a = cli_cell(e->action);
	o = cli_cell(e->old);
	n = cli_cell(e->new);
	if (strcmp(a, "note") == 0)
		printf("%s: note added (%zu bytes)\n", id,
		    e->new != NULL ? strlen(e->new) : 0);
	else
		printf("%s: %s %s -> %s\n", id, a, o, n);
	free(id), free(a), free(o), free(n);
}

/* outcome - report a store result; the exit code */
static int
outcome(struct cli *cli, const char *case_id, int rc, char *err, int json,
    const char *what)
{
	struct store_event_row *ev = NULL;
	char *e, *e2;
	size_t n = 0, i;
	int first = 1;

	switch (rc) {
	case STORE_OK:
		break;
	case STORE_NOT_FOUND:
		return cli_not_found(case_id);
	case STORE_REFUSED:
		e = cli_esc(case_id);
		e2 = cli_esc(err);
		log_error("%s: refused: %s", e, e2);
		free(e), free(e2), free(err);
		return EXIT_REFUSED;
	case STORE_UNCHANGED:
		if (json) {
			putchar('{');
			cli_json_str(&first, "case", case_id);
			cli_json_key(&first, "changed");
			fputs("false,\"event\":null}\n", stdout);
		} else {
			e = cli_esc(case_id);
			printf("%s: %s unchanged (it already is so)\n", e,
			    what);
			free(e);
		}
		return EXIT_OK;
	default:
		return cli_fail(err);
	}
	/* The event just written: the last of this actor on this case. */
	if (store_event_list(cli->st, case_id, &ev, &n, &err) < 0)
		return cli_fail(err);
	for (i = n; i > 0; i--)
		if (strcmp(ev[i - 1].actor, cli_actor()) == 0)
			break;
	if (i > 1 && strcmp(ev[i - 1].action, "duplicate-of") == 0) {
		/* "status" and "duplicate-of" are written together. */
		print_event(&ev[i - 2], json);
		if (!json)
			print_event(&ev[i - 1], json);
	} else if (i > 0)
		print_event(&ev[i - 1], json);
	store_event_rows_free(&ev, n);
	return EXIT_OK;
}

/* open_rw - the queue for writing; EXIT_OK or EXIT_TROUBLE */
static int
open_rw(struct cli *cli)
{
	return cli_open(cli, STORE_RW) < 0 ? EXIT_TROUBLE : EXIT_OK;
}

/* cli_cmd_set - "psirt set CASE status STATUS [--of CASE]" */
int
cli_cmd_set(struct cli *cli, int argc, char **argv)
{
	struct topts o;
	char *err = NULL;
	int i, rc;

	if (topts_parse("set", argc, argv, "jO", &o, &i, &rc) < 0)
		return rc;
	if (argc - i != 3)
		return usage_error("set", "want CASE status STATUS", NULL);
	if (strcmp(argv[i + 1], "status") != 0)
		return usage_error("set", "only the status is set this way "
		    "(see assign, cve, embargo, credit, cvss)", argv[i + 1]);
	if (case_status_from_str(argv[i + 2]) < 0)
		return usage_error("set", "unknown status (new, triage, "
		    "accepted, rejected, duplicate, fixing, disclosed, closed)",
		    argv[i + 2]);
	if (strcmp(argv[i + 2], "duplicate") == 0 && o.of == NULL)
		return usage_error("set", "duplicate needs --of CASE, the "
		    "case it duplicates", NULL);
	if (strcmp(argv[i + 2], "duplicate") != 0 && o.of != NULL)
		return usage_error("set", "--of goes with the status "
		    "duplicate only", NULL);
	if ((rc = open_rw(cli)) != EXIT_OK)
		return rc;
	rc = store_case_set_status(cli->st, argv[i], argv[i + 2], o.of,
	    cli_actor(), time(NULL), &err);
	return outcome(cli, argv[i], rc, err, o.json, "status");
}

/* valid_assignee - letters, digits and . _ @ + -, 1 to 64 of them */
static int
valid_assignee(const char *s)
{
	const char *p;

	if (*s == '\0' || strlen(s) > MAX_ASSIGNEE || *s == '-')
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("._@+-", *p) != NULL))
			return 0;
	return 1;
}

/*
 * set_field - the common path of assign, cve and embargo: one value
 * (already checked) or --clear
 */
static int
set_field(struct cli *cli, const char *cmd, enum store_field f, int argc,
    char **argv, const char *(*check)(const char *, char *, size_t))
{
	struct topts o;
	char *err = NULL, norm[64];
	const char *value = NULL, *why;
	int i, rc;

	if (topts_parse(cmd, argc, argv, "jC", &o, &i, &rc) < 0)
		return rc;
	if (o.clear ? argc - i != 1 : argc - i != 2)
		return usage_error(cmd, o.clear ? "want CASE --clear" :
		    "want CASE and a value (or --clear)", NULL);
	if (!o.clear) {
		why = check(argv[i + 1], norm, sizeof(norm));
		if (why != NULL)
			return usage_error(cmd, why, argv[i + 1]);
		value = norm;
	}
	if ((rc = open_rw(cli)) != EXIT_OK)
		return rc;
	rc = store_case_set_field(cli->st, argv[i], f, value, cli_actor(),
	    time(NULL), &err);
	return outcome(cli, argv[i], rc, err, o.json, store_field_name(f));
}

/* check_assignee - NULL if a valid assignee (copied to norm) */
static const char *
check_assignee(const char *s, char *norm, size_t size)
{
	int n;

	if (!valid_assignee(s))
		return "not a login or mail name (letters, digits, . _ @ + -; "
		    "at most 64)";
	n = snprintf(norm, size, "%s", s);
	return n < 0 || (size_t)n >= size ? "too long" : NULL;
}

/* check_cve - NULL if CVE-YYYY-NNNN... (normalized to upper case) */
static const char *
check_cve(const char *s, char *norm, size_t size)
{
	size_t len = strlen(s), i;
	int n, year = 0;

	if (len < 13 || len > 28 || strncasecmp(s, "CVE-", 4) != 0 ||
	    s[8] != '-')
		return "not a CVE ID (CVE-YYYY-NNNN)";
	for (i = 4; i < 8; i++) {
		if (s[i] < '0' || s[i] > '9')
			return "not a CVE ID: the year is not 4 digits";
		year = year * 10 + (s[i] - '0');
	}
	if (year < 1999)
		return "not a CVE ID: CVE years start at 1999";
	for (i = 9; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return "not a CVE ID: the number is not 4 to 19 digits";
	n = snprintf(norm, size, "CVE-%s", s + 4);
	return n < 0 || (size_t)n >= size ? "too long" : NULL;
}

/* check_embargo - NULL if a real date (normalized) */
static const char *
check_embargo(const char *s, char *norm, size_t size)
{
	char iso[32];
	time_t t;
	int has_time, n;

	if (cli_date_parse(s, &t, &has_time) < 0)
		return "not a date (YYYY-MM-DD, or YYYY-MM-DDTHH:MMZ in UTC)";
	cli_iso(t, iso);
	if (!has_time)
		iso[10] = '\0';
	if (t < time(NULL))
		log_warning("embargo %s is in the past", iso);
	n = snprintf(norm, size, "%s", iso);
	return n < 0 || (size_t)n >= size ? "too long" : NULL;
}

/* cli_cmd_assign - "psirt assign CASE WHO | --clear" */
int
cli_cmd_assign(struct cli *cli, int argc, char **argv)
{
	return set_field(cli, "assign", STORE_FIELD_ASSIGNEE, argc, argv,
	    check_assignee);
}

/* cli_cmd_cve - "psirt cve CASE CVE-YYYY-NNNN | --clear" */
int
cli_cmd_cve(struct cli *cli, int argc, char **argv)
{
	return set_field(cli, "cve", STORE_FIELD_CVE, argc, argv, check_cve);
}

/* cli_cmd_embargo - "psirt embargo CASE DATE | --clear" */
int
cli_cmd_embargo(struct cli *cli, int argc, char **argv)
{
	return set_field(cli, "embargo", STORE_FIELD_EMBARGO, argc, argv,
	    check_embargo);
}

/* cli_cmd_credit - "psirt credit CASE NAME | --anonymous | --clear" */
int
cli_cmd_credit(struct cli *cli, int argc, char **argv)
{
	struct topts o;
	const char *name = NULL;
	char *err = NULL;
	int i, rc, n;

	if (topts_parse("credit", argc, argv, "jCA", &o, &i, &rc) < 0)
		return rc;
	n = (o.clear || o.anonymous) ? 1 : 2;
	if (o.clear && o.anonymous)
		return usage_error("credit", "--clear or --anonymous, not "
		    "both", NULL);
	if (argc - i != n)
		return usage_error("credit", n == 1 ? "want CASE only" :
		    "want CASE and a NAME (or --anonymous, --clear)", NULL);
	if (n == 2) {
		name = argv[i + 1];
		if (strlen(name) > MAX_CREDIT || !text_is_clean(
		    (const unsigned char *)name, strlen(name), 0) ||
		    strspn(name, " ") == strlen(name))
			return usage_error("credit", "the name must be UTF-8 "
			    "text without control, bidi or invisible "
			    "characters, 1 to 200 bytes", name);
	}
	if ((rc = open_rw(cli)) != EXIT_OK)
		return rc;
	rc = store_case_set_credit(cli->st, argv[i], name, o.anonymous,
	    cli_actor(), time(NULL), &err);
	return outcome(cli, argv[i], rc, err, o.json, "credit");
}

/* cli_cmd_cvss - "psirt cvss CASE VECTOR" */
int
cli_cmd_cvss(struct cli *cli, int argc, char **argv)
{
	char error[CVSS_ERROR_MAX], *err = NULL, *e;
	struct cvss_result r;
	struct topts o;
	int i, rc;

	if (topts_parse("cvss", argc, argv, "j", &o, &i, &rc) < 0)
		return rc;
	if (argc - i != 2)
		return usage_error("cvss", "want CASE VECTOR", NULL);
	if (cvss_score(argv[i + 1], &r, error) < 0) {
		e = cli_esc(error);
		log_error("cvss: invalid vector: %s", e);
		free(e);
		return EXIT_USAGE;
	}
	if ((rc = open_rw(cli)) != EXIT_OK)
		return rc;
	rc = store_case_set_cvss(cli->st, argv[i], argv[i + 1], r.score10,
	    r.severity, cli_actor(), time(NULL), &err);
	if (!o.json && (rc == STORE_OK || rc == STORE_UNCHANGED))
		printf("CVSS %s %d.%d %s (%s)\n", r.version == CVSS_V3_1 ?
		    "3.1" : "4.0", r.score10 / 10, r.score10 % 10, r.severity,
		    r.nomenclature);
	return outcome(cli, argv[i], rc, err, o.json, "cvss");
}

/* clean_note - CRLF to LF, drop trailing blank lines; NULL if not text */
static char *
clean_note(struct buf *b, int drop_comments)
{
	struct buf out;
	const char *p = buf_cstr(b), *nl, *end = p + b->len;
	size_t len;

	buf_init(&out, b->len + 1);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (!(drop_comments && len > 0 && p[0] == '#')) {
			(void)buf_append(&out, p, len);
			(void)buf_putc(&out, '\n');
		}
		p = nl != NULL ? nl + 1 : end;
	}
	while (out.len > 0 && (out.data[out.len - 1] == '\n' ||
	    out.data[out.len - 1] == ' ' || out.data[out.len - 1] == '\t'))
		out.len--;
	out.data[out.len] = '\0';
	if (memchr(out.data, '\0', out.len) != NULL ||
	    !text_is_clean(out.data, out.len, 1)) {
		buf_free(&out);
		return NULL;
	}
	return buf_steal(&out);
}

/* read_fd - the whole of fd into b (at most CLI_MAX_NOTE); -1 too long */
static int
read_fd(int fd, struct buf *b)
{
	unsigned char chunk[4096];
	ssize_t n;

	while ((n = safeio_read_some(fd, chunk, sizeof(chunk))) > 0)
		if (buf_append(b, chunk, (size_t)n) != BUF_OK)
			return -1;
	return n < 0 ? -2 : 0;
}

/* edit_note - $VISUAL/$EDITOR/vi on a 0600 temporary file; the text */
static int
edit_note(const char *case_id, struct buf *b)
{
	const char *editor = getenv("VISUAL"), *tmpdir = getenv("TMPDIR");
	char *path, *e;
	struct buf pb;
	pid_t pid, w;
	int fd, status = 0, rc;
	FILE *f;

	if (editor == NULL || *editor == '\0')
		editor = getenv("EDITOR");
	if (editor == NULL || *editor == '\0')
		editor = "vi";
	if (tmpdir == NULL || *tmpdir != '/')
		tmpdir = "/tmp";
	buf_init(&pb, strlen(tmpdir) + 32);
	(void)buf_printf(&pb, "%s/psirt-note.XXXXXX", tmpdir);
	path = buf_steal(&pb);
	if ((fd = mkstemp(path)) < 0) {
		log_error("note: cannot create a temporary file in %s: %s",
		    tmpdir, strerror(errno));
		free(path);
		return EXIT_TROUBLE;
	}
	e = cli_esc(case_id);
	if ((f = fdopen(fd, "w")) == NULL || fprintf(f, "\n# Write the note "
	    "for %s above this line. Lines starting with '#'\n# are "
	    "dropped; an empty note changes nothing.\n", e) < 0 ||
	    fclose(f) != 0) {
		log_error("note: cannot write %s", path);
		free(e);
		(void)unlink(path);
		free(path);
		return EXIT_TROUBLE;
	}
	free(e);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		/* The editor may be a command line ("emacs -nw"). */
		if (setenv("PSIRT_EDITOR", editor, 1) == 0)
			execl("/bin/sh", "sh", "-c",
			    "exec $PSIRT_EDITOR \"$1\"", "sh", path,
			    (char *)NULL);
		_exit(127);
	}
	rc = EXIT_TROUBLE;
	if (pid > 0) {
		while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
			;
		if (w == pid && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0) {
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd >= 0) {
				rc = read_fd(fd, b) == 0 ? EXIT_OK :
				    EXIT_USAGE;
				(void)close(fd);
				if (rc == EXIT_USAGE)
					log_error("note: longer than %d "
					    "bytes", CLI_MAX_NOTE);
			}
		} else
			log_error("note: the editor failed; nothing "
			    "recorded");
	} else
		log_error("note: cannot start the editor: %s",
		    strerror(errno));
	(void)unlink(path);
	free(path);
	return rc;
}

/* cli_cmd_note - "psirt note CASE [TEXT... | - | --edit]" */
int
cli_cmd_note(struct cli *cli, int argc, char **argv)
{
	struct topts o;
	struct buf b;
	char *text, *err = NULL;
	int i, j, rc, from_editor = 0;

	if (topts_parse("note", argc, argv, "je", &o, &i, &rc) < 0)
		return rc;
	if (argc - i < 1)
		return usage_error("note", "which case?", NULL);
	if (o.edit && argc - i > 1)
		return usage_error("note", "--edit or a TEXT, not both", NULL);
	if (argc - i > 2 && strcmp(argv[i + 1], "-") == 0)
		return usage_error("note", "\"-\" (standard input) or words, "
		    "not both", NULL);
	buf_init(&b, CLI_MAX_NOTE);
	if (argc - i > 1 && strcmp(argv[i + 1], "-") != 0) {
		for (j = i + 1; j < argc; j++)
			if ((j > i + 1 && buf_putc(&b, ' ') != BUF_OK) ||
			    buf_puts(&b, argv[j]) != BUF_OK) {
				buf_free(&b);
				return usage_error("note", "longer than 65536 "
				    "bytes", NULL);
			}
	} else if (o.edit || (argc - i == 1 && isatty(STDIN_FILENO))) {
		from_editor = 1;
		if ((rc = edit_note(argv[i], &b)) != EXIT_OK) {
			buf_free(&b);
			return rc;
		}
	} else if ((rc = read_fd(STDIN_FILENO, &b)) < 0) {
		buf_free(&b);
		if (rc == -2) {
			log_error("note: cannot read standard input: %s",
			    strerror(errno));
			return EXIT_TROUBLE;
		}
		return usage_error("note", "longer than 65536 bytes", NULL);
	}
	text = clean_note(&b, from_editor);
	buf_free(&b);
	if (text == NULL)
		return usage_error("note", "not UTF-8 text (a control, bidi or "
		    "invisible character other than newline and tab, or a NUL "
		    "byte)", NULL);
	if (*text == '\0') {
		free(text);
		log_error("note: empty note; nothing recorded");
		return EXIT_USAGE;
	}
	if ((rc = open_rw(cli)) != EXIT_OK) {
		free(text);
		return rc;
	}
	rc = store_case_add_note(cli->st, argv[i], text, cli_actor(),
	    time(NULL), &err);
	free(text);
	return outcome(cli, argv[i], rc, err, o.json, "note");
}

/* cli_cmd_key - "psirt key accept CASE" */
int
cli_cmd_key(struct cli *cli, int argc, char **argv)
{
	struct topts o;
	char *err = NULL, *fpr = NULL, *e;
	int i, rc;

	if (topts_parse("key", argc, argv, "j", &o, &i, &rc) < 0)
		return rc;
	if (argc - i != 2 || strcmp(argv[i], "accept") != 0)
		return usage_error("key", "key accept CASE", NULL);
	if ((rc = open_rw(cli)) != EXIT_OK)
		return rc;
	rc = store_key_accept(cli->st, argv[i + 1], cli_actor(), time(NULL),
	    &fpr, &err);
	free(fpr);
	if (rc == STORE_UNCHANGED) {
		e = cli_esc(argv[i + 1]);
		log_error("%s: no new key was offered for its reporter", e);
		free(e);
		return EXIT_REFUSED;
	}
	return outcome(cli, argv[i + 1], rc, err, o.json, "key");
}
