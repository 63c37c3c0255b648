/* test-sim.c — the simulator over real loopback TCP: binds, submits,
 * receipts, MO injection, the control channel and the JSON log. */
#include "sr-test-sim.h"

#include <glib/gstdio.h>
#include <string.h>

#define TIMEOUT 5000

static SrTestSmpp *
connect_sim (SrTestSim *sim)
{
  g_autoptr(GError) error = NULL;
  SrTestSmpp *client = sr_test_smpp_connect (sr_test_sim_port (sim), &error);

  g_assert_no_error (error);
  return client;
}

static SrTestSmpp *
bound_client (SrTestSim *sim, guint32 bind, const char *system_id, const char *password)
{
  SrTestSmpp *client = connect_sim (sim);

  g_assert_cmpuint (sr_test_smpp_bind (client, bind, system_id, password), ==, 0);
  return client;
}

static char *
hex (const guint8 *data, gsize len)
{
  GString *s = g_string_new (NULL);
  gsize i;

  for (i = 0; i < len; i++)
    g_string_append_printf (s, "%02x", data[i]);
  return g_string_free (s, FALSE);
}

/* Bind table: every bind type with right and wrong credentials. */
static void
test_bind (void)
{
  static const struct {
    guint32 command;
    const char *system_id;
    const char *password;
    guint32 status;
  } cases[] = {
    { SR_CMD_BIND_TRANSMITTER, "acme", "secret", 0x00 },
    { SR_CMD_BIND_RECEIVER, "acme", "secret", 0x00 },
    { SR_CMD_BIND_TRANSCEIVER, "acme", "secret", 0x00 },
    { SR_CMD_BIND_TRANSCEIVER, "acme", "wrong", 0x0E },     /* ESME_RINVPASWD */
    { SR_CMD_BIND_TRANSMITTER, "other", "secret", 0x0F },   /* ESME_RINVSYSID */
    { SR_CMD_BIND_RECEIVER, "other", "wrong", 0x0F },       /* system_id is checked first */
    { SR_CMD_BIND_TRANSCEIVER, "", "", 0x0F },
  };
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--system-id", "acme", "--password", "secret", NULL);
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SrTestSmpp) client = connect_sim (sim);
      guint32 status = sr_test_smpp_bind (client, cases[i].command, cases[i].system_id,
                                          cases[i].password);
      g_assert_cmphex (status, ==, cases[i].status);
    }
  g_assert_cmpint (sr_test_sim_stat (sim, "binds_ok"), ==, 3);
  g_assert_cmpint (sr_test_sim_stat (sim, "binds_failed"), ==, 4);

  {
    /* A second bind on a bound connection is refused. */
    g_autoptr(SrTestSmpp) client = bound_client (sim, SR_CMD_BIND_TRANSMITTER, "acme", "secret");
    g_assert_cmphex (sr_test_smpp_bind (client, SR_CMD_BIND_TRANSMITTER, "acme", "secret"), ==, 0x05);
  }
  {
    /* The password never reaches the log. */
    g_autofree char *contents = NULL;
    g_assert_true (g_file_get_contents (sr_test_sim_log_path (sim), &contents, NULL, NULL));
    g_assert_null (strstr (contents, "secret"));
  }
}

static void
test_submit_unique_ids (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--log-sent", NULL);
  g_autoptr(SrTestSmpp) client = bound_client (sim, SR_CMD_BIND_TRANSMITTER, "app", "pw");
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  SrPdu pdu;
  guint i;

  for (i = 0; i < 50; i++)
    sr_test_smpp_submit (client, "+41791234567", "+41780000000", "hello", 0);
  for (i = 0; i < 50; i++)
    {
      g_assert_true (sr_test_smpp_expect (client, SR_CMD_SUBMIT_SM_RESP, &pdu, TRUE, TIMEOUT));
      g_assert_cmphex (pdu.command_status, ==, 0);
      g_assert_cmpuint (pdu.sequence_number, ==, i + 2);   /* the bind was 1 */
      g_assert_cmpstr (pdu.message_id, !=, "");
      g_assert_true (g_hash_table_add (ids, g_strdup (pdu.message_id)));
    }
  g_assert_cmpuint (g_hash_table_size (ids), ==, 50);
  g_assert_cmpint (sr_test_sim_stat (sim, "submits_ok"), ==, 50);

  /* The log has the responses with the same ids (--log-sent). */
  {
    g_autoptr(GPtrArray) entries = sr_test_sim_read_log (sim);
    g_autoptr(GPtrArray) resps = sr_test_sim_log_filter (entries, "out", "submit_sm_resp");
    g_assert_cmpuint (resps->len, ==, 50);
    for (i = 0; i < resps->len; i++)
      g_assert_true (g_hash_table_contains (ids, sr_test_log_str (resps->pdata[i], "message_id")));
  }
}

static void
test_submit_id_format (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--id-format", "dec", "--id-start", "1000", NULL);
  g_autoptr(SrTestSmpp) client = bound_client (sim, SR_CMD_BIND_TRANSCEIVER, "app", "pw");
  SrPdu pdu;

  sr_test_smpp_submit (client, "+41791234567", "+41780000000", "x", 0);
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_SUBMIT_SM_RESP, &pdu, TRUE, TIMEOUT));
  g_assert_cmpstr (pdu.message_id, ==, "1000");
  sr_test_smpp_submit (client, "+41791234567", "+41780000000", "x", 0);
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_SUBMIT_SM_RESP, &pdu, TRUE, TIMEOUT));
  g_assert_cmpstr (pdu.message_id, ==, "1001");
}

static void
test_submit_needs_bind (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_default ();
  g_autoptr(SrTestSmpp) unbound = connect_sim (sim);
  g_autoptr(SrTestSmpp) receiver = bound_client (sim, SR_CMD_BIND_RECEIVER, "app", "pw");
  SrPdu pdu;

  sr_test_smpp_submit (unbound, "+41791234567", "+41780000000", "x", 0);
  g_assert_true (sr_test_smpp_expect (unbound, SR_CMD_SUBMIT_SM_RESP, &pdu, TRUE, TIMEOUT));
  g_assert_cmphex (pdu.command_status, ==, 0x04);   /* ESME_RINVBNDSTS */
  sr_test_smpp_submit (receiver, "+41791234567", "+41780000000", "x", 0);
  g_assert_true (sr_test_smpp_expect (receiver, SR_CMD_SUBMIT_SM_RESP, &pdu, TRUE, TIMEOUT));
  g_assert_cmphex (pdu.command_status, ==, 0x04);
}

/* Checks a receipt PDU against the message id and the expected state. */
static void
assert_receipt (const SrPdu *pdu, const char *id, const char *stat, guint8 state)
{
  g_autofree char *text = g_strndup ((const char *) pdu->short_message, pdu->sm_length);
  g_autofree char *pattern = g_strdup_printf ("^id:%s sub:001 dlvrd:00[01] submit date:\\d{10} "
                                              "done date:\\d{10} stat:%s err:\\d{3} text:.*$",
                                              id, stat);

  g_assert_cmphex (pdu->esm_class, ==, 0x04);
  g_assert_true (g_regex_match_simple (pattern, text, 0, 0));
  g_assert_true (pdu->tlv_mask & SR_TLV_RECEIPTED_MESSAGE_ID);
  g_assert_cmpstr (pdu->receipted_message_id, ==, id);
  g_assert_true (pdu->tlv_mask & SR_TLV_MESSAGE_STATE);
  g_assert_cmpuint (pdu->message_state, ==, state);
}

static void
test_receipt (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--receipt-delay", "50",
                                                   "--receipt-stat-for", "+44=UNDELIV:005", NULL);
  g_autoptr(SrTestSmpp) client = bound_client (sim, SR_CMD_BIND_TRANSCEIVER, "app", "pw");
  g_autofree char *id = NULL;
  g_autofree char *id_uk = NULL;
  SrPdu pdu;
  gint64 start = g_get_monotonic_time ();

  sr_test_smpp_submit (client, "+41791234567", "+41780000001", "Hello receipt", 1);
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_SUBMIT_SM_RESP, &pdu, FALSE, TIMEOUT));
  id = g_strdup (pdu.message_id);
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_DELIVER_SM, &pdu, FALSE, TIMEOUT));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 50 * 1000);
  assert_receipt (&pdu, id, "DELIVRD", 2);
  {
    g_autofree char *text = g_strndup ((char *) pdu.short_message, pdu.sm_length);
    g_assert_true (g_str_has_suffix (text, "text:Hello receipt"));
  }
  /* Addresses are swapped: the receipt comes from the destination. */
  g_assert_cmpstr (pdu.source_addr, ==, "41780000001");
  g_assert_cmpstr (pdu.destination_addr, ==, "41791234567");
  {
    SrPdu resp;
    sr_pdu_init (&resp, SR_CMD_DELIVER_SM_RESP, pdu.sequence_number);
    g_assert_true (sr_test_smpp_send (client, &resp, NULL));
  }

  /* Per-prefix state and error. */
  sr_test_smpp_submit (client, "+41791234567", "+447700900123", "Hi UK", 1);
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_SUBMIT_SM_RESP, &pdu, FALSE, TIMEOUT));
  id_uk = g_strdup (pdu.message_id);
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_DELIVER_SM, &pdu, FALSE, TIMEOUT));
  assert_receipt (&pdu, id_uk, "UNDELIV", 5);
  g_assert_nonnull (strstr ((char *) pdu.short_message, "err:005"));
  g_assert_true (pdu.tlv_mask & SR_TLV_NETWORK_ERROR_CODE);

  /* No receipt when none was asked for. */
  sr_test_smpp_submit (client, "+41791234567", "+41780000001", "no receipt", 0);
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_SUBMIT_SM_RESP, &pdu, FALSE, TIMEOUT));
  g_assert_false (sr_test_smpp_expect (client, SR_CMD_DELIVER_SM, &pdu, FALSE, 200));
  g_assert_cmpint (sr_test_sim_stat (sim, "receipts_queued"), ==, 2);
  g_assert_cmpint (sr_test_sim_stat (sim, "deliver_acked"), ==, 1);
}

static void
test_receipt_to_receiver_bind (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--receipt-id-format", "dec", NULL);
  g_autoptr(SrTestSmpp) tx = bound_client (sim, SR_CMD_BIND_TRANSMITTER, "app", "pw");
  g_autoptr(SrTestSmpp) other = bound_client (sim, SR_CMD_BIND_RECEIVER, "someone-else", "pw");
  g_autoptr(SrTestSmpp) rx = NULL;
  SrPdu pdu;

  sr_test_smpp_submit (tx, "+41791234567", "+41780000001", "to the receiver", 1);
  g_assert_true (sr_test_smpp_expect (tx, SR_CMD_SUBMIT_SM_RESP, &pdu, FALSE, TIMEOUT));
  g_assert_cmpstr (pdu.message_id, ==, "1");
  sr_test_smpp_submit (tx, "+41791234567", "+41780000001", "to the receiver", 1);
  g_assert_true (sr_test_smpp_expect (tx, SR_CMD_SUBMIT_SM_RESP, &pdu, FALSE, TIMEOUT));
  g_assert_cmpstr (pdu.message_id, ==, "2");
  /* Not to the transmitter, not to another system_id: they wait for "app". */
  g_assert_false (sr_test_smpp_expect (tx, SR_CMD_DELIVER_SM, &pdu, FALSE, 100));
  g_assert_false (sr_test_smpp_expect (other, SR_CMD_DELIVER_SM, &pdu, FALSE, 100));
  g_assert_cmpint (sr_test_sim_stat (sim, "deliver_pending"), ==, 2);

  rx = bound_client (sim, SR_CMD_BIND_RECEIVER, "app", "pw");
  g_assert_true (sr_test_smpp_expect (rx, SR_CMD_DELIVER_SM, &pdu, FALSE, TIMEOUT));
  assert_receipt (&pdu, "1", "DELIVRD", 2);
  g_assert_true (sr_test_smpp_expect (rx, SR_CMD_DELIVER_SM, &pdu, FALSE, TIMEOUT));
  assert_receipt (&pdu, "2", "DELIVRD", 2);
}

static void
test_receipt_hex_to_dec (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--id-start", "255", "--receipt-id-format", "dec", NULL);
  g_autoptr(SrTestSmpp) client = bound_client (sim, SR_CMD_BIND_TRANSCEIVER, "app", "pw");
  SrPdu pdu;

  sr_test_smpp_submit (client, "+41791234567", "+41780000001", "x", 1);
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_SUBMIT_SM_RESP, &pdu, FALSE, TIMEOUT));
  g_assert_cmpstr (pdu.message_id, ==, "ff");
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_DELIVER_SM, &pdu, FALSE, TIMEOUT));
  assert_receipt (&pdu, "255", "DELIVRD", 2);
}

/* An unanswered deliver_sm comes again on the next bind; an answered one does not. */
static void
test_redelivery (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--mo", "from=+41791234567,to=+41790000000,text=first",
                                                   "--mo", "from=+41791234567,to=+41790000000,text=second",
                                                   NULL);
  SrPdu pdu;
  g_autofree char *first = NULL;

  {
    g_autoptr(SrTestSmpp) rx = bound_client (sim, SR_CMD_BIND_RECEIVER, "app", "pw");
    g_assert_true (sr_test_smpp_expect (rx, SR_CMD_DELIVER_SM, &pdu, FALSE, TIMEOUT));
    first = g_strndup ((char *) pdu.short_message, pdu.sm_length);
    g_assert_cmpstr (first, ==, "first");
    {
      /* Answer the first only. */
      SrPdu resp;
      sr_pdu_init (&resp, SR_CMD_DELIVER_SM_RESP, pdu.sequence_number);
      g_assert_true (sr_test_smpp_send (rx, &resp, NULL));
    }
    g_assert_true (sr_test_smpp_expect (rx, SR_CMD_DELIVER_SM, &pdu, FALSE, TIMEOUT));
    g_assert_cmpmem (pdu.short_message, pdu.sm_length, "second", 6);
    /* Wait until the simulator has seen our answer, then go away. */
    g_assert_nonnull (sr_test_sim_wait_log (sim, "in", "deliver_sm_resp", 1, TIMEOUT));
  }
  g_assert_cmpint (sr_test_sim_stat (sim, "deliver_acked"), ==, 1);
  {
    g_autoptr(SrTestSmpp) rx = bound_client (sim, SR_CMD_BIND_TRANSCEIVER, "app", "pw");
    g_assert_true (sr_test_smpp_expect (rx, SR_CMD_DELIVER_SM, &pdu, FALSE, TIMEOUT));
    g_assert_cmpmem (pdu.short_message, pdu.sm_length, "second", 6);
    g_assert_false (sr_test_smpp_expect (rx, SR_CMD_DELIVER_SM, &pdu, FALSE, 100));
  }
  g_assert_cmpint (sr_test_sim_stat (sim, "deliver_redelivered"), ==, 1);
  g_assert_cmpint (sr_test_sim_stat (sim, "deliver_sent"), ==, 3);
}

static void
test_mo_single (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--mo", "from=+41791234567,to=+41790000000,text=Hello {world}",
                                                   NULL);
  g_autoptr(SrTestSmpp) rx = bound_client (sim, SR_CMD_BIND_RECEIVER, "app", "pw");
  SrPdu pdu;
  /* GSM 03.38 unpacked: { and } are ESC 0x28 and ESC 0x29. */
  static const guint8 expected[] = { 'H', 'e', 'l', 'l', 'o', ' ', 0x1B, 0x28, 'w', 'o', 'r', 'l', 'd', 0x1B, 0x29 };

  g_assert_true (sr_test_smpp_expect (rx, SR_CMD_DELIVER_SM, &pdu, FALSE, TIMEOUT));
  g_assert_cmpstr (pdu.source_addr, ==, "41791234567");
  g_assert_cmpuint (pdu.source_addr_ton, ==, 1);
  g_assert_cmpuint (pdu.source_addr_npi, ==, 1);
  g_assert_cmpstr (pdu.destination_addr, ==, "41790000000");
  g_assert_cmpuint (pdu.data_coding, ==, 0);
  g_assert_cmpuint (pdu.esm_class, ==, 0);
  g_assert_cmpmem (pdu.short_message, pdu.sm_length, expected, sizeof expected);

  /* Alphanumeric sender, via the control channel. */
  g_assert_cmpuint (sr_test_sim_mo (sim, "from=ACME,to=41790000000,text=hi"), ==, 1);
  g_assert_true (sr_test_smpp_expect (rx, SR_CMD_DELIVER_SM, &pdu, TRUE, TIMEOUT));
  g_assert_cmpstr (pdu.source_addr, ==, "ACME");
  g_assert_cmpuint (pdu.source_addr_ton, ==, 5);
  g_assert_cmpuint (pdu.source_addr_npi, ==, 0);
  g_assert_cmpuint (pdu.dest_addr_ton, ==, 0);
}

static void
test_mo_ucs2 (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_default ();
  g_autoptr(SrTestSmpp) rx = bound_client (sim, SR_CMD_BIND_TRANSCEIVER, "app", "pw");
  SrPdu pdu;
  /* "Ж😀": U+0416, then U+1F600 as the surrogate pair D83D DE00. */
  static const guint8 expected[] = { 0x04, 0x16, 0xD8, 0x3D, 0xDE, 0x00 };

  g_assert_cmpuint (sr_test_sim_mo (sim, "from=+41791234567,to=+41790000000,text=Ж😀"), ==, 1);
  g_assert_true (sr_test_smpp_expect (rx, SR_CMD_DELIVER_SM, &pdu, FALSE, TIMEOUT));
  g_assert_cmpuint (pdu.data_coding, ==, 8);
  g_assert_cmpmem (pdu.short_message, pdu.sm_length, expected, sizeof expected);

  g_assert_cmpuint (sr_test_sim_mo (sim, "text=Grüße,coding=latin1"), ==, 1);
  g_assert_true (sr_test_smpp_expect (rx, SR_CMD_DELIVER_SM, &pdu, TRUE, TIMEOUT));
  g_assert_cmpuint (pdu.data_coding, ==, 3);
  g_assert_cmpmem (pdu.short_message, pdu.sm_length, "Gr\xfc\xdf" "e", 5);

  g_assert_cmpuint (sr_test_sim_mo (sim, "hex=00ff10,coding=binary"), ==, 1);
  g_assert_true (sr_test_smpp_expect (rx, SR_CMD_DELIVER_SM, &pdu, TRUE, TIMEOUT));
  g_assert_cmpuint (pdu.data_coding, ==, 4);
  g_assert_cmpmem (pdu.short_message, pdu.sm_length, "\x00\xff\x10", 3);
}

/* Multipart MO, table-driven: split method, order/dup/drop → expected parts. */
static void
test_mo_multipart (void)
{
  static const struct {
    const char *spec;
    guint n;
    guint8 seqs[6];
    gboolean udh16;
    gboolean sar;
  } cases[] = {
    { "ref=7", 3, { 1, 2, 3 }, FALSE, FALSE },
    { "ref=7,order=3,1,2", 3, { 3, 1, 2 }, FALSE, FALSE },
    { "ref=7,order=3,1,2,dup=2,drop=1", 3, { 3, 2, 2 }, FALSE, FALSE },
    { "ref=700,split=udh16,order=2,3,1", 3, { 2, 3, 1 }, TRUE, FALSE },
    { "ref=700,split=sar,drop=3", 2, { 1, 2 }, FALSE, TRUE },
  };
  g_autoptr(SrTestSim) sim = sr_test_sim_start_default ();
  g_autoptr(SrTestSmpp) rx = bound_client (sim, SR_CMD_BIND_RECEIVER, "app", "pw");
  gsize c;

  for (c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      /* 400 GSM characters: 3 parts of 153/152. */
      g_autofree char *spec = g_strdup_printf ("from=+41791234567,text=0123456789,repeat=40,%s",
                                               cases[c].spec);
      guint i;

      g_assert_cmpuint (sr_test_sim_mo (sim, spec), ==, cases[c].n);
      for (i = 0; i < cases[c].n; i++)
        {
          SrPdu pdu;
          SrPdu resp;

          g_assert_true (sr_test_smpp_expect (rx, SR_CMD_DELIVER_SM, &pdu, FALSE, TIMEOUT));
          if (cases[c].sar)
            {
              g_assert_cmphex (pdu.esm_class & 0x40, ==, 0);
              g_assert_cmpuint (pdu.sar_msg_ref_num, ==, 700);
              g_assert_cmpuint (pdu.sar_total_segments, ==, 3);
              g_assert_cmpuint (pdu.sar_segment_seqnum, ==, cases[c].seqs[i]);
            }
          else if (cases[c].udh16)
            {
              guint8 udh[] = { 0x06, 0x08, 0x04, 0x02, 0xBC, 3, cases[c].seqs[i] };
              g_assert_cmphex (pdu.esm_class, ==, 0x40);
              g_assert_cmpmem (pdu.short_message, 7, udh, 7);
            }
          else
            {
              guint8 udh[] = { 0x05, 0x00, 0x03, 7, 3, cases[c].seqs[i] };
              g_assert_cmphex (pdu.esm_class, ==, 0x40);
              g_assert_cmpmem (pdu.short_message, 6, udh, 6);
            }
          sr_pdu_init (&resp, SR_CMD_DELIVER_SM_RESP, pdu.sequence_number);
          g_assert_true (sr_test_smpp_send (rx, &resp, NULL));
        }
    }

  {
    /* message_payload: one PDU with everything. */
    SrPdu pdu;
    g_assert_cmpuint (sr_test_sim_mo (sim, "text=0123456789,repeat=40,split=payload"), ==, 1);
    g_assert_true (sr_test_smpp_expect (rx, SR_CMD_DELIVER_SM, &pdu, FALSE, TIMEOUT));
    g_assert_cmpuint (pdu.sm_length, ==, 0);
    g_assert_true (pdu.tlv_mask & SR_TLV_MESSAGE_PAYLOAD);
    g_assert_cmpuint (pdu.message_payload_len, ==, 400);
  }
}

static void
test_mo_file_and_errors (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sr-test-mo-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "mo.txt", NULL);
  g_autofree char *reply = NULL;
  static const char *const bad[] = {
    "mo text=x,coding=klingon",
    "mo text=x,split=zigzag",
    "mo order=0",
    "mo hex=abc",
    "mo hex=zz",
    "mo nonsense",
    "mo from=+123456789012345678901234,text=x",
    "mo",
  };
  gsize i;

  g_assert_true (g_file_set_contents (path, "# a comment\n\nfrom=+41791234567,text=one\ntext=two\n", -1, NULL));
  {
    const char *args[] = { "--mo-file", path, NULL };
    g_autoptr(GError) error = NULL;
    g_autoptr(SrTestSim) sim = sr_test_sim_start (args, &error);
    g_autoptr(SrTestSmpp) rx = NULL;
    SrPdu pdu;

    g_assert_no_error (error);
    rx = bound_client (sim, SR_CMD_BIND_RECEIVER, "app", "pw");
    g_assert_true (sr_test_smpp_expect (rx, SR_CMD_DELIVER_SM, &pdu, FALSE, TIMEOUT));
    g_assert_cmpmem (pdu.short_message, pdu.sm_length, "one", 3);
    g_assert_true (sr_test_smpp_expect (rx, SR_CMD_DELIVER_SM, &pdu, FALSE, TIMEOUT));
    g_assert_cmpmem (pdu.short_message, pdu.sm_length, "two", 3);

    /* Bad specs are refused with a reason; the simulator goes on. */
    for (i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autofree char *r = sr_test_sim_command (sim, bad[i]);
        g_assert_nonnull (r);
        g_assert_true (g_str_has_prefix (r, "ERR "));
      }
    reply = sr_test_sim_command (sim, "frobnicate");
    g_assert_true (g_str_has_prefix (reply, "ERR "));
    g_assert_cmpint (sr_test_sim_stat (sim, "mo_queued"), ==, 2);
    g_assert_cmpint (sr_test_sim_stop (sim), ==, 0);
  }
  g_unlink (path);
  g_rmdir (dir);
}

/* Every field the log promises, for a submit_sm with UDH and a TLV. */
static void
test_log_contents (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_default ();
  g_autoptr(SrTestSmpp) client = bound_client (sim, SR_CMD_BIND_TRANSMITTER, "logger", "pw");
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) submits = NULL;
  g_autoptr(GPtrArray) binds = NULL;
  static const guint8 sm[] = { 0x05, 0x00, 0x03, 0x2A, 0x02, 0x01, 'H', 'i' };
  static const guint8 ref[] = { 0x12, 0x34 };
  JsonObject *e;
  SrPdu pdu;
  g_autofree char *sm_hex = NULL;

  sr_pdu_init (&pdu, SR_CMD_SUBMIT_SM, 0);
  pdu.source_addr_ton = 5;
  pdu.source_addr_npi = 0;
  g_strlcpy (pdu.source_addr, "ACME", sizeof pdu.source_addr);
  pdu.dest_addr_ton = 1;
  pdu.dest_addr_npi = 1;
  g_strlcpy (pdu.destination_addr, "41791234567", sizeof pdu.destination_addr);
  pdu.esm_class = 0x40;
  pdu.protocol_id = 0x00;
  pdu.data_coding = 0x08;
  pdu.registered_delivery = 1;
  memcpy (pdu.short_message, sm, sizeof sm);
  pdu.sm_length = sizeof sm;
  pdu.tlv_mask = SR_TLV_USER_MESSAGE_REFERENCE;
  pdu.user_message_reference = 0x1234;
  g_assert_true (sr_test_smpp_send (client, &pdu, NULL));
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_SUBMIT_SM_RESP, &pdu, TRUE, TIMEOUT));

  /* The request is in the log by the time its answer arrived. */
  entries = sr_test_sim_parse_log (sr_test_sim_log_path (sim));
  submits = sr_test_sim_log_filter (entries, "in", "submit_sm");
  g_assert_cmpuint (submits->len, ==, 1);
  e = submits->pdata[0];
  g_assert_cmpint (sr_test_log_int (e, "time_us"), >, 0);
  g_assert_cmpint (sr_test_log_int (e, "conn"), >, 0);
  g_assert_cmpint (sr_test_log_int (e, "command_id"), ==, 4);
  g_assert_cmpint (sr_test_log_int (e, "status"), ==, 0);
  g_assert_cmpint (sr_test_log_int (e, "sequence"), ==, 2);
  g_assert_cmpstr (sr_test_log_str (e, "system_id"), ==, "logger");
  g_assert_cmpstr (sr_test_log_str (e, "source_addr"), ==, "ACME");
  g_assert_cmpint (sr_test_log_int (e, "source_addr_ton"), ==, 5);
  g_assert_cmpint (sr_test_log_int (e, "source_addr_npi"), ==, 0);
  g_assert_cmpstr (sr_test_log_str (e, "destination_addr"), ==, "41791234567");
  g_assert_cmpint (sr_test_log_int (e, "dest_addr_ton"), ==, 1);
  g_assert_cmpint (sr_test_log_int (e, "dest_addr_npi"), ==, 1);
  g_assert_cmpint (sr_test_log_int (e, "esm_class"), ==, 0x40);
  g_assert_cmpint (sr_test_log_int (e, "protocol_id"), ==, 0);
  g_assert_cmpint (sr_test_log_int (e, "data_coding"), ==, 8);
  g_assert_cmpint (sr_test_log_int (e, "registered_delivery"), ==, 1);
  g_assert_cmpstr (sr_test_log_str (e, "udh"), ==, "0500032a0201");
  g_assert_cmpstr (sr_test_log_str (e, "short_message"), ==, "4869");
  sm_hex = hex (ref, sizeof ref);
  g_assert_cmpstr (sr_test_log_tlv (e, 0x0204), ==, sm_hex);

  binds = sr_test_sim_log_filter (entries, "in", "bind_transmitter");
  g_assert_cmpuint (binds->len, ==, 1);
  g_assert_cmpstr (sr_test_log_str (binds->pdata[0], "system_id"), ==, "logger");
  g_assert_null (json_object_get_member (binds->pdata[0], "password"));
  /* Without --log-sent, nothing we sent is there; events are. */
  {
    g_autoptr(GPtrArray) out = sr_test_sim_log_filter (entries, "out", NULL);
    g_autoptr(GPtrArray) connects = sr_test_sim_log_events (entries, "connect");
    g_assert_cmpuint (out->len, ==, 0);
    g_assert_cmpuint (connects->len, ==, 1);
  }
}

static void
test_enquire_link_and_unbind (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--enquire-link", "1", NULL);
  g_autoptr(SrTestSmpp) client = bound_client (sim, SR_CMD_BIND_TRANSCEIVER, "app", "pw");
  SrPdu pdu;

  sr_pdu_init (&pdu, SR_CMD_ENQUIRE_LINK, 0);
  g_assert_true (sr_test_smpp_send (client, &pdu, NULL));
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_ENQUIRE_LINK_RESP, &pdu, FALSE, TIMEOUT));
  g_assert_cmphex (pdu.command_status, ==, 0);
  /* The simulator's own enquire_link, within its 1 s period. */
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_ENQUIRE_LINK, &pdu, FALSE, 1500));
  {
    SrPdu resp;
    sr_pdu_init (&resp, SR_CMD_ENQUIRE_LINK_RESP, pdu.sequence_number);
    g_assert_true (sr_test_smpp_send (client, &resp, NULL));
  }
  g_assert_cmpint (sr_test_sim_stat (sim, "enquire_links_sent"), >=, 1);

  sr_pdu_init (&pdu, SR_CMD_UNBIND, 0);
  g_assert_true (sr_test_smpp_send (client, &pdu, NULL));
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_UNBIND_RESP, &pdu, FALSE, TIMEOUT));
  g_assert_true (sr_test_smpp_wait_closed (client, TIMEOUT));
}

static void
test_control_unbind_and_drop (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_default ();
  g_autoptr(SrTestSmpp) a = bound_client (sim, SR_CMD_BIND_TRANSCEIVER, "app", "pw");
  g_autoptr(SrTestSmpp) b = bound_client (sim, SR_CMD_BIND_TRANSCEIVER, "app", "pw");
  g_autofree char *r1 = NULL, *r2 = NULL;
  SrPdu pdu;

  r1 = sr_test_sim_command (sim, "unbind");
  g_assert_cmpstr (r1, ==, "OK unbind");
  g_assert_true (sr_test_smpp_expect (a, SR_CMD_UNBIND, &pdu, FALSE, TIMEOUT));
  {
    SrPdu resp;
    sr_pdu_init (&resp, SR_CMD_UNBIND_RESP, pdu.sequence_number);
    g_assert_true (sr_test_smpp_send (a, &resp, NULL));
  }
  g_assert_true (sr_test_smpp_wait_closed (a, TIMEOUT));

  r2 = sr_test_sim_command (sim, "drop");
  g_assert_cmpstr (r2, ==, "OK drop");
  g_assert_true (sr_test_smpp_wait_closed (b, TIMEOUT));
  g_assert_cmpint (sr_test_sim_stat (sim, "connections_open"), ==, 0);
}

static void
test_control_receipt_and_raw (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_default ();
  g_autoptr(SrTestSmpp) client = bound_client (sim, SR_CMD_BIND_TRANSCEIVER, "app", "pw");
  g_autofree char *r1 = NULL, *r2 = NULL, *r3 = NULL, *r4 = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GPtrArray) nacks = NULL;
  const guint8 *b;
  gsize len;
  SrPdu pdu;

  /* A receipt for an id the simulator never gave out. */
  r1 = sr_test_sim_command (sim, "receipt NOSUCHID UNDELIV:7");
  g_assert_cmpstr (r1, ==, "OK receipt");
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_DELIVER_SM, &pdu, FALSE, TIMEOUT));
  assert_receipt (&pdu, "NOSUCHID", "UNDELIV", 5);
  r2 = sr_test_sim_command (sim, "receipt X SMILING");
  g_assert_true (g_str_has_prefix (r2, "ERR "));

  /* An unknown command, for the client to generic_nack. */
  r3 = sr_test_sim_command (sim, "raw 00000010000077770000000000000042");
  g_assert_cmpstr (r3, ==, "OK raw");
  raw = sr_test_smpp_recv_raw (client, TIMEOUT, NULL);
  g_assert_nonnull (raw);
  b = g_bytes_get_data (raw, &len);
  g_assert_cmpuint (len, ==, 16);
  g_assert_cmphex (b[6], ==, 0x77);
  g_assert_cmphex (b[15], ==, 0x42);
  sr_pdu_init (&pdu, SR_CMD_GENERIC_NACK, 0x42);
  pdu.command_status = 0x03;
  g_assert_true (sr_test_smpp_send (client, &pdu, NULL));
  nacks = sr_test_sim_wait_log (sim, "in", "generic_nack", 1, TIMEOUT);
  g_assert_nonnull (nacks);
  g_assert_cmpint (sr_test_log_int (nacks->pdata[0], "status"), ==, 3);
  g_assert_cmpint (sr_test_log_int (nacks->pdata[0], "sequence"), ==, 0x42);
  r4 = sr_test_sim_command (sim, "raw 0g");
  g_assert_true (g_str_has_prefix (r4, "ERR "));
}

static void
test_data_sm (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--log-sent", NULL);
  g_autoptr(SrTestSmpp) client = bound_client (sim, SR_CMD_BIND_TRANSCEIVER, "app", "pw");
  static const guint8 payload[] = "data_sm payload";
  SrPdu pdu;
  g_autofree char *id = NULL;

  sr_pdu_init (&pdu, SR_CMD_DATA_SM, 0);
  pdu.source_addr_ton = 1;
  pdu.source_addr_npi = 1;
  g_strlcpy (pdu.source_addr, "41791234567", sizeof pdu.source_addr);
  pdu.dest_addr_ton = 1;
  pdu.dest_addr_npi = 1;
  g_strlcpy (pdu.destination_addr, "41780000000", sizeof pdu.destination_addr);
  pdu.registered_delivery = 1;
  pdu.tlv_mask = SR_TLV_MESSAGE_PAYLOAD;
  pdu.message_payload = payload;
  pdu.message_payload_len = sizeof payload - 1;
  g_assert_true (sr_test_smpp_send (client, &pdu, NULL));
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_DATA_SM_RESP, &pdu, FALSE, TIMEOUT));
  g_assert_cmphex (pdu.command_status, ==, 0);
  g_assert_cmpstr (pdu.message_id, !=, "");
  id = g_strdup (pdu.message_id);
  /* Its receipt quotes the payload. */
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_DELIVER_SM, &pdu, FALSE, TIMEOUT));
  assert_receipt (&pdu, id, "DELIVRD", 2);
  g_assert_nonnull (g_strstr_len ((char *) pdu.short_message, pdu.sm_length, "text:data_sm payload"));
  {
    /* The receipt we sent is in the log too (--log-sent), TLVs in hex. */
    g_autoptr(GPtrArray) out = sr_test_sim_wait_log (sim, "out", "deliver_sm", 1, TIMEOUT);
    g_autofree char *tlv = hex ((const guint8 *) id, strlen (id) + 1);
    g_assert_nonnull (out);
    g_assert_cmpint (sr_test_log_int (out->pdata[0], "esm_class"), ==, 4);
    g_assert_cmpstr (sr_test_log_tlv (out->pdata[0], 0x001E), ==, tlv);
    g_assert_cmpstr (sr_test_log_tlv (out->pdata[0], 0x0427), ==, "02");
  }
}

static void
test_mo_interval_and_window (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--mo-interval", "10", "--deliver-window", "2", NULL);
  g_autoptr(SrTestSmpp) rx = bound_client (sim, SR_CMD_BIND_RECEIVER, "app", "pw");
  SrPdu pdu, resp;
  guint32 seqs[2];
  guint i;

  /* Generated messages arrive, but never more than 2 unanswered. */
  for (i = 0; i < 2; i++)
    {
      g_assert_true (sr_test_smpp_expect (rx, SR_CMD_DELIVER_SM, &pdu, FALSE, TIMEOUT));
      g_assert_cmpuint (pdu.sm_length, >, 0);
      seqs[i] = pdu.sequence_number;
    }
  g_assert_false (sr_test_smpp_expect (rx, SR_CMD_DELIVER_SM, &pdu, FALSE, 100));
  g_assert_cmpint (sr_test_sim_stat (sim, "deliver_inflight"), ==, 2);
  g_assert_cmpint (sr_test_sim_stat (sim, "deliver_pending"), >, 0);
  for (i = 0; i < 2; i++)
    {
      sr_pdu_init (&resp, SR_CMD_DELIVER_SM_RESP, seqs[i]);
      g_assert_true (sr_test_smpp_send (rx, &resp, NULL));
    }
  g_assert_true (sr_test_smpp_expect (rx, SR_CMD_DELIVER_SM, &pdu, FALSE, TIMEOUT));
  g_assert_cmpint (sr_test_sim_stat (sim, "deliver_acked"), ==, 2);
}

static void
test_unbind_with_delay (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--delay-ms", "50", NULL);
  g_autoptr(SrTestSmpp) client = bound_client (sim, SR_CMD_BIND_TRANSCEIVER, "app", "pw");
  SrPdu pdu;

  sr_pdu_init (&pdu, SR_CMD_UNBIND, 0);
  g_assert_true (sr_test_smpp_send (client, &pdu, NULL));
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_UNBIND_RESP, &pdu, FALSE, TIMEOUT));
  g_assert_true (sr_test_smpp_wait_closed (client, TIMEOUT));
}

/* Killed like a crashing SMSC, then back on the same port. */
static void
test_kill_and_restart (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_default ();
  g_autoptr(SrTestSim) again = NULL;
  g_autoptr(SrTestSmpp) client = bound_client (sim, SR_CMD_BIND_TRANSCEIVER, "app", "pw");
  g_autofree char *port = g_strdup_printf ("%u", sr_test_sim_port (sim));
  SrPdu pdu;

  sr_test_sim_kill (sim);
  g_assert_true (sr_test_smpp_wait_closed (client, TIMEOUT));
  again = sr_test_sim_start_va ("--port", port, NULL);
  g_assert_cmpuint (sr_test_sim_port (again), ==, sr_test_sim_port (sim));
  g_clear_pointer (&client, sr_test_smpp_free);
  client = bound_client (again, SR_CMD_BIND_TRANSCEIVER, "app", "pw");
  sr_test_smpp_submit (client, "+41791234567", "+41780000000", "again", 0);
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_SUBMIT_SM_RESP, &pdu, TRUE, TIMEOUT));
  g_assert_true (sr_test_sim_wait_stat (again, "submits_ok", 1, TIMEOUT));
  g_assert_false (sr_test_sim_wait_stat (again, "submits_ok", 2, 20));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sim/bind", test_bind);
  g_test_add_func ("/sim/submit/unique-ids", test_submit_unique_ids);
  g_test_add_func ("/sim/submit/id-format", test_submit_id_format);
  g_test_add_func ("/sim/submit/needs-bind", test_submit_needs_bind);
  g_test_add_func ("/sim/receipt/transceiver", test_receipt);
  g_test_add_func ("/sim/receipt/receiver-bind", test_receipt_to_receiver_bind);
  g_test_add_func ("/sim/receipt/hex-to-dec", test_receipt_hex_to_dec);
  g_test_add_func ("/sim/receipt/redelivery", test_redelivery);
  g_test_add_func ("/sim/mo/single", test_mo_single);
  g_test_add_func ("/sim/mo/ucs2-latin1-binary", test_mo_ucs2);
  g_test_add_func ("/sim/mo/multipart", test_mo_multipart);
  g_test_add_func ("/sim/mo/file-and-errors", test_mo_file_and_errors);
  g_test_add_func ("/sim/log/contents", test_log_contents);
  g_test_add_func ("/sim/enquire-link-and-unbind", test_enquire_link_and_unbind);
  g_test_add_func ("/sim/control/unbind-and-drop", test_control_unbind_and_drop);
  g_test_add_func ("/sim/control/receipt-and-raw", test_control_receipt_and_raw);
  g_test_add_func ("/sim/data-sm", test_data_sm);
  g_test_add_func ("/sim/kill-and-restart", test_kill_and_restart);
  g_test_add_func ("/sim/mo/interval-and-window", test_mo_interval_and_window);
  g_test_add_func ("/sim/unbind-with-delay", test_unbind_with_delay);

  return g_test_run ();
}
