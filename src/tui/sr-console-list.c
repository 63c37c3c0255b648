/* sr-console-list.c — keyset paging of one list view.
 *
 * Only the visible page is held.  Moving past its edge asks the model for
 * the few rows next to the first or last id (never more than a page), so a
 * keypress costs the same with ten rows or ten million.
 */
#define G_LOG_DOMAIN "sr-tui"

#include "sr-console-private.h"

#include <string.h>

void
sr_console_list_init (SrConsoleList *list, SrConsoleView view)
{
  memset (list, 0, sizeof *list);
  list->view = view;
  list->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_console_row_free);
  list->selected = -1;
  list->top_cursor = SR_CONSOLE_CURSOR_NEWEST;
  list->page_size = 1;
  sr_console_marks_init (list);
}

void
sr_console_list_clear (SrConsoleList *list)
{
  g_clear_pointer (&list->rows, g_ptr_array_unref);
  g_clear_pointer (&list->filter, g_free);
  g_clear_pointer (&list->pattern, g_free);
  g_clear_pointer (&list->marks, g_hash_table_unref);
}

SrConsoleRow *
sr_console_list_selected (SrConsoleList *list)
{
  if (list->selected < 0 || (guint) list->selected >= list->rows->len)
    return NULL;
  return g_ptr_array_index (list->rows, list->selected);
}

static GPtrArray *
fetch (SrConsoleList *list, const SrConsoleModel *model, gint64 cursor,
       SrConsolePageDirection direction, guint count, GError **error)
{
  SrConsoleQuery q = {
    .view = list->view,
    .filter = list->filter,
    .cursor = cursor,
    .direction = direction,
    .count = MIN (count, list->page_size),
  };
  GPtrArray *rows = model->list (model->user_data, &q, error);
  if (rows && rows->len > q.count)
    g_ptr_array_set_size (rows, q.count); /* a sloppy model must not grow the page */
  return rows;
}

static gint64
row_id (SrConsoleList *list, guint i)
{
  return ((SrConsoleRow *) g_ptr_array_index (list->rows, i))->id;
}

static void
replace_rows (SrConsoleList *list, GPtrArray *rows)
{
  g_ptr_array_unref (list->rows);
  list->rows = rows;
}

static void
clamp_selection (SrConsoleList *list)
{
  if (list->rows->len == 0)
    list->selected = -1;
  else
    list->selected = CLAMP (list->selected, 0, (int) list->rows->len - 1);
}

gboolean
sr_console_list_reload (SrConsoleList *list, const SrConsoleModel *model, GError **error)
{
  gint64 selected_id = -1;
  SrConsoleRow *sel = sr_console_list_selected (list);
  if (sel)
    selected_id = sel->id;

  GPtrArray *rows = fetch (list, model, list->top_cursor, SR_CONSOLE_PAGE_OLDER,
                           list->page_size, error);
  if (!rows)
    return FALSE;
  if (rows->len < list->page_size && list->top_cursor != SR_CONSOLE_CURSOR_NEWEST)
    {
      /* Rows went away under us or the screen grew: show the last page. */
      g_ptr_array_unref (rows);
      rows = fetch (list, model, SR_CONSOLE_CURSOR_OLDEST, SR_CONSOLE_PAGE_NEWER,
                    list->page_size, error);
      if (!rows)
        return FALSE;
      list->at_end = TRUE;
    }
  else
    list->at_end = rows->len < list->page_size;
  replace_rows (list, rows);

  if (list->selected < 0)
    list->selected = 0;
  for (guint i = 0; i < list->rows->len; i++)
    if (row_id (list, i) == selected_id)
      {
        list->selected = i;
        break;
      }
  if (list->top_cursor != SR_CONSOLE_CURSOR_NEWEST && list->rows->len > 0)
    list->top_cursor = row_id (list, 0) + 1;
  clamp_selection (list);
  return TRUE;
}

gboolean
sr_console_list_home (SrConsoleList *list, const SrConsoleModel *model, GError **error)
{
  GPtrArray *rows = fetch (list, model, SR_CONSOLE_CURSOR_NEWEST, SR_CONSOLE_PAGE_OLDER,
                           list->page_size, error);
  if (!rows)
    return FALSE;
  replace_rows (list, rows);
  list->top_cursor = SR_CONSOLE_CURSOR_NEWEST;
  list->at_end = rows->len < list->page_size;
  list->selected = 0;
  clamp_selection (list);
  return TRUE;
}

gboolean
sr_console_list_end (SrConsoleList *list, const SrConsoleModel *model, GError **error)
{
  GPtrArray *rows = fetch (list, model, SR_CONSOLE_CURSOR_OLDEST, SR_CONSOLE_PAGE_NEWER,
                           list->page_size, error);
  if (!rows)
    return FALSE;
  replace_rows (list, rows);
  list->at_end = TRUE;
  list->selected = (int) rows->len - 1;
  if (rows->len < list->page_size)
    list->top_cursor = SR_CONSOLE_CURSOR_NEWEST; /* everything fits */
  else
    list->top_cursor = row_id (list, 0) + 1;
  clamp_selection (list);
  return TRUE;
}

gboolean
sr_console_list_move (SrConsoleList *list, const SrConsoleModel *model, int delta,
                      GError **error)
{
  int len = list->rows->len;
  if (len == 0 || delta == 0)
    return TRUE;
  int target = list->selected + delta;

  if (target >= 0 && target < len)
    {
      list->selected = target;
      return TRUE;
    }

  if (target >= len)
    {
      guint need = target - (len - 1);
      GPtrArray *more = fetch (list, model, row_id (list, len - 1), SR_CONSOLE_PAGE_OLDER,
                               need, error);
      if (!more)
        return FALSE;
      guint k = more->len;
      list->at_end = k < MIN (need, list->page_size);
      for (guint i = 0; i < k; i++)
        g_ptr_array_add (list->rows, g_steal_pointer (&more->pdata[i]));
      g_ptr_array_set_free_func (more, NULL);
      g_ptr_array_unref (more);
      guint dropped = 0;
      if (list->rows->len > list->page_size)
        {
          dropped = list->rows->len - list->page_size;
          g_ptr_array_remove_range (list->rows, 0, dropped);
        }
      list->selected = MIN (target, len - 1 + (int) k) - (int) dropped;
      if (dropped > 0)
        list->top_cursor = row_id (list, 0) + 1;
    }
  else
    {
      guint need = -target;
      GPtrArray *more = fetch (list, model, row_id (list, 0), SR_CONSOLE_PAGE_NEWER,
                               need, error);
      if (!more)
        return FALSE;
      guint k = more->len;
      /* more is newest first: insert it in front in the same order. */
      for (guint i = k; i > 0; i--)
        g_ptr_array_insert (list->rows, 0, g_steal_pointer (&more->pdata[i - 1]));
      g_ptr_array_set_free_func (more, NULL);
      g_ptr_array_unref (more);
      if (list->rows->len > list->page_size)
        {
          g_ptr_array_set_size (list->rows, list->page_size);
          list->at_end = FALSE;
        }
      list->selected = MAX (target + (int) k, 0);
      if (k < MIN (need, list->page_size))
        list->top_cursor = SR_CONSOLE_CURSOR_NEWEST; /* reached the newest row: live again */
      else
        list->top_cursor = row_id (list, 0) + 1;
    }
  clamp_selection (list);
  return TRUE;
}

void
sr_console_list_set_page_size (SrConsoleList *list, guint page_size)
{
  list->page_size = MAX (page_size, 1);
  if (list->rows->len > list->page_size)
    {
      /* Keep the selected row on the smaller page. */
      int sel = MAX (list->selected, 0);
      guint drop_front = sel >= (int) list->page_size ? sel - list->page_size + 1 : 0;
      g_ptr_array_remove_range (list->rows, 0, drop_front);
      g_ptr_array_set_size (list->rows, list->page_size);
      list->selected = sel - drop_front;
      if (drop_front > 0)
        list->top_cursor = row_id (list, 0) + 1;
    }
}

void
sr_console_list_set_filter (SrConsoleList *list, const char *filter)
{
  g_free (list->filter);
  list->filter = (filter && *filter) ? g_strdup (filter) : NULL;
  if (list->filter)
    {
      g_free (list->pattern);
      list->pattern = g_strdup (list->filter);
    }
}

gboolean
sr_console_list_find (SrConsoleList *list, const SrConsoleModel *model,
                      SrConsolePageDirection direction, gboolean *found, GError **error)
{
  *found = FALSE;
  SrConsoleRow *sel = sr_console_list_selected (list);
  if (!sel || !list->pattern)
    return TRUE;
  SrConsoleQuery q = {
    .view = list->view,
    .filter = list->pattern,
    .cursor = sel->id,
    .direction = direction,
    .count = 1,
  };
  g_autoptr (GPtrArray) hit = model->list (model->user_data, &q, error);
  if (!hit)
    return FALSE;
  if (hit->len == 0)
    return TRUE;
  gint64 id = ((SrConsoleRow *) g_ptr_array_index (hit, 0))->id;
  *found = TRUE;
  for (guint i = 0; i < list->rows->len; i++)
    if (row_id (list, i) == id)
      {
        list->selected = i;
        return TRUE;
      }
  /* Off the page: the page starts at the match. */
  list->top_cursor = id + 1;
  list->selected = -1;
  if (!sr_console_list_reload (list, model, error))
    return FALSE;
  for (guint i = 0; i < list->rows->len; i++)
    if (row_id (list, i) == id)
      list->selected = i;
  return TRUE;
}
