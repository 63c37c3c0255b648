/* sr-console-draw-charts.c — the chart section of the Overview.
 *
 * Below the Overview's text: traffic out and in per provider, the window in
 * use of each bind, queue depth per app and the receipts of the last hour,
 * one row each (the traffic charts grow taller when rows are left over).
 * When rows are short the charts of least use go first, whole; when columns
 * are short the charts get narrower and the numbers shorter.  Every cell of
 * the section is written every frame, like the rest of the screen.
 */
#define G_LOG_DOMAIN "sr-tui"

#include "sr-console-chart.h"

#include <glib/gi18n-lib.h>
#include <math.h>

/* What one chart row shows; the order is also the order of importance. */
typedef enum {
  ITEM_HEADER,
  ITEM_RECEIPTS,
  ITEM_OUT,
  ITEM_WINDOW,
  ITEM_QUEUE,
  ITEM_IN,
} ItemKind;

/* One chart of the section, in display order. */
typedef struct {
  ItemKind kind;
  const char *name;             /* provider, app (borrowed) */
  const SrConsoleBind *bind;    /* ITEM_WINDOW */
  int height;                   /* rows; 0 = left out */
} Item;

/* Where the parts of a chart row go for a width. */
typedef struct {
  int label_w, chart_w, value_w;
  int chart_x, value_x;
  guint step;                   /* seconds per column of the traffic charts */
  SrChartGlyphs glyphs;
} Geometry;

/* The history covers at least this much of the traffic charts' width. */
#define SPAN_SECONDS 240
/* The tallest a traffic chart grows when rows are left over. */
#define MAX_HEIGHT 4

static void
geometry (SrConsole *c, Geometry *g)
{
  static const guint steps[] = { 1, 2, 3, 5, 6, 10, 15, 20, 30, 60 };
  gboolean wide = c->cols >= 60;
  g->label_w = wide ? 16 : 10;
  g->value_w = wide ? 16 : 7;
  g->chart_w = MAX (c->cols - g->label_w - g->value_w - 2, 1);
  g->chart_x = g->label_w + 1;
  g->value_x = g->chart_x + g->chart_w + 1;
  g->step = steps[G_N_ELEMENTS (steps) - 1];
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if ((guint) g->chart_w * steps[i] >= SPAN_SECONDS)
      {
        g->step = steps[i];
        break;
      }
  g->glyphs = c->ascii_charts ? SR_CHART_ASCII : SR_CHART_UTF8;
}

/* A rate (one decimal while small) or a count in at most 5 columns. */
static char *
format_number (double v, gboolean count)
{
  if (isnan (v) || v < 0)
    v = 0;
  if (v < 100 && !count)
    return g_strdup_printf ("%.1f", v);
  if (v < 100000)
    return g_strdup_printf ("%.0f", v);
  return g_strdup_printf ("%.0fk", v / 1000);
}

static void
providers_of (const SrConsoleOverview *o, GPtrArray *providers)
{
  for (guint i = 0; i < o->binds->len; i++)
    {
      const SrConsoleBind *b = g_ptr_array_index (o->binds, i);
      char *p = sr_console_bind_provider (b->name);
      gboolean seen = FALSE;
      for (guint j = 0; j < providers->len && !seen; j++)
        seen = g_str_equal (g_ptr_array_index (providers, j), p);
      if (seen)
        g_free (p);
      else
        g_ptr_array_add (providers, p);
    }
}

int
sr_console_charts_min_rows (SrConsole *c)
{
  if (!c->overview)
    return 0;
  g_autoptr (GPtrArray) providers = g_ptr_array_new_with_free_func (g_free);
  providers_of (c->overview, providers);
  /* A blank line, the title, the receipts and a row per provider (the
   * traffic out of the first, then the next most important charts). */
  return MIN (3 + (int) providers->len, 6);
}

/* The charts in display order, all of height 1 (providers borrowed). */
static GArray *
items_of (const SrConsoleOverview *o, GPtrArray *providers)
{
  GArray *items = g_array_new (FALSE, TRUE, sizeof (Item));
  Item it = { ITEM_HEADER, NULL, NULL, 1 };
  g_array_append_val (items, it);
  it.kind = ITEM_RECEIPTS;
  g_array_append_val (items, it);
  for (guint i = 0; i < providers->len; i++)
    {
      it.name = g_ptr_array_index (providers, i);
      it.kind = ITEM_OUT;
      g_array_append_val (items, it);
      it.kind = ITEM_IN;
      g_array_append_val (items, it);
    }
  it.kind = ITEM_WINDOW;
  it.name = NULL;
  for (guint i = 0; i < o->binds->len; i++)
    {
      it.bind = g_ptr_array_index (o->binds, i);
      if (it.bind->window > 0)
        g_array_append_val (items, it);
    }
  it.kind = ITEM_QUEUE;
  it.bind = NULL;
  for (guint i = 0; i < o->queues->len; i++)
    {
      it.name = ((SrConsoleQueueDepth *) g_ptr_array_index (o->queues, i))->app;
      g_array_append_val (items, it);
    }
  return items;
}

/* Keeps the most important charts that fit in `rows` (first one chart of
 * each kind, then the others), then lets the traffic out charts grow into
 * what is left.  Returns the rows used. */
static int
fit_items (GArray *items, int rows)
{
  int used = 0;
  for (guint i = 0; i < items->len; i++)
    g_array_index (items, Item, i).height = 0;
  for (int pass = 0; pass < 2; pass++)
    for (int kind = ITEM_HEADER; kind <= ITEM_IN; kind++)
      {
        guint nth = 0;
        for (guint i = 0; i < items->len; i++)
          {
            Item *it = &g_array_index (items, Item, i);
            if ((int) it->kind == kind && (nth++ == 0) == (pass == 0))
              {
                it->height = used < rows ? 1 : 0;
                used += it->height;
              }
          }
      }
  /* A title alone says nothing. */
  if (used < 2)
    {
      for (guint i = 0; i < items->len; i++)
        g_array_index (items, Item, i).height = 0;
      return 0;
    }
  gboolean grown = TRUE;
  while (used < rows && grown)
    {
      grown = FALSE;
      for (guint i = 0; i < items->len && used < rows; i++)
        {
          Item *it = &g_array_index (items, Item, i);
          if (it->kind == ITEM_OUT && it->height > 0 && it->height < MAX_HEIGHT)
            {
              it->height++;
              used++;
              grown = TRUE;
            }
        }
    }
  return used;
}

static void
put (SrTerm *term, int y, int x, int w, const char *text, SrAttr attr)
{
  if (w > 0)
    sr_term_print (term, y, x, w, text, SR_ALIGN_LEFT, attr);
}

static void
put_right (SrTerm *term, int y, int x, int w, const char *text, SrAttr attr)
{
  if (w > 0)
    sr_term_print (term, y, x, w, text, SR_ALIGN_RIGHT, attr);
}

/* The cells [from, from + n) of a chart string (one column per character). */
static char *
cells (const char *s, int from, int n)
{
  const char *a = g_utf8_offset_to_pointer (s, from);
  const char *b = g_utf8_offset_to_pointer (a, n);
  return g_strndup (a, b - a);
}

static void
draw_header (SrConsole *c, SrTerm *term, int y, const Geometry *g)
{
  guint minutes = g->chart_w * g->step / 60;
  g_autofree char *t = g_strdup_printf (_("Traffic, last %u min (%u s a column)"),
                                        MAX (minutes, 1u), g->step);
  put (term, y, 0, c->cols, t, SR_ATTR_HEADER);
}

/* One column per chart cell of a series, and their largest value. */
static double *
series_columns (SrConsole *c, const Geometry *g, const char *series, SrHistoryReduce reduce,
                double *max)
{
  double *v = g_new (double, g->chart_w);
  sr_console_history_columns (c->history, series, reduce, g->step, v, g->chart_w);
  *max = 0;
  for (int i = 0; i < g->chart_w; i++)
    if (v[i] > *max)
      *max = v[i];
  return v;
}

static void
draw_traffic (SrConsole *c, SrTerm *term, int y, const Geometry *g, const Item *it)
{
  gboolean out = it->kind == ITEM_OUT;
  g_autofree char *series = g_strconcat (out ? "out:" : "in:", it->name, NULL);
  double max;
  g_autofree double *v = series_columns (c, g, series, SR_HISTORY_RATE, &max);
  g_auto (GStrv) rows = sr_chart_columns (v, g->chart_w, g->chart_w, it->height, max, g->glyphs);
  g_autofree char *now = format_number (v[g->chart_w - 1], FALSE);
  g_autofree char *top = format_number (max, FALSE);
  /* TRANSLATORS: chart label: parts a provider accepted per second */
  g_autofree char *label = g_strdup_printf (out ? _("%s out") : _("%s in"), it->name);
  for (int r = 0; r < it->height; r++)
    {
      g_autofree char *value = NULL;
      if (it->height == 1 && g->value_w >= 14)
        /* TRANSLATORS: the current rate and the top of the chart's scale */
        value = g_strdup_printf (_("%s/s max %s"), now, top);
      else if (r == it->height - 1)
        value = g_strdup_printf (_("%s/s"), now);
      else if (r == 0)
        value = g_strdup_printf (_("max %s"), top);
      put (term, y + r, 0, g->label_w, r == 0 ? label : "", SR_ATTR_NORMAL);
      put (term, y + r, g->label_w, 1, "", SR_ATTR_NORMAL);
      put (term, y + r, g->chart_x, g->chart_w, rows[r], out ? SR_ATTR_CHART : SR_ATTR_NOTICE);
      put (term, y + r, g->value_x - 1, 1, "", SR_ATTR_NORMAL);
      put_right (term, y + r, g->value_x, g->value_w, value ? value : "", SR_ATTR_DIM);
    }
}

static void
draw_window (SrConsole *c, SrTerm *term, int y, const Geometry *g, const SrConsoleBind *b)
{
  int filled;
  g_autofree char *bar = sr_chart_bar (b->window_used, b->window, g->chart_w, g->glyphs, &filled);
  g_autofree char *head = cells (bar, 0, filled);
  g_autofree char *tail = cells (bar, filled, g->chart_w - filled);
  /* TRANSLATORS: chart label: the SMPP window of a bind */
  g_autofree char *label = g_strdup_printf (_("%s window"), b->name);
  g_autofree char *value = g_strdup_printf ("%u/%u", b->window_used, b->window);
  put (term, y, 0, g->label_w, label, SR_ATTR_NORMAL);
  put (term, y, g->label_w, 1, "", SR_ATTR_NORMAL);
  put (term, y, g->chart_x, filled, head, b->window_used >= b->window ? SR_ATTR_WARN : SR_ATTR_CHART);
  put (term, y, g->chart_x + filled, g->chart_w - filled, tail, SR_ATTR_DIM);
  put (term, y, g->value_x - 1, 1, "", SR_ATTR_NORMAL);
  put_right (term, y, g->value_x, g->value_w, value, SR_ATTR_DIM);
}

static void
draw_queue (SrConsole *c, SrTerm *term, int y, const Geometry *g, const char *app)
{
  g_autofree char *series = g_strconcat ("queue:", app, NULL);
  double max;
  g_autofree double *v = series_columns (c, g, series, SR_HISTORY_MAX, &max);
  g_autofree char *line = sr_chart_sparkline (v, g->chart_w, g->chart_w, max, g->glyphs);
  g_autofree char *now = format_number (v[g->chart_w - 1], TRUE);
  g_autofree char *top = format_number (max, TRUE);
  /* TRANSLATORS: chart label: messages waiting or in flight for an app */
  g_autofree char *label = g_strdup_printf (_("%s queue"), app);
  g_autofree char *value = g->value_w >= 14
    /* TRANSLATORS: messages in a queue now, and the top of the chart's scale */
    ? g_strdup_printf (_("%s max %s"), now, top) : g_strdup (now);
  put (term, y, 0, g->label_w, label, SR_ATTR_NORMAL);
  put (term, y, g->label_w, 1, "", SR_ATTR_NORMAL);
  put (term, y, g->chart_x, g->chart_w, line, SR_ATTR_CHART);
  put (term, y, g->value_x - 1, 1, "", SR_ATTR_NORMAL);
  put_right (term, y, g->value_x, g->value_w, value, SR_ATTR_DIM);
}

static void
draw_receipts (SrConsole *c, SrTerm *term, int y, const Geometry *g)
{
  guint span = 0, span_parts = 0;
  guint64 counts[3];
  counts[0] = sr_console_history_increase (c->history, "receipts:delivered", SR_HISTORY_SECONDS,
                                           &span);
  counts[1] = sr_console_history_increase (c->history, "receipts:failed", SR_HISTORY_SECONDS,
                                           NULL);
  guint64 parts = sr_console_history_increase (c->history, "parts", SR_HISTORY_SECONDS,
                                               &span_parts);
  /* Pending: parts accepted in the span that have no final receipt (yet). */
  counts[2] = parts > counts[0] + counts[1] ? parts - counts[0] - counts[1] : 0;
  guint pct[3];
  sr_chart_percentages (counts, 3, pct);

  g_autofree char *label = span + 1 >= SR_HISTORY_SECONDS ? g_strdup (_("Receipts 1 h"))
    : span >= 60 ? g_strdup_printf (_("Receipts %u min"), span / 60)
    : g_strdup_printf (_("Receipts %u s"), span);
  g_autofree char *text = NULL;
  if (counts[0] + counts[1] + counts[2] == 0)
    text = g_strdup (_("none yet"));
  else
    text = g_strdup_printf (_("delivered %u%%  failed %u%%  pending %u%%"),
                            pct[0], pct[1], pct[2]);
  int room = c->cols - g->chart_x;
  int text_w = sr_text_width (text);
  if (room - text_w - 1 < 10 && counts[0] + counts[1] + counts[2] > 0)
    {
      g_free (text);
      text = g_strdup_printf ("%u/%u/%u%%", pct[0], pct[1], pct[2]);
      text_w = sr_text_width (text);
    }
  int bar_w = MAX (room - text_w - 1, 0);
  int widths[3];
  g_autofree char *bar = sr_chart_stack (counts, 3, bar_w, g->glyphs, widths);
  static const SrAttr attrs[3] = { SR_ATTR_GOOD, SR_ATTR_ERROR, SR_ATTR_WARN };
  put (term, y, 0, g->label_w, label, SR_ATTR_NORMAL);
  put (term, y, g->label_w, 1, "", SR_ATTR_NORMAL);
  int x = 0;
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *seg = cells (bar, x, widths[i]);
      put (term, y, g->chart_x + x, widths[i], seg, attrs[i]);
      x += widths[i];
    }
  put (term, y, g->chart_x + x, bar_w - x, "", SR_ATTR_DIM);
  put_right (term, y, g->chart_x + bar_w, room - bar_w, text, SR_ATTR_NORMAL);
}

void
sr_console_draw_charts (SrConsole *c, SrTerm *term, int top, int bottom)
{
  int y = top;
  if (c->overview && bottom - top > 1)
    {
      Geometry g;
      geometry (c, &g);
      g_autoptr (GPtrArray) providers = g_ptr_array_new_with_free_func (g_free);
      providers_of (c->overview, providers);
      g_autoptr (GArray) items = items_of (c->overview, providers);
      /* A blank line between the text and the charts. */
      if (fit_items (items, bottom - top - 1) > 0)
        put (term, y++, 0, c->cols, "", SR_ATTR_NORMAL);
      for (guint i = 0; i < items->len; i++)
        {
          const Item *it = &g_array_index (items, Item, i);
          if (it->height == 0)
            continue;
          switch (it->kind)
            {
            case ITEM_HEADER: draw_header (c, term, y, &g); break;
            case ITEM_RECEIPTS: draw_receipts (c, term, y, &g); break;
            case ITEM_OUT:
            case ITEM_IN: draw_traffic (c, term, y, &g, it); break;
            case ITEM_WINDOW: draw_window (c, term, y, &g, it->bind); break;
            case ITEM_QUEUE: draw_queue (c, term, y, &g, it->name); break;
            default: break;
            }
          y += it->height;
        }
    }
  for (; y < bottom; y++)
    put (term, y, 0, c->cols, "", SR_ATTR_NORMAL);
}
