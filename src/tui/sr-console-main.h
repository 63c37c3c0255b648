/* sr-console-main.h — entry points main.c calls for the console.
 *
 *   sms-router [--config F] [--spool D]   return sr_console_main (config, spool, NULL);
 *   sms-router --demo                     return sr_demo_main (NULL);          (sr-demo.h)
 *   sms-router --daemon                   after sr_router_start():
 *       g_autoptr (SrConsoleServer) server = sr_console_server_new_for_router (router, &error);
 *                                         (sr-console-remote.h; a failure is worth a warning,
 *                                          the daemon works without consoles; with front ends
 *                                          next to the router, sr_console_server_new_for_router_full
 *                                          and sr-console-front-ends.h show them on the Overview)
 */
#pragma once

#include <glib.h>

#include "sr-config.h"
#include "sr-router.h"

G_BEGIN_DECLS

/* The console: attached to the daemon if one holds the spool's lock, else
 * with an embedded router (stopped gracefully on quit).  Takes ownership of
 * @config; @spool overrides [router] spool when not NULL.  Returns the exit
 * status (0, or 1 with a message on stderr). */
int sr_console_main (SrConfig *config, const char *spool, const char *console_title);

/* Sends GLib log output to @path (appended) instead of the terminal the
 * console draws on; NULL: $XDG_CACHE_HOME/sms-router/console.log.  Warnings
 * and errors stay visible in the router's own status and audit log. */
void sr_console_redirect_logs (const char *path);

/* Stops @router and runs the thread-default main context until it has
 * stopped or @timeout_ms passed. */
void sr_console_stop_router (SrRouter *router, guint timeout_ms);

G_END_DECLS
