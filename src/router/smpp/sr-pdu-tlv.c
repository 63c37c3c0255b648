/* sr-pdu-tlv.c — the optional (TLV) part of SMPP PDUs.  Handled here and
 * not by libsmpp34: its TLV values are 1024-byte buffers (message_payload
 * may be 64 KiB), it trusts fixed sizes over the length field, allocates a
 * list node per TLV and returns them in reverse order. */
#define G_LOG_DOMAIN "sr-pdu"

#include "sr-pdu-private.h"

#include <string.h>

gboolean
sr_pdu_malformed (GError **error, guint32 command_id, guint32 seq, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *why = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, SR_PDU_ERROR, SR_PDU_ERROR_MALFORMED,
               "Malformed %s PDU (sequence %u): %s", sr_pdu_cmd_name (command_id), seq, why);
  return FALSE;
}

/* ---- TLVs -------------------------------------------------------------- */

static const char *
tlv_name (guint16 tag)
{
  switch (tag)
    {
    case SR_TLV_TAG_RECEIPTED_MESSAGE_ID: return "receipted_message_id";
    case SR_TLV_TAG_USER_MESSAGE_REFERENCE: return "user_message_reference";
    case SR_TLV_TAG_SAR_MSG_REF_NUM: return "sar_msg_ref_num";
    case SR_TLV_TAG_SAR_TOTAL_SEGMENTS: return "sar_total_segments";
    case SR_TLV_TAG_SAR_SEGMENT_SEQNUM: return "sar_segment_seqnum";
    case SR_TLV_TAG_SC_INTERFACE_VERSION: return "sc_interface_version";
    case SR_TLV_TAG_NETWORK_ERROR_CODE: return "network_error_code";
    case SR_TLV_TAG_MESSAGE_PAYLOAD: return "message_payload";
    case SR_TLV_TAG_MESSAGE_STATE: return "message_state";
    default: return "optional parameter";
    }
}

gboolean
sr_pdu_tlvs_unpack (const guint8 *data, gsize off, gsize len, SrPdu *pdu, GError **error)
{
  while (off < len)
    {
      if (len - off < 4)
        return sr_pdu_malformed (error, pdu->command_id, pdu->sequence_number,
                          "an optional parameter header is cut off at byte %" G_GSIZE_FORMAT, off);
      guint16 tag = rd16 (data + off);
      guint16 tlen = rd16 (data + off + 2);
      const guint8 *v = data + off + 4;
      if (len - off - 4 < tlen)
        return sr_pdu_malformed (error, pdu->command_id, pdu->sequence_number,
                          "%s (tag 0x%04x) claims %u bytes but only %" G_GSIZE_FORMAT " remain",
                          tlv_name (tag), tag, tlen, len - off - 4);
      guint expect = 0;
      switch (tag)
        {
        case SR_TLV_TAG_MESSAGE_PAYLOAD:
          pdu->message_payload = v;
          pdu->message_payload_len = tlen;
          pdu->tlv_mask |= SR_TLV_MESSAGE_PAYLOAD;
          break;
        case SR_TLV_TAG_SAR_MSG_REF_NUM:
          if ((expect = 2) != tlen)
            goto bad_len;
          pdu->sar_msg_ref_num = rd16 (v);
          pdu->tlv_mask |= SR_TLV_SAR_MSG_REF_NUM;
          break;
        case SR_TLV_TAG_SAR_TOTAL_SEGMENTS:
          if ((expect = 1) != tlen)
            goto bad_len;
          pdu->sar_total_segments = v[0];
          pdu->tlv_mask |= SR_TLV_SAR_TOTAL_SEGMENTS;
          break;
        case SR_TLV_TAG_SAR_SEGMENT_SEQNUM:
          if ((expect = 1) != tlen)
            goto bad_len;
          pdu->sar_segment_seqnum = v[0];
          pdu->tlv_mask |= SR_TLV_SAR_SEGMENT_SEQNUM;
          break;
        case SR_TLV_TAG_MESSAGE_STATE:
          if ((expect = 1) != tlen)
            goto bad_len;
          pdu->message_state = v[0];
          pdu->tlv_mask |= SR_TLV_MESSAGE_STATE;
          break;
        case SR_TLV_TAG_SC_INTERFACE_VERSION:
          if ((expect = 1) != tlen)
            goto bad_len;
          pdu->sc_interface_version = v[0];
          pdu->tlv_mask |= SR_TLV_SC_INTERFACE_VERSION;
          break;
        case SR_TLV_TAG_USER_MESSAGE_REFERENCE:
          if ((expect = 2) != tlen)
            goto bad_len;
          pdu->user_message_reference = rd16 (v);
          pdu->tlv_mask |= SR_TLV_USER_MESSAGE_REFERENCE;
          break;
        case SR_TLV_TAG_NETWORK_ERROR_CODE:
          if ((expect = 3) != tlen)
            goto bad_len;
          memcpy (pdu->network_error_code, v, 3);
          pdu->tlv_mask |= SR_TLV_NETWORK_ERROR_CODE;
          break;
        case SR_TLV_TAG_RECEIPTED_MESSAGE_ID:
          {
            /* A C-octet string; some SMSCs leave out the NUL. */
            gsize n = tlen;
            if (n > 0 && v[n - 1] == 0)
              n--;
            if (memchr (v, 0, n) != NULL)
              return sr_pdu_malformed (error, pdu->command_id, pdu->sequence_number,
                                "receipted_message_id contains a NUL byte");
            if (n > SR_PDU_MESSAGE_ID_MAX)
              return sr_pdu_malformed (error, pdu->command_id, pdu->sequence_number,
                                "receipted_message_id is longer than %u characters",
                                SR_PDU_MESSAGE_ID_MAX);
            memcpy (pdu->receipted_message_id, v, n);
            pdu->receipted_message_id[n] = '\0';
            pdu->tlv_mask |= SR_TLV_RECEIPTED_MESSAGE_ID;
          }
          break;
        default:
          if (!sr_pdu_add_tlv (pdu, tag, v, tlen))
            return sr_pdu_malformed (error, pdu->command_id, pdu->sequence_number,
                              "more than %u unknown optional parameters", SR_PDU_MAX_TLVS);
          break;
        }
      off += 4 + (gsize) tlen;
      continue;

    bad_len:
      return sr_pdu_malformed (error, pdu->command_id, pdu->sequence_number,
                        "%s has length %u, expected %u", tlv_name (tag), tlen, expect);
    }
  return TRUE;
}

/* Bytes the TLVs of @pdu take on the wire. */
gsize
sr_pdu_tlvs_size (const SrPdu *pdu)
{
  gsize n = 0;
  guint32 m = pdu->tlv_mask;
  if (m & SR_TLV_SAR_MSG_REF_NUM) n += 4 + 2;
  if (m & SR_TLV_SAR_TOTAL_SEGMENTS) n += 4 + 1;
  if (m & SR_TLV_SAR_SEGMENT_SEQNUM) n += 4 + 1;
  if (m & SR_TLV_USER_MESSAGE_REFERENCE) n += 4 + 2;
  if (m & SR_TLV_RECEIPTED_MESSAGE_ID) n += 4 + strlen (pdu->receipted_message_id) + 1;
  if (m & SR_TLV_MESSAGE_STATE) n += 4 + 1;
  if (m & SR_TLV_NETWORK_ERROR_CODE) n += 4 + 3;
  if (m & SR_TLV_SC_INTERFACE_VERSION) n += 4 + 1;
  if (m & SR_TLV_MESSAGE_PAYLOAD) n += 4 + pdu->message_payload_len;
  for (guint i = 0; i < pdu->n_tlvs; i++)
    n += 4 + (gsize) pdu->tlvs[i].length;
  return n;
}

static guint8 *
put_tlv (guint8 *p, guint16 tag, guint16 len, const void *value)
{
  wr16 (p, tag);
  wr16 (p + 2, len);
  if (len)
    memcpy (p + 4, value, len);
  return p + 4 + len;
}

guint8 *
sr_pdu_tlvs_put (guint8 *p, const SrPdu *pdu)
{
  guint32 m = pdu->tlv_mask;
  guint8 b[2];
  if (m & SR_TLV_SAR_MSG_REF_NUM)
    {
      wr16 (b, pdu->sar_msg_ref_num);
      p = put_tlv (p, SR_TLV_TAG_SAR_MSG_REF_NUM, 2, b);
    }
  if (m & SR_TLV_SAR_TOTAL_SEGMENTS)
    p = put_tlv (p, SR_TLV_TAG_SAR_TOTAL_SEGMENTS, 1, &pdu->sar_total_segments);
  if (m & SR_TLV_SAR_SEGMENT_SEQNUM)
    p = put_tlv (p, SR_TLV_TAG_SAR_SEGMENT_SEQNUM, 1, &pdu->sar_segment_seqnum);
  if (m & SR_TLV_USER_MESSAGE_REFERENCE)
    {
      wr16 (b, pdu->user_message_reference);
      p = put_tlv (p, SR_TLV_TAG_USER_MESSAGE_REFERENCE, 2, b);
    }
  if (m & SR_TLV_RECEIPTED_MESSAGE_ID)
    p = put_tlv (p, SR_TLV_TAG_RECEIPTED_MESSAGE_ID,
                 (guint16) (strlen (pdu->receipted_message_id) + 1), pdu->receipted_message_id);
  if (m & SR_TLV_MESSAGE_STATE)
    p = put_tlv (p, SR_TLV_TAG_MESSAGE_STATE, 1, &pdu->message_state);
  if (m & SR_TLV_NETWORK_ERROR_CODE)
    p = put_tlv (p, SR_TLV_TAG_NETWORK_ERROR_CODE, 3, pdu->network_error_code);
  if (m & SR_TLV_SC_INTERFACE_VERSION)
    p = put_tlv (p, SR_TLV_TAG_SC_INTERFACE_VERSION, 1, &pdu->sc_interface_version);
  for (guint i = 0; i < pdu->n_tlvs; i++)
    p = put_tlv (p, pdu->tlvs[i].tag, pdu->tlvs[i].length, pdu->tlvs[i].value);
  if (m & SR_TLV_MESSAGE_PAYLOAD)
    p = put_tlv (p, SR_TLV_TAG_MESSAGE_PAYLOAD, (guint16) pdu->message_payload_len,
                 pdu->message_payload);
  return p;
}

