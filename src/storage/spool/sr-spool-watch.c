/* sr-spool-watch.c — telling the router that an outbox may have new files.
 *
 * inotify only hints; a periodic rescan is the truth, because events get
 * lost (an overflowing queue, network file systems).  Events are coalesced:
 * one call per app per main-loop iteration, however many files arrived.
 *
 * inotify is read directly rather than through GFileMonitor: GIO's inotify
 * backend holds events back when they come often (up to 100 ms, to save
 * wake-ups), and a file waiting that long in outbox/new/ is latency the
 * router adds to every message.
 */
#define G_LOG_DOMAIN "sr-spool"

#include "sr-spool-private.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <sys/inotify.h>
#include <unistd.h>

/* What makes a file appear in new/: the maildir rename, or a writer that
 * creates it in place (then it is complete when closed). */
#define WATCH_EVENTS (IN_MOVED_TO | IN_CREATE | IN_CLOSE_WRITE)

typedef struct _SrSpoolWatchApp SrSpoolWatchApp;

/* What the watch keeps for one app. */
struct _SrSpoolWatchApp {
  SrSpoolWatch *watch;
  char *name;
  int wd;                       /* inotify watch, -1 when not watching */
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
  int inotify_fd;
  guint inotify_id;
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

static gboolean
on_inotify (gint fd, GIOCondition condition, gpointer data)
{
  SrSpoolWatch *watch = data;
  char buf[16 * 1024] __attribute__ ((aligned (__alignof__ (struct inotify_event))));

  for (;;)
    {
      ssize_t n = read (fd, buf, sizeof buf);

      if (n <= 0)
        break;
      for (char *p = buf; p < buf + n;)
        {
          const struct inotify_event *ev = (const struct inotify_event *) p;

          p += sizeof *ev + ev->len;
          for (guint i = 0; i < watch->n_apps; i++)
            if ((ev->mask & IN_Q_OVERFLOW) || watch->apps[i].wd == ev->wd)
              mark_pending (&watch->apps[i]);
        }
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
start_monitor (SrSpoolWatchApp *wa, GError **error)
{
  g_autofree char *path = sr_spool_get_path (wa->watch->spool, wa->name, SR_SPOOL_OUTBOX_NEW, NULL);

  wa->wd = inotify_add_watch (wa->watch->inotify_fd, path, WATCH_EVENTS | IN_ONLYDIR);
  if (wa->wd < 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot watch %s for new files: %s"), path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static void
stop_monitor (SrSpoolWatchApp *wa)
{
  if (wa->wd < 0)
    return;
  inotify_rm_watch (wa->watch->inotify_fd, wa->wd);
  wa->wd = -1;
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
  if (watch->use_monitor && wa->wd < 0 && !start_monitor (wa, error))
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
  watch->inotify_fd = -1;
  for (guint i = 0; i < watch->n_apps; i++)
    {
      watch->apps[i].watch = watch;
      watch->apps[i].name = g_strdup (apps[i]);
      watch->apps[i].wd = -1;
    }
  if (watch->use_monitor)
    {
      watch->inotify_fd = inotify_init1 (IN_NONBLOCK | IN_CLOEXEC);
      if (watch->inotify_fd < 0)
        {
          int saved = errno;

          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       _("Cannot watch the outboxes for new files: %s"), g_strerror (saved));
          return NULL;
        }
      watch->inotify_id = g_unix_fd_add (watch->inotify_fd, G_IO_IN, on_inotify, watch);
      for (guint i = 0; i < watch->n_apps; i++)
        if (!start_monitor (&watch->apps[i], error))
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
  if (watch->inotify_id)
    g_source_remove (watch->inotify_id);
  if (watch->inotify_fd >= 0)
    close (watch->inotify_fd);
  g_free (watch->apps);
  g_free (watch);
}
