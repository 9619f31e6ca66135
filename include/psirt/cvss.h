/*
 * NAME
 *	cvss - parse and score CVSS v3.1 and v4.0 vector strings
 * DESCRIPTION
 *	cvss_score() checks a vector string and computes its score and
 *	qualitative severity rating (none, low, medium, high, critical).
 *
 *	CVSS v3.1 ("CVSS:3.1/..."): the Base score of the specification's
 *	section 7.1 with its Roundup function (Appendix A). Temporal and
 *	environmental metrics are checked and may stay in the vector, but
 *	the score is the Base score (nomenclature "base").
 *
 *	CVSS v4.0 ("CVSS:4.0/..."): the MacroVector method of the
 *	specification (section 8): equivalence classes EQ1-EQ6, the score
 *	of the MacroVector from FIRST's lookup table, then the
 *	interpolation by severity distance, over the base, threat and
 *	environmental metrics (nomenclature CVSS-B, CVSS-BT, CVSS-BE or
 *	CVSS-BTE). Supplemental metrics are checked and never scored.
 *
 *	Metrics may come in any order; each at most once; every base metric
 *	is required; "X" (Not Defined) is allowed for the optional ones.
 * LIMITS
 *	CVSS_VECTOR_MAX bytes of vector string.
 * DIAGNOSTICS
 *	cvss_score() returns -1 for an invalid vector with a message naming
 *	the bad metric in error_r ("AV: invalid value \"Q\" (one of N, A, L,
 *	P)", "missing base metric AT", "unknown metric \"XX\"", "metric AV
 *	given twice"). It never allocates and never fails otherwise.
 * SECURITY
 *	The vector is staff input but is treated as untrusted: it is bounded,
 *	only printable ASCII is accepted, and the error message quotes at
 *	most a short, checked piece of it.
 */
#ifndef PSIRT_CVSS_H
#define PSIRT_CVSS_H

#define CVSS_VECTOR_MAX 512
#define CVSS_ERROR_MAX 160

enum cvss_version {
	CVSS_V3_1 = 31,
	CVSS_V4_0 = 40
};

struct cvss_result {
	enum cvss_version version;
	int score10;		   /* the score times ten, 0 to 100 */
	const char *severity;	   /* none, low, medium, high, critical */
	const char *nomenclature;  /* v3.1 "base"; v4.0 "CVSS-B".."CVSS-BTE" */
	char macrovector[7];	   /* v4.0: EQ1..EQ6 digits; v3.1: "" */
};

/* cvss_score - check and score a vector; 0, or -1 with error_r */
int cvss_score(const char *vector, struct cvss_result *r,
    char error_r[CVSS_ERROR_MAX]);
/* cvss_severity - the rating word of a score times ten (0 to 100) */
const char *cvss_severity(int score10);
/* cvss_severity_valid - 1 if s is one of the five rating words */
int cvss_severity_valid(const char *s);
/* cvss31_roundup10 - v3.1 Roundup (Appendix A) of x >= 0, times ten */
int cvss31_roundup10(double x);

#endif
