/* sr-console-router-providers.c — the Providers view over an embedded
 * router: the binds' live figures from its status, the delivery rates from
 * the journal's worker (sr-console-delivery.c). */
#define G_LOG_DOMAIN "sr-console"

#include "sr-build-config.h"
#include "sr-console-router-model.h"
#include "sr-console-router-private.h"

#include "sr-console-providers.h"

SrConsoleProviders *
sr_rm_providers (gpointer user_data, GError **error)
{
  SrConsoleRouterModel *self = user_data;
  SrRouterStatus st = { 0 };
  sr_router_get_status (self->router, &st);
  SrConsoleProviders *p = sr_console_providers_new ();
  for (guint i = 0; st.binds && i < st.binds->len; i++)
    {
      const SrRouterBindStatus *s = g_ptr_array_index (st.binds, i);
      SrConsoleBindStats *b = sr_console_providers_add_bind (p, s->name, s->provider, s->state,
                                                             s->last_error);
      b->state_since = s->state_since;
      b->reconnects = s->reconnects;
      b->window_used = s->window_used;
      b->window_size = s->window_size;
      b->rate = s->rate;
      b->throughput = s->throughput;
      b->throttled = s->throttled;
      b->throttle_pause_ms = s->throttle_pause_ms;
      b->latency_count = s->latency_count;
      b->latency_p50_ms = s->latency_p50_ms;
      b->latency_p99_ms = s->latency_p99_ms;
    }
  sr_router_status_clear (&st);
  if (!self->delivery)
    self->delivery = sr_console_delivery_new (sr_journal_get_path (sr_router_get_journal (self->router)));
  sr_console_delivery_fill (self->delivery, p);
  return p;
}
