/* sr-console-providers.c — the plain data of the Providers view. */
#define G_LOG_DOMAIN "sr-tui"

#include "sr-console-providers.h"

#include <string.h>

static void
bind_stats_free (SrConsoleBindStats *b)
{
  g_free (b->name);
  g_free (b->provider);
  g_free (b->state);
  g_free (b->last_error);
  g_free (b);
}

static void
delivery_row_free (SrConsoleDeliveryRow *r)
{
  g_free (r->key);
  g_free (r);
}

SrConsoleProviders *
sr_console_providers_new (void)
{
  SrConsoleProviders *p = g_new0 (SrConsoleProviders, 1);
  p->binds = g_ptr_array_new_with_free_func ((GDestroyNotify) bind_stats_free);
  for (guint w = 0; w < SR_CONSOLE_DELIVERY_N_WINDOWS; w++)
    {
      p->countries[w] = g_ptr_array_new_with_free_func ((GDestroyNotify) delivery_row_free);
      p->providers[w] = g_ptr_array_new_with_free_func ((GDestroyNotify) delivery_row_free);
    }
  return p;
}

void
sr_console_providers_free (SrConsoleProviders *p)
{
  if (!p)
    return;
  g_ptr_array_unref (p->binds);
  for (guint w = 0; w < SR_CONSOLE_DELIVERY_N_WINDOWS; w++)
    {
      g_ptr_array_unref (p->countries[w]);
      g_ptr_array_unref (p->providers[w]);
    }
  g_free (p->delivery_error);
  g_free (p);
}

SrConsoleBindStats *
sr_console_providers_add_bind (SrConsoleProviders *p, const char *name, const char *provider,
                               const char *state, const char *last_error)
{
  SrConsoleBindStats *b = g_new0 (SrConsoleBindStats, 1);
  b->name = g_strdup (name ? name : "");
  b->provider = g_strdup (provider ? provider : "");
  b->state = g_strdup (state ? state : "");
  b->last_error = last_error && *last_error ? g_strdup (last_error) : NULL;
  g_ptr_array_add (p->binds, b);
  return b;
}

SrConsoleDeliveryRow *
sr_console_delivery_row_add (GPtrArray *rows, const char *key)
{
  SrConsoleDeliveryRow *r = g_new0 (SrConsoleDeliveryRow, 1);
  r->key = g_strdup (key ? key : "");
  g_ptr_array_add (rows, r);
  return r;
}

static gint
compare_rows (gconstpointer a, gconstpointer b)
{
  const SrConsoleDeliveryRow *x = *(SrConsoleDeliveryRow *const *) a;
  const SrConsoleDeliveryRow *y = *(SrConsoleDeliveryRow *const *) b;
  if (x->sent != y->sent)
    return x->sent > y->sent ? -1 : 1;
  return strcmp (x->key, y->key);
}

void
sr_console_delivery_rows_sort (GPtrArray *rows)
{
  g_ptr_array_sort (rows, compare_rows);
}

gboolean
sr_console_delivery_rate (const SrConsoleDeliveryRow *row, double *percent)
{
  guint64 final = row->delivered + row->failed;
  if (final == 0)
    return FALSE;
  *percent = 100.0 * (double) row->delivered / (double) final;
  return TRUE;
}
