/* sr-journal-stats.h — delivery figures from the journal for the console:
 * messages by destination country, provider and state over a recent window.
 *
 * Message ids grow with created_at (rows are inserted when their file is
 * claimed, with the time of the claim), so the window's first row is found
 * by a binary search on the primary key and only the window's rows are read:
 * no index on created_at is needed, and none costs the hot path an insert.
 */
#pragma once

#include <glib.h>

#include "sr-journal.h"

G_BEGIN_DECLS

/* Messages of one (country, provider, state) claimed in the window. */
typedef struct {
  char *country;               /* region code; NULL = unknown (a number that did not parse) */
  char *provider;              /* NULL = none (never routed: input, policy) */
  SrMessageState state;
  gboolean recent;             /* claimed at or after recent_since */
  guint64 count;
} SrJournalDeliveryCount;

/* The first message id claimed at or after @since (or one past the last id
 * when there is none): the journal's window starts there. */
gint64 sr_journal_first_id_since (SrJournal *journal, gint64 since, GError **error);

/* Counts the messages claimed at or after @since by country, provider,
 * state and whether they were claimed at or after @recent_since (>= since):
 * one pass over the window's rows for two windows (a day and its last hour).
 * Returns SrJournalDeliveryCount (free func set), or NULL on error. */
GPtrArray *sr_journal_delivery_counts (SrJournal *journal, gint64 since, gint64 recent_since,
                                       GError **error);

G_END_DECLS
