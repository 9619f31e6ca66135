/*
 * NAME
 *	cli-audit - the audit commands of psirt: log, verify-log
 * DESCRIPTION
 *	"psirt log [CASE]" prints the audit events (time, actor, action,
 *	old -> new) of a case or of the whole queue, oldest first: aligned
 *	on a terminal, tab-separated values otherwise, JSON with --json.
 *	"psirt verify-log" walks the hash chain of the events
 *	(store_verify_log) and checks every case's fields against what its
 *	events say (store_verify_cases); it prints the hash of the last
 *	event, the head, which staff can record elsewhere to detect a
 *	rewrite of the whole chain.
 * LIMITS
 *	None: one pass over the events table.
 * DIAGNOSTICS
 *	log: exit 0, 1 no such case, 2 usage, 3 trouble. verify-log: exit 0
 *	intact, 5 broken (the first broken link is named), 3 trouble.
 * SECURITY
 *	Read-only. Event values are escaped; a tampered database can hold
 *	anything.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "psirt/cli.h"
#include "psirt/log.h"
#include "psirt/store.h"
#include "psirt/xalloc.h"

/* usage_log - the synopsis of "log" */
static void
usage_log(FILE *f)
{
	fprintf(f,
	    "usage: psirt [-c FILE] log [CASE] [--json]\n"
	    "\n"
	    "The audit events of CASE (all cases without one), oldest\n"
	    "first: time, actor (login name or psirt-filter), action and\n"
	    "old -> new value.\n"
	    "\n"
	    "  --json   a JSON array of objects\n"
	    "  --help   this text\n"
	    "\n"
	    "Exit status: 0 listed, 1 no such case, 2 usage error,\n"
	    "3 trouble.\n");
}

/* usage_verify - the synopsis of "verify-log" */
static void
usage_verify(FILE *f)
{
	fprintf(f,
	    "usage: psirt [-c FILE] verify-log [--json]\n"
	    "\n"
	    "Check the audit log: every event's SHA-256 and its link to the\n"
	    "event before it, the recorded head, and every case's fields\n"
	    "against its events. Prints the head hash: record it elsewhere\n"
	    "to detect a rewrite of the whole log.\n"
	    "\n"
	    "  --json   the result as a JSON object\n"
	    "  --help   this text\n"
	    "\n"
	    "Exit status: 0 intact, 5 broken (the first broken link is\n"
	    "named), 2 usage error, 3 trouble.\n");
}

/* audit_opts - --json and --help; -1 with the exit code in *rc_r */
static int
audit_opts(int argc, char **argv, void (*usage)(FILE *), int *json_r,
    int *rc_r)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	*json_r = 0;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'j')
			*json_r = 1;
		else {
			usage(ch == 'h' ? stdout : stderr);
			*rc_r = ch == 'h' ? EXIT_OK : EXIT_USAGE;
			return -1;
		}
	}
	return 0;
}

/* log_text - events for a human (aligned) or a script (TSV) */
static void
log_text(const struct store_event_row *ev, size_t n, int tty)
{
	char *t, *c, *a, *ac, *o, *nw;
	size_t i;

	if (!tty)
		fputs("ID\tTIME\tCASE\tACTOR\tACTION\tOLD\tNEW\n", stdout);
	for (i = 0; i < n; i++) {
		t = cli_cell(ev[i].time);
		c = cli_cell(ev[i].case_id);
		a = cli_cell(ev[i].actor);
		ac = cli_cell(ev[i].action);
		o = cli_cell(ev[i].old);
		nw = cli_cell(ev[i].new);
		if (tty)
			printf("%-20s  %-15s  %-12s  %-16s  %s -> %s\n", t, c,
			    a, ac, o, nw);
		else
			printf("%lld\t%s\t%s\t%s\t%s\t%s\t%s\n", ev[i].id, t,
			    c, a, ac, o, nw);
		free(t), free(c), free(a), free(ac), free(o), free(nw);
	}
}

/* cli_cmd_log - "psirt log [CASE]" */
int
cli_cmd_log(struct cli *cli, int argc, char **argv)
{
	struct store_event_row *ev = NULL;
	struct store_message_row *msgs = NULL;
	struct store_case_row *c = NULL;
	const char *case_id = NULL;
	char *err = NULL;
	size_t n = 0, nm = 0, i;
	int json, rc, first;

	if (audit_opts(argc, argv, usage_log, &json, &rc) < 0)
		return rc;
	if (argc - optind > 1) {
		log_error("log: one case ID at most");
		usage_log(stderr);
		return EXIT_USAGE;
	}
	if (argc - optind == 1)
		case_id = argv[optind];
	if (cli_open(cli, STORE_RO) < 0)
		return EXIT_TROUBLE;
	if (store_event_list(cli->st, case_id, &ev, &n, &err) < 0)
		return cli_fail(err);
	if (n == 0 && case_id != NULL) {
		if (store_case_get(cli->st, case_id, &c, &msgs, &nm,
		    &err) < 0)
			return cli_fail(err);
		store_message_rows_free(&msgs, nm);
		if (c == NULL)
			return cli_not_found(case_id);
		store_case_rows_free(&c, 1);
	}
	if (json) {
		putchar('[');
		for (i = 0; i < n; i++) {
			fputs(i == 0 ? "\n{" : ",\n{", stdout);
			first = 1;
			cli_json_ll(&first, "id", ev[i].id, 1);
			cli_json_str(&first, "case", ev[i].case_id);
			cli_json_str(&first, "time", ev[i].time);
			cli_json_str(&first, "actor", ev[i].actor);
			cli_json_str(&first, "action", ev[i].action);
			cli_json_str(&first, "old", ev[i].old);
			cli_json_str(&first, "new", ev[i].new);
			cli_json_str(&first, "prev_hash", ev[i].prev_hash);
			cli_json_str(&first, "hash", ev[i].hash);
			putchar('}');
		}
		fputs(n > 0 ? "\n]\n" : "]\n", stdout);
	} else
		log_text(ev, n, isatty(STDOUT_FILENO));
	store_event_rows_free(&ev, n);
	return EXIT_OK;
}

/* cli_cmd_verify_log - "psirt verify-log" */
int
cli_cmd_verify_log(struct cli *cli, int argc, char **argv)
{
	struct store_verify chain, cases;
	char *err = NULL, *r, *c;
	int json, rc, first = 1;

	if (audit_opts(argc, argv, usage_verify, &json, &rc) < 0)
		return rc;
	if (argc != optind) {
		log_error("verify-log: no arguments");
		usage_verify(stderr);
		return EXIT_USAGE;
	}
	if (cli_open(cli, STORE_RO) < 0)
		return EXIT_TROUBLE;
	if (store_verify_log(cli->st, &chain, &err) < 0 ||
	    store_verify_cases(cli->st, &cases, &err) < 0)
		return cli_fail(err);
	if (json) {
		putchar('{');
		cli_json_ll(&first, "events", chain.events, 1);
		cli_json_key(&first, "chain_intact");
		fputs(chain.ok ? "true" : "false", stdout);
		cli_json_ll(&first, "first_broken_event", chain.bad_event,
		    !chain.ok && chain.bad_event > 0);
		cli_json_str(&first, "chain_case", chain.ok ||
		    *chain.bad_case == '\0' ? NULL : chain.bad_case);
		cli_json_str(&first, "chain_reason", chain.ok ? NULL :
		    chain.reason);
		cli_json_str(&first, "head", chain.head);
		cli_json_ll(&first, "cases", cases.events, 1);
		cli_json_key(&first, "cases_agree");
		fputs(cases.ok ? "true" : "false", stdout);
		cli_json_str(&first, "case", cases.ok ? NULL :
		    cases.bad_case);
		cli_json_str(&first, "case_reason", cases.ok ? NULL :
		    cases.reason);
		fputs("}\n", stdout);
	} else {
		if (chain.ok)
			printf("audit log: %lld events, hash chain intact\n",
			    chain.events);
		else {
			r = cli_esc(chain.reason);
			c = cli_esc(chain.bad_case);
			if (chain.bad_event > 0)
				printf("audit log: BROKEN at event %lld (case "
				    "%s): %s\n", chain.bad_event, c, r);
			else
				printf("audit log: BROKEN: %s\n", r);
			free(r), free(c);
		}
		printf("head: %s\n", chain.head);
		if (cases.ok)
			printf("cases: %lld, each as its events say\n",
			    cases.events);
		else {
			r = cli_esc(cases.reason);
			printf("cases: MISMATCH: %s\n", r);
			free(r);
		}
	}
	return chain.ok && cases.ok ? EXIT_OK : EXIT_INTEGRITY;
}
