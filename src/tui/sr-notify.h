/* sr-notify.h — desktop notifications through libnotify.
 *
 * Rate-limited (bursts become one "and N more" line) and silent when no
 * notification service runs: a console on a server or over ssh must not
 * print errors because nobody can show a bubble.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct SrNotify SrNotify;

/* At most one notification per @min_interval_ms; 0 disables the limit. */
SrNotify *sr_notify_new (guint min_interval_ms);
void sr_notify_free (SrNotify *notify);

/* Shows (or counts, when rate-limited) one notification.  Returns TRUE when
 * a notification was handed to the service. */
gboolean sr_notify_send (SrNotify *notify, const char *summary, const char *body);

/* Notifications withheld by the rate limit since the last one shown. */
guint sr_notify_get_suppressed (SrNotify *notify);
/* FALSE once it is known that no notification service runs. */
gboolean sr_notify_is_available (SrNotify *notify);

/* For tests: the clock in microseconds (default g_get_monotonic_time). */
void sr_notify_set_clock (SrNotify *notify, gint64 (*clock) (void));

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrNotify, sr_notify_free)

G_END_DECLS
