/* sr-console-server-router.c — the daemon's control socket: a router model served. */
#define G_LOG_DOMAIN "sr-console"

#include "sr-build-config.h"
#include "sr-console-remote.h"

#include "sr-console-remote-private.h"
#include "sr-console-router-model.h"

static void
router_model_set_actor (gpointer user_data, const char *actor)
{
  sr_console_router_model_set_actor (user_data, actor);
}

SrConsoleServer *
sr_console_server_new_for_router (SrRouter *router, GError **error)
{
  return sr_console_server_new_for_router_full (router, NULL, NULL, error);
}

SrConsoleServer *
sr_console_server_new_for_router_full (SrRouter *router, SrConsoleFrontEndsFunc front_ends,
                                       gpointer data, GError **error)
{
  g_return_val_if_fail (router != NULL, NULL);
  SrConsoleRouterModel *rm = sr_console_router_model_new (router, NULL);
  sr_console_router_model_set_front_ends (rm, front_ends, data);
  g_autofree char *path = sr_console_remote_socket_path (sr_spool_get_root (sr_router_get_spool (router)));
  SrConsoleServer *server = sr_console_server_new (sr_console_router_model_get (rm), path,
                                                   router_model_set_actor, error);
  if (!server)
    {
      sr_console_router_model_free (rm);
      return NULL;
    }
  sr_console_server_take (server, rm, (GDestroyNotify) sr_console_router_model_free);
  const SrConfig *config = sr_router_get_config (router);
  g_autoptr (GError) access_error = NULL;
  if (!sr_console_server_set_access (server, config->control_group,
                                     (const char *const *) config->control_users, &access_error))
    g_warning ("%s", access_error->message);
  return server;
}

