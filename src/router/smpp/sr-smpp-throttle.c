/* sr-smpp-throttle.c — the adaptive pause after ESME_RTHROTTLED and the
 * achieved submit rate. */
#define G_LOG_DOMAIN "sr-smpp"

#include "sr-smpp-throttle.h"

#include <string.h>

#define REPORT_US ((gint64) SR_SMPP_THROTTLE_REPORT_S * G_USEC_PER_SEC)

void
sr_smpp_throttle_init (SrSmppThrottle *t, gint64 now)
{
  memset (t, 0, sizeof *t);
  t->rate_since = now;
  t->report_since = now;
}

SrSmppThrottleNews
sr_smpp_throttle_throttled (SrSmppThrottle *t, guint min_ms, guint max_ms, gint64 now,
                            guint *pause_ms)
{
  SrSmppThrottleNews news = SR_SMPP_THROTTLE_QUIET;

  min_ms = MAX (min_ms, 1);
  max_ms = MAX (max_ms, min_ms);
  if (t->pause_ms == 0 || now - t->last_throttle >= REPORT_US)
    {
      t->pause_ms = min_ms;
      t->report_since = now;
      t->report_throttled = 0;
      t->report_accepted = 0;
      news = SR_SMPP_THROTTLE_STARTED;
    }
  else
    t->pause_ms = (guint) MIN ((guint64) t->pause_ms * 2, (guint64) max_ms);
  t->last_throttle = now;
  t->report_throttled++;
  if (news == SR_SMPP_THROTTLE_QUIET && now - t->report_since >= REPORT_US)
    news = SR_SMPP_THROTTLE_SUMMARY;
  *pause_ms = t->pause_ms;
  return news;
}

static void
rate_update (SrSmppThrottle *t, guint64 accepted, gint64 now)
{
  if (now - t->rate_since < G_USEC_PER_SEC)
    return;
  t->rate = (accepted - t->rate_base) * (double) G_USEC_PER_SEC / (now - t->rate_since);
  t->rate_since = now;
  t->rate_base = accepted;
}

SrSmppThrottleNews
sr_smpp_throttle_accepted (SrSmppThrottle *t, guint min_ms, guint64 accepted, gint64 now)
{
  rate_update (t, accepted, now);
  if (t->pause_ms == 0)
    return SR_SMPP_THROTTLE_QUIET;
  t->report_accepted++;
  if (now - t->last_throttle >= REPORT_US)
    {
      t->pause_ms = 0;
      return SR_SMPP_THROTTLE_ENDED;
    }
  t->pause_ms = MAX (MAX (min_ms, 1), t->pause_ms - t->pause_ms / 8);
  return now - t->report_since >= REPORT_US ? SR_SMPP_THROTTLE_SUMMARY : SR_SMPP_THROTTLE_QUIET;
}

double
sr_smpp_throttle_rate (const SrSmppThrottle *t, guint64 accepted, gint64 now)
{
  gint64 span = now - t->rate_since;

  /* The last whole interval, unless the current one is already longer
   * (nothing accepted for a while: the rate falls). */
  if (span > 2 * G_USEC_PER_SEC)
    return (accepted - t->rate_base) * (double) G_USEC_PER_SEC / span;
  return t->rate;
}

double
sr_smpp_throttle_report_reset (SrSmppThrottle *t, gint64 now)
{
  double secs = (now - t->report_since) / (double) G_USEC_PER_SEC;

  t->report_since = now;
  t->report_throttled = 0;
  t->report_accepted = 0;
  return secs;
}
