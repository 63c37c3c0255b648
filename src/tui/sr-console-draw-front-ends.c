/* sr-console-draw-front-ends.c — the Overview's "Front ends" section: the
 * broker bridge's connection and its queues, the HTTP front end's listener,
 * requests and callbacks.  Compact (eight lines for one set of queues,
 * nine while the broker is down) so that it fits 80×24 beside binds and apps. */
#define G_LOG_DOMAIN "sr-tui"

#include "sr-build-config.h"
#include "sr-console-draw-front-ends.h"

#include <glib/gi18n-lib.h>

#include "sr-console-router-private.h"
#include "sr-term.h"

/* Widths of the queue table: label, destination, two counts. */
#define LABEL_W 10
#define QUEUE_W 32
#define COUNT_W 10

static void
add (GPtrArray *lines, GArray *attrs, SrAttr attr, char *line /* owned */)
{
  g_ptr_array_add (lines, line);
  g_array_append_val (attrs, attr);
}

/* The translated word for an untranslated state. */
static const char *
broker_state_label (const char *state)
{
  if (g_strcmp0 (state, "connected") == 0)
    return _("connected");
  if (g_strcmp0 (state, "connecting") == 0)
    return _("connecting");
  return _("down");
}

/* Intake for an outbox queue; receipts, inbox, failed for the results. */
static const char *
queue_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "outbox") == 0)
    return _("intake");
  if (g_strcmp0 (kind, "receipt") == 0)
    return _("receipts");
  if (g_strcmp0 (kind, "inbox") == 0)
    return _("inbox");
  return _("failed");
}

/* "label     text": a first column as wide as the queue table's. */
static char *
labelled (const char *label, const char *text)
{
  g_autofree char *l = sr_text_fit (label, LABEL_W, SR_ALIGN_LEFT);
  return g_strdup_printf ("%s %s", l, text);
}

static void
draw_broker (const SrConsoleBrokerStatus *b, GPtrArray *lines, GArray *attrs)
{
  gboolean up = g_strcmp0 (b->state, "connected") == 0;
  g_autofree char *since = sr_rm_format_time (b->since);
  g_autofree char *text = *since
    ? g_strdup_printf (_("%s since %s · %s"), broker_state_label (b->state), since, b->address)
    : g_strdup_printf ("%s · %s", broker_state_label (b->state), b->address);
  add (lines, attrs, up ? SR_ATTR_NORMAL : SR_ATTR_ERROR, labelled (_("Broker"), text));
  for (guint i = 0; i < b->queues->len; i++)
    {
      SrConsoleBrokerQueue *q = g_ptr_array_index (b->queues, i);
      g_autofree char *label = sr_text_fit (queue_kind_label (q->kind), LABEL_W - 2, SR_ALIGN_LEFT);
      g_autofree char *queue = sr_text_fit (q->queue, QUEUE_W, SR_ALIGN_LEFT);
      g_autofree char *waiting = g_strcmp0 (q->kind, "outbox") == 0
        ? g_strdup ("") : g_strdup_printf ("%llu", (unsigned long long) q->waiting);
      add (lines, attrs, SR_ATTR_NORMAL,
           g_strdup_printf ("  %s %s %*llu %*s", label, queue, COUNT_W, (unsigned long long) q->count,
                            COUNT_W, waiting));
    }
  /* Why it is not connected; once connected the state line says it all
   * (the connect text is in the Log view) and the line is left for others. */
  if (b->last_event && !up)
    add (lines, attrs, SR_ATTR_ERROR, labelled ("", b->last_event));
}

static void
draw_http (const SrConsoleHttpStatus *h, GPtrArray *lines, GArray *attrs)
{
  if (h->listen == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("off: %s"), h->error ? h->error : _("not running"));
      add (lines, attrs, SR_ATTR_ERROR, labelled (_("HTTP"), text));
      return;
    }
  g_autofree char *text = g_strdup_printf (_("%s · requests accepted %llu · refused %llu"), h->listen,
                                           (unsigned long long) h->accepted,
                                           (unsigned long long) h->refused);
  add (lines, attrs, SR_ATTR_NORMAL, labelled (_("HTTP"), text));
  g_autofree char *callbacks = g_strdup_printf (_("callbacks pending %llu · retrying %llu · dead %llu"),
                                                (unsigned long long) h->callbacks_pending,
                                                (unsigned long long) h->callbacks_retrying,
                                                (unsigned long long) h->callbacks_dead);
  if (h->callbacks_dead > 0)
    {
      /* Each dead callback is a system event with its URL and last error. */
      g_autofree char *with_hint = g_strdup_printf (_("%s (8 Log: /dead)"), callbacks);
      add (lines, attrs, SR_ATTR_ERROR, labelled ("", with_hint));
    }
  else
    add (lines, attrs, SR_ATTR_NORMAL, labelled ("", callbacks));
}

void
sr_console_draw_front_ends (const SrConsoleOverview *o, GPtrArray *lines, GArray *attrs)
{
  if (o->broker == NULL && o->http == NULL)
    return;
  g_autofree char *title = sr_text_fit (_("Front ends"), LABEL_W + 1 + QUEUE_W + 2, SR_ALIGN_LEFT);
  g_autofree char *count_h = sr_text_fit (_("Messages"), COUNT_W, SR_ALIGN_RIGHT);
  g_autofree char *waiting_h = sr_text_fit (_("Waiting"), COUNT_W, SR_ALIGN_RIGHT);
  add (lines, attrs, SR_ATTR_HEADER, o->broker ? g_strdup_printf ("%s%s %s", title, count_h, waiting_h)
                                               : g_strdup (_("Front ends")));
  if (o->broker)
    draw_broker (o->broker, lines, attrs);
  if (o->http)
    draw_http (o->http, lines, attrs);
  add (lines, attrs, SR_ATTR_NORMAL, g_strdup (""));
}
