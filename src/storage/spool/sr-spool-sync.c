/* sr-spool-sync.c — one flush for a batch of deliveries.
 *
 * A front end that must not acknowledge a message before its file is
 * durable can deliver a batch without SR_SPOOL_FSYNC and then make the
 * whole batch durable with one syncfs(2) of the file system holding the
 * app's folder: one disk flush instead of two per message.
 */
#include "sr-spool-private.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <unistd.h>

gboolean
sr_spool_sync (SrSpool *spool, const char *app, GError **error)
{
  g_return_val_if_fail (spool != NULL && app != NULL, FALSE);
  SrSpoolApp *a = sr_spool_lookup_app (spool, app, error);
  if (a == NULL)
    return FALSE;
  if (syncfs (a->fds[SR_SPOOL_DIR_OUTBOX_NEW]) < 0)
    {
      sr_spool_set_errno (error, errno, _("sync the folder"), a, SR_SPOOL_DIR_OUTBOX_NEW, NULL);
      return FALSE;
    }
  return TRUE;
}
