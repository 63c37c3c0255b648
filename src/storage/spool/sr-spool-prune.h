/* sr-spool-prune.h — removing old files from the finished folders of an app
 * (sent/, dead/, receipts/new/, receipts/cur/): the spool half of the
 * router's retention.  Work is done in bounded steps so that a folder with
 * many files does not stall the main loop.  Outboxes and inboxes are never
 * touched: their files are not finished (or are the app's). */
#pragma once

#include <glib.h>

#include "sr-spool.h"

G_BEGIN_DECLS

/* A walk over one folder, removing files last modified before a time. */
typedef struct _SrSpoolPrune SrSpoolPrune;

/* Opens @folder of @app for pruning files whose mtime is before @before
 * (microseconds since the epoch, like g_get_real_time()).  @folder must be
 * SR_SPOOL_SENT, SR_SPOOL_DEAD, SR_SPOOL_RECEIPTS_NEW or SR_SPOOL_RECEIPTS_CUR. */
SrSpoolPrune *sr_spool_prune_open (SrSpool *spool, const char *app, SrSpoolFolder folder,
                                   gint64 before, GError **error);
/* Looks at up to @max entries and removes the old ones among them (the
 * entry itself: a link is removed, not its target; dot-files, which are
 * writes in progress, and folders are left alone), adding their number to
 * *@removed.  Returns 1 when more
 * entries remain, 0 when the folder is done, -1 on an error (the walk is
 * over; files removed so far are counted). */
gint sr_spool_prune_step (SrSpoolPrune *prune, guint max, guint64 *removed, GError **error);
void sr_spool_prune_close (SrSpoolPrune *prune);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrSpoolPrune, sr_spool_prune_close)

G_END_DECLS
