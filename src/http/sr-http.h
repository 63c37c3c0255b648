/* sr-http.h — the HTTP front end: Kannel's sendsms, dlr-url and MO
 * callbacks, a small JSON API and /metrics for Prometheus.
 *
 * It is an application of the spool like any other: a request is answered
 * only once its message is an outbox file (tmp/, fsync, rename into new/),
 * and it learns what became of it from the router's journal, never through
 * a second path into the engine.  Callbacks it owes (delivery reports, inbound
 * SMS for an app's inbound-url) are kept in SPOOL/router/http.db until the
 * receiving server answers 2xx, or until they are dead after
 * [http] callback-attempts tries.
 *
 * Off unless the configuration has an [http] group.  It runs on the caller's
 * main context; if it cannot start, the router goes on without it.
 */
#pragma once

#include <glib.h>
#include "sr-router.h"

G_BEGIN_DECLS

#define SR_HTTP_ERROR (sr_http_error_quark ())
GQuark sr_http_error_quark (void);

/* Why the front end could not start. */
typedef enum {
  SR_HTTP_ERROR_LISTEN,      /* the address or port cannot be listened on */
  SR_HTTP_ERROR_TLS,         /* the certificate or key cannot be loaded */
  SR_HTTP_ERROR_STORE,       /* SPOOL/router/http.db cannot be opened */
} SrHttpError;

typedef struct _SrHttp SrHttp;

/* Starts listening as [http] says, next to @router (which must outlive it).
 * Returns NULL without an error when [http] is not configured. */
SrHttp *sr_http_new (SrRouter *router, GError **error);
void sr_http_free (SrHttp *http);

/* The front end's state for the overview. */
typedef struct {
  const char *listen;           /* [http] listen and port (borrowed) */
  guint16 port;
  gboolean tls;
  guint64 accepted;             /* requests answered 2xx since start (all but /metrics) */
  guint64 refused;              /* requests answered 4xx or 5xx since start (all but /metrics) */
  guint64 callbacks_pending;    /* callbacks not tried yet */
  guint64 callbacks_retrying;   /* tried and failed, to be tried again */
  guint64 callbacks_dead;       /* given up after callback-attempts tries */
} SrHttpStatus;

void sr_http_get_status (SrHttp *http, SrHttpStatus *status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrHttp, sr_http_free)

G_END_DECLS
