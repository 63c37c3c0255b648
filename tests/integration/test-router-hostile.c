/* test-router-hostile.c — the router against what an app (or a failing
 * disk) puts in its way: entries of outbox/new/ that are not message files,
 * files it may not read, a sent/ folder it may not write for a while.
 *
 * The router runs as its own unprivileged user in production; as root the
 * kernel would let it read and write anything.  main() therefore drops the
 * capabilities that bypass file modes (CAP_DAC_OVERRIDE and
 * CAP_DAC_READ_SEARCH) from this process before any thread starts, so
 * that a mode-000 file and a read-only folder fail here as they do there. */
#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "router-fixture.h"
#include "sr-journal.h"

static void
drop_file_mode_override (void)
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct caps[_LINUX_CAPABILITY_U32S_3];

  if (syscall (SYS_capget, &header, caps) != 0)
    g_error ("capget: %s", g_strerror (errno));
  caps[0].effective &= ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH));
  if (syscall (SYS_capset, &header, caps) != 0)
    g_error ("capset: %s", g_strerror (errno));
}

static char *
outbox_new (RouterFixture *fx, const char *name)
{
  return g_build_filename (fx->spool, "apps", "default", "outbox", "new", name, NULL);
}

static char *
in_dead (RouterFixture *fx, const char *name)
{
  return g_build_filename (fx->spool, "apps", "default", "dead", name, NULL);
}

/* The journal's row for @name: dead, class input, its error containing @what. */
static void
assert_dead_input (RouterFixture *fx, const char *name, const char *what)
{
  SrJournal *journal = sr_router_get_journal (fx->router);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrJournalMessage) m = NULL;
  g_autofree char *event = NULL;
  gboolean found = FALSE;

  g_assert_true (sr_journal_flush (journal, &error));
  m = sr_journal_message_find_by_file (journal, "default", name, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (m);
  g_assert_cmpint (m->state, ==, SR_MESSAGE_DEAD);
  g_assert_cmpint (m->error_class, ==, SR_ERROR_CLASS_INPUT);
  g_assert_nonnull (strstr (m->error_text, what));
  event = g_strdup_printf ("dead-letter: default/%s: input: ", name);
  for (guint i = 0; i < fx->events->len; i++)
    {
      const char *e = g_ptr_array_index (fx->events, i);
      if (g_str_has_prefix (e, event) && strstr (e, what) != NULL)
        found = TRUE;
    }
  g_assert_true (found);
}

static guint
count_submits (RouterFixture *fx)
{
  g_autoptr(GPtrArray) log = sr_test_sim_read_log (fx->sim);
  g_autoptr(GPtrArray) submits = sr_test_sim_log_filter (log, "in", "submit_sm");

  return submits->len;
}

static mode_t
type_of (const char *path)
{
  struct stat st;

  g_assert_cmpint (lstat (path, &st), ==, 0);
  return st.st_mode & S_IFMT;
}

/* A link, a FIFO, a folder and a socket in outbox/new/: each in dead/ as it
 * is, an input error in the journal saying what it was; the messages around
 * them (one a hard link) are sent. */
static void
test_not_regular (void)
{
  RouterFixture fx;
  g_autofree char *secret = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *path = NULL;
  g_autofree char *target = NULL;
  g_autofree char *secret_after = NULL;
  g_autofree char *kept_after = NULL;
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int sock;

  router_fixture_setup (&fx, NULL, NULL, NULL, NULL, NULL);
  secret = g_build_filename (fx.dir, "secret", NULL);
  kept = g_build_filename (fx.dir, "kept", NULL);
  g_assert_true (g_file_set_contents (secret, "To: +41791234567\n\nsecret\n", -1, NULL));
  g_assert_true (g_file_set_contents (kept, "To: +41791234568\n\nhard link\n", -1, NULL));

  path = outbox_new (&fx, "a-link");
  g_assert_cmpint (symlink (secret, path), ==, 0);
  g_free (path);
  path = outbox_new (&fx, "a-fifo");
  g_assert_cmpint (mkfifo (path, 0660), ==, 0);
  g_free (path);
  path = outbox_new (&fx, "a-folder");
  g_assert_cmpint (g_mkdir (path, 0770), ==, 0);
  g_free (path);
  path = outbox_new (&fx, "a-socket");
  g_assert_cmpuint (strlen (path), <, sizeof addr.sun_path);
  strcpy (addr.sun_path, path);
  sock = socket (AF_UNIX, SOCK_STREAM, 0);
  g_assert_cmpint (bind (sock, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  close (sock);
  g_free (path);
  path = outbox_new (&fx, "a-hard");
  g_assert_cmpint (link (kept, path), ==, 0);
  g_free (router_fixture_drop (&fx, "To: +41791234569\n\nplain\n"));

  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_DEAD, 4, 10000));
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 2, 10000));
  router_fixture_run (200);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_OUTBOX_NEW), ==, 0);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_OUTBOX_CUR), ==, 0);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_DEAD), ==, 4);

  g_free (path);
  path = in_dead (&fx, "a-link");
  g_assert_cmpuint (type_of (path), ==, S_IFLNK);
  target = g_file_read_link (path, NULL);
  g_assert_cmpstr (target, ==, secret);
  g_free (path);
  path = in_dead (&fx, "a-fifo");
  g_assert_cmpuint (type_of (path), ==, S_IFIFO);
  g_free (path);
  path = in_dead (&fx, "a-folder");
  g_assert_cmpuint (type_of (path), ==, S_IFDIR);
  g_free (path);
  path = in_dead (&fx, "a-socket");
  g_assert_cmpuint (type_of (path), ==, S_IFSOCK);

  assert_dead_input (&fx, "a-link", "a symbolic link");
  assert_dead_input (&fx, "a-fifo", "a FIFO");
  assert_dead_input (&fx, "a-folder", "a directory");
  assert_dead_input (&fx, "a-socket", "a socket");
  /* Nothing was read through the link; the hard link's other name keeps
   * what the app wrote. */
  g_assert_true (g_file_get_contents (secret, &secret_after, NULL, NULL));
  g_assert_cmpstr (secret_after, ==, "To: +41791234567\n\nsecret\n");
  g_assert_true (g_file_get_contents (kept, &kept_after, NULL, NULL));
  g_assert_cmpstr (kept_after, ==, "To: +41791234568\n\nhard link\n");
  g_assert_cmpuint (count_submits (&fx), ==, 2);
  router_fixture_teardown (&fx);
}

/* A file the router may not read is dead-lettered (class input) instead of
 * staying claimed in outbox/cur/ for ever. */
static void
test_unreadable (void)
{
  RouterFixture fx;
  g_autofree char *outside = NULL;
  g_autofree char *path = NULL;

  router_fixture_setup (&fx, NULL, NULL, NULL, NULL, NULL);
  outside = g_build_filename (fx.dir, "unreadable", NULL);
  g_assert_true (g_file_set_contents (outside, "To: +41791234567\n\nmode 000\n", -1, NULL));
  g_assert_cmpint (g_chmod (outside, 0000), ==, 0);
  path = outbox_new (&fx, "unreadable");
  g_assert_cmpint (g_rename (outside, path), ==, 0);

  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_DEAD, 1, 10000));
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_OUTBOX_CUR), ==, 0);
  assert_dead_input (&fx, "unreadable", "may not be read by the router");
  router_fixture_teardown (&fx);
}

/* A file over max-file-size: its dead letter's error names the file, not
 * the outbox/cur/ path it was read from. */
static void
test_too_large (void)
{
  RouterFixture fx;
  g_autoptr(GString) text = g_string_new ("To: +41791234567\n\n");
  g_autoptr(GPtrArray) dead = NULL;
  g_autofree char *name = NULL;
  g_autofree char *why = NULL;
  g_autofree char *klass = NULL;

  router_fixture_setup (&fx, NULL, "max-file-size = 256", NULL, NULL, NULL);
  while (text->len < 300)
    g_string_append (text, "0123456789");
  name = router_fixture_drop (&fx, text->str);
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_DEAD, 1, 10000));
  dead = router_fixture_read_all (&fx, SR_SPOOL_DEAD);
  klass = router_fixture_header (g_ptr_array_index (dead, 0), "X-Error-Class");
  why = router_fixture_header (g_ptr_array_index (dead, 0), "X-Error");
  g_assert_cmpstr (klass, ==, "input");
  g_assert_nonnull (strstr (why, "larger than the limit of 256 bytes"));
  g_assert_nonnull (strstr (why, name));
  g_assert_null (strstr (why, "outbox"));
  router_fixture_teardown (&fx);
}

static gboolean
has_event (RouterFixture *fx, const char *prefix, const char *part)
{
  for (guint i = 0; i < fx->events->len; i++)
    {
      const char *e = g_ptr_array_index (fx->events, i);
      if (g_str_has_prefix (e, prefix) && strstr (e, part) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* sent/ not writable for a while: the accepted message waits in outbox/cur/,
 * the failure is a system event, and the move is retried while the router
 * runs until it goes through. */
static void
test_move_retry (void)
{
  RouterFixture fx;
  g_autofree char *sent = NULL;
  gint64 end;

  router_fixture_setup (&fx, NULL, NULL, NULL, NULL, NULL);
  sent = g_build_filename (fx.spool, "apps", "default", "sent", NULL);
  g_assert_cmpint (g_chmod (sent, 0500), ==, 0);
  g_free (router_fixture_drop (&fx, "To: +41791234567\n\nwaits for sent/\n"));

  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!has_event (&fx, "spool: ", "Cannot move") && g_get_monotonic_time () < end)
    router_fixture_run (20);
  g_assert_true (has_event (&fx, "spool: ", "Cannot move"));
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_OUTBOX_CUR), ==, 1);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_SENT), ==, 0);

  g_assert_cmpint (g_chmod (sent, 0770), ==, 0);
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 1, 15000));
  g_assert_true (has_event (&fx, "spool: ", "trying again in 1 s"));
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_OUTBOX_CUR), ==, 0);
  end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  while (!has_event (&fx, "spool: ", "delayed moves") && g_get_monotonic_time () < end)
    router_fixture_run (20);
  g_assert_true (has_event (&fx, "spool: ", "1 delayed moves out of outbox/cur/ are done"));
  g_assert_cmpuint (count_submits (&fx), ==, 1);
  router_fixture_teardown (&fx);
}

int
main (int argc, char **argv)
{
  /* Before any thread exists: every thread inherits the reduced set. */
  if (geteuid () == 0)
    drop_file_mode_override ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/router/hostile/not-regular", test_not_regular);
  g_test_add_func ("/router/hostile/unreadable", test_unreadable);
  g_test_add_func ("/router/hostile/move-retry", test_move_retry);
  g_test_add_func ("/router/hostile/too-large", test_too_large);
  return g_test_run ();
}
