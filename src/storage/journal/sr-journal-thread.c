/* sr-journal-thread.c — the conversation with one number, a page at a time.
 *
 * Two streams make a thread: the messages to the number (messages_to) and
 * the inbound messages from it (inbound_sender).  Each is keyset-paged on
 * its own ids, which grow with its time; the pages are merged by time and
 * cut to the limit, and each stream's cursor moves past what was kept.  A
 * page therefore costs two indexed range reads of limit + 1 rows and one
 * receipt lookup per kept message, however long the number's history is.
 */
#define G_LOG_DOMAIN "sr-journal"

#include "sr-journal-private.h"

/* Reads up to limit rows of one stream next to cursor (see run_stream). */
static const char *const stream_sql[2][2] = {
  /* [stream][dir]: messages, inbound × older, newer */
  { "SELECT " SR_JOURNAL_MSG_COLS " FROM messages INDEXED BY messages_to"
    " WHERE to_e164 = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3",
    "SELECT " SR_JOURNAL_MSG_COLS " FROM messages INDEXED BY messages_to"
    " WHERE to_e164 = ?1 AND id > ?2 ORDER BY id ASC LIMIT ?3" },
  { "SELECT " SR_JOURNAL_IN_COLS " FROM inbound INDEXED BY inbound_sender"
    " WHERE sender = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3",
    "SELECT " SR_JOURNAL_IN_COLS " FROM inbound INDEXED BY inbound_sender"
    " WHERE sender = ?1 AND id > ?2 ORDER BY id ASC LIMIT ?3" },
};

typedef gpointer (*ThreadRowReader) (sqlite3_stmt *st);

/* Steps st (parameters bound) to its end, appending its rows. */
static gboolean
collect (SrJournal *j, sqlite3_stmt *st, ThreadRowReader reader, GPtrArray *rows, GError **error)
{
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    g_ptr_array_add (rows, reader (st));
  sr_journal_stmt_done (st);
  if (rc != SQLITE_DONE)
    {
      sr_journal_set_error (j, error, rc, _("read a conversation"));
      return FALSE;
    }
  return TRUE;
}

/* Appends the rows of one stream, nearest the cursor first. */
static gboolean
run_stream (SrJournal *j, guint stream, SrPageDirection dir, const char *number, gint64 cursor,
            guint limit, ThreadRowReader reader, GPtrArray *rows, GError **error)
{
  sqlite3_stmt *st = sr_journal_stmt_sql (j, stream_sql[stream][dir == SR_PAGE_NEWER], error);
  if (st == NULL)
    return FALSE;
  if (cursor == 0)
    cursor = dir == SR_PAGE_OLDER ? G_MAXINT64 : 0;
  sqlite3_bind_text (st, 1, number, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 2, cursor);
  sqlite3_bind_int64 (st, 3, limit);
  return collect (j, st, reader, rows, error);
}

/* Appends the receipts of message id. */
static gboolean
add_receipts (SrJournal *j, gint64 id, GPtrArray *receipts, GError **error)
{
  sqlite3_stmt *st = sr_journal_stmt (j, STMT_RCPT_OF_MSG, error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, id);
  return collect (j, st, (ThreadRowReader) sr_journal_receipt_from_row, receipts, error);
}

/* Whether a message at time mt comes before an inbound one at it in the
 * direction of the page: (time, message before inbound) ascending for
 * newer pages, descending for older ones. */
static gboolean
message_first (SrPageDirection dir, gint64 mt, gint64 it)
{
  return dir == SR_PAGE_NEWER ? mt <= it : mt > it;
}

/* Moves the first n rows of from to to; *cursor becomes the id of the last
 * (rows start with their id). */
static void
take (GPtrArray *from, guint n, GPtrArray *to, gint64 *cursor)
{
  for (guint k = 0; k < n; k++)
    {
      g_ptr_array_add (to, from->pdata[k]);
      *cursor = *(gint64 *) from->pdata[k];
      from->pdata[k] = NULL;
    }
}

static void
reverse (GPtrArray *a)
{
  for (guint i = 0, k = a->len ? a->len - 1 : 0; i < k; i++, k--)
    {
      gpointer t = a->pdata[i];
      a->pdata[i] = a->pdata[k];
      a->pdata[k] = t;
    }
}

SrJournalThread *
sr_journal_thread_page (SrJournal *journal, const char *number, SrPageDirection dir,
                        gint64 message_cursor, gint64 inbound_cursor, guint limit, GError **error)
{
  g_return_val_if_fail (journal != NULL && number != NULL && limit > 0, NULL);
  g_autoptr (SrJournalThread) t = g_new0 (SrJournalThread, 1);
  t->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_journal_message_free);
  t->receipts = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_journal_receipt_free);
  t->inbound = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_journal_inbound_free);
  t->message_cursor = message_cursor;
  t->inbound_cursor = inbound_cursor;

  g_autoptr (GPtrArray) msgs = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_journal_message_free);
  g_autoptr (GPtrArray) ins = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_journal_inbound_free);
  if (!run_stream (journal, 0, dir, number, message_cursor, limit + 1,
                   (ThreadRowReader) sr_journal_message_from_row, msgs, error)
      || !run_stream (journal, 1, dir, number, inbound_cursor, limit + 1,
                      (ThreadRowReader) sr_journal_inbound_from_row, ins, error))
    return NULL;

  /* Merge the two heads by time until the page is full. */
  guint m = 0, i = 0;
  while (m + i < limit && (m < msgs->len || i < ins->len))
    {
      SrJournalMessage *mh = m < msgs->len ? g_ptr_array_index (msgs, m) : NULL;
      SrJournalInbound *ih = i < ins->len ? g_ptr_array_index (ins, i) : NULL;
      if (mh && (!ih || message_first (dir, mh->created_at, ih->received_at)))
        m++;
      else
        i++;
    }
  take (msgs, m, t->messages, &t->message_cursor);
  take (ins, i, t->inbound, &t->inbound_cursor);
  t->more = m < msgs->len || i < ins->len;

  if (dir == SR_PAGE_OLDER)
    {
      reverse (t->messages);
      reverse (t->inbound);
    }
  for (guint k = 0; k < t->messages->len; k++)
    if (!add_receipts (journal, ((SrJournalMessage *) g_ptr_array_index (t->messages, k))->id,
                       t->receipts, error))
      return NULL;
  return g_steal_pointer (&t);
}

void
sr_journal_thread_free (SrJournalThread *t)
{
  if (t == NULL)
    return;
  g_ptr_array_unref (t->messages);
  g_ptr_array_unref (t->receipts);
  g_ptr_array_unref (t->inbound);
  g_free (t);
}
