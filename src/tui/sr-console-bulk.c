/* sr-console-bulk.c — marked dead letters: marking, and retry, discard or
 * export of all of them in one action.
 *
 * Marks are ids, not rows: they survive paging, filtering and refreshes.
 * A bulk action calls the model once per id (embedded: the control API;
 * attached: one request per id, each answer read before the next), so a
 * failure names its letter and the others still go.
 */
#define G_LOG_DOMAIN "sr-tui"

#include "sr-csv.h"
#include "sr-console-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

void
sr_console_marks_init (SrConsoleList *list)
{
  list->marks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

gboolean
sr_console_marked (SrConsoleList *list, gint64 id)
{
  return g_hash_table_contains (list->marks, &id);
}

void
sr_console_mark (SrConsoleList *list, gint64 id, gboolean on)
{
  if (on)
    g_hash_table_add (list->marks, g_memdup2 (&id, sizeof id));
  else
    g_hash_table_remove (list->marks, &id);
}

static gint
compare_id (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

/* The marked ids, oldest first (the order they died in). */
static GArray *
marked_ids (SrConsoleList *list)
{
  GArray *ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), g_hash_table_size (list->marks));
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, list->marks);
  while (g_hash_table_iter_next (&it, &key, NULL))
    g_array_append_val (ids, *(gint64 *) key);
  g_array_sort (ids, compare_id);
  return ids;
}

gboolean
sr_console_mark_matching (SrConsoleList *list, const SrConsoleModel *model, guint *added,
                          GError **error)
{
  /* Page by page, like the screen: a page is what a model answers fastest. */
  gint64 cursor = SR_CONSOLE_CURSOR_NEWEST;
  *added = 0;
  for (;;)
    {
      SrConsoleQuery q = {
        .view = list->view,
        .filter = list->filter,
        .cursor = cursor,
        .direction = SR_CONSOLE_PAGE_OLDER,
        .count = list->page_size,
      };
      g_autoptr (GPtrArray) rows = model->list (model->user_data, &q, error);
      if (!rows)
        return FALSE;
      for (guint i = 0; i < rows->len && i < q.count; i++)
        {
          gint64 id = ((SrConsoleRow *) g_ptr_array_index (rows, i))->id;
          if (!sr_console_marked (list, id))
            {
              sr_console_mark (list, id, TRUE);
              (*added)++;
            }
          cursor = id;
        }
      if (rows->len < q.count)
        return TRUE;
    }
}

void
sr_console_bulk_run (SrConsole *c, SrConsoleList *list, gboolean discard)
{
  g_autoptr (GArray) ids = marked_ids (list);
  guint done = 0;
  g_autoptr (GError) first = NULL;
  gint64 first_id = 0;
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      g_autoptr (GError) error = NULL;
      gboolean ok = discard ? c->model.discard (c->model.user_data, id, &error)
                            : c->model.retry (c->model.user_data, id, &error);
      if (ok)
        {
          sr_console_mark (list, id, FALSE);
          done++;
        }
      else if (!first)
        {
          first = g_steal_pointer (&error);
          first_id = id;
        }
    }
  if (done == ids->len)
    sr_console_set_status (c, FALSE,
                           discard ? g_dngettext (GETTEXT_PACKAGE, "%u dead letter discarded.",
                                                  "%u dead letters discarded.", done)
                                   : g_dngettext (GETTEXT_PACKAGE, "%u dead letter queued again.",
                                                  "%u dead letters queued again.", done),
                           done);
  else
    /* TRANSLATORS: "2 of 3 done; 17: why dead letter 17 failed" (the
     * failed ones stay marked: r tries them again). */
    sr_console_set_status (c, TRUE, _("%u of %u done; %lld: %s"), done, ids->len,
                           (long long) first_id, first ? first->message : "");
}

/* One CSV field, neutralised for spreadsheets like the journal's export:
 * texts and errors come from applications and the phone network. */
static void
csv_field (GString *out, const char *value, gboolean last)
{
  sr_csv_append_field (out, value, FALSE);
  g_string_append_c (out, last ? '\n' : ',');
}

/* Every fact of the detail pane on one line: "Class: smsc; Error: ...". */
static char *
detail_facts (SrConsoleDetail *d)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; d->fields && i < d->fields->len; i++)
    {
      SrConsoleField *f = g_ptr_array_index (d->fields, i);
      g_string_append_printf (s, "%s%s: %s", s->len ? "; " : "", f->name, f->value ? f->value : "");
    }
  return g_string_free (s, FALSE);
}

gboolean
sr_console_bulk_export (SrConsole *c, SrConsoleList *list, const char *path, guint *written,
                        GError **error)
{
  g_autoptr (GArray) ids = marked_ids (list);
  g_autoptr (GString) csv = g_string_new ("id,app,to,from,text,details\n");
  *written = 0;
  if (!path || !*path)
    {
      g_set_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_INVALID, "%s",
                   _("Give the file to write the dead letters to."));
      return FALSE;
    }
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      g_autoptr (SrConsoleDetail) d = c->model.detail (c->model.user_data, SR_CONSOLE_VIEW_DEAD,
                                                       id, error);
      if (!d)
        return FALSE;
      g_autofree char *sid = g_strdup_printf ("%lld", (long long) id);
      csv_field (csv, sid, FALSE);
      csv_field (csv, d->app, FALSE);
      csv_field (csv, d->to, FALSE);
      csv_field (csv, d->from, FALSE);
      csv_field (csv, d->text, FALSE);
      g_autofree char *facts = detail_facts (d);
      csv_field (csv, facts, TRUE);
    }
  /* Written whole or not at all: a half file would look like all of them. */
  if (!g_file_set_contents_full (path, csv->str, csv->len, G_FILE_SET_CONTENTS_CONSISTENT, 0640,
                                 error))
    return FALSE;
  *written = ids->len;
  return TRUE;
}
