/* sr-console-server.c — serves a console model on a unix socket (attach). */
#define G_LOG_DOMAIN "sr-console"

#include "sr-build-config.h"
#include "sr-console-remote.h"

#include <errno.h>
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sr-console-providers.h"
#include "sr-console-remote-private.h"

/* The listening socket and the model it serves. */
struct _SrConsoleServer {
  SrConsoleModel model;
  SrConsoleServerActorFunc actor_func;
  GSocketService *service;
  char *path;
  GList *conns;                 /* Conn */
  guint n_conns;
  SrConsoleServerLimits limits;
  gpointer owned;               /* freed with owned_free (the daemon's router model) */
  GDestroyNotify owned_free;
  char **users;                 /* allowed peers beyond root and the router's user, or NULL */
};

/* One client connection: read and written without blocking, frames
 * reassembled on the way in, answers queued on the way out. */
typedef struct {
  SrConsoleServer *server;
  GSocketConnection *connection;
  GSocket *socket;
  GSource *source;              /* readable */
  GSource *out_source;          /* writable, while answers wait */
  GSource *stall_timer;         /* answers waited stall_seconds without progress */
  GByteArray *in;
  GByteArray *out;              /* answers not written yet */
  char *actor;
} Conn;

static void
drop_source (GSource **source)
{
  if (*source)
    {
      g_source_destroy (*source);
      g_source_unref (*source);
      *source = NULL;
    }
}

char *
sr_console_remote_socket_path (const char *spool)
{
  return g_build_filename (spool, "router", "control", NULL);
}

static void
conn_free (Conn *c)
{
  drop_source (&c->source);
  drop_source (&c->out_source);
  drop_source (&c->stall_timer);
  g_io_stream_close (G_IO_STREAM (c->connection), NULL, NULL);
  g_object_unref (c->connection);
  g_byte_array_unref (c->in);
  g_byte_array_unref (c->out);
  g_free (c->actor);
  g_free (c);
}

static void
conn_close (Conn *c)
{
  c->server->conns = g_list_remove (c->server->conns, c);
  c->server->n_conns--;
  conn_free (c);
}

/* The peer's user name from the socket credentials ("uid 1000" if unnamed). */
static char *
peer_actor (GSocket *socket)
{
  g_autoptr (GCredentials) cred = g_socket_get_credentials (socket, NULL);
  if (!cred)
    return g_strdup ("unknown");
  uid_t uid = g_credentials_get_unix_user (cred, NULL);
  struct passwd pw, *result = NULL;
  char buf[1024];
  if (getpwuid_r (uid, &pw, buf, sizeof buf, &result) == 0 && result)
    return g_strdup (result->pw_name);
  return g_strdup_printf ("uid %u", (guint) uid);
}

static GVariant *
answer_error (GError *error)
{
  if (!error)  /* a model that failed without saying why: still a clear answer */
    return g_variant_new ("(busv)", FALSE, (guint32) SR_CONSOLE_MODEL_ERROR_FAILED,
                          _("The router could not do that and gave no reason."),
                          g_variant_new ("()"));
  gint code = error->domain == SR_CONSOLE_MODEL_ERROR ? error->code : SR_CONSOLE_MODEL_ERROR_FAILED;
  return g_variant_new ("(busv)", FALSE, (guint32) code, error->message, g_variant_new ("()"));
}

static GVariant *
answer_ok (GVariant *result)
{
  return g_variant_new ("(busv)", TRUE, (guint32) 0, "", result ? result : g_variant_new ("()"));
}

/* Call it with the action's result in a variable, never as
 * answer_bool (action (&error), error): the order in which arguments are
 * evaluated is unspecified, so error could be read before the action sets it. */
static GVariant *
answer_bool (gboolean ok, GError *error)
{
  return ok ? answer_ok (NULL) : answer_error (error);
}

static const char *
opt (const char *s)
{
  return s && *s ? s : NULL;
}

/* Runs one request on the model. */
static GVariant *
dispatch (Conn *c, const char *method, GVariant *args)
{
  SrConsoleModel *m = &c->server->model;
  g_autoptr (GError) error = NULL;
  gboolean action = strcmp (method, "overview") != 0 && strcmp (method, "list") != 0
                    && strcmp (method, "detail") != 0 && strcmp (method, "providers") != 0
                    && strcmp (method, "thread") != 0;
  if (action && c->server->actor_func)
    c->server->actor_func (m->user_data, c->actor);

#define ARGS(t) (g_variant_is_of_type (args, G_VARIANT_TYPE (t)))
  if (strcmp (method, "overview") == 0)
    {
      g_autoptr (SrConsoleOverview) o = m->overview (m->user_data, &error);
      return o ? answer_ok (sr_remote_overview_to_variant (o)) : answer_error (error);
    }
  if (strcmp (method, "list") == 0 && ARGS ("(isxiu)"))
    {
      SrConsoleQuery q = { 0 };
      gint32 view, dir;
      guint32 count;
      g_variant_get (args, "(i&sxiu)", &view, &q.filter, &q.cursor, &dir, &count);
      if (view < 0 || view >= SR_CONSOLE_N_VIEWS || !sr_console_view_is_list (view))
        goto bad;
      q.view = view;
      q.direction = dir == SR_CONSOLE_PAGE_NEWER ? SR_CONSOLE_PAGE_NEWER : SR_CONSOLE_PAGE_OLDER;
      q.count = MIN (count, 1000);
      g_autoptr (GPtrArray) rows = m->list (m->user_data, &q, &error);
      return rows ? answer_ok (sr_remote_rows_to_variant (rows)) : answer_error (error);
    }
  if (strcmp (method, "detail") == 0 && ARGS ("(ix)"))
    {
      gint32 view;
      gint64 id;
      g_variant_get (args, "(ix)", &view, &id);
      if (view < 0 || view >= SR_CONSOLE_N_VIEWS || !sr_console_view_is_list (view))
        goto bad;
      g_autoptr (SrConsoleDetail) d = m->detail (m->user_data, view, id, &error);
      return d ? answer_ok (sr_remote_detail_to_variant (d)) : answer_error (error);
    }
  if (strcmp (method, "thread") == 0 && ARGS (SR_REMOTE_THREAD_QUERY_TYPE) && m->thread)
    {
      g_autoptr (SrConsoleThreadPage) p = sr_remote_thread_serve (m, args, &error);
      return p ? answer_ok (sr_remote_thread_page_to_variant (p)) : answer_error (error);
    }
  if ((strcmp (method, "retry") == 0 || strcmp (method, "discard") == 0) && ARGS ("(x)"))
    {
      gint64 id;
      g_variant_get (args, "(x)", &id);
      gboolean ok = method[0] == 'r' ? m->retry (m->user_data, id, &error)
                                     : m->discard (m->user_data, id, &error);
      return answer_bool (ok, error);
    }
  if ((strcmp (method, "edit_retry") == 0 || strcmp (method, "compose") == 0)
      && ARGS ("(xssss)"))
    {
      gint64 id;
      const char *to, *from, *app, *text;
      g_variant_get (args, "(x&s&s&s&s)", &id, &to, &from, &app, &text);
      SrConsoleMessage msg = { .to = to, .from = from, .app = opt (app), .text = text };
      gboolean ok = method[0] == 'e' ? m->edit_retry (m->user_data, id, &msg, &error)
                                     : m->compose (m->user_data, &msg, &error);
      return answer_bool (ok, error);
    }
  if (strcmp (method, "blacklist_add") == 0 && ARGS ("(iss)"))
    {
      gint32 kind;
      const char *value, *note;
      g_variant_get (args, "(i&s&s)", &kind, &value, &note);
      gboolean ok = m->blacklist_add (m->user_data, kind, value, opt (note), &error);
      return answer_bool (ok, error);
    }
  if (strcmp (method, "blacklist_remove") == 0 && ARGS ("(is)"))
    {
      gint32 kind;
      const char *value;
      g_variant_get (args, "(i&s)", &kind, &value);
      gboolean ok = m->blacklist_remove (m->user_data, kind, value, &error);
      return answer_bool (ok, error);
    }
  if (strcmp (method, "set_paused") == 0 && ARGS ("(b)"))
    {
      gboolean paused;
      g_variant_get (args, "(b)", &paused);
      gboolean ok = m->set_paused (m->user_data, paused, &error);
      return answer_bool (ok, error);
    }
  if (strcmp (method, "providers") == 0 && ARGS ("()") && m->providers)
    {
      g_autoptr (SrConsoleProviders) p = m->providers (m->user_data, &error);
      return p ? answer_ok (sr_remote_providers_to_variant (p)) : answer_error (error);
    }
  if (strcmp (method, "reconnect") == 0 && ARGS ("()") && m->reconnect)
    {
      guint not_bound = 0;
      gboolean ok = m->reconnect (m->user_data, &not_bound, &error);
      return ok ? answer_ok (g_variant_new ("(u)", (guint32) not_bound)) : answer_error (error);
    }
#undef ARGS
bad:
  g_set_error (&error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_INVALID,
               _("The router does not understand the request \"%s\" (a different version?)."),
               method);
  return answer_error (error);
}

static gboolean conn_writable (GSocket *socket, GIOCondition cond, gpointer data);

/* A client that does not read its answers for stall_seconds is dropped: it
 * would hold one of the few connections for ever. */
static gboolean
conn_stalled (gpointer data)
{
  Conn *c = data;
  g_message (_("Control socket: closed the connection of %s, which read no answer for %u s."),
             c->actor, c->server->limits.stall_seconds);
  conn_close (c);
  return G_SOURCE_REMOVE;
}

static void
conn_arm_stall_timer (Conn *c)
{
  drop_source (&c->stall_timer);
  if (c->out->len > 0 && c->server->limits.stall_seconds > 0)
    {
      c->stall_timer = g_timeout_source_new_seconds (c->server->limits.stall_seconds);
      g_source_set_callback (c->stall_timer, conn_stalled, c, NULL);
      g_source_attach (c->stall_timer, g_main_context_get_thread_default ());
    }
}

/* Writes what the socket takes now; FALSE when the connection failed.  The
 * stall timer runs from the last write that made progress. */
static gboolean
conn_flush (Conn *c)
{
  gboolean progress = FALSE;
  while (c->out->len > 0)
    {
      g_autoptr (GError) error = NULL;
      gssize n = g_socket_send_with_blocking (c->socket, (const char *) c->out->data, c->out->len,
                                              FALSE, NULL, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;
      if (n <= 0)
        {
          g_debug ("control socket: could not answer %s: %s", c->actor,
                   error ? error->message : "closed");
          return FALSE;
        }
      g_byte_array_remove_range (c->out, 0, n);
      progress = TRUE;
    }
  if (c->out->len > 0 && !c->out_source)
    {
      c->out_source = g_socket_create_source (c->socket, G_IO_OUT, NULL);
      g_source_set_callback (c->out_source, (GSourceFunc) (void (*) (void)) conn_writable, c, NULL);
      g_source_attach (c->out_source, g_main_context_get_thread_default ());
    }
  else if (c->out->len == 0)
    drop_source (&c->out_source);
  if (c->out->len == 0 || progress || !c->stall_timer)
    conn_arm_stall_timer (c);
  return TRUE;
}

static gboolean
conn_writable (GSocket *socket, GIOCondition cond, gpointer data)
{
  Conn *c = data;
  if (conn_flush (c))
    return c->out_source ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
  conn_close (c);
  return G_SOURCE_REMOVE;
}

/* Queues an answer and writes what the socket takes; never blocks the main
 * loop.  FALSE (close the connection) when the client's unread answers
 * passed max_pending, or the socket failed. */
static gboolean
conn_send (Conn *c, GVariant *answer)
{
  g_autoptr (GBytes) frame = sr_remote_frame (answer);
  gsize len;
  const guint8 *data = g_bytes_get_data (frame, &len);
  if (c->out->len + len > c->server->limits.max_pending)
    {
      g_message (_("Control socket: closed the connection of %s, which left %u bytes of "
                   "answers unread (the limit is %u)."),
                 c->actor, (guint) (c->out->len + len), (guint) c->server->limits.max_pending);
      return FALSE;
    }
  g_byte_array_append (c->out, data, len);
  return conn_flush (c);
}

static gboolean
conn_readable (GSocket *socket, GIOCondition cond, gpointer data)
{
  Conn *c = data;
  guint8 buf[8192];
  g_autoptr (GError) error = NULL;
  gssize n = g_socket_receive_with_blocking (socket, (char *) buf, sizeof buf, FALSE, NULL, &error);
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    goto close;
  g_byte_array_append (c->in, buf, n);
  for (;;)
    {
      g_autoptr (GVariant) req = NULL;
      SrRemoteFrameResult r = sr_remote_frame_take (c->in, G_VARIANT_TYPE ("(sv)"), &req);
      if (r == SR_REMOTE_FRAME_MORE)
        break;
      if (r == SR_REMOTE_FRAME_BAD)
        goto close;
      const char *method;
      g_autoptr (GVariant) args = NULL;
      g_variant_get (req, "(&sv)", &method, &args);
      if (!conn_send (c, dispatch (c, method, args)))
        goto close;
    }
  return G_SOURCE_CONTINUE;

close:
  /* The source is being destroyed by returning REMOVE; do not destroy it twice. */
  g_source_unref (c->source);
  c->source = NULL;
  conn_close (c);
  return G_SOURCE_REMOVE;
}

/* One connection too many: it gets an answer saying so (to whatever it asks
 * first) and is closed; the consoles already attached are not disturbed. */
static void
refuse (SrConsoleServer *server, GSocketConnection *connection)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *actor = peer_actor (g_socket_connection_get_socket (connection));
  g_set_error (&error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_UNAVAILABLE,
               _("The router serves at most %u consoles and control clients at a time; "
                 "close one and try again."), server->limits.max_clients);
  g_message (_("Control socket: refused a connection from %s: %u are open already."), actor,
             server->limits.max_clients);
  g_autoptr (GBytes) frame = sr_remote_frame (answer_error (error));
  gsize len;
  const char *data = g_bytes_get_data (frame, &len);
  /* A fresh socket takes a short frame at once; if not, closing says enough. */
  g_socket_send_with_blocking (g_socket_connection_get_socket (connection), data, len, FALSE,
                               NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
}

static gboolean
on_incoming (GSocketService *service, GSocketConnection *connection, GObject *source_object,
             gpointer user_data)
{
  SrConsoleServer *server = user_data;
  GSocket *socket = g_socket_connection_get_socket (connection);
  if (!sr_console_access_allows (socket, (const char *const *) server->users))
    {
      g_autofree char *who = peer_actor (socket);
      g_warning (_("control socket: %s is not in [router] control-users; connection refused"), who);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return TRUE;
    }
  g_socket_set_blocking (socket, FALSE);
  if (server->n_conns >= server->limits.max_clients)
    {
      refuse (server, connection);
      return TRUE;
    }
  Conn *c = g_new0 (Conn, 1);
  c->server = server;
  c->connection = g_object_ref (connection);
  c->socket = socket;
  c->in = g_byte_array_new ();
  c->out = g_byte_array_new ();
  c->actor = peer_actor (c->socket);
  c->source = g_socket_create_source (c->socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (c->source, (GSourceFunc) (void (*) (void)) conn_readable, c, NULL);
  g_source_attach (c->source, g_main_context_get_thread_default ());
  server->conns = g_list_prepend (server->conns, c);
  server->n_conns++;
  return TRUE;
}

SrConsoleServer *
sr_console_server_new (const SrConsoleModel *model, const char *path,
                       SrConsoleServerActorFunc actor_func, GError **error)
{
  g_return_val_if_fail (model != NULL && path != NULL, NULL);
  g_autoptr (SrConsoleServer) server = g_new0 (SrConsoleServer, 1);
  server->model = *model;
  server->actor_func = actor_func;
  server->limits = (SrConsoleServerLimits) {
    .max_clients = SR_CONSOLE_REMOTE_MAX_CLIENTS,
    .max_pending = SR_CONSOLE_REMOTE_MAX_PENDING,
    .stall_seconds = SR_CONSOLE_REMOTE_STALL_SECONDS,
  };
  server->path = g_strdup (path);
  /* A socket left by a router that died: we hold the spool lock, it is stale. */
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      g_set_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_FAILED,
                   _("Could not remove the old control socket %s: %s"), path, g_strerror (errno));
      return NULL;
    }
  server->service = g_socket_service_new ();
  g_autoptr (GSocketAddress) addr = g_unix_socket_address_new (path);
  /* Mode 0660 from the start: no moment where others could connect. */
  mode_t old = umask (0117);
  g_autoptr (GError) local = NULL;
  gboolean ok = g_socket_listener_add_address (G_SOCKET_LISTENER (server->service), addr,
                                               G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT,
                                               NULL, NULL, &local);
  umask (old);
  if (!ok)
    {
      g_set_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_FAILED,
                   _("Could not open the control socket %s: %s"), path, local->message);
      return NULL;
    }
  if (g_chmod (path, 0660) != 0)
    g_warning (_("Could not set mode 0660 on the control socket %s: %s"), path, g_strerror (errno));
  g_signal_connect (server->service, "incoming", G_CALLBACK (on_incoming), server);
  g_socket_service_start (server->service);
  return g_steal_pointer (&server);
}

gboolean
sr_console_server_set_access (SrConsoleServer *server, const char *group,
                              const char *const *users, GError **error)
{
  g_strfreev (server->users);
  server->users = users != NULL && users[0] != NULL ? g_strdupv ((char **) users) : NULL;
  return sr_console_access_set_group (server->path, group, error);
}

void
sr_console_server_set_limits (SrConsoleServer *server, const SrConsoleServerLimits *limits)
{
  g_return_if_fail (server != NULL && limits != NULL);
  server->limits = *limits;
}

void
sr_console_server_take (gpointer server, gpointer data, GDestroyNotify free_func)
{
  SrConsoleServer *self = server;
  self->owned = data;
  self->owned_free = free_func;
}

void
sr_console_server_free (SrConsoleServer *server)
{
  if (!server)
    return;
  if (server->service)
    {
      g_socket_service_stop (server->service);
      g_socket_listener_close (G_SOCKET_LISTENER (server->service));
      g_signal_handlers_disconnect_by_data (server->service, server);
      g_object_unref (server->service);
      g_unlink (server->path);
    }
  g_list_free_full (server->conns, (GDestroyNotify) conn_free);
  if (server->owned_free)
    server->owned_free (server->owned);
  g_free (server->path);
  g_strfreev (server->users);
  g_free (server);
}
