/* sr-spool-prune.c — see sr-spool-prune.h.
 *
 * The folder is read through the descriptor sr_spool_open() holds (never
 * by path: a folder an app replaced with a link cannot redirect the
 * removal), and each entry is looked at with fstatat()/unlinkat() relative
 * to it, without following links.
 */
#define G_LOG_DOMAIN "sr-spool"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sr-spool-prune.h"
#include "sr-spool-private.h"

struct _SrSpoolPrune {
  DIR *dir;
  char *path;                 /* for messages */
  gint64 before;              /* microseconds since the epoch */
};

SrSpoolPrune *
sr_spool_prune_open (SrSpool *spool, const char *app, SrSpoolFolder folder, gint64 before,
                     GError **error)
{
  g_return_val_if_fail (spool != NULL && app != NULL, NULL);
  g_return_val_if_fail (folder == SR_SPOOL_SENT || folder == SR_SPOOL_DEAD
                        || folder == SR_SPOOL_RECEIPTS_NEW || folder == SR_SPOOL_RECEIPTS_CUR, NULL);

  SrSpoolApp *a = sr_spool_lookup_app (spool, app, error);
  if (a == NULL)
    return NULL;
  SrSpoolDir d = sr_spool_folder_dir (folder);
  DIR *dir = sr_spool_open_stream (a, d, error);
  if (dir == NULL)
    {
      g_prefix_error (error, _("Cannot prune: "));
      return NULL;
    }
  g_autofree char *path = g_build_filename (a->path, sr_spool_dir_names[d], NULL);
  SrSpoolPrune *prune = g_new0 (SrSpoolPrune, 1);
  prune->dir = dir;
  prune->path = g_steal_pointer (&path);
  prune->before = before;
  return prune;
}

gint
sr_spool_prune_step (SrSpoolPrune *prune, guint max, guint64 *removed, GError **error)
{
  g_return_val_if_fail (prune != NULL && prune->dir != NULL && removed != NULL, -1);

  int fd = dirfd (prune->dir);
  for (guint seen = 0; seen < max; seen++)
    {
      errno = 0;
      struct dirent *de = readdir (prune->dir);
      if (de == NULL)
        {
          if (errno != 0)
            {
              int saved = errno;
              g_set_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_IO, _("Cannot read folder %s: %s"),
                           prune->path, g_strerror (saved));
              return -1;
            }
          return 0;
        }
      /* dot-files: ".", "..", and files being written (tmp names start with '.') */
      if (de->d_name[0] == '.')
        continue;
      struct stat st;
      if (fstatat (fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        {
          if (errno == ENOENT)
            continue;
          int saved = errno;
          g_set_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_IO, _("Cannot examine %s/%s: %s"),
                       prune->path, de->d_name, g_strerror (saved));
          return -1;
        }
      /* Links, FIFOs and sockets are dead letters too (an app dropped them
       * into its outbox): unlinkat() removes the entry, never a target. */
      if (S_ISDIR (st.st_mode))
        continue;
      gint64 mtime = (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000;
      if (mtime >= prune->before)
        continue;
      if (unlinkat (fd, de->d_name, 0) != 0)
        {
          if (errno == ENOENT)
            continue;
          int saved = errno;
          g_set_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_IO, _("Cannot remove %s/%s: %s"),
                       prune->path, de->d_name, g_strerror (saved));
          return -1;
        }
      (*removed)++;
    }
  return 1;
}

void
sr_spool_prune_close (SrSpoolPrune *prune)
{
  if (prune == NULL)
    return;
  closedir (prune->dir);
  g_free (prune->path);
  g_free (prune);
}
