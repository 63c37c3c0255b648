/* bench-http.c — Kannel's sendsms under load: wrk (keep-alive connections,
 * SR_BENCH_HTTP_CONNECTIONS, default 16) sends GET /cgi-bin/sendsms for
 * SR_BENCH_HTTP_SECONDS (default 10) to the real daemon with one bind to
 * the simulator.  Measures the requests/s accepted (202, each an fsynced
 * outbox file) and the messages/s end to end, from wrk's start to the last
 * file landing in sent/. */
#define G_LOG_DOMAIN "sr-bench"

#include "bench-common.h"

#include <gio/gio.h>
#include <string.h>

#define TARGET_MESSAGES_PER_S 15000

static int
fail (BenchRun *run, const char *message)
{
  g_printerr ("http: %s\n", message);
  bench_run_free (run);
  return 1;
}

/* The number after @label in @text, or -1. */
static double
number_after (const char *text, const char *label)
{
  const char *p = text != NULL ? strstr (text, label) : NULL;
  return p != NULL ? g_ascii_strtod (p + strlen (label), NULL) : -1;
}

/* GET http://127.0.0.1:@port@path with curl (the benchmark's only other client). */
static char *
fetch (guint16 port, const char *path)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", port, path);
  g_autoptr(GSubprocess) p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                               NULL, "curl", "-s", "-f", url, NULL);
  char *out = NULL;
  if (p == NULL || !g_subprocess_communicate_utf8 (p, NULL, NULL, &out, NULL, NULL)
      || !g_subprocess_get_successful (p))
    {
      g_free (out);
      return NULL;
    }
  return out;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  bench_init (argc, argv);
  guint64 seconds = bench_env_u64 ("SR_BENCH_HTTP_SECONDS", 10);
  guint64 conns = bench_env_u64 ("SR_BENCH_HTTP_CONNECTIONS", 16);
  double load_start = bench_loadavg ();

  BenchRun *run = bench_run_new (1, &error);
  if (run == NULL)
    return fail (NULL, error->message);
  guint16 port = sr_test_free_port ();
  g_autofree char *extra = g_strdup_printf ("\n[http]\nport = %u\n[http-user:bench]\npassword = bench\napp = %s\n",
                                            port, BENCH_APP);
  g_autofree char *config = NULL;
  if (!g_file_get_contents (run->config, &config, NULL, &error))
    return fail (run, error->message);
  g_autofree char *full = g_strconcat (config, extra, NULL);
  if (!g_file_set_contents (run->config, full, -1, &error))
    return fail (run, error->message);
  if (!bench_daemon_start (run, &error) || !bench_wait_bound (run, 30, &error))
    return fail (run, error->message);
  g_autofree char *up = NULL;
  for (guint i = 0; i < 200 && (up = fetch (port, "/metrics")) == NULL; i++)
    g_usleep (50000);
  if (up == NULL)
    return fail (run, "the HTTP front end does not answer");

  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/cgi-bin/sendsms?username=bench&password=bench"
                                          "&to=%%2B41791234567&text=Hello+from+wrk", port);
  g_autofree char *threads = g_strdup_printf ("-t%u", (guint) MIN (conns, 2));
  g_autofree char *connections = g_strdup_printf ("-c%" G_GUINT64_FORMAT, conns);
  g_autofree char *duration = g_strdup_printf ("-d%" G_GUINT64_FORMAT "s", seconds);
  gint64 start = g_get_real_time ();
  g_autoptr(GSubprocess) wrk = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE,
                                                 &error, "wrk", threads, connections, duration, "--latency", url, NULL);
  g_autofree char *report = NULL;
  if (wrk == NULL || !g_subprocess_communicate_utf8 (wrk, NULL, NULL, &report, NULL, &error))
    return fail (run, error->message);
  if (!g_subprocess_get_successful (wrk))
    return fail (run, report);

  g_autofree char *metrics = fetch (port, "/metrics");
  double accepted = number_after (metrics, "sms_router_http_requests_total{endpoint=\"sendsms\",code=\"202\"} ");
  double refused = number_after (report, "Non-2xx or 3xx responses:");
  double rps = number_after (report, "Requests/sec:");
  if (accepted <= 0)
    return fail (run, "no request was accepted");
  gint64 last = 0;
  if (!bench_wait_sent (run, (guint64) accepted, (guint64) accepted, 120, NULL, &error)
      || !bench_last_sent_us (run, (guint64) accepted, &last, &error))
    return fail (run, error->message);
  if (!bench_daemon_stop (run, &error))
    return fail (run, error->message);
  if (bench_count_files (run->dead) > 0)
    return fail (run, "messages landed in dead/");
  double e2e = accepted / ((last - start) / 1e6);
  double load_end = bench_loadavg ();
  gboolean met = e2e >= TARGET_MESSAGES_PER_S;

  printf ("http: wrk with %" G_GUINT64_FORMAT " keep-alive connections for %" G_GUINT64_FORMAT
          " s -> sendsms -> 1 bind, window %u\n", conns, seconds, BENCH_WINDOW);
  bench_row ("requests/s (wrk)", "%.0f", rps);
  bench_row ("accepted (202)", "%.0f", accepted);
  bench_row ("refused (non-2xx)", "%.0f", refused < 0 ? 0 : refused);
  bench_row ("messages/s end to end", "%.0f", e2e);
  printf ("  load average (1 min) at start / end: %.2f / %.2f\n", load_start, load_end);
  printf ("  target: >= %d messages/s end to end: %s\n", TARGET_MESSAGES_PER_S, met ? "met" : "NOT met");
  printf ("%s", report);
  printf ("{\"bench\":\"http\",\"connections\":%" G_GUINT64_FORMAT ",\"seconds\":%" G_GUINT64_FORMAT
          ",\"load_average\":[%.2f,%.2f],\"requests_per_s\":%.0f,\"accepted\":%.0f,\"refused\":%.0f,"
          "\"messages_per_s\":%.0f,\"targets\":{\"messages_per_s\":%d,\"messages_per_s_met\":%s}}\n",
          conns, seconds, load_start, load_end, rps, accepted, refused < 0 ? 0 : refused, e2e,
          TARGET_MESSAGES_PER_S, met ? "true" : "false");
  bench_run_free (run);
  return 0;
}
