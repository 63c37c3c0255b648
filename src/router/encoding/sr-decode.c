/* sr-decode.c — decoding inbound user data by data_coding. */
#define G_LOG_DOMAIN "sr-encoding"

#include "sr-decode.h"
#include "sr-gsm7.h"
#include "sr-ucs2.h"

#include <glib/gi18n-lib.h>
#include <string.h>

void
sr_data_coding_parse (guint8 dc, SrDataCoding0 dc0, SrDataCodingInfo *info)
{
  g_return_if_fail (info != NULL);

  memset (info, 0, sizeof *info);
  info->message_class = -1;
  info->alphabet = SR_ALPHABET_BINARY;

  if (dc <= 0x0F) {
    /* SMPP 3.4 §5.2.19 values. */
    switch (dc) {
    case 0x00:
      if (dc0 == SR_DC0_LATIN1) {
        info->alphabet = SR_ALPHABET_LATIN1;
      } else {
        info->alphabet = SR_ALPHABET_GSM;
        info->packed = dc0 == SR_DC0_GSM_PACKED;
      }
      break;
    case 0x01:
      info->alphabet = SR_ALPHABET_IA5;
      break;
    case 0x03:
      info->alphabet = SR_ALPHABET_LATIN1;
      break;
    case 0x08:
      info->alphabet = SR_ALPHABET_UCS2;
      break;
    default:
      break;   /* 2 and 4: octets; 5-7, 9-15: charsets we keep as binary */
    }
    return;
  }
  if (dc < 0x80) {
    /* TS 23.038 general data coding (00xx) and automatic deletion (01xx). */
    info->compressed = (dc & 0x20) != 0;
    if (dc & 0x10)
      info->message_class = dc & 0x03;
    switch ((dc >> 2) & 0x03) {
    case 0:
      info->alphabet = SR_ALPHABET_GSM;
      info->packed = dc0 == SR_DC0_GSM_PACKED;
      break;
    case 2:
      info->alphabet = SR_ALPHABET_UCS2;
      break;
    default:
      break;   /* 8-bit data, reserved */
    }
    if (info->compressed)
      info->alphabet = SR_ALPHABET_BINARY;
    return;
  }
  if (dc >= 0xC0 && dc <= 0xDF) {
    /* Message waiting indication, discard or store: GSM 7-bit. */
    info->alphabet = SR_ALPHABET_GSM;
    info->packed = dc0 == SR_DC0_GSM_PACKED;
    return;
  }
  if (dc >= 0xE0 && dc <= 0xEF) {
    info->alphabet = SR_ALPHABET_UCS2;
    return;
  }
  if (dc >= 0xF0) {
    /* Data coding / message class: bit 2 set = 8-bit data. */
    info->message_class = dc & 0x03;
    if ((dc & 0x04) == 0) {
      info->alphabet = SR_ALPHABET_GSM;
      info->packed = dc0 == SR_DC0_GSM_PACKED;
    }
  }
  /* 0x80..0xBF: reserved, binary. */
}

/* The parts' octets as one run; @owned is set when a copy was needed. */
static const guint8 *
join (const SrUserData *parts, guint n, gsize *len, guint8 **owned)
{
  gsize total = 0, o = 0;
  guint8 *buf;

  *owned = NULL;
  if (n == 1) {
    *len = parts[0].len;
    return parts[0].data;
  }
  for (guint i = 0; i < n; i++)
    total += parts[i].len;
  buf = g_malloc (total + 1);
  for (guint i = 0; i < n; i++) {
    if (parts[i].len > 0)
      memcpy (buf + o, parts[i].data, parts[i].len);
    o += parts[i].len;
  }
  *len = total;
  *owned = buf;
  return buf;
}

static char *
to_hex (const guint8 *data, gsize len)
{
  static const char digits[] = "0123456789ABCDEF";
  char *s = g_malloc (2 * len + 1);

  for (gsize i = 0; i < len; i++) {
    s[2 * i] = digits[data[i] >> 4];
    s[2 * i + 1] = digits[data[i] & 0x0F];
  }
  s[2 * len] = '\0';
  return s;
}

SrDecoded *
sr_decode_user_data (const SrUserData *parts, guint n_parts, guint8 data_coding, SrDataCoding0 dc0)
{
  SrDataCodingInfo info;
  SrDecoded *d = g_new0 (SrDecoded, 1);
  g_autofree guint8 *owned = NULL;
  const guint8 *data;
  GString *out;
  gsize len;

  if (parts == NULL && n_parts > 0) {
    g_critical ("%s: parts is NULL but n_parts is %u", G_STRFUNC, n_parts);
    n_parts = 0;
  }

  sr_data_coding_parse (data_coding, dc0, &info);
  d->alphabet = info.alphabet;
  d->message_class = info.message_class;

  if (info.alphabet == SR_ALPHABET_GSM && info.packed) {
    gsize total = 0, n = 0;
    g_autofree guint8 *septets = NULL;

    for (guint i = 0; i < n_parts; i++)
      total += sr_gsm7_unpacked_size (parts[i].len, MIN (parts[i].fill_bits, 6u));
    septets = g_malloc (total + 1);
    for (guint i = 0; i < n_parts; i++)
      n += sr_gsm7_unpack (parts[i].data, parts[i].len, MIN (parts[i].fill_bits, 6u), septets + n);
    out = g_string_sized_new (n + 1);
    sr_gsm7_decode_append (out, septets, n, &d->undecodable);
  } else {
    data = n_parts > 0 ? join (parts, n_parts, &len, &owned) : (const guint8 *) "";
    if (n_parts == 0)
      len = 0;
    switch (info.alphabet) {
    case SR_ALPHABET_GSM:
      out = g_string_sized_new (len + 1);
      sr_gsm7_decode_append (out, data, len, &d->undecodable);
      break;
    case SR_ALPHABET_IA5:
      out = g_string_sized_new (len + 1);
      sr_ia5_decode_append (out, data, len, &d->undecodable);
      break;
    case SR_ALPHABET_LATIN1:
      out = g_string_sized_new (2 * len + 1);
      sr_latin1_decode_append (out, data, len, &d->undecodable);
      break;
    case SR_ALPHABET_UCS2:
      out = g_string_sized_new (len + len / 2 + 1);
      sr_ucs2_decode_append (out, data, len, &d->undecodable);
      break;
    default:
      d->text = to_hex (data, len);
      d->flags |= SR_DECODE_FLAG_BINARY;
      d->problem = info.compressed
        ? g_strdup_printf (_("compressed data (data_coding 0x%02X) is not supported; kept as hex"), data_coding)
        : g_strdup_printf (_("binary data (data_coding 0x%02X); kept as hex"), data_coding);
      return d;
    }
  }
  d->text = g_string_free (out, FALSE);
  if (d->undecodable > 0) {
    d->flags |= SR_DECODE_FLAG_UNDECODABLE;
    d->problem = g_strdup_printf (ngettext ("undecodable bytes: %u character replaced by U+FFFD (data_coding 0x%02X)",
                                            "undecodable bytes: %u characters replaced by U+FFFD (data_coding 0x%02X)",
                                            d->undecodable),
                                  d->undecodable, data_coding);
  }
  return d;
}

SrDecoded *
sr_decode_sm (const guint8 *data, gsize len, guint8 esm_class, guint8 data_coding, SrDataCoding0 dc0)
{
  SrUserData part = { data, len, 0 };
  SrUdhInfo udh = { 0 };
  SrDecoded *d;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (esm_class & 0x40) {
    g_autoptr(GError) error = NULL;

    if (!sr_udh_parse (data, len, &udh, &error)) {
      SrDataCodingInfo info;

      /* Nothing can be trusted about where the text starts: keep it all. */
      sr_data_coding_parse (data_coding, dc0, &info);
      d = g_new0 (SrDecoded, 1);
      d->text = to_hex (data, len);
      d->alphabet = SR_ALPHABET_BINARY;
      d->message_class = info.message_class;
      d->flags = SR_DECODE_FLAG_BAD_UDH | SR_DECODE_FLAG_BINARY;
      d->problem = g_strdup_printf (_("%s; the whole message is kept as hex"), error->message);
      return d;
    }
    {
      SrDataCodingInfo info;

      sr_data_coding_parse (data_coding, dc0, &info);
      part.data = data + udh.length;
      part.len = len - udh.length;
      part.fill_bits = info.alphabet == SR_ALPHABET_GSM && info.packed ? sr_udh_fill_bits (udh.length) : 0;
    }
  }
  d = sr_decode_user_data (&part, 1, data_coding, dc0);
  if (esm_class & 0x40) {
    d->has_udh = TRUE;
    d->udh = udh;
    d->body_offset = udh.length;
    d->fill_bits = part.fill_bits;
  }
  return d;
}

void
sr_decoded_free (SrDecoded *decoded)
{
  if (decoded == NULL)
    return;
  g_free (decoded->text);
  g_free (decoded->problem);
  g_free (decoded);
}
