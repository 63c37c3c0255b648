/* sr-console-router-model.c — SrConsoleModel over an embedded SrRouter:
 * journal pages for the lists, journal + spool file for the detail pane,
 * sr-control for the actions. */
#define G_LOG_DOMAIN "sr-console"

#include "sr-build-config.h"
#include "sr-console-router-model.h"
#include "sr-console-router-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sr-control.h"
#include "sr-message.h"
#include "sr-split.h"


/* ---- formatting ------------------------------------------------------ */

/* The journal's state names, spelled here: sr_message_state_to_string() and
 * sr_receipt_state_to_string() exist twice (journal and receipts modules). */
const char *
sr_rm_journal_state_name (SrMessageState state)
{
  static const char *const names[] = { "queued", "submitting", "sent", "delivered",
                                       "undeliverable", "dead", "discarded" };
  return (guint) state < G_N_ELEMENTS (names) ? names[state] : "unknown";
}

const char *
sr_rm_journal_receipt_name (SrReceiptState state)
{
  static const char *const names[] = { "none", "intermediate", "delivered", "failed" };
  return (guint) state < G_N_ELEMENTS (names) ? names[state] : "unknown";
}


/* "14:03:07" for today, "2026-11-21 14:03" before; "" for 0. */
char *
sr_rm_format_time (gint64 usec)
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

char *
sr_rm_format_full_time (gint64 usec)
{
  if (usec <= 0)
    return NULL;
  g_autoptr (GDateTime) t = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  return t ? g_date_time_format (t, "%Y-%m-%d %H:%M:%S") : NULL;
}

const char *
sr_rm_nz (const char *s)
{
  return s ? s : "";
}

char *
sr_rm_dup_nz (const char *s)
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

void
sr_rm_set_error_from (GError **error, GError *cause)
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
      sr_console_overview_set_bind_traffic (o, b->window_size, b->window_used, b->accepted,
                                            b->delivered);
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
  o->receipts_delivered = st.receipts[SR_RECEIPT_DELIVERED];
  o->receipts_failed = st.receipts[SR_RECEIPT_FAILED];
  sr_router_status_clear (&st);
  if (self->front_ends)
    self->front_ends (o, self->front_ends_data);
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
      const char *to = m->to_e164 ? m->to_e164 : sr_rm_nz (m->to_raw);
      char **c;
      if (q->view == SR_CONSOLE_VIEW_DEAD)
        {
          c = columns_new (6);
          c[0] = sr_rm_format_time (m->done_at ? m->done_at : m->created_at);
          c[1] = sr_rm_dup_nz (m->app);
          c[2] = g_strdup (to);
          c[3] = g_strdup (sr_error_class_to_string (m->error_class));
          c[4] = sr_rm_dup_nz (m->error_text);
          c[5] = sr_rm_dup_nz (m->preview);
        }
      else
        {
          c = columns_new (7);
          c[0] = sr_rm_format_time (m->created_at);
          c[1] = sr_rm_dup_nz (m->app);
          c[2] = g_strdup (to);
          c[3] = sr_rm_dup_nz (m->from_addr);
          c[4] = g_strdup (q->view == SR_CONSOLE_VIEW_QUEUE ? queue_state (m) : receipt_summary (m));
          c[5] = g_strdup_printf ("%u", m->parts);
          c[6] = sr_rm_dup_nz (m->preview);
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
      c[0] = sr_rm_format_time (r->received_at);
      c[1] = g_strdup (m ? sr_rm_nz (m->app) : _("(unmatched)"));
      c[2] = g_strdup (m ? (m->to_e164 ? m->to_e164 : sr_rm_nz (m->to_raw)) : "");
      c[3] = sr_rm_dup_nz (r->smsc_id);
      c[4] = g_strdup (r->stat ? r->stat : sr_rm_journal_receipt_name (r->state));
      c[5] = g_strdup (m ? sr_rm_nz (m->reference) : "");
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
      c[0] = sr_rm_format_time (in->received_at);
      c[1] = g_strdup (in->app ? in->app : _("(none)"));
      c[2] = sr_rm_dup_nz (in->sender);
      c[3] = sr_rm_dup_nz (in->recipient);
      c[4] = sr_rm_dup_nz (in->text);
      g_ptr_array_add (rows, sr_console_row_new (in->id, c));
    }
  rows_finish (rows, dir);
  return rows;
}

char *
sr_rm_event_line (const SrJournalEvent *ev)
{
  GString *s = g_string_new (NULL);
  if (ev->kind)
    g_string_append (s, ev->kind);
  if (ev->actor && strcmp (ev->actor, "router") != 0)
    g_string_append_printf (s, _(" by %s"), ev->actor);
  if (s->len)
    g_string_append (s, ": ");
  g_string_append (s, sr_rm_nz (ev->text));
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
      c[0] = sr_rm_format_time (ev->ts);
      c[1] = g_strdup (sr_scope_to_string (ev->scope));
      c[2] = sr_rm_event_line (ev);
      g_ptr_array_add (rows, sr_console_row_new (ev->id, c));
    }
  rows_finish (rows, dir);
  return rows;
}

/* Every blacklist entry, in (kind, value) order; the row id of entry i of n
 * is n - i, so the list reads top-down in that order.  Blacklists are short
 * (hundreds of entries) and held in the journal's memory cache. */
GPtrArray *
sr_rm_blacklist_all (SrConsoleRouterModel *self, GError **error)
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
  c[1] = sr_rm_dup_nz (e->value);
  c[2] = sr_rm_dup_nz (e->note);
  c[3] = sr_rm_dup_nz (e->who);
  c[4] = sr_rm_format_time (e->created_at);
  return c;
}

static GPtrArray *
list_blacklists (SrConsoleRouterModel *self, const SrConsoleQuery *q, GError **error)
{
  g_autoptr (GPtrArray) all = sr_rm_blacklist_all (self, error);
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

/* The detail pane is in sr-console-router-detail.c. */

/* ---- actions --------------------------------------------------------- */

static gboolean
done (gboolean ok, GError *local, GError **error)
{
  if (!ok)
    sr_rm_set_error_from (error, local);
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

static gboolean
model_reconnect (gpointer user_data, guint *not_bound, GError **error)
{
  SrConsoleRouterModel *self = user_data;
  *not_bound = sr_control_reconnect (self->router, self->actor);
  return TRUE;
}

/* Counts as the router splits (sr_control_count_text), with its max-parts. */
static void
model_count_text (gpointer user_data, const char *text, SrConsoleTextCount *out)
{
  SrConsoleRouterModel *self = user_data;
  SrTextCount count = { 0 };
  if (!sr_control_count_text (self->router, text, &count, &out->max_parts))
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
    .detail = sr_rm_detail,
    .retry = model_retry,
    .edit_retry = model_edit_retry,
    .discard = model_discard,
    .compose = model_compose,
    .blacklist_add = model_blacklist_add,
    .blacklist_remove = model_blacklist_remove,
    .set_paused = model_set_paused,
    .reconnect = model_reconnect,
    .count_text = model_count_text,
    .thread = sr_rm_thread,
    .set_changed_handler = model_set_changed_handler,
    .providers = sr_rm_providers,
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
  sr_console_delivery_free (self->delivery);
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

void
sr_console_router_model_set_front_ends (SrConsoleRouterModel *self, SrConsoleFrontEndsFunc func,
                                        gpointer user_data)
{
  g_return_if_fail (self != NULL);
  self->front_ends = func;
  self->front_ends_data = user_data;
}

const SrConsoleModel *
sr_console_router_model_get (SrConsoleRouterModel *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return &self->table;
}
