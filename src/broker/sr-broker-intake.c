/* sr-broker-intake.c — MESSAGE → outbox file → ACK.
 *
 * The MESSAGEs that come while a batch is being written form the next
 * batch: a worker thread writes each as a file (tmp/, rename into new/) and
 * one syncfs makes them all durable, then the main loop records the broker
 * message-ids in one transaction, and only then are the MESSAGEs ACKed, in
 * one write.  A MESSAGE the broker delivers again (we died before the ACK
 * reached it) is found in that record and ACKed without a second file.
 *
 * Checking the message is the router's job: a MESSAGE without a number, with
 * a bad number or invalid UTF-8 still becomes a file, the router dead-letters
 * it with class input and the reason, and the bridge publishes the dead
 * letter to the app's failed queue.  A body over max-file-size was never
 * read whole (the frame reader skipped it): its file holds the start of the
 * body and an X-Input-Error header with the reason, which the router turns
 * into that same dead letter.  Only what cannot become a file of any app —
 * an app header naming no configured app — is refused here, on the failed
 * queue, before the ACK.
 */
#define G_LOG_DOMAIN "sr-broker"

#include "sr-broker-private.h"
#include "sr-message.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* STOMP header → message-file header: the original project's names first,
 * then this project's own (lower-case, as STOMP clients write them). */
static const char *const header_map[][2] = {
  { "SMSDestination", "To" },
  { "to", "To" },
  { "SMSOrigin", "From" },
  { "from", "From" },
  { "reference", "Reference" },
  { "alphabet", "Alphabet" },
  { "report", "Report" },
  { "validity", "Validity" },
  { "flash", "Flash" },
};

void
sr_broker_intake_free (gpointer p)
{
  SrBrokerIntake *in = p;
  g_free (in->ack);
  g_free (in->message_id);
  g_free (in->name);
  g_string_free (in->file, TRUE);
  g_free (in);
}

/* Header values are one line: a CR or LF in a STOMP header (escaped on the
 * wire) must not start a header line of its own in the file. */
static void
append_header (GString *out, const char *name, const char *value)
{
  g_string_append (out, name);
  g_string_append (out, ": ");
  for (const char *p = value; *p; p++)
    g_string_append_c (out, *p == '\r' || *p == '\n' ? ' ' : *p);
  g_string_append_c (out, '\n');
}

/* The start of an oversized body as text: a character cut at the end is
 * left out, NUL and invalid bytes become U+FFFD. */
static char *
body_start_text (const char *body, gsize len)
{
  const char *end = NULL;
  if (!g_utf8_validate_len (body, len, &end) && body + len - end < 4
      && g_utf8_get_char_validated (end, body + len - end) == (gunichar) -2)
    len = end - body;
  return g_utf8_make_valid (body, len);
}

/* Ends @out (the header lines so far) for a body that was not kept whole:
 * X-Input-Error says so (the router dead-letters the file with that reason)
 * and the file holds as much of the body's start as fits in @max_size. */
static void
append_oversized (GString *out, const SrStompFrame *frame, gsize max_size)
{
  gsize len = 0;
  const char *body = g_bytes_get_data (frame->body, &len);
  g_autofree char *text = body_start_text (body, len);
  gsize keep = strlen (text);
  g_autofree char *why = NULL;
  /* The reason names the length kept, which its own length limits: twice settles it. */
  for (guint round = 0; round < 2; round++)
    {
      g_free (why);
      why = g_strdup_printf (_("The broker message's body of %llu bytes is over max-file-size and "
                               "was not kept: this dead letter holds only its first %zu bytes."),
                             (unsigned long long) (len + frame->body_skipped), keep);
      gsize used = out->len + strlen (SR_MESSAGE_INPUT_ERROR_HEADER) + strlen (why) + 5;
      gsize room = max_size > used ? max_size - used : 0;
      while (keep > room || (keep > 0 && (text[keep] & 0xC0) == 0x80))
        keep--;
    }
  append_header (out, SR_MESSAGE_INPUT_ERROR_HEADER, why);
  g_string_append_c (out, '\n');
  g_string_append_len (out, text, keep);
  g_string_append_c (out, '\n');
}

/* The message file for @frame: mapped headers, the broker's ids, the body
 * (or, when it was over the limit, what append_oversized() writes). */
static GString *
format_file (const SrStompFrame *frame, gsize max_size)
{
  GString *out = g_string_sized_new (256 + g_bytes_get_size (frame->body));
  for (guint i = 0; i < G_N_ELEMENTS (header_map); i++)
    {
      const char *file_name = header_map[i][1];
      /* The first STOMP name that is present wins for each file header. */
      gboolean earlier = FALSE;
      for (guint j = 0; j < i; j++)
        if (g_str_equal (header_map[j][1], file_name)
            && sr_stomp_frame_get_header (frame, header_map[j][0]) != NULL)
          earlier = TRUE;
      const char *v = sr_stomp_frame_get_header (frame, header_map[i][0]);
      if (v != NULL && !earlier)
        append_header (out, file_name, v);
    }
  const char *id = sr_stomp_frame_get_header (frame, "message-id");
  append_header (out, "X-Broker-Message-Id", id ? id : "");
  const char *dest = sr_stomp_frame_get_header (frame, "destination");
  if (dest != NULL)
    append_header (out, "X-Broker-Destination", dest);
  if (frame->body_skipped > 0)
    {
      append_oversized (out, frame, max_size);
      return out;
    }
  gsize len = 0;
  const char *body = g_bytes_get_data (frame->body, &len);
  g_string_append_c (out, '\n');
  if (len > 0)
    g_string_append_len (out, body, len);
  return out;
}

/* Sends @frame's content to @app's failed queue with the error; the MESSAGE
 * is ACKed when the broker confirms (on_receipt). */
static void
reject (SrBroker *b, SrBrokerApp *app, const SrStompFrame *frame, const char *ack, const char *error_text)
{
  g_autofree char *text = g_strdup_printf (_("broker message %s refused: %s"),
                                           sr_stomp_frame_get_header (frame, "message-id"), error_text);
  SrJournal *journal = sr_router_get_journal (b->router);
  if (journal != NULL)
    sr_journal_event_add (journal, g_get_real_time (), SR_SCOPE_MESSAGE, SR_LEVEL_WARNING,
                          "broker-input", 0, app->name, "broker", text, NULL);
  g_message ("%s", text);
  if (app->failed_queue == NULL || ack == NULL)
    return;
  g_autoptr(SrStompFrame) send = sr_stomp_frame_new ("SEND");
  sr_stomp_frame_add_header (send, "destination", app->failed_queue);
  sr_stomp_frame_add_header (send, "persistent", "true");
  SrBrokerSend *s = g_new0 (SrBrokerSend, 1);
  s->app = app;
  s->ack = g_strdup (ack);
  sr_stomp_frame_add_header (send, "receipt", sr_broker_track (b, s));
  sr_stomp_frame_add_header (send, "X-Error-Class", "input");
  sr_stomp_frame_add_header (send, "X-Error", error_text);
  for (guint i = 0; i + 1 < frame->headers->len; i += 2)
    {
      const char *name = frame->headers->pdata[i];
      if (g_str_equal (name, "message-id"))
        name = "X-Broker-Message-Id";
      else if (sr_broker_reserved_header (name))
        continue;
      sr_stomp_frame_add_header (send, name, frame->headers->pdata[i + 1]);
    }
  gsize len = 0;
  const void *body = g_bytes_get_data (frame->body, &len);
  sr_stomp_frame_set_body (send, body, len);
  sr_stomp_client_send_frame (b->client, send);
}

void
sr_broker_intake_message (SrBroker *b, const SrStompFrame *frame)
{
  const char *ack = sr_stomp_frame_get_header (frame, "ack");
  const char *message_id = sr_stomp_frame_get_header (frame, "message-id");
  const char *sub = sr_stomp_frame_get_header (frame, "subscription");
  SrBrokerApp *app = sub ? sr_broker_find_app (b, sub) : NULL;
  if (ack == NULL || message_id == NULL || app == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("a MESSAGE without ack, message-id or a known subscription (%s) was ignored"),
                                               sub ? sub : "-");
      sr_broker_event (b, SR_LEVEL_WARNING, text);
      return;
    }
  /* An app header on the [broker] queue picks the app; on an app's own
   * queue it must name that app. */
  const char *wanted = sr_stomp_frame_get_header (frame, "app");
  if (wanted != NULL && !g_str_equal (wanted, app->name))
    {
      const SrConfig *config = sr_router_get_config (b->router);
      if (!app->main || sr_config_find_app (config, wanted) == NULL)
        {
          g_autofree char *why = app->main
            ? g_strdup_printf (_("unknown application '%s'"), wanted)
            : g_strdup_printf (_("application '%s' may not send through the queue of '%s'"),
                               wanted, app->name);
          reject (b, app, frame, ack, why);
          return;
        }
      SrBrokerApp *other = sr_broker_find_app (b, wanted);
      if (other == NULL)
        {
          /* A configured app the bridge does not publish for: the file still
           * goes to its outbox; its results stay in its spool folders. */
          other = g_new0 (SrBrokerApp, 1);
          other->name = g_strdup (wanted);
          other->since = g_get_real_time () / G_USEC_PER_SEC;
          g_ptr_array_add (b->apps, other);
        }
      app = other;
    }
  SrBrokerIntake *in = g_new0 (SrBrokerIntake, 1);
  in->app = app;
  in->ack = g_strdup (ack);
  in->message_id = g_strdup (message_id);
  in->file = format_file (frame, sr_router_get_config (b->router)->max_file_size);
  g_ptr_array_add (b->batch, in);
}

/* A batch on its way to disk in a worker thread: the main loop goes on
 * (reading MESSAGEs into the next batch, and the router's own work) while
 * the files are written and synced. */
typedef struct {
  SrSpool *spool;
  GPtrArray *batch;             /* SrBrokerIntake, in the order they came */
  guint64 generation;           /* of the connection whose ACK ids they carry */
  guint written;                /* how many of batch (in order) are in the spool */
  GError *error;
} WriteJob;

static void
write_job_free (gpointer p)
{
  WriteJob *job = p;
  g_ptr_array_unref (job->batch);
  g_clear_error (&job->error);
  g_free (job);
}

/* Writes the batch's new files and makes them durable with one sync per
 * app (worker thread: only the spool, no SQLite, no socket). */
static void
write_files (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  WriteJob *job = data;
  g_autoptr(GHashTable) apps = g_hash_table_new (g_str_hash, g_str_equal);
  guint written = 0;
  for (; written < job->batch->len; written++)
    {
      SrBrokerIntake *in = job->batch->pdata[written];
      if (in->duplicate)
        continue;
      if (!sr_spool_deliver (job->spool, in->app->name, SR_SPOOL_BOX_OUTBOX, in->file->str,
                             in->file->len, SR_SPOOL_NONE, &in->name, &job->error))
        break;
      g_hash_table_add (apps, in->app->name);
    }
  GHashTableIter it;
  gpointer app;
  g_hash_table_iter_init (&it, apps);
  while (g_hash_table_iter_next (&it, &app, NULL))
    if (!sr_spool_sync (job->spool, app, job->error ? NULL : &job->error))
      written = 0;
  job->written = written;
  g_task_return_boolean (task, TRUE);
}

static void start_batch (SrBroker *b);

/* Back on the main loop: the files are durable.  Their message-ids are
 * recorded (even when the connection is gone: the broker delivers them
 * again, and then they must be found), and only then are they ACKed, on the
 * connection that delivered them. */
static void
batch_written (GObject *source, GAsyncResult *res, gpointer data)
{
  SrBroker *b = data;
  WriteJob *job = g_task_get_task_data (G_TASK (res));
  b->writing = FALSE;
  gboolean same = job->generation == b->generation;
  g_autoptr(GError) error = NULL;
  if (job->error != NULL)
    {
      /* Disk full, permissions: a system-wide problem.  What was not
       * written goes back to the broker with the connection, to be
       * delivered again once the bridge has reconnected. */
      g_autofree char *text = g_strdup_printf (_("broker messages wait: %s"), job->error->message);
      sr_broker_event (b, SR_LEVEL_ERROR, text);
    }
  gboolean ok = sr_broker_state_begin (b->state, &error);
  for (guint i = 0; ok && i < job->written; i++)
    {
      SrBrokerIntake *in = job->batch->pdata[i];
      if (!in->duplicate)
        ok = sr_broker_state_intake_add (b->state, in->message_id, in->app->name, in->name, &error);
    }
  if (ok)
    ok = sr_broker_state_commit (b->state, &error);
  if (!ok)
    {
      /* Not ACKed: the broker delivers them again after the reconnect. */
      sr_broker_event (b, SR_LEVEL_ERROR, error->message);
      sr_broker_state_commit (b->state, NULL);
      if (same)
        sr_stomp_client_reconnect (b->client, error->message);
    }
  else if (same)
    {
      sr_stomp_client_cork (b->client);
      for (guint i = 0; i < job->written; i++)
        {
          SrBrokerIntake *in = job->batch->pdata[i];
          if (!sr_stomp_client_ack (b->client, in->ack))
            break;
          if (in->duplicate)
            b->counts.duplicates++;
          else
            {
              b->counts.taken++;
              in->app->taken++;
            }
        }
      sr_stomp_client_uncork (b->client);
      if (job->error != NULL)
        sr_stomp_client_reconnect (b->client, job->error->message);
    }
  if (b->batch->len > 0)
    start_batch (b);
}

/* Hands the MESSAGEs gathered so far to the writer.  Redeliveries are found
 * here, on the main loop, after the previous batch recorded its ids. */
static void
start_batch (SrBroker *b)
{
  WriteJob *job = g_new0 (WriteJob, 1);
  job->spool = b->spool;
  job->batch = g_steal_pointer (&b->batch);
  job->generation = b->generation;
  b->batch = g_ptr_array_new_with_free_func (sr_broker_intake_free);
  for (guint i = 0; i < job->batch->len; i++)
    {
      SrBrokerIntake *in = job->batch->pdata[i];
      g_autofree char *known = sr_broker_state_intake_lookup (b->state, in->message_id);
      in->duplicate = known != NULL;
    }
  g_autoptr(GTask) task = g_task_new (NULL, NULL, batch_written, b);
  g_task_set_task_data (task, job, write_job_free);
  b->writing = TRUE;
  g_task_run_in_thread (task, write_files);
}

void
sr_broker_intake_flush (SrBroker *b)
{
  /* While a batch is being written the next one grows: the busier the
   * broker, the more each sync covers. */
  if (b->batch->len > 0 && !b->writing)
    start_batch (b);
}

void
sr_broker_intake_wait (SrBroker *b)
{
  GMainContext *context = g_main_context_ref_thread_default ();
  while (b->writing)
    g_main_context_iteration (context, TRUE);
  g_main_context_unref (context);
}
