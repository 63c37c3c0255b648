/* journal-test-util.h — fixtures shared by the journal's test programs. */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "sr-journal.h"

/* A fresh directory with a journal path in it. */
typedef struct {
  char *dir;
  char *path;
  SrJournal *journal;          /* opened by fixture_setup_open, else NULL */
} Fixture;

G_GNUC_UNUSED static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  f->dir = g_dir_make_tmp ("sr-journal-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "journal.db", NULL);
  f->journal = NULL;
}

G_GNUC_UNUSED static void
fixture_setup_open (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  fixture_setup (f, data);
  f->journal = sr_journal_open (f->path, SR_JOURNAL_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->journal);
}

G_GNUC_UNUSED static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->journal, sr_journal_close);
  g_autoptr (GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

/* A second, independent connection: sees only committed data. */
G_GNUC_UNUSED static sqlite3 *
raw_open (const char *path)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
                   ==, SQLITE_OK);
  return db;
}

G_GNUC_UNUSED static gint64
raw_int (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  gint64 v = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  return v;
}

G_GNUC_UNUSED static void
raw_exec (sqlite3 *db, const char *sql)
{
  char *msg = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &msg);
  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
}

/* A message as the router would record it after parsing. */
G_GNUC_UNUSED static SrJournalMessage
test_message (const char *app, const char *file, const char *to, SrMessageState state, gint64 now)
{
  SrJournalMessage m = {
    .app = (char *) app,
    .file = (char *) file,
    .reference = (char *) "order-4711",
    .to_raw = (char *) to,
    .to_e164 = (char *) to,
    .country = (char *) "CH",
    .from_addr = (char *) "ACME",
    .alphabet = (char *) "GSM",
    .parts = 1,
    .state = state,
    .created_at = now,
    .preview = (char *) "Hello world",
  };
  return m;
}

G_GNUC_UNUSED static gboolean
run_until_timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the thread-default main context until *flag is set or timeout_ms pass. */
G_GNUC_UNUSED static void
run_until (gboolean *flag, guint timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, run_until_timeout_cb, &timed_out);
  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
}
