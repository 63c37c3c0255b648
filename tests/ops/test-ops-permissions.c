/* test-ops-permissions.c — the permission model with the real daemon: the
 * modes of the folders and files it creates, an application user reaching
 * its own folder through its group alone, the control socket's own group,
 * and the control-users allow list checked by peer credentials.  Other
 * users are played by forked children that switch to nobody or daemon, so
 * the tests need root; they skip otherwise. */
#include "sr-test-process.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* What a child playing another user reports. */
enum {
  TRY_OK = 0,
  TRY_CLOSED = 1,            /* connected, but the router closed without an answer */
  TRY_DENIED = 2,            /* EACCES / EPERM */
  TRY_OTHER = 3,
};

/* One daemon under test and its files. */
typedef struct {
  char *dir;
  char *spool;
  char *config;
  char *socket;
  GSubprocess *daemon;
  GString *log;
} Fixture;

/* The request "overview" as the console sends it, framed. */
static GBytes *overview_frame;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("sr-perm-XXXXXX", NULL);
  g_assert_cmpint (g_chmod (f->dir, 0711), ==, 0);   /* the spool's parent, as /var/spool */
  f->spool = g_build_filename (f->dir, "spool", NULL);
  f->config = g_build_filename (f->dir, "sms-router.conf", NULL);
  f->socket = g_build_filename (f->spool, "router", "control", NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  if (f->daemon != NULL)
    {
      g_subprocess_send_signal (f->daemon, SIGTERM);
      g_subprocess_wait (f->daemon, NULL, NULL);
      g_object_unref (f->daemon);
    }
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
  g_free (f->spool);
  g_free (f->config);
  g_free (f->socket);
  if (f->log != NULL)
    g_string_free (f->log, TRUE);
}

static void
drain_log (Fixture *f)
{
  if (f->log == NULL)
    f->log = g_string_new (NULL);
  sr_test_process_drain_stderr (f->daemon, f->log);
}

/* Starts the daemon with @router_keys in [router]; the SMSC is unreachable
 * (the daemon keeps running and retries), which is all these tests need. */
static void
start_daemon (Fixture *f, const char *router_keys)
{
  g_autofree char *text = g_strdup_printf (
    "[router]\nspool = %s\nregion = CH\n%s"
    "[smpp:none]\nhost = 127.0.0.1\nport = 1\nsystem-id = router\npassword = secret\n"
    "[app:billing]\nfrom = +41791234567\n", f->spool, router_keys);
  g_assert_true (g_file_set_contents (f->config, text, -1, NULL));
  g_assert_cmpint (g_chmod (f->config, 0600), ==, 0);
  g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (l, sr_test_process_die_with_parent, NULL, NULL);
  g_autoptr(GError) error = NULL;
  f->daemon = g_subprocess_launcher_spawn (l, &error, g_getenv ("SR_ROUTER"), "--daemon",
                                           "--log=stderr", "--config", f->config, NULL);
  g_assert_no_error (error);
  gint64 end = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  while (!g_file_test (f->socket, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < end)
    g_usleep (20000);
  g_assert_true (g_file_test (f->socket, G_FILE_TEST_EXISTS));
  g_usleep (200000);   /* the group is given right after the socket is made */
}

static void
assert_mode (const char *path, mode_t want)
{
  GStatBuf st;
  g_assert_cmpint (g_lstat (path, &st), ==, 0);
  if ((st.st_mode & 07777) != want)
    g_error ("%s has mode %04o, expected %04o", path, st.st_mode & 07777, want);
}

/* ---- children playing other users --------------------------------------- */

typedef int (*TryFunc) (const char *path);

static int
errno_result (void)
{
  return errno == EACCES || errno == EPERM ? TRY_DENIED : TRY_OTHER;
}

/* Connects to the control socket and asks for the overview. */
static int
try_control (const char *path)
{
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  g_strlcpy (sa.sun_path, path, sizeof sa.sun_path);
  if (fd < 0 || connect (fd, (struct sockaddr *) &sa, sizeof sa) < 0)
    return errno_result ();
  gsize len;
  const char *frame = g_bytes_get_data (overview_frame, &len);
  if (send (fd, frame, len, MSG_NOSIGNAL) != (gssize) len)
    return TRY_CLOSED;
  struct pollfd p = { .fd = fd, .events = POLLIN };
  if (poll (&p, 1, 10000) != 1)
    return TRY_OTHER;
  char buf[4];
  gssize n = recv (fd, buf, sizeof buf, 0);
  return n == (gssize) sizeof buf ? TRY_OK : TRY_CLOSED;
}

/* Writes a message the maildir way into an app folder. */
static int
try_app_write (const char *app_dir)
{
  g_autofree char *tmp = g_build_filename (app_dir, "outbox", "tmp", "1.child.test", NULL);
  g_autofree char *dst = g_build_filename (app_dir, "outbox", "new", "1.child.test", NULL);
  int fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0660);
  if (fd < 0)
    return errno_result ();
  const char text[] = "To: +41791234567\n\nfrom the app's own user\n";
  gboolean ok = write (fd, text, sizeof text - 1) == sizeof text - 1;
  close (fd);
  if (!ok || rename (tmp, dst) < 0)
    return errno_result ();
  return TRY_OK;
}

static int
try_read (const char *path)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return errno_result ();
  close (fd);
  return TRY_OK;
}

static int
try_list (const char *dir)
{
  DIR *d = opendir (dir);
  if (d == NULL)
    return errno_result ();
  closedir (d);
  return TRY_OK;
}

/* Runs @fn (@path) in a child as @user with @group as its only group. */
static int
as_user (const char *user, const char *group, TryFunc fn, const char *path)
{
  struct passwd *pw = getpwnam (user);
  struct group *gr = getgrnam (group);
  g_assert_nonnull (pw);
  g_assert_nonnull (gr);
  uid_t uid = pw->pw_uid;
  gid_t gid = gr->gr_gid;
  pid_t pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      if (setgroups (1, &gid) < 0 || setgid (gid) < 0 || setuid (uid) < 0)
        _exit (99);
      _exit (fn (path));
    }
  int status = 0;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), !=, 99);
  return WEXITSTATUS (status);
}

static gboolean
need_root (void)
{
  if (getuid () == 0 && getpwnam ("nobody") != NULL && getpwnam ("daemon") != NULL
      && getgrnam ("nogroup") != NULL)
    return TRUE;
  g_test_skip ("needs root and the users nobody and daemon and the group nogroup "
               "to act as other users");
  return FALSE;
}

/* ---- tests ----------------------------------------------------------------- */

static void
test_modes (Fixture *f, gconstpointer data)
{
  if (!need_root ())
    return;
  start_daemon (f, "control-group = nogroup\n");
  g_autofree char *apps = g_build_filename (f->spool, "apps", NULL);
  g_autofree char *router = g_build_filename (f->spool, "router", NULL);
  g_autofree char *app = g_build_filename (apps, "billing", NULL);
  g_autofree char *outbox_new = g_build_filename (app, "outbox", "new", NULL);
  g_autofree char *receipts_new = g_build_filename (app, "receipts", "new", NULL);
  g_autofree char *journal = g_build_filename (router, "journal.db", NULL);
  g_autofree char *wal = g_build_filename (router, "journal.db-wal", NULL);
  g_autofree char *lock = g_build_filename (router, "lock", NULL);
  assert_mode (f->spool, 0711);
  assert_mode (apps, 0711);
  assert_mode (router, 0711);
  assert_mode (app, 02770);
  assert_mode (outbox_new, 02770);
  assert_mode (receipts_new, 02770);
  assert_mode (journal, 0600);
  if (g_file_test (wal, G_FILE_TEST_EXISTS))
    assert_mode (wal, 0600);
  assert_mode (lock, 0644);
  GStatBuf st;
  g_assert_cmpint (g_lstat (f->socket, &st), ==, 0);
  g_assert_true (S_ISSOCK (st.st_mode));
  g_assert_cmpint (st.st_mode & 07777, ==, 0660);
  g_assert_cmpint (st.st_gid, ==, getgrnam ("nogroup")->gr_gid);

  /* the operator gives the app's folder to its group: nobody:nogroup plays
   * the app's user, in the app's group only, not in the router's */
  g_autofree char *chgrp = g_strdup_printf ("chgrp -R nogroup '%s'", app);
  g_assert_cmpint (system (chgrp), ==, 0);
  g_assert_cmpint (as_user ("nobody", "nogroup", try_app_write, app), ==, TRY_OK);
  /* and it sees nothing else: not the spool's list, the journal, the router's folder */
  g_assert_cmpint (as_user ("nobody", "nogroup", try_list, f->spool), ==, TRY_DENIED);
  g_assert_cmpint (as_user ("nobody", "nogroup", try_list, apps), ==, TRY_DENIED);
  g_assert_cmpint (as_user ("nobody", "nogroup", try_list, router), ==, TRY_DENIED);
  g_assert_cmpint (as_user ("nobody", "nogroup", try_read, journal), ==, TRY_DENIED);
  g_assert_cmpint (as_user ("nobody", "nogroup", try_read, f->config), ==, TRY_DENIED);
  /* another app's user cannot reach this app's folder */
  g_assert_cmpint (as_user ("daemon", "daemon", try_app_write, app), ==, TRY_DENIED);

  /* the control socket: its group may connect, other users may not */
  g_assert_cmpint (as_user ("nobody", "nogroup", try_control, f->socket), ==, TRY_OK);
  g_assert_cmpint (as_user ("daemon", "daemon", try_control, f->socket), ==, TRY_DENIED);
}

/* control-users: the kernel's peer credentials decide, not only the group. */
static void
test_allow_list (Fixture *f, gconstpointer data)
{
  if (!need_root ())
    return;
  start_daemon (f, "control-group = nogroup\ncontrol-users = daemon; operator-2\n");
  /* nobody may open the socket (group nogroup) but is not on the list */
  g_assert_cmpint (as_user ("nobody", "nogroup", try_control, f->socket), ==, TRY_CLOSED);
  /* daemon, given the socket's group, is on the list */
  g_assert_cmpint (as_user ("daemon", "nogroup", try_control, f->socket), ==, TRY_OK);
  /* root always */
  g_assert_cmpint (try_control (f->socket), ==, TRY_OK);
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  do
    drain_log (f);
  while (strstr (f->log->str, "nobody is not in [router] control-users") == NULL
         && g_get_monotonic_time () < end && (g_usleep (20000), TRUE));
  if (strstr (f->log->str, "nobody is not in [router] control-users; connection refused") == NULL)
    g_error ("the refusal is not logged: %s", f->log->str);
}

/* A control-group that does not exist fails closed: mode 0600 and a warning. */
static void
test_missing_group (Fixture *f, gconstpointer data)
{
  if (!need_root ())
    return;
  start_daemon (f, "control-group = sr-no-such-group\n");
  assert_mode (f->socket, 0600);
  g_assert_cmpint (as_user ("nobody", "nogroup", try_control, f->socket), ==, TRY_DENIED);
  drain_log (f);
  if (strstr (f->log->str, "the group sr-no-such-group ([router] control-group) does not exist") == NULL)
    g_error ("no warning about the missing group: %s", f->log->str);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  GVariant *req = g_variant_ref_sink (g_variant_new ("(sv)", "overview", g_variant_new_tuple (NULL, 0)));
  gsize len = g_variant_get_size (req);
  guint8 *buf = g_malloc (len + 4);
  guint32 be = GUINT32_TO_BE ((guint32) len);
  memcpy (buf, &be, 4);
  memcpy (buf + 4, g_variant_get_data (req), len);
  overview_frame = g_bytes_new_take (buf, len + 4);
  g_variant_unref (req);
  g_test_add ("/ops/permissions/modes", Fixture, NULL, fixture_setup, test_modes, fixture_teardown);
  g_test_add ("/ops/permissions/allow-list", Fixture, NULL, fixture_setup, test_allow_list, fixture_teardown);
  g_test_add ("/ops/permissions/missing-group", Fixture, NULL, fixture_setup, test_missing_group, fixture_teardown);
  int status = g_test_run ();
  g_bytes_unref (overview_frame);
  return status;
}
