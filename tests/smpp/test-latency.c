/* test-latency.c — the submit → response latency window, with the clock
 * passed in: percentiles of known samples (within the buckets' 6 %), a
 * window that forgets what is older than a minute, and the edges (no
 * samples, zero, huge values, a clock far ahead). */
#include "sr-smpp-latency.h"

#define S(x) ((gint64) (x) * G_USEC_PER_SEC)
#define MS(x) ((gint64) (x) * 1000)

static void
assert_near (double value, double expected)
{
  g_assert_cmpfloat (value, >=, expected * 0.94);
  g_assert_cmpfloat (value, <=, expected * 1.06);
}

static void
test_empty (void)
{
  SrSmppLatency l;
  SrSmppLatencySummary s;
  sr_smpp_latency_init (&l);
  sr_smpp_latency_summary (&l, S (1000), &s);
  g_assert_cmpuint (s.count, ==, 0);
  g_assert_cmpfloat (s.p50_ms, ==, 0);
  g_assert_cmpfloat (s.p99_ms, ==, 0);
}

/* 1 ms … 1000 ms, once each, spread over 50 s: p50 500 ms, p99 990 ms. */
static void
test_uniform (void)
{
  SrSmppLatency l;
  SrSmppLatencySummary s;
  sr_smpp_latency_init (&l);
  for (guint i = 1; i <= 1000; i++)
    sr_smpp_latency_add (&l, S (100) + MS (i * 50), MS (i));
  sr_smpp_latency_summary (&l, S (150), &s);
  g_assert_cmpuint (s.count, ==, 1000);
  assert_near (s.p50_ms, 500);
  assert_near (s.p99_ms, 990);
}

/* 98 fast answers and 2 slow ones: the median stays fast, p99 is the tail. */
static void
test_tail (void)
{
  SrSmppLatency l;
  SrSmppLatencySummary s;
  sr_smpp_latency_init (&l);
  for (guint i = 0; i < 98; i++)
    sr_smpp_latency_add (&l, S (10), 1200);   /* 1.2 ms */
  sr_smpp_latency_add (&l, S (11), MS (250));
  sr_smpp_latency_add (&l, S (12), MS (300));
  sr_smpp_latency_summary (&l, S (12), &s);
  g_assert_cmpuint (s.count, ==, 100);
  assert_near (s.p50_ms, 1.2);
  assert_near (s.p99_ms, 250);
}

/* A sample counts for a minute (give or take a slot), then not at all. */
static void
test_slides (void)
{
  SrSmppLatency l;
  SrSmppLatencySummary s;
  sr_smpp_latency_init (&l);
  sr_smpp_latency_add (&l, S (1000), MS (40));
  sr_smpp_latency_summary (&l, S (1054), &s);
  g_assert_cmpuint (s.count, ==, 1);
  assert_near (s.p99_ms, 40);
  sr_smpp_latency_summary (&l, S (1061), &s);
  g_assert_cmpuint (s.count, ==, 0);

  /* The slot is reused a minute later: the old count is gone, not added. */
  sr_smpp_latency_add (&l, S (1060), MS (2));
  sr_smpp_latency_summary (&l, S (1060), &s);
  g_assert_cmpuint (s.count, ==, 1);
  assert_near (s.p50_ms, 2);

  /* Old fast samples leave; the recent slow ones decide alone. */
  sr_smpp_latency_init (&l);
  for (guint i = 0; i < 100; i++)
    sr_smpp_latency_add (&l, S (2000), MS (1));
  for (guint i = 0; i < 10; i++)
    sr_smpp_latency_add (&l, S (2050), MS (800));
  sr_smpp_latency_summary (&l, S (2050), &s);
  g_assert_cmpuint (s.count, ==, 110);
  assert_near (s.p50_ms, 1);
  sr_smpp_latency_summary (&l, S (2065), &s);
  g_assert_cmpuint (s.count, ==, 10);
  assert_near (s.p50_ms, 800);
}

/* Exact below 16 µs; negative (a clock step) counts as 0; hours are capped. */
static void
test_edges (void)
{
  SrSmppLatency l;
  SrSmppLatencySummary s;
  sr_smpp_latency_init (&l);
  sr_smpp_latency_add (&l, S (5), 7);
  sr_smpp_latency_summary (&l, S (5), &s);
  g_assert_cmpfloat (s.p50_ms, ==, 0.007);
  sr_smpp_latency_init (&l);
  sr_smpp_latency_add (&l, S (5), -5);
  sr_smpp_latency_summary (&l, S (5), &s);
  g_assert_cmpuint (s.count, ==, 1);
  g_assert_cmpfloat (s.p50_ms, ==, 0);
  sr_smpp_latency_init (&l);
  sr_smpp_latency_add (&l, S (5), G_MAXINT64 / 2);
  sr_smpp_latency_summary (&l, S (5), &s);
  g_assert_cmpuint (s.count, ==, 1);
  g_assert_cmpfloat (s.p99_ms, >, 3.0e7);   /* over 8 hours: "very slow", not garbage */
  g_assert_cmpfloat (s.p99_ms, <, 7.0e7);
  /* Samples from a clock ahead of @now are not counted. */
  sr_smpp_latency_init (&l);
  sr_smpp_latency_add (&l, S (100), MS (1));
  sr_smpp_latency_summary (&l, S (50), &s);
  g_assert_cmpuint (s.count, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/smpp/latency/empty", test_empty);
  g_test_add_func ("/smpp/latency/uniform", test_uniform);
  g_test_add_func ("/smpp/latency/tail", test_tail);
  g_test_add_func ("/smpp/latency/slides", test_slides);
  g_test_add_func ("/smpp/latency/edges", test_edges);
  return g_test_run ();
}
