/* test-console-chart.c — the Overview's charts: text primitives (UTF-8 and
 * ASCII, scaling, zero series, widths), the per-second history ring, and
 * the chart section on the buffer backend at several sizes. */
#include "console-test-util.h"
#include "sr-console-chart.h"
#include "sr-console-remote-private.h"

#include <math.h>

#define S(sec) ((gint64) (sec) * G_USEC_PER_SEC)

/* --- Primitives ------------------------------------------------------------ */

static void
test_sparkline (void)
{
#define RAMP { 0, 1, 2, 3, 4, 5, 6, 7, 8 }
  static const struct {
    double values[9];
    guint n;
    int width;
    double max;
    const char *utf8, *ascii;
  } cases[] = {
    { RAMP, 9, 9, 8, " ▁▂▃▄▅▆▇█", " _.:-=+*#" },
    /* max <= 0: scaled to the largest value */
    { { 0, 5, 10 }, 3, 3, 0, " ▄█", " -#" },
    /* above the given max: a full cell, not more */
    { { 4, 16 }, 2, 2, 8, "▄█", "-#" },
    /* any traffic shows, however small next to the peak */
    { { 0.01, 100 }, 2, 2, 0, "▁█", "_#" },
    /* zero series and gaps: blank */
    { { 0, 0, 0 }, 3, 3, 0, "   ", "   " },
    { { NAN, 2, -1 }, 3, 3, 0, " █ ", " # " },
    /* more values than columns: the newest; fewer: right-aligned */
    { RAMP, 9, 3, 8, "▆▇█", "+*#" },
    { { 1, 2 }, 2, 4, 2, "  ▄█", "  -#" },
    { RAMP, 9, 0, 8, "", "" },
  };
#undef RAMP
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *u = sr_chart_sparkline (cases[i].values, cases[i].n, cases[i].width,
                                               cases[i].max, SR_CHART_UTF8);
      g_autofree char *a = sr_chart_sparkline (cases[i].values, cases[i].n, cases[i].width,
                                               cases[i].max, SR_CHART_ASCII);
      g_assert_cmpstr (u, ==, cases[i].utf8);
      g_assert_cmpstr (a, ==, cases[i].ascii);
      g_assert_cmpint (sr_text_width (u), ==, cases[i].width);
    }
}

static void
test_columns (void)
{
  /* Two rows: 16 eighths in all; 4 → a half bottom cell, 8 → a full bottom
   * cell, 12 → a full bottom and a half top. */
  static const double v[] = { 4, 8, 12, 16 };
  g_auto (GStrv) u = sr_chart_columns (v, 4, 4, 2, 16, SR_CHART_UTF8);
  g_assert_cmpuint (g_strv_length (u), ==, 2);
  g_assert_cmpstr (u[0], ==, "  ▄█");
  g_assert_cmpstr (u[1], ==, "▄███");
  g_auto (GStrv) a = sr_chart_columns (v, 4, 4, 2, 16, SR_CHART_ASCII);
  g_assert_cmpstr (a[0], ==, "  -#");
  g_assert_cmpstr (a[1], ==, "-###");
  /* The smallest value above zero still shows in the bottom row. */
  g_auto (GStrv) small = sr_chart_columns ((const double[]) { 0.001, 1 }, 2, 2, 3, 0,
                                           SR_CHART_UTF8);
  g_assert_cmpstr (small[0], ==, " █");
  g_assert_cmpstr (small[2], ==, "▁█");
}

static void
test_bar (void)
{
  static const struct {
    double value, max;
    int width;
    const char *utf8;
    int utf8_filled;
    const char *ascii;
    int ascii_filled;
  } cases[] = {
    { 5, 10, 4, "██░░", 2, "##..", 2 },
    { 1, 10, 4, "▍░░░", 1, "#...", 1 },        /* 3.2 eighths → 3 */
    { 0.1, 10, 4, "▏░░░", 1, "#...", 1 },      /* some: never shown as none */
    { 9.9, 10, 4, "███▉", 4, "###.", 3 },      /* almost: never shown as full */
    { 10, 10, 4, "████", 4, "####", 4 },
    { 12, 10, 4, "████", 4, "####", 4 },
    { 0, 10, 4, "░░░░", 0, "....", 0 },
    { 3, 0, 3, "░░░", 0, "...", 0 },           /* no window: nothing in use */
    { 5, 10, 0, "", 0, "", 0 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      int fu = -1, fa = -1;
      g_autofree char *u = sr_chart_bar (cases[i].value, cases[i].max, cases[i].width,
                                         SR_CHART_UTF8, &fu);
      g_autofree char *a = sr_chart_bar (cases[i].value, cases[i].max, cases[i].width,
                                         SR_CHART_ASCII, &fa);
      g_assert_cmpstr (u, ==, cases[i].utf8);
      g_assert_cmpint (fu, ==, cases[i].utf8_filled);
      g_assert_cmpstr (a, ==, cases[i].ascii);
      g_assert_cmpint (fa, ==, cases[i].ascii_filled);
    }
}

static void
test_stack (void)
{
  int w[3];
  g_autofree char *u = sr_chart_stack ((const guint64[]) { 70, 15, 15 }, 3, 20, SR_CHART_UTF8, w);
  g_assert_cmpstr (u, ==, "██████████████▒▒▒░░░");
  g_assert_cmpint (w[0], ==, 14);
  g_assert_cmpint (w[1], ==, 3);
  g_assert_cmpint (w[2], ==, 3);
  g_autofree char *a = sr_chart_stack ((const guint64[]) { 70, 15, 15 }, 3, 20, SR_CHART_ASCII, w);
  g_assert_cmpstr (a, ==, "##############xxx...");

  /* One failure in a thousand still shows (a cell of the widest). */
  g_autofree char *rare = sr_chart_stack ((const guint64[]) { 1000, 1, 0 }, 3, 10,
                                          SR_CHART_ASCII, w);
  g_assert_cmpstr (rare, ==, "#########x");
  /* Nothing yet: blank, no segment. */
  g_autofree char *none = sr_chart_stack ((const guint64[]) { 0, 0, 0 }, 3, 5, SR_CHART_UTF8, w);
  g_assert_cmpstr (none, ==, "     ");
  g_assert_cmpint (w[0] + w[1] + w[2], ==, 0);
  /* Widths always add up, by largest remainders. */
  g_autofree char *thirds = sr_chart_stack ((const guint64[]) { 1, 1, 1 }, 3, 10,
                                            SR_CHART_ASCII, w);
  g_assert_cmpstr (thirds, ==, "####xxx...");

  guint p[3];
  sr_chart_percentages ((const guint64[]) { 1, 1, 1 }, 3, p);
  g_assert_cmpuint (p[0], ==, 34);
  g_assert_cmpuint (p[1], ==, 33);
  g_assert_cmpuint (p[2], ==, 33);
  sr_chart_percentages ((const guint64[]) { 1000, 1, 0 }, 3, p);
  g_assert_cmpuint (p[0], ==, 100);
  g_assert_cmpuint (p[1], ==, 0);
  sr_chart_percentages ((const guint64[]) { 2, 1, 1 }, 3, p);
  g_assert_cmpuint (p[0] + p[1] + p[2], ==, 100);
  g_assert_cmpuint (p[0], ==, 50);
  sr_chart_percentages ((const guint64[]) { 0, 0, 0 }, 3, p);
  g_assert_cmpuint (p[0] + p[1] + p[2], ==, 0);
}

/* --- History ---------------------------------------------------------------- */

static void
assert_columns (SrConsoleHistory *h, const char *series, SrHistoryReduce reduce, guint step,
                const double *expected, guint n)
{
  double got[16];
  g_assert_cmpuint (n, <=, G_N_ELEMENTS (got));
  sr_console_history_columns (h, series, reduce, step, got, n);
  for (guint i = 0; i < n; i++)
    {
      if (isnan (expected[i]))
        g_assert_true (isnan (got[i]));
      else
        g_assert_cmpfloat_with_epsilon (got[i], expected[i], 1e-9);
    }
}

static void
test_history_rates (void)
{
  g_autoptr (SrConsoleHistory) h = sr_console_history_new ();
  g_assert_cmpint (sr_console_history_newest (h), ==, -1);
  sr_console_history_add (h, "c", S (100), 0);
  sr_console_history_add (h, "c", S (101), 10);
  sr_console_history_add (h, "c", S (102) + 300000, 30);
  g_assert_cmpint (sr_console_history_newest (h), ==, 102);
  /* Before the first sample nothing is known; then 10/s and 20/s. */
  assert_columns (h, "c", SR_HISTORY_RATE, 1, (const double[]) { NAN, NAN, 10, 20 }, 4);
  g_assert_false (sr_console_history_columns (h, "unknown", SR_HISTORY_RATE, 1,
                                              (double[1]) { 0 }, 1));

  /* The last sample of a second counts. */
  sr_console_history_add (h, "c", S (102) + 900000, 32);
  assert_columns (h, "c", SR_HISTORY_RATE, 1, (const double[]) { 10, 22 }, 2);

  /* Seconds without a sample (a slow refresh): spread evenly. */
  sr_console_history_add (h, "c", S (106), 72);
  assert_columns (h, "c", SR_HISTORY_RATE, 1, (const double[]) { 22, 10, 10, 10, 10 }, 5);

  /* A counter that starts again from zero is no negative traffic. */
  sr_console_history_add (h, "c", S (107), 5);
  sr_console_history_add (h, "c", S (108), 15);
  assert_columns (h, "c", SR_HISTORY_RATE, 1, (const double[]) { 10, 0, 10 }, 3);
}

static void
test_history_columns_aligned (void)
{
  g_autoptr (SrConsoleHistory) h = sr_console_history_new ();
  for (int s = 100; s <= 112; s++)
    sr_console_history_add (h, "c", S (s), (s - 100) * 2);
  /* Columns of 5 s at multiples of 5: [100,104] (4 steps, the first has
   * no predecessor), [105,109], [110,112] (the current, partial one). */
  assert_columns (h, "c", SR_HISTORY_RATE, 5, (const double[]) { NAN, 2, 2, 2 }, 4);

  /* Gauges keep the largest value of a column: [108,109] [110,111] [112,113]. */
  sr_console_history_add (h, "g", S (110), 3);
  sr_console_history_add (h, "g", S (111), 9);
  sr_console_history_add (h, "g", S (112), 2);
  assert_columns (h, "g", SR_HISTORY_MAX, 2, (const double[]) { NAN, 9, 2 }, 3);
  assert_columns (h, "g", SR_HISTORY_MAX, 1, (const double[]) { 3, 9, 2 }, 3);
}

static void
test_history_ring (void)
{
  g_autoptr (SrConsoleHistory) h = sr_console_history_new ();
  guint span = 0;
  sr_console_history_add (h, "c", S (0), 0);
  g_assert_cmpuint (sr_console_history_increase (h, "c", 60, &span), ==, 0);
  g_assert_cmpuint (span, ==, 0);
  for (int s = 1; s <= 600; s++)
    sr_console_history_add (h, "c", S (s), s);
  /* Younger than asked: what there is, and how long that is. */
  g_assert_cmpuint (sr_console_history_increase (h, "c", SR_HISTORY_SECONDS, &span), ==, 600);
  g_assert_cmpuint (span, ==, 600);
  g_assert_cmpuint (sr_console_history_increase (h, "c", 60, &span), ==, 60);
  g_assert_cmpuint (span, ==, 60);

  /* Two hours later the ring holds the last hour only: fixed size. */
  for (int s = 601; s <= 7200; s++)
    sr_console_history_add (h, "c", S (s), 2.0 * s);
  g_assert_cmpuint (sr_console_history_increase (h, "c", 2 * SR_HISTORY_SECONDS, &span), ==,
                    2 * (SR_HISTORY_SECONDS - 1));
  g_assert_cmpuint (span, ==, SR_HISTORY_SECONDS - 1);
  double old[1];
  sr_console_history_columns (h, "c", SR_HISTORY_RATE, 3600, old, 1);
  g_assert_cmpfloat_with_epsilon (old[0], 2, 1e-9);

  /* A gap longer than the ring: only the last hour is filled in. */
  sr_console_history_add (h, "c", S (20000), 2.0 * 7200 + 12800);
  assert_columns (h, "c", SR_HISTORY_RATE, 1, (const double[]) { 1, 1 }, 2);
  g_assert_cmpuint (sr_console_history_increase (h, "c", 10, &span), ==, 10);
}

static SrConsoleOverview *
traffic_overview (guint64 out, guint64 in_tx, guint64 in_rx, guint used, guint64 queued,
                  guint64 delivered, guint64 failed)
{
  SrConsoleOverview *o = sr_console_overview_new ();
  sr_console_overview_add_bind (o, "main#1", "bound", NULL);
  sr_console_overview_set_bind_traffic (o, 10, used, out, in_tx);
  sr_console_overview_add_bind (o, "main#1-rx", "bound", NULL);
  sr_console_overview_set_bind_traffic (o, 0, 0, 0, in_rx);
  sr_console_overview_add_bind (o, "backup#1", "connecting", "Connection refused");
  sr_console_overview_add_queue (o, "billing", queued, 1, 0);
  sr_console_overview_add_queue (o, "alerts", 0, 0, 0);
  o->total_out = out;
  o->receipts_delivered = delivered;
  o->receipts_failed = failed;
  return o;
}

static void
test_history_overview (void)
{
  g_autoptr (SrConsoleHistory) h = sr_console_history_new ();
  for (int s = 0; s <= 2; s++)
    {
      g_autoptr (SrConsoleOverview) o = traffic_overview (10 * s, s, 2 * s, s, 5 * s, s, 0);
      sr_console_history_add_overview (h, o, S (1000 + s));
    }
  /* A provider is the sum of its binds. */
  assert_columns (h, "out:main", SR_HISTORY_RATE, 1, (const double[]) { 10, 10 }, 2);
  assert_columns (h, "in:main", SR_HISTORY_RATE, 1, (const double[]) { 3, 3 }, 2);
  assert_columns (h, "out:backup", SR_HISTORY_RATE, 1, (const double[]) { 0, 0 }, 2);
  /* Windows of senders only; queue depth = waiting + in flight. */
  assert_columns (h, "window:main#1", SR_HISTORY_MAX, 1, (const double[]) { 1, 2 }, 2);
  g_assert_false (sr_console_history_columns (h, "window:main#1-rx", SR_HISTORY_MAX, 1,
                                              (double[1]) { 0 }, 1));
  assert_columns (h, "queue:billing", SR_HISTORY_MAX, 1, (const double[]) { 6, 11 }, 2);
  g_assert_cmpuint (sr_console_history_increase (h, "parts", 60, NULL), ==, 20);
  g_assert_cmpuint (sr_console_history_increase (h, "receipts:delivered", 60, NULL), ==, 2);
}

/* The counters cross the control socket: an attached console samples
 * the daemon's snapshots like an embedded one. */
static void
test_wire_counters (void)
{
  g_autoptr (SrConsoleOverview) o = traffic_overview (1234, 56, 78, 7, 3, 900, 11);
  g_autoptr (GVariant) v = g_variant_ref_sink (sr_remote_overview_to_variant (o));
  g_autoptr (SrConsoleOverview) back = sr_remote_overview_from_variant (v);
  g_assert_nonnull (back);
  g_assert_cmpuint (back->binds->len, ==, 3);
  SrConsoleBind *b = g_ptr_array_index (back->binds, 0);
  g_assert_cmpuint (b->window, ==, 10);
  g_assert_cmpuint (b->window_used, ==, 7);
  g_assert_cmpuint (b->parts_out, ==, 1234);
  g_assert_cmpuint (b->pdus_in, ==, 56);
  b = g_ptr_array_index (back->binds, 1);
  g_assert_cmpuint (b->window, ==, 0);
  g_assert_cmpuint (b->pdus_in, ==, 78);
  g_assert_cmpuint (back->receipts_delivered, ==, 900);
  g_assert_cmpuint (back->receipts_failed, ==, 11);
  g_assert_cmpuint (back->total_out, ==, 1234);
}

/* --- The chart section ------------------------------------------------------ */

/* The console's overview and history replaced by `seconds` of traffic:
 * main sends 4 parts/s for the first half, then 8/s. */
static void
feed (Fixture *f, int seconds)
{
  SrConsole *c = f->console;
  sr_console_history_free (c->history);
  c->history = sr_console_history_new ();
  SrConsoleOverview *o = NULL;
  guint64 out = 0;
  for (int s = 0; s <= seconds; s++)
    {
      out += s == 0 ? 0 : s <= seconds / 2 ? 4 : 8;
      sr_console_overview_free (o);
      o = traffic_overview (out, s, s, 5, (guint64) (s % 7), out * 7 / 10, out / 10);
      sr_console_history_add_overview (c->history, o, S (6000 + s));
    }
  g_ptr_array_add (o->errors, g_strdup ("04:59:58 backup#1: bind failed: connection refused"));
  sr_console_overview_free (c->overview);
  c->overview = o;
}

/* s n times. */
static char *
repeat (const char *s, guint n)
{
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    g_string_append (out, s);
  return g_string_free (out, FALSE);
}

static int
row_of (Fixture *f, const char *needle)
{
  int rows, cols;
  sr_term_size (f->term, &rows, &cols);
  for (int y = 0; y < rows; y++)
    if (sr_term_buffer_find (f->term, y, needle) >= 0)
      return y;
  return -1;
}

static char *
row_text (Fixture *f, int y)
{
  return sr_term_buffer_row_text (f->term, y);
}

static void
test_section_80x24 (Fixture *f, gconstpointer data)
{
  feed (f, 300);
  g_autofree char *all = screen (f);
  g_test_message ("%s", all);
  /* The text of the overview is all there, the charts below it. */
  int errors_y = row_of (f, "Last system errors");
  int title_y = row_of (f, "Traffic, last 4 min (6 s a column)");
  g_assert_cmpint (errors_y, >, 0);
  g_assert_cmpint (title_y, >, errors_y + 1);
  g_assert_cmpint (row_of (f, "04:59:58 backup#1"), ==, errors_y + 1);

  /* Receipts: 70 % delivered, 10 % failed, the rest pending. */
  int y = row_of (f, "Receipts 5 min");
  g_assert_cmpint (y, ==, title_y + 1);
  g_autofree char *receipts = row_text (f, y);
  g_assert_true (g_str_has_suffix (receipts, "delivered 70%  failed 10%  pending 20%"));
  g_assert_cmpint (sr_term_buffer_attr (f->term, y, 17), ==, SR_ATTR_GOOD);

  /* Traffic out of main, 46 columns of 6 s from second 6030 to 6300:
   * 20 of 4/s, one of (4 + 5 × 8) / 6 = 7.3/s, 25 of 8/s. */
  y = row_of (f, "main out");
  g_autofree char *out = row_text (f, y);
  g_autofree char *half = repeat ("▄", 20), *full = repeat ("█", 25);
  g_autofree char *expected = g_strconcat ("main out         ", half, "▇", full,
                                           "    8.0/s max 8.0", NULL);
  g_assert_cmpstr (out, ==, expected);
  g_assert_cmpint (sr_term_buffer_attr (f->term, y, 17), ==, SR_ATTR_CHART);
  /* The bind's window: half in use. */
  y = row_of (f, "main#1 window");
  g_autofree char *win = row_text (f, y);
  g_autofree char *used = repeat ("█", 23), *unused = repeat ("░", 23);
  g_autofree char *expected_win = g_strconcat ("main#1 window    ", used, unused,
                                               "             5/10", NULL);
  g_assert_cmpstr (win, ==, expected_win);
  /* One chart of each kind before a second one of any: the first app's
   * queue over time, the traffic in; the second provider's out last. */
  g_assert_cmpint (row_of (f, "billing queue"), >, 0);
  g_assert_cmpint (row_of (f, "main in"), >, 0);
  g_assert_cmpint (row_of (f, "backup out"), >, 0);
  g_assert_cmpint (row_of (f, "backup in"), ==, -1);
  g_assert_cmpint (row_of (f, "alerts queue"), ==, -1);
  /* Nothing drawn over the status line. */
  g_autofree char *status = row_text (f, 23);
  g_assert_null (strstr (status, "queue"));
}

static void
test_section_ascii (Fixture *f, gconstpointer data)
{
  f->console->ascii_charts = TRUE;
  feed (f, 300);
  g_autofree char *all = screen (f);
  g_autofree char *out = row_text (f, row_of (f, "main out"));
  g_autofree char *half = repeat ("-", 20), *full = repeat ("#", 25);
  g_autofree char *expected = g_strconcat ("main out         ", half, "*", full,
                                           "    8.0/s max 8.0", NULL);
  g_assert_cmpstr (out, ==, expected);
  g_autofree char *win = row_text (f, row_of (f, "main#1 window"));
  g_assert_true (g_str_has_prefix (win, "main#1 window    #######################........"));
  /* 24 cells for 70/10/20 %: 16.8, 2.4 and 4.8, by largest remainders. */
  g_autofree char *receipts = row_text (f, row_of (f, "Receipts 5 min"));
  g_assert_cmpstr (receipts, ==, "Receipts 5 min   #################xx....."
                   " delivered 70%  failed 10%  pending 20%");
  /* The chart section itself is plain ASCII. */
  int from = row_of (f, "Traffic,");
  for (int y = from; y < 23; y++)
    {
      g_autofree char *t = row_text (f, y);
      for (const char *p = t; *p; p++)
        g_assert_cmpint ((guchar) *p, <, 0x80);
    }
}

static void
test_section_sizes (Fixture *f, gconstpointer data)
{
  feed (f, 300);
  static const int sizes[][2] = { { 24, 80 }, { 10, 40 }, { 14, 50 }, { 16, 80 }, { 50, 200 },
                                  { 30, 100 }, { 12, 60 } };
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      int rows = sizes[i][0], cols = sizes[i][1];
      sr_term_buffer_resize (f->term, rows, cols);
      g_autofree char *all = screen (f);
      g_test_message ("%dx%d:\n%s", cols, rows, all);
      /* The tab bar and the status line stay where they are. */
      g_assert_cmpint (row_of (f, "Overview"), ==, 0);
      g_autofree char *status = row_text (f, rows - 1);
      g_assert_nonnull (strstr (status, "q quit"));
      /* The overview's first lines come first. */
      g_assert_cmpint (row_of (f, "Messages/s in"), ==, 1);
      int title_y = row_of (f, "Traffic, last");
      if (rows >= 16)
        g_assert_cmpint (title_y, >, 1);
      if (title_y < 0)
        continue;
      /* A chart title never comes without a chart; the receipts first. */
      g_autofree char *receipts = row_text (f, title_y + 1);
      g_assert_true (g_str_has_prefix (receipts, "Receipts"));
      /* Rows are whole: every chart row starts with its label or is the
       * continuation of a taller chart (blank label). */
      for (int y = title_y + 2; y < rows - 1; y++)
        {
          g_autofree char *t = row_text (f, y);
          if (*t == '\0')
            continue;
          g_assert_true (g_str_has_prefix (t, "main") || g_str_has_prefix (t, "backup")
                         || g_str_has_prefix (t, "billing") || g_str_has_prefix (t, "alerts")
                         || g_str_has_prefix (t, "    "));
        }
    }
  /* Tall: the traffic out charts grow; nothing is left out. */
  sr_term_buffer_resize (f->term, 50, 200);
  g_autofree char *tall = screen (f);
  int y = row_of (f, "main out");
  g_autofree char *second = row_text (f, y + 1);
  g_assert_true (g_str_has_prefix (second, "                 "));
  g_assert_cmpint (sr_text_width (second), >, 100);
  g_assert_cmpint (row_of (f, "alerts queue"), >, y);
  g_assert_cmpint (row_of (f, "backup in"), >, y);
}

static void
test_section_long_text (Fixture *f, gconstpointer data)
{
  /* Twenty system errors: the text gives up its last lines, the first
   * charts keep theirs. */
  feed (f, 300);
  for (int i = 0; i < 19; i++)
    g_ptr_array_add (f->console->overview->errors, g_strdup_printf ("error %d", i));
  g_autofree char *all = screen (f);
  g_test_message ("%s", all);
  int title_y = row_of (f, "Traffic, last 4 min");
  g_assert_cmpint (title_y, ==, 24 - 1 - 4);
  g_autofree char *blank = row_text (f, title_y - 1);
  g_assert_cmpstr (blank, ==, "");
  g_assert_cmpint (row_of (f, "Receipts 5 min"), ==, title_y + 1);
  g_assert_cmpint (row_of (f, "main out"), ==, title_y + 2);
  g_assert_cmpint (row_of (f, "main#1 window"), ==, title_y + 3);
  g_assert_cmpint (row_of (f, "error 0"), >, 0);
  g_assert_cmpint (row_of (f, "error 18"), ==, -1);
}

static void
test_section_zero (Fixture *f, gconstpointer data)
{
  /* A console that has just started: one sample, nothing to show yet. */
  feed (f, 0);
  g_autofree char *all = screen (f);
  g_autofree char *receipts = row_text (f, row_of (f, "Receipts 0 s"));
  g_assert_true (g_str_has_suffix (receipts, "none yet"));
  g_autofree char *out = row_text (f, row_of (f, "main out"));
  /* A blank chart; the value right-aligned at the edge (80 - 13 = 67). */
  g_autofree char *expected = g_strdup_printf ("%-67s%s", "main out", "0.0/s max 0.0");
  g_assert_cmpstr (out, ==, expected);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/chart/sparkline", test_sparkline);
  g_test_add_func ("/chart/columns", test_columns);
  g_test_add_func ("/chart/bar", test_bar);
  g_test_add_func ("/chart/stack", test_stack);
  g_test_add_func ("/history/rates", test_history_rates);
  g_test_add_func ("/history/columns-aligned", test_history_columns_aligned);
  g_test_add_func ("/history/ring", test_history_ring);
  g_test_add_func ("/history/overview", test_history_overview);
  g_test_add_func ("/wire/counters", test_wire_counters);
  g_test_add ("/charts/80x24", Fixture, GINT_TO_POINTER (1000), fixture_setup,
              test_section_80x24, fixture_teardown);
  g_test_add ("/charts/ascii", Fixture, GINT_TO_POINTER (1000), fixture_setup,
              test_section_ascii, fixture_teardown);
  g_test_add ("/charts/sizes", Fixture, GINT_TO_POINTER (1000), fixture_setup,
              test_section_sizes, fixture_teardown);
  g_test_add ("/charts/long-text", Fixture, GINT_TO_POINTER (1000), fixture_setup,
              test_section_long_text, fixture_teardown);
  g_test_add ("/charts/zero", Fixture, GINT_TO_POINTER (1000), fixture_setup,
              test_section_zero, fixture_teardown);
  return g_test_run ();
}
