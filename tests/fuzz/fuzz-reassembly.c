/* fuzz-reassembly.c — inbound user data: UDH and SAR concatenation,
 * reassembly of parts, and the GSM (packed and unpacked), IA5, Latin-1 and
 * UCS-2 decoders, up to the inbox file the parts become.
 *
 * Input: a one-octet data_coding, a one-octet choice of how SMSC data_coding
 * 0 reads, then parts, each a length octet, an esm_class octet, three SAR
 * octets (reference, total, sequence; all zero means no SAR TLVs) and the
 * body.  Parts are grouped as the inbound handler groups them (by key). */
#include <glib.h>
#include <string.h>

#include "fuzz-target.h"
#include "sr-decode.h"
#include "sr-inbound-private.h"
#include "sr-pdu.h"

static void
check_decoded (const SrDecoded *d)
{
  g_assert_nonnull (d);
  g_assert_nonnull (d->text);
  g_assert_true (g_utf8_validate (d->text, -1, NULL));
}

static void
deliver (SrInboundGroup *group, SrDataCoding0 dc0)
{
  g_autoptr (SrDecoded) decoded = sr_inbound_group_decode (group, dc0);
  check_decoded (decoded);
  g_autofree char *present = sr_inbound_group_parts_list (group);
  SrInboundFileInfo info = {
    .sender = "+41791234567",
    .recipient = "+41797654321",
    .received_at = 1,
    .provider = "main",
    .decoded = decoded,
    .total = group->total,
    .incomplete_parts = group->have < group->total ? present : NULL,
  };
  g_autoptr (GString) file = sr_inbound_format_file (&info);
  g_assert_true (g_utf8_validate (file->str, file->len, NULL));
  g_assert_nonnull (strstr (file->str, "\n\n"));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 2)
    return 0;
  guint8 data_coding = data[0];
  SrDataCoding0 dc0 = data[1] % 3;
  gsize off = 2;

  SrInboundGroup *groups[8] = { NULL };
  guint n_groups = 0;
  while (off + 5 <= size && n_groups < G_N_ELEMENTS (groups))
    {
      gsize len = MIN ((gsize) data[off], size - off - 5);
      guint8 esm_class = data[off + 1];
      SrPdu pdu;
      sr_pdu_init (&pdu, 0x00000005, 1);
      pdu.data_coding = data_coding;
      pdu.esm_class = esm_class;
      if (data[off + 3] != 0 || data[off + 4] != 0)
        {
          pdu.tlv_mask |= SR_TLV_SAR_MSG_REF_NUM | SR_TLV_SAR_TOTAL_SEGMENTS
                          | SR_TLV_SAR_SEGMENT_SEQNUM;
          pdu.sar_msg_ref_num = data[off + 2];
          pdu.sar_total_segments = data[off + 3];
          pdu.sar_segment_seqnum = data[off + 4];
        }
      const guint8 *body = data + off + 5;
      off += 5 + len;

      /* Every part decodes alone (what the inbox shows of a lone part). */
      g_autoptr (SrDecoded) single = sr_decode_sm (body, len, esm_class, data_coding, dc0);
      check_decoded (single);

      SrInboundPart *part = sr_inbound_part_new (body, len, data_coding, esm_class, 1);
      sr_inbound_part_classify (part, &pdu);
      g_assert_cmpuint (part->udh_len, <=, part->len);
      g_assert_cmpuint (part->seq, >=, 1);
      g_assert_cmpuint (part->seq, <=, MAX (part->total, 1));
      g_autofree char *key = sr_inbound_part_key ("main", "41791234567", "41797654321", part);

      SrInboundGroup *group = NULL;
      for (guint i = 0; i < n_groups; i++)
        if (strcmp (groups[i]->key, key) == 0)
          group = groups[i];
      if (!group)
        {
          group = sr_inbound_group_new (NULL, key, part, "main", "41791234567", 1,
                                        "41797654321", 1, 1);
          groups[n_groups++] = group;
        }
      sr_inbound_group_add (group, part);
      g_assert_cmpuint (group->have, <=, group->total);
    }

  for (guint i = 0; i < n_groups; i++)
    {
      deliver (groups[i], dc0);
      sr_inbound_group_free (groups[i]);
    }
  return 0;
}
