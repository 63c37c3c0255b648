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

G_END_DECLS
