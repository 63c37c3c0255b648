/* sr-message-smstools3.c — reading smstools3's message files.
 *
 * smstools3 (and the scripts written for it, such as its stock sendsms)
 * write files that look like ours but mean other things: To is international
 * without the '+', the text is ISO-8859-15 unless it is UTF-8, "Alphabet:
 * UCS" means the body is raw UCS-2 big endian, and a bare Validity number is
 * a GSM relative validity code.  An app with smstools3-compat has its files
 * translated into this router's format first (in memory: the file in the
 * spool keeps its bytes), then parsed as usual, so one parser decides what
 * a message means.  The translation keeps every line where it was: the
 * parser's line numbers in error messages stay true.
 */
#define G_LOG_DOMAIN "sr-message"

#include "sr-message.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* How the body of a file is encoded. */
typedef enum {
  BODY_8BIT,   /* UTF-8 when it is valid UTF-8, else ISO-8859-15 (smstools3's default) */
  BODY_UTF8,   /* Alphabet: UTF-8 */
  BODY_UCS2,   /* Alphabet: UCS: UCS-2 big endian */
} BodyCharset;

/* smstools3 compares the first three letters of an Alphabet value only. */
static const struct {
  char prefix[4];
  SrMessageAlphabet alphabet;
  BodyCharset charset;
} alphabets[] = {
  /* smstools3 turns ISO and UTF-8 texts into GSM, or UCS-2 (UTF-8) or by
   * dropping what GSM lacks (ISO): "auto" sends them as written. */
  { "iso", SR_MESSAGE_ALPHABET_AUTO, BODY_8BIT },
  { "lat", SR_MESSAGE_ALPHABET_AUTO, BODY_8BIT },
  { "ans", SR_MESSAGE_ALPHABET_AUTO, BODY_8BIT },
  { "utf", SR_MESSAGE_ALPHABET_AUTO, BODY_UTF8 },
  { "gsm", SR_MESSAGE_ALPHABET_GSM, BODY_8BIT },
  { "ucs", SR_MESSAGE_ALPHABET_UCS2, BODY_UCS2 },
  { "chi", SR_MESSAGE_ALPHABET_UCS2, BODY_UCS2 },
  { "uni", SR_MESSAGE_ALPHABET_UCS2, BODY_UCS2 },
};

/* One line of the header block. */
typedef struct {
  const char *start;       /* the line without its line break */
  gsize len;
  const char *name;        /* NULL for a line without a colon */
  gsize name_len;
  const char *value;       /* blanks around it trimmed */
  gsize value_len;
} Line;

static inline gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

/* The line at *pos of block[0, len); FALSE at the end. */
static gboolean
next_line (const char *block, gsize len, gsize *pos, Line *line)
{
  const char *ls = block + *pos;
  const char *nl, *le, *colon, *ne, *vs;

  if (*pos >= len)
    return FALSE;
  nl = memchr (ls, '\n', len - *pos);
  le = nl ? nl : block + len;
  *pos = (gsize) (le - block) + (nl ? 1 : 0);
  if (le > ls && le[-1] == '\r')
    le--;
  memset (line, 0, sizeof *line);
  line->start = ls;
  line->len = (gsize) (le - ls);
  colon = memchr (ls, ':', line->len);
  if (colon == NULL)
    return TRUE;
  if (ls == block && line->len >= 3 && memcmp (ls, "\xEF\xBB\xBF", 3) == 0)
    ls += 3;
  for (ne = colon; ne > ls && is_blank (ne[-1]); ne--)
    ;
  for (vs = colon + 1; vs < le && is_blank (*vs); vs++)
    ;
  while (le > vs && is_blank (le[-1]))
    le--;
  line->name = ls;
  line->name_len = (gsize) (ne - ls);
  line->value = vs;
  line->value_len = (gsize) (le - vs);
  return TRUE;
}

static gboolean
line_is (const Line *line, const char *name)
{
  return line->name != NULL && line->name_len == strlen (name)
         && g_ascii_strncasecmp (line->name, name, line->name_len) == 0;
}

/* The index in alphabets[] of @value, -1 when unknown. */
static int
find_alphabet (const char *value, gsize len)
{
  if (len < 3)
    return -1;
  for (guint i = 0; i < G_N_ELEMENTS (alphabets); i++)
    if (g_ascii_strncasecmp (value, alphabets[i].prefix, 3) == 0)
      return (int) i;
  return -1;
}

gboolean
sr_message_smstools3_alphabet (const char *value, SrMessageAlphabet *alphabet)
{
  int i;

  g_return_val_if_fail (value != NULL, FALSE);
  if ((i = find_alphabet (value, strlen (value))) < 0)
    return FALSE;
  if (alphabet)
    *alphabet = alphabets[i].alphabet;
  return TRUE;
}

gint64
sr_message_validity_code_seconds (guint code)
{
  /* GSM 03.40 9.2.3.12.1, TP-VP relative format. */
  if (code <= 143)
    return (gint64) (code + 1) * 5 * 60;
  if (code <= 167)
    return 12 * 3600 + (gint64) (code - 143) * 30 * 60;
  if (code <= 196)
    return (gint64) (code - 166) * 86400;
  return (gint64) (MIN (code, 255) - 192) * 7 * 86400;
}

gboolean
sr_message_smstools3_validity (const char *value, gint64 *seconds)
{
  static const struct { const char *unit; gint64 seconds; } units[] = {
    { "min", 60 }, { "mins", 60 }, { "minute", 60 }, { "minutes", 60 }, { "m", 60 },
    { "hour", 3600 }, { "hours", 3600 }, { "h", 3600 },
    { "day", 86400 }, { "days", 86400 }, { "d", 86400 },
    { "week", 604800 }, { "weeks", 604800 }, { "w", 604800 },
    { "month", 30 * 86400 }, { "months", 30 * 86400 },
    { "year", 365 * 86400 }, { "years", 365 * 86400 },
  };
  const char *p = value, *end;
  gint64 n = 0, s = -1;
  guint digits = 0;

  g_return_val_if_fail (value != NULL, FALSE);

  while (is_blank (*p))
    p++;
  for (; g_ascii_isdigit (*p); p++)
    {
      if (++digits > 9)
        return FALSE;
      n = n * 10 + (*p - '0');
    }
  if (digits == 0)
    return FALSE;
  while (is_blank (*p))
    p++;
  for (end = p + strlen (p); end > p && is_blank (end[-1]); end--)
    ;
  if (end == p)
    {
      /* A bare number is a relative validity code. */
      if (n > 255)
        return FALSE;
      if (seconds)
        *seconds = sr_message_validity_code_seconds ((guint) n);
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (units) && s < 0; i++)
    if ((gsize) (end - p) == strlen (units[i].unit)
        && g_ascii_strncasecmp (p, units[i].unit, (gsize) (end - p)) == 0)
      s = n * units[i].seconds;
  if (s < 0)
    return FALSE;
  /* smstools3 rounds down to the nearest period a code can say (5 minutes
   * at least, 63 weeks at most). */
  {
    guint code = 0;
    while (code < 255 && sr_message_validity_code_seconds (code + 1) <= s)
      code++;
    if (seconds)
      *seconds = sr_message_validity_code_seconds (code);
  }
  return TRUE;
}

/* @len bytes from @charset to UTF-8, appended to @out. */
static gboolean
append_converted (GString *out, const char *data, gsize len, const char *charset,
                  GError **error)
{
  gsize written = 0;
  g_autofree char *utf8 = g_convert (data, (gssize) len, "UTF-8", charset, NULL, &written,
                                     error);

  if (utf8 == NULL)
    return FALSE;
  g_string_append_len (out, utf8, (gssize) written);
  return TRUE;
}

/* The body as UTF-8, appended to @out. */
static gboolean
append_body (GString *out, const char *body, gsize len, BodyCharset charset,
             const char *alphabet, GError **error)
{
  g_autoptr(GError) local = NULL;
  const char *from = "UTF-16BE";

  switch (charset)
    {
    case BODY_UTF8:
      g_string_append_len (out, body, (gssize) len);
      return TRUE;
    case BODY_8BIT:
      if (g_utf8_validate_len (body, len, NULL))
        g_string_append_len (out, body, (gssize) len);
      else if (!append_converted (out, body, len, "ISO-8859-15", &local))
        break;
      return TRUE;
    case BODY_UCS2:
    default:
      if (len >= 2 && (guchar) body[0] == 0xFE && (guchar) body[1] == 0xFF)
        body += 2, len -= 2;
      else if (len >= 2 && (guchar) body[0] == 0xFF && (guchar) body[1] == 0xFE)
        body += 2, len -= 2, from = "UTF-16LE";
      /* A line break typed after the UCS-2 text by a script. */
      if (len % 2 == 1 && body[len - 1] == '\n')
        len--;
      if (len % 2 == 1)
        {
          g_set_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_BAD_ENCODING,
                       _("The body is not UCS-2 as “Alphabet: %s” says: it has an odd number of bytes (%zu)."),
                       alphabet, len);
          return FALSE;
        }
      if (append_converted (out, body, len, from, &local))
        return TRUE;
      g_set_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_BAD_ENCODING,
                   _("The body is not UCS-2 as “Alphabet: %s” says: %s"),
                   alphabet, local->message);
      return FALSE;
    }
  g_set_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_BAD_ENCODING,
               _("The body cannot be read as ISO-8859-15: %s"), local->message);
  return FALSE;
}

/* Appends the header line @line in this router's meaning. */
static gboolean
append_header (GString *out, const Line *line, guint number, SrMessageAlphabet alphabet,
               gboolean international, GError **error)
{
  if (line_is (line, "To") && international && line->value_len > 0
      && g_ascii_isdigit (line->value[0]))
    g_string_append_printf (out, "To: +%.*s", (int) line->value_len, line->value);
  else if (line_is (line, "Alphabet"))
    g_string_append_printf (out, "Alphabet: %s", sr_message_alphabet_to_string (alphabet));
  else if (line_is (line, "Validity"))
    {
      g_autofree char *value = g_strndup (line->value, line->value_len);
      gint64 seconds;

      if (!sr_message_smstools3_validity (value, &seconds))
        {
          g_set_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_BAD_VALIDITY,
                       _("Validity “%s” on line %u is neither a code from 0 to 255 nor a number with min, hour, day, week, month or year."),
                       value, number);
          return FALSE;
        }
      g_string_append_printf (out, "Validity: %" G_GINT64_FORMAT "m", seconds / 60);
    }
  else
    g_string_append_len (out, line->start, (gssize) line->len);
  g_string_append_c (out, '\n');
  return TRUE;
}

gboolean
sr_message_smstools3_translate (const char *data, gsize len, char **out, gsize *out_len,
                                GError **error)
{
  g_autofree char *latin = NULL;
  g_autoptr(GString) native = NULL;
  const char *block = data;
  gsize header_end = 0, body_start = 0, block_len, pos = 0;
  SrMessageAlphabet alphabet = SR_MESSAGE_ALPHABET_AUTO;
  BodyCharset charset = BODY_8BIT;
  g_autofree char *alphabet_value = NULL;
  gboolean international = TRUE;
  guint number = 0;
  Line line;

  g_return_val_if_fail (out != NULL && out_len != NULL, FALSE);
  *out = NULL;
  *out_len = 0;
  if (!sr_message_split (data, len, &header_end, &body_start, NULL)
      || memchr (data, '\0', header_end) != NULL)
    return TRUE;   /* the parser says what is wrong */

  /* smstools3 writes its headers in an 8-bit charset too. */
  block_len = header_end;
  if (!g_utf8_validate_len (data, header_end, NULL))
    {
      gsize written = 0;
      latin = g_convert (data, (gssize) header_end, "UTF-8", "ISO-8859-15", NULL, &written,
                         NULL);
      if (latin == NULL)
        return TRUE;
      block = latin;
      block_len = written;
    }

  /* First the headers that decide how the others and the body are read. */
  while (next_line (block, block_len, &pos, &line))
    if (line_is (&line, "Alphabet") && line.value_len > 0)
      {
        int i = find_alphabet (line.value, line.value_len);

        alphabet_value = g_strndup (line.value, line.value_len);
        if (i < 0)
          {
            g_set_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_BAD_ALPHABET,
                         g_ascii_strncasecmp (alphabet_value, "bin", 3) == 0
                           ? _("Alphabet “%s”: binary messages are not supported.")
                           : _("Unknown Alphabet “%s”: use ISO, GSM, UCS or UTF-8."),
                         alphabet_value);
            return FALSE;
          }
        alphabet = alphabets[i].alphabet;
        charset = alphabets[i].charset;
      }
    else if (line_is (&line, "To_TOA"))
      /* National and Unknown numbers are sent as written: local here. */
      international = line.value_len < 3
                      || (g_ascii_strncasecmp (line.value, "nat", 3) != 0
                          && g_ascii_strncasecmp (line.value, "unk", 3) != 0);
    else if (line_is (&line, "Hex") && line.value_len > 0
             && (g_ascii_tolower (line.value[0]) == 'y' || line.value[0] == '1'))
      {
        g_set_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_BAD_ENCODING,
                     _("Hexadecimal bodies (Hex: yes) are not supported."));
        return FALSE;
      }

  native = g_string_sized_new (len + len / 2 + 16);
  pos = 0;
  while (next_line (block, block_len, &pos, &line))
    if (!append_header (native, &line, ++number, alphabet, international, error))
      return FALSE;
  g_string_append_c (native, '\n');
  if (!append_body (native, data + body_start, len - body_start, charset,
                    alphabet_value ? alphabet_value : "", error))
    return FALSE;
  *out_len = native->len;
  *out = g_string_free (g_steal_pointer (&native), FALSE);
  return TRUE;
}
