/* sr-gsm7.h — the GSM 03.38 (3GPP TS 23.038) default alphabet.
 *
 * Septets are held one per byte (values 0..127).  An extension character
 * is two septets: ESC (0x1B) then its code in the extension table.  No
 * transliteration: a character is either in the table or it is not.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_GSM7_ESC 0x1B

/* The default alphabet: septet → Unicode (0x1B, the escape, maps to U+00A0
 * as in the Unicode consortium's mapping; it is never produced by encoding). */
extern const gunichar sr_gsm7_default_table[128];

/* The extension table: septet after ESC → Unicode, 0 where undefined. */
extern const gunichar sr_gsm7_extension_table[128];

/* Septets @c needs: 0 when it is not in GSM 03.38, 1 (default table) or 2
 * (ESC + extension).  The septets are written to @out. */
guint sr_gsm7_from_unicode (gunichar c, guint8 out[2]);

/* Whether every character of @utf8 (valid UTF-8, @len bytes or -1) fits.
 * Sets *@septets to the count (extension characters count 2); on failure
 * *@bad_char is the first character that does not fit and *@bad_index its
 * position in characters (0-based).  Any out pointer may be NULL. */
gboolean sr_gsm7_count (const char *utf8, gssize len, gsize *septets,
                        gunichar *bad_char, gsize *bad_index);

/* Encodes valid UTF-8 into septets.  Writes at most @out_size septets and
 * returns how many the whole text needs; returns (gsize) -1 when a character
 * does not fit. */
gsize sr_gsm7_encode (const char *utf8, gssize len, guint8 *out, gsize out_size);

/* Appends the UTF-8 text of @n septets to @out.  Values over 0x7F (an
 * octet, not a septet) become U+FFFD and are counted in *@undecodable (may be
 * NULL).  ESC before an undefined code shows the default character (as TS
 * 23.038 says); a trailing ESC or ESC ESC shows a space. */
void sr_gsm7_decode_append (GString *out, const guint8 *septets, gsize n, guint *undecodable);

/* Convenience: a newly allocated UTF-8 string. */
char *sr_gsm7_decode (const guint8 *septets, gsize n, guint *undecodable);

/* Octets that @n septets take when packed after @fill_bits zero bits. */
static inline gsize
sr_gsm7_packed_size (gsize n, guint fill_bits)
{
  return (fill_bits + 7 * n + 7) / 8;
}

/* Septets that @len octets hold after @fill_bits fill bits (the maximum:
 * see sr_gsm7_unpack for the trailing CR rule). */
static inline gsize
sr_gsm7_unpacked_size (gsize len, guint fill_bits)
{
  return len * 8 > fill_bits ? (len * 8 - fill_bits) / 7 : 0;
}

/* Packs @n septets into @out (sr_gsm7_packed_size() octets), least
 * significant bit first, after @fill_bits (0..6) zero bits — the fill bits
 * that align text after a user data header.  When the last octet has 7 spare
 * bits they carry CR (TS 23.038 §6.1.2.1.1) so the receiver does not read a
 * spurious '@'.  Returns the octets written. */
gsize sr_gsm7_pack (const guint8 *septets, gsize n, guint fill_bits, guint8 *out);

/* Unpacks @len octets after @fill_bits (0..6) into @septets (room for
 * sr_gsm7_unpacked_size() septets).  When the septets end exactly on the
 * last octet and the last one is CR, it is the padding of a text one septet
 * shorter and is dropped.  Returns the septet count. */
gsize sr_gsm7_unpack (const guint8 *octets, gsize len, guint fill_bits, guint8 *septets);

G_END_DECLS
