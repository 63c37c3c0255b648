/* sr-number-private.h — the narrow C view of libphonenumber used by
 * sr-number.c; implemented in sr-number.cc. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Outcome of one libphonenumber parse. */
typedef enum {
  SR_PN_OK,
  SR_PN_NO_COUNTRY_CODE,  /* no '+'/00 and no usable default region */
  SR_PN_NOT_A_NUMBER,
  SR_PN_TOO_SHORT,
  SR_PN_TOO_LONG,
  SR_PN_NOT_VALID,        /* parsed, but not a valid number (or has an extension) */
  SR_PN_FAILED,           /* libphonenumber threw (out of memory) */
  SR_PN_UNSURE,           /* sr_pn_parse_e164_fast only: use the full parse */
} SrPnStatus;

/* Bytes of an @e164 buffer: '+', at most 15 digits, NUL. */
#define SR_PN_E164_SIZE 17
/* Digits after '+' that sr_pn_parse_e164_fast accepts. */
#define SR_PN_E164_MIN_DIGITS 7
#define SR_PN_E164_MAX_DIGITS 15

/* Parses @raw (NUL-terminated UTF-8) with default @region (NULL = none).
 * @strict: the number must be valid (assigned ranges); otherwise it only
 * has to be possible (right length for its country).  On SR_PN_OK fills
 * @e164 (17 bytes) and @country (4 bytes, "ZZ" if none). */
SrPnStatus sr_pn_parse (const char *raw, const char *region, gboolean strict,
                        char *e164, char *country);

/* The part of sr_pn_parse for strict E.164 text ('+' and 7-15 ASCII digits,
 * nothing else): builds the number Parse() would build, without parsing,
 * when the metadata shows Parse() could not strip a national prefix from
 * it.  Returns SR_PN_UNSURE when it cannot tell (then the full parse must
 * run); any other answer is the one sr_pn_parse_reference gives for any
 * default region. */
SrPnStatus sr_pn_parse_e164_fast (const char *raw, gboolean strict, char *e164, char *country);

/* The plain libphonenumber sequence (Parse, IsValidNumber or
 * IsPossibleNumber, Format, GetRegionCodeForNumber) that sr_pn_parse must
 * agree with; for tests and benchmarks. */
SrPnStatus sr_pn_parse_reference (const char *raw, const char *region, gboolean strict,
                                  char *e164, char *country);

/* TRUE if libphonenumber has metadata for the region code (upper case,
 * e.g. "CH"; "001" and "ZZ" are not regions). */
gboolean sr_pn_region_known (const char *region);

G_END_DECLS
