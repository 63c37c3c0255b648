/* test-daemon.c — `sms-router --daemon` as an operator runs it: against the
 * real simulator over loopback, with a real spool; signals, pidfile, the
 * single-instance lock, reload, and messages sent end to end. */
#include "sr-test-sim.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/* One daemon under test, its spool, configuration and simulator. */
typedef struct {
  char *dir;
  char *spool;
  char *config;
  char *pidfile;
  SrTestSim *sim;
  GSubprocess *daemon;
  GString *log;              /* the daemon's stderr so far, when piped */
} Fixture;

static void
write_config (Fixture *f, const char *extra_policy)
{
  g_autofree char *text = g_strdup_printf (
    "[router]\nspool = %s\nregion = CH\nrescan-interval = 1\n"
    "[smpp:sim]\nhost = 127.0.0.1\nport = %u\nsystem-id = router\npassword = secret\n"
    "window = 10\nenquire-link = 30\n"
    "[app:default]\nfrom = +41791234567\n"
    "[policy]\nmax-per-destination-hour = 0\nmax-per-destination-day = 0\n%s",
    f->spool, sr_test_sim_port (f->sim), extra_policy);
  g_assert_true (g_file_set_contents (f->config, text, -1, NULL));
  g_assert_cmpint (g_chmod (f->config, 0600), ==, 0);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("sr-daemon-XXXXXX", NULL);
  f->spool = g_build_filename (f->dir, "spool", NULL);
  f->config = g_build_filename (f->dir, "sms-router.conf", NULL);
  f->pidfile = g_build_filename (f->dir, "sms-router.pid", NULL);
  g_autofree char *log = g_build_filename (f->dir, "sim.jsonl", NULL);
  const char *args[] = { "--system-id", "router", "--password", "secret", "--log", log,
                         "--receipt-delay", "100", NULL };
  g_autoptr(GError) error = NULL;
  f->sim = sr_test_sim_start (args, &error);
  g_assert_no_error (error);
  write_config (f, "");
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
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
  g_free (f->spool);
  g_free (f->config);
  g_free (f->pidfile);
  if (f->log != NULL)
    g_string_free (f->log, TRUE);
}

/* A failed assertion aborts before the teardown: the daemon must not outlive
 * the test (it would hold the test's stderr open until the harness times out). */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *
start_daemon (Fixture *f, GSubprocessFlags flags)
{
  g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new (flags);
  g_subprocess_launcher_set_child_setup (l, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (l, "SR_LOG_STDERR", "1", TRUE);
  g_autoptr(GError) error = NULL;
  GSubprocess *p = g_subprocess_launcher_spawn (l, &error, g_getenv ("SR_ROUTER"), "--daemon",
                                                "--config", f->config, "--pidfile", f->pidfile, NULL);
  g_assert_no_error (error);
  return p;
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

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (name[0] != '.')
      n++;
  return n;
}

static guint
count_app (Fixture *f, const char *sub)
{
  g_autofree char *dir = g_build_filename (f->spool, "apps", "default", sub, NULL);
  return count_files (dir);
}

/* The contents of the one file in the app's folder @sub. */
static char *
read_only_file (Fixture *f, const char *sub)
{
  g_autofree char *dir = g_build_filename (f->spool, "apps", "default", sub, NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  const char *name = g_dir_read_name (d);
  g_assert_nonnull (name);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static gboolean
pidfile_written (Fixture *f)
{
  return g_file_test (f->pidfile, G_FILE_TEST_EXISTS);
}

static gboolean
bound (Fixture *f)
{
  return sr_test_sim_stat (f->sim, "binds_ok") >= 1;
}

static void
drop_message (Fixture *f, const char *to, const char *text)
{
  g_autofree char *body = g_strdup_printf ("To: %s\n\n%s\n", to, text);
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT ".%u.test", g_get_real_time (), g_random_int ());
  g_autofree char *tmp = g_build_filename (f->spool, "apps", "default", "outbox", "tmp", name, NULL);
  g_autofree char *dst = g_build_filename (f->spool, "apps", "default", "outbox", "new", name, NULL);
  g_assert_true (g_file_set_contents (tmp, body, -1, NULL));
  g_assert_cmpint (g_rename (tmp, dst), ==, 0);
}

static gboolean
all_finished_20 (Fixture *f)
{
  return count_app (f, "sent") + count_app (f, "dead") >= 20;
}

static void
test_lock_and_pidfile (Fixture *f, gconstpointer data)
{
  f->daemon = start_daemon (f, G_SUBPROCESS_FLAGS_NONE);
  g_assert_true (wait_for (pidfile_written, f, 10));
  g_autofree char *pid_text = NULL;
  g_assert_true (g_file_get_contents (f->pidfile, &pid_text, NULL, NULL));
  g_assert_cmpstr (g_strstrip (pid_text), ==, g_subprocess_get_identifier (f->daemon));

  /* a second router on the same spool exits 2 naming the holder's PID */
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) second = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                                                    g_getenv ("SR_ROUTER"), "--daemon", "--config", f->config, NULL);
  g_assert_no_error (error);
  g_autofree char *err = NULL;
  g_assert_true (g_subprocess_communicate_utf8 (second, NULL, NULL, NULL, &err, &error));
  g_assert_cmpint (g_subprocess_get_exit_status (second), ==, 2);
  g_autofree char *want = g_strdup_printf ("pid %s", g_subprocess_get_identifier (f->daemon));
  if (strstr (err, want) == NULL)
    g_error ("second instance said '%s', expected it to name '%s'", err, want);
}

static gboolean exited;

static void
on_exit_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  exited = TRUE;
}

static gboolean
daemon_exited (Fixture *f)
{
  return exited;
}

/* An app folder whose dead/ is a link to another folder: the daemon does
 * not start, and says which folder and why. */
static void
test_refuses_linked_folder (Fixture *f, gconstpointer data)
{
  g_autofree char *app = g_build_filename (f->spool, "apps", "default", NULL);
  g_autofree char *dead = g_build_filename (app, "dead", NULL);
  g_autofree char *elsewhere = g_build_filename (f->dir, "elsewhere", NULL);
  g_autofree char *err = NULL;

  g_assert_cmpint (g_mkdir_with_parents (app, 0770), ==, 0);
  g_assert_cmpint (g_mkdir (elsewhere, 0770), ==, 0);
  g_assert_cmpint (symlink (elsewhere, dead), ==, 0);
  f->daemon = start_daemon (f, G_SUBPROCESS_FLAGS_STDERR_PIPE);
  exited = FALSE;
  g_subprocess_wait_async (f->daemon, NULL, on_exit_cb, NULL);
  g_assert_true (wait_for (daemon_exited, f, 10));
  g_assert_true (g_subprocess_get_if_exited (f->daemon));
  g_assert_cmpint (g_subprocess_get_exit_status (f->daemon), ==, 1);
  {
    GInputStream *in = g_subprocess_get_stderr_pipe (f->daemon);
    GString *text = g_string_new (NULL);
    char buf[4096];
    gssize n;

    while ((n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL)) > 0)
      g_string_append_len (text, buf, n);
    err = g_string_free (text, FALSE);
  }
  if (err == NULL || strstr (err, dead) == NULL || strstr (err, "symbolic link") == NULL)
    g_error ("the daemon said '%s', expected it to name '%s' as a symbolic link", err, dead);
}

static void
test_sigterm_no_message_lost (Fixture *f, gconstpointer data)
{
  f->daemon = start_daemon (f, G_SUBPROCESS_FLAGS_NONE);
  g_assert_true (wait_for (bound, f, 15));
  for (guint i = 0; i < 20; i++)
    drop_message (f, "+41791234567", "message in flight");
  /* stop while messages are being processed */
  g_usleep (50000);
  g_subprocess_send_signal (f->daemon, SIGTERM);
  g_autoptr(GError) error = NULL;
  g_assert_true (g_subprocess_wait (f->daemon, NULL, &error));
  g_assert_true (g_subprocess_get_if_exited (f->daemon));
  g_assert_cmpint (g_subprocess_get_exit_status (f->daemon), ==, 0);
  g_assert_false (g_file_test (f->pidfile, G_FILE_TEST_EXISTS));
  g_clear_object (&f->daemon);

  /* nothing lost: every message is still queued, in cur/ for recovery, or done */
  guint total = count_app (f, "outbox/new") + count_app (f, "outbox/cur") + count_app (f, "sent") + count_app (f, "dead");
  g_assert_cmpuint (total, ==, 20);

  /* and a restart finishes every one of them into sent/ */
  f->daemon = start_daemon (f, G_SUBPROCESS_FLAGS_NONE);
  g_assert_true (wait_for (all_finished_20, f, 20));
  g_assert_cmpuint (count_app (f, "sent"), ==, 20);
  g_assert_cmpuint (count_app (f, "outbox/cur") + count_app (f, "outbox/new"), ==, 0);
}

static gboolean
one_sent (Fixture *f)
{
  return count_app (f, "sent") >= 1;
}

/* Appends what the daemon wrote to its piped stderr since the last call. */
static void
drain_log (Fixture *f)
{
  GInputStream *err = g_subprocess_get_stderr_pipe (f->daemon);
  char buf[4096];
  gssize n;
  if (f->log == NULL)
    f->log = g_string_new (NULL);
  while ((n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (err), buf,
                                                        sizeof buf, NULL, NULL)) > 0)
    g_string_append_len (f->log, buf, n);
}

static gboolean
reload_reported (Fixture *f)
{
  drain_log (f);
  return strstr (f->log->str, "changed groups: policy") != NULL;
}

static gboolean
reload_refused (Fixture *f)
{
  drain_log (f);
  return strstr (f->log->str, "configuration not reloaded, the running one is kept") != NULL;
}

static gboolean
one_dead (Fixture *f)
{
  return count_app (f, "dead") >= 1;
}

static gboolean
two_sent (Fixture *f)
{
  return count_app (f, "sent") >= 2;
}

static void
test_reload (Fixture *f, gconstpointer data)
{
  f->daemon = start_daemon (f, G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_assert_true (wait_for (bound, f, 15));
  /* +44 7400 is Great Britain; beware +44 7911, which is Guernsey (GG) */
  drop_message (f, "+447400123456", "before the reload");
  g_assert_true (wait_for (one_sent, f, 15));

  /* a blacklisted GB takes effect on the next message, without a new bind */
  write_config (f, "blacklist-countries = GB\n");
  g_subprocess_send_signal (f->daemon, SIGHUP);
  g_assert_true (wait_for (reload_reported, f, 10));   /* and says what changed */
  drop_message (f, "+447400123456", "after the reload");
  g_assert_true (wait_for (one_dead, f, 15));
  g_assert_cmpuint (count_app (f, "sent"), ==, 1);
  g_autofree char *dead = read_only_file (f, "dead");
  g_assert_nonnull (strstr (dead, "X-Error-Class: policy"));
  if (strstr (dead, "destination country GB is blacklisted") == NULL)
    g_error ("dead letter lacks the blacklist reason:\n%s", dead);
  g_assert_cmpint (sr_test_sim_stat (f->sim, "binds_ok"), ==, 1);

  /* a broken configuration is refused and the daemon keeps running */
  g_assert_true (g_file_set_contents (f->config, "[router]\nregion = Nowhere\n", -1, NULL));
  g_subprocess_send_signal (f->daemon, SIGHUP);
  g_assert_true (wait_for (reload_refused, f, 10));
  g_assert_nonnull (g_subprocess_get_identifier (f->daemon));   /* still running */

  /* and still sends on the same bind */
  drop_message (f, "+41791234568", "after the refused reload");
  g_assert_true (wait_for (two_sent, f, 15));
  g_assert_cmpint (sr_test_sim_stat (f->sim, "binds_ok"), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/daemon/lock-and-pidfile", Fixture, NULL, fixture_setup, test_lock_and_pidfile, fixture_teardown);
  g_test_add ("/daemon/refuses-linked-folder", Fixture, NULL, fixture_setup, test_refuses_linked_folder, fixture_teardown);
  g_test_add ("/daemon/sigterm-no-message-lost", Fixture, NULL, fixture_setup, test_sigterm_no_message_lost, fixture_teardown);
  g_test_add ("/daemon/reload", Fixture, NULL, fixture_setup, test_reload, fixture_teardown);
  return g_test_run ();
}
