/* sr-journal.c — opening the journal, the statement cache and group commit.
 *
 * One write transaction stays open while writes arrive; it is committed by
 * size (max_changes), by age (a max_delay_ms timeout armed by the first
 * change), in the next main-loop iteration when a writer waits on it
 * (sr_journal_commit_soon) or on demand (sr_journal_flush).  Callbacks
 * waiting for durability run after the commit from an idle source on the
 * journal's main context (or from sr_journal_flush), never from inside a
 * write call, so callers are not re-entered in the middle of their own work.
 *
 * A storage failure (full disk, I/O error, read-only file, a lock held too
 * long) loses nothing: the batch's writes are kept (sr-journal-redo.c), its
 * waiters keep waiting, the health callback is told once, and the commit is
 * retried with backoff.  Meanwhile writes join the batch applied again in a
 * new transaction, or, when even that fails, are only recorded ("deferred")
 * and applied at the retry.  When the commit succeeds, everyone waiting is
 * released and the health callback hears that the journal is writable again.
 */
#define G_LOG_DOMAIN "sr-journal"

#include <errno.h>
#include <glib/gstdio.h>

#include "sr-journal-private.h"

G_DEFINE_QUARK (sr-journal-error-quark, sr_journal_error)

static const char *const stmt_sql[STMT_N] = {
  [STMT_BEGIN] = "BEGIN IMMEDIATE",
  [STMT_COMMIT] = "COMMIT",
  [STMT_ROLLBACK] = "ROLLBACK",
  [STMT_MSG_INSERT] =
    "INSERT INTO messages (" SR_JOURNAL_MSG_COLS ") VALUES "
    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
  [STMT_MSG_PARSED] =
    "UPDATE messages SET reference = ?2, to_raw = ?3, to_e164 = ?4, country = ?5, from_addr = ?6, "
    "alphabet = ?7, parts = ?8, preview = ?9 WHERE id = ?1",
  [STMT_MSG_STATE_OF] = "SELECT state, app FROM messages WHERE id = ?1",
  [STMT_MSG_SET_STATE] =
    "UPDATE messages SET state = ?2, submitted_at = coalesce (submitted_at, ?3), done_at = ?4 "
    "WHERE id = ?1",
  [STMT_MSG_SET_ATTEMPT] =
    "UPDATE messages SET attempts = ?2, provider = coalesce (?3, provider), next_attempt_at = ?4 "
    "WHERE id = ?1",
  [STMT_MSG_SET_ERROR] =
    "UPDATE messages SET state = ?2, error_class = ?3, error_code = ?4, error_text = ?5, "
    "done_at = ?6 WHERE id = ?1",
  [STMT_MSG_GET] = "SELECT " SR_JOURNAL_MSG_COLS " FROM messages WHERE id = ?1",
  [STMT_MSG_BY_FILE] =
    "SELECT " SR_JOURNAL_MSG_COLS " FROM messages WHERE file = ?2 AND app = ?1 "
    "ORDER BY id DESC LIMIT 1",
  [STMT_MSG_RECEIPT_INFO] =
    "SELECT parts, app, file, reference, to_e164, to_raw, submitted_at, state "
    "FROM messages WHERE id = ?1",
  [STMT_MSG_MAX_ID] = "SELECT max (id) FROM messages",
  [STMT_SEG_INSERT] = "INSERT OR IGNORE INTO segments (message_id, part) VALUES (?1, ?2)",
  [STMT_SEG_SET_SUBMIT] =
    "UPDATE segments SET submit = ?3, provider = coalesce (?4, provider), "
    "smsc_id = coalesce (?5, smsc_id), command_status = ?6, submitted_at = ?7 "
    "WHERE message_id = ?1 AND part = ?2",
  [STMT_SEG_BY_SMSC] =
    "SELECT message_id, part FROM segments WHERE smsc_id = ?1 AND (?2 IS NULL OR provider = ?2) "
    "AND (?3 IS NULL OR submitted_at BETWEEN ?3 AND ?4) ORDER BY message_id DESC LIMIT 2",
  /* the first final receipt stands: nothing overwrites it */
  [STMT_SEG_SET_RECEIPT] =
    "UPDATE segments SET receipt = ?3, receipt_stat = ?4, receipt_err = ?5, receipt_at = ?6 "
    "WHERE message_id = ?1 AND part = ?2 AND receipt < 2",
  [STMT_SEG_TALLY] =
    "SELECT part, receipt, receipt_stat FROM segments WHERE message_id = ?1",
  [STMT_SEG_OF_MSG] =
    "SELECT " SR_JOURNAL_SEG_COLS " FROM segments WHERE message_id = ?1 ORDER BY part",
  [STMT_RCPT_INSERT] =
    "INSERT INTO receipts (received_at, provider, smsc_id, message_id, part, state, stat, err, "
    "done_at, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
  [STMT_RCPT_OF_MSG] =
    "SELECT " SR_JOURNAL_RCPT_COLS " FROM receipts WHERE message_id = ?1 ORDER BY id",
  [STMT_IN_INSERT] =
    "INSERT INTO inbound (" SR_JOURNAL_IN_COLS ") VALUES "
    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT (dedup_key) DO NOTHING",
  [STMT_IN_BY_KEY] = "SELECT id FROM inbound WHERE dedup_key = ?1",
  [STMT_IN_MAX_ID] = "SELECT max (id) FROM inbound",
  [STMT_EV_INSERT] =
    "INSERT INTO events (ts, scope, level, kind, message_id, app, actor, text) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
  [STMT_EV_OF_MSG] =
    "SELECT " SR_JOURNAL_EV_COLS " FROM events WHERE message_id = ?1 ORDER BY id",
  [STMT_BL_UPSERT] =
    "INSERT INTO blacklist (kind, value, who, created_at, note) VALUES (?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT (kind, value) DO UPDATE SET who = excluded.who, note = excluded.note",
  [STMT_BL_DELETE] = "DELETE FROM blacklist WHERE kind = ?1 AND value = ?2",
  [STMT_BL_ALL] = "SELECT kind, value FROM blacklist",
  [STMT_BL_KIND] =
    "SELECT kind, value, who, created_at, note FROM blacklist WHERE kind = ?1 ORDER BY value",
  [STMT_CTR_ADD] =
    "INSERT INTO counters (destination, kind, period, count) VALUES (?1, ?2, ?3, 1) "
    "ON CONFLICT DO UPDATE SET count = count + 1",
  [STMT_CTR_GET] =
    "SELECT count FROM counters WHERE destination = ?1 AND kind = ?2 AND period = ?3",
  [STMT_COUNT_STATES] = "SELECT app, state, count (*) FROM messages GROUP BY app, state",
  [STMT_EXPORT_MSGS] =
    "SELECT " SR_JOURNAL_MSG_COLS " FROM messages WHERE created_at >= ?1 AND created_at < ?2 "
    "AND (?3 IS NULL OR app = ?3) ORDER BY id",
  [STMT_EXPORT_INBOUND] =
    "SELECT " SR_JOURNAL_IN_COLS " FROM inbound WHERE received_at >= ?1 AND received_at < ?2 "
    "AND (?3 IS NULL OR app = ?3) ORDER BY received_at, id",
  [STMT_EXPORT_EVENTS] =
    "SELECT " SR_JOURNAL_EV_COLS " FROM events WHERE ts >= ?1 AND ts < ?2 "
    "AND (?3 IS NULL OR app = ?3) ORDER BY id",
};

/* ---- errors ---------------------------------------------------------- */

SrJournalError
sr_journal_error_code (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      return SR_JOURNAL_ERROR_FULL;
    case SQLITE_IOERR:
      return SR_JOURNAL_ERROR_IO;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return SR_JOURNAL_ERROR_BUSY;
    case SQLITE_READONLY:
      return SR_JOURNAL_ERROR_READ_ONLY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return SR_JOURNAL_ERROR_CORRUPT;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      return SR_JOURNAL_ERROR_OPEN;
    default:
      return SR_JOURNAL_ERROR_FAILED;
    }
}

/* what: a verb phrase, "insert a message" */
void
sr_journal_set_error (SrJournal *j, GError **error, int rc, const char *what)
{
  const char *detail = j->db ? sqlite3_errmsg (j->db) : sqlite3_errstr (rc);
  g_set_error (error, SR_JOURNAL_ERROR, sr_journal_error_code (rc),
               _("Could not %s in the journal %s: %s"), what, j->path, detail);
}

/* ---- statements -------------------------------------------------------- */

sqlite3_stmt *
sr_journal_stmt (SrJournal *j, SrJournalStmt which, GError **error)
{
  if (G_LIKELY (j->stmts[which] != NULL))
    return j->stmts[which];
  int rc = sqlite3_prepare_v3 (j->db, stmt_sql[which], -1, SQLITE_PREPARE_PERSISTENT,
                               &j->stmts[which], NULL);
  if (rc != SQLITE_OK)
    {
      sr_journal_set_error (j, error, rc, _("prepare a query"));
      g_warning ("cannot prepare %s: %s", stmt_sql[which], sqlite3_errmsg (j->db));
      j->stmts[which] = NULL;
      return NULL;
    }
  return j->stmts[which];
}

sqlite3_stmt *
sr_journal_stmt_sql (SrJournal *j, const char *sql, GError **error)
{
  sqlite3_stmt *st = g_hash_table_lookup (j->dyn_stmts, sql);
  if (st != NULL)
    return st;
  int rc = sqlite3_prepare_v3 (j->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
  if (rc != SQLITE_OK)
    {
      sr_journal_set_error (j, error, rc, _("prepare a query"));
      g_warning ("cannot prepare %s: %s", sql, sqlite3_errmsg (j->db));
      return NULL;
    }
  g_hash_table_insert (j->dyn_stmts, g_strdup (sql), st);
  return st;
}

void
sr_journal_stmt_done (sqlite3_stmt *st)
{
  sqlite3_reset (st);
  sqlite3_clear_bindings (st);
}

/* ---- group commit ------------------------------------------------------ */

static void schedule_dispatch (SrJournal *j);
static gboolean commit (SrJournal *j, GError **error);

static void
waiter_free (SrJournalWaiter *w)
{
  g_clear_error (&w->error);
  g_free (w);
}

/* Everything waiting for the open transaction learns its fate. */
static void
settle_waiters (SrJournal *j, const GError *error)
{
  SrJournalWaiter *w;
  while ((w = g_queue_pop_head (&j->waiting)) != NULL)
    {
      if (error != NULL)
        w->error = g_error_copy (error);
      g_queue_push_tail (&j->ready, w);
    }
  schedule_dispatch (j);
}

static void
cancel_timer (SrJournal *j)
{
  if (j->timer != NULL)
    {
      g_source_destroy (j->timer);
      g_clear_pointer (&j->timer, g_source_unref);
    }
  j->timer_soon = FALSE;
}

/* The open transaction is gone (rolled back): its writes are lost. */
static void
batch_lost (SrJournal *j, const GError *cause)
{
  g_autoptr (GError) lost = g_error_new (SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_LOST,
                                         _("%u journal changes were lost: %s"),
                                         j->pending, cause->message);
  j->in_txn = FALSE;
  j->pending = 0;
  j->stats.failed_commits++;
  sr_journal_redo_clear (j);
  cancel_timer (j);
  settle_waiters (j, lost);
  g_queue_push_tail (&j->errors, g_steal_pointer (&lost));

  /* the caches ran ahead of the database: read them back */
  g_autoptr (GError) reload_error = NULL;
  if (!sr_journal_load_caches (j, &reload_error))
    g_warning ("%s", reload_error->message);
}

static void
dispatch_all (SrJournal *j)
{
  GError *err;
  SrJournalWaiter *w;

  if (j->health_report)
    {
      j->health_report = FALSE;
      if (j->health_func != NULL)
        j->health_func (j, j->failure, j->health_data);
    }
  while ((err = g_queue_pop_head (&j->errors)) != NULL)
    {
      if (j->error_func != NULL)
        j->error_func (j, err, j->error_data);
      else
        g_warning ("%s", err->message);
      g_error_free (err);
    }
  while ((w = g_queue_pop_head (&j->ready)) != NULL)
    {
      w->func (j, w->error, w->user_data);
      waiter_free (w);
    }
}

static gboolean
dispatch_cb (gpointer data)
{
  SrJournal *j = data;
  g_clear_pointer (&j->dispatch, g_source_unref);
  dispatch_all (j);
  return G_SOURCE_REMOVE;
}

static void
schedule_dispatch (SrJournal *j)
{
  if (j->dispatch != NULL
      || (g_queue_is_empty (&j->ready) && g_queue_is_empty (&j->errors) && !j->health_report))
    return;
  j->dispatch = g_idle_source_new ();
  g_source_set_priority (j->dispatch, G_PRIORITY_DEFAULT);
  g_source_set_callback (j->dispatch, dispatch_cb, j, NULL);
  g_source_set_static_name (j->dispatch, "sr-journal dispatch");
  g_source_attach (j->dispatch, j->context);
}

static gboolean
timer_cb (gpointer data)
{
  SrJournal *j = data;
  g_clear_pointer (&j->timer, g_source_unref);
  j->timer_soon = FALSE;
  /* failures were queued for the error callback by commit() */
  commit (j, NULL);
  return G_SOURCE_REMOVE;
}

static int
fail_commit_hook (void *data)
{
  SrJournal *j = data;
  if (j->fail_commits == 0)
    return 0;
  j->fail_commits--;
  return 1; /* turns this COMMIT into a ROLLBACK */
}

/* ---- storage failures: keep the batch, retry ---------------------------- */

/* Failures of the storage, which pass; anything else is a fault in a
 * statement and fails only that write. */
static gboolean
is_storage_failure (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_NOMEM:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_PROTOCOL:
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
sr_journal_deferring (SrJournal *j)
{
  return j->failure != NULL && !j->in_txn;
}

/* Begins a transaction and applies the kept writes in it again. */
static int
reapply (SrJournal *j)
{
  sqlite3_stmt *st = sr_journal_stmt (j, STMT_BEGIN, NULL);
  int rc = st ? sqlite3_step (st) : SQLITE_ERROR;
  if (st)
    sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    return rc;
  rc = sr_journal_redo_apply (j);
  if (rc != SQLITE_OK)
    {
      if (!sqlite3_get_autocommit (j->db))
        sqlite3_exec (j->db, "ROLLBACK", NULL, NULL, NULL);
      return rc;
    }
  j->in_txn = TRUE;
  return SQLITE_OK;
}

static gboolean retry_cb (gpointer data);

static void
schedule_retry (SrJournal *j)
{
  if (j->retry != NULL)
    return;
  j->retry = g_timeout_source_new (j->retry_ms);
  g_source_set_priority (j->retry, G_PRIORITY_DEFAULT);
  g_source_set_callback (j->retry, retry_cb, j, NULL);
  g_source_set_static_name (j->retry, "sr-journal retry");
  g_source_attach (j->retry, j->context);
  j->retry_ms = MIN (j->retry_ms * 2, SR_JOURNAL_RETRY_MAX_MS);
}

static void
cancel_retry (SrJournal *j)
{
  if (j->retry != NULL)
    {
      g_source_destroy (j->retry);
      g_clear_pointer (&j->retry, g_source_unref);
    }
}

/* A storage failure hit the batch (at its commit, at a statement or when
 * beginning it): keep its writes, hold its waiters, retry later.  The
 * writes go back into a live transaction at once when the failure is one
 * of writing out (the disk), so later writes and reads see them. */
static void
enter_failure (SrJournal *j, int rc, const char *what, gboolean at_commit)
{
  g_autoptr (GError) cause = NULL;
  sr_journal_set_error (j, &cause, rc, what);
  cancel_timer (j);
  if (j->in_txn && !at_commit && !sqlite3_get_autocommit (j->db))
    /* only the statement was undone: start the batch over as a whole */
    sqlite3_exec (j->db, "ROLLBACK", NULL, NULL, NULL);
  if (sqlite3_get_autocommit (j->db))
    j->in_txn = FALSE;
  if (!j->in_txn && ((rc & 0xff) == SQLITE_FULL || (rc & 0xff) == SQLITE_IOERR))
    reapply (j);

  gboolean first = j->failure == NULL;
  g_clear_error (&j->failure);
  j->failure = g_steal_pointer (&cause);
  j->stats.failed_commits++;
  if (first)
    {
      j->retry_ms = SR_JOURNAL_RETRY_FIRST_MS;
      j->health_report = TRUE;
      schedule_dispatch (j);
    }
  schedule_retry (j);
}

/* The kept batch is committed: everyone waiting is released. */
static void
recovered (SrJournal *j)
{
  j->in_txn = FALSE;
  j->pending = 0;
  j->stats.commits++;
  sr_journal_redo_clear (j);
  g_clear_error (&j->failure);
  cancel_retry (j);
  if (j->recount)
    {
      /* counts skipped while writes were deferred */
      g_autoptr (GError) error = NULL;
      j->recount = FALSE;
      if (!sr_journal_load_caches (j, &error))
        g_warning ("%s", error->message);
    }
  j->health_report = TRUE;
  settle_waiters (j, NULL);
  schedule_dispatch (j);
}

/* One try to commit the kept batch; TRUE when it is durable now. */
static gboolean
retry_now (SrJournal *j)
{
  cancel_retry (j);
  int rc = j->in_txn ? SQLITE_OK : reapply (j);
  if (rc == SQLITE_OK)
    {
      sqlite3_stmt *st = sr_journal_stmt (j, STMT_COMMIT, NULL);
      gint64 start = g_get_monotonic_time ();
      rc = st ? sqlite3_step (st) : SQLITE_ERROR;
      if (rc == SQLITE_DONE)
        {
          sr_histogram_observe (&j->stats.commit_time, g_get_monotonic_time () - start);
          sqlite3_reset (st);
          recovered (j);
          return TRUE;
        }
      if (st)
        sqlite3_reset (st);
    }
  enter_failure (j, rc, _("commit"), TRUE);
  return FALSE;
}

static gboolean
retry_cb (gpointer data)
{
  SrJournal *j = data;
  g_clear_pointer (&j->retry, g_source_unref);
  if (j->failure != NULL)
    retry_now (j);
  return G_SOURCE_REMOVE;
}

static gboolean
commit (SrJournal *j, GError **error)
{
  if (j->failure != NULL)
    {
      /* the retry owns the batch; its waiters wait for it */
      if (error != NULL)
        *error = g_error_copy (j->failure);
      return FALSE;
    }
  if (!j->in_txn)
    {
      settle_waiters (j, NULL);
      return TRUE;
    }
  cancel_timer (j);

  sqlite3_stmt *st = sr_journal_stmt (j, STMT_COMMIT, error);
  gint64 start = g_get_monotonic_time ();
  int rc = st ? sqlite3_step (st) : SQLITE_ERROR;
  if (rc == SQLITE_DONE)
    {
      sr_histogram_observe (&j->stats.commit_time, g_get_monotonic_time () - start);
      sqlite3_reset (st);
      j->in_txn = FALSE;
      j->pending = 0;
      j->stats.commits++;
      sr_journal_redo_clear (j);
      settle_waiters (j, NULL);
      return TRUE;
    }
  if (st)
    sqlite3_reset (st);
  if (is_storage_failure (rc))
    {
      enter_failure (j, rc, _("commit"), TRUE);
      if (error != NULL)
        *error = g_error_copy (j->failure);
      return FALSE;
    }

  g_autoptr (GError) cause = NULL;
  sr_journal_set_error (j, &cause, rc, _("commit"));
  if (!sqlite3_get_autocommit (j->db))
    sqlite3_exec (j->db, "ROLLBACK", NULL, NULL, NULL);
  batch_lost (j, cause);
  if (error != NULL)
    *error = g_error_copy (cause);
  return FALSE;
}

gboolean
sr_journal_write_begin (SrJournal *j, GError **error)
{
  if (G_UNLIKELY (j->read_only))
    {
      g_set_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_READ_ONLY,
                   _("The journal %s is open read-only."), j->path);
      return FALSE;
    }
  sr_journal_redo_discard_loose (j);
  if (j->in_txn)
    return TRUE;
  if (G_UNLIKELY (j->failure != NULL))
    return TRUE; /* deferred: recorded now, applied by the retry */

  sqlite3_stmt *st = sr_journal_stmt (j, STMT_BEGIN, error);
  if (st == NULL)
    return FALSE;
  int rc = sqlite3_step (st);
  sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    {
      if (is_storage_failure (rc))
        {
          enter_failure (j, rc, _("start a transaction"), FALSE);
          return TRUE;
        }
      sr_journal_set_error (j, error, rc, _("start a transaction"));
      return FALSE;
    }
  j->in_txn = TRUE;
  j->pending = 0;
  j->timer = g_timeout_source_new (j->max_delay_ms);
  g_source_set_priority (j->timer, G_PRIORITY_DEFAULT);
  g_source_set_callback (j->timer, timer_cb, j, NULL);
  g_source_set_static_name (j->timer, "sr-journal commit");
  g_source_attach (j->timer, j->context);
  return TRUE;
}

/* For writes whose outcome depends on what the database holds now (a
 * receipt's match, an inbound duplicate, a blacklist removal): refused
 * while writes are deferred, so the caller can answer "try again". */
gboolean
sr_journal_write_begin_live (SrJournal *j, GError **error)
{
  if (!sr_journal_write_begin (j, error))
    return FALSE;
  if (G_UNLIKELY (sr_journal_deferring (j)))
    {
      g_set_error_literal (error, SR_JOURNAL_ERROR, j->failure->code, j->failure->message);
      return FALSE;
    }
  return TRUE;
}

/* Steps a bound write statement to completion and resets it.  Its values
 * are recorded first: a storage failure keeps the statement with its batch
 * (TRUE: the write is kept); other failures fail this write only. */
gboolean
sr_journal_write_step (SrJournal *j, sqlite3_stmt *st, const char *what, GError **error)
{
  sr_journal_redo_record (j, st);
  j->pending++;
  j->stats.changes++;
  if (G_UNLIKELY (!j->in_txn))
    {
      /* deferred: the retry applies it */
      sr_journal_stmt_done (st);
      return TRUE;
    }
  int rc = sqlite3_step (st);
  if (G_LIKELY (rc == SQLITE_DONE || rc == SQLITE_ROW))
    {
      sr_journal_stmt_done (st);
      return TRUE;
    }
  if (is_storage_failure (rc))
    {
      sr_journal_stmt_done (st);
      enter_failure (j, rc, what, FALSE);
      return TRUE;
    }
  g_autoptr (GError) cause = NULL;
  sr_journal_set_error (j, &cause, rc, what);
  sr_journal_stmt_done (st);
  j->pending--;
  sr_journal_redo_truncate (j, sr_journal_redo_length (j) - 1);
  if (sqlite3_get_autocommit (j->db))
    batch_lost (j, cause); /* SQLite gave the whole batch up */
  g_propagate_error (error, g_steal_pointer (&cause));
  return FALSE;
}

/* Whether the last write changed a row; a deferred write is taken as one. */
gboolean
sr_journal_write_changed (SrJournal *j)
{
  return !j->in_txn || sqlite3_changes (j->db) > 0;
}

void
sr_journal_write_end (SrJournal *j)
{
  if (j->in_txn && j->pending >= j->max_changes)
    commit (j, NULL);
}

gboolean
sr_journal_flush (SrJournal *journal, GError **error)
{
  g_return_val_if_fail (journal != NULL, FALSE);
  GError *local = NULL;
  gboolean ok = journal->failure != NULL ? retry_now (journal) : commit (journal, &local);
  if (!ok && local == NULL)
    local = g_error_copy (journal->failure);
  if (!ok)
    g_propagate_error (error, local);
  dispatch_all (journal);
  return ok;
}

void
sr_journal_commit_soon (SrJournal *journal)
{
  g_return_if_fail (journal != NULL);
  if (!journal->in_txn || journal->timer_soon)
    return;
  cancel_timer (journal);
  journal->timer = g_idle_source_new ();
  journal->timer_soon = TRUE;
  g_source_set_priority (journal->timer, G_PRIORITY_DEFAULT);
  g_source_set_callback (journal->timer, timer_cb, journal, NULL);
  g_source_set_static_name (journal->timer, "sr-journal commit soon");
  g_source_attach (journal->timer, journal->context);
}

void
sr_journal_when_committed (SrJournal *journal, SrJournalCommittedFunc func, gpointer user_data)
{
  g_return_if_fail (journal != NULL && func != NULL);
  SrJournalWaiter *w = g_new0 (SrJournalWaiter, 1);
  w->func = func;
  w->user_data = user_data;
  if (journal->in_txn || journal->failure != NULL)
    g_queue_push_tail (&journal->waiting, w);
  else
    {
      g_queue_push_tail (&journal->ready, w);
      schedule_dispatch (journal);
    }
}

void
sr_journal_set_error_func (SrJournal *journal, SrJournalErrorFunc func, gpointer user_data)
{
  g_return_if_fail (journal != NULL);
  journal->error_func = func;
  journal->error_data = user_data;
}

void
sr_journal_set_health_func (SrJournal *journal, SrJournalHealthFunc func, gpointer user_data)
{
  g_return_if_fail (journal != NULL);
  journal->health_func = func;
  journal->health_data = user_data;
}

gboolean
sr_journal_is_healthy (SrJournal *journal)
{
  g_return_val_if_fail (journal != NULL, FALSE);
  return journal->failure == NULL;
}

void
sr_journal_set_batch (SrJournal *journal, guint max_changes, guint max_delay_ms)
{
  g_return_if_fail (journal != NULL);
  journal->max_changes = MAX (max_changes, 1);
  journal->max_delay_ms = max_delay_ms;
}

void
sr_journal_get_stats (SrJournal *journal, SrJournalStats *stats)
{
  g_return_if_fail (journal != NULL && stats != NULL);
  *stats = journal->stats;
  stats->checkpoints = (guint64) g_atomic_int_get (&journal->checkpoints);
}

void
sr_journal_debug_fail_commits (SrJournal *journal, guint n)
{
  g_return_if_fail (journal != NULL);
  journal->fail_commits = n;
}

guint
sr_journal_debug_set_max_pages (SrJournal *journal, guint max_pages)
{
  g_return_val_if_fail (journal != NULL, 0);
  g_autofree char *sql = g_strdup_printf ("PRAGMA max_page_count = %u",
                                          max_pages ? max_pages : 0xfffffffeU);
  sqlite3_stmt *st = NULL;
  guint result = 0;
  if (sqlite3_prepare_v2 (journal->db, sql, -1, &st, NULL) == SQLITE_OK
      && sqlite3_step (st) == SQLITE_ROW)
    result = (guint) sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  return result;
}

/* ---- open / close ------------------------------------------------------ */

char *
sr_journal_path_for_spool (const char *spool_dir)
{
  g_return_val_if_fail (spool_dir != NULL, NULL);
  return g_build_filename (spool_dir, "router", "journal.db", NULL);
}

static gboolean
exec_pragma (SrJournal *j, const char *sql, GError **error)
{
  char *msg = NULL;
  int rc = sqlite3_exec (j->db, sql, NULL, NULL, &msg);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, SR_JOURNAL_ERROR, sr_journal_error_code (rc),
                   _("Could not open the journal %s: %s"), j->path,
                   msg ? msg : sqlite3_errstr (rc));
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_max_id (SrJournal *j, SrJournalStmt which, gint64 *next, GError **error)
{
  sqlite3_stmt *st = sr_journal_stmt (j, which, error);
  if (st == NULL)
    return FALSE;
  int rc = sqlite3_step (st);
  if (rc != SQLITE_ROW)
    {
      sr_journal_set_error (j, error, rc, _("read the last id"));
      sqlite3_reset (st);
      return FALSE;
    }
  *next = MAX (*next, sqlite3_column_int64 (st, 0) + 1);
  sqlite3_reset (st);
  return TRUE;
}

static void
finalize_stmt (gpointer st)
{
  sqlite3_finalize (st);
}

gboolean
sr_journal_error_needs_operator (const GError *error)
{
  return error != NULL && error->domain == SR_JOURNAL_ERROR
         && (error->code == SR_JOURNAL_ERROR_CORRUPT || error->code == SR_JOURNAL_ERROR_VERSION
             || error->code == SR_JOURNAL_ERROR_MISSING || error->code == SR_JOURNAL_ERROR_READ_ONLY);
}

gboolean
sr_journal_is_new (const char *path)
{
  GStatBuf st;
  g_return_val_if_fail (path != NULL, FALSE);
  if (g_stat (path, &st) != 0)
    return errno == ENOENT;
  /* SQLite takes an empty file for a new database; a WAL beside it holds data */
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  return st.st_size == 0 && g_stat (wal, &st) != 0;
}

static SrJournal *open_journal (const char *path, SrJournalOpenFlags flags, GError **error);

SrJournal *
sr_journal_open (const char *path, SrJournalOpenFlags flags, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  GError *local = NULL;
  SrJournal *j = open_journal (path, flags, &local);
  if (j == NULL && g_error_matches (local, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_CORRUPT))
    {
      /* never a silent fresh start: the rows of claimed messages are in it */
      g_set_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_CORRUPT,
                   _("%s. The journal is damaged: stop here, move %s aside (with any "
                     "journal.db-wal and journal.db-shm beside it) and keep it, restore the last "
                     "backup if there is one, and start again; see \"DAMAGED OR MISSING JOURNAL\" "
                     "in sms-router(1)."),
                   local->message, path);
      g_error_free (local);
      return NULL;
    }
  if (local != NULL)
    g_propagate_error (error, local);
  return j;
}

static SrJournal *
open_journal (const char *path, SrJournalOpenFlags flags, GError **error)
{

  g_autoptr (SrJournal) j = g_new0 (SrJournal, 1);
  j->path = g_strdup (path);
  j->read_only = (flags & SR_JOURNAL_OPEN_READ_ONLY) != 0;
  j->context = g_main_context_ref_thread_default ();
  j->max_changes = 256;
  j->max_delay_ms = 5;
  j->next_message_id = 1;
  j->next_inbound_id = 1;
  j->dyn_stmts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_stmt);
  g_queue_init (&j->waiting);
  g_queue_init (&j->ready);
  g_queue_init (&j->errors);
  sr_journal_redo_init (j);

  /* memory statistics cost a global mutex on every allocation; we never read
   * them.  Only possible before SQLite is initialised: later calls fail harmlessly. */
  static gsize configured = 0;
  if (g_once_init_enter (&configured))
    {
      sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
      g_once_init_leave (&configured, 1);
    }

  int oflags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
               | (j->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2 (path, &j->db, oflags, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, SR_JOURNAL_ERROR, sr_journal_error_code (rc),
                   _("Could not open the journal %s: %s"), path,
                   j->db ? sqlite3_errmsg (j->db) : sqlite3_errstr (rc));
      return NULL;
    }
  /* SQLite falls back to reading a file it may not write: the router would
   * start and never record a thing */
  if (!j->read_only && sqlite3_db_readonly (j->db, "main") == 1)
    {
      g_set_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_READ_ONLY,
                   _("The journal %s can be read but not written (its mode, owner or attributes, "
                     "or a read-only file system): make it writable for the router's user, then "
                     "start again (see \"DAMAGED OR MISSING JOURNAL\" in sms-router(1))."),
                   path);
      return NULL;
    }
  sqlite3_busy_timeout (j->db, SR_JOURNAL_BUSY_TIMEOUT_MS);
  sqlite3_commit_hook (j->db, fail_commit_hook, j);

  /* NORMAL in WAL mode: a commit survives a crash of the process (kill -9);
   * only a power cut can lose the last commits, never corrupt the file. */
  if (!exec_pragma (j, "PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA secure_delete = ON;"
                       "PRAGMA cache_size = -16000", error))
    return NULL;
  /* journal_size_limit: a WAL that grew past it (a reader held it) is cut
   * back when it starts over (sr-journal-checkpoint.c keeps it short). */
  if (!j->read_only && !exec_pragma (j, "PRAGMA journal_mode = WAL; PRAGMA journal_size_limit = 4194304", error))
    return NULL;
  if (!sr_journal_migrate (j, j->read_only, error))
    return NULL;
  if (!read_max_id (j, STMT_MSG_MAX_ID, &j->next_message_id, error)
      || !read_max_id (j, STMT_IN_MAX_ID, &j->next_inbound_id, error)
      || !sr_journal_load_caches (j, error))
    return NULL;
  if (!j->read_only && !sr_journal_checkpointer_start (j, error))
    return NULL;
  return g_steal_pointer (&j);
}

void
sr_journal_close (SrJournal *journal)
{
  if (journal == NULL)
    return;
  if (journal->failure != NULL && !retry_now (journal))
    {
      /* the last try failed: what was kept is lost, and everyone waiting
       * is told so */
      g_autoptr (GError) cause = g_error_copy (journal->failure);
      if (journal->in_txn && !sqlite3_get_autocommit (journal->db))
        sqlite3_exec (journal->db, "ROLLBACK", NULL, NULL, NULL);
      g_clear_error (&journal->failure);
      cancel_retry (journal);
      batch_lost (journal, cause);
    }
  else if (journal->db != NULL && journal->in_txn)
    commit (journal, NULL);
  /* the owner is going away: no word of health from inside its teardown */
  journal->health_report = FALSE;
  dispatch_all (journal);
  sr_journal_checkpointer_stop (journal);
  cancel_timer (journal);
  if (journal->dispatch != NULL)
    {
      g_source_destroy (journal->dispatch);
      g_clear_pointer (&journal->dispatch, g_source_unref);
    }
  for (guint i = 0; i < STMT_N; i++)
    sqlite3_finalize (journal->stmts[i]);
  g_clear_pointer (&journal->dyn_stmts, g_hash_table_unref);
  if (journal->db != NULL)
    {
      int rc = sqlite3_close (journal->db);
      if (rc != SQLITE_OK)
        g_warning ("closing the journal %s: %s", journal->path, sqlite3_errstr (rc));
    }
  sr_journal_free_caches (journal);
  sr_journal_redo_free (journal);
  g_clear_error (&journal->failure);
  g_main_context_unref (journal->context);
  g_free (journal->path);
  g_free (journal);
}

const char *
sr_journal_get_path (SrJournal *journal)
{
  g_return_val_if_fail (journal != NULL, NULL);
  return journal->path;
}

gint
sr_journal_get_schema_version (SrJournal *journal)
{
  g_return_val_if_fail (journal != NULL, -1);
  return journal->schema_version;
}
