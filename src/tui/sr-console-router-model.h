/* sr-console-router-model.h — the console's model over an embedded SrRouter.
 *
 *   g_autoptr (SrConsoleRouterModel) rm = sr_console_router_model_new (router, NULL);
 *   g_autoptr (SrConsole) console = sr_console_new (sr_console_router_model_get (rm), &options);
 *
 * Lists are keyset pages of the journal, the detail pane reads the journal
 * and the message file, actions go through sr-control.h (audited with the
 * model's actor).  The router must outlive the model.
 */
#pragma once

#include <glib.h>

#include "sr-console-model.h"
#include "sr-router.h"

G_BEGIN_DECLS

typedef struct _SrConsoleRouterModel SrConsoleRouterModel;

/* @actor: the operator's name in the audit log; NULL = $USER. */
SrConsoleRouterModel *sr_console_router_model_new (SrRouter *router, const char *actor);
void sr_console_router_model_free (SrConsoleRouterModel *model);
/* The actor written to the audit log from now on (the control socket sets
 * the peer's user before each action). */
void sr_console_router_model_set_actor (SrConsoleRouterModel *model, const char *actor);
/* Fills the front ends' parts of an Overview (o->broker, o->http). */
typedef void (*SrConsoleFrontEndsFunc) (SrConsoleOverview *overview, gpointer user_data);
/* Whoever runs front ends next to the router (the daemon, the embedded
 * console) registers here what the Overview shows of them; @func NULL: none. */
void sr_console_router_model_set_front_ends (SrConsoleRouterModel *model,
                                             SrConsoleFrontEndsFunc func, gpointer user_data);
/* The function table; valid as long as @model. */
const SrConsoleModel *sr_console_router_model_get (SrConsoleRouterModel *model);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrConsoleRouterModel, sr_console_router_model_free)

G_END_DECLS
