/* sr-broker.h — the message-broker bridge (STOMP 1.2), a front end over the spool.
 *
 * The bridge behaves like one more application of the spool: a MESSAGE
 * from an outbox queue becomes a message file in an app's outbox (tmp/,
 * fsync, rename into new/) and is ACKed only then; receipts, inbound SMS
 * and dead letters the router writes into the app's folders are published
 * to the app's queues, each counted once the broker's RECEIPT confirms it.
 * The engine has no second intake path: the bridge only reads and writes
 * spool files, and reports its connection events through the router's
 * system events.  When the broker is down or refuses us, the router goes
 * on with the spool intake; the bridge keeps reconnecting.
 */
#pragma once

#include <glib.h>
#include "sr-router.h"
#include "sr-stomp-client.h"

G_BEGIN_DECLS

typedef struct _SrBroker SrBroker;

/* Knobs tests turn; zero means the default. */
typedef struct {
  guint scan_ms;                /* how often the result folders are looked at (500) */
  guint reconnect_min_ms;       /* first reconnect delay (1000) */
} SrBrokerOptions;

/* The bridge's state for the overview. */
typedef struct {
  SrStompState state;
  guint64 taken;                /* MESSAGEs written to an outbox and ACKed */
  guint64 rejected;             /* MESSAGEs refused by the bridge itself (sent to the failed queue) */
  guint64 duplicates;           /* redelivered MESSAGEs found already queued */
  guint64 published;            /* results confirmed by a RECEIPT */
  guint64 connects;
  gint64 since;                 /* real time (µs) the connection last came up or went down */
  gboolean failing;             /* lost or refused since it was last connected */
  const char *last_event;       /* NULL or the last connect / loss text (borrowed: read it at once) */
  const char *host;             /* [broker] host and port (borrowed) */
  guint16 port;
} SrBrokerStatus;

/* One queue of the bridge for the overview: an outbox queue counts the
 * MESSAGEs taken from it, a result queue the SENDs the broker confirmed
 * and the result files still waiting for that (found, sent or not). */
typedef struct {
  char *queue;                  /* the destination */
  const char *kind;             /* "outbox", "receipt", "inbox" or "dead" */
  guint64 count;                /* taken (outbox) or published */
  guint64 waiting;              /* 0 for an outbox queue */
} SrBrokerQueueStatus;

/* Creates the bridge for @router's [broker] configuration (which must be
 * enabled) and opens SPOOL/router/broker.db.  @options may be NULL. */
SrBroker *sr_broker_new (SrRouter *router, const SrBrokerOptions *options, GError **error);
/* Connects and keeps connecting until freed. */
void sr_broker_start (SrBroker *broker);
void sr_broker_free (SrBroker *broker);
void sr_broker_get_status (SrBroker *broker, SrBrokerStatus *status);
/* The served queues, one SrBrokerQueueStatus per kind and destination
 * (apps sharing a queue are added up), outbox queues first. */
GPtrArray *sr_broker_get_queues (SrBroker *broker);

/* Applies the router's configuration after sr_router_reload(): queues that
 * changed are subscribed again on the running connection; changed
 * connection settings (host, login, TLS ...) reconnect. */
gboolean sr_broker_reload (SrBroker *broker, GError **error);

/* What the daemon and the console do next to their router: creates and
 * starts the bridge when [broker] is enabled.  NULL when it is not, or when
 * the bridge cannot start (a warning says why; the router runs on). */
SrBroker *sr_broker_start_for_router (SrRouter *router);
/* After a reload: starts, reloads or stops *@broker as [broker] now says. */
void sr_broker_reload_for_router (SrBroker **broker, SrRouter *router);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrBroker, sr_broker_free)

G_END_DECLS
