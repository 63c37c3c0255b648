/* sr-console-run.c — the console on a real terminal, inside the GLib main loop.
 *
 * Input: a g_unix_fd_add() watch on stdin (no polling).  Resize: SIGWINCH
 * writes a byte into a self-pipe whose read end is another fd watch (GLib's
 * g_unix_signal_add does not accept SIGWINCH).  SIGTERM/SIGINT/SIGHUP end
 * the run; atexit() and crash handlers give the terminal back in any case.
 */
#define G_LOG_DOMAIN "sr-tui"

#include "sr-console-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <locale.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

/* Shortest time between two refreshes caused by change notifications. */
#define CHANGE_COALESCE_MS 100

static int winch_pipe[2] = { -1, -1 };

static void
on_winch (int sig)
{
  int saved = errno;
  char b = 1;
  if (winch_pipe[1] >= 0)
    (void) !write (winch_pipe[1], &b, 1);
  errno = saved;
}

static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
static struct sigaction crash_previous[G_N_ELEMENTS (crash_signals)];

static void
on_crash (int sig)
{
  /* Not async-signal-safe, but the process is dying anyway and an operator
   * left with a raw, invisible terminal is worse.  Then the previous
   * handler (default, or a sanitizer's report) gets the signal. */
  sr_term_curses_emergency_restore ();
  for (guint i = 0; i < G_N_ELEMENTS (crash_signals); i++)
    if (crash_signals[i] == sig)
      sigaction (sig, &crash_previous[i], NULL);
  raise (sig);
}

static void
restore_at_exit (void)
{
  sr_term_curses_stop ();
}

/* Everything one run owns. */
typedef struct {
  SrConsole *console;
  SrTerm *term;
  guint stdin_watch;
  guint winch_watch;
  guint refresh_timer;
  guint change_timer;
  guint signal_watch[3];
} Run;

static void
draw (Run *run)
{
  if (run->console->clear_screen)
    {
      sr_term_curses_clear ();
      run->console->clear_screen = FALSE;
    }
  sr_console_draw (run->console, run->term);
}

static void
stop (Run *run, SrConsoleExit why)
{
  run->console->exit = why;
  g_main_loop_quit (run->console->loop);
}

static gboolean
on_stdin (int fd, GIOCondition cond, gpointer data)
{
  Run *run = data;
  SrKey key;
  gboolean resized = FALSE;

  if (cond & (G_IO_HUP | G_IO_ERR | G_IO_NVAL))
    {
      /* The terminal went away: same as SIGHUP. */
      run->stdin_watch = 0;
      stop (run, SR_CONSOLE_EXIT_SIGNAL);
      return G_SOURCE_REMOVE;
    }
  while (sr_term_curses_read_key (run->term, &key, &resized))
    {
      sr_console_handle_key (run->console, key);
      if (run->console->quit)
        {
          stop (run, SR_CONSOLE_EXIT_QUIT);
          return G_SOURCE_CONTINUE;
        }
    }
  if (resized)
    {
      int rows, cols;
      sr_term_size (run->term, &rows, &cols);
      sr_console_set_size (run->console, rows, cols);
      sr_console_refresh (run->console);
    }
  if (run->console->dirty)
    draw (run);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_winch_pipe (int fd, GIOCondition cond, gpointer data)
{
  Run *run = data;
  char buf[64];
  struct winsize ws;

  while (read (fd, buf, sizeof buf) > 0)
    ;
  if (ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
    sr_term_curses_resize (ws.ws_row, ws.ws_col);
  int rows, cols;
  sr_term_size (run->term, &rows, &cols);
  sr_console_set_size (run->console, rows, cols);
  sr_console_refresh (run->console); /* the page size changed */
  draw (run);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_refresh (gpointer data)
{
  Run *run = data;
  sr_console_refresh (run->console);
  draw (run);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_change_timer (gpointer data)
{
  Run *run = data;
  run->change_timer = 0;
  on_refresh (run);
  return G_SOURCE_REMOVE;
}

static void
on_model_changed (gpointer data)
{
  Run *run = data;
  /* A busy router changes things thousands of times a second: coalesce. */
  if (!run->change_timer)
    run->change_timer = g_timeout_add (CHANGE_COALESCE_MS, on_change_timer, run);
}

static gboolean
on_signal (gpointer data)
{
  Run *run = data;
  stop (run, SR_CONSOLE_EXIT_SIGNAL);
  return G_SOURCE_CONTINUE;
}

static void
install_crash_handlers (void)
{
  static gboolean done;
  if (done)
    return;
  done = TRUE;
  atexit (restore_at_exit);
  for (guint i = 0; i < G_N_ELEMENTS (crash_signals); i++)
    {
      struct sigaction sa = { 0 };
      sa.sa_handler = on_crash;
      sa.sa_flags = SA_NODEFER;
      sigemptyset (&sa.sa_mask);
      sigaction (crash_signals[i], &sa, &crash_previous[i]);
    }
}

SrConsoleExit
sr_console_run (SrConsole *console, GError **error)
{
  g_return_val_if_fail (console != NULL, SR_CONSOLE_EXIT_ERROR);
  Run run = { .console = console };
  struct sigaction sa = { 0 }, old_winch;

  setlocale (LC_ALL, "");
  console->ascii_charts = !g_get_charset (NULL);
  if (pipe2 (winch_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
    {
      int e = errno;
      g_set_error (error, SR_CONSOLE_ERROR, SR_CONSOLE_ERROR_FAILED,
                   _("Cannot create the console's resize pipe: %s"), g_strerror (e));
      return SR_CONSOLE_EXIT_ERROR;
    }
  /* Our handler goes in first so that ncurses does not install its own. */
  sa.sa_handler = on_winch;
  sa.sa_flags = SA_RESTART;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGWINCH, &sa, &old_winch);

  install_crash_handlers ();
  if (!sr_term_curses_start (error))
    {
      sigaction (SIGWINCH, &old_winch, NULL);
      close (winch_pipe[0]);
      close (winch_pipe[1]);
      winch_pipe[0] = winch_pipe[1] = -1;
      return SR_CONSOLE_EXIT_ERROR;
    }
  run.term = sr_term_curses_new (!console->no_colors);
  console->loop = g_main_loop_new (NULL, FALSE);
  console->quit = FALSE;
  console->exit = SR_CONSOLE_EXIT_QUIT;

  run.stdin_watch = g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, &run);
  run.winch_watch = g_unix_fd_add (winch_pipe[0], G_IO_IN, on_winch_pipe, &run);
  run.refresh_timer = g_timeout_add (console->refresh_ms, on_refresh, &run);
  run.signal_watch[0] = g_unix_signal_add (SIGTERM, on_signal, &run);
  run.signal_watch[1] = g_unix_signal_add (SIGINT, on_signal, &run);
  run.signal_watch[2] = g_unix_signal_add (SIGHUP, on_signal, &run);
  if (console->model.set_changed_handler)
    console->model.set_changed_handler (console->model.user_data, on_model_changed, &run);

  int rows, cols;
  sr_term_size (run.term, &rows, &cols);
  sr_console_set_size (console, rows, cols);
  sr_console_refresh (console);
  draw (&run);

  g_main_loop_run (console->loop);

  if (console->model.set_changed_handler)
    console->model.set_changed_handler (console->model.user_data, NULL, NULL);
  if (run.stdin_watch)
    g_source_remove (run.stdin_watch);
  g_source_remove (run.winch_watch);
  g_source_remove (run.refresh_timer);
  if (run.change_timer)
    g_source_remove (run.change_timer);
  for (guint i = 0; i < G_N_ELEMENTS (run.signal_watch); i++)
    g_source_remove (run.signal_watch[i]);
  g_clear_pointer (&console->loop, g_main_loop_unref);

  sr_term_free (run.term);
  sr_term_curses_stop ();
  sigaction (SIGWINCH, &old_winch, NULL);
  close (winch_pipe[0]);
  close (winch_pipe[1]);
  winch_pipe[0] = winch_pipe[1] = -1;
  return console->exit;
}
