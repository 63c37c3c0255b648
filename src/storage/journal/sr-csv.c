/* sr-csv.c — one CSV field, safe to open in a spreadsheet. */
#include "sr-csv.h"

#include <string.h>

/* Whether a spreadsheet (Excel, LibreOffice) would read a cell starting
 * with @c as a formula: the characters OWASP lists for CSV injection. */
static gboolean
starts_formula (char c)
{
  return c != '\0' && strchr ("=+-@\t\r", c) != NULL;
}

void
sr_csv_append_field (GString *out, const char *value, gboolean raw)
{
  g_return_if_fail (out != NULL);
  if (value == NULL || *value == '\0')
    return;
  gboolean neutralise = !raw && starts_formula (value[0]);
  if (!neutralise && strpbrk (value, ",\"\r\n") == NULL)
    {
      g_string_append (out, value);
      return;
    }
  g_string_append_c (out, '"');
  if (neutralise)
    g_string_append_c (out, '\'');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}
