/*
 * NAME
 *	psirt - the PSIRT staff command: list and read the queue
 * SYNOPSIS
 *	psirt [-c FILE] list [--status STATUS] [--json]
 *	psirt [-c FILE] show CASE [--json]
 *	psirt --help | --version
 * DESCRIPTION
 *	The read commands of the staff CLI (DESIGN.md "Staff CLI"). They open
 *	the queue read-only (STORE_RO) and print it three ways: a table that
 *	fits the terminal when standard output is one, tab-separated values
 *	with a header line when it is not, and JSON with --json. "show" prints
 *	a case and every message of it; the verdicts (encryption, signature,
 *	processing) come from the database columns and are printed in a
 *	header block, apart from the body, whose every line is prefixed with
 *	"| " so that a body can never pass for a verdict. See psirt(1).
 * LIMITS
 *	None of psirt.conf's: this program never parses mail. Table cells are
 *	cut (on a UTF-8 boundary, by rough display width, marked with an
 *	ellipsis) to fit the terminal, at least 80 columns; on a narrow one
 *	the ENC and SIG words are cut to 10 columns, which keeps them
 *	distinct. TSV, JSON and "show" are never cut.
 * DIAGNOSTICS
 *	Exit 0 success; 1 case not found, or no case matched; 2 usage error;
 *	3 configuration, database or output trouble (the message names the
 *	file; a permission problem hints at group psirt-staff).
 * SECURITY
 *	Every string from the queue was written by an outsider: it goes
 *	through text_printable() (table, TSV, show) or json_string() (--json)
 *	before it reaches standard output, so no control character, ESC,
 *	C1 code or bidi/invisible character is printed raw. This program
 *	never decrypts (it does not include pgp.h) and never writes to the
 *	queue.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "psirt/buf.h"
#include "psirt/config.h"
#include "psirt/json.h"
#include "psirt/log.h"
#include "psirt/status.h"
#include "psirt/store.h"
#include "psirt/text.h"
#include "psirt/xalloc.h"

#define EXIT_OK 0
#define EXIT_NOTFOUND 1
#define EXIT_USAGE 2
#define EXIT_TROUBLE 3

#define TABLE_MIN_WIDTH 80
#define TABLE_MAX_WIDTH 400
#define TABLE_NCOLS 8
#define TABLE_MIN_FREE 32	/* REPORTER + SUBJECT before verdicts are cut */
#define ELLIPSIS "\xE2\x80\xA6"	/* U+2026, one column */

#define NOSIZE_MAX SIZE_MAX	/* text_printable(): never cut */

/* What the commands share: the configuration and the queue. */
struct cli {
	const char *opt_c;
	struct config cfg;
	struct store *st;
};

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
	    "usage: psirt [-c FILE] list [--status STATUS] [--json]\n"
	    "       psirt [-c FILE] show CASE [--json]\n"
	    "       psirt --help | --version\n"
	    "\n"
	    "Read the PSIRT intake queue (opened read-only).\n"
	    "\n"
	    "  -c FILE      configuration (default: $PSIRT_CONFIG, else\n"
	    "               %s/psirt/psirt.conf)\n"
	    "  list         the cases, oldest first\n"
	    "  show CASE    one case and all its messages\n"
	    "  --help       this text; \"psirt COMMAND --help\" for a command\n"
	    "  --version    the version\n"
	    "\n"
	    "Output is a table on a terminal, tab-separated values otherwise,\n"
	    "JSON with --json. Exit status: 0 ok, 1 not found or no match,\n"
	    "2 usage error, 3 configuration or database trouble.\n",
	    SYSCONFDIR);
}

/* usage_list - the synopsis of "list" */
static void
usage_list(FILE *f)
{
	fprintf(f,
	    "usage: psirt [-c FILE] list [--status STATUS] [--json]\n"
	    "\n"
	    "List the cases, oldest first.\n"
	    "\n"
	    "  --status STATUS  only cases in STATUS: new, triage, accepted,\n"
	    "                   rejected, duplicate, fixing, disclosed,\n"
	    "                   closed\n"
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
	    "\n"
	    "Show one case and all its messages. Verdicts (encryption,\n"
	    "signature, processing) come from the queue, never from the\n"
	    "message; body lines are prefixed with \"| \".\n"
	    "\n"
	    "  --json   a JSON object\n"
	    "  --help   this text\n"
	    "\n"
	    "Exit status: 0 shown, 1 no such case, 2 usage error,\n"
	    "3 configuration or database trouble.\n");
}

/* esc - a printable copy of a queue string, never cut (NULL gives "") */
static char *
esc(const char *s)
{
	return text_printable_str(s, NOSIZE_MAX);
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

/* put_cell - s cut to width (marked with an ellipsis), padded unless last */
static void
put_cell(const char *s, size_t width, int last)
{
	size_t w, cut, cutw;

	w = str_width(s, width > 0 ? width - 1 : 0, &cut, &cutw);
	if (w > width) {
		fwrite(s, 1, cut, stdout);
		fputs(ELLIPSIS, stdout);
		w = cutw + 1;
	} else
		fputs(s, stdout);
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
	char *e = esc(iso);

	if (strlen(e) >= 10 && e[4] == '-' && e[7] == '-')
		e[10] = '\0';
	return e;
}

/* cell_or_dash - an escaped copy, "-" for absent or empty */
static char *
cell_or_dash(const char *s)
{
	return s == NULL || *s == '\0' ? xstrdup("-") : esc(s);
}

/* list_table - the cases as a table fitting the terminal */
static void
list_table(const struct store_case_row *rows, size_t n)
{
	static const char *const head[TABLE_NCOLS] = {
		"ID", "STATUS", "CREATED", "ENC", "SIG", "MSGS", "REPORTER",
		"SUBJECT"
	};
	/*
	 * Most a fixed column may take. Verdict words over 10 columns are
	 * cut with an ellipsis; the cut forms stay distinct from each other
	 * and from every whole word ("good-uid-..." is never "good").
	 */
	static const size_t cap[TABLE_NCOLS - 2] = { 24, 12, 10, 10, 10, 6 };
	static const size_t wide_cap[TABLE_NCOLS - 2] = { 24, 12, 10, 20, 20,
	    6 };
	size_t width[TABLE_NCOLS], natural[TABLE_NCOLS];
	size_t total, fixed, room, i, j;
	char ***cells;
	char num[32];
	int len;

	cells = xreallocarray(NULL, n, sizeof(*cells));
	for (j = 0; j < TABLE_NCOLS; j++)
		natural[j] = strlen(head[j]);
	for (i = 0; i < n; i++) {
		cells[i] = xreallocarray(NULL, TABLE_NCOLS, sizeof(char *));
		cells[i][0] = cell_or_dash(rows[i].id);
		cells[i][1] = cell_or_dash(rows[i].status);
		cells[i][2] = date_part(rows[i].created);
		cells[i][3] = cell_or_dash(rows[i].encryption);
		cells[i][4] = cell_or_dash(rows[i].signature);
		len = snprintf(num, sizeof(num), "%lld", rows[i].messages);
		if (len < 0 || (size_t)len >= sizeof(num))
			num[0] = '?', num[1] = '\0';
		cells[i][5] = xstrdup(num);
		cells[i][6] = cell_or_dash(rows[i].reporter);
		cells[i][7] = cell_or_dash(rows[i].subject);
		for (j = 0; j < TABLE_NCOLS; j++) {
			size_t w = str_width(cells[i][j], 0, NULL,
			    NULL);

			if (w > natural[j])
				natural[j] = w;
		}
	}
	total = term_width();
	/* Whole verdict words when the terminal has room for them. */
	fixed = 0;
	for (j = 0; j < TABLE_NCOLS - 2; j++) {
		width[j] = natural[j] < wide_cap[j] ? natural[j] : wide_cap[j];
		fixed += width[j] + 1;
	}
	if (fixed + TABLE_MIN_FREE > total) {
		fixed = 0;
		for (j = 0; j < TABLE_NCOLS - 2; j++) {
			width[j] = natural[j] < cap[j] ? natural[j] : cap[j];
			fixed += width[j] + 1;
		}
	}
	/*
	 * REPORTER and SUBJECT share what is left (80 columns leave 16 in
	 * the worst case): REPORTER up to 2/5, at least 7, SUBJECT the rest,
	 * at least 8.
	 */
	room = total > fixed + 1 ? total - fixed - 1 : 0;
	if (natural[6] + natural[7] <= room) {
		width[6] = natural[6];
		width[7] = natural[7];
	} else {
		width[6] = room * 2 / 5;
		if (width[6] < 7)
			width[6] = 7;
		if (width[6] > natural[6])
			width[6] = natural[6];
		width[7] = room > width[6] + 8 ? room - width[6] : 8;
		if (width[7] > natural[7]) {
			/* A short SUBJECT leaves more to REPORTER. */
			width[7] = natural[7];
			width[6] = room - width[7];
		}
	}
	for (j = 0; j < TABLE_NCOLS; j++)
		put_cell(head[j], width[j], j == TABLE_NCOLS - 1);
	putchar('\n');
	for (i = 0; i < n; i++) {
		for (j = 0; j < TABLE_NCOLS; j++) {
			put_cell(cells[i][j], width[j], j == TABLE_NCOLS - 1);
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
	char *e = esc(s);

	fputs(e, stdout);
	putchar(last ? '\n' : '\t');
	free(e);
}

/* list_tsv - the cases as tab-separated values with a header line */
static void
list_tsv(const struct store_case_row *rows, size_t n)
{
	size_t i;

	fputs("ID\tSTATUS\tCREATED\tENC\tSIG\tMSGS\tREPORTER\tSUBJECT\n",
	    stdout);
	for (i = 0; i < n; i++) {
		tsv_field(rows[i].id, 0);
		tsv_field(rows[i].status, 0);
		tsv_field(rows[i].created, 0);
		tsv_field(rows[i].encryption, 0);
		tsv_field(rows[i].signature, 0);
		printf("%lld\t", rows[i].messages);
		tsv_field(rows[i].reporter, 0);
		tsv_field(rows[i].subject, 1);
	}
}

/* json_put - s as a JSON string (NULL: null) on stdout */
static void
json_put(const char *s)
{
	struct buf b;
	size_t len = s != NULL ? strlen(s) : 0;

	/* At most 7 output bytes per input byte: the cap is never hit. */
	PSIRT_ASSERT(len < (SIZE_MAX - 16) / 7);
	buf_init(&b, 7 * len + 16);
	json_string(&b, s);
	fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
}

/* json_put_key - "key": with a comma unless first */
static void
json_put_key(int *first, const char *key)
{
	struct buf b;

	buf_init(&b, 7 * strlen(key) + 16);
	json_key(&b, first, key);
	fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
}

/* json_put_str - "key":"value" */
static void
json_put_str(int *first, const char *key, const char *value)
{
	json_put_key(first, key);
	json_put(value);
}

/* json_case_common - the keys list and show share (not "messages") */
static void
json_case_common(int *first, const struct store_case_row *c)
{
	json_put_str(first, "id", c->id);
	json_put_str(first, "status", c->status);
	json_put_str(first, "created", c->created);
	json_put_str(first, "updated", c->updated);
	json_put_str(first, "reporter", c->reporter);
	json_put_str(first, "subject", c->subject);
	json_put_str(first, "encryption", c->encryption);
	json_put_str(first, "signature", c->signature);
}

/* list_json - the cases as a JSON array of objects */
static void
list_json(const struct store_case_row *rows, size_t n)
{
	size_t i;
	int first;

	putchar('[');
	for (i = 0; i < n; i++) {
		fputs(i == 0 ? "\n{" : ",\n{", stdout);
		first = 1;
		json_case_common(&first, &rows[i]);
		json_put_key(&first, "messages");
		printf("%lld}", rows[i].messages);
	}
	fputs(n > 0 ? "\n]\n" : "]\n", stdout);
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
			json_put(word);
		}
		free(word);
		p = comma != NULL ? comma + 1 : NULL;
	}
	putchar(']');
}

/* json_message - one message as a JSON object */
static void
json_message(const struct store_message_row *m)
{
	size_t i;
	int first = 1, afirst;

	putchar('{');
	json_put_str(&first, "direction", m->direction);
	json_put_str(&first, "received", m->received);
	json_put_str(&first, "message_id", m->message_id);
	json_put_str(&first, "envelope_sender", m->envelope_sender);
	json_put_str(&first, "from", m->from);
	json_put_str(&first, "date", m->date);
	json_put_str(&first, "subject", m->subject);
	json_put_str(&first, "inner_from", m->inner_from);
	json_put_str(&first, "inner_subject", m->inner_subject);
	json_put_str(&first, "encryption", m->encryption);
	json_put_str(&first, "signature", m->signature);
	json_put_str(&first, "signer_fingerprint", m->signer_fpr);
	json_put_str(&first, "processing", m->processing);
	json_put_str(&first, "quarantine_reason", m->quarantine_reason);
	json_put_key(&first, "flags");
	json_flags(m->flags);
	json_put_str(&first, "raw_sha256", m->raw_sha256);
	json_put_key(&first, "size");
	printf("%lld", m->size);
	json_put_str(&first, "body", m->body);
	json_put_key(&first, "attachments");
	putchar('[');
	for (i = 0; i < m->natt; i++) {
		if (i > 0)
			putchar(',');
		putchar('{');
		afirst = 1;
		json_put_str(&afirst, "name", m->att[i].name);
		json_put_str(&afirst, "type", m->att[i].type);
		json_put_key(&afirst, "size");
		printf("%lld", m->att[i].size);
		json_put_str(&afirst, "sha256", m->att[i].sha256);
		putchar('}');
	}
	fputs("]}", stdout);
}

/* show_json - one case and its messages as a JSON object */
static void
show_json(const struct store_case_row *c,
    const struct store_message_row *msgs, size_t n)
{
	size_t i;
	int first = 1;

	putchar('{');
	json_case_common(&first, c);
	json_put_str(&first, "severity", c->severity);
	json_put_str(&first, "cvss_vector", c->cvss_vector);
	json_put_key(&first, "cvss_score");
	if (c->has_cvss_score)
		printf("%.1f", c->cvss_score);
	else
		fputs("null", stdout);
	json_put_str(&first, "assignee", c->assignee);
	json_put_str(&first, "cve", c->cve);
	json_put_str(&first, "reporter_fingerprint", c->reporter_fpr);
	json_put_str(&first, "acknowledged", c->acknowledged);
	json_put_key(&first, "messages");
	putchar('[');
	for (i = 0; i < n; i++) {
		fputs(i == 0 ? "\n" : ",\n", stdout);
		json_message(&msgs[i]);
	}
	fputs(n > 0 ? "\n]}\n" : "]}\n", stdout);
}

/* field - "Label:      value" with the value escaped, "-" if absent */
static void
field(const char *label, const char *value)
{
	char *e = cell_or_dash(value);

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
			    (size_t)(tab - p), NOSIZE_MAX);
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
show_message(const struct store_message_row *m, size_t i, size_t n)
{
	char *e, *e2, *e3, *e4;
	size_t j;

	printf("\n=== message %zu of %zu ", i + 1, n);
	e = cell_or_dash(m->direction);
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
	e = cell_or_dash(m->signature);
	if (m->signer_fpr != NULL && *m->signer_fpr != '\0') {
		e2 = esc(m->signer_fpr);
		printf("%-16s%s (key %s)\n", "Signature:", e, e2);
		free(e2);
	} else
		printf("%-16s%s\n", "Signature:", e);
	free(e);
	e = cell_or_dash(m->processing);
	if (m->quarantine_reason != NULL && *m->quarantine_reason != '\0') {
		e2 = esc(m->quarantine_reason);
		printf("%-16s%s (%s)\n", "Processing:", e, e2);
		free(e2);
	} else
		printf("%-16s%s\n", "Processing:", e);
	free(e);
	field("Flags:", m->flags);
	printf("%-16s%zu\n", "Attachments:", m->natt);
	for (j = 0; j < m->natt; j++) {
		e = esc(m->att[j].name);
		e2 = cell_or_dash(m->att[j].type);
		e3 = cell_or_dash(m->att[j].sniffed_type);
		e4 = cell_or_dash(m->att[j].sha256);
		printf("  [%zu] %s\n      type %s (sniffed %s), %lld bytes,"
		    " sha256 %s\n", j + 1, e, e2, e3, m->att[j].size, e4);
		free(e), free(e2), free(e3), free(e4);
	}
	fputs("--- body (from the message; not verified by psirt) ---\n",
	    stdout);
	show_body(m->body);
	fputs("--- end of body ---\n", stdout);
}

/* show_text - one case and its messages for a human */
static void
show_text(const struct store_case_row *c,
    const struct store_message_row *msgs, size_t n)
{
	char *e, *e2;
	size_t i;

	field("Case:", c->id);
	field("Status:", c->status);
	field("Created:", c->created);
	field("Updated:", c->updated);
	field("Reporter:", c->reporter);
	field("Reporter-Key:", c->reporter_fpr);
	field("Subject:", c->subject);
	field("Severity:", c->severity);
	e = cell_or_dash(c->cvss_vector);
	if (c->has_cvss_score)
		printf("%-16s%.1f %s\n", "CVSS:", c->cvss_score, e);
	else
		printf("%-16s%s\n", "CVSS:", e);
	free(e);
	field("Assignee:", c->assignee);
	field("CVE:", c->cve);
	field("Acknowledged:", c->acknowledged);
	e = cell_or_dash(c->encryption);
	e2 = cell_or_dash(c->signature);
	printf("%-16s%lld (first: encryption %s, signature %s)\n",
	    "Messages:", c->messages, e, e2);
	free(e), free(e2);
	for (i = 0; i < n; i++)
		show_message(&msgs[i], i, n);
}

/* say_path_problem - name the file and the reason; hint at the group */
static void
say_path_problem(const char *what, const char *path, int errnum)
{
	char *p = esc(path);

	if (errnum == EACCES || errnum == EPERM)
		log_error("cannot open %s %s: %s (staff need to be in group "
		    "psirt-staff)", what, p, strerror(errnum));
	else
		log_error("cannot open %s %s: %s", what, p, strerror(errnum));
	free(p);
}

/* cli_open - load the configuration and open the queue read-only */
static int
cli_open(struct cli *cli)
{
	const char *path = config_default_path(cli->opt_c);
	char *err = NULL, *e;
	int fd;

	config_init(&cli->cfg);
	if (config_load(&cli->cfg, path, &err) < 0) {
		e = esc(err);
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
	 * the message can say which file and why.
	 */
	fd = open(cli->cfg.database, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		say_path_problem("queue", cli->cfg.database, errno);
		return -1;
	}
	(void)close(fd);
	if (store_open(cli->cfg.database, STORE_RO, cli->cfg.db_busy_timeout,
	    &cli->st, &err) < 0) {
		e = esc(err);
		if (strstr(err, "readonly") != NULL ||
		    strstr(err, "unable to open") != NULL)
			log_error("cannot open queue: %s (a read-only reader "
			    "of a WAL database needs the -wal and -shm files "
			    "to exist or their directory to be writable)", e);
		else
			log_error("cannot open queue: %s", e);
		free(e);
		free(err);
		return -1;
	}
	return 0;
}

/* cli_close - release what cli_open() took */
static void
cli_close(struct cli *cli)
{
	store_close(&cli->st);
	config_free(&cli->cfg);
}

/* cmd_list - "psirt list"; the exit code */
static int
cmd_list(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "status", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_case_row *rows = NULL;
	const char *status = NULL;
	char *err = NULL, *e;
	size_t n = 0;
	int ch, json = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			status = optarg;
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
		e = esc(argv[optind]);
		log_error("list: unexpected argument: %s", e);
		free(e);
		usage_list(stderr);
		return EXIT_USAGE;
	}
	if (status != NULL && case_status_from_str(status) < 0) {
		e = esc(status);
		log_error("list: unknown status: %s", e);
		free(e);
		usage_list(stderr);
		return EXIT_USAGE;
	}
	if (cli_open(cli) < 0)
		return EXIT_TROUBLE;
	if (store_case_list(cli->st, status, &rows, &n, &err) < 0) {
		e = esc(err);
		log_error("%s", e);
		free(e);
		free(err);
		return EXIT_TROUBLE;
	}
	if (json)
		list_json(rows, n);
	else if (isatty(STDOUT_FILENO))
		list_table(rows, n);
	else
		list_tsv(rows, n);
	store_case_rows_free(&rows, n);
	return n > 0 ? EXIT_OK : EXIT_NOTFOUND;
}

/* cmd_show - "psirt show CASE"; the exit code */
static int
cmd_show(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_message_row *msgs = NULL;
	struct store_case_row *c = NULL;
	char *err = NULL, *e;
	size_t n = 0;
	int ch, json = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
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
	if (cli_open(cli) < 0)
		return EXIT_TROUBLE;
	if (store_case_get(cli->st, argv[optind], &c, &msgs, &n, &err) < 0) {
		e = esc(err);
		log_error("%s", e);
		free(e);
		free(err);
		return EXIT_TROUBLE;
	}
	if (c == NULL) {
		e = esc(argv[optind]);
		log_error("no such case: %s", e);
		free(e);
		return EXIT_NOTFOUND;
	}
	if (json)
		show_json(c, msgs, n);
	else
		show_text(c, msgs, n);
	store_message_rows_free(&msgs, n);
	store_case_rows_free(&c, 1);
	return EXIT_OK;
}

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
	if (strcmp(cmd, "list") == 0)
		rc = cmd_list(&cli, argc, argv);
	else if (strcmp(cmd, "show") == 0)
		rc = cmd_show(&cli, argc, argv);
	else if (strcmp(cmd, "help") == 0) {
		usage_main(stdout);
		rc = EXIT_OK;
	} else {
		e = esc(cmd);
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
