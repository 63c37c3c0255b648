/* main.c — option parsing; starts the console, the daemon or a sub-command. */
#include "sr-build-config.h"
#include <glib.h>
#include <stdio.h>

int
main (int argc, char **argv)
{
  printf ("sms-router %s\n", PACKAGE_VERSION);
  return 0;
}
