/*
 * NAME
 *	kpi - service-level figures: median, 90th percentile, on-time rate
 * DESCRIPTION
 *	See include/psirt/kpi.h.
 * LIMITS
 *	Memory for one copy of the durations.
 * DIAGNOSTICS
 *	None: absent figures are -1.
 * SECURITY
 *	No strings, no I/O; overflow-checked allocation of one array.
 */
#include <stdlib.h>
#include <string.h>

#include "psirt/kpi.h"
#include "psirt/xalloc.h"

#define DAY 86400LL

/* cmp_ll - qsort order of long long */
static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* kpi_median - median of n values; sorts v */
long long
kpi_median(long long *v, size_t n)
{
	if (n == 0)
		return -1;
	qsort(v, n, sizeof(*v), cmp_ll);
	if (n % 2 == 1)
		return v[n / 2];
	/* The mean of the middle two without overflow. */
	return v[n / 2 - 1] + (v[n / 2] - v[n / 2 - 1]) / 2;
}

/* kpi_percentile - nearest-rank p-th percentile; sorts v */
long long
kpi_percentile(long long *v, size_t n, int p)
{
	size_t rank;

	if (n == 0)
		return -1;
	if (p < 1)
		p = 1;
	if (p > 100)
		p = 100;
	qsort(v, n, sizeof(*v), cmp_ll);
	/* rank = ceil(p / 100 * n), 1-based */
	rank = (n * (size_t)p + 99) / 100;
	if (rank < 1)
		rank = 1;
	return v[rank - 1];
}

/* kpi_sla - the figures of n cases against sla seconds at time now */
void
kpi_sla(const struct kpi_case *cases, size_t n, long long now,
    long long sla, struct kpi_sla *out)
{
	long long *d = xreallocarray(NULL, n > 0 ? n : 1, sizeof(*d));
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		if (cases[i].done >= 0) {
			long long took = cases[i].done - cases[i].created;

			d[out->done++] = took;
			if (took <= sla)
				out->on_time++;
			else
				out->late++;
		} else if (now - cases[i].created > sla)
			out->late++;
		else
			out->pending++;
	}
	out->median = kpi_median(d, out->done);
	out->p90 = kpi_percentile(d, out->done, 90);
	out->on_time_rate = out->on_time + out->late > 0 ?
	    (double)out->on_time / (double)(out->on_time + out->late) : -1;
	free(d);
}

/* kpi_week_start - Monday 00:00 UTC of the ISO week holding t */
long long
kpi_week_start(long long t)
{
	long long day = t >= 0 ? t / DAY : -((-t + DAY - 1) / DAY);
	/* 1970-01-01 was a Thursday: day 0 is weekday 3 (Monday 0). */
	long long wd = ((day % 7) + 7 + 3) % 7;

	return (day - wd) * DAY;
}
