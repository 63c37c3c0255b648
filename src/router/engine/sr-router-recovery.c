/* sr-router-recovery.c — files left in outbox/cur/ by a crash.
 *
 * The journal decides: a file it knows as finished only completes its move
 * (with the headers the journal recorded); a file still queued is processed
 * again without resending its accepted parts; an unknown file (claimed,
 * then the row was lost) is processed as new. */
#define G_LOG_DOMAIN "sr-router"

#include <glib/gi18n-lib.h>

#include "sr-router-private.h"

static void
complete_move (SrRouter *router, SrRouterApp *app, const char *name, SrJournalMessage *m,
               GPtrArray *segments)
{
  g_autoptr(GPtrArray) headers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  SrSpoolOutcome outcome;

  if (m->state == SR_MESSAGE_DEAD || m->state == SR_MESSAGE_DISCARDED)
    {
      outcome = SR_SPOOL_FINISH_DEAD;
      g_ptr_array_add (headers, g_strdup ("X-Error-Class"));
      g_ptr_array_add (headers, g_strdup (sr_error_class_to_string (m->error_class)));
      g_ptr_array_add (headers, g_strdup ("X-Error"));
      g_ptr_array_add (headers, g_strdup (m->error_text ? m->error_text : ""));
    }
  else
    {
      outcome = SR_SPOOL_FINISH_SENT;
      for (guint i = 0; segments && i < segments->len; i++)
        {
          SrJournalSegment *s = g_ptr_array_index (segments, i);

          g_ptr_array_add (headers, g_strdup ("X-SMSC-Id"));
          g_ptr_array_add (headers, g_strdup (s->smsc_id ? s->smsc_id : ""));
        }
      g_ptr_array_add (headers, g_strdup ("X-Submitted"));
      g_ptr_array_add (headers, sr_router_format_time (m->submitted_at ? m->submitted_at
                                                                       : g_get_real_time ()));
    }
  g_ptr_array_add (headers, NULL);
  if (!sr_spool_finish (router->spool, app->name, name, outcome, NULL, 0,
                        (const char *const *) headers->pdata, SR_SPOOL_NONE, &error))
    sr_router_system_event (router, SR_LEVEL_ERROR, "spool", error->message);
}

static gboolean
recover_app (SrRouter *router, SrRouterApp *app, GError **error)
{
  g_autoptr(SrSpoolScan) scan = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint recovered = 0;

  scan = sr_spool_scan_new (router->spool, app->name, SR_SPOOL_OUTBOX_CUR, error);
  if (scan == NULL)
    return FALSE;
  for (;;)
    {
      g_ptr_array_set_size (names, 0);
      if (!sr_spool_scan_next (scan, names, SR_ROUTER_SCAN_BATCH, error))
        return FALSE;
      if (names->len == 0)
        break;
      for (guint i = 0; i < names->len; i++)
        {
          const char *name = g_ptr_array_index (names, i);
          g_autoptr(GPtrArray) segments = NULL;
          g_autoptr(SrJournalMessage) m = NULL;
          g_autoptr(GError) local = NULL;

          m = sr_journal_message_find_by_file (router->journal, app->name, name, &segments, &local);
          if (local)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          recovered++;
          if (m == NULL)
            sr_router_intake_file (router, app, name, NULL, NULL);
          else if (m->state == SR_MESSAGE_QUEUED || m->state == SR_MESSAGE_SUBMITTING)
            sr_router_intake_file (router, app, name, m, segments);
          else
            complete_move (router, app, name, m, segments);
        }
    }
  if (recovered)
    {
      g_autofree char *text = g_strdup_printf (_("Recovered %u claimed files of app %s."),
                                               recovered, app->name);

      sr_router_system_event (router, SR_LEVEL_INFO, "recover", text);
    }
  return TRUE;
}

gboolean
sr_router_recover (SrRouter *router, GError **error)
{
  for (guint i = 0; i < router->apps->len; i++)
    if (!recover_app (router, g_ptr_array_index (router->apps, i), error))
      return FALSE;
  return TRUE;
}
