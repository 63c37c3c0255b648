/* Tests of alphabet choice, counting and splitting (sr-split.h). */
#include "sr-split.h"
#include "sr-gsm7.h"
#include "sr-udh.h"

#include <string.h>

static char *
repeat (const char *s, guint n)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (out, s);
  return g_string_free (out, FALSE);
}

/* Counting at the part boundaries. */
typedef struct {
  const char *name;
  const char *unit;      /* repeated @count times, then @tail */
  guint count;
  const char *tail;
  SrAlphabet alphabet;   /* requested */
  SrSplitMethod method;
  SrAlphabet used;
  guint parts;
  gsize units;
  gsize left;
} CountCase;

static const CountCase count_cases[] = {
  { "empty", "", 0, "", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, SR_ALPHABET_GSM, 1, 0, 160 },
  { "gsm-160", "a", 160, "", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, SR_ALPHABET_GSM, 1, 160, 0 },
  { "gsm-161", "a", 161, "", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, SR_ALPHABET_GSM, 2, 161, 145 },
  { "gsm-161-udh16", "a", 161, "", SR_ALPHABET_AUTO, SR_SPLIT_UDH16, SR_ALPHABET_GSM, 2, 161, 143 },
  { "gsm-161-sar", "a", 161, "", SR_ALPHABET_AUTO, SR_SPLIT_SAR, SR_ALPHABET_GSM, 2, 161, 145 },
  { "gsm-306", "a", 306, "", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, SR_ALPHABET_GSM, 2, 306, 0 },
  { "gsm-307", "a", 307, "", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, SR_ALPHABET_GSM, 3, 307, 152 },
  { "gsm-ext-159+1", "a", 159, "€", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, SR_ALPHABET_GSM, 2, 161, 145 },
  { "gsm-ext-158+1", "a", 158, "{", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, SR_ALPHABET_GSM, 1, 160, 0 },
  /* ESC at index 152 would end part 1: the pair moves, part 1 has 152. */
  { "gsm-euro-at-153", "a", 152, "€aaaaaaaaaa", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, SR_ALPHABET_GSM, 2, 164, 141 },
  { "gsm-brace-at-154", "a", 153, "{aaaaaaaaaa", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, SR_ALPHABET_GSM, 2, 165, 141 },
  /* A CR ending a full part would read as padding once packed: it moves. */
  { "gsm-cr-at-153", "a", 152, "\rbbbbbbbbbb", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, SR_ALPHABET_GSM, 2, 163, 142 },
  { "gsm-cr-at-152-udh16", "a", 151, "\rbbbbbbbbbb", SR_ALPHABET_AUTO, SR_SPLIT_UDH16, SR_ALPHABET_GSM, 2, 162, 141 },
  { "gsm-cr-at-152-udh8", "a", 151, "\rbbbbbbbbbb", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, SR_ALPHABET_GSM, 2, 162, 144 },
  { "gsm-escapes-only", "€", 80, "", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, SR_ALPHABET_GSM, 1, 160, 0 },
  /* 81 pairs: part 1 would end on an ESC, so it holds 76 pairs. */
  { "gsm-escapes-81", "€", 81, "", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, SR_ALPHABET_GSM, 2, 162, 143 },
  { "ucs2-70", "Ж", 70, "", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, SR_ALPHABET_UCS2, 1, 70, 0 },
  { "ucs2-71", "Ж", 71, "", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, SR_ALPHABET_UCS2, 2, 71, 63 },
  { "ucs2-71-udh16", "Ж", 71, "", SR_ALPHABET_AUTO, SR_SPLIT_UDH16, SR_ALPHABET_UCS2, 2, 71, 61 },
  { "ucs2-one-non-gsm", "a", 69, "ç", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, SR_ALPHABET_UCS2, 1, 70, 0 },
  { "ucs2-emoji-35", "😀", 35, "", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, SR_ALPHABET_UCS2, 1, 70, 0 },
  /* High surrogate at index 66 would end part 1: the pair moves. */
  { "ucs2-emoji-at-67", "Ж", 66, "😀ЖЖЖЖЖ", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, SR_ALPHABET_UCS2, 2, 73, 60 },
  { "ucs2-forced-ascii", "a", 71, "", SR_ALPHABET_UCS2, SR_SPLIT_UDH8, SR_ALPHABET_UCS2, 2, 71, 63 },
  { "latin1-140", "é", 140, "", SR_ALPHABET_LATIN1, SR_SPLIT_UDH8, SR_ALPHABET_LATIN1, 1, 140, 0 },
  { "latin1-141", "é", 141, "", SR_ALPHABET_LATIN1, SR_SPLIT_UDH8, SR_ALPHABET_LATIN1, 2, 141, 127 },
  { "gsm-forced", "a", 10, "", SR_ALPHABET_GSM, SR_SPLIT_UDH8, SR_ALPHABET_GSM, 1, 10, 150 },
};

static void
test_count (gconstpointer data)
{
  const CountCase *c = data;
  g_autofree char *body = repeat (c->unit, c->count);
  g_autofree char *text = g_strconcat (body, c->tail, NULL);
  g_autoptr(GError) error = NULL;
  SrTextCount count;

  g_assert_true (sr_text_count (text, c->alphabet, c->method, &count, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count.alphabet, ==, c->used);
  g_assert_cmpuint (count.parts, ==, c->parts);
  g_assert_cmpuint (count.units, ==, c->units);
  g_assert_cmpuint (count.left, ==, c->left);

  /* Splitting agrees with counting. */
  {
    g_autoptr(SrSplit) split = sr_split_message (text, c->alphabet, c->method, 10,
                                                 SR_DC0_GSM_UNPACKED, 7, &error);
    g_assert_no_error (error);
    g_assert_nonnull (split);
    g_assert_cmpuint (split->parts, ==, c->parts);
    g_assert_cmpuint (split->n_segments, ==, c->parts);
    g_assert_cmpint (split->alphabet, ==, c->used);
  }
}

static void
test_count_format (void)
{
  g_autofree char *text = repeat ("a", 161);
  g_autofree char *s1 = NULL, *s2 = NULL;
  SrTextCount count;

  g_assert_true (sr_text_count (text, SR_ALPHABET_AUTO, SR_SPLIT_UDH8, &count, NULL));
  s1 = sr_text_count_format (&count);
  g_assert_cmpstr (s1, ==, "GSM 7-bit · 2 parts · 145 left");

  g_assert_true (sr_text_count ("Привет", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, &count, NULL));
  s2 = sr_text_count_format (&count);
  g_assert_cmpstr (s2, ==, "UCS-2 · 1 part · 64 left");
}

/* A forced alphabet that cannot carry the text is an input error naming the character. */
typedef struct {
  const char *text;
  SrAlphabet alphabet;
  SrDataCoding0 dc0;
  const char *needle;   /* expected in the message */
} ForcedCase;

static const ForcedCase forced_cases[] = {
  { "Hello 😀", SR_ALPHABET_GSM, SR_DC0_GSM_UNPACKED, "“😀” (U+1F600) at position 7" },
  { "tab\there", SR_ALPHABET_GSM, SR_DC0_GSM_UNPACKED, "(U+0009) at position 4" },
  { "façade", SR_ALPHABET_GSM, SR_DC0_GSM_UNPACKED, "“ç” (U+00E7)" },
  { "Привет", SR_ALPHABET_LATIN1, SR_DC0_GSM_UNPACKED, "Latin-1" },
  { "10 €", SR_ALPHABET_LATIN1, SR_DC0_GSM_UNPACKED, "“€” (U+20AC)" },
  { "10 €", SR_ALPHABET_GSM, SR_DC0_LATIN1, "data_coding 0 means Latin-1" },
  { "ΔΦ", SR_ALPHABET_GSM, SR_DC0_LATIN1, "“Δ” (U+0394) at position 1" },
};

static void
test_forced (gconstpointer data)
{
  const ForcedCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrSplit) split = NULL;

  split = sr_split_message (c->text, c->alphabet, SR_SPLIT_UDH8, 10, c->dc0, 1, &error);
  g_assert_null (split);
  g_assert_error (error, SR_ENCODING_ERROR, SR_ENCODING_ERROR_UNREPRESENTABLE);
  g_assert_cmpint (sr_encoding_error_class (error), ==, SR_ERROR_CLASS_INPUT);
  if (strstr (error->message, c->needle) == NULL)
    g_error ("“%s” not in “%s”", c->needle, error->message);

  if (c->dc0 == SR_DC0_GSM_UNPACKED) {
    SrTextCount count;

    g_clear_error (&error);
    g_assert_false (sr_text_count (c->text, c->alphabet, SR_SPLIT_UDH8, &count, &error));
    g_assert_error (error, SR_ENCODING_ERROR, SR_ENCODING_ERROR_UNREPRESENTABLE);
  }
}

static void
test_invalid_utf8 (void)
{
  g_autoptr(GError) error = NULL;
  SrTextCount count;

  g_assert_null (sr_split_message ("bad \xC3\x28 text", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, 10,
                                   SR_DC0_GSM_UNPACKED, 1, &error));
  g_assert_error (error, SR_ENCODING_ERROR, SR_ENCODING_ERROR_INVALID_UTF8);
  g_assert_cmpint (sr_encoding_error_class (error), ==, SR_ERROR_CLASS_INPUT);
  g_clear_error (&error);
  g_assert_false (sr_text_count ("\xFF", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, &count, &error));
  g_assert_error (error, SR_ENCODING_ERROR, SR_ENCODING_ERROR_INVALID_UTF8);
}

static void
test_single_gsm_unpacked (void)
{
  g_autoptr(SrSplit) split = NULL;
  static const guint8 expected[] = { 'H', 'i', ' ', 0x00, ' ', 0x1B, 0x65, ' ', 0x02, 0x11, 0x1B, 0x3C };
  const SrSegment *seg;

  split = sr_split_message ("Hi @ € $_[", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, 10,
                            SR_DC0_GSM_UNPACKED, 1, NULL);
  g_assert_nonnull (split);
  g_assert_cmpuint (split->n_segments, ==, 1);
  seg = &split->segments[0];
  g_assert_cmpmem (seg->data, seg->length, expected, sizeof expected);
  g_assert_cmpuint (seg->esm_class, ==, 0);
  g_assert_cmpuint (seg->data_coding, ==, 0);
  g_assert_false (seg->payload);
  g_assert_false (seg->sar);
}

static void
test_single_gsm_packed (void)
{
  g_autoptr(SrSplit) split = NULL;
  /* "hellohello" packed: the classic TS 23.038 example. */
  static const guint8 expected[] = { 0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37 };

  split = sr_split_message ("hellohello", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, 10,
                            SR_DC0_GSM_PACKED, 1, NULL);
  g_assert_nonnull (split);
  g_assert_cmpmem (split->segments[0].data, split->segments[0].length, expected, sizeof expected);
  g_assert_cmpuint (split->segments[0].data_coding, ==, 0);
}

static void
test_single_gsm_as_latin1 (void)
{
  g_autoptr(SrSplit) split = NULL;
  g_autoptr(SrSplit) split2 = NULL;
  static const guint8 expected[] = { 'C', 'a', 'f', 0xE9, ' ', '{', 0xA3, '}' };

  /* data_coding 0 means Latin-1 here: a GSM text travels as Latin-1 octets. */
  split = sr_split_message ("Café {£}", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, 10,
                            SR_DC0_LATIN1, 1, NULL);
  g_assert_nonnull (split);
  g_assert_cmpint (split->alphabet, ==, SR_ALPHABET_GSM);
  g_assert_cmpuint (split->units, ==, 10);   /* septets on the air: { and } count 2 */
  g_assert_cmpmem (split->segments[0].data, split->segments[0].length, expected, sizeof expected);
  g_assert_cmpuint (split->segments[0].data_coding, ==, 0);

  /* € is GSM but not Latin-1: auto picks UCS-2 rather than guess. */
  split2 = sr_split_message ("10 €", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, 10, SR_DC0_LATIN1, 1, NULL);
  g_assert_nonnull (split2);
  g_assert_cmpint (split2->alphabet, ==, SR_ALPHABET_UCS2);
  g_assert_cmpuint (split2->segments[0].data_coding, ==, 8);
}

static void
test_single_ucs2_emoji (void)
{
  g_autoptr(SrSplit) split = NULL;
  static const guint8 expected[] = { 0x04, 0x16, 0x00, 0x20, 0xD8, 0x3D, 0xDE, 0x00 };

  split = sr_split_message ("Ж 😀", SR_ALPHABET_AUTO, SR_SPLIT_UDH8, 10, SR_DC0_GSM_UNPACKED, 1, NULL);
  g_assert_nonnull (split);
  g_assert_cmpint (split->alphabet, ==, SR_ALPHABET_UCS2);
  g_assert_cmpmem (split->segments[0].data, split->segments[0].length, expected, sizeof expected);
  g_assert_cmpuint (split->segments[0].data_coding, ==, 8);
  g_assert_cmpuint (split->segments[0].esm_class, ==, 0);
}

static void
test_single_latin1 (void)
{
  g_autoptr(SrSplit) split = NULL;
  static const guint8 expected[] = { 0xC7, 'a', ' ', 0xE7, 'a', '\t', 0xFF };

  split = sr_split_message ("Ça ça\tÿ", SR_ALPHABET_LATIN1, SR_SPLIT_UDH8, 10, SR_DC0_GSM_UNPACKED, 1, NULL);
  g_assert_nonnull (split);
  g_assert_cmpint (split->alphabet, ==, SR_ALPHABET_LATIN1);
  g_assert_cmpmem (split->segments[0].data, split->segments[0].length, expected, sizeof expected);
  g_assert_cmpuint (split->segments[0].data_coding, ==, 3);
}

static void
test_udh8 (void)
{
  g_autofree char *body = repeat ("a", 152);
  g_autofree char *text = g_strconcat (body, "€bcdefghij", NULL);
  g_autoptr(SrSplit) split = NULL;
  static const guint8 udh1[] = { 0x05, 0x00, 0x03, 0x34, 0x02, 0x01 };
  static const guint8 udh2[] = { 0x05, 0x00, 0x03, 0x34, 0x02, 0x02 };
  static const guint8 body2[] = { 0x1B, 0x65, 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j' };
  const SrSegment *s1, *s2;

  split = sr_split_message (text, SR_ALPHABET_AUTO, SR_SPLIT_UDH8, 10, SR_DC0_GSM_UNPACKED, 0x1234, NULL);
  g_assert_nonnull (split);
  g_assert_cmpuint (split->n_segments, ==, 2);
  s1 = &split->segments[0];
  s2 = &split->segments[1];
  g_assert_cmpuint (s1->length, ==, 6 + 152);
  g_assert_cmpmem (s1->data, 6, udh1, 6);
  for (gsize i = 6; i < s1->length; i++)
    g_assert_cmpuint (s1->data[i], ==, 'a');
  g_assert_cmpmem (s2->data, 6, udh2, 6);
  g_assert_cmpmem (s2->data + 6, s2->length - 6, body2, sizeof body2);
  g_assert_cmpuint (s1->esm_class, ==, SR_ESM_CLASS_UDHI);
  g_assert_cmpuint (s2->esm_class, ==, SR_ESM_CLASS_UDHI);
  g_assert_false (s1->sar);
  g_assert_false (s1->payload);
}

static void
test_udh16_ucs2 (void)
{
  g_autofree char *body = repeat ("Ж", 65);
  g_autofree char *text = g_strconcat (body, "😀ЖЖЖЖЖ", NULL);
  g_autoptr(SrSplit) split = NULL;
  static const guint8 udh1[] = { 0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x01 };
  static const guint8 udh2[] = { 0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x02 };
  static const guint8 body2[] = { 0xD8, 0x3D, 0xDE, 0x00, 0x04, 0x16, 0x04, 0x16,
                                  0x04, 0x16, 0x04, 0x16, 0x04, 0x16 };
  const SrSegment *s1, *s2;

  /* 65 + 2 + 5 = 72 units: 66 per part with udh16, the pair at 65/66 moves whole. */
  split = sr_split_message (text, SR_ALPHABET_AUTO, SR_SPLIT_UDH16, 10, SR_DC0_GSM_UNPACKED, 0x1234, NULL);
  g_assert_nonnull (split);
  g_assert_cmpuint (split->n_segments, ==, 2);
  s1 = &split->segments[0];
  s2 = &split->segments[1];
  g_assert_cmpmem (s1->data, 7, udh1, 7);
  g_assert_cmpuint (s1->length, ==, 7 + 65 * 2);
  g_assert_cmpmem (s2->data, 7, udh2, 7);
  g_assert_cmpmem (s2->data + 7, s2->length - 7, body2, sizeof body2);
  g_assert_cmpuint (s1->data_coding, ==, 8);
  g_assert_cmpuint (s2->esm_class, ==, SR_ESM_CLASS_UDHI);
}

static void
test_udh8_packed (void)
{
  g_autofree char *text = repeat ("a", 161);
  g_autoptr(SrSplit) split = NULL;
  guint8 septets[200];
  gsize n;

  split = sr_split_message (text, SR_ALPHABET_AUTO, SR_SPLIT_UDH8, 10, SR_DC0_GSM_PACKED, 9, NULL);
  g_assert_nonnull (split);
  g_assert_cmpuint (split->n_segments, ==, 2);
  /* 6 octets of UDH + 1 fill bit + 153 septets = 140 octets exactly. */
  g_assert_cmpuint (split->segments[0].length, ==, 140);
  n = sr_gsm7_unpack (split->segments[0].data + 6, 134, 1, septets);
  g_assert_cmpuint (n, ==, 153);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpuint (septets[i], ==, 'a');
  /* 8 septets after 1 fill bit: 57 bits in 8 octets. */
  g_assert_cmpuint (split->segments[1].length, ==, 6 + 8);
  g_assert_cmpuint (split->segments[1].data[6] & 1, ==, 0);
  n = sr_gsm7_unpack (split->segments[1].data + 6, 8, 1, septets);
  g_assert_cmpuint (n, ==, 8);
}

static void
test_sar (void)
{
  g_autofree char *text = repeat ("x", 400);
  g_autoptr(SrSplit) split = NULL;

  split = sr_split_message (text, SR_ALPHABET_AUTO, SR_SPLIT_SAR, 10, SR_DC0_GSM_UNPACKED, 0xBEEF, NULL);
  g_assert_nonnull (split);
  g_assert_cmpuint (split->n_segments, ==, 3);
  for (guint i = 0; i < 3; i++) {
    const SrSegment *s = &split->segments[i];

    g_assert_true (s->sar);
    g_assert_cmpuint (s->sar_msg_ref_num, ==, 0xBEEF);
    g_assert_cmpuint (s->sar_total_segments, ==, 3);
    g_assert_cmpuint (s->sar_segment_seqnum, ==, i + 1);
    g_assert_cmpuint (s->esm_class, ==, 0);   /* no UDH in short_message */
    g_assert_cmpuint (s->length, ==, i < 2 ? 153 : 400 - 306);
    g_assert_cmpuint (s->data[0], ==, 'x');
  }

  /* A single part carries no SAR fields. */
  {
    g_autoptr(SrSplit) one = sr_split_message ("short", SR_ALPHABET_AUTO, SR_SPLIT_SAR, 10,
                                               SR_DC0_GSM_UNPACKED, 1, NULL);
    g_assert_false (one->segments[0].sar);
  }
}

static void
test_payload (void)
{
  g_autofree char *text = repeat ("Ж", 200);
  g_autoptr(SrSplit) split = NULL;
  g_autoptr(SrSplit) small = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *huge = repeat ("a", 1025);

  split = sr_split_message (text, SR_ALPHABET_AUTO, SR_SPLIT_PAYLOAD, 10, SR_DC0_GSM_UNPACKED, 1, NULL);
  g_assert_nonnull (split);
  g_assert_cmpuint (split->n_segments, ==, 1);
  g_assert_cmpuint (split->parts, ==, 3);   /* 200 / 67 on the air */
  g_assert_true (split->segments[0].payload);
  g_assert_false (split->segments[0].sar);
  g_assert_cmpuint (split->segments[0].esm_class, ==, 0);
  g_assert_cmpuint (split->segments[0].data_coding, ==, 8);
  g_assert_cmpuint (split->segments[0].length, ==, 400);
  g_assert_cmpuint (split->segments[0].data[0], ==, 0x04);
  g_assert_cmpuint (split->segments[0].data[1], ==, 0x16);

  small = sr_split_message ("hi", SR_ALPHABET_AUTO, SR_SPLIT_PAYLOAD, 10, SR_DC0_GSM_UNPACKED, 1, NULL);
  g_assert_true (small->segments[0].payload);
  g_assert_cmpmem (small->segments[0].data, small->segments[0].length, "hi", 2);

  /* More than a TLV can hold is too long, not truncated. */
  g_assert_null (sr_split_message (huge, SR_ALPHABET_AUTO, SR_SPLIT_PAYLOAD, 0, SR_DC0_GSM_UNPACKED, 1, &error));
  g_assert_error (error, SR_ENCODING_ERROR, SR_ENCODING_ERROR_TOO_LONG);
  g_assert_nonnull (strstr (error->message, "1025 octets"));
}

static void
test_too_long (void)
{
  g_autofree char *text = repeat ("a", 153 * 11 + 1);
  g_autofree char *text300 = repeat ("a", 153 * 300);
  g_autoptr(GError) error = NULL;

  g_assert_null (sr_split_message (text, SR_ALPHABET_AUTO, SR_SPLIT_UDH8, 10, SR_DC0_GSM_UNPACKED, 1, &error));
  g_assert_error (error, SR_ENCODING_ERROR, SR_ENCODING_ERROR_TOO_LONG);
  g_assert_cmpstr (error->message, ==, "The text needs 12 parts, max-parts is 10");
  g_assert_cmpint (sr_encoding_error_class (error), ==, SR_ERROR_CLASS_TOO_LONG);
  g_clear_error (&error);

  /* Exactly at the limit is fine. */
  {
    g_autofree char *ten = repeat ("a", 153 * 10);
    g_autoptr(SrSplit) split = sr_split_message (ten, SR_ALPHABET_AUTO, SR_SPLIT_UDH8, 10,
                                                 SR_DC0_GSM_UNPACKED, 1, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (split->n_segments, ==, 10);
    g_assert_cmpuint (split->segments[9].data[4], ==, 10);
    g_assert_cmpuint (split->segments[9].data[5], ==, 10);
  }

  /* Concatenation numbers parts in one octet. */
  g_assert_null (sr_split_message (text300, SR_ALPHABET_AUTO, SR_SPLIT_UDH8, 1000, SR_DC0_GSM_UNPACKED, 1, &error));
  g_assert_error (error, SR_ENCODING_ERROR, SR_ENCODING_ERROR_TOO_LONG);
  g_assert_cmpstr (error->message, ==, "The text needs 300 parts, at most 255 can be concatenated");
}

static void
test_long_text_heap (void)
{
  /* Longer than the on-stack buffer: 1200 escapes = 2400 septets. */
  g_autofree char *text = repeat ("€", 1200);
  g_autoptr(SrSplit) split = NULL;

  split = sr_split_message (text, SR_ALPHABET_AUTO, SR_SPLIT_UDH8, 20, SR_DC0_GSM_UNPACKED, 1, NULL);
  g_assert_nonnull (split);
  g_assert_cmpuint (split->units, ==, 2400);
  /* 153 is odd: every part holds 76 pairs = 152 septets. */
  g_assert_cmpuint (split->n_segments, ==, 16);
  for (guint i = 0; i < split->n_segments; i++) {
    const SrSegment *s = &split->segments[i];

    g_assert_cmpuint (s->data[6], ==, 0x1B);
    g_assert_cmpuint (s->data[s->length - 1], ==, 0x65);
  }
}

static void
test_alphabet_names (void)
{
  static const struct { const char *s; SrAlphabet a; } ok[] = {
    { "auto", SR_ALPHABET_AUTO }, { "", SR_ALPHABET_AUTO }, { NULL, SR_ALPHABET_AUTO },
    { "GSM", SR_ALPHABET_GSM }, { "gsm", SR_ALPHABET_GSM }, { " ISO ", SR_ALPHABET_LATIN1 },
    { "latin1", SR_ALPHABET_LATIN1 }, { "UCS2", SR_ALPHABET_UCS2 }, { "ucs-2", SR_ALPHABET_UCS2 },
  };
  g_autoptr(GError) error = NULL;
  SrAlphabet a;

  for (gsize i = 0; i < G_N_ELEMENTS (ok); i++) {
    g_assert_true (sr_alphabet_from_string (ok[i].s, &a, NULL));
    g_assert_cmpint (a, ==, ok[i].a);
  }
  g_assert_false (sr_alphabet_from_string ("EBCDIC", &a, &error));
  g_assert_error (error, SR_ENCODING_ERROR, SR_ENCODING_ERROR_BAD_ALPHABET);
  g_assert_cmpint (sr_encoding_error_class (error), ==, SR_ERROR_CLASS_INPUT);
  g_assert_nonnull (strstr (error->message, "EBCDIC"));
  g_assert_cmpstr (sr_alphabet_to_string (SR_ALPHABET_LATIN1), ==, "ISO");
}

static void
test_data_coding_class (void)
{
  guint8 dc = 0xAA;

  g_assert_true (sr_data_coding_with_class (0x00, 0, &dc));
  g_assert_cmpuint (dc, ==, 0x10);
  g_assert_true (sr_data_coding_with_class (0x08, 0, &dc));
  g_assert_cmpuint (dc, ==, 0x18);
  g_assert_true (sr_data_coding_with_class (0x08, 2, &dc));
  g_assert_cmpuint (dc, ==, 0x1A);
  g_assert_true (sr_data_coding_with_class (0x04, 1, &dc));
  g_assert_cmpuint (dc, ==, 0x15);
  g_assert_false (sr_data_coding_with_class (0x03, 0, &dc));
  g_assert_cmpuint (dc, ==, 0x03);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (count_cases); i++) {
    g_autofree char *path = g_strdup_printf ("/split/count/%s", count_cases[i].name);
    g_test_add_data_func (path, &count_cases[i], test_count);
  }
  for (gsize i = 0; i < G_N_ELEMENTS (forced_cases); i++) {
    g_autofree char *path = g_strdup_printf ("/split/forced/%" G_GSIZE_FORMAT, i);
    g_test_add_data_func (path, &forced_cases[i], test_forced);
  }
  g_test_add_func ("/split/count-format", test_count_format);
  g_test_add_func ("/split/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/split/single/gsm-unpacked", test_single_gsm_unpacked);
  g_test_add_func ("/split/single/gsm-packed", test_single_gsm_packed);
  g_test_add_func ("/split/single/gsm-as-latin1", test_single_gsm_as_latin1);
  g_test_add_func ("/split/single/ucs2-emoji", test_single_ucs2_emoji);
  g_test_add_func ("/split/single/latin1", test_single_latin1);
  g_test_add_func ("/split/udh8", test_udh8);
  g_test_add_func ("/split/udh16-ucs2", test_udh16_ucs2);
  g_test_add_func ("/split/udh8-packed", test_udh8_packed);
  g_test_add_func ("/split/sar", test_sar);
  g_test_add_func ("/split/payload", test_payload);
  g_test_add_func ("/split/too-long", test_too_long);
  g_test_add_func ("/split/long-text-heap", test_long_text_heap);
  g_test_add_func ("/split/alphabet-names", test_alphabet_names);
  g_test_add_func ("/split/data-coding-class", test_data_coding_class);
  return g_test_run ();
}
