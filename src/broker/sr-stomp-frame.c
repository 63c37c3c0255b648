/* sr-stomp-frame.c — STOMP 1.2 frame codec (no I/O). */
#include "sr-stomp-frame.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (sr-stomp-error-quark, sr_stomp_error)

#define DEFAULT_MAX_HEADER_BYTES (64 * 1024)
#define DEFAULT_MAX_HEADERS 128
#define DEFAULT_MAX_BODY_BYTES (1024 * 1024)
#define DEFAULT_OVERSIZED_KEEP 1024

SrStompFrame *
sr_stomp_frame_new (const char *command)
{
  g_return_val_if_fail (command != NULL, NULL);
  SrStompFrame *frame = g_new0 (SrStompFrame, 1);
  frame->command = g_strdup (command);
  frame->headers = g_ptr_array_new_with_free_func (g_free);
  frame->body = g_bytes_new (NULL, 0);
  return frame;
}

void
sr_stomp_frame_free (SrStompFrame *frame)
{
  if (frame == NULL)
    return;
  g_free (frame->command);
  g_ptr_array_unref (frame->headers);
  g_bytes_unref (frame->body);
  g_free (frame);
}

void
sr_stomp_frame_add_header (SrStompFrame *frame, const char *name, const char *value)
{
  g_return_if_fail (frame != NULL && name != NULL && value != NULL);
  g_ptr_array_add (frame->headers, g_strdup (name));
  g_ptr_array_add (frame->headers, g_strdup (value));
}

const char *
sr_stomp_frame_get_header (const SrStompFrame *frame, const char *name)
{
  g_return_val_if_fail (frame != NULL && name != NULL, NULL);
  for (guint i = 0; i + 1 < frame->headers->len; i += 2)
    if (strcmp (frame->headers->pdata[i], name) == 0)
      return frame->headers->pdata[i + 1];
  return NULL;
}

void
sr_stomp_frame_set_body (SrStompFrame *frame, const void *data, gsize len)
{
  g_return_if_fail (frame != NULL && (data != NULL || len == 0));
  g_bytes_unref (frame->body);
  frame->body = g_bytes_new (data, len);
}

/* CONNECT and CONNECTED keep their headers literal (STOMP 1.2, "Value Encoding"). */
static gboolean
command_escapes (const char *command)
{
  return strcmp (command, "CONNECT") != 0 && strcmp (command, "CONNECTED") != 0;
}

static void
append_escaped (GByteArray *out, const char *s, gboolean escape)
{
  for (; *s; s++)
    {
      const char *rep = NULL;
      if (escape)
        switch (*s)
          {
          case '\r': rep = "\\r"; break;
          case '\n': rep = "\\n"; break;
          case ':': rep = "\\c"; break;
          case '\\': rep = "\\\\"; break;
          default: break;
          }
      if (rep != NULL)
        g_byte_array_append (out, (const guint8 *) rep, 2);
      else
        g_byte_array_append (out, (const guint8 *) s, 1);
    }
}

GBytes *
sr_stomp_frame_serialize (const SrStompFrame *frame)
{
  g_return_val_if_fail (frame != NULL, NULL);
  gboolean escape = command_escapes (frame->command);
  gsize body_len = 0;
  const guint8 *body = g_bytes_get_data (frame->body, &body_len);
  GByteArray *out = g_byte_array_sized_new (64 + body_len);
  g_byte_array_append (out, (const guint8 *) frame->command, strlen (frame->command));
  g_byte_array_append (out, (const guint8 *) "\n", 1);
  for (guint i = 0; i + 1 < frame->headers->len; i += 2)
    {
      append_escaped (out, frame->headers->pdata[i], escape);
      g_byte_array_append (out, (const guint8 *) ":", 1);
      append_escaped (out, frame->headers->pdata[i + 1], escape);
      g_byte_array_append (out, (const guint8 *) "\n", 1);
    }
  if (body_len > 0 && sr_stomp_frame_get_header (frame, "content-length") == NULL)
    {
      char line[48];
      int n = g_snprintf (line, sizeof line, "content-length:%" G_GSIZE_FORMAT "\n", body_len);
      g_byte_array_append (out, (const guint8 *) line, n);
    }
  g_byte_array_append (out, (const guint8 *) "\n", 1);
  if (body_len > 0)
    g_byte_array_append (out, body, body_len);
  g_byte_array_append (out, (const guint8 *) "", 1);
  return g_byte_array_free_to_bytes (out);
}

/* ---- parser ------------------------------------------------------------ */

struct _SrStompParser {
  SrStompLimits limits;
  GByteArray *buf;
  gsize pos;                    /* start of the unparsed bytes in buf */
  gsize scan;                   /* bytes after pos already searched (header end or NUL) */
  SrStompFrame *pending;        /* headers parsed, body not complete */
  gsize body_start;             /* offset of the body in buf when pending */
  gssize content_length;        /* -1: body ends at the first NUL */
  gboolean skipping;            /* pending's body is over the limit: discarded as it comes */
  GByteArray *kept;             /* while skipping: the first bytes of the body */
  guint64 skipped;              /* while skipping: body bytes seen past those */
  guint64 heartbeats;
  GError *failed;               /* sticky: a broken stream stays broken */
};

SrStompParser *
sr_stomp_parser_new (const SrStompLimits *limits)
{
  SrStompParser *p = g_new0 (SrStompParser, 1);
  p->limits.max_header_bytes = limits && limits->max_header_bytes ? limits->max_header_bytes : DEFAULT_MAX_HEADER_BYTES;
  p->limits.max_headers = limits && limits->max_headers ? limits->max_headers : DEFAULT_MAX_HEADERS;
  p->limits.max_body_bytes = limits && limits->max_body_bytes ? limits->max_body_bytes : DEFAULT_MAX_BODY_BYTES;
  p->limits.oversized_keep = MIN (limits && limits->oversized_keep ? limits->oversized_keep
                                                                  : DEFAULT_OVERSIZED_KEEP,
                                  p->limits.max_body_bytes);
  p->buf = g_byte_array_new ();
  return p;
}

void
sr_stomp_parser_free (SrStompParser *parser)
{
  if (parser == NULL)
    return;
  g_byte_array_unref (parser->buf);
  if (parser->kept != NULL)
    g_byte_array_unref (parser->kept);
  sr_stomp_frame_free (parser->pending);
  g_clear_error (&parser->failed);
  g_free (parser);
}

void
sr_stomp_parser_feed (SrStompParser *parser, const void *data, gsize len)
{
  g_return_if_fail (parser != NULL && (data != NULL || len == 0));
  /* Drop what was parsed before growing: the buffer holds one frame at most
   * plus what came with it. */
  if (parser->pos > 0 && (parser->pending == NULL || parser->skipping))
    {
      g_byte_array_remove_range (parser->buf, 0, parser->pos);
      parser->pos = 0;
    }
  g_byte_array_append (parser->buf, data, len);
}

guint64
sr_stomp_parser_heartbeats (const SrStompParser *parser)
{
  return parser->heartbeats;
}

gsize
sr_stomp_parser_pending (const SrStompParser *parser)
{
  gsize n = parser->buf->len - parser->pos;
  return parser->skipping ? MAX (n, 1) : n;
}

static SrStompParseResult
parse_fail (SrStompParser *p, GError **error, SrStompError code, const char *fmt, ...) G_GNUC_PRINTF (4, 5);

static SrStompParseResult
parse_fail (SrStompParser *p, GError **error, SrStompError code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *text = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  p->failed = g_error_new_literal (SR_STOMP_ERROR, code, text);
  g_propagate_error (error, g_error_copy (p->failed));
  return SR_STOMP_PARSE_ERROR;
}

/* Undoes STOMP 1.2 header escaping; FALSE on an escape it does not define. */
static gboolean
unescape (const char *s, gsize len, gboolean escape, char **out)
{
  GString *r = g_string_sized_new (len);
  for (gsize i = 0; i < len; i++)
    {
      if (!escape || s[i] != '\\')
        {
          g_string_append_c (r, s[i]);
          continue;
        }
      if (++i == len)
        goto bad;
      switch (s[i])
        {
        case 'r': g_string_append_c (r, '\r'); break;
        case 'n': g_string_append_c (r, '\n'); break;
        case 'c': g_string_append_c (r, ':'); break;
        case '\\': g_string_append_c (r, '\\'); break;
        default: goto bad;
        }
    }
  *out = g_string_free (r, FALSE);
  return TRUE;
bad:
  g_string_free (r, TRUE);
  return FALSE;
}

static gboolean
valid_command (const char *s, gsize len)
{
  if (len == 0 || len > 32)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isupper (s[i]))
      return FALSE;
  return TRUE;
}

/* Parses the command and header lines in buf[start, end) (end is after the
 * last header line's LF, before the blank line). */
static SrStompParseResult
parse_head (SrStompParser *p, gsize start, gsize end, GError **error)
{
  const char *s = (const char *) p->buf->data;
  if (memchr (s + start, '\0', end - start) != NULL)
    return parse_fail (p, error, SR_STOMP_ERROR_SYNTAX, _("STOMP frame header holds a NUL byte"));
  gsize line = start;
  SrStompFrame *frame = NULL;
  guint n_headers = 0;
  p->content_length = -1;
  while (line < end)
    {
      const char *lf = memchr (s + line, '\n', end - line);
      gsize stop = lf - s, len = stop - line;
      if (len > 0 && s[line + len - 1] == '\r')
        len--;
      if (frame == NULL)
        {
          if (!valid_command (s + line, len))
            return parse_fail (p, error, SR_STOMP_ERROR_SYNTAX,
                               _("not a STOMP command: “%.*s”"), (int) MIN (len, 32), s + line);
          g_autofree char *command = g_strndup (s + line, len);
          frame = sr_stomp_frame_new (command);
          p->pending = frame;
        }
      else
        {
          const char *colon = memchr (s + line, ':', len);
          if (colon == NULL)
            return parse_fail (p, error, SR_STOMP_ERROR_SYNTAX,
                               _("STOMP header line without a colon in a %s frame"), frame->command);
          if (++n_headers > p->limits.max_headers)
            return parse_fail (p, error, SR_STOMP_ERROR_TOO_LARGE,
                               _("STOMP frame with more than %u headers"), p->limits.max_headers);
          gboolean escape = command_escapes (frame->command);
          char *name = NULL, *value = NULL;
          if (!unescape (s + line, colon - (s + line), escape, &name)
              || !unescape (colon + 1, s + line + len - (colon + 1), escape, &value))
            {
              g_free (name);
              return parse_fail (p, error, SR_STOMP_ERROR_SYNTAX,
                                 _("undefined escape sequence in a STOMP header of a %s frame"),
                                 frame->command);
            }
          g_ptr_array_add (frame->headers, name);
          g_ptr_array_add (frame->headers, value);
        }
      line = stop + 1;
    }
  const char *cl = sr_stomp_frame_get_header (frame, "content-length");
  if (cl != NULL)
    {
      guint64 n = 0;
      if (!g_ascii_string_to_unsigned (cl, 10, 0, G_MAXINT64, &n, NULL))
        return parse_fail (p, error, SR_STOMP_ERROR_SYNTAX, _("bad STOMP content-length “%s”"), cl);
      p->content_length = (gssize) n;
    }
  return SR_STOMP_PARSE_NEED_MORE;
}

/* Finds the blank line ending the headers; sets *end past it. */
static gboolean
find_head_end (SrStompParser *p, gsize *head_end, gsize *body_start)
{
  const guint8 *b = p->buf->data;
  gsize len = p->buf->len;
  for (gsize i = p->pos + p->scan; i < len; i++)
    {
      if (b[i] != '\n')
        continue;
      if (i + 1 >= len || (b[i + 1] == '\r' && i + 2 >= len))
        {
          p->scan = i - p->pos;
          return FALSE;
        }
      if (b[i + 1] == '\n' || (b[i + 1] == '\r' && b[i + 2] == '\n'))
        {
          *head_end = i + 1;
          *body_start = i + (b[i + 1] == '\n' ? 2 : 3);
          return TRUE;
        }
    }
  p->scan = len - p->pos;
  return FALSE;
}

/* Discards what is buffered of an oversized body, keeping its first bytes;
 * returns the frame once the body and its NUL are through. */
static SrStompParseResult
skip_body (SrStompParser *p, SrStompFrame **frame, GError **error)
{
  const guint8 *b = p->buf->data + p->pos;
  gsize avail = p->buf->len - p->pos, take;
  gboolean end = FALSE;
  if (p->content_length >= 0)
    {
      guint64 seen = p->kept->len + p->skipped;
      take = (gsize) MIN ((guint64) avail, (guint64) p->content_length - seen);
      if (take < avail)
        {
          if (b[take] != '\0')
            return parse_fail (p, error, SR_STOMP_ERROR_SYNTAX,
                               _("STOMP %s frame does not end with NUL after content-length bytes"),
                               p->pending->command);
          end = TRUE;
        }
    }
  else
    {
      const guint8 *nul = memchr (b, '\0', avail);
      take = nul != NULL ? (gsize) (nul - b) : avail;
      end = nul != NULL;
    }
  gsize keep = MIN (take, p->limits.oversized_keep - p->kept->len);
  g_byte_array_append (p->kept, b, keep);
  p->skipped += take - keep;
  p->pos += take + (end ? 1 : 0);
  /* Nothing before pos is needed any more: the buffer stays one read long. */
  g_byte_array_remove_range (p->buf, 0, p->pos);
  p->pos = 0;
  if (!end)
    return SR_STOMP_PARSE_NEED_MORE;
  sr_stomp_frame_set_body (p->pending, p->kept->data, p->kept->len);
  p->pending->body_skipped = p->skipped;
  *frame = g_steal_pointer (&p->pending);
  g_clear_pointer (&p->kept, g_byte_array_unref);
  p->skipping = FALSE;
  p->skipped = 0;
  p->scan = 0;
  return SR_STOMP_PARSE_OVERSIZED;
}

/* The pending frame's body is over the limit: from its first byte on, it is
 * skipped instead of buffered. */
static SrStompParseResult
start_skipping (SrStompParser *p, SrStompFrame **frame, GError **error)
{
  p->skipping = TRUE;
  p->kept = g_byte_array_sized_new (p->limits.oversized_keep);
  p->skipped = 0;
  p->pos = p->body_start;
  p->scan = 0;
  return skip_body (p, frame, error);
}

SrStompParseResult
sr_stomp_parser_next (SrStompParser *p, SrStompFrame **frame, GError **error)
{
  g_return_val_if_fail (p != NULL && frame != NULL, SR_STOMP_PARSE_ERROR);
  *frame = NULL;
  if (p->failed != NULL)
    {
      g_propagate_error (error, g_error_copy (p->failed));
      return SR_STOMP_PARSE_ERROR;
    }
  const guint8 *b = p->buf->data;
  gsize len = p->buf->len;

  if (p->pending == NULL)
    {
      /* Heart-beats: EOLs between frames. */
      while (p->pos < len && (b[p->pos] == '\n' || b[p->pos] == '\r'))
        {
          if (b[p->pos] == '\r')
            {
              if (p->pos + 1 >= len)
                return SR_STOMP_PARSE_NEED_MORE;
              if (b[p->pos + 1] != '\n')
                return parse_fail (p, error, SR_STOMP_ERROR_SYNTAX, _("stray carriage return between STOMP frames"));
              p->pos++;
            }
          p->pos++;
          p->heartbeats++;
        }
      if (p->pos == len)
        return SR_STOMP_PARSE_NEED_MORE;
      gsize head_end = 0, body_start = 0;
      if (!find_head_end (p, &head_end, &body_start))
        {
          if (len - p->pos > p->limits.max_header_bytes)
            return parse_fail (p, error, SR_STOMP_ERROR_TOO_LARGE,
                               _("STOMP frame headers longer than %zu bytes"),
                               p->limits.max_header_bytes);
          return SR_STOMP_PARSE_NEED_MORE;
        }
      if (head_end - p->pos > p->limits.max_header_bytes)
        return parse_fail (p, error, SR_STOMP_ERROR_TOO_LARGE,
                           _("STOMP frame headers longer than %zu bytes"),
                           p->limits.max_header_bytes);
      if (parse_head (p, p->pos, head_end, error) == SR_STOMP_PARSE_ERROR)
        return SR_STOMP_PARSE_ERROR;
      p->body_start = body_start;
      p->scan = 0;
    }

  gsize body_len;
  if (p->skipping)
    return skip_body (p, frame, error);
  if (p->content_length >= 0)
    {
      body_len = (gsize) p->content_length;
      if (body_len > p->limits.max_body_bytes)
        return start_skipping (p, frame, error);
      if (len - p->body_start < body_len + 1)
        return SR_STOMP_PARSE_NEED_MORE;
      if (b[p->body_start + body_len] != '\0')
        return parse_fail (p, error, SR_STOMP_ERROR_SYNTAX,
                           _("STOMP %s frame does not end with NUL after content-length bytes"),
                           p->pending->command);
    }
  else
    {
      const guint8 *nul = memchr (b + p->body_start + p->scan, '\0', len - p->body_start - p->scan);
      if (nul == NULL)
        {
          p->scan = len - p->body_start;
          if (p->scan > p->limits.max_body_bytes)
            return start_skipping (p, frame, error);
          return SR_STOMP_PARSE_NEED_MORE;
        }
      body_len = nul - (b + p->body_start);
      if (body_len > p->limits.max_body_bytes)
        return start_skipping (p, frame, error);
    }
  sr_stomp_frame_set_body (p->pending, b + p->body_start, body_len);
  *frame = g_steal_pointer (&p->pending);
  p->pos = p->body_start + body_len + 1;
  p->scan = 0;
  return SR_STOMP_PARSE_FRAME;
}
