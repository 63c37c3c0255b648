/* test-router-receipts.c — receipts and MO messages against the simulator:
 * ids in the other base (id-format = auto), deliveries refused while their
 * file cannot be written (a full receipts/ or inbox/), and what the SMSC
 * sends that must not reach a header as it is. */
#include "router-fixture.h"

#include <glib/gstdio.h>
#include <string.h>

/* Whether this process may mount (its own mount namespace, set up in main). */
static gboolean can_mount;

static guint64
count_state (RouterFixture *fx, SrMessageState state)
{
  guint64 counts[SR_MESSAGE_N_STATES];

  sr_journal_count_states (sr_router_get_journal (fx->router), NULL, counts);
  return counts[state];
}

static GPtrArray *
receipt_rows (RouterFixture *fx, gboolean unmatched_only)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *page = sr_journal_receipts_page (sr_router_get_journal (fx->router), unmatched_only,
                                              SR_PAGE_OLDER, 0, 100, NULL, &error);

  g_assert_no_error (error);
  return page;
}

/* Has the simulator send @pdu as raw bytes: any octets the SMSC may send,
 * and nothing the simulator delivers again. */
static void
send_raw_pdu (RouterFixture *fx, const SrPdu *pdu)
{
  g_autoptr(GByteArray) packed = g_byte_array_new ();
  g_autoptr(GString) command = g_string_new ("raw ");
  g_autoptr(GError) error = NULL;
  g_autofree char *reply = NULL;

  g_assert_true (sr_pdu_pack (pdu, packed, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < packed->len; i++)
    g_string_append_printf (command, "%02x", packed->data[i]);
  reply = sr_test_sim_command (fx->sim, command->str);
  g_assert_true (g_str_has_prefix (reply, "OK"));
}

/* A deliver_sm receipt with @text (no TLVs), as the @answers-th
 * deliver_sm; waits for the router's answer. */
static void
send_raw_receipt (RouterFixture *fx, const char *text, guint answers)
{
  SrPdu pdu;

  sr_pdu_init (&pdu, SR_CMD_DELIVER_SM, 0x7000 + answers);
  pdu.source_addr_ton = 1;
  pdu.source_addr_npi = 1;
  g_strlcpy (pdu.source_addr, "41791234567", sizeof pdu.source_addr);
  g_strlcpy (pdu.destination_addr, "41791234560", sizeof pdu.destination_addr);
  pdu.esm_class = 0x04;
  pdu.sm_length = strlen (text);
  memcpy (pdu.short_message, text, pdu.sm_length);
  send_raw_pdu (fx, &pdu);
  g_assert_nonnull (sr_test_sim_wait_log (fx->sim, "in", "deliver_sm_resp", answers, 5000));
}

static char *
smpp_date (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);

  return g_date_time_format (dt, "%y%m%d%H%M");
}

/* The sent file's X-SMSC-Id. */
static char *
sent_id (RouterFixture *fx, guint index)
{
  g_autoptr(GPtrArray) sent = router_fixture_read_all (fx, SR_SPOOL_SENT);

  g_assert_cmpuint (sent->len, >, index);
  return router_fixture_header (g_ptr_array_index (sent, index), "X-SMSC-Id");
}

/* 597 read as decimal is 0x255; an SMSC that answers in decimal gave one
 * message 255 and, after a restart, another 1431 (= 0x597).  A receipt
 * for the unknown id 597 could be either: it stays unmatched. */
static void
test_auto_ambiguous (void)
{
  const char *sim_args[] = { "--id-format", "dec", "--id-start", "255", NULL };
  RouterFixture fx;
  g_autofree char *port = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *id1 = NULL, *id2 = NULL;
  g_autoptr(GPtrArray) unmatched = NULL;
  g_autoptr(GPtrArray) all = NULL;

  router_fixture_setup (&fx, sim_args, NULL, "id-format = auto", NULL, NULL);
  g_free (router_fixture_drop (&fx, "To: +41791234567\nReference: first\nReport: no\n\nHi\n"));
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 1, 5000));

  port = g_strdup_printf ("%u", sr_test_sim_port (fx.sim));
  sr_test_sim_kill (fx.sim);
  g_clear_pointer (&fx.sim, sr_test_sim_free);
  fx.sim = sr_test_sim_start_va ("--port", port, "--id-format", "dec", "--id-start", "1431", NULL);
  g_free (router_fixture_drop (&fx, "To: +41791234568\nReference: second\nReport: no\n\nHi\n"));
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 2, 15000));
  id1 = sent_id (&fx, 0);
  id2 = sent_id (&fx, 1);
  g_assert_cmpstr (id1, ==, "255");
  g_assert_cmpstr (id2, ==, "1431");

  reply = sr_test_sim_command (fx.sim, "receipt 597 DELIVRD");
  g_assert_true (g_str_has_prefix (reply, "OK"));
  g_assert_nonnull (sr_test_sim_wait_log (fx.sim, "in", "deliver_sm_resp", 1, 5000));
  router_fixture_run (200);

  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_RECEIPTS_NEW), ==, 0);
  g_assert_cmpuint (count_state (&fx, SR_MESSAGE_SENT), ==, 2);
  g_assert_cmpuint (count_state (&fx, SR_MESSAGE_DELIVERED), ==, 0);
  /* One row, unmatched, under the id as received. */
  all = receipt_rows (&fx, FALSE);
  g_assert_cmpuint (all->len, ==, 1);
  unmatched = receipt_rows (&fx, TRUE);
  g_assert_cmpuint (unmatched->len, ==, 1);
  g_assert_cmpstr (((SrJournalReceipt *) g_ptr_array_index (unmatched, 0))->smsc_id, ==, "597");
  router_fixture_teardown (&fx);
}

/* The only message carrying 255 was submitted now; a receipt for 597 that
 * says it was submitted two days ago is not for it.  One dated now is. */
static void
test_auto_window (void)
{
  const char *sim_args[] = { "--id-format", "dec", "--id-start", "255", NULL };
  RouterFixture fx;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *old = smpp_date (now - 2 * 86400);
  g_autofree char *text = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GPtrArray) unmatched = NULL;
  g_autoptr(GPtrArray) receipts = NULL;

  router_fixture_setup (&fx, sim_args, NULL, "id-format = auto", NULL, NULL);
  g_free (router_fixture_drop (&fx, "To: +41791234567\nReference: mine\nReport: no\n\nHi\n"));
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 1, 5000));
  id = sent_id (&fx, 0);
  g_assert_cmpstr (id, ==, "255");

  text = g_strdup_printf ("id:597 sub:001 dlvrd:001 submit date:%s done date:%s stat:DELIVRD "
                          "err:000 text:", old, old);
  send_raw_receipt (&fx, text, 1);
  router_fixture_run (200);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_RECEIPTS_NEW), ==, 0);
  g_assert_cmpuint (count_state (&fx, SR_MESSAGE_SENT), ==, 1);
  unmatched = receipt_rows (&fx, TRUE);
  g_assert_cmpuint (unmatched->len, ==, 1);
  g_assert_cmpstr (((SrJournalReceipt *) g_ptr_array_index (unmatched, 0))->smsc_id, ==, "597");

  /* Within the window the same id is this message's, in the other base. */
  reply = sr_test_sim_command (fx.sim, "receipt 597 DELIVRD");
  g_assert_true (g_str_has_prefix (reply, "OK"));
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_RECEIPTS_NEW, 1, 5000));
  receipts = router_fixture_read_all (&fx, SR_SPOOL_RECEIPTS_NEW);
  {
    g_autofree char *ref = router_fixture_header (g_ptr_array_index (receipts, 0), "Reference");
    g_autofree char *smsc = router_fixture_header (g_ptr_array_index (receipts, 0), "SMSC-Id");

    g_assert_cmpstr (ref, ==, "mine");
    g_assert_cmpstr (smsc, ==, "597");
  }
  g_assert_cmpuint (count_state (&fx, SR_MESSAGE_DELIVERED), ==, 1);
  router_fixture_teardown (&fx);
}

/* A final receipt that contradicts an earlier final one changes nothing
 * and writes no file; it is kept as received and reported as a message
 * event.  The same final receipt again is kept silently. */
static void
test_conflicting_final (void)
{
  const char *sim_args[] = { "--id-format", "dec", "--id-start", "40", NULL };
  RouterFixture fx;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(SrJournalMessageDetail) detail = NULL;
  guint conflicts = 0;
  const char *commands[] = { "receipt 40 DELIVRD", "receipt 40 UNDELIV:005", "receipt 40 DELIVRD" };

  router_fixture_setup (&fx, sim_args, NULL, NULL, NULL, NULL);
  g_free (router_fixture_drop (&fx, "To: +41791234567\nReport: no\n\nHi\n"));
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 1, 5000));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *reply = sr_test_sim_command (fx.sim, commands[i]);

      g_assert_true (g_str_has_prefix (reply, "OK"));
      g_assert_nonnull (sr_test_sim_wait_log (fx.sim, "in", "deliver_sm_resp", i + 1, 5000));
    }
  router_fixture_run (200);

  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_RECEIPTS_NEW), ==, 1);
  g_assert_cmpuint (count_state (&fx, SR_MESSAGE_DELIVERED), ==, 1);
  rows = receipt_rows (&fx, FALSE);
  g_assert_cmpuint (rows->len, ==, 3);
  detail = sr_journal_message_detail (sr_router_get_journal (fx.router),
                                      ((SrJournalReceipt *) g_ptr_array_index (rows, 0))->message_id,
                                      &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((SrJournalSegment *) g_ptr_array_index (detail->segments, 0))->receipt_stat,
                   ==, "DELIVRD");
  for (guint i = 0; i < detail->events->len; i++)
    {
      SrJournalEvent *ev = g_ptr_array_index (detail->events, i);

      if (g_strcmp0 (ev->kind, "receipt-conflict") != 0)
        continue;
      conflicts++;
      g_assert_nonnull (strstr (ev->text, "UNDELIV"));
      g_assert_nonnull (strstr (ev->text, "DELIVRD"));
    }
  g_assert_cmpuint (conflicts, ==, 1);
  router_fixture_teardown (&fx);
}

/* ---- what the SMSC sends, in headers ------------------------------------ */

/* TRUE if the header block of @file has a control character or a Unicode
 * line separator anywhere but at the ends of its lines. */
static gboolean
header_has_breaks (const char *file)
{
  const char *end = strstr (file, "\n\n");

  g_assert_nonnull (end);
  for (const char *p = file; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((c < 0x20 && c != '\n') || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029)
        return TRUE;
    }
  return FALSE;
}

/* Control characters in a receipt's stat and err end up as spaces in the
 * receipt file's headers (the body keeps the receipt text as received). */
static void
test_receipt_controls (void)
{
  const char *sim_args[] = { "--id-start", "255", NULL };
  RouterFixture fx;
  g_autofree char *now = smpp_date (g_get_real_time () / G_USEC_PER_SEC);
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) receipts = NULL;

  router_fixture_setup (&fx, sim_args, NULL, NULL, NULL, NULL);
  g_free (router_fixture_drop (&fx, "To: +41791234567\nReport: no\n\nHi\n"));
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 1, 5000));
  text = g_strdup_printf ("id:ff sub:001 dlvrd:001 submit date:%s done date:%s "
                          "stat:DELIV\x1cRD err:0\x0b" "0\xc2\x85\xe2\x80\xa8X text:", now, now);
  send_raw_receipt (&fx, text, 1);
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_RECEIPTS_NEW, 1, 5000));
  receipts = router_fixture_read_all (&fx, SR_SPOOL_RECEIPTS_NEW);
  {
    const char *file = g_ptr_array_index (receipts, 0);
    g_autofree char *status = router_fixture_header (file, "Status");
    g_autofree char *err = router_fixture_header (file, "Error");

    g_assert_false (header_has_breaks (file));
    g_assert_cmpstr (status, ==, "DELIV RD");
    g_assert_cmpstr (err, ==, "0 0  X");
  }
  router_fixture_teardown (&fx);
}

/* An alphanumeric sender with control characters and bytes that are not
 * UTF-8: spaces and \xNN in the inbox file and the journal. */
static void
test_mo_sender_escaped (void)
{
  RouterFixture fx;
  g_autoptr(GPtrArray) inbox = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  SrPdu pdu;

  router_fixture_setup (&fx, NULL, "default-app = default", NULL,
                        "inbound-numbers = +41791234560", NULL);
  g_free (router_fixture_drop (&fx, "To: +41791234567\nReport: no\n\nHi\n"));
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 1, 5000));

  sr_pdu_init (&pdu, SR_CMD_DELIVER_SM, 0x7100);
  pdu.source_addr_ton = 5;
  g_strlcpy (pdu.source_addr, "AB\x1c\xff" "C\xe2\x80\xa8" "D", sizeof pdu.source_addr);
  pdu.dest_addr_ton = 1;
  pdu.dest_addr_npi = 1;
  g_strlcpy (pdu.destination_addr, "41791234560", sizeof pdu.destination_addr);
  pdu.sm_length = 5;
  memcpy (pdu.short_message, "Hello", 5);
  send_raw_pdu (&fx, &pdu);
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_INBOX_NEW, 1, 5000));
  inbox = router_fixture_read_all (&fx, SR_SPOOL_INBOX_NEW);
  {
    const char *file = g_ptr_array_index (inbox, 0);
    g_autofree char *from = router_fixture_header (file, "From");

    g_assert_true (g_utf8_validate (file, -1, NULL));
    g_assert_false (header_has_breaks (file));
    g_assert_cmpstr (from, ==, "AB \\xFFC D");
  }
  /* The journal's row says the same once committed. */
  router_fixture_run (300);
  rows = sr_journal_inbound_page (sr_router_get_journal (fx.router), NULL, SR_PAGE_OLDER, 0, 10,
                                  NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (((SrJournalInbound *) g_ptr_array_index (rows, 0))->sender, ==, "AB \\xFFC D");
  router_fixture_teardown (&fx);
}

/* sent/ names the SMSC's id as the SMSC wrote it ("ff"), not the key the
 * router correlates with ("255" under hex-to-dec); an X-SMSC-Id header of
 * the app's own stays. */
static void
test_sent_ids (void)
{
  const char *sim_args[] = { "--id-start", "255", NULL };
  RouterFixture fx;
  g_autoptr(GPtrArray) sent = NULL;
  g_auto(GStrv) lines = NULL;
  guint ids = 0;

  router_fixture_setup (&fx, sim_args, NULL, "id-format = hex-to-dec", NULL, NULL);
  g_free (router_fixture_drop (&fx, "To: +41791234567\nX-SMSC-Id: app-own\nReport: no\n\nHi\n"));
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 1, 5000));
  sent = router_fixture_read_all (&fx, SR_SPOOL_SENT);
  lines = g_strsplit (g_ptr_array_index (sent, 0), "\n", -1);
  for (char **l = lines; *l && **l; l++)
    if (g_str_has_prefix (*l, "X-SMSC-Id: "))
      {
        g_assert_cmpstr (*l + strlen ("X-SMSC-Id: "), ==, ids == 0 ? "app-own" : "ff");
        ids++;
      }
  g_assert_cmpuint (ids, ==, 2);
  router_fixture_teardown (&fx);
}

/* ---- deliveries refused while their file cannot be written --------------- */

/* A full disk under apps/default/@box: a small tmpfs there, filled up,
 * and the router started on it.  Returns the filler's path (remove it to
 * make room). */
static char *
fill_box (RouterFixture *fx, const char *box)
{
  g_autofree char *sub = g_build_filename ("apps", "default", box, NULL);
  g_autofree char *dir = g_build_filename (fx->spool, sub, NULL);

  router_fixture_mount_tmpfs (fx, sub, "64k");
  router_fixture_start (fx);
  return router_fixture_fill (dir);
}

static void
unmount_box (RouterFixture *fx, const char *box)
{
  g_autofree char *sub = g_build_filename ("apps", "default", box, NULL);

  router_fixture_unmount (fx, sub);
}

/* Every deliver_sm_resp so far, by status. */
static void
count_answers (RouterFixture *fx, guint *ok, guint *refused)
{
  g_autoptr(GPtrArray) log = sr_test_sim_read_log (fx->sim);
  g_autoptr(GPtrArray) answers = sr_test_sim_log_filter (log, "in", "deliver_sm_resp");

  *ok = *refused = 0;
  for (guint i = 0; i < answers->len; i++)
    {
      gint64 status = sr_test_log_int (g_ptr_array_index (answers, i), "status");

      if (status == 0)
        (*ok)++;
      else
        {
          g_assert_cmpint (status, ==, 0x64);   /* ESME_RX_T_APPN */
          (*refused)++;
        }
    }
}

/* Waits until the simulator was answered @n times with ESME_RX_T_APPN. */
static void
wait_refused (RouterFixture *fx, guint n)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint ok = 0, refused = 0;

  while (g_get_monotonic_time () < end)
    {
      count_answers (fx, &ok, &refused);
      if (refused >= n)
        break;
      router_fixture_run (50);
    }
  g_assert_cmpuint (ok, ==, 0);
  g_assert_cmpuint (refused, >=, n);
}

/* A receipt whose file cannot be written is refused with ESME_RX_T_APPN
 * and not journalled; the SMSC's next delivery after room was made is
 * written once and answered ESME_ROK. */
static void
test_receipt_disk_full (void)
{
  const char *sim_args[] = { "--receipt-delay", "50", "--deliver-retry-ms", "200", NULL };
  RouterFixture fx;
  g_autofree char *filler = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  guint ok = 0, refused = 0;

  if (!can_mount)
    {
      g_test_skip ("needs a mount namespace (run as root)");
      return;
    }
  router_fixture_setup_no_start (&fx, sim_args, NULL, NULL, NULL, NULL);
  filler = fill_box (&fx, "receipts");
  g_free (router_fixture_drop (&fx, "To: +41791234567\nReference: full\n\nHi\n"));
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 1, 5000));

  /* Refused, and so delivered again and refused again. */
  wait_refused (&fx, 2);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_RECEIPTS_NEW), ==, 0);
  g_assert_cmpuint (count_state (&fx, SR_MESSAGE_SENT), ==, 1);
  rows = receipt_rows (&fx, FALSE);
  g_assert_cmpuint (rows->len, ==, 0);

  g_assert_cmpint (g_unlink (filler), ==, 0);
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_RECEIPTS_NEW, 1, 5000));
  router_fixture_run (1000);
  count_answers (&fx, &ok, &refused);
  g_assert_cmpuint (ok, ==, 1);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_RECEIPTS_NEW), ==, 1);
  g_assert_cmpuint (count_state (&fx, SR_MESSAGE_DELIVERED), ==, 1);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = receipt_rows (&fx, FALSE);
  g_assert_cmpuint (rows->len, ==, 1);
  unmount_box (&fx, "receipts");
  router_fixture_teardown (&fx);
}

/* The same for an MO message and a full inbox/. */
static void
test_inbox_disk_full (void)
{
  static const char *const not_stored[] = { "could not be stored", NULL };
  RouterFixture fx;
  const char *sim_args[] = { "--deliver-retry-ms", "200", NULL };
  g_autofree char *filler = NULL;
  g_autoptr(GPtrArray) inbox = NULL;
  guint ok = 0, refused = 0;

  if (!can_mount)
    {
      g_test_skip ("needs a mount namespace (run as root)");
      return;
    }
  /* the inbound module warns about each refused delivery */
  router_fixture_expect_warnings ("sr-inbound", not_stored);
  router_fixture_setup_no_start (&fx, sim_args, "default-app = default", NULL,
                                 "inbound-numbers = +41791234560", NULL);
  filler = fill_box (&fx, "inbox");
  /* Bound once a message went out. */
  g_free (router_fixture_drop (&fx, "To: +41791234567\nReport: no\n\nHi\n"));
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 1, 5000));
  sr_test_sim_mo (fx.sim, "from=+41791111111,to=+41791234560,text=Hello inbox");
  wait_refused (&fx, 2);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_INBOX_NEW), ==, 0);

  g_assert_cmpint (g_unlink (filler), ==, 0);
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_INBOX_NEW, 1, 5000));
  router_fixture_run (1000);
  count_answers (&fx, &ok, &refused);
  g_assert_cmpuint (ok, ==, 1);
  inbox = router_fixture_read_all (&fx, SR_SPOOL_INBOX_NEW);
  g_assert_cmpuint (inbox->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (inbox, 0), "Hello inbox"));
  unmount_box (&fx, "inbox");
  router_fixture_teardown (&fx);
}

int
main (int argc, char **argv)
{
  /* A private mount namespace (before any thread starts): the small
   * file systems of the disk-full tests vanish with the process. */
  can_mount = router_fixture_private_mounts ();

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/router-receipts/auto/ambiguous", test_auto_ambiguous);
  g_test_add_func ("/router-receipts/auto/window", test_auto_window);
  g_test_add_func ("/router-receipts/conflicting-final", test_conflicting_final);
  g_test_add_func ("/router-receipts/headers/receipt-controls", test_receipt_controls);
  g_test_add_func ("/router-receipts/headers/mo-sender", test_mo_sender_escaped);
  g_test_add_func ("/router-receipts/headers/sent-ids", test_sent_ids);
  g_test_add_func ("/router-receipts/refused/receipt-disk-full", test_receipt_disk_full);
  g_test_add_func ("/router-receipts/refused/inbox-disk-full", test_inbox_disk_full);
  return g_test_run ();
}
