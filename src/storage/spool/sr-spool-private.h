/* sr-spool-private.h — what the spool's source files share. */
#pragma once

#include "sr-spool.h"

#include <dirent.h>
#include <sys/stat.h>

/* The folders of one app that get a cached descriptor. */
typedef enum {
  SR_SPOOL_DIR_OUTBOX_TMP,
  SR_SPOOL_DIR_OUTBOX_NEW,
  SR_SPOOL_DIR_OUTBOX_CUR,
  SR_SPOOL_DIR_SENT,
  SR_SPOOL_DIR_DEAD,
  SR_SPOOL_DIR_RECEIPTS_TMP,
  SR_SPOOL_DIR_RECEIPTS_NEW,
  SR_SPOOL_DIR_RECEIPTS_CUR,
  SR_SPOOL_DIR_INBOX_TMP,
  SR_SPOOL_DIR_INBOX_NEW,
  SR_SPOOL_DIR_INBOX_CUR,
  SR_SPOOL_N_DIRS,
} SrSpoolDir;

/* One app's folder and its open directories. */
typedef struct {
  char *name;
  char *path;                    /* SPOOL/apps/<app> */
  int app_fd;
  int fds[SR_SPOOL_N_DIRS];
  uid_t owners[2];               /* who may own its folders: the router, the app folder's owner */
} SrSpoolApp;

struct _SrSpool {
  char *root;
  GPtrArray *apps;               /* SrSpoolApp*, in the order given */
  GHashTable *by_name;           /* name → SrSpoolApp* (borrowed) */
  char **app_names;
};

/* Prefix of the temporary files of sr_spool_finish(); scans skip dot files. */
#define SR_SPOOL_FINISH_PREFIX ".fin."

extern const char *const sr_spool_dir_names[SR_SPOOL_N_DIRS];

/* Modes of the folders the router creates (README, "Permissions"): the root,
 * apps/ and router/ may be passed through by every user but listed by none,
 * so an application reaches its own apps/<app>/ through its group alone,
 * without the router's group; an app's folders belong to the router and
 * the app's group, setgid so that files the router writes there (receipts,
 * inbox) get the app's group. */
#define SR_SPOOL_TOP_MODE 0711
#define SR_SPOOL_APP_MODE 02770

/* Creates @root, root/apps and root/router with SR_SPOOL_TOP_MODE exactly
 * (not reduced by the umask) where they do not exist yet. */
gboolean sr_spool_make_top (const char *root, GError **error);

SrSpoolApp *sr_spool_lookup_app (SrSpool *spool, const char *app, GError **error);
SrSpoolDir sr_spool_folder_dir (SrSpoolFolder folder);
gboolean sr_spool_check_name (const char *name, GError **error);
/* A directory stream over a held folder, with its own read position (a
 * fresh open of "." relative to the folder's descriptor, never a path). */
DIR *sr_spool_open_stream (SrSpoolApp *a, SrSpoolDir dir, GError **error);
/* "a symbolic link", "a FIFO", ... for messages about what an entry is. */
const char *sr_spool_kind_name (mode_t mode);
/* Sets an SR_SPOOL_ERROR from errno: "Cannot <action> <dir>/<name>: <strerror>". */
void sr_spool_set_errno (GError **error, int errsv, const char *action,
                         const SrSpoolApp *app, SrSpoolDir dir, const char *name);
