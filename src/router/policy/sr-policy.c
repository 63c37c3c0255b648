/* sr-policy.c — outbound policy decisions and the source-overrides parser.
 * Inbound firewall and routing are in sr-policy-inbound.c. */
#define G_LOG_DOMAIN "sr-policy"

#include "sr-address-syntax.h"
#include "sr-policy.h"
#include "sr-policy-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (sr-policy-error-quark, sr_policy_error)

const char *
sr_policy_rule_to_string (SrPolicyRule rule)
{
  switch (rule)
    {
    case SR_POLICY_RULE_NONE: return "none";
    case SR_POLICY_RULE_BLACKLIST_COUNTRY: return "blacklist-country";
    case SR_POLICY_RULE_BLACKLIST_NUMBER: return "blacklist-number";
    case SR_POLICY_RULE_BLACKLIST_PREFIX: return "blacklist-prefix";
    case SR_POLICY_RULE_FIREWALL: return "firewall";
    case SR_POLICY_RULE_SENDER: return "sender";
    case SR_POLICY_RULE_ALPHANUMERIC_DENIED: return "alphanumeric-denied";
    case SR_POLICY_RULE_LIMIT_HOUR: return "limit-hour";
    case SR_POLICY_RULE_LIMIT_DAY: return "limit-day";
    case SR_POLICY_RULE_NO_SPLIT: return "no-split";
    case SR_POLICY_RULE_INBOUND_DENY: return "inbound-deny";
    case SR_POLICY_RULE_INBOUND_NOT_ALLOWED: return "inbound-not-allowed";
    }
  return "unknown";
}

/* ---- source-overrides ------------------------------------------------- */

void
sr_source_override_free (SrSourceOverride *override)
{
  if (override == NULL)
    return;
  g_strfreev (override->countries);
  g_free (override->sender);
  g_free (override);
}

GPtrArray *
sr_policy_parse_overrides (const char *value, GError **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_source_override_free);
  g_auto(GStrv) entries = NULL;

  if (value == NULL)
    return g_steal_pointer (&result);

  entries = g_strsplit (value, ";", -1);
  for (guint i = 0; entries[i]; i++)
    {
      char *entry = g_strstrip (entries[i]);
      char *colon;
      g_auto(GStrv) countries = NULL;
      g_autoptr(GPtrArray) codes = NULL;
      g_autoptr(GError) local = NULL;
      SrSourceOverride *ov;
      SrAddress addr;
      char *sender;

      if (*entry == '\0')
        continue;
      colon = strchr (entry, ':');
      if (colon == NULL)
        {
          g_set_error (error, SR_POLICY_ERROR, SR_POLICY_ERROR_INVALID,
                       _("source override '%s' has no ':' between the countries and the sender"
                         " (expected e.g. 'US,CA:+16461234567')"), entry);
          return NULL;
        }
      *colon = '\0';
      sender = g_strstrip (colon + 1);
      if (*sender == '\0')
        {
          g_set_error (error, SR_POLICY_ERROR, SR_POLICY_ERROR_INVALID,
                       _("source override for '%s' has no sender after ':'"), g_strstrip (entry));
          return NULL;
        }
      /* No region: a national number is refused, overrides hold full numbers. */
      if (!sr_number_classify_sender (sender, NULL, NULL, &addr, &local))
        {
          g_set_error (error, SR_POLICY_ERROR, SR_POLICY_ERROR_INVALID,
                       _("source override for '%s' has an unusable sender: %s"),
                       g_strstrip (entry), local->message);
          return NULL;
        }

      codes = g_ptr_array_new_with_free_func (g_free);
      countries = g_strsplit (entry, ",", -1);
      for (guint j = 0; countries[j]; j++)
        {
          char *cc = g_strstrip (countries[j]);

          if (*cc == '\0')
            continue;
          if (!sr_address_is_region (cc))
            {
              g_set_error (error, SR_POLICY_ERROR, SR_POLICY_ERROR_INVALID,
                           _("source override country '%s' is not an ISO 3166 two-letter code"), cc);
              return NULL;
            }
          g_ptr_array_add (codes, g_ascii_strup (cc, -1));
        }
      if (codes->len == 0)
        {
          g_set_error (error, SR_POLICY_ERROR, SR_POLICY_ERROR_INVALID,
                       _("source override with sender '%s' names no country"), sender);
          return NULL;
        }
      g_ptr_array_add (codes, NULL);

      ov = g_new0 (SrSourceOverride, 1);
      ov->countries = (char **) g_ptr_array_free (g_steal_pointer (&codes), FALSE);
      ov->sender = g_strdup (sender);
      g_ptr_array_add (result, ov);
    }
  return g_steal_pointer (&result);
}

/* ---- compiled policy -------------------------------------------------- */

static GHashTable *
country_set (char **list)
{
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; list && list[i]; i++)
    {
      g_autofree char *cc = g_strstrip (g_ascii_strup (list[i], -1));

      if (*cc)
        g_hash_table_add (set, g_steal_pointer (&cc));
    }
  return set;
}

static void
policy_override_free (gpointer data)
{
  g_free (data);
}

SrPolicy *
sr_policy_new (const SrConfig *config, const SrPolicyStore *store, GError **error)
{
  g_autoptr(SrPolicy) policy = NULL;
  const SrPolicyConfig *pc;

  g_return_val_if_fail (config != NULL, NULL);

  pc = &config->policy;
  policy = g_new0 (SrPolicy, 1);
  policy->config = config;
  if (store)
    policy->store = *store;
  policy->alnum_denied = country_set (pc->alphanumeric_denied_countries);
  policy->no_split = country_set (pc->no_split_countries);
  policy->overrides = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, policy_override_free);

  for (guint i = 0; pc->source_overrides && i < pc->source_overrides->len; i++)
    {
      const SrSourceOverride *ov = g_ptr_array_index (pc->source_overrides, i);
      g_autoptr(GError) local = NULL;
      SrAddress addr;

      if (!sr_number_classify_sender (ov->sender, config->region, NULL, &addr, &local))
        {
          g_set_error (error, SR_POLICY_ERROR, SR_POLICY_ERROR_INVALID,
                       _("source override sender '%s' is unusable: %s"), ov->sender, local->message);
          return NULL;
        }
      for (guint j = 0; ov->countries && ov->countries[j]; j++)
        {
          SrAddress *copy = g_memdup2 (&addr, sizeof addr);

          g_hash_table_replace (policy->overrides, g_ascii_strup (ov->countries[j], -1), copy);
        }
    }

  sr_policy_inbound_index (policy);
  return g_steal_pointer (&policy);
}

void
sr_policy_free (SrPolicy *policy)
{
  if (policy == NULL)
    return;
  g_clear_pointer (&policy->alnum_denied, g_hash_table_destroy);
  g_clear_pointer (&policy->no_split, g_hash_table_destroy);
  g_clear_pointer (&policy->overrides, g_hash_table_destroy);
  g_clear_pointer (&policy->inbound_numbers, g_hash_table_destroy);
  g_clear_pointer (&policy->keyword_apps, g_ptr_array_unref);
  g_free (policy);
}

/* ---- outbound --------------------------------------------------------- */

gboolean
sr_policy_prefix_matches (const char *number, const char *prefix)
{
  const char *n = number, *p = prefix;

  if (*n == '+')
    n++;
  while (*p == ' ' || *p == '+')
    p++;
  if (*p == '\0')
    return FALSE;
  for (; *p; p++)
    {
      if (*p == ' ' || *p == '-')
        continue;
      if (*n != *p)
        return FALSE;
      n++;
    }
  return TRUE;
}

static gboolean
refuse (SrPolicyDecision *out, SrPolicyRule rule, SrErrorClass klass, const char *fmt, ...)
  G_GNUC_PRINTF (4, 5);

static gboolean
refuse (SrPolicyDecision *out, SrPolicyRule rule, SrErrorClass klass, const char *fmt, ...)
{
  va_list ap;

  out->allowed = FALSE;
  out->rule = rule;
  out->error_class = klass;
  va_start (ap, fmt);
  g_vsnprintf (out->text, sizeof out->text, fmt, ap);
  va_end (ap);
  return FALSE;
}

static const char *
app_region (SrPolicy *policy, const SrAppConfig *app)
{
  return app->region && *app->region ? app->region : policy->config->region;
}

/* Picks the sender: the country's override, else the requested sender, else
 * the app's; an alphanumeric sender where it is denied falls back to the
 * app's numeric sender.  FALSE (and @out refused) if there is none. */
static gboolean
choose_sender (SrPolicy *policy,
               const SrAppConfig *app,
               const SrPolicyRequest *req,
               const char *country,
               SrPolicyDecision *out)
{
  const char *requested = req->from && *req->from ? req->from : app->from;
  const SrAddress *ov = country ? g_hash_table_lookup (policy->overrides, country) : NULL;
  const char *region = app_region (policy, app);
  g_autoptr(GError) local = NULL;

  if (ov)
    {
      SrAddress asked;

      out->sender = *ov;
      /* Note a change only when the requested sender is a different one. */
      if (requested == NULL
          || !sr_number_classify_sender (requested, region, req->provider, &asked, NULL)
          || strcmp (asked.addr, ov->addr) != 0 || asked.ton != ov->ton)
        {
          out->sender_changed = TRUE;
          g_snprintf (out->note, sizeof out->note,
                      _("sender %s replaced by %s for destination country %s (source-overrides)"),
                      requested ? requested : _("(none)"),
                      ov->e164[0] ? ov->e164 : ov->addr, country);
        }
    }
  else if (requested == NULL || *requested == '\0')
    return refuse (out, SR_POLICY_RULE_SENDER, SR_ERROR_CLASS_INPUT,
                   _("no sender: the message has no From and app %s has no from"), app->name);
  else if (!sr_number_classify_sender (requested, region, req->provider, &out->sender, &local))
    return refuse (out, SR_POLICY_RULE_SENDER, SR_ERROR_CLASS_INPUT,
                   _("unusable sender: %s"), local->message);

  if (out->sender.kind == SR_ADDRESS_ALPHANUMERIC && country
      && g_hash_table_contains (policy->alnum_denied, country))
    {
      SrAddress fallback;
      char denied[SR_NUMBER_ADDR_SIZE];

      g_strlcpy (denied, out->sender.addr, sizeof denied);
      if (app->from && *app->from
          && sr_number_classify_sender (app->from, region, req->provider, &fallback, NULL)
          && fallback.kind != SR_ADDRESS_ALPHANUMERIC)
        {
          out->sender = fallback;
          out->sender_changed = TRUE;
          g_snprintf (out->note, sizeof out->note,
                      _("alphanumeric sender %s is not allowed for destination country %s; "
                        "using the number %s of app %s"),
                      denied, country, app->from, app->name);
        }
      else
        return refuse (out, SR_POLICY_RULE_ALPHANUMERIC_DENIED, SR_ERROR_CLASS_POLICY,
                       _("alphanumeric sender %s is not allowed for destination country %s, "
                         "and app %s has no numeric sender to use instead"),
                       denied, country, app->name);
    }
  return TRUE;
}

gboolean
sr_policy_check_outbound (SrPolicy *policy,
                          const SrAppConfig *app,
                          const SrPolicyRequest *req,
                          SrPolicyDecision *out)
{
  const SrPolicyStore *st;
  const SrPolicyConfig *pc;
  char looked_up[SR_NUMBER_REGION_SIZE];
  const char *country = NULL;
  const char *prefix;
  guint parts;

  g_return_val_if_fail (policy != NULL, FALSE);
  g_return_val_if_fail (app != NULL, FALSE);
  g_return_val_if_fail (req != NULL && req->to != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  st = &policy->store;
  pc = &policy->config->policy;
  parts = MAX (req->parts, 1);

  if (req->country && *req->country)
    country = req->country;
  else if (sr_number_region (req->to, looked_up))
    country = looked_up;

  if (country && st->is_country_blacklisted
      && st->is_country_blacklisted (st->user_data, country))
    return refuse (out, SR_POLICY_RULE_BLACKLIST_COUNTRY, SR_ERROR_CLASS_POLICY,
                   _("destination country %s is blacklisted"), country);

  if (st->is_number_blacklisted && st->is_number_blacklisted (st->user_data, req->to))
    return refuse (out, SR_POLICY_RULE_BLACKLIST_NUMBER, SR_ERROR_CLASS_POLICY,
                   _("destination %s is blacklisted"), req->to);

  if (st->prefix_blacklisted && (prefix = st->prefix_blacklisted (st->user_data, req->to)))
    return refuse (out, SR_POLICY_RULE_BLACKLIST_PREFIX, SR_ERROR_CLASS_POLICY,
                   _("destination %s is blacklisted by prefix %s"), req->to, prefix);

  if (app->allow_destinations && app->allow_destinations[0])
    {
      gboolean ok = FALSE;

      for (guint i = 0; !ok && app->allow_destinations[i]; i++)
        ok = sr_policy_prefix_matches (req->to, app->allow_destinations[i]);
      if (!ok)
        return refuse (out, SR_POLICY_RULE_FIREWALL, SR_ERROR_CLASS_POLICY,
                       _("destination %s is not in the allowed destinations of app %s"),
                       req->to, app->name);
    }

  if (!choose_sender (policy, app, req, country, out))
    return FALSE;

  if (pc->max_per_destination_hour && st->count
      && st->count (st->user_data, req->to, SR_POLICY_PERIOD_HOUR) >= pc->max_per_destination_hour)
    return refuse (out, SR_POLICY_RULE_LIMIT_HOUR, SR_ERROR_CLASS_POLICY,
                   _("limit of %u messages per hour to %s reached"),
                   pc->max_per_destination_hour, req->to);

  if (pc->max_per_destination_day && st->count
      && st->count (st->user_data, req->to, SR_POLICY_PERIOD_DAY) >= pc->max_per_destination_day)
    return refuse (out, SR_POLICY_RULE_LIMIT_DAY, SR_ERROR_CLASS_POLICY,
                   _("limit of %u messages per day to %s reached"),
                   pc->max_per_destination_day, req->to);

  if (parts > 1 && country && g_hash_table_contains (policy->no_split, country))
    return refuse (out, SR_POLICY_RULE_NO_SPLIT, SR_ERROR_CLASS_POLICY,
                   _("the message needs %u parts, but destination country %s does not accept "
                     "split messages"), parts, country);

  out->allowed = TRUE;
  out->rule = SR_POLICY_RULE_NONE;
  out->error_class = SR_ERROR_CLASS_NONE;
  return TRUE;
}
