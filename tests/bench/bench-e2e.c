/* bench-e2e.c — end-to-end throughput of the real daemon against the
 * simulator over loopback: N messages of the mix (SR_BENCH_N, default
 * 200,000) either already waiting in outbox/new/ or dropped there by a writer
 * process at full speed while the daemon runs; window 64, no throttling, with
 * 1 and 4 binds.  Time runs from the daemon's spawn (backlog) or the writer's
 * start (arriving) to the last file landing in sent/.  The baseline submits
 * the same PDUs from memory over the same session library: the ceiling. */
#define G_LOG_DOMAIN "sr-bench"

#include "bench-baseline.h"
#include "bench-common.h"

#include <stdlib.h>
#include <string.h>

#define TARGET_MESSAGES_PER_S 25000.0
#define TARGET_RATIO 0.5

/* One router run. */
typedef struct {
  guint binds;
  gboolean arriving;
  double seconds;
  double messages_per_s;
  double parts_per_s;
  double writer_per_s;     /* arriving: how fast the writer dropped files */
  gint64 submits;          /* as counted by the simulator */
  guint64 peak_rss_kib;
} RouterResult;

static gboolean
run_router (guint binds, gboolean arriving, guint64 n, RouterResult *r, GError **error)
{
  g_autoptr(BenchRun) run = bench_run_new (binds, error);
  g_autoptr(BenchWriter) writer = NULL;
  guint64 parts = bench_parts_total (0, n);
  gint64 t0, last;

  memset (r, 0, sizeof *r);
  r->binds = binds;
  r->arriving = arriving;
  if (run == NULL)
    return FALSE;
  if (!arriving && !bench_fill_backlog (run, 0, n, error))
    return FALSE;
  if (!bench_daemon_start (run, error))
    return FALSE;
  t0 = run->daemon_started_us;
  if (arriving)
    {
      if (!bench_wait_bound (run, 30, error))
        return FALSE;
      t0 = g_get_real_time ();
      writer = bench_writer_start (run, 0, n, 0, FALSE, error);
      if (writer == NULL)
        return FALSE;
    }
  if (!bench_wait_sent (run, n, parts, 300, &r->peak_rss_kib, error))
    return FALSE;
  if (writer != NULL)
    {
      g_autofree gint64 *times = NULL;
      if (!bench_writer_wait (writer, error) || (times = bench_writer_times (writer, error)) == NULL)
        return FALSE;
      r->writer_per_s = n > 1 && times[n - 1] > times[0] ? (n - 1) / ((times[n - 1] - times[0]) / 1e6) : 0;
    }
  r->submits = sr_test_sim_stat (run->sim, "submits");
  if (!bench_daemon_stop (run, error) || !bench_last_sent_us (run, n, &last, error))
    return FALSE;
  if (bench_count_files (run->dead) > 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "messages landed in dead/");
      return FALSE;
    }
  r->seconds = (last - t0) / 1e6;
  r->messages_per_s = n / r->seconds;
  r->parts_per_s = parts / r->seconds;
  return TRUE;
}

static gboolean
run_baseline (guint sessions, guint64 n, BenchBaselineResult *r, GError **error)
{
  g_autoptr(BenchRun) run = bench_run_new (sessions, error);
  if (run == NULL)
    return FALSE;
  return bench_baseline_run (run, n, r, error);
}

/* How fast a writer alone (no daemon) creates and renames message files
 * into outbox/new/ on the spool's file system: a floor under any per-file
 * cost, to read the router's figures against. */
static gboolean
run_filesystem (guint64 n, double *per_s, GError **error)
{
  g_autoptr(BenchRun) run = bench_run_new (1, error);
  g_autoptr(BenchWriter) writer = NULL;
  gint64 start = g_get_monotonic_time ();
  if (run == NULL || (writer = bench_writer_start (run, 0, n, 0, TRUE, error)) == NULL
      || !bench_writer_wait (writer, error))
    return FALSE;
  *per_s = n / ((g_get_monotonic_time () - start) / 1e6);
  return TRUE;
}

static void
print_router (const RouterResult *r, const BenchBaselineResult *base)
{
  g_autofree char *label = g_strdup_printf ("%s, %u bind%s",
                                            r->arriving ? "arriving (writer at full speed)" : "backlog in new/",
                                            r->binds, r->binds > 1 ? "s" : "");
  printf ("  %-38s %8.2f %10.0f %10.0f %7.1f %%\n", label, r->seconds, r->messages_per_s,
          r->parts_per_s, 100.0 * r->parts_per_s / base->parts_per_s);
}

static void
json_router (GString *json, const RouterResult *r, const BenchBaselineResult *base)
{
  double ratio = r->parts_per_s / base->parts_per_s;
  g_string_append_printf (json,
                          "{\"mode\":\"%s\",\"binds\":%u,\"seconds\":%.3f,\"messages_per_s\":%.0f,"
                          "\"parts_per_s\":%.0f,\"submits\":%" G_GINT64_FORMAT ","
                          "\"ratio_to_baseline\":%.3f,\"peak_rss_kib\":%" G_GUINT64_FORMAT,
                          r->arriving ? "arriving" : "backlog", r->binds, r->seconds,
                          r->messages_per_s, r->parts_per_s, r->submits, ratio, r->peak_rss_kib);
  if (r->arriving)
    g_string_append_printf (json, ",\"writer_files_per_s\":%.0f", r->writer_per_s);
  g_string_append_printf (json, ",\"target_messages_per_s_met\":%s,\"target_ratio_met\":%s}",
                          r->messages_per_s >= TARGET_MESSAGES_PER_S ? "true" : "false",
                          ratio >= TARGET_RATIO ? "true" : "false");
}

int
main (int argc, char **argv)
{
  guint64 n;
  guint64 parts;
  static const guint binds[] = { 1, 4 };
  BenchBaselineResult base[G_N_ELEMENTS (binds)];
  RouterResult router[G_N_ELEMENTS (binds)][2];
  g_autoptr(GString) json = g_string_new (NULL);
  gboolean all_met = TRUE;
  double fs_per_s = 0;
  double load_start, load_end;

  bench_init (argc, argv);
  n = bench_env_u64 ("SR_BENCH_N", 200000);
  if (n % 20 != 0)
    g_error ("SR_BENCH_N=%" G_GUINT64_FORMAT " must be a multiple of 20 (one cycle of the mix)", n);
  parts = bench_parts_total (0, n);
  load_start = bench_loadavg ();

  {
    g_autoptr(GError) error = NULL;
    if (!run_filesystem (MIN (n, 20000), &fs_per_s, &error))
      g_error ("file system: %s", error->message);
  }
  for (guint b = 0; b < G_N_ELEMENTS (binds); b++)
    {
      g_autoptr(GError) error = NULL;
      if (!run_baseline (binds[b], n, &base[b], &error))
        {
          g_printerr ("e2e-throughput: baseline, %u session(s): %s\n", binds[b], error->message);
          return 1;
        }
      for (guint a = 0; a < 2; a++)
        if (!run_router (binds[b], a == 1, n, &router[b][a], &error))
          {
            g_printerr ("e2e-throughput: router, %u bind(s), %s: %s\n", binds[b],
                        a ? "arriving" : "backlog", error->message);
            return 1;
          }
    }

  load_end = bench_loadavg ();
  printf ("end-to-end throughput: %" G_GUINT64_FORMAT " messages (%" G_GUINT64_FORMAT
          " parts: 80 %% GSM, 15 %% UCS-2, 5 %% 3-part GSM), window %u, throttling off\n",
          n, parts, BENCH_WINDOW);
  printf ("  %-38s %8s %10s %10s %9s\n", "run", "seconds", "msg/s", "parts/s", "of base");
  for (guint b = 0; b < G_N_ELEMENTS (binds); b++)
    {
      printf ("  %-38s %8.2f %10.0f %10.0f %9s\n",
              binds[b] == 1 ? "baseline (from memory), 1 session" : "baseline (from memory), 4 sessions",
              base[b].seconds, base[b].messages_per_s, base[b].parts_per_s, "100 %");
      for (guint a = 0; a < 2; a++)
        print_router (&router[b][a], &base[b]);
    }

  g_string_append_printf (json, "{\"bench\":\"e2e-throughput\",\"messages\":%" G_GUINT64_FORMAT
                          ",\"parts\":%" G_GUINT64_FORMAT ",\"window\":%u,\"load_average\":[%.2f,%.2f],"
                          "\"writer_alone_files_per_s\":%.0f,\"baseline\":[", n, parts,
                          BENCH_WINDOW, load_start, load_end, fs_per_s);
  for (guint b = 0; b < G_N_ELEMENTS (binds); b++)
    g_string_append_printf (json, "%s{\"sessions\":%u,\"seconds\":%.3f,\"messages_per_s\":%.0f,"
                            "\"parts_per_s\":%.0f}", b ? "," : "", base[b].sessions,
                            base[b].seconds, base[b].messages_per_s, base[b].parts_per_s);
  g_string_append (json, "],\"router\":[");
  for (guint b = 0; b < G_N_ELEMENTS (binds); b++)
    for (guint a = 0; a < 2; a++)
      {
        if (b + a > 0)
          g_string_append_c (json, ',');
        json_router (json, &router[b][a], &base[b]);
        all_met = all_met && router[b][a].messages_per_s >= TARGET_MESSAGES_PER_S
                  && router[b][a].parts_per_s / base[b].parts_per_s >= TARGET_RATIO;
      }
  g_string_append_printf (json, "],\"targets\":{\"messages_per_s\":%.0f,\"ratio_to_baseline\":%.2f,"
                          "\"all_met\":%s}}", TARGET_MESSAGES_PER_S, TARGET_RATIO,
                          all_met ? "true" : "false");
  printf ("  %-38s %8s %10.0f\n", "writer alone, writing each file (files/s)", "", fs_per_s);
  printf ("  load average (1 min) at start / end: %.2f / %.2f\n", load_start, load_end);
  printf ("  targets: >= %.0f messages/s, >= %.0f %% of the baseline: %s\n",
          TARGET_MESSAGES_PER_S, 100 * TARGET_RATIO, all_met ? "met" : "NOT met");
  printf ("%s\n", json->str);
  return 0;
}
