/* sr-console-history.c — the time series behind the Overview's charts.
 *
 * The console sees the router only through overview snapshots, embedded or
 * over the control socket alike, so the history is built on this side:
 * each snapshot's cumulative counters and gauges go into a ring of one
 * value per second per series, and rates are differences of successive
 * seconds.  A counter that goes down (a daemon started again, a bind made
 * anew) counts as no traffic, never as negative traffic.
 */
#define G_LOG_DOMAIN "sr-tui"

#include "sr-console-chart.h"

#include <math.h>
#include <string.h>

/* One series: a value per second, at index second % SR_HISTORY_SECONDS. */
typedef struct {
  double values[SR_HISTORY_SECONDS];
  gint64 oldest;        /* first second held */
  gint64 newest;        /* last second held */
} Series;

struct _SrConsoleHistory {
  GHashTable *series;   /* name → Series */
  gint64 newest;        /* newest second of any series; -1 when empty */
};

SrConsoleHistory *
sr_console_history_new (void)
{
  SrConsoleHistory *h = g_new0 (SrConsoleHistory, 1);
  h->series = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  h->newest = -1;
  return h;
}

void
sr_console_history_free (SrConsoleHistory *h)
{
  if (!h)
    return;
  g_hash_table_unref (h->series);
  g_free (h);
}

static double *
at (Series *s, gint64 second)
{
  return &s->values[second % SR_HISTORY_SECONDS];
}

void
sr_console_history_add (SrConsoleHistory *h, const char *name, gint64 now_us, double value)
{
  g_return_if_fail (h != NULL && name != NULL && now_us >= 0);
  gint64 second = now_us / G_USEC_PER_SEC;
  Series *s = g_hash_table_lookup (h->series, name);
  if (!s)
    {
      s = g_new (Series, 1);
      s->oldest = s->newest = second;
      *at (s, second) = value;
      g_hash_table_insert (h->series, g_strdup (name), s);
    }
  else if (second <= s->newest)
    *at (s, s->newest) = value;
  else
    {
      double last = *at (s, s->newest);
      gint64 gap = second - s->newest;
      for (gint64 k = MAX (s->newest + 1, second - SR_HISTORY_SECONDS + 1); k <= second; k++)
        *at (s, k) = last + (value - last) * (double) (k - s->newest) / (double) gap;
      s->newest = second;
      s->oldest = MAX (s->oldest, second - SR_HISTORY_SECONDS + 1);
    }
  h->newest = MAX (h->newest, second);
}

char *
sr_console_bind_provider (const char *bind_name)
{
  const char *hash = strchr (bind_name, '#');
  return hash ? g_strndup (bind_name, hash - bind_name) : g_strdup (bind_name);
}

/* Traffic of one provider: the sum over its binds. */
typedef struct {
  guint64 out, in;
} ProviderSum;

void
sr_console_history_add_overview (SrConsoleHistory *h, const SrConsoleOverview *o, gint64 now_us)
{
  g_return_if_fail (h != NULL && o != NULL);
  g_autoptr (GHashTable) providers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                            g_free);
  g_autoptr (GPtrArray) order = g_ptr_array_new ();
  for (guint i = 0; i < o->binds->len; i++)
    {
      SrConsoleBind *b = g_ptr_array_index (o->binds, i);
      char *provider = sr_console_bind_provider (b->name);
      ProviderSum *sum = g_hash_table_lookup (providers, provider);
      if (!sum)
        {
          sum = g_new0 (ProviderSum, 1);
          g_hash_table_insert (providers, provider, sum);
          g_ptr_array_add (order, provider);
        }
      else
        g_free (provider);
      sum->out += b->parts_out;
      sum->in += b->pdus_in;
      if (b->window > 0)
        {
          g_autofree char *key = g_strconcat ("window:", b->name, NULL);
          sr_console_history_add (h, key, now_us, b->window_used);
        }
    }
  for (guint i = 0; i < order->len; i++)
    {
      const char *provider = g_ptr_array_index (order, i);
      ProviderSum *sum = g_hash_table_lookup (providers, provider);
      g_autofree char *out = g_strconcat ("out:", provider, NULL);
      g_autofree char *in = g_strconcat ("in:", provider, NULL);
      sr_console_history_add (h, out, now_us, sum->out);
      sr_console_history_add (h, in, now_us, sum->in);
    }
  for (guint i = 0; i < o->queues->len; i++)
    {
      SrConsoleQueueDepth *q = g_ptr_array_index (o->queues, i);
      g_autofree char *key = g_strconcat ("queue:", q->app, NULL);
      sr_console_history_add (h, key, now_us, q->queued + q->in_flight);
    }
  sr_console_history_add (h, "receipts:delivered", now_us, o->receipts_delivered);
  sr_console_history_add (h, "receipts:failed", now_us, o->receipts_failed);
  sr_console_history_add (h, "parts", now_us, o->total_out);
}

gint64
sr_console_history_newest (SrConsoleHistory *h)
{
  g_return_val_if_fail (h != NULL, -1);
  return h->newest;
}

/* Increase from second k - 1 to k, k in [from, to]; *n counts the steps. */
static double
increase (Series *s, gint64 from, gint64 to, guint *n)
{
  double sum = 0;
  *n = 0;
  for (gint64 k = MAX (from, s->oldest + 1); k <= MIN (to, s->newest); k++)
    {
      double d = *at (s, k) - *at (s, k - 1);
      sum += d > 0 ? d : 0;
      (*n)++;
    }
  return sum;
}

gboolean
sr_console_history_columns (SrConsoleHistory *h, const char *name, SrHistoryReduce reduce,
                            guint step, double *values, guint n)
{
  g_return_val_if_fail (h != NULL && name != NULL && step > 0, FALSE);
  for (guint i = 0; i < n; i++)
    values[i] = NAN;
  Series *s = g_hash_table_lookup (h->series, name);
  if (!s || h->newest < 0)
    return FALSE;
  gint64 last = h->newest / step;
  for (guint i = 0; i < n; i++)
    {
      gint64 first = (last - (gint64) (n - 1 - i)) * step;
      gint64 end = first + step - 1;
      if (reduce == SR_HISTORY_RATE)
        {
          guint steps;
          double sum = increase (s, first, end, &steps);
          if (steps > 0)
            values[i] = sum / steps;
        }
      else
        for (gint64 k = MAX (first, s->oldest); k <= MIN (end, s->newest); k++)
          values[i] = isnan (values[i]) ? *at (s, k) : MAX (values[i], *at (s, k));
    }
  return TRUE;
}

guint64
sr_console_history_increase (SrConsoleHistory *h, const char *name, guint seconds, guint *span)
{
  g_return_val_if_fail (h != NULL && name != NULL, 0);
  Series *s = g_hash_table_lookup (h->series, name);
  guint steps = 0;
  double sum = s ? increase (s, s->newest - seconds + 1, s->newest, &steps) : 0;
  if (span)
    *span = steps;
  return (guint64) llround (sum);
}
