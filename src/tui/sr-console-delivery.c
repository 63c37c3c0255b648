/* sr-console-delivery.c — delivery rates from the journal, off the main loop. */
#define G_LOG_DOMAIN "sr-console"

#include "sr-build-config.h"
#include "sr-console-delivery.h"

#include <glib/gi18n-lib.h>

#include "sr-journal-stats.h"

#define INTERVAL_US ((gint64) SR_CONSOLE_DELIVERY_INTERVAL_S * G_USEC_PER_SEC)
#define DAY_INTERVAL_US ((gint64) SR_CONSOLE_DELIVERY_DAY_INTERVAL_S * G_USEC_PER_SEC)
#define HOUR_US ((gint64) 3600 * G_USEC_PER_SEC)

/* The worker, its journal connection and the last figures. */
struct _SrConsoleDelivery {
  char *path;
  GThread *thread;
  GMutex lock;
  GCond cond;
  gboolean stop;
  gint64 last_run;              /* monotonic µs of the last computation; 0 = none */
  gint64 last_day;              /* ... of the last one that counted the whole day */
  gint64 last_asked;            /* monotonic µs of the last fill */
  SrConsoleProviders *figures;  /* only the delivery part is used */
};

/* Adds @c to the row of @key in @rows (a small table: linear search). */
static void
add_count (GPtrArray *rows, const char *key, const SrJournalDeliveryCount *c)
{
  SrConsoleDeliveryRow *row = NULL;
  for (guint i = 0; i < rows->len && !row; i++)
    if (g_strcmp0 (((SrConsoleDeliveryRow *) g_ptr_array_index (rows, i))->key, key ? key : "") == 0)
      row = g_ptr_array_index (rows, i);
  if (!row)
    row = sr_console_delivery_row_add (rows, key);
  row->sent += c->count;
  switch (c->state)
    {
    case SR_MESSAGE_DELIVERED:
      row->delivered += c->count;
      break;
    case SR_MESSAGE_UNDELIVERABLE:
    case SR_MESSAGE_DEAD:
    case SR_MESSAGE_DISCARDED:
      row->failed += c->count;
      break;
    default:
      row->pending += c->count;
      break;
    }
}

/* One computation into @p: the last hour, and with @day the last day in
 * the same pass (its last hour flagged).  FALSE with @p's error set. */
static gboolean
compute (SrJournal **journal, const char *path, gboolean day, SrConsoleProviders *p)
{
  g_autoptr (GError) error = NULL;
  if (!*journal)
    *journal = sr_journal_open (path, SR_JOURNAL_OPEN_READ_ONLY, &error);
  gint64 now = g_get_real_time ();
  g_autoptr (GPtrArray) counts = *journal ? sr_journal_delivery_counts (*journal,
                                                                        now - (day ? 24 : 1) * HOUR_US,
                                                                        now - HOUR_US, &error)
                                          : NULL;
  g_clear_pointer (&p->delivery_error, g_free);
  if (!counts)
    {
      p->delivery_error = g_strdup (error ? error->message : _("the journal could not be read"));
      g_clear_pointer (journal, sr_journal_close);   /* opened again next time */
      return FALSE;
    }
  guint windows[] = { SR_CONSOLE_DELIVERY_HOUR, SR_CONSOLE_DELIVERY_DAY };
  for (guint i = 0; i < (day ? 2u : 1u); i++)
    {
      g_ptr_array_set_size (p->countries[windows[i]], 0);
      g_ptr_array_set_size (p->providers[windows[i]], 0);
      p->delivery_at[windows[i]] = now;
    }
  for (guint i = 0; i < counts->len; i++)
    {
      SrJournalDeliveryCount *c = g_ptr_array_index (counts, i);
      if (day)
        {
          add_count (p->countries[SR_CONSOLE_DELIVERY_DAY], c->country, c);
          add_count (p->providers[SR_CONSOLE_DELIVERY_DAY], c->provider, c);
        }
      if (c->recent)
        {
          add_count (p->countries[SR_CONSOLE_DELIVERY_HOUR], c->country, c);
          add_count (p->providers[SR_CONSOLE_DELIVERY_HOUR], c->provider, c);
        }
    }
  for (guint w = 0; w < SR_CONSOLE_DELIVERY_N_WINDOWS; w++)
    {
      sr_console_delivery_rows_sort (p->countries[w]);
      sr_console_delivery_rows_sort (p->providers[w]);
    }
  return TRUE;
}

static void
copy_rows (GPtrArray *to, GPtrArray *from)
{
  g_ptr_array_set_size (to, 0);
  for (guint i = 0; i < from->len; i++)
    {
      const SrConsoleDeliveryRow *r = g_ptr_array_index (from, i);
      SrConsoleDeliveryRow *c = sr_console_delivery_row_add (to, r->key);
      c->sent = r->sent;
      c->delivered = r->delivered;
      c->failed = r->failed;
      c->pending = r->pending;
    }
}

/* The delivery part of @from into @to. */
static void
copy_figures (SrConsoleProviders *to, const SrConsoleProviders *from)
{
  for (guint w = 0; w < SR_CONSOLE_DELIVERY_N_WINDOWS; w++)
    {
      copy_rows (to->countries[w], from->countries[w]);
      copy_rows (to->providers[w], from->providers[w]);
      to->delivery_at[w] = from->delivery_at[w];
    }
  g_free (to->delivery_error);
  to->delivery_error = g_strdup (from->delivery_error);
}

static gpointer
worker (gpointer data)
{
  SrConsoleDelivery *d = data;
  SrJournal *journal = NULL;  /* this thread's own connection */
  g_mutex_lock (&d->lock);
  while (!d->stop)
    {
      gint64 now = g_get_monotonic_time ();
      gboolean due = d->last_run == 0 || now - d->last_run >= INTERVAL_US;
      /* Nobody looked for two intervals: sleep until someone does. */
      gboolean wanted = now - d->last_asked < 2 * INTERVAL_US;
      if (due && wanted)
        {
          gboolean day = d->last_day == 0 || now - d->last_day >= DAY_INTERVAL_US;
          /* Computed into a copy: fill() reads the figures meanwhile. */
          g_autoptr (SrConsoleProviders) p = sr_console_providers_new ();
          copy_figures (p, d->figures);
          g_mutex_unlock (&d->lock);
          gboolean ok = compute (&journal, d->path, day, p);
          g_mutex_lock (&d->lock);
          copy_figures (d->figures, p);
          d->last_run = g_get_monotonic_time ();
          if (day && ok)
            d->last_day = d->last_run;
          continue;
        }
      if (!wanted)
        g_cond_wait (&d->cond, &d->lock);
      else
        g_cond_wait_until (&d->cond, &d->lock, d->last_run + INTERVAL_US);
    }
  g_mutex_unlock (&d->lock);
  g_clear_pointer (&journal, sr_journal_close);
  return NULL;
}

SrConsoleDelivery *
sr_console_delivery_new (const char *journal_path)
{
  SrConsoleDelivery *d = g_new0 (SrConsoleDelivery, 1);
  d->path = g_strdup (journal_path);
  d->figures = sr_console_providers_new ();
  g_mutex_init (&d->lock);
  g_cond_init (&d->cond);
  return d;
}

void
sr_console_delivery_free (SrConsoleDelivery *d)
{
  if (!d)
    return;
  if (d->thread)
    {
      g_mutex_lock (&d->lock);
      d->stop = TRUE;
      g_cond_signal (&d->cond);
      g_mutex_unlock (&d->lock);
      g_thread_join (d->thread);
    }
  sr_console_providers_free (d->figures);
  g_mutex_clear (&d->lock);
  g_cond_clear (&d->cond);
  g_free (d->path);
  g_free (d);
}

void
sr_console_delivery_fill (SrConsoleDelivery *d, SrConsoleProviders *p)
{
  g_mutex_lock (&d->lock);
  d->last_asked = g_get_monotonic_time ();
  if (!d->thread)
    d->thread = g_thread_new ("sr-delivery", worker, d);
  g_cond_signal (&d->cond);
  copy_figures (p, d->figures);
  g_mutex_unlock (&d->lock);
}
