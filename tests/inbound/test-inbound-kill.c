/* test-inbound-kill.c — the real `sms-router --daemon` killed with SIGKILL
 * while mobile-originated messages flow from the real simulator binary;
 * restarted each time, it gets what it had not answered again from the
 * simulator.  At the end every injected message is exactly one file in
 * apps/mo/inbox/new/ and exactly one inbound row of the journal, naming
 * that file. */
#include "sr-test-sim.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* Messages injected in all; every fifth is split in three parts. */
#define N_MESSAGES 420
#define N_KILLS 3
#define APP "mo"

/* The daemon under test, its spool and the simulator. */
typedef struct {
  char *dir;
  char *spool;
  char *config;
  SrTestSim *sim;
  GSubprocess *daemon;
  guint injected;          /* messages */
  guint injected_parts;    /* deliver_sm the simulator must see answered */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  const char *args[] = { "--log-sent", "--no-receipts", "--deliver-retry-ms", "100", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  f->dir = g_dir_make_tmp ("sr-inbound-kill-XXXXXX", &error);
  g_assert_no_error (error);
  f->spool = g_build_filename (f->dir, "spool", NULL);
  f->config = g_build_filename (f->dir, "sms-router.conf", NULL);
  f->sim = sr_test_sim_start (args, &error);
  g_assert_no_error (error);
  text = g_strdup_printf ("[router]\nspool = %s\nregion = CH\ndefault-app = " APP "\n"
                          "[smpp:sim]\nhost = 127.0.0.1\nport = %u\nsystem-id = router\n"
                          "region = CH\n"
                          "[app:" APP "]\nfrom = +41790000000\n",
                          f->spool, sr_test_sim_port (f->sim));
  g_assert_true (g_file_set_contents (f->config, text, -1, NULL));
  g_assert_cmpint (g_chmod (f->config, 0600), ==, 0);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autofree char *cmd = NULL;

  if (f->daemon != NULL)
    {
      g_subprocess_force_exit (f->daemon);
      g_subprocess_wait (f->daemon, NULL, NULL);
      g_clear_object (&f->daemon);
    }
  g_clear_pointer (&f->sim, sr_test_sim_free);
  cmd = g_strdup_printf ("rm -rf '%s'", f->dir);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
  g_free (f->spool);
  g_free (f->config);
}

static void
start_daemon (Fixture *f)
{
  g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GError) error = NULL;

  g_assert_null (f->daemon);
  g_subprocess_launcher_setenv (l, "SR_LOG_STDERR", "1", TRUE);
  f->daemon = g_subprocess_launcher_spawn (l, &error, g_getenv ("SR_ROUTER"), "--daemon",
                                           "--config", f->config, NULL);
  g_assert_no_error (error);
}

static void
kill_daemon (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (f->daemon, SIGKILL);
  g_assert_true (g_subprocess_wait (f->daemon, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (f->daemon));
  g_assert_cmpint (g_subprocess_get_term_sig (f->daemon), ==, SIGKILL);
  g_clear_object (&f->daemon);
}

/* Polls the simulator (a few ms apart) until @name reaches @at_least. */
static gboolean
wait_stat (Fixture *f, const char *name, gint64 at_least, guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (sr_test_sim_stat (f->sim, name) >= at_least)
        return TRUE;
      g_usleep (2000);
    }
  return sr_test_sim_stat (f->sim, name) >= at_least;
}

/* Message @i: a unique mark "K0042" starts its text.  Singles vary the
 * alphabet; every fifth is three parts, in a varied order and with each
 * concatenation method, from a sender of its own (references are per
 * sender and would come round again after 256 messages). */
static void
inject (Fixture *f, guint i)
{
  g_autofree char *spec = NULL;
  guint parts;

  if (i % 5 == 4)
    {
      static const char *const kinds[] = { "udh8", "udh16", "sar" };
      static const char *const orders[] = { "1\\,2\\,3", "3\\,1\\,2", "2\\,3\\,1" };

      spec = g_strdup_printf ("from=+4179200%04u,to=+41790000000,text=K%04u long message ,"
                              "repeat=20,split=%s,order=%s,ref=%u",
                              i, i, kinds[i % 3], orders[(i / 3) % 3], i % 200);
    }
  else
    {
      static const char *const tails[] = {
        "hello", "{5\xe2\x82\xac} [ok] ~|^", "\xd0\x9f\xd1\x80\xd0\xb8 \xf0\x9f\x98\x80",
        "Gr\xc3\xbc\xc3\x9f" "e",
      };

      spec = g_strdup_printf ("from=+417910%05u,to=+41790000000,text=K%04u %s%s", i % 37, i,
                              tails[i % 4], i % 4 == 3 ? ",coding=latin1" : "");
    }
  parts = sr_test_sim_mo (f->sim, spec);
  g_assert_cmpuint (parts, ==, i % 5 == 4 ? 3 : 1);
  f->injected++;
  f->injected_parts += parts;
}

static gboolean
wait_stat_zero (Fixture *f, const char *name, guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (sr_test_sim_stat (f->sim, name) != 0)
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_usleep (2000);
    }
  return TRUE;
}

static GPtrArray *
inbox_names (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->spool, "apps", APP, "inbox", "new", NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  return names;
}

/* The mark "K0042" of an inbox file's body, as a number. */
static guint
mark_of (Fixture *f, const char *name)
{
  g_autofree char *path = g_build_filename (f->spool, "apps", APP, "inbox", "new", name, NULL);
  g_autofree char *data = NULL;
  g_autofree char *digits = NULL;
  const char *body;
  guint64 n = 0;

  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  g_assert_true (g_utf8_validate (data, -1, NULL));
  body = strstr (data, "\n\n");
  g_assert_nonnull (body);
  body += 2;
  digits = g_strndup (body + 1, 4);
  if (body[0] != 'K' || !g_ascii_string_to_unsigned (digits, 10, 0, N_MESSAGES - 1, &n, NULL))
    g_error ("inbox file %s has no mark: %s", name, data);
  g_assert_null (strstr (data, "X-Incomplete"));
  return (guint) n;
}

/* The mark "K0042" in the hex of a short_message (UCS-2 too: its zero
 * octets are skipped), or -1. */
static gint
mark_in_hex (const char *hex)
{
  GString *ascii = g_string_new (NULL);
  gint mark = -1;

  for (gsize i = 0; hex != NULL && hex[i] && hex[i + 1]; i += 2)
    {
      int b = g_ascii_xdigit_value (hex[i]) << 4 | g_ascii_xdigit_value (hex[i + 1]);
      if (b != 0)
        g_string_append_c (ascii, (char) b);
    }
  for (const char *p = strchr (ascii->str, 'K'); p != NULL && mark < 0; p = strchr (p + 1, 'K'))
    if (g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2]) && g_ascii_isdigit (p[3]) &&
        g_ascii_isdigit (p[4]))
      mark = (p[1] - '0') * 1000 + (p[2] - '0') * 100 + (p[3] - '0') * 10 + (p[4] - '0');
  g_string_free (ascii, TRUE);
  return mark;
}

/* The messages whose inbox file existed when the router was killed while
 * one of their deliver_sm had no answer: what the SMSC sends again and
 * the restarted router must not write a second time.  Read from the
 * simulator's log of the connection that died. */
static guint
written_unanswered (Fixture *f, GPtrArray *inbox)
{
  g_autoptr(GPtrArray) log = sr_test_sim_read_log (f->sim);
  g_autoptr(GHashTable) sent = g_hash_table_new (NULL, NULL);   /* sequence -> mark + 1 */
  g_autoptr(GHashTable) unanswered = g_hash_table_new (NULL, NULL);
  gint64 conn = -1;
  guint n = 0;

  for (guint i = 0; i < log->len; i++)
    if (g_strcmp0 (sr_test_log_str (log->pdata[i], "command"), "deliver_sm") == 0)
      conn = MAX (conn, sr_test_log_int (log->pdata[i], "conn"));
  for (guint i = 0; i < log->len; i++)
    {
      JsonObject *e = log->pdata[i];
      const char *cmd = sr_test_log_str (e, "command");
      gpointer seq = GINT_TO_POINTER ((gint) sr_test_log_int (e, "sequence"));

      if (sr_test_log_int (e, "conn") != conn || cmd == NULL)
        continue;
      if (strcmp (cmd, "deliver_sm") == 0)
        g_hash_table_insert (sent, seq,
                             GINT_TO_POINTER (mark_in_hex (sr_test_log_str (e, "short_message")) + 1));
      else if (strcmp (cmd, "deliver_sm_resp") == 0)
        g_hash_table_remove (sent, seq);
    }
  {
    GHashTableIter iter;
    gpointer mark;

    g_hash_table_iter_init (&iter, sent);
    while (g_hash_table_iter_next (&iter, NULL, &mark))
      g_hash_table_add (unanswered, GINT_TO_POINTER (GPOINTER_TO_INT (mark) - 1));
  }
  for (guint i = 0; i < inbox->len; i++)
    if (g_hash_table_contains (unanswered, GUINT_TO_POINTER (mark_of (f, inbox->pdata[i]))))
      n++;
  return n;
}

/* A clean stop, then: exactly one inbox file and one journal row per
 * injected message, the row naming the file. */
static void
check_exactly_once (Fixture *f)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GHashTable) files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *db_path = NULL;
  guint seen[N_MESSAGES] = { 0 };
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  guint rows = 0;

  /* a clean stop: the journal is complete on disk */
  g_subprocess_send_signal (f->daemon, SIGTERM);
  g_assert_true (g_subprocess_wait (f->daemon, NULL, NULL));
  g_assert_true (g_subprocess_get_if_exited (f->daemon));
  g_assert_cmpint (g_subprocess_get_exit_status (f->daemon), ==, 0);
  g_clear_object (&f->daemon);

  /* exactly one inbox file per message */
  names = inbox_names (f);
  for (guint i = 0; i < names->len; i++)
    {
      guint m = mark_of (f, names->pdata[i]);

      if (seen[m]++ != 0)
        g_error ("message K%04u is in the inbox twice (%s)", m, (char *) names->pdata[i]);
      g_hash_table_add (files, g_strdup (names->pdata[i]));
    }
  for (guint m = 0; m < N_MESSAGES; m++)
    if (seen[m] != 1)
      g_error ("message K%04u is not in the inbox", m);
  g_assert_cmpuint (names->len, ==, N_MESSAGES);

  /* and exactly one journal row per message, naming its file */
  db_path = g_build_filename (f->spool, "router", "journal.db", NULL);
  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT verdict, app, file, text, dedup_key FROM inbound",
                                       -1, &st, NULL), ==, SQLITE_OK);
  memset (seen, 0, sizeof seen);
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      const char *verdict = (const char *) sqlite3_column_text (st, 0);
      const char *app = (const char *) sqlite3_column_text (st, 1);
      const char *file = (const char *) sqlite3_column_text (st, 2);
      const char *text = (const char *) sqlite3_column_text (st, 3);
      guint64 m = 0;

      rows++;
      g_assert_cmpstr (verdict, ==, "inbox");
      g_assert_cmpstr (app, ==, APP);
      g_assert_nonnull (sqlite3_column_text (st, 4));
      g_assert_nonnull (text);
      g_assert_true (text[0] == 'K');
      {
        g_autofree char *digits = g_strndup (text + 1, 4);
        g_assert_true (g_ascii_string_to_unsigned (digits, 10, 0, N_MESSAGES - 1, &m, NULL));
      }
      if (seen[m]++ != 0)
        g_error ("message K%04" G_GUINT64_FORMAT " has two journal rows", m);
      if (file == NULL || !g_hash_table_remove (files, file))
        g_error ("the journal row of K%04" G_GUINT64_FORMAT " names %s, not a file of the inbox",
                 m, file ? file : "no file");
    }
  sqlite3_finalize (st);
  sqlite3_close (db);
  g_assert_cmpuint (rows, ==, N_MESSAGES);
  g_assert_cmpuint (g_hash_table_size (files), ==, 0);
}

static void
test_kill (Fixture *f, gconstpointer data)
{
  /* when to kill, in answered deliver_sm since the last start: early in
   * a batch, while the redelivery after a restart flows, and late */
  static const guint kill_after[N_KILLS] = { 40, 3, 150 };
  static const guint batch[N_KILLS + 1] = { 160, 60, 140, 60 };
  g_autoptr(GPtrArray) names = NULL;
  guint next = 0;
  guint caught_total = 0;

  start_daemon (f);
  g_assert_true (wait_stat (f, "binds_ok", 1, 15000));
  for (guint k = 0; k < N_KILLS; k++)
    {
      gint64 acked0 = sr_test_sim_stat (f->sim, "deliver_acked");
      guint batch_end = next + batch[k];
      guint files_at_kill, caught;
      gint64 acked, inflight;

      /* inject while the router works, and kill it in mid-stream */
      while (next < batch_end)
        {
          inject (f, next++);
          if (sr_test_sim_stat (f->sim, "deliver_acked") - acked0 >= kill_after[k] &&
              sr_test_sim_stat (f->sim, "deliver_inflight") > 0)
            break;
        }
      if (!(sr_test_sim_stat (f->sim, "deliver_acked") - acked0 >= kill_after[k] &&
            sr_test_sim_stat (f->sim, "deliver_inflight") > 0))
        {
          /* everything injected in this batch: the kill happens during
           * the rest of it (or during the redelivery after a restart) */
          gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
          while (!(sr_test_sim_stat (f->sim, "deliver_acked") - acked0 >= kill_after[k] &&
                   sr_test_sim_stat (f->sim, "deliver_inflight") > 0) &&
                 g_get_monotonic_time () < end)
            g_usleep (500);
        }
      /* The router may answer what was in flight between the check above
       * and this reading: then wait for the next deliver_sm in flight. */
      gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
      while ((inflight = sr_test_sim_stat (f->sim, "deliver_inflight")) == 0
             && g_get_monotonic_time () < until)
        g_usleep (200);
      kill_daemon (f);
      acked = sr_test_sim_stat (f->sim, "deliver_acked");
      g_assert_true (wait_stat_zero (f, "connections_open", 5000));
      names = inbox_names (f);
      files_at_kill = names->len;
      caught = written_unanswered (f, names);
      caught_total += caught;
      g_clear_pointer (&names, g_ptr_array_unref);
      g_test_message ("kill %u: %u messages injected, %" G_GINT64_FORMAT " deliver_sm answered "
                      "(%" G_GINT64_FORMAT " since the start), %" G_GINT64_FORMAT " in flight, "
                      "%u inbox files, %u of them with a deliver_sm unanswered",
                      k + 1, next, acked, acked - acked0, inflight, files_at_kill, caught);
      g_assert_cmpint (inflight, >, 0);
      /* the rest of the batch goes to the simulator's queue meanwhile */
      while (next < batch_end)
        inject (f, next++);
      start_daemon (f);
      g_assert_true (wait_stat (f, "binds_ok", k + 2, 15000));
    }
  while (next < N_MESSAGES)
    inject (f, next++);
  g_assert_cmpuint (f->injected, ==, N_MESSAGES);

  /* every part answered once: the router has stored everything */
  if (!wait_stat (f, "deliver_acked", f->injected_parts, 30000))
    g_error ("%" G_GINT64_FORMAT " of %u deliver_sm answered (pending %" G_GINT64_FORMAT
             ", in flight %" G_GINT64_FORMAT ")", sr_test_sim_stat (f->sim, "deliver_acked"),
             f->injected_parts, sr_test_sim_stat (f->sim, "deliver_pending"),
             sr_test_sim_stat (f->sim, "deliver_inflight"));
  g_assert_cmpint (sr_test_sim_stat (f->sim, "deliver_acked"), ==, f->injected_parts);
  g_assert_cmpint (sr_test_sim_stat (f->sim, "deliver_pending"), ==, 0);
  g_assert_cmpint (sr_test_sim_stat (f->sim, "deliver_inflight"), ==, 0);
  /* the kills left deliver_sm unanswered, and the simulator sent them
   * again; some of them after their message was in the inbox */
  g_assert_cmpint (sr_test_sim_stat (f->sim, "deliver_redelivered"), >=, 1);
  g_assert_cmpuint (caught_total, >=, 1);
  g_test_message ("%u messages in %u deliver_sm; %" G_GINT64_FORMAT " sent again after a kill, "
                  "%" G_GINT64_FORMAT " refused", f->injected, f->injected_parts,
                  sr_test_sim_stat (f->sim, "deliver_redelivered"),
                  sr_test_sim_stat (f->sim, "deliver_nacked"));

  check_exactly_once (f);
}

/* The messages of which every part was answered with status 0 on some
 * connection: what the SMSC considers delivered.  A part is told apart by
 * its octets (a copy sent again after a kill has a new sequence number);
 * a message by its mark, or for the three-part ones, by their sender. */
static GHashTable *
answered_messages (Fixture *f)
{
  g_autoptr(GPtrArray) log = sr_test_sim_read_log (f->sim);
  g_autoptr(GHashTable) sent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) parts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTable *complete = g_hash_table_new (NULL, NULL);
  guint answered[N_MESSAGES] = { 0 };

  for (guint i = 0; i < log->len; i++)
    {
      JsonObject *e = log->pdata[i];
      const char *cmd = sr_test_log_str (e, "command");
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT,
                                             sr_test_log_int (e, "conn"),
                                             sr_test_log_int (e, "sequence"));

      if (g_strcmp0 (cmd, "deliver_sm") == 0)
        {
          const char *from = sr_test_log_str (e, "source_addr");
          gint mark = g_str_has_prefix (from, "4179200")
                      ? (gint) g_ascii_strtoll (from + 7, NULL, 10)
                      : mark_in_hex (sr_test_log_str (e, "short_message"));

          g_assert_cmpint (mark, >=, 0);
          g_hash_table_replace (sent, g_steal_pointer (&id),
                                g_strdup_printf ("%d %s %s", mark, sr_test_log_str (e, "udh") ?: "",
                                                 sr_test_log_str (e, "short_message")));
        }
      else if (g_strcmp0 (cmd, "deliver_sm_resp") == 0 && sr_test_log_int (e, "status") == 0)
        {
          const char *part = g_hash_table_lookup (sent, id);

          g_assert_nonnull (part);
          if (g_hash_table_add (parts, g_strdup (part)))
            answered[atoi (part)]++;
        }
    }
  for (guint m = 0; m < N_MESSAGES; m++)
    if (answered[m] == (m % 5 == 4 ? 3u : 1u))
      g_hash_table_add (complete, GUINT_TO_POINTER (m));
  return complete;
}

/* The marks of the messages in the journal, read while no router runs. */
static GHashTable *
journal_marks (Fixture *f)
{
  g_autofree char *db_path = g_build_filename (f->spool, "router", "journal.db", NULL);
  GHashTable *marks = g_hash_table_new (NULL, NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT text FROM inbound", -1, &st, NULL), ==, SQLITE_OK);
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (st, 0);
      if (text != NULL && text[0] == 'K')
        g_hash_table_add (marks, GUINT_TO_POINTER ((guint) g_ascii_strtoull (text + 1, NULL, 10)));
    }
  sqlite3_finalize (st);
  sqlite3_close (db);
  return marks;
}

/* Many messages in flight (the simulator's window of 64 full), so the
 * router answers them in groups; killed at random moments.  Right after
 * each kill, every message the SMSC saw answered in full is a file of the
 * inbox and a row of the journal: no answer went out before its message
 * was durable.  Parts answered of messages not complete are held: the
 * simulator never sends them again, and every message still ends in the
 * inbox once, whole. */
static void
test_kill_groups (Fixture *f, gconstpointer data)
{
  guint next = 0;
  guint checked = 0;

  while (next < N_MESSAGES / 2)
    inject (f, next++);
  for (guint k = 0; k < N_KILLS + 1; k++)
    {
      g_autoptr(GHashTable) complete = NULL;
      g_autoptr(GHashTable) in_journal = NULL;
      g_autoptr(GPtrArray) names = NULL;
      g_autoptr(GHashTable) in_inbox = g_hash_table_new (NULL, NULL);
      gint64 acked0 = sr_test_sim_stat (f->sim, "deliver_acked");
      guint wait = (guint) g_test_rand_int_range (1, 60);
      GHashTableIter iter;
      gpointer m;
      gint64 inflight;

      start_daemon (f);
      g_assert_true (wait_stat (f, "binds_ok", k + 1, 15000));
      /* a random number of answers into the stream, with more in flight */
      if (!wait_stat (f, "deliver_acked", acked0 + wait, 10000))
        g_error ("no %u answers after the start", wait);
      g_usleep ((gulong) g_test_rand_int_range (0, 3000));
      inflight = sr_test_sim_stat (f->sim, "deliver_inflight");
      kill_daemon (f);
      g_assert_true (wait_stat_zero (f, "connections_open", 5000));
      if (k == 1)
        while (next < N_MESSAGES)
          inject (f, next++);

      complete = answered_messages (f);
      in_journal = journal_marks (f);
      names = inbox_names (f);
      for (guint i = 0; i < names->len; i++)
        g_hash_table_add (in_inbox, GUINT_TO_POINTER (mark_of (f, names->pdata[i])));
      g_hash_table_iter_init (&iter, complete);
      while (g_hash_table_iter_next (&iter, &m, NULL))
        {
          if (!g_hash_table_contains (in_inbox, m))
            g_error ("kill %u: message K%04u was answered but is not in the inbox", k + 1,
                     GPOINTER_TO_UINT (m));
          if (!g_hash_table_contains (in_journal, m))
            g_error ("kill %u: message K%04u was answered but is not in the journal", k + 1,
                     GPOINTER_TO_UINT (m));
        }
      g_test_message ("kill %u after %u answers and %u more: %u messages answered in full, "
                      "%u inbox files, %" G_GINT64_FORMAT " deliver_sm in flight at the kill",
                      k + 1, wait, (guint) (sr_test_sim_stat (f->sim, "deliver_acked") - acked0 - wait),
                      g_hash_table_size (complete), names->len, inflight);
      checked = g_hash_table_size (complete);
    }
  g_assert_cmpuint (checked, >, 0);
  g_assert_cmpuint (f->injected, ==, N_MESSAGES);
  start_daemon (f);
  if (!wait_stat (f, "deliver_acked", f->injected_parts, 60000)
      && sr_test_sim_stat (f->sim, "deliver_pending") + sr_test_sim_stat (f->sim, "deliver_inflight") > 0)
    g_error ("%" G_GINT64_FORMAT " deliver_sm pending, %" G_GINT64_FORMAT " in flight",
             sr_test_sim_stat (f->sim, "deliver_pending"), sr_test_sim_stat (f->sim, "deliver_inflight"));
  g_assert_true (wait_stat_zero (f, "deliver_pending", 30000));
  g_assert_true (wait_stat_zero (f, "deliver_inflight", 30000));
  g_test_message ("%" G_GINT64_FORMAT " deliver_sm sent again after the kills",
                  sr_test_sim_stat (f->sim, "deliver_redelivered"));
  check_exactly_once (f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/inbound/kill9", Fixture, NULL, fixture_setup, test_kill, fixture_teardown);
  g_test_add ("/inbound/kill9-groups", Fixture, NULL, fixture_setup, test_kill_groups,
              fixture_teardown);
  return g_test_run ();
}
