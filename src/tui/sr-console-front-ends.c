/* sr-console-front-ends.c — the front ends' status getters turned into the
 * Overview's plain data. */
#define G_LOG_DOMAIN "sr-console"

#include "sr-build-config.h"
#include "sr-console-front-ends.h"

/* The three states an operator tells apart: a first attempt, up, or down
 * (lost or refused, retrying). */
static const char *
broker_state (const SrBrokerStatus *st)
{
  if (st->state == SR_STOMP_STATE_CONNECTED)
    return "connected";
  return st->failing || st->state == SR_STOMP_STATE_IDLE ? "down" : "connecting";
}

static SrConsoleBrokerStatus *
broker_status (SrBroker *broker)
{
  SrBrokerStatus st = { 0 };
  sr_broker_get_status (broker, &st);
  g_autofree char *address = g_strdup_printf ("%s:%u", st.host ? st.host : "", st.port);
  SrConsoleBrokerStatus *b = sr_console_broker_status_new (broker_state (&st), st.since, address,
                                                           st.last_event);
  g_autoptr (GPtrArray) queues = sr_broker_get_queues (broker);
  for (guint i = 0; i < queues->len; i++)
    {
      SrBrokerQueueStatus *q = g_ptr_array_index (queues, i);
      sr_console_broker_status_add_queue (b, q->kind, q->queue, q->count, q->waiting);
    }
  return b;
}

static SrConsoleHttpStatus *
http_status (SrHttp *http)
{
  SrHttpStatus st = { 0 };
  sr_http_get_status (http, &st);
  g_autofree char *listen = g_strdup_printf ("%s:%u%s", st.listen ? st.listen : "", st.port,
                                             st.tls ? " (TLS)" : "");
  SrConsoleHttpStatus *h = sr_console_http_status_new (listen, NULL);
  h->accepted = st.accepted;
  h->refused = st.refused;
  h->callbacks_pending = st.callbacks_pending;
  h->callbacks_retrying = st.callbacks_retrying;
  h->callbacks_dead = st.callbacks_dead;
  return h;
}

void
sr_console_front_ends_fill (SrConsoleOverview *o, gpointer front_ends)
{
  const SrConsoleFrontEnds *fe = front_ends;
  if (fe->broker != NULL && *fe->broker != NULL)
    o->broker = broker_status (*fe->broker);
  if (fe->http != NULL && *fe->http != NULL)
    o->http = http_status (*fe->http);
  else if (fe->http_error != NULL)
    o->http = sr_console_http_status_new (NULL, fe->http_error);
}
