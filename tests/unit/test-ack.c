/*
 * NAME
 *	test-ack - acknowledgement templates, who gets no ack, and the reply
 *	headers the worker reads for the parent
 */
#include <stdlib.h>
#include <string.h>

#include "psirt/ack.h"
#include "psirt/mime.h"
#include "psirt/report.h"
#include "../lib/tap.h"

/* render - a template rendered with fixed facts, or "ERROR: message" */
static char *
render(const char *t)
{
	struct ack_facts f = {
		"PSIRT-2026-0042", "2026-11-22T10:00:00Z", 1234,
		"ab12", 1, "04D3870A"
	};
	struct buf out;
	char *err = NULL, *s;

	buf_init(&out, 4096);
	if (ack_template_render(t, strlen(t), &f, &out, &err) < 0) {
		buf_reset(&out);
		(void)buf_printf(&out, "ERROR: %s", err);
		free(err);
	}
	s = buf_steal(&out);
	return s;
}

/* headers - mime_reply_headers() of a header block; the report */
static struct report *
headers(const char *h, const char *from_addr)
{
	struct report *r = report_new();

	report_set(&r->from_addr, from_addr);
	mime_reply_headers((const unsigned char *)h, strlen(h), r);
	return r;
}

int
main(void)
{
	struct report *r;
	char *s, *err = NULL;

	s = render("{case_id} {received} {size} {raw_sha256} "
	    "{arrived_encrypted} {gateway_fingerprint}");
	TAP_STR_EQ(s, "PSIRT-2026-0042 2026-11-22T10:00:00Z 1234 ab12 yes "
	    "04D3870A", "every placeholder");
	free(s);
	s = render("a {{literal} } brace");
	TAP_STR_EQ(s, "a {literal} } brace", "{{ is a literal brace");
	free(s);
	s = render("the {body}");
	TAP_STR_EQ(s, "ERROR: unknown placeholder at byte 4: {body}",
	    "an unknown placeholder is an error naming it");
	free(s);
	s = render("{case_id");
	TAP_OK(strncmp(s, "ERROR", 5) == 0, "an unclosed placeholder");
	free(s);
	TAP_LONG_EQ(ack_template_check("{inner_subject}", 15, &err), -1,
	    "the protected subject is no placeholder");
	free(err);

	TAP_STR_EQ(ack_suppress_reason("", "security@x.test", NULL),
	    "null-sender", "null sender");
	TAP_STR_EQ(ack_suppress_reason("mailer-daemon@x.test",
	    "security@x.test", NULL), "bounce-address", "MAILER-DAEMON");
	TAP_STR_EQ(ack_suppress_reason("Security@X.test", "security@x.test",
	    NULL), "loop", "the gateway itself");
	TAP_STR_EQ(ack_suppress_reason("-oQ/tmp@x.test", "security@x.test",
	    NULL), "bad-address", "an option-like address");
	TAP_STR_EQ(ack_suppress_reason("a b@x.test", "security@x.test", NULL),
	    "bad-address", "a blank in the address");
	TAP_STR_EQ(ack_suppress_reason("nodomain", "security@x.test", NULL),
	    "bad-address", "no domain");
	TAP_OK(ack_suppress_reason("alice@x.test", "security@x.test", NULL) ==
	    NULL, "a plain address gets an ack");
	r = report_new();
	report_set(&r->ack_block, "something-else");
	TAP_STR_EQ(ack_suppress_reason("alice@x.test", "security@x.test", r),
	    "auto-submitted", "an unknown word from the worker still blocks");
	report_free(&r);

	r = headers("Auto-Submitted: no (a person)\nPrecedence: first-class\n"
	    "In-Reply-To: <a@b>\nReferences: <c@d>\n <e@f>\n\nbody", NULL);
	TAP_OK(r->ack_block == NULL, "Auto-Submitted: no, Precedence other");
	TAP_STR_EQ(r->references, "a@b c@d e@f", "In-Reply-To and References");
	report_free(&r);
	r = headers("auto-submitted: auto-replied\n\n", NULL);
	TAP_STR_EQ(r->ack_block, "auto-submitted", "auto-replied");
	report_free(&r);
	r = headers("Precedence: BULK\n\n", NULL);
	TAP_STR_EQ(r->ack_block, "precedence", "Precedence: BULK");
	report_free(&r);
	r = headers("List-Unsubscribe: <mailto:x@y>\n\n", NULL);
	TAP_STR_EQ(r->ack_block, "mailing-list", "List-Unsubscribe");
	report_free(&r);
	r = headers(MIME_LOOP_HEADER ": security@x.test\n\n", NULL);
	TAP_STR_EQ(r->ack_block, "loop", "our loop header");
	report_free(&r);
	r = headers("Autocrypt: addr=a@x.test; keydata=QUJD\n REVG\n\n",
	    "a@x.test");
	TAP_LONG_EQ(r->natt, 1, "Autocrypt: the key becomes a key part");
	TAP_OK(r->natt == 1 && r->att[0].size == 6 &&
	    memcmp(r->att[0].data, "ABCDEF", 6) == 0 &&
	    strcmp(r->att[0].declared_type, "application/pgp-keys") == 0,
	    "Autocrypt: keydata decoded across folded lines");
	report_free(&r);
	r = headers("Autocrypt: addr=other@x.test; keydata=QUJD\n\n",
	    "a@x.test");
	TAP_LONG_EQ(r->natt, 0, "Autocrypt for another address: ignored");
	report_free(&r);
	r = headers("Autocrypt: addr=a@x.test; critical=1; keydata=QUJD\n\n",
	    "a@x.test");
	TAP_LONG_EQ(r->natt, 0, "Autocrypt with an unknown critical "
	    "attribute: ignored");
	report_free(&r);
	r = headers("Autocrypt: addr=a@x.test; _x=1; prefer-encrypt=mutual; "
	    "keydata=QUJD\n\n", "a@x.test");
	TAP_LONG_EQ(r->natt, 1, "Autocrypt: non-critical attributes pass");
	report_free(&r);
	return tap_done();
}
