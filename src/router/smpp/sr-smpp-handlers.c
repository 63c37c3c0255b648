/* sr-smpp-handlers.c — incoming PDUs of an SMPP session: one handler per
 * command behind one dispatch switch. */
#define G_LOG_DOMAIN "sr-smpp"

#include "sr-smpp-session-private.h"

#define ESME_ROK 0x00000000u
#define ESME_RINVCMDID 0x00000003u
#define ESME_RINVBNDSTS 0x00000004u
#define ESME_RX_P_APPN 0x00000065u

/* ---- incoming PDUs: one handler per command ---------------------------- */

static void
handle_bind_resp (SrSmppSession *s, const SrPdu *p)
{
  if (s->state != SR_SMPP_STATE_BINDING || p->sequence_number != s->bind_seq)
    {
      SR_SMPP_LOG (s, G_LOG_LEVEL_INFO, "ignoring an unexpected %s (sequence %u)",
                   sr_pdu_command_name (p->command_id), p->sequence_number);
      return;
    }
  if (p->command_status == ESME_ROK)
    {
      SrSmppStateChange change = { 0 };
      if (p->system_id[0])
        SR_SMPP_LOG (s, G_LOG_LEVEL_INFO, "the SMSC identifies as '%s'", p->system_id);
      sr_smpp_session_enter_state (s, SR_SMPP_STATE_BOUND, &change);
      return;
    }

  s->stats.bind_failures++;
  g_autofree char *what = sr_smpp_status_describe (p->command_status);
  SrSmppStatusClass klass = sr_smpp_status_class (p->command_status);
  if (klass == SR_SMPP_STATUS_SYSTEM)
    {
      /* wrong credentials do not fix themselves: a few attempts, then stop */
      s->auth_failures++;
      if (s->auth_failures >= s->timing.auth_attempts)
        s->gave_up = TRUE;
    }
  g_autofree char *reason = g_strdup_printf ("the SMSC refused the bind as %s: %s",
                                             sr_smpp_bind_as_to_string (s->bind_as), what);
  sr_smpp_session_link_lost (s, reason, SR_SMPP_STATUS_SYSTEM, p->command_status);
}

/* A response to a request that already timed out (on this connection). */
static void
handle_late_resp (SrSmppSession *s, const SrPdu *p)
{
  guint32 command_id;

  if (!sr_smpp_late_take (&s->late, p->sequence_number, &command_id))
    {
      SR_SMPP_LOG (s, G_LOG_LEVEL_INFO, "%s for sequence %u matches no request sent on this "
                   "connection", sr_pdu_command_name (p->command_id), p->sequence_number);
      return;
    }
  s->stats.late++;
  g_autofree char *what = p->command_status == ESME_ROK ? NULL
                          : sr_smpp_status_describe (p->command_status);
  SR_SMPP_LOG (s, G_LOG_LEVEL_INFO, "%s_resp for sequence %u came after its timeout: %s",
               sr_pdu_command_name (command_id), p->sequence_number,
               what ? what : "accepted");
  if (s->events.late_result == NULL)
    return;
  SrSmppSubmitResult r = {
    .outcome = p->command_status == ESME_ROK ? SR_SMPP_SUBMIT_ACCEPTED : SR_SMPP_SUBMIT_REJECTED,
    .sequence_number = p->sequence_number,
    .command_status = p->command_status,
    .status_class = sr_smpp_status_class (p->command_status),
    .message_id = p->command_status == ESME_ROK ? p->message_id : NULL,
    .reason = what,
  };
  s->events.late_result (s, sr_smpp_session_late_token (s, p->sequence_number), &r,
                         s->user_data);
}

/* ESME_RTHROTTLED: pause the bind, for longer while the SMSC goes on. */
static void
throttled (SrSmppSession *s)
{
  if (s->paused)
    return;   /* answers to submits sent before the pause began */
  gint64 now = g_get_monotonic_time ();
  guint pause_ms;
  SrSmppThrottleNews news = sr_smpp_throttle_throttled (&s->throttle,
                                                        s->timing.throttle_pause_min_ms,
                                                        s->timing.throttle_pause_ms, now,
                                                        &pause_ms);
  s->paused = TRUE;
  s->pause_started = now;
  s->stats.pauses++;
  s->t_pause_end = now + (gint64) pause_ms * 1000;
  SR_SMPP_DEBUG (s, "throttled: pausing submits for %u ms", pause_ms);
  sr_smpp_session_throttle_news (s, news, now);
}

static void
handle_submit_resp (SrSmppSession *s, const SrPdu *p)
{
  SrSmppRequest req;
  if (!sr_smpp_window_take (&s->window, p->sequence_number, &req))
    {
      handle_late_resp (s, p);
      return;
    }
  gint64 now = g_get_monotonic_time ();
  sr_smpp_latency_add (&s->latency, now, now - req.sent_at);
  sr_histogram_observe (&s->stats.submit_latency, now - req.sent_at);
  if (p->command_status == ESME_ROK)
    {
      sr_smpp_session_report_result (s, &req, SR_SMPP_SUBMIT_ACCEPTED, 0, p->message_id, NULL, 0);
      return;
    }
  if (sr_smpp_status_is_throttle (p->command_status))
    throttled (s);
  g_autofree char *what = sr_smpp_status_describe (p->command_status);
  sr_smpp_session_report_result (s, &req, SR_SMPP_SUBMIT_REJECTED, p->command_status, NULL, what,
                                 0);
}

static void
handle_generic_nack (SrSmppSession *s, const SrPdu *p)
{
  if (s->state == SR_SMPP_STATE_BINDING && p->sequence_number == s->bind_seq)
    {
      handle_bind_resp (s, p);
      return;
    }
  if (p->sequence_number != 0 && p->sequence_number == s->enquire_seq)
    {
      s->enquire_seq = 0;   /* answered, if oddly: the link is alive */
      s->t_enquire_resp = 0;
      return;
    }
  if (g_hash_table_contains (s->window.by_seq, GUINT_TO_POINTER (p->sequence_number))
      || sr_smpp_late_contains (&s->late, p->sequence_number))
    {
      handle_submit_resp (s, p);
      return;
    }
  char buf[SR_SMPP_STATUS_NAME_SIZE];
  SR_SMPP_LOG (s, G_LOG_LEVEL_MESSAGE, "the SMSC sent generic_nack %s for sequence %u",
               sr_smpp_status_name (p->command_status, buf), p->sequence_number);
}

static void
handle_deliver (SrSmppSession *s, const guint8 *data, gsize len, guint32 command_id, guint32 seq)
{
  g_autoptr (GError) error = NULL;
  if (s->bind_as == SR_SMPP_BIND_AS_TRANSMITTER)
    {
      sr_smpp_io_queue_header (s, command_id | SR_CMD_RESP_BIT, ESME_RINVBNDSTS, seq);
      return;
    }
  if (!sr_pdu_unpack (data, len, &s->rx, &error))
    {
      /* it will never parse: a permanent refusal stops useless redelivery */
      SR_SMPP_LOG (s, G_LOG_LEVEL_MESSAGE, "refusing an undecodable %s: %s",
                   sr_pdu_command_name (command_id), error->message);
      sr_smpp_io_queue_header (s, command_id | SR_CMD_RESP_BIT, ESME_RX_P_APPN, seq);
      return;
    }
  g_hash_table_insert (s->delivers, GUINT_TO_POINTER (seq), GUINT_TO_POINTER (command_id));
  guint64 token = ((guint64) s->epoch << 32) | seq;
  s->stats.delivered++;
  if (s->events.deliver)
    s->events.deliver (s, &s->rx, token, s->user_data);
  else
    sr_smpp_session_ack_deliver (s, token, ESME_ROK);
}

void
sr_smpp_session_handle_pdu (SrSmppSession *s, const guint8 *data, gsize len)
{
  guint32 command_id, status, seq;
  sr_pdu_peek_header (data, NULL, &command_id, &status, &seq);
  SR_SMPP_DEBUG (s, "received %s, sequence %u, status 0x%08x, %" G_GSIZE_FORMAT
               " bytes", sr_pdu_command_name (command_id) ? sr_pdu_command_name (command_id)
               : "unknown command", seq, status, len);

  switch (command_id)
    {
    case SR_CMD_ENQUIRE_LINK:
      sr_smpp_io_queue_header (s, SR_CMD_ENQUIRE_LINK_RESP, ESME_ROK, seq);
      return;
    case SR_CMD_DELIVER_SM:
    case SR_CMD_DATA_SM:
      handle_deliver (s, data, len, command_id, seq);
      return;
    case SR_CMD_ALERT_NOTIFICATION:
      /* has no response PDU in SMPP 3.4; we do not use it */
      SR_SMPP_DEBUG (s, "ignoring alert_notification");
      return;
    case SR_CMD_UNBIND:
      sr_smpp_io_queue_header (s, SR_CMD_UNBIND_RESP, ESME_ROK, seq);
      sr_smpp_io_flush (s);
      sr_smpp_session_link_lost (s, s->state == SR_SMPP_STATE_UNBINDING ? "stopped"
                                 : "the SMSC unbound", SR_SMPP_STATUS_TEMPORARY, 0);
      return;
    default:
      break;
    }

  if (!sr_pdu_command_supported (command_id) || !sr_pdu_is_response (command_id))
    {
      if (!sr_pdu_is_response (command_id))
        {
          SR_SMPP_LOG (s, G_LOG_LEVEL_INFO, "answering unsupported command 0x%08x "
                       "(sequence %u) with generic_nack", command_id, seq);
          sr_smpp_io_queue_header (s, SR_CMD_GENERIC_NACK, ESME_RINVCMDID, seq);
        }
      else
        SR_SMPP_LOG (s, G_LOG_LEVEL_INFO, "ignoring response 0x%08x (sequence %u)",
                     command_id, seq);
      return;
    }

  g_autoptr (GError) error = NULL;
  if (!sr_pdu_unpack (data, len, &s->rx, &error))
    {
      SR_SMPP_LOG (s, G_LOG_LEVEL_MESSAGE, "ignoring a malformed response: %s", error->message);
      /* a malformed bind_resp still ends the bind attempt (by timeout) */
      return;
    }
  const SrPdu *p = &s->rx;
  switch (command_id)
    {
    case SR_CMD_BIND_TRANSCEIVER_RESP:
    case SR_CMD_BIND_TRANSMITTER_RESP:
    case SR_CMD_BIND_RECEIVER_RESP:
      handle_bind_resp (s, p);
      break;
    case SR_CMD_SUBMIT_SM_RESP:
    case SR_CMD_DATA_SM_RESP:
      handle_submit_resp (s, p);
      if (s->state == SR_SMPP_STATE_BOUND)
        sr_smpp_session_maybe_finish_drain (s);
      break;
    case SR_CMD_GENERIC_NACK:
      handle_generic_nack (s, p);
      break;
    case SR_CMD_ENQUIRE_LINK_RESP:
      if (seq == s->enquire_seq)
        {
          s->enquire_seq = 0;
          s->t_enquire_resp = 0;
        }
      break;
    case SR_CMD_UNBIND_RESP:
      if (s->state == SR_SMPP_STATE_UNBINDING && seq == s->unbind_seq)
        sr_smpp_session_link_lost (s, "stopped", SR_SMPP_STATUS_OK, 0);
      break;
    default:
      break;
    }
}

void
sr_smpp_session_after_input (SrSmppSession *s)
{
  sr_smpp_session_maybe_window_available (s);
  sr_smpp_session_rearm_timer (s);
}
