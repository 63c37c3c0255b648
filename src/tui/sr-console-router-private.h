/* sr-console-router-private.h — shared by the router model's list and detail halves. */
#pragma once

#include <glib.h>

#include "sr-console-delivery.h"
#include "sr-console-model.h"
#include "sr-console-router-model.h"
#include "sr-router.h"

G_BEGIN_DECLS

/* The model: the router, the operator's name and the console's change handler. */
struct _SrConsoleRouterModel {
  SrConsoleModel table;
  SrRouter *router;
  char *actor;
  SrConsoleChangedFunc changed;
  gpointer changed_data;
  SrConsoleFrontEndsFunc front_ends;
  gpointer front_ends_data;
  SrConsoleDelivery *delivery;  /* started by the first providers call */
};

/* "14:03:07" today, "2026-11-21 14:03" before, "" for 0. */
char *sr_rm_format_time (gint64 usec);
/* "2026-11-21 14:03:07", NULL for 0. */
char *sr_rm_format_full_time (gint64 usec);
const char *sr_rm_nz (const char *s);
char *sr_rm_dup_nz (const char *s);
const char *sr_rm_journal_state_name (SrMessageState state);
const char *sr_rm_journal_receipt_name (SrReceiptState state);
/* "kind by actor: text [#id]" */
char *sr_rm_event_line (const SrJournalEvent *ev);
/* Every blacklist entry in (kind, value) order. */
GPtrArray *sr_rm_blacklist_all (SrConsoleRouterModel *self, GError **error);
/* Turns a control / journal error into a console model error (takes @cause). */
void sr_rm_set_error_from (GError **error, GError *cause);
SrConsoleDetail *sr_rm_detail (gpointer user_data, SrConsoleView view, gint64 id, GError **error);
/* The Providers view (sr-console-router-providers.c). */
SrConsoleProviders *sr_rm_providers (gpointer user_data, GError **error);
/* The conversation with a number (sr-console-router-thread.c). */
SrConsoleThreadPage *sr_rm_thread (gpointer user_data, const SrConsoleThreadQuery *q, GError **error);

G_END_DECLS
