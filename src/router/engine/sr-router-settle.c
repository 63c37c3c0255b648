/* sr-router-settle.c — claiming only complete files of smstools3-compat apps.
 *
 * smstools3 scripts do not follow the maildir rule: the stock sendsms
 * creates an empty file in the outgoing folder with mktemp and moves the
 * text over it afterwards, and others write their file in place.  Claiming
 * such a file early sends half a message or dead-letters an empty one.  For
 * an app with smstools3-compat a listed file is claimed only when it is not
 * empty and has not changed for smstools3-settle seconds; the scan skips the
 * others and, once it has run dry, one timer brings it back when the
 * earliest of them is due (writes in place also wake the watch).  A file
 * still empty after smstools3-empty-limit seconds is claimed all the same and
 * goes to dead/ as an empty file: nothing stays in outbox/new/ unexplained.
 */
#define G_LOG_DOMAIN "sr-router"

#include "sr-router-private.h"

void
sr_router_settle_filter (SrRouterApp *app, GPtrArray *names)
{
  gint64 now, settle, empty_limit;

  if (!app->config->smstools3_compat || names->len == 0)
    return;
  now = g_get_real_time ();
  settle = (gint64) app->config->smstools3_settle * G_USEC_PER_SEC;
  empty_limit = (gint64) app->config->smstools3_empty_limit * G_USEC_PER_SEC;
  for (guint i = names->len; i-- > 0;)
    {
      gint64 due = 0;

      switch (sr_spool_scan_file_state (app->scan, g_ptr_array_index (names, i), now, settle,
                                        empty_limit, &due))
        {
        case SR_SPOOL_FILE_READY:
        case SR_SPOOL_FILE_ABANDONED:
          continue;
        case SR_SPOOL_FILE_WRITING:
          if (app->settle_due == 0 || due < app->settle_due)
            app->settle_due = due;
          break;
        case SR_SPOOL_FILE_GONE:
        default:
          break;
        }
      g_ptr_array_remove_index (names, i);
    }
}

static gboolean
settle_cb (gpointer user_data)
{
  SrRouterApp *app = user_data;

  app->settle_source = 0;
  app->scanning = TRUE;
  sr_router_intake_schedule (app->router);
  return G_SOURCE_REMOVE;
}

void
sr_router_settle_arm (SrRouterApp *app)
{
  gint64 due = app->settle_due;

  if (due == 0)
    return;
  app->settle_due = 0;
  if (app->settle_source != 0)
    {
      if (app->settle_armed <= due)
        return;
      g_source_remove (app->settle_source);
    }
  app->settle_armed = due;
  app->settle_source = g_timeout_add (MAX (1, (due - g_get_real_time () + 999) / 1000),
                                      settle_cb, app);
}

void
sr_router_settle_stop (SrRouterApp *app)
{
  if (app->settle_source != 0)
    {
      g_source_remove (app->settle_source);
      app->settle_source = 0;
    }
  app->settle_due = 0;
}
