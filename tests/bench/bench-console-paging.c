/* bench-console-paging.c — the console over a journal of a million messages.
 *
 * Builds SPOOL/router/journal.db with the journal's own schema
 * (sr_journal_open), then fills it with direct SQLite inserts in one
 * transaction: SR_BENCH_PAGING_N messages (default 1,000,000) over every
 * state, one part each, a receipt per finished message, inbound messages
 * and audit events; one number has a message in ten and an inbound message
 * in ten.  An embedded router on that spool (not started: no SMSC needed)
 * serves the console's router model, and the real console (SrConsole on the
 * in-memory terminal, 80x24) gets the keys an operator would press: open
 * each list view, page down, G, g, a filter, n, and the conversation of the
 * busy number (t, page up through it, g, G).  Each keypress is one screen:
 * the key's work (model queries, detail pane) and the drawing, timed
 * together.  Goal: <= 50 ms per screen, median and max per view and action. */
#include "bench-common.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "sr-config.h"
#include "sr-console-private.h"
#include "sr-console-router-model.h"
#include "sr-journal.h"
#include "sr-router.h"

#define GOAL_MS 50.0
#define BUSY "+41790000042"
#define T0 G_GINT64_CONSTANT (1795000000000000)

/* The number of message i: the busy one for every tenth, else one of 100,000. */
static void
number_of (guint64 i, char *buf, gsize len)
{
  if (i % 10 == 0)
    g_strlcpy (buf, BUSY, len);
  else
    g_snprintf (buf, len, "+4179%07u", (guint) (i % 100000));
}

static void
check (sqlite3 *db, int rc, const char *what)
{
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    g_error ("%s: %s", what, sqlite3_errmsg (db));
}

static sqlite3_stmt *
prepare (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st = NULL;
  check (db, sqlite3_prepare_v2 (db, sql, -1, &st, NULL), sql);
  return st;
}

static void
step (sqlite3 *db, sqlite3_stmt *st)
{
  check (db, sqlite3_step (st), sqlite3_sql (st));
  sqlite3_reset (st);
}

/* The journal: schema from sr_journal_open, rows inserted directly. */
static void
build_journal (const char *path, guint64 n)
{
  g_autoptr (GError) error = NULL;
  SrJournal *j = sr_journal_open (path, SR_JOURNAL_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  sr_journal_close (j);

  sqlite3 *db = NULL;
  check (db, sqlite3_open (path, &db), "open");
  check (db, sqlite3_exec (db, "PRAGMA synchronous = OFF; BEGIN", NULL, NULL, NULL), "begin");
  sqlite3_stmt *msg = prepare (db,
    "INSERT INTO messages (id, app, file, reference, to_raw, to_e164, country, from_addr, alphabet,"
    " parts, state, attempts, provider, error_class, error_code, error_text, created_at,"
    " submitted_at, done_at, preview) VALUES (?1, 'bench', ?2, ?3, ?4, ?4, 'CH', '+41791234567',"
    " 'GSM', 1, ?5, 1, 'main', ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  sqlite3_stmt *seg = prepare (db,
    "INSERT INTO segments (message_id, part, provider, smsc_id, submit, submitted_at, receipt,"
    " receipt_stat, receipt_at) VALUES (?1, 1, 'main', ?2, ?3, ?4, ?5, ?6, ?7)");
  sqlite3_stmt *rcpt = prepare (db,
    "INSERT INTO receipts (received_at, provider, smsc_id, message_id, part, state, stat, err,"
    " raw) VALUES (?1, 'main', ?2, ?3, 1, ?4, ?5, '000', 'id:x')");
  sqlite3_stmt *in = prepare (db,
    "INSERT INTO inbound (provider, sender, recipient, app, text, parts, received_at, verdict)"
    " VALUES ('main', ?1, '+41791234567', 'bench', ?2, 1, ?3, 'inbox')");
  sqlite3_stmt *ev = prepare (db,
    "INSERT INTO events (ts, scope, level, kind, message_id, app, actor, text)"
    " VALUES (?1, 1, 1, 'sent', ?2, 'bench', 'router', ?3)");

  char number[32], file[64], ref[32], text[96], smsc[24];
  for (guint64 i = 1; i <= n; i++)
    {
      gint64 t = T0 + (gint64) i * 1000;  /* a message a millisecond */
      /* of twenty: one dead, one queued, one awaiting its receipt, one
       * undeliverable; the busy number's messages too (k does not follow i % 10) */
      guint k = (i + i / 10) % 20;
      SrMessageState state = k == 0 ? SR_MESSAGE_DEAD : k == 1 ? SR_MESSAGE_QUEUED
                           : k == 2 ? SR_MESSAGE_SENT : k == 3 ? SR_MESSAGE_UNDELIVERABLE
                           : SR_MESSAGE_DELIVERED;
      gboolean accepted = state != SR_MESSAGE_DEAD && state != SR_MESSAGE_QUEUED;
      gboolean final = state == SR_MESSAGE_DELIVERED || state == SR_MESSAGE_UNDELIVERABLE;
      number_of (i, number, sizeof number);
      g_snprintf (file, sizeof file, "%" G_GUINT64_FORMAT ".1_%" G_GUINT64_FORMAT ".bench", i / 1000, i);
      g_snprintf (ref, sizeof ref, "order-%" G_GUINT64_FORMAT, i);
      g_snprintf (text, sizeof text, "Reminder %" G_GUINT64_FORMAT ": your appointment is at 14:30.", i);
      g_snprintf (smsc, sizeof smsc, "%" G_GINT64_MODIFIER "x", (gint64) i);
      sqlite3_bind_int64 (msg, 1, (gint64) i);
      sqlite3_bind_text (msg, 2, file, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (msg, 3, ref, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (msg, 4, number, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (msg, 5, state);
      sqlite3_bind_int (msg, 6, state == SR_MESSAGE_DEAD ? SR_ERROR_CLASS_SMSC : SR_ERROR_CLASS_NONE);
      sqlite3_bind_int (msg, 7, state == SR_MESSAGE_DEAD ? 11 : 0);
      if (state == SR_MESSAGE_DEAD)
        sqlite3_bind_text (msg, 8, "ESME_RINVDSTADR: invalid destination address", -1, SQLITE_STATIC);
      else
        sqlite3_bind_null (msg, 8);
      sqlite3_bind_int64 (msg, 9, t);
      if (accepted)
        sqlite3_bind_int64 (msg, 10, t + 100);
      else
        sqlite3_bind_null (msg, 10);
      if (final || state == SR_MESSAGE_DEAD)
        sqlite3_bind_int64 (msg, 11, t + 900);
      else
        sqlite3_bind_null (msg, 11);
      sqlite3_bind_text (msg, 12, text, -1, SQLITE_TRANSIENT);
      step (db, msg);

      sqlite3_bind_int64 (seg, 1, (gint64) i);
      sqlite3_bind_text (seg, 2, accepted ? smsc : NULL, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (seg, 3, accepted ? SR_SEGMENT_ACCEPTED : state == SR_MESSAGE_DEAD ? SR_SEGMENT_REJECTED
                                                                                          : SR_SEGMENT_PENDING);
      sqlite3_bind_int64 (seg, 4, accepted ? t + 100 : 0);
      sqlite3_bind_int (seg, 5, !final ? SR_RECEIPT_NONE
                                : state == SR_MESSAGE_DELIVERED ? SR_RECEIPT_DELIVERED : SR_RECEIPT_FAILED);
      sqlite3_bind_text (seg, 6, !final ? NULL : state == SR_MESSAGE_DELIVERED ? "DELIVRD" : "UNDELIV",
                         -1, SQLITE_STATIC);
      sqlite3_bind_int64 (seg, 7, final ? t + 900 : 0);
      step (db, seg);

      if (final)
        {
          sqlite3_bind_int64 (rcpt, 1, t + 900);
          sqlite3_bind_text (rcpt, 2, smsc, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (rcpt, 3, (gint64) i);
          sqlite3_bind_int (rcpt, 4, state == SR_MESSAGE_DELIVERED ? SR_RECEIPT_DELIVERED : SR_RECEIPT_FAILED);
          sqlite3_bind_text (rcpt, 5, state == SR_MESSAGE_DELIVERED ? "DELIVRD" : "UNDELIV", -1, SQLITE_STATIC);
          step (db, rcpt);
        }
      if (i % 10 == 5 || i % 100 == 0)   /* a reply in ten, a tenth of them from the busy number */
        {
          char from[32];
          number_of (i % 100 == 0 ? 0 : i, from, sizeof from);
          g_snprintf (text, sizeof text, "Yes, see you at 6pm (%" G_GUINT64_FORMAT ")", i);
          sqlite3_bind_text (in, 1, from, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (in, 2, text, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (in, 3, t + 500);
          step (db, in);
        }
      if (i % 5 == 0)
        {
          sqlite3_bind_int64 (ev, 1, t + 100);
          sqlite3_bind_int64 (ev, 2, (gint64) i);
          sqlite3_bind_text (ev, 3, "Accepted by the SMSC", -1, SQLITE_STATIC);
          step (db, ev);
        }
    }
  sqlite3_stmt *all[] = { msg, seg, rcpt, in, ev };
  for (guint s = 0; s < G_N_ELEMENTS (all); s++)
    sqlite3_finalize (all[s]);
  check (db, sqlite3_exec (db, "COMMIT; ANALYZE; PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL),
         "commit");
  sqlite3_close (db);
}

/* Timings of one action in one view. */
typedef struct {
  const char *view;
  const char *action;
  GArray *ms;          /* double */
} Series;

static GPtrArray *all_series;

static Series *
series (const char *view, const char *action)
{
  Series *s = g_new0 (Series, 1);
  s->view = view;
  s->action = action;
  s->ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_ptr_array_add (all_series, s);
  return s;
}

/* One screen: the key's work and the frame it leads to. */
static void
press (SrConsole *console, SrTerm *term, SrKey key, Series *s)
{
  gint64 t0 = g_get_monotonic_time ();
  sr_console_handle_key (console, key);
  sr_console_draw (console, term);
  double ms = (g_get_monotonic_time () - t0) / 1000.0;
  if (s)
    g_array_append_val (s->ms, ms);
}

static void
type (SrConsole *console, SrTerm *term, const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    press (console, term, sr_key_char (g_utf8_get_char (p)), NULL);
}

static gint
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* The screen must show what the keys asked for: a benchmark of empty screens proves nothing. */
static void
expect_screen (SrTerm *term, const char *needle, const char *when)
{
  g_autofree char *text = sr_term_buffer_text (term);
  if (!strstr (text, needle))
    g_error ("%s: the screen does not show “%s”:\n%s", when, needle, text);
}

/* Open, page down, end, home, filter, next match: in one list view. */
static void
bench_view (SrConsole *console, SrTerm *term, SrConsoleView view, const char *name, char key,
            const char *filter, const char *shows, guint pages)
{
  g_autofree char *what = g_strdup_printf ("view %s", name);
  press (console, term, sr_key_char ('1'), NULL);
  press (console, term, sr_key_char (key), series (name, "open"));
  expect_screen (term, shows, what);
  Series *s = series (name, "page down");
  for (guint i = 0; i < pages; i++)
    press (console, term, sr_key (SR_KEY_PGDN), s);
  press (console, term, sr_key_char ('G'), series (name, "G (oldest)"));
  press (console, term, sr_key_char ('g'), series (name, "g (newest)"));
  if (!filter)
    return;
  press (console, term, sr_key_char ('/'), NULL);
  press (console, term, sr_key (SR_KEY_CTRL_U), NULL);
  type (console, term, filter);
  press (console, term, sr_key (SR_KEY_ENTER), series (name, "filter"));
  expect_screen (term, filter, what);
  s = series (name, "page down (filter)");
  for (guint i = 0; i < pages / 5; i++)
    press (console, term, sr_key (SR_KEY_PGDN), s);
  press (console, term, sr_key_char ('/'), NULL);
  press (console, term, sr_key (SR_KEY_CTRL_U), NULL);
  press (console, term, sr_key (SR_KEY_ENTER), NULL);
  s = series (name, "n (next match)");
  for (guint i = 0; i < 5; i++)
    press (console, term, sr_key_char ('n'), s);
  (void) view;
}

int
main (int argc, char **argv)
{
  bench_init (argc, argv);
  guint64 n = bench_env_u64 ("SR_BENCH_PAGING_N", 1000000);
  guint pages = (guint) bench_env_u64 ("SR_BENCH_PAGING_PAGES", 50);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sr-bench-paging-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *spool = g_build_filename (dir, "spool", NULL);
  g_autofree char *router_dir = g_build_filename (spool, "router", NULL);
  g_assert_cmpint (g_mkdir_with_parents (router_dir, 0700), ==, 0);
  g_autofree char *journal = sr_journal_path_for_spool (spool);

  g_autofree char *loadavg = NULL;
  g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL);
  gint64 b0 = g_get_monotonic_time ();
  build_journal (journal, n);
  double build_s = (g_get_monotonic_time () - b0) / 1e6;
  GStatBuf st;
  g_stat (journal, &st);
  printf ("journal: %" G_GUINT64_FORMAT " messages built in %.1f s, %.0f MiB (%s)\n", n, build_s,
          st.st_size / 1048576.0, journal);

  g_autofree char *conf = g_strdup_printf (
    "[router]\nspool = %s\nregion = CH\n\n"
    "[smpp:main]\nhost = 127.0.0.1\nport = 9\nsystem-id = bench\npassword = bench\n\n"
    "[app:bench]\nregion = CH\nfrom = +41791234567\n", spool);
  SrConfig *config = sr_config_load_data (conf, strlen (conf), "bench-console-paging", &error);
  g_assert_no_error (error);
  SrRouterOptions ro = { .spool = NULL, .notifications = FALSE };
  gint64 r0 = g_get_monotonic_time ();
  SrRouter *router = sr_router_new (config, &ro, &error);
  g_assert_no_error (error);
  printf ("router on the journal opened in %.0f ms (not started: no SMSC)\n",
          (g_get_monotonic_time () - r0) / 1000.0);
  SrConsoleRouterModel *model = sr_console_router_model_new (router, "bench");
  SrConsoleOptions options = { .title = "bench" };
  SrConsole *console = sr_console_new (sr_console_router_model_get (model), &options);
  SrTerm *term = sr_term_buffer_new (24, 80);
  sr_console_draw (console, term);

  all_series = g_ptr_array_new ();
  bench_view (console, term, SR_CONSOLE_VIEW_QUEUE, "queue", '2', BUSY, "waiting", pages);
  bench_view (console, term, SR_CONSOLE_VIEW_SENT, "sent", '3', BUSY, "delivered", pages);
  bench_view (console, term, SR_CONSOLE_VIEW_DEAD, "dead", '4', "+4179000", "smsc", pages);
  bench_view (console, term, SR_CONSOLE_VIEW_RECEIPTS, "receipts", '5', NULL, "DELIVRD", pages);
  bench_view (console, term, SR_CONSOLE_VIEW_INBOX, "inbox", '6', BUSY, "Yes, see you", pages);
  bench_view (console, term, SR_CONSOLE_VIEW_LOG, "log", '8', "sent", "Accepted by the SMSC", pages);

  /* The conversation of the busy number: a tenth of all messages. */
  press (console, term, sr_key_char ('3'), NULL);
  press (console, term, sr_key_char ('/'), NULL);
  press (console, term, sr_key (SR_KEY_CTRL_U), NULL);
  type (console, term, BUSY);
  press (console, term, sr_key (SR_KEY_ENTER), NULL);
  press (console, term, sr_key_char ('t'), series ("thread", "open (t)"));
  expect_screen (term, "Conversation with " BUSY, "thread");
  Series *s = series ("thread", "page up");
  for (guint i = 0; i < pages; i++)
    press (console, term, sr_key (SR_KEY_PGUP), s);
  press (console, term, sr_key_char ('g'), series ("thread", "g (oldest)"));
  expect_screen (term, "lines 1–", "thread g");
  s = series ("thread", "page down");
  for (guint i = 0; i < pages; i++)
    press (console, term, sr_key (SR_KEY_PGDN), s);
  press (console, term, sr_key_char ('G'), series ("thread", "G (newest)"));
  press (console, term, sr_key (SR_KEY_ESC), NULL);

  /* Report: one line per view and action, then the verdict. */
  printf ("\n%-9s %-20s %6s %10s %10s  goal <= %.0f ms per screen\n", "view", "action", "screens",
          "median ms", "max ms", GOAL_MS);
  gboolean all_met = TRUE;
  double worst = 0;
  g_autoptr (GString) json = g_string_new ("{\"benchmark\": \"console-paging\"");
  g_string_append_printf (json, ", \"messages\": %" G_GUINT64_FORMAT ", \"build_s\": %.1f, \"goal_ms\": %.0f, \"screens\": [",
                          n, build_s, GOAL_MS);
  for (guint i = 0; i < all_series->len; i++)
    {
      Series *x = g_ptr_array_index (all_series, i);
      g_array_sort (x->ms, compare_double);
      double med = x->ms->len ? g_array_index (x->ms, double, x->ms->len / 2) : 0;
      double max = x->ms->len ? g_array_index (x->ms, double, x->ms->len - 1) : 0;
      gboolean met = max <= GOAL_MS;
      all_met &= met;
      worst = MAX (worst, max);
      printf ("%-9s %-20s %6u %10.2f %10.2f  %s\n", x->view, x->action, x->ms->len, med, max,
              met ? "met" : "MISSED");
      g_string_append_printf (json, "%s{\"view\": \"%s\", \"action\": \"%s\", \"n\": %u, \"median_ms\": %.2f, "
                              "\"max_ms\": %.2f, \"met\": %s}", i ? ", " : "", x->view, x->action,
                              x->ms->len, med, max, met ? "true" : "false");
    }
  g_autofree char *loadavg1 = NULL;
  g_file_get_contents ("/proc/loadavg", &loadavg1, NULL, NULL);
  printf ("\nevery screen <= %.0f ms: %s (worst %.2f ms); load average at start %.4s, at end %.4s\n",
          GOAL_MS, all_met ? "met" : "MISSED", worst, loadavg ? loadavg : "?", loadavg1 ? loadavg1 : "?");
  g_string_append_printf (json, "], \"worst_ms\": %.2f, \"met\": %s}", worst, all_met ? "true" : "false");
  printf ("%s\n", json->str);

  sr_term_free (term);
  sr_console_free (console);
  sr_console_router_model_free (model);
  sr_router_free (router);
  if (!g_getenv ("SR_BENCH_KEEP"))
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
      if (system (cmd) != 0)
        g_warning ("could not remove %s", dir);
    }
  else
    printf ("kept %s\n", dir);
  return 0;
}
