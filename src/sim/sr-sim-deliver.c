/* sr-sim-deliver.c — deliver_sm towards the client: receipts and MO parts.
 *
 * Each delivery waits in the mailbox of its system_id until a receiver-capable
 * bind of that system_id has window room; then it is in flight on that
 * connection until deliver_sm_resp.  A connection that goes away puts its
 * unanswered deliveries back at the head of their mailbox, so the next bind
 * gets them again (at-least-once, as a real SMSC does).
 */
#define G_LOG_DOMAIN "sr-sim"

#include "sr-sim-private.h"
#include "sr-pdu.h"

#include <string.h>

static void later_push (SrSimLater *later, SrSimDelivery *delivery, guint delay_ms);

SrSimDelivery *
sr_sim_delivery_new (SrSim *sim, const char *system_id, guint8 *pdu, gsize len, gboolean receipt)
{
  SrSimDelivery *delivery = g_new0 (SrSimDelivery, 1);

  delivery->serial = ++sim->next_serial;
  delivery->system_id = system_id != NULL && system_id[0] != '\0' ? g_strdup (system_id) : NULL;
  delivery->pdu = pdu;
  delivery->len = len;
  delivery->receipt = receipt;
  return delivery;
}

void
sr_sim_delivery_free (SrSimDelivery *delivery)
{
  if (delivery == NULL)
    return;
  g_free (delivery->system_id);
  g_free (delivery->pdu);
  g_free (delivery);
}

void
sr_sim_mailbox_free (gpointer data)
{
  SrSimMailbox *mailbox = data;

  g_queue_clear_full (&mailbox->pending, (GDestroyNotify) sr_sim_delivery_free);
  g_free (mailbox->system_id);
  g_free (mailbox);
}

static SrSimMailbox *
mailbox_get (SrSim *sim, const char *system_id)
{
  const char *key = system_id != NULL ? system_id : "";
  SrSimMailbox *mailbox = g_hash_table_lookup (sim->mailboxes, key);

  if (mailbox == NULL)
    {
      mailbox = g_new0 (SrSimMailbox, 1);
      mailbox->system_id = g_strdup (key);
      g_queue_init (&mailbox->pending);
      g_hash_table_insert (sim->mailboxes, mailbox->system_id, mailbox);
    }
  return mailbox;
}

void
sr_sim_deliver_enqueue (SrSim *sim, SrSimDelivery *delivery)
{
  g_queue_push_tail (&mailbox_get (sim, delivery->system_id)->pending, delivery);
  sim->stats.deliver_pending++;
}

/* The receiver bind with the most window room for @mailbox, or NULL. */
static SrSimConn *
pick_conn (SrSim *sim, SrSimMailbox *mailbox)
{
  SrSimConn *best = NULL;
  GList *l;

  for (l = sim->conns; l != NULL; l = l->next)
    {
      SrSimConn *conn = l->data;
      guint inflight;

      if (conn->closed || conn->close_after_flush || !(conn->bind & SR_SIM_BIND_RX))
        continue;
      if (mailbox->system_id[0] != '\0' && strcmp (mailbox->system_id, conn->system_id) != 0)
        continue;
      inflight = g_hash_table_size (conn->inflight);
      if (inflight >= sim->deliver_window)
        continue;
      if (best == NULL || inflight < g_hash_table_size (best->inflight))
        best = conn;
    }
  return best;
}

static void
send_delivery (SrSimConn *conn, SrSimDelivery *delivery)
{
  SrSim *sim = conn->sim;
  guint32 seq = sr_sim_conn_next_seq (conn);

  delivery->pdu[12] = seq >> 24;
  delivery->pdu[13] = seq >> 16;
  delivery->pdu[14] = seq >> 8;
  delivery->pdu[15] = seq;
  delivery->attempts++;
  if (delivery->attempts > 1)
    sim->stats.deliver_redelivered++;
  sim->stats.deliver_sent++;
  sim->stats.deliver_inflight++;
  sim->stats.pdus_sent++;
  g_hash_table_insert (conn->inflight, GUINT_TO_POINTER (seq), delivery);
  sr_sim_conn_queue (conn, delivery->pdu, delivery->len, FALSE);
  if (sim->log != NULL && sim->log->log_sent)
    {
      SrPdu pdu;
      if (sr_pdu_unpack (delivery->pdu, delivery->len, &pdu, NULL))
        sr_sim_log_pdu (sim->log, conn, SR_SIM_DIR_OUT, &pdu);
    }
}

void
sr_sim_deliver_pump (SrSim *sim)
{
  GHashTableIter iter;
  gpointer value;
  GList *touched = NULL;
  GList *l;

  g_hash_table_iter_init (&iter, sim->mailboxes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SrSimMailbox *mailbox = value;
      SrSimConn *conn;

      while (!g_queue_is_empty (&mailbox->pending)
             && (conn = pick_conn (sim, mailbox)) != NULL)
        {
          send_delivery (conn, g_queue_pop_head (&mailbox->pending));
          sim->stats.deliver_pending--;
          if (g_list_find (touched, conn) == NULL)
            touched = g_list_prepend (touched, sr_sim_conn_ref (conn));
        }
    }
  for (l = touched; l != NULL; l = l->next)
    {
      sr_sim_conn_flush (l->data);
      sr_sim_conn_unref (l->data);
    }
  g_list_free (touched);
}

static gboolean
pump_idle (gpointer user_data)
{
  SrSim *sim = user_data;

  g_clear_pointer (&sim->pump_source, g_source_unref);
  sr_sim_deliver_pump (sim);
  return G_SOURCE_REMOVE;
}

void
sr_sim_deliver_pump_soon (SrSim *sim)
{
  if (sim->pump_source != NULL)
    return;
  sim->pump_source = g_idle_source_new ();
  g_source_set_callback (sim->pump_source, pump_idle, sim, NULL);
  g_source_attach (sim->pump_source, sim->context);
}

void
sr_sim_deliver_resp (SrSimConn *conn, guint32 seq, guint32 status)
{
  SrSim *sim = conn->sim;
  SrSimDelivery *delivery = g_hash_table_lookup (conn->inflight, GUINT_TO_POINTER (seq));

  if (delivery == NULL)
    return;   /* an answer to nothing we sent: logged, otherwise ignored */
  g_hash_table_remove (conn->inflight, GUINT_TO_POINTER (seq));
  sim->stats.deliver_inflight--;
  if (status == SR_SIM_OK)
    {
      sim->stats.deliver_acked++;
      sr_sim_delivery_free (delivery);
    }
  else
    {
      /* Refused for now: tried again later, like an SMSC's retry schedule. */
      sim->stats.deliver_nacked++;
      later_push (&sim->retries, delivery, sim->deliver_retry_ms);
      return;
    }
  sr_sim_deliver_pump_soon (sim);
}

static gint
compare_serial_desc (gconstpointer a, gconstpointer b)
{
  const SrSimDelivery *da = a, *db = b;

  return da->serial < db->serial ? 1 : da->serial > db->serial ? -1 : 0;
}

void
sr_sim_deliver_requeue_conn (SrSimConn *conn)
{
  SrSim *sim = conn->sim;
  GList *list = g_hash_table_get_values (conn->inflight);
  GList *l;

  /* Newest first onto the head, so the oldest ends up first in line. */
  list = g_list_sort (list, compare_serial_desc);
  for (l = list; l != NULL; l = l->next)
    {
      SrSimDelivery *delivery = l->data;
      g_queue_push_head (&mailbox_get (sim, delivery->system_id)->pending, delivery);
      sim->stats.deliver_inflight--;
      sim->stats.deliver_pending++;
    }
  g_list_free (list);
  g_hash_table_remove_all (conn->inflight);
}

static gboolean
later_due (gpointer user_data)
{
  SrSimLater *later = user_data;
  SrSim *sim = later->sim;
  gint64 now = g_get_monotonic_time ();
  SrSimLaterJob *job;

  g_clear_pointer (&later->source, g_source_unref);
  while ((job = g_queue_peek_head (&later->jobs)) != NULL && job->due_us <= now)
    {
      g_queue_pop_head (&later->jobs);
      sr_sim_deliver_enqueue (sim, job->delivery);
      g_free (job);
    }
  if (job != NULL)
    {
      later->source = g_timeout_source_new (MAX (1, (job->due_us - now + 999) / 1000));
      g_source_set_callback (later->source, later_due, later, NULL);
      g_source_attach (later->source, sim->context);
    }
  sr_sim_deliver_pump (sim);
  return G_SOURCE_REMOVE;
}

static void
later_push (SrSimLater *later, SrSimDelivery *delivery, guint delay_ms)
{
  SrSimLaterJob *job = g_new (SrSimLaterJob, 1);

  job->due_us = g_get_monotonic_time () + (gint64) delay_ms * 1000;
  job->delivery = delivery;
  g_queue_push_tail (&later->jobs, job);
  if (later->source == NULL)
    {
      later->source = delay_ms == 0 ? g_idle_source_new () : g_timeout_source_new (delay_ms);
      g_source_set_callback (later->source, later_due, later, NULL);
      g_source_attach (later->source, later->sim->context);
    }
}

static void
later_job_free (gpointer data)
{
  SrSimLaterJob *job = data;

  sr_sim_delivery_free (job->delivery);
  g_free (job);
}

static void
later_clear (SrSimLater *later)
{
  if (later->source != NULL)
    {
      g_source_destroy (later->source);
      g_clear_pointer (&later->source, g_source_unref);
    }
  g_queue_clear_full (&later->jobs, later_job_free);
}

void
sr_sim_receipt_schedule (SrSim *sim, SrSimDelivery *delivery)
{
  later_push (&sim->receipts, delivery, sim->receipt_delay_ms);
}

void
sr_sim_deliver_init (SrSim *sim)
{
  sim->receipts.sim = sim;
  g_queue_init (&sim->receipts.jobs);
  sim->retries.sim = sim;
  g_queue_init (&sim->retries.jobs);
}

void
sr_sim_deliver_clear (SrSim *sim)
{
  if (sim->pump_source != NULL)
    {
      g_source_destroy (sim->pump_source);
      g_clear_pointer (&sim->pump_source, g_source_unref);
    }
  later_clear (&sim->receipts);
  later_clear (&sim->retries);
}
