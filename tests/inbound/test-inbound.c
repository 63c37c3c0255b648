/* test-inbound.c — MO messages from the simulator over real loopback TCP,
 * through a real SMPP session, into SrInbound with a temporary spool and
 * journal; the outcome is read back from the inbox files and the journal.
 * Durability and failure cases are in test-inbound-durability.c. */
#include "inbound-fixture.h"

void inbound_durability_tests_add (void);
void inbound_config_tests_add (void);

/* ---- decoding ---- */

/* One single-part message per alphabet: what arrives is what was sent. */
typedef struct {
  const char *spec_tail;
  const char *alphabet;
  const char *text;
} DecodeCase;

static const DecodeCase decode_cases[] = {
  { "text=Hello world", "GSM", "Hello world" },
  { "text=Price {5\xe2\x82\xac} [ok] ~|^", "GSM", "Price {5\xe2\x82\xac} [ok] ~|^" },
  { "text=\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 \xf0\x9f\x98\x80!", "UCS2",
    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 \xf0\x9f\x98\x80!" },
  { "coding=binary,hex=48656C6C6F2040,dc=1", "IA5", "Hello @" },
  { "coding=latin1,text=Gr\xc3\xbc\xc3\x9f" "e \xc3\xa0 bient\xc3\xb4t", "ISO",
    "Gr\xc3\xbc\xc3\x9f" "e \xc3\xa0 bient\xc3\xb4t" },
};

static void
test_decode (Fx *fx, gconstpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (decode_cases); i++)
    {
      const DecodeCase *c = &decode_cases[i];
      g_autofree char *spec = g_strdup_printf ("from=" FROM ",to=+41790000000,%s", c->spec_tail);
      g_autoptr(GPtrArray) names = NULL;
      g_autofree char *path = NULL;
      g_autofree char *file = NULL;

      mo_and_wait (fx, spec);
      names = inbox (fx, "default");
      g_assert_cmpuint (names->len, ==, i + 1);
      /* the newest file: names start with the time of arrival */
      path = sr_spool_get_path (fx->spool, "default", SR_SPOOL_INBOX_NEW,
                                names->pdata[names->len - 1]);
      g_assert_true (g_file_get_contents (path, &file, NULL, NULL));
      assert_header (file, "From", FROM);
      assert_header (file, "To", "+41790000000");
      assert_header (file, "Alphabet", c->alphabet);
      assert_header (file, "Parts", "1");
      assert_header (file, "Provider", "main");
      assert_no_header (file, "X-Undecodable");
      assert_no_header (file, "Keyword");
      g_assert_true (g_str_has_prefix (strstr (file, "Received: "), "Received: 20"));
      g_autofree char *expected = g_strconcat (c->text, "\n", NULL);
      g_assert_cmpstr (body_of (file), ==, expected);
    }
  g_assert_cmpuint (fx->notified, ==, G_N_ELEMENTS (decode_cases));
  g_assert_false (hold_empty (fx));   /* they linger for a crash before the answer */
  g_assert_true (g_str_has_prefix (fx->last_notify, "default|" FROM "|"));
  {
    g_autoptr(GPtrArray) rows = journal_inbound (fx);
    g_assert_cmpuint (rows->len, ==, G_N_ELEMENTS (decode_cases));
    SrJournalInbound *row = rows->pdata[0];
    g_assert_cmpstr (row->verdict, ==, "inbox");
    g_assert_cmpstr (row->app, ==, "default");
    g_assert_cmpstr (row->sender, ==, FROM);
    g_assert_cmpstr (row->text, ==, "Hello world");
    g_assert_nonnull (row->file);
  }
  assert_hold_cleared (fx);
}


/* ---- multipart ---- */

/* A long message split by the simulator, reassembled into one file. */
typedef struct {
  const char *spec_tail;
  const char *unit;
  guint times;
  guint parts;
  const char *alphabet;
} PartsCase;

static const PartsCase parts_cases[] = {
  { "text=0123456789,repeat=40,order=3\\,1\\,2", "0123456789", 40, 3, "GSM" },
  { "text=abcdefghij,repeat=40,split=udh16,order=2\\,3\\,1", "abcdefghij", 40, 3, "GSM" },
  { "text=klmnopqrst,repeat=40,split=sar,order=3\\,2\\,1", "klmnopqrst", 40, 3, "GSM" },
  { "text=uvwxyz1234,repeat=40,dup=2", "uvwxyz1234", 40, 3, "GSM" },
  { "text=\xd0\x96\xf0\x9f\x98\x80,repeat=50,order=2\\,1\\,3", "\xd0\x96\xf0\x9f\x98\x80", 50, 3, "UCS2" },
};

static void
test_multipart (Fx *fx, gconstpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (parts_cases); i++)
    {
      const PartsCase *c = &parts_cases[i];
      g_autofree char *spec = g_strdup_printf ("from=" FROM ",to=+41790000000,%s", c->spec_tail);
      g_autofree char *expected = NULL;
      g_autofree char *file = NULL;
      g_autofree char *parts = g_strdup_printf ("%u", c->parts);
      g_autoptr(GPtrArray) names = NULL;
      g_autofree char *path = NULL;

      g_test_message ("case %u: %s", i, spec);
      mo_and_wait (fx, spec);
      names = inbox (fx, "default");
      g_assert_cmpuint (names->len, ==, i + 1);
      path = sr_spool_get_path (fx->spool, "default", SR_SPOOL_INBOX_NEW,
                                names->pdata[names->len - 1]);
      g_assert_true (g_file_get_contents (path, &file, NULL, NULL));
      assert_header (file, "Parts", parts);
      assert_header (file, "Alphabet", c->alphabet);
      assert_no_header (file, "X-Incomplete");
      {
        g_autofree char *text = repeat (c->unit, c->times);
        expected = g_strconcat (text, "\n", NULL);
      }
      g_assert_cmpstr (body_of (file), ==, expected);
    }
  /* the duplicate part was answered, not delivered twice */
  g_assert_cmpuint (fx->notified, ==, G_N_ELEMENTS (parts_cases));
  {
    g_autoptr(GPtrArray) rows = journal_inbound (fx);
    g_assert_cmpuint (rows->len, ==, G_N_ELEMENTS (parts_cases));
  }
  assert_hold_cleared (fx);
}

static gboolean
inbox_has (Fx *fx, gconstpointer app)
{
  return inbox_count (fx, app) > 0;
}

/* A part that never comes: after inbound-timeout what arrived is delivered. */
static void
test_incomplete (Fx *fx, gconstpointer data)
{
  g_autofree char *file = NULL;
  g_autofree char *p1 = repeat ("A", 153);
  g_autofree char *p2 = repeat ("B", 153);
  g_autofree char *p3 = repeat ("C", 40);
  g_autofree char *spec = g_strdup_printf ("from=" FROM ",to=+41790000000,text=%s%s%s,drop=2",
                                           p1, p2, p3);
  g_autofree char *expected = g_strdup_printf ("%s [\xe2\x80\xa6] %s\n", p1, p3);
  gint64 t0 = g_get_monotonic_time ();

  mo_and_wait (fx, spec);   /* the two parts that came are answered at once */
  g_assert_cmpuint (inbox_count (fx, "default"), ==, 0);
  g_assert_true (run_until (fx, inbox_has, "default", 4000));
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, G_USEC_PER_SEC * 9 / 10);
  file = only_file (fx, "default");
  assert_header (file, "X-Incomplete", "parts 1,3 of 3");
  assert_header (file, "Parts", "3");
  g_assert_cmpstr (body_of (file), ==, expected);
  {
    g_autoptr(GPtrArray) rows = journal_inbound (fx);
    SrJournalInbound *row;
    g_assert_cmpuint (rows->len, ==, 1);
    row = rows->pdata[0];
    g_assert_cmpstr (row->verdict, ==, "inbox: incomplete");
  }
  g_assert_cmpuint (stats (fx).deliver_acked, ==, 2);
}

/* ---- routing and the inbound firewall ---- */

static void
test_routing (Fx *fx, gconstpointer data)
{
  g_autofree char *shop = NULL, *help = NULL, *iot = NULL;

  mo_and_wait (fx, "from=" FROM ",to=+41790000001,text=Where is my order?");
  mo_and_wait (fx, "from=" FROM ",to=+41790000000,text=help me please");
  mo_and_wait (fx, "from=0791111111,to=0790000002,text=status ok");
  shop = only_file (fx, "shop");
  help = only_file (fx, "help");
  iot = only_file (fx, "iot");
  g_assert_cmpuint (inbox_count (fx, "default"), ==, 0);
  assert_header (shop, "To", "+41790000001");
  assert_no_header (shop, "Keyword");
  assert_header (help, "Keyword", "HELP");
  assert_header (help, "To", "+41790000000");
  /* national numbers are normalised with the provider's region */
  assert_header (iot, "From", "+41791111111");
  assert_header (iot, "To", "+41790000002");
  g_assert_cmpstr (body_of (iot), ==, "status ok\n");
}

static void
test_firewall (Fx *fx, gconstpointer data)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  SrJournalInbound *row;
  gint64 next = 0;
  gboolean found = FALSE;

  mo_and_wait (fx, "from=+41796660000,to=+41790000002,text=let me in");
  g_assert_cmpuint (stats (fx).deliver_acked, ==, 1);
  g_assert_cmpuint (stats (fx).deliver_nacked, ==, 0);
  for (const char *const *app = (const char *const[]) { "default", "shop", "help", "iot", NULL };
       *app; app++)
    g_assert_cmpuint (inbox_count (fx, *app), ==, 0);
  g_assert_cmpuint (fx->notified, ==, 0);

  rows = journal_inbound (fx);
  g_assert_cmpuint (rows->len, ==, 1);
  row = rows->pdata[0];
  g_assert_cmpstr (row->verdict, ==, "denied: inbound-deny");
  g_assert_cmpstr (row->app, ==, "iot");
  g_assert_cmpstr (row->sender, ==, "+41796660000");
  g_assert_null (row->file);

  events = sr_journal_events_page (fx->journal, -1, NULL, SR_PAGE_NEWER, 0, 100, &next, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      SrJournalEvent *ev = events->pdata[i];
      if (g_strcmp0 (ev->kind, "inbound-denied") == 0)
        {
          found = TRUE;
          g_assert_cmpstr (ev->app, ==, "iot");
          g_assert_nonnull (strstr (ev->text, "inbound-deny"));
          g_assert_nonnull (strstr (ev->text, "+41796660000"));
        }
    }
  g_assert_true (found);

  /* the other senders still get through */
  mo_and_wait (fx, "from=+41791111111,to=+41790000002,text=hello");
  g_assert_cmpuint (inbox_count (fx, "iot"), ==, 1);
}

/* ---- malformed input ---- */

static void
test_malformed (Fx *fx, gconstpointer data)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *bad_udh = NULL, *odd = NULL;
  g_autofree char *p0 = NULL, *p1 = NULL;

  /* a UDH whose length points past the message */
  mo_and_wait (fx, "from=" FROM ",to=+41790000000,coding=binary,hex=05000301,esm=0x40,dc=0");
  /* UCS-2 cut in the middle of a character */
  mo_and_wait (fx, "from=" FROM ",to=+41790000000,coding=binary,hex=0048006900,dc=8");
  g_assert_cmpuint (stats (fx).deliver_nacked, ==, 0);
  names = inbox (fx, "default");
  g_assert_cmpuint (names->len, ==, 2);
  {
    g_autoptr(GPtrArray) rows = journal_inbound (fx);
    g_autoptr(GPtrArray) events = NULL;
    g_autoptr(GError) error = NULL;
    gint64 next = 0;
    guint malformed = 0;

    g_assert_cmpuint (rows->len, ==, 2);
    events = sr_journal_events_page (fx->journal, -1, NULL, SR_PAGE_NEWER, 0, 100, &next, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < events->len; i++)
      if (g_strcmp0 (((SrJournalEvent *) events->pdata[i])->kind, "inbound-malformed") == 0)
        malformed++;
    g_assert_cmpuint (malformed, >=, 1);
  }
  p0 = sr_spool_get_path (fx->spool, "default", SR_SPOOL_INBOX_NEW, names->pdata[0]);
  p1 = sr_spool_get_path (fx->spool, "default", SR_SPOOL_INBOX_NEW, names->pdata[1]);
  g_assert_true (g_file_get_contents (p0, &bad_udh, NULL, NULL));
  g_assert_true (g_file_get_contents (p1, &odd, NULL, NULL));

  assert_header (bad_udh, "Alphabet", "binary");
  g_assert_nonnull (strstr (bad_udh, "\nX-Binary: hex"));
  g_assert_nonnull (strstr (bad_udh, "\nX-Problem: "));
  g_assert_cmpstr (body_of (bad_udh), ==, "05000301\n");

  assert_header (odd, "Alphabet", "UCS2");
  g_assert_nonnull (strstr (odd, "\nX-Undecodable: 1 "));
  g_assert_true (g_str_has_prefix (body_of (odd), "Hi"));
  g_assert_true (g_utf8_validate (odd, -1, NULL));
}

/* A UCS-2 message in two parts whose first part ends in half a
 * character: the damage stays in that part, the next one is read from its
 * own start (not shifted by one octet). */
static void
test_truncated_ucs2_part (Fx *fx, gconstpointer data)
{
  g_autofree char *file = NULL;

  mo_and_wait (fx, "from=" FROM ",to=+41790000000,coding=binary,esm=0x40,dc=8,"
               "hex=050003AA02010048006900");
  mo_and_wait (fx, "from=" FROM ",to=+41790000000,coding=binary,esm=0x40,dc=8,"
               "hex=050003AA02020021D83DDE00");
  g_assert_cmpuint (stats (fx).deliver_nacked, ==, 0);
  file = only_file (fx, "default");
  assert_header (file, "Parts", "2");
  assert_header (file, "Alphabet", "UCS2");
  assert_header (file, "X-Undecodable", "1 characters (shown as U+FFFD)");
  assert_no_header (file, "X-Incomplete");
  g_assert_cmpstr (body_of (file), ==, "Hi\xef\xbf\xbd!\xf0\x9f\x98\x80\n");
}

/* 8-bit data is kept as hex, and says so. */
static void
test_binary (Fx *fx, gconstpointer data)
{
  g_autofree char *file = NULL;

  mo_and_wait (fx, "from=" FROM ",to=+41790000000,coding=binary,hex=0001FEFF7F,dc=4");
  file = only_file (fx, "default");
  assert_header (file, "Alphabet", "binary");
  g_assert_nonnull (strstr (file, "\nX-Binary: hex (8-bit data"));
  g_assert_cmpstr (body_of (file), ==, "0001FEFF7F\n");
}

/* Concatenation elements among other information elements (here an
 * application port element before it in one part and after it in the
 * other), UCS-2 text. */
static void
test_udh_other_elements (Fx *fx, gconstpointer data)
{
  g_autofree char *file = NULL;

  mo_and_wait (fx, "from=" FROM ",to=+41790000000,coding=binary,esm=0x40,dc=8,"
               "hex=0B05040B8423F000032A0202006C006F");
  g_assert_cmpuint (inbox_count (fx, "default"), ==, 0);
  mo_and_wait (fx, "from=" FROM ",to=+41790000000,coding=binary,esm=0x40,dc=8,"
               "hex=0B00032A020105040B8423F000480065006C");
  file = only_file (fx, "default");
  assert_header (file, "Parts", "2");
  assert_header (file, "Alphabet", "UCS2");
  assert_no_header (file, "X-Binary");
  g_assert_cmpstr (body_of (file), ==, "Hello\n");
}

/* A part that comes after its message was delivered incomplete is not
 * lost: it becomes a message of its own. */
static void
test_late_part (Fx *fx, gconstpointer data)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *first = NULL, *second = NULL;
  g_autofree char *p0 = NULL, *p1 = NULL;
  gint64 later = g_get_real_time () + 5 * G_USEC_PER_SEC;

  mo_and_wait (fx, "from=" FROM ",to=+41790000000,text=0123456789,repeat=40,ref=9,drop=3");
  sr_inbound_expire (fx->inbound, later);
  sr_journal_flush (fx->journal, NULL);
  g_assert_cmpuint (inbox_count (fx, "default"), ==, 1);
  mo_and_wait (fx, "from=" FROM ",to=+41790000000,text=0123456789,repeat=40,ref=9,drop=1\\,2");
  sr_inbound_expire (fx->inbound, later + 5 * G_USEC_PER_SEC);
  sr_journal_flush (fx->journal, NULL);
  names = inbox (fx, "default");
  g_assert_cmpuint (names->len, ==, 2);
  p0 = sr_spool_get_path (fx->spool, "default", SR_SPOOL_INBOX_NEW, names->pdata[0]);
  p1 = sr_spool_get_path (fx->spool, "default", SR_SPOOL_INBOX_NEW, names->pdata[1]);
  g_assert_true (g_file_get_contents (p0, &first, NULL, NULL));
  g_assert_true (g_file_get_contents (p1, &second, NULL, NULL));
  assert_header (first, "X-Incomplete", "parts 1,2 of 3");
  assert_header (second, "X-Incomplete", "parts 3 of 3");
  g_assert_true (g_str_has_prefix (body_of (second), " [\xe2\x80\xa6] 6789012345"));
}

static void
on_direct_done (guint32 status, gpointer data)
{
  Fx *fx = data;

  fx->answered++;
  if (status == 0)
    fx->answered_ok++;
}

/* Straight into sr_inbound_handle(): a provider that packs GSM, and a long
 * message in message_payload with an alphanumeric sender. */
static void
test_direct (Fx *fx, gconstpointer data)
{
  const SrProviderConfig *packed = sr_config_find_provider (fx->config, "packed");
  static const guint8 hello[] = { 0xE8, 0x32, 0x9B, 0xFD, 0x06 };   /* "hello", packed */
  g_autofree char *long_text = repeat ("payload ", 40);
  g_autofree char *expected = g_strconcat (long_text, "\n", NULL);
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *a = NULL, *b = NULL, *pa = NULL, *pb = NULL;
  SrPdu pdu;

  sr_pdu_init (&pdu, SR_CMD_DELIVER_SM, 1);
  pdu.source_addr_ton = 2;
  g_strlcpy (pdu.source_addr, "07700900123", sizeof pdu.source_addr);
  g_strlcpy (pdu.destination_addr, "41790000000", sizeof pdu.destination_addr);
  pdu.dest_addr_ton = 1;
  memcpy (pdu.short_message, hello, sizeof hello);
  pdu.sm_length = sizeof hello;
  sr_inbound_handle (fx->inbound, packed, &pdu, on_direct_done, fx);

  sr_pdu_init (&pdu, SR_CMD_DELIVER_SM, 2);
  pdu.source_addr_ton = 5;
  g_strlcpy (pdu.source_addr, "ACME Shop", sizeof pdu.source_addr);
  g_strlcpy (pdu.destination_addr, "41790000000", sizeof pdu.destination_addr);
  pdu.dest_addr_ton = 1;
  pdu.tlv_mask = SR_TLV_MESSAGE_PAYLOAD;
  pdu.message_payload = (const guint8 *) long_text;
  pdu.message_payload_len = strlen (long_text);
  sr_inbound_handle (fx->inbound, fx->provider, &pdu, on_direct_done, fx);

  g_assert_true (run_until (fx, answered_at_least, GUINT_TO_POINTER (2), 5000));
  g_assert_cmpuint (fx->answered_ok, ==, 2);
  names = inbox (fx, "default");
  g_assert_cmpuint (names->len, ==, 2);
  pa = sr_spool_get_path (fx->spool, "default", SR_SPOOL_INBOX_NEW, names->pdata[0]);
  pb = sr_spool_get_path (fx->spool, "default", SR_SPOOL_INBOX_NEW, names->pdata[1]);
  g_assert_true (g_file_get_contents (pa, &a, NULL, NULL));
  g_assert_true (g_file_get_contents (pb, &b, NULL, NULL));
  /* national number of the packing provider's region (GB) */
  assert_header (a, "From", "+447700900123");
  assert_header (a, "Provider", "packed");
  g_assert_cmpstr (body_of (a), ==, "hello\n");
  assert_header (b, "From", "ACME Shop");
  g_assert_cmpstr (body_of (b), ==, expected);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/inbound/decode", Fx, NULL, fx_setup, test_decode, fx_teardown);
  g_test_add ("/inbound/multipart", Fx, NULL, fx_setup, test_multipart, fx_teardown);
  g_test_add ("/inbound/incomplete", Fx, NULL, fx_setup, test_incomplete, fx_teardown);
  g_test_add ("/inbound/routing", Fx, NULL, fx_setup, test_routing, fx_teardown);
  g_test_add ("/inbound/firewall", Fx, NULL, fx_setup, test_firewall, fx_teardown);
  g_test_add ("/inbound/malformed", Fx, NULL, fx_setup, test_malformed, fx_teardown);
  g_test_add ("/inbound/udh-other-elements", Fx, NULL, fx_setup, test_udh_other_elements, fx_teardown);
  g_test_add ("/inbound/late-part", Fx, NULL, fx_setup, test_late_part, fx_teardown);
  g_test_add ("/inbound/direct", Fx, NULL, fx_setup, test_direct, fx_teardown);
  g_test_add ("/inbound/binary", Fx, NULL, fx_setup, test_binary, fx_teardown);
  g_test_add ("/inbound/truncated-ucs2-part", Fx, NULL, fx_setup, test_truncated_ucs2_part, fx_teardown);
  inbound_durability_tests_add ();
  inbound_config_tests_add ();
  return g_test_run ();
}
