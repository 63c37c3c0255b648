/* sr-sim-receipt.c — delivery receipts: the `id: sub: dlvrd: submit date:
 * done date: stat: err: text:` text plus the receipted_message_id and
 * message_state TLVs, as most SMSCs send them. */
#define G_LOG_DOMAIN "sr-sim"

#include "sr-sim-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* What one receipt reports. */
typedef struct {
  const char *system_id;         /* who gets it; NULL = any receiver */
  const char *message_id;
  const SrSimStatRule *rule;
  const char *text;              /* at most 20 printable characters */
  guint8 src_ton, src_npi;       /* of the original message */
  const char *src;
  guint8 dst_ton, dst_npi;
  const char *dst;
  gint64 submitted_us;           /* real time */
  gint64 done_us;
} ReceiptInfo;

void
sr_sim_format_id (SrSimIdFormat format, guint64 value, char *out, gsize size)
{
  static const char digits[] = "0123456789abcdef";
  guint base = format == SR_SIM_ID_DEC ? 10 : 16;
  char tmp[24];
  gsize n = 0;
  gsize i;

  do
    {
      tmp[n++] = digits[value % base];
      value /= base;
    }
  while (value > 0 && n < sizeof tmp);
  for (i = 0; i < n && i + 1 < size; i++)
    out[i] = tmp[n - 1 - i];
  out[i] = '\0';
}

static const SrSimStatRule *
find_stat_rule (SrSim *sim, const char *dest)
{
  guint i;

  for (i = 0; i < sim->stat_rules->len; i++)
    {
      const SrSimStatRule *rule = g_ptr_array_index (sim->stat_rules, i);
      const char *prefix = rule->prefix[0] == '+' ? rule->prefix + 1 : rule->prefix;
      const char *d = dest[0] == '+' ? dest + 1 : dest;
      if (g_str_has_prefix (d, prefix))
        return rule;
    }
  return &sim->default_stat;
}

/* YYMMDDhhmm in UTC; the last minute is cached, receipts come in bursts. */
static void
format_smpp_date (SrSim *sim, gint64 real_us, char out[11])
{
  gint64 minute = real_us / G_USEC_PER_SEC / 60;

  if (minute != sim->date_minute || sim->date_text[0] == '\0')
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (minute * 60);
      g_autofree char *s = g_date_time_format (dt, "%y%m%d%H%M");
      g_strlcpy (sim->date_text, s, sizeof sim->date_text);
      sim->date_minute = minute;
    }
  memcpy (out, sim->date_text, sizeof sim->date_text);
}

static SrSimDelivery *
build_receipt (SrSim *sim, const ReceiptInfo *info, GError **error)
{
  const SrSimStatRule *rule = info->rule;
  gboolean success = strcmp (rule->stat, "DELIVRD") == 0;
  char submit_date[11], done_date[11];
  GByteArray *packed;
  gsize len;
  SrPdu pdu;

  format_smpp_date (sim, info->submitted_us, submit_date);
  format_smpp_date (sim, info->done_us, done_date);

  /* The receipt comes from the destination, back to the sender. */
  sr_pdu_init (&pdu, SR_CMD_DELIVER_SM, 1);   /* the real one is set at each send */
  pdu.source_addr_ton = info->dst_ton;
  pdu.source_addr_npi = info->dst_npi;
  g_strlcpy (pdu.source_addr, info->dst, sizeof pdu.source_addr);
  pdu.dest_addr_ton = info->src_ton;
  pdu.dest_addr_npi = info->src_npi;
  g_strlcpy (pdu.destination_addr, info->src, sizeof pdu.destination_addr);
  pdu.esm_class = 0x04;
  pdu.sm_length = g_snprintf ((char *) pdu.short_message, sizeof pdu.short_message,
                              "id:%s sub:001 dlvrd:%s submit date:%s done date:%s stat:%s err:%03u text:%s",
                              info->message_id, success ? "001" : "000", submit_date, done_date,
                              rule->stat, rule->err, info->text);
  pdu.sm_length = MIN (pdu.sm_length, sizeof pdu.short_message);
  pdu.tlv_mask = SR_TLV_RECEIPTED_MESSAGE_ID | SR_TLV_MESSAGE_STATE;
  g_strlcpy (pdu.receipted_message_id, info->message_id, sizeof pdu.receipted_message_id);
  pdu.message_state = rule->state;
  if (rule->err != 0)
    {
      /* network_error_code: type 3 (GSM), then the error as 2 octets. */
      pdu.tlv_mask |= SR_TLV_NETWORK_ERROR_CODE;
      pdu.network_error_code[0] = 3;
      pdu.network_error_code[1] = (rule->err >> 8) & 0xFF;
      pdu.network_error_code[2] = rule->err & 0xFF;
    }

  packed = g_byte_array_sized_new (128 + pdu.sm_length);
  if (!sr_pdu_pack (&pdu, packed, error))
    {
      g_byte_array_unref (packed);
      return NULL;
    }
  sim->stats.receipts_queued++;
  len = packed->len;
  return sr_sim_delivery_new (sim, info->system_id, g_byte_array_free (packed, FALSE), len, TRUE);
}

void
sr_sim_receipt_for_submit (SrSimConn *conn, const SrPdu *req, guint64 id_value, const char *message_id)
{
  SrSim *sim = conn->sim;
  const SrSimStatRule *rule;
  guint8 wanted = req->registered_delivery & 0x03;
  gint64 now;
  char receipt_id[24];
  char text[21];
  const guint8 *body;
  gsize body_len, skip = 0, i, n;
  ReceiptInfo info;
  SrSimDelivery *delivery;
  g_autoptr(GError) error = NULL;

  if (sim->no_receipts || wanted == 0)
    return;
  rule = find_stat_rule (sim, req->destination_addr);
  /* registered_delivery 2: a receipt on failure only. */
  if (wanted == 2 && strcmp (rule->stat, "DELIVRD") == 0)
    return;

  if (sim->receipt_id_format == SR_SIM_ID_SAME)
    g_strlcpy (receipt_id, message_id, sizeof receipt_id);
  else
    sr_sim_format_id (sim->receipt_id_format, id_value, receipt_id, sizeof receipt_id);

  body = sr_pdu_body (req, &body_len);
  if ((req->esm_class & 0x40) && body_len > 0)
    skip = MIN ((gsize) body[0] + 1, body_len);
  for (i = skip, n = 0; i < body_len && n < 20; i++, n++)
    text[n] = body[i] >= 0x20 && body[i] < 0x7F ? (char) body[i] : '.';
  text[n] = '\0';

  now = g_get_real_time ();
  info = (ReceiptInfo) {
    .system_id = conn->system_id,
    .message_id = receipt_id,
    .rule = rule,
    .text = text,
    .src_ton = req->source_addr_ton, .src_npi = req->source_addr_npi, .src = req->source_addr,
    .dst_ton = req->dest_addr_ton, .dst_npi = req->dest_addr_npi, .dst = req->destination_addr,
    .submitted_us = now,
    .done_us = now + (gint64) sim->receipt_delay_ms * 1000,
  };
  delivery = build_receipt (sim, &info, &error);
  if (delivery == NULL)
    {
      g_warning ("cannot pack a receipt for %s: %s", message_id, error->message);
      return;
    }
  sr_sim_receipt_schedule (sim, delivery);
}

gboolean
sr_sim_inject_receipt (SrSim *sim, const char *message_id, const char *stat, GError **error)
{
  SrSimStatRule rule = { 0 };
  SrSimDelivery *delivery;
  ReceiptInfo info;
  gint64 now = g_get_real_time ();

  g_return_val_if_fail (sim != NULL && message_id != NULL, FALSE);

  if (message_id[0] == '\0' || strlen (message_id) > SR_PDU_MESSAGE_ID_MAX)
    {
      g_set_error (error, SR_SIM_ERROR, SR_SIM_ERROR_INVALID_OPTION,
                   _("Invalid message id “%s” for a receipt: expected 1 to %d characters."),
                   message_id, SR_PDU_MESSAGE_ID_MAX);
      return FALSE;
    }
  if (stat != NULL && !sr_sim_parse_stat_rule (stat, FALSE, &rule, error))
    return FALSE;
  info = (ReceiptInfo) {
    .system_id = NULL,
    .message_id = message_id,
    .rule = stat != NULL ? &rule : &sim->default_stat,
    .text = "",
    .src_ton = 1, .src_npi = 1, .src = "41790000000",
    .dst_ton = 1, .dst_npi = 1, .dst = "41791234567",
    .submitted_us = now,
    .done_us = now,
  };
  delivery = build_receipt (sim, &info, error);
  if (delivery == NULL)
    return FALSE;
  sr_sim_deliver_enqueue (sim, delivery);
  sr_sim_deliver_pump_soon (sim);
  return TRUE;
}
