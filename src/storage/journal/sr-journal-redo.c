/* sr-journal-redo.c — the writes of the open batch, kept until it commits.
 *
 * A commit that fails (a full disk, an I/O error, a read-only file) makes
 * SQLite roll the whole transaction back.  The journal must not lose those
 * changes: the router has acted on some of them (a part is accepted by the
 * SMSC, a file waits to move).  So every write statement's parameters are
 * recorded as they are bound, and the batch can be applied again, in the
 * same order, to the same database state: the same rows, the same ids.
 * Recording costs a copy of the values; the batch's record is dropped at
 * each successful commit.
 */
#define G_LOG_DOMAIN "sr-journal"

#include <string.h>

#include "sr-journal-private.h"

/* One bound parameter of a recorded statement. */
typedef struct {
  int index;
  int type;                    /* SQLITE_NULL, SQLITE_INTEGER or SQLITE_TEXT */
  gint64 value;                /* the integer, or the text's offset in bytes */
  int length;                  /* of the text */
} RedoValue;

/* One executed write statement and its parameters (values[first ...]). */
typedef struct {
  sqlite3_stmt *st;
  guint first;
  guint n;
} RedoStatement;

void
sr_journal_redo_init (SrJournal *j)
{
  j->redo_statements = g_array_new (FALSE, FALSE, sizeof (RedoStatement));
  j->redo_values = g_array_sized_new (FALSE, FALSE, sizeof (RedoValue), 1024);
  j->redo_text = g_byte_array_sized_new (16384);
}

void
sr_journal_redo_free (SrJournal *j)
{
  g_clear_pointer (&j->redo_statements, g_array_unref);
  g_clear_pointer (&j->redo_values, g_array_unref);
  g_clear_pointer (&j->redo_text, g_byte_array_unref);
}

void
sr_journal_redo_clear (SrJournal *j)
{
  g_array_set_size (j->redo_statements, 0);
  g_array_set_size (j->redo_values, 0);
  g_byte_array_set_size (j->redo_text, 0);
  j->redo_mark = 0;
}

guint
sr_journal_redo_length (SrJournal *j)
{
  return j->redo_statements->len;
}

/* Forgets the statements recorded after the first n (a write that failed
 * and is reported to its caller instead of being kept). */
void
sr_journal_redo_truncate (SrJournal *j, guint n)
{
  if (n >= j->redo_statements->len)
    return;
  RedoStatement *s = &g_array_index (j->redo_statements, RedoStatement, n);
  g_array_set_size (j->redo_values, s->first);
  g_array_set_size (j->redo_statements, n);
  j->redo_mark = j->redo_values->len;
}

static void
put (SrJournal *j, int index, int type, gint64 value, int length)
{
  RedoValue v = { index, type, value, length };
  g_array_append_val (j->redo_values, v);
}

void
sr_journal_put_int (SrJournal *j, sqlite3_stmt *st, int i, gint64 v)
{
  sqlite3_bind_int64 (st, i, v);
  put (j, i, SQLITE_INTEGER, v, 0);
}

/* 0 = unknown, stored as NULL */
void
sr_journal_put_time (SrJournal *j, sqlite3_stmt *st, int i, gint64 t)
{
  if (t == 0)
    {
      sqlite3_bind_null (st, i);
      put (j, i, SQLITE_NULL, 0, 0);
    }
  else
    sr_journal_put_int (j, st, i, t);
}

/* len < 0: up to the NUL; s NULL: NULL */
void
sr_journal_put_text (SrJournal *j, sqlite3_stmt *st, int i, const char *s, int len)
{
  if (s == NULL)
    {
      sqlite3_bind_null (st, i);
      put (j, i, SQLITE_NULL, 0, 0);
      return;
    }
  if (len < 0)
    len = (int) strlen (s);
  sqlite3_bind_text (st, i, s, len, SQLITE_STATIC);
  put (j, i, SQLITE_TEXT, j->redo_text->len, len);
  g_byte_array_append (j->redo_text, (const guint8 *) s, (guint) len);
}

/* The statement about to be stepped owns the values put since the last one. */
void
sr_journal_redo_record (SrJournal *j, sqlite3_stmt *st)
{
  RedoStatement s = { st, j->redo_mark, j->redo_values->len - j->redo_mark };
  g_array_append_val (j->redo_statements, s);
  j->redo_mark = j->redo_values->len;
}

/* Values put without a statement stepped after them (a write that gave up
 * before its step) belong to nothing. */
void
sr_journal_redo_discard_loose (SrJournal *j)
{
  g_array_set_size (j->redo_values, j->redo_mark);
}

/* Runs every recorded statement again, in order, inside the transaction
 * the caller has begun.  Returns SQLITE_OK or the first failure's code. */
int
sr_journal_redo_apply (SrJournal *j)
{
  for (guint n = 0; n < j->redo_statements->len; n++)
    {
      RedoStatement *s = &g_array_index (j->redo_statements, RedoStatement, n);
      sqlite3_reset (s->st);
      sqlite3_clear_bindings (s->st);
      for (guint k = 0; k < s->n; k++)
        {
          RedoValue *v = &g_array_index (j->redo_values, RedoValue, s->first + k);
          if (v->type == SQLITE_INTEGER)
            sqlite3_bind_int64 (s->st, v->index, v->value);
          else if (v->type == SQLITE_TEXT)
            sqlite3_bind_text (s->st, v->index, (const char *) j->redo_text->data + v->value,
                               v->length, SQLITE_STATIC);
          else
            sqlite3_bind_null (s->st, v->index);
        }
      int rc = sqlite3_step (s->st);
      sr_journal_stmt_done (s->st);
      if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return rc;
    }
  return SQLITE_OK;
}
