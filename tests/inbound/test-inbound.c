/* test-inbound.c — MO messages from the simulator over real loopback TCP,
 * through a real SMPP session, into SrInbound with a temporary spool and
 * journal; the outcome is read back from the inbox files and the journal. */
#include <string.h>
#include <glib/gstdio.h>

#include "sr-inbound.h"
#include "sr-sim.h"
#include "sr-smpp-session.h"

#define FROM "+41791234567"

/* Everything one test observes. */
typedef struct {
  char *root;
  SrSim *sim;
  SrConfig *config;
  SrSpool *spool;
  SrJournal *journal;
  SrPolicy *policy;
  SrInbound *inbound;
  SrSmppSession *session;
  const SrProviderConfig *provider;
  guint delivers;
  guint answered;
  guint answered_ok;
  gboolean hold_acks;          /* "die" before answering: never call ack */
  guint notified;
  char *last_notify;
  guint16 port;
  GPtrArray *pending;          /* Pending not answered yet */
} Fx;

/* One deliver_sm waiting for SrInbound's verdict. */
typedef struct {
  Fx *fx;
  SrSmppSession *session;
  guint64 token;
} Pending;

static void
on_done (guint32 status, gpointer data)
{
  Pending *p = data;

  p->fx->answered++;
  if (status == 0)
    p->fx->answered_ok++;
  if (!p->fx->hold_acks)
    sr_smpp_session_ack_deliver (p->session, p->token, status);
  g_ptr_array_remove_fast (p->fx->pending, p);
}

static void
pending_free (gpointer data)
{
  Pending *p = data;

  sr_smpp_session_unref (p->session);
  g_free (p);
}

static void
on_deliver (SrSmppSession *s, const SrPdu *pdu, guint64 token, gpointer data)
{
  Fx *fx = data;
  Pending *p = g_new0 (Pending, 1);

  fx->delivers++;
  g_test_message ("deliver_sm dc=%u esm=0x%02x sm_length=%u", pdu->data_coding, pdu->esm_class, pdu->sm_length);
  p->fx = fx;
  p->session = sr_smpp_session_ref (s);
  p->token = token;
  g_ptr_array_add (fx->pending, p);
  sr_inbound_handle (fx->inbound, fx->provider, pdu, on_done, p);
}

static const SrSmppSessionEvents session_events = { .deliver = on_deliver };

static void
on_notify (const char *app, const char *sender, const char *text, gpointer data)
{
  Fx *fx = data;

  fx->notified++;
  g_free (fx->last_notify);
  fx->last_notify = g_strdup_printf ("%s|%s|%s", app, sender, text);
}

static void
start_session (Fx *fx)
{
  SrSmppTiming t;

  fx->session = sr_smpp_session_new (fx->provider, SR_SMPP_BIND_AS_RECEIVER, &session_events, fx);
  sr_smpp_session_get_timing (fx->session, &t);
  t.reconnect_initial_ms = 40;
  t.reconnect_max_ms = 200;
  t.stop_timeout_ms = 500;
  t.unbind_timeout_ms = 500;
  sr_smpp_session_set_timing (fx->session, &t);
  sr_smpp_session_start (fx->session);
}

static void
open_router (Fx *fx)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = sr_journal_path_for_spool (fx->root);
  const char *apps[] = { "default", "shop", "help", "iot", NULL };

  fx->spool = sr_spool_open (fx->root, apps, &error);
  g_assert_no_error (error);
  fx->journal = sr_journal_open (path, SR_JOURNAL_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  fx->policy = sr_policy_new (fx->config, NULL, &error);
  g_assert_no_error (error);
  fx->inbound = sr_inbound_new (fx->config, fx->spool, fx->journal, fx->policy);
  sr_inbound_set_notify_func (fx->inbound, on_notify, fx);
}

static void
ignore_journal_error (SrJournal *journal, const GError *error, gpointer data)
{
  g_test_message ("journal (on purpose): %s", error->message);
}

/* A crash: nothing is answered or committed any more. */
static void
close_router (Fx *fx, gboolean lose_journal_batch)
{
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&fx->inbound, sr_inbound_free);
  /* what the dead router never answered */
  g_ptr_array_set_size (fx->pending, 0);
  g_clear_pointer (&fx->session, sr_smpp_session_unref);
  if (lose_journal_batch)
    {
      sr_journal_set_error_func (fx->journal, ignore_journal_error, NULL);
      sr_journal_debug_fail_commits (fx->journal, 1);
      sr_journal_flush (fx->journal, NULL);
    }
  g_clear_pointer (&fx->journal, sr_journal_close);
  g_clear_pointer (&fx->policy, sr_policy_free);
  g_clear_pointer (&fx->spool, sr_spool_free);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
fx_setup (Fx *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *conf = NULL;
  SrSimOptions o;

  memset (fx, 0, sizeof *fx);
  fx->pending = g_ptr_array_new_with_free_func (pending_free);
  fx->root = g_dir_make_tmp ("sr-inbound-XXXXXX", &error);
  g_assert_no_error (error);

  sr_sim_options_init (&o);
  o.no_receipts = TRUE;
  o.deliver_retry_ms = 100;
  fx->sim = sr_sim_new (&o, &error);
  g_assert_no_error (error);
  fx->port = sr_sim_get_port (fx->sim);

  conf = g_strdup_printf (
    "[router]\nspool = %s\nregion = CH\ninbound-timeout = 1\ndefault-app = default\n"
    "[smpp:main]\nhost = 127.0.0.1\nport = %u\nsystem-id = router\nregion = CH\n"
    "[smpp:packed]\nhost = 127.0.0.1\nsystem-id = router\nregion = GB\ndata-coding-0 = gsm-packed\n"
    "[app:default]\n"
    "[app:shop]\ninbound-numbers = +41790000001\n"
    "[app:help]\ninbound-keywords = HELP\n"
    "[app:iot]\ninbound-numbers = +41790000002\ninbound-deny = +4179666\n",
    fx->root, fx->port);
  fx->config = sr_config_load_data (conf, strlen (conf), "test", &error);
  g_assert_no_error (error);
  fx->provider = sr_config_find_provider (fx->config, "main");
  g_assert_nonnull (fx->provider);
  open_router (fx);
}

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);
        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          rm_rf (child);
        else
          g_unlink (child);
      }
  g_rmdir (path);
}

static const char *expected_warning;

static void
fx_teardown (Fx *fx, gconstpointer data)
{
  expected_warning = NULL;
  close_router (fx, FALSE);
  g_clear_pointer (&fx->sim, sr_sim_free);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  sr_config_free (fx->config);
  rm_rf (fx->root);
  g_free (fx->root);
  g_free (fx->last_notify);
  g_ptr_array_unref (fx->pending);
}

/* Warnings of this module that a test provokes on purpose. */
static guint expected_warnings;

static gboolean
allow_expected_warning (const char *domain, GLogLevelFlags level, const char *message,
                        gpointer data)
{
  if (g_strcmp0 (domain, "sr-inbound") == 0 && (level & G_LOG_LEVEL_WARNING) &&
      expected_warning != NULL && strstr (message, expected_warning) != NULL)
    {
      expected_warnings++;
      return FALSE;
    }
  return TRUE;
}

static void
log_expected_warning (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  if (expected_warning != NULL && strstr (message, expected_warning) != NULL)
    g_test_message ("expected warning: %s", message);
  else
    g_log_default_handler (domain, level, message, data);
}

static void
expect_warnings (const char *fragment)
{
  expected_warnings = 0;
  expected_warning = fragment;
  g_test_log_set_fatal_handler (allow_expected_warning, NULL);
  g_log_set_handler ("sr-inbound", G_LOG_LEVEL_WARNING | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
                     log_expected_warning, NULL);
}

/* ---- helpers ---- */

typedef gboolean (*Cond) (Fx *fx, gconstpointer arg);

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
run_until (Fx *fx, Cond cond, gconstpointer arg, guint ms)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (ms, timeout_cb, &expired);

  while (!cond (fx, arg) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  return cond (fx, arg);
}

static void
run_for (guint ms)
{
  gboolean expired = FALSE;

  g_timeout_add (ms, timeout_cb, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

static SrSimStats
stats (Fx *fx)
{
  SrSimStats s;
  sr_sim_get_stats (fx->sim, &s);
  return s;
}

static gboolean
acked_at_least (Fx *fx, gconstpointer n)
{
  return stats (fx).deliver_acked >= GPOINTER_TO_UINT (n);
}

static gboolean
answered_at_least (Fx *fx, gconstpointer n)
{
  return fx->answered >= GPOINTER_TO_UINT (n);
}

static gboolean
delivered_at_least (Fx *fx, gconstpointer n)
{
  return fx->delivers >= GPOINTER_TO_UINT (n);
}

static guint
mo (Fx *fx, const char *spec)
{
  g_autoptr(GError) error = NULL;
  guint parts = 0;

  g_assert_true (sr_sim_inject_mo (fx->sim, spec, &parts, &error));
  g_assert_no_error (error);
  return parts;
}

/* Injects @spec and waits until the SMSC got a positive answer for each
 * part it sent (duplicates included). */
static void
mo_and_wait (Fx *fx, const char *spec)
{
  guint64 before = stats (fx).deliver_acked;
  guint parts;

  if (fx->session == NULL)
    start_session (fx);
  parts = mo (fx, spec);
  g_assert_true (run_until (fx, acked_at_least, GUINT_TO_POINTER (before + parts), 5000));
}

static gint
cmp_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The names in apps/@app/inbox/new, sorted (oldest first). */
static GPtrArray *
inbox (Fx *fx, const char *app)
{
  g_autofree char *path = sr_spool_get_path (fx->spool, app, SR_SPOOL_INBOX_NEW, NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, cmp_names);
  return names;
}

static guint
inbox_count (Fx *fx, const char *app)
{
  g_autoptr(GPtrArray) names = inbox (fx, app);
  return names->len;
}

/* The only file of @app's inbox. */
static char *
only_file (Fx *fx, const char *app)
{
  g_autoptr(GPtrArray) names = inbox (fx, app);
  g_autofree char *path = NULL;
  char *data = NULL;

  g_assert_cmpuint (names->len, ==, 1);
  path = sr_spool_get_path (fx->spool, app, SR_SPOOL_INBOX_NEW, names->pdata[0]);
  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  g_assert_true (g_utf8_validate (data, -1, NULL));
  return data;
}

static const char *
body_of (const char *file)
{
  const char *b = strstr (file, "\n\n");
  g_assert_nonnull (b);
  return b + 2;
}

static void
assert_header (const char *file, const char *name, const char *value)
{
  g_autofree char *line = g_strdup_printf ("%s: %s\n", name, value);
  g_autofree char *head = g_strndup (file, body_of (file) - file);

  g_autofree char *nl = g_strconcat ("\n", line, NULL);

  if (!g_str_has_prefix (head, line) && strstr (head, nl) == NULL)
    g_error ("header \"%s: %s\" not found in:\n%s", name, value, head);
}

static void
assert_no_header (const char *file, const char *name)
{
  g_autofree char *head = g_strndup (file, body_of (file) - file);
  g_autofree char *nl = g_strdup_printf ("\n%s:", name);
  g_autofree char *first = g_strdup_printf ("%s:", name);

  g_assert_false (g_str_has_prefix (head, first) || strstr (head, nl) != NULL);
}

static GPtrArray *
journal_inbound (Fx *fx)
{
  g_autoptr(GError) error = NULL;
  gint64 next = 0;
  GPtrArray *rows;

  sr_journal_flush (fx->journal, NULL);
  rows = sr_journal_inbound_page (fx->journal, NULL, SR_PAGE_NEWER, 0, 100, &next, &error);
  g_assert_no_error (error);
  return rows;
}

static char *
repeat (const char *s, guint n)
{
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    g_string_append (out, s);
  return g_string_free (out, FALSE);
}

static gboolean
hold_empty (Fx *fx)
{
  g_autofree char *hold = g_build_filename (fx->root, "router", "inbound", NULL);
  g_autoptr(GDir) dir = g_dir_open (hold, 0, NULL);
  return dir != NULL && g_dir_read_name (dir) == NULL;
}

/* Part files stay a while after delivery (a crash before the answer);
 * once that time passed, nothing is left in the holding area. */
static void
assert_hold_cleared (Fx *fx)
{
  sr_inbound_expire (fx->inbound, g_get_real_time () + (gint64) 86400 * G_USEC_PER_SEC);
  g_assert_true (hold_empty (fx));
}

/* ---- decoding ---- */

/* One single-part message per alphabet: what arrives is what was sent. */
typedef struct {
  const char *spec_tail;
  const char *alphabet;
  const char *text;
} DecodeCase;

static const DecodeCase decode_cases[] = {
  { "text=Hello world", "GSM", "Hello world" },
  { "text=Price {5\xe2\x82\xac} [ok] ~|^", "GSM", "Price {5\xe2\x82\xac} [ok] ~|^" },
  { "text=\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 \xf0\x9f\x98\x80!", "UCS2",
    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 \xf0\x9f\x98\x80!" },
  { "coding=binary,hex=48656C6C6F2040,dc=1", "IA5", "Hello @" },
  { "coding=latin1,text=Gr\xc3\xbc\xc3\x9f" "e \xc3\xa0 bient\xc3\xb4t", "ISO",
    "Gr\xc3\xbc\xc3\x9f" "e \xc3\xa0 bient\xc3\xb4t" },
};

static void
test_decode (Fx *fx, gconstpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (decode_cases); i++)
    {
      const DecodeCase *c = &decode_cases[i];
      g_autofree char *spec = g_strdup_printf ("from=" FROM ",to=+41790000000,%s", c->spec_tail);
      g_autoptr(GPtrArray) names = NULL;
      g_autofree char *path = NULL;
      g_autofree char *file = NULL;

      mo_and_wait (fx, spec);
      names = inbox (fx, "default");
      g_assert_cmpuint (names->len, ==, i + 1);
      /* the newest file: names start with the time of arrival */
      path = sr_spool_get_path (fx->spool, "default", SR_SPOOL_INBOX_NEW,
                                names->pdata[names->len - 1]);
      g_assert_true (g_file_get_contents (path, &file, NULL, NULL));
      assert_header (file, "From", FROM);
      assert_header (file, "To", "+41790000000");
      assert_header (file, "Alphabet", c->alphabet);
      assert_header (file, "Parts", "1");
      assert_header (file, "Provider", "main");
      assert_no_header (file, "X-Undecodable");
      assert_no_header (file, "Keyword");
      g_assert_true (g_str_has_prefix (strstr (file, "Received: "), "Received: 20"));
      g_autofree char *expected = g_strconcat (c->text, "\n", NULL);
      g_assert_cmpstr (body_of (file), ==, expected);
    }
  g_assert_cmpuint (fx->notified, ==, G_N_ELEMENTS (decode_cases));
  g_assert_false (hold_empty (fx));   /* they linger for a crash before the answer */
  g_assert_true (g_str_has_prefix (fx->last_notify, "default|" FROM "|"));
  {
    g_autoptr(GPtrArray) rows = journal_inbound (fx);
    g_assert_cmpuint (rows->len, ==, G_N_ELEMENTS (decode_cases));
    SrJournalInbound *row = rows->pdata[0];
    g_assert_cmpstr (row->verdict, ==, "inbox");
    g_assert_cmpstr (row->app, ==, "default");
    g_assert_cmpstr (row->sender, ==, FROM);
    g_assert_cmpstr (row->text, ==, "Hello world");
    g_assert_nonnull (row->file);
  }
  assert_hold_cleared (fx);
}


/* ---- multipart ---- */

/* A long message split by the simulator, reassembled into one file. */
typedef struct {
  const char *spec_tail;
  const char *unit;
  guint times;
  guint parts;
  const char *alphabet;
} PartsCase;

static const PartsCase parts_cases[] = {
  { "text=0123456789,repeat=40,order=3\\,1\\,2", "0123456789", 40, 3, "GSM" },
  { "text=abcdefghij,repeat=40,split=udh16,order=2\\,3\\,1", "abcdefghij", 40, 3, "GSM" },
  { "text=klmnopqrst,repeat=40,split=sar,order=3\\,2\\,1", "klmnopqrst", 40, 3, "GSM" },
  { "text=uvwxyz1234,repeat=40,dup=2", "uvwxyz1234", 40, 3, "GSM" },
  { "text=\xd0\x96\xf0\x9f\x98\x80,repeat=50,order=2\\,1\\,3", "\xd0\x96\xf0\x9f\x98\x80", 50, 3, "UCS2" },
};

static void
test_multipart (Fx *fx, gconstpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (parts_cases); i++)
    {
      const PartsCase *c = &parts_cases[i];
      g_autofree char *spec = g_strdup_printf ("from=" FROM ",to=+41790000000,%s", c->spec_tail);
      g_autofree char *expected = NULL;
      g_autofree char *file = NULL;
      g_autofree char *parts = g_strdup_printf ("%u", c->parts);
      g_autoptr(GPtrArray) names = NULL;
      g_autofree char *path = NULL;

      g_test_message ("case %u: %s", i, spec);
      mo_and_wait (fx, spec);
      names = inbox (fx, "default");
      g_assert_cmpuint (names->len, ==, i + 1);
      path = sr_spool_get_path (fx->spool, "default", SR_SPOOL_INBOX_NEW,
                                names->pdata[names->len - 1]);
      g_assert_true (g_file_get_contents (path, &file, NULL, NULL));
      assert_header (file, "Parts", parts);
      assert_header (file, "Alphabet", c->alphabet);
      assert_no_header (file, "X-Incomplete");
      {
        g_autofree char *text = repeat (c->unit, c->times);
        expected = g_strconcat (text, "\n", NULL);
      }
      g_assert_cmpstr (body_of (file), ==, expected);
    }
  /* the duplicate part was answered, not delivered twice */
  g_assert_cmpuint (fx->notified, ==, G_N_ELEMENTS (parts_cases));
  {
    g_autoptr(GPtrArray) rows = journal_inbound (fx);
    g_assert_cmpuint (rows->len, ==, G_N_ELEMENTS (parts_cases));
  }
  assert_hold_cleared (fx);
}

static gboolean
inbox_has (Fx *fx, gconstpointer app)
{
  return inbox_count (fx, app) > 0;
}

/* A part that never comes: after inbound-timeout what arrived is delivered. */
static void
test_incomplete (Fx *fx, gconstpointer data)
{
  g_autofree char *file = NULL;
  g_autofree char *p1 = repeat ("A", 153);
  g_autofree char *p2 = repeat ("B", 153);
  g_autofree char *p3 = repeat ("C", 40);
  g_autofree char *spec = g_strdup_printf ("from=" FROM ",to=+41790000000,text=%s%s%s,drop=2",
                                           p1, p2, p3);
  g_autofree char *expected = g_strdup_printf ("%s [\xe2\x80\xa6] %s\n", p1, p3);
  gint64 t0 = g_get_monotonic_time ();

  mo_and_wait (fx, spec);   /* the two parts that came are answered at once */
  g_assert_cmpuint (inbox_count (fx, "default"), ==, 0);
  g_assert_true (run_until (fx, inbox_has, "default", 4000));
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, G_USEC_PER_SEC * 9 / 10);
  file = only_file (fx, "default");
  assert_header (file, "X-Incomplete", "parts 1,3 of 3");
  assert_header (file, "Parts", "3");
  g_assert_cmpstr (body_of (file), ==, expected);
  {
    g_autoptr(GPtrArray) rows = journal_inbound (fx);
    SrJournalInbound *row;
    g_assert_cmpuint (rows->len, ==, 1);
    row = rows->pdata[0];
    g_assert_cmpstr (row->verdict, ==, "inbox: incomplete");
  }
  g_assert_cmpuint (stats (fx).deliver_acked, ==, 2);
}

/* ---- routing and the inbound firewall ---- */

static void
test_routing (Fx *fx, gconstpointer data)
{
  g_autofree char *shop = NULL, *help = NULL, *iot = NULL;

  mo_and_wait (fx, "from=" FROM ",to=+41790000001,text=Where is my order?");
  mo_and_wait (fx, "from=" FROM ",to=+41790000000,text=help me please");
  mo_and_wait (fx, "from=0791111111,to=0790000002,text=status ok");
  shop = only_file (fx, "shop");
  help = only_file (fx, "help");
  iot = only_file (fx, "iot");
  g_assert_cmpuint (inbox_count (fx, "default"), ==, 0);
  assert_header (shop, "To", "+41790000001");
  assert_no_header (shop, "Keyword");
  assert_header (help, "Keyword", "HELP");
  assert_header (help, "To", "+41790000000");
  /* national numbers are normalised with the provider's region */
  assert_header (iot, "From", "+41791111111");
  assert_header (iot, "To", "+41790000002");
  g_assert_cmpstr (body_of (iot), ==, "status ok\n");
}

static void
test_firewall (Fx *fx, gconstpointer data)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  SrJournalInbound *row;
  gint64 next = 0;
  gboolean found = FALSE;

  mo_and_wait (fx, "from=+41796660000,to=+41790000002,text=let me in");
  g_assert_cmpuint (stats (fx).deliver_acked, ==, 1);
  g_assert_cmpuint (stats (fx).deliver_nacked, ==, 0);
  for (const char *const *app = (const char *const[]) { "default", "shop", "help", "iot", NULL };
       *app; app++)
    g_assert_cmpuint (inbox_count (fx, *app), ==, 0);
  g_assert_cmpuint (fx->notified, ==, 0);

  rows = journal_inbound (fx);
  g_assert_cmpuint (rows->len, ==, 1);
  row = rows->pdata[0];
  g_assert_cmpstr (row->verdict, ==, "denied: inbound-deny");
  g_assert_cmpstr (row->app, ==, "iot");
  g_assert_cmpstr (row->sender, ==, "+41796660000");
  g_assert_null (row->file);

  events = sr_journal_events_page (fx->journal, -1, NULL, SR_PAGE_NEWER, 0, 100, &next, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      SrJournalEvent *ev = events->pdata[i];
      if (g_strcmp0 (ev->kind, "inbound-denied") == 0)
        {
          found = TRUE;
          g_assert_cmpstr (ev->app, ==, "iot");
          g_assert_nonnull (strstr (ev->text, "inbound-deny"));
          g_assert_nonnull (strstr (ev->text, "+41796660000"));
        }
    }
  g_assert_true (found);

  /* the other senders still get through */
  mo_and_wait (fx, "from=+41791111111,to=+41790000002,text=hello");
  g_assert_cmpuint (inbox_count (fx, "iot"), ==, 1);
}

/* ---- malformed input ---- */

static void
test_malformed (Fx *fx, gconstpointer data)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *bad_udh = NULL, *odd = NULL;
  g_autofree char *p0 = NULL, *p1 = NULL;

  /* a UDH whose length points past the message */
  mo_and_wait (fx, "from=" FROM ",to=+41790000000,coding=binary,hex=05000301,esm=0x40,dc=0");
  /* UCS-2 cut in the middle of a character */
  mo_and_wait (fx, "from=" FROM ",to=+41790000000,coding=binary,hex=0048006900,dc=8");
  g_assert_cmpuint (stats (fx).deliver_nacked, ==, 0);
  names = inbox (fx, "default");
  g_assert_cmpuint (names->len, ==, 2);
  {
    g_autoptr(GPtrArray) rows = journal_inbound (fx);
    g_autoptr(GPtrArray) events = NULL;
    g_autoptr(GError) error = NULL;
    gint64 next = 0;
    guint malformed = 0;

    g_assert_cmpuint (rows->len, ==, 2);
    events = sr_journal_events_page (fx->journal, -1, NULL, SR_PAGE_NEWER, 0, 100, &next, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < events->len; i++)
      if (g_strcmp0 (((SrJournalEvent *) events->pdata[i])->kind, "inbound-malformed") == 0)
        malformed++;
    g_assert_cmpuint (malformed, >=, 1);
  }
  p0 = sr_spool_get_path (fx->spool, "default", SR_SPOOL_INBOX_NEW, names->pdata[0]);
  p1 = sr_spool_get_path (fx->spool, "default", SR_SPOOL_INBOX_NEW, names->pdata[1]);
  g_assert_true (g_file_get_contents (p0, &bad_udh, NULL, NULL));
  g_assert_true (g_file_get_contents (p1, &odd, NULL, NULL));

  assert_header (bad_udh, "Alphabet", "binary");
  g_assert_nonnull (strstr (bad_udh, "\nX-Binary: hex"));
  g_assert_nonnull (strstr (bad_udh, "\nX-Problem: "));
  g_assert_cmpstr (body_of (bad_udh), ==, "05000301\n");

  assert_header (odd, "Alphabet", "UCS2");
  g_assert_nonnull (strstr (odd, "\nX-Undecodable: 1 "));
  g_assert_true (g_str_has_prefix (body_of (odd), "Hi"));
  g_assert_true (g_utf8_validate (odd, -1, NULL));
}

/* 8-bit data is kept as hex, and says so. */
static void
test_binary (Fx *fx, gconstpointer data)
{
  g_autofree char *file = NULL;

  mo_and_wait (fx, "from=" FROM ",to=+41790000000,coding=binary,hex=0001FEFF7F,dc=4");
  file = only_file (fx, "default");
  assert_header (file, "Alphabet", "binary");
  g_assert_nonnull (strstr (file, "\nX-Binary: hex (8-bit data"));
  g_assert_cmpstr (body_of (file), ==, "0001FEFF7F\n");
}

/* A part that comes after its message was delivered incomplete is not
 * lost: it becomes a message of its own. */
static void
test_late_part (Fx *fx, gconstpointer data)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *first = NULL, *second = NULL;
  g_autofree char *p0 = NULL, *p1 = NULL;
  gint64 later = g_get_real_time () + 5 * G_USEC_PER_SEC;

  mo_and_wait (fx, "from=" FROM ",to=+41790000000,text=0123456789,repeat=40,ref=9,drop=3");
  sr_inbound_expire (fx->inbound, later);
  sr_journal_flush (fx->journal, NULL);
  g_assert_cmpuint (inbox_count (fx, "default"), ==, 1);
  mo_and_wait (fx, "from=" FROM ",to=+41790000000,text=0123456789,repeat=40,ref=9,drop=1\\,2");
  sr_inbound_expire (fx->inbound, later + 5 * G_USEC_PER_SEC);
  sr_journal_flush (fx->journal, NULL);
  names = inbox (fx, "default");
  g_assert_cmpuint (names->len, ==, 2);
  p0 = sr_spool_get_path (fx->spool, "default", SR_SPOOL_INBOX_NEW, names->pdata[0]);
  p1 = sr_spool_get_path (fx->spool, "default", SR_SPOOL_INBOX_NEW, names->pdata[1]);
  g_assert_true (g_file_get_contents (p0, &first, NULL, NULL));
  g_assert_true (g_file_get_contents (p1, &second, NULL, NULL));
  assert_header (first, "X-Incomplete", "parts 1,2 of 3");
  assert_header (second, "X-Incomplete", "parts 3 of 3");
  g_assert_true (g_str_has_prefix (body_of (second), " [\xe2\x80\xa6] 6789012345"));
}

static void
on_direct_done (guint32 status, gpointer data)
{
  Fx *fx = data;

  fx->answered++;
  if (status == 0)
    fx->answered_ok++;
}

/* Straight into sr_inbound_handle(): a provider that packs GSM, and a long
 * message in message_payload with an alphanumeric sender. */
static void
test_direct (Fx *fx, gconstpointer data)
{
  const SrProviderConfig *packed = sr_config_find_provider (fx->config, "packed");
  static const guint8 hello[] = { 0xE8, 0x32, 0x9B, 0xFD, 0x06 };   /* "hello", packed */
  g_autofree char *long_text = repeat ("payload ", 40);
  g_autofree char *expected = g_strconcat (long_text, "\n", NULL);
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *a = NULL, *b = NULL, *pa = NULL, *pb = NULL;
  SrPdu pdu;

  sr_pdu_init (&pdu, SR_CMD_DELIVER_SM, 1);
  pdu.source_addr_ton = 2;
  g_strlcpy (pdu.source_addr, "07700900123", sizeof pdu.source_addr);
  g_strlcpy (pdu.destination_addr, "41790000000", sizeof pdu.destination_addr);
  pdu.dest_addr_ton = 1;
  memcpy (pdu.short_message, hello, sizeof hello);
  pdu.sm_length = sizeof hello;
  sr_inbound_handle (fx->inbound, packed, &pdu, on_direct_done, fx);

  sr_pdu_init (&pdu, SR_CMD_DELIVER_SM, 2);
  pdu.source_addr_ton = 5;
  g_strlcpy (pdu.source_addr, "ACME Shop", sizeof pdu.source_addr);
  g_strlcpy (pdu.destination_addr, "41790000000", sizeof pdu.destination_addr);
  pdu.dest_addr_ton = 1;
  pdu.tlv_mask = SR_TLV_MESSAGE_PAYLOAD;
  pdu.message_payload = (const guint8 *) long_text;
  pdu.message_payload_len = strlen (long_text);
  sr_inbound_handle (fx->inbound, fx->provider, &pdu, on_direct_done, fx);

  g_assert_true (run_until (fx, answered_at_least, GUINT_TO_POINTER (2), 5000));
  g_assert_cmpuint (fx->answered_ok, ==, 2);
  names = inbox (fx, "default");
  g_assert_cmpuint (names->len, ==, 2);
  pa = sr_spool_get_path (fx->spool, "default", SR_SPOOL_INBOX_NEW, names->pdata[0]);
  pb = sr_spool_get_path (fx->spool, "default", SR_SPOOL_INBOX_NEW, names->pdata[1]);
  g_assert_true (g_file_get_contents (pa, &a, NULL, NULL));
  g_assert_true (g_file_get_contents (pb, &b, NULL, NULL));
  /* national number of the packing provider's region (GB) */
  assert_header (a, "From", "+447700900123");
  assert_header (a, "Provider", "packed");
  g_assert_cmpstr (body_of (a), ==, "hello\n");
  assert_header (b, "From", "ACME Shop");
  g_assert_cmpstr (body_of (b), ==, expected);
}

/* The inbox cannot be written: the SMSC is told to try again, the journal
 * says why, and the message arrives once the inbox works again. */
static void
test_inbox_failure (Fx *fx, gconstpointer data)
{
  g_autofree char *tmp = g_build_filename (fx->root, "apps", "default", "inbox", "tmp", NULL);
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *file = NULL;
  gint64 next = 0;
  guint found = 0;

  g_assert_cmpint (g_rmdir (tmp), ==, 0);
  g_assert_true (g_file_set_contents (tmp, "not a folder", -1, NULL));
  start_session (fx);
  expect_warnings ("could not be stored (inbox)");
  mo (fx, "from=" FROM ",to=+41790000000,text=inbox trouble");
  g_assert_true (run_until (fx, answered_at_least, GUINT_TO_POINTER (1), 5000));
  g_assert_cmpuint (expected_warnings, >=, 1);
  g_assert_cmpuint (fx->answered_ok, ==, 0);
  g_assert_cmpuint (fx->notified, ==, 0);
  sr_journal_flush (fx->journal, NULL);
  events = sr_journal_events_page (fx->journal, -1, NULL, SR_PAGE_NEWER, 0, 100, &next, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      SrJournalEvent *ev = events->pdata[i];
      if (g_strcmp0 (ev->kind, "inbound-store") == 0 && strstr (ev->text, "inbox") != NULL)
        found++;
    }
  g_assert_cmpuint (found, >=, 1);

  g_assert_cmpint (g_unlink (tmp), ==, 0);
  g_assert_cmpint (g_mkdir (tmp, 0770), ==, 0);
  g_assert_true (run_until (fx, acked_at_least, GUINT_TO_POINTER (1), 5000));
  file = only_file (fx, "default");
  g_assert_cmpstr (body_of (file), ==, "inbox trouble\n");
  rows = journal_inbound (fx);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpuint (fx->notified, ==, 1);
}

/* ---- durability ---- */

static void
ignore_journal_error_fx (SrJournal *journal, const GError *error, gpointer data)
{
}


/* A failed journal commit: the SMSC is told to try again, and the second
 * delivery makes one inbox file. */
static void
test_journal_failure (Fx *fx, gconstpointer data)
{
  g_autoptr(GPtrArray) rows = NULL;

  sr_journal_set_error_func (fx->journal, ignore_journal_error_fx, NULL);
  sr_journal_debug_fail_commits (fx->journal, 1);
  expect_warnings ("could not be stored (journal)");
  mo_and_wait (fx, "from=" FROM ",to=+41790000000,text=try again");
  g_assert_cmpuint (expected_warnings, ==, 1);
  g_assert_cmpuint (stats (fx).deliver_nacked, ==, 1);
  g_assert_cmpuint (stats (fx).deliver_acked, ==, 1);
  g_assert_cmpuint (inbox_count (fx, "default"), ==, 1);
  rows = journal_inbound (fx);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpuint (fx->notified, ==, 1);
}

/* The holding area cannot be written: refused for now, with a journal
 * event naming the place; delivered once it works again. */
static void
test_hold_failure (Fx *fx, gconstpointer data)
{
  g_autofree char *hold = g_build_filename (fx->root, "router", "inbound", NULL);
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  gint64 next = 0;
  gboolean found = FALSE;

  g_assert_cmpint (g_rmdir (hold), ==, 0);
  g_assert_true (g_file_set_contents (hold, "not a folder", -1, NULL));
  start_session (fx);
  expect_warnings ("could not be held");
  mo (fx, "from=" FROM ",to=+41790000000,text=no room");
  g_assert_true (run_until (fx, answered_at_least, GUINT_TO_POINTER (1), 5000));
  g_assert_cmpuint (expected_warnings, >=, 1);
  g_assert_cmpuint (fx->answered_ok, ==, 0);
  g_assert_cmpuint (inbox_count (fx, "default"), ==, 0);
  sr_journal_flush (fx->journal, NULL);
  events = sr_journal_events_page (fx->journal, -1, NULL, SR_PAGE_NEWER, 0, 100, &next, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      SrJournalEvent *ev = events->pdata[i];
      if (g_strcmp0 (ev->kind, "inbound-store") == 0)
        {
          found = TRUE;
          g_assert_nonnull (strstr (ev->text, hold));
        }
    }
  g_assert_true (found);

  /* the SMSC tries again (every 100 ms here) and now it works */
  g_assert_cmpint (g_unlink (hold), ==, 0);
  g_assert_cmpint (g_mkdir (hold, 0770), ==, 0);
  g_assert_true (run_until (fx, acked_at_least, GUINT_TO_POINTER (1), 5000));
  g_assert_cmpuint (inbox_count (fx, "default"), ==, 1);
}


/* deliver_sm_resp waits for the journal commit; the file is there first. */
static void
test_answer_after_commit (Fx *fx, gconstpointer data)
{
  sr_journal_set_batch (fx->journal, 100000, 60000);
  start_session (fx);
  mo (fx, "from=" FROM ",to=+41790000000,text=wait for it");
  g_assert_true (run_until (fx, delivered_at_least, GUINT_TO_POINTER (1), 5000));
  run_for (200);
  g_assert_cmpuint (inbox_count (fx, "default"), ==, 1);
  g_assert_cmpuint (fx->answered, ==, 0);
  g_assert_cmpuint (stats (fx).deliver_acked, ==, 0);
  g_assert_cmpuint (stats (fx).deliver_inflight, ==, 1);

  g_assert_true (sr_journal_flush (fx->journal, NULL));
  g_assert_cmpuint (fx->answered_ok, ==, 1);
  g_assert_true (run_until (fx, acked_at_least, GUINT_TO_POINTER (1), 5000));
  assert_hold_cleared (fx);
}

/* Crash cases: the router dies while the SMSC waits for its answer; the
 * SMSC sends the message again to the restarted router. */
typedef struct {
  const char *spec;
  guint parts;
  gboolean lose_batch;        /* before the journal commit (else after it, before the answer) */
} CrashCase;

static const CrashCase crash_cases[] = {
  { "from=" FROM ",to=+41790000000,text=crash before commit", 1, TRUE },
  { "from=" FROM ",to=+41790000000,text=crash before answer", 1, FALSE },
  { "from=" FROM ",to=+41790000000,text=0123456789,repeat=40", 3, TRUE },
  { "from=" FROM ",to=+41790000000,text=0123456789,repeat=40,order=3\\,1\\,2", 3, FALSE },
};

static void
test_crash (Fx *fx, gconstpointer data)
{
  const CrashCase *c = data;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *before = NULL, *after = NULL;

  if (c->lose_batch)
    sr_journal_set_batch (fx->journal, 100000, 60000);
  else
    fx->hold_acks = TRUE;
  start_session (fx);
  mo (fx, c->spec);
  g_assert_true (run_until (fx, delivered_at_least, GUINT_TO_POINTER (c->parts), 5000));
  if (!c->lose_batch)
    g_assert_true (run_until (fx, answered_at_least, GUINT_TO_POINTER (c->parts), 5000));
  run_for (50);
  g_assert_cmpuint (inbox_count (fx, "default"), ==, 1);
  before = only_file (fx, "default");
  /* the last part is unanswered (all of them when answers are held) */
  g_assert_cmpuint (stats (fx).deliver_acked, ==, c->lose_batch ? c->parts - 1 : 0);

  close_router (fx, c->lose_batch);
  fx->hold_acks = FALSE;
  open_router (fx);
  start_session (fx);
  if (!run_until (fx, acked_at_least, GUINT_TO_POINTER (c->parts), 5000))
    g_error ("not answered: delivers %u answered %u; sim sent %" G_GUINT64_FORMAT
             " acked %" G_GUINT64_FORMAT " redelivered %" G_GUINT64_FORMAT
             " inflight %" G_GUINT64_FORMAT " pending %" G_GUINT64_FORMAT, fx->delivers,
             fx->answered, stats (fx).deliver_sent, stats (fx).deliver_acked,
             stats (fx).deliver_redelivered, stats (fx).deliver_inflight,
             stats (fx).deliver_pending);
  run_for (100);

  g_assert_cmpuint (stats (fx).deliver_redelivered, >=, 1);
  after = only_file (fx, "default");
  g_assert_cmpstr (before, ==, after);
  rows = journal_inbound (fx);
  g_assert_cmpuint (rows->len, ==, 1);
  assert_hold_cleared (fx);
  /* notified once: a restarted router does not announce what it wrote before */
  g_assert_cmpuint (fx->notified, ==, 1);
}

/* A crash with a part held: the restarted router completes the message. */
static void
test_crash_partial (Fx *fx, gconstpointer data)
{
  g_autofree char *file = NULL;
  g_autofree char *text = repeat ("0123456789", 40);
  g_autofree char *expected = g_strconcat (text, "\n", NULL);

  start_session (fx);
  mo (fx, "from=" FROM ",to=+41790000000,text=0123456789,repeat=40,drop=3,ref=77");
  g_assert_true (run_until (fx, acked_at_least, GUINT_TO_POINTER (2), 5000));
  close_router (fx, FALSE);
  open_router (fx);
  start_session (fx);
  g_assert_cmpuint (inbox_count (fx, "default"), ==, 0);
  /* the third part arrives after the restart */
  mo (fx, "from=" FROM ",to=+41790000000,text=0123456789,repeat=40,drop=1\\,2,ref=77");
  g_assert_true (run_until (fx, acked_at_least, GUINT_TO_POINTER (3), 5000));
  file = only_file (fx, "default");
  g_assert_cmpstr (body_of (file), ==, expected);
  assert_hold_cleared (fx);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/inbound/decode", Fx, NULL, fx_setup, test_decode, fx_teardown);
  g_test_add ("/inbound/multipart", Fx, NULL, fx_setup, test_multipart, fx_teardown);
  g_test_add ("/inbound/incomplete", Fx, NULL, fx_setup, test_incomplete, fx_teardown);
  g_test_add ("/inbound/routing", Fx, NULL, fx_setup, test_routing, fx_teardown);
  g_test_add ("/inbound/firewall", Fx, NULL, fx_setup, test_firewall, fx_teardown);
  g_test_add ("/inbound/malformed", Fx, NULL, fx_setup, test_malformed, fx_teardown);
  g_test_add ("/inbound/late-part", Fx, NULL, fx_setup, test_late_part, fx_teardown);
  g_test_add ("/inbound/direct", Fx, NULL, fx_setup, test_direct, fx_teardown);
  g_test_add ("/inbound/binary", Fx, NULL, fx_setup, test_binary, fx_teardown);
  g_test_add ("/inbound/journal-failure", Fx, NULL, fx_setup, test_journal_failure, fx_teardown);
  g_test_add ("/inbound/inbox-failure", Fx, NULL, fx_setup, test_inbox_failure, fx_teardown);
  g_test_add ("/inbound/hold-failure", Fx, NULL, fx_setup, test_hold_failure, fx_teardown);
  g_test_add ("/inbound/answer-after-commit", Fx, NULL, fx_setup, test_answer_after_commit, fx_teardown);
  for (guint i = 0; i < G_N_ELEMENTS (crash_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/inbound/crash/%u", i);
      g_test_add (name, Fx, &crash_cases[i], fx_setup, test_crash, fx_teardown);
    }
  g_test_add ("/inbound/crash-partial", Fx, NULL, fx_setup, test_crash_partial, fx_teardown);
  return g_test_run ();
}
