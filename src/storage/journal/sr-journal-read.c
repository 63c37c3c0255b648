/* sr-journal-read.c — pages for the console, message details, export, restart, pruning.
 *
 * Lists are keyset-paged (id < cursor ORDER BY id DESC LIMIT n) on indexes,
 * so a page costs the same with ten rows or ten million; nothing here loads
 * a whole table.
 */
#define G_LOG_DOMAIN "sr-journal"

#include <stddef.h>
#include <string.h>

#include "sr-journal-private.h"

/* The page code reads a row's id through its first member. */
G_STATIC_ASSERT (offsetof (SrJournalMessage, id) == 0);
G_STATIC_ASSERT (offsetof (SrJournalInbound, id) == 0);
G_STATIC_ASSERT (offsetof (SrJournalEvent, id) == 0);
G_STATIC_ASSERT (offsetof (SrJournalReceipt, id) == 0);

typedef gpointer (*RowReader) (sqlite3_stmt *st);

#define LIKE(col) col " LIKE ?4 ESCAPE '\\'"

/* "%" filter "%" with LIKE's wildcards taken literally */
static char *
like_pattern (const char *filter)
{
  GString *s = g_string_sized_new (strlen (filter) + 3);
  g_string_append_c (s, '%');
  for (const char *p = filter; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '%');
  return g_string_free (s, FALSE);
}

/* Runs one page query.  Parameters: ?1 cursor, ?2 an integer (state, scope),
 * ?3 a text (app), ?4 the LIKE pattern, ?5 the limit.  Appends up to
 * limit rows to rows. */
static gboolean
run_page (SrJournal *j, const char *sql, RowReader reader, SrPageDirection dir, gint64 cursor,
          gint64 int_arg, const char *text_arg, const char *pattern, guint limit,
          GPtrArray *rows, GError **error)
{
  sqlite3_stmt *st = sr_journal_stmt_sql (j, sql, error);
  if (st == NULL)
    return FALSE;
  if (cursor == 0)
    cursor = dir == SR_PAGE_OLDER ? G_MAXINT64 : 0;
  sqlite3_bind_int64 (st, 1, cursor);
  sqlite3_bind_int64 (st, 2, int_arg);
  sr_journal_bind_text (st, 3, text_arg);
  sr_journal_bind_text (st, 4, pattern);
  sqlite3_bind_int64 (st, 5, limit);
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    g_ptr_array_add (rows, reader (st));
  sr_journal_stmt_done (st);
  if (rc != SQLITE_DONE)
    {
      sr_journal_set_error (j, error, rc, _("read a list"));
      return FALSE;
    }
  return TRUE;
}

/* An international number (prefix) long enough to be selective: searched
 * as a prefix on the destination's index, not as a substring of everything. */
static gboolean
is_e164 (const char *s)
{
  size_t len = strlen (s);
  if (len < 8 || len > 16 || s[0] != '+')
    return FALSE;
  for (size_t i = 1; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

static gint
compare_desc (gconstpointer a, gconstpointer b)
{
  gint64 x = **(const gint64 *const *) a, y = **(const gint64 *const *) b;
  return x < y ? 1 : x > y ? -1 : 0;
}

static gint
compare_asc (gconstpointer a, gconstpointer b)
{
  return -compare_desc (a, b);
}

/* Keeps the first limit rows and says where the next page starts. */
static GPtrArray *
finish_page (GPtrArray *rows, guint limit, gint64 *next_cursor)
{
  if (next_cursor != NULL)
    *next_cursor = rows->len > limit ? *(gint64 *) rows->pdata[limit - 1] : 0;
  if (rows->len > limit)
    g_ptr_array_set_size (rows, limit);
  return rows;
}

/* How many messages go to number (range FALSE) or to longer numbers
 * starting with it (range TRUE), counted on the index up to cap; -1 on error. */
static gint64
count_number (SrJournal *j, const char *number, gboolean range, gint64 cap, GError **error)
{
  sqlite3_stmt *st = sr_journal_stmt_sql (
    j, range ? "SELECT count(*) FROM (SELECT 1 FROM messages INDEXED BY messages_to"
               " WHERE to_e164 > ?1 AND to_e164 < (?1 || ':') LIMIT ?2)"
             : "SELECT count(*) FROM (SELECT 1 FROM messages INDEXED BY messages_to"
               " WHERE to_e164 = ?1 LIMIT ?2)", error);
  if (st == NULL)
    return -1;
  sqlite3_bind_text (st, 1, number, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 2, cap);
  int rc = sqlite3_step (st);
  gint64 n = rc == SQLITE_ROW ? sqlite3_column_int64 (st, 0) : 0;
  sr_journal_stmt_done (st);
  if (rc != SQLITE_ROW)
    {
      sr_journal_set_error (j, error, rc, _("read a list"));
      return -1;
    }
  return n;
}

/* Longer numbers than this many make a prefix "wide": their range is not
 * sorted, the state's ids are walked instead. */
#define WIDE_PREFIX 2000
/* A number's messages are counted up to this many (an index range read,
 * every page): beyond it, and with as many in the state, its own index is
 * walked. */
#define NUMBER_COUNT_CAP 20000

GPtrArray *
sr_journal_messages_page (SrJournal *journal, SrJournalView view, const char *app,
                          const char *filter, SrPageDirection dir, gint64 cursor,
                          guint limit, gint64 *next_cursor, GError **error)
{
  g_return_val_if_fail (journal != NULL && limit > 0, NULL);

  static const gint queue[] = { SR_MESSAGE_QUEUED, SR_MESSAGE_SUBMITTING, -1 };
  static const gint sent[] = { SR_MESSAGE_SENT, -1 };
  static const gint done[] = { SR_MESSAGE_DELIVERED, SR_MESSAGE_UNDELIVERABLE, -1 };
  static const gint dead[] = { SR_MESSAGE_DEAD, -1 };
  static const gint none[] = { -2, -1 }; /* no state condition */
  const gint *states = none;
  switch (view)
    {
    case SR_VIEW_QUEUE: states = queue; break;
    case SR_VIEW_SENT: states = sent; break;
    case SR_VIEW_DONE: states = done; break;
    case SR_VIEW_DEAD: states = dead; break;
    case SR_VIEW_ALL: states = none; break;
    default: g_return_val_if_reached (NULL);
    }

  gboolean has_filter = filter != NULL && *filter != '\0';
  gboolean by_number = has_filter && is_e164 (filter);
  g_autofree char *pattern = has_filter && !by_number ? like_pattern (filter) : g_strdup (filter);
  /* A class's name ("smsc", "policy") also finds the letters of that class. */
  SrErrorClass klass = has_filter && !by_number ? sr_error_class_from_string (filter)
                                                : SR_ERROR_CLASS_NONE;
  /* A number is two queries, each walking ids in order so that a page
   * reads about a page: the number itself, on its index or, when its
   * messages outnumber the state's (a long history, a short queue), on the
   * state's ids checking the number; and the longer numbers it is a prefix
   * of, a range sorted by id (for a whole number usually empty), or when
   * that range is wide (a short prefix) again the state's ids. */
  const char *conditions[2] = { NULL, NULL };
  gint64 number_count = 0;
  gboolean wide = FALSE;
  g_autofree char *text_condition = NULL;
  if (by_number)
    {
      conditions[0] = " AND to_e164 = ?4";
      conditions[1] = " AND to_e164 > ?4 AND to_e164 < (?4 || ':')"; /* ':' sorts after '9' */
      gint64 most = 0;
      for (const gint *s = states; *s >= 0; s++)
        most = MAX (most, (gint64) journal->total_counts[*s]);
      number_count = count_number (journal, pattern, FALSE, MIN (most + 1, NUMBER_COUNT_CAP), error);
      gint64 longer = count_number (journal, pattern, TRUE, WIDE_PREFIX + 1, error);
      if (number_count < 0 || longer < 0)
        return NULL;
      wide = longer > WIDE_PREFIX;
    }
  else
    {
      if (has_filter)
        text_condition = g_strdup_printf (" AND (" LIKE ("to_e164") " OR " LIKE ("to_raw") " OR " LIKE ("reference")
                                          " OR " LIKE ("file") " OR " LIKE ("preview") " OR " LIKE ("country")
                                          " OR " LIKE ("provider") " OR " LIKE ("error_text") " OR error_class = %d)",
                                          klass != SR_ERROR_CLASS_NONE ? (int) klass : -1);
      conditions[0] = text_condition ? text_condition : "";
    }

  /* one indexed query per state (and condition), merged: IN (...) would sort every match */
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_journal_message_free);
  guint queries = 0;
  for (guint c = 0; c < G_N_ELEMENTS (conditions) && conditions[c]; c++)
    for (const gint *s = states; *s != -1; s++, queries++)
      {
        /* A state's rows filtered by app, not an app's rows filtered by
         * state: an app's history is long, a queue short. */
        gboolean by_state = *s >= 0;
        if (by_number && c == 0)
          by_state = by_state && number_count > (gint64) journal->total_counts[*s];
        else if (by_number)
          by_state = by_state && wide;
        const char *index = by_state ? " INDEXED BY messages_state"
                          : by_number && (c == 0 || !wide) ? " INDEXED BY messages_to" : "";
        g_autofree char *sql = g_strdup_printf (
          "SELECT " SR_JOURNAL_MSG_COLS " FROM messages%s WHERE id %s ?1%s%s%s ORDER BY id %s LIMIT ?5",
          index, dir == SR_PAGE_OLDER ? "<" : ">",
          *s >= 0 ? " AND state = ?2" : "", app ? " AND app = ?3" : "", conditions[c],
          dir == SR_PAGE_OLDER ? "DESC" : "ASC");
        if (!run_page (journal, sql, (RowReader) sr_journal_message_from_row, dir, cursor, *s, app,
                       pattern, limit + 1, rows, error))
          return NULL;
      }
  if (queries > 1)
    g_ptr_array_sort (rows, dir == SR_PAGE_OLDER ? compare_desc : compare_asc);
  return finish_page (g_steal_pointer (&rows), limit, next_cursor);
}

GPtrArray *
sr_journal_inbound_page (SrJournal *journal, const char *filter, SrPageDirection dir,
                         gint64 cursor, guint limit, gint64 *next_cursor, GError **error)
{
  g_return_val_if_fail (journal != NULL && limit > 0, NULL);
  gboolean has_filter = filter != NULL && *filter != '\0';
  g_autofree char *pattern = has_filter ? like_pattern (filter) : NULL;
  g_autofree char *sql = g_strdup_printf (
    "SELECT " SR_JOURNAL_IN_COLS " FROM inbound WHERE id %s ?1%s ORDER BY id %s LIMIT ?5",
    dir == SR_PAGE_OLDER ? "<" : ">",
    has_filter ? " AND (" LIKE ("sender") " OR " LIKE ("recipient") " OR " LIKE ("app")
                 " OR " LIKE ("text") ")" : "",
    dir == SR_PAGE_OLDER ? "DESC" : "ASC");
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_journal_inbound_free);
  if (!run_page (journal, sql, (RowReader) sr_journal_inbound_from_row, dir, cursor, 0, NULL,
                 pattern, limit + 1, rows, error))
    return NULL;
  return finish_page (g_steal_pointer (&rows), limit, next_cursor);
}

GPtrArray *
sr_journal_events_page (SrJournal *journal, gint scope, const char *filter, SrPageDirection dir,
                        gint64 cursor, guint limit, gint64 *next_cursor, GError **error)
{
  g_return_val_if_fail (journal != NULL && limit > 0, NULL);
  gboolean has_filter = filter != NULL && *filter != '\0';
  g_autofree char *pattern = has_filter ? like_pattern (filter) : NULL;
  g_autofree char *sql = g_strdup_printf (
    "SELECT " SR_JOURNAL_EV_COLS " FROM events WHERE id %s ?1%s%s ORDER BY id %s LIMIT ?5",
    dir == SR_PAGE_OLDER ? "<" : ">", scope >= 0 ? " AND scope = ?2" : "",
    has_filter ? " AND (" LIKE ("text") " OR " LIKE ("kind") " OR " LIKE ("actor")
                 " OR " LIKE ("app") ")" : "",
    dir == SR_PAGE_OLDER ? "DESC" : "ASC");
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_journal_event_free);
  if (!run_page (journal, sql, (RowReader) sr_journal_event_from_row, dir, cursor, scope, NULL,
                 pattern, limit + 1, rows, error))
    return NULL;
  return finish_page (g_steal_pointer (&rows), limit, next_cursor);
}

GPtrArray *
sr_journal_receipts_page (SrJournal *journal, gboolean unmatched_only, SrPageDirection dir,
                          gint64 cursor, guint limit, gint64 *next_cursor, GError **error)
{
  g_return_val_if_fail (journal != NULL && limit > 0, NULL);
  g_autofree char *sql = g_strdup_printf (
    "SELECT " SR_JOURNAL_RCPT_COLS " FROM receipts WHERE id %s ?1%s ORDER BY id %s LIMIT ?5",
    dir == SR_PAGE_OLDER ? "<" : ">", unmatched_only ? " AND message_id IS NULL" : "",
    dir == SR_PAGE_OLDER ? "DESC" : "ASC");
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_journal_receipt_free);
  if (!run_page (journal, sql, (RowReader) sr_journal_receipt_from_row, dir, cursor, 0, NULL,
                 NULL, limit + 1, rows, error))
    return NULL;
  return finish_page (g_steal_pointer (&rows), limit, next_cursor);
}

/* ---- one message -------------------------------------------------------- */

/* Rows of a per-message statement (?1 = message id). */
static GPtrArray *
rows_of_message (SrJournal *j, SrJournalStmt which, gint64 id, RowReader reader,
                 GDestroyNotify free_func, GError **error)
{
  sqlite3_stmt *st = sr_journal_stmt (j, which, error);
  if (st == NULL)
    return NULL;
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (free_func);
  sqlite3_bind_int64 (st, 1, id);
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    g_ptr_array_add (rows, reader (st));
  sr_journal_stmt_done (st);
  if (rc != SQLITE_DONE)
    {
      sr_journal_set_error (j, error, rc, _("read a message's history"));
      return NULL;
    }
  return g_steal_pointer (&rows);
}

GPtrArray *
sr_journal_segments_get (SrJournal *journal, gint64 message_id, GError **error)
{
  g_return_val_if_fail (journal != NULL, NULL);
  return rows_of_message (journal, STMT_SEG_OF_MSG, message_id,
                          (RowReader) sr_journal_segment_from_row,
                          (GDestroyNotify) sr_journal_segment_free, error);
}

/* One message row from a statement with its parameters bound; NULL + no error if none. */
static SrJournalMessage *
one_message (SrJournal *j, sqlite3_stmt *st, GError **error)
{
  int rc = sqlite3_step (st);
  SrJournalMessage *m = rc == SQLITE_ROW ? sr_journal_message_from_row (st) : NULL;
  sr_journal_stmt_done (st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    sr_journal_set_error (j, error, rc, _("read a message"));
  return m;
}

SrJournalMessage *
sr_journal_message_get (SrJournal *journal, gint64 id, GError **error)
{
  g_return_val_if_fail (journal != NULL, NULL);
  sqlite3_stmt *st = sr_journal_stmt (journal, STMT_MSG_GET, error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, id);
  GError *local = NULL;
  SrJournalMessage *m = one_message (journal, st, &local);
  if (m == NULL && local == NULL)
    g_set_error (&local, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_NOT_FOUND,
                 _("The journal %s has no message %lld."), journal->path,
                 (long long) id);
  if (local != NULL)
    g_propagate_error (error, local);
  return m;
}

SrJournalMessageDetail *
sr_journal_message_detail (SrJournal *journal, gint64 id, GError **error)
{
  g_return_val_if_fail (journal != NULL, NULL);
  g_autoptr (SrJournalMessageDetail) d = g_new0 (SrJournalMessageDetail, 1);
  d->message = sr_journal_message_get (journal, id, error);
  if (d->message == NULL)
    return NULL;
  d->segments = sr_journal_segments_get (journal, id, error);
  if (d->segments == NULL)
    return NULL;
  d->receipts = rows_of_message (journal, STMT_RCPT_OF_MSG, id,
                                 (RowReader) sr_journal_receipt_from_row,
                                 (GDestroyNotify) sr_journal_receipt_free, error);
  if (d->receipts == NULL)
    return NULL;
  d->events = rows_of_message (journal, STMT_EV_OF_MSG, id, (RowReader) sr_journal_event_from_row,
                               (GDestroyNotify) sr_journal_event_free, error);
  if (d->events == NULL)
    return NULL;
  return g_steal_pointer (&d);
}

SrJournalMessage *
sr_journal_message_find_by_file (SrJournal *journal, const char *app, const char *file,
                                 GPtrArray **segments, GError **error)
{
  g_return_val_if_fail (journal != NULL && app != NULL && file != NULL, NULL);
  g_return_val_if_fail (segments == NULL || *segments == NULL, NULL);
  sqlite3_stmt *st = sr_journal_stmt (journal, STMT_MSG_BY_FILE, error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_text (st, 1, app, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, file, -1, SQLITE_STATIC);
  g_autoptr (SrJournalMessage) m = one_message (journal, st, error);
  if (m == NULL)
    return NULL;
  if (segments != NULL)
    {
      *segments = sr_journal_segments_get (journal, m->id, error);
      if (*segments == NULL)
        return NULL;
    }
  return g_steal_pointer (&m);
}

gint64
sr_journal_inbound_find (SrJournal *journal, const char *dedup_key, GError **error)
{
  g_return_val_if_fail (journal != NULL && dedup_key != NULL, -1);
  sqlite3_stmt *st = sr_journal_stmt (journal, STMT_IN_BY_KEY, error);
  if (st == NULL)
    return -1;
  sqlite3_bind_text (st, 1, dedup_key, -1, SQLITE_STATIC);
  int rc = sqlite3_step (st);
  gint64 id = rc == SQLITE_ROW ? sqlite3_column_int64 (st, 0) : 0;
  sr_journal_stmt_done (st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      sr_journal_set_error (journal, error, rc, _("find an inbound message"));
      return -1;
    }
  return id;
}

/* ---- export --------------------------------------------------------------- */

static sqlite3_stmt *
export_stmt (SrJournal *j, SrJournalStmt which, const SrJournalExportFilter *f, GError **error)
{
  sqlite3_stmt *st = sr_journal_stmt (j, which, error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, f ? f->since : 0);
  sqlite3_bind_int64 (st, 2, f && f->until ? f->until : G_MAXINT64);
  sr_journal_bind_text (st, 3, f ? f->app : NULL);
  return st;
}

static gboolean
export_end (SrJournal *j, sqlite3_stmt *st, int rc, gboolean ok, GError **error)
{
  sr_journal_stmt_done (st);
  if (ok && rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      sr_journal_set_error (j, error, rc, _("export"));
      return FALSE;
    }
  return ok;
}

gboolean
sr_journal_export_messages (SrJournal *journal, const SrJournalExportFilter *filter,
                            SrJournalExportMessageFunc func, gpointer user_data, GError **error)
{
  g_return_val_if_fail (journal != NULL && func != NULL, FALSE);
  sqlite3_stmt *st = export_stmt (journal, STMT_EXPORT_MSGS, filter, error);
  if (st == NULL)
    return FALSE;
  int rc;
  gboolean ok = TRUE;
  while (ok && (rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      g_autoptr (SrJournalMessage) m = sr_journal_message_from_row (st);
      g_autoptr (GPtrArray) segs = sr_journal_segments_get (journal, m->id, error);
      if (segs == NULL)
        ok = FALSE;
      else if (!func (m, segs, user_data))
        break;
    }
  return export_end (journal, st, rc, ok, error);
}

gboolean
sr_journal_export_inbound (SrJournal *journal, const SrJournalExportFilter *filter,
                           SrJournalExportInboundFunc func, gpointer user_data, GError **error)
{
  g_return_val_if_fail (journal != NULL && func != NULL, FALSE);
  sqlite3_stmt *st = export_stmt (journal, STMT_EXPORT_INBOUND, filter, error);
  if (st == NULL)
    return FALSE;
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      g_autoptr (SrJournalInbound) in = sr_journal_inbound_from_row (st);
      if (!func (in, user_data))
        break;
    }
  return export_end (journal, st, rc, TRUE, error);
}

gboolean
sr_journal_export_events (SrJournal *journal, const SrJournalExportFilter *filter,
                          SrJournalExportEventFunc func, gpointer user_data, GError **error)
{
  g_return_val_if_fail (journal != NULL && func != NULL, FALSE);
  sqlite3_stmt *st = export_stmt (journal, STMT_EXPORT_EVENTS, filter, error);
  if (st == NULL)
    return FALSE;
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      g_autoptr (SrJournalEvent) ev = sr_journal_event_from_row (st);
      if (!func (ev, user_data))
        break;
    }
  return export_end (journal, st, rc, TRUE, error);
}

/* ---- retention ------------------------------------------------------------ */

/* Parameters: ?1 before, ?2 ?3 the first and last id of a chunk of finished
 * messages, ?4 the chunk size, ?5 ?6 the hour and the day of before. */
#define CHUNK_OF_MESSAGES \
  "SELECT id FROM messages WHERE id BETWEEN ?2 AND ?3 AND created_at < ?1 AND state >= 2"

/* Order matters: children first, then the messages they hang on. */
static const struct
{
  const char *sql;
  gsize offset;                /* into SrJournalPruneCounts */
  gboolean chunked;            /* deletes at most ?4 rows */
} prune_steps[] = {
  { "DELETE FROM segments WHERE message_id IN (" CHUNK_OF_MESSAGES ")",
    G_STRUCT_OFFSET (SrJournalPruneCounts, segments), FALSE },
  { "DELETE FROM receipts WHERE message_id IN (" CHUNK_OF_MESSAGES ")",
    G_STRUCT_OFFSET (SrJournalPruneCounts, receipts), FALSE },
  { "DELETE FROM events WHERE message_id IN (" CHUNK_OF_MESSAGES ")",
    G_STRUCT_OFFSET (SrJournalPruneCounts, events), FALSE },
  { "DELETE FROM messages WHERE id BETWEEN ?2 AND ?3 AND created_at < ?1 AND state >= 2",
    G_STRUCT_OFFSET (SrJournalPruneCounts, messages), FALSE },
  /* ids grow with time: walking them from the start finds the old rows first */
  { "DELETE FROM receipts WHERE id IN (SELECT id FROM receipts WHERE received_at < ?1 "
    "ORDER BY id LIMIT ?4)", G_STRUCT_OFFSET (SrJournalPruneCounts, receipts), TRUE },
  { "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE ts < ?1 ORDER BY id LIMIT ?4)",
    G_STRUCT_OFFSET (SrJournalPruneCounts, events), TRUE },
  { "DELETE FROM inbound WHERE id IN (SELECT id FROM inbound WHERE received_at < ?1 "
    "ORDER BY id LIMIT ?4)", G_STRUCT_OFFSET (SrJournalPruneCounts, inbound), TRUE },
  { "DELETE FROM counters WHERE kind = 0 AND period < ?5",
    G_STRUCT_OFFSET (SrJournalPruneCounts, counters), FALSE },
  { "DELETE FROM counters WHERE kind = 1 AND period < ?6",
    G_STRUCT_OFFSET (SrJournalPruneCounts, counters), FALSE },
};

G_STATIC_ASSERT (SR_MESSAGE_SENT == 2);

/* The id range of the next chunk of finished messages older than before. */
static gboolean
prune_chunk (SrJournal *j, gint64 before, gint64 limit, gint64 *first, gint64 *last,
             gint64 *n, GError **error)
{
  sqlite3_stmt *st = sr_journal_stmt_sql (
    j, "SELECT id FROM messages WHERE created_at < ?1 AND state >= 2 ORDER BY id LIMIT ?2", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, before);
  sqlite3_bind_int64 (st, 2, limit);
  int rc;
  *n = 0;
  *first = *last = 0;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      *last = sqlite3_column_int64 (st, 0);
      if ((*n)++ == 0)
        *first = *last;
    }
  sr_journal_stmt_done (st);
  if (rc != SQLITE_DONE)
    {
      sr_journal_set_error (j, error, rc, _("prune old rows"));
      return FALSE;
    }
  return TRUE;
}

gboolean
sr_journal_prune (SrJournal *journal, gint64 before, guint limit, SrJournalPruneCounts *counts,
                  GError **error)
{
  g_return_val_if_fail (journal != NULL, FALSE);
  SrJournalPruneCounts local = { 0 };
  gint64 chunk = limit ? (gint64) limit : G_MAXINT64;
  gint64 first, last, n;

  if (!sr_journal_write_begin_live (journal, error))
    return FALSE;
  if (!prune_chunk (journal, before, chunk, &first, &last, &n, error))
    return FALSE;
  local.finished = n < chunk;
  for (guint i = 0; i < G_N_ELEMENTS (prune_steps); i++)
    {
      if (n == 0 && i < 4)
        continue;
      sqlite3_stmt *st = sr_journal_stmt_sql (journal, prune_steps[i].sql, error);
      if (st == NULL)
        return FALSE;
      /* each statement uses some of these; binding the others is harmless */
      sr_journal_put_int (journal, st, 1, before);
      sr_journal_put_int (journal, st, 2, first);
      sr_journal_put_int (journal, st, 3, last);
      sr_journal_put_int (journal, st, 4, chunk);
      sr_journal_put_int (journal, st, 5, before / (G_USEC_PER_SEC * G_GINT64_CONSTANT (3600)));
      sr_journal_put_int (journal, st, 6, before / (G_USEC_PER_SEC * G_GINT64_CONSTANT (86400)));
      if (!sr_journal_write_step (journal, st, _("prune old rows"), error))
        return FALSE;
      gint64 changes = sqlite3_changes64 (journal->db);
      G_STRUCT_MEMBER (guint64, &local, prune_steps[i].offset) += (guint64) changes;
      if (prune_steps[i].chunked && changes >= chunk)
        local.finished = FALSE;
    }
  if (counts != NULL)
    *counts = local;
  /* counts per state changed wholesale: read them back */
  if (!sr_journal_load_caches (journal, error))
    return FALSE;
  return sr_journal_flush (journal, error);
}
