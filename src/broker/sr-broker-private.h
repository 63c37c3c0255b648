/* sr-broker-private.h — internals shared by the bridge's files. */
#pragma once

#include "sr-broker.h"
#include "sr-broker-state.h"
#include "sr-spool.h"

/* The kinds of results, as indexes of an app's counters. */
typedef enum {
  SR_BROKER_KIND_RECEIPT,
  SR_BROKER_KIND_INBOX,
  SR_BROKER_KIND_DEAD,
  SR_BROKER_N_KINDS
} SrBrokerKind;

/* One application the bridge serves. */
typedef struct {
  char *name;
  char *outbox_queue;           /* subscribed; NULL when the app has none */
  char *inbox_queue;
  char *receipts_queue;
  char *failed_queue;
  gboolean main;                /* the [broker] app: its queue honours the app header */
  gboolean served;              /* still in the configuration (reload) */
  gint64 since;                 /* files older than this are history, not published */
  gint64 scanned_mtime[SR_SPOOL_N_FOLDERS];   /* ns; folder unchanged since a full scan: skip it */
  gint64 counted_mtime[SR_SPOOL_N_FOLDERS];   /* ns; its waiting files are counted */
  guint64 taken;                              /* MESSAGEs of its outbox queue, since start */
  guint64 published[SR_BROKER_N_KINDS];       /* confirmed by a RECEIPT, since start */
  guint64 waiting[SR_BROKER_N_KINDS];         /* found unpublished, not confirmed yet */
} SrBrokerApp;

/* A MESSAGE turned into a file, waiting for the batch's durability. */
typedef struct {
  SrBrokerApp *app;
  char *ack;
  char *message_id;
  GString *file;
  char *name;                   /* the outbox file, once written */
  gboolean duplicate;           /* message_id was taken before: ACK only */
} SrBrokerIntake;

/* A SEND waiting for its RECEIPT: a result, or a rejection whose MESSAGE
 * is ACKed once the failed queue has it. */
typedef struct {
  SrBrokerApp *app;
  const char *kind;             /* "receipt", "inbox", "dead", or NULL for a rejection */
  char *name;                   /* spool file name (results) */
  char *ack;                    /* ack id (rejections) */
  char *key;                    /* app/kind/name, the de-duplication id */
  char *message;                /* final receipts: the message's file, published once */
  char *final_key;              /* final receipts: app/final/message */
} SrBrokerSend;

struct _SrBroker {
  SrRouter *router;
  SrSpool *spool;
  SrBrokerState *state;
  SrStompClient *client;
  SrBrokerOptions options;
  GPtrArray *apps;              /* SrBrokerApp */
  guint prefetch;
  char *connection_key;         /* the [broker] settings the client was made with */
  GPtrArray *batch;             /* SrBrokerIntake gathered for the next write */
  gboolean writing;             /* a batch is being written by the worker thread */
  guint64 generation;           /* connections so far: ACK ids are only good on theirs */
  GHashTable *inflight;         /* receipt id -> SrBrokerSend */
  GHashTable *inflight_keys;    /* keys of results in flight (borrowed from inflight) */
  GHashTable *done;             /* keys known published (or too old to publish) */
  GPtrArray *confirmed;         /* SrBrokerSend confirmed, to record at the next flush */
  guint64 receipt_seq;
  guint scan_id;
  SrBrokerStatus counts;
  GHashTable *waiting;          /* keys of results found unpublished, not confirmed yet */
  char *last_event;             /* the last connect or loss text, for the overview */
};

/* sr-broker.c */
SrBrokerApp *sr_broker_find_app (SrBroker *broker, const char *name);
void sr_broker_event (SrBroker *broker, SrJournalLevel level, const char *text);
/* Registers @send under a new receipt id and returns that id (owned by the table). */
const char *sr_broker_track (SrBroker *broker, SrBrokerSend *send);
void sr_broker_send_free (gpointer p);

/* sr-broker-intake.c */
void sr_broker_intake_message (SrBroker *broker, const SrStompFrame *frame);
/* Starts writing what was gathered, unless a batch is being written. */
void sr_broker_intake_flush (SrBroker *broker);
/* Runs the main loop until the batch being written is recorded. */
void sr_broker_intake_wait (SrBroker *broker);
void sr_broker_intake_free (gpointer p);

/* sr-broker-receipt.c */
extern const char *const sr_broker_receipt_replaced[];
/* Whether the receipt file @data is to be published: only the one that made
 * its message final, once per message.  Adds the message-level headers
 * (every part's SMSC-Id, Status, Error, Parts, Part-Status) to @send, which
 * replace sr_broker_receipt_replaced of the file, and sets *@message to the
 * message's file (NULL for a receipt of no known file: sent as it is). */
gboolean sr_broker_receipt_final (SrBroker *broker, SrBrokerApp *app, const char *data, gsize len,
                                  SrStompFrame *send, char **message);

/* sr-broker-publish.c */
SrBrokerKind sr_broker_kind (const char *kind);
/* A result is published or cannot be: it waits no more. */
void sr_broker_waiting_remove (SrBroker *broker, SrBrokerApp *app, const char *kind, const char *key);
gboolean sr_broker_publish_scan (gpointer broker);
void sr_broker_publish_confirmed (SrBroker *broker);
/* Whether a header of that name must not be copied into a SEND. */
gboolean sr_broker_reserved_header (const char *name);
/* The STOMP headers a spool file's header lines become, except those named
 * in @skip (NULL-terminated, may be NULL). */
void sr_broker_publish_copy_headers (SrStompFrame *frame, const char *data, gsize len,
                                     const char *const *skip, gsize *body_offset);
