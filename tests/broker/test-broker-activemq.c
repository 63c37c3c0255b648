/* test-broker-activemq.c — the bridge against a real ActiveMQ.
 *
 * One private ActiveMQ (started once for all cases: the JVM takes seconds),
 * an in-process router with the bridge, the SMSC simulator, and an
 * application written with stomp.py the way the original project's clients
 * were: SEND to /queue/smsrouter.outbox with SMSDestination / SMSOrigin,
 * persistent, inside a transaction.
 */
#include "activemq-fixture.h"
#include "router-fixture.h"
#include "sr-broker.h"

#include <string.h>

static ActiveMQ *mq;

/* The router fixture plus the bridge. */
typedef struct {
  RouterFixture fx;
  SrBroker *broker;
} BrokerFixture;

static void
broker_setup (BrokerFixture *bf, const char *app_extra, const char *broker_extra)
{
  const char *sim_args[] = { "--receipt-delay", "300", NULL };
  g_autofree char *tail = g_strdup_printf ("\n[broker]\nenabled = yes\nport = %u\nheart-beat = 2000\n%s\n",
                                           mq->port, broker_extra ? broker_extra : "");
  router_fixture_setup (&bf->fx, sim_args, NULL, NULL, app_extra, tail);
  g_autoptr(GError) error = NULL;
  SrBrokerOptions options = { .scan_ms = 100, .reconnect_min_ms = 200 };
  bf->broker = sr_broker_new (bf->fx.router, &options, &error);
  g_assert_no_error (error);
  sr_broker_start (bf->broker);
  /* Connected and subscribed before the application starts sending. */
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  SrBrokerStatus st;
  do
    {
      g_main_context_iteration (NULL, TRUE);
      sr_broker_get_status (bf->broker, &st);
    }
  while (st.state != SR_STOMP_STATE_CONNECTED && g_get_monotonic_time () < end);
  g_assert_cmpint (st.state, ==, SR_STOMP_STATE_CONNECTED);
}

static void
broker_teardown (BrokerFixture *bf)
{
  g_clear_pointer (&bf->broker, sr_broker_free);
  router_fixture_teardown (&bf->fx);
}

static const char *
header (JsonObject *frame, const char *name)
{
  JsonObject *h = json_object_get_object_member (frame, "headers");
  return json_object_has_member (h, name) ? json_object_get_string_member (h, name) : NULL;
}

static char *
hex (const char *s)
{
  GString *out = g_string_new (NULL);
  for (; *s; s++)
    g_string_append_printf (out, "%02x", (guchar) *s);
  return g_string_free (out, FALSE);
}

/* The original client's message reaches the SMSC; its receipt comes back on
 * the receipts queue with the reference and the SMSC id; an MO for the app
 * comes out on its inbox queue. */
static void
test_end_to_end (void)
{
  BrokerFixture bf = { 0 };
  broker_setup (&bf, NULL, NULL);
  const char *send[] = { "send", "/queue/smsrouter.outbox", "Hello over ActiveMQ",
                         "SMSDestination=+41791112233", "SMSOrigin=+41795556677",
                         "reference=order-4711", NULL };
  g_autofree char *out = stomp_app (mq->port, send);
  g_assert_nonnull (out);

  g_autoptr(GPtrArray) log = sr_test_sim_wait_log (bf.fx.sim, "in", "submit_sm", 1, 15000);
  g_assert_nonnull (log);
  JsonObject *e = g_ptr_array_index (log, 0);
  g_assert_cmpstr (sr_test_log_str (e, "destination_addr"), ==, "41791112233");
  g_assert_cmpstr (sr_test_log_str (e, "source_addr"), ==, "41795556677");
  g_autofree char *text_hex = hex ("Hello over ActiveMQ");
  g_assert_cmpstr (sr_test_log_str (e, "short_message"), ==, text_hex);

  /* The file carries the broker's message id. */
  g_assert_true (router_fixture_wait_count (&bf.fx, SR_SPOOL_SENT, 1, 10000));
  g_autoptr(GPtrArray) sent = router_fixture_read_all (&bf.fx, SR_SPOOL_SENT);
  g_autofree char *mid = router_fixture_header (sent->pdata[0], "X-Broker-Message-Id");
  g_assert_nonnull (mid);
  g_assert_cmpstr (mid, !=, "");
  g_autofree char *smsc_id = router_fixture_header (sent->pdata[0], "X-SMSC-Id");

  g_autoptr(GPtrArray) receipts = stomp_app_receive (mq->port, "/queue/smsrouter.receipts", 1, 20);
  g_assert_cmpuint (receipts->len, >=, 1);
  JsonObject *r = receipts->pdata[0];
  g_assert_cmpstr (header (r, "Reference"), ==, "order-4711");
  g_assert_cmpstr (header (r, "SMSC-Id"), ==, smsc_id);
  g_assert_cmpstr (header (r, "Status"), ==, "DELIVRD");
  g_assert_cmpstr (header (r, "sms-router-kind"), ==, "receipt");
  g_assert_nonnull (header (r, "sms-router-id"));
  g_assert_cmpstr (header (r, "persistent"), ==, "true");

  sr_test_sim_mo (bf.fx.sim, "from=+41791111111,to=+41791234560,text=Hello back");
  g_autoptr(GPtrArray) inbox = stomp_app_receive (mq->port, "/queue/smsrouter.inbox", 1, 20);
  g_assert_cmpuint (inbox->len, ==, 1);
  g_assert_cmpstr (header (inbox->pdata[0], "From"), ==, "+41791111111");
  g_assert_cmpstr (json_object_get_string_member (inbox->pdata[0], "body"), ==, "Hello back");

  /* The queues are an additional channel: the files stay in the spool. */
  g_assert_cmpuint (router_fixture_count (&bf.fx, SR_SPOOL_RECEIPTS_NEW), >=, 1);
  g_assert_cmpuint (router_fixture_count (&bf.fx, SR_SPOOL_INBOX_NEW), ==, 1);
  SrBrokerStatus st;
  sr_broker_get_status (bf.broker, &st);
  g_assert_cmpuint (st.taken, ==, 1);
  g_assert_cmpuint (st.published, >=, 2);
  broker_teardown (&bf);
}

/* Bad input is never dropped: no number, a bad number and an unknown app
 * each end on the failed queue with the error class and reason, and the
 * first two are dead letters of the app. */
static void
test_bad_input (void)
{
  BrokerFixture bf = { 0 };
  broker_setup (&bf, NULL, NULL);
  const char *no_number[] = { "send", "/queue/smsrouter.outbox", "no number", "reference=bad-1", NULL };
  const char *bad_number[] = { "send", "/queue/smsrouter.outbox", "bad number",
                               "SMSDestination=+41 12", "reference=bad-2", NULL };
  const char *unknown_app[] = { "send", "/queue/smsrouter.outbox", "who am I",
                                "SMSDestination=+41791112233", "app=nosuchapp", "reference=bad-3", NULL };
  g_free (stomp_app (mq->port, no_number));
  g_free (stomp_app (mq->port, bad_number));
  g_free (stomp_app (mq->port, unknown_app));

  g_autoptr(GPtrArray) failed = stomp_app_receive (mq->port, "/queue/smsrouter.outbox.failed", 3, 20);
  g_assert_cmpuint (failed->len, ==, 3);
  gboolean seen[3] = { FALSE };
  for (guint i = 0; i < failed->len; i++)
    {
      JsonObject *f = failed->pdata[i];
      const char *ref = header (f, "Reference") ? header (f, "Reference") : header (f, "reference");
      g_assert_nonnull (ref);
      g_assert_cmpstr (header (f, "X-Error-Class"), ==, "input");
      g_assert_nonnull (header (f, "X-Error"));
      g_test_message ("%s: %s", ref, header (f, "X-Error"));
      if (g_str_equal (ref, "bad-3"))
        g_assert_nonnull (strstr (header (f, "X-Error"), "nosuchapp"));
      seen[ref[4] - '1'] = TRUE;
      g_assert_cmpstr (json_object_get_string_member (f, "body"), !=, "");
    }
  g_assert_true (seen[0] && seen[1] && seen[2]);
  g_assert_cmpuint (router_fixture_count (&bf.fx, SR_SPOOL_DEAD), ==, 2);
  g_assert_cmpint (sr_test_sim_stat (bf.fx.sim, "submits"), ==, 0);
  broker_teardown (&bf);
}

/* Per-app queues: an app with its own outbox queue and receipts queue. */
static void
test_app_queues (void)
{
  BrokerFixture bf = { 0 };
  broker_setup (&bf, "outbox-queue = /queue/billing.out\nreceipts-queue = /queue/billing.receipts\n", NULL);
  const char *send[] = { "send", "/queue/billing.out", "Invoice ready",
                         "to=+41791112244", "reference=inv-1", NULL };
  g_free (stomp_app (mq->port, send));
  g_autoptr(GPtrArray) receipts = stomp_app_receive (mq->port, "/queue/billing.receipts", 1, 20);
  g_assert_cmpuint (receipts->len, >=, 1);
  g_assert_cmpstr (header (receipts->pdata[0], "Reference"), ==, "inv-1");
  broker_teardown (&bf);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autofree char *why = NULL;
  if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    why = g_strdup ("/usr/bin/python3 (with python3-stomp) is not installed");
  else
    mq = activemq_start (&why);
  if (mq == NULL)
    {
      g_test_skip (why);
      return g_test_run ();
    }
  g_test_add_func ("/broker/activemq/end-to-end", test_end_to_end);
  g_test_add_func ("/broker/activemq/bad-input", test_bad_input);
  g_test_add_func ("/broker/activemq/app-queues", test_app_queues);
  int rc = g_test_run ();
  activemq_stop (mq);
  return rc;
}
