/* sr-sim.h — the SMSC simulator: a real SMPP 3.4 server on a GLib main loop.
 *
 * Used by the `sms-router-smsc-sim` executable, by `sms-router --demo` (same
 * main context as the console) and by tests and benchmarks.  The server runs
 * on the thread-default main context that is current when sr_sim_new() is
 * called; all functions must be called from that context's thread.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_SIM_ERROR (sr_sim_error_quark ())
GQuark sr_sim_error_quark (void);

/* Why the simulator could not start or a request to it failed. */
typedef enum {
  SR_SIM_ERROR_INVALID_OPTION,  /* an option has a value of the wrong form */
  SR_SIM_ERROR_LISTEN,          /* the listening socket could not be opened */
  SR_SIM_ERROR_INVALID_MO,      /* an MO spec could not be parsed or encoded */
  SR_SIM_ERROR_LOG,             /* the JSON log file could not be opened */
} SrSimError;

/* How the simulator writes the message ids it gives out. */
typedef enum {
  SR_SIM_ID_HEX,
  SR_SIM_ID_DEC,
  SR_SIM_ID_SAME,   /* receipts only: as in submit_sm_resp */
} SrSimIdFormat;

/* Everything that shapes one simulator; zero-filled plus sr_sim_options_init()
 * gives the defaults.  Strings are borrowed: the caller keeps them alive only
 * until sr_sim_new() returns. */
typedef struct {
  const char *bind_address;      /* default "127.0.0.1" */
  guint16 port;                  /* 0 = pick a free port */
  const char *system_id;         /* NULL = accept any system_id */
  const char *password;          /* NULL = accept any password */
  guint enquire_link_s;          /* 0 = never send enquire_link ourselves */
  SrSimIdFormat id_format;
  SrSimIdFormat receipt_id_format; /* id in receipts (text and TLV); default SAME */
  guint64 id_start;              /* first message id handed out (default 1) */

  /* Delivery receipts. */
  gboolean no_receipts;          /* never send receipts */
  guint receipt_delay_ms;
  const char *receipt_stat;      /* default "DELIVRD" */
  const char *const *receipt_stat_for; /* "PREFIX=STAT[:ERR]", NULL-terminated */
  guint deliver_window;          /* deliver_sm outstanding per bind (default 64) */
  guint deliver_retry_ms;        /* resend a refused deliver_sm after this (default 1000) */

  /* Mobile-originated messages. */
  const char *const *mo_specs;   /* sent once a receiver binds, NULL-terminated */
  guint mo_interval_ms;          /* 0 = no generated trickle */

  /* Faults (0 = off). */
  guint throttle_every;
  const char *const *reject_prefix; /* "PREFIX[=STATUS]", NULL-terminated */
  guint drop_after;
  guint delay_ms;
  guint no_response_every;
  guint late_every;              /* every Nth submit answered late_ms later */
  guint late_ms;                 /* 0 = 2000 */
  guint garbage_after;
  guint oversized_after;
  gboolean dribble;
  guint max_window;

  /* JSON log. */
  const char *log_path;          /* NULL = no log, no JSON cost */
  gboolean log_sent;             /* also log the PDUs we send */
} SrSimOptions;

/* Counters, for the `stats` command, SIGUSR1 and tests. */
typedef struct {
  guint64 connections;           /* accepted since start */
  guint64 connections_open;
  guint64 binds_ok;
  guint64 binds_failed;
  guint64 pdus_received;
  guint64 pdus_sent;
  guint64 submits;               /* submit_sm and data_sm received */
  guint64 submits_ok;
  guint64 throttled;             /* answered ESME_RTHROTTLED (throttle-every or max-window) */
  guint64 rejected;              /* answered with another error status */
  guint64 unanswered;            /* withheld by no-response-every or drop-after */
  guint64 answered_late;         /* held back by late-every */
  guint64 window_violations;     /* requests beyond --max-window */
  guint64 max_outstanding;       /* highest number of unanswered client requests seen */
  guint64 generic_nacks_sent;
  guint64 generic_nacks_received;
  guint64 enquire_links_received;
  guint64 enquire_links_sent;
  guint64 receipts_queued;
  guint64 mo_queued;             /* MO parts queued (after order/dup/drop) */
  guint64 deliver_sent;          /* deliver_sm sent, including redeliveries */
  guint64 deliver_acked;         /* deliver_sm_resp with status 0 */
  guint64 deliver_nacked;        /* deliver_sm_resp with an error status or generic_nack */
  guint64 deliver_redelivered;   /* deliver_sm sent again after a lost connection */
  guint64 deliver_pending;       /* waiting for a receiver bind or window room */
  guint64 deliver_inflight;      /* sent, not answered yet */
  guint64 faults_injected;       /* drop, garbage, oversized events */
} SrSimStats;

typedef struct _SrSim SrSim;

void sr_sim_options_init (SrSimOptions *options);

/* Opens the listening socket and starts serving on the thread-default main
 * context.  Fails with SR_SIM_ERROR on an invalid option, a port in use or a
 * log file that cannot be opened. */
SrSim *sr_sim_new (const SrSimOptions *options, GError **error);
void sr_sim_free (SrSim *sim);

guint16 sr_sim_get_port (SrSim *sim);

/* Queues the MO message described by SPEC (see --help: from=,to=,text=,
 * coding=,split=,order=,dup=,drop=,...); it is sent as soon as a
 * receiver-capable bind is there.  Returns the number of deliver_sm queued. */
gboolean sr_sim_inject_mo (SrSim *sim, const char *spec, guint *n_parts, GError **error);

/* Queues a receipt for @message_id (any id: for unmatched-receipt tests) in
 * state @stat ("DELIVRD", "UNDELIV:005", ...; NULL = --receipt-stat) to any
 * receiver bind. */
gboolean sr_sim_inject_receipt (SrSim *sim, const char *message_id, const char *stat,
                                GError **error);

/* Sends @data as is to every open connection (e.g. an unknown command). */
void sr_sim_send_raw (SrSim *sim, const guint8 *data, gsize len);

/* Closes every client connection at once (unanswered deliveries are kept for
 * the next bind). */
void sr_sim_drop_connections (SrSim *sim);

/* Sends enquire_link (or unbind) to every bound connection now. */
void sr_sim_send_enquire_link (SrSim *sim);
void sr_sim_send_unbind (SrSim *sim);

/* Changes one fault or receipt option while running (KEY as the long option
 * without dashes, e.g. "throttle-every", "drop-after", "receipt-stat"); the
 * one-shot faults (drop-after, garbage-after, oversized-after) are re-armed
 * and count from now. */
gboolean sr_sim_set (SrSim *sim, const char *key, const char *value, GError **error);

void sr_sim_get_stats (SrSim *sim, SrSimStats *stats);
/* One line of JSON with every counter. */
char *sr_sim_stats_to_json (const SrSimStats *stats);

/* Writes buffered log lines to the file now. */
void sr_sim_flush_log (SrSim *sim);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrSim, sr_sim_free)

G_END_DECLS
