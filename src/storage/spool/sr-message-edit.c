/* sr-message-edit.c — composing and editing messages, and writing them out.
 *
 * Values set here are owned copies; the parsed buffer is never written to
 * again, so pointers handed out earlier stay valid until the message is freed.
 */
#define G_LOG_DOMAIN "sr-message"

#include "sr-message-private.h"

#include <string.h>

SrMessage *
sr_message_new (const char *to, const char *text)
{
  SrMessage *msg;

  g_return_val_if_fail (to != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  msg = sr_message_alloc (0);
  sr_message_set_to (msg, to);
  sr_message_set_text (msg, text);
  return msg;
}

static const char *
own (SrMessage *msg, const char *s)
{
  char *copy = g_strdup (s);
  if (msg->owned == NULL)
    msg->owned = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (msg->owned, copy);
  return copy;
}

/* Sets or removes (NULL @value) a header; returns the stored value. */
static const char *
set_header (SrMessage *msg, const char *name, const char *value)
{
  const char *stored = NULL;
  guint w = 0;

  for (guint r = 0; r < msg->n_headers; r++)
    {
      SrMessageHeader h = msg->headers[r];
      if (g_ascii_strcasecmp (h.name, name) == 0)
        {
          if (value == NULL || stored != NULL)
            continue;   /* removed, or a later duplicate */
          stored = h.value = own (msg, value);
        }
      msg->headers[w++] = h;
    }
  msg->n_headers = w;
  if (value != NULL && stored == NULL)
    {
      stored = own (msg, value);
      sr_message_add_header (msg, own (msg, name), stored);
    }
  return stored;
}

void
sr_message_set_to (SrMessage *msg, const char *to)
{
  g_return_if_fail (msg != NULL);
  g_return_if_fail (to != NULL);
  msg->to = set_header (msg, "To", to);
}

void
sr_message_set_from (SrMessage *msg, const char *from)
{
  g_return_if_fail (msg != NULL);
  msg->from = set_header (msg, "From", from && *from ? from : NULL);
}

void
sr_message_set_reference (SrMessage *msg, const char *reference)
{
  g_return_if_fail (msg != NULL);
  msg->reference = set_header (msg, "Reference",
                               reference && *reference ? reference : NULL);
}

void
sr_message_set_alphabet (SrMessage *msg, SrMessageAlphabet alphabet)
{
  g_return_if_fail (msg != NULL);
  msg->alphabet = alphabet;
  set_header (msg, "Alphabet", alphabet == SR_MESSAGE_ALPHABET_AUTO
                                 ? NULL : sr_message_alphabet_to_string (alphabet));
}

static const char *
option_string (SrMessageOption option)
{
  return option == SR_MESSAGE_OPTION_UNSET ? NULL
         : option == SR_MESSAGE_OPTION_YES ? "yes" : "no";
}

void
sr_message_set_report (SrMessage *msg, SrMessageOption report)
{
  g_return_if_fail (msg != NULL);
  msg->report = report;
  set_header (msg, "Report", option_string (report));
}

void
sr_message_set_flash (SrMessage *msg, SrMessageOption flash)
{
  g_return_if_fail (msg != NULL);
  msg->flash = flash;
  set_header (msg, "Flash", option_string (flash));
}

/* A period header (Validity, Deferred) of @seconds into @field; -1 removes. */
static void
set_period (SrMessage *msg, const char *name, gint64 *field, gint64 seconds)
{
  char tmp[32];
  gint64 minutes;

  if (seconds < 0)
    {
      *field = -1;
      set_header (msg, name, NULL);
      return;
    }
  /* The file counts in minutes at best: round up so it never gets shorter. */
  minutes = MAX ((seconds + 59) / 60, 1);
  if (minutes * 60 >= SR_MESSAGE_VALIDITY_MAX)
    {
      *field = SR_MESSAGE_VALIDITY_MAX;
      set_header (msg, name, "max");
      return;
    }
  *field = minutes * 60;
  if (minutes % (7 * 24 * 60) == 0)
    g_snprintf (tmp, sizeof tmp, "%" G_GINT64_FORMAT "w", minutes / (7 * 24 * 60));
  else if (minutes % (24 * 60) == 0)
    g_snprintf (tmp, sizeof tmp, "%" G_GINT64_FORMAT "d", minutes / (24 * 60));
  else if (minutes % 60 == 0)
    g_snprintf (tmp, sizeof tmp, "%" G_GINT64_FORMAT "h", minutes / 60);
  else
    g_snprintf (tmp, sizeof tmp, "%" G_GINT64_FORMAT "m", minutes);
  set_header (msg, name, tmp);
}

void
sr_message_set_validity (SrMessage *msg, gint64 seconds)
{
  g_return_if_fail (msg != NULL);
  set_period (msg, "Validity", &msg->validity, seconds);
}

void
sr_message_set_deferred (SrMessage *msg, gint64 seconds)
{
  g_return_if_fail (msg != NULL);
  set_period (msg, "Deferred", &msg->deferred, seconds);
}

void
sr_message_set_class (SrMessage *msg, gint message_class)
{
  char tmp[2] = { 0 };

  g_return_if_fail (msg != NULL);
  g_return_if_fail (message_class >= -1 && message_class <= 3);
  msg->message_class = message_class;
  tmp[0] = (char) ('0' + message_class);
  set_header (msg, "Class", message_class >= 0 ? tmp : NULL);
}

void
sr_message_set_text (SrMessage *msg, const char *text)
{
  g_return_if_fail (msg != NULL);
  g_return_if_fail (text != NULL);
  msg->text = own (msg, text);
  msg->text_len = strlen (text);
}

void
sr_message_set_header (SrMessage *msg, const char *name, const char *value)
{
  g_return_if_fail (msg != NULL);
  g_return_if_fail (name != NULL && *name != '\0' && strchr (name, ':') == NULL);
  g_return_if_fail (sr_message_known_header (name) == KNOWN_NONE);
  set_header (msg, name, value);
}

gboolean
sr_message_char_breaks_line (gunichar c)
{
  return (c < 0x20 && c != '\t') || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029;
}

void
sr_message_append_header_value (GString *out, const char *s, gssize len)
{
  const char *p, *end;

  g_return_if_fail (out != NULL && s != NULL);

  end = s + (len < 0 ? strlen (s) : (gsize) len);
  for (p = s; p < end;)
    {
      /* NUL is a control character too (GLib calls it invalid here). */
      gunichar c = *p == '\0' ? 0 : g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02X", (guchar) *p);
          p++;
          continue;
        }
      if (sr_message_char_breaks_line (c))
        g_string_append_c (out, ' ');
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
}

char *
sr_message_serialize (const SrMessage *msg, gsize *len)
{
  GString *out;

  g_return_val_if_fail (msg != NULL, NULL);

  out = g_string_sized_new (msg->text_len + 32 * msg->n_headers + 8);
  for (guint i = 0; i < msg->n_headers; i++)
    {
      sr_message_append_header_value (out, msg->headers[i].name, -1);
      g_string_append_len (out, ": ", 2);
      sr_message_append_header_value (out, msg->headers[i].value, -1);
      g_string_append_c (out, '\n');
    }
  g_string_append_c (out, '\n');
  if (msg->text)
    g_string_append_len (out, msg->text, (gssize) msg->text_len);
  g_string_append_c (out, '\n');
  if (len)
    *len = out->len;
  return g_string_free (out, FALSE);
}

void
sr_message_append_headers (GString *out, const char *const *headers,
                           gboolean crlf)
{
  g_return_if_fail (out != NULL);
  if (headers == NULL)
    return;
  for (guint i = 0; headers[i] != NULL; i += 2)
    {
      g_return_if_fail (headers[i + 1] != NULL);
      sr_message_append_header_value (out, headers[i], -1);
      g_string_append_len (out, ": ", 2);
      sr_message_append_header_value (out, headers[i + 1], -1);
      if (crlf)
        g_string_append_len (out, "\r\n", 2);
      else
        g_string_append_c (out, '\n');
    }
}
