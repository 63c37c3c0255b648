/* session-fixture.h — what the SMPP session tests share: a fixture that
 * records every event of one session, a pump that keeps its window full,
 * and main-loop helpers with bounded waits. */
#pragma once

#include <string.h>
#include <gio/gio.h>

#include "sr-pdu.h"
#include "sr-sim.h"
#include "sr-smpp-session.h"

/* Everything one test observes. */
typedef struct {
  SrSim *sim;
  SrProviderConfig cfg;
  SrSmppSession *s;
  GArray *states;              /* SrSmppState, in order */
  char *last_reason;
  char *down_reason;           /* reason of the last DISCONNECTED */
  SrSmppStateChange last_down; /* the last DISCONNECTED change */
  guint downs;
  guint system_errors;
  guint accepted, rejected, not_acked, requeued;
  guint window_events;
  guint paused_refusals;
  /* the pump: submits messages 1..to_submit, resubmits what is requeued */
  guint to_submit, submitted;
  gboolean manual;             /* no pump: the test submits by hand */
  GQueue retry;
  guint8 *outcome;             /* per message: 0 none, 1 accepted, 2 rejected */
  guint duplicates;
  char *first_message_id;
  /* inbound */
  guint delivers;
  guint64 last_token;
  gboolean auto_ack;
  gboolean last_was_receipt;
  char last_receipted_id[70];
  char last_text[300];
} Fx;

void pump (Fx *fx);
void on_result (SrSmppSession *s, gpointer ref, const SrSmppSubmitResult *r, gpointer data);
extern const SrSmppSessionEvents fx_events;
void fill_submit (SrPdu *p, guint i);
void fx_setup (Fx *fx, gconstpointer data);
void fx_teardown (Fx *fx, gconstpointer data);
void start_sim (Fx *fx, SrSimOptions *o);
/* Fast timing so each case takes well under a second. */
void start_session (Fx *fx, SrSmppBindAs as);
void set_timing (Fx *fx, void (*change) (SrSmppTiming *t));
void fast_enquire (SrSmppTiming *t);

typedef gboolean (*Cond) (Fx *fx);
void run_until_ (Fx *fx, Cond cond, guint ms, const char *what);
#define run_until(fx, cond, ms) run_until_ ((fx), (cond), (ms), #cond)
void run_for (guint ms);
gboolean is_bound (Fx *fx);
gboolean is_down (Fx *fx);
gboolean all_done (Fx *fx);
gboolean gave_up (Fx *fx);
gboolean bound_again (Fx *fx);
SrSimStats sim_stats (Fx *fx);
/* Submits 1..n through the pump and asserts each was accepted once. */
void send_all (Fx *fx, guint n);
