/* sr-notify.c — rate-limited libnotify notifications that degrade silently. */
#define G_LOG_DOMAIN "sr-notify"

#include "sr-notify.h"

#include <glib/gi18n-lib.h>
#include <libnotify/notify.h>

/* The limiter and whether a service was found. */
struct SrNotify {
  gint64 min_interval_us;
  gint64 last_shown;
  guint suppressed;
  gboolean tried;        /* notify_init attempted */
  gboolean available;
  gint64 (*clock) (void);
};

SrNotify *
sr_notify_new (guint min_interval_ms)
{
  SrNotify *n = g_new0 (SrNotify, 1);
  n->min_interval_us = (gint64) min_interval_ms * 1000;
  n->last_shown = G_MININT64 / 2;
  n->available = TRUE;
  n->clock = g_get_monotonic_time;
  return n;
}

void
sr_notify_free (SrNotify *n)
{
  if (n == NULL)
    return;
  if (n->tried && notify_is_initted ())
    notify_uninit ();
  g_free (n);
}

void
sr_notify_set_clock (SrNotify *n, gint64 (*clock) (void))
{
  n->clock = clock != NULL ? clock : g_get_monotonic_time;
}

/* No session bus means no service: do not even try (it would log). */
static gboolean
service_possible (void)
{
  const char *bus = g_getenv ("DBUS_SESSION_BUS_ADDRESS");
  const char *runtime = g_getenv ("XDG_RUNTIME_DIR");
  if (bus != NULL && *bus != '\0')
    return TRUE;
  if (runtime == NULL)
    return FALSE;
  g_autofree char *socket = g_build_filename (runtime, "bus", NULL);
  return g_file_test (socket, G_FILE_TEST_EXISTS);
}

static gboolean
ensure_init (SrNotify *n)
{
  if (n->tried)
    return n->available;
  n->tried = TRUE;
  n->available = service_possible () && notify_init ("sms-router");
  if (!n->available)
    g_debug ("no desktop notification service; notifications are off");
  return n->available;
}

gboolean
sr_notify_send (SrNotify *n, const char *summary, const char *body)
{
  g_return_val_if_fail (n != NULL && summary != NULL, FALSE);
  gint64 now = n->clock ();
  if (now - n->last_shown < n->min_interval_us)
    {
      n->suppressed++;
      return FALSE;
    }
  if (!ensure_init (n))
    {
      /* Nobody to show it to: the limiter still runs, so bursts stay cheap. */
      n->last_shown = now;
      n->suppressed = 0;
      return FALSE;
    }

  g_autofree char *text = NULL;
  if (n->suppressed > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s\n(and %u more)", "%s\n(and %u more)",
                                         n->suppressed),
                            body != NULL ? body : "", n->suppressed);
  g_autoptr(GObject) note = (GObject *)
    notify_notification_new (summary, text != NULL ? text : body, "mail-message-new");
  g_autoptr(GError) error = NULL;
  if (!notify_notification_show (NOTIFY_NOTIFICATION (note), &error))
    {
      /* The bus exists but nobody shows notifications: stop asking. */
      g_debug ("desktop notification not shown (%s); notifications are off", error->message);
      n->available = FALSE;
      return FALSE;
    }
  n->last_shown = now;
  n->suppressed = 0;
  return TRUE;
}

guint
sr_notify_get_suppressed (SrNotify *n)
{
  return n->suppressed;
}

gboolean
sr_notify_is_available (SrNotify *n)
{
  return n->available;
}
