/* sr-console-main.c — `sms-router` without a sub-command: the console with
 * the router embedded, or attached to the daemon that owns the spool. */
#define G_LOG_DOMAIN "sr-console"

#include "sr-build-config.h"
#include "sr-console-main.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>

#include "sr-broker.h"
#include "sr-console-front-ends.h"
#include "sr-console-remote.h"
#include "sr-console-router-model.h"
#include "sr-console.h"
#include "sr-http.h"
#include "sr-notify.h"

static FILE *log_file;

static GLogWriterOutput
log_to_file (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
  if (!log_file)
    return G_LOG_WRITER_HANDLED;
  /* Debug lines only when G_MESSAGES_DEBUG asks for them, as usual. */
  if ((level & G_LOG_LEVEL_DEBUG) && g_log_writer_default_would_drop (level, NULL))
    return G_LOG_WRITER_HANDLED;
  g_autofree char *line = g_log_writer_format_fields (level, fields, n_fields, FALSE);
  fprintf (log_file, "%s\n", line);
  fflush (log_file);
  return G_LOG_WRITER_HANDLED;
}

void
sr_console_redirect_logs (const char *path)
{
  g_autofree char *fallback = NULL;
  if (!path)
    {
      g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "sms-router", NULL);
      g_mkdir_with_parents (dir, 0700);
      path = fallback = g_build_filename (dir, "console.log", NULL);
    }
  FILE *f = fopen (path, "a");
  if (log_file)
    fclose (log_file);
  log_file = f;
  static gboolean installed;
  if (!installed)
    {
      g_log_set_writer_func (log_to_file, NULL, NULL);
      installed = TRUE;
    }
}

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
    g_warning (_("The router did not stop within %u ms; closing anyway."), timeout_ms);
}

/* Bind lost or restored, auth rejected, a new dead letter, an inbound SMS:
 * worth a desktop bubble (rate-limited, silent without a service). */
static void
notify_event (SrRouter *router, SrScope scope, const char *kind, const char *text, gpointer user_data)
{
  if (scope == SR_SCOPE_SYSTEM || g_str_has_prefix (kind, "dead") || g_str_has_prefix (kind, "inbound"))
    sr_notify_send (user_data, _("SMS router"), text);
}

int
sr_console_main (SrConfig *config, const char *spool, const char *console_title)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root = g_strdup (spool ? spool : config->spool);
  if (root && sr_spool_lock_holder (root) > 0)
    {
      sr_config_free (config);
      return sr_console_attach_main (root, console_title);
    }
  sr_console_redirect_logs (NULL);
  SrRouterOptions ro = { .spool = spool, .notifications = TRUE };
  g_autoptr (SrRouter) router = sr_router_new (config, &ro, &error);
  if (!router || !sr_router_start (router, &error))
    {
      fprintf (stderr, "sms-router: %s\n", error->message);
      return 1;
    }
  /* The HTTP front end is optional: the console runs on without it. */
  g_autoptr (GError) http_error = NULL;
  g_autoptr (SrHttp) http = sr_http_new (router, &http_error);
  if (http == NULL && http_error != NULL)
    g_warning (_("the HTTP front end is not running: %s"), http_error->message);
  g_autoptr (SrNotify) notify = sr_notify_new (5000);
  sr_router_set_event_func (router, notify_event, notify);
  g_autoptr (SrBroker) broker = sr_broker_start_for_router (router);
  g_autoptr (SrConsoleRouterModel) model = sr_console_router_model_new (router, NULL);
  SrConsoleFrontEnds front_ends = { &broker, &http, http_error ? http_error->message : NULL };
  sr_console_router_model_set_front_ends (model, sr_console_front_ends_fill, &front_ends);
  SrConsoleOptions options = { .title = console_title };
  g_autoptr (SrConsole) console = sr_console_new (sr_console_router_model_get (model), &options);
  SrConsoleExit why = sr_console_run (console, &error);
  g_clear_pointer (&console, sr_console_free);
  g_clear_pointer (&model, sr_console_router_model_free);
  g_clear_pointer (&broker, sr_broker_free);
  g_clear_pointer (&http, sr_http_free);
  sr_console_stop_router (router, 10000);
  sr_router_set_event_func (router, NULL, NULL);
  if (why == SR_CONSOLE_EXIT_ERROR)
    {
      fprintf (stderr, "sms-router: %s\n", error->message);
      return 1;
    }
  return 0;
}
