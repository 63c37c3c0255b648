/* sr-console-chart.h — pictures of the traffic on the Overview.
 *
 * Three parts, each testable without a terminal:
 *   sr-console-chart.c        text primitives: column charts (a sparkline is
 *                             one row), a bar, a stacked bar and its shares
 *   sr-console-history.c      a fixed-size ring of per-second samples per
 *                             series, fed from successive overview snapshots
 *   sr-console-draw-charts.c  the chart section of the Overview: which
 *                             charts fit, where, in which style
 */
#pragma once

#include "sr-console-private.h"

G_BEGIN_DECLS

/* --- Primitives (sr-console-chart.c) ------------------------------------ */

/* The characters a chart is drawn with: Unicode blocks in a UTF-8 locale,
 * plain ASCII otherwise. */
typedef enum {
  SR_CHART_UTF8 = 0,
  SR_CHART_ASCII,
} SrChartGlyphs;

/* A column chart of `height` rows, one column per value, exactly `width`
 * columns: the last `width` values, right-aligned (missing columns blank).
 * Values are scaled to `max` (max <= 0: the largest value) in eighths of a
 * row; a value above zero shows at least one eighth; NaN and values <= 0 are
 * blank.  Returns `height` strings, top row first (free with g_strfreev).
 * A sparkline is the chart of height 1. */
GStrv sr_chart_columns (const double *values, guint n, int width, int height, double max,
                        SrChartGlyphs glyphs);
char *sr_chart_sparkline (const double *values, guint n, int width, double max,
                          SrChartGlyphs glyphs);

/* A bar `width` columns wide filled to value / max (in eighths of a cell
 * in UTF-8, whole cells in ASCII), the rest shaded.  A value above zero
 * fills at least a little, only value >= max fills it all.  *filled
 * receives the number of cells that carry some fill. */
char *sr_chart_bar (double value, double max, int width, SrChartGlyphs glyphs, int *filled);

/* Splits `width` cells among n counts in proportion (largest remainders,
 * so the widths add up to width exactly; a count above zero gets at least
 * one cell when width allows); all zero: all widths 0. */
void sr_chart_split (const guint64 *counts, guint n, int width, int *widths);
/* Whole percentages of n counts adding up to 100 (0 each when all are 0). */
void sr_chart_percentages (const guint64 *counts, guint n, guint *percent);
/* The stacked bar of n <= 3 counts: segment i drawn with its own character
 * (UTF-8 █ ▒ ░, ASCII # x .), blank when all counts are 0; `widths`
 * receives the cells of each segment. */
char *sr_chart_stack (const guint64 *counts, guint n, int width, SrChartGlyphs glyphs,
                      int *widths);

/* --- History (sr-console-history.c) ------------------------------------- */

/* Seconds the history keeps: the receipts chart covers the last hour. */
#define SR_HISTORY_SECONDS 3600

typedef struct _SrConsoleHistory SrConsoleHistory;

SrConsoleHistory *sr_console_history_new (void);
void sr_console_history_free (SrConsoleHistory *history);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrConsoleHistory, sr_console_history_free)

/* Records one value of a series at a monotonic time (µs).  Values are kept
 * per second: the last one of a second counts; seconds skipped since the
 * previous sample are filled in on a straight line, so a slow refresh does
 * not show as a gap followed by a spike. */
void sr_console_history_add (SrConsoleHistory *history, const char *series, gint64 now_us,
                             double value);
/* Records the counters and gauges of one overview snapshot (series
 * "out:PROVIDER", "in:PROVIDER", "window:BIND", "queue:APP",
 * "receipts:delivered", "receipts:failed", "parts"). */
void sr_console_history_add_overview (SrConsoleHistory *history, const SrConsoleOverview *o,
                                      gint64 now_us);
/* The provider of a bind: its name up to '#' ("main#2-rx" → "main"). */
char *sr_console_bind_provider (const char *bind_name);
/* The newest second recorded (any series); -1 when empty. */
gint64 sr_console_history_newest (SrConsoleHistory *history);

/* How a column summarises the seconds it covers. */
typedef enum {
  SR_HISTORY_RATE,      /* a cumulative counter: its increase per second (drops count as 0) */
  SR_HISTORY_MAX,       /* a gauge: its largest value */
} SrHistoryReduce;

/* Fills values[0..n) with one column per `step` seconds, the last column
 * being the one that holds the newest second; columns are aligned to
 * multiples of step, so they do not shift between two refreshes of the
 * same step.  Columns without samples get NAN.  FALSE when the series is
 * unknown (values are all NAN). */
gboolean sr_console_history_columns (SrConsoleHistory *history, const char *series,
                                     SrHistoryReduce reduce, guint step, double *values,
                                     guint n);
/* Increase of a cumulative counter over the last `seconds` recorded (drops
 * count as 0); *span receives how many seconds it covers (less than asked
 * when the history is younger). */
guint64 sr_console_history_increase (SrConsoleHistory *history, const char *series,
                                     guint seconds, guint *span);

/* --- The Overview's charts (sr-console-draw-charts.c) ------------------- */

/* Rows the chart section wants at least, so the Overview keeps them free
 * even when its text is long; 0 without data. */
int sr_console_charts_min_rows (SrConsole *console);
/* Draws the chart section into rows [top, bottom), every cell of them. */
void sr_console_draw_charts (SrConsole *console, SrTerm *term, int top, int bottom);

G_END_DECLS
