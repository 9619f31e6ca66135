/*
 * NAME
 *	psirt-filter - Postfix pipe(8) content filter of the PSIRT intake
 * SYNOPSIS
 *	psirt-filter [-c FILE] -f SENDER -- RECIPIENT...
 *	psirt-filter [-c FILE] --check-config
 * DESCRIPTION
 *	Reads one RFC 5322 message on standard input, spools the raw copy,
 *	has a limited worker child parse and sanitize it, and stores it as a
 *	case in the queue in one transaction. See psirt-filter(8).
 * DIAGNOSTICS
 *	Exit 0 only after the message is durably stored (or was stored by an
 *	earlier delivery); exit 75 (EX_TEMPFAIL) for every trouble of the
 *	gateway's own, so Postfix keeps the mail and retries. No other exit
 *	code, nothing on stdout or stderr while filtering: logs go to syslog.
 * SECURITY
 *	Refuses to run as root; umask 077; a clean environment (PATH, and
 *	GNUPGHOME from gnupg_home); the message is parsed, decrypted and
 *	verified only in the worker child. The gateway's gpg-agent is started
 *	here, before the worker, so that it never inherits the worker's
 *	limits (see agent.h). The deadline alarm ends the process with 75
 *	well before Postfix's command_time_limit.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "psirt/agent.h"
#include "psirt/config.h"
#include "psirt/intake.h"
#include "psirt/log.h"
#include "psirt/rawmail.h"
#include "psirt/safeio.h"
#include "psirt/sanitize.h"
#include "psirt/store.h"
#include "psirt/text.h"
#include "psirt/worker.h"
#include "psirt/xalloc.h"

#define LOG_VALUE_MAX 200

/* on_nomem - the gateway is out of memory: Postfix retries later */
static void
on_nomem(void)
{
	log_error("out of memory; deferring");
	_exit(PSIRT_EX_TEMPFAIL);
}

/* on_deadline - the internal deadline fired: Postfix retries later */
static void
on_deadline(int sig)
{
	(void)sig;
	/*
	 * Nothing here may call syslog() (not async-signal-safe); Postfix
	 * logs the deferral with our exit status.
	 */
	_exit(PSIRT_EX_TEMPFAIL);
}

/* usage - the synopsis on stdout (only for --help) */
static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: psirt-filter [-c FILE] -f SENDER -- RECIPIENT...\n"
	    "       psirt-filter [-c FILE] --check-config\n"
	    "\n"
	    "Postfix pipe(8) content filter: reads one message on standard\n"
	    "input and stores it as a case in the PSIRT queue.\n"
	    "\n"
	    "  -c FILE           configuration (default: $PSIRT_CONFIG, else\n"
	    "                    %s/psirt/psirt.conf)\n"
	    "  -f SENDER         envelope sender (Postfix: ${sender})\n"
	    "  --check-config    validate the configuration and exit\n"
	    "  --help            this text\n"
	    "\n"
	    "Exit status: 0 stored, 75 temporary failure (Postfix retries).\n",
	    SYSCONFDIR);
}

/* check_dir - a directory that exists; 0 or -1 with a message on stderr */
static int
check_dir(const char *key, const char *path)
{
	struct stat sb;
	char *p = text_printable_str(path, 200);
	int rc = 0;

	if (stat(path, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "psirt-filter: %s: %s is not a directory\n",
		    key, p);
		rc = -1;
	}
	free(p);
	return rc;
}

/* check_config - --check-config: validate and report on stderr */
static int
check_config(const char *path)
{
	struct config cfg;
	char *err = NULL, *dbdir, *slash;
	int rc = 0;

	config_init(&cfg);
	if (config_load(&cfg, path, &err) < 0) {
		fprintf(stderr, "psirt-filter: %s\n", err);
		free(err);
		config_free(&cfg);
		return 1;
	}
	dbdir = xstrdup(cfg.database);
	slash = strrchr(dbdir, '/');
	if (slash != NULL && slash != dbdir)
		*slash = '\0';
	else if (slash == NULL)
		dbdir[0] = '.', dbdir[1] = '\0';
	if (check_dir("spool_dir", cfg.spool_dir) < 0 ||
	    check_dir("database (its directory)", dbdir) < 0)
		rc = 1;
	free(dbdir);
	if (rc == 0)
		printf("psirt-filter: %s: configuration OK\n", path);
	config_free(&cfg);
	return rc;
}

/* log_decision - the one Postfix-shaped line for this message */
static void
log_decision(const char *qid, const char *sender, const struct rawmail *rm,
    const struct report *r, int duplicate)
{
	char *s = text_printable_str(sender, LOG_VALUE_MAX);
	char *mid = text_printable_str(r->message_id, LOG_VALUE_MAX);

	if (duplicate)
		log_info("%s: from=<%s>, size=%zu, message-id=<%s>, "
		    "status=duplicate (already stored)", qid, s, rm->size, mid);
	else if (r->processing == PROC_QUARANTINED)
		log_info("%s: from=<%s>, size=%zu, message-id=<%s>, enc=%s, "
		    "sig=%s, status=quarantined (%s)", qid, s, rm->size, mid,
		    enc_status_to_str(r->encryption),
		    sig_status_to_str(r->signature), r->quarantine_reason);
	else
		log_info("%s: from=<%s>, size=%zu, message-id=<%s>, enc=%s, "
		    "sig=%s%s%s, status=stored", qid, s, rm->size, mid,
		    enc_status_to_str(r->encryption),
		    sig_status_to_str(r->signature),
		    r->signer_fpr != NULL ? ", fpr=" : "",
		    r->signer_fpr != NULL ? r->signer_fpr : "");
	free(s);
	free(mid);
}

/* filter - one message from stdin to the queue; the exit code */
static int
filter(const struct config *cfg, const char *sender, const char *hook)
{
	struct worker_opts wopts;
	struct intake_job job;
	struct store_inbound in;
	struct rawmail rm;
	struct report *r = NULL;
	struct store *st = NULL;
	char case_id[STORE_CASE_ID_MAX], qid[16];
	char *err = NULL, *clean_sender;
	unsigned int sflags = 0;
	int duplicate = 0, rc = PSIRT_EX_TEMPFAIL;

	if (rawmail_spool(STDIN_FILENO, cfg->spool_dir,
	    cfg->limits.max_message_size, &rm, &err) < 0) {
		log_error("NOQUEUE: spool: %s; deferring", err);
		free(err);
		return PSIRT_EX_TEMPFAIL;
	}
	(void)snprintf(qid, sizeof(qid), "%.12s", rm.sha256);
	if (rm.over_limit) {
		r = report_new();
		report_quarantine(r, "limit:max_message_size");
	} else {
		memset(&wopts, 0, sizeof(wopts));
		wopts.memory_limit = cfg->worker_memory_limit;
		wopts.timeout = cfg->worker_timeout;
		wopts.max_result = 3 * cfg->limits.max_message_size +
		    1024 * 1024;
		wopts.test_hook = hook;
		job.msg = rm.data.data != NULL ? rm.data.data :
		    (const unsigned char *)"";
		job.len = rm.data.len;
		job.limits = &cfg->limits;
		job.gnupg_home = cfg->gnupg_home;
		job.log_id = qid;
		/* The agent outlives us: not a child of the limited worker. */
		if (agent_start(cfg->gnupg_home, &err) < 0) {
			log_warning("%s: %s", qid, err);
			free(err);
			err = NULL;
		}
		if (worker_run(&wopts, intake_process, &job, &r, &err) < 0) {
			log_error("%s: worker: %s; deferring", qid, err);
			goto out;
		}
	}
	clean_sender = sanitize_header((const unsigned char *)sender,
	    strlen(sender), 998, &sflags);
	memset(&in, 0, sizeof(in));
	in.report = r;
	in.case_prefix = cfg->case_prefix;
	in.envelope_sender = clean_sender;
	in.raw_sha256 = rm.sha256;
	in.raw_path = rm.path;
	in.size = rm.size;
	in.received = time(NULL);
	if (store_open(cfg->database, STORE_RW, cfg->db_busy_timeout, &st,
	    &err) < 0 ||
	    store_inbound_commit(st, &in, case_id, &duplicate, &err) < 0) {
		log_error("%s: store: %s; deferring", qid, err);
		free(clean_sender);
		goto out;
	}
	if (hook != NULL && strcmp(hook, "kill-after-commit") == 0)
		(void)raise(SIGKILL);
	log_decision(case_id, clean_sender, &rm, r, duplicate);
	free(clean_sender);
	rc = PSIRT_EX_OK;
out:
	free(err);
	store_close(&st);
	report_free(&r);
	rawmail_free(&rm);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "check-config", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct config cfg;
	const char *opt_c = NULL, *sender = NULL, *path;
	char *hook = NULL, *logfile = NULL, *err = NULL;
	int ch, check = 0, rc;

	if (safeio_ensure_std_fds() < 0)
		return PSIRT_EX_TEMPFAIL;
	umask(077);
	(void)signal(SIGPIPE, SIG_IGN);
	xalloc_set_fail_handler(on_nomem);
	log_open("psirt-filter", LOG_TO_SYSLOG);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "c:f:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			opt_c = optarg;
			break;
		case 'f':
			sender = optarg;
			break;
		case 'C':
			check = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			log_error("NOQUEUE: bad command line option; check "
			    "master.cf; deferring");
			return PSIRT_EX_TEMPFAIL;
		}
	}
	path = config_default_path(opt_c);
	if (check)
		return check_config(path);
	/* Test-only: a hook for fault tests and a log file beside syslog. */
	if (getenv("PSIRT_TEST_HOOK") != NULL)
		hook = xstrdup(getenv("PSIRT_TEST_HOOK"));
	if (getenv("PSIRT_LOG_FILE") != NULL)
		logfile = xstrdup(getenv("PSIRT_LOG_FILE"));
	(void)clearenv();
	(void)setenv("PATH", "/usr/bin:/bin", 1);
	if (logfile != NULL && log_open_file(logfile) < 0)
		log_warning("cannot open log file");
	config_init(&cfg);
	rc = PSIRT_EX_TEMPFAIL;
	if (getuid() == 0 || geteuid() == 0)
		log_error("NOQUEUE: refusing to run as root; set user= in "
		    "master.cf; deferring");
	else if (sender == NULL)
		log_error("NOQUEUE: no -f SENDER; check master.cf; deferring");
	else if (config_load(&cfg, path, &err) < 0)
		log_error("NOQUEUE: config: %s; deferring", err);
	else {
		(void)setenv("GNUPGHOME", cfg.gnupg_home, 1);
		(void)signal(SIGALRM, on_deadline);
		(void)alarm((unsigned int)cfg.deadline);
		rc = filter(&cfg, sender, hook);
	}
	free(err);
	config_free(&cfg);
	free(hook);
	free(logfile);
	return rc;
}
