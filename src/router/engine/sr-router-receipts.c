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

/* Refused deliveries are reported at most this often. */
#define SR_ROUTER_REFUSED_REPORT_US (60 * G_USEC_PER_SEC)

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

/* receipts/new/<name>: the same header format as outbox files.  FALSE when
 * it could not be written: the receipt is not durable. */
static gboolean
write_receipt_file (SrRouter *router, const SrReceipt *r, const SrJournalReceiptInfo *info,
                    const char *raw, GError **error)
{
  g_autoptr(GString) s = g_string_new (NULL);
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
  /* An app no longer configured has no folder to write to. */
  if (info->app == NULL || sr_router_find_app (router, info->app) == NULL)
    return TRUE;
  return sr_spool_deliver (router->spool, info->app, SR_SPOOL_BOX_RECEIPTS, s->str, s->len,
                           SR_SPOOL_NONE, NULL, error);
}

/* The part a receipt is for (jr->message_id and part; 0 when none).  The id
 * as received matches as it is; with AUTO, an id found only in the other
 * base matches when exactly one part of this provider submitted in the
 * receipt's window carries it: an id the router never saw must not land on
 * a message that happens to have the same number in the other base.
 * Returns FALSE on a journal error. */
static gboolean
correlate (SrRouter *router, const SrProviderConfig *pc, const SrReceipt *r,
           SrJournalReceipt *jr, char keys[SR_RECEIPT_KEYS_MAX][SR_RECEIPT_KEY_SIZE],
           GError **error)
{
  guint n = sr_receipt_keys_for_receipt (r->id, pc->id_format, keys);
  gint64 since, until;
  guint found = 0;
  gint hits;

  jr->smsc_id = keys[0];
  hits = sr_journal_segment_find (router->journal, keys[0], pc->name, 0, 0,
                                  &jr->message_id, &jr->part, error);
  if (hits != 0)
    return hits > 0;
  sr_receipt_submit_window (r, jr->received_at, &since, &until);
  for (guint i = 1; i < n; i++)
    {
      gint64 message_id = 0;
      guint part = 0;

      hits = sr_journal_segment_find (router->journal, keys[i], pc->name, since, until,
                                      &message_id, &part, error);
      if (hits < 0)
        return FALSE;
      if (hits > 0 && found == 0)
        {
          jr->smsc_id = keys[i];
          jr->message_id = message_id;
          jr->part = part;
        }
      found += (guint) hits;
    }
  if (found > 1)
    {
      g_message ("Provider %s: receipt id %s matches %u messages in another base; kept as unmatched",
                 pc->name, r->id, found);
      jr->smsc_id = keys[0];
      jr->message_id = 0;
      jr->part = 0;
    }
  return TRUE;
}

/* A later final receipt that contradicts the first: the first stands. */
static void
record_conflict (SrRouter *router, const SrReceipt *r, const SrJournalReceiptInfo *info)
{
  g_autofree char *text = NULL;

  if (g_strcmp0 (info->kept_stat, r->stat) == 0)
    return;   /* the same receipt again */
  text = g_strdup_printf (_("Part %u/%u: a later final receipt says %s (error %s); the first "
                            "final receipt, %s, stands"),
                          info->part, info->parts, r->stat, r->err[0] ? r->err : "-",
                          info->kept_stat ? info->kept_stat : "?");
  sr_journal_event_add (router->journal, g_get_real_time (), SR_SCOPE_MESSAGE, SR_LEVEL_WARNING,
                        "receipt-conflict", info->message_id, info->app, NULL, text, NULL);
}

/* Not durable: the SMSC must deliver it again.  It does so every few
 * seconds while the fault lasts: one report a minute, with the count. */
static void
refuse (SrRouter *router, SrSmppSession *session, guint64 token, const char *kind,
        const GError *error)
{
  gint64 now = g_get_monotonic_time ();

  sr_smpp_session_ack_deliver (session, token, ESME_RX_T_APPN);
  if (router->refused_reported_at != 0
      && now - router->refused_reported_at < SR_ROUTER_REFUSED_REPORT_US)
    {
      router->refused_unreported++;
      return;
    }
  if (router->refused_unreported > 0)
    {
      g_autofree char *text =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "%s (the SMSC will deliver it again; %u more delivery "
                                      "refused for this since the last report)",
                                      "%s (the SMSC will deliver it again; %u more deliveries "
                                      "refused for this since the last report)",
                                      router->refused_unreported),
                         error->message, router->refused_unreported);
      sr_router_system_event (router, SR_LEVEL_ERROR, kind, text);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_("%s (the SMSC will deliver it again)"),
                                               error->message);
      sr_router_system_event (router, SR_LEVEL_ERROR, kind, text);
    }
  router->refused_reported_at = now;
  router->refused_unreported = 0;
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
  char keys[SR_RECEIPT_KEYS_MAX][SR_RECEIPT_KEY_SIZE];
  gint match;

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

  jr.stat = r.stat;
  jr.err = r.err;
  jr.done_at = r.has_done_date ? r.done_date * G_USEC_PER_SEC : 0;
  jr.state = sr_journal_receipt_state_from_stat (r.stat);
  if (!correlate (router, pc, &r, &jr, keys, &error))
    {
      refuse (router, session, token, "journal", error);
      return;
    }
  if (jr.message_id != 0)
    {
      /* The file first: the journal records a receipt only once the app
       * has it, so a receipt refused here is processed again in full when
       * the SMSC delivers it again. */
      info = sr_journal_receipt_preview (router->journal, &jr, &error);
      if (info == NULL)
        {
          refuse (router, session, token, "journal", error);
          return;
        }
      if (!info->repeated && !write_receipt_file (router, &r, info, raw, &error))
        {
          refuse (router, session, token, "spool", error);
          return;
        }
      g_clear_pointer (&info, sr_journal_receipt_info_free);
    }
  match = sr_journal_record_receipt (router->journal, &jr, &info, &error);
  if (match < 0)
    {
      refuse (router, session, token, "journal", error);
      return;
    }
  if (match == SR_RECEIPT_MATCHED && !info->repeated)
    router->receipts[MIN ((guint) jr.state, G_N_ELEMENTS (router->receipts) - 1)]++;
  if (match == SR_RECEIPT_MATCHED && info->repeated)
    record_conflict (router, &r, info);
  else if (match != SR_RECEIPT_MATCHED)
    g_debug ("Provider %s: receipt for unknown id %s kept as unmatched", pc->name, r.id);
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
