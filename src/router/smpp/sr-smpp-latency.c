/* sr-smpp-latency.c — submit → response latency over a sliding minute. */
#include "sr-smpp-latency.h"

#include <string.h>

#define SLOT_US ((gint64) SR_SMPP_LATENCY_SLOT_S * G_USEC_PER_SEC)

void
sr_smpp_latency_init (SrSmppLatency *l)
{
  memset (l->counts, 0, sizeof l->counts);
  for (guint i = 0; i < SR_SMPP_LATENCY_SLOTS; i++)
    l->slot_epoch[i] = -1;
}

static guint
bucket_of (gint64 us)
{
  if (us < 16)
    return us < 0 ? 0 : (guint) us;
  guint e = g_bit_nth_msf ((gulong) MIN (us, (G_GINT64_CONSTANT (1) << 36) - 1), -1);
  guint m = (guint) (us >> (e - 3)) & 7;   /* the three bits after the leading one */
  return 16 + (e - 4) * 8 + m;
}

/* The middle of a bucket, in µs. */
static double
bucket_middle (guint b)
{
  if (b < 16)
    return b;
  guint e = (b - 16) / 8 + 4, m = (b - 16) % 8;
  double width = (double) (G_GINT64_CONSTANT (1) << (e - 3));
  return (double) (G_GINT64_CONSTANT (1) << e) + m * width + width / 2;
}

void
sr_smpp_latency_add (SrSmppLatency *l, gint64 now_us, gint64 latency_us)
{
  gint64 epoch = now_us / SLOT_US;
  guint slot = (guint) (epoch % SR_SMPP_LATENCY_SLOTS);
  if (l->slot_epoch[slot] != epoch)
    {
      /* The slot held a minute ago: start it over. */
      memset (l->counts[slot], 0, sizeof l->counts[slot]);
      l->slot_epoch[slot] = epoch;
    }
  l->counts[slot][bucket_of (latency_us)]++;
}

void
sr_smpp_latency_summary (const SrSmppLatency *l, gint64 now_us, SrSmppLatencySummary *out)
{
  guint64 merged[SR_SMPP_LATENCY_BUCKETS] = { 0 };
  gint64 epoch = now_us / SLOT_US;
  memset (out, 0, sizeof *out);
  for (guint s = 0; s < SR_SMPP_LATENCY_SLOTS; s++)
    {
      /* The current slot and the 11 before it: the last 55 to 60 s. */
      if (l->slot_epoch[s] < 0 || l->slot_epoch[s] > epoch
          || l->slot_epoch[s] <= epoch - SR_SMPP_LATENCY_SLOTS)
        continue;
      for (guint b = 0; b < SR_SMPP_LATENCY_BUCKETS; b++)
        merged[b] += l->counts[s][b];
    }
  for (guint b = 0; b < SR_SMPP_LATENCY_BUCKETS; b++)
    out->count += merged[b];
  if (out->count == 0)
    return;
  /* The smallest value with at least p of the samples at or below it. */
  guint64 rank50 = (out->count * 50 + 99) / 100, rank99 = (out->count * 99 + 99) / 100;
  guint64 seen = 0;
  gboolean have50 = FALSE;
  for (guint b = 0; b < SR_SMPP_LATENCY_BUCKETS; b++)
    {
      seen += merged[b];
      if (!have50 && seen >= rank50)
        {
          out->p50_ms = bucket_middle (b) / 1000.0;
          have50 = TRUE;
        }
      if (seen >= rank99)
        {
          out->p99_ms = bucket_middle (b) / 1000.0;
          break;
        }
    }
}
