/* sr-inbound-batch.c — group commit of inbound messages.
 *
 * The deliver_sm read while a group is being written are collected.  When
 * the worker thread is free, the collected ones become the next group: on
 * the main loop, the messages they complete are routed and their inbox
 * files made in memory; then the worker writes one holding file with every
 * new part (two fsyncs for all of them) and, only after it, the inbox files
 * (tmp/, rename into new/); back on the main loop the journal rows go into
 * the journal's open transaction, committed at once for a large group.
 * Answers: a part that completes no message once the holding file exists;
 * the part completing a message once its journal row is committed.  Meanwhile the main loop goes on reading the
 * SMPP socket, and what it reads forms the group after.
 *
 * A crash at any point leaves either no holding file (nothing of the group
 * was answered: the SMSC sends it all again) or one, from which the start
 * rebuilds the messages under the same names and dedup keys.
 */
#define G_LOG_DOMAIN "sr-inbound"

#include "sr-inbound-private.h"
#include "sr-smpp-status.h"

#include <glib/gi18n-lib.h>

/* A group with this many messages asks the journal to commit at once. */
#define SR_INBOUND_COMMIT_NOW 8

/* One deliver_sm of a group: a new part, or a copy of one the SMSC sent
 * again while it was not held yet. */
typedef struct {
  SrInboundGroup *group;
  SrInboundPart *part;     /* new (not held yet), or NULL for a copy */
  guint seq;
  SrInboundWaiter waiter;
} SrInboundEntry;

struct SrInboundBatch {
  GArray *entries;         /* SrInboundEntry */
  GPtrArray *due;          /* groups to deliver even if incomplete */
  /* made when the group starts; the worker reads them */
  SrSpool *spool;
  char *hold_dir;
  char *hold_name;         /* NULL: no new part */
  GString *hold;
  guint n_parts;           /* records in hold */
  GPtrArray *deliveries;   /* SrInboundDelivery */
  GArray *held_waiters;    /* SrInboundWaiter: answered once hold is written */
  /* the worker's results */
  GError *hold_error;
  GPtrArray *errors;       /* GError or NULL per delivery */
  GMutex lock;
  GCond cond;
  gboolean written;
};

static void
error_free0 (gpointer error)
{
  if (error != NULL)
    g_error_free (error);
}

static SrInboundBatch *
batch_new (void)
{
  SrInboundBatch *b = g_new0 (SrInboundBatch, 1);

  b->entries = g_array_new (FALSE, FALSE, sizeof (SrInboundEntry));
  b->due = g_ptr_array_new ();
  b->deliveries = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_inbound_delivery_free);
  b->held_waiters = g_array_new (FALSE, FALSE, sizeof (SrInboundWaiter));
  b->errors = g_ptr_array_new_with_free_func (error_free0);
  g_mutex_init (&b->lock);
  g_cond_init (&b->cond);
  return b;
}

/* Answers still waiting are dropped: the SMSC redelivers unanswered PDUs. */
static void
batch_free (SrInboundBatch *b)
{
  if (b == NULL)
    return;
  g_array_unref (b->entries);
  g_ptr_array_unref (b->due);
  g_free (b->hold_dir);
  g_free (b->hold_name);
  if (b->hold != NULL)
    g_string_free (b->hold, TRUE);
  g_ptr_array_unref (b->deliveries);
  g_array_unref (b->held_waiters);
  g_clear_error (&b->hold_error);
  g_ptr_array_unref (b->errors);
  g_mutex_clear (&b->lock);
  g_cond_clear (&b->cond);
  g_free (b);
}

static void
answer_all (GArray *waiters, guint32 status)
{
  for (guint i = 0; i < waiters->len; i++)
    {
      SrInboundWaiter *w = &g_array_index (waiters, SrInboundWaiter, i);
      w->func (status, w->user_data);
    }
}

/* ---- the worker thread ---- */

static void
write_batch (gpointer data, gpointer user_data)
{
  SrInboundBatch *b = data;
  SrInbound *inbound = user_data;

  /* The parts first: an inbox file whose parts are not held could not be
   * named the same again after a crash. */
  if (b->hold_name == NULL
      || sr_inbound_store_write_file (b->hold_dir, b->hold_name, b->hold, &b->hold_error))
    for (guint i = 0; i < b->deliveries->len; i++)
      {
        GError *error = NULL;
        const char *app, *name;
        const GString *text;

        if (sr_inbound_delivery_file (b->deliveries->pdata[i], &app, &name, &text))
          sr_spool_deliver_named (b->spool, app, SR_SPOOL_BOX_INBOX, name, text->str, text->len,
                                  SR_SPOOL_NONE, &error);
        g_ptr_array_add (b->errors, error);
      }
  g_mutex_lock (&b->lock);
  b->written = TRUE;
  g_cond_signal (&b->cond);
  g_mutex_unlock (&b->lock);
  g_source_set_ready_time (inbound->written_source, 0);
}

/* ---- the main loop ---- */

static gboolean
has_work (const SrInboundBatch *b)
{
  return b != NULL && (b->entries->len > 0 || b->due->len > 0);
}

static void start_group (SrInbound *inbound);

static gboolean
on_start (gpointer data)
{
  SrInbound *inbound = data;

  inbound->start_source = NULL;
  if (inbound->writing == NULL)
    start_group (inbound);
  return G_SOURCE_REMOVE;
}

static void
schedule_start (SrInbound *inbound)
{
  if (inbound->writing != NULL || inbound->start_source != NULL)
    return;
  /* After the PDUs of this main-loop turn: they join the same group. */
  inbound->start_source = g_idle_source_new ();
  g_source_set_priority (inbound->start_source, G_PRIORITY_DEFAULT);
  g_source_set_callback (inbound->start_source, on_start, inbound, NULL);
  g_source_set_static_name (inbound->start_source, "sr-inbound group");
  g_source_attach (inbound->start_source, inbound->context);
  g_source_unref (inbound->start_source);
}

static SrInboundBatch *
collecting (SrInbound *inbound)
{
  if (inbound->collecting == NULL)
    inbound->collecting = batch_new ();
  schedule_start (inbound);
  return inbound->collecting;
}

void
sr_inbound_batch_add (SrInbound *inbound, SrInboundGroup *group, SrInboundPart *part, guint seq,
                      SrInboundDoneFunc func, gpointer user_data)
{
  SrInboundEntry e = { group, part, seq, { func, user_data } };

  group->queued++;
  g_array_append_val (collecting (inbound)->entries, e);
}

void
sr_inbound_batch_deliver (SrInbound *inbound, SrInboundGroup *group)
{
  group->queued++;
  group->deliver_due = TRUE;
  g_ptr_array_add (collecting (inbound)->due, group);
}

/* Decides what the collected group does, then hands it to the worker. */
static void
start_group (SrInbound *inbound)
{
  SrInboundBatch *b = g_steal_pointer (&inbound->collecting);
  g_autoptr(GPtrArray) groups = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) delivered = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) last_part = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) now_ok = g_array_new (FALSE, FALSE, sizeof (SrInboundWaiter));
  g_autoptr(GArray) now_retry = g_array_new (FALSE, FALSE, sizeof (SrInboundWaiter));

  if (b == NULL)
    return;
  for (guint i = 0; i < b->entries->len + b->due->len; i++)
    {
      SrInboundGroup *group = i < b->entries->len
                              ? g_array_index (b->entries, SrInboundEntry, i).group
                              : b->due->pdata[i - b->entries->len];
      group->queued--;
      if (g_hash_table_add (seen, group))
        g_ptr_array_add (groups, group);
    }

  /* Complete messages, and those due anyway, are written with it. */
  for (guint i = 0; i < groups->len; i++)
    {
      SrInboundGroup *group = groups->pdata[i];

      if (group->state == SR_GROUP_COLLECTING && group->have > 0
          && (group->have == group->total || group->deliver_due))
        {
          g_ptr_array_add (b->deliveries, sr_inbound_delivery_new (group));
          g_hash_table_add (delivered, group);
        }
      group->deliver_due = FALSE;
    }

  /* The new part that completed a message is answered after its journal
   * commit, like a copy of a part of it; other new parts once held. */
  for (guint i = 0; i < b->entries->len; i++)
    {
      SrInboundEntry *e = &g_array_index (b->entries, SrInboundEntry, i);

      if (e->part != NULL && e->group->have == e->group->total)
        g_hash_table_insert (last_part, e->group, GUINT_TO_POINTER (i + 1));
    }

  b->hold = g_string_new (NULL);
  for (guint i = 0; i < b->entries->len; i++)
    {
      SrInboundEntry *e = &g_array_index (b->entries, SrInboundEntry, i);
      SrInboundPart *held = e->group->parts[e->seq - 1];
      gboolean completes = e->part == NULL
                           || GPOINTER_TO_UINT (g_hash_table_lookup (last_part, e->group)) == i + 1;

      if (e->part != NULL && e->part == held && held->hold == NULL)
        {
          sr_inbound_store_append (b->hold, e->group, held);
          b->n_parts++;
        }
      if (e->waiter.func == NULL)
        continue;
      if (completes && g_hash_table_contains (delivered, e->group))
        sr_inbound_group_add_waiter (e->group, e->waiter.func, e->waiter.user_data);
      else if (held == NULL)
        g_array_append_val (now_retry, e->waiter);   /* its holding failed meanwhile */
      else if (held->hold != NULL)
        g_array_append_val (now_ok, e->waiter);
      else
        g_array_append_val (b->held_waiters, e->waiter);
    }

  /* Groups whose every part was lost with a holding file that failed. */
  for (guint i = 0; i < groups->len; i++)
    {
      SrInboundGroup *group = groups->pdata[i];

      if (group->state == SR_GROUP_COLLECTING && group->have == 0 && group->queued == 0)
        sr_inbound_group_forget (group);
    }

  if (b->n_parts > 0)
    {
      b->hold_name = sr_inbound_store_new_name (inbound);
      b->hold_dir = g_strdup (inbound->hold_dir);
    }
  b->spool = inbound->spool;
  if (b->n_parts > 0 || b->deliveries->len > 0)
    {
      inbound->writing = b;
      g_thread_pool_push (inbound->worker, b, NULL);
    }
  else
    {
      answer_all (b->held_waiters, SR_SMPP_STATUS_OK);
      batch_free (b);
    }
  answer_all (now_ok, SR_SMPP_STATUS_OK);
  answer_all (now_retry, SR_INBOUND_STATUS_RETRY);
}

/* The holding file could not be written: the new parts are forgotten, and
 * every deliver_sm of the group is answered "try again". */
static void
hold_failed (SrInbound *inbound, SrInboundBatch *b)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < b->entries->len; i++)
    {
      SrInboundEntry *e = &g_array_index (b->entries, SrInboundEntry, i);
      SrInboundGroup *group = e->group;

      if (g_hash_table_add (seen, group))
        g_ptr_array_add (groups, group);
      if (e->part == NULL || group->parts[e->seq - 1] != e->part || e->part->hold != NULL)
        continue;
      {
        g_autofree char *text = g_strdup_printf (_("Inbound part from %s to %s could not be held "
                                                   "in %s: %s; the SMSC will deliver it again"),
                                                 group->source_addr, group->dest_addr,
                                                 inbound->hold_dir, b->hold_error->message);
        g_warning ("%s", text);
        sr_inbound_record_event (inbound, SR_LEVEL_ERROR, "inbound-store", NULL, text);
      }
      group->parts[e->seq - 1] = NULL;
      group->have--;
      sr_inbound_part_free (e->part);
    }
  answer_all (b->held_waiters, SR_INBOUND_STATUS_RETRY);
  for (guint i = 0; i < b->deliveries->len; i++)
    {
      SrInboundGroup *group = sr_inbound_delivery_group (b->deliveries->pdata[i]);

      if (g_hash_table_add (seen, group))
        g_ptr_array_add (groups, group);
      group->state = SR_GROUP_COLLECTING;
      sr_inbound_group_answer (group, SR_INBOUND_STATUS_RETRY);
    }
  for (guint i = 0; i < groups->len; i++)
    {
      SrInboundGroup *group = groups->pdata[i];

      if (group->state != SR_GROUP_COLLECTING)
        continue;
      if (group->have == 0)
        {
          if (group->queued == 0)
            sr_inbound_group_forget (group);
        }
      else
        {
          gint64 retry = g_get_real_time () + (gint64) SR_INBOUND_RETRY_S * G_USEC_PER_SEC;

          sr_inbound_group_arm_timer (group, group->have == group->total
                                             ? retry : MAX (retry, sr_inbound_group_deadline (group)));
        }
    }
}

/* Back from the worker: answers for held parts, journal rows for the
 * messages written; then the next group. */
static void
finish_group (SrInbound *inbound)
{
  SrInboundBatch *b = g_steal_pointer (&inbound->writing);

  if (b->hold_error != NULL)
    hold_failed (inbound, b);
  else
    {
      SrInboundHold *hold = b->n_parts > 0 ? sr_inbound_store_hold (inbound, b->hold_name, b->n_parts) : NULL;

      for (guint i = 0; i < b->entries->len; i++)
        {
          SrInboundEntry *e = &g_array_index (b->entries, SrInboundEntry, i);

          if (e->part != NULL && e->group->parts[e->seq - 1] == e->part && e->part->hold == NULL)
            e->part->hold = hold;
        }
      answer_all (b->held_waiters, SR_SMPP_STATUS_OK);
      for (guint i = 0; i < b->deliveries->len; i++)
        sr_inbound_delivery_finish (b->deliveries->pdata[i], b->errors->pdata[i]);
      /* Many answers waiting hold the SMSC's window: commit now rather
       * than when the journal's batch fills or its timer runs out. */
      if (b->deliveries->len >= SR_INBOUND_COMMIT_NOW)
        sr_journal_commit_soon (inbound->journal);
    }
  batch_free (b);
  if (has_work (inbound->collecting))
    start_group (inbound);
}

static gboolean
batch_written (SrInboundBatch *b)
{
  gboolean written;

  g_mutex_lock (&b->lock);
  written = b->written;
  g_mutex_unlock (&b->lock);
  return written;
}

static gboolean
on_written (gpointer data)
{
  SrInbound *inbound = data;

  if (inbound->writing != NULL && batch_written (inbound->writing))
    finish_group (inbound);
  return G_SOURCE_CONTINUE;
}

static gboolean
written_dispatch (GSource *source, GSourceFunc callback, gpointer data)
{
  g_source_set_ready_time (source, -1);
  return callback (data);
}

static GSourceFuncs written_funcs = { NULL, NULL, written_dispatch, NULL, NULL, NULL };

void
sr_inbound_batch_init (SrInbound *inbound)
{
  inbound->context = g_main_context_ref_thread_default ();
  inbound->worker = g_thread_pool_new (write_batch, inbound, 1, FALSE, NULL);
  inbound->written_source = g_source_new (&written_funcs, sizeof (GSource));
  g_source_set_callback (inbound->written_source, on_written, inbound, NULL);
  g_source_set_static_name (inbound->written_source, "sr-inbound written");
  g_source_attach (inbound->written_source, inbound->context);
}

void
sr_inbound_batch_fini (SrInbound *inbound)
{
  g_thread_pool_free (g_steal_pointer (&inbound->worker), FALSE, TRUE);
  if (inbound->start_source != NULL)
    g_source_destroy (g_steal_pointer (&inbound->start_source));
  g_source_destroy (inbound->written_source);
  g_clear_pointer (&inbound->written_source, g_source_unref);
  g_clear_pointer (&inbound->writing, batch_free);
  g_clear_pointer (&inbound->collecting, batch_free);
  g_clear_pointer (&inbound->context, g_main_context_unref);
}

void
sr_inbound_batch_drain (SrInbound *inbound)
{
  for (;;)
    {
      SrInboundBatch *b = inbound->writing;

      if (b != NULL)
        {
          g_mutex_lock (&b->lock);
          while (!b->written)
            g_cond_wait (&b->cond, &b->lock);
          g_mutex_unlock (&b->lock);
          finish_group (inbound);
        }
      else if (has_work (inbound->collecting))
        {
          if (inbound->start_source != NULL)
            g_source_destroy (g_steal_pointer (&inbound->start_source));
          start_group (inbound);
        }
      else
        return;
    }
}
