/* sr-router.h — the engine: from outbox files to SMPP and back.
 *
 * One SrRouter owns the spool (and its single-instance lock), the journal,
 * the policy and one set of SMPP sessions per provider.  It runs on the
 * thread-default GMainContext of the caller: the console, the daemon and
 * the demo all drive it from their own main loop.
 */
#pragma once

#include <glib.h>
#include "sr-config.h"
#include "sr-error-class.h"
#include "sr-journal.h"
#include "sr-spool.h"

G_BEGIN_DECLS

#define SR_ROUTER_ERROR (sr_router_error_quark ())
GQuark sr_router_error_quark (void);

/* Why the router could not start or act. */
typedef enum {
  SR_ROUTER_ERROR_FAILED,
  SR_ROUTER_ERROR_LOCKED,     /* another router owns the spool (message names the PID) */
  SR_ROUTER_ERROR_INVALID,    /* bad argument from an operator or application */
  SR_ROUTER_ERROR_NOT_FOUND,  /* the message / entry is gone */
} SrRouterError;

typedef struct SrRouter SrRouter;

/* What the caller wants from this router instance. */
typedef struct {
  const char *spool;          /* overrides [router] spool when not NULL */
  gboolean notifications;     /* desktop notifications through libnotify */
} SrRouterOptions;

/* One SMPP session as the Overview shows it. */
typedef struct {
  char *name;                 /* "main#1", "main#1-rx" */
  char *state;                /* "bound", "connecting", ... (sr_smpp_state_to_string) */
  char *last_error;           /* NULL or the last error text */
  double rate;                /* submits/s the SMSC accepted on it (last second or so) */
  guint throttle_pause_ms;    /* its current pause after ESME_RTHROTTLED; 0 = not throttled */
  guint64 throttled;          /* ESME_RTHROTTLED answers since start */
  guint64 accepted;           /* submits the SMSC accepted on it since start */
  guint64 delivered;          /* deliver_sm / data_sm it received since start */
  char *provider;             /* its [smpp:NAME] */
  gint64 state_since;         /* real time (µs) it entered its state */
  guint64 reconnects;         /* connection attempts after the first */
  guint window_used;          /* submits sent, no response yet */
  guint window_size;          /* submits it may have outstanding; 0 for a receiver */
  double throughput;          /* the provider's configured submits/s; 0 = unlimited */
  guint64 latency_count;      /* submit_sm_resp in the last minute; 0: no latency figures */
  double latency_p50_ms;      /* submit → submit_sm_resp, last minute */
  double latency_p99_ms;
} SrRouterBindStatus;

/* A snapshot of the engine for the Overview and the control socket. */
typedef struct {
  GPtrArray *binds;           /* SrRouterBindStatus */
  GPtrArray *system_errors;   /* char*: last system-wide errors, newest first (at most 20) */
  double rate_in;             /* messages/s claimed from outboxes (last few seconds) */
  double rate_out;            /* parts/s accepted by SMSCs (last few seconds) */
  guint64 total_in;
  guint64 total_out;
  guint64 in_flight;          /* parts submitted, no response yet */
  guint64 waiting;            /* messages claimed and not yet submitted */
  gboolean paused;
  guint64 receipts[4];        /* receipts recorded since start, by SrReceiptState */
} SrRouterStatus;

void sr_router_status_clear (SrRouterStatus *status);

/* Called with a human-readable text on every system-wide event (bind lost,
 * bind restored, auth rejected, disk full); used for notifications and logs. */
typedef void (*SrRouterEventFunc) (SrRouter *router, SrScope scope, const char *kind,
                                   const char *text, gpointer user_data);

/* Opens the spool (taking its lock), the journal, seeds the blacklist from
 * the configuration.  Takes ownership of @config. */
SrRouter *sr_router_new (SrConfig *config, const SrRouterOptions *options, GError **error);

/* Recovers claimed-but-unfinished files, starts scanning outboxes and
 * connecting providers. */
gboolean sr_router_start (SrRouter *router, GError **error);

/* Graceful stop: stop claiming, wait (bounded) for outstanding responses,
 * unbind, flush the journal.  @done runs once on the main context. */
typedef void (*SrRouterStoppedFunc) (SrRouter *router, gpointer user_data);
void sr_router_stop (SrRouter *router, SrRouterStoppedFunc done, gpointer user_data);

void sr_router_free (SrRouter *router);

/* Applies a new configuration (SIGHUP): policy, blacklist seed, apps,
 * limits, provider settings; healthy binds whose provider settings did not
 * change stay up.  On error the running configuration is kept.  Takes
 * ownership of @config on success only. */
gboolean sr_router_reload (SrRouter *router, SrConfig *config, GError **error);

void sr_router_set_paused (SrRouter *router, gboolean paused, const char *actor);
gboolean sr_router_get_paused (SrRouter *router);

/* Asks every provider whose credentials were rejected to try again. */
void sr_router_reconnect (SrRouter *router);

void sr_router_get_status (SrRouter *router, SrRouterStatus *status);
void sr_router_set_event_func (SrRouter *router, SrRouterEventFunc func, gpointer user_data);
/* Records a system-wide event (journal, status line, log, the event
 * function): for the router's own parts and the front ends over its spool. */
void sr_router_system_event (SrRouter *router, SrJournalLevel level, const char *kind,
                             const char *text);

/* Called after every change the console should show (coalesced). */
void sr_router_set_changed_func (SrRouter *router, GSourceFunc func, gpointer user_data);

const SrConfig *sr_router_get_config (SrRouter *router);
SrJournal *sr_router_get_journal (SrRouter *router);
SrSpool *sr_router_get_spool (SrRouter *router);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrRouter, sr_router_free)

G_END_DECLS
