/* sr-policy.h — the policy engine: may this message go out, with which
 * sender; may this inbound SMS reach this app; which app gets it.
 *
 * Outbound rules run in the order of DESIGN.md and the first refusing rule
 * is reported: blacklisted destination country, number, prefix (kept in the
 * journal, reached through SrPolicyStore), the app's destination allow-list
 * (the SMS firewall), the sender (per-country override, alphanumeric
 * senders denied per country), per-destination limits per hour and per day,
 * no-split countries.  Refusals are class "policy" (SR_ERROR_CLASS_POLICY),
 * except an unusable sender, which is class "input".
 *
 * Decisions fill a caller-owned struct and allocate nothing.
 */
#pragma once

#include <glib.h>

#include "sr-config.h"
#include "sr-error-class.h"
#include "sr-number.h"

G_BEGIN_DECLS

#define SR_POLICY_ERROR (sr_policy_error_quark ())
GQuark sr_policy_error_quark (void);

/* Why policy configuration could not be used. */
typedef enum {
  SR_POLICY_ERROR_INVALID,   /* a malformed source-overrides value or override sender */
} SrPolicyError;

/* The window a per-destination counter covers. */
typedef enum {
  SR_POLICY_PERIOD_HOUR,
  SR_POLICY_PERIOD_DAY,
} SrPolicyPeriod;

/* The rule behind a decision; its string is what X-Error and the journal name. */
typedef enum {
  SR_POLICY_RULE_NONE = 0,
  SR_POLICY_RULE_BLACKLIST_COUNTRY,    /* "blacklist-country" */
  SR_POLICY_RULE_BLACKLIST_NUMBER,     /* "blacklist-number" */
  SR_POLICY_RULE_BLACKLIST_PREFIX,     /* "blacklist-prefix" */
  SR_POLICY_RULE_FIREWALL,             /* "firewall": not in the app's allow-destinations */
  SR_POLICY_RULE_SENDER,               /* "sender": missing or unusable sender (class input) */
  SR_POLICY_RULE_ALPHANUMERIC_DENIED,  /* "alphanumeric-denied": and no numeric fallback */
  SR_POLICY_RULE_LIMIT_HOUR,           /* "limit-hour" */
  SR_POLICY_RULE_LIMIT_DAY,            /* "limit-day" */
  SR_POLICY_RULE_NO_SPLIT,             /* "no-split" */
  SR_POLICY_RULE_INBOUND_DENY,         /* "inbound-deny": sender on the app's deny list */
  SR_POLICY_RULE_INBOUND_NOT_ALLOWED,  /* "inbound-not-allowed": not on a non-empty allow list */
} SrPolicyRule;

/* The journal's side of the policy, as callbacks (any may be NULL: the rule
 * is then skipped).  Called on the thread that calls sr_policy_check_*. */
typedef struct {
  gpointer user_data;
  /* @country: ISO 3166 alpha-2 */
  gboolean (*is_country_blacklisted) (gpointer user_data, const char *country);
  gboolean (*is_number_blacklisted) (gpointer user_data, const char *e164);
  /* The longest blacklisted prefix of @e164, or NULL. */
  const char *(*prefix_blacklisted) (gpointer user_data, const char *e164);
  /* Messages already accepted for @e164 in the current hour / day
   * (not counting the one being decided). */
  guint (*count) (gpointer user_data, const char *e164, SrPolicyPeriod period);
} SrPolicyStore;

/* One outbound message, as far as policy cares. */
typedef struct {
  const char *to;            /* destination, E.164 (sr_number_normalise) */
  const char *country;       /* its region; NULL = looked up from @to */
  const char *from;          /* requested sender (From: header); NULL/"" = the app's */
  guint parts;               /* parts the text needs; 0 is taken as 1 */
  const SrProviderConfig *provider; /* TON/NPI for short-code senders; may be NULL */
} SrPolicyRequest;

/* The outcome of a check; caller-owned, no heap memory. */
typedef struct {
  gboolean allowed;
  SrPolicyRule rule;          /* the refusing rule; NONE when allowed */
  SrErrorClass error_class;   /* POLICY or INPUT when refused; NONE when allowed */
  char text[256];             /* for X-Error when refused ("destination country CI is blacklisted") */
  SrAddress sender;           /* outbound: the effective sender with its TON/NPI */
  gboolean sender_changed;    /* outbound: @sender is not the one requested */
  char note[256];             /* outbound: why the sender changed, "" if it did not */
} SrPolicyDecision;

/* The compiled policy (country sets, overrides, inbound routes). */
typedef struct _SrPolicy SrPolicy;

/* Compiles @config->policy and the apps of @config.  @config and @store
 * must outlive the policy.  Fails if an override sender is unusable. */
SrPolicy *sr_policy_new (const SrConfig *config, const SrPolicyStore *store, GError **error);
void sr_policy_free (SrPolicy *policy);

/* Decides on one outbound message of @app.  Returns @out->allowed. */
gboolean sr_policy_check_outbound (SrPolicy *policy,
                                   const SrAppConfig *app,
                                   const SrPolicyRequest *request,
                                   SrPolicyDecision *out);

/* The inbound firewall of @app for @sender (E.164, or an alphanumeric
 * sender as received): the deny list wins, then a non-empty allow list
 * must match.  Entries starting with '+' or a digit are number prefixes,
 * others alphanumeric senders (case-insensitive).  Returns @out->allowed. */
gboolean sr_policy_check_inbound (const SrAppConfig *app,
                                  const char *sender,
                                  SrPolicyDecision *out);

/* The app for an inbound SMS to our number @to (E.164): among the apps
 * listing @to in inbound-numbers, one whose keyword is the first word of
 * @text (case-insensitive), else one without keywords; else an app with a
 * matching keyword and no inbound numbers; else the router's default app
 * (NULL if that is not configured).  @keyword, if not NULL, receives the
 * matched keyword or NULL. */
const SrAppConfig *sr_policy_route_inbound (SrPolicy *policy,
                                            const char *to,
                                            const char *text,
                                            const char **keyword);

/* Parses a source-overrides value ("US,CA:+16461234567; GB:+442071234567")
 * into a GPtrArray of SrSourceOverride (freed with the array).  Countries
 * are upper-cased; senders must be usable senders. */
GPtrArray *sr_policy_parse_overrides (const char *value, GError **error);
void sr_source_override_free (SrSourceOverride *override);

const char *sr_policy_rule_to_string (SrPolicyRule rule);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrPolicy, sr_policy_free)

G_END_DECLS
