/* sr-console-front-ends.h — what the Overview shows of the front ends that
 * run next to a router: the broker bridge and the HTTP front end, read
 * through their status getters only.
 *
 *   SrConsoleFrontEnds fe = { .broker = &broker, .http = &http, .http_error = why };
 *   sr_console_router_model_set_front_ends (model, sr_console_front_ends_fill, &fe);
 *
 * The engine knows nothing of them; the daemon and the embedded console,
 * which start them, register them with the console's router model.
 */
#pragma once

#include <glib.h>

#include "sr-broker.h"
#include "sr-console-model.h"
#include "sr-http.h"

G_BEGIN_DECLS

/* Where the owner keeps its front ends (a reload may replace the bridge). */
typedef struct {
  SrBroker **broker;          /* *broker NULL: no bridge running */
  SrHttp **http;              /* *http NULL: no HTTP front end running */
  const char *http_error;     /* why [http] is configured but not running, else NULL */
} SrConsoleFrontEnds;

/* An SrConsoleFrontEndsFunc: fills @o->broker and @o->http from @front_ends
 * (an SrConsoleFrontEnds); leaves them NULL for what is not configured. */
void sr_console_front_ends_fill (SrConsoleOverview *o, gpointer front_ends);

G_END_DECLS
