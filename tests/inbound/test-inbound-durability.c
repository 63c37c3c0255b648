/* test-inbound-durability.c — storage failures and crashes: answers wait
 * for durability, a failed write is retried, and a router that dies at any
 * point leaves exactly one inbox file after the SMSC's redelivery. */
#include "inbound-fixture.h"

#include <unistd.h>

/* The inbox cannot be written: the SMSC is told to try again, the journal
 * says why, and the message arrives once the inbox works again. */
static void
test_inbox_failure (Fx *fx, gconstpointer data)
{
  g_autofree char *tmp = g_build_filename (fx->root, "apps", "default", "inbox", "tmp", NULL);
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *file = NULL;
  gint64 next = 0;
  guint found = 0;

  g_assert_cmpint (g_rmdir (tmp), ==, 0);
  g_assert_true (g_file_set_contents (tmp, "not a folder", -1, NULL));
  start_session (fx);
  expect_warnings ("could not be stored (inbox)");
  mo (fx, "from=" FROM ",to=+41790000000,text=inbox trouble");
  g_assert_true (run_until (fx, answered_at_least, GUINT_TO_POINTER (1), 5000));
  g_assert_cmpuint (expected_warnings, >=, 1);
  g_assert_cmpuint (fx->answered_ok, ==, 0);
  g_assert_cmpuint (fx->notified, ==, 0);
  sr_journal_flush (fx->journal, NULL);
  events = sr_journal_events_page (fx->journal, -1, NULL, SR_PAGE_NEWER, 0, 100, &next, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      SrJournalEvent *ev = events->pdata[i];
      if (g_strcmp0 (ev->kind, "inbound-store") == 0 && strstr (ev->text, "inbox") != NULL)
        found++;
    }
  g_assert_cmpuint (found, >=, 1);

  g_assert_cmpint (g_unlink (tmp), ==, 0);
  g_assert_cmpint (g_mkdir (tmp, 0770), ==, 0);
  g_assert_true (run_until (fx, acked_at_least, GUINT_TO_POINTER (1), 5000));
  file = only_file (fx, "default");
  g_assert_cmpstr (body_of (file), ==, "inbox trouble\n");
  rows = journal_inbound (fx);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpuint (fx->notified, ==, 1);
}

/* An app that replaced its inbox/new/ with a link to another folder after
 * the start gets its message in its own folder, the one the router holds:
 * nothing is written where the link points. */
static void
test_inbox_link (Fx *fx, gconstpointer data)
{
  g_autofree char *box = g_build_filename (fx->root, "apps", "default", "inbox", NULL);
  g_autofree char *new_dir = g_build_filename (box, "new", NULL);
  g_autofree char *moved = g_build_filename (box, "new.moved", NULL);
  g_autofree char *elsewhere = g_build_filename (fx->root, "elsewhere", NULL);
  g_autoptr(GDir) target = NULL;
  g_autoptr(GDir) held = NULL;
  guint in_held = 0;

  g_assert_cmpint (g_mkdir (elsewhere, 0700), ==, 0);
  g_assert_cmpint (g_rename (new_dir, moved), ==, 0);
  g_assert_cmpint (symlink (elsewhere, new_dir), ==, 0);
  start_session (fx);
  mo_and_wait (fx, "from=" FROM ",to=+41790000000,text=not through the link");
  target = g_dir_open (elsewhere, 0, NULL);
  g_assert_nonnull (target);
  g_assert_null (g_dir_read_name (target));
  held = g_dir_open (moved, 0, NULL);
  g_assert_nonnull (held);
  while (g_dir_read_name (held))
    in_held++;
  g_assert_cmpuint (in_held, ==, 1);
}

/* ---- durability ---- */

static void
ignore_journal_error_fx (SrJournal *journal, const GError *error, gpointer data)
{
}


/* A failed journal commit: the SMSC is told to try again, and the second
 * delivery makes one inbox file. */
static void
test_journal_failure (Fx *fx, gconstpointer data)
{
  g_autoptr(GPtrArray) rows = NULL;

  sr_journal_set_error_func (fx->journal, ignore_journal_error_fx, NULL);
  sr_journal_debug_fail_commits (fx->journal, 1);
  expect_warnings ("could not be stored (journal)");
  mo_and_wait (fx, "from=" FROM ",to=+41790000000,text=try again");
  g_assert_cmpuint (expected_warnings, ==, 1);
  g_assert_cmpuint (stats (fx).deliver_nacked, ==, 1);
  g_assert_cmpuint (stats (fx).deliver_acked, ==, 1);
  g_assert_cmpuint (inbox_count (fx, "default"), ==, 1);
  rows = journal_inbound (fx);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpuint (fx->notified, ==, 1);
}

/* The holding area cannot be written: refused for now, with a journal
 * event naming the place; delivered once it works again. */
static void
test_hold_failure (Fx *fx, gconstpointer data)
{
  g_autofree char *hold = g_build_filename (fx->root, "router", "inbound", NULL);
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  gint64 next = 0;
  gboolean found = FALSE;

  g_assert_cmpint (g_rmdir (hold), ==, 0);
  g_assert_true (g_file_set_contents (hold, "not a folder", -1, NULL));
  start_session (fx);
  expect_warnings ("could not be held");
  mo (fx, "from=" FROM ",to=+41790000000,text=no room");
  g_assert_true (run_until (fx, answered_at_least, GUINT_TO_POINTER (1), 5000));
  g_assert_cmpuint (expected_warnings, >=, 1);
  g_assert_cmpuint (fx->answered_ok, ==, 0);
  g_assert_cmpuint (inbox_count (fx, "default"), ==, 0);
  sr_journal_flush (fx->journal, NULL);
  events = sr_journal_events_page (fx->journal, -1, NULL, SR_PAGE_NEWER, 0, 100, &next, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      SrJournalEvent *ev = events->pdata[i];
      if (g_strcmp0 (ev->kind, "inbound-store") == 0)
        {
          found = TRUE;
          g_assert_nonnull (strstr (ev->text, hold));
        }
    }
  g_assert_true (found);

  /* the SMSC tries again (every 100 ms here) and now it works */
  g_assert_cmpint (g_unlink (hold), ==, 0);
  g_assert_cmpint (g_mkdir (hold, 0770), ==, 0);
  g_assert_true (run_until (fx, acked_at_least, GUINT_TO_POINTER (1), 5000));
  g_assert_cmpuint (inbox_count (fx, "default"), ==, 1);
}


/* deliver_sm_resp waits for the journal commit; the file is there first. */
static void
test_answer_after_commit (Fx *fx, gconstpointer data)
{
  sr_journal_set_batch (fx->journal, 100000, 60000);
  start_session (fx);
  mo (fx, "from=" FROM ",to=+41790000000,text=wait for it");
  g_assert_true (run_until (fx, delivered_at_least, GUINT_TO_POINTER (1), 5000));
  run_for (200);
  g_assert_cmpuint (inbox_count (fx, "default"), ==, 1);
  g_assert_cmpuint (fx->answered, ==, 0);
  g_assert_cmpuint (stats (fx).deliver_acked, ==, 0);
  g_assert_cmpuint (stats (fx).deliver_inflight, ==, 1);

  g_assert_true (sr_journal_flush (fx->journal, NULL));
  g_assert_cmpuint (fx->answered_ok, ==, 1);
  g_assert_true (run_until (fx, acked_at_least, GUINT_TO_POINTER (1), 5000));
  assert_hold_cleared (fx);
}

/* Crash cases: the router dies while the SMSC waits for its answer; the
 * SMSC sends the message again to the restarted router. */
typedef struct {
  const char *spec;
  guint parts;
  gboolean lose_batch;        /* before the journal commit (else after it, before the answer) */
} CrashCase;

static const CrashCase crash_cases[] = {
  { "from=" FROM ",to=+41790000000,text=crash before commit", 1, TRUE },
  { "from=" FROM ",to=+41790000000,text=crash before answer", 1, FALSE },
  { "from=" FROM ",to=+41790000000,text=0123456789,repeat=40", 3, TRUE },
  { "from=" FROM ",to=+41790000000,text=0123456789,repeat=40,order=3\\,1\\,2", 3, FALSE },
};

static void
test_crash (Fx *fx, gconstpointer data)
{
  const CrashCase *c = data;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *before = NULL, *after = NULL;

  if (c->lose_batch)
    sr_journal_set_batch (fx->journal, 100000, 60000);
  else
    fx->hold_acks = TRUE;
  start_session (fx);
  mo (fx, c->spec);
  g_assert_true (run_until (fx, delivered_at_least, GUINT_TO_POINTER (c->parts), 5000));
  if (!c->lose_batch)
    g_assert_true (run_until (fx, answered_at_least, GUINT_TO_POINTER (c->parts), 5000));
  run_for (50);
  g_assert_cmpuint (inbox_count (fx, "default"), ==, 1);
  before = only_file (fx, "default");
  /* the last part is unanswered (all of them when answers are held) */
  g_assert_cmpuint (stats (fx).deliver_acked, ==, c->lose_batch ? c->parts - 1 : 0);

  close_router (fx, c->lose_batch);
  fx->hold_acks = FALSE;
  open_router (fx);
  start_session (fx);
  if (!run_until (fx, acked_at_least, GUINT_TO_POINTER (c->parts), 5000))
    g_error ("not answered: delivers %u answered %u; sim sent %" G_GUINT64_FORMAT
             " acked %" G_GUINT64_FORMAT " redelivered %" G_GUINT64_FORMAT
             " inflight %" G_GUINT64_FORMAT " pending %" G_GUINT64_FORMAT, fx->delivers,
             fx->answered, stats (fx).deliver_sent, stats (fx).deliver_acked,
             stats (fx).deliver_redelivered, stats (fx).deliver_inflight,
             stats (fx).deliver_pending);
  run_for (100);

  g_assert_cmpuint (stats (fx).deliver_redelivered, >=, 1);
  after = only_file (fx, "default");
  g_assert_cmpstr (before, ==, after);
  rows = journal_inbound (fx);
  g_assert_cmpuint (rows->len, ==, 1);
  assert_hold_cleared (fx);
  /* notified once: a restarted router does not announce what it wrote before */
  g_assert_cmpuint (fx->notified, ==, 1);
}

/* A crash with a part held: the restarted router completes the message. */
static void
test_crash_partial (Fx *fx, gconstpointer data)
{
  g_autofree char *file = NULL;
  g_autofree char *text = repeat ("0123456789", 40);
  g_autofree char *expected = g_strconcat (text, "\n", NULL);

  start_session (fx);
  mo (fx, "from=" FROM ",to=+41790000000,text=0123456789,repeat=40,drop=3,ref=77");
  g_assert_true (run_until (fx, acked_at_least, GUINT_TO_POINTER (2), 5000));
  close_router (fx, FALSE);
  open_router (fx);
  start_session (fx);
  g_assert_cmpuint (inbox_count (fx, "default"), ==, 0);
  /* the third part arrives after the restart */
  mo (fx, "from=" FROM ",to=+41790000000,text=0123456789,repeat=40,drop=1\\,2,ref=77");
  g_assert_true (run_until (fx, acked_at_least, GUINT_TO_POINTER (3), 5000));
  file = only_file (fx, "default");
  g_assert_cmpstr (body_of (file), ==, expected);
  assert_hold_cleared (fx);
}

/* A message delivered and answered, which the app has taken away (out of
 * new/ and cur/), before the router crashes: the part files still held
 * for a redelivery must not bring it back after the restart. */
static void
test_taken_before_crash (Fx *fx, gconstpointer data)
{
  const char *specs[] = {
    "from=" FROM ",to=+41790000000,text=taken away",
    "from=" FROM ",to=+41790000000,text=0123456789,repeat=40,ref=3",
  };
  g_autoptr(GPtrArray) rows = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      g_autoptr(GPtrArray) names = NULL;
      g_autofree char *path = NULL;

      mo_and_wait (fx, specs[i]);
      sr_journal_flush (fx->journal, NULL);
      names = inbox (fx, "default");
      g_assert_cmpuint (names->len, ==, 1);
      path = sr_spool_get_path (fx->spool, "default", SR_SPOOL_INBOX_NEW, names->pdata[0]);
      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_false (hold_empty (fx));
  close_router (fx, FALSE);
  open_router (fx);
  start_session (fx);
  run_for (100);
  sr_journal_flush (fx->journal, NULL);
  g_assert_cmpuint (inbox_count (fx, "default"), ==, 0);
  {
    g_autofree char *cur = sr_spool_get_path (fx->spool, "default", SR_SPOOL_INBOX_CUR, NULL);
    g_autoptr(GDir) dir = g_dir_open (cur, 0, NULL);
    g_assert_nonnull (dir);
    g_assert_null (g_dir_read_name (dir));
  }
  rows = journal_inbound (fx);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpuint (fx->notified, ==, 2);
  assert_hold_cleared (fx);
}

void inbound_durability_tests_add (void);

void
inbound_durability_tests_add (void)
{
  g_test_add ("/inbound/journal-failure", Fx, NULL, fx_setup, test_journal_failure, fx_teardown);
  g_test_add ("/inbound/inbox-failure", Fx, NULL, fx_setup, test_inbox_failure, fx_teardown);
  g_test_add ("/inbound/inbox-link", Fx, NULL, fx_setup, test_inbox_link, fx_teardown);
  g_test_add ("/inbound/hold-failure", Fx, NULL, fx_setup, test_hold_failure, fx_teardown);
  g_test_add ("/inbound/answer-after-commit", Fx, NULL, fx_setup, test_answer_after_commit, fx_teardown);
  for (guint i = 0; i < G_N_ELEMENTS (crash_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/inbound/crash/%u", i);
      g_test_add (name, Fx, &crash_cases[i], fx_setup, test_crash, fx_teardown);
    }
  g_test_add ("/inbound/crash-partial", Fx, NULL, fx_setup, test_crash_partial, fx_teardown);
  g_test_add ("/inbound/taken-before-crash", Fx, NULL, fx_setup, test_taken_before_crash, fx_teardown);
}
