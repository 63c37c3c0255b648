/* sr-spool-scan.c — streaming directory listings.
 *
 * An outbox can hold a million files after an outage; a scan reads the
 * directory with readdir() and hands out names in batches the caller sizes,
 * so memory stays bounded whatever the folder holds.
 */
#define G_LOG_DOMAIN "sr-spool"

#include "sr-spool-private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <unistd.h>

/* An open directory stream over one folder. */
struct _SrSpoolScan {
  DIR *dir;
  char *path;      /* for error messages */
  gboolean done;
};

static DIR *
open_stream (SrSpoolApp *a, SrSpoolDir dir, GError **error)
{
  /* A fresh open file description: a dup() would share the read position
   * with every other scan of the same folder. */
  int fd = openat (a->fds[dir], ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d;

  if (fd < 0)
    {
      sr_spool_set_errno (error, errno, _("list"), a, dir, NULL);
      return NULL;
    }
  d = fdopendir (fd);
  if (d == NULL)
    {
      sr_spool_set_errno (error, errno, _("list"), a, dir, NULL);
      close (fd);
    }
  return d;
}

SrSpoolScan *
sr_spool_scan_new (SrSpool *spool, const char *app, SrSpoolFolder folder,
                   GError **error)
{
  SrSpoolApp *a;
  SrSpoolDir dir;
  SrSpoolScan *scan;
  DIR *d;

  g_return_val_if_fail (spool != NULL && app != NULL, NULL);
  if ((a = sr_spool_lookup_app (spool, app, error)) == NULL)
    return NULL;
  dir = sr_spool_folder_dir (folder);
  if ((d = open_stream (a, dir, error)) == NULL)
    return NULL;
  scan = g_new0 (SrSpoolScan, 1);
  scan->dir = d;
  scan->path = g_build_filename (a->path, sr_spool_dir_names[dir], NULL);
  return scan;
}

/* The next entry worth listing, NULL at the end (errno set on error). */
static struct dirent *
next_entry (DIR *d)
{
  struct dirent *de;

  for (;;)
    {
      errno = 0;
      de = readdir (d);
      if (de == NULL)
        return NULL;
      /* Dot files are temporaries (ours and the apps'); "." and ".." too. */
      if (de->d_name[0] == '.')
        continue;
      if (de->d_type != DT_REG && de->d_type != DT_UNKNOWN)
        continue;
      return de;
    }
}

gboolean
sr_spool_scan_next (SrSpoolScan *scan, GPtrArray *names, guint max, GError **error)
{
  g_return_val_if_fail (scan != NULL && names != NULL, FALSE);

  for (guint n = 0; n < max && !scan->done; n++)
    {
      struct dirent *de = next_entry (scan->dir);
      if (de == NULL)
        {
          if (errno != 0)
            {
              int errsv = errno;
              g_set_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_IO,
                           _("Cannot list %s: %s"), scan->path, g_strerror (errsv));
              return FALSE;
            }
          scan->done = TRUE;
          break;
        }
      g_ptr_array_add (names, g_strdup (de->d_name));
    }
  return TRUE;
}

void
sr_spool_scan_free (SrSpoolScan *scan)
{
  if (scan == NULL)
    return;
  closedir (scan->dir);
  g_free (scan->path);
  g_free (scan);
}

gboolean
sr_spool_has_files (SrSpool *spool, const char *app, SrSpoolFolder folder)
{
  SrSpoolApp *a;
  DIR *d;
  gboolean found;

  g_return_val_if_fail (spool != NULL && app != NULL, FALSE);
  if ((a = sr_spool_lookup_app (spool, app, NULL)) == NULL)
    return FALSE;
  if ((d = open_stream (a, sr_spool_folder_dir (folder), NULL)) == NULL)
    return FALSE;
  found = next_entry (d) != NULL;
  closedir (d);
  return found;
}
