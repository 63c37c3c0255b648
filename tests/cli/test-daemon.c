/* test-daemon.c — `sms-router --daemon` as an operator runs it: against the
 * real simulator over loopback, with a real spool; signals, pidfile, the
 * single-instance lock, reload, and messages sent end to end. */
#include "sr-test-process.h"
#include "sr-test-sim.h"

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
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
    "max-attempts = 2\nretry-delay = 1\n"
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
                         "--receipt-delay", "100",
                         "--reject-prefix", "+4179999=ESME_RSUBMITFAIL", NULL };
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

/* Starts `sms-router --daemon` with @log as its --log option (NULL: none),
 * through @wrapper (an argv prefix such as unshare, or NULL). */
static GSubprocess *
start_daemon_with (Fixture *f, GSubprocessFlags flags, const char *log, const char *const *wrapper)
{
  g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new (flags);
  g_subprocess_launcher_set_child_setup (l, sr_test_process_die_with_parent, NULL, NULL);
  g_subprocess_launcher_unsetenv (l, "SR_LOG_STDERR");
  g_subprocess_launcher_unsetenv (l, "G_MESSAGES_DEBUG");   /* the defaults are under test */
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; wrapper != NULL && wrapper[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (wrapper[i]));
  g_ptr_array_add (argv, g_strdup (g_getenv ("SR_ROUTER")));
  g_ptr_array_add (argv, g_strdup ("--daemon"));
  g_ptr_array_add (argv, g_strdup ("--config"));
  g_ptr_array_add (argv, g_strdup (f->config));
  g_ptr_array_add (argv, g_strdup ("--pidfile"));
  g_ptr_array_add (argv, g_strdup (f->pidfile));
  if (log != NULL)
    g_ptr_array_add (argv, g_strdup_printf ("--log=%s", log));
  g_ptr_array_add (argv, NULL);
  g_autoptr(GError) error = NULL;
  GSubprocess *p = g_subprocess_launcher_spawnv (l, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  return p;
}

static GSubprocess *
start_daemon (Fixture *f, GSubprocessFlags flags)
{
  return start_daemon_with (f, flags, "stderr", NULL);
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
  if (f->log == NULL)
    f->log = g_string_new (NULL);
  sr_test_process_drain_stderr (f->daemon, f->log);
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

static gboolean
retry_and_dead_logged (Fixture *f)
{
  drain_log (f);
  return strstr (f->log->str, "[message] retry: default/") != NULL
         && strstr (f->log->str, "[message] dead-letter: default/") != NULL;
}

/* Message-scope events reach the log without G_MESSAGES_DEBUG. */
static void
test_message_events_logged (Fixture *f, gconstpointer data)
{
  f->daemon = start_daemon (f, G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_assert_true (wait_for (bound, f, 15));
  drop_message (f, "+41799990001", "refused by the SMSC, temporarily");
  if (!wait_for (retry_and_dead_logged, f, 20))
    g_error ("the log lacks the retry or the dead letter:\n%s", f->log->str);
  g_assert_nonnull (strstr (f->log->str, "attempt 1 of 2 failed"));
  g_assert_nonnull (strstr (f->log->str, "ESME_RSUBMITFAIL"));
  /* the file moves in the file worker once the journal holds it as dead:
   * just after the log line */
  g_assert_true (wait_for (one_dead, f, 10));
  g_assert_cmpuint (count_app (f, "dead"), ==, 1);
}

/* ---- log destinations --------------------------------------------------- */

static gboolean
started_logged (Fixture *f)
{
  drain_log (f);
  return strstr (f->log->str, "running on spool") != NULL;
}

/* The container case: stderr is a pipe, no syslog daemon: auto logs to stderr. */
static void
test_log_auto_stderr (Fixture *f, gconstpointer data)
{
  if (g_file_test ("/dev/log", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("a syslog socket exists at /dev/log: auto rightly picks syslog here");
      return;
    }
  f->daemon = start_daemon_with (f, G_SUBPROCESS_FLAGS_STDERR_PIPE, NULL, NULL);
  if (!wait_for (started_logged, f, 15))
    g_error ("nothing on stderr with the automatic choice: '%s'", f->log->str);
  /* a full date, which "2>>router.log" keeps no other way */
  g_autoptr(GRegex) stamp = g_regex_new ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[-+]\\d\\d:\\d\\d "
                                         "sms-router notice: sms-router .* running on spool",
                                         G_REGEX_MULTILINE, 0, NULL);
  if (!g_regex_match (stamp, f->log->str, 0, NULL))
    g_error ("unexpected line format: '%s'", f->log->str);
}

static gboolean
file_contains (const char *path, const char *needle)
{
  g_autofree char *text = NULL;
  return g_file_get_contents (path, &text, NULL, NULL) && strstr (text, needle) != NULL;
}

static char *file_log_path;

static gboolean
file_started (Fixture *f)
{
  return file_contains (file_log_path, "running on spool");
}

static gboolean
file_reopened (Fixture *f)
{
  return file_contains (file_log_path, "reloading the configuration");
}

static gboolean
file_dead_letter (Fixture *f)
{
  return file_contains (file_log_path, "[message] dead-letter: default/");
}

/* [router] log = FILE; SIGHUP after logrotate's rename opens a new file. */
static void
test_log_file_reopen (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "router.log", NULL);
  g_autofree char *rotated = g_build_filename (f->dir, "router.log.1", NULL);
  g_autofree char *extra = g_strdup_printf ("blacklist-countries = GB\n[router]\nlog = %s\n", path);
  write_config (f, extra);
  file_log_path = path;
  f->daemon = start_daemon_with (f, G_SUBPROCESS_FLAGS_STDERR_PIPE, NULL, NULL);
  if (!wait_for (file_started, f, 15))
    g_error ("the log file lacks the start line");
  drain_log (f);
  g_assert_cmpstr (f->log->str, ==, "");     /* nothing went to stderr */

  g_assert_cmpint (g_rename (path, rotated), ==, 0);
  g_subprocess_send_signal (f->daemon, SIGHUP);
  g_assert_true (wait_for (file_reopened, f, 10));
  g_assert_false (file_contains (rotated, "reloading the configuration"));
  g_assert_true (file_contains (rotated, "running on spool"));

  drop_message (f, "+447400123456", "blacklisted, dead at once");
  g_assert_true (wait_for (file_dead_letter, f, 15));
  g_assert_false (file_contains (rotated, "dead-letter"));
  GStatBuf st;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0640);
  file_log_path = NULL;
}

/* A datagram socket standing where a log daemon listens, and what it got. */
typedef struct {
  GSocket *socket;
  GString *got;              /* every datagram, one per line */
} Listener;

static gboolean
listen_at (Listener *li, const char *path, GError **error)
{
  li->socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_DEFAULT, error);
  if (li->socket == NULL)
    return FALSE;
  g_autoptr(GSocketAddress) addr = g_unix_socket_address_new (path);
  if (!g_socket_bind (li->socket, addr, FALSE, error))
    {
      g_clear_object (&li->socket);
      return FALSE;
    }
  g_socket_set_blocking (li->socket, FALSE);
  li->got = g_string_new (NULL);
  return TRUE;
}

static void
listener_drain (Listener *li)
{
  char buf[65536];
  gssize n;
  while ((n = g_socket_receive (li->socket, buf, sizeof buf, NULL, NULL)) > 0)
    {
      g_string_append_len (li->got, buf, n);
      g_string_append_c (li->got, '\n');
    }
}

static void
listener_clear (Listener *li)
{
  g_clear_object (&li->socket);
  if (li->got != NULL)
    g_string_free (li->got, TRUE);
}

static Listener *current_listener;

static gboolean
listener_has_both (Fixture *f)
{
  listener_drain (current_listener);
  return strstr (current_listener->got->str, "running on spool") != NULL
         && strstr (current_listener->got->str, "[message] dead-letter: default/") != NULL;
}

/* --log=syslog through syslog(3) to /dev/log, for real: the test stands
 * in for the syslog daemon when none runs and it may create /dev/log. */
static void
test_log_syslog (Fixture *f, gconstpointer data)
{
  Listener li = { 0 };
  g_autoptr(GError) error = NULL;
  if (!listen_at (&li, "/dev/log", &error))
    {
      g_autofree char *why = g_strdup_printf ("cannot listen on /dev/log in place of a syslog "
                                              "daemon (%s)", error->message);
      g_test_skip (why);
      return;
    }
  write_config (f, "blacklist-countries = GB\n");
  f->daemon = start_daemon_with (f, G_SUBPROCESS_FLAGS_STDERR_PIPE, "syslog", NULL);
  g_assert_true (wait_for (bound, f, 15));
  drop_message (f, "+447400123456", "blacklisted, dead at once");
  current_listener = &li;
  gboolean ok = wait_for (listener_has_both, f, 15);
  g_unlink ("/dev/log");
  if (!ok)
    g_error ("syslog got: '%s'", li.got->str);
  /* "<30>Dec  4 15:10:00 sms-router[PID]: ...": daemon facility, info */
  g_autofree char *tag = g_strdup_printf ("sms-router[%s]: [message] dead-letter",
                                          g_subprocess_get_identifier (f->daemon));
  g_assert_nonnull (strstr (li.got->str, tag));
  g_assert_nonnull (strstr (li.got->str, "<30>"));
  drain_log (f);
  g_assert_null (strstr (f->log->str, "running on spool"));   /* not on stderr too */
  listener_clear (&li);
}

/* --log=journal through the journal's native protocol.  The daemon runs in a
 * private mount namespace where the test's socket stands at journald's path
 * (/run/systemd/journal/socket), so a real journald is never touched. */
static void
test_log_journal (Fixture *f, gconstpointer data)
{
  if (getuid () != 0 || g_find_program_in_path ("unshare") == NULL)
    {
      g_test_skip ("needs root and unshare(1) to put a socket at journald's path privately");
      return;
    }
  g_autofree char *sock = g_build_filename (f->dir, "journal.socket", NULL);
  Listener li = { 0 };
  g_autoptr(GError) error = NULL;
  g_assert_true (listen_at (&li, sock, &error));
  const char *wrapper[] = {
    "unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
    "mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/journal"
    " && : > /run/systemd/journal/socket && mount --bind \"$0\" /run/systemd/journal/socket"
    " && exec \"$@\"", sock, NULL
  };
  write_config (f, "blacklist-countries = GB\n");
  f->daemon = start_daemon_with (f, G_SUBPROCESS_FLAGS_STDERR_PIPE, "journal", wrapper);
  if (!wait_for (bound, f, 15))
    {
      drain_log (f);
      g_autofree char *why = g_strdup_printf ("no private mount namespace here: %s", f->log->str);
      g_test_skip (why);
      listener_clear (&li);
      return;
    }
  drop_message (f, "+447400123456", "blacklisted, dead at once");
  current_listener = &li;
  if (!wait_for (listener_has_both, f, 15))
    g_error ("the journal socket got: '%s'", li.got->str);
  g_assert_nonnull (strstr (li.got->str, "SR_SCOPE=message\n"));
  g_assert_nonnull (strstr (li.got->str, "SR_KIND=dead-letter\n"));
  g_assert_nonnull (strstr (li.got->str, "PRIORITY=6\n"));
  g_assert_nonnull (strstr (li.got->str, "GLIB_DOMAIN=sms-router\n"));
  drain_log (f);
  g_assert_null (strstr (f->log->str, "running on spool"));
  listener_clear (&li);
}

/* A bad destination is a usage error, before anything starts. */
static void
test_log_bad (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "no-such-dir", "router.log", NULL);
  f->daemon = start_daemon_with (f, G_SUBPROCESS_FLAGS_STDERR_PIPE, path, NULL);
  g_assert_true (g_subprocess_wait (f->daemon, NULL, NULL));
  g_assert_cmpint (g_subprocess_get_exit_status (f->daemon), ==, 2);
  drain_log (f);
  g_assert_nonnull (strstr (f->log->str, "cannot open the log file"));
  g_clear_object (&f->daemon);

  write_config (f, "[router]\nlog = router.log\n");
  f->daemon = start_daemon_with (f, G_SUBPROCESS_FLAGS_STDERR_PIPE, NULL, NULL);
  g_assert_true (g_subprocess_wait (f->daemon, NULL, NULL));
  g_assert_cmpint (g_subprocess_get_exit_status (f->daemon), ==, 2);
  g_string_truncate (f->log, 0);
  drain_log (f);
  g_assert_nonnull (strstr (f->log->str, "[router] log: 'router.log' is not"));
  g_clear_object (&f->daemon);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/daemon/lock-and-pidfile", Fixture, NULL, fixture_setup, test_lock_and_pidfile, fixture_teardown);
  g_test_add ("/daemon/refuses-linked-folder", Fixture, NULL, fixture_setup, test_refuses_linked_folder, fixture_teardown);
  g_test_add ("/daemon/sigterm-no-message-lost", Fixture, NULL, fixture_setup, test_sigterm_no_message_lost, fixture_teardown);
  g_test_add ("/daemon/reload", Fixture, NULL, fixture_setup, test_reload, fixture_teardown);
  g_test_add ("/daemon/message-events-logged", Fixture, NULL, fixture_setup, test_message_events_logged, fixture_teardown);
  g_test_add ("/daemon/log/auto-stderr", Fixture, NULL, fixture_setup, test_log_auto_stderr, fixture_teardown);
  g_test_add ("/daemon/log/file-reopen", Fixture, NULL, fixture_setup, test_log_file_reopen, fixture_teardown);
  g_test_add ("/daemon/log/syslog", Fixture, NULL, fixture_setup, test_log_syslog, fixture_teardown);
  g_test_add ("/daemon/log/journal", Fixture, NULL, fixture_setup, test_log_journal, fixture_teardown);
  g_test_add ("/daemon/log/bad", Fixture, NULL, fixture_setup, test_log_bad, fixture_teardown);
  return g_test_run ();
}
