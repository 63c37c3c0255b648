/* sr-split.h — alphabet choice, counting and splitting of outbound texts.
 *
 * Capacities per part (TS 23.040): GSM 160 septets single, 153 with an 8-bit
 * concatenation header, 152 with a 16-bit one; UCS-2 70 / 67 / 66 code
 * units; Latin-1 140 / 134 / 133 octets.  An escape sequence (ESC + char)
 * or a surrogate pair is never cut: it moves whole to the next part.  SAR
 * and message_payload are counted like udh8, since the SMSC adds the header
 * on the air.
 */
#pragma once

#include <glib.h>
#include "sr-encoding.h"
#include "sr-config.h"

G_BEGIN_DECLS

#define SR_ESM_CLASS_UDHI      0x40
#define SR_DATA_CODING_DEFAULT 0x00
#define SR_DATA_CODING_LATIN1  0x03
#define SR_DATA_CODING_UCS2    0x08
/* Concatenation numbers parts in one octet. */
#define SR_SPLIT_MAX_PARTS     255
/* libsmpp34 holds a TLV value in 1024 octets. */
#define SR_SPLIT_PAYLOAD_MAX   1024

/* How a text fills parts: what the compose form shows while typing. */
typedef struct {
  SrAlphabet alphabet;   /* GSM, LATIN1 or UCS2: what is used (never AUTO) */
  guint parts;           /* parts on the air (1 for an empty text) */
  gsize units;           /* septets, octets or UTF-16 code units in all */
  gsize left;            /* units still free in the last part */
  gsize per_part;        /* capacity of the last part's kind (single or split) */
} SrTextCount;

/* Counts @utf8 (valid UTF-8, NUL-terminated) in @alphabet (AUTO picks GSM
 * when every character fits, else UCS-2) for @method.  Fails with
 * SR_ENCODING_ERROR_UNREPRESENTABLE when a forced alphabet cannot carry
 * the text, or _INVALID_UTF8.  The count does not know the provider: where
 * data_coding 0 means Latin-1, sr_split_message() sends GSM texts holding €
 * or Greek capitals as UCS-2; its SrSplit has the final parts. */
gboolean sr_text_count (const char *utf8, SrAlphabet alphabet, SrSplitMethod method,
                        SrTextCount *count, GError **error);

/* "GSM 7-bit · 2 parts · 146 left" (translated); free with g_free(). */
char *sr_text_count_format (const SrTextCount *count);

/* One PDU's worth of a message.  @data points into its SrSplit and lives
 * as long as the SrSplit does. */
typedef struct {
  const guint8 *data;    /* short_message (UDH first when esm_class has UDHI),
                            or the message_payload TLV when @payload */
  gsize length;
  guint8 esm_class;      /* SR_ESM_CLASS_UDHI or 0; OR it into the PDU's */
  guint8 data_coding;    /* 0 (GSM, per the provider's meaning), 3 or 8 */
  gboolean payload;      /* send @data as message_payload, short_message empty */
  gboolean sar;          /* send the sar_* TLVs below */
  guint16 sar_msg_ref_num;
  guint8 sar_total_segments;
  guint8 sar_segment_seqnum;
} SrSegment;

/* A message split for one provider.  One allocation holds it all. */
typedef struct {
  SrAlphabet alphabet;   /* GSM, LATIN1 or UCS2 */
  guint parts;           /* parts on the air (payload: as udh8 would split) */
  guint n_segments;      /* PDUs to submit (1 for payload) */
  gsize units;
  SrSegment *segments;
} SrSplit;

/* Encodes and splits @text (valid UTF-8, NUL-terminated) for a provider.
 * @alphabet: AUTO or forced (GSM, LATIN1, UCS2).  @dc0 is what data_coding
 * 0 means at the provider: GSM unpacked (one septet per octet), packed, or
 * Latin-1 (then GSM texts travel as Latin-1 octets and AUTO picks UCS-2 for
 * GSM characters Latin-1 lacks, such as € or Greek capitals).  @ref is the
 * concatenation reference (udh8 uses its low 8 bits, udh16 and sar all 16).
 * Fails with SR_ENCODING_ERROR_TOO_LONG (class too-long) over @max_parts
 * (0: no limit but concatenation's 255 parts), over 255 parts, or over
 * SR_SPLIT_PAYLOAD_MAX octets of payload, and with
 * _UNREPRESENTABLE or _INVALID_UTF8 (class input). */
SrSplit *sr_split_message (const char *text, SrAlphabet alphabet, SrSplitMethod method,
                           guint max_parts, SrDataCoding0 dc0, guint16 ref, GError **error);

void sr_split_free (SrSplit *split);

/* The data_coding for a message of @message_class (0 = flash, 1..3) whose
 * parts were made with @data_coding: the TS 23.038 general group with class
 * bits — GSM 0x00 → 0x10|class, UCS-2 0x08 → 0x18|class, 8-bit 0x04 →
 * 0x14|class.  Latin-1 (and anything else) has no form with a class: then
 * returns FALSE and *@out is @data_coding unchanged. */
gboolean sr_data_coding_with_class (guint8 data_coding, guint message_class, guint8 *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrSplit, sr_split_free)

G_END_DECLS
