/* test-journal.c — opening, migrations, group commit and write failures. */
#include <string.h>

#include "journal-test-util.h"

#define T0 G_GINT64_CONSTANT (1795000000000000) /* some fixed µs timestamp */

/* ---- schema ---------------------------------------------------------------- */

static void
test_create (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SrJournal) j = sr_journal_open (f->path, SR_JOURNAL_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sr_journal_get_schema_version (j), ==, SR_JOURNAL_SCHEMA_VERSION);
  g_assert_cmpstr (sr_journal_get_path (j), ==, f->path);

  sqlite3 *db = raw_open (f->path);
  g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, SR_JOURNAL_SCHEMA_VERSION);
  static const char *const tables[] = { "messages", "segments", "receipts", "inbound", "events",
                                        "blacklist", "counters" };
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf (
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '%s'", tables[i]);
      g_assert_cmpint (raw_int (db, sql), ==, 1);
    }
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (st, 0), ==, "wal");
  sqlite3_finalize (st);
  sqlite3_close (db);
}

static void
test_spool_path (void)
{
  g_autofree char *p = sr_journal_path_for_spool ("/var/spool/sms-router");
  g_assert_cmpstr (p, ==, "/var/spool/sms-router/router/journal.db");
}

/* A version-0 database (what a fresh or a pre-journal file is) is migrated;
 * reopening it changes nothing and keeps the data. */
static void
test_migrate_v0 (Fixture *f, gconstpointer data)
{
  sqlite3 *db = raw_open (f->path);
  raw_exec (db, "PRAGMA user_version = 0; CREATE TABLE unrelated (x); DROP TABLE unrelated;");
  g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, 0);

  g_autoptr (GError) error = NULL;
  SrJournal *j = sr_journal_open (f->path, SR_JOURNAL_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, SR_JOURNAL_SCHEMA_VERSION);
  SrJournalMessage m = test_message ("default", "1.1_1.host", "+41791234567", SR_MESSAGE_QUEUED, T0);
  gint64 id = sr_journal_message_insert (j, &m, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, ==, 1);
  sr_journal_close (j);

  gint64 schema_objects = raw_int (db, "SELECT count(*) FROM sqlite_master");
  j = sr_journal_open (f->path, SR_JOURNAL_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sr_journal_get_schema_version (j), ==, SR_JOURNAL_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM sqlite_master"), ==, schema_objects);
  g_autoptr (SrJournalMessage) back = sr_journal_message_get (j, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->file, ==, "1.1_1.host");
  /* ids continue after the existing rows */
  gint64 id2 = sr_journal_message_insert (j, &m, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id2, ==, 2);
  sr_journal_close (j);
  sqlite3_close (db);
}

static void
test_refuse_newer (Fixture *f, gconstpointer data)
{
  sqlite3 *db = raw_open (f->path);
  raw_exec (db, "PRAGMA user_version = 99");

  g_autoptr (GError) error = NULL;
  g_autoptr (SrJournal) j = sr_journal_open (f->path, SR_JOURNAL_OPEN_DEFAULT, &error);
  g_assert_null (j);
  g_assert_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_VERSION);
  g_assert_nonnull (strstr (error->message, f->path));
  g_assert_nonnull (strstr (error->message, "99"));
  /* untouched */
  g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, 99);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM sqlite_master"), ==, 0);
  sqlite3_close (db);
}

static void
test_not_a_database (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_set_contents (f->path, "this is not SQLite, just some text that is long "
                                               "enough to be read as a header of a database file "
                                               "and rejected", -1, NULL));
  g_autoptr (SrJournal) j = sr_journal_open (f->path, SR_JOURNAL_OPEN_DEFAULT, &error);
  g_assert_null (j);
  g_assert_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, f->path));
}

static void
test_cannot_open (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "missing", "journal.db", NULL);
  g_autoptr (SrJournal) j = sr_journal_open (path, SR_JOURNAL_OPEN_DEFAULT, &error);
  g_assert_null (j);
  g_assert_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, path));
}

static void
test_read_only (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  /* an old file cannot be upgraded by a reader */
  sqlite3 *db = raw_open (f->path);
  raw_exec (db, "PRAGMA user_version = 0");
  g_autoptr (SrJournal) ro = sr_journal_open (f->path, SR_JOURNAL_OPEN_READ_ONLY, &error);
  g_assert_null (ro);
  g_assert_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_VERSION);
  g_clear_error (&error);
  sqlite3_close (db);

  SrJournal *rw = sr_journal_open (f->path, SR_JOURNAL_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  SrJournalMessage m = test_message ("default", "f1", "+41791234567", SR_MESSAGE_QUEUED, T0);
  g_assert_cmpint (sr_journal_message_insert (rw, &m, &error), ==, 1);
  g_assert_true (sr_journal_flush (rw, &error));

  ro = sr_journal_open (f->path, SR_JOURNAL_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  g_autoptr (SrJournalMessage) back = sr_journal_message_get (ro, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->to_e164, ==, "+41791234567");
  guint64 counts[SR_MESSAGE_N_STATES];
  sr_journal_count_states (ro, NULL, counts);
  g_assert_cmpuint (counts[SR_MESSAGE_QUEUED], ==, 1);

  /* a reader in another process refreshes its counts on demand */
  g_assert_cmpint (sr_journal_message_insert (rw, &m, &error), ==, 2);
  g_assert_true (sr_journal_blacklist_add (rw, SR_BLACKLIST_COUNTRY, "CI", "ops", NULL, T0, NULL, &error));
  g_assert_true (sr_journal_flush (rw, &error));
  g_assert_false (sr_journal_blacklist_has_country (ro, "CI"));
  g_assert_true (sr_journal_reload (ro, &error));
  g_assert_no_error (error);
  sr_journal_count_states (ro, NULL, counts);
  g_assert_cmpuint (counts[SR_MESSAGE_QUEUED], ==, 2);
  g_assert_true (sr_journal_blacklist_has_country (ro, "CI"));

  g_assert_cmpint (sr_journal_message_insert (ro, &m, &error), ==, 0);
  g_assert_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, f->path));
  sr_journal_close (rw);
}

/* ---- group commit ---------------------------------------------------------- */

typedef struct {
  const char *path;
  gint64 id;                   /* a row that must be visible to a second connection */
  gboolean fired;
  gboolean visible;
  guint calls;
  GError *error;
} CommitProbe;

static void
probe_committed (SrJournal *j, const GError *error, gpointer user_data)
{
  CommitProbe *p = user_data;
  p->fired = TRUE;
  p->calls++;
  if (error != NULL)
    p->error = g_error_copy (error);
  if (p->id != 0)
    {
      sqlite3 *db = raw_open (p->path);
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM messages WHERE id = %"
                                              G_GINT64_FORMAT, p->id);
      p->visible = raw_int (db, sql) == 1;
      sqlite3_close (db);
    }
}

static void
test_batching (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  SrJournalStats before, after;
  sr_journal_get_stats (f->journal, &before);

  /* 2 changes per message: far fewer commits than changes */
  for (guint i = 0; i < 5000; i++)
    {
      g_autofree char *file = g_strdup_printf ("%u.1_1.host", i);
      SrJournalMessage m = test_message ("default", file, "+41791234567", SR_MESSAGE_QUEUED, T0 + i);
      gint64 id = sr_journal_message_insert (f->journal, &m, &error);
      g_assert_no_error (error);
      g_assert_true (sr_journal_message_set_state (f->journal, id, SR_MESSAGE_SUBMITTING, T0 + i, &error));
    }
  g_assert_true (sr_journal_flush (f->journal, &error));
  sr_journal_get_stats (f->journal, &after);
  guint64 changes = after.changes - before.changes;
  guint64 commits = after.commits - before.commits;
  g_assert_cmpuint (changes, ==, 10000);
  g_assert_cmpuint (commits, >=, 10000 / 256);
  g_assert_cmpuint (commits, <=, 10000 / 256 + 1);

  sqlite3 *db = raw_open (f->path);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM messages WHERE state = 1"), ==, 5000);
  sqlite3_close (db);
}

/* when_committed fires only once a second connection can see the row, and
 * not before: the row is invisible while the batch is open. */
static void
test_when_committed_timer (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  SrJournalStats before, after;
  sr_journal_get_stats (f->journal, &before);

  SrJournalMessage m = test_message ("default", "claim", "+41791234567", SR_MESSAGE_QUEUED, T0);
  CommitProbe probe = { .path = f->path };
  probe.id = sr_journal_message_insert (f->journal, &m, &error);
  g_assert_no_error (error);
  sr_journal_when_committed (f->journal, probe_committed, &probe);

  sqlite3 *db = raw_open (f->path);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM messages"), ==, 0);
  g_assert_false (probe.fired);

  gint64 start = g_get_monotonic_time ();
  run_until (&probe.fired, 2000);
  gint64 elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  g_assert_true (probe.fired);
  g_assert_true (probe.visible);
  g_assert_no_error (probe.error);
  g_assert_cmpuint (probe.calls, ==, 1);
  g_assert_cmpint (elapsed_ms, <, 1000);
  sr_journal_get_stats (f->journal, &after);
  g_assert_cmpuint (after.commits - before.commits, ==, 1);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM messages"), ==, 1);
  sqlite3_close (db);
}

static void
test_when_committed_flush (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  SrJournalMessage m = test_message ("default", "claim", "+41791234567", SR_MESSAGE_QUEUED, T0);
  CommitProbe first = { .path = f->path }, second = { .path = f->path };
  first.id = sr_journal_message_insert (f->journal, &m, &error);
  sr_journal_when_committed (f->journal, probe_committed, &first);
  second.id = sr_journal_message_insert (f->journal, &m, &error);
  sr_journal_when_committed (f->journal, probe_committed, &second);

  /* flush runs due callbacks before it returns */
  g_assert_true (sr_journal_flush (f->journal, &error));
  g_assert_no_error (error);
  g_assert_true (first.fired && first.visible);
  g_assert_true (second.fired && second.visible);

  /* nothing pending: the callback still comes, from the main loop, not re-entrantly */
  CommitProbe idle = { .path = f->path };
  sr_journal_when_committed (f->journal, probe_committed, &idle);
  g_assert_false (idle.fired);
  run_until (&idle.fired, 2000);
  g_assert_true (idle.fired);
  g_assert_no_error (idle.error);
}

/* commit_soon: with a 10 s age limit, the commit still comes in the next
 * main-loop iteration, covering what was written until then. */
static void
test_commit_soon (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  sr_journal_set_batch (f->journal, 1000, 10000);
  SrJournalStats before, after;
  sr_journal_get_stats (f->journal, &before);

  CommitProbe probe = { .path = f->path };
  SrJournalMessage m = test_message ("default", "soon", "+41791234567", SR_MESSAGE_QUEUED, T0);
  probe.id = sr_journal_message_insert (f->journal, &m, &error);
  g_assert_no_error (error);
  sr_journal_when_committed (f->journal, probe_committed, &probe);
  sr_journal_commit_soon (f->journal);
  sr_journal_commit_soon (f->journal);  /* asking twice is one commit */
  g_assert_cmpint (sr_journal_message_insert (f->journal, &m, &error), >, 0);

  sqlite3 *db = raw_open (f->path);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM messages"), ==, 0);
  gint64 start = g_get_monotonic_time ();
  run_until (&probe.fired, 2000);
  g_assert_true (probe.fired && probe.visible);
  g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, <, 1000);
  sr_journal_get_stats (f->journal, &after);
  g_assert_cmpuint (after.commits - before.commits, ==, 1);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM messages"), ==, 2);
  sqlite3_close (db);

  /* Nothing open: nothing to do, and no commit is counted. */
  sr_journal_commit_soon (f->journal);
  g_main_context_iteration (NULL, FALSE);
  sr_journal_get_stats (f->journal, &before);
  g_assert_cmpuint (before.commits, ==, after.commits);
}

/* Hitting the change limit commits at once, but callbacks still wait for the main loop. */
static void
test_batch_limit (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  sr_journal_set_batch (f->journal, 10, 10000);
  SrJournalStats before, after;
  sr_journal_get_stats (f->journal, &before);

  CommitProbe probe = { .path = f->path };
  SrJournalMessage m = test_message ("default", "x", "+41791234567", SR_MESSAGE_QUEUED, T0);
  probe.id = sr_journal_message_insert (f->journal, &m, &error);
  sr_journal_when_committed (f->journal, probe_committed, &probe);
  for (guint i = 0; i < 9; i++)
    g_assert_cmpint (sr_journal_message_insert (f->journal, &m, &error), >, 0);
  sr_journal_get_stats (f->journal, &after);
  g_assert_cmpuint (after.commits - before.commits, ==, 1);
  g_assert_false (probe.fired);
  run_until (&probe.fired, 2000);
  g_assert_true (probe.fired && probe.visible);
}

typedef struct {
  guint calls;
  GError *last;
} ErrorProbe;

static void
probe_error (SrJournal *j, const GError *error, gpointer user_data)
{
  ErrorProbe *p = user_data;
  p->calls++;
  g_clear_error (&p->last);
  p->last = g_error_copy (error);
}

/* A failed commit loses that batch, says so to everyone waiting and to the
 * error callback, and the journal goes on with the next writes. */
static void
test_commit_failure (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  ErrorProbe errors = { 0 };
  sr_journal_set_error_func (f->journal, probe_error, &errors);

  SrJournalMessage m = test_message ("default", "kept", "+41791234567", SR_MESSAGE_QUEUED, T0);
  gint64 kept = sr_journal_message_insert (f->journal, &m, &error);
  g_assert_true (sr_journal_flush (f->journal, &error));

  sr_journal_debug_fail_commits (f->journal, 1);
  m.file = (char *) "lost";
  CommitProbe probe = { .path = f->path };
  gint64 lost = sr_journal_message_insert (f->journal, &m, &error);
  g_assert_no_error (error);
  g_assert_true (sr_journal_blacklist_add (f->journal, SR_BLACKLIST_COUNTRY, "FR", "ops", NULL,
                                           T0, NULL, &error));
  g_assert_true (sr_journal_blacklist_has_country (f->journal, "FR"));
  sr_journal_when_committed (f->journal, probe_committed, &probe);

  g_assert_false (sr_journal_flush (f->journal, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == SR_JOURNAL_ERROR);
  g_assert_nonnull (strstr (error->message, f->path));
  g_clear_error (&error);

  g_assert_true (probe.fired);
  g_assert_error (probe.error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_LOST);
  g_clear_error (&probe.error);
  g_assert_cmpuint (errors.calls, ==, 1);
  g_assert_error (errors.last, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_LOST);
  g_assert_nonnull (strstr (errors.last->message, f->path));

  /* the lost rows are gone, and so are the caches that reflected them */
  g_autoptr (SrJournalMessage) none = sr_journal_message_get (f->journal, lost, &error);
  g_assert_null (none);
  g_assert_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (sr_journal_blacklist_has_country (f->journal, "FR"));
  guint64 counts[SR_MESSAGE_N_STATES];
  sr_journal_count_states (f->journal, NULL, counts);
  g_assert_cmpuint (counts[SR_MESSAGE_QUEUED], ==, 1);

  /* the journal goes on; the lost id is not handed out again */
  m.file = (char *) "after";
  gint64 after = sr_journal_message_insert (f->journal, &m, &error);
  g_assert_no_error (error);
  g_assert_cmpint (after, >, lost);
  CommitProbe ok = { .path = f->path, .id = after };
  sr_journal_when_committed (f->journal, probe_committed, &ok);
  g_assert_true (sr_journal_flush (f->journal, &error));
  g_assert_true (ok.fired && ok.visible);
  g_assert_no_error (ok.error);
  g_assert_cmpuint (errors.calls, ==, 1);

  sqlite3 *db = raw_open (f->path);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM messages"), ==, 2);
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM messages WHERE id = %" G_GINT64_FORMAT, kept);
  g_assert_cmpint (raw_int (db, sql), ==, 1);
  sqlite3_close (db);
  g_clear_error (&errors.last);
}

/* Tells how often the journal failed and recovered. */
typedef struct {
  guint failures;
  guint recoveries;
} HealthProbe;

static void
probe_health (SrJournal *j, const GError *error, gpointer user_data)
{
  HealthProbe *p = user_data;
  if (error != NULL)
    p->failures++;
  else
    p->recoveries++;
}

static gint64
message_state (sqlite3 *db, gint64 id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT state FROM messages WHERE id = %" G_GINT64_FORMAT, id);
  return raw_int (db, sql);
}

/* A full disk (SQLite's page limit: the file cannot grow) loses nothing: the
 * writes are kept, their waiters wait, the health callback hears of it once,
 * writes that need the database now are refused; once there is room the
 * retry commits everything, in order, and everyone waiting is released. */
static void
test_disk_full (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  HealthProbe health = { 0 };
  ErrorProbe lost = { 0 };
  sr_journal_set_health_func (f->journal, probe_health, &health);
  sr_journal_set_error_func (f->journal, probe_error, &lost);

  char text[321];
  memset (text, 'x', sizeof text - 1);
  text[sizeof text - 1] = '\0';
  SrJournalMessage m = test_message ("default", "f", "+41791234567", SR_MESSAGE_QUEUED, T0);
  m.preview = text;
  for (guint i = 0; i < 20; i++)
    g_assert_cmpint (sr_journal_message_insert (f->journal, &m, &error), >, 0);
  g_assert_true (sr_journal_flush (f->journal, &error));

  sqlite3 *db = raw_open (f->path);
  guint pages = (guint) raw_int (db, "PRAGMA page_count");
  /* a few more pages: some inserts fit, then the disk is full */
  g_assert_cmpuint (sr_journal_debug_set_max_pages (f->journal, pages + 4), ==, pages + 4);

  gint64 first = 0, last = 0;
  for (guint i = 0; i < 2000; i++)
    {
      last = sr_journal_message_insert (f->journal, &m, &error);
      g_assert_no_error (error);
      g_assert_cmpint (last, >, 0);
      g_assert_true (sr_journal_segments_add (f->journal, last, 1, &error));
      if (first == 0)
        first = last;
    }
  g_assert_cmpint (last - first, ==, 1999);
  CommitProbe probe = { .path = f->path, .id = last };
  sr_journal_when_committed (f->journal, probe_committed, &probe);

  g_assert_false (sr_journal_flush (f->journal, &error));
  g_assert_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_FULL);
  g_assert_nonnull (strstr (error->message, f->path));
  g_test_message ("full: %s", error->message);
  g_clear_error (&error);
  g_assert_false (sr_journal_is_healthy (f->journal));
  g_assert_cmpuint (health.failures, ==, 1);

  /* the retries fail while the disk is full; nobody is released */
  gboolean never = FALSE;
  run_until (&never, 300);
  g_assert_false (probe.fired);
  g_assert_cmpuint (health.failures, ==, 1);
  g_assert_cmpuint (health.recoveries, ==, 0);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM messages"), ==, 20);

  /* writes of kept rows are kept too; a receipt's match needs the database now */
  g_assert_true (sr_journal_segment_set_submit (f->journal, last, 1, SR_SEGMENT_ACCEPTED, "main",
                                                "abc", 0, T0, &error));
  g_assert_true (sr_journal_message_set_state (f->journal, last, SR_MESSAGE_SENT, T0, &error));
  g_assert_no_error (error);
  SrJournalReceipt r = { .received_at = T0, .provider = (char *) "main", .smsc_id = (char *) "abc",
                         .stat = (char *) "DELIVRD" };
  g_assert_cmpint (sr_journal_record_receipt (f->journal, &r, NULL, &error), ==, -1);
  g_assert_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_FULL);
  g_clear_error (&error);

  /* room again: the next retry commits it all */
  sr_journal_debug_set_max_pages (f->journal, 0);
  run_until (&probe.fired, 5000);
  g_assert_true (probe.fired);
  g_assert_no_error (probe.error);
  g_assert_true (probe.visible);
  g_assert_true (sr_journal_is_healthy (f->journal));
  g_assert_cmpuint (health.recoveries, ==, 1);
  g_assert_cmpuint (lost.calls, ==, 0);

  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM messages"), ==, 2020);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM segments"), ==, 2000);
  g_assert_cmpint (message_state (db, last), ==, SR_MESSAGE_SENT);
  g_assert_cmpint (message_state (db, first), ==, SR_MESSAGE_QUEUED);
  guint64 counts[SR_MESSAGE_N_STATES];
  sr_journal_count_states (f->journal, "default", counts);
  g_assert_cmpuint (counts[SR_MESSAGE_QUEUED], ==, 2019);
  g_assert_cmpuint (counts[SR_MESSAGE_SENT], ==, 1);

  /* and the journal goes on as before */
  g_assert_cmpint (sr_journal_record_receipt (f->journal, &r, NULL, &error), ==, SR_RECEIPT_MATCHED);
  g_assert_true (sr_journal_flush (f->journal, &error));
  sqlite3_close (db);
  g_clear_error (&lost.last);
}

/* The WAL is copied back by the helper thread, not inside our commits. */
static void
test_checkpoint_thread (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  SrJournalMessage m = test_message ("default", "f", "+41791234567", SR_MESSAGE_QUEUED, T0);
  SrJournalStats stats;
  for (guint i = 0; i < 20000; i++)
    {
      g_assert_cmpint (sr_journal_message_insert (f->journal, &m, &error), >, 0);
      m.created_at++;
    }
  g_assert_true (sr_journal_flush (f->journal, &error));
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  do
    {
      sr_journal_get_stats (f->journal, &stats);
      if (stats.checkpoints == 0)
        g_usleep (1000);
    }
  while (stats.checkpoints == 0 && g_get_monotonic_time () < end);
  g_assert_cmpuint (stats.checkpoints, >=, 1);

  /* nothing lost on the way */
  sr_journal_close (g_steal_pointer (&f->journal));
  sqlite3 *db = raw_open (f->path);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM messages"), ==, 20000);
  sqlite3_close (db);
}

/* Sustained load (many commits, the writer never pausing): the WAL stays
 * under its documented bound and its pages reach the database file. */
static void
test_wal_bounded (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  char text[301];
  memset (text, 'w', sizeof text - 1);
  text[sizeof text - 1] = '\0';
  SrJournalMessage m = test_message ("default", "f", "+41791234567", SR_MESSAGE_QUEUED, T0);
  m.preview = text;
  goffset worst = 0;
  /* about 30 MB of pages written in all: far past the bound */
  for (guint i = 0; i < 60000; i++)
    {
      gint64 id = sr_journal_message_insert (f->journal, &m, &error);
      g_assert_no_error (error);
      g_assert_true (sr_journal_segments_add (f->journal, id, 1, &error));
      m.created_at++;
      if (i % 64 == 63)
        {
          GStatBuf st;
          g_assert_true (sr_journal_flush (f->journal, &error));
          g_assert_cmpint (g_stat (wal, &st), ==, 0);
          worst = MAX (worst, st.st_size);
        }
    }
  g_assert_true (sr_journal_flush (f->journal, &error));
  g_test_message ("largest WAL under load: %" G_GOFFSET_FORMAT " bytes", worst);
  g_assert_cmpint (worst, <=, SR_JOURNAL_WAL_BOUND_BYTES);

  /* the rows are in the database file, not only in the WAL */
  GStatBuf st;
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 8 * 1024 * 1024);
}

/* A reader holding an old snapshot (a long export) keeps the WAL from being
 * restarted; the writer tries briefly and goes on, it never waits seconds. */
static void
test_checkpoint_reader (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  sr_journal_debug_set_checkpoint_pages (f->journal, 20, 60);
  SrJournalMessage m = test_message ("default", "f", "+41791234567", SR_MESSAGE_QUEUED, T0);
  g_assert_cmpint (sr_journal_message_insert (f->journal, &m, &error), ==, 1);
  g_assert_true (sr_journal_flush (f->journal, &error));

  sqlite3 *db = raw_open (f->path);
  raw_exec (db, "BEGIN");
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM messages"), ==, 1);

  gint64 worst = 0;
  for (guint i = 0; i < 3000; i++)
    {
      gint64 t = g_get_monotonic_time ();
      g_assert_cmpint (sr_journal_message_insert (f->journal, &m, &error), >, 0);
      worst = MAX (worst, g_get_monotonic_time () - t);
    }
  g_assert_true (sr_journal_flush (f->journal, &error));
  g_test_message ("slowest insert with a reader holding the WAL: %" G_GINT64_FORMAT " us", worst);
  g_assert_cmpint (worst, <, 1 * G_USEC_PER_SEC);
  /* the reader still sees its snapshot */
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM messages"), ==, 1);
  raw_exec (db, "COMMIT");
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM messages"), ==, 3001);
  sqlite3_close (db);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/journal/open/spool-path", test_spool_path);
  g_test_add ("/journal/open/create", Fixture, NULL, fixture_setup, test_create, fixture_teardown);
  g_test_add ("/journal/open/migrate-v0", Fixture, NULL, fixture_setup, test_migrate_v0, fixture_teardown);
  g_test_add ("/journal/open/refuse-newer", Fixture, NULL, fixture_setup, test_refuse_newer, fixture_teardown);
  g_test_add ("/journal/open/not-a-database", Fixture, NULL, fixture_setup, test_not_a_database, fixture_teardown);
  g_test_add ("/journal/open/cannot-open", Fixture, NULL, fixture_setup, test_cannot_open, fixture_teardown);
  g_test_add ("/journal/open/read-only", Fixture, NULL, fixture_setup, test_read_only, fixture_teardown);
  g_test_add ("/journal/commit/batching", Fixture, NULL, fixture_setup_open, test_batching, fixture_teardown);
  g_test_add ("/journal/commit/when-committed-timer", Fixture, NULL, fixture_setup_open,
              test_when_committed_timer, fixture_teardown);
  g_test_add ("/journal/commit/when-committed-flush", Fixture, NULL, fixture_setup_open,
              test_when_committed_flush, fixture_teardown);
  g_test_add ("/journal/commit/soon", Fixture, NULL, fixture_setup_open, test_commit_soon,
              fixture_teardown);
  g_test_add ("/journal/commit/batch-limit", Fixture, NULL, fixture_setup_open, test_batch_limit,
              fixture_teardown);
  g_test_add ("/journal/checkpoint/wal-bounded", Fixture, NULL, fixture_setup_open, test_wal_bounded,
              fixture_teardown);
  g_test_add ("/journal/commit/failure", Fixture, NULL, fixture_setup_open, test_commit_failure,
              fixture_teardown);
  g_test_add ("/journal/commit/disk-full", Fixture, NULL, fixture_setup_open, test_disk_full,
              fixture_teardown);
  g_test_add ("/journal/commit/checkpoint-thread", Fixture, NULL, fixture_setup_open,
              test_checkpoint_thread, fixture_teardown);
  g_test_add ("/journal/commit/checkpoint-reader", Fixture, NULL, fixture_setup_open,
              test_checkpoint_reader, fixture_teardown);
  return g_test_run ();
}
