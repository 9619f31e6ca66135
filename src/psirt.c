/*
 * NAME
 *	psirt - the PSIRT staff command: list, read and triage the queue
 * SYNOPSIS
 *	psirt [-c FILE] COMMAND [ARGS] [--json]
 *	psirt --help | --version
 * DESCRIPTION
 *	The staff CLI (DESIGN.md "Staff CLI"); see psirt(1). This file holds
 *	main() and the two read commands of the first issue, list and show;
 *	the triage, audit and report commands are in cli-triage.c,
 *	cli-audit.c and cli-report.c, what they share in cli.c.
 *
 *	Read commands open the queue read-only (STORE_RO) and print it three
 *	ways: a table that fits the terminal when standard output is one
 *	(colour only there, and not with NO_COLOR), tab-separated values with
 *	a header line when it is not, and JSON with --json. "show" prints a
 *	case and every message of it; the verdicts (encryption, signature,
 *	processing) come from the database columns and are printed in a
 *	header block, apart from the body, whose every line is prefixed with
 *	"| " so that a body can never pass for a verdict. "show --raw N"
 *	prints a message's raw bytes, checked against their SHA-256, and not
 *	to a terminal unless --force.
 * LIMITS
 *	None of psirt.conf's limits: this program never parses mail. Table
 *	cells are cut (on a UTF-8 boundary, by rough display width, marked
 *	with an ellipsis) to fit the terminal, at least 80 columns; on a
 *	narrow one the ENC and SIG words are cut to 10 columns, which keeps
 *	them distinct, and SEV and ASSIGNEE are left out. TSV, JSON and
 *	"show" are never cut.
 * DIAGNOSTICS
 *	Exit 0 success; 1 case (message, attachment) not found, or no case
 *	matched; 2 usage error; 3 configuration, database, permission or
 *	output trouble (the message names the file; a permission problem
 *	hints at group psirt-staff); 4 refused (a workflow transition, an
 *	existing file, raw bytes to a terminal); 5 integrity (the audit log
 *	or a raw copy does not verify).
 * SECURITY
 *	Every string from the queue was written by an outsider: it goes
 *	through text_printable() (table, TSV, show) or json_string() (--json)
 *	before it reaches standard output, so no control character, ESC,
 *	C1 code or bidi/invisible character is printed raw; the only escape
 *	sequences are the colours psirt itself writes. This program never
 *	decrypts (it includes neither pgp.h nor mime.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "psirt/buf.h"
#include "psirt/cli.h"
#include "psirt/config.h"
#include "psirt/cvss.h"
#include "psirt/log.h"
#include "psirt/status.h"
#include "psirt/store.h"
#include "psirt/text.h"
#include "psirt/xalloc.h"

#define TABLE_MIN_WIDTH 80
#define TABLE_MAX_WIDTH 400
#define TABLE_MIN_FREE 32	/* REPORTER + SUBJECT before verdicts are cut */
#define ELLIPSIS "\xE2\x80\xA6"	/* U+2026, one column */

#define SGR_RESET "\033[0m"
#define SGR_RED "\033[31m"
#define SGR_BOLD_RED "\033[1;31m"
#define SGR_YELLOW "\033[33m"

#define OVERDUE_ACK 1u
#define OVERDUE_TRIAGE 2u

/* on_nomem - out of memory: say so and end with the trouble code */
static void
on_nomem(void)
{
	static const char msg[] = "psirt: out of memory\n";

	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(EXIT_TROUBLE);
	_exit(EXIT_TROUBLE);
}

/* usage_main - the top-level synopsis */
static void
usage_main(FILE *f)
{
	fprintf(f,
	    "usage: psirt [-c FILE] COMMAND [ARGS] [--json]\n"
	    "       psirt --help | --version\n"
	    "\n"
	    "Read and triage the PSIRT intake queue.\n"
	    "\n"
	    "Read (the queue is opened read-only):\n"
	    "  list [--status S] [--assignee WHO] [--since DATE]\n"
	    "       [--severity S] [--overdue]   the cases, oldest first\n"
	    "  show CASE [--raw N [-o FILE] [--force]]\n"
	    "                                one case and all its messages\n"
	    "  log [CASE]                    the audit events\n"
	    "  verify-log                    check the audit hash chain\n"
	    "  stats [--since DATE]          counts and SLA figures\n"
	    "  export CASE --format json|mbox [-o FILE] [--force]\n"
	    "  attachment CASE N -o FILE     save an attachment (mode 0600)\n"
	    "\n"
	    "Triage (needs write access, group psirt-staff):\n"
	    "  set CASE status STATUS [--of CASE]\n"
	    "  assign CASE WHO | --clear\n"
	    "  note CASE [TEXT... | - | --edit]\n"
	    "  cve CASE CVE-YYYY-NNNN | --clear\n"
	    "  embargo CASE YYYY-MM-DD | --clear\n"
	    "  credit CASE NAME | --anonymous | --clear\n"
	    "  cvss CASE VECTOR              CVSS:3.1/... or CVSS:4.0/...\n"
	    "  key accept CASE               use the reporter's new key\n"
	    "\n"
	    "  -c FILE      configuration (default: $PSIRT_CONFIG, else\n"
	    "               %s/psirt/psirt.conf)\n"
	    "  --help       this text; \"psirt COMMAND --help\" for a command\n"
	    "  --version    the version\n"
	    "\n"
	    "Output is a table on a terminal, tab-separated values otherwise,\n"
	    "JSON with --json. Exit status: 0 ok, 1 not found or no match,\n"
	    "2 usage error, 3 configuration, queue or permission trouble,\n"
	    "4 refused, 5 integrity check failed.\n",
	    SYSCONFDIR);
}

/* usage_list - the synopsis of "list" */
static void
usage_list(FILE *f)
{
	fprintf(f,
	    "usage: psirt [-c FILE] list [--status STATUS] [--assignee WHO]\n"
	    "           [--since DATE] [--severity SEVERITY] [--overdue]\n"
	    "           [--json]\n"
	    "\n"
	    "List the cases, oldest first.\n"
	    "\n"
	    "  --status STATUS  only cases in STATUS: new, triage, accepted,\n"
	    "                   rejected, duplicate, fixing, disclosed,\n"
	    "                   closed\n"
	    "  --assignee WHO   only cases assigned to WHO\n"
	    "  --since DATE     only cases received since DATE (YYYY-MM-DD,\n"
	    "                   or 12h, 7d, 2w ago)\n"
	    "  --severity SEV   none, low, medium, high, critical or unscored\n"
	    "  --overdue        only cases past sla_triage still new, or past\n"
	    "                   sla_ack not acknowledged (STATUS ends in !)\n"
	    "  --json           a JSON array of objects\n"
	    "  --help           this text\n"
	    "\n"
	    "Exit status: 0 cases listed, 1 no case matched, 2 usage error,\n"
	    "3 configuration or database trouble.\n");
}

/* usage_show - the synopsis of "show" */
static void
usage_show(FILE *f)
{
	fprintf(f,
	    "usage: psirt [-c FILE] show CASE [--json]\n"
	    "       psirt [-c FILE] show CASE --raw N [-o FILE] [--force]\n"
	    "\n"
	    "Show one case, its notes and all its messages. Verdicts\n"
	    "(encryption, signature, processing) come from the queue, never\n"
	    "from the message; body lines are prefixed with \"| \".\n"
	    "\n"
	    "  --json      a JSON object\n"
	    "  --raw N     the raw bytes of message N (1 is the first), as\n"
	    "              received, checked against their SHA-256; refused\n"
	    "              on a terminal\n"
	    "  -o FILE     write them to FILE (created mode 0600, never over\n"
	    "              an existing file)\n"
	    "  --force     write raw bytes to a terminal all the same\n"
	    "  --help      this text\n"
	    "\n"
	    "Exit status: 0 shown, 1 no such case or message, 2 usage error,\n"
	    "3 configuration or database trouble, 4 refused (a terminal, an\n"
	    "existing file), 5 the raw copy does not match its SHA-256.\n");
}

/* cp_width - rough display width of one code point: 0, 1 or 2 */
static int
cp_width(uint32_t cp)
{
	/* Combining marks take no column. */
	if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 &&
	    cp <= 0x1AFF) || (cp >= 0x1DC0 && cp <= 0x1DFF) ||
	    (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE20 && cp <= 0xFE2F))
		return 0;
	/* East Asian wide and fullwidth, emoji: two columns. */
	if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 &&
	    cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) ||
	    (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
	    (cp >= 0xA000 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
	    (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
	    (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) ||
	    (cp >= 0x1F300 && cp <= 0x1F64F) ||
	    (cp >= 0x1F900 && cp <= 0x1F9FF) ||
	    (cp >= 0x20000 && cp <= 0x3FFFD))
		return 2;
	return 1;
}

/*
 * str_width - display width of printable UTF-8 s; *cut_r (if not NULL) is
 * the byte length of the longest prefix at most max wide, *cutw_r its width.
 */
static size_t
str_width(const char *s, size_t max, size_t *cut_r, size_t *cutw_r)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, n, w = 0, cut = 0, cutw = 0;
	uint32_t cp;
	int cw;

	while (i < len) {
		n = text_utf8_decode(p + i, len - i, &cp);
		if (n == 0) {
			/* Cannot happen after text_printable(); count it. */
			n = 1;
			cw = 1;
		} else
			cw = cp_width(cp);
		w += (size_t)cw;
		i += n;
		if (w <= max) {
			cut = i;
			cutw = w;
		}
	}
	if (cut_r != NULL)
		*cut_r = cut;
	if (cutw_r != NULL)
		*cutw_r = cutw;
	return w;
}

/* put_cell - s cut to width (ellipsis), in colour sgr, padded unless last */
static void
put_cell(const char *s, size_t width, int last, const char *sgr)
{
	size_t w, cut, cutw;

	if (sgr != NULL)
		fputs(sgr, stdout);
	w = str_width(s, width > 0 ? width - 1 : 0, &cut, &cutw);
	if (w > width) {
		fwrite(s, 1, cut, stdout);
		fputs(ELLIPSIS, stdout);
		w = cutw + 1;
	} else
		fputs(s, stdout);
	if (sgr != NULL)
		fputs(SGR_RESET, stdout);
	if (!last)
		for (; w < width + 1; w++)
			putchar(' ');
}

/* term_width - columns of the terminal on stdout, at least 80 */
static size_t
term_width(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
		if (ws.ws_col < TABLE_MIN_WIDTH)
			return TABLE_MIN_WIDTH;
		return ws.ws_col > TABLE_MAX_WIDTH ? TABLE_MAX_WIDTH :
		    ws.ws_col;
	}
	return TABLE_MIN_WIDTH;
}

/* date_part - the YYYY-MM-DD of an ISO 8601 time, or the whole string */
static char *
date_part(const char *iso)
{
	char *e = cli_esc(iso);

	if (strlen(e) >= 10 && e[4] == '-' && e[7] == '-')
		e[10] = '\0';
	return e;
}

/* The overdue rule's inputs (psirt.conf's SLAs and the time). */
struct overdue {
	time_t now;
	unsigned long sla_ack, sla_triage;
	int acks_recorded;	/* 0: acknowledgements not recorded yet */
};

/*
 * overdue_flags - OVERDUE_TRIAGE: still new past sla_triage;
 * OVERDUE_ACK: open, not acknowledged past sla_ack (only once the queue
 * records acknowledgements at all: before that, "not acknowledged" says
 * nothing)
 */
static unsigned int
overdue_flags(const struct store_case_row *c, const struct overdue *o)
{
	unsigned int f = 0;
	time_t created;
	int open;

	if (c->status == NULL || cli_iso_parse(c->created, &created) < 0)
		return 0;
	open = strcmp(c->status, "rejected") != 0 &&
	    strcmp(c->status, "duplicate") != 0 &&
	    strcmp(c->status, "closed") != 0;
	if (strcmp(c->status, "new") == 0 &&
	    o->now - created > (time_t)o->sla_triage)
		f |= OVERDUE_TRIAGE;
	if (o->acks_recorded && open && c->acknowledged == NULL &&
	    o->now - created > (time_t)o->sla_ack)
		f |= OVERDUE_ACK;
	return f;
}

/* overdue_words - "ack", "triage", "ack,triage" or NULL */
static const char *
overdue_words(unsigned int f)
{
	static const char *const words[4] = { NULL, "ack", "triage",
		"ack,triage" };

	return words[f & 3u];
}

/* sev_short - the SEV column: crit, high, med, low, none or - */
static const char *
sev_short(const char *sev)
{
	if (sev == NULL)
		return "-";
	if (strcmp(sev, "critical") == 0)
		return "crit";
	if (strcmp(sev, "medium") == 0)
		return "med";
	return cvss_severity_valid(sev) ? sev : "?";
}

/* sev_colour - the colour of a severity, or NULL */
static const char *
sev_colour(const char *sev)
{
	if (sev == NULL)
		return NULL;
	if (strcmp(sev, "critical") == 0)
		return SGR_BOLD_RED;
	if (strcmp(sev, "high") == 0)
		return SGR_RED;
	if (strcmp(sev, "medium") == 0)
		return SGR_YELLOW;
	return NULL;
}

/*
 * The table: fixed columns (SEV, ASSIGNEE only when there is room), then
 * REPORTER and SUBJECT sharing the rest.
 */
enum {
	C_ID, C_STATUS, C_SEV, C_CREATED, C_ENC, C_SIG, C_MSGS, C_ASSIGNEE,
	C_REPORTER, C_SUBJECT, C__COUNT
};

static const struct {
	const char *head;
	size_t cap, wide_cap;	/* most a fixed column may take */
	int optional;		/* shown only when there is room */
} table_cols[C__COUNT] = {
	{ "ID", 24, 24, 0 }, { "STATUS", 12, 12, 0 }, { "SEV", 4, 4, 1 },
	{ "CREATED", 10, 10, 0 }, { "ENC", 10, 20, 0 }, { "SIG", 10, 20, 0 },
	{ "MSGS", 6, 6, 0 }, { "ASSIGNEE", 12, 16, 1 },
	{ "REPORTER", 0, 0, 0 }, { "SUBJECT", 0, 0, 0 },
};

/* list_table - the cases as a table fitting the terminal */
static void
list_table(const struct store_case_row *rows, size_t n,
    const unsigned int *od)
{
	/*
	 * Verdict words over 10 columns are cut with an ellipsis; the cut
	 * forms stay distinct from each other and from every whole word
	 * ("good-uid-..." is never "good").
	 */
	size_t width[C__COUNT], natural[C__COUNT];
	int show[C__COUNT], colour = cli_colour(), wide;
	size_t total, fixed, room, i, j;
	char ***cells;
	char num[32];
	int len;

	cells = xreallocarray(NULL, n, sizeof(*cells));
	for (j = 0; j < C__COUNT; j++)
		natural[j] = strlen(table_cols[j].head);
	for (i = 0; i < n; i++) {
		cells[i] = xreallocarray(NULL, C__COUNT, sizeof(char *));
		if (od[i]) {
			struct buf b;
			char *st = cli_cell(rows[i].status);

			buf_init(&b, strlen(st) + 2);
			(void)buf_printf(&b, "%s!", st);
			cells[i][C_STATUS] = buf_steal(&b);
			free(st);
		} else
			cells[i][C_STATUS] = cli_cell(rows[i].status);
		cells[i][C_ID] = cli_cell(rows[i].id);
		cells[i][C_SEV] = xstrdup(sev_short(rows[i].severity));
		cells[i][C_CREATED] = date_part(rows[i].created);
		cells[i][C_ENC] = cli_cell(rows[i].encryption);
		cells[i][C_SIG] = cli_cell(rows[i].signature);
		len = snprintf(num, sizeof(num), "%lld", rows[i].messages);
		if (len < 0 || (size_t)len >= sizeof(num))
			num[0] = '?', num[1] = '\0';
		cells[i][C_MSGS] = xstrdup(num);
		cells[i][C_ASSIGNEE] = cli_cell(rows[i].assignee);
		cells[i][C_REPORTER] = cli_cell(rows[i].reporter);
		cells[i][C_SUBJECT] = cli_cell(rows[i].subject);
		for (j = 0; j < C__COUNT; j++) {
			size_t w = str_width(cells[i][j], 0, NULL, NULL);

			if (w > natural[j])
				natural[j] = w;
		}
	}
	total = term_width();
	/* Whole verdict words when the terminal has room for them. */
	for (wide = 1; wide >= 0; wide--) {
		fixed = 0;
		for (j = 0; j < C_REPORTER; j++) {
			size_t cap = wide ? table_cols[j].wide_cap :
			    table_cols[j].cap;

			width[j] = natural[j] < cap ? natural[j] : cap;
			show[j] = !table_cols[j].optional;
			if (show[j])
				fixed += width[j] + 1;
		}
		if (fixed + TABLE_MIN_FREE <= total)
			break;
	}
	/* SEV and ASSIGNEE when they leave REPORTER and SUBJECT room. */
	for (j = 0; j < C_REPORTER; j++)
		if (table_cols[j].optional &&
		    fixed + width[j] + 1 + TABLE_MIN_FREE <= total) {
			show[j] = 1;
			fixed += width[j] + 1;
		}
	show[C_REPORTER] = show[C_SUBJECT] = 1;
	/*
	 * REPORTER and SUBJECT share what is left (80 columns leave 16 in
	 * the worst case): REPORTER up to 2/5, at least 7, SUBJECT the rest,
	 * at least 8.
	 */
	room = total > fixed + 1 ? total - fixed - 1 : 0;
	if (natural[C_REPORTER] + natural[C_SUBJECT] <= room) {
		width[C_REPORTER] = natural[C_REPORTER];
		width[C_SUBJECT] = natural[C_SUBJECT];
	} else {
		width[C_REPORTER] = room * 2 / 5;
		if (width[C_REPORTER] < 7)
			width[C_REPORTER] = 7;
		if (width[C_REPORTER] > natural[C_REPORTER])
			width[C_REPORTER] = natural[C_REPORTER];
		width[C_SUBJECT] = room > width[C_REPORTER] + 8 ?
		    room - width[C_REPORTER] : 8;
		if (width[C_SUBJECT] > natural[C_SUBJECT]) {
			/* A short SUBJECT leaves more to REPORTER. */
			width[C_SUBJECT] = natural[C_SUBJECT];
			width[C_REPORTER] = room - width[C_SUBJECT];
		}
	}
	for (j = 0; j < C__COUNT; j++)
		if (show[j])
			put_cell(table_cols[j].head, width[j],
			    j == C__COUNT - 1, NULL);
	putchar('\n');
	for (i = 0; i < n; i++) {
		for (j = 0; j < C__COUNT; j++) {
			const char *sgr = NULL;

			if (colour && j == C_STATUS && od[i])
				sgr = SGR_RED;
			else if (colour && j == C_SEV)
				sgr = sev_colour(rows[i].severity);
			if (show[j])
				put_cell(cells[i][j], width[j],
				    j == C__COUNT - 1, sgr);
			free(cells[i][j]);
		}
		putchar('\n');
		free(cells[i]);
	}
	free(cells);
}

/* tsv_field - one escaped field (no TAB, LF or control can remain) */
static void
tsv_field(const char *s, int last)
{
	char *e = cli_esc(s);

	fputs(e, stdout);
	putchar(last ? '\n' : '\t');
	free(e);
}

/* list_tsv - the cases as tab-separated values with a header line */
static void
list_tsv(const struct store_case_row *rows, size_t n,
    const unsigned int *od)
{
	const char *w;
	size_t i;

	fputs("ID\tSTATUS\tCREATED\tENC\tSIG\tMSGS\tREPORTER\tSUBJECT\t"
	    "SEVERITY\tASSIGNEE\tOVERDUE\n", stdout);
	for (i = 0; i < n; i++) {
		tsv_field(rows[i].id, 0);
		tsv_field(rows[i].status, 0);
		tsv_field(rows[i].created, 0);
		tsv_field(rows[i].encryption, 0);
		tsv_field(rows[i].signature, 0);
		printf("%lld\t", rows[i].messages);
		tsv_field(rows[i].reporter, 0);
		tsv_field(rows[i].subject, 0);
		tsv_field(rows[i].severity, 0);
		tsv_field(rows[i].assignee, 0);
		w = overdue_words(od[i]);
		tsv_field(w != NULL ? w : "-", 1);
	}
}

/* list_json - the cases as a JSON array of objects */
static void
list_json(const struct store_case_row *rows, size_t n,
    const unsigned int *od)
{
	size_t i;
	int first;

	putchar('[');
	for (i = 0; i < n; i++) {
		fputs(i == 0 ? "\n{" : ",\n{", stdout);
		first = 1;
		cli_json_case_keys(&first, &rows[i]);
		cli_json_ll(&first, "messages", rows[i].messages, 1);
		cli_json_key(&first, "overdue");
		putchar('[');
		if (od[i] & OVERDUE_ACK)
			cli_json_put("ack");
		if (od[i] & OVERDUE_TRIAGE) {
			if (od[i] & OVERDUE_ACK)
				putchar(',');
			cli_json_put("triage");
		}
		fputs("]}", stdout);
	}
	fputs(n > 0 ? "\n]\n" : "]\n", stdout);
}

/* field - "Label:      value" with the value escaped, "-" if absent */
static void
field(const char *label, const char *value)
{
	char *e = cli_cell(value);

	printf("%-16s%s\n", label, e);
	free(e);
}

/* show_body - the body, each line escaped and prefixed with "| " */
static void
show_body(const char *body)
{
	const char *p = body, *nl, *end, *tab;
	char *seg;

	if (body == NULL || *body == '\0') {
		fputs("| (no body)\n", stdout);
		return;
	}
	while (*p != '\0') {
		nl = strchr(p, '\n');
		end = nl != NULL ? nl : p + strlen(p);
		fputs("| ", stdout);
		/* TAB kept, everything else through text_printable(). */
		while (p < end) {
			tab = memchr(p, '\t', (size_t)(end - p));
			if (tab == NULL)
				tab = end;
			seg = text_printable((const unsigned char *)p,
			    (size_t)(tab - p), CLI_NOSIZE_MAX);
			fputs(seg, stdout);
			free(seg);
			if (tab < end)
				putchar('\t');
			p = tab < end ? tab + 1 : end;
		}
		putchar('\n');
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

/* show_message - one message: verdict header block, body, attachments */
static void
show_message(const struct store_message_row *m, size_t i, size_t n,
    size_t *att)
{
	char *e, *e2, *e3, *e4;
	size_t j;

	printf("\n=== message %zu of %zu ", i + 1, n);
	e = cli_cell(m->direction);
	printf("(%s) ===================================================\n",
	    e);
	free(e);
	field("Received:", m->received);
	field("Message-ID:", m->message_id);
	field("Envelope-From:", m->envelope_sender);
	field("From:", m->from);
	field("Date:", m->date);
	field("Subject:", m->subject);
	if (m->inner_from != NULL)
		field("Inner-From:", m->inner_from);
	if (m->inner_subject != NULL)
		field("Inner-Subject:", m->inner_subject);
	printf("%-16s%lld bytes\n", "Size:", m->size);
	field("Raw-SHA256:", m->raw_sha256);
	/* The verdicts: database columns, printed by psirt. */
	field("Encryption:", m->encryption);
	e = cli_cell(m->signature);
	if (m->signer_fpr != NULL && *m->signer_fpr != '\0') {
		e2 = cli_esc(m->signer_fpr);
		printf("%-16s%s (key %s)\n", "Signature:", e, e2);
		free(e2);
	} else
		printf("%-16s%s\n", "Signature:", e);
	free(e);
	e = cli_cell(m->processing);
	if (m->quarantine_reason != NULL && *m->quarantine_reason != '\0') {
		e2 = cli_esc(m->quarantine_reason);
		printf("%-16s%s (%s)\n", "Processing:", e, e2);
		free(e2);
	} else
		printf("%-16s%s\n", "Processing:", e);
	free(e);
	field("Flags:", m->flags);
	printf("%-16s%zu\n", "Attachments:", m->natt);
	for (j = 0; j < m->natt; j++) {
		e = cli_esc(m->att[j].name);
		e2 = cli_cell(m->att[j].type);
		e3 = cli_cell(m->att[j].sniffed_type);
		e4 = cli_cell(m->att[j].sha256);
		printf("  [%zu] %s\n      type %s (sniffed %s), %lld bytes,"
		    " sha256 %s\n", ++*att, e, e2, e3, m->att[j].size, e4);
		free(e), free(e2), free(e3), free(e4);
	}
	fputs("--- body (from the message; not verified by psirt) ---\n",
	    stdout);
	show_body(m->body);
	fputs("--- end of body ---\n", stdout);
}

/* show_text - one case, its notes and its messages for a human */
static void
show_text(const struct store_case_row *c,
    const struct store_message_row *msgs, size_t n,
    const struct store_event_row *ev, size_t nev)
{
	char *e, *e2;
	size_t i, k = 0, att = 0;

	field("Case:", c->id);
	field("Status:", c->status);
	if (c->duplicate_of != NULL)
		field("Duplicate-Of:", c->duplicate_of);
	field("Created:", c->created);
	field("Updated:", c->updated);
	field("Reporter:", c->reporter);
	field("Reporter-Key:", c->reporter_fpr);
	field("Subject:", c->subject);
	field("Severity:", c->severity);
	e = cli_cell(c->cvss_vector);
	if (c->has_cvss_score)
		printf("%-16s%.1f %s\n", "CVSS:", c->cvss_score, e);
	else
		printf("%-16s%s\n", "CVSS:", e);
	free(e);
	field("Assignee:", c->assignee);
	field("CVE:", c->cve);
	field("Embargo:", c->embargo);
	if (c->credit_anonymous)
		printf("%-16s%s\n", "Credit:", "(anonymous)");
	else
		field("Credit:", c->credit);
	field("Acknowledged:", c->acknowledged);
	field("Triaged:", c->triaged);
	e = cli_cell(c->encryption);
	e2 = cli_cell(c->signature);
	printf("%-16s%lld (first: encryption %s, signature %s)\n",
	    "Messages:", c->messages, e, e2);
	free(e), free(e2);
	for (i = 0; i < nev; i++) {
		if (ev[i].action == NULL || strcmp(ev[i].action, "note") != 0)
			continue;
		e = cli_cell(ev[i].time);
		e2 = cli_cell(ev[i].actor);
		printf("\n--- note %zu, %s by %s ---\n", ++k, e, e2);
		free(e), free(e2);
		show_body(ev[i].new);
	}
	for (i = 0; i < n; i++)
		show_message(&msgs[i], i, n, &att);
}

/* cmd_list - "psirt list"; the exit code */
static int
cmd_list(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "status", required_argument, NULL, 's' },
		{ "assignee", required_argument, NULL, 'a' },
		{ "since", required_argument, NULL, 'S' },
		{ "severity", required_argument, NULL, 'v' },
		{ "overdue", no_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_case_row *rows = NULL;
	struct store_case_filter f;
	struct overdue o;
	unsigned int *od;
	char *err = NULL, *e, since[32];
	size_t n = 0, i, kept;
	int ch, json = 0, only_overdue = 0;
	time_t t;

	memset(&f, 0, sizeof(f));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			f.status = optarg;
			break;
		case 'a':
			f.assignee = optarg;
			break;
		case 'S':
			if (cli_since_parse(optarg, time(NULL), &t) < 0) {
				e = cli_esc(optarg);
				log_error("list: --since: not a date "
				    "(YYYY-MM-DD) or an age (12h, 7d, 2w): %s",
				    e);
				free(e);
				return EXIT_USAGE;
			}
			cli_iso(t, since);
			f.since = since;
			break;
		case 'v':
			f.severity = optarg;
			break;
		case 'o':
			only_overdue = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			usage_list(stdout);
			return EXIT_OK;
		default:
			usage_list(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		e = cli_esc(argv[optind]);
		log_error("list: unexpected argument: %s", e);
		free(e);
		usage_list(stderr);
		return EXIT_USAGE;
	}
	if (f.status != NULL && case_status_from_str(f.status) < 0) {
		e = cli_esc(f.status);
		log_error("list: unknown status: %s", e);
		free(e);
		usage_list(stderr);
		return EXIT_USAGE;
	}
	if (f.severity != NULL && !cvss_severity_valid(f.severity) &&
	    strcmp(f.severity, "unscored") != 0) {
		e = cli_esc(f.severity);
		log_error("list: unknown severity: %s (none, low, medium, "
		    "high, critical or unscored)", e);
		free(e);
		return EXIT_USAGE;
	}
	if (cli_open(cli, STORE_RO) < 0)
		return EXIT_TROUBLE;
	memset(&o, 0, sizeof(o));
	o.now = time(NULL);
	o.sla_ack = cli->cfg.sla_ack;
	o.sla_triage = cli->cfg.sla_triage;
	if (store_acks_recorded(cli->st, &o.acks_recorded, &err) < 0 ||
	    store_case_query(cli->st, &f, &rows, &n, &err) < 0)
		return cli_fail(err);
	od = xreallocarray(NULL, n > 0 ? n : 1, sizeof(*od));
	for (i = kept = 0; i < n; i++) {
		unsigned int flags = overdue_flags(&rows[i], &o);
		struct store_case_row tmp;

		if (only_overdue && flags == 0)
			continue;
		/* Kept rows to the front, the others behind (freed below). */
		if (kept != i) {
			tmp = rows[kept];
			rows[kept] = rows[i];
			rows[i] = tmp;
		}
		od[kept++] = flags;
	}
	if (json)
		list_json(rows, kept, od);
	else if (isatty(STDOUT_FILENO))
		list_table(rows, kept, od);
	else
		list_tsv(rows, kept, od);
	free(od);
	store_case_rows_free(&rows, n);
	return kept > 0 ? EXIT_OK : EXIT_NOTFOUND;
}

/* show_raw - "psirt show CASE --raw N": the raw bytes; the exit code */
static int
show_raw(const struct store_message_row *msgs, size_t n, const char *num,
    const char *out, int force)
{
	unsigned char *data = NULL;
	const char *remove;
	unsigned long k;
	char *end, *e;
	size_t len;
	FILE *fp;
	int rc;

	errno = 0;
	k = strtoul(num, &end, 10);
	if (num[0] < '0' || num[0] > '9' || *end != '\0' || errno != 0 ||
	    k == 0) {
		e = cli_esc(num);
		log_error("show: --raw: not a message number: %s", e);
		free(e);
		return EXIT_USAGE;
	}
	if (k > n) {
		log_error("show: no message %lu (the case has %zu)", k, n);
		return EXIT_NOTFOUND;
	}
	if ((rc = cli_output_open(out, force, "raw message bytes", &fp,
	    &remove)) != EXIT_OK)
		return rc;
	if ((rc = cli_raw_load(&msgs[k - 1], &data, &len)) != EXIT_OK) {
		(void)cli_output_close(fp, remove, 0);
		return rc;
	}
	rc = fwrite(data, 1, len, fp) == len;
	free(data);
	return cli_output_close(fp, remove, rc);
}

/* cmd_show - "psirt show CASE"; the exit code */
static int
cmd_show(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "raw", required_argument, NULL, 'r' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_message_row *msgs = NULL;
	struct store_event_row *ev = NULL;
	struct store_case_row *c = NULL;
	const char *raw = NULL, *out = NULL;
	char *err = NULL;
	size_t n = 0, nev = 0;
	int ch, json = 0, force = 0, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'r':
			raw = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'f':
			force = 1;
			break;
		case 'h':
			usage_show(stdout);
			return EXIT_OK;
		default:
			usage_show(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		log_error("show: %s", argc - optind == 0 ?
		    "which case? (a case ID such as PSIRT-2026-0042)" :
		    "one case ID only");
		usage_show(stderr);
		return EXIT_USAGE;
	}
	if (raw == NULL && (out != NULL || force)) {
		log_error("show: -o and --force go with --raw N");
		return EXIT_USAGE;
	}
	if (raw != NULL && json) {
		log_error("show: --raw and --json do not go together");
		return EXIT_USAGE;
	}
	if (cli_open(cli, STORE_RO) < 0)
		return EXIT_TROUBLE;
	if ((rc = cli_case_get(cli, argv[optind], &c, &msgs, &n)) != EXIT_OK)
		return rc;
	rc = EXIT_OK;
	if (raw != NULL)
		rc = show_raw(msgs, n, raw, out, force);
	else if (store_event_list(cli->st, c->id, &ev, &nev, &err) < 0)
		rc = cli_fail(err);
	else if (json)
		cli_json_case(c, msgs, n, ev, nev, 0);
	else
		show_text(c, msgs, n, ev, nev);
	store_event_rows_free(&ev, nev);
	store_message_rows_free(&msgs, n);
	store_case_rows_free(&c, 1);
	return rc;
}

/* The commands, in the order of usage_main(). */
static const struct {
	const char *name;
	int (*fn)(struct cli *, int, char **);
} commands[] = {
	{ "list", cmd_list },
	{ "show", cmd_show },
	{ "log", cli_cmd_log },
	{ "verify-log", cli_cmd_verify_log },
	{ "stats", cli_cmd_stats },
	{ "export", cli_cmd_export },
	{ "attachment", cli_cmd_attachment },
	{ "set", cli_cmd_set },
	{ "assign", cli_cmd_assign },
	{ "note", cli_cmd_note },
	{ "cve", cli_cmd_cve },
	{ "embargo", cli_cmd_embargo },
	{ "credit", cli_cmd_credit },
	{ "cvss", cli_cmd_cvss },
	{ "key", cli_cmd_key },
};

/* main - the global options, then one command; the exit code */
int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli cli;
	const char *cmd;
	size_t i;
	char *e;
	int ch, rc;

	xalloc_set_fail_handler(on_nomem);
	log_open("psirt", LOG_TO_STDERR);
	memset(&cli, 0, sizeof(cli));
	opterr = 1;
	/* "+": stop at the command; its options are its own. */
	while ((ch = getopt_long(argc, argv, "+c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cli.opt_c = optarg;
			break;
		case 'h':
			usage_main(stdout);
			return EXIT_OK;
		case 'V':
			printf("psirt (%s) %s\n", PACKAGE_NAME,
			    PACKAGE_VERSION);
			return EXIT_OK;
		default:
			usage_main(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		log_error("no command");
		usage_main(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	for (i = 0; i < PSIRT_NELEM(commands); i++)
		if (strcmp(cmd, commands[i].name) == 0)
			break;
	if (i < PSIRT_NELEM(commands))
		rc = commands[i].fn(&cli, argc, argv);
	else if (strcmp(cmd, "help") == 0) {
		usage_main(stdout);
		rc = EXIT_OK;
	} else {
		e = cli_esc(cmd);
		log_error("unknown command: %s", e);
		free(e);
		usage_main(stderr);
		rc = EXIT_USAGE;
	}
	cli_close(&cli);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		log_error("cannot write standard output: %s",
		    strerror(errno));
		return EXIT_TROUBLE;
	}
	return rc;
}
