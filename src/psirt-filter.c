/*
 * NAME
 *	psirt-filter - Postfix pipe(8) content filter of the PSIRT intake
 * SYNOPSIS
 *	psirt-filter [-c FILE] -f SENDER -- RECIPIENT...
 *	psirt-filter [-c FILE] --check-config
 *	psirt-filter [-c FILE] --init
 * DESCRIPTION
 *	Reads one RFC 5322 message on standard input, spools the raw copy,
 *	has a limited worker child parse and sanitize it, and stores it as a
 *	case in the queue in one transaction. See psirt-filter(8).
 *	--init writes the hardened gpg.conf and gpg-agent.conf into
 *	gnupg_home (run as the gateway user); --check-config verifies them.
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
#include <malloc.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "psirt/ack.h"
#include "psirt/agent.h"
#include "psirt/correlate.h"
#include "psirt/config.h"
#include "psirt/intake.h"
#include "psirt/log.h"
#include "psirt/pgp.h"
#include "psirt/rawmail.h"
#include "psirt/safeio.h"
#include "psirt/sanitize.h"
#include "psirt/store.h"
#include "psirt/text.h"
#include "psirt/timing.h"
#include "psirt/worker.h"
#include "psirt/xalloc.h"

#define LOG_VALUE_MAX 200
#define MMAP_THRESHOLD (256 * 1024)	/* bytes; mallopt() */
#define MAX_KEY_PARTS 4			/* key parts imported per message */
#define ACK_RETRY_PER_RUN 3		/* older acks retried by each run */
#define ACK_RETRY_AFTER 300		/* seconds between two tries */

/*
 * Set once the message is committed: from then on Postfix must not retry
 * it, whatever happens to the acknowledgements (left pending, sent by a
 * later run or --retry-acks).
 */
static volatile sig_atomic_t committed;

/* on_nomem - out of memory: Postfix retries later, unless committed */
static void
on_nomem(void)
{
	log_error(committed ? "out of memory; the ack is left pending" :
	    "out of memory; deferring");
	_exit(committed ? PSIRT_EX_OK : PSIRT_EX_TEMPFAIL);
}

/* on_deadline - the deadline fired: Postfix retries, unless committed */
static void
on_deadline(int sig)
{
	(void)sig;
	/*
	 * Nothing here may call syslog() (not async-signal-safe); Postfix
	 * logs the deferral with our exit status.
	 */
	_exit(committed ? PSIRT_EX_OK : PSIRT_EX_TEMPFAIL);
}

/* usage - the synopsis on stdout (only for --help) */
static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: psirt-filter [-c FILE] -f SENDER -- RECIPIENT...\n"
	    "       psirt-filter [-c FILE] --check-config\n"
	    "       psirt-filter [-c FILE] --init\n"
	    "       psirt-filter [-c FILE] --retry-acks\n"
	    "       psirt-filter [-c FILE] --reprocess CASE\n"
	    "\n"
	    "Postfix pipe(8) content filter: reads one message on standard\n"
	    "input and stores it as a case in the PSIRT queue.\n"
	    "\n"
	    "  -c FILE           configuration (default: $PSIRT_CONFIG, else\n"
	    "                    %s/psirt/psirt.conf)\n"
	    "  -f SENDER         envelope sender (Postfix: ${sender})\n"
	    "  --check-config    validate the configuration and the hardened\n"
	    "                    GnuPG home (gnupg_home), and exit\n"
	    "  --init            write gnupg_home's hardened gpg.conf and\n"
	    "                    gpg-agent.conf (run as the gateway user)\n"
	    "  --retry-acks      send the acknowledgements still pending\n"
	    "  --reprocess CASE  parse, decrypt and verify the case's\n"
	    "                    messages again from their raw copies; the\n"
	    "                    new results are kept beside the old\n"
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

/*
 * check_gnupg_home - the hardened gpg.conf and gpg-agent.conf of
 * gnupg_home, as pgp_write_gpg_conf() writes them; 0 or -1 with a message
 * naming the file and option on stderr
 */
static int
check_gnupg_home(const struct config *cfg)
{
	char *err = NULL, *p;

	if (pgp_check_gpg_conf(cfg->gnupg_home,
	    cfg->limits.max_decrypted_size, &err) == 0)
		return 0;
	p = text_printable_str(err, 400);
	fprintf(stderr, "psirt-filter: gnupg_home: %s (psirt-filter --init, "
	    "run as the gateway user, writes the hardened files)\n", p);
	free(p);
	free(err);
	return -1;
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
	if (check_gnupg_home(&cfg) < 0)
		rc = 1;
	if (ack_check_templates(cfg.template_dir, &err) < 0) {
		fprintf(stderr, "psirt-filter: template_dir: %s\n", err);
		free(err);
		err = NULL;
		rc = 1;
	}
	if (rc == 0)
		printf("psirt-filter: %s: configuration OK\n", path);
	config_free(&cfg);
	return rc;
}

/*
 * init_home - --init: write gnupg_home's hardened gpg.conf and
 * gpg-agent.conf unless they are already exactly that; 0 or 1, a message
 * on stdout or stderr. A home that belongs to another user is refused:
 * files we wrote there would fail --check-config (run as its owner).
 */
static int
init_home(const char *path)
{
	struct config cfg;
	struct stat sb;
	char *err = NULL, *home = NULL, *p;
	int rc = 1;

	config_init(&cfg);
	if (config_load(&cfg, path, &err) < 0) {
		fprintf(stderr, "psirt-filter: %s\n", err);
		goto out;
	}
	home = text_printable_str(cfg.gnupg_home, 200);
	if (lstat(cfg.gnupg_home, &sb) == 0 && sb.st_uid != geteuid()) {
		fprintf(stderr, "psirt-filter: gnupg_home %s belongs to uid "
		    "%lu, not to us (uid %lu): run psirt-filter --init as the "
		    "gateway user\n", home, (unsigned long)sb.st_uid,
		    (unsigned long)geteuid());
		goto out;
	}
	if (pgp_check_gpg_conf(cfg.gnupg_home, cfg.limits.max_decrypted_size,
	    &err) == 0) {
		printf("psirt-filter: %s: gpg.conf and gpg-agent.conf are "
		    "hardened already; nothing written\n", home);
		rc = 0;
		goto out;
	}
	free(err);
	err = NULL;
	if (pgp_write_gpg_conf(cfg.gnupg_home, cfg.limits.max_decrypted_size,
	    &err) < 0 || pgp_check_gpg_conf(cfg.gnupg_home,
	    cfg.limits.max_decrypted_size, &err) < 0) {
		p = text_printable_str(err, 400);
		fprintf(stderr, "psirt-filter: gnupg_home: %s\n", p);
		free(p);
		goto out;
	}
	printf("psirt-filter: wrote %s/gpg.conf and %s/gpg-agent.conf\n",
	    home, home);
	rc = 0;
out:
	free(err);
	free(home);
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

/* gateway_pgp - the parent's gpgme context, opened on first use */
static struct pgp *
gateway_pgp(const struct config *cfg, struct pgp **p, const char *qid)
{
	char *err = NULL;

	if (*p == NULL && (pgp_init(cfg->gnupg_home, &err) < 0 ||
	    pgp_open(p, &err) < 0)) {
		log_warning("%s: gpgme: %s", qid, err);
		free(err);
		*p = NULL;
	}
	return *p;
}

/*
 * offered_keys - the reporter's keys this message offers, best first: a
 * good signature's key, then the application/pgp-keys parts (an
 * Autocrypt header is one), imported bounded. Returns how many.
 */
static size_t
offered_keys(const struct config *cfg, struct pgp **p,
    const struct report *r, const char *qid,
    char fprs[PGP_MAX_IMPORT_KEYS][PGP_FPR_MAX + 1])
{
	struct pgp_import_limits lim;
	struct pgp_import imp;
	size_t n = 0, i, k, tried = 0;
	char *err = NULL;

	if (r->signature == SIG_GOOD && r->signer_fpr != NULL &&
	    strlen(r->signer_fpr) <= PGP_FPR_MAX)
		(void)snprintf(fprs[n++], PGP_FPR_MAX + 1, "%s", r->signer_fpr);
	pgp_import_limits_default(&lim);
	for (i = 0; i < r->natt && tried < MAX_KEY_PARTS; i++) {
		if (r->att[i].declared_type == NULL ||
		    strcmp(r->att[i].declared_type, "application/pgp-keys") !=
		    0 || gateway_pgp(cfg, p, qid) == NULL)
			continue;
		tried++;
		if (pgp_import_key(*p, r->att[i].data, r->att[i].size, &lim,
		    &imp, &err) < 0) {
			log_warning("%s: key import: %s", qid, err);
			free(err);
			err = NULL;
			continue;
		}
		if (imp.refused != NULL)
			log_info("%s: reporter key refused (%s)", qid,
			    imp.refused);
		for (k = 0; k < imp.nfpr && n < PGP_MAX_IMPORT_KEYS; k++)
			memcpy(fprs[n++], imp.fpr[k], sizeof(fprs[0]));
	}
	return n;
}

/*
 * store_and_ack - correlate, pin keys, store in one transaction, then
 * acknowledge; -1 (logged) when Postfix must retry. The report is freed
 * once stored: wiped before the ack's gpg and sendmail are forked (after
 * a fork the wipe would copy every page they share).
 */
static int
store_and_ack(const struct config *cfg, struct store *st,
    struct report **rp, const struct rawmail *rm, const char *sender,
    const char *hook, const char *qid)
{
	const struct report *r = *rp;
	char fprs[PGP_MAX_IMPORT_KEYS][PGP_FPR_MAX + 1];
	const char *fpr_ptrs[PGP_MAX_IMPORT_KEYS];
	char case_id[STORE_CASE_ID_MAX];
	struct store_ack_request ack;
	struct store_inbound in;
	struct correlation corr;
	struct pgp *p = NULL;
	char *err = NULL, *clean_sender;
	unsigned int sflags = 0;
	long long ack_id = 0;
	size_t i;
	int duplicate = 0, rc = -1;

	clean_sender = sanitize_header((const unsigned char *)sender,
	    strlen(sender), 998, &sflags);
	memset(&in, 0, sizeof(in));
	in.report = r;
	in.case_prefix = cfg->case_prefix;
	in.envelope_sender = clean_sender;
	in.raw_sha256 = rm->sha256;
	in.raw_path = rm->path;
	in.size = rm->size;
	in.received = time(NULL);
	if (correlate(st, r, cfg->case_prefix, clean_sender, &corr, &err) < 0)
		goto out;
	in.join_case = corr.join_case[0] != '\0' ? corr.join_case : NULL;
	in.flags = corr.flags;
	memset(&ack, 0, sizeof(ack));
	ack.kind = corr.followup_ack ? ACK_KIND_FOLLOWUP : ACK_KIND_REPORT;
	ack.recipient = clean_sender;
	ack.suppress = sflags != 0 ? "bad-address" :
	    ack_suppress_reason(clean_sender, cfg->gateway_address, r);
	ack.per_sender = cfg->ack_per_sender;
	ack.window = cfg->ack_window;
	ack.global_per_hour = cfg->ack_global_per_hour;
	in.ack = &ack;
	in.ack_id_r = &ack_id;
	/*
	 * Keys are pinned for the address they came from: the From address
	 * must be the envelope sender (a replayed signed mail pins nothing
	 * for the one who replays it).
	 */
	if (ack.suppress == NULL && r->from_addr != NULL &&
	    strcasecmp(r->from_addr, clean_sender) == 0) {
		in.key_address = clean_sender;
		in.nkey_fprs = offered_keys(cfg, &p, r, qid, fprs);
		for (i = 0; i < in.nkey_fprs; i++)
			fpr_ptrs[i] = fprs[i];
		in.key_fprs = fpr_ptrs;
	}
	if (store_inbound_commit(st, &in, case_id, &duplicate, &err) < 0)
		goto out;
	committed = 1;
	timing_phase(TIMING_ACK);
	if (hook != NULL && strcmp(hook, "kill-after-commit") == 0)
		(void)raise(SIGKILL);
	log_decision(case_id, clean_sender, rm, r, duplicate);
	report_free(rp);
	r = NULL;
	rc = 0;
	/* After the commit: an ack that fails is retried, never a deferral. */
	if (ack_id != 0 && gateway_pgp(cfg, &p, qid) != NULL &&
	    ack_deliver(st, p, cfg, ack_id, ACK_RETRY_PER_RUN,
	    ACK_RETRY_AFTER, &err) < 0)
		log_warning("%s: ack: %s", case_id, err);
out:
	if (rc < 0)
		log_error("%s: store: %s; deferring", qid, err);
	pgp_close(&p);
	free(err);
	free(clean_sender);
	return rc;
}

/* retry_acks - --retry-acks: every pending acknowledgement, now */
static int
retry_acks(const struct config *cfg)
{
	struct store *st = NULL;
	struct pgp *p = NULL;
	char *err = NULL;
	int rc = 1;

	if (store_open(cfg->database, STORE_RW, cfg->db_busy_timeout, &st,
	    &err) < 0 || gateway_pgp(cfg, &p, "retry-acks") == NULL ||
	    ack_deliver(st, p, cfg, 0, SIZE_MAX - 1, 0, &err) < 0)
		fprintf(stderr, "psirt-filter: retry-acks: %s\n",
		    err != NULL ? err : "gpgme unusable (see the log)");
	else
		rc = 0;
	pgp_close(&p);
	store_close(&st);
	free(err);
	return rc;
}

/*
 * parse_message - the worker's report on a spooled message (quarantined
 * past max_message_size without a worker); rm->data is freed meanwhile.
 * -1 (logged) to defer
 */
static int
parse_message(const struct config *cfg, struct rawmail *rm,
    const char *hook, const char *qid, struct report **r)
{
	struct worker_opts wopts;
	struct intake_job job;
	char *err = NULL;

	if (rm->over_limit) {
		*r = report_new();
		report_quarantine(*r, "limit:max_message_size");
		return 0;
	}
	memset(&wopts, 0, sizeof(wopts));
	wopts.memory_limit = cfg->worker_memory_limit;
	wopts.timeout = cfg->worker_timeout;
	wopts.max_result = 3 * cfg->limits.max_message_size + 1024 * 1024;
	wopts.test_hook = hook;
	wopts.input = &rm->data;	/* not needed after the fork */
	job.msg = rm->data.data != NULL ? rm->data.data :
	    (const unsigned char *)"";
	job.len = rm->data.len;
	job.input = &rm->data;		/* the worker's copy, in the worker */
	job.limits = &cfg->limits;
	job.gnupg_home = cfg->gnupg_home;
	job.log_id = qid;
	timing_phase(TIMING_AGENT);
	/* The agent outlives us: not a child of the limited worker. */
	if (agent_start(cfg->gnupg_home, &err) < 0) {
		log_warning("%s: %s", qid, err);
		free(err);
		err = NULL;
	}
	/* gpgme's one probe of gpg, here: the worker inherits it. */
	if (pgp_init(cfg->gnupg_home, &err) < 0) {
		log_warning("%s: gpgme: %s", qid, err);
		free(err);
		err = NULL;
	}
	if (worker_run(&wopts, intake_process, &job, r, &err) < 0) {
		log_error("%s: worker: %s; deferring", qid, err);
		free(err);
		return -1;
	}
	return 0;
}

/* reprocess_store - one message's new result stored and said; -1 */
static int
reprocess_store(struct store *st, const char *case_id, const char *shown,
    const struct store_raw_ref *ref, const struct rawmail *rm,
    const struct report *r, char **error_r)
{
	struct store_inbound in;

	memset(&in, 0, sizeof(in));
	in.report = r;
	in.envelope_sender = ref->envelope_sender;
	in.raw_sha256 = rm->sha256;
	in.raw_path = rm->path;
	in.size = rm->size;
	in.received = time(NULL);
	if (store_reprocessed(st, case_id, ref->id, &in, error_r) < 0)
		return -1;
	printf("%s: message %lld: encryption=%s, signature=%s, "
	    "processing=%s\n", shown, ref->id,
	    enc_status_to_str(r->encryption), sig_status_to_str(r->signature),
	    processing_to_str(r->processing));
	log_info("%s: reprocessed message %lld: enc=%s, sig=%s", shown,
	    ref->id, enc_status_to_str(r->encryption),
	    sig_status_to_str(r->signature));
	return 0;
}

/*
 * reprocess - --reprocess CASE: each inbound message of the case again
 * from its raw copy; the new result beside the old. 0, or 1 (on stderr)
 */
static int
reprocess(const struct config *cfg, const char *case_id)
{
	struct store_raw_ref *refs = NULL;
	struct store *st = NULL;
	struct report *r = NULL;
	struct rawmail rm;
	size_t n = 0, i;
	char qid[16], *err = NULL, *shown = text_printable_str(case_id, 64);
	int rc = 0;

	if (store_open(cfg->database, STORE_RW, cfg->db_busy_timeout, &st,
	    &err) < 0 || store_case_inbound(st, case_id, &refs, &n, &err) < 0)
		goto fail;
	if (n == 0) {
		fprintf(stderr, "psirt-filter: %s: no such case\n", shown);
		rc = 1;
	}
	for (i = 0; i < n && err == NULL; i++) {
		memset(&rm, 0, sizeof(rm));
		if (refs[i].raw_path == NULL || rawmail_load(refs[i].raw_path,
		    cfg->limits.max_message_size, &rm, &err) < 0)
			break;
		(void)snprintf(qid, sizeof(qid), "%.12s", rm.sha256);
		if (refs[i].raw_sha256 == NULL ||
		    strcmp(rm.sha256, refs[i].raw_sha256) != 0)
			err = xstrdup("the raw copy does not match its digest");
		else if (parse_message(cfg, &rm, NULL, qid, &r) < 0)
			err = xstrdup("the worker failed (see the log)");
		else
			(void)reprocess_store(st, case_id, shown, &refs[i], &rm,
			    r, &err);
		report_free(&r);
		rawmail_free(&rm);
	}
	if (err == NULL)
		goto out;
fail:
	fprintf(stderr, "psirt-filter: %s: %s\n", shown, err);
	rc = 1;
out:
	store_raw_refs_free(&refs, &n);
	store_close(&st);
	free(shown);
	free(err);
	return rc;
}

/* filter - one message from stdin to the queue; the exit code */
static int
filter(const struct config *cfg, const char *sender, const char *hook)
{
	struct rawmail rm;
	struct report *r = NULL;
	struct store *st = NULL;
	char qid[16];
	char *err = NULL;
	int rc = PSIRT_EX_TEMPFAIL;

	timing_phase(TIMING_SPOOL);
	if (rawmail_spool(STDIN_FILENO, cfg->spool_dir,
	    cfg->limits.max_message_size, &rm, &err) < 0) {
		log_error("NOQUEUE: spool: %s; deferring", err);
		free(err);
		return PSIRT_EX_TEMPFAIL;
	}
	(void)snprintf(qid, sizeof(qid), "%.12s", rm.sha256);
	if (parse_message(cfg, &rm, hook, qid, &r) < 0)
		goto out;
	timing_phase(TIMING_STORE);
	if (store_open(cfg->database, STORE_RW, cfg->db_busy_timeout, &st,
	    &err) < 0) {
		log_error("%s: store: %s; deferring", qid, err);
		goto out;
	}
	if (store_and_ack(cfg, st, &r, &rm, sender, hook, qid) < 0)
		goto out;
	rc = PSIRT_EX_OK;
out:
	timing_phase(TIMING_CLEANUP);
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
		{ "init", no_argument, NULL, 'I' },
		{ "retry-acks", no_argument, NULL, 'R' },
		{ "reprocess", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct config cfg;
	const char *opt_c = NULL, *sender = NULL, *path, *again = NULL;
	char *hook = NULL, *logfile = NULL, *err = NULL;
	int ch, check = 0, init = 0, retry = 0, rc;

	timing_init(getenv("PSIRT_TIMING"));
	/*
	 * A message, its plaintext, an attachment: each mmapped and given
	 * back when freed (glibc's sliding threshold would keep such blocks
	 * in the heap after the first one is freed). The worker inherits it.
	 */
	(void)mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
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
		case 'I':
			init = 1;
			break;
		case 'R':
			retry = 1;
			break;
		case 'P':
			again = optarg;
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
	if (init)
		return init_home(path);
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
	else if (sender == NULL && !retry && again == NULL)
		log_error("NOQUEUE: no -f SENDER; check master.cf; deferring");
	else if (config_load(&cfg, path, &err) < 0)
		log_error("NOQUEUE: config: %s; deferring", err);
	else {
		(void)setenv("GNUPGHOME", cfg.gnupg_home, 1);
		(void)signal(SIGALRM, on_deadline);
		(void)alarm((unsigned int)cfg.deadline);
		rc = again != NULL ? reprocess(&cfg, again) : retry ?
		    retry_acks(&cfg) : filter(&cfg, sender, hook);
		timing_log();
	}
	free(err);
	config_free(&cfg);
	free(hook);
	free(logfile);
	return rc;
}
