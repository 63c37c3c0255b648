/* sr-stomp-client.c — one STOMP 1.2 connection: connect, CONNECT, read,
 * write, heart-beats, reconnect. */
#define G_LOG_DOMAIN "sr-broker"

#include "sr-stomp-client.h"

#include <glib/gi18n-lib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>

#define READ_CHUNK 65536

/* A subscription kept across reconnects. */
typedef struct {
  char *id;
  char *destination;
  guint prefetch;
} Subscription;

struct _SrStompClient {
  SrStompOptions opt;           /* strings owned below */
  char *host, *login, *passcode, *vhost;
  SrStompCallbacks cb;
  gpointer user_data;

  SrStompState state;
  GSocketClient *socket_client;
  GCancellable *cancel;
  GIOStream *conn;
  GPollableInputStream *in;
  GPollableOutputStream *out;
  GSource *in_source, *out_source;
  GByteArray *wbuf;
  gsize woff;
  guint corked;                 /* > 0: frames are gathered, written at the last uncork */
  SrStompParser *parser;

  GPtrArray *subscriptions;     /* Subscription */
  guint attempts;               /* failed connects in a row: the backoff exponent */
  guint retry_id, connect_timeout_id, heartbeat_id;
  guint send_every_ms, expect_every_ms;   /* negotiated heart-beats */
  gint64 last_read, last_write;
  guint64 connects;
};

static void client_lost (SrStompClient *c, const char *reason);

const char *
sr_stomp_state_to_string (SrStompState state)
{
  switch (state)
    {
    case SR_STOMP_STATE_IDLE: return "idle";
    case SR_STOMP_STATE_CONNECTING: return "connecting";
    case SR_STOMP_STATE_CONNECTED: return "connected";
    case SR_STOMP_STATE_WAITING: return "waiting";
    }
  return "?";
}

static void
subscription_free (gpointer p)
{
  Subscription *s = p;
  g_free (s->id);
  g_free (s->destination);
  g_free (s);
}

SrStompClient *
sr_stomp_client_new (const SrStompOptions *options, const SrStompCallbacks *callbacks,
                     gpointer user_data)
{
  g_return_val_if_fail (options != NULL && options->host != NULL && callbacks != NULL, NULL);
  SrStompClient *c = g_new0 (SrStompClient, 1);
  c->opt = *options;
  c->host = g_strdup (options->host);
  c->login = g_strdup (options->login ? options->login : "");
  c->passcode = g_strdup (options->passcode ? options->passcode : "");
  c->vhost = g_strdup (options->vhost && *options->vhost ? options->vhost : options->host);
  if (c->opt.reconnect_min_ms == 0)
    c->opt.reconnect_min_ms = 1000;
  if (c->opt.reconnect_max_ms < c->opt.reconnect_min_ms)
    c->opt.reconnect_max_ms = MAX (60000, c->opt.reconnect_min_ms);
  if (c->opt.connect_timeout_ms == 0)
    c->opt.connect_timeout_ms = 15000;
  c->cb = *callbacks;
  c->user_data = user_data;
  c->wbuf = g_byte_array_new ();
  c->subscriptions = g_ptr_array_new_with_free_func (subscription_free);
  return c;
}

static void
set_state (SrStompClient *c, SrStompState state, const char *text)
{
  c->state = state;
  if (c->cb.state_changed)
    c->cb.state_changed (c, state, text, c->user_data);
}

/* Drops the connection and every timer of it; the state is the caller's. */
static void
close_connection (SrStompClient *c)
{
  if (c->cancel)
    {
      g_cancellable_cancel (c->cancel);
      g_clear_object (&c->cancel);
    }
  g_clear_handle_id (&c->connect_timeout_id, g_source_remove);
  g_clear_handle_id (&c->heartbeat_id, g_source_remove);
  if (c->in_source)
    {
      g_source_destroy (c->in_source);
      g_clear_pointer (&c->in_source, g_source_unref);
    }
  if (c->out_source)
    {
      g_source_destroy (c->out_source);
      g_clear_pointer (&c->out_source, g_source_unref);
    }
  if (c->conn)
    {
      /* Close the socket itself: a TLS close_notify must not block us. */
      if (G_IS_SOCKET_CONNECTION (c->conn))
        g_socket_close (g_socket_connection_get_socket (G_SOCKET_CONNECTION (c->conn)), NULL);
      else if (G_IS_TLS_CONNECTION (c->conn))
        {
          GIOStream *base = NULL;
          g_object_get (c->conn, "base-io-stream", &base, NULL);
          if (G_IS_SOCKET_CONNECTION (base))
            g_socket_close (g_socket_connection_get_socket (G_SOCKET_CONNECTION (base)), NULL);
          g_clear_object (&base);
        }
      g_io_stream_close (c->conn, NULL, NULL);
      g_clear_object (&c->conn);
    }
  c->in = NULL;
  c->out = NULL;
  c->corked = 0;
  g_byte_array_set_size (c->wbuf, 0);
  c->woff = 0;
  g_clear_pointer (&c->parser, sr_stomp_parser_free);
}

void
sr_stomp_client_free (SrStompClient *c)
{
  if (c == NULL)
    return;
  close_connection (c);
  g_clear_handle_id (&c->retry_id, g_source_remove);
  g_clear_object (&c->socket_client);
  g_byte_array_unref (c->wbuf);
  g_ptr_array_unref (c->subscriptions);
  g_free (c->host);
  g_free (c->login);
  if (c->passcode)
    explicit_bzero (c->passcode, strlen (c->passcode));
  g_free (c->passcode);
  g_free (c->vhost);
  g_free (c);
}

SrStompState
sr_stomp_client_get_state (SrStompClient *c)
{
  return c->state;
}

guint64
sr_stomp_client_connects (SrStompClient *c)
{
  return c->connects;
}

/* ---- writing ----------------------------------------------------------- */

static gboolean on_writable (GObject *stream, gpointer data);

/* Writes what can be written now; the rest when the socket is writable. */
static void
flush_output (SrStompClient *c)
{
  while (c->out != NULL && c->woff < c->wbuf->len)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_pollable_output_stream_write_nonblocking (c->out, c->wbuf->data + c->woff,
                                                             c->wbuf->len - c->woff, NULL, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          if (c->out_source == NULL)
            {
              c->out_source = g_pollable_output_stream_create_source (c->out, NULL);
              g_source_set_callback (c->out_source, G_SOURCE_FUNC (on_writable), c, NULL);
              g_source_attach (c->out_source, NULL);
            }
          return;
        }
      if (n < 0)
        {
          g_autofree char *reason = g_strdup_printf (_("writing to the broker failed: %s"), error->message);
          client_lost (c, reason);
          return;
        }
      c->woff += n;
      c->last_write = g_get_monotonic_time ();
    }
  g_byte_array_set_size (c->wbuf, 0);
  c->woff = 0;
}

static gboolean
on_writable (GObject *stream, gpointer data)
{
  SrStompClient *c = data;
  g_clear_pointer (&c->out_source, g_source_unref);
  flush_output (c);
  return G_SOURCE_REMOVE;
}

static void
queue_bytes (SrStompClient *c, const void *data, gsize len)
{
  /* Compact before growing: a slow broker must not make the buffer creep. */
  if (c->woff > 0 && c->woff == c->wbuf->len)
    {
      g_byte_array_set_size (c->wbuf, 0);
      c->woff = 0;
    }
  g_byte_array_append (c->wbuf, data, len);
  if (c->out_source == NULL && c->corked == 0)
    flush_output (c);
}

void
sr_stomp_client_cork (SrStompClient *c)
{
  g_return_if_fail (c != NULL);
  if (c->state == SR_STOMP_STATE_CONNECTED)
    c->corked++;
}

void
sr_stomp_client_uncork (SrStompClient *c)
{
  g_return_if_fail (c != NULL);
  if (c->corked == 0 || --c->corked > 0)
    return;
  if (c->out_source == NULL)
    flush_output (c);
}

static void
queue_frame (SrStompClient *c, const SrStompFrame *frame)
{
  g_autoptr(GBytes) bytes = sr_stomp_frame_serialize (frame);
  gsize len = 0;
  const void *data = g_bytes_get_data (bytes, &len);
  queue_bytes (c, data, len);
}

gboolean
sr_stomp_client_send_frame (SrStompClient *c, const SrStompFrame *frame)
{
  g_return_val_if_fail (c != NULL && frame != NULL, FALSE);
  if (c->state != SR_STOMP_STATE_CONNECTED)
    return FALSE;
  queue_frame (c, frame);
  return c->state == SR_STOMP_STATE_CONNECTED;
}

gboolean
sr_stomp_client_ack (SrStompClient *c, const char *ack_id)
{
  g_autoptr(SrStompFrame) f = sr_stomp_frame_new ("ACK");
  sr_stomp_frame_add_header (f, "id", ack_id);
  return sr_stomp_client_send_frame (c, f);
}

static void
send_subscribe (SrStompClient *c, const Subscription *s)
{
  g_autoptr(SrStompFrame) f = sr_stomp_frame_new ("SUBSCRIBE");
  sr_stomp_frame_add_header (f, "id", s->id);
  sr_stomp_frame_add_header (f, "destination", s->destination);
  sr_stomp_frame_add_header (f, "ack", "client-individual");
  if (s->prefetch > 0)
    {
      char n[16];
      g_snprintf (n, sizeof n, "%u", s->prefetch);
      sr_stomp_frame_add_header (f, "activemq.prefetchSize", n);
      sr_stomp_frame_add_header (f, "prefetch-count", n);
    }
  sr_stomp_client_send_frame (c, f);
}

void
sr_stomp_client_subscribe (SrStompClient *c, const char *id, const char *destination, guint prefetch)
{
  g_return_if_fail (c != NULL && id != NULL && destination != NULL);
  sr_stomp_client_unsubscribe (c, id);
  Subscription *s = g_new0 (Subscription, 1);
  s->id = g_strdup (id);
  s->destination = g_strdup (destination);
  s->prefetch = prefetch;
  g_ptr_array_add (c->subscriptions, s);
  send_subscribe (c, s);
}

void
sr_stomp_client_unsubscribe (SrStompClient *c, const char *id)
{
  for (guint i = 0; i < c->subscriptions->len; i++)
    {
      Subscription *s = c->subscriptions->pdata[i];
      if (!g_str_equal (s->id, id))
        continue;
      g_autoptr(SrStompFrame) f = sr_stomp_frame_new ("UNSUBSCRIBE");
      sr_stomp_frame_add_header (f, "id", id);
      sr_stomp_client_send_frame (c, f);
      g_ptr_array_remove_index (c->subscriptions, i);
      return;
    }
}

/* ---- reconnecting ------------------------------------------------------ */

static void start_connect (SrStompClient *c);

static gboolean
on_retry (gpointer data)
{
  SrStompClient *c = data;
  c->retry_id = 0;
  start_connect (c);
  return G_SOURCE_REMOVE;
}

/* 1 s doubling to the ceiling, each delay moved by up to ±25 %: routers
 * that lost the same broker do not all knock again at the same moment. */
static guint
backoff_ms (SrStompClient *c)
{
  guint64 delay = c->opt.reconnect_min_ms;
  for (guint i = 1; i < c->attempts && delay < c->opt.reconnect_max_ms; i++)
    delay *= 2;
  delay = MIN (delay, c->opt.reconnect_max_ms);
  double jitter = g_random_double_range (0.75, 1.25);
  return (guint) MAX (1, delay * jitter);
}

static void
client_lost (SrStompClient *c, const char *reason)
{
  gboolean was_connected = c->state == SR_STOMP_STATE_CONNECTED;
  close_connection (c);
  if (c->state == SR_STOMP_STATE_IDLE)
    return;
  c->attempts++;
  guint delay = backoff_ms (c);
  g_autofree char *text = g_strdup_printf (was_connected
                                           ? _("connection to broker %s:%u lost: %s; reconnecting in %.1f s")
                                           : _("cannot connect to broker %s:%u: %s; trying again in %.1f s"),
                                           c->host, c->opt.port, reason, delay / 1000.0);
  g_clear_handle_id (&c->retry_id, g_source_remove);
  c->retry_id = g_timeout_add (delay, on_retry, c);
  set_state (c, SR_STOMP_STATE_WAITING, text);
}

/* ---- reading ----------------------------------------------------------- */

static void
handle_connected (SrStompClient *c, const SrStompFrame *f)
{
  g_clear_handle_id (&c->connect_timeout_id, g_source_remove);
  const char *version = sr_stomp_frame_get_header (f, "version");
  if (version != NULL && !g_str_equal (version, "1.2"))
    {
      g_autofree char *reason = g_strdup_printf (_("the broker speaks STOMP %s, not 1.2"), version);
      client_lost (c, reason);
      return;
    }
  /* heart-beat: server's "sx,sy"; we send every max(cx, sy), expect every max(cy, sx). */
  guint sx = 0, sy = 0;
  const char *hb = sr_stomp_frame_get_header (f, "heart-beat");
  if (hb != NULL && sscanf (hb, "%u,%u", &sx, &sy) != 2)
    sx = sy = 0;
  guint mine = c->opt.heartbeat_ms;
  c->send_every_ms = mine && sy ? MAX (mine, sy) : 0;
  c->expect_every_ms = mine && sx ? MAX (mine, sx) : 0;
  c->attempts = 0;
  c->connects++;
  const char *server = sr_stomp_frame_get_header (f, "server");
  g_autofree char *text = g_strdup_printf (_("connected to broker %s:%u (%s, heart-beat %u/%u ms)"),
                                           c->host, c->opt.port, server ? server : "STOMP 1.2",
                                           c->send_every_ms, c->expect_every_ms);
  set_state (c, SR_STOMP_STATE_CONNECTED, text);
  for (guint i = 0; i < c->subscriptions->len && c->state == SR_STOMP_STATE_CONNECTED; i++)
    send_subscribe (c, c->subscriptions->pdata[i]);
}

/* Dispatches one frame; FALSE when the connection was dropped. */
static gboolean
handle_frame (SrStompClient *c, const SrStompFrame *f)
{
  if (g_str_equal (f->command, "ERROR"))
    {
      const char *message = sr_stomp_frame_get_header (f, "message");
      gsize len = 0;
      const char *body = g_bytes_get_data (f->body, &len);
      g_autofree char *detail = g_utf8_make_valid (body ? body : "", MIN (len, 200));
      g_strdelimit (detail, "\r\n", ' ');
      g_autofree char *reason = g_strdup_printf (_("the broker sent ERROR: %s%s%s"),
                                                 message ? message : _("(no message)"),
                                                 *detail ? " — " : "", detail);
      client_lost (c, reason);
      return FALSE;
    }
  if (c->state == SR_STOMP_STATE_CONNECTING)
    {
      if (!g_str_equal (f->command, "CONNECTED"))
        {
          g_autofree char *reason = g_strdup_printf (_("the broker answered CONNECT with %s"), f->command);
          client_lost (c, reason);
          return FALSE;
        }
      handle_connected (c, f);
      return c->state == SR_STOMP_STATE_CONNECTED;
    }
  if (g_str_equal (f->command, "MESSAGE"))
    {
      if (c->cb.message)
        c->cb.message (c, f, c->user_data);
    }
  else if (g_str_equal (f->command, "RECEIPT"))
    {
      const char *id = sr_stomp_frame_get_header (f, "receipt-id");
      if (id != NULL && c->cb.receipt)
        c->cb.receipt (c, id, c->user_data);
    }
  else
    g_debug ("ignoring a %s frame from the broker", f->command);
  return c->state == SR_STOMP_STATE_CONNECTED;
}

static gboolean
on_readable (GObject *stream, gpointer data)
{
  SrStompClient *c = data;
  guint8 buf[READ_CHUNK];
  g_autoptr(GError) error = NULL;
  gssize n = g_pollable_input_stream_read_nonblocking (c->in, buf, sizeof buf, NULL, &error);
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    {
      g_autofree char *reason = n == 0
        ? (sr_stomp_parser_pending (c->parser) > 0
           ? g_strdup (_("the broker closed the connection in the middle of a frame"))
           : g_strdup (_("the broker closed the connection")))
        : g_strdup_printf (_("reading from the broker failed: %s"), error->message);
      client_lost (c, reason);
      return G_SOURCE_REMOVE;   /* close_connection dropped our reference */
    }
  c->last_read = g_get_monotonic_time ();
  sr_stomp_parser_feed (c->parser, buf, n);
  gboolean any = FALSE;
  /* What the frames of this read cause (ACKs, SENDs) goes out in one write. */
  sr_stomp_client_cork (c);
  for (;;)
    {
      g_autoptr(SrStompFrame) f = NULL;
      g_autoptr(GError) perr = NULL;
      SrStompParseResult r = sr_stomp_parser_next (c->parser, &f, &perr);
      if (r == SR_STOMP_PARSE_NEED_MORE)
        break;
      if (r == SR_STOMP_PARSE_ERROR)
        {
          g_autofree char *reason = g_strdup_printf (_("bad frame from the broker: %s"), perr->message);
          client_lost (c, reason);
          return G_SOURCE_REMOVE;
        }
      /* An oversized frame comes with the start of its body: the bridge
       * makes such a MESSAGE bad input, and the connection goes on. */
      any = TRUE;
      if (!handle_frame (c, f))
        return G_SOURCE_REMOVE;
    }
  if (any && c->cb.flush)
    c->cb.flush (c, c->user_data);
  sr_stomp_client_uncork (c);
  return c->in != NULL ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* ---- heart-beats and timeouts ------------------------------------------ */

static gboolean
on_heartbeat (gpointer data)
{
  SrStompClient *c = data;
  gint64 now = g_get_monotonic_time ();
  if (c->expect_every_ms && now - c->last_read > (gint64) c->expect_every_ms * 2 * 1000)
    {
      c->heartbeat_id = 0;
      g_autofree char *reason = g_strdup_printf (_("nothing from the broker for %u ms (heart-beat)"),
                                                 c->expect_every_ms * 2);
      client_lost (c, reason);
      return G_SOURCE_REMOVE;
    }
  if (c->send_every_ms && now - c->last_write >= (gint64) c->send_every_ms * 1000 / 2
      && c->woff == c->wbuf->len)
    queue_bytes (c, "\n", 1);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_connect_timeout (gpointer data)
{
  SrStompClient *c = data;
  c->connect_timeout_id = 0;
  client_lost (c, _("no CONNECTED frame in time"));
  return G_SOURCE_REMOVE;
}

/* ---- connecting -------------------------------------------------------- */

static gboolean
on_accept_certificate (GTlsConnection *conn, GTlsCertificate *cert,
                       GTlsCertificateFlags errors, gpointer data)
{
  return TRUE;   /* tls-verify = no */
}

static void
on_client_event (GSocketClient *client, GSocketClientEvent event,
                 GSocketConnectable *connectable, GIOStream *connection, gpointer data)
{
  SrStompClient *c = data;
  if (event == G_SOCKET_CLIENT_TLS_HANDSHAKING && !c->opt.tls_verify && G_IS_TLS_CONNECTION (connection))
    g_signal_connect (connection, "accept-certificate", G_CALLBACK (on_accept_certificate), c);
}

static void
send_connect (SrStompClient *c)
{
  g_autoptr(SrStompFrame) f = sr_stomp_frame_new ("CONNECT");
  sr_stomp_frame_add_header (f, "accept-version", "1.2");
  sr_stomp_frame_add_header (f, "host", c->vhost);
  if (*c->login)
    {
      sr_stomp_frame_add_header (f, "login", c->login);
      sr_stomp_frame_add_header (f, "passcode", c->passcode);
    }
  char hb[32];
  g_snprintf (hb, sizeof hb, "%u,%u", c->opt.heartbeat_ms, c->opt.heartbeat_ms);
  sr_stomp_frame_add_header (f, "heart-beat", hb);
  queue_frame (c, f);
}

static void
on_connected (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) conn =
    g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), res, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* the client is stopping or gone: do not touch it */
  SrStompClient *c = data;
  g_clear_object (&c->cancel);
  if (conn == NULL)
    {
      client_lost (c, error->message);
      return;
    }
  GSocket *sock = g_socket_connection_get_socket (conn);
  g_socket_set_option (sock, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  c->conn = G_IO_STREAM (g_steal_pointer (&conn));
  c->in = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (c->conn));
  c->out = G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (c->conn));
  c->parser = sr_stomp_parser_new (&c->opt.limits);
  c->last_read = c->last_write = g_get_monotonic_time ();
  c->in_source = g_pollable_input_stream_create_source (c->in, NULL);
  g_source_set_callback (c->in_source, G_SOURCE_FUNC (on_readable), c, NULL);
  g_source_attach (c->in_source, NULL);
  send_connect (c);
  if (c->opt.heartbeat_ms > 0 && c->conn != NULL)
    c->heartbeat_id = g_timeout_add (MAX (50, c->opt.heartbeat_ms / 2), on_heartbeat, c);
}

static void
start_connect (SrStompClient *c)
{
  if (c->socket_client == NULL)
    {
      c->socket_client = g_socket_client_new ();
      if (c->opt.tls)
        {
          g_socket_client_set_tls (c->socket_client, TRUE);
          g_signal_connect (c->socket_client, "event", G_CALLBACK (on_client_event), c);
        }
    }
  c->cancel = g_cancellable_new ();
  g_autofree char *text = g_strdup_printf (_("connecting to broker %s:%u%s"), c->host, c->opt.port,
                                           c->opt.tls ? " (TLS)" : "");
  set_state (c, SR_STOMP_STATE_CONNECTING, text);
  c->connect_timeout_id = g_timeout_add (c->opt.connect_timeout_ms, on_connect_timeout, c);
  g_socket_client_connect_to_host_async (c->socket_client, c->host, c->opt.port, c->cancel,
                                         on_connected, c);
}

void
sr_stomp_client_start (SrStompClient *c)
{
  g_return_if_fail (c != NULL);
  if (c->state != SR_STOMP_STATE_IDLE)
    return;
  start_connect (c);
}

void
sr_stomp_client_reconnect (SrStompClient *c, const char *reason)
{
  g_return_if_fail (c != NULL && reason != NULL);
  if (c->state == SR_STOMP_STATE_CONNECTED || c->state == SR_STOMP_STATE_CONNECTING)
    client_lost (c, reason);
}
