/* test-console-screen.c — screen composition on the buffer backend: text
 * widths, tab bar, columns, whole screens at many sizes. */
#include "console-test-util.h"

/* --- Text measurement ------------------------------------------------------ */

static void
test_text_fit (void)
{
  static const struct {
    const char *in;
    int width;
    SrAlign align;
    const char *out;
  } cases[] = {
    { "abc", 5, SR_ALIGN_LEFT, "abc  " },
    { "abc", 5, SR_ALIGN_RIGHT, "  abc" },
    { "abcdef", 4, SR_ALIGN_LEFT, "abc…" },
    { "abcd", 4, SR_ALIGN_LEFT, "abcd" },
    { "日本語", 6, SR_ALIGN_LEFT, "日本語" },
    { "日本語", 5, SR_ALIGN_LEFT, "日本…" },
    { "日本語", 4, SR_ALIGN_LEFT, "日 …" },   /* 本 would straddle the ellipsis */
    { "a😀b", 4, SR_ALIGN_LEFT, "a😀b" },
    { "a😀b", 3, SR_ALIGN_LEFT, "a …" },
    { "😀😀😀", 5, SR_ALIGN_LEFT, "😀😀…" },
    { "e\xcc\x81t\xc3\xa9", 4, SR_ALIGN_LEFT, "e\xcc\x81t\xc3\xa9 " }, /* combining accent: 0 columns */
    { "line\nbreak\ttab", 15, SR_ALIGN_LEFT, "line break tab " },
    { "bad\xff" "utf8", 8, SR_ALIGN_LEFT, "bad\xef\xbf\xbdutf8" },
    { "abc", 1, SR_ALIGN_LEFT, "…" },
    { "abc", 0, SR_ALIGN_LEFT, "" },
    { NULL, 2, SR_ALIGN_LEFT, "  " },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = sr_text_fit (cases[i].in, cases[i].width, cases[i].align);
      g_assert_cmpstr (got, ==, cases[i].out);
      g_assert_cmpint (sr_text_width (got), ==, MAX (cases[i].width, 0));
    }
  g_assert_cmpint (sr_text_width ("日本語"), ==, 6);
  g_assert_cmpint (sr_text_width ("😀"), ==, 2);
  g_assert_cmpint (sr_text_width ("Grüße"), ==, 5);
}

static void
test_buffer_wide_cells (void)
{
  g_autoptr (SrTerm) t = sr_term_buffer_new (3, 10);
  sr_term_print (t, 0, 0, 10, "ab日本cd", SR_ALIGN_LEFT, SR_ATTR_NORMAL);
  g_autofree char *row = sr_term_buffer_row_text (t, 0);
  g_assert_cmpstr (row, ==, "ab日本cd");
  g_assert_cmpint (sr_term_buffer_find (t, 0, "cd"), ==, 6);
  g_assert_cmpint (sr_term_buffer_find (t, 0, "本"), ==, 4);

  /* Clipped at the right edge: a wide character never half-written. */
  sr_term_print (t, 1, 7, 10, "x😀😀", SR_ALIGN_LEFT, SR_ATTR_ERROR);
  g_autofree char *row1 = sr_term_buffer_row_text (t, 1);
  g_assert_cmpstr (row1, ==, "       x …");
  g_assert_cmpint (sr_term_buffer_attr (t, 1, 7), ==, SR_ATTR_ERROR);

  /* Overwriting half of a wide character blanks the other half. */
  sr_term_print (t, 0, 3, 1, "Z", SR_ALIGN_LEFT, SR_ATTR_NORMAL);
  g_autofree char *row0 = sr_term_buffer_row_text (t, 0);
  g_assert_cmpstr (row0, ==, "ab Z本cd");
}

/* --- Tab bar and columns ---------------------------------------------------- */

static void
test_tab_bar (void)
{
  g_autofree char *wide = sr_console_tab_bar (SR_CONSOLE_VIEW_QUEUE, 100);
  g_assert_nonnull (strstr (wide, "[2 Queue]"));
  g_assert_nonnull (strstr (wide, " 4 Dead letters "));
  g_assert_nonnull (strstr (wide, " 8 Log "));

  g_autofree char *eighty = sr_console_tab_bar (SR_CONSOLE_VIEW_DEAD, 80);
  g_assert_nonnull (strstr (eighty, "[4 Dead]"));
  g_assert_nonnull (strstr (eighty, " 1 Overview "));
  g_assert_nonnull (strstr (eighty, " 7 Blacklists "));
  g_assert_cmpint (sr_text_width (eighty), ==, 80);

  g_autofree char *narrow = sr_console_tab_bar (SR_CONSOLE_VIEW_INBOX, 45);
  g_assert_nonnull (strstr (narrow, "[6 Inbox]"));
  /* Tabs give up their titles from the right, as far as needed. */
  g_assert_nonnull (strstr (narrow, " 1 Overview  2  3  4  5 [6 Inbox] 7  8  9 "));
  g_assert_cmpint (sr_text_width (narrow), ==, 45);
  g_assert_nonnull (strstr (eighty, " 8  9 "));

  g_autofree char *providers = sr_console_tab_bar (SR_CONSOLE_VIEW_PROVIDERS, 80);
  g_assert_nonnull (strstr (providers, "[9 Providers]"));
  g_assert_nonnull (strstr (providers, " 1 Overview "));
  g_assert_cmpint (sr_text_width (providers), ==, 80);
}

static void
test_tab_switching (Fixture *f, gconstpointer data)
{
  static const struct {
    SrKey key;
    const char *tab;
    const char *header;
  } steps[] = {
    { { SR_KEY_CHAR, '3' }, "[3 Sent]", "Receipt" },
    { { SR_KEY_TAB, 0 }, "[4 Dead]", "Reason" },
    { { SR_KEY_TAB, 0 }, "[5 Receipts]", "SMSC id" },
    { { SR_KEY_BTAB, 0 }, "[4 Dead]", "Class" },
    { { SR_KEY_CHAR, '7' }, "[7 Blacklists]", "Note" },
    { { SR_KEY_CHAR, '8' }, "[8 Log]", "Scope" },
    { { SR_KEY_TAB, 0 }, "[9 Providers]", "p50/p99 ms" },
    { { SR_KEY_TAB, 0 }, "[1 Overview]", "Last system errors" },
    { { SR_KEY_BTAB, 0 }, "[9 Providers]", "p50/p99 ms" },
    { { SR_KEY_BTAB, 0 }, "[8 Log]", "Scope" },
    { { SR_KEY_CHAR, '2' }, "[2 Queue]", "State" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      sr_console_handle_key (f->console, steps[i].key);
      sr_console_draw (f->console, f->term);
      g_autofree char *tabs = sr_term_buffer_row_text (f->term, 0);
      g_assert_nonnull (strstr (tabs, steps[i].tab));
      int x = sr_term_buffer_find (f->term, 0, steps[i].tab);
      g_assert_cmpint (sr_term_buffer_attr (f->term, 0, x + 1), ==, SR_ATTR_TAB_ACTIVE);
      g_assert_true (screen_has (f, steps[i].header));
    }
}

static void
test_column_widths (void)
{
  static const int widths[] = { 40, 60, 80, 100, 200 };
  for (int v = SR_CONSOLE_VIEW_QUEUE; v <= SR_CONSOLE_VIEW_LOG; v++)
    for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
      {
        int cols[16], sum = 0, kept = 0;
        guint n = sr_console_view_n_columns (v);
        sr_console_column_widths (v, widths[w], cols);
        for (guint i = 0; i < n; i++)
          if (cols[i] >= 0)
            {
              sum += cols[i];
              kept++;
            }
        g_assert_cmpint (kept, >=, 1);
        g_assert_cmpint (sum + kept - 1, <=, widths[w]);
        if (widths[w] >= 80)
          g_assert_cmpint (sum + kept - 1, ==, widths[w]); /* flexible columns fill the line */
        if (widths[w] >= 100)
          g_assert_cmpint (kept, ==, (int) n);               /* nothing left out */
      }
  /* At 80 columns the Queue keeps To and Text and drops the least useful. */
  int q[16];
  sr_console_column_widths (SR_CONSOLE_VIEW_QUEUE, 80, q);
  g_assert_cmpint (q[2], ==, 15);   /* to */
  g_assert_cmpint (q[6], >=, 16);   /* text */
  g_assert_cmpint (q[5], ==, -1);   /* parts */
}

static void
test_wide_rows_align (Fixture *f, gconstpointer data)
{
  /* Rows with CJK and emoji text: every row exactly fills its line, and the
   * columns after the text start at the same cell on every row. */
  sr_console_set_view (f->console, SR_CONSOLE_VIEW_INBOX);
  sr_console_draw (f->console, f->term);
  SrConsoleLayout l;
  sr_console_layout (24, 80, &l);
  int to_col = -1, cjk = 0, emoji = 0;
  for (int y = l.list_y; y < l.list_y + l.list_h; y++)
    {
      g_autofree char *row = sr_term_buffer_row_text (f->term, y);
      g_assert_cmpint (sr_text_width (row), <=, 80);
      int col = sr_term_buffer_find (f->term, y, "+41791234567");
      g_assert_cmpint (col, >, 0);
      if (to_col < 0)
        to_col = col;
      g_assert_cmpint (col, ==, to_col);
      cjk += strstr (row, "日本語") != NULL;
      emoji += strstr (row, "😀") != NULL;
      if (strstr (row, "日本語"))
        g_assert_true (g_str_has_suffix (row, "…") || sr_text_width (row) < 80);
    }
  g_assert_cmpint (cjk, >, 0);
  g_assert_cmpint (emoji, >, 0);
}

/* --- Whole screens ----------------------------------------------------------- */

static void
test_every_cell_written (Fixture *f, gconstpointer data)
{
  /* No erase() is ever needed: a frame overwrites every cell. */
  static const int sizes[][2] = { { 24, 80 }, { 60, 200 }, { 30, 100 }, { 10, 40 }, { 8, 30 }, { 12, 60 } };
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (int v = 0; v < SR_CONSOLE_N_VIEWS; v++)
      {
        int rows = sizes[s][0], cols = sizes[s][1];
        sr_term_buffer_resize (f->term, rows, cols);
        for (int y = 0; y < rows; y++)
          {
            g_autofree char *junk = g_strnfill (cols, '@');
            sr_term_print (f->term, y, 0, cols, junk, SR_ALIGN_LEFT, SR_ATTR_NORMAL);
          }
        sr_console_set_view (f->console, v);
        g_autofree char *text = screen (f);
        if (strchr (text, '@'))
          g_error ("%dx%d view %d left cells unwritten:\n%s", rows, cols, v, text);
        for (int y = 0; y < rows; y++)
          {
            g_autofree char *row = sr_term_buffer_row_text (f->term, y);
            g_assert_cmpint (sr_text_width (row), <=, cols);
          }
        if (rows < SR_CONSOLE_MIN_ROWS || cols < SR_CONSOLE_MIN_COLS)
          g_assert_nonnull (strstr (text, "Terminal too small"));
        else
          {
            g_assert_null (strstr (text, "Terminal too small"));
            g_assert_nonnull (strstr (text, "? help"));
          }
        /* Drawing again gives the same screen: nothing for ncurses to send. */
        g_autofree char *again = screen (f);
        g_assert_cmpstr (text, ==, again);
      }
}

static void
test_resize_keeps_selection (Fixture *f, gconstpointer data)
{
  sr_console_set_view (f->console, SR_CONSOLE_VIEW_QUEUE);
  for (int i = 0; i < 40; i++)
    press (f, SR_KEY_DOWN);
  gint64 sel = selected_id (f);
  sr_term_buffer_resize (f->term, 60, 200);
  sr_console_draw (f->console, f->term);
  sr_console_refresh (f->console);
  g_assert_cmpint (selected_id (f), ==, sel);
  g_assert_cmpuint (f->console->lists[SR_CONSOLE_VIEW_QUEUE].rows->len, ==, sr_console_page_rows (f->console));
  sr_term_buffer_resize (f->term, 24, 80);
  sr_console_draw (f->console, f->term);
  sr_console_refresh (f->console);
  g_assert_cmpint (selected_id (f), ==, sel);
  g_assert_cmpuint (f->console->lists[SR_CONSOLE_VIEW_QUEUE].rows->len, ==, 12);
  g_autofree char *tabs = sr_term_buffer_row_text (f->term, 0);
  g_assert_nonnull (strstr (tabs, "[2 Queue]"));
}

static void
test_detail_pane (Fixture *f, gconstpointer data)
{
  sr_console_set_view (f->console, SR_CONSOLE_VIEW_SENT);
  SrConsoleLayout l;
  sr_console_layout (24, 80, &l);
  g_autofree char *s = screen (f);
  g_autofree char *sep = sr_term_buffer_row_text (f->term, l.detail_sep_y);
  g_autofree char *title = g_strdup_printf ("sent %" G_GINT64_FORMAT, MILLION);
  g_assert_nonnull (strstr (sep, title));
  g_assert_nonnull (strstr (s, "Part 1: SMSC id"));
  g_assert_nonnull (strstr (s, "History:"));
  press (f, SR_KEY_DOWN);
  g_autofree char *s2 = screen (f);
  g_autofree char *title2 = g_strdup_printf ("sent %" G_GINT64_FORMAT, MILLION - 1);
  g_assert_nonnull (strstr (s2, title2));
}

/* A form's error longer than the dialog is wrapped inside it, never cut. */
static void
test_form_error_wraps (Fixture *f, gconstpointer data)
{
  static const char reason[] =
    "The router refused the message: the destination +41790000001 is on the blacklist of "
    "numbers since yesterday (entry added by an operator), so nothing was queued; remove "
    "the entry first or pick another recipient. END-OF-REASON";
  sr_console_handle_key (f->console, sr_key_char ('c'));
  type (f, "+41790000001");
  press (f, SR_KEY_TAB);
  press (f, SR_KEY_TAB);
  press (f, SR_KEY_TAB);
  type (f, "hello");
  sr_fixture_model_set_failure (f->model, reason);
  press (f, SR_KEY_ENTER);
  g_assert_cmpint (f->console->mode, ==, SR_CONSOLE_MODE_FORM);
  g_autofree char *s = screen (f);
  g_test_message ("%s", s);
  /* Every word of the reason is on the screen, in order, inside the box. */
  g_auto (GStrv) words = g_strsplit (reason, " ", -1);
  const char *at = s;
  for (guint i = 0; words[i]; i++)
    {
      const char *w = strstr (at, words[i]);
      g_assert_nonnull (w);
      at = w + strlen (words[i]);
    }
  int rows, cols;
  sr_term_size (f->term, &rows, &cols);
  for (int y = 0; y < rows; y++)
    {
      g_autofree char *row = sr_term_buffer_row_text (f->term, y);
      if (strstr (row, "END-OF-REASON"))
        g_assert_nonnull (strstr (row, "\xe2\x94\x82"));  /* │ … END-OF-REASON … │ */
    }
}

static void
test_detail_scroll (Fixture *f, gconstpointer data)
{
  /* 12 rows: a 4-line detail pane for a 7-line detail. */
  sr_term_buffer_resize (f->term, 12, 80);
  sr_console_set_size (f->console, 12, 80);
  sr_console_set_view (f->console, SR_CONSOLE_VIEW_SENT);
  SrConsoleLayout l;
  sr_console_layout (12, 80, &l);
  g_assert_cmpint (l.detail_h, ==, 4);
  g_autofree char *s1 = screen (f);
  g_assert_nonnull (strstr (s1, "[ ] lines 1–4 of 7"));
  g_assert_null (strstr (s1, "submitted (1 part)"));
  sr_console_handle_key (f->console, sr_key_char (']'));
  g_autofree char *s2 = screen (f);
  g_assert_nonnull (strstr (s2, "[ ] lines 4–7 of 7"));
  g_assert_nonnull (strstr (s2, "submitted (1 part)"));
  sr_console_handle_key (f->console, sr_key_char (']'));   /* already at the end */
  sr_console_refresh (f->console);                        /* a refresh keeps the place */
  g_autofree char *s3 = screen (f);
  g_assert_nonnull (strstr (s3, "[ ] lines 4–7 of 7"));
  sr_console_handle_key (f->console, sr_key_char ('['));
  g_autofree char *s4 = screen (f);
  g_assert_nonnull (strstr (s4, "[ ] lines 1–4 of 7"));
  sr_console_handle_key (f->console, sr_key_char (']'));
  press (f, SR_KEY_DOWN);                                 /* another row starts at its top */
  g_autofree char *s5 = screen (f);
  g_assert_nonnull (strstr (s5, "[ ] lines 1–4 of 7"));
}

static void
test_overview (Fixture *f, gconstpointer data)
{
  g_autofree char *s = screen (f);
  g_assert_nonnull (strstr (s, "main#1"));
  g_assert_nonnull (strstr (s, "connecting"));
  g_assert_nonnull (strstr (s, "Connection refused by 127.0.0.1:2775"));
  g_assert_nonnull (strstr (s, "Messages/s in 12.5"));
  g_assert_nonnull (strstr (s, "billing"));
  g_assert_nonnull (strstr (s, "bind failed"));
  /* No front end configured: nothing of them. */
  g_assert_null (strstr (s, "Front ends"));
  g_assert_null (strstr (s, "Broker"));
  g_assert_null (strstr (s, "HTTP"));
}

/* The fixture's overview plus a broker that is down and an HTTP front end
 * with dead callbacks. */
static SrConsoleModel front_ends_model;

static SrConsoleOverview *
overview_with_front_ends (gpointer user_data, GError **error)
{
  const SrConsoleModel *plain = sr_fixture_model_get (user_data);
  SrConsoleOverview *o = plain->overview (user_data, error);
  o->broker = sr_console_broker_status_new ("down", g_get_real_time (), "mq.example.org:61613",
                                            "cannot connect to broker mq.example.org:61613: refused");
  sr_console_broker_status_add_queue (o->broker, "outbox", "/queue/smsrouter.outbox", 12, 0);
  sr_console_broker_status_add_queue (o->broker, "receipt", "/queue/smsrouter.receipts", 20, 3);
  sr_console_broker_status_add_queue (o->broker, "dead", "/queue/a.very.long.name.for.the.failed.queue", 1, 0);
  o->http = sr_console_http_status_new ("127.0.0.1:13013", NULL);
  o->http->accepted = 7;
  o->http->refused = 1;
  o->http->callbacks_retrying = 1;
  o->http->callbacks_dead = 2;
  return o;
}

static void
test_overview_front_ends (Fixture *f, gconstpointer data)
{
  front_ends_model = *sr_fixture_model_get (f->model);
  front_ends_model.overview = overview_with_front_ends;
  sr_console_free (f->console);
  f->console = sr_console_new (&front_ends_model, &(SrConsoleOptions) { .title = "test" });
  sr_console_set_size (f->console, 30, 80);
  sr_term_free (f->term);
  f->term = sr_term_buffer_new (30, 80);
  sr_console_refresh (f->console);
  g_autofree char *s = screen (f);
  g_auto (GStrv) lines = g_strsplit (s, "\n", -1);
  static const char *const want[] = {
    "^Front ends +Messages +Waiting$",
    "^Broker +down since [0-9:]+ · mq\\.example\\.org:61613$",
    "^  intake +/queue/smsrouter\\.outbox +12$",
    "^  receipts +/queue/smsrouter\\.receipts +20 +3$",
    "^  failed +/queue/a\\.very\\.long\\.name\\.for\\.the… +1 +0$",
    "^ +cannot connect to broker mq\\.example\\.org:61613: refused$",
    "^HTTP +127\\.0\\.0\\.1:13013 · requests accepted 7 · refused 1$",
    "^ +callbacks pending 0 · retrying 1 · dead 2 \\(8 Log: /dead\\)$",
  };
  guint at = 0;
  for (guint i = 0; lines[i] && at < G_N_ELEMENTS (want); i++)
    {
      g_strchomp (lines[i]);
      if (g_regex_match_simple (want[at], lines[i], 0, 0))
        at++;
    }
  if (at < G_N_ELEMENTS (want))
    g_error ("no line /%s/ (in order) on:\n%s", want[at], s);
  g_assert_nonnull (strstr (s, "Last system errors"));
}

/* The first screen row that holds @needle at its start, or -1. */
static int
row_starting (Fixture *f, const char *needle)
{
  for (int y = 0; y < 24; y++)
    if (sr_term_buffer_find (f->term, y, needle) == 0)
      return y;
  return -1;
}

/* The Providers view at 80x24: a row per bind with its figures, its last
 * error below it, the delivery rates (a low one as an error), scrolling,
 * the hour/day switch, and Enter into the bind's events. */
static void
test_providers_view (Fixture *f, gconstpointer data)
{
  type (f, "9");
  g_autofree char *s = screen (f);
  g_assert_nonnull (strstr (s, "Bind       State        Since    Reconn Window  Rate/max Throttled   p50/p99 ms"));
  g_assert_true (g_regex_match_simple ("main#1 +bound +[0-9]{2}:[0-9]{2}:[0-9]{2} +2 +3/10 +19\\.5/20 +7 +1\\.2/480", s, 0, 0));
  g_assert_nonnull (strstr (s, "main#2     connecting"));
  g_assert_nonnull (strstr (s, "  last error: Connection refused by 127.0.0.1:2775"));
  g_assert_nonnull (strstr (s, "Delivery of the messages of the last hour (w: last day)"));
  g_assert_true (g_regex_match_simple ("XB +101 +99 +1 +1 +99%", s, 0, 0));
  int y = row_starting (f, "XA ");
  g_assert_cmpint (y, >, 0);
  g_assert_cmpint (sr_term_buffer_attr (f->term, y, 0), ==, SR_ATTR_ERROR);  /* 0 % */
  g_assert_cmpint (sr_term_buffer_attr (f->term, row_starting (f, "main#1"), 0),
                   ==, SR_ATTR_SELECTED);
  /* 30 countries do not fit: ] scrolls to the providers below them. */
  g_assert_null (strstr (s, "Provider         Sent"));
  g_assert_nonnull (strstr (s, "[ ] lines 1–"));
  for (int i = 0; i < 4; i++)
    type (f, "]");
  g_autofree char *s2 = screen (f);
  g_assert_nonnull (strstr (s2, "Provider         Sent"));
  g_assert_true (g_regex_match_simple ("main +1000 +1000 +0 +0 +100%", s2, 0, 0));
  g_assert_nonnull (strstr (s2, "main#1 "));  /* the binds stay */
  type (f, "w");
  g_autofree char *s3 = screen (f);
  g_assert_nonnull (strstr (s3, "Delivery of the messages of the last day (w: last hour)"));
  g_assert_true (g_regex_match_simple ("XB +200 +198 +1 +1 +99%", s3, 0, 0));
  g_autofree char *hint = sr_term_buffer_row_text (f->term, 23);
  g_assert_nonnull (strstr (hint, "Enter events · w hour/day · ? help · q quit"));
  /* j selects the second bind; Enter shows its events in the Log. */
  type (f, "j");
  press (f, SR_KEY_ENTER);
  g_assert_cmpint (f->console->view, ==, SR_CONSOLE_VIEW_LOG);
  g_assert_cmpstr (f->console->lists[SR_CONSOLE_VIEW_LOG].filter, ==, "main#2");
  g_assert_true (screen_has (f, "Events of main#2"));
}

static void
test_run_needs_terminal (void)
{
  if (g_test_subprocess ())
    {
      /* The child's stdin is /dev/null: no terminal to take over. */
      g_autoptr (SrFixtureModel) model = sr_fixture_model_new (10);
      g_autoptr (SrConsole) console = sr_console_new (sr_fixture_model_get (model), NULL);
      g_autoptr (GError) error = NULL;
      SrConsoleExit why = sr_console_run (console, &error);
      g_assert_cmpint (why, ==, SR_CONSOLE_EXIT_ERROR);
      g_assert_error (error, SR_CONSOLE_ERROR, SR_CONSOLE_ERROR_NO_TERMINAL);
      g_printerr ("%s\n", error->message);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*needs a terminal*--daemon*");
  g_test_trap_assert_stdout ("");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn, rows) g_test_add (path, Fixture, GINT_TO_POINTER (rows), fixture_setup, fn, fixture_teardown)
  g_test_add_func ("/console/text/fit", test_text_fit);
  g_test_add_func ("/console/text/buffer-wide-cells", test_buffer_wide_cells);
  g_test_add_func ("/console/tabs/bar", test_tab_bar);
  g_test_add_func ("/console/columns/widths", test_column_widths);
  g_test_add_func ("/console/run/needs-terminal", test_run_needs_terminal);
  ADD ("/console/tabs/switching", test_tab_switching, 1000);
  ADD ("/console/screen/providers", test_providers_view, 1000);
  ADD ("/console/columns/wide-rows-align", test_wide_rows_align, 1000);
  ADD ("/console/screen/every-cell-written", test_every_cell_written, 1000);
  ADD ("/console/screen/resize-keeps-selection", test_resize_keeps_selection, MILLION);
  ADD ("/console/screen/detail", test_detail_pane, 0);
  ADD ("/console/screen/detail-scroll", test_detail_scroll, 1000);
  ADD ("/console/screen/overview", test_overview, 1000);
  ADD ("/console/screen/overview-front-ends", test_overview_front_ends, 1000);
  ADD ("/console/screen/form-error-wraps", test_form_error_wraps, 1000);
#undef ADD
  return g_test_run ();
}
