/* test-smstools3.c — smstools3's files: the dialect of the parser
 * (charsets, To, Alphabet, Validity) and the settle check of the scan. */
#include "sr-error-class.h"
#include "sr-message.h"
#include "sr-spool.h"

#include <glib/gstdio.h>
#include <string.h>

/* Literals with NUL bytes (UCS-2) need their length. */
#define BYTES(s) s, sizeof (s) - 1

/* An smstools3 file that must parse, and what it must give. */
typedef struct {
  const char *name;
  const char *data;
  gsize len;
  const char *to;
  SrMessageAlphabet alphabet;
  gint64 validity;
  const char *text;
  const char *from;
} ValidCase;

static const ValidCase valid_cases[] = {
  /* The examples of smstools3's fileformat.html. */
  { "easy", BYTES ("To: 491721234567\n\nHello, this is the sms.\n"),
    "+491721234567", SR_MESSAGE_ALPHABET_AUTO, -1, "Hello, this is the sms." },
  { "complex", BYTES ("To: 491721234567\nFlash: yes\nAlphabet: ISO\n\nHello Stefan, how are you?\n"),
    "+491721234567", SR_MESSAGE_ALPHABET_AUTO, -1, "Hello Stefan, how are you?" },
  { "grouped", BYTES ("To: 358 12 345 6789\n\nHi\n"),
    "+358 12 345 6789", SR_MESSAGE_ALPHABET_AUTO, -1, "Hi" },
  { "plus-kept", BYTES ("To: +41791234567\n\nHi"),
    "+41791234567", SR_MESSAGE_ALPHABET_AUTO, -1, "Hi" },
  { "toa-national", BYTES ("To: 0791234567\nTo_TOA: National\n\nHi"),
    "0791234567", SR_MESSAGE_ALPHABET_AUTO, -1, "Hi" },
  { "toa-unknown-before-to", BYTES ("To_TOA: Unknown\nTo: 0791234567\n\nHi"),
    "0791234567", SR_MESSAGE_ALPHABET_AUTO, -1, "Hi" },
  { "toa-international", BYTES ("To: 41791234567\nTo_TOA: International\n\nHi"),
    "+41791234567", SR_MESSAGE_ALPHABET_AUTO, -1, "Hi" },
  /* What the stock sendsms writes for a text ISO-8859-15 cannot hold. */
  { "ucs2-sendsms", BYTES ("To: 41791234567\nAlphabet: UCS\n\n"
                           "\x04\x1f\x04\x40\x04\x38\x04\x32\x04\x35\x04\x42\x00\x21"),
    "+41791234567", SR_MESSAGE_ALPHABET_UCS2, -1, "Привет!" },
  { "ucs2-bom-and-line-break", BYTES ("To: 1\nAlphabet: UCS-2\n\n\xFE\xFF\x00H\x00i\n"),
    "+1", SR_MESSAGE_ALPHABET_UCS2, -1, "Hi" },
  { "ucs2-little-endian-bom", BYTES ("To: 1\nAlphabet: UCS2\n\n\xFF\xFEH\x00i\x00"),
    "+1", SR_MESSAGE_ALPHABET_UCS2, -1, "Hi" },
  { "ucs2-line-breaks-inside", BYTES ("To: 1\nAlphabet: UCS\n\n\x00""a\x00\n\x00""b\x00\n"),
    "+1", SR_MESSAGE_ALPHABET_UCS2, -1, "a\nb" },
  { "ucs2-surrogate-pair", BYTES ("To: 1\nAlphabet: UCS\n\n\xD8\x3D\xDE\x00"),
    "+1", SR_MESSAGE_ALPHABET_UCS2, -1, "😀" },
  { "ucs2-crlf-headers", BYTES ("To: 1\r\nAlphabet: UCS\r\n\r\n\x00H\x00i"),
    "+1", SR_MESSAGE_ALPHABET_UCS2, -1, "Hi" },
  { "unicode", BYTES ("To: 1\nAlphabet: Unicode\n\n\x00H\x00i"),
    "+1", SR_MESSAGE_ALPHABET_UCS2, -1, "Hi" },
  { "chinese", BYTES ("To: 1\nAlphabet: Chinese\n\n\x4e\x2d"),
    "+1", SR_MESSAGE_ALPHABET_UCS2, -1, "中" },
  /* smstools3's default charset; € is 0xA4 in ISO-8859-15, not in Latin-1. */
  { "iso-8859-15-body", BYTES ("To: 1\n\nGr\xfc\xdf \xa4 5\n"),
    "+1", SR_MESSAGE_ALPHABET_AUTO, -1, "Grüß € 5" },
  { "iso-8859-15-alphabet", BYTES ("To: 1\nAlphabet: ISO-8859-15\n\n\xa6\xa8\xbc\n"),
    "+1", SR_MESSAGE_ALPHABET_AUTO, -1, "ŠšŒ" },
  { "latin", BYTES ("To: 1\nAlphabet: Latin\n\nb"), "+1", SR_MESSAGE_ALPHABET_AUTO, -1, "b" },
  { "ansi", BYTES ("To: 1\nAlphabet: ANSI\n\nb"), "+1", SR_MESSAGE_ALPHABET_AUTO, -1, "b" },
  /* outgoing_utf8 (smstools3's default): UTF-8 texts are taken as they are. */
  { "utf8-without-alphabet", BYTES ("To: 1\n\nGrüezi\n"),
    "+1", SR_MESSAGE_ALPHABET_AUTO, -1, "Grüezi" },
  { "utf8-alphabet", BYTES ("To: 1\nAlphabet: UTF-8\n\nПривет\n"),
    "+1", SR_MESSAGE_ALPHABET_AUTO, -1, "Привет" },
  { "gsm", BYTES ("To: 1\nAlphabet: GSM\n\nb"), "+1", SR_MESSAGE_ALPHABET_GSM, -1, "b" },
  { "empty-alphabet", BYTES ("To: 1\nAlphabet:\n\nb"), "+1", SR_MESSAGE_ALPHABET_AUTO, -1, "b" },
  { "iso-8859-15-header", BYTES ("To: 1\nFrom: M\xfcller\n\nb"),
    "+1", SR_MESSAGE_ALPHABET_AUTO, -1, "b", "Müller" },
  { "validity-code-0", BYTES ("To: 1\nValidity: 0\n\nb"), "+1", SR_MESSAGE_ALPHABET_AUTO, 300, "b" },
  { "validity-code-167", BYTES ("To: 1\nValidity: 167\n\nb"), "+1", SR_MESSAGE_ALPHABET_AUTO, 86400, "b" },
  { "validity-code-255", BYTES ("To: 1\nValidity: 255\n\nb"),
    "+1", SR_MESSAGE_ALPHABET_AUTO, SR_MESSAGE_VALIDITY_MAX, "b" },
  { "validity-keyword", BYTES ("To: 1\nValidity: 2 days\n\nb"),
    "+1", SR_MESSAGE_ALPHABET_AUTO, 2 * 86400, "b" },
};

static void
test_valid (gconstpointer p)
{
  const ValidCase *c = p;
  g_autoptr (GError) error = NULL;
  g_autoptr (SrMessage) msg = sr_message_parse_dialect (c->data, c->len, 0,
                                                        SR_MESSAGE_DIALECT_SMSTOOLS3, &error);
  gsize len;

  g_assert_no_error (error);
  g_assert_nonnull (msg);
  g_assert_cmpstr (sr_message_get_to (msg), ==, c->to);
  g_assert_cmpstr (sr_message_get_from (msg), ==, c->from);
  g_assert_cmpint (sr_message_get_alphabet (msg), ==, c->alphabet);
  g_assert_cmpint (sr_message_get_validity (msg), ==, c->validity);
  g_assert_cmpstr (sr_message_get_text (msg, &len), ==, c->text);
  g_assert_cmpuint (len, ==, strlen (c->text));
}

/* An smstools3 file that must be refused, with its code and a fragment of the message. */
typedef struct {
  const char *name;
  const char *data;
  gsize len;
  SrMessageError code;
  const char *fragment;
} BadCase;

static const BadCase bad_cases[] = {
  { "empty-file", BYTES (""), SR_MESSAGE_ERROR_EMPTY_FILE, "is empty (0 bytes)" },
  { "ucs2-odd", BYTES ("To: 1\nAlphabet: UCS\n\n\x00H\x00"), SR_MESSAGE_ERROR_BAD_ENCODING,
    "not UCS-2 as “Alphabet: UCS” says: it has an odd number of bytes (3)" },
  { "ucs2-lone-surrogate", BYTES ("To: 1\nAlphabet: UCS\n\n\xD8\x00\x00""a"),
    SR_MESSAGE_ERROR_BAD_ENCODING, "not UCS-2 as “Alphabet: UCS” says" },
  { "ucs2-nul-character", BYTES ("To: 1\nAlphabet: UCS\n\n\x00H\x00\x00"),
    SR_MESSAGE_ERROR_NUL_BYTE, "in the body" },
  { "ucs2-empty", BYTES ("To: 1\nAlphabet: UCS\n\n"), SR_MESSAGE_ERROR_EMPTY_BODY, "is empty" },
  { "binary", BYTES ("To: 1\nAlphabet: binary\n\nb"), SR_MESSAGE_ERROR_BAD_ALPHABET,
    "binary messages are not supported" },
  { "unknown-alphabet", BYTES ("To: 1\nAlphabet: klingon\n\nb"), SR_MESSAGE_ERROR_BAD_ALPHABET,
    "Unknown Alphabet “klingon”: use ISO, GSM, UCS or UTF-8" },
  { "hex", BYTES ("To: 1\nHex: yes\n\n48 69"), SR_MESSAGE_ERROR_BAD_ENCODING, "Hex: yes" },
  { "validity-code-256", BYTES ("To: 1\nValidity: 256\n\nb"), SR_MESSAGE_ERROR_BAD_VALIDITY,
    "Validity “256” on line 2 is neither a code from 0 to 255" },
  { "validity-unit", BYTES ("To: 1\nValidity: 3 fortnights\n\nb"), SR_MESSAGE_ERROR_BAD_VALIDITY,
    "“3 fortnights”" },
  { "missing-to", BYTES ("Alphabet: UCS\n\n\x00H"), SR_MESSAGE_ERROR_MISSING_TO, "no To header" },
  { "no-separator", BYTES ("To: 1\nAlphabet: UCS\n"), SR_MESSAGE_ERROR_NO_SEPARATOR, "no blank line" },
  { "nul-in-header", BYTES ("To: 1\x00\n\nb"), SR_MESSAGE_ERROR_NUL_BYTE, "in the header" },
  { "no-colon-line-number", BYTES ("To: 1\nAlphabet: UCS\nHello\n\n\x00H"),
    SR_MESSAGE_ERROR_NO_COLON, "line 3 has no colon" },
};

static void
test_bad (gconstpointer p)
{
  const BadCase *c = p;
  g_autoptr (GError) error = NULL;
  g_autoptr (SrMessage) msg = sr_message_parse_dialect (c->data, c->len, 0,
                                                        SR_MESSAGE_DIALECT_SMSTOOLS3, &error);

  g_assert_null (msg);
  g_assert_error (error, SR_MESSAGE_ERROR, (gint) c->code);
  g_assert_cmpint (sr_error_class_for_error (error), ==, SR_ERROR_CLASS_INPUT);
  if (strstr (error->message, c->fragment) == NULL)
    g_error ("“%s” does not contain “%s”", error->message, c->fragment);
}

/* The same bytes mean something else in the router's own format. */
static void
test_native_differs (void)
{
  static const char ucs2[] = "To: 41791234567\nAlphabet: UCS\n\n\x00H\x00i";
  g_autoptr (GError) error = NULL;
  g_autoptr (SrMessage) native = NULL;
  g_autoptr (SrMessage) compat = NULL;

  native = sr_message_parse_dialect (ucs2, sizeof ucs2 - 1, 0, SR_MESSAGE_DIALECT_NATIVE, &error);
  g_assert_null (native);
  g_assert_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_NUL_BYTE);
  g_clear_error (&error);

  native = sr_message_parse_dialect (BYTES ("To: 0791234567\nValidity: 167\n\nb"), 0,
                                     SR_MESSAGE_DIALECT_NATIVE, &error);
  compat = sr_message_parse_dialect (BYTES ("To: 0791234567\nValidity: 167\n\nb"), 0,
                                     SR_MESSAGE_DIALECT_SMSTOOLS3, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sr_message_get_to (native), ==, "0791234567");
  g_assert_cmpstr (sr_message_get_to (compat), ==, "+0791234567");
  g_assert_cmpint (sr_message_get_validity (native), ==, 167 * 60);
  g_assert_cmpint (sr_message_get_validity (compat), ==, 86400);
}

/* The size limit is for the file's bytes, not for what decoding makes of them. */
static void
test_size_limit (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) data = g_string_new ("To: 1\n\n");
  g_autoptr (SrMessage) msg = NULL;

  while (data->len < 100)
    g_string_append_c (data, '\xa4');   /* € in ISO-8859-15: 3 bytes in UTF-8 */
  msg = sr_message_parse_dialect (data->str, data->len, 100, SR_MESSAGE_DIALECT_SMSTOOLS3,
                                  &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_utf8_strlen (sr_message_get_text (msg, NULL), -1), ==, 93);
  g_clear_pointer (&msg, sr_message_free);
  g_string_append_c (data, 'x');
  msg = sr_message_parse_dialect (data->str, data->len, 100, SR_MESSAGE_DIALECT_SMSTOOLS3,
                                  &error);
  g_assert_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_TOO_LARGE);
}

static void
test_validity_codes (void)
{
  /* GSM 03.40 9.2.3.12.1 at the edges of each step. */
  static const struct { guint code; gint64 seconds; } table[] = {
    { 0, 5 * 60 }, { 1, 10 * 60 }, { 143, 12 * 3600 }, { 144, 12 * 3600 + 30 * 60 },
    { 167, 24 * 3600 }, { 168, 2 * 86400 }, { 196, 30 * 86400 }, { 197, 5 * 7 * 86400 },
    { 255, 63 * 7 * 86400 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    g_assert_cmpint (sr_message_validity_code_seconds (table[i].code), ==, table[i].seconds);
  g_assert_cmpint (sr_message_validity_code_seconds (255), ==, SR_MESSAGE_VALIDITY_MAX);
}

static void
test_validity_values (void)
{
  /* Numbers with a keyword are rounded down to what a code can say. */
  static const struct { const char *s; gint64 seconds; } ok[] = {
    { "12", 13 * 5 * 60 }, { " 143 ", 12 * 3600 }, { "90 min", 90 * 60 },
    { "92min", 90 * 60 }, { "2 min", 5 * 60 }, { "13 hour", 13 * 3600 },
    { "25 hours", 24 * 3600 }, { "1 day", 24 * 3600 }, { "3 days", 3 * 86400 },
    { "31 days", 30 * 86400 }, { "1 week", 7 * 86400 }, { "5 weeks", 5 * 7 * 86400 },
    { "1 month", 30 * 86400 }, { "1 year", 52 * 7 * 86400 },
    { "100 weeks", 63 * 7 * 86400 }, { "24h", 86400 }, { "2 DAYS", 2 * 86400 },
  };
  static const char *const bad[] = { "", "min", "-1", "256", "1.5 hour", "3 fortnights",
                                     "9999999999", "max" };
  gint64 s;

  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      if (!sr_message_smstools3_validity (ok[i].s, &s))
        g_error ("“%s” refused", ok[i].s);
      g_assert_cmpint (s, ==, ok[i].seconds);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    if (sr_message_smstools3_validity (bad[i], &s))
      g_error ("“%s” accepted", bad[i]);
}

static void
test_alphabet_names (void)
{
  static const struct { const char *s; SrMessageAlphabet a; } ok[] = {
    { "ISO", SR_MESSAGE_ALPHABET_AUTO }, { "ISO-8859-15", SR_MESSAGE_ALPHABET_AUTO },
    { "Latin", SR_MESSAGE_ALPHABET_AUTO }, { "Ansi", SR_MESSAGE_ALPHABET_AUTO },
    { "UTF-8", SR_MESSAGE_ALPHABET_AUTO }, { "GSM", SR_MESSAGE_ALPHABET_GSM },
    { "UCS", SR_MESSAGE_ALPHABET_UCS2 }, { "UCS-2", SR_MESSAGE_ALPHABET_UCS2 },
    { "Chinese", SR_MESSAGE_ALPHABET_UCS2 }, { "unicode", SR_MESSAGE_ALPHABET_UCS2 },
  };
  static const char *const bad[] = { "", "IS", "binary", "auto", "klingon" };
  SrMessageAlphabet a;

  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      g_assert_true (sr_message_smstools3_alphabet (ok[i].s, &a));
      g_assert_cmpint (a, ==, ok[i].a);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (sr_message_smstools3_alphabet (bad[i], &a));
}

/* The settle check on real files: "now" is moved instead of waiting. */
static void
test_file_state (void)
{
  static const char *const apps[] = { "legacy", NULL };
  g_autofree char *root = g_dir_make_tmp ("sr-smstools3-XXXXXX", NULL);
  g_autofree char *new_dir = g_build_filename (root, "apps", "legacy", "outbox", "new", NULL);
  g_autofree char *full = g_build_filename (new_dir, "send_full", NULL);
  g_autofree char *empty = g_build_filename (new_dir, "send_empty", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (SrSpool) spool = sr_spool_open (root, apps, &error);
  g_autoptr (SrSpoolScan) scan = NULL;
  const gint64 s = G_USEC_PER_SEC;
  gint64 now, at = 0;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (full, "To: 1\n\nb\n", -1, NULL));
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  now = g_get_real_time ();
  scan = sr_spool_scan_new (spool, "legacy", SR_SPOOL_OUTBOX_NEW, &error);
  g_assert_no_error (error);

  /* Just written: not yet; due one settle time after its change. */
  g_assert_cmpint (sr_spool_scan_file_state (scan, "send_full", now, 2 * s, 60 * s, &at),
                   ==, SR_SPOOL_FILE_WRITING);
  g_assert_cmpint (at, >, now - s);
  g_assert_cmpint (at, <=, now + 2 * s);
  g_assert_cmpint (sr_spool_scan_file_state (scan, "send_full", now + 3 * s, 2 * s, 60 * s, &at),
                   ==, SR_SPOOL_FILE_READY);
  /* Empty: waits for its text, up to the empty limit. */
  g_assert_cmpint (sr_spool_scan_file_state (scan, "send_empty", now + 3 * s, 2 * s, 60 * s, &at),
                   ==, SR_SPOOL_FILE_WRITING);
  g_assert_cmpint (at, >, now + 58 * s);
  g_assert_cmpint (at, <=, now + 60 * s);
  g_assert_cmpint (sr_spool_scan_file_state (scan, "send_empty", now + 61 * s, 2 * s, 60 * s, &at),
                   ==, SR_SPOOL_FILE_ABANDONED);
  /* A change "in the future" (another clock): looked at again one wait from now. */
  g_assert_cmpint (sr_spool_scan_file_state (scan, "send_full", now - 10 * s, 2 * s, 60 * s, &at),
                   ==, SR_SPOOL_FILE_WRITING);
  g_assert_cmpint (at, ==, now - 8 * s);
  /* Gone (claimed by someone else, or moved away by its writer). */
  g_assert_cmpint (g_unlink (full), ==, 0);
  g_assert_cmpint (sr_spool_scan_file_state (scan, "send_full", now + 3 * s, 2 * s, 60 * s, &at),
                   ==, SR_SPOOL_FILE_GONE);
  /* A later write makes the file young again. */
  g_assert_true (g_file_set_contents (empty, "To: 1\n\nb\n", -1, NULL));
  g_assert_cmpint (sr_spool_scan_file_state (scan, "send_empty", g_get_real_time (), 2 * s,
                                             60 * s, &at),
                   ==, SR_SPOOL_FILE_WRITING);

  g_clear_pointer (&scan, sr_spool_scan_free);
  g_clear_pointer (&spool, sr_spool_free);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", root);
    g_assert_cmpint (system (cmd), ==, 0);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (valid_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/smstools3/valid/%s", valid_cases[i].name);
      g_test_add_data_func (path, &valid_cases[i], test_valid);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/smstools3/bad/%s", bad_cases[i].name);
      g_test_add_data_func (path, &bad_cases[i], test_bad);
    }
  g_test_add_func ("/smstools3/native-differs", test_native_differs);
  g_test_add_func ("/smstools3/size-limit", test_size_limit);
  g_test_add_func ("/smstools3/validity-codes", test_validity_codes);
  g_test_add_func ("/smstools3/validity-values", test_validity_values);
  g_test_add_func ("/smstools3/alphabet-names", test_alphabet_names);
  g_test_add_func ("/smstools3/file-state", test_file_state);
  return g_test_run ();
}
