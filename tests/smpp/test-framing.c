/* Unit tests of SMPP framing, sequence numbers and the window table. */
#include <string.h>
#include <glib.h>

#include "sr-pdu.h"
#include "sr-smpp-framer.h"
#include "sr-smpp-window.h"

static GByteArray *
two_pdus (void)
{
  GByteArray *b = g_byte_array_new ();
  SrPdu p;
  sr_pdu_init (&p, SR_CMD_SUBMIT_SM_RESP, 41);
  g_strlcpy (p.message_id, "abc", sizeof p.message_id);
  g_assert_true (sr_pdu_pack (&p, b, NULL));
  sr_pdu_init (&p, SR_CMD_ENQUIRE_LINK, 42);
  g_assert_true (sr_pdu_pack (&p, b, NULL));
  return b;
}

/* Whatever the read sizes, the same PDUs come out whole. */
static void
test_split_reads (void)
{
  g_autoptr (GByteArray) b = two_pdus ();
  static const gsize chunks[] = { 1, 2, 3, 4, 5, 7, 16, 19, 20, 21, 1000 };
  for (gsize c = 0; c < G_N_ELEMENTS (chunks); c++)
    {
      SrSmppFramer f;
      sr_smpp_framer_init (&f);
      guint seen = 0;
      for (gsize off = 0; off < b->len; off += chunks[c])
        {
          gsize n = MIN (chunks[c], b->len - off);
          sr_smpp_framer_feed (&f, b->data + off, n);
          const guint8 *pdu;
          gsize len;
          g_autoptr (GError) error = NULL;
          while (sr_smpp_framer_next (&f, &pdu, &len, &error))
            {
              guint32 seq;
              sr_pdu_peek_header (pdu, NULL, NULL, NULL, &seq);
              g_assert_cmpuint (seq, ==, 41 + seen);
              SrPdu q;
              g_assert_true (sr_pdu_unpack (pdu, len, &q, NULL));
              seen++;
            }
          g_assert_no_error (error);
        }
      g_assert_cmpuint (seen, ==, 2);
      g_assert_cmpuint (sr_smpp_framer_pending (&f), ==, 0);
      sr_smpp_framer_clear (&f);
    }
}

/* The 4-byte length split across reads is kept until complete. */
static void
test_length_split (void)
{
  g_autoptr (GByteArray) b = two_pdus ();
  SrSmppFramer f;
  sr_smpp_framer_init (&f);
  const guint8 *pdu;
  gsize len;
  sr_smpp_framer_feed (&f, b->data, 2);
  g_assert_false (sr_smpp_framer_next (&f, &pdu, &len, NULL));
  sr_smpp_framer_feed (&f, b->data + 2, 1);
  g_assert_false (sr_smpp_framer_next (&f, &pdu, &len, NULL));
  g_assert_cmpuint (sr_smpp_framer_pending (&f), ==, 3);
  sr_smpp_framer_feed (&f, b->data + 3, b->len - 3);
  g_assert_true (sr_smpp_framer_next (&f, &pdu, &len, NULL));
  g_assert_true (sr_smpp_framer_next (&f, &pdu, &len, NULL));
  g_assert_cmpuint (len, ==, 16);
  g_assert_false (sr_smpp_framer_next (&f, &pdu, &len, NULL));
  sr_smpp_framer_clear (&f);
}

/* Lengths that cannot be right are refused before any body is awaited. */
static void
test_bad_lengths (void)
{
  static const guint32 bad[] = { 0, 7, 15, 65537, 0x7FFFFFF0, 0xFFFFFFFF };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      SrSmppFramer f;
      sr_smpp_framer_init (&f);
      guint8 hdr[4] = { bad[i] >> 24, bad[i] >> 16, bad[i] >> 8, bad[i] };
      sr_smpp_framer_feed (&f, hdr, 4);
      const guint8 *pdu;
      gsize len;
      g_autoptr (GError) error = NULL;
      g_assert_false (sr_smpp_framer_next (&f, &pdu, &len, &error));
      g_assert_error (error, SR_SMPP_FRAMER_ERROR, SR_SMPP_FRAMER_ERROR_BAD_LENGTH);
      g_assert_nonnull (strstr (error->message, "command_length"));
      sr_smpp_framer_clear (&f);
    }
  /* the limits themselves are fine */
  SrSmppFramer f;
  sr_smpp_framer_init (&f);
  guint8 big[4] = { 0, 1, 0, 0 };   /* 65536 */
  sr_smpp_framer_feed (&f, big, 4);
  g_autoptr (GError) error = NULL;
  const guint8 *pdu;
  gsize len;
  g_assert_false (sr_smpp_framer_next (&f, &pdu, &len, &error));
  g_assert_no_error (error);   /* waiting for the body */
  g_autofree guint8 *body = g_malloc0 (65536 - 4);
  sr_smpp_framer_feed (&f, body, 65536 - 4);
  g_assert_true (sr_smpp_framer_next (&f, &pdu, &len, &error));
  g_assert_cmpuint (len, ==, 65536);
  sr_smpp_framer_clear (&f);
}

static void
test_sequence_wrap (void)
{
  g_assert_cmpuint (sr_smpp_next_sequence (0), ==, 1);
  g_assert_cmpuint (sr_smpp_next_sequence (1), ==, 2);
  g_assert_cmpuint (sr_smpp_next_sequence (0x7FFFFFFE), ==, 0x7FFFFFFF);
  g_assert_cmpuint (sr_smpp_next_sequence (0x7FFFFFFF), ==, 1);
  g_assert_cmpuint (sr_smpp_next_sequence (0xFFFFFFFF), ==, 1);
}

static void
test_window (void)
{
  SrSmppWindow w;
  sr_smpp_window_init (&w, 3);
  int refs[4];
  g_assert_nonnull (sr_smpp_window_add (&w, 10, SR_CMD_SUBMIT_SM, &refs[0], 100));
  g_assert_nonnull (sr_smpp_window_add (&w, 11, SR_CMD_SUBMIT_SM, &refs[1], 200));
  g_assert_null (sr_smpp_window_add (&w, 11, SR_CMD_SUBMIT_SM, &refs[1], 200));   /* in use */
  g_assert_nonnull (sr_smpp_window_add (&w, 12, SR_CMD_DATA_SM, &refs[2], 300));
  g_assert_true (sr_smpp_window_full (&w));
  g_assert_null (sr_smpp_window_add (&w, 13, SR_CMD_SUBMIT_SM, &refs[3], 400));
  g_assert_cmpint (sr_smpp_window_next_deadline (&w), ==, 100);

  SrSmppRequest r;
  /* responses in any order */
  g_assert_true (sr_smpp_window_take (&w, 11, &r));
  g_assert_true (r.caller_ref == &refs[1]);
  g_assert_false (sr_smpp_window_take (&w, 11, &r));
  g_assert_cmpuint (sr_smpp_window_free (&w), ==, 1);
  g_assert_nonnull (sr_smpp_window_add (&w, 13, SR_CMD_SUBMIT_SM, &refs[3], 400));

  /* expiry takes the oldest first, only when due */
  g_assert_false (sr_smpp_window_take_expired (&w, 99, &r));
  g_assert_true (sr_smpp_window_take_expired (&w, 300, &r));
  g_assert_cmpuint (r.sequence, ==, 10);
  g_assert_true (sr_smpp_window_take_expired (&w, 300, &r));
  g_assert_cmpuint (r.sequence, ==, 12);
  g_assert_cmpuint (r.command_id, ==, SR_CMD_DATA_SM);
  g_assert_false (sr_smpp_window_take_expired (&w, 300, &r));
  g_assert_cmpint (sr_smpp_window_next_deadline (&w), ==, 400);
  g_assert_true (sr_smpp_window_take_oldest (&w, &r));
  g_assert_cmpuint (r.sequence, ==, 13);
  g_assert_cmpuint (w.count, ==, 0);
  g_assert_cmpint (sr_smpp_window_next_deadline (&w), ==, 0);

  /* a long run reuses the slots */
  for (guint i = 1; i <= 10000; i++)
    {
      g_assert_nonnull (sr_smpp_window_add (&w, i, SR_CMD_SUBMIT_SM, NULL, i));
      if (i >= 3)
        g_assert_true (sr_smpp_window_take (&w, i - 2, &r));
    }
  g_assert_cmpuint (w.count, ==, 2);
  sr_smpp_window_clear (&w);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/framing/split-reads", test_split_reads);
  g_test_add_func ("/framing/length-split", test_length_split);
  g_test_add_func ("/framing/bad-lengths", test_bad_lengths);
  g_test_add_func ("/framing/sequence-wrap", test_sequence_wrap);
  g_test_add_func ("/framing/window", test_window);
  return g_test_run ();
}
