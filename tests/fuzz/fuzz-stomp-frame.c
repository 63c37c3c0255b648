/* fuzz-stomp-frame.c — the STOMP 1.2 frame parser on bytes from a broker.
 *
 * The first byte chooses how the stream is cut into reads (a frame may
 * arrive a byte at a time); the rest is the stream.  Every frame taken out
 * is serialised again and must parse back to the same command, headers and
 * body: what the bridge reads it can also write.  A body over the limit is
 * skipped: its frame keeps the headers and a bounded start of the body, and
 * the stream goes on. */
#include <glib.h>
#include <string.h>

#include "fuzz-target.h"
#include "sr-stomp-frame.h"

static void
round_trip (const SrStompFrame *frame)
{
  /* CONNECT and CONNECTED carry their headers unescaped (STOMP 1.2): a
   * value with a colon or a line end cannot come back the same. */
  if (strcmp (frame->command, "CONNECT") == 0 || strcmp (frame->command, "CONNECTED") == 0)
    return;
  g_autoptr (GBytes) wire = sr_stomp_frame_serialize (frame);
  g_autoptr (SrStompParser) again = sr_stomp_parser_new (NULL);
  gsize len;
  const guint8 *data = g_bytes_get_data (wire, &len);
  sr_stomp_parser_feed (again, data, len);
  g_autoptr (SrStompFrame) copy = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_cmpint (sr_stomp_parser_next (again, &copy, &error), ==, SR_STOMP_PARSE_FRAME);
  g_assert_no_error (error);
  g_assert_cmpstr (copy->command, ==, frame->command);
  g_assert_true (g_bytes_equal (copy->body, frame->body));
  /* The headers come back in order; serialising may add content-length. */
  g_assert_cmpuint (copy->headers->len, >=, frame->headers->len);
  for (guint i = 0; i < frame->headers->len; i++)
    g_assert_cmpstr (g_ptr_array_index (copy->headers, i), ==,
                     g_ptr_array_index (frame->headers, i));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  gsize chunk = (data[0] % 32) + 1;
  data++, size--;

  /* Small limits, so the fuzzer reaches them. */
  SrStompLimits limits = { .max_header_bytes = 512, .max_headers = 16, .max_body_bytes = 2048,
                           .oversized_keep = 64 };
  g_autoptr (SrStompParser) parser = sr_stomp_parser_new (&limits);
  gsize off = 0;
  gboolean broken = FALSE;
  while (off < size && !broken)
    {
      gsize n = MIN (chunk, size - off);
      sr_stomp_parser_feed (parser, data + off, n);
      off += n;
      for (;;)
        {
          g_autoptr (SrStompFrame) frame = NULL;
          g_autoptr (GError) error = NULL;
          SrStompParseResult r = sr_stomp_parser_next (parser, &frame, &error);
          if (r == SR_STOMP_PARSE_FRAME)
            {
              g_assert_nonnull (frame);
              g_assert_no_error (error);
              g_assert_true (frame->headers->len % 2 == 0);
              g_assert_cmpuint (g_bytes_get_size (frame->body), <=, limits.max_body_bytes);
              g_assert_cmpuint (frame->body_skipped, ==, 0);
              round_trip (frame);
              continue;
            }
          if (r == SR_STOMP_PARSE_OVERSIZED)
            {
              g_assert_nonnull (frame);
              g_assert_no_error (error);
              g_assert_cmpuint (frame->body_skipped, >, 0);
              g_assert_cmpuint (g_bytes_get_size (frame->body), ==, limits.oversized_keep);
              g_assert_cmpuint (g_bytes_get_size (frame->body) + frame->body_skipped, >, limits.max_body_bytes);
              continue;
            }
          if (r == SR_STOMP_PARSE_ERROR)
            {
              g_assert_nonnull (error);
              broken = TRUE;
            }
          else
            g_assert_null (error);
          break;
        }
    }
  /* Nothing can be buffered beyond one frame's limits. */
  if (!broken)
    g_assert_cmpuint (sr_stomp_parser_pending (parser), <=,
                      limits.max_header_bytes + limits.max_body_bytes + 2 + chunk);
  return 0;
}
