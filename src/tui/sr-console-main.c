/* sr-console-main.c — `sms-router` without a sub-command: the console with
 * the router embedded, or attached to the daemon that owns the spool. */
#define G_LOG_DOMAIN "sr-console"

#include "sr-build-config.h"
#include "sr-console-main.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "sr-console-remote.h"
#include "sr-console-router-model.h"
#include "sr-console.h"

static void
on_stopped (SrRouter *router, gpointer data)
{
  *(gboolean *) data = TRUE;
}

void
sr_console_stop_router (SrRouter *router, guint timeout_ms)
{
  gboolean stopped = FALSE;
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  sr_router_stop (router, on_stopped, &stopped);
  while (!stopped && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  if (!stopped)
    g_warning ("The router did not stop within %u ms; closing anyway.", timeout_ms);
}

int
sr_console_main (SrConfig *config, const char *spool, const char *console_title)
{
  g_autoptr (GError) error = NULL;
  const char *root = spool ? spool : config->spool;
  if (root && sr_spool_lock_holder (root) > 0)
    {
      sr_config_free (config);
      return sr_console_attach_main (root, console_title);
    }
  SrRouterOptions ro = { .spool = spool, .notifications = TRUE };
  g_autoptr (SrRouter) router = sr_router_new (config, &ro, &error);
  if (!router || !sr_router_start (router, &error))
    {
      fprintf (stderr, "sms-router: %s\n", error->message);
      return 1;
    }
  g_autoptr (SrConsoleRouterModel) model = sr_console_router_model_new (router, NULL);
  SrConsoleOptions options = { .title = console_title };
  g_autoptr (SrConsole) console = sr_console_new (sr_console_router_model_get (model), &options);
  SrConsoleExit why = sr_console_run (console, &error);
  g_clear_pointer (&console, sr_console_free);
  g_clear_pointer (&model, sr_console_router_model_free);
  sr_console_stop_router (router, 10000);
  if (why == SR_CONSOLE_EXIT_ERROR)
    {
      fprintf (stderr, "sms-router: %s\n", error->message);
      return 1;
    }
  return 0;
}
