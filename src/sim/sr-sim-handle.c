/* sr-sim-handle.c — one handler per PDU the simulator receives, behind one
 * dispatch switch, plus the faults that act on submits. */
#define G_LOG_DOMAIN "sr-sim"

#include "sr-sim-private.h"
#include "sr-pdu.h"

#include <string.h>

/* The system_id we answer binds with. */
#define SIM_SYSTEM_ID "srsim"

/* Packs @pdu and queues it, after @delay_ms. */
static void
send_pdu_after (SrSimConn *conn, const SrPdu *pdu, gboolean counts, guint delay_ms)
{
  SrSim *sim = conn->sim;
  g_autoptr(GError) error = NULL;
  SrPdu copy;

  if (conn->closed)
    return;
  if (pdu->sequence_number == 0)
    {
      /* The codec refuses sequence 0, but a client that sent it (or a
       * stream we cannot parse) must still get an answer echoing it. */
      copy = *pdu;
      copy.sequence_number = 1;
      pdu = &copy;
    }
  if (delay_ms > 0)
    {
      GByteArray *scratch = g_byte_array_sized_new (64);
      if (sr_pdu_pack (pdu, scratch, &error))
        {
          if (pdu == &copy)
            memset (scratch->data + 12, 0, 4);
          sr_sim_conn_queue_response (conn, scratch->data, scratch->len, counts, delay_ms);
        }
      g_byte_array_unref (scratch);
    }
  else
    {
      guint before = conn->out->len;
      if (sr_pdu_pack (pdu, conn->out, &error))
        {
          if (pdu == &copy)
            memset (conn->out->data + before + 12, 0, 4);
          conn->out_queued += conn->out->len - before;
          if (counts)
            g_array_append_val (conn->resp_ends, conn->out_queued);
        }
    }
  if (error != NULL)
    {
      g_warning ("cannot pack %s: %s", sr_pdu_command_name (pdu->command_id), error->message);
      return;
    }
  sim->stats.pdus_sent++;
  if (sim->log != NULL && sim->log->log_sent)
    sr_sim_log_pdu (sim->log, conn, SR_SIM_DIR_OUT, pdu);
}

/* Packs @pdu and queues it (as an answer: after --delay-ms). */
static void
send_pdu (SrSimConn *conn, const SrPdu *pdu, gboolean response, gboolean counts)
{
  send_pdu_after (conn, pdu, counts, response ? conn->sim->delay_ms : 0);
}

void
sr_sim_conn_send_simple (SrSimConn *conn, guint32 command_id, guint32 status, guint32 seq)
{
  SrPdu pdu;

  sr_pdu_init (&pdu, command_id, seq);
  pdu.command_status = status;
  if (command_id == SR_CMD_GENERIC_NACK)
    conn->sim->stats.generic_nacks_sent++;
  send_pdu (conn, &pdu, sr_pdu_is_response (command_id), FALSE);
}

void
sr_sim_handle_framing_error (SrSimConn *conn, guint32 length)
{
  g_autofree char *detail = g_strdup_printf ("command_length %u", length);

  if (conn->sim->log != NULL)
    sr_sim_log_event (conn->sim->log, conn, "framing-error", detail);
  /* The stream cannot be resynchronised: say why, then hang up. */
  sr_sim_conn_send_simple (conn, SR_CMD_GENERIC_NACK, SR_SIM_INVCMDLEN, 0);
  conn->close_after_flush = TRUE;
}

static void
handle_bind (SrSimConn *conn, const SrPdu *req)
{
  SrSim *sim = conn->sim;
  SrPdu resp;
  guint32 status = SR_SIM_OK;
  SrSimBind kind = req->command_id == SR_CMD_BIND_TRANSMITTER ? SR_SIM_BIND_TX
                 : req->command_id == SR_CMD_BIND_RECEIVER ? SR_SIM_BIND_RX
                 : SR_SIM_BIND_TRX;

  if (conn->bind != SR_SIM_BIND_NONE)
    status = SR_SIM_ALYBND;
  else if (sim->system_id != NULL && strcmp (sim->system_id, req->system_id) != 0)
    status = SR_SIM_INVSYSID;
  else if (sim->password != NULL && strcmp (sim->password, req->password) != 0)
    status = SR_SIM_INVPASWD;

  sr_pdu_init (&resp, req->command_id | SR_CMD_RESP_BIT, req->sequence_number);
  resp.command_status = status;
  if (status == SR_SIM_OK)
    {
      g_strlcpy (resp.system_id, SIM_SYSTEM_ID, sizeof resp.system_id);
      resp.tlv_mask |= SR_TLV_SC_INTERFACE_VERSION;
      resp.sc_interface_version = 0x34;
      conn->bind = kind;
      g_strlcpy (conn->system_id, req->system_id, sizeof conn->system_id);
      sim->stats.binds_ok++;
    }
  else if (conn->bind == SR_SIM_BIND_NONE)
    sim->stats.binds_failed++;
  send_pdu (conn, &resp, TRUE, FALSE);

  if (status == SR_SIM_OK && (kind & SR_SIM_BIND_RX))
    sr_sim_deliver_pump_soon (sim);
}

static const SrSimRejectRule *
find_reject_rule (SrSim *sim, const char *dest)
{
  guint i;

  for (i = 0; i < sim->reject_rules->len; i++)
    {
      const SrSimRejectRule *rule = g_ptr_array_index (sim->reject_rules, i);
      const char *prefix = rule->prefix[0] == '+' ? rule->prefix + 1 : rule->prefix;
      const char *d = dest[0] == '+' ? dest + 1 : dest;
      if (g_str_has_prefix (d, prefix))
        return rule;
    }
  return NULL;
}

/* Fires a one-shot fault when its count is reached. */
static gboolean
fault_due (SrSim *sim, guint count, guint64 base, gboolean *fired)
{
  if (count == 0 || *fired || sim->submit_count - base < count)
    return FALSE;
  *fired = TRUE;
  sim->stats.faults_injected++;
  return TRUE;
}

static void
queue_garbage (SrSimConn *conn)
{
  /* command_length 7 is impossible: the client must treat this as a framing error. */
  static const guint8 garbage[] = {
    0x00, 0x00, 0x00, 0x07, 'G', 'A', 'R', 'B', 'A', 'G', 'E', 0xFF, 0xFE, 0x00, 0x13, 0x37,
  };
  if (conn->sim->log != NULL)
    sr_sim_log_event (conn->sim->log, conn, "fault-garbage", NULL);
  sr_sim_conn_queue (conn, garbage, sizeof garbage, FALSE);
}

static void
queue_oversized (SrSimConn *conn)
{
  /* A deliver_sm header claiming 2 GiB, then a little of the "body". */
  static const guint8 oversized[] = {
    0x7F, 0xFF, 0xFF, 0xF0, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x01, 0x34, 0x31, 0x00,
  };
  if (conn->sim->log != NULL)
    sr_sim_log_event (conn->sim->log, conn, "fault-oversized", NULL);
  sr_sim_conn_queue (conn, oversized, sizeof oversized, FALSE);
}

static void
handle_submit (SrSimConn *conn, const SrPdu *req)
{
  SrSim *sim = conn->sim;
  SrPdu resp;
  guint32 status = SR_SIM_OK;
  guint outstanding;
  const SrSimRejectRule *rule;

  sim->stats.submits++;
  sr_pdu_init (&resp, req->command_id | SR_CMD_RESP_BIT, req->sequence_number);

  if (!(conn->bind & SR_SIM_BIND_TX))
    {
      resp.command_status = SR_SIM_INVBNDSTS;
      sim->stats.rejected++;
      send_pdu (conn, &resp, TRUE, FALSE);
      return;
    }

  sim->submit_count++;
  conn->submits++;

  if (fault_due (sim, sim->drop_after, sim->drop_base, &sim->drop_fired))
    {
      sim->stats.unanswered++;
      if (sim->log != NULL)
        sr_sim_log_event (sim->log, conn, "fault-drop", NULL);
      /* What was answered before still goes out; this one never is. */
      sr_sim_conn_flush (conn);
      sr_sim_conn_close (conn, "--drop-after reached");
      return;
    }
  if (sim->no_response_every > 0 && sim->submit_count % sim->no_response_every == 0)
    {
      sim->stats.unanswered++;
      return;
    }

  outstanding = sr_sim_conn_outstanding (conn) + 1;
  if (outstanding > sim->stats.max_outstanding)
    sim->stats.max_outstanding = outstanding;

  if (sim->max_window > 0 && outstanding > sim->max_window)
    {
      g_autofree char *detail = g_strdup_printf ("outstanding %u > window %u (sequence %u)",
                                                 outstanding, sim->max_window,
                                                 req->sequence_number);
      sim->stats.window_violations++;
      if (sim->log != NULL)
        sr_sim_log_event (sim->log, conn, "window-violation", detail);
      status = SR_SIM_THROTTLED;
    }
  else if (sim->throttle_every > 0 && sim->submit_count % sim->throttle_every == 0)
    status = SR_SIM_THROTTLED;
  else if ((rule = find_reject_rule (sim, req->destination_addr)) != NULL)
    status = rule->status;

  resp.command_status = status;
  if (status == SR_SIM_OK)
    {
      guint64 id = sim->next_message_id++;
      sr_sim_format_id (sim->id_format, id, resp.message_id, sizeof resp.message_id);
      sim->stats.submits_ok++;
      if (sim->late_every > 0 && sim->submit_count % sim->late_every == 0)
        {
          /* The client has timed it out by then: not counted in its window. */
          sim->stats.answered_late++;
          send_pdu_after (conn, &resp, FALSE, sim->late_ms ? sim->late_ms : 2000);
        }
      else
        send_pdu (conn, &resp, TRUE, TRUE);
      sr_sim_receipt_for_submit (conn, req, id, resp.message_id);
    }
  else
    {
      if (status == SR_SIM_THROTTLED)
        sim->stats.throttled++;
      else
        sim->stats.rejected++;
      send_pdu (conn, &resp, TRUE, TRUE);
    }

  if (fault_due (sim, sim->garbage_after, sim->garbage_base, &sim->garbage_fired))
    queue_garbage (conn);
  if (fault_due (sim, sim->oversized_after, sim->oversized_base, &sim->oversized_fired))
    queue_oversized (conn);
}

static void
handle_unbind (SrSimConn *conn, const SrPdu *req)
{
  sr_sim_conn_send_simple (conn, SR_CMD_UNBIND_RESP, SR_SIM_OK, req->sequence_number);
  conn->bind = SR_SIM_BIND_NONE;
  conn->close_after_flush = TRUE;
}

void
sr_sim_handle_pdu (SrSimConn *conn, const guint8 *data, gsize len)
{
  SrSim *sim = conn->sim;
  SrPdu pdu;
  g_autoptr(GError) error = NULL;

  sim->stats.pdus_received++;
  if (!sr_pdu_unpack (data, len, &pdu, &error))
    {
      guint32 command_id, seq;

      sr_pdu_peek_header (data, NULL, &command_id, NULL, &seq);
      if (sim->log != NULL)
        {
          g_autofree char *detail = g_strdup_printf ("command_id 0x%08x: %s", command_id,
                                                     error->message);
          sr_sim_log_event (sim->log, conn, "malformed-pdu", detail);
        }
      /* Responses are never answered, not even with generic_nack. */
      if (!sr_pdu_is_response (command_id))
        sr_sim_conn_send_simple (conn, SR_CMD_GENERIC_NACK,
                                 g_error_matches (error, SR_PDU_ERROR, SR_PDU_ERROR_UNKNOWN_COMMAND)
                                 ? SR_SIM_INVCMDID : SR_SIM_INVCMDLEN,
                                 seq);
      return;
    }
  if (sim->log != NULL)
    sr_sim_log_pdu (sim->log, conn, SR_SIM_DIR_IN, &pdu);

  switch (pdu.command_id)
    {
    case SR_CMD_BIND_TRANSMITTER:
    case SR_CMD_BIND_RECEIVER:
    case SR_CMD_BIND_TRANSCEIVER:
      handle_bind (conn, &pdu);
      break;
    case SR_CMD_SUBMIT_SM:
    case SR_CMD_DATA_SM:
      handle_submit (conn, &pdu);
      break;
    case SR_CMD_ENQUIRE_LINK:
      sim->stats.enquire_links_received++;
      sr_sim_conn_send_simple (conn, SR_CMD_ENQUIRE_LINK_RESP, SR_SIM_OK,
                               pdu.sequence_number);
      break;
    case SR_CMD_UNBIND:
      handle_unbind (conn, &pdu);
      break;
    case SR_CMD_DELIVER_SM_RESP:
      sr_sim_deliver_resp (conn, pdu.sequence_number, pdu.command_status);
      break;
    case SR_CMD_GENERIC_NACK:
      sim->stats.generic_nacks_received++;
      sr_sim_deliver_resp (conn, pdu.sequence_number,
                           pdu.command_status ? pdu.command_status : SR_SIM_UNKNOWNERR);
      break;
    case SR_CMD_UNBIND_RESP:
      conn->bind = SR_SIM_BIND_NONE;
      conn->close_after_flush = TRUE;
      break;
    case SR_CMD_ENQUIRE_LINK_RESP:
      break;
    default:
      if (!sr_pdu_is_response (pdu.command_id))
        sr_sim_conn_send_simple (conn, SR_CMD_GENERIC_NACK, SR_SIM_INVCMDID,
                                 pdu.sequence_number);
      break;
    }
}
