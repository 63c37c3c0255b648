/* sr-test-process.c — helpers for tests that run the daemon as a subprocess. */
#include "sr-test-process.h"

#include <signal.h>
#include <sys/prctl.h>

void
sr_test_process_die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

void
sr_test_process_drain_stderr (GSubprocess *process, GString *out)
{
  GInputStream *err = g_subprocess_get_stderr_pipe (process);
  char buf[4096];
  gssize n;
  while ((n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (err), buf,
                                                        sizeof buf, NULL, NULL)) > 0)
    g_string_append_len (out, buf, n);
}
