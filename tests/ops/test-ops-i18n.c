/* test-ops-i18n.c — the console speaks German with LANGUAGE=de: its view
 * titles, tab bar and key help come from the build's catalogue (build/po). */
#include <glib.h>
#include <glib/gi18n-lib.h>
#include <locale.h>
#include <string.h>

#include "sr-console-private.h"

static void
test_console_german (void)
{
  g_assert_cmpstr (sr_console_view_title (SR_CONSOLE_VIEW_OVERVIEW), ==, "Übersicht");
  g_assert_cmpstr (sr_console_view_title (SR_CONSOLE_VIEW_DEAD), ==, "Fehlgeschlagen");

  g_autofree char *bar = sr_console_tab_bar (SR_CONSOLE_VIEW_QUEUE, 200);
  g_test_message ("%s", bar);
  g_assert_nonnull (strstr (bar, "Übersicht"));
  g_assert_nonnull (strstr (bar, "Ausgang"));
  g_assert_null (strstr (bar, "Overview"));

  /* a key help text, marked with N_() and translated where it is shown */
  g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, "Pause / resume sending"), ==, "Senden anhalten / fortsetzen");
}

int
main (int argc, char **argv)
{
  g_setenv ("LANGUAGE", "de", TRUE);
  g_setenv ("LANG", "C.UTF-8", TRUE);
  g_unsetenv ("LC_ALL");
  g_unsetenv ("LC_MESSAGES");
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  const char *builddir = g_getenv ("G_TEST_BUILDDIR");
  g_assert_nonnull (builddir);
  g_autofree char *parent = g_path_get_dirname (builddir);
  g_autofree char *localedir = g_build_filename (parent, "po", NULL);
  g_autofree char *mo = g_build_filename (localedir, "de", "LC_MESSAGES", "sms-router.mo", NULL);
  if (!g_file_test (mo, G_FILE_TEST_EXISTS))
    g_error ("%s is not built", mo);
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  g_test_add_func ("/ops/i18n/console-german", test_console_german);
  return g_test_run ();
}
