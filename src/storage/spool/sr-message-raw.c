/* sr-message-raw.c — byte-level edits of message files.
 *
 * Finished files (sent/, dead/) and retried dead letters are produced from
 * the original bytes, not from a parsed message: a file the parser rejected
 * must still reach dead/ intact, and the body an app wrote is never
 * rewritten.  Only whole header lines are added or removed.
 */
#define G_LOG_DOMAIN "sr-message"

#include "sr-message.h"

#include <string.h>

static gboolean name_matches (const char *name, gsize name_len, const char *pattern);
static char *build_finished (const char *data, gsize len, const char *const *extra_headers,
                             gsize *out_len);

/* The name of the header line starting at @pos (@line_len bytes with its
 * newline): a leading BOM and the blanks before the colon are not part of
 * it.  FALSE for a line without a colon. */
static gboolean
header_line_name (const char *data, gsize pos, gsize line_len, const char **name,
                  gsize *name_len)
{
  const char *ls = data + pos;
  const char *colon = memchr (ls, ':', line_len);
  const char *start = ls;

  if (colon == NULL)
    return FALSE;
  if (pos == 0 && line_len >= 3 && memcmp (ls, "\xEF\xBB\xBF", 3) == 0)
    start += 3;
  while (colon > start && (colon[-1] == ' ' || colon[-1] == '\t'))
    colon--;
  *name = start;
  *name_len = (gsize) (colon - start);
  return TRUE;
}

/* Where the lines an earlier finish added begin in data[0, header_end):
 * the header block ends with one line per name of the name, value pairs
 * @pairs, in their order, as build_finished() writes them.  @header_end
 * when it does not: a header of the same name the app wrote itself (its
 * own X-SMSC-Id, say) is the app's and stays. */
static gsize
added_before (const char *data, gsize header_end, const char *const *pairs)
{
  g_autoptr(GArray) starts = g_array_new (FALSE, FALSE, sizeof (gsize));
  guint n_pairs = 0;
  gsize pos = 0;

  while (pairs[2 * n_pairs] != NULL)
    n_pairs++;
  while (pos < header_end)
    {
      const char *nl = memchr (data + pos, '\n', header_end - pos);

      g_array_append_val (starts, pos);
      pos += nl ? (gsize) (nl - (data + pos)) + 1 : header_end - pos;
    }
  if (n_pairs == 0 || starts->len < n_pairs)
    return header_end;
  for (guint i = 0; i < n_pairs; i++)
    {
      guint line = starts->len - n_pairs + i;
      gsize start = g_array_index (starts, gsize, line);
      gsize next = line + 1 < starts->len ? g_array_index (starts, gsize, line + 1) : header_end;
      const char *name;
      gsize name_len;

      if (!header_line_name (data, start, next - start, &name, &name_len)
          || !name_matches (name, name_len, pairs[2 * i]))
        return header_end;
    }
  return g_array_index (starts, gsize, starts->len - n_pairs);
}

char *
sr_message_build_finished (const char *data, gsize len,
                           const char *const *extra_headers, gsize *out_len)
{
  gsize header_end = 0, body_start = 0, added;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (extra_headers && extra_headers[0]
      && sr_message_split (data, len, &header_end, &body_start, NULL)
      && (added = added_before (data, header_end, extra_headers)) < header_end)
    {
      /* Finished before (a crash between writing and moving the file):
       * the lines added then go, so finishing twice equals finishing once. */
      g_autoptr(GString) unfinished = g_string_new_len (data, (gssize) added);

      g_string_append_len (unfinished, data + header_end, (gssize) (len - header_end));
      return build_finished (unfinished->str, unfinished->len, extra_headers, out_len);
    }
  return build_finished (data, len, extra_headers, out_len);
}

/* The original headers, @extra_headers, the blank line and the body. */
static char *
build_finished (const char *data, gsize len, const char *const *extra_headers, gsize *out_len)
{
  gsize header_end = 0, body_start = 0;
  gboolean crlf = FALSE;
  GString *out;

  out = g_string_sized_new (len + 256);
  /* An empty header block (the file starts with its blank line) is kept
   * with the body, like a file without one: stripping the added headers
   * then removes the blank line we add and gives back the file unchanged. */
  if (sr_message_split (data, len, &header_end, &body_start, &crlf) && header_end > 0)
    {
      g_string_append_len (out, data, (gssize) header_end);
      sr_message_append_headers (out, extra_headers, crlf);
      g_string_append_len (out, data + header_end, (gssize) (len - header_end));
    }
  else
    {
      /* No header block we can trust: the whole file becomes the body. */
      sr_message_append_headers (out, extra_headers, crlf);
      g_string_append (out, crlf ? "\r\n" : "\n");
      g_string_append_len (out, data, (gssize) len);
    }
  if (out_len)
    *out_len = out->len;
  return g_string_free (out, FALSE);
}

static gboolean
name_matches (const char *name, gsize name_len, const char *pattern)
{
  gsize plen = strlen (pattern);

  if (plen > 0 && pattern[plen - 1] == '*')
    return name_len >= plen - 1
           && g_ascii_strncasecmp (name, pattern, plen - 1) == 0;
  return name_len == plen && g_ascii_strncasecmp (name, pattern, plen) == 0;
}

static gboolean
matches_any (const char *name, gsize name_len, const char *const *patterns)
{
  if (patterns == NULL)
    return FALSE;
  for (guint i = 0; patterns[i] != NULL; i++)
    if (name_matches (name, name_len, patterns[i]))
      return TRUE;
  return FALSE;
}

/* Index of the name/value pair in @set for this header name, or -1. */
static int
find_set (const char *name, gsize name_len, const char *const *set)
{
  if (set == NULL)
    return -1;
  for (int i = 0; set[i] != NULL; i += 2)
    if (name_matches (name, name_len, set[i]))
      return i;
  return -1;
}

char *
sr_message_edit_raw (const char *data, gsize len,
                     const char *const *patterns, const char *const *set,
                     const char *new_body, gsize *out_len)
{
  gsize header_end = 0, body_start = 0, pos = 0;
  gboolean crlf = FALSE;
  gboolean split;
  guint n_set = 0;
  g_autofree gboolean *applied = NULL;
  GString *out;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (set)
    while (set[n_set] != NULL)
      n_set += 2;
  applied = g_new0 (gboolean, n_set / 2 + 1);

  split = sr_message_split (data, len, &header_end, &body_start, &crlf);
  if (!split)
    {
      /* No header block: the whole file is body. */
      header_end = 0;
      body_start = 0;
    }

  out = g_string_sized_new (len + 64);
  while (pos < header_end)
    {
      const char *ls = data + pos;
      const char *nl = memchr (ls, '\n', header_end - pos);
      gsize line_len = (gsize) (nl - ls) + 1;
      const char *name;
      gsize name_len;

      pos += line_len;
      if (header_line_name (data, pos - line_len, line_len, &name, &name_len))
        {
          int s;

          if (matches_any (name, name_len, patterns))
            continue;
          s = find_set (name, name_len, set);
          if (s >= 0)
            {
              if (!applied[s / 2])
                {
                  const char *pair[] = { set[s], set[s + 1], NULL };
                  if (name != ls)
                    g_string_append_len (out, ls, name - ls);   /* keep the BOM */
                  sr_message_append_headers (out, pair, crlf);
                  applied[s / 2] = TRUE;
                }
              continue;
            }
        }
      g_string_append_len (out, ls, (gssize) line_len);
    }
  for (guint i = 0; i < n_set; i += 2)
    if (!applied[i / 2])
      {
        const char *pair[] = { set[i], set[i + 1], NULL };
        sr_message_append_headers (out, pair, crlf);
      }

  if (out->len > 0)
    {
      if (split)
        g_string_append_len (out, data + header_end, (gssize) (body_start - header_end));
      else
        g_string_append (out, crlf ? "\r\n" : "\n");
    }
  if (new_body != NULL)
    g_string_append (out, new_body);
  else
    g_string_append_len (out, data + body_start, (gssize) (len - body_start));

  if (out_len)
    *out_len = out->len;
  return g_string_free (out, FALSE);
}

char *
sr_message_strip_headers (const char *data, gsize len,
                          const char *const *patterns, gsize *out_len)
{
  return sr_message_edit_raw (data, len, patterns, NULL, NULL, out_len);
}
