/* sr-gsm7.c — GSM 03.38 tables, septet encoding and packing. */
#define G_LOG_DOMAIN "sr-encoding"

#include "sr-gsm7.h"
#include "sr-encoding-private.h"

#include <string.h>

const gunichar sr_gsm7_default_table[128] = {
  /* 0x00 */ 0x0040, 0x00A3, 0x0024, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC,
  /* 0x08 */ 0x00F2, 0x00C7, 0x000A, 0x00D8, 0x00F8, 0x000D, 0x00C5, 0x00E5,
  /* 0x10 */ 0x0394, 0x005F, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8,
  /* 0x18 */ 0x03A3, 0x0398, 0x039E, 0x00A0, 0x00C6, 0x00E6, 0x00DF, 0x00C9,
  /* 0x20 */ 0x0020, 0x0021, 0x0022, 0x0023, 0x00A4, 0x0025, 0x0026, 0x0027,
  /* 0x28 */ 0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F,
  /* 0x30 */ 0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,
  /* 0x38 */ 0x0038, 0x0039, 0x003A, 0x003B, 0x003C, 0x003D, 0x003E, 0x003F,
  /* 0x40 */ 0x00A1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
  /* 0x48 */ 0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F,
  /* 0x50 */ 0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,
  /* 0x58 */ 0x0058, 0x0059, 0x005A, 0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7,
  /* 0x60 */ 0x00BF, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,
  /* 0x68 */ 0x0068, 0x0069, 0x006A, 0x006B, 0x006C, 0x006D, 0x006E, 0x006F,
  /* 0x70 */ 0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
  /* 0x78 */ 0x0078, 0x0079, 0x007A, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,
};

const gunichar sr_gsm7_extension_table[128] = {
  [0x0A] = 0x000C,  /* form feed (page break) */
  [0x14] = 0x005E,  /* ^ */
  [0x28] = 0x007B,  /* { */
  [0x29] = 0x007D,  /* } */
  [0x2F] = 0x005C,  /* \ */
  [0x3C] = 0x005B,  /* [ */
  [0x3D] = 0x007E,  /* ~ */
  [0x3E] = 0x005D,  /* ] */
  [0x40] = 0x007C,  /* | */
  [0x65] = 0x20AC,  /* € */
};

/* Reverse table for the Basic Multilingual Plane: 0 = not in GSM,
 * REV_DEFAULT|septet or REV_EXTENSION|septet.  128 KiB, built once, so that
 * encoding is one load per character. */
#define REV_DEFAULT   0x100
#define REV_EXTENSION 0x200
static guint16 reverse_table[65536];

static void
reverse_table_init (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    for (guint i = 0; i < 128; i++)
      if (sr_gsm7_extension_table[i] != 0)
        reverse_table[sr_gsm7_extension_table[i]] = (guint16) (REV_EXTENSION | i);
    for (guint i = 0; i < 128; i++)
      if (i != SR_GSM7_ESC)  /* U+00A0 is not an encodable character */
        reverse_table[sr_gsm7_default_table[i]] = (guint16) (REV_DEFAULT | i);
    g_once_init_leave (&done, 1);
  }
}

guint
sr_gsm7_from_unicode (gunichar c, guint8 out[2])
{
  guint16 v;

  reverse_table_init ();
  if (c > 0xFFFF)
    return 0;
  v = reverse_table[c];
  if (v & REV_DEFAULT) {
    out[0] = (guint8) (v & 0x7F);
    return 1;
  }
  if (v & REV_EXTENSION) {
    out[0] = SR_GSM7_ESC;
    out[1] = (guint8) (v & 0x7F);
    return 2;
  }
  return 0;
}

gboolean
sr_gsm7_count (const char *utf8, gssize len, gsize *septets,
               gunichar *bad_char, gsize *bad_index)
{
  const char *p, *end;
  gsize n = 0, index = 0;

  g_return_val_if_fail (utf8 != NULL || len == 0, FALSE);

  reverse_table_init ();
  if (len < 0)
    len = (gssize) strlen (utf8);
  for (p = utf8, end = utf8 + len; p < end; index++) {
    gunichar c;
    guint16 v;

    p = sr_utf8_next (p, end, &c);
    v = c <= 0xFFFF ? reverse_table[c] : 0;
    if (v == 0) {
      if (bad_char)
        *bad_char = c;
      if (bad_index)
        *bad_index = index;
      if (septets)
        *septets = n;
      return FALSE;
    }
    n += (v & REV_EXTENSION) ? 2 : 1;
  }
  if (septets)
    *septets = n;
  return TRUE;
}

gsize
sr_gsm7_encode (const char *utf8, gssize len, guint8 *out, gsize out_size)
{
  const char *p, *end;
  gsize n = 0;

  g_return_val_if_fail (utf8 != NULL || len == 0, (gsize) -1);

  reverse_table_init ();
  if (len < 0)
    len = (gssize) strlen (utf8);
  for (p = utf8, end = utf8 + len; p < end;) {
    gunichar c;
    guint16 v;

    p = sr_utf8_next (p, end, &c);
    v = c <= 0xFFFF ? reverse_table[c] : 0;
    if (v & REV_DEFAULT) {
      if (n < out_size)
        out[n] = (guint8) (v & 0x7F);
      n++;
    } else if (v & REV_EXTENSION) {
      if (n + 1 < out_size) {
        out[n] = SR_GSM7_ESC;
        out[n + 1] = (guint8) (v & 0x7F);
      }
      n += 2;
    } else {
      return (gsize) -1;
    }
  }
  return n;
}

void
sr_gsm7_decode_append (GString *out, const guint8 *septets, gsize n, guint *undecodable)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (septets != NULL || n == 0);

  for (gsize i = 0; i < n; i++) {
    guint8 s = septets[i];

    if (s > 0x7F) {
      sr_utf8_append (out, SR_REPLACEMENT_CHAR);
      if (undecodable)
        (*undecodable)++;
    } else if (s == SR_GSM7_ESC) {
      guint8 x;

      if (i + 1 >= n) {
        g_string_append_c (out, ' ');
        continue;
      }
      x = septets[++i];
      if (x > 0x7F) {
        g_string_append_c (out, ' ');
        sr_utf8_append (out, SR_REPLACEMENT_CHAR);
        if (undecodable)
          (*undecodable)++;
      } else if (sr_gsm7_extension_table[x] != 0) {
        sr_utf8_append (out, sr_gsm7_extension_table[x]);
      } else if (x == SR_GSM7_ESC) {
        /* Reserved for a further extension table: shown as a space. */
        g_string_append_c (out, ' ');
      } else {
        sr_utf8_append (out, sr_gsm7_default_table[x]);
      }
    } else {
      sr_utf8_append (out, sr_gsm7_default_table[s]);
    }
  }
}

char *
sr_gsm7_decode (const guint8 *septets, gsize n, guint *undecodable)
{
  GString *s = g_string_sized_new (n + 1);

  sr_gsm7_decode_append (s, septets, n, undecodable);
  return g_string_free (s, FALSE);
}

gsize
sr_gsm7_pack (const guint8 *septets, gsize n, guint fill_bits, guint8 *out)
{
  gsize size, bit;

  g_return_val_if_fail (fill_bits < 7, 0);
  g_return_val_if_fail (out != NULL, 0);

  size = sr_gsm7_packed_size (n, fill_bits);
  memset (out, 0, size);
  bit = fill_bits;
  for (gsize i = 0; i < n; i++, bit += 7) {
    gsize byte = bit / 8;
    guint shift = bit % 8;
    guint v = septets[i] & 0x7F;

    out[byte] |= (guint8) (v << shift);
    if (shift > 1)
      out[byte + 1] |= (guint8) (v >> (8 - shift));
  }
  if (size * 8 - bit == 7)
    out[size - 1] |= 0x0D << 1;
  return size;
}

gsize
sr_gsm7_unpack (const guint8 *octets, gsize len, guint fill_bits, guint8 *septets)
{
  gsize n, bit;

  g_return_val_if_fail (fill_bits < 7, 0);
  g_return_val_if_fail (octets != NULL || len == 0, 0);

  n = sr_gsm7_unpacked_size (len, fill_bits);
  bit = fill_bits;
  for (gsize i = 0; i < n; i++, bit += 7) {
    gsize byte = bit / 8;
    guint shift = bit % 8;
    guint v = octets[byte] >> shift;

    if (shift > 1)
      v |= (guint) octets[byte + 1] << (8 - shift);
    septets[i] = (guint8) (v & 0x7F);
  }
  /* Seven spare bits holding CR are padding, not text. */
  if (n > 0 && len * 8 - fill_bits == n * 7 && septets[n - 1] == 0x0D)
    n--;
  return n;
}
