/*
 * NAME
 *	cvss - parse and score CVSS v3.1 and v4.0 vector strings
 * DESCRIPTION
 *	See include/psirt/cvss.h. One table per version names every metric
 *	and its allowed values; parse() fills an array of value indexes from
 *	it (-1: absent or X). Scoring then follows the specifications:
 *
 *	v3.1: section 7.1 (Base) and Appendix A (Roundup), with the weights
 *	of section 7.4.
 *
 *	v4.0: section 8 and FIRST's reference calculator, which the
 *	specification names as normative for the scoring details: the
 *	MacroVector (EQ1-EQ6) is looked up in cvss40_lookup (FIRST's
 *	cvss_lookup.js, re-typed as data, scores times ten); the score is
 *	then lowered by the mean proportional severity distance to the
 *	highest-severity vectors of the MacroVector. The arithmetic is
 *	done in double in the calculator's order so that the rounding
 *	agrees with it to the last digit.
 * LIMITS
 *	CVSS_VECTOR_MAX bytes.
 * DIAGNOSTICS
 *	-1 with error_r naming the metric.
 * SECURITY
 *	Pure: no I/O, no allocation. Only printable ASCII is accepted; the
 *	error message quotes at most CVSS_QUOTE_MAX bytes of the input.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psirt/compat.h"
#include "psirt/cvss.h"

#define CVSS_QUOTE_MAX 16
#define MAX_METRICS 32

/* Groups: base (mandatory), threat, environmental, supplemental. */
enum group { G_BASE, G_THREAT, G_ENV, G_SUPP };

struct metric {
	const char *name;
	enum group group;
	const char *const *values;	/* NULL-terminated; "X" first if any */
};

/* ---- CVSS v3.1: specification section 7.4 -------------------------- */

static const char *const v3_av[] = { "N", "A", "L", "P", NULL };
static const char *const v3_ac[] = { "L", "H", NULL };
static const char *const v3_pr[] = { "N", "L", "H", NULL };
static const char *const v3_ui[] = { "N", "R", NULL };
static const char *const v3_s[] = { "U", "C", NULL };
static const char *const v3_cia[] = { "H", "L", "N", NULL };
static const char *const v3_e[] = { "X", "U", "P", "F", "H", NULL };
static const char *const v3_rl[] = { "X", "O", "T", "W", "U", NULL };
static const char *const v3_rc[] = { "X", "U", "R", "C", NULL };
static const char *const v3_req[] = { "X", "L", "M", "H", NULL };
static const char *const v3_mav[] = { "X", "N", "A", "L", "P", NULL };
static const char *const v3_mac[] = { "X", "L", "H", NULL };
static const char *const v3_mpr[] = { "X", "N", "L", "H", NULL };
static const char *const v3_mui[] = { "X", "N", "R", NULL };
static const char *const v3_ms[] = { "X", "U", "C", NULL };
static const char *const v3_mcia[] = { "X", "N", "L", "H", NULL };

enum { V3_AV, V3_AC, V3_PR, V3_UI, V3_S, V3_C, V3_I, V3_A, V3__BASE };

static const struct metric v3_metrics[] = {
	{ "AV", G_BASE, v3_av }, { "AC", G_BASE, v3_ac },
	{ "PR", G_BASE, v3_pr }, { "UI", G_BASE, v3_ui },
	{ "S", G_BASE, v3_s }, { "C", G_BASE, v3_cia },
	{ "I", G_BASE, v3_cia }, { "A", G_BASE, v3_cia },
	{ "E", G_THREAT, v3_e }, { "RL", G_THREAT, v3_rl },
	{ "RC", G_THREAT, v3_rc },
	{ "CR", G_ENV, v3_req }, { "IR", G_ENV, v3_req },
	{ "AR", G_ENV, v3_req }, { "MAV", G_ENV, v3_mav },
	{ "MAC", G_ENV, v3_mac }, { "MPR", G_ENV, v3_mpr },
	{ "MUI", G_ENV, v3_mui }, { "MS", G_ENV, v3_ms },
	{ "MC", G_ENV, v3_mcia }, { "MI", G_ENV, v3_mcia },
	{ "MA", G_ENV, v3_mcia },
};

/* ---- CVSS v4.0: specification section 7 ---------------------------- */

static const char *const v4_av[] = { "N", "A", "L", "P", NULL };
static const char *const v4_ac[] = { "L", "H", NULL };
static const char *const v4_at[] = { "N", "P", NULL };
static const char *const v4_pr[] = { "N", "L", "H", NULL };
static const char *const v4_ui[] = { "N", "P", "A", NULL };
static const char *const v4_cia[] = { "H", "L", "N", NULL };
static const char *const v4_e[] = { "X", "A", "P", "U", NULL };
static const char *const v4_req[] = { "X", "H", "M", "L", NULL };
static const char *const v4_mav[] = { "X", "N", "A", "L", "P", NULL };
static const char *const v4_mac[] = { "X", "L", "H", NULL };
static const char *const v4_mat[] = { "X", "N", "P", NULL };
static const char *const v4_mpr[] = { "X", "N", "L", "H", NULL };
static const char *const v4_mui[] = { "X", "N", "P", "A", NULL };
static const char *const v4_mcia[] = { "X", "H", "L", "N", NULL };
static const char *const v4_msia[] = { "X", "S", "H", "L", "N", NULL };
static const char *const v4_s[] = { "X", "N", "P", NULL };
static const char *const v4_au[] = { "X", "N", "Y", NULL };
static const char *const v4_r[] = { "X", "A", "U", "I", NULL };
static const char *const v4_v[] = { "X", "D", "C", NULL };
static const char *const v4_re[] = { "X", "L", "M", "H", NULL };
static const char *const v4_u[] = { "X", "Clear", "Green", "Amber", "Red",
	NULL };

enum {
	V4_AV, V4_AC, V4_AT, V4_PR, V4_UI, V4_VC, V4_VI, V4_VA, V4_SC, V4_SI,
	V4_SA, V4_E, V4_CR, V4_IR, V4_AR, V4_MAV, V4_MAC, V4_MAT, V4_MPR,
	V4_MUI, V4_MVC, V4_MVI, V4_MVA, V4_MSC, V4_MSI, V4_MSA, V4__SUPP
};

static const struct metric v4_metrics[] = {
	{ "AV", G_BASE, v4_av }, { "AC", G_BASE, v4_ac },
	{ "AT", G_BASE, v4_at }, { "PR", G_BASE, v4_pr },
	{ "UI", G_BASE, v4_ui }, { "VC", G_BASE, v4_cia },
	{ "VI", G_BASE, v4_cia }, { "VA", G_BASE, v4_cia },
	{ "SC", G_BASE, v4_cia }, { "SI", G_BASE, v4_cia },
	{ "SA", G_BASE, v4_cia },
	{ "E", G_THREAT, v4_e },
	{ "CR", G_ENV, v4_req }, { "IR", G_ENV, v4_req },
	{ "AR", G_ENV, v4_req }, { "MAV", G_ENV, v4_mav },
	{ "MAC", G_ENV, v4_mac }, { "MAT", G_ENV, v4_mat },
	{ "MPR", G_ENV, v4_mpr }, { "MUI", G_ENV, v4_mui },
	{ "MVC", G_ENV, v4_mcia }, { "MVI", G_ENV, v4_mcia },
	{ "MVA", G_ENV, v4_mcia }, { "MSC", G_ENV, v4_mcia },
	{ "MSI", G_ENV, v4_msia }, { "MSA", G_ENV, v4_msia },
	{ "S", G_SUPP, v4_s }, { "AU", G_SUPP, v4_au },
	{ "R", G_SUPP, v4_r }, { "V", G_SUPP, v4_v },
	{ "RE", G_SUPP, v4_re }, { "U", G_SUPP, v4_u },
};

/*
 * The CVSS v4.0 MacroVector scores: FIRST's cvss_lookup.js (the data of
 * the reference calculator), as EQ1..EQ6 and the score times ten. Sorted
 * by MacroVector; 270 entries (EQ3=2 only with EQ6=1).
 */
static const struct {
	char macro[7];
	unsigned char score10;
} cvss40_lookup[] = {
	{ "000000", 100 }, { "000001", 99 }, { "000010", 98 },
	{ "000011", 95 }, { "000020", 95 }, { "000021", 92 },
	{ "000100", 100 }, { "000101", 96 }, { "000110", 93 },
	{ "000111", 87 }, { "000120", 91 }, { "000121", 81 },
	{ "000200", 93 }, { "000201", 90 }, { "000210", 89 },
	{ "000211", 80 }, { "000220", 81 }, { "000221", 68 },
	{ "001000", 98 }, { "001001", 95 }, { "001010", 95 },
	{ "001011", 92 }, { "001020", 90 }, { "001021", 84 },
	{ "001100", 93 }, { "001101", 92 }, { "001110", 89 },
	{ "001111", 81 }, { "001120", 81 }, { "001121", 65 },
	{ "001200", 88 }, { "001201", 80 }, { "001210", 78 },
	{ "001211", 70 }, { "001220", 69 }, { "001221", 48 },
	{ "002001", 92 }, { "002011", 82 }, { "002021", 72 },
	{ "002101", 79 }, { "002111", 69 }, { "002121", 50 },
	{ "002201", 69 }, { "002211", 55 }, { "002221", 27 },
	{ "010000", 99 }, { "010001", 97 }, { "010010", 95 },
	{ "010011", 92 }, { "010020", 92 }, { "010021", 85 },
	{ "010100", 95 }, { "010101", 91 }, { "010110", 90 },
	{ "010111", 83 }, { "010120", 84 }, { "010121", 71 },
	{ "010200", 92 }, { "010201", 81 }, { "010210", 82 },
	{ "010211", 71 }, { "010220", 72 }, { "010221", 53 },
	{ "011000", 95 }, { "011001", 93 }, { "011010", 92 },
	{ "011011", 85 }, { "011020", 85 }, { "011021", 73 },
	{ "011100", 92 }, { "011101", 82 }, { "011110", 80 },
	{ "011111", 72 }, { "011120", 70 }, { "011121", 59 },
	{ "011200", 84 }, { "011201", 70 }, { "011210", 71 },
	{ "011211", 52 }, { "011220", 50 }, { "011221", 30 },
	{ "012001", 86 }, { "012011", 75 }, { "012021", 52 },
	{ "012101", 71 }, { "012111", 52 }, { "012121", 29 },
	{ "012201", 63 }, { "012211", 29 }, { "012221", 17 },
	{ "100000", 98 }, { "100001", 95 }, { "100010", 94 },
	{ "100011", 87 }, { "100020", 91 }, { "100021", 81 },
	{ "100100", 94 }, { "100101", 89 }, { "100110", 86 },
	{ "100111", 74 }, { "100120", 77 }, { "100121", 64 },
	{ "100200", 87 }, { "100201", 75 }, { "100210", 74 },
	{ "100211", 63 }, { "100220", 63 }, { "100221", 49 },
	{ "101000", 94 }, { "101001", 89 }, { "101010", 88 },
	{ "101011", 77 }, { "101020", 76 }, { "101021", 67 },
	{ "101100", 86 }, { "101101", 76 }, { "101110", 74 },
	{ "101111", 58 }, { "101120", 59 }, { "101121", 50 },
	{ "101200", 72 }, { "101201", 57 }, { "101210", 57 },
	{ "101211", 52 }, { "101220", 52 }, { "101221", 25 },
	{ "102001", 83 }, { "102011", 70 }, { "102021", 54 },
	{ "102101", 65 }, { "102111", 58 }, { "102121", 26 },
	{ "102201", 53 }, { "102211", 21 }, { "102221", 13 },
	{ "110000", 95 }, { "110001", 90 }, { "110010", 88 },
	{ "110011", 76 }, { "110020", 76 }, { "110021", 70 },
	{ "110100", 90 }, { "110101", 77 }, { "110110", 75 },
	{ "110111", 62 }, { "110120", 61 }, { "110121", 53 },
	{ "110200", 77 }, { "110201", 66 }, { "110210", 68 },
	{ "110211", 59 }, { "110220", 52 }, { "110221", 30 },
	{ "111000", 89 }, { "111001", 78 }, { "111010", 76 },
	{ "111011", 67 }, { "111020", 62 }, { "111021", 58 },
	{ "111100", 74 }, { "111101", 59 }, { "111110", 57 },
	{ "111111", 57 }, { "111120", 47 }, { "111121", 23 },
	{ "111200", 61 }, { "111201", 52 }, { "111210", 57 },
	{ "111211", 29 }, { "111220", 24 }, { "111221", 16 },
	{ "112001", 71 }, { "112011", 59 }, { "112021", 30 },
	{ "112101", 58 }, { "112111", 26 }, { "112121", 15 },
	{ "112201", 23 }, { "112211", 13 }, { "112221", 6 },
	{ "200000", 93 }, { "200001", 87 }, { "200010", 86 },
	{ "200011", 72 }, { "200020", 75 }, { "200021", 58 },
	{ "200100", 86 }, { "200101", 74 }, { "200110", 74 },
	{ "200111", 61 }, { "200120", 56 }, { "200121", 34 },
	{ "200200", 70 }, { "200201", 54 }, { "200210", 52 },
	{ "200211", 40 }, { "200220", 40 }, { "200221", 22 },
	{ "201000", 85 }, { "201001", 75 }, { "201010", 74 },
	{ "201011", 55 }, { "201020", 62 }, { "201021", 51 },
	{ "201100", 72 }, { "201101", 57 }, { "201110", 55 },
	{ "201111", 41 }, { "201120", 46 }, { "201121", 19 },
	{ "201200", 53 }, { "201201", 36 }, { "201210", 34 },
	{ "201211", 19 }, { "201220", 19 }, { "201221", 8 },
	{ "202001", 64 }, { "202011", 51 }, { "202021", 20 },
	{ "202101", 47 }, { "202111", 21 }, { "202121", 11 },
	{ "202201", 24 }, { "202211", 9 }, { "202221", 4 },
	{ "210000", 88 }, { "210001", 75 }, { "210010", 73 },
	{ "210011", 53 }, { "210020", 60 }, { "210021", 50 },
	{ "210100", 73 }, { "210101", 55 }, { "210110", 59 },
	{ "210111", 40 }, { "210120", 41 }, { "210121", 20 },
	{ "210200", 54 }, { "210201", 43 }, { "210210", 45 },
	{ "210211", 22 }, { "210220", 20 }, { "210221", 11 },
	{ "211000", 75 }, { "211001", 55 }, { "211010", 58 },
	{ "211011", 45 }, { "211020", 40 }, { "211021", 21 },
	{ "211100", 61 }, { "211101", 51 }, { "211110", 48 },
	{ "211111", 18 }, { "211120", 20 }, { "211121", 9 },
	{ "211200", 46 }, { "211201", 18 }, { "211210", 17 },
	{ "211211", 7 }, { "211220", 8 }, { "211221", 2 },
	{ "212001", 53 }, { "212011", 24 }, { "212021", 14 },
	{ "212101", 24 }, { "212111", 12 }, { "212121", 5 },
	{ "212201", 10 }, { "212211", 3 }, { "212221", 1 },
};

/* set_error - format a message into error_r, marking a cut with "..." */
static int
set_error(char error_r[CVSS_ERROR_MAX], const char *fmt, ...)
    PSIRT_PRINTF(2, 3);
static int
set_error(char error_r[CVSS_ERROR_MAX], const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(error_r, CVSS_ERROR_MAX, fmt, ap);
	va_end(ap);
	if (n < 0)
		error_r[0] = '\0';
	else if (n >= CVSS_ERROR_MAX)
		memcpy(error_r + CVSS_ERROR_MAX - 4, "...", 4);
	return -1;
}

/* quote - a short printable copy of len bytes of s for a message */
static void
quote(const char *s, size_t len, char out[CVSS_QUOTE_MAX + 4])
{
	size_t n = len > CVSS_QUOTE_MAX ? CVSS_QUOTE_MAX : len;

	memcpy(out, s, n);
	if (n < len)
		memcpy(out + n, "...", 3), n += 3;
	out[n] = '\0';
}

/* values_list - "N, A, L, P" (without X) for a message */
static void
values_list(const char *const *values, char *out, size_t size)
{
	size_t used = 0, i;
	int n;

	out[0] = '\0';
	for (i = 0; values[i] != NULL; i++) {
		n = snprintf(out + used, size - used, "%s%s", used ? ", " : "",
		    values[i]);
		if (n < 0 || (size_t)n >= size - used)
			return;		/* a shorter list is still a hint */
		used += (size_t)n;
	}
}

/*
 * parse - split "KEY:VALUE/..." (after the prefix) into vals[] (value
 * index, -1 for absent or X) against the metric table; -1 with error_r
 */
static int
parse(const char *p, const struct metric *m, size_t nm, int vals[],
    char error_r[CVSS_ERROR_MAX])
{
	char q[CVSS_QUOTE_MAX + 4], list[96];
	unsigned char seen[MAX_METRICS];
	const char *slash, *colon, *end;
	size_t i, j, klen, vlen;

	PSIRT_ASSERT(nm <= MAX_METRICS);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < nm; i++)
		vals[i] = -1;
	while (*p != '\0') {
		slash = strchr(p, '/');
		end = slash != NULL ? slash : p + strlen(p);
		if (end == p)
			return set_error(error_r, "empty metric (a stray "
			    "'/')");
		colon = memchr(p, ':', (size_t)(end - p));
		if (colon == NULL) {
			quote(p, (size_t)(end - p), q);
			return set_error(error_r, "\"%s\": not METRIC:VALUE",
			    q);
		}
		klen = (size_t)(colon - p);
		vlen = (size_t)(end - colon - 1);
		for (i = 0; i < nm; i++)
			if (strlen(m[i].name) == klen &&
			    memcmp(m[i].name, p, klen) == 0)
				break;
		if (i == nm) {
			quote(p, klen, q);
			return set_error(error_r, "unknown metric \"%s\"", q);
		}
		if (seen[i])
			return set_error(error_r, "metric %s given twice",
			    m[i].name);
		seen[i] = 1;
		for (j = 0; m[i].values[j] != NULL; j++)
			if (strlen(m[i].values[j]) == vlen &&
			    memcmp(m[i].values[j], colon + 1, vlen) == 0)
				break;
		if (m[i].values[j] == NULL) {
			quote(colon + 1, vlen, q);
			values_list(m[i].values, list, sizeof(list));
			return set_error(error_r, "%s: invalid value \"%s\" "
			    "(one of %s)", m[i].name, q, list);
		}
		vals[i] = strcmp(m[i].values[j], "X") == 0 ? -1 : (int)j;
		p = slash != NULL ? slash + 1 : end;
		if (slash != NULL && *p == '\0')
			return set_error(error_r, "empty metric (a stray "
			    "'/' at the end)");
	}
	for (i = 0; i < nm; i++)
		if (m[i].group == G_BASE && !seen[i])
			return set_error(error_r, "missing base metric %s",
			    m[i].name);
	return 0;
}

/* cvss_severity - the rating word of a score times ten */
const char *
cvss_severity(int score10)
{
	if (score10 <= 0)
		return "none";
	if (score10 < 40)
		return "low";
	if (score10 < 70)
		return "medium";
	if (score10 < 90)
		return "high";
	return "critical";
}

/* cvss_severity_valid - 1 if s is one of the five rating words */
int
cvss_severity_valid(const char *s)
{
	static const char *const words[] = { "none", "low", "medium",
		"high", "critical" };
	size_t i;

	for (i = 0; s != NULL && i < PSIRT_NELEM(words); i++)
		if (strcmp(s, words[i]) == 0)
			return 1;
	return 0;
}

/*
 * cvss31_roundup10 - Appendix A: the smallest number with one decimal
 * equal to or above x, computed on integers (x * 100000 rounded) so that
 * floating-point noise does not push 4.0 to 4.1; returned times ten
 */
int
cvss31_roundup10(double x)
{
	long long i;

	if (x <= 0)
		return 0;
	i = (long long)(x * 100000.0 + 0.5);
	if (i % 10000 == 0)
		return (int)(i / 10000);
	return (int)(i / 10000 + 1);
}

/* pow15 - x to the 15th power by multiplication (no libm) */
static double
pow15(double x)
{
	double x2 = x * x, x4 = x2 * x2, x8 = x4 * x4;

	return x8 * x4 * x2 * x;
}

/* score_v31 - the Base score (section 7.1) of parsed v3.1 values */
static int
score_v31(const int vals[])
{
	static const double av[] = { 0.85, 0.62, 0.55, 0.2 };
	static const double ac[] = { 0.77, 0.44 };
	static const double pr_u[] = { 0.85, 0.62, 0.27 };
	static const double pr_c[] = { 0.85, 0.68, 0.5 };
	static const double ui[] = { 0.85, 0.62 };
	static const double cia[] = { 0.56, 0.22, 0 };
	int changed = vals[V3_S] == 1;
	double iss, impact, expl;

	iss = 1 - ((1 - cia[vals[V3_C]]) * (1 - cia[vals[V3_I]]) *
	    (1 - cia[vals[V3_A]]));
	if (changed)
		impact = 7.52 * (iss - 0.029) - 3.25 * pow15(iss - 0.02);
	else
		impact = 6.42 * iss;
	expl = 8.22 * av[vals[V3_AV]] * ac[vals[V3_AC]] *
	    (changed ? pr_c : pr_u)[vals[V3_PR]] * ui[vals[V3_UI]];
	if (impact <= 0)
		return 0;
	if (changed)
		return cvss31_roundup10(1.08 * (impact + expl) < 10 ?
		    1.08 * (impact + expl) : 10);
	return cvss31_roundup10(impact + expl < 10 ? impact + expl : 10);
}

/* ---- CVSS v4.0 scoring --------------------------------------------- */

/* Metrics with a severity level, in the calculator's METRIC_LEVELS. */
enum lvl {
	L_AV, L_PR, L_UI, L_AC, L_AT, L_VC, L_VI, L_VA, L_SC, L_SI, L_SA,
	L_CR, L_IR, L_AR, L_E, L__COUNT
};

/* v4 - effective values (one letter each) of a parsed v4.0 vector */
struct v4 {
	char eff[L__COUNT];
	char msi, msa;		/* raw MSI and MSA, 'X' if absent */
};

/* letter - the value letter of metric i, or dflt if absent */
static char
letter(const int vals[], int i, char dflt)
{
	return vals[i] < 0 ? dflt : v4_metrics[i].values[vals[i]][0];
}

/*
 * v4_effective - the calculator's getEffectiveMetricValue: E defaults to
 * A and CR/IR/AR to H (worst case); a modified metric replaces its base
 */
static void
v4_effective(const int vals[], struct v4 *v)
{
	static const struct {
		enum lvl l;
		int base, mod;
	} map[] = {
		{ L_AV, V4_AV, V4_MAV }, { L_PR, V4_PR, V4_MPR },
		{ L_UI, V4_UI, V4_MUI }, { L_AC, V4_AC, V4_MAC },
		{ L_AT, V4_AT, V4_MAT }, { L_VC, V4_VC, V4_MVC },
		{ L_VI, V4_VI, V4_MVI }, { L_VA, V4_VA, V4_MVA },
		{ L_SC, V4_SC, V4_MSC }, { L_SI, V4_SI, V4_MSI },
		{ L_SA, V4_SA, V4_MSA },
	};
	size_t i;

	for (i = 0; i < PSIRT_NELEM(map); i++)
		v->eff[map[i].l] = vals[map[i].mod] >= 0 ?
		    letter(vals, map[i].mod, 'X') :
		    letter(vals, map[i].base, 'X');
	v->eff[L_CR] = letter(vals, V4_CR, 'H');
	v->eff[L_IR] = letter(vals, V4_IR, 'H');
	v->eff[L_AR] = letter(vals, V4_AR, 'H');
	v->eff[L_E] = letter(vals, V4_E, 'A');
	v->msi = letter(vals, V4_MSI, 'X');
	v->msa = letter(vals, V4_MSA, 'X');
}

/* level - the calculator's METRIC_LEVELS value of a letter */
static double
level(enum lvl l, char c)
{
	switch (l) {
	case L_AV:
		return c == 'N' ? 0.0 : c == 'A' ? 0.1 : c == 'L' ? 0.2 : 0.3;
	case L_PR:
		return c == 'N' ? 0.0 : c == 'L' ? 0.1 : 0.2;
	case L_UI:
		return c == 'N' ? 0.0 : c == 'P' ? 0.1 : 0.2;
	case L_AC:
		return c == 'L' ? 0.0 : 0.1;
	case L_AT:
		return c == 'N' ? 0.0 : 0.1;
	case L_VC: case L_VI: case L_VA:
		return c == 'H' ? 0.0 : c == 'L' ? 0.1 : 0.2;
	case L_SC:
		return c == 'H' ? 0.1 : c == 'L' ? 0.2 : 0.3;
	case L_SI: case L_SA:
		return c == 'S' ? 0.0 : c == 'H' ? 0.1 : c == 'L' ? 0.2 : 0.3;
	case L_CR: case L_IR: case L_AR:
		return c == 'H' ? 0.0 : c == 'M' ? 0.1 : 0.2;
	case L_E:
		return c == 'A' ? 0.0 : c == 'P' ? 0.1 : 0.2;
	default:
		PSIRT_ASSERT(!"bad metric level");
		return 0;
	}
}

/* v4_macrovector - EQ1..EQ6 (specification tables 24-29) */
static void
v4_macrovector(const struct v4 *v, int eq[6])
{
	const char *e = v->eff;
	int anyn = e[L_AV] == 'N' || e[L_PR] == 'N' || e[L_UI] == 'N';

	if (e[L_AV] == 'N' && e[L_PR] == 'N' && e[L_UI] == 'N')
		eq[0] = 0;
	else if (anyn && e[L_AV] != 'P')
		eq[0] = 1;
	else
		eq[0] = 2;
	eq[1] = e[L_AC] == 'L' && e[L_AT] == 'N' ? 0 : 1;
	if (e[L_VC] == 'H' && e[L_VI] == 'H')
		eq[2] = 0;
	else if (e[L_VC] == 'H' || e[L_VI] == 'H' || e[L_VA] == 'H')
		eq[2] = 1;
	else
		eq[2] = 2;
	if (v->msi == 'S' || v->msa == 'S')
		eq[3] = 0;
	else if (e[L_SC] == 'H' || e[L_SI] == 'H' || e[L_SA] == 'H')
		eq[3] = 1;
	else
		eq[3] = 2;
	eq[4] = e[L_E] == 'A' ? 0 : e[L_E] == 'P' ? 1 : 2;
	eq[5] = (e[L_CR] == 'H' && e[L_VC] == 'H') ||
	    (e[L_IR] == 'H' && e[L_VI] == 'H') ||
	    (e[L_AR] == 'H' && e[L_VA] == 'H') ? 0 : 1;
}

/* lookup - the MacroVector's score (a double, as the calculator's), or -1 */
static double
lookup(const int eq[6])
{
	char key[7];
	size_t lo = 0, hi = PSIRT_NELEM(cvss40_lookup), mid;
	int i, c;

	for (i = 0; i < 6; i++) {
		if (eq[i] < 0 || eq[i] > 9)
			return -1;
		key[i] = (char)('0' + eq[i]);
	}
	key[6] = '\0';
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(key, cvss40_lookup[mid].macro);
		if (c == 0)
			return cvss40_lookup[mid].score10 / 10.0;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/*
 * The highest-severity vectors of each MacroVector level (the
 * calculator's MAX_COMPOSED), as letters of the metrics each EQ covers.
 */
static const char *const max_eq1[3][3] = {
	{ "NNN" },			/* AV PR UI */
	{ "ANN", "NLN", "NNP" },
	{ "PNN", "ALP" },
};
static const char *const max_eq2[2][2] = {
	{ "LN" },			/* AC AT */
	{ "HN", "LP" },
};
static const char *const max_eq36[3][2][5] = {	/* VC VI VA CR IR AR */
	{ { "HHHHHH" }, { "HHLMMH", "HHHMMM" } },
	{ { "LHHHHH", "HLHHHH" },
	  { "LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM" } },
	{ { NULL }, { "LLLHHH" } },
};
static const char *const max_eq4[3] = { "HSS", "HHH", "LLL" }; /* SC SI SA */
static const char max_eq5[3] = { 'A', 'P', 'U' };	/* E */
/* The calculator's MAX_SEVERITY: depth of each level, in steps of 0.1. */
static const int depth_eq1[3] = { 1, 4, 5 };
static const int depth_eq2[2] = { 1, 2 };
static const int depth_eq36[3][2] = { { 7, 6 }, { 8, 8 }, { 0, 10 } };
static const int depth_eq4[3] = { 6, 5, 4 };

/* distances - severity distance of each metric from a max vector */
static int
distances(const struct v4 *v, const char *m1, const char *m2,
    const char *m36, const char *m4, char m5, double d[L__COUNT])
{
	char mx[L__COUNT];
	int i;

	mx[L_AV] = m1[0], mx[L_PR] = m1[1], mx[L_UI] = m1[2];
	mx[L_AC] = m2[0], mx[L_AT] = m2[1];
	mx[L_VC] = m36[0], mx[L_VI] = m36[1], mx[L_VA] = m36[2];
	mx[L_CR] = m36[3], mx[L_IR] = m36[4], mx[L_AR] = m36[5];
	mx[L_SC] = m4[0], mx[L_SI] = m4[1], mx[L_SA] = m4[2];
	mx[L_E] = m5;
	for (i = 0; i < L__COUNT; i++)
		d[i] = level((enum lvl)i, v->eff[i]) - level((enum lvl)i,
		    mx[i]);
	for (i = 0; i < L__COUNT; i++)
		if (d[i] < 0)
			return 0;
	return 1;
}

/* js_round - JavaScript's Math.round for x >= 0 (ties upwards) */
static int
js_round(double x)
{
	long long r = (long long)x;	/* floor, as x >= 0 */

	if (x - (double)r >= 0.5)
		r++;
	return (int)r;
}

/* score_v40 - the specification's section 8 scoring of parsed values */
static int
score_v40(const int vals[], char macro_r[7])
{
	struct v4 v;
	int eq[6], nx[6], i, j, k, l, n, found = 0;
	double value, lower[5], left, right, d[L__COUNT], dist[5], mean;
	double sum;
	int depth[4];
	const char *const *m36;

	v4_effective(vals, &v);
	v4_macrovector(&v, eq);
	for (i = 0; i < 6; i++)
		macro_r[i] = (char)('0' + eq[i]);
	macro_r[6] = '\0';
	if (v.eff[L_VC] == 'N' && v.eff[L_VI] == 'N' && v.eff[L_VA] == 'N' &&
	    v.eff[L_SC] == 'N' && v.eff[L_SI] == 'N' && v.eff[L_SA] == 'N')
		return 0;
	value = lookup(eq);
	PSIRT_ASSERT(value >= 0);

	/* 1a. The score of the next lower MacroVector of each EQ, if any. */
	memcpy(nx, eq, sizeof(nx)), nx[0]++;
	lower[0] = lookup(nx);
	memcpy(nx, eq, sizeof(nx)), nx[1]++;
	lower[1] = lookup(nx);
	memcpy(nx, eq, sizeof(nx));
	if (eq[2] == 0 && eq[5] == 0) {
		/* 00 -> 01 or 10: the higher of the two */
		nx[5]++;
		left = lookup(nx);
		nx[5]--, nx[2]++;
		right = lookup(nx);
		lower[2] = left > right ? left : right;
	} else {
		if (eq[2] == 1 && eq[5] == 0)
			nx[5]++;		/* 10 -> 11 */
		else if (eq[2] == 2)
			nx[2]++, nx[5]++;	/* 21 -> 32: none */
		else
			nx[2]++;		/* 01 -> 11, 11 -> 21 */
		lower[2] = lookup(nx);
	}
	memcpy(nx, eq, sizeof(nx)), nx[3]++;
	lower[3] = lookup(nx);
	memcpy(nx, eq, sizeof(nx)), nx[4]++;
	lower[4] = lookup(nx);

	/*
	 * 1b. The distance from the first highest-severity vector of the
	 * MacroVector that is at least as severe in every metric.
	 */
	m36 = max_eq36[eq[2]][eq[5]];
	for (i = 0; i < 3 && max_eq1[eq[0]][i] != NULL && !found; i++)
		for (j = 0; j < 2 && max_eq2[eq[1]][j] != NULL && !found; j++)
			for (k = 0; k < 5 && m36[k] != NULL && !found; k++)
				found = distances(&v, max_eq1[eq[0]][i],
				    max_eq2[eq[1]][j], m36[k],
				    max_eq4[eq[3]], max_eq5[eq[4]], d);
	dist[0] = d[L_AV] + d[L_PR] + d[L_UI];
	dist[1] = d[L_AC] + d[L_AT];
	dist[2] = d[L_VC] + d[L_VI] + d[L_VA] + d[L_CR] + d[L_IR] + d[L_AR];
	dist[3] = d[L_SC] + d[L_SI] + d[L_SA];
	dist[4] = 0;
	depth[0] = depth_eq1[eq[0]];
	depth[1] = depth_eq2[eq[1]];
	depth[2] = depth_eq36[eq[2]][eq[5]];
	depth[3] = depth_eq4[eq[3]];

	/*
	 * 1c, 1d, 2. The proportion of each distance to the depth of the
	 * level times the available score difference, averaged over the
	 * EQs that have a lower MacroVector.
	 */
	sum = 0;
	n = 0;
	for (l = 0; l < 5; l++) {
		if (lower[l] < 0)
			continue;
		n++;
		if (l < 4)
			sum += (value - lower[l]) * (dist[l] /
			    (depth[l] * 0.1));
	}
	mean = n > 0 ? sum / n : 0;
	/* 3. Minus the mean distance, rounded to one decimal. */
	value -= mean;
	if (value < 0)
		value = 0;
	if (value > 10)
		value = 10;
	return js_round(value * 10);
}

/* cvss_score - check and score a vector */
int
cvss_score(const char *vector, struct cvss_result *r,
    char error_r[CVSS_ERROR_MAX])
{
	int vals[MAX_METRICS], i, t = 0, e = 0;
	size_t len;
	const unsigned char *p;

	memset(r, 0, sizeof(*r));
	error_r[0] = '\0';
	if (vector == NULL || *vector == '\0')
		return set_error(error_r, "empty vector");
	len = strlen(vector);
	if (len > CVSS_VECTOR_MAX)
		return set_error(error_r, "vector longer than %d bytes",
		    CVSS_VECTOR_MAX);
	for (p = (const unsigned char *)vector; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7F)
			return set_error(error_r, "invalid character at "
			    "offset %zu (only printable ASCII, no blanks)",
			    (size_t)(p - (const unsigned char *)vector));
	if (strncmp(vector, "CVSS:3.1/", 9) == 0) {
		if (parse(vector + 9, v3_metrics, PSIRT_NELEM(v3_metrics),
		    vals, error_r) < 0)
			return -1;
		r->version = CVSS_V3_1;
		r->score10 = score_v31(vals);
		r->nomenclature = "base";
	} else if (strncmp(vector, "CVSS:4.0/", 9) == 0) {
		if (parse(vector + 9, v4_metrics, PSIRT_NELEM(v4_metrics),
		    vals, error_r) < 0)
			return -1;
		r->version = CVSS_V4_0;
		r->score10 = score_v40(vals, r->macrovector);
		t = vals[V4_E] >= 0;
		for (i = V4_CR; i <= V4_MSA; i++)
			e |= vals[i] >= 0;
		r->nomenclature = t && e ? "CVSS-BTE" : t ? "CVSS-BT" :
		    e ? "CVSS-BE" : "CVSS-B";
	} else if (strncmp(vector, "CVSS:", 5) == 0)
		return set_error(error_r, "unsupported CVSS version (this "
		    "program scores CVSS:3.1 and CVSS:4.0)");
	else
		return set_error(error_r, "not a CVSS vector (it begins "
		    "with CVSS:3.1/ or CVSS:4.0/)");
	r->severity = cvss_severity(r->score10);
	return 0;
}
