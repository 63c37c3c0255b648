/* sr-encoding-private.h — helpers shared by the encoding module's files only. */
#pragma once

#include <glib.h>

/* Decodes one character of already validated UTF-8 at @p (which must be
 * before @end) and returns a pointer past it.  Inlined because splitting
 * walks every character of 25,000+ messages per second. */
static inline const char *
sr_utf8_next (const char *p, const char *end, gunichar *out)
{
  const guchar *s = (const guchar *) p;
  guchar c = s[0];

  if (c < 0x80) {
    *out = c;
    return p + 1;
  }
  if (c < 0xE0 && end - p >= 2) {
    *out = ((gunichar) (c & 0x1F) << 6) | (s[1] & 0x3F);
    return p + 2;
  }
  if (c < 0xF0 && end - p >= 3) {
    *out = ((gunichar) (c & 0x0F) << 12) | ((gunichar) (s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    return p + 3;
  }
  if (end - p >= 4) {
    *out = ((gunichar) (c & 0x07) << 18) | ((gunichar) (s[1] & 0x3F) << 12)
         | ((gunichar) (s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    return p + 4;
  }
  /* Not reached for validated input; never read past @end. */
  *out = 0xFFFD;
  return end;
}

/* Appends @c as UTF-8 to @s without a per-character allocation. */
static inline void
sr_utf8_append (GString *s, gunichar c)
{
  if (c < 0x80)
    g_string_append_c (s, (char) c);
  else
    g_string_append_unichar (s, c);
}

#define SR_REPLACEMENT_CHAR 0xFFFD

/* Appends a decoded character; NUL would cut the C string short, so it is
 * shown as U+FFFD and counted as undecodable. */
static inline void
sr_text_append (GString *s, gunichar c, guint *undecodable)
{
  if (G_UNLIKELY (c == 0)) {
    c = SR_REPLACEMENT_CHAR;
    if (undecodable)
      (*undecodable)++;
  }
  sr_utf8_append (s, c);
}
