/*
 * NAME
 *	status - the words of DESIGN.md: encryption, signature, processing,
 *	case status and message flags
 * DESCRIPTION
 *	Each status is an enum plus one table giving its word, which is what
 *	the database and --json hold. *_to_str() never fails for a valid enum
 *	(an invalid one is a bug); *_from_str() returns -1 for an unknown word.
 */
#ifndef PSIRT_STATUS_H
#define PSIRT_STATUS_H

enum enc_status {
	ENC_NONE,
	ENC_PGP_MIME,
	ENC_INLINE,
	ENC_PARTIAL,
	ENC_FAILED_NO_KEY,
	ENC_FAILED_CORRUPT,
	ENC_FAILED_LIMIT,
	ENC__COUNT
};

enum sig_status {
	SIG_NONE,
	SIG_GOOD,
	SIG_GOOD_UID_MISMATCH,
	SIG_UNKNOWN_KEY,
	SIG_BAD,
	SIG_EXPIRED_KEY,
	SIG_REVOKED_KEY,
	SIG_WEAK_HASH,
	SIG_PARTIAL,
	SIG__COUNT
};

enum processing {
	PROC_STORED,
	PROC_QUARANTINED,
	PROC__COUNT
};

enum case_status {
	CASE_NEW,
	CASE_TRIAGE,
	CASE_ACCEPTED,
	CASE_REJECTED,
	CASE_DUPLICATE,
	CASE_FIXING,
	CASE_DISCLOSED,
	CASE_CLOSED,
	CASE__COUNT
};

/* Message flags: a bit set, stored as a comma-separated list of words. */
enum msg_flag {
	FLAG_MULTIPLE_FROM = 1u << 0,
	FLAG_SENDER_HEADER = 1u << 1,
	FLAG_NO_FROM = 1u << 2,
	FLAG_HTML_ONLY = 1u << 3,
	FLAG_UNKNOWN_CHARSET = 1u << 4,
	FLAG_INVALID_UTF8 = 1u << 5,
	FLAG_BIDI = 1u << 6,
	FLAG_CONTROLS = 1u << 7,
	FLAG_PARSE_ERROR = 1u << 8,
	FLAG_INNER_FROM_MISMATCH = 1u << 9,
	FLAG_INNER_SUBJECT_MISMATCH = 1u << 10,
	FLAG_KEY_CHANGED = 1u << 11,
	FLAG_UNSIGNED_TEXT = 1u << 12,
	FLAG_ENCODED_NEWLINE = 1u << 13,
	FLAG_SENDER_MISMATCH = 1u << 14,	/* another sender's case tag */
	FLAG__LAST = FLAG_SENDER_MISMATCH
};

const char *enc_status_to_str(enum enc_status s);
int enc_status_from_str(const char *s);
const char *sig_status_to_str(enum sig_status s);
int sig_status_from_str(const char *s);
/*
 * sig_status_rank - how bad a signature verdict is, for "the worst wins":
 * none < good < good-uid-mismatch < partial < unknown-key < weak-hash <
 * expired-key < revoked-key < bad
 */
int sig_status_rank(enum sig_status s);
const char *processing_to_str(enum processing p);
int processing_from_str(const char *s);
const char *case_status_to_str(enum case_status s);
int case_status_from_str(const char *s);
/* flag_to_str - word for one flag bit */
const char *flag_to_str(unsigned int flag);
/* flag_from_str - bit for one word, 0 if unknown */
unsigned int flag_from_str(const char *s);
/*
 * flags_format - comma-separated words for a flag set into out (size n);
 * returns 0, or -1 if n is too small (a bug).
 */
int flags_format(unsigned int flags, char *out, unsigned long n);

#endif
