/* bench-sim.c — how many submit_sm per second the simulator answers on
 * loopback from one pipelining client, logging off.  Prints a table and one
 * JSON line.  Arguments: [COUNT [WINDOW]] (default 1000000 and 1000). */
#include "sr-test-sim.h"

#include <stdio.h>
#include <stdlib.h>

int
main (int argc, char **argv)
{
  guint64 count = argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 1000000;
  guint window = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 1000;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrTestSim) sim = NULL;
  const char *const args[] = { "--no-log", NULL };
  SrTestLoadResult result;

  sim = sr_test_sim_start (args, &error);
  if (sim == NULL)
    {
      fprintf (stderr, "cannot start the simulator: %s\n", error->message);
      return 1;
    }
  if (!sr_test_smpp_load (sr_test_sim_port (sim), count, window, &result, &error))
    {
      fprintf (stderr, "load failed: %s\n", error->message);
      return 1;
    }
  printf ("simulator throughput (1 client, window %u, logging off)\n", window);
  printf ("  submit_sm sent      %" G_GUINT64_FORMAT "\n", result.sent);
  printf ("  answered ESME_ROK   %" G_GUINT64_FORMAT "\n", result.ok);
  printf ("  seconds             %.3f\n", result.seconds);
  printf ("  submit_sm/s         %.0f\n", result.per_second);
  printf ("{\"bench\":\"sim-throughput\",\"count\":%" G_GUINT64_FORMAT ",\"window\":%u,"
          "\"seconds\":%.3f,\"per_second\":%.0f}\n",
          result.answered, window, result.seconds, result.per_second);
  return result.ok == count ? 0 : 1;
}
