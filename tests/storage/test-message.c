/* test-message.c — the message file parser and the byte-level editors. */
#include "sr-error-class.h"
#include "sr-message.h"

#include <string.h>

/* A file that must parse, and what it must give. */
typedef struct {
  const char *name;
  const char *data;
  const char *to;
  const char *from;
  const char *reference;
  SrMessageAlphabet alphabet;
  SrMessageOption report;
  SrMessageOption flash;
  gint64 validity;
  const char *text;
} ValidCase;

static const ValidCase valid_cases[] = {
  { "minimal", "To: +41791234567\n\nHello\n",
    "+41791234567", NULL, NULL, SR_MESSAGE_ALPHABET_AUTO, 0, 0, -1, "Hello" },
  { "tab-in-value", "To: +41791234567\nReference: a\tb\n\nHello\n",
    "+41791234567", NULL, "a\tb", SR_MESSAGE_ALPHABET_AUTO, 0, 0, -1, "Hello" },
  { "smstools3-easy", "To: 491721234567\n\nHello, this is the sms.\n",
    "491721234567", NULL, NULL, SR_MESSAGE_ALPHABET_AUTO, 0, 0, -1, "Hello, this is the sms." },
  { "smstools3-complex", "To: 491721234567\nFlash: yes\nAlphabet: ISO\n\nHello Stefan, how are you?\n",
    "491721234567", NULL, NULL, SR_MESSAGE_ALPHABET_ISO, 0, SR_MESSAGE_OPTION_YES, -1,
    "Hello Stefan, how are you?" },
  { "smstools3-grouped", "To: 358 12 345 6789\n\nHi\n",
    "358 12 345 6789", NULL, NULL, SR_MESSAGE_ALPHABET_AUTO, 0, 0, -1, "Hi" },
  { "local-number", "To: 079 123 45 67\nFrom: ACME\nReference: order-4711\n\nYour order shipped.\n",
    "079 123 45 67", "ACME", "order-4711", SR_MESSAGE_ALPHABET_AUTO, 0, 0, -1, "Your order shipped." },
  { "all-headers", "To: +41791234567\nFrom: +41790000000\nReference: r1\nAlphabet: UCS2\n"
    "Report: no\nValidity: 24h\nFlash: no\n\nText\n",
    "+41791234567", "+41790000000", "r1", SR_MESSAGE_ALPHABET_UCS2,
    SR_MESSAGE_OPTION_NO, SR_MESSAGE_OPTION_NO, 24 * 3600, "Text" },
  { "crlf", "To: +41791234567\r\nReport: yes\r\n\r\nline one\r\nline two\r\n",
    "+41791234567", NULL, NULL, SR_MESSAGE_ALPHABET_AUTO, SR_MESSAGE_OPTION_YES, 0, -1,
    "line one\nline two" },
  { "case-insensitive-names", "tO: 123\nFROM: x\nalphabet: gsm\nREPORT: Yes\n\nb\n",
    "123", "x", NULL, SR_MESSAGE_ALPHABET_GSM, SR_MESSAGE_OPTION_YES, 0, -1, "b" },
  { "spaces-around-value", "To:    +4179 \t\n\nb",
    "+4179", NULL, NULL, SR_MESSAGE_ALPHABET_AUTO, 0, 0, -1, "b" },
  { "no-space-after-colon", "To:123\n\nb\n",
    "123", NULL, NULL, SR_MESSAGE_ALPHABET_AUTO, 0, 0, -1, "b" },
  { "unknown-headers-kept", "X-App: billing\nTo: 1\nTo_TOA: International\n\nb\n",
    "1", NULL, NULL, SR_MESSAGE_ALPHABET_AUTO, 0, 0, -1, "b" },
  { "utf8-body", "To: 1\n\nGrüezi 😀 Привет\n",
    "1", NULL, NULL, SR_MESSAGE_ALPHABET_AUTO, 0, 0, -1, "Grüezi 😀 Привет" },
  { "body-keeps-inner-blank-lines", "To: 1\n\n\nfirst\n\nsecond\n\n\n",
    "1", NULL, NULL, SR_MESSAGE_ALPHABET_AUTO, 0, 0, -1, "\nfirst\n\nsecond" },
  { "body-colon-is-text", "To: 1\n\nNote: this is text\n",
    "1", NULL, NULL, SR_MESSAGE_ALPHABET_AUTO, 0, 0, -1, "Note: this is text" },
  { "bom", "\xEF\xBB\xBFTo: 1\n\nb\n",
    "1", NULL, NULL, SR_MESSAGE_ALPHABET_AUTO, 0, 0, -1, "b" },
  { "empty-from-is-absent", "To: 1\nFrom:\n\nb\n",
    "1", NULL, NULL, SR_MESSAGE_ALPHABET_AUTO, 0, 0, -1, "b" },
  { "blank-line-with-spaces", "To: 1\n  \t\r\nb\n",
    "1", NULL, NULL, SR_MESSAGE_ALPHABET_AUTO, 0, 0, -1, "b" },
  { "validity-max", "To: 1\nValidity: max\n\nb\n",
    "1", NULL, NULL, SR_MESSAGE_ALPHABET_AUTO, 0, 0, SR_MESSAGE_VALIDITY_MAX, "b" },
  { "validity-plain-minutes", "To: 1\nValidity: 90\n\nb\n",
    "1", NULL, NULL, SR_MESSAGE_ALPHABET_AUTO, 0, 0, 90 * 60, "b" },
};

static void
test_valid (gconstpointer p)
{
  const ValidCase *c = p;
  g_autoptr (GError) error = NULL;
  g_autoptr (SrMessage) msg = sr_message_parse (c->data, strlen (c->data), 0, &error);
  gsize len;

  g_assert_no_error (error);
  g_assert_nonnull (msg);
  g_assert_cmpstr (sr_message_get_to (msg), ==, c->to);
  g_assert_cmpstr (sr_message_get_from (msg), ==, c->from);
  g_assert_cmpstr (sr_message_get_reference (msg), ==, c->reference);
  g_assert_cmpint (sr_message_get_alphabet (msg), ==, c->alphabet);
  g_assert_cmpint (sr_message_get_report (msg), ==, c->report);
  g_assert_cmpint (sr_message_get_flash (msg), ==, c->flash);
  g_assert_cmpint (sr_message_get_validity (msg), ==, c->validity);
  g_assert_cmpstr (sr_message_get_text (msg, &len), ==, c->text);
  g_assert_cmpuint (len, ==, strlen (c->text));
}

/* A file that must be refused, with its code and a fragment of the message. */
typedef struct {
  const char *name;
  const char *data;
  gsize len;        /* 0: strlen (data) */
  gsize max_size;
  SrMessageError code;
  const char *fragment;
} BadCase;

static const BadCase bad_cases[] = {
  { "missing-to", "From: ACME\n\nHello\n", 0, 0, SR_MESSAGE_ERROR_MISSING_TO, "no To header" },
  { "empty-to", "From: ACME\nTo:  \n\nHello\n", 0, 0, SR_MESSAGE_ERROR_MISSING_TO, "To header on line 2 is empty" },
  { "no-headers", "\nHello\n", 0, 0, SR_MESSAGE_ERROR_MISSING_TO, "no To header" },
  { "empty-body", "To: 1\n\n", 0, 0, SR_MESSAGE_ERROR_EMPTY_BODY, "is empty" },
  { "whitespace-body", "To: 1\n\n  \t\r\n \n", 0, 0, SR_MESSAGE_ERROR_EMPTY_BODY, "is empty" },
  { "utf8-in-body", "To: 1\n\nab\xC3(\n", 0, 0, SR_MESSAGE_ERROR_INVALID_UTF8, "offset 9 (line 3, in the body)" },
  { "utf8-in-header", "To: 1\nFrom: \xFF\n\nb\n", 0, 0, SR_MESSAGE_ERROR_INVALID_UTF8, "offset 12 (line 2, in the header)" },
  { "utf8-truncated", "To: 1\n\nabc\xE2\x82", 0, 0, SR_MESSAGE_ERROR_INVALID_UTF8, "offset 10" },
  { "nul-in-body", "To: 1\n\nab\0cd\n", 13, 0, SR_MESSAGE_ERROR_NUL_BYTE, "NUL byte at byte offset 9 (line 3, in the body)" },
  { "nul-in-header", "To: 1\0\n\nb\n", 10, 0, SR_MESSAGE_ERROR_NUL_BYTE, "offset 5 (line 1, in the header)" },
  { "no-colon", "To: 1\nHello world\n\nb\n", 0, 0, SR_MESSAGE_ERROR_NO_COLON, "line 2 has no colon: “Hello world”" },
  { "empty-name", "To: 1\n: value\n\nb\n", 0, 0, SR_MESSAGE_ERROR_BAD_HEADER_NAME, "line 2 has no name" },
  { "name-with-space", "To: 1\nMy Header: v\n\nb\n", 0, 0, SR_MESSAGE_ERROR_BAD_HEADER_NAME, "line 2 has a name with spaces" },
  { "too-large", "To: 1\n\n0123456789\n", 0, 10, SR_MESSAGE_ERROR_TOO_LARGE, "18 bytes, over the limit of 10 bytes" },
  { "bad-alphabet", "To: 1\nAlphabet: klingon\n\nb\n", 0, 0, SR_MESSAGE_ERROR_BAD_ALPHABET, "Unknown Alphabet “klingon” on line 2" },
  { "bad-alphabet-binary", "To: 1\nAlphabet: binary\n\nb\n", 0, 0, SR_MESSAGE_ERROR_BAD_ALPHABET, "“binary”" },
  { "bad-validity-unit", "To: 1\nValidity: 3 fortnights\n\nb\n", 0, 0, SR_MESSAGE_ERROR_BAD_VALIDITY, "Validity “3 fortnights” on line 2" },
  { "bad-validity-zero", "To: 1\nValidity: 0\n\nb\n", 0, 0, SR_MESSAGE_ERROR_BAD_VALIDITY, "Validity “0”" },
  { "bad-validity-too-long", "To: 1\nValidity: 64w\n\nb\n", 0, 0, SR_MESSAGE_ERROR_BAD_VALIDITY, "63 weeks" },
  { "bad-validity-empty", "To: 1\nValidity:\n\nb\n", 0, 0, SR_MESSAGE_ERROR_BAD_VALIDITY, "Validity “”" },
  { "bad-report", "To: 1\nReport: maybe\n\nb\n", 0, 0, SR_MESSAGE_ERROR_BAD_REPORT, "Report on line 2 must be yes or no, not “maybe”" },
  { "bad-flash", "To: 1\nFlash: sometimes\n\nb\n", 0, 0, SR_MESSAGE_ERROR_BAD_FLASH, "Flash on line 2 must be yes or no" },
  { "bad-class", "To: 1\nClass: 4\n\nb\n", 0, 0, SR_MESSAGE_ERROR_BAD_CLASS, "Class “4” on line 2 is not a message class" },
  { "bad-class-word", "To: 1\nClass: 1x\n\nb\n", 0, 0, SR_MESSAGE_ERROR_BAD_CLASS, "Class “1x”" },
  { "bad-deferred", "To: 1\nDeferred: soon\n\nb\n", 0, 0, SR_MESSAGE_ERROR_BAD_DEFERRED, "Deferred “soon” on line 2" },
  { "no-separator", "To: 1\nFrom: x\n", 0, 0, SR_MESSAGE_ERROR_NO_SEPARATOR, "no blank line between the headers and the body" },
  { "no-separator-no-newline", "To: 1", 0, 0, SR_MESSAGE_ERROR_NO_SEPARATOR, "no blank line" },
  { "empty-file", "", 0, 0, SR_MESSAGE_ERROR_EMPTY_FILE, "The message file is empty (0 bytes)." },
  { "duplicate-to", "To: 1\nTo: 2\n\nb\n", 0, 0, SR_MESSAGE_ERROR_DUPLICATE_HEADER, "To is given twice, on lines 1 and 2" },
  { "bare-cr-in-value", "To: 079 123 45 67\r|From: x\n\nb\n", 0, 0, SR_MESSAGE_ERROR_BAD_HEADER_VALUE, "line 1 has a control character in its value: “To: 079 123 45 67?|From: x”" },
  { "control-in-value", "To: 1\nReference: a\x1b[31m\n\nb\n", 0, 0, SR_MESSAGE_ERROR_BAD_HEADER_VALUE, "line 2 has a control character" },
  { "del-in-value", "To: 1\nReference: a\x7f\n\nb\n", 0, 0, SR_MESSAGE_ERROR_BAD_HEADER_VALUE, "line 2 has a control character" },
  { "nel-in-value", "To: 1\nFrom: AC\xc2\x85ME\n\nb\n", 0, 0, SR_MESSAGE_ERROR_BAD_HEADER_VALUE, "line 2 has a control character" },
  { "line-separator-in-value", "To: 1\xe2\x80\xa8\n\nb\n", 0, 0, SR_MESSAGE_ERROR_BAD_HEADER_VALUE, "line 1 has a control character" },
  { "marked-bad-by-front-end", "To: 1\nX-Input-Error: The body was cut.\n\nb\n", 0, 0, SR_MESSAGE_ERROR_MARKED_BAD, "The body was cut." },
  { "marked-bad-without-to", "x-input-error: cut\n\nb\n", 0, 0, SR_MESSAGE_ERROR_MARKED_BAD, "cut" },
};

static void
test_bad (gconstpointer p)
{
  const BadCase *c = p;
  g_autoptr (GError) error = NULL;
  gsize len = c->len ? c->len : strlen (c->data);
  g_autoptr (SrMessage) msg = sr_message_parse (c->data, len, c->max_size, &error);

  g_assert_null (msg);
  g_assert_error (error, SR_MESSAGE_ERROR, (gint) c->code);
  g_assert_cmpint (sr_error_class_for_error (error), ==, SR_ERROR_CLASS_INPUT);
  if (strstr (error->message, c->fragment) == NULL)
    g_error ("“%s” does not contain “%s”", error->message, c->fragment);
}

static void
test_size_limit_default (void)
{
  g_autoptr (GError) error = NULL;
  gsize len = SR_MESSAGE_DEFAULT_MAX_SIZE + 1;
  g_autofree char *data = g_malloc (len);
  g_autoptr (SrMessage) msg = NULL;

  memset (data, 'a', len);
  memcpy (data, "To: 1\n\n", 7);
  msg = sr_message_parse (data, len, 0, &error);
  g_assert_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_TOO_LARGE);
  g_clear_error (&error);
  msg = sr_message_parse (data, len - 1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (sr_message_get_text (msg, NULL)), ==, len - 1 - 7);
}

static void
test_alphabet_spellings (void)
{
  static const struct { const char *s; SrMessageAlphabet a; } ok[] = {
    { "auto", SR_MESSAGE_ALPHABET_AUTO }, { "AUTO", SR_MESSAGE_ALPHABET_AUTO },
    { "GSM", SR_MESSAGE_ALPHABET_GSM }, { "default", SR_MESSAGE_ALPHABET_GSM },
    { "DEFAULT", SR_MESSAGE_ALPHABET_GSM },
    { "ISO", SR_MESSAGE_ALPHABET_ISO }, { "iso-8859-15", SR_MESSAGE_ALPHABET_ISO },
    { "Latin", SR_MESSAGE_ALPHABET_ISO }, { "LATIN1", SR_MESSAGE_ALPHABET_ISO },
    { "UCS", SR_MESSAGE_ALPHABET_UCS2 }, { "ucs2", SR_MESSAGE_ALPHABET_UCS2 },
    { "UCS-2", SR_MESSAGE_ALPHABET_UCS2 }, { "Unicode", SR_MESSAGE_ALPHABET_UCS2 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      g_autofree char *data = g_strdup_printf ("To: 1\nAlphabet: %s\n\nb\n", ok[i].s);
      g_autoptr (GError) error = NULL;
      g_autoptr (SrMessage) msg = sr_message_parse (data, strlen (data), 0, &error);
      g_assert_no_error (error);
      g_assert_cmpint (sr_message_get_alphabet (msg), ==, ok[i].a);
    }
}

static void
test_validity_values (void)
{
  static const struct { const char *s; gint64 seconds; } ok[] = {
    { "90m", 5400 }, { "90", 5400 }, { "24h", 86400 }, { "3d", 259200 },
    { "1w", 604800 }, { "2 days", 172800 }, { "1 hour", 3600 }, { "5min", 300 },
    { "MAX", SR_MESSAGE_VALIDITY_MAX }, { "63w", SR_MESSAGE_VALIDITY_MAX },
  };
  static const char *const bad[] = { "", "h", "-1h", "1.5h", "0m", "1y", "9999999999", "64w" };
  gint64 s;

  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      g_assert_true (sr_message_parse_validity (ok[i].s, &s));
      g_assert_cmpint (s, ==, ok[i].seconds);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (sr_message_parse_validity (bad[i], &s));
}

static void
test_headers_in_order (void)
{
  const char *data = "X-One: 1\nTo: 2\nx-two: a: b\nX-One: 3\n\nbody\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (SrMessage) msg = sr_message_parse (data, strlen (data), 0, &error);
  const char *name, *value;

  g_assert_no_error (error);
  g_assert_cmpuint (sr_message_get_n_headers (msg), ==, 4);
  sr_message_get_header (msg, 0, &name, &value);
  g_assert_cmpstr (name, ==, "X-One");
  g_assert_cmpstr (value, ==, "1");
  sr_message_get_header (msg, 2, &name, &value);
  g_assert_cmpstr (name, ==, "x-two");
  g_assert_cmpstr (value, ==, "a: b");
  g_assert_cmpstr (sr_message_lookup (msg, "X-ONE"), ==, "1");
  g_assert_cmpstr (sr_message_lookup (msg, "X-Two"), ==, "a: b");
  g_assert_null (sr_message_lookup (msg, "X-Three"));
}

static void
test_many_headers (void)
{
  g_autoptr (GString) s = g_string_new ("To: 1\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (SrMessage) msg = NULL;

  for (guint i = 0; i < 40; i++)
    g_string_append_printf (s, "X-H%u: v%u\n", i, i);
  g_string_append (s, "\nbody\n");
  msg = sr_message_parse (s->str, s->len, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sr_message_get_n_headers (msg), ==, 41);
  g_assert_cmpstr (sr_message_lookup (msg, "x-h39"), ==, "v39");
}

static void
test_serialize_roundtrip (void)
{
  g_autoptr (SrMessage) msg = sr_message_new ("+41791234567", "Hello\nWorld");
  g_autoptr (SrMessage) back = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len;

  sr_message_set_from (msg, "ACME");
  sr_message_set_reference (msg, "ref\nwith newline");
  sr_message_set_alphabet (msg, SR_MESSAGE_ALPHABET_UCS2);
  sr_message_set_report (msg, SR_MESSAGE_OPTION_YES);
  sr_message_set_flash (msg, SR_MESSAGE_OPTION_NO);
  sr_message_set_validity (msg, 3 * 86400);
  sr_message_set_class (msg, 2);
  sr_message_set_deferred (msg, 600);
  sr_message_set_header (msg, "X-Custom", "c");

  data = sr_message_serialize (msg, &len);
  g_assert_cmpstr (data, ==,
                   "To: +41791234567\nFrom: ACME\nReference: ref with newline\n"
                   "Alphabet: UCS2\nReport: yes\nFlash: no\nValidity: 3d\nClass: 2\nDeferred: 10m\n"
                   "X-Custom: c\n\nHello\nWorld\n");
  back = sr_message_parse (data, len, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sr_message_get_to (back), ==, "+41791234567");
  g_assert_cmpstr (sr_message_get_text (back, NULL), ==, "Hello\nWorld");
  g_assert_cmpint (sr_message_get_validity (back), ==, 3 * 86400);
  g_assert_cmpint (sr_message_get_alphabet (back), ==, SR_MESSAGE_ALPHABET_UCS2);
  g_assert_cmpint (sr_message_get_class (back), ==, 2);
  g_assert_cmpint (sr_message_get_deferred (back), ==, 600);
  /* smstools3's "no class", and none at all */
  g_autoptr (SrMessage) none = sr_message_parse ("To: 1\nClass: -1\n\nb\n", 19, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sr_message_get_class (none), ==, -1);
  g_assert_cmpint (sr_message_get_deferred (none), ==, -1);
}

static void
test_edit_parsed (void)
{
  const char *data = "X-A: 1\nTo: 111\nFrom: old\n\nold text\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (SrMessage) msg = sr_message_parse (data, strlen (data), 0, &error);
  g_autofree char *out = NULL;

  g_assert_no_error (error);
  sr_message_set_to (msg, "222");
  sr_message_set_from (msg, NULL);
  sr_message_set_text (msg, "new text");
  sr_message_set_header (msg, "X-A", NULL);
  out = sr_message_serialize (msg, NULL);
  g_assert_cmpstr (out, ==, "To: 222\n\nnew text\n");
  g_assert_null (sr_message_get_from (msg));
}

static void
test_finished (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "To: 1\n\nbody \r\n\n", "To: 1\nX-SMSC-Id: abc\nX-Error: two lines\n\nbody \r\n\n" },
    { "To: 1\r\nFrom: x\r\n\r\nb\r\n", "To: 1\r\nFrom: x\r\nX-SMSC-Id: abc\r\nX-Error: two lines\r\n\r\nb\r\n" },
    { "garbage without blank line", "X-SMSC-Id: abc\nX-Error: two lines\n\ngarbage without blank line" },
    { "", "X-SMSC-Id: abc\nX-Error: two lines\n\n" },
  };
  const char *const extra[] = { "X-SMSC-Id", "abc", "X-Error", "two\nlines", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len;
      g_autofree char *out = sr_message_build_finished (cases[i].in, strlen (cases[i].in), extra, &len);
      const char *const strip[] = { "X-SMSC-Id", "x-error*", NULL };
      g_autofree char *back = NULL;

      g_assert_cmpstr (out, ==, cases[i].out);
      g_assert_cmpuint (len, ==, strlen (cases[i].out));
      /* Stripping what was added gives back the original bytes. */
      back = sr_message_strip_headers (out, len, strip, &len);
      g_assert_cmpstr (back, ==, cases[i].in);
    }
}

static void
test_finished_binary_body (void)
{
  static const char in[] = "To: 1\n\n\0\xff\xfe junk";
  const char *const extra[] = { "X-Error-Class", "input", NULL };
  gsize len;
  g_autofree char *out = sr_message_build_finished (in, sizeof in - 1, extra, &len);
  static const char expect[] = "To: 1\nX-Error-Class: input\n\n\0\xff\xfe junk";

  g_assert_cmpmem (out, len, expect, sizeof expect - 1);
}

/* Header values are one line of UTF-8 text whatever they hold. */
static void
test_header_value (void)
{
  static const struct { const char *in; gssize len; const char *out; } cases[] = {
    { "plain", -1, "plain" },
    { "a\r\nb\tc", -1, "a  b\tc" },
    { "fs\x1cgs\x1drs\x1evt\x0b" "ff\x0c" "del\x7f" "end", -1, "fs gs rs vt ff del end" },
    { "nel\xc2\x85" "c1\xc2\x9f" "ls\xe2\x80\xa8" "ps\xe2\x80\xa9" "ok\xc2\xa0", -1, "nel c1 ls ps ok\xc2\xa0" },
    { "bad\xff\xfe" "cut\xe2\x80", -1, "bad\\xFF\\xFEcut\\xE2\\x80" },
    { "nul\0inside", 10, "nul inside" },
    { "Gr\xc3\xbc\xc3\x9f" "e \xf0\x9f\x98\x80", -1, "Gr\xc3\xbc\xc3\x9f" "e \xf0\x9f\x98\x80" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) out = g_string_new ("X: ");

      sr_message_append_header_value (out, cases[i].in, cases[i].len);
      g_assert_cmpstr (out->str + 3, ==, cases[i].out);
    }
}

/* Finishing again replaces only the lines an earlier finish added at the
 * end of the header block; headers of those names the app wrote stay. */
static void
test_finished_app_headers (void)
{
  static const char in[] = "To: 1\nX-SMSC-Id: mine\nX-Submitted: my own\nReference: r\n\nbody\n";
  const char *const extra[] = { "X-SMSC-Id", "ab", "X-Submitted", "t1", NULL };
  const char *const again[] = { "X-SMSC-Id", "ab", "X-Submitted", "t2", NULL };
  gsize len, len2;
  g_autofree char *once = sr_message_build_finished (in, sizeof in - 1, extra, &len);
  g_autofree char *twice = sr_message_build_finished (once, len, again, &len2);

  g_assert_cmpstr (once, ==, "To: 1\nX-SMSC-Id: mine\nX-Submitted: my own\nReference: r\n"
                             "X-SMSC-Id: ab\nX-Submitted: t1\n\nbody\n");
  g_assert_cmpstr (twice, ==, "To: 1\nX-SMSC-Id: mine\nX-Submitted: my own\nReference: r\n"
                              "X-SMSC-Id: ab\nX-Submitted: t2\n\nbody\n");
}

static void
test_edit_raw (void)
{
  const char *in = "To: 1\nX-Error-Class: input\nFrom: a\nX-Error: bad\nTo: dup\n\nbody\n";
  const char *const strip[] = { "X-Error*", NULL };
  const char *const set[] = { "To", "+4179", "Reference", "r", NULL };
  g_autofree char *a = sr_message_edit_raw (in, strlen (in), strip, NULL, NULL, NULL);
  g_autofree char *b = sr_message_edit_raw (in, strlen (in), strip, set, "new body\n", NULL);
  g_autofree char *c = NULL;

  g_assert_cmpstr (a, ==, "To: 1\nFrom: a\nTo: dup\n\nbody\n");
  g_assert_cmpstr (b, ==, "To: +4179\nFrom: a\nReference: r\n\nnew body\n");
  /* A file without a header block gets one when headers are set. */
  c = sr_message_edit_raw ("just text", 9, strip, set, NULL, NULL);
  g_assert_cmpstr (c, ==, "To: +4179\nReference: r\n\njust text");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (valid_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/message/valid/%s", valid_cases[i].name);
      g_test_add_data_func (path, &valid_cases[i], test_valid);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/message/bad/%s", bad_cases[i].name);
      g_test_add_data_func (path, &bad_cases[i], test_bad);
    }
  g_test_add_func ("/message/size-limit-default", test_size_limit_default);
  g_test_add_func ("/message/alphabet-spellings", test_alphabet_spellings);
  g_test_add_func ("/message/validity-values", test_validity_values);
  g_test_add_func ("/message/headers-in-order", test_headers_in_order);
  g_test_add_func ("/message/many-headers", test_many_headers);
  g_test_add_func ("/message/serialize-roundtrip", test_serialize_roundtrip);
  g_test_add_func ("/message/edit-parsed", test_edit_parsed);
  g_test_add_func ("/message/finished", test_finished);
  g_test_add_func ("/message/finished-binary-body", test_finished_binary_body);
  g_test_add_func ("/message/edit-raw", test_edit_raw);
  g_test_add_func ("/message/header-value", test_header_value);
  g_test_add_func ("/message/finished-app-headers", test_finished_app_headers);
  return g_test_run ();
}
