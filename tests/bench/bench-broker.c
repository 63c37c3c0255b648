/* bench-broker.c — `broker`: messages waiting on ActiveMQ → one router → simulator.
 *
 * A private ActiveMQ (tests/broker/activemq-fixture.c) is loaded with N
 * messages by a stomp.py application, then the daemon starts with [broker]
 * enabled and takes them through the bridge (file per message, ACK after
 * the batch is durable) to the simulator.  Measured: from the daemon's
 * spawn to the last file landing in sent/.  Next to it, from the same run,
 * the spool figure: the same number of files waiting in outbox/new/, as in
 * `e2e-throughput` (backlog, 1 bind).  Size: SR_BENCH_BROKER_N (default
 * 100000). */
#include "activemq-fixture.h"
#include "bench-common.h"

#include <string.h>

#define TARGET_MESSAGES_PER_S 10000.0

/* One measured run. */
typedef struct {
  double seconds;
  double messages_per_s;
  guint64 peak_rss_kib;
} Result;

/* Starts the daemon, waits for @n messages of @parts parts in sent/, stops it. */
static gboolean
measure (BenchRun *run, guint64 n, guint64 parts, Result *r, GError **error)
{
  gint64 last = 0;
  if (!bench_daemon_start (run, error)
      || !bench_wait_sent (run, n, parts, 120, &r->peak_rss_kib, error)
      || !bench_daemon_stop (run, error)
      || !bench_last_sent_us (run, n, &last, error))
    return FALSE;
  if (bench_count_files (run->dead) > 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "messages landed in dead/");
      return FALSE;
    }
  r->seconds = (last - run->daemon_started_us) / 1e6;
  r->messages_per_s = n / r->seconds;
  return TRUE;
}

static gboolean
run_spool (guint64 n, Result *r, GError **error)
{
  g_autoptr(BenchRun) run = bench_run_new (1, error);
  return run != NULL && bench_fill_backlog (run, 0, n, error)
         && measure (run, n, bench_parts_total (0, n), r, error);
}

static gboolean
run_broker (ActiveMQ *mq, guint64 n, Result *r, double *load_s, GError **error)
{
  g_autoptr(BenchRun) run = bench_run_new (1, error);
  if (run == NULL)
    return FALSE;
  g_autofree char *extra = g_strdup_printf ("[broker]\nenabled = yes\nport = %u\napp = " BENCH_APP
                                            "\nprefetch = 1000\n", mq->port);
  g_autofree char *config = NULL;
  if (!g_file_get_contents (run->config, &config, NULL, error))
    return FALSE;
  g_autofree char *both = g_strconcat (config, extra, NULL);
  if (!g_file_set_contents_full (run->config, both, -1, G_FILE_SET_CONTENTS_NONE, 0600, error))
    return FALSE;
  g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  const char *send[] = { "send-many", "/queue/smsrouter.outbox", count, "+41791112233", NULL };
  gint64 start = g_get_monotonic_time ();
  g_autofree char *out = stomp_app (mq->port, send);
  *load_s = (g_get_monotonic_time () - start) / 1e6;
  if (out == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "loading the queue failed");
      return FALSE;
    }
  /* Every message is one GSM part ("msg-I"). */
  return measure (run, n, n, r, error);
}

int
main (int argc, char **argv)
{
  bench_init (argc, argv);
  guint64 n = bench_env_u64 ("SR_BENCH_BROKER_N", 100000);
  g_autofree char *why = NULL;
  /* A queue of 100,000 persistent messages stalled a 256 MiB broker. */
  g_setenv ("SR_ACTIVEMQ_HEAP", "1g", FALSE);
  ActiveMQ *mq = activemq_start (&why);
  if (mq == NULL)
    {
      printf ("broker: skipped: %s\n", why);
      return 77;
    }
  g_autoptr(GError) error = NULL;
  double load_start = bench_loadavg (), load_s = 0;
  Result broker = { 0 }, spool = { 0 };
  gboolean ok = run_broker (mq, n, &broker, &load_s, &error) && run_spool (n, &spool, &error);
  activemq_stop (mq);
  if (!ok)
    {
      g_printerr ("broker: %s\n", error->message);
      return 1;
    }
  double load_end = bench_loadavg ();
  printf ("broker throughput: %" G_GUINT64_FORMAT " messages, 1 bind, window %u\n", n, BENCH_WINDOW);
  printf ("  %-46s %8s %10s %12s\n", "run", "seconds", "msg/s", "peak RSS KiB");
  printf ("  %-46s %8.2f %10.0f %12" G_GUINT64_FORMAT "\n", "waiting on ActiveMQ (STOMP, prefetch 1000)",
          broker.seconds, broker.messages_per_s, broker.peak_rss_kib);
  printf ("  %-46s %8.2f %10.0f %12" G_GUINT64_FORMAT "\n", "waiting in outbox/new/ (e2e-throughput backlog)",
          spool.seconds, spool.messages_per_s, spool.peak_rss_kib);
  printf ("  loading the queue with stomp.py took %.1f s (%.0f messages/s)\n", load_s, n / load_s);
  printf ("  load average (1 min) at start / end: %.2f / %.2f\n", load_start, load_end);
  printf ("  target: >= %.0f messages/s from the broker: %s\n", TARGET_MESSAGES_PER_S,
          broker.messages_per_s >= TARGET_MESSAGES_PER_S ? "met" : "NOT met");
  printf ("{\"bench\":\"broker\",\"messages\":%" G_GUINT64_FORMAT ",\"broker_seconds\":%.3f,"
          "\"broker_messages_per_s\":%.0f,\"spool_seconds\":%.3f,\"spool_messages_per_s\":%.0f,"
          "\"queue_load_seconds\":%.3f,\"load_start\":%.2f,\"load_end\":%.2f,"
          "\"target_messages_per_s\":%.0f,\"target_met\":%s}\n",
          n, broker.seconds, broker.messages_per_s, spool.seconds, spool.messages_per_s, load_s,
          load_start, load_end, TARGET_MESSAGES_PER_S,
          broker.messages_per_s >= TARGET_MESSAGES_PER_S ? "true" : "false");
  return 0;
}
