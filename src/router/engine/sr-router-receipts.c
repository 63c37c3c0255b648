/* sr-router-receipts.c — deliver_sm from the SMSC: delivery receipts are
 * parsed, correlated, journalled and written to the app's receipts/; other
 * deliver_sm go to the inbound module.  deliver_sm_resp goes out only once
 * the receipt is durable. */
#define G_LOG_DOMAIN "sr-router"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sr-router-private.h"
#include "sr-receipt.h"

#define ESME_ROK 0x00000000u
#define ESME_RX_T_APPN 0x00000064u

/* esm_class message type bits: SMSC delivery receipt, SME acks, intermediate. */
#define ESM_TYPE_MASK 0x3C

static void
queue_ack (SrRouter *router, SrSmppSession *session, guint64 token, guint32 status)
{
  SrRouterAck *ack = g_new0 (SrRouterAck, 1);

  ack->session = sr_smpp_session_ref (session);
  ack->token = token;
  ack->status = status;
  if (router->open_acks == NULL)
    router->open_acks = g_ptr_array_new ();
  g_ptr_array_add (router->open_acks, ack);
  sr_router_schedule_seal (router);
}

void
sr_router_acks_batch (SrRouter *router, GPtrArray *acks, const GError *error)
{
  for (guint i = 0; i < acks->len; i++)
    {
      SrRouterAck *ack = g_ptr_array_index (acks, i);

      /* A lost write: let the SMSC deliver it again. */
      sr_smpp_session_ack_deliver (ack->session, ack->token, error ? ESME_RX_T_APPN : ack->status);
      sr_smpp_session_unref (ack->session);
      g_free (ack);
    }
}

static const char *
journal_state_word (SrMessageState state)
{
  switch (state)
    {
    case SR_MESSAGE_DELIVERED: return "delivered";
    case SR_MESSAGE_UNDELIVERABLE: return "undeliverable";
    case SR_MESSAGE_SENT: return "sent";
    default: return "pending";
    }
}

/* receipts/new/<name>: the same header format as outbox files. */
static void
write_receipt_file (SrRouter *router, const SrReceipt *r, const SrJournalReceiptInfo *info,
                    const char *raw)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *submitted = info->submitted_at ? sr_router_format_time (info->submitted_at)
                                                  : g_strdup ("");
  g_autofree char *done = r->has_done_date ? sr_router_format_time (r->done_date * G_USEC_PER_SEC)
                                           : g_strdup ("");
  g_autofree char *part = g_strdup_printf ("%u/%u", info->part, info->parts);
  const char *headers[] = {
    "Reference", info->reference ? info->reference : "",
    "To", info->to_e164 ? info->to_e164 : (info->to_raw ? info->to_raw : ""),
    "Status", r->stat,
    "SMSC-Id", r->id,
    "Submitted", submitted,
    "Done", done,
    "Error", r->err,
    "Part", part,
    "Message-Status", journal_state_word (info->state),
    "Final", info->final ? "yes" : "no",
    "File", info->file ? info->file : "",
    NULL,
  };

  sr_message_append_headers (s, headers, FALSE);
  g_string_append_c (s, '\n');
  g_string_append (s, raw);
  g_string_append_c (s, '\n');
  if (info->app == NULL || sr_router_find_app (router, info->app) == NULL)
    return;
  if (!sr_spool_deliver (router->spool, info->app, SR_SPOOL_BOX_RECEIPTS, s->str, s->len,
                         SR_SPOOL_NONE, NULL, &error))
    sr_router_system_event (router, SR_LEVEL_ERROR, "spool", error->message);
}

static void
handle_receipt (SrRouter *router, SrRouterBind *bind, SrSmppSession *session,
                const SrPdu *pdu, guint64 token)
{
  const SrProviderConfig *pc = bind->provider->config;
  SrReceiptTlvs tlvs = { 0 };
  SrReceipt r;
  g_autoptr(GError) error = NULL;
  g_autofree char *raw = NULL;
  const guint8 *body;
  gsize len = 0;
  SrJournalReceipt jr = { 0 };
  g_autoptr(SrJournalReceiptInfo) info = NULL;

  body = sr_pdu_body (pdu, &len);
  raw = g_utf8_make_valid ((const char *) body, len);
  if (pdu->tlv_mask & SR_TLV_RECEIPTED_MESSAGE_ID)
    tlvs.receipted_message_id = pdu->receipted_message_id;
  if (pdu->tlv_mask & SR_TLV_MESSAGE_STATE)
    tlvs.message_state = pdu->message_state;
  if (pdu->tlv_mask & SR_TLV_NETWORK_ERROR_CODE)
    {
      tlvs.has_network_error = TRUE;
      tlvs.network_type = pdu->network_error_code[0];
      tlvs.network_error = (guint16) (pdu->network_error_code[1] << 8 | pdu->network_error_code[2]);
    }

  jr.received_at = g_get_real_time ();
  jr.provider = (char *) pc->name;
  jr.raw = raw;
  if (!sr_receipt_parse (&tlvs, (const char *) body, len, &r, &error))
    {
      /* Kept as unmatched, and acknowledged: it will not get better. */
      g_message ("Provider %s: unusable receipt (%s): %s", pc->name, error->message, raw);
      jr.stat = (char *) "UNKNOWN";
      sr_journal_record_receipt (router->journal, &jr, NULL, NULL);
      queue_ack (router, session, token, ESME_ROK);
      return;
    }

  {
    char keys[SR_RECEIPT_KEYS_MAX][SR_RECEIPT_KEY_SIZE];
    guint n = sr_receipt_keys_for_receipt (r.id, pc->id_format, keys);
    gint match = SR_RECEIPT_UNMATCHED;

    jr.stat = r.stat;
    jr.err = r.err;
    jr.done_at = r.has_done_date ? r.done_date * G_USEC_PER_SEC : 0;
    jr.state = sr_journal_receipt_state_from_stat (r.stat);
    /* TODO(journal): a lookup without a write would spare the unmatched rows
     * that trying the second and third key of an AUTO id leaves behind. */
    for (guint i = 0; i < n && match != SR_RECEIPT_MATCHED; i++)
      {
        g_clear_pointer (&info, sr_journal_receipt_info_free);
        jr.smsc_id = keys[i];
        match = sr_journal_record_receipt (router->journal, &jr, &info, &error);
        if (match < 0)
          {
            sr_router_system_event (router, SR_LEVEL_ERROR, "journal", error->message);
            /* Not durable: the SMSC sends it again. */
            sr_smpp_session_ack_deliver (session, token, ESME_RX_T_APPN);
            return;
          }
      }
    if (match == SR_RECEIPT_MATCHED && info)
      write_receipt_file (router, &r, info, raw);
    else
      g_debug ("Provider %s: receipt for unknown id %s kept as unmatched", pc->name, r.id);
  }
  queue_ack (router, session, token, ESME_ROK);
  sr_router_changed (router);
}

void
sr_router_deliver (SrSmppSession *session, const SrPdu *pdu, guint64 token, gpointer user_data)
{
  SrRouterBind *bind = user_data;
  SrRouter *router = bind->provider->router;

  if ((pdu->esm_class & ESM_TYPE_MASK) != 0 || (pdu->tlv_mask & SR_TLV_RECEIPTED_MESSAGE_ID))
    {
      handle_receipt (router, bind, session, pdu, token);
      return;
    }
  sr_router_inbound_handle (router, bind, session, pdu, token);
}
