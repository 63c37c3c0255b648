/* sr-cli-daemon.c — `sms-router --daemon`: the router without a console.
 *
 * Runs in the foreground (systemd and other supervisors prefer it), logs
 * through GLib structured logging (sr-cli-log.c chooses where) and tells
 * system-wide events from message-specific ones by the SR_SCOPE field and a
 * "[system]" / "[message]" prefix.  SIGTERM and SIGINT stop gracefully,
 * SIGHUP reopens a log file and reloads the configuration.
 */
#define G_LOG_DOMAIN "sms-router"

#include "sr-build-config.h"
#include "sr-broker.h"
#include "sr-cli.h"
#include "sr-config.h"
#include "sr-console-front-ends.h"
#include "sr-console-remote.h"
#include "sr-http.h"
#include "sr-router.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <unistd.h>

/* The running daemon: its loop, router and what a signal needs. */
typedef struct {
  GMainLoop *loop;
  SrRouter *router;
  SrBroker *broker;           /* NULL without [broker] */
  char *config_path;
  char *config_text;          /* the running configuration's file, to report what a reload changes */
  const char *spool;
  gboolean stopping;
} Daemon;

static void
on_router_event (SrRouter *router, SrScope scope, const char *kind, const char *text, gpointer user_data)
{
  const char *scope_name = sr_scope_to_string (scope);
  g_log_structured (G_LOG_DOMAIN, scope == SR_SCOPE_SYSTEM ? G_LOG_LEVEL_MESSAGE : G_LOG_LEVEL_INFO,
                    "SR_SCOPE", scope_name,
                    "SR_KIND", kind,
                    "MESSAGE", "[%s] %s: %s", scope_name, kind, text);
}

static void
on_stopped (SrRouter *router, gpointer user_data)
{
  Daemon *d = user_data;
  g_main_loop_quit (d->loop);
}

static gboolean
on_stop_signal (gpointer user_data)
{
  Daemon *d = user_data;
  if (!d->stopping)
    {
      d->stopping = TRUE;
      g_message (_("stopping: finishing messages in flight"));
      sr_router_stop (d->router, on_stopped, d);
    }
  return G_SOURCE_CONTINUE;
}

/* Whether @group has the same keys and values in both files. */
static gboolean
group_equal (GKeyFile *a, GKeyFile *b, const char *group)
{
  g_auto(GStrv) keys_a = g_key_file_get_keys (a, group, NULL, NULL);
  g_auto(GStrv) keys_b = g_key_file_get_keys (b, group, NULL, NULL);
  if (keys_a == NULL || keys_b == NULL || g_strv_length (keys_a) != g_strv_length (keys_b))
    return FALSE;
  for (char **k = keys_a; *k; k++)
    {
      g_autofree char *va = g_key_file_get_value (a, group, *k, NULL);
      g_autofree char *vb = g_key_file_get_value (b, group, *k, NULL);
      if (g_strcmp0 (va, vb) != 0)
        return FALSE;
    }
  return TRUE;
}

/* The groups that differ between two configuration files ("policy, app:billing"),
 * or NULL when none does.  Only names: values may be passwords. */
static char *
changed_groups (const char *old_text, const char *new_text)
{
  g_autoptr(GKeyFile) a = g_key_file_new ();
  g_autoptr(GKeyFile) b = g_key_file_new ();
  if (old_text == NULL || new_text == NULL
      || !g_key_file_load_from_data (a, old_text, -1, G_KEY_FILE_NONE, NULL)
      || !g_key_file_load_from_data (b, new_text, -1, G_KEY_FILE_NONE, NULL))
    return NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_auto(GStrv) groups_a = g_key_file_get_groups (a, NULL);
  g_auto(GStrv) groups_b = g_key_file_get_groups (b, NULL);
  for (char **g = groups_b; *g; g++)
    if (!group_equal (a, b, *g))
      g_string_append_printf (out, "%s%s", out->len ? ", " : "", *g);
  for (char **g = groups_a; *g; g++)
    if (!g_key_file_has_group (b, *g))
      g_string_append_printf (out, "%s%s", out->len ? ", " : "", *g);
  return out->len ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

static gboolean
on_reload_signal (gpointer user_data)
{
  Daemon *d = user_data;
  g_autoptr(GError) error = NULL;
  if (!sr_cli_log_reopen (&error))
    {
      g_warning ("%s", error->message);
      g_clear_error (&error);
    }
  g_message (_("reloading the configuration from %s"), d->config_path);
  g_autofree char *text = NULL;
  g_file_get_contents (d->config_path, &text, NULL, NULL);
  SrConfig *config = sr_config_load (d->config_path, &error);
  if (config == NULL || !sr_router_reload (d->router, config, &error))
    {
      if (config != NULL)
        sr_config_free (config);
      g_warning (_("configuration not reloaded, the running one is kept: %s"), error->message);
      return G_SOURCE_CONTINUE;
    }
  sr_broker_reload_for_router (&d->broker, d->router);
  g_autofree char *changed = changed_groups (d->config_text, text);
  if (changed != NULL)
    g_message (_("configuration reloaded; changed groups: %s"), changed);
  else
    g_message (_("configuration reloaded; nothing changed"));
  g_free (d->config_text);
  d->config_text = g_steal_pointer (&text);
  return G_SOURCE_CONTINUE;
}

static gboolean
write_pidfile (const char *path, GError **error)
{
  g_autofree char *text = g_strdup_printf ("%d\n", (int) getpid ());
  return g_file_set_contents (path, text, -1, error);
}

int
sr_cli_daemon (const char *config_arg, const char *spool, const char *pidfile, const char *log)
{
  g_autoptr(GError) error = NULL;
  /* --log applies at once, so warnings about the configuration follow it. */
  if (log != NULL && !sr_cli_log_setup (log, &error))
    {
      g_printerr ("sms-router: %s\n", error->message);
      return 2;
    }
  Daemon d = { .spool = spool };
  d.config_path = sr_config_resolve_path (config_arg);
  g_file_get_contents (d.config_path, &d.config_text, NULL, NULL);
  SrConfig *config = sr_config_load (d.config_path, &error);
  if (config == NULL || (log == NULL && !sr_cli_log_setup (config->log, &error)))
    {
      g_printerr ("sms-router: %s\n", error->message);
      g_clear_pointer (&config, sr_config_free);
      g_free (d.config_path);
      g_free (d.config_text);
      return 2;
    }
  SrRouterOptions options = { .spool = spool, .notifications = FALSE };
  d.router = sr_router_new (config, &options, &error);
  if (d.router == NULL)
    {
      g_printerr ("sms-router: %s\n", error->message);
      g_free (d.config_path);
      g_free (d.config_text);
      return g_error_matches (error, SR_ROUTER_ERROR, SR_ROUTER_ERROR_LOCKED)
             || sr_journal_error_needs_operator (error) ? 2 : 1;
    }
  if (pidfile != NULL && !write_pidfile (pidfile, &error))
    {
      g_printerr ("sms-router: %s\n", error->message);
      sr_router_free (d.router);
      g_free (d.config_path);
      g_free (d.config_text);
      return 1;
    }
  sr_router_set_event_func (d.router, on_router_event, &d);
  if (!sr_router_start (d.router, &error))
    {
      g_printerr ("sms-router: %s\n", error->message);
      sr_router_free (d.router);
      if (pidfile != NULL)
        g_unlink (pidfile);
      g_free (d.config_path);
      g_free (d.config_text);
      return 1;
    }

  /* The HTTP front end is optional: the router runs on without it. */
  g_autoptr(GError) http_error = NULL;
  SrHttp *http = sr_http_new (d.router, &http_error);
  if (http == NULL && http_error != NULL)
    g_warning (_("the HTTP front end is not running: %s"), http_error->message);

  /* A front end over the spool: when it cannot start, the router still serves the spool. */
  d.broker = sr_broker_start_for_router (d.router);

  /* Consoles started on the same spool attach through this socket; their
   * Overview shows the front ends too (d.broker changes on a reload). */
  SrConsoleFrontEnds front_ends = { &d.broker, &http, http_error ? http_error->message : NULL };
  g_autoptr(GError) server_error = NULL;
  SrConsoleServer *server = sr_console_server_new_for_router_full (d.router, sr_console_front_ends_fill,
                                                                   &front_ends, &server_error);
  if (server == NULL)
    g_warning (_("consoles cannot attach to this daemon: %s"), server_error->message);

  d.loop = g_main_loop_new (NULL, FALSE);
  guint sig_term = g_unix_signal_add (SIGTERM, on_stop_signal, &d);
  guint sig_int = g_unix_signal_add (SIGINT, on_stop_signal, &d);
  guint sig_hup = g_unix_signal_add (SIGHUP, on_reload_signal, &d);
  g_message (_("sms-router %s running on spool %s"), PACKAGE_VERSION,
             sr_spool_get_root (sr_router_get_spool (d.router)));
  g_main_loop_run (d.loop);
  g_source_remove (sig_term);
  g_source_remove (sig_int);
  g_source_remove (sig_hup);

  g_clear_pointer (&http, sr_http_free);
  g_clear_pointer (&server, sr_console_server_free);
  g_clear_pointer (&d.broker, sr_broker_free);
  sr_router_free (d.router);
  g_main_loop_unref (d.loop);
  if (pidfile != NULL)
    g_unlink (pidfile);
  g_free (d.config_path);
  g_free (d.config_text);
  g_message (_("stopped"));
  return 0;
}
