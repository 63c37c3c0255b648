/* sr-policy-private.h — the compiled policy, shared by the outbound and
 * inbound halves of the policy engine. */
#pragma once

#include "sr-policy.h"

G_BEGIN_DECLS

/* Lookup tables built once from the configuration. */
struct _SrPolicy {
  const SrConfig *config;
  SrPolicyStore store;
  GHashTable *alnum_denied;     /* country → present */
  GHashTable *no_split;         /* country → present */
  GHashTable *overrides;        /* country → SrAddress (owned) */
  GHashTable *inbound_numbers;  /* digits of our number → GPtrArray of SrAppConfig* */
  GPtrArray *keyword_apps;      /* apps with keywords and no inbound numbers */
};

/* TRUE if @number (E.164) starts with @prefix ('+' and spaces ignored). */
gboolean sr_policy_prefix_matches (const char *number, const char *prefix);

/* Builds inbound_numbers and keyword_apps from the apps of the config. */
void sr_policy_inbound_index (SrPolicy *policy);

G_END_DECLS
