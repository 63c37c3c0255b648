/* sr-smpp-window.c — outstanding requests by sequence number. */
#define G_LOG_DOMAIN "sr-smpp"

#include "sr-smpp-window.h"

#include <string.h>

void
sr_smpp_window_init (SrSmppWindow *w, guint capacity)
{
  g_return_if_fail (capacity > 0);
  memset (w, 0, sizeof *w);
  w->capacity = capacity;
  w->slots = g_new0 (SrSmppRequest, capacity);
  for (guint i = capacity; i-- > 0;)
    {
      w->slots[i].next = w->free_list;
      w->free_list = &w->slots[i];
    }
  w->by_seq = g_hash_table_new (g_direct_hash, g_direct_equal);
}

void
sr_smpp_window_clear (SrSmppWindow *w)
{
  g_clear_pointer (&w->by_seq, g_hash_table_unref);
  g_clear_pointer (&w->slots, g_free);
  memset (w, 0, sizeof *w);
}

SrSmppRequest *
sr_smpp_window_add (SrSmppWindow *w, guint32 sequence, guint32 command_id,
                    gpointer caller_ref, gint64 deadline)
{
  if (w->free_list == NULL)
    return NULL;
  if (g_hash_table_contains (w->by_seq, GUINT_TO_POINTER (sequence)))
    return NULL;
  SrSmppRequest *r = w->free_list;
  w->free_list = r->next;
  *r = (SrSmppRequest) {
    .sequence = sequence,
    .command_id = command_id,
    .caller_ref = caller_ref,
    .deadline = deadline,
    .prev = w->tail,
    .next = NULL,
    .used = TRUE,
  };
  if (w->tail)
    w->tail->next = r;
  else
    w->head = r;
  w->tail = r;
  w->count++;
  g_hash_table_insert (w->by_seq, GUINT_TO_POINTER (sequence), r);
  return r;
}

static void
unlink_req (SrSmppWindow *w, SrSmppRequest *r, SrSmppRequest *out)
{
  if (r->prev)
    r->prev->next = r->next;
  else
    w->head = r->next;
  if (r->next)
    r->next->prev = r->prev;
  else
    w->tail = r->prev;
  g_hash_table_remove (w->by_seq, GUINT_TO_POINTER (r->sequence));
  if (out)
    {
      *out = *r;
      out->prev = out->next = NULL;
    }
  r->used = FALSE;
  r->prev = NULL;
  r->next = w->free_list;
  w->free_list = r;
  w->count--;
}

gboolean
sr_smpp_window_take (SrSmppWindow *w, guint32 sequence, SrSmppRequest *out)
{
  SrSmppRequest *r = g_hash_table_lookup (w->by_seq, GUINT_TO_POINTER (sequence));
  if (r == NULL)
    return FALSE;
  unlink_req (w, r, out);
  return TRUE;
}

gboolean
sr_smpp_window_take_expired (SrSmppWindow *w, gint64 now, SrSmppRequest *out)
{
  if (w->head == NULL || w->head->deadline > now)
    return FALSE;
  unlink_req (w, w->head, out);
  return TRUE;
}

gboolean
sr_smpp_window_take_oldest (SrSmppWindow *w, SrSmppRequest *out)
{
  if (w->head == NULL)
    return FALSE;
  unlink_req (w, w->head, out);
  return TRUE;
}

/* ---- timed-out requests -------------------------------------------------- */

void
sr_smpp_late_init (SrSmppLate *l, guint capacity)
{
  g_return_if_fail (capacity > 0);
  l->capacity = capacity;
  l->next = 0;
  l->ring = g_new0 (guint32, capacity);
  l->by_seq = g_hash_table_new (g_direct_hash, g_direct_equal);
}

void
sr_smpp_late_clear (SrSmppLate *l)
{
  g_clear_pointer (&l->by_seq, g_hash_table_unref);
  g_clear_pointer (&l->ring, g_free);
  memset (l, 0, sizeof *l);
}

void
sr_smpp_late_reset (SrSmppLate *l)
{
  g_hash_table_remove_all (l->by_seq);
  memset (l->ring, 0, l->capacity * sizeof *l->ring);
  l->next = 0;
}

void
sr_smpp_late_add (SrSmppLate *l, guint32 sequence, guint32 command_id)
{
  /* Sequence numbers only grow on one connection (a wrap takes 2^31
   * requests), so the slot's old number is not in use by anything newer. */
  if (l->ring[l->next] != 0)
    g_hash_table_remove (l->by_seq, GUINT_TO_POINTER (l->ring[l->next]));
  l->ring[l->next] = sequence;
  l->next = (l->next + 1) % l->capacity;
  g_hash_table_insert (l->by_seq, GUINT_TO_POINTER (sequence), GUINT_TO_POINTER (command_id));
}

gboolean
sr_smpp_late_take (SrSmppLate *l, guint32 sequence, guint32 *command_id)
{
  gpointer value;

  if (!g_hash_table_lookup_extended (l->by_seq, GUINT_TO_POINTER (sequence), NULL, &value))
    return FALSE;
  g_hash_table_remove (l->by_seq, GUINT_TO_POINTER (sequence));
  if (command_id)
    *command_id = GPOINTER_TO_UINT (value);
  return TRUE;
}
