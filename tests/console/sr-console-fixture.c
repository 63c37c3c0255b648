/* sr-console-fixture.c — the console on the in-memory TEST FIXTURE model, in
 * a real terminal.  Driven by tests/console/test-console-tty.sh through tmux.
 *
 *   sr-console-fixture [--rows N] [--trickle MS] [--actions FILE] [--crash-after MS]
 *
 * --trickle adds a queued message every MS milliseconds (live refresh);
 * --actions writes the actions performed, one per line, when it exits;
 * --crash-after raises SIGSEGV (the terminal must still be restored).
 */
#include <glib.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "sr-console-fixture-model.h"
#include "sr-console.h"

static gboolean
trickle (gpointer data)
{
  static int n;
  g_autofree char *text = g_strdup_printf ("trickle %d", ++n);
  sr_fixture_model_add_queued (data, "+41790000000", text);
  return G_SOURCE_CONTINUE;
}

static gboolean
crash (gpointer data)
{
  raise (SIGSEGV);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  gint64 rows = 1000000;
  int trickle_ms = 0, crash_ms = 0;
  g_autofree char *actions = NULL;
  GOptionEntry entries[] = {
    { "rows", 0, 0, G_OPTION_ARG_INT64, &rows, "Generated rows per list view", "N" },
    { "trickle", 0, 0, G_OPTION_ARG_INT, &trickle_ms, "Add a queued message every MS", "MS" },
    { "crash-after", 0, 0, G_OPTION_ARG_INT, &crash_ms, "Raise SIGSEGV after MS", "MS" },
    { "actions", 0, 0, G_OPTION_ARG_FILENAME, &actions, "Write performed actions here", "FILE" },
    { NULL },
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) ctx = g_option_context_new ("— console on a test fixture model");

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "sr-console-fixture: %s\n", error->message);
      return 2;
    }

  g_autoptr (SrFixtureModel) model = sr_fixture_model_new (rows);
  SrConsoleOptions options = { .title = "sms-router (fixture)" };
  g_autoptr (SrConsole) console = sr_console_new (sr_fixture_model_get (model), &options);
  if (crash_ms > 0)
    g_timeout_add (crash_ms, crash, NULL);
  guint timer = trickle_ms > 0 ? g_timeout_add (trickle_ms, trickle, model) : 0;

  SrConsoleExit why = sr_console_run (console, &error);
  if (timer)
    g_source_remove (timer);
  if (why == SR_CONSOLE_EXIT_ERROR)
    {
      fprintf (stderr, "sr-console-fixture: %s\n", error->message);
      return 1;
    }
  if (actions)
    {
      GString *s = g_string_new (NULL);
      GPtrArray *a = sr_fixture_model_actions (model);
      for (guint i = 0; i < a->len; i++)
        g_string_append_printf (s, "%s\n", (const char *) g_ptr_array_index (a, i));
      g_file_set_contents (actions, s->str, -1, NULL);
      g_string_free (s, TRUE);
    }
  printf ("console exited: %s\n", why == SR_CONSOLE_EXIT_QUIT ? "quit" : "signal");
  return 0;
}
