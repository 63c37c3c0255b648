/* sr-router-intake.c — from outbox/new/ to a journalled, split message:
 * claim, read, parse, normalise, policy, alphabet and split, journal row.
 * A message becomes submittable only after its row is committed. */
#define G_LOG_DOMAIN "sr-router"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sr-router-private.h"

/* Files handled per idle call: the main loop stays responsive. */
#define INTAKE_STEP 256

static SrAlphabet
alphabet_of (SrMessageAlphabet a)
{
  switch (a)
    {
    case SR_MESSAGE_ALPHABET_GSM: return SR_ALPHABET_GSM;
    case SR_MESSAGE_ALPHABET_ISO: return SR_ALPHABET_LATIN1;
    case SR_MESSAGE_ALPHABET_UCS2: return SR_ALPHABET_UCS2;
    case SR_MESSAGE_ALPHABET_AUTO:
    default: return SR_ALPHABET_AUTO;
    }
}

static guint
hash_destination (const char *e164)
{
  return g_str_hash (e164);
}

static void
fail_with_error (SrRouter *router, SrRouterMsg *msg, const GError *error)
{
  SrErrorClass klass;

  if (error->domain == SR_ENCODING_ERROR)
    klass = sr_encoding_error_class (error);
  else if (error->domain == SR_NUMBER_ERROR)
    klass = SR_ERROR_CLASS_INPUT;
  else
    klass = sr_error_class_for_error (error);
  if (klass == SR_ERROR_CLASS_NONE || klass == SR_ERROR_CLASS_SYSTEM)
    klass = SR_ERROR_CLASS_INPUT;
  sr_router_fail (router, msg, klass, 0, error->message);
}

/* The journal row of a new message, from what parsing learnt. */
static gint64
insert_row (SrRouter *router, SrRouterMsg *msg, const char *text, SrAlphabet alphabet,
            guint parts, GError **error)
{
  SrJournalMessage m = { 0 };
  char preview[40 * 4 + 1];   /* 40 characters of up to 4 bytes */
  gsize n = 0;

  /* The preview is the first few characters, cut on a character boundary. */
  for (const char *p = text; *p && n < 40; p = g_utf8_next_char (p))
    n++;
  g_utf8_strncpy (preview, text, n);

  m.app = msg->app->name;
  m.file = msg->file;
  m.reference = (char *) sr_message_get_reference (msg->parsed);
  m.to_raw = (char *) sr_message_get_to (msg->parsed);
  m.to_e164 = msg->to_e164;
  m.country = msg->country;
  m.from_addr = msg->sender.addr;
  m.alphabet = (char *) sr_alphabet_to_string (alphabet);
  m.parts = parts;
  m.state = SR_MESSAGE_QUEUED;
  m.provider = msg->provider ? msg->provider->config->name : NULL;
  m.created_at = g_get_real_time ();
  m.preview = preview;
  return sr_journal_message_insert (router->journal, &m, error);
}

static SrRouterMsg *
msg_new (SrRouter *router, SrRouterApp *app, const char *name)
{
  SrRouterMsg *msg = g_new0 (SrRouterMsg, 1);

  msg->app = app;
  msg->file = g_strdup (name);
  msg->key = g_strconcat (app->name, "/", name, NULL);
  msg->validity = -1;
  msg->link.data = msg;
  g_hash_table_insert (router->by_file, msg->key, msg);
  router->n_msgs++;
  router->total_in++;
  return msg;
}

const char *
sr_router_app_region (SrRouter *router, SrRouterApp *app)
{
  return app->config->region && *app->config->region ? app->config->region
                                                     : router->config->region;
}

SrMessageDialect
sr_router_app_dialect (SrRouterApp *app)
{
  return app->config->smstools3_compat ? SR_MESSAGE_DIALECT_SMSTOOLS3
                                       : SR_MESSAGE_DIALECT_NATIVE;
}

void
sr_router_intake_file (SrRouter *router, SrRouterApp *app, const char *name,
                       SrJournalMessage *existing, GPtrArray *segments)
{
  SrRouterLoad load = { 0 };

  load.app = app;
  load.name = g_strdup (name);
  load.claimed = TRUE;
  load.dialect = sr_router_app_dialect (app);
  sr_router_load_file (router->spool, &load, sr_router_app_region (router, app),
                       router->config->max_file_size);
  sr_router_intake_loaded (router, &load, existing, segments);
  sr_router_load_clear (&load);
}

void
sr_router_intake_loaded (SrRouter *router, SrRouterLoad *load, SrJournalMessage *existing,
                         GPtrArray *segments)
{
  const SrConfig *config = router->config;
  SrRouterApp *app = load->app;
  const char *name = load->name;
  g_autoptr(GError) error = NULL;
  SrRouterMsg *msg;
  const char *text;
  SrAlphabet alphabet;
  SrTextCount count;
  SrPolicyRequest req = { 0 };
  SrPolicyDecision decision;
  SrSplitMethod method;
  SrDataCoding0 dc0;
  SrMessageOption opt;
  guint max_parts;

  msg = msg_new (router, app, name);
  if (existing)
    {
      msg->id = existing->id;
      msg->attempts = existing->attempts;
    }

  if (load->raw == NULL)
    {
      SrErrorClass klass = sr_error_class_for_error (load->error);

      if (klass == SR_ERROR_CLASS_INPUT)
        {
          fail_with_error (router, msg, load->error);
          return;
        }
      /* Gone, or the disk failed: the file stays where it is (a restart
       * recovers it); nothing was sent. */
      g_warning ("Cannot read %s of app %s: %s", name, app->name, load->error->message);
      if (klass == SR_ERROR_CLASS_SYSTEM)
        sr_router_system_event (router, SR_LEVEL_ERROR, "spool", load->error->message);
      g_hash_table_remove (router->by_file, msg->key);
      router->n_msgs--;
      sr_router_msg_free (msg);
      return;
    }
  msg->raw = g_steal_pointer (&load->raw);
  msg->parsed = g_steal_pointer (&load->parsed);
  if (load->error)
    {
      fail_with_error (router, msg, load->error);
      return;
    }
  memcpy (msg->to_e164, load->to_e164, sizeof msg->to_e164);
  memcpy (msg->country, load->country, sizeof msg->country);
  msg->dest_hash = hash_destination (msg->to_e164);
  msg->provider = sr_router_route (router, msg->to_e164);
  if (msg->provider == NULL)
    {
      sr_router_fail (router, msg, SR_ERROR_CLASS_POLICY, 0,
                      _("no provider routes this destination"));
      return;
    }
  method = msg->provider->config->split;
  dc0 = msg->provider->config->data_coding0;

  text = sr_message_get_text (msg->parsed, NULL);
  alphabet = alphabet_of (sr_message_get_alphabet (msg->parsed));
  if (!sr_text_count (text, alphabet, method, &count, &error))
    {
      fail_with_error (router, msg, error);
      return;
    }
  max_parts = config->max_parts ? config->max_parts : SR_SPLIT_MAX_PARTS;
  if (count.parts > max_parts)
    {
      g_autofree char *why = g_strdup_printf (_("the text needs %u parts, more than the %u allowed (max-parts)"),
                                              count.parts, max_parts);

      sr_router_fail (router, msg, SR_ERROR_CLASS_TOO_LONG, 0, why);
      return;
    }

  req.to = msg->to_e164;
  req.country = msg->country[0] ? msg->country : NULL;
  req.from = sr_message_get_from (msg->parsed);
  req.parts = count.parts;
  req.provider = msg->provider->config;
  if (!sr_policy_check_outbound (router->policy, app->config, &req, &decision))
    {
      g_autofree char *why = g_strdup_printf ("%s: %s", sr_policy_rule_to_string (decision.rule),
                                              decision.text);

      sr_router_fail (router, msg, decision.error_class != SR_ERROR_CLASS_NONE
                                   ? decision.error_class : SR_ERROR_CLASS_POLICY, 0, why);
      return;
    }
  msg->sender = decision.sender;

  opt = sr_message_get_report (msg->parsed);
  msg->report = opt == SR_MESSAGE_OPTION_UNSET ? config->report : opt == SR_MESSAGE_OPTION_YES;
  msg->flash = sr_message_get_flash (msg->parsed) == SR_MESSAGE_OPTION_YES;
  msg->validity = sr_message_get_validity (msg->parsed);

  if (msg->id == 0)
    {
      msg->id = insert_row (router, msg, text, count.alphabet, count.parts, &error);
      if (msg->id == 0
          || !sr_journal_segments_add (router->journal, msg->id, count.parts, &error))
        {
          /* The journal refuses writes: keep the file claimed for a restart. */
          sr_router_system_event (router, SR_LEVEL_ERROR, "journal", error->message);
          g_hash_table_remove (router->by_file, msg->key);
          router->n_msgs--;
          sr_router_msg_free (msg);
          return;
        }
      /* Counted only when a limit reads the counters: a write saved per message. */
      if (config->policy.max_per_destination_hour || config->policy.max_per_destination_day)
        sr_journal_counter_add (router->journal, msg->to_e164, g_get_real_time (), NULL);
      if (decision.sender_changed && decision.note[0])
        sr_journal_event_add (router->journal, g_get_real_time (), SR_SCOPE_MESSAGE,
                              SR_LEVEL_INFO, "sender", msg->id, app->name, NULL,
                              decision.note, NULL);
    }

  /* The concatenation reference comes from the row id: the same after a
   * restart, so parts sent before a crash and parts sent after match. */
  msg->split = sr_split_message (text, alphabet, method, max_parts, dc0,
                                 (guint16) (msg->id & 0xFFFF), &error);
  if (msg->split == NULL)
    {
      fail_with_error (router, msg, error);
      return;
    }
  msg->n_parts = msg->split->n_segments;
  msg->parts = g_new0 (SrRouterPart, msg->n_parts);
  for (guint i = 0; i < msg->n_parts; i++)
    {
      msg->parts[i].msg = msg;
      msg->parts[i].index = i;
    }
  if (segments)
    for (guint i = 0; i < segments->len; i++)
      {
        SrJournalSegment *s = g_ptr_array_index (segments, i);

        if (s->submit == SR_SEGMENT_ACCEPTED && s->part >= 1 && s->part <= msg->n_parts)
          {
            SrRouterPart *part = &msg->parts[s->part - 1];

            part->submit = SR_SEGMENT_ACCEPTED;
            part->smsc_id = g_strdup (s->smsc_id);
            msg->accepted++;
          }
      }

  msg->stage = SR_MSG_INTAKE;
  if (router->open_ready == NULL)
    router->open_ready = g_ptr_array_new ();
  g_ptr_array_add (router->open_ready, msg);
  sr_router_schedule_seal (router);
}

/* ---- scanning ------------------------------------------------------------ */

static gboolean
intake_app (SrRouter *router, SrRouterApp *app, guint *budget)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  guint room, listed;

  if (router->n_msgs + router->n_loading >= SR_ROUTER_MAX_QUEUED
      || !sr_router_io_can_load (router->io))
    return FALSE;
  room = MIN (SR_ROUTER_MAX_QUEUED - router->n_msgs - router->n_loading, *budget);
  if (app->scan == NULL)
    {
      app->scan = sr_spool_scan_new (router->spool, app->name, SR_SPOOL_OUTBOX_NEW, &error);
      if (app->scan == NULL)
        {
          sr_router_system_event (router, SR_LEVEL_ERROR, "spool", error->message);
          app->scanning = FALSE;
          return FALSE;
        }
    }
  if (!sr_spool_scan_next (app->scan, names, room, &error))
    {
      sr_router_system_event (router, SR_LEVEL_ERROR, "spool", error->message);
      g_clear_pointer (&app->scan, sr_spool_scan_free);
      app->scanning = FALSE;
      return FALSE;
    }
  if (names->len == 0)
    {
      /* Dry: back to the monitor for what comes next. */
      g_clear_pointer (&app->scan, sr_spool_scan_free);
      app->scanning = FALSE;
      if (app->watch_paused && router->watch)
        {
          app->watch_paused = FALSE;
          if (!sr_spool_watch_resume (router->watch, app->name, &error))
            g_warning ("%s", error->message);
        }
      sr_router_settle_arm (app);
      return FALSE;
    }
  listed = names->len;
  sr_router_settle_filter (app, names);
  if (names->len > 0)
    {
      /* Claimed and loaded by the file worker; back through
       * sr_router_intake_loaded() in the same order. */
      GPtrArray *loads = g_ptr_array_new_full (names->len, (GDestroyNotify) sr_router_load_free);

      for (guint i = 0; i < names->len; i++)
        {
          SrRouterLoad *load = g_new0 (SrRouterLoad, 1);

          load->app = app;
          load->name = g_strdup (g_ptr_array_index (names, i));
          load->dialect = sr_router_app_dialect (app);
          g_ptr_array_add (loads, load);
        }
      router->n_loading += names->len;
      sr_router_io_load (router->io, loads, sr_router_app_region (router, app),
                         router->config->max_file_size);
    }
  /* A full batch means a backlog: the monitor's events would say nothing new. */
  if (listed >= room && !app->watch_paused && router->watch)
    {
      sr_spool_watch_pause (router->watch, app->name);
      app->watch_paused = TRUE;
    }
  *budget -= MIN (*budget, listed);
  return TRUE;
}

static gboolean
intake_cb (gpointer user_data)
{
  SrRouter *router = user_data;
  guint budget = INTAKE_STEP;
  gboolean more = FALSE;

  if (router->stopping || !sr_journal_is_healthy (router->journal))
    {
      /* no claims while the journal cannot commit (its recovery schedules us) */
      router->intake_source = 0;
      return G_SOURCE_REMOVE;
    }
  for (guint i = 0; i < router->apps->len && budget > 0; i++)
    {
      SrRouterApp *app = g_ptr_array_index (router->apps, i);

      if (app->scanning && intake_app (router, app, &budget))
        more = TRUE;
    }
  for (guint i = 0; i < router->apps->len; i++)
    if (((SrRouterApp *) g_ptr_array_index (router->apps, i))->scanning)
      more = TRUE;
  if (more && router->n_msgs + router->n_loading < SR_ROUTER_MAX_QUEUED
      && sr_router_io_can_load (router->io))
    return G_SOURCE_CONTINUE;
  /* Full, dry or the worker busy: a finished message, the worker's results
   * or the watch schedule the next run. */
  router->intake_source = 0;
  sr_router_changed (router);
  return G_SOURCE_REMOVE;
}

void
sr_router_intake_schedule (SrRouter *router)
{
  if (router->stopping || !router->started || router->intake_source != 0
      || !sr_journal_is_healthy (router->journal))
    return;
  if (router->n_msgs + router->n_loading >= SR_ROUTER_MAX_QUEUED
      || !sr_router_io_can_load (router->io))
    return;
  for (guint i = 0; i < router->apps->len; i++)
    if (((SrRouterApp *) g_ptr_array_index (router->apps, i))->scanning)
      {
        /* Same priority as the sockets: a busy SMSC link must not starve intake. */
        router->intake_source = g_idle_add_full (G_PRIORITY_DEFAULT, intake_cb, router, NULL);
        return;
      }
}

void
sr_router_intake_watch_func (const char *name, gpointer user_data)
{
  SrRouter *router = user_data;
  SrRouterApp *app = sr_router_find_app (router, name);

  if (app == NULL || router->stopping)
    return;
  app->scanning = TRUE;
  sr_router_intake_schedule (router);
}

void
sr_router_intake_stop (SrRouter *router)
{
  if (router->intake_source)
    {
      g_source_remove (router->intake_source);
      router->intake_source = 0;
    }
  for (guint i = 0; i < router->apps->len; i++)
    {
      SrRouterApp *app = g_ptr_array_index (router->apps, i);

      g_clear_pointer (&app->scan, sr_spool_scan_free);
      app->scanning = FALSE;
      sr_router_settle_stop (app);
    }
}
