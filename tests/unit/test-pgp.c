/*
 * NAME
 *	test-pgp - the pgp module against the real gpg, in hermetic homes
 * DESCRIPTION
 *	Builds its GnuPG homes under one mkdtemp directory with
 *	tests/lib/gpghome.sh (the gateway's, the reporters', one for key
 *	import, one without weak-digest, one whose gpg-agent cannot start),
 *	makes every input at test time with the real gpg in the reporters'
 *	home (fork and execv, no shell), and checks the statuses of DESIGN.md
 *	case by case. The 1 GiB bzip2 bomb is the committed sample
 *	tests/data/bzip2-bomb-1g.asc made by keys/generate.sh.
 *
 *	Run by make check; by hand: top_srcdir=/path/to/src ./test-pgp.
 *	PSIRT_TEST_KEEP=1 keeps the directory (and gpg's stderr in gpg.log).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "psirt/buf.h"
#include "psirt/pgp.h"
#include "psirt/status.h"
#include "psirt/xalloc.h"
#include "../lib/tap.h"

#define CAP (1024UL * 1024)		/* max_decrypted_size of the tests */

static char top[PATH_MAX];
static char tmp[PATH_MAX];
static char gw[PATH_MAX], rep[PATH_MAX], imp[PATH_MAX], weak[PATH_MAX];
static char noagent[PATH_MAX], gpglog[PATH_MAX];
static struct pgp *pgp;

static const char plaintext[] =
    "Content-Type: text/plain; charset=utf-8\n\n"
    "Report: the frobnicator overflows its buffer on long input.\n";

/* ---- small helpers ----------------------------------------------------- */

/* bail - TAP "Bail out!" and stop */
static void
bail(const char *what)
{
	printf("Bail out! %s\n", what);
	exit(1);
}

/* pjoin - dir/name into out (PATH_MAX) */
static void
pjoin(char *out, const char *dir, const char *name)
{
	if (snprintf(out, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX)
		bail("path too long");
}

/* ms_since - milliseconds since t0 */
static double
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/*
 * run - run argv (no shell), feed it in, collect its stdout in out;
 * stderr goes to gpg.log. Returns the exit status, 128+signal if killed.
 */
static int
run(char *const argv[], const void *in, size_t inlen, struct buf *out)
{
	int pin[2], pout[2], status, fd;
	struct pollfd pf[2];
	unsigned char chunk[65536];
	size_t off = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(pin, O_CLOEXEC) != 0 || pipe2(pout, O_CLOEXEC) != 0)
		bail("pipe");
	if ((pid = fork()) < 0)
		bail("fork");
	if (pid == 0) {
		fd = open(gpglog, O_WRONLY | O_APPEND | O_CREAT, 0600);
		if (dup2(pin[0], 0) < 0 || dup2(pout[1], 1) < 0 ||
		    (fd >= 0 && dup2(fd, 2) < 0))
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pin[0]);
	close(pout[1]);
	if (inlen == 0) {
		close(pin[1]);
		pin[1] = -1;
	}
	for (;;) {
		pf[0].fd = pin[1];
		pf[0].events = POLLOUT;
		pf[1].fd = pout[0];
		pf[1].events = POLLIN;
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			bail("poll");
		}
		if (pin[1] >= 0 && (pf[0].revents & (POLLOUT | POLLERR))) {
			n = write(pin[1], (const char *)in + off, inlen - off);
			if (n > 0)
				off += (size_t)n;
			if (n < 0 || off == inlen) {
				close(pin[1]);
				pin[1] = -1;
			}
		}
		if (pf[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(pout[0], chunk, sizeof(chunk));
			if (n == 0 || (n < 0 && errno != EINTR))
				break;
			if (n > 0 && out != NULL &&
			    buf_append(out, chunk, (size_t)n) != BUF_OK)
				bail("command output too large");
		}
	}
	if (pin[1] >= 0)
		close(pin[1]);
	close(pout[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			bail("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) :
	    128 + WTERMSIG(status);
}

/* The fingerprints of keys/FINGERPRINTS, by name. */
static struct {
	char name[64];
	char val[PGP_FPR_MAX + 1];
} fps[32];
static size_t nfps;

/* load_fingerprints - read keys/FINGERPRINTS (NAME=HEX lines) */
static void
load_fingerprints(void)
{
	char path[PATH_MAX], line[256], *eq;
	FILE *f;

	pjoin(path, top, "keys/FINGERPRINTS");
	if ((f = fopen(path, "r")) == NULL)
		bail("cannot read keys/FINGERPRINTS");
	while (fgets(line, sizeof(line), f) != NULL && nfps < 32) {
		line[strcspn(line, "\n")] = '\0';
		if ((eq = strchr(line, '=')) == NULL ||
		    (size_t)(eq - line) >= sizeof(fps[0].name) ||
		    strlen(eq + 1) > PGP_FPR_MAX)
			continue;
		memcpy(fps[nfps].name, line, (size_t)(eq - line));
		fps[nfps].name[eq - line] = '\0';
		memcpy(fps[nfps].val, eq + 1, strlen(eq + 1) + 1);
		nfps++;
	}
	fclose(f);
}

/* fp - the fingerprint called name ("@" prefix allowed) */
static const char *
fp(const char *name)
{
	size_t i;

	if (name[0] == '@')
		name++;
	for (i = 0; i < nfps; i++)
		if (strcmp(fps[i].name, name) == 0)
			return fps[i].val;
	printf("# no fingerprint %s in keys/FINGERPRINTS\n", name);
	bail("keys/FINGERPRINTS incomplete: run keys/generate.sh");
	return "";
}

/* want_fpr - "" for NULL, else the named fingerprint */
static const char *
want_fpr(const char *name)
{
	return name == NULL ? "" : fp(name);
}

/*
 * gpg_make - run gpg in home with the common options and args, where
 * "@NAME" stands for a fingerprint and "@NAME!" for it with a "!"
 */
static int
gpg_make(const char *home, const char *const *args, const void *in,
    size_t inlen, struct buf *out)
{
	static char exp[16][PGP_FPR_MAX + 2];
	char *argv[64];
	size_t n = 0, e = 0, i, l;
	const char *v;

	argv[n++] = (char *)PSIRT_GPG_PATH;
	argv[n++] = (char *)"--homedir";
	argv[n++] = (char *)home;
	argv[n++] = (char *)"--batch";
	argv[n++] = (char *)"--quiet";
	argv[n++] = (char *)"--no-tty";
	argv[n++] = (char *)"--pinentry-mode";
	argv[n++] = (char *)"loopback";
	argv[n++] = (char *)"--passphrase";
	argv[n++] = (char *)"";
	argv[n++] = (char *)"--trust-model";
	argv[n++] = (char *)"always";
	for (i = 0; args[i] != NULL && n < 62; i++) {
		if (args[i][0] != '@') {
			argv[n++] = (char *)args[i];
			continue;
		}
		l = strlen(args[i]);
		if (e >= 16 || l >= sizeof(exp[0]))
			bail("too many @ arguments");
		memcpy(exp[e], args[i], l + 1);
		if (l > 1 && exp[e][l - 1] == '!')
			exp[e][l - 1] = '\0';
		v = fp(exp[e]);
		if (snprintf(exp[e], sizeof(exp[e]), "%s%s", v,
		    args[i][l - 1] == '!' ? "!" : "") >= (int)sizeof(exp[e]))
			bail("fingerprint too long");
		argv[n++] = exp[e++];
	}
	argv[n] = NULL;
	return run(argv, in, inlen, out);
}

/* read_file - a whole file into out */
static void
read_file(const char *path, struct buf *out)
{
	char *argv[] = { (char *)"/bin/cat", (char *)path, NULL };

	if (run(argv, NULL, 0, out) != 0)
		bail("cannot read a test file");
}

/* write_file - replace path with text */
static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0)
		bail("cannot write a test file");
	if (chmod(path, mode) != 0)
		bail("chmod");
}

/* use_home - point the pgp module at another GnuPG home */
static void
use_home(const char *home)
{
	char *error = NULL;

	if (pgp_init(home, &error) != 0) {
		printf("# %s\n", error);
		bail("pgp_init");
	}
}

/* kill_agent - stop the gpg-agent of a home (gpgconf beside gpg) */
static void
kill_agent(const char *home)
{
	char gpgconf[PATH_MAX];
	const char *slash = strrchr(PSIRT_GPG_PATH, '/');
	char *argv[] = { gpgconf, (char *)"--homedir", (char *)home,
		(char *)"--kill", (char *)"all", NULL };

	if (slash == NULL || snprintf(gpgconf, sizeof(gpgconf), "%.*s/gpgconf",
	    (int)(slash - PSIRT_GPG_PATH), PSIRT_GPG_PATH) >=
	    (int)sizeof(gpgconf))
		bail("where is gpgconf?");
	(void)run(argv, NULL, 0, NULL);
}

/* ---- setup ----------------------------------------------------------- */

/* find_top - $top_srcdir, else the source tree this file is in */
static void
find_top(void)
{
	const char *t = getenv("top_srcdir");
	const char *suffix = "/tests/unit/test-pgp.c";
	size_t l;

	if (t != NULL && *t != '\0') {
		if (snprintf(top, sizeof(top), "%s", t) >= (int)sizeof(top))
			bail("top_srcdir too long");
		return;
	}
	l = strlen(__FILE__);
	if (__FILE__[0] != '/' || l <= strlen(suffix) ||
	    strcmp(__FILE__ + l - strlen(suffix), suffix) != 0)
		bail("set top_srcdir");
	memcpy(top, __FILE__, l - strlen(suffix));
	top[l - strlen(suffix)] = '\0';
}

/* setup - the homes, through tests/lib/gpghome.sh */
static void
setup(void)
{
	char capstr[32];
	struct buf conf;
	struct timespec t0;
	const char *script =
	    ". \"$1/tests/lib/gpghome.sh\" &&"
	    " gpghome_gateway \"$2\" \"$7\" &&"
	    " gpghome_reporter \"$3\" &&"
	    " gpghome_gateway \"$4\" \"$7\" &&"
	    " gpghome_gateway \"$5\" \"$7\" &&"
	    " gpghome_gateway \"$6\" \"$7\"";
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", (char *)script,
		(char *)"sh", top, gw, rep, imp, weak, noagent, capstr, NULL };
	const char *p, *e;

	if (snprintf(tmp, sizeof(tmp), "/tmp/psirt-pgp.XXXXXX") < 0 ||
	    mkdtemp(tmp) == NULL)
		bail("mkdtemp");
	pjoin(gw, tmp, "gw");
	pjoin(rep, tmp, "rep");
	pjoin(imp, tmp, "imp");
	pjoin(weak, tmp, "weak");
	pjoin(noagent, tmp, "noagent");
	pjoin(gpglog, tmp, "gpg.log");
	snprintf(capstr, sizeof(capstr), "%lu", CAP);
	setenv("top_srcdir", top, 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (run(argv, NULL, 0, NULL) != 0)
		bail("tests/lib/gpghome.sh failed (see gpg.log with "
		    "PSIRT_TEST_KEEP=1)");
	printf("# setup: five GnuPG homes in %.0f ms\n", ms_since(&t0));

	/* weak: the gateway's home without any weak-digest line */
	buf_init(&conf, 65536);
	{
		char path[PATH_MAX];
		struct buf out;

		pjoin(path, weak, "gpg.conf");
		read_file(path, &conf);
		buf_init(&out, 65536);
		for (p = buf_cstr(&conf); *p != '\0'; p = e) {
			e = strchr(p, '\n');
			e = e != NULL ? e + 1 : p + strlen(p);
			if (strncmp(p, "weak-digest", 11) != 0)
				(void)buf_append(&out, p, (size_t)(e - p));
		}
		write_file(path, buf_cstr(&out), 0600);
		buf_free(&out);
		/* noagent: gpg cannot start its agent */
		pjoin(path, noagent, "gpg.conf");
		buf_reset(&conf);
		read_file(path, &conf);
		(void)buf_puts(&conf, "agent-program /bin/false\n");
		write_file(path, buf_cstr(&conf), 0600);
	}
	buf_free(&conf);
}

/* cleanup - stop the agents, remove the directory */
static void
cleanup(void)
{
	char *argv[] = { (char *)"/bin/rm", (char *)"-rf", tmp, NULL };
	const char *keep = getenv("PSIRT_TEST_KEEP");

	kill_agent(gw);
	kill_agent(rep);
	kill_agent(imp);
	kill_agent(weak);
	kill_agent(noagent);
	if (keep != NULL && *keep == '1') {
		printf("# kept %s\n", tmp);
		return;
	}
	(void)run(argv, NULL, 0, NULL);
}

/* ---- decryption ------------------------------------------------------ */

enum mutation {
	MUT_NONE,
	MUT_FLIP_END,		/* flip a byte 10 from the end (in the MDC) */
	MUT_FLIP_MID,		/* flip a byte in the middle */
	MUT_GARBAGE,		/* not OpenPGP at all */
	MUT_EMPTY,		/* no bytes */
	MUT_TWICE,		/* the message twice in one */
};

#define ENC_GW "--encrypt", "--recipient", "@TEST_GATEWAY_FPR"
#define FAKE_2020 "--faked-system-time", "20200601T000000!", \
	"--ignore-time-conflict", "--ignore-valid-from"

struct dcase {
	const char *name;
	const char *args[20];		/* gpg arguments making the input */
	enum mutation mut;
	enum enc_status ok;		/* the success word asked for */
	const char *from;		/* From addr-spec, or NULL */
	enum enc_status enc;
	enum sig_status sig;
	const char *fpr;		/* "@NAME" of the fpr, NULL: "" */
	int nrcpt;			/* failed-no-key: key IDs listed */
	const char *rcpt;		/* "@NAME" whose key ID is the first */
};

static const struct dcase dcases[] = {
	{ "encrypted to the gateway, armored, not signed",
	  { "--armor", ENC_GW }, MUT_NONE, ENC_PGP_MIME,
	  "alice@example.test", ENC_PGP_MIME, SIG_NONE, NULL, 0, NULL },
	{ "binary message, inline success word",
	  { ENC_GW }, MUT_NONE, ENC_INLINE,
	  NULL, ENC_INLINE, SIG_NONE, NULL, 0, NULL },
	{ "signed by Alice's signing subkey: primary fingerprint",
	  { "--sign", "--local-user", "@ALICE_SIGN_SUBKEY_FPR!", ENC_GW },
	  MUT_NONE, ENC_PGP_MIME,
	  "alice@example.test", ENC_PGP_MIME, SIG_GOOD, "@ALICE_FPR", 0, NULL },
	{ "signed by Alice's primary key",
	  { "--sign", "--local-user", "@ALICE_FPR!", ENC_GW },
	  MUT_NONE, ENC_PGP_MIME,
	  "alice@example.test", ENC_PGP_MIME, SIG_GOOD, "@ALICE_FPR", 0, NULL },
	{ "From is Alice's second user ID",
	  { "--sign", "--local-user", "@ALICE_FPR", ENC_GW },
	  MUT_NONE, ENC_PGP_MIME,
	  "alice@old.example.test", ENC_PGP_MIME, SIG_GOOD, "@ALICE_FPR", 0,
	  NULL },
	{ "From is Alice's revoked user ID",
	  { "--sign", "--local-user", "@ALICE_FPR", ENC_GW },
	  MUT_NONE, ENC_PGP_MIME,
	  "alice@gone.example.test", ENC_PGP_MIME, SIG_GOOD_UID_MISMATCH,
	  "@ALICE_FPR", 0, NULL },
	{ "From is someone else",
	  { "--sign", "--local-user", "@ALICE_FPR", ENC_GW },
	  MUT_NONE, ENC_PGP_MIME,
	  "bob@example.test", ENC_PGP_MIME, SIG_GOOD_UID_MISMATCH,
	  "@ALICE_FPR", 0, NULL },
	{ "From local part differs in case only",
	  { "--sign", "--local-user", "@ALICE_FPR", ENC_GW },
	  MUT_NONE, ENC_PGP_MIME,
	  "Alice@example.test", ENC_PGP_MIME, SIG_GOOD_UID_MISMATCH,
	  "@ALICE_FPR", 0, NULL },
	{ "From domain differs in case only",
	  { "--sign", "--local-user", "@ALICE_FPR", ENC_GW },
	  MUT_NONE, ENC_PGP_MIME,
	  "alice@EXAMPLE.Test", ENC_PGP_MIME, SIG_GOOD, "@ALICE_FPR", 0, NULL },
	{ "From is Alice's address with a suffix",
	  { "--sign", "--local-user", "@ALICE_FPR", ENC_GW },
	  MUT_NONE, ENC_PGP_MIME,
	  "alice@example.test.evil", ENC_PGP_MIME, SIG_GOOD_UID_MISMATCH,
	  "@ALICE_FPR", 0, NULL },
	{ "no single From address",
	  { "--sign", "--local-user", "@ALICE_FPR", ENC_GW },
	  MUT_NONE, ENC_PGP_MIME,
	  NULL, ENC_PGP_MIME, SIG_GOOD_UID_MISMATCH, "@ALICE_FPR", 0, NULL },
	{ "signed by a key the gateway does not have",
	  { "--sign", "--local-user", "@STRANGER_FPR", ENC_GW },
	  MUT_NONE, ENC_PGP_MIME,
	  "stranger@example.test", ENC_PGP_MIME, SIG_UNKNOWN_KEY, NULL, 0,
	  NULL },
	{ "signed by an expired key (in 2020, while it was valid)",
	  { FAKE_2020, "--sign", "--local-user", "@EXPIRED_FPR", ENC_GW },
	  MUT_NONE, ENC_PGP_MIME,
	  "expired@example.test", ENC_PGP_MIME, SIG_EXPIRED_KEY,
	  "@EXPIRED_FPR", 0, NULL },
	{ "signed by a revoked key",
	  { "--sign", "--local-user", "@REVOKED_FPR", ENC_GW },
	  MUT_NONE, ENC_PGP_MIME,
	  "revoked@example.test", ENC_PGP_MIME, SIG_REVOKED_KEY,
	  "@REVOKED_FPR", 0, NULL },
	{ "SHA-1 signature: weak-hash, never good",
	  { "--digest-algo", "SHA1", "--sign", "--local-user", "@RSA_FPR",
	    ENC_GW }, MUT_NONE, ENC_PGP_MIME,
	  "rsa@example.test", ENC_PGP_MIME, SIG_WEAK_HASH, "@RSA_FPR", 0,
	  NULL },
	{ "MD5 signature: weak-hash",
	  { "--allow-weak-digest-algos", "--digest-algo", "MD5", "--sign",
	    "--local-user", "@RSA_FPR", ENC_GW }, MUT_NONE, ENC_PGP_MIME,
	  "rsa@example.test", ENC_PGP_MIME, SIG_WEAK_HASH, "@RSA_FPR", 0,
	  NULL },
	{ "signed by Alice and a stranger: the worst wins",
	  { "--sign", "--local-user", "@ALICE_FPR", "--local-user",
	    "@STRANGER_FPR", ENC_GW }, MUT_NONE, ENC_PGP_MIME,
	  "alice@example.test", ENC_PGP_MIME, SIG_UNKNOWN_KEY, NULL, 0, NULL },
	{ "signed by Alice and a revoked key: the worst wins",
	  { "--sign", "--local-user", "@ALICE_FPR", "--local-user",
	    "@REVOKED_FPR", ENC_GW }, MUT_NONE, ENC_PGP_MIME,
	  "alice@example.test", ENC_PGP_MIME, SIG_REVOKED_KEY,
	  "@REVOKED_FPR", 0, NULL },
	{ "signed by a stranger and Alice: the worst wins in either order",
	  { "--sign", "--local-user", "@STRANGER_FPR", "--local-user",
	    "@ALICE_FPR", ENC_GW }, MUT_NONE, ENC_PGP_MIME,
	  "alice@example.test", ENC_PGP_MIME, SIG_UNKNOWN_KEY, NULL, 0, NULL },
	{ "signed by a revoked key and Alice: the worst wins in either order",
	  { "--sign", "--local-user", "@REVOKED_FPR", "--local-user",
	    "@ALICE_FPR", ENC_GW }, MUT_NONE, ENC_PGP_MIME,
	  "alice@example.test", ENC_PGP_MIME, SIG_REVOKED_KEY,
	  "@REVOKED_FPR", 0, NULL },
	{ "flipped byte in the MDC, all plaintext already out: no plaintext",
	  { "--compress-algo", "none", ENC_GW }, MUT_FLIP_END, ENC_PGP_MIME,
	  "alice@example.test", ENC_FAILED_CORRUPT, SIG_NONE, NULL, 0, NULL },
	{ "flipped byte in the middle of the ciphertext",
	  { "--sign", "--local-user", "@ALICE_FPR", ENC_GW }, MUT_FLIP_MID,
	  ENC_PGP_MIME,
	  "alice@example.test", ENC_FAILED_CORRUPT, SIG_NONE, NULL, 0, NULL },
	{ "no MDC (--rfc2440): failed-corrupt, no plaintext",
	  { "--rfc2440", "--compress-algo", "none", ENC_GW }, MUT_NONE,
	  ENC_PGP_MIME,
	  "alice@example.test", ENC_FAILED_CORRUPT, SIG_NONE, NULL, 0, NULL },
	{ "encrypted to a key the gateway does not hold",
	  { "--encrypt", "--recipient", "@STRANGER_FPR" }, MUT_NONE,
	  ENC_PGP_MIME,
	  "stranger@example.test", ENC_FAILED_NO_KEY, SIG_NONE, NULL, 1,
	  "@STRANGER_ENCR_SUBKEY_FPR" },
	{ "encrypted to two keys, neither the gateway's",
	  { "--encrypt", "--recipient", "@STRANGER_FPR", "--recipient",
	    "@ALICE_FPR" }, MUT_NONE, ENC_PGP_MIME,
	  "stranger@example.test", ENC_FAILED_NO_KEY, SIG_NONE, NULL, 2,
	  "@STRANGER_ENCR_SUBKEY_FPR" },
	{ "encrypted to a stranger and to the gateway",
	  { "--encrypt", "--recipient", "@STRANGER_FPR", "--recipient",
	    "@TEST_GATEWAY_FPR" }, MUT_NONE, ENC_PGP_MIME,
	  "stranger@example.test", ENC_PGP_MIME, SIG_NONE, NULL, 0, NULL },
	{ "encrypted to a passphrase only",
	  { "--passphrase", "secret", "--symmetric" }, MUT_NONE, ENC_PGP_MIME,
	  NULL, ENC_FAILED_NO_KEY, SIG_NONE, NULL, 0, NULL },
	{ "not OpenPGP at all", { ENC_GW }, MUT_GARBAGE, ENC_PGP_MIME,
	  NULL, ENC_FAILED_CORRUPT, SIG_NONE, NULL, 0, NULL },
	{ "empty input", { ENC_GW }, MUT_EMPTY, ENC_PGP_MIME,
	  NULL, ENC_FAILED_CORRUPT, SIG_NONE, NULL, 0, NULL },
	{ "signed but not encrypted: not a decryption",
	  { "--sign", "--local-user", "@ALICE_FPR" }, MUT_NONE, ENC_PGP_MIME,
	  "alice@example.test", ENC_FAILED_CORRUPT, SIG_NONE, NULL, 0, NULL },
	{ "two encrypted messages in one: not joined",
	  { ENC_GW }, MUT_TWICE, ENC_PGP_MIME,
	  NULL, ENC_FAILED_CORRUPT, SIG_NONE, NULL, 0, NULL },
	{ "literal file name with a fake status line and ESC",
	  { "--set-filename",
	    "x\n[GNUPG:] GOODSIG E9BC69F531B93583 Alice\n\033[2J\033]0;t\007",
	    ENC_GW }, MUT_NONE, ENC_PGP_MIME,
	  "alice@example.test", ENC_PGP_MIME, SIG_NONE, NULL, 0, NULL },
	{ "fake status line in the file name, signed by a stranger",
	  { "--set-filename",
	    "x\n[GNUPG:] GOODSIG E9BC69F531B93583 Alice\n[GNUPG:] VALIDSIG",
	    "--sign", "--local-user", "@STRANGER_FPR", ENC_GW }, MUT_NONE,
	  ENC_PGP_MIME,
	  "alice@example.test", ENC_PGP_MIME, SIG_UNKNOWN_KEY, NULL, 0, NULL },
};

/* mutate - apply a mutation to gpg's output */
static void
mutate(struct buf *b, enum mutation m)
{
	static const char garbage[] =
	    "-----BEGIN PGP MESSAGE-----\n\nbm90IGFuIE9wZW5QR1AgbWVzc2FnZQ==\n"
	    "-----END PGP MESSAGE-----\n";
	struct buf copy;

	switch (m) {
	case MUT_NONE:
		break;
	case MUT_FLIP_END:
		if (b->len > 10)
			b->data[b->len - 10] ^= 0x01;
		break;
	case MUT_FLIP_MID:
		if (b->len > 0)
			b->data[b->len / 2 + 20 < b->len ? b->len / 2 + 20 :
			    b->len / 2] ^= 0x80;
		break;
	case MUT_GARBAGE:
		buf_reset(b);
		(void)buf_puts(b, garbage);
		break;
	case MUT_EMPTY:
		buf_reset(b);
		break;
	case MUT_TWICE:
		buf_init(&copy, b->len + 1);
		(void)buf_append(&copy, b->data, b->len);
		(void)buf_append(b, copy.data, copy.len);
		buf_free(&copy);
		break;
	}
}

/* plain_gone - no plaintext returned */
static int
plain_gone(const struct pgp_decrypt *d)
{
	return d->plain.len == 0 && d->plain.data == NULL;
}

/* test_decrypt_table - every row of dcases */
static void
test_decrypt_table(void)
{
	const struct dcase *c;
	struct pgp_decrypt d;
	struct timespec t0;
	struct buf in;
	char *error = NULL;
	size_t i;
	int rc;

	for (i = 0; i < PSIRT_NELEM(dcases); i++) {
		c = &dcases[i];
		buf_init(&in, 1024 * 1024);
		rc = gpg_make(rep, c->args, plaintext, sizeof(plaintext) - 1,
		    &in);
		if (rc != 0 || in.len == 0) {
			TAP_OK(0, "%s: gpg made the input (exit %d)", c->name,
			    rc);
			buf_free(&in);
			continue;
		}
		mutate(&in, c->mut);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = pgp_decrypt_verify(pgp, in.data, in.len, c->ok, c->from,
		    CAP, &d, &error);
		printf("# %s: %.1f ms\n", c->name, ms_since(&t0));
		TAP_LONG_EQ(rc, 0, c->name);
		if (rc != 0) {
			printf("# error: %s\n", error);
			free(error);
			error = NULL;
		}
		TAP_STR_EQ(enc_status_to_str(d.enc), enc_status_to_str(c->enc),
		    c->name);
		TAP_STR_EQ(sig_status_to_str(d.verify.sig),
		    sig_status_to_str(c->sig), c->name);
		TAP_STR_EQ(d.verify.fpr, want_fpr(c->fpr), c->name);
		if (c->enc == c->ok)
			TAP_OK(d.plain.len == sizeof(plaintext) - 1 &&
			    memcmp(d.plain.data, plaintext, d.plain.len) == 0,
			    "%s: the plaintext", c->name);
		else
			TAP_OK(plain_gone(&d), "%s: no plaintext returned",
			    c->name);
		TAP_LONG_EQ(d.nrecipients, c->nrcpt, c->name);
		if (c->rcpt != NULL && d.nrecipients > 0)
			TAP_STR_EQ(d.recipients[0], fp(c->rcpt) +
			    strlen(fp(c->rcpt)) - PGP_KEYID_LEN, c->name);
		pgp_decrypt_free(&d);
		buf_free(&in);
	}
}

/* test_decrypt_limits - max_decrypted_size exactly, one over, the bomb */
static void
test_decrypt_limits(void)
{
	static const char *const args[] = { ENC_GW, NULL };
	char big[1001], path[PATH_MAX], *error = NULL;
	struct pgp_decrypt d;
	struct rusage ru0, ru1;
	struct timespec t0;
	struct buf in;
	double ms;
	int rc;

	memset(big, 'x', sizeof(big));
	buf_init(&in, 1024 * 1024);
	if (gpg_make(rep, args, big, 1000, &in) != 0)
		bail("gpg: 1000-byte message");
	rc = pgp_decrypt_verify(pgp, in.data, in.len, ENC_PGP_MIME, NULL,
	    1000, &d, &error);
	TAP_LONG_EQ(rc, 0, "plaintext exactly max_decrypted_size");
	TAP_STR_EQ(enc_status_to_str(d.enc), "pgp-mime",
	    "plaintext exactly max_decrypted_size is decrypted");
	TAP_LONG_EQ(d.plain.len, 1000,
	    "plaintext exactly max_decrypted_size: all of it");
	pgp_decrypt_free(&d);
	rc = pgp_decrypt_verify(pgp, in.data, in.len, ENC_PGP_MIME, NULL,
	    999, &d, &error);
	TAP_LONG_EQ(rc, 0, "plaintext one byte over max_decrypted_size");
	TAP_STR_EQ(enc_status_to_str(d.enc), "failed-limit",
	    "plaintext one byte over max_decrypted_size");
	TAP_OK(plain_gone(&d), "one byte over: no plaintext returned");
	pgp_decrypt_free(&d);
	buf_free(&in);

	/* The bomb: about 2 KB armored, 1 GiB of zeros inside. */
	buf_init(&in, 1024 * 1024);
	pjoin(path, top, "tests/data/bzip2-bomb-1g.asc");
	read_file(path, &in);
	getrusage(RUSAGE_SELF, &ru0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = pgp_decrypt_verify(pgp, in.data, in.len, ENC_PGP_MIME, NULL,
	    CAP, &d, &error);
	ms = ms_since(&t0);
	getrusage(RUSAGE_SELF, &ru1);
	printf("# bzip2 bomb (%zu bytes in, 1 GiB inside): %.1f ms, "
	    "max RSS %ld -> %ld KiB\n", in.len, ms, ru0.ru_maxrss,
	    ru1.ru_maxrss);
	TAP_LONG_EQ(rc, 0, "1 GiB bzip2 bomb");
	TAP_STR_EQ(enc_status_to_str(d.enc), "failed-limit",
	    "1 GiB bzip2 bomb ends in failed-limit");
	TAP_OK(plain_gone(&d), "1 GiB bzip2 bomb: no plaintext returned");
	TAP_OK(ms < 5000 * tap_slow(), "1 GiB bzip2 bomb stopped within %g s"
	    " (%.0f ms)", 5 * tap_slow(), ms);
	TAP_OK(ru1.ru_maxrss - ru0.ru_maxrss < 64 * 1024,
	    "1 GiB bzip2 bomb: memory grew by less than 64 MiB (%ld KiB)",
	    ru1.ru_maxrss - ru0.ru_maxrss);
	pgp_decrypt_free(&d);
	buf_free(&in);
}

/* test_decrypt_trouble - gpg-agent cannot start: the gateway's trouble */
static void
test_decrypt_trouble(void)
{
	static const char *const args[] = { ENC_GW, NULL };
	struct pgp_decrypt d;
	struct buf in;
	char *error = NULL;
	int rc;

	buf_init(&in, 1024 * 1024);
	if (gpg_make(rep, args, plaintext, sizeof(plaintext) - 1, &in) != 0)
		bail("gpg: message for the no-agent case");
	use_home(noagent);
	rc = pgp_decrypt_verify(pgp, in.data, in.len, ENC_PGP_MIME, NULL,
	    CAP, &d, &error);
	use_home(gw);
	TAP_LONG_EQ(rc, -1,
	    "gpg-agent cannot start: -1 (tempfail), not failed-no-key");
	TAP_OK(error != NULL && *error != '\0', "gpg-agent cannot start: "
	    "error_r says why (%s)", error != NULL ? error : "");
	TAP_OK(plain_gone(&d), "gpg-agent cannot start: no plaintext");
	free(error);
	pgp_decrypt_free(&d);
	buf_free(&in);
}

/*
 * in_worker - decrypt in a child with the worker's limits (no file
 * writes, SIGXFSZ ignored, 64 descriptors); the exit status says how it
 * went: 0 decrypted with a good signature, 1 trouble (-1), 2 another
 * status, 3 wrong plaintext, 9 the child itself failed
 */
static int
in_worker(const struct buf *in)
{
	struct pgp_decrypt d;
	struct rlimit rl;
	char *error = NULL;
	int status, rc;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) < 0)
		bail("fork");
	if (pid == 0) {
		rl.rlim_cur = rl.rlim_max = 0;
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
			_exit(9);
		rl.rlim_cur = rl.rlim_max = 64;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			_exit(9);
		signal(SIGXFSZ, SIG_IGN);
		rc = pgp_decrypt_verify(pgp, in->data, in->len, ENC_PGP_MIME,
		    "alice@example.test", CAP, &d, &error);
		if (rc != 0)
			_exit(1);
		if (d.enc != ENC_PGP_MIME || d.verify.sig != SIG_GOOD)
			_exit(2);
		if (d.plain.len != sizeof(plaintext) - 1 ||
		    memcmp(d.plain.data, plaintext, d.plain.len) != 0)
			_exit(3);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			bail("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

/* test_ready_and_worker - pgp_ready(), and decryption under the limits */
static void
test_ready_and_worker(void)
{
	static const char *const args[] = { "--sign", "--local-user",
		"@ALICE_FPR", ENC_GW, NULL };
	char *error = NULL;
	struct buf in;

	buf_init(&in, 1024 * 1024);
	if (gpg_make(rep, args, plaintext, sizeof(plaintext) - 1, &in) != 0)
		bail("gpg: message for the worker cases");

	kill_agent(gw);
	TAP_LONG_EQ(pgp_ready(pgp, &error), 0,
	    "pgp_ready: the gateway's home (starts gpg-agent)");
	free(error);
	error = NULL;
	/* valgrind itself cannot run under the worker's file limits */
	if (tap_under_valgrind()) {
		tap_skip("worker limits after pgp_ready", "under valgrind");
		kill_agent(gw);
		tap_skip("worker limits, gpg-agent not started",
		    "under valgrind");
	} else {
		TAP_LONG_EQ(in_worker(&in), 0, "worker limits (no file writes, "
		    "SIGXFSZ ignored) after pgp_ready: decrypted, good "
		    "signature");
		kill_agent(gw);
		TAP_LONG_EQ(in_worker(&in), 1, "worker limits, gpg-agent not "
		    "started before: -1 (tempfail), not failed-no-key");
	}
	TAP_LONG_EQ(pgp_ready(pgp, &error), 0, "pgp_ready again");
	free(error);
	error = NULL;

	use_home(noagent);
	TAP_LONG_EQ(pgp_ready(pgp, &error), -1,
	    "pgp_ready: gpg-agent cannot start");
	TAP_OK(error != NULL, "pgp_ready: error_r says why (%s)",
	    error != NULL ? error : "");
	free(error);
	error = NULL;
	use_home(gw);
	buf_free(&in);
}

/* ---- detached and cleartext signatures ------------------------------- */

struct vcase {
	const char *name;
	const char *args[12];		/* gpg arguments making the signature */
	int mut;			/* 1 flip the data, 2 garbage signature,
					 * 3 empty signature */
	const char *home;		/* NULL: the gateway's */
	const char *from;
	enum sig_status sig;
	const char *fpr;
};

#define DETACH "--armor", "--detach-sign"

static const struct vcase vcases[] = {
	{ "detached: good", { DETACH, "--local-user", "@ALICE_FPR" }, 0,
	  NULL, "alice@example.test", SIG_GOOD, "@ALICE_FPR" },
	{ "detached: by the signing subkey",
	  { DETACH, "--local-user", "@ALICE_SIGN_SUBKEY_FPR!" }, 0,
	  NULL, "alice@example.test", SIG_GOOD, "@ALICE_FPR" },
	{ "detached: uid mismatch", { DETACH, "--local-user", "@ALICE_FPR" },
	  0, NULL, "mallory@example.test", SIG_GOOD_UID_MISMATCH,
	  "@ALICE_FPR" },
	{ "detached: one flipped byte in the signed text",
	  { DETACH, "--local-user", "@ALICE_FPR" }, 1,
	  NULL, "alice@example.test", SIG_BAD, NULL },
	{ "detached: garbage signature",
	  { DETACH, "--local-user", "@ALICE_FPR" }, 2,
	  NULL, "alice@example.test", SIG_BAD, NULL },
	{ "detached: empty signature",
	  { DETACH, "--local-user", "@ALICE_FPR" }, 3,
	  NULL, "alice@example.test", SIG_BAD, NULL },
	{ "detached: unknown key", { DETACH, "--local-user", "@STRANGER_FPR" },
	  0, NULL, "stranger@example.test", SIG_UNKNOWN_KEY, NULL },
	{ "detached: expired key",
	  { FAKE_2020, DETACH, "--local-user", "@EXPIRED_FPR" }, 0,
	  NULL, "expired@example.test", SIG_EXPIRED_KEY, "@EXPIRED_FPR" },
	{ "detached: revoked key", { DETACH, "--local-user", "@REVOKED_FPR" },
	  0, NULL, "revoked@example.test", SIG_REVOKED_KEY, "@REVOKED_FPR" },
	{ "detached: SHA-1",
	  { "--digest-algo", "SHA1", DETACH, "--local-user", "@RSA_FPR" }, 0,
	  NULL, "rsa@example.test", SIG_WEAK_HASH, "@RSA_FPR" },
	{ "detached: SHA-1 with no weak-digest in gpg.conf (gpg says good)",
	  { "--digest-algo", "SHA1", DETACH, "--local-user", "@RSA_FPR" }, 0,
	  weak, "rsa@example.test", SIG_WEAK_HASH, "@RSA_FPR" },
	{ "detached: SHA-256 by RSA is good",
	  { "--digest-algo", "SHA256", DETACH, "--local-user", "@RSA_FPR" }, 0,
	  NULL, "rsa@example.test", SIG_GOOD, "@RSA_FPR" },
};

/* test_verify_detached - every row of vcases */
static void
test_verify_detached(void)
{
	const struct vcase *c;
	struct pgp_verify v;
	struct buf sig, data;
	char *error = NULL;
	size_t i;
	int rc;

	for (i = 0; i < PSIRT_NELEM(vcases); i++) {
		c = &vcases[i];
		buf_init(&sig, 65536);
		buf_init(&data, 65536);
		(void)buf_puts(&data, plaintext);
		if ((rc = gpg_make(rep, c->args, data.data, data.len, &sig))
		    != 0) {
			TAP_OK(0, "%s: gpg made the signature (exit %d)",
			    c->name, rc);
			buf_free(&sig);
			buf_free(&data);
			continue;
		}
		if (c->mut == 1)
			data.data[10] ^= 0x20;
		else if (c->mut == 2) {
			buf_reset(&sig);
			(void)buf_puts(&sig, "-----BEGIN PGP SIGNATURE-----\n\n"
			    "AAAA\n-----END PGP SIGNATURE-----\n");
		} else if (c->mut == 3)
			buf_reset(&sig);
		if (c->home != NULL)
			use_home(c->home);
		rc = pgp_verify_detached(pgp, data.data, data.len, sig.data,
		    sig.len, c->from, &v, &error);
		if (c->home != NULL)
			use_home(gw);
		TAP_LONG_EQ(rc, 0, c->name);
		if (rc != 0) {
			printf("# error: %s\n", error);
			free(error);
			error = NULL;
		}
		TAP_STR_EQ(sig_status_to_str(v.sig), sig_status_to_str(c->sig),
		    c->name);
		TAP_STR_EQ(v.fpr, want_fpr(c->fpr), c->name);
		buf_free(&sig);
		buf_free(&data);
	}
}

struct ccase {
	const char *name;
	const char *args[8];		/* gpg arguments */
	const char *before, *after;	/* around the signed block */
	int twice;			/* the signed block twice */
	int flip;			/* flip a byte of the signed text */
	size_t max;			/* 0: CAP */
	enum sig_status sig;
	int outside, limit;
	int text;			/* the signed text is returned */
};

static const struct ccase ccases[] = {
	{ "cleartext: good, nothing around",
	  { "--clearsign", "--local-user", "@ALICE_FPR" }, "", "", 0, 0, 0,
	  SIG_GOOD, 0, 0, 1 },
	{ "cleartext: only white space around",
	  { "--clearsign", "--local-user", "@ALICE_FPR" }, "\n \n", "\n\t\n",
	  0, 0, 0, SIG_GOOD, 0, 0, 1 },
	{ "cleartext: unsigned text before",
	  { "--clearsign", "--local-user", "@ALICE_FPR" },
	  "Please also read this:\n", "", 0, 0, 0, SIG_GOOD, 1, 0, 1 },
	{ "cleartext: unsigned text after",
	  { "--clearsign", "--local-user", "@ALICE_FPR" },
	  "", "P.S. wire the money\n", 0, 0, 0, SIG_GOOD, 1, 0, 1 },
	{ "cleartext: two signed blocks (gpg refuses two plaintexts: bad)",
	  { "--clearsign", "--local-user", "@ALICE_FPR" }, "", "", 1, 0, 0,
	  SIG_BAD, 1, 0, 0 },
	{ "cleartext: tampered text is bad, no text",
	  { "--clearsign", "--local-user", "@ALICE_FPR" }, "", "", 0, 1, 0,
	  SIG_BAD, 0, 0, 0 },
	{ "cleartext: unknown key",
	  { "--clearsign", "--local-user", "@STRANGER_FPR" }, "", "", 0, 0, 0,
	  SIG_UNKNOWN_KEY, 0, 0, 1 },
	{ "cleartext: SHA-1",
	  { "--digest-algo", "SHA1", "--clearsign", "--local-user",
	    "@RSA_FPR" }, "", "", 0, 0, 0, SIG_WEAK_HASH, 0, 0, 1 },
	{ "signed PGP MESSAGE (not cleartext)",
	  { "--armor", "--sign", "--local-user", "@ALICE_FPR" }, "", "", 0,
	  0, 0, SIG_GOOD, 0, 0, 1 },
	{ "cleartext: signed text one byte over max_size",
	  { "--clearsign", "--local-user", "@ALICE_FPR" }, "", "", 0, 0,
	  sizeof(plaintext) - 2, SIG_NONE, 0, 1, 0 },
};

/* test_verify_cleartext - every row of ccases */
static void
test_verify_cleartext(void)
{
	const struct ccase *c;
	struct pgp_cleartext ct;
	struct buf sig, in;
	char *error = NULL;
	const char *p;
	size_t i;
	int rc;

	for (i = 0; i < PSIRT_NELEM(ccases); i++) {
		c = &ccases[i];
		buf_init(&sig, 65536);
		buf_init(&in, 65536);
		if ((rc = gpg_make(rep, c->args, plaintext,
		    sizeof(plaintext) - 1, &sig)) != 0) {
			TAP_OK(0, "%s: gpg made the input (exit %d)", c->name,
			    rc);
			buf_free(&sig);
			buf_free(&in);
			continue;
		}
		if (c->flip && (p = strstr(buf_cstr(&sig), "frobnicator"))
		    != NULL)
			sig.data[p - (const char *)sig.data] = 'F';
		(void)buf_puts(&in, c->before);
		(void)buf_append(&in, sig.data, sig.len);
		if (c->twice)
			(void)buf_append(&in, sig.data, sig.len);
		(void)buf_puts(&in, c->after);
		rc = pgp_verify_cleartext(pgp, in.data, in.len,
		    "alice@example.test", c->max ? c->max : CAP, &ct, &error);
		TAP_LONG_EQ(rc, 0, c->name);
		if (rc != 0) {
			printf("# error: %s\n", error);
			free(error);
			error = NULL;
		}
		TAP_STR_EQ(sig_status_to_str(ct.verify.sig),
		    sig_status_to_str(c->sig), c->name);
		TAP_LONG_EQ(ct.outside, c->outside, c->name);
		TAP_LONG_EQ(ct.limit, c->limit, c->name);
		if (c->text)
			TAP_STR_EQ(buf_cstr(&ct.text), plaintext, c->name);
		else
			TAP_OK(ct.text.len == 0, "%s: no text", c->name);
		pgp_cleartext_free(&ct);
		buf_free(&sig);
		buf_free(&in);
	}
}

/* ---- key import -------------------------------------------------------- */

/* key_file - keys/NAME into out */
static void
key_file(const char *name, struct buf *out)
{
	char path[PATH_MAX], rel[128];

	snprintf(rel, sizeof(rel), "keys/%s", name);
	pjoin(path, top, rel);
	read_file(path, out);
}

struct icase {
	const char *name;
	const char *files[3];		/* keys/ files, concatenated */
	int size_delta;			/* 1: max_size = len, -1: len - 1 */
	unsigned long max_keys, max_uids, max_subkeys, max_bits; /* 0: dflt */
	const char *refused;
	const char *fpr[2];		/* "@NAME" imported */
};

static const struct icase icases[] = {
	{ "import: a new reporter key", { "test-stranger.pub.asc" }, 0,
	  0, 0, 0, 0, NULL, { "@STRANGER_FPR" } },
	{ "import: the same key again (unchanged) is still returned",
	  { "test-stranger.pub.asc" }, 0, 0, 0, 0, 0, NULL,
	  { "@STRANGER_FPR" } },
	{ "import: key data exactly max_size", { "test-alice.pub.asc" }, 1,
	  0, 0, 0, 0, NULL, { "@ALICE_FPR" } },
	{ "import: key data one byte over max_size",
	  { "test-alice.pub.asc" }, -1, 0, 0, 0, 0, "too-large", { NULL } },
	{ "import: a secret key is refused", { "test-stranger.sec.asc" }, 0,
	  0, 0, 0, 0, "secret-key", { NULL } },
	{ "import: user IDs exactly max_uids (3, one revoked)",
	  { "test-alice.pub.asc" }, 0, 0, 3, 0, 0, NULL, { "@ALICE_FPR" } },
	{ "import: user IDs one over max_uids",
	  { "test-alice.pub.asc" }, 0, 0, 2, 0, 0, "too-many-uids", { NULL } },
	{ "import: subkeys exactly max_subkeys", { "test-alice.pub.asc" }, 0,
	  0, 0, 2, 0, NULL, { "@ALICE_FPR" } },
	{ "import: subkeys one over max_subkeys", { "test-alice.pub.asc" },
	  0, 0, 0, 1, 0, "too-many-subkeys", { NULL } },
	{ "import: RSA 2048 with max_bits 2048", { "test-rsa.pub.asc" }, 0,
	  0, 0, 0, 2048, NULL, { "@RSA_FPR" } },
	{ "import: RSA 2048 with max_bits 2047", { "test-rsa.pub.asc" }, 0,
	  0, 0, 0, 2047, "key-too-large", { NULL } },
	{ "import: two keys with max_keys 2",
	  { "test-rsa.pub.asc", "test-alice.pub.asc" }, 0, 2, 0, 0, 0, NULL,
	  { "@RSA_FPR", "@ALICE_FPR" } },
	{ "import: two keys with max_keys 1 are refused whole",
	  { "test-rsa.pub.asc", "test-alice.pub.asc" }, 0, 1, 0, 0, 0,
	  "too-many-keys", { NULL } },
	{ "import: not a key", { "README" }, 0, 0, 0, 0, 0, "no-key",
	  { NULL } },
};

/* test_import - every row of icases, in the import home */
static void
test_import(void)
{
	const struct icase *c;
	struct pgp_import_limits lim;
	struct pgp_import imp_r;
	struct pgp_verify v;
	struct buf in, sig;
	char *error = NULL;
	size_t i, j, nwant;
	int rc;
	static const char *const sargs[] = { DETACH, "--local-user",
		"@STRANGER_FPR", NULL };

	use_home(imp);
	for (i = 0; i < PSIRT_NELEM(icases); i++) {
		c = &icases[i];
		buf_init(&in, 1024 * 1024);
		for (j = 0; j < 3 && c->files[j] != NULL; j++)
			key_file(c->files[j], &in);
		pgp_import_limits_default(&lim);
		if (c->size_delta == 1)
			lim.max_size = in.len;
		else if (c->size_delta == -1)
			lim.max_size = in.len - 1;
		if (c->max_keys)
			lim.max_keys = c->max_keys;
		if (c->max_uids)
			lim.max_uids = c->max_uids;
		if (c->max_subkeys)
			lim.max_subkeys = c->max_subkeys;
		if (c->max_bits)
			lim.max_bits = c->max_bits;
		rc = pgp_import_key(pgp, in.data, in.len, &lim, &imp_r,
		    &error);
		TAP_LONG_EQ(rc, 0, c->name);
		if (rc != 0) {
			printf("# error: %s\n", error);
			free(error);
			error = NULL;
		}
		TAP_STR_EQ(imp_r.refused, c->refused, c->name);
		for (nwant = 0; nwant < 2 && c->fpr[nwant] != NULL; nwant++)
			;
		TAP_LONG_EQ(imp_r.nfpr, nwant, c->name);
		for (j = 0; j < nwant && j < imp_r.nfpr; j++)
			TAP_STR_EQ(imp_r.fpr[j], fp(c->fpr[j]), c->name);
		buf_free(&in);
	}
	/* Binary key data (as in an Autocrypt: header) imports too. */
	{
		static const char *const exp[] = { "--export", "@RSA_FPR",
			NULL };

		buf_init(&in, 1024 * 1024);
		if (gpg_make(rep, exp, NULL, 0, &in) != 0)
			bail("gpg: binary export");
		pgp_import_limits_default(&lim);
		rc = pgp_import_key(pgp, in.data, in.len, &lim, &imp_r,
		    &error);
		TAP_OK(rc == 0 && imp_r.refused == NULL && imp_r.nfpr == 1 &&
		    strcmp(imp_r.fpr[0], fp("RSA_FPR")) == 0,
		    "import: binary key data");
		buf_free(&in);
	}
	/* The imported key now verifies. */
	buf_init(&sig, 65536);
	if (gpg_make(rep, sargs, plaintext, sizeof(plaintext) - 1, &sig) != 0)
		bail("gpg: stranger signature");
	rc = pgp_verify_detached(pgp, (const unsigned char *)plaintext,
	    sizeof(plaintext) - 1, sig.data, sig.len, "stranger@example.test",
	    &v, &error);
	TAP_STR_EQ(sig_status_to_str(v.sig), "good",
	    "import: a signature by the imported key is good");
	buf_free(&sig);
	use_home(gw);
}

/*
 * test_import_minimal - a third-party certification does not survive the
 * import (import-options import-minimal in the gateway's gpg.conf)
 */
static void
test_import_minimal(void)
{
	static const char *const certify[] = { "--default-key", "@ALICE_FPR",
		"--quick-sign-key", "@RSA_FPR", NULL };
	static const char *const export[] = { "--armor", "--export",
		"@RSA_FPR", NULL };
	static const char *const sigs[] = { "--with-colons", "--list-sigs",
		"@RSA_FPR", NULL };
	struct pgp_import_limits lim;
	struct pgp_import imp_r;
	struct buf key, list;
	char *error = NULL, alice_keyid[PGP_KEYID_LEN + 1];
	int rc;

	buf_init(&key, 1024 * 1024);
	buf_init(&list, 1024 * 1024);
	if (gpg_make(rep, certify, NULL, 0, NULL) != 0 ||
	    gpg_make(rep, export, NULL, 0, &key) != 0 ||
	    gpg_make(rep, sigs, NULL, 0, &list) != 0)
		bail("gpg: certify the RSA key with Alice's");
	memcpy(alice_keyid, fp("ALICE_FPR") + 24, PGP_KEYID_LEN + 1);
	TAP_OK(strstr(buf_cstr(&list), alice_keyid) != NULL,
	    "import-minimal: the exported key carries Alice's certification");
	use_home(imp);
	pgp_import_limits_default(&lim);
	rc = pgp_import_key(pgp, key.data, key.len, &lim, &imp_r, &error);
	TAP_OK(rc == 0 && imp_r.refused == NULL && imp_r.nfpr == 1,
	    "import-minimal: the certified key is imported");
	buf_reset(&list);
	if (gpg_make(imp, sigs, NULL, 0, &list) != 0)
		bail("gpg: list the imported key's signatures");
	TAP_OK(strstr(buf_cstr(&list), alice_keyid) == NULL,
	    "import-minimal: the third-party certification is dropped");
	use_home(gw);
	free(error);
	buf_free(&key);
	buf_free(&list);
}

/* ---- acknowledgements -------------------------------------------------- */

/* test_sign_encrypt - acknowledgements, checked from the reporter's side */
static void
test_sign_encrypt(void)
{
	static const char ack[] = "Content-Type: text/plain\n\nReceived.\n";
	struct pgp_decrypt d;
	struct pgp_verify v;
	struct buf out;
	const char *micalg = NULL;
	char *error = NULL;
	int rc;

	buf_init(&out, 1024 * 1024);
	rc = pgp_sign_encrypt(pgp, fp("TEST_GATEWAY_FPR"), fp("ALICE_FPR"),
	    (const unsigned char *)ack, sizeof(ack) - 1, &out, &micalg, &error);
	TAP_LONG_EQ(rc, 0, "ack: signed and encrypted to Alice");
	TAP_OK(strncmp(buf_cstr(&out), "-----BEGIN PGP MESSAGE-----", 27) == 0,
	    "ack: armored");
	TAP_OK(micalg == NULL, "ack: no micalg when encrypted");
	use_home(rep);
	rc = pgp_decrypt_verify(pgp, out.data, out.len, ENC_PGP_MIME,
	    "gateway@example.test", CAP, &d, &error);
	TAP_LONG_EQ(rc, 0, "ack: Alice decrypts it");
	TAP_STR_EQ(enc_status_to_str(d.enc), "pgp-mime", "ack: decrypted");
	TAP_STR_EQ(sig_status_to_str(d.verify.sig), "good",
	    "ack: signed by the gateway");
	TAP_STR_EQ(d.verify.fpr, fp("TEST_GATEWAY_FPR"),
	    "ack: the gateway's fingerprint");
	TAP_OK(d.plain.len == sizeof(ack) - 1 &&
	    memcmp(d.plain.data, ack, d.plain.len) == 0, "ack: the text");
	pgp_decrypt_free(&d);
	use_home(gw);

	buf_reset(&out);
	rc = pgp_sign_encrypt(pgp, fp("TEST_GATEWAY_FPR"), NULL,
	    (const unsigned char *)ack, sizeof(ack) - 1, &out, &micalg, &error);
	TAP_LONG_EQ(rc, 0, "ack: signed only");
	TAP_OK(micalg != NULL && strncmp(micalg, "pgp-sha", 7) == 0,
	    "ack: micalg %s", micalg != NULL ? micalg : "(null)");
	TAP_OK(strncmp(buf_cstr(&out), "-----BEGIN PGP SIGNATURE-----", 29)
	    == 0, "ack: armored detached signature");
	use_home(rep);
	rc = pgp_verify_detached(pgp, (const unsigned char *)ack,
	    sizeof(ack) - 1, out.data, out.len, "gateway@example.test", &v,
	    &error);
	TAP_STR_EQ(sig_status_to_str(v.sig), "good",
	    "ack: the detached signature is good");
	TAP_STR_EQ(v.fpr, fp("TEST_GATEWAY_FPR"),
	    "ack: detached, the gateway's fingerprint");
	use_home(gw);

	buf_reset(&out);
	TAP_LONG_EQ(pgp_sign_encrypt(pgp, fp("TEST_GATEWAY_FPR"),
	    fp("REVOKED_FPR"), (const unsigned char *)ack, sizeof(ack) - 1,
	    &out, NULL, &error), PGP_RECIPIENT_UNUSABLE,
	    "ack: revoked recipient key is unusable");
	TAP_LONG_EQ(pgp_sign_encrypt(pgp, fp("TEST_GATEWAY_FPR"),
	    fp("EXPIRED_FPR"), (const unsigned char *)ack, sizeof(ack) - 1,
	    &out, NULL, &error), PGP_RECIPIENT_UNUSABLE,
	    "ack: expired recipient key is unusable");
	TAP_LONG_EQ(pgp_sign_encrypt(pgp, fp("TEST_GATEWAY_FPR"),
	    fp("STRANGER_FPR"), (const unsigned char *)ack, sizeof(ack) - 1,
	    &out, NULL, &error), PGP_RECIPIENT_UNUSABLE,
	    "ack: recipient key not in the keyring is unusable");
	TAP_LONG_EQ(pgp_sign_encrypt(pgp, fp("TEST_GATEWAY_FPR"),
	    "alice@example.test", (const unsigned char *)ack, sizeof(ack) - 1,
	    &out, NULL, &error), PGP_RECIPIENT_UNUSABLE,
	    "ack: a recipient that is not a fingerprint is unusable");
	TAP_LONG_EQ(out.len, 0, "ack: nothing written for unusable keys");
	rc = pgp_sign_encrypt(pgp, fp("ALICE_FPR"), fp("ALICE_FPR"),
	    (const unsigned char *)ack, sizeof(ack) - 1, &out, NULL, &error);
	TAP_LONG_EQ(rc, -1, "ack: signer without a secret key is trouble");
	TAP_OK(error != NULL, "ack: signer without a secret key: error_r");
	free(error);
	error = NULL;
	buf_free(&out);
	buf_init(&out, 100);
	rc = pgp_sign_encrypt(pgp, fp("TEST_GATEWAY_FPR"), fp("ALICE_FPR"),
	    (const unsigned char *)ack, sizeof(ack) - 1, &out, NULL, &error);
	TAP_LONG_EQ(rc, -1, "ack: output over the caller's cap is trouble");
	free(error);
	buf_free(&out);
}

/* ---- gpg.conf ---------------------------------------------------------- */

/* conf_case - write a fresh home, damage it with fn, check it */
static void
conf_case(const char *name, int (*fn)(const char *home), int want_ok)
{
	static int n;
	char home[PATH_MAX], sub[32], *error = NULL;
	int rc;

	snprintf(sub, sizeof(sub), "conf%d", n++);
	pjoin(home, tmp, sub);
	if (pgp_write_gpg_conf(home, CAP, &error) != 0) {
		TAP_OK(0, "%s: pgp_write_gpg_conf (%s)", name, error);
		free(error);
		return;
	}
	if (fn != NULL && fn(home) != 0)
		bail("conf_case: damage");
	rc = pgp_check_gpg_conf(home, CAP, &error);
	TAP_LONG_EQ(rc, want_ok ? 0 : -1, name);
	if (error != NULL)
		printf("# %s\n", error);
	free(error);
}

/* append - add text to home/name */
static int
append(const char *home, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	pjoin(path, home, name);
	if ((f = fopen(path, "a")) == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* replace_line - rewrite home/gpg.conf with line from replaced by to */
static int
replace_line(const char *home, const char *from, const char *to)
{
	char path[PATH_MAX];
	struct buf in, out;
	const char *p;

	pjoin(path, home, "gpg.conf");
	buf_init(&in, 65536);
	buf_init(&out, 65536);
	read_file(path, &in);
	if ((p = strstr(buf_cstr(&in), from)) == NULL)
		return -1;
	(void)buf_append(&out, in.data, (size_t)(p - (const char *)in.data));
	(void)buf_puts(&out, to);
	(void)buf_puts(&out, p + strlen(from));
	write_file(path, buf_cstr(&out), 0600);
	buf_free(&in);
	buf_free(&out);
	return 0;
}

static int
d_keyserver(const char *h)
{
	return append(h, "gpg.conf", "keyserver hkps://keys.example.test\n");
}

static int
d_auto_retrieve(const char *h)
{
	return append(h, "gpg.conf", "auto-key-retrieve\n");
}

static int
d_comments(const char *h)
{
	return append(h, "gpg.conf", "\n# a comment\n   \n");
}

static int
d_spaces(const char *h)
{
	return replace_line(h, "trust-model always",
	    "  trust-model \t always ");
}

static int
d_no_weak(const char *h)
{
	return replace_line(h, "weak-digest SHA1\n", "");
}

static int
d_repeat(const char *h)
{
	return append(h, "gpg.conf", "no-greeting\n");
}

static int
d_trust(const char *h)
{
	return replace_line(h, "trust-model always", "trust-model tofu");
}

static int
d_max_output(const char *h)
{
	return replace_line(h, "max-output ", "max-output 9");
}

static int
d_override(const char *h)
{
	return append(h, "gpg.conf-2.2",
	    "keyserver hkps://keys.example.test\n");
}

static int
d_mode(const char *h)
{
	char path[PATH_MAX];

	pjoin(path, h, "gpg.conf");
	return chmod(path, 0620);
}

static int
d_home_mode(const char *h)
{
	return chmod(h, 0777);
}

static int
d_symlink(const char *h)
{
	char path[PATH_MAX], target[PATH_MAX];

	pjoin(path, h, "gpg.conf");
	pjoin(target, h, "gpg.conf.real");
	return rename(path, target) != 0 ? -1 : symlink(target, path);
}

static int
d_no_agent_conf(const char *h)
{
	char path[PATH_MAX];

	pjoin(path, h, "gpg-agent.conf");
	return unlink(path);
}

static int
d_agent_extra(const char *h)
{
	return append(h, "gpg-agent.conf", "allow-preset-passphrase\n");
}

/* test_gpg_conf - the hardened configuration and its check */
static void
test_gpg_conf(void)
{
	char path[PATH_MAX], *error = NULL;
	struct stat st;
	int rc;

	rc = pgp_check_gpg_conf(gw, CAP, &error);
	TAP_LONG_EQ(rc, 0, "gpg.conf: tests/lib/gpghome.sh writes what "
	    "pgp_check_gpg_conf() wants");
	if (rc != 0)
		printf("# %s\n", error);
	free(error);
	error = NULL;
	TAP_LONG_EQ(pgp_check_gpg_conf(gw, CAP + 1, &error), -1,
	    "gpg.conf: max-output for another max_decrypted_size is refused");
	free(error);
	error = NULL;
	conf_case("gpg.conf: freshly written passes", NULL, 1);
	pjoin(path, tmp, "conf0/gpg.conf.tmp");
	TAP_OK(lstat(path, &st) != 0, "gpg.conf: no temporary file left");
	pjoin(path, tmp, "conf0");
	TAP_OK(lstat(path, &st) == 0 && (st.st_mode & 077) == 0,
	    "gpg.conf: the home is created 0700");
	pjoin(path, tmp, "conf0/gpg.conf");
	TAP_OK(lstat(path, &st) == 0 && (st.st_mode & 077) == 0,
	    "gpg.conf: the file is 0600");
	conf_case("gpg.conf: comments and blank lines are fine", d_comments, 1);
	conf_case("gpg.conf: extra white space is fine", d_spaces, 1);
	conf_case("gpg.conf: a keyserver is refused", d_keyserver, 0);
	conf_case("gpg.conf: auto-key-retrieve is refused", d_auto_retrieve, 0);
	conf_case("gpg.conf: a missing weak-digest is refused", d_no_weak, 0);
	conf_case("gpg.conf: a repeated line is refused", d_repeat, 0);
	conf_case("gpg.conf: another trust model is refused", d_trust, 0);
	conf_case("gpg.conf: another max-output is refused", d_max_output, 0);
	conf_case("gpg.conf: gpg.conf-2.2 beside it is refused", d_override,
	    0);
	conf_case("gpg.conf: group-writable file is refused", d_mode, 0);
	conf_case("gpg.conf: world-writable home is refused", d_home_mode, 0);
	conf_case("gpg.conf: a symlink is refused", d_symlink, 0);
	conf_case("gpg-agent.conf: missing is refused", d_no_agent_conf, 0);
	conf_case("gpg-agent.conf: an extra option is refused", d_agent_extra,
	    0);
	pjoin(path, tmp, "nonexistent");
	TAP_LONG_EQ(pgp_check_gpg_conf(path, CAP, &error), -1,
	    "gpg.conf: a missing home is refused");
	free(error);
}

int
main(void)
{
	struct timespec t0;
	char *error = NULL;

	signal(SIGPIPE, SIG_IGN);
	find_top();
	load_fingerprints();
	setup();

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (pgp_init(gw, &error) != 0 || pgp_open(&pgp, &error) != 0) {
		printf("# %s\n", error);
		cleanup();
		bail("pgp_init/pgp_open");
	}
	printf("# pgp_init + pgp_open: %.1f ms\n", ms_since(&t0));

	test_gpg_conf();
	test_decrypt_table();
	test_decrypt_limits();
	test_decrypt_trouble();
	test_ready_and_worker();
	test_verify_detached();
	test_verify_cleartext();
	test_sign_encrypt();
	test_import();
	test_import_minimal();

	pgp_close(&pgp);
	TAP_OK(pgp == NULL, "pgp_close NULLs the pointer");
	cleanup();
	return tap_done();
}
