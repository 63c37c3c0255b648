/* inbound-fixture.h — what the inbound tests share: the simulator, a real
 * SMPP session bound to it, SrInbound on a temporary spool and journal, and
 * helpers that wait on the main loop (bounded) and read inbox files. */
#pragma once

#include <string.h>
#include <glib/gstdio.h>

#include "sr-inbound.h"
#include "sr-sim.h"
#include "sr-smpp-session.h"

#define FROM "+41791234567"

/* Everything one test observes. */
typedef struct {
  char *root;
  SrSim *sim;
  SrConfig *config;
  SrSpool *spool;
  SrJournal *journal;
  SrPolicy *policy;
  SrInbound *inbound;
  SrSmppSession *session;
  const SrProviderConfig *provider;
  guint delivers;
  guint answered;
  guint answered_ok;
  gboolean hold_acks;          /* "die" before answering: never call ack */
  guint notified;
  char *last_notify;
  guint16 port;
  GPtrArray *pending;          /* Pending not answered yet */
} Fx;

typedef gboolean (*Cond) (Fx *fx, gconstpointer arg);

/* Warnings of sr-inbound matched by expect_warnings() (not fatal). */
extern guint expected_warnings;

void start_session (Fx *fx);
void open_router (Fx *fx);
void close_router (Fx *fx, gboolean lose_journal_batch);
void fx_setup (Fx *fx, gconstpointer data);
void fx_teardown (Fx *fx, gconstpointer data);
void expect_warnings (const char *fragment);
gboolean run_until (Fx *fx, Cond cond, gconstpointer arg, guint ms);
void run_for (guint ms);
SrSimStats stats (Fx *fx);
gboolean acked_at_least (Fx *fx, gconstpointer n);
gboolean answered_at_least (Fx *fx, gconstpointer n);
gboolean delivered_at_least (Fx *fx, gconstpointer n);
guint mo (Fx *fx, const char *spec);
void mo_and_wait (Fx *fx, const char *spec);
GPtrArray *inbox (Fx *fx, const char *app);
guint inbox_count (Fx *fx, const char *app);
char *only_file (Fx *fx, const char *app);
const char *body_of (const char *file);
void assert_header (const char *file, const char *name, const char *value);
void assert_no_header (const char *file, const char *name);
GPtrArray *journal_inbound (Fx *fx);
char *repeat (const char *s, guint n);
gboolean hold_empty (Fx *fx);
void assert_hold_cleared (Fx *fx);
