/* sr-router-reload.c — applying a new configuration while running (SIGHUP).
 *
 * Applied at once: policy (blacklist seed, overrides, limits, no-split),
 * app settings (sender, region, allow-lists, inbound routes) and router
 * settings (max-parts, report, retries).  Provider accounts are compared:
 * unchanged ones keep their binds; a changed provider keeps running with
 * its old settings and an event says a restart applies them.  The set of
 * apps and providers must stay the same (a restart adds or removes them).
 * Superseded configurations are kept until the router is freed: messages
 * in flight still point into them.
 */
#define G_LOG_DOMAIN "sr-router"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sr-router-private.h"
#include "sr-inbound.h"

static gboolean
provider_equal (const SrProviderConfig *a, const SrProviderConfig *b)
{
  return g_strcmp0 (a->host, b->host) == 0 && a->port == b->port
         && g_strcmp0 (a->system_id, b->system_id) == 0
         && g_strcmp0 (a->password, b->password) == 0
         && g_strcmp0 (a->system_type, b->system_type) == 0
         && a->bind == b->bind && a->binds == b->binds && a->window == b->window
         && a->enquire_link == b->enquire_link && a->response_timeout == b->response_timeout
         && a->reconnect_max == b->reconnect_max && a->tls == b->tls
         && a->tls_verify == b->tls_verify;
}

gboolean
sr_router_reload (SrRouter *router, SrConfig *config, GError **error)
{
  g_autoptr(SrPolicy) policy = NULL;
  g_autoptr(GString) restart = g_string_new (NULL);
  SrConfig *old;

  g_return_val_if_fail (router != NULL && config != NULL, FALSE);

  if (config->apps->len != router->apps->len)
    goto structure;
  for (guint i = 0; i < config->apps->len; i++)
    if (sr_router_find_app (router, ((SrAppConfig *) g_ptr_array_index (config->apps, i))->name) == NULL)
      goto structure;
  if (config->providers->len != router->providers->len)
    goto structure;
  for (guint i = 0; i < router->providers->len; i++)
    {
      SrRouterProvider *p = g_ptr_array_index (router->providers, i);

      if (sr_config_find_provider (config, p->config->name) == NULL)
        goto structure;
    }

  policy = sr_policy_new (config, &router->store, error);
  if (policy == NULL)
    return FALSE;

  /* From here on nothing fails: the new configuration takes over. */
  old = router->config;
  router->config = config;
  router->old_configs = g_slist_prepend (router->old_configs, old);
  sr_policy_free (router->policy);
  router->policy = g_steal_pointer (&policy);
  for (guint i = 0; i < router->apps->len; i++)
    {
      SrRouterApp *app = g_ptr_array_index (router->apps, i);

      app->config = sr_config_find_app (config, app->name);
    }
  for (guint i = 0; i < router->providers->len; i++)
    {
      SrRouterProvider *p = g_ptr_array_index (router->providers, i);
      const SrProviderConfig *n = sr_config_find_provider (config, p->config->name);

      /* Throughput, routes, split, ids and addresses apply at once; the
       * sessions copied their account settings when they were made. */
      if (!provider_equal (p->config, n))
        g_string_append_printf (restart, "%s%s", restart->len ? ", " : "", n->name);
      p->config = n;
    }
  {
    const SrPolicyConfig *pc = &config->policy;
    struct { SrBlacklistKind kind; char **values; } seeds[] = {
      { SR_BLACKLIST_COUNTRY, pc->blacklist_countries },
      { SR_BLACKLIST_NUMBER, pc->blacklist_numbers },
      { SR_BLACKLIST_PREFIX, pc->blacklist_prefixes },
    };

    for (guint i = 0; i < G_N_ELEMENTS (seeds); i++)
      for (char **v = seeds[i].values; v && *v; v++)
        if (**v)
          sr_journal_blacklist_add (router->journal, seeds[i].kind, *v, "config",
                                    _("from the configuration"), g_get_real_time (), NULL, NULL);
  }
  if (router->inbound)
    sr_inbound_set_config (router->inbound, config, router->policy);

  sr_router_system_event (router, SR_LEVEL_INFO, "reload", _("The configuration was reloaded."));
  if (restart->len)
    {
      g_autofree char *text = g_strdup_printf (_("Account settings of provider %s changed: "
                                                 "they apply after a restart of the router."),
                                               restart->str);

      sr_router_system_event (router, SR_LEVEL_WARNING, "reload", text);
    }
  sr_router_retention_reloaded (router, old->retention_days);
  sr_router_kick (router);
  return TRUE;

structure:
  g_set_error (error, SR_ROUTER_ERROR, SR_ROUTER_ERROR_INVALID,
               _("The new configuration adds or removes apps or providers: restart the router "
                 "to apply it (the running configuration is kept)."));
  return FALSE;
}
