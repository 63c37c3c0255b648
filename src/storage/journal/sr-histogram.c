/* sr-histogram.c — see sr-histogram.h. */
#include "sr-histogram.h"

/* From a fast local answer (a submit_sm_resp on loopback, a commit to a
 * page cache) to a stalled disk or a slow SMSC. */
const gint64 sr_histogram_bounds_us[SR_HISTOGRAM_N_BOUNDS] = {
  100, 250, 500,
  1000, 2500, 5000,
  10000, 25000, 50000,
  100000, 250000, 500000,
  1000000, 2500000, 5000000,
  10000000,
};

void
sr_histogram_observe (SrHistogram *h, gint64 us)
{
  guint i = 0;

  us = MAX (us, 0);
  while (i < SR_HISTOGRAM_N_BOUNDS && us > sr_histogram_bounds_us[i])
    i++;
  h->buckets[i]++;
  h->count++;
  h->sum_us += us;
}

void
sr_histogram_add (SrHistogram *h, const SrHistogram *other)
{
  for (guint i = 0; i <= SR_HISTOGRAM_N_BOUNDS; i++)
    h->buckets[i] += other->buckets[i];
  h->count += other->count;
  h->sum_us += other->sum_us;
}
