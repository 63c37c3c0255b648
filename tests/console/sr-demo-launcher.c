/* sr-demo-launcher.c — TEST-ONLY stand-in for `sms-router --demo` (and for a
 * daemon to attach to) until main.c wires the options.
 *
 *   sr-demo-launcher [--demo]          the demo with its console
 *   sr-demo-launcher --daemon          the demo headless, serving its control
 *                                      socket; prints "spool: DIR" and runs
 *                                      until SIGTERM or SIGINT
 *   sr-demo-launcher --attach SPOOL    a console attached to that daemon
 *   sr-demo-launcher --console CONFIG  what `sms-router --config CONFIG` does:
 *                                      sr_console_main() (attaches when a
 *                                      daemon holds the spool)
 */
#include <glib.h>
#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "sr-console-main.h"
#include "sr-console-remote.h"
#include "sr-demo.h"

static gboolean
quit (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static int
run_daemon (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SrDemo) demo = sr_demo_new (&error);
  if (!demo)
    {
      fprintf (stderr, "sr-demo-launcher: %s\n", error->message);
      return 1;
    }
  g_autoptr (SrConsoleServer) server = sr_console_server_new_for_router (sr_demo_get_router (demo), &error);
  if (!server)
    {
      fprintf (stderr, "sr-demo-launcher: %s\n", error->message);
      return 1;
    }
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit, loop);
  g_unix_signal_add (SIGINT, quit, loop);
  printf ("spool: %s/spool\n", sr_demo_get_dir (demo));
  fflush (stdout);
  g_main_loop_run (loop);
  return 0;
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  if (argc == 2 && strcmp (argv[1], "--daemon") == 0)
    return run_daemon ();
  if (argc == 3 && strcmp (argv[1], "--attach") == 0)
    return sr_console_attach_main (argv[2], NULL);
  if (argc == 3 && strcmp (argv[1], "--console") == 0)
    {
      g_autoptr (GError) error = NULL;
      SrConfig *config = sr_config_load (argv[2], &error);
      if (!config)
        {
          fprintf (stderr, "sr-demo-launcher: %s\n", error->message);
          return 2;
        }
      return sr_console_main (config, NULL, NULL);
    }
  if (argc == 1 || (argc == 2 && strcmp (argv[1], "--demo") == 0))
    return sr_demo_main (NULL);
  fprintf (stderr, "usage: sr-demo-launcher [--demo | --daemon | --attach SPOOL | --console CONFIG]\n");
  return 2;
}
