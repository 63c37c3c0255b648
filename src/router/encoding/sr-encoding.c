/* sr-encoding.c — the module's error domain and alphabet names. */
#define G_LOG_DOMAIN "sr-encoding"

#include "sr-encoding.h"

#include <glib/gi18n-lib.h>

G_DEFINE_QUARK (sr-encoding-error-quark, sr_encoding_error)

SrErrorClass
sr_encoding_error_class (const GError *error)
{
  g_return_val_if_fail (error != NULL, SR_ERROR_CLASS_NONE);

  if (error->domain != SR_ENCODING_ERROR)
    return SR_ERROR_CLASS_NONE;
  return error->code == SR_ENCODING_ERROR_TOO_LONG ? SR_ERROR_CLASS_TOO_LONG
                                                    : SR_ERROR_CLASS_INPUT;
}

/* Alphabet: header values as smstools3 and common usage spell them. */
static const struct {
  const char *name;
  SrAlphabet alphabet;
} alphabet_names[] = {
  { "auto", SR_ALPHABET_AUTO },
  { "UTF-8", SR_ALPHABET_AUTO },
  { "UTF8", SR_ALPHABET_AUTO },
  { "GSM", SR_ALPHABET_GSM },
  { "Chars", SR_ALPHABET_GSM },
  { "ISO", SR_ALPHABET_LATIN1 },
  { "Latin", SR_ALPHABET_LATIN1 },
  { "Latin1", SR_ALPHABET_LATIN1 },
  { "Latin-1", SR_ALPHABET_LATIN1 },
  { "ISO-8859-1", SR_ALPHABET_LATIN1 },
  { "Ansi", SR_ALPHABET_LATIN1 },
  { "UCS", SR_ALPHABET_UCS2 },
  { "UCS2", SR_ALPHABET_UCS2 },
  { "UCS-2", SR_ALPHABET_UCS2 },
};

gboolean
sr_alphabet_from_string (const char *s, SrAlphabet *out, GError **error)
{
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stripped = g_strstrip (g_strdup (s ? s : ""));
  if (*stripped == '\0') {
    *out = SR_ALPHABET_AUTO;
    return TRUE;
  }
  for (gsize i = 0; i < G_N_ELEMENTS (alphabet_names); i++) {
    if (g_ascii_strcasecmp (stripped, alphabet_names[i].name) == 0) {
      *out = alphabet_names[i].alphabet;
      return TRUE;
    }
  }
  g_set_error (error, SR_ENCODING_ERROR, SR_ENCODING_ERROR_BAD_ALPHABET,
               _("Unknown alphabet “%s” in the Alphabet: header (expected auto, GSM, ISO or UCS2)"),
               stripped);
  return FALSE;
}

const char *
sr_alphabet_to_string (SrAlphabet alphabet)
{
  switch (alphabet) {
  case SR_ALPHABET_AUTO: return "auto";
  case SR_ALPHABET_GSM: return "GSM";
  case SR_ALPHABET_LATIN1: return "ISO";
  case SR_ALPHABET_UCS2: return "UCS2";
  case SR_ALPHABET_IA5: return "IA5";
  case SR_ALPHABET_BINARY: return "binary";
  default: return "unknown";
  }
}

const char *
sr_alphabet_display_name (SrAlphabet alphabet)
{
  switch (alphabet) {
  case SR_ALPHABET_AUTO: return _("Automatic");
  case SR_ALPHABET_GSM: return _("GSM 7-bit");
  case SR_ALPHABET_LATIN1: return _("Latin-1");
  case SR_ALPHABET_UCS2: return _("UCS-2");
  case SR_ALPHABET_IA5: return _("IA5/ASCII");
  case SR_ALPHABET_BINARY: return _("Binary");
  default: return _("Unknown");
  }
}
