/*
 * NAME
 *	pgp - OpenPGP through gpgme: decrypt and verify, reporter keys,
 *	signed and encrypted acknowledgements, the gateway's gpg.conf
 * DESCRIPTION
 *	See include/psirt/pgp.h for the contract and the signature rules.
 *	The only file that includes <gpgme.h>: every gpgme error is turned
 *	into a status word or an error_r string here. Only gpgme's structured
 *	results (decrypt, verify, import results, key listings) are read.
 * LIMITS
 *	max_decrypted_size through a gpgme callback data object whose write
 *	callback refuses the first byte past the cap; PGP_MAX_SIGS signatures
 *	per message are checked, more make the message bad; struct
 *	pgp_import_limits for key import.
 * DIAGNOSTICS
 *	-1 with error_r for the gateway's own trouble only (gpg or gpg-agent
 *	not working, our key unusable, out of memory); a status otherwise.
 * SECURITY
 *	Plaintext lives in a buffer wiped whenever it is moved or freed, and
 *	is wiped and dropped on any gpgme error. Fingerprints and key IDs from
 *	gpgme are checked to be hex before use (they are also key listing
 *	patterns). Nothing here fetches keys: offline context, local key
 *	listing only, and the gpg.conf of pgp_write_gpg_conf().
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gpgme.h>

#include "psirt/buf.h"
#include "psirt/compat.h"
#include "psirt/pgp.h"
#include "psirt/safeio.h"
#include "psirt/xalloc.h"

#define PGP_MAX_SIGS 16			/* more signatures: bad */
#define PGP_MAX_CONF_SIZE (64 * 1024)	/* gpg.conf we are willing to read */

struct pgp {
	gpgme_ctx_t ctx;
	gpgme_key_t signer;		/* pgp_signer()'s key, kept */
	int lock_fd;			/* PGP_KEYRING_LOCK, own open file */
};

/* The gateway's gpg.conf; max-output is appended. See pgp.h. */
static const char *const gpg_conf_lines[] = {
	"no-greeting",
	"disable-dirmngr",
	"no-auto-key-retrieve",
	"no-auto-key-locate",
	"no-auto-key-import",
	"no-include-key-block",
	"trust-model always",
	"no-auto-check-trustdb",
	"weak-digest MD5",
	"weak-digest SHA1",
	"weak-digest RIPEMD160",
	"import-options import-minimal",
	"no-random-seed-file",
	"no-symkey-cache",
};

static const char *const agent_conf_lines[] = {
	"disable-scdaemon",
	"no-allow-external-cache",
	"no-allow-mark-trusted",
	"no-allow-loopback-pinentry",
};

#define GPG_CONF_HEAD \
	"# psirt-gate: the gateway's gpg.conf, written by psirt-filter and " \
	"checked\n# by psirt-filter --check-config; any other option is " \
	"refused.\n"
#define AGENT_CONF_HEAD \
	"# psirt-gate: the gateway's gpg-agent.conf, written by " \
	"psirt-filter.\n"

static int pgp_initialized;
static char pgp_lock_path[4096];	/* GNUPGHOME/PGP_KEYRING_LOCK */

/* pgp_fail - format a message (and the gpgme error, if any) into error_r */
static int
pgp_fail(char **error_r, gpgme_error_t err, const char *fmt, ...)
    PSIRT_PRINTF(3, 4);
static int
pgp_fail(char **error_r, gpgme_error_t err, const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	char msg[512], estr[256];

	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof(msg), fmt, ap) >= (int)sizeof(msg))
		msg[sizeof(msg) - 1] = '\0';
	va_end(ap);
	buf_init(&b, 1024);
	if (err != 0) {
		if (gpgme_strerror_r(err, estr, sizeof(estr)) != 0)
			estr[sizeof(estr) - 1] = '\0';
		(void)buf_printf(&b, "%s: %s", msg, estr);
	} else
		(void)buf_puts(&b, msg);
	*error_r = buf_steal(&b);
	return -1;
}

/* is_hex - s is exactly n (40/64 for fingerprints, 16 for IDs) hex digits */
static int
is_hex(const char *s, size_t n)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'A' && s[i] <= 'F') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[n] == '\0';
}

/* is_fpr - a v4 or v5 fingerprint in hex */
static int
is_fpr(const char *s)
{
	return is_hex(s, 40) || is_hex(s, 64);
}

/* copy_upper - copy hex s (checked) into out, upper case */
static void
copy_upper(char *out, const char *s)
{
	for (; *s != '\0'; s++, out++)
		*out = (*s >= 'a' && *s <= 'f') ? (char)(*s - 'a' + 'A') : *s;
	*out = '\0';
}

/* ascii_casecmp_eq - equal ignoring ASCII case (not the locale's) */
static int
ascii_casecmp_eq(const char *a, const char *b)
{
	unsigned char x, y;

	for (;; a++, b++) {
		x = (unsigned char)*a;
		y = (unsigned char)*b;
		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y)
			return 0;
		if (x == '\0')
			return 1;
	}
}

/*
 * secure_append - append to a plaintext buffer; like buf_append(), but
 * storage that moves is wiped first (realloc would leave a copy behind)
 */
static int
secure_append(struct buf *b, const void *p, size_t n)
{
	unsigned char *nd;
	size_t need, alloc;

	if (n > b->max || b->len > b->max - n)
		return BUF_LIMIT;
	need = b->len + n + 1;
	if (need > b->alloc) {
		alloc = b->alloc ? b->alloc : 4096;
		while (alloc < need)
			alloc = alloc > SIZE_MAX / 2 ? need : alloc * 2;
		if (alloc > b->max + 1)
			alloc = b->max + 1;
		nd = xmalloc(alloc);
		if (b->len > 0)
			memcpy(nd, b->data, b->len);
		if (b->data != NULL)
			xfree_wipe(b->data, b->alloc);
		b->data = nd;
		b->alloc = alloc;
	}
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return BUF_OK;
}

/* A write-only gpgme data object that appends to a capped buffer. */
struct sink {
	struct buf *b;
	int over;			/* the cap refused a write */
};

/* sink_write - gpgme write callback: refuse the first byte past the cap */
static ssize_t
sink_write(void *handle, const void *p, size_t n)
{
	struct sink *s = handle;

	if (s->over || secure_append(s->b, p, n) != BUF_OK) {
		s->over = 1;
		errno = EFBIG;
		return -1;
	}
	return (ssize_t)n;
}

static struct gpgme_data_cbs sink_cbs = {
	NULL, sink_write, NULL, NULL
};

/* cap_max - a buffer cap that leaves room for the NUL and doubling */
static size_t
cap_max(size_t max)
{
	return max > SIZE_MAX / 4 ? SIZE_MAX / 4 : max;
}

/* is_trouble - a gpgme error that is the gateway's trouble, not the input */
static int
is_trouble(gpgme_error_t err)
{
	switch (gpg_err_code(err)) {
	case GPG_ERR_ENOMEM:
	case GPG_ERR_ENFILE:
	case GPG_ERR_EMFILE:
	case GPG_ERR_ENOSPC:
	case GPG_ERR_EIO:
	case GPG_ERR_EAGAIN:
	case GPG_ERR_ENOENT:
	case GPG_ERR_EACCES:
	case GPG_ERR_EPERM:
	case GPG_ERR_NO_AGENT:
	case GPG_ERR_AGENT:
	case GPG_ERR_ASS_CONNECT_FAILED:
	case GPG_ERR_ASS_GENERAL:
	case GPG_ERR_INV_ENGINE:
	case GPG_ERR_ENGINE_TOO_OLD:
	case GPG_ERR_NOT_OPERATIONAL:
	case GPG_ERR_TIMEOUT:
	case GPG_ERR_ETIMEDOUT:
		return 1;
	default:
		return 0;
	}
}

/*
 * is_passphrase - a passphrase was asked for: our own key is protected
 * (trouble), or the message was encrypted to a passphrase only (hostile)
 */
static int
is_passphrase(gpgme_error_t err)
{
	switch (gpg_err_code(err)) {
	case GPG_ERR_NO_PIN_ENTRY:
	case GPG_ERR_NO_PASSPHRASE:
	case GPG_ERR_BAD_PASSPHRASE:
	case GPG_ERR_CANCELED:
	case GPG_ERR_FULLY_CANCELED:
		return 1;
	default:
		return 0;
	}
}

/* path_join - dir/name into out; -1 when too long */
static int
path_join(char *out, size_t n, const char *dir, const char *name)
{
	int w = snprintf(out, n, "%s/%s", dir, name);

	return w < 0 || (size_t)w >= n ? -1 : 0;
}

/* pgp_init - gpgme's global setup; see pgp.h */
int
pgp_init(const char *gnupg_home, char **error_r)
{
	gpgme_error_t err;

	PSIRT_ASSERT(gnupg_home != NULL);
	if (!pgp_initialized) {
		/* Before gpgme_check_version: no gpgconf probes. */
		if (gpgme_set_global_flag("disable-gpgconf", "1") != 0 ||
		    gpgme_set_global_flag("gpg-name", PSIRT_GPG_PATH) != 0)
			return pgp_fail(error_r, 0,
			    "gpgme refused its global flags");
		if (gpgme_check_version("1.18.0") == NULL)
			return pgp_fail(error_r, 0,
			    "gpgme %s is older than 1.18.0",
			    gpgme_check_version(NULL));
	}
	/*
	 * The environment, not gpgme_ctx_set_engine_info(): that costs one
	 * more "gpg --version" per process (see PERFORMANCE.md).
	 */
	if (setenv("GNUPGHOME", gnupg_home, 1) != 0)
		return pgp_fail(error_r, gpg_error_from_syserror(),
		    "setenv GNUPGHOME");
	if (path_join(pgp_lock_path, sizeof(pgp_lock_path), gnupg_home,
	    PGP_KEYRING_LOCK) != 0)
		return pgp_fail(error_r, 0, "gnupg_home too long");
	if (!pgp_initialized) {
		err = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP);
		if (err != 0)
			return pgp_fail(error_r, err, "%s not usable",
			    PSIRT_GPG_PATH);
		pgp_initialized = 1;
	}
	return 0;
}

/*
 * keyring_lock - hold the gateway keyring's lock for one gpg operation:
 * LOCK_SH to read the keyring (decrypt, verify, list, encrypt, sign),
 * LOCK_EX to import into it; keyring_unlock() drops it. gpg writes
 * pubring.kbx by renaming the old file to its backup and then the new one
 * in place, and a reading gpg takes no lock: one that opens the keyring
 * between the two renames finds none (our key "missing", a report seen
 * as encrypted to a key we do not hold). flock() waits; the worker's
 * timeout and the filter's deadline bound the wait. A lock that cannot
 * be taken (ENOLCK) is done without, the race as gpg alone has it.
 */
static void
keyring_lock(struct pgp *p, int op)
{
	while (flock(p->lock_fd, op) < 0 && errno == EINTR)
		;
}

/* keyring_unlock - drop keyring_lock() */
static void
keyring_unlock(struct pgp *p)
{
	(void)flock(p->lock_fd, LOCK_UN);
}

/* pgp_open - a context: OpenPGP, offline, pinentry never, local keys */
int
pgp_open(struct pgp **p_r, char **error_r)
{
	gpgme_ctx_t ctx;
	gpgme_error_t err;
	int fd;

	PSIRT_ASSERT(pgp_initialized);
	*p_r = NULL;
	/* Its own open file: flock() locks belong to the open file. */
	fd = open(pgp_lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0)
		return pgp_fail(error_r, gpg_error_from_syserror(),
		    "keyring lock %s", pgp_lock_path);
	if ((err = gpgme_new(&ctx)) != 0) {
		(void)close(fd);
		return pgp_fail(error_r, err, "gpgme_new");
	}
	if ((err = gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP)) != 0 ||
	    (err = gpgme_set_pinentry_mode(ctx, GPGME_PINENTRY_MODE_ERROR))
	    != 0 ||
	    (err = gpgme_set_keylist_mode(ctx, GPGME_KEYLIST_MODE_LOCAL))
	    != 0 ||
	    (err = gpgme_set_ctx_flag(ctx, "trust-model", "always")) != 0 ||
	    (err = gpgme_set_ctx_flag(ctx, "no-symkey-cache", "1")) != 0) {
		gpgme_release(ctx);
		(void)close(fd);
		return pgp_fail(error_r, err, "gpgme context setup");
	}
	gpgme_set_offline(ctx, 1);
	gpgme_set_armor(ctx, 0);
	gpgme_set_textmode(ctx, 0);
	*p_r = xcalloc(1, sizeof(**p_r));
	(*p_r)->ctx = ctx;
	(*p_r)->lock_fd = fd;
	return 0;
}

/* pgp_close - release the context and NULL the pointer */
void
pgp_close(struct pgp **p)
{
	if (*p == NULL)
		return;
	gpgme_key_unref((*p)->signer);
	gpgme_release((*p)->ctx);
	(void)close((*p)->lock_fd);
	free(*p);
	*p = NULL;
}

/*
 * key_lookup - the one key whose primary or subkey fingerprint is fpr
 * (hex, checked); 0 with *key_r NULL when there is none; -1 on trouble
 */
static int
key_lookup(struct pgp *p, const char *fpr, int secret, gpgme_key_t *key_r,
    char **error_r)
{
	gpgme_key_t key = NULL, extra = NULL;
	gpgme_error_t err;

	*key_r = NULL;
	PSIRT_ASSERT(is_fpr(fpr));
	keyring_lock(p, LOCK_SH);
	err = gpgme_op_keylist_start(p->ctx, fpr, secret);
	if (err == 0)
		err = gpgme_op_keylist_next(p->ctx, &key);
	if (err == 0 && gpgme_op_keylist_next(p->ctx, &extra) == 0) {
		/* Two keys for one fingerprint: trust neither. */
		gpgme_key_unref(extra);
		gpgme_key_unref(key);
		key = NULL;
	}
	(void)gpgme_op_keylist_end(p->ctx);
	keyring_unlock(p);
	if (err != 0 && gpg_err_code(err) != GPG_ERR_EOF) {
		if (is_trouble(err))
			return pgp_fail(error_r, err, "key listing");
		return 0;
	}
	*key_r = key;
	return 0;
}

/* weak_hash - a digest whose signatures can be forged: never good */
static int
weak_hash(gpgme_hash_algo_t a)
{
	return a == GPGME_MD_MD5 || a == GPGME_MD_SHA1 ||
	    a == GPGME_MD_RMD160 || a == GPGME_MD_MD2 || a == GPGME_MD_MD4;
}

/*
 * addr_equal - the same addr-spec: local part byte for byte, domain
 * ignoring ASCII case. Either side without exactly one usable '@' (the
 * last one splits) never matches.
 */
static int
addr_equal(const char *uid_addr, const char *from_addr)
{
	const char *a = strrchr(uid_addr, '@'), *b = strrchr(from_addr, '@');

	if (a == NULL || b == NULL || a == uid_addr || b == from_addr)
		return 0;
	if (a - uid_addr != b - from_addr ||
	    memcmp(uid_addr, from_addr, (size_t)(a - uid_addr)) != 0)
		return 0;
	if (a[1] == '\0')
		return 0;
	return ascii_casecmp_eq(a + 1, b + 1);
}

/* uid_matches - a valid user ID of key whose address is from_addr */
static int
uid_matches(gpgme_key_t key, const char *from_addr)
{
	gpgme_user_id_t u;
	const char *addr;

	if (from_addr == NULL)
		return 0;
	for (u = key->uids; u != NULL; u = u->next) {
		if (u->revoked || u->invalid || u->uid == NULL)
			continue;
		addr = u->email;
		/* A bare "user@host" user ID has no <email> part. */
		if (addr == NULL || *addr == '\0') {
			if (strpbrk(u->uid, " \t<>\"") != NULL)
				continue;
			addr = u->uid;
		}
		if (addr_equal(addr, from_addr))
			return 1;
	}
	return 0;
}

/*
 * What sig_one() needs of a gpgme signature, copied out of the verify
 * result: the key listings it runs reset the context's results.
 */
struct sigcopy {
	gpgme_err_code_t code;
	gpgme_sigsum_t summary;
	gpgme_hash_algo_t hash_algo;
	int wrong_key_usage;
	char fpr[PGP_FPR_MAX + 1];	/* "" when gpg gave no fingerprint */
};

/*
 * sig_one - the status of one signature and its primary fingerprint
 * ("" unless the key is known and the signature not bad)
 */
static int
sig_one(struct pgp *p, const struct sigcopy *s, const char *from_addr,
    enum sig_status *st_r, char *fpr_r, char **error_r)
{
	gpgme_err_code_t code = s->code;
	gpgme_key_t key = NULL;
	gpgme_subkey_t sk, signer = NULL;
	enum sig_status st;

	fpr_r[0] = '\0';
	if (code == GPG_ERR_BAD_SIGNATURE) {
		*st_r = SIG_BAD;
		return 0;
	}
	if (code == GPG_ERR_NO_PUBKEY || (s->summary & GPGME_SIGSUM_KEY_MISSING)
	    || !is_fpr(s->fpr)) {
		/* Only a key ID, or no key: nothing can be said of it. */
		*st_r = SIG_UNKNOWN_KEY;
		return 0;
	}
	if (key_lookup(p, s->fpr, 0, &key, error_r) != 0)
		return -1;
	if (key != NULL)
		for (sk = key->subkeys; sk != NULL; sk = sk->next)
			if (sk->fpr != NULL &&
			    ascii_casecmp_eq(sk->fpr, s->fpr))
				signer = sk;
	if (key == NULL || signer == NULL || !is_fpr(key->subkeys->fpr)) {
		gpgme_key_unref(key);
		*st_r = SIG_UNKNOWN_KEY;
		return 0;
	}
	copy_upper(fpr_r, key->subkeys->fpr);
	if (code == GPG_ERR_CERT_REVOKED ||
	    (s->summary & GPGME_SIGSUM_KEY_REVOKED) || key->revoked ||
	    signer->revoked)
		st = SIG_REVOKED_KEY;
	else if (code == GPG_ERR_KEY_EXPIRED || code == GPG_ERR_SIG_EXPIRED ||
	    (s->summary & (GPGME_SIGSUM_KEY_EXPIRED | GPGME_SIGSUM_SIG_EXPIRED))
	    || key->expired || signer->expired)
		st = SIG_EXPIRED_KEY;
	else if (weak_hash(s->hash_algo))
		st = SIG_WEAK_HASH;
	else if (code != GPG_ERR_NO_ERROR || key->invalid || key->disabled ||
	    signer->invalid || !signer->can_sign || s->wrong_key_usage)
		st = SIG_BAD;
	else if (uid_matches(key, from_addr))
		st = SIG_GOOD;
	else
		st = SIG_GOOD_UID_MISMATCH;
	if (st == SIG_BAD)
		fpr_r[0] = '\0';
	gpgme_key_unref(key);
	*st_r = st;
	return 0;
}

/*
 * verify_collect - fold gpgme's verify result into v; empty_is_bad when
 * the input claimed to be signed (a missing signature is then bad)
 */
static int
verify_collect(struct pgp *p, const char *from_addr, int empty_is_bad,
    struct pgp_verify *v, char **error_r)
{
	gpgme_verify_result_t res = gpgme_op_verify_result(p->ctx);
	gpgme_signature_t s;
	struct sigcopy sc[PGP_MAX_SIGS];
	enum sig_status st;
	char fpr[PGP_FPR_MAX + 1];
	unsigned int n = 0, i;

	v->sig = SIG_NONE;
	v->fpr[0] = '\0';
	v->nsigs = 0;
	for (s = res != NULL ? res->signatures : NULL; s != NULL; s = s->next)
		n++;
	v->nsigs = n;
	if (n == 0) {
		if (empty_is_bad)
			v->sig = SIG_BAD;
		return 0;
	}
	if (n > PGP_MAX_SIGS) {
		v->sig = SIG_BAD;
		return 0;
	}
	for (i = 0, s = res->signatures; s != NULL; s = s->next, i++) {
		sc[i].code = gpg_err_code(s->status);
		sc[i].summary = s->summary;
		sc[i].hash_algo = s->hash_algo;
		sc[i].wrong_key_usage = s->wrong_key_usage;
		sc[i].fpr[0] = '\0';
		if (is_fpr(s->fpr))
			copy_upper(sc[i].fpr, s->fpr);
	}
	/* From here on res is gone: key listings reset the results. */
	for (i = 0; i < n; i++) {
		if (sig_one(p, &sc[i], from_addr, &st, fpr, error_r) != 0)
			return -1;
		if (sig_status_rank(st) > sig_status_rank(v->sig)) {
			v->sig = st;
			memcpy(v->fpr, fpr, sizeof(fpr));
		}
	}
	return 0;
}

/* data_from_mem - a read-only gpgme data object over caller memory */
static int
data_from_mem(gpgme_data_t *d, const unsigned char *p, size_t len,
    char **error_r)
{
	gpgme_error_t err;

	err = gpgme_data_new_from_mem(d, len > 0 ? (const char *)p : "", len,
	    0);
	if (err != 0)
		return pgp_fail(error_r, err, "gpgme_data_new_from_mem");
	return 0;
}

/*
 * decrypt_failure - what a failed decryption means: failed-no-key (every
 * recipient one whose secret we lack, or no recipient but a passphrase
 * asked for), failed-corrupt, or -1 (a passphrase asked for our own key).
 * ours_r: the key ID of a recipient key we hold, or "" (none, or only the
 * anonymous 0000000000000000)
 */
static int
decrypt_failure(gpgme_error_t err, gpgme_decrypt_result_t res,
    struct pgp_decrypt *d, char ours_r[PGP_KEYID_LEN + 1])
{
	gpgme_recipient_t r;
	size_t n = 0, ours = 0;

	ours_r[0] = '\0';
	for (r = res != NULL ? res->recipients : NULL; r != NULL; r = r->next) {
		n++;
		if (gpg_err_code(r->status) != GPG_ERR_NO_SECKEY) {
			ours++;
			if (ours_r[0] == '\0' && is_hex(r->keyid,
			    PGP_KEYID_LEN) && strcmp(r->keyid,
			    "0000000000000000") != 0)
				copy_upper(ours_r, r->keyid);
		} else if (d->nrecipients < PGP_MAX_RECIPIENTS &&
		    is_hex(r->keyid, PGP_KEYID_LEN))
			copy_upper(d->recipients[d->nrecipients++], r->keyid);
	}
	if (is_passphrase(err) && ours > 0)
		return -1;
	if ((n > 0 && ours == 0) || (n == 0 && (is_passphrase(err) ||
	    gpg_err_code(err) == GPG_ERR_DECRYPT_FAILED)))
		d->enc = ENC_FAILED_NO_KEY;
	else
		d->enc = ENC_FAILED_CORRUPT;
	return 0;
}

/*
 * own_key_decrypts - does our secret subkey keyid (hex, checked) still
 * decrypt? A probe is encrypted here to exactly that subkey and must come
 * back. 1 yes; 0 cannot tell (no usable public subkey to encrypt to,
 * e.g. it expired); -1 with error_r when the secret key fails (missing,
 * unreadable, damaged: the gateway's trouble). Nothing here comes from
 * the message but the key ID, which only selects among our own keys.
 */
static int
own_key_decrypts(struct pgp *p, const char *keyid, char **error_r)
{
	static const char probe[] = "psirt-gate: secret key probe\n";
	gpgme_data_t plain = NULL, cipher = NULL, out = NULL;
	gpgme_error_t err;
	char rcpt[PGP_KEYID_LEN + 2], *got = NULL;
	size_t n = 0;
	int ret = -1;

	PSIRT_ASSERT(is_hex(keyid, PGP_KEYID_LEN));
	/* "KEYID!": this very subkey, not the key's preferred one */
	(void)snprintf(rcpt, sizeof(rcpt), "%s!", keyid);
	if (data_from_mem(&plain, (const unsigned char *)probe,
	    sizeof(probe) - 1, error_r) != 0)
		goto out;
	if ((err = gpgme_data_new(&cipher)) != 0 ||
	    (err = gpgme_data_new(&out)) != 0) {
		pgp_fail(error_r, err, "gpgme_data_new");
		goto out;
	}
	keyring_lock(p, LOCK_SH);
	err = gpgme_op_encrypt_ext(p->ctx, NULL, rcpt,
	    GPGME_ENCRYPT_ALWAYS_TRUST | GPGME_ENCRYPT_NO_ENCRYPT_TO, plain,
	    cipher);
	keyring_unlock(p);
	if (err != 0) {
		if (is_trouble(err))
			pgp_fail(error_r, err, "key probe");
		else
			ret = 0;
		goto out;
	}
	(void)gpgme_data_seek(cipher, 0, SEEK_SET);
	keyring_lock(p, LOCK_SH);
	err = gpgme_op_decrypt(p->ctx, cipher, out);
	keyring_unlock(p);
	got = gpgme_data_release_and_get_mem(out, &n);
	out = NULL;
	if (err == 0 && got != NULL && n == sizeof(probe) - 1 &&
	    memcmp(got, probe, n) == 0)
		ret = 1;
	else
		pgp_fail(error_r, err, "the gateway's secret key %s does not "
		    "decrypt (missing, unreadable or damaged)", keyid);
out:
	gpgme_free(got);
	gpgme_data_release(out);
	gpgme_data_release(cipher);
	gpgme_data_release(plain);
	return ret;
}

/*
 * pgp_ready - whether gpg (through gpg-agent) sees a secret key at all.
 * gpg says NO_SECKEY, not "agent down", when gpg-agent cannot be reached:
 * a gateway without any secret key is the gateway's trouble.
 */
int
pgp_ready(struct pgp *p, char **error_r)
{
	gpgme_key_t key = NULL;
	gpgme_error_t err;

	keyring_lock(p, LOCK_SH);
	err = gpgme_op_keylist_start(p->ctx, NULL, 1);
	if (err == 0)
		err = gpgme_op_keylist_next(p->ctx, &key);
	(void)gpgme_op_keylist_end(p->ctx);
	keyring_unlock(p);
	gpgme_key_unref(key);
	if (err == 0 && key != NULL)
		return 0;
	return pgp_fail(error_r, gpg_err_code(err) == GPG_ERR_EOF ? 0 : err,
	    "no secret key usable: gpg-agent not answering, or the gateway "
	    "key missing");
}

/* pgp_decrypt_verify - decrypt and verify; see pgp.h */
int
pgp_decrypt_verify(struct pgp *p, const unsigned char *in, size_t len,
    enum enc_status ok_status, const char *from_addr,
    size_t max_decrypted_size, struct pgp_decrypt *d, char **error_r)
{
	gpgme_data_t cipher = NULL, plain = NULL;
	gpgme_decrypt_result_t res;
	gpgme_error_t err;
	struct sink sink;
	char ours[PGP_KEYID_LEN + 1];
	int ret = -1;

	PSIRT_ASSERT(ok_status == ENC_PGP_MIME || ok_status == ENC_INLINE);
	memset(d, 0, sizeof(*d));
	d->enc = ENC_FAILED_CORRUPT;
	d->verify.sig = SIG_NONE;
	buf_init(&d->plain, cap_max(max_decrypted_size));
	/*
	 * Room for about the ciphertext's size at once (pages not written
	 * cost nothing): no doubling of a large plaintext, which would hold
	 * it twice for a moment.
	 */
	(void)buf_presize(&d->plain, len < d->plain.max ? len : d->plain.max);
	sink.b = &d->plain;
	sink.over = 0;
	if (data_from_mem(&cipher, in, len, error_r) != 0)
		goto out;
	if ((err = gpgme_data_new_from_cbs(&plain, &sink_cbs, &sink)) != 0) {
		pgp_fail(error_r, err, "gpgme_data_new_from_cbs");
		goto out;
	}
	keyring_lock(p, LOCK_SH);
	err = gpgme_op_decrypt_ext(p->ctx, GPGME_DECRYPT_VERIFY, cipher,
	    plain);
	keyring_unlock(p);
	res = gpgme_op_decrypt_result(p->ctx);
	if (sink.over) {
		d->enc = ENC_FAILED_LIMIT;
	} else if (err != 0) {
		if (is_trouble(err) ||
		    decrypt_failure(err, res, d, ours) != 0) {
			pgp_fail(error_r, err, "decryption");
			goto out;
		}
		/*
		 * Encrypted to our key, yet not decrypted: the input's fault
		 * only if our key still decrypts (a damaged key file makes
		 * gpg-agent fail just like a garbage session key does).
		 */
		if (d->enc == ENC_FAILED_CORRUPT && ours[0] != '\0' &&
		    own_key_decrypts(p, ours, error_r) < 0)
			goto out;
		if (pgp_ready(p, error_r) != 0)
			goto out;
	} else if (res == NULL || res->recipients == NULL ||
	    res->legacy_cipher_nomdc || res->unsupported_algorithm != NULL ||
	    res->wrong_key_usage) {
		d->enc = ENC_FAILED_CORRUPT;
	} else {
		if (verify_collect(p, from_addr, 0, &d->verify, error_r) != 0)
			goto out;
		d->enc = ok_status;
	}
	ret = 0;
out:
	if (ret != 0 || d->enc != ok_status) {
		buf_free(&d->plain);
		d->verify.sig = SIG_NONE;
		d->verify.fpr[0] = '\0';
		d->verify.nsigs = 0;
	}
	if (d->enc != ENC_FAILED_NO_KEY)
		d->nrecipients = 0;
	gpgme_data_release(plain);
	gpgme_data_release(cipher);
	return ret;
}

/* pgp_decrypt_free - wipe and release the plaintext */
void
pgp_decrypt_free(struct pgp_decrypt *d)
{
	buf_free(&d->plain);
}

/* pgp_verify_detached - verify a detached signature; see pgp.h */
int
pgp_verify_detached(struct pgp *p, const unsigned char *data,
    size_t data_len, const unsigned char *sig, size_t sig_len,
    const char *from_addr, struct pgp_verify *v, char **error_r)
{
	gpgme_data_t dsig = NULL, dtext = NULL;
	gpgme_error_t err;
	int ret = -1;

	memset(v, 0, sizeof(*v));
	v->sig = SIG_BAD;
	if (data_from_mem(&dsig, sig, sig_len, error_r) != 0 ||
	    data_from_mem(&dtext, data, data_len, error_r) != 0)
		goto out;
	keyring_lock(p, LOCK_SH);
	err = gpgme_op_verify(p->ctx, dsig, dtext, NULL);
	keyring_unlock(p);
	if (err != 0) {
		if (is_trouble(err)) {
			pgp_fail(error_r, err, "verification");
			goto out;
		}
		v->sig = SIG_BAD;
		ret = 0;
		goto out;
	}
	ret = verify_collect(p, from_addr, 1, v, error_r);
out:
	gpgme_data_release(dsig);
	gpgme_data_release(dtext);
	return ret;
}

/* blank_line - only white space between p and end */
static int
blank_line(const unsigned char *p, const unsigned char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			return 0;
	return 1;
}

/* marker_line - the line is the armor marker m, then only white space */
static int
marker_line(const unsigned char *p, const unsigned char *end, const char *m)
{
	size_t n = strlen(m);

	if ((size_t)(end - p) < n || memcmp(p, m, n) != 0)
		return 0;
	return blank_line(p + n, end);
}

/*
 * outside_text - does in hold anything but white space around exactly
 * one armored block (signed cleartext, or a signed PGP MESSAGE)?
 */
static int
outside_text(const unsigned char *in, size_t len)
{
	const unsigned char *p = in, *end = in + len, *eol;
	const char *want_end = NULL;
	int state = 0, outside = 0;

	for (; p < end; p = eol) {
		eol = memchr(p, '\n', (size_t)(end - p));
		eol = eol != NULL ? eol + 1 : end;
		switch (state) {
		case 0:
			if (marker_line(p, eol,
			    "-----BEGIN PGP SIGNED MESSAGE-----")) {
				want_end = "-----END PGP SIGNATURE-----";
				state = 1;
			} else if (marker_line(p, eol,
			    "-----BEGIN PGP MESSAGE-----")) {
				want_end = "-----END PGP MESSAGE-----";
				state = 1;
			} else if (!blank_line(p, eol))
				outside = 1;
			break;
		case 1:
			if (marker_line(p, eol, want_end))
				state = 2;
			break;
		default:
			if (!blank_line(p, eol))
				outside = 1;
			break;
		}
	}
	return outside || state != 2;
}

/* pgp_verify_cleartext - verify inline signed text; see pgp.h */
int
pgp_verify_cleartext(struct pgp *p, const unsigned char *in, size_t len,
    const char *from_addr, size_t max_size, struct pgp_cleartext *c,
    char **error_r)
{
	gpgme_data_t dsig = NULL, dplain = NULL;
	gpgme_error_t err;
	struct sink sink;
	int ret = -1;

	memset(c, 0, sizeof(*c));
	c->verify.sig = SIG_BAD;
	buf_init(&c->text, cap_max(max_size));
	c->outside = outside_text(in, len);
	sink.b = &c->text;
	sink.over = 0;
	if (data_from_mem(&dsig, in, len, error_r) != 0)
		goto out;
	if ((err = gpgme_data_new_from_cbs(&dplain, &sink_cbs, &sink)) != 0) {
		pgp_fail(error_r, err, "gpgme_data_new_from_cbs");
		goto out;
	}
	keyring_lock(p, LOCK_SH);
	err = gpgme_op_verify(p->ctx, dsig, NULL, dplain);
	keyring_unlock(p);
	if (sink.over) {
		c->limit = 1;
		c->verify.sig = SIG_NONE;
	} else if (err != 0) {
		if (is_trouble(err)) {
			pgp_fail(error_r, err, "verification");
			goto out;
		}
		c->verify.sig = SIG_BAD;
	} else if (verify_collect(p, from_addr, 1, &c->verify, error_r) != 0)
		goto out;
	ret = 0;
out:
	if (ret != 0 || c->limit || c->verify.sig == SIG_BAD)
		buf_free(&c->text);
	gpgme_data_release(dplain);
	gpgme_data_release(dsig);
	return ret;
}

/* pgp_cleartext_free - wipe and release the text */
void
pgp_cleartext_free(struct pgp_cleartext *c)
{
	buf_free(&c->text);
}

/* pgp_import_limits_default - the PGP_DEFAULT_* import limits */
void
pgp_import_limits_default(struct pgp_import_limits *lim)
{
	lim->max_size = PGP_DEFAULT_MAX_KEY_SIZE;
	lim->max_keys = PGP_DEFAULT_MAX_KEYS;
	lim->max_uids = PGP_DEFAULT_MAX_KEY_UIDS;
	lim->max_subkeys = PGP_DEFAULT_MAX_KEY_SUBKEYS;
	lim->max_bits = PGP_DEFAULT_MAX_KEY_BITS;
}

/* key_refusal - why one listed key may not be imported, or NULL */
static const char *
key_refusal(gpgme_key_t key, const struct pgp_import_limits *lim)
{
	gpgme_user_id_t u;
	gpgme_subkey_t sk;
	unsigned long n;

	if (key->secret)
		return "secret-key";
	if (key->subkeys == NULL || !is_fpr(key->subkeys->fpr))
		return "no-key";
	for (n = 0, u = key->uids; u != NULL; u = u->next)
		n++;
	if (n > lim->max_uids)
		return "too-many-uids";
	for (n = 0, sk = key->subkeys; sk != NULL; sk = sk->next) {
		if (sk->secret)
			return "secret-key";
		if (sk->length > lim->max_bits)
			return "key-too-large";
		n++;
	}
	/* The primary key is the first of key->subkeys. */
	if (n - 1 > lim->max_subkeys)
		return "too-many-subkeys";
	return NULL;
}

/*
 * import_list - list the keys in data without importing; fill imp->fpr
 * or set imp->refused
 */
static int
import_list(struct pgp *p, gpgme_data_t data,
    const struct pgp_import_limits *lim, struct pgp_import *imp,
    char **error_r)
{
	gpgme_key_t key;
	gpgme_error_t err;
	const char *why;
	size_t max_keys = lim->max_keys < PGP_MAX_IMPORT_KEYS ?
	    lim->max_keys : PGP_MAX_IMPORT_KEYS;

	keyring_lock(p, LOCK_SH);
	err = gpgme_op_keylist_from_data_start(p->ctx, data, 0);
	while (err == 0 && imp->refused == NULL &&
	    (err = gpgme_op_keylist_next(p->ctx, &key)) == 0) {
		if (imp->nfpr >= max_keys)
			imp->refused = "too-many-keys";
		else if ((why = key_refusal(key, lim)) != NULL)
			imp->refused = why;
		else
			copy_upper(imp->fpr[imp->nfpr++], key->subkeys->fpr);
		gpgme_key_unref(key);
	}
	(void)gpgme_op_keylist_end(p->ctx);
	keyring_unlock(p);
	if (err != 0 && gpg_err_code(err) != GPG_ERR_EOF) {
		if (is_trouble(err))
			return pgp_fail(error_r, err, "key listing");
		if (imp->refused == NULL)
			imp->refused = "no-key";
	}
	if (imp->refused == NULL && imp->nfpr == 0)
		imp->refused = "no-key";
	return 0;
}

/* import_confirmed - keep the listed fingerprints gpg says it imported */
static void
import_confirmed(gpgme_import_result_t res, struct pgp_import *imp)
{
	gpgme_import_status_t st;
	size_t i, kept = 0;
	int ok;

	for (i = 0; i < imp->nfpr; i++) {
		ok = 0;
		for (st = res != NULL ? res->imports : NULL; st != NULL;
		    st = st->next)
			if (st->result == 0 && st->fpr != NULL &&
			    ascii_casecmp_eq(st->fpr, imp->fpr[i]) &&
			    !(st->status & GPGME_IMPORT_SECRET))
				ok = 1;
		if (ok && kept != i)
			memcpy(imp->fpr[kept], imp->fpr[i],
			    sizeof(imp->fpr[i]));
		kept += ok;
	}
	imp->nfpr = kept;
	if (kept == 0)
		imp->refused = "import-failed";
}

/* pgp_import_key - bounded import of reporter keys; see pgp.h */
int
pgp_import_key(struct pgp *p, const unsigned char *in, size_t len,
    const struct pgp_import_limits *lim, struct pgp_import *imp,
    char **error_r)
{
	gpgme_data_t data = NULL;
	gpgme_import_result_t res;
	gpgme_error_t err;
	int ret = -1;

	memset(imp, 0, sizeof(*imp));
	if (len > lim->max_size) {
		imp->refused = "too-large";
		return 0;
	}
	if (len == 0) {
		imp->refused = "no-key";
		return 0;
	}
	/*
	 * The data's encoding stays "none": gpgme turns an import of data
	 * marked as URLs into gpg --fetch-keys (the network).
	 */
	if (data_from_mem(&data, in, len, error_r) != 0)
		return -1;
	if (import_list(p, data, lim, imp, error_r) != 0)
		goto out;
	if (imp->refused != NULL) {
		imp->nfpr = 0;
		ret = 0;
		goto out;
	}
	if (gpgme_data_seek(data, 0, SEEK_SET) != 0) {
		pgp_fail(error_r, gpg_error_from_syserror(), "gpgme_data_seek");
		goto out;
	}
	keyring_lock(p, LOCK_EX);
	err = gpgme_op_import(p->ctx, data);
	keyring_unlock(p);
	res = gpgme_op_import_result(p->ctx);
	if (err != 0 && is_trouble(err)) {
		pgp_fail(error_r, err, "key import");
		goto out;
	}
	if (err != 0 || res == NULL || res->secret_read > 0) {
		imp->refused = "import-failed";
		imp->nfpr = 0;
	} else
		import_confirmed(res, imp);
	ret = 0;
out:
	gpgme_data_release(data);
	return ret;
}

/* key_usable_for - the key is valid now and can do what we ask of it */
static int
key_usable_for(gpgme_key_t key, int encrypt)
{
	if (key->revoked || key->expired || key->disabled || key->invalid)
		return 0;
	return encrypt ? key->can_encrypt : key->can_sign;
}

/* micalg_name - RFC 3156 micalg for a digest, NULL for one we never use */
static const char *
micalg_name(gpgme_hash_algo_t a)
{
	switch (a) {
	case GPGME_MD_SHA256:
		return "pgp-sha256";
	case GPGME_MD_SHA384:
		return "pgp-sha384";
	case GPGME_MD_SHA512:
		return "pgp-sha512";
	case GPGME_MD_SHA224:
		return "pgp-sha224";
	default:
		return NULL;
	}
}

/*
 * signed_by - was the signature made by key signer_fpr (its primary key,
 * or one of its subkeys: then a listing tells)?
 */
static int
signed_by(struct pgp *p, const char *sig_fpr, const char *signer_fpr,
    char **error_r)
{
	gpgme_key_t key = NULL;
	gpgme_subkey_t sk;
	char sig[PGP_FPR_MAX + 1];
	int yes = 0;

	if (strcasecmp(sig_fpr, signer_fpr) == 0)
		return 1;
	/* A copy: the listing below releases the sign result. */
	(void)snprintf(sig, sizeof(sig), "%s", sig_fpr);
	if (key_lookup(p, signer_fpr, 1, &key, error_r) == 0 && key != NULL)
		for (sk = key->subkeys; sk != NULL; sk = sk->next)
			if (sk->fpr != NULL && strcasecmp(sk->fpr, sig) == 0)
				yes = 1;
	gpgme_key_unref(key);
	if (!yes && *error_r == NULL)
		pgp_fail(error_r, 0, "gpg's default key %s is not gateway_key "
		    "%s", sig, signer_fpr);
	return yes;
}

/* pgp_sign_encrypt - armored OpenPGP for an acknowledgement; see pgp.h */
int
pgp_sign_encrypt(struct pgp *p, const char *signer_fpr,
    const char *recipient_fpr, const unsigned char *in, size_t len,
    struct buf *out, const char **micalg_r, char **error_r)
{
	gpgme_key_t signer = NULL;
	gpgme_data_t din = NULL, dout = NULL;
	char recp[PGP_FPR_MAX + 4];
	gpgme_encrypt_result_t eres;
	gpgme_sign_result_t sres;
	gpgme_error_t err;
	struct sink sink;
	int ret = -1;

	if (micalg_r != NULL)
		*micalg_r = NULL;
	sink.b = out;
	sink.over = 0;
	if (!is_fpr(signer_fpr))
		return pgp_fail(error_r, 0, "gateway key: not a fingerprint");
	if (recipient_fpr != NULL && !is_fpr(recipient_fpr))
		return PGP_RECIPIENT_UNUSABLE;
	/*
	 * The key pgp_signer() listed; else (a configured fingerprint) gpg's
	 * default key, the first secret key, without a listing of its own:
	 * the signature must then come from signer_fpr, checked below.
	 */
	if (p->signer != NULL && strcmp(p->signer->subkeys->fpr,
	    signer_fpr) == 0) {
		signer = p->signer;
		gpgme_key_ref(signer);
	}
	if (signer != NULL && !key_usable_for(signer, 0)) {
		pgp_fail(error_r, 0, "gateway key %s: no usable secret key",
		    signer_fpr);
		goto out;
	}
	/*
	 * The recipient by fingerprint, without a key listing of its own:
	 * gpg refuses a missing, expired or revoked key as an invalid
	 * recipient.
	 */
	if (recipient_fpr != NULL)
		(void)snprintf(recp, sizeof(recp), "--\n%s", recipient_fpr);
	gpgme_signers_clear(p->ctx);
	if (signer != NULL && (err = gpgme_signers_add(p->ctx, signer)) != 0) {
		pgp_fail(error_r, err, "gpgme_signers_add");
		goto out;
	}
	if (data_from_mem(&din, in, len, error_r) != 0)
		goto out;
	if ((err = gpgme_data_new_from_cbs(&dout, &sink_cbs, &sink)) != 0) {
		pgp_fail(error_r, err, "gpgme_data_new_from_cbs");
		goto out;
	}
	gpgme_set_armor(p->ctx, 1);
	keyring_lock(p, LOCK_SH);
	if (recipient_fpr != NULL)
		err = gpgme_op_encrypt_sign_ext(p->ctx, NULL, recp,
		    GPGME_ENCRYPT_ALWAYS_TRUST | GPGME_ENCRYPT_NO_ENCRYPT_TO,
		    din, dout);
	else
		err = gpgme_op_sign(p->ctx, din, dout, GPGME_SIG_MODE_DETACH);
	keyring_unlock(p);
	if (recipient_fpr != NULL) {
		eres = gpgme_op_encrypt_result(p->ctx);
		if (!sink.over && ((eres != NULL &&
		    eres->invalid_recipients != NULL) ||
		    gpg_err_code(err) == GPG_ERR_UNUSABLE_PUBKEY)) {
			ret = PGP_RECIPIENT_UNUSABLE;
			goto out;
		}
	}
	sres = gpgme_op_sign_result(p->ctx);
	if (sink.over) {
		pgp_fail(error_r, 0, "signed output over its cap");
		goto out;
	}
	if (err != 0 || sres == NULL || sres->invalid_signers != NULL ||
	    sres->signatures == NULL || sres->signatures->fpr == NULL) {
		pgp_fail(error_r, err, "signing with the gateway key %s",
		    signer_fpr);
		goto out;
	}
	if (signer == NULL && !signed_by(p, sres->signatures->fpr,
	    signer_fpr, error_r))
		goto out;
	if (recipient_fpr == NULL && micalg_r != NULL &&
	    (*micalg_r = micalg_name(sres->signatures->hash_algo)) == NULL) {
		pgp_fail(error_r, 0, "unexpected signature digest");
		goto out;
	}
	ret = 0;
out:
	gpgme_set_armor(p->ctx, 0);
	gpgme_signers_clear(p->ctx);
	gpgme_data_release(din);
	gpgme_data_release(dout);
	gpgme_key_unref(signer);
	return ret;
}

/* conf_text - the text of gpg.conf (gpg != 0) or gpg-agent.conf */
static void
conf_text(struct buf *b, int gpg, size_t max_decrypted_size)
{
	size_t i;

	buf_init(b, PGP_MAX_CONF_SIZE);
	if (gpg) {
		(void)buf_puts(b, GPG_CONF_HEAD);
		for (i = 0; i < PSIRT_NELEM(gpg_conf_lines); i++)
			(void)buf_printf(b, "%s\n", gpg_conf_lines[i]);
		(void)buf_printf(b, "max-output %zu\n",
		    max_decrypted_size + PGP_MAX_OUTPUT_SLACK);
	} else {
		(void)buf_puts(b, AGENT_CONF_HEAD);
		for (i = 0; i < PSIRT_NELEM(agent_conf_lines); i++)
			(void)buf_printf(b, "%s\n", agent_conf_lines[i]);
	}
}

/* write_atomic - write dir/name through a temporary file, fsynced */
static int
write_atomic(const char *dir, const char *name, const struct buf *b,
    char **error_r)
{
	char tmp[4096], path[4096];
	int fd, saved;

	if (path_join(path, sizeof(path), dir, name) != 0 ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return pgp_fail(error_r, 0, "%s: path too long", dir);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0)
		return pgp_fail(error_r, gpg_error_from_syserror(), "%s", tmp);
	if (safeio_write_all(fd, b->data, b->len) != 0 || fsync(fd) != 0) {
		saved = errno;
		(void)close(fd);
		(void)unlink(tmp);
		return pgp_fail(error_r, gpg_error_from_errno(saved), "%s",
		    tmp);
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		saved = errno;
		(void)unlink(tmp);
		return pgp_fail(error_r, gpg_error_from_errno(saved), "%s",
		    path);
	}
	if (safeio_fsync_dir(dir) != 0)
		return pgp_fail(error_r, gpg_error_from_syserror(), "%s", dir);
	return 0;
}

/* pgp_write_gpg_conf - write the hardened configuration; see pgp.h */
int
pgp_write_gpg_conf(const char *gnupg_home, size_t max_decrypted_size,
    char **error_r)
{
	struct buf b;
	int ret;

	if (max_decrypted_size > SIZE_MAX - PGP_MAX_OUTPUT_SLACK)
		return pgp_fail(error_r, 0, "max_decrypted_size too large");
	if (mkdir(gnupg_home, 0700) != 0 && errno != EEXIST)
		return pgp_fail(error_r, gpg_error_from_syserror(), "%s",
		    gnupg_home);
	conf_text(&b, 1, max_decrypted_size);
	ret = write_atomic(gnupg_home, "gpg.conf", &b, error_r);
	buf_free(&b);
	if (ret != 0)
		return -1;
	conf_text(&b, 0, 0);
	ret = write_atomic(gnupg_home, "gpg-agent.conf", &b, error_r);
	buf_free(&b);
	return ret;
}

/* safe_mode - owned by us and writable by nobody else */
static int
safe_mode(const struct stat *st)
{
	return st->st_uid == geteuid() && (st->st_mode & (S_IWGRP | S_IWOTH))
	    == 0;
}

/* read_conf - read a configuration file of ours into b */
static int
read_conf(const char *dir, const char *name, struct buf *b, char **error_r)
{
	char path[4096], chunk[4096];
	struct stat st;
	ssize_t n;
	int fd;

	buf_init(b, PGP_MAX_CONF_SIZE);
	if (path_join(path, sizeof(path), dir, name) != 0)
		return pgp_fail(error_r, 0, "%s: path too long", dir);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return pgp_fail(error_r, gpg_error_from_syserror(), "%s", path);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || !safe_mode(&st)) {
		(void)close(fd);
		return pgp_fail(error_r, 0, "%s: not a regular file owned by "
		    "us and writable only by us", path);
	}
	while ((n = safeio_read_some(fd, chunk, sizeof(chunk))) > 0)
		if (buf_append(b, chunk, (size_t)n) != BUF_OK) {
			(void)close(fd);
			return pgp_fail(error_r, 0, "%s: too large", path);
		}
	(void)close(fd);
	if (n < 0)
		return pgp_fail(error_r, gpg_error_from_syserror(), "%s", path);
	return 0;
}

/*
 * conf_compare - every option line of have is one of want's lines (each
 * once), and every line of want is there; comments and blank lines are
 * ignored, runs of white space count as one space
 */
static int
conf_compare(const char *file, const struct buf *have, const struct buf *want,
    char **error_r)
{
	const char *p, *e, *end;
	char line[512];
	size_t n, k, i, nwant = 0, seen[64];
	const char *wline[64];
	char wbuf[64][128];

	/* Split want (our own text) into lines. */
	for (p = buf_cstr(want); *p != '\0'; p = *e ? e + 1 : e) {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		if (*p == '#' || e == p)
			continue;
		PSIRT_ASSERT(nwant < PSIRT_NELEM(wbuf) &&
		    (size_t)(e - p) < sizeof(wbuf[0]));
		memcpy(wbuf[nwant], p, (size_t)(e - p));
		wbuf[nwant][e - p] = '\0';
		wline[nwant] = wbuf[nwant];
		seen[nwant++] = 0;
	}
	p = (const char *)have->data;
	end = p + have->len;
	for (; p != NULL && p < end; p = e < end ? e + 1 : end) {
		e = memchr(p, '\n', (size_t)(end - p));
		if (e == NULL)
			e = end;
		/* Normalize: trim, collapse white space. */
		for (n = 0, k = 0; p + k < e; k++) {
			char ch = p[k];

			if (ch == '\0')
				return pgp_fail(error_r, 0, "%s: NUL byte",
				    file);
			if (ch == ' ' || ch == '\t' || ch == '\r') {
				if (n > 0 && line[n - 1] != ' ' &&
				    n < sizeof(line) - 1)
					line[n++] = ' ';
				continue;
			}
			if (n >= sizeof(line) - 1)
				return pgp_fail(error_r, 0,
				    "%s: line too long", file);
			line[n++] = ch;
		}
		if (n > 0 && line[n - 1] == ' ')
			n--;
		line[n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		for (i = 0; i < nwant; i++)
			if (strcmp(line, wline[i]) == 0)
				break;
		if (i == nwant)
			return pgp_fail(error_r, 0,
			    "%s: option not allowed or wrong value: %.60s",
			    file, line);
		if (seen[i]++)
			return pgp_fail(error_r, 0, "%s: repeated: %s", file,
			    line);
	}
	for (i = 0; i < nwant; i++)
		if (!seen[i])
			return pgp_fail(error_r, 0, "%s: missing: %s", file,
			    wline[i]);
	return 0;
}

/* pgp_check_gpg_conf - verify the hardened configuration; see pgp.h */
int
pgp_check_gpg_conf(const char *gnupg_home, size_t max_decrypted_size,
    char **error_r)
{
	static const char *const overrides[] = {
		"gpg.conf-2.2", "gpg.conf-2", "common.conf"
	};
	static const char *const files[] = { "gpg.conf", "gpg-agent.conf" };
	struct buf have, want;
	struct stat st;
	char path[4096];
	size_t i;
	int ret;

	if (max_decrypted_size > SIZE_MAX - PGP_MAX_OUTPUT_SLACK)
		return pgp_fail(error_r, 0, "max_decrypted_size too large");
	if (lstat(gnupg_home, &st) != 0)
		return pgp_fail(error_r, gpg_error_from_syserror(), "%s",
		    gnupg_home);
	if (!S_ISDIR(st.st_mode) || !safe_mode(&st))
		return pgp_fail(error_r, 0, "%s: not a directory owned by us "
		    "and writable only by us", gnupg_home);
	for (i = 0; i < PSIRT_NELEM(overrides); i++) {
		if (path_join(path, sizeof(path), gnupg_home, overrides[i])
		    != 0)
			return pgp_fail(error_r, 0, "%s: path too long",
			    gnupg_home);
		if (lstat(path, &st) == 0 || errno != ENOENT)
			return pgp_fail(error_r, 0, "%s: must not exist (it "
			    "would override gpg.conf)", path);
	}
	for (i = 0; i < PSIRT_NELEM(files); i++) {
		if (read_conf(gnupg_home, files[i], &have, error_r) != 0) {
			buf_free(&have);
			return -1;
		}
		conf_text(&want, i == 0, max_decrypted_size);
		ret = conf_compare(files[i], &have, &want, error_r);
		buf_free(&have);
		buf_free(&want);
		if (ret != 0)
			return -1;
	}
	return 0;
}

/* pgp_signer - the gateway's signing key; see pgp.h */
int
pgp_signer(struct pgp *p, const char *configured, char fpr[PGP_FPR_MAX + 1],
    char **error_r)
{
	gpgme_key_t key = NULL, next = NULL;
	gpgme_error_t err;
	int n = 0;

	fpr[0] = '\0';
	/* A configured fingerprint is taken as it is: gpg checks it. */
	if (configured != NULL && is_fpr(configured) &&
	    strlen(configured) <= PGP_FPR_MAX) {
		(void)snprintf(fpr, PGP_FPR_MAX + 1, "%s", configured);
		for (n = 0; fpr[n] != '\0'; n++)
			if (fpr[n] >= 'a' && fpr[n] <= 'f')
				fpr[n] = (char)(fpr[n] - 'a' + 'A');
		return 0;
	}
	keyring_lock(p, LOCK_SH);
	err = gpgme_op_keylist_start(p->ctx, configured != NULL &&
	    configured[0] != '\0' ? configured : NULL, 1);
	while (err == 0 && (err = gpgme_op_keylist_next(p->ctx, &next)) == 0) {
		if (n++ == 0 && next->subkeys != NULL &&
		    next->subkeys->fpr != NULL && next->can_sign &&
		    !next->revoked && !next->expired && !next->disabled)
			key = next;
		else
			gpgme_key_unref(next);
	}
	(void)gpgme_op_keylist_end(p->ctx);
	keyring_unlock(p);
	if (gpg_err_code(err) != GPG_ERR_EOF)
		n = 0;
	if (n == 1 && key != NULL &&
	    strlen(key->subkeys->fpr) <= PGP_FPR_MAX) {
		(void)snprintf(fpr, PGP_FPR_MAX + 1, "%s", key->subkeys->fpr);
		gpgme_key_unref(p->signer);
		p->signer = key;	/* for pgp_sign_encrypt() */
		key = NULL;
	}
	gpgme_key_unref(key);
	if (fpr[0] != '\0')
		return 0;
	return pgp_fail(error_r, gpg_err_code(err) == GPG_ERR_EOF ? 0 : err,
	    n > 1 ? "more than one secret key: set gateway_key" :
	    "no usable secret key to sign with (gateway_key)");
}
