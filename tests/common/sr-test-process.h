/* sr-test-process.h — helpers for tests that run the daemon as a subprocess. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A child setup for GSubprocessLauncher: the child gets SIGKILL when the test
 * dies, so a failed assertion never leaves a daemon holding the test's pipes. */
void sr_test_process_die_with_parent (gpointer user_data);

/* Appends to @out what @process wrote to its piped stderr so far, without
 * blocking. */
void sr_test_process_drain_stderr (GSubprocess *process, GString *out);

G_END_DECLS
