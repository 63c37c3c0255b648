/* sr-console-access.c — who may steer the router through its control socket.
 *
 * The socket can compose as any application, pause sending and edit the
 * blacklists, so it is not for everyone who can reach the spool: it gets a
 * group of its own (`[router] control-group`, sms-router-operators by
 * default), and `[router] control-users` narrows it to named users, checked
 * on each connection by the kernel's peer credentials (SO_PEERCRED).
 */
#define G_LOG_DOMAIN "sr-console"

#include "sr-console-remote-private.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

gboolean
sr_console_access_set_group (const char *path, const char *group, GError **error)
{
  if (group == NULL || *group == '\0')
    return TRUE;                       /* the router's own group, mode 0660 */
  struct group gr, *found = NULL;
  char buf[4096];
  int err = getgrnam_r (group, &gr, buf, sizeof buf, &found);
  if (found != NULL && chown (path, (uid_t) -1, gr.gr_gid) == 0)
    return TRUE;
  if (found != NULL)
    err = errno;
  /* Fail closed: only the router's user and root can connect now. */
  g_chmod (path, 0600);
  if (found == NULL)
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                 _("the group %s ([router] control-group) does not exist; the control socket "
                   "%s is open to the router's user and root only"), group, path);
  else
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err),
                 _("cannot give the control socket %s to the group %s (%s; the router's user "
                   "must be a member); it is open to the router's user and root only"),
                 path, group, g_strerror (err));
  return FALSE;
}

gboolean
sr_console_access_allows (GSocket *socket, const char *const *users)
{
  if (users == NULL || users[0] == NULL)
    return TRUE;                       /* the socket's mode and group decide */
  g_autoptr (GCredentials) cred = g_socket_get_credentials (socket, NULL);
  if (cred == NULL)
    return FALSE;
  uid_t uid = g_credentials_get_unix_user (cred, NULL);
  if (uid == (uid_t) -1)
    return FALSE;
  if (uid == 0 || uid == geteuid ())
    return TRUE;
  struct passwd pw, *found = NULL;
  char buf[4096];
  return getpwuid_r (uid, &pw, buf, sizeof buf, &found) == 0 && found != NULL
         && g_strv_contains (users, found->pw_name);
}
