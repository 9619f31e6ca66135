/*
 * NAME
 *	cli-report - the report commands of psirt: stats, export, attachment
 * DESCRIPTION
 *	"psirt stats [--since DATE]": cases by status and by severity;
 *	time to acknowledge (receipt to cases.first_ack) and time to triage
 *	(receipt to the first status change away from new): median, 90th
 *	percentile and on-time rate against sla_ack and sla_triage (kpi.c);
 *	intake per ISO week, as a bar chart on a terminal. While no case
 *	has an acknowledgement time the acknowledgement figures are
 *	unknown (null in JSON), never guessed.
 *
 *	"psirt export CASE --format json|mbox": the whole case (show --json
 *	plus its audit events) or its raw messages as an mboxrd file, each
 *	checked against its SHA-256.
 *
 *	"psirt attachment CASE N -o FILE": the N-th attachment's content,
 *	checked against its SHA-256, into a new file of mode 0600.
 * LIMITS
 *	Intake weeks on a terminal: the last STATS_MAX_WEEKS unless --since
 *	(all in JSON and TSV).
 * DIAGNOSTICS
 *	Exit 0, 1 not found, 2 usage, 3 trouble, 4 refused (an existing
 *	file, a terminal), 5 a raw copy or attachment does not verify.
 * SECURITY
 *	Read-only on the queue. Raw bytes and attachments never go to a
 *	terminal (raw mbox only with --force); files are created O_EXCL,
 *	mode 0600.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "psirt/cli.h"
#include "psirt/kpi.h"
#include "psirt/log.h"
#include "psirt/sha256.h"
#include "psirt/store.h"
#include "psirt/xalloc.h"

#define STATS_MAX_WEEKS 26
#define STATS_BAR_MAX 40
#define WEEK (7LL * 86400)

static const char *const status_words[] = { "new", "triage", "accepted",
	"rejected", "duplicate", "fixing", "disclosed", "closed" };
static const char *const severity_words[] = { "critical", "high", "medium",
	"low", "none", "unscored" };

/* usage_stats - the synopsis of "stats" */
static void
usage_stats(FILE *f)
{
	fprintf(f,
	    "usage: psirt [-c FILE] stats [--since DATE] [--json]\n"
	    "\n"
	    "Counts by status and severity, time to acknowledge and to\n"
	    "triage (median, 90th percentile, on-time rate against sla_ack\n"
	    "and sla_triage of psirt.conf), intake per week.\n"
	    "\n"
	    "  --since DATE  cases received since DATE (YYYY-MM-DD, or 12h,\n"
	    "                7d, 2w ago)\n"
	    "  --json        a JSON object, for dashboards\n"
	    "  --help        this text\n"
	    "\n"
	    "Exit status: 0, 2 usage error, 3 trouble.\n");
}

/* usage_export - the synopsis of "export" */
static void
usage_export(FILE *f)
{
	fprintf(f,
	    "usage: psirt [-c FILE] export CASE --format json|mbox\n"
	    "           [-o FILE] [--force]\n"
	    "\n"
	    "Export a case: json, the case, its notes, messages and audit\n"
	    "events; mbox, its raw messages as received (mboxrd), each\n"
	    "checked against its SHA-256.\n"
	    "\n"
	    "  -o FILE   write to FILE (created mode 0600, never over an\n"
	    "            existing file); default standard output\n"
	    "  --force   write an mbox to a terminal all the same\n"
	    "  --help    this text\n"
	    "\n"
	    "Exit status: 0, 1 no such case, 2 usage error, 3 trouble,\n"
	    "4 refused (a terminal, an existing file), 5 a raw copy does\n"
	    "not match its SHA-256.\n");
}

/* usage_attachment - the synopsis of "attachment" */
static void
usage_attachment(FILE *f)
{
	fprintf(f,
	    "usage: psirt [-c FILE] attachment CASE N -o FILE\n"
	    "\n"
	    "Save attachment N of CASE (the [N] of psirt show) to FILE,\n"
	    "created with mode 0600, never over an existing file and never\n"
	    "to a terminal (\"-o -\": standard output, when not a terminal).\n"
	    "The content is checked against its SHA-256 first.\n"
	    "\n"
	    "Exit status: 0, 1 no such case or attachment, 2 usage error,\n"
	    "3 trouble, 4 refused, 5 the content does not match its\n"
	    "SHA-256.\n");
}

/* count_word - index of s among the n words, or n if it is none */
static size_t
count_word(const char *const *words, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(words[i], s) == 0)
			return i;
	return n;
}

/* sla_text - the SLA lines for a human */
static void
sla_text(const char *label, const char *key, unsigned long sla,
    const struct kpi_sla *k, int known, const char *done_word,
    const char *unknown_why)
{
	char d1[32], d2[32], d3[32];

	cli_duration((long long)sla, d3);
	printf("%s (%s %s):\n  ", label, key, d3);
	if (!known) {
		printf("unknown: %s\n", unknown_why);
		return;
	}
	if (k->done == 0)
		printf("none %s yet\n", done_word);
	else {
		cli_duration(k->median, d1);
		cli_duration(k->p90, d2);
		printf("median %s, 90th percentile %s (%zu %s)\n", d1, d2,
		    k->done, done_word);
	}
	if (k->on_time + k->late > 0)
		printf("  on time %zu of %zu (%.1f%%), ", k->on_time,
		    k->on_time + k->late, 100.0 * k->on_time_rate);
	else
		printf("  ");
	printf("%zu late, %zu pending\n", k->late, k->pending);
}

/* sla_json - one SLA object */
static void
sla_json(int *first, const char *key, unsigned long sla,
    const struct kpi_sla *k, int known)
{
	int f = 1;

	cli_json_key(first, key);
	putchar('{');
	cli_json_ll(&f, "sla_seconds", (long long)sla, 1);
	cli_json_key(&f, "known");
	fputs(known ? "true" : "false", stdout);
	cli_json_ll(&f, "done", (long long)k->done, known);
	cli_json_ll(&f, "median_seconds", k->median, known && k->done > 0);
	cli_json_ll(&f, "p90_seconds", k->p90, known && k->done > 0);
	cli_json_ll(&f, "on_time", (long long)k->on_time, known);
	cli_json_ll(&f, "late", (long long)k->late, known);
	cli_json_ll(&f, "pending", (long long)k->pending, known);
	cli_json_key(&f, "on_time_rate");
	if (known && k->on_time_rate >= 0)
		printf("%.4f", k->on_time_rate);
	else
		fputs("null", stdout);
	putchar('}');
}

/* week_label - "2026-W47" and "2026-11-16" of a week's Monday */
static void
week_label(long long monday, char label[16], char date[16])
{
	time_t t = (time_t)monday;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(label, 16, "%G-W%V", &tm) == 0 ||
	    strftime(date, 16, "%Y-%m-%d", &tm) == 0) {
		(void)snprintf(label, 16, "?");
		(void)snprintf(date, 16, "?");
	}
}

/* cli_cmd_stats - "psirt stats [--since DATE]" */
int
cli_cmd_stats(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	size_t by_status[PSIRT_NELEM(status_words) + 1];
	size_t by_sev[PSIRT_NELEM(severity_words)];
	struct store_case_row *rows = NULL;
	struct kpi_case *ack, *tri;
	struct kpi_sla kack, ktri;
	struct store_case_filter f;
	long long first_week, last_week, w, *weeks = NULL;
	size_t n = 0, i, nweeks = 0, max = 0;
	char since[32], now_iso[32], label[16], date[16], *err = NULL, *e;
	int ch, json = 0, acks, fj = 1, wf;
	time_t now = time(NULL), t = now;

	memset(&f, 0, sizeof(f));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'S':
			if (cli_since_parse(optarg, now, &t) < 0) {
				e = cli_esc(optarg);
				log_error("stats: --since: not a date "
				    "(YYYY-MM-DD) or an age (12h, 7d, 2w): %s",
				    e);
				free(e);
				return EXIT_USAGE;
			}
			cli_iso(t, since);
			f.since = since;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			usage_stats(stdout);
			return EXIT_OK;
		default:
			usage_stats(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		log_error("stats: no arguments but options");
		usage_stats(stderr);
		return EXIT_USAGE;
	}
	if (cli_open(cli, STORE_RO) < 0)
		return EXIT_TROUBLE;
	if (store_acks_recorded(cli->st, &acks, &err) < 0 ||
	    store_case_query(cli->st, &f, &rows, &n, &err) < 0)
		return cli_fail(err);
	memset(by_status, 0, sizeof(by_status));
	memset(by_sev, 0, sizeof(by_sev));
	ack = xreallocarray(NULL, n > 0 ? n : 1, sizeof(*ack));
	tri = xreallocarray(NULL, n > 0 ? n : 1, sizeof(*tri));
	first_week = kpi_week_start(f.since != NULL ? (long long)t :
	    (long long)now);
	for (i = 0; i < n; i++) {
		time_t created = now, when;

		(void)cli_iso_parse(rows[i].created, &created);
		/* An unknown status is "other"; no rating is "unscored". */
		by_status[count_word(status_words, PSIRT_NELEM(status_words),
		    rows[i].status)]++;
		by_sev[count_word(severity_words, PSIRT_NELEM(severity_words) -
		    1, rows[i].severity)]++;
		ack[i].created = tri[i].created = created;
		ack[i].done = cli_iso_parse(rows[i].acknowledged, &when) == 0 ?
		    (long long)when : -1;
		tri[i].done = cli_iso_parse(rows[i].triaged, &when) == 0 ?
		    (long long)when : -1;
		if (f.since == NULL && kpi_week_start(created) < first_week)
			first_week = kpi_week_start(created);
	}
	kpi_sla(ack, n, now, (long long)cli->cfg.sla_ack, &kack);
	kpi_sla(tri, n, now, (long long)cli->cfg.sla_triage, &ktri);
	last_week = kpi_week_start(now);
	nweeks = first_week <= last_week ?
	    (size_t)((last_week - first_week) / WEEK + 1) : 0;
	weeks = xreallocarray(NULL, nweeks > 0 ? nweeks : 1, sizeof(*weeks));
	memset(weeks, 0, (nweeks > 0 ? nweeks : 1) * sizeof(*weeks));
	for (i = 0; i < n; i++) {
		w = (kpi_week_start(ack[i].created) - first_week) / WEEK;
		if (w >= 0 && (size_t)w < nweeks && ++weeks[w] > (long long)max)
			max = (size_t)weeks[w];
	}
	cli_iso(now, now_iso);
	if (json) {
		putchar('{');
		cli_json_str(&fj, "generated", now_iso);
		cli_json_str(&fj, "since", f.since);
		cli_json_ll(&fj, "cases", (long long)n, 1);
		cli_json_key(&fj, "by_status");
		putchar('{');
		for (wf = 1, i = 0; i < PSIRT_NELEM(status_words); i++)
			cli_json_ll(&wf, status_words[i],
			    (long long)by_status[i], 1);
		if (by_status[PSIRT_NELEM(status_words)] > 0)
			cli_json_ll(&wf, "other", (long long)by_status[
			    PSIRT_NELEM(status_words)], 1);
		putchar('}');
		cli_json_key(&fj, "by_severity");
		putchar('{');
		for (wf = 1, i = 0; i < PSIRT_NELEM(severity_words); i++)
			cli_json_ll(&wf, severity_words[i],
			    (long long)by_sev[i], 1);
		putchar('}');
		sla_json(&fj, "time_to_acknowledge", cli->cfg.sla_ack, &kack,
		    acks);
		sla_json(&fj, "time_to_triage", cli->cfg.sla_triage, &ktri, 1);
		cli_json_key(&fj, "intake_per_week");
		putchar('[');
		for (i = 0; i < nweeks; i++) {
			week_label(first_week + (long long)i * WEEK, label,
			    date);
			fputs(i == 0 ? "\n{" : ",\n{", stdout);
			wf = 1;
			cli_json_str(&wf, "week", label);
			cli_json_str(&wf, "start", date);
			cli_json_ll(&wf, "count", weeks[i], 1);
			putchar('}');
		}
		fputs(nweeks > 0 ? "\n]}\n" : "]}\n", stdout);
	} else {
		printf("Cases: %zu (%s%s)\n", n, f.since != NULL ?
		    "received since " : "all", f.since != NULL ? f.since : "");
		printf("Status:   ");
		for (i = 0; i < PSIRT_NELEM(status_words); i++)
			printf("%s%s %zu%s", i == 4 ? "          " : "",
			    status_words[i], by_status[i], i == 3 ? ",\n" :
			    i + 1 < PSIRT_NELEM(status_words) ? ", " : "\n");
		printf("Severity: ");
		for (i = 0; i < PSIRT_NELEM(severity_words); i++)
			printf("%s %zu%s", severity_words[i], by_sev[i],
			    i + 1 < PSIRT_NELEM(severity_words) ? ", " : "\n");
		sla_text("Time to acknowledge", "sla_ack", cli->cfg.sla_ack,
		    &kack, acks, "acknowledged", "no acknowledgement time is "
		    "recorded in the queue yet");
		sla_text("Time to triage", "sla_triage", cli->cfg.sla_triage,
		    &ktri, 1, "triaged", NULL);
		printf("Intake per week:\n");
		/* All weeks since --since; else the last STATS_MAX_WEEKS. */
		for (i = nweeks > STATS_MAX_WEEKS && f.since == NULL &&
		    isatty(STDOUT_FILENO) ? nweeks - STATS_MAX_WEEKS : 0;
		    i < nweeks; i++) {
			week_label(first_week + (long long)i * WEEK, label,
			    date);
			if (isatty(STDOUT_FILENO)) {
				long long bar = max > 0 ? (weeks[i] *
				    STATS_BAR_MAX + (long long)max - 1) /
				    (long long)max : 0;

				printf("  %-8s %s  ", label, date);
				for (w = 0; w < STATS_BAR_MAX; w++)
					putchar(w < bar ? '#' : ' ');
				printf(" %lld\n", weeks[i]);
			} else
				printf("%s\t%s\t%lld\n", label, date,
				    weeks[i]);
		}
	}
	free(weeks);
	free(ack);
	free(tri);
	store_case_rows_free(&rows, n);
	return EXIT_OK;
}

/* mbox_from - the "From " line's sender: one word, else MAILER-DAEMON */
static const char *
mbox_from(const char *sender)
{
	const char *p;

	if (sender == NULL || *sender == '\0' || strlen(sender) > 255)
		return "MAILER-DAEMON";
	for (p = sender; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7F)
			return "MAILER-DAEMON";
	return sender;
}

/*
 * mbox_write - one message in mboxrd form: the From line, then the raw
 * lines with ">" added before any line matching ^>*From , then a blank
 * line
 */
static int
mbox_write(FILE *fp, const struct store_message_row *m,
    const unsigned char *data, size_t len)
{
	char date[64];
	const unsigned char *p = data, *end = data + len, *nl, *q;
	struct tm tm;
	time_t t = 0;

	(void)cli_iso_parse(m->received, &t);
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", &tm) == 0)
		(void)snprintf(date, sizeof(date), "Thu Jan  1 00:00:00 1970");
	if (fprintf(fp, "From %s %s\n", mbox_from(m->envelope_sender),
	    date) < 0)
		return -1;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		nl = nl != NULL ? nl + 1 : end;
		for (q = p; q < nl && *q == '>'; q++)
			;
		if ((size_t)(nl - q) >= 5 && memcmp(q, "From ", 5) == 0 &&
		    putc('>', fp) == EOF)
			return -1;
		if (fwrite(p, 1, (size_t)(nl - p), fp) != (size_t)(nl - p))
			return -1;
		p = nl;
	}
	if (len > 0 && data[len - 1] != '\n' && putc('\n', fp) == EOF)
		return -1;
	return putc('\n', fp) == EOF ? -1 : 0;
}

/* cli_cmd_export - "psirt export CASE --format json|mbox" */
int
cli_cmd_export(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'F' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_message_row *msgs = NULL;
	struct store_event_row *ev = NULL;
	struct store_case_row *c = NULL;
	const char *format = NULL, *out = NULL, *remove;
	unsigned char *data;
	size_t n = 0, nev = 0, i, len;
	char *err = NULL;
	int ch, force = 0, rc, ok = 1;
	FILE *fp;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'F':
			format = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'f':
			force = 1;
			break;
		case 'h':
			usage_export(stdout);
			return EXIT_OK;
		default:
			usage_export(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1 || format == NULL ||
	    (strcmp(format, "json") != 0 && strcmp(format, "mbox") != 0)) {
		log_error("export: want CASE --format json or mbox");
		usage_export(stderr);
		return EXIT_USAGE;
	}
	if (cli_open(cli, STORE_RO) < 0)
		return EXIT_TROUBLE;
	if ((rc = cli_case_get(cli, argv[optind], &c, &msgs, &n)) != EXIT_OK)
		return rc;
	rc = cli_output_open(out, strcmp(format, "json") == 0 ? 1 : force,
	    "an mbox of raw messages", &fp, &remove);
	if (rc != EXIT_OK)
		goto done;
	if (strcmp(format, "json") == 0) {
		if (store_event_list(cli->st, c->id, &ev, &nev, &err) < 0) {
			(void)cli_output_close(fp, remove, 0);
			rc = cli_fail(err);
			goto done;
		}
		/* cli_json_case() writes to stdout: point it at the file. */
		if (fp != stdout) {
			if (fflush(stdout) == EOF ||
			    dup2(fileno(fp), STDOUT_FILENO) < 0) {
				(void)cli_output_close(fp, remove, 0);
				rc = EXIT_TROUBLE;
				goto done;
			}
			(void)fclose(fp);
		}
		cli_json_case(c, msgs, n, ev, nev, 1);
		rc = EXIT_OK;
		if (fflush(stdout) == EOF || ferror(stdout)) {
			log_error("cannot write the export: %s",
			    strerror(errno));
			if (remove != NULL)
				(void)unlink(remove);
			rc = EXIT_TROUBLE;
		}
		goto done;
	}
	for (i = 0; i < n && ok; i++) {
		if ((rc = cli_raw_load(&msgs[i], &data, &len)) != EXIT_OK) {
			(void)cli_output_close(fp, remove, 0);
			goto done;
		}
		ok = mbox_write(fp, &msgs[i], data, len) == 0;
		free(data);
	}
	rc = cli_output_close(fp, remove, ok);
done:
	store_event_rows_free(&ev, nev);
	store_message_rows_free(&msgs, n);
	store_case_rows_free(&c, 1);
	return rc;
}

/* cli_cmd_attachment - "psirt attachment CASE N -o FILE" */
int
cli_cmd_attachment(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char hex[SHA256_HEX_LEN + 1], *err = NULL, *e, *e2, *end;
	const char *out = NULL, *remove;
	struct store_blob blob;
	unsigned long k;
	int ch, rc, ok;
	FILE *fp;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		if (ch == 'o')
			out = optarg;
		else {
			usage_attachment(ch == 'h' ? stdout : stderr);
			return ch == 'h' ? EXIT_OK : EXIT_USAGE;
		}
	}
	if (argc - optind != 2 || out == NULL) {
		log_error("attachment: want CASE N -o FILE");
		usage_attachment(stderr);
		return EXIT_USAGE;
	}
	errno = 0;
	k = strtoul(argv[optind + 1], &end, 10);
	if (argv[optind + 1][0] < '0' || argv[optind + 1][0] > '9' ||
	    *end != '\0' || errno != 0 || k == 0) {
		e = cli_esc(argv[optind + 1]);
		log_error("attachment: not an attachment number: %s", e);
		free(e);
		return EXIT_USAGE;
	}
	if (cli_open(cli, STORE_RO) < 0)
		return EXIT_TROUBLE;
	rc = store_attachment_get(cli->st, argv[optind], (size_t)k, &blob,
	    &err);
	if (rc < 0)
		return cli_fail(err);
	e = cli_esc(argv[optind]);
	if (rc == STORE_NOT_FOUND) {
		log_error("%s: no attachment %lu (see psirt show %s)", e, k, e);
		free(e);
		return EXIT_NOTFOUND;
	}
	sha256_hex(blob.data, blob.size, hex);
	if (blob.sha256 == NULL || strcmp(hex, blob.sha256) != 0) {
		e2 = cli_esc(blob.sha256);
		log_error("%s: attachment %lu does not match its SHA-256 "
		    "(recorded %s, now %s)", e, k, e2, hex);
		free(e), free(e2);
		store_blob_free(&blob);
		return EXIT_INTEGRITY;
	}
	free(e);
	rc = cli_output_open(out, -1, "an attachment", &fp, &remove);
	if (rc == EXIT_OK) {
		ok = fwrite(blob.data, 1, blob.size, fp) == blob.size;
		rc = cli_output_close(fp, remove, ok);
		if (rc == EXIT_OK && remove != NULL) {
			e = cli_esc(remove);
			e2 = cli_esc(blob.name);
			log_info("wrote %s (%zu bytes, attachment %lu \"%s\")",
			    e, blob.size, k, e2);
			free(e), free(e2);
		}
	}
	store_blob_free(&blob);
	return rc;
}
