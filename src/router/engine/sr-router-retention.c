/* sr-router-retention.c — pruning what is older than [router] retention-days.
 *
 * A pass runs at start, every hour, and after a reload that changes the
 * number of days.  It removes journal rows of finished messages (with their
 * parts, receipts and events), old inbound rows and counters
 * (sr_journal_prune), and files in sent/, dead/ and receipts/{new,cur}/ of
 * every app whose mtime is older than the limit.  The work is cut into
 * small steps on a low-priority idle source so that a backlog of millions of
 * files or rows never stalls sending; a stop ends the pass where it is (the
 * next one finishes it).  What was removed is reported as a system event.
 */
#define G_LOG_DOMAIN "sr-router"

#include <glib/gi18n-lib.h>

#include "sr-router-private.h"
#include "sr-spool-prune.h"

#define RETENTION_INTERVAL_S 3600
/* rows per journal step and directory entries per file step */
#define RETENTION_STEP 500
#define USEC_PER_DAY (G_USEC_PER_SEC * G_GINT64_CONSTANT (86400))

/* The folders a pass prunes, in order. */
static const SrSpoolFolder retention_folders[] = {
  SR_SPOOL_SENT, SR_SPOOL_DEAD, SR_SPOOL_RECEIPTS_NEW, SR_SPOOL_RECEIPTS_CUR,
};

/* The retention state of one router: its hourly timer and the pass under way. */
struct SrRouterRetention {
  SrRouter *router;
  guint timer;
  guint idle;                 /* a pass is under way */
  guint days;                 /* of the pass under way */
  gint64 before;              /* its cut-off, microseconds since the epoch */
  gboolean journal_done;
  guint app_index;
  guint folder_index;
  SrSpoolPrune *dir;          /* the folder being walked */
  guint64 files;
  guint64 rows;
  guint failures;
};

static void
end_pass (SrRouterRetention *r, gboolean report)
{
  g_clear_pointer (&r->dir, sr_spool_prune_close);
  r->idle = 0;
  if (!report || r->files + r->rows == 0)
    return;

  g_autofree char *text = g_strdup_printf (
    _("Retention of %u days: %llu files and %llu journal rows older than that were removed."),
    r->days, (unsigned long long) r->files, (unsigned long long) r->rows);
  sr_router_system_event (r->router, SR_LEVEL_INFO, "retention", text);
}

static void
warn (SrRouterRetention *r, const GError *error)
{
  /* One event per pass: a folder the router may not write is reported, not repeated. */
  if (r->failures++ == 0)
    {
      g_autofree char *text = g_strdup_printf (_("Retention: %s"), error->message);
      sr_router_system_event (r->router, SR_LEVEL_WARNING, "retention", text);
    }
}

/* One journal step. */
static void
journal_step (SrRouterRetention *r)
{
  g_autoptr(GError) error = NULL;
  SrJournalPruneCounts counts = { 0 };

  if (!sr_journal_prune (r->router->journal, r->before, RETENTION_STEP, &counts, &error))
    {
      warn (r, error);
      r->journal_done = TRUE;
      return;
    }
  r->rows += counts.messages + counts.segments + counts.receipts + counts.inbound
             + counts.events + counts.counters;
  r->journal_done = counts.finished;
}

/* One file step; FALSE when every folder of every app is done. */
static gboolean
files_step (SrRouterRetention *r)
{
  SrRouter *router = r->router;

  while (r->app_index < router->apps->len)
    {
      SrRouterApp *app = g_ptr_array_index (router->apps, r->app_index);
      g_autoptr(GError) error = NULL;

      if (r->dir == NULL)
        {
          r->dir = sr_spool_prune_open (router->spool, app->name,
                                        retention_folders[r->folder_index], r->before, &error);
          if (r->dir == NULL)
            warn (r, error);
        }
      if (r->dir != NULL)
        {
          gint more = sr_spool_prune_step (r->dir, RETENTION_STEP, &r->files, &error);

          if (more > 0)
            return TRUE;
          if (more < 0)
            warn (r, error);
          g_clear_pointer (&r->dir, sr_spool_prune_close);
        }
      if (++r->folder_index == G_N_ELEMENTS (retention_folders))
        {
          r->folder_index = 0;
          r->app_index++;
        }
      g_clear_error (&error);
      return TRUE;
    }
  return FALSE;
}

static gboolean
pass_step (gpointer user_data)
{
  SrRouterRetention *r = user_data;

  if (r->router->stopping)
    {
      end_pass (r, TRUE);
      return G_SOURCE_REMOVE;
    }
  if (!r->journal_done)
    {
      journal_step (r);
      return G_SOURCE_CONTINUE;
    }
  if (files_step (r))
    return G_SOURCE_CONTINUE;
  end_pass (r, TRUE);
  return G_SOURCE_REMOVE;
}

/* Starts a pass unless one is under way or retention is off. */
static void
start_pass (SrRouterRetention *r)
{
  guint days = r->router->config->retention_days;

  if (r->idle != 0 || days == 0 || r->router->stopping)
    return;
  r->days = days;
  r->before = g_get_real_time () - (gint64) days * USEC_PER_DAY;
  r->journal_done = FALSE;
  r->app_index = 0;
  r->folder_index = 0;
  r->files = 0;
  r->rows = 0;
  r->failures = 0;
  r->idle = g_idle_add_full (G_PRIORITY_LOW, pass_step, r, NULL);
}

static gboolean
timer_cb (gpointer user_data)
{
  start_pass (user_data);
  return G_SOURCE_CONTINUE;
}

void
sr_router_retention_start (SrRouter *router)
{
  g_return_if_fail (router != NULL && router->retention == NULL);

  SrRouterRetention *r = g_new0 (SrRouterRetention, 1);
  r->router = router;
  router->retention = r;
  r->timer = g_timeout_add_seconds (RETENTION_INTERVAL_S, timer_cb, r);
  start_pass (r);
}

void
sr_router_retention_reloaded (SrRouter *router, guint old_days)
{
  SrRouterRetention *r = router->retention;

  if (r != NULL && router->config->retention_days != old_days)
    start_pass (r);
}

void
sr_router_retention_free (SrRouter *router)
{
  SrRouterRetention *r = router->retention;

  if (r == NULL)
    return;
  if (r->idle != 0)
    g_source_remove (r->idle);
  end_pass (r, FALSE);
  if (r->timer != 0)
    g_source_remove (r->timer);
  g_free (r);
  router->retention = NULL;
}
