/* sr-journal-checkpoint.c — copying the WAL back into the database on a thread.
 *
 * SQLite normally checkpoints inside the commit that crosses the WAL size
 * threshold: the main loop would stall for the page copy and two fsyncs.
 * Instead the commit only signals this thread, which checkpoints through its
 * own connection (PASSIVE: it never blocks the writer).
 */
#define G_LOG_DOMAIN "sr-journal"

#include "sr-journal-private.h"

/* SQLite's own default threshold, in pages */
#define CHECKPOINT_PAGES 1000
/* About 40 MB of WAL with 4 KiB pages.  A writer that never pauses never
 * lets SQLite start the WAL over (it does only when the whole WAL has been
 * copied back as a batch begins), so past this the writer waits once for a
 * RESTART checkpoint; the thread has copied most pages already. */
#define CHECKPOINT_HARD_PAGES 10000

struct _SrJournalCheckpointer {
  GThread *thread;
  GMutex lock;
  GCond cond;
  gboolean requested;
  gboolean stop;
  sqlite3 *db;
  char *path;
  gint *counter;               /* SrJournal.checkpoints, updated atomically */
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
      int rc = sqlite3_wal_checkpoint_v2 (c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log_pages, &done_pages);
      if (rc == SQLITE_OK)
        g_atomic_int_inc (c->counter);
      else if (rc != SQLITE_BUSY)
        g_warning ("checkpoint of the journal %s failed: %s", c->path, sqlite3_errmsg (c->db));

      g_mutex_lock (&c->lock);
    }
  g_mutex_unlock (&c->lock);
  return NULL;
}

static int
wal_hook (void *data, sqlite3 *db, const char *name, int pages)
{
  SrJournal *j = data;
  if (pages >= j->checkpoint_hard_pages)
    {
      /* Wait briefly for the thread and for readers; a long reader (an
       * export) must not stall the router: then try again a little later. */
      sqlite3_busy_timeout (db, 20);
      int rc = sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
      sqlite3_busy_timeout (db, SR_JOURNAL_BUSY_TIMEOUT_MS);
      if (rc == SQLITE_OK)
        {
          g_atomic_int_inc (&j->checkpoints);
          j->checkpoint_hard_pages = j->checkpoint_hard_limit;
        }
      else
        j->checkpoint_hard_pages = pages + j->checkpoint_pages;
    }
  else if (pages >= j->checkpoint_pages && j->checkpointer != NULL)
    {
      SrJournalCheckpointer *c = j->checkpointer;
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
  sqlite3_busy_timeout (c->db, 1000);
  g_mutex_init (&c->lock);
  g_cond_init (&c->cond);
  c->path = g_strdup (j->path);
  c->counter = &j->checkpoints;
  c->thread = g_thread_new ("sr-journal-ckpt", checkpoint_thread, c);
  j->checkpointer = g_steal_pointer (&c);

  /* from now on the main connection never checkpoints on its own */
  sr_journal_debug_set_checkpoint_pages (j, CHECKPOINT_PAGES, CHECKPOINT_HARD_PAGES);
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
}
