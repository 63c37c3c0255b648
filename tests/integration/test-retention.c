/* test-retention.c — [router] retention-days: at start and after a reload
 * the router removes sent/, dead/ and receipt files and journal rows older
 * than the limit, keeps everything younger, unfinished or not its own, and
 * reports what it removed as a system event. */
#include "router-fixture.h"

#include <glib/gstdio.h>
#include <utime.h>
#include <string.h>

#include "sr-config.h"

#define DAY (G_USEC_PER_SEC * G_GINT64_CONSTANT (86400))

/* The folders retention prunes, and one it must never touch. */
static const SrSpoolFolder pruned[] = {
  SR_SPOOL_SENT, SR_SPOOL_DEAD, SR_SPOOL_RECEIPTS_NEW, SR_SPOOL_RECEIPTS_CUR,
};

/* Writes @name into @folder of app "default", last modified @age ago. */
static char *
put_file (RouterFixture *fx, SrSpoolFolder folder, const char *name, gint64 age)
{
  char *path = sr_spool_get_path (sr_router_get_spool (fx->router), "default", folder, name);
  g_assert_true (g_file_set_contents (path, "To: +41791234567\n\nold\n", -1, NULL));
  struct utimbuf when;
  when.actime = when.modtime = (time_t) ((g_get_real_time () - age) / G_USEC_PER_SEC);
  g_assert_cmpint (g_utime (path, &when), ==, 0);
  return path;
}

/* A journal row for a message created @age ago, in @state. */
static gint64
put_row (RouterFixture *fx, const char *file, SrMessageState state, gint64 age)
{
  SrJournal *j = sr_router_get_journal (fx->router);
  gint64 created = g_get_real_time () - age;
  SrJournalMessage m = {
    .app = (char *) "default", .file = (char *) file, .to_e164 = (char *) "+41791234567",
    .state = state, .parts = 1, .created_at = created,
  };
  g_autoptr(GError) error = NULL;
  gint64 id = sr_journal_message_insert (j, &m, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_true (sr_journal_event_add (j, created, SR_SCOPE_MESSAGE, SR_LEVEL_INFO, "state", id,
                                       "default", NULL, "test row", &error));
  g_assert_no_error (error);
  return id;
}

static gboolean
has_row (RouterFixture *fx, gint64 id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrJournalMessage) m = sr_journal_message_get (sr_router_get_journal (fx->router), id, &error);
  if (m == NULL)
    g_assert_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_NOT_FOUND);
  return m != NULL;
}

/* The text of the first "retention" event, waiting up to @ms for it. */
static const char *
wait_retention_event (RouterFixture *fx, guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;
  do
    {
      for (guint i = 0; i < fx->events->len; i++)
        {
          const char *e = g_ptr_array_index (fx->events, i);
          if (g_str_has_prefix (e, "retention: "))
            return e;
        }
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  while (g_get_monotonic_time () < end);
  return NULL;
}

static void
test_prune_at_start (void)
{
  RouterFixture fx;
  router_fixture_setup_no_start (&fx, NULL, "retention-days = 7", NULL, NULL, NULL);

  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < G_N_ELEMENTS (pruned); i++)
    {
      g_ptr_array_add (gone, put_file (&fx, pruned[i], "old", 8 * DAY));
      g_ptr_array_add (kept, put_file (&fx, pruned[i], "young", 6 * DAY));
    }
  /* not the router's to remove: the inbox is the app's, dot-files are writes in progress */
  g_ptr_array_add (kept, put_file (&fx, SR_SPOOL_INBOX_NEW, "old", 8 * DAY));
  g_ptr_array_add (kept, put_file (&fx, SR_SPOOL_SENT, ".old-in-progress", 8 * DAY));

  gint64 old_sent = put_row (&fx, "old-sent", SR_MESSAGE_SENT, 8 * DAY);
  gint64 old_dead = put_row (&fx, "old-dead", SR_MESSAGE_DEAD, 9 * DAY);
  gint64 old_queued = put_row (&fx, "old-queued", SR_MESSAGE_QUEUED, 8 * DAY);
  gint64 young = put_row (&fx, "young", SR_MESSAGE_SENT, 6 * DAY);
  g_autoptr(GError) error = NULL;
  g_assert_true (sr_journal_flush (sr_router_get_journal (fx.router), &error));

  router_fixture_start (&fx);
  const char *event = wait_retention_event (&fx, 5000);
  g_assert_nonnull (event);
  /* 4 files; rows: 2 finished messages and the 3 old events (the audit log
   * is pruned by time, also for the message still queued) */
  g_assert_cmpstr (event, ==, "retention: Retention of 7 days: 4 files and 5 journal rows "
                              "older than that were removed.");

  for (guint i = 0; i < gone->len; i++)
    if (g_file_test (g_ptr_array_index (gone, i), G_FILE_TEST_EXISTS))
      g_error ("%s is older than the retention but was kept", (char *) g_ptr_array_index (gone, i));
  for (guint i = 0; i < kept->len; i++)
    if (!g_file_test (g_ptr_array_index (kept, i), G_FILE_TEST_EXISTS))
      g_error ("%s was removed but must be kept", (char *) g_ptr_array_index (kept, i));
  g_assert_false (has_row (&fx, old_sent));
  g_assert_false (has_row (&fx, old_dead));
  g_assert_true (has_row (&fx, old_queued));   /* not finished: never pruned */
  g_assert_true (has_row (&fx, young));

  router_fixture_teardown (&fx);
}

static void
test_off_then_reload (void)
{
  RouterFixture fx;
  router_fixture_setup_no_start (&fx, NULL, NULL, NULL, NULL, NULL);
  g_autofree char *old = put_file (&fx, SR_SPOOL_DEAD, "old", 400 * DAY);
  router_fixture_start (&fx);

  /* retention-days = 0 (the default) keeps everything */
  g_assert_null (wait_retention_event (&fx, 200));
  g_assert_true (g_file_test (old, G_FILE_TEST_EXISTS));

  /* a reload that sets it prunes at once */
  g_autofree char *text = g_strdup_printf (
    "[router]\nspool = %s\nregion = CH\nrescan-interval = 1\nretry-delay = 1\nretention-days = 30\n"
    "[smpp:main]\nhost = 127.0.0.1\nport = %u\nsystem-id = router\npassword = secret\n"
    "reconnect-max = 2\n[app:default]\nregion = CH\nfrom = +41791234560\n[policy]\n",
    fx.spool, sr_test_sim_port (fx.sim));
  g_autoptr(GError) error = NULL;
  SrConfig *config = sr_config_load_data (text, strlen (text), "test", &error);
  g_assert_no_error (error);
  g_assert_true (sr_router_reload (fx.router, config, &error));
  g_assert_no_error (error);
  const char *event = wait_retention_event (&fx, 5000);
  g_assert_nonnull (event);
  g_assert_nonnull (strstr (event, "Retention of 30 days: 1 files"));
  g_assert_false (g_file_test (old, G_FILE_TEST_EXISTS));

  router_fixture_teardown (&fx);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/retention/prune-at-start", test_prune_at_start);
  g_test_add_func ("/retention/off-then-reload", test_off_then_reload);
  return g_test_run ();
}
