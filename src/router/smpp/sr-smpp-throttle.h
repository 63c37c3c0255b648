/* sr-smpp-throttle.h — how long a session pauses after ESME_RTHROTTLED, and
 * the rate it achieves (internal).
 *
 * A fixed pause per throttle answer costs far more than the SMSC asked for:
 * at 200 submits/s with 2 % throttled, a 1 s pause leaves 44/s.  The pause
 * here starts small, doubles while the SMSC keeps throttling and shrinks
 * with every accepted submit (multiplicative both ways, like TCP's window
 * the other way round), so a rare throttle costs a few milliseconds and a
 * sustained one still backs off to the ceiling.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The pause state and the counters behind the achieved rate. */
typedef struct {
  guint pause_ms;            /* current pause; 0 = not throttled lately */
  gint64 last_throttle;      /* monotonic µs of the last throttle answer */
  /* achieved rate: accepted submits over the last whole interval */
  gint64 rate_since;
  guint64 rate_base;         /* accepted count at rate_since */
  double rate;
  /* the periodic summary while throttled */
  gint64 report_since;
  guint64 report_throttled;
  guint64 report_accepted;
} SrSmppThrottle;

/* What a throttle answer or an acceptance asks the session to log. */
typedef enum {
  SR_SMPP_THROTTLE_QUIET,    /* nothing */
  SR_SMPP_THROTTLE_STARTED,  /* the first throttle after a calm spell */
  SR_SMPP_THROTTLE_SUMMARY,  /* still throttled: a summary is due */
  SR_SMPP_THROTTLE_ENDED,    /* no throttle for a while: back to normal */
} SrSmppThrottleNews;

/* Seconds between summaries, and of calm before throttling counts as over. */
#define SR_SMPP_THROTTLE_REPORT_S 10

void sr_smpp_throttle_init (SrSmppThrottle *t, gint64 now);

/* The SMSC throttled a submit: grows the pause (first @min_ms, then
 * doubling up to @max_ms) and returns it in @pause_ms. */
SrSmppThrottleNews sr_smpp_throttle_throttled (SrSmppThrottle *t, guint min_ms, guint max_ms,
                                               gint64 now, guint *pause_ms);

/* A submit was accepted (@accepted: the session's total so far): shrinks
 * the pause by an eighth, not below @min_ms, and updates the rate. */
SrSmppThrottleNews sr_smpp_throttle_accepted (SrSmppThrottle *t, guint min_ms,
                                              guint64 accepted, gint64 now);

/* Accepted submits per second over the last interval of about a second
 * (decaying towards 0 when nothing is accepted). */
double sr_smpp_throttle_rate (const SrSmppThrottle *t, guint64 accepted, gint64 now);

/* Starts the next summary interval; returns the seconds the last one covered. */
double sr_smpp_throttle_report_reset (SrSmppThrottle *t, gint64 now);

G_END_DECLS
