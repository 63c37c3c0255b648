/* sr-router-results.c — what the SMSC answered: accepted parts, requeues,
 * retries with backoff, dead letters; moving files into sent/ and dead/
 * once the journal holds the outcome. */
#define G_LOG_DOMAIN "sr-router"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sr-router-private.h"
#include "sr-receipt.h"

/* ---- group commit: act on writes only once they are durable ---------------- */

/* The writes of one main-loop iteration that wait for one commit. */
typedef struct {
  SrRouter *router;
  GPtrArray *ready;
  GPtrArray *finish;
  GPtrArray *acks;
  GPtrArray *accepted;
} Batch;

static void intake_committed (SrRouter *router, GPtrArray *ready, const GError *error);

static void
batch_committed (SrJournal *journal, const GError *error, gpointer user_data)
{
  Batch *batch = user_data;
  SrRouter *router = batch->router;

  router->pending_batches--;
  if (batch->ready)
    intake_committed (router, batch->ready, error);
  if (batch->finish)
    sr_router_finish_batch (router, batch->finish, error);
  if (batch->acks)
    sr_router_acks_batch (router, batch->acks, error);
  if (batch->accepted)
    {
      /* Durable now (or lost with the batch as the journal closed: then the
       * file stays claimed for the next start); either way they leave the
       * window. */
      for (guint i = 0; i < batch->accepted->len; i++)
        ((SrRouterProvider *) g_ptr_array_index (batch->accepted, i))->unjournalled--;
      sr_router_kick (router);
    }
  g_clear_pointer (&batch->ready, g_ptr_array_unref);
  g_clear_pointer (&batch->finish, g_ptr_array_unref);
  g_clear_pointer (&batch->acks, g_ptr_array_unref);
  g_clear_pointer (&batch->accepted, g_ptr_array_unref);
  g_free (batch);
  sr_router_changed (router);
}

static gboolean
seal_cb (gpointer user_data)
{
  SrRouter *router = user_data;
  Batch *batch = g_new0 (Batch, 1);

  router->seal_source = 0;
  batch->router = router;
  batch->ready = g_steal_pointer (&router->open_ready);
  batch->finish = g_steal_pointer (&router->open_finish);
  batch->acks = g_steal_pointer (&router->open_acks);
  batch->accepted = g_steal_pointer (&router->open_accepted);
  router->pending_batches++;
  sr_journal_when_committed (router->journal, batch_committed, batch);
  /* Accepted parts hold window slots and ready messages wait for the wire
   * until this commit: do not let them wait for the batch to fill up. */
  if (batch->ready || batch->accepted)
    sr_journal_commit_soon (router->journal);
  return G_SOURCE_REMOVE;
}

/* Registers what is open now (graceful stop, free: before the last flush). */
void
sr_router_seal_now (SrRouter *router)
{
  if (router->seal_source == 0)
    return;
  g_source_remove (router->seal_source);
  seal_cb (router);
}

void
sr_router_schedule_seal (SrRouter *router)
{
  /* After the current iteration's events: everything written in it is
   * covered by one registration. */
  if (router->seal_source == 0 && !router->freeing)
    router->seal_source = g_idle_add_full (G_PRIORITY_DEFAULT, seal_cb, router, NULL);
}

static void
intake_committed (SrRouter *router, GPtrArray *ready, const GError *error)
{
  for (guint i = 0; i < ready->len; i++)
    {
      SrRouterMsg *msg = g_ptr_array_index (ready, i);

      if (router->freeing)
        {
          /* Stays claimed in outbox/cur/ with its committed row: the next
           * start sends it.  router->by_file frees it. */
          continue;
        }
      if (error)
        {
          /* The row is gone: keep the file claimed; the next start
           * processes it as a new file.  Nothing was sent. */
          g_hash_table_remove (router->by_file, msg->key);
          router->n_msgs--;
          sr_router_msg_free (msg);
          continue;
        }
      sr_router_enqueue (router, msg);
    }
}

/* ---- finishing ----------------------------------------------------------- */

char *
sr_router_format_time (gint64 us)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);

  return dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("");
}

static void
msg_done (SrRouter *router, SrRouterMsg *msg)
{
  sr_router_late_detach (msg);
  g_hash_table_remove (router->by_file, msg->key);
  router->n_msgs--;
  sr_router_msg_free (msg);
  sr_router_intake_schedule (router);
}

static void
finish_file (SrRouter *router, SrRouterMsg *msg, SrSpoolOutcome outcome, GPtrArray *headers)
{
  g_ptr_array_add (headers, NULL);
  sr_router_io_move (router->io, msg->app, msg->file, outcome, msg->raw,
                     (const char *const *) headers->pdata);
}

static void
finish_sent_file (SrRouter *router, SrRouterMsg *msg)
{
  g_autoptr(GPtrArray) headers = g_ptr_array_new_with_free_func (NULL);
  g_autofree char *stamp = sr_router_format_time (g_get_real_time ());

  for (guint i = 0; i < msg->n_parts; i++)
    {
      g_ptr_array_add (headers, (char *) "X-SMSC-Id");
      g_ptr_array_add (headers, msg->parts[i].smsc_id ? msg->parts[i].smsc_id : (char *) "");
    }
  g_ptr_array_add (headers, (char *) "X-Submitted");
  g_ptr_array_add (headers, stamp);
  finish_file (router, msg, SR_SPOOL_FINISH_SENT, headers);
}

/* Moves a dead letter, then tells the operator: the file is on its way
 * and the journal holds it as dead. */
static void
finish_dead_file (SrRouter *router, SrRouterMsg *msg)
{
  g_autoptr(GPtrArray) headers = g_ptr_array_new ();

  g_ptr_array_add (headers, (char *) "X-Error-Class");
  g_ptr_array_add (headers, (char *) sr_error_class_to_string (msg->dead_class));
  g_ptr_array_add (headers, (char *) "X-Error");
  g_ptr_array_add (headers, msg->dead_text);
  finish_file (router, msg, SR_SPOOL_FINISH_DEAD, headers);
  if (router->event_func)
    {
      g_autofree char *line = g_strdup_printf ("%s/%s: %s: %s", msg->app->name, msg->file,
                                               sr_error_class_to_string (msg->dead_class),
                                               msg->dead_text);
      router->event_func (router, SR_SCOPE_MESSAGE, "dead-letter", line, router->event_data);
    }
}

void
sr_router_finish_batch (SrRouter *router, GPtrArray *batch, const GError *error)
{
  if (error)
    sr_router_system_event (router, SR_LEVEL_ERROR, "journal", error->message);
  /* A file in sent/ or dead/ is one the journal knows as sent or dead.
   * Its outcome lost (a crash, or the journal closed while it could not
   * commit), the file stays claimed: the next start sends the parts the
   * journal has not recorded, or finds the message dead again. */
  for (guint i = 0; i < batch->len; i++)
    {
      SrRouterMsg *msg = g_ptr_array_index (batch, i);

      if (error == NULL && msg->dead_text != NULL)
        finish_dead_file (router, msg);
      else if (error == NULL)
        finish_sent_file (router, msg);
      msg_done (router, msg);
    }
}

/* The outcome is written: the file moves after the commit. */
static void
finish_after_commit (SrRouter *router, SrRouterMsg *msg)
{
  msg->stage = SR_MSG_FINISHING;
  if (router->open_finish == NULL)
    router->open_finish = g_ptr_array_new ();
  g_ptr_array_add (router->open_finish, msg);
  sr_router_schedule_seal (router);
}

void
sr_router_finish_sent (SrRouter *router, SrRouterMsg *msg)
{
  g_autoptr(GError) error = NULL;

  if (!sr_journal_message_set_state (router->journal, msg->id, SR_MESSAGE_SENT,
                                     g_get_real_time (), &error))
    g_warning ("%s", error->message);
  finish_after_commit (router, msg);
}

void
sr_router_fail (SrRouter *router, SrRouterMsg *msg, SrErrorClass klass, gint code,
                const char *text)
{
  gint64 now = g_get_real_time ();

  if (msg->id == 0)
    {
      SrJournalMessage m = { 0 };

      m.app = msg->app->name;
      m.file = msg->file;
      m.to_raw = msg->parsed ? (char *) sr_message_get_to (msg->parsed) : NULL;
      m.to_e164 = msg->to_e164[0] ? msg->to_e164 : NULL;
      /* Where it was going, when known: a policy refusal counts against
       * its country like any failure (not against the provider chosen,
       * which never saw it). */
      m.country = msg->country[0] ? msg->country : NULL;
      m.reference = msg->parsed ? (char *) sr_message_get_reference (msg->parsed) : NULL;
      m.state = SR_MESSAGE_QUEUED;
      m.created_at = now;
      msg->id = sr_journal_message_insert (router->journal, &m, NULL);
    }
  if (msg->id)
    {
      g_autofree char *ev = g_strdup_printf ("%s: %s", sr_error_class_to_string (klass), text);

      sr_journal_message_set_error (router->journal, msg->id, SR_MESSAGE_DEAD, klass, code,
                                    text, now, NULL);
      sr_journal_event_add (router->journal, now, SR_SCOPE_MESSAGE, SR_LEVEL_WARNING, "dead",
                            msg->id, msg->app->name, NULL, ev, NULL);
    }
  g_debug ("%s/%s: dead (%s): %s", msg->app->name, msg->file,
           sr_error_class_to_string (klass), text);
  /* Like a sent one, a dead letter moves once the journal holds it as
   * dead: a crash before that leaves it claimed with its row as it was
   * committed (or none), and the next start finds it dead again. */
  if (msg->stage == SR_MSG_READY)
    g_queue_unlink (&msg->provider->queue, &msg->link);
  else if (msg->stage == SR_MSG_RETRY)
    g_queue_unlink (&router->retry, &msg->link);
  sr_router_late_detach (msg);
  msg->dead_class = klass;
  msg->dead_text = g_strdup (text);
  msg->app->dead[MIN (klass, SR_ERROR_CLASS_SYSTEM)]++;
  finish_after_commit (router, msg);
  sr_router_changed (router);
}

/* ---- retries --------------------------------------------------------------- */

static gboolean
retry_cb (gpointer user_data)
{
  SrRouter *router = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 next = 0;
  GList *l = router->retry.head;

  router->retry_source = 0;
  while (l)
    {
      SrRouterMsg *msg = l->data;
      GList *following = l->next;

      if (msg->next_attempt_us <= now)
        {
          g_queue_unlink (&router->retry, &msg->link);
          sr_router_enqueue (router, msg);
        }
      else if (next == 0 || msg->next_attempt_us < next)
        next = msg->next_attempt_us;
      l = following;
    }
  if (next)
    router->retry_source = g_timeout_add (MAX (1, (next - now + 999) / 1000), retry_cb, router);
  return G_SOURCE_REMOVE;
}

void
sr_router_retry_schedule (SrRouter *router)
{
  if (router->retry_source)
    g_source_remove (router->retry_source);
  router->retry_source = 0;
  retry_cb (router);
}

static void
back_to_queue (SrRouter *router, SrRouterMsg *msg, gint64 delay_ms)
{
  msg->next_part = 0;
  msg->failed = FALSE;
  msg->fail_requeue = FALSE;
  msg->requeue_after_ms = 0;
  if (delay_ms <= 0)
    {
      /* Requeued at the head: it was first, it stays first. */
      msg->stage = SR_MSG_READY;
      g_queue_push_head_link (&msg->provider->queue, &msg->link);
      sr_router_kick (router);
      return;
    }
  msg->stage = SR_MSG_RETRY;
  msg->next_attempt_us = g_get_monotonic_time () + delay_ms * 1000;
  g_queue_push_tail_link (&router->retry, &msg->link);
  if (router->retry_source == 0 && !router->stopping)
    router->retry_source = g_timeout_add (delay_ms, retry_cb, router);
}

/* Every part of this round is answered: decide. */
static void
settle (SrRouter *router, SrRouterMsg *msg)
{
  const SrConfig *config = router->config;
  gint64 now = g_get_real_time ();

  if (msg->accepted == msg->n_parts)
    {
      sr_router_finish_sent (router, msg);
      return;
    }
  if (msg->failed && msg->fail_class == SR_SMPP_STATUS_PERMANENT)
    {
      char buf[SR_SMPP_STATUS_NAME_SIZE];
      g_autofree char *text = g_strdup_printf ("%s: %s",
                                               sr_smpp_status_name (msg->fail_status, buf),
                                               sr_smpp_status_text (msg->fail_status));

      sr_router_fail (router, msg, SR_ERROR_CLASS_SMSC, (gint) msg->fail_status, text);
      return;
    }
  if (msg->failed && msg->fail_class == SR_SMPP_STATUS_TEMPORARY)
    {
      char buf[SR_SMPP_STATUS_NAME_SIZE];
      guint max = config->max_attempts ? config->max_attempts : 5;
      gint64 delay;
      g_autofree char *text = g_strdup_printf ("%s: %s",
                                               sr_smpp_status_name (msg->fail_status, buf),
                                               sr_smpp_status_text (msg->fail_status));

      msg->attempts++;
      if (msg->attempts >= max)
        {
          g_autofree char *why = g_strdup_printf (_("%u attempts failed; last: %s"),
                                                  msg->attempts, text);

          sr_router_fail (router, msg, SR_ERROR_CLASS_RETRIES_EXHAUSTED,
                          (gint) msg->fail_status, why);
          return;
        }
      delay = (gint64) MAX (config->retry_delay, 1) * 1000 << MIN (msg->attempts - 1, 16);
      delay = MIN (delay, (gint64) 3600 * 1000);
      sr_journal_message_set_attempt (router->journal, msg->id, msg->attempts,
                                      msg->provider->config->name, now + delay * 1000, NULL);
      sr_journal_message_set_error (router->journal, msg->id, SR_MESSAGE_QUEUED,
                                    SR_ERROR_CLASS_NONE, (gint) msg->fail_status, text, now, NULL);
      if (router->event_func)
        {
          g_autofree char *line = g_strdup_printf (_("%s/%s: attempt %u of %u failed, next in %lld s: %s"),
                                                   msg->app->name, msg->file, msg->attempts, max,
                                                   (long long) (delay / 1000), text);
          router->event_func (router, SR_SCOPE_MESSAGE, "retry", line, router->event_data);
        }
      back_to_queue (router, msg, delay);
      return;
    }
  if (msg->failed && msg->fail_class == SR_SMPP_STATUS_SYSTEM)
    {
      /* The account is in trouble, not the message: wait, do not count. */
      back_to_queue (router, msg, 5000);
      return;
    }
  /* Requeue (throttled, not acknowledged): again, not counted; after a
   * response timeout only once the late answer had as long again to come. */
  back_to_queue (router, msg, msg->requeue_after_ms);
}

void
sr_router_accept_part (SrRouter *router, SrRouterBind *bind, SrRouterPart *part,
                       const char *message_id)
{
  const SrProviderConfig *pc = bind->provider->config;
  SrRouterMsg *msg = part->msg;
  char key[SR_RECEIPT_KEY_SIZE];

  sr_receipt_key_for_submit (message_id ? message_id : "", pc->id_format, key);
  part->submit = SR_SEGMENT_ACCEPTED;
  /* sent/ shows the id as the SMSC wrote it; the journal keeps the key. */
  g_free (part->smsc_id);
  part->smsc_id = g_strdup (message_id ? message_id : "");
  msg->accepted++;
  router->total_out++;
  sr_journal_segment_set_submit (router->journal, msg->id, part->index + 1,
                                 SR_SEGMENT_ACCEPTED, pc->name, key, 0, g_get_real_time (), NULL);
  if (router->open_accepted == NULL)
    router->open_accepted = g_ptr_array_new ();
  g_ptr_array_add (router->open_accepted, bind->provider);
  bind->provider->unjournalled++;
  sr_router_schedule_seal (router);
}

void
sr_router_submit_result (SrSmppSession *session, gpointer caller_ref,
                         const SrSmppSubmitResult *result, gpointer user_data)
{
  SrRouterBind *bind = user_data;
  SrRouter *router = bind->provider->router;
  SrRouterPart *part = caller_ref;
  SrRouterMsg *msg = part->msg;
  const SrProviderConfig *pc = bind->provider->config;
  gint64 now = g_get_real_time ();

  part->bind = NULL;
  msg->in_flight--;
  router->in_flight--;
  if (result->late_token)
    sr_router_late_track (bind, part, result->late_token);

  if (part->submit == SR_SEGMENT_ACCEPTED)
    {
      /* A late answer to an earlier submit accepted it while this copy was
       * out: the copy's acceptance is a duplicate. */
      if (result->outcome == SR_SMPP_SUBMIT_ACCEPTED)
        sr_router_late_accepted_again (router, bind, part, result->message_id);
    }
  else if (result->outcome == SR_SMPP_SUBMIT_ACCEPTED)
    sr_router_accept_part (router, bind, part, result->message_id);
  else
    {
      part->submit = SR_SEGMENT_PENDING;
      if (result->requeue || result->outcome == SR_SMPP_SUBMIT_NOT_ACKNOWLEDGED)
        {
          msg->fail_requeue = TRUE;
          msg->requeue_after_ms = MAX (msg->requeue_after_ms, result->retry_after_ms);
        }
      else
        {
          /* The worst status of the round decides: permanent over system over temporary. */
          if (!msg->failed || result->status_class == SR_SMPP_STATUS_PERMANENT)
            {
              msg->fail_status = result->command_status;
              msg->fail_class = result->status_class;
            }
          msg->failed = TRUE;
          sr_journal_segment_set_submit (router->journal, msg->id, part->index + 1,
                                         SR_SEGMENT_REJECTED, pc->name, NULL,
                                         (gint) result->command_status, now, NULL);
          if (result->status_class == SR_SMPP_STATUS_SYSTEM)
            {
              g_autofree char *text = g_strdup_printf (_("Provider %s refused a submit: %s"),
                                                       pc->name, result->reason ? result->reason : "");

              sr_router_system_event (router, SR_LEVEL_ERROR, "submit", text);
            }
        }
      /* Stop sending more parts of this message this round. */
      if (msg->stage == SR_MSG_READY)
        {
          g_queue_unlink (&msg->provider->queue, &msg->link);
          msg->stage = SR_MSG_SUBMITTED;
        }
    }

  if (msg->in_flight == 0 && msg->stage == SR_MSG_SUBMITTED)
    settle (router, msg);
  else if (msg->in_flight == 0 && msg->stage == SR_MSG_READY && msg->accepted == msg->n_parts)
    {
      g_queue_unlink (&msg->provider->queue, &msg->link);
      settle (router, msg);
    }
  sr_router_kick (router);
}
