/* sr-console.h — the operator console (ncursesw), public API.
 *
 *   g_autoptr (SrConsole) console = sr_console_new (&model, &options);
 *   SrConsoleExit why = sr_console_run (console, &error);
 *   ... then stop the router gracefully ...
 *
 * The console runs on the thread-default GLib main context, so an embedded
 * router keeps working while the operator looks at it.
 */
#pragma once

#include <glib.h>

#include "sr-console-model.h"

G_BEGIN_DECLS

#define SR_CONSOLE_ERROR (sr_console_error_quark ())
GQuark sr_console_error_quark (void);

/* Why the console could not run. */
typedef enum {
  SR_CONSOLE_ERROR_NO_TERMINAL, /* stdin/stdout is not a terminal, or no TERM */
  SR_CONSOLE_ERROR_FAILED,
} SrConsoleError;

/* How sr_console_run() ended. */
typedef enum {
  SR_CONSOLE_EXIT_QUIT = 0,     /* the operator pressed q */
  SR_CONSOLE_EXIT_SIGNAL,       /* SIGTERM, SIGINT or SIGHUP */
  SR_CONSOLE_EXIT_ERROR,        /* could not start; see the GError */
} SrConsoleExit;

/* Settings of one console. */
typedef struct {
  const char *title;            /* shown in the status line; NULL: "sms-router" */
  const char *default_app;      /* compose form's App; NULL: first app in the Overview */
  guint refresh_ms;             /* live refresh period; 0: 500 */
  gboolean no_colors;           /* never use colours even when the terminal has them */
} SrConsoleOptions;

typedef struct _SrConsole SrConsole;

/* `model` is copied; its user_data must outlive the console. */
SrConsole *sr_console_new (const SrConsoleModel *model, const SrConsoleOptions *options);
void sr_console_free (SrConsole *console);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrConsole, sr_console_free)

/* Takes over the terminal until the operator quits or a signal arrives;
 * the screen is restored before it returns (and at exit or on a crash). */
SrConsoleExit sr_console_run (SrConsole *console, GError **error);

G_END_DECLS
