/*
 * NAME
 *	correlate - follow-ups: which case a message names, and whether its
 *	sender may add to it
 * DESCRIPTION
 *	See include/psirt/correlate.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "psirt/correlate.h"
#include "psirt/status.h"

#define MAX_CANDIDATES 8

/* is_alnum - ASCII letter or digit */
static int
is_alnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/*
 * tag_at - length of a case id "PREFIX-YYYY-NNNN" (4 or more digits of
 * sequence) at s, 0 if none
 */
static size_t
tag_at(const char *s, const char *prefix)
{
	size_t n = strlen(prefix), i, d;

	if (strncmp(s, prefix, n) != 0 || s[n] != '-')
		return 0;
	for (i = n + 1, d = 0; s[i] >= '0' && s[i] <= '9'; i++, d++)
		;
	if (d != 4 || s[i] != '-')
		return 0;
	for (i++, d = 0; s[i] >= '0' && s[i] <= '9'; i++, d++)
		;
	if (d < 4 || d > 9 || i >= STORE_CASE_ID_MAX || is_alnum(s[i]))
		return 0;
	return i;
}

/* find_tags - case ids in text; ack ids only (tag then ".") when acks */
static void
find_tags(const char *text, const char *prefix, int acks,
    char out[][STORE_CASE_ID_MAX], size_t *n)
{
	const char *p;
	size_t len;

	if (text == NULL)
		return;
	for (p = text; *p != '\0' && *n < MAX_CANDIDATES; p++) {
		if (p > text && (is_alnum(p[-1]) || (acks && p[-1] != ' ')))
			continue;
		if ((len = tag_at(p, prefix)) == 0 || (acks && p[len] != '.'))
			continue;
		(void)snprintf(out[(*n)++], STORE_CASE_ID_MAX, "%.*s",
		    (int)len, p);
		p += len - 1;
	}
}

/* correlate - see correlate.h */
int
correlate(struct store *st, const struct report *r, const char *prefix,
    const char *envelope_sender, struct correlation *c, char **error_r)
{
	char cand[MAX_CANDIDATES][STORE_CASE_ID_MAX];
	char *addr = NULL, *fpr = NULL;
	size_t n = 0, outer, i;
	int found, by_addr, by_key;

	memset(c, 0, sizeof(*c));
	find_tags(r->subject, prefix, 0, cand, &n);
	find_tags(r->references, prefix, 1, cand, &n);
	outer = n;
	find_tags(r->inner_subject, prefix, 0, cand, &n);
	for (i = 0; i < n; i++) {
		if (store_case_reporter(st, cand[i], &addr, &fpr, &found,
		    error_r) < 0)
			return -1;
		by_addr = found && addr != NULL && envelope_sender != NULL &&
		    envelope_sender[0] != '\0' &&
		    strcasecmp(addr, envelope_sender) == 0;
		by_key = found && fpr != NULL && r->signature == SIG_GOOD &&
		    r->signer_fpr != NULL && strcmp(fpr, r->signer_fpr) == 0;
		free(addr);
		free(fpr);
		addr = fpr = NULL;
		if (!found || (i >= outer && !by_addr))
			continue;
		(void)snprintf(c->join_case, sizeof(c->join_case), "%s",
		    cand[i]);
		c->followup_ack = by_addr;
		if (!by_addr && !by_key)
			c->flags |= FLAG_SENDER_MISMATCH;
		return 0;
	}
	return 0;
}
