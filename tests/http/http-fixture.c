/* http-fixture.c — see http-fixture.h. */
#include "http-fixture.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>

static void
call_free (gpointer p)
{
  HttpCall *c = p;
  g_free (c->path);
  g_hash_table_unref (c->query);
  g_free (c->content_type);
  g_free (c->body);
  g_free (c);
}

static void
record (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  HttpFixture *f = user_data;
  HttpCall *c = g_new0 (HttpCall, 1);
  c->path = g_strdup (path);
  c->query = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (query != NULL)
    {
      GHashTableIter it;
      gpointer k, v;
      g_hash_table_iter_init (&it, query);
      while (g_hash_table_iter_next (&it, &k, &v))
        g_hash_table_insert (c->query, g_strdup (k), g_strdup (v));
    }
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  c->body = g_strndup (body->data, body->length);
  c->content_type = g_strdup (soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL));
  g_ptr_array_add (f->calls, c);
  soup_server_message_set_status (msg, g_str_has_prefix (path, "/fail") ? f->fail_status : 200, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "ok", 2);
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

void
http_fixture_spin (HttpFixture *f, guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;
  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
}

gboolean
http_fixture_wait_calls (HttpFixture *f, guint count, guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;
  while (f->calls->len < count && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
  return f->calls->len >= count;
}

/* The test's own certificate: trusted for what it is. */
static gboolean
accept_any (SoupMessage *msg, GTlsCertificate *cert, GTlsCertificateFlags errors, gpointer user_data)
{
  return TRUE;
}

guint
http_fixture_request (HttpFixture *f, const char *method, const char *path_and_query,
                      const char *content_type, const char *body, const char *auth, char **response)
{
  g_autofree char *url = g_strdup_printf ("%s://127.0.0.1:%u%s", f->tls ? "https" : "http", f->port,
                                          path_and_query);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_assert_nonnull (msg);
  if (f->tls)
    g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any), NULL);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, content_type, bytes);
    }
  if (auth != NULL)
    {
      g_autofree char *b64 = g_base64_encode ((const guchar *) auth, strlen (auth));
      g_autofree char *value = g_strconcat ("Basic ", b64, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = soup_session_send_and_read (f->client, msg, NULL, &error);
  if (got == NULL)
    {
      if (response != NULL)
        *response = g_strdup (error->message);
      return 0;
    }
  if (response != NULL)
    *response = g_strndup (g_bytes_get_data (got, NULL), g_bytes_get_size (got));
  return soup_message_get_status (msg);
}

guint
http_fixture_count (HttpFixture *f, const char *sub)
{
  g_autofree char *dir = g_build_filename (f->spool, "apps", "default", sub, NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (name[0] != '.')
      n++;
  return n;
}

char *
http_fixture_log (HttpFixture *f)
{
  char *text = NULL;
  g_file_get_contents (f->log_path, &text, NULL, NULL);
  return text != NULL ? text : g_strdup ("");
}

void
http_fixture_setup (HttpFixture *f, const char *extra)
{
  f->dir = g_dir_make_tmp ("sr-http-XXXXXX", NULL);
  f->spool = g_build_filename (f->dir, "spool", NULL);
  f->config = g_build_filename (f->dir, "sms-router.conf", NULL);
  f->log_path = g_build_filename (f->dir, "daemon.log", NULL);
  f->calls = g_ptr_array_new_with_free_func (call_free);
  f->fail_status = 500;
  g_autoptr(GStrvBuilder) args = g_strv_builder_new ();
  const char *defaults[] = { "--system-id", "router", "--password", "secret", "--receipt-delay", "100", "--log-sent", NULL };
  g_strv_builder_addv (args, defaults);
  if (f->sim_args != NULL)
    g_strv_builder_addv (args, (const char **) f->sim_args);
  g_auto(GStrv) argv = g_strv_builder_end (args);
  g_autoptr(GError) error = NULL;
  f->sim = sr_test_sim_start ((const char *const *) argv, &error);
  g_assert_no_error (error);

  f->recorder = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->recorder, NULL, record, f, NULL);
  g_assert_true (soup_server_listen_local (f->recorder, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  GSList *uris = soup_server_get_uris (f->recorder);
  f->recorder_port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  f->port = sr_test_free_port ();
  g_autofree char *rec = g_strdup_printf ("%u", f->recorder_port);
  g_auto(GStrv) pieces = g_strsplit (extra != NULL ? extra : "", "@REC@", -1);
  g_autofree char *extra_text = g_strjoinv (rec, pieces);
  g_autofree char *text = g_strdup_printf (
    "[router]\nspool = %s\nregion = CH\nrescan-interval = 1\n"
    "[smpp:sim]\nhost = 127.0.0.1\nport = %u\nsystem-id = router\npassword = secret\n"
    "[app:default]\nfrom = +41791234567\n"
    "[policy]\nmax-per-destination-hour = 0\nmax-per-destination-day = 0\n"
    "[http]\nport = %u\n"
    "[http-user:shop]\npassword = s3cret\n%s",
    f->spool, sr_test_sim_port (f->sim), f->port, extra_text);
  g_assert_true (g_file_set_contents (f->config, text, -1, NULL));
  g_assert_cmpint (g_chmod (f->config, 0600), ==, 0);

  f->client = soup_session_new_with_options ("timeout", 30, NULL);
  http_fixture_start_daemon (f);
}

void
http_fixture_start_daemon (HttpFixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_child_setup (l, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (l, "SR_LOG_STDERR", "1", TRUE);
  g_subprocess_launcher_setenv (l, "G_MESSAGES_DEBUG", "sr-http", TRUE);
  g_subprocess_launcher_set_stderr_file_path (l, f->log_path);
  f->daemon = g_subprocess_launcher_spawn (l, &error, g_getenv ("SR_ROUTER"), "--daemon",
                                           "--config", f->config, NULL);
  g_assert_no_error (error);
  /* up when /metrics answers and the simulator has a bind */
  gint64 end = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  gint64 binds = sr_test_sim_stat (f->sim, "binds_ok");
  guint status = 0;
  while (g_get_monotonic_time () < end)
    {
      status = http_fixture_request (f, "GET", "/metrics", NULL, NULL, NULL, NULL);
      if (status == 200 && sr_test_sim_stat (f->sim, "binds_ok") > binds)
        break;
      g_usleep (50000);
    }
  g_assert_cmpuint (status, ==, 200);
}

void
http_fixture_kill_daemon (HttpFixture *f)
{
  g_subprocess_force_exit (f->daemon);
  g_subprocess_wait (f->daemon, NULL, NULL);
  g_clear_object (&f->daemon);
}

void
http_fixture_teardown (HttpFixture *f)
{
  if (f->daemon != NULL)
    {
      g_subprocess_send_signal (f->daemon, SIGTERM);
      g_subprocess_wait (f->daemon, NULL, NULL);
      g_object_unref (f->daemon);
    }
  g_clear_object (&f->client);
  if (f->recorder != NULL)
    soup_server_disconnect (f->recorder);
  g_clear_object (&f->recorder);
  sr_test_sim_stop (f->sim);
  sr_test_sim_free (f->sim);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);
  g_assert_cmpint (system (cmd), ==, 0);
  g_ptr_array_unref (f->calls);
  g_free (f->dir);
  g_free (f->spool);
  g_free (f->config);
  g_free (f->log_path);
}
