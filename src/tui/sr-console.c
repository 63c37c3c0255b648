/* sr-console.c — console state, key bindings and actions.
 *
 * Keys go through one table (sr_console_bindings) that both dispatches them
 * and builds the help screen, so the help cannot miss a key.
 */
#define G_LOG_DOMAIN "sr-tui"

#include "sr-console-private.h"

#include "sr-console-chart.h"

#include <glib/gi18n-lib.h>
#include <stdarg.h>
#include <stddef.h>

G_DEFINE_QUARK (sr-console-error-quark, sr_console_error)

SrConsole *
sr_console_new (const SrConsoleModel *model, const SrConsoleOptions *options)
{
  g_return_val_if_fail (model != NULL && model->overview && model->list && model->detail, NULL);
  SrConsole *c = g_new0 (SrConsole, 1);
  c->model = *model;
  c->title = g_strdup (options && options->title ? options->title : "sms-router");
  c->default_app = g_strdup (options ? options->default_app : NULL);
  c->refresh_ms = options && options->refresh_ms ? options->refresh_ms : 500;
  c->no_colors = options ? options->no_colors : FALSE;
  c->history = sr_console_history_new ();
  for (int v = 0; v < SR_CONSOLE_N_VIEWS; v++)
    sr_console_list_init (&c->lists[v], v);
  c->view = SR_CONSOLE_VIEW_OVERVIEW;
  c->dirty = TRUE;
  sr_console_set_size (c, 24, 80);
  return c;
}

void
sr_console_free (SrConsole *c)
{
  if (!c)
    return;
  for (int v = 0; v < SR_CONSOLE_N_VIEWS; v++)
    sr_console_list_clear (&c->lists[v]);
  sr_console_overview_free (c->overview);
  sr_console_history_free (c->history);
  sr_console_providers_free (c->providers);
  sr_console_detail_free (c->detail);
  sr_console_thread_free (c->thread);
  sr_console_form_free (c->form);
  g_free (c->confirm_text);
  g_free (c->confirm_value);
  g_free (c->status);
  g_free (c->lost);
  g_free (c->title);
  g_free (c->default_app);
  g_free (c);
}

void
sr_console_set_status (SrConsole *c, gboolean is_error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_free (c->status);
  c->status = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  c->status_error = is_error;
  c->status_from_refresh = FALSE;
  c->dirty = TRUE;
}

static gboolean
is_list_view (SrConsoleView view)
{
  return sr_console_view_is_list (view);
}

static SrConsoleList *
current_list (SrConsole *c)
{
  return is_list_view (c->view) ? &c->lists[c->view] : NULL;
}

guint
sr_console_page_rows (SrConsole *c)
{
  SrConsoleLayout l;
  sr_console_layout (c->rows, c->cols, &l);
  return MAX (l.list_h, 1);
}

/* Fetches the detail of the selected row (one model call). */
static void
load_detail (SrConsole *c)
{
  SrConsoleList *list = current_list (c);
  SrConsoleRow *row = list ? sr_console_list_selected (list) : NULL;
  gint64 before = c->detail ? c->detail->id : -1;
  g_clear_pointer (&c->detail, sr_console_detail_free);
  if (!row || row->id != before)
    c->detail_scroll = 0; /* a refresh keeps the place, another row starts at its top */
  if (!row)
    return;
  g_autoptr (GError) error = NULL;
  c->detail = c->model.detail (c->model.user_data, c->view, row->id, &error);
  if (!c->detail && error)
    sr_console_set_status (c, TRUE, "%s", error->message);
}

static void
report (SrConsole *c, gboolean ok, GError *error)
{
  if (!ok && error)
    sr_console_set_status (c, TRUE, "%s", error->message);
}

void
sr_console_set_size (SrConsole *c, int rows, int cols)
{
  c->rows = rows;
  c->cols = cols;
  guint page = sr_console_page_rows (c);
  for (int v = 0; v < SR_CONSOLE_N_VIEWS; v++)
    sr_console_list_set_page_size (&c->lists[v], page);
  c->dirty = TRUE;
}

void
sr_console_refresh (SrConsole *c)
{
  g_autoptr (GError) error = NULL;
  SrConsoleOverview *o = c->model.overview (c->model.user_data, &error);
  if (o)
    {
      sr_console_overview_free (c->overview);
      c->overview = o;
      sr_console_history_add_overview (c->history, o, g_get_monotonic_time ());
      if (c->status_from_refresh)
        {
          /* The router answers again: its old failure is no news any more. */
          g_clear_pointer (&c->status, g_free);
          c->status_from_refresh = FALSE;
        }
      if (c->lost)
        {
          g_clear_pointer (&c->lost, g_free);
          sr_console_set_status (c, FALSE, "%s", _("The router answers again."));
        }
    }
  else if (error)
    {
      sr_console_set_status (c, TRUE, "%s", error->message);
      /* Unreachable (a daemon that went away): the screen says so instead of
       * showing its last data; every refresh tries to reach it again. */
      if (g_error_matches (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_UNAVAILABLE))
        {
          if (!c->lost)
            c->lost_since = g_get_monotonic_time ();
          g_free (c->lost);
          c->lost = g_strdup (error->message);
        }
    }
  gboolean failed = o == NULL;
  g_clear_error (&error);

  if (c->view == SR_CONSOLE_VIEW_PROVIDERS && o)
    failed |= !sr_console_providers_refresh (c);
  SrConsoleList *list = current_list (c);
  if (list)
    {
      failed |= !sr_console_list_reload (list, &c->model, &error);
      report (c, error == NULL, error);
      load_detail (c);
    }
  if (failed)
    c->status_from_refresh = TRUE;
  sr_console_thread_refresh (c);
  c->dirty = TRUE;
}

void
sr_console_set_view (SrConsole *c, SrConsoleView view)
{
  g_return_if_fail (view < SR_CONSOLE_N_VIEWS);
  c->view = view;
  sr_console_refresh (c);
}

/* --- Actions --------------------------------------------------------------- */

/* A model may leave an action out (e.g. a read-only attach). */
static gboolean
require_action (SrConsole *c, gconstpointer func)
{
  if (func)
    return TRUE;
  sr_console_set_status (c, TRUE, _("This router does not offer that action here."));
  return FALSE;
}

static gboolean
require_view (SrConsole *c, SrConsoleView view, const char *what)
{
  if (c->view == view)
    return TRUE;
  /* TRANSLATORS: "%s works in the %s view", e.g. "Retry works in the Dead letters view." */
  sr_console_set_status (c, TRUE, _("%s works in the %s view (key %d)."), what,
                         sr_console_view_title (view), view + 1);
  return FALSE;
}

static SrConsoleRow *
require_row (SrConsole *c)
{
  SrConsoleList *list = current_list (c);
  SrConsoleRow *row = list ? sr_console_list_selected (list) : NULL;
  if (!row)
    sr_console_set_status (c, TRUE, _("Nothing selected."));
  return row;
}

/* The selected dead letter for an action on it, or NULL (the status says
 * why: the model lacks the action, another view, nothing selected). */
static SrConsoleRow *
require_dead_letter (SrConsole *c, gconstpointer func, const char *what)
{
  if (!require_action (c, func) || !require_view (c, SR_CONSOLE_VIEW_DEAD, what))
    return NULL;
  return require_row (c);
}

static void
key_view (SrConsole *c, const SrConsoleBinding *b)
{
  sr_console_set_view (c, b->ch - '1');
}

static void
key_next_view (SrConsole *c, const SrConsoleBinding *b)
{
  int step = b->code == SR_KEY_BTAB ? SR_CONSOLE_N_VIEWS - 1 : 1;
  sr_console_set_view (c, (c->view + step) % SR_CONSOLE_N_VIEWS);
}

/* Which way a movement key goes: arrows and their vi and less twins. */
static SrKeyCode
move_code (const SrConsoleBinding *b)
{
  if (b->code != SR_KEY_CHAR)
    switch (b->code)
      {
      case SR_KEY_CTRL_B: return SR_KEY_PGUP;
      case SR_KEY_CTRL_F: return SR_KEY_PGDN;
      default: return b->code;
      }
  switch (b->ch)
    {
    case 'k': return SR_KEY_UP;
    case 'j': return SR_KEY_DOWN;
    case 'g': return SR_KEY_HOME;
    case 'G': return SR_KEY_END;
    default: return SR_KEY_NONE;
    }
}

static void
key_move (SrConsole *c, const SrConsoleBinding *b)
{
  SrConsoleList *list = current_list (c);
  g_autoptr (GError) error = NULL;
  gboolean ok = TRUE;
  if (c->view == SR_CONSOLE_VIEW_PROVIDERS)
    sr_console_providers_move (c, move_code (b));
  if (!list)
    return;
  int page = (int) list->page_size;
  switch (move_code (b))
    {
    case SR_KEY_UP: ok = sr_console_list_move (list, &c->model, -1, &error); break;
    case SR_KEY_DOWN: ok = sr_console_list_move (list, &c->model, +1, &error); break;
    case SR_KEY_PGUP: ok = sr_console_list_move (list, &c->model, -page, &error); break;
    case SR_KEY_PGDN: ok = sr_console_list_move (list, &c->model, +page, &error); break;
    case SR_KEY_HOME: ok = sr_console_list_home (list, &c->model, &error); break;
    case SR_KEY_END: ok = sr_console_list_end (list, &c->model, &error); break;
    default: break;
    }
  report (c, ok, error);
  load_detail (c);
  c->dirty = TRUE;
}

/* n / N: the next (older) or previous (newer) row matching the last `/`
 * text, also after the filter was cleared to see the rows around it. */
static void
key_find (SrConsole *c, const SrConsoleBinding *b)
{
  SrConsoleList *list = current_list (c);
  if (!list)
    {
      sr_console_set_status (c, TRUE, "%s", c->view == SR_CONSOLE_VIEW_PROVIDERS
                             ? _("The Providers view has nothing to search; pick a list (keys 2–8).")
                             : _("The Overview has nothing to search; pick a list (keys 2–8)."));
      return;
    }
  if (!list->pattern)
    {
      sr_console_set_status (c, TRUE, "%s", _("Nothing to find yet: / sets a filter, n and N find its matches."));
      return;
    }
  gboolean older = b->ch == 'n', found = FALSE;
  g_autoptr (GError) error = NULL;
  if (!sr_console_list_find (list, &c->model, older ? SR_CONSOLE_PAGE_OLDER : SR_CONSOLE_PAGE_NEWER,
                             &found, &error))
    report (c, FALSE, error);
  else if (!found)
    sr_console_set_status (c, FALSE, older ? _("No older row matches “%s”.")
                                           : _("No newer row matches “%s”."), list->pattern);
  load_detail (c);
  c->dirty = TRUE;
}

static void
key_scroll_detail (SrConsole *c, const SrConsoleBinding *b)
{
  SrConsoleLayout l;
  sr_console_layout (c->rows, c->cols, &l);
  int step = MAX (l.detail_h - 1, 1);
  /* The drawing clamps the end; here only the start. */
  c->detail_scroll = MAX (c->detail_scroll + (b->ch == ']' ? step : -step), 0);
  c->dirty = TRUE;
}

static void open_confirm (SrConsole *c, SrConsoleConfirm what, gint64 id, char *question);

/* r and d act on the marked dead letters when there are any: after asking,
 * with their number in the question.  FALSE: no marks, act on the row. */
static gboolean
bulk_confirm (SrConsole *c, gboolean discard)
{
  guint n = g_hash_table_size (c->lists[SR_CONSOLE_VIEW_DEAD].marks);
  if (n == 0)
    return FALSE;
  char *q = discard ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "Discard %u marked dead letter? It will not be sent. (y/n)",
                                                    "Discard %u marked dead letters? They will not be sent. (y/n)", n), n)
                    : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "Retry %u marked dead letter? (y/n)",
                                                    "Retry %u marked dead letters? (y/n)", n), n);
  open_confirm (c, discard ? SR_CONFIRM_BULK_DISCARD : SR_CONFIRM_BULK_RETRY, 0, q);
  return TRUE;
}

static void
key_retry (SrConsole *c, const SrConsoleBinding *b)
{
  SrConsoleRow *row = require_dead_letter (c, c->model.retry, _("Retry"));
  if (!row || bulk_confirm (c, FALSE))
    return;
  g_autoptr (GError) error = NULL;
  gint64 id = row->id;
  if (c->model.retry (c->model.user_data, id, &error))
    sr_console_set_status (c, FALSE, _("Dead letter %lld queued again."), (long long) id);
  else
    report (c, FALSE, error);
  sr_console_refresh (c);
}

static void
open_form (SrConsole *c, SrConsoleForm *form)
{
  sr_console_form_free (c->form);
  c->form = form;
  c->mode = SR_CONSOLE_MODE_FORM;
  c->dirty = TRUE;
}

static void
key_edit (SrConsole *c, const SrConsoleBinding *b)
{
  SrConsoleRow *row = require_dead_letter (c, c->model.edit_retry, _("Edit and retry"));
  if (!row)
    return;
  if (!c->detail || c->detail->id != row->id)
    load_detail (c);
  if (!c->detail)
    return;
  g_autofree char *title = g_strdup_printf (_("Edit dead letter %lld and retry"),
                                            (long long) row->id);
  SrConsoleForm *form = sr_console_form_new (SR_FORM_EDIT_RETRY, title);
  form->target_id = row->id;
  sr_console_form_add (form, _("To"), c->detail->to);
  sr_console_form_add (form, _("From"), c->detail->from);
  sr_console_form_add (form, _("Text"), c->detail->text)->counter = TRUE;
  open_form (c, form);
}

static void
open_confirm (SrConsole *c, SrConsoleConfirm what, gint64 id, char *question)
{
  c->confirm = what;
  c->confirm_id = id;
  g_free (c->confirm_text);
  c->confirm_text = question;
  c->mode = SR_CONSOLE_MODE_CONFIRM;
  c->dirty = TRUE;
}

static void
key_discard (SrConsole *c, const SrConsoleBinding *b)
{
  SrConsoleRow *row = require_dead_letter (c, c->model.discard, _("Discard"));
  if (!row || bulk_confirm (c, TRUE))
    return;
  open_confirm (c, SR_CONFIRM_DISCARD, row->id,
                g_strdup_printf (_("Discard dead letter %lld? It will not be sent. (y/n)"),
                                 (long long) row->id));
}

/* Space: marks or unmarks the selected dead letter and goes to the next row. */
static void
key_mark (SrConsole *c, const SrConsoleBinding *b)
{
  if (!require_view (c, SR_CONSOLE_VIEW_DEAD, _("Marking")))
    return;
  SrConsoleRow *row = require_row (c);
  if (!row)
    return;
  SrConsoleList *list = current_list (c);
  sr_console_mark (list, row->id, !sr_console_marked (list, row->id));
  g_autoptr (GError) error = NULL;
  report (c, sr_console_list_move (list, &c->model, +1, &error), error);
  load_detail (c);
  c->dirty = TRUE;
}

/* *: marks every dead letter the filter shows; with marks already, clears
 * them (so a second * starts over). */
static void
key_mark_all (SrConsole *c, const SrConsoleBinding *b)
{
  if (!require_view (c, SR_CONSOLE_VIEW_DEAD, _("Marking")))
    return;
  SrConsoleList *list = current_list (c);
  guint added = 0;
  g_autoptr (GError) error = NULL;
  if (g_hash_table_size (list->marks) > 0)
    {
      g_hash_table_remove_all (list->marks);
      sr_console_set_status (c, FALSE, "%s", _("Marks cleared."));
    }
  else if (!sr_console_mark_matching (list, &c->model, &added, &error))
    report (c, FALSE, error);
  else
    sr_console_set_status (c, FALSE, g_dngettext (GETTEXT_PACKAGE, "%u dead letter marked.",
                                                  "%u dead letters marked.", added), added);
  c->dirty = TRUE;
}

static void
key_export (SrConsole *c, const SrConsoleBinding *b)
{
  if (!require_view (c, SR_CONSOLE_VIEW_DEAD, _("Export")))
    return;
  guint n = g_hash_table_size (c->lists[SR_CONSOLE_VIEW_DEAD].marks);
  if (n == 0)
    {
      sr_console_set_status (c, TRUE, "%s", _("Nothing marked: Space marks a dead letter, * all that match."));
      return;
    }
  g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                         "Export %u marked dead letter to a CSV file",
                                                         "Export %u marked dead letters to a CSV file", n), n);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *name = g_date_time_format (now, "dead-letters-%Y%m%d-%H%M%S.csv");
  SrConsoleForm *form = sr_console_form_new (SR_FORM_EXPORT, title);
  sr_console_form_add (form, _("File"), name);
  open_form (c, form);
}

static const char *
compose_app (SrConsole *c)
{
  if (c->default_app)
    return c->default_app;
  if (c->overview && c->overview->queues->len > 0)
    return ((SrConsoleQueueDepth *) g_ptr_array_index (c->overview->queues, 0))->app;
  return "default";
}

static void
key_compose (SrConsole *c, const SrConsoleBinding *b)
{
  if (!require_action (c, c->model.compose))
    return;
  SrConsoleForm *form = sr_console_form_new (SR_FORM_COMPOSE, _("Compose a message"));
  sr_console_form_add (form, _("To"), "");
  sr_console_form_add (form, _("From"), "");
  sr_console_form_add (form, _("App"), compose_app (c));
  sr_console_form_add (form, _("Text"), "")->counter = TRUE;
  open_form (c, form);
}

static const char *const blacklist_kinds[] = { "country", "number", "prefix", NULL };

static void
key_blacklist_add (SrConsole *c, const SrConsoleBinding *b)
{
  if (!require_action (c, c->model.blacklist_add))
    return;
  if (!require_view (c, SR_CONSOLE_VIEW_BLACKLISTS, _("Adding to a blacklist")))
    return;
  SrConsoleForm *form = sr_console_form_new (SR_FORM_BLACKLIST_ADD, _("Add a blacklist entry"));
  sr_console_form_add_choice (form, _("Kind"), blacklist_kinds, 0);
  sr_console_form_add (form, _("Value"), "");
  sr_console_form_add (form, _("Note"), "");
  open_form (c, form);
}

static void
key_blacklist_remove (SrConsole *c, const SrConsoleBinding *b)
{
  if (!require_action (c, c->model.blacklist_remove))
    return;
  if (!require_view (c, SR_CONSOLE_VIEW_BLACKLISTS, _("Removing from a blacklist")))
    return;
  SrConsoleRow *row = require_row (c);
  if (!row)
    return;
  if (!c->detail || c->detail->id != row->id)
    load_detail (c);
  if (!c->detail || !c->detail->blacklist_value)
    return;
  c->confirm_kind = c->detail->blacklist_kind;
  g_free (c->confirm_value);
  c->confirm_value = g_strdup (c->detail->blacklist_value);
  open_confirm (c, SR_CONFIRM_BLACKLIST_REMOVE, row->id,
                g_strdup_printf (_("Remove %s %s from the blacklist? (y/n)"),
                                 sr_console_blacklist_kind_to_string (c->confirm_kind),
                                 c->confirm_value));
}

static void
key_pause (SrConsole *c, const SrConsoleBinding *b)
{
  if (!require_action (c, c->model.set_paused))
    return;
  gboolean paused = c->overview ? c->overview->paused : FALSE;
  g_autoptr (GError) error = NULL;
  if (c->model.set_paused (c->model.user_data, !paused, &error))
    sr_console_set_status (c, FALSE, "%s", !paused ? _("Sending paused.") : _("Sending resumed."));
  else
    report (c, FALSE, error);
  sr_console_refresh (c);
}

static void
key_reconnect (SrConsole *c, const SrConsoleBinding *b)
{
  if (!require_action (c, c->model.reconnect))
    return;
  guint not_bound = 0;
  g_autoptr (GError) error = NULL;
  if (!c->model.reconnect (c->model.user_data, &not_bound, &error))
    report (c, FALSE, error);
  else if (not_bound == 0)
    sr_console_set_status (c, FALSE, "%s", _("Every bind is bound; nothing to reconnect."));
  else
    sr_console_set_status (c, FALSE, g_dngettext (GETTEXT_PACKAGE, "Reconnecting %u bind.",
                                                  "Reconnecting %u binds.", not_bound),
                           not_bound);
  sr_console_refresh (c);
}

static void
key_filter (SrConsole *c, const SrConsoleBinding *b)
{
  SrConsoleList *list = current_list (c);
  if (!list)
    {
      sr_console_set_status (c, TRUE, "%s", c->view == SR_CONSOLE_VIEW_PROVIDERS
                             ? _("The Providers view has nothing to filter; pick a list (keys 2–8).")
                             : _("The Overview has nothing to filter; pick a list (keys 2–8)."));
      return;
    }
  g_autofree char *title = g_strdup_printf (_("Filter %s by number, text, class, provider or country (empty: all)"),
                                            sr_console_view_title (c->view));
  SrConsoleForm *form = sr_console_form_new (SR_FORM_FILTER, title);
  sr_console_form_add (form, _("Filter"), list->filter);
  open_form (c, form);
}

static void
key_thread (SrConsole *c, const SrConsoleBinding *b)
{
  sr_console_thread_open (c);
}

static void
key_help (SrConsole *c, const SrConsoleBinding *b)
{
  c->mode = SR_CONSOLE_MODE_HELP;
  c->dirty = TRUE;
}

static void
key_quit (SrConsole *c, const SrConsoleBinding *b)
{
  c->quit = TRUE;
}

static void
key_redraw (SrConsole *c, const SrConsoleBinding *b)
{
  c->clear_screen = TRUE;
  sr_console_refresh (c);
}

#define VIEW_KEY(n) { SR_KEY_CHAR, '0' + (n), "1\xe2\x80\x93" "9", N_("Switch view (tab bar)"), key_view }
#define V(view) (1u << SR_CONSOLE_VIEW_##view)
#define LISTS (V (QUEUE) | V (SENT) | V (DEAD) | V (RECEIPTS) | V (INBOX) | V (BLACKLISTS) | V (LOG))
#define NEEDS(func) offsetof (SrConsoleModel, func)

/* In this order the status line offers the hints of a view, most useful
 * first, and the help lists the keys. */
static const SrConsoleBinding bindings[] = {
  VIEW_KEY (1), VIEW_KEY (2), VIEW_KEY (3), VIEW_KEY (4),
  VIEW_KEY (5), VIEW_KEY (6), VIEW_KEY (7), VIEW_KEY (8), VIEW_KEY (9),
  { SR_KEY_TAB, 0, N_("Tab"), N_("Next view"), key_next_view },
  { SR_KEY_BTAB, 0, N_("Shift-Tab"), N_("Previous view"), key_next_view },
  { SR_KEY_UP, 0, N_("Up/Down j/k"), N_("Previous / next row"), key_move },
  { SR_KEY_DOWN, 0, N_("Up/Down j/k"), N_("Previous / next row"), key_move },
  { SR_KEY_CHAR, 'k', N_("Up/Down j/k"), N_("Previous / next row"), key_move },
  { SR_KEY_CHAR, 'j', N_("Up/Down j/k"), N_("Previous / next row"), key_move },
  { SR_KEY_PGUP, 0, N_("PgUp/PgDn ^B/^F"), N_("Page up / down"), key_move },
  { SR_KEY_PGDN, 0, N_("PgUp/PgDn ^B/^F"), N_("Page up / down"), key_move },
  { SR_KEY_CTRL_B, 0, N_("PgUp/PgDn ^B/^F"), N_("Page up / down"), key_move },
  { SR_KEY_CTRL_F, 0, N_("PgUp/PgDn ^B/^F"), N_("Page up / down"), key_move },
  { SR_KEY_HOME, 0, N_("Home/End g/G"), N_("Newest / oldest row"), key_move },
  { SR_KEY_END, 0, N_("Home/End g/G"), N_("Newest / oldest row"), key_move },
  { SR_KEY_CHAR, 'g', N_("Home/End g/G"), N_("Newest / oldest row"), key_move },
  { SR_KEY_CHAR, 'G', N_("Home/End g/G"), N_("Newest / oldest row"), key_move },
  { SR_KEY_CHAR, '[', "[ ]", N_("Scroll the detail"), key_scroll_detail },
  { SR_KEY_CHAR, ']', "[ ]", N_("Scroll the detail"), key_scroll_detail },
  { SR_KEY_CHAR, 'r', "r", N_("Retry dead letter(s)"), key_retry, N_("r retry"), V (DEAD), NEEDS (retry) },
  { SR_KEY_CHAR, 'e', "e", N_("Edit, then retry"), key_edit, N_("e edit"), V (DEAD), NEEDS (edit_retry) },
  { SR_KEY_CHAR, 'd', "d", N_("Discard (asks first)"), key_discard, N_("d discard"), V (DEAD), NEEDS (discard) },
  { SR_KEY_CHAR, ' ', N_("Space *"), N_("Mark one / all / none"), key_mark, N_("Space mark"), V (DEAD) },
  { SR_KEY_CHAR, '*', N_("Space *"), N_("Mark one / all / none"), key_mark_all },
  { SR_KEY_CHAR, 's', "s", N_("Save marked as CSV"), key_export, N_("s save"), V (DEAD) },
  { SR_KEY_CHAR, 'c', "c", N_("Compose a new message"), key_compose, N_("c compose"), V (OVERVIEW) | V (QUEUE), NEEDS (compose) },
  { SR_KEY_CHAR, 'a', "a", N_("Add blacklist entry"), key_blacklist_add, N_("a add"), V (BLACKLISTS), NEEDS (blacklist_add) },
  { SR_KEY_CHAR, 'x', "x", N_("Remove blacklist entry"), key_blacklist_remove, N_("x remove"), V (BLACKLISTS), NEEDS (blacklist_remove) },
  { SR_KEY_CHAR, 'p', "p", N_("Pause / resume sending"), key_pause, N_("p pause"), V (OVERVIEW), NEEDS (set_paused) },
  { SR_KEY_CHAR, 'b', "b", N_("Reconnect binds now"), key_reconnect, N_("b reconnect"), V (OVERVIEW), NEEDS (reconnect) },
  { SR_KEY_ENTER, 0, N_("Enter"), N_("A bind's events (Log)"), sr_console_key_provider_events, N_("Enter events"), V (PROVIDERS), NEEDS (providers) },
  { SR_KEY_CHAR, 'w', "w", N_("Delivery: hour / day"), sr_console_key_delivery_window, N_("w hour/day"), V (PROVIDERS), NEEDS (providers) },
  { SR_KEY_CHAR, 't', "t", N_("Conversation thread"), key_thread, N_("t thread"),
    LISTS & ~V (LOG), NEEDS (thread) },
  { SR_KEY_CHAR, '/', "/", N_("Filter: number or text"), key_filter, N_("/ filter"), LISTS },
  { SR_KEY_CHAR, 'n', "n/N", N_("Next / previous match"), key_find, N_("n/N match"), LISTS },
  { SR_KEY_CHAR, 'N', "n/N", N_("Next / previous match"), key_find, N_("n/N match"), LISTS },
  { SR_KEY_CHAR, '?', "?", N_("This help"), key_help },
  { SR_KEY_CTRL_L, 0, N_("Ctrl-L"), N_("Redraw the screen"), key_redraw },
  { SR_KEY_CHAR, 'q', "q", N_("Quit"), key_quit },
};

GPtrArray *
sr_console_view_hints (SrConsole *c)
{
  if (c->mode == SR_CONSOLE_MODE_THREAD)
    return sr_console_thread_hints ();
  GPtrArray *hints = g_ptr_array_new ();
  const char *last = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (bindings); i++)
    {
      const SrConsoleBinding *b = &bindings[i];
      if (!b->hint || !(b->views & (1u << c->view)) || g_strcmp0 (b->hint, last) == 0)
        continue;
      if (b->needs && !G_STRUCT_MEMBER (gpointer, &c->model, b->needs))
        continue; /* the model does not offer it (a read-only attach) */
      g_ptr_array_add (hints, (gpointer) _(b->hint));
      last = b->hint;
    }
  return hints;
}

const SrConsoleBinding *
sr_console_bindings (guint *n)
{
  *n = G_N_ELEMENTS (bindings);
  return bindings;
}

static const char *const form_key_help[] = {
  N_("Tab/Down"), N_("Next field"),
  N_("Shift-Tab/Up"), N_("Previous field"),
  N_("Left/Right"), N_("Move; change a choice"),
  N_("Home/End"), N_("Start / end (Ctrl-A/E)"),
  N_("Backspace/Del"), N_("Delete before / at"),
  N_("Ctrl-U"), N_("Clear the field"),
  N_("Enter"), N_("Submit the form"),
  N_("y/n"), N_("Answer a question"),
  N_("Esc"), N_("Cancel"),
  NULL,
};

const char *const *
sr_console_form_key_help (void)
{
  return form_key_help;
}

/* --- Modes ----------------------------------------------------------------- */

static void
close_form (SrConsole *c)
{
  g_clear_pointer (&c->form, sr_console_form_free);
  c->mode = SR_CONSOLE_MODE_NORMAL;
  c->dirty = TRUE;
}

static void
form_fail (SrConsole *c, const GError *error)
{
  g_free (c->form->error);
  c->form->error = g_strdup (error->message);
  c->dirty = TRUE;
}

static void
submit_form (SrConsole *c)
{
  SrConsoleForm *f = c->form;
  g_autoptr (GError) error = NULL;
  switch (f->kind)
    {
    case SR_FORM_FILTER:
      {
        SrConsoleList *list = current_list (c);
        if (list)
          {
            sr_console_list_set_filter (list, sr_console_form_value (f, 0));
            gboolean ok = sr_console_list_home (list, &c->model, &error);
            report (c, ok, error);
            load_detail (c);
          }
        close_form (c);
        return;
      }
    case SR_FORM_EXPORT:
      {
        guint written = 0;
        const char *path = sr_console_form_value (f, 0);
        if (!sr_console_bulk_export (c, &c->lists[SR_CONSOLE_VIEW_DEAD], path, &written, &error))
          return form_fail (c, error);
        sr_console_set_status (c, FALSE, g_dngettext (GETTEXT_PACKAGE, "%u dead letter written to %s.",
                                                      "%u dead letters written to %s.", written),
                               written, path);
        break;
      }
    case SR_FORM_COMPOSE:
      {
        SrConsoleMessage m = {
          .to = sr_console_form_value (f, 0),
          .from = sr_console_form_value (f, 1),
          .app = sr_console_form_value (f, 2),
          .text = sr_console_form_value (f, 3),
        };
        if (!c->model.compose (c->model.user_data, &m, &error))
          return form_fail (c, error);
        sr_console_set_status (c, FALSE, _("Message to %s queued."), m.to);
        break;
      }
    case SR_FORM_EDIT_RETRY:
      {
        SrConsoleMessage m = {
          .to = sr_console_form_value (f, 0),
          .from = sr_console_form_value (f, 1),
          .text = sr_console_form_value (f, 2),
        };
        if (!c->model.edit_retry (c->model.user_data, f->target_id, &m, &error))
          return form_fail (c, error);
        sr_console_set_status (c, FALSE, _("Dead letter %lld edited and queued again."),
                               (long long) f->target_id);
        break;
      }
    case SR_FORM_BLACKLIST_ADD:
      {
        SrConsoleBlacklistKind kind;
        if (!sr_console_blacklist_kind_from_string (sr_console_form_value (f, 0), &kind))
          kind = SR_CONSOLE_BLACKLIST_COUNTRY;
        const char *value = sr_console_form_value (f, 1);
        if (!c->model.blacklist_add (c->model.user_data, kind, value,
                                     sr_console_form_value (f, 2), &error))
          return form_fail (c, error);
        sr_console_set_status (c, FALSE, _("Blacklisted %s %s."),
                               sr_console_blacklist_kind_to_string (kind), value);
        break;
      }
    default:
      break;
    }
  close_form (c);
  sr_console_refresh (c);
}

static void
answer_confirm (SrConsole *c, gboolean yes)
{
  g_autoptr (GError) error = NULL;
  c->mode = SR_CONSOLE_MODE_NORMAL;
  c->dirty = TRUE;
  if (!yes)
    {
      sr_console_set_status (c, FALSE, _("Cancelled."));
      return;
    }
  switch (c->confirm)
    {
    case SR_CONFIRM_DISCARD:
      if (c->model.discard (c->model.user_data, c->confirm_id, &error))
        sr_console_set_status (c, FALSE, _("Dead letter %lld discarded."), (long long) c->confirm_id);
      else
        report (c, FALSE, error);
      break;
    case SR_CONFIRM_BULK_RETRY:
    case SR_CONFIRM_BULK_DISCARD:
      sr_console_bulk_run (c, &c->lists[SR_CONSOLE_VIEW_DEAD], c->confirm == SR_CONFIRM_BULK_DISCARD);
      break;
    case SR_CONFIRM_BLACKLIST_REMOVE:
      if (c->model.blacklist_remove (c->model.user_data, c->confirm_kind, c->confirm_value, &error))
        sr_console_set_status (c, FALSE, _("Removed %s %s from the blacklist."),
                               sr_console_blacklist_kind_to_string (c->confirm_kind), c->confirm_value);
      else
        report (c, FALSE, error);
      break;
    default:
      break;
    }
  sr_console_refresh (c);
}

void
sr_console_handle_key (SrConsole *c, SrKey key)
{
  if (key.code == SR_KEY_NONE)
    return;
  c->dirty = TRUE;
  switch (c->mode)
    {
    case SR_CONSOLE_MODE_HELP:
      c->mode = SR_CONSOLE_MODE_NORMAL;
      return;
    case SR_CONSOLE_MODE_THREAD:
      sr_console_thread_key (c, key);
      return;
    case SR_CONSOLE_MODE_CONFIRM:
      if (key.code == SR_KEY_CHAR && (key.ch == 'y' || key.ch == 'Y'))
        answer_confirm (c, TRUE);
      else if (key.code == SR_KEY_ESC || (key.code == SR_KEY_CHAR && (key.ch == 'n' || key.ch == 'N')))
        answer_confirm (c, FALSE);
      return;
    case SR_CONSOLE_MODE_FORM:
      switch (sr_console_form_key (c->form, key))
        {
        case SR_FORM_SUBMIT: submit_form (c); break;
        case SR_FORM_CANCEL: close_form (c); break;
        default: break;
        }
      return;
    case SR_CONSOLE_MODE_NORMAL:
    default:
      for (guint i = 0; i < G_N_ELEMENTS (bindings); i++)
        if (bindings[i].code == key.code && (key.code != SR_KEY_CHAR || bindings[i].ch == key.ch))
          {
            bindings[i].func (c, &bindings[i]);
            return;
          }
      return;
    }
}
