/* bench-baseline.h — the raw ceiling for the end-to-end benchmark: the same
 * PDUs submitted from memory over the router's own SMPP session library. */
#pragma once

#include "bench-common.h"

G_BEGIN_DECLS

/* What one baseline run measured. */
typedef struct {
  guint sessions;
  guint64 messages;
  guint64 parts;
  double seconds;          /* from all sessions bound to the last answer */
  double messages_per_s;
  double parts_per_s;
} BenchBaselineResult;

/* Binds the provider of @run's configuration (its binds, window, split)
 * with that many sessions and submits the parts of @messages messages of
 * the mix (a multiple of 20), each answered ESME_ROK or it fails. */
gboolean bench_baseline_run (BenchRun *run, guint64 messages, BenchBaselineResult *result,
                             GError **error);

G_END_DECLS
