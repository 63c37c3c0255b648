/* The SMPP client session against a scripted peer (for what the simulator
 * does not do: unknown commands, a link that goes silent, a split length)
 * and a TLS peer. */
#include "session-fixture.h"
#include "sr-smpp-session-private.h"

#define ESME_RINVCMDID 0x03u

/* ---- a scripted peer for what the simulator does not do ------------------- */

/* A one-connection SMSC driven by the test. */
typedef struct {
  GSocketListener *listener;
  guint16 port;
  GSocketConnection *conn;
  GByteArray *in;
  GByteArray *last;          /* the last PDU read; borrowed pointers point here */
} Peer;

static void
peer_start (Peer *peer)
{
  memset (peer, 0, sizeof *peer);
  peer->listener = g_socket_listener_new ();
  g_autoptr (GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                           G_SOCKET_PROTOCOL_TCP, NULL);
  g_assert_nonnull (sock);
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_assert_true (g_socket_bind (sock, addr, TRUE, NULL));
  g_assert_true (g_socket_listen (sock, NULL));
  g_assert_true (g_socket_listener_add_socket (peer->listener, sock, NULL, NULL));
  g_autoptr (GSocketAddress) got = g_socket_get_local_address (sock, NULL);
  peer->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (got));
  peer->in = g_byte_array_new ();
  peer->last = g_byte_array_new ();
}


static void
peer_stop (Peer *peer)
{
  g_clear_object (&peer->conn);
  g_socket_listener_close (peer->listener);
  g_clear_object (&peer->listener);
  g_byte_array_unref (peer->in);
  g_byte_array_unref (peer->last);
}

static void
on_accepted (GObject *src, GAsyncResult *res, gpointer data)
{
  Peer *peer = data;
  peer->conn = g_socket_listener_accept_finish (G_SOCKET_LISTENER (src), res, NULL, NULL);
  g_assert_nonnull (peer->conn);
}

static void
peer_accept (Peer *peer)
{
  g_socket_listener_accept_async (peer->listener, NULL, on_accepted, peer);
  while (peer->conn == NULL)
    g_main_context_iteration (NULL, TRUE);
}

/* Reads one whole PDU from the client (pumping the main loop meanwhile);
 * its borrowed pointers stay valid until the next read. */
static void
peer_read (Peer *peer, SrPdu *pdu)
{
  GSocket *sock = g_socket_connection_get_socket (peer->conn);
  g_socket_set_blocking (sock, FALSE);
  gint64 until = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  for (;;)
    {
      if (peer->in->len >= 4)
        {
          guint32 len;
          sr_pdu_peek_header (peer->in->data, &len, NULL, NULL, NULL);
          if (peer->in->len >= len)
            {
              g_autoptr (GError) error = NULL;
              g_byte_array_set_size (peer->last, 0);
              g_byte_array_append (peer->last, peer->in->data, len);
              gboolean ok = sr_pdu_unpack (peer->last->data, len, pdu, &error);
              g_assert_no_error (error);
              g_assert_true (ok);
              g_byte_array_remove_range (peer->in, 0, len);
              return;
            }
        }
      guint8 buf[4096];
      gssize n = g_socket_receive (sock, (gchar *) buf, sizeof buf, NULL, NULL);
      if (n > 0)
        g_byte_array_append (peer->in, buf, (guint) n);
      else
        g_main_context_iteration (NULL, FALSE);
      g_assert_cmpint (g_get_monotonic_time (), <, until);
      g_usleep (n > 0 ? 0 : 1000);
    }
}

static void
peer_send_bytes (Peer *peer, const guint8 *data, gsize len)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (peer->conn));
  g_assert_true (g_output_stream_write_all (out, data, len, NULL, NULL, NULL));
}

static void
peer_send (Peer *peer, const SrPdu *pdu)
{
  g_autoptr (GByteArray) b = g_byte_array_new ();
  g_assert_true (sr_pdu_pack (pdu, b, NULL));
  peer_send_bytes (peer, b->data, b->len);
}

static void
peer_bind (Fx *fx, Peer *peer)
{
  peer_accept (peer);
  SrPdu p;
  peer_read (peer, &p);
  g_assert_cmphex (p.command_id, ==, SR_CMD_BIND_TRANSCEIVER);
  g_assert_cmpstr (p.system_id, ==, "router");
  g_assert_cmpstr (p.password, ==, "secret");
  g_assert_cmpuint (p.interface_version, ==, 0x34);
  guint32 seq = p.sequence_number;
  sr_pdu_init (&p, SR_CMD_BIND_TRANSCEIVER_RESP, seq);
  g_strlcpy (p.system_id, "PEER", sizeof p.system_id);
  /* the length split across two writes (and two reads) */
  g_autoptr (GByteArray) b = g_byte_array_new ();
  g_assert_true (sr_pdu_pack (&p, b, NULL));
  peer_send_bytes (peer, b->data, 2);
  run_for (20);
  peer_send_bytes (peer, b->data + 2, b->len - 2);
  run_until (fx, is_bound, 3000);
}

static void
test_unknown_command (Fx *fx, gconstpointer data)
{
  Peer peer;
  peer_start (&peer);
  fx->cfg.port = peer.port;
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  peer_bind (fx, &peer);

  /* an unknown command and a known one we do not serve */
  static const guint8 unknown[] = { 0,0,0,20, 0,0,0x44,0x44, 0,0,0,0, 0,0,0x12,0x34, 1,2,3,4 };
  peer_send_bytes (&peer, unknown, sizeof unknown);
  SrPdu p;
  peer_read (&peer, &p);
  g_assert_cmphex (p.command_id, ==, SR_CMD_GENERIC_NACK);
  g_assert_cmphex (p.command_status, ==, ESME_RINVCMDID);
  g_assert_cmpuint (p.sequence_number, ==, 0x1234);

  SrPdu q;
  sr_pdu_init (&q, SR_CMD_QUERY_SM, 77);
  static const guint8 query[] = { 0,0,0,22, 0,0,0,3, 0,0,0,0, 0,0,0,77, 'x',0, 0,0, '1',0 };
  peer_send_bytes (&peer, query, sizeof query);
  peer_read (&peer, &p);
  g_assert_cmphex (p.command_id, ==, SR_CMD_GENERIC_NACK);
  g_assert_cmpuint (p.sequence_number, ==, 77);

  /* alert_notification has no response: the next answer is enquire_link's */
  static const guint8 alert[] = { 0,0,0,28, 0,0,1,2, 0,0,0,0, 0,0,0,50,
                                  1,1,'4','1',0, 1,1,'4','2',0, 0,0 };
  peer_send_bytes (&peer, alert, sizeof alert);

  /* the peer's enquire_link is answered with its sequence */
  sr_pdu_init (&q, SR_CMD_ENQUIRE_LINK, 99);
  peer_send (&peer, &q);
  peer_read (&peer, &p);
  g_assert_cmphex (p.command_id, ==, SR_CMD_ENQUIRE_LINK_RESP);
  g_assert_cmpuint (p.sequence_number, ==, 99);

  /* a response nobody asked for is ignored, the link stays */
  sr_pdu_init (&q, SR_CMD_SUBMIT_SM_RESP, 5555);
  g_strlcpy (q.message_id, "x", sizeof q.message_id);
  peer_send (&peer, &q);
  run_for (30);
  g_assert_true (is_bound (fx));
  g_assert_cmpuint (fx->downs, ==, 0);
  peer_stop (&peer);
}

/* The peer stops answering: enquire_link finds the dead link. */
static void
test_dead_link (Fx *fx, gconstpointer data)
{
  Peer peer;
  peer_start (&peer);
  fx->cfg.port = peer.port;
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  set_timing (fx, fast_enquire);
  peer_bind (fx, &peer);
  gint64 t0 = g_get_monotonic_time ();
  SrPdu p;
  peer_read (&peer, &p);
  g_assert_cmphex (p.command_id, ==, SR_CMD_ENQUIRE_LINK);
  run_until (fx, is_down, 3000);
  gint64 took = g_get_monotonic_time () - t0;
  g_assert_nonnull (strstr (fx->last_reason, "enquire_link not answered"));
  g_assert_true (fx->last_down.will_reconnect);
  g_assert_cmpint (took, >=, 250 * 1000);
  peer_stop (&peer);
}

/* The SMSC unbinds: unbind_resp with its sequence, then the link closes. */
static void
test_peer_unbind (Fx *fx, gconstpointer data)
{
  Peer peer;
  peer_start (&peer);
  fx->cfg.port = peer.port;
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  peer_bind (fx, &peer);
  SrPdu q, p;
  sr_pdu_init (&q, SR_CMD_UNBIND, 8);
  peer_send (&peer, &q);
  peer_read (&peer, &p);
  g_assert_cmphex (p.command_id, ==, SR_CMD_UNBIND_RESP);
  g_assert_cmpuint (p.sequence_number, ==, 8);
  run_until (fx, is_down, 3000);
  g_assert_cmpstr (fx->last_reason, ==, "the SMSC unbound");
  peer_stop (&peer);
}

/* The peer stops reading while more is queued than the kernel buffers
 * hold (socket buffers autotune to a few MiB): writes would block, the tail
 * waits in the session, and nothing is lost or reordered. */
static void
wide_window (SrSmppTiming *t)
{
  t->window = 120;
}

static void
test_partial_writes (Fx *fx, gconstpointer data)
{
  Peer peer;
  peer_start (&peer);
  fx->cfg.port = peer.port;
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  set_timing (fx, wide_window);
  peer_bind (fx, &peer);
  fx->manual = TRUE;
  enum { N = 120, SIZE = 65000 };
  g_autofree guint8 *payload = g_malloc (SIZE);
  SrPdu q;
  for (guint i = 0; i < N; i++)
    {
      memset (payload, 'A' + i % 50, SIZE);   /* packing copies it */
      payload[0] = (guint8) i;
      fill_submit (&q, i + 1);
      q.sm_length = 0;
      q.tlv_mask |= SR_TLV_MESSAGE_PAYLOAD;
      q.message_payload = payload;
      q.message_payload_len = SIZE;
      g_assert_true (sr_smpp_session_submit (fx->s, &q, GUINT_TO_POINTER (i + 1), NULL));
    }
  run_for (150);
  /* the kernel took what it could; the rest is still queued */
  g_assert_nonnull (fx->s->out_source);
  g_assert_cmpuint (fx->s->wbuf->len - fx->s->woff, >, 0);

  SrPdu p;
  for (guint i = 0; i < N; i++)
    {
      peer_read (&peer, &p);
      g_assert_cmphex (p.command_id, ==, SR_CMD_SUBMIT_SM);
      g_assert_cmpuint (p.message_payload_len, ==, SIZE);
      g_assert_cmpuint (p.message_payload[0], ==, i);
      memset (payload, 'A' + i % 50, SIZE);
      payload[0] = (guint8) i;
      g_assert_cmpmem (p.message_payload, SIZE, payload, SIZE);
      sr_pdu_init (&q, SR_CMD_SUBMIT_SM_RESP, p.sequence_number);
      g_snprintf (q.message_id, sizeof q.message_id, "id-%u", i);
      peer_send (&peer, &q);
    }
  while (fx->accepted < N)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (fx->s->out_source);
  g_assert_cmpuint (fx->s->wbuf->len, ==, 0);
  peer_stop (&peer);
}

/* ---- TLS: a blocking TLS SMSC in a thread ----------------------------------- */

/* The thread's side of a TLS test. */
typedef struct {
  GSocketListener *listener;
  guint16 port;
  GTlsCertificate *cert;
  GCancellable *cancel;
  gboolean handshake_ok;
  gboolean submit_answered;
} TlsPeer;

static gboolean
read_pdu_blocking (GInputStream *in, SrPdu *pdu, GByteArray *buf)
{
  guint8 hdr[4];
  gsize got = 0;
  if (!g_input_stream_read_all (in, hdr, 4, &got, NULL, NULL) || got != 4)
    return FALSE;
  guint32 len = ((guint32) hdr[0] << 24) | (hdr[1] << 16) | (hdr[2] << 8) | hdr[3];
  g_byte_array_set_size (buf, len);
  memcpy (buf->data, hdr, 4);
  if (!g_input_stream_read_all (in, buf->data + 4, len - 4, &got, NULL, NULL) || got != len - 4)
    return FALSE;
  return sr_pdu_unpack (buf->data, len, pdu, NULL);
}

static gpointer
tls_peer_thread (gpointer data)
{
  TlsPeer *tp = data;
  g_autoptr (GSocketConnection) raw = g_socket_listener_accept (tp->listener, NULL, tp->cancel,
                                                                    NULL);
  if (raw == NULL)
    return NULL;
  g_autoptr (GIOStream) tls = g_tls_server_connection_new (G_IO_STREAM (raw), tp->cert, NULL);
  if (tls == NULL || !g_tls_connection_handshake (G_TLS_CONNECTION (tls), tp->cancel, NULL))
    return NULL;
  tp->handshake_ok = TRUE;
  GInputStream *in = g_io_stream_get_input_stream (tls);
  GOutputStream *out = g_io_stream_get_output_stream (tls);
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  g_autoptr (GByteArray) wb = g_byte_array_new ();
  SrPdu p, r;
  while (read_pdu_blocking (in, &p, buf))
    {
      g_byte_array_set_size (wb, 0);
      if (p.command_id == SR_CMD_BIND_TRANSCEIVER)
        {
          sr_pdu_init (&r, SR_CMD_BIND_TRANSCEIVER_RESP, p.sequence_number);
          g_strlcpy (r.system_id, "TLS", sizeof r.system_id);
        }
      else if (p.command_id == SR_CMD_SUBMIT_SM)
        {
          sr_pdu_init (&r, SR_CMD_SUBMIT_SM_RESP, p.sequence_number);
          g_strlcpy (r.message_id, "tls-1", sizeof r.message_id);
          tp->submit_answered = TRUE;
        }
      else if (p.command_id == SR_CMD_UNBIND)
        sr_pdu_init (&r, SR_CMD_UNBIND_RESP, p.sequence_number);
      else
        continue;
      g_assert_true (sr_pdu_pack (&r, wb, NULL));
      if (!g_output_stream_write_all (out, wb->data, wb->len, NULL, NULL, NULL))
        break;
      if (p.command_id == SR_CMD_UNBIND)
        break;
    }
  return NULL;
}

static gboolean got_accepted (Fx *fx) { return fx->accepted > 0; }

static void
test_tls (Fx *fx, gconstpointer data)
{
  gboolean verify = GPOINTER_TO_INT (data);
  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("no TLS backend (glib-networking) installed");
      return;
    }
  TlsPeer tp = { 0 };
  g_autofree char *pem = g_build_filename (SR_TEST_SRCDIR, "smpp", "tls-test.pem", NULL);
  g_autoptr (GError) error = NULL;
  tp.cert = g_tls_certificate_new_from_file (pem, &error);
  g_assert_no_error (error);
  tp.listener = g_socket_listener_new ();
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr (GSocketAddress) got = NULL;
  g_assert_true (g_socket_listener_add_address (tp.listener, addr, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL, &got, NULL));
  tp.port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (got));
  tp.cancel = g_cancellable_new ();
  GThread *thread = g_thread_new ("tls-peer", tls_peer_thread, &tp);

  fx->cfg.port = tp.port;
  fx->cfg.tls = TRUE;
  fx->cfg.tls_verify = verify;
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  if (verify)
    {
      /* a self-signed certificate is refused: a system-wide error */
      run_until (fx, is_down, 5000);
      g_assert_cmpint (fx->last_down.error_class, ==, SR_SMPP_STATUS_SYSTEM);
      g_assert_nonnull (strstr (fx->down_reason, "cannot connect"));
      sr_smpp_session_stop (fx->s);
    }
  else
    {
      run_until (fx, is_bound, 5000);
      SrPdu p;
      fill_submit (&p, 1);
      g_assert_true (sr_smpp_session_submit (fx->s, &p, GUINT_TO_POINTER (1), NULL));
      run_until (fx, got_accepted, 3000);
      g_assert_cmpstr (fx->first_message_id, ==, "tls-1");
      sr_smpp_session_stop (fx->s);
      run_until (fx, is_down, 3000);
      g_assert_true (tp.submit_answered);
    }
  g_cancellable_cancel (tp.cancel);
  g_thread_join (thread);
  g_socket_listener_close (tp.listener);
  g_object_unref (tp.cancel);
  g_assert_true (tp.handshake_ok == !verify);
  g_object_unref (tp.listener);
  g_object_unref (tp.cert);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn, data) g_test_add ("/smpp-session/" path, Fx, data, fx_setup, fn, fx_teardown)
  ADD ("unknown-command", test_unknown_command, NULL);
  ADD ("dead-link", test_dead_link, NULL);
  ADD ("peer-unbind", test_peer_unbind, NULL);
  ADD ("partial-writes", test_partial_writes, NULL);
  ADD ("tls/no-verify", test_tls, GINT_TO_POINTER (FALSE));
  ADD ("tls/verify-refuses-self-signed", test_tls, GINT_TO_POINTER (TRUE));
  return g_test_run ();
}
