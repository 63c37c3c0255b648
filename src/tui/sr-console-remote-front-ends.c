/* sr-console-remote-front-ends.c — the Overview's front ends as a GVariant
 * (a member of the overview's wire form). */
#define G_LOG_DOMAIN "sr-console"

#include "sr-build-config.h"
#include "sr-console-remote-private.h"

#define BROKER_TYPE "(sxssa(sstt))"
#define HTTP_TYPE "(ssttttt)"

static const char *
nn (const char *s)
{
  return s ? s : "";
}

GVariant *
sr_remote_front_ends_to_variant (const SrConsoleOverview *o)
{
  GVariant *broker = NULL, *http = NULL;
  if (o->broker != NULL)
    {
      const SrConsoleBrokerStatus *b = o->broker;
      GVariantBuilder queues;
      g_variant_builder_init (&queues, G_VARIANT_TYPE ("a(sstt)"));
      for (guint i = 0; i < b->queues->len; i++)
        {
          SrConsoleBrokerQueue *q = g_ptr_array_index (b->queues, i);
          g_variant_builder_add (&queues, "(sstt)", nn (q->kind), nn (q->queue), (guint64) q->count,
                                 (guint64) q->waiting);
        }
      broker = g_variant_new (BROKER_TYPE, nn (b->state), (gint64) b->since, nn (b->address),
                              nn (b->last_event), &queues);
    }
  if (o->http != NULL)
    {
      const SrConsoleHttpStatus *h = o->http;
      http = g_variant_new (HTTP_TYPE, nn (h->listen), nn (h->error), (guint64) h->accepted,
                            (guint64) h->refused, (guint64) h->callbacks_pending,
                            (guint64) h->callbacks_retrying, (guint64) h->callbacks_dead);
    }
  return g_variant_new ("(@m" BROKER_TYPE "@m" HTTP_TYPE ")",
                        g_variant_new_maybe (G_VARIANT_TYPE (BROKER_TYPE), broker),
                        g_variant_new_maybe (G_VARIANT_TYPE (HTTP_TYPE), http));
}

void
sr_remote_front_ends_fill (SrConsoleOverview *o, GVariant *v)
{
  g_autoptr (GVariant) broker = NULL, http = NULL;
  g_variant_get (v, "(@m" BROKER_TYPE "@m" HTTP_TYPE ")", &broker, &http);
  g_autoptr (GVariant) b = g_variant_get_maybe (broker);
  if (b != NULL)
    {
      const char *state, *address, *last_event, *kind, *queue;
      gint64 since;
      guint64 count, waiting;
      g_autoptr (GVariantIter) queues = NULL;
      g_variant_get (b, "(&sx&s&sa(sstt))", &state, &since, &address, &last_event, &queues);
      o->broker = sr_console_broker_status_new (state, since, address, last_event);
      while (g_variant_iter_next (queues, "(&s&stt)", &kind, &queue, &count, &waiting))
        sr_console_broker_status_add_queue (o->broker, kind, queue, count, waiting);
    }
  g_autoptr (GVariant) h = g_variant_get_maybe (http);
  if (h != NULL)
    {
      const char *listen, *error;
      guint64 accepted, refused, pending, retrying, dead;
      g_variant_get (h, "(&s&sttttt)", &listen, &error, &accepted, &refused, &pending, &retrying,
                     &dead);
      o->http = sr_console_http_status_new (listen, error);
      o->http->accepted = accepted;
      o->http->refused = refused;
      o->http->callbacks_pending = pending;
      o->http->callbacks_retrying = retrying;
      o->http->callbacks_dead = dead;
    }
}
