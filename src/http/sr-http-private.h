/* sr-http-private.h — what the files of the HTTP front end share. */
#pragma once

#include "sr-http.h"
#include "sr-message.h"

#include <libsoup/soup.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* Delivery-report kinds of Kannel's dlr-mask (the %d of a dlr-url). */
typedef enum {
  SR_HTTP_DLR_DELIVERED = 1,
  SR_HTTP_DLR_FAILED = 2,
  SR_HTTP_DLR_BUFFERED = 4,
  SR_HTTP_DLR_SUBMITTED = 8,   /* the SMSC accepted it (ACK) */
  SR_HTTP_DLR_REJECTED = 16,   /* the SMSC or the router refused it (NACK) */
} SrHttpDlr;

/* Where a callback stands.  Stored as these numbers. */
typedef enum {
  SR_HTTP_CALLBACK_PENDING = 0,
  SR_HTTP_CALLBACK_DEAD = 2,   /* tried callback-attempts times: given up */
} SrHttpCallbackState;

/* A message accepted over HTTP whose delivery reports are owed. */
typedef struct {
  char *app;
  char *file;
  char *user;
  char *url;                   /* the dlr-url with its escapes */
  guint mask;
  guint reported;              /* dlr kinds already turned into callbacks */
  gint64 message_id;           /* its journal row, once claimed (0 before) */
  gboolean resting;            /* accepted, waiting for a receipt: looked at again when one comes */
} SrHttpWatch;

/* Counters since start, for /metrics. */
typedef struct {
  GHashTable *requests;        /* "endpoint\tcode" -> count */
  guint64 callbacks_ok;
  guint64 callbacks_failed;    /* attempts that did not get a 2xx */
  guint64 callbacks_dead;
  GHashTable *inbound;         /* app -> count of inbound SMS seen */
  guint64 receipts[4];         /* by SrReceiptState */
  guint64 auth_failures;
} SrHttpCounters;

/* Failed logins from one client address. */
typedef struct {
  guint count;
  gint64 last;                 /* monotonic µs */
} SrHttpFailures;

struct _SrHttp {
  SrRouter *router;
  SoupServer *server;
  SoupSession *session;        /* for callbacks */
  GCancellable *cancel;        /* cancelled when the front end stops */
  sqlite3 *db;                 /* SPOOL/router/http.db */
  GHashTable *watches;         /* "app/file" -> SrHttpWatch */
  GHashTable *resting;         /* message id -> its resting SrHttpWatch (borrowed) */
  GHashTable *sending;         /* callback ids in flight */
  GHashTable *failures;        /* client address -> SrHttpFailures */
  gint64 receipt_cursor;       /* journal receipts counted so far */
  gint64 inbound_cursor;       /* journal inbound rows seen so far (durable) */
  guint tick_id;
  guint writing;               /* batches in worker threads */
  SrHttpCounters counters;
};

/* ---- sr-http-store.c: http.db ---- */
gboolean sr_http_store_open (SrHttp *http, const char *path, GError **error);
void sr_http_store_close (SrHttp *http);
/* Records a watch (committed before it returns). */
gboolean sr_http_store_add_watch (SrHttp *http, const SrHttpWatch *w, GError **error);
/* Loads every watch into http->watches. */
gboolean sr_http_store_load_watches (SrHttp *http, GError **error);
/* In one transaction: queue a callback (url, optional POST body) and
 * record @reported for the watch (or remove it when @done). */
gboolean sr_http_store_queue (SrHttp *http, const char *kind, const char *url,
                              const char *content_type, const char *body,
                              const SrHttpWatch *w, gboolean done, GError **error);
gboolean sr_http_store_forget_watch (SrHttp *http, const SrHttpWatch *w, GError **error);
/* Callbacks due at @now (µs real time), at most @limit, not among @skip. */
typedef struct {
  gint64 id;
  char *url;
  char *content_type;          /* NULL = GET */
  char *body;
  guint attempts;
} SrHttpCallback;
GPtrArray *sr_http_store_due (SrHttp *http, gint64 now, guint limit, GHashTable *skip);
void sr_http_callback_free (SrHttpCallback *c);
/* After an attempt: removed on success, else rescheduled or dead. */
gboolean sr_http_store_finish (SrHttp *http, gint64 id, gboolean ok, guint attempts,
                               gint64 next_at, gboolean dead, const char *error_text);
/* Counts of callbacks by state (pending, dead). */
void sr_http_store_count (SrHttp *http, guint64 *pending, guint64 *dead);
/* The pending ones split into not tried yet and retrying. */
void sr_http_store_count_tries (SrHttp *http, guint64 *fresh, guint64 *retrying, guint64 *dead);
/* Dead callbacks as JSON-ready rows: id, kind, url, attempts, error. */
typedef void (*SrHttpDeadFunc) (gint64 id, const char *kind, const char *url, guint attempts,
                                const char *error_text, gint64 created, gpointer user_data);
void sr_http_store_list_dead (SrHttp *http, guint limit, SrHttpDeadFunc func, gpointer user_data);
gint64 sr_http_store_get_cursor (SrHttp *http, const char *name, gint64 fallback);
gboolean sr_http_store_set_cursor (SrHttp *http, const char *name, gint64 value);

void sr_http_watch_free (SrHttpWatch *w);

/* ---- sr-http.c ---- */
/* The configuration in force (it changes on reload). */
const SrConfig *sr_http_config (SrHttp *http);
/* Answers @msg with @status and a text/plain body. */
void sr_http_reply_text (SrHttp *http, SoupServerMessage *msg, const char *endpoint,
                         guint status, const char *text);
/* The user @name/@password names if the password is right and the client
 * address is allowed; otherwise answers 403 itself (slowing down repeated
 * failures) and returns NULL. */
const SrHttpUserConfig *sr_http_authorise (SrHttp *http, SoupServerMessage *msg,
                                           const char *endpoint, const char *name,
                                           const char *password, gboolean json);
/* Logs a system-wide event and records it in the journal's audit log. */
void sr_http_system_event (SrHttp *http, SrJournalLevel level, const char *text);

/* ---- sr-http-sendsms.c ---- */
void sr_http_sendsms_handler (SoupServer *server, SoupServerMessage *msg, const char *path,
                              GHashTable *query, gpointer user_data);
/* A message to queue for an HTTP client: what sendsms and the JSON API share. */
typedef struct {
  const char *to;              /* one number */
  const char *text;            /* UTF-8 */
  const char *from;
  const char *reference;
  SrMessageAlphabet alphabet;
  gboolean flash;
  guint message_class;         /* 1 to 3 (class 0 is flash); 0 = none */
  gint64 validity;             /* seconds, -1 = default */
  gint64 deferred;             /* seconds the SMSC holds it; 0 = none */
  const char *dlr_url;
  guint dlr_mask;
} SrHttpSubmit;
/* Called on the main loop once a batch is written: @names (the file names,
 * in order) and, on a failure of the spool, @error and the index @failed of
 * the message that was not written (those before it were). */
typedef void (*SrHttpQueuedFunc) (SrHttp *http, GPtrArray *names, guint failed,
                                  const GError *error, gpointer user_data);
/* Checks every one of @subs as the router will (an input error returns
 * FALSE at once: G_IO_ERROR_INVALID_ARGUMENT, *@failed its index, nothing
 * written, @done not called), then writes each to @user's app outbox,
 * fsynced, in a worker thread, and calls @done. */
gboolean sr_http_queue (SrHttp *http, const SrHttpUserConfig *user, const SrHttpSubmit *subs, guint n,
                        guint *failed, GError **error, SrHttpQueuedFunc done, gpointer user_data);
/* Checks a dlr-url: absolute http(s). */
gboolean sr_http_check_url (const char *url, GError **error);

/* ---- sr-http-dlr.c ---- */
/* Turns journal changes into callbacks; called from the tick. */
void sr_http_dlr_poll (SrHttp *http);
/* A receipt for @message_id came: its watch, if resting, is looked at again. */
void sr_http_dlr_wake (SrHttp *http, gint64 message_id);
/* Expands Kannel's escapes of @tmpl (exposed for tests through the daemon). */
char *sr_http_dlr_expand (const char *tmpl, GHashTable *values);

/* ---- sr-http-callback.c ---- */
void sr_http_callback_send_due (SrHttp *http);
void sr_http_mo_poll (SrHttp *http);

/* ---- sr-http-metrics.c ---- */
void sr_http_metrics_handler (SoupServer *server, SoupServerMessage *msg, const char *path,
                              GHashTable *query, gpointer user_data);
void sr_http_count_request (SrHttp *http, const char *endpoint, guint status);

/* ---- sr-http-api.c ---- */
void sr_http_api_handler (SoupServer *server, SoupServerMessage *msg, const char *path,
                          GHashTable *query, gpointer user_data);

G_END_DECLS
