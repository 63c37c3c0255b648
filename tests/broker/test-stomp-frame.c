/* test-stomp-frame.c — the STOMP 1.2 frame codec: parsing whole, split and
 * byte-by-byte input, escaping, content-length, heart-beats, limits. */
#include "sr-stomp-frame.h"

#include <string.h>

/* Feeds @data in pieces of @step bytes (0: all at once) and collects frames
 * (oversized ones too: their body_skipped is set).  *@max_pending, when
 * given, is the most the parser held between two reads. */
static GPtrArray *
parse_all_bounded (const char *data, gsize len, gsize step, const SrStompLimits *limits,
                   gsize *max_pending, GError **error)
{
  g_autoptr(SrStompParser) p = sr_stomp_parser_new (limits);
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_stomp_frame_free);
  gsize off = 0;
  while (off < len)
    {
      gsize n = step == 0 ? len : MIN (step, len - off);
      sr_stomp_parser_feed (p, data + off, n);
      off += n;
      for (;;)
        {
          SrStompFrame *f = NULL;
          SrStompParseResult r = sr_stomp_parser_next (p, &f, error);
          if (r == SR_STOMP_PARSE_ERROR)
            return NULL;
          if (r == SR_STOMP_PARSE_NEED_MORE)
            break;
          g_assert_true ((r == SR_STOMP_PARSE_OVERSIZED) == (f->body_skipped > 0));
          g_ptr_array_add (frames, f);
        }
      if (max_pending != NULL)
        *max_pending = MAX (*max_pending, sr_stomp_parser_pending (p));
    }
  return g_steal_pointer (&frames);
}

static GPtrArray *
parse_all (const char *data, gsize len, gsize step, const SrStompLimits *limits, GError **error)
{
  return parse_all_bounded (data, len, step, limits, NULL, error);
}

static void
test_parse_message_any_split (void)
{
  static const char wire[] =
    "\n\r\n"                                   /* heart-beats before */
    "MESSAGE\r\n"
    "destination:/queue/a\n"
    "message-id:ID\\cx-1\n"                    /* \c is a colon */
    "SMSDestination:+41791234567\n"
    "SMSDestination:ignored\n"                 /* the first wins */
    "x:a\\nb\\\\c\\r\n"
    "\n"
    "Hello\0"
    "\n"
    "RECEIPT\nreceipt-id:r1\n\n\0"
    "MESSAGE\ncontent-length:5\n\na\0b\nc\0";
  for (gsize step = 0; step <= 7; step++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) frames = parse_all (wire, sizeof wire - 1, step, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (frames->len, ==, 3);
      SrStompFrame *m = frames->pdata[0];
      g_assert_cmpstr (m->command, ==, "MESSAGE");
      g_assert_cmpstr (sr_stomp_frame_get_header (m, "message-id"), ==, "ID:x-1");
      g_assert_cmpstr (sr_stomp_frame_get_header (m, "SMSDestination"), ==, "+41791234567");
      g_assert_cmpstr (sr_stomp_frame_get_header (m, "x"), ==, "a\nb\\c\r");
      g_assert_cmpmem (g_bytes_get_data (m->body, NULL), g_bytes_get_size (m->body), "Hello", 5);
      g_assert_cmpstr (((SrStompFrame *) frames->pdata[1])->command, ==, "RECEIPT");
      SrStompFrame *bin = frames->pdata[2];
      g_assert_cmpmem (g_bytes_get_data (bin->body, NULL), g_bytes_get_size (bin->body), "a\0b\nc", 5);
    }
}

/* Each bad input gives its error class, whichever way it arrives. */
static void
test_parse_errors (void)
{
  static const struct {
    const char *wire;
    gsize len;
    gint code;
  } cases[] = {
#define C(s, c) { s, sizeof s - 1, c }
    C ("message\n\n\0", SR_STOMP_ERROR_SYNTAX),                    /* lower-case command */
    C ("MESSAGE\nno-colon\n\n\0", SR_STOMP_ERROR_SYNTAX),
    C ("MESSAGE\na:b\\t\n\n\0", SR_STOMP_ERROR_SYNTAX),            /* undefined escape */
    C ("MESSAGE\ncontent-length:x\n\n\0", SR_STOMP_ERROR_SYNTAX),
    C ("MESSAGE\ncontent-length:2\n\nabc\0", SR_STOMP_ERROR_SYNTAX), /* no NUL after 2 bytes */
    C ("\rX", SR_STOMP_ERROR_SYNTAX),                              /* stray CR */
    C ("MESSAGE\ncontent-length:40\n\n0123456789012345678901234567890123456789X", SR_STOMP_ERROR_SYNTAX),
    C ("MESSAGE\nx:0123456789012345678901234567890123456789012345678901234567890123456789", SR_STOMP_ERROR_TOO_LARGE),
    C ("MESSAGE\na:1\nb:2\nc:3\nd:4\ne:5\n\n\0", SR_STOMP_ERROR_TOO_LARGE),
#undef C
  };
  SrStompLimits limits = { .max_header_bytes = 64, .max_headers = 4, .max_body_bytes = 32 };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (gsize step = 0; step <= 1; step++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) frames = parse_all (cases[i].wire, cases[i].len, step, &limits, &error);
        g_test_message ("case %u step %zu", i, step);
        g_assert_null (frames);
        g_assert_error (error, SR_STOMP_ERROR, cases[i].code);
      }
}

/* A body over the limit is skipped, with or without content-length, however
 * it arrives: the frame comes out with its headers and the first bytes of
 * its body, the parser never holds the whole body, and the frames after it
 * parse as usual. */
static void
test_parse_oversized (void)
{
  static const char wire[] =
    "MESSAGE\nmessage-id:big-1\ncontent-length:100\n\n"
    "0123456789012345678901234567890123456789012345678901234567890123456789\0\n\n\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
    "\0\n"
    "MESSAGE\nmessage-id:small-1\n\nok\0"
    "MESSAGE\nmessage-id:big-2\n\n"
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz\0"
    "MESSAGE\nmessage-id:small-2\ncontent-length:2\n\nok\0";
  SrStompLimits limits = { .max_body_bytes = 32, .oversized_keep = 8 };
  for (gsize step = 0; step <= 9; step++)
    {
      g_autoptr(GError) error = NULL;
      gsize max_pending = 0;
      g_autoptr(GPtrArray) frames = parse_all_bounded (wire, sizeof wire - 1, step, &limits,
                                                       &max_pending, &error);
      g_test_message ("step %zu", step);
      g_assert_no_error (error);
      g_assert_cmpuint (frames->len, ==, 4);
      SrStompFrame *big1 = frames->pdata[0], *small1 = frames->pdata[1];
      SrStompFrame *big2 = frames->pdata[2], *small2 = frames->pdata[3];
      g_assert_cmpstr (sr_stomp_frame_get_header (big1, "message-id"), ==, "big-1");
      g_assert_cmpmem (g_bytes_get_data (big1->body, NULL), g_bytes_get_size (big1->body), "01234567", 8);
      g_assert_cmpuint (big1->body_skipped, ==, 92);
      g_assert_cmpstr (sr_stomp_frame_get_header (big2, "message-id"), ==, "big-2");
      g_assert_cmpmem (g_bytes_get_data (big2->body, NULL), g_bytes_get_size (big2->body), "abcdefgh", 8);
      g_assert_cmpuint (big2->body_skipped, ==, 78 - 8);
      g_assert_cmpstr (sr_stomp_frame_get_header (small1, "message-id"), ==, "small-1");
      g_assert_cmpmem (g_bytes_get_data (small1->body, NULL), g_bytes_get_size (small1->body), "ok", 2);
      g_assert_cmpuint (small1->body_skipped, ==, 0);
      g_assert_cmpstr (sr_stomp_frame_get_header (small2, "message-id"), ==, "small-2");
      /* In small reads the parser holds a frame's head and limit, never a whole big body. */
      if (step > 0)
        g_assert_cmpuint (max_pending, <=, 64 + limits.max_body_bytes);
    }
}

/* A truncated frame is not an error, just not a frame yet. */
static void
test_parse_incomplete (void)
{
  static const char wire[] = "MESSAGE\ncontent-length:4\n\nab";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) frames = parse_all (wire, sizeof wire - 1, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (frames->len, ==, 0);
}

static void
test_serialize_round_trip (void)
{
  g_autoptr(SrStompFrame) f = sr_stomp_frame_new ("SEND");
  sr_stomp_frame_add_header (f, "destination", "/queue/a:b");
  sr_stomp_frame_add_header (f, "X-Error", "line1\nline2 \\ end");
  sr_stomp_frame_set_body (f, "x\0y", 3);
  g_autoptr(GBytes) wire = sr_stomp_frame_serialize (f);
  gsize len = 0;
  const char *data = g_bytes_get_data (wire, &len);
  g_assert_nonnull (g_strstr_len (data, len, "destination:/queue/a\\cb\n"));
  g_assert_nonnull (g_strstr_len (data, len, "content-length:3\n"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) frames = parse_all (data, len, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (frames->len, ==, 1);
  SrStompFrame *back = frames->pdata[0];
  g_assert_cmpstr (sr_stomp_frame_get_header (back, "destination"), ==, "/queue/a:b");
  g_assert_cmpstr (sr_stomp_frame_get_header (back, "X-Error"), ==, "line1\nline2 \\ end");
  g_assert_cmpmem (g_bytes_get_data (back->body, NULL), g_bytes_get_size (back->body), "x\0y", 3);

  /* CONNECT headers are literal: a passcode with a colon or backslash goes as it is. */
  g_autoptr(SrStompFrame) c = sr_stomp_frame_new ("CONNECT");
  sr_stomp_frame_add_header (c, "passcode", "a:b\\c");
  g_autoptr(GBytes) cw = sr_stomp_frame_serialize (c);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (cw, NULL), g_bytes_get_size (cw), "passcode:a:b\\c\n"));
}

static void
test_heartbeats_counted (void)
{
  g_autoptr(SrStompParser) p = sr_stomp_parser_new (NULL);
  sr_stomp_parser_feed (p, "\n\n\r\n", 4);
  SrStompFrame *f = NULL;
  g_assert_cmpint (sr_stomp_parser_next (p, &f, NULL), ==, SR_STOMP_PARSE_NEED_MORE);
  g_assert_cmpuint (sr_stomp_parser_heartbeats (p), ==, 3);
  g_assert_cmpuint (sr_stomp_parser_pending (p), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/stomp/frame/parse-any-split", test_parse_message_any_split);
  g_test_add_func ("/stomp/frame/errors", test_parse_errors);
  g_test_add_func ("/stomp/frame/incomplete", test_parse_incomplete);
  g_test_add_func ("/stomp/frame/oversized", test_parse_oversized);
  g_test_add_func ("/stomp/frame/serialize", test_serialize_round_trip);
  g_test_add_func ("/stomp/frame/heartbeats", test_heartbeats_counted);
  return g_test_run ();
}
