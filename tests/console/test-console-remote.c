/* test-console-remote.c — the control socket: a client model sees exactly
 * what the served model answers, actions arrive with the peer's name, bad
 * frames close the connection, a stopped server is reported clearly. */
#include <glib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <string.h>
#include <sys/stat.h>

#include "sr-console-fixture-model.h"
#include "sr-console-providers.h"
#include "sr-console-remote.h"
#include "sr-console-remote-private.h"

/* The server side: the fixture model served from its own thread and context
 * (the client blocks on its calls, as the attached console does). */
typedef struct {
  char *dir;
  char *path;
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  SrFixtureModel *fixture;
  SrConsoleServer *server;
  GMutex lock;
  GCond ready;
  gboolean started;
  char *actor;
  const SrConsoleServerLimits *limits;  /* NULL: the defaults */
} Fixture;

static Fixture *current;

static void
set_actor (gpointer user_data, const char *actor)
{
  g_free (current->actor);
  current->actor = g_strdup (actor);
}

static gpointer
server_thread (gpointer data)
{
  Fixture *f = data;
  g_main_context_push_thread_default (f->context);
  g_autoptr (GError) error = NULL;
  f->server = sr_console_server_new (sr_fixture_model_get (f->fixture), f->path, set_actor, &error);
  g_assert_no_error (error);
  if (f->limits)
    sr_console_server_set_limits (f->server, f->limits);
  g_mutex_lock (&f->lock);
  f->started = TRUE;
  g_cond_signal (&f->ready);
  g_mutex_unlock (&f->lock);
  g_main_loop_run (f->loop);
  sr_console_server_free (f->server);
  f->server = NULL;
  g_main_context_pop_thread_default (f->context);
  return NULL;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  current = f;
  f->limits = data;
  f->dir = g_dir_make_tmp ("sr-remote-XXXXXX", NULL);
  f->path = g_build_filename (f->dir, "control", NULL);
  f->fixture = sr_fixture_model_new (1000);
  f->context = g_main_context_new ();
  f->loop = g_main_loop_new (f->context, FALSE);
  g_mutex_init (&f->lock);
  g_cond_init (&f->ready);
  f->thread = g_thread_new ("server", server_thread, f);
  g_mutex_lock (&f->lock);
  while (!f->started)
    g_cond_wait (&f->ready, &f->lock);
  g_mutex_unlock (&f->lock);
}

static void
stop_server (Fixture *f)
{
  if (!f->thread)
    return;
  GSource *s = g_idle_source_new ();
  g_source_set_callback (s, quit_loop, f->loop, NULL);
  g_source_attach (s, f->context);
  g_source_unref (s);
  g_thread_join (f->thread);
  f->thread = NULL;
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  stop_server (f);
  g_main_loop_unref (f->loop);
  g_main_context_unref (f->context);
  sr_fixture_model_free (f->fixture);
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
  g_free (f->actor);
  g_mutex_clear (&f->lock);
  g_cond_clear (&f->ready);
  current = NULL;
}

static void
test_mode (Fixture *f, gconstpointer data)
{
  GStatBuf st;
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_true (S_ISSOCK (st.st_mode));
  g_assert_cmpint (st.st_mode & 0777, ==, 0660);
}

/* Lists, overview and detail through the socket equal the model's own answers
 * (the server thread answers; we compare with a direct call afterwards). */
static void
test_same_answers (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SrConsoleClient) client = sr_console_client_new (f->path, &error);
  g_assert_no_error (error);
  const SrConsoleModel *m = sr_console_client_get_model (client);

  g_autoptr (SrConsoleOverview) o = m->overview (m->user_data, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (o->binds->len, >, 0);

  for (SrConsoleView v = SR_CONSOLE_VIEW_QUEUE; v <= SR_CONSOLE_VIEW_LOG; v++)
    {
      SrConsoleQuery q = { .view = v, .cursor = SR_CONSOLE_CURSOR_NEWEST,
                           .direction = SR_CONSOLE_PAGE_OLDER, .count = 7 };
      g_autoptr (GPtrArray) rows = m->list (m->user_data, &q, &error);
      g_assert_no_error (error);
      stop_server (f);  /* now the fixture is ours alone */
      const SrConsoleModel *direct = sr_fixture_model_get (f->fixture);
      g_autoptr (GPtrArray) want = direct->list (direct->user_data, &q, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (rows->len, ==, want->len);
      for (guint i = 0; i < rows->len; i++)
        {
          SrConsoleRow *a = g_ptr_array_index (rows, i), *b = g_ptr_array_index (want, i);
          g_assert_cmpint (a->id, ==, b->id);
          g_assert_cmpstrv (a->columns, b->columns);
        }
      if (rows->len > 0)
        {
          /* The server is gone: detail says so clearly. */
          SrConsoleRow *r = g_ptr_array_index (rows, 0);
          g_autoptr (SrConsoleDetail) gone = m->detail (m->user_data, v, r->id, &error);
          g_assert_null (gone);
          g_assert_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_UNAVAILABLE);
          g_assert_nonnull (strstr (error->message, f->path));
          g_clear_error (&error);
        }
      return;  /* one view is enough once the server is stopped */
    }
}

static void
assert_rows_equal (GPtrArray *a, GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      const SrConsoleDeliveryRow *x = g_ptr_array_index (a, i), *y = g_ptr_array_index (b, i);
      g_assert_cmpstr (x->key, ==, y->key);
      g_assert_cmpuint (x->sent, ==, y->sent);
      g_assert_cmpuint (x->delivered, ==, y->delivered);
      g_assert_cmpuint (x->failed, ==, y->failed);
      g_assert_cmpuint (x->pending, ==, y->pending);
    }
}

/* The Providers view's figures arrive as the model gave them; it is no
 * list, so the server refuses to page it. */
static void
test_providers (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SrConsoleClient) client = sr_console_client_new (f->path, &error);
  const SrConsoleModel *m = sr_console_client_get_model (client);
  g_autoptr (SrConsoleProviders) got = m->providers (m->user_data, &error);
  g_assert_no_error (error);
  const SrConsoleModel *direct = sr_fixture_model_get (f->fixture);
  g_autoptr (SrConsoleProviders) want = direct->providers (direct->user_data, &error);
  g_assert_cmpuint (got->binds->len, ==, want->binds->len);
  for (guint i = 0; i < got->binds->len; i++)
    {
      const SrConsoleBindStats *a = g_ptr_array_index (got->binds, i), *b = g_ptr_array_index (want->binds, i);
      g_assert_cmpstr (a->name, ==, b->name);
      g_assert_cmpstr (a->provider, ==, b->provider);
      g_assert_cmpstr (a->state, ==, b->state);
      g_assert_cmpstr (a->last_error, ==, b->last_error);
      /* The fixture tells the time of each call (0: unknown): the later one is larger. */
      g_assert_cmpint (a->state_since == 0, ==, b->state_since == 0);
      g_assert_cmpint (a->state_since, <=, b->state_since);
      g_assert_cmpuint (a->reconnects, ==, b->reconnects);
      g_assert_cmpuint (a->window_used, ==, b->window_used);
      g_assert_cmpuint (a->window_size, ==, b->window_size);
      g_assert_cmpfloat (a->rate, ==, b->rate);
      g_assert_cmpfloat (a->throughput, ==, b->throughput);
      g_assert_cmpuint (a->throttled, ==, b->throttled);
      g_assert_cmpuint (a->throttle_pause_ms, ==, b->throttle_pause_ms);
      g_assert_cmpuint (a->latency_count, ==, b->latency_count);
      g_assert_cmpfloat (a->latency_p50_ms, ==, b->latency_p50_ms);
      g_assert_cmpfloat (a->latency_p99_ms, ==, b->latency_p99_ms);
    }
  for (guint w = 0; w < SR_CONSOLE_DELIVERY_N_WINDOWS; w++)
    {
      assert_rows_equal (got->countries[w], want->countries[w]);
      assert_rows_equal (got->providers[w], want->providers[w]);
    }
  g_assert_cmpint (got->delivery_at[SR_CONSOLE_DELIVERY_HOUR], >, 0);
  g_assert_cmpint (got->delivery_at[SR_CONSOLE_DELIVERY_DAY], <=, want->delivery_at[SR_CONSOLE_DELIVERY_DAY]);
  g_assert_cmpint (got->delivery_at[SR_CONSOLE_DELIVERY_DAY], >, 0);
  g_assert_null (got->delivery_error);

  SrConsoleQuery q = { .view = SR_CONSOLE_VIEW_PROVIDERS, .cursor = SR_CONSOLE_CURSOR_NEWEST,
                       .direction = SR_CONSOLE_PAGE_OLDER, .count = 5 };
  g_autoptr (GPtrArray) rows = m->list (m->user_data, &q, &error);
  g_assert_null (rows);
  g_assert_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_INVALID);
}

static void
test_detail_and_actions (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SrConsoleClient) client = sr_console_client_new (f->path, &error);
  const SrConsoleModel *m = sr_console_client_get_model (client);

  g_autoptr (SrConsoleDetail) d = m->detail (m->user_data, SR_CONSOLE_VIEW_DEAD, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpint (d->id, ==, 5);
  g_assert_cmpint (d->view, ==, SR_CONSOLE_VIEW_DEAD);
  g_assert_nonnull (d->title);
  g_assert_cmpuint (d->fields->len, >, 0);

  g_assert_true (m->retry (m->user_data, 5, &error));
  g_assert_no_error (error);
  SrConsoleMessage edit = { .to = "+41790000099", .from = "", .text = "edited" };
  g_assert_true (m->edit_retry (m->user_data, 6, &edit, &error));
  g_assert_true (m->discard (m->user_data, 7, &error));
  SrConsoleMessage msg = { .to = "+41791234567", .app = "default", .text = "日本 hello" };
  g_assert_true (m->compose (m->user_data, &msg, &error));
  g_assert_true (m->blacklist_add (m->user_data, SR_CONSOLE_BLACKLIST_PREFIX, "+4190", "note", &error));
  g_assert_true (m->set_paused (m->user_data, TRUE, &error));
  g_assert_no_error (error);
  guint not_bound = 0;
  g_assert_true (m->reconnect (m->user_data, &not_bound, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (not_bound, ==, 1);
  g_assert_nonnull (f->actor);
  g_assert_cmpstr (f->actor, !=, "");

  stop_server (f);
  GPtrArray *actions = sr_fixture_model_actions (f->fixture);
  g_autoptr (GString) all = g_string_new (NULL);
  for (guint i = 0; i < actions->len; i++)
    g_string_append_printf (all, "%s\n", (char *) g_ptr_array_index (actions, i));
  g_test_message ("%s", all->str);
  g_assert_nonnull (strstr (all->str, "retry 5"));
  g_assert_nonnull (strstr (all->str, "日本 hello"));
  g_assert_nonnull (strstr (all->str, "+4190"));
  g_assert_nonnull (strstr (all->str, "reconnect"));
}

static void
test_errors_travel (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SrConsoleClient) client = sr_console_client_new (f->path, &error);
  const SrConsoleModel *m = sr_console_client_get_model (client);
  sr_fixture_model_set_failure (f->fixture, "The journal is on fire.");
  g_assert_false (m->retry (m->user_data, 5, &error));
  g_assert_nonnull (error);
  g_assert_cmpstr (error->message, ==, "The journal is on fire.");
  g_clear_error (&error);
  /* Every action's refusal travels, with its code (each action answers through
   * the same path, and a refusal once crashed the server). */
  g_assert_false (m->set_paused (m->user_data, TRUE, &error));
  g_assert_cmpstr (error->message, ==, "The journal is on fire.");
  g_clear_error (&error);
  sr_fixture_model_set_failure (f->fixture, NULL);
  g_assert_true (m->retry (m->user_data, 5, &error));
  g_assert_false (m->blacklist_add (m->user_data, SR_CONSOLE_BLACKLIST_PREFIX, "abc", NULL, &error));
  g_assert_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "abc"));
  g_clear_error (&error);
  g_assert_false (m->blacklist_remove (m->user_data, SR_CONSOLE_BLACKLIST_PREFIX, "+4199", &error));
  g_assert_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* The server is still there. */
  g_assert_true (m->set_paused (m->user_data, FALSE, &error));
  g_assert_no_error (error);
}

/* A frame over the limit or not in normal form closes the connection; the
 * server keeps serving others. */
static void
test_bad_frames (Fixture *f, gconstpointer data)
{
  static const guint8 huge[] = { 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0 };
  static const guint8 junk[] = { 0, 0, 0, 3, 'a', 'b', 'c' };
  const struct { const guint8 *data; gsize len; } cases[] = {
    { huge, sizeof huge }, { junk, sizeof junk },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GSocketClient) sc = g_socket_client_new ();
      g_autoptr (GSocketAddress) addr = g_unix_socket_address_new (f->path);
      g_autoptr (GSocketConnection) conn = g_socket_client_connect (sc, G_SOCKET_CONNECTABLE (addr), NULL, &error);
      g_assert_no_error (error);
      GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
      g_assert_true (g_output_stream_write_all (out, cases[i].data, cases[i].len, NULL, NULL, &error));
      guint8 buf[16];
      gsize got = 1;
      g_socket_set_timeout (g_socket_connection_get_socket (conn), 5);
      g_input_stream_read_all (g_io_stream_get_input_stream (G_IO_STREAM (conn)), buf, sizeof buf,
                               &got, NULL, NULL);
      g_assert_cmpuint (got, ==, 0);  /* closed, nothing answered */
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (SrConsoleClient) client = sr_console_client_new (f->path, &error);
  g_assert_no_error (error);
  const SrConsoleModel *m = sr_console_client_get_model (client);
  g_autoptr (SrConsoleOverview) o = m->overview (m->user_data, &error);
  g_assert_no_error (error);
}

/* A raw connection to the server (no client model). */
static GSocketConnection *
raw_connect (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketClient) sc = g_socket_client_new ();
  g_autoptr (GSocketAddress) addr = g_unix_socket_address_new (f->path);
  GSocketConnection *conn = g_socket_client_connect (sc, G_SOCKET_CONNECTABLE (addr), NULL, &error);
  g_assert_no_error (error);
  return conn;
}

/* Sends @n requests for a full page of 1000 queue rows and reads nothing. */
static void
send_page_requests (GSocketConnection *conn, guint n)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) frame = sr_remote_frame (g_variant_new (
        "(sv)", "list", g_variant_new ("(isxiu)", (gint32) SR_CONSOLE_VIEW_QUEUE, "",
                                       (gint64) SR_CONSOLE_CURSOR_NEWEST,
                                       (gint32) SR_CONSOLE_PAGE_OLDER, (guint32) 1000)));
      gsize len;
      const void *data = g_bytes_get_data (frame, &len);
      g_assert_true (g_output_stream_write_all (out, data, len, NULL, NULL, &error));
    }
}

/* Waits (at most @seconds) for the server to close the connection, reading
 * nothing: a client that reads would let the server write on. */
static gboolean
closed_unread (GSocketConnection *conn, guint seconds)
{
  return g_socket_condition_timed_wait (g_socket_connection_get_socket (conn), G_IO_HUP,
                                        (gint64) seconds * G_USEC_PER_SEC, NULL, NULL);
}

/* Reads until the server closes (at most @seconds); the bytes read. */
static gsize
read_until_closed (GSocketConnection *conn, guint seconds)
{
  GSocket *socket = g_socket_connection_get_socket (conn);
  g_socket_set_timeout (socket, seconds);
  gsize total = 0;
  char buf[65536];
  for (;;)
    {
      g_autoptr (GError) error = NULL;
      gssize n = g_socket_receive (socket, buf, sizeof buf, NULL, &error);
      /* Closed with our requests unread: a unix socket reports a reset. */
      if (n == 0 || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED))
        return total;
      g_assert_no_error (error);  /* a timeout: the server kept the connection */
      total += n;
    }
}

/* The default bound is 8 MiB; 1 MiB is reached sooner. */
static const SrConsoleServerLimits pending_limits = {
  .max_clients = SR_CONSOLE_REMOTE_MAX_CLIENTS, .max_pending = 1024 * 1024,
  .stall_seconds = SR_CONSOLE_REMOTE_STALL_SECONDS,
};

/* A client that asks and never reads does not stall the server: others get
 * their answers at once, and it is disconnected once its unread answers
 * pass the bound. */
static void
test_client_never_reads (Fixture *f, gconstpointer data)
{
  g_autoptr (GSocketConnection) lazy = raw_connect (f);
  /* 100 pages of ~100 KB: more than a socket buffer and the bound. */
  send_page_requests (lazy, 100);

  g_autoptr (GError) error = NULL;
  g_autoptr (SrConsoleClient) client = sr_console_client_new (f->path, &error);
  g_assert_no_error (error);
  const SrConsoleModel *m = sr_console_client_get_model (client);
  gint64 t0 = g_get_monotonic_time ();
  for (int i = 0; i < 10; i++)
    {
      g_autoptr (SrConsoleOverview) o = m->overview (m->user_data, &error);
      g_assert_no_error (error);
    }
  gint64 took = g_get_monotonic_time () - t0;
  g_test_message ("10 overviews beside a client that never reads: %.3f s", took / 1e6);
  /* A blocking write waited 5 s (the socket timeout) per answer. */
  g_assert_cmpint (took, <, 4 * G_USEC_PER_SEC);

  g_assert_true (closed_unread (lazy, 20));
  gsize got = read_until_closed (lazy, 10);
  g_test_message ("the lazy client was closed after %" G_GSIZE_FORMAT " bytes", got);
  g_assert_cmpuint (got, <, pending_limits.max_pending);
  /* The others still work. */
  g_autoptr (SrConsoleOverview) o = m->overview (m->user_data, &error);
  g_assert_no_error (error);
}

static const SrConsoleServerLimits stall_limits = {
  .max_clients = 4, .max_pending = 64 * 1024 * 1024, .stall_seconds = 1,
};

/* A client that stops reading while answers wait loses its connection
 * after stall_seconds, even below the byte bound. */
static void
test_client_stalls (Fixture *f, gconstpointer data)
{
  g_autoptr (GSocketConnection) lazy = raw_connect (f);
  send_page_requests (lazy, 20);
  g_assert_true (closed_unread (lazy, 20));
  gsize got = read_until_closed (lazy, 5);
  g_assert_cmpuint (got, >, 0);
  g_assert_cmpuint (got, <, 20 * 100 * 1000);
}

/* Past the connection limit a client is told so; when one leaves, the
 * next gets in. */
static void
test_connection_limit (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) clients = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_console_client_free);
  g_autoptr (GError) error = NULL;
  for (guint i = 0; i < SR_CONSOLE_REMOTE_MAX_CLIENTS; i++)
    {
      SrConsoleClient *client = sr_console_client_new (f->path, &error);
      g_assert_no_error (error);
      g_ptr_array_add (clients, client);
      const SrConsoleModel *m = sr_console_client_get_model (client);
      g_autoptr (SrConsoleOverview) o = m->overview (m->user_data, &error);
      g_assert_no_error (error);
    }
  g_autoptr (SrConsoleClient) extra = sr_console_client_new (f->path, &error);
  g_assert_no_error (error);
  const SrConsoleModel *m = sr_console_client_get_model (extra);
  g_autoptr (SrConsoleOverview) refused = m->overview (m->user_data, &error);
  g_assert_null (refused);
  g_assert_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_UNAVAILABLE);
  g_autofree char *limit = g_strdup_printf ("at most %u consoles", SR_CONSOLE_REMOTE_MAX_CLIENTS);
  g_assert_nonnull (strstr (error->message, limit));
  g_clear_error (&error);

  g_ptr_array_remove_index (clients, 0);
  /* The server notices the close on its next turn: allow it a moment. */
  SrConsoleOverview *o = NULL;
  for (int i = 0; i < 100 && !o; i++)
    {
      g_clear_error (&error);
      o = m->overview (m->user_data, &error);
      if (!o)
        g_usleep (20 * 1000);
    }
  g_assert_no_error (error);
  sr_console_overview_free (o);
}

/* One overview through its wire form: a frame written and taken as the
 * socket does. */
static SrConsoleOverview *
overview_round_trip (const SrConsoleOverview *o)
{
  /* Boxed as in an answer's result. */
  g_autoptr (GBytes) frame = sr_remote_frame (g_variant_new_variant (sr_remote_overview_to_variant (o)));
  g_autoptr (GByteArray) in = g_byte_array_new ();
  g_byte_array_append (in, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
  g_autoptr (GVariant) boxed = NULL;
  g_assert_cmpint (sr_remote_frame_take (in, G_VARIANT_TYPE_VARIANT, &boxed), ==, SR_REMOTE_FRAME_OK);
  g_autoptr (GVariant) v = g_variant_get_variant (boxed);
  SrConsoleOverview *back = sr_remote_overview_from_variant (v);
  g_assert_nonnull (back);
  return back;
}

/* The front ends travel whole (every field, NULL for what is not
 * configured), and their absence travels as absence. */
static void
test_overview_front_ends (void)
{
  g_autoptr (SrConsoleOverview) none = sr_console_overview_new ();
  g_autoptr (SrConsoleOverview) none_back = overview_round_trip (none);
  g_assert_null (none_back->broker);
  g_assert_null (none_back->http);

  g_autoptr (SrConsoleOverview) o = sr_console_overview_new ();
  sr_console_overview_add_bind (o, "main#1", "bound", NULL);
  o->total_in = 7;
  o->broker = sr_console_broker_status_new ("down", G_GINT64_CONSTANT (1764800000123456), "mq.example:61613",
                                            "cannot connect to broker mq.example:61613: refused");
  sr_console_broker_status_add_queue (o->broker, "outbox", "/queue/smsrouter.outbox", 12, 0);
  sr_console_broker_status_add_queue (o->broker, "receipt", "/queue/smsrouter.receipts", 9, 3);
  sr_console_broker_status_add_queue (o->broker, "dead", "/queue/smsrouter.outbox.failed", 1, 0);
  o->http = sr_console_http_status_new ("127.0.0.1:13013", NULL);
  o->http->accepted = 5;
  o->http->refused = 2;
  o->http->callbacks_pending = 4;
  o->http->callbacks_retrying = 6;
  o->http->callbacks_dead = G_MAXUINT64;
  g_autoptr (SrConsoleOverview) back = overview_round_trip (o);
  g_assert_cmpuint (back->total_in, ==, 7);
  g_assert_cmpuint (back->binds->len, ==, 1);
  g_assert_nonnull (back->broker);
  g_assert_cmpstr (back->broker->state, ==, "down");
  g_assert_cmpint (back->broker->since, ==, G_GINT64_CONSTANT (1764800000123456));
  g_assert_cmpstr (back->broker->address, ==, "mq.example:61613");
  g_assert_cmpstr (back->broker->last_event, ==, "cannot connect to broker mq.example:61613: refused");
  g_assert_cmpuint (back->broker->queues->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      SrConsoleBrokerQueue *a = g_ptr_array_index (back->broker->queues, i);
      SrConsoleBrokerQueue *b = g_ptr_array_index (o->broker->queues, i);
      g_assert_cmpstr (a->kind, ==, b->kind);
      g_assert_cmpstr (a->queue, ==, b->queue);
      g_assert_cmpuint (a->count, ==, b->count);
      g_assert_cmpuint (a->waiting, ==, b->waiting);
    }
  g_assert_nonnull (back->http);
  g_assert_cmpstr (back->http->listen, ==, "127.0.0.1:13013");
  g_assert_null (back->http->error);
  g_assert_cmpuint (back->http->accepted, ==, 5);
  g_assert_cmpuint (back->http->refused, ==, 2);
  g_assert_cmpuint (back->http->callbacks_pending, ==, 4);
  g_assert_cmpuint (back->http->callbacks_retrying, ==, 6);
  g_assert_cmpuint (back->http->callbacks_dead, ==, G_MAXUINT64);

  /* A broker with no event yet and an HTTP front end that could not start. */
  g_autoptr (SrConsoleOverview) off = sr_console_overview_new ();
  off->broker = sr_console_broker_status_new ("connecting", 0, "127.0.0.1:61613", NULL);
  off->http = sr_console_http_status_new (NULL, "[http] cannot listen on 127.0.0.1 port 80");
  g_autoptr (SrConsoleOverview) off_back = overview_round_trip (off);
  g_assert_null (off_back->broker->last_event);
  g_assert_cmpuint (off_back->broker->queues->len, ==, 0);
  g_assert_null (off_back->http->listen);
  g_assert_cmpstr (off_back->http->error, ==, "[http] cannot listen on 127.0.0.1 port 80");
}

static void
test_no_server (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SrConsoleClient) client = sr_console_client_new ("/nonexistent/router/control", &error);
  g_assert_null (client);
  g_assert_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "/nonexistent/router/control"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/remote/socket-mode", Fixture, NULL, fixture_setup, test_mode, fixture_teardown);
  g_test_add_func ("/remote/overview-front-ends", test_overview_front_ends);
  g_test_add ("/remote/same-answers", Fixture, NULL, fixture_setup, test_same_answers, fixture_teardown);
  g_test_add ("/remote/detail-and-actions", Fixture, NULL, fixture_setup, test_detail_and_actions,
              fixture_teardown);
  g_test_add ("/remote/providers", Fixture, NULL, fixture_setup, test_providers, fixture_teardown);
  g_test_add ("/remote/errors-travel", Fixture, NULL, fixture_setup, test_errors_travel, fixture_teardown);
  g_test_add ("/remote/bad-frames", Fixture, NULL, fixture_setup, test_bad_frames, fixture_teardown);
  g_test_add ("/remote/client-never-reads", Fixture, &pending_limits, fixture_setup, test_client_never_reads,
              fixture_teardown);
  g_test_add ("/remote/client-stalls", Fixture, &stall_limits, fixture_setup, test_client_stalls,
              fixture_teardown);
  g_test_add ("/remote/connection-limit", Fixture, NULL, fixture_setup, test_connection_limit,
              fixture_teardown);
  g_test_add_func ("/remote/no-server", test_no_server);
  return g_test_run ();
}
