/* sr-console-model.c — the plain data types of the console model. */
#define G_LOG_DOMAIN "sr-tui"

#include "sr-console-model.h"

#include <string.h>

G_DEFINE_QUARK (sr-console-model-error-quark, sr_console_model_error)

static const char *const queue_columns[] = { "time", "app", "to", "from", "state", "parts", "text", NULL };
static const char *const sent_columns[] = { "time", "app", "to", "from", "receipt", "parts", "text", NULL };
static const char *const dead_columns[] = { "time", "app", "to", "class", "reason", "text", NULL };
static const char *const receipts_columns[] = { "time", "app", "to", "smsc-id", "status", "reference", NULL };
static const char *const inbox_columns[] = { "time", "app", "from", "to", "text", NULL };
static const char *const blacklists_columns[] = { "kind", "value", "note", "who", "when", NULL };
static const char *const log_columns[] = { "time", "scope", "text", NULL };

const char *const *
sr_console_view_column_keys (SrConsoleView view)
{
  switch (view)
    {
    case SR_CONSOLE_VIEW_QUEUE: return queue_columns;
    case SR_CONSOLE_VIEW_SENT: return sent_columns;
    case SR_CONSOLE_VIEW_DEAD: return dead_columns;
    case SR_CONSOLE_VIEW_RECEIPTS: return receipts_columns;
    case SR_CONSOLE_VIEW_INBOX: return inbox_columns;
    case SR_CONSOLE_VIEW_BLACKLISTS: return blacklists_columns;
    case SR_CONSOLE_VIEW_LOG: return log_columns;
    case SR_CONSOLE_VIEW_OVERVIEW:
    case SR_CONSOLE_N_VIEWS:
    default:
      return NULL;
    }
}

gboolean
sr_console_view_is_list (SrConsoleView view)
{
  return sr_console_view_column_keys (view) != NULL;
}

guint
sr_console_view_n_columns (SrConsoleView view)
{
  const char *const *keys = sr_console_view_column_keys (view);
  return keys ? g_strv_length ((char **) keys) : 0;
}

const char *
sr_console_view_to_string (SrConsoleView view)
{
  static const char *const names[SR_CONSOLE_N_VIEWS] = {
    "overview", "queue", "sent", "dead", "receipts", "inbox", "blacklists", "log", "providers",
  };
  g_return_val_if_fail (view < SR_CONSOLE_N_VIEWS, NULL);
  return names[view];
}

const char *
sr_console_blacklist_kind_to_string (SrConsoleBlacklistKind kind)
{
  switch (kind)
    {
    case SR_CONSOLE_BLACKLIST_COUNTRY: return "country";
    case SR_CONSOLE_BLACKLIST_NUMBER: return "number";
    case SR_CONSOLE_BLACKLIST_PREFIX: return "prefix";
    default: return NULL;
    }
}

gboolean
sr_console_blacklist_kind_from_string (const char *s, SrConsoleBlacklistKind *out)
{
  for (int k = SR_CONSOLE_BLACKLIST_COUNTRY; k <= SR_CONSOLE_BLACKLIST_PREFIX; k++)
    if (s && g_ascii_strcasecmp (s, sr_console_blacklist_kind_to_string (k)) == 0)
      {
        *out = k;
        return TRUE;
      }
  return FALSE;
}

SrConsoleRow *
sr_console_row_new (gint64 id, char **columns)
{
  SrConsoleRow *row = g_new0 (SrConsoleRow, 1);
  row->id = id;
  row->columns = columns;
  return row;
}

void
sr_console_row_free (SrConsoleRow *row)
{
  if (!row)
    return;
  g_strfreev (row->columns);
  g_free (row);
}

static void
field_free (gpointer p)
{
  SrConsoleField *f = p;
  g_free (f->name);
  g_free (f->value);
  g_free (f);
}

SrConsoleDetail *
sr_console_detail_new (SrConsoleView view, gint64 id)
{
  SrConsoleDetail *d = g_new0 (SrConsoleDetail, 1);
  d->id = id;
  d->view = view;
  d->fields = g_ptr_array_new_with_free_func (field_free);
  d->parts = g_ptr_array_new_with_free_func (g_free);
  d->history = g_ptr_array_new_with_free_func (g_free);
  return d;
}

void
sr_console_detail_add_field (SrConsoleDetail *detail, const char *name, const char *value)
{
  SrConsoleField *f = g_new0 (SrConsoleField, 1);
  g_return_if_fail (detail != NULL && name != NULL);
  f->name = g_strdup (name);
  f->value = g_strdup (value ? value : "");
  g_ptr_array_add (detail->fields, f);
}

void
sr_console_detail_free (SrConsoleDetail *d)
{
  if (!d)
    return;
  g_free (d->title);
  g_ptr_array_unref (d->fields);
  g_free (d->text);
  g_ptr_array_unref (d->parts);
  g_ptr_array_unref (d->history);
  g_free (d->to);
  g_free (d->from);
  g_free (d->app);
  g_free (d->blacklist_value);
  g_free (d);
}

static void
bind_free (gpointer p)
{
  SrConsoleBind *b = p;
  g_free (b->name);
  g_free (b->state);
  g_free (b->last_error);
  g_free (b);
}

static void
queue_free (gpointer p)
{
  SrConsoleQueueDepth *q = p;
  g_free (q->app);
  g_free (q);
}

SrConsoleOverview *
sr_console_overview_new (void)
{
  SrConsoleOverview *o = g_new0 (SrConsoleOverview, 1);
  o->binds = g_ptr_array_new_with_free_func (bind_free);
  o->queues = g_ptr_array_new_with_free_func (queue_free);
  o->errors = g_ptr_array_new_with_free_func (g_free);
  return o;
}

void
sr_console_overview_add_bind (SrConsoleOverview *o, const char *name,
                              const char *state, const char *last_error)
{
  SrConsoleBind *b = g_new0 (SrConsoleBind, 1);
  b->name = g_strdup (name);
  b->state = g_strdup (state);
  b->last_error = g_strdup (last_error);
  g_ptr_array_add (o->binds, b);
}

void
sr_console_overview_set_bind_traffic (SrConsoleOverview *o, guint window, guint window_used,
                                      guint64 parts_out, guint64 pdus_in)
{
  g_return_if_fail (o != NULL && o->binds->len > 0);
  SrConsoleBind *b = g_ptr_array_index (o->binds, o->binds->len - 1);
  b->window = window;
  b->window_used = window_used;
  b->parts_out = parts_out;
  b->pdus_in = pdus_in;
}

void
sr_console_overview_add_queue (SrConsoleOverview *o, const char *app,
                               guint64 queued, guint64 in_flight, guint64 dead)
{
  SrConsoleQueueDepth *q = g_new0 (SrConsoleQueueDepth, 1);
  q->app = g_strdup (app);
  q->queued = queued;
  q->in_flight = in_flight;
  q->dead = dead;
  g_ptr_array_add (o->queues, q);
}

void
sr_console_overview_free (SrConsoleOverview *o)
{
  if (!o)
    return;
  g_ptr_array_unref (o->binds);
  g_ptr_array_unref (o->queues);
  g_ptr_array_unref (o->errors);
  sr_console_broker_status_free (o->broker);
  sr_console_http_status_free (o->http);
  g_free (o);
}
