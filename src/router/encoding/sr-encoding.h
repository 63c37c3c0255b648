/* sr-encoding.h — types shared by the text encoding and splitting module.
 *
 * The module turns UTF-8 message bodies into SMPP short_message bytes
 * (GSM 03.38, UCS-2/UTF-16BE, Latin-1), splits long texts into concatenated
 * parts, and decodes what SMSCs deliver.  Its headers:
 *   sr-gsm7.h   GSM 03.38 tables, septets, packing
 *   sr-ucs2.h   UTF-16BE, Latin-1 and IA5 conversions
 *   sr-udh.h    user data headers (concatenation)
 *   sr-split.h  alphabet choice, counting and splitting (outbound)
 *   sr-decode.h decoding by data_coding (inbound)
 */
#pragma once

#include <glib.h>
#include "sr-error-class.h"

G_BEGIN_DECLS

#define SR_ENCODING_ERROR (sr_encoding_error_quark ())
GQuark sr_encoding_error_quark (void);

/* Why a text could not be encoded, split or parsed. */
typedef enum {
  SR_ENCODING_ERROR_INVALID_UTF8,     /* the body is not valid UTF-8 (class input) */
  SR_ENCODING_ERROR_UNREPRESENTABLE,  /* the forced alphabet cannot carry the text (input) */
  SR_ENCODING_ERROR_BAD_ALPHABET,     /* unknown Alphabet: header value (input) */
  SR_ENCODING_ERROR_TOO_LONG,         /* more parts than allowed (too-long) */
  SR_ENCODING_ERROR_BAD_UDH,          /* malformed user data header (input) */
} SrEncodingError;

/* The character set a text is written in, on the wire or on request. */
typedef enum {
  SR_ALPHABET_AUTO = 0,   /* GSM if every character fits, else UCS-2 (requests only) */
  SR_ALPHABET_GSM,        /* GSM 03.38 default alphabet + extension table */
  SR_ALPHABET_LATIN1,     /* ISO-8859-1, data_coding 3 ("ISO" in Alphabet:) */
  SR_ALPHABET_UCS2,       /* UTF-16BE, data_coding 8 */
  SR_ALPHABET_IA5,        /* IA5 / ASCII, data_coding 1 (inbound only) */
  SR_ALPHABET_BINARY,     /* 8-bit data, kept as hex (inbound only) */
} SrAlphabet;

/* Maps an error of this domain to the class the router dead-letters it with. */
SrErrorClass sr_encoding_error_class (const GError *error);

/* Parses an Alphabet: header value (smstools3 names, case-insensitive):
 * auto/empty/UTF-8 → AUTO; GSM/Chars → GSM; ISO/Latin/Latin1/Latin-1/ISO-8859-1/Ansi
 * → LATIN1; UCS/UCS2/UCS-2 → UCS2.  Anything else: SR_ENCODING_ERROR_BAD_ALPHABET. */
gboolean sr_alphabet_from_string (const char *s, SrAlphabet *out, GError **error);

/* Stable name for headers and the journal: "auto", "GSM", "ISO", "UCS2", "IA5", "binary". */
const char *sr_alphabet_to_string (SrAlphabet alphabet);

/* Name for operators (translated): "GSM 7-bit", "UCS-2", "Latin-1", ... */
const char *sr_alphabet_display_name (SrAlphabet alphabet);

G_END_DECLS
