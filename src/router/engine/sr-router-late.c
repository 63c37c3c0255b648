/* sr-router-late.c — submits whose response came after the response
 * timeout.  The session keeps a timed-out sequence number matched while its
 * connection lives; here each one is tied to its part, so that a late
 * acceptance marks the part accepted (and the copy waiting to be sent again
 * is never sent), and one that comes after the copy went out is recorded
 * as the duplicate it is. */
#define G_LOG_DOMAIN "sr-router"

#include <glib/gi18n-lib.h>

#include "sr-router-private.h"
#include "sr-receipt.h"

/* Timed-out submits remembered per bind; the oldest is forgotten first. */
#define SR_ROUTER_LATE_MAX 256

/* One timed-out submit: its part while the message is in memory, what the
 * journal needs to record a duplicate afterwards. */
struct SrRouterLate {
  guint64 token;              /* the session's late token (the hash key) */
  SrRouterBind *bind;
  SrRouterPart *part;         /* NULL once the message is finished */
  GList link;                 /* in bind->late_order */
  /* set when the message is finished */
  gint64 msg_id;
  char *app;
  char *file;
  guint part_no, n_parts;
  char *smsc_id;              /* the SMSC's id of the copy that was accepted, or NULL */
};

static void
late_free (SrRouterLate *late)
{
  g_free (late->app);
  g_free (late->file);
  g_free (late->smsc_id);
  g_free (late);
}

static void
late_remove (SrRouterLate *late)
{
  SrRouterBind *bind = late->bind;

  if (late->part && late->part->late == late)
    late->part->late = NULL;
  g_queue_unlink (&bind->late_order, &late->link);
  g_hash_table_remove (bind->late, &late->token);
  late_free (late);
}

void
sr_router_late_track (SrRouterBind *bind, SrRouterPart *part, guint64 token)
{
  SrRouterLate *late;

  if (bind->late == NULL)
    bind->late = g_hash_table_new (g_int64_hash, g_int64_equal);
  /* One answer per part is waited for: the latest submit's. */
  if (part->late)
    late_remove (part->late);
  if (bind->late_order.length >= SR_ROUTER_LATE_MAX)
    late_remove (bind->late_order.head->data);
  late = g_new0 (SrRouterLate, 1);
  late->token = token;
  late->bind = bind;
  late->part = part;
  late->link.data = late;
  g_queue_push_tail_link (&bind->late_order, &late->link);
  g_hash_table_replace (bind->late, &late->token, late);
  part->late = late;
}

void
sr_router_late_detach (SrRouterMsg *msg)
{
  for (guint i = 0; i < msg->n_parts; i++)
    {
      SrRouterLate *late = msg->parts[i].late;

      if (late == NULL)
        continue;
      late->part = NULL;
      late->msg_id = msg->id;
      late->app = g_strdup (msg->app->name);
      late->file = g_strdup (msg->file);
      late->part_no = i + 1;
      late->n_parts = msg->n_parts;
      late->smsc_id = g_strdup (msg->parts[i].smsc_id);
      msg->parts[i].late = NULL;
    }
}

void
sr_router_late_free (SrRouterBind *bind)
{
  /* The messages may be gone already (router free): parts are not touched. */
  g_queue_clear_full (&bind->late_order, (GDestroyNotify) late_free);
  g_clear_pointer (&bind->late, g_hash_table_unref);
}

/* A part the SMSC accepted twice (@first_id NULL: the message is dead). */
static void
record_duplicate (SrRouter *router, gint64 msg_id, const char *app, const char *file,
                  guint part_no, guint n_parts, const char *first_id, const char *second_id)
{
  g_autofree char *text = NULL;
  g_autofree char *line = NULL;

  if (first_id)
    text = g_strdup_printf (_("Part %u/%u was accepted twice (SMSC ids %s and %s): the SMSC "
                              "answered a submit after the response timeout, when the part "
                              "had been sent again; the recipient may get it twice."),
                            part_no, n_parts, first_id, second_id);
  else
    text = g_strdup_printf (_("Part %u/%u was accepted (SMSC id %s) by an answer after the "
                              "response timeout, when the message had already been "
                              "dead-lettered; the recipient may get it after all."),
                            part_no, n_parts, second_id);
  if (msg_id)
    sr_journal_event_add (router->journal, g_get_real_time (), SR_SCOPE_MESSAGE,
                          SR_LEVEL_WARNING, "duplicate", msg_id, app, NULL, text, NULL);
  line = g_strdup_printf ("%s/%s: %s", app, file, text);
  g_debug ("%s", line);
  if (router->event_func)
    router->event_func (router, SR_SCOPE_MESSAGE, "duplicate", line, router->event_data);
  sr_router_changed (router);
}

void
sr_router_late_accepted_again (SrRouter *router, SrRouterBind *bind, SrRouterPart *part,
                               const char *message_id)
{
  SrRouterMsg *msg = part->msg;

  /* Both ids as the SMSC wrote them, as sent/ shows them. */
  record_duplicate (router, msg->id, msg->app->name, msg->file, part->index + 1, msg->n_parts,
                    part->smsc_id, message_id ? message_id : "");
}

/* A part accepted late whose message waits for nothing else: finish it. */
static void
finish_if_complete (SrRouter *router, SrRouterMsg *msg)
{
  if (msg->in_flight > 0 || msg->accepted < msg->n_parts)
    return;
  if (msg->stage == SR_MSG_READY)
    g_queue_unlink (&msg->provider->queue, &msg->link);
  else if (msg->stage == SR_MSG_RETRY)
    g_queue_unlink (&router->retry, &msg->link);
  else
    return;
  sr_router_finish_sent (router, msg);
}

void
sr_router_late_result (SrSmppSession *session, guint64 token, const SrSmppSubmitResult *result,
                       gpointer user_data)
{
  SrRouterBind *bind = user_data;
  SrRouter *router = bind->provider->router;
  SrRouterLate *late = bind->late ? g_hash_table_lookup (bind->late, &token) : NULL;
  if (late == NULL)
    return;   /* forgotten (too many); the session logged the answer */
  if (result->outcome != SR_SMPP_SUBMIT_ACCEPTED)
    {
      /* Refused after all: the part was requeued at its timeout and the
       * copy's own answer decides. */
      late_remove (late);
      return;
    }
  if (late->part == NULL)
    record_duplicate (router, late->msg_id, late->app, late->file, late->part_no,
                      late->n_parts, late->smsc_id,
                      result->message_id ? result->message_id : "");
  else if (late->part->submit == SR_SEGMENT_ACCEPTED)
    sr_router_late_accepted_again (router, bind, late->part, result->message_id);
  else
    {
      SrRouterPart *part = late->part;

      /* PENDING: the copy is not sent (and now never will be).  IN_FLIGHT:
       * the copy is out; its own acceptance will be the duplicate. */
      sr_router_accept_part (router, bind, part, result->message_id);
      finish_if_complete (router, part->msg);
      sr_router_kick (router);
    }
  late_remove (late);
}
