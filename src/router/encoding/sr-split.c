/* sr-split.c — alphabet choice, counting and splitting of outbound texts. */
#define G_LOG_DOMAIN "sr-encoding"

#include "sr-split.h"
#include "sr-gsm7.h"
#include "sr-udh.h"
#include "sr-encoding-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Texts up to this many units are encoded without touching the heap. */
#define STACK_UNITS 1024

/* A text encoded as units (septets, octets or UTF-16 code units) before it
 * is cut into parts. */
typedef struct {
  SrAlphabet alphabet;
  guint16 *units;
  gsize n;
  gsize n_escapes;             /* GSM: ESC units (each one octet fewer as Latin-1) */
  guint16 stack[STACK_UNITS];
} Plan;

static void
plan_clear (Plan *plan)
{
  if (plan->units != plan->stack)
    g_free (plan->units);
  plan->units = NULL;
}

/* Capacities per alphabet: single part, udh8 (also sar, payload), udh16. */
static void
capacities (SrAlphabet alphabet, SrSplitMethod method, gsize *single, gsize *multi)
{
  gboolean wide = method == SR_SPLIT_UDH16;

  switch (alphabet) {
  case SR_ALPHABET_UCS2:
    *single = 70;
    *multi = wide ? 66 : 67;
    break;
  case SR_ALPHABET_LATIN1:
    *single = 140;
    *multi = wide ? 133 : 134;
    break;
  case SR_ALPHABET_GSM:
  default:
    *single = 160;
    *multi = wide ? 152 : 153;
    break;
  }
}

static void
set_unrepresentable (GError **error, gunichar c, gsize index, const char *why)
{
  char buf[8] = { 0 };

  g_unichar_to_utf8 (c, buf);
  g_set_error (error, SR_ENCODING_ERROR, SR_ENCODING_ERROR_UNREPRESENTABLE,
               _("The character “%s” (U+%04X) at position %u cannot be written %s"),
               buf, c, (guint) index + 1, why);
}

/* Encodes @text into @plan in the requested alphabet (AUTO chooses).  With
 * @latin1_dc0 a GSM text must also be writable in Latin-1. */
static gboolean
plan_encode (Plan *plan, const char *text, SrAlphabet requested,
             gboolean latin1_dc0, GError **error)
{
  gsize len, cap, n = 0, index = 0;
  const char *p, *end;
  SrAlphabet alphabet;

  memset (plan, 0, G_STRUCT_OFFSET (Plan, stack));
  len = strlen (text);
  if (!g_utf8_validate (text, (gssize) len, NULL)) {
    g_set_error (error, SR_ENCODING_ERROR, SR_ENCODING_ERROR_INVALID_UTF8,
                 _("The text is not valid UTF-8"));
    return FALSE;
  }
  /* Every UTF-8 byte yields at most one unit, except 4-byte characters
   * (2 UTF-16 units) and extension characters (2 septets from 1+ bytes). */
  cap = 2 * len;
  plan->units = cap <= STACK_UNITS ? plan->stack : g_new (guint16, cap);

  alphabet = requested == SR_ALPHABET_AUTO ? SR_ALPHABET_GSM : requested;
  end = text + len;
  if (alphabet == SR_ALPHABET_GSM) {
    for (p = text; p < end; index++) {
      gunichar c;
      guint8 s[2];
      guint k;

      p = sr_utf8_next (p, end, &c);
      k = sr_gsm7_from_unicode (c, s);
      if (k == 0 || (latin1_dc0 && c > 0xFF)) {
        if (requested == SR_ALPHABET_AUTO) {
          alphabet = SR_ALPHABET_UCS2;
          n = 0;
          plan->n_escapes = 0;
          break;
        }
        set_unrepresentable (error, c, index,
                             k == 0 ? _("in the GSM 7-bit alphabet (Alphabet: GSM)")
                                    : _("as GSM to this provider, whose data_coding 0 means Latin-1"));
        plan_clear (plan);
        return FALSE;
      }
      plan->units[n++] = s[0];
      if (k == 2) {
        plan->units[n++] = s[1];
        plan->n_escapes++;
      }
    }
  }
  if (alphabet == SR_ALPHABET_LATIN1) {
    for (p = text; p < end; index++) {
      gunichar c;

      p = sr_utf8_next (p, end, &c);
      if (c > 0xFF) {
        set_unrepresentable (error, c, index, _("in Latin-1 (Alphabet: ISO)"));
        plan_clear (plan);
        return FALSE;
      }
      plan->units[n++] = (guint16) c;
    }
  }
  if (alphabet == SR_ALPHABET_UCS2) {
    for (p = text; p < end;) {
      gunichar c;

      p = sr_utf8_next (p, end, &c);
      if (c > 0xFFFF) {
        c -= 0x10000;
        plan->units[n++] = (guint16) (0xD800 | (c >> 10));
        plan->units[n++] = (guint16) (0xDC00 | (c & 0x3FF));
      } else {
        plan->units[n++] = (guint16) c;
      }
    }
  }
  g_return_val_if_fail (alphabet == SR_ALPHABET_GSM || alphabet == SR_ALPHABET_LATIN1
                        || alphabet == SR_ALPHABET_UCS2, FALSE);
  plan->alphabet = alphabet;
  plan->n = n;
  return TRUE;
}

/* A unit that must stay in the same part as the one after it. */
static inline gboolean
is_lead (SrAlphabet alphabet, guint16 u)
{
  if (alphabet == SR_ALPHABET_GSM)
    return u == SR_GSM7_ESC;
  if (alphabet == SR_ALPHABET_UCS2)
    return u >= 0xD800 && u <= 0xDBFF;
  return FALSE;
}

/* Whether a GSM part of @septets ending in CR would end exactly on an octet
 * boundary once packed on the air (where the SMSC always packs): the
 * receiver then takes that CR for padding (TS 23.038 §6.1.2.1.1) and the line
 * break is lost.  Such a CR moves to the next part.  With SAR and payload
 * the SMSC chooses the header, so both fill widths are avoided. */
static inline gboolean
cr_is_padding (SrSplitMethod method, gsize septets)
{
  switch (method) {
  case SR_SPLIT_UDH8:
    return septets % 8 == 1;   /* 1 fill bit + 7 × septets */
  case SR_SPLIT_UDH16:
    return septets % 8 == 0;   /* no fill bits */
  default:
    return septets % 8 == 0 || septets % 8 == 1;
  }
}

/* Cuts the plan into parts: fills @ends (room for @max_ends) with each
 * part's end index and returns the number of parts (which may exceed
 * @max_ends: then only the first ones are stored). */
static guint
plan_cut (const Plan *plan, SrSplitMethod method, gsize *ends, guint max_ends,
          gsize *left, gsize *per_part)
{
  gsize single, multi, start = 0;
  guint parts = 0;

  capacities (plan->alphabet, method, &single, &multi);
  if (plan->n <= single) {
    if (max_ends > 0)
      ends[0] = plan->n;
    *left = single - plan->n;
    *per_part = single;
    return 1;
  }
  while (start < plan->n) {
    gsize end = MIN (start + multi, plan->n);

    if (end < plan->n && is_lead (plan->alphabet, plan->units[end - 1]))
      end--;
    if (end < plan->n && plan->alphabet == SR_ALPHABET_GSM && plan->units[end - 1] == 0x0D
        && cr_is_padding (method, end - start))
      end--;
    if (parts < max_ends)
      ends[parts] = end;
    parts++;
    *left = multi - (end - start);
    start = end;
  }
  *per_part = multi;
  return parts;
}

gboolean
sr_text_count (const char *utf8, SrAlphabet alphabet, SrSplitMethod method,
               SrTextCount *count, GError **error)
{
  Plan plan;
  gsize left = 0, per_part = 0;
  guint parts;

  g_return_val_if_fail (utf8 != NULL, FALSE);
  g_return_val_if_fail (count != NULL, FALSE);
  g_return_val_if_fail (alphabet <= SR_ALPHABET_UCS2, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!plan_encode (&plan, utf8, alphabet, FALSE, error))
    return FALSE;
  parts = plan_cut (&plan, method, NULL, 0, &left, &per_part);
  count->alphabet = plan.alphabet;
  count->parts = parts;
  count->units = plan.n;
  count->left = left;
  count->per_part = per_part;
  plan_clear (&plan);
  return TRUE;
}

char *
sr_text_count_format (const SrTextCount *count)
{
  g_return_val_if_fail (count != NULL, NULL);

  return g_strdup_printf (ngettext ("%s · %u part · %u left", "%s · %u parts · %u left",
                                    count->parts),
                          sr_alphabet_display_name (count->alphabet), count->parts,
                          (guint) count->left);
}

static guint8
data_coding_of (SrAlphabet alphabet)
{
  switch (alphabet) {
  case SR_ALPHABET_UCS2:
    return SR_DATA_CODING_UCS2;
  case SR_ALPHABET_LATIN1:
    return SR_DATA_CODING_LATIN1;
  default:
    return SR_DATA_CODING_DEFAULT;
  }
}

/* Octets that units [start, end) take on the wire. */
static gsize
body_size (const Plan *plan, SrDataCoding0 dc0, gsize start, gsize end, guint fill)
{
  gsize n = end - start;

  if (plan->alphabet == SR_ALPHABET_UCS2)
    return 2 * n;
  if (plan->alphabet == SR_ALPHABET_GSM && dc0 == SR_DC0_GSM_PACKED)
    return sr_gsm7_packed_size (n, fill);
  return n;   /* GSM unpacked, Latin-1; GSM as Latin-1 is never longer */
}

/* Writes units [start, end) to @out; returns the octets written. */
static gsize
body_write (const Plan *plan, SrDataCoding0 dc0, gsize start, gsize end, guint fill, guint8 *out)
{
  const guint16 *u = plan->units + start;
  gsize n = end - start, o = 0;

  switch (plan->alphabet) {
  case SR_ALPHABET_UCS2:
    for (gsize i = 0; i < n; i++) {
      out[o++] = (guint8) (u[i] >> 8);
      out[o++] = (guint8) u[i];
    }
    return o;
  case SR_ALPHABET_LATIN1:
    for (gsize i = 0; i < n; i++)
      out[o++] = (guint8) u[i];
    return o;
  case SR_ALPHABET_GSM:
  default:
    if (dc0 == SR_DC0_GSM_PACKED) {
      gsize size = sr_gsm7_packed_size (n, fill), bit = fill;

      /* The same bit layout as sr_gsm7_pack(), read straight from the units. */
      memset (out, 0, size);
      for (gsize i = 0; i < n; i++, bit += 7) {
        guint v = u[i] & 0x7F, shift = bit % 8;

        out[bit / 8] |= (guint8) (v << shift);
        if (shift > 1)
          out[bit / 8 + 1] |= (guint8) (v >> (8 - shift));
      }
      if (size * 8 - bit == 7)
        out[size - 1] |= 0x0D << 1;
      return size;
    }
    if (dc0 == SR_DC0_LATIN1) {
      for (gsize i = 0; i < n; i++) {
        if (u[i] == SR_GSM7_ESC && i + 1 < n)
          out[o++] = (guint8) sr_gsm7_extension_table[u[++i]];
        else
          out[o++] = (guint8) sr_gsm7_default_table[u[i]];
      }
      return o;
    }
    for (gsize i = 0; i < n; i++)
      out[o++] = (guint8) u[i];
    return o;
  }
}

SrSplit *
sr_split_message (const char *text, SrAlphabet alphabet, SrSplitMethod method,
                  guint max_parts, SrDataCoding0 dc0, guint16 ref, GError **error)
{
  Plan plan;
  gsize ends[SR_SPLIT_MAX_PARTS];
  gsize left, per_part, bytes, start, udh_len;
  guint parts, n_segments, limit;
  SrSplit *split;
  guint8 *data;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (alphabet <= SR_ALPHABET_UCS2, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!plan_encode (&plan, text, alphabet, dc0 == SR_DC0_LATIN1, error))
    return NULL;
  parts = plan_cut (&plan, method, ends, G_N_ELEMENTS (ends), &left, &per_part);

  limit = max_parts == 0 ? SR_SPLIT_MAX_PARTS : MIN (max_parts, SR_SPLIT_MAX_PARTS);
  if (parts > limit) {
    if (max_parts != 0 && max_parts <= SR_SPLIT_MAX_PARTS)
      g_set_error (error, SR_ENCODING_ERROR, SR_ENCODING_ERROR_TOO_LONG,
                   _("The text needs %u parts, max-parts is %u"), parts, max_parts);
    else
      g_set_error (error, SR_ENCODING_ERROR, SR_ENCODING_ERROR_TOO_LONG,
                   _("The text needs %u parts, at most %u can be concatenated"),
                   parts, SR_SPLIT_MAX_PARTS);
    plan_clear (&plan);
    return NULL;
  }

  if (method == SR_SPLIT_PAYLOAD) {
    /* One PDU carries everything; the SMSC cuts it for the air. */
    n_segments = 1;
    ends[0] = plan.n;
    bytes = body_size (&plan, dc0, 0, plan.n, 0);
    if (bytes > SR_SPLIT_PAYLOAD_MAX) {
      g_set_error (error, SR_ENCODING_ERROR, SR_ENCODING_ERROR_TOO_LONG,
                   _("The text needs %u octets in message_payload, at most %u fit"),
                   (guint) bytes, SR_SPLIT_PAYLOAD_MAX);
      plan_clear (&plan);
      return NULL;
    }
    udh_len = 0;
  } else {
    n_segments = parts;
    udh_len = parts == 1 ? 0
            : method == SR_SPLIT_UDH8 ? SR_UDH_CONCAT8_LEN
            : method == SR_SPLIT_UDH16 ? SR_UDH_CONCAT16_LEN
            : 0;
    bytes = 0;
    start = 0;
    for (guint i = 0; i < n_segments; i++) {
      bytes += udh_len + body_size (&plan, dc0, start, ends[i], sr_udh_fill_bits (udh_len));
      start = ends[i];
    }
  }

  /* One allocation: the struct, the segment array, then all the octets. */
  split = g_malloc (sizeof (SrSplit) + n_segments * sizeof (SrSegment) + bytes + 1);
  split->alphabet = plan.alphabet;
  split->parts = parts;
  split->n_segments = n_segments;
  split->units = plan.n;
  split->segments = (SrSegment *) (split + 1);
  data = (guint8 *) (split->segments + n_segments);

  start = 0;
  for (guint i = 0; i < n_segments; i++) {
    SrSegment *seg = &split->segments[i];
    guint8 total = (guint8) n_segments, seq = (guint8) (i + 1);
    gsize o = 0;

    memset (seg, 0, sizeof *seg);
    seg->data = data;
    seg->data_coding = data_coding_of (plan.alphabet);
    seg->payload = method == SR_SPLIT_PAYLOAD;
    if (udh_len == SR_UDH_CONCAT8_LEN)
      o = sr_udh_write_concat8 (data, (guint8) ref, total, seq);
    else if (udh_len == SR_UDH_CONCAT16_LEN)
      o = sr_udh_write_concat16 (data, ref, total, seq);
    if (udh_len > 0)
      seg->esm_class = SR_ESM_CLASS_UDHI;
    if (method == SR_SPLIT_SAR && n_segments > 1) {
      seg->sar = TRUE;
      seg->sar_msg_ref_num = ref;
      seg->sar_total_segments = total;
      seg->sar_segment_seqnum = seq;
    }
    o += body_write (&plan, dc0, start, ends[i], sr_udh_fill_bits (udh_len), data + o);
    seg->length = o;
    data += o;
    start = ends[i];
  }
  plan_clear (&plan);
  return split;
}

void
sr_split_free (SrSplit *split)
{
  g_free (split);
}

gboolean
sr_data_coding_with_class (guint8 data_coding, guint message_class, guint8 *out)
{
  g_return_val_if_fail (message_class <= 3, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  switch (data_coding) {
  case SR_DATA_CODING_DEFAULT:
    *out = (guint8) (0x10 | message_class);
    return TRUE;
  case SR_DATA_CODING_UCS2:
    *out = (guint8) (0x18 | message_class);
    return TRUE;
  case 0x04:
    *out = (guint8) (0x14 | message_class);
    return TRUE;
  default:
    *out = data_coding;
    return FALSE;
  }
}
