/* http-fixture.h — the real daemon with its HTTP front end, the simulator,
 * an HTTP client and a small server that records the callbacks it gets. */
#pragma once

#include "sr-test-sim.h"

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* One callback the recorder received. */
typedef struct {
  char *path;
  GHashTable *query;           /* decoded; never NULL */
  char *content_type;
  char *body;
} HttpCall;

/* Daemon, simulator, client and recorder of one test. */
typedef struct {
  char *dir;
  char *spool;
  char *config;
  char *log_path;              /* the daemon's stderr */
  SrTestSim *sim;
  GSubprocess *daemon;
  guint16 port;                /* the daemon's HTTP port */
  SoupSession *client;
  SoupServer *recorder;
  guint16 recorder_port;
  GPtrArray *calls;            /* HttpCall */
  guint fail_status;           /* answer of the recorder to /fail... (500) */
  gboolean tls;                /* set before the setup: talk HTTPS, trusting any certificate */
  const char *const *sim_args; /* set before the setup: more options for the simulator */
} HttpFixture;

/* Starts everything; @extra is appended to the configuration, with @REC@
 * replaced by the recorder's port. */
void http_fixture_setup (HttpFixture *f, const char *extra);
void http_fixture_teardown (HttpFixture *f);
/* Starts the daemon again (after http_fixture_kill_daemon) and waits until
 * it answers and has bound once more. */
void http_fixture_start_daemon (HttpFixture *f);
/* SIGKILL, as a crash. */
void http_fixture_kill_daemon (HttpFixture *f);

/* A request to the daemon; returns the status and sets *@body (NUL-terminated). */
guint http_fixture_request (HttpFixture *f, const char *method, const char *path_and_query,
                            const char *content_type, const char *body, const char *auth,
                            char **response);
/* Iterates the main context until @count calls were recorded, or @ms pass. */
gboolean http_fixture_wait_calls (HttpFixture *f, guint count, guint ms);
/* Iterates the main context for @ms. */
void http_fixture_spin (HttpFixture *f, guint ms);
/* Files in the default app's @sub folder. */
guint http_fixture_count (HttpFixture *f, const char *sub);
/* The daemon's log so far. */
char *http_fixture_log (HttpFixture *f);

G_END_DECLS
