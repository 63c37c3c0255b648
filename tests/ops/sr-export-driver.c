/* sr-export-driver.c — runs `sms-router export` through sr_cli_export() with
 * the same start-up as the program (locale, catalogue from $SR_LOCALEDIR),
 * for the tests while the program's main() does not dispatch it. */
#include "sr-build-config.h"

#include <glib.h>
#include <glib/gi18n-lib.h>
#include <locale.h>
#include <string.h>

int sr_cli_export (int argc, char **argv);

int
main (int argc, char **argv)
{
  const char *localedir = g_getenv ("SR_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("sms-router");
  if (argc < 2 || strcmp (argv[1], "export") != 0)
    {
      g_printerr ("usage: %s export [OPTION…]\n", argv[0]);
      return 2;
    }
  return sr_cli_export (argc - 1, argv + 1);
}
