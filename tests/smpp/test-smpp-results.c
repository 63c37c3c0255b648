/* test-smpp-results.c — what the router does with the SMSC's flow-control
 * and late answers, end to end against the simulator binary:
 * ESME_RMSGQFUL for one destination, ESME_RTHROTTLED on a few percent of
 * submits, submit_sm_resp after the response timeout. */
#include <string.h>

#include "../integration/router-fixture.h"

static void
drop_many (RouterFixture *fx, guint n, const char *prefix)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *file = g_strdup_printf ("To: %s%03u\nReference: m-%u\n\nMessage %u\n",
                                               prefix, i, i, i);

      g_free (router_fixture_drop (fx, file));
    }
}

/* Submits per second between the first and the last of @submits. */
static double
submit_rate (GPtrArray *submits)
{
  gint64 first = sr_test_log_int (g_ptr_array_index (submits, 0), "time_us");
  gint64 last = sr_test_log_int (g_ptr_array_index (submits, submits->len - 1), "time_us");

  g_assert_cmpint (last, >, first);
  return (submits->len - 1) / ((last - first) / 1e6);
}

static GPtrArray *
submits_to (GPtrArray *log, const char *prefix, gboolean matching)
{
  g_autoptr(GPtrArray) all = sr_test_sim_log_filter (log, "in", "submit_sm");
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  for (guint i = 0; i < all->len; i++)
    {
      JsonObject *o = g_ptr_array_index (all, i);

      if (g_str_has_prefix (sr_test_log_str (o, "destination_addr"), prefix) == matching)
        g_ptr_array_add (out, json_object_ref (o));
    }
  return out;
}

/* One destination whose queue at the SMSC is full: its message backs off
 * and ends in dead/ after max-attempts; the others go at the configured
 * rate meanwhile (the bind is not paused for it). */
static void
test_queue_full (void)
{
  const char *sim_args[] = { "--reject-prefix", "+4479=ESME_RMSGQFUL", NULL };
  RouterFixture fx;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GPtrArray) full = NULL;
  g_autoptr(GPtrArray) others = NULL;
  g_autoptr(GPtrArray) dead = NULL;
  g_autofree char *klass = NULL;
  g_autofree char *why = NULL;
  double rate;

  router_fixture_setup_no_start (&fx, sim_args, "max-attempts = 3\nretry-delay = 1",
                                 "throughput = 100", NULL, NULL);
  g_free (router_fixture_drop (&fx, "To: +447911123456\nReference: full\n\nHi\n"));
  drop_many (&fx, 300, "+41791234");
  router_fixture_start (&fx);
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 300, 30000));
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_DEAD, 1, 15000));

  log = sr_test_sim_read_log (fx.sim);
  full = submits_to (log, "4479", TRUE);
  others = submits_to (log, "4479", FALSE);
  /* max-attempts = 3: three submits, then the dead letter */
  g_assert_cmpuint (full->len, ==, 3);
  g_assert_cmpuint (others->len, ==, 300);
  rate = submit_rate (others);
  g_test_message ("300 submits to other destinations at %.1f/s (throughput 100)", rate);
  g_assert_cmpfloat (rate, >=, 70.0);

  dead = router_fixture_read_all (&fx, SR_SPOOL_DEAD);
  klass = router_fixture_header (g_ptr_array_index (dead, 0), "X-Error-Class");
  why = router_fixture_header (g_ptr_array_index (dead, 0), "X-Error");
  g_assert_cmpstr (klass, ==, "retries-exhausted");
  g_assert_nonnull (strstr (why, "ESME_RMSGQFUL"));
  g_assert_nonnull (strstr (why, "3 attempts"));
  router_fixture_teardown (&fx);
}

/* 2 % of submits throttled at 200/s configured: the pause adapts, the
 * achieved rate stays near the configured one, and the bind reports it. */
static void
test_throttle_rate (void)
{
  const char *sim_args[] = { "--throttle-every", "50", NULL };
  RouterFixture fx;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GPtrArray) submits = NULL;
  SrRouterStatus status;
  SrRouterBindStatus *bind;
  gint64 throttled;
  double rate;

  router_fixture_setup_no_start (&fx, sim_args, NULL, "throughput = 200", NULL, NULL);
  drop_many (&fx, 600, "+41791234");
  router_fixture_start (&fx);
  g_assert_nonnull (sr_test_sim_wait_log (fx.sim, "in", "submit_sm", 300, 30000));
  sr_router_get_status (fx.router, &status);
  bind = g_ptr_array_index (status.binds, 0);
  g_test_message ("half way: bind %s at %.1f/s, %" G_GUINT64_FORMAT " throttled, pause %u ms",
                  bind->name, bind->rate, bind->throttled, bind->throttle_pause_ms);
  g_assert_cmpfloat (bind->rate, >, 0.0);
  g_assert_cmpuint (bind->throttled, >=, 1);
  sr_router_status_clear (&status);
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 600, 60000));

  throttled = sr_test_sim_stat (fx.sim, "throttled");
  log = sr_test_sim_read_log (fx.sim);
  submits = sr_test_sim_log_filter (log, "in", "submit_sm");
  g_assert_cmpuint (submits->len, ==, 600 + throttled);
  g_assert_cmpint (throttled, >=, 10);
  rate = 600 / ((sr_test_log_int (g_ptr_array_index (submits, submits->len - 1), "time_us")
                 - sr_test_log_int (g_ptr_array_index (submits, 0), "time_us")) / 1e6);
  g_test_message ("600 accepted at %.1f/s with %" G_GINT64_FORMAT " throttled (throughput 200)",
                  rate, throttled);
  g_assert_cmpfloat (rate, >=, 0.7 * 200);
  router_fixture_teardown (&fx);
}

/* Ten messages with a 2 s response timeout, every 5th answer @late_ms late;
 * returns once all ten are in sent/. */
static void
late_setup (RouterFixture *fx, const char *late_ms)
{
  const char *sim_args[] = { "--late-every", "5", "--late-ms", late_ms, NULL };

  router_fixture_setup_no_start (fx, sim_args, NULL, "response-timeout = 2", NULL, NULL);
  drop_many (fx, 10, "+41791234");
  router_fixture_start (fx);
  g_assert_true (router_fixture_wait_count (fx, SR_SPOOL_SENT, 10, 15000));
}

/* Every 5th answer comes 3 s late with a 2 s response timeout: the part is
 * not sent again (the copy waits as long again), the late acceptance
 * finishes it. */
static void
test_late_accept (void)
{
  RouterFixture fx;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GPtrArray) submits = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  late_setup (&fx, "3000");
  /* past the moment the copies would have gone out */
  router_fixture_run (2000);
  g_assert_cmpint (sr_test_sim_stat (fx.sim, "answered_late"), ==, 2);
  log = sr_test_sim_read_log (fx.sim);
  submits = sr_test_sim_log_filter (log, "in", "submit_sm");
  g_assert_cmpuint (submits->len, ==, 10);
  sent = router_fixture_read_all (&fx, SR_SPOOL_SENT);
  for (guint i = 0; i < sent->len; i++)
    {
      char *id = router_fixture_header (g_ptr_array_index (sent, i), "X-SMSC-Id");

      g_assert_nonnull (id);
      g_assert_cmpstr (id, !=, "");
      g_assert_true (g_hash_table_add (ids, id));
    }
  for (guint i = 0; i < fx.events->len; i++)
    g_assert_false (g_str_has_prefix (g_ptr_array_index (fx.events, i), "duplicate"));
  router_fixture_teardown (&fx);
}

/* An answer 5 s late: the copy went out after 4 s and was accepted; the
 * late acceptance is recorded as a duplicate of that message. */
static void
test_late_duplicate (void)
{
  RouterFixture fx;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GPtrArray) submits = NULL;
  guint duplicates = 0;
  gint64 until;

  late_setup (&fx, "5000");
  until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (duplicates < 2 && g_get_monotonic_time () < until)
    {
      router_fixture_run (100);
      duplicates = 0;
      for (guint i = 0; i < fx.events->len; i++)
        if (g_str_has_prefix (g_ptr_array_index (fx.events, i), "duplicate: "))
          {
            g_test_message ("%s", (char *) g_ptr_array_index (fx.events, i));
            duplicates++;
          }
    }
  g_assert_cmpuint (duplicates, ==, 2);
  log = sr_test_sim_read_log (fx.sim);
  submits = sr_test_sim_log_filter (log, "in", "submit_sm");
  g_assert_cmpuint (submits->len, ==, 12);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_SENT), ==, 10);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_DEAD), ==, 0);
  router_fixture_teardown (&fx);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/smpp/results/queue-full", test_queue_full);
  g_test_add_func ("/smpp/results/throttle-rate", test_throttle_rate);
  g_test_add_func ("/smpp/results/late-accept", test_late_accept);
  g_test_add_func ("/smpp/results/late-duplicate", test_late_duplicate);
  return g_test_run ();
}
