/* bench-scale.c — memory and start-up with a large backlog: SR_BENCH_BACKLOG
 * messages of the mix (default 1,000,000) waiting in outbox/new/ before the
 * daemon starts (one bind, window 64).  Measures the time from the spawn to
 * the first bind and to the first submit_sm the simulator counts, the
 * daemon's peak RSS (VmHWM) when it begins submitting and over the whole
 * run (flat means streaming, not loading), the throughput through the
 * backlog, and the journal's size per million messages. */
#define G_LOG_DOMAIN "sr-bench"

#include "bench-common.h"

#include <string.h>

#define TARGET_PEAK_RSS_KIB (64 * 1024)

/* Reports @message, stops the daemon and the simulator, removes the spool
 * (unless SR_BENCH_KEEP) and fails. */
static int
fail (BenchRun *run, const char *message)
{
  g_printerr ("scale: %s\n", message);
  bench_run_free (run);
  return 1;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  BenchRun *run = NULL;
  guint64 n, parts, hwm_start = 0, hwm_peak = 0, journal;
  gint64 fill_start, fill_us, bound_us = 0, first_us = 0, last;
  double seconds;
  gboolean met;
  double load_start, load_end;
  g_autoptr(GString) tenths = g_string_new (NULL);

  bench_init (argc, argv);
  n = bench_env_u64 ("SR_BENCH_BACKLOG", 1000000);
  parts = bench_parts_total (0, n);
  load_start = bench_loadavg ();

  run = bench_run_new (1, &error);
  if (run == NULL)
    return fail (NULL, error->message);
  fill_start = g_get_monotonic_time ();
  if (!bench_fill_backlog (run, 0, n, &error))
    return fail (run, error->message);
  fill_us = g_get_monotonic_time () - fill_start;

  if (!bench_daemon_start (run, &error))
    return fail (run, error->message);
  /* Poll closely until the first submit: that is the start-up time. */
  while (first_us == 0)
    {
      gint64 now = g_get_real_time ();
      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (run->daemon_exited)
        return fail (run, "the daemon exited during start-up (SR_BENCH_KEEP=1 keeps its daemon.log)");
      if (now - run->daemon_started_us > 600 * G_USEC_PER_SEC)
        return fail (run, "the daemon did not submit anything within 600 s of its start");
      if (bound_us == 0 && sr_test_sim_stat (run->sim, "binds_ok") >= 1)
        bound_us = now - run->daemon_started_us;
      if (sr_test_sim_stat (run->sim, "submits") >= 1)
        first_us = now - run->daemon_started_us;
      hwm_start = MAX (hwm_start, bench_daemon_kib (run, "VmHWM"));
      g_usleep (2000);
    }
  if (bound_us == 0)
    bound_us = first_us;
  hwm_peak = hwm_start;
  if (!bench_wait_sent (run, n, parts, 600, &hwm_peak, &error))
    return fail (run, error->message);
  hwm_peak = MAX (hwm_peak, bench_daemon_kib (run, "VmHWM"));
  if (!bench_daemon_stop (run, &error) || !bench_last_sent_us (run, n, &last, &error))
    return fail (run, error->message);
  if (bench_count_files (run->dead) > 0)
    return fail (run, "messages landed in dead/");
  journal = bench_journal_bytes (run);
  load_end = bench_loadavg ();
  seconds = (last - run->daemon_started_us) / 1e6;
  met = hwm_peak <= TARGET_PEAK_RSS_KIB;
  for (guint t = 1; t <= 10; t++)
    g_string_append_printf (tenths, "%s%" G_GUINT64_FORMAT, t > 1 ? "," : "", run->rss_kib_at_tenth[t]);

  printf ("scale: %" G_GUINT64_FORMAT " messages (%" G_GUINT64_FORMAT " parts) waiting in "
          "outbox/new/ at start; 1 bind, window %u\n", n, parts, BENCH_WINDOW);
  bench_row ("backlog written (files/s)", "%.0f", n / (fill_us / 1e6));
  bench_row ("spawn to first bind (s)", "%.3f", bound_us / 1e6);
  bench_row ("spawn to first submit_sm (s)", "%.3f", first_us / 1e6);
  bench_row ("peak RSS when submitting begins (MiB)", "%.1f", hwm_start / 1024.0);
  bench_row ("peak RSS over the whole run (MiB)", "%.1f", hwm_peak / 1024.0);
  bench_row ("spawn to last file in sent/ (s)", "%.2f", seconds);
  bench_row ("throughput through the backlog (msg/s)", "%.0f", n / seconds);
  bench_row ("journal after the run (MiB)", "%.1f", journal / 1048576.0);
  bench_row ("journal per million messages (MiB)", "%.1f", journal / 1048576.0 * 1e6 / n);
  printf ("  RSS (MiB) at 10 %%, 20 %%, ... 100 %% of the parts submitted:\n   ");
  for (guint t = 1; t <= 10; t++)
    printf (" %.1f", run->rss_kib_at_tenth[t] / 1024.0);
  printf ("\n");
  printf ("  load average (1 min) at start / end: %.2f / %.2f\n", load_start, load_end);
  printf ("  target: peak RSS <= %d MiB with the backlog: %s\n", TARGET_PEAK_RSS_KIB / 1024,
          met ? "met" : "NOT met");
  printf ("{\"bench\":\"scale\",\"backlog\":%" G_GUINT64_FORMAT ",\"parts\":%" G_GUINT64_FORMAT
          ",\"binds\":1,\"window\":%u,\"load_average\":[%.2f,%.2f],\"backlog_files_per_s\":%.0f,\"seconds_to_bind\":%.3f,"
          "\"seconds_to_first_submit\":%.3f,\"peak_rss_kib_at_first_submit\":%" G_GUINT64_FORMAT
          ",\"peak_rss_kib\":%" G_GUINT64_FORMAT ",\"seconds\":%.3f,\"messages_per_s\":%.0f,"
          "\"journal_bytes\":%" G_GUINT64_FORMAT ",\"journal_bytes_per_million\":%.0f,"
          "\"rss_kib_at_tenths\":[%s],"
          "\"targets\":{\"peak_rss_kib\":%d,\"peak_rss_met\":%s}}\n",
          n, parts, BENCH_WINDOW, load_start, load_end, n / (fill_us / 1e6), bound_us / 1e6, first_us / 1e6, hwm_start,
          hwm_peak, seconds, n / seconds, journal, journal * 1e6 / n, tenths->str, TARGET_PEAK_RSS_KIB,
          met ? "true" : "false");
  bench_run_free (run);
  return 0;
}
