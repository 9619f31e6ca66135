/*
 * NAME
 *	pgp - OpenPGP through gpgme: decrypt and verify, reporter keys,
 *	signed and encrypted acknowledgements, the gateway's gpg.conf
 * DESCRIPTION
 *	The only module that includes <gpgme.h>; gpgme errors and results are
 *	translated here into the words of DESIGN.md (enum enc_status, enum
 *	sig_status) and never leave it. Only gpgme's structured results are
 *	read, never gpg's text output.
 *
 *	pgp_init() once per process (gpgme's global flags, GNUPGHOME), then
 *	pgp_open() a context, which every other call takes. The GnuPG home is
 *	process-wide (the GNUPGHOME environment variable).
 *
 *	Signature status, strictly (DESIGN.md "Signature status"): good means
 *	a valid signature by a key in the gateway's keyring that is neither
 *	expired nor revoked (nor its signing subkey), made with a strong
 *	digest, whose primary key has a valid (not revoked) user ID whose
 *	address equals from_addr: local part byte for byte, domain ignoring
 *	ASCII case (RFC 5321: only the domain is case-insensitive). Anything
 *	else that verifies is good-uid-mismatch. MD5, SHA-1 and RIPEMD-160
 *	signatures are weak-hash, never good. An expired signature counts as
 *	expired-key. Several signatures: the worst wins, in the order good <
 *	good-uid-mismatch < unknown-key < weak-hash < expired-key <
 *	revoked-key < bad. The fingerprint is always the signing key's
 *	primary fingerprint (a subkey is mapped to its primary), and is set
 *	only when the key is in the keyring (not for unknown-key, nor for a
 *	bad signature).
 * LIMITS
 *	max_decrypted_size: plaintext and cleartext-signed text are written
 *	into a capped buffer; gpgme's write callback refuses the byte past the
 *	cap, which ends gpg at once (a 1.5 KB bzip2 bomb of 1 GiB stops at the
 *	cap, memory bounded by it). The gateway's gpg.conf also sets gpg's
 *	max-output, 1 MiB above the cap so the cap always fires first: gpg
 *	2.2.40 reports a truncated output past max-output as DECRYPTION_OKAY.
 *	Key import: struct pgp_import_limits (size, keys, user IDs, key bits).
 * DIAGNOSTICS
 *	-1 with error_r (caller frees) only for the gateway's trouble: gpg
 *	missing, gpg-agent not answering, our own key unusable, out of memory.
 *	Hostile or broken input is a status and returns 0. A message
 *	encrypted to one of our keys that does not decrypt is failed-corrupt
 *	only after a probe encrypted here to that subkey decrypts; if the
 *	probe fails too, our key is unusable (-1).
 * SECURITY
 *	Plaintext is wiped (explicit_bzero) whenever it is freed or moved, and
 *	on any gpgme error all of it is wiped and none returned (gpg writes
 *	plaintext before it reports a bad MDC; a message without MDC is
 *	failed-corrupt). No key is ever fetched from the network: gpgme runs
 *	offline (gpg --disable-dirmngr) and the gateway's gpg.conf forbids key
 *	retrieval of any kind. The literal-data file name, notations and user
 *	IDs are never returned; recipient key IDs are checked to be hex.
 *	The processes gpgme starts (gpg, and gpg-agent when it is not yet
 *	running) inherit the caller's resource limits and ignored signals.
 *	gpg writes a small lock file in the GnuPG home on every run; under
 *	RLIMIT_FSIZE 0 it is killed by SIGXFSZ unless that signal is
 *	ignored (then the lock is skipped, which reading does not need), and
 *	it cannot start gpg-agent. So a worker that forbids file writes calls
 *	pgp_ready() before lowering its limits and ignores SIGXFSZ; key
 *	import writes the keyring and belongs outside such a worker. It also
 *	needs a few file descriptors (about 10).
 *
 *	gpg.conf's max-output must be above max_decrypted_size (checked by
 *	pgp_check_gpg_conf() with the same value): past max-output gpg 2.2.40
 *	truncates the plaintext and still says DECRYPTION_OKAY.
 *
 *	The keyring is shared by every psirt-filter at once, and gpg itself
 *	does not keep a reader from seeing it replaced: a key import renames
 *	pubring.kbx away before renaming the new one in place. So every gpg
 *	operation here holds a flock() on GNUPGHOME/PGP_KEYRING_LOCK (created
 *	by pgp_open()): shared to read the keyring, exclusive to import.
 *	Anyone else changing the gateway's keyring while the filter runs takes
 *	it exclusive too (flock -x -o GNUPGHOME/psirt-keyring.lock gpg ...).
 */
#ifndef PSIRT_PGP_H
#define PSIRT_PGP_H

#include <stddef.h>
#include "psirt/buf.h"
#include "psirt/status.h"

#define PGP_FPR_MAX 64			/* hex digits: v4 has 40, v5 64 */
#define PGP_KEYID_LEN 16		/* hex digits of a key ID */
#define PGP_MAX_RECIPIENTS 16		/* key IDs kept for failed-no-key */
#define PGP_MAX_OUTPUT_SLACK (1024UL * 1024)	/* max-output over the cap */
#define PGP_KEYRING_LOCK "psirt-keyring.lock"	/* in the GnuPG home */

/* Reporter key import limits and their defaults. */
#define PGP_DEFAULT_MAX_KEY_SIZE (64UL * 1024)
#define PGP_DEFAULT_MAX_KEYS 4UL
#define PGP_DEFAULT_MAX_KEY_UIDS 16UL
#define PGP_DEFAULT_MAX_KEY_SUBKEYS 16UL
#define PGP_DEFAULT_MAX_KEY_BITS 8192UL
#define PGP_MAX_IMPORT_KEYS 16		/* hard bound of max_keys */

/* pgp_sign_encrypt(): the recipient key is missing, expired or revoked */
#define PGP_RECIPIENT_UNUSABLE 1

struct pgp;				/* one gpgme context */

struct pgp_verify {
	enum sig_status sig;		/* the worst signature, or none */
	char fpr[PGP_FPR_MAX + 1];	/* its primary fingerprint, or "" */
	unsigned int nsigs;		/* signatures seen */
};

struct pgp_decrypt {
	enum enc_status enc;		/* the success word, or failed-* */
	struct pgp_verify verify;	/* signatures inside the encryption */
	struct buf plain;		/* plaintext; empty unless decrypted */
	/* failed-no-key: the key IDs it was encrypted to (hex, uppercase) */
	char recipients[PGP_MAX_RECIPIENTS][PGP_KEYID_LEN + 1];
	size_t nrecipients;
};

struct pgp_cleartext {
	struct pgp_verify verify;
	struct buf text;		/* signed text, dash-escaping undone */
	int outside;			/* more than white space around the
					 * one signed block: record partial */
	int limit;			/* signed text over max_size: no text */
};

struct pgp_import_limits {
	size_t max_size;		/* bytes of key data */
	unsigned long max_keys;		/* primary keys in the data */
	unsigned long max_uids;		/* user IDs per key */
	unsigned long max_subkeys;	/* subkeys per key */
	unsigned long max_bits;		/* RSA/DSA/Elgamal key length */
};

struct pgp_import {
	const char *refused;		/* NULL, or why nothing was imported */
	char fpr[PGP_MAX_IMPORT_KEYS][PGP_FPR_MAX + 1];
	size_t nfpr;			/* primary fingerprints imported */
};

/*
 * pgp_init - gpgme's global setup, once per process: the flags
 * disable-gpgconf and gpg-name (PSIRT_GPG_PATH) before gpgme_check_version
 * (no gpgconf probes), GNUPGHOME set to gnupg_home. Calling it again only
 * changes GNUPGHOME (the tests).
 */
int pgp_init(const char *gnupg_home, char **error_r);
/* pgp_open - a context: OpenPGP, offline, pinentry never, local keys only */
int pgp_open(struct pgp **p_r, char **error_r);
/* pgp_close - release the context and NULL the pointer */
void pgp_close(struct pgp **p);
/*
 * pgp_ready - gpg works and sees a secret key through gpg-agent (which it
 * starts if needed): call it before forking a limited worker. -1 with
 * error_r when gpg-agent cannot be reached or no secret key is there.
 */
int pgp_ready(struct pgp *p, char **error_r);

/*
 * pgp_decrypt_verify - decrypt an armored or binary OpenPGP message and
 * verify the signatures inside. d->enc is ok_status (ENC_PGP_MIME or
 * ENC_INLINE, the caller's word for success) with the plaintext in
 * d->plain, or failed-no-key (d->recipients filled; also a message
 * encrypted only to a passphrase), failed-corrupt (tampered, no MDC,
 * garbage, not encrypted at all) or failed-limit (plaintext over
 * max_decrypted_size), each with d->plain empty. from_addr is the single
 * From addr-spec, or NULL. Free d with pgp_decrypt_free() in every case.
 */
int pgp_decrypt_verify(struct pgp *p, const unsigned char *in, size_t len,
    enum enc_status ok_status, const char *from_addr,
    size_t max_decrypted_size, struct pgp_decrypt *d, char **error_r);
/* pgp_decrypt_free - wipe and release the plaintext */
void pgp_decrypt_free(struct pgp_decrypt *d);

/*
 * pgp_verify_detached - verify a detached signature (multipart/signed:
 * data is the signed part, canonical CRLF form, as the caller cut it).
 * No signature, or one that cannot be read at all, is bad.
 */
int pgp_verify_detached(struct pgp *p, const unsigned char *data,
    size_t data_len, const unsigned char *sig, size_t sig_len,
    const char *from_addr, struct pgp_verify *v, char **error_r);

/*
 * pgp_verify_cleartext - verify an armored inline signed block (a
 * cleartext signature, or a signed but not encrypted PGP MESSAGE) and
 * return the signed text, unless it is bad or over max_size (c->limit).
 * c->outside says whether in holds more than the one signed block (text
 * before or after it, or a second block, which gpg 2.2 also calls bad):
 * the caller then records sig partial. Free c with pgp_cleartext_free().
 */
int pgp_verify_cleartext(struct pgp *p, const unsigned char *in, size_t len,
    const char *from_addr, size_t max_size, struct pgp_cleartext *c,
    char **error_r);
/* pgp_cleartext_free - wipe and release the text */
void pgp_cleartext_free(struct pgp_cleartext *c);

/* pgp_import_limits_default - the PGP_DEFAULT_* import limits */
void pgp_import_limits_default(struct pgp_import_limits *lim);
/*
 * pgp_import_key - import a reporter's public key(s), bounded: the data is
 * listed first and refused whole (imp->refused: "too-large", "no-key",
 * "too-many-keys", "secret-key", "too-many-uids", "too-many-subkeys",
 * "key-too-large", "import-failed") if any limit is passed; then imported
 * with self-signatures only (gpg.conf: import-options import-minimal).
 * Returns the primary fingerprints imported (new or already known).
 */
int pgp_import_key(struct pgp *p, const unsigned char *in, size_t len,
    const struct pgp_import_limits *lim, struct pgp_import *imp,
    char **error_r);

/*
 * pgp_sign_encrypt - armored OpenPGP for an acknowledgement, appended to
 * out: signed by signer_fpr (the gateway key) and encrypted to
 * recipient_fpr; with recipient_fpr NULL a detached signature of in (for
 * multipart/signed) and *micalg_r its micalg ("pgp-sha512"). Returns
 * PGP_RECIPIENT_UNUSABLE when the recipient key is missing, expired,
 * revoked or cannot encrypt (the caller may sign only); -1 for the
 * gateway's trouble (our key missing or unusable, out too small).
 */
int pgp_sign_encrypt(struct pgp *p, const char *signer_fpr,
    const char *recipient_fpr, const unsigned char *in, size_t len,
    struct buf *out, const char **micalg_r, char **error_r);

/*
 * pgp_signer - the fingerprint of the key acknowledgements are signed
 * with: the one configured (gateway_key), taken as it is without a gpg
 * run (pgp_sign_encrypt() then lets gpg sign with its default key and
 * checks that the signature is that key's), or with configured NULL or ""
 * the only secret key there is (listed, and kept for pgp_sign_encrypt()).
 * -1 with error_r if there is none, more than one, or it cannot sign.
 */
int pgp_signer(struct pgp *p, const char *configured,
    char fpr[PGP_FPR_MAX + 1], char **error_r);

/*
 * pgp_write_gpg_conf - write the gateway's hardened gpg.conf and
 * gpg-agent.conf into gnupg_home (created 0700 if missing), each
 * atomically: no key retrieval of any kind, trust-model always (our own
 * strict rules above decide, not the web of trust; TOFU would keep its
 * own database and policy), max-output max_decrypted_size plus
 * PGP_MAX_OUTPUT_SLACK, weak-digest MD5 SHA1 RIPEMD160, import-minimal.
 */
int pgp_write_gpg_conf(const char *gnupg_home, size_t max_decrypted_size,
    char **error_r);
/*
 * pgp_check_gpg_conf - what --check-config verifies: both files exist,
 * belong to us, are writable by nobody else, hold exactly the options
 * pgp_write_gpg_conf() writes (any other option is refused), and no
 * gpg.conf-2.2 or gpg.conf-2 overrides gpg.conf; the home is not
 * writable by group or others. -1 with error_r naming what is wrong.
 */
int pgp_check_gpg_conf(const char *gnupg_home, size_t max_decrypted_size,
    char **error_r);

#endif
