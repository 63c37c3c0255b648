/* test-router.c — the engine end to end against the simulator binary:
 * encodings and addresses on the wire, dead letters, receipts. */
#include <string.h>

#include "router-fixture.h"

/* One outbox file and what its PDUs must look like. */
typedef struct {
  const char *name;
  const char *file;
  guint parts;
  const char *short_message;   /* hex of part 1 (without UDH) */
  const char *udh_prefix;      /* hex start of part 1's UDH, NULL = none */
  gint data_coding;
  gint esm_class;
  gint source_ton, source_npi;
  const char *source_addr;
  const char *destination_addr;
  gint registered_delivery;
  const char *policy;
  const char *validity;        /* NULL = empty */
} WireCase;

static const WireCase wire_cases[] = {
  { "gsm", "To: 079 123 45 67\n\nHello world\n", 1, "48656c6c6f20776f726c64", NULL,
    0, 0, 1, 1, "41791234560", "41791234567", 1, NULL },
  { "gsm-extension", "To: +41791234567\n\na{b}\xe2\x82\xac\n", 1, "611b28621b291b65", NULL,
    0, 0, 1, 1, "41791234560", "41791234567", 1, NULL },
  { "ucs2-emoji", "To: +41791234567\n\n\xd0\x96\xf0\x9f\x98\x80\n", 1, "0416d83dde00", NULL,
    8, 0, 1, 1, "41791234560", "41791234567", 1, NULL },
  /* 35 characters of 4 bytes each: the journal's preview must hold them. */
  { "ucs2-four-byte-text", "To: +41791234567\n\n\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\n", 1, "d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00d83dde00", NULL,
    8, 0, 1, 1, "41791234560", "41791234567", 1, NULL },
  { "alphanumeric", "To: +41791234567\nFrom: ACME\nReport: no\n\nHi\n", 1, "4869", NULL,
    0, 0, 5, 0, "ACME", "41791234567", 0, NULL },
  { "override", "To: +12125550123\nFrom: ACME\n\nHi\n", 1, "4869", NULL,
    0, 0, 1, 1, "16461234567", "12125550123", 1,
    "alphanumeric-denied-countries = US\nsource-overrides = US:+16461234567\n" },
  { "flash", "To: +41791234567\nFlash: yes\n\nHi\n", 1, "4869", NULL,
    0x10, 0, 1, 1, "41791234560", "41791234567", 1, NULL },
  { "validity", "To: +41791234567\nValidity: 90m\n\nHi\n", 1, "4869", NULL,
    0, 0, 1, 1, "41791234560", "41791234567", 1, NULL, "000000013000000R" },
  { "short-code-sender", "To: +41791234567\nFrom: 4242\n\nHi\n", 1, "4869", NULL,
    0, 0, 3, 0, "4242", "41791234567", 1, NULL },
};

static void
test_wire (gconstpointer data)
{
  const WireCase *c = data;
  RouterFixture fx;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  JsonObject *e;

  router_fixture_setup (&fx, NULL, NULL, NULL, NULL, c->policy);
  g_free (router_fixture_drop (&fx, c->file));
  log = sr_test_sim_wait_log (fx.sim, "in", "submit_sm", c->parts, 5000);
  g_assert_nonnull (log);
  g_assert_cmpuint (log->len, ==, c->parts);
  e = g_ptr_array_index (log, 0);
  g_assert_cmpstr (sr_test_log_str (e, "short_message"), ==, c->short_message);
  g_assert_cmpint (sr_test_log_int (e, "data_coding"), ==, c->data_coding);
  g_assert_cmpint (sr_test_log_int (e, "esm_class"), ==, c->esm_class);
  g_assert_cmpint (sr_test_log_int (e, "source_addr_ton"), ==, c->source_ton);
  g_assert_cmpint (sr_test_log_int (e, "source_addr_npi"), ==, c->source_npi);
  g_assert_cmpstr (sr_test_log_str (e, "source_addr"), ==, c->source_addr);
  g_assert_cmpstr (sr_test_log_str (e, "destination_addr"), ==, c->destination_addr);
  g_assert_cmpint (sr_test_log_int (e, "dest_addr_ton"), ==, 1);
  g_assert_cmpint (sr_test_log_int (e, "dest_addr_npi"), ==, 1);
  g_assert_cmpint (sr_test_log_int (e, "registered_delivery"), ==, c->registered_delivery);
  g_assert_cmpstr (sr_test_log_str (e, "validity_period"), ==, c->validity ? c->validity : "");

  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 1, 5000));
  sent = router_fixture_read_all (&fx, SR_SPOOL_SENT);
  {
    g_autofree char *id = router_fixture_header (g_ptr_array_index (sent, 0), "X-SMSC-Id");
    g_autofree char *when = router_fixture_header (g_ptr_array_index (sent, 0), "X-Submitted");

    g_assert_nonnull (id);
    g_assert_cmpstr (id, !=, "");
    g_assert_nonnull (when);
  }
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_OUTBOX_CUR), ==, 0);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_DEAD), ==, 0);
  router_fixture_teardown (&fx);
}

/* 400 GSM characters: three parts of 153, 153 and 94 septets, udh8. */
static void
test_three_parts (void)
{
  RouterFixture fx;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GString) file = g_string_new ("To: +41791234567\n\n");
  g_autoptr(GString) hex153 = g_string_new (NULL);
  const char *udh0;

  for (guint i = 0; i < 400; i++)
    g_string_append_c (file, 'a' + i % 26);
  g_string_append_c (file, '\n');
  for (guint i = 0; i < 153; i++)
    g_string_append_printf (hex153, "%02x", 'a' + i % 26);

  router_fixture_setup (&fx, NULL, NULL, NULL, NULL, NULL);
  g_free (router_fixture_drop (&fx, file->str));
  log = sr_test_sim_wait_log (fx.sim, "in", "submit_sm", 3, 5000);
  g_assert_nonnull (log);
  g_assert_cmpuint (log->len, ==, 3);
  udh0 = sr_test_log_str (g_ptr_array_index (log, 0), "udh");
  g_assert_nonnull (udh0);
  g_assert_cmpuint (strlen (udh0), ==, 12);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *e = g_ptr_array_index (log, i);
      const char *udh = sr_test_log_str (e, "udh");
      g_autofree char *tail = g_strdup_printf ("03%02x", i + 1);

      g_assert_cmpint (sr_test_log_int (e, "esm_class"), ==, 0x40);
      g_assert_cmpint (sr_test_log_int (e, "data_coding"), ==, 0);
      g_assert_cmpint (sr_test_log_int (e, "registered_delivery"), ==, 1);
      g_assert_true (g_str_has_prefix (udh, "050003"));
      /* One reference for all parts. */
      g_assert_cmpint (strncmp (udh, udh0, 8), ==, 0);
      g_assert_true (g_str_has_suffix (udh, tail));
    }
  g_assert_cmpstr (sr_test_log_str (g_ptr_array_index (log, 0), "short_message"), ==, hex153->str);
  g_assert_cmpint (sr_test_log_int (g_ptr_array_index (log, 2), "sm_length"), ==, 6 + 94);

  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 1, 5000));
  sent = router_fixture_read_all (&fx, SR_SPOOL_SENT);
  {
    g_auto(GStrv) lines = g_strsplit (g_ptr_array_index (sent, 0), "\n", -1);
    guint ids = 0;

    for (char **l = lines; *l && **l; l++)
      if (g_str_has_prefix (*l, "X-SMSC-Id: "))
        ids++;
    g_assert_cmpuint (ids, ==, 3);
  }
  router_fixture_teardown (&fx);
}

/* split = sar and payload: the same long text as TLVs. */
static void
test_split_tlvs (void)
{
  const char *methods[] = { "split = sar", "split = payload" };

  for (guint m = 0; m < G_N_ELEMENTS (methods); m++)
    {
      RouterFixture fx;
      g_autoptr(GPtrArray) log = NULL;
      g_autoptr(GString) file = g_string_new ("To: +41791234567\n\n");
      guint expect = m == 0 ? 2 : 1;

      for (guint i = 0; i < 200; i++)
        g_string_append_c (file, 'a' + i % 26);
      g_string_append_c (file, '\n');
      router_fixture_setup (&fx, NULL, NULL, methods[m], NULL, NULL);
      g_free (router_fixture_drop (&fx, file->str));
      g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 1, 5000));
      log = sr_test_sim_wait_log (fx.sim, "in", "submit_sm", expect, 1000);
      g_assert_cmpuint (log->len, ==, expect);
      for (guint i = 0; i < expect; i++)
        {
          JsonObject *e = g_ptr_array_index (log, i);

          g_assert_cmpint (sr_test_log_int (e, "esm_class"), ==, 0);
          if (m == 0)
            {
              g_autofree char *seq = g_strdup_printf ("%02x", i + 1);

              g_assert_nonnull (sr_test_log_tlv (e, 0x020C));
              g_assert_cmpstr (sr_test_log_tlv (e, 0x020E), ==, "02");
              g_assert_cmpstr (sr_test_log_tlv (e, 0x020F), ==, seq);
            }
          else
            {
              g_assert_cmpint (sr_test_log_int (e, "sm_length"), ==, 0);
              g_assert_cmpuint (strlen (sr_test_log_tlv (e, 0x0424)), ==, 400);
            }
        }
      router_fixture_teardown (&fx);
    }
}

/* A dead letter's class, what its journal row knows of its destination,
 * and the good files around bad ones go out. */
typedef struct {
  const char *name;
  const char *file;
  const char *error_class;
  const char *country;        /* the row's country and provider: NULL = none (it never reached one) */
  const char *provider;
} DeadCase;

static const DeadCase dead_cases[] = {
  { "blacklisted-country", "To: +2250701234567\n\nHi\n", "policy", "CI", NULL },
  { "invalid-number", "To: 12\n\nHi\n", "input", NULL, NULL },
  { "missing-to", "From: ACME\n\nHi\n", "input", NULL, NULL },
  { "binary", "To: +41791234567\n\nH\001\377\376\n", "input", NULL, NULL },
  { "too-long", "To: +41791234567\nAlphabet: UCS2\n\n@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n",
    "too-long", "CH", NULL },
};

static void
test_dead (gconstpointer data)
{
  const DeadCase *c = data;
  RouterFixture fx;
  g_autoptr(GPtrArray) dead = NULL;
  g_autoptr(GPtrArray) log = NULL;

  router_fixture_setup (&fx, NULL, "max-parts = 2", NULL, NULL, NULL);
  g_free (router_fixture_drop (&fx, "To: +41791234567\nReference: good-1\n\nFirst\n"));
  g_free (router_fixture_drop (&fx, c->file));
  g_free (router_fixture_drop (&fx, "To: +41791234568\nReference: good-2\n\nSecond\n"));
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_DEAD, 1, 5000));
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 2, 5000));
  dead = router_fixture_read_all (&fx, SR_SPOOL_DEAD);
  g_assert_cmpuint (dead->len, ==, 1);
  {
    g_autofree char *klass = router_fixture_header (g_ptr_array_index (dead, 0), "X-Error-Class");
    g_autofree char *why = router_fixture_header (g_ptr_array_index (dead, 0), "X-Error");

    g_assert_cmpstr (klass, ==, c->error_class);
    g_assert_nonnull (why);
    g_assert_cmpstr (why, !=, "");
    /* The original file is kept: its body is still there. */
    g_assert_true (strstr (g_ptr_array_index (dead, 0), "\n\n") != NULL);
  }
  {
    /* Counted by destination country (the console's delivery rates, the
     * filter) like any other message. */
    gint64 next = 0;
    g_autoptr (GPtrArray) rows = sr_journal_messages_page (sr_router_get_journal (fx.router),
                                                           SR_VIEW_DEAD, NULL, NULL, SR_PAGE_OLDER,
                                                           0, 10, &next, NULL);
    g_assert_nonnull (rows);
    g_assert_cmpuint (rows->len, ==, 1);
    const SrJournalMessage *m = g_ptr_array_index (rows, 0);
    g_assert_cmpstr (m->country, ==, c->country);
    g_assert_cmpstr (m->provider, ==, c->provider);
  }
  log = sr_test_sim_wait_log (fx.sim, "in", "submit_sm", 2, 1000);
  g_assert_cmpuint (log->len, ==, 2);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_OUTBOX_CUR), ==, 0);
  router_fixture_teardown (&fx);
}

/* The receipt comes back as a file with the app's Reference. */
static void
test_receipt (void)
{
  const char *sim_args[] = { "--receipt-delay", "50", NULL };
  RouterFixture fx;
  g_autoptr(GPtrArray) receipts = NULL;
  g_autoptr(GPtrArray) sent = NULL;

  router_fixture_setup (&fx, sim_args, NULL, NULL, NULL, NULL);
  g_free (router_fixture_drop (&fx, "To: 079 123 45 67\nReference: order-4711\n\nHello\n"));
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_RECEIPTS_NEW, 1, 5000));
  receipts = router_fixture_read_all (&fx, SR_SPOOL_RECEIPTS_NEW);
  sent = router_fixture_read_all (&fx, SR_SPOOL_SENT);
  g_assert_cmpuint (sent->len, ==, 1);
  {
    const char *r = g_ptr_array_index (receipts, 0);
    g_autofree char *ref = router_fixture_header (r, "Reference");
    g_autofree char *to = router_fixture_header (r, "To");
    g_autofree char *status = router_fixture_header (r, "Status");
    g_autofree char *id = router_fixture_header (r, "SMSC-Id");
    g_autofree char *sent_id = router_fixture_header (g_ptr_array_index (sent, 0), "X-SMSC-Id");
    g_autofree char *done = router_fixture_header (r, "Done");
    g_autofree char *submitted = router_fixture_header (r, "Submitted");

    g_assert_cmpstr (ref, ==, "order-4711");
    g_assert_cmpstr (to, ==, "+41791234567");
    g_assert_cmpstr (status, ==, "DELIVRD");
    g_assert_nonnull (id);
    g_assert_nonnull (sent_id);
    g_autofree char *id_key = g_ascii_strdown (id, -1);

    g_assert_cmpstr (id_key, ==, sent_id);
    g_assert_nonnull (done);
    g_assert_cmpstr (done, !=, "");
    g_assert_nonnull (submitted);
    g_assert_cmpstr (submitted, !=, "");
  }
  /* The SMSC got its deliver_sm_resp. */
  g_assert_nonnull (sr_test_sim_wait_log (fx.sim, "in", "deliver_sm_resp", 1, 2000));
  router_fixture_teardown (&fx);
}

/* A receipt for an id nobody sent is kept as unmatched and answered. */
static void
test_unmatched_receipt (void)
{
  RouterFixture fx;
  g_autoptr(GPtrArray) page = NULL;
  g_autofree char *reply = NULL;
  gint64 next = 0;

  router_fixture_setup (&fx, NULL, NULL, "id-format = as-is", NULL, NULL);
  g_free (router_fixture_drop (&fx, "To: +41791234567\nReport: no\n\nHi\n"));
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 1, 5000));
  reply = sr_test_sim_command (fx.sim, "receipt 77777 DELIVRD");
  g_assert_true (g_str_has_prefix (reply, "OK"));
  g_assert_nonnull (sr_test_sim_wait_log (fx.sim, "in", "deliver_sm_resp", 1, 5000));
  page = sr_journal_receipts_page (sr_router_get_journal (fx.router), TRUE, SR_PAGE_OLDER, 0, 10,
                                   &next, NULL);
  g_assert_nonnull (page);
  g_assert_cmpuint (page->len, ==, 1);
  g_assert_cmpstr (((SrJournalReceipt *) g_ptr_array_index (page, 0))->smsc_id, ==, "77777");
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_RECEIPTS_NEW), ==, 0);
  router_fixture_teardown (&fx);
}

/* An MO message reaches the app's inbox through the inbound module. */
static void
test_mo (void)
{
  RouterFixture fx;
  g_autoptr(GPtrArray) inbox = NULL;

  router_fixture_setup (&fx, NULL, "default-app = default", NULL,
                        "inbound-numbers = +41791234560", NULL);
  /* Wait for the bind, so the MO goes to a bound receiver. */
  g_free (router_fixture_drop (&fx, "To: +41791234567\n\nHi\n"));
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 1, 5000));
  sr_test_sim_mo (fx.sim, "from=+41791111111,to=+41791234560,text=Hello back");
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_INBOX_NEW, 1, 5000));
  inbox = router_fixture_read_all (&fx, SR_SPOOL_INBOX_NEW);
  g_assert_nonnull (strstr (g_ptr_array_index (inbox, 0), "Hello back"));
  g_assert_nonnull (sr_test_sim_wait_log (fx.sim, "in", "deliver_sm_resp", 1, 2000));
  router_fixture_teardown (&fx);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (wire_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/router/wire/%s", wire_cases[i].name);

      g_test_add_data_func (path, &wire_cases[i], test_wire);
    }
  g_test_add_func ("/router/wire/three-parts", test_three_parts);
  g_test_add_func ("/router/wire/sar-payload", test_split_tlvs);
  for (guint i = 0; i < G_N_ELEMENTS (dead_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/router/dead/%s", dead_cases[i].name);

      g_test_add_data_func (path, &dead_cases[i], test_dead);
    }
  g_test_add_func ("/router/receipt", test_receipt);
  g_test_add_func ("/router/mo", test_mo);
  g_test_add_func ("/router/unmatched-receipt", test_unmatched_receipt);
  return g_test_run ();
}
