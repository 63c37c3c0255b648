/* sr-demo.h — `sms-router --demo`: the console on an embedded router and an
 * in-process SMSC simulator, over a temporary spool and configuration.
 *
 *   return sr_demo_main (NULL);              (main.c, for --demo)
 *
 * The demo is built from pieces so tests can drive it without a terminal:
 * sr_demo_new() prepares the temporary tree, starts the simulator (a free
 * loopback port, receipts after a second, an inbound SMS every few seconds,
 * a rejected prefix) and the router, and drops a seed of outbound messages
 * (some bound to fail: a blacklisted country, the SMS firewall, the SMSC's
 * rejection); a trickle of new ones follows every few seconds.
 *
 * Environment (for tests): SR_DEMO_SIM_LOG=FILE writes the simulator's
 * JSON log there; SR_DEMO_TRICKLE_MS changes the outbound trickle period
 * (0 turns it off).
 */
#pragma once

#include <glib.h>

#include "sr-router.h"
#include "sr-sim.h"

G_BEGIN_DECLS

typedef struct _SrDemo SrDemo;

/* Prepares and starts everything on the thread-default main context. */
SrDemo *sr_demo_new (GError **error);
SrRouter *sr_demo_get_router (SrDemo *demo);
SrSim *sr_demo_get_sim (SrDemo *demo);
/* The temporary directory (spool in spool/, configuration in demo.conf). */
const char *sr_demo_get_dir (SrDemo *demo);
/* Stops the router gracefully (bounded, running the main context), stops
 * the simulator and removes the temporary directory. */
void sr_demo_free (SrDemo *demo);

/* The whole demo with the console on top; returns the exit status (0, or 1
 * with a message on stderr).  @console_title may be NULL. */
int sr_demo_main (const char *console_title);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrDemo, sr_demo_free)

G_END_DECLS
