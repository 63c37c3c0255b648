/* sr-console-providers.h — what the Providers view shows: each bind's
 * figures and the delivery rates by destination country and by provider.
 *
 * A model fills an SrConsoleProviders on each call of its `providers`
 * function; the bind figures are live, the delivery rates come from the
 * journal and are as old as `delivery_at` says (a model computes them on an
 * interval, off the console's drawing and the router's main loop).
 */
#pragma once

#include <glib.h>

#include "sr-console-model.h"

G_BEGIN_DECLS

/* One bind: its state and what it achieves. */
typedef struct {
  char *name;             /* "main#1", "main#1-rx" */
  char *provider;         /* "main" */
  char *state;            /* "bound", "connecting", ... */
  gint64 state_since;     /* real time (µs) it entered that state; 0 = unknown */
  guint64 reconnects;     /* connection attempts after the first */
  guint window_used;
  guint window_size;
  double rate;            /* submits/s the SMSC accepted, last second or so */
  double throughput;      /* configured submits/s of the provider; 0 = unlimited */
  guint64 throttled;      /* ESME_RTHROTTLED answers since start */
  guint throttle_pause_ms;/* its current pause after them; 0 = none */
  guint64 latency_count;  /* responses in the last minute; 0: no latency figures */
  double latency_p50_ms;  /* submit → submit_sm_resp, last minute */
  double latency_p99_ms;
  char *last_error;       /* NULL or the last error */
} SrConsoleBindStats;

/* Messages to one country (or through one provider) claimed in a window.
 * delivered + failed + pending = sent. */
typedef struct {
  char *key;              /* region code ("CH") or provider name; "" = none known */
  guint64 sent;           /* every message claimed in the window */
  guint64 delivered;      /* a positive final receipt */
  guint64 failed;         /* a negative final receipt, or a dead letter */
  guint64 pending;        /* queued, in flight, or awaiting its receipt */
} SrConsoleDeliveryRow;

/* The windows the delivery rates cover. */
typedef enum {
  SR_CONSOLE_DELIVERY_HOUR = 0,
  SR_CONSOLE_DELIVERY_DAY,
  SR_CONSOLE_DELIVERY_N_WINDOWS
} SrConsoleDeliveryWindow;

/* The whole view. */
struct _SrConsoleProviders {
  GPtrArray *binds;       /* SrConsoleBindStats, in configuration order */
  /* SrConsoleDeliveryRow, most sent first, per window */
  GPtrArray *countries[SR_CONSOLE_DELIVERY_N_WINDOWS];
  GPtrArray *providers[SR_CONSOLE_DELIVERY_N_WINDOWS];
  /* real time (µs) each window's rates were computed; 0 = not yet */
  gint64 delivery_at[SR_CONSOLE_DELIVERY_N_WINDOWS];
  char *delivery_error;   /* NULL, or why the rates could not be computed */
};

SrConsoleProviders *sr_console_providers_new (void);
void sr_console_providers_free (SrConsoleProviders *p);
SrConsoleBindStats *sr_console_providers_add_bind (SrConsoleProviders *p, const char *name,
                                                   const char *provider, const char *state,
                                                   const char *last_error);
SrConsoleDeliveryRow *sr_console_delivery_row_add (GPtrArray *rows, const char *key);
/* Sorts rows: most sent first, then by key. */
void sr_console_delivery_rows_sort (GPtrArray *rows);
/* delivered / (delivered + failed) in percent; FALSE when nothing is final yet. */
gboolean sr_console_delivery_rate (const SrConsoleDeliveryRow *row, double *percent);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrConsoleProviders, sr_console_providers_free)

G_END_DECLS
