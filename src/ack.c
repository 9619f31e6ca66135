/*
 * NAME
 *	ack - acknowledgements: templates, the PGP/MIME mail, sendmail
 * DESCRIPTION
 *	See include/psirt/ack.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "psirt/ack.h"
#include "psirt/agent.h"
#include "psirt/log.h"
#include "psirt/mime.h"
#include "psirt/pgp.h"
#include "psirt/safeio.h"
#include "psirt/text.h"
#include "psirt/xalloc.h"

#define ACK_MAX_ARGS 16
#define ACK_MAX_ADDRESS 254		/* RFC 5321 path */
#define ACK_MAX_MAIL (1024 * 1024)
#define ACK_AGENT_PROBE_MS 5000
#define ACK_CLAIM_SLACK 2		/* seconds beyond a run's deadline */

extern char **environ;

static const char *const placeholders[] = {
	"case_id", "received", "size", "raw_sha256", "arrived_encrypted",
	"gateway_fingerprint"
};

/* placeholder - the index of the placeholder at text[i] ("{name}"), -1 */
static int
placeholder(const char *text, size_t len, size_t i, size_t *end_r)
{
	size_t k, n;

	for (k = 0; k < PSIRT_NELEM(placeholders); k++) {
		n = strlen(placeholders[k]);
		if (i + n + 2 <= len &&
		    memcmp(text + i + 1, placeholders[k], n) == 0 &&
		    text[i + 1 + n] == '}') {
			*end_r = i + n + 2;
			return (int)k;
		}
	}
	return -1;
}

/* bad_placeholder - the error for the brace at text[i] */
static int
bad_placeholder(const char *text, size_t len, size_t i, char **error_r)
{
	char *shown = text_printable((const unsigned char *)text + i,
	    len - i, 40);
	struct buf b;

	buf_init(&b, 256);
	(void)buf_printf(&b, "unknown placeholder at byte %zu: %s", i, shown);
	free(shown);
	*error_r = buf_steal(&b);
	return -1;
}

/* render - check (f NULL) or render the template */
static int
render(const char *text, size_t len, const struct ack_facts *f,
    struct buf *out, char **error_r)
{
	char num[32];
	const char *v;
	size_t i, end;
	int k;

	for (i = 0; i < len; i++) {
		if (text[i] != '{') {
			if (out != NULL)
				(void)buf_putc(out, text[i]);
			continue;
		}
		if (i + 1 < len && text[i + 1] == '{') {
			if (out != NULL)
				(void)buf_putc(out, '{');
			i++;
			continue;
		}
		if ((k = placeholder(text, len, i, &end)) < 0)
			return bad_placeholder(text, len, i, error_r);
		i = end - 1;
		if (f == NULL)
			continue;
		switch (k) {
		case 0: v = f->case_id; break;
		case 1: v = f->received; break;
		case 2:
			(void)snprintf(num, sizeof(num), "%llu", f->size);
			v = num;
			break;
		case 3: v = f->raw_sha256; break;
		case 4: v = f->arrived_encrypted ? "yes" : "no"; break;
		default: v = f->gateway_fingerprint; break;
		}
		(void)buf_puts(out, v != NULL ? v : "");
	}
	return 0;
}

/* ack_template_check - see ack.h */
int
ack_template_check(const char *text, size_t len, char **error_r)
{
	return render(text, len, NULL, NULL, error_r);
}

/* ack_template_render - see ack.h */
int
ack_template_render(const char *text, size_t len, const struct ack_facts *f,
    struct buf *out, char **error_r)
{
	return render(text, len, f, out, error_r);
}

/* ack_template_load - see ack.h */
int
ack_template_load(const char *dir, const char *name, struct buf *out,
    char **error_r)
{
	struct buf path, err;
	unsigned char chunk[4096];
	ssize_t n;
	char *detail = NULL;
	int fd, rc = -1;

	buf_init(&path, 4096);
	buf_init(&err, 4096 + 256);
	(void)buf_printf(&path, "%s/%s", dir, name);
	if ((fd = open(buf_cstr(&path), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) <
	    0) {
		(void)buf_printf(&err, "%s: %s", buf_cstr(&path),
		    strerror(errno));
		goto out;
	}
	while ((n = safeio_read_some(fd, chunk, sizeof(chunk))) > 0)
		if (out->len + (size_t)n > ACK_MAX_TEMPLATE ||
		    buf_append(out, chunk, (size_t)n) != BUF_OK) {
			n = -2;
			break;
		}
	(void)close(fd);
	if (n == -2)
		(void)buf_printf(&err, "%s: larger than %d bytes",
		    buf_cstr(&path), ACK_MAX_TEMPLATE);
	else if (n < 0)
		(void)buf_printf(&err, "%s: %s", buf_cstr(&path),
		    strerror(errno));
	else if (!text_is_clean(out->data, out->len, 1))
		(void)buf_printf(&err, "%s: not UTF-8 text without control "
		    "characters", buf_cstr(&path));
	else if (ack_template_check(buf_cstr(out), out->len, &detail) < 0)
		(void)buf_printf(&err, "%s: %s", buf_cstr(&path), detail);
	else
		rc = 0;
out:
	free(detail);
	buf_free(&path);
	if (rc < 0)
		*error_r = buf_steal(&err);
	else
		buf_free(&err);
	return rc;
}

/* ack_check_templates - see ack.h */
int
ack_check_templates(const char *dir, char **error_r)
{
	static const char *const names[] = {
		"ack.txt", "followup.txt", "wrong-key.txt"
	};
	struct buf t;
	size_t i;
	int rc = 0;

	for (i = 0; i < PSIRT_NELEM(names) && rc == 0; i++) {
		buf_init(&t, ACK_MAX_TEMPLATE);
		rc = ack_template_load(dir, names[i], &t, error_r);
		buf_free(&t);
	}
	return rc;
}

/* header_safe - printable ASCII without blanks or <>: fit for a header */
static int
header_safe(const char *s, size_t max)
{
	size_t i;

	if (s == NULL || s[0] == '\0' || strlen(s) > max)
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] <= ' ' || s[i] >= 127 || s[i] == '<' || s[i] == '>' ||
		    s[i] == '"' || s[i] == '(' || s[i] == ')' || s[i] == ',' ||
		    s[i] == ';' || s[i] == '\\')
			return 0;
	return 1;
}

/* local_is - the local part of addr is name, ignoring case */
static int
local_is(const char *addr, const char *name)
{
	const char *at = strrchr(addr, '@');
	size_t n = strlen(name);

	return at != NULL && (size_t)(at - addr) == n &&
	    strncasecmp(addr, name, n) == 0;
}

/* ack_suppress_reason - see ack.h */
const char *
ack_suppress_reason(const char *sender, const char *gateway_address,
    const struct report *r)
{
	static const char *const blocks[] = {
		"auto-submitted", "precedence", "mailing-list", "loop"
	};
	const char *at;
	size_t i;

	if (sender == NULL || sender[0] == '\0')
		return "null-sender";
	if (local_is(sender, "MAILER-DAEMON") || local_is(sender, "postmaster"))
		return "bounce-address";
	if (strcasecmp(sender, gateway_address) == 0)
		return "loop";
	at = strrchr(sender, '@');
	if (!header_safe(sender, ACK_MAX_ADDRESS) || sender[0] == '-' ||
	    at == NULL || at == sender || at[1] == '\0')
		return "bad-address";
	if (r != NULL && r->ack_block != NULL) {
		/* The worker's word, from hostile headers: a known one only. */
		for (i = 0; i < PSIRT_NELEM(blocks); i++)
			if (strcmp(r->ack_block, blocks[i]) == 0)
				return blocks[i];
		return "auto-submitted";
	}
	return NULL;
}

/* new_message_id - "CASE.RANDOM@domain" of the gateway address */
static char *
new_message_id(const char *case_id, const char *gateway_address)
{
	unsigned char rnd[8];
	const char *at = strrchr(gateway_address, '@');
	struct buf b;
	size_t i;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		for (i = 0; i < sizeof(rnd); i++)	/* uniqueness only */
			rnd[i] = (unsigned char)(rand() ^ (int)time(NULL));
	buf_init(&b, 512);
	(void)buf_printf(&b, "%s.", case_id);
	for (i = 0; i < sizeof(rnd); i++)
		(void)buf_printf(&b, "%02x", rnd[i]);
	(void)buf_printf(&b, "@%s", at != NULL && at[1] != '\0' ? at + 1 :
	    "localhost");
	return buf_steal(&b);
}

/* render_text - the acknowledgement's text for a job */
static int
render_text(const struct config *cfg, const char *signer_fpr,
    const struct store_ack_job *job, struct buf *text, char **error_r)
{
	struct ack_facts f;
	struct buf t;
	int followup = strcmp(job->kind, ACK_KIND_FOLLOWUP) == 0;
	int rc, i;

	memset(&f, 0, sizeof(f));
	f.case_id = job->case_id;
	f.received = job->received;
	f.size = job->size > 0 ? (unsigned long long)job->size : 0;
	f.raw_sha256 = job->raw_sha256;
	f.arrived_encrypted = job->encryption != NULL &&
	    strcmp(job->encryption, "none") != 0;
	f.gateway_fingerprint = signer_fpr;
	for (i = 0, rc = 0; i < 2 && rc == 0; i++) {
		if (i == 1 && (job->encryption == NULL ||
		    strcmp(job->encryption, "failed-no-key") != 0))
			break;
		buf_init(&t, ACK_MAX_TEMPLATE);
		rc = ack_template_load(cfg->template_dir, i == 1 ?
		    "wrong-key.txt" : followup ? "followup.txt" : "ack.txt",
		    &t, error_r);
		if (rc == 0) {
			if (i == 1)
				(void)buf_putc(text, '\n');
			rc = ack_template_render(buf_cstr(&t), t.len, &f, text,
			    error_r);
		}
		buf_free(&t);
	}
	return rc;
}

/* ack_build - see ack.h */
int
ack_build(struct pgp *p, const struct config *cfg, const char *signer_fpr,
    const struct store_ack_job *job, struct buf *mail, char **message_id_r,
    const char **encrypted_to_r, char **error_r)
{
	const char *extra[] = {
		"Auto-Submitted", "auto-replied",
		MIME_LOOP_HEADER, cfg->gateway_address, NULL
	};
	struct mime_out_headers h;
	struct mime_ack *a = NULL;
	struct buf text, entity, pgp, subject;
	const char *micalg = NULL;
	char *mid;
	int rc = -1, prc = PGP_RECIPIENT_UNUSABLE;

	*message_id_r = NULL;
	*encrypted_to_r = NULL;
	buf_init(&text, 4 * ACK_MAX_TEMPLATE);
	buf_init(&entity, 16 * ACK_MAX_TEMPLATE);
	buf_init(&pgp, ACK_MAX_MAIL);
	buf_init(&subject, 256);
	mid = new_message_id(job->case_id, cfg->gateway_address);
	if (!header_safe(job->case_id, 64) ||
	    !header_safe(cfg->gateway_address, ACK_MAX_ADDRESS) ||
	    !header_safe(job->recipient, ACK_MAX_ADDRESS)) {
		*error_r = xstrdup("case id or address unfit for a header");
		goto out;
	}
	if (render_text(cfg, signer_fpr, job, &text, error_r) < 0 ||
	    mime_ack_new(buf_cstr(&text), text.len, &a, &entity) < 0) {
		if (*error_r == NULL)
			*error_r = xstrdup("cannot write the text part");
		goto out;
	}
	if (job->pinned_fpr != NULL) {
		prc = pgp_sign_encrypt(p, signer_fpr, job->pinned_fpr,
		    entity.data, entity.len, &pgp, &micalg, error_r);
		if (prc < 0)
			goto out;
		if (prc == 0)
			*encrypted_to_r = job->pinned_fpr;
	}
	if (prc == PGP_RECIPIENT_UNUSABLE) {
		buf_reset(&pgp);
		if (pgp_sign_encrypt(p, signer_fpr, NULL, entity.data,
		    entity.len, &pgp, &micalg, error_r) != 0) {
			if (*error_r == NULL)
				*error_r = xstrdup("cannot sign");
			goto out;
		}
	}
	(void)buf_printf(&subject, "[%s] %s", job->case_id,
	    strcmp(job->kind, ACK_KIND_FOLLOWUP) == 0 ?
	    "Follow-up received" : "Report received");
	memset(&h, 0, sizeof(h));
	h.from = cfg->gateway_address;
	h.to = job->recipient;
	h.subject = buf_cstr(&subject);
	h.message_id = mid;
	h.in_reply_to = header_safe(job->message_id, 250) ? job->message_id :
	    NULL;
	h.date = time(NULL);
	h.extra = extra;
	if (mime_ack_finish(a, &h, *encrypted_to_r != NULL,
	    micalg != NULL ? micalg : "pgp-sha256", buf_cstr(&pgp), pgp.len,
	    mail) < 0) {
		*error_r = xstrdup("cannot write the acknowledgement");
		goto out;
	}
	*message_id_r = mid;
	mid = NULL;
	rc = 0;
out:
	mime_ack_free(&a);
	free(mid);
	buf_free(&subject);
	buf_free(&pgp);
	buf_free(&entity);
	buf_free(&text);
	return rc;
}

/* split_command - sendmail_command split at blanks (no shell) */
static size_t
split_command(char *cmd, char *argv[ACK_MAX_ARGS])
{
	char *save = NULL, *w;
	size_t n = 0;

	for (w = strtok_r(cmd, " \t", &save); w != NULL && n < ACK_MAX_ARGS - 6;
	    w = strtok_r(NULL, " \t", &save))
		argv[n++] = w;
	return n;
}

/*
 * wait_child - its exit status within ACK_SEND_TIMEOUT, else killed. The
 * polling interval starts short (sendmail usually takes a few ms) and
 * doubles up to about 13 ms.
 */
static int
wait_child(pid_t pid, int *status)
{
	struct timespec ts;
	long step = 100 * 1000;		/* the next sleep, nanoseconds */
	long waited = 0;		/* slept so far, microseconds */
	pid_t w;

	while (waited < ACK_SEND_TIMEOUT * 1000L * 1000L) {
		w = waitpid(pid, status, WNOHANG);
		if (w == pid)
			return 0;
		if (w < 0 && errno != EINTR)
			return -1;
		ts.tv_sec = 0;
		ts.tv_nsec = step;
		(void)nanosleep(&ts, NULL);
		waited += step / 1000;
		if (step < 10 * 1000 * 1000)
			step *= 2;
	}
	(void)kill(pid, SIGKILL);
	(void)waitpid(pid, status, 0);
	return -1;
}

/* ack_send - see ack.h */
int
ack_send(const char *sendmail_command, const char *gateway_address,
    const char *recipient, const struct buf *mail, char **error_r)
{
	char *cmd = xstrdup(sendmail_command), *argv[ACK_MAX_ARGS];
	struct buf lf, err;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t dfl;
	size_t n, i;
	int fds[2], status = 0, wrc, rc;
	pid_t pid;

	buf_init(&err, 512);
	buf_init(&lf, mail->len + 1);
	for (i = 0; i < mail->len; i++)
		if (!(mail->data[i] == '\r' && i + 1 < mail->len &&
		    mail->data[i + 1] == '\n'))
			(void)buf_putc(&lf, mail->data[i]);
	n = split_command(cmd, argv);
	if (n == 0 || argv[0][0] != '/') {
		(void)buf_puts(&err, "sendmail_command: not an absolute path");
		goto fail;
	}
	argv[n++] = "-i";
	argv[n++] = "-f";
	argv[n++] = (char *)gateway_address;
	argv[n++] = "--";
	argv[n++] = (char *)recipient;
	argv[n] = NULL;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		(void)buf_printf(&err, "pipe: %s", strerror(errno));
		goto fail;
	}
	/*
	 * posix_spawn, not fork: no copy of our page tables for a process
	 * that only execs (a few ms per fork on a virtual machine). Standard
	 * input the pipe, output to /dev/null, SIGPIPE and SIGALRM default.
	 */
	(void)sigemptyset(&dfl);
	(void)sigaddset(&dfl, SIGPIPE);
	(void)sigaddset(&dfl, SIGALRM);
	(void)posix_spawn_file_actions_init(&fa);
	(void)posix_spawnattr_init(&attr);
	(void)posix_spawnattr_setsigdefault(&attr, &dfl);
	(void)posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
	(void)posix_spawn_file_actions_adddup2(&fa, fds[0], STDIN_FILENO);
	(void)posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO,
	    "/dev/null", O_WRONLY, 0);
	(void)posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO,
	    STDERR_FILENO);
	rc = posix_spawn(&pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc != 0) {
		(void)buf_printf(&err, "cannot run %s: %s", argv[0],
		    strerror(rc));
		(void)close(fds[0]);
		(void)close(fds[1]);
		goto fail;
	}
	(void)close(fds[0]);
	wrc = safeio_write_all(fds[1], lf.data, lf.len);
	(void)close(fds[1]);
	if (wait_child(pid, &status) < 0)
		(void)buf_printf(&err, "%s: no exit within %d s", argv[0],
		    ACK_SEND_TIMEOUT);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		(void)buf_printf(&err, "%s: exit status %d", argv[0],
		    WIFEXITED(status) ? WEXITSTATUS(status) :
		    128 + WTERMSIG(status));
	else if (wrc < 0)
		(void)buf_printf(&err, "%s: did not read the message",
		    argv[0]);
	else {
		free(cmd);
		buf_free(&lf);
		buf_free(&err);
		return 0;
	}
fail:
	free(cmd);
	buf_free(&lf);
	*error_r = buf_steal(&err);
	return -1;
}

/* deliver_one - build, send and record one claimed job */
static int
deliver_one(struct store *st, struct pgp *p, const struct config *cfg,
    const struct store_ack_job *job, char **error_r)
{
	char signer[PGP_FPR_MAX + 1];
	const char *enc_to = NULL;
	char *failure = NULL, *mid = NULL, *to;
	struct buf mail;
	int rc;

	buf_init(&mail, ACK_MAX_MAIL);
	if (pgp_signer(p, cfg->gateway_key, signer, &failure) == 0 &&
	    ack_build(p, cfg, signer, job, &mail, &mid, &enc_to,
	    &failure) == 0)
		(void)ack_send(cfg->sendmail_command, cfg->gateway_address,
		    job->recipient, &mail, &failure);
	to = text_printable_str(job->recipient, 200);
	if (failure == NULL)
		log_info("%s: ack to=<%s>, kind=%s, %s, status=sent",
		    job->case_id, to, job->kind, enc_to != NULL ?
		    "signed+encrypted" : "signed");
	else
		log_warning("%s: ack to=<%s>, kind=%s, attempt=%lld, "
		    "status=deferred (%s)", job->case_id, to, job->kind,
		    job->attempts, failure);
	rc = store_ack_done(st, job, failure, mid, enc_to, time(NULL),
	    error_r);
	free(to);
	free(mid);
	free(failure);
	buf_free(&mail);
	return rc;
}

/* ack_deliver - see ack.h */
int
ack_deliver(struct store *st, struct pgp *p, const struct config *cfg,
    long long id, size_t more, unsigned long min_age, char **error_r)
{
	struct store_ack_job job;
	long long after = 0;
	size_t i;
	int got, rc = 0;
	char *err = NULL;

	/*
	 * A hung gpg-agent would hang the signing until the deadline: the
	 * acks stay pending for a later run instead.
	 */
	if (agent_probe(cfg->gnupg_home, ACK_AGENT_PROBE_MS, &err) < 0) {
		log_warning("ack: %s; acknowledgements left pending", err);
		free(err);
		return 0;
	}

	for (i = 0; i <= more && rc == 0; i++) {
		if (i == 0 && id == 0)
			continue;
		/* A claim outlives its process's deadline only if it died. */
		if (store_ack_claim(st, i == 0 ? id : 0, after, time(NULL),
		    min_age, cfg->deadline + ACK_CLAIM_SLACK, &job, &got,
		    error_r) < 0)
			return -1;
		if (!got) {
			if (i > 0)
				break;
			continue;
		}
		if (i > 0)
			after = job.id;
		rc = deliver_one(st, p, cfg, &job, error_r);
		store_ack_job_free(&job);
	}
	return rc;
}
