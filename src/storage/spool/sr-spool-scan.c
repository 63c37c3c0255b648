/* sr-spool-scan.c — streaming directory listings.
 *
 * An outbox can hold a million files after an outage; a scan reads the
 * directory with readdir() and hands out names in batches the caller sizes,
 * so memory stays bounded whatever the folder holds.  For writers that do
 * not follow the maildir rule, a listed file can be checked for being
 * complete (sr_spool_scan_file_state()) before it is claimed.
 */
#define G_LOG_DOMAIN "sr-spool"

#include "sr-spool-private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gi18n-lib.h>
#include <unistd.h>

/* An open directory stream over one folder. */
struct _SrSpoolScan {
  DIR *dir;
  char *path;      /* for error messages */
  gboolean done;
};

DIR *
sr_spool_open_stream (SrSpoolApp *a, SrSpoolDir dir, GError **error)
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
  if ((d = sr_spool_open_stream (a, dir, error)) == NULL)
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
      /* Dot files are temporaries (ours and the apps'); "." and ".." too.
       * Anything else is listed, links, FIFOs and folders included: the
       * router claims and dead-letters them without opening them. */
      if (de->d_name[0] == '.')
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

SrSpoolFileState
sr_spool_scan_file_state (SrSpoolScan *scan, const char *name, gint64 now, gint64 settle,
                          gint64 empty_limit, gint64 *recheck_at)
{
  struct stat st;
  gint64 changed, wait;

  g_return_val_if_fail (scan != NULL && name != NULL, SR_SPOOL_FILE_READY);

  if (fstatat (dirfd (scan->dir), name, &st, AT_SYMLINK_NOFOLLOW) != 0)
    return errno == ENOENT ? SR_SPOOL_FILE_GONE : SR_SPOOL_FILE_READY;
  if (!S_ISREG (st.st_mode))
    return SR_SPOOL_FILE_READY;   /* the claim refuses it, with the reason */
  changed = MAX ((gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000,
                 (gint64) st.st_ctim.tv_sec * G_USEC_PER_SEC + st.st_ctim.tv_nsec / 1000);
  wait = st.st_size > 0 ? settle : empty_limit;
  if (changed + wait <= now)
    return st.st_size > 0 ? SR_SPOOL_FILE_READY : SR_SPOOL_FILE_ABANDONED;
  /* A change "in the future" (a writer with another clock): one wait from now. */
  if (recheck_at)
    *recheck_at = MIN (changed, now) + wait;
  return SR_SPOOL_FILE_WRITING;
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
  if ((d = sr_spool_open_stream (a, sr_spool_folder_dir (folder), NULL)) == NULL)
    return FALSE;
  found = next_entry (d) != NULL;
  closedir (d);
  return found;
}

/* Removes the leftovers of one folder; returns the count or -1. */
static gint
clean_dir (SrSpoolApp *a, SrSpoolDir dir, gint64 older_than, GError **error)
{
  DIR *d = sr_spool_open_stream (a, dir, error);
  struct dirent *de;
  gint removed = 0;

  if (d == NULL)
    return -1;
  while ((errno = 0, de = readdir (d)) != NULL)
    {
      gboolean stale;
      struct stat st;

      if (g_str_equal (de->d_name, ".") || g_str_equal (de->d_name, ".."))
        continue;
      if (older_than < 0 && !g_str_has_prefix (de->d_name, SR_SPOOL_FINISH_PREFIX))
        continue;
      /* A folder (an app may make one under any name) is left alone: it is
       * no leftover of ours, and must not stop the cleaning of the others. */
      stale = fstatat (a->fds[dir], de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0
              && !S_ISDIR (st.st_mode)
              && (older_than < 0 || (gint64) st.st_mtime < older_than);
      if (!stale)
        continue;
      if (unlinkat (a->fds[dir], de->d_name, 0) == 0)
        removed++;
      else if (errno != ENOENT)
        {
          sr_spool_set_errno (error, errno, _("remove"), a, dir, de->d_name);
          closedir (d);
          return -1;
        }
    }
  closedir (d);
  return removed;
}

gint
sr_spool_clean_temporaries (SrSpool *spool, gint64 tmp_max_age, GError **error)
{
  static const SrSpoolDir finish_dirs[] = { SR_SPOOL_DIR_SENT, SR_SPOOL_DIR_DEAD };
  static const SrSpoolDir tmp_dirs[] = {
    SR_SPOOL_DIR_OUTBOX_TMP, SR_SPOOL_DIR_RECEIPTS_TMP, SR_SPOOL_DIR_INBOX_TMP,
  };
  gint64 older_than = g_get_real_time () / G_USEC_PER_SEC - MAX (tmp_max_age, 0);
  gint total = 0;

  g_return_val_if_fail (spool != NULL, -1);

  for (guint i = 0; i < spool->apps->len; i++)
    {
      SrSpoolApp *a = spool->apps->pdata[i];
      for (guint k = 0; k < G_N_ELEMENTS (finish_dirs); k++)
        {
          gint n = clean_dir (a, finish_dirs[k], -1, error);
          if (n < 0)
            return -1;
          total += n;
        }
      for (guint k = 0; k < G_N_ELEMENTS (tmp_dirs); k++)
        {
          gint n = clean_dir (a, tmp_dirs[k], older_than, error);
          if (n < 0)
            return -1;
          total += n;
        }
    }
  return total;
}
