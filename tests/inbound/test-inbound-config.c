/* test-inbound-config.c — what the configuration decides: a message no app
 * takes (no default app), a configuration changed while the router runs,
 * 16-bit references that differ only above their low octet, and a part the
 * SMSC sends again after its message was delivered. */
#include "inbound-fixture.h"

/* A configuration like the fixture's: @router_extra goes into [router],
 * @apps are the app sections. */
static SrConfig *
load_config (Fx *fx, const char *router_extra, const char *apps)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *conf = g_strdup_printf (
    "[router]\nspool = %s\nregion = CH\ninbound-timeout = 1\n%s"
    "[smpp:main]\nhost = 127.0.0.1\nport = %u\nsystem-id = router\nregion = CH\n%s",
    fx->root, router_extra, fx->port, apps);
  SrConfig *config = sr_config_load_data (conf, strlen (conf), "test", &error);

  g_assert_no_error (error);
  return config;
}

/* How many events of @kind the journal has; the last one's level, app
 * and text in the out arguments. */
static guint
count_events (Fx *fx, const char *kind, SrJournalLevel *level, char **app, char **text)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  gint64 next = 0;
  guint n = 0;

  sr_journal_flush (fx->journal, NULL);
  events = sr_journal_events_page (fx->journal, -1, NULL, SR_PAGE_NEWER, 0, 100, &next, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      SrJournalEvent *ev = events->pdata[i];
      if (g_strcmp0 (ev->kind, kind) == 0)
        {
          n++;
          *level = ev->level;
          g_free (*app);
          *app = g_strdup (ev->app);
          g_free (*text);
          *text = g_strdup (ev->text);
        }
    }
  return n;
}

/* No app has the number, no keyword matches, and there is no default app
 * (a configuration not from the loader, which always names one):
 * the SMSC is answered (it must not send it again), the journal keeps the
 * message as "unrouted" with a warning event, and no inbox gets a file. */
static void
test_unrouted (Fx *fx, gconstpointer data)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *ev_app = NULL, *ev_text = NULL;
  SrJournalLevel ev_level = SR_LEVEL_INFO;
  SrJournalInbound *row;

  close_router (fx, FALSE);
  sr_config_free (fx->config);
  fx->config = load_config (fx, "", "[app:default]\n"
                            "[app:shop]\ninbound-numbers = +41790000001\n"
                            "[app:help]\ninbound-keywords = HELP\n"
                            "[app:iot]\ninbound-numbers = +41790000002\n");
  /* The loader always names one (the app "default", else the first app);
   * a configuration built otherwise may have none. */
  g_assert_cmpstr (fx->config->default_app, ==, "default");
  g_clear_pointer (&fx->config->default_app, g_free);
  fx->provider = sr_config_find_provider (fx->config, "main");
  open_router (fx);

  mo_and_wait (fx, "from=" FROM ",to=+41790000000,text=anyone there?");
  /* a keyword and a number still find their app */
  mo_and_wait (fx, "from=" FROM ",to=+41790000000,text=HELP");
  mo_and_wait (fx, "from=" FROM ",to=+41790000001,text=order 12");
  g_assert_cmpuint (stats (fx).deliver_acked, ==, 3);
  g_assert_cmpuint (stats (fx).deliver_nacked, ==, 0);
  g_assert_cmpuint (inbox_count (fx, "default"), ==, 0);
  g_assert_cmpuint (inbox_count (fx, "iot"), ==, 0);
  g_assert_cmpuint (inbox_count (fx, "help"), ==, 1);
  g_assert_cmpuint (inbox_count (fx, "shop"), ==, 1);
  g_assert_cmpuint (fx->notified, ==, 2);

  rows = journal_inbound (fx);
  g_assert_cmpuint (rows->len, ==, 3);
  row = rows->pdata[0];
  g_assert_cmpstr (row->verdict, ==, "unrouted");
  g_assert_null (row->app);
  g_assert_null (row->file);
  g_assert_cmpstr (row->text, ==, "anyone there?");
  g_assert_cmpstr (row->sender, ==, FROM);
  g_assert_cmpstr (row->recipient, ==, "+41790000000");
  g_assert_cmpstr (((SrJournalInbound *) rows->pdata[1])->verdict, ==, "inbox");
  g_assert_cmpstr (((SrJournalInbound *) rows->pdata[1])->app, ==, "help");

  g_assert_cmpuint (count_events (fx, "inbound-unrouted", &ev_level, &ev_app, &ev_text), ==, 1);
  g_assert_cmpint (ev_level, ==, SR_LEVEL_WARNING);
  g_assert_null (ev_app);
  g_assert_nonnull (strstr (ev_text, FROM));
  g_assert_nonnull (strstr (ev_text, "+41790000000"));
  /* the holding area does not keep it either */
  assert_hold_cleared (fx);
}

/* sr_inbound_set_config(): messages after the change follow the new
 * routes and firewall, a message half received at the change is
 * completed under the new configuration, and nothing of the old policy
 * is used any more (it is freed at once: ASan would see it). */
static void
test_set_config (Fx *fx, gconstpointer data)
{
  SrConfig *old_config = fx->config;
  SrConfig *config;
  SrPolicy *policy;
  g_autoptr(GError) error = NULL;
  g_autofree char *help = NULL;
  g_autofree char *long_text = repeat ("0123456789", 40);
  g_autofree char *expected = g_strconcat (long_text, "\n", NULL);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) names = NULL;

  mo_and_wait (fx, "from=" FROM ",to=+41790000001,text=before");
  g_assert_cmpuint (inbox_count (fx, "shop"), ==, 1);
  /* two of three parts, then the change */
  mo_and_wait (fx, "from=" FROM ",to=+41790000001,text=0123456789,repeat=40,ref=42,drop=3");
  g_assert_cmpuint (inbox_count (fx, "shop"), ==, 1);

  /* the number moves from shop to help; iot refuses everyone from +4179123 */
  config = load_config (fx, "default-app = default\n",
                        "[app:default]\n"
                        "[app:shop]\ninbound-numbers = +41790000009\n"
                        "[app:help]\ninbound-numbers = +41790000001\n"
                        "[app:iot]\ninbound-numbers = +41790000002\ninbound-deny = +4179123\n");
  policy = sr_policy_new (config, NULL, &error);
  g_assert_no_error (error);
  sr_inbound_set_config (fx->inbound, config, policy);
  sr_policy_free (fx->policy);
  fx->policy = policy;
  /* the session keeps the provider it was made with: the old
   * configuration stays alive for it until the end */
  fx->config = config;
  fx->provider = sr_config_find_provider (config, "main");

  mo_and_wait (fx, "from=" FROM ",to=+41790000001,text=0123456789,repeat=40,ref=42,drop=1\\,2");
  mo_and_wait (fx, "from=" FROM ",to=+41790000001,text=after");
  mo_and_wait (fx, "from=" FROM ",to=+41790000002,text=let me in");
  g_assert_cmpuint (inbox_count (fx, "shop"), ==, 1);
  g_assert_cmpuint (inbox_count (fx, "iot"), ==, 0);
  names = inbox (fx, "help");
  g_assert_cmpuint (names->len, ==, 2);
  {
    g_autofree char *p0 = sr_spool_get_path (fx->spool, "help", SR_SPOOL_INBOX_NEW, names->pdata[0]);
    g_autofree char *p1 = sr_spool_get_path (fx->spool, "help", SR_SPOOL_INBOX_NEW, names->pdata[1]);
    g_autofree char *a = NULL, *b = NULL;

    g_assert_true (g_file_get_contents (p0, &a, NULL, NULL));
    g_assert_true (g_file_get_contents (p1, &b, NULL, NULL));
    /* the multipart message was first seen before "after" */
    g_assert_cmpstr (body_of (a), ==, expected);
    assert_header (a, "Parts", "3");
    g_assert_cmpstr (body_of (b), ==, "after\n");
  }
  rows = journal_inbound (fx);
  g_assert_cmpuint (rows->len, ==, 4);
  g_assert_cmpstr (((SrJournalInbound *) rows->pdata[1])->app, ==, "help");
  g_assert_cmpstr (((SrJournalInbound *) rows->pdata[3])->verdict, ==, "denied: inbound-deny");
  g_assert_cmpstr (((SrJournalInbound *) rows->pdata[3])->app, ==, "iot");

  sr_config_free (old_config);
  /* the session's provider went with the old configuration */
  g_clear_pointer (&fx->session, sr_smpp_session_unref);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Two messages from one sender whose 16-bit references share their low
 * octet, interleaved: two messages, not one mixed up. */
static void
test_udh16_refs (Fx *fx, gconstpointer data)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *a_text = repeat ("aaaaaaaaaa", 40);
  g_autofree char *b_text = repeat ("bbbbbbbbbb", 40);

  mo_and_wait (fx, "from=" FROM ",to=+41790000000,text=aaaaaaaaaa,repeat=40,split=udh16,"
               "ref=257,drop=3");
  mo_and_wait (fx, "from=" FROM ",to=+41790000000,text=bbbbbbbbbb,repeat=40,split=udh16,"
               "ref=513,order=3\\,2\\,1");
  mo_and_wait (fx, "from=" FROM ",to=+41790000000,text=aaaaaaaaaa,repeat=40,split=udh16,"
               "ref=257,drop=1\\,2");
  names = inbox (fx, "default");
  g_assert_cmpuint (names->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *path = sr_spool_get_path (fx->spool, "default", SR_SPOOL_INBOX_NEW,
                                                 names->pdata[i]);
      g_autofree char *file = NULL;
      g_autofree char *expected = g_strconcat (i == 0 ? a_text : b_text, "\n", NULL);

      g_assert_true (g_file_get_contents (path, &file, NULL, NULL));
      assert_no_header (file, "X-Incomplete");
      g_assert_cmpstr (body_of (file), ==, expected);
    }
}

/* The SMSC sends a part again after the message was delivered (its
 * answer was lost on the way): answered, not made into a message. */
static void
test_resent_part (Fx *fx, gconstpointer data)
{
  g_autoptr(GPtrArray) rows = NULL;

  mo_and_wait (fx, "from=" FROM ",to=+41790000000,text=0123456789,repeat=40,ref=7,order=2\\,3\\,1");
  g_assert_cmpuint (inbox_count (fx, "default"), ==, 1);
  mo_and_wait (fx, "from=" FROM ",to=+41790000000,text=0123456789,repeat=40,ref=7,drop=2\\,3");
  mo_and_wait (fx, "from=" FROM ",to=+41790000000,text=0123456789,repeat=40,ref=7,drop=1");
  /* even after the incomplete-message timeout */
  sr_inbound_expire (fx->inbound, g_get_real_time () + 5 * G_USEC_PER_SEC);
  sr_journal_flush (fx->journal, NULL);
  g_assert_cmpuint (stats (fx).deliver_acked, ==, 6);
  g_assert_cmpuint (stats (fx).deliver_nacked, ==, 0);
  g_assert_cmpuint (inbox_count (fx, "default"), ==, 1);
  g_assert_cmpuint (fx->notified, ==, 1);
  rows = journal_inbound (fx);
  g_assert_cmpuint (rows->len, ==, 1);
}

void inbound_config_tests_add (void);

void
inbound_config_tests_add (void)
{
  g_test_add ("/inbound/unrouted", Fx, NULL, fx_setup, test_unrouted, fx_teardown);
  g_test_add ("/inbound/set-config", Fx, NULL, fx_setup, test_set_config, fx_teardown);
  g_test_add ("/inbound/udh16-refs", Fx, NULL, fx_setup, test_udh16_refs, fx_teardown);
  g_test_add ("/inbound/resent-part", Fx, NULL, fx_setup, test_resent_part, fx_teardown);
}
