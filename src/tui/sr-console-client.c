/* sr-console-client.c — a console model that asks a daemon over its control socket. */
#define G_LOG_DOMAIN "sr-console"

#include "sr-build-config.h"
#include "sr-console-remote.h"

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "sr-console-providers.h"
#include "sr-console-remote-private.h"
#include "sr-console.h"
#include "sr-spool.h"

/* The connection (re-opened after a loss) and the function table. */
struct _SrConsoleClient {
  SrConsoleModel model;
  char *path;
  GSocketConnection *connection;
};

static gboolean
client_connect (SrConsoleClient *c, GError **error)
{
  if (c->connection)
    return TRUE;
  g_autoptr (GSocketClient) sc = g_socket_client_new ();
  g_autoptr (GSocketAddress) addr = g_unix_socket_address_new (c->path);
  g_autoptr (GError) local = NULL;
  c->connection = g_socket_client_connect (sc, G_SOCKET_CONNECTABLE (addr), NULL, &local);
  if (!c->connection)
    {
      g_set_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_UNAVAILABLE,
                   _("The router's control socket %s does not answer: %s"), c->path, local->message);
      return FALSE;
    }
  g_socket_set_timeout (g_socket_connection_get_socket (c->connection), 10);
  return TRUE;
}

static void
client_drop (SrConsoleClient *c)
{
  if (c->connection)
    {
      g_io_stream_close (G_IO_STREAM (c->connection), NULL, NULL);
      g_clear_object (&c->connection);
    }
}

/* One request and its answer; returns the result, or NULL with the
 * router's error (or UNAVAILABLE when the socket failed). */
static GVariant *
call (SrConsoleClient *c, const char *method, GVariant *args, const char *result_type,
      GError **error)
{
  if (!client_connect (c, error))
    return NULL;
  g_autoptr (GBytes) frame = sr_remote_frame (g_variant_new ("(sv)", method, args));
  gsize len;
  const guint8 *data = g_bytes_get_data (frame, &len);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (c->connection));
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (c->connection));
  g_autoptr (GError) local = NULL;
  g_autoptr (GVariant) answer = NULL;
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  guint8 head[4];
  gsize got = 0;
  /* A daemon that serves too many consoles answers a new one at once and
   * closes, maybe before this request is written: a failed write still
   * leaves that answer to read. */
  g_autoptr (GError) write_error = NULL;
  g_output_stream_write_all (out, data, len, NULL, NULL, &write_error);
  if (!g_input_stream_read_all (in, head, 4, &got, NULL, &local) || got != 4)
    {
      if (write_error)
        {
          g_clear_error (&local);
          local = g_steal_pointer (&write_error);
        }
      goto lost;
    }
  /* The frame is checked (its length before the body is read, then the
   * variant) by the reader the daemon uses too. */
  g_byte_array_append (buf, head, 4);
  SrRemoteFrameResult r = sr_remote_frame_take (buf, G_VARIANT_TYPE ("(busv)"), &answer);
  if (r == SR_REMOTE_FRAME_MORE)
    {
      guint32 be;
      memcpy (&be, head, 4);
      gsize n = GUINT32_FROM_BE (be);
      g_byte_array_set_size (buf, 4 + n);
      if (!g_input_stream_read_all (in, buf->data + 4, n, &got, NULL, &local) || got != n)
        goto lost;
      r = sr_remote_frame_take (buf, G_VARIANT_TYPE ("(busv)"), &answer);
    }
  if (r != SR_REMOTE_FRAME_OK)
    goto lost;
  gboolean ok;
  guint32 code;
  const char *message;
  GVariant *result;
  g_variant_get (answer, "(bu&sv)", &ok, &code, &message, &result);
  if (!ok)
    {
      g_variant_unref (result);
      /* The server closes after such an answer (too many clients): the next
       * call connects again. */
      if (code == SR_CONSOLE_MODEL_ERROR_UNAVAILABLE)
        client_drop (c);
      g_set_error_literal (error, SR_CONSOLE_MODEL_ERROR,
                           code <= SR_CONSOLE_MODEL_ERROR_UNAVAILABLE ? (gint) code
                                                                      : SR_CONSOLE_MODEL_ERROR_FAILED,
                           message);
      return NULL;
    }
  if (!g_variant_is_of_type (result, G_VARIANT_TYPE (result_type)))
    {
      g_variant_unref (result);
      g_set_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_FAILED,
                   _("The router answered \"%s\" in an unexpected form (a different version?)."),
                   method);
      return NULL;
    }
  return result;

lost:
  client_drop (c);
  g_set_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_UNAVAILABLE,
               _("Lost the connection to the router (%s): %s"), c->path,
               local ? local->message : _("bad answer"));
  return NULL;
}

static gboolean
call_action (SrConsoleClient *c, const char *method, GVariant *args, GError **error)
{
  g_autoptr (GVariant) r = call (c, method, args, "()", error);
  return r != NULL;
}

static SrConsoleOverview *
client_overview (gpointer user_data, GError **error)
{
  g_autoptr (GVariant) r = call (user_data, "overview", g_variant_new ("()"),
                                 SR_REMOTE_OVERVIEW_TYPE, error);
  return r ? sr_remote_overview_from_variant (r) : NULL;
}

static GPtrArray *
client_list (gpointer user_data, const SrConsoleQuery *q, GError **error)
{
  g_autoptr (GVariant) r = call (user_data, "list",
                                 g_variant_new ("(isxiu)", (gint32) q->view, q->filter ? q->filter : "",
                                                (gint64) q->cursor, (gint32) q->direction,
                                                (guint32) q->count),
                                 "a(xas)", error);
  return r ? sr_remote_rows_from_variant (r) : NULL;
}

static SrConsoleDetail *
client_detail (gpointer user_data, SrConsoleView view, gint64 id, GError **error)
{
  g_autoptr (GVariant) r = call (user_data, "detail", g_variant_new ("(ix)", (gint32) view, id),
                                 "(xissa(ss)bsasasbsbsbsbsis)", error);
  return r ? sr_remote_detail_from_variant (r) : NULL;
}

static SrConsoleThreadPage *
client_thread (gpointer user_data, const SrConsoleThreadQuery *q, GError **error)
{
  g_autoptr (GVariant) r = call (user_data, "thread", sr_remote_thread_query_to_variant (q),
                                 SR_REMOTE_THREAD_PAGE_TYPE, error);
  SrConsoleThreadPage *p = r ? sr_remote_thread_page_from_variant (r) : NULL;
  if (r && !p)
    g_set_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_FAILED,
                 _("The router answered \"%s\" in an unexpected form (a different version?)."),
                 "thread");
  return p;
}

static const char *
nn (const char *s)
{
  return s ? s : "";
}

static gboolean
client_retry (gpointer user_data, gint64 id, GError **error)
{
  return call_action (user_data, "retry", g_variant_new ("(x)", id), error);
}

static gboolean
client_discard (gpointer user_data, gint64 id, GError **error)
{
  return call_action (user_data, "discard", g_variant_new ("(x)", id), error);
}

static gboolean
client_edit_retry (gpointer user_data, gint64 id, const SrConsoleMessage *m, GError **error)
{
  return call_action (user_data, "edit_retry",
                      g_variant_new ("(xssss)", id, nn (m->to), nn (m->from), nn (m->app),
                                     nn (m->text)), error);
}

static gboolean
client_compose (gpointer user_data, const SrConsoleMessage *m, GError **error)
{
  return call_action (user_data, "compose",
                      g_variant_new ("(xssss)", (gint64) 0, nn (m->to), nn (m->from), nn (m->app),
                                     nn (m->text)), error);
}

static gboolean
client_blacklist_add (gpointer user_data, SrConsoleBlacklistKind kind, const char *value,
                      const char *note, GError **error)
{
  return call_action (user_data, "blacklist_add",
                      g_variant_new ("(iss)", (gint32) kind, nn (value), nn (note)), error);
}

static gboolean
client_blacklist_remove (gpointer user_data, SrConsoleBlacklistKind kind, const char *value,
                         GError **error)
{
  return call_action (user_data, "blacklist_remove",
                      g_variant_new ("(is)", (gint32) kind, nn (value)), error);
}

static gboolean
client_set_paused (gpointer user_data, gboolean paused, GError **error)
{
  return call_action (user_data, "set_paused", g_variant_new ("(b)", paused), error);
}

static gboolean
client_reconnect (gpointer user_data, guint *not_bound, GError **error)
{
  g_autoptr (GVariant) r = call (user_data, "reconnect", g_variant_new ("()"), "(u)", error);
  if (!r)
    return FALSE;
  guint32 n;
  g_variant_get (r, "(u)", &n);
  *not_bound = n;
  return TRUE;
}

static SrConsoleProviders *
client_providers (gpointer user_data, GError **error)
{
  g_autoptr (GVariant) r = call (user_data, "providers", g_variant_new ("()"),
                                 SR_REMOTE_PROVIDERS_TYPE, error);
  return r ? sr_remote_providers_from_variant (r) : NULL;
}

SrConsoleClient *
sr_console_client_new (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autoptr (SrConsoleClient) c = g_new0 (SrConsoleClient, 1);
  c->path = g_strdup (path);
  c->model = (SrConsoleModel) {
    .user_data = c,
    .overview = client_overview,
    .list = client_list,
    .detail = client_detail,
    .retry = client_retry,
    .edit_retry = client_edit_retry,
    .discard = client_discard,
    .compose = client_compose,
    .blacklist_add = client_blacklist_add,
    .blacklist_remove = client_blacklist_remove,
    .set_paused = client_set_paused,
    .reconnect = client_reconnect,
    .providers = client_providers,
    .thread = client_thread,
  };
  if (!client_connect (c, error))
    return NULL;
  return g_steal_pointer (&c);
}

void
sr_console_client_free (SrConsoleClient *c)
{
  if (!c)
    return;
  client_drop (c);
  g_free (c->path);
  g_free (c);
}

const SrConsoleModel *
sr_console_client_get_model (SrConsoleClient *c)
{
  g_return_val_if_fail (c != NULL, NULL);
  return &c->model;
}

int
sr_console_attach_main (const char *spool, const char *console_title)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = sr_console_remote_socket_path (spool);
  g_autoptr (SrConsoleClient) client = sr_console_client_new (path, &error);
  if (!client)
    {
      pid_t pid = sr_spool_lock_holder (spool);
      if (pid > 0)
        fprintf (stderr, _("sms-router: a router (PID %d) owns the spool %s, but its console "
                           "cannot attach: %s\n"), (int) pid, spool, error->message);
      else
        fprintf (stderr, "sms-router: %s\n", error->message);
      return 1;
    }
  g_autofree char *title = g_strdup_printf (_("%s (attached)"),
                                            console_title ? console_title : "sms-router");
  SrConsoleOptions options = { .title = title };
  g_autoptr (SrConsole) console = sr_console_new (sr_console_client_get_model (client), &options);
  SrConsoleExit why = sr_console_run (console, &error);
  if (why == SR_CONSOLE_EXIT_ERROR)
    {
      fprintf (stderr, "sms-router: %s\n", error->message);
      return 1;
    }
  return 0;
}
