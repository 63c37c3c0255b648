/* test-spool.c — the maildir spool: tree, names, deliver/claim/finish, scans,
 * watch, lock, recovery and dead letters. */
#include "spool-fixture.h"
#include "sr-error-class.h"
#include "sr-message.h"
#include "sr-spool.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Reads a file of the spool as a string (must exist). */
static char *
slurp (Fixture *f, const char *app, SrSpoolFolder folder, const char *name, gsize *len)
{
  g_autofree char *path = sr_spool_get_path (f->spool, app, folder, name);
  g_autoptr (GError) error = NULL;
  char *data = NULL;

  g_file_get_contents (path, &data, len, &error);
  g_assert_no_error (error);
  return data;
}

/* All names of a folder, sorted. */
static GPtrArray *
list_all (Fixture *f, const char *app, SrSpoolFolder folder)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SrSpoolScan) scan = sr_spool_scan_new (f->spool, app, folder, &error);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  guint before;

  g_assert_no_error (error);
  do
    {
      before = names->len;
      g_assert_true (sr_spool_scan_next (scan, names, 100, &error));
      g_assert_no_error (error);
    }
  while (names->len > before);
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  return names;
}

static guint
count_files (Fixture *f, const char *app, SrSpoolFolder folder)
{
  g_autoptr (GPtrArray) names = list_all (f, app, folder);
  return names->len;
}

/* Counts every entry (dot files included) of a folder below the app. */
static guint
count_raw (Fixture *f, const char *app, const char *rel)
{
  g_autofree char *path = g_build_filename (f->root, "apps", app, rel, NULL);
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir))
    n++;
  return n;
}

static void
test_tree (Fixture *f, gconstpointer data)
{
  static const char *const dirs[] = {
    "outbox/tmp", "outbox/new", "outbox/cur", "sent", "dead", "receipts/tmp",
    "receipts/new", "receipts/cur", "inbox/tmp", "inbox/new", "inbox/cur",
  };
  g_autofree char *router = g_build_filename (f->root, "router", NULL);
  const char *const *apps = sr_spool_get_apps (f->spool);
  struct stat st;

  g_assert_cmpstr (apps[0], ==, "billing");
  g_assert_cmpstr (apps[1], ==, "iot");
  g_assert_null (apps[2]);
  g_assert_true (g_file_test (router, G_FILE_TEST_IS_DIR));
  for (guint a = 0; test_apps[a]; a++)
    {
      g_autofree char *app_dir = g_build_filename (f->root, "apps", test_apps[a], NULL);
      g_assert_cmpint (g_stat (app_dir, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0770);
      for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
        {
          g_autofree char *path = g_build_filename (app_dir, dirs[i], NULL);
          g_assert_cmpint (g_stat (path, &st), ==, 0);
          g_assert_true (S_ISDIR (st.st_mode));
          g_assert_cmpint (st.st_mode & 0777, ==, 0770);
        }
    }
}

static void
test_tree_reopen_keeps_modes (Fixture *f, gconstpointer data)
{
  g_autofree char *app_dir = g_build_filename (f->root, "apps", "billing", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (SrSpool) again = NULL;
  struct stat st;

  /* The operator's chmod survives a restart. */
  g_assert_cmpint (g_chmod (app_dir, 0750), ==, 0);
  again = sr_spool_open (f->root, test_apps, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (app_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0750);
}

static void
test_open_errors (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *file = g_build_filename (f->root, "plain-file", NULL);
  g_autofree char *below = g_build_filename (file, "spool", NULL);
  const char *const bad_apps[] = { "ok", "../escape", NULL };
  SrSpool *spool;

  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  spool = sr_spool_open (below, test_apps, &error);
  g_assert_null (spool);
  g_assert_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_IO);
  g_assert_nonnull (strstr (error->message, below));
  g_clear_error (&error);

  spool = sr_spool_open (f->root, bad_apps, &error);
  g_assert_null (spool);
  g_assert_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_INVALID_NAME);
  g_assert_nonnull (strstr (error->message, "../escape"));
  g_clear_error (&error);
  g_assert_null (sr_spool_open (f->root, bad_apps, NULL));

  g_assert_false (sr_spool_deliver (f->spool, "nobody", SR_SPOOL_BOX_OUTBOX, "x", 1, 0, NULL, &error));
  g_assert_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_UNKNOWN_APP);
  g_assert_nonnull (strstr (error->message, "nobody"));
  g_clear_error (&error);

  g_assert_false (sr_spool_claim (f->spool, "billing", "../../../etc/passwd", &error));
  g_assert_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_INVALID_NAME);
}

static void
test_unique_names (void)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GRegex) shape = g_regex_new ("^[0-9]+\\.[0-9]{6}P[0-9]+Q[0-9]+\\.[^/:]+$", 0, 0, NULL);
  g_autofree char *pid = g_strdup_printf ("P%dQ", (int) getpid ());
  int pipefd[2];
  pid_t child;
  g_autoptr (GString) from_child = g_string_new (NULL);
  char buf[4096];
  ssize_t n;

  for (guint i = 0; i < 20000; i++)
    {
      char *name = sr_spool_unique_name ();
      g_assert_true (g_regex_match (shape, name, 0, NULL));
      g_assert_nonnull (strstr (name, pid));
      g_assert_false (g_hash_table_contains (seen, name));
      g_hash_table_add (seen, name);
    }

  /* Another process makes names at the same time: none collides. */
  g_assert_cmpint (pipe (pipefd), ==, 0);
  child = fork ();
  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      close (pipefd[0]);
      for (guint i = 0; i < 2000; i++)
        {
          g_autofree char *name = sr_spool_unique_name ();
          g_autofree char *line = g_strconcat (name, "\n", NULL);
          if (write (pipefd[1], line, strlen (line)) < 0)
            _exit (1);
        }
      _exit (0);
    }
  close (pipefd[1]);
  for (guint i = 0; i < 2000; i++)
    g_hash_table_add (seen, sr_spool_unique_name ());
  while ((n = read (pipefd[0], buf, sizeof buf)) > 0)
    g_string_append_len (from_child, buf, n);
  close (pipefd[0]);
  g_assert_cmpint (waitpid (child, NULL, 0), ==, child);
  {
    g_auto (GStrv) lines = g_strsplit (from_child->str, "\n", -1);
    guint count = 0;
    for (guint i = 0; lines[i] && *lines[i]; i++, count++)
      {
        g_assert_false (g_hash_table_contains (seen, lines[i]));
        g_hash_table_add (seen, g_strdup (lines[i]));
      }
    g_assert_cmpuint (count, ==, 2000);
  }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 24000);
}

static void
test_deliver_boxes (Fixture *f, gconstpointer data)
{
  static const struct { SrSpoolBox box; SrSpoolFolder folder; const char *tmp; } boxes[] = {
    { SR_SPOOL_BOX_OUTBOX, SR_SPOOL_OUTBOX_NEW, "outbox/tmp" },
    { SR_SPOOL_BOX_RECEIPTS, SR_SPOOL_RECEIPTS_NEW, "receipts/tmp" },
    { SR_SPOOL_BOX_INBOX, SR_SPOOL_INBOX_NEW, "inbox/tmp" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (boxes); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *name = NULL;
      g_autofree char *back = NULL;
      gsize len;

      g_assert_true (sr_spool_deliver (f->spool, "iot", boxes[i].box, "abc\n", 4,
                                       i == 0 ? SR_SPOOL_FSYNC : SR_SPOOL_NONE, &name, &error));
      g_assert_no_error (error);
      back = slurp (f, "iot", boxes[i].folder, name, &len);
      g_assert_cmpmem (back, len, "abc\n", 4);
      g_assert_cmpuint (count_raw (f, "iot", boxes[i].tmp), ==, 0);
    }
  g_assert_cmpuint (count_files (f, "billing", SR_SPOOL_OUTBOX_NEW), ==, 0);
}

/* SR_SPOOL_KEEP_NAME: the file gets the caller's name, and an existing one
 * is an error, never another name. */
static void
test_deliver_keep_name (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *name = sr_spool_unique_name ();
  char *chosen = name;
  g_assert_true (sr_spool_deliver (f->spool, "iot", SR_SPOOL_BOX_OUTBOX, "To: 1\n\nx\n", 9,
                                   SR_SPOOL_KEEP_NAME, &chosen, &error));
  g_assert_no_error (error);
  g_assert_true (chosen == name);
  g_autofree char *text = slurp (f, "iot", SR_SPOOL_OUTBOX_NEW, name, NULL);
  g_assert_cmpstr (text, ==, "To: 1\n\nx\n");
  g_assert_false (sr_spool_deliver (f->spool, "iot", SR_SPOOL_BOX_OUTBOX, "To: 2\n\ny\n", 9,
                                    SR_SPOOL_KEEP_NAME, &chosen, &error));
  g_assert_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_IO);
  g_autoptr (GPtrArray) names = list_all (f, "iot", SR_SPOOL_OUTBOX_NEW);
  g_assert_cmpuint (names->len, ==, 1);
  g_autofree char *still = slurp (f, "iot", SR_SPOOL_OUTBOX_NEW, name, NULL);
  g_assert_cmpstr (still, ==, "To: 1\n\nx\n");
  g_autofree char *bad = g_strdup ("../escape");
  g_clear_error (&error);
  g_assert_false (sr_spool_deliver (f->spool, "iot", SR_SPOOL_BOX_OUTBOX, "x", 1, SR_SPOOL_KEEP_NAME, &bad, &error));
  g_assert_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_INVALID_NAME);
}

static void
test_deliver_claim_finish (Fixture *f, gconstpointer data)
{
  static const char *const files[] = {
    "To: +41791234567\n\nHello\n",
    "To: 41791234567\r\nFrom: ACME\r\n\r\nCRLF body\r\n",
    "To: 1\nReference: r\n\nbody with trailing spaces   \n\n",
  };
  g_autoptr (GPtrArray) names = NULL;
  GHashTable *by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr (GError) error = NULL;
      char *name = NULL;
      g_assert_true (sr_spool_deliver (f->spool, "billing", SR_SPOOL_BOX_OUTBOX, files[i],
                                       strlen (files[i]), 0, &name, &error));
      g_assert_no_error (error);
      g_hash_table_insert (by_name, name, (gpointer) files[i]);
    }
  names = list_all (f, "billing", SR_SPOOL_OUTBOX_NEW);
  g_assert_cmpuint (names->len, ==, 3);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      const char *orig = g_hash_table_lookup (by_name, name);
      const char *const extra[] = { "X-SMSC-Id", "0a1b2c", NULL };
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) bytes = NULL;
      g_autofree char *sent = NULL;
      g_autofree char *expect = NULL;
      gsize len, expect_len;

      g_assert_nonnull (orig);
      g_assert_true (sr_spool_claim (f->spool, "billing", name, &error));
      g_assert_no_error (error);
      bytes = sr_spool_read (f->spool, "billing", SR_SPOOL_OUTBOX_CUR, name, 65536, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), orig, strlen (orig));
      /* Alternate between handing over the bytes and letting finish read them. */
      g_assert_true (sr_spool_finish (f->spool, "billing", name, SR_SPOOL_FINISH_SENT,
                                      i % 2 ? g_bytes_get_data (bytes, NULL) : NULL,
                                      g_bytes_get_size (bytes), extra, 0, &error));
      g_assert_no_error (error);

      sent = slurp (f, "billing", SR_SPOOL_SENT, name, &len);
      expect = sr_message_build_finished (orig, strlen (orig), extra, &expect_len);
      g_assert_cmpmem (sent, len, expect, expect_len);
      g_assert_nonnull (strstr (sent, "X-SMSC-Id: 0a1b2c"));
      /* The body is the original, byte for byte. */
      {
        const char *body = strstr (orig, "\n\n") ? strstr (orig, "\n\n") + 2 : strstr (orig, "\r\n\r\n") + 4;
        g_assert_true (g_str_has_suffix (sent, body));
      }
    }
  g_assert_cmpuint (count_raw (f, "billing", "outbox/new"), ==, 0);
  g_assert_cmpuint (count_raw (f, "billing", "outbox/cur"), ==, 0);
  g_assert_cmpuint (count_raw (f, "billing", "sent"), ==, 3);   /* no temporaries left */
  g_assert_cmpuint (count_raw (f, "billing", "dead"), ==, 0);
  g_hash_table_unref (by_name);
}

static void
test_finish_dead_large (Fixture *f, gconstpointer data)
{
  /* Bigger than the chunk finish reads at once: the rest is copied. */
  gsize body_len = 200 * 1024 + 7;
  g_autoptr (GString) file = g_string_new ("To: 1\nX-App: a\n\n");
  const char *const extra[] = { "X-Error-Class", "input", "X-Error", "The message file is too large.", NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *dead = NULL;
  gsize header_len = file->len, len;

  for (gsize i = 0; i < body_len; i++)
    g_string_append_c (file, (char) ('a' + i % 26));
  g_assert_true (sr_spool_deliver (f->spool, "iot", SR_SPOOL_BOX_OUTBOX, file->str, file->len, 0, &name, &error));
  g_assert_true (sr_spool_claim (f->spool, "iot", name, &error));
  g_assert_no_error (error);
  g_assert_true (sr_spool_finish (f->spool, "iot", name, SR_SPOOL_FINISH_DEAD, NULL, 0, extra, SR_SPOOL_FSYNC, &error));
  g_assert_no_error (error);

  dead = slurp (f, "iot", SR_SPOOL_DEAD, name, &len);
  g_assert_true (g_str_has_prefix (dead, "To: 1\nX-App: a\nX-Error-Class: input\nX-Error: The message file is too large.\n\n"));
  g_assert_cmpmem (dead + len - body_len, body_len, file->str + header_len, body_len);
  g_assert_cmpuint (len, ==, file->len + strlen ("X-Error-Class: input\nX-Error: The message file is too large.\n"));
  g_assert_cmpuint (count_raw (f, "iot", "outbox/cur"), ==, 0);
}

/* Claims a new file of "billing" holding @text; returns its name. */
static char *
deliver_and_claim (Fixture *f, const char *text)
{
  g_autoptr (GError) error = NULL;
  char *name = NULL;

  g_assert_true (sr_spool_deliver (f->spool, "billing", SR_SPOOL_BOX_OUTBOX, text, strlen (text),
                                   0, &name, &error));
  g_assert_true (sr_spool_claim (f->spool, "billing", name, &error));
  g_assert_no_error (error);
  return name;
}

static ino_t
inode_of (Fixture *f, SrSpoolFolder folder, const char *name)
{
  g_autofree char *path = sr_spool_get_path (f->spool, "billing", folder, name);
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_ino;
}

static void
test_finish_in_place (Fixture *f, gconstpointer data)
{
  static const char text[] = "To: +41791234567\nReference: r-1\n\nHello\n";
  const char *const extra[] = { "X-SMSC-Id", "1f", "X-SMSC-Id", "20", NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *name = deliver_and_claim (f, text);
  g_autofree char *sent = NULL;
  g_autofree char *cur_path = sr_spool_get_path (f->spool, "billing", SR_SPOOL_OUTBOX_CUR, name);
  ino_t claimed = inode_of (f, SR_SPOOL_OUTBOX_CUR, name);
  gsize len;

  /* The file the app wrote is the file in sent/: renamed, not copied. */
  g_assert_true (sr_spool_finish (f->spool, "billing", name, SR_SPOOL_FINISH_SENT, text,
                                  strlen (text), extra, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (inode_of (f, SR_SPOOL_SENT, name), ==, claimed);
  g_assert_false (g_file_test (cur_path, G_FILE_TEST_EXISTS));
  sent = slurp (f, "billing", SR_SPOOL_SENT, name, &len);
  g_assert_cmpstr (sent, ==, "To: +41791234567\nReference: r-1\nX-SMSC-Id: 1f\nX-SMSC-Id: 20\n\nHello\n");
  g_assert_cmpuint (count_raw (f, "billing", "sent"), ==, 1);
}

static void
test_finish_read_only_file (Fixture *f, gconstpointer data)
{
  /* An app's file the router may rename but not write: copied instead. */
  static const char text[] = "To: +41791234567\n\nmode 0444\n";
  const char *const extra[] = { "X-SMSC-Id", "1f", NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *name = deliver_and_claim (f, text);
  g_autofree char *cur_path = sr_spool_get_path (f->spool, "billing", SR_SPOOL_OUTBOX_CUR, name);
  g_autofree char *sent = NULL;
  gsize len;

  g_assert_cmpint (g_chmod (cur_path, 0444), ==, 0);
  if (geteuid () == 0)
    {
      /* Root writes any file: finish as an unprivileged user who may write
       * the folders but not the file, as the router does with an app's. */
      g_autofree char *sent_dir = sr_spool_get_path (f->spool, "billing", SR_SPOOL_SENT, NULL);
      g_autofree char *cur_dir = sr_spool_get_path (f->spool, "billing", SR_SPOOL_OUTBOX_CUR, NULL);
      int status = -1;
      pid_t pid;

      g_assert_cmpint (g_chmod (sent_dir, 0777), ==, 0);
      g_assert_cmpint (g_chmod (cur_dir, 0777), ==, 0);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        _exit (setgid (65534) == 0 && setuid (65534) == 0
               && sr_spool_finish (f->spool, "billing", name, SR_SPOOL_FINISH_SENT, text,
                                   strlen (text), extra, 0, NULL) ? 0 : 1);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 0);
    }
  else
    g_assert_true (sr_spool_finish (f->spool, "billing", name, SR_SPOOL_FINISH_SENT, text,
                                    strlen (text), extra, 0, &error));
  g_assert_no_error (error);
  sent = slurp (f, "billing", SR_SPOOL_SENT, name, &len);
  g_assert_cmpstr (sent, ==, "To: +41791234567\nX-SMSC-Id: 1f\n\nmode 0444\n");
  g_assert_false (g_file_test (cur_path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_raw (f, "billing", "sent"), ==, 1);
}

static void
test_finish_hard_linked (Fixture *f, gconstpointer data)
{
  /* An app that kept another name for its file keeps what it wrote. */
  static const char text[] = "To: +41791234567\n\nkept\n";
  const char *const extra[] = { "X-SMSC-Id", "1f", NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *name = deliver_and_claim (f, text);
  g_autofree char *cur_path = sr_spool_get_path (f->spool, "billing", SR_SPOOL_OUTBOX_CUR, name);
  g_autofree char *kept = g_build_filename (f->root, "kept", NULL);
  g_autofree char *kept_text = NULL;
  g_autofree char *sent = NULL;
  gsize len;

  g_assert_cmpint (link (cur_path, kept), ==, 0);
  g_assert_true (sr_spool_finish (f->spool, "billing", name, SR_SPOOL_FINISH_SENT, text,
                                  strlen (text), extra, 0, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (kept, &kept_text, NULL, NULL));
  g_assert_cmpstr (kept_text, ==, text);
  sent = slurp (f, "billing", SR_SPOOL_SENT, name, &len);
  g_assert_cmpstr (sent, ==, "To: +41791234567\nX-SMSC-Id: 1f\n\nkept\n");
  g_assert_cmpint (g_unlink (kept), ==, 0);
}

static void
test_finish_twice (Fixture *f, gconstpointer data)
{
  /* A crash between writing the finished bytes over the claimed file and
   * renaming it leaves them in cur/; the restart finishes it again, with
   * the journal's values, and the headers appear once. */
  static const char finished[] = "To: +41791234567\nX-SMSC-Id: 1f\nX-Submitted: 2026-01-01T00:00:00Z\n\nagain\n";
  const char *const extra[] = { "X-SMSC-Id", "1f", "X-Submitted", "2026-01-02T00:00:00Z", NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *name = deliver_and_claim (f, finished);
  g_autofree char *sent = NULL;
  gsize len;

  g_assert_true (sr_spool_finish (f->spool, "billing", name, SR_SPOOL_FINISH_SENT, NULL, 0,
                                  extra, 0, &error));
  g_assert_no_error (error);
  sent = slurp (f, "billing", SR_SPOOL_SENT, name, &len);
  g_assert_cmpstr (sent, ==, "To: +41791234567\nX-SMSC-Id: 1f\nX-Submitted: 2026-01-02T00:00:00Z\n\nagain\n");
}

static void
test_finish_over_a_page (Fixture *f, gconstpointer data)
{
  /* Longer than one page when finished: copied into a new file, so no kill
   * can leave a half-written message behind. */
  g_autoptr (GString) text = g_string_new ("To: +41791234567\n\n");
  const char *const extra[] = { "X-SMSC-Id", "1f", NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *sent = NULL;
  ino_t claimed;
  gsize len;

  while (text->len < 4090)
    g_string_append (text, "0123456789");
  name = deliver_and_claim (f, text->str);
  claimed = inode_of (f, SR_SPOOL_OUTBOX_CUR, name);
  g_assert_true (sr_spool_finish (f->spool, "billing", name, SR_SPOOL_FINISH_SENT, text->str,
                                  text->len, extra, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (inode_of (f, SR_SPOOL_SENT, name), !=, claimed);
  sent = slurp (f, "billing", SR_SPOOL_SENT, name, &len);
  g_assert_cmpuint (len, ==, text->len + strlen ("X-SMSC-Id: 1f\n"));
  g_assert_true (g_str_has_suffix (sent, "0123456789"));
  g_assert_cmpuint (count_raw (f, "billing", "outbox/cur"), ==, 0);
}

static void
test_claim_vanished (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;

  g_assert_false (sr_spool_claim (f->spool, "billing", "1.000000P1Q1.nowhere", &error));
  g_assert_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_CLAIMED);
  g_assert_nonnull (strstr (error->message, "1.000000P1Q1.nowhere"));
  g_clear_error (&error);

  g_assert_true (sr_spool_deliver (f->spool, "billing", SR_SPOOL_BOX_OUTBOX, "To: 1\n\nx\n", 9, 0, &name, &error));
  g_assert_true (sr_spool_claim (f->spool, "billing", name, &error));
  g_assert_no_error (error);
  g_assert_false (sr_spool_claim (f->spool, "billing", name, &error));
  g_assert_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_CLAIMED);
  g_assert_cmpint (sr_error_class_for_error (error), ==, SR_ERROR_CLASS_NONE);
  g_clear_error (&error);

  /* Finishing a file that is not in cur/ says so. */
  g_assert_false (sr_spool_finish (f->spool, "billing", "1.000000P1Q1.nowhere", SR_SPOOL_FINISH_SENT,
                                   NULL, 0, NULL, 0, &error));
  g_assert_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_NOT_FOUND);
}

static void
test_read_limits (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *content = g_strnfill (1000, 'x');
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *target = NULL;
  g_autofree char *link = NULL;

  g_assert_true (sr_spool_deliver (f->spool, "iot", SR_SPOOL_BOX_OUTBOX, content, 1000, 0, &name, &error));
  bytes = sr_spool_read (f->spool, "iot", SR_SPOOL_OUTBOX_NEW, name, 999, &error);
  g_assert_null (bytes);
  g_assert_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_TOO_LARGE);
  g_assert_cmpint (sr_error_class_for_error (error), ==, SR_ERROR_CLASS_INPUT);
  g_assert_nonnull (strstr (error->message, name));
  g_assert_nonnull (strstr (error->message, "999 bytes"));
  g_clear_error (&error);

  bytes = sr_spool_read (f->spool, "iot", SR_SPOOL_OUTBOX_NEW, name, 1000, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), content, 1000);
  g_clear_pointer (&bytes, g_bytes_unref);

  bytes = sr_spool_read (f->spool, "iot", SR_SPOOL_OUTBOX_NEW, "missing", 0, &error);
  g_assert_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* An app cannot make the router read (and copy) files outside its folder. */
  target = g_build_filename (f->root, "secret", NULL);
  g_assert_true (g_file_set_contents (target, "secret", -1, NULL));
  link = sr_spool_get_path (f->spool, "iot", SR_SPOOL_OUTBOX_NEW, "evil");
  g_assert_cmpint (symlink (target, link), ==, 0);
  bytes = sr_spool_read (f->spool, "iot", SR_SPOOL_OUTBOX_NEW, "evil", 0, &error);
  g_assert_null (bytes);
  g_assert_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_NOT_REGULAR);
}

static void
test_scan_streaming (Fixture *f, gconstpointer data)
{
  const guint n_files = 20000, batch = 512;
  g_autofree char *dir = sr_spool_get_path (f->spool, "billing", SR_SPOOL_OUTBOX_NEW, NULL);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (SrSpoolScan) scan = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *subdir = g_build_filename (dir, "a-directory", NULL);
  int dfd = open (dir, O_RDONLY | O_DIRECTORY);
  guint batches = 0;

  g_assert_cmpint (dfd, >=, 0);
  /* Hard links of one file: directory entries are what a scan reads, and
   * links are far cheaper to make than inodes on a slow disk. */
  close (openat (dfd, ".template", O_WRONLY | O_CREAT | O_EXCL, 0600));
  for (guint i = 0; i < n_files; i++)
    {
      char name[32];
      g_snprintf (name, sizeof name, "%u.0P1Q%u.host", i, i);
      g_assert_cmpint (linkat (dfd, ".template", dfd, name, 0), ==, 0);
    }
  /* Dot files are temporaries: skipped.  A folder is listed (the router
   * dead-letters it rather than leave it there silently). */
  close (openat (dfd, ".hidden", O_WRONLY | O_CREAT, 0600));
  close (openat (dfd, ".fin.123", O_WRONLY | O_CREAT, 0600));
  g_assert_cmpint (g_mkdir (subdir, 0700), ==, 0);
  close (dfd);

  scan = sr_spool_scan_new (f->spool, "billing", SR_SPOOL_OUTBOX_NEW, &error);
  g_assert_no_error (error);
  for (;;)
    {
      g_ptr_array_set_size (names, 0);
      g_assert_true (sr_spool_scan_next (scan, names, batch, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (names->len, <=, batch);
      if (names->len == 0)
        break;
      batches++;
      for (guint i = 0; i < names->len; i++)
        {
          const char *name = names->pdata[i];
          g_assert_true (name[0] != '.');
          g_assert_false (g_hash_table_contains (seen, name));
          g_hash_table_add (seen, g_strdup (name));
        }
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, n_files + 1);
  g_assert_true (g_hash_table_contains (seen, "a-directory"));
  g_assert_cmpuint (batches, >=, n_files / batch);
  /* A finished scan stays finished. */
  g_assert_true (sr_spool_scan_next (scan, names, batch, &error));
  g_assert_cmpuint (names->len, ==, 0);
  g_assert_true (sr_spool_has_files (f->spool, "billing", SR_SPOOL_OUTBOX_NEW));
  g_assert_false (sr_spool_has_files (f->spool, "iot", SR_SPOOL_OUTBOX_NEW));
}

/* Records watch callbacks. */
typedef struct {
  guint calls[2];   /* billing, iot */
} WatchLog;

static void
on_watch (const char *app, gpointer data)
{
  WatchLog *log = data;
  log->calls[g_str_equal (app, "iot") ? 1 : 0]++;
}

static gboolean
on_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main loop until @app was reported or @ms passed. */
static void
wait_for_call (WatchLog *log, guint app, guint ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (ms, on_timeout, &timed_out);

  while (!timed_out && log->calls[app] == 0)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
}

static void
spin (guint ms)
{
  gboolean timed_out = FALSE;
  g_timeout_add (ms, on_timeout, &timed_out);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);
}

/* Drops a file the way an app does: write tmp/, rename into new/. */
static void
app_drop (Fixture *f, const char *app, const char *name)
{
  g_autofree char *tmp = g_build_filename (f->root, "apps", app, "outbox", "tmp", name, NULL);
  g_autofree char *dst = g_build_filename (f->root, "apps", app, "outbox", "new", name, NULL);

  g_assert_true (g_file_set_contents (tmp, "To: 1\n\nx\n", -1, NULL));
  g_assert_cmpint (g_rename (tmp, dst), ==, 0);
}

static void
test_watch_monitor (Fixture *f, gconstpointer data)
{
  WatchLog log = { { 0, 0 } };
  g_autoptr (GError) error = NULL;
  g_autoptr (SrSpoolWatch) watch = sr_spool_watch_new (f->spool, 0, SR_SPOOL_WATCH_DEFAULT,
                                                       on_watch, &log, &error);
  g_assert_no_error (error);

  spin (50);   /* let the monitors settle */
  app_drop (f, "iot", "1.1P1Q1.host");
  wait_for_call (&log, 1, 5000);
  g_assert_cmpuint (log.calls[1], >=, 1);
  g_assert_cmpuint (log.calls[0], ==, 0);

  /* A burst is coalesced into far fewer calls than files. */
  log.calls[1] = 0;
  for (guint i = 0; i < 100; i++)
    {
      char name[32];
      g_snprintf (name, sizeof name, "2.%uP1Q1.host", i);
      app_drop (f, "iot", name);
    }
  wait_for_call (&log, 1, 5000);
  spin (100);
  g_assert_cmpuint (log.calls[1], >=, 1);
  g_assert_cmpuint (log.calls[1], <, 50);
}

static void
test_watch_pause (Fixture *f, gconstpointer data)
{
  WatchLog log = { { 0, 0 } };
  g_autoptr (GError) error = NULL;
  g_autoptr (SrSpoolWatch) watch = sr_spool_watch_new (f->spool, 0, SR_SPOOL_WATCH_DEFAULT,
                                                       on_watch, &log, &error);
  g_assert_no_error (error);

  spin (50);
  sr_spool_watch_pause (watch, "iot");
  app_drop (f, "iot", "4.1P1Q1.host");
  app_drop (f, "billing", "4.2P1Q1.host");
  wait_for_call (&log, 0, 5000);
  spin (100);
  g_assert_cmpuint (log.calls[0], >=, 1);   /* billing is still watched */
  g_assert_cmpuint (log.calls[1], ==, 0);   /* iot is not */

  /* Resuming reports the app at once, for what arrived in between... */
  g_assert_true (sr_spool_watch_resume (watch, "iot", &error));
  g_assert_no_error (error);
  wait_for_call (&log, 1, 5000);
  g_assert_cmpuint (log.calls[1], ==, 1);
  /* ...and the monitor works again. */
  log.calls[1] = 0;
  spin (50);
  app_drop (f, "iot", "4.3P1Q1.host");
  wait_for_call (&log, 1, 5000);
  g_assert_cmpuint (log.calls[1], >=, 1);
}

static void
test_watch_rescan (Fixture *f, gconstpointer data)
{
  WatchLog log = { { 0, 0 } };
  g_autoptr (GError) error = NULL;
  g_autoptr (SrSpoolWatch) watch = sr_spool_watch_new (f->spool, 30, SR_SPOOL_WATCH_NO_MONITOR,
                                                       on_watch, &log, &error);
  g_assert_no_error (error);

  /* Empty outboxes are not reported. */
  spin (100);
  g_assert_cmpuint (log.calls[0] + log.calls[1], ==, 0);

  app_drop (f, "billing", "3.1P1Q1.host");
  wait_for_call (&log, 0, 5000);
  g_assert_cmpuint (log.calls[0], >=, 1);
  g_assert_cmpuint (log.calls[1], ==, 0);
}

static void
test_lock (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *expect = g_strdup_printf ("spool %s is in use by sms-router (pid %d)",
                                             f->root, (int) getpid ());
  SrSpoolLock *lock, *second;

  g_assert_cmpint (sr_spool_lock_holder (f->root), ==, 0);
  lock = sr_spool_lock_acquire (f->root, &error);
  g_assert_no_error (error);
  g_assert_nonnull (lock);
  g_assert_cmpint (sr_spool_lock_holder (f->root), ==, getpid ());

  second = sr_spool_lock_acquire (f->root, &error);
  g_assert_null (second);
  g_assert_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_LOCKED);
  g_assert_cmpstr (error->message, ==, expect);
  g_assert_cmpint (sr_error_class_for_error (error), ==, SR_ERROR_CLASS_SYSTEM);
  g_clear_error (&error);

  sr_spool_lock_release (lock);
  g_assert_cmpint (sr_spool_lock_holder (f->root), ==, 0);
  lock = sr_spool_lock_acquire (f->root, &error);
  g_assert_no_error (error);
  sr_spool_lock_release (lock);
}

static void
test_lock_other_process (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  int ready[2], done[2];
  pid_t child;
  char c;

  g_assert_cmpint (pipe (ready), ==, 0);
  g_assert_cmpint (pipe (done), ==, 0);
  child = fork ();
  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      SrSpoolLock *lock = sr_spool_lock_acquire (f->root, NULL);
      if (write (ready[1], lock ? "y" : "n", 1) != 1 || read (done[0], &c, 1) < 0)
        _exit (1);
      _exit (0);
    }
  g_assert_cmpint (read (ready[0], &c, 1), ==, 1);
  g_assert_cmpint (c, ==, 'y');
  g_assert_cmpint (sr_spool_lock_holder (f->root), ==, child);
  g_assert_null (sr_spool_lock_acquire (f->root, &error));
  g_assert_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_LOCKED);
  {
    g_autofree char *pid = g_strdup_printf ("(pid %d)", (int) child);
    g_assert_nonnull (strstr (error->message, pid));
  }
  /* The child dies: the kernel drops its lock. */
  g_assert_cmpint (write (done[1], "x", 1), ==, 1);
  g_assert_cmpint (waitpid (child, NULL, 0), ==, child);
  g_assert_cmpint (sr_spool_lock_holder (f->root), ==, 0);
  close (ready[0]); close (ready[1]); close (done[0]); close (done[1]);
}

static void
test_recovery (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *claimed = NULL;
  g_autofree char *waiting = NULL;
  g_autoptr (SrSpool) again = NULL;
  g_autoptr (SrSpoolScan) scan = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (sr_spool_deliver (f->spool, "billing", SR_SPOOL_BOX_OUTBOX, "To: 1\n\na\n", 9, 0, &claimed, &error));
  g_assert_true (sr_spool_deliver (f->spool, "billing", SR_SPOOL_BOX_OUTBOX, "To: 2\n\nb\n", 9, 0, &waiting, &error));
  g_assert_true (sr_spool_claim (f->spool, "billing", claimed, &error));
  g_assert_no_error (error);

  /* The router dies here; a new one opens the spool. */
  g_clear_pointer (&f->spool, sr_spool_free);
  again = sr_spool_open (f->root, test_apps, &error);
  g_assert_no_error (error);
  scan = sr_spool_scan_new (again, "billing", SR_SPOOL_OUTBOX_CUR, &error);
  g_assert_true (sr_spool_scan_next (scan, names, 10, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (names->len, ==, 1);
  g_assert_cmpstr (names->pdata[0], ==, claimed);
  g_assert_true (sr_spool_finish (again, "billing", claimed, SR_SPOOL_FINISH_SENT, NULL, 0, NULL, 0, &error));
  g_assert_no_error (error);
  f->spool = g_steal_pointer (&again);
  g_assert_cmpuint (count_files (f, "billing", SR_SPOOL_OUTBOX_NEW), ==, 1);
  g_assert_cmpuint (count_files (f, "billing", SR_SPOOL_OUTBOX_CUR), ==, 0);
  g_assert_cmpuint (count_files (f, "billing", SR_SPOOL_SENT), ==, 1);
}

/* Puts a dead letter into dead/ the way the router does. */
static char *
make_dead (Fixture *f, const char *content)
{
  const char *const extra[] = { "X-Error-Class", "policy", "X-Error", "Destination country CI is blacklisted.", NULL };
  g_autoptr (GError) error = NULL;
  char *name = NULL;

  g_assert_true (sr_spool_deliver (f->spool, "billing", SR_SPOOL_BOX_OUTBOX, content, strlen (content), 0, &name, &error));
  g_assert_true (sr_spool_claim (f->spool, "billing", name, &error));
  g_assert_true (sr_spool_finish (f->spool, "billing", name, SR_SPOOL_FINISH_DEAD, NULL, 0, extra, 0, &error));
  g_assert_no_error (error);
  return name;
}

static void
test_dead_retry (Fixture *f, gconstpointer data)
{
  const char *orig = "To: +2250700000000\nReference: r9\n\nBonjour\n";
  g_autofree char *name = make_dead (f, orig);
  g_autofree char *dead = slurp (f, "billing", SR_SPOOL_DEAD, name, NULL);
  g_autofree char *new_name = NULL;
  g_autofree char *back = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (strstr (dead, "X-Error-Class: policy\n"));
  g_assert_true (sr_spool_retry_dead (f->spool, "billing", name, NULL, NULL, NULL, 0, &new_name, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (new_name, !=, name);
  back = slurp (f, "billing", SR_SPOOL_OUTBOX_NEW, new_name, NULL);
  g_assert_cmpstr (back, ==, orig);
  g_assert_cmpuint (count_files (f, "billing", SR_SPOOL_DEAD), ==, 0);
  g_assert_cmpuint (count_raw (f, "billing", "outbox/tmp"), ==, 0);

  /* Retrying it again: it is no longer there. */
  g_assert_false (sr_spool_retry_dead (f->spool, "billing", name, NULL, NULL, NULL, 0, NULL, &error));
  g_assert_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_NOT_FOUND);
}

static void
test_dead_edit_retry (Fixture *f, gconstpointer data)
{
  g_autofree char *name = make_dead (f, "To: +2250700000000\nFrom: ACME\nX-App: keep\n\nBonjour\n");
  g_autofree char *new_name = NULL;
  g_autofree char *back = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (SrMessage) msg = NULL;

  g_assert_true (sr_spool_retry_dead (f->spool, "billing", name, "+41791234567", "+41790000000",
                                      "Hello instead", 0, &new_name, &error));
  g_assert_no_error (error);
  back = slurp (f, "billing", SR_SPOOL_OUTBOX_NEW, new_name, NULL);
  g_assert_cmpstr (back, ==, "To: +41791234567\nFrom: +41790000000\nX-App: keep\n\nHello instead\n");
  msg = sr_message_parse (back, strlen (back), 0, &error);
  g_assert_no_error (error);
  g_assert_null (sr_message_lookup (msg, "X-Error"));
}

/* A file a front end marked as bad stays bad on a plain retry (its text is
 * not the whole message); new text from an edit lifts the mark. */
static void
test_dead_retry_marked (Fixture *f, gconstpointer data)
{
  static const char orig[] = "To: +41791234567\nX-Input-Error: cut\n\nAAAA\n";
  g_autofree char *name = make_dead (f, orig);
  g_autofree char *retried = NULL, *edited = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (sr_spool_retry_dead (f->spool, "billing", name, NULL, NULL, NULL, 0, &retried, &error));
  g_assert_no_error (error);
  g_autofree char *back = slurp (f, "billing", SR_SPOOL_OUTBOX_NEW, retried, NULL);
  g_assert_cmpstr (back, ==, orig);
  g_autofree char *again = make_dead (f, orig);
  g_assert_true (sr_spool_retry_dead (f->spool, "billing", again, NULL, NULL, "the whole text", 0,
                                      &edited, &error));
  g_assert_no_error (error);
  g_autofree char *fixed = slurp (f, "billing", SR_SPOOL_OUTBOX_NEW, edited, NULL);
  g_assert_cmpstr (fixed, ==, "To: +41791234567\n\nthe whole text\n");
}

static void
test_dead_discard (Fixture *f, gconstpointer data)
{
  g_autofree char *keep = make_dead (f, "To: 1\n\nkeep\n");
  g_autofree char *drop = make_dead (f, "To: 2\n\ndrop\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) left = NULL;

  g_assert_true (sr_spool_discard_dead (f->spool, "billing", drop, &error));
  g_assert_no_error (error);
  left = list_all (f, "billing", SR_SPOOL_DEAD);
  g_assert_cmpuint (left->len, ==, 1);
  g_assert_cmpstr (left->pdata[0], ==, keep);
  g_assert_false (sr_spool_discard_dead (f->spool, "billing", drop, &error));
  g_assert_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_NOT_FOUND);
}

/* The router's loop in miniature: scan, claim, read, parse, finish. */
static void
test_bad_among_good (Fixture *f, gconstpointer data)
{
  static const char bad[] = "To: 1\n\nbroken \xff\xfe bytes\n";
  static const char *const good[] = { "To: 1\n\none\n", "To: 2\n\ntwo\n", "To: 3\n\nthree\n" };
  g_autoptr (GHashTable) content = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (GError) error = NULL;
  char *name;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_assert_true (sr_spool_deliver (f->spool, "iot", SR_SPOOL_BOX_OUTBOX, good[i], strlen (good[i]), 0, &name, &error));
      g_hash_table_insert (content, name, (gpointer) good[i]);
    }
  g_assert_true (sr_spool_deliver (f->spool, "iot", SR_SPOOL_BOX_OUTBOX, bad, sizeof bad - 1, 0, &name, &error));
  g_hash_table_insert (content, name, (gpointer) bad);

  names = list_all (f, "iot", SR_SPOOL_OUTBOX_NEW);
  g_assert_cmpuint (names->len, ==, 4);
  for (guint i = 0; i < names->len; i++)
    {
      const char *n = names->pdata[i];
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (SrMessage) msg = NULL;
      g_autoptr (GError) perr = NULL;

      g_assert_true (sr_spool_claim (f->spool, "iot", n, &error));
      bytes = sr_spool_read (f->spool, "iot", SR_SPOOL_OUTBOX_CUR, n, SR_MESSAGE_DEFAULT_MAX_SIZE, &error);
      g_assert_no_error (error);
      msg = sr_message_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), 0, &perr);
      if (msg)
        g_assert_true (sr_spool_finish (f->spool, "iot", n, SR_SPOOL_FINISH_SENT,
                                        g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                        NULL, 0, &error));
      else
        {
          const char *const extra[] = { "X-Error-Class", "input", "X-Error", perr->message, NULL };
          g_assert_true (sr_spool_finish (f->spool, "iot", n, SR_SPOOL_FINISH_DEAD,
                                          g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                          extra, 0, &error));
        }
      g_assert_no_error (error);
    }

  {
    g_autoptr (GPtrArray) sent = list_all (f, "iot", SR_SPOOL_SENT);
    g_autoptr (GPtrArray) dead = list_all (f, "iot", SR_SPOOL_DEAD);
    gsize len;
    g_autofree char *dead_data = NULL;

    g_assert_cmpuint (sent->len, ==, 3);
    for (guint i = 0; i < sent->len; i++)
      {
        g_autofree char *s = slurp (f, "iot", SR_SPOOL_SENT, sent->pdata[i], NULL);
        g_assert_cmpstr (s, ==, g_hash_table_lookup (content, sent->pdata[i]));
      }
    g_assert_cmpuint (dead->len, ==, 1);
    dead_data = slurp (f, "iot", SR_SPOOL_DEAD, dead->pdata[0], &len);
    g_assert_true (g_str_has_prefix (dead_data, "To: 1\nX-Error-Class: input\nX-Error: The message file is not valid UTF-8: bad byte at offset 14 (line 3, in the body).\n\n"));
    g_assert_true (g_str_has_suffix (dead_data, "broken \xff\xfe bytes\n"));
  }
  g_assert_cmpuint (count_raw (f, "iot", "outbox/new"), ==, 0);
  g_assert_cmpuint (count_raw (f, "iot", "outbox/cur"), ==, 0);
  g_assert_cmpuint (count_raw (f, "billing", "sent"), ==, 0);
}

static void
test_clean_temporaries (Fixture *f, gconstpointer data)
{
  g_autofree char *fin = g_build_filename (f->root, "apps", "iot", "sent", ".fin.1.0P1Q1.host", NULL);
  g_autofree char *done = g_build_filename (f->root, "apps", "iot", "sent", "1.0P1Q1.host", NULL);
  g_autofree char *old_tmp = g_build_filename (f->root, "apps", "billing", "outbox", "tmp", "old", NULL);
  g_autofree char *young_tmp = g_build_filename (f->root, "apps", "billing", "inbox", "tmp", "young", NULL);
  struct timespec two_days_ago[2] = { { time (NULL) - 2 * 86400, 0 }, { time (NULL) - 2 * 86400, 0 } };
  g_autoptr (GError) error = NULL;

  g_autofree char *fin_dir = g_build_filename (f->root, "apps", "billing", "dead", ".fin.2.0P1Q2.host", NULL);

  /* A folder under a temporary's name (an app made it) is skipped, and the
   * cleaning goes on with the other apps. */
  g_assert_cmpint (g_mkdir (fin_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (fin, "half", -1, NULL));
  g_assert_true (g_file_set_contents (done, "whole", -1, NULL));
  g_assert_true (g_file_set_contents (old_tmp, "old", -1, NULL));
  g_assert_true (g_file_set_contents (young_tmp, "young", -1, NULL));
  g_assert_cmpint (utimensat (AT_FDCWD, old_tmp, two_days_ago, 0), ==, 0);

  g_assert_cmpint (sr_spool_clean_temporaries (f->spool, 36 * 3600, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_false (g_file_test (fin, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (old_tmp, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (done, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (young_tmp, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (fin_dir, G_FILE_TEST_IS_DIR));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/spool/tree", test_tree);
  ADD ("/spool/tree-reopen-keeps-modes", test_tree_reopen_keeps_modes);
  ADD ("/spool/open-errors", test_open_errors);
  g_test_add_func ("/spool/unique-names", test_unique_names);
  ADD ("/spool/deliver-boxes", test_deliver_boxes);
  ADD ("/spool/deliver-keep-name", test_deliver_keep_name);
  ADD ("/spool/deliver-claim-finish", test_deliver_claim_finish);
  ADD ("/spool/finish-dead-large", test_finish_dead_large);
  ADD ("/spool/finish-in-place", test_finish_in_place);
  ADD ("/spool/finish-read-only-file", test_finish_read_only_file);
  ADD ("/spool/finish-twice", test_finish_twice);
  ADD ("/spool/finish-hard-linked", test_finish_hard_linked);
  ADD ("/spool/finish-over-a-page", test_finish_over_a_page);
  ADD ("/spool/claim-vanished", test_claim_vanished);
  ADD ("/spool/read-limits", test_read_limits);
  ADD ("/spool/scan-streaming", test_scan_streaming);
  ADD ("/spool/watch-monitor", test_watch_monitor);
  ADD ("/spool/watch-pause", test_watch_pause);
  ADD ("/spool/watch-rescan", test_watch_rescan);
  ADD ("/spool/lock", test_lock);
  ADD ("/spool/lock-other-process", test_lock_other_process);
  ADD ("/spool/recovery", test_recovery);
  ADD ("/spool/dead-retry", test_dead_retry);
  ADD ("/spool/dead-edit-retry", test_dead_edit_retry);
  ADD ("/spool/dead-retry-marked", test_dead_retry_marked);
  ADD ("/spool/dead-discard", test_dead_discard);
  ADD ("/spool/bad-among-good", test_bad_among_good);
  ADD ("/spool/clean-temporaries", test_clean_temporaries);
  return g_test_run ();
}
