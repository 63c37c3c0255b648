/* sr-sim-options.c — parsing of the option values that have a form:
 * statuses, receipt states and prefix rules. */
#define G_LOG_DOMAIN "sr-sim"

#include "sr-sim-private.h"
#include "sr-smpp-status.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

/* Final states a receipt can report, with their message_state TLV value. */
static const struct {
  const char *stat;
  guint8 state;
} receipt_states[] = {
  { "ENROUTE", 1 },
  { "DELIVRD", 2 },
  { "EXPIRED", 3 },
  { "DELETED", 4 },
  { "UNDELIV", 5 },
  { "ACCEPTD", 6 },
  { "UNKNOWN", 7 },
  { "REJECTD", 8 },
};

gboolean
sr_sim_parse_status (const char *text, guint32 *status)
{
  char *end = NULL;
  guint64 value;
  guint32 v;

  /* By name, with or without "ESME_": the codec's table is the only list. */
  for (v = 0; v <= 0x1000; v++)
    {
      const SrSmppStatusInfo *info = sr_smpp_status_lookup (v);
      if (info != NULL && (g_ascii_strcasecmp (text, info->name) == 0
                           || g_ascii_strcasecmp (text, info->name + 5) == 0))
        {
          *status = v;
          return TRUE;
        }
    }
  if (text[0] == '\0')
    return FALSE;
  value = g_ascii_strtoull (text, &end, 0);
  if (*end != '\0' || value > G_MAXUINT32)
    return FALSE;
  *status = (guint32) value;
  return TRUE;
}

void
sr_sim_stat_rule_clear (SrSimStatRule *rule)
{
  g_clear_pointer (&rule->prefix, g_free);
}

gboolean
sr_sim_parse_stat_rule (const char *text, gboolean with_prefix, SrSimStatRule *rule, GError **error)
{
  g_autofree char *copy = g_strdup (text);
  char *stat = copy;
  char *err;
  gsize i;

  memset (rule, 0, sizeof *rule);
  if (with_prefix)
    {
      char *eq = strchr (copy, '=');
      if (eq == NULL || eq == copy)
        {
          g_set_error (error, SR_SIM_ERROR, SR_SIM_ERROR_INVALID_OPTION,
                       _("Invalid receipt rule “%s”: expected PREFIX=STAT[:ERR], e.g. +44=UNDELIV."),
                       text);
          return FALSE;
        }
      *eq = '\0';
      stat = eq + 1;
    }
  err = strchr (stat, ':');
  if (err != NULL)
    {
      char *end = NULL;
      guint64 value;

      *err++ = '\0';
      value = g_ascii_strtoull (err, &end, 10);
      if (*err == '\0' || *end != '\0' || value > 999)
        {
          g_set_error (error, SR_SIM_ERROR, SR_SIM_ERROR_INVALID_OPTION,
                       _("Invalid receipt error code in “%s”: expected a number from 0 to 999."),
                       text);
          return FALSE;
        }
      rule->err = (guint) value;
    }
  for (i = 0; i < G_N_ELEMENTS (receipt_states); i++)
    if (g_ascii_strcasecmp (stat, receipt_states[i].stat) == 0)
      break;
  if (i == G_N_ELEMENTS (receipt_states))
    {
      g_set_error (error, SR_SIM_ERROR, SR_SIM_ERROR_INVALID_OPTION,
                   _("Invalid receipt state “%s”: expected one of DELIVRD, UNDELIV, EXPIRED, "
                     "DELETED, ACCEPTD, UNKNOWN, REJECTD, ENROUTE."), stat);
      return FALSE;
    }
  g_strlcpy (rule->stat, receipt_states[i].stat, sizeof rule->stat);
  rule->state = receipt_states[i].state;
  if (with_prefix)
    rule->prefix = g_strdup (copy);
  return TRUE;
}

gboolean
sr_sim_parse_reject_rule (const char *text, SrSimRejectRule *rule, GError **error)
{
  const char *eq = strchr (text, '=');

  memset (rule, 0, sizeof *rule);
  rule->status = SR_SIM_INVDSTADR;
  if (text[0] == '\0' || eq == text)
    {
      g_set_error (error, SR_SIM_ERROR, SR_SIM_ERROR_INVALID_OPTION,
                   _("Invalid reject rule “%s”: expected PREFIX[=STATUS], e.g. +4479=ESME_RINVDSTADR."),
                   text);
      return FALSE;
    }
  if (eq != NULL && !sr_sim_parse_status (eq + 1, &rule->status))
    {
      g_set_error (error, SR_SIM_ERROR, SR_SIM_ERROR_INVALID_OPTION,
                   _("Invalid status “%s” in reject rule “%s”: expected a name such as "
                     "ESME_RINVDSTADR or a number such as 0x0B."), eq + 1, text);
      return FALSE;
    }
  rule->prefix = eq != NULL ? g_strndup (text, eq - text) : g_strdup (text);
  return TRUE;
}
