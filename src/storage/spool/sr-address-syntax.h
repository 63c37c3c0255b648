/* sr-address-syntax.h — the written shape of numbers and countries that
 * configuration, policy and the blacklist all accept.
 *
 * Only the shape: whether a number exists is libphonenumber's business
 * (src/router/numbers). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The longest E.164 string: '+' and 15 digits. */
#define SR_E164_MAX_LEN 16

/* '+' followed by 1 to 15 digits: an international number or a prefix of one. */
gboolean sr_address_is_e164 (const char *s);

/* Two ASCII letters, either case: an ISO 3166 alpha-2 region such as "CH". */
gboolean sr_address_is_region (const char *s);

G_END_DECLS
