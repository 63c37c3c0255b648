/* sr-cli.h — the sub-commands of sms-router.  Each takes the arguments
 * after the sub-command name (argv[0] is the sub-command) and returns the
 * process exit status: 0 success, 1 failure, 2 bad usage or configuration. */
#pragma once

int sr_cli_send (int argc, char **argv);
int sr_cli_export (int argc, char **argv);

/* Modes of the main command (see main.c). */
int sr_cli_daemon (const char *config_path, const char *spool, const char *pidfile);
