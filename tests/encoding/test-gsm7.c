/* Tests of the GSM 03.38 tables, septet coding and packing (sr-gsm7.h),
 * and of the UCS-2 / Latin-1 conversions (sr-ucs2.h). */
#include "sr-gsm7.h"
#include "sr-ucs2.h"

#include <string.h>

/* The default alphabet, septets 0x00..0x7F in order, written out
 * independently of the library's table (0x1B, the escape, as U+00A0). */
static const char golden_default[] =
  "@£$¥èéùìòÇ\nØø\rÅå"
  "Δ_ΦΓΛΩΠΨΣΘΞ\u00A0ÆæßÉ"
  " !\"#¤%&'()*+,-./"
  "0123456789:;<=>?"
  "¡ABCDEFGHIJKLMNO"
  "PQRSTUVWXYZÄÖÑÜ§"
  "¿abcdefghijklmno"
  "pqrstuvwxyzäöñüà";

/* The extension table: ESC + code → character. */
static const struct {
  guint8 code;
  const char *utf8;
} golden_extension[] = {
  { 0x0A, "\f" }, { 0x14, "^" }, { 0x28, "{" }, { 0x29, "}" }, { 0x2F, "\\" },
  { 0x3C, "[" }, { 0x3D, "~" }, { 0x3E, "]" }, { 0x40, "|" }, { 0x65, "€" },
};

static void
test_default_table (void)
{
  const char *p = golden_default;
  guint count = 0;

  for (guint septet = 0; septet < 128; septet++, count++) {
    gunichar c = g_utf8_get_char (p);
    char one[8] = { 0 };
    guint8 s[2] = { 0xFF, 0xFF };
    guint8 in = (guint8) septet;
    g_autofree char *decoded = NULL;

    p = g_utf8_next_char (p);
    g_assert_cmpuint (sr_gsm7_default_table[septet], ==, c);
    g_unichar_to_utf8 (c, one);
    if (septet == SR_GSM7_ESC) {
      /* NBSP is not encodable; a lone escape reads as a space. */
      g_assert_cmpuint (sr_gsm7_from_unicode (c, s), ==, 0);
      decoded = sr_gsm7_decode (&in, 1, NULL);
      g_assert_cmpstr (decoded, ==, " ");
      continue;
    }
    g_assert_cmpuint (sr_gsm7_from_unicode (c, s), ==, 1);
    g_assert_cmpuint (s[0], ==, septet);
    decoded = sr_gsm7_decode (&in, 1, NULL);
    g_assert_cmpstr (decoded, ==, one);
  }
  g_assert_cmpuint (count, ==, 128);
  g_assert_cmpstr (p, ==, "");
}

static void
test_extension_table (void)
{
  guint defined = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (golden_extension); i++) {
    gunichar c = g_utf8_get_char (golden_extension[i].utf8);
    guint8 s[2], in[2] = { SR_GSM7_ESC, golden_extension[i].code };
    g_autofree char *decoded = NULL;
    gsize septets = 0;

    g_assert_cmpuint (sr_gsm7_extension_table[golden_extension[i].code], ==, c);
    g_assert_cmpuint (sr_gsm7_from_unicode (c, s), ==, 2);
    g_assert_cmpuint (s[0], ==, SR_GSM7_ESC);
    g_assert_cmpuint (s[1], ==, golden_extension[i].code);
    decoded = sr_gsm7_decode (in, 2, NULL);
    g_assert_cmpstr (decoded, ==, golden_extension[i].utf8);
    g_assert_true (sr_gsm7_count (golden_extension[i].utf8, -1, &septets, NULL, NULL));
    g_assert_cmpuint (septets, ==, 2);
  }
  for (guint code = 0; code < 128; code++)
    if (sr_gsm7_extension_table[code] != 0)
      defined++;
  g_assert_cmpuint (defined, ==, G_N_ELEMENTS (golden_extension));

  /* ESC before an undefined code shows the default character (TS 23.038). */
  for (guint code = 0; code < 128; code++) {
    guint8 in[2] = { SR_GSM7_ESC, (guint8) code };
    g_autofree char *decoded = NULL;
    char one[8] = { 0 };

    if (sr_gsm7_extension_table[code] != 0)
      continue;
    decoded = sr_gsm7_decode (in, 2, NULL);
    if (code == SR_GSM7_ESC)
      g_unichar_to_utf8 (' ', one);
    else
      g_unichar_to_utf8 (sr_gsm7_default_table[code], one);
    g_assert_cmpstr (decoded, ==, one);
  }
}

/* Characters outside GSM 03.38: nothing is transliterated. */
static void
test_not_in_gsm (void)
{
  static const char *const outside[] = {
    "`", "\t", "ç", "\u00A0", "😀", "Ж", "á", "ő", "„", "’", "\x01", "\x7F", "ÿ", "ɑ",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (outside); i++) {
    g_autofree char *text = g_strconcat ("ok ", outside[i], " x", NULL);
    guint8 s[2], buf[16];
    gunichar bad = 0;
    gsize index = 0;

    g_assert_cmpuint (sr_gsm7_from_unicode (g_utf8_get_char (outside[i]), s), ==, 0);
    g_assert_false (sr_gsm7_count (text, -1, NULL, &bad, &index));
    g_assert_cmpuint (bad, ==, g_utf8_get_char (outside[i]));
    g_assert_cmpuint (index, ==, 3);
    g_assert_cmpuint (sr_gsm7_encode (text, -1, buf, sizeof buf), ==, (gsize) -1);
  }
}

static void
test_encode_decode_text (void)
{
  const char *text = "Grüße aus Zürich: 10€ {ok} [x] ~y~ |z| \\ ^ ΔΩ @home $5 _";
  guint8 septets[128];
  gsize n, counted = 0;
  g_autofree char *back = NULL;
  guint undecodable = 0;

  g_assert_true (sr_gsm7_count (text, -1, &counted, NULL, NULL));
  n = sr_gsm7_encode (text, -1, septets, sizeof septets);
  g_assert_cmpuint (n, ==, counted);
  g_assert_cmpuint (n, ==, g_utf8_strlen (text, -1) + 11);   /* eleven extension characters */
  back = sr_gsm7_decode (septets, n, &undecodable);
  g_assert_cmpstr (back, ==, text);
  g_assert_cmpuint (undecodable, ==, 0);
}

static void
test_decode_bad_septets (void)
{
  static const guint8 in[] = { 'a', 0x80, 'b', 0xFF, SR_GSM7_ESC, 0x90 };
  guint undecodable = 0;
  g_autofree char *s = sr_gsm7_decode (in, sizeof in, &undecodable);

  g_assert_cmpstr (s, ==, "a\uFFFDb\uFFFD \uFFFD");
  g_assert_cmpuint (undecodable, ==, 3);
  g_assert_true (g_utf8_validate (s, -1, NULL));
}

/* Packing vectors (TS 23.038 §6.1.2.1.1: 7 spare bits carry CR). */
typedef struct {
  const char *septets;
  guint fill;
  const char *hex;
} PackCase;

static const PackCase pack_cases[] = {
  { "", 0, "" },
  { "A", 0, "41" },
  { "1234567", 0, "31D98C56B3DD1A" },
  { "12345678", 0, "31D98C56B3DD70" },
  { "hellohello", 0, "E8329BFD4697D9EC37" },
  { "abcdefg", 0, "61F1985C369F1B" },
  { "A", 1, "82" },
  { "Hi", 1, "9069" },
};

static void
hex_to_bytes (const char *hex, guint8 *out, gsize *len)
{
  gsize n = strlen (hex) / 2;

  for (gsize i = 0; i < n; i++)
    out[i] = (guint8) g_ascii_strtoull ((char[]) { hex[2 * i], hex[2 * i + 1], 0 }, NULL, 16);
  *len = n;
}

static void
test_pack_vectors (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (pack_cases); i++) {
    const PackCase *c = &pack_cases[i];
    gsize n = strlen (c->septets), expected_len, got, back_n;
    guint8 out[32], expected[32], back[40];

    hex_to_bytes (c->hex, expected, &expected_len);
    g_assert_cmpuint (sr_gsm7_packed_size (n, c->fill), ==, expected_len);
    got = sr_gsm7_pack ((const guint8 *) c->septets, n, c->fill, out);
    g_assert_cmpmem (out, got, expected, expected_len);
    back_n = sr_gsm7_unpack (out, got, c->fill, back);
    g_assert_cmpmem (back, back_n, c->septets, n);
  }
}

/* Round trips over lengths around the 7/8 septet boundaries and every fill. */
static void
test_pack_round_trip (void)
{
  for (guint fill = 0; fill < 7; fill++) {
    for (gsize n = 0; n <= 41; n++) {
      guint8 in[64], packed[64], out[80];
      gsize plen, m;

      for (gsize i = 0; i < n; i++)
        in[i] = (guint8) ((i * 37 + fill * 11 + 1) & 0x7F);
      if (n > 0 && in[n - 1] == 0x0D)
        in[n - 1] = 'x';
      plen = sr_gsm7_pack (in, n, fill, packed);
      g_assert_cmpuint (plen, ==, (fill + 7 * n + 7) / 8);
      g_assert_cmpuint (sr_gsm7_unpacked_size (plen, fill), >=, n);
      m = sr_gsm7_unpack (packed, plen, fill, out);
      g_assert_cmpmem (out, m, in, n);
    }
  }
}

static void
test_pack_edge_cases (void)
{
  guint8 packed[16], out[16];
  gsize plen, m;

  /* 7 septets leave 7 spare bits: CR padding, dropped on the way back. */
  plen = sr_gsm7_pack ((const guint8 *) "abcdefg", 7, 0, packed);
  g_assert_cmpuint (plen, ==, 7);
  g_assert_cmpuint (packed[6] >> 1, ==, 0x0D);
  m = sr_gsm7_unpack (packed, plen, 0, out);
  g_assert_cmpuint (m, ==, 7);

  /* 8 septets fill 7 octets exactly: a final '@' (0x00) is text, kept. */
  plen = sr_gsm7_pack ((const guint8 *) "abcdefg\0", 8, 0, packed);
  g_assert_cmpuint (plen, ==, 7);
  m = sr_gsm7_unpack (packed, plen, 0, out);
  g_assert_cmpuint (m, ==, 8);
  g_assert_cmpuint (out[7], ==, 0x00);

  /* A sender that zero-pads 7 septets: the '@' it leaves cannot be told
   * from text and is kept (TS 23.038 asks senders for CR). */
  memset (packed, 0, sizeof packed);
  sr_gsm7_pack ((const guint8 *) "abcdefg", 7, 0, packed);
  packed[6] &= 0x01;
  m = sr_gsm7_unpack (packed, 7, 0, out);
  g_assert_cmpuint (m, ==, 8);

  /* Fill bits consume the start: 1 octet with 1 fill bit holds 1 septet. */
  g_assert_cmpuint (sr_gsm7_unpacked_size (1, 1), ==, 1);
  g_assert_cmpuint (sr_gsm7_unpacked_size (0, 0), ==, 0);
  g_assert_cmpuint (sr_gsm7_unpacked_size (1, 6), ==, 0);
  g_assert_cmpuint (sr_gsm7_unpack (packed, 0, 3, out), ==, 0);

  /* 160 septets after a udh8 header: 134 octets with 1 fill bit hold 153. */
  g_assert_cmpuint (sr_gsm7_packed_size (153, 1), ==, 134);
  g_assert_cmpuint (sr_gsm7_packed_size (160, 0), ==, 140);
  g_assert_cmpuint (sr_gsm7_packed_size (152, 0), ==, 133);
}

static void
test_ucs2 (void)
{
  const char *text = "Aé€Ж😀𝄞";
  static const guint8 expected[] = {
    0x00, 0x41, 0x00, 0xE9, 0x20, 0xAC, 0x04, 0x16, 0xD8, 0x3D, 0xDE, 0x00, 0xD8, 0x34, 0xDD, 0x1E,
  };
  guint8 out[32];
  GString *back = g_string_new (NULL);
  guint undecodable = 0;

  g_assert_cmpuint (sr_ucs2_count (text, -1), ==, 8);
  g_assert_cmpuint (sr_ucs2_encode (text, -1, out), ==, 8);
  g_assert_cmpmem (out, 16, expected, sizeof expected);
  sr_ucs2_decode_append (back, out, 16, &undecodable);
  g_assert_cmpstr (back->str, ==, text);
  g_assert_cmpuint (undecodable, ==, 0);
  g_string_free (back, TRUE);
}

/* Broken UTF-16BE never crashes: what decodes is kept, the rest flagged. */
typedef struct {
  const char *name;
  const char *hex;
  const char *text;
  guint undecodable;
} Ucs2BadCase;

static const Ucs2BadCase ucs2_bad_cases[] = {
  { "odd-octet", "0048006900", "Hi\uFFFD", 1 },
  { "lone-high-at-end", "0048D83D", "H\uFFFD", 1 },
  { "lone-high-then-odd", "D83DDE", "\uFFFD\uFFFD", 2 },
  { "lone-high-before-char", "D83D0041", "\uFFFDA", 1 },
  { "lone-low", "DE000041", "\uFFFDA", 1 },
  { "swapped-pair", "DE00D83D", "\uFFFD\uFFFD", 2 },
  { "nul", "00410000", "A\uFFFD", 1 },
  { "single-octet", "41", "\uFFFD", 1 },
  { "empty", "", "", 0 },
};

static void
test_ucs2_bad (gconstpointer data)
{
  const Ucs2BadCase *c = data;
  guint8 in[32];
  gsize len;
  GString *out = g_string_new (NULL);
  guint undecodable = 0;

  hex_to_bytes (c->hex, in, &len);
  sr_ucs2_decode_append (out, in, len, &undecodable);
  g_assert_cmpstr (out->str, ==, c->text);
  g_assert_cmpuint (undecodable, ==, c->undecodable);
  g_assert_true (g_utf8_validate (out->str, (gssize) out->len, NULL));
  g_string_free (out, TRUE);
}

static void
test_latin1 (void)
{
  guint8 out[32], all[255];
  GString *back = g_string_new (NULL);
  gunichar bad = 0;
  gsize index = 0, n = 0;
  guint undecodable = 0;

  g_assert_cmpuint (sr_latin1_encode ("Çà ÿ£", -1, out), ==, 5);
  g_assert_cmpmem (out, 5, "\xC7\xE0\x20\xFF\xA3", 5);
  g_assert_cmpuint (sr_latin1_encode ("10 €", -1, out), ==, (gsize) -1);
  g_assert_false (sr_latin1_count ("ab€", -1, &n, &bad, &index));
  g_assert_cmpuint (bad, ==, 0x20AC);
  g_assert_cmpuint (index, ==, 2);

  /* Every octet but NUL decodes to the code point of the same value. */
  for (guint i = 0; i < 255; i++)
    all[i] = (guint8) (i + 1);
  sr_latin1_decode_append (back, all, sizeof all, &undecodable);
  g_assert_cmpuint (undecodable, ==, 0);
  g_assert_cmpuint (g_utf8_strlen (back->str, -1), ==, 255);
  {
    const char *p = back->str;

    for (guint i = 1; i <= 255; i++, p = g_utf8_next_char (p))
      g_assert_cmpuint (g_utf8_get_char (p), ==, i);
  }
  g_string_free (back, TRUE);
}

static void
test_ia5 (void)
{
  GString *out = g_string_new (NULL);
  guint undecodable = 0;

  sr_ia5_decode_append (out, (const guint8 *) "Hi\x80!\xFF", 5, &undecodable);
  g_assert_cmpstr (out->str, ==, "Hi\uFFFD!\uFFFD");
  g_assert_cmpuint (undecodable, ==, 2);
  g_string_free (out, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gsm7/default-table", test_default_table);
  g_test_add_func ("/gsm7/extension-table", test_extension_table);
  g_test_add_func ("/gsm7/not-in-gsm", test_not_in_gsm);
  g_test_add_func ("/gsm7/encode-decode", test_encode_decode_text);
  g_test_add_func ("/gsm7/decode-bad-septets", test_decode_bad_septets);
  g_test_add_func ("/gsm7/pack-vectors", test_pack_vectors);
  g_test_add_func ("/gsm7/pack-round-trip", test_pack_round_trip);
  g_test_add_func ("/gsm7/pack-edge-cases", test_pack_edge_cases);
  g_test_add_func ("/ucs2/encode-decode", test_ucs2);
  for (gsize i = 0; i < G_N_ELEMENTS (ucs2_bad_cases); i++) {
    g_autofree char *path = g_strdup_printf ("/ucs2/bad/%s", ucs2_bad_cases[i].name);
    g_test_add_data_func (path, &ucs2_bad_cases[i], test_ucs2_bad);
  }
  g_test_add_func ("/latin1/both-ways", test_latin1);
  g_test_add_func ("/ia5/decode", test_ia5);
  return g_test_run ();
}
