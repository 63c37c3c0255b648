/* sr-console-remote.h — the console model over a local socket (attach).
 *
 * A router running as `sms-router --daemon` serves its console model on
 * SPOOL/router/control (a unix socket, mode 0660: only users who may write
 * the spool may control the router).  A console started on the same spool
 * finds the daemon with sr_spool_lock_holder() and attaches: it shows the
 * daemon's state and performs the same actions through it.
 *
 * Wire format: frames of a 4-byte big-endian length and a GVariant in
 * normal form; requests "(sv)" (method, arguments), answers "(busv)" (ok,
 * SrConsoleModelError code, message, result).  Calls are synchronous on the
 * client side (one page per call, on a local socket).
 *
 * The server never blocks its main loop on a client: answers are queued and
 * written when the socket takes them.  A client whose unread answers pass
 * max_pending bytes, or that reads nothing for stall_seconds while answers
 * wait, is disconnected; beyond max_clients connections a new one gets an
 * UNAVAILABLE answer saying so and is closed.
 */
#pragma once

#include <glib.h>

#include "sr-console-model.h"
#include "sr-router.h"

G_BEGIN_DECLS

/* The largest frame either side accepts. */
#define SR_CONSOLE_REMOTE_MAX_FRAME (4u * 1024 * 1024)

/* Defaults of SrConsoleServerLimits. */
#define SR_CONSOLE_REMOTE_MAX_CLIENTS 16
#define SR_CONSOLE_REMOTE_MAX_PENDING (2 * SR_CONSOLE_REMOTE_MAX_FRAME)
#define SR_CONSOLE_REMOTE_STALL_SECONDS 30

/* SPOOL/router/control */
char *sr_console_remote_socket_path (const char *spool);

/* ---- server ---------------------------------------------------------- */

/* Called before each action with the name of the peer's user (from the
 * socket credentials), so the audit log names the operator. */
typedef void (*SrConsoleServerActorFunc) (gpointer user_data, const char *actor);

typedef struct _SrConsoleServer SrConsoleServer;

/* What one client may cost the server (defaults above). */
typedef struct {
  guint max_clients;    /* connections open at once */
  gsize max_pending;    /* bytes of answers a client has not read yet */
  guint stall_seconds;  /* without reading while answers wait; 0 = no limit */
} SrConsoleServerLimits;

/* Serves @model (copied; its user_data must outlive the server) on a unix
 * socket at @path, replacing a stale one (call it only while holding the
 * spool lock).  Runs on the thread-default main context. */
SrConsoleServer *sr_console_server_new (const SrConsoleModel *model, const char *path,
                                        SrConsoleServerActorFunc actor_func,
                                        GError **error);
/* Narrows who may use the socket: gives it to @group (NULL or "": the
 * router's own group) and, when @users is not empty, accepts connections
 * only from root, the router's user and those users (SO_PEERCRED). */
gboolean sr_console_server_set_access (SrConsoleServer *server, const char *group,
                                       const char *const *users, GError **error);
/* The daemon's case: serves a router model of @router on SPOOL/router/control,
 * with the access its configuration gives ([router] control-group, control-users). */
SrConsoleServer *sr_console_server_new_for_router (SrRouter *router, GError **error);
/* The same, with the front ends the daemon runs next to @router shown on
 * the Overview: @front_ends (with @data) fills their parts at each overview
 * (sr-console-router-model.h); @data must outlive the server. */
SrConsoleServer *sr_console_server_new_for_router_full (SrRouter *router,
                                                        void (*front_ends) (SrConsoleOverview *o,
                                                                            gpointer data),
                                                        gpointer data, GError **error);
/* Changes the limits for connections and answers from now on. */
void sr_console_server_set_limits (SrConsoleServer *server, const SrConsoleServerLimits *limits);
/* Stops listening, closes the connections and removes the socket file. */
void sr_console_server_free (SrConsoleServer *server);

/* ---- client ---------------------------------------------------------- */

typedef struct _SrConsoleClient SrConsoleClient;

/* Connects to the socket at @path; SR_CONSOLE_MODEL_ERROR_UNAVAILABLE if
 * nothing answers there. */
SrConsoleClient *sr_console_client_new (const char *path, GError **error);
void sr_console_client_free (SrConsoleClient *client);
/* The function table; valid as long as @client.  A lost connection is
 * retried on the next call. */
const SrConsoleModel *sr_console_client_get_model (SrConsoleClient *client);

/* The console attached to the daemon that holds @spool's lock; returns the
 * exit status (0, or 1 with a message on stderr). */
int sr_console_attach_main (const char *spool, const char *console_title);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrConsoleServer, sr_console_server_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrConsoleClient, sr_console_client_free)

G_END_DECLS
