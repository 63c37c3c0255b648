/* sr-sim-conn.c — one client connection: non-blocking reads in big chunks,
 * framing, and a batched output buffer.
 *
 * Speed comes from doing little per PDU: one recv() brings in as many PDUs as
 * the kernel holds, every whole PDU in the buffer is handled, and all answers
 * go out in one send() at the end.
 */
#define G_LOG_DOMAIN "sr-sim"

#include "sr-sim-private.h"

#include <errno.h>
#include <glib-unix.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

static gboolean conn_readable (int fd, GIOCondition condition, gpointer user_data);
static gboolean conn_writable (int fd, GIOCondition condition, gpointer user_data);
static void conn_write_now (SrSimConn *conn);

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static void
conn_start_reading (SrSimConn *conn)
{
  if (conn->read_source != NULL || conn->closed)
    return;
  conn->read_source = g_unix_fd_source_new (conn->fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
  g_source_set_callback (conn->read_source, G_SOURCE_FUNC (conn_readable),
                         sr_sim_conn_ref (conn), (GDestroyNotify) sr_sim_conn_unref);
  g_source_attach (conn->read_source, conn->sim->context);
}

static void
conn_stop_reading (SrSimConn *conn)
{
  if (conn->read_source == NULL)
    return;
  g_source_destroy (conn->read_source);
  g_clear_pointer (&conn->read_source, g_source_unref);
}

SrSimConn *
sr_sim_conn_new (SrSim *sim, GSocketConnection *connection)
{
  SrSimConn *conn = g_new0 (SrSimConn, 1);
  GSocket *socket = g_socket_connection_get_socket (connection);
  int one = 1;

  conn->ref_count = 1;
  conn->sim = sim;
  conn->id = ++sim->next_conn_id;
  conn->connection = g_object_ref (connection);
  conn->fd = g_socket_get_fd (socket);
  g_socket_set_blocking (socket, FALSE);
  /* Answers are batched by hand; Nagle would only add latency. */
  setsockopt (conn->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  conn->in_cap = SR_SIM_READ_CHUNK + SR_SIM_MAX_PDU;
  conn->in = g_malloc (conn->in_cap);
  conn->out = g_byte_array_sized_new (64 * 1024);
  conn->resp_ends = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_queue_init (&conn->held);
  conn->next_seq = 1;
  conn->inflight = g_hash_table_new (g_direct_hash, g_direct_equal);

  sim->conns = g_list_prepend (sim->conns, conn);
  sim->stats.connections++;
  sim->stats.connections_open++;
  if (sim->log != NULL)
    sr_sim_log_event (sim->log, conn, "connect", NULL);

  conn_start_reading (conn);
  return conn;
}

SrSimConn *
sr_sim_conn_ref (SrSimConn *conn)
{
  conn->ref_count++;
  return conn;
}

void
sr_sim_conn_unref (SrSimConn *conn)
{
  if (--conn->ref_count > 0)
    return;
  g_assert (conn->closed);
  g_free (conn->in);
  g_byte_array_unref (conn->out);
  g_array_unref (conn->resp_ends);
  g_queue_clear_full (&conn->held, g_free);
  g_hash_table_unref (conn->inflight);
  g_free (conn);
}

static void
destroy_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

void
sr_sim_conn_close (SrSimConn *conn, const char *reason)
{
  SrSim *sim = conn->sim;

  if (conn->closed)
    return;
  conn->closed = TRUE;
  if (sim->log != NULL)
    sr_sim_log_event (sim->log, conn, "disconnect", reason);
  g_debug ("connection %" G_GUINT64_FORMAT " (%s) closed: %s", conn->id,
           conn->system_id[0] ? conn->system_id : "unbound", reason);

  destroy_source (&conn->read_source);
  destroy_source (&conn->write_source);
  destroy_source (&conn->dribble_source);
  destroy_source (&conn->held_source);
  g_io_stream_close (G_IO_STREAM (conn->connection), NULL, NULL);
  g_clear_object (&conn->connection);
  conn->fd = -1;

  sim->conns = g_list_remove (sim->conns, conn);
  sim->stats.connections_open--;

  /* Whatever the client never acknowledged goes to the next bind. */
  sr_sim_deliver_requeue_conn (conn);
  sr_sim_conn_unref (conn);
  sr_sim_deliver_pump_soon (sim);
}

guint32
sr_sim_conn_next_seq (SrSimConn *conn)
{
  guint32 seq = conn->next_seq;

  conn->next_seq = seq >= 0x7FFFFFFF ? 1 : seq + 1;
  return seq;
}

guint
sr_sim_conn_outstanding (SrSimConn *conn)
{
  return (conn->resp_ends->len - conn->resp_head) + conn->held_counting;
}

void
sr_sim_conn_queue (SrSimConn *conn, const guint8 *bytes, gsize len, gboolean counts)
{
  if (conn->closed)
    return;
  g_byte_array_append (conn->out, bytes, len);
  conn->out_queued += len;
  if (counts)
    g_array_append_val (conn->resp_ends, conn->out_queued);
}

/* Pops the submit responses the kernel has taken: the client may have them. */
static void
conn_account_written (SrSimConn *conn)
{
  while (conn->resp_head < conn->resp_ends->len
         && g_array_index (conn->resp_ends, guint64, conn->resp_head) <= conn->out_written)
    conn->resp_head++;
  if (conn->resp_head == conn->resp_ends->len)
    {
      g_array_set_size (conn->resp_ends, 0);
      conn->resp_head = 0;
    }
}

static gboolean
conn_dribble_tick (gpointer user_data)
{
  SrSimConn *conn = user_data;

  g_clear_pointer (&conn->dribble_source, g_source_unref);
  conn_write_now (conn);
  return G_SOURCE_REMOVE;
}

static void
conn_write_now (SrSimConn *conn)
{
  gsize pending;
  gsize chunk;
  ssize_t n;

  if (conn->closed)
    return;

  pending = conn->out->len - conn->out_off;
  while (pending > 0)
    {
      chunk = conn->sim->dribble ? 1 : pending;
      n = send (conn->fd, conn->out->data + conn->out_off, chunk, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        break;
      if (n < 0)
        {
          g_autofree char *reason = g_strdup_printf ("write failed: %s", g_strerror (errno));
          sr_sim_conn_close (conn, reason);
          return;
        }
      conn->out_off += n;
      conn->out_written += n;
      pending -= n;
      if (conn->sim->dribble && pending > 0)
        {
          /* One byte per tick, so the client really sees each byte alone. */
          if (conn->dribble_source == NULL)
            {
              conn->dribble_source = g_timeout_source_new (1);
              g_source_set_callback (conn->dribble_source, conn_dribble_tick,
                                     conn, NULL);
              g_source_attach (conn->dribble_source, conn->sim->context);
            }
          break;
        }
    }
  conn_account_written (conn);

  if (pending == 0)
    {
      g_byte_array_set_size (conn->out, 0);
      conn->out_off = 0;
      destroy_source (&conn->write_source);
      conn_start_reading (conn);
      /* Answers held by --delay-ms still have to go out first. */
      if (conn->close_after_flush && g_queue_is_empty (&conn->held))
        sr_sim_conn_close (conn, "closed after the last answer");
      return;
    }

  if (conn->out_off > 1024 * 1024)
    {
      g_byte_array_remove_range (conn->out, 0, conn->out_off);
      conn->out_off = 0;
    }
  if (conn->dribble_source == NULL && conn->write_source == NULL)
    {
      conn->write_source = g_unix_fd_source_new (conn->fd, G_IO_OUT);
      g_source_set_callback (conn->write_source, G_SOURCE_FUNC (conn_writable),
                             sr_sim_conn_ref (conn), (GDestroyNotify) sr_sim_conn_unref);
      g_source_attach (conn->write_source, conn->sim->context);
    }
  /* A client that does not read its answers must not make us grow forever. */
  if (pending > SR_SIM_OUT_HIGH_WATER)
    conn_stop_reading (conn);
}

void
sr_sim_conn_flush (SrSimConn *conn)
{
  if (conn->sim->log != NULL)
    sr_sim_log_flush (conn->sim->log);
  if (conn->write_source != NULL || conn->dribble_source != NULL)
    return;   /* the pending source will write it */
  conn_write_now (conn);
}

static gboolean
conn_writable (int fd, GIOCondition condition, gpointer user_data)
{
  SrSimConn *conn = user_data;

  g_clear_pointer (&conn->write_source, g_source_unref);
  conn_write_now (conn);
  /* conn_write_now attached a new source if still needed. */
  return G_SOURCE_REMOVE;
}

static gboolean
conn_held_due (gpointer user_data)
{
  SrSimConn *conn = user_data;
  gint64 now = g_get_monotonic_time ();
  SrSimHeld *held;

  g_clear_pointer (&conn->held_source, g_source_unref);
  while ((held = g_queue_peek_head (&conn->held)) != NULL && held->due_us <= now)
    {
      g_queue_pop_head (&conn->held);
      if (held->counts)
        conn->held_counting--;
      sr_sim_conn_queue (conn, held->bytes, held->len, held->counts);
      g_free (held);
    }
  if (held != NULL)
    {
      conn->held_source = g_timeout_source_new (MAX (1, (held->due_us - now + 999) / 1000));
      g_source_set_callback (conn->held_source, conn_held_due, conn, NULL);
      g_source_attach (conn->held_source, conn->sim->context);
    }
  sr_sim_conn_flush (conn);
  return G_SOURCE_REMOVE;
}

void
sr_sim_conn_queue_response (SrSimConn *conn, const guint8 *bytes, gsize len, gboolean counts,
                            guint delay_ms)
{
  SrSimHeld *held;

  if (delay_ms == 0)
    {
      sr_sim_conn_queue (conn, bytes, len, counts);
      return;
    }
  held = g_malloc (sizeof *held + len);
  held->due_us = g_get_monotonic_time () + (gint64) delay_ms * 1000;
  held->counts = counts;
  held->len = len;
  memcpy (held->bytes, bytes, len);
  /* In due order, equal times in arrival order: --late-ms holds some
   * answers longer than --delay-ms holds the rest.  Searched from the
   * tail, where an answer with the common delay belongs. */
  GList *after = conn->held.tail;
  while (after != NULL && ((SrSimHeld *) after->data)->due_us > held->due_us)
    after = after->prev;
  if (after != NULL)
    g_queue_insert_after (&conn->held, after, held);
  else
    g_queue_push_head (&conn->held, held);
  if (counts)
    conn->held_counting++;
  if (conn->held_source != NULL && g_queue_peek_head (&conn->held) == held)
    destroy_source (&conn->held_source);
  if (conn->held_source == NULL)
    {
      conn->held_source = g_timeout_source_new (delay_ms);
      g_source_set_callback (conn->held_source, conn_held_due, conn, NULL);
      g_source_attach (conn->held_source, conn->sim->context);
    }
}

/* Handles every whole PDU in the input buffer; returns FALSE once the
 * connection is closed or must not be read further. */
static gboolean
conn_parse (SrSimConn *conn)
{
  gsize pos = 0;

  while (!conn->closed && !conn->close_after_flush && conn->in_len - pos >= 4)
    {
      guint32 length = read_be32 (conn->in + pos);

      if (length < 16 || length > SR_SIM_MAX_PDU)
        {
          sr_sim_handle_framing_error (conn, length);
          conn->in_len = 0;
          return FALSE;
        }
      if (conn->in_len - pos < length)
        break;
      sr_sim_handle_pdu (conn, conn->in + pos, length);
      pos += length;
    }

  if (pos > 0 && !conn->closed)
    {
      memmove (conn->in, conn->in + pos, conn->in_len - pos);
      conn->in_len -= pos;
    }
  return !conn->closed;
}

static gboolean
conn_readable (int fd, GIOCondition condition, gpointer user_data)
{
  SrSimConn *conn = user_data;
  ssize_t n;

  if (conn->closed)
    return G_SOURCE_REMOVE;

  n = recv (conn->fd, conn->in + conn->in_len, conn->in_cap - conn->in_len, MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    {
      sr_sim_conn_close (conn, n == 0 ? "closed by the client" : g_strerror (errno));
      return G_SOURCE_REMOVE;
    }
  conn->in_len += n;

  sr_sim_conn_ref (conn);
  conn_parse (conn);
  if (!conn->closed)
    sr_sim_conn_flush (conn);
  else if (conn->sim->log != NULL)
    sr_sim_log_flush (conn->sim->log);
  sr_sim_conn_unref (conn);
  return G_SOURCE_CONTINUE;
}
