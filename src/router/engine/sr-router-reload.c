/* sr-router-reload.c — applying a new configuration while running. */
#define G_LOG_DOMAIN "sr-router"

#include <glib/gi18n-lib.h>

#include "sr-router-private.h"

gboolean
sr_router_reload (SrRouter *router, SrConfig *config, GError **error)
{
  g_set_error (error, SR_ROUTER_ERROR, SR_ROUTER_ERROR_FAILED,
               _("Reloading the configuration is not supported yet: restart the router."));
  return FALSE;
}
