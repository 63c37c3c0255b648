/* sr-console-remote-providers.c — the Providers view's figures as a GVariant
 * (control socket), beside the other structs in sr-console-remote-wire.c. */
#define G_LOG_DOMAIN "sr-console"

#include "sr-build-config.h"
#include "sr-console-remote-private.h"

#include "sr-console-providers.h"

#define BIND_TYPE SR_REMOTE_BIND_TYPE
#define ROW_TYPE SR_REMOTE_DELIVERY_TYPE
#define PROVIDERS_TYPE SR_REMOTE_PROVIDERS_TYPE

static const char *
nn (const char *s)
{
  return s ? s : "";
}

static GVariant *
rows_variant (GPtrArray *rows)
{
  GVariantBuilder b;
  g_variant_builder_init (&b, G_VARIANT_TYPE ("a" ROW_TYPE));
  for (guint i = 0; i < rows->len; i++)
    {
      const SrConsoleDeliveryRow *r = g_ptr_array_index (rows, i);
      g_variant_builder_add (&b, ROW_TYPE, nn (r->key), (guint64) r->sent, (guint64) r->delivered,
                             (guint64) r->failed, (guint64) r->pending);
    }
  return g_variant_builder_end (&b);
}

GVariant *
sr_remote_providers_to_variant (const SrConsoleProviders *p)
{
  GVariantBuilder binds;
  g_variant_builder_init (&binds, G_VARIANT_TYPE ("a" BIND_TYPE));
  for (guint i = 0; i < p->binds->len; i++)
    {
      const SrConsoleBindStats *b = g_ptr_array_index (p->binds, i);
      g_variant_builder_add (&binds, BIND_TYPE, nn (b->name), nn (b->provider), nn (b->state),
                             (gint64) b->state_since, (guint64) b->reconnects,
                             (guint32) b->window_used, (guint32) b->window_size, b->rate,
                             b->throughput, (guint64) b->throttled, (guint32) b->throttle_pause_ms,
                             (guint64) b->latency_count, b->latency_p50_ms, b->latency_p99_ms,
                             nn (b->last_error));
    }
  /* The same type as PROVIDERS_TYPE, with the delivery arrays passed built. */
  return g_variant_new ("(a" BIND_TYPE "@a" ROW_TYPE "@a" ROW_TYPE "@a" ROW_TYPE "@a" ROW_TYPE "xxs)",
                        &binds,
                        rows_variant (p->countries[SR_CONSOLE_DELIVERY_HOUR]),
                        rows_variant (p->countries[SR_CONSOLE_DELIVERY_DAY]),
                        rows_variant (p->providers[SR_CONSOLE_DELIVERY_HOUR]),
                        rows_variant (p->providers[SR_CONSOLE_DELIVERY_DAY]),
                        (gint64) p->delivery_at[SR_CONSOLE_DELIVERY_HOUR],
                        (gint64) p->delivery_at[SR_CONSOLE_DELIVERY_DAY], nn (p->delivery_error));
}

static void
rows_fill (GPtrArray *rows, GVariant *v)
{
  GVariantIter iter;
  const char *key;
  guint64 sent, delivered, failed, pending;
  g_variant_iter_init (&iter, v);
  while (g_variant_iter_next (&iter, "(&stttt)", &key, &sent, &delivered, &failed, &pending))
    {
      SrConsoleDeliveryRow *r = sr_console_delivery_row_add (rows, key);
      r->sent = sent;
      r->delivered = delivered;
      r->failed = failed;
      r->pending = pending;
    }
}

SrConsoleProviders *
sr_remote_providers_from_variant (GVariant *v)
{
  if (!g_variant_is_of_type (v, G_VARIANT_TYPE (PROVIDERS_TYPE)))
    return NULL;
  SrConsoleProviders *p = sr_console_providers_new ();
  g_autoptr (GVariant) binds = g_variant_get_child_value (v, 0);
  GVariantIter iter;
  const char *name, *provider, *state, *last_error;
  gint64 since;
  guint64 reconnects, throttled, latency_count;
  guint32 used, size, pause;
  double rate, throughput, p50, p99;
  g_variant_iter_init (&iter, binds);
  while (g_variant_iter_next (&iter, "(&s&s&sxtuuddtutdd&s)", &name, &provider, &state, &since,
                              &reconnects, &used, &size, &rate, &throughput, &throttled, &pause,
                              &latency_count, &p50, &p99, &last_error))
    {
      SrConsoleBindStats *b = sr_console_providers_add_bind (p, name, provider, state, last_error);
      b->state_since = since;
      b->reconnects = reconnects;
      b->window_used = used;
      b->window_size = size;
      b->rate = rate;
      b->throughput = throughput;
      b->throttled = throttled;
      b->throttle_pause_ms = pause;
      b->latency_count = latency_count;
      b->latency_p50_ms = p50;
      b->latency_p99_ms = p99;
    }
  GPtrArray *tables[] = {
    p->countries[SR_CONSOLE_DELIVERY_HOUR], p->countries[SR_CONSOLE_DELIVERY_DAY],
    p->providers[SR_CONSOLE_DELIVERY_HOUR], p->providers[SR_CONSOLE_DELIVERY_DAY],
  };
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autoptr (GVariant) rows = g_variant_get_child_value (v, 1 + i);
      rows_fill (tables[i], rows);
    }
  for (guint w = 0; w < SR_CONSOLE_DELIVERY_N_WINDOWS; w++)
    {
      g_autoptr (GVariant) at = g_variant_get_child_value (v, 5 + w);
      p->delivery_at[w] = g_variant_get_int64 (at);
    }
  g_autoptr (GVariant) err = g_variant_get_child_value (v, 7);
  const char *e = g_variant_get_string (err, NULL);
  p->delivery_error = *e ? g_strdup (e) : NULL;
  return p;
}
