/* sr-policy-inbound.c — the inbound firewall (per-app allow/deny of
 * senders) and routing of inbound SMS to an app by number and keyword. */
#define G_LOG_DOMAIN "sr-policy"

#include "sr-policy.h"
#include "sr-policy-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Our numbers as keys: digits only, so "+41 79…" and "4179…" meet. */
static char *
number_key (const char *number, char *buf, gsize size)
{
  gsize n = 0;

  for (; *number && n + 1 < size; number++)
    if (g_ascii_isdigit (*number))
      buf[n++] = *number;
  buf[n] = '\0';
  return buf;
}

void
sr_policy_inbound_index (SrPolicy *policy)
{
  const GPtrArray *apps = policy->config->apps;

  policy->inbound_numbers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                   (GDestroyNotify) g_ptr_array_unref);
  policy->keyword_apps = g_ptr_array_new ();
  for (guint i = 0; apps && i < apps->len; i++)
    {
      SrAppConfig *app = g_ptr_array_index (apps, i);
      gboolean has_numbers = FALSE;

      for (guint j = 0; app->inbound_numbers && app->inbound_numbers[j]; j++)
        {
          char key[SR_NUMBER_RAW_MAX + 1];
          GPtrArray *list;

          number_key (app->inbound_numbers[j], key, sizeof key);
          if (*key == '\0')
            continue;
          has_numbers = TRUE;
          list = g_hash_table_lookup (policy->inbound_numbers, key);
          if (list == NULL)
            {
              list = g_ptr_array_new ();
              g_hash_table_insert (policy->inbound_numbers, g_strdup (key), list);
            }
          g_ptr_array_add (list, app);
        }
      if (!has_numbers && app->inbound_keywords && app->inbound_keywords[0])
        g_ptr_array_add (policy->keyword_apps, app);
    }
}

/* The first word of @text: start and length. */
static const char *
first_word (const char *text, gsize *len)
{
  const char *end;

  *len = 0;
  if (text == NULL)
    return NULL;
  while (*text && g_ascii_isspace (*text))
    text++;
  for (end = text; *end && !g_ascii_isspace (*end); end++)
    ;
  *len = end - text;
  return *len ? text : NULL;
}

/* The keyword of @app that @word is, or NULL.  ASCII case folding: keywords
 * are commands people type on a phone ("STOP", "info"). */
static const char *
match_keyword (const SrAppConfig *app, const char *word, gsize len)
{
  if (word == NULL)
    return NULL;
  for (guint i = 0; app->inbound_keywords && app->inbound_keywords[i]; i++)
    {
      const char *kw = app->inbound_keywords[i];

      if (strlen (kw) == len && g_ascii_strncasecmp (kw, word, len) == 0)
        return kw;
    }
  return NULL;
}

static gboolean
has_keywords (const SrAppConfig *app)
{
  return app->inbound_keywords && app->inbound_keywords[0];
}

static const SrAppConfig *
default_app (SrPolicy *policy)
{
  const SrConfig *config = policy->config;

  if (config->default_app == NULL || config->apps == NULL)
    return NULL;
  for (guint i = 0; i < config->apps->len; i++)
    {
      const SrAppConfig *app = g_ptr_array_index (config->apps, i);

      if (g_strcmp0 (app->name, config->default_app) == 0)
        return app;
    }
  return NULL;
}

const SrAppConfig *
sr_policy_route_inbound (SrPolicy *policy, const char *to, const char *text, const char **keyword)
{
  char key[SR_NUMBER_RAW_MAX + 1];
  GPtrArray *candidates = NULL;
  const char *word;
  gsize len;

  g_return_val_if_fail (policy != NULL, NULL);

  if (keyword)
    *keyword = NULL;
  word = first_word (text, &len);
  if (to)
    candidates = g_hash_table_lookup (policy->inbound_numbers,
                                      number_key (to, key, sizeof key));

  if (candidates)
    {
      for (guint i = 0; i < candidates->len; i++)
        {
          const SrAppConfig *app = g_ptr_array_index (candidates, i);
          const char *kw = match_keyword (app, word, len);

          if (kw)
            {
              if (keyword)
                *keyword = kw;
              return app;
            }
        }
      for (guint i = 0; i < candidates->len; i++)
        {
          const SrAppConfig *app = g_ptr_array_index (candidates, i);

          if (!has_keywords (app))
            return app;
        }
    }
  for (guint i = 0; i < policy->keyword_apps->len; i++)
    {
      const SrAppConfig *app = g_ptr_array_index (policy->keyword_apps, i);
      const char *kw = match_keyword (app, word, len);

      if (kw)
        {
          if (keyword)
            *keyword = kw;
          return app;
        }
    }
  return default_app (policy);
}

/* One inbound firewall entry against a sender. */
static gboolean
entry_matches (const char *entry, const char *sender)
{
  while (*entry == ' ')
    entry++;
  if (*entry == '+' || g_ascii_isdigit (*entry))
    return (*sender == '+' || g_ascii_isdigit (*sender))
           && sr_policy_prefix_matches (sender, entry);
  return *entry && g_ascii_strcasecmp (entry, sender) == 0;
}

static const char *
find_entry (char **list, const char *sender)
{
  for (guint i = 0; list && list[i]; i++)
    if (entry_matches (list[i], sender))
      return list[i];
  return NULL;
}

gboolean
sr_policy_check_inbound (const SrAppConfig *app, const char *sender, SrPolicyDecision *out)
{
  const char *entry;

  g_return_val_if_fail (app != NULL, FALSE);
  g_return_val_if_fail (sender != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  if ((entry = find_entry (app->inbound_deny, sender)))
    {
      out->rule = SR_POLICY_RULE_INBOUND_DENY;
      out->error_class = SR_ERROR_CLASS_POLICY;
      g_snprintf (out->text, sizeof out->text,
                  _("sender %s is denied for app %s by inbound-deny entry %s"),
                  sender, app->name, entry);
      return FALSE;
    }
  if (app->inbound_allow && app->inbound_allow[0] && !find_entry (app->inbound_allow, sender))
    {
      out->rule = SR_POLICY_RULE_INBOUND_NOT_ALLOWED;
      out->error_class = SR_ERROR_CLASS_POLICY;
      g_snprintf (out->text, sizeof out->text,
                  _("sender %s is not in the inbound-allow list of app %s"), sender, app->name);
      return FALSE;
    }
  out->allowed = TRUE;
  return TRUE;
}
