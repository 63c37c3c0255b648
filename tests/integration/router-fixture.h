/* router-fixture.h — an in-process router against the simulator binary,
 * with a fresh spool and configuration per test. */
#pragma once

#include <gio/gio.h>

#include "sr-router.h"
#include "sr-test-sim.h"

/* One test's world. */
typedef struct {
  char *dir;                 /* temporary directory (spool inside) */
  char *spool;
  SrTestSim *sim;
  SrRouter *router;
  GPtrArray *events;         /* char*: "kind: text" from the event func */
  char *config_text;         /* the configuration, for router_fixture_new_router() */
} RouterFixture;

/* Starts the simulator with @sim_args (NULL-terminated, may be NULL) and a
 * router whose configuration is a default one plus @extra_config lines
 * ("[group]\nkey = value\n" text appended; later keys win over earlier ones
 * in the same group are not allowed by GKeyFile, so the default groups take
 * placeholders @ROUTER@, @SMPP@, @APP@, @POLICY@ for the extra lines). */
void router_fixture_setup (RouterFixture *fx, const char *const *sim_args,
                           const char *router_extra, const char *smpp_extra,
                           const char *app_extra, const char *policy_extra);
/* Creates the router only (no start): for tests that prepare the spool first. */
void router_fixture_setup_no_start (RouterFixture *fx, const char *const *sim_args,
                                    const char *router_extra, const char *smpp_extra,
                                    const char *app_extra, const char *policy_extra);
void router_fixture_start (RouterFixture *fx);
/* Creates a new router (not started) from the same configuration, after
 * the previous one was stopped or freed: a restart, or a spool prepared
 * between two routers. */
void router_fixture_new_router (RouterFixture *fx);
/* Stops the router gracefully (bounded) and frees it. */
void router_fixture_stop_router (RouterFixture *fx);
void router_fixture_teardown (RouterFixture *fx);

/* Writes a message file into app "default"'s outbox/new/. */
char *router_fixture_drop (RouterFixture *fx, const char *content);
/* Number of files in a folder of app "default". */
guint router_fixture_count (RouterFixture *fx, SrSpoolFolder folder);
/* Iterates the main context until @folder holds @n files; FALSE on timeout. */
gboolean router_fixture_wait_count (RouterFixture *fx, SrSpoolFolder folder, guint n,
                                    guint timeout_ms);
/* The contents of the files of @folder, sorted by name. */
GPtrArray *router_fixture_read_all (RouterFixture *fx, SrSpoolFolder folder);
/* Iterates the main context for @ms. */
void router_fixture_run (guint ms);
/* The value of header @name in file text @file, or NULL (newly allocated). */
char *router_fixture_header (const char *file, const char *name);
