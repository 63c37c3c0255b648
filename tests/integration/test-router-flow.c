/* test-router-flow.c — the engine's flow control against the simulator:
 * throughput, SMSC statuses, bind failures, restart recovery. */
#include <string.h>

#include "router-fixture.h"
#include "sr-journal.h"

static void
drop_many (RouterFixture *fx, guint n, const char *prefix)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *file = g_strdup_printf ("To: %s%02u\nReference: m-%u\n\nMessage %u\n",
                                               prefix, i, i, i);

      g_free (router_fixture_drop (fx, file));
    }
}

/* throughput = 20: 30 submits take at least (30 - burst) / 20 s. */
static void
test_throughput (void)
{
  RouterFixture fx;
  g_autoptr(GPtrArray) log = NULL;
  gint64 first, last;
  double rate;

  router_fixture_setup (&fx, NULL, NULL, "throughput = 20", NULL, NULL);
  drop_many (&fx, 30, "+417912345");
  log = sr_test_sim_wait_log (fx.sim, "in", "submit_sm", 30, 10000);
  g_assert_nonnull (log);
  first = sr_test_log_int (g_ptr_array_index (log, 0), "time_us");
  last = sr_test_log_int (g_ptr_array_index (log, log->len - 1), "time_us");
  /* The bucket holds 2 tokens (0.1 s worth): 28 intervals at 20/s at least. */
  rate = (log->len - 2) / ((last - first) / 1e6);
  g_test_message ("30 submits in %.3f s: %.1f/s", (last - first) / 1e6, rate);
  g_assert_cmpfloat (rate, <=, 20 * 1.1);
  g_assert_cmpfloat (rate, >=, 20 * 0.7);
  /* No window of one second holds more than 20 + burst submits. */
  for (guint i = 0; i < log->len; i++)
    {
      gint64 t0 = sr_test_log_int (g_ptr_array_index (log, i), "time_us");
      guint n = 0;

      for (guint j = i; j < log->len; j++)
        if (sr_test_log_int (g_ptr_array_index (log, j), "time_us") < t0 + G_USEC_PER_SEC)
          n++;
      g_assert_cmpuint (n, <=, 22);
    }
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 30, 5000));
  router_fixture_teardown (&fx);
}

/* ESME_RTHROTTLED on every 3rd submit: all go out, no attempt is counted. */
static void
test_throttled (void)
{
  const char *sim_args[] = { "--throttle-every", "3", NULL };
  RouterFixture fx;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GPtrArray) resps = NULL;
  gint64 throttled;

  router_fixture_setup (&fx, sim_args, "max-attempts = 1", NULL, NULL, NULL);
  drop_many (&fx, 10, "+417912345");
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 10, 15000));
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_DEAD), ==, 0);
  throttled = sr_test_sim_stat (fx.sim, "throttled");
  log = sr_test_sim_read_log (fx.sim);
  resps = sr_test_sim_log_filter (log, "in", "submit_sm");
  /* 10 accepted, and each throttled one sent again. */
  g_assert_cmpuint (resps->len, ==, 10 + throttled);
  g_assert_cmpint (throttled, >=, 3);
  router_fixture_teardown (&fx);
}

/* A permanent status dead-letters with class smsc and the status name. */
static void
test_permanent (void)
{
  const char *sim_args[] = { "--reject-prefix", "+4176=ESME_RINVDSTADR", NULL };
  RouterFixture fx;
  g_autoptr(GPtrArray) dead = NULL;

  router_fixture_setup (&fx, sim_args, NULL, NULL, NULL, NULL);
  g_free (router_fixture_drop (&fx, "To: +41761234567\n\nHi\n"));
  g_free (router_fixture_drop (&fx, "To: +41791234567\n\nHi\n"));
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_DEAD, 1, 5000));
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 1, 5000));
  dead = router_fixture_read_all (&fx, SR_SPOOL_DEAD);
  {
    g_autofree char *klass = router_fixture_header (g_ptr_array_index (dead, 0), "X-Error-Class");
    g_autofree char *why = router_fixture_header (g_ptr_array_index (dead, 0), "X-Error");

    g_assert_cmpstr (klass, ==, "smsc");
    g_assert_nonnull (strstr (why, "ESME_RINVDSTADR"));
  }
  router_fixture_teardown (&fx);
}

/* A temporary status is retried with backoff, then retries-exhausted. */
static void
test_retries_exhausted (void)
{
  const char *sim_args[] = { "--reject-prefix", "+4176=ESME_RSYSERR", NULL };
  RouterFixture fx;
  g_autoptr(GPtrArray) dead = NULL;
  g_autoptr(GPtrArray) log = NULL;
  gint64 t1, t2, t3;

  router_fixture_setup (&fx, sim_args, "max-attempts = 3\nretry-delay = 1", NULL, NULL, NULL);
  g_free (router_fixture_drop (&fx, "To: +41761234567\n\nHi\n"));
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_DEAD, 1, 8000));
  dead = router_fixture_read_all (&fx, SR_SPOOL_DEAD);
  {
    g_autofree char *klass = router_fixture_header (g_ptr_array_index (dead, 0), "X-Error-Class");
    g_autofree char *why = router_fixture_header (g_ptr_array_index (dead, 0), "X-Error");

    g_assert_cmpstr (klass, ==, "retries-exhausted");
    g_assert_nonnull (strstr (why, "ESME_RSYSERR"));
  }
  log = sr_test_sim_wait_log (fx.sim, "in", "submit_sm", 3, 1000);
  g_assert_cmpuint (log->len, ==, 3);
  t1 = sr_test_log_int (g_ptr_array_index (log, 0), "time_us");
  t2 = sr_test_log_int (g_ptr_array_index (log, 1), "time_us");
  t3 = sr_test_log_int (g_ptr_array_index (log, 2), "time_us");
  /* 1 s, then 2 s: the delay doubles. */
  g_assert_cmpint (t2 - t1, >=, 900000);
  g_assert_cmpint (t3 - t2, >=, 1800000);
  router_fixture_teardown (&fx);
}

/* Wrong credentials: a system-wide error; the message stays queued. */
static void
test_bind_failure (void)
{
  const char *sim_args[] = { "--system-id", "router", "--password", "other", NULL };
  RouterFixture fx;
  gboolean reported = FALSE;
  SrRouterStatus status;

  router_fixture_setup (&fx, sim_args, NULL, NULL, NULL, NULL);
  g_free (router_fixture_drop (&fx, "To: +41791234567\n\nHi\n"));
  for (guint i = 0; i < 150 && !reported; i++)
    {
      router_fixture_run (20);
      for (guint j = 0; j < fx.events->len; j++)
        if (g_str_has_prefix (g_ptr_array_index (fx.events, j), "auth-rejected")
            || g_str_has_prefix (g_ptr_array_index (fx.events, j), "bind-lost"))
          reported = TRUE;
    }
  g_assert_true (reported);
  router_fixture_run (300);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_DEAD), ==, 0);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_SENT), ==, 0);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_OUTBOX_CUR), ==, 1);
  sr_router_get_status (fx.router, &status);
  g_assert_cmpuint (status.waiting, ==, 1);
  g_assert_cmpuint (status.system_errors->len, >=, 1);
  g_assert_cmpuint (status.binds->len, ==, 1);
  g_assert_cmpstr (((SrRouterBindStatus *) g_ptr_array_index (status.binds, 0))->state, !=, "bound");
  sr_router_status_clear (&status);
  router_fixture_teardown (&fx);
}

/* Pause holds messages; resume sends them. */
static void
test_pause (void)
{
  RouterFixture fx;

  router_fixture_setup (&fx, NULL, NULL, NULL, NULL, NULL);
  sr_router_set_paused (fx.router, TRUE, "tester");
  g_assert_true (sr_router_get_paused (fx.router));
  g_free (router_fixture_drop (&fx, "To: +41791234567\n\nHi\n"));
  router_fixture_run (500);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_SENT), ==, 0);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_OUTBOX_CUR), ==, 1);
  sr_router_set_paused (fx.router, FALSE, "tester");
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 1, 5000));
  router_fixture_teardown (&fx);
}

/* Restart: a file in cur/ whose only part the journal saw accepted is
 * finished without a submit; an unknown file in cur/ is sent. */
static void
test_recovery (void)
{
  RouterFixture fx;
  g_autoptr(GError) error = NULL;
  g_autofree char *known = NULL;
  g_autofree char *unknown = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GPtrArray) log = NULL;
  SrJournal *journal;
  SrSpool *spool;
  gint64 id;
  SrJournalMessage m = { 0 };

  router_fixture_setup_no_start (&fx, NULL, NULL, NULL, NULL, NULL);
  journal = sr_router_get_journal (fx.router);
  spool = sr_router_get_spool (fx.router);
  known = router_fixture_drop (&fx, "To: +41791234567\nReference: known\n\nAlready sent\n");
  unknown = router_fixture_drop (&fx, "To: +41791234568\nReference: unknown\n\nNever seen\n");
  g_assert_true (sr_spool_claim (spool, "default", known, &error));
  g_assert_true (sr_spool_claim (spool, "default", unknown, &error));
  m.app = (char *) "default";
  m.file = known;
  m.to_e164 = (char *) "+41791234567";
  m.parts = 1;
  m.state = SR_MESSAGE_SUBMITTING;
  m.created_at = g_get_real_time ();
  id = sr_journal_message_insert (journal, &m, &error);
  g_assert_no_error (error);
  g_assert_true (sr_journal_segments_add (journal, id, 1, &error));
  g_assert_true (sr_journal_segment_set_submit (journal, id, 1, SR_SEGMENT_ACCEPTED, "main",
                                                "abc123", 0, g_get_real_time (), &error));
  g_assert_true (sr_journal_flush (journal, &error));

  router_fixture_start (&fx);
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 2, 5000));
  sent = router_fixture_read_all (&fx, SR_SPOOL_SENT);
  for (guint i = 0; i < sent->len; i++)
    {
      const char *f = g_ptr_array_index (sent, i);
      g_autofree char *ref = router_fixture_header (f, "Reference");
      g_autofree char *sid = router_fixture_header (f, "X-SMSC-Id");

      if (g_strcmp0 (ref, "known") == 0)
        g_assert_cmpstr (sid, ==, "abc123");
    }
  router_fixture_run (200);
  log = sr_test_sim_read_log (fx.sim);
  {
    g_autoptr(GPtrArray) submits = sr_test_sim_log_filter (log, "in", "submit_sm");

    g_assert_cmpuint (submits->len, ==, 1);
    g_assert_cmpstr (sr_test_log_str (g_ptr_array_index (submits, 0), "destination_addr"), ==,
                     "41791234568");
  }
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_OUTBOX_CUR), ==, 0);
  router_fixture_teardown (&fx);
}

/* A router stopped with messages queued (no bind) leaves them in cur/; the
 * next router on the same spool sends each exactly once. */
static void
test_restart (void)
{
  const char *sim_args[] = { "--system-id", "router", "--password", "other", NULL };
  RouterFixture fx;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(SrTestSim) good = NULL;
  g_autoptr(GPtrArray) log = NULL;
  SrConfig *config;
  gboolean stopped = FALSE;

  router_fixture_setup (&fx, sim_args, NULL, NULL, NULL, NULL);
  drop_many (&fx, 5, "+417912345");
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_OUTBOX_CUR, 5, 5000));
  router_fixture_stop_router (&fx);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_OUTBOX_CUR), ==, 5);

  good = sr_test_sim_start_default ();
  text = g_strdup_printf ("[router]\nspool = %s\nregion = CH\n"
                          "[smpp:main]\nhost = 127.0.0.1\nport = %u\nsystem-id = router\npassword = secret\n"
                          "[app:default]\nregion = CH\nfrom = +41791234560\n",
                          fx.spool, sr_test_sim_port (good));
  config = sr_config_load_data (text, strlen (text), "test", &error);
  g_assert_no_error (error);
  fx.router = sr_router_new (config, NULL, &error);
  g_assert_no_error (error);
  router_fixture_start (&fx);
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 5, 5000));
  router_fixture_run (200);
  log = sr_test_sim_read_log (good);
  {
    g_autoptr(GPtrArray) submits = sr_test_sim_log_filter (log, "in", "submit_sm");

    g_assert_cmpuint (submits->len, ==, 5);
  }
  (void) stopped;
  router_fixture_teardown (&fx);
}

/* A second router on the same spool is refused with LOCKED. */
static void
test_locked (void)
{
  RouterFixture fx;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  SrConfig *config;
  SrRouter *second;

  router_fixture_setup (&fx, NULL, NULL, NULL, NULL, NULL);
  text = g_strdup_printf ("[router]\nspool = %s\n[smpp:main]\nhost = 127.0.0.1\nport = 1\n"
                          "system-id = a\npassword = b\n[app:default]\nfrom = +41791234560\n",
                          fx.spool);
  config = sr_config_load_data (text, strlen (text), "test", &error);
  g_assert_no_error (error);
  second = sr_router_new (config, NULL, &error);
  g_assert_null (second);
  g_assert_error (error, SR_ROUTER_ERROR, SR_ROUTER_ERROR_LOCKED);
  router_fixture_teardown (&fx);
}

/* A reload applies new policy at once; adding an app is refused. */
static void
test_reload (void)
{
  RouterFixture fx;
  g_autoptr(GError) error = NULL;
  g_autofree char *good = NULL;
  g_autofree char *bad = NULL;
  g_autoptr(GPtrArray) dead = NULL;
  SrConfig *config;

  router_fixture_setup (&fx, NULL, NULL, NULL, NULL, NULL);
  g_free (router_fixture_drop (&fx, "To: +41791234567\n\nHi\n"));
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 1, 5000));

  good = g_strdup_printf ("[router]\nspool = %s\nregion = CH\n"
                          "[smpp:main]\nhost = 127.0.0.1\nport = %u\nsystem-id = router\npassword = secret\n"
                          "[app:default]\nregion = CH\nfrom = +41791234560\n"
                          "[policy]\nblacklist-numbers = +41791234567\n",
                          fx.spool, sr_test_sim_port (fx.sim));
  config = sr_config_load_data (good, strlen (good), "test", &error);
  g_assert_no_error (error);
  g_assert_true (sr_router_reload (fx.router, config, &error));
  g_assert_no_error (error);
  g_free (router_fixture_drop (&fx, "To: +41791234567\n\nHi again\n"));
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_DEAD, 1, 5000));
  dead = router_fixture_read_all (&fx, SR_SPOOL_DEAD);
  {
    g_autofree char *why = router_fixture_header (g_ptr_array_index (dead, 0), "X-Error");

    g_assert_nonnull (strstr (why, "blacklist-number"));
  }

  bad = g_strdup_printf ("%s[app:other]\nfrom = +41791234561\n", good);
  config = sr_config_load_data (bad, strlen (bad), "test", &error);
  g_assert_no_error (error);
  g_assert_false (sr_router_reload (fx.router, config, &error));
  g_assert_error (error, SR_ROUTER_ERROR, SR_ROUTER_ERROR_INVALID);
  sr_config_free (config);
  router_fixture_teardown (&fx);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/router/flow/throughput", test_throughput);
  g_test_add_func ("/router/flow/throttled", test_throttled);
  g_test_add_func ("/router/flow/permanent", test_permanent);
  g_test_add_func ("/router/flow/retries-exhausted", test_retries_exhausted);
  g_test_add_func ("/router/flow/bind-failure", test_bind_failure);
  g_test_add_func ("/router/flow/pause", test_pause);
  g_test_add_func ("/router/flow/recovery", test_recovery);
  g_test_add_func ("/router/flow/restart", test_restart);
  g_test_add_func ("/router/flow/locked", test_locked);
  g_test_add_func ("/router/flow/reload", test_reload);
  return g_test_run ();
}
