/* sr-term-curses.c — the SrTerm backend on ncursesw (stdscr).
 *
 * The only file of the console that speaks ncurses.  Every frame overwrites
 * cells with the same text unless something changed, and never calls
 * erase(): ncurses' own diff at refresh time then sends only the changes, so
 * a live refresh does not flicker.
 */
#define G_LOG_DOMAIN "sr-tui"

#include "sr-term.h"

#include <curses.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <unistd.h>

#include "sr-console.h"

static SCREEN *screen;

gboolean
sr_term_curses_start (GError **error)
{
  const char *term = g_getenv ("TERM");
  if (screen)
    return TRUE;
  if (!isatty (STDIN_FILENO) || !isatty (STDOUT_FILENO))
    {
      g_set_error (error, SR_CONSOLE_ERROR, SR_CONSOLE_ERROR_NO_TERMINAL,
                   _("The console needs a terminal on standard input and output; "
                     "use --daemon to run without one."));
      return FALSE;
    }
  /* newterm() reports failure; initscr() would exit the whole router. */
  screen = newterm (NULL, stdout, stdin);
  if (!screen)
    {
      g_set_error (error, SR_CONSOLE_ERROR, SR_CONSOLE_ERROR_NO_TERMINAL,
                   _("Cannot use the terminal type “%s”; set TERM to your terminal (e.g. xterm-256color)."),
                   term ? term : "");
      return FALSE;
    }
  set_term (screen);
  cbreak ();
  noecho ();
  nonl ();
  keypad (stdscr, TRUE);
  nodelay (stdscr, TRUE);
  set_escdelay (25);
  curs_set (0);
  return TRUE;
}

void
sr_term_curses_stop (void)
{
  if (!screen)
    return;
  endwin ();
  delscreen (screen);
  screen = NULL;
}

void
sr_term_curses_emergency_restore (void)
{
  if (screen)
    endwin ();
}

gboolean
sr_term_curses_active (void)
{
  return screen != NULL;
}

void
sr_term_curses_resize (int rows, int cols)
{
  if (screen && rows > 0 && cols > 0)
    resizeterm (rows, cols);
}

void
sr_term_curses_clear (void)
{
  if (screen)
    clearok (curscr, TRUE);
}

/* stdscr and the attribute chosen for each SrAttr. */
typedef struct {
  SrTerm base;
  attr_t attrs[SR_N_ATTRS];
  int cursor_visible;   /* -1 unknown; curs_set() writes at once, so only on change */
} CursesTerm;

static void
curses_size (SrTerm *term, int *rows, int *cols)
{
  int y, x;
  getmaxyx (stdscr, y, x);
  *rows = y;
  *cols = x;
}

static void
curses_put (SrTerm *term, int y, int x, const char *text, int width, SrAttr attr)
{
  CursesTerm *t = (CursesTerm *) term;
  attrset (t->attrs[attr]);
  /* At the bottom-right cell ncurses reports ERR after writing; harmless. */
  (void) mvaddstr (y, x, text);
  attrset (A_NORMAL);
}

static void
curses_cursor (SrTerm *term, int y, int x, gboolean visible)
{
  CursesTerm *t = (CursesTerm *) term;
  if (visible)
    move (y, x);
  if (t->cursor_visible != (visible ? 1 : 0))
    {
      curs_set (visible ? 1 : 0);
      t->cursor_visible = visible ? 1 : 0;
    }
}

static void
curses_flush (SrTerm *term)
{
  refresh ();
}

static void
curses_destroy (SrTerm *term)
{
  g_free (term);
}

static const SrTermClass curses_class = {
  curses_size, curses_put, curses_cursor, curses_flush, curses_destroy,
};

SrTerm *
sr_term_curses_new (gboolean use_colors)
{
  CursesTerm *t = g_new0 (CursesTerm, 1);
  t->base.klass = &curses_class;
  t->cursor_visible = -1;

  t->attrs[SR_ATTR_NORMAL] = A_NORMAL;
  t->attrs[SR_ATTR_TAB] = A_NORMAL;
  t->attrs[SR_ATTR_TAB_ACTIVE] = A_REVERSE | A_BOLD;
  t->attrs[SR_ATTR_HEADER] = A_BOLD;
  t->attrs[SR_ATTR_SELECTED] = A_REVERSE;
  t->attrs[SR_ATTR_ERROR] = A_BOLD;
  t->attrs[SR_ATTR_NOTICE] = A_NORMAL;
  t->attrs[SR_ATTR_DIM] = A_DIM;
  t->attrs[SR_ATTR_FIELD] = A_UNDERLINE;
  t->attrs[SR_ATTR_FIELD_FOCUS] = A_REVERSE;
  t->attrs[SR_ATTR_CHART] = A_NORMAL;
  t->attrs[SR_ATTR_GOOD] = A_NORMAL;
  t->attrs[SR_ATTR_WARN] = A_BOLD;

  if (use_colors && has_colors () && start_color () == OK)
    {
      use_default_colors ();
      init_pair (1, COLOR_WHITE, COLOR_BLUE);   /* active tab, selection */
      init_pair (2, COLOR_CYAN, -1);            /* headers */
      init_pair (3, COLOR_RED, -1);             /* errors */
      init_pair (4, COLOR_GREEN, -1);           /* notices */
      init_pair (5, COLOR_BLACK, COLOR_CYAN);   /* focused field */
      t->attrs[SR_ATTR_TAB_ACTIVE] = COLOR_PAIR (1) | A_BOLD;
      t->attrs[SR_ATTR_SELECTED] = COLOR_PAIR (1);
      t->attrs[SR_ATTR_HEADER] = COLOR_PAIR (2) | A_BOLD;
      t->attrs[SR_ATTR_ERROR] = COLOR_PAIR (3) | A_BOLD;
      t->attrs[SR_ATTR_NOTICE] = COLOR_PAIR (4);
      t->attrs[SR_ATTR_FIELD_FOCUS] = COLOR_PAIR (5);
      init_pair (6, COLOR_YELLOW, -1);          /* chart warnings, pending */
      t->attrs[SR_ATTR_CHART] = COLOR_PAIR (2);
      t->attrs[SR_ATTR_GOOD] = COLOR_PAIR (4);
      t->attrs[SR_ATTR_WARN] = COLOR_PAIR (6) | A_BOLD;
    }
  return &t->base;
}

gboolean
sr_term_curses_read_key (SrTerm *term, SrKey *key, gboolean *resized)
{
  wint_t wch;
  int rc = wget_wch (stdscr, &wch);

  *key = sr_key (SR_KEY_NONE);
  if (rc == ERR)
    return FALSE;
  if (rc == KEY_CODE_YES)
    {
      switch (wch)
        {
        case KEY_UP: *key = sr_key (SR_KEY_UP); break;
        case KEY_DOWN: *key = sr_key (SR_KEY_DOWN); break;
        case KEY_LEFT: *key = sr_key (SR_KEY_LEFT); break;
        case KEY_RIGHT: *key = sr_key (SR_KEY_RIGHT); break;
        case KEY_PPAGE: *key = sr_key (SR_KEY_PGUP); break;
        case KEY_NPAGE: *key = sr_key (SR_KEY_PGDN); break;
        case KEY_HOME: *key = sr_key (SR_KEY_HOME); break;
        case KEY_END: *key = sr_key (SR_KEY_END); break;
        case KEY_BTAB: *key = sr_key (SR_KEY_BTAB); break;
        case KEY_ENTER: *key = sr_key (SR_KEY_ENTER); break;
        case KEY_BACKSPACE: *key = sr_key (SR_KEY_BACKSPACE); break;
        case KEY_DC: *key = sr_key (SR_KEY_DELETE); break;
        case KEY_RESIZE: *resized = TRUE; break;
        default: break;
        }
      return TRUE;
    }
  switch (wch)
    {
    case '\t': *key = sr_key (SR_KEY_TAB); break;
    case '\n': case '\r': *key = sr_key (SR_KEY_ENTER); break;
    case 27: *key = sr_key (SR_KEY_ESC); break;
    case 127: case 8: *key = sr_key (SR_KEY_BACKSPACE); break;
    case 1: *key = sr_key (SR_KEY_CTRL_A); break;
    case 2: *key = sr_key (SR_KEY_CTRL_B); break;
    case 5: *key = sr_key (SR_KEY_CTRL_E); break;
    case 6: *key = sr_key (SR_KEY_CTRL_F); break;
    case 12: *key = sr_key (SR_KEY_CTRL_L); break;
    case 21: *key = sr_key (SR_KEY_CTRL_U); break;
    default:
      if (wch >= 0x20 && g_unichar_validate (wch) && !g_unichar_iscntrl (wch))
        *key = sr_key_char (wch);
      break;
    }
  return TRUE;
}
