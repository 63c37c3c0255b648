/* sr-control.c — operator actions: retry, edit, discard, compose, blacklist, pause. */
#define G_LOG_DOMAIN "sr-control"

#include "sr-build-config.h"
#include "sr-control.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sr-message.h"
#include "sr-number.h"

G_DEFINE_QUARK (sr-control-error-quark, sr_control_error)

/* The journal's state names, spelled here: sr_message_state_to_string() and
 * sr_receipt_state_to_string() exist twice (journal and receipts modules). */
static const char *
journal_state_name (SrMessageState state)
{
  static const char *const names[] = { "queued", "submitting", "sent", "delivered",
                                       "undeliverable", "dead", "discarded" };
  return (guint) state < G_N_ELEMENTS (names) ? names[state] : "unknown";
}

const char *
sr_control_default_actor (void)
{
  const char *user = g_getenv ("USER");
  return user && *user ? user : g_get_user_name ();
}

static const char *
actor_or_default (const char *actor)
{
  return actor && *actor ? actor : sr_control_default_actor ();
}

/* The region used for an app's local numbers. */
static const char *
app_region (const SrConfig *config, const char *app)
{
  const SrAppConfig *a = app ? sr_config_find_app (config, app) : NULL;
  if (a && a->region && *a->region)
    return a->region;
  return config->region;
}

/* Rewrites storage and journal errors as control errors an operator reads. */
static void
propagate (GError **error, GError *cause, const char *what)
{
  gint code = SR_CONTROL_ERROR_FAILED;
  if (g_error_matches (cause, SR_SPOOL_ERROR, SR_SPOOL_ERROR_NOT_FOUND)
      || g_error_matches (cause, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_NOT_FOUND))
    code = SR_CONTROL_ERROR_NOT_FOUND;
  else if (g_error_matches (cause, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_INVALID)
           || g_error_matches (cause, SR_SPOOL_ERROR, SR_SPOOL_ERROR_UNKNOWN_APP)
           || g_error_matches (cause, SR_SPOOL_ERROR, SR_SPOOL_ERROR_INVALID_NAME))
    code = SR_CONTROL_ERROR_INVALID;
  g_set_error (error, SR_CONTROL_ERROR, code, "%s: %s", what, cause->message);
  g_error_free (cause);
}

static void
audit (SrRouter *router, SrScope scope, SrJournalLevel level, const char *kind,
       gint64 message_id, const char *app, const char *actor, const char *text)
{
  g_autoptr (GError) error = NULL;
  if (!sr_journal_event_add (sr_router_get_journal (router), g_get_real_time (), scope, level,
                             kind, message_id, app, actor_or_default (actor), text, &error))
    g_warning ("Could not write the audit event \"%s\": %s", text, error->message);
}

/* The journal row of dead letter @id, or NULL with a NOT_FOUND error. */
static SrJournalMessage *
get_dead (SrRouter *router, gint64 id, GError **error)
{
  GError *local = NULL;
  SrJournalMessage *m = sr_journal_message_get (sr_router_get_journal (router), id, &local);
  if (!m)
    {
      if (local)
        {
          g_autofree char *what = g_strdup_printf (_("Message %lld"), (long long) id);
          propagate (error, local, what);
        }
      else
        g_set_error (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_NOT_FOUND,
                     _("Message %lld is not in the journal."), (long long) id);
      return NULL;
    }
  if (m->state != SR_MESSAGE_DEAD || !m->app || !m->file)
    {
      g_set_error (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_NOT_FOUND,
                   _("Message %lld is not a dead letter any more (it is %s)."),
                   (long long) id, journal_state_name (m->state));
      sr_journal_message_free (m);
      return NULL;
    }
  return m;
}

/* Checks a destination with the app's region; returns the E.164 form. */
static char *
check_to (SrRouter *router, const char *app, const char *to, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (to ? to : ""));
  if (!*trimmed)
    {
      g_set_error_literal (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_INVALID,
                           _("The message has no recipient (To)."));
      return NULL;
    }
  char *e164 = sr_number_to_e164 (to, app_region (sr_router_get_config (router), app), &local);
  if (!e164)
    g_set_error (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_INVALID,
                 _("Recipient \"%s\" is not a valid number: %s"), to, local->message);
  return e164;
}

static gboolean
check_from (SrRouter *router, const char *app, const char *from, GError **error)
{
  SrAddress addr;
  g_autoptr (GError) local = NULL;
  if (!from || !*from)
    return TRUE;
  if (sr_number_classify_sender (from, app_region (sr_router_get_config (router), app), NULL,
                                 &addr, &local))
    return TRUE;
  g_set_error (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_INVALID,
               _("Sender \"%s\" cannot be used: %s"), from, local->message);
  return FALSE;
}

static gboolean
check_text (const char *text, GError **error)
{
  if (text && !g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_INVALID,
                           _("The text is not valid UTF-8."));
      return FALSE;
    }
  if (text)
    {
      const char *p = text;
      while (*p && g_ascii_isspace (*p))
        p++;
      if (!*p)
        {
          g_set_error_literal (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_INVALID,
                               _("The message text is empty."));
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
sr_control_count_text (SrRouter *router, const char *text, SrTextCount *count, guint *max_parts)
{
  g_return_val_if_fail (router != NULL && count != NULL, FALSE);
  const SrConfig *config = sr_router_get_config (router);
  SrSplitMethod method = SR_SPLIT_UDH8;
  if (config->providers && config->providers->len > 0)
    method = ((SrProviderConfig *) g_ptr_array_index (config->providers, 0))->split;
  if (max_parts)
    *max_parts = config->max_parts ? config->max_parts : SR_SPLIT_MAX_PARTS;
  return sr_text_count (text ? text : "", SR_ALPHABET_AUTO, method, count, NULL);
}

/* Refuses a text the router would dead-letter as too long (max-parts). */
static gboolean
check_parts (SrRouter *router, const char *text, GError **error)
{
  SrTextCount count = { 0 };
  guint max_parts = 0;
  if (!sr_control_count_text (router, text, &count, &max_parts) || count.parts <= max_parts)
    return TRUE;  /* invalid UTF-8 is check_text's to report */
  g_set_error (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_INVALID,
               _("The text needs %u parts; this router sends at most %u (max-parts). "
                 "Shorten it."), count.parts, max_parts);
  return FALSE;
}

static gboolean
retry_common (SrRouter *router, gint64 id, gboolean edit, const char *to, const char *from,
              const char *text, const char *actor, GError **error)
{
  g_return_val_if_fail (router != NULL, FALSE);
  g_autoptr (SrJournalMessage) m = get_dead (router, id, error);
  if (!m)
    return FALSE;
  if (edit)
    {
      if (to)
        {
          g_autofree char *e164 = check_to (router, m->app, to, error);
          if (!e164)
            return FALSE;
        }
      if (!check_from (router, m->app, from, error) || !check_text (text, error)
          || (text && !check_parts (router, text, error)))
        return FALSE;
    }

  GError *local = NULL;
  g_autofree char *new_name = NULL;
  if (!sr_spool_retry_dead (sr_router_get_spool (router), m->app, m->file, to, from, text,
                            SR_SPOOL_NONE, &new_name, &local))
    {
      g_autofree char *what = g_strdup_printf (_("Dead letter %lld (%s/dead/%s)"),
                                               (long long) id, m->app, m->file);
      propagate (error, local, what);
      return FALSE;
    }

  SrJournal *journal = sr_router_get_journal (router);
  gint64 now = g_get_real_time ();
  if (!sr_journal_message_set_state (journal, id, SR_MESSAGE_DISCARDED, now, &local))
    {
      g_warning ("Dead letter %" G_GINT64_FORMAT " was re-queued as %s but its journal row "
                 "could not be updated: %s", id, new_name, local->message);
      g_clear_error (&local);
    }
  g_autoptr (GString) s = g_string_new (NULL);
  g_string_printf (s, edit ? _("Edited and re-queued as %s") : _("Re-queued as %s"), new_name);
  if (edit && to)
    g_string_append_printf (s, _("; To: %s"), to);
  if (edit && from)
    g_string_append_printf (s, _("; From: %s"), *from ? from : _("(default)"));
  if (edit && text)
    g_string_append (s, _("; new text"));
  audit (router, SR_SCOPE_MESSAGE, SR_LEVEL_INFO, edit ? "edit-retry" : "retry", id, m->app,
         actor, s->str);
  return TRUE;
}

gboolean
sr_control_retry (SrRouter *router, gint64 id, const char *actor, GError **error)
{
  return retry_common (router, id, FALSE, NULL, NULL, NULL, actor, error);
}

gboolean
sr_control_edit_retry (SrRouter *router, gint64 id, const char *to, const char *from,
                       const char *text, const char *actor, GError **error)
{
  return retry_common (router, id, TRUE, to, from, text, actor, error);
}

gboolean
sr_control_discard (SrRouter *router, gint64 id, const char *actor, GError **error)
{
  g_return_val_if_fail (router != NULL, FALSE);
  g_autoptr (SrJournalMessage) m = get_dead (router, id, error);
  if (!m)
    return FALSE;
  GError *local = NULL;
  if (!sr_spool_discard_dead (sr_router_get_spool (router), m->app, m->file, &local))
    {
      g_autofree char *what = g_strdup_printf (_("Dead letter %lld (%s/dead/%s)"),
                                               (long long) id, m->app, m->file);
      propagate (error, local, what);
      return FALSE;
    }
  if (!sr_journal_message_set_state (sr_router_get_journal (router), id, SR_MESSAGE_DISCARDED,
                                     g_get_real_time (), &local))
    {
      propagate (error, local, _("The file was deleted but the journal was not updated"));
      return FALSE;
    }
  g_autofree char *text = g_strdup_printf (_("Discarded dead letter %s to %s"), m->file,
                                           m->to_e164 ? m->to_e164 : m->to_raw ? m->to_raw : "?");
  audit (router, SR_SCOPE_MESSAGE, SR_LEVEL_INFO, "discard", id, m->app, actor, text);
  return TRUE;
}

gboolean
sr_control_compose (SrRouter *router, const char *app, const char *to, const char *from,
                    const char *text, const char *actor, char **file, GError **error)
{
  g_return_val_if_fail (router != NULL, FALSE);
  const SrConfig *config = sr_router_get_config (router);
  if (!app || !*app)
    {
      if (config->default_app && sr_config_find_app (config, config->default_app))
        app = config->default_app;
      else if (config->apps && config->apps->len > 0)
        app = ((SrAppConfig *) g_ptr_array_index (config->apps, 0))->name;
    }
  if (!app || !sr_config_find_app (config, app))
    {
      g_set_error (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_INVALID,
                   _("There is no application \"%s\" in the configuration."), app ? app : "");
      return FALSE;
    }
  g_autofree char *e164 = check_to (router, app, to, error);
  if (!e164 || !check_from (router, app, from, error))
    return FALSE;
  if (!text || !check_text (text, error) || !check_parts (router, text, error))
    {
      if (!text)
        g_set_error_literal (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_INVALID,
                             _("The message text is empty."));
      return FALSE;
    }

  g_autoptr (SrMessage) msg = sr_message_new (to, text);
  if (from && *from)
    sr_message_set_from (msg, from);
  gsize len = 0;
  g_autofree char *data = sr_message_serialize (msg, &len);
  GError *local = NULL;
  g_autofree char *name = NULL;
  if (!sr_spool_deliver (sr_router_get_spool (router), app, SR_SPOOL_BOX_OUTBOX, data, len,
                         SR_SPOOL_NONE, &name, &local))
    {
      g_autofree char *what = g_strdup_printf (_("Could not write the message into %s/outbox"), app);
      propagate (error, local, what);
      return FALSE;
    }
  g_autofree char *line = g_strdup_printf (_("Composed a message to %s (%s)"), e164, name);
  audit (router, SR_SCOPE_MESSAGE, SR_LEVEL_INFO, "compose", 0, app, actor, line);
  if (file)
    *file = g_steal_pointer (&name);
  return TRUE;
}

char *
sr_control_blacklist_normalise (SrRouter *router, SrBlacklistKind kind, const char *value,
                                GError **error)
{
  g_return_val_if_fail (router != NULL, NULL);
  g_autofree char *v = g_strstrip (g_strdup (value ? value : ""));
  g_autoptr (GError) local = NULL;
  switch (kind)
    {
    case SR_BLACKLIST_COUNTRY:
      if (sr_number_region_is_known (v))
        return g_ascii_strup (v, -1);
      if (strlen (v) == 2 && g_ascii_isalpha (v[0]) && g_ascii_isalpha (v[1]))
        g_set_error (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_INVALID,
                     _("\"%s\" is not a country or region with phone numbers (ISO 3166, "
                       "e.g. CI, GG, RE)."), v);
      else
        g_set_error (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_INVALID,
                     _("\"%s\" is not a country code: use two letters (ISO 3166), e.g. CI."), v);
      return NULL;
    case SR_BLACKLIST_NUMBER:
      {
        char *e164 = sr_number_to_e164 (v, sr_router_get_config (router)->region, &local);
        if (!e164)
          g_set_error (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_INVALID,
                       _("\"%s\" is not a valid number: %s"), v, local->message);
        return e164;
      }
    case SR_BLACKLIST_PREFIX:
      {
        GString *p = g_string_new (NULL);
        const char *s = v;
        if (g_str_has_prefix (s, "00"))
          s += 2;
        else if (*s == '+')
          s++;
        else
          goto bad_prefix;
        for (; *s; s++)
          {
            if (g_ascii_isdigit (*s))
              g_string_append_c (p, *s);
            else if (*s != ' ')
              goto bad_prefix;
          }
        if (p->len == 0 || p->len > 15)
          goto bad_prefix;
        g_string_prepend_c (p, '+');
        return g_string_free (p, FALSE);
      bad_prefix:
        g_string_free (p, TRUE);
        g_set_error (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_INVALID,
                     _("\"%s\" is not a number prefix: use + and the country code, e.g. +4190."), v);
        return NULL;
      }
    }
  g_set_error_literal (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_INVALID,
                       _("Unknown blacklist kind."));
  return NULL;
}

gboolean
sr_control_blacklist_add (SrRouter *router, SrBlacklistKind kind, const char *value,
                          const char *note, const char *actor, GError **error)
{
  g_autofree char *v = sr_control_blacklist_normalise (router, kind, value, error);
  if (!v)
    return FALSE;
  gboolean added = FALSE;
  GError *local = NULL;
  if (!sr_journal_blacklist_add (sr_router_get_journal (router), kind, v, actor_or_default (actor),
                                 note && *note ? note : NULL, g_get_real_time (), &added, &local))
    {
      propagate (error, local, _("Could not add the blacklist entry"));
      return FALSE;
    }
  if (!added)
    {
      g_set_error (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_EXISTS,
                   _("The %s %s is on the blacklist already."), sr_blacklist_kind_to_string (kind), v);
      return FALSE;
    }
  return TRUE;
}

gboolean
sr_control_blacklist_remove (SrRouter *router, SrBlacklistKind kind, const char *value,
                             const char *actor, GError **error)
{
  g_autofree char *v = sr_control_blacklist_normalise (router, kind, value, error);
  if (!v)
    return FALSE;
  gboolean removed = FALSE;
  GError *local = NULL;
  if (!sr_journal_blacklist_remove (sr_router_get_journal (router), kind, v,
                                    actor_or_default (actor), g_get_real_time (), &removed, &local))
    {
      propagate (error, local, _("Could not remove the blacklist entry"));
      return FALSE;
    }
  if (!removed)
    {
      g_set_error (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_NOT_FOUND,
                   _("The %s %s is not on the blacklist."), sr_blacklist_kind_to_string (kind), v);
      return FALSE;
    }
  return TRUE;
}

guint
sr_control_reconnect (SrRouter *router, const char *actor)
{
  g_return_val_if_fail (router != NULL, 0);
  SrRouterStatus status = { 0 };
  sr_router_get_status (router, &status);
  guint not_bound = 0;
  for (guint i = 0; status.binds && i < status.binds->len; i++)
    if (g_strcmp0 (((SrRouterBindStatus *) g_ptr_array_index (status.binds, i))->state, "bound") != 0)
      not_bound++;
  sr_router_status_clear (&status);
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                        "Reconnect requested: %u bind was not bound.",
                                                        "Reconnect requested: %u binds were not bound.",
                                                        not_bound), not_bound);
  audit (router, SR_SCOPE_SYSTEM, SR_LEVEL_INFO, "reconnect", 0, NULL, actor, text);
  sr_router_reconnect (router);
  return not_bound;
}

void
sr_control_set_paused (SrRouter *router, gboolean paused, const char *actor)
{
  g_return_if_fail (router != NULL);
  sr_router_set_paused (router, paused, actor_or_default (actor));
}
