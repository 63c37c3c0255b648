/* sr-console-draw.c — screen composition: tab bar, lists, detail, status.
 *
 * Every frame writes every cell (blank ones with spaces) and never erases,
 * so the terminal backend can diff frames and send only what changed.
 */
#define G_LOG_DOMAIN "sr-tui"

#include "sr-console-private.h"
#include "sr-console-draw-front-ends.h"
#include "sr-console-chart.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define HLINE "\xe2\x94\x80"   /* ─ */
#define MIDDOT " \xc2\xb7 "    /* · */

void
sr_console_layout (int rows, int cols, SrConsoleLayout *l)
{
  memset (l, 0, sizeof *l);
  l->too_small = rows < SR_CONSOLE_MIN_ROWS || cols < SR_CONSOLE_MIN_COLS;
  l->tab_y = 0;
  l->status_y = MAX (rows - 1, 0);
  l->header_y = 1;
  l->list_y = 2;
  int avail = rows - 4; /* tab bar, column headers, detail separator, status */
  l->list_h = MAX (1, avail * 3 / 5);
  l->detail_sep_y = l->list_y + l->list_h;
  l->detail_y = l->detail_sep_y + 1;
  l->detail_h = MAX (0, l->status_y - l->detail_y);
}

const char *
sr_console_view_title (SrConsoleView view)
{
  switch (view)
    {
    case SR_CONSOLE_VIEW_OVERVIEW: return _("Overview");
    case SR_CONSOLE_VIEW_QUEUE: return _("Queue");
    case SR_CONSOLE_VIEW_SENT: return _("Sent");
    case SR_CONSOLE_VIEW_DEAD: return _("Dead letters");
    case SR_CONSOLE_VIEW_RECEIPTS: return _("Receipts");
    case SR_CONSOLE_VIEW_INBOX: return _("Inbox");
    case SR_CONSOLE_VIEW_BLACKLISTS: return _("Blacklists");
    case SR_CONSOLE_VIEW_LOG: return _("Log");
    case SR_CONSOLE_VIEW_PROVIDERS: return _("Providers");
    default: return "";
    }
}

const char *
sr_console_view_short_title (SrConsoleView view)
{
  if (view == SR_CONSOLE_VIEW_DEAD)
    /* TRANSLATORS: short tab title of "Dead letters" for 80-column terminals */
    return _("Dead");
  return sr_console_view_title (view);
}

/* --- Tab bar --------------------------------------------------------------- */

/* Text of each tab for a width: full titles, short titles, then short
 * titles with more and more of the other tabs, from the right, as numbers
 * only (the active tab keeps its title).  The active tab is in [brackets]
 * so it shows without colours too. */
static void
tab_labels (SrConsoleView active, int width, char **labels)
{
  for (int level = 0; level <= SR_CONSOLE_N_VIEWS + 1; level++)
    {
      int total = 0, bare = 0;
      for (int v = SR_CONSOLE_N_VIEWS - 1; v >= 0; v--)
        {
          const char *t = level == 0 ? sr_console_view_title (v) : sr_console_view_short_title (v);
          if (v != (int) active && bare < level - 1 && ++bare)
            labels[v] = g_strdup_printf (" %d ", v + 1);
          else if (v == (int) active)
            labels[v] = g_strdup_printf ("[%d %s]", v + 1, t);
          else
            labels[v] = g_strdup_printf (" %d %s ", v + 1, t);
          total += sr_text_width (labels[v]);
        }
      if (total <= width || level == SR_CONSOLE_N_VIEWS + 1)
        return;
      for (int v = 0; v < SR_CONSOLE_N_VIEWS; v++)
        g_clear_pointer (&labels[v], g_free);
    }
}

char *
sr_console_tab_bar (SrConsoleView active, int width)
{
  char *labels[SR_CONSOLE_N_VIEWS] = { 0 };
  tab_labels (active, width, labels);
  GString *s = g_string_new (NULL);
  for (int v = 0; v < SR_CONSOLE_N_VIEWS; v++)
    {
      g_string_append (s, labels[v]);
      g_free (labels[v]);
    }
  char *fitted = sr_text_fit (s->str, width, SR_ALIGN_LEFT);
  g_string_free (s, TRUE);
  return fitted;
}

static void
draw_tab_bar (SrConsole *c, SrTerm *term, int y)
{
  char *labels[SR_CONSOLE_N_VIEWS] = { 0 };
  int x = 0;
  tab_labels (c->view, c->cols, labels);
  for (int v = 0; v < SR_CONSOLE_N_VIEWS; v++)
    {
      int w = sr_text_width (labels[v]);
      if (x < c->cols)
        sr_term_print (term, y, x, MIN (w, c->cols - x), labels[v], SR_ALIGN_LEFT,
                       v == (int) c->view ? SR_ATTR_TAB_ACTIVE : SR_ATTR_TAB);
      x += w;
      g_free (labels[v]);
    }
  if (x < c->cols)
    {
      /* The title on the right when there is room. */
      int rest = c->cols - x;
      const char *title = sr_text_width (c->title) + 1 <= rest ? c->title : "";
      sr_term_print (term, y, x, rest, title, SR_ALIGN_RIGHT, SR_ATTR_DIM);
    }
}

/* --- Columns --------------------------------------------------------------- */

/* Layout of one column: fixed width (or minimum when flexible), share of
 * the remaining space, and which columns go first when space runs out. */
typedef struct {
  const char *title;
  int width;
  int flex;
  int priority;         /* 0 kept longest; the highest number is dropped first */
  SrAlign align;
} ColumnSpec;

static const ColumnSpec queue_spec[] = {
  { N_("Time"), 14, 0, 2, 0 }, { N_("App"), 8, 0, 4, 0 }, { N_("To"), 15, 0, 1, 0 },
  { N_("From"), 11, 0, 5, 0 }, { N_("State"), 9, 0, 3, 0 }, { N_("Parts"), 5, 0, 6, SR_ALIGN_RIGHT },
  { N_("Text"), 16, 1, 0, 0 },
};
static const ColumnSpec sent_spec[] = {
  { N_("Time"), 14, 0, 2, 0 }, { N_("App"), 8, 0, 4, 0 }, { N_("To"), 15, 0, 1, 0 },
  { N_("From"), 11, 0, 5, 0 }, { N_("Receipt"), 9, 0, 3, 0 }, { N_("Parts"), 5, 0, 6, SR_ALIGN_RIGHT },
  { N_("Text"), 16, 1, 0, 0 },
};
static const ColumnSpec dead_spec[] = {
  { N_("Time"), 14, 0, 2, 0 }, { N_("App"), 8, 0, 5, 0 }, { N_("To"), 15, 0, 1, 0 },
  { N_("Class"), 10, 0, 3, 0 }, { N_("Reason"), 16, 2, 0, 0 }, { N_("Text"), 10, 1, 4, 0 },
};
static const ColumnSpec receipts_spec[] = {
  { N_("Time"), 14, 0, 2, 0 }, { N_("App"), 8, 0, 4, 0 }, { N_("To"), 15, 0, 1, 0 },
  { N_("SMSC id"), 16, 0, 3, 0 }, { N_("Status"), 9, 0, 0, 0 }, { N_("Reference"), 10, 1, 5, 0 },
};
static const ColumnSpec inbox_spec[] = {
  { N_("Time"), 14, 0, 2, 0 }, { N_("App"), 8, 0, 3, 0 }, { N_("From"), 15, 0, 1, 0 },
  { N_("To"), 15, 0, 4, 0 }, { N_("Text"), 16, 1, 0, 0 },
};
static const ColumnSpec blacklists_spec[] = {
  { N_("Kind"), 8, 0, 1, 0 }, { N_("Value"), 16, 0, 0, 0 }, { N_("Note"), 16, 1, 2, 0 },
  { N_("Who"), 10, 0, 4, 0 }, { N_("When"), 14, 0, 3, 0 },
};
static const ColumnSpec log_spec[] = {
  { N_("Time"), 14, 0, 1, 0 }, { N_("Scope"), 8, 0, 2, 0 }, { N_("Text"), 20, 1, 0, 0 },
};

static const ColumnSpec *
column_spec (SrConsoleView view, guint *n)
{
  switch (view)
    {
#define SPEC(v, s) case v: *n = G_N_ELEMENTS (s); return s
    SPEC (SR_CONSOLE_VIEW_QUEUE, queue_spec);
    SPEC (SR_CONSOLE_VIEW_SENT, sent_spec);
    SPEC (SR_CONSOLE_VIEW_DEAD, dead_spec);
    SPEC (SR_CONSOLE_VIEW_RECEIPTS, receipts_spec);
    SPEC (SR_CONSOLE_VIEW_INBOX, inbox_spec);
    SPEC (SR_CONSOLE_VIEW_BLACKLISTS, blacklists_spec);
    SPEC (SR_CONSOLE_VIEW_LOG, log_spec);
#undef SPEC
    default:
      *n = 0;
      return NULL;
    }
}

void
sr_console_column_widths (SrConsoleView view, int width, int *widths)
{
  guint n;
  const ColumnSpec *spec = column_spec (view, &n);
  g_return_if_fail (spec != NULL);
  gboolean kept[16];
  for (guint i = 0; i < n; i++)
    kept[i] = TRUE;

  for (;;)
    {
      int sum = 0, count = 0;
      for (guint i = 0; i < n; i++)
        if (kept[i])
          {
            sum += spec[i].width;
            count++;
          }
      sum += count - 1; /* one space between columns */
      if (sum <= width || count <= 1)
        {
          int extra = MAX (width - sum, 0), flex_total = 0, given = 0, last_flex = -1;
          for (guint i = 0; i < n; i++)
            if (kept[i] && spec[i].flex)
              {
                flex_total += spec[i].flex;
                last_flex = i;
              }
          for (guint i = 0; i < n; i++)
            {
              widths[i] = kept[i] ? spec[i].width : -1;
              if (kept[i] && spec[i].flex && flex_total > 0)
                {
                  int share = (int) i == last_flex ? extra - given : extra * spec[i].flex / flex_total;
                  widths[i] += share;
                  given += share;
                }
            }
          if (count == 1)
            for (guint i = 0; i < n; i++)
              if (kept[i])
                widths[i] = width;
          return;
        }
      /* Too wide: leave out the least important column. */
      int drop = -1;
      for (guint i = 0; i < n; i++)
        if (kept[i] && (drop < 0 || spec[i].priority > spec[drop].priority))
          drop = i;
      kept[drop] = FALSE;
    }
}

/* Joins fitted cells with single spaces into one line of exactly `cols` columns. */
static char *
compose_line (const ColumnSpec *spec, guint n, const int *widths,
              const char *const *values, int cols, gboolean titles)
{
  GString *s = g_string_new (NULL);
  gboolean first = TRUE;
  for (guint i = 0; i < n; i++)
    {
      if (widths[i] < 0)
        continue;
      if (!first)
        g_string_append_c (s, ' ');
      first = FALSE;
      const char *v = titles ? _(spec[i].title) : values[i];
      g_autofree char *cell = sr_text_fit (v ? v : "", widths[i], spec[i].align);
      g_string_append (s, cell);
    }
  char *line = sr_text_fit (s->str, cols, SR_ALIGN_LEFT);
  g_string_free (s, TRUE);
  return line;
}

/* --- Text wrapping --------------------------------------------------------- */

/* Appends `text` wrapped to `width` columns, breaking at spaces when it can. */
static void
wrap_into (GPtrArray *lines, const char *text, int width)
{
  g_autofree char *valid = g_utf8_make_valid (text ? text : "", -1);
  g_auto (GStrv) paragraphs = g_strsplit (valid, "\n", -1);
  for (guint p = 0; paragraphs[p]; p++)
    {
      const char *s = paragraphs[p];
      if (!*s)
        {
          g_ptr_array_add (lines, g_strdup (""));
          continue;
        }
      while (*s)
        {
          int w = 0;
          const char *end = s, *last_space = NULL;
          while (*end)
            {
              gunichar ch = g_utf8_get_char (end);
              int cw = sr_text_char_width (ch);
              if (w + cw > width)
                break;
              if (ch == ' ')
                last_space = end;
              w += cw;
              end = g_utf8_next_char (end);
            }
          if (*end && last_space && last_space > s)
            end = last_space;
          if (end == s) /* a character wider than the line */
            end = g_utf8_next_char (s);
          g_ptr_array_add (lines, g_strndup (s, end - s));
          s = end;
          while (*s == ' ')
            s++;
        }
    }
}

/* --- Views ----------------------------------------------------------------- */

static void
print_line (SrConsole *c, SrTerm *term, int y, const char *text, SrAttr attr)
{
  sr_term_print (term, y, 0, c->cols, text, SR_ALIGN_LEFT, attr);
}

static void
draw_overview (SrConsole *c, SrTerm *term, int top, int bottom)
{
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) attrs = g_array_new (FALSE, FALSE, sizeof (SrAttr));
  SrConsoleOverview *o = c->overview;
  SrAttr a;
#define ADD(attr_, ...) (g_ptr_array_add (lines, g_strdup_printf (__VA_ARGS__)), a = (attr_), g_array_append_val (attrs, a))

  if (!o)
    ADD (SR_ATTR_DIM, "%s", _("Waiting for the router…"));
  else
    {
      if (o->paused)
        ADD (SR_ATTR_ERROR, "%s", _("Sending is paused (p resumes)."));
      ADD (SR_ATTR_NORMAL, _("Messages/s in %.1f · out %.1f    total in %llu · out %llu"),
           o->rate_in, o->rate_out, (unsigned long long) o->total_in,
           (unsigned long long) o->total_out);
      ADD (SR_ATTR_NORMAL, "%s", "");
      ADD (SR_ATTR_HEADER, "%-20s %-14s %s", _("Bind"), _("State"), _("Last error"));
      if (o->binds->len == 0)
        ADD (SR_ATTR_DIM, "%s", _("No SMPP binds configured."));
      gboolean all_bound = TRUE;
      for (guint i = 0; i < o->binds->len; i++)
        {
          SrConsoleBind *b = g_ptr_array_index (o->binds, i);
          g_autofree char *name = sr_text_fit (b->name, 20, SR_ALIGN_LEFT);
          g_autofree char *state = sr_text_fit (b->state, 14, SR_ALIGN_LEFT);
          ADD (b->last_error ? SR_ATTR_ERROR : SR_ATTR_NORMAL, "%s %s %s", name, state,
               b->last_error ? b->last_error : "");
          all_bound &= g_strcmp0 (b->state, "bound") == 0;
        }
      if (!all_bound && c->model.reconnect)
        ADD (SR_ATTR_DIM, "%s", _("b reconnects the binds that are not bound now."));
      ADD (SR_ATTR_NORMAL, "%s", "");
      g_autofree char *app_h = sr_text_fit (_("App"), 20, SR_ALIGN_LEFT);
      g_autofree char *q_h = sr_text_fit (_("Queued"), 10, SR_ALIGN_RIGHT);
      g_autofree char *f_h = sr_text_fit (_("In flight"), 10, SR_ALIGN_RIGHT);
      g_autofree char *d_h = sr_text_fit (_("Dead"), 10, SR_ALIGN_RIGHT);
      ADD (SR_ATTR_HEADER, "%s %s %s %s", app_h, q_h, f_h, d_h);
      for (guint i = 0; i < o->queues->len; i++)
        {
          SrConsoleQueueDepth *q = g_ptr_array_index (o->queues, i);
          g_autofree char *app = sr_text_fit (q->app, 20, SR_ALIGN_LEFT);
          ADD (SR_ATTR_NORMAL, "%s %10llu %10llu %10llu", app, (unsigned long long) q->queued,
               (unsigned long long) q->in_flight, (unsigned long long) q->dead);
        }
      ADD (SR_ATTR_NORMAL, "%s", "");
      sr_console_draw_front_ends (o, lines, attrs);
      ADD (SR_ATTR_HEADER, "%s", _("Last system errors"));
      if (o->errors->len == 0)
        ADD (SR_ATTR_DIM, "%s", _("None."));
      for (guint i = 0; i < o->errors->len; i++)
        ADD (SR_ATTR_ERROR, "%s", (const char *) g_ptr_array_index (o->errors, i));
    }
#undef ADD
  /* The charts below keep their first rows however long the text is. */
  int text_end = top + MIN ((int) lines->len, MAX (bottom - top - sr_console_charts_min_rows (c), 0));
  for (int y = top; y < text_end; y++)
    print_line (c, term, y, g_ptr_array_index (lines, y - top),
                g_array_index (attrs, SrAttr, y - top));
  sr_console_draw_charts (c, term, text_end, bottom);
}

static void
detail_lines (SrConsole *c, GPtrArray *lines, int width)
{
  SrConsoleDetail *d = c->detail;
  if (!d)
    return;
  GString *facts = g_string_new (NULL);
  for (guint i = 0; i < d->fields->len; i++)
    {
      SrConsoleField *f = g_ptr_array_index (d->fields, i);
      g_string_append_printf (facts, "%s%s: %s", i ? MIDDOT : "", f->name, f->value);
    }
  if (facts->len)
    wrap_into (lines, facts->str, width);
  g_string_free (facts, TRUE);
  if (d->text)
    {
      g_autofree char *t = g_strdup_printf (_("Text: %s"), d->text);
      wrap_into (lines, t, width);
    }
  for (guint i = 0; i < d->parts->len; i++)
    {
      g_autofree char *t = g_strdup_printf (_("Part %u: %s"), i + 1,
                                            (const char *) g_ptr_array_index (d->parts, i));
      wrap_into (lines, t, width);
    }
  if (d->history->len)
    g_ptr_array_add (lines, g_strdup (_("History:")));
  for (guint i = 0; i < d->history->len; i++)
    {
      g_autofree char *t = g_strdup_printf ("  %s", (const char *) g_ptr_array_index (d->history, i));
      wrap_into (lines, t, width);
    }
}

static void
draw_list (SrConsole *c, SrTerm *term, const SrConsoleLayout *l)
{
  SrConsoleList *list = &c->lists[c->view];
  guint n;
  const ColumnSpec *spec = column_spec (c->view, &n);
  int widths[16];
  sr_console_column_widths (c->view, c->cols, widths);

  /* With marks, a column in front shows them ("*"); the rest moves right by one. */
  gboolean gutter = g_hash_table_size (list->marks) > 0;
  g_autofree char *header0 = compose_line (spec, n, widths, NULL, c->cols, TRUE);
  g_autofree char *header = g_strconcat (gutter ? " " : "", header0, NULL);
  print_line (c, term, l->header_y, header, SR_ATTR_HEADER);

  for (int i = 0; i < l->list_h; i++)
    {
      int y = l->list_y + i;
      if ((guint) i < list->rows->len)
        {
          SrConsoleRow *row = g_ptr_array_index (list->rows, i);
          const char *values[16] = { 0 };
          for (guint k = 0; k < n && row->columns && row->columns[k]; k++)
            values[k] = row->columns[k];
          g_autofree char *line0 = compose_line (spec, n, widths, values, c->cols, FALSE);
          const char *mark = !gutter ? "" : sr_console_marked (list, row->id) ? "*" : " ";
          g_autofree char *line = g_strconcat (mark, line0, NULL);
          print_line (c, term, y, line, i == list->selected ? SR_ATTR_SELECTED : SR_ATTR_NORMAL);
        }
      else if (i == 0)
        {
          g_autofree char *empty = list->filter
            ? g_strdup_printf (_("No rows match “%s” (/ changes the filter)."), list->filter)
            : g_strdup (_("No rows."));
          print_line (c, term, y, empty, SR_ATTR_DIM);
        }
      else
        print_line (c, term, y, "", SR_ATTR_NORMAL);
    }

  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  detail_lines (c, lines, MAX (c->cols - 1, 1));
  int max_scroll = MAX ((int) lines->len - l->detail_h, 0);
  c->detail_scroll = CLAMP (c->detail_scroll, 0, max_scroll);

  /* Separator: the detail's title on the left; filter and scroll position on the right. */
  GString *right = g_string_new (NULL);
  if (gutter)
    g_string_append_printf (right, _(" %u marked "), g_hash_table_size (list->marks));
  if (list->filter)
    g_string_append_printf (right, _(" filter: %s "), list->filter);
  if (max_scroll > 0)
    g_string_append_printf (right, _(" [ ] lines %d–%d of %u "), c->detail_scroll + 1,
                            MIN (c->detail_scroll + l->detail_h, (int) lines->len), lines->len);
  const char *title = c->detail && c->detail->title ? c->detail->title : _("Detail");
  g_autofree char *left = g_strdup_printf (HLINE " %s ", title);
  int rw = MIN (sr_text_width (right->str), c->cols / 2);
  int lw = c->cols - rw;
  GString *fill = g_string_new (left);
  for (int w = sr_text_width (left); w < lw; w++)
    g_string_append (fill, HLINE);
  sr_term_print (term, l->detail_sep_y, 0, lw, fill->str, SR_ALIGN_LEFT, SR_ATTR_HEADER);
  g_string_free (fill, TRUE);
  if (rw > 0)
    sr_term_print (term, l->detail_sep_y, lw, rw, right->str, SR_ALIGN_RIGHT, SR_ATTR_HEADER);
  g_string_free (right, TRUE);

  for (int i = 0; i < l->detail_h; i++)
    {
      guint k = c->detail_scroll + i;
      print_line (c, term, l->detail_y + i,
                  k < lines->len ? (const char *) g_ptr_array_index (lines, k) : "",
                  SR_ATTR_NORMAL);
    }
}

/* The status line: the last notice or error on the left, the keys of the
 * view on the right; keys that do not fit next to the notice are left out,
 * the least useful first, but "? help · q quit" always stays. */
static void
draw_status (SrConsole *c, SrTerm *term, int y)
{
  gboolean paused = c->overview && c->overview->paused;
  g_autoptr (GPtrArray) hints = sr_console_view_hints (c);
  const char *status = c->status ? c->status : "";
  int room = c->cols - sr_text_width (status) - 2;
  g_autoptr (GString) hint = g_string_new (NULL);
  for (guint n = hints->len + 1; n-- > 0;)
    {
      g_string_assign (hint, paused ? _("PAUSED · ") : "");
      for (guint i = 0; i < n; i++)
        g_string_append_printf (hint, "%s · ", (const char *) g_ptr_array_index (hints, i));
      g_string_append (hint, c->thread ? _("Esc/q back") : _("? help · q quit"));
      if (sr_text_width (hint->str) <= room)
        break;
    }
  int hw = MIN (sr_text_width (hint->str) + 1, c->cols);
  int lw = c->cols - hw;
  sr_term_print (term, y, 0, lw, status,
                 SR_ALIGN_LEFT, c->status_error ? SR_ATTR_ERROR : SR_ATTR_NOTICE);
  sr_term_print (term, y, lw, hw, hint->str, SR_ALIGN_RIGHT, paused ? SR_ATTR_ERROR : SR_ATTR_DIM);
}

/* --- Overlays: forms, questions, help -------------------------------------- */

/* A box with borders; returns the inner width. */
static void
draw_box (SrTerm *term, int y, int x, int h, int w, const char *title)
{
  GString *top = g_string_new ("\xe2\x94\x8c" HLINE " ");
  g_autofree char *t = sr_text_fit (title, MAX (0, MIN (sr_text_width (title), w - 5)), SR_ALIGN_LEFT);
  g_string_append (top, t);
  g_string_append_c (top, ' ');
  for (int i = sr_text_width (top->str); i < w - 1; i++)
    g_string_append (top, HLINE);
  g_string_append (top, "\xe2\x94\x90");
  sr_term_print (term, y, x, w, top->str, SR_ALIGN_LEFT, SR_ATTR_HEADER);
  g_string_free (top, TRUE);

  for (int i = 1; i < h - 1; i++)
    {
      sr_term_print (term, y + i, x, 1, "\xe2\x94\x82", SR_ALIGN_LEFT, SR_ATTR_HEADER);
      sr_term_print (term, y + i, x + 1, w - 2, "", SR_ALIGN_LEFT, SR_ATTR_NORMAL);
      sr_term_print (term, y + i, x + w - 1, 1, "\xe2\x94\x82", SR_ALIGN_LEFT, SR_ATTR_HEADER);
    }
  GString *bottom = g_string_new ("\xe2\x94\x94");
  for (int i = 1; i < w - 1; i++)
    g_string_append (bottom, HLINE);
  g_string_append (bottom, "\xe2\x94\x98");
  sr_term_print (term, y + h - 1, x, w, bottom->str, SR_ALIGN_LEFT, SR_ATTR_HEADER);
  g_string_free (bottom, TRUE);
}

/* Draws a field's value scrolled so that the cursor stays visible; returns
 * the cursor's column within the field. */
static int
draw_field_value (SrTerm *term, int y, int x, int w, SrConsoleFormField *f, SrAttr attr)
{
  const char *s = f->value->str;
  const char *cur = g_utf8_offset_to_pointer (s, f->cursor);
  int before = 0;
  for (const char *p = s; p < cur; p = g_utf8_next_char (p))
    before += sr_text_char_width (g_utf8_get_char (p));
  /* Skip characters from the left until the cursor fits. */
  const char *start = s;
  while (before > w - 1 && start < cur)
    {
      before -= sr_text_char_width (g_utf8_get_char (start));
      start = g_utf8_next_char (start);
    }
  sr_term_print (term, y, x, w, start, SR_ALIGN_LEFT, attr);
  return before;
}

/* Sets *cy, *cx to where the text cursor goes (the focused field). */
static void
draw_form (SrConsole *c, SrTerm *term, int *cy, int *cx)
{
  SrConsoleForm *f = c->form;
  int w = MIN (c->cols - 2, 76);
  int label_w = 0;
  for (guint i = 0; i < f->fields->len; i++)
    {
      SrConsoleFormField *field = g_ptr_array_index (f->fields, i);
      label_w = MAX (label_w, sr_text_width (field->label));
    }
  /* The error (or the hint) wrapped below the fields: a reason is never cut
   * at the dialog's width. */
  g_autoptr (GPtrArray) hint = g_ptr_array_new_with_free_func (g_free);
  wrap_into (hint, f->error ? f->error : _("Enter: submit · Esc: cancel · Tab: next field"), w - 4);
  int h = 2 + f->fields->len + 1 + hint->len;
  for (guint i = 0; i < f->fields->len; i++)
    if (((SrConsoleFormField *) g_ptr_array_index (f->fields, i))->counter)
      h++;
  h = MIN (h, c->rows);
  int y0 = MAX ((c->rows - h) / 2, 0), x0 = (c->cols - w) / 2;
  draw_box (term, y0, x0, h, w, f->title);

  int y = y0 + 1, cursor_y = -1, cursor_x = -1;
  int fx = x0 + 2 + label_w + 1, fw = w - 4 - label_w - 1;
  for (guint i = 0; i < f->fields->len && y < y0 + h - 1; i++)
    {
      SrConsoleFormField *field = g_ptr_array_index (f->fields, i);
      sr_term_print (term, y, x0 + 2, label_w, field->label, SR_ALIGN_RIGHT, SR_ATTR_HEADER);
      gboolean focus = i == f->focus;
      int col = draw_field_value (term, y, fx, fw, field, focus ? SR_ATTR_FIELD_FOCUS : SR_ATTR_FIELD);
      if (focus)
        {
          cursor_y = y;
          cursor_x = fx + col;
        }
      y++;
      if (field->counter && y < y0 + h - 1)
        {
          SrConsoleTextCount count = { 0 };
          sr_console_count_text (c, field->value->str, &count);
          g_autofree char *line = sr_console_format_count (&count);
          sr_term_print (term, y++, fx, fw, line, SR_ALIGN_LEFT, SR_ATTR_DIM);
        }
    }
  y++;
  for (guint i = 0; i < hint->len && y < y0 + h - 1; i++)
    sr_term_print (term, y++, x0 + 2, w - 4, g_ptr_array_index (hint, i), SR_ALIGN_LEFT,
                   f->error ? SR_ATTR_ERROR : SR_ATTR_DIM);
  if (cursor_y >= 0)
    {
      *cy = cursor_y;
      *cx = MIN (cursor_x, c->cols - 1);
    }
}

static void
draw_confirm (SrConsole *c, SrTerm *term)
{
  int w = MIN (c->cols - 2, MAX (sr_text_width (c->confirm_text) + 4, 30));
  int y0 = MAX ((c->rows - 3) / 2, 0), x0 = (c->cols - w) / 2;
  draw_box (term, y0, x0, 3, w, _("Confirm"));
  sr_term_print (term, y0 + 1, x0 + 2, w - 4, c->confirm_text, SR_ALIGN_LEFT, SR_ATTR_ERROR);
}

static void
draw_help (SrConsole *c, SrTerm *term)
{
  guint n;
  const SrConsoleBinding *b = sr_console_bindings (&n);
  g_autoptr (GPtrArray) left = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) right = g_ptr_array_new_with_free_func (g_free);
  gboolean two = c->cols >= 78;
  int key_w = 16;

  for (guint i = 0; i < n; i++)
    {
      if (i > 0 && strcmp (b[i].label, b[i - 1].label) == 0)
        continue; /* keys sharing one line of help */
      g_autofree char *k = sr_text_fit (_(b[i].label), key_w, SR_ALIGN_LEFT);
      g_ptr_array_add (left, g_strdup_printf ("%s%s", k, _(b[i].help)));
    }
  /* Keys that do not fit the left column go on at the top of the right one. */
  guint avail = MAX (c->rows - 3, 1);
  if (two)
    while (left->len > avail)
      g_ptr_array_insert (right, 0, g_ptr_array_steal_index (left, left->len - 1));
  GPtrArray *forms = two ? right : left;
  guint forms_title = forms->len;
  g_ptr_array_add (forms, g_strdup (_("In forms and questions:")));
  for (const char *const *p = sr_console_form_key_help (); *p; p += 2)
    {
      g_autofree char *k = sr_text_fit (_(p[0]), key_w, SR_ALIGN_LEFT);
      g_ptr_array_add (forms, g_strdup_printf ("%s%s", k, _(p[1])));
    }

  int h = MIN ((int) MAX (left->len, right->len) + 3, c->rows);
  int w = c->cols;
  draw_box (term, 0, 0, h, w, _("Keys (any key closes)"));
  int col_w = two ? (w - 4) / 2 : w - 4;
  for (int i = 0; i < h - 3; i++)
    {
      if ((guint) i < left->len)
        sr_term_print (term, 2 + i, 2, col_w, g_ptr_array_index (left, i), SR_ALIGN_LEFT, SR_ATTR_NORMAL);
      if (two && (guint) i < right->len)
        sr_term_print (term, 2 + i, 2 + col_w, col_w, g_ptr_array_index (right, i), SR_ALIGN_LEFT,
                       (guint) i == forms_title ? SR_ATTR_HEADER : SR_ATTR_NORMAL);
    }
}

/* The router cannot be reached: a banner over the whole view instead of its
 * last (stale) data or an empty list. */
static void
draw_lost (SrConsole *c, SrTerm *term, int top, int bottom)
{
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  int width = MAX (c->cols - 4, 10);
  g_autofree char *head = g_strdup_printf (_("Router disconnected \xe2\x80\x94 %s"), c->lost);
  wrap_into (lines, head, width);
  guint head_lines = lines->len;
  gint64 secs = (g_get_monotonic_time () - c->lost_since) / G_USEC_PER_SEC;
  g_autofree char *retry = g_strdup_printf (_("Reconnecting\xe2\x80\xa6 (no answer for %lld s; "
                                              "tried again every %u ms)"),
                                            (long long) secs, c->refresh_ms);
  g_ptr_array_add (lines, g_strdup (""));
  wrap_into (lines, retry, width);
  wrap_into (lines, _("Nothing shown here is current until the router answers; q quits."), width);
  int y0 = top + MAX ((bottom - top - (int) lines->len) / 3, 0);
  for (int y = top; y < bottom; y++)
    {
      guint i = y - y0;
      const char *text = y >= y0 && i < lines->len ? g_ptr_array_index (lines, i) : "";
      sr_term_print (term, y, 0, 2, "", SR_ALIGN_LEFT, SR_ATTR_NORMAL);
      sr_term_print (term, y, 2, c->cols - 2, text, SR_ALIGN_LEFT,
                     y >= y0 && i < head_lines ? SR_ATTR_ERROR : SR_ATTR_NORMAL);
    }
}

void
sr_console_draw (SrConsole *c, SrTerm *term)
{
  int rows, cols;
  sr_term_size (term, &rows, &cols);
  if (rows != c->rows || cols != c->cols)
    sr_console_set_size (c, rows, cols);
  if (rows <= 0 || cols <= 0)
    return;
  SrConsoleLayout l;
  sr_console_layout (rows, cols, &l);
  if (l.too_small)
    {
      g_autofree char *msg = g_strdup_printf (_("Terminal too small (%d×%d); need %d×%d."),
                                              cols, rows, SR_CONSOLE_MIN_COLS, SR_CONSOLE_MIN_ROWS);
      for (int y = 0; y < rows; y++)
        sr_term_print (term, y, 0, cols, y == rows / 2 ? msg : "", SR_ALIGN_LEFT, SR_ATTR_ERROR);
      sr_term_cursor (term, 0, 0, FALSE);
      sr_term_flush (term);
      return;
    }

  draw_tab_bar (c, term, l.tab_y);
  if (c->lost)
    draw_lost (c, term, l.header_y, l.status_y);
  else if (c->thread)
    sr_console_thread_draw (c, term, l.header_y, l.status_y);
  else if (c->view == SR_CONSOLE_VIEW_OVERVIEW)
    draw_overview (c, term, l.header_y, l.status_y);
  else if (c->view == SR_CONSOLE_VIEW_PROVIDERS)
    sr_console_draw_providers (c, term, l.header_y, l.status_y);
  else
    draw_list (c, term, &l);
  draw_status (c, term, l.status_y);

  int cy = -1, cx = -1;
  switch (c->mode)
    {
    case SR_CONSOLE_MODE_FORM: draw_form (c, term, &cy, &cx); break;
    case SR_CONSOLE_MODE_CONFIRM: draw_confirm (c, term); break;
    case SR_CONSOLE_MODE_HELP: draw_help (c, term); break;
    default: break;
    }
  /* Last, so that the terminal's cursor ends up in the focused field. */
  sr_term_cursor (term, MAX (cy, 0), MAX (cx, 0), cy >= 0);
  sr_term_flush (term);
  c->dirty = FALSE;
}
