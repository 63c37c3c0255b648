/* sr-sim-log.c — one JSON object per line for every PDU (and a few events),
 * so tests can assert on exactly what went over the wire.
 *
 * Written by hand into one reused GString: the log is on in every
 * integration test, and a JSON library would cost more than the PDU itself.
 * Strings are escaped byte by byte (bytes over 0x7F as \u00XX, i.e. read as
 * Latin-1), so any junk a client sends still gives valid JSON.
 */
#define G_LOG_DOMAIN "sr-sim"

#include "sr-sim-private.h"
#include "sr-pdu.h"

#include <errno.h>
#include <string.h>

SrSimLog *
sr_sim_log_open (const char *path, gboolean log_sent, GError **error)
{
  FILE *fp = fopen (path, "a");
  SrSimLog *log;

  if (fp == NULL)
    {
      int saved = errno;
      g_set_error (error, SR_SIM_ERROR, SR_SIM_ERROR_LOG,
                   "Cannot open the log file “%s”: %s", path, g_strerror (saved));
      return NULL;
    }
  setvbuf (fp, NULL, _IOFBF, 256 * 1024);
  log = g_new0 (SrSimLog, 1);
  log->fp = fp;
  log->log_sent = log_sent;
  log->line = g_string_sized_new (1024);
  return log;
}

void
sr_sim_log_close (SrSimLog *log)
{
  if (log == NULL)
    return;
  fclose (log->fp);
  g_string_free (log->line, TRUE);
  g_free (log);
}

void
sr_sim_log_flush (SrSimLog *log)
{
  if (log == NULL || !log->dirty)
    return;
  fflush (log->fp);
  log->dirty = FALSE;
}

static void
put_string (GString *s, const char *key, const char *value, gssize len)
{
  static const char hex[] = "0123456789abcdef";
  gsize i, n = len < 0 ? strlen (value) : (gsize) len;

  g_string_append_printf (s, ",\"%s\":\"", key);
  for (i = 0; i < n; i++)
    {
      guint8 c = (guint8) value[i];
      if (c == '"' || c == '\\')
        {
          g_string_append_c (s, '\\');
          g_string_append_c (s, c);
        }
      else if (c < 0x20 || c >= 0x7F)
        {
          g_string_append (s, "\\u00");
          g_string_append_c (s, hex[c >> 4]);
          g_string_append_c (s, hex[c & 15]);
        }
      else
        g_string_append_c (s, c);
    }
  g_string_append_c (s, '"');
}

static void
put_hex (GString *s, const char *key, const guint8 *data, gsize len)
{
  static const char hex[] = "0123456789abcdef";
  gsize i;

  if (key != NULL)
    g_string_append_printf (s, ",\"%s\":\"", key);
  else
    g_string_append_c (s, '"');
  for (i = 0; i < len; i++)
    {
      g_string_append_c (s, hex[data[i] >> 4]);
      g_string_append_c (s, hex[data[i] & 15]);
    }
  g_string_append_c (s, '"');
}

static void
put_uint (GString *s, const char *key, guint64 value)
{
  g_string_append_printf (s, ",\"%s\":%" G_GUINT64_FORMAT, key, value);
}

static void
start_line (SrSimLog *log, SrSimConn *conn)
{
  g_string_truncate (log->line, 0);
  g_string_append_printf (log->line, "{\"time_us\":%" G_GINT64_FORMAT ",\"conn\":%" G_GUINT64_FORMAT,
                          g_get_real_time (), conn != NULL ? conn->id : 0);
}

static void
end_line (SrSimLog *log)
{
  g_string_append (log->line, "}\n");
  fwrite (log->line->str, 1, log->line->len, log->fp);
  log->dirty = TRUE;
}

static void
put_tlv (GString *s, gboolean *first, guint16 tag, const guint8 *value, gsize len)
{
  g_string_append_printf (s, "%s{\"tag\":%u,\"value\":", *first ? "" : ",", tag);
  put_hex (s, NULL, value, len);
  g_string_append_c (s, '}');
  *first = FALSE;
}

static void
put_tlvs (GString *s, const SrPdu *pdu)
{
  gboolean first = TRUE;
  guint8 b[3];
  guint i;

  if (pdu->tlv_mask == 0 && pdu->n_tlvs == 0)
    return;
  g_string_append (s, ",\"tlvs\":[");
  if (pdu->tlv_mask & SR_TLV_MESSAGE_PAYLOAD)
    put_tlv (s, &first, SR_TLV_TAG_MESSAGE_PAYLOAD, pdu->message_payload, pdu->message_payload_len);
  if (pdu->tlv_mask & SR_TLV_SAR_MSG_REF_NUM)
    {
      b[0] = pdu->sar_msg_ref_num >> 8;
      b[1] = pdu->sar_msg_ref_num & 0xFF;
      put_tlv (s, &first, SR_TLV_TAG_SAR_MSG_REF_NUM, b, 2);
    }
  if (pdu->tlv_mask & SR_TLV_SAR_TOTAL_SEGMENTS)
    put_tlv (s, &first, SR_TLV_TAG_SAR_TOTAL_SEGMENTS, &pdu->sar_total_segments, 1);
  if (pdu->tlv_mask & SR_TLV_SAR_SEGMENT_SEQNUM)
    put_tlv (s, &first, SR_TLV_TAG_SAR_SEGMENT_SEQNUM, &pdu->sar_segment_seqnum, 1);
  if (pdu->tlv_mask & SR_TLV_RECEIPTED_MESSAGE_ID)
    put_tlv (s, &first, SR_TLV_TAG_RECEIPTED_MESSAGE_ID, (const guint8 *) pdu->receipted_message_id,
             strlen (pdu->receipted_message_id) + 1);
  if (pdu->tlv_mask & SR_TLV_MESSAGE_STATE)
    put_tlv (s, &first, SR_TLV_TAG_MESSAGE_STATE, &pdu->message_state, 1);
  if (pdu->tlv_mask & SR_TLV_NETWORK_ERROR_CODE)
    put_tlv (s, &first, SR_TLV_TAG_NETWORK_ERROR_CODE, pdu->network_error_code, 3);
  if (pdu->tlv_mask & SR_TLV_USER_MESSAGE_REFERENCE)
    {
      b[0] = pdu->user_message_reference >> 8;
      b[1] = pdu->user_message_reference & 0xFF;
      put_tlv (s, &first, SR_TLV_TAG_USER_MESSAGE_REFERENCE, b, 2);
    }
  if (pdu->tlv_mask & SR_TLV_SC_INTERFACE_VERSION)
    put_tlv (s, &first, SR_TLV_TAG_SC_INTERFACE_VERSION, &pdu->sc_interface_version, 1);
  for (i = 0; i < pdu->n_tlvs; i++)
    put_tlv (s, &first, pdu->tlvs[i].tag, pdu->tlvs[i].value, pdu->tlvs[i].length);
  g_string_append_c (s, ']');
}

static gboolean
is_bind (guint32 command_id)
{
  return command_id == SR_CMD_BIND_TRANSMITTER || command_id == SR_CMD_BIND_RECEIVER
      || command_id == SR_CMD_BIND_TRANSCEIVER;
}

static gboolean
is_message (guint32 command_id)
{
  return command_id == SR_CMD_SUBMIT_SM || command_id == SR_CMD_DELIVER_SM
      || command_id == SR_CMD_DATA_SM;
}

void
sr_sim_log_pdu (SrSimLog *log, SrSimConn *conn, SrSimDir dir, const SrPdu *pdu)
{
  GString *s = log->line;
  const char *name = sr_pdu_command_name (pdu->command_id);
  guint32 id = pdu->command_id;

  start_line (log, conn);
  g_string_append_printf (s, ",\"dir\":\"%s\"", dir == SR_SIM_DIR_IN ? "in" : "out");
  put_string (s, "command", name != NULL ? name : "unknown", -1);
  put_uint (s, "command_id", id);
  put_uint (s, "status", pdu->command_status);
  put_uint (s, "sequence", pdu->sequence_number);

  if (is_bind (id) && dir == SR_SIM_DIR_IN)
    {
      put_string (s, "system_id", pdu->system_id, -1);
      put_string (s, "system_type", pdu->system_type, -1);
      put_uint (s, "interface_version", pdu->interface_version);
      put_uint (s, "addr_ton", pdu->addr_ton);
      put_uint (s, "addr_npi", pdu->addr_npi);
    }
  else if (conn != NULL)
    put_string (s, "system_id", conn->system_id, -1);

  if (is_message (id))
    {
      gsize udh_len = 0;
      gsize sm_len = MIN (pdu->sm_length, sizeof pdu->short_message);

      put_string (s, "service_type", pdu->service_type, -1);
      put_string (s, "source_addr", pdu->source_addr, -1);
      put_uint (s, "source_addr_ton", pdu->source_addr_ton);
      put_uint (s, "source_addr_npi", pdu->source_addr_npi);
      put_string (s, "destination_addr", pdu->destination_addr, -1);
      put_uint (s, "dest_addr_ton", pdu->dest_addr_ton);
      put_uint (s, "dest_addr_npi", pdu->dest_addr_npi);
      put_uint (s, "esm_class", pdu->esm_class);
      put_uint (s, "protocol_id", pdu->protocol_id);
      put_uint (s, "priority_flag", pdu->priority_flag);
      put_string (s, "schedule_delivery_time", pdu->schedule_delivery_time, -1);
      put_string (s, "validity_period", pdu->validity_period, -1);
      put_uint (s, "registered_delivery", pdu->registered_delivery);
      put_uint (s, "data_coding", pdu->data_coding);
      put_uint (s, "sm_length", sm_len);
      /* The UDH is split off when the UDHI bit says there is one and it fits. */
      if ((pdu->esm_class & 0x40) && sm_len > 0 && (gsize) pdu->short_message[0] + 1 <= sm_len)
        {
          udh_len = pdu->short_message[0] + 1;
          put_hex (s, "udh", pdu->short_message, udh_len);
        }
      put_hex (s, "short_message", pdu->short_message + udh_len, sm_len - udh_len);
    }
  if ((id == SR_CMD_SUBMIT_SM_RESP || id == SR_CMD_DATA_SM_RESP) && pdu->message_id[0] != '\0')
    put_string (s, "message_id", pdu->message_id, -1);
  put_tlvs (s, pdu);
  end_line (log);
}

void
sr_sim_log_event (SrSimLog *log, SrSimConn *conn, const char *event, const char *detail)
{
  start_line (log, conn);
  put_string (log->line, "event", event, -1);
  if (conn != NULL && conn->system_id[0] != '\0')
    put_string (log->line, "system_id", conn->system_id, -1);
  if (detail != NULL)
    put_string (log->line, "detail", detail, -1);
  end_line (log);
}
