/* sr-console-chart.c — charts as text: column charts, bars, stacked bars.
 *
 * Pure functions from numbers to strings of exactly the asked width (every
 * character one column), so the screen code can place them like any other
 * text and tests can compare them character by character.
 */
#define G_LOG_DOMAIN "sr-tui"

#include "sr-console-chart.h"

#include <math.h>
#include <string.h>

/* Eighths of a cell from the bottom: blank, ▁ … ▇, █. */
static const char *const utf8_rise[9] = {
  " ", "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
  "\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
};
/* The same steps in ASCII: the shape of a rising line, '#' for a full cell. */
static const char *const ascii_rise[9] = { " ", "_", ".", ":", "-", "=", "+", "*", "#" };

/* Eighths of a cell from the left: blank, ▏ … ▉, █. */
static const char *const utf8_fill[9] = {
  " ", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d", "\xe2\x96\x8c",
  "\xe2\x96\x8b", "\xe2\x96\x8a", "\xe2\x96\x89", "\xe2\x96\x88",
};
#define UTF8_SHADE "\xe2\x96\x91"   /* ░ */

/* Segment characters of a stacked bar, distinct without colours too. */
static const char *const utf8_stack[3] = { "\xe2\x96\x88", "\xe2\x96\x92", "\xe2\x96\x91" };
static const char *const ascii_stack[3] = { "#", "x", "." };

/* Eighths of `cells` cells that v takes of max: at least one for any v > 0,
 * all of them only for v >= max. */
static int
eighths (double v, double max, int cells)
{
  int total = cells * 8;
  if (!(v > 0) || !(max > 0) || total <= 0)
    return 0;
  if (v >= max)
    return total;
  int e = (int) lround (v / max * total);
  return CLAMP (e, 1, total - 1);
}

GStrv
sr_chart_columns (const double *values, guint n, int width, int height, double max,
                  SrChartGlyphs glyphs)
{
  const char *const *rise = glyphs == SR_CHART_ASCII ? ascii_rise : utf8_rise;
  width = MAX (width, 0);
  height = MAX (height, 1);
  guint first = n > (guint) width ? n - width : 0;
  int pad = width - (int) (n - first);
  if (max <= 0)
    for (guint i = first; i < n; i++)
      if (values[i] > max)
        max = values[i];

  GStrv rows = g_new0 (char *, height + 1);
  for (int r = 0; r < height; r++)
    {
      int floor8 = (height - 1 - r) * 8; /* eighths below this row */
      GString *s = g_string_sized_new (width * 3);
      for (int x = 0; x < width; x++)
        {
          if (x < pad)
            {
              g_string_append_c (s, ' ');
              continue;
            }
          int e = eighths (values[first + x - pad], max, height);
          g_string_append (s, rise[CLAMP (e - floor8, 0, 8)]);
        }
      rows[r] = g_string_free (s, FALSE);
    }
  return rows;
}

char *
sr_chart_sparkline (const double *values, guint n, int width, double max, SrChartGlyphs glyphs)
{
  GStrv rows = sr_chart_columns (values, n, width, 1, max, glyphs);
  char *line = g_steal_pointer (&rows[0]);
  g_strfreev (rows);
  return line;
}

char *
sr_chart_bar (double value, double max, int width, SrChartGlyphs glyphs, int *filled)
{
  width = MAX (width, 0);
  GString *s = g_string_sized_new (width * 3);
  int cells = 0;
  if (glyphs == SR_CHART_ASCII)
    {
      /* Whole cells: round to eighths first, so that ASCII and UTF-8 agree
       * on "some" and "all". */
      int e = eighths (value, max, width);
      cells = e == 0 ? 0 : e == width * 8 ? width : CLAMP ((e + 4) / 8, 1, width - 1);
      for (int x = 0; x < width; x++)
        g_string_append_c (s, x < cells ? '#' : '.');
    }
  else
    {
      int e = eighths (value, max, width);
      for (int x = 0; x < width; x++)
        {
          int part = CLAMP (e - x * 8, 0, 8);
          g_string_append (s, part > 0 ? utf8_fill[part] : UTF8_SHADE);
          cells += part > 0;
        }
    }
  if (filled)
    *filled = cells;
  return g_string_free (s, FALSE);
}

/* Shares of `cells` in proportion to counts, by largest remainders. */
static void
largest_remainder (const guint64 *counts, guint n, int cells, int *out)
{
  guint64 total = 0;
  for (guint i = 0; i < n; i++)
    total += counts[i];
  memset (out, 0, n * sizeof *out);
  if (total == 0 || cells <= 0)
    return;
  double rem[8];
  int given = 0;
  g_return_if_fail (n <= G_N_ELEMENTS (rem));
  for (guint i = 0; i < n; i++)
    {
      double exact = (double) counts[i] * cells / (double) total;
      out[i] = (int) floor (exact);
      rem[i] = exact - out[i];
      given += out[i];
    }
  for (; given < cells; given++)
    {
      guint best = 0;
      for (guint i = 1; i < n; i++)
        if (rem[i] > rem[best])
          best = i;
      out[best]++;
      rem[best] = -1;
    }
}

void
sr_chart_split (const guint64 *counts, guint n, int width, int *widths)
{
  largest_remainder (counts, n, width, widths);
  /* A count that exists shows, taken from the widest segment. */
  for (guint i = 0; i < n; i++)
    if (counts[i] > 0 && widths[i] == 0)
      {
        guint widest = 0;
        for (guint j = 1; j < n; j++)
          if (widths[j] > widths[widest])
            widest = j;
        if (widths[widest] > 1)
          {
            widths[widest]--;
            widths[i] = 1;
          }
      }
}

void
sr_chart_percentages (const guint64 *counts, guint n, guint *percent)
{
  int p[8];
  g_return_if_fail (n <= G_N_ELEMENTS (p));
  largest_remainder (counts, n, 100, p);
  for (guint i = 0; i < n; i++)
    percent[i] = p[i];
}

char *
sr_chart_stack (const guint64 *counts, guint n, int width, SrChartGlyphs glyphs, int *widths)
{
  g_return_val_if_fail (n <= G_N_ELEMENTS (utf8_stack), NULL);
  const char *const *chars = glyphs == SR_CHART_ASCII ? ascii_stack : utf8_stack;
  width = MAX (width, 0);
  sr_chart_split (counts, n, width, widths);
  GString *s = g_string_sized_new (width * 3);
  int used = 0;
  for (guint i = 0; i < n; i++)
    for (int x = 0; x < widths[i]; x++, used++)
      g_string_append (s, chars[i]);
  for (; used < width; used++)
    g_string_append_c (s, ' ');
  return g_string_free (s, FALSE);
}
