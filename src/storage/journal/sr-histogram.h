/* sr-histogram.h — a fixed-bucket histogram of durations, cheap enough for
 * the hot path: the journal's commits and the SMPP submits are timed with it
 * and /metrics exposes it as a Prometheus histogram.
 *
 * Every histogram has the same bounds (100 µs to 10 s, about three per
 * decade), so histograms of several sessions add up.  Not thread-safe: each
 * one belongs to the thread that observes into it.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Upper bounds of the buckets, in µs; a last bucket takes the rest (+Inf). */
#define SR_HISTOGRAM_N_BOUNDS 16
extern const gint64 sr_histogram_bounds_us[SR_HISTOGRAM_N_BOUNDS];

/* Observations by bucket (not cumulative), their count and their sum. */
typedef struct {
  guint64 buckets[SR_HISTOGRAM_N_BOUNDS + 1];
  guint64 count;
  gint64 sum_us;
} SrHistogram;

/* Counts one duration of @us microseconds (negative ones as 0). */
void sr_histogram_observe (SrHistogram *h, gint64 us);
/* Adds the observations of @other to @h. */
void sr_histogram_add (SrHistogram *h, const SrHistogram *other);

G_END_DECLS
