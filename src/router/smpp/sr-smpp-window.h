/* sr-smpp-window.h — the outstanding requests of one session (internal).
 *
 * At most `capacity` requests, keyed by sequence number (hash lookup), kept
 * in send order so the oldest deadline is always the head: one timer serves
 * every request's response timeout.  Slots are preallocated; nothing is
 * allocated per request.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One request waiting for its response. */
typedef struct SrSmppRequest SrSmppRequest;
struct SrSmppRequest {
  guint32 sequence;
  guint32 command_id;
  gpointer caller_ref;
  gint64 deadline;           /* monotonic µs */
  gint64 sent_at;            /* monotonic µs it was queued for sending (set by the session) */
  SrSmppRequest *prev, *next;
  gboolean used;
};

/* The table of outstanding requests. */
typedef struct {
  SrSmppRequest *slots;
  guint capacity;
  guint count;
  SrSmppRequest *free_list;  /* linked through next */
  SrSmppRequest *head, *tail;   /* send order */
  GHashTable *by_seq;        /* sequence → SrSmppRequest* */
} SrSmppWindow;

void sr_smpp_window_init (SrSmppWindow *w, guint capacity);
void sr_smpp_window_clear (SrSmppWindow *w);

static inline gboolean
sr_smpp_window_full (const SrSmppWindow *w)
{
  return w->count >= w->capacity;
}

static inline guint
sr_smpp_window_free (const SrSmppWindow *w)
{
  return w->capacity - w->count;
}

/* Adds a request; NULL when the window is full or @sequence is in use. */
SrSmppRequest *sr_smpp_window_add (SrSmppWindow *w, guint32 sequence, guint32 command_id,
                                   gpointer caller_ref, gint64 deadline);

/* Removes and returns the request for @sequence (copied into @out). */
gboolean sr_smpp_window_take (SrSmppWindow *w, guint32 sequence, SrSmppRequest *out);

/* Removes the oldest request if its deadline is <= @now. */
gboolean sr_smpp_window_take_expired (SrSmppWindow *w, gint64 now, SrSmppRequest *out);

/* Removes the oldest request (any deadline). */
gboolean sr_smpp_window_take_oldest (SrSmppWindow *w, SrSmppRequest *out);

/* Deadline of the oldest request, 0 when empty. */
static inline gint64
sr_smpp_window_next_deadline (const SrSmppWindow *w)
{
  return w->head ? w->head->deadline : 0;
}

/* Submits that timed out on the live connection: their sequence numbers
 * stay matched, so a late response still counts (a late acceptance must not
 * be lost, or the part is sent twice).  A ring of the last `capacity`
 * sequence numbers; the oldest is forgotten first. */
typedef struct {
  guint32 *ring;
  guint capacity;
  guint next;                /* ring slot for the next entry */
  GHashTable *by_seq;        /* sequence → command_id */
} SrSmppLate;

void sr_smpp_late_init (SrSmppLate *l, guint capacity);
void sr_smpp_late_clear (SrSmppLate *l);
/* Forgets every entry (the connection is gone). */
void sr_smpp_late_reset (SrSmppLate *l);
void sr_smpp_late_add (SrSmppLate *l, guint32 sequence, guint32 command_id);
/* Removes @sequence; FALSE when it is not (or no longer) matched. */
gboolean sr_smpp_late_take (SrSmppLate *l, guint32 sequence, guint32 *command_id);

static inline gboolean
sr_smpp_late_contains (const SrSmppLate *l, guint32 sequence)
{
  return g_hash_table_contains (l->by_seq, GUINT_TO_POINTER (sequence));
}

G_END_DECLS
