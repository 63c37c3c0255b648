/* sr-console-view-thread.c — the conversation with a number (key t).
 *
 * Over any list, t opens the thread of the selected row's number: the
 * messages to it, their receipts and the inbound messages from it, oldest
 * at the top, one line each, opened at the newest.  The thread is a window
 * of pages asked from the model (one query per page, however long the
 * number's history): scrolling past its top reads the older page before
 * it, past its bottom the newer one after it; g and G start again at
 * either end.  While the newest line is in sight, every refresh reads the
 * newest page again, so replies and receipts appear as they arrive.
 */
#define G_LOG_DOMAIN "sr-tui"

#include "sr-console-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* A refresh that follows the newest lines reads at most this many pages. */
#define FOLLOW_MAX_PAGES 4

struct _SrConsoleThread {
  char *number;
  GPtrArray *entries;           /* SrConsoleThreadEntry, time order */
  gint64 older_out, older_in;   /* cursors of the page before the first entry */
  gint64 newer_out, newer_in;   /* ... and after the last one */
  gboolean more_older, more_newer;
  int top;                      /* first entry shown */
  int height;                   /* entry lines on the screen at the last draw */
};

void
sr_console_thread_free (SrConsoleThread *t)
{
  if (!t)
    return;
  g_free (t->number);
  g_ptr_array_unref (t->entries);
  g_free (t);
}

/* Entries per page: a screen of them, at least ten. */
static guint
page_count (SrConsole *c)
{
  return MAX (sr_console_page_rows (c) * 5 / 3, 10);
}

static int
visible_rows (SrConsole *c)
{
  SrConsoleLayout l;
  sr_console_layout (c->rows, c->cols, &l);
  return MAX (l.status_y - l.header_y - 1, 1);
}

static SrConsoleThreadPage *
query (SrConsole *c, SrConsoleThread *t, SrConsolePageDirection dir, gint64 out_cursor,
       gint64 in_cursor, guint count, GError **error)
{
  SrConsoleThreadQuery q = {
    .number = t->number, .out_cursor = out_cursor, .in_cursor = in_cursor,
    .direction = dir, .count = count,
  };
  return c->model.thread (c->model.user_data, &q, error);
}

/* Replaces the window with the page at one end (newest: dir OLDER from the
 * newest; oldest: dir NEWER from the oldest). */
static gboolean
load_end (SrConsole *c, SrConsoleThread *t, gboolean newest, guint count, GError **error)
{
  SrConsolePageDirection dir = newest ? SR_CONSOLE_PAGE_OLDER : SR_CONSOLE_PAGE_NEWER;
  gint64 start = newest ? SR_CONSOLE_CURSOR_NEWEST : SR_CONSOLE_CURSOR_OLDEST;
  g_autoptr (SrConsoleThreadPage) p = query (c, t, dir, start, start, count, error);
  if (!p)
    return FALSE;
  g_ptr_array_unref (t->entries);
  t->entries = g_ptr_array_ref (p->entries);
  if (newest)
    {
      t->older_out = p->out_cursor, t->older_in = p->in_cursor, t->more_older = p->more;
      t->newer_out = t->newer_in = SR_CONSOLE_CURSOR_NEWEST, t->more_newer = FALSE;
    }
  else
    {
      t->newer_out = p->out_cursor, t->newer_in = p->in_cursor, t->more_newer = p->more;
      t->older_out = t->older_in = SR_CONSOLE_CURSOR_OLDEST, t->more_older = FALSE;
    }
  return TRUE;
}

/* Adds the page next to the window in dir; *added_before: how many entries
 * came before the first line in sight (to keep the same lines in sight). */
static gboolean
extend (SrConsole *c, SrConsoleThread *t, SrConsolePageDirection dir, int *added_before,
        GError **error)
{
  gboolean older = dir == SR_CONSOLE_PAGE_OLDER;
  *added_before = 0;
  g_autoptr (SrConsoleThreadPage) p = query (c, t, dir, older ? t->older_out : t->newer_out,
                                             older ? t->older_in : t->newer_in, page_count (c), error);
  if (!p)
    return FALSE;
  /* The first line in sight stays in sight: count what sorts before it
   * (an older page's late receipts can sort among the lines loaded). */
  SrConsoleThreadEntry *shown = (guint) t->top < t->entries->len ? g_ptr_array_index (t->entries, t->top) : NULL;
  for (guint i = 0; i < p->entries->len; i++)
    {
      SrConsoleThreadEntry *e = g_ptr_array_index (p->entries, i);
      if (shown && sr_console_thread_entry_compare (e, shown) < 0)
        (*added_before)++;
      g_ptr_array_add (t->entries, e);
    }
  g_ptr_array_set_free_func (p->entries, NULL);
  sr_console_thread_sort (t->entries);
  if (older)
    t->older_out = p->out_cursor, t->older_in = p->in_cursor, t->more_older = p->more;
  else
    t->newer_out = p->out_cursor, t->newer_in = p->in_cursor, t->more_newer = p->more;
  return TRUE;
}

static int
max_top (SrConsoleThread *t)
{
  return MAX ((int) t->entries->len - t->height, 0);
}

/* Whether the newest line is in sight (a refresh then reads it again). */
static gboolean
following (SrConsoleThread *t)
{
  return !t->more_newer && t->top >= max_top (t);
}

/* Scrolls by delta lines, reading the page before or after when it runs out. */
static gboolean
scroll (SrConsole *c, SrConsoleThread *t, int delta, GError **error)
{
  int top = t->top + delta;
  if (top < 0 && t->more_older)
    {
      int added;
      if (!extend (c, t, SR_CONSOLE_PAGE_OLDER, &added, error))
        return FALSE;
      top += added;
    }
  else if (top > max_top (t) && t->more_newer)
    {
      int added;
      if (!extend (c, t, SR_CONSOLE_PAGE_NEWER, &added, error))
        return FALSE;
      top += added;
    }
  t->top = CLAMP (top, 0, max_top (t));
  return TRUE;
}

/* The number of the selected row: the destination in the message lists and
 * receipts, the sender in the inbox, a blacklisted number; NULL if none. */
static char *
row_number (SrConsole *c)
{
  if (c->view == SR_CONSOLE_VIEW_OVERVIEW || c->view >= SR_CONSOLE_N_VIEWS)
    return NULL;
  SrConsoleRow *row = sr_console_list_selected (&c->lists[c->view]);
  const char *const *keys = sr_console_view_column_keys (c->view);
  if (!row || !keys || !row->columns)
    return NULL;
  const char *want = c->view == SR_CONSOLE_VIEW_INBOX ? "from"
                   : c->view == SR_CONSOLE_VIEW_BLACKLISTS ? "value" : "to";
  guint n = g_strv_length (row->columns);
  for (guint i = 0; keys[i] && i < n; i++)
    {
      if (c->view == SR_CONSOLE_VIEW_BLACKLISTS && strcmp (keys[i], "kind") == 0
          && strcmp (row->columns[i], "number") != 0)
        return NULL;
      if (strcmp (keys[i], want) == 0)
        return *row->columns[i] ? g_strdup (row->columns[i]) : NULL;
    }
  return NULL;
}

void
sr_console_thread_open (SrConsole *c)
{
  if (!c->model.thread)
    {
      sr_console_set_status (c, TRUE, "%s", _("This router does not offer that action here."));
      return;
    }
  g_autofree char *number = row_number (c);
  if (!number)
    {
      sr_console_set_status (c, TRUE, "%s",
                             _("No number in the selected row: t works on a message, receipt, "
                               "inbound message or blacklisted number."));
      return;
    }
  SrConsoleThread *t = g_new0 (SrConsoleThread, 1);
  t->number = g_steal_pointer (&number);
  t->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_console_thread_entry_free);
  t->height = visible_rows (c);
  g_autoptr (GError) error = NULL;
  if (!load_end (c, t, TRUE, page_count (c), &error))
    {
      sr_console_set_status (c, TRUE, "%s", error->message);
      sr_console_thread_free (t);
      return;
    }
  t->top = max_top (t);
  sr_console_thread_free (c->thread);
  c->thread = t;
  c->mode = SR_CONSOLE_MODE_THREAD;
  c->dirty = TRUE;
}

static void
close_thread (SrConsole *c)
{
  g_clear_pointer (&c->thread, sr_console_thread_free);
  c->mode = SR_CONSOLE_MODE_NORMAL;
  c->dirty = TRUE;
}

void
sr_console_thread_refresh (SrConsole *c)
{
  SrConsoleThread *t = c->thread;
  if (!t || !following (t))
    return;
  guint have = 0;
  for (guint i = 0; i < t->entries->len; i++)
    have += ((SrConsoleThreadEntry *) g_ptr_array_index (t->entries, i))->kind != SR_CONSOLE_THREAD_RECEIPT;
  guint count = CLAMP (have, page_count (c), page_count (c) * FOLLOW_MAX_PAGES);
  g_autoptr (GError) error = NULL;
  if (!load_end (c, t, TRUE, count, &error))
    {
      sr_console_set_status (c, TRUE, "%s", error->message);
      return;
    }
  t->top = max_top (t);
}

void
sr_console_thread_key (SrConsole *c, SrKey key)
{
  SrConsoleThread *t = c->thread;
  if (!t)
    {
      close_thread (c);
      return;
    }
  t->height = visible_rows (c);
  int page = MAX (t->height - 1, 1);
  g_autoptr (GError) error = NULL;
  gboolean ok = TRUE;
  gunichar ch = key.code == SR_KEY_CHAR ? key.ch : 0;
  if (key.code == SR_KEY_ESC || ch == 'q')
    return close_thread (c);
  if (key.code == SR_KEY_UP || ch == 'k')
    ok = scroll (c, t, -1, &error);
  else if (key.code == SR_KEY_DOWN || ch == 'j')
    ok = scroll (c, t, +1, &error);
  else if (key.code == SR_KEY_PGUP || key.code == SR_KEY_CTRL_B)
    ok = scroll (c, t, -page, &error);
  else if (key.code == SR_KEY_PGDN || key.code == SR_KEY_CTRL_F || ch == ' ')
    ok = scroll (c, t, +page, &error);
  else if (key.code == SR_KEY_HOME || ch == 'g')
    {
      ok = load_end (c, t, FALSE, page_count (c), &error);
      t->top = 0;
    }
  else if (key.code == SR_KEY_END || ch == 'G')
    {
      ok = load_end (c, t, TRUE, page_count (c), &error);
      t->top = max_top (t);
    }
  else if (key.code == SR_KEY_CTRL_L)
    {
      c->clear_screen = TRUE;
      sr_console_refresh (c);
    }
  if (!ok)
    sr_console_set_status (c, TRUE, "%s", error->message);
  c->dirty = TRUE;
}

GPtrArray *
sr_console_thread_hints (void)
{
  GPtrArray *hints = g_ptr_array_new ();
  g_ptr_array_add (hints, (gpointer) _("↑↓ PgUp/PgDn scroll"));
  g_ptr_array_add (hints, (gpointer) _("g/G oldest/newest"));
  return hints;
}

/* --- Drawing ----------------------------------------------------------------- */

/* "14:03:07" today, "12-03 14:03" before. */
static char *
entry_time (gint64 usec)
{
  g_autoptr (GDateTime) t = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  if (!t)
    return g_strdup ("?");
  if (g_date_time_get_year (t) == g_date_time_get_year (now)
      && g_date_time_get_day_of_year (t) == g_date_time_get_day_of_year (now))
    return g_date_time_format (t, "%H:%M:%S");
  return g_date_time_format (t, "%m-%d %H:%M");
}

/* One line: time, direction mark, what, status, text. */
static char *
entry_line (const SrConsoleThreadEntry *e)
{
  g_autofree char *time = entry_time (e->time);
  const char *mark, *what;
  g_autofree char *text = NULL;
  switch (e->kind)
    {
    case SR_CONSOLE_THREAD_OUT:
      mark = "\xe2\x86\x92"; /* → */
      what = _("outbound");
      text = g_strdup (e->text);
      break;
    case SR_CONSOLE_THREAD_RECEIPT:
      mark = "\xe2\x9c\x93"; /* ✓ */
      what = _("receipt");
      text = *e->text ? g_strdup_printf (_("of message %lld, %s"), (long long) e->message_id, e->text)
                      : g_strdup_printf (_("of message %lld"), (long long) e->message_id);
      break;
    case SR_CONSOLE_THREAD_IN:
    default:
      mark = "\xe2\x86\x90"; /* ← */
      what = _("inbound");
      text = g_strdup (e->text);
      break;
    }
  g_autofree char *what_fit = sr_text_fit (what, 9, SR_ALIGN_LEFT);
  g_autofree char *status_fit = sr_text_fit (e->status, 13, SR_ALIGN_LEFT);
  g_autofree char *time_fit = sr_text_fit (time, 11, SR_ALIGN_LEFT);
  /* Texts are shown on one line: newlines as spaces. */
  g_strdelimit (text, "\r\n\t", ' ');
  return g_strdup_printf ("%s %s %s %s %s", time_fit, mark, what_fit, status_fit, text);
}

void
sr_console_thread_draw (SrConsole *c, SrTerm *term, int top, int bottom)
{
  SrConsoleThread *t = c->thread;
  t->height = MAX (bottom - top - 1, 1);
  t->top = CLAMP (t->top, 0, max_top (t));
  GString *head = g_string_new (NULL);
  g_string_printf (head, _("Conversation with %s"), t->number);
  if (t->entries->len == 0)
    g_string_append (head, _(" · nothing in the journal"));
  else
    g_string_append_printf (head, _(" · lines %d–%d of %u%s, oldest first"), t->top + 1,
                            MIN (t->top + t->height, (int) t->entries->len), t->entries->len,
                            t->more_older || t->more_newer ? _(" loaded") : "");
  sr_term_print (term, top, 0, c->cols, head->str, SR_ALIGN_LEFT, SR_ATTR_HEADER);
  g_string_free (head, TRUE);
  for (int i = 0; i < t->height; i++)
    {
      guint k = t->top + i;
      g_autofree char *line = k < t->entries->len ? entry_line (g_ptr_array_index (t->entries, k))
                                                  : g_strdup ("");
      const SrConsoleThreadEntry *e = k < t->entries->len ? g_ptr_array_index (t->entries, k) : NULL;
      SrAttr attr = !e ? SR_ATTR_NORMAL
                  : e->kind == SR_CONSOLE_THREAD_RECEIPT ? SR_ATTR_DIM
                  : e->kind == SR_CONSOLE_THREAD_IN ? SR_ATTR_NOTICE : SR_ATTR_NORMAL;
      sr_term_print (term, top + 1 + i, 0, c->cols, line, SR_ALIGN_LEFT, attr);
    }
}
