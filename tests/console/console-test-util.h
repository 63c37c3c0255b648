/* console-test-util.h — a console on the fixture model, drawn into a buffer (tests only). */
#pragma once

#include <glib.h>
#include <string.h>

#include "sr-console-fixture-model.h"
#include "sr-console-private.h"

#define MILLION G_GINT64_CONSTANT (1000000)

/* A console on the fixture model, drawn into an in-memory screen. */
typedef struct {
  SrFixtureModel *model;
  SrConsole *console;
  SrTerm *term;
} Fixture;

G_GNUC_UNUSED static void
fixture_setup (Fixture *f, gconstpointer rows)
{
  f->model = sr_fixture_model_new (rows ? GPOINTER_TO_INT (rows) : MILLION);
  SrConsoleOptions options = { .title = "test" };
  f->console = sr_console_new (sr_fixture_model_get (f->model), &options);
  f->term = sr_term_buffer_new (24, 80);
  sr_console_set_size (f->console, 24, 80);
  sr_console_refresh (f->console);
}

G_GNUC_UNUSED static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  sr_console_free (f->console);
  sr_fixture_model_free (f->model);
  sr_term_free (f->term);
}

G_GNUC_UNUSED static void
press (Fixture *f, SrKeyCode code)
{
  sr_console_handle_key (f->console, sr_key (code));
}

G_GNUC_UNUSED static void
type (Fixture *f, const char *utf8)
{
  for (const char *p = utf8; *p; p = g_utf8_next_char (p))
    sr_console_handle_key (f->console, sr_key_char (g_utf8_get_char (p)));
}

G_GNUC_UNUSED static char *
screen (Fixture *f)
{
  sr_console_draw (f->console, f->term);
  return sr_term_buffer_text (f->term);
}

G_GNUC_UNUSED static gboolean
screen_has (Fixture *f, const char *needle)
{
  g_autofree char *s = screen (f);
  return strstr (s, needle) != NULL;
}

G_GNUC_UNUSED static gint64
selected_id (Fixture *f)
{
  SrConsoleRow *row = sr_console_list_selected (&f->console->lists[f->console->view]);
  g_assert_nonnull (row);
  return row->id;
}

G_GNUC_UNUSED static const char *
last_action (Fixture *f)
{
  GPtrArray *a = sr_fixture_model_actions (f->model);
  return a->len ? g_ptr_array_index (a, a->len - 1) : "";
}
