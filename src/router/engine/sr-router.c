/* sr-router.c — the engine's life cycle: open, start, pause, status, stop. */
#define G_LOG_DOMAIN "sr-router"


#include <glib/gi18n-lib.h>

#include "sr-router-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

G_DEFINE_QUARK (sr-router-error-quark, sr_router_error)

/* ---- policy store: the journal's blacklist and counters ---------------- */

static gboolean
store_country (gpointer user_data, const char *country)
{
  return sr_journal_blacklist_has_country (user_data, country);
}

static gboolean
store_number (gpointer user_data, const char *e164)
{
  return sr_journal_blacklist_has_number (user_data, e164);
}

static const char *
store_prefix (gpointer user_data, const char *e164)
{
  return sr_journal_blacklist_match_prefix (user_data, e164);
}

static guint
store_count (gpointer user_data, const char *e164, SrPolicyPeriod period)
{
  guint hour = 0, day = 0;

  sr_journal_counter_get (user_data, e164, g_get_real_time (), &hour, &day);
  return period == SR_POLICY_PERIOD_HOUR ? hour : day;
}

static gboolean
seed_blacklist (SrRouter *router, GError **error)
{
  const SrPolicyConfig *p = &router->config->policy;
  struct { SrBlacklistKind kind; char **values; } seeds[] = {
    { SR_BLACKLIST_COUNTRY, p->blacklist_countries },
    { SR_BLACKLIST_NUMBER, p->blacklist_numbers },
    { SR_BLACKLIST_PREFIX, p->blacklist_prefixes },
  };
  gint64 now = g_get_real_time ();

  for (guint i = 0; i < G_N_ELEMENTS (seeds); i++)
    for (char **v = seeds[i].values; v && *v; v++)
      {
        gboolean added = FALSE;

        if (**v == '\0')
          continue;
        if (!sr_journal_blacklist_add (router->journal, seeds[i].kind, *v, "config",
                                       _("from the configuration"), now, &added, error))
          return FALSE;
      }
  return TRUE;
}

static void
journal_error_cb (SrJournal *journal, const GError *error, gpointer user_data)
{
  SrRouter *router = user_data;
  g_autofree char *text = g_strdup_printf (_("The journal could not be written: %s"),
                                           error->message);

  sr_router_system_event (router, SR_LEVEL_ERROR, "journal", text);
}

/* The journal's health is the gate of everything that needs a commit:
 * while it cannot commit, nothing is claimed (sr_router_intake_schedule)
 * and nothing is submitted (the dispatch loop); files move only after
 * their commit anyway.  Its writes are kept and retried meanwhile. */
static void
journal_health_cb (SrJournal *journal, const GError *error, gpointer user_data)
{
  SrRouter *router = user_data;

  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The journal cannot be written: %s. Sending is held (no "
                                                 "claims, no submits) and the commit is retried."),
                                               error->message);

      sr_router_system_event (router, SR_LEVEL_ERROR, "journal", text);
      return;
    }
  sr_router_system_event (router, SR_LEVEL_INFO, "journal",
                          _("The journal can be written again: sending resumes."));
  sr_router_intake_schedule (router);
  sr_router_kick (router);
}

/* A journal missing (or empty) while outbox/cur/ holds claimed messages:
 * a fresh journal would send them again in full as if new, without knowing
 * which parts the SMSC accepted.  The operator decides, not the router. */
static gboolean
check_claims_have_journal (SrRouter *router, const char *journal_path, GError **error)
{
  if (!sr_journal_is_new (journal_path))
    return TRUE;
  for (guint i = 0; i < router->config->apps->len; i++)
    {
      const SrAppConfig *ac = g_ptr_array_index (router->config->apps, i);
      g_autofree char *cur = NULL;
      g_autofree char *new_dir = NULL;

      if (!sr_spool_has_files (router->spool, ac->name, SR_SPOOL_OUTBOX_CUR))
        continue;
      cur = g_build_filename (router->spool_root, "apps", ac->name, "outbox", "cur", NULL);
      new_dir = g_build_filename (router->spool_root, "apps", ac->name, "outbox", "new", NULL);
      g_set_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_MISSING,
                   _("The journal %s is missing (or empty), but %s holds claimed messages: "
                     "without the journal the router cannot tell which of their parts the SMSC "
                     "has accepted.  Restore the journal from a backup; or, to send them again "
                     "in full (recipients may receive some parts twice), move the files from %s "
                     "to %s; then start again (see \"DAMAGED OR MISSING JOURNAL\" in "
                     "sms-router(1))."),
                   journal_path, cur, cur, new_dir);
      return FALSE;
    }
  return TRUE;
}

/* ---- new / free -------------------------------------------------------- */

static void
app_free (SrRouterApp *app)
{
  g_clear_pointer (&app->scan, sr_spool_scan_free);
  sr_router_settle_stop (app);
  g_free (app->name);
  g_free (app);
}

static gboolean
build_apps_and_providers (SrRouter *router)
{
  for (guint i = 0; i < router->config->apps->len; i++)
    {
      const SrAppConfig *ac = g_ptr_array_index (router->config->apps, i);
      SrRouterApp *app = g_new0 (SrRouterApp, 1);

      app->router = router;
      app->config = ac;
      app->name = g_strdup (ac->name);
      app->scanning = TRUE;
      g_ptr_array_add (router->apps, app);
    }
  for (guint i = 0; i < router->config->providers->len; i++)
    g_ptr_array_add (router->providers,
                     sr_router_provider_new (router, g_ptr_array_index (router->config->providers, i)));
  return TRUE;
}

/* The journal holds every number and text sent: the router's user alone
 * reads it (README, "Permissions").  SQLite gives the -wal and -shm files
 * it creates later the database's mode. */
static void
restrict_journal (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm" };
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      if (g_chmod (file, 0600) != 0 && errno != ENOENT)
        g_warning (_("Cannot make %s readable by the router only: %s"), file, g_strerror (errno));
    }
}

SrRouter *
sr_router_new (SrConfig *config, const SrRouterOptions *options, GError **error)
{
  g_autoptr(SrRouter) router = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *journal_path = NULL;
  GError *local = NULL;

  g_return_val_if_fail (config != NULL, NULL);

  router = g_new0 (SrRouter, 1);
  router->config = config;
  router->context = g_main_context_ref_thread_default ();
  router->apps = g_ptr_array_new_with_free_func ((GDestroyNotify) app_free);
  router->providers = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_router_provider_free);
  router->by_file = g_hash_table_new (g_str_hash, g_str_equal);
  router->last_rate_at = g_get_monotonic_time ();
  g_queue_init (&router->retry);
  g_queue_init (&router->system_errors);

  router->spool_root = g_strdup (options && options->spool ? options->spool : config->spool);
  if (router->spool_root == NULL || *router->spool_root == '\0')
    {
      g_set_error (error, SR_ROUTER_ERROR, SR_ROUTER_ERROR_INVALID,
                   _("No spool directory is configured ([router] spool or --spool)."));
      return NULL;
    }

  router->lock = sr_spool_lock_acquire (router->spool_root, &local);
  if (router->lock == NULL)
    {
      gint code = g_error_matches (local, SR_SPOOL_ERROR, SR_SPOOL_ERROR_LOCKED)
                  ? SR_ROUTER_ERROR_LOCKED : SR_ROUTER_ERROR_FAILED;

      g_set_error_literal (error, SR_ROUTER_ERROR, code, local->message);
      g_error_free (local);
      return NULL;
    }

  names = g_ptr_array_new ();
  for (guint i = 0; i < config->apps->len; i++)
    g_ptr_array_add (names, ((SrAppConfig *) g_ptr_array_index (config->apps, i))->name);
  g_ptr_array_add (names, NULL);
  router->spool = sr_spool_open (router->spool_root, (const char *const *) names->pdata, error);
  if (router->spool == NULL)
    return NULL;
  router->io = sr_router_io_new (router);

  journal_path = sr_journal_path_for_spool (router->spool_root);
  if (!check_claims_have_journal (router, journal_path, error))
    return NULL;
  router->journal = sr_journal_open (journal_path, SR_JOURNAL_OPEN_DEFAULT, error);
  if (router->journal == NULL)
    return NULL;
  restrict_journal (journal_path);
  sr_journal_set_error_func (router->journal, journal_error_cb, router);
  sr_journal_set_health_func (router->journal, journal_health_cb, router);
  if (!seed_blacklist (router, error))
    return NULL;

  router->store.user_data = router->journal;
  router->store.is_country_blacklisted = store_country;
  router->store.is_number_blacklisted = store_number;
  router->store.prefix_blacklisted = store_prefix;
  router->store.count = store_count;
  router->policy = sr_policy_new (config, &router->store, error);
  if (router->policy == NULL)
    return NULL;

  build_apps_and_providers (router);
  sr_router_inbound_init (router);
  return g_steal_pointer (&router);
}

static void
remove_source (guint *id)
{
  if (*id != 0)
    {
      g_source_remove (*id);
      *id = 0;
    }
}

static void
free_msg_cb (gpointer key, gpointer value, gpointer user_data)
{
  sr_router_msg_free (value);
}

void
sr_router_free (SrRouter *router)
{
  if (router == NULL)
    return;

  /* Nothing schedules anything from here on. */
  router->freeing = TRUE;
  router->stopping = TRUE;
  remove_source (&router->retry_source);
  remove_source (&router->kick_source);
  remove_source (&router->intake_source);
  remove_source (&router->status_source);
  remove_source (&router->changed_source);
  remove_source (&router->throttle_source);
  remove_source (&router->stop_timeout);
  sr_router_retention_free (router);
  g_clear_pointer (&router->watch, sr_spool_watch_free);
  if (router->apps)
    for (guint i = 0; i < router->apps->len; i++)
      g_clear_pointer (&((SrRouterApp *) g_ptr_array_index (router->apps, i))->scan,
                       sr_spool_scan_free);

  if (router->journal)
    {
      g_autoptr(GError) error = NULL;

      /* Runs the pending when_committed callbacks while the sessions and
       * providers still exist: files move, answers go out. */
      sr_router_seal_now (router);
      if (!sr_journal_flush (router->journal, &error))
        g_warning ("%s", error->message);
    }
  remove_source (&router->kick_source);
  remove_source (&router->retry_source);
  remove_source (&router->changed_source);

  /* Sessions go next: no callback may reach a half-freed router. */
  if (router->providers)
    g_ptr_array_set_size (router->providers, 0);

  /* After the flush: answers the inbound module still owed went out. */
  sr_router_inbound_fini (router);

  /* Messages still claimed stay in outbox/cur/: the next start recovers them. */
  if (router->by_file)
    {
      g_hash_table_foreach (router->by_file, free_msg_cb, NULL);
      g_hash_table_destroy (router->by_file);
    }
  g_clear_pointer (&router->open_ready, g_ptr_array_unref);
  g_clear_pointer (&router->open_finish, g_ptr_array_unref);
  g_clear_pointer (&router->open_acks, g_ptr_array_unref);
  g_clear_pointer (&router->open_accepted, g_ptr_array_unref);
  g_clear_pointer (&router->providers, g_ptr_array_unref);
  g_clear_pointer (&router->apps, g_ptr_array_unref);
  /* Every move the journal allowed is done before the spool goes. */
  g_clear_pointer (&router->io, sr_router_io_free);
  g_clear_pointer (&router->policy, sr_policy_free);
  g_clear_pointer (&router->journal, sr_journal_close);
  g_clear_pointer (&router->spool, sr_spool_free);
  g_clear_pointer (&router->lock, sr_spool_lock_release);
  g_queue_clear_full (&router->system_errors, g_free);
  g_clear_pointer (&router->context, g_main_context_unref);
  g_clear_pointer (&router->config, sr_config_free);
  g_slist_free_full (router->old_configs, (GDestroyNotify) sr_config_free);
  g_free (router->spool_root);
  g_free (router);
}

/* ---- start / stop ------------------------------------------------------ */

static gboolean
status_tick (gpointer user_data)
{
  SrRouter *router = user_data;
  gint64 now = g_get_monotonic_time ();
  double secs = (now - router->last_rate_at) / 1e6;

  if (secs > 0)
    {
      /* A short exponential average: "last few seconds". */
      double in = (router->total_in - router->last_in) / secs;
      double out = (router->total_out - router->last_out) / secs;

      router->rate_in = router->rate_in * 0.5 + in * 0.5;
      router->rate_out = router->rate_out * 0.5 + out * 0.5;
      if (router->rate_in < 0.01)
        router->rate_in = 0;
      if (router->rate_out < 0.01)
        router->rate_out = 0;
    }
  if (router->total_in != router->last_in || router->total_out != router->last_out
      || router->rate_in > 0 || router->rate_out > 0)
    sr_router_changed (router);
  router->last_in = router->total_in;
  router->last_out = router->total_out;
  router->last_rate_at = now;
  return G_SOURCE_CONTINUE;
}

gboolean
sr_router_start (SrRouter *router, GError **error)
{
  guint rescan;

  g_return_val_if_fail (router != NULL, FALSE);
  g_return_val_if_fail (!router->started, FALSE);

  router->started = TRUE;
  {
    g_autoptr(GError) local = NULL;

    if (sr_spool_clean_temporaries (router->spool, 36 * 3600, &local) < 0)
      g_warning ("%s", local->message);
  }
  if (!sr_router_recover (router, error))
    return FALSE;

  rescan = router->config->rescan_interval ? router->config->rescan_interval * 1000 : 5000;
  router->watch = sr_spool_watch_new (router->spool, rescan, SR_SPOOL_WATCH_DEFAULT,
                                      sr_router_intake_watch_func, router, error);
  if (router->watch == NULL)
    return FALSE;
  /* Intake drains by scanning first; the monitor comes back when a scan runs dry. */
  for (guint i = 0; i < router->apps->len; i++)
    {
      SrRouterApp *app = g_ptr_array_index (router->apps, i);

      sr_spool_watch_pause (router->watch, app->name);
      app->watch_paused = TRUE;
      app->scanning = TRUE;
    }

  for (guint i = 0; i < router->providers->len; i++)
    sr_router_provider_start (g_ptr_array_index (router->providers, i));

  router->status_source = g_timeout_add_seconds (1, status_tick, router);
  sr_router_retention_start (router);
  sr_journal_event_add (router->journal, g_get_real_time (), SR_SCOPE_SYSTEM, SR_LEVEL_INFO,
                        "start", 0, NULL, NULL, _("The router started."), NULL);
  sr_router_intake_schedule (router);
  sr_router_changed (router);
  return TRUE;
}

static void
finish_stop (SrRouter *router)
{
  SrRouterStoppedFunc done = router->stopped_func;
  gpointer data = router->stopped_data;

  remove_source (&router->stop_timeout);
  router->stopped_func = NULL;
  {
    g_autoptr(GError) error = NULL;

    sr_journal_event_add (router->journal, g_get_real_time (), SR_SCOPE_SYSTEM, SR_LEVEL_INFO,
                          "stop", 0, NULL, NULL, _("The router stopped."), NULL);
    sr_router_seal_now (router);
    if (!sr_journal_flush (router->journal, &error))
      g_warning ("%s", error->message);
    /* Stopped means the files are where the journal says. */
    sr_router_io_wait (router->io);
  }
  if (done)
    done (router, data);
}

static gboolean
stop_timeout_cb (gpointer user_data)
{
  SrRouter *router = user_data;

  router->stop_timeout = 0;
  g_message ("Stop: some sessions did not finish in time; closing.");
  for (guint i = 0; i < router->providers->len; i++)
    {
      SrRouterProvider *p = g_ptr_array_index (router->providers, i);

      for (guint j = 0; j < p->binds->len; j++)
        {
          SrRouterBind *b = g_ptr_array_index (p->binds, j);

          g_clear_pointer (&b->session, sr_smpp_session_unref);
        }
    }
  finish_stop (router);
  return G_SOURCE_REMOVE;
}

void
sr_router_check_stopped (SrRouter *router)
{
  if (!router->stopping || router->stopped_func == NULL || router->stop_timeout == 0)
    return;
  for (guint i = 0; i < router->providers->len; i++)
    if (!sr_router_provider_stopped (g_ptr_array_index (router->providers, i)))
      return;
  finish_stop (router);
}

void
sr_router_stop (SrRouter *router, SrRouterStoppedFunc done, gpointer user_data)
{
  g_return_if_fail (router != NULL);

  router->stopped_func = done;
  router->stopped_data = user_data;
  if (router->stopping)
    return;
  router->stopping = TRUE;
  sr_router_intake_stop (router);
  g_clear_pointer (&router->watch, sr_spool_watch_free);
  remove_source (&router->retry_source);
  remove_source (&router->throttle_source);
  remove_source (&router->kick_source);

  /* The sessions bound their own waits; this is the backstop. */
  router->stop_timeout = g_timeout_add_seconds (15, stop_timeout_cb, router);
  for (guint i = 0; i < router->providers->len; i++)
    sr_router_provider_stop (g_ptr_array_index (router->providers, i));
  sr_router_check_stopped (router);
}

/* ---- pause, reconnect -------------------------------------------------- */

void
sr_router_set_paused (SrRouter *router, gboolean paused, const char *actor)
{
  g_return_if_fail (router != NULL);

  paused = !!paused;
  if (router->paused == paused)
    return;
  router->paused = paused;
  sr_journal_event_add (router->journal, g_get_real_time (), SR_SCOPE_SYSTEM, SR_LEVEL_INFO,
                        paused ? "pause" : "resume", 0, NULL, actor,
                        paused ? _("Sending paused.") : _("Sending resumed."), NULL);
  if (!paused)
    sr_router_kick (router);
  sr_router_changed (router);
}

gboolean
sr_router_get_paused (SrRouter *router)
{
  g_return_val_if_fail (router != NULL, FALSE);
  return router->paused;
}

void
sr_router_reconnect (SrRouter *router)
{
  g_return_if_fail (router != NULL);

  for (guint i = 0; i < router->providers->len; i++)
    {
      SrRouterProvider *p = g_ptr_array_index (router->providers, i);

      for (guint j = 0; j < p->binds->len; j++)
        {
          SrRouterBind *b = g_ptr_array_index (p->binds, j);

          if (b->session)
            sr_smpp_session_restart (b->session);
        }
    }
}

/* ---- status ------------------------------------------------------------ */

static void
bind_status_free (SrRouterBindStatus *b)
{
  g_free (b->name);
  g_free (b->state);
  g_free (b->last_error);
  g_free (b->provider);
  g_free (b);
}

void
sr_router_status_clear (SrRouterStatus *status)
{
  if (status == NULL)
    return;
  g_clear_pointer (&status->binds, g_ptr_array_unref);
  g_clear_pointer (&status->system_errors, g_ptr_array_unref);
  memset (status, 0, sizeof *status);
}

void
sr_router_get_status (SrRouter *router, SrRouterStatus *status)
{
  g_return_if_fail (router != NULL && status != NULL);

  memset (status, 0, sizeof *status);
  status->binds = g_ptr_array_new_with_free_func ((GDestroyNotify) bind_status_free);
  for (guint i = 0; i < router->providers->len; i++)
    {
      SrRouterProvider *p = g_ptr_array_index (router->providers, i);

      for (guint j = 0; j < p->binds->len; j++)
        {
          SrRouterBind *b = g_ptr_array_index (p->binds, j);
          SrRouterBindStatus *s = g_new0 (SrRouterBindStatus, 1);

          s->name = g_strdup (b->name);
          s->state = g_strdup (sr_smpp_state_to_string (b->session
                                                        ? sr_smpp_session_get_state (b->session)
                                                        : SR_SMPP_STATE_DISCONNECTED));
          s->last_error = g_strdup (b->last_error);
          if (b->session)
            {
              SrSmppSessionStats st;

              sr_smpp_session_get_stats (b->session, &st);
              s->rate = st.accept_rate;
              s->throttle_pause_ms = st.throttle_pause_ms;
              s->throttled = st.throttled;
              s->accepted = st.accepted;
              s->delivered = st.delivered;
              s->state_since = st.state_since;
              s->reconnects = st.reconnects;
              s->window_used = st.window_used;
              if (sr_smpp_session_get_bind_as (b->session) != SR_SMPP_BIND_AS_RECEIVER)
                s->window_size = st.window_size;
              s->latency_count = st.latency_count;
              s->latency_p50_ms = st.latency_p50_ms;
              s->latency_p99_ms = st.latency_p99_ms;
            }
          s->provider = g_strdup (p->config->name);
          s->throughput = p->config->throughput;
          g_ptr_array_add (status->binds, s);
        }
    }
  status->system_errors = g_ptr_array_new_with_free_func (g_free);
  for (GList *l = router->system_errors.head; l; l = l->next)
    g_ptr_array_add (status->system_errors, g_strdup (l->data));
  status->rate_in = router->rate_in;
  status->rate_out = router->rate_out;
  status->total_in = router->total_in;
  status->total_out = router->total_out;
  status->in_flight = router->in_flight;
  status->waiting = router->retry.length + (router->open_ready ? router->open_ready->len : 0);
  for (guint i = 0; i < router->providers->len; i++)
    status->waiting += ((SrRouterProvider *) g_ptr_array_index (router->providers, i))->queue.length;
  status->paused = router->paused;
  memcpy (status->receipts, router->receipts, sizeof status->receipts);
}

void
sr_router_set_event_func (SrRouter *router, SrRouterEventFunc func, gpointer user_data)
{
  g_return_if_fail (router != NULL);
  router->event_func = func;
  router->event_data = user_data;
}

void
sr_router_set_changed_func (SrRouter *router, GSourceFunc func, gpointer user_data)
{
  g_return_if_fail (router != NULL);
  router->changed_func = func;
  router->changed_data = user_data;
}

static gboolean
changed_cb (gpointer user_data)
{
  SrRouter *router = user_data;

  router->changed_source = 0;
  if (router->changed_func)
    router->changed_func (router->changed_data);
  return G_SOURCE_REMOVE;
}

void
sr_router_changed (SrRouter *router)
{
  /* Coalesced: at most one call per 100 ms, however busy the engine is. */
  if (router->changed_func && router->changed_source == 0 && !router->freeing)
    router->changed_source = g_timeout_add (100, changed_cb, router);
}

void
sr_router_system_event (SrRouter *router, SrJournalLevel level, const char *kind,
                        const char *text)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%H:%M:%S");

  if (level >= SR_LEVEL_WARNING)
    {
      g_queue_push_head (&router->system_errors, g_strdup_printf ("%s %s", stamp, text));
      while (router->system_errors.length > SR_ROUTER_MAX_SYSTEM_ERRORS)
        g_free (g_queue_pop_tail (&router->system_errors));
    }
  if (router->journal)
    sr_journal_event_add (router->journal, g_get_real_time (), SR_SCOPE_SYSTEM, level, kind, 0,
                          NULL, NULL, text, NULL);
  g_message ("%s", text);
  if (router->event_func)
    router->event_func (router, SR_SCOPE_SYSTEM, kind, text, router->event_data);
  sr_router_changed (router);
}

/* ---- accessors --------------------------------------------------------- */

const SrConfig *
sr_router_get_config (SrRouter *router)
{
  g_return_val_if_fail (router != NULL, NULL);
  return router->config;
}

SrJournal *
sr_router_get_journal (SrRouter *router)
{
  g_return_val_if_fail (router != NULL, NULL);
  return router->journal;
}

SrSpool *
sr_router_get_spool (SrRouter *router)
{
  g_return_val_if_fail (router != NULL, NULL);
  return router->spool;
}

SrRouterApp *
sr_router_find_app (SrRouter *router, const char *name)
{
  for (guint i = 0; i < router->apps->len; i++)
    {
      SrRouterApp *app = g_ptr_array_index (router->apps, i);

      if (g_strcmp0 (app->name, name) == 0)
        return app;
    }
  return NULL;
}

void
sr_router_msg_free (SrRouterMsg *msg)
{
  if (msg == NULL)
    return;
  for (guint i = 0; i < msg->n_parts; i++)
    g_free (msg->parts[i].smsc_id);
  g_free (msg->parts);
  g_clear_pointer (&msg->split, sr_split_free);
  g_clear_pointer (&msg->parsed, sr_message_free);
  g_clear_pointer (&msg->raw, g_bytes_unref);
  g_free (msg->dead_text);
  g_free (msg->file);
  g_free (msg->key);
  g_free (msg);
}
