/* sr-smpp-session-private.h — the session struct, shared by the state
 * machine (sr-smpp-session.c), the PDU handlers (sr-smpp-handlers.c) and the
 * connection I/O (sr-smpp-io.c). */
#pragma once

#include <gio/gio.h>

#include "sr-smpp-session.h"
#include "sr-smpp-framer.h"
#include "sr-smpp-latency.h"
#include "sr-smpp-throttle.h"
#include "sr-smpp-window.h"

/* One bind to one SMSC. */
struct SrSmppSession {
  gint ref_count;

  /* configuration (copied) */
  char *host;
  guint16 port;
  char *system_id;
  char *password;            /* never logged */
  char *system_type;
  gboolean tls;
  gboolean tls_verify;
  SrSmppBindAs bind_as;
  SrSmppTiming timing;
  char *name;                /* "system_id@host:port" */
  gboolean debug;            /* debug log lines wanted */

  SrSmppSessionEvents events;
  gpointer user_data;
  GMainContext *context;

  /* state machine */
  SrSmppState state;
  guint32 epoch;             /* connection generation, part of deliver tokens */
  gboolean stopping;         /* graceful stop requested */
  gboolean gave_up;          /* credentials rejected: no reconnect until restart */
  gboolean paused;           /* throttled by the SMSC */
  gint64 pause_started;      /* monotonic µs the current pause began */
  SrSmppThrottle throttle;   /* adaptive pause after ESME_RTHROTTLED, achieved rate */
  gboolean window_freed;     /* window_available is due */
  guint reconnect_attempt;   /* backoff exponent, reset when bound */
  guint auth_failures;

  /* connection */
  GCancellable *connect_cancel;
  GSocketClient *client;
  GIOStream *conn;
  GPollableInputStream *in;
  GPollableOutputStream *out;
  GSource *in_source;
  GSource *out_source;       /* only while the socket is not writable */
  SrSmppFramer framer;
  GByteArray *wbuf;          /* queued output; partial writes keep their tail */
  gsize woff;                /* bytes of wbuf already written */

  /* one persistent source each; armed with g_source_set_ready_time() */
  GSource *flush_source;
  gboolean flush_armed;
  GSource *timer_source;
  gint64 timer_armed_at;     /* -1 when disarmed */

  /* requests and deadlines (monotonic µs, 0 = none) */
  guint32 seq;
  SrSmppWindow window;
  guint32 bind_seq;
  guint32 enquire_seq;       /* our enquire_link awaiting its response */
  guint32 unbind_seq;
  GHashTable *delivers;      /* sequence → command_id of deliver_sm awaiting ack */
  SrSmppLate late;           /* timed-out submits whose response may still come */
  gint64 last_rx;
  gint64 t_connect;
  gint64 t_bind;
  gint64 t_enquire_resp;
  gint64 t_pause_end;
  gint64 t_reconnect;
  gint64 t_stop;
  gint64 t_unbind;

  SrSmppSessionStats stats;
  SrSmppLatency latency;     /* submit → submit_sm_resp over the last minute */
  gboolean connected_once;   /* a later CONNECTING counts as a reconnect */
  SrPdu tx;                  /* scratch for outgoing PDUs */
  SrPdu rx;                  /* scratch for incoming PDUs */
};

#define SR_SMPP_LOG(s, level, fmt, ...) \
  g_log (G_LOG_DOMAIN, (level), "[%s] " fmt, (s)->name, ##__VA_ARGS__)

/* Per-PDU debug lines: skipped without formatting unless debug output for
 * this domain was enabled when the session was created (hot path). */
#define SR_SMPP_DEBUG(s, fmt, ...) \
  G_STMT_START { \
    if ((s)->debug) \
      SR_SMPP_LOG (s, G_LOG_LEVEL_DEBUG, fmt, ##__VA_ARGS__); \
  } G_STMT_END

/* sr-smpp-session.c: events from the I/O layer */
void sr_smpp_session_connected (SrSmppSession *s, GIOStream *conn);
void sr_smpp_session_link_lost (SrSmppSession *s, const char *reason,
                                SrSmppStatusClass klass, guint32 status);
void sr_smpp_session_handle_pdu (SrSmppSession *s, const guint8 *data, gsize len);
void sr_smpp_session_after_input (SrSmppSession *s);
guint32 sr_smpp_session_next_seq (SrSmppSession *s);

/* sr-smpp-session.c: the state machine, for the handlers */
void sr_smpp_session_enter_state (SrSmppSession *s, SrSmppState to, SrSmppStateChange *change);
/* @late_token: non-zero when the request timed out and stays matched. */
void sr_smpp_session_report_result (SrSmppSession *s, const SrSmppRequest *req,
                                    SrSmppSubmitOutcome outcome, guint32 status,
                                    const char *message_id, const char *reason,
                                    guint64 late_token);
/* Logs what the adaptive throttle pause has to say. */
void sr_smpp_session_throttle_news (SrSmppSession *s, SrSmppThrottleNews news, gint64 now);
/* The pause after ESME_RTHROTTLED is over (or its connection gone): its time is counted. */
void sr_smpp_session_end_pause (SrSmppSession *s, gint64 now);

/* The token of a timed-out request of the current connection. */
static inline guint64
sr_smpp_session_late_token (SrSmppSession *s, guint32 sequence)
{
  return ((guint64) s->epoch << 32) | sequence;
}
void sr_smpp_session_maybe_finish_drain (SrSmppSession *s);
void sr_smpp_session_maybe_window_available (SrSmppSession *s);
void sr_smpp_session_rearm_timer (SrSmppSession *s);
const char *sr_smpp_bind_as_to_string (SrSmppBindAs bind_as);

/* sr-smpp-io.c */
void sr_smpp_io_connect (SrSmppSession *s);
void sr_smpp_io_attach (SrSmppSession *s, GIOStream *conn);
void sr_smpp_io_close (SrSmppSession *s);
gboolean sr_smpp_io_queue (SrSmppSession *s, const SrPdu *pdu, GError **error);
void sr_smpp_io_queue_header (SrSmppSession *s, guint32 command_id, guint32 status, guint32 seq);
void sr_smpp_io_schedule_flush (SrSmppSession *s);
void sr_smpp_io_flush (SrSmppSession *s);
void sr_smpp_io_create_sources (SrSmppSession *s);
void sr_smpp_io_destroy_sources (SrSmppSession *s);
