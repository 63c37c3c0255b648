/* sr-smpp-session.c — the SMPP client state machine: bind, window,
 * enquire_link, throttling, reconnect with backoff, graceful stop.
 * The connection I/O lives in sr-smpp-io.c. */
#define G_LOG_DOMAIN "sr-smpp"

#include "sr-smpp-session-private.h"

#include <string.h>

G_DEFINE_QUARK (sr-smpp-session-error-quark, sr_smpp_session_error)

#define ESME_ROK 0x00000000u

GSource *sr_smpp_ready_source_new (GMainContext *context, const char *name,
                                   GSourceFunc func, gpointer data);


/* ---- the transition table -------------------------------------------- */

/* One allowed state change. */
typedef struct {
  SrSmppState from;
  SrSmppState to;
} SrSmppTransition;

static const SrSmppTransition transitions[] = {
  { SR_SMPP_STATE_DISCONNECTED, SR_SMPP_STATE_CONNECTING },   /* start, reconnect timer */
  { SR_SMPP_STATE_CONNECTING, SR_SMPP_STATE_BINDING },        /* TCP/TLS up: send bind */
  { SR_SMPP_STATE_CONNECTING, SR_SMPP_STATE_DISCONNECTED },   /* connect failed / timed out / stop */
  { SR_SMPP_STATE_BINDING, SR_SMPP_STATE_BOUND },             /* bind_resp ESME_ROK */
  { SR_SMPP_STATE_BINDING, SR_SMPP_STATE_DISCONNECTED },      /* bind refused, timeout, link lost */
  { SR_SMPP_STATE_BOUND, SR_SMPP_STATE_UNBINDING },           /* graceful stop: unbind sent */
  { SR_SMPP_STATE_BOUND, SR_SMPP_STATE_DISCONNECTED },        /* link lost, dead link, SMSC unbind */
  { SR_SMPP_STATE_UNBINDING, SR_SMPP_STATE_DISCONNECTED },    /* unbind_resp or timeout */
};

static gboolean
transition_allowed (SrSmppState from, SrSmppState to)
{
  for (gsize i = 0; i < G_N_ELEMENTS (transitions); i++)
    if (transitions[i].from == from && transitions[i].to == to)
      return TRUE;
  return FALSE;
}

const char *
sr_smpp_state_to_string (SrSmppState state)
{
  switch (state)
    {
    case SR_SMPP_STATE_DISCONNECTED: return "disconnected";
    case SR_SMPP_STATE_CONNECTING: return "connecting";
    case SR_SMPP_STATE_BINDING: return "binding";
    case SR_SMPP_STATE_BOUND: return "bound";
    case SR_SMPP_STATE_UNBINDING: return "unbinding";
    }
  return "unknown";
}

const char *
sr_smpp_bind_as_to_string (SrSmppBindAs b)
{
  switch (b)
    {
    case SR_SMPP_BIND_AS_TRANSCEIVER: return "transceiver";
    case SR_SMPP_BIND_AS_TRANSMITTER: return "transmitter";
    case SR_SMPP_BIND_AS_RECEIVER: return "receiver";
    }
  return "?";
}

/* ---- life cycle ------------------------------------------------------ */

static gboolean on_timer (gpointer data);

/* Timed-out requests kept matched: a few windows' worth, so a slow SMSC's
 * late answers are not lost, while a silent one cannot grow it forever. */
static guint
late_capacity (guint window)
{
  return MAX (64, 4 * window);
}

SrSmppSession *
sr_smpp_session_new (const SrProviderConfig *config, SrSmppBindAs bind_as,
                     const SrSmppSessionEvents *events, gpointer user_data)
{
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (config->host != NULL, NULL);

  SrSmppSession *s = g_new0 (SrSmppSession, 1);
  s->ref_count = 1;
  s->host = g_strdup (config->host);
  s->port = config->port ? config->port : 2775;
  s->system_id = g_strdup (config->system_id ? config->system_id : "");
  s->password = g_strdup (config->password ? config->password : "");
  s->system_type = g_strdup (config->system_type ? config->system_type : "");
  s->tls = config->tls;
  s->tls_verify = config->tls_verify;
  s->bind_as = bind_as;
  s->name = g_strdup_printf ("%s@%s:%u", s->system_id, s->host, s->port);
  s->debug = !g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN);
  if (events)
    s->events = *events;
  s->user_data = user_data;
  s->context = g_main_context_ref_thread_default ();

  guint rt = config->response_timeout ? config->response_timeout : 30;
  s->timing = (SrSmppTiming) {
    .enquire_link_ms = (config->enquire_link ? config->enquire_link : 30) * 1000,
    .response_timeout_ms = rt * 1000,
    .connect_timeout_ms = MAX (rt, 10) * 1000,
    .reconnect_initial_ms = 1000,
    .reconnect_max_ms = (config->reconnect_max ? config->reconnect_max : 60) * 1000,
    .throttle_pause_min_ms = 20,
    .throttle_pause_ms = 1000,
    .stop_timeout_ms = rt * 1000,
    .unbind_timeout_ms = MIN (rt, 5) * 1000,
    .auth_attempts = 3,
    .window = config->window ? config->window : 10,
  };

  s->state = SR_SMPP_STATE_DISCONNECTED;
  s->timer_armed_at = -1;
  sr_smpp_framer_init (&s->framer);
  s->wbuf = g_byte_array_sized_new (64 * 1024);
  s->delivers = g_hash_table_new (g_direct_hash, g_direct_equal);
  sr_smpp_window_init (&s->window, s->timing.window);
  sr_smpp_late_init (&s->late, late_capacity (s->timing.window));
  sr_smpp_throttle_init (&s->throttle, g_get_monotonic_time ());
  sr_smpp_latency_init (&s->latency);
  s->stats.state_since = g_get_real_time ();
  sr_smpp_io_create_sources (s);
  s->timer_source = sr_smpp_ready_source_new (s->context, "sr-smpp timer", on_timer, s);
  return s;
}

SrSmppSession *
sr_smpp_session_ref (SrSmppSession *s)
{
  g_return_val_if_fail (s != NULL, NULL);
  g_atomic_int_inc (&s->ref_count);
  return s;
}

void
sr_smpp_session_unref (SrSmppSession *s)
{
  if (s == NULL || !g_atomic_int_dec_and_test (&s->ref_count))
    return;
  sr_smpp_io_close (s);
  sr_smpp_io_destroy_sources (s);
  if (s->timer_source)
    {
      g_source_destroy (s->timer_source);
      g_source_unref (s->timer_source);
    }
  if (s->client)
    {
      g_signal_handlers_disconnect_by_data (s->client, s);
      g_object_unref (s->client);
    }
  sr_smpp_window_clear (&s->window);
  sr_smpp_late_clear (&s->late);
  g_hash_table_unref (s->delivers);
  sr_smpp_framer_clear (&s->framer);
  g_byte_array_unref (s->wbuf);
  g_main_context_unref (s->context);
  g_free (s->host);
  g_free (s->system_id);
  if (s->password)
    memset (s->password, 0, strlen (s->password));
  g_free (s->password);
  g_free (s->system_type);
  g_free (s->name);
  g_free (s);
}

void
sr_smpp_session_get_timing (SrSmppSession *s, SrSmppTiming *timing)
{
  g_return_if_fail (s != NULL && timing != NULL);
  *timing = s->timing;
}

void
sr_smpp_session_set_timing (SrSmppSession *s, const SrSmppTiming *timing)
{
  g_return_if_fail (s != NULL && timing != NULL);
  g_return_if_fail (s->window.count == 0);
  guint old_window = s->timing.window;
  s->timing = *timing;
  if (s->timing.window == 0)
    s->timing.window = 1;
  if (s->timing.auth_attempts == 0)
    s->timing.auth_attempts = 1;
  if (s->timing.window != old_window)
    {
      sr_smpp_window_clear (&s->window);
      sr_smpp_window_init (&s->window, s->timing.window);
      sr_smpp_late_clear (&s->late);
      sr_smpp_late_init (&s->late, late_capacity (s->timing.window));
    }
}

void
sr_smpp_session_get_stats (SrSmppSession *s, SrSmppSessionStats *stats)
{
  g_return_if_fail (s != NULL && stats != NULL);
  *stats = s->stats;
  stats->accept_rate = sr_smpp_throttle_rate (&s->throttle, s->stats.accepted,
                                              g_get_monotonic_time ());
  stats->throttle_pause_ms = s->throttle.pause_ms;
  stats->window_used = s->window.count;
  stats->window_size = s->window.capacity;
  SrSmppLatencySummary lat;
  sr_smpp_latency_summary (&s->latency, g_get_monotonic_time (), &lat);
  stats->latency_count = lat.count;
  stats->latency_p50_ms = lat.p50_ms;
  stats->latency_p99_ms = lat.p99_ms;
  if (s->paused)
    stats->paused_us += g_get_monotonic_time () - s->pause_started;
}

void
sr_smpp_session_end_pause (SrSmppSession *s, gint64 now)
{
  if (!s->paused)
    return;
  s->paused = FALSE;
  s->stats.paused_us += now - s->pause_started;
}

SrSmppBindAs
sr_smpp_session_get_bind_as (SrSmppSession *s)
{
  g_return_val_if_fail (s != NULL, SR_SMPP_BIND_AS_TRANSCEIVER);
  return s->bind_as;
}

SrSmppState
sr_smpp_session_get_state (SrSmppSession *s)
{
  g_return_val_if_fail (s != NULL, SR_SMPP_STATE_DISCONNECTED);
  return s->state;
}

const char *
sr_smpp_session_get_name (SrSmppSession *s)
{
  g_return_val_if_fail (s != NULL, NULL);
  return s->name;
}

guint
sr_smpp_session_outstanding (SrSmppSession *s)
{
  g_return_val_if_fail (s != NULL, 0);
  return s->window.count;
}

static gboolean
can_submit (SrSmppSession *s)
{
  return s->state == SR_SMPP_STATE_BOUND && !s->stopping && !s->paused
    && s->bind_as != SR_SMPP_BIND_AS_RECEIVER;
}

guint
sr_smpp_session_window_free (SrSmppSession *s)
{
  g_return_val_if_fail (s != NULL, 0);
  return can_submit (s) ? sr_smpp_window_free (&s->window) : 0;
}

guint32
sr_smpp_session_next_seq (SrSmppSession *s)
{
  do
    s->seq = sr_smpp_next_sequence (s->seq);
  while (g_hash_table_contains (s->window.by_seq, GUINT_TO_POINTER (s->seq))
         || sr_smpp_late_contains (&s->late, s->seq));
  return s->seq;
}

/* ---- reporting ----------------------------------------------------- */

void
sr_smpp_session_throttle_news (SrSmppSession *s, SrSmppThrottleNews news, gint64 now)
{
  double rate = sr_smpp_throttle_rate (&s->throttle, s->stats.accepted, now);

  switch (news)
    {
    case SR_SMPP_THROTTLE_QUIET:
      return;
    case SR_SMPP_THROTTLE_STARTED:
      SR_SMPP_LOG (s, G_LOG_LEVEL_MESSAGE, "the SMSC throttles us (ESME_RTHROTTLED): pausing "
                   "submits for %u ms, longer while it goes on; achieved %.1f submits/s",
                   s->throttle.pause_ms, rate);
      return;
    case SR_SMPP_THROTTLE_SUMMARY:
      {
        guint64 throttled = s->throttle.report_throttled;
        guint64 accepted = s->throttle.report_accepted;
        double secs = sr_smpp_throttle_report_reset (&s->throttle, now);

        SR_SMPP_LOG (s, G_LOG_LEVEL_MESSAGE, "throttled: %" G_GUINT64_FORMAT " throttle and %"
                     G_GUINT64_FORMAT " accepted answers in %.0f s; pause now %u ms; achieved "
                     "%.1f submits/s", throttled, accepted, secs, s->throttle.pause_ms, rate);
        return;
      }
    case SR_SMPP_THROTTLE_ENDED:
      sr_smpp_throttle_report_reset (&s->throttle, now);
      SR_SMPP_LOG (s, G_LOG_LEVEL_MESSAGE, "the SMSC stopped throttling; achieved %.1f submits/s",
                   rate);
      return;
    }
}

void
sr_smpp_session_report_result (SrSmppSession *s, const SrSmppRequest *req, SrSmppSubmitOutcome outcome,
               guint32 status, const char *message_id, const char *reason, guint64 late_token)
{
  gint64 now;

  s->window_freed = TRUE;
  switch (outcome)
    {
    case SR_SMPP_SUBMIT_ACCEPTED:
      s->stats.accepted++;
      now = g_get_monotonic_time ();
      sr_smpp_session_throttle_news (s, sr_smpp_throttle_accepted (&s->throttle,
                                                                   s->timing.throttle_pause_min_ms,
                                                                   s->stats.accepted, now), now);
      break;
    case SR_SMPP_SUBMIT_REJECTED: s->stats.rejected++; break;
    case SR_SMPP_SUBMIT_NOT_ACKNOWLEDGED: s->stats.not_acknowledged++; break;
    }
  if (sr_smpp_status_is_throttle (status))
    s->stats.throttled++;
  if (s->events.submit_result == NULL)
    return;
  SrSmppSubmitResult r = {
    .outcome = outcome,
    .sequence_number = req->sequence,
    .command_status = status,
    .status_class = outcome == SR_SMPP_SUBMIT_NOT_ACKNOWLEDGED ? SR_SMPP_STATUS_TEMPORARY
                                                               : sr_smpp_status_class (status),
    .requeue = outcome != SR_SMPP_SUBMIT_ACCEPTED
               && (outcome == SR_SMPP_SUBMIT_NOT_ACKNOWLEDGED || sr_smpp_status_is_throttle (status)),
    /* A timed-out request may still be answered: give it as long again
     * before the copy goes out (a late acceptance then cancels it). */
    .retry_after_ms = late_token ? s->timing.response_timeout_ms : 0,
    .late_token = late_token,
    .message_id = message_id,
    .reason = reason,
  };
  s->events.submit_result (s, req->caller_ref, &r, s->user_data);
}

void
sr_smpp_session_maybe_window_available (SrSmppSession *s)
{
  if (!s->window_freed || !can_submit (s) || sr_smpp_window_full (&s->window))
    return;
  s->window_freed = FALSE;
  if (s->events.window_available)
    s->events.window_available (s, sr_smpp_window_free (&s->window), s->user_data);
}

/* ---- backoff ------------------------------------------------------ */

static guint
next_backoff_ms (SrSmppSession *s)
{
  guint64 d = s->timing.reconnect_initial_ms;
  for (guint i = 0; i < s->reconnect_attempt && d < s->timing.reconnect_max_ms; i++)
    d *= 2;
  d = MIN (d, (guint64) s->timing.reconnect_max_ms);
  s->reconnect_attempt++;
  /* "equal jitter": half fixed, half random, so many binds do not reconnect in step */
  guint half = (guint) (d / 2);
  return half + (half ? g_random_int_range (0, (gint32) MIN (half, G_MAXINT32 - 1) + 1) : 0);
}

/* ---- entering states ------------------------------------------------- */

/* Leaves the connection: collects the outstanding requests, reports the
 * state change, then each request as not acknowledged. */
static void
enter_disconnected (SrSmppSession *s, SrSmppStateChange *change)
{
  sr_smpp_io_close (s);
  s->epoch++;
  s->bind_seq = s->enquire_seq = s->unbind_seq = 0;
  s->t_connect = s->t_bind = s->t_enquire_resp = s->t_pause_end = 0;
  s->t_stop = s->t_unbind = s->t_reconnect = 0;
  sr_smpp_session_end_pause (s, g_get_monotonic_time ());
  g_hash_table_remove_all (s->delivers);
  sr_smpp_late_reset (&s->late);

  /* take them out first: a callback may already start a new connection */
  g_autoptr (GArray) lost = g_array_new (FALSE, FALSE, sizeof (SrSmppRequest));
  SrSmppRequest req;
  while (sr_smpp_window_take_oldest (&s->window, &req))
    g_array_append_val (lost, req);

  change->stopped = s->stopping;
  change->gave_up = s->gave_up;
  if (!s->stopping && !s->gave_up)
    {
      guint delay = next_backoff_ms (s);
      s->t_reconnect = g_get_monotonic_time () + (gint64) delay * 1000;
      change->will_reconnect = TRUE;
      change->reconnect_in_ms = delay;
    }
  if (change->reason)
    SR_SMPP_LOG (s, G_LOG_LEVEL_MESSAGE, "disconnected: %s%s", change->reason,
                 s->gave_up ? "; not reconnecting until restarted"
                 : change->will_reconnect ? "; reconnecting" : "");
  s->stopping = FALSE;

  if (s->events.state_changed)
    s->events.state_changed (s, SR_SMPP_STATE_DISCONNECTED, change, s->user_data);
  g_autofree char *why = g_strdup_printf ("the connection was lost before the SMSC answered (%s)",
                                          change->reason ? change->reason : "closed");
  for (guint i = 0; i < lost->len; i++)
    sr_smpp_session_report_result (s, &g_array_index (lost, SrSmppRequest, i),
                   SR_SMPP_SUBMIT_NOT_ACKNOWLEDGED, 0, NULL, why, 0);
  s->window_freed = FALSE;
}

static void
send_bind (SrSmppSession *s)
{
  static const guint32 ids[] = {
    [SR_SMPP_BIND_AS_TRANSCEIVER] = SR_CMD_BIND_TRANSCEIVER,
    [SR_SMPP_BIND_AS_TRANSMITTER] = SR_CMD_BIND_TRANSMITTER,
    [SR_SMPP_BIND_AS_RECEIVER] = SR_CMD_BIND_RECEIVER,
  };
  SrPdu *p = &s->tx;
  s->bind_seq = sr_smpp_session_next_seq (s);
  sr_pdu_init (p, ids[s->bind_as], s->bind_seq);
  g_strlcpy (p->system_id, s->system_id, sizeof p->system_id);
  g_strlcpy (p->password, s->password, sizeof p->password);
  g_strlcpy (p->system_type, s->system_type, sizeof p->system_type);
  g_autoptr (GError) error = NULL;
  gboolean ok = sr_smpp_io_queue (s, p, &error);
  memset (p->password, 0, sizeof p->password);
  if (!ok)
    {
      /* a configuration error: retrying cannot help */
      s->gave_up = TRUE;
      g_autofree char *reason = g_strdup_printf ("cannot bind: %s (check system-id, password "
                                                 "and system-type in [smpp:...])", error->message);
      sr_smpp_session_link_lost (s, reason, SR_SMPP_STATUS_SYSTEM, 0);
      return;
    }
  s->t_bind = g_get_monotonic_time () + (gint64) s->timing.response_timeout_ms * 1000;
}

void
sr_smpp_session_enter_state (SrSmppSession *s, SrSmppState to, SrSmppStateChange *change)
{
  g_return_if_fail (transition_allowed (s->state, to));
  change->old_state = s->state;
  s->state = to;
  s->stats.state_since = g_get_real_time ();
  SR_SMPP_DEBUG (s, "%s -> %s", sr_smpp_state_to_string (change->old_state),
               sr_smpp_state_to_string (to));

  switch (to)
    {
    case SR_SMPP_STATE_DISCONNECTED:
      enter_disconnected (s, change);
      sr_smpp_session_rearm_timer (s);
      return;   /* it reported the change itself */
    case SR_SMPP_STATE_CONNECTING:
      s->t_reconnect = 0;
      if (s->connected_once)
        s->stats.reconnects++;
      s->connected_once = TRUE;
      s->t_connect = g_get_monotonic_time () + (gint64) s->timing.connect_timeout_ms * 1000;
      SR_SMPP_LOG (s, G_LOG_LEVEL_INFO, "connecting%s", s->tls ? " with TLS" : "");
      sr_smpp_io_connect (s);
      break;
    case SR_SMPP_STATE_BINDING:
      s->t_connect = 0;
      s->stats.connects++;
      send_bind (s);
      if (s->state != SR_SMPP_STATE_BINDING)
        return;   /* the bind could not even be packed */
      break;
    case SR_SMPP_STATE_BOUND:
      s->t_bind = 0;
      s->stats.binds++;
      s->reconnect_attempt = 0;
      s->auth_failures = 0;
      s->last_rx = g_get_monotonic_time ();
      s->window_freed = TRUE;
      SR_SMPP_LOG (s, G_LOG_LEVEL_MESSAGE, "bound as %s", sr_smpp_bind_as_to_string (s->bind_as));
      break;
    case SR_SMPP_STATE_UNBINDING:
      s->t_stop = 0;
      s->unbind_seq = sr_smpp_session_next_seq (s);
      sr_smpp_io_queue_header (s, SR_CMD_UNBIND, 0, s->unbind_seq);
      s->t_unbind = g_get_monotonic_time () + (gint64) s->timing.unbind_timeout_ms * 1000;
      break;
    }
  sr_smpp_session_rearm_timer (s);
  if (s->events.state_changed)
    s->events.state_changed (s, to, change, s->user_data);
  if (to == SR_SMPP_STATE_BOUND && s->state == SR_SMPP_STATE_BOUND)
    sr_smpp_session_maybe_window_available (s);
}

void
sr_smpp_session_link_lost (SrSmppSession *s, const char *reason, SrSmppStatusClass klass,
                           guint32 status)
{
  if (s->state == SR_SMPP_STATE_DISCONNECTED)
    return;
  g_autofree char *stopped = NULL;
  if (s->state == SR_SMPP_STATE_UNBINDING && g_strcmp0 (reason, "stopped") != 0)
    {
      /* we asked to end the session: however it ends, it is a stop */
      stopped = g_strdup_printf ("stopped (before unbind_resp: %s)", reason);
      reason = stopped;
      klass = SR_SMPP_STATUS_OK;
    }
  SrSmppStateChange change = {
    .reason = reason,
    .error_class = klass,
    .command_status = status,
  };
  sr_smpp_session_enter_state (s, SR_SMPP_STATE_DISCONNECTED, &change);
}

void
sr_smpp_session_connected (SrSmppSession *s, GIOStream *conn)
{
  if (s->state != SR_SMPP_STATE_CONNECTING)
    return;
  sr_smpp_io_attach (s, conn);
  SrSmppStateChange change = { 0 };
  sr_smpp_session_enter_state (s, SR_SMPP_STATE_BINDING, &change);
}

/* ---- graceful stop ------------------------------------------------ */

void
sr_smpp_session_maybe_finish_drain (SrSmppSession *s)
{
  if (s->state != SR_SMPP_STATE_BOUND || !s->stopping)
    return;
  if (s->window.count > 0 || g_hash_table_size (s->delivers) > 0)
    return;
  SrSmppStateChange change = { .reason = "stopping" };
  sr_smpp_session_enter_state (s, SR_SMPP_STATE_UNBINDING, &change);
}

void
sr_smpp_session_stop (SrSmppSession *s)
{
  g_return_if_fail (s != NULL);
  sr_smpp_session_ref (s);
  switch (s->state)
    {
    case SR_SMPP_STATE_DISCONNECTED:
      s->t_reconnect = 0;
      sr_smpp_session_rearm_timer (s);
      break;
    case SR_SMPP_STATE_CONNECTING:
    case SR_SMPP_STATE_BINDING:
      s->stopping = TRUE;
      sr_smpp_session_link_lost (s, "stopped", SR_SMPP_STATUS_OK, 0);
      break;
    case SR_SMPP_STATE_BOUND:
      if (!s->stopping)
        {
          SR_SMPP_LOG (s, G_LOG_LEVEL_INFO, "stopping: waiting for %u outstanding responses "
                       "and %u deliveries to be acknowledged", s->window.count,
                       g_hash_table_size (s->delivers));
          s->stopping = TRUE;
          s->t_stop = g_get_monotonic_time () + (gint64) s->timing.stop_timeout_ms * 1000;
          sr_smpp_session_rearm_timer (s);
          sr_smpp_session_maybe_finish_drain (s);
        }
      break;
    case SR_SMPP_STATE_UNBINDING:
      break;
    }
  sr_smpp_session_unref (s);
}

void
sr_smpp_session_start (SrSmppSession *s)
{
  g_return_if_fail (s != NULL);
  if (s->state != SR_SMPP_STATE_DISCONNECTED || s->gave_up)
    return;
  sr_smpp_session_ref (s);
  s->stopping = FALSE;
  SrSmppStateChange change = { 0 };
  sr_smpp_session_enter_state (s, SR_SMPP_STATE_CONNECTING, &change);
  sr_smpp_session_unref (s);
}

void
sr_smpp_session_restart (SrSmppSession *s)
{
  g_return_if_fail (s != NULL);
  SR_SMPP_LOG (s, G_LOG_LEVEL_MESSAGE, "restart requested");
  s->gave_up = FALSE;
  s->auth_failures = 0;
  s->reconnect_attempt = 0;
  sr_smpp_session_start (s);
}

/* ---- submit ------------------------------------------------------- */

gboolean
sr_smpp_session_submit (SrSmppSession *s, const SrPdu *submit_sm, gpointer caller_ref,
                        GError **error)
{
  g_return_val_if_fail (s != NULL, FALSE);
  g_return_val_if_fail (submit_sm != NULL, FALSE);

  if (s->state != SR_SMPP_STATE_BOUND || s->bind_as == SR_SMPP_BIND_AS_RECEIVER)
    {
      g_set_error (error, SR_SMPP_SESSION_ERROR, SR_SMPP_SESSION_ERROR_NOT_BOUND,
                   "SMPP bind %s cannot submit: it is %s%s", s->name,
                   sr_smpp_state_to_string (s->state),
                   s->bind_as == SR_SMPP_BIND_AS_RECEIVER ? " (a receiver bind)" : "");
      return FALSE;
    }
  if (s->stopping)
    {
      g_set_error (error, SR_SMPP_SESSION_ERROR, SR_SMPP_SESSION_ERROR_STOPPING,
                   "SMPP bind %s is stopping", s->name);
      return FALSE;
    }
  if (s->paused)
    {
      g_set_error (error, SR_SMPP_SESSION_ERROR, SR_SMPP_SESSION_ERROR_PAUSED,
                   "SMPP bind %s is paused: the SMSC asked us to slow down", s->name);
      return FALSE;
    }
  if (sr_smpp_window_full (&s->window))
    {
      g_set_error (error, SR_SMPP_SESSION_ERROR, SR_SMPP_SESSION_ERROR_WINDOW_FULL,
                   "SMPP bind %s has %u requests outstanding (the window)", s->name,
                   s->window.capacity);
      return FALSE;
    }
  if (submit_sm->command_id != SR_CMD_SUBMIT_SM && submit_sm->command_id != SR_CMD_DATA_SM)
    {
      g_set_error (error, SR_SMPP_SESSION_ERROR, SR_SMPP_SESSION_ERROR_INVALID,
                   "Only submit_sm and data_sm can be submitted, not %s",
                   sr_pdu_command_name (submit_sm->command_id));
      return FALSE;
    }

  guint32 seq = sr_smpp_session_next_seq (s);
  memcpy (&s->tx, submit_sm, sizeof s->tx);
  s->tx.sequence_number = seq;
  s->tx.command_status = 0;
  g_autoptr (GError) pack_error = NULL;
  if (!sr_pdu_pack (&s->tx, s->wbuf, &pack_error))
    {
      g_set_error (error, SR_SMPP_SESSION_ERROR, SR_SMPP_SESSION_ERROR_INVALID,
                   "%s", pack_error->message);
      return FALSE;
    }
  gint64 now = g_get_monotonic_time ();
  gint64 deadline = now + (gint64) s->timing.response_timeout_ms * 1000;
  SrSmppRequest *req = sr_smpp_window_add (&s->window, seq, submit_sm->command_id, caller_ref, deadline);
  if (req != NULL)
    req->sent_at = now;
  s->stats.submitted++;
  sr_smpp_io_schedule_flush (s);
  if (s->timer_armed_at < 0 || deadline < s->timer_armed_at)
    sr_smpp_session_rearm_timer (s);
  return TRUE;
}

/* ---- deliver acks -------------------------------------------------- */

gboolean
sr_smpp_session_ack_deliver (SrSmppSession *s, guint64 token, guint32 command_status)
{
  g_return_val_if_fail (s != NULL, FALSE);
  guint32 epoch = (guint32) (token >> 32);
  guint32 seq = (guint32) token;
  if (epoch != s->epoch || s->out == NULL)
    {
      SR_SMPP_DEBUG (s, "deliver_sm %u: its connection is gone; the SMSC "
                   "will deliver it again", seq);
      return FALSE;
    }
  gpointer cmd;
  if (!g_hash_table_lookup_extended (s->delivers, GUINT_TO_POINTER (seq), NULL, &cmd))
    return FALSE;
  g_hash_table_remove (s->delivers, GUINT_TO_POINTER (seq));
  guint32 resp = GPOINTER_TO_UINT (cmd) | SR_CMD_RESP_BIT;
  if (resp == SR_CMD_DATA_SM_RESP && command_status == ESME_ROK)
    {
      /* data_sm_resp carries a (here empty) message_id */
      sr_pdu_init (&s->tx, SR_CMD_DATA_SM_RESP, seq);
      sr_smpp_io_queue (s, &s->tx, NULL);
    }
  else
    sr_smpp_io_queue_header (s, resp, command_status, seq);
  sr_smpp_session_ref (s);
  sr_smpp_session_maybe_finish_drain (s);
  sr_smpp_session_unref (s);
  return TRUE;
}

/* ---- timers --------------------------------------------------------- */

static gint64
earliest (gint64 a, gint64 b)
{
  if (a == 0)
    return b;
  if (b == 0)
    return a;
  return MIN (a, b);
}

static gint64
enquire_due (SrSmppSession *s)
{
  if (s->state != SR_SMPP_STATE_BOUND || s->enquire_seq != 0 || s->timing.enquire_link_ms == 0)
    return 0;
  return s->last_rx + (gint64) s->timing.enquire_link_ms * 1000;
}

void
sr_smpp_session_rearm_timer (SrSmppSession *s)
{
  gint64 t = 0;
  t = earliest (t, s->t_connect);
  t = earliest (t, s->t_bind);
  t = earliest (t, s->t_enquire_resp);
  t = earliest (t, s->t_pause_end);
  t = earliest (t, s->t_reconnect);
  t = earliest (t, s->t_stop);
  t = earliest (t, s->t_unbind);
  t = earliest (t, enquire_due (s));
  t = earliest (t, sr_smpp_window_next_deadline (&s->window));
  gint64 when = t ? t : -1;
  if (when != s->timer_armed_at && s->timer_source)
    {
      s->timer_armed_at = when;
      g_source_set_ready_time (s->timer_source, when);
    }
}

static gboolean
on_timer (gpointer data)
{
  SrSmppSession *s = data;
  sr_smpp_session_ref (s);
  s->timer_armed_at = -1;
  gint64 now = g_get_monotonic_time ();
  char reason[160];

  if (s->t_connect && now >= s->t_connect && s->state == SR_SMPP_STATE_CONNECTING)
    {
      g_snprintf (reason, sizeof reason, "no connection to %s:%u within %u ms",
                  s->host, s->port, s->timing.connect_timeout_ms);
      sr_smpp_session_link_lost (s, reason, SR_SMPP_STATUS_SYSTEM, 0);
    }
  if (s->t_bind && now >= s->t_bind && s->state == SR_SMPP_STATE_BINDING)
    {
      g_snprintf (reason, sizeof reason, "no bind response within %u ms",
                  s->timing.response_timeout_ms);
      s->stats.bind_failures++;
      sr_smpp_session_link_lost (s, reason, SR_SMPP_STATUS_SYSTEM, 0);
    }
  if (s->t_enquire_resp && now >= s->t_enquire_resp)
    {
      g_snprintf (reason, sizeof reason, "dead link: enquire_link not answered within %u ms",
                  s->timing.response_timeout_ms);
      sr_smpp_session_link_lost (s, reason, SR_SMPP_STATUS_TEMPORARY, 0);
    }
  if (s->t_unbind && now >= s->t_unbind && s->state == SR_SMPP_STATE_UNBINDING)
    {
      g_snprintf (reason, sizeof reason, "stopped (no unbind_resp within %u ms)",
                  s->timing.unbind_timeout_ms);
      sr_smpp_session_link_lost (s, reason, SR_SMPP_STATUS_OK, 0);
    }
  if (s->t_stop && now >= s->t_stop && s->state == SR_SMPP_STATE_BOUND)
    {
      SR_SMPP_LOG (s, G_LOG_LEVEL_MESSAGE, "stop: %u responses still outstanding after %u ms; "
                   "unbinding anyway", s->window.count, s->timing.stop_timeout_ms);
      SrSmppStateChange change = { .reason = "stopping" };
      sr_smpp_session_enter_state (s, SR_SMPP_STATE_UNBINDING, &change);
    }
  if (s->t_pause_end && now >= s->t_pause_end)
    {
      s->t_pause_end = 0;
      sr_smpp_session_end_pause (s, now);
      s->window_freed = TRUE;
      SR_SMPP_DEBUG (s, "throttle pause over");
    }

  SrSmppRequest req;
  guint32 epoch = s->epoch;
  while (s->epoch == epoch && sr_smpp_window_take_expired (&s->window, now, &req))
    {
      g_snprintf (reason, sizeof reason, "no %s_resp within %u ms",
                  sr_pdu_command_name (req.command_id), s->timing.response_timeout_ms);
      SR_SMPP_LOG (s, G_LOG_LEVEL_INFO, "sequence %u: %s; a late answer still counts", req.sequence,
                   reason);
      /* The connection lives: the answer may still come, and must not be lost. */
      sr_smpp_late_add (&s->late, req.sequence, req.command_id);
      sr_smpp_session_report_result (s, &req, SR_SMPP_SUBMIT_NOT_ACKNOWLEDGED, 0, NULL, reason,
                                     sr_smpp_session_late_token (s, req.sequence));
    }
  if (s->state == SR_SMPP_STATE_BOUND)
    sr_smpp_session_maybe_finish_drain (s);

  gint64 due = enquire_due (s);
  if (due && now >= due && (s->state == SR_SMPP_STATE_BOUND))
    {
      s->enquire_seq = sr_smpp_session_next_seq (s);
      s->t_enquire_resp = now + (gint64) s->timing.response_timeout_ms * 1000;
      sr_smpp_io_queue_header (s, SR_CMD_ENQUIRE_LINK, 0, s->enquire_seq);
      s->stats.enquire_links++;
    }

  if (s->t_reconnect && now >= s->t_reconnect && s->state == SR_SMPP_STATE_DISCONNECTED)
    {
      SrSmppStateChange change = { 0 };
      s->t_reconnect = 0;
      sr_smpp_session_enter_state (s, SR_SMPP_STATE_CONNECTING, &change);
    }

  sr_smpp_session_maybe_window_available (s);
  sr_smpp_session_rearm_timer (s);
  sr_smpp_session_unref (s);
  return G_SOURCE_CONTINUE;
}
