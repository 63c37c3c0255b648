/* sr-smpp-session.h — one SMPP 3.4 client bind over GIO.
 *
 * An explicit state machine DISCONNECTED → CONNECTING → BINDING → BOUND →
 * UNBINDING (see sr-smpp-session.c for the transition table).  The session
 * connects (optionally over TLS), binds, keeps the link alive with
 * enquire_link, matches responses to requests by sequence number within a
 * window, reconnects with exponential backoff and jitter, and stops
 * reconnecting after the SMSC rejected the credentials (a system-wide error)
 * until sr_smpp_session_restart().
 *
 * Everything runs on the thread of the main context that was the thread
 * default when the session was created.  The session reports through a
 * table of callbacks; it holds a reference on itself while it calls them,
 * so a callback may unref it.
 *
 * Durability contract: a deliver_sm (or data_sm) is handed to the caller
 * with a token; deliver_sm_resp goes out only when the caller calls
 * sr_smpp_session_ack_deliver() after it made the message durable.  A token
 * from a connection that has since dropped is ignored (the SMSC redelivers).
 */
#pragma once

#include <glib.h>

#include "sr-config.h"
#include "sr-histogram.h"
#include "sr-pdu.h"
#include "sr-smpp-status.h"

G_BEGIN_DECLS

#define SR_SMPP_SESSION_ERROR (sr_smpp_session_error_quark ())
GQuark sr_smpp_session_error_quark (void);

/* Why a submit was refused before anything was sent. */
typedef enum {
  SR_SMPP_SESSION_ERROR_NOT_BOUND,    /* not in BOUND, or a receiver bind */
  SR_SMPP_SESSION_ERROR_WINDOW_FULL,  /* wait for window_available */
  SR_SMPP_SESSION_ERROR_PAUSED,       /* the SMSC throttled us; wait for window_available */
  SR_SMPP_SESSION_ERROR_STOPPING,     /* a graceful stop is in progress */
  SR_SMPP_SESSION_ERROR_INVALID,      /* the PDU could not be packed (cause in message) */
} SrSmppSessionError;

/* The states of a bind. */
typedef enum {
  SR_SMPP_STATE_DISCONNECTED,
  SR_SMPP_STATE_CONNECTING,
  SR_SMPP_STATE_BINDING,
  SR_SMPP_STATE_BOUND,
  SR_SMPP_STATE_UNBINDING,
} SrSmppState;

/* What a session binds as (transmitter-receiver mode uses two sessions). */
typedef enum {
  SR_SMPP_BIND_AS_TRANSCEIVER,
  SR_SMPP_BIND_AS_TRANSMITTER,
  SR_SMPP_BIND_AS_RECEIVER,
} SrSmppBindAs;

/* Details of a state change. */
typedef struct {
  SrSmppState old_state;
  const char *reason;            /* human text; NULL on a normal step */
  SrSmppStatusClass error_class; /* OK, TEMPORARY (network hiccup) or SYSTEM */
  guint32 command_status;        /* bind_resp status when the bind failed, else 0 */
  gboolean will_reconnect;       /* DISCONNECTED: a reconnect is scheduled */
  guint reconnect_in_ms;         /* … this far away */
  gboolean stopped;              /* DISCONNECTED after sr_smpp_session_stop() */
  gboolean gave_up;              /* DISCONNECTED for good until restart (credentials) */
} SrSmppStateChange;

/* What became of one submitted request. */
typedef enum {
  SR_SMPP_SUBMIT_ACCEPTED,          /* submit_sm_resp with ESME_ROK */
  SR_SMPP_SUBMIT_REJECTED,          /* a non-zero status (see status_class, requeue) */
  SR_SMPP_SUBMIT_NOT_ACKNOWLEDGED,  /* no response (link lost, timeout): resubmit */
} SrSmppSubmitOutcome;

/* The result of one submit, reported exactly once per accepted submit call. */
typedef struct {
  SrSmppSubmitOutcome outcome;
  guint32 sequence_number;
  guint32 command_status;
  SrSmppStatusClass status_class;
  /* TRUE for ESME_RTHROTTLED (the bind pauses) and for NOT_ACKNOWLEDGED:
   * send it again without counting a failed attempt.  Other temporary
   * statuses (ESME_RMSGQFUL: one destination's queue is full) are retried
   * with backoff by the caller, permanent ones dead-letter, system ones
   * are system-wide. */
  gboolean requeue;
  /* requeue: wait this long before sending it again (a response timeout:
   * the response may still come, see late_token); 0 = at once. */
  guint retry_after_ms;
  /* NOT_ACKNOWLEDGED after a response timeout on a live connection: the
   * request stays matched and a late response is reported through
   * late_result with this token; 0 when no response can come any more. */
  guint64 late_token;
  const char *message_id;        /* ACCEPTED: the SMSC's id; else NULL */
  const char *reason;            /* REJECTED / NOT_ACKNOWLEDGED: human text */
} SrSmppSubmitResult;

typedef struct SrSmppSession SrSmppSession;

/* Callbacks out of the session; any may be NULL. */
typedef struct {
  void (*state_changed) (SrSmppSession *session, SrSmppState state,
                         const SrSmppStateChange *change, gpointer user_data);
  void (*submit_result) (SrSmppSession *session, gpointer caller_ref,
                         const SrSmppSubmitResult *result, gpointer user_data);
  /* @pdu (and its borrowed pointers) is valid during the call only.  Call
   * sr_smpp_session_ack_deliver (@token) once the message is durable. */
  void (*deliver) (SrSmppSession *session, const SrPdu *pdu, guint64 token,
                   gpointer user_data);
  /* The window has room again (after responses, a bind, or a pause). */
  void (*window_available) (SrSmppSession *session, guint free_slots, gpointer user_data);
  /* The response to a request already reported NOT_ACKNOWLEDGED (with
   * @late_token) came after all, on the same connection.  @result has no
   * caller_ref: the caller maps the token.  ACCEPTED means the SMSC has the
   * message; if it was sent again meanwhile, that copy is a duplicate. */
  void (*late_result) (SrSmppSession *session, guint64 late_token,
                       const SrSmppSubmitResult *result, gpointer user_data);
} SrSmppSessionEvents;

/* Timing and limits; defaults come from the provider configuration. */
typedef struct {
  guint enquire_link_ms;       /* idle time before enquire_link (config enquire_link) */
  guint response_timeout_ms;   /* per request, bind and enquire_link (config response_timeout) */
  guint connect_timeout_ms;    /* TCP + TLS connect */
  guint reconnect_initial_ms;  /* first backoff (1 s) */
  guint reconnect_max_ms;      /* backoff ceiling (config reconnect_max) */
  guint throttle_pause_min_ms; /* first pause after ESME_RTHROTTLED (doubles while throttled) */
  guint throttle_pause_ms;     /* longest pause after ESME_RTHROTTLED */
  guint stop_timeout_ms;       /* graceful stop: wait this long for outstanding responses */
  guint unbind_timeout_ms;     /* graceful stop: wait this long for unbind_resp */
  guint auth_attempts;         /* credential rejections before giving up */
  guint window;                /* max outstanding submits (config window) */
} SrSmppTiming;

/* Creates a session for @config (copied) binding as @bind_as.  Nothing
 * happens until sr_smpp_session_start(). */
SrSmppSession *sr_smpp_session_new (const SrProviderConfig *config, SrSmppBindAs bind_as,
                                    const SrSmppSessionEvents *events, gpointer user_data);
SrSmppSession *sr_smpp_session_ref (SrSmppSession *session);
/* Dropping the last reference closes the connection at once, without
 * callbacks; outstanding requests are then simply forgotten (use
 * sr_smpp_session_stop() first for a clean end). */
void sr_smpp_session_unref (SrSmppSession *session);

/* The timing in use; change it before sr_smpp_session_start() (tests). */
void sr_smpp_session_get_timing (SrSmppSession *session, SrSmppTiming *timing);
void sr_smpp_session_set_timing (SrSmppSession *session, const SrSmppTiming *timing);

/* Connects and binds; reconnects by itself until stopped. */
void sr_smpp_session_start (SrSmppSession *session);

/* Graceful stop: refuse new submits, wait (bounded) for outstanding
 * responses and pending deliver acks, unbind, read until unbind_resp or a
 * timeout, close.  Ends in DISCONNECTED with stopped = TRUE. */
void sr_smpp_session_stop (SrSmppSession *session);

/* After the SMSC rejected the credentials (gave_up), try again now. */
void sr_smpp_session_restart (SrSmppSession *session);

/* Sends @submit_sm (submit_sm or data_sm; its sequence_number is replaced).
 * Fails fast unless BOUND with room in the window and not paused.  On
 * success submit_result is called exactly once for @caller_ref. */
gboolean sr_smpp_session_submit (SrSmppSession *session, const SrPdu *submit_sm,
                                 gpointer caller_ref, GError **error);

/* Answers the deliver_sm / data_sm of @token with @command_status (ESME_ROK
 * once durable; e.g. ESME_RX_T_APPN to have it redelivered).  FALSE when
 * the token is stale (its connection is gone) or already answered. */
gboolean sr_smpp_session_ack_deliver (SrSmppSession *session, guint64 token,
                                      guint32 command_status);

/* Counters since the session was created (for the console's overview). */
typedef struct {
  guint64 connects;          /* TCP (or TLS) connections made */
  guint64 binds;             /* successful binds */
  guint64 bind_failures;     /* binds refused or unanswered */
  guint64 submitted;
  guint64 accepted;
  guint64 rejected;
  guint64 not_acknowledged;
  guint64 throttled;         /* ESME_RTHROTTLED answers */
  guint64 late;              /* responses that came after their request timed out */
  double accept_rate;        /* accepted submits per second, last second or so */
  guint throttle_pause_ms;   /* the current pause after a throttle; 0 = not throttled lately */
  guint64 delivered;         /* deliver_sm / data_sm handed to the caller */
  guint64 enquire_links;     /* enquire_link we sent */
  guint64 reconnects;        /* connection attempts after the first (losses, failures, restarts) */
  gint64 state_since;        /* real time (µs) the session entered its current state */
  guint window_used;         /* submits waiting for their response */
  guint window_size;
  /* submit → submit_sm_resp over the last minute; latency_count 0: no answer in it */
  guint64 latency_count;
  double latency_p50_ms;
  double latency_p99_ms;
  guint64 pauses;            /* pauses after ESME_RTHROTTLED */
  gint64 paused_us;          /* time spent in them (the current one so far included) */
  SrHistogram submit_latency; /* submit to its response, for responses within the timeout */
} SrSmppSessionStats;

void sr_smpp_session_get_stats (SrSmppSession *session, SrSmppSessionStats *stats);
SrSmppBindAs sr_smpp_session_get_bind_as (SrSmppSession *session);

SrSmppState sr_smpp_session_get_state (SrSmppSession *session);
/* Submits that may be sent now (0 unless BOUND, not paused, not stopping). */
guint sr_smpp_session_window_free (SrSmppSession *session);
guint sr_smpp_session_outstanding (SrSmppSession *session);
/* "system_id@host:port", the prefix of every log line. */
const char *sr_smpp_session_get_name (SrSmppSession *session);

const char *sr_smpp_state_to_string (SrSmppState state);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrSmppSession, sr_smpp_session_unref)

G_END_DECLS
