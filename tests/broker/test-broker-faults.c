/* test-broker-faults.c — the bridge against a scripted broker that misbehaves.
 *
 * The fake broker runs in a thread with blocking sockets and follows one
 * script per case: frames byte by byte, a redelivered MESSAGE, an ERROR
 * frame instead of CONNECTED, a connection closed in the middle of a frame.
 * The router, the bridge and the simulator are real; the router must keep
 * serving its spool whatever the broker does.
 */
#include "router-fixture.h"
#include "sr-broker.h"
#include "sr-config.h"

#include <glib/gstdio.h>
#include <string.h>

#define PASSCODE "s3cret-pass"

/* The scripted broker: a listening socket and what the script saw. */
typedef struct {
  GSocketListener *listener;
  guint16 port;
  GAsyncQueue *seen;            /* char*: "CONNECT", "ACK id", "SUBSCRIBE dest" ... */
  GAsyncQueue *go;              /* the test tells the script to go on */
  void (*script) (gpointer fake);
  GThread *thread;
  GTlsCertificate *cert;        /* set: connections are TLS */
} FakeBroker;

/* One accepted connection of the fake. */
typedef struct {
  GSocketConnection *conn;
  GIOStream *io;                /* conn, or the TLS connection over it */
  SrStompParser *parser;
} FakeConn;

static FakeConn *
fake_accept (FakeBroker *fb)
{
  g_autoptr(GError) error = NULL;
  FakeConn *c = g_new0 (FakeConn, 1);
  c->conn = g_socket_listener_accept (fb->listener, NULL, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (g_socket_connection_get_socket (c->conn), 20);
  c->parser = sr_stomp_parser_new (NULL);
  c->io = G_IO_STREAM (g_object_ref (c->conn));
  if (fb->cert != NULL)
    {
      g_clear_object (&c->io);
      c->io = g_tls_server_connection_new (G_IO_STREAM (c->conn), fb->cert, &error);
      g_assert_no_error (error);
      if (!g_tls_connection_handshake (G_TLS_CONNECTION (c->io), NULL, &error))
        {
          g_async_queue_push (fb->seen, g_strdup_printf ("HANDSHAKE-FAILED %s", error->message));
          g_clear_object (&c->io);
        }
    }
  return c;
}

static void
fake_close (FakeConn *c)
{
  g_io_stream_close (G_IO_STREAM (c->conn), NULL, NULL);
  g_clear_object (&c->io);
  g_object_unref (c->conn);
  sr_stomp_parser_free (c->parser);
  g_free (c);
}

/* The next frame from the bridge, reported to the test as "COMMAND detail". */
static SrStompFrame *
fake_read (FakeBroker *fb, FakeConn *c)
{
  for (;;)
    {
      SrStompFrame *f = NULL;
      g_autoptr(GError) error = NULL;
      SrStompParseResult r = sr_stomp_parser_next (c->parser, &f, &error);
      g_assert_no_error (error);
      if (r == SR_STOMP_PARSE_FRAME)
        {
          const char *detail = sr_stomp_frame_get_header (f, "id");
          if (g_str_equal (f->command, "CONNECT"))
            detail = sr_stomp_frame_get_header (f, "passcode");
          if (g_str_equal (f->command, "SUBSCRIBE"))
            detail = sr_stomp_frame_get_header (f, "destination");
          g_async_queue_push (fb->seen, g_strdup_printf ("%s %s", f->command, detail ? detail : ""));
          return f;
        }
      char buf[4096];
      gssize n = g_input_stream_read (g_io_stream_get_input_stream (c->io),
                                      buf, sizeof buf, NULL, NULL);
      if (n <= 0)
        return NULL;
      sr_stomp_parser_feed (c->parser, buf, n);
    }
}

/* Reads frames until one with @command; FALSE when the connection ended. */
static gboolean
fake_expect (FakeBroker *fb, FakeConn *c, const char *command)
{
  for (;;)
    {
      g_autoptr(SrStompFrame) f = fake_read (fb, c);
      if (f == NULL)
        return FALSE;
      if (g_str_equal (f->command, command))
        return TRUE;
    }
}

static void
fake_write (FakeConn *c, const char *data, gsize len, gboolean byte_by_byte)
{
  GOutputStream *out = g_io_stream_get_output_stream (c->io);
  for (gsize off = 0; off < len; off += byte_by_byte ? 1 : len)
    {
      g_output_stream_write_all (out, data + off, byte_by_byte ? 1 : len, NULL, NULL, NULL);
      if (byte_by_byte)
        g_usleep (200);
    }
}

#define CONNECTED "CONNECTED\nversion:1.2\nserver:fake\nheart-beat:0,0\n\n"
#define MESSAGE(id, ack) "MESSAGE\nsubscription:default\nmessage-id:" id "\nack:" ack \
  "\ndestination:/queue/smsrouter.outbox\nSMSDestination:+41791112233\n\nHi there"

static void
fake_login (FakeBroker *fb, FakeConn *c)
{
  g_assert_true (fake_expect (fb, c, "CONNECT"));
  fake_write (c, CONNECTED, sizeof CONNECTED, FALSE);
  g_assert_true (fake_expect (fb, c, "SUBSCRIBE"));
}

/* The next connection gets ERROR instead of CONNECTED, then is closed. */
static void
fake_refuse_login (FakeBroker *fb)
{
  FakeConn *c = fake_accept (fb);
  g_assert_true (fake_expect (fb, c, "CONNECT"));
  static const char error_frame[] = "ERROR\nmessage:login refused\n\nUser name [router] or password is invalid.";
  fake_write (c, error_frame, sizeof error_frame, FALSE);
  fake_close (c);
}

static gpointer
fake_thread (gpointer data)
{
  FakeBroker *fb = data;
  fb->script (fb);
  return NULL;
}

static FakeBroker *
fake_start (void (*script) (gpointer fake), GTlsCertificate *cert)
{
  FakeBroker *fb = g_new0 (FakeBroker, 1);
  fb->cert = cert ? g_object_ref (cert) : NULL;
  fb->listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  g_socket_listener_add_address (fb->listener, addr, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &bound, &error);
  g_assert_no_error (error);
  fb->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  fb->seen = g_async_queue_new_full (g_free);
  fb->go = g_async_queue_new ();
  fb->script = script;
  fb->thread = g_thread_new ("fake-broker", fake_thread, fb);
  return fb;
}

static void
fake_free (FakeBroker *fb)
{
  g_thread_join (fb->thread);
  g_socket_listener_close (fb->listener);
  g_object_unref (fb->listener);
  g_async_queue_unref (fb->seen);
  g_async_queue_unref (fb->go);
  g_clear_object (&fb->cert);
  g_free (fb);
}

/* Runs the main loop until the fake saw a frame starting with @prefix. */
static void
wait_seen (FakeBroker *fb, const char *prefix)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    {
      g_autofree char *s = g_async_queue_try_pop (fb->seen);
      if (s != NULL && g_str_has_prefix (s, prefix))
        return;
      if (s == NULL)
        g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
    }
  g_error ("the fake broker never saw %s", prefix);
}

/* The router and the bridge pointed at the fake. */
typedef struct {
  RouterFixture fx;
  SrBroker *broker;
  FakeBroker *fake;
} FaultFixture;

static void
fault_setup_full (FaultFixture *ff, void (*script) (gpointer fake), guint heartbeat_ms,
                  GTlsCertificate *cert, const char *tls_keys, const char *router_extra)
{
  ff->fake = fake_start (script, cert);
  g_autofree char *tail = g_strdup_printf ("\n[broker]\nenabled = yes\nport = %u\nlogin = router\n"
                                           "passcode = " PASSCODE "\nheart-beat = %u\n%s", ff->fake->port,
                                           heartbeat_ms, tls_keys ? tls_keys : "");
  router_fixture_setup (&ff->fx, NULL, router_extra, NULL, NULL, tail);
  g_autoptr(GError) error = NULL;
  SrBrokerOptions options = { .scan_ms = 100, .reconnect_min_ms = 100 };
  ff->broker = sr_broker_new (ff->fx.router, &options, &error);
  g_assert_no_error (error);
  sr_broker_start (ff->broker);
}

static void
fault_setup (FaultFixture *ff, void (*script) (gpointer fake))
{
  fault_setup_full (ff, script, 0, NULL, NULL, NULL);
}

static void
fault_teardown (FaultFixture *ff)
{
  g_clear_pointer (&ff->broker, sr_broker_free);   /* ends the fake's last connection */
  fake_free (ff->fake);
  /* Credentials never appear in an event. */
  for (guint i = 0; i < ff->fx.events->len; i++)
    g_assert_null (strstr (ff->fx.events->pdata[i], PASSCODE));
  router_fixture_teardown (&ff->fx);
}

static gboolean
events_contain (FaultFixture *ff, const char *text)
{
  for (guint i = 0; i < ff->fx.events->len; i++)
    if (strstr (ff->fx.events->pdata[i], text))
      return TRUE;
  return FALSE;
}

/* Every file of the default app that holds @message_id, once the router
 * has finished with what the bridge wrote: the file worker threads move
 * files while the folders are read, so the outbox must be empty first. */
static guint
files_with_id (FaultFixture *ff, const char *message_id)
{
  static const SrSpoolFolder folders[] = { SR_SPOOL_SENT, SR_SPOOL_DEAD };
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (router_fixture_count (&ff->fx, SR_SPOOL_OUTBOX_NEW) + router_fixture_count (&ff->fx, SR_SPOOL_OUTBOX_CUR) > 0)
    {
      g_assert_true (g_get_monotonic_time () < end);
      router_fixture_run (20);
    }
  guint n = 0;
  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autoptr(GPtrArray) files = router_fixture_read_all (&ff->fx, folders[i]);
      for (guint j = 0; j < files->len; j++)
        {
          g_autofree char *id = router_fixture_header (files->pdata[j], "X-Broker-Message-Id");
          n += g_strcmp0 (id, message_id) == 0;
        }
    }
  return n;
}

/* ---- byte by byte, and a redelivery after a lost connection ---- */

static void
script_redelivery (gpointer data)
{
  FakeBroker *fb = data;
  FakeConn *c = fake_accept (fb);
  fake_login (fb, c);
  fake_write (c, MESSAGE ("m-1", "a-1"), sizeof MESSAGE ("m-1", "a-1"), TRUE);
  g_assert_true (fake_expect (fb, c, "ACK"));
  fake_close (c);   /* as if the ACK had been lost with the connection */
  c = fake_accept (fb);
  fake_login (fb, c);
  fake_write (c, MESSAGE ("m-1", "a-2"), sizeof MESSAGE ("m-1", "a-2"), FALSE);
  g_assert_true (fake_expect (fb, c, "ACK"));
  fake_expect (fb, c, "DISCONNECT");   /* until the bridge goes */
  fake_close (c);
}

static void
test_byte_by_byte_and_redelivery (void)
{
  FaultFixture ff = { 0 };
  fault_setup (&ff, script_redelivery);
  wait_seen (ff.fake, "CONNECT " PASSCODE);
  wait_seen (ff.fake, "ACK a-1");
  wait_seen (ff.fake, "ACK a-2");
  g_assert_cmpuint (files_with_id (&ff, "m-1"), ==, 1);
  g_assert_nonnull (sr_test_sim_wait_log (ff.fx.sim, "in", "submit_sm", 1, 10000));
  router_fixture_run (300);
  g_assert_cmpint (sr_test_sim_stat (ff.fx.sim, "submits"), ==, 1);
  SrBrokerStatus st;
  sr_broker_get_status (ff.broker, &st);
  g_assert_cmpuint (st.taken, ==, 1);
  g_assert_cmpuint (st.duplicates, ==, 1);
  g_assert_true (events_contain (&ff, "connection to broker"));
  fault_teardown (&ff);
}

/* ---- bodies over max-file-size, byte by byte ---- */

#define BIG_BODY_BYTES 700
#define NORMAL(id, ack) "MESSAGE\nsubscription:default\nmessage-id:" id "\nack:" ack \
  "\ndestination:/queue/smsrouter.outbox\nto:+41791112233\n\nsmall " id

/* A MESSAGE of BIG_BODY_BYTES ('A', then 'B' ...), with or without content-length. */
static char *
big_message (const char *id, const char *ack, gboolean content_length, gsize *len)
{
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "MESSAGE\nsubscription:default\nmessage-id:%s\nack:%s\n"
                          "destination:/queue/smsrouter.outbox\nSMSDestination:+41791112233\n"
                          "reference:%s\n", id, ack, id);
  if (content_length)
    g_string_append_printf (s, "content-length:%u\n", BIG_BODY_BYTES);
  g_string_append_c (s, '\n');
  for (guint i = 0; i < BIG_BODY_BYTES; i++)
    g_string_append_c (s, 'A' + i / 100);
  *len = s->len + 1;   /* with the NUL */
  return g_string_free (s, FALSE);
}

static void
script_oversized (gpointer data)
{
  FakeBroker *fb = data;
  FakeConn *c = fake_accept (fb);
  fake_login (fb, c);
  gsize len = 0;
  g_autofree char *big1 = big_message ("m-big1", "a-big1", TRUE, &len);
  fake_write (c, big1, len, TRUE);
  fake_write (c, NORMAL ("m-n1", "a-n1"), sizeof NORMAL ("m-n1", "a-n1"), TRUE);
  g_autofree char *big2 = big_message ("m-big2", "a-big2", FALSE, &len);
  fake_write (c, big2, len, TRUE);
  fake_write (c, NORMAL ("m-n2", "a-n2"), sizeof NORMAL ("m-n2", "a-n2"), FALSE);
  fake_expect (fb, c, "DISCONNECT");   /* ACKs and SENDs are reported on the way */
  fake_close (c);
}

/* A body over max-file-size, sent a byte at a time, with and without
 * content-length, does not cost the connection: the MESSAGE is ACKed and
 * becomes a dead letter of class input holding the start of the body, and
 * the MESSAGEs after it are sent. */
static void
test_oversized_byte_by_byte (void)
{
  FaultFixture ff = { 0 };
  fault_setup_full (&ff, script_oversized, 0, NULL, NULL, "max-file-size = 512\n");
  wait_seen (ff.fake, "ACK a-big1");
  wait_seen (ff.fake, "ACK a-n1");
  wait_seen (ff.fake, "ACK a-big2");
  wait_seen (ff.fake, "ACK a-n2");
  g_assert_true (router_fixture_wait_count (&ff.fx, SR_SPOOL_DEAD, 2, 10000));
  g_autoptr(GPtrArray) dead = router_fixture_read_all (&ff.fx, SR_SPOOL_DEAD);
  g_assert_cmpuint (dead->len, ==, 2);
  for (guint i = 0; i < dead->len; i++)
    {
      const char *file = dead->pdata[i];
      g_autofree char *cls = router_fixture_header (file, "X-Error-Class");
      g_autofree char *why = router_fixture_header (file, "X-Error");
      g_autofree char *mid = router_fixture_header (file, "X-Broker-Message-Id");
      g_test_message ("%s: %s", mid, why);
      g_assert_cmpstr (cls, ==, "input");
      g_assert_true (g_str_equal (mid, "m-big1") || g_str_equal (mid, "m-big2"));
      g_assert_nonnull (strstr (why, "700 bytes"));
      g_assert_nonnull (strstr (why, "max-file-size"));
      /* The start of the body is kept, and no more than the limit. */
      const char *body = strstr (file, "\n\n");
      g_assert_nonnull (body);
      g_assert_true (g_str_has_prefix (body + 2, "AAAAAAAAAA"));
      g_assert_cmpuint (strlen (body + 2), <=, 512 + 1);
    }
  g_assert_true (sr_test_sim_wait_stat (ff.fx.sim, "submits", 2, 10000));
  g_assert_cmpuint (files_with_id (&ff, "m-n1") + files_with_id (&ff, "m-n2"), ==, 2);
  guint64 counts[SR_MESSAGE_N_STATES] = { 0 };
  sr_journal_count_states (sr_router_get_journal (ff.fx.router), "default", counts);
  g_assert_cmpuint (counts[SR_MESSAGE_DEAD], ==, 2);
  SrBrokerStatus st;
  sr_broker_get_status (ff.broker, &st);
  g_assert_cmpuint (st.connects, ==, 1);
  g_assert_cmpuint (st.taken, ==, 4);
  g_assert_false (events_contain (&ff, "connection to broker"));
  fault_teardown (&ff);
}

/* ---- ERROR instead of CONNECTED, then a close in the middle of a frame ---- */

static void
script_error_then_cut (gpointer data)
{
  FakeBroker *fb = data;
  fake_refuse_login (fb);
  FakeConn *c = fake_accept (fb);
  fake_login (fb, c);
  static const char half[] = "MESSAGE\nsubscription:default\nmessage-id:m-9\nack:a-9\n\nHal";
  fake_write (c, half, sizeof half - 1, FALSE);
  fake_close (c);
  c = fake_accept (fb);
  fake_login (fb, c);
  fake_expect (fb, c, "DISCONNECT");
  fake_close (c);
}

static void
test_error_and_close_mid_frame (void)
{
  FaultFixture ff = { 0 };
  fault_setup (&ff, script_error_then_cut);
  /* The spool intake works whatever the broker does. */
  g_free (router_fixture_drop (&ff.fx, "To: +41791112255\n\nfrom the spool"));
  wait_seen (ff.fake, "CONNECT");
  wait_seen (ff.fake, "SUBSCRIBE");
  wait_seen (ff.fake, "SUBSCRIBE");   /* a third connection: the bridge came back twice */
  g_assert_true (events_contain (&ff, "login refused"));
  g_assert_true (events_contain (&ff, "in the middle of a frame"));
  g_assert_cmpuint (files_with_id (&ff, "m-9"), ==, 0);
  g_assert_nonnull (sr_test_sim_wait_log (ff.fx.sim, "in", "submit_sm", 1, 10000));
  fault_teardown (&ff);
}

/* ---- a broker that goes silent past the heart-beat ---- */

static void
script_silent (gpointer data)
{
  FakeBroker *fb = data;
  FakeConn *c = fake_accept (fb);
  g_assert_true (fake_expect (fb, c, "CONNECT"));
  static const char connected[] = "CONNECTED\nversion:1.2\nheart-beat:100,100\n\n";
  fake_write (c, connected, sizeof connected, FALSE);
  /* Read (the bridge's heart-beats and SUBSCRIBE) but never answer. */
  fake_expect (fb, c, "DISCONNECT");
  fake_close (c);
  c = fake_accept (fb);
  fake_login (fb, c);
  fake_expect (fb, c, "DISCONNECT");
  fake_close (c);
}

static void
test_heartbeat_silence (void)
{
  FaultFixture ff = { 0 };
  fault_setup_full (&ff, script_silent, 200, NULL, NULL, NULL);
  wait_seen (ff.fake, "SUBSCRIBE");
  wait_seen (ff.fake, "SUBSCRIBE");   /* the bridge gave up on the silent connection and came back */
  g_assert_true (events_contain (&ff, "nothing from the broker"));
  fault_teardown (&ff);
}

/* ---- the spool cannot take the message ---- */

static void
script_write_failure (gpointer data)
{
  FakeBroker *fb = data;
  FakeConn *c = fake_accept (fb);
  fake_login (fb, c);
  g_async_queue_pop (fb->go);
  fake_write (c, MESSAGE ("m-w", "a-w"), sizeof MESSAGE ("m-w", "a-w"), FALSE);
  /* Reads until the bridge hangs up; an ACK would be reported (and fail the test). */
  fake_expect (fb, c, "DISCONNECT");
  g_async_queue_push (fb->seen, g_strdup ("CLOSED"));
  fake_close (c);
  c = fake_accept (fb);
  fake_login (fb, c);
  fake_expect (fb, c, "DISCONNECT");
  fake_close (c);
}

static void
test_write_failure_not_acked (void)
{
  FaultFixture ff = { 0 };
  fault_setup (&ff, script_write_failure);
  wait_seen (ff.fake, "SUBSCRIBE");
  /* The outbox's tmp/ is a file now: the message cannot be written (a
   * folder that is merely gone the spool makes again). */
  g_autofree char *tmp = g_build_filename (ff.fx.spool, "apps", "default", "outbox", "tmp", NULL);
  g_assert_cmpint (g_rmdir (tmp), ==, 0);
  g_assert_true (g_file_set_contents (tmp, "", 0, NULL));
  g_async_queue_push (ff.fake->go, GINT_TO_POINTER (1));
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autofree char *s = g_async_queue_try_pop (ff.fake->seen);
      g_assert_true (g_get_monotonic_time () < end);
      if (s == NULL)
        {
          g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
          continue;
        }
      g_assert_false (g_str_has_prefix (s, "ACK"));
      if (g_str_equal (s, "CLOSED"))
        break;
    }
  wait_seen (ff.fake, "SUBSCRIBE");   /* connected again: the broker will deliver it again */
  g_assert_true (events_contain (&ff, "broker messages wait"));
  g_assert_cmpint (g_unlink (tmp), ==, 0);
  g_assert_cmpint (g_mkdir (tmp, 0770), ==, 0);
  g_assert_cmpuint (files_with_id (&ff, "m-w"), ==, 0);
  SrBrokerStatus st;
  sr_broker_get_status (ff.broker, &st);
  g_assert_cmpuint (st.taken, ==, 0);
  fault_teardown (&ff);
}

/* ---- what the overview reads: down and why, results waiting, then published ---- */

static void
script_refuse_then_confirm (gpointer data)
{
  FakeBroker *fb = data;
  fake_refuse_login (fb);
  g_async_queue_pop (fb->go);   /* the test looked at the bridge while it was down */
  FakeConn *c = fake_accept (fb);
  g_assert_true (fake_expect (fb, c, "CONNECT"));
  fake_write (c, CONNECTED, sizeof CONNECTED, FALSE);
  /* What waited is sent at once, maybe before the SUBSCRIBE. */
  SrStompFrame *f;
  while ((f = fake_read (fb, c)) != NULL && !g_str_equal (f->command, "SEND"))
    sr_stomp_frame_free (f);
  g_assert_nonnull (f);
  g_autofree char *receipt = g_strdup_printf ("RECEIPT\nreceipt-id:%s\n\n",
                                              sr_stomp_frame_get_header (f, "receipt"));
  sr_stomp_frame_free (f);
  fake_write (c, receipt, strlen (receipt) + 1, FALSE);
  fake_expect (fb, c, "DISCONNECT");
  fake_close (c);
}

/* The bridge's queue of @kind (there is one of each here). */
static SrBrokerQueueStatus *
find_queue (GPtrArray *queues, const char *kind)
{
  for (guint i = 0; i < queues->len; i++)
    if (g_str_equal (((SrBrokerQueueStatus *) queues->pdata[i])->kind, kind))
      return queues->pdata[i];
  g_error ("no %s queue", kind);
}

/* Runs the main loop until the failed queue has @published and @waiting. */
static void
wait_failed_queue (FaultFixture *ff, guint64 published, guint64 waiting)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autoptr(GPtrArray) queues = sr_broker_get_queues (ff->broker);
      SrBrokerQueueStatus *q = find_queue (queues, "dead");
      if (q->count == published && q->waiting == waiting)
        return;
      if (g_get_monotonic_time () > end)
        g_error ("the failed queue has %" G_GUINT64_FORMAT " published, %" G_GUINT64_FORMAT
                 " waiting", q->count, q->waiting);
      router_fixture_run (20);
    }
}

static void
test_status_while_down (void)
{
  FaultFixture ff = { 0 };
  fault_setup (&ff, script_refuse_then_confirm);
  wait_seen (ff.fake, "CONNECT");
  /* A dead letter for the failed queue while the broker refuses the login. */
  g_free (router_fixture_drop (&ff.fx, "To: no number\n\nnever sent"));
  g_assert_true (router_fixture_wait_count (&ff.fx, SR_SPOOL_DEAD, 1, 10000));
  wait_failed_queue (&ff, 0, 1);
  SrBrokerStatus st;
  sr_broker_get_status (ff.broker, &st);
  g_assert_cmpint (st.state, !=, SR_STOMP_STATE_CONNECTED);
  g_assert_true (st.failing);
  g_assert_cmpint (st.since, >, 0);
  g_assert_nonnull (strstr (st.last_event, "login refused"));
  g_assert_cmpstr (st.host, ==, "127.0.0.1");
  g_assert_cmpuint (st.port, ==, ff.fake->port);
  gint64 down_since = st.since;
  g_autoptr(GPtrArray) queues = sr_broker_get_queues (ff.broker);
  g_assert_cmpstr (find_queue (queues, "outbox")->queue, ==, "/queue/smsrouter.outbox");
  g_assert_cmpuint (find_queue (queues, "outbox")->count, ==, 0);
  g_assert_cmpuint (find_queue (queues, "receipt")->waiting, ==, 0);

  /* Logged in: the dead letter is sent, and counted once the RECEIPT came. */
  g_async_queue_push (ff.fake->go, GINT_TO_POINTER (1));
  wait_failed_queue (&ff, 1, 0);
  sr_broker_get_status (ff.broker, &st);
  g_assert_cmpint (st.state, ==, SR_STOMP_STATE_CONNECTED);
  g_assert_false (st.failing);
  g_assert_cmpint (st.since, >, down_since);
  g_assert_nonnull (strstr (st.last_event, "connected to broker"));
  fault_teardown (&ff);
}

/* ---- a reload moves a subscription without reconnecting ---- */

static void
script_reload (gpointer data)
{
  FakeBroker *fb = data;
  FakeConn *c = fake_accept (fb);
  fake_login (fb, c);
  g_assert_true (fake_expect (fb, c, "UNSUBSCRIBE"));
  g_assert_true (fake_expect (fb, c, "SUBSCRIBE"));
  fake_write (c, "MESSAGE\nsubscription:default\nmessage-id:m-r\nack:a-r\n"
              "destination:/queue/new.out\nto:+41791112233\n\nafter the reload",
              sizeof "MESSAGE\nsubscription:default\nmessage-id:m-r\nack:a-r\n"
              "destination:/queue/new.out\nto:+41791112233\n\nafter the reload", FALSE);
  g_assert_true (fake_expect (fb, c, "ACK"));
  fake_expect (fb, c, "DISCONNECT");
  fake_close (c);
}

static void
test_reload_moves_subscription (void)
{
  FaultFixture ff = { 0 };
  fault_setup (&ff, script_reload);
  wait_seen (ff.fake, "SUBSCRIBE /queue/smsrouter.outbox");
  g_autofree char *text = g_strdup_printf ("[router]\nspool = %s\nregion = CH\nrescan-interval = 1\n"
                                           "[smpp:main]\nhost = 127.0.0.1\nport = %u\n"
                                           "system-id = router\npassword = secret\n"
                                           "[app:default]\nfrom = +41791234560\n"
                                           "outbox-queue = /queue/new.out\n"
                                           "[broker]\nenabled = yes\nport = %u\nlogin = router\n"
                                           "passcode = " PASSCODE "\nheart-beat = 0\n",
                                           ff.fx.spool, sr_test_sim_port (ff.fx.sim), ff.fake->port);
  g_autoptr(GError) error = NULL;
  SrConfig *config = sr_config_load_data (text, strlen (text), "reload", &error);
  g_assert_no_error (error);
  g_assert_true (sr_router_reload (ff.fx.router, config, &error));
  g_assert_no_error (error);
  g_assert_true (sr_broker_reload (ff.broker, &error));
  g_assert_no_error (error);
  wait_seen (ff.fake, "UNSUBSCRIBE default");
  wait_seen (ff.fake, "SUBSCRIBE /queue/new.out");
  wait_seen (ff.fake, "ACK a-r");
  SrBrokerStatus st;
  sr_broker_get_status (ff.broker, &st);
  g_assert_cmpuint (st.connects, ==, 1);
  g_assert_cmpuint (st.taken, ==, 1);
  fault_teardown (&ff);
}

/* ---- TLS: the certificate is checked unless tls-verify = no ---- */

static void
script_tls_ok (gpointer data)
{
  FakeBroker *fb = data;
  FakeConn *c = fake_accept (fb);
  g_assert_nonnull (c->io);
  fake_login (fb, c);
  fake_write (c, MESSAGE ("m-t", "a-t"), sizeof MESSAGE ("m-t", "a-t"), FALSE);
  g_assert_true (fake_expect (fb, c, "ACK"));
  fake_expect (fb, c, "DISCONNECT");
  fake_close (c);
}

static void
script_tls_refused (gpointer data)
{
  FakeBroker *fb = data;
  FakeConn *c = fake_accept (fb);
  g_assert_null (c->io);   /* the bridge refused the self-signed certificate */
  fake_close (c);
}

static void
test_tls (gconstpointer data)
{
  gboolean verify = GPOINTER_TO_INT (data);
  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("no TLS backend (glib-networking) installed");
      return;
    }
  g_autofree char *pem = g_build_filename (SR_TEST_SRCDIR, "smpp", "tls-test.pem", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) cert = g_tls_certificate_new_from_file (pem, &error);
  g_assert_no_error (error);
  FaultFixture ff = { 0 };
  fault_setup_full (&ff, verify ? script_tls_refused : script_tls_ok, 0, cert,
                    verify ? "tls = yes\n" : "tls = yes\ntls-verify = no\n", NULL);
  if (verify)
    {
      wait_seen (ff.fake, "HANDSHAKE-FAILED");
      gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
      while (!events_contain (&ff, "cannot connect to broker") && g_get_monotonic_time () < end)
        g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
      g_assert_true (events_contain (&ff, "cannot connect to broker"));
    }
  else
    {
      wait_seen (ff.fake, "ACK a-t");
      g_assert_cmpuint (files_with_id (&ff, "m-t"), ==, 1);
    }
  fault_teardown (&ff);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/broker/faults/byte-by-byte-and-redelivery", test_byte_by_byte_and_redelivery);
  g_test_add_func ("/broker/faults/error-and-close-mid-frame", test_error_and_close_mid_frame);
  g_test_add_func ("/broker/faults/oversized-byte-by-byte", test_oversized_byte_by_byte);
  g_test_add_func ("/broker/faults/reload-moves-subscription", test_reload_moves_subscription);
  g_test_add_func ("/broker/faults/status-while-down", test_status_while_down);
  g_test_add_func ("/broker/faults/heartbeat-silence", test_heartbeat_silence);
  g_test_add_func ("/broker/faults/write-failure-not-acked", test_write_failure_not_acked);
  g_test_add_data_func ("/broker/faults/tls", GINT_TO_POINTER (FALSE), test_tls);
  g_test_add_data_func ("/broker/faults/tls-verify-refuses-self-signed", GINT_TO_POINTER (TRUE), test_tls);
  return g_test_run ();
}
