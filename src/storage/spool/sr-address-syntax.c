/* sr-address-syntax.c — shapes of E.164 numbers and region codes. */
#include "sr-address-syntax.h"

#include <string.h>

gboolean
sr_address_is_e164 (const char *s)
{
  if (s == NULL || s[0] != '+' || s[1] == '\0' || strlen (s) > SR_E164_MAX_LEN)
    return FALSE;
  for (const char *p = s + 1; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

gboolean
sr_address_is_region (const char *s)
{
  return s != NULL && strlen (s) == 2 && g_ascii_isalpha (s[0]) && g_ascii_isalpha (s[1]);
}
