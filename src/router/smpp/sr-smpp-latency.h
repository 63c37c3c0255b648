/* sr-smpp-latency.h — submit → response latency over a sliding minute.
 *
 * A histogram per 5-second slot, 12 slots: recording a sample is an index
 * computation and an increment (no allocation, no sorting), and the
 * percentiles merge the slots of the last minute.  Buckets are logarithmic
 * (8 per power of two, exact below 16 µs), so a percentile is the middle of
 * its bucket: within about 6 % of the true value, enough for an operator
 * who wants to see 3 ms turn into 300 ms.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Seconds one slot covers, and slots kept: together the window. */
#define SR_SMPP_LATENCY_SLOT_S 5
#define SR_SMPP_LATENCY_SLOTS 12
/* 16 exact buckets (0–15 µs), then 8 per power of two from 2^4 to 2^35 µs. */
#define SR_SMPP_LATENCY_BUCKETS (16 + 32 * 8)

/* The slots of the last minute. */
typedef struct {
  gint64 slot_epoch[SR_SMPP_LATENCY_SLOTS];   /* now / slot length the slot holds; -1 = empty */
  guint32 counts[SR_SMPP_LATENCY_SLOTS][SR_SMPP_LATENCY_BUCKETS];
} SrSmppLatency;

/* What the last minute held. */
typedef struct {
  guint64 count;             /* samples in the window; 0: p50 and p99 are 0 */
  double p50_ms;
  double p99_ms;
} SrSmppLatencySummary;

void sr_smpp_latency_init (SrSmppLatency *l);
/* Records one response that came @latency_us after its request, at @now_us
 * (monotonic µs). */
void sr_smpp_latency_add (SrSmppLatency *l, gint64 now_us, gint64 latency_us);
/* The median and the 99th percentile of the samples recorded in the minute
 * before @now_us. */
void sr_smpp_latency_summary (const SrSmppLatency *l, gint64 now_us, SrSmppLatencySummary *out);

G_END_DECLS
