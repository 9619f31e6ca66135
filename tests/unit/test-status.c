/*
 * NAME
 *	test-status - every status word round-trips; flags format
 */
#include <string.h>

#include "psirt/status.h"
#include "../lib/tap.h"

int
main(void)
{
	char out[512];
	int i;

	for (i = 0; i < ENC__COUNT; i++)
		TAP_LONG_EQ(enc_status_from_str(enc_status_to_str(i)), i,
			    enc_status_to_str(i));
	for (i = 0; i < SIG__COUNT; i++)
		TAP_LONG_EQ(sig_status_from_str(sig_status_to_str(i)), i,
			    sig_status_to_str(i));
	for (i = 0; i < CASE__COUNT; i++)
		TAP_LONG_EQ(case_status_from_str(case_status_to_str(i)), i,
			    case_status_to_str(i));
	TAP_STR_EQ(enc_status_to_str(ENC_FAILED_LIMIT), "failed-limit",
		   "design word failed-limit");
	TAP_STR_EQ(sig_status_to_str(SIG_GOOD_UID_MISMATCH),
		   "good-uid-mismatch", "design word good-uid-mismatch");
	TAP_LONG_EQ(enc_status_from_str("bogus"), -1, "unknown word refused");
	TAP_LONG_EQ(processing_from_str("quarantined"), PROC_QUARANTINED,
		    "quarantined");
	TAP_LONG_EQ(flags_format(0, out, sizeof(out)), 0, "no flags");
	TAP_STR_EQ(out, "", "no flags is empty");
	TAP_LONG_EQ(
	    flags_format(FLAG_MULTIPLE_FROM | FLAG_BIDI, out, sizeof(out)), 0,
	    "two flags");
	TAP_STR_EQ(out, "multiple-from,bidi-controls", "two flags words");
	TAP_LONG_EQ(flags_format(FLAG_MULTIPLE_FROM, out, 4), -1,
		    "too small buffer");
	TAP_LONG_EQ(flag_from_str("key-changed"), FLAG_KEY_CHANGED,
		    "flag from word");
	{
		static const enum sig_status order[] = { SIG_NONE, SIG_GOOD,
		    SIG_GOOD_UID_MISMATCH, SIG_PARTIAL, SIG_UNKNOWN_KEY,
		    SIG_WEAK_HASH, SIG_EXPIRED_KEY, SIG_REVOKED_KEY, SIG_BAD };
		size_t k;

		for (k = 1; k < sizeof(order) / sizeof(order[0]); k++)
			TAP_OK(sig_status_rank(order[k]) >
			    sig_status_rank(order[k - 1]), "%s worse than %s",
			    sig_status_to_str(order[k]),
			    sig_status_to_str(order[k - 1]));
	}
	return tap_done();
}
