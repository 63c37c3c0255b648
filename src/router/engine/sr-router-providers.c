/* sr-router-providers.c — the SMPP sessions of each provider and what
 * their state changes mean for the router (system-wide errors, dispatch). */
#define G_LOG_DOMAIN "sr-router"


#include <glib/gi18n-lib.h>

#include "sr-router-private.h"

static void
bind_free (SrRouterBind *bind)
{
  g_clear_pointer (&bind->session, sr_smpp_session_unref);
  sr_router_late_free (bind);
  g_free (bind->name);
  g_free (bind->last_error);
  g_free (bind);
}

static void
state_changed_cb (SrSmppSession *session, SrSmppState state,
                  const SrSmppStateChange *change, gpointer user_data)
{
  SrRouterBind *bind = user_data;
  SrRouterProvider *provider = bind->provider;
  SrRouter *router = provider->router;

  if (state == SR_SMPP_STATE_BOUND)
    {
      if (bind->last_error != NULL || provider->system_error)
        {
          g_autofree char *text = g_strdup_printf (_("Provider %s: %s is bound again."),
                                                   provider->config->name, bind->name);

          provider->system_error = FALSE;
          sr_router_system_event (router, SR_LEVEL_INFO, "bind-restored", text);
        }
      else if (router->journal)
        {
          /* Not news worth an alarm, but the bind's history in the audit
           * log (the console's Providers view shows it) starts here. */
          g_autofree char *text = g_strdup_printf (_("Provider %s: %s is bound."),
                                                   provider->config->name, bind->name);

          sr_journal_event_add (router->journal, g_get_real_time (), SR_SCOPE_SYSTEM,
                                SR_LEVEL_INFO, "bind-up", 0, NULL, NULL, text, NULL);
        }
      g_clear_pointer (&bind->last_error, g_free);
      sr_router_kick (router);
    }
  else if (state == SR_SMPP_STATE_DISCONNECTED && !change->stopped)
    {
      gboolean first = bind->last_error == NULL;
      const char *why = change->reason ? change->reason : _("connection closed");
      g_autofree char *text = NULL;

      g_free (bind->last_error);
      bind->last_error = g_strdup (why);
      if (change->gave_up)
        text = g_strdup_printf (_("Provider %s: %s: the SMSC rejected the credentials (%s); "
                                  "messages stay queued until an operator reconnects."),
                                provider->config->name, bind->name, why);
      else if (first || change->old_state == SR_SMPP_STATE_BOUND)
        text = g_strdup_printf (_("Provider %s: %s is not bound: %s; messages stay queued."),
                                provider->config->name, bind->name, why);
      if (text)
        {
          provider->system_error = TRUE;
          sr_router_system_event (router,
                                  change->error_class == SR_SMPP_STATUS_SYSTEM || change->gave_up
                                  ? SR_LEVEL_ERROR : SR_LEVEL_WARNING,
                                  change->gave_up ? "auth-rejected" : "bind-lost", text);
        }
      /* Messages of a provider without a bind may go to another one. */
      sr_router_kick (router);
    }
  if (state == SR_SMPP_STATE_DISCONNECTED && change->stopped)
    sr_router_check_stopped (router);
  sr_router_changed (router);
}

static void
window_available_cb (SrSmppSession *session, guint free_slots, gpointer user_data)
{
  SrRouterBind *bind = user_data;

  sr_router_kick (bind->provider->router);
}

static const SrSmppSessionEvents session_events = {
  .state_changed = state_changed_cb,
  .submit_result = sr_router_submit_result,
  .deliver = sr_router_deliver,
  .window_available = window_available_cb,
  .late_result = sr_router_late_result,
};

static void
add_bind (SrRouterProvider *provider, SrSmppBindAs as, const char *name)
{
  SrRouterBind *bind = g_new0 (SrRouterBind, 1);

  bind->provider = provider;
  bind->name = g_strdup (name);
  bind->can_submit = as != SR_SMPP_BIND_AS_RECEIVER;
  bind->session = sr_smpp_session_new (provider->config, as, &session_events, bind);
  g_ptr_array_add (provider->binds, bind);
}

SrRouterProvider *
sr_router_provider_new (SrRouter *router, const SrProviderConfig *config)
{
  SrRouterProvider *provider = g_new0 (SrRouterProvider, 1);
  guint n = MAX (config->binds, 1);

  provider->router = router;
  provider->config = config;
  provider->binds = g_ptr_array_new_with_free_func ((GDestroyNotify) bind_free);
  g_queue_init (&provider->queue);
  provider->tokens = 1;
  provider->tokens_at = g_get_monotonic_time ();
  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s#%u", config->name, i);

      if (config->bind == SR_BIND_TRANSMITTER_RECEIVER)
        {
          g_autofree char *rx = g_strdup_printf ("%s#%u-rx", config->name, i);

          add_bind (provider, SR_SMPP_BIND_AS_TRANSMITTER, name);
          add_bind (provider, SR_SMPP_BIND_AS_RECEIVER, rx);
        }
      else
        add_bind (provider, SR_SMPP_BIND_AS_TRANSCEIVER, name);
    }
  return provider;
}

void
sr_router_provider_free (SrRouterProvider *provider)
{
  if (provider == NULL)
    return;
  /* The queue links are embedded in the messages, which belong to
   * router->by_file and are freed there: nothing to free here. */
  g_queue_init (&provider->queue);
  g_ptr_array_unref (provider->binds);
  g_free (provider);
}

void
sr_router_provider_start (SrRouterProvider *provider)
{
  for (guint i = 0; i < provider->binds->len; i++)
    {
      SrRouterBind *b = g_ptr_array_index (provider->binds, i);

      sr_smpp_session_start (b->session);
    }
}

void
sr_router_provider_stop (SrRouterProvider *provider)
{
  provider->stopping = TRUE;
  for (guint i = 0; i < provider->binds->len; i++)
    {
      SrRouterBind *b = g_ptr_array_index (provider->binds, i);

      if (b->session)
        sr_smpp_session_stop (b->session);
    }
}

gboolean
sr_router_provider_stopped (SrRouterProvider *provider)
{
  for (guint i = 0; i < provider->binds->len; i++)
    {
      SrRouterBind *b = g_ptr_array_index (provider->binds, i);

      if (b->session && sr_smpp_session_get_state (b->session) != SR_SMPP_STATE_DISCONNECTED)
        return FALSE;
    }
  return TRUE;
}

guint
sr_router_provider_outstanding (SrRouterProvider *provider)
{
  guint n = 0;

  for (guint i = 0; i < provider->binds->len; i++)
    {
      SrRouterBind *b = g_ptr_array_index (provider->binds, i);

      if (b->session)
        n += sr_smpp_session_outstanding (b->session);
    }
  return n;
}

gboolean
sr_router_provider_bound (SrRouterProvider *provider)
{
  for (guint i = 0; i < provider->binds->len; i++)
    {
      SrRouterBind *b = g_ptr_array_index (provider->binds, i);

      if (b->can_submit && b->session
          && sr_smpp_session_get_state (b->session) == SR_SMPP_STATE_BOUND)
        return TRUE;
    }
  return FALSE;
}
