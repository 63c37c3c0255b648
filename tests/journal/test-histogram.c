/* test-histogram.c — the duration histogram behind /metrics: which bucket
 * an observation lands in (bounds are inclusive, as Prometheus' le), and
 * adding histograms of several sessions. */
#include "sr-histogram.h"

/* One observation and the bucket it must land in. */
typedef struct {
  gint64 us;
  guint bucket;
} Case;

static const Case cases[] = {
  { -5, 0 },                  /* a clock step back counts as 0 */
  { 0, 0 },
  { 100, 0 },                 /* le="0.0001" includes 100 µs */
  { 101, 1 },
  { 999, 3 },
  { 1000, 3 },
  { 20000, 7 },               /* 10 ms < 20 ms <= 25 ms */
  { 10000000, 15 },
  { 10000001, SR_HISTOGRAM_N_BOUNDS },   /* +Inf only */
};

static void
test_buckets (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      SrHistogram h = { 0 };
      sr_histogram_observe (&h, cases[i].us);
      for (guint b = 0; b <= SR_HISTOGRAM_N_BOUNDS; b++)
        if (h.buckets[b] != (b == cases[i].bucket ? 1u : 0u))
          g_error ("%" G_GINT64_FORMAT " µs: bucket %u holds %" G_GUINT64_FORMAT, cases[i].us, b,
                   h.buckets[b]);
      g_assert_cmpuint (h.count, ==, 1);
      g_assert_cmpint (h.sum_us, ==, MAX (cases[i].us, 0));
    }
}

static void
test_add (void)
{
  SrHistogram a = { 0 }, b = { 0 };
  sr_histogram_observe (&a, 300);
  sr_histogram_observe (&b, 300);
  sr_histogram_observe (&b, 2000000);
  sr_histogram_add (&a, &b);
  g_assert_cmpuint (a.count, ==, 3);
  g_assert_cmpint (a.sum_us, ==, 2000600);
  g_assert_cmpuint (a.buckets[2], ==, 2);
  g_assert_cmpuint (a.buckets[13], ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/histogram/buckets", test_buckets);
  g_test_add_func ("/histogram/add", test_add);
  return g_test_run ();
}
