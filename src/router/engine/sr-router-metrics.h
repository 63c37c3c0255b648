/* sr-router-metrics.h — the engine's counters for monitoring (/metrics).
 *
 * A read-only snapshot, taken on the router's main context: everything in
 * it is counted where it happens (the SMPP sessions, the token buckets, the
 * dead-letter path, the journal's commit) with plain counters, and only
 * copied here.  Counters run from the router's start.
 */
#pragma once

#include <glib.h>

#include "sr-error-class.h"
#include "sr-histogram.h"
#include "sr-router.h"

G_BEGIN_DECLS

/* One [app:NAME]. */
typedef struct {
  char *name;
  guint64 dead[SR_ERROR_CLASS_SYSTEM + 1]; /* dead letters by SrErrorClass */
} SrRouterAppMetrics;

/* One [smpp:NAME], the sum of its sessions. */
typedef struct {
  char *name;
  guint64 submitted;           /* submit_sm (and data_sm) sent, resubmissions included */
  guint64 accepted;            /* parts the SMSC accepted */
  guint64 rejected;            /* answered with an error status (throttles included) */
  guint64 unanswered;          /* no answer within the response timeout, or the link lost */
  guint64 bucket_waits;        /* times its token bucket ([smpp:NAME] throughput) held parts back */
  double bucket_wait_seconds;  /* … and for how long in all */
  SrHistogram latency;         /* submit → response, for responses within the timeout */
} SrRouterProviderMetrics;

/* One SMPP session that can submit. */
typedef struct {
  char *name;                  /* "main#1" */
  guint64 window_used;         /* submits waiting for their response */
  guint64 window_size;
  guint64 throttled;           /* ESME_RTHROTTLED answers */
  guint64 pauses;              /* pauses they caused */
  double pause_seconds;        /* … and their time in all */
} SrRouterBindMetrics;

/* The snapshot. */
typedef struct {
  GPtrArray *apps;             /* SrRouterAppMetrics, in configuration order */
  GPtrArray *providers;        /* SrRouterProviderMetrics, in configuration order */
  GPtrArray *binds;            /* SrRouterBindMetrics, receiver sessions left out */
} SrRouterMetrics;

void sr_router_get_metrics (SrRouter *router, SrRouterMetrics *metrics);
void sr_router_metrics_clear (SrRouterMetrics *metrics);

G_END_DECLS
