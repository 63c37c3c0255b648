/* fuzz-smpp-pdu.c — the SMPP framer and PDU decoder on bytes from the SMSC.
 *
 * The first byte chooses how the stream is cut into reads (a length or a
 * PDU split across reads is common); the rest is the stream.  Every whole
 * PDU is unpacked, its TLVs looked up, and a decoded PDU packed again: what
 * we accept we must be able to answer or log. */
#include <glib.h>

#include "fuzz-target.h"
#include "sr-pdu.h"
#include "sr-smpp-framer.h"

static void
take_pdu (const guint8 *data, gsize len)
{
  SrPdu pdu;
  g_autoptr (GError) error = NULL;
  if (!sr_pdu_unpack (data, len, &pdu, &error))
    {
      g_assert_nonnull (error);
      return;
    }
  (void) sr_pdu_command_name (pdu.command_id);
  (void) sr_pdu_find_tlv (&pdu, 0x001e);   /* receipted_message_id */
  (void) sr_pdu_find_tlv (&pdu, 0x0424);   /* message_payload */
  gsize body_len = 0;
  (void) sr_pdu_body (&pdu, &body_len);

  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GError) pack_error = NULL;
  if (sr_pdu_pack (&pdu, out, &pack_error))
    g_assert_cmpuint (out->len, >=, 16);
  else
    g_assert_cmpuint (out->len, ==, 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  gsize chunk = (data[0] % 64) + 1;
  data++, size--;

  SrSmppFramer framer;
  sr_smpp_framer_init (&framer);
  gsize off = 0;
  gboolean broken = FALSE;
  while (off < size && !broken)
    {
      gsize n = MIN (chunk, size - off);
      sr_smpp_framer_feed (&framer, data + off, n);
      off += n;
      for (;;)
        {
          const guint8 *pdu;
          gsize len;
          g_autoptr (GError) error = NULL;
          if (sr_smpp_framer_next (&framer, &pdu, &len, &error))
            {
              g_assert_cmpuint (len, >=, 16);
              take_pdu (pdu, len);
              continue;
            }
          broken = error != NULL;
          break;
        }
    }
  sr_smpp_framer_clear (&framer);
  return 0;
}
