/* sr-console-router-model.c — SrConsoleModel over an embedded SrRouter:
 * journal pages for the lists, journal + spool file for the detail pane,
 * sr-control for the actions. */
#define G_LOG_DOMAIN "sr-console"

#include "sr-build-config.h"
#include "sr-console-router-model.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sr-control.h"
#include "sr-message.h"
#include "sr-split.h"

/* The model: the router, the operator's name and the console's change handler. */
struct _SrConsoleRouterModel {
  SrConsoleModel table;
  SrRouter *router;
  char *actor;
  SrConsoleChangedFunc changed;
  gpointer changed_data;
};

/* ---- formatting ------------------------------------------------------ */

/* The journal's state names, spelled here: sr_message_state_to_string() and
 * sr_receipt_state_to_string() exist twice (journal and receipts modules). */
static const char *
journal_state_name (SrMessageState state)
{
  static const char *const names[] = { "queued", "submitting", "sent", "delivered",
                                       "undeliverable", "dead", "discarded" };
  return (guint) state < G_N_ELEMENTS (names) ? names[state] : "unknown";
}

static const char *
journal_receipt_name (SrReceiptState state)
{
  static const char *const names[] = { "none", "intermediate", "delivered", "failed" };
  return (guint) state < G_N_ELEMENTS (names) ? names[state] : "unknown";
}


/* "14:03:07" for today, "2026-11-21 14:03" before; "" for 0. */
static char *
format_time (gint64 usec)
{
  if (usec <= 0)
    return g_strdup ("");
  g_autoptr (GDateTime) t = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  if (!t)
    return g_strdup ("?");
  if (g_date_time_get_year (t) == g_date_time_get_year (now)
      && g_date_time_get_day_of_year (t) == g_date_time_get_day_of_year (now))
    return g_date_time_format (t, "%H:%M:%S");
  return g_date_time_format (t, "%Y-%m-%d %H:%M");
}

static char *
format_full_time (gint64 usec)
{
  if (usec <= 0)
    return NULL;
  g_autoptr (GDateTime) t = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  return t ? g_date_time_format (t, "%Y-%m-%d %H:%M:%S") : NULL;
}

static const char *
nz (const char *s)
{
  return s ? s : "";
}

static char *
dup_nz (const char *s)
{
  return g_strdup (s ? s : "");
}

/* The receipt column of the Sent view. */
static const char *
receipt_summary (const SrJournalMessage *m)
{
  switch (m->state)
    {
    case SR_MESSAGE_DELIVERED:
      return _("delivered");
    case SR_MESSAGE_UNDELIVERABLE:
      return _("undeliverable");
    default:
      return _("awaiting");
    }
}

static const char *
queue_state (const SrJournalMessage *m)
{
  return m->state == SR_MESSAGE_SUBMITTING ? _("in flight") : _("waiting");
}

static void
set_error_from (GError **error, GError *cause)
{
  gint code = SR_CONSOLE_MODEL_ERROR_FAILED;
  if (g_error_matches (cause, SR_CONTROL_ERROR, SR_CONTROL_ERROR_NOT_FOUND)
      || g_error_matches (cause, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_NOT_FOUND))
    code = SR_CONSOLE_MODEL_ERROR_NOT_FOUND;
  else if (g_error_matches (cause, SR_CONTROL_ERROR, SR_CONTROL_ERROR_INVALID)
           || g_error_matches (cause, SR_CONTROL_ERROR, SR_CONTROL_ERROR_EXISTS))
    code = SR_CONSOLE_MODEL_ERROR_INVALID;
  g_set_error_literal (error, SR_CONSOLE_MODEL_ERROR, code, cause->message);
  g_error_free (cause);
}

/* ---- overview -------------------------------------------------------- */

static SrConsoleOverview *
model_overview (gpointer user_data, GError **error)
{
  SrConsoleRouterModel *self = user_data;
  SrRouterStatus st = { 0 };
  sr_router_get_status (self->router, &st);
  SrConsoleOverview *o = sr_console_overview_new ();
  for (guint i = 0; st.binds && i < st.binds->len; i++)
    {
      SrRouterBindStatus *b = g_ptr_array_index (st.binds, i);
      sr_console_overview_add_bind (o, b->name, b->state, b->last_error);
    }
  const SrConfig *config = sr_router_get_config (self->router);
  SrJournal *journal = sr_router_get_journal (self->router);
  for (guint i = 0; config->apps && i < config->apps->len; i++)
    {
      const SrAppConfig *app = g_ptr_array_index (config->apps, i);
      guint64 counts[SR_MESSAGE_N_STATES] = { 0 };
      sr_journal_count_states (journal, app->name, counts);
      sr_console_overview_add_queue (o, app->name, counts[SR_MESSAGE_QUEUED],
                                     counts[SR_MESSAGE_SUBMITTING], counts[SR_MESSAGE_DEAD]);
    }
  for (guint i = 0; st.system_errors && i < st.system_errors->len; i++)
    g_ptr_array_add (o->errors, g_strdup (g_ptr_array_index (st.system_errors, i)));
  o->rate_in = st.rate_in;
  o->rate_out = st.rate_out;
  o->total_in = st.total_in;
  o->total_out = st.total_out;
  o->paused = st.paused;
  sr_router_status_clear (&st);
  return o;
}

/* ---- lists ----------------------------------------------------------- */

/* The journal's cursor and direction for a console query. */
static void
journal_page_args (const SrConsoleQuery *q, SrPageDirection *dir, gint64 *cursor)
{
  if (q->direction == SR_CONSOLE_PAGE_OLDER)
    {
      *dir = SR_PAGE_OLDER;
      *cursor = q->cursor >= SR_CONSOLE_CURSOR_NEWEST ? 0 : q->cursor;
    }
  else
    {
      *dir = SR_PAGE_NEWER;
      *cursor = q->cursor;
    }
}

static gint
compare_id_desc (gconstpointer a, gconstpointer b)
{
  gint64 x = (*(SrJournalMessage *const *) a)->id, y = (*(SrJournalMessage *const *) b)->id;
  return x < y ? 1 : x > y ? -1 : 0;
}

/* Messages of one or two journal views, newest first, at most q->count
 * (each journal page is an indexed keyset query; two are merged). */
static GPtrArray *
message_page (SrConsoleRouterModel *self, const SrConsoleQuery *q, const SrJournalView *views,
              guint n_views, GError **error)
{
  SrPageDirection dir;
  gint64 cursor, next;
  journal_page_args (q, &dir, &cursor);
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_journal_message_free);
  for (guint v = 0; v < n_views; v++)
    {
      g_autoptr (GPtrArray) page = sr_journal_messages_page (
        sr_router_get_journal (self->router), views[v], NULL,
        q->filter && *q->filter ? q->filter : NULL, dir, cursor, q->count, &next, error);
      if (!page)
        {
          g_ptr_array_unref (all);
          return NULL;
        }
      g_ptr_array_set_free_func (page, NULL);
      for (guint i = 0; i < page->len; i++)
        g_ptr_array_add (all, g_ptr_array_index (page, i));
    }
  g_ptr_array_sort (all, compare_id_desc);
  if (all->len > q->count)
    {
      if (dir == SR_PAGE_OLDER)
        g_ptr_array_remove_range (all, q->count, all->len - q->count);
      else
        g_ptr_array_remove_range (all, 0, all->len - q->count);
    }
  return all;
}

static char **
columns_new (guint n)
{
  return g_new0 (char *, n + 1);
}

static GPtrArray *
rows_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) sr_console_row_free);
}

static GPtrArray *
list_messages (SrConsoleRouterModel *self, const SrConsoleQuery *q, GError **error)
{
  static const SrJournalView queue[] = { SR_VIEW_QUEUE };
  static const SrJournalView sent[] = { SR_VIEW_SENT, SR_VIEW_DONE };
  static const SrJournalView dead[] = { SR_VIEW_DEAD };
  g_autoptr (GPtrArray) msgs = NULL;
  switch (q->view)
    {
    case SR_CONSOLE_VIEW_QUEUE:
      msgs = message_page (self, q, queue, 1, error);
      break;
    case SR_CONSOLE_VIEW_SENT:
      msgs = message_page (self, q, sent, 2, error);
      break;
    default:
      msgs = message_page (self, q, dead, 1, error);
      break;
    }
  if (!msgs)
    return NULL;
  GPtrArray *rows = rows_new ();
  for (guint i = 0; i < msgs->len; i++)
    {
      SrJournalMessage *m = g_ptr_array_index (msgs, i);
      const char *to = m->to_e164 ? m->to_e164 : nz (m->to_raw);
      char **c;
      if (q->view == SR_CONSOLE_VIEW_DEAD)
        {
          c = columns_new (6);
          c[0] = format_time (m->done_at ? m->done_at : m->created_at);
          c[1] = dup_nz (m->app);
          c[2] = g_strdup (to);
          c[3] = g_strdup (sr_error_class_to_string (m->error_class));
          c[4] = dup_nz (m->error_text);
          c[5] = dup_nz (m->preview);
        }
      else
        {
          c = columns_new (7);
          c[0] = format_time (m->created_at);
          c[1] = dup_nz (m->app);
          c[2] = g_strdup (to);
          c[3] = dup_nz (m->from_addr);
          c[4] = g_strdup (q->view == SR_CONSOLE_VIEW_QUEUE ? queue_state (m) : receipt_summary (m));
          c[5] = g_strdup_printf ("%u", m->parts);
          c[6] = dup_nz (m->preview);
        }
      g_ptr_array_add (rows, sr_console_row_new (m->id, c));
    }
  return rows;
}

/* Keeps a row when the filter (case-insensitive substring) is in a column. */
static gboolean
row_matches (char **columns, const char *filter)
{
  if (!filter || !*filter)
    return TRUE;
  g_autofree char *needle = g_utf8_casefold (filter, -1);
  for (guint i = 0; columns[i]; i++)
    {
      g_autofree char *hay = g_utf8_casefold (columns[i], -1);
      if (strstr (hay, needle))
        return TRUE;
    }
  return FALSE;
}

/* Newest first for the console, whatever order the journal gave. */
static void
rows_finish (GPtrArray *rows, SrPageDirection dir)
{
  if (dir == SR_PAGE_NEWER)
    for (guint i = 0, j = rows->len ? rows->len - 1 : 0; i < j; i++, j--)
      {
        gpointer t = rows->pdata[i];
        rows->pdata[i] = rows->pdata[j];
        rows->pdata[j] = t;
      }
}

static GPtrArray *
list_receipts (SrConsoleRouterModel *self, const SrConsoleQuery *q, GError **error)
{
  SrPageDirection dir;
  gint64 cursor, next;
  journal_page_args (q, &dir, &cursor);
  SrJournal *journal = sr_router_get_journal (self->router);
  g_autoptr (GPtrArray) page = sr_journal_receipts_page (journal, FALSE, dir, cursor, q->count,
                                                         &next, error);
  if (!page)
    return NULL;
  GPtrArray *rows = rows_new ();
  for (guint i = 0; i < page->len; i++)
    {
      SrJournalReceipt *r = g_ptr_array_index (page, i);
      g_autoptr (SrJournalMessage) m = r->message_id
        ? sr_journal_message_get (journal, r->message_id, NULL) : NULL;
      char **c = columns_new (6);
      c[0] = format_time (r->received_at);
      c[1] = g_strdup (m ? nz (m->app) : _("(unmatched)"));
      c[2] = g_strdup (m ? (m->to_e164 ? m->to_e164 : nz (m->to_raw)) : "");
      c[3] = dup_nz (r->smsc_id);
      c[4] = g_strdup (r->stat ? r->stat : journal_receipt_name (r->state));
      c[5] = g_strdup (m ? nz (m->reference) : "");
      if (row_matches (c, q->filter))
        g_ptr_array_add (rows, sr_console_row_new (r->id, c));
      else
        g_strfreev (c);
    }
  rows_finish (rows, dir);
  return rows;
}

static GPtrArray *
list_inbox (SrConsoleRouterModel *self, const SrConsoleQuery *q, GError **error)
{
  SrPageDirection dir;
  gint64 cursor, next;
  journal_page_args (q, &dir, &cursor);
  g_autoptr (GPtrArray) page = sr_journal_inbound_page (
    sr_router_get_journal (self->router), q->filter && *q->filter ? q->filter : NULL, dir,
    cursor, q->count, &next, error);
  if (!page)
    return NULL;
  GPtrArray *rows = rows_new ();
  for (guint i = 0; i < page->len; i++)
    {
      SrJournalInbound *in = g_ptr_array_index (page, i);
      char **c = columns_new (5);
      c[0] = format_time (in->received_at);
      c[1] = g_strdup (in->app ? in->app : _("(none)"));
      c[2] = dup_nz (in->sender);
      c[3] = dup_nz (in->recipient);
      c[4] = dup_nz (in->text);
      g_ptr_array_add (rows, sr_console_row_new (in->id, c));
    }
  rows_finish (rows, dir);
  return rows;
}

static char *
event_line (const SrJournalEvent *ev)
{
  GString *s = g_string_new (NULL);
  if (ev->kind)
    g_string_append (s, ev->kind);
  if (ev->actor && strcmp (ev->actor, "router") != 0)
    g_string_append_printf (s, _(" by %s"), ev->actor);
  if (s->len)
    g_string_append (s, ": ");
  g_string_append (s, nz (ev->text));
  if (ev->message_id)
    g_string_append_printf (s, " [#%" G_GINT64_FORMAT "]", ev->message_id);
  return g_string_free (s, FALSE);
}

static GPtrArray *
list_log (SrConsoleRouterModel *self, const SrConsoleQuery *q, GError **error)
{
  SrPageDirection dir;
  gint64 cursor, next;
  journal_page_args (q, &dir, &cursor);
  g_autoptr (GPtrArray) page = sr_journal_events_page (
    sr_router_get_journal (self->router), -1, q->filter && *q->filter ? q->filter : NULL, dir,
    cursor, q->count, &next, error);
  if (!page)
    return NULL;
  GPtrArray *rows = rows_new ();
  for (guint i = 0; i < page->len; i++)
    {
      SrJournalEvent *ev = g_ptr_array_index (page, i);
      char **c = columns_new (3);
      c[0] = format_time (ev->ts);
      c[1] = g_strdup (sr_scope_to_string (ev->scope));
      c[2] = event_line (ev);
      g_ptr_array_add (rows, sr_console_row_new (ev->id, c));
    }
  rows_finish (rows, dir);
  return rows;
}

/* Every blacklist entry, in (kind, value) order; the row id of entry i of n
 * is n - i, so the list reads top-down in that order.  Blacklists are short
 * (hundreds of entries) and held in the journal's memory cache. */
static GPtrArray *
blacklist_all (SrConsoleRouterModel *self, GError **error)
{
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_journal_blacklist_entry_free);
  static const SrBlacklistKind kinds[] = { SR_BLACKLIST_COUNTRY, SR_BLACKLIST_NUMBER, SR_BLACKLIST_PREFIX };
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr (GPtrArray) list = sr_journal_blacklist_list (sr_router_get_journal (self->router),
                                                              kinds[k], error);
      if (!list)
        {
          g_ptr_array_unref (all);
          return NULL;
        }
      g_ptr_array_set_free_func (list, NULL);
      for (guint i = 0; i < list->len; i++)
        g_ptr_array_add (all, g_ptr_array_index (list, i));
    }
  return all;
}

static char **
blacklist_columns (const SrJournalBlacklistEntry *e)
{
  char **c = columns_new (5);
  c[0] = g_strdup (sr_blacklist_kind_to_string (e->kind));
  c[1] = dup_nz (e->value);
  c[2] = dup_nz (e->note);
  c[3] = dup_nz (e->who);
  c[4] = format_time (e->created_at);
  return c;
}

static GPtrArray *
list_blacklists (SrConsoleRouterModel *self, const SrConsoleQuery *q, GError **error)
{
  g_autoptr (GPtrArray) all = blacklist_all (self, error);
  if (!all)
    return NULL;
  gint64 n = all->len;
  GPtrArray *rows = rows_new ();
  /* Matching rows in id order (descending), then the page next to the cursor. */
  g_autoptr (GPtrArray) match = rows_new ();
  for (guint i = 0; i < all->len; i++)
    {
      char **c = blacklist_columns (g_ptr_array_index (all, i));
      if (row_matches (c, q->filter))
        g_ptr_array_add (match, sr_console_row_new (n - i, c));
      else
        g_strfreev (c);
    }
  g_ptr_array_set_free_func (match, NULL);
  if (q->direction == SR_CONSOLE_PAGE_OLDER)
    {
      for (guint i = 0; i < match->len; i++)
        {
          SrConsoleRow *r = g_ptr_array_index (match, i);
          if (r->id < q->cursor && rows->len < q->count)
            g_ptr_array_add (rows, r);
          else
            sr_console_row_free (r);
        }
    }
  else
    {
      guint first = match->len;
      guint taken = 0;
      for (guint i = match->len; i-- > 0;)
        {
          SrConsoleRow *r = g_ptr_array_index (match, i);
          if (r->id > q->cursor && taken < q->count)
            {
              first = i;
              taken++;
            }
        }
      for (guint i = 0; i < match->len; i++)
        {
          SrConsoleRow *r = g_ptr_array_index (match, i);
          if (i >= first && i < first + taken)
            g_ptr_array_add (rows, r);
          else
            sr_console_row_free (r);
        }
    }
  return rows;
}

static GPtrArray *
model_list (gpointer user_data, const SrConsoleQuery *q, GError **error)
{
  SrConsoleRouterModel *self = user_data;
  switch (q->view)
    {
    case SR_CONSOLE_VIEW_QUEUE:
    case SR_CONSOLE_VIEW_SENT:
    case SR_CONSOLE_VIEW_DEAD:
      return list_messages (self, q, error);
    case SR_CONSOLE_VIEW_RECEIPTS:
      return list_receipts (self, q, error);
    case SR_CONSOLE_VIEW_INBOX:
      return list_inbox (self, q, error);
    case SR_CONSOLE_VIEW_BLACKLISTS:
      return list_blacklists (self, q, error);
    case SR_CONSOLE_VIEW_LOG:
      return list_log (self, q, error);
    default:
      return rows_new ();
    }
}

/* ---- detail ---------------------------------------------------------- */

static void
add_field (SrConsoleDetail *d, const char *name, const char *value)
{
  if (value && *value)
    sr_console_detail_add_field (d, name, value);
}

static void
add_time_field (SrConsoleDetail *d, const char *name, gint64 usec)
{
  g_autofree char *t = format_full_time (usec);
  add_field (d, name, t);
}

/* The message file as it is now (outbox, sent or dead), or NULL. */
static SrMessage *
read_message_file (SrConsoleRouterModel *self, const SrJournalMessage *m)
{
  SrSpoolFolder folders[2];
  guint n = 0;
  switch (m->state)
    {
    case SR_MESSAGE_QUEUED:
    case SR_MESSAGE_SUBMITTING:
      folders[n++] = SR_SPOOL_OUTBOX_CUR;
      folders[n++] = SR_SPOOL_OUTBOX_NEW;
      break;
    case SR_MESSAGE_SENT:
    case SR_MESSAGE_DELIVERED:
    case SR_MESSAGE_UNDELIVERABLE:
      folders[n++] = SR_SPOOL_SENT;
      break;
    case SR_MESSAGE_DEAD:
      folders[n++] = SR_SPOOL_DEAD;
      break;
    default:
      return NULL;
    }
  if (!m->app || !m->file)
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GBytes) bytes = sr_spool_read (sr_router_get_spool (self->router), m->app,
                                                folders[i], m->file, 1024 * 1024, NULL);
      if (!bytes)
        continue;
      gsize len = 0;
      const char *data = g_bytes_get_data (bytes, &len);
      SrMessage *msg = sr_message_parse (data, len, 1024 * 1024, NULL);
      if (msg)
        return msg;
    }
  return NULL;
}

/* One line of a message's history, ordered by time. */
typedef struct {
  gint64 ts;
  guint seq;
  char *text;
} HistoryLine;

static gint
compare_history (gconstpointer a, gconstpointer b)
{
  const HistoryLine *x = a, *y = b;
  if (x->ts != y->ts)
    return x->ts < y->ts ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
history_add (GArray *lines, gint64 ts, char *text)
{
  HistoryLine l = { ts, lines->len, text };
  g_array_append_val (lines, l);
}

/* The journal's life of a message (claim, submission, receipts, end) merged
 * with its audit events, oldest first. */
static void
fill_history (SrConsoleDetail *d, const SrJournalMessageDetail *md)
{
  const SrJournalMessage *m = md->message;
  g_autoptr (GArray) lines = g_array_new (FALSE, FALSE, sizeof (HistoryLine));
  history_add (lines, m->created_at, g_strdup_printf (_("claimed from %s/outbox"), nz (m->app)));
  if (m->submitted_at)
    history_add (lines, m->submitted_at, g_strdup_printf (_("accepted by the SMSC (%s)"),
                                                          m->provider ? m->provider : "?"));
  for (guint i = 0; md->receipts && i < md->receipts->len; i++)
    {
      SrJournalReceipt *r = g_ptr_array_index (md->receipts, i);
      history_add (lines, r->received_at, g_strdup_printf (_("receipt for part %u: %s"), r->part,
                                                           r->stat ? r->stat : journal_receipt_name (r->state)));
    }
  for (guint i = 0; md->events && i < md->events->len; i++)
    {
      SrJournalEvent *ev = g_ptr_array_index (md->events, i);
      history_add (lines, ev->ts, event_line (ev));
    }
  if (m->done_at && m->state != SR_MESSAGE_DEAD)
    history_add (lines, m->done_at, g_strdup_printf (_("final: %s"), journal_state_name (m->state)));
  else if (m->state == SR_MESSAGE_DEAD)
    history_add (lines, m->done_at ? m->done_at : m->created_at,
                 g_strdup_printf (_("dead letter (%s): %s"), sr_error_class_to_string (m->error_class),
                                  nz (m->error_text)));
  g_array_sort (lines, compare_history);
  for (guint i = 0; i < lines->len; i++)
    {
      HistoryLine *l = &g_array_index (lines, HistoryLine, i);
      g_autofree char *t = format_full_time (l->ts);
      g_ptr_array_add (d->history, g_strdup_printf ("%s  %s", nz (t), l->text));
      g_free (l->text);
    }
}

static SrConsoleDetail *
detail_message (SrConsoleRouterModel *self, SrConsoleView view, gint64 id, GError **error)
{
  GError *local = NULL;
  g_autoptr (SrJournalMessageDetail) md = sr_journal_message_detail (
    sr_router_get_journal (self->router), id, &local);
  if (!md)
    {
      if (local)
        set_error_from (error, local);
      else
        g_set_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_NOT_FOUND,
                     _("Message %" G_GINT64_FORMAT " is not in the journal."), id);
      return NULL;
    }
  SrJournalMessage *m = md->message;
  SrConsoleDetail *d = sr_console_detail_new (view, id);
  d->title = g_strdup_printf (view == SR_CONSOLE_VIEW_DEAD ? _("Dead letter %" G_GINT64_FORMAT " (app %s)")
                                                           : _("Message %" G_GINT64_FORMAT " (app %s)"),
                              id, nz (m->app));
  add_field (d, _("State"), journal_state_name (m->state));
  add_field (d, _("To"), m->to_raw);
  add_field (d, _("E.164"), m->to_e164);
  add_field (d, _("Country"), m->country);
  add_field (d, _("From"), m->from_addr);
  add_field (d, _("Reference"), m->reference);
  add_field (d, _("Alphabet"), m->alphabet);
  g_autofree char *parts = g_strdup_printf ("%u", m->parts);
  add_field (d, _("Parts"), parts);
  g_autofree char *attempts = g_strdup_printf ("%u", m->attempts);
  add_field (d, _("Attempts"), attempts);
  add_field (d, _("Provider"), m->provider);
  if (m->error_class != SR_ERROR_CLASS_NONE)
    add_field (d, _("Class"), sr_error_class_to_string (m->error_class));
  add_field (d, _("Error"), m->error_text);
  add_time_field (d, _("Created"), m->created_at);
  add_time_field (d, _("Submitted"), m->submitted_at);
  add_time_field (d, _("Done"), m->done_at);
  add_field (d, _("File"), m->file);

  g_autoptr (SrMessage) msg = read_message_file (self, m);
  if (msg)
    {
      /* Headers the journal does not show already (X-SMSC-Id, X-Error, custom ones). */
      static const char *const shown[] = { "To", "From", "Reference", NULL };
      for (guint i = 0; i < sr_message_get_n_headers (msg); i++)
        {
          const char *name = NULL, *value = NULL;
          sr_message_get_header (msg, i, &name, &value);
          gboolean skip = FALSE;
          for (guint k = 0; shown[k]; k++)
            skip |= g_ascii_strcasecmp (name, shown[k]) == 0;
          if (!skip)
            add_field (d, name, value);
        }
      d->text = g_strdup (sr_message_get_text (msg, NULL));
      d->from = g_strdup (nz (sr_message_get_from (msg)));
    }
  else
    {
      d->text = g_strdup (nz (m->preview));
      d->from = g_strdup (nz (m->from_addr));
    }
  d->to = g_strdup (m->to_raw ? m->to_raw : nz (m->to_e164));
  d->app = dup_nz (m->app);

  for (guint i = 0; md->segments && i < md->segments->len; i++)
    {
      SrJournalSegment *s = g_ptr_array_index (md->segments, i);
      GString *line = g_string_new (NULL);
      g_string_printf (line, "%s", sr_segment_submit_to_string (s->submit));
      if (s->smsc_id)
        g_string_append_printf (line, _("  SMSC id %s"), s->smsc_id);
      if (s->command_status)
        g_string_append_printf (line, _("  status 0x%08x"), (guint) s->command_status);
      if (s->receipt != SR_RECEIPT_NONE)
        g_string_append_printf (line, _("  receipt %s"), s->receipt_stat ? s->receipt_stat
                                : journal_receipt_name (s->receipt));
      if (s->receipt_err && *s->receipt_err && strcmp (s->receipt_err, "000") != 0)
        g_string_append_printf (line, _(" (err %s)"), s->receipt_err);
      g_ptr_array_add (d->parts, g_string_free (line, FALSE));
    }
  fill_history (d, md);
  return d;
}

static void
not_found (GError **error, gint64 id)
{
  g_set_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_NOT_FOUND,
               _("Row %" G_GINT64_FORMAT " is gone."), id);
}

static SrConsoleDetail *
detail_receipt (SrConsoleRouterModel *self, gint64 id, GError **error)
{
  gint64 next;
  SrJournal *journal = sr_router_get_journal (self->router);
  g_autoptr (GPtrArray) page = sr_journal_receipts_page (journal, FALSE, SR_PAGE_OLDER, id + 1, 1,
                                                         &next, error);
  if (!page)
    return NULL;
  SrJournalReceipt *r = page->len ? g_ptr_array_index (page, 0) : NULL;
  if (!r || r->id != id)
    {
      not_found (error, id);
      return NULL;
    }
  SrConsoleDetail *d = sr_console_detail_new (SR_CONSOLE_VIEW_RECEIPTS, id);
  d->title = r->message_id
    ? g_strdup_printf (_("Receipt %" G_GINT64_FORMAT " for message %" G_GINT64_FORMAT), id, r->message_id)
    : g_strdup_printf (_("Receipt %" G_GINT64_FORMAT " (unmatched)"), id);
  add_field (d, _("Status"), r->stat);
  add_field (d, _("State"), journal_receipt_name (r->state));
  add_field (d, _("Error"), r->err);
  add_field (d, _("SMSC id"), r->smsc_id);
  add_field (d, _("Provider"), r->provider);
  g_autofree char *part = r->part ? g_strdup_printf ("%u", r->part) : NULL;
  add_field (d, _("Part"), part);
  add_time_field (d, _("Received"), r->received_at);
  add_time_field (d, _("Done"), r->done_at);
  if (r->message_id)
    {
      g_autoptr (SrJournalMessage) m = sr_journal_message_get (journal, r->message_id, NULL);
      if (m)
        {
          add_field (d, _("App"), m->app);
          add_field (d, _("To"), m->to_e164 ? m->to_e164 : m->to_raw);
          add_field (d, _("Reference"), m->reference);
          d->text = g_strdup (nz (m->preview));
        }
    }
  if (r->raw)
    g_ptr_array_add (d->history, g_strdup (r->raw));
  return d;
}

static SrConsoleDetail *
detail_inbound (SrConsoleRouterModel *self, gint64 id, GError **error)
{
  gint64 next;
  g_autoptr (GPtrArray) page = sr_journal_inbound_page (sr_router_get_journal (self->router), NULL,
                                                        SR_PAGE_OLDER, id + 1, 1, &next, error);
  if (!page)
    return NULL;
  SrJournalInbound *in = page->len ? g_ptr_array_index (page, 0) : NULL;
  if (!in || in->id != id)
    {
      not_found (error, id);
      return NULL;
    }
  SrConsoleDetail *d = sr_console_detail_new (SR_CONSOLE_VIEW_INBOX, id);
  d->title = g_strdup_printf (_("Inbound %" G_GINT64_FORMAT " from %s"), id, nz (in->sender));
  add_field (d, _("From"), in->sender);
  add_field (d, _("To"), in->recipient);
  add_field (d, _("App"), in->app);
  add_field (d, _("Verdict"), in->verdict);
  add_field (d, _("Provider"), in->provider);
  g_autofree char *parts = g_strdup_printf ("%u", in->parts);
  add_field (d, _("Parts"), parts);
  add_time_field (d, _("Received"), in->received_at);
  add_field (d, _("File"), in->file);
  d->text = dup_nz (in->text);
  return d;
}

static SrConsoleDetail *
detail_event (SrConsoleRouterModel *self, gint64 id, GError **error)
{
  gint64 next;
  g_autoptr (GPtrArray) page = sr_journal_events_page (sr_router_get_journal (self->router), -1,
                                                       NULL, SR_PAGE_OLDER, id + 1, 1, &next, error);
  if (!page)
    return NULL;
  SrJournalEvent *ev = page->len ? g_ptr_array_index (page, 0) : NULL;
  if (!ev || ev->id != id)
    {
      not_found (error, id);
      return NULL;
    }
  SrConsoleDetail *d = sr_console_detail_new (SR_CONSOLE_VIEW_LOG, id);
  d->title = g_strdup_printf (_("Event %" G_GINT64_FORMAT " (%s)"), id, nz (ev->kind));
  add_time_field (d, _("Time"), ev->ts);
  add_field (d, _("Scope"), sr_scope_to_string (ev->scope));
  add_field (d, _("Level"), sr_journal_level_to_string (ev->level));
  add_field (d, _("Kind"), ev->kind);
  add_field (d, _("Actor"), ev->actor);
  add_field (d, _("App"), ev->app);
  g_autofree char *mid = ev->message_id ? g_strdup_printf ("%" G_GINT64_FORMAT, ev->message_id) : NULL;
  add_field (d, _("Message"), mid);
  d->text = dup_nz (ev->text);
  return d;
}

static SrConsoleDetail *
detail_blacklist (SrConsoleRouterModel *self, gint64 id, GError **error)
{
  g_autoptr (GPtrArray) all = blacklist_all (self, error);
  if (!all)
    return NULL;
  gint64 i = (gint64) all->len - id;
  if (id <= 0 || i < 0)
    {
      not_found (error, id);
      return NULL;
    }
  SrJournalBlacklistEntry *e = g_ptr_array_index (all, i);
  SrConsoleDetail *d = sr_console_detail_new (SR_CONSOLE_VIEW_BLACKLISTS, id);
  d->title = g_strdup_printf (_("Blacklisted %s %s"), sr_blacklist_kind_to_string (e->kind), nz (e->value));
  add_field (d, _("Kind"), sr_blacklist_kind_to_string (e->kind));
  add_field (d, _("Value"), e->value);
  add_field (d, _("Note"), e->note);
  add_field (d, _("Added by"), e->who);
  add_time_field (d, _("Added"), e->created_at);
  d->blacklist_kind = (SrConsoleBlacklistKind) e->kind;
  d->blacklist_value = g_strdup (e->value);
  return d;
}

static SrConsoleDetail *
model_detail (gpointer user_data, SrConsoleView view, gint64 id, GError **error)
{
  SrConsoleRouterModel *self = user_data;
  switch (view)
    {
    case SR_CONSOLE_VIEW_QUEUE:
    case SR_CONSOLE_VIEW_SENT:
    case SR_CONSOLE_VIEW_DEAD:
      return detail_message (self, view, id, error);
    case SR_CONSOLE_VIEW_RECEIPTS:
      return detail_receipt (self, id, error);
    case SR_CONSOLE_VIEW_INBOX:
      return detail_inbound (self, id, error);
    case SR_CONSOLE_VIEW_BLACKLISTS:
      return detail_blacklist (self, id, error);
    case SR_CONSOLE_VIEW_LOG:
      return detail_event (self, id, error);
    default:
      not_found (error, id);
      return NULL;
    }
}

/* ---- actions --------------------------------------------------------- */

static gboolean
done (gboolean ok, GError *local, GError **error)
{
  if (!ok)
    set_error_from (error, local);
  return ok;
}

static gboolean
model_retry (gpointer user_data, gint64 id, GError **error)
{
  SrConsoleRouterModel *self = user_data;
  GError *local = NULL;
  gboolean ok = sr_control_retry (self->router, id, self->actor, &local);
  return done (ok, local, error);
}

static gboolean
model_edit_retry (gpointer user_data, gint64 id, const SrConsoleMessage *msg, GError **error)
{
  SrConsoleRouterModel *self = user_data;
  GError *local = NULL;
  gboolean ok = sr_control_edit_retry (self->router, id, msg->to, msg->from ? msg->from : "",
                                       msg->text, self->actor, &local);
  return done (ok, local, error);
}

static gboolean
model_discard (gpointer user_data, gint64 id, GError **error)
{
  SrConsoleRouterModel *self = user_data;
  GError *local = NULL;
  gboolean ok = sr_control_discard (self->router, id, self->actor, &local);
  return done (ok, local, error);
}

static gboolean
model_compose (gpointer user_data, const SrConsoleMessage *msg, GError **error)
{
  SrConsoleRouterModel *self = user_data;
  GError *local = NULL;
  gboolean ok = sr_control_compose (self->router, msg->app, msg->to, msg->from, msg->text,
                                    self->actor, NULL, &local);
  return done (ok, local, error);
}

static gboolean
model_blacklist_add (gpointer user_data, SrConsoleBlacklistKind kind, const char *value,
                     const char *note, GError **error)
{
  SrConsoleRouterModel *self = user_data;
  GError *local = NULL;
  gboolean ok = sr_control_blacklist_add (self->router, (SrBlacklistKind) kind, value, note,
                                          self->actor, &local);
  return done (ok, local, error);
}

static gboolean
model_blacklist_remove (gpointer user_data, SrConsoleBlacklistKind kind, const char *value,
                        GError **error)
{
  SrConsoleRouterModel *self = user_data;
  GError *local = NULL;
  gboolean ok = sr_control_blacklist_remove (self->router, (SrBlacklistKind) kind, value,
                                             self->actor, &local);
  return done (ok, local, error);
}

static gboolean
model_set_paused (gpointer user_data, gboolean paused, GError **error)
{
  SrConsoleRouterModel *self = user_data;
  sr_control_set_paused (self->router, paused, self->actor);
  return TRUE;
}

/* Counts for the first provider's split method (the one most texts take). */
static void
model_count_text (gpointer user_data, const char *text, SrConsoleTextCount *out)
{
  SrConsoleRouterModel *self = user_data;
  const SrConfig *config = sr_router_get_config (self->router);
  SrSplitMethod method = SR_SPLIT_UDH8;
  if (config->providers && config->providers->len > 0)
    method = ((SrProviderConfig *) g_ptr_array_index (config->providers, 0))->split;
  SrTextCount count = { 0 };
  if (!sr_text_count (text ? text : "", SR_ALPHABET_AUTO, method, &count, NULL))
    {
      out->alphabet = SR_CONSOLE_ALPHABET_UCS2;
      out->parts = 1;
      out->left = 0;
      return;
    }
  out->alphabet = count.alphabet == SR_ALPHABET_UCS2 ? SR_CONSOLE_ALPHABET_UCS2
                : count.alphabet == SR_ALPHABET_LATIN1 ? SR_CONSOLE_ALPHABET_LATIN1
                : SR_CONSOLE_ALPHABET_GSM7;
  out->parts = count.parts;
  out->left = count.left;
}

static gboolean
router_changed (gpointer data)
{
  SrConsoleRouterModel *self = data;
  if (self->changed)
    self->changed (self->changed_data);
  return G_SOURCE_CONTINUE;
}

static void
model_set_changed_handler (gpointer user_data, SrConsoleChangedFunc func, gpointer data)
{
  SrConsoleRouterModel *self = user_data;
  self->changed = func;
  self->changed_data = data;
  sr_router_set_changed_func (self->router, func ? router_changed : NULL, func ? self : NULL);
}

/* ---- life ------------------------------------------------------------ */

SrConsoleRouterModel *
sr_console_router_model_new (SrRouter *router, const char *actor)
{
  g_return_val_if_fail (router != NULL, NULL);
  SrConsoleRouterModel *self = g_new0 (SrConsoleRouterModel, 1);
  self->router = router;
  self->actor = g_strdup (actor && *actor ? actor : sr_control_default_actor ());
  self->table = (SrConsoleModel) {
    .user_data = self,
    .overview = model_overview,
    .list = model_list,
    .detail = model_detail,
    .retry = model_retry,
    .edit_retry = model_edit_retry,
    .discard = model_discard,
    .compose = model_compose,
    .blacklist_add = model_blacklist_add,
    .blacklist_remove = model_blacklist_remove,
    .set_paused = model_set_paused,
    .count_text = model_count_text,
    .set_changed_handler = model_set_changed_handler,
  };
  return self;
}

void
sr_console_router_model_free (SrConsoleRouterModel *self)
{
  if (!self)
    return;
  if (self->changed)
    sr_router_set_changed_func (self->router, NULL, NULL);
  g_free (self->actor);
  g_free (self);
}

void
sr_console_router_model_set_actor (SrConsoleRouterModel *self, const char *actor)
{
  g_return_if_fail (self != NULL);
  g_free (self->actor);
  self->actor = g_strdup (actor && *actor ? actor : sr_control_default_actor ());
}

const SrConsoleModel *
sr_console_router_model_get (SrConsoleRouterModel *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return &self->table;
}
