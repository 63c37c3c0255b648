/* test-router-crash.c — kill -9 in mid-stream and restart: every message
 * ends in exactly one of sent/ or dead/, and duplicates stay within the
 * window.  Also a load run that reports the engine's rate.
 *
 * The router runs in a subprocess (g_test_trap_subprocess) that is killed
 * with SIGKILL when its time is up: a crash at an arbitrary moment. */
#include <glib/gstdio.h>
#include <string.h>

#include "router-fixture.h"
#include "sr-config.h"

#define WINDOW 10

static SrConfig *
load_config (const char *spool, guint16 port)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("[router]\nspool = %s\nregion = CH\n"
                                           "[smpp:main]\nhost = 127.0.0.1\nport = %u\n"
                                           "system-id = router\npassword = secret\nwindow = %u\n"
                                           "[app:default]\nregion = CH\nfrom = +41791234560\n"
                                           "[policy]\nmax-per-destination-hour = 0\n"
                                           "max-per-destination-day = 0\n",
                                           spool, port, WINDOW);
  SrConfig *config = sr_config_load_data (text, strlen (text), "test", &error);

  g_assert_no_error (error);
  return config;
}

/* The child: a router that runs until it is killed. */
static void
child_router (void)
{
  const char *spool = g_getenv ("SR_CRASH_SPOOL");
  guint16 port = (guint16) atoi (g_getenv ("SR_CRASH_PORT") ? g_getenv ("SR_CRASH_PORT") : "0");
  g_autoptr(GError) error = NULL;
  SrRouter *router;

  if (!g_test_subprocess ())
    {
      g_test_skip ("runs inside /router/crash/kill9");
      return;
    }
  router = sr_router_new (load_config (spool, port), NULL, &error);

  g_assert_no_error (error);
  g_assert_true (sr_router_start (router, &error));
  for (;;)
    g_main_context_iteration (NULL, TRUE);
}

static void
drop_files (const char *spool_dir, guint n, GHashTable *refs)
{
  const char *apps[] = { "default", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(SrSpool) spool = sr_spool_open (spool_dir, apps, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *file = g_strdup_printf ("To: +4179%07u\nReference: r-%u\n\nMessage %u\n",
                                               1000000 + i, i, i);

      g_assert_true (sr_spool_deliver (spool, "default", SR_SPOOL_BOX_OUTBOX, file, strlen (file),
                                       SR_SPOOL_NONE, NULL, &error));
      if (refs)
        g_hash_table_add (refs, g_strdup_printf ("r-%u", i));
    }
}

static guint
count_dir (const char *spool, const char *sub)
{
  g_autofree char *path = g_build_filename (spool, "apps", "default", sub, NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *n;
  guint count = 0;

  while (dir && (n = g_dir_read_name (dir)))
    if (n[0] != '.')
      count++;
  return count;
}

/* Each reference appears in exactly one file of sent/ and dead/. */
static void
check_exactly_once (const char *spool, GHashTable *refs)
{
  const char *subs[] = { "sent", "dead" };
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint s = 0; s < G_N_ELEMENTS (subs); s++)
    {
      g_autofree char *path = g_build_filename (spool, "apps", "default", subs[s], NULL);
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *n;

      while (dir && (n = g_dir_read_name (dir)))
        {
          g_autofree char *file = g_build_filename (path, n, NULL);
          g_autofree char *data = NULL;
          g_autofree char *ref = NULL;

          if (n[0] == '.')
            continue;
          g_assert_true (g_file_get_contents (file, &data, NULL, NULL));
          ref = router_fixture_header (data, "Reference");
          g_assert_nonnull (ref);
          g_assert_true (g_hash_table_contains (refs, ref));
          g_assert_false (g_hash_table_contains (seen, ref));
          g_hash_table_add (seen, g_steal_pointer (&ref));
        }
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, g_hash_table_size (refs));
}

static void
test_kill9 (void)
{
  const guint n = 3000;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sr-crash-XXXXXX", &error);
  g_autofree char *spool = g_build_filename (dir, "spool", NULL);
  g_autofree char *port = NULL;
  g_autoptr(GHashTable) refs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *sim_args[] = { "--delay-ms", "2", NULL };
  g_autoptr(SrTestSim) sim = sr_test_sim_start (sim_args, &error);
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GPtrArray) submits = NULL;
  SrRouter *router;
  gint64 end;
  guint kills = 0;

  g_assert_no_error (error);
  drop_files (spool, n, refs);
  port = g_strdup_printf ("%u", sr_test_sim_port (sim));
  g_setenv ("SR_CRASH_SPOOL", spool, TRUE);
  g_setenv ("SR_CRASH_PORT", port, TRUE);

  /* Two crashes in mid-stream. */
  for (guint round = 0; round < 2; round++)
    {
      g_test_trap_subprocess ("/router/crash/kill9/child", 400 * 1000,
                              G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_assert_false (g_test_trap_has_passed ());
      kills++;
      g_test_message ("after kill %u: sent %u, dead %u, cur %u, new %u", kills,
                      count_dir (spool, "sent"), count_dir (spool, "dead"),
                      count_dir (spool, "outbox/cur"), count_dir (spool, "outbox/new"));
    }
  g_assert_cmpuint (count_dir (spool, "sent"), <, n);

  router = sr_router_new (load_config (spool, sr_test_sim_port (sim)), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (sr_router_start (router, &error));
  end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (count_dir (spool, "sent") + count_dir (spool, "dead") < n
         && g_get_monotonic_time () < end)
    router_fixture_run (50);
  router_fixture_run (100);
  sr_router_free (router);

  g_assert_cmpuint (count_dir (spool, "outbox/new"), ==, 0);
  g_assert_cmpuint (count_dir (spool, "outbox/cur"), ==, 0);
  g_assert_cmpuint (count_dir (spool, "dead"), ==, 0);
  check_exactly_once (spool, refs);

  /* Resent after a crash: at most the parts in flight (one window each). */
  log = sr_test_sim_read_log (sim);
  submits = sr_test_sim_log_filter (log, "in", "submit_sm");
  g_test_message ("%u submits for %u messages", submits->len, n);
  g_assert_cmpuint (submits->len, >=, n);
  g_assert_cmpuint (submits->len, <=, n + kills * WINDOW);

  g_unsetenv ("SR_CRASH_SPOOL");
  g_unsetenv ("SR_CRASH_PORT");
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);

    g_assert_cmpint (system (cmd), ==, 0);
  }
}

/* Messages per second through the whole engine (files in, files in sent/). */
static void
test_load (void)
{
  const char *env = g_getenv ("SR_ROUTER_LOAD");
  guint n = env ? (guint) atoi (env) : 5000;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sr-load-XXXXXX", &error);
  g_autofree char *spool = g_build_filename (dir, "spool", NULL);
  const char *sim_args[] = { "--no-log", NULL };
  g_autoptr(SrTestSim) sim = sr_test_sim_start (sim_args, &error);
  SrRouter *router;
  SrConfig *config;
  gint64 start, end, deadline;
  guint sent = 0;

  g_assert_no_error (error);
  drop_files (spool, n, NULL);
  config = load_config (spool, sr_test_sim_port (sim));
  ((SrProviderConfig *) g_ptr_array_index (config->providers, 0))->window = 100;
  config->report = FALSE;
  router = sr_router_new (config, NULL, &error);
  g_assert_no_error (error);
  start = g_get_monotonic_time ();
  g_assert_true (sr_router_start (router, &error));
  deadline = start + 60 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      SrRouterStatus st;

      g_main_context_iteration (NULL, TRUE);
      sr_router_get_status (router, &st);
      sent = st.total_out;
      sr_router_status_clear (&st);
      if (sent >= n && count_dir (spool, "outbox/cur") == 0)
        break;
    }
  end = g_get_monotonic_time ();
  g_test_message ("%u messages in %.2f s: %.0f messages/s end to end",
                  n, (end - start) / 1e6, n / ((end - start) / 1e6));
  g_assert_cmpuint (sent, ==, n);
  g_assert_cmpuint (count_dir (spool, "sent"), ==, n);
  sr_router_free (router);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);

    g_assert_cmpint (system (cmd), ==, 0);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/router/crash/kill9", test_kill9);
  g_test_add_func ("/router/crash/kill9/child", child_router);
  g_test_add_func ("/router/load", test_load);
  return g_test_run ();
}
