/* test-control.c — operator actions (sr-control) and the router console
 * model over the real demo: embedded router + in-process simulator. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "sr-console-router-model.h"
#include "sr-control.h"
#include "sr-demo.h"

/* One demo for the whole program: starting it costs a bind. */
static SrDemo *demo;

static SrRouter *
router (void)
{
  return sr_demo_get_router (demo);
}

static SrJournal *
journal (void)
{
  return sr_router_get_journal (router ());
}

/* The newest message to @to_e164 (in any state), or NULL. */
static SrJournalMessage *
find_message (const char *to_e164)
{
  gint64 next;
  g_autoptr (GPtrArray) page = sr_journal_messages_page (journal (), SR_VIEW_ALL, NULL, to_e164,
                                                         SR_PAGE_OLDER, 0, 10, &next, NULL);
  for (guint i = 0; page && i < page->len; i++)
    {
      SrJournalMessage *m = g_ptr_array_index (page, i);
      if (m->to_e164 && strcmp (m->to_e164, to_e164) == 0)
        {
          g_ptr_array_set_free_func (page, NULL);
          for (guint k = 0; k < page->len; k++)
            if (k != i)
              sr_journal_message_free (g_ptr_array_index (page, k));
          return m;
        }
    }
  return NULL;
}

/* Runs the main loop until the newest message to @to is in @state (10 s at most). */
static SrJournalMessage *
wait_state (const char *to, SrMessageState state)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      SrJournalMessage *m = find_message (to);
      if (m && (m->state == state
                || (state == SR_MESSAGE_SENT && m->state == SR_MESSAGE_DELIVERED)))
        return m;
      sr_journal_message_free (m);
      g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
    }
  SrJournalMessage *m = find_message (to);
  g_test_message ("message to %s: state %d", to, m ? (int) m->state : -1);
  sr_journal_message_free (m);
  return NULL;
}

/* TRUE if the audit log has an event of @kind by @actor about @message_id. */
static gboolean
has_event (const char *kind, const char *actor, gint64 message_id)
{
  gint64 next;
  g_autoptr (GPtrArray) page = sr_journal_events_page (journal (), -1, NULL, SR_PAGE_OLDER, 0, 200,
                                                       &next, NULL);
  for (guint i = 0; page && i < page->len; i++)
    {
      SrJournalEvent *ev = g_ptr_array_index (page, i);
      if (g_strcmp0 (ev->kind, kind) == 0 && g_strcmp0 (ev->actor, actor) == 0
          && (message_id == 0 || ev->message_id == message_id))
        return TRUE;
    }
  return FALSE;
}

static void
test_seed_outcomes (void)
{
  g_autoptr (SrJournalMessage) ok = wait_state ("+41795550101", SR_MESSAGE_SENT);
  g_assert_nonnull (ok);
  g_autoptr (SrJournalMessage) rejected = wait_state ("+41765550303", SR_MESSAGE_DEAD);
  g_assert_nonnull (rejected);
  g_assert_cmpint (rejected->error_class, ==, SR_ERROR_CLASS_SMSC);
  g_autoptr (SrJournalMessage) blacklisted = wait_state ("+262692123456", SR_MESSAGE_DEAD);
  g_assert_nonnull (blacklisted);
  g_assert_cmpint (blacklisted->error_class, ==, SR_ERROR_CLASS_POLICY);
}

static void
test_compose (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *file = NULL;
  g_assert_true (sr_control_compose (router (), NULL, "079 555 99 01", NULL, "Composed in a test",
                                     "tester", &file, &error));
  g_assert_no_error (error);
  g_assert_nonnull (file);
  g_autoptr (SrJournalMessage) m = wait_state ("+41795559901", SR_MESSAGE_SENT);
  g_assert_nonnull (m);
  g_assert_cmpstr (m->app, ==, "default");
  g_assert_true (has_event ("compose", "tester", 0));
}

static void
test_bad_input (void)
{
  struct {
    const char *app, *to, *from, *text;
  } cases[] = {
    { NULL, "12", NULL, "too short a number" },
    { NULL, "", NULL, "no number" },
    { "nosuchapp", "+41795559902", NULL, "unknown app" },
    { NULL, "+41795559903", NULL, "   " },
    { NULL, "+41795559904", "a sender that is far too long", "bad sender" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (sr_control_compose (router (), cases[i].app, cases[i].to, cases[i].from,
                                          cases[i].text, "tester", NULL, &error));
      g_assert_error (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_INVALID);
      g_assert_cmpuint (strlen (error->message), >, 10);
    }
  /* Nothing reached the outbox: the router never saw those numbers. */
  gint64 until = g_get_monotonic_time () + 300 * 1000;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
  static const char *const never[] = { "+41795559902", "+41795559903", "+41795559904" };
  for (guint i = 0; i < G_N_ELEMENTS (never); i++)
    {
      g_autoptr (SrJournalMessage) m = find_message (never[i]);
      g_assert_null (m);
    }

  g_autoptr (GError) error = NULL;
  /* Over max-parts: refused here, not dead-lettered later. */
  guint max_parts = sr_router_get_config (router ())->max_parts;
  g_assert_cmpuint (max_parts, >, 0);
  g_autofree char *too_long = g_strnfill (153 * max_parts + 1, 'x');
  g_autofree char *just_fits = g_strnfill (153 * max_parts, 'y');
  g_assert_false (sr_control_compose (router (), NULL, "+41795559905", NULL, too_long, "tester",
                                      NULL, &error));
  g_assert_error (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "max-parts"));
  g_clear_error (&error);
  g_assert_true (sr_control_compose (router (), NULL, "+41795559906", NULL, just_fits, "tester",
                                     NULL, &error));
  g_assert_no_error (error);
  g_autoptr (SrJournalMessage) fits = wait_state ("+41795559906", SR_MESSAGE_SENT);
  g_assert_nonnull (fits);
  g_autoptr (SrJournalMessage) refused = find_message ("+41795559905");
  g_assert_null (refused);

  g_autoptr (SrJournalMessage) sent = wait_state ("+41795550101", SR_MESSAGE_SENT);
  g_assert_false (sr_control_retry (router (), sent->id, "tester", &error));
  g_assert_error (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (sr_control_discard (router (), 999999999, "tester", &error));
  g_assert_error (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* Countries: two letters of a region with phone numbers, nothing else. */
  static const char *const not_countries[] = { "XYZ", "ZZ", "zz", "XY", "C1" };
  for (guint i = 0; i < G_N_ELEMENTS (not_countries); i++)
    {
      g_assert_false (sr_control_blacklist_add (router (), SR_BLACKLIST_COUNTRY, not_countries[i],
                                                NULL, "tester", &error));
      g_assert_error (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, not_countries[i]));
      g_clear_error (&error);
    }
  g_assert_false (sr_journal_blacklist_has_country (journal (), "ZZ"));
  g_assert_false (sr_control_blacklist_add (router (), SR_BLACKLIST_PREFIX, "41x", NULL, "tester", &error));
  g_assert_error (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_INVALID);
}

static void
test_edit_retry (void)
{
  g_autoptr (SrJournalMessage) dead = wait_state ("+41765550303", SR_MESSAGE_DEAD);
  g_assert_nonnull (dead);
  g_autoptr (GError) error = NULL;
  /* A bad number is refused and the dead letter stays. */
  g_assert_false (sr_control_edit_retry (router (), dead->id, "12", NULL, NULL, "tester", &error));
  g_assert_error (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_INVALID);
  g_clear_error (&error);
  g_autofree char *too_long = g_strnfill (153 * sr_router_get_config (router ())->max_parts + 1, 'x');
  g_assert_false (sr_control_edit_retry (router (), dead->id, NULL, NULL, too_long, "tester", &error));
  g_assert_error (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "max-parts"));
  g_clear_error (&error);
  g_autofree char *path = sr_spool_get_path (sr_router_get_spool (router ()), dead->app,
                                             SR_SPOOL_DEAD, dead->file);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  g_assert_true (sr_control_edit_retry (router (), dead->id, "+41 79 555 88 01", "", "Edited text",
                                        "tester", &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_autoptr (SrJournalMessage) again = wait_state ("+41795558801", SR_MESSAGE_SENT);
  g_assert_nonnull (again);
  g_assert_cmpstr (again->preview, ==, "Edited text");
  g_autoptr (SrJournalMessage) old = sr_journal_message_get (journal (), dead->id, NULL);
  g_assert_cmpint (old->state, ==, SR_MESSAGE_DISCARDED);
  g_assert_true (has_event ("edit-retry", "tester", dead->id));
  /* Twice is refused. */
  g_assert_false (sr_control_retry (router (), dead->id, "tester", &error));
  g_assert_error (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_NOT_FOUND);
}

/* A plain retry re-queues the file as it is: the firewall refuses it again,
 * as a new dead letter; the old row is closed. */
static void
test_retry (void)
{
  g_autoptr (SrJournalMessage) dead = wait_state ("+447911123456", SR_MESSAGE_DEAD);
  g_assert_nonnull (dead);
  g_autoptr (GError) error = NULL;
  g_assert_true (sr_control_retry (router (), dead->id, "tester", &error));
  g_assert_no_error (error);
  g_assert_true (has_event ("retry", "tester", dead->id));
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  SrJournalMessage *again = NULL;
  while (g_get_monotonic_time () < deadline)
    {
      again = find_message ("+447911123456");
      if (again && again->id != dead->id && again->state == SR_MESSAGE_DEAD)
        break;
      g_clear_pointer (&again, sr_journal_message_free);
      g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
    }
  g_assert_nonnull (again);
  g_assert_cmpint (again->error_class, ==, SR_ERROR_CLASS_POLICY);
  g_assert_cmpstr (again->app, ==, "alerts");
  sr_journal_message_free (again);
  g_autoptr (SrJournalMessage) old = sr_journal_message_get (journal (), dead->id, NULL);
  g_assert_cmpint (old->state, ==, SR_MESSAGE_DISCARDED);
}

static void
test_blacklist (void)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (sr_control_blacklist_add (router (), SR_BLACKLIST_COUNTRY, "de", "test", "tester", &error));
  g_assert_no_error (error);
  g_assert_true (sr_journal_blacklist_has_country (journal (), "DE"));
  g_assert_false (sr_control_blacklist_add (router (), SR_BLACKLIST_COUNTRY, "DE", NULL, "tester", &error));
  g_assert_error (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_EXISTS);
  g_clear_error (&error);

  g_assert_true (sr_control_compose (router (), "default", "+49 151 23456701", NULL, "to Germany",
                                     "tester", NULL, &error));
  g_autoptr (SrJournalMessage) m = wait_state ("+4915123456701", SR_MESSAGE_DEAD);
  g_assert_nonnull (m);
  g_assert_cmpint (m->error_class, ==, SR_ERROR_CLASS_POLICY);

  g_assert_true (sr_control_blacklist_remove (router (), SR_BLACKLIST_COUNTRY, "DE", "tester", &error));
  g_assert_false (sr_journal_blacklist_has_country (journal (), "DE"));
  g_assert_true (has_event ("blacklist-add", "tester", 0));
  g_assert_true (has_event ("blacklist-remove", "tester", 0));
  /* Removed: the next message to Germany is sent again. */
  g_assert_true (sr_control_compose (router (), "default", "+49 151 23456702", NULL, "to Germany again",
                                     "tester", NULL, &error));
  g_autoptr (SrJournalMessage) sent = wait_state ("+4915123456702", SR_MESSAGE_SENT);
  g_assert_nonnull (sent);
  g_assert_false (sr_control_blacklist_remove (router (), SR_BLACKLIST_COUNTRY, "DE", "tester", &error));
  g_assert_error (error, SR_CONTROL_ERROR, SR_CONTROL_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (sr_control_blacklist_add (router (), SR_BLACKLIST_NUMBER, "079 555 77 01", NULL, "tester", &error));
  g_assert_true (sr_journal_blacklist_has_number (journal (), "+41795557701"));
  g_assert_true (sr_control_blacklist_add (router (), SR_BLACKLIST_PREFIX, "+41 79 555 66", NULL, "tester", &error));
  g_assert_nonnull (sr_journal_blacklist_match_prefix (journal (), "+41795556601"));
}

static void
test_discard (void)
{
  g_autoptr (SrJournalMessage) dead = wait_state ("+262692123456", SR_MESSAGE_DEAD);
  g_assert_nonnull (dead);
  g_autofree char *path = sr_spool_get_path (sr_router_get_spool (router ()), dead->app,
                                             SR_SPOOL_DEAD, dead->file);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_autoptr (GError) error = NULL;
  g_assert_true (sr_control_discard (router (), dead->id, "tester", &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_autoptr (SrJournalMessage) after = sr_journal_message_get (journal (), dead->id, NULL);
  g_assert_cmpint (after->state, ==, SR_MESSAGE_DISCARDED);
  g_assert_true (has_event ("discard", "tester", dead->id));
}

/* Runs the main loop until the message claimed from @file is a dead letter
 * and its file is in dead/ (10 s at most). */
static SrJournalMessage *
wait_dead_file (const char *file)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  g_autofree char *path = sr_spool_get_path (sr_router_get_spool (router ()), "default",
                                             SR_SPOOL_DEAD, file);
  while (g_get_monotonic_time () < deadline)
    {
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
          continue;
        }
      gint64 next;
      g_autoptr (GPtrArray) page = sr_journal_messages_page (journal (), SR_VIEW_DEAD, NULL, NULL,
                                                             SR_PAGE_OLDER, 0, 50, &next, NULL);
      for (guint i = 0; page && i < page->len; i++)
        {
          SrJournalMessage *m = g_ptr_array_index (page, i);
          if (g_strcmp0 (m->file, file) == 0)
            return sr_journal_message_get (journal (), m->id, NULL);
        }
      g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
    }
  return NULL;
}

/* A file the parser refuses (class input) still shows its To, From and
 * text in the detail, so edit-and-retry starts from what the app wrote. */
static void
test_input_dead_letter_detail (void)
{
  static const struct {
    const char *file, *to, *from, *text;
  } cases[] = {
    { "To: +41795559907\nFrom: ACME\nAlphabet: KLINGON\n\nText from a refused file\n",
      "+41795559907", "ACME", "Text from a refused file" },
    { "\xef\xbb\xbfTo: 079 555 99 08\r\nX-Custom: kept\r\n\r\nbad \xff byte\r\nline two\r\n",
      "079 555 99 08", "", "bad \xef\xbf\xbd byte\nline two" },
    { "From: ACME\n\nno recipient at all\n", "", "ACME", "no recipient at all" },
  };
  g_autoptr (SrConsoleRouterModel) rm = sr_console_router_model_new (router (), "tester");
  const SrConsoleModel *model = sr_console_router_model_get (rm);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *name = NULL;
      g_assert_true (sr_spool_deliver (sr_router_get_spool (router ()), "default",
                                       SR_SPOOL_BOX_OUTBOX, cases[i].file, strlen (cases[i].file),
                                       SR_SPOOL_NONE, &name, &error));
      g_autoptr (SrJournalMessage) dead = wait_dead_file (name);
      g_assert_nonnull (dead);
      g_assert_cmpint (dead->error_class, ==, SR_ERROR_CLASS_INPUT);
      g_autoptr (SrConsoleDetail) d = model->detail (model->user_data, SR_CONSOLE_VIEW_DEAD,
                                                     dead->id, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (d->to, ==, cases[i].to);
      g_assert_cmpstr (d->from, ==, cases[i].from);
      g_assert_cmpstr (d->text, ==, cases[i].text);
      if (i == 1)
        {
          gboolean custom = FALSE;
          for (guint k = 0; k < d->fields->len; k++)
            custom |= strcmp (((SrConsoleField *) g_ptr_array_index (d->fields, k))->value, "kept") == 0;
          g_assert_true (custom);
        }
    }

  /* The values the form shows are accepted for edit-and-retry as they are. */
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  static const char fixed[] = "To: +41795559909\nAlphabet: KLINGON\n\nfixed by an operator\n";
  g_assert_true (sr_spool_deliver (sr_router_get_spool (router ()), "default", SR_SPOOL_BOX_OUTBOX,
                                   fixed, strlen (fixed), SR_SPOOL_NONE, &name, &error));
  g_autoptr (SrJournalMessage) dead = wait_dead_file (name);
  g_assert_nonnull (dead);
  g_autoptr (SrConsoleDetail) d = model->detail (model->user_data, SR_CONSOLE_VIEW_DEAD, dead->id,
                                                 &error);
  SrConsoleMessage msg = { .to = d->to, .from = d->from, .text = d->text };
  g_assert_true (model->edit_retry (model->user_data, dead->id, &msg, &error));
  g_assert_no_error (error);
}

static void
test_model (void)
{
  g_autoptr (SrConsoleRouterModel) rm = sr_console_router_model_new (router (), "tester");
  const SrConsoleModel *m = sr_console_router_model_get (rm);
  g_autoptr (GError) error = NULL;
  g_autoptr (SrConsoleOverview) o = m->overview (m->user_data, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (o->binds->len, >=, 1);
  g_assert_cmpuint (o->queues->len, ==, 2);
  /* The counters the charts sample: the demo's messages went out on its bind. */
  SrConsoleBind *b = g_ptr_array_index (o->binds, 0);
  const SrProviderConfig *pc = g_ptr_array_index (sr_router_get_config (router ())->providers, 0);
  g_assert_cmpuint (b->window, ==, pc->window);
  g_assert_cmpuint (b->window, >, 0);
  g_assert_cmpuint (b->window_used, <=, b->window);
  g_assert_cmpuint (b->parts_out, >, 0);
  g_assert_cmpuint (b->parts_out, <=, o->total_out);

  for (SrConsoleView v = SR_CONSOLE_VIEW_QUEUE; v <= SR_CONSOLE_VIEW_LOG; v++)
    {
      SrConsoleQuery q = { .view = v, .cursor = SR_CONSOLE_CURSOR_NEWEST,
                           .direction = SR_CONSOLE_PAGE_OLDER, .count = 5 };
      g_autoptr (GPtrArray) rows = m->list (m->user_data, &q, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (rows->len, <=, 5);
      for (guint i = 0; i < rows->len; i++)
        {
          SrConsoleRow *r = g_ptr_array_index (rows, i);
          g_assert_cmpuint (g_strv_length (r->columns), ==, sr_console_view_n_columns (v));
          if (i > 0)
            g_assert_cmpint (r->id, <, ((SrConsoleRow *) g_ptr_array_index (rows, i - 1))->id);
          g_autoptr (SrConsoleDetail) d = m->detail (m->user_data, v, r->id, &error);
          g_assert_no_error (error);
          g_assert_nonnull (d->title);
        }
      /* The other way from the oldest: same order rules. */
      q.cursor = SR_CONSOLE_CURSOR_OLDEST;
      q.direction = SR_CONSOLE_PAGE_NEWER;
      g_autoptr (GPtrArray) oldest = m->list (m->user_data, &q, &error);
      g_assert_no_error (error);
      for (guint i = 1; i < oldest->len; i++)
        g_assert_cmpint (((SrConsoleRow *) g_ptr_array_index (oldest, i))->id, <,
                         ((SrConsoleRow *) g_ptr_array_index (oldest, i - 1))->id);
      if (v == SR_CONSOLE_VIEW_SENT || v == SR_CONSOLE_VIEW_LOG || v == SR_CONSOLE_VIEW_BLACKLISTS)
        g_assert_cmpuint (rows->len, >, 0);
    }

  /* A sent message's detail: its text from the file and its parts with SMSC ids. */
  g_autoptr (SrJournalMessage) sent = wait_state ("+41795550101", SR_MESSAGE_SENT);
  g_autoptr (SrConsoleDetail) d = m->detail (m->user_data, SR_CONSOLE_VIEW_SENT, sent->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (d->text, ==, "Your parcel arrives today between 10:00 and 12:00.");
  g_assert_cmpuint (d->parts->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (d->parts, 0), "SMSC id"));
  g_assert_cmpuint (d->history->len, >, 0);

  /* Actions through the model say why they fail. */
  g_assert_false (m->retry (m->user_data, sent->id, &error));
  g_assert_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  SrConsoleMessage bad = { .to = "nonsense", .text = "x" };
  g_assert_false (m->compose (m->user_data, &bad, &error));
  g_assert_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (m->set_paused (m->user_data, TRUE, &error));
  g_assert_true (sr_router_get_paused (router ()));
  g_assert_true (m->set_paused (m->user_data, FALSE, &error));
  g_assert_false (sr_router_get_paused (router ()));
  g_assert_true (has_event ("pause", "tester", 0));
  g_assert_true (has_event ("resume", "tester", 0));
  /* The demo's bind is up: nothing to reconnect, but the request is audited. */
  guint not_bound = 99;
  g_assert_true (m->reconnect (m->user_data, &not_bound, &error));
  g_assert_cmpuint (not_bound, ==, 0);
  g_assert_true (has_event ("reconnect", "tester", 0));
  SrConsoleTextCount count;
  m->count_text (m->user_data, "日本", &count);
  g_assert_cmpint (count.alphabet, ==, SR_CONSOLE_ALPHABET_UCS2);
  g_assert_cmpuint (count.left, ==, 68);
  g_assert_cmpuint (count.max_parts, ==, sr_router_get_config (router ())->max_parts);
}

/* The numbers in the Dead letters view for a filter, joined by spaces. */
static char *
dead_numbers (const SrConsoleModel *m, const char *filter)
{
  SrConsoleQuery q = { .view = SR_CONSOLE_VIEW_DEAD, .filter = filter,
                       .cursor = SR_CONSOLE_CURSOR_NEWEST, .direction = SR_CONSOLE_PAGE_OLDER,
                       .count = 50 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = m->list (m->user_data, &q, &error);
  g_assert_no_error (error);
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < rows->len; i++)
    g_string_append_printf (s, "%s ", ((SrConsoleRow *) g_ptr_array_index (rows, i))->columns[2]);
  return g_string_free (s, FALSE);
}

static void
test_dead_filter (void)
{
  g_autoptr (SrJournalMessage) rejected = wait_state ("+41765550303", SR_MESSAGE_DEAD);
  g_autoptr (SrJournalMessage) blacklisted = wait_state ("+262692123456", SR_MESSAGE_DEAD);
  g_assert_nonnull (rejected);
  g_assert_nonnull (blacklisted);
  g_assert_nonnull (rejected->provider);
  g_autoptr (SrConsoleRouterModel) rm = sr_console_router_model_new (router (), "tester");
  const SrConsoleModel *m = sr_console_router_model_get (rm);

  /* The error class by its name. */
  g_autofree char *policy = dead_numbers (m, "policy");
  g_assert_nonnull (strstr (policy, "+262692123456"));
  g_assert_null (strstr (policy, "+41765550303"));
  g_autofree char *smsc = dead_numbers (m, "smsc");
  g_assert_nonnull (strstr (smsc, "+41765550303"));
  g_assert_null (strstr (smsc, "+262692123456"));
  /* The provider, the country and the error's text. */
  g_autofree char *provider = dead_numbers (m, rejected->provider);
  g_assert_nonnull (strstr (provider, "+41765550303"));
  g_assert_null (strstr (provider, "+262692123456"));
  g_assert_cmpstr (rejected->country, ==, "CH");
  g_autofree char *country = dead_numbers (m, "CH");
  g_assert_nonnull (strstr (country, "+41765550303"));
  g_autofree char *why = dead_numbers (m, blacklisted->error_text);
  g_assert_nonnull (strstr (why, "+262692123456"));
  g_assert_null (strstr (why, "+41765550303"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("SR_DEMO_TRICKLE_MS", "0", TRUE);
  g_autoptr (GError) error = NULL;
  demo = sr_demo_new (&error);
  g_assert_no_error (error);
  g_autofree char *dir = g_strdup (sr_demo_get_dir (demo));

  g_test_add_func ("/control/seed-outcomes", test_seed_outcomes);
  g_test_add_func ("/control/dead-filter", test_dead_filter); /* before the seed's letters are retried */
  g_test_add_func ("/control/compose", test_compose);
  g_test_add_func ("/control/bad-input", test_bad_input);
  g_test_add_func ("/control/edit-retry", test_edit_retry);
  g_test_add_func ("/control/retry", test_retry);
  g_test_add_func ("/control/blacklist", test_blacklist);
  g_test_add_func ("/control/discard", test_discard);
  g_test_add_func ("/control/model", test_model);
  g_test_add_func ("/control/input-dead-letter-detail", test_input_dead_letter_detail);
  int rc = g_test_run ();
  sr_demo_free (demo);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  return rc;
}
