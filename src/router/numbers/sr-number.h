/* sr-number.h — phone numbers: E.164 normalisation, country lookup and
 * sender address classification (TON/NPI), over libphonenumber.
 *
 * Every SR_NUMBER_ERROR is a message-specific failure of class "input"
 * (SR_ERROR_CLASS_INPUT): the number or sender in the message is wrong.
 *
 * Parsing with libphonenumber costs ~20 µs (strict E.164 text such as
 * "+41791234567" skips the parser: ~9 µs), so results are kept in a small
 * per-thread LRU cache keyed by (region, raw text); all functions are
 * thread-safe and do not allocate on a cache hit.
 */
#pragma once

#include <glib.h>

#include "sr-config.h"

G_BEGIN_DECLS

#define SR_NUMBER_ERROR (sr_number_error_quark ())
GQuark sr_number_error_quark (void);

/* Why a number or sender address was refused (all of class "input"). */
typedef enum {
  SR_NUMBER_ERROR_EMPTY,      /* no number at all */
  SR_NUMBER_ERROR_TOO_LONG,   /* raw text longer than SR_NUMBER_RAW_MAX bytes */
  SR_NUMBER_ERROR_INVALID,    /* not a valid number for the region */
  SR_NUMBER_ERROR_SENDER,     /* not usable as a sender (alphanumeric too long, non-GSM, ...) */
} SrNumberError;

/* "+" and at most 15 digits, NUL. */
#define SR_NUMBER_E164_SIZE 17
/* ISO 3166 alpha-2 ("CH"), or "001" for non-geographic numbers, NUL. */
#define SR_NUMBER_REGION_SIZE 4
/* Longest raw number text we try to parse. */
#define SR_NUMBER_RAW_MAX 64
/* SMPP source_addr / destination_addr hold at most 20 octets. */
#define SR_NUMBER_WIRE_MAX 20
/* SrAddress.addr: 20 digits, or 11 GSM characters in UTF-8 (≤ 2 bytes
 * each; the SMPP layer writes them as one octet each), and NUL. */
#define SR_NUMBER_ADDR_SIZE 24
/* Longest alphanumeric sender, in GSM characters. */
#define SR_NUMBER_ALNUM_MAX 11

/* SMPP type of number / numbering plan indicator values we use. */
enum {
  SR_TON_UNKNOWN = 0,
  SR_TON_INTERNATIONAL = 1,
  SR_TON_NATIONAL = 2,
  SR_TON_NETWORK_SPECIFIC = 3,
  SR_TON_ALPHANUMERIC = 5,
  SR_NPI_UNKNOWN = 0,
  SR_NPI_ISDN = 1,
};

/* What kind of address a sender (or inbound originator) is. */
typedef enum {
  SR_ADDRESS_INTERNATIONAL,  /* E.164; on the wire digits without '+', TON 1 NPI 1 */
  SR_ADDRESS_ALPHANUMERIC,   /* up to 11 GSM characters, TON 5 NPI 0 */
  SR_ADDRESS_SHORT_CODE,     /* 3-8 digits, TON/NPI from the provider (default 3/0) */
  SR_ADDRESS_NATIONAL,       /* national digits valid for the region, TON 2 NPI 1 */
} SrAddressKind;

/* A classified address, ready for an SMPP PDU; no heap memory. */
typedef struct {
  SrAddressKind kind;
  guint8 ton;
  guint8 npi;
  char addr[SR_NUMBER_ADDR_SIZE];      /* as sent on the wire (alphanumeric: UTF-8) */
  char e164[SR_NUMBER_E164_SIZE];      /* "" for alphanumeric and short codes */
  char region[SR_NUMBER_REGION_SIZE];  /* country of e164, "" if none */
} SrAddress;

/* Normalises @raw ("079 123 45 67", "0041 79…", "+41 79…") to E.164 using
 * @region (ISO alpha-2, may be NULL) for numbers without a country code.
 * Fills @e164 and, if not NULL, @country with the number's region.
 * Fails with SR_NUMBER_ERROR ("not a valid number for region CH: '12'"). */
gboolean sr_number_normalise (const char *raw,
                              const char *region,
                              char e164[SR_NUMBER_E164_SIZE],
                              char country[SR_NUMBER_REGION_SIZE],
                              GError **error);

/* Same, returning a newly allocated E.164 string or NULL. */
char *sr_number_to_e164 (const char *raw, const char *region, GError **error);

/* The region (ISO 3166 alpha-2, or "001" for non-geographic numbers) of an
 * E.164 number.  Returns FALSE (and "" in @country) when there is none. */
gboolean sr_number_region (const char *e164, char country[SR_NUMBER_REGION_SIZE]);

/* Classifies an outbound sender: "+41…"/"0041…" international, 3-8 digits
 * short code (TON/NPI from @provider's source_ton/source_npi when
 * @provider is not NULL, else 3/0), longer digits a national number valid
 * for @region, anything else alphanumeric (at most 11 GSM characters).
 * Sender numbers need only be possible numbers (right length for their
 * country), not in ranges the metadata knows: they are our own. */
gboolean sr_number_classify_sender (const char *sender,
                                    const char *region,
                                    const SrProviderConfig *provider,
                                    SrAddress *out,
                                    GError **error);

/* Normalises an inbound originator with the provider's @region: numbers
 * become E.164 (@ton 1 means the digits already carry the country code),
 * alphanumeric senders and short codes are kept as they are.  Only an empty
 * or over-long (more than 23 bytes) address fails. */
gboolean sr_number_normalise_inbound (const char *addr,
                                      guint8 ton,
                                      const char *region,
                                      SrAddress *out,
                                      GError **error);

/* TRUE if @region is an ISO 3166 alpha-2 code (any case) of a region
 * libphonenumber knows numbers of: "CH", "gg", "RE"; not "ZZ", "XY", "001". */
gboolean sr_number_region_is_known (const char *region);

const char *sr_address_kind_to_string (SrAddressKind kind);

/* Empties the calling thread's cache (tests, benchmarks). */
void sr_number_cache_clear (void);

G_END_DECLS
