/* test-spool-hostile.c — what an app with write access to its own folder can
 * put in the router's way: folders replaced with links or with someone
 * else's folders, FIFOs, links, sockets and folders where message files
 * belong, files the router may not read, names of the router's temporaries. */
#include "spool-fixture.h"
#include "sr-error-class.h"
#include "sr-spool.h"
#include "sr-spool-prune.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static char *
app_path (Fixture *f, const char *app, const char *rel)
{
  return g_build_filename (f->root, "apps", app, rel, NULL);
}

/* Moves @rel of billing aside and puts a link to iot's @rel in its place. */
static void
link_to_other_app (Fixture *f, const char *rel)
{
  g_autofree char *mine = app_path (f, "billing", rel);
  g_autofree char *aside = g_strconcat (mine, ".aside", NULL);
  g_autofree char *theirs = app_path (f, "iot", rel);

  g_assert_cmpint (g_rename (mine, aside), ==, 0);
  g_assert_cmpint (symlink (theirs, mine), ==, 0);
}

/* Each folder an app could swap for a link to another app's folder: the
 * spool refuses to open, naming the folder. */
static void
test_folder_links (Fixture *f, gconstpointer data)
{
  static const char *const rels[] = {
    "dead", "sent", "outbox/new", "outbox/cur", "receipts/new", "inbox/new", "outbox", "receipts",
  };

  for (guint i = 0; i < G_N_ELEMENTS (rels); i++)
    {
      g_autofree char *mine = app_path (f, "billing", rels[i]);
      g_autofree char *aside = g_strconcat (mine, ".aside", NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (SrSpool) again = NULL;

      link_to_other_app (f, rels[i]);
      again = sr_spool_open (f->root, test_apps, &error);
      g_assert_null (again);
      g_assert_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_UNSAFE_FOLDER);
      g_assert_nonnull (strstr (error->message, mine));
      g_assert_nonnull (strstr (error->message, "symbolic link"));
      g_assert_cmpint (g_unlink (mine), ==, 0);
      g_assert_cmpint (g_rename (aside, mine), ==, 0);
    }

  /* A plain file in place of a folder is refused in words too. */
  {
    g_autofree char *sent = app_path (f, "billing", "sent");
    g_autoptr (GError) error = NULL;
    g_autoptr (SrSpool) again = NULL;

    g_assert_cmpint (g_rmdir (sent), ==, 0);
    g_assert_true (g_file_set_contents (sent, "x", 1, NULL));
    again = sr_spool_open (f->root, test_apps, &error);
    g_assert_null (again);
    g_assert_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_UNSAFE_FOLDER);
    g_assert_nonnull (strstr (error->message, sent));
    g_assert_nonnull (strstr (error->message, "regular file"));
  }
}

/* A folder that belongs to neither the router nor the app folder's owner is
 * someone else's (another app's folder moved in): refused. */
static void
test_folder_owner (Fixture *f, gconstpointer data)
{
  g_autofree char *app_dir = app_path (f, "billing", NULL);
  g_autofree char *dead = app_path (f, "billing", "dead");
  g_autoptr (GError) error = NULL;
  g_autoptr (SrSpool) again = NULL;

  if (geteuid () != 0)
    {
      g_test_skip ("needs root to give a folder to another user");
      return;
    }
  g_assert_cmpint (chown (dead, 4242, 4242), ==, 0);
  again = sr_spool_open (f->root, test_apps, &error);
  g_assert_null (again);
  g_assert_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_UNSAFE_FOLDER);
  g_assert_nonnull (strstr (error->message, dead));
  g_assert_nonnull (strstr (error->message, "4242"));
  g_clear_error (&error);

  /* The operator gave the app folder to that user: its folders may be theirs. */
  g_assert_cmpint (chown (app_dir, 4242, 4242), ==, 0);
  again = sr_spool_open (f->root, test_apps, &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
}

static void
make_old_file (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  g_assert_cmpint (utimensat (AT_FDCWD, path, old, 0), ==, 0);
}

/* Retention works on the folder the spool opened: a link put in place of
 * sent/ afterwards does not make it delete another app's files. */
static void
test_prune_held_folder (Fixture *f, gconstpointer data)
{
  g_autofree char *theirs = app_path (f, "iot", "sent");
  g_autofree char *mine = app_path (f, "billing", "sent");
  g_autofree char *aside = g_strconcat (mine, ".aside", NULL);
  g_autofree char *their_file = g_build_filename (theirs, "1.0P1Q1.host", NULL);
  g_autofree char *my_file = g_build_filename (aside, "2.0P1Q2.host", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (SrSpoolPrune) prune = NULL;
  guint64 removed = 0;

  make_old_file (mine, "2.0P1Q2.host");
  make_old_file (theirs, "1.0P1Q1.host");
  {
    /* An old link dead-lettered as it was: the link goes, its target stays. */
    g_autofree char *dead = app_path (f, "billing", "dead");
    g_autofree char *old_link = g_build_filename (dead, "3.0P1Q3.host", NULL);
    struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
    g_autoptr (SrSpoolPrune) dead_prune = NULL;

    g_assert_cmpint (symlink (their_file, old_link), ==, 0);
    g_assert_cmpint (utimensat (AT_FDCWD, old_link, old, AT_SYMLINK_NOFOLLOW), ==, 0);
    dead_prune = sr_spool_prune_open (f->spool, "billing", SR_SPOOL_DEAD, g_get_real_time (), &error);
    g_assert_no_error (error);
    while (sr_spool_prune_step (dead_prune, 100, &removed, &error) > 0)
      ;
    g_assert_no_error (error);
    g_assert_cmpuint (removed, ==, 1);
    g_assert_false (g_file_test (old_link, G_FILE_TEST_IS_SYMLINK));
    g_assert_true (g_file_test (their_file, G_FILE_TEST_EXISTS));
    removed = 0;
  }
  link_to_other_app (f, "sent");
  prune = sr_spool_prune_open (f->spool, "billing", SR_SPOOL_SENT, g_get_real_time (), &error);
  g_assert_no_error (error);
  while (sr_spool_prune_step (prune, 100, &removed, &error) > 0)
    ;
  g_assert_no_error (error);
  g_assert_cmpuint (removed, ==, 1);
  g_assert_true (g_file_test (their_file, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (my_file, G_FILE_TEST_EXISTS));
}

/* Deliveries under a fixed name (inbound messages): once only, through the
 * held folders, never opening what sits in tmp/ under that name. */
static void
test_deliver_named (Fixture *f, gconstpointer data)
{
  g_autofree char *new_dir = app_path (f, "billing", "inbox/new");
  g_autofree char *cur_dir = app_path (f, "billing", "inbox/cur");
  g_autofree char *tmp_dir = app_path (f, "billing", "inbox/tmp");
  g_autofree char *first = g_build_filename (new_dir, "1.000001Mabc.host", NULL);
  g_autofree char *planted = g_build_filename (tmp_dir, "2.000002Mdef.host", NULL);
  g_autofree char *second = g_build_filename (new_dir, "2.000002Mdef.host", NULL);
  g_autofree char *taken = g_build_filename (cur_dir, "1.000001Mabc.host", NULL);
  g_autofree char *content = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (sr_spool_deliver_named (f->spool, "billing", SR_SPOOL_BOX_INBOX, "1.000001Mabc.host",
                                         "one\n", 4, SR_SPOOL_NONE, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (first, &content, NULL, NULL));
  g_assert_cmpstr (content, ==, "one\n");
  g_clear_pointer (&content, g_free);
  /* Again (the SMSC redelivered after a crash): the file stays as it was. */
  g_assert_true (sr_spool_deliver_named (f->spool, "billing", SR_SPOOL_BOX_INBOX, "1.000001Mabc.host",
                                         "two\n", 4, SR_SPOOL_NONE, &error));
  g_assert_true (g_file_get_contents (first, &content, NULL, NULL));
  g_assert_cmpstr (content, ==, "one\n");
  /* The app took it to cur/: not written again. */
  g_assert_cmpint (g_rename (first, taken), ==, 0);
  g_assert_true (sr_spool_deliver_named (f->spool, "billing", SR_SPOOL_BOX_INBOX, "1.000001Mabc.host",
                                         "three\n", 6, SR_SPOOL_NONE, &error));
  g_assert_false (g_file_test (first, G_FILE_TEST_EXISTS));

  /* A FIFO under the temporary name is removed, not opened. */
  g_assert_cmpint (mkfifo (planted, 0600), ==, 0);
  g_assert_true (sr_spool_deliver_named (f->spool, "billing", SR_SPOOL_BOX_INBOX, "2.000002Mdef.host",
                                         "four\n", 5, SR_SPOOL_NONE, &error));
  g_assert_no_error (error);
  g_clear_pointer (&content, g_free);
  g_assert_true (g_file_get_contents (second, &content, NULL, NULL));
  g_assert_cmpstr (content, ==, "four\n");
  g_assert_false (g_file_test (planted, G_FILE_TEST_EXISTS));

  g_assert_false (sr_spool_deliver_named (f->spool, "billing", SR_SPOOL_BOX_INBOX, "../x",
                                          "x", 1, SR_SPOOL_NONE, &error));
  g_assert_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_INVALID_NAME);
}

/* Delivers a message into billing's outbox and claims it. */
static char *
deliver_and_claim (Fixture *f, const char *text, gsize len)
{
  g_autoptr (GError) error = NULL;
  char *name = NULL;

  g_assert_true (sr_spool_deliver (f->spool, "billing", SR_SPOOL_BOX_OUTBOX, text, len, 0,
                                   &name, &error));
  g_assert_true (sr_spool_claim (f->spool, "billing", name, &error));
  g_assert_no_error (error);
  return name;
}

/* A finish running in a thread, so that a test can see it block. */
typedef struct {
  SrSpool *spool;
  const char *name;
  const char *data;
  gsize len;
  gboolean ok;
  gboolean done;
  GMutex lock;
  GCond cond;
} FinishRun;

static gpointer
finish_thread (gpointer data)
{
  FinishRun *run = data;
  const char *const extra[] = { "X-SMSC-Id", "1f", NULL };
  gboolean ok = sr_spool_finish (run->spool, "billing", run->name, SR_SPOOL_FINISH_SENT,
                                 run->data, run->len, extra, 0, NULL);

  g_mutex_lock (&run->lock);
  run->ok = ok;
  run->done = TRUE;
  g_cond_signal (&run->cond);
  g_mutex_unlock (&run->lock);
  return NULL;
}

/* A FIFO named like the finish's temporary: the move goes on at once. */
static void
test_finish_fifo_temporary (Fixture *f, gconstpointer data)
{
  g_autoptr (GString) text = g_string_new ("To: +41791234567\n\n");
  g_autofree char *name = NULL;
  g_autofree char *fifo = NULL;
  g_autofree char *sent = NULL;
  g_autofree char *content = NULL;
  FinishRun run = { 0 };
  GThread *thread;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  gboolean finished;

  /* Over a page: the finish copies through a temporary in sent/. */
  while (text->len < 5000)
    g_string_append (text, "0123456789");
  name = deliver_and_claim (f, text->str, text->len);
  fifo = g_strconcat (f->root, "/apps/billing/sent/.fin.", name, NULL);
  sent = g_strconcat (f->root, "/apps/billing/sent/", name, NULL);
  g_assert_cmpint (mkfifo (fifo, 0666), ==, 0);

  run.spool = f->spool;
  run.name = name;
  run.data = text->str;
  run.len = text->len;
  g_mutex_init (&run.lock);
  g_cond_init (&run.cond);
  thread = g_thread_new ("finish", finish_thread, &run);
  g_mutex_lock (&run.lock);
  while (!run.done)
    if (!g_cond_wait_until (&run.cond, &run.lock, deadline))
      break;
  finished = run.done;
  g_mutex_unlock (&run.lock);
  if (!finished)
    {
      /* Blocked in open(): a reader lets it go, so the test can report. */
      int fd = open (fifo, O_RDONLY | O_NONBLOCK);
      g_thread_join (thread);
      close (fd);
    }
  else
    g_thread_join (thread);
  g_assert_true (finished);
  g_assert_true (run.ok);
  g_assert_true (g_file_get_contents (sent, &content, NULL, NULL));
  g_assert_true (g_str_has_prefix (content, "To: +41791234567\nX-SMSC-Id: 1f\n\n0123456789"));
  g_assert_false (g_file_test (fifo, G_FILE_TEST_EXISTS));
  g_mutex_clear (&run.lock);
  g_cond_clear (&run.cond);
}

static void
make_socket (const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpuint (strlen (path), <, sizeof addr.sun_path);
  strcpy (addr.sun_path, path);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  close (fd);
}

/* What an app may drop into its outbox that is not a message file: listed,
 * claimed, refused without being opened or followed, and moved into dead/
 * as it is.  A hard link is an ordinary message. */
static void
test_not_regular (Fixture *f, gconstpointer data)
{
  static const struct {
    const char *name;
    const char *kind;
    mode_t type;
  } cases[] = {
    { "link", "a symbolic link", S_IFLNK },
    { "fifo", "a FIFO", S_IFIFO },
    { "folder", "a directory", S_IFDIR },
    { "sock", "a socket", S_IFSOCK },
  };
  g_autofree char *new_dir = app_path (f, "billing", "outbox/new");
  g_autofree char *secret = g_build_filename (f->root, "secret", NULL);
  g_autofree char *link_path = g_build_filename (new_dir, "link", NULL);
  g_autofree char *fifo_path = g_build_filename (new_dir, "fifo", NULL);
  g_autofree char *folder_path = g_build_filename (new_dir, "folder", NULL);
  g_autofree char *sock_path = g_build_filename (new_dir, "sock", NULL);
  g_autofree char *hard_path = g_build_filename (new_dir, "hard", NULL);
  g_autofree char *kept = g_build_filename (f->root, "kept", NULL);
  g_autofree char *secret_after = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (SrSpoolScan) scan = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (secret, "To: +41790000000\n\nsecret\n", -1, NULL));
  g_assert_cmpint (symlink (secret, link_path), ==, 0);
  g_assert_cmpint (mkfifo (fifo_path, 0660), ==, 0);
  g_assert_cmpint (g_mkdir (folder_path, 0770), ==, 0);
  make_socket (sock_path);
  g_assert_true (g_file_set_contents (kept, "To: +41791234567\n\nhard\n", -1, NULL));
  g_assert_cmpint (link (kept, hard_path), ==, 0);

  scan = sr_spool_scan_new (f->spool, "billing", SR_SPOOL_OUTBOX_NEW, &error);
  g_assert_no_error (error);
  g_assert_true (sr_spool_scan_next (scan, names, 100, &error));
  g_assert_cmpuint (names->len, ==, G_N_ELEMENTS (cases) + 1);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *dead = app_path (f, "billing", "dead");
      g_autofree char *moved = g_build_filename (dead, cases[i].name, NULL);
      g_autoptr (GBytes) bytes = NULL;
      struct stat st;

      g_assert_true (sr_spool_claim (f->spool, "billing", cases[i].name, &error));
      g_assert_no_error (error);
      bytes = sr_spool_read (f->spool, "billing", SR_SPOOL_OUTBOX_CUR, cases[i].name, 0, &error);
      g_assert_null (bytes);
      g_assert_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_NOT_REGULAR);
      g_assert_cmpint (sr_error_class_for_error (error), ==, SR_ERROR_CLASS_INPUT);
      g_assert_nonnull (strstr (error->message, cases[i].kind));
      g_assert_nonnull (strstr (error->message, cases[i].name));
      g_clear_error (&error);
      g_assert_true (sr_spool_finish (f->spool, "billing", cases[i].name, SR_SPOOL_FINISH_DEAD,
                                      NULL, 0, NULL, 0, &error));
      g_assert_no_error (error);
      g_assert_cmpint (lstat (moved, &st), ==, 0);
      g_assert_cmpuint (st.st_mode & S_IFMT, ==, cases[i].type);
    }
  /* The link moved, not its target, which is untouched. */
  {
    g_autofree char *moved_link = app_path (f, "billing", "dead/link");
    g_autofree char *target = g_file_read_link (moved_link, NULL);

    g_assert_cmpstr (target, ==, secret);
    g_assert_true (g_file_get_contents (secret, &secret_after, NULL, NULL));
    g_assert_cmpstr (secret_after, ==, "To: +41790000000\n\nsecret\n");
  }

  /* The hard link: read, finished as ever; the other name keeps its text. */
  {
    g_autoptr (GBytes) bytes = NULL;
    g_autofree char *other = NULL;
    const char *const extra[] = { "X-SMSC-Id", "1f", NULL };

    g_assert_true (sr_spool_claim (f->spool, "billing", "hard", &error));
    bytes = sr_spool_read (f->spool, "billing", SR_SPOOL_OUTBOX_CUR, "hard", 0, &error);
    g_assert_no_error (error);
    g_assert_true (sr_spool_finish (f->spool, "billing", "hard", SR_SPOOL_FINISH_SENT,
                                    g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                    extra, 0, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (kept, &other, NULL, NULL));
    g_assert_cmpstr (other, ==, "To: +41791234567\n\nhard\n");
  }
}

/* A claimed file the router may not read is an input error (not a system
 * one that keeps it claimed), and goes to dead/ as it is.  Root reads any
 * file, so as root the check runs in a child as user nobody, as the router
 * runs under its own user. */
static void
test_unreadable (Fixture *f, gconstpointer data)
{
  static const char text[] = "To: +41791234567\n\nmode 0000\n";
  g_autofree char *name = deliver_and_claim (f, text, sizeof text - 1);
  g_autofree char *cur = app_path (f, "billing", "outbox/cur");
  g_autofree char *dead = app_path (f, "billing", "dead");
  g_autofree char *cur_path = g_build_filename (cur, name, NULL);
  g_autofree char *dead_path = g_build_filename (dead, name, NULL);
  int status = -1;
  pid_t pid;

  g_assert_cmpint (g_chmod (cur_path, 0000), ==, 0);
  g_assert_cmpint (g_chmod (cur, 0777), ==, 0);
  g_assert_cmpint (g_chmod (dead, 0777), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) bytes = NULL;

      if (geteuid () == 0 && (setgid (65534) != 0 || setuid (65534) != 0))
        _exit (10);
      bytes = sr_spool_read (f->spool, "billing", SR_SPOOL_OUTBOX_CUR, name, 0, &error);
      if (bytes != NULL || !g_error_matches (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_UNREADABLE))
        _exit (11);
      if (sr_error_class_for_error (error) != SR_ERROR_CLASS_INPUT)
        _exit (12);
      if (strstr (error->message, name) == NULL || strstr (error->message, "0000") == NULL)
        _exit (13);
      if (!sr_spool_finish (f->spool, "billing", name, SR_SPOOL_FINISH_DEAD, NULL, 0, NULL, 0, NULL))
        _exit (14);
      _exit (0);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_false (g_file_test (cur_path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (dead_path, G_FILE_TEST_IS_REGULAR));
}

/* The size error names the file by its name: the error travels with the
 * file into dead/, where an outbox path would be wrong. */
static void
test_too_large_names_file (Fixture *f, gconstpointer data)
{
  g_autofree char *content = g_strnfill (100, 'x');
  g_autofree char *name = deliver_and_claim (f, content, 100);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;

  bytes = sr_spool_read (f->spool, "billing", SR_SPOOL_OUTBOX_CUR, name, 50, &error);
  g_assert_null (bytes);
  g_assert_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, name));
  g_assert_null (strstr (error->message, "outbox"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/spool-hostile/folder-links", test_folder_links);
  ADD ("/spool-hostile/folder-owner", test_folder_owner);
  ADD ("/spool-hostile/prune-held-folder", test_prune_held_folder);
  ADD ("/spool-hostile/deliver-named", test_deliver_named);
  ADD ("/spool-hostile/finish-fifo-temporary", test_finish_fifo_temporary);
  ADD ("/spool-hostile/not-regular", test_not_regular);
  ADD ("/spool-hostile/unreadable", test_unreadable);
  ADD ("/spool-hostile/too-large-names-file", test_too_large_names_file);
  return g_test_run ();
}
