/* sr-ucs2.c — UTF-16BE, Latin-1 and IA5 conversions. */
#define G_LOG_DOMAIN "sr-encoding"

#include "sr-ucs2.h"
#include "sr-encoding-private.h"

#include <string.h>

gsize
sr_ucs2_count (const char *utf8, gssize len)
{
  const char *p, *end;
  gsize n = 0;

  g_return_val_if_fail (utf8 != NULL || len == 0, 0);

  if (len < 0)
    len = (gssize) strlen (utf8);
  for (p = utf8, end = utf8 + len; p < end;) {
    gunichar c;

    p = sr_utf8_next (p, end, &c);
    n += c > 0xFFFF ? 2 : 1;
  }
  return n;
}

gsize
sr_ucs2_encode (const char *utf8, gssize len, guint8 *out)
{
  const char *p, *end;
  gsize n = 0;

  g_return_val_if_fail (utf8 != NULL || len == 0, 0);

  if (len < 0)
    len = (gssize) strlen (utf8);
  for (p = utf8, end = utf8 + len; p < end;) {
    gunichar c;

    p = sr_utf8_next (p, end, &c);
    if (c > 0xFFFF) {
      gunichar v = c - 0x10000;
      guint hi = 0xD800 | (v >> 10), lo = 0xDC00 | (v & 0x3FF);

      out[2 * n] = (guint8) (hi >> 8);
      out[2 * n + 1] = (guint8) hi;
      out[2 * n + 2] = (guint8) (lo >> 8);
      out[2 * n + 3] = (guint8) lo;
      n += 2;
    } else {
      out[2 * n] = (guint8) (c >> 8);
      out[2 * n + 1] = (guint8) c;
      n++;
    }
  }
  return n;
}

void
sr_ucs2_decode_append (GString *out, const guint8 *data, gsize len, guint *undecodable)
{
  gsize i;

  g_return_if_fail (out != NULL);
  g_return_if_fail (data != NULL || len == 0);

  for (i = 0; i + 1 < len; i += 2) {
    guint u = ((guint) data[i] << 8) | data[i + 1];

    if (u >= 0xD800 && u <= 0xDBFF) {
      guint lo = i + 3 < len ? ((guint) data[i + 2] << 8) | data[i + 3] : 0;

      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        sr_utf8_append (out, 0x10000 + (((gunichar) (u - 0xD800) << 10) | (lo - 0xDC00)));
        i += 2;
        continue;
      }
    }
    if (u >= 0xD800 && u <= 0xDFFF) {
      sr_utf8_append (out, SR_REPLACEMENT_CHAR);
      if (undecodable)
        (*undecodable)++;
      continue;
    }
    sr_text_append (out, u, undecodable);
  }
  if (i < len) {
    /* A final odd octet: half a code unit. */
    sr_utf8_append (out, SR_REPLACEMENT_CHAR);
    if (undecodable)
      (*undecodable)++;
  }
}

gboolean
sr_latin1_count (const char *utf8, gssize len, gsize *octets,
                 gunichar *bad_char, gsize *bad_index)
{
  const char *p, *end;
  gsize n = 0;

  g_return_val_if_fail (utf8 != NULL || len == 0, FALSE);

  if (len < 0)
    len = (gssize) strlen (utf8);
  for (p = utf8, end = utf8 + len; p < end; n++) {
    gunichar c;

    p = sr_utf8_next (p, end, &c);
    if (c > 0xFF) {
      if (bad_char)
        *bad_char = c;
      if (bad_index)
        *bad_index = n;
      if (octets)
        *octets = n;
      return FALSE;
    }
  }
  if (octets)
    *octets = n;
  return TRUE;
}

gsize
sr_latin1_encode (const char *utf8, gssize len, guint8 *out)
{
  const char *p, *end;
  gsize n = 0;

  g_return_val_if_fail (utf8 != NULL || len == 0, (gsize) -1);

  if (len < 0)
    len = (gssize) strlen (utf8);
  for (p = utf8, end = utf8 + len; p < end;) {
    gunichar c;

    p = sr_utf8_next (p, end, &c);
    if (c > 0xFF)
      return (gsize) -1;
    out[n++] = (guint8) c;
  }
  return n;
}

void
sr_latin1_decode_append (GString *out, const guint8 *data, gsize len, guint *undecodable)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (data != NULL || len == 0);

  for (gsize i = 0; i < len; i++)
    sr_text_append (out, data[i], undecodable);
}

void
sr_ia5_decode_append (GString *out, const guint8 *data, gsize len, guint *undecodable)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (data != NULL || len == 0);

  for (gsize i = 0; i < len; i++) {
    if (data[i] < 0x80) {
      sr_text_append (out, data[i], undecodable);
    } else {
      sr_utf8_append (out, SR_REPLACEMENT_CHAR);
      if (undecodable)
        (*undecodable)++;
    }
  }
}
