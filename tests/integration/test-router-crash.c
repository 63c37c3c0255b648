/* test-router-crash.c — the durability promise under kill -9.
 *
 * A campaign against the real `sms-router --daemon` and the simulator
 * binary: thousands of messages (a tenth of them in several parts, some
 * refused by the SMSC, receipts on) while the daemon is killed with SIGKILL
 * at random moments — while it starts, while it sends, and while it drains
 * after a SIGTERM — and restarted each time.  At the end every message is
 * exactly one file in sent/ or dead/ with a journal row saying so, and the
 * parts the SMSC received again are within one window per crash.
 *
 * The moments come from a seeded generator; the seed is printed, and
 * SR_CRASH_SEED=N replays the same schedule (SR_CRASH_MESSAGES changes the
 * number of messages).  Also a load run that reports the engine's rate. */
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "router-fixture.h"
#include "sr-config.h"
#include "sr-journal.h"

#define WINDOW 10
/* At least this many SIGKILLs, and this many of each kind. */
#define MIN_KILLS 12
#define MIN_PER_KIND 3
#define MAX_LIVES 30
#define APP "default"

/* When a life of the daemon ends. */
typedef enum {
  KILL_STARTING,     /* at a random moment after the spawn, bound or not */
  KILL_SENDING,      /* after a random number of submits */
  KILL_STOPPING,     /* SIGTERM, then SIGKILL a few ms later, while it drains */
  N_KILL_KINDS,
} KillKind;

static const char *const kill_names[N_KILL_KINDS] = { "starting", "sending", "stopping" };

/* The campaign's world. */
typedef struct {
  char *dir;
  char *spool;
  char *config;
  SrTestSim *sim;
  SrSpool *writer;           /* the applications' side of the spool */
  GSubprocess *daemon;
  GRand *rand;
  guint n;                   /* messages in all */
  guint dropped;             /* messages 0 .. dropped-1 are in the spool */
  GArray *life_end;          /* gint64: the simulator's connection count when life i ended */
  guint kills[N_KILL_KINDS];
  guint kills_unbound;       /* KILL_STARTING before the bind */
  guint stops_clean;         /* KILL_STOPPING that finished before the SIGKILL */
} Campaign;

/* Message @i: its parts (every tenth is long), and whether the SMSC
 * refuses it (every fiftieth goes to a prefix the simulator rejects). */
static guint
message_parts (guint i)
{
  return i % 20 == 3 ? 2 : i % 20 == 13 ? 3 : 1;
}

/* Where the simulator refuses: ESME_RINVDSTADR, a dead letter. */
#define REFUSED_PREFIX "41798"

static gboolean
message_refused (guint i)
{
  return i % 50 == 7;
}

/* Its destination, as the SMSC sees it (no '+'): unique per message. */
static char *
message_destination (guint i)
{
  return g_strdup_printf ("4179%07u", (message_refused (i) ? 8000000 : 1000000) + i);
}

static void
drop_messages (Campaign *c, guint count)
{
  g_autoptr(GError) error = NULL;

  for (guint end = MIN (c->dropped + count, c->n); c->dropped < end; c->dropped++)
    {
      guint i = c->dropped;
      g_autofree char *to = message_destination (i);
      g_autoptr(GString) file = g_string_new (NULL);

      g_string_append_printf (file, "To: +%s\nReference: c-%u\n\nMessage c-%u", to, i, i);
      /* 153 septets a part */
      while (file->len < 40 + (message_parts (i) - 1) * 153 + 20)
        g_string_append_printf (file, " and more of c-%u", i);
      g_string_append_c (file, '\n');
      g_assert_true (sr_spool_deliver (c->writer, APP, SR_SPOOL_BOX_OUTBOX, file->str, file->len,
                                       SR_SPOOL_NONE, NULL, &error));
      g_assert_no_error (error);
    }
}

static void
campaign_setup (Campaign *c)
{
  const char *sim_args[] = { "--delay-ms", "2", "--receipt-delay", "20",
                             "--reject-prefix", "+" REFUSED_PREFIX,
                             "--max-window", G_STRINGIFY (WINDOW),
                             "--deliver-retry-ms", "200", NULL };
  const char *apps[] = { APP, NULL };
  const char *env_seed = g_getenv ("SR_CRASH_SEED");
  const char *env_n = g_getenv ("SR_CRASH_MESSAGES");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint32 seed = env_seed ? (guint32) g_ascii_strtoull (env_seed, NULL, 10) : g_random_int ();

  memset (c, 0, sizeof *c);
  c->n = env_n ? (guint) atoi (env_n) : 5000;
  c->rand = g_rand_new_with_seed (seed);
  g_test_message ("seed %u (replay with SR_CRASH_SEED=%u), %u messages", seed, seed, c->n);
  c->life_end = g_array_new (FALSE, FALSE, sizeof (gint64));
  c->dir = g_dir_make_tmp ("sr-crash-XXXXXX", &error);
  g_assert_no_error (error);
  c->spool = g_build_filename (c->dir, "spool", NULL);
  c->config = g_build_filename (c->dir, "sms-router.conf", NULL);
  c->sim = sr_test_sim_start (sim_args, &error);
  g_assert_no_error (error);
  text = g_strdup_printf ("[router]\nspool = %s\nregion = CH\nrescan-interval = 1\n"
                          "[smpp:main]\nhost = 127.0.0.1\nport = %u\nsystem-id = router\n"
                          "password = secret\nwindow = %u\nthroughput = 0\nreconnect-max = 1\n"
                          "[app:" APP "]\nregion = CH\nfrom = +41791234560\n"
                          "[policy]\nmax-per-destination-hour = 0\nmax-per-destination-day = 0\n",
                          c->spool, sr_test_sim_port (c->sim), WINDOW);
  g_assert_true (g_file_set_contents (c->config, text, -1, NULL));
  g_assert_cmpint (g_chmod (c->config, 0600), ==, 0);
  c->writer = sr_spool_open (c->spool, apps, &error);
  g_assert_no_error (error);
}

static void
campaign_teardown (Campaign *c)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", c->dir);

  if (c->daemon != NULL)
    {
      g_subprocess_force_exit (c->daemon);
      g_subprocess_wait (c->daemon, NULL, NULL);
      g_clear_object (&c->daemon);
    }
  g_clear_pointer (&c->writer, sr_spool_free);
  g_clear_pointer (&c->sim, sr_test_sim_free);
  g_assert_cmpint (system (cmd), ==, 0);
  g_rand_free (c->rand);
  g_array_unref (c->life_end);
  g_free (c->dir);
  g_free (c->spool);
  g_free (c->config);
}

static void
spawn_daemon (Campaign *c)
{
  g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GError) error = NULL;

  g_assert_null (c->daemon);
  g_subprocess_launcher_setenv (l, "SR_LOG_STDERR", "1", TRUE);
  c->daemon = g_subprocess_launcher_spawn (l, &error, g_getenv ("SR_ROUTER"), "--daemon",
                                           "--config", c->config, NULL);
  g_assert_no_error (error);
}

/* Polls the simulator until counter @name reaches @at_least. */
static gboolean
wait_stat (Campaign *c, const char *name, gint64 at_least, guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (sr_test_sim_stat (c->sim, name) < at_least)
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_usleep (1000);
    }
  return TRUE;
}

/* Waits until the simulator has seen the daemon's connections close, and
 * records where this life's connections end. */
static void
end_life (Campaign *c)
{
  gint64 conns;
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (sr_test_sim_stat (c->sim, "connections_open") != 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_usleep (1000);
    }
  conns = sr_test_sim_stat (c->sim, "connections");
  g_array_append_val (c->life_end, conns);
}

/* SIGKILL; TRUE if that is how the daemon ended (FALSE: it had exited). */
static gboolean
kill_daemon (Campaign *c)
{
  g_autoptr(GError) error = NULL;
  gboolean killed;

  g_subprocess_send_signal (c->daemon, SIGKILL);
  g_assert_true (g_subprocess_wait (c->daemon, NULL, &error));
  g_assert_no_error (error);
  killed = g_subprocess_get_if_signaled (c->daemon)
           && g_subprocess_get_term_sig (c->daemon) == SIGKILL;
  if (!killed)
    {
      /* only a graceful stop may end it before the kill */
      g_assert_true (g_subprocess_get_if_exited (c->daemon));
      g_assert_cmpint (g_subprocess_get_exit_status (c->daemon), ==, 0);
    }
  g_clear_object (&c->daemon);
  end_life (c);
  return killed;
}

/* One life of the daemon that ends in a kill of @kind.  Returns whether
 * it was killed (a stop may finish first). */
static gboolean
run_life (Campaign *c, KillKind kind, guint batch)
{
  gint64 binds = sr_test_sim_stat (c->sim, "binds_ok");
  gint64 submits;
  gboolean killed;

  drop_messages (c, batch / 2);
  spawn_daemon (c);
  if (kind == KILL_STARTING)
    {
      /* start-up: opening the journal, recovering outbox/cur/, binding */
      g_usleep (g_rand_int_range (c->rand, 0, 400) * 1000);
      killed = kill_daemon (c);
      g_assert_true (killed);
      if (sr_test_sim_stat (c->sim, "binds_ok") == binds)
        c->kills_unbound++;
      drop_messages (c, batch - batch / 2);
      return TRUE;
    }
  g_assert_true (wait_stat (c, "binds_ok", binds + 1, 20000));
  drop_messages (c, batch - batch / 2);
  /* in mid-stream: after a random number of further submits */
  submits = sr_test_sim_stat (c->sim, "submits");
  wait_stat (c, "submits", submits + g_rand_int_range (c->rand, 1, batch + batch / 2), 3000);
  if (kind == KILL_STOPPING)
    {
      g_subprocess_send_signal (c->daemon, SIGTERM);
      g_usleep (g_rand_int_range (c->rand, 0, 30) * 1000);
    }
  killed = kill_daemon (c);
  if (!killed)
    c->stops_clean++;
  return killed;
}

/* The file names in @folder (dot files are the spool's temporaries). */
static GPtrArray *
list_folder (Campaign *c, SrSpoolFolder folder)
{
  g_autofree char *path = sr_spool_get_path (c->writer, APP, folder, NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *n;

  while (dir != NULL && (n = g_dir_read_name (dir)) != NULL)
    if (n[0] != '.')
      g_ptr_array_add (names, g_strdup (n));
  return names;
}

static guint
count_folder (Campaign *c, SrSpoolFolder folder)
{
  g_autoptr(GPtrArray) names = list_folder (c, folder);

  return names->len;
}

/* The message number of a finished file ("Reference: c-42"). */
static guint
file_message (Campaign *c, SrSpoolFolder folder, const char *name)
{
  g_autofree char *path = sr_spool_get_path (c->writer, APP, folder, name);
  g_autofree char *data = NULL;
  g_autofree char *ref = NULL;
  guint64 i = 0;

  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  ref = router_fixture_header (data, "Reference");
  if (ref == NULL || !g_str_has_prefix (ref, "c-")
      || !g_ascii_string_to_unsigned (ref + 2, 10, 0, c->n - 1, &i, NULL))
    g_error ("%s has no reference of this campaign: %s", path, data);
  return (guint) i;
}

/* Every message is in exactly one of sent/ and dead/ (dead/ only when the
 * SMSC refuses it), nothing is left in the outbox, and the journal has one
 * row per message in the state of its folder. */
static void
check_folders (Campaign *c)
{
  static const SrSpoolFolder folders[] = { SR_SPOOL_SENT, SR_SPOOL_DEAD };
  g_autofree guint *seen = g_new0 (guint, c->n);
  g_autoptr(GHashTable) where = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *db_path = g_build_filename (c->spool, "router", "journal.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  guint rows = 0;

  g_assert_cmpuint (count_folder (c, SR_SPOOL_OUTBOX_NEW), ==, 0);
  g_assert_cmpuint (count_folder (c, SR_SPOOL_OUTBOX_CUR), ==, 0);
  for (guint f = 0; f < G_N_ELEMENTS (folders); f++)
    {
      g_autoptr(GPtrArray) names = list_folder (c, folders[f]);

      for (guint k = 0; k < names->len; k++)
        {
          guint i = file_message (c, folders[f], names->pdata[k]);

          if (seen[i]++ != 0)
            g_error ("message c-%u is finished twice (the second time as %s)", i,
                     (char *) names->pdata[k]);
          g_assert_cmpint (folders[f] == SR_SPOOL_DEAD, ==, message_refused (i));
          g_hash_table_insert (where, g_strdup (names->pdata[k]), GINT_TO_POINTER (folders[f]));
        }
    }
  for (guint i = 0; i < c->n; i++)
    if (seen[i] != 1)
      g_error ("message c-%u is neither in sent/ nor in dead/", i);

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT file, state FROM messages WHERE app = '" APP "'",
                                       -1, &st, NULL), ==, SQLITE_OK);
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      const char *file = (const char *) sqlite3_column_text (st, 0);
      int state = sqlite3_column_int (st, 1);
      gpointer folder = NULL;

      rows++;
      if (!g_hash_table_steal_extended (where, file, NULL, &folder))
        g_error ("journal row for %s (state %s): no such file in sent/ or dead/, or two rows",
                 file, sr_message_state_to_string (state));
      if (GPOINTER_TO_INT (folder) == SR_SPOOL_DEAD)
        g_assert_cmpint (state, ==, SR_MESSAGE_DEAD);
      else if (state != SR_MESSAGE_SENT && state != SR_MESSAGE_DELIVERED)
        g_error ("%s is in sent/ but its journal state is %s", file,
                 sr_message_state_to_string (state));
    }
  sqlite3_finalize (st);
  sqlite3_close (db);
  g_assert_cmpuint (rows, ==, c->n);
}

/* The life of the daemon a simulator connection belonged to. */
static guint
life_of (Campaign *c, gint64 conn)
{
  for (guint l = 0; l < c->life_end->len; l++)
    if (conn <= g_array_index (c->life_end, gint64, l))
      return l;
  g_error ("connection %" G_GINT64_FORMAT " after the last life", conn);
}

/* The SMSC's view: every part of a sent message was submitted, none twice
 * in one life of the daemon, and the parts of sent messages of one life
 * submitted again after it ended (in flight, or accepted but not yet
 * journalled) are at most one window: the documented bound of duplicates
 * per crash (one bind).  Parts the SMSC refused may come again too (their
 * message's death not yet committed); they reach no phone and are only
 * counted. */
static void
check_submits (Campaign *c)
{
  g_autoptr(GPtrArray) log = sr_test_sim_read_log (c->sim);
  g_autoptr(GPtrArray) submits = sr_test_sim_log_filter (log, "in", "submit_sm");
  /* "destination/part" -> guint64 bitmask of the lives that submitted it */
  g_autoptr(GHashTable) parts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree guint *again = g_new0 (guint, c->life_end->len);
  guint expected = 0, extra = 0, worst = 0, refused_again = 0;

  g_assert_cmpuint (c->life_end->len, <=, 64);
  for (guint k = 0; k < submits->len; k++)
    {
      JsonObject *e = submits->pdata[k];
      const char *udh = sr_test_log_str (e, "udh");
      gsize ulen = udh ? strlen (udh) : 0;
      guint part = ulen >= 2 ? (guint) g_ascii_strtoull (udh + ulen - 2, NULL, 16) : 1;
      char *key = g_strdup_printf ("%s/%u", sr_test_log_str (e, "destination_addr"), part);
      guint life = life_of (c, sr_test_log_int (e, "conn"));
      guint64 *lives = g_hash_table_lookup (parts, key);

      if (lives == NULL)
        {
          lives = g_new0 (guint64, 1);
          g_hash_table_insert (parts, key, lives);
        }
      else
        {
          if (*lives & (G_GUINT64_CONSTANT (1) << life))
            g_error ("part %s was submitted twice in life %u of the daemon", key, life);
          extra++;
          g_free (key);
        }
      *lives |= G_GUINT64_CONSTANT (1) << life;
    }
  for (guint i = 0; i < c->n; i++)
    if (!message_refused (i))
      for (guint p = 1; p <= message_parts (i); p++)
        {
          g_autofree char *dest = message_destination (i);
          g_autofree char *key = g_strdup_printf ("%s/%u", dest, p);

          expected++;
          if (!g_hash_table_contains (parts, key))
            g_error ("part %u of message c-%u (sent/) never reached the SMSC", p, i);
        }
  {
    GHashTableIter iter;
    const char *key;
    guint64 *lives;

    g_hash_table_iter_init (&iter, parts);
    while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &lives))
      for (guint l = 0; l < c->life_end->len; l++)
        if ((*lives & (G_GUINT64_CONSTANT (1) << l)) && (*lives >> (l + 1)) != 0)
          {
            if (g_str_has_prefix (key, REFUSED_PREFIX))
              refused_again++;
            else
              again[l]++;
          }
  }
  for (guint l = 0; l < c->life_end->len; l++)
    {
      worst = MAX (worst, again[l]);
      if (again[l] > WINDOW)
        g_error ("%u parts submitted in life %u of the daemon were submitted again after it: "
                 "more than the window (%u)", again[l], l, WINDOW);
    }
  g_test_message ("%u submit_sm for %u parts of sent messages and %u refused: %u sent again, "
                  "%u of them refused (at most %u from one life, window %u)", submits->len,
                  expected, g_hash_table_size (parts) - expected, extra, refused_again, worst,
                  WINDOW);
  g_assert_cmpint (sr_test_sim_stat (c->sim, "window_violations"), ==, 0);
}

static void
test_campaign (void)
{
  Campaign c;
  g_autoptr(GArray) plan = g_array_new (FALSE, FALSE, sizeof (KillKind));
  guint lives, batch, kills = 0;
  gint64 start = g_get_monotonic_time (), binds, end;

  campaign_setup (&c);
  /* enough lives for the kills; the messages spread over them */
  batch = c.n / (MIN_KILLS + 2) + 1;
  for (lives = 0; lives < MAX_LIVES; lives++)
    {
      KillKind kind;
      gboolean killed;
      gboolean done = kills >= MIN_KILLS;

      for (guint k = 0; k < N_KILL_KINDS; k++)
        done = done && c.kills[k] >= MIN_PER_KIND;
      if (done)
        break;
      kind = g_rand_int_range (c.rand, 0, N_KILL_KINDS);
      killed = run_life (&c, kind, batch);
      if (killed)
        {
          c.kills[kind]++;
          kills++;
        }
      g_test_message ("life %u: %s while %s; %u messages dropped, %u sent, %u dead, %u claimed",
                      lives, killed ? "killed" : "stopped before the kill", kill_names[kind],
                      c.dropped, count_folder (&c, SR_SPOOL_SENT),
                      count_folder (&c, SR_SPOOL_DEAD), count_folder (&c, SR_SPOOL_OUTBOX_CUR));
    }
  g_assert_cmpuint (kills, >=, MIN_KILLS);

  /* the last life: the rest, then a clean stop */
  drop_messages (&c, c.n);
  binds = sr_test_sim_stat (c.sim, "binds_ok");
  spawn_daemon (&c);
  g_assert_true (wait_stat (&c, "binds_ok", binds + 1, 20000));
  end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (count_folder (&c, SR_SPOOL_SENT) + count_folder (&c, SR_SPOOL_DEAD) < c.n
         && g_get_monotonic_time () < end)
    g_usleep (50 * 1000);
  g_subprocess_send_signal (c.daemon, SIGTERM);
  g_assert_true (g_subprocess_wait (c.daemon, NULL, NULL));
  g_assert_true (g_subprocess_get_if_exited (c.daemon));
  g_assert_cmpint (g_subprocess_get_exit_status (c.daemon), ==, 0);
  g_clear_object (&c.daemon);
  end_life (&c);

  g_test_message ("%u kills in %u lives: %u while starting (%u before the bind), %u while "
                  "sending, %u while stopping (%u stops finished before the kill); %.1f s",
                  kills, lives, c.kills[KILL_STARTING], c.kills_unbound, c.kills[KILL_SENDING],
                  c.kills[KILL_STOPPING], c.stops_clean,
                  (g_get_monotonic_time () - start) / 1e6);
  check_folders (&c);
  check_submits (&c);
  campaign_teardown (&c);
}

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

static void
drop_files (const char *spool_dir, guint n)
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

/* A message the SMSC refuses, whose outcome is lost as in a crash before
 * the commit (the journal's test hook rolls back every commit from the
 * submit on): it must not be in dead/ while the journal has it queued.
 * It stays claimed, and the next start finishes it, dead with its row. */
static void
test_dead_before_commit (void)
{
  const char *sim_args[] = { "--reject-prefix", "+41798", "--delay-ms", "300", "--log-sent", NULL };
  RouterFixture fx;
  g_autofree char *name = NULL;
  g_autoptr(GPtrArray) submits = NULL;
  g_autoptr(SrJournalMessage) m = NULL;
  g_autoptr(GError) error = NULL;

  static const char *const hooked[] = { "Could not commit in the journal", NULL };

  /* the router warns about the commits the hook makes fail */
  router_fixture_expect_warnings ("sr-router", hooked);
  router_fixture_setup (&fx, sim_args, NULL, NULL, NULL, NULL);
  name = router_fixture_drop (&fx, "To: +41798000001\nReference: refused\n\nHi\n");
  submits = sr_test_sim_wait_log (fx.sim, "in", "submit_sm", 1, 10000);
  g_assert_nonnull (submits);
  sr_journal_debug_fail_commits (sr_router_get_journal (fx.router), G_MAXUINT);
  /* the refusal arrives and is dealt with; nothing of it becomes durable */
  g_assert_nonnull (sr_test_sim_wait_log (fx.sim, "out", "submit_sm_resp", 1, 10000));
  router_fixture_run (500);
  router_fixture_stop_router (&fx);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_DEAD), ==, 0);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_OUTBOX_CUR), ==, 1);

  /* restarted: refused again, and now dead in both */
  router_fixture_new_router (&fx);
  router_fixture_start (&fx);
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_DEAD, 1, 10000));
  router_fixture_run (200);
  router_fixture_stop_router (&fx);
  router_fixture_new_router (&fx);
  m = sr_journal_message_find_by_file (sr_router_get_journal (fx.router), "default", name, NULL,
                                       &error);
  g_assert_no_error (error);
  g_assert_nonnull (m);
  g_assert_cmpstr (sr_message_state_to_string (m->state), ==,
                   sr_message_state_to_string (SR_MESSAGE_DEAD));
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_OUTBOX_CUR), ==, 0);
  router_fixture_teardown (&fx);
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
  drop_files (spool, n);
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
  g_test_add_func ("/router/crash/campaign", test_campaign);
  g_test_add_func ("/router/crash/dead-before-commit", test_dead_before_commit);
  g_test_add_func ("/router/load", test_load);
  return g_test_run ();
}
