/* sr-console-model.h — everything the console needs from a router.
 *
 * The console never touches the engine, the journal or the spool directly:
 * it calls through an SrConsoleModel, a table of functions plus user_data.
 * Two implementations exist (or will): the embedded engine, and a client of
 * the control socket of a running `sms-router --daemon`.  Tests use an
 * in-memory fixture.
 *
 * Lists are paged with keysets, never offsets: every row has an id, rows are
 * shown newest first (descending id), and a query asks for at most `count`
 * rows next to a cursor id.  A model must answer a query with an indexed
 * lookup; the console never asks for more than one screen page.
 *
 * Strings are UTF-8.  Functions returning gboolean set a GError with an
 * operator-readable message on failure (domain of the implementation's
 * choosing; SR_CONSOLE_MODEL_ERROR for generic ones); the console shows the
 * message as it is.  The implementation writes every action (retry, edit,
 * discard, compose, blacklist change, pause) to the audit log.  Calls are
 * synchronous and made on the main-loop thread: a control-socket client
 * answers from a local socket, which is fast enough for one page.
 */
#pragma once

#include <glib.h>

#include "sr-console-model-front-ends.h"

G_BEGIN_DECLS

#define SR_CONSOLE_MODEL_ERROR (sr_console_model_error_quark ())
GQuark sr_console_model_error_quark (void);

/* Generic failures a model implementation may report. */
typedef enum {
  SR_CONSOLE_MODEL_ERROR_FAILED,      /* the action failed; message says why */
  SR_CONSOLE_MODEL_ERROR_NOT_FOUND,   /* the row is gone (sent, discarded, removed) */
  SR_CONSOLE_MODEL_ERROR_INVALID,     /* bad input from the operator (number, kind, ...) */
  SR_CONSOLE_MODEL_ERROR_UNAVAILABLE, /* the router or daemon cannot be reached */
} SrConsoleModelError;

/* The console's views, in tab order (keys 1–9). */
typedef enum {
  SR_CONSOLE_VIEW_OVERVIEW = 0,
  SR_CONSOLE_VIEW_QUEUE,      /* waiting and in flight */
  SR_CONSOLE_VIEW_SENT,       /* accepted by the SMSC, with receipt state */
  SR_CONSOLE_VIEW_DEAD,       /* dead letters: class and reason */
  SR_CONSOLE_VIEW_RECEIPTS,   /* delivery receipts, matched or not */
  SR_CONSOLE_VIEW_INBOX,      /* inbound SMS */
  SR_CONSOLE_VIEW_BLACKLISTS, /* countries, numbers, prefixes */
  SR_CONSOLE_VIEW_LOG,        /* the audit log (journal events) */
  SR_CONSOLE_VIEW_PROVIDERS,  /* binds' figures and delivery rates: not a list (sr-console-providers.h) */
  SR_CONSOLE_N_VIEWS
} SrConsoleView;

/* The column keys a model fills, in order, for each list view (NULL for the
 * Overview, which is not a list).  The array is NULL-terminated and static.
 *
 *   queue       time app to from state parts text
 *   sent        time app to from receipt parts text
 *   dead        time app to class reason text
 *   receipts    time app to smsc-id status reference
 *   inbox       time app from to text
 *   blacklists  kind value note who when
 *   log         time scope text
 */
const char *const *sr_console_view_column_keys (SrConsoleView view);
/* Whether the view is a paged list (it has column keys). */
gboolean sr_console_view_is_list (SrConsoleView view);
guint sr_console_view_n_columns (SrConsoleView view);
/* Stable, untranslated name of a view ("queue", "dead", ...). */
const char *sr_console_view_to_string (SrConsoleView view);

/* Ids are journal row ids: 0 < id < G_MAXINT64.  These two bound every id. */
#define SR_CONSOLE_CURSOR_NEWEST G_MAXINT64
#define SR_CONSOLE_CURSOR_OLDEST G_GINT64_CONSTANT (0)

/* Which side of the cursor a page query reads. */
typedef enum {
  /* Rows with id < cursor, the `count` largest; cursor NEWEST = first page. */
  SR_CONSOLE_PAGE_OLDER,
  /* Rows with id > cursor, the `count` smallest; cursor OLDEST = last page. */
  SR_CONSOLE_PAGE_NEWER,
} SrConsolePageDirection;

/* One page query; rows always come back newest first (descending id). */
typedef struct {
  SrConsoleView view;
  const char *filter;   /* NULL or "": everything; else number or text substring */
  gint64 cursor;
  SrConsolePageDirection direction;
  guint count;          /* at most this many rows */
} SrConsoleQuery;

/* One list row: its id and the column values in the view's key order. */
typedef struct {
  gint64 id;
  char **columns;       /* NULL-terminated, sr_console_view_n_columns() entries */
} SrConsoleRow;

SrConsoleRow *sr_console_row_new (gint64 id, char **columns /* owned */);
void sr_console_row_free (SrConsoleRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrConsoleRow, sr_console_row_free)

/* Blacklist entry kinds (the journal's blacklist table). */
typedef enum {
  SR_CONSOLE_BLACKLIST_COUNTRY = 0, /* ISO 3166 alpha-2, e.g. "CI" */
  SR_CONSOLE_BLACKLIST_NUMBER,      /* one E.164 number */
  SR_CONSOLE_BLACKLIST_PREFIX,      /* E.164 prefix, e.g. "+4190" */
} SrConsoleBlacklistKind;

/* Untranslated "country" / "number" / "prefix" (also the blacklists "kind" column). */
const char *sr_console_blacklist_kind_to_string (SrConsoleBlacklistKind kind);
gboolean sr_console_blacklist_kind_from_string (const char *s, SrConsoleBlacklistKind *out);

/* A name/value pair of the detail pane (a header, or a fact like "Class"). */
typedef struct {
  char *name;
  char *value;
} SrConsoleField;

/* Everything about one row, for the detail pane and the edit form. */
typedef struct {
  gint64 id;
  SrConsoleView view;
  char *title;          /* one line, e.g. "Dead letter 4711 (app billing)" */
  GPtrArray *fields;    /* SrConsoleField: headers and facts, in display order */
  char *text;           /* full message text, may be NULL */
  GPtrArray *parts;     /* char*: one line per part (SMSC id, status) */
  GPtrArray *history;   /* char*: journal history lines, oldest first */
  /* Message rows: what the edit form starts with (NULL where not applicable). */
  char *to;
  char *from;
  char *app;
  /* Blacklist rows: the entry, for removal. */
  SrConsoleBlacklistKind blacklist_kind;
  char *blacklist_value;
} SrConsoleDetail;

SrConsoleDetail *sr_console_detail_new (SrConsoleView view, gint64 id);
void sr_console_detail_add_field (SrConsoleDetail *detail, const char *name, const char *value);
void sr_console_detail_free (SrConsoleDetail *detail);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrConsoleDetail, sr_console_detail_free)

/* One SMPP bind as the Overview shows it. */
typedef struct {
  char *name;           /* e.g. "main#1" */
  char *state;          /* e.g. "bound", "connecting" */
  char *last_error;     /* NULL or the last error text */
  /* For the traffic charts (cumulative counters: the console samples them). */
  guint window;         /* submits it may have outstanding; 0: none (a receiver) */
  guint window_used;    /* submits outstanding now */
  guint64 parts_out;    /* submits the SMSC accepted since the router started */
  guint64 pdus_in;      /* deliver_sm (receipts and inbound SMS) since the router started */
} SrConsoleBind;

/* Queue depths of one application. */
typedef struct {
  char *app;
  guint64 queued;
  guint64 in_flight;
  guint64 dead;
} SrConsoleQueueDepth;

/* The Overview snapshot. */
typedef struct {
  GPtrArray *binds;     /* SrConsoleBind */
  GPtrArray *queues;    /* SrConsoleQueueDepth */
  GPtrArray *errors;    /* char*: last system-wide errors, newest first */
  double rate_in;       /* messages/s accepted from apps */
  double rate_out;      /* messages/s submitted to the SMSC */
  guint64 total_in;
  guint64 total_out;
  gboolean paused;      /* sending paused by an operator */
  SrConsoleBrokerStatus *broker;  /* NULL: no broker bridge runs next to the router */
  SrConsoleHttpStatus *http;      /* NULL: no [http] front end configured */
  guint64 receipts_delivered; /* final receipts since the router started (charts) */
  guint64 receipts_failed;
} SrConsoleOverview;

SrConsoleOverview *sr_console_overview_new (void);
void sr_console_overview_add_bind (SrConsoleOverview *o, const char *name,
                                   const char *state, const char *last_error);
/* Sets the traffic counters of the bind added last. */
void sr_console_overview_set_bind_traffic (SrConsoleOverview *o, guint window, guint window_used,
                                          guint64 parts_out, guint64 pdus_in);
void sr_console_overview_add_queue (SrConsoleOverview *o, const char *app,
                                    guint64 queued, guint64 in_flight, guint64 dead);
void sr_console_overview_free (SrConsoleOverview *o);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrConsoleOverview, sr_console_overview_free)

/* A message the operator composes or edits. */
typedef struct {
  const char *to;
  const char *from;     /* NULL or "": the app's default */
  const char *app;      /* compose only; NULL or "": the default app */
  const char *text;
} SrConsoleMessage;

/* Alphabet chosen for a text (DESIGN.md, Encoding). */
typedef enum {
  SR_CONSOLE_ALPHABET_GSM7 = 0,
  SR_CONSOLE_ALPHABET_UCS2,
  SR_CONSOLE_ALPHABET_LATIN1,
} SrConsoleAlphabet;

/* What the encoding module says about a text being typed. */
typedef struct {
  SrConsoleAlphabet alphabet;
  guint parts;          /* 1 for an empty text */
  guint left;           /* characters (septets / code units) left in the last part */
  guint max_parts;      /* the most parts the router sends (max-parts); 0 = not known */
} SrConsoleTextCount;

/* The Providers view's figures (sr-console-providers.h). */
typedef struct _SrConsoleProviders SrConsoleProviders;
/* What one line of a conversation is. */
typedef enum {
  SR_CONSOLE_THREAD_OUT = 0,  /* a message to the number */
  SR_CONSOLE_THREAD_RECEIPT,  /* a delivery receipt of such a message */
  SR_CONSOLE_THREAD_IN,       /* an inbound message from the number */
} SrConsoleThreadKind;

/* One line of a conversation. */
typedef struct {
  SrConsoleThreadKind kind;
  gint64 id;            /* journal row id (message, receipt, inbound) */
  gint64 message_id;    /* receipts: the message they report on; else = id for OUT */
  gint64 time;          /* µs since the epoch: created, received */
  char *status;         /* OUT: state; RECEIPT: "DELIVRD"...; IN: the app */
  char *text;           /* OUT and IN: the text; RECEIPT: error code or "" */
} SrConsoleThreadEntry;

SrConsoleThreadEntry *sr_console_thread_entry_new (SrConsoleThreadKind kind, gint64 id,
                                                   gint64 message_id, gint64 time,
                                                   const char *status, const char *text);
void sr_console_thread_entry_free (SrConsoleThreadEntry *e);
/* Time order: time, then OUT before RECEIPT before IN, then id. */
gint sr_console_thread_entry_compare (const SrConsoleThreadEntry *a, const SrConsoleThreadEntry *b);
/* Sorts SrConsoleThreadEntry pointers in that order. */
void sr_console_thread_sort (GPtrArray *entries);

/* One page query of a conversation: the messages to the number and the
 * inbound messages from it are two keysets (ids grow with time in each);
 * a page holds the `count` of them nearest the cursors, with the receipts
 * of its messages.  Cursors: NEWEST / OLDEST start at an end. */
typedef struct {
  const char *number;   /* E.164 as the lists show it */
  gint64 out_cursor;
  gint64 in_cursor;
  SrConsolePageDirection direction;
  guint count;
} SrConsoleThreadQuery;

/* What a conversation page query returns. */
typedef struct {
  GPtrArray *entries;   /* SrConsoleThreadEntry, in time order (oldest first) */
  gint64 out_cursor;    /* the cursors of the next page in the same direction */
  gint64 in_cursor;
  gboolean more;        /* that page is not empty */
} SrConsoleThreadPage;

SrConsoleThreadPage *sr_console_thread_page_new (void);
void sr_console_thread_page_free (SrConsoleThreadPage *page);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrConsoleThreadPage, sr_console_thread_page_free)

/* Called by the model when something the console shows changed. */
typedef void (*SrConsoleChangedFunc) (gpointer data);

/* The router as the console sees it.  Every function is required unless
 * marked optional; all are called on the main-loop thread. */
typedef struct {
  gpointer user_data;

  SrConsoleOverview *(*overview) (gpointer user_data, GError **error);
  /* Returns SrConsoleRow* (free func set), newest first, at most q->count. */
  GPtrArray *(*list) (gpointer user_data, const SrConsoleQuery *q, GError **error);
  SrConsoleDetail *(*detail) (gpointer user_data, SrConsoleView view, gint64 id,
                              GError **error);

  /* Dead letters. */
  gboolean (*retry) (gpointer user_data, gint64 id, GError **error);
  gboolean (*edit_retry) (gpointer user_data, gint64 id, const SrConsoleMessage *msg,
                          GError **error);
  gboolean (*discard) (gpointer user_data, gint64 id, GError **error);

  /* A new message; it goes through the same policy as any other. */
  gboolean (*compose) (gpointer user_data, const SrConsoleMessage *msg, GError **error);

  /* Blacklists: persisted and applied to the next message at once. */
  gboolean (*blacklist_add) (gpointer user_data, SrConsoleBlacklistKind kind,
                             const char *value, const char *note, GError **error);
  gboolean (*blacklist_remove) (gpointer user_data, SrConsoleBlacklistKind kind,
                                const char *value, GError **error);

  gboolean (*set_paused) (gpointer user_data, gboolean paused, GError **error);

  /* Optional: binds that are not bound connect again now (backoff reset,
   * rejected credentials tried again); *not_bound receives how many were
   * not bound. */
  gboolean (*reconnect) (gpointer user_data, guint *not_bound, GError **error);

  /* Optional: the live compose counter.  Without it the console counts with
   * the encoding module (auto alphabet, udh8 capacities); a model sets it to
   * count for the provider's split method. */
  void (*count_text) (gpointer user_data, const char *text, SrConsoleTextCount *out);

  /* Optional: a page of the conversation with a number (the thread view). */
  SrConsoleThreadPage *(*thread) (gpointer user_data, const SrConsoleThreadQuery *q,
                                  GError **error);

  /* Optional: install (func != NULL) or remove (func == NULL) the one
   * change handler.  Without it the console still refreshes on its timer. */
  void (*set_changed_handler) (gpointer user_data, SrConsoleChangedFunc func,
                               gpointer data);

  /* Optional: every bind's figures and the delivery rates (Providers view);
   * cheap: a model computes the rates off this call and keeps them. */
  SrConsoleProviders *(*providers) (gpointer user_data, GError **error);
} SrConsoleModel;

G_END_DECLS
