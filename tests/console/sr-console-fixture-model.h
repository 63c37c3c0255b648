/* sr-console-fixture-model.h — TEST FIXTURE: an in-memory SrConsoleModel.
 *
 * Not a router.  Every list view holds `rows` generated rows (ids 1..rows)
 * that are computed from their id when asked for, never stored, so a
 * million-row journal costs nothing; rows added by actions (compose, retry)
 * and the blacklist are kept in small arrays.  It counts the queries it
 * answers so tests can prove that the console only ever fetches pages.
 * It has no count_text: the console then counts with the encoding module.
 */
#pragma once

#include "sr-console-model.h"

G_BEGIN_DECLS

typedef struct _SrFixtureModel SrFixtureModel;

SrFixtureModel *sr_fixture_model_new (gint64 rows_per_view);
void sr_fixture_model_free (SrFixtureModel *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrFixtureModel, sr_fixture_model_free)

/* The model table to hand to sr_console_new(). */
const SrConsoleModel *sr_fixture_model_get (SrFixtureModel *m);

/* Query statistics since the last reset. */
typedef struct {
  guint queries;        /* list() calls */
  guint max_count;      /* largest count asked for */
  guint64 rows_returned;
  guint details;        /* detail() calls */
  guint thread_queries; /* thread() calls (offered after sr_fixture_model_enable_thread) */
} SrFixtureStats;

void sr_fixture_model_stats (SrFixtureModel *m, SrFixtureStats *stats);
void sr_fixture_model_reset_stats (SrFixtureModel *m);

/* Actions performed, one line each ("retry 42", "compose +41...|text"). */
GPtrArray *sr_fixture_model_actions (SrFixtureModel *m);

/* Makes every later model call fail with this message (NULL: work again). */
void sr_fixture_model_set_failure (SrFixtureModel *m, const char *message);

/* Adds a queued message (as if an app dropped a file) and notifies. */
gint64 sr_fixture_model_add_queued (SrFixtureModel *m, const char *to, const char *text);

/* Offers a conversation (the same for every number: 300 messages with a
 * receipt each, 200 inbound); call before sr_console_new(). */
void sr_fixture_model_enable_thread (SrFixtureModel *m);

/* Calls the change handler the console installed, if any. */
void sr_fixture_model_notify_changed (SrFixtureModel *m);

G_END_DECLS
