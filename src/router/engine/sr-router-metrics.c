/* sr-router-metrics.c — see sr-router-metrics.h. */
#define G_LOG_DOMAIN "sr-router"

#include "sr-router-metrics.h"
#include "sr-router-private.h"

#include <string.h>

static void
app_metrics_free (SrRouterAppMetrics *a)
{
  g_free (a->name);
  g_free (a);
}

static void
provider_metrics_free (SrRouterProviderMetrics *p)
{
  g_free (p->name);
  g_free (p);
}

static void
bind_metrics_free (SrRouterBindMetrics *b)
{
  g_free (b->name);
  g_free (b);
}

void
sr_router_metrics_clear (SrRouterMetrics *metrics)
{
  if (metrics == NULL)
    return;
  g_clear_pointer (&metrics->apps, g_ptr_array_unref);
  g_clear_pointer (&metrics->providers, g_ptr_array_unref);
  g_clear_pointer (&metrics->binds, g_ptr_array_unref);
}

static void
add_provider (SrRouterMetrics *metrics, SrRouterProvider *p, gint64 now)
{
  SrRouterProviderMetrics *pm = g_new0 (SrRouterProviderMetrics, 1);

  pm->name = g_strdup (p->config->name);
  pm->bucket_waits = p->bucket_waits;
  pm->bucket_wait_seconds = sr_router_provider_bucket_wait_us (p, now) / 1e6;
  for (guint i = 0; i < p->binds->len; i++)
    {
      SrRouterBind *b = g_ptr_array_index (p->binds, i);
      SrSmppSessionStats st;
      SrSmppTiming timing;

      if (b->session == NULL)
        continue;
      sr_smpp_session_get_stats (b->session, &st);
      pm->submitted += st.submitted;
      pm->accepted += st.accepted;
      pm->rejected += st.rejected;
      pm->unanswered += st.not_acknowledged;
      sr_histogram_add (&pm->latency, &st.submit_latency);
      if (!b->can_submit)
        continue;
      SrRouterBindMetrics *bm = g_new0 (SrRouterBindMetrics, 1);
      sr_smpp_session_get_timing (b->session, &timing);
      bm->name = g_strdup (b->name);
      bm->window_used = sr_smpp_session_outstanding (b->session);
      bm->window_size = timing.window;
      bm->throttled = st.throttled;
      bm->pauses = st.pauses;
      bm->pause_seconds = st.paused_us / 1e6;
      g_ptr_array_add (metrics->binds, bm);
    }
  g_ptr_array_add (metrics->providers, pm);
}

void
sr_router_get_metrics (SrRouter *router, SrRouterMetrics *metrics)
{
  g_return_if_fail (router != NULL && metrics != NULL);
  gint64 now = g_get_monotonic_time ();

  memset (metrics, 0, sizeof *metrics);
  metrics->apps = g_ptr_array_new_with_free_func ((GDestroyNotify) app_metrics_free);
  metrics->providers = g_ptr_array_new_with_free_func ((GDestroyNotify) provider_metrics_free);
  metrics->binds = g_ptr_array_new_with_free_func ((GDestroyNotify) bind_metrics_free);
  for (guint i = 0; i < router->apps->len; i++)
    {
      SrRouterApp *app = g_ptr_array_index (router->apps, i);
      SrRouterAppMetrics *am = g_new0 (SrRouterAppMetrics, 1);

      am->name = g_strdup (app->name);
      memcpy (am->dead, app->dead, sizeof am->dead);
      g_ptr_array_add (metrics->apps, am);
    }
  for (guint i = 0; i < router->providers->len; i++)
    add_provider (metrics, g_ptr_array_index (router->providers, i), now);
}
