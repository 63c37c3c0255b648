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

/* Warnings of @domain that contain one of @needles (NULL-terminated, kept
 * by reference: static strings) are expected: they become test messages
 * instead of failing the test.  Other warnings still fail it. */
void router_fixture_expect_warnings (const char *domain, const char *const *needles);

/* ---- small file systems, for disk-full tests (need root) ---- */

/* Gives the process a mount namespace of its own; call it first in main(),
 * before any thread starts.  The file systems the tests mount vanish with
 * the process.  FALSE when that is not allowed (not root). */
gboolean router_fixture_private_mounts (void);
/* Mounts a tmpfs of @size ("64k", "2m") on @sub of the spool ("" for the
 * whole spool, journal included) and creates the router again (not
 * started) so that it opens its folders and files there. */
void router_fixture_mount_tmpfs (RouterFixture *fx, const char *sub, const char *size);
/* Fills the file system that holds directory @dir with one file and
 * returns its path: remove it to make room again. */
char *router_fixture_fill (const char *dir);
/* Stops the router and unmounts what router_fixture_mount_tmpfs() put on @sub. */
void router_fixture_unmount (RouterFixture *fx, const char *sub);
