/* test-journal-daemon.c — the journal under `sms-router --daemon`: a journal
 * that cannot commit (a full file system) holds sending and recovers, and a
 * damaged, newer or missing journal stops the start with a clear error. */
#include "sr-test-sim.h"
#include "sr-journal.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>

/* One daemon under test, its spool, configuration and simulator. */
typedef struct {
  char *dir;
  char *spool;
  char *router_dir;          /* SPOOL/router: a small tmpfs in the disk-full test */
  char *journal;
  char *config;
  gboolean mounted;
  gboolean immutable;          /* journal.db made immutable (chattr +i) */
  SrTestSim *sim;
  GSubprocess *daemon;
  GString *log;              /* the daemon's stderr so far */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("sr-journal-daemon-XXXXXX", NULL);
  f->spool = g_build_filename (f->dir, "spool", NULL);
  f->router_dir = g_build_filename (f->spool, "router", NULL);
  f->journal = g_build_filename (f->router_dir, "journal.db", NULL);
  f->config = g_build_filename (f->dir, "sms-router.conf", NULL);
  f->log = g_string_new (NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->router_dir, 0750), ==, 0);
  f->sim = sr_test_sim_start_va ("--system-id", "router", "--password", "secret", NULL);
  g_autofree char *text = g_strdup_printf (
    "[router]\nspool = %s\nregion = CH\nreport = no\nrescan-interval = 1\n"
    "[smpp:sim]\nhost = 127.0.0.1\nport = %u\nsystem-id = router\npassword = secret\n"
    "window = 10\nenquire-link = 30\n"
    "[app:default]\nfrom = +41791234567\n"
    "[policy]\nmax-per-destination-hour = 0\nmax-per-destination-day = 0\n",
    f->spool, sr_test_sim_port (f->sim));
  g_assert_true (g_file_set_contents (f->config, text, -1, NULL));
  g_assert_cmpint (g_chmod (f->config, 0600), ==, 0);
}

static gboolean
run_command (const char *const *argv)
{
  gint status = -1;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                     | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  if (f->daemon != NULL)
    {
      g_subprocess_force_exit (f->daemon);
      g_subprocess_wait (f->daemon, NULL, NULL);
      g_object_unref (f->daemon);
    }
  sr_test_sim_stop (f->sim);
  if (f->immutable)
    {
      const char *chattr[] = { "chattr", "-i", f->journal, NULL };
      run_command (chattr);
    }
  if (f->mounted)
    umount2 (f->router_dir, MNT_DETACH);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
  g_free (f->spool);
  g_free (f->router_dir);
  g_free (f->journal);
  g_free (f->config);
  g_string_free (f->log, TRUE);
}

/* A failed assertion aborts before the teardown: the daemon must not outlive the test. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *
start_daemon (Fixture *f)
{
  g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (l, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (l, "SR_LOG_STDERR", "1", TRUE);
  g_autoptr(GError) error = NULL;
  GSubprocess *p = g_subprocess_launcher_spawn (l, &error, g_getenv ("SR_ROUTER"), "--daemon",
                                                "--config", f->config, NULL);
  g_assert_no_error (error);
  return p;
}

/* Runs the daemon to its exit (killed after 30 s: a daemon that starts
 * when it should refuse fails the test instead of hanging it); returns the
 * status and its stderr. */
static int
run_daemon_to_exit (Fixture *f, char **err)
{
  g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (l, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (l, "SR_LOG_STDERR", "1", TRUE);
  g_autoptr(GError) spawn_error = NULL;
  g_autoptr(GSubprocess) p = g_subprocess_launcher_spawn (l, &spawn_error, "timeout", "-s", "KILL",
                                                          "30", g_getenv ("SR_ROUTER"), "--daemon",
                                                          "--config", f->config, NULL);
  g_assert_no_error (spawn_error);
  g_autoptr(GError) error = NULL;
  g_assert_true (g_subprocess_communicate_utf8 (p, NULL, NULL, NULL, err, &error));
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (p))
    g_error ("the daemon did not exit within 30 s: it started instead of refusing; it said:\n%s", *err);
  return g_subprocess_get_exit_status (p);
}

static void
drain_log (Fixture *f)
{
  GInputStream *err = g_subprocess_get_stderr_pipe (f->daemon);
  char buf[4096];
  gssize n;
  while ((n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (err), buf,
                                                        sizeof buf, NULL, NULL)) > 0)
    g_string_append_len (f->log, buf, n);
}

/* Polls @check for up to @seconds while the main context runs. */
static gboolean
wait_for (gboolean (*check) (Fixture *), Fixture *f, guint seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    {
      if (check (f))
        return TRUE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20000);
    }
  return check (f);
}

static char *
app_dir (Fixture *f, const char *sub)
{
  return g_build_filename (f->spool, "apps", "default", sub, NULL);
}

/* The names in the app's folder @sub (sorted). */
static GPtrArray *
list_app (Fixture *f, const char *sub)
{
  g_autofree char *dir = app_dir (f, sub);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  return names;
}

static guint
count_app (Fixture *f, const char *sub)
{
  g_autoptr(GPtrArray) names = list_app (f, sub);
  return names->len;
}

static void
drop_message (Fixture *f, guint i)
{
  g_autofree char *body = g_strdup_printf ("To: +4179%07u\nReference: r%u\n\nmessage %u\n",
                                           1000000 + i, i, i);
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT ".%u_%u.test", g_get_real_time (),
                                           (guint) getpid (), i);
  g_autofree char *tmp_dir = app_dir (f, "outbox/tmp");
  g_autofree char *new_dir = app_dir (f, "outbox/new");
  g_autofree char *tmp = g_build_filename (tmp_dir, name, NULL);
  g_autofree char *dst = g_build_filename (new_dir, name, NULL);
  g_assert_true (g_file_set_contents (tmp, body, -1, NULL));
  g_assert_cmpint (g_rename (tmp, dst), ==, 0);
}

static gboolean
bound (Fixture *f)
{
  return sr_test_sim_stat (f->sim, "binds_ok") >= 1;
}

static gboolean
journal_failure_reported (Fixture *f)
{
  drain_log (f);
  /* any report of the journal failing, at system scope */
  const char *line = strstr (f->log->str, "[system] journal: ");
  return line != NULL && strstr (line, "disk is full") != NULL;
}

static gboolean
journal_recovery_reported (Fixture *f)
{
  drain_log (f);
  return strstr (f->log->str, "The journal can be written again") != NULL;
}

static gboolean
one_sent (Fixture *f)
{
  return count_app (f, "sent") >= 1;
}

static gboolean
never (Fixture *f)
{
  return FALSE;
}

#define N_FIRST 100
#define N_MESSAGES 2000

static gboolean
first_sent (Fixture *f)
{
  return count_app (f, "sent") >= N_FIRST;
}

static gboolean
all_sent (Fixture *f)
{
  return count_app (f, "sent") >= N_MESSAGES;
}

/* The journal's state of each file (committed rows only: another connection). */
static GHashTable *
journal_states (Fixture *f)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open_v2 (f->journal, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT file, state FROM messages WHERE app = 'default'",
                                       -1, &st, NULL), ==, SQLITE_OK);
  GHashTable *states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    g_hash_table_insert (states, g_strdup ((const char *) sqlite3_column_text (st, 0)),
                         GINT_TO_POINTER (sqlite3_column_int (st, 1)));
  g_assert_cmpint (rc, ==, SQLITE_DONE);
  sqlite3_finalize (st);
  sqlite3_close (db);
  return states;
}

/* Every file in sent/ is one the journal has committed as sent. */
static void
assert_sent_committed (Fixture *f)
{
  g_autoptr(GPtrArray) sent = list_app (f, "sent");
  g_autoptr(GHashTable) states = journal_states (f);
  for (guint i = 0; i < sent->len; i++)
    {
      const char *name = sent->pdata[i];
      gpointer state;
      if (!g_hash_table_lookup_extended (states, name, NULL, &state))
        g_error ("%s is in sent/, but the journal has no committed row for it", name);
      if (GPOINTER_TO_INT (state) != SR_MESSAGE_SENT)
        g_error ("%s is in sent/, but the journal says %s", name,
                 sr_message_state_to_string (GPOINTER_TO_INT (state)));
    }
}

/* Fills the file system of @dir until it refuses more. */
static void
fill_up (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "filler", NULL);
  FILE *fp = fopen (path, "w");
  g_assert_nonnull (fp);
  char block[4096];
  memset (block, 'f', sizeof block);
  while (fwrite (block, 1, sizeof block, fp) == sizeof block && fflush (fp) == 0)
    ;
  fclose (fp);
}

/* A full file system under the journal: the router holds (no submit, no file
 * in sent/ whose state the journal has not committed), says so at system
 * scope, retries, and once there is room finishes every message with the
 * journal matching the folders. */
static void
test_journal_full (Fixture *f, gconstpointer data)
{
  /* A mount namespace of this test process (and its daemon): a test that
   * aborts leaves no tmpfs mounted behind. */
  if (unshare (CLONE_NEWNS) != 0 || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0
      || mount ("tmpfs", f->router_dir, "tmpfs", 0, "size=8m,mode=0750") != 0)
    {
      g_test_skip ("cannot mount a tmpfs here (needs root)");
      return;
    }
  f->mounted = TRUE;

  f->daemon = start_daemon (f);
  g_assert_true (wait_for (bound, f, 15));
  for (guint i = 0; i < N_FIRST; i++)
    drop_message (f, i);
  g_assert_true (wait_for (first_sent, f, 30));
  /* the disk fills up; the WAL is short, so the next commits need room */
  fill_up (f->router_dir);
  for (guint i = N_FIRST; i < N_MESSAGES; i++)
    drop_message (f, i);

  g_assert_true (wait_for (journal_failure_reported, f, 30));
  g_assert_nonnull (strstr (f->log->str, f->journal));
  gint64 submits = sr_test_sim_stat (f->sim, "submits");
  g_test_message ("held after %" G_GINT64_FORMAT " submits, %u in sent/", submits,
                  count_app (f, "sent"));
  g_assert_cmpint (submits, <, N_MESSAGES);

  /* held: not one submit more while the journal cannot commit, and sent/
   * holds only what the journal knows as sent */
  for (guint round = 0; round < 4; round++)
    {
      wait_for (never, f, 1);
      g_assert_cmpint (sr_test_sim_stat (f->sim, "submits"), ==, submits);
      assert_sent_committed (f);
    }
  g_assert_null (strstr (f->log->str, "The journal can be written again"));

  /* room again: the retry commits, sending resumes, everything finishes */
  g_autofree char *filler = g_build_filename (f->router_dir, "filler", NULL);
  g_assert_cmpint (g_unlink (filler), ==, 0);
  if (!wait_for (journal_recovery_reported, f, 30))
    g_error ("no recovery; the daemon said:\n%s", f->log->str);
  g_assert_true (wait_for (all_sent, f, 60));

  g_subprocess_send_signal (f->daemon, SIGTERM);
  g_assert_true (g_subprocess_wait (f->daemon, NULL, NULL));
  drain_log (f);
  g_assert_cmpint (g_subprocess_get_exit_status (f->daemon), ==, 0);
  g_clear_object (&f->daemon);

  g_test_message ("%s", f->log->str);
  g_assert_cmpuint (count_app (f, "sent"), ==, N_MESSAGES);
  g_assert_cmpuint (count_app (f, "outbox/new") + count_app (f, "outbox/cur")
                    + count_app (f, "dead"), ==, 0);
  assert_sent_committed (f);
  g_autoptr(GHashTable) states = journal_states (f);
  g_assert_cmpuint (g_hash_table_size (states), ==, N_MESSAGES);
  /* nothing was submitted twice */
  g_assert_cmpint (sr_test_sim_stat (f->sim, "submits"), ==, N_MESSAGES);
}


/* ---- a damaged, newer or missing journal: a clear error, exit 2 ---------- */

/* A message the router had claimed (as a crash leaves it in outbox/cur/). */
static char *
claimed_file (Fixture *f)
{
  g_autofree char *cur = app_dir (f, "outbox/cur");
  g_assert_cmpint (g_mkdir_with_parents (cur, 0750), ==, 0);
  char *path = g_build_filename (cur, "1795000000.1_1.test", NULL);
  g_assert_true (g_file_set_contents (path, "To: +41791234567\n\nclaimed before\n", -1, NULL));
  return path;
}

/* A journal with rows, closed (a router ran on this spool). */
static void
make_journal (Fixture *f, guint rows)
{
  g_autoptr(GError) error = NULL;
  SrJournal *j = sr_journal_open (f->journal, SR_JOURNAL_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows; i++)
    {
      g_autofree char *file = g_strdup_printf ("1795000000.%u_1.test", i);
      SrJournalMessage m = { .app = (char *) "default", .file = file, .to_e164 = (char *) "+41791234567",
                             .state = SR_MESSAGE_QUEUED, .created_at = g_get_real_time (),
                             .preview = (char *) "a text long enough to fill the pages of the table" };
      g_assert_cmpint (sr_journal_message_insert (j, &m, &error), >, 0);
    }
  g_assert_true (sr_journal_flush (j, &error));
  sr_journal_close (j);
}

/* The start is refused: exit 2, the message names @path and says @what;
 * nothing was sent and the claimed file is where it was. */
static void
assert_refused (Fixture *f, const char *path, const char *what, const char *claimed)
{
  g_autofree char *err = NULL;
  int status = run_daemon_to_exit (f, &err);
  g_test_message ("%s", err);
  g_assert_cmpint (status, ==, 2);
  if (strstr (err, path) == NULL || strstr (err, what) == NULL
      || strstr (err, "DAMAGED OR MISSING JOURNAL") == NULL)
    g_error ("expected an error naming %s and saying '%s', got: %s", path, what, err);
  g_assert_cmpint (sr_test_sim_stat (f->sim, "submits"), ==, 0);
  if (claimed != NULL)
    g_assert_true (g_file_test (claimed, G_FILE_TEST_IS_REGULAR));
}

static void
test_not_a_database (Fixture *f, gconstpointer data)
{
  g_autofree char *claimed = claimed_file (f);
  const char *junk = "this is not SQLite, just some text long enough to be read as the header "
                     "of a database file and rejected by it";
  g_assert_true (g_file_set_contents (f->journal, junk, -1, NULL));
  assert_refused (f, f->journal, "damaged", claimed);
  /* the damaged file is kept as it was, not replaced by a fresh journal */
  g_autofree char *after = NULL;
  g_assert_true (g_file_get_contents (f->journal, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, junk);
}

/* Damage past the first page: the schema reads, the tables do not. */
static void
test_damaged_pages (Fixture *f, gconstpointer data)
{
  make_journal (f, 3000);
  g_autofree char *claimed = claimed_file (f);
  gsize length = 0;
  g_autofree char *bytes = NULL;
  g_assert_true (g_file_get_contents (f->journal, &bytes, &length, NULL));
  g_assert_cmpuint (length, >, 64 * 1024);
  for (gsize i = 4096; i < length; i++)
    bytes[i] = (char) (i * 7 + 13);
  g_assert_true (g_file_set_contents (f->journal, bytes, length, NULL));
  assert_refused (f, f->journal, "damaged", claimed);
}

static void
test_newer_schema (Fixture *f, gconstpointer data)
{
  make_journal (f, 1);
  g_autofree char *claimed = claimed_file (f);
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (f->journal, &db), ==, SQLITE_OK);
  g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d", SR_JOURNAL_SCHEMA_VERSION + 1);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  assert_refused (f, f->journal, "a newer sms-router wrote it", claimed);
  /* untouched */
  g_assert_cmpint (sqlite3_open (f->journal, &db), ==, SQLITE_OK);
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (st, 0), ==, SR_JOURNAL_SCHEMA_VERSION + 1);
  sqlite3_finalize (st);
  sqlite3_close (db);
}

/* A journal the router may read but not write (here: immutable, which holds
 * for root too): refused at the start, not a router that never records. */
static void
test_read_only (Fixture *f, gconstpointer data)
{
  make_journal (f, 1);
  const char *chattr[] = { "chattr", "+i", f->journal, NULL };
  if (!run_command (chattr))
    {
      g_test_skip ("cannot make the journal immutable here (chattr: root on ext4)");
      return;
    }
  f->immutable = TRUE;
  assert_refused (f, f->journal, "can be read but not written", NULL);
}

/* No journal (or an empty file, as a failed restore leaves) while outbox/cur/
 * holds claimed messages: no fresh start that would send them as new. */
static void
test_missing_with_claims (Fixture *f, gconstpointer data)
{
  g_autofree char *claimed = claimed_file (f);
  g_autofree char *cur = app_dir (f, "outbox/cur");
  assert_refused (f, f->journal, cur, claimed);
  g_assert_false (g_file_test (f->journal, G_FILE_TEST_EXISTS));

  g_assert_true (g_file_set_contents (f->journal, "", 0, NULL));
  assert_refused (f, f->journal, cur, claimed);

  /* what the message says to do works: back into new/, and it is sent */
  g_autofree char *new_dir = app_dir (f, "outbox/new");
  g_autofree char *moved = g_build_filename (new_dir, "1795000000.1_1.test", NULL);
  g_assert_cmpint (g_rename (claimed, moved), ==, 0);
  f->daemon = start_daemon (f);
  g_assert_true (wait_for (one_sent, f, 20));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/journal/daemon/full", Fixture, NULL, fixture_setup, test_journal_full,
              fixture_teardown);
  g_test_add ("/journal/daemon/not-a-database", Fixture, NULL, fixture_setup, test_not_a_database,
              fixture_teardown);
  g_test_add ("/journal/daemon/damaged-pages", Fixture, NULL, fixture_setup, test_damaged_pages,
              fixture_teardown);
  g_test_add ("/journal/daemon/newer-schema", Fixture, NULL, fixture_setup, test_newer_schema,
              fixture_teardown);
  g_test_add ("/journal/daemon/read-only", Fixture, NULL, fixture_setup, test_read_only,
              fixture_teardown);
  g_test_add ("/journal/daemon/missing-with-claims", Fixture, NULL, fixture_setup,
              test_missing_with_claims, fixture_teardown);
  return g_test_run ();
}
