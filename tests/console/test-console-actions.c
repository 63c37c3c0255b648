/* test-console-actions.c — keys on the buffer backend: paging over a
 * million rows, forms, the compose counter, actions, help. */
#include "console-test-util.h"

#include <glib/gstdio.h>

/* --- Paging ------------------------------------------------------------------ */

static void
assert_only_pages (Fixture *f, guint max_queries)
{
  SrFixtureStats s;
  sr_fixture_model_stats (f->model, &s);
  guint page = sr_console_page_rows (f->console);
  g_assert_cmpuint (s.max_count, <=, page);
  g_assert_cmpuint (s.queries, <=, max_queries);
  g_assert_cmpuint (s.rows_returned, <=, (guint64) max_queries * page);
  sr_fixture_model_reset_stats (f->model);
}

static void
test_paging_million (Fixture *f, gconstpointer data)
{
  SrConsoleList *list = &f->console->lists[SR_CONSOLE_VIEW_QUEUE];
  guint page = sr_console_page_rows (f->console);
  g_assert_cmpuint (page, ==, 12);

  sr_console_set_view (f->console, SR_CONSOLE_VIEW_QUEUE);
  g_assert_cmpint (selected_id (f), ==, MILLION);
  sr_fixture_model_reset_stats (f->model);

  press (f, SR_KEY_END);
  g_assert_cmpint (selected_id (f), ==, 1);
  g_assert_cmpuint (list->rows->len, ==, page);
  assert_only_pages (f, 1);
  g_assert_true (screen_has (f, "+41790000001"));

  press (f, SR_KEY_UP);
  g_assert_cmpint (selected_id (f), ==, 2);
  press (f, SR_KEY_PGUP);
  g_assert_cmpint (selected_id (f), ==, 2 + page);
  assert_only_pages (f, 1);
  press (f, SR_KEY_PGUP);
  press (f, SR_KEY_PGUP);
  g_assert_cmpint (selected_id (f), ==, 2 + 3 * page);
  assert_only_pages (f, 2);

  press (f, SR_KEY_HOME);
  g_assert_cmpint (selected_id (f), ==, MILLION);
  g_assert_cmpint (list->top_cursor, ==, SR_CONSOLE_CURSOR_NEWEST);
  assert_only_pages (f, 1);

  /* Row by row past the bottom of the page, then page by page. */
  for (int i = 0; i < 30; i++)
    press (f, SR_KEY_DOWN);
  g_assert_cmpint (selected_id (f), ==, MILLION - 30);
  assert_only_pages (f, 30);
  for (guint i = 0; i + 1 < list->rows->len; i++)
    g_assert_cmpint (((SrConsoleRow *) list->rows->pdata[i])->id, ==,
                     ((SrConsoleRow *) list->rows->pdata[i + 1])->id + 1);
  for (int i = 0; i < 5; i++)
    press (f, SR_KEY_PGDN);
  g_assert_cmpint (selected_id (f), ==, MILLION - 30 - 5 * (gint64) page);
  press (f, SR_KEY_UP);
  g_assert_cmpint (selected_id (f), ==, MILLION - 29 - 5 * (gint64) page);

  /* A refresh keeps the place: the page does not jump back to the top. */
  gint64 before = selected_id (f);
  sr_console_refresh (f->console);
  g_assert_cmpint (selected_id (f), ==, before);
  assert_only_pages (f, 8);

  /* Up at the very top stays on the newest row. */
  press (f, SR_KEY_HOME);
  press (f, SR_KEY_UP);
  press (f, SR_KEY_PGUP);
  g_assert_cmpint (selected_id (f), ==, MILLION);

  /* A thousand keypresses over a million rows cost a thousand small queries. */
  gint64 t0 = g_get_monotonic_time ();
  sr_fixture_model_reset_stats (f->model);
  for (int i = 0; i < 1000; i++)
    press (f, i % 2 ? SR_KEY_END : SR_KEY_PGDN);
  assert_only_pages (f, 1000);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 10 * G_USEC_PER_SEC);
}

static void
test_live_top_and_new_rows (Fixture *f, gconstpointer data)
{
  sr_console_set_view (f->console, SR_CONSOLE_VIEW_QUEUE);
  press (f, SR_KEY_DOWN);
  gint64 sel = selected_id (f);
  gint64 id = sr_fixture_model_add_queued (f->model, "+41790000000", "fresh message");
  sr_console_refresh (f->console);
  /* Pinned to the top: the new row appears, the selection stays on its row. */
  g_assert_cmpint (((SrConsoleRow *) f->console->lists[SR_CONSOLE_VIEW_QUEUE].rows->pdata[0])->id, ==, id);
  g_assert_cmpint (selected_id (f), ==, sel);
  g_assert_true (screen_has (f, "fresh message"));
}

static void
test_small_list (Fixture *f, gconstpointer data)
{
  /* Fewer rows than a page: End and Home show the same rows. */
  sr_console_set_view (f->console, SR_CONSOLE_VIEW_QUEUE);
  g_assert_cmpuint (f->console->lists[SR_CONSOLE_VIEW_QUEUE].rows->len, ==, 5);
  press (f, SR_KEY_END);
  g_assert_cmpint (selected_id (f), ==, 1);
  press (f, SR_KEY_PGDN);
  g_assert_cmpint (selected_id (f), ==, 1);
  press (f, SR_KEY_PGUP);
  g_assert_cmpint (selected_id (f), ==, 5);
  g_assert_cmpuint (f->console->lists[SR_CONSOLE_VIEW_QUEUE].rows->len, ==, 5);
}

static void
test_filter (Fixture *f, gconstpointer data)
{
  sr_console_set_view (f->console, SR_CONSOLE_VIEW_QUEUE);
  press (f, SR_KEY_DOWN);
  sr_console_handle_key (f->console, sr_key_char ('/'));
  g_assert_cmpint (f->console->mode, ==, SR_CONSOLE_MODE_FORM);
  type (f, "日本語");
  press (f, SR_KEY_ENTER);
  g_assert_cmpint (f->console->mode, ==, SR_CONSOLE_MODE_NORMAL);
  SrConsoleList *list = &f->console->lists[SR_CONSOLE_VIEW_QUEUE];
  g_assert_cmpuint (list->rows->len, ==, sr_console_page_rows (f->console));
  for (guint i = 0; i < list->rows->len; i++)
    g_assert_cmpint (((SrConsoleRow *) list->rows->pdata[i])->id % 7, ==, 0);
  g_assert_cmpint (selected_id (f), ==, 994);
  g_assert_true (screen_has (f, "filter: 日本語"));

  /* A number filter that matches nothing says so. */
  sr_console_handle_key (f->console, sr_key_char ('/'));
  press (f, SR_KEY_CTRL_U);
  type (f, "+4412");
  press (f, SR_KEY_ENTER);
  g_assert_cmpuint (list->rows->len, ==, 0);
  g_assert_true (screen_has (f, "No rows match"));

  /* Empty filter: everything again. */
  sr_console_handle_key (f->console, sr_key_char ('/'));
  press (f, SR_KEY_CTRL_U);
  press (f, SR_KEY_ENTER);
  g_assert_null (list->filter);
  g_assert_cmpint (selected_id (f), ==, 1000);
}

/* --- Forms --------------------------------------------------------------------- */

static void
test_form_editing (void)
{
  g_autoptr (SrConsoleForm) form = sr_console_form_new (SR_FORM_COMPOSE, "t");
  sr_console_form_add (form, "To", "");
  sr_console_form_add (form, "Text", "ab");
  static const char *const kinds[] = { "country", "number", "prefix", NULL };
  sr_console_form_add_choice (form, "Kind", kinds, 0);

  static const struct {
    SrKey key;
    guint field;
    const char *value;
    guint cursor;
  } steps[] = {
    { { SR_KEY_CHAR, '+' }, 0, "+", 1 },
    { { SR_KEY_CHAR, 0x65e5 }, 0, "+日", 2 },          /* 日 */
    { { SR_KEY_CHAR, 0x1f600 }, 0, "+日😀", 3 },       /* 😀 */
    { { SR_KEY_LEFT, 0 }, 0, "+日😀", 2 },
    { { SR_KEY_BACKSPACE, 0 }, 0, "+😀", 1 },
    { { SR_KEY_CHAR, 'x' }, 0, "+x😀", 2 },
    { { SR_KEY_HOME, 0 }, 0, "+x😀", 0 },
    { { SR_KEY_DELETE, 0 }, 0, "x😀", 0 },
    { { SR_KEY_BACKSPACE, 0 }, 0, "x😀", 0 },          /* nothing before the cursor */
    { { SR_KEY_END, 0 }, 0, "x😀", 2 },
    { { SR_KEY_RIGHT, 0 }, 0, "x😀", 2 },              /* already at the end */
    { { SR_KEY_DELETE, 0 }, 0, "x😀", 2 },
    { { SR_KEY_CTRL_A, 0 }, 0, "x😀", 0 },
    { { SR_KEY_CTRL_E, 0 }, 0, "x😀", 2 },
    { { SR_KEY_TAB, 0 }, 1, "ab", 2 },
    { { SR_KEY_CHAR, 0xe9 }, 1, "abé", 3 },
    { { SR_KEY_CTRL_U, 0 }, 1, "", 0 },
    { { SR_KEY_DOWN, 0 }, 2, "country", 7 },
    { { SR_KEY_RIGHT, 0 }, 2, "number", 6 },
    { { SR_KEY_CHAR, ' ' }, 2, "prefix", 6 },
    { { SR_KEY_RIGHT, 0 }, 2, "country", 7 },
    { { SR_KEY_LEFT, 0 }, 2, "prefix", 6 },
    { { SR_KEY_CHAR, 'n' }, 2, "number", 6 },
    { { SR_KEY_TAB, 0 }, 0, "x😀", 2 },
    { { SR_KEY_BTAB, 0 }, 2, "number", 6 },
    { { SR_KEY_UP, 0 }, 1, "", 0 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_assert_cmpint (sr_console_form_key (form, steps[i].key), ==, SR_FORM_CONTINUE);
      g_assert_cmpuint (form->focus, ==, steps[i].field);
      SrConsoleFormField *fld = g_ptr_array_index (form->fields, steps[i].field);
      g_assert_cmpstr (fld->value->str, ==, steps[i].value);
      g_assert_cmpuint (fld->cursor, ==, steps[i].cursor);
    }
  g_assert_cmpint (sr_console_form_key (form, sr_key (SR_KEY_ENTER)), ==, SR_FORM_SUBMIT);
  g_assert_cmpint (sr_console_form_key (form, sr_key (SR_KEY_ESC)), ==, SR_FORM_CANCEL);
}

static void
test_count_format (void)
{
  static const struct {
    SrConsoleTextCount count;
    const char *text;
  } cases[] = {
    { { SR_CONSOLE_ALPHABET_GSM7, 2, 146 }, "GSM 7-bit · 2 parts · 146 left" },
    { { SR_CONSOLE_ALPHABET_GSM7, 1, 160 }, "GSM 7-bit · 1 part · 160 left" },
    { { SR_CONSOLE_ALPHABET_UCS2, 1, 69 }, "UCS-2 · 1 part · 69 left" },
    { { SR_CONSOLE_ALPHABET_LATIN1, 3, 0 }, "Latin-1 · 3 parts · 0 left" },
    { { SR_CONSOLE_ALPHABET_GSM7, 10, 0, 10 }, "GSM 7-bit · 10 parts · 0 left" },
    { { SR_CONSOLE_ALPHABET_GSM7, 11, 152, 10 }, "GSM 7-bit · 11 parts · too long: at most 10" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *s = sr_console_format_count (&cases[i].count);
      g_assert_cmpstr (s, ==, cases[i].text);
    }
}

static void
test_compose_counter (Fixture *f, gconstpointer data)
{
  sr_console_handle_key (f->console, sr_key_char ('c'));
  g_assert_cmpint (f->console->mode, ==, SR_CONSOLE_MODE_FORM);
  g_assert_true (screen_has (f, "GSM 7-bit · 1 part · 160 left"));
  type (f, "+41791234567");
  press (f, SR_KEY_TAB);
  press (f, SR_KEY_TAB);
  g_assert_cmpstr (sr_console_form_value (f->console->form, 2), ==, "billing");
  press (f, SR_KEY_TAB);
  type (f, "Hello");
  g_assert_true (screen_has (f, "GSM 7-bit · 1 part · 155 left"));
  for (int i = 0; i < 160; i++)
    type (f, "x");
  g_assert_true (screen_has (f, "GSM 7-bit · 2 parts · 141 left"));
  type (f, "日");
  g_assert_true (screen_has (f, "UCS-2 · 3 parts · 35 left"));
  press (f, SR_KEY_BACKSPACE);
  g_assert_true (screen_has (f, "GSM 7-bit · 2 parts · 141 left"));
  type (f, "€");                   /* extension table: two septets */
  g_assert_true (screen_has (f, "GSM 7-bit · 2 parts · 139 left"));
  press (f, SR_KEY_BACKSPACE);

  /* The cursor sits in the text field, after the visible end of the text. */
  int y, x;
  gboolean visible;
  sr_term_buffer_cursor (f->term, &y, &x, &visible);
  g_assert_true (visible);
  g_assert_cmpint (x, <, 80);

  press (f, SR_KEY_ENTER);
  g_assert_cmpint (f->console->mode, ==, SR_CONSOLE_MODE_NORMAL);
  g_assert_true (g_str_has_prefix (last_action (f), "compose +41791234567||billing|Hellox"));
  g_assert_true (screen_has (f, "Message to +41791234567 queued."));
}

static void
fixed_count (gpointer data, const char *text, SrConsoleTextCount *out)
{
  out->alphabet = SR_CONSOLE_ALPHABET_LATIN1;
  out->parts = 7;
  out->left = (guint) strlen (text);
}

static void
test_compose_counter_override (void)
{
  /* A model that knows the provider's split method counts for it. */
  g_autoptr (SrFixtureModel) model = sr_fixture_model_new (10);
  SrConsoleModel m = *sr_fixture_model_get (model);
  m.count_text = fixed_count;
  g_autoptr (SrConsole) console = sr_console_new (&m, NULL);
  g_autoptr (SrTerm) term = sr_term_buffer_new (24, 80);
  sr_console_handle_key (console, sr_key_char ('c'));
  sr_console_handle_key (console, sr_key (SR_KEY_UP));
  sr_console_handle_key (console, sr_key_char ('a'));
  sr_console_handle_key (console, sr_key_char ('b'));
  sr_console_draw (console, term);
  g_autofree char *s = sr_term_buffer_text (term);
  g_assert_nonnull (strstr (s, "Latin-1 · 7 parts · 2 left"));
}

static void
test_read_only_model (void)
{
  /* A model without actions: keys explain instead of crashing. */
  g_autoptr (SrFixtureModel) model = sr_fixture_model_new (10);
  SrConsoleModel m = *sr_fixture_model_get (model);
  m.retry = NULL;
  m.compose = NULL;
  m.set_paused = NULL;
  m.reconnect = NULL;
  g_autoptr (SrConsole) console = sr_console_new (&m, NULL);
  g_autoptr (SrTerm) term = sr_term_buffer_new (24, 80);
  sr_console_set_view (console, SR_CONSOLE_VIEW_OVERVIEW);
  sr_console_draw (console, term);
  g_autofree char *hint = sr_term_buffer_row_text (term, 23);
  g_assert_null (strstr (hint, "reconnect"));
  sr_console_set_view (console, SR_CONSOLE_VIEW_DEAD);
  /* The status line offers only what the model has: e and d, not r. */
  sr_console_draw (console, term);
  g_autofree char *dead_hint = sr_term_buffer_row_text (term, 23);
  g_assert_null (strstr (dead_hint, "r retry"));
  g_assert_nonnull (strstr (dead_hint, "e edit · d discard · Space mark · s save · / filter"));
  static const gunichar keys[] = { 'r', 'c', 'p', 'b' };
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_clear_pointer (&console->status, g_free);
      sr_console_handle_key (console, sr_key_char (keys[i]));
      g_assert_cmpint (console->mode, ==, SR_CONSOLE_MODE_NORMAL);
      sr_console_draw (console, term);
      g_autofree char *status = sr_term_buffer_row_text (term, 23);
      g_assert_nonnull (strstr (status, "does not offer that action"));
    }
  g_assert_cmpuint (sr_fixture_model_actions (model)->len, ==, 0);
}

static void
test_compose_invalid (Fixture *f, gconstpointer data)
{
  sr_console_handle_key (f->console, sr_key_char ('c'));
  type (f, "not a number");
  press (f, SR_KEY_ENTER);
  /* The form stays open with the model's message; nothing was sent. */
  g_assert_cmpint (f->console->mode, ==, SR_CONSOLE_MODE_FORM);
  g_assert_true (screen_has (f, "“not a number” is not a phone number."));
  g_assert_cmpuint (sr_fixture_model_actions (f->model)->len, ==, 0);
  press (f, SR_KEY_ESC);
  g_assert_cmpint (f->console->mode, ==, SR_CONSOLE_MODE_NORMAL);
  g_assert_false (screen_has (f, "Compose a message"));
  g_assert_cmpuint (sr_fixture_model_actions (f->model)->len, ==, 0);
}

/* --- Actions -------------------------------------------------------------------- */

static void
test_dead_letter_actions (Fixture *f, gconstpointer data)
{
  /* Retry outside the Dead letters view explains where it works. */
  sr_console_handle_key (f->console, sr_key_char ('r'));
  g_assert_true (screen_has (f, "Retry works in the Dead letters view"));
  g_assert_cmpuint (sr_fixture_model_actions (f->model)->len, ==, 0);

  sr_console_set_view (f->console, SR_CONSOLE_VIEW_DEAD);
  gint64 first = selected_id (f);
  sr_console_handle_key (f->console, sr_key_char ('r'));
  g_autofree char *expect = g_strdup_printf ("retry %" G_GINT64_FORMAT, first);
  g_assert_cmpstr (last_action (f), ==, expect);
  g_assert_cmpint (selected_id (f), !=, first); /* gone from the list */
  g_assert_true (screen_has (f, "queued again"));

  /* Discard asks first; n keeps the letter. */
  gint64 second = selected_id (f);
  sr_console_handle_key (f->console, sr_key_char ('d'));
  g_assert_cmpint (f->console->mode, ==, SR_CONSOLE_MODE_CONFIRM);
  g_assert_true (screen_has (f, "(y/n)"));
  sr_console_handle_key (f->console, sr_key_char ('n'));
  g_assert_cmpstr (last_action (f), ==, expect);
  g_assert_cmpint (selected_id (f), ==, second);
  sr_console_handle_key (f->console, sr_key_char ('d'));
  sr_console_handle_key (f->console, sr_key_char ('y'));
  g_autofree char *discarded = g_strdup_printf ("discard %" G_GINT64_FORMAT, second);
  g_assert_cmpstr (last_action (f), ==, discarded);

  /* Edit and retry: the form starts with the letter's To, From and text. */
  gint64 third = selected_id (f);
  sr_console_handle_key (f->console, sr_key_char ('e'));
  g_assert_cmpint (f->console->mode, ==, SR_CONSOLE_MODE_FORM);
  g_autofree char *to = g_strdup_printf ("+4179%07" G_GINT64_FORMAT, third);
  g_assert_cmpstr (sr_console_form_value (f->console->form, 0), ==, to);
  g_assert_cmpstr (sr_console_form_value (f->console->form, 1), ==, "");
  press (f, SR_KEY_CTRL_U);
  type (f, "+41790000042");
  press (f, SR_KEY_TAB);
  type (f, "ACME");
  press (f, SR_KEY_ENTER);
  g_autofree char *edited = g_strdup_printf ("edit-retry %" G_GINT64_FORMAT " +41790000042|ACME|", third);
  g_assert_true (g_str_has_prefix (last_action (f), edited));

  /* The row is gone on the model side: retry says so clearly. */
  sr_console_list_home (&f->console->lists[SR_CONSOLE_VIEW_DEAD], sr_fixture_model_get (f->model), NULL);
  sr_fixture_model_set_failure (f->model, "The router is not reachable (control socket /x/router/control).");
  sr_console_handle_key (f->console, sr_key_char ('r'));
  sr_console_draw (f->console, f->term);
  g_autofree char *status = sr_term_buffer_row_text (f->term, 23);
  g_assert_nonnull (strstr (status, "The router is not reachable"));
  g_assert_cmpint (sr_term_buffer_attr (f->term, 23, 0), ==, SR_ATTR_ERROR);
}

static void
test_router_unreachable (Fixture *f, gconstpointer data)
{
  sr_console_set_view (f->console, SR_CONSOLE_VIEW_QUEUE);
  gint64 sel = selected_id (f);
  sr_fixture_model_set_failure (f->model, "Cannot reach the router's control socket.");
  sr_console_refresh (f->console);
  sr_console_draw (f->console, f->term);
  g_autofree char *status = sr_term_buffer_row_text (f->term, 23);
  g_assert_nonnull (strstr (status, "Cannot reach the router's control socket."));
  g_assert_cmpint (selected_id (f), ==, sel); /* the last page is kept for later */
  /* ... but not shown as if it were current: a banner says what happened. */
  g_autofree char *lost = screen (f);
  g_assert_nonnull (strstr (lost, "Router disconnected — Cannot reach the router's control socket."));
  g_assert_nonnull (strstr (lost, "Reconnecting… (no answer for 0 s"));
  g_assert_null (strstr (lost, "+4179"));
  g_assert_null (strstr (lost, "No rows."));
  sr_console_set_view (f->console, SR_CONSOLE_VIEW_OVERVIEW);
  g_assert_true (screen_has (f, "Router disconnected"));
  g_assert_false (screen_has (f, "main#1"));
  sr_console_set_view (f->console, SR_CONSOLE_VIEW_QUEUE);

  sr_fixture_model_set_failure (f->model, NULL);
  sr_console_refresh (f->console);
  sr_console_draw (f->console, f->term);
  g_autofree char *status2 = sr_term_buffer_row_text (f->term, 23);
  g_assert_null (strstr (status2, "Cannot reach"));
  g_assert_nonnull (strstr (status2, "The router answers again."));
  g_assert_false (screen_has (f, "Router disconnected"));
  g_assert_true (screen_has (f, "+4179"));

  /* A filter the router cannot answer says so (the list's error, read after
   * the call).  From an empty page: no detail call to report it instead. */
  sr_console_handle_key (f->console, sr_key_char ('/'));
  type (f, "no such row");
  press (f, SR_KEY_ENTER);
  g_assert_null (sr_console_list_selected (&f->console->lists[SR_CONSOLE_VIEW_QUEUE]));
  sr_fixture_model_set_failure (f->model, "The journal is locked.");
  sr_console_handle_key (f->console, sr_key_char ('/'));
  press (f, SR_KEY_CTRL_U);
  type (f, "+4179");
  press (f, SR_KEY_ENTER);
  g_assert_cmpint (f->console->mode, ==, SR_CONSOLE_MODE_NORMAL);
  sr_console_draw (f->console, f->term);
  g_autofree char *status3 = sr_term_buffer_row_text (f->term, 23);
  g_assert_nonnull (strstr (status3, "The journal is locked."));
  sr_fixture_model_set_failure (f->model, NULL);
  sr_console_handle_key (f->console, sr_key_char ('/'));
  press (f, SR_KEY_CTRL_U);
  press (f, SR_KEY_ENTER);

  /* A notice from an action is not cleared by a refresh. */
  sr_console_handle_key (f->console, sr_key_char ('p'));
  sr_console_refresh (f->console);
  g_assert_true (screen_has (f, "Sending paused."));
}

static void
test_blacklist_actions (Fixture *f, gconstpointer data)
{
  sr_console_handle_key (f->console, sr_key_char ('7'));
  g_assert_true (screen_has (f, "country  CI"));
  sr_console_handle_key (f->console, sr_key_char ('a'));
  g_assert_cmpint (f->console->mode, ==, SR_CONSOLE_MODE_FORM);
  press (f, SR_KEY_RIGHT);          /* country → number */
  press (f, SR_KEY_RIGHT);          /* → prefix */
  press (f, SR_KEY_TAB);
  type (f, "+4190");
  press (f, SR_KEY_TAB);
  type (f, "premium numbers");
  press (f, SR_KEY_ENTER);
  g_assert_cmpstr (last_action (f), ==, "blacklist-add prefix +4190 premium numbers");
  g_assert_true (screen_has (f, "prefix   +4190"));
  press (f, SR_KEY_HOME);         /* the newest entry is the one just added */

  /* A bad value keeps the form open with the reason. */
  sr_console_handle_key (f->console, sr_key_char ('a'));
  press (f, SR_KEY_TAB);
  type (f, "Côte");
  press (f, SR_KEY_ENTER);
  g_assert_true (screen_has (f, "is not a country code"));
  press (f, SR_KEY_ESC);

  /* x removes the selected entry after a question. */
  sr_console_handle_key (f->console, sr_key_char ('x'));
  g_assert_true (screen_has (f, "Remove prefix +4190 from the blacklist? (y/n)"));
  sr_console_handle_key (f->console, sr_key_char ('y'));
  g_assert_cmpstr (last_action (f), ==, "blacklist-remove prefix +4190");
  g_assert_false (screen_has (f, "premium numbers"));
}

static void
test_pause (Fixture *f, gconstpointer data)
{
  g_assert_false (screen_has (f, "PAUSED"));
  sr_console_handle_key (f->console, sr_key_char ('p'));
  g_assert_cmpstr (last_action (f), ==, "pause");
  g_assert_true (screen_has (f, "PAUSED"));
  g_assert_true (screen_has (f, "Sending is paused"));
  sr_console_handle_key (f->console, sr_key_char ('p'));
  g_assert_cmpstr (last_action (f), ==, "resume");
  g_assert_false (screen_has (f, "PAUSED"));
}

/* b in the Overview: the binds that are not bound connect again. */
static void
test_reconnect (Fixture *f, gconstpointer data)
{
  g_autofree char *s = screen (f);
  g_assert_nonnull (strstr (s, "b reconnects the binds that are not bound now."));
  g_autofree char *hint = sr_term_buffer_row_text (f->term, 23);
  g_assert_nonnull (strstr (hint, "b reconnect · ? help · q quit"));
  sr_console_handle_key (f->console, sr_key_char ('b'));
  g_assert_cmpstr (last_action (f), ==, "reconnect");
  g_assert_true (screen_has (f, "Reconnecting 1 bind."));
  /* Other views keep their own hints. */
  sr_console_set_view (f->console, SR_CONSOLE_VIEW_QUEUE);
  sr_console_draw (f->console, f->term);
  g_autofree char *hint2 = sr_term_buffer_row_text (f->term, 23);
  g_assert_null (strstr (hint2, "b reconnect"));
  sr_fixture_model_set_failure (f->model, "The router is gone.");
  sr_console_handle_key (f->console, sr_key_char ('b'));
  g_assert_true (screen_has (f, "The router is gone."));
}

static void
test_help_lists_every_key (Fixture *f, gconstpointer data)
{
  sr_console_handle_key (f->console, sr_key_char ('?'));
  g_assert_cmpint (f->console->mode, ==, SR_CONSOLE_MODE_HELP);
  g_autofree char *s = screen (f);
  guint n;
  const SrConsoleBinding *b = sr_console_bindings (&n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *line = g_strdup_printf ("%s ", b[i].label);
      if (!strstr (s, line))
        g_error ("help does not list key %s:\n%s", b[i].label, s);
      g_assert_nonnull (strstr (s, b[i].help));
    }
  for (const char *const *p = sr_console_form_key_help (); *p; p += 2)
    {
      g_assert_nonnull (strstr (s, p[0]));
      g_assert_nonnull (strstr (s, p[1]));
    }
  /* Every key of the specification has a binding. */
  static const char *const required[] = { "[ ]", "1–9", "Tab", "Shift-Tab", "Up/Down j/k", "PgUp/PgDn ^B/^F",
                                          "Home/End g/G", "r", "e", "d", "c", "a", "x", "p", "/", "n/N",
                                          "?", "q" };
  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      gboolean found = FALSE;
      for (guint k = 0; k < n; k++)
        found |= strcmp (b[k].label, required[i]) == 0;
      g_assert_true (found);
    }
  sr_console_handle_key (f->console, sr_key_char ('z'));
  g_assert_cmpint (f->console->mode, ==, SR_CONSOLE_MODE_NORMAL);
  sr_console_handle_key (f->console, sr_key_char ('q'));
  g_assert_true (f->console->quit);
}

/* --- Keys people know from less, vi, mutt ------------------------------------ */

static void
test_known_keys (Fixture *f, gconstpointer data)
{
  sr_console_set_view (f->console, SR_CONSOLE_VIEW_QUEUE);
  guint page = sr_console_page_rows (f->console);
  sr_console_handle_key (f->console, sr_key_char ('j'));
  sr_console_handle_key (f->console, sr_key_char ('j'));
  g_assert_cmpint (selected_id (f), ==, 998);
  sr_console_handle_key (f->console, sr_key_char ('k'));
  g_assert_cmpint (selected_id (f), ==, 999);
  press (f, SR_KEY_CTRL_F);
  g_assert_cmpint (selected_id (f), ==, 999 - (gint64) page);
  press (f, SR_KEY_CTRL_B);
  g_assert_cmpint (selected_id (f), ==, 999);
  sr_console_handle_key (f->console, sr_key_char ('G'));
  g_assert_cmpint (selected_id (f), ==, 1);
  sr_console_handle_key (f->console, sr_key_char ('g'));
  g_assert_cmpint (selected_id (f), ==, 1000);

  /* n before any filter says what to do. */
  sr_console_handle_key (f->console, sr_key_char ('n'));
  g_assert_true (screen_has (f, "Nothing to find yet"));

  /* Filtered, n and N step through the matches... */
  sr_console_handle_key (f->console, sr_key_char ('/'));
  type (f, "日本語");
  press (f, SR_KEY_ENTER);
  g_assert_cmpint (selected_id (f), ==, 994);
  sr_console_handle_key (f->console, sr_key_char ('n'));
  g_assert_cmpint (selected_id (f), ==, 987);
  sr_console_handle_key (f->console, sr_key_char ('N'));
  g_assert_cmpint (selected_id (f), ==, 994);

  /* ...and after the filter is cleared they find the same rows among all,
   * past the edge of the page, one row per query. */
  sr_console_handle_key (f->console, sr_key_char ('/'));
  press (f, SR_KEY_CTRL_U);
  press (f, SR_KEY_ENTER);
  g_assert_null (f->console->lists[SR_CONSOLE_VIEW_QUEUE].filter);
  g_assert_cmpint (selected_id (f), ==, 1000);
  sr_fixture_model_reset_stats (f->model);
  for (int i = 0; i < 20; i++)
    sr_console_handle_key (f->console, sr_key_char ('n'));
  g_assert_cmpint (selected_id (f), ==, 994 - 7 * 19);
  SrFixtureStats st;
  sr_fixture_model_stats (f->model, &st);
  g_assert_cmpuint (st.max_count, <=, page);
  g_assert_cmpuint (st.queries, <=, 20 * 2);
  g_assert_true (screen_has (f, "+41790000861"));
  sr_console_handle_key (f->console, sr_key_char ('N'));
  g_assert_cmpint (selected_id (f), ==, 994 - 7 * 18);

  /* Past the last match the selection stays and the status says so. */
  sr_console_handle_key (f->console, sr_key_char ('g'));
  sr_console_handle_key (f->console, sr_key_char ('N'));
  g_assert_cmpint (selected_id (f), ==, 1000);
  g_assert_true (screen_has (f, "No newer row matches “日本語”."));
}

static void
test_status_keys (Fixture *f, gconstpointer data)
{
  static const struct { SrConsoleView view; const char *hint; } expect[] = {
    { SR_CONSOLE_VIEW_OVERVIEW, "c compose · p pause · b reconnect · ? help · q quit" },
    { SR_CONSOLE_VIEW_QUEUE, "c compose · / filter · n/N match · ? help · q quit" },
    /* 80 columns: the least useful keys of the view give way. */
    { SR_CONSOLE_VIEW_DEAD, "r retry · e edit · d discard · Space mark · s save · ? help · q quit" },
    { SR_CONSOLE_VIEW_BLACKLISTS, "a add · x remove · / filter · n/N match · ? help · q quit" },
    { SR_CONSOLE_VIEW_LOG, "/ filter · n/N match · ? help · q quit" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (expect); i++)
    {
      sr_console_set_view (f->console, expect[i].view);
      sr_console_draw (f->console, f->term);
      g_autofree char *line = sr_term_buffer_row_text (f->term, 23);
      g_assert_true (g_str_has_suffix (g_strchomp (line), expect[i].hint));
    }
  /* A long notice keeps its room: the view's keys give way, help and quit stay. */
  sr_console_set_view (f->console, SR_CONSOLE_VIEW_DEAD);
  sr_console_set_status (f->console, FALSE, "%s", "A notice of fifty characters, give or take a few.");
  sr_console_draw (f->console, f->term);
  g_autofree char *line = sr_term_buffer_row_text (f->term, 23);
  g_assert_nonnull (strstr (line, "A notice of fifty characters, give or take a few."));
  g_assert_nonnull (strstr (line, "r retry · ? help · q quit"));
  g_assert_null (strstr (line, "d discard"));
}

/* --- Marks and bulk actions ---------------------------------------------------- */

static void
test_bulk (Fixture *f, gconstpointer data)
{
  SrConsoleList *dead = &f->console->lists[SR_CONSOLE_VIEW_DEAD];
  /* Marking belongs to the Dead letters view. */
  sr_console_handle_key (f->console, sr_key_char (' '));
  g_assert_true (screen_has (f, "Marking works in the Dead letters view"));

  sr_console_set_view (f->console, SR_CONSOLE_VIEW_DEAD);
  gint64 first = selected_id (f);
  for (int i = 0; i < 3; i++)
    sr_console_handle_key (f->console, sr_key_char (' '));
  g_assert_cmpint (selected_id (f), ==, first - 3); /* Space goes on to the next row */
  g_assert_cmpuint (g_hash_table_size (dead->marks), ==, 3);
  g_assert_true (screen_has (f, "─ 3 marked"));
  sr_console_draw (f->console, f->term);
  for (int row = 2; row < 5; row++)
    {
      g_autofree char *line = sr_term_buffer_row_text (f->term, row);
      g_assert_true (line[0] == '*');
    }
  g_autofree char *unmarked = sr_term_buffer_row_text (f->term, 5);
  g_assert_true (unmarked[0] == ' ');
  /* Space on a marked row unmarks it. */
  press (f, SR_KEY_HOME);
  sr_console_handle_key (f->console, sr_key_char (' '));
  g_assert_cmpuint (g_hash_table_size (dead->marks), ==, 2);
  sr_console_handle_key (f->console, sr_key_char ('k'));
  sr_console_handle_key (f->console, sr_key_char (' '));

  /* One of them goes away meanwhile (another console retried it). */
  g_assert_true (sr_fixture_model_get (f->model)->retry (f->model, first - 1, NULL));
  guint actions_before = sr_fixture_model_actions (f->model)->len;

  /* r asks for all three at once, n keeps them. */
  sr_console_handle_key (f->console, sr_key_char ('r'));
  g_assert_cmpint (f->console->mode, ==, SR_CONSOLE_MODE_CONFIRM);
  g_assert_true (screen_has (f, "Retry 3 marked dead letters? (y/n)"));
  sr_console_handle_key (f->console, sr_key_char ('n'));
  g_assert_cmpuint (sr_fixture_model_actions (f->model)->len, ==, actions_before);
  sr_console_handle_key (f->console, sr_key_char ('r'));
  sr_console_handle_key (f->console, sr_key_char ('y'));
  GPtrArray *actions = sr_fixture_model_actions (f->model);
  g_assert_cmpuint (actions->len, ==, actions_before + 2);
  g_autofree char *a1 = g_strdup_printf ("retry %" G_GINT64_FORMAT, first - 2);
  g_autofree char *a2 = g_strdup_printf ("retry %" G_GINT64_FORMAT, first);
  g_assert_cmpstr (g_ptr_array_index (actions, actions_before), ==, a1);
  g_assert_cmpstr (g_ptr_array_index (actions, actions_before + 1), ==, a2);
  g_autofree char *why = g_strdup_printf ("2 of 3 done; %" G_GINT64_FORMAT ": Dead letter %"
                                          G_GINT64_FORMAT " is no longer in dead/.", first - 1, first - 1);
  g_assert_true (screen_has (f, why));
  g_assert_cmpuint (g_hash_table_size (dead->marks), ==, 1);
  g_assert_true (sr_console_marked (dead, first - 1));

  /* * marks every dead letter the filter shows, past the page. */
  sr_console_handle_key (f->console, sr_key_char ('*'));
  g_assert_true (screen_has (f, "Marks cleared."));
  sr_console_handle_key (f->console, sr_key_char ('/'));
  type (f, "日本語");
  press (f, SR_KEY_ENTER);
  sr_fixture_model_reset_stats (f->model);
  sr_console_handle_key (f->console, sr_key_char ('*'));
  guint matching = g_hash_table_size (dead->marks);
  g_assert_cmpuint (matching, ==, 142); /* ids 7, 14 ... 994 of 1000 */
  g_assert_true (screen_has (f, "142 dead letters marked."));
  SrFixtureStats st;
  sr_fixture_model_stats (f->model, &st);
  g_assert_cmpuint (st.max_count, <=, sr_console_page_rows (f->console));

  /* Export: the form says how many; the file has one line per letter. */
  g_autofree char *dir = g_dir_make_tmp ("sr-bulk-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "dead.csv", NULL);
  sr_console_handle_key (f->console, sr_key_char ('s'));
  g_assert_cmpint (f->console->mode, ==, SR_CONSOLE_MODE_FORM);
  g_assert_true (screen_has (f, "Export 142 marked dead letters to a CSV file"));
  press (f, SR_KEY_CTRL_U);
  type (f, path);
  press (f, SR_KEY_ENTER);
  g_assert_cmpint (f->console->mode, ==, SR_CONSOLE_MODE_NORMAL);
  g_autofree char *csv = NULL;
  g_assert_true (g_file_get_contents (path, &csv, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (csv, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 142 + 1);
  g_assert_cmpstr (lines[0], ==, "id,app,to,from,text,details");
  g_assert_true (g_str_has_prefix (lines[1], "7,"));
  /* A number starting with + would be a formula in a spreadsheet. */
  g_assert_nonnull (strstr (lines[1], ",\"'+41790000007\","));
  g_assert_true (screen_has (f, "142 dead letters written to"));
  g_assert_cmpuint (g_hash_table_size (dead->marks), ==, 142); /* exporting keeps them */
  /* A file that cannot be written: the form stays open and says why. */
  g_autofree char *bad = g_build_filename (dir, "no", "such", "dir.csv", NULL);
  sr_console_handle_key (f->console, sr_key_char ('s'));
  press (f, SR_KEY_CTRL_U);
  type (f, bad);
  press (f, SR_KEY_ENTER);
  g_assert_cmpint (f->console->mode, ==, SR_CONSOLE_MODE_FORM);
  g_assert_nonnull (f->console->form->error);
  press (f, SR_KEY_ESC);
  g_unlink (path);
  g_rmdir (dir);

  /* Discard all of them, after saying how many. */
  sr_console_handle_key (f->console, sr_key_char ('d'));
  g_assert_true (screen_has (f, "Discard 142 marked dead letters? They will not be sent. (y/n)"));
  sr_console_handle_key (f->console, sr_key_char ('y'));
  g_assert_true (screen_has (f, "142 dead letters discarded."));
  g_assert_cmpuint (g_hash_table_size (dead->marks), ==, 0);
  g_assert_true (screen_has (f, "No rows match"));
  g_assert_cmpstr (last_action (f), ==, "discard 994");
}

/* The whole thread, oldest first, as the fixture defines it: "out K",
 * "receipt K", "in K" in time order. */
static GPtrArray *
expected_thread (void)
{
  GPtrArray *want = g_ptr_array_new_with_free_func (g_free);
  gint64 o = 1, r = 1, i = 1;
  while (o <= 300 || r <= 300 || i <= 200)
    {
      gint64 to = o <= 300 ? o * 10 : G_MAXINT64, tr = r <= 300 ? r * 10 + 25 : G_MAXINT64;
      gint64 ti = i <= 200 ? i * 15 + 3 : G_MAXINT64;
      if (to <= tr && to <= ti)
        g_ptr_array_add (want, g_strdup_printf ("out %" G_GINT64_FORMAT, o++));
      else if (tr <= ti)
        g_ptr_array_add (want, g_strdup_printf ("receipt %" G_GINT64_FORMAT, r++));
      else
        g_ptr_array_add (want, g_strdup_printf ("in %" G_GINT64_FORMAT, i++));
    }
  return want;
}

/* "out K" / "receipt K" / "in K" of a thread line on the screen, or NULL. */
static char *
thread_line_key (const char *line)
{
  const char *p;
  if ((p = strstr (line, "of message ")))
    return g_strdup_printf ("receipt %s", p + strlen ("of message "));
  if ((p = strstr (line, " out ")) || (p = strstr (line, " in ")))
    return g_strstrip (g_strdup (p));
  return NULL;
}

/* t opens the thread at its newest line; scrolling up reads one older page
 * a key at most; paging down from g shows every line once, in time order. */
static void
test_thread_window (void)
{
  g_autoptr (SrFixtureModel) model = sr_fixture_model_new (1000);
  sr_fixture_model_enable_thread (model);
  SrConsoleOptions options = { .title = "test" };
  g_autoptr (SrConsole) console = sr_console_new (sr_fixture_model_get (model), &options);
  g_autoptr (SrTerm) term = sr_term_buffer_new (24, 80);
  sr_console_set_size (console, 24, 80);
  sr_console_set_view (console, SR_CONSOLE_VIEW_SENT);
  sr_console_handle_key (console, sr_key_char ('t'));
  g_assert_cmpint (console->mode, ==, SR_CONSOLE_MODE_THREAD);
  sr_console_draw (console, term);
  g_autofree char *first = sr_term_buffer_text (term);
  g_assert_nonnull (strstr (first, "Conversation with +4179"));
  g_assert_nonnull (strstr (first, "Esc/q back"));
  g_autoptr (GPtrArray) want = expected_thread ();
  /* the newest line is the last on the screen */
  g_autofree char *last_row = sr_term_buffer_row_text (term, 22);
  g_autofree char *last_key = thread_line_key (last_row);
  g_assert_cmpstr (last_key, ==, g_ptr_array_index (want, want->len - 1));

  /* One page up keeps its place: the old top line moves to the bottom,
   * with the older page read in front of the first one. */
  g_autofree char *old_top_row = sr_term_buffer_row_text (term, 2);
  g_autofree char *old_top = thread_line_key (old_top_row);
  sr_console_handle_key (console, sr_key (SR_KEY_PGUP));
  sr_console_draw (console, term);
  g_autofree char *moved_row = sr_term_buffer_row_text (term, 22);
  g_autofree char *moved = thread_line_key (moved_row);
  g_assert_cmpstr (moved, ==, old_top);

  SrFixtureStats st;
  for (int k = 0; k < 80; k++)
    {
      sr_fixture_model_reset_stats (model);
      sr_console_handle_key (console, sr_key (SR_KEY_PGUP));
      sr_fixture_model_stats (model, &st);
      g_assert_cmpuint (st.thread_queries, <=, 1);
    }
  sr_console_draw (console, term);
  g_autofree char *top_row = sr_term_buffer_row_text (term, 2);
  g_autofree char *top_key = thread_line_key (top_row);
  g_assert_cmpstr (top_key, ==, "out 1");

  /* from the oldest end, page by page */
  sr_console_handle_key (console, sr_key_char ('g'));
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  for (int k = 0; k < 80; k++)
    {
      sr_console_draw (console, term);
      for (int y = 2; y < 23; y++)
        {
          g_autofree char *row = sr_term_buffer_row_text (term, y);
          char *key = thread_line_key (row);
          if (key && (seen->len == 0 || strcmp (g_ptr_array_index (seen, seen->len - 1), key) != 0)
              && !g_ptr_array_find_with_equal_func (seen, key, g_str_equal, NULL))
            g_ptr_array_add (seen, key);
          else
            g_free (key);
        }
      sr_console_handle_key (console, sr_key (SR_KEY_PGDN));
    }
  g_assert_cmpuint (seen->len, ==, want->len);
  for (guint k = 0; k < want->len; k++)
    g_assert_cmpstr (g_ptr_array_index (seen, k), ==, g_ptr_array_index (want, k));

  sr_console_handle_key (console, sr_key_char ('q'));
  g_assert_cmpint (console->mode, ==, SR_CONSOLE_MODE_NORMAL);
  g_assert_false (console->quit);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn, rows) g_test_add (path, Fixture, GINT_TO_POINTER (rows), fixture_setup, fn, fixture_teardown)
  g_test_add_func ("/console/form/editing", test_form_editing);
  g_test_add_func ("/console/form/count-format", test_count_format);
  ADD ("/console/paging/million", test_paging_million, 0);
  ADD ("/console/paging/live-top", test_live_top_and_new_rows, 1000);
  ADD ("/console/paging/small-list", test_small_list, 5);
  ADD ("/console/paging/filter", test_filter, 1000);
  ADD ("/console/form/compose-counter", test_compose_counter, 1000);
  g_test_add_func ("/console/form/compose-counter-override", test_compose_counter_override);
  g_test_add_func ("/console/actions/read-only-model", test_read_only_model);
  g_test_add_func ("/console/thread/window", test_thread_window);
  ADD ("/console/form/compose-invalid", test_compose_invalid, 1000);
  ADD ("/console/actions/dead-letters", test_dead_letter_actions, 1000);
  ADD ("/console/actions/router-unreachable", test_router_unreachable, 1000);
  ADD ("/console/actions/blacklist", test_blacklist_actions, 1000);
  ADD ("/console/actions/pause", test_pause, 1000);
  ADD ("/console/actions/reconnect", test_reconnect, 1000);
  ADD ("/console/help/every-key", test_help_lists_every_key, 1000);
  ADD ("/console/keys/known", test_known_keys, 1000);
  ADD ("/console/keys/status-line", test_status_keys, 1000);
  ADD ("/console/actions/bulk", test_bulk, 1000);
#undef ADD
  return g_test_run ();
}
