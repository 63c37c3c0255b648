/* sr-ucs2.h — UCS-2 (as UTF-16BE), Latin-1 and IA5 conversions.
 *
 * SMPP's data_coding 8 is called UCS-2, but phones send and expect UTF-16:
 * characters outside the Basic Multilingual Plane (emoji) travel as
 * surrogate pairs.  Decoders never fail: what does not decode becomes
 * U+FFFD and is counted.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* UTF-16 code units @utf8 (valid UTF-8) needs: 2 for characters over U+FFFF. */
gsize sr_ucs2_count (const char *utf8, gssize len);

/* Writes @utf8 as UTF-16BE to @out (2 × sr_ucs2_count() octets).  Returns
 * the number of code units written. */
gsize sr_ucs2_encode (const char *utf8, gssize len, guint8 *out);

/* Appends the UTF-8 text of UTF-16BE @data.  A lone surrogate or a final odd
 * octet becomes U+FFFD, counted in *@undecodable (may be NULL). */
void sr_ucs2_decode_append (GString *out, const guint8 *data, gsize len, guint *undecodable);

/* Whether every character of @utf8 is in ISO-8859-1 (U+0000..U+00FF); on
 * failure *@bad_char and *@bad_index (in characters) name the first that is not. */
gboolean sr_latin1_count (const char *utf8, gssize len, gsize *octets,
                          gunichar *bad_char, gsize *bad_index);

/* Writes @utf8 as ISO-8859-1 to @out; returns the octets written, or
 * (gsize) -1 when a character is not in Latin-1 (nothing is guessed). */
gsize sr_latin1_encode (const char *utf8, gssize len, guint8 *out);

/* Appends ISO-8859-1 @data as UTF-8.  Every octet decodes except NUL, which
 * would end a C string: it becomes U+FFFD, counted in *@undecodable. */
void sr_latin1_decode_append (GString *out, const guint8 *data, gsize len, guint *undecodable);

/* Appends IA5/ASCII @data as UTF-8; NUL and octets over 0x7F become U+FFFD and are
 * counted in *@undecodable (may be NULL). */
void sr_ia5_decode_append (GString *out, const guint8 *data, gsize len, guint *undecodable);

G_END_DECLS
