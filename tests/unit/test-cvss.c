/*
 * NAME
 *	test-cvss - CVSS v3.1 and v4.0 scores against FIRST's published
 *	examples, and invalid vectors named by their bad metric
 * DESCRIPTION
 *	The expected scores are FIRST's, typed from the documents, never
 *	computed by cvss.c:
 *
 *	v31_first: "Common Vulnerability Scoring System v3.1: Examples"
 *	(revision 2, https://www.first.org/cvss/v3.1/examples): every
 *	example's CVSS v3.1 Base Score, the vector read from its metric
 *	table (sections 3 to 31, with the two variants of sections 21, 24
 *	and 31).
 *
 *	v31_first4: the v3.1 vectors and scores printed beside the v4.0
 *	ones in "CVSS v4.0: Examples" (version 1.7.1,
 *	https://www.first.org/cvss/v4.0/examples).
 *
 *	v40_first: every v4.0 vector and the score printed next to it in
 *	"CVSS v4.0: Examples" 1.7.1 (the tables' score, which is the FIRST
 *	calculator's for that vector). Left out, with the reason: the
 *	log4j "Variation 1" base vector (printed 8.2, but that vector
 *	without E:P is MacroVector 010200, 9.2 in FIRST's lookup table:
 *	the 8.2 belongs to the E:P vector of regreSSHion, which is in);
 *	CVE-2023-22394 "Variation 1" (the printed vector says MVA:H, its
 *	calculator link MVA:L).
 *
 *	Values the published examples do not use are covered by rules the
 *	specifications state, applied to a published example: a modified
 *	metric replaces its base metric (v4.0 section 4), supplemental
 *	metrics never change the score (v4.0 section 5), v3.1 temporal and
 *	environmental metrics do not change the Base score (v3.1 section
 *	7.1); and for the v4.0 security requirements by three vectors of
 *	Red Hat's cvss library test data (tests/vectors_security4, scores
 *	from FIRST's calculator). coverage() checks that every value of
 *	every metric appears in some scored test vector.
 */
#include <stdlib.h>
#include <string.h>

#include "psirt/compat.h"
#include "psirt/cvss.h"
#include "../lib/tap.h"

struct example {
	const char *name;
	const char *vector;
	int score10;
};

/* FIRST, CVSS v3.1 Examples, revision 2 (Base Score). */
static const struct example v31_first[] = {
	{ "3 MySQL stored SQLi CVE-2013-0375",
	  "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 64 },
	{ "4 SSLv3 POODLE CVE-2014-3566",
	  "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 31 },
	{ "5 VMware guest to host CVE-2012-1516",
	  "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 99 },
	{ "6 Tomcat XML parser CVE-2009-0783",
	  "CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L", 42 },
	{ "7 Cisco IOS command execution CVE-2012-0384",
	  "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 72 },
	{ "8 Apple iWork CVE-2015-1098",
	  "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 78 },
	{ "9 Heartbleed CVE-2014-0160",
	  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 75 },
	{ "10 Shellshock CVE-2014-6271",
	  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 98 },
	{ "11 DNS Kaminsky CVE-2008-1447",
	  "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", 68 },
	{ "12 Sophos login bypass CVE-2014-2005",
	  "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 68 },
	{ "13 Joomla traversal CVE-2010-0467",
	  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N", 58 },
	{ "14 Cisco ACL bypass CVE-2012-1342",
	  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:L/A:N", 58 },
	{ "15 Juniper proxy ARP CVE-2013-6014",
	  "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H", 93 },
	{ "16 Cantemo stored XSS CVE-2019-7551",
	  "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:H", 90 },
	{ "17 Adobe Acrobat overflow CVE-2009-0658",
	  "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 78 },
	{ "18 Windows Bluetooth RCE CVE-2011-1265",
	  "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 88 },
	{ "19 iOS control bypass CVE-2014-2019",
	  "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N", 46 },
	{ "20 SearchBlox CSRF CVE-2015-0970",
	  "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 88 },
	{ "21 SSL/TLS MITM CVE-2014-0224",
	  "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N", 74 },
	{ "21 CVE-2014-0224 read-only embedding application",
	  "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:N/A:N", 53 },
	{ "22 Chrome sandbox bypass CVE-2012-5376",
	  "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 96 },
	{ "23 Chrome PDFium CVE-2016-1645",
	  "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 88 },
	{ "24 Badlock CVE-2016-0128",
	  "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:N", 68 },
	{ "24 Badlock CVE-2016-2118",
	  "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:H", 75 },
	{ "25 WP Mail reflected XSS CVE-2017-5942",
	  "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 61 },
	{ "26 Opera DLL hijacking CVE-2018-18913",
	  "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 78 },
	{ "27 Oracle Outside In CVE-2016-5558",
	  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:L/A:L", 86 },
	{ "28 Lenovo ThinkPwn CVE-2016-5729",
	  "CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H", 82 },
	{ "29 flash lock on resume CVE-2015-2890",
	  "CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:N/I:H/A:H", 60 },
	{ "30 Intel DCI CVE-2018-3652",
	  "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 76 },
	{ "31 scripting engine CVE-2019-0884 (IE 11)",
	  "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:H", 75 },
	{ "31 scripting engine CVE-2019-0884 (Edge)",
	  "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:N", 42 },
};

/* FIRST, CVSS v4.0 Examples 1.7.1: the v3.1 vectors and scores. */
static const struct example v31_first4[] = {
	{ "CVE-2022-41741", "CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:H/A:H",
	  70 },
	{ "CVE-2020-3549", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H",
	  81 },
	{ "CVE-2021-44714", "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:L/I:N/A:N",
	  33 },
	{ "CVE-2022-21830", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
	  61 },
	{ "CVE-2022-22186", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:L/A:N",
	  72 },
	{ "CVE-2023-21989", "CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:C/C:H/I:N/A:N",
	  60 },
	{ "CVE-2020-3947", "CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
	  93 },
	{ "CVE-2023-48228", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N",
	  75 },
	{ "CVE-2021-44228 log4shell",
	  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 100 },
	{ "CVE-2023-30545", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N",
	  65 },
	{ "CVE-2021-23846", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N",
	  59 },
	{ "CVE-2023-22394", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
	  75 },
	{ "CVE-2020-0926", "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N",
	  54 },
	{ "CVE-2023-5602", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:L/A:N",
	  43 },
	{ "CVE-2021-34724", "CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:N",
	  60 },
	{ "CVE-2022-20826", "CVSS:3.1/AV:P/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H",
	  64 },
	{ "CVE-2021-32570", "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:N/A:N",
	  49 },
	{ "CVE-2024-1233", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:L",
	  73 },
	{ "CVE-2020-10627", "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N",
	  81 },
	{ "CVE-2023-20048", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:L/A:H",
	  99 },
	{ "CVE-2026-31431", "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
	  78 },
	/* v3.1 section 7.1: temporal metrics leave the Base score alone. */
	{ "CVE-2014-0160 with E:F/RL:O/RC:C: base 7.5",
	  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N/E:F/RL:O/RC:C", 75 },
};

#define HB31 "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"

/*
 * v3.1 temporal and environmental values, each on Heartbleed (FIRST
 * base 7.5): section 7.1, they do not change the Base score.
 */
static const struct example v31_te[] = {
	{ "E:U", HB31 "/E:U", 75 }, { "E:P", HB31 "/E:P", 75 },
	{ "E:H", HB31 "/E:H", 75 }, { "E:X", HB31 "/E:X", 75 },
	{ "RL:T RC:U", HB31 "/RL:T/RC:U", 75 },
	{ "RL:W RC:R", HB31 "/RL:W/RC:R", 75 },
	{ "RL:U RL:X RC:X", HB31 "/RL:U/RC:X", 75 },
	{ "RL:X", HB31 "/RL:X", 75 },
	{ "CR IR AR L M H X",
	  HB31 "/CR:L/IR:M/AR:H", 75 },
	{ "CR:X IR:H AR:L", HB31 "/CR:X/IR:H/AR:L", 75 },
	{ "CR:M IR:L AR:M", HB31 "/CR:M/IR:L/AR:M", 75 },
	{ "IR:X AR:X CR:H", HB31 "/CR:H/IR:X/AR:X", 75 },
	{ "MAV N A", HB31 "/MAV:N/MAC:L/MPR:N/MUI:N/MS:U", 75 },
	{ "MAV A L P X", HB31 "/MAV:A/MAC:H/MPR:L/MUI:R/MS:C", 75 },
	{ "MAV L", HB31 "/MAV:L/MAC:X/MPR:H/MUI:X/MS:X", 75 },
	{ "MAV P X", HB31 "/MAV:P/MPR:X", 75 },
	{ "MAV X", HB31 "/MAV:X", 75 },
	{ "MC MI MA N L H X",
	  HB31 "/MC:N/MI:L/MA:H", 75 },
	{ "MC L MI H MA N", HB31 "/MC:L/MI:H/MA:N", 75 },
	{ "MC H MI N MA L", HB31 "/MC:H/MI:N/MA:L", 75 },
	{ "MC X MI X MA X", HB31 "/MC:X/MI:X/MA:X", 75 },
	{ "metrics in another order",
	  "CVSS:3.1/S:U/C:H/I:N/A:N/AV:N/AC:L/PR:N/UI:N", 75 },
};

/* FIRST, CVSS v4.0 Examples 1.7.1: every vector with its score. */
static const struct example v40_first[] = {
	{ "CVE-2022-41741", "CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/"
	  "VA:H/SC:N/SI:N/SA:N", 73 },
	{ "CVE-2020-3549 base", "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/"
	  "VI:H/VA:H/SC:N/SI:N/SA:N", 77 },
	{ "CVE-2020-3549 E:U", "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/"
	  "VA:H/SC:N/SI:N/SA:N/E:U", 52 },
	{ "CVE-2023-3089 base", "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/"
	  "VI:L/VA:L/SC:N/SI:N/SA:N", 83 },
	{ "CVE-2023-3089 environmental", "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/"
	  "VC:H/VI:L/VA:L/SC:N/SI:N/SA:N/CR:H/IR:L/AR:L/MAV:N/MAC:H/MVC:H/"
	  "MVI:L/MVA:L", 81 },
	{ "CVE-2021-44714", "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:L/VI:N/"
	  "VA:N/SC:N/SI:N/SA:N", 46 },
	{ "CVE-2022-21830", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:N/"
	  "VA:N/SC:L/SI:L/SA:N", 51 },
	{ "CVE-2022-22186", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/"
	  "VA:N/SC:L/SI:L/SA:N", 69 },
	{ "CVE-2023-21989", "CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:N/VC:N/VI:N/"
	  "VA:N/SC:H/SI:N/SA:N", 59 },
	{ "CVE-2020-3947", "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/"
	  "VA:H/SC:H/SI:H/SA:H", 94 },
	{ "CVE-2023-48228", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/"
	  "VA:N/SC:H/SI:H/SA:H", 93 },
	{ "CVE-2023-30560 safety", "CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:N/VC:H/"
	  "VI:H/VA:H/SC:N/SI:H/SA:N/S:P/V:D", 83 },
	{ "CVE-2026-48172 KEV", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/"
	  "VI:H/VA:H/SC:H/SI:H/SA:H/E:A", 100 },
	{ "CVE-2014-0160 Heartbleed", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/"
	  "VC:H/VI:N/VA:N/SC:N/SI:N/SA:N/E:A", 87 },
	{ "CVE-2021-44228 log4shell", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/"
	  "VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A", 93 },
	{ "CVE-2021-44228 immutable containers", "CVSS:4.0/AV:N/AC:H/AT:P/"
	  "PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P/MAC:L/MAT:N/MVC:N/"
	  "MVI:N/MVA:L", 55 },
	{ "CVE-2014-6271 Shellshock", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/"
	  "VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A", 93 },
	{ "CVE-2013-6014", "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/"
	  "VA:N/SC:H/SI:N/SA:H", 64 },
	{ "CVE-2016-5729", "CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:N/VC:H/VI:H/"
	  "VA:H/SC:N/SI:N/SA:N/R:I", 84 },
	{ "CVE-2015-2890", "CVSS:4.0/AV:L/AC:L/AT:P/PR:H/UI:N/VC:H/VI:H/"
	  "VA:H/SC:N/SI:N/SA:N/R:I", 71 },
	{ "CVE-2018-3652", "CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/"
	  "VA:H/SC:N/SI:N/SA:N", 70 },
	{ "CVE-2024-6387 regreSSHion", "CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/"
	  "VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P", 82 },
	{ "CVE-2024-6387 login mitigation", "CVSS:4.0/AV:N/AC:H/AT:P/PR:N/"
	  "UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P/MAC:L/MAT:N/MVC:N/MVI:N/"
	  "MVA:L", 55 },
	{ "CVE-2023-30545", "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:N/"
	  "VA:N/SC:N/SI:N/SA:N", 71 },
	{ "CVE-2021-23846", "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:N/"
	  "VA:N/SC:N/SI:N/SA:N", 82 },
	{ "CVE-2023-22394 base", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/"
	  "VI:N/VA:H/SC:N/SI:N/SA:L", 87 },
	{ "CVE-2023-22394 E:U", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/"
	  "VI:N/VA:H/SC:N/SI:N/SA:L/E:U", 66 },
	{ "CVE-2022-24682", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:N/"
	  "VA:N/SC:L/SI:L/SA:N", 51 },
	{ "CVE-2022-24682 vulnerable system", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/"
	  "UI:A/VC:L/VI:L/VA:N/SC:L/SI:L/SA:N", 51 },
	{ "CVE-2020-0926", "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:P/VC:N/VI:N/"
	  "VA:N/SC:L/SI:L/SA:N", 51 },
	{ "CVE-2024-55228", "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:A/VC:H/VI:H/"
	  "VA:H/SC:L/SI:L/SA:N", 85 },
	{ "CVE-2023-5602", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:L/"
	  "VA:N/SC:N/SI:N/SA:N", 51 },
	{ "CVE-2022-20759", "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/"
	  "VA:H/SC:N/SI:N/SA:N", 77 },
	{ "CVE-2021-34724 base", "CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:N/VC:H/"
	  "VI:H/VA:N/SC:N/SI:N/SA:N", 83 },
	{ "CVE-2021-34724 E:U", "CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:N/VC:H/"
	  "VI:H/VA:N/SC:N/SI:N/SA:N/E:U", 56 },
	{ "CVE-2023-28311", "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:P/VC:H/VI:H/"
	  "VA:H/SC:N/SI:N/SA:N", 85 },
	{ "CVE-2023-28311 sandboxing", "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:P/"
	  "VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/MUI:A", 57 },
	{ "CVE-2022-22965 Spring4shell", "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/"
	  "VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A", 92 },
	{ "CVE-2022-20826", "CVSS:4.0/AV:P/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/"
	  "VA:H/SC:N/SI:N/SA:N", 54 },
	{ "CVE-2022-21500", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/"
	  "VA:N/SC:N/SI:N/SA:N", 87 },
	{ "CVE-2021-32570", "CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:H/VI:N/"
	  "VA:N/SC:N/SI:N/SA:N", 69 },
	{ "CVE-2022-26134", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/"
	  "VA:H/SC:N/SI:N/SA:N", 93 },
	{ "CVE-2023-20245 base", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/"
	  "VI:N/VA:N/SC:N/SI:L/SA:N", 69 },
	{ "CVE-2023-20245 BTE", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/"
	  "VA:N/SC:N/SI:L/SA:N/E:U/CR:L/IR:L/AR:L", 27 },
	{ "CVE-2023-20245 downstream", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/"
	  "VC:N/VI:L/VA:N/SC:L/SI:N/SA:H", 78 },
	{ "CVE-2024-1233", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/"
	  "VA:N/SC:L/SI:L/SA:L", 69 },
	{ "CVE-2024-1233 MSI:N MSA:N", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/"
	  "VC:N/VI:L/VA:N/SC:L/SI:L/SA:L/MSI:N/MSA:N", 69 },
	{ "CVE-2023-28728 ICS", "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:P/VC:H/"
	  "VI:H/VA:H/SC:N/SI:N/SA:N/S:P", 85 },
	{ "CVE-2022-47379 OT", "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/"
	  "VA:H/SC:H/SI:H/SA:H/S:P/AU:Y/V:C/RE:L", 94 },
	{ "CVE-2022-47379 elevator", "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/"
	  "VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:P/CR:L/IR:H/AR:L/MAV:L/MAC:H/"
	  "MAT:N/MPR:N/MUI:N/MVC:N/MVI:H/MVA:L/MSC:N/MSI:S/MSA:L", 70 },
	{ "CVE-2022-47379 oil field", "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/"
	  "VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:P/CR:L/IR:H/AR:H/MAV:A/MAC:H/"
	  "MAT:N/MPR:L/MUI:N/MVC:L/MVI:H/MVA:H/MSC:L/MSI:S/MSA:S", 74 },
	{ "CVE-2022-47379 assembly line", "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/"
	  "UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/MAV:N/MAC:H/MAT:N/MPR:L/MUI:N/"
	  "MVC:H/MVI:H/MVA:H/MSC:H/MSI:S/MSA:H/CR:M/IR:H/AR:M/E:P", 87 },
	{ "CVE-2020-10627 base", "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/"
	  "VI:H/VA:N/SC:N/SI:N/SA:N/S:P", 86 },
	{ "CVE-2020-10627 MSI:S", "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/"
	  "VI:H/VA:N/SC:N/SI:N/SA:N/MSI:S/S:P", 97 },
	{ "CVE-2020-28196", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/"
	  "VA:H/SC:N/SI:N/SA:N/V:C", 87 },
	{ "CVE-2023-20048 base", "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:N/"
	  "VI:N/VA:N/SC:H/SI:L/SA:H", 64 },
	{ "CVE-2023-20048 BTE", "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:N/VI:N/"
	  "VA:N/SC:H/SI:L/SA:H/E:U/MAV:A/R:U/V:C", 24 },
	{ "CVE-2024-23897 base", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/"
	  "VI:H/VA:H/SC:H/SI:H/SA:H", 100 },
	{ "CVE-2024-23897 BTE", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/"
	  "VA:H/SC:H/SI:H/SA:H/E:A/CR:H/IR:H/AR:H/MAV:L/MAT:P", 89 },
	{ "CVE-2026-31431 base", "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/"
	  "VI:H/VA:H/SC:N/SI:N/SA:N", 85 },
	{ "CVE-2026-31431 mitigated", "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/"
	  "VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/MVC:N/MVI:N/MVA:N", 0 },
};

/*
 * Values no published example uses, by the rules of the specification
 * applied to a published example (the expected score is that example's).
 */
static const struct example v40_rules[] = {
	/* A modified metric replaces the base metric (section 4.2). */
	{ "MAV:P as CVE-2018-3652 (AV:P, 7.0)", "CVSS:4.0/AV:N/AC:L/AT:N/"
	  "PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MAV:P", 70 },
	{ "MPR:H as CVE-2023-21989 (PR:H, 5.9)", "CVSS:4.0/AV:L/AC:L/AT:N/"
	  "PR:N/UI:N/VC:N/VI:N/VA:N/SC:H/SI:N/SA:N/MPR:H", 59 },
	{ "MUI:P as CVE-2023-28311 (UI:P, 8.5)", "CVSS:4.0/AV:L/AC:L/AT:N/"
	  "PR:N/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MUI:P", 85 },
	{ "MSI:H as CVE-2023-30560 (SI:H, 8.3)", "CVSS:4.0/AV:P/AC:L/AT:N/"
	  "PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSI:H/S:P/V:D", 83 },
	{ "MSI:L MSC:L as CVE-2022-21830 (SC:L SI:L, 5.1)",
	  "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/"
	  "MSC:L/MSI:L", 51 },
	{ "MAT:P MVC:H as CVE-2022-20826 (AT:P VC:H, 5.4)",
	  "CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:H/SC:N/SI:N/SA:N/"
	  "MAT:P/MVC:H", 54 },
	{ "MAV:A MPR:N MUI:N as CVE-2013-6014 (6.4)", "CVSS:4.0/AV:L/AC:L/"
	  "AT:N/PR:L/UI:P/VC:N/VI:L/VA:N/SC:H/SI:N/SA:H/MAV:A/MPR:N/MUI:N",
	  64 },
	/* Not Defined (X) is the same as leaving the metric out. */
	{ "X everywhere as CVE-2022-41741 (7.3)", "CVSS:4.0/AV:L/AC:L/AT:P/"
	  "PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/CR:X/IR:X/AR:X/MAV:X/"
	  "MAC:X/MAT:X/MPR:X/MUI:X/MVC:X/MVI:X/MVA:X/MSC:X/MSI:X/MSA:X/S:X/"
	  "AU:X/R:X/V:X/RE:X/U:X", 73 },
	/* Supplemental metrics never change the score (section 5). */
	{ "S:N AU:N R:A RE:M U:Clear as CVE-2022-21500 (8.7)",
	  "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N/"
	  "S:N/AU:N/R:A/V:D/RE:M/U:Clear", 87 },
	{ "RE:H U:Green as CVE-2022-21500 (8.7)", "CVSS:4.0/AV:N/AC:L/AT:N/"
	  "PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N/RE:H/U:Green", 87 },
	{ "U:Amber as CVE-2022-21500 (8.7)", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/"
	  "UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N/U:Amber", 87 },
	{ "U:Red R:U AU:Y as CVE-2022-21500 (8.7)", "CVSS:4.0/AV:N/AC:L/"
	  "AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N/AU:Y/R:U/U:Red", 87 },
	/* Red Hat cvss tests/vectors_security4 (FIRST calculator scores). */
	{ "RH security4 CR:H IR:M AR:H", "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/"
	  "VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:H/IR:M/AR:H", 72 },
	{ "RH security4 CR:M IR:M AR:M", "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/"
	  "VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:M/IR:M/AR:M", 55 },
	{ "RH security4 CR:L IR:L AR:L", "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/"
	  "VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:L/IR:L/AR:L", 54 },
};

/* Invalid vectors: the message must name what is wrong. */
static const struct {
	const char *name, *vector, *want;
} invalid[] = {
	{ "empty", "", "empty vector" },
	{ "no prefix", "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "not a CVSS" },
	{ "version 3.0", "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	  "unsupported CVSS version" },
	{ "version 2", "CVSS:2.0/AV:N", "unsupported CVSS version" },
	{ "bad AV value", "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	  "AV: invalid value \"Q\" (one of N, A, L, P)" },
	{ "X for a base metric",
	  "CVSS:3.1/AV:N/AC:X/PR:N/UI:N/S:U/C:H/I:H/A:H",
	  "AC: invalid value \"X\"" },
	{ "missing A", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
	  "missing base metric A" },
	{ "duplicate AV", "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	  "metric AV given twice" },
	{ "unknown metric", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1",
	  "unknown metric \"ZZ\"" },
	{ "v4 metric in v3.1", "CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/S:U/C:H/"
	  "I:H/A:H", "unknown metric \"AT\"" },
	{ "lower case value", "CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	  "AV: invalid value \"n\"" },
	{ "trailing slash", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/",
	  "stray '/'" },
	{ "double slash", "CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	  "empty metric" },
	{ "no colon", "CVSS:3.1/AV:N/ACL/PR:N/UI:N/S:U/C:H/I:H/A:H",
	  "\"ACL\": not METRIC:VALUE" },
	{ "blank", "CVSS:3.1/AV:N /AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	  "invalid character at offset 13" },
	{ "escape byte", "CVSS:3.1/AV:N\x1b[2J/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	  "invalid character" },
	{ "v3.1 temporal bad", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/"
	  "E:Z", "E: invalid value \"Z\" (one of X, U, P, F, H)" },
	{ "v3.1 MS bad", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MS:N",
	  "MS: invalid value \"N\"" },
	{ "v4 missing AT", "CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/"
	  "SI:N/SA:N", "missing base metric AT" },
	{ "v4 bad UI", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/"
	  "SC:N/SI:N/SA:N", "UI: invalid value \"R\" (one of N, P, A)" },
	{ "v4 S on MSC", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/"
	  "SC:N/SI:N/SA:N/MSC:S", "MSC: invalid value \"S\"" },
	{ "v4 S on SI (base)", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/"
	  "VA:H/SC:N/SI:S/SA:N", "SI: invalid value \"S\"" },
	{ "v4 U lower case", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/"
	  "VA:H/SC:N/SI:N/SA:N/U:red", "U: invalid value \"red\"" },
	{ "v4 v3 metric", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/"
	  "SC:N/SI:N/SA:N/S:U", "S: invalid value \"U\"" },
	{ "v4 scope metric C", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/"
	  "VA:H/SC:N/SI:N/SA:N/C:H", "unknown metric \"C\"" },
	{ "v4 duplicate E", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/"
	  "VA:H/SC:N/SI:N/SA:N/E:A/E:P", "metric E given twice" },
	{ "long value quoted short", "CVSS:4.0/AV:NNNNNNNNNNNNNNNNNNNNNNNNNNNN/"
	  "AC:L", "AV: invalid value \"NNNNNNNNNNNNNNNN...\"" },
};

/* spec_rating - the rating table of both specifications (section 5) */
static const char *
spec_rating(int score10)
{
	return score10 == 0 ? "none" : score10 <= 39 ? "low" :
	    score10 <= 69 ? "medium" : score10 <= 89 ? "high" : "critical";
}

/* run - score a table of examples */
static void
run(const char *table, const struct example *ex, size_t n, int version)
{
	char err[CVSS_ERROR_MAX], name[256];
	struct cvss_result r;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = cvss_score(ex[i].vector, &r, err);
		snprintf(name, sizeof(name), "%s: %s", table, ex[i].name);
		TAP_OK(rc == 0, "%s parses (%s)", name, rc == 0 ? "ok" : err);
		if (rc != 0)
			continue;
		TAP_LONG_EQ(r.score10, ex[i].score10, name);
		TAP_LONG_EQ(r.version, version, "version");
		TAP_STR_EQ(r.severity, spec_rating(ex[i].score10), "rating");
	}
}

/*
 * Every value of every metric of the specifications (v3.1 section 7.4
 * and 6; v4.0 section 7), X included for the optional metrics.
 */
static const char *const v31_values[] = {
	"AV:N", "AV:A", "AV:L", "AV:P", "AC:L", "AC:H", "PR:N", "PR:L", "PR:H",
	"UI:N", "UI:R", "S:U", "S:C", "C:H", "C:L", "C:N", "I:H", "I:L", "I:N",
	"A:H", "A:L", "A:N", "E:X", "E:U", "E:P", "E:F", "E:H", "RL:X", "RL:O",
	"RL:T", "RL:W", "RL:U", "RC:X", "RC:U", "RC:R", "RC:C", "CR:X", "CR:L",
	"CR:M", "CR:H", "IR:X", "IR:L", "IR:M", "IR:H", "AR:X", "AR:L", "AR:M",
	"AR:H", "MAV:X", "MAV:N", "MAV:A", "MAV:L", "MAV:P", "MAC:X", "MAC:L",
	"MAC:H", "MPR:X", "MPR:N", "MPR:L", "MPR:H", "MUI:X", "MUI:N", "MUI:R",
	"MS:X", "MS:U", "MS:C", "MC:X", "MC:N", "MC:L", "MC:H", "MI:X", "MI:N",
	"MI:L", "MI:H", "MA:X", "MA:N", "MA:L", "MA:H",
};
static const char *const v40_values[] = {
	"AV:N", "AV:A", "AV:L", "AV:P", "AC:L", "AC:H", "AT:N", "AT:P", "PR:N",
	"PR:L", "PR:H", "UI:N", "UI:P", "UI:A", "VC:H", "VC:L", "VC:N", "VI:H",
	"VI:L", "VI:N", "VA:H", "VA:L", "VA:N", "SC:H", "SC:L", "SC:N", "SI:H",
	"SI:L", "SI:N", "SA:H", "SA:L", "SA:N", "E:X", "E:A", "E:P", "E:U",
	"CR:X", "CR:H", "CR:M", "CR:L", "IR:X", "IR:H", "IR:M", "IR:L", "AR:X",
	"AR:H", "AR:M", "AR:L", "MAV:X", "MAV:N", "MAV:A", "MAV:L", "MAV:P",
	"MAC:X", "MAC:L", "MAC:H", "MAT:X", "MAT:N", "MAT:P", "MPR:X", "MPR:N",
	"MPR:L", "MPR:H", "MUI:X", "MUI:N", "MUI:P", "MUI:A", "MVC:X", "MVC:H",
	"MVC:L", "MVC:N", "MVI:X", "MVI:H", "MVI:L", "MVI:N", "MVA:X", "MVA:H",
	"MVA:L", "MVA:N", "MSC:X", "MSC:H", "MSC:L", "MSC:N", "MSI:X", "MSI:S",
	"MSI:H", "MSI:L", "MSI:N", "MSA:X", "MSA:S", "MSA:H", "MSA:L", "MSA:N",
	"S:X", "S:N", "S:P", "AU:X", "AU:N", "AU:Y", "R:X", "R:A", "R:U", "R:I",
	"V:X", "V:D", "V:C", "RE:X", "RE:L", "RE:M", "RE:H", "U:X", "U:Clear",
	"U:Green", "U:Amber", "U:Red",
};

/* has_value - 1 if "/KEY:VALUE" is a component of vector */
static int
has_value(const char *vector, const char *kv)
{
	const char *p = vector;
	size_t len = strlen(kv);

	while ((p = strchr(p, '/')) != NULL) {
		p++;
		if (strncmp(p, kv, len) == 0 && (p[len] == '/' ||
		    p[len] == '\0'))
			return 1;
	}
	return 0;
}

/* coverage - every value appears in some scored example of a version */
static void
coverage(const char *version, const char *const *values, size_t nv,
    const struct example *const *tables, const size_t *sizes, size_t nt)
{
	size_t i, t, j, missing = 0;

	for (i = 0; i < nv; i++) {
		int found = 0;

		for (t = 0; t < nt && !found; t++)
			for (j = 0; j < sizes[t] && !found; j++)
				found = has_value(tables[t][j].vector,
				    values[i]);
		if (!found) {
			printf("# %s: no scored vector uses %s\n", version,
			    values[i]);
			missing++;
		}
	}
	TAP_LONG_EQ(missing, 0, version);
}

int
main(void)
{
	static const struct example *const t31[] = { v31_first, v31_first4,
		v31_te };
	static const size_t n31[] = { PSIRT_NELEM(v31_first),
		PSIRT_NELEM(v31_first4), PSIRT_NELEM(v31_te) };
	static const struct example *const t40[] = { v40_first, v40_rules };
	static const size_t n40[] = { PSIRT_NELEM(v40_first),
		PSIRT_NELEM(v40_rules) };
	char err[CVSS_ERROR_MAX], big[CVSS_VECTOR_MAX + 16];
	struct cvss_result r;
	size_t i;

	run("v3.1 FIRST examples", v31_first, PSIRT_NELEM(v31_first),
	    CVSS_V3_1);
	run("v3.1 FIRST v4.0 examples", v31_first4,
	    PSIRT_NELEM(v31_first4), CVSS_V3_1);
	run("v3.1 temporal/environmental", v31_te, PSIRT_NELEM(v31_te),
	    CVSS_V3_1);
	run("v4.0 FIRST examples", v40_first, PSIRT_NELEM(v40_first),
	    CVSS_V4_0);
	run("v4.0 by specification rule", v40_rules, PSIRT_NELEM(v40_rules),
	    CVSS_V4_0);
	printf("# published FIRST vectors: v3.1 %zu, v4.0 %zu\n",
	    PSIRT_NELEM(v31_first) + PSIRT_NELEM(v31_first4) - 1,
	    PSIRT_NELEM(v40_first));
	TAP_OK(PSIRT_NELEM(v31_first) >= 30, "at least 30 v3.1 examples "
	    "from the FIRST v3.1 examples document");
	TAP_OK(PSIRT_NELEM(v40_first) >= 30, "at least 30 v4.0 examples "
	    "from the FIRST v4.0 examples document");
	coverage("every v3.1 metric value is in a scored vector", v31_values,
	    PSIRT_NELEM(v31_values), t31, n31, PSIRT_NELEM(t31));
	coverage("every v4.0 metric value is in a scored vector", v40_values,
	    PSIRT_NELEM(v40_values), t40, n40, PSIRT_NELEM(t40));

	/* Nomenclature (v4.0 section 6). */
	(void)cvss_score(v40_first[0].vector, &r, err);
	TAP_STR_EQ(r.nomenclature, "CVSS-B", "CVSS-B: base metrics only");
	(void)cvss_score(v40_first[2].vector, &r, err);
	TAP_STR_EQ(r.nomenclature, "CVSS-BT", "CVSS-BT: E given");
	(void)cvss_score(v40_first[4].vector, &r, err);
	TAP_STR_EQ(r.nomenclature, "CVSS-BE", "CVSS-BE: environmental");
	(void)cvss_score(v40_first[15].vector, &r, err);
	TAP_STR_EQ(r.nomenclature, "CVSS-BTE", "CVSS-BTE: both");
	(void)cvss_score(v40_rules[7].vector, &r, err);
	TAP_STR_EQ(r.nomenclature, "CVSS-B", "X values are no metrics");
	(void)cvss_score(v31_first[0].vector, &r, err);
	TAP_STR_EQ(r.nomenclature, "base", "v3.1: the Base score");
	TAP_STR_EQ(r.macrovector, "", "v3.1: no MacroVector");
	/* CVE-2018-3652 v4.0: AV:P -> EQ1 2, EQ4 2 (SC/SI/SA N): 200200. */
	(void)cvss_score(v40_first[20].vector, &r, err);
	TAP_STR_EQ(r.macrovector, "200200", "MacroVector of CVE-2018-3652");

	/* v3.1 Appendix A: Roundup(4.02) is 4.1, Roundup(4.00) is 4.0. */
	TAP_LONG_EQ(cvss31_roundup10(4.02), 41, "Roundup(4.02) = 4.1");
	TAP_LONG_EQ(cvss31_roundup10(4.00), 40, "Roundup(4.00) = 4.0");
	TAP_LONG_EQ(cvss31_roundup10(4.000000000000001), 40,
	    "Roundup ignores floating-point noise above 4.0");
	TAP_LONG_EQ(cvss31_roundup10(0), 0, "Roundup(0) = 0");

	/* The rating table (section 5 of both). */
	TAP_STR_EQ(cvss_severity(0), "none", "0.0 none");
	TAP_STR_EQ(cvss_severity(1), "low", "0.1 low");
	TAP_STR_EQ(cvss_severity(39), "low", "3.9 low");
	TAP_STR_EQ(cvss_severity(40), "medium", "4.0 medium");
	TAP_STR_EQ(cvss_severity(69), "medium", "6.9 medium");
	TAP_STR_EQ(cvss_severity(70), "high", "7.0 high");
	TAP_STR_EQ(cvss_severity(89), "high", "8.9 high");
	TAP_STR_EQ(cvss_severity(90), "critical", "9.0 critical");
	TAP_STR_EQ(cvss_severity(100), "critical", "10.0 critical");
	TAP_OK(cvss_severity_valid("high") && !cvss_severity_valid("High") &&
	    !cvss_severity_valid("unscored") && !cvss_severity_valid(NULL),
	    "rating words");

	/* Zero impact: 0.0 for both versions. */
	TAP_OK(cvss_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", &r,
	    err) == 0 && r.score10 == 0 && strcmp(r.severity, "none") == 0,
	    "v3.1 no impact: 0.0 none (section 7.1: Impact <= 0)");

	for (i = 0; i < PSIRT_NELEM(invalid); i++) {
		int rc = cvss_score(invalid[i].vector, &r, err);

		TAP_OK(rc == -1 && strstr(err, invalid[i].want) != NULL,
		    "invalid, %s: \"%s\"", invalid[i].name, err);
	}
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "CVSS:3.1/", 9);
	TAP_OK(cvss_score(big, &r, err) == -1 &&
	    strstr(err, "longer than 512") != NULL, "over-long vector: %s",
	    err);
	TAP_OK(cvss_score(NULL, &r, err) == -1, "NULL vector");
	return tap_done();
}
