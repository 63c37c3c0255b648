/* sr-udh.c — user data header parsing and writing. */
#define G_LOG_DOMAIN "sr-encoding"

#include "sr-udh.h"

#include <glib/gi18n-lib.h>
#include <string.h>

gboolean
sr_udh_parse (const guint8 *data, gsize len, SrUdhInfo *info, GError **error)
{
  gsize udhl, pos, end;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (info, 0, sizeof *info);
  if (len == 0) {
    g_set_error (error, SR_ENCODING_ERROR, SR_ENCODING_ERROR_BAD_UDH,
                 _("Bad user data header: the message is empty although its header indicator is set"));
    return FALSE;
  }
  udhl = data[0];
  if (udhl + 1 > len) {
    g_set_error (error, SR_ENCODING_ERROR, SR_ENCODING_ERROR_BAD_UDH,
                 _("Bad user data header: its length %u exceeds the %zu octets that follow it"),
                 (guint) udhl, len - 1);
    return FALSE;
  }
  end = udhl + 1;
  for (pos = 1; pos < end;) {
    guint8 iei, iel;
    const guint8 *v;

    if (end - pos < 2) {
      g_set_error (error, SR_ENCODING_ERROR, SR_ENCODING_ERROR_BAD_UDH,
                   _("Bad user data header: element at octet %zu is cut off by the header length %u"),
                   pos, (guint) udhl);
      return FALSE;
    }
    iei = data[pos];
    iel = data[pos + 1];
    if (iel > end - pos - 2) {
      g_set_error (error, SR_ENCODING_ERROR, SR_ENCODING_ERROR_BAD_UDH,
                   _("Bad user data header: element 0x%02X at octet %zu has length %u but only %zu octets remain in the header"),
                   iei, pos, iel, end - pos - 2);
      return FALSE;
    }
    v = data + pos + 2;
    info->n_elements++;
    if ((iei == SR_UDH_IEI_CONCAT8 && iel != 3) || (iei == SR_UDH_IEI_CONCAT16 && iel != 4)) {
      g_set_error (error, SR_ENCODING_ERROR, SR_ENCODING_ERROR_BAD_UDH,
                   _("Bad user data header: concatenation element 0x%02X has length %u instead of %u"),
                   iei, iel, iei == SR_UDH_IEI_CONCAT8 ? 3u : 4u);
      return FALSE;
    }
    if (iei == SR_UDH_IEI_CONCAT8 || iei == SR_UDH_IEI_CONCAT16) {
      gboolean wide = iei == SR_UDH_IEI_CONCAT16;
      guint16 ref = wide ? (guint16) ((v[0] << 8) | v[1]) : v[0];
      guint8 total = v[wide ? 2 : 1], seq = v[wide ? 3 : 2];

      /* TS 23.040: a later element of the same kind overrides; an element
       * with impossible numbers is ignored. */
      if (total != 0 && seq != 0 && seq <= total) {
        info->concat = TRUE;
        info->ref16 = wide;
        info->ref = ref;
        info->total = total;
        info->seq = seq;
      }
    }
    pos += 2 + (gsize) iel;
  }
  info->length = end;
  return TRUE;
}

gsize
sr_udh_write_concat8 (guint8 *out, guint8 ref, guint8 total, guint8 seq)
{
  out[0] = 0x05;
  out[1] = SR_UDH_IEI_CONCAT8;
  out[2] = 0x03;
  out[3] = ref;
  out[4] = total;
  out[5] = seq;
  return SR_UDH_CONCAT8_LEN;
}

gsize
sr_udh_write_concat16 (guint8 *out, guint16 ref, guint8 total, guint8 seq)
{
  out[0] = 0x06;
  out[1] = SR_UDH_IEI_CONCAT16;
  out[2] = 0x04;
  out[3] = (guint8) (ref >> 8);
  out[4] = (guint8) ref;
  out[5] = total;
  out[6] = seq;
  return SR_UDH_CONCAT16_LEN;
}
