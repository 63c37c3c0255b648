/* fuzz-receipt.c — the delivery-receipt text parser and the SMSC id
 * normaliser.  The first byte picks the TLVs that accompany the text. */
#include <glib.h>
#include <string.h>

#include "fuzz-target.h"
#include "sr-receipt.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  guint8 flags = data[0];
  const char *text = (const char *) data + 1;
  gsize len = size - 1;

  /* The receipted_message_id TLV, when present, is the text up to a NUL. */
  g_autofree char *tlv_id = g_strndup (text, MIN (len, 64));
  SrReceiptTlvs tlvs = { 0 };
  if (flags & 1)
    tlvs.receipted_message_id = tlv_id;
  if (flags & 2)
    tlvs.message_state = flags >> 4;
  if (flags & 4)
    {
      tlvs.has_network_error = TRUE;
      tlvs.network_type = flags;
      tlvs.network_error = (guint16) (flags * 257);
    }

  SrReceipt receipt;
  g_autoptr (GError) error = NULL;
  if (sr_receipt_parse ((flags & 7) ? &tlvs : NULL, text, len, &receipt, &error))
    {
      g_assert_no_error (error);
      g_assert_true (receipt.id[0] != '\0');
      g_assert_nonnull (memchr (receipt.stat, '\0', sizeof receipt.stat));
      g_assert_nonnull (memchr (receipt.err, '\0', sizeof receipt.err));
      g_assert_nonnull (memchr (receipt.text, '\0', sizeof receipt.text));
      (void) sr_receipt_part_to_string (receipt.state);

      /* Every id format gives keys, and an id always matches itself. */
      for (SrIdFormat format = SR_ID_FORMAT_AUTO; format <= SR_ID_FORMAT_DEC_TO_HEX; format++)
        {
          char keys[SR_RECEIPT_KEYS_MAX][SR_RECEIPT_KEY_SIZE];
          guint n = sr_receipt_keys_for_receipt (receipt.id, format, keys);
          g_assert_cmpuint (n, >=, 1);
          g_assert_cmpuint (n, <=, SR_RECEIPT_KEYS_MAX);
          for (guint i = 0; i < n; i++)
            g_assert_nonnull (memchr (keys[i], '\0', SR_RECEIPT_KEY_SIZE));
          char key[SR_RECEIPT_KEY_SIZE];
          sr_receipt_key_for_submit (receipt.id, format, key);
          g_assert_nonnull (memchr (key, '\0', SR_RECEIPT_KEY_SIZE));
        }
      g_assert_true (sr_receipt_id_matches (receipt.id, receipt.id, SR_ID_FORMAT_AUTO));
    }
  else
    g_assert_nonnull (error);
  return 0;
}
