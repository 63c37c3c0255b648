/* test-disk-full.c — a full disk under the spool, for real: a small tmpfs
 * in the test's own mount namespace, filled up while messages wait.
 *
 * Nothing may be lost or half-written: every message stays whole in
 * outbox/new/, outbox/cur/ or sent/; what the router claimed stays claimed;
 * a system event (also among the console's last system errors) names what
 * is full; the router retries with backoff, not in a busy loop, and once
 * room is made it finishes everything by itself: each message exactly once
 * in sent/, each part submitted once, each receipt written, and the journal
 * in the state of the folders. */
#include "router-fixture.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "sr-journal.h"

/* Messages written before the disk fills, and after the warm-up. */
#define N_WARM 10
#define N_WAITING 120

/* Whether this process may mount (its own mount namespace, set up in main). */
static gboolean can_mount;

/* Message @i: a unique destination and reference, every tenth in two parts;
 * every twentieth carries a header that makes the finished file larger
 * than a page, so that it is copied into sent/ instead of renamed. */
static guint
message_parts (guint i)
{
  return i % 10 == 4 ? 2 : 1;
}

static char *
message_body (guint i)
{
  GString *body = g_string_new (NULL);

  g_string_append_printf (body, "Body of d-%u", i);
  while (message_parts (i) > 1 && body->len < 200)
    g_string_append_printf (body, ", more of d-%u", i);
  g_string_append_c (body, '\n');
  return g_string_free (body, FALSE);
}

static char *
message_file (guint i)
{
  g_autofree char *body = message_body (i);
  g_autofree char *padding = i % 20 == 9 ? g_strnfill (4200, 'p') : NULL;

  return g_strdup_printf ("To: +41791%06u\nReference: d-%u\n%s%s%s\n%s", i, i,
                          padding ? "X-Padding: " : "", padding ? padding : "",
                          padding ? "\n" : "", body);
}

/* Writes messages @first .. @first+@n-1 into outbox/tmp/ (the maildir
 * way: an application's files half-way); returns their names. */
static GPtrArray *
stage_messages (RouterFixture *fx, guint first, guint n)
{
  g_autofree char *tmp = g_build_filename (fx->spool, "apps", "default", "outbox", "tmp", NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = first; i < first + n; i++)
    {
      g_autofree char *file = message_file (i);
      char *name = sr_spool_unique_name ();
      g_autofree char *path = g_build_filename (tmp, name, NULL);

      g_assert_true (g_file_set_contents (path, file, -1, NULL));
      g_ptr_array_add (names, name);
    }
  return names;
}

/* Renames the staged files into outbox/new/: no room is needed for that. */
static void
release_messages (RouterFixture *fx, GPtrArray *names)
{
  g_autofree char *outbox = g_build_filename (fx->spool, "apps", "default", "outbox", NULL);

  for (guint k = 0; k < names->len; k++)
    {
      g_autofree char *from = g_build_filename (outbox, "tmp", names->pdata[k], NULL);
      g_autofree char *to = g_build_filename (outbox, "new", names->pdata[k], NULL);

      g_assert_cmpint (g_rename (from, to), ==, 0);
    }
}

/* The names in outbox/cur/: what the router has claimed. */
static GHashTable *
claimed_names (RouterFixture *fx)
{
  g_autofree char *path = g_build_filename (fx->spool, "apps", "default", "outbox", "cur", NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *n;

  while (dir != NULL && (n = g_dir_read_name (dir)) != NULL)
    if (n[0] != '.')
      g_hash_table_add (names, g_strdup (n));
  return names;
}

/* Every name of @before is still claimed. */
static void
check_still_claimed (RouterFixture *fx, GHashTable *before)
{
  g_autoptr(GHashTable) now = claimed_names (fx);
  GHashTableIter iter;
  const char *name;

  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
    if (!g_hash_table_contains (now, name))
      g_error ("%s left outbox/cur/ while the journal could not commit", name);
}

/* The message number of a file ("Reference: d-42"), checking that the
 * file is whole: its own headers and body as written, and in sent/ the
 * SMSC's ids added. */
static guint
check_file (const char *path, gboolean finished)
{
  g_autofree char *data = NULL;
  g_autofree char *ref = NULL;
  g_autofree char *orig = NULL;
  g_autofree char *body = NULL;
  guint64 i = 0;
  const char *got_body;

  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  ref = router_fixture_header (data, "Reference");
  if (ref == NULL || !g_str_has_prefix (ref, "d-")
      || !g_ascii_string_to_unsigned (ref + 2, 10, 0, G_MAXUINT, &i, NULL))
    g_error ("%s is not a message of this test: %s", path, data);
  orig = message_file ((guint) i);
  body = message_body ((guint) i);
  got_body = strstr (data, "\n\n");
  g_assert_nonnull (got_body);
  g_assert_cmpstr (got_body + 2, ==, body);
  /* the original headers, unchanged and in front */
  g_assert_true (strncmp (data, orig, strstr (orig, "\n\n") - orig) == 0);
  if (finished)
    {
      g_autofree char *ids = router_fixture_header (data, "X-SMSC-Id");

      g_assert_nonnull (ids);
    }
  return (guint) i;
}

/* Every message 0 .. @n-1 is exactly once in outbox/new/, outbox/cur/ or
 * sent/ (in sent/ only when @all_sent), whole; nothing is in dead/ and no
 * temporary is left in sent/.  Returns how many are in sent/. */
static guint
check_spool (RouterFixture *fx, guint n, gboolean all_sent)
{
  static const SrSpoolFolder folders[] = { SR_SPOOL_OUTBOX_NEW, SR_SPOOL_OUTBOX_CUR,
                                           SR_SPOOL_SENT };
  g_autofree guint *seen = g_new0 (guint, n);
  g_autofree char *sent_path = g_build_filename (fx->spool, "apps", "default", "sent", NULL);
  g_autoptr(GDir) dir = g_dir_open (sent_path, 0, NULL);
  const char *name;
  guint sent = 0;

  g_assert_cmpuint (router_fixture_count (fx, SR_SPOOL_DEAD), ==, 0);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (name[0] == '.')
      g_error ("a temporary is left in sent/: %s", name);
  for (guint f = 0; f < G_N_ELEMENTS (folders); f++)
    {
      g_autoptr(GPtrArray) files = NULL;
      g_autoptr(SrSpool) spool = NULL;
      const char *apps[] = { "default", NULL };
      g_autofree char *path = NULL;
      g_autoptr(GDir) d = NULL;

      spool = sr_spool_open (fx->spool, apps, NULL);
      g_assert_nonnull (spool);
      path = sr_spool_get_path (spool, "default", folders[f], NULL);
      d = g_dir_open (path, 0, NULL);
      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *file = g_build_filename (path, name, NULL);
          guint i;

          if (name[0] == '.')
            continue;
          i = check_file (file, folders[f] == SR_SPOOL_SENT);
          g_assert_cmpuint (i, <, n);
          if (seen[i]++ != 0)
            g_error ("message d-%u is in the spool twice (again as %s)", i, file);
          if (folders[f] == SR_SPOOL_SENT)
            sent++;
          else
            g_assert_false (all_sent);
        }
    }
  for (guint i = 0; i < n; i++)
    if (seen[i] != 1)
      g_error ("message d-%u is lost", i);
  return sent;
}

/* The journal, read as a second connection: one row per message, in the
 * state of its folder (sent/ and every receipt in: delivered). */
static void
check_journal (RouterFixture *fx, guint n)
{
  g_autofree char *db_path = g_build_filename (fx->spool, "router", "journal.db", NULL);
  g_autoptr(GPtrArray) sent = router_fixture_read_all (fx, SR_SPOOL_SENT);
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  guint rows = 0;

  g_assert_cmpuint (sent->len, ==, n);
  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT reference, state, parts FROM messages", -1,
                                       &st, NULL), ==, SQLITE_OK);
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      const char *ref = (const char *) sqlite3_column_text (st, 0);
      guint64 i = 0;

      rows++;
      g_assert_true (g_ascii_string_to_unsigned (ref + 2, 10, 0, n - 1, &i, NULL));
      g_assert_cmpstr (sr_message_state_to_string (sqlite3_column_int (st, 1)), ==,
                       sr_message_state_to_string (SR_MESSAGE_DELIVERED));
      g_assert_cmpint (sqlite3_column_int (st, 2), ==, message_parts ((guint) i));
    }
  sqlite3_finalize (st);
  sqlite3_close (db);
  g_assert_cmpuint (rows, ==, n);
}

/* The SMSC got every part of messages 0 .. @n-1, and at most @again
 * parts a second time: none while the router runs (a part accepted is never
 * submitted again), at most a window over a restart. */
static void
check_submits (RouterFixture *fx, guint n, guint again)
{
  g_autoptr(GPtrArray) log = sr_test_sim_read_log (fx->sim);
  g_autoptr(GPtrArray) submits = sr_test_sim_log_filter (log, "in", "submit_sm");
  g_autoptr(GHashTable) parts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint expected = 0, twice = 0;

  for (guint k = 0; k < submits->len; k++)
    {
      const char *udh = sr_test_log_str (submits->pdata[k], "udh");
      gsize ulen = udh ? strlen (udh) : 0;
      char *key = g_strdup_printf ("%s/%s", sr_test_log_str (submits->pdata[k], "destination_addr"),
                                   ulen >= 2 ? udh + ulen - 2 : "01");

      if (!g_hash_table_add (parts, key))
        {
          g_test_message ("part %s was submitted again", key);
          twice++;
        }
    }
  for (guint i = 0; i < n; i++)
    expected += message_parts (i);
  g_assert_cmpuint (g_hash_table_size (parts), ==, expected);
  g_assert_cmpuint (twice, <=, again);
}

/* Events of @kind so far, and whether one of them contains @needle. */
static guint
count_events (RouterFixture *fx, const char *kind, const char *needle, gboolean *found)
{
  g_autofree char *prefix = g_strdup_printf ("%s: ", kind);
  guint n = 0;

  for (guint k = 0; k < fx->events->len; k++)
    if (g_str_has_prefix (fx->events->pdata[k], prefix))
      {
        n++;
        if (found && needle && strstr (fx->events->pdata[k], needle))
          *found = TRUE;
      }
  return n;
}

/* Whether the console's last system errors (the router's status) hold a
 * line with both @a and @b. */
static gboolean
status_says (RouterFixture *fx, const char *a, const char *b)
{
  SrRouterStatus st;
  gboolean found = FALSE;

  sr_router_get_status (fx->router, &st);
  for (guint k = 0; st.system_errors && k < st.system_errors->len; k++)
    {
      const char *line = g_ptr_array_index (st.system_errors, k);

      if (strstr (line, a) && strstr (line, b))
        found = TRUE;
    }
  sr_router_status_clear (&st);
  return found;
}

/* Runs the main loop until the console shows a system error with @a and
 * @b; FALSE after @ms. */
static gboolean
wait_status (RouterFixture *fx, const char *a, const char *b, guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (!status_says (fx, a, b))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      router_fixture_run (20);
    }
  return TRUE;
}

/* After room was made: everything sent once (@again parts submitted
 * twice at most), every receipt written. */
static void
check_recovered (RouterFixture *fx, guint n, guint again)
{
  guint parts = 0;

  for (guint i = 0; i < n; i++)
    parts += message_parts (i);
  g_assert_true (router_fixture_wait_count (fx, SR_SPOOL_SENT, n, 30000));
  g_assert_true (router_fixture_wait_count (fx, SR_SPOOL_RECEIPTS_NEW, parts, 30000));
  router_fixture_run (300);
  g_assert_cmpuint (check_spool (fx, n, TRUE), ==, n);
  g_assert_cmpuint (router_fixture_count (fx, SR_SPOOL_RECEIPTS_NEW), ==, parts);
  check_submits (fx, n, again);
  router_fixture_stop_router (fx);
  check_journal (fx, n);
}

static void
setup (RouterFixture *fx)
{
  const char *sim_args[] = { "--receipt-delay", "50", "--deliver-retry-ms", "200", NULL };
  static const char *const full[] = { "No space left", "disk is full", NULL };

  router_fixture_expect_warnings ("sr-router", full);
  router_fixture_setup_no_start (fx, sim_args, NULL, "window = 10", NULL, NULL);
}

/* Warms up, stages the waiting messages, fills the file system that holds
 * @full_dir and releases them.  Returns the filler. */
static char *
fill_and_release (RouterFixture *fx, const char *full_dir)
{
  g_autoptr(GPtrArray) staged = NULL;
  char *filler;

  router_fixture_start (fx);
  for (guint i = 0; i < N_WARM; i++)
    {
      g_autofree char *file = message_file (i);

      g_free (router_fixture_drop (fx, file));
    }
  g_assert_true (router_fixture_wait_count (fx, SR_SPOOL_SENT, N_WARM, 10000));
  staged = stage_messages (fx, N_WARM, N_WAITING);
  filler = router_fixture_fill (full_dir);
  release_messages (fx, staged);
  return filler;
}

/* The whole spool, journal included, on one full file system: the
 * journal cannot commit, so nothing is claimed or submitted, and what was
 * claimed stays claimed until the commit works again. */
static void
test_spool_and_journal (void)
{
  RouterFixture fx;
  g_autofree char *filler = NULL;
  g_autofree char *journal_path = NULL;
  SrJournalStats before, after;
  g_autoptr(GHashTable) claimed = NULL;
  gboolean named = FALSE;
  guint events, sent_full, sent_later, submits_full;

  if (!can_mount)
    {
      g_test_skip ("needs a mount namespace (run as root)");
      return;
    }
  setup (&fx);
  router_fixture_mount_tmpfs (&fx, "", "16m");
  journal_path = g_build_filename (fx.spool, "router", "journal.db", NULL);
  filler = fill_and_release (&fx, fx.spool);

  /* the journal says it is full, naming its file */
  if (!wait_status (&fx, journal_path, "full", 20000))
    g_error ("no system error names the full journal %s", journal_path);
  count_events (&fx, "journal", journal_path, &named);
  g_assert_true (named);

  /* held, not lost; retried with backoff: a few commits a second at most */
  sr_journal_get_stats (sr_router_get_journal (fx.router), &before);
  events = count_events (&fx, "journal", NULL, NULL);
  sent_full = check_spool (&fx, N_WARM + N_WAITING, FALSE);
  submits_full = (guint) sr_test_sim_stat (fx.sim, "submits");
  claimed = claimed_names (&fx);
  router_fixture_run (3000);
  check_still_claimed (&fx, claimed);
  sr_journal_get_stats (sr_router_get_journal (fx.router), &after);
  sent_later = check_spool (&fx, N_WARM + N_WAITING, FALSE);
  g_test_message ("full: %u of %u in sent/, then %u; %u claimed; %" G_GUINT64_FORMAT " failed "
                  "commits in 3 s, %u journal events", sent_full, N_WARM + N_WAITING, sent_later,
                  g_hash_table_size (claimed),
                  after.failed_commits - before.failed_commits,
                  count_events (&fx, "journal", NULL, NULL));
  g_assert_cmpuint (sent_later, ==, sent_full);
  g_assert_cmpuint (sent_full, <, N_WARM + N_WAITING);
  g_assert_cmpint (sr_test_sim_stat (fx.sim, "submits"), ==, submits_full);
  g_assert_cmpuint (after.failed_commits - before.failed_commits, >=, 1);
  g_assert_cmpuint (after.failed_commits - before.failed_commits, <=, 20);
  g_assert_cmpuint (count_events (&fx, "journal", NULL, NULL), <=, events + 2);

  /* room again: it carries on by itself */
  g_assert_cmpint (g_unlink (filler), ==, 0);
  check_recovered (&fx, N_WARM + N_WAITING, 0);
  router_fixture_unmount (&fx, "");
  router_fixture_teardown (&fx);
}

/* Stopped while the journal cannot commit: the stop still ends, what was
 * claimed stays claimed, and the next start (with room again) finishes it,
 * sending again at most a window of parts whose acceptance the journal
 * could not record. */
static void
test_stopped_while_full (void)
{
  RouterFixture fx;
  g_autofree char *filler = NULL;
  g_autofree char *journal_path = NULL;
  g_autoptr(GHashTable) claimed = NULL;

  if (!can_mount)
    {
      g_test_skip ("needs a mount namespace (run as root)");
      return;
    }
  setup (&fx);
  router_fixture_mount_tmpfs (&fx, "", "16m");
  journal_path = g_build_filename (fx.spool, "router", "journal.db", NULL);
  filler = fill_and_release (&fx, fx.spool);
  if (!wait_status (&fx, journal_path, "full", 20000))
    g_error ("no system error names the full journal %s", journal_path);
  claimed = claimed_names (&fx);
  router_fixture_stop_router (&fx);
  check_spool (&fx, N_WARM + N_WAITING, FALSE);
  check_still_claimed (&fx, claimed);

  g_assert_cmpint (g_unlink (filler), ==, 0);
  router_fixture_new_router (&fx);
  router_fixture_start (&fx);
  check_recovered (&fx, N_WARM + N_WAITING, 10);
  router_fixture_unmount (&fx, "");
  router_fixture_teardown (&fx);
}

/* Only the applications' folders full (the journal elsewhere): claims are
 * renames and most results are written over the claimed file, but a
 * result over a page is copied, and receipts are new files.  Those fail,
 * are retried, and succeed once room is made. */
static void
test_spool_only (void)
{
  RouterFixture fx;
  g_autofree char *filler = NULL;
  g_autofree char *apps = NULL;
  guint big = 0, events;

  if (!can_mount)
    {
      g_test_skip ("needs a mount namespace (run as root)");
      return;
    }
  setup (&fx);
  router_fixture_mount_tmpfs (&fx, "apps", "16m");
  apps = g_build_filename (fx.spool, "apps", NULL);
  filler = fill_and_release (&fx, apps);
  for (guint i = N_WARM; i < N_WARM + N_WAITING; i++)
    big += i % 20 == 9;

  /* the copies into sent/ fail: a system event says why, and they wait in
   * outbox/cur/, whole */
  if (!wait_status (&fx, "outbox/cur", "No space left", 20000))
    g_error ("no system error says that sent/ is full");
  /* tried again, with backoff: a round or two in 3 s, not a busy loop */
  events = count_events (&fx, "spool", NULL, NULL);
  router_fixture_run (3000);
  g_test_message ("full: %u spool events, %u more in 3 s", events,
                  count_events (&fx, "spool", NULL, NULL) - events);
  g_assert_cmpuint (count_events (&fx, "spool", NULL, NULL), >=, events + 1);
  g_assert_cmpuint (count_events (&fx, "spool", NULL, NULL), <=, events + 20);
  g_assert_cmpuint (check_spool (&fx, N_WARM + N_WAITING, FALSE), <=, N_WARM + N_WAITING - big);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_OUTBOX_CUR), >=, big);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_OUTBOX_NEW), ==, 0);

  g_assert_cmpint (g_unlink (filler), ==, 0);
  check_recovered (&fx, N_WARM + N_WAITING, 0);
  router_fixture_unmount (&fx, "apps");
  router_fixture_teardown (&fx);
}

int
main (int argc, char **argv)
{
  /* A private mount namespace (before any thread starts): the small file
   * systems vanish with the process. */
  can_mount = router_fixture_private_mounts ();

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/disk-full/spool-and-journal", test_spool_and_journal);
  g_test_add_func ("/disk-full/stopped-while-full", test_stopped_while_full);
  g_test_add_func ("/disk-full/spool-only", test_spool_only);
  return g_test_run ();
}
