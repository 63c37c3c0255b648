/* Tests of inbound decoding (sr-decode.h) and user data headers (sr-udh.h). */
#include "sr-decode.h"
#include "sr-split.h"
#include "sr-gsm7.h"

#include <string.h>

static gsize
hex_to_bytes (const char *hex, guint8 *out)
{
  gsize n = strlen (hex) / 2;

  for (gsize i = 0; i < n; i++)
    out[i] = (guint8) g_ascii_strtoull ((char[]) { hex[2 * i], hex[2 * i + 1], 0 }, NULL, 16);
  return n;
}

/* data_coding interpretation. */
typedef struct {
  guint8 dc;
  SrDataCoding0 dc0;
  SrAlphabet alphabet;
  gboolean packed;
  gint message_class;
} DcCase;

static const DcCase dc_cases[] = {
  { 0x00, SR_DC0_GSM_UNPACKED, SR_ALPHABET_GSM, FALSE, -1 },
  { 0x00, SR_DC0_GSM_PACKED, SR_ALPHABET_GSM, TRUE, -1 },
  { 0x00, SR_DC0_LATIN1, SR_ALPHABET_LATIN1, FALSE, -1 },
  { 0x01, SR_DC0_GSM_UNPACKED, SR_ALPHABET_IA5, FALSE, -1 },
  { 0x02, SR_DC0_GSM_UNPACKED, SR_ALPHABET_BINARY, FALSE, -1 },
  { 0x03, SR_DC0_GSM_UNPACKED, SR_ALPHABET_LATIN1, FALSE, -1 },
  { 0x04, SR_DC0_GSM_UNPACKED, SR_ALPHABET_BINARY, FALSE, -1 },
  { 0x05, SR_DC0_GSM_UNPACKED, SR_ALPHABET_BINARY, FALSE, -1 },
  { 0x08, SR_DC0_GSM_UNPACKED, SR_ALPHABET_UCS2, FALSE, -1 },
  { 0x0E, SR_DC0_GSM_UNPACKED, SR_ALPHABET_BINARY, FALSE, -1 },
  { 0x10, SR_DC0_GSM_UNPACKED, SR_ALPHABET_GSM, FALSE, 0 },
  { 0x10, SR_DC0_GSM_PACKED, SR_ALPHABET_GSM, TRUE, 0 },
  { 0x11, SR_DC0_LATIN1, SR_ALPHABET_GSM, FALSE, 1 },
  { 0x14, SR_DC0_GSM_UNPACKED, SR_ALPHABET_BINARY, FALSE, 0 },
  { 0x16, SR_DC0_GSM_UNPACKED, SR_ALPHABET_BINARY, FALSE, 2 },
  { 0x18, SR_DC0_GSM_UNPACKED, SR_ALPHABET_UCS2, FALSE, 0 },
  { 0x19, SR_DC0_GSM_UNPACKED, SR_ALPHABET_UCS2, FALSE, 1 },
  { 0x20, SR_DC0_GSM_UNPACKED, SR_ALPHABET_BINARY, FALSE, -1 },   /* compressed */
  { 0x48, SR_DC0_GSM_UNPACKED, SR_ALPHABET_UCS2, FALSE, -1 },     /* auto-deletion group */
  { 0x80, SR_DC0_GSM_UNPACKED, SR_ALPHABET_BINARY, FALSE, -1 },
  { 0xC0, SR_DC0_GSM_UNPACKED, SR_ALPHABET_GSM, FALSE, -1 },
  { 0xD8, SR_DC0_GSM_PACKED, SR_ALPHABET_GSM, TRUE, -1 },
  { 0xE0, SR_DC0_GSM_UNPACKED, SR_ALPHABET_UCS2, FALSE, -1 },
  { 0xF0, SR_DC0_GSM_UNPACKED, SR_ALPHABET_GSM, FALSE, 0 },
  { 0xF1, SR_DC0_GSM_PACKED, SR_ALPHABET_GSM, TRUE, 1 },
  { 0xF4, SR_DC0_GSM_UNPACKED, SR_ALPHABET_BINARY, FALSE, 0 },
  { 0xF6, SR_DC0_GSM_UNPACKED, SR_ALPHABET_BINARY, FALSE, 2 },
  { 0xFF, SR_DC0_GSM_UNPACKED, SR_ALPHABET_BINARY, FALSE, 3 },
};

static void
test_data_coding (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (dc_cases); i++) {
    const DcCase *c = &dc_cases[i];
    SrDataCodingInfo info;

    sr_data_coding_parse (c->dc, c->dc0, &info);
    g_test_message ("data_coding 0x%02X dc0 %d", c->dc, c->dc0);
    g_assert_cmpint (info.alphabet, ==, c->alphabet);
    g_assert_cmpint (info.packed, ==, c->packed);
    g_assert_cmpint (info.message_class, ==, c->message_class);
  }
}

/* Whole short_messages as a deliver_sm brings them. */
typedef struct {
  const char *name;
  const char *hex;
  guint8 esm_class;
  guint8 dc;
  SrDataCoding0 dc0;
  const char *text;
  SrAlphabet alphabet;
  SrDecodeFlags flags;
  guint undecodable;
  gboolean concat;
  guint16 ref;
  guint8 total, seq;
  const char *problem;   /* substring, or NULL for none */
} SmCase;

static const SmCase sm_cases[] = {
  { "gsm-unpacked", "48656C6C6F2000021B65", 0, 0x00, SR_DC0_GSM_UNPACKED,
    "Hello @$€", SR_ALPHABET_GSM, 0, 0, FALSE, 0, 0, 0, NULL },
  { "gsm-packed", "E8329BFD4697D9EC37", 0, 0x00, SR_DC0_GSM_PACKED,
    "hellohello", SR_ALPHABET_GSM, 0, 0, FALSE, 0, 0, 0, NULL },
  { "gsm-packed-cr-pad", "31D98C56B3DD1A", 0, 0x00, SR_DC0_GSM_PACKED,
    "1234567", SR_ALPHABET_GSM, 0, 0, FALSE, 0, 0, 0, NULL },
  { "gsm-flash", "4869", 0, 0x10, SR_DC0_GSM_UNPACKED,
    "Hi", SR_ALPHABET_GSM, 0, 0, FALSE, 0, 0, 0, NULL },
  { "gsm-high-octets", "41C142", 0, 0x00, SR_DC0_GSM_UNPACKED,
    "A\uFFFDB", SR_ALPHABET_GSM, SR_DECODE_FLAG_UNDECODABLE, 1, FALSE, 0, 0, 0, "undecodable bytes" },
  { "dc0-latin1", "436166E9", 0, 0x00, SR_DC0_LATIN1,
    "Café", SR_ALPHABET_LATIN1, 0, 0, FALSE, 0, 0, 0, NULL },
  { "ia5", "48692021", 0, 0x01, SR_DC0_GSM_UNPACKED,
    "Hi !", SR_ALPHABET_IA5, 0, 0, FALSE, 0, 0, 0, NULL },
  { "ia5-8bit", "48E9", 0, 0x01, SR_DC0_GSM_UNPACKED,
    "H\uFFFD", SR_ALPHABET_IA5, SR_DECODE_FLAG_UNDECODABLE, 1, FALSE, 0, 0, 0, "undecodable" },
  { "latin1", "C761207661", 0, 0x03, SR_DC0_GSM_UNPACKED,
    "Ça va", SR_ALPHABET_LATIN1, 0, 0, FALSE, 0, 0, 0, NULL },
  { "ucs2-emoji", "0048D83DDE00", 0, 0x08, SR_DC0_GSM_UNPACKED,
    "H😀", SR_ALPHABET_UCS2, 0, 0, FALSE, 0, 0, 0, NULL },
  { "ucs2-truncated", "0048D83DDE", 0, 0x08, SR_DC0_GSM_UNPACKED,
    "H\uFFFD\uFFFD", SR_ALPHABET_UCS2, SR_DECODE_FLAG_UNDECODABLE, 2, FALSE, 0, 0, 0, "undecodable bytes: 2" },
  { "ucs2-odd", "004800", 0, 0x08, SR_DC0_GSM_UNPACKED,
    "H\uFFFD", SR_ALPHABET_UCS2, SR_DECODE_FLAG_UNDECODABLE, 1, FALSE, 0, 0, 0, "undecodable bytes: 1" },
  { "binary-4", "00FF10", 0, 0x04, SR_DC0_GSM_UNPACKED,
    "00FF10", SR_ALPHABET_BINARY, SR_DECODE_FLAG_BINARY, 0, FALSE, 0, 0, 0, "binary data (data_coding 0x04)" },
  { "binary-f4", "CAFE", 0, 0xF4, SR_DC0_GSM_UNPACKED,
    "CAFE", SR_ALPHABET_BINARY, SR_DECODE_FLAG_BINARY, 0, FALSE, 0, 0, 0, "kept as hex" },
  { "f0-gsm", "4869", 0, 0xF0, SR_DC0_GSM_UNPACKED,
    "Hi", SR_ALPHABET_GSM, 0, 0, FALSE, 0, 0, 0, NULL },
  { "empty", "", 0, 0x00, SR_DC0_GSM_UNPACKED,
    "", SR_ALPHABET_GSM, 0, 0, FALSE, 0, 0, 0, NULL },
  /* User data headers. */
  { "udh8-gsm", "0500031F03024869", 0x40, 0x00, SR_DC0_GSM_UNPACKED,
    "Hi", SR_ALPHABET_GSM, 0, 0, TRUE, 0x1F, 3, 2, NULL },
  { "udh16-ucs2", "060804ABCD0201D83DDE00", 0x43, 0x08, SR_DC0_GSM_UNPACKED,
    "😀", SR_ALPHABET_UCS2, 0, 0, TRUE, 0xABCD, 2, 1, NULL },
  { "udh8-packed-fill", "050003010101" "90" "69", 0x40, 0x00, SR_DC0_GSM_PACKED,
    "Hi", SR_ALPHABET_GSM, 0, 0, TRUE, 1, 1, 1, NULL },
  { "udh-other-ie-before", "0B" "0A0400000000" "0003070301" "4F4B", 0x40, 0x00, SR_DC0_GSM_UNPACKED,
    "OK", SR_ALPHABET_GSM, 0, 0, TRUE, 7, 3, 1, NULL },
  { "udh-other-ie-after", "09" "0804012302" "01" "240101" "4F4B", 0x40, 0x00, SR_DC0_GSM_UNPACKED,
    "OK", SR_ALPHABET_GSM, 0, 0, TRUE, 0x0123, 2, 1, NULL },
  { "udh-no-concat", "03240101" "4F4B", 0x40, 0x00, SR_DC0_GSM_UNPACKED,
    "OK", SR_ALPHABET_GSM, 0, 0, FALSE, 0, 0, 0, NULL },
  { "udh-seq-zero-ignored", "050003010200" "4F4B", 0x40, 0x00, SR_DC0_GSM_UNPACKED,
    "OK", SR_ALPHABET_GSM, 0, 0, FALSE, 0, 0, 0, NULL },
  { "udh-seq-over-total-ignored", "050003010203" "4F4B", 0x40, 0x00, SR_DC0_GSM_UNPACKED,
    "OK", SR_ALPHABET_GSM, 0, 0, FALSE, 0, 0, 0, NULL },
  { "udh-header-only", "050003010101", 0x40, 0x00, SR_DC0_GSM_UNPACKED,
    "", SR_ALPHABET_GSM, 0, 0, TRUE, 1, 1, 1, NULL },
  /* Malformed headers: kept whole as hex, flagged, no read past the end. */
  { "udh-length-past-end", "0C0003010201", 0x40, 0x00, SR_DC0_GSM_UNPACKED,
    "0C0003010201", SR_ALPHABET_BINARY, SR_DECODE_FLAG_BAD_UDH | SR_DECODE_FLAG_BINARY, 0, FALSE, 0, 0, 0,
    "length 12 exceeds the 5 octets" },
  { "udh-ie-past-header", "0500050102014869", 0x40, 0x00, SR_DC0_GSM_UNPACKED,
    "0500050102014869", SR_ALPHABET_BINARY, SR_DECODE_FLAG_BAD_UDH | SR_DECODE_FLAG_BINARY, 0, FALSE, 0, 0, 0,
    "element 0x00 at octet 1 has length 5" },
  { "udh-ie-cut", "0300030148", 0x40, 0x00, SR_DC0_GSM_UNPACKED,
    "0300030148", SR_ALPHABET_BINARY, SR_DECODE_FLAG_BAD_UDH | SR_DECODE_FLAG_BINARY, 0, FALSE, 0, 0, 0,
    "Bad user data header" },
  { "udh-dangling-iei", "010048", 0x40, 0x00, SR_DC0_GSM_UNPACKED,
    "010048", SR_ALPHABET_BINARY, SR_DECODE_FLAG_BAD_UDH | SR_DECODE_FLAG_BINARY, 0, FALSE, 0, 0, 0,
    "cut off by the header length 1" },
  { "udh-concat-wrong-length", "0400020102" "48", 0x40, 0x00, SR_DC0_GSM_UNPACKED,
    "040002010248", SR_ALPHABET_BINARY, SR_DECODE_FLAG_BAD_UDH | SR_DECODE_FLAG_BINARY, 0, FALSE, 0, 0, 0,
    "has length 2 instead of 3" },
  { "udh-empty-message", "", 0x40, 0x08, SR_DC0_GSM_UNPACKED,
    "", SR_ALPHABET_BINARY, SR_DECODE_FLAG_BAD_UDH | SR_DECODE_FLAG_BINARY, 0, FALSE, 0, 0, 0,
    "message is empty" },
};

static void
test_decode_sm (gconstpointer data)
{
  const SmCase *c = data;
  guint8 buf[128];
  gsize len = hex_to_bytes (c->hex, buf);
  g_autofree guint8 *exact = g_memdup2 (buf, len);   /* ASan sees reads past the end */
  g_autoptr(SrDecoded) d = sr_decode_sm (exact, len, c->esm_class, c->dc, c->dc0);

  g_assert_nonnull (d);
  g_assert_cmpstr (d->text, ==, c->text);
  g_assert_true (g_utf8_validate (d->text, -1, NULL));
  g_assert_cmpint (d->alphabet, ==, c->alphabet);
  g_assert_cmpint (d->flags, ==, c->flags);
  g_assert_cmpuint (d->undecodable, ==, c->undecodable);
  g_assert_cmpint (d->udh.concat, ==, c->concat);
  if (c->concat) {
    g_assert_true (d->has_udh);
    g_assert_cmpuint (d->udh.ref, ==, c->ref);
    g_assert_cmpuint (d->udh.total, ==, c->total);
    g_assert_cmpuint (d->udh.seq, ==, c->seq);
  }
  if (c->problem == NULL) {
    g_assert_null (d->problem);
  } else {
    g_assert_nonnull (d->problem);
    if (strstr (d->problem, c->problem) == NULL)
      g_error ("“%s” not in “%s”", c->problem, d->problem);
  }
}

static void
test_udh_parse_direct (void)
{
  static const guint8 good[] = { 0x0B, 0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0, 0x00, 0x03, 0x42, 0x04, 0x04, 'x' };
  SrUdhInfo info;
  g_autoptr(GError) error = NULL;

  g_assert_true (sr_udh_parse (good, sizeof good, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.length, ==, 12);
  g_assert_cmpuint (info.n_elements, ==, 2);
  g_assert_true (info.concat);
  g_assert_false (info.ref16);
  g_assert_cmpuint (info.ref, ==, 0x42);
  g_assert_cmpuint (info.seq, ==, 4);

  /* Every truncation of a good header fails cleanly, never reading past it. */
  for (gsize cut = 0; cut < 12; cut++) {
    g_autofree guint8 *copy = g_memdup2 (good, cut ? cut : 1);

    g_assert_false (sr_udh_parse (copy, cut, &info, &error));
    g_assert_error (error, SR_ENCODING_ERROR, SR_ENCODING_ERROR_BAD_UDH);
    g_assert_cmpint (sr_encoding_error_class (error), ==, SR_ERROR_CLASS_INPUT);
    g_clear_error (&error);
  }

  g_assert_cmpuint (sr_udh_fill_bits (6), ==, 1);
  g_assert_cmpuint (sr_udh_fill_bits (7), ==, 0);
  g_assert_cmpuint (sr_udh_fill_bits (12), ==, 2);
}

/* What we split, we decode back — for every alphabet, method and dc0. */
static void
test_round_trip_split (void)
{
  static const char *const texts[] = {
    "Short one",
    "Grüße {aus} [Zürich] für 10€ – nein: ohne Gedankenstrich",
    "Ωραία! ΔΦΓΛΩΠΨΣΘΞ @£$¥ èéùìò ÇØøÅå ÆæßÉ ¡¿ ÄÖÑÜ§ äöñüà ^{}\\[~]|€ "
    "ΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩΩ"
    "{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}{}",
    "Привет 😀 мир 👍🏽 — emoji across parts 😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀"
    "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀",
  };
  static const SrSplitMethod methods[] = { SR_SPLIT_UDH8, SR_SPLIT_UDH16, SR_SPLIT_SAR, SR_SPLIT_PAYLOAD };
  static const SrDataCoding0 dc0s[] = { SR_DC0_GSM_UNPACKED, SR_DC0_GSM_PACKED, SR_DC0_LATIN1 };

  for (gsize t = 0; t < G_N_ELEMENTS (texts); t++) {
    for (gsize m = 0; m < G_N_ELEMENTS (methods); m++) {
      for (gsize k = 0; k < G_N_ELEMENTS (dc0s); k++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(SrSplit) split = sr_split_message (texts[t], SR_ALPHABET_AUTO, methods[m], 10,
                                                     dc0s[k], 0x0102, &error);
        SrUserData parts[10];
        g_autoptr(SrDecoded) joined = NULL;
        guint8 dc = 0;

        g_assert_no_error (error);
        g_assert_cmpuint (split->n_segments, <=, 10);
        for (guint i = 0; i < split->n_segments; i++) {
          const SrSegment *s = &split->segments[i];
          g_autoptr(SrDecoded) d = sr_decode_sm (s->data, s->length, s->esm_class, s->data_coding, dc0s[k]);

          g_assert_cmpint (d->flags, ==, 0);
          g_assert_cmpuint (s->length, <=, s->payload ? SR_SPLIT_PAYLOAD_MAX : 140u + 20u);
          if (s->esm_class & SR_ESM_CLASS_UDHI) {
            g_assert_true (d->udh.concat);
            g_assert_cmpuint (d->udh.seq, ==, i + 1);
            g_assert_cmpuint (d->udh.total, ==, split->n_segments);
            g_assert_cmpuint (d->udh.ref, ==, methods[m] == SR_SPLIT_UDH8 ? 0x02 : 0x0102);
          }
          if (dc0s[k] == SR_DC0_GSM_PACKED && !s->payload)
            g_assert_cmpuint (s->length, <=, 140);
          parts[i] = (SrUserData) { s->data + d->body_offset, s->length - d->body_offset, d->fill_bits };
          dc = s->data_coding;
        }
        joined = sr_decode_user_data (parts, split->n_segments, dc, dc0s[k]);
        g_assert_cmpstr (joined->text, ==, texts[t]);
        g_assert_cmpint (joined->flags, ==, 0);
      }
    }
  }
}

/* A careless sender cut a surrogate pair / escape across parts: joining first still decodes. */
static void
test_join_cut_sequences (void)
{
  static const guint8 u1[] = { 0x00, 0x41, 0xD8, 0x3D }, u2[] = { 0xDE, 0x00, 0x00, 0x42 };
  static const guint8 g1[] = { 'a', 0x1B }, g2[] = { 0x65, 'b' };
  SrUserData ucs2[] = { { u1, sizeof u1, 0 }, { u2, sizeof u2, 0 } };
  SrUserData gsm[] = { { g1, sizeof g1, 0 }, { g2, sizeof g2, 0 } };
  g_autoptr(SrDecoded) a = sr_decode_user_data (ucs2, 2, 0x08, SR_DC0_GSM_UNPACKED);
  g_autoptr(SrDecoded) b = sr_decode_user_data (gsm, 2, 0x00, SR_DC0_GSM_UNPACKED);
  g_autoptr(SrDecoded) c = sr_decode_user_data (NULL, 0, 0x00, SR_DC0_GSM_PACKED);

  g_assert_cmpstr (a->text, ==, "A😀B");
  g_assert_cmpstr (b->text, ==, "a€b");
  g_assert_cmpstr (c->text, ==, "");
}

/* Random octets with random esm_class / data_coding: never a crash, always
 * valid UTF-8, nothing silently lost (binary and bad headers keep all). */
static void
test_fuzz_decode (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (4711);
  static const SrDataCoding0 dc0s[] = { SR_DC0_GSM_UNPACKED, SR_DC0_GSM_PACKED, SR_DC0_LATIN1 };

  for (guint iter = 0; iter < 20000; iter++) {
    gsize len = (gsize) g_rand_int_range (rand, 0, 48);
    g_autofree guint8 *data = g_malloc (len ? len : 1);
    guint8 esm = g_rand_boolean (rand) ? 0x40 : 0x00;
    guint8 dc = (guint8) g_rand_int_range (rand, 0, 256);
    g_autoptr(SrDecoded) d = NULL;

    for (gsize i = 0; i < len; i++)
      data[i] = (guint8) g_rand_int_range (rand, 0, 256);
    /* Often a plausible header length, to reach the element walk. */
    if (esm && len > 0 && g_rand_boolean (rand))
      data[0] = (guint8) g_rand_int_range (rand, 0, (gint) len);
    d = sr_decode_sm (data, len, esm, dc, dc0s[iter % 3]);
    g_assert_nonnull (d);
    g_assert_nonnull (d->text);
    g_assert_true (g_utf8_validate (d->text, -1, NULL));
    if (d->flags & SR_DECODE_FLAG_BINARY)
      g_assert_cmpuint (strlen (d->text), ==, 2 * (len - ((d->flags & SR_DECODE_FLAG_BAD_UDH) ? 0 : d->body_offset)));
    g_assert_cmpint ((d->flags & SR_DECODE_FLAG_UNDECODABLE) != 0, ==, d->undecodable > 0);
    g_assert_cmpint (d->problem != NULL, ==, d->flags != 0);
  }
}

/* Random texts: counting agrees with splitting, and decoding gives the text back. */
static void
test_fuzz_split (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1234);
  static const gunichar pool[] = {
    'a', 'Z', ' ', '0', '@', '$', '_', '\n', '\r', 0xE9, 0xC7, 0x394, 0x20AC, '{', '}', '[', ']', '~',
    '^', '|', '\\', 0x0C, 0xE7, 0x416, 0x1F600, 0x1D11E, 0xFF, '\t', 0x2013,
  };
  static const SrSplitMethod methods[] = { SR_SPLIT_UDH8, SR_SPLIT_UDH16, SR_SPLIT_SAR, SR_SPLIT_PAYLOAD };
  static const SrAlphabet alphabets[] = { SR_ALPHABET_AUTO, SR_ALPHABET_GSM, SR_ALPHABET_LATIN1, SR_ALPHABET_UCS2 };

  for (guint iter = 0; iter < 3000; iter++) {
    GString *text = g_string_new (NULL);
    guint n = (guint) g_rand_int_range (rand, 0, 400);
    guint limit = (guint) g_rand_int_range (rand, 4, G_N_ELEMENTS (pool) + 1);
    SrSplitMethod method = methods[iter % 4];
    SrAlphabet alphabet = alphabets[(iter / 4) % 4];
    SrDataCoding0 dc0 = (SrDataCoding0) ((iter / 16) % 3);
    g_autoptr(GError) error = NULL, count_error = NULL;
    g_autoptr(SrSplit) split = NULL;
    SrTextCount count;
    gboolean counted;

    for (guint i = 0; i < n; i++)
      g_string_append_unichar (text, pool[g_rand_int_range (rand, 0, (gint) limit)]);
    counted = sr_text_count (text->str, alphabet, method, &count, &count_error);
    split = sr_split_message (text->str, alphabet, method, 255, dc0, (guint16) iter, &error);
    if (split == NULL) {
      g_assert_true (error->code == SR_ENCODING_ERROR_UNREPRESENTABLE
                     || (error->code == SR_ENCODING_ERROR_TOO_LONG && method == SR_SPLIT_PAYLOAD));
      g_string_free (text, TRUE);
      continue;
    }
    if (dc0 != SR_DC0_LATIN1) {
      g_assert_true (counted);
      g_assert_cmpuint (count.parts, ==, split->parts);
      g_assert_cmpuint (count.units, ==, split->units);
      g_assert_cmpint (count.alphabet, ==, split->alphabet);
    }
    {
      SrUserData parts[255];
      g_autoptr(SrDecoded) joined = NULL;

      for (guint i = 0; i < split->n_segments; i++) {
        const SrSegment *s = &split->segments[i];
        g_autoptr(SrDecoded) d = sr_decode_sm (s->data, s->length, s->esm_class, s->data_coding, dc0);

        if (!s->payload)
          g_assert_cmpuint (s->length, <=, dc0 == SR_DC0_GSM_PACKED || split->alphabet != SR_ALPHABET_GSM ? 140 : 160);
        parts[i] = (SrUserData) { s->data + d->body_offset, s->length - d->body_offset, d->fill_bits };
      }
      joined = sr_decode_user_data (parts, split->n_segments, split->segments[0].data_coding, dc0);
      /* A final CR on an octet boundary is indistinguishable from padding. */
      if (!(dc0 == SR_DC0_GSM_PACKED && split->alphabet == SR_ALPHABET_GSM && text->len > 0
            && text->str[text->len - 1] == '\r'))
        g_assert_cmpstr (joined->text, ==, text->str);
    }
    g_string_free (text, TRUE);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/decode/data-coding", test_data_coding);
  for (gsize i = 0; i < G_N_ELEMENTS (sm_cases); i++) {
    g_autofree char *path = g_strdup_printf ("/decode/sm/%s", sm_cases[i].name);
    g_test_add_data_func (path, &sm_cases[i], test_decode_sm);
  }
  g_test_add_func ("/decode/udh-parse", test_udh_parse_direct);
  g_test_add_func ("/decode/round-trip-split", test_round_trip_split);
  g_test_add_func ("/decode/join-cut-sequences", test_join_cut_sequences);
  g_test_add_func ("/decode/fuzz-decode", test_fuzz_decode);
  g_test_add_func ("/decode/fuzz-split", test_fuzz_split);
  return g_test_run ();
}
