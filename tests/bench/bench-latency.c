/* bench-latency.c — per-message latency at an offered load: a writer
 * process drops files of the mix into outbox/new/ at 1,000 and at 10,000
 * messages/s (SR_BENCH_LATENCY_SECONDS each, default 10) while the daemon
 * runs with one bind, window 64.  A message's latency runs from the real
 * time just before its rename into new/ (kept by the writer) to the
 * submit_sm_resp of its last part (segments.submitted_at in the journal,
 * read after the daemon stopped). */
#define G_LOG_DOMAIN "sr-bench"

#include "bench-common.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define TARGET_P99_MS_AT_1000 20.0

/* What one offered rate measured. */
typedef struct {
  guint rate;
  guint64 messages;
  double offered_per_s;    /* what the writer achieved */
  double p50_ms, p99_ms, max_ms, mean_ms;
} LatencyResult;

static int
cmp_i64 (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

/* Fills @latency[i] (µs) for message i from the journal and @renamed. */
static gboolean
read_latencies (BenchRun *run, guint64 n, const gint64 *renamed, gint64 *latency, GError **error)
{
  g_autofree char *path = g_build_filename (run->spool, "router", "journal.db", NULL);
  g_autofree gboolean *seen = g_new0 (gboolean, n);
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  guint64 rows = 0;
  int rc;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db,
                             "SELECT m.file, MAX(s.submitted_at), COUNT(s.part), "
                             "COUNT(s.submitted_at), m.parts FROM messages m "
                             "JOIN segments s ON s.message_id = m.id GROUP BY m.id",
                             -1, &st, NULL);
  while ((rc == SQLITE_OK || rc == SQLITE_ROW) && (rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      const char *file = (const char *) sqlite3_column_text (st, 0);
      guint64 index = file != NULL ? bench_index_from_name (file) : G_MAXUINT64;
      gint64 answered = sqlite3_column_int64 (st, 1);
      guint64 parts = sqlite3_column_int64 (st, 2);

      if (index >= n || seen[index] || parts != bench_parts (index)
          || sqlite3_column_int64 (st, 3) != (gint64) parts
          || sqlite3_column_int64 (st, 4) != (gint64) parts)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "unexpected journal row: file %s, %" G_GUINT64_FORMAT " segments, "
                       "%" G_GINT64_FORMAT " answered, %" G_GINT64_FORMAT " parts",
                       file != NULL ? file : "(null)", parts,
                       (gint64) sqlite3_column_int64 (st, 3), (gint64) sqlite3_column_int64 (st, 4));
          rc = SQLITE_ERROR;
          break;
        }
      seen[index] = TRUE;
      latency[index] = answered - renamed[index];
      rows++;
    }
  if (rc != SQLITE_DONE && (error == NULL || *error == NULL))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot read the journal %s: %s",
                 path, db != NULL ? sqlite3_errmsg (db) : "out of memory");
  sqlite3_finalize (st);
  sqlite3_close (db);
  if (rc != SQLITE_DONE)
    return FALSE;
  if (rows != n)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "the journal holds %" G_GUINT64_FORMAT " sent messages, expected %" G_GUINT64_FORMAT,
                   rows, n);
      return FALSE;
    }
  return TRUE;
}

static gboolean
run_rate (guint rate, guint seconds, LatencyResult *r, GError **error)
{
  g_autoptr(BenchRun) run = bench_run_new (1, error);
  g_autoptr(BenchWriter) writer = NULL;
  g_autofree gint64 *renamed = NULL;
  g_autofree gint64 *latency = NULL;
  guint64 n = (guint64) rate * seconds;
  double sum = 0;

  memset (r, 0, sizeof *r);
  r->rate = rate;
  r->messages = n;
  if (run == NULL || !bench_daemon_start (run, error) || !bench_wait_bound (run, 30, error))
    return FALSE;
  /* let the start-up scan finish before the clock matters */
  g_usleep (500000);
  writer = bench_writer_start (run, 0, n, rate, FALSE, error);
  if (writer == NULL)
    return FALSE;
  if (!bench_wait_sent (run, n, bench_parts_total (0, n), 60, NULL, error)
      || !bench_writer_wait (writer, error)
      || (renamed = bench_writer_times (writer, error)) == NULL
      || !bench_daemon_stop (run, error))
    return FALSE;
  r->offered_per_s = n > 1 ? (n - 1) / ((renamed[n - 1] - renamed[0]) / 1e6) : 0;

  latency = g_new (gint64, n);
  if (!read_latencies (run, n, renamed, latency, error))
    return FALSE;
  for (guint64 i = 0; i < n; i++)
    sum += latency[i];
  qsort (latency, n, sizeof *latency, cmp_i64);
  r->p50_ms = latency[(n - 1) * 50 / 100] / 1e3;
  r->p99_ms = latency[(n - 1) * 99 / 100] / 1e3;
  r->max_ms = latency[n - 1] / 1e3;
  r->mean_ms = sum / n / 1e3;
  return TRUE;
}

int
main (int argc, char **argv)
{
  static const guint rates[] = { 1000, 10000 };
  LatencyResult r[G_N_ELEMENTS (rates)];
  g_autoptr(GString) json = g_string_new (NULL);
  guint seconds;
  gboolean met;
  double load_start, load_end;

  bench_init (argc, argv);
  seconds = bench_env_u64 ("SR_BENCH_LATENCY_SECONDS", 10);
  load_start = bench_loadavg ();
  for (guint i = 0; i < G_N_ELEMENTS (rates); i++)
    {
      g_autoptr(GError) error = NULL;
      if (!run_rate (rates[i], seconds, &r[i], &error))
        {
          g_printerr ("latency at %u messages/s: %s\n", rates[i], error->message);
          return 1;
        }
    }
  met = r[0].p99_ms <= TARGET_P99_MS_AT_1000;
  load_end = bench_loadavg ();

  printf ("latency from rename into outbox/new/ to the last part's submit_sm_resp\n"
          "(mix of 80 %% GSM, 15 %% UCS-2, 5 %% 3-part GSM; 1 bind, window %u; %u s per rate)\n",
          BENCH_WINDOW, seconds);
  printf ("  %-14s %10s %10s %9s %9s %9s %9s\n", "offered msg/s", "achieved", "messages",
          "p50 ms", "p99 ms", "max ms", "mean ms");
  for (guint i = 0; i < G_N_ELEMENTS (rates); i++)
    printf ("  %-14u %10.0f %10" G_GUINT64_FORMAT " %9.2f %9.2f %9.2f %9.2f\n", r[i].rate,
            r[i].offered_per_s, r[i].messages, r[i].p50_ms, r[i].p99_ms, r[i].max_ms, r[i].mean_ms);
  printf ("  load average (1 min) at start / end: %.2f / %.2f\n", load_start, load_end);
  printf ("  target: p99 <= %.0f ms at 1000 messages/s: %s\n", TARGET_P99_MS_AT_1000,
          met ? "met" : "NOT met");

  g_string_append_printf (json, "{\"bench\":\"latency\",\"seconds_per_rate\":%u,\"binds\":1,"
                          "\"window\":%u,\"load_average\":[%.2f,%.2f],\"rates\":[",
                          seconds, BENCH_WINDOW, load_start, load_end);
  for (guint i = 0; i < G_N_ELEMENTS (rates); i++)
    g_string_append_printf (json, "%s{\"offered_per_s\":%u,\"achieved_per_s\":%.0f,"
                            "\"messages\":%" G_GUINT64_FORMAT ",\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
                            "\"max_ms\":%.3f,\"mean_ms\":%.3f}", i ? "," : "", r[i].rate,
                            r[i].offered_per_s, r[i].messages, r[i].p50_ms, r[i].p99_ms,
                            r[i].max_ms, r[i].mean_ms);
  g_string_append_printf (json, "],\"targets\":{\"p99_ms_at_1000\":%.0f,\"p99_at_1000_met\":%s}}",
                          TARGET_P99_MS_AT_1000, met ? "true" : "false");
  printf ("%s\n", json->str);
  return 0;
}
