/* sr-journal-checkpoint.c — copying the WAL back into the database on a thread.
 *
 * SQLite normally checkpoints inside the commit that crosses the WAL size
 * threshold: the main loop would stall for the page copy and two fsyncs.
 * Instead the commit only signals this thread, which copies the pages
 * through its own connection (PASSIVE: it never blocks the writer).
 *
 * A writer that never pauses never lets SQLite start the WAL over by itself
 * (it does only when the whole WAL has been copied back as a batch begins),
 * so the WAL would grow without end.  Past RESTART_PAGES, when the thread is
 * idle (it has just copied nearly everything), the writer runs a RESTART
 * between two transactions: it copies the few pages since the thread's copy
 * and the next commit writes the WAL from its start.  Should the thread be
 * busy every time (a slow disk), the writer restarts anyway at HARD_PAGES,
 * waiting for the thread's copy to end (a second at most).  journal_size_limit cuts a longer file
 * back when the WAL starts over.  So the file stays under
 * SR_JOURNAL_WAL_BOUND_BYTES unless a reader holds an old snapshot (a long
 * export), which no checkpoint may overtake.
 */
#define G_LOG_DOMAIN "sr-journal"

#include "sr-journal-private.h"

/* WAL pages (4 KiB) at which the thread is woken: about 1 MiB */
#define CHECKPOINT_PAGES 256
/* ... at which the writer restarts the WAL while the thread is idle: 2 MiB */
#define RESTART_PAGES 512
/* ... at which the writer restarts it whatever the thread does: 4 MiB */
#define CHECKPOINT_HARD_PAGES 1024

struct _SrJournalCheckpointer {
  GThread *thread;
  GMutex lock;
  GCond cond;
  gboolean requested;
  gboolean stop;
  sqlite3 *db;
  char *path;
  gint *counter;               /* SrJournal.checkpoints, updated atomically */
  gint copying;                /* atomic: the thread is checkpointing */
  gboolean failing;            /* the last try failed (warned once) */
};

static gpointer
checkpoint_thread (gpointer data)
{
  SrJournalCheckpointer *c = data;
  g_mutex_lock (&c->lock);
  for (;;)
    {
      while (!c->requested && !c->stop)
        g_cond_wait (&c->cond, &c->lock);
      if (c->stop)
        break;
      c->requested = FALSE;
      g_mutex_unlock (&c->lock);

      int log_pages = 0, done_pages = 0;
      g_atomic_int_set (&c->copying, 1);
      int rc = sqlite3_wal_checkpoint_v2 (c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log_pages, &done_pages);
      g_atomic_int_set (&c->copying, 0);
      if (rc == SQLITE_OK && done_pages > 0)
        g_atomic_int_inc (c->counter);
      /* said once per run of failures: a full disk fails every try */
      if (rc != SQLITE_OK && rc != SQLITE_BUSY && !c->failing)
        g_warning ("checkpoint of the journal %s failed: %s", c->path, sqlite3_errmsg (c->db));
      if (rc != SQLITE_BUSY)
        c->failing = rc != SQLITE_OK;

      g_mutex_lock (&c->lock);
    }
  g_mutex_unlock (&c->lock);
  return NULL;
}

/* The writer restarts the WAL (RESTART checkpoint), waiting at most
 * wait_ms for the thread and for readers; FALSE when it could not. */
static gboolean
restart_wal (SrJournal *j, sqlite3 *db, int wait_ms)
{
  sqlite3_busy_timeout (db, wait_ms);
  int rc = sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
  sqlite3_busy_timeout (db, SR_JOURNAL_BUSY_TIMEOUT_MS);
  if (rc != SQLITE_OK)
    return FALSE;
  g_atomic_int_inc (&j->checkpoints);
  j->checkpoint_hard_pages = j->checkpoint_hard_limit;
  j->checkpoint_restart_at = j->checkpoint_restart_pages;
  return TRUE;
}

static int
wal_hook (void *data, sqlite3 *db, const char *name, int pages)
{
  SrJournal *j = data;
  SrJournalCheckpointer *c = j->checkpointer;
  gboolean idle = c == NULL || !g_atomic_int_get (&c->copying);

  /* Called after the commit, with no lock held: a RESTART here never
   * waits for ourselves. */
  if (pages >= j->checkpoint_restart_at && idle)
    {
      if (restart_wal (j, db, 0))
        return SQLITE_OK;
      /* a reader holds the WAL: not again at every commit */
      j->checkpoint_restart_at = pages + j->checkpoint_pages;
    }
  if (pages >= j->checkpoint_hard_pages)
    {
      /* The thread is behind (a slow disk, a loaded machine): wait for its
       * copy to end, a second at most, so the WAL stays bounded.  Readers
       * are waited for only briefly: a long one (an export) must not stall
       * the router; then try again a little later. */
      for (guint waited_ms = 0; c != NULL && g_atomic_int_get (&c->copying) && waited_ms < 1000; waited_ms++)
        g_usleep (1000);
      if (!restart_wal (j, db, 20))
        j->checkpoint_hard_pages = pages + j->checkpoint_pages;
    }
  else if (pages >= j->checkpoint_pages && pages < j->checkpoint_restart_at && c != NULL && idle)
    {
      /* Past the restart size the thread is left to finish: woken again
       * at once it would never be idle when a commit looks. */
      g_mutex_lock (&c->lock);
      c->requested = TRUE;
      g_cond_signal (&c->cond);
      g_mutex_unlock (&c->lock);
    }
  return SQLITE_OK;
}

gboolean
sr_journal_checkpointer_start (SrJournal *j, GError **error)
{
  g_autofree SrJournalCheckpointer *c = g_new0 (SrJournalCheckpointer, 1);
  int rc = sqlite3_open_v2 (j->path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, SR_JOURNAL_ERROR, sr_journal_error_code (rc),
                   _("Could not open the journal %s: %s"), j->path,
                   c->db ? sqlite3_errmsg (c->db) : sqlite3_errstr (rc));
      sqlite3_close (c->db);
      return FALSE;
    }
  /* A connection that has read nothing has not opened the WAL, and SQLite
   * then treats a checkpoint as done without copying a page: read once. */
  char *msg = NULL;
  rc = sqlite3_exec (c->db, "PRAGMA busy_timeout = 1000; SELECT count (*) FROM sqlite_master",
                     NULL, NULL, &msg);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, SR_JOURNAL_ERROR, sr_journal_error_code (rc),
                   _("Could not open the journal %s: %s"), j->path, msg ? msg : sqlite3_errstr (rc));
      sqlite3_free (msg);
      sqlite3_close (c->db);
      return FALSE;
    }

  g_mutex_init (&c->lock);
  g_cond_init (&c->cond);
  c->path = g_strdup (j->path);
  c->counter = &j->checkpoints;
  c->thread = g_thread_new ("sr-journal-ckpt", checkpoint_thread, c);
  j->checkpointer = g_steal_pointer (&c);

  /* from now on the main connection never checkpoints on its own */
  sr_journal_debug_set_checkpoint_pages (j, CHECKPOINT_PAGES, CHECKPOINT_HARD_PAGES);
  j->checkpoint_restart_pages = j->checkpoint_restart_at = RESTART_PAGES;
  sqlite3_wal_autocheckpoint (j->db, 0);
  sqlite3_wal_hook (j->db, wal_hook, j);
  return TRUE;
}

void
sr_journal_checkpointer_stop (SrJournal *j)
{
  SrJournalCheckpointer *c = j->checkpointer;
  if (c == NULL)
    return;
  sqlite3_wal_hook (j->db, NULL, NULL);
  g_mutex_lock (&c->lock);
  c->stop = TRUE;
  g_cond_signal (&c->cond);
  g_mutex_unlock (&c->lock);
  g_thread_join (c->thread);
  sqlite3_close (c->db);
  g_mutex_clear (&c->lock);
  g_cond_clear (&c->cond);
  g_free (c->path);
  g_free (c);
  j->checkpointer = NULL;
}

void
sr_journal_debug_set_checkpoint_pages (SrJournal *journal, guint pages, guint hard_pages)
{
  g_return_if_fail (journal != NULL && pages > 0 && hard_pages > pages);
  journal->checkpoint_pages = (int) pages;
  journal->checkpoint_hard_limit = (int) hard_pages;
  journal->checkpoint_hard_pages = (int) hard_pages;
  journal->checkpoint_restart_pages = (int) (pages + hard_pages) / 2;
  journal->checkpoint_restart_at = journal->checkpoint_restart_pages;
}
