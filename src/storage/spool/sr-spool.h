/* sr-spool.h — the maildir spool: one directory tree shared with the apps.
 *
 *     SPOOL/apps/<app>/outbox/{tmp,new,cur}   apps write tmp/, rename into new/
 *     SPOOL/apps/<app>/sent/                  accepted by the SMSC (+ X-SMSC-Id)
 *     SPOOL/apps/<app>/dead/                  could not be sent (+ X-Error-Class, X-Error)
 *     SPOOL/apps/<app>/receipts/{tmp,new,cur} receipt files for the app
 *     SPOOL/apps/<app>/inbox/{tmp,new,cur}    inbound SMS for the app
 *     SPOOL/router/                           journal.db, lock, control socket
 *
 * File names are maildir unique names, "<seconds>.<microseconds>P<pid>Q<seq>.<host>"
 * (time, pid, sequence and host, as in "<time>.<pid>_<seq>.<host>"); a name is
 * only ever used as the identity of a message.
 *
 * The hot path works on directory descriptors opened once (openat, renameat,
 * unlinkat).  Nothing here fsyncs unless asked: the journal is the durable
 * record of the router; `sms-router send` asks with SR_SPOOL_FSYNC.
 *
 * An app may write its own folder, so every folder from apps/ down is opened
 * one name at a time with O_NOFOLLOW and checked: a real folder, owned by
 * the router's user or by the owner of apps/<app> (whoever the operator gave
 * the app folder to).  Everything after that goes through the descriptors
 * held from then on, never a path: a link swapped in later is not followed.
 * Nothing an app names is opened in a way that could block (FIFOs) or
 * follow a link; temporaries are always created anew (O_EXCL).
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

#define SR_SPOOL_ERROR (sr_spool_error_quark ())
GQuark sr_spool_error_quark (void);

/* Why a spool operation failed. */
typedef enum {
  SR_SPOOL_ERROR_IO,            /* a system call failed; the message names path and errno */
  SR_SPOOL_ERROR_INVALID_NAME,  /* an app or file name with '/', a leading '.', or empty */
  SR_SPOOL_ERROR_UNKNOWN_APP,   /* the app was not given to sr_spool_open() */
  SR_SPOOL_ERROR_CLAIMED,       /* the file left outbox/new/ first: another claimer took it */
  SR_SPOOL_ERROR_NOT_FOUND,     /* no such file in that folder */
  SR_SPOOL_ERROR_TOO_LARGE,     /* the file is over the size limit */
  SR_SPOOL_ERROR_NOT_REGULAR,   /* a symlink, directory or device where a file should be */
  SR_SPOOL_ERROR_LOCKED,        /* another process holds SPOOL/router/lock */
  SR_SPOOL_ERROR_UNSAFE_FOLDER, /* a spool folder that is a link, not a folder, or someone else's */
  SR_SPOOL_ERROR_UNREADABLE,    /* the router may not read the file (its mode or owner) */
} SrSpoolError;

/* The maildir boxes something can be delivered into (tmp/, then new/). */
typedef enum {
  SR_SPOOL_BOX_OUTBOX,
  SR_SPOOL_BOX_RECEIPTS,
  SR_SPOOL_BOX_INBOX,
} SrSpoolBox;

/* The folders of one app that can be listed and read. */
typedef enum {
  SR_SPOOL_OUTBOX_NEW,
  SR_SPOOL_OUTBOX_CUR,          /* claimed; after a crash: to be recovered */
  SR_SPOOL_SENT,
  SR_SPOOL_DEAD,
  SR_SPOOL_RECEIPTS_NEW,
  SR_SPOOL_RECEIPTS_CUR,
  SR_SPOOL_INBOX_NEW,
  SR_SPOOL_INBOX_CUR,
  SR_SPOOL_N_FOLDERS,
} SrSpoolFolder;

/* Where a finished message goes. */
typedef enum {
  SR_SPOOL_FINISH_SENT,
  SR_SPOOL_FINISH_DEAD,
} SrSpoolOutcome;

/* Options of writing calls. */
typedef enum {
  SR_SPOOL_NONE = 0,
  SR_SPOOL_FSYNC = 1 << 0,      /* fsync the file and its directory before returning */
  SR_SPOOL_KEEP_NAME = 1 << 1,  /* sr_spool_deliver(): use the name in *name (from
                                 * sr_spool_unique_name()), fail rather than pick another:
                                 * for writers that record the name before the file appears */
} SrSpoolFlags;

/* An open spool: the tree and a cached descriptor for every folder. */
typedef struct _SrSpool SrSpool;

/* Opens SPOOL, creating the tree for each app (apps/<app> folders mode 0770
 * when created here; existing modes are the operator's and are left alone).
 * SR_SPOOL_ERROR_UNSAFE_FOLDER, naming the folder, if one is a link, not a
 * folder, or owned by someone else (see above). */
SrSpool *sr_spool_open (const char *root, const char *const *apps, GError **error);
void sr_spool_free (SrSpool *spool);
const char *sr_spool_get_root (const SrSpool *spool);
/* The app names, in the order given to sr_spool_open(). */
const char *const *sr_spool_get_apps (const SrSpool *spool);
/* The path of a folder (or of a file in it, if @name is not NULL). */
char *sr_spool_get_path (const SrSpool *spool, const char *app,
                         SrSpoolFolder folder, const char *name);

/* A new maildir unique name (unique within and across processes). */
char *sr_spool_unique_name (void);

/* Writes @data to <box>/tmp/NAME (exclusive create) and renames it into
 * <box>/new/NAME.  *@name (optional) receives the new name. */
gboolean sr_spool_deliver (SrSpool *spool, const char *app, SrSpoolBox box,
                           const void *data, gsize len, SrSpoolFlags flags,
                           char **name, GError **error);

/* Writes @data to <box>/tmp/@name and renames it into <box>/new/@name, for
 * writers whose name must be the same after a crash (inbound messages).
 * Nothing is written, and TRUE returned, when <box>/new/ or <box>/cur/
 * already holds @name: it was delivered before. */
gboolean sr_spool_deliver_named (SrSpool *spool, const char *app, SrSpoolBox box,
                                 const char *name, const void *data, gsize len,
                                 SrSpoolFlags flags, GError **error);
/* Makes every file delivered so far durable (syncfs of the file system
 * holding @app's folder): deliver a batch without SR_SPOOL_FSYNC, then call
 * this once before acknowledging any of it. */
gboolean sr_spool_sync (SrSpool *spool, const char *app, GError **error);

/* Moves outbox/new/NAME to outbox/cur/NAME.  SR_SPOOL_ERROR_CLAIMED if it is
 * gone (someone else claimed it, or the app took it back). */
gboolean sr_spool_claim (SrSpool *spool, const char *app, const char *name,
                         GError **error);

/* Reads a file of @folder.  SR_SPOOL_ERROR_TOO_LARGE if it has more than
 * @max_size bytes (0: no limit), found without reading it all. */
GBytes *sr_spool_read (SrSpool *spool, const char *app, SrSpoolFolder folder,
                       const char *name, gsize max_size, GError **error);

/* Moves outbox/cur/NAME into sent/NAME or dead/NAME with @extra_headers
 * (NULL-terminated name, value pairs) added after the original headers
 * (replacing headers of those names a crashed earlier finish left) and the
 * body unchanged.  A result of up to one page is written over the claimed
 * file, which is then renamed: no file is created or deleted.  Otherwise
 * (an app that kept a hard link to its file among the reasons),
 * or when the router may not write the app's file, it is copied (a
 * temporary dot-file in the destination, then rename) and outbox/cur/NAME
 * removed.  @data/@len: the whole file's bytes if the caller has them
 * (saves a read); NULL to read the file (any size, streamed).  A dead
 * letter given as NULL that is not a regular file (a link, FIFO, socket,
 * directory) or that the router may not read moves into dead/ as it is,
 * without @extra_headers: it is never opened or followed. */
gboolean sr_spool_finish (SrSpool *spool, const char *app, const char *name,
                          SrSpoolOutcome outcome, const void *data, gsize len,
                          const char *const *extra_headers, SrSpoolFlags flags,
                          GError **error);

/* Moves dead/NAME back to outbox/new/ under a new unique name (*@new_name),
 * without its X-Error* headers; @to, @from and @body (each may be NULL)
 * replace the To and From headers and the body (edit-and-retry). */
gboolean sr_spool_retry_dead (SrSpool *spool, const char *app, const char *name,
                              const char *to, const char *from, const char *body,
                              SrSpoolFlags flags, char **new_name, GError **error);
/* Deletes dead/NAME. */
gboolean sr_spool_discard_dead (SrSpool *spool, const char *app,
                                const char *name, GError **error);
/* Deletes a file of any folder (a receipt the console acknowledged, ...). */
gboolean sr_spool_remove (SrSpool *spool, const char *app, SrSpoolFolder folder,
                          const char *name, GError **error);

/* ---- streaming scans (sr-spool-scan.c) ---- */

/* A directory listing read in batches: never the whole folder in memory. */
typedef struct _SrSpoolScan SrSpoolScan;

/* Lists @folder of @app; SR_SPOOL_OUTBOX_CUR is the restart recovery list. */
SrSpoolScan *sr_spool_scan_new (SrSpool *spool, const char *app,
                                SrSpoolFolder folder, GError **error);
/* Appends up to @max names (g_free'd by the array) to @names, skipping dot
 * files.  Entries that are not regular files are listed too: whatever an
 * app drops into its outbox is the router's to dead-letter, never to leave
 * there silently.  Returns FALSE on error; no names
 * appended and TRUE means the listing is complete. */
gboolean sr_spool_scan_next (SrSpoolScan *scan, GPtrArray *names, guint max,
                             GError **error);
void sr_spool_scan_free (SrSpoolScan *scan);

/* Whether a listed file is complete, for writers that do not follow the
 * maildir rule (smstools3 scripts write in place, or fill an empty file). */
typedef enum {
  SR_SPOOL_FILE_READY,       /* not empty and unchanged for the settle time */
  SR_SPOOL_FILE_WRITING,     /* empty, or changed lately: look again at *recheck_at */
  SR_SPOOL_FILE_ABANDONED,   /* empty for the empty limit: claim it (a dead letter) */
  SR_SPOOL_FILE_GONE,        /* no longer there */
} SrSpoolFileState;

/* The state of @name in @scan's folder at real time @now; @settle and
 * @empty_limit in microseconds.  Its last change is the later of its
 * modification and status change times (a move keeps the former). */
SrSpoolFileState sr_spool_scan_file_state (SrSpoolScan *scan, const char *name,
                                           gint64 now, gint64 settle,
                                           gint64 empty_limit, gint64 *recheck_at);
/* TRUE if @folder of @app holds at least one file (reads one entry). */
gboolean sr_spool_has_files (SrSpool *spool, const char *app, SrSpoolFolder folder);

/* Removes what a crash leaves behind: sr_spool_finish() temporaries in sent/
 * and dead/, and files in the tmp/ folders older than @tmp_max_age seconds
 * (maildir says 36 hours: a younger one may still be being written).  Call
 * it only while holding the lock.  Returns how many files went, -1 on error. */
gint sr_spool_clean_temporaries (SrSpool *spool, gint64 tmp_max_age, GError **error);

/* ---- watching outboxes (sr-spool-watch.c) ---- */

/* Called from the main loop: "app @app may have new files in outbox/new/".
 * It must not free the watch. */
typedef void (*SrSpoolWatchFunc) (const char *app, gpointer user_data);

/* A GFileMonitor on each outbox/new/ plus a rescan timer. */
typedef struct _SrSpoolWatch SrSpoolWatch;

/* Options of a watch. */
typedef enum {
  SR_SPOOL_WATCH_DEFAULT = 0,
  SR_SPOOL_WATCH_NO_MONITOR = 1 << 0,   /* only the rescan timer (network file systems) */
} SrSpoolWatchFlags;

/* Bursts of events are coalesced into one call per app per main-loop
 * iteration.  Every @rescan_ms (0: never) each outbox/new/ that holds a file
 * is reported too: the monitor is a hint, the scan is the truth. */
SrSpoolWatch *sr_spool_watch_new (SrSpool *spool, guint rescan_ms,
                                  SrSpoolWatchFlags flags, SrSpoolWatchFunc func,
                                  gpointer user_data, GError **error);
void sr_spool_watch_free (SrSpoolWatch *watch);
/* Stops @app's monitor while the router drains its outbox by scanning: at
 * thousands of files a second the events cost CPU and say nothing new.
 * The rescan timer keeps running. */
void sr_spool_watch_pause (SrSpoolWatch *watch, const char *app);
/* Restarts @app's monitor and reports @app once, for the files that arrived
 * while it was paused.  Call it when a scan of outbox/new/ came back empty. */
gboolean sr_spool_watch_resume (SrSpoolWatch *watch, const char *app, GError **error);

/* ---- the single-instance lock (sr-spool-lock.c) ---- */

/* SPOOL/router/lock, held with flock() for the lifetime of the router. */
typedef struct _SrSpoolLock SrSpoolLock;

/* Takes the lock and writes our PID into it; SR_SPOOL_ERROR_LOCKED naming
 * the holder's PID if another process has it. */
SrSpoolLock *sr_spool_lock_acquire (const char *root, GError **error);
void sr_spool_lock_release (SrSpoolLock *lock);
/* The PID of the process holding the lock, 0 if it is free (the lock is not
 * taken; the console uses this to attach to a running daemon). */
pid_t sr_spool_lock_holder (const char *root);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrSpool, sr_spool_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrSpoolScan, sr_spool_scan_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrSpoolWatch, sr_spool_watch_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrSpoolLock, sr_spool_lock_release)

G_END_DECLS
