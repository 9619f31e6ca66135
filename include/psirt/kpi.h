/*
 * NAME
 *	kpi - service-level figures: median, 90th percentile, on-time rate
 * DESCRIPTION
 *	kpi_sla() summarises how long a step (acknowledge, triage) took over
 *	a set of cases against a service level of sla seconds, at time now:
 *	a case whose step is done within sla is on time, done later is late;
 *	a case not done yet is late once it is older than sla (its window
 *	has closed) and pending before that. The median and the 90th
 *	percentile are over the done cases. kpi_week_start() gives the
 *	Monday 00:00 UTC of a time's ISO week, for intake per week.
 *	Pure: no I/O; the caller's arrays are not changed.
 * LIMITS
 *	None; the sort is O(n log n) on a copy.
 * DIAGNOSTICS
 *	Figures that do not exist (no done case) are -1.
 * SECURITY
 *	Arithmetic on times read from the queue; no strings. A time before
 *	the receipt (a clock step, an edited queue) counts as it is.
 */
#ifndef PSIRT_KPI_H
#define PSIRT_KPI_H

#include <stddef.h>

struct kpi_case {
	long long created;	/* seconds since the epoch */
	long long done;		/* seconds since the epoch; -1 if not yet */
};

struct kpi_sla {
	size_t done;		/* cases with a time */
	size_t on_time;		/* done within sla */
	size_t late;		/* done after sla, or open past sla */
	size_t pending;		/* open, still within sla */
	long long median;	/* seconds; -1 if no case is done */
	long long p90;		/* seconds; -1 if no case is done */
	double on_time_rate;	/* on_time / (on_time + late); -1 if none */
};

/* kpi_sla - the figures of n cases against sla seconds at time now */
void kpi_sla(const struct kpi_case *cases, size_t n, long long now,
    long long sla, struct kpi_sla *out);
/*
 * kpi_median - median of n values (mean of the middle two when n is
 * even, rounded down); kpi_percentile - nearest-rank p-th percentile
 * (the smallest value with at least p% of the values at or below it).
 * Both sort v in place; -1 when n is 0.
 */
long long kpi_median(long long *v, size_t n);
long long kpi_percentile(long long *v, size_t n, int p);
/* kpi_week_start - Monday 00:00 UTC of the ISO week holding t */
long long kpi_week_start(long long t);

#endif
