/* sr-router-private.h — the engine's internals, shared by its files:
 *
 *   sr-router.c           life cycle, pause, status, reload, events
 *   sr-router-intake.c    outbox scans: claim, parse, policy, split, journal row
 *   sr-router-dispatch.c  token buckets, session choice, submit_sm
 *   sr-router-results.c   submit results, retries, sent/ and dead/
 *   sr-router-late.c      answers after the response timeout, duplicates
 *   sr-router-receipts.c  deliver_sm: receipts (and MO hand-off)
 *   sr-router-recovery.c  outbox/cur/ after a crash
 *   sr-router-providers.c SMPP sessions per provider
 *   sr-router-retention.c pruning past [router] retention-days
 *   sr-router-io.c        the file worker: claim, read, parse, number; moves
 *
 * Message life in memory: INTAKE (journal row written, not yet committed)
 * → READY (in its provider's queue) → SUBMITTING (parts on the wire) →
 * FINISHING (journal written, waiting for the commit to move the file).
 * Messages waiting for a retry sit in the router's retry list.
 */
#pragma once

#include <gio/gio.h>

#include "sr-router.h"
#include "sr-config.h"
#include "sr-journal.h"
#include "sr-message.h"
#include "sr-number.h"
#include "sr-policy.h"
#include "sr-smpp-session.h"
#include "sr-split.h"
#include "sr-spool.h"

G_BEGIN_DECLS

/* Most messages held in memory (claimed, not finished): intake stops above it. */
#define SR_ROUTER_MAX_QUEUED 20000
/* Names listed per scan step. */
#define SR_ROUTER_SCAN_BATCH 512
/* System errors kept for the status. */
#define SR_ROUTER_MAX_SYSTEM_ERRORS 20

typedef struct SrRouterApp SrRouterApp;
typedef struct SrRouterMsg SrRouterMsg;
typedef struct SrRouterProvider SrRouterProvider;
typedef struct SrRouterBind SrRouterBind;
typedef struct SrRouterRetention SrRouterRetention;
typedef struct SrRouterIo SrRouterIo;
typedef struct SrRouterLate SrRouterLate;

/* Where a message is in the engine. */
typedef enum {
  SR_MSG_INTAKE,      /* journal row written, waiting for the commit */
  SR_MSG_READY,       /* in a provider queue */
  SR_MSG_RETRY,       /* waiting for next_attempt_us */
  SR_MSG_SUBMITTED,   /* every part out (or stopped): results decide */
  SR_MSG_FINISHING,   /* outcome journalled, file move after the commit */
} SrMsgStage;

/* One part of a message in memory; the caller_ref of its submit. */
typedef struct {
  SrRouterMsg *msg;
  guint index;                /* 0-based */
  SrSegmentSubmit submit;     /* PENDING, IN_FLIGHT, ACCEPTED */
  char *smsc_id;              /* the SMSC's id as received (after a restart: the journal's key) */
  SrRouterBind *bind;         /* the session that carries it while in flight */
  SrRouterLate *late;         /* a timed-out submit of it whose answer may still come */
} SrRouterPart;

/* One claimed message. */
struct SrRouterMsg {
  SrRouterApp *app;
  char *file;
  char *key;                  /* "app/file": router->by_file */
  GBytes *raw;                /* the file as read (sr_spool_finish saves a read) */
  SrMessage *parsed;
  gint64 id;                  /* journal row */
  SrMsgStage stage;
  GList link;                 /* in a provider queue or the retry list */
  SrRouterProvider *provider;
  char to_e164[SR_NUMBER_E164_SIZE];
  char country[SR_NUMBER_REGION_SIZE];
  guint dest_hash;            /* destination affinity */
  SrAddress sender;
  SrSplit *split;
  SrRouterPart *parts;
  guint n_parts;              /* PDUs (split->n_segments) */
  guint next_part;            /* next part to submit */
  guint in_flight;
  guint accepted;
  guint attempts;             /* failed attempts so far (temporary statuses) */
  gboolean report;
  gboolean flash;
  gint64 validity;            /* seconds, -1 = none */
  gint64 next_attempt_us;
  gboolean failed;            /* a part failed this round: decide when none in flight */
  guint32 fail_status;
  SrSmppStatusClass fail_class;
  gboolean fail_requeue;
  guint requeue_after_ms;     /* the longest wait a requeue of this round asked for */
  SrRouterBind *affinity;     /* the session its parts go on */
  SrErrorClass dead_class;    /* FINISHING with dead_text: it goes into dead/ */
  char *dead_text;
};

/* A claimed file as the file worker (or the recovery) loaded it: what needs
 * no engine state.  raw == NULL: it could not be read; error set: reading,
 * parsing or the destination number failed. */
typedef struct {
  SrRouterApp *app;
  char *name;
  gboolean claimed;           /* the rename succeeded (else error says why) */
  SrMessageDialect dialect;   /* the app's file format, fixed when it was listed */
  GBytes *raw;
  SrMessage *parsed;
  char to_e164[SR_NUMBER_E164_SIZE];
  char country[SR_NUMBER_REGION_SIZE];
  GError *error;
} SrRouterLoad;

/* One [app:NAME]. */
struct SrRouterApp {
  SrRouter *router;
  const SrAppConfig *config;
  char *name;
  gboolean scanning;          /* outbox/new/ may hold more files */
  gboolean watch_paused;
  SrSpoolScan *scan;
  gint64 settle_due;          /* real time the earliest file skipped as incomplete is due; 0 none */
  gint64 settle_armed;        /* real time settle_source fires */
  guint settle_source;        /* brings the scan back for the skipped files */
  guint64 dead[SR_ERROR_CLASS_SYSTEM + 1]; /* dead letters by class since start (/metrics) */
};

/* One session of a provider. */
struct SrRouterBind {
  SrRouterProvider *provider;
  SrSmppSession *session;
  char *name;                 /* "main#1", "main#1-rx" */
  char *last_error;
  gboolean can_submit;        /* transceiver or transmitter */
  GHashTable *late;           /* late token → SrRouterLate (sr-router-late.c) */
  GQueue late_order;          /* SrRouterLate, oldest first */
};

/* One [smpp:NAME] with its sessions, its queue and its token bucket. */
struct SrRouterProvider {
  SrRouter *router;
  const SrProviderConfig *config; /* in router->config */
  GPtrArray *binds;           /* SrRouterBind */
  GQueue queue;               /* SrRouterMsg READY, in order */
  double tokens;
  gint64 tokens_at;
  guint rr;                   /* round robin among bound sessions */
  gboolean system_error;      /* a system-wide error is being reported */
  gboolean stopping;
  /* Parts the SMSC accepted whose acceptance is not committed yet: a crash
   * now would send them again, so they still count against the window. */
  guint unjournalled;
  /* The token bucket held a ready part back: since when (0 = not now),
   * how often and how long in all (/metrics). */
  gint64 bucket_wait_since;
  guint64 bucket_waits;
  gint64 bucket_wait_us;
};

struct SrRouter {
  SrConfig *config;
  GSList *old_configs;        /* superseded by reloads, still referenced */
  char *spool_root;
  SrSpoolLock *lock;
  SrSpool *spool;
  SrJournal *journal;
  SrPolicyStore store;
  SrPolicy *policy;
  SrSpoolWatch *watch;
  GMainContext *context;

  GPtrArray *apps;            /* SrRouterApp */
  GPtrArray *providers;       /* SrRouterProvider */
  GHashTable *by_file;        /* "app/file" -> SrRouterMsg: no double claim */

  gboolean started;
  gboolean stopping;
  gboolean freeing;            /* sr_router_free() runs: schedule nothing */
  gboolean paused;
  guint n_msgs;               /* claimed, not finished */

  GQueue retry;               /* SR_MSG_RETRY, in no order */
  guint retry_source;
  guint kick_source;          /* idle: dispatch */
  guint intake_source;        /* idle: intake */
  guint seal_source;          /* idle: register when_committed for the open batches */
  guint status_source;        /* rates */
  guint changed_source;
  guint throttle_source;      /* token bucket refill */

  /* writes waiting for a commit: made during this main-loop iteration */
  GPtrArray *open_ready;      /* SrRouterMsg to queue after commit */
  GPtrArray *open_finish;     /* SrRouterMsg to move after commit */
  GPtrArray *open_acks;       /* SrRouterAck to send after commit */
  GPtrArray *open_accepted;   /* SrRouterProvider per accepted part, released at commit */
  guint pending_batches;
  /* deliver_sm refused (not durable): reported at most once a minute */
  gint64 refused_reported_at;
  guint refused_unreported;

  /* status */
  guint64 total_in, total_out, in_flight;
  guint64 last_in, last_out;
  gint64 last_rate_at;
  double rate_in, rate_out;
  guint64 receipts[4];        /* recorded receipts by SrReceiptState (the console's chart) */
  GQueue system_errors;       /* char*, newest first */

  SrRouterEventFunc event_func;
  gpointer event_data;
  GSourceFunc changed_func;
  gpointer changed_data;
  SrRouterStoppedFunc stopped_func;
  gpointer stopped_data;
  guint stop_timeout;

  gpointer inbound;           /* SrInbound, when linked */
  SrRouterRetention *retention;
  SrRouterIo *io;
  guint n_loading;            /* files handed to the worker, not back yet */
};

/* A deliver_sm waiting for durability before its response. */
typedef struct {
  SrSmppSession *session;     /* a reference */
  guint64 token;
  guint32 status;
} SrRouterAck;

/* sr-router.c */
void sr_router_changed (SrRouter *router);
void sr_router_schedule_seal (SrRouter *router);
void sr_router_seal_now (SrRouter *router);
SrRouterApp *sr_router_find_app (SrRouter *router, const char *name);
void sr_router_msg_free (SrRouterMsg *msg);
void sr_router_check_stopped (SrRouter *router);

/* sr-router-intake.c */
void sr_router_intake_schedule (SrRouter *router);
void sr_router_intake_watch_func (const char *app, gpointer user_data);
/* Parses, checks, splits and journals a claimed file; @existing is the
 * journal row of a recovered file (with its segments), or NULL. */
void sr_router_intake_file (SrRouter *router, SrRouterApp *app, const char *name,
                            SrJournalMessage *existing, GPtrArray *segments);
void sr_router_intake_stop (SrRouter *router);
/* The rest of the intake for a loaded file: policy, split, journal row. */
void sr_router_intake_loaded (SrRouter *router, SrRouterLoad *load,
                              SrJournalMessage *existing, GPtrArray *segments);
/* The region numbers of @app are read in. */
const char *sr_router_app_region (SrRouter *router, SrRouterApp *app);
/* The file format of @app's outbox files. */
SrMessageDialect sr_router_app_dialect (SrRouterApp *app);

/* sr-router-settle.c */
/* Drops from @names (listed by app->scan) the files of a smstools3-compat
 * app that are still being written, noting when to look again. */
void sr_router_settle_filter (SrRouterApp *app, GPtrArray *names);
/* The scan of @app ran dry: a timer brings it back for the files skipped. */
void sr_router_settle_arm (SrRouterApp *app);
void sr_router_settle_stop (SrRouterApp *app);

/* sr-router-dispatch.c */
void sr_router_kick (SrRouter *router);
void sr_router_enqueue (SrRouter *router, SrRouterMsg *msg);
SrRouterProvider *sr_router_route (SrRouter *router, const char *e164);
gboolean sr_router_provider_bound (SrRouterProvider *provider);
/* Time the token bucket held ready parts back, the current wait included (µs). */
gint64 sr_router_provider_bucket_wait_us (SrRouterProvider *provider, gint64 now);

/* sr-router-results.c */
void sr_router_submit_result (SrSmppSession *session, gpointer caller_ref,
                              const SrSmppSubmitResult *result, gpointer user_data);
/* Journals a dead letter and moves the file when committed (or now when
 * the message never reached the journal). */
void sr_router_fail (SrRouter *router, SrRouterMsg *msg, SrErrorClass klass, gint code,
                     const char *text);
void sr_router_finish_sent (SrRouter *router, SrRouterMsg *msg);
void sr_router_finish_batch (SrRouter *router, GPtrArray *batch, const GError *error);
void sr_router_retry_schedule (SrRouter *router);
char *sr_router_format_time (gint64 us);

/* Marks @part accepted with the SMSC's @message_id and journals it. */
void sr_router_accept_part (SrRouter *router, SrRouterBind *bind, SrRouterPart *part,
                            const char *message_id);

/* sr-router-late.c: submits that timed out, answered late */
/* @part's submit on @bind timed out; its answer may come with @token. */
void sr_router_late_track (SrRouterBind *bind, SrRouterPart *part, guint64 token);
void sr_router_late_result (SrSmppSession *session, guint64 token,
                            const SrSmppSubmitResult *result, gpointer user_data);
/* @msg is finished: its parts' late answers are only recorded from now on. */
void sr_router_late_detach (SrRouterMsg *msg);
/* @part, already accepted, was accepted again (@message_id as the SMSC
 * sent it): records the duplicate. */
void sr_router_late_accepted_again (SrRouter *router, SrRouterBind *bind, SrRouterPart *part,
                                    const char *message_id);
void sr_router_late_free (SrRouterBind *bind);

/* sr-router-receipts.c */
void sr_router_deliver (SrSmppSession *session, const SrPdu *pdu, guint64 token,
                        gpointer user_data);
void sr_router_acks_batch (SrRouter *router, GPtrArray *acks, const GError *error);
void sr_router_inbound_init (SrRouter *router);
void sr_router_inbound_handle (SrRouter *router, SrRouterBind *bind, SrSmppSession *session,
                               const SrPdu *pdu, guint64 token);
void sr_router_inbound_fini (SrRouter *router);

/* sr-router-recovery.c */
gboolean sr_router_recover (SrRouter *router, GError **error);

/* sr-router-providers.c */
SrRouterProvider *sr_router_provider_new (SrRouter *router, const SrProviderConfig *config);
void sr_router_provider_free (SrRouterProvider *provider);
void sr_router_provider_start (SrRouterProvider *provider);
void sr_router_provider_stop (SrRouterProvider *provider);
guint sr_router_provider_outstanding (SrRouterProvider *provider);
gboolean sr_router_provider_stopped (SrRouterProvider *provider);

/* sr-router-io.c */
SrRouterIo *sr_router_io_new (SrRouter *router);
/* Waits for the worker to finish what it was given (moves included) and
 * takes its results; a stopping router drops loads (files stay claimed). */
void sr_router_io_wait (SrRouterIo *io);
void sr_router_io_free (SrRouterIo *io);
gboolean sr_router_io_can_load (SrRouterIo *io);
/* Claims and loads @loads (SrRouterLoad, owned by the worker from here);
 * each comes back through sr_router_intake_loaded(). */
void sr_router_io_load (SrRouterIo *io, GPtrArray *loads, const char *region,
                        gsize max_file_size);
/* Moves a claimed file into sent/ or dead/ in the worker (sr_spool_finish). */
void sr_router_io_move (SrRouterIo *io, SrRouterApp *app, const char *name,
                        SrSpoolOutcome outcome, GBytes *raw, const char *const *headers);
/* Reads, parses and normalises the destination with @region (thread-safe). */
void sr_router_load_file (SrSpool *spool, SrRouterLoad *load, const char *region,
                          gsize max_file_size);
void sr_router_load_clear (SrRouterLoad *load);
void sr_router_load_free (SrRouterLoad *load);

/* sr-router-retention.c */
void sr_router_retention_start (SrRouter *router);
void sr_router_retention_reloaded (SrRouter *router, guint old_days);
void sr_router_retention_free (SrRouter *router);

G_END_DECLS
