/* test-receipts.c — delivery receipt parsing (text and TLVs), id keys for
 * correlation, state mapping and the state of a message from its parts. */
#include "sr-receipt.h"

#include <string.h>

static gint64
utc (gint y, gint mo, gint d, gint h, gint mi, gint s)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (y, mo, d, h, mi, s);

  return g_date_time_to_unix (dt);
}

static gboolean
parse (const SrReceiptTlvs *tlvs, const char *text, SrReceipt *r, GError **error)
{
  return sr_receipt_parse (tlvs, text, text ? strlen (text) : 0, r, error);
}

static void
test_text_full (void)
{
  g_autoptr(GError) error = NULL;
  SrReceipt r;

  g_assert_true (parse (NULL, "id:1234567890 sub:001 dlvrd:001 submit date:2311221530 "
                        "done date:2311221531 stat:DELIVRD err:000 text:Hello world", &r, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (r.id, ==, "1234567890");
  g_assert_cmpint (r.sub, ==, 1);
  g_assert_cmpint (r.dlvrd, ==, 1);
  g_assert_true (r.has_submit_date);
  g_assert_cmpint (r.submit_date, ==, utc (2023, 11, 22, 15, 30, 0));
  g_assert_true (r.has_done_date);
  g_assert_cmpint (r.done_date, ==, utc (2023, 11, 22, 15, 31, 0));
  g_assert_cmpstr (r.stat, ==, "DELIVRD");
  g_assert_cmpint (r.state, ==, SR_RECEIPT_PART_DELIVERED);
  g_assert_cmpstr (r.err, ==, "000");
  g_assert_cmpstr (r.text, ==, "Hello world");
  g_assert_false (r.id_from_tlv);
  g_assert_false (r.state_from_tlv);
  g_assert_false (r.has_network_error);
}

static void
test_text_seconds (void)
{
  SrReceipt r;

  g_assert_true (parse (NULL, "id:7 sub:001 dlvrd:000 submit date:231122153045 "
                        "done date:240229235959 stat:EXPIRED err:027 text:", &r, NULL));
  g_assert_cmpint (r.submit_date, ==, utc (2023, 11, 22, 15, 30, 45));
  g_assert_cmpint (r.done_date, ==, utc (2024, 2, 29, 23, 59, 59));
  g_assert_cmpint (r.state, ==, SR_RECEIPT_PART_FAILED);
  g_assert_cmpint (r.dlvrd, ==, 0);
  g_assert_cmpstr (r.text, ==, "");
}

/* Case, spacing and field variants SMSCs send. */
static void
test_text_variants (void)
{
  static const struct {
    const char *text;
    const char *id;
    const char *stat;
    SrReceiptPart state;
    gint sub, dlvrd;
    gboolean has_done;
    const char *err;
  } cases[] = {
    { "ID:ABC123  SUB:001 DLVRD:000 SUBMIT DATE:2311221530 DONE  DATE:2311221600 STAT:undeliv ERR:034 TEXT:",
      "ABC123", "UNDELIV", SR_RECEIPT_PART_FAILED, 1, 0, TRUE, "034" },
    { "id:42 stat:ENROUTE", "42", "ENROUTE", SR_RECEIPT_PART_INTERMEDIATE, -1, -1, FALSE, "" },
    { "  id: 42   stat: ACCEPTD  ", "42", "ACCEPTD", SR_RECEIPT_PART_INTERMEDIATE, -1, -1, FALSE, "" },
    { "id:77 sub: dlvrd:001 stat:DELIVRD", "77", "DELIVRD", SR_RECEIPT_PART_DELIVERED, -1, 1, FALSE, "" },
    { "id:78 submit_date:2311221530 done_date:2311221531 stat:REJECTD", "78", "REJECTD",
      SR_RECEIPT_PART_FAILED, -1, -1, TRUE, "" },
    { "id:79 done date:2313451299 stat:DELETED err:", "79", "DELETED", SR_RECEIPT_PART_FAILED, -1, -1, FALSE, "" },
    { "id:80 stat:UNKNOWN", "80", "UNKNOWN", SR_RECEIPT_PART_UNKNOWN, -1, -1, FALSE, "" },
    { "id:81 stat:FOOBAR", "81", "FOOBAR", SR_RECEIPT_PART_UNKNOWN, -1, -1, FALSE, "" },
    { "stat:DELIVRD id:82", "82", "DELIVRD", SR_RECEIPT_PART_DELIVERED, -1, -1, FALSE, "" },
    { "id:83\r\nstat:DELIVRD\r\n", "83", "DELIVRD", SR_RECEIPT_PART_DELIVERED, -1, -1, FALSE, "" },
    /* "text:" ends the parse: a "stat:" in the text is the user's. */
    { "id:84 stat:DELIVRD text:stat:REJECTD", "84", "DELIVRD", SR_RECEIPT_PART_DELIVERED, -1, -1, FALSE, "" },
    /* Keys are only recognised at the start of a word. */
    { "id:85 xstat:REJECTD stat:DELIVRD", "85", "DELIVRD", SR_RECEIPT_PART_DELIVERED, -1, -1, FALSE, "" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      SrReceipt r;

      g_test_message ("receipt '%s'", cases[i].text);
      g_assert_true (parse (NULL, cases[i].text, &r, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (r.id, ==, cases[i].id);
      g_assert_cmpstr (r.stat, ==, cases[i].stat);
      g_assert_cmpint (r.state, ==, cases[i].state);
      g_assert_cmpint (r.sub, ==, cases[i].sub);
      g_assert_cmpint (r.dlvrd, ==, cases[i].dlvrd);
      g_assert_cmpint (r.has_done_date, ==, cases[i].has_done);
      g_assert_cmpstr (r.err, ==, cases[i].err);
    }
}

static void
test_text_not_terminated (void)
{
  const char buf[] = "id:42 stat:DELIVRDXXXX";
  char text_buf[64];
  SrReceipt r;

  /* The short_message is bytes with a length, not a C string. */
  g_assert_true (sr_receipt_parse (NULL, buf, strlen ("id:42 stat:DELIVRD"), &r, NULL));
  g_assert_cmpstr (r.stat, ==, "DELIVRD");

  /* text: cut at invalid UTF-8. */
  g_snprintf (text_buf, sizeof text_buf, "id:1 stat:DELIVRD text:Gr\xc3\xbc\xc3\x9f" "e \xff\xfe end");
  g_assert_true (parse (NULL, text_buf, &r, NULL));
  g_assert_cmpstr (r.text, ==, "Grüße ");
}

static void
test_tlvs (void)
{
  SrReceiptTlvs tlvs = {
    .receipted_message_id = "ABC", .message_state = 5,
    .has_network_error = TRUE, .network_type = 3, .network_error = 0x22,
  };
  SrReceipt r;

  /* TLVs win over the text. */
  g_assert_true (parse (&tlvs, "id:111 sub:001 dlvrd:001 submit date:2311221530 done date:2311221531 "
                        "stat:DELIVRD err:000 text:x", &r, NULL));
  g_assert_cmpstr (r.id, ==, "ABC");
  g_assert_true (r.id_from_tlv);
  g_assert_cmpint (r.state, ==, SR_RECEIPT_PART_FAILED);
  g_assert_cmpstr (r.stat, ==, "UNDELIV");
  g_assert_true (r.state_from_tlv);
  g_assert_true (r.has_network_error);
  g_assert_cmpuint (r.network_type, ==, 3);
  g_assert_cmpuint (r.network_error, ==, 0x22);
  /* What the TLVs do not carry still comes from the text. */
  g_assert_true (r.has_done_date);
  g_assert_cmpstr (r.err, ==, "000");

  /* TLVs alone. */
  tlvs = (SrReceiptTlvs) { .receipted_message_id = "9f8e", .message_state = 2 };
  g_assert_true (sr_receipt_parse (&tlvs, NULL, 0, &r, NULL));
  g_assert_cmpstr (r.id, ==, "9f8e");
  g_assert_cmpint (r.state, ==, SR_RECEIPT_PART_DELIVERED);
  g_assert_cmpstr (r.stat, ==, "DELIVRD");
  g_assert_cmpint (r.sub, ==, -1);

  /* Only the id as TLV; the state from the text. */
  tlvs = (SrReceiptTlvs) { .receipted_message_id = "55" };
  g_assert_true (parse (&tlvs, "id:0055 stat:expired", &r, NULL));
  g_assert_cmpstr (r.id, ==, "55");
  g_assert_cmpint (r.state, ==, SR_RECEIPT_PART_FAILED);
  g_assert_false (r.state_from_tlv);

  /* An out-of-range message_state is ignored. */
  tlvs = (SrReceiptTlvs) { .message_state = 9 };
  g_assert_true (parse (&tlvs, "id:56 stat:ACCEPTD", &r, NULL));
  g_assert_cmpint (r.state, ==, SR_RECEIPT_PART_INTERMEDIATE);
  g_assert_false (r.state_from_tlv);
  g_assert_false (r.id_from_tlv);
}

static void
test_states (void)
{
  static const struct { const char *stat; SrReceiptPart state; } stats[] = {
    { "DELIVRD", SR_RECEIPT_PART_DELIVERED }, { "delivered", SR_RECEIPT_PART_DELIVERED },
    { "EXPIRED", SR_RECEIPT_PART_FAILED }, { "DELETED", SR_RECEIPT_PART_FAILED },
    { "UNDELIV", SR_RECEIPT_PART_FAILED }, { "REJECTD", SR_RECEIPT_PART_FAILED },
    { "ACCEPTD", SR_RECEIPT_PART_INTERMEDIATE }, { "ENROUTE", SR_RECEIPT_PART_INTERMEDIATE },
    { "UNKNOWN", SR_RECEIPT_PART_UNKNOWN }, { "", SR_RECEIPT_PART_UNKNOWN },
  };
  static const SrReceiptPart by_tlv[] = {
    SR_RECEIPT_PART_NONE, SR_RECEIPT_PART_INTERMEDIATE, SR_RECEIPT_PART_DELIVERED,
    SR_RECEIPT_PART_FAILED, SR_RECEIPT_PART_FAILED, SR_RECEIPT_PART_FAILED,
    SR_RECEIPT_PART_INTERMEDIATE, SR_RECEIPT_PART_UNKNOWN, SR_RECEIPT_PART_FAILED,
    SR_RECEIPT_PART_NONE,
  };

  for (gsize i = 0; i < G_N_ELEMENTS (stats); i++)
    g_assert_cmpstr (sr_receipt_part_to_string (sr_receipt_part_from_stat (stats[i].stat)), ==,
                     sr_receipt_part_to_string (stats[i].state));
  for (guint i = 0; i < G_N_ELEMENTS (by_tlv); i++)
    g_assert_cmpint (sr_receipt_part_from_message_state ((guint8) i), ==, by_tlv[i]);
}

static void
test_overall (void)
{
  const SrReceiptPart D = SR_RECEIPT_PART_DELIVERED, F = SR_RECEIPT_PART_FAILED,
                       I = SR_RECEIPT_PART_INTERMEDIATE, N = SR_RECEIPT_PART_NONE,
                       U = SR_RECEIPT_PART_UNKNOWN;
  static const struct { SrReceiptPart parts[3]; gsize n; SrReceiptOverall want; } cases[] = {
    { { 0 }, 0, SR_RECEIPT_OVERALL_PENDING },
    { { SR_RECEIPT_PART_DELIVERED }, 1, SR_RECEIPT_OVERALL_DELIVERED },
  };
  const struct { SrReceiptPart parts[3]; gsize n; SrReceiptOverall want; } more[] = {
    { { D, D, D }, 3, SR_RECEIPT_OVERALL_DELIVERED },
    { { D, N, D }, 3, SR_RECEIPT_OVERALL_PENDING },
    { { D, I, D }, 3, SR_RECEIPT_OVERALL_PENDING },
    { { D, D, F }, 3, SR_RECEIPT_OVERALL_FAILED },
    { { F, N, N }, 3, SR_RECEIPT_OVERALL_FAILED },
    { { U, D }, 2, SR_RECEIPT_OVERALL_PENDING },
    { { I }, 1, SR_RECEIPT_OVERALL_PENDING },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (sr_receipt_overall_state (cases[i].parts, cases[i].n), ==, cases[i].want);
  for (gsize i = 0; i < G_N_ELEMENTS (more); i++)
    {
      g_test_message ("overall %zu", i);
      g_assert_cmpstr (sr_receipt_overall_to_string (sr_receipt_overall_state (more[i].parts, more[i].n)), ==,
                       sr_receipt_overall_to_string (more[i].want));
    }
}

static void
test_garbage (void)
{
  static const struct { const char *text; gsize len; SrReceiptError code; const char *message; } cases[] = {
    { "hello world", 11, SR_RECEIPT_ERROR_NO_ID,
      "receipt has no message id (no receipted_message_id TLV and no 'id:' in the text): 'hello world'" },
    { "\x00\x01\xff garbage", 11, SR_RECEIPT_ERROR_NO_ID, "in the text): '... garbage'" },
    { "", 0, SR_RECEIPT_ERROR_NO_ID, "no 'id:' in the text): ''" },
    { NULL, 0, SR_RECEIPT_ERROR_NO_ID, "receipt has no message id" },
    { "id: stat:DELIVRD", 16, SR_RECEIPT_ERROR_NO_ID, "receipt has no message id" },
    { "id:42 foo bar", 13, SR_RECEIPT_ERROR_NO_STATE,
      "receipt for message id 42 has no status (no message_state TLV and no 'stat:' in the text)" },
    { "id:42 stat:", 11, SR_RECEIPT_ERROR_NO_STATE, "has no status" },
    { "id:123456789012345678901234567890123456789012345678901234567890123456 stat:DELIVRD", 82,
      SR_RECEIPT_ERROR_BAD_ID, "unusable message id (more than 65 characters)" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      SrReceipt r;

      g_test_message ("garbage %zu", i);
      g_assert_false (sr_receipt_parse (NULL, cases[i].text, cases[i].len, &r, &error));
      g_assert_error (error, SR_RECEIPT_ERROR, (gint) cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].message));
    }

  {
    SrReceiptTlvs tlvs = { .receipted_message_id = "has space", .message_state = 2 };
    g_autoptr(GError) error = NULL;
    SrReceipt r;

    g_assert_false (parse (&tlvs, "id:1 stat:DELIVRD", &r, &error));
    g_assert_error (error, SR_RECEIPT_ERROR, SR_RECEIPT_ERROR_BAD_ID);
  }
}

static void
test_id_65 (void)
{
  const char *id65 = "12345678901234567890123456789012345678901234567890123456789012345";
  g_autofree char *text = g_strdup_printf ("id:%s stat:DELIVRD", id65);
  SrReceipt r;

  g_assert_cmpuint (strlen (id65), ==, 65);
  g_assert_true (parse (NULL, text, &r, NULL));
  g_assert_cmpstr (r.id, ==, id65);
}

static void
test_id_match (void)
{
  static const struct { SrIdFormat fmt; const char *resp; const char *receipt; gboolean match; } cases[] = {
    { SR_ID_FORMAT_AS_IS, "000ABC", "abc", TRUE },
    { SR_ID_FORMAT_AS_IS, "123", "0123", TRUE },
    { SR_ID_FORMAT_AS_IS, "0", "000", TRUE },
    { SR_ID_FORMAT_AS_IS, "123", "7b", FALSE },
    { SR_ID_FORMAT_AS_IS, "msg-1", "MSG-1", TRUE },
    { SR_ID_FORMAT_HEX_TO_DEC, "1A2B3C", "1715004", TRUE },
    { SR_ID_FORMAT_HEX_TO_DEC, "001a2b3c", "01715004", TRUE },
    { SR_ID_FORMAT_HEX_TO_DEC, "1A2B3C", "1a2b3c", FALSE },
    { SR_ID_FORMAT_DEC_TO_HEX, "1715004", "1A2B3C", TRUE },
    { SR_ID_FORMAT_DEC_TO_HEX, "1715004", "001a2b3c", TRUE },
    { SR_ID_FORMAT_DEC_TO_HEX, "1715004", "1715004", FALSE },
    { SR_ID_FORMAT_AUTO, "1A2B3C", "1715004", TRUE },     /* hex resp, decimal receipt */
    { SR_ID_FORMAT_AUTO, "123456", "1193046", TRUE },     /* hex that looks decimal */
    { SR_ID_FORMAT_AUTO, "1193046", "123456", TRUE },     /* decimal resp, hex receipt */
    { SR_ID_FORMAT_AUTO, "abc", "00ABC", TRUE },
    { SR_ID_FORMAT_AUTO, "12", "13", FALSE },
    { SR_ID_FORMAT_AUTO, "ffffffffffffffffffffffffffffffffffffffff",
      "1461501637330902918203684832716283019655932542975", TRUE },   /* 2^160 - 1 */
    { SR_ID_FORMAT_HEX_TO_DEC, "ffffffffffffffffffffffffffffffffffffffff",
      "1461501637330902918203684832716283019655932542975", TRUE },
    { SR_ID_FORMAT_DEC_TO_HEX, "1461501637330902918203684832716283019655932542975",
      "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", TRUE },
    { SR_ID_FORMAT_AUTO, "msg-1", "msg-2", FALSE },
    { SR_ID_FORMAT_HEX_TO_DEC, "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
      "1852673427797059126777135760139006525652319754650249024631321344126610074238975", TRUE },   /* 65 hex digits: the longest id */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("id %s vs %s (format %d)", cases[i].resp, cases[i].receipt, cases[i].fmt);
      g_assert_cmpint (sr_receipt_id_matches (cases[i].resp, cases[i].receipt, cases[i].fmt), ==,
                       cases[i].match);
    }
}

static void
test_id_keys (void)
{
  char key[SR_RECEIPT_KEY_SIZE];
  char keys[SR_RECEIPT_KEYS_MAX][SR_RECEIPT_KEY_SIZE];

  sr_receipt_key_for_submit ("0000", SR_ID_FORMAT_AUTO, key);
  g_assert_cmpstr (key, ==, "0");
  sr_receipt_key_for_submit ("00FF", SR_ID_FORMAT_HEX_TO_DEC, key);
  g_assert_cmpstr (key, ==, "255");
  sr_receipt_key_for_submit ("255", SR_ID_FORMAT_DEC_TO_HEX, key);
  g_assert_cmpstr (key, ==, "ff");
  /* Not hex: kept as a string. */
  sr_receipt_key_for_submit ("msg-0001", SR_ID_FORMAT_HEX_TO_DEC, key);
  g_assert_cmpstr (key, ==, "msg-0001");

  g_assert_cmpuint (sr_receipt_keys_for_receipt ("10", SR_ID_FORMAT_AUTO, keys), ==, 3);
  g_assert_cmpstr (keys[0], ==, "10");
  g_assert_cmpstr (keys[1], ==, "a");
  g_assert_cmpstr (keys[2], ==, "16");
  g_assert_cmpuint (sr_receipt_keys_for_receipt ("0ABC", SR_ID_FORMAT_AUTO, keys), ==, 2);
  g_assert_cmpstr (keys[0], ==, "abc");
  g_assert_cmpstr (keys[1], ==, "2748");
  g_assert_cmpuint (sr_receipt_keys_for_receipt ("7", SR_ID_FORMAT_AUTO, keys), ==, 1);
  g_assert_cmpstr (keys[0], ==, "7");
  g_assert_cmpuint (sr_receipt_keys_for_receipt ("zz9", SR_ID_FORMAT_AUTO, keys), ==, 1);
  g_assert_cmpuint (sr_receipt_keys_for_receipt ("10", SR_ID_FORMAT_AS_IS, keys), ==, 1);
}

/* The submit times a part may have had for a receipt: around its "submit
 * date" (15 minutes either way, never after the receipt came), else the
 * three days before the receipt. */
static void
test_submit_window (void)
{
  static const struct {
    const char *text;
    gint64 since_s, until_s;    /* relative to the submit date / reception */
    gboolean dated;
  } cases[] = {
    { "id:1 submit date:2311221530 done date:2311221531 stat:DELIVRD", -900, 900, TRUE },
    { "id:1 submit date:231122153045 stat:DELIVRD", -900, 900, TRUE },
    { "id:1 stat:DELIVRD", -3 * 86400, 900, FALSE },
    { "id:1 submit date:2313451299 stat:DELIVRD", -3 * 86400, 900, FALSE },   /* not a date */
  };
  /* received a minute after 2023-11-22 15:30 */
  gint64 received = (utc (2023, 11, 22, 15, 31, 0)) * G_USEC_PER_SEC;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      SrReceipt r;
      gint64 since = 0, until = 0, base;

      g_assert_true (parse (NULL, cases[i].text, &r, NULL));
      sr_receipt_submit_window (&r, received, &since, &until);
      base = cases[i].dated ? r.submit_date * G_USEC_PER_SEC : received;
      g_assert_cmpint (since, ==, base + cases[i].since_s * G_USEC_PER_SEC);
      if (cases[i].dated)
        g_assert_cmpint (until, ==, MIN (base + cases[i].until_s * G_USEC_PER_SEC,
                                         received + 900 * G_USEC_PER_SEC));
      else
        g_assert_cmpint (until, ==, received + cases[i].until_s * G_USEC_PER_SEC);
    }

  /* A submit date after the receipt came: nothing fits. */
  {
    SrReceipt r;
    gint64 since = 0, until = 0;

    g_assert_true (parse (NULL, "id:1 submit date:2311231530 stat:DELIVRD", &r, NULL));
    sr_receipt_submit_window (&r, received, &since, &until);
    g_assert_cmpint (since, >, until);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/receipts/text/full", test_text_full);
  g_test_add_func ("/receipts/text/seconds", test_text_seconds);
  g_test_add_func ("/receipts/text/variants", test_text_variants);
  g_test_add_func ("/receipts/text/not-terminated", test_text_not_terminated);
  g_test_add_func ("/receipts/tlvs", test_tlvs);
  g_test_add_func ("/receipts/states", test_states);
  g_test_add_func ("/receipts/overall", test_overall);
  g_test_add_func ("/receipts/garbage", test_garbage);
  g_test_add_func ("/receipts/id/65", test_id_65);
  g_test_add_func ("/receipts/id/match", test_id_match);
  g_test_add_func ("/receipts/id/keys", test_id_keys);
  g_test_add_func ("/receipts/id/submit-window", test_submit_window);

  return g_test_run ();
}
