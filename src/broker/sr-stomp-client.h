/* sr-stomp-client.h — one STOMP 1.2 connection on the GLib main loop.
 *
 * Connects (TCP, or TLS with certificate checking), logs in with CONNECT,
 * negotiates heart-beats, keeps its subscriptions across reconnects and
 * reconnects with exponential backoff and jitter until stopped.  It knows
 * nothing of SMS: the bridge (sr-broker.c) is its one user.  The passcode
 * is sent in CONNECT and never appears in any text this module produces.
 */
#pragma once

#include <gio/gio.h>
#include "sr-stomp-frame.h"

G_BEGIN_DECLS

/* Where the connection is. */
typedef enum {
  SR_STOMP_STATE_IDLE,          /* not started, or stopped */
  SR_STOMP_STATE_CONNECTING,    /* TCP/TLS connect, then CONNECT sent */
  SR_STOMP_STATE_CONNECTED,     /* CONNECTED received */
  SR_STOMP_STATE_WAITING,       /* lost or refused; reconnecting after a delay */
} SrStompState;

const char *sr_stomp_state_to_string (SrStompState state);

/* What to connect to and how. */
typedef struct {
  const char *host;
  guint16 port;
  const char *login;            /* "" or NULL: no login header */
  const char *passcode;
  const char *vhost;            /* CONNECT's host header */
  gboolean tls;
  gboolean tls_verify;          /* FALSE accepts any certificate (tests, private CAs) */
  guint heartbeat_ms;           /* offered both ways; 0 = none */
  guint reconnect_min_ms;       /* first delay (default 1000) */
  guint reconnect_max_ms;       /* ceiling (default 60000) */
  guint connect_timeout_ms;     /* until CONNECTED (default 15000) */
  SrStompLimits limits;
} SrStompOptions;

typedef struct _SrStompClient SrStompClient;

/* What the client tells its user.  Callbacks must not free the client. */
typedef struct {
  /* Every state change; @text says why (error text, server, ...). */
  void (*state_changed) (SrStompClient *client, SrStompState state, const char *text,
                         gpointer user_data);
  /* A MESSAGE frame (borrowed); body_skipped > 0 when its body was over the limit. */
  void (*message) (SrStompClient *client, const SrStompFrame *frame, gpointer user_data);
  /* A RECEIPT for a frame sent with a receipt header. */
  void (*receipt) (SrStompClient *client, const char *receipt_id, gpointer user_data);
  /* After the frames of one read were handed over: a place to batch work. */
  void (*flush) (SrStompClient *client, gpointer user_data);
} SrStompCallbacks;

SrStompClient *sr_stomp_client_new (const SrStompOptions *options,
                                    const SrStompCallbacks *callbacks, gpointer user_data);
/* Stops (closes the connection without waiting) and frees. */
void sr_stomp_client_free (SrStompClient *client);
void sr_stomp_client_start (SrStompClient *client);
SrStompState sr_stomp_client_get_state (SrStompClient *client);

/* Subscribes now (if connected) and after every reconnect.  @prefetch goes
 * into activemq.prefetchSize and prefetch-count (0: leave to the broker). */
void sr_stomp_client_subscribe (SrStompClient *client, const char *id, const char *destination,
                                guint prefetch);
/* Forgets a subscription and sends UNSUBSCRIBE if connected. */
void sr_stomp_client_unsubscribe (SrStompClient *client, const char *id);

/* Queues a frame for writing; FALSE when not connected (nothing queued). */
gboolean sr_stomp_client_send_frame (SrStompClient *client, const SrStompFrame *frame);
/* Between cork and uncork (they nest) frames are gathered and written
 * together at the last uncork: many ACKs or SENDs cost one write.  A lost
 * connection ends the cork. */
void sr_stomp_client_cork (SrStompClient *client);
void sr_stomp_client_uncork (SrStompClient *client);

/* ACK of a MESSAGE's ack header. */
gboolean sr_stomp_client_ack (SrStompClient *client, const char *ack_id);

/* Drops the connection (the broker takes back every MESSAGE not ACKed)
 * and connects again after the backoff delay; @reason goes into the event. */
void sr_stomp_client_reconnect (SrStompClient *client, const char *reason);

/* Successful logins since creation (for the overview and tests). */
guint64 sr_stomp_client_connects (SrStompClient *client);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrStompClient, sr_stomp_client_free)

G_END_DECLS
