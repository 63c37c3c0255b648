/* sr-journal-stats.c — delivery figures by country and provider. */
#define G_LOG_DOMAIN "sr-journal"

#include "sr-journal-stats.h"

#include "sr-journal-private.h"

static void
delivery_count_free (SrJournalDeliveryCount *c)
{
  g_free (c->country);
  g_free (c->provider);
  g_free (c);
}

/* The created_at of the first row at or after @id; FALSE at the end. */
static gboolean
created_at_from (SrJournal *j, sqlite3_stmt *st, gint64 id, gint64 *created, gint64 *row_id,
                 int *rc)
{
  sqlite3_bind_int64 (st, 1, id);
  *rc = sqlite3_step (st);
  gboolean found = *rc == SQLITE_ROW;
  if (found)
    {
      *row_id = sqlite3_column_int64 (st, 0);
      *created = sqlite3_column_int64 (st, 1);
      *rc = SQLITE_OK;
    }
  else if (*rc == SQLITE_DONE)
    *rc = SQLITE_OK;
  sr_journal_stmt_done (st);
  return found;
}

gint64
sr_journal_first_id_since (SrJournal *j, gint64 since, GError **error)
{
  g_return_val_if_fail (j != NULL, -1);
  sqlite3_stmt *st = sr_journal_stmt_sql (
    j, "SELECT id, created_at FROM messages WHERE id >= ?1 ORDER BY id LIMIT 1", error);
  if (st == NULL)
    return -1;
  sqlite3_stmt *max = sr_journal_stmt_sql (j, "SELECT coalesce(max(id), 0) FROM messages", error);
  if (max == NULL)
    return -1;
  int rc = sqlite3_step (max);
  gint64 hi = rc == SQLITE_ROW ? sqlite3_column_int64 (max, 0) + 1 : 0;
  sr_journal_stmt_done (max);
  if (rc != SQLITE_ROW)
    {
      sr_journal_set_error (j, error, rc, _("read delivery figures"));
      return -1;
    }
  /* Invariant: rows before lo were claimed before @since, rows from hi on
   * at or after it. */
  gint64 lo = 0;
  while (lo < hi)
    {
      gint64 mid = lo + (hi - lo) / 2, created = 0, row = 0;
      if (!created_at_from (j, st, mid, &created, &row, &rc))
        {
          if (rc != SQLITE_OK)
            {
              sr_journal_set_error (j, error, rc, _("read delivery figures"));
              return -1;
            }
          hi = mid;                  /* no row from mid on */
        }
      else if (created < since)
        lo = row + 1;
      else
        hi = mid;
    }
  return lo;
}

GPtrArray *
sr_journal_delivery_counts (SrJournal *j, gint64 since, gint64 recent_since, GError **error)
{
  g_return_val_if_fail (j != NULL, NULL);
  gint64 first = sr_journal_first_id_since (j, since, error);
  if (first < 0)
    return NULL;
  /* created_at is checked as well: a clock set back may leave an older row
   * after the first one of the window. */
  sqlite3_stmt *st = sr_journal_stmt_sql (
    j, "SELECT country, provider, state, created_at >= ?3, count(*) FROM messages"
       " WHERE id >= ?1 AND created_at >= ?2 GROUP BY 1, 2, 3, 4", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, first);
  sqlite3_bind_int64 (st, 2, since);
  sqlite3_bind_int64 (st, 3, MAX (recent_since, since));
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) delivery_count_free);
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gint state = sqlite3_column_int (st, 2);
      if (state < 0 || state >= SR_MESSAGE_N_STATES)
        continue;
      SrJournalDeliveryCount *c = g_new0 (SrJournalDeliveryCount, 1);
      c->country = sr_journal_column_strdup (st, 0);
      c->provider = sr_journal_column_strdup (st, 1);
      c->state = (SrMessageState) state;
      c->recent = sqlite3_column_int (st, 3) != 0;
      c->count = (guint64) sqlite3_column_int64 (st, 4);
      g_ptr_array_add (out, c);
    }
  sr_journal_stmt_done (st);
  if (rc != SQLITE_DONE)
    {
      sr_journal_set_error (j, error, rc, _("read delivery figures"));
      g_ptr_array_unref (out);
      return NULL;
    }
  return out;
}
