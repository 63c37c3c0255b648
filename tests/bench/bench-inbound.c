/* bench-inbound.c — inbound throughput of the real daemon against the
 * simulator over loopback, 1 bind, deliver window 64:
 *
 * - MO: N messages of the mix (SR_BENCH_INBOUND_N, default 20,000; 16 of
 *   every 20 one GSM part, 3 one UCS-2 part, 1 three GSM parts) queued in
 *   the simulator (--mo-file) before the daemon starts; time from the spawn
 *   to the last file landing in the app's inbox/new/.  The simulator counts
 *   a deliver_sm only when answered with status 0, which the router sends
 *   only once the message is durable.
 * - Receipts: N messages sent first (receipts requested, the simulator
 *   sending none), the daemon stopped, one receipt per part queued in the
 *   simulator for the ids the journal recorded; time from the next spawn to
 *   the last receipt file in receipts/new/, every receipt matched. */
#define G_LOG_DOMAIN "sr-bench"

#include "bench-common.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TARGET_PER_S 5000.0
/* The number the MOs are sent to: the bench app's own. */
#define BENCH_OUR_NUMBER "+41791234567"

/* One measured phase. */
typedef struct {
  guint64 messages;
  guint64 parts;
  double seconds;
  double per_s;        /* messages (MO) or receipts per second */
  gint64 refused;      /* deliver_sm answered with an error (the simulator retries them) */
  double cpu_s;        /* the daemon's user + system time over the phase's run */
  guint64 peak_rss_kib;
} PhaseResult;

/* Appends @text to @spec with the simulator's escapes (\, and \\). */
static void
append_escaped (GString *spec, const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == ',' || *p == '\\')
        g_string_append_c (spec, '\\');
      g_string_append_c (spec, *p);
    }
}

/* Writes one MO spec per message of the mix into a temporary file. */
static char *
write_mo_file (guint64 n, GError **error)
{
  g_autoptr(GString) specs = g_string_new (NULL);
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("sr-bench-mo-XXXXXX", &path, error);

  if (fd < 0)
    return NULL;
  close (fd);
  for (guint64 i = 0; i < n; i++)
    {
      char from[32], text[512];
      bench_destination (i, from, sizeof from);
      bench_text (i, text, sizeof text);
      g_string_append_printf (specs, "from=%s,to=" BENCH_OUR_NUMBER ",text=", from);
      append_escaped (specs, text);
      g_string_append_c (specs, '\n');
    }
  if (!g_file_set_contents (path, specs->str, specs->len, error))
    {
      g_unlink (path);
      return NULL;
    }
  return g_steal_pointer (&path);
}

static gboolean
run_mo (guint64 n, PhaseResult *r, GError **error)
{
  g_autofree char *mo_file = write_mo_file (n, error);
  g_autoptr(BenchRun) run = NULL;
  gint64 last;
  gboolean ok = FALSE;

  memset (r, 0, sizeof *r);
  r->messages = n;
  r->parts = bench_parts_total (0, n);
  if (mo_file == NULL)
    return FALSE;
  {
    const char *const sim_extra[] = { "--mo-file", mo_file, "--deliver-window", "64", NULL };
    run = bench_run_new_full (1, sim_extra, "report = no\ndefault-app = " BENCH_APP "\n", error);
  }
  if (run == NULL)
    goto out;
  if (sr_test_sim_stat (run->sim, "mo_queued") != (gint64) r->parts)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "the simulator queued %" G_GINT64_FORMAT " MO parts, expected %" G_GUINT64_FORMAT,
                   sr_test_sim_stat (run->sim, "mo_queued"), r->parts);
      goto out;
    }
  if (!bench_daemon_start (run, error)
      || !bench_wait_delivered (run, run->inbox_new, n, r->parts, 120, error))
    goto out;
  r->peak_rss_kib = bench_daemon_kib (run, "VmHWM");
  r->refused = sr_test_sim_stat (run->sim, "deliver_nacked");
  r->cpu_s = bench_daemon_cpu_s (run);
  if (!bench_daemon_stop (run, error) || !bench_last_change_us (run->inbox_new, n, &last, error))
    goto out;
  r->seconds = (last - run->daemon_started_us) / 1e6;
  r->per_s = n / r->seconds;
  ok = TRUE;
out:
  g_unlink (mo_file);
  return ok;
}

/* Runs @sql (one integer or text column) on the run's journal, calling
 * @row for every row. */
static gboolean
journal_query (BenchRun *run, const char *sql, void (*row) (sqlite3_stmt *, gpointer),
               gpointer user_data, GError **error)
{
  g_autofree char *path = g_build_filename (run->spool, "router", "journal.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "journal %s: %s", path,
                   db != NULL ? sqlite3_errmsg (db) : "cannot open");
      sqlite3_close (db);
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    row (stmt, user_data);
  if (rc != SQLITE_DONE)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "journal %s: %s", path, sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return rc == SQLITE_DONE;
}

static void
collect_text (sqlite3_stmt *stmt, gpointer user_data)
{
  g_ptr_array_add (user_data, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
}

static void
collect_int (sqlite3_stmt *stmt, gpointer user_data)
{
  *(gint64 *) user_data = sqlite3_column_int64 (stmt, 0);
}

static gboolean
run_receipts (guint64 n, PhaseResult *r, GError **error)
{
  g_autoptr(BenchRun) run = bench_run_new_full (1, NULL, "report = yes\n", error);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  gint64 matched = -1, last;

  memset (r, 0, sizeof *r);
  r->messages = n;
  r->parts = bench_parts_total (0, n);
  if (run == NULL || !bench_fill_backlog (run, 0, n, error) || !bench_daemon_start (run, error)
      || !bench_wait_sent (run, n, r->parts, 120, NULL, error) || !bench_daemon_stop (run, error))
    return FALSE;
  if (!journal_query (run, "SELECT smsc_id FROM segments WHERE smsc_id IS NOT NULL", collect_text,
                      ids, error))
    return FALSE;
  if (ids->len != r->parts)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%u accepted parts in the journal, expected %"
                   G_GUINT64_FORMAT, ids->len, r->parts);
      return FALSE;
    }
  /* Queued while no receiver is bound: they all wait for the next bind. */
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *command = g_strdup_printf ("receipt %s", (const char *) ids->pdata[i]);
      g_autofree char *reply = sr_test_sim_command (run->sim, command);
      if (reply == NULL || !g_str_has_prefix (reply, "OK"))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", command,
                       reply != NULL ? reply : "the simulator is gone");
          return FALSE;
        }
    }
  if (!bench_daemon_start (run, error)
      || !bench_wait_delivered (run, run->receipts_new, r->parts, r->parts, 120, error))
    return FALSE;
  r->peak_rss_kib = bench_daemon_kib (run, "VmHWM");
  r->refused = sr_test_sim_stat (run->sim, "deliver_nacked");
  r->cpu_s = bench_daemon_cpu_s (run);
  if (!bench_daemon_stop (run, error)
      || !bench_last_change_us (run->receipts_new, r->parts, &last, error)
      || !journal_query (run, "SELECT count(*) FROM receipts WHERE message_id IS NOT NULL",
                         collect_int, &matched, error))
    return FALSE;
  if (matched != (gint64) r->parts)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%" G_GINT64_FORMAT " receipts matched, expected %"
                   G_GUINT64_FORMAT, matched, r->parts);
      return FALSE;
    }
  r->seconds = (last - run->daemon_started_us) / 1e6;
  r->per_s = r->parts / r->seconds;
  return TRUE;
}

int
main (int argc, char **argv)
{
  guint64 n;
  PhaseResult mo, receipts;
  double load_start, load_end;
  gboolean mo_met, receipts_met;

  bench_init (argc, argv);
  n = bench_env_u64 ("SR_BENCH_INBOUND_N", 20000);
  if (n == 0 || n % 20 != 0)
    g_error ("SR_BENCH_INBOUND_N=%" G_GUINT64_FORMAT " must be a positive multiple of 20 (one cycle of the mix)", n);
  load_start = bench_loadavg ();
  {
    g_autoptr(GError) error = NULL;
    if (!run_mo (n, &mo, &error))
      {
        g_printerr ("inbound: MO: %s\n", error->message);
        return 1;
      }
    if (!run_receipts (n, &receipts, &error))
      {
        g_printerr ("inbound: receipts: %s\n", error->message);
        return 1;
      }
  }
  load_end = bench_loadavg ();
  mo_met = mo.per_s >= TARGET_PER_S;
  receipts_met = receipts.per_s >= TARGET_PER_S;

  printf ("inbound: %" G_GUINT64_FORMAT " MO messages (%" G_GUINT64_FORMAT " parts: 80 %% GSM, "
          "15 %% UCS-2, 5 %% 3-part GSM) and %" G_GUINT64_FORMAT " receipts, 1 bind, "
          "deliver window 64\n", n, mo.parts, receipts.parts);
  bench_row ("MO: deliver_sm -> file in inbox/new/", "%.2f s, %.0f messages/s (%.0f parts/s)",
             mo.seconds, mo.per_s, mo.parts / mo.seconds);
  bench_row ("receipts: deliver_sm -> matched, in receipts/new/", "%.2f s, %.0f receipts/s",
             receipts.seconds, receipts.per_s);
  bench_row ("deliver_sm refused (retried), MO / receipts", "%" G_GINT64_FORMAT " / %" G_GINT64_FORMAT,
             mo.refused, receipts.refused);
  bench_row ("router CPU per 1,000, MO / receipts", "%.3f / %.3f s (user + system)",
             1000 * mo.cpu_s / mo.messages, 1000 * receipts.cpu_s / receipts.parts);
  bench_row ("peak RSS, MO / receipts", "%.1f / %.1f MiB", mo.peak_rss_kib / 1024.0,
             receipts.peak_rss_kib / 1024.0);
  printf ("  load average (1 min) at start / end: %.2f / %.2f\n", load_start, load_end);
  printf ("  targets: >= %.0f MO messages/s: %s; >= %.0f receipts/s: %s\n", TARGET_PER_S,
          mo_met ? "met" : "NOT met", TARGET_PER_S, receipts_met ? "met" : "NOT met");
  printf ("{\"bench\":\"inbound\",\"messages\":%" G_GUINT64_FORMAT ",\"load_average\":[%.2f,%.2f],"
          "\"mo\":{\"parts\":%" G_GUINT64_FORMAT ",\"seconds\":%.3f,\"messages_per_s\":%.0f,"
          "\"cpu_s_per_1000\":%.3f,"
          "\"peak_rss_kib\":%" G_GUINT64_FORMAT ",\"refused\":%" G_GINT64_FORMAT ",\"target_met\":%s},"
          "\"receipts\":{\"receipts\":%" G_GUINT64_FORMAT ",\"seconds\":%.3f,\"receipts_per_s\":%.0f,"
          "\"cpu_s_per_1000\":%.3f,"
          "\"peak_rss_kib\":%" G_GUINT64_FORMAT ",\"refused\":%" G_GINT64_FORMAT ",\"target_met\":%s},"
          "\"targets\":{\"messages_per_s\":%.0f,\"receipts_per_s\":%.0f,\"all_met\":%s}}\n",
          n, load_start, load_end,
          mo.parts, mo.seconds, mo.per_s, 1000 * mo.cpu_s / mo.messages, mo.peak_rss_kib,
          mo.refused, mo_met ? "true" : "false",
          receipts.parts, receipts.seconds, receipts.per_s, 1000 * receipts.cpu_s / receipts.parts,
          receipts.peak_rss_kib, receipts.refused, receipts_met ? "true" : "false",
          TARGET_PER_S, TARGET_PER_S, mo_met && receipts_met ? "true" : "false");
  return 0;
}
