/* sr-term.h — the console's only view of a terminal.
 *
 * Screen composition writes fitted text into cells through an SrTerm; the
 * ncurses backend (sr-term-curses.c) puts it on a real terminal, the buffer
 * backend keeps it in memory so tests can read back exactly which text went
 * to which cell.  No other console file includes <curses.h>.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Semantic styles; a backend maps them to colours or to plain attributes. */
typedef enum {
  SR_ATTR_NORMAL = 0,
  SR_ATTR_TAB,          /* inactive tab */
  SR_ATTR_TAB_ACTIVE,
  SR_ATTR_HEADER,       /* column headers, section titles */
  SR_ATTR_SELECTED,     /* the selected list row */
  SR_ATTR_ERROR,
  SR_ATTR_NOTICE,
  SR_ATTR_DIM,
  SR_ATTR_FIELD,        /* a form's input field */
  SR_ATTR_FIELD_FOCUS,  /* the focused input field */
  SR_ATTR_CHART,        /* chart bars */
  SR_ATTR_GOOD,         /* delivered */
  SR_ATTR_WARN,         /* pending, a full window */
  SR_N_ATTRS
} SrAttr;

/* Keys the console understands, whatever the terminal sends. */
typedef enum {
  SR_KEY_NONE = 0,
  SR_KEY_CHAR,          /* printable character in SrKey.ch */
  SR_KEY_UP, SR_KEY_DOWN, SR_KEY_LEFT, SR_KEY_RIGHT,
  SR_KEY_PGUP, SR_KEY_PGDN, SR_KEY_HOME, SR_KEY_END,
  SR_KEY_TAB, SR_KEY_BTAB, SR_KEY_ENTER, SR_KEY_ESC,
  SR_KEY_BACKSPACE, SR_KEY_DELETE,
  SR_KEY_CTRL_A, SR_KEY_CTRL_E, SR_KEY_CTRL_U, SR_KEY_CTRL_L,
  SR_KEY_CTRL_B, SR_KEY_CTRL_F,
} SrKeyCode;

/* One keypress. */
typedef struct {
  SrKeyCode code;
  gunichar ch;          /* for SR_KEY_CHAR */
} SrKey;

static inline SrKey sr_key (SrKeyCode code) { SrKey k = { code, 0 }; return k; }
static inline SrKey sr_key_char (gunichar ch) { SrKey k = { SR_KEY_CHAR, ch }; return k; }

/* --- Text measurement (terminal columns, not bytes or characters) ------- */

/* Columns one character takes: 0 (combining), 1, or 2 (CJK, emoji). */
int sr_text_char_width (gunichar c);
/* Columns of a UTF-8 string; control characters count as 1 (shown as spaces). */
int sr_text_width (const char *utf8);

/* Alignment inside a fitted field. */
typedef enum {
  SR_ALIGN_LEFT = 0,
  SR_ALIGN_RIGHT,
} SrAlign;

/* Returns a new string exactly `width` columns wide: truncated on a character
 * boundary with "…" when too long, padded with spaces when short.  Control
 * characters (newline, tab) become spaces.  width <= 0 gives "". */
char *sr_text_fit (const char *utf8, int width, SrAlign align);

/* --- Terminals ---------------------------------------------------------- */

typedef struct _SrTerm SrTerm;

/* What a backend implements. */
typedef struct {
  void (*size) (SrTerm *term, int *rows, int *cols);
  /* `text` is already fitted: exactly `width` columns, no control characters. */
  void (*put) (SrTerm *term, int y, int x, const char *text, int width, SrAttr attr);
  void (*cursor) (SrTerm *term, int y, int x, gboolean visible);
  void (*flush) (SrTerm *term);
  void (*destroy) (SrTerm *term);
} SrTermClass;

/* Base of every backend (embed as first member). */
struct _SrTerm {
  const SrTermClass *klass;
};

void sr_term_size (SrTerm *term, int *rows, int *cols);
/* Writes `text` into exactly `width` cells at (y, x), clipped to the screen. */
void sr_term_print (SrTerm *term, int y, int x, int width, const char *text,
                    SrAlign align, SrAttr attr);
void sr_term_cursor (SrTerm *term, int y, int x, gboolean visible);
void sr_term_flush (SrTerm *term);
void sr_term_free (SrTerm *term);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrTerm, sr_term_free)

/* In-memory backend for tests. */
SrTerm *sr_term_buffer_new (int rows, int cols);
void sr_term_buffer_resize (SrTerm *term, int rows, int cols);
/* The text of one row as a terminal shows it (wide characters once),
 * trailing spaces removed. */
char *sr_term_buffer_row_text (SrTerm *term, int y);
/* The whole screen, rows joined with '\n'. */
char *sr_term_buffer_text (SrTerm *term);
/* Style of the cell at (y, x); the second cell of a wide character has the
 * style of its first. */
SrAttr sr_term_buffer_attr (SrTerm *term, int y, int x);
/* Column at which `needle` starts on row y, or -1. */
int sr_term_buffer_find (SrTerm *term, int y, const char *needle);
/* Number of put() calls since the last reset (tests of "redraw only what changed"). */
guint sr_term_buffer_puts (SrTerm *term);
void sr_term_buffer_reset_puts (SrTerm *term);
void sr_term_buffer_cursor (SrTerm *term, int *y, int *x, gboolean *visible);

/* ncurses backend (sr-term-curses.c).  start() takes over the terminal
 * (locale, raw keys, no echo, alternate screen) and fails cleanly instead of
 * exiting when there is no usable terminal; stop() restores it and is safe
 * to call twice, from atexit() and from a crash handler. */
gboolean sr_term_curses_start (GError **error);
void sr_term_curses_stop (void);
/* Only endwin(): for crash handlers, where freeing memory is unsafe. */
void sr_term_curses_emergency_restore (void);
gboolean sr_term_curses_active (void);
/* Tells ncurses the terminal's new size (after SIGWINCH). */
void sr_term_curses_resize (int rows, int cols);
/* Makes the next flush repaint every cell (Ctrl-L). */
void sr_term_curses_clear (void);
SrTerm *sr_term_curses_new (gboolean use_colors);
/* Reads one pending key without blocking; FALSE when none is pending.
 * Sets *resized when the terminal reported a new size. */
gboolean sr_term_curses_read_key (SrTerm *term, SrKey *key, gboolean *resized);

G_END_DECLS
