/* sr-smpp-io.c — the connection of an SMPP session: connect (TCP or TLS),
 * non-blocking reads into the framer, queued writes gathered into one
 * write per main-loop iteration, partial writes kept until sent. */
#define G_LOG_DOMAIN "sr-smpp"

#include "sr-smpp-session-private.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

/* Flush at once when this much is queued, instead of at the next iteration. */
#define FLUSH_THRESHOLD (64 * 1024)
/* Reads per readable event before yielding to the main loop. */
#define READS_PER_EVENT 8
#define READ_CHUNK (64 * 1024)

/* ---- a source that fires when its ready time is reached --------------- */

static gboolean
ready_source_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  g_source_set_ready_time (source, -1);
  return callback ? callback (user_data) : G_SOURCE_REMOVE;
}

static GSourceFuncs ready_source_funcs = {
  .dispatch = ready_source_dispatch,
};

GSource *sr_smpp_ready_source_new (GMainContext *context, const char *name,
                                   GSourceFunc func, gpointer data);

GSource *
sr_smpp_ready_source_new (GMainContext *context, const char *name, GSourceFunc func, gpointer data)
{
  GSource *source = g_source_new (&ready_source_funcs, sizeof (GSource));
  g_source_set_name (source, name);
  g_source_set_callback (source, func, data, NULL);
  g_source_set_ready_time (source, -1);
  g_source_attach (source, context);
  return source;
}

/* ---- connect ----------------------------------------------------------- */

static gboolean
on_accept_certificate (GTlsConnection *conn, GTlsCertificate *cert,
                       GTlsCertificateFlags errors, gpointer data)
{
  SrSmppSession *s = data;
  SR_SMPP_LOG (s, G_LOG_LEVEL_INFO, "accepting the SMSC's TLS certificate without "
               "verification (tls-verify = no)");
  return TRUE;
}

static void
on_client_event (GSocketClient *client, GSocketClientEvent event,
                 GSocketConnectable *connectable, GIOStream *connection, gpointer data)
{
  SrSmppSession *s = data;
  if (event == G_SOCKET_CLIENT_TLS_HANDSHAKING && !s->tls_verify && G_IS_TLS_CONNECTION (connection))
    g_signal_connect (connection, "accept-certificate", G_CALLBACK (on_accept_certificate), s);
}

static void
on_connected (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketConnection) conn =
    g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), res, &error);
  /* Cancelled: the session timed the attempt out or is gone; do not touch it. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  SrSmppSession *s = data;
  sr_smpp_session_ref (s);
  g_clear_object (&s->connect_cancel);
  if (conn == NULL)
    {
      g_autofree char *reason = g_strdup_printf ("cannot connect to %s:%u: %s",
                                                 s->host, s->port, error->message);
      sr_smpp_session_link_lost (s, reason, SR_SMPP_STATUS_SYSTEM, 0);
    }
  else
    {
      GSocket *sock = g_socket_connection_get_socket (conn);
      g_autoptr (GError) opt_error = NULL;
      if (!g_socket_set_option (sock, IPPROTO_TCP, TCP_NODELAY, 1, &opt_error))
        SR_SMPP_LOG (s, G_LOG_LEVEL_DEBUG, "cannot set TCP_NODELAY: %s", opt_error->message);
      sr_smpp_session_connected (s, G_IO_STREAM (conn));
    }
  sr_smpp_session_unref (s);
}

void
sr_smpp_io_connect (SrSmppSession *s)
{
  g_clear_object (&s->connect_cancel);
  s->connect_cancel = g_cancellable_new ();
  if (s->client == NULL)
    {
      s->client = g_socket_client_new ();
      if (s->tls)
        {
          g_socket_client_set_tls (s->client, TRUE);
          g_signal_connect (s->client, "event", G_CALLBACK (on_client_event), s);
        }
    }
  g_main_context_push_thread_default (s->context);
  g_socket_client_connect_to_host_async (s->client, s->host, s->port, s->connect_cancel,
                                         on_connected, s);
  g_main_context_pop_thread_default (s->context);
}

/* ---- reading ------------------------------------------------------------ */

static gboolean
on_readable (GObject *stream, gpointer data)
{
  SrSmppSession *s = data;
  sr_smpp_session_ref (s);
  guint32 epoch = s->epoch;
  gboolean keep = TRUE;

  for (guint round = 0; round < READS_PER_EVENT && keep; round++)
    {
      gsize space = 0;
      guint8 *p = sr_smpp_framer_space (&s->framer, READ_CHUNK, &space);
      g_autoptr (GError) error = NULL;
      gssize n = g_pollable_input_stream_read_nonblocking (s->in, p, space, NULL, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;
      if (n <= 0)
        {
          g_autofree char *reason = n == 0
            ? g_strdup ("the SMSC closed the connection")
            : g_strdup_printf ("reading from the SMSC failed: %s", error->message);
          sr_smpp_session_link_lost (s, reason, SR_SMPP_STATUS_TEMPORARY, 0);
          keep = FALSE;
          break;
        }
      sr_smpp_framer_commit (&s->framer, (gsize) n);
      s->last_rx = g_get_monotonic_time ();

      const guint8 *pdu;
      gsize len;
      for (;;)
        {
          g_autoptr (GError) frame_error = NULL;
          if (!sr_smpp_framer_next (&s->framer, &pdu, &len, &frame_error))
            {
              if (frame_error)
                {
                  sr_smpp_session_link_lost (s, frame_error->message, SR_SMPP_STATUS_TEMPORARY, 0);
                  keep = FALSE;
                }
              break;
            }
          sr_smpp_session_handle_pdu (s, pdu, len);
          if (s->epoch != epoch || s->in == NULL)
            {
              keep = FALSE;   /* the connection was closed while handling */
              break;
            }
        }
      if ((gsize) n < space)
        break;   /* drained the socket for now */
    }

  if (s->epoch == epoch && s->in != NULL)
    sr_smpp_session_after_input (s);
  else
    keep = FALSE;
  /* After a close, sr_smpp_io_close() already destroyed this source. */
  sr_smpp_session_unref (s);
  return keep ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* ---- writing ------------------------------------------------------------ */

static gboolean on_writable (GObject *stream, gpointer data);

void
sr_smpp_io_flush (SrSmppSession *s)
{
  if (s->out == NULL)
    return;
  while (s->woff < s->wbuf->len)
    {
      g_autoptr (GError) error = NULL;
      gssize n = g_pollable_output_stream_write_nonblocking (s->out, s->wbuf->data + s->woff,
                                                             s->wbuf->len - s->woff, NULL, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          if (s->out_source == NULL)
            {
              s->out_source = g_pollable_output_stream_create_source (s->out, NULL);
              g_source_set_callback (s->out_source, G_SOURCE_FUNC (on_writable), s, NULL);
              g_source_attach (s->out_source, s->context);
            }
          /* keep the unsent tail; drop what was sent once it is large */
          if (s->woff > FLUSH_THRESHOLD)
            {
              g_byte_array_remove_range (s->wbuf, 0, (guint) s->woff);
              s->woff = 0;
            }
          return;
        }
      if (n < 0)
        {
          g_autofree char *reason = g_strdup_printf ("writing to the SMSC failed: %s",
                                                     error->message);
          sr_smpp_session_link_lost (s, reason, SR_SMPP_STATUS_TEMPORARY, 0);
          return;
        }
      s->woff += (gsize) n;
    }
  g_byte_array_set_size (s->wbuf, 0);
  s->woff = 0;
  if (s->out_source)
    {
      g_source_destroy (s->out_source);
      g_clear_pointer (&s->out_source, g_source_unref);
    }
}

static gboolean
on_writable (GObject *stream, gpointer data)
{
  SrSmppSession *s = data;
  sr_smpp_session_ref (s);
  /* the source is replaced (or dropped) by the flush */
  GSource *self = s->out_source;
  s->out_source = NULL;
  sr_smpp_io_flush (s);
  gboolean again = s->out_source == NULL && s->woff < s->wbuf->len && s->out != NULL;
  if (again)
    s->out_source = self;
  else if (self)
    g_source_unref (self);
  sr_smpp_session_unref (s);
  return again ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
on_flush_due (gpointer data)
{
  SrSmppSession *s = data;
  sr_smpp_session_ref (s);
  s->flush_armed = FALSE;
  if (s->out_source == NULL)
    sr_smpp_io_flush (s);
  sr_smpp_session_unref (s);
  return G_SOURCE_CONTINUE;
}

void
sr_smpp_io_schedule_flush (SrSmppSession *s)
{
  if (s->wbuf->len - s->woff >= FLUSH_THRESHOLD)
    {
      if (s->out_source == NULL)
        sr_smpp_io_flush (s);
      return;
    }
  if (!s->flush_armed && s->flush_source)
    {
      /* all PDUs queued during this iteration go out in one write */
      s->flush_armed = TRUE;
      g_source_set_ready_time (s->flush_source, 0);
    }
}

gboolean
sr_smpp_io_queue (SrSmppSession *s, const SrPdu *pdu, GError **error)
{
  if (!sr_pdu_pack (pdu, s->wbuf, error))
    return FALSE;
  SR_SMPP_LOG (s, G_LOG_LEVEL_DEBUG, "sending %s, sequence %u, status 0x%08x",
               sr_pdu_command_name (pdu->command_id), pdu->sequence_number, pdu->command_status);
  sr_smpp_io_schedule_flush (s);
  return TRUE;
}

void
sr_smpp_io_queue_header (SrSmppSession *s, guint32 command_id, guint32 status, guint32 seq)
{
  SrPdu *p = &s->tx;
  p->command_id = command_id;
  p->command_status = status;
  p->sequence_number = seq;
  /* header-only PDUs never fail to pack */
  g_assert (sr_pdu_pack (p, s->wbuf, NULL));
  SR_SMPP_LOG (s, G_LOG_LEVEL_DEBUG, "sending %s, sequence %u, status 0x%08x",
               sr_pdu_command_name (command_id), seq, status);
  sr_smpp_io_schedule_flush (s);
}

/* ---- attach / close ------------------------------------------------------ */

void
sr_smpp_io_attach (SrSmppSession *s, GIOStream *conn)
{
  s->conn = g_object_ref (conn);
  s->in = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (conn));
  s->out = G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (conn));
  sr_smpp_framer_reset (&s->framer);
  g_byte_array_set_size (s->wbuf, 0);
  s->woff = 0;
  s->in_source = g_pollable_input_stream_create_source (s->in, NULL);
  g_source_set_callback (s->in_source, G_SOURCE_FUNC (on_readable), s, NULL);
  g_source_attach (s->in_source, s->context);
}

void
sr_smpp_io_close (SrSmppSession *s)
{
  if (s->connect_cancel)
    {
      g_cancellable_cancel (s->connect_cancel);
      g_clear_object (&s->connect_cancel);
    }
  if (s->in_source)
    {
      g_source_destroy (s->in_source);
      g_clear_pointer (&s->in_source, g_source_unref);
    }
  if (s->out_source)
    {
      g_source_destroy (s->out_source);
      g_clear_pointer (&s->out_source, g_source_unref);
    }
  if (s->conn)
    {
      /* Close the socket itself: a TLS close_notify must not block us. */
      if (G_IS_SOCKET_CONNECTION (s->conn))
        g_socket_close (g_socket_connection_get_socket (G_SOCKET_CONNECTION (s->conn)), NULL);
      g_io_stream_close (s->conn, NULL, NULL);
      g_clear_object (&s->conn);
    }
  s->in = NULL;
  s->out = NULL;
  sr_smpp_framer_reset (&s->framer);
  if (s->wbuf)
    g_byte_array_set_size (s->wbuf, 0);
  s->woff = 0;
}

void
sr_smpp_io_create_sources (SrSmppSession *s)
{
  s->flush_source = sr_smpp_ready_source_new (s->context, "sr-smpp flush", on_flush_due, s);
}

void
sr_smpp_io_destroy_sources (SrSmppSession *s)
{
  if (s->flush_source)
    {
      g_source_destroy (s->flush_source);
      g_clear_pointer (&s->flush_source, g_source_unref);
    }
}
