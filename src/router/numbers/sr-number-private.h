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
} SrPnStatus;

/* Parses @raw (NUL-terminated UTF-8) with default @region (NULL = none).
 * @strict: the number must be valid (assigned ranges); otherwise it only
 * has to be possible (right length for its country).  On SR_PN_OK fills
 * @e164 (17 bytes) and @country (4 bytes, "ZZ" if none). */
SrPnStatus sr_pn_parse (const char *raw, const char *region, gboolean strict,
                        char *e164, char *country);

G_END_DECLS
