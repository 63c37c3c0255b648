/* sr-broker-state.h — what the broker bridge must remember across crashes.
 *
 * SPOOL/router/broker.db (SQLite, WAL) holds two small tables:
 *   intake     broker message-id -> the outbox file it became, so that a
 *              MESSAGE redelivered after a crash (written, not yet ACKed)
 *              is ACKed again instead of queued twice;
 *   published  the spool files (receipts, inbox, dead letters) whose SEND
 *              the broker confirmed with a RECEIPT; the rest is published
 *              again after a reconnect or restart.
 * and per app the time the bridge first ran for it: files older than that
 * are history and are not published.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SrBrokerState SrBrokerState;

/* Opens (creating) @path. */
SrBrokerState *sr_broker_state_open (const char *path, GError **error);
void sr_broker_state_free (SrBrokerState *state);

/* Groups the following writes into one transaction (one WAL sync). */
gboolean sr_broker_state_begin (SrBrokerState *state, GError **error);
gboolean sr_broker_state_commit (SrBrokerState *state, GError **error);

/* The outbox file a broker message became, or NULL if it is new. */
char *sr_broker_state_intake_lookup (SrBrokerState *state, const char *message_id);
gboolean sr_broker_state_intake_add (SrBrokerState *state, const char *message_id,
                                     const char *app, const char *name, GError **error);

/* Whether @kind/@name of @app was confirmed published. */
gboolean sr_broker_state_is_published (SrBrokerState *state, const char *app,
                                       const char *kind, const char *name);
gboolean sr_broker_state_mark_published (SrBrokerState *state, const char *app,
                                         const char *kind, const char *name, GError **error);

/* Seconds since the epoch when the bridge first served @app (set now if unknown). */
gint64 sr_broker_state_since (SrBrokerState *state, const char *app, GError **error);

/* Forgets intake and published rows older than @max_age seconds: the
 * broker stopped redelivering long ago, the files are pruned by then. */
gboolean sr_broker_state_prune (SrBrokerState *state, gint64 max_age, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrBrokerState, sr_broker_state_free)

G_END_DECLS
