/* sr-cli-log.c — where the daemon's log lines go.
 *
 * One GLib structured-log writer for the whole process.  The destination is
 * chosen once at start: the systemd journal, syslog, standard error or a
 * file (reopened on SIGHUP so logrotate can move it away).  "auto" picks the
 * journal when stderr is connected to it, syslog when stderr is not a
 * terminal and a syslog daemon listens on /dev/log, standard error otherwise
 * — so `sms-router --daemon 2>>router.log` in a container without syslog
 * still writes its log somewhere.
 */
#define G_LOG_DOMAIN "sms-router"

#include "sr-cli.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

/* The socket a local syslog daemon reads (glibc's _PATH_LOG). */
#define SYSLOG_SOCKET "/dev/log"

/* Where log lines go, decided once at start. */
typedef enum {
  LOG_TO_STDERR,
  LOG_TO_JOURNAL,
  LOG_TO_SYSLOG,
  LOG_TO_FILE,
} LogTarget;

static LogTarget log_target;
static char *log_path;      /* LOG_TO_FILE: the file's name, for reopening */
static int log_fd = -1;     /* LOG_TO_FILE: replaced atomically by dup2() */

static int
syslog_priority (GLogLevelFlags level)
{
  if (level & G_LOG_LEVEL_ERROR)
    return LOG_ERR;
  if (level & G_LOG_LEVEL_CRITICAL)
    return LOG_CRIT;
  if (level & G_LOG_LEVEL_WARNING)
    return LOG_WARNING;
  if (level & G_LOG_LEVEL_MESSAGE)
    return LOG_NOTICE;
  if (level & G_LOG_LEVEL_INFO)
    return LOG_INFO;
  return LOG_DEBUG;
}

/* The value of field @key of a structured log call, or NULL. */
static const char *
log_field (const GLogField *fields, gsize n_fields, const char *key, gssize *length)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, key))
      {
        *length = fields[i].length < 0 ? (gssize) strlen (fields[i].value) : fields[i].length;
        return fields[i].value;
      }
  return NULL;
}

/* A daemon's log is its only record: everything from info up is written
 * (message-scope events such as dead letters and retries are info), debug
 * only for the domains G_MESSAGES_DEBUG names, as GLib does elsewhere. */
static gboolean
log_dropped (GLogLevelFlags level, const GLogField *fields, gsize n_fields)
{
  gssize len;
  return (level & G_LOG_LEVEL_DEBUG)
         && g_log_writer_default_would_drop (level, log_field (fields, n_fields, "GLIB_DOMAIN", &len));
}

static const char *
level_name (GLogLevelFlags level)
{
  switch (syslog_priority (level))
    {
    case LOG_ERR: return "error";
    case LOG_CRIT: return "critical";
    case LOG_WARNING: return "warning";
    case LOG_NOTICE: return "notice";
    case LOG_INFO: return "info";
    default: return "debug";
    }
}

/* "2026-12-04T15:10:00.123+01:00 sr-smpp warning: text": a full local
 * timestamp, since files and "2>>" keep no other. */
static void
write_line (int fd, GLogLevelFlags level, const GLogField *fields, gsize n_fields)
{
  gssize dlen = 0, mlen = 0;
  const char *domain = log_field (fields, n_fields, "GLIB_DOMAIN", &dlen);
  const char *message = log_field (fields, n_fields, "MESSAGE", &mlen);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");
  g_autofree char *zone = g_date_time_format (now, "%:z");
  g_autofree char *text = g_strdup_printf ("%s.%03d%s %.*s %s: %.*s\n", date,
                                           g_date_time_get_microsecond (now) / 1000, zone,
                                           domain ? (int) dlen : 1, domain ? domain : "-",
                                           level_name (level),
                                           message ? (int) mlen : 0, message ? message : "");
  gsize len = strlen (text), done = 0;
  while (done < len)
    {
      /* One write per line: O_APPEND keeps concurrent lines whole. */
      gssize n = write (fd, text + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return;
      done += n;
    }
}

static GLogWriterOutput
log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  if (log_dropped (level, fields, n_fields))
    return G_LOG_WRITER_HANDLED;
  switch (log_target)
    {
    case LOG_TO_JOURNAL:
      if (g_log_writer_journald (level, fields, n_fields, user_data) == G_LOG_WRITER_HANDLED)
        return G_LOG_WRITER_HANDLED;
      break;      /* the journal went away: stderr is all that is left */
    case LOG_TO_SYSLOG:
      {
        gssize len;
        const char *message = log_field (fields, n_fields, "MESSAGE", &len);
        if (message == NULL)
          return G_LOG_WRITER_UNHANDLED;
        syslog (syslog_priority (level), "%.*s", (int) len, message);
        return G_LOG_WRITER_HANDLED;
      }
    case LOG_TO_FILE:
      write_line (log_fd, level, fields, n_fields);
      return G_LOG_WRITER_HANDLED;
    case LOG_TO_STDERR:
      break;
    }
  /* Every level to stderr: GLib's standard streams writer sends info and
   * debug to stdout, which a supervisor or "2>>" does not collect. */
  write_line (fileno (stderr), level, fields, n_fields);
  return G_LOG_WRITER_HANDLED;
}

static int
open_log_file (const char *path, GError **error)
{
  int fd = g_open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                   _("cannot open the log file %s: %s"), path, g_strerror (e));
    }
  return fd;
}

/* Whether a syslog daemon listens on the local socket. */
static gboolean
syslog_listens (void)
{
  GStatBuf st;
  return g_stat (SYSLOG_SOCKET, &st) == 0 && S_ISSOCK (st.st_mode);
}

gboolean
sr_cli_log_setup (const char *spec, GError **error)
{
  if (spec == NULL || *spec == '\0' || g_str_equal (spec, "auto"))
    {
      if (g_log_writer_is_journald (fileno (stderr)))
        spec = "journal";
      else if (!isatty (fileno (stderr)) && syslog_listens ()
               && g_getenv ("SR_LOG_STDERR") == NULL)   /* kept for older scripts */
        spec = "syslog";
      else
        spec = "stderr";
    }
  if (g_str_equal (spec, "journal"))
    log_target = LOG_TO_JOURNAL;
  else if (g_str_equal (spec, "syslog"))
    {
      log_target = LOG_TO_SYSLOG;
      openlog ("sms-router", LOG_PID | LOG_NDELAY, LOG_DAEMON);
    }
  else if (g_str_equal (spec, "stderr"))
    log_target = LOG_TO_STDERR;
  else
    {
      int fd = open_log_file (spec, error);
      if (fd < 0)
        return FALSE;
      log_target = LOG_TO_FILE;
      log_fd = fd;
      log_path = g_strdup (spec);
    }
  g_log_set_writer_func (log_writer, NULL, NULL);
  return TRUE;
}

gboolean
sr_cli_log_reopen (GError **error)
{
  if (log_target != LOG_TO_FILE)
    return TRUE;
  int fd = open_log_file (log_path, error);
  if (fd < 0)
    return FALSE;   /* keep writing to the old file rather than nowhere */
  /* Other threads may be writing: dup2 swaps the descriptor in one step. */
  if (dup2 (fd, log_fd) < 0)
    {
      int e = errno;
      close (fd);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                   _("cannot reopen the log file %s: %s"), log_path, g_strerror (e));
      return FALSE;
    }
  close (fd);
  return TRUE;
}
