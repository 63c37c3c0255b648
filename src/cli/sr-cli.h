/* sr-cli.h — the sub-commands of sms-router.  Each takes the arguments
 * after the sub-command name (argv[0] is the sub-command) and returns the
 * process exit status: 0 success, 1 failure, 2 bad usage or configuration. */
#pragma once

#include <glib.h>

int sr_cli_send (int argc, char **argv);
int sr_cli_export (int argc, char **argv);

/* Modes of the main command (see main.c). */
int sr_cli_daemon (const char *config_path, const char *spool, const char *pidfile, const char *log);

/* The daemon's log destination: "auto" (or NULL), "journal", "syslog",
 * "stderr" or a file name; installs the process's GLib log writer. */
gboolean sr_cli_log_setup (const char *spec, GError **error);
/* Reopens a log file under its name (after logrotate moved it); a no-op for
 * the other destinations.  On failure the old file stays in use. */
gboolean sr_cli_log_reopen (GError **error);
