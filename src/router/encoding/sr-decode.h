/* sr-decode.h — reading what SMSCs deliver (deliver_sm, data_sm).
 *
 * Decoding never fails and never drops: octets that do not decode become
 * U+FFFD and are counted, binary data is kept as hex, a malformed user
 * data header keeps the whole message as hex.  Every such case is flagged
 * and explained in @problem so the inbox file can say so.
 */
#pragma once

#include <glib.h>
#include "sr-encoding.h"
#include "sr-udh.h"
#include "sr-config.h"

G_BEGIN_DECLS

/* What the data_coding octet says about the user data. */
typedef struct {
  SrAlphabet alphabet;   /* GSM, IA5, LATIN1, UCS2 or BINARY */
  gboolean packed;       /* GSM septets packed 8 in 7 octets */
  gint message_class;    /* 0..3 (0 = flash), or -1 when none is given */
  gboolean compressed;   /* TS 23.038 compression: kept as binary */
} SrDataCodingInfo;

/* Interprets @data_coding: SMPP 3.4 values 0x00..0x0F first (0 follows
 * @dc0), then the TS 23.038 groups (general 0x10..0x7F with class and
 * alphabet bits, message waiting 0xC0..0xEF, 0xF0..0xFF where bit 2 means
 * 8-bit data).  GSM from a TS 23.038 group is packed only when @dc0 says
 * the SMSC packs.  Reserved and unsupported values (JIS, Cyrillic, Hebrew,
 * KS C 5601, pictograms) read as binary, so nothing is lost. */
void sr_data_coding_parse (guint8 data_coding, SrDataCoding0 dc0, SrDataCodingInfo *info);

/* Why a decoded text is not simply the message (bits). */
typedef enum {
  SR_DECODE_FLAG_NONE = 0,
  SR_DECODE_FLAG_UNDECODABLE = 1 << 0,  /* some octets became U+FFFD */
  SR_DECODE_FLAG_BINARY = 1 << 1,       /* @text is the hex of 8-bit data */
  SR_DECODE_FLAG_BAD_UDH = 1 << 2,      /* malformed header: the whole message as hex */
} SrDecodeFlags;

/* One decoded message or part. */
typedef struct {
  char *text;              /* valid UTF-8; upper-case hex when BINARY */
  SrAlphabet alphabet;
  SrDecodeFlags flags;
  guint undecodable;       /* characters shown as U+FFFD */
  gint message_class;      /* from data_coding, -1 when none */
  gboolean has_udh;        /* a header was present and parsed */
  SrUdhInfo udh;           /* concatenation details when has_udh */
  gsize body_offset;       /* where the text's octets start in the input */
  guint fill_bits;         /* packed GSM: fill bits after the header */
  char *problem;           /* operator-readable note, NULL when all is well */
} SrDecoded;

/* Decodes the short_message (or message_payload) @data of a deliver_sm with
 * @esm_class (UDHI bit 0x40 = a header precedes the text) and @data_coding.
 * Never returns NULL. */
SrDecoded *sr_decode_sm (const guint8 *data, gsize len, guint8 esm_class,
                         guint8 data_coding, SrDataCoding0 dc0);

/* The text octets of one part: what follows the header (body_offset and
 * fill_bits of its SrDecoded). */
typedef struct {
  const guint8 *data;
  gsize len;
  guint fill_bits;
} SrUserData;

/* Decodes the parts of a concatenated message as one text, in order.  GSM
 * septets and UTF-16 units are joined before decoding, so an escape
 * sequence or surrogate pair cut by a careless sender still decodes.
 * Never returns NULL; has_udh is FALSE in the result. */
SrDecoded *sr_decode_user_data (const SrUserData *parts, guint n_parts,
                                guint8 data_coding, SrDataCoding0 dc0);

void sr_decoded_free (SrDecoded *decoded);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrDecoded, sr_decoded_free)

G_END_DECLS
