/* sr-udh.h — the user data header (3GPP TS 23.040 §9.2.3.24).
 *
 * Outbound we write only the concatenation elements; inbound we walk every
 * information element, keep the concatenation one and skip the others,
 * checking each length before reading so a malformed header never reads
 * past the message.
 */
#pragma once

#include <glib.h>
#include "sr-encoding.h"

G_BEGIN_DECLS

#define SR_UDH_IEI_CONCAT8   0x00
#define SR_UDH_IEI_CONCAT16  0x08
#define SR_UDH_CONCAT8_LEN   6   /* 05 00 03 ref total seq */
#define SR_UDH_CONCAT16_LEN  7   /* 06 08 04 refhi reflo total seq */

/* What a parsed user data header says. */
typedef struct {
  gsize length;        /* octets of the header including the UDHL octet */
  gboolean concat;     /* a valid concatenation element was found */
  gboolean ref16;      /* it was the 16-bit reference form (IEI 0x08) */
  guint16 ref;
  guint8 total;
  guint8 seq;
  guint n_elements;    /* information elements seen, concatenation included */
} SrUdhInfo;

/* Parses the header at the start of @data (the UDHI bit was set).  An
 * element with a total or sequence of 0 or a sequence over the total is
 * ignored, as TS 23.040 says.  Fails with SR_ENCODING_ERROR_BAD_UDH when a
 * length points past the header or the message. */
gboolean sr_udh_parse (const guint8 *data, gsize len, SrUdhInfo *info, GError **error);

/* Fill bits needed after a header of @udh_octets octets (UDHL included) so
 * that packed GSM text starts on a septet boundary. */
static inline guint
sr_udh_fill_bits (gsize udh_octets)
{
  return (guint) ((7 - (udh_octets * 8) % 7) % 7);
}

/* Writes 05 00 03 ref total seq; returns SR_UDH_CONCAT8_LEN. */
gsize sr_udh_write_concat8 (guint8 *out, guint8 ref, guint8 total, guint8 seq);

/* Writes 06 08 04 refhi reflo total seq; returns SR_UDH_CONCAT16_LEN. */
gsize sr_udh_write_concat16 (guint8 *out, guint16 ref, guint8 total, guint8 seq);

G_END_DECLS
