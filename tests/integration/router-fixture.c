/* router-fixture.c — see router-fixture.h. */
#include "router-fixture.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "sr-config.h"

static void
event_cb (SrRouter *router, SrScope scope, const char *kind, const char *text, gpointer user_data)
{
  RouterFixture *fx = user_data;

  g_ptr_array_add (fx->events, g_strdup_printf ("%s: %s", kind, text));
}

void
router_fixture_setup_no_start (RouterFixture *fx, const char *const *sim_args,
                               const char *router_extra, const char *smpp_extra,
                               const char *app_extra, const char *policy_extra)
{
  g_autoptr(GError) error = NULL;
  char *text;

  memset (fx, 0, sizeof *fx);
  fx->dir = g_dir_make_tmp ("sr-router-XXXXXX", &error);
  g_assert_no_error (error);
  fx->spool = g_build_filename (fx->dir, "spool", NULL);
  fx->events = g_ptr_array_new_with_free_func (g_free);
  fx->sim = sr_test_sim_start (sim_args, &error);
  g_assert_no_error (error);

  text = g_strdup_printf ("[router]\n"
                          "spool = %s\n"
                          "region = CH\n"
                          "rescan-interval = 1\n"
                          "retry-delay = 1\n"
                          "%s\n"
                          "[smpp:main]\n"
                          "host = 127.0.0.1\n"
                          "port = %u\n"
                          "system-id = router\n"
                          "password = secret\n"
                          "reconnect-max = 2\n"
                          "%s\n"
                          "[app:default]\n"
                          "region = CH\n"
                          "from = +41791234560\n"
                          "%s\n"
                          "[policy]\n"
                          "%s\n",
                          fx->spool, router_extra ? router_extra : "",
                          sr_test_sim_port (fx->sim), smpp_extra ? smpp_extra : "",
                          app_extra ? app_extra : "", policy_extra ? policy_extra : "");
  fx->config_text = text;
  router_fixture_new_router (fx);
}

void
router_fixture_new_router (RouterFixture *fx)
{
  g_autoptr(GError) error = NULL;
  SrConfig *config;

  g_assert_null (fx->router);
  config = sr_config_load_data (fx->config_text, strlen (fx->config_text), "test", &error);
  g_assert_no_error (error);
  fx->router = sr_router_new (config, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fx->router);
  sr_router_set_event_func (fx->router, event_cb, fx);
}

void
router_fixture_start (RouterFixture *fx)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sr_router_start (fx->router, &error));
  g_assert_no_error (error);
}

void
router_fixture_setup (RouterFixture *fx, const char *const *sim_args,
                      const char *router_extra, const char *smpp_extra,
                      const char *app_extra, const char *policy_extra)
{
  router_fixture_setup_no_start (fx, sim_args, router_extra, smpp_extra, app_extra, policy_extra);
  router_fixture_start (fx);
}

static void
stopped_cb (SrRouter *router, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

void
router_fixture_stop_router (RouterFixture *fx)
{
  gboolean stopped = FALSE;
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  if (fx->router == NULL)
    return;
  sr_router_stop (fx->router, stopped_cb, &stopped);
  while (!stopped && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (stopped);
  g_clear_pointer (&fx->router, sr_router_free);
}

static void
rm_rf (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) en = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                             G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                                             NULL, NULL);
  GFileInfo *info;

  while (en && (info = g_file_enumerator_next_file (en, NULL, NULL)))
    {
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        rm_rf (child);
      else
        g_unlink (child);
      g_object_unref (info);
    }
  g_rmdir (path);
}

void
router_fixture_teardown (RouterFixture *fx)
{
  router_fixture_stop_router (fx);
  g_clear_pointer (&fx->sim, sr_test_sim_free);
  rm_rf (fx->dir);
  g_free (fx->dir);
  g_free (fx->spool);
  g_free (fx->config_text);
  g_ptr_array_unref (fx->events);
}

char *
router_fixture_drop (RouterFixture *fx, const char *content)
{
  g_autoptr(GError) error = NULL;
  char *name = NULL;
  SrSpool *spool = sr_router_get_spool (fx->router);

  g_assert_true (sr_spool_deliver (spool, "default", SR_SPOOL_BOX_OUTBOX, content,
                                   strlen (content), SR_SPOOL_NONE, &name, &error));
  g_assert_no_error (error);
  return name;
}

/* g_ptr_array_sort() hands over pointers to the elements. */
static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static GPtrArray *
list_folder (RouterFixture *fx, SrSpoolFolder folder)
{
  g_autofree char *path = NULL;
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = NULL;
  const char *n;
  g_autoptr(SrSpool) spool = NULL;
  const char *apps[] = { "default", NULL };

  /* A second handle: the router's may be gone (after a stop). */
  spool = sr_spool_open (fx->spool, apps, NULL);
  g_assert_nonnull (spool);
  path = sr_spool_get_path (spool, "default", folder, NULL);
  dir = g_dir_open (path, 0, NULL);
  while (dir && (n = g_dir_read_name (dir)))
    if (n[0] != '.')
      g_ptr_array_add (names, g_build_filename (path, n, NULL));
  g_ptr_array_sort (names, compare_names);
  return names;
}

guint
router_fixture_count (RouterFixture *fx, SrSpoolFolder folder)
{
  g_autoptr(GPtrArray) names = list_folder (fx, folder);

  return names->len;
}

void
router_fixture_run (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (!g_main_context_pending (NULL))
        g_usleep (1000);
      g_main_context_iteration (NULL, FALSE);
    }
}

gboolean
router_fixture_wait_count (RouterFixture *fx, SrSpoolFolder folder, guint n, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (router_fixture_count (fx, folder) >= n)
        return TRUE;
      router_fixture_run (20);
    }
  return router_fixture_count (fx, folder) >= n;
}

GPtrArray *
router_fixture_read_all (RouterFixture *fx, SrSpoolFolder folder)
{
  g_autoptr(GPtrArray) names = list_folder (fx, folder);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < names->len; i++)
    {
      char *data = NULL;

      g_assert_true (g_file_get_contents (g_ptr_array_index (names, i), &data, NULL, NULL));
      g_ptr_array_add (out, data);
    }
  return out;
}

char *
router_fixture_header (const char *file, const char *name)
{
  g_auto(GStrv) lines = g_strsplit (file, "\n", -1);
  gsize nlen = strlen (name);

  for (char **l = lines; *l && **l; l++)
    if (g_ascii_strncasecmp (*l, name, nlen) == 0 && (*l)[nlen] == ':')
      return g_strstrip (g_strdup (*l + nlen + 1));
  return NULL;
}

static const char *const *expected_warnings;

static gboolean
is_expected_warning (const char *message)
{
  for (guint i = 0; expected_warnings && expected_warnings[i]; i++)
    if (strstr (message, expected_warnings[i]))
      return TRUE;
  return FALSE;
}

static gboolean
fatal_unless_expected (const char *domain, GLogLevelFlags level, const char *message,
                       gpointer user_data)
{
  return !(level & G_LOG_LEVEL_WARNING) || !is_expected_warning (message);
}

static void
log_expected (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  if (is_expected_warning (message))
    g_test_message ("expected warning: %s", message);
  else
    g_log_default_handler (domain, level, message, data);
}

void
router_fixture_expect_warnings (const char *domain, const char *const *needles)
{
  expected_warnings = needles;
  g_test_log_set_fatal_handler (fatal_unless_expected, NULL);
  g_log_set_handler (domain, G_LOG_LEVEL_WARNING | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
                     log_expected, NULL);
}

gboolean
router_fixture_private_mounts (void)
{
  return unshare (CLONE_NEWNS) == 0 && mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0;
}

void
router_fixture_mount_tmpfs (RouterFixture *fx, const char *sub, const char *size)
{
  g_autofree char *dir = g_build_filename (fx->spool, sub, NULL);
  g_autofree char *options = g_strdup_printf ("size=%s,mode=0770", size);

  g_clear_pointer (&fx->router, sr_router_free);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0770), ==, 0);
  g_assert_cmpint (mount ("tmpfs", dir, "tmpfs", 0, options), ==, 0);
  router_fixture_new_router (fx);
}

char *
router_fixture_fill (const char *dir)
{
  char *filler = g_build_filename (dir, "filler", NULL);
  static const char zeros[4096];
  int fd = open (filler, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  g_assert_cmpint (fd, >=, 0);
  for (;;)
    {
      ssize_t w = write (fd, zeros, sizeof zeros);

      if (w < 0)
        {
          g_assert_cmpint (errno, ==, ENOSPC);
          break;
        }
    }
  close (fd);
  return filler;
}

void
router_fixture_unmount (RouterFixture *fx, const char *sub)
{
  g_autofree char *dir = g_build_filename (fx->spool, sub, NULL);

  router_fixture_stop_router (fx);
  g_assert_cmpint (umount2 (dir, MNT_DETACH), ==, 0);
}
