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

#include <signal.h>
#include <stdlib.h>
#include <string.h>

static ActiveMQ *mq;

/* The router fixture plus the bridge. */
typedef struct {
  RouterFixture fx;
  SrBroker *broker;
} BrokerFixture;

static void
broker_setup_full (BrokerFixture *bf, const char *const *sim_args, const char *router_extra,
                   const char *app_extra, const char *broker_extra)
{
  static const char *const default_sim_args[] = { "--receipt-delay", "300", NULL };
  if (sim_args == NULL)
    sim_args = default_sim_args;
  g_autofree char *tail = g_strdup_printf ("\n[broker]\nenabled = yes\nport = %u\nheart-beat = 2000\n%s\n",
                                           mq->port, broker_extra ? broker_extra : "");
  router_fixture_setup (&bf->fx, sim_args, router_extra, NULL, app_extra, tail);
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
broker_setup (BrokerFixture *bf, const char *app_extra, const char *broker_extra)
{
  broker_setup_full (bf, NULL, NULL, app_extra, broker_extra);
}

static void
broker_teardown (BrokerFixture *bf)
{
  g_clear_pointer (&bf->broker, sr_broker_free);
  router_fixture_teardown (&bf->fx);
}

/* The bridge's counters once @taken MESSAGEs are ACKed: the ACK follows the
 * sync, which a busy disk may make take a while after the router has sent
 * the message. */
static SrBrokerStatus
wait_taken (BrokerFixture *bf, guint64 taken)
{
  SrBrokerStatus st;
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  sr_broker_get_status (bf->broker, &st);
  while (st.taken < taken && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
      sr_broker_get_status (bf->broker, &st);
    }
  return st;
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
  SrBrokerStatus st = wait_taken (&bf, 1);
  g_assert_cmpuint (st.taken, ==, 1);
  g_assert_cmpuint (st.published, >=, 2);
  broker_teardown (&bf);
}

/* Bad input is never dropped: no number, a bad number and an unknown app
 * each end on the failed queue with the error class and reason, and the
 * first two are dead letters of the app.  A dead letter an application
 * wrote into the spool with a header the broker acts on (content-length)
 * is published without it. */
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
  g_free (router_fixture_drop (&bf.fx, "To: nonsense\ncontent-length: 3\nReference: bad-4\n\nhello world"));

  g_autoptr(GPtrArray) failed = stomp_app_receive (mq->port, "/queue/smsrouter.outbox.failed", 4, 20);
  g_assert_cmpuint (failed->len, ==, 4);
  gboolean seen[4] = { FALSE };
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
      if (g_str_equal (ref, "bad-4"))
        g_assert_cmpstr (json_object_get_string_member (f, "body"), ==, "hello world");
      seen[ref[4] - '1'] = TRUE;
      g_assert_cmpstr (json_object_get_string_member (f, "body"), !=, "");
    }
  g_assert_true (seen[0] && seen[1] && seen[2] && seen[3]);
  g_assert_cmpuint (router_fixture_count (&bf.fx, SR_SPOOL_DEAD), ==, 3);
  g_assert_cmpint (sr_test_sim_stat (bf.fx.sim, "submits"), ==, 0);
  broker_teardown (&bf);
}

/* The SMSC ids the simulator gave, in the order of the submits. */
static GPtrArray *
smsc_ids (SrTestSim *sim, guint n)
{
  g_autoptr(GPtrArray) log = sr_test_sim_wait_log (sim, "out", "submit_sm_resp", n, 15000);
  g_assert_nonnull (log);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < log->len; i++)
    g_ptr_array_add (ids, g_strdup (sr_test_log_str (log->pdata[i], "message_id")));
  return ids;
}

/* The receipts queue gets one message per message, once it is final: not the
 * intermediate receipts (ENROUTE) nor one per part of a long message; that
 * one carries the SMSC id of every part.  The spool keeps every receipt file. */
static void
test_final_receipts_only (void)
{
  BrokerFixture bf = { 0 };
  const char *sim_args[] = { "--receipt-stat", "ENROUTE", "--log-sent", NULL };
  broker_setup_full (&bf, sim_args, NULL, NULL, NULL);
  g_autofree char *long_text = g_strnfill (200, 'x');   /* two parts */
  const char *send[] = { "send", "/queue/smsrouter.outbox", long_text,
                         "SMSDestination=+41791112233", "reference=long-1", NULL };
  g_free (stomp_app (mq->port, send));
  g_autoptr(GPtrArray) ids = smsc_ids (bf.fx.sim, 2);
  g_assert_cmpuint (ids->len, ==, 2);
  /* Both parts report ENROUTE; then the first part is delivered. */
  g_assert_true (router_fixture_wait_count (&bf.fx, SR_SPOOL_RECEIPTS_NEW, 2, 15000));
  g_autofree char *cmd1 = g_strdup_printf ("receipt %s DELIVRD", (char *) ids->pdata[0]);
  g_free (sr_test_sim_command (bf.fx.sim, cmd1));
  g_assert_true (router_fixture_wait_count (&bf.fx, SR_SPOOL_RECEIPTS_NEW, 3, 15000));
  g_autoptr(GPtrArray) early = stomp_app_receive (mq->port, "/queue/smsrouter.receipts", 1, 3);
  g_assert_cmpuint (early->len, ==, 0);

  /* The last part's final receipt completes the message. */
  g_autofree char *cmd2 = g_strdup_printf ("receipt %s DELIVRD", (char *) ids->pdata[1]);
  g_free (sr_test_sim_command (bf.fx.sim, cmd2));
  g_autoptr(GPtrArray) receipts = stomp_app_receive (mq->port, "/queue/smsrouter.receipts", 1, 20);
  g_assert_cmpuint (receipts->len, ==, 1);
  JsonObject *r = receipts->pdata[0];
  g_autofree char *both = g_strdup_printf ("%s, %s", (char *) ids->pdata[0], (char *) ids->pdata[1]);
  g_assert_cmpstr (header (r, "Reference"), ==, "long-1");
  g_assert_cmpstr (header (r, "To"), ==, "+41791112233");
  g_assert_cmpstr (header (r, "SMSC-Id"), ==, both);
  g_assert_cmpstr (header (r, "Status"), ==, "DELIVRD");
  g_assert_cmpstr (header (r, "Parts"), ==, "2");
  g_assert_cmpstr (header (r, "Part-Status"), ==, "DELIVRD, DELIVRD");
  g_assert_cmpstr (header (r, "Final"), ==, "yes");
  g_assert_cmpstr (header (r, "Message-Status"), ==, "delivered");
  g_assert_nonnull (header (r, "Submitted"));
  g_assert_nonnull (header (r, "Done"));
  g_assert_nonnull (header (r, "Error"));
  /* A receipt that comes after the end does not make a second one. */
  g_free (sr_test_sim_command (bf.fx.sim, cmd2));
  g_autofree char *enroute = g_strdup_printf ("receipt %s ENROUTE", (char *) ids->pdata[0]);
  g_free (sr_test_sim_command (bf.fx.sim, enroute));
  g_assert_true (router_fixture_wait_count (&bf.fx, SR_SPOOL_RECEIPTS_NEW, 5, 15000));
  g_autoptr(GPtrArray) late = stomp_app_receive (mq->port, "/queue/smsrouter.receipts", 1, 3);
  g_assert_cmpuint (late->len, ==, 0);
  broker_teardown (&bf);
}

/* A MESSAGE whose body is over max-file-size (and over the 1 MiB the frame
 * reader once held at most) costs neither the connection nor the messages
 * behind it: it lands once on the failed queue and once in dead/, with
 * class input, a reason and the start of its body, and is ACKed. */
static void
test_oversized (void)
{
  BrokerFixture bf = { 0 };
  const char *sim_args[] = { "--no-receipts", NULL };
  broker_setup_full (&bf, sim_args, "max-file-size = 4096\n", NULL, NULL);
  const char *big[] = { "send", "/queue/smsrouter.outbox", "@1500000", "SMSDestination=+41791112233",
                        "reference=big-1", NULL };
  g_autofree char *out = stomp_app (mq->port, big);
  g_assert_nonnull (out);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *text = g_strdup_printf ("after the big one %u", i);
      g_autofree char *ref = g_strdup_printf ("reference=small-%u", i);
      const char *send[] = { "send", "/queue/smsrouter.outbox", text, "SMSDestination=+41791112233",
                             ref, NULL };
      g_free (stomp_app (mq->port, send));
    }
  g_assert_true (sr_test_sim_wait_stat (bf.fx.sim, "submits", 3, 20000));

  g_autoptr(GPtrArray) failed = stomp_app_receive (mq->port, "/queue/smsrouter.outbox.failed", 1, 20);
  g_assert_cmpuint (failed->len, ==, 1);
  JsonObject *f = failed->pdata[0];
  g_assert_cmpstr (header (f, "Reference"), ==, "big-1");
  g_assert_cmpstr (header (f, "X-Error-Class"), ==, "input");
  g_test_message ("X-Error: %s", header (f, "X-Error"));
  g_assert_nonnull (strstr (header (f, "X-Error"), "1500000 bytes"));
  const char *body = json_object_get_string_member (f, "body");
  g_assert_true (g_str_has_prefix (body, "AAAAAAAAAA"));
  g_assert_cmpuint (strlen (body), <=, 4096);
  /* Once: nothing more comes, and the broker does not deliver it again. */
  g_autoptr(GPtrArray) again = stomp_app_receive (mq->port, "/queue/smsrouter.outbox.failed", 1, 3);
  g_assert_cmpuint (again->len, ==, 0);
  g_assert_cmpuint (router_fixture_count (&bf.fx, SR_SPOOL_DEAD), ==, 1);
  g_assert_cmpint (sr_test_sim_stat (bf.fx.sim, "submits"), ==, 3);
  SrBrokerStatus st = wait_taken (&bf, 4);
  g_assert_cmpuint (st.connects, ==, 1);
  g_assert_cmpuint (st.taken, ==, 4);
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

/* ---- several routers on one queue ---- */

/* A router daemon as a separate process, so that it can be killed. */
typedef struct {
  char *config;
  char *log;
  GSubprocess *process;
} Daemon;

static void
daemon_start (Daemon *d)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_stderr_file_path (l, d->log);
  g_subprocess_launcher_setenv (l, "SR_LOG_STDERR", "1", TRUE);
  g_subprocess_launcher_set_child_setup (l, fixture_die_with_parent, NULL, NULL);
  d->process = g_subprocess_launcher_spawn (l, &error, g_getenv ("SR_ROUTER"), "--daemon",
                                            "--config", d->config, NULL);
  g_assert_no_error (error);
}

static void
daemon_setup (Daemon *d, const char *dir, const char *name, guint16 sim_port)
{
  g_autofree char *spool = g_build_filename (dir, name, NULL);
  g_autofree char *text = g_strdup_printf ("[router]\nspool = %s\nregion = CH\nrescan-interval = 1\n"
                                           "[smpp:main]\nhost = 127.0.0.1\nport = %u\nsystem-id = %s\n"
                                           "password = secret\nreconnect-max = 2\nwindow = 10\n"
                                           "[app:default]\nfrom = +41791234560\n"
                                           "[broker]\nenabled = yes\nport = %u\nprefetch = 10\n"
                                           "heart-beat = 1000\nreconnect-max = 1\n"
                                           "[policy]\nmax-per-destination-hour = 0\n"
                                           "max-per-destination-day = 0\n",
                                           spool, sim_port, name, mq->port);
  g_autofree char *file = g_strconcat (name, ".conf", NULL);
  d->config = g_build_filename (dir, file, NULL);
  g_autofree char *log = g_strconcat (name, ".log", NULL);
  d->log = g_build_filename (dir, log, NULL);
  g_assert_true (g_file_set_contents_full (d->config, text, -1, G_FILE_SET_CONTENTS_NONE, 0600, NULL));
  daemon_start (d);
}

static void
daemon_stop (Daemon *d)
{
  g_subprocess_send_signal (d->process, SIGTERM);
  g_subprocess_wait (d->process, NULL, NULL);
  g_clear_object (&d->process);
  g_free (d->config);
  g_free (d->log);
}

/* Counts each "msg-I" the SMSC received; returns how many distinct I there are. */
static guint
count_received (SrTestSim *sim, guint n, guint *copies)
{
  g_autoptr(GPtrArray) log = sr_test_sim_read_log (sim);
  g_autoptr(GPtrArray) submits = sr_test_sim_log_filter (log, "in", "submit_sm");
  memset (copies, 0, n * sizeof *copies);
  for (guint i = 0; i < submits->len; i++)
    {
      const char *h = sr_test_log_str (submits->pdata[i], "short_message");
      g_autoptr(GString) text = g_string_new (NULL);
      for (const char *p = h; p && p[0] && p[1]; p += 2)
        {
          char byte[3] = { p[0], p[1], 0 };
          g_string_append_c (text, (char) strtol (byte, NULL, 16));
        }
      guint64 idx = 0;
      if (g_str_has_prefix (text->str, "msg-")
          && g_ascii_string_to_unsigned (text->str + 4, 10, 0, n - 1, &idx, NULL))
        copies[idx]++;
    }
  guint distinct = 0;
  for (guint i = 0; i < n; i++)
    distinct += copies[i] > 0;
  return distinct;
}

/* Two routers consume one queue; one is killed with SIGKILL while it works
 * and started again: every message reaches the SMSC, duplicates are bounded
 * by the prefetch. */
static void
test_two_routers_kill (void)
{
  enum { N = 400, PREFETCH = 10 };
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--no-receipts", NULL);
  g_autofree char *dir = g_dir_make_tmp ("sr-broker-two-XXXXXX", NULL);
  Daemon a = { 0 }, b = { 0 };
  daemon_setup (&a, dir, "alpha", sr_test_sim_port (sim));
  daemon_setup (&b, dir, "beta", sr_test_sim_port (sim));
  g_autofree char *count = g_strdup_printf ("%u", N);
  const char *send[] = { "send-many", "/queue/smsrouter.outbox", count, "+41791112233", NULL };
  g_autofree char *out = stomp_app (mq->port, send);
  g_assert_nonnull (out);

  /* Kill alpha in the middle of the stream. */
  if (!sr_test_sim_wait_stat (sim, "submits", N / 4, 30000))
    {
      g_autofree char *la = NULL, *lb = NULL;
      g_file_get_contents (a.log, &la, NULL, NULL);
      g_file_get_contents (b.log, &lb, NULL, NULL);
      g_error ("the routers did not submit %u messages:\n%s\n%s", N / 4, la, lb);
    }
  g_subprocess_send_signal (a.process, SIGKILL);
  g_subprocess_wait (a.process, NULL, NULL);
  g_clear_object (&a.process);
  daemon_start (&a);

  guint copies[N];
  guint distinct = 0;
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while ((distinct = count_received (sim, N, copies)) < N && g_get_monotonic_time () < end)
    g_usleep (200 * 1000);
  guint duplicates = 0;
  for (guint i = 0; i < N; i++)
    {
      if (copies[i] == 0)
        g_test_message ("msg-%u never reached the SMSC", i);
      duplicates += copies[i] > 1 ? copies[i] - 1 : 0;
    }
  g_test_message ("%u messages, %u distinct at the SMSC, %u duplicates", N, distinct, duplicates);
  g_assert_cmpuint (distinct, ==, N);
  /* The MESSAGEs alpha had written but not ACKed (at most its prefetch) plus
   * the parts it had in flight at the SMSC (at most its window). */
  g_assert_cmpuint (duplicates, <=, PREFETCH + 10);
  daemon_stop (&a);
  daemon_stop (&b);
  fixture_rm_rf (dir);
}

/* The console's Overview and Log view show the bridge and the HTTP front
 * end, attached and embedded, in a real terminal: a tmux script run on
 * this program's broker. */
static void
test_console_front_ends (void)
{
  g_autofree char *tmux = g_find_program_in_path ("tmux");
  g_autofree char *curl = g_find_program_in_path ("curl");
  if (tmux == NULL || curl == NULL)
    {
      g_test_skip ("tmux or curl is not installed");
      return;
    }
  g_autofree char *script = g_build_filename (SR_TEST_SRCDIR, "console", "test-front-ends-tty.sh", NULL);
  g_autofree char *port = g_strdup_printf ("%u", mq->port);
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "SR_ACTIVEMQ_PORT", port, TRUE);
  const char *argv[] = { "/bin/sh", script, g_getenv ("SR_ROUTER"), NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  g_autoptr(GError) error = NULL;
  g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_test_message ("%s%s", out, err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
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
  g_test_add_func ("/broker/activemq/oversized", test_oversized);
  g_test_add_func ("/broker/activemq/final-receipts-only", test_final_receipts_only);
  g_test_add_func ("/broker/activemq/two-routers-kill", test_two_routers_kill);
  g_test_add_func ("/broker/activemq/console-front-ends", test_console_front_ends);
  int rc = g_test_run ();
  activemq_stop (mq);
  return rc;
}
