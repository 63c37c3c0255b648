/* test-sim-faults.c — every fault flag observable from a client, and
 * garbage from a client handled without the simulator going down. */
#include "sr-test-sim.h"

#include <string.h>
#include <sys/socket.h>

#define TIMEOUT 5000

static SrTestSmpp *
bound_client (SrTestSim *sim, guint32 bind)
{
  g_autoptr(GError) error = NULL;
  SrTestSmpp *client = sr_test_smpp_connect (sr_test_sim_port (sim), &error);

  g_assert_no_error (error);
  g_assert_cmpuint (sr_test_smpp_bind (client, bind, "app", "pw"), ==, 0);
  return client;
}

/* Sends @n submits, then reads @n answers into @statuses (in order). */
static void
submit_n (SrTestSmpp *client, guint n, const char *to, guint32 *statuses)
{
  guint i;

  for (i = 0; i < n; i++)
    sr_test_smpp_submit (client, "+41791234567", to, "fault", 0);
  for (i = 0; i < n; i++)
    {
      SrPdu pdu;
      g_assert_true (sr_test_smpp_expect (client, SR_CMD_SUBMIT_SM_RESP, &pdu, TRUE, TIMEOUT));
      statuses[i] = pdu.command_status;
    }
}

/* The simulator is still serving: a fresh client binds and submits. */
static void
assert_alive (SrTestSim *sim)
{
  g_autoptr(SrTestSmpp) client = bound_client (sim, SR_CMD_BIND_TRANSMITTER);
  g_autofree char *reply = sr_test_sim_command (sim, "set throttle-every 0");
  guint32 status;

  g_assert_cmpstr (reply, ==, "OK set");
  submit_n (client, 1, "+41780000000", &status);
  g_assert_cmphex (status, ==, 0);
}

static void
test_throttle_every (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--throttle-every", "3", NULL);
  g_autoptr(SrTestSmpp) client = bound_client (sim, SR_CMD_BIND_TRANSMITTER);
  guint32 st[6];

  submit_n (client, 6, "+41780000000", st);
  g_assert_cmphex (st[0], ==, 0);
  g_assert_cmphex (st[1], ==, 0);
  g_assert_cmphex (st[2], ==, 0x58);
  g_assert_cmphex (st[3], ==, 0);
  g_assert_cmphex (st[5], ==, 0x58);
  g_assert_cmpint (sr_test_sim_stat (sim, "throttled"), ==, 2);
}

static void
test_reject_prefix (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--reject-prefix", "+4479",
                                                   "--reject-prefix", "+33=ESME_RINVSRCADR",
                                                   "--reject-prefix", "49=0x45", NULL);
  g_autoptr(SrTestSmpp) client = bound_client (sim, SR_CMD_BIND_TRANSMITTER);
  static const struct { const char *to; guint32 status; } cases[] = {
    { "+447911111111", 0x0B },
    { "+447811111111", 0x00 },
    { "+33612345678", 0x0A },
    { "+4915112345678", 0x45 },
    { "+41791234567", 0x00 },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint32 status;
      submit_n (client, 1, cases[i].to, &status);
      g_assert_cmphex (status, ==, cases[i].status);
    }
  /* Changed while running. */
  {
    g_autofree char *reply = sr_test_sim_command (sim, "set reject-prefix +4178=ESME_RSYSERR");
    guint32 status;
    g_assert_cmpstr (reply, ==, "OK set");
    submit_n (client, 1, "+41780000000", &status);
    g_assert_cmphex (status, ==, 0x08);
  }
}

static void
test_bad_options (void)
{
  static const char *const bad[][3] = {
    { "--reject-prefix", "+44=NOT_A_STATUS", NULL },
    { "--receipt-stat", "SMILING", NULL },
    { "--receipt-stat-for", "UNDELIV", NULL },
    { "--id-format", "octal", NULL },
    { "--mo", "coding=klingon", NULL },
    { "--bind-address", "not-an-address", NULL },
    { "--password", "much-too-long", NULL },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SrTestSim) sim = sr_test_sim_start ((const char *const *) bad[i], &error);
      g_assert_null (sim);
      g_assert_nonnull (error);
    }
}

static void
test_drop_after (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--drop-after", "3", NULL);
  g_autoptr(SrTestSmpp) client = bound_client (sim, SR_CMD_BIND_TRANSMITTER);
  SrPdu pdu;
  guint i;

  for (i = 0; i < 3; i++)
    sr_test_smpp_submit (client, "+41791234567", "+41780000000", "x", 0);
  /* Two answers, then the connection goes, the third unanswered. */
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_SUBMIT_SM_RESP, &pdu, TRUE, TIMEOUT));
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_SUBMIT_SM_RESP, &pdu, TRUE, TIMEOUT));
  g_assert_true (sr_test_smpp_wait_closed (client, TIMEOUT));
  g_assert_cmpint (sr_test_sim_stat (sim, "unanswered"), ==, 1);
  /* Once only: the next connection is served. */
  assert_alive (sim);
  {
    g_autoptr(GPtrArray) entries = sr_test_sim_read_log (sim);
    g_autoptr(GPtrArray) drops = sr_test_sim_log_events (entries, "fault-drop");
    g_assert_cmpuint (drops->len, ==, 1);
  }
}

static void
test_delay_ms (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--delay-ms", "150", NULL);
  g_autoptr(SrTestSmpp) client = bound_client (sim, SR_CMD_BIND_TRANSMITTER);
  gint64 start = g_get_monotonic_time ();
  SrPdu pdu;

  sr_test_smpp_submit (client, "+41791234567", "+41780000000", "x", 0);
  g_assert_false (sr_test_smpp_expect (client, SR_CMD_SUBMIT_SM_RESP, &pdu, TRUE, 50));
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_SUBMIT_SM_RESP, &pdu, TRUE, TIMEOUT));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 150 * 1000);
  g_assert_cmphex (pdu.command_status, ==, 0);
}

/* Every 2nd submit accepted 300 ms late; the others overtake it, with
 * --delay-ms on top (answers of different delays in due order). */
static void
test_late_every (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--late-every", "2", "--late-ms", "300",
                                                   "--delay-ms", "20", NULL);
  g_autoptr(SrTestSmpp) client = bound_client (sim, SR_CMD_BIND_TRANSMITTER);
  gint64 start = g_get_monotonic_time ();
  guint32 seqs[3];
  SrPdu pdu;
  guint i;

  for (i = 0; i < 3; i++)
    seqs[i] = sr_test_smpp_submit (client, "+41791234567", "+41780000000", "x", 0);
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_SUBMIT_SM_RESP, &pdu, TRUE, TIMEOUT));
  g_assert_cmpuint (pdu.sequence_number, ==, seqs[0]);
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_SUBMIT_SM_RESP, &pdu, TRUE, TIMEOUT));
  g_assert_cmpuint (pdu.sequence_number, ==, seqs[2]);
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_SUBMIT_SM_RESP, &pdu, TRUE, TIMEOUT));
  g_assert_cmpuint (pdu.sequence_number, ==, seqs[1]);
  g_assert_cmphex (pdu.command_status, ==, 0);
  g_assert_cmpstr (pdu.message_id, !=, "");
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 300 * 1000);
  g_assert_cmpint (sr_test_sim_stat (sim, "answered_late"), ==, 1);
}

static void
test_no_response_every (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--no-response-every", "2", NULL);
  g_autoptr(SrTestSmpp) client = bound_client (sim, SR_CMD_BIND_TRANSMITTER);
  guint32 seqs[4];
  SrPdu pdu;
  guint i;

  for (i = 0; i < 4; i++)
    seqs[i] = sr_test_smpp_submit (client, "+41791234567", "+41780000000", "x", 0);
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_SUBMIT_SM_RESP, &pdu, TRUE, TIMEOUT));
  g_assert_cmpuint (pdu.sequence_number, ==, seqs[0]);
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_SUBMIT_SM_RESP, &pdu, TRUE, TIMEOUT));
  g_assert_cmpuint (pdu.sequence_number, ==, seqs[2]);
  g_assert_false (sr_test_smpp_expect (client, SR_CMD_SUBMIT_SM_RESP, &pdu, TRUE, 200));
  g_assert_cmpint (sr_test_sim_stat (sim, "unanswered"), ==, 2);
}

static void
test_garbage_after (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--garbage-after", "1", NULL);
  g_autoptr(SrTestSmpp) client = bound_client (sim, SR_CMD_BIND_TRANSMITTER);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  SrPdu pdu;

  sr_test_smpp_submit (client, "+41791234567", "+41780000000", "x", 0);
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_SUBMIT_SM_RESP, &pdu, TRUE, TIMEOUT));
  bytes = sr_test_smpp_recv_raw (client, TIMEOUT, &error);
  g_assert_null (bytes);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);   /* command_length 7 */
  g_assert_cmpint (sr_test_sim_stat (sim, "faults_injected"), ==, 1);
}

static void
test_oversized_after (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--oversized-after", "2", NULL);
  g_autoptr(SrTestSmpp) client = bound_client (sim, SR_CMD_BIND_TRANSMITTER);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guint32 st[2];

  submit_n (client, 2, "+41780000000", st);
  g_assert_cmphex (st[0], ==, 0);
  g_assert_cmphex (st[1], ==, 0);
  bytes = sr_test_smpp_recv_raw (client, TIMEOUT, &error);
  g_assert_null (bytes);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "2147483632"));   /* 0x7FFFFFF0 */
}

static void
test_dribble (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--dribble", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrTestSmpp) client = sr_test_smpp_connect (sr_test_sim_port (sim), &error);
  gint64 start;
  SrPdu pdu;
  guint8 buf[64];
  guint reads = 0;
  gsize got = 0;

  g_assert_no_error (error);
  sr_pdu_init (&pdu, SR_CMD_ENQUIRE_LINK, 0);
  start = g_get_monotonic_time ();
  g_assert_true (sr_test_smpp_send (client, &pdu, NULL));
  /* 16 bytes, one per millisecond: reading as fast as we can, we get them
   * in many small pieces, never all at once. */
  while (got < 16)
    {
      ssize_t n = recv (sr_test_smpp_fd (client), buf + got, sizeof buf - got, 0);
      g_assert_cmpint (n, >, 0);
      got += n;
      reads++;
    }
  g_assert_cmpuint (got, ==, 16);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 15 * 1000);
  g_assert_cmpuint (reads, >=, 8);
  g_assert_cmphex (buf[7], ==, 0x15);   /* enquire_link_resp */
  g_assert_cmpuint (buf[15], ==, 1);    /* sequence number 1 */

  /* A whole exchange still works through the slow pipe. */
  g_assert_cmpuint (sr_test_smpp_bind (client, SR_CMD_BIND_TRANSMITTER, "app", "pw"), ==, 0);
}

static void
test_max_window (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--max-window", "3", NULL);
  g_autoptr(SrTestSmpp) polite = bound_client (sim, SR_CMD_BIND_TRANSMITTER);
  g_autoptr(SrTestSmpp) greedy = bound_client (sim, SR_CMD_BIND_TRANSMITTER);
  g_autoptr(GByteArray) burst = g_byte_array_new ();
  guint32 st[3];
  guint i, throttled = 0;

  /* Three at a time is within the window. */
  for (i = 0; i < 5; i++)
    submit_n (polite, 3, "+41780000000", st);
  g_assert_cmpint (sr_test_sim_stat (sim, "window_violations"), ==, 0);

  /* Ten in one write: the simulator sees them all before answering any. */
  for (i = 0; i < 10; i++)
    {
      SrPdu pdu;
      sr_pdu_init (&pdu, SR_CMD_SUBMIT_SM, sr_test_smpp_next_seq (greedy));
      g_strlcpy (pdu.destination_addr, "41780000000", sizeof pdu.destination_addr);
      g_assert_true (sr_pdu_pack (&pdu, burst, NULL));
    }
  g_assert_true (sr_test_smpp_send_raw (greedy, burst->data, burst->len, NULL));
  for (i = 0; i < 10; i++)
    {
      SrPdu pdu;
      g_assert_true (sr_test_smpp_expect (greedy, SR_CMD_SUBMIT_SM_RESP, &pdu, TRUE, TIMEOUT));
      if (pdu.command_status == 0x58)
        throttled++;
    }
  g_assert_cmpuint (throttled, >=, 1);
  g_assert_cmpint (sr_test_sim_stat (sim, "window_violations"), ==, throttled);
  g_assert_cmpint (sr_test_sim_stat (sim, "max_outstanding"), >, 3);
  {
    g_autoptr(GPtrArray) entries = sr_test_sim_read_log (sim);
    g_autoptr(GPtrArray) violations = sr_test_sim_log_events (entries, "window-violation");
    g_assert_cmpuint (violations->len, ==, throttled);
  }
}

/* Bytes no SMSC should ever get: answered or hung up on, never a crash. */
static void
test_client_garbage (void)
{
  static const struct {
    const char *name;
    const char *bytes;
    gsize len;
    gboolean closes;          /* framing broken: the simulator hangs up */
    guint32 nack_status;      /* else: generic_nack with this status */
  } cases[] = {
    { "short length", "\x00\x00\x00\x05junkjunkjunkjunk", 20, TRUE, 0x02 },
    { "huge length", "\x7f\xff\xff\xff\x00\x00\x00\x04", 8, TRUE, 0x02 },
    { "unknown command", "\x00\x00\x00\x10\x00\x00\x77\x77\x00\x00\x00\x00\x00\x00\x00\x09", 16, FALSE, 0x03 },
    { "truncated submit", "\x00\x00\x00\x13\x00\x00\x00\x04\x00\x00\x00\x00\x00\x00\x00\x0a\x41\x42\x43", 19, FALSE, 0x02 },
    { "text", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27, TRUE, 0x02 },
  };
  g_autoptr(SrTestSim) sim = sr_test_sim_start_default ();
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SrTestSmpp) client = sr_test_smpp_connect (sr_test_sim_port (sim), &error);
      SrPdu pdu;

      g_test_message ("case: %s", cases[i].name);
      g_assert_no_error (error);
      g_assert_true (sr_test_smpp_send_raw (client, (const guint8 *) cases[i].bytes, cases[i].len, NULL));
      g_assert_true (sr_test_smpp_expect (client, SR_CMD_GENERIC_NACK, &pdu, FALSE, TIMEOUT));
      g_assert_cmphex (pdu.command_status, ==, cases[i].nack_status);
      if (cases[i].closes)
        g_assert_true (sr_test_smpp_wait_closed (client, TIMEOUT));
      else
        {
          g_assert_cmpuint (pdu.sequence_number, ==, (guint8) cases[i].bytes[15]);
          g_assert_cmpuint (sr_test_smpp_bind (client, SR_CMD_BIND_TRANSCEIVER, "app", "pw"), ==, 0);
        }
    }
  assert_alive (sim);
  g_assert_cmpint (sr_test_sim_stop (sim), ==, 0);
}

/* Random bodies behind valid headers of every command: the codec's unpack
 * paths under the sanitizers, and the simulator must stay up. */
static void
test_client_fuzz (void)
{
  static const guint32 commands[] = {
    SR_CMD_BIND_TRANSMITTER, SR_CMD_BIND_RECEIVER, SR_CMD_BIND_TRANSCEIVER, SR_CMD_SUBMIT_SM,
    SR_CMD_DATA_SM, SR_CMD_DELIVER_SM_RESP, SR_CMD_GENERIC_NACK, SR_CMD_ENQUIRE_LINK,
    SR_CMD_QUERY_SM, SR_CMD_DELIVER_SM, SR_CMD_SUBMIT_SM_RESP, SR_CMD_UNBIND_RESP,
  };
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--no-log", NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240601);
  guint round, i;

  for (round = 0; round < 20; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SrTestSmpp) client = sr_test_smpp_connect (sr_test_sim_port (sim), &error);
      g_autoptr(GByteArray) out = g_byte_array_new ();

      g_assert_no_error (error);
      /* Bound first, so submits reach their handler. */
      g_assert_cmpuint (sr_test_smpp_bind (client, SR_CMD_BIND_TRANSCEIVER, "app", "pw"), ==, 0);
      for (i = 0; i < 30; i++)
        {
          guint32 len = g_rand_int_range (rand, 16, 300);
          guint32 cmd = commands[g_rand_int_range (rand, 0, G_N_ELEMENTS (commands))];
          guint8 header[16] = {
            len >> 24, len >> 16, len >> 8, len,
            cmd >> 24, cmd >> 16, cmd >> 8, cmd,
            0, 0, 0, 0, 0, 0, 0, (guint8) (i + 1),
          };
          guint32 j;

          g_byte_array_append (out, header, sizeof header);
          for (j = 16; j < len; j++)
            {
              /* Mostly printable with NULs, like C strings, sometimes anything. */
              guint8 b = g_rand_int_range (rand, 0, 4) == 0 ? 0
                       : g_rand_boolean (rand) ? (guint8) g_rand_int_range (rand, 0x20, 0x7F)
                       : (guint8) g_rand_int_range (rand, 0, 256);
              g_byte_array_append (out, &b, 1);
            }
        }
      /* Whatever comes back (or a hang-up) is fine; a crash is not. */
      sr_test_smpp_send_raw (client, out->data, out->len, NULL);
      sr_test_smpp_wait_closed (client, 50);
    }
  assert_alive (sim);
  g_assert_cmpint (sr_test_sim_stat (sim, "pdus_received"), >, 20 * 10);
  g_assert_cmpint (sr_test_sim_stop (sim), ==, 0);
}

/* A generic_nack for a deliver_sm counts as a refusal: redelivered later. */
static void
test_generic_nack_from_client (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--mo", "text=nack me", "--deliver-retry-ms", "100", NULL);
  SrPdu pdu, nack;

  {
    g_autoptr(SrTestSmpp) rx = bound_client (sim, SR_CMD_BIND_RECEIVER);
    g_assert_true (sr_test_smpp_expect (rx, SR_CMD_DELIVER_SM, &pdu, FALSE, TIMEOUT));
    sr_pdu_init (&nack, SR_CMD_GENERIC_NACK, pdu.sequence_number);
    nack.command_status = 0x03;
    g_assert_true (sr_test_smpp_send (rx, &nack, NULL));
    g_assert_nonnull (sr_test_sim_wait_log (sim, "in", "generic_nack", 1, TIMEOUT));
    /* Not answered: a nack is never nacked back. */
    g_assert_false (sr_test_smpp_expect (rx, SR_CMD_GENERIC_NACK, &pdu, FALSE, 100));
  }
  g_assert_cmpint (sr_test_sim_stat (sim, "deliver_nacked"), ==, 1);
  {
    g_autoptr(SrTestSmpp) rx = bound_client (sim, SR_CMD_BIND_RECEIVER);
    g_assert_true (sr_test_smpp_expect (rx, SR_CMD_DELIVER_SM, &pdu, FALSE, TIMEOUT));
    g_assert_cmpmem (pdu.short_message, pdu.sm_length, "nack me", 7);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sim/fault/throttle-every", test_throttle_every);
  g_test_add_func ("/sim/fault/reject-prefix", test_reject_prefix);
  g_test_add_func ("/sim/fault/bad-options", test_bad_options);
  g_test_add_func ("/sim/fault/drop-after", test_drop_after);
  g_test_add_func ("/sim/fault/delay-ms", test_delay_ms);
  g_test_add_func ("/sim/fault/late-every", test_late_every);
  g_test_add_func ("/sim/fault/no-response-every", test_no_response_every);
  g_test_add_func ("/sim/fault/garbage-after", test_garbage_after);
  g_test_add_func ("/sim/fault/oversized-after", test_oversized_after);
  g_test_add_func ("/sim/fault/dribble", test_dribble);
  g_test_add_func ("/sim/fault/max-window", test_max_window);
  g_test_add_func ("/sim/client-garbage", test_client_garbage);
  g_test_add_func ("/sim/client-generic-nack", test_generic_nack_from_client);
  g_test_add_func ("/sim/client-fuzz", test_client_fuzz);

  return g_test_run ();
}
