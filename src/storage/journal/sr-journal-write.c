/* sr-journal-write.c — recording messages, parts, receipts, inbound SMS and events.
 *
 * Every write joins the open batch (sr_journal_write_begin) and may close it
 * when the batch is full (sr_journal_write_end).  Write statements bind
 * through sr_journal_put_*(), which also record the values so that a batch
 * a storage failure rolled back can be applied again (sr-journal-redo.c).
 */
#define G_LOG_DOMAIN "sr-journal"

#include <string.h>

#include "sr-journal-private.h"

/* The console shows a line; search needs a little more than a screen width. */
#define PREVIEW_MAX_BYTES 320

static gboolean
state_is_final (SrMessageState state)
{
  return state == SR_MESSAGE_DELIVERED || state == SR_MESSAGE_UNDELIVERABLE
         || state == SR_MESSAGE_DEAD || state == SR_MESSAGE_DISCARDED;
}

static void
put_preview (SrJournal *j, sqlite3_stmt *st, int i, const char *text)
{
  if (text == NULL)
    {
      sr_journal_put_text (j, st, i, NULL, 0);
      return;
    }
  size_t len = strlen (text);
  if (len > PREVIEW_MAX_BYTES)
    {
      /* cut at a character boundary */
      const char *end = g_utf8_find_prev_char (text, text + PREVIEW_MAX_BYTES + 1);
      len = end ? (size_t) (end - text) : 0;
    }
  sr_journal_put_text (j, st, i, text, (int) len);
}

static gboolean
not_found (SrJournal *j, GError **error, const char *what, gint64 id)
{
  g_set_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_NOT_FOUND,
               _("Could not %s in the journal %s: there is no message %lld."),
               what, j->path, (long long) id);
  return FALSE;
}

gint64
sr_journal_message_insert (SrJournal *journal, const SrJournalMessage *m, GError **error)
{
  g_return_val_if_fail (journal != NULL && m != NULL, 0);
  g_return_val_if_fail (m->app != NULL && m->file != NULL, 0);
  g_return_val_if_fail ((guint) m->state < SR_MESSAGE_N_STATES, 0);

  if (!sr_journal_write_begin (journal, error))
    return 0;
  sqlite3_stmt *st = sr_journal_stmt (journal, STMT_MSG_INSERT, error);
  if (st == NULL)
    return 0;

  gint64 id = journal->next_message_id;
  sr_journal_put_int (journal, st, 1, id);
  sr_journal_put_text (journal, st, 2, m->app, -1);
  sr_journal_put_text (journal, st, 3, m->file, -1);
  sr_journal_put_text (journal, st, 4, m->reference, -1);
  sr_journal_put_text (journal, st, 5, m->to_raw, -1);
  sr_journal_put_text (journal, st, 6, m->to_e164, -1);
  sr_journal_put_text (journal, st, 7, m->country, -1);
  sr_journal_put_text (journal, st, 8, m->from_addr, -1);
  sr_journal_put_text (journal, st, 9, m->alphabet, -1);
  sr_journal_put_int (journal, st, 10, (int) m->parts);
  sr_journal_put_int (journal, st, 11, m->state);
  sr_journal_put_int (journal, st, 12, (int) m->attempts);
  sr_journal_put_time (journal, st, 13, m->next_attempt_at);
  sr_journal_put_text (journal, st, 14, m->provider, -1);
  sr_journal_put_int (journal, st, 15, m->error_class);
  sr_journal_put_int (journal, st, 16, m->error_code);
  sr_journal_put_text (journal, st, 17, m->error_text, -1);
  sr_journal_put_int (journal, st, 18, m->created_at);
  sr_journal_put_time (journal, st, 19, m->submitted_at);
  sr_journal_put_time (journal, st, 20, m->done_at);
  put_preview (journal, st, 21, m->preview);
  if (!sr_journal_write_step (journal, st, _("insert a message"), error))
    return 0;

  journal->next_message_id++;
  sr_journal_count_move (journal, m->app, -1, m->state);
  sr_journal_write_end (journal);
  return id;
}

gboolean
sr_journal_message_set_parsed (SrJournal *journal, const SrJournalMessage *m, GError **error)
{
  g_return_val_if_fail (journal != NULL && m != NULL, FALSE);

  if (!sr_journal_write_begin (journal, error))
    return FALSE;
  sqlite3_stmt *st = sr_journal_stmt (journal, STMT_MSG_PARSED, error);
  if (st == NULL)
    return FALSE;
  sr_journal_put_int (journal, st, 1, m->id);
  sr_journal_put_text (journal, st, 2, m->reference, -1);
  sr_journal_put_text (journal, st, 3, m->to_raw, -1);
  sr_journal_put_text (journal, st, 4, m->to_e164, -1);
  sr_journal_put_text (journal, st, 5, m->country, -1);
  sr_journal_put_text (journal, st, 6, m->from_addr, -1);
  sr_journal_put_text (journal, st, 7, m->alphabet, -1);
  sr_journal_put_int (journal, st, 8, (int) m->parts);
  put_preview (journal, st, 9, m->preview);
  if (!sr_journal_write_step (journal, st, _("record a parsed message"), error))
    return FALSE;
  gboolean found = sr_journal_write_changed (journal);
  sr_journal_write_end (journal);
  return found ? TRUE : not_found (journal, error, _("record a parsed message"), m->id);
}

/* The message's current state and its app's count array, for moving counts. */
static gboolean
lookup_state (SrJournal *j, gint64 id, const char *what, gint *state, guint64 **counts,
              GError **error)
{
  if (G_UNLIKELY (sr_journal_deferring (j)))
    {
      /* the row may be among the deferred writes: counts are read back
       * once they commit */
      *state = -1;
      j->recount = TRUE;
      return TRUE;
    }
  sqlite3_stmt *st = sr_journal_stmt (j, STMT_MSG_STATE_OF, error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, id);
  int rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    {
      *state = sqlite3_column_int (st, 0);
      *counts = g_hash_table_lookup (j->state_counts, sqlite3_column_text (st, 1));
    }
  sr_journal_stmt_done (st);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc == SQLITE_DONE)
    return not_found (j, error, what, id);
  sr_journal_set_error (j, error, rc, what);
  return FALSE;
}

static void
move_count (SrJournal *j, guint64 *counts, gint from, gint to)
{
  if (from == to || from < 0)
    return;
  if (counts != NULL)
    {
      counts[from]--;
      counts[to]++;
    }
  j->total_counts[from]--;
  j->total_counts[to]++;
}

/* Shared by set_state and the receipt path; the caller has begun a write. */
static gboolean
set_state (SrJournal *j, gint64 id, SrMessageState state, gint64 now, GError **error)
{
  const char *what = _("change a message's state");
  gint old;
  guint64 *counts = NULL;
  if (!lookup_state (j, id, what, &old, &counts, error))
    return FALSE;
  sqlite3_stmt *st = sr_journal_stmt (j, STMT_MSG_SET_STATE, error);
  if (st == NULL)
    return FALSE;
  sr_journal_put_int (j, st, 1, id);
  sr_journal_put_int (j, st, 2, state);
  sr_journal_put_time (j, st, 3, state == SR_MESSAGE_SENT ? now : 0);
  sr_journal_put_time (j, st, 4, state_is_final (state) ? now : 0);
  if (!sr_journal_write_step (j, st, what, error))
    return FALSE;
  move_count (j, counts, old, state);
  return TRUE;
}

gboolean
sr_journal_message_set_state (SrJournal *journal, gint64 id, SrMessageState state,
                              gint64 now, GError **error)
{
  g_return_val_if_fail (journal != NULL, FALSE);
  g_return_val_if_fail ((guint) state < SR_MESSAGE_N_STATES, FALSE);

  if (!sr_journal_write_begin (journal, error))
    return FALSE;
  gboolean ok = set_state (journal, id, state, now, error);
  sr_journal_write_end (journal);
  return ok;
}

gboolean
sr_journal_message_set_attempt (SrJournal *journal, gint64 id, guint attempts,
                                const char *provider, gint64 next_attempt_at, GError **error)
{
  g_return_val_if_fail (journal != NULL, FALSE);

  if (!sr_journal_write_begin (journal, error))
    return FALSE;
  sqlite3_stmt *st = sr_journal_stmt (journal, STMT_MSG_SET_ATTEMPT, error);
  if (st == NULL)
    return FALSE;
  sr_journal_put_int (journal, st, 1, id);
  sr_journal_put_int (journal, st, 2, (int) attempts);
  sr_journal_put_text (journal, st, 3, provider, -1);
  sr_journal_put_time (journal, st, 4, next_attempt_at);
  if (!sr_journal_write_step (journal, st, _("record an attempt"), error))
    return FALSE;
  gboolean found = sr_journal_write_changed (journal);
  sr_journal_write_end (journal);
  return found ? TRUE : not_found (journal, error, _("record an attempt"), id);
}

gboolean
sr_journal_message_set_error (SrJournal *journal, gint64 id, SrMessageState state,
                              SrErrorClass klass, gint code, const char *text,
                              gint64 now, GError **error)
{
  g_return_val_if_fail (journal != NULL, FALSE);
  g_return_val_if_fail ((guint) state < SR_MESSAGE_N_STATES, FALSE);

  const char *what = _("record a message's error");
  if (!sr_journal_write_begin (journal, error))
    return FALSE;
  gint old;
  guint64 *counts = NULL;
  if (!lookup_state (journal, id, what, &old, &counts, error))
    return FALSE;
  sqlite3_stmt *st = sr_journal_stmt (journal, STMT_MSG_SET_ERROR, error);
  if (st == NULL)
    return FALSE;
  sr_journal_put_int (journal, st, 1, id);
  sr_journal_put_int (journal, st, 2, state);
  sr_journal_put_int (journal, st, 3, klass);
  sr_journal_put_int (journal, st, 4, code);
  sr_journal_put_text (journal, st, 5, text, -1);
  sr_journal_put_time (journal, st, 6, state_is_final (state) ? now : 0);
  if (!sr_journal_write_step (journal, st, what, error))
    return FALSE;
  move_count (journal, counts, old, state);
  sr_journal_write_end (journal);
  return TRUE;
}

/* ---- segments and receipts ---------------------------------------------- */

gboolean
sr_journal_segments_add (SrJournal *journal, gint64 message_id, guint n_parts, GError **error)
{
  g_return_val_if_fail (journal != NULL && n_parts > 0, FALSE);

  if (!sr_journal_write_begin (journal, error))
    return FALSE;
  sqlite3_stmt *st = sr_journal_stmt (journal, STMT_SEG_INSERT, error);
  if (st == NULL)
    return FALSE;
  for (guint part = 1; part <= n_parts; part++)
    {
      sr_journal_put_int (journal, st, 1, message_id);
      sr_journal_put_int (journal, st, 2, (int) part);
      if (!sr_journal_write_step (journal, st, _("record a message part"), error))
        return FALSE;
    }
  sr_journal_write_end (journal);
  return TRUE;
}

gboolean
sr_journal_segment_set_submit (SrJournal *journal, gint64 message_id, guint part,
                               SrSegmentSubmit submit, const char *provider,
                               const char *smsc_id, gint command_status,
                               gint64 now, GError **error)
{
  g_return_val_if_fail (journal != NULL, FALSE);

  const char *what = _("record a part's submission");
  if (!sr_journal_write_begin (journal, error))
    return FALSE;
  sqlite3_stmt *st = sr_journal_stmt (journal, STMT_SEG_SET_SUBMIT, error);
  if (st == NULL)
    return FALSE;
  sr_journal_put_int (journal, st, 1, message_id);
  sr_journal_put_int (journal, st, 2, (int) part);
  sr_journal_put_int (journal, st, 3, submit);
  sr_journal_put_text (journal, st, 4, provider, -1);
  sr_journal_put_text (journal, st, 5, smsc_id, -1);
  sr_journal_put_int (journal, st, 6, command_status);
  sr_journal_put_time (journal, st, 7, now);
  if (!sr_journal_write_step (journal, st, what, error))
    return FALSE;
  gboolean found = sr_journal_write_changed (journal);
  sr_journal_write_end (journal);
  if (!found)
    {
      g_set_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_NOT_FOUND,
                   _("Could not %s in the journal %s: message %lld has no part %u."),
                   what, journal->path, (long long) message_id, part);
      return FALSE;
    }
  return TRUE;
}

gint
sr_journal_segment_find (SrJournal *journal, const char *smsc_id, const char *provider,
                         gint64 since, gint64 until, gint64 *message_id, guint *part,
                         GError **error)
{
  g_return_val_if_fail (journal != NULL && smsc_id != NULL, -1);

  sqlite3_stmt *st = sr_journal_stmt (journal, STMT_SEG_BY_SMSC, error);
  if (st == NULL)
    return -1;
  sr_journal_bind_text (st, 1, smsc_id);
  sr_journal_bind_text (st, 2, provider);
  if (since != 0)
    {
      sqlite3_bind_int64 (st, 3, since);
      sqlite3_bind_int64 (st, 4, until);
    }
  gint n = 0;
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      if (n++ > 0)
        continue;
      if (message_id != NULL)
        *message_id = sqlite3_column_int64 (st, 0);
      if (part != NULL)
        *part = (guint) sqlite3_column_int (st, 1);
    }
  sr_journal_stmt_done (st);
  if (rc != SQLITE_DONE)
    {
      sr_journal_set_error (journal, error, rc, _("look up a receipt's message"));
      return -1;
    }
  return n;
}

static SrReceiptState
receipt_state (const SrJournalReceipt *receipt)
{
  return receipt->state != SR_RECEIPT_NONE ? receipt->state
                                           : sr_journal_receipt_state_from_stat (receipt->stat);
}

/* The message of a receipt for @part in @state as it is once that receipt
 * is recorded: its parts' receipts (the first final receipt of a part
 * stands), the state derived from them (info->state), and whether the
 * message's row must change (*new_state differs from info->state). */
static SrJournalReceiptInfo *
receipt_outcome (SrJournal *j, gint64 message_id, guint part, SrReceiptState state,
                 SrMessageState *new_state, GError **error)
{
  const char *what = _("record a receipt");
  sqlite3_stmt *st = sr_journal_stmt (j, STMT_SEG_TALLY, error);
  if (st == NULL)
    return NULL;
  g_autoptr (SrJournalReceiptInfo) info = g_new0 (SrJournalReceiptInfo, 1);
  gint64 n = 0, delivered = 0, failed = 0;
  int rc;
  sqlite3_bind_int64 (st, 1, message_id);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      SrReceiptState r = (SrReceiptState) sqlite3_column_int (st, 1);
      if ((guint) sqlite3_column_int (st, 0) == part)
        {
          if (r < SR_RECEIPT_DELIVERED)
            r = state;
          else if (state >= SR_RECEIPT_DELIVERED)
            {
              info->repeated = TRUE;
              info->kept_stat = sr_journal_column_strdup (st, 2);
            }
        }
      n++;
      delivered += r == SR_RECEIPT_DELIVERED;
      failed += r == SR_RECEIPT_FAILED;
    }
  sr_journal_stmt_done (st);
  if (rc != SQLITE_DONE)
    {
      sr_journal_set_error (j, error, rc, what);
      return NULL;
    }

  st = sr_journal_stmt (j, STMT_MSG_RECEIPT_INFO, error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, message_id);
  rc = sqlite3_step (st);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        not_found (j, error, what, message_id);
      else
        sr_journal_set_error (j, error, rc, what);
      sr_journal_stmt_done (st);
      return NULL;
    }
  info->message_id = message_id;
  info->part = part;
  info->parts = (guint) sqlite3_column_int (st, 0);
  info->app = sr_journal_column_strdup (st, 1);
  info->file = sr_journal_column_strdup (st, 2);
  info->reference = sr_journal_column_strdup (st, 3);
  info->to_e164 = sr_journal_column_strdup (st, 4);
  info->to_raw = sr_journal_column_strdup (st, 5);
  info->submitted_at = sqlite3_column_int64 (st, 6);
  info->state = (SrMessageState) sqlite3_column_int (st, 7);
  sr_journal_stmt_done (st);
  /* the parts actually recorded are the truth of what was sent */
  if (n > 0)
    info->parts = (guint) n;

  info->final = n > 0 && delivered + failed == n;
  *new_state = info->state;
  if (n > 0 && delivered == n)
    *new_state = SR_MESSAGE_DELIVERED;
  else if (info->final)
    *new_state = SR_MESSAGE_UNDELIVERABLE;
  return g_steal_pointer (&info);
}

SrJournalReceiptInfo *
sr_journal_receipt_preview (SrJournal *journal, const SrJournalReceipt *receipt, GError **error)
{
  g_return_val_if_fail (journal != NULL && receipt != NULL && receipt->message_id != 0, NULL);

  SrMessageState state;
  SrJournalReceiptInfo *info = receipt_outcome (journal, receipt->message_id, receipt->part,
                                                receipt_state (receipt), &state, error);
  if (info != NULL)
    info->state = state;
  return info;
}

gint
sr_journal_record_receipt (SrJournal *journal, const SrJournalReceipt *receipt,
                           SrJournalReceiptInfo **info, GError **error)
{
  g_return_val_if_fail (journal != NULL && receipt != NULL, -1);
  g_return_val_if_fail (info == NULL || *info == NULL, -1);

  const char *what = _("record a receipt");
  if (!sr_journal_write_begin_live (journal, error))
    return -1;

  SrReceiptState state = receipt_state (receipt);
  gint64 message_id = receipt->message_id;
  guint part = receipt->part;
  if (message_id == 0 && receipt->smsc_id != NULL
      && sr_journal_segment_find (journal, receipt->smsc_id, receipt->provider, 0, 0,
                                  &message_id, &part, error) < 0)
    return -1;

  g_autoptr (SrJournalReceiptInfo) found = NULL;
  if (message_id != 0)
    {
      SrMessageState new_state;
      found = receipt_outcome (journal, message_id, part, state, &new_state, error);
      if (found == NULL)
        return -1;
      sqlite3_stmt *st = sr_journal_stmt (journal, STMT_SEG_SET_RECEIPT, error);
      if (st == NULL)
        return -1;
      sr_journal_put_int (journal, st, 1, message_id);
      sr_journal_put_int (journal, st, 2, (int) part);
      sr_journal_put_int (journal, st, 3, state);
      sr_journal_put_text (journal, st, 4, receipt->stat, -1);
      sr_journal_put_text (journal, st, 5, receipt->err, -1);
      sr_journal_put_time (journal, st, 6, receipt->received_at);
      if (!sr_journal_write_step (journal, st, what, error))
        return -1;
      if (new_state != found->state)
        {
          if (!set_state (journal, message_id, new_state, receipt->received_at, error))
            return -1;
          found->state = new_state;
        }
    }

  sqlite3_stmt *st = sr_journal_stmt (journal, STMT_RCPT_INSERT, error);
  if (st == NULL)
    return -1;
  sr_journal_put_int (journal, st, 1, receipt->received_at);
  sr_journal_put_text (journal, st, 2, receipt->provider, -1);
  sr_journal_put_text (journal, st, 3, receipt->smsc_id, -1);
  sr_journal_put_time (journal, st, 4, message_id);
  if (message_id != 0)
    sr_journal_put_int (journal, st, 5, (int) part);
  sr_journal_put_int (journal, st, 6, state);
  sr_journal_put_text (journal, st, 7, receipt->stat, -1);
  sr_journal_put_text (journal, st, 8, receipt->err, -1);
  sr_journal_put_time (journal, st, 9, receipt->done_at);
  sr_journal_put_text (journal, st, 10, receipt->raw, -1);
  if (!sr_journal_write_step (journal, st, what, error))
    return -1;
  sr_journal_write_end (journal);

  if (found == NULL)
    return SR_RECEIPT_UNMATCHED;
  if (info != NULL)
    *info = g_steal_pointer (&found);
  return SR_RECEIPT_MATCHED;
}

/* ---- inbound and events ------------------------------------------------ */

gint64
sr_journal_inbound_insert (SrJournal *journal, const SrJournalInbound *in,
                           gboolean *duplicate, GError **error)
{
  g_return_val_if_fail (journal != NULL && in != NULL, 0);

  const char *what = _("record an inbound message");
  if (duplicate != NULL)
    *duplicate = FALSE;
  if (!sr_journal_write_begin_live (journal, error))
    return 0;
  sqlite3_stmt *st = sr_journal_stmt (journal, STMT_IN_INSERT, error);
  if (st == NULL)
    return 0;
  gint64 id = journal->next_inbound_id;
  sr_journal_put_int (journal, st, 1, id);
  sr_journal_put_text (journal, st, 2, in->provider, -1);
  sr_journal_put_text (journal, st, 3, in->sender, -1);
  sr_journal_put_text (journal, st, 4, in->recipient, -1);
  sr_journal_put_text (journal, st, 5, in->app, -1);
  sr_journal_put_text (journal, st, 6, in->text, -1);
  sr_journal_put_int (journal, st, 7, (int) MAX (in->parts, 1));
  sr_journal_put_int (journal, st, 8, in->received_at);
  sr_journal_put_text (journal, st, 9, in->verdict, -1);
  sr_journal_put_text (journal, st, 10, in->dedup_key, -1);
  sr_journal_put_text (journal, st, 11, in->file, -1);
  if (!sr_journal_write_step (journal, st, what, error))
    return 0;

  if (sr_journal_write_changed (journal))
    {
      journal->next_inbound_id++;
      sr_journal_write_end (journal);
      return id;
    }

  /* the dedup key is already there: the SMSC redelivered */
  st = sr_journal_stmt (journal, STMT_IN_BY_KEY, error);
  if (st == NULL)
    return 0;
  sr_journal_bind_text (st, 1, in->dedup_key);
  int rc = sqlite3_step (st);
  id = rc == SQLITE_ROW ? sqlite3_column_int64 (st, 0) : 0;
  sr_journal_stmt_done (st);
  if (id == 0)
    {
      sr_journal_set_error (journal, error, rc == SQLITE_DONE ? SQLITE_ERROR : rc, what);
      return 0;
    }
  if (duplicate != NULL)
    *duplicate = TRUE;
  sr_journal_write_end (journal);
  return id;
}

gboolean
sr_journal_event_add (SrJournal *journal, gint64 now, SrScope scope, SrJournalLevel level,
                      const char *kind, gint64 message_id, const char *app,
                      const char *actor, const char *text, GError **error)
{
  g_return_val_if_fail (journal != NULL && kind != NULL, FALSE);

  if (!sr_journal_write_begin (journal, error))
    return FALSE;
  sqlite3_stmt *st = sr_journal_stmt (journal, STMT_EV_INSERT, error);
  if (st == NULL)
    return FALSE;
  sr_journal_put_int (journal, st, 1, now);
  sr_journal_put_int (journal, st, 2, scope);
  sr_journal_put_int (journal, st, 3, level);
  sr_journal_put_text (journal, st, 4, kind, -1);
  sr_journal_put_time (journal, st, 5, message_id);
  sr_journal_put_text (journal, st, 6, app, -1);
  sr_journal_put_text (journal, st, 7, actor ? actor : "router", -1);
  sr_journal_put_text (journal, st, 8, text, -1);
  if (!sr_journal_write_step (journal, st, _("add to the audit log"), error))
    return FALSE;
  sr_journal_write_end (journal);
  return TRUE;
}
