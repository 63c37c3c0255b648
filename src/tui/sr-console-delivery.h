/* sr-console-delivery.h — delivery rates by country and provider, computed
 * from the journal on a worker thread (its own read-only connection) on an
 * interval while someone looks, so neither the console's drawing nor the
 * router's main loop ever waits for the query.
 */
#pragma once

#include <glib.h>

#include "sr-console-providers.h"

G_BEGIN_DECLS

/* Seconds between two countings of the last hour, and of the last day (its
 * rows are 24 times as many, and minutes matter less to it), while the
 * figures are asked for. */
#define SR_CONSOLE_DELIVERY_INTERVAL_S 10
#define SR_CONSOLE_DELIVERY_DAY_INTERVAL_S 300

typedef struct _SrConsoleDelivery SrConsoleDelivery;

/* Nothing runs until the first sr_console_delivery_fill(). */
SrConsoleDelivery *sr_console_delivery_new (const char *journal_path);
/* Stops the worker (waiting for a computation under way) and frees. */
void sr_console_delivery_free (SrConsoleDelivery *d);
/* Copies the latest figures into @p (rows, delivery_at, delivery_error)
 * and asks for new ones when they are older than the interval. */
void sr_console_delivery_fill (SrConsoleDelivery *d, SrConsoleProviders *p);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrConsoleDelivery, sr_console_delivery_free)

G_END_DECLS
