/* sr-demo-launcher.c — TEST-ONLY stand-in for `sms-router --demo` until
 * main.c wires the option: runs sr_demo_main() and says how it ended.
 *
 *   sr-demo-launcher [--demo]
 */
#include <glib.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "sr-demo.h"

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  for (int i = 1; i < argc; i++)
    if (strcmp (argv[i], "--demo") != 0)
      {
        fprintf (stderr, "usage: sr-demo-launcher [--demo]\n");
        return 2;
      }
  return sr_demo_main (NULL);
}
