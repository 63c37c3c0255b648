/* sr-spool-lock.c — one router per spool.
 *
 * SPOOL/router/lock is held with flock() for the router's lifetime; the
 * kernel drops it when the process dies, so a stale file never blocks a
 * restart.  The holder's PID in the file is only for messages and for the
 * console to find the daemon it attaches to.
 */
#define G_LOG_DOMAIN "sr-spool"

#include "sr-spool-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

/* Attempts (2 ms apart) before a lock counts as held: sr_spool_lock_holder()
 * probes with a brief shared lock, which must not make a start fail. */
#define SR_SPOOL_LOCK_TRIES 10

/* A held lock: the open file keeps the flock. */
struct _SrSpoolLock {
  int fd;
  char *path;
};

static pid_t
read_pid (int fd)
{
  char buf[32];
  ssize_t n = pread (fd, buf, sizeof buf - 1, 0);
  long pid;
  char *end;

  if (n <= 0)
    return 0;
  buf[n] = '\0';
  pid = strtol (buf, &end, 10);
  if (end == buf || pid <= 0 || pid > G_MAXINT)
    return 0;
  return (pid_t) pid;
}

SrSpoolLock *
sr_spool_lock_acquire (const char *root, GError **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  char pid_text[32];
  int fd, len;

  g_return_val_if_fail (root != NULL, NULL);

  dir = g_build_filename (root, "router", NULL);
  path = g_build_filename (dir, "lock", NULL);
  if (!sr_spool_make_top (root, error))
    return NULL;
  /* Readable by all: a console started on the spool reads the holder's PID. */
  if ((fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644)) < 0)
    {
      int errsv = errno;
      g_set_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_IO,
                   _("Cannot open the lock file %s: %s"), path, g_strerror (errsv));
      return NULL;
    }
  for (guint i = 0;; i++)
    {
      if (flock (fd, LOCK_EX | LOCK_NB) == 0)
        break;
      if (errno != EWOULDBLOCK && errno != EINTR)
        {
          int errsv = errno;
          g_set_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_IO,
                       _("Cannot lock %s: %s"), path, g_strerror (errsv));
          close (fd);
          return NULL;
        }
      if (i + 1 >= SR_SPOOL_LOCK_TRIES)
        {
          pid_t pid = read_pid (fd);
          close (fd);
          if (pid > 0)
            g_set_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_LOCKED,
                         _("spool %s is in use by sms-router (pid %d)"), root, (int) pid);
          else
            g_set_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_LOCKED,
                         _("spool %s is in use by another sms-router"), root);
          return NULL;
        }
      g_usleep (2000);
    }

  len = g_snprintf (pid_text, sizeof pid_text, "%d\n", (int) getpid ());
  if (ftruncate (fd, 0) < 0 || pwrite (fd, pid_text, (size_t) len, 0) != len)
    {
      int errsv = errno;
      g_set_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_IO,
                   _("Cannot write our PID into %s: %s"), path, g_strerror (errsv));
      close (fd);
      return NULL;
    }
  {
    SrSpoolLock *lock = g_new0 (SrSpoolLock, 1);
    lock->fd = fd;
    lock->path = g_steal_pointer (&path);
    return lock;
  }
}

void
sr_spool_lock_release (SrSpoolLock *lock)
{
  if (lock == NULL)
    return;
  /* Empty the file first so nobody reads a PID that no longer holds it. */
  if (ftruncate (lock->fd, 0) < 0)
    g_debug ("cannot truncate %s: %s", lock->path, g_strerror (errno));
  close (lock->fd);
  g_free (lock->path);
  g_free (lock);
}

pid_t
sr_spool_lock_holder (const char *root)
{
  g_autofree char *path = NULL;
  pid_t pid = 0;
  int fd;

  g_return_val_if_fail (root != NULL, 0);

  path = g_build_filename (root, "router", "lock", NULL);
  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return 0;
  for (guint i = 0; i < SR_SPOOL_LOCK_TRIES; i++)
    {
      if (flock (fd, LOCK_SH | LOCK_NB) == 0)
        {
          pid = 0;   /* nobody holds it */
          break;
        }
      /* Held: the holder may not have written its PID yet. */
      if ((pid = read_pid (fd)) > 0)
        break;
      g_usleep (2000);
    }
  close (fd);
  return pid;
}
