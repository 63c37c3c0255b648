/* test-throttle.c — the adaptive pause after ESME_RTHROTTLED, with the
 * clock passed in: starts small, doubles while throttled up to the ceiling,
 * shrinks with acceptances, starts small again after a calm spell; and the
 * achieved rate. */
#include "sr-smpp-throttle.h"

#define MS(x) ((gint64) (x) * 1000)

static void
test_grow_and_cap (void)
{
  SrSmppThrottle t;
  guint pause = 0;
  static const guint expected[] = { 20, 40, 80, 160, 320, 640, 1000, 1000 };

  sr_smpp_throttle_init (&t, 0);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      SrSmppThrottleNews news = sr_smpp_throttle_throttled (&t, 20, 1000, MS (i * 10), &pause);

      g_assert_cmpuint (pause, ==, expected[i]);
      g_assert_cmpint (news, ==, i == 0 ? SR_SMPP_THROTTLE_STARTED : SR_SMPP_THROTTLE_QUIET);
    }
}

static void
test_shrink_on_accept (void)
{
  SrSmppThrottle t;
  guint pause = 0;

  sr_smpp_throttle_init (&t, 0);
  for (guint i = 0; i < 5; i++)
    sr_smpp_throttle_throttled (&t, 20, 1000, MS (i), &pause);
  g_assert_cmpuint (pause, ==, 320);
  /* an eighth less per acceptance, never below the first pause */
  sr_smpp_throttle_accepted (&t, 20, 1, MS (10));
  g_assert_cmpuint (t.pause_ms, ==, 280);
  for (guint i = 0; i < 100; i++)
    sr_smpp_throttle_accepted (&t, 20, 2 + i, MS (11 + i));
  g_assert_cmpuint (t.pause_ms, ==, 20);
  /* 2 % throttled: one throttle per 49 acceptances stays at the first pause */
  for (guint round = 0; round < 10; round++)
    {
      sr_smpp_throttle_throttled (&t, 20, 1000, MS (200 + round * 250), &pause);
      g_assert_cmpuint (pause, <=, 40);
      for (guint i = 0; i < 49; i++)
        sr_smpp_throttle_accepted (&t, 20, 200 + round * 49 + i, MS (205 + round * 250 + i * 5));
      g_assert_cmpuint (t.pause_ms, ==, 20);
    }
}

static void
test_calm_ends_it (void)
{
  SrSmppThrottle t;
  guint pause = 0;

  sr_smpp_throttle_init (&t, 0);
  sr_smpp_throttle_throttled (&t, 20, 1000, 0, &pause);
  sr_smpp_throttle_throttled (&t, 20, 1000, MS (1), &pause);
  g_assert_cmpuint (pause, ==, 40);
  /* an acceptance after a calm spell: throttling is over */
  g_assert_cmpint (sr_smpp_throttle_accepted (&t, 20, 1, MS (SR_SMPP_THROTTLE_REPORT_S * 1000 + 2)),
                   ==, SR_SMPP_THROTTLE_ENDED);
  g_assert_cmpuint (t.pause_ms, ==, 0);
  g_assert_cmpint (sr_smpp_throttle_throttled (&t, 20, 1000, MS (20000), &pause),
                   ==, SR_SMPP_THROTTLE_STARTED);
  g_assert_cmpuint (pause, ==, 20);
  /* a throttle after a calm spell without acceptances starts small too */
  sr_smpp_throttle_throttled (&t, 20, 1000, MS (20001), &pause);
  g_assert_cmpuint (pause, ==, 40);
  sr_smpp_throttle_throttled (&t, 20, 1000, MS (40000), &pause);
  g_assert_cmpuint (pause, ==, 20);
}

static void
test_summary_due (void)
{
  SrSmppThrottle t;
  guint pause = 0;

  sr_smpp_throttle_init (&t, 0);
  sr_smpp_throttle_throttled (&t, 20, 1000, 0, &pause);
  g_assert_cmpint (sr_smpp_throttle_accepted (&t, 20, 1, MS (5000)), ==, SR_SMPP_THROTTLE_QUIET);
  g_assert_cmpint (sr_smpp_throttle_throttled (&t, 20, 1000, MS (9000), &pause),
                   ==, SR_SMPP_THROTTLE_QUIET);
  g_assert_cmpint (sr_smpp_throttle_throttled (&t, 20, 1000, MS (10500), &pause),
                   ==, SR_SMPP_THROTTLE_SUMMARY);
  g_assert_cmpuint (t.report_throttled, ==, 3);
  g_assert_cmpuint (t.report_accepted, ==, 1);
  g_assert_cmpfloat_with_epsilon (sr_smpp_throttle_report_reset (&t, MS (10500)), 10.5, 1e-9);
  g_assert_cmpuint (t.report_throttled, ==, 0);
}

static void
test_rate (void)
{
  SrSmppThrottle t;

  sr_smpp_throttle_init (&t, 0);
  /* 200 acceptances a second for two seconds */
  for (guint i = 1; i <= 400; i++)
    sr_smpp_throttle_accepted (&t, 20, i, MS (i * 5));
  g_assert_cmpfloat_with_epsilon (sr_smpp_throttle_rate (&t, 400, MS (2000)), 200.0, 1.0);
  /* nothing accepted for a while: the rate falls */
  g_assert_cmpfloat (sr_smpp_throttle_rate (&t, 400, MS (12000)), <, 1.0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/smpp/throttle/grow-and-cap", test_grow_and_cap);
  g_test_add_func ("/smpp/throttle/shrink-on-accept", test_shrink_on_accept);
  g_test_add_func ("/smpp/throttle/calm-ends-it", test_calm_ends_it);
  g_test_add_func ("/smpp/throttle/summary-due", test_summary_due);
  g_test_add_func ("/smpp/throttle/rate", test_rate);
  return g_test_run ();
}
