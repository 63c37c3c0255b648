/* sr-spool.c — opening the spool tree, unique names, deliver, claim, read,
 * finish, and dead-letter retry / discard.
 *
 * Every call on the hot path is one or two *at() system calls on descriptors
 * opened by sr_spool_open(): no path building, no GFile.
 */
#define G_LOG_DOMAIN "sr-spool"

#include "sr-spool-private.h"
#include "sr-message.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

G_DEFINE_QUARK (sr-spool-error-quark, sr_spool_error)

/* Bytes of a file read at once when finishing a file we were not given. */
#define SR_SPOOL_CHUNK (64 * 1024)
/* Finished files up to this size are written in place (one page). */
#define SR_SPOOL_IN_PLACE_MAX 4096
G_STATIC_ASSERT (SR_SPOOL_IN_PLACE_MAX < SR_SPOOL_CHUNK);
/* Upper bound for a dead letter read back for a retry. */
#define SR_SPOOL_RETRY_MAX (16 * 1024 * 1024)

const char *const sr_spool_dir_names[SR_SPOOL_N_DIRS] = {
  [SR_SPOOL_DIR_OUTBOX_TMP] = "outbox/tmp",
  [SR_SPOOL_DIR_OUTBOX_NEW] = "outbox/new",
  [SR_SPOOL_DIR_OUTBOX_CUR] = "outbox/cur",
  [SR_SPOOL_DIR_SENT] = "sent",
  [SR_SPOOL_DIR_DEAD] = "dead",
  [SR_SPOOL_DIR_RECEIPTS_TMP] = "receipts/tmp",
  [SR_SPOOL_DIR_RECEIPTS_NEW] = "receipts/new",
  [SR_SPOOL_DIR_RECEIPTS_CUR] = "receipts/cur",
  [SR_SPOOL_DIR_INBOX_TMP] = "inbox/tmp",
  [SR_SPOOL_DIR_INBOX_NEW] = "inbox/new",
  [SR_SPOOL_DIR_INBOX_CUR] = "inbox/cur",
};

/* Where each cached folder sits: its parent below apps/<app> (NULL: the
 * app folder itself) and its own name.  Folders are opened one component at
 * a time, each with O_NOFOLLOW, so no link anywhere in the tree is followed. */
static const struct {
  const char *parent;
  const char *name;
} app_tree[SR_SPOOL_N_DIRS] = {
  [SR_SPOOL_DIR_OUTBOX_TMP] = { "outbox", "tmp" },
  [SR_SPOOL_DIR_OUTBOX_NEW] = { "outbox", "new" },
  [SR_SPOOL_DIR_OUTBOX_CUR] = { "outbox", "cur" },
  [SR_SPOOL_DIR_SENT] = { NULL, "sent" },
  [SR_SPOOL_DIR_DEAD] = { NULL, "dead" },
  [SR_SPOOL_DIR_RECEIPTS_TMP] = { "receipts", "tmp" },
  [SR_SPOOL_DIR_RECEIPTS_NEW] = { "receipts", "new" },
  [SR_SPOOL_DIR_RECEIPTS_CUR] = { "receipts", "cur" },
  [SR_SPOOL_DIR_INBOX_TMP] = { "inbox", "tmp" },
  [SR_SPOOL_DIR_INBOX_NEW] = { "inbox", "new" },
  [SR_SPOOL_DIR_INBOX_CUR] = { "inbox", "cur" },
};

SrSpoolDir
sr_spool_folder_dir (SrSpoolFolder folder)
{
  static const SrSpoolDir map[SR_SPOOL_N_FOLDERS] = {
    [SR_SPOOL_OUTBOX_NEW] = SR_SPOOL_DIR_OUTBOX_NEW,
    [SR_SPOOL_OUTBOX_CUR] = SR_SPOOL_DIR_OUTBOX_CUR,
    [SR_SPOOL_SENT] = SR_SPOOL_DIR_SENT,
    [SR_SPOOL_DEAD] = SR_SPOOL_DIR_DEAD,
    [SR_SPOOL_RECEIPTS_NEW] = SR_SPOOL_DIR_RECEIPTS_NEW,
    [SR_SPOOL_RECEIPTS_CUR] = SR_SPOOL_DIR_RECEIPTS_CUR,
    [SR_SPOOL_INBOX_NEW] = SR_SPOOL_DIR_INBOX_NEW,
    [SR_SPOOL_INBOX_CUR] = SR_SPOOL_DIR_INBOX_CUR,
  };
  g_return_val_if_fail ((guint) folder < SR_SPOOL_N_FOLDERS, SR_SPOOL_DIR_OUTBOX_NEW);
  return map[folder];
}

static SrSpoolError
code_for_errno (int errsv)
{
  switch (errsv)
    {
    case ENOENT: return SR_SPOOL_ERROR_NOT_FOUND;
    case ELOOP: return SR_SPOOL_ERROR_NOT_REGULAR;
    default: return SR_SPOOL_ERROR_IO;
    }
}

void
sr_spool_set_errno (GError **error, int errsv, const char *action,
                    const SrSpoolApp *app, SrSpoolDir dir, const char *name)
{
  g_autofree char *path = g_build_filename (app->path, sr_spool_dir_names[dir], name, NULL);
  g_set_error (error, SR_SPOOL_ERROR, code_for_errno (errsv),
               _("Cannot %s %s: %s"), action, path, g_strerror (errsv));
}

gboolean
sr_spool_check_name (const char *name, GError **error)
{
  if (name == NULL || name[0] == '\0' || name[0] == '.' || strchr (name, '/') != NULL)
    {
      g_set_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_INVALID_NAME,
                   _("“%s” is not a valid spool name: it must be non-empty, contain no “/” and not start with “.”."),
                   name ? name : "");
      return FALSE;
    }
  return TRUE;
}

static void
app_free (SrSpoolApp *app)
{
  for (guint i = 0; i < SR_SPOOL_N_DIRS; i++)
    if (app->fds[i] >= 0)
      close (app->fds[i]);
  if (app->app_fd >= 0)
    close (app->app_fd);
  g_free (app->name);
  g_free (app->path);
  g_free (app);
}

const char *
sr_spool_kind_name (mode_t mode)
{
  if (S_ISLNK (mode))
    return _("a symbolic link");
  if (S_ISFIFO (mode))
    return _("a FIFO");
  if (S_ISDIR (mode))
    return _("a directory");
  if (S_ISSOCK (mode))
    return _("a socket");
  if (S_ISCHR (mode) || S_ISBLK (mode))
    return _("a device");
  return _("a regular file");
}

/* Creates @rel below @parent_fd if it is missing (with @mode exactly, not
 * reduced by the umask) and opens it without following a link.  An entry
 * that is not a real folder, or (when @n_owners > 0) is owned by a user not
 * in @owners, is refused: an app that replaced one of its folders with a
 * link, or with another app's folder, must not make the router send as that
 * app, read its messages or delete its files.  *@st (optional) receives the
 * folder's status. */
static int
open_folder (int parent_fd, const char *rel, const char *shown, mode_t mode,
             const uid_t *owners, guint n_owners, struct stat *st_out, GError **error)
{
  gboolean created = FALSE;
  struct stat st;
  int fd;

  if (mkdirat (parent_fd, rel, mode) == 0)
    created = TRUE;
  else if (errno != EEXIST)
    {
      int errsv = errno;
      g_set_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_IO,
                   _("Cannot create the spool folder %s: %s"), shown, g_strerror (errsv));
      return -1;
    }
  fd = openat (parent_fd, rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    {
      int errsv = errno;
      if ((errsv == ELOOP || errsv == ENOTDIR)
          && fstatat (parent_fd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0)
        g_set_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_UNSAFE_FOLDER,
                     _("Refusing the spool folder %s: it is %s, not a folder. "
                       "Replace it with a real folder (the router never follows links in the spool)."),
                     shown, sr_spool_kind_name (st.st_mode));
      else
        g_set_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_IO,
                     _("Cannot open the spool folder %s: %s"), shown, g_strerror (errsv));
      return -1;
    }
  if (fstat (fd, &st) < 0)
    {
      int errsv = errno;
      g_set_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_IO,
                   _("Cannot examine the spool folder %s: %s"), shown, g_strerror (errsv));
      close (fd);
      return -1;
    }
  if (n_owners > 0)
    {
      gboolean ok = FALSE;
      for (guint i = 0; i < n_owners; i++)
        ok = ok || st.st_uid == owners[i];
      if (!ok)
        {
          g_set_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_UNSAFE_FOLDER,
                       _("Refusing the spool folder %s: it belongs to user %u, but only the "
                         "router's user (%u) or the owner of the app folder (%u) may own it."),
                       shown, (guint) st.st_uid, (guint) owners[0],
                       (guint) owners[n_owners - 1]);
          close (fd);
          return -1;
        }
    }
  if (created && fchmod (fd, mode) < 0)
    {
      int errsv = errno;
      g_set_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_IO,
                   _("Cannot set the permissions of %s: %s"), shown, g_strerror (errsv));
      close (fd);
      return -1;
    }
  if (st_out)
    *st_out = st;
  return fd;
}

/* The spool root is the operator's choice (a link there is theirs); its
 * apps/ and router/ are opened without following a link like every folder
 * below them. */
gboolean
sr_spool_make_top (const char *root, GError **error)
{
  g_autofree char *parent = g_path_get_dirname (root);
  if (g_mkdir_with_parents (parent, 0755) < 0
      || (mkdir (root, SR_SPOOL_TOP_MODE) == 0 ? chmod (root, SR_SPOOL_TOP_MODE) < 0
                                               : errno != EEXIST))
    {
      int errsv = errno;
      g_set_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_IO,
                   _("Cannot create the spool %s: %s"), root, g_strerror (errsv));
      return FALSE;
    }
  const char *const tops[] = { "apps", "router" };
  for (guint i = 0; i < G_N_ELEMENTS (tops); i++)
    {
      g_autofree char *path = g_build_filename (root, tops[i], NULL);
      int fd = open_folder (AT_FDCWD, path, path, SR_SPOOL_TOP_MODE, NULL, 0, NULL, error);
      if (fd < 0)
        return FALSE;
      close (fd);
    }
  return TRUE;
}

/* Opens (creating it if missing) folder @dir of @app, one component at a
 * time from the app folder. */
static int
open_app_dir (SrSpoolApp *app, SrSpoolDir dir, GError **error)
{
  g_autofree char *shown = g_build_filename (app->path, sr_spool_dir_names[dir], NULL);
  int parent_fd = -1, fd;

  if (app_tree[dir].parent != NULL)
    {
      g_autofree char *parent_shown = g_build_filename (app->path, app_tree[dir].parent, NULL);
      parent_fd = open_folder (app->app_fd, app_tree[dir].parent, parent_shown, SR_SPOOL_APP_MODE,
                               app->owners, G_N_ELEMENTS (app->owners), NULL, error);
      if (parent_fd < 0)
        return -1;
    }
  fd = open_folder (parent_fd >= 0 ? parent_fd : app->app_fd, app_tree[dir].name, shown, SR_SPOOL_APP_MODE,
                    app->owners, G_N_ELEMENTS (app->owners), NULL, error);
  if (parent_fd >= 0)
    close (parent_fd);
  return fd;
}

/* A held folder that was removed (an operator or the app deleted and made
 * it again) is opened again, with the same checks, under the same
 * descriptor number: dup2() swaps it atomically for the other threads.
 * TRUE if the folder was opened again. */
static gboolean
reopen_if_removed (SrSpoolApp *a, SrSpoolDir dir, GError **error)
{
  struct stat st;
  int fd;

  if (fstat (a->fds[dir], &st) < 0 || st.st_nlink > 0)
    return FALSE;
  fd = open_app_dir (a, dir, error);
  if (fd < 0)
    return FALSE;
  if (dup2 (fd, a->fds[dir]) < 0)
    {
      sr_spool_set_errno (error, errno, _("open"), a, dir, NULL);
      close (fd);
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static SrSpoolApp *
app_open (int apps_fd, const char *apps_path, const char *name, GError **error)
{
  SrSpoolApp *app = g_new0 (SrSpoolApp, 1);
  struct stat st;

  app->name = g_strdup (name);
  app->path = g_build_filename (apps_path, name, NULL);
  app->app_fd = -1;
  for (guint i = 0; i < SR_SPOOL_N_DIRS; i++)
    app->fds[i] = -1;

  app->app_fd = open_folder (apps_fd, name, app->path, SR_SPOOL_APP_MODE, NULL, 0, &st, error);
  if (app->app_fd < 0)
    goto fail;
  /* The folders below belong to the router or to whoever the operator gave
   * the app folder to: another owner means a folder of someone else. */
  app->owners[0] = geteuid ();
  app->owners[1] = st.st_uid;
  for (guint i = 0; i < SR_SPOOL_N_DIRS; i++)
    if ((app->fds[i] = open_app_dir (app, i, error)) < 0)
      goto fail;
  return app;

fail:
  app_free (app);
  return NULL;
}

SrSpool *
sr_spool_open (const char *root, const char *const *apps, GError **error)
{
  g_autoptr (SrSpool) spool = NULL;
  g_autofree char *apps_path = NULL;
  int apps_fd;
  gboolean failed = FALSE;
  guint n = apps ? g_strv_length ((char **) apps) : 0;

  g_return_val_if_fail (root != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  spool = g_new0 (SrSpool, 1);
  spool->root = g_strdup (root);
  spool->apps = g_ptr_array_new_with_free_func ((GDestroyNotify) app_free);
  spool->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  spool->app_names = g_new0 (char *, n + 1);

  apps_path = g_build_filename (root, "apps", NULL);
  if (!sr_spool_make_top (root, error))
    return NULL;
  apps_fd = open_folder (AT_FDCWD, apps_path, apps_path, SR_SPOOL_TOP_MODE, NULL, 0, NULL, error);
  if (apps_fd < 0)
    return NULL;

  for (guint i = 0; i < n; i++)
    {
      SrSpoolApp *app;

      if (!sr_spool_check_name (apps[i], error))
        {
          g_prefix_error (error, _("In spool %s: "), root);
          failed = TRUE;
          break;
        }
      if (g_hash_table_contains (spool->by_name, apps[i]))
        continue;
      app = app_open (apps_fd, apps_path, apps[i], error);
      if (app == NULL)
        {
          failed = TRUE;
          break;
        }
      g_ptr_array_add (spool->apps, app);
      g_hash_table_insert (spool->by_name, app->name, app);
      spool->app_names[spool->apps->len - 1] = app->name;
    }
  close (apps_fd);
  if (failed)
    return NULL;
  return g_steal_pointer (&spool);
}

void
sr_spool_free (SrSpool *spool)
{
  if (spool == NULL)
    return;
  g_free (spool->app_names);   /* borrowed strings */
  g_hash_table_unref (spool->by_name);
  g_ptr_array_unref (spool->apps);
  g_free (spool->root);
  g_free (spool);
}

const char *
sr_spool_get_root (const SrSpool *spool)
{
  g_return_val_if_fail (spool != NULL, NULL);
  return spool->root;
}

const char *const *
sr_spool_get_apps (const SrSpool *spool)
{
  g_return_val_if_fail (spool != NULL, NULL);
  return (const char *const *) spool->app_names;
}

SrSpoolApp *
sr_spool_lookup_app (SrSpool *spool, const char *app, GError **error)
{
  SrSpoolApp *a = g_hash_table_lookup (spool->by_name, app);
  if (a == NULL)
    g_set_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_UNKNOWN_APP,
                 _("The app “%s” is not configured in spool %s."), app, spool->root);
  return a;
}

char *
sr_spool_get_path (const SrSpool *spool, const char *app, SrSpoolFolder folder,
                   const char *name)
{
  g_return_val_if_fail (spool != NULL && app != NULL, NULL);
  return g_build_filename (spool->root, "apps", app,
                           sr_spool_dir_names[sr_spool_folder_dir (folder)], name, NULL);
}

/* The host part of unique names: maildir escapes '/' and ':'. */
static const char *
unique_host (void)
{
  static gsize once = 0;
  static char *host;

  if (g_once_init_enter (&once))
    {
      GString *s = g_string_new (NULL);
      for (const char *p = g_get_host_name (); *p; p++)
        {
          if (*p == '/')
            g_string_append (s, "\\057");
          else if (*p == ':')
            g_string_append (s, "\\072");
          else
            g_string_append_c (s, *p);
        }
      host = g_string_free (s, FALSE);
      g_once_init_leave (&once, 1);
    }
  return host;
}

/* getpid() is a system call; the cache is reset in a forked child. */
static int cached_pid;

static void
reset_pid (void)
{
  g_atomic_int_set (&cached_pid, 0);
}

char *
sr_spool_unique_name (void)
{
  static gint seq = 0;
  static gsize atfork_once = 0;
  gint64 now = g_get_real_time ();
  guint n = (guint) g_atomic_int_add (&seq, 1);
  int pid = g_atomic_int_get (&cached_pid);

  if (g_once_init_enter (&atfork_once))
    {
      pthread_atfork (NULL, NULL, reset_pid);
      g_once_init_leave (&atfork_once, 1);
    }
  if (pid == 0)
    {
      pid = (int) getpid ();
      g_atomic_int_set (&cached_pid, pid);
    }
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%06dP%dQ%u.%s",
                          now / G_USEC_PER_SEC, (int) (now % G_USEC_PER_SEC),
                          pid, n, unique_host ());
}

static gboolean
write_all (int fd, const char *data, gsize len)
{
  while (len > 0)
    {
      ssize_t w = write (fd, data, len);
      if (w < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }
      data += w;
      len -= (gsize) w;
    }
  return TRUE;
}

/* rename that never replaces an existing file (maildir's link-then-unlink). */
static int
rename_noreplace (int from_fd, const char *from, int to_fd, const char *to)
{
  static gboolean unsupported = FALSE;

  if (!unsupported)
    {
      int r = renameat2 (from_fd, from, to_fd, to, RENAME_NOREPLACE);
      if (r == 0 || (errno != EINVAL && errno != ENOSYS))
        return r;
      unsupported = TRUE;
    }
  if (linkat (from_fd, from, to_fd, to, 0) < 0)
    return -1;
  unlinkat (from_fd, from, 0);
  return 0;
}

/* Creates @dir/@name (never an existing entry: no link followed, no FIFO
 * opened) and writes @data into it.  Returns 1 when written, 0 when the
 * name exists (nothing done, errno EEXIST), -1 with @error set. */
static int
create_file (SrSpoolApp *a, SrSpoolDir dir, const char *name, const void *data, gsize len,
             SrSpoolFlags flags, GError **error)
{
  int fd = openat (a->fds[dir], name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0660);

  if (fd < 0 && errno == ENOENT)
    {
      if (!reopen_if_removed (a, dir, error))
        {
          if (error == NULL || *error == NULL)
            sr_spool_set_errno (error, ENOENT, _("create"), a, dir, name);
          return -1;
        }
      fd = openat (a->fds[dir], name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0660);
    }
  if (fd < 0)
    {
      if (errno == EEXIST)
        return 0;
      sr_spool_set_errno (error, errno, _("create"), a, dir, name);
      return -1;
    }
  if (!write_all (fd, data, len) || ((flags & SR_SPOOL_FSYNC) && fsync (fd) < 0))
    {
      sr_spool_set_errno (error, errno, _("write"), a, dir, name);
      close (fd);
      unlinkat (a->fds[dir], name, 0);
      return -1;
    }
  if (close (fd) < 0)
    {
      sr_spool_set_errno (error, errno, _("write"), a, dir, name);
      unlinkat (a->fds[dir], name, 0);
      return -1;
    }
  return 1;
}

static const SrSpoolDir box_tmp_dirs[] = {
  [SR_SPOOL_BOX_OUTBOX] = SR_SPOOL_DIR_OUTBOX_TMP,
  [SR_SPOOL_BOX_RECEIPTS] = SR_SPOOL_DIR_RECEIPTS_TMP,
  [SR_SPOOL_BOX_INBOX] = SR_SPOOL_DIR_INBOX_TMP,
};

gboolean
sr_spool_deliver (SrSpool *spool, const char *app, SrSpoolBox box,
                  const void *data, gsize len, SrSpoolFlags flags,
                  char **name_out, GError **error)
{
  SrSpoolApp *a;
  SrSpoolDir tmp_dir, new_dir;
  g_autofree char *name = NULL;
  g_autofree char *final = NULL;
  int created = 0;

  g_return_val_if_fail (spool != NULL && app != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail ((guint) box < G_N_ELEMENTS (box_tmp_dirs), FALSE);
  g_return_val_if_fail (!(flags & SR_SPOOL_KEEP_NAME) || (name_out != NULL && *name_out != NULL), FALSE);

  gboolean keep = (flags & SR_SPOOL_KEEP_NAME) != 0;
  if ((keep && !sr_spool_check_name (*name_out, error)) || (a = sr_spool_lookup_app (spool, app, error)) == NULL)
    return FALSE;
  tmp_dir = box_tmp_dirs[box];
  new_dir = tmp_dir + 1;   /* tmp, new, cur follow each other */

  for (guint attempt = 0; created == 0; attempt++)
    {
      g_free (name);
      name = keep ? g_strdup (*name_out) : sr_spool_unique_name ();
      created = create_file (a, tmp_dir, name, data, len, flags, error);
      if (created < 0)
        return FALSE;
      if (created == 0 && (attempt >= 10 || keep))
        {
          sr_spool_set_errno (error, EEXIST, _("create"), a, tmp_dir, name);
          return FALSE;
        }
    }

  final = g_strdup (name);
  for (guint attempt = 0;; attempt++)
    {
      if (rename_noreplace (a->fds[tmp_dir], name, a->fds[new_dir], final) == 0)
        break;
      if (errno != EEXIST || attempt >= 10 || keep)
        {
          sr_spool_set_errno (error, errno, _("move a file into"), a, new_dir, final);
          unlinkat (a->fds[tmp_dir], name, 0);
          return FALSE;
        }
      g_free (final);
      final = sr_spool_unique_name ();
    }
  if ((flags & SR_SPOOL_FSYNC) && fsync (a->fds[new_dir]) < 0)
    {
      sr_spool_set_errno (error, errno, _("sync the folder"), a, new_dir, NULL);
      return FALSE;
    }
  if (name_out && !keep)
    *name_out = g_steal_pointer (&final);
  return TRUE;
}

gboolean
sr_spool_deliver_named (SrSpool *spool, const char *app, SrSpoolBox box, const char *name,
                        const void *data, gsize len, SrSpoolFlags flags, GError **error)
{
  SrSpoolApp *a;
  SrSpoolDir tmp_dir, new_dir, cur_dir;
  struct stat st;
  int created;

  g_return_val_if_fail (spool != NULL && app != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail ((guint) box < G_N_ELEMENTS (box_tmp_dirs), FALSE);

  if (!sr_spool_check_name (name, error) || (a = sr_spool_lookup_app (spool, app, error)) == NULL)
    return FALSE;
  tmp_dir = box_tmp_dirs[box];
  new_dir = tmp_dir + 1;
  cur_dir = tmp_dir + 2;

  /* Delivered before a crash (the app may have moved it to cur/ already). */
  if (fstatat (a->fds[new_dir], name, &st, AT_SYMLINK_NOFOLLOW) == 0
      || fstatat (a->fds[cur_dir], name, &st, AT_SYMLINK_NOFOLLOW) == 0)
    return TRUE;
  created = create_file (a, tmp_dir, name, data, len, flags, error);
  if (created == 0)
    {
      /* Half written before a crash (or planted): the name is ours. */
      if (unlinkat (a->fds[tmp_dir], name, 0) < 0 && errno != ENOENT)
        {
          sr_spool_set_errno (error, errno, _("remove"), a, tmp_dir, name);
          return FALSE;
        }
      created = create_file (a, tmp_dir, name, data, len, flags, error);
      if (created == 0)
        sr_spool_set_errno (error, EEXIST, _("create"), a, tmp_dir, name);
    }
  if (created <= 0)
    return FALSE;
  if (rename_noreplace (a->fds[tmp_dir], name, a->fds[new_dir], name) < 0)
    {
      int errsv = errno;
      unlinkat (a->fds[tmp_dir], name, 0);
      if (errsv == EEXIST)
        return TRUE;
      sr_spool_set_errno (error, errsv, _("move a file into"), a, new_dir, name);
      return FALSE;
    }
  if ((flags & SR_SPOOL_FSYNC) && fsync (a->fds[new_dir]) < 0)
    {
      sr_spool_set_errno (error, errno, _("sync the folder"), a, new_dir, NULL);
      return FALSE;
    }
  return TRUE;
}

gboolean
sr_spool_claim (SrSpool *spool, const char *app, const char *name, GError **error)
{
  SrSpoolApp *a;

  g_return_val_if_fail (spool != NULL && app != NULL, FALSE);

  if (!sr_spool_check_name (name, error) || (a = sr_spool_lookup_app (spool, app, error)) == NULL)
    return FALSE;
  if (renameat (a->fds[SR_SPOOL_DIR_OUTBOX_NEW], name, a->fds[SR_SPOOL_DIR_OUTBOX_CUR], name) == 0)
    return TRUE;
  if (errno == ENOENT)
    {
      g_set_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_CLAIMED,
                   _("%s/outbox/new/%s is gone: another process claimed it or the app took it back."),
                   a->path, name);
      return FALSE;
    }
  sr_spool_set_errno (error, errno, _("claim"), a, SR_SPOOL_DIR_OUTBOX_NEW, name);
  return FALSE;
}

/* Errors about a message file itself name it by its name alone: it is
 * the message's identity, and the error travels with the file into dead/. */
static void
set_not_regular (GError **error, const char *name, mode_t mode)
{
  g_set_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_NOT_REGULAR,
               _("The file %s is %s, not a regular file: the router does not open it."),
               name, sr_spool_kind_name (mode));
}

/* Opens a regular file of @dir for reading; -1 with @error set otherwise.
 * Never follows a link, and never blocks: a FIFO is opened without
 * waiting for a writer and then refused; a socket fails to open. */
static int
open_regular (SrSpoolApp *a, SrSpoolDir dir, const char *name, struct stat *st,
              GError **error)
{
  int fd = openat (a->fds[dir], name,
                   O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);

  if (fd < 0)
    {
      int errsv = errno;

      if (errsv != ENOENT && fstatat (a->fds[dir], name, st, AT_SYMLINK_NOFOLLOW) == 0)
        {
          if (!S_ISREG (st->st_mode))
            {
              set_not_regular (error, name, st->st_mode);
              return -1;
            }
          if (errsv == EACCES || errsv == EPERM)
            {
              g_set_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_UNREADABLE,
                           _("The file %s may not be read by the router (mode %04o, owner %u): %s."),
                           name, (guint) (st->st_mode & 07777), (guint) st->st_uid,
                           g_strerror (errsv));
              return -1;
            }
        }
      sr_spool_set_errno (error, errsv, _("open"), a, dir, name);
      return -1;
    }
  if (fstat (fd, st) < 0)
    {
      sr_spool_set_errno (error, errno, _("examine"), a, dir, name);
      close (fd);
      return -1;
    }
  if (!S_ISREG (st->st_mode))
    {
      set_not_regular (error, name, st->st_mode);
      close (fd);
      return -1;
    }
  return fd;
}

/* Reads at most @limit bytes; *len > limit - 1 tells the file was longer.
 * @hint is the size fstat() gave: reading stops there without asking for an
 * end of file that maildir's rename rule already promises. */
static char *
read_fd (int fd, gsize hint, gsize limit, gsize *len)
{
  gsize cap = MIN (hint + 1, limit);
  gsize n = 0;
  char *buf = g_malloc (cap + 1);

  for (;;)
    {
      ssize_t r;
      if (n == cap)
        {
          if (cap >= limit)
            break;
          cap = MIN (cap * 2, limit);
          buf = g_realloc (buf, cap + 1);
        }
      r = read (fd, buf + n, cap - n);
      if (r < 0)
        {
          if (errno == EINTR)
            continue;
          g_free (buf);
          return NULL;
        }
      if (r == 0)
        break;
      n += (gsize) r;
      if (n == hint && hint > 0)
        break;
    }
  buf[n] = '\0';
  *len = n;
  return buf;
}

static GBytes *
read_file (SrSpoolApp *a, SrSpoolDir dir, const char *name, gsize max_size,
           GError **error)
{
  struct stat st;
  gsize limit = max_size ? max_size + 1 : G_MAXSIZE - 1;
  gsize len = 0;
  char *buf;
  int fd = open_regular (a, dir, name, &st, error);

  if (fd < 0)
    return NULL;
  if (max_size && (guint64) st.st_size > max_size)
    goto too_large;
  buf = read_fd (fd, (gsize) st.st_size, limit, &len);
  if (buf == NULL)
    {
      sr_spool_set_errno (error, errno, _("read"), a, dir, name);
      close (fd);
      return NULL;
    }
  close (fd);
  if (max_size && len > max_size)
    {
      g_free (buf);
      goto too_large_closed;
    }
  return g_bytes_new_take (buf, len);

too_large:
  close (fd);
too_large_closed:
  g_set_error (error, SR_SPOOL_ERROR, SR_SPOOL_ERROR_TOO_LARGE,
               _("The file %s is larger than the limit of %zu bytes."), name, max_size);
  return NULL;
}

GBytes *
sr_spool_read (SrSpool *spool, const char *app, SrSpoolFolder folder,
               const char *name, gsize max_size, GError **error)
{
  SrSpoolApp *a;

  g_return_val_if_fail (spool != NULL && app != NULL, NULL);
  if (!sr_spool_check_name (name, error) || (a = sr_spool_lookup_app (spool, app, error)) == NULL)
    return NULL;
  return read_file (a, sr_spool_folder_dir (folder), name, max_size, error);
}

/* Copies the rest of @src to @dst. */
static gboolean
copy_rest (int src, int dst, char *buf, gsize size)
{
  for (;;)
    {
      ssize_t r = read (src, buf, size);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return FALSE;
      if (r == 0)
        return TRUE;
      if (!write_all (dst, buf, (gsize) r))
        return FALSE;
    }
}

/* Finishes by rewriting outbox/cur/NAME in place and renaming it into
 * @dest: no inode is created and none deleted, which is most of what a
 * message costs the file system otherwise (ext4 searches its inode tables
 * for a free inode on every create under churn).  The new bytes go in one
 * pwrite() within one page, so a kill -9 leaves either the claimed file or
 * the finished one in cur/, never a mix; finishing that again replaces the
 * headers it added (sr_message_build_finished()).  Returns 1 when done,
 * 0 when the file cannot be written in place (not ours to write: an app's
 * mode, gone, not a regular file, hard-linked elsewhere, too long) and the
 * caller should copy, and -1 with @error set. */
static int
finish_in_place (SrSpoolApp *a, SrSpoolDir dest, const char *name, const char *finished,
                 gsize finished_len, SrSpoolFlags flags, GError **error)
{
  struct stat st;
  int fd;
  ssize_t w;

  if (finished_len > SR_SPOOL_IN_PLACE_MAX)
    return 0;
  fd = openat (a->fds[SR_SPOOL_DIR_OUTBOX_CUR], name,
               O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0)
    return 0;
  /* Another name for the same file (an app that kept a hard link) must
   * keep what the app wrote: copy. */
  if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) || st.st_nlink != 1)
    {
      close (fd);
      return 0;
    }
  do
    w = pwrite (fd, finished, finished_len, 0);
  while (w < 0 && errno == EINTR);
  if (w != (ssize_t) finished_len
      || (finished_len < (gsize) st.st_size && ftruncate (fd, (off_t) finished_len) < 0)
      || ((flags & SR_SPOOL_FSYNC) && fsync (fd) < 0))
    {
      if (w >= 0 && w != (ssize_t) finished_len)
        errno = ENOSPC;
      sr_spool_set_errno (error, errno, _("write"), a, SR_SPOOL_DIR_OUTBOX_CUR, name);
      close (fd);
      return -1;
    }
  if (close (fd) < 0)
    {
      sr_spool_set_errno (error, errno, _("write"), a, SR_SPOOL_DIR_OUTBOX_CUR, name);
      return -1;
    }
  if (renameat (a->fds[SR_SPOOL_DIR_OUTBOX_CUR], name, a->fds[dest], name) < 0)
    {
      sr_spool_set_errno (error, errno, _("rename into place"), a, dest, name);
      return -1;
    }
  if ((flags & SR_SPOOL_FSYNC) && fsync (a->fds[dest]) < 0)
    {
      sr_spool_set_errno (error, errno, _("sync the folder"), a, dest, NULL);
      return -1;
    }
  return 1;
}

/* Moves a claimed entry the router cannot read (not a regular file, or
 * not readable by it) into dead/ as it is: a link is renamed, not its
 * target; a FIFO is never opened.  Its reasons are in the journal only. */
static gboolean
finish_as_is (SrSpoolApp *a, const char *name, SrSpoolFlags flags, GError **error)
{
  if (renameat (a->fds[SR_SPOOL_DIR_OUTBOX_CUR], name, a->fds[SR_SPOOL_DIR_DEAD], name) < 0)
    {
      sr_spool_set_errno (error, errno, _("rename into place"), a, SR_SPOOL_DIR_DEAD, name);
      return FALSE;
    }
  if ((flags & SR_SPOOL_FSYNC) && fsync (a->fds[SR_SPOOL_DIR_DEAD]) < 0)
    {
      sr_spool_set_errno (error, errno, _("sync the folder"), a, SR_SPOOL_DIR_DEAD, NULL);
      return FALSE;
    }
  return TRUE;
}

gboolean
sr_spool_finish (SrSpool *spool, const char *app, const char *name,
                 SrSpoolOutcome outcome, const void *data, gsize len,
                 const char *const *extra_headers, SrSpoolFlags flags,
                 GError **error)
{
  SrSpoolApp *a;
  SrSpoolDir dest = outcome == SR_SPOOL_FINISH_DEAD ? SR_SPOOL_DIR_DEAD : SR_SPOOL_DIR_SENT;
  g_autofree char *tmp_name = NULL;
  g_autofree char *finished = NULL;
  g_autofree char *chunk = NULL;
  gsize finished_len = 0;
  int src = -1, out = -1;
  gboolean ok = FALSE;

  g_return_val_if_fail (spool != NULL && app != NULL, FALSE);

  if (!sr_spool_check_name (name, error) || (a = sr_spool_lookup_app (spool, app, error)) == NULL)
    return FALSE;

  if (data == NULL)
    {
      struct stat st;
      gsize n = 0;
      g_autoptr (GError) local = NULL;

      src = open_regular (a, SR_SPOOL_DIR_OUTBOX_CUR, name, &st, &local);
      if (src < 0 && outcome == SR_SPOOL_FINISH_DEAD
          && (g_error_matches (local, SR_SPOOL_ERROR, SR_SPOOL_ERROR_NOT_REGULAR)
              || g_error_matches (local, SR_SPOOL_ERROR, SR_SPOOL_ERROR_UNREADABLE)))
        return finish_as_is (a, name, flags, error);
      if (src < 0)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      chunk = read_fd (src, MIN ((gsize) st.st_size, SR_SPOOL_CHUNK), SR_SPOOL_CHUNK, &n);
      if (chunk == NULL)
        {
          sr_spool_set_errno (error, errno, _("read"), a, SR_SPOOL_DIR_OUTBOX_CUR, name);
          goto out;
        }
      data = chunk;
      len = n;
    }
  finished = sr_message_build_finished (data, len, extra_headers, &finished_len);
  {
    /* A file longer than the chunk read is over the in-place limit too. */
    int done = finish_in_place (a, dest, name, finished, finished_len, flags, error);
    if (done != 0)
      {
        ok = done > 0;
        goto out;
      }
  }

  tmp_name = g_strconcat (SR_SPOOL_FINISH_PREFIX, name, NULL);
  /* The temporary is always a new file: an entry of that name (a crash's
   * leftover, or a FIFO or link an app put there) is removed, never opened,
   * so nothing the app controls can block this thread or redirect a write. */
  for (guint attempt = 0;; attempt++)
    {
      out = openat (a->fds[dest], tmp_name,
                    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0660);
      if (out >= 0 || errno != EEXIST || attempt >= 2)
        break;
      if (unlinkat (a->fds[dest], tmp_name, 0) < 0 && errno != ENOENT)
        break;
    }
  if (out < 0)
    {
      sr_spool_set_errno (error, errno, _("create"), a, dest, tmp_name);
      goto out;
    }
  if (!write_all (out, finished, finished_len)
      || (src >= 0 && len == SR_SPOOL_CHUNK && !copy_rest (src, out, chunk, SR_SPOOL_CHUNK))
      || ((flags & SR_SPOOL_FSYNC) && fsync (out) < 0))
    {
      sr_spool_set_errno (error, errno, _("write"), a, dest, tmp_name);
      goto out_unlink;
    }
  if (close (out) < 0)
    {
      out = -1;
      sr_spool_set_errno (error, errno, _("write"), a, dest, tmp_name);
      goto out_unlink;
    }
  out = -1;
  if (renameat (a->fds[dest], tmp_name, a->fds[dest], name) < 0)
    {
      sr_spool_set_errno (error, errno, _("rename into place"), a, dest, name);
      goto out_unlink;
    }
  if ((flags & SR_SPOOL_FSYNC) && fsync (a->fds[dest]) < 0)
    {
      sr_spool_set_errno (error, errno, _("sync the folder"), a, dest, NULL);
      goto out;
    }
  /* Already gone is fine: the finished file is in place, which is what counts. */
  if (unlinkat (a->fds[SR_SPOOL_DIR_OUTBOX_CUR], name, 0) < 0 && errno != ENOENT)
    {
      sr_spool_set_errno (error, errno, _("remove"), a, SR_SPOOL_DIR_OUTBOX_CUR, name);
      goto out;
    }
  ok = TRUE;
  goto out;

out_unlink:
  unlinkat (a->fds[dest], tmp_name, 0);
out:
  if (out >= 0)
    close (out);
  if (src >= 0)
    close (src);
  return ok;
}

gboolean
sr_spool_retry_dead (SrSpool *spool, const char *app, const char *name,
                     const char *to, const char *from, const char *body,
                     SrSpoolFlags flags, char **new_name, GError **error)
{
  /* New text replaces what a front end marked as bad; a plain retry does not. */
  static const char *const strip_retry[] = { "X-Error*", NULL };
  static const char *const strip_edit[] = { "X-Error*", SR_MESSAGE_INPUT_ERROR_HEADER, NULL };
  const char *const *strip = body != NULL ? strip_edit : strip_retry;
  const char *set[5] = { NULL };
  guint n = 0;
  SrSpoolApp *a;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *edited = NULL;
  g_autofree char *full_body = NULL;
  gsize len;

  g_return_val_if_fail (spool != NULL && app != NULL, FALSE);

  if (!sr_spool_check_name (name, error) || (a = sr_spool_lookup_app (spool, app, error)) == NULL)
    return FALSE;
  bytes = read_file (a, SR_SPOOL_DIR_DEAD, name, SR_SPOOL_RETRY_MAX, error);
  if (bytes == NULL)
    return FALSE;
  if (to)
    {
      set[n++] = "To";
      set[n++] = to;
    }
  if (from)
    {
      set[n++] = "From";
      set[n++] = from;
    }
  if (body && !g_str_has_suffix (body, "\n"))
    body = full_body = g_strconcat (body, "\n", NULL);
  edited = sr_message_edit_raw (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                strip, set, body, &len);
  /* Deliver first: a crash in between leaves a copy in dead/, never nothing. */
  if (!sr_spool_deliver (spool, app, SR_SPOOL_BOX_OUTBOX, edited, len, flags, new_name, error))
    return FALSE;
  if (unlinkat (a->fds[SR_SPOOL_DIR_DEAD], name, 0) < 0 && errno != ENOENT)
    {
      sr_spool_set_errno (error, errno, _("remove"), a, SR_SPOOL_DIR_DEAD, name);
      return FALSE;
    }
  return TRUE;
}

gboolean
sr_spool_remove (SrSpool *spool, const char *app, SrSpoolFolder folder,
                 const char *name, GError **error)
{
  SrSpoolApp *a;
  SrSpoolDir dir = sr_spool_folder_dir (folder);

  g_return_val_if_fail (spool != NULL && app != NULL, FALSE);
  if (!sr_spool_check_name (name, error) || (a = sr_spool_lookup_app (spool, app, error)) == NULL)
    return FALSE;
  if (unlinkat (a->fds[dir], name, 0) < 0)
    {
      sr_spool_set_errno (error, errno, _("remove"), a, dir, name);
      return FALSE;
    }
  return TRUE;
}

gboolean
sr_spool_discard_dead (SrSpool *spool, const char *app, const char *name,
                       GError **error)
{
  return sr_spool_remove (spool, app, SR_SPOOL_DEAD, name, error);
}
