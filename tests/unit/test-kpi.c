/*
 * NAME
 *	test-kpi - median, 90th percentile, on-time rate, ISO weeks
 */
#include <stdlib.h>
#include <string.h>

#include "psirt/compat.h"
#include "psirt/kpi.h"
#include "../lib/tap.h"

#define H 3600LL
#define D 86400LL

int
main(void)
{
	/* Nearest rank: ceil(p/100 * n); median: mean of the middle two. */
	static const struct {
		const char *name;
		long long v[10];
		size_t n;
		long long median, p90;
	} sets[] = {
		{ "one value", { 7 }, 1, 7, 7 },
		{ "odd count, unsorted", { 5, 1, 3 }, 3, 3, 5 },
		{ "even count: mean of the middle two", { 4, 1, 3, 2 }, 4, 2,
		  4 },
		{ "ten values: p90 is the 9th", { 10, 9, 8, 7, 6, 5, 4, 3, 2,
		  1 }, 10, 5, 9 },
		{ "equal values", { 2, 2, 2, 2, 2 }, 5, 2, 2 },
	};
	static const long long none[1] = { 0 };
	struct kpi_case cases[6];
	struct kpi_sla k;
	long long v[10];
	size_t i;

	for (i = 0; i < PSIRT_NELEM(sets); i++) {
		memcpy(v, sets[i].v, sizeof(v));
		TAP_LONG_EQ(kpi_median(v, sets[i].n), sets[i].median,
		    sets[i].name);
		memcpy(v, sets[i].v, sizeof(v));
		TAP_LONG_EQ(kpi_percentile(v, sets[i].n, 90), sets[i].p90,
		    sets[i].name);
	}
	memcpy(v, none, sizeof(none));
	TAP_LONG_EQ(kpi_median(v, 0), -1, "median of nothing is -1");
	TAP_LONG_EQ(kpi_percentile(v, 0, 90), -1, "p90 of nothing is -1");

	/*
	 * SLA 1 day at now = day 10: triaged in 2h and 23h (on time), in
	 * 3 days (late); open since day 5 (late: window closed), open since
	 * 12h ago (pending); triaged in exactly 1 day (on time).
	 */
	cases[0] = (struct kpi_case){ 0, 2 * H };
	cases[1] = (struct kpi_case){ D, D + 23 * H };
	cases[2] = (struct kpi_case){ 2 * D, 5 * D };
	cases[3] = (struct kpi_case){ 5 * D, -1 };
	cases[4] = (struct kpi_case){ 10 * D - 12 * H, -1 };
	cases[5] = (struct kpi_case){ 3 * D, 4 * D };
	kpi_sla(cases, 6, 10 * D, D, &k);
	TAP_LONG_EQ(k.done, 4, "four done");
	TAP_LONG_EQ(k.on_time, 3, "three on time (one exactly at the SLA)");
	TAP_LONG_EQ(k.late, 2, "late: one done late, one open past the SLA");
	TAP_LONG_EQ(k.pending, 1, "one pending within the SLA");
	/* done: 2h, 23h, 24h, 72h -> median (23h + 24h) / 2 */
	TAP_LONG_EQ(k.median, 23 * H + H / 2, "median 23h30m");
	TAP_LONG_EQ(k.p90, 72 * H, "p90 is the slowest of four");
	TAP_OK(k.on_time_rate > 0.5999 && k.on_time_rate < 0.6001,
	    "on-time rate 3 of 5");
	kpi_sla(cases + 4, 1, 10 * D, D, &k);
	TAP_OK(k.median == -1 && k.p90 == -1 && k.on_time_rate < 0 &&
	    k.pending == 1, "only pending: no figures");
	kpi_sla(NULL, 0, 0, D, &k);
	TAP_OK(k.done == 0 && k.on_time_rate < 0, "no cases");

	/* ISO weeks start on Monday 00:00 UTC. */
	TAP_LONG_EQ(kpi_week_start(0), -3 * D,
	    "1970-01-01 (Thursday) is in the week of Monday 1969-12-29");
	/* 2026-11-22 10:00 UTC is a Sunday: week of Monday 2026-11-16. */
	TAP_LONG_EQ(kpi_week_start(1795341600LL), 1794787200LL,
	    "Sunday 2026-11-22 -> Monday 2026-11-16");
	TAP_LONG_EQ(kpi_week_start(1794787200LL), 1794787200LL,
	    "Monday 00:00 is its own week start");
	TAP_LONG_EQ(kpi_week_start(1794787200LL - 1), 1794787200LL - 7 * D,
	    "one second before is the week before");
	return tap_done();
}
