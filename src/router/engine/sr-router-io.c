/* sr-router-io.c — the router's file worker.
 *
 * Claiming, reading, parsing and normalising a file, and moving it into
 * sent/ or dead/ afterwards, are mostly system calls (renames in big
 * folders) and number parsing: work that needs no engine state.  One worker
 * thread claims and loads, another moves, while the main loop does the SMPP
 * traffic and the journal: the work spreads over the cores of the machine.
 *
 * Loads go to the worker in batches (the names one scan step listed) and come
 * back in the same order; the main loop turns them into messages (policy,
 * split, journal row).  Moves go in the batches the group commit releases;
 * the main loop only hears of their failures, and moves that failed (a
 * folder not writable for a while, a full disk) are tried again with a
 * growing delay, each round a system event, until they are done or the
 * router stops (the next start completes them from the journal).  Nothing
 * here changes the
 * durability rules: a file is claimed by the rename, as before, and moved
 * only after the journal commit that records its outcome.  A load that
 * comes back while the router stops is dropped: its file stays claimed in
 * outbox/cur/ without a row, and the next start processes it as new.
 */
#define G_LOG_DOMAIN "sr-router"

#include <glib/gi18n-lib.h>

#include "sr-router-private.h"

/* Load batches in flight at once: one being worked on, one waiting. */
#define LOADS_IN_FLIGHT 2
/* Delay before failed moves are tried again: doubling from the first to the last. */
#define MOVE_RETRY_FIRST_MS 1000
#define MOVE_RETRY_MAX_MS 60000

/* What the worker hands back to the main loop. */
typedef enum {
  RESULT_LOADS,
  RESULT_MOVE_FAILED,
  RESULT_MOVES_RECOVERED,     /* a round of retried moves all went through */
} ResultKind;

/* One item of the results queue. */
typedef struct {
  ResultKind kind;
  GPtrArray *loads;           /* RESULT_LOADS: SrRouterLoad */
  char *text;                 /* RESULT_MOVE_FAILED: why */
  GPtrArray *moves;           /* RESULT_MOVE_FAILED: Move, to try again */
  guint count;                /* RESULT_MOVES_RECOVERED: how many */
} Result;

/* A batch of loads for the worker: the files of one app. */
typedef struct {
  GPtrArray *loads;           /* SrRouterLoad */
  char *region;               /* the app's, for numbers without a country code */
  gsize max_file_size;
} LoadJob;

/* One file to move. */
typedef struct {
  char *app;
  char *name;
  SrSpoolOutcome outcome;
  GBytes *raw;                /* NULL: the spool reads the file */
  GStrv headers;              /* name, value pairs */
} Move;

/* The worker and its queues (router->io). */
struct SrRouterIo {
  SrRouter *router;
  SrSpool *spool;
  GThreadPool *loads;         /* one thread: claims and loads, in order */
  GThreadPool *moves;         /* one thread: moves, in order */
  GAsyncQueue *results;       /* Result */
  GSource *source;            /* wakes the main loop for results */
  guint loads_in_flight;      /* batches */
  GPtrArray *open_moves;      /* Move: handed over as one job at idle */
  guint flush_source;
  GPtrArray *failed_moves;    /* Move: waiting for the retry timer */
  GSource *retry_source;
  guint retry_delay_ms;       /* of the next round; 0: none failed lately */
  GMutex lock;
  GCond idle;
  guint jobs;                 /* queued or running; under lock */
};

/* A job for the pool: either kind. */
typedef struct {
  LoadJob *load;
  GPtrArray *moves;           /* Move */
  gboolean retry;             /* moves that failed before */
} Job;

void
sr_router_load_clear (SrRouterLoad *load)
{
  g_clear_pointer (&load->name, g_free);
  g_clear_pointer (&load->raw, g_bytes_unref);
  g_clear_pointer (&load->parsed, sr_message_free);
  g_clear_error (&load->error);
}

void
sr_router_load_free (SrRouterLoad *load)
{
  sr_router_load_clear (load);
  g_free (load);
}

void
sr_router_load_file (SrSpool *spool, SrRouterLoad *load, const char *region, gsize max_file_size)
{
  gsize len;
  const char *data;

  load->raw = sr_spool_read (spool, load->app->name, SR_SPOOL_OUTBOX_CUR, load->name,
                             max_file_size, &load->error);
  if (load->raw == NULL)
    return;
  data = g_bytes_get_data (load->raw, &len);
  load->parsed = sr_message_parse_dialect (data, len, max_file_size, load->dialect,
                                          &load->error);
  if (load->parsed != NULL)
    sr_number_normalise (sr_message_get_to (load->parsed), region, load->to_e164,
                         load->country, &load->error);
}

static void
move_free (Move *move)
{
  if (move == NULL)
    return;
  g_free (move->app);
  g_free (move->name);
  g_clear_pointer (&move->raw, g_bytes_unref);
  g_strfreev (move->headers);
  g_free (move);
}

static void
result_free (Result *result)
{
  if (result->loads)
    g_ptr_array_unref (result->loads);
  if (result->moves)
    g_ptr_array_unref (result->moves);
  g_free (result->text);
  g_free (result);
}

static void
push_result (SrRouterIo *io, Result *result)
{
  g_async_queue_push (io->results, result);
  /* Thread-safe: wakes the main context if it sleeps. */
  g_source_set_ready_time (io->source, 0);
}

/* ---- the worker thread --------------------------------------------------- */

static void
run_loads (SrRouterIo *io, LoadJob *job)
{
  Result *result = g_new0 (Result, 1);

  for (guint i = 0; i < job->loads->len; i++)
    {
      SrRouterLoad *load = g_ptr_array_index (job->loads, i);

      if (!sr_spool_claim (io->spool, load->app->name, load->name, &load->error))
        continue;
      load->claimed = TRUE;
      sr_router_load_file (io->spool, load, job->region, job->max_file_size);
    }
  result->kind = RESULT_LOADS;
  result->loads = g_steal_pointer (&job->loads);
  g_free (job->region);
  g_free (job);
  push_result (io, result);
}

/* Whether trying the move again later can help: not when the file is gone
 * or the request itself is wrong. */
static gboolean
move_can_succeed_later (const GError *error)
{
  return !(g_error_matches (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_NOT_FOUND)
           || g_error_matches (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_INVALID_NAME)
           || g_error_matches (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_UNKNOWN_APP));
}

static void
run_moves (SrRouterIo *io, GPtrArray *moves, gboolean retry)
{
  g_autoptr(GPtrArray) failed = g_ptr_array_new_with_free_func ((GDestroyNotify) move_free);
  g_autofree char *first_error = NULL;
  guint n_failed = 0;

  for (guint i = 0; i < moves->len; i++)
    {
      Move *m = g_ptr_array_index (moves, i);
      g_autoptr(GError) error = NULL;
      gconstpointer data = NULL;
      gsize len = 0;

      if (m->raw)
        data = g_bytes_get_data (m->raw, &len);
      if (sr_spool_finish (io->spool, m->app, m->name, m->outcome, data, len,
                           (const char *const *) m->headers, SR_SPOOL_NONE, &error))
        continue;
      n_failed++;
      if (first_error == NULL)
        first_error = g_strdup_printf (_("Cannot move %s of app %s out of outbox/cur/: %s"),
                                       m->name, m->app, error->message);
      if (move_can_succeed_later (error))
        {
          g_ptr_array_add (failed, m);
          moves->pdata[i] = NULL;
        }
    }
  if (n_failed > 0)
    {
      Result *result = g_new0 (Result, 1);

      result->kind = RESULT_MOVE_FAILED;
      result->text = n_failed == 1 ? g_steal_pointer (&first_error)
                                   : g_strdup_printf (_("%s (and %u more files)"),
                                                      first_error, n_failed - 1);
      result->moves = g_steal_pointer (&failed);
      push_result (io, result);
    }
  else if (retry)
    {
      Result *result = g_new0 (Result, 1);

      result->kind = RESULT_MOVES_RECOVERED;
      result->count = moves->len;
      push_result (io, result);
    }
  g_ptr_array_unref (moves);
}

static void
worker (gpointer data, gpointer user_data)
{
  Job *job = data;
  SrRouterIo *io = user_data;

  if (job->load)
    run_loads (io, job->load);
  if (job->moves)
    run_moves (io, job->moves, job->retry);
  g_free (job);

  g_mutex_lock (&io->lock);
  if (--io->jobs == 0)
    g_cond_broadcast (&io->idle);
  g_mutex_unlock (&io->lock);
}

static void
push_job (SrRouterIo *io, Job *job)
{
  g_mutex_lock (&io->lock);
  io->jobs++;
  g_mutex_unlock (&io->lock);
  g_thread_pool_push (job->load ? io->loads : io->moves, job, NULL);
}

/* ---- the main loop's side ------------------------------------------------ */

static gboolean
retry_moves_cb (gpointer user_data)
{
  SrRouterIo *io = user_data;
  Job *job;

  g_clear_pointer (&io->retry_source, g_source_unref);
  if (io->failed_moves == NULL)
    return G_SOURCE_REMOVE;
  job = g_new0 (Job, 1);
  job->moves = g_steal_pointer (&io->failed_moves);
  job->retry = TRUE;
  push_job (io, job);
  return G_SOURCE_REMOVE;
}

/* Keeps moves that failed for a later round, after a delay that doubles
 * while rounds keep failing. */
static void
keep_failed_moves (SrRouterIo *io, Result *result)
{
  g_autofree char *text = NULL;

  if (result->moves == NULL || result->moves->len == 0)
    {
      sr_router_system_event (io->router, SR_LEVEL_ERROR, "spool", result->text);
      return;
    }
  if (io->failed_moves == NULL)
    io->failed_moves = g_ptr_array_new_with_free_func ((GDestroyNotify) move_free);
  g_ptr_array_extend_and_steal (io->failed_moves, g_steal_pointer (&result->moves));
  if (io->retry_source != NULL)
    {
      /* They join the round already waiting. */
      text = g_strdup_printf (_("%s; trying again with the other waiting moves"), result->text);
      sr_router_system_event (io->router, SR_LEVEL_ERROR, "spool", text);
    }
  else
    {
      io->retry_delay_ms = io->retry_delay_ms == 0 ? MOVE_RETRY_FIRST_MS
                           : MIN (io->retry_delay_ms * 2, MOVE_RETRY_MAX_MS);
      text = g_strdup_printf (_("%s; trying again in %u s"), result->text,
                              io->retry_delay_ms / 1000);
      sr_router_system_event (io->router, SR_LEVEL_ERROR, "spool", text);
      io->retry_source = g_timeout_source_new (io->retry_delay_ms);
      g_source_set_callback (io->retry_source, retry_moves_cb, io, NULL);
      g_source_set_static_name (io->retry_source, "sr-router io move retry");
      g_source_attach (io->retry_source, io->router->context);
    }
}

static void
take_result (SrRouterIo *io, Result *result)
{
  SrRouter *router = io->router;

  if (result->kind == RESULT_MOVE_FAILED)
    keep_failed_moves (io, result);
  else if (result->kind == RESULT_MOVES_RECOVERED)
    {
      g_autofree char *text = g_strdup_printf (_("%u delayed moves out of outbox/cur/ are done."),
                                               result->count);

      if (io->failed_moves == NULL)
        io->retry_delay_ms = 0;
      sr_router_system_event (router, SR_LEVEL_INFO, "spool", text);
    }
  else
    {
      io->loads_in_flight--;
      for (guint i = 0; i < result->loads->len; i++)
        {
          SrRouterLoad *load = g_ptr_array_index (result->loads, i);

          router->n_loading--;
          if (!load->claimed)
            {
              if (!g_error_matches (load->error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_CLAIMED))
                g_warning ("%s", load->error->message);
              continue;
            }
          /* Stopping: the file stays claimed without a row; the next
           * start processes it as new. */
          if (!router->stopping)
            sr_router_intake_loaded (router, load, NULL, NULL);
        }
      sr_router_intake_schedule (router);
    }
  result_free (result);
}

/* The source that wakes the main loop when results are queued. */
typedef struct {
  GSource base;
  SrRouterIo *io;
} ResultsSource;

static gboolean
results_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  SrRouterIo *io = ((ResultsSource *) source)->io;
  Result *result;

  g_source_set_ready_time (source, -1);
  while ((result = g_async_queue_try_pop (io->results)) != NULL)
    take_result (io, result);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs results_funcs = {
  .dispatch = results_dispatch,
};

SrRouterIo *
sr_router_io_new (SrRouter *router)
{
  SrRouterIo *io = g_new0 (SrRouterIo, 1);

  io->router = router;
  io->spool = router->spool;
  io->results = g_async_queue_new_full ((GDestroyNotify) result_free);
  g_mutex_init (&io->lock);
  g_cond_init (&io->idle);
  io->loads = g_thread_pool_new (worker, io, 1, FALSE, NULL);
  io->moves = g_thread_pool_new (worker, io, 1, FALSE, NULL);
  io->source = g_source_new (&results_funcs, sizeof (ResultsSource));
  ((ResultsSource *) io->source)->io = io;
  g_source_set_priority (io->source, G_PRIORITY_DEFAULT);
  g_source_set_static_name (io->source, "sr-router io results");
  g_source_attach (io->source, router->context);
  return io;
}

gboolean
sr_router_io_can_load (SrRouterIo *io)
{
  return io->loads_in_flight < LOADS_IN_FLIGHT;
}

void
sr_router_io_load (SrRouterIo *io, GPtrArray *loads, const char *region, gsize max_file_size)
{
  Job *job = g_new0 (Job, 1);

  job->load = g_new0 (LoadJob, 1);
  job->load->loads = loads;
  job->load->region = g_strdup (region);
  job->load->max_file_size = max_file_size;
  io->loads_in_flight++;
  push_job (io, job);
}

static void
flush_moves (SrRouterIo *io)
{
  Job *job;

  if (io->flush_source)
    {
      g_source_remove (io->flush_source);
      io->flush_source = 0;
    }
  if (io->open_moves == NULL)
    return;
  job = g_new0 (Job, 1);
  job->moves = g_steal_pointer (&io->open_moves);
  push_job (io, job);
}

static gboolean
flush_cb (gpointer user_data)
{
  SrRouterIo *io = user_data;

  io->flush_source = 0;
  flush_moves (io);
  return G_SOURCE_REMOVE;
}

void
sr_router_io_move (SrRouterIo *io, SrRouterApp *app, const char *name, SrSpoolOutcome outcome,
                   GBytes *raw, const char *const *headers)
{
  Move *m = g_new0 (Move, 1);

  m->app = g_strdup (app->name);
  m->name = g_strdup (name);
  m->outcome = outcome;
  m->raw = raw ? g_bytes_ref (raw) : NULL;
  m->headers = g_strdupv ((char **) headers);
  if (io->open_moves == NULL)
    io->open_moves = g_ptr_array_new_with_free_func ((GDestroyNotify) move_free);
  g_ptr_array_add (io->open_moves, m);
  /* The moves of one main-loop iteration go to the worker as one job. */
  if (io->flush_source == 0)
    {
      GSource *idle = g_idle_source_new ();

      g_source_set_priority (idle, G_PRIORITY_DEFAULT);
      g_source_set_callback (idle, flush_cb, io, NULL);
      g_source_set_static_name (idle, "sr-router io moves");
      io->flush_source = g_source_attach (idle, io->router->context);
      g_source_unref (idle);
    }
}

static void
cancel_retry (SrRouterIo *io)
{
  if (io->retry_source == NULL)
    return;
  g_source_destroy (io->retry_source);
  g_clear_pointer (&io->retry_source, g_source_unref);
}

/* Waits for the queued jobs. */
static void
wait_idle (SrRouterIo *io)
{
  g_mutex_lock (&io->lock);
  while (io->jobs > 0)
    g_cond_wait (&io->idle, &io->lock);
  g_mutex_unlock (&io->lock);
}

void
sr_router_io_wait (SrRouterIo *io)
{
  Result *result;

  flush_moves (io);
  /* Moves waiting for their next round get it now, once: what still fails
   * stays in outbox/cur/ for the next start, which completes it from the
   * journal. */
  cancel_retry (io);
  if (io->failed_moves != NULL)
    retry_moves_cb (io);
  wait_idle (io);
  /* What they reported: move failures reach the log and the status. */
  while ((result = g_async_queue_try_pop (io->results)) != NULL)
    take_result (io, result);
  cancel_retry (io);
}

void
sr_router_io_free (SrRouterIo *io)
{
  Result *result;

  if (io == NULL)
    return;
  cancel_retry (io);
  if (io->failed_moves != NULL)
    {
      g_warning (_("%u files stay in outbox/cur/ whose moves failed; the next start completes them."),
                 io->failed_moves->len);
      g_ptr_array_unref (io->failed_moves);
    }
  flush_moves (io);
  /* Waits for the jobs queued: every move the journal allowed is done. */
  g_thread_pool_free (io->loads, FALSE, TRUE);
  g_thread_pool_free (io->moves, FALSE, TRUE);
  g_source_destroy (io->source);
  g_source_unref (io->source);
  /* Loads that came back now are dropped: their files stay claimed. */
  while ((result = g_async_queue_try_pop (io->results)) != NULL)
    {
      if (result->kind == RESULT_MOVE_FAILED)
        g_warning ("%s", result->text);
      result_free (result);
    }
  g_async_queue_unref (io->results);
  g_mutex_clear (&io->lock);
  g_cond_clear (&io->idle);
  g_free (io);
}
