/* sr-console-view-providers.c — the Providers view (key 9): one row per
 * bind with its live figures, then the delivery rates by destination
 * country and by provider over the last hour or day.
 *
 * The figures come from the model's `providers` function on every refresh;
 * the model computes the delivery rates on an interval off the main loop,
 * so a refresh here costs no journal query.
 */
#define G_LOG_DOMAIN "sr-tui"

#include "sr-console-private.h"

#include <glib/gi18n-lib.h>

#define MIDDOT " \xc2\xb7 "    /* · */

/* One column of the bind table: title, width and alignment. */
typedef struct {
  const char *title;
  int width;
  SrAlign align;
} ProvidersColumn;

static const ProvidersColumn bind_columns[] = {
  { N_("Bind"), 10, SR_ALIGN_LEFT },
  { N_("State"), 12, SR_ALIGN_LEFT },
  { N_("Since"), 8, SR_ALIGN_LEFT },
  { N_("Reconn"), 6, SR_ALIGN_RIGHT },
  { N_("Window"), 6, SR_ALIGN_RIGHT },
  { N_("Rate/max"), 9, SR_ALIGN_RIGHT },
  { N_("Throttled"), 9, SR_ALIGN_RIGHT },
  { N_("p50/p99 ms"), 12, SR_ALIGN_RIGHT },
};

static const ProvidersColumn delivery_columns[] = {
  { NULL, 12, SR_ALIGN_LEFT },   /* "Country" or "Provider" */
  { N_("Sent"), 8, SR_ALIGN_RIGHT },
  { N_("Delivered"), 10, SR_ALIGN_RIGHT },
  { N_("Failed"), 8, SR_ALIGN_RIGHT },
  { N_("Pending"), 8, SR_ALIGN_RIGHT },
  { N_("Rate"), 6, SR_ALIGN_RIGHT },
};

/* A delivery rate under this (percent) is drawn as an error. */
#define LOW_RATE 90.0

gboolean
sr_console_providers_refresh (SrConsole *c)
{
  if (!c->model.providers)
    {
      g_clear_pointer (&c->providers, sr_console_providers_free);
      return TRUE;
    }
  g_autoptr (GError) error = NULL;
  SrConsoleProviders *p = c->model.providers (c->model.user_data, &error);
  if (!p)
    {
      if (error)
        sr_console_set_status (c, TRUE, "%s", error->message);
      return FALSE;
    }
  sr_console_providers_free (c->providers);
  c->providers = p;
  c->provider_selected = CLAMP (c->provider_selected, 0, MAX ((int) p->binds->len - 1, 0));
  c->dirty = TRUE;
  return TRUE;
}

void
sr_console_providers_move (SrConsole *c, SrKeyCode code)
{
  int n = c->providers ? (int) c->providers->binds->len : 0;
  int page = (int) sr_console_page_rows (c);
  switch (code)
    {
    case SR_KEY_UP: c->provider_selected--; break;
    case SR_KEY_DOWN: c->provider_selected++; break;
    case SR_KEY_PGUP: c->provider_selected -= page; break;
    case SR_KEY_PGDN: c->provider_selected += page; break;
    case SR_KEY_HOME: c->provider_selected = 0; break;
    case SR_KEY_END: c->provider_selected = n - 1; break;
    default: break;
    }
  c->provider_selected = CLAMP (c->provider_selected, 0, MAX (n - 1, 0));
  c->dirty = TRUE;
}

static SrConsoleBindStats *
selected_bind (SrConsole *c)
{
  if (!c->providers || c->provider_selected < 0
      || (guint) c->provider_selected >= c->providers->binds->len)
    return NULL;
  return g_ptr_array_index (c->providers->binds, c->provider_selected);
}

void
sr_console_key_provider_events (SrConsole *c, const SrConsoleBinding *b)
{
  if (c->view != SR_CONSOLE_VIEW_PROVIDERS)
    return;
  SrConsoleBindStats *bind = selected_bind (c);
  if (!bind)
    {
      sr_console_set_status (c, TRUE, "%s", _("No bind to show: this router has none."));
      return;
    }
  /* The bind's name is in the text of each of its events. */
  g_autofree char *name = g_strdup (bind->name);
  sr_console_list_set_filter (&c->lists[SR_CONSOLE_VIEW_LOG], name);
  sr_console_list_home (&c->lists[SR_CONSOLE_VIEW_LOG], &c->model, NULL);
  sr_console_set_view (c, SR_CONSOLE_VIEW_LOG);
  sr_console_set_status (c, FALSE, _("Events of %s (/ changes the filter; 9 goes back)."),
                         name);
}

void
sr_console_key_delivery_window (SrConsole *c, const SrConsoleBinding *b)
{
  if (c->view != SR_CONSOLE_VIEW_PROVIDERS)
    return;
  c->delivery_day = !c->delivery_day;
  c->detail_scroll = 0;
  c->dirty = TRUE;
}

/* --- Drawing --------------------------------------------------------------- */

/* Cells fitted to their columns and joined with single spaces. */
static char *
join_cells (const ProvidersColumn *cols, guint n, const char *const *values)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *cell = sr_text_fit (values[i] ? values[i] : "", cols[i].width, cols[i].align);
      if (i)
        g_string_append_c (s, ' ');
      g_string_append (s, cell);
    }
  return g_string_free (s, FALSE);
}

static char *
column_titles (const ProvidersColumn *cols, guint n, const char *first)
{
  const char *values[8] = { 0 };
  for (guint i = 0; i < n; i++)
    values[i] = cols[i].title ? _(cols[i].title) : first;
  return join_cells (cols, n, values);
}

/* "17:41:03" within the last day, else "26-11-21". */
static char *
format_since (gint64 usec)
{
  if (usec <= 0)
    return g_strdup ("-");
  g_autoptr (GDateTime) t = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  if (!t)
    return g_strdup ("?");
  gboolean recent = g_get_real_time () - usec < (gint64) 24 * 3600 * G_USEC_PER_SEC;
  return g_date_time_format (t, recent ? "%H:%M:%S" : "%y-%m-%d");
}

/* 0.8, 12.3, 450: one decimal below 100. */
static char *
format_ms (double ms)
{
  return g_strdup_printf (ms < 100 ? "%.1f" : "%.0f", ms);
}

static char *
bind_line (const SrConsoleBindStats *b)
{
  g_autofree char *since = format_since (b->state_since);
  g_autofree char *reconn = g_strdup_printf ("%" G_GUINT64_FORMAT, b->reconnects);
  g_autofree char *window = g_strdup_printf ("%u/%u", b->window_used, b->window_size);
  g_autofree char *rate = b->throughput > 0 ? g_strdup_printf ("%.1f/%.0f", b->rate, b->throughput)
                                            : g_strdup_printf ("%.1f/-", b->rate);
  g_autofree char *throttled = b->throttle_pause_ms
    ? g_strdup_printf ("%" G_GUINT64_FORMAT " %ums", b->throttled, b->throttle_pause_ms)
    : g_strdup_printf ("%" G_GUINT64_FORMAT, b->throttled);
  g_autofree char *p50 = format_ms (b->latency_p50_ms);
  g_autofree char *p99 = format_ms (b->latency_p99_ms);
  g_autofree char *latency = b->latency_count ? g_strdup_printf ("%s/%s", p50, p99) : g_strdup ("-");
  const char *values[] = { b->name, b->state, since, reconn, window, rate, throttled, latency };
  return join_cells (bind_columns, G_N_ELEMENTS (bind_columns), values);
}

static char *
delivery_line (const SrConsoleDeliveryRow *r, const char *key, double *rate, gboolean *has_rate)
{
  g_autofree char *sent = g_strdup_printf ("%" G_GUINT64_FORMAT, r->sent);
  g_autofree char *delivered = g_strdup_printf ("%" G_GUINT64_FORMAT, r->delivered);
  g_autofree char *failed = g_strdup_printf ("%" G_GUINT64_FORMAT, r->failed);
  g_autofree char *pending = g_strdup_printf ("%" G_GUINT64_FORMAT, r->pending);
  *has_rate = sr_console_delivery_rate (r, rate);
  g_autofree char *pct = *has_rate ? g_strdup_printf ("%.0f%%", *rate) : g_strdup ("-");
  const char *values[] = { key, sent, delivered, failed, pending, pct };
  return join_cells (delivery_columns, G_N_ELEMENTS (delivery_columns), values);
}

/* Lines of the view and their attributes. */
typedef struct {
  GPtrArray *text;
  GArray *attrs;
} Lines;

static void
add (Lines *l, SrAttr attr, char *text /* owned */)
{
  g_ptr_array_add (l->text, text);
  g_array_append_val (l->attrs, attr);
}

static void
add_delivery_table (Lines *l, GPtrArray *rows, const char *title, const char *unknown)
{
  add (l, SR_ATTR_HEADER, column_titles (delivery_columns, G_N_ELEMENTS (delivery_columns), title));
  if (rows->len == 0)
    add (l, SR_ATTR_DIM, g_strdup (_("No messages in this window.")));
  for (guint i = 0; i < rows->len; i++)
    {
      const SrConsoleDeliveryRow *r = g_ptr_array_index (rows, i);
      double rate = 0;
      gboolean has_rate = FALSE;
      char *line = delivery_line (r, *r->key ? r->key : unknown, &rate, &has_rate);
      add (l, has_rate && rate < LOW_RATE ? SR_ATTR_ERROR : SR_ATTR_NORMAL, line);
    }
}

static void
print_lines (SrConsole *c, SrTerm *term, Lines *l, guint from, int y, int bottom)
{
  for (guint i = from; y < bottom; i++, y++)
    sr_term_print (term, y, 0, c->cols, i < l->text->len ? g_ptr_array_index (l->text, i) : "",
                   SR_ALIGN_LEFT, i < l->text->len ? g_array_index (l->attrs, SrAttr, i) : SR_ATTR_NORMAL);
}

void
sr_console_draw_providers (SrConsole *c, SrTerm *term, int top, int bottom)
{
  Lines head = { g_ptr_array_new_with_free_func (g_free), g_array_new (FALSE, FALSE, sizeof (SrAttr)) };
  Lines rates = { g_ptr_array_new_with_free_func (g_free), g_array_new (FALSE, FALSE, sizeof (SrAttr)) };
  SrConsoleProviders *p = c->providers;

  if (!c->model.providers)
    add (&head, SR_ATTR_DIM, g_strdup (_("This router does not report its providers' figures.")));
  else if (!p)
    add (&head, SR_ATTR_DIM, g_strdup (_("Waiting for the router…")));
  else
    {
      add (&head, SR_ATTR_HEADER, column_titles (bind_columns, G_N_ELEMENTS (bind_columns), NULL));
      if (p->binds->len == 0)
        add (&head, SR_ATTR_DIM, g_strdup (_("No SMPP binds configured.")));
      for (guint i = 0; i < p->binds->len; i++)
        {
          const SrConsoleBindStats *b = g_ptr_array_index (p->binds, i);
          add (&head, (int) i == c->provider_selected ? SR_ATTR_SELECTED : SR_ATTR_NORMAL, bind_line (b));
          if (b->last_error)
            add (&head, SR_ATTR_ERROR, g_strdup_printf (_("  last error: %s"), b->last_error));
        }
      add (&head, SR_ATTR_NORMAL, g_strdup (""));

      gboolean day = c->delivery_day;
      guint w = day ? SR_CONSOLE_DELIVERY_DAY : SR_CONSOLE_DELIVERY_HOUR;
      GString *title = g_string_new (day ? _("Delivery of the messages of the last day (w: last hour)")
                                         : _("Delivery of the messages of the last hour (w: last day)"));
      if (p->delivery_at[w] > 0)
        {
          g_autoptr (GDateTime) at = g_date_time_new_from_unix_local (p->delivery_at[w] / G_USEC_PER_SEC);
          g_autofree char *stamp = at ? g_date_time_format (at, "%H:%M:%S") : g_strdup ("?");
          g_string_append_printf (title, _("%sas of %s"), MIDDOT, stamp);
        }
      add (&head, SR_ATTR_HEADER, g_string_free (title, FALSE));
      if (p->delivery_error)
        add (&rates, SR_ATTR_ERROR, g_strdup_printf (_("The delivery rates could not be computed: %s"),
                                                     p->delivery_error));
      else if (p->delivery_at[w] == 0)
        add (&rates, SR_ATTR_DIM, g_strdup (_("Counting the journal's messages…")));
      else
        {
          add_delivery_table (&rates, p->countries[w], _("Country"), _("unknown"));
          add (&rates, SR_ATTR_NORMAL, g_strdup (""));
          add_delivery_table (&rates, p->providers[w], _("Provider"), _("none"));
        }
    }

  /* The binds stay; the rates below them scroll with [ and ]. */
  int y = top;
  print_lines (c, term, &head, 0, y, bottom);
  y = MIN (top + (int) head.text->len, bottom);
  int room = bottom - y;
  int max_scroll = MAX ((int) rates.text->len - room, 0);
  c->detail_scroll = CLAMP (c->detail_scroll, 0, max_scroll);
  print_lines (c, term, &rates, c->detail_scroll, y, bottom);
  if (max_scroll > 0 && room > 0)
    {
      g_autofree char *more = g_strdup_printf (_(" [ ] lines %d–%d of %u "), c->detail_scroll + 1,
                                               MIN (c->detail_scroll + room, (int) rates.text->len),
                                               rates.text->len);
      int mw = MIN (sr_text_width (more), c->cols);
      sr_term_print (term, y - 1, c->cols - mw, mw, more, SR_ALIGN_RIGHT, SR_ATTR_HEADER);
    }
  g_ptr_array_unref (head.text);
  g_array_unref (head.attrs);
  g_ptr_array_unref (rates.text);
  g_array_unref (rates.attrs);
}
