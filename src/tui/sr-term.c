/* sr-term.c — text measurement, the SrTerm front and the in-memory backend. */
#define G_LOG_DOMAIN "sr-tui"

#include "sr-term.h"

#include <string.h>

#define ELLIPSIS "\xe2\x80\xa6" /* U+2026, one column */

int
sr_text_char_width (gunichar c)
{
  if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
    return 1; /* shown as a space */
  if (g_unichar_iszerowidth (c))
    return 0;
  if (g_unichar_iswide (c))
    return 2;
  return 1;
}

static gboolean
is_control (gunichar c)
{
  return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0);
}

int
sr_text_width (const char *utf8)
{
  int w = 0;
  if (!utf8)
    return 0;
  g_autofree char *valid = g_utf8_make_valid (utf8, -1);
  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    w += sr_text_char_width (g_utf8_get_char (p));
  return w;
}

static void
append_char (GString *out, gunichar c)
{
  if (is_control (c))
    g_string_append_c (out, ' ');
  else
    g_string_append_unichar (out, c);
}

char *
sr_text_fit (const char *utf8, int width, SrAlign align)
{
  if (width <= 0)
    return g_strdup ("");
  g_autofree char *valid = g_utf8_make_valid (utf8 ? utf8 : "", -1);
  GString *out = g_string_sized_new (width + 8);
  int total = sr_text_width (valid);
  int used = 0;

  if (total <= width)
    {
      for (const char *p = valid; *p; p = g_utf8_next_char (p))
        append_char (out, g_utf8_get_char (p));
      used = total;
    }
  else
    {
      /* Keep what fits in width - 1 columns, then the ellipsis. */
      int limit = width - 1;
      gboolean stopped = FALSE;
      for (const char *p = valid; *p; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);
          int cw = sr_text_char_width (c);
          if (cw == 0 && !stopped && used > 0)
            {
              g_string_append_unichar (out, c); /* combining mark stays with its base */
              continue;
            }
          if (used + cw > limit)
            {
              stopped = TRUE;
              break;
            }
          append_char (out, c);
          used += cw;
        }
      while (used < limit)
        {
          /* A wide character did not fit in the last column. */
          g_string_append_c (out, ' ');
          used++;
        }
      g_string_append (out, ELLIPSIS);
      used++;
    }

  if (used < width)
    {
      int pad = width - used;
      if (align == SR_ALIGN_RIGHT)
        {
          char *spaces = g_strnfill (pad, ' ');
          g_string_prepend (out, spaces);
          g_free (spaces);
        }
      else
        for (int i = 0; i < pad; i++)
          g_string_append_c (out, ' ');
    }
  return g_string_free (out, FALSE);
}

/* --- Front ---------------------------------------------------------------- */

void
sr_term_size (SrTerm *term, int *rows, int *cols)
{
  g_return_if_fail (term != NULL);
  term->klass->size (term, rows, cols);
}

void
sr_term_print (SrTerm *term, int y, int x, int width, const char *text,
               SrAlign align, SrAttr attr)
{
  int rows, cols;
  g_return_if_fail (term != NULL);
  sr_term_size (term, &rows, &cols);
  if (y < 0 || y >= rows || x < 0 || x >= cols || width <= 0)
    return;
  if (x + width > cols)
    width = cols - x;
  g_autofree char *fitted = sr_text_fit (text, width, align);
  term->klass->put (term, y, x, fitted, width, attr);
}

void
sr_term_cursor (SrTerm *term, int y, int x, gboolean visible)
{
  g_return_if_fail (term != NULL);
  term->klass->cursor (term, y, x, visible);
}

void
sr_term_flush (SrTerm *term)
{
  g_return_if_fail (term != NULL);
  term->klass->flush (term);
}

void
sr_term_free (SrTerm *term)
{
  if (term)
    term->klass->destroy (term);
}

/* --- Buffer backend ------------------------------------------------------- */

/* One screen cell: a base character plus combining marks. */
typedef struct {
  char s[16];
  guint8 attr;
  guint8 cont;          /* second column of a wide character */
} Cell;

/* The in-memory screen. */
typedef struct {
  SrTerm base;
  int rows, cols;
  Cell *cells;
  guint puts;
  int cy, cx;
  gboolean cursor_visible;
} BufferTerm;

static void
buffer_clear (BufferTerm *b)
{
  for (int i = 0; i < b->rows * b->cols; i++)
    {
      strcpy (b->cells[i].s, " ");
      b->cells[i].attr = SR_ATTR_NORMAL;
      b->cells[i].cont = 0;
    }
}

static void
buffer_size (SrTerm *term, int *rows, int *cols)
{
  BufferTerm *b = (BufferTerm *) term;
  *rows = b->rows;
  *cols = b->cols;
}

static void
buffer_put (SrTerm *term, int y, int x, const char *text, int width, SrAttr attr)
{
  BufferTerm *b = (BufferTerm *) term;
  Cell *row = b->cells + y * b->cols;
  int col = x;
  b->puts++;

  /* Writing over the second half of a wide character blanks its first half. */
  if (col > 0 && row[col].cont)
    strcpy (row[col - 1].s, " ");

  for (const char *p = text; *p && col < b->cols; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      int cw = sr_text_char_width (c);
      if (cw == 0)
        {
          if (col > x)
            {
              Cell *prev = &row[col - 1];
              if (prev->cont && col - 2 >= 0)
                prev = &row[col - 2];
              gsize len = strlen (prev->s);
              char buf[8];
              int n = g_unichar_to_utf8 (c, buf);
              if (len + n < sizeof prev->s)
                {
                  memcpy (prev->s + len, buf, n);
                  prev->s[len + n] = '\0';
                }
            }
          continue;
        }
      if (cw == 2 && col + 1 >= b->cols)
        break;
      int n = g_unichar_to_utf8 (c, row[col].s);
      row[col].s[n] = '\0';
      row[col].attr = attr;
      row[col].cont = 0;
      if (cw == 2)
        {
          strcpy (row[col + 1].s, "");
          row[col + 1].attr = attr;
          row[col + 1].cont = 1;
        }
      col += cw;
    }
  /* A wide character cut in half by the end of this write loses its tail. */
  if (col < b->cols && row[col].cont)
    {
      strcpy (row[col].s, " ");
      row[col].cont = 0;
    }
}

static void
buffer_cursor (SrTerm *term, int y, int x, gboolean visible)
{
  BufferTerm *b = (BufferTerm *) term;
  b->cy = y;
  b->cx = x;
  b->cursor_visible = visible;
}

static void
buffer_flush (SrTerm *term)
{
}

static void
buffer_destroy (SrTerm *term)
{
  BufferTerm *b = (BufferTerm *) term;
  g_free (b->cells);
  g_free (b);
}

static const SrTermClass buffer_class = {
  buffer_size, buffer_put, buffer_cursor, buffer_flush, buffer_destroy,
};

SrTerm *
sr_term_buffer_new (int rows, int cols)
{
  BufferTerm *b = g_new0 (BufferTerm, 1);
  b->base.klass = &buffer_class;
  sr_term_buffer_resize (&b->base, rows, cols);
  return &b->base;
}

void
sr_term_buffer_resize (SrTerm *term, int rows, int cols)
{
  BufferTerm *b = (BufferTerm *) term;
  g_return_if_fail (term->klass == &buffer_class && rows >= 0 && cols >= 0);
  g_free (b->cells);
  b->rows = rows;
  b->cols = cols;
  b->cells = g_new0 (Cell, MAX (1, rows * cols));
  buffer_clear (b);
}

char *
sr_term_buffer_row_text (SrTerm *term, int y)
{
  BufferTerm *b = (BufferTerm *) term;
  g_return_val_if_fail (term->klass == &buffer_class, NULL);
  GString *s = g_string_new (NULL);
  if (y < 0 || y >= b->rows)
    return g_string_free (s, FALSE);
  for (int x = 0; x < b->cols; x++)
    {
      Cell *c = &b->cells[y * b->cols + x];
      if (!c->cont)
        g_string_append (s, c->s);
    }
  while (s->len > 0 && s->str[s->len - 1] == ' ')
    g_string_truncate (s, s->len - 1);
  return g_string_free (s, FALSE);
}

char *
sr_term_buffer_text (SrTerm *term)
{
  BufferTerm *b = (BufferTerm *) term;
  GString *s = g_string_new (NULL);
  for (int y = 0; y < b->rows; y++)
    {
      g_autofree char *row = sr_term_buffer_row_text (term, y);
      g_string_append (s, row);
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

SrAttr
sr_term_buffer_attr (SrTerm *term, int y, int x)
{
  BufferTerm *b = (BufferTerm *) term;
  g_return_val_if_fail (y >= 0 && y < b->rows && x >= 0 && x < b->cols, SR_ATTR_NORMAL);
  return b->cells[y * b->cols + x].attr;
}

int
sr_term_buffer_find (SrTerm *term, int y, const char *needle)
{
  BufferTerm *b = (BufferTerm *) term;
  g_return_val_if_fail (needle != NULL, -1);
  if (y < 0 || y >= b->rows)
    return -1;
  /* Map each byte offset of the row text back to its column. */
  GString *s = g_string_new (NULL);
  g_autofree int *col_of = g_new0 (int, b->cols * 16 + 1);
  for (int x = 0; x < b->cols; x++)
    {
      Cell *c = &b->cells[y * b->cols + x];
      if (c->cont)
        continue;
      for (gsize i = 0; c->s[i]; i++)
        col_of[s->len + i] = x;
      g_string_append (s, c->s);
    }
  const char *hit = strstr (s->str, needle);
  int col = hit ? col_of[hit - s->str] : -1;
  g_string_free (s, TRUE);
  return col;
}

guint
sr_term_buffer_puts (SrTerm *term)
{
  return ((BufferTerm *) term)->puts;
}

void
sr_term_buffer_reset_puts (SrTerm *term)
{
  ((BufferTerm *) term)->puts = 0;
}

void
sr_term_buffer_cursor (SrTerm *term, int *y, int *x, gboolean *visible)
{
  BufferTerm *b = (BufferTerm *) term;
  if (y) *y = b->cy;
  if (x) *x = b->cx;
  if (visible) *visible = b->cursor_visible;
}
