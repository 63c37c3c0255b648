/* fuzz-control.c — the control-socket wire format: length-prefixed frames
 * of GVariant normal-form bytes, a request "(sv)" read by the daemon and an
 * answer "(busv)" read by an attached console, whose results become the
 * console model's structs.  The first byte says which side reads. */
#include <glib.h>

#include "fuzz-target.h"
#include "sr-console-remote-private.h"

static void
take_answer (GVariant *answer)
{
  gboolean ok;
  guint32 code;
  const char *message;
  g_autoptr (GVariant) result = NULL;
  g_variant_get (answer, "(bu&sv)", &ok, &code, &message, &result);
  g_assert_true (g_utf8_validate (message, -1, NULL));

  g_autoptr (SrConsoleOverview) o = sr_remote_overview_from_variant (result);
  g_autoptr (GPtrArray) rows = sr_remote_rows_from_variant (result);
  g_autoptr (SrConsoleDetail) d = sr_remote_detail_from_variant (result);
  if (o)
    g_assert_nonnull (o->binds);
  for (guint i = 0; rows && i < rows->len; i++)
    g_assert_nonnull (g_ptr_array_index (rows, i));
  if (d)
    g_assert_nonnull (d->fields);
  /* What was read goes back out as the same value (the server's side). */
  if (o)
    {
      g_autoptr (GVariant) again = g_variant_ref_sink (sr_remote_overview_to_variant (o));
      g_assert_true (g_variant_equal (again, result));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  gboolean answers = data[0] & 1;
  g_autoptr (GByteArray) in = g_byte_array_new ();
  g_byte_array_append (in, data + 1, size - 1);
  for (;;)
    {
      g_autoptr (GVariant) v = NULL;
      guint before = in->len;
      SrRemoteFrameResult r = sr_remote_frame_take (
        in, answers ? G_VARIANT_TYPE ("(busv)") : G_VARIANT_TYPE ("(sv)"), &v);
      if (r != SR_REMOTE_FRAME_OK)
        {
          g_assert_null (v);
          g_assert_cmpuint (in->len, <=, before);
          break;
        }
      g_assert_cmpuint (in->len, <, before);
      if (answers)
        take_answer (v);
      else
        {
          const char *method;
          g_autoptr (GVariant) args = NULL;
          g_variant_get (v, "(&sv)", &method, &args);
          g_assert_nonnull (args);
        }
    }
  return 0;
}
