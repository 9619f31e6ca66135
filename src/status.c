/*
 * NAME
 *	status - the words of DESIGN.md for every status
 * DESCRIPTION
 *	One table per status kind; see include/psirt/status.h.
 */
#include <stdio.h>
#include <string.h>

#include "psirt/compat.h"
#include "psirt/status.h"

static const char *const enc_words[ENC__COUNT] = {
	"none", "pgp-mime", "inline", "partial", "failed-no-key",
	"failed-corrupt", "failed-limit"
};

static const char *const sig_words[SIG__COUNT] = {
	"none", "good", "good-uid-mismatch", "unknown-key", "bad",
	"expired-key", "revoked-key", "weak-hash", "partial"
};

static const char *const proc_words[PROC__COUNT] = {
	"stored", "quarantined"
};

static const char *const case_words[CASE__COUNT] = {
	"new", "triage", "accepted", "rejected", "duplicate", "fixing",
	"disclosed", "closed"
};

static const struct {
	unsigned int bit;
	const char *word;
} flag_words[] = {
	{ FLAG_MULTIPLE_FROM, "multiple-from" },
	{ FLAG_SENDER_HEADER, "sender-header-mismatch" },
	{ FLAG_NO_FROM, "no-from" },
	{ FLAG_HTML_ONLY, "html-only" },
	{ FLAG_UNKNOWN_CHARSET, "unknown-charset" },
	{ FLAG_INVALID_UTF8, "invalid-utf8" },
	{ FLAG_BIDI, "bidi-controls" },
	{ FLAG_CONTROLS, "control-characters" },
	{ FLAG_PARSE_ERROR, "parse-error" },
	{ FLAG_INNER_FROM_MISMATCH, "inner-from-mismatch" },
	{ FLAG_INNER_SUBJECT_MISMATCH, "inner-subject-mismatch" },
	{ FLAG_KEY_CHANGED, "key-changed" },
	{ FLAG_UNSIGNED_TEXT, "unsigned-text" },
	{ FLAG_ENCODED_NEWLINE, "encoded-newline" },
	{ FLAG_SENDER_MISMATCH, "sender-mismatch" },
};

/* lookup - index of word in a table, -1 if absent */
static int
lookup(const char *const *table, int n, const char *s)
{
	int i;

	if (s == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(table[i], s) == 0)
			return i;
	return -1;
}

/* enc_status_to_str - word for an encryption status */
const char *
enc_status_to_str(enum enc_status s)
{
	PSIRT_ASSERT((unsigned)s < ENC__COUNT);
	return enc_words[s];
}

/* enc_status_from_str - encryption status for a word, -1 if unknown */
int
enc_status_from_str(const char *s)
{
	return lookup(enc_words, ENC__COUNT, s);
}

/* sig_status_to_str - word for a signature status */
const char *
sig_status_to_str(enum sig_status s)
{
	PSIRT_ASSERT((unsigned)s < SIG__COUNT);
	return sig_words[s];
}

/* sig_status_from_str - signature status for a word, -1 if unknown */
int
sig_status_from_str(const char *s)
{
	return lookup(sig_words, SIG__COUNT, s);
}

/* sig_status_rank - how bad a signature verdict is; the worst wins */
int
sig_status_rank(enum sig_status s)
{
	static const int rank[SIG__COUNT] = {
		[SIG_NONE] = 0, [SIG_GOOD] = 1, [SIG_GOOD_UID_MISMATCH] = 2,
		[SIG_PARTIAL] = 3, [SIG_UNKNOWN_KEY] = 4, [SIG_WEAK_HASH] = 5,
		[SIG_EXPIRED_KEY] = 6, [SIG_REVOKED_KEY] = 7, [SIG_BAD] = 8,
	};

	PSIRT_ASSERT((unsigned)s < SIG__COUNT);
	return rank[s];
}

/* processing_to_str - word for a processing status */
const char *
processing_to_str(enum processing p)
{
	PSIRT_ASSERT((unsigned)p < PROC__COUNT);
	return proc_words[p];
}

/* processing_from_str - processing status for a word, -1 if unknown */
int
processing_from_str(const char *s)
{
	return lookup(proc_words, PROC__COUNT, s);
}

/* case_status_to_str - word for a case status */
const char *
case_status_to_str(enum case_status s)
{
	PSIRT_ASSERT((unsigned)s < CASE__COUNT);
	return case_words[s];
}

/* case_status_from_str - case status for a word, -1 if unknown */
int
case_status_from_str(const char *s)
{
	return lookup(case_words, CASE__COUNT, s);
}

/* flag_to_str - word for one flag bit */
const char *
flag_to_str(unsigned int flag)
{
	size_t i;

	for (i = 0; i < PSIRT_NELEM(flag_words); i++)
		if (flag_words[i].bit == flag)
			return flag_words[i].word;
	PSIRT_ASSERT(!"unknown flag bit");
	return "";
}

/* flag_from_str - bit for one word, 0 if unknown */
unsigned int
flag_from_str(const char *s)
{
	size_t i;

	for (i = 0; i < PSIRT_NELEM(flag_words); i++)
		if (strcmp(flag_words[i].word, s) == 0)
			return flag_words[i].bit;
	return 0;
}

/* flags_format - comma-separated words for a flag set */
int
flags_format(unsigned int flags, char *out, unsigned long n)
{
	size_t i, used = 0;
	int w;

	if (n == 0)
		return -1;
	out[0] = '\0';
	for (i = 0; i < PSIRT_NELEM(flag_words); i++) {
		if (!(flags & flag_words[i].bit))
			continue;
		w = snprintf(out + used, n - used, "%s%s", used ? "," : "",
		    flag_words[i].word);
		if (w < 0 || (size_t)w >= n - used)
			return -1;
		used += (size_t)w;
	}
	return 0;
}
