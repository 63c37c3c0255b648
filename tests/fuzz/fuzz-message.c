/* fuzz-message.c — the message-file parser and the byte-level editors that
 * finish files the parser may reject (headers, BOM, CRLF, encodings). */
#include <glib.h>
#include <string.h>

#include "fuzz-target.h"
#include "sr-message.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *text = (const char *) data;
  g_autoptr (GError) error = NULL;
  g_autoptr (SrMessage) msg = sr_message_parse (text, size, 4096, &error);
  if (msg)
    {
      g_assert_no_error (error);
      g_assert_nonnull (sr_message_get_to (msg));
      gsize text_len = 0;
      const char *body = sr_message_get_text (msg, &text_len);
      g_assert_true (g_utf8_validate (body, text_len, NULL));
      for (guint i = 0; i < sr_message_get_n_headers (msg); i++)
        {
          const char *name, *value;
          sr_message_get_header (msg, i, &name, &value);
          g_assert_nonnull (name);
        }
      /* What we parsed serialises into a file we parse again. */
      gsize out_len = 0;
      g_autofree char *out = sr_message_serialize (msg, &out_len);
      g_autoptr (GError) again_error = NULL;
      g_autoptr (SrMessage) again = sr_message_parse (out, out_len, 0, &again_error);
      g_assert_no_error (again_error);
      g_assert_cmpstr (sr_message_get_to (again), ==, sr_message_get_to (msg));
    }
  else
    g_assert_nonnull (error);

  gsize header_end, body_start;
  gboolean crlf;
  if (sr_message_split (text, size, &header_end, &body_start, &crlf))
    g_assert_cmpuint (header_end, <=, body_start);

  static const char *const extra[] = { "X-Error-Class", "input", "X-Error", "bad\r\nline", NULL };
  gsize finished_len = 0;
  g_autofree char *finished = sr_message_build_finished (text, size, extra, &finished_len);
  g_assert_nonnull (finished);

  /* Stripping what finishing added gives back a file of the original size. */
  static const char *const patterns[] = { "X-Error*", NULL };
  gsize stripped_len = 0;
  g_autofree char *stripped = sr_message_strip_headers (finished, finished_len, patterns,
                                                        &stripped_len);
  g_assert_nonnull (stripped);
  gboolean had_error_header = FALSE;
  if (sr_message_split (text, size, &header_end, &body_start, &crlf))
    {
      g_autofree char *head = g_ascii_strdown (text, header_end);
      had_error_header = memchr (text, '\0', header_end) != NULL || strstr (head, "x-error") != NULL;
    }
  if (!had_error_header)
    {
      g_assert_cmpuint (stripped_len, ==, size);
      g_assert_true (memcmp (stripped, text, size) == 0);
    }

  static const char *const set[] = { "To", "+41791234567", NULL };
  gsize edited_len = 0;
  g_autofree char *edited = sr_message_edit_raw (text, size, patterns, set, "new text",
                                                 &edited_len);
  g_assert_nonnull (edited);
  return 0;
}
