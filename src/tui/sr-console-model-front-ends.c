/* sr-console-model-front-ends.c — the front ends' plain data types. */
#define G_LOG_DOMAIN "sr-tui"

#include "sr-console-model-front-ends.h"

/* An empty string travels and reads like none. */
static char *
dup_or_null (const char *s)
{
  return s != NULL && *s != '\0' ? g_strdup (s) : NULL;
}

static void
queue_free (gpointer p)
{
  SrConsoleBrokerQueue *q = p;
  g_free (q->kind);
  g_free (q->queue);
  g_free (q);
}

SrConsoleBrokerStatus *
sr_console_broker_status_new (const char *state, gint64 since, const char *address,
                              const char *last_event)
{
  SrConsoleBrokerStatus *b = g_new0 (SrConsoleBrokerStatus, 1);
  b->state = g_strdup (state ? state : "");
  b->since = since;
  b->address = g_strdup (address ? address : "");
  b->last_event = dup_or_null (last_event);
  b->queues = g_ptr_array_new_with_free_func (queue_free);
  return b;
}

void
sr_console_broker_status_add_queue (SrConsoleBrokerStatus *b, const char *kind, const char *queue,
                                    guint64 count, guint64 waiting)
{
  g_return_if_fail (b != NULL && kind != NULL && queue != NULL);
  SrConsoleBrokerQueue *q = g_new0 (SrConsoleBrokerQueue, 1);
  q->kind = g_strdup (kind);
  q->queue = g_strdup (queue);
  q->count = count;
  q->waiting = waiting;
  g_ptr_array_add (b->queues, q);
}

void
sr_console_broker_status_free (SrConsoleBrokerStatus *b)
{
  if (b == NULL)
    return;
  g_free (b->state);
  g_free (b->address);
  g_free (b->last_event);
  g_ptr_array_unref (b->queues);
  g_free (b);
}

SrConsoleHttpStatus *
sr_console_http_status_new (const char *listen, const char *error)
{
  SrConsoleHttpStatus *h = g_new0 (SrConsoleHttpStatus, 1);
  h->listen = dup_or_null (listen);
  h->error = dup_or_null (error);
  return h;
}

void
sr_console_http_status_free (SrConsoleHttpStatus *h)
{
  if (h == NULL)
    return;
  g_free (h->listen);
  g_free (h->error);
  g_free (h);
}
