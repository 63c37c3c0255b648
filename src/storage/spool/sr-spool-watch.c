/* sr-spool-watch.c — telling the router that an outbox may have new files.
 *
 * The file monitor only hints; a periodic rescan is the truth, because
 * monitors miss events (overflowing inotify queues, network file systems).
 * Events are coalesced: one call per app per main-loop iteration, however
 * many files arrived.
 */
#define G_LOG_DOMAIN "sr-spool"

#include "sr-spool-private.h"

#include <gio/gio.h>

typedef struct _SrSpoolWatchApp SrSpoolWatchApp;

/* What the watch keeps for one app. */
struct _SrSpoolWatchApp {
  SrSpoolWatch *watch;
  char *name;
  GFileMonitor *monitor;
  gboolean pending;
};

struct _SrSpoolWatch {
  SrSpool *spool;
  SrSpoolWatchApp *apps;
  guint n_apps;
  guint idle_id;
  guint timer_id;
  SrSpoolWatchFunc func;
  gpointer user_data;
  gboolean use_monitor;
};

static gboolean
dispatch (gpointer data)
{
  SrSpoolWatch *watch = data;

  watch->idle_id = 0;
  for (guint i = 0; i < watch->n_apps; i++)
    if (watch->apps[i].pending)
      {
        watch->apps[i].pending = FALSE;
        watch->func (watch->apps[i].name, watch->user_data);
      }
  return G_SOURCE_REMOVE;
}

static void
mark_pending (SrSpoolWatchApp *wa)
{
  SrSpoolWatch *watch = wa->watch;

  wa->pending = TRUE;
  if (watch->idle_id == 0)
    watch->idle_id = g_idle_add (dispatch, watch);
}

static void
on_changed (GFileMonitor *monitor, GFile *file, GFile *other,
            GFileMonitorEvent event, gpointer data)
{
  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CREATED:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
    case G_FILE_MONITOR_EVENT_RENAMED:
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
      mark_pending (data);
      break;
    default:
      break;   /* files leaving new/ (our own claims) say nothing new */
    }
}

static gboolean
start_monitor (SrSpoolWatchApp *wa, GError **error)
{
  g_autofree char *path = sr_spool_get_path (wa->watch->spool, wa->name, SR_SPOOL_OUTBOX_NEW, NULL);
  g_autoptr (GFile) dir = g_file_new_for_path (path);

  wa->monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_WATCH_MOVES, NULL, error);
  if (wa->monitor == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  g_signal_connect (wa->monitor, "changed", G_CALLBACK (on_changed), wa);
  return TRUE;
}

static void
stop_monitor (SrSpoolWatchApp *wa)
{
  if (wa->monitor == NULL)
    return;
  g_signal_handlers_disconnect_by_data (wa->monitor, wa);
  g_file_monitor_cancel (wa->monitor);
  g_clear_object (&wa->monitor);
}

static SrSpoolWatchApp *
find_app (SrSpoolWatch *watch, const char *app)
{
  for (guint i = 0; i < watch->n_apps; i++)
    if (g_str_equal (watch->apps[i].name, app))
      return &watch->apps[i];
  return NULL;
}

void
sr_spool_watch_pause (SrSpoolWatch *watch, const char *app)
{
  SrSpoolWatchApp *wa;

  g_return_if_fail (watch != NULL && app != NULL);
  if ((wa = find_app (watch, app)) == NULL || !watch->use_monitor)
    return;
  stop_monitor (wa);
}

gboolean
sr_spool_watch_resume (SrSpoolWatch *watch, const char *app, GError **error)
{
  SrSpoolWatchApp *wa;

  g_return_val_if_fail (watch != NULL && app != NULL, FALSE);
  if ((wa = find_app (watch, app)) == NULL)
    return TRUE;
  if (watch->use_monitor && wa->monitor == NULL && !start_monitor (wa, error))
    return FALSE;
  /* Files may have arrived while nobody listened. */
  mark_pending (wa);
  return TRUE;
}

static gboolean
on_rescan (gpointer data)
{
  SrSpoolWatch *watch = data;

  for (guint i = 0; i < watch->n_apps; i++)
    if (sr_spool_has_files (watch->spool, watch->apps[i].name, SR_SPOOL_OUTBOX_NEW))
      mark_pending (&watch->apps[i]);
  return G_SOURCE_CONTINUE;
}

SrSpoolWatch *
sr_spool_watch_new (SrSpool *spool, guint rescan_ms, SrSpoolWatchFlags flags,
                    SrSpoolWatchFunc func, gpointer user_data, GError **error)
{
  g_autoptr (SrSpoolWatch) watch = NULL;
  const char *const *apps;

  g_return_val_if_fail (spool != NULL && func != NULL, NULL);

  apps = sr_spool_get_apps (spool);
  watch = g_new0 (SrSpoolWatch, 1);
  watch->spool = spool;
  watch->func = func;
  watch->user_data = user_data;
  watch->use_monitor = !(flags & SR_SPOOL_WATCH_NO_MONITOR);
  watch->n_apps = g_strv_length ((char **) apps);
  watch->apps = g_new0 (SrSpoolWatchApp, watch->n_apps);

  for (guint i = 0; i < watch->n_apps; i++)
    {
      SrSpoolWatchApp *wa = &watch->apps[i];

      wa->watch = watch;
      wa->name = g_strdup (apps[i]);
      if (watch->use_monitor && !start_monitor (wa, error))
        return NULL;
    }
  if (rescan_ms > 0)
    watch->timer_id = g_timeout_add (rescan_ms, on_rescan, watch);
  return g_steal_pointer (&watch);
}

void
sr_spool_watch_free (SrSpoolWatch *watch)
{
  if (watch == NULL)
    return;
  if (watch->idle_id)
    g_source_remove (watch->idle_id);
  if (watch->timer_id)
    g_source_remove (watch->timer_id);
  for (guint i = 0; i < watch->n_apps; i++)
    {
      SrSpoolWatchApp *wa = &watch->apps[i];
      stop_monitor (wa);
      g_free (wa->name);
    }
  g_free (watch->apps);
  g_free (watch);
}
