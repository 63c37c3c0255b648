/* sr-message.c — parsing message files and reading the parsed message.
 *
 * The parser runs for every message on the hot path, so a parsed message is
 * one allocation: the struct, a few inline header slots and one private copy
 * of the file, in which header names, values and the text are cut out by
 * writing NUL bytes.  Strings set later are owned separately.
 */
#define G_LOG_DOMAIN "sr-message"

#include "sr-message-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (sr-message-error-quark, sr_message_error)

const char *const sr_message_known_names[KNOWN_COUNT] = {
  [KNOWN_TO] = "To",
  [KNOWN_FROM] = "From",
  [KNOWN_REFERENCE] = "Reference",
  [KNOWN_ALPHABET] = "Alphabet",
  [KNOWN_REPORT] = "Report",
  [KNOWN_VALIDITY] = "Validity",
  [KNOWN_FLASH] = "Flash",
  [KNOWN_CLASS] = "Class",
  [KNOWN_DEFERRED] = "Deferred",
};

KnownHeader
sr_message_known_header (const char *name)
{
  KnownHeader k;

  /* The first letter picks the only candidate: this runs for every header. */
  switch (g_ascii_tolower (name[0]))
    {
    case 't': k = KNOWN_TO; break;
    case 'f': k = g_ascii_tolower (name[1]) == 'r' ? KNOWN_FROM : KNOWN_FLASH; break;
    case 'r': k = g_ascii_tolower (name[2]) == 'f' ? KNOWN_REFERENCE : KNOWN_REPORT; break;
    case 'a': k = KNOWN_ALPHABET; break;
    case 'v': k = KNOWN_VALIDITY; break;
    case 'c': k = KNOWN_CLASS; break;
    case 'd': k = KNOWN_DEFERRED; break;
    default: return KNOWN_NONE;
    }
  return g_ascii_strcasecmp (name, sr_message_known_names[k]) == 0 ? k : KNOWN_NONE;
}

static inline gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

/* A short, valid-UTF-8 quote of a line for error messages. */
static char *
excerpt (const char *s, gsize len)
{
  const char *end = s + len;
  const char *p = s;
  guint n = 0;

  while (p < end && n < SR_MESSAGE_EXCERPT_CHARS)
    {
      const char *next = g_utf8_find_next_char (p, end);
      p = next ? next : end;
      n++;
    }
  if (p < end)
    return g_strdup_printf ("%.*s…", (int) (p - s), s);
  return g_strndup (s, len);
}

static guint
line_of_offset (const char *data, gsize offset)
{
  guint line = 1;
  for (gsize i = 0; i < offset; i++)
    if (data[i] == '\n')
      line++;
  return line;
}

/* Spaces, tabs and a CR only: an editor's "empty" line ends the headers too. */
static inline gboolean
is_blank_line (const char *s, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
      return FALSE;
  return TRUE;
}

gboolean
sr_message_split (const char *data, gsize len, gsize *header_end,
                  gsize *body_start, gboolean *crlf)
{
  gsize pos = 0;
  gboolean first = TRUE;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (crlf)
    *crlf = FALSE;
  while (pos < len)
    {
      const char *nl = memchr (data + pos, '\n', len - pos);
      gsize line_len;

      if (nl == NULL)
        return FALSE;
      line_len = (gsize) (nl - (data + pos));
      if (first)
        {
          if (crlf)
            *crlf = line_len > 0 && nl[-1] == '\r';
          first = FALSE;
        }
      if (is_blank_line (data + pos, line_len))
        {
          if (header_end)
            *header_end = pos;
          if (body_start)
            *body_start = pos + line_len + 1;
          return TRUE;
        }
      pos += line_len + 1;
    }
  return FALSE;
}

gboolean
sr_message_parse_alphabet (const char *value, SrMessageAlphabet *alphabet)
{
  /* smstools3 spellings and a few obvious synonyms. */
  static const struct { const char *name; SrMessageAlphabet alphabet; } table[] = {
    { "auto", SR_MESSAGE_ALPHABET_AUTO },
    { "utf-8", SR_MESSAGE_ALPHABET_AUTO },
    { "utf8", SR_MESSAGE_ALPHABET_AUTO },
    { "gsm", SR_MESSAGE_ALPHABET_GSM },
    { "default", SR_MESSAGE_ALPHABET_GSM },
    { "iso", SR_MESSAGE_ALPHABET_ISO },
    { "iso-8859-15", SR_MESSAGE_ALPHABET_ISO },
    { "iso-8859-1", SR_MESSAGE_ALPHABET_ISO },
    { "latin", SR_MESSAGE_ALPHABET_ISO },
    { "latin1", SR_MESSAGE_ALPHABET_ISO },
    { "latin-1", SR_MESSAGE_ALPHABET_ISO },
    { "ansi", SR_MESSAGE_ALPHABET_ISO },
    { "ucs", SR_MESSAGE_ALPHABET_UCS2 },
    { "ucs2", SR_MESSAGE_ALPHABET_UCS2 },
    { "ucs-2", SR_MESSAGE_ALPHABET_UCS2 },
    { "unicode", SR_MESSAGE_ALPHABET_UCS2 },
  };

  g_return_val_if_fail (value != NULL, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (g_ascii_strcasecmp (value, table[i].name) == 0)
      {
        if (alphabet)
          *alphabet = table[i].alphabet;
        return TRUE;
      }
  return FALSE;
}

const char *
sr_message_alphabet_to_string (SrMessageAlphabet alphabet)
{
  switch (alphabet)
    {
    case SR_MESSAGE_ALPHABET_GSM: return "GSM";
    case SR_MESSAGE_ALPHABET_ISO: return "ISO";
    case SR_MESSAGE_ALPHABET_UCS2: return "UCS2";
    case SR_MESSAGE_ALPHABET_AUTO:
    default: return "auto";
    }
}

gboolean
sr_message_parse_validity (const char *value, gint64 *seconds)
{
  static const struct { const char *unit; gint64 seconds; } units[] = {
    { "", 60 }, { "m", 60 }, { "min", 60 }, { "mins", 60 }, { "minute", 60 },
    { "minutes", 60 }, { "h", 3600 }, { "hour", 3600 }, { "hours", 3600 },
    { "d", 86400 }, { "day", 86400 }, { "days", 86400 },
    { "w", 604800 }, { "week", 604800 }, { "weeks", 604800 },
  };
  const char *p = value;
  gint64 n = 0;
  guint digits = 0;

  g_return_val_if_fail (value != NULL, FALSE);

  while (is_blank (*p))
    p++;
  if (g_ascii_strcasecmp (p, "max") == 0 || g_ascii_strcasecmp (p, "maximum") == 0)
    {
      if (seconds)
        *seconds = SR_MESSAGE_VALIDITY_MAX;
      return TRUE;
    }
  for (; g_ascii_isdigit (*p); p++)
    {
      if (++digits > 9)
        return FALSE;
      n = n * 10 + (*p - '0');
    }
  if (digits == 0 || n == 0)
    return FALSE;
  while (is_blank (*p))
    p++;
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (g_ascii_strcasecmp (p, units[i].unit) == 0)
      {
        gint64 s = n * units[i].seconds;
        if (s > SR_MESSAGE_VALIDITY_MAX)
          return FALSE;
        if (seconds)
          *seconds = s;
        return TRUE;
      }
  return FALSE;
}

static gboolean
parse_yes_no (const char *value, SrMessageOption *option)
{
  static const char *const yes[] = { "yes", "y", "true", "on", "1" };
  static const char *const no[] = { "no", "n", "false", "off", "0" };

  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    if (g_ascii_strcasecmp (value, yes[i]) == 0)
      {
        *option = SR_MESSAGE_OPTION_YES;
        return TRUE;
      }
  for (guint i = 0; i < G_N_ELEMENTS (no); i++)
    if (g_ascii_strcasecmp (value, no[i]) == 0)
      {
        *option = SR_MESSAGE_OPTION_NO;
        return TRUE;
      }
  return FALSE;
}

void
sr_message_add_header (SrMessage *msg, const char *name, const char *value)
{
  if (msg->n_headers == msg->cap_headers)
    {
      guint cap = msg->cap_headers * 2;
      if (msg->headers == msg->inline_headers)
        {
          msg->headers = g_new (SrMessageHeader, cap);
          memcpy (msg->headers, msg->inline_headers,
                  sizeof (SrMessageHeader) * msg->n_headers);
        }
      else
        msg->headers = g_renew (SrMessageHeader, msg->headers, cap);
      msg->cap_headers = cap;
    }
  msg->headers[msg->n_headers].name = name;
  msg->headers[msg->n_headers].value = value;
  msg->n_headers++;
}

SrMessage *
sr_message_alloc (gsize buf_len)
{
  SrMessage *msg = g_malloc (sizeof (SrMessage) + buf_len);

  memset (msg, 0, sizeof (SrMessage));
  msg->headers = msg->inline_headers;
  msg->cap_headers = SR_MESSAGE_INLINE_HEADERS;
  msg->validity = -1;
  msg->message_class = -1;
  msg->deferred = -1;
  return msg;
}

/* Applies a known header's value; on failure sets @error naming @line. */
static gboolean
apply_known (SrMessage *msg, KnownHeader k, const char *value, guint line,
             GError **error)
{
  switch (k)
    {
    case KNOWN_TO:
      if (*value == '\0')
        {
          g_set_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_MISSING_TO,
                       _("The To header on line %u is empty: it must name the recipient's number."),
                       line);
          return FALSE;
        }
      msg->to = value;
      return TRUE;
    case KNOWN_FROM:
      msg->from = *value ? value : NULL;
      return TRUE;
    case KNOWN_REFERENCE:
      msg->reference = *value ? value : NULL;
      return TRUE;
    case KNOWN_ALPHABET:
      if (!sr_message_parse_alphabet (value, &msg->alphabet))
        {
          g_set_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_BAD_ALPHABET,
                       _("Unknown Alphabet “%s” on line %u: use auto, GSM, ISO or UCS2."),
                       value, line);
          return FALSE;
        }
      return TRUE;
    case KNOWN_REPORT:
      if (!parse_yes_no (value, &msg->report))
        {
          g_set_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_BAD_REPORT,
                       _("Report on line %u must be yes or no, not “%s”."),
                       line, value);
          return FALSE;
        }
      return TRUE;
    case KNOWN_FLASH:
      if (!parse_yes_no (value, &msg->flash))
        {
          g_set_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_BAD_FLASH,
                       _("Flash on line %u must be yes or no, not “%s”."),
                       line, value);
          return FALSE;
        }
      return TRUE;
    case KNOWN_VALIDITY:
      if (!sr_message_parse_validity (value, &msg->validity))
        {
          g_set_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_BAD_VALIDITY,
                       _("Validity “%s” on line %u is not a period of up to 63 weeks: use e.g. 90m, 24h, 3d, 1w or max."),
                       value, line);
          return FALSE;
        }
      return TRUE;
    case KNOWN_CLASS:
      /* smstools3 writes -1 for "no class" */
      if (strcmp (value, "-1") == 0)
        return TRUE;
      if (value[0] < '0' || value[0] > '3' || value[1] != '\0')
        {
          g_set_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_BAD_CLASS,
                       _("Class “%s” on line %u is not a message class: use 0 (flash), 1, 2 or 3."),
                       value, line);
          return FALSE;
        }
      msg->message_class = value[0] - '0';
      return TRUE;
    case KNOWN_DEFERRED:
      if (!sr_message_parse_validity (value, &msg->deferred))
        {
          g_set_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_BAD_DEFERRED,
                       _("Deferred “%s” on line %u is not a period of up to 63 weeks: use e.g. 10m, 2h or 1d."),
                       value, line);
          return FALSE;
        }
      return TRUE;
    case KNOWN_NONE:
    case KNOWN_COUNT:
    default:
      return TRUE;
    }
}

/* A header name: printable ASCII without spaces (RFC 5322 ftext), not empty. */
static gboolean
valid_name (const char *start, const char *end)
{
  if (start == end)
    return FALSE;
  for (const char *c = start; c < end; c++)
    if ((guchar) *c <= ' ' || (guchar) *c >= 127)
      return FALSE;
  return TRUE;
}

/* Parses the header lines in msg->buf[0, end); writes NULs in place. */
static gboolean
parse_headers (SrMessage *msg, gsize end, GError **error)
{
  char *buf = msg->buf;
  gsize pos = 0;
  guint line = 0;
  guint seen_line[KNOWN_COUNT] = { 0 };

  if (end >= 3 && memcmp (buf, "\xEF\xBB\xBF", 3) == 0)
    pos = 3;   /* a byte order mark from a Windows editor */

  while (pos < end)
    {
      char *ls = buf + pos;
      char *nl = memchr (ls, '\n', end - pos);   /* always found before end */
      char *le = nl;
      char *colon, *name_end, *value;
      KnownHeader k;

      line++;
      pos = (gsize) (nl - buf) + 1;
      if (le > ls && le[-1] == '\r')
        le--;
      colon = memchr (ls, ':', (gsize) (le - ls));
      if (colon == NULL)
        {
          g_autofree char *quote = excerpt (ls, (gsize) (le - ls));
          g_set_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_NO_COLON,
                       _("Header line %u has no colon: “%s” (headers are “Name: value” lines, ended by a blank line)."),
                       line, quote);
          return FALSE;
        }
      name_end = colon;
      while (name_end > ls && is_blank (name_end[-1]))
        name_end--;
      if (!valid_name (ls, name_end))
        {
          g_autofree char *quote = excerpt (ls, (gsize) (le - ls));
          g_set_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_BAD_HEADER_NAME,
                       name_end == ls
                         ? _("Header line %u has no name before the colon: “%s”.")
                         : _("Header line %u has a name with spaces or non-ASCII characters: “%s”."),
                       line, quote);
          return FALSE;
        }
      value = colon + 1;
      while (value < le && is_blank (*value))
        value++;
      while (le > value && is_blank (le[-1]))
        le--;
      for (const char *c = value; c < le; c = g_utf8_next_char (c))
        if (sr_message_char_breaks_line (g_utf8_get_char (c)))
          {
            /* A bare CR or NEL would end the line for some readers and
             * not for others: the same file must not mean two things. */
            g_autofree char *quote = excerpt (ls, (gsize) (le - ls));
            for (char *q = quote; *q; q++)
              if ((guchar) *q < 0x20)
                *q = '?';
            g_set_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_BAD_HEADER_VALUE,
                         _("Header line %u has a control character in its value: “%s”."),
                         line, quote);
            return FALSE;
          }
      *name_end = '\0';
      *le = '\0';

      k = sr_message_known_header (ls);
      if (k != KNOWN_NONE)
        {
          if (seen_line[k])
            {
              g_set_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_DUPLICATE_HEADER,
                           _("Header %s is given twice, on lines %u and %u."),
                           sr_message_known_names[k], seen_line[k], line);
              return FALSE;
            }
          seen_line[k] = line;
          if (!apply_known (msg, k, value, line, error))
            return FALSE;
        }
      sr_message_add_header (msg, ls, value);
    }
  return TRUE;
}

/* Cuts the text out of the body in place: CRLF → LF, trailing breaks off. */
static void
cut_text (SrMessage *msg, gsize body_start, gsize len)
{
  char *text = msg->buf + body_start;
  gsize n = len - body_start;

  if (memchr (text, '\r', n) != NULL)
    {
      gsize w = 0;
      for (gsize r = 0; r < n; r++)
        if (!(text[r] == '\r' && r + 1 < n && text[r + 1] == '\n'))
          text[w++] = text[r];
      n = w;
    }
  while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
    n--;
  text[n] = '\0';
  msg->text = text;
  msg->text_len = n;
}

SrMessage *
sr_message_parse (const char *data, gsize len, gsize max_size, GError **error)
{
  g_autoptr (SrMessage) msg = NULL;
  gsize header_end = 0, body_start = 0;
  gboolean split;
  const char *nul, *bad;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (max_size == 0)
    max_size = SR_MESSAGE_DEFAULT_MAX_SIZE;
  if (len > max_size)
    {
      g_set_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_TOO_LARGE,
                   _("The message file is %zu bytes, over the limit of %zu bytes."),
                   len, max_size);
      return NULL;
    }

  if (len == 0)
    {
      g_set_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_EMPTY_FILE,
                   _("The message file is empty (0 bytes)."));
      return NULL;
    }

  split = sr_message_split (data, len, &header_end, &body_start, NULL);

  nul = len ? memchr (data, '\0', len) : NULL;
  if (nul != NULL)
    {
      gsize off = (gsize) (nul - data);
      g_set_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_NUL_BYTE,
                   split && off >= body_start
                     ? _("The message file contains a NUL byte at byte offset %zu (line %u, in the body): it is binary, not text.")
                     : _("The message file contains a NUL byte at byte offset %zu (line %u, in the header): it is binary, not text."),
                   off, line_of_offset (data, off));
      return NULL;
    }
  if (!g_utf8_validate_len (data, len, &bad))
    {
      gsize off = (gsize) (bad - data);
      g_set_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_INVALID_UTF8,
                   split && off >= body_start
                     ? _("The message file is not valid UTF-8: bad byte at offset %zu (line %u, in the body).")
                     : _("The message file is not valid UTF-8: bad byte at offset %zu (line %u, in the header)."),
                   off, line_of_offset (data, off));
      return NULL;
    }
  if (!split)
    {
      g_set_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_NO_SEPARATOR,
                   _("The message file has no blank line between the headers and the body."));
      return NULL;
    }

  msg = sr_message_alloc (len + 1);
  memcpy (msg->buf, data, len);
  msg->buf[len] = '\0';

  if (!parse_headers (msg, header_end, error))
    return NULL;
  /* A front end that could not take the message whole (the broker bridge
   * with a body over the limit) still hands it over, to be a dead letter
   * with its reason instead of vanishing. */
  const char *marked = sr_message_lookup (msg, SR_MESSAGE_INPUT_ERROR_HEADER);
  if (marked != NULL)
    {
      g_set_error_literal (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_MARKED_BAD,
                           *marked ? marked : _("The message file is marked as bad input."));
      return NULL;
    }
  if (msg->to == NULL)
    {
      g_set_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_MISSING_TO,
                   _("The message file has no To header: it must name the recipient's number."));
      return NULL;
    }

  {
    gboolean empty = TRUE;
    for (gsize i = body_start; i < len && empty; i++)
      if (!g_ascii_isspace (data[i]))
        empty = FALSE;
    if (empty)
      {
        g_set_error (error, SR_MESSAGE_ERROR, SR_MESSAGE_ERROR_EMPTY_BODY,
                     _("The message body (after the blank line, line %u) is empty: there is no text to send."),
                     line_of_offset (data, body_start));
        return NULL;
      }
  }

  cut_text (msg, body_start, len);
  return g_steal_pointer (&msg);
}

SrMessage *
sr_message_parse_dialect (const char *data, gsize len, gsize max_size,
                          SrMessageDialect dialect, GError **error)
{
  g_autofree char *native = NULL;
  gsize native_len = 0;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (dialect != SR_MESSAGE_DIALECT_SMSTOOLS3)
    return sr_message_parse (data, len, max_size, error);
  if (max_size == 0)
    max_size = SR_MESSAGE_DEFAULT_MAX_SIZE;
  if (len == 0 || len > max_size)
    return sr_message_parse (data, len, max_size, error);
  if (!sr_message_smstools3_translate (data, len, &native, &native_len, error))
    return NULL;
  if (native == NULL)
    return sr_message_parse (data, len, max_size, error);
  /* Decoding may grow the file (ISO-8859-15 to UTF-8): the limit was for its bytes. */
  return sr_message_parse (native, native_len, MAX (max_size, native_len), error);
}

void
sr_message_free (SrMessage *msg)
{
  if (msg == NULL)
    return;
  if (msg->headers != msg->inline_headers)
    g_free (msg->headers);
  if (msg->owned)
    g_ptr_array_unref (msg->owned);
  g_free (msg);
}

const char *
sr_message_get_to (const SrMessage *msg)
{
  g_return_val_if_fail (msg != NULL, NULL);
  return msg->to;
}

const char *
sr_message_get_from (const SrMessage *msg)
{
  g_return_val_if_fail (msg != NULL, NULL);
  return msg->from;
}

const char *
sr_message_get_reference (const SrMessage *msg)
{
  g_return_val_if_fail (msg != NULL, NULL);
  return msg->reference;
}

SrMessageAlphabet
sr_message_get_alphabet (const SrMessage *msg)
{
  g_return_val_if_fail (msg != NULL, SR_MESSAGE_ALPHABET_AUTO);
  return msg->alphabet;
}

SrMessageOption
sr_message_get_report (const SrMessage *msg)
{
  g_return_val_if_fail (msg != NULL, SR_MESSAGE_OPTION_UNSET);
  return msg->report;
}

SrMessageOption
sr_message_get_flash (const SrMessage *msg)
{
  g_return_val_if_fail (msg != NULL, SR_MESSAGE_OPTION_UNSET);
  return msg->flash;
}

gint64
sr_message_get_validity (const SrMessage *msg)
{
  g_return_val_if_fail (msg != NULL, -1);
  return msg->validity;
}

gint
sr_message_get_class (const SrMessage *msg)
{
  g_return_val_if_fail (msg != NULL, -1);
  return msg->message_class;
}

gint64
sr_message_get_deferred (const SrMessage *msg)
{
  g_return_val_if_fail (msg != NULL, -1);
  return msg->deferred;
}

const char *
sr_message_get_text (const SrMessage *msg, gsize *len)
{
  g_return_val_if_fail (msg != NULL, NULL);
  if (len)
    *len = msg->text_len;
  return msg->text;
}

guint
sr_message_get_n_headers (const SrMessage *msg)
{
  g_return_val_if_fail (msg != NULL, 0);
  return msg->n_headers;
}

void
sr_message_get_header (const SrMessage *msg, guint i, const char **name,
                       const char **value)
{
  g_return_if_fail (msg != NULL);
  g_return_if_fail (i < msg->n_headers);
  if (name)
    *name = msg->headers[i].name;
  if (value)
    *value = msg->headers[i].value;
}

const char *
sr_message_lookup (const SrMessage *msg, const char *name)
{
  g_return_val_if_fail (msg != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  for (guint i = 0; i < msg->n_headers; i++)
    if (g_ascii_strcasecmp (msg->headers[i].name, name) == 0)
      return msg->headers[i].value;
  return NULL;
}

