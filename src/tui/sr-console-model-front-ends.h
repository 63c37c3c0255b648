/* sr-console-model-front-ends.h — the front ends over the spool (broker
 * bridge, HTTP) as the Overview shows them: plain data, filled by whoever
 * runs the front ends next to the router (sr-console-front-ends.h) or read
 * from the control socket.  The console knows nothing else about them. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One broker queue: an outbox queue counts the MESSAGEs taken from it, a
 * result queue the SENDs the broker confirmed and the results still waiting. */
typedef struct {
  char *kind;           /* untranslated "outbox", "receipt", "inbox" or "dead" */
  char *queue;          /* the destination, e.g. "/queue/smsrouter.outbox" */
  guint64 count;        /* taken (outbox) or published, since the router started */
  guint64 waiting;      /* results not confirmed yet (0 for an outbox queue) */
} SrConsoleBrokerQueue;

/* The broker bridge's connection and queues. */
typedef struct {
  char *state;          /* untranslated "connected", "connecting" or "down" */
  gint64 since;         /* real time (µs) of the last change between up and down; 0 unknown */
  char *address;        /* "host:port" */
  char *last_event;     /* NULL or the last connect / loss text */
  GPtrArray *queues;    /* SrConsoleBrokerQueue, outbox queues first */
} SrConsoleBrokerStatus;

/* The HTTP front end's listener, requests and callbacks. */
typedef struct {
  char *listen;         /* "address:port" it listens on; NULL when it is off */
  char *error;          /* NULL, or why it is off */
  guint64 accepted;     /* requests answered 2xx since start */
  guint64 refused;      /* requests answered 4xx/5xx since start */
  guint64 callbacks_pending;
  guint64 callbacks_retrying;
  guint64 callbacks_dead;
} SrConsoleHttpStatus;

SrConsoleBrokerStatus *sr_console_broker_status_new (const char *state, gint64 since,
                                                     const char *address, const char *last_event);
void sr_console_broker_status_add_queue (SrConsoleBrokerStatus *b, const char *kind,
                                         const char *queue, guint64 count, guint64 waiting);
void sr_console_broker_status_free (SrConsoleBrokerStatus *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrConsoleBrokerStatus, sr_console_broker_status_free)

/* @listen NULL: off (for @error's reason). */
SrConsoleHttpStatus *sr_console_http_status_new (const char *listen, const char *error);
void sr_console_http_status_free (SrConsoleHttpStatus *h);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrConsoleHttpStatus, sr_console_http_status_free)

G_END_DECLS
