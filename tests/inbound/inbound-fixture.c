/* inbound-fixture.c — the shared fixture and helpers of the inbound tests. */
#include "inbound-fixture.h"


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

void
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

void
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
void
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

void
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

void
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
guint expected_warnings;

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

void
expect_warnings (const char *fragment)
{
  expected_warnings = 0;
  expected_warning = fragment;
  g_test_log_set_fatal_handler (allow_expected_warning, NULL);
  g_log_set_handler ("sr-inbound", G_LOG_LEVEL_WARNING | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
                     log_expected_warning, NULL);
}

/* ---- helpers ---- */


static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
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

void
run_for (guint ms)
{
  gboolean expired = FALSE;

  g_timeout_add (ms, timeout_cb, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

SrSimStats
stats (Fx *fx)
{
  SrSimStats s;
  sr_sim_get_stats (fx->sim, &s);
  return s;
}

gboolean
acked_at_least (Fx *fx, gconstpointer n)
{
  return stats (fx).deliver_acked >= GPOINTER_TO_UINT (n);
}

gboolean
answered_at_least (Fx *fx, gconstpointer n)
{
  return fx->answered >= GPOINTER_TO_UINT (n);
}

gboolean
delivered_at_least (Fx *fx, gconstpointer n)
{
  return fx->delivers >= GPOINTER_TO_UINT (n);
}

guint
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
void
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
GPtrArray *
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

guint
inbox_count (Fx *fx, const char *app)
{
  g_autoptr(GPtrArray) names = inbox (fx, app);
  return names->len;
}

/* The only file of @app's inbox. */
char *
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

const char *
body_of (const char *file)
{
  const char *b = strstr (file, "\n\n");
  g_assert_nonnull (b);
  return b + 2;
}

void
assert_header (const char *file, const char *name, const char *value)
{
  g_autofree char *line = g_strdup_printf ("%s: %s\n", name, value);
  g_autofree char *head = g_strndup (file, body_of (file) - file);

  g_autofree char *nl = g_strconcat ("\n", line, NULL);

  if (!g_str_has_prefix (head, line) && strstr (head, nl) == NULL)
    g_error ("header \"%s: %s\" not found in:\n%s", name, value, head);
}

void
assert_no_header (const char *file, const char *name)
{
  g_autofree char *head = g_strndup (file, body_of (file) - file);
  g_autofree char *nl = g_strdup_printf ("\n%s:", name);
  g_autofree char *first = g_strdup_printf ("%s:", name);

  g_assert_false (g_str_has_prefix (head, first) || strstr (head, nl) != NULL);
}

GPtrArray *
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

char *
repeat (const char *s, guint n)
{
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    g_string_append (out, s);
  return g_string_free (out, FALSE);
}

gboolean
hold_empty (Fx *fx)
{
  g_autofree char *hold = g_build_filename (fx->root, "router", "inbound", NULL);
  g_autoptr(GDir) dir = g_dir_open (hold, 0, NULL);
  return dir != NULL && g_dir_read_name (dir) == NULL;
}

/* Part files stay a while after delivery (a crash before the answer);
 * once that time passed, nothing is left in the holding area. */
void
assert_hold_cleared (Fx *fx)
{
  sr_inbound_expire (fx->inbound, g_get_real_time () + (gint64) 86400 * G_USEC_PER_SEC);
  g_assert_true (hold_empty (fx));
}
