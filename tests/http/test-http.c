/* test-http.c — the HTTP front end of the real daemon, with a real HTTP
 * client, the simulator as the SMSC and a recording server as the
 * application: sendsms to the SMSC's PDU to dlr-url callbacks with Kannel's
 * escapes, a failing callback retried then dead, every bad input refused
 * with nothing written, /metrics read by promtool, the JSON API and MO
 * forwarding to inbound-url. */
#include "http-fixture.h"

#include <glib/gstdio.h>
#include <string.h>

static const char *
query (HttpCall *c, const char *key)
{
  return g_hash_table_lookup (c->query, key);
}

static HttpCall *
call_with (HttpFixture *f, const char *key, const char *value)
{
  for (guint i = 0; i < f->calls->len; i++)
    {
      HttpCall *c = f->calls->pdata[i];
      if (g_strcmp0 (query (c, key), value) == 0)
        return c;
    }
  return NULL;
}

static void
test_sendsms_dlr (void)
{
  HttpFixture f = { 0 };
  http_fixture_setup (&f, NULL);
  g_autofree char *dlr = g_strdup_printf ("http://127.0.0.1:%u/dlr?d=%%d&A=%%A&F=%%F&i=%%i&p=%%p&P=%%P"
                                          "&q=%%q&Q=%%Q&t=%%t&T=%%T&k=%%k&R=%%R&n=%%n&I=%%I",
                                          f.recorder_port);
  g_autofree char *dlr_q = g_uri_escape_string (dlr, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/cgi-bin/sendsms?username=shop&password=s3cret&to=%%2B41791234568"
                                           "&text=Hello%%20world&from=ACME&reference=order-4711&dlr-mask=9"
                                           "&dlr-url=%s", dlr_q);
  g_autofree char *body = NULL;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_cmpuint (http_fixture_request (&f, "GET", path, NULL, NULL, NULL, &body), ==, 202);
  g_assert_cmpstr (body, ==, "0: Accepted for delivery\n");

  /* the SMSC gets the right PDU */
  g_autoptr(GPtrArray) log = sr_test_sim_wait_log (f.sim, "in", "submit_sm", 1, 10000);
  g_assert_nonnull (log);
  JsonObject *e = log->pdata[0];
  g_assert_cmpstr (sr_test_log_str (e, "destination_addr"), ==, "41791234568");
  g_assert_cmpstr (sr_test_log_str (e, "source_addr"), ==, "ACME");
  g_assert_cmpstr (sr_test_log_str (e, "short_message"), ==, "48656c6c6f20776f726c64");
  g_assert_cmpint (sr_test_log_int (e, "registered_delivery"), ==, 1);
  g_autoptr(GPtrArray) resp = sr_test_sim_wait_log (f.sim, "out", "submit_sm_resp", 1, 10000);
  g_assert_nonnull (resp);
  const char *smsc_id = sr_test_log_str (resp->pdata[0], "message_id");

  /* 8 (SMSC accepted) then 1 (delivered), with the escapes filled in */
  g_assert_true (http_fixture_wait_calls (&f, 2, 15000));
  http_fixture_spin (&f, 300);
  g_assert_cmpuint (f.calls->len, ==, 2);
  HttpCall *ack = call_with (&f, "d", "8");
  HttpCall *done = call_with (&f, "d", "1");
  g_assert_nonnull (ack);
  g_assert_nonnull (done);
  g_assert_cmpstr (ack->path, ==, "/dlr");
  g_assert_cmpstr (query (ack, "A"), ==, "ACK/");
  g_assert_cmpstr (query (ack, "F"), ==, smsc_id);
  g_assert_cmpstr (query (ack, "i"), ==, "sim");
  g_assert_cmpstr (query (ack, "p"), ==, "+41791234568");
  g_assert_cmpstr (query (ack, "q"), ==, "+41791234568");
  g_assert_cmpstr (query (ack, "P"), ==, "ACME");
  g_assert_cmpstr (query (ack, "Q"), ==, "ACME");
  g_assert_cmpstr (query (ack, "k"), ==, "Hello");
  g_assert_cmpstr (query (ack, "R"), ==, "order-4711");
  g_assert_cmpstr (query (ack, "n"), ==, "shop");
  g_assert_cmpuint (strlen (query (ack, "t")), ==, strlen ("2026-01-01 00:00:00"));
  gint64 t = g_ascii_strtoll (query (done, "T"), NULL, 10);
  g_assert_cmpint (t, >=, before);
  g_assert_cmpint (t, <=, before + 60);
  g_assert_cmpuint (http_fixture_count (&f, "sent"), ==, 1);
  g_assert_cmpstr (query (done, "I"), ==, query (ack, "I"));
  g_assert_nonnull (strstr (query (done, "A"), "stat:DELIVRD"));
  g_autofree char *want_id = g_strdup_printf ("id:%s ", smsc_id);
  g_assert_true (g_str_has_prefix (query (done, "A"), want_id));
  http_fixture_teardown (&f);
}

static void
test_callback_dead (void)
{
  HttpFixture f = { 0 };
  http_fixture_setup (&f, "[http]\ncallback-attempts = 3\ncallback-retry = 1\n");
  g_autofree char *path = g_strdup_printf ("/cgi-bin/sendsms?username=shop&password=s3cret&to=%%2B41791234568"
                                           "&text=Hi&dlr-mask=8&dlr-url=http%%3A%%2F%%2F127.0.0.1%%3A%u%%2Ffail%%3Fd%%3D%%25d",
                                           f.recorder_port);
  g_assert_cmpuint (http_fixture_request (&f, "GET", path, NULL, NULL, NULL, NULL), ==, 202);
  /* tried at once, after 1 s and after 2 s more: three attempts, then dead */
  g_assert_true (http_fixture_wait_calls (&f, 3, 20000));
  http_fixture_spin (&f, 3000);
  g_assert_cmpuint (f.calls->len, ==, 3);
  g_autofree char *dead = NULL;
  g_assert_cmpuint (http_fixture_request (&f, "GET", "/api/v1/callbacks/dead", NULL, NULL, "shop:s3cret", &dead), ==, 200);
  g_autoptr(JsonParser) p = json_parser_new ();
  g_assert_true (json_parser_load_from_data (p, dead, -1, NULL));
  JsonArray *list = json_object_get_array_member (json_node_get_object (json_parser_get_root (p)), "dead");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  JsonObject *o = json_array_get_object_element (list, 0);
  g_assert_cmpint (json_object_get_int_member (o, "attempts"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (o, "error"), ==, "HTTP 500");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (o, "url"), "/fail?d=8"));
  g_autofree char *metrics = NULL;
  http_fixture_request (&f, "GET", "/metrics", NULL, NULL, NULL, &metrics);
  g_assert_nonnull (strstr (metrics, "sms_router_http_callbacks{state=\"dead\"} 1\n"));
  g_assert_nonnull (strstr (metrics, "sms_router_http_callbacks_total{result=\"dead\"} 1\n"));
  g_autofree char *daemon_log = http_fixture_log (&f);
  g_assert_nonnull (strstr (daemon_log, "[system] http: callback 1 to"));
  g_assert_nonnull (strstr (daemon_log, "is dead after 3 attempts: HTTP 500"));
  /* and in the journal's audit log, which the console's log view shows */
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) export = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, g_getenv ("SR_ROUTER"),
                                                    "export", "--csv", "--events", "--config", f.config, NULL);
  g_assert_no_error (error);
  g_autofree char *events = NULL;
  g_assert_true (g_subprocess_communicate_utf8 (export, NULL, NULL, &events, NULL, &error));
  g_assert_true (g_subprocess_get_successful (export));
  g_assert_nonnull (strstr (events, "is dead after 3 attempts: HTTP 500"));
  http_fixture_teardown (&f);
}

/* Reports owed survive kill -9: a callback still failing and a message
 * still awaiting its receipt are both reported after the restart, once;
 * a watch whose file was never written (a crash between the two) is
 * forgotten. */
static void
test_dlr_survives_restart (void)
{
  HttpFixture f = { 0 };
  http_fixture_setup (&f, "[http]\ncallback-retry = 1\n");
  g_autofree char *path = g_strdup_printf ("/cgi-bin/sendsms?username=shop&password=s3cret&to=%%2B41791234568"
                                           "&text=Hi&dlr-mask=9&dlr-url=http%%3A%%2F%%2F127.0.0.1%%3A%u%%2Ffail%%3Fd%%3D%%25d",
                                           f.recorder_port);
  g_assert_cmpuint (http_fixture_request (&f, "GET", path, NULL, NULL, NULL, NULL), ==, 202);
  g_assert_true (http_fixture_wait_calls (&f, 2, 15000));   /* both tried, both refused */
  http_fixture_kill_daemon (&f);

  /* a watch without its file, as a crash between writing the two leaves */
  g_autofree char *db = g_build_filename (f.spool, "router", "http.db", NULL);
  g_autofree char *sql = g_strdup_printf ("sqlite3 '%s' \"INSERT INTO watches (app, file, user, url, mask, created)"
                                          " VALUES ('default', '1.2P3Q4.lost', 'shop', 'http://127.0.0.1:%u/lost', 1, 0)\"",
                                          db, f.recorder_port);
  g_assert_cmpint (system (sql), ==, 0);

  f.fail_status = 200;
  guint before = f.calls->len;
  http_fixture_start_daemon (&f);
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  gboolean got8 = FALSE, got1 = FALSE;
  while ((!got8 || !got1) && g_get_monotonic_time () < end)
    {
      http_fixture_spin (&f, 50);
      for (guint i = before; i < f.calls->len; i++)
        {
          got8 |= g_strcmp0 (query (f.calls->pdata[i], "d"), "8") == 0;
          got1 |= g_strcmp0 (query (f.calls->pdata[i], "d"), "1") == 0;
        }
    }
  g_assert_true (got8 && got1);
  http_fixture_spin (&f, 2500);
  for (guint i = before; i < f.calls->len; i++)
    g_assert_cmpstr (((HttpCall *) f.calls->pdata[i])->path, ==, "/fail");
  g_assert_cmpuint (f.calls->len - before, ==, 2);   /* once each after the restart */
  g_autofree char *metrics = NULL;
  http_fixture_request (&f, "GET", "/metrics", NULL, NULL, NULL, &metrics);
  g_assert_nonnull (strstr (metrics, "sms_router_http_dlr_watches 0\n"));
  g_assert_nonnull (strstr (metrics, "sms_router_http_callbacks{state=\"pending\"} 0\n"));
  http_fixture_teardown (&f);
}

/* One bad request and what must come back. */
typedef struct {
  const char *query;           /* after /cgi-bin/sendsms? */
  guint status;
  const char *reason;          /* a substring of the answer */
} BadCase;

static const BadCase bad_cases[] = {
  { "username=shop&password=wrong&to=%2B41791234568&text=x", 403, "Authorization failed" },
  { "username=nobody&password=s3cret&to=%2B41791234568&text=x", 403, "Authorization failed" },
  { "to=%2B41791234568&text=x", 403, "Authorization failed" },
  { "username=shop&password=s3cret&text=x", 400, "Missing receiver number" },
  { "username=shop&password=s3cret&to=%2B41791234568", 400, "Missing text" },
  { "username=shop&password=s3cret&to=hello&text=x", 400, "to 'hello'" },
  { "username=shop&password=s3cret&to=%2B41791234568%20abc&text=x", 400, "to 'abc'" },
  { "username=shop&password=s3cret&to=%2B41791234568&text=x&coding=7", 400, "coding '7'" },
  { "username=shop&password=s3cret&to=%2B41791234568&text=x&coding=1", 400, "8-bit data) is not supported" },
  { "username=shop&password=s3cret&to=%2B41791234568&text=%E2%82%AC%E4%B8%AD&coding=0", 400, "outside the GSM alphabet" },
  { "username=shop&password=s3cret&to=%2B41791234568&text=x&udh=%05%00%03", 400, "udh (user data headers) is not supported" },
  { "username=shop&password=s3cret&to=%2B41791234568&text=x&mclass=4", 400, "mclass '4' is not a whole number from 0 to 3" },
  { "username=shop&password=s3cret&to=%2B41791234568&text=x&deferred=0", 400, "deferred '0' is not a whole number" },
  { "username=shop&password=s3cret&to=%2B41791234568&text=x&deferred=soon", 400, "deferred 'soon'" },
  { "username=shop&password=s3cret&to=%2B41791234568&text=x&validity=abc", 400, "validity 'abc'" },
  { "username=shop&password=s3cret&to=%2B41791234568&text=x&dlr-mask=40&dlr-url=http%3A%2F%2Fa%2F", 400, "dlr-mask '40'" },
  { "username=shop&password=s3cret&to=%2B41791234568&text=x&dlr-mask=1", 400, "dlr-mask needs a dlr-url" },
  { "username=shop&password=s3cret&to=%2B41791234568&text=x&dlr-url=http%3A%2F%2Fa%2F", 400, "dlr-url needs a dlr-mask" },
  { "username=shop&password=s3cret&to=%2B41791234568&text=x&dlr-mask=1&dlr-url=ftp%3A%2F%2Fa%2F", 400, "not an http://" },
  { "username=shop&password=s3cret&to=%2B41791234568&text=%FF%FE", 400, "not valid UTF-8" },
  { "username=shop&password=s3cret&to=%2B41791234568&text=x&charset=NO-SUCH", 400, "not valid NO-SUCH" },
  { "username=shop&password=s3cret&to=%2B41791234568&text=x&reference=a%0Ab", 400, "reference must be one line" },
  { "username=shop&password=s3cret&to=%2B41791234568&text=x&from=%2B12", 400, "from '+12'" },
};

static void
test_bad_input (void)
{
  HttpFixture f = { 0 };
  http_fixture_setup (&f, "[http]\nmax-body = 2048\nauth-failures = 3\n"
                          "[http-user:office]\npassword = pw\nallow-from = 10.0.0.0/8;192.0.2.7\n");
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      const BadCase *c = &bad_cases[i];
      g_autofree char *path = g_strconcat ("/cgi-bin/sendsms?", c->query, NULL);
      g_autofree char *body = NULL;
      guint status = http_fixture_request (&f, "GET", path, NULL, NULL, NULL, &body);
      if (status != c->status || strstr (body, c->reason) == NULL)
        g_error ("%s: got %u '%s', expected %u '%s'", c->query, status, body, c->status, c->reason);
    }
  /* over max-body: 413 */
  g_autofree char *big = g_strnfill (4096, 'a');
  g_autofree char *form = g_strconcat ("username=shop&password=s3cret&to=%2B41791234568&text=", big, NULL);
  g_assert_cmpuint (http_fixture_request (&f, "POST", "/cgi-bin/sendsms", "application/x-www-form-urlencoded",
                                          form, NULL, NULL), ==, 413);
  /* the right password from outside allow-from: 403 */
  g_autofree char *denied = NULL;
  g_assert_cmpuint (http_fixture_request (&f, "GET", "/cgi-bin/sendsms?username=office&password=pw&to=%2B41791234568&text=x",
                                          NULL, NULL, NULL, &denied), ==, 403);
  g_assert_nonnull (strstr (denied, "address not allowed"));
  /* JSON errors */
  g_autofree char *jerr = NULL;
  g_assert_cmpuint (http_fixture_request (&f, "POST", "/api/v1/messages", "application/json", "{\"to\":",
                                          "shop:s3cret", &jerr), ==, 400);
  g_assert_true (g_str_has_prefix (jerr, "{\"error\":"));
  g_assert_cmpuint (http_fixture_request (&f, "POST", "/api/v1/messages", "application/json",
                                          "[{\"to\":\"+41791234568\",\"text\":\"ok\"},{\"to\":\"+41791234568\"}]",
                                          "shop:s3cret", &jerr), ==, 400);
  g_assert_nonnull (strstr (jerr, "message 2: \\\"text\\\""));
  g_clear_pointer (&jerr, g_free);
  /* a bad number in the second message: the first is not written either */
  g_assert_cmpuint (http_fixture_request (&f, "POST", "/api/v1/messages", "application/json",
                                          "[{\"to\":\"+41791234568\",\"text\":\"ok\"},{\"to\":\"abc\",\"text\":\"x\"}]",
                                          "shop:s3cret", &jerr), ==, 400);
  g_assert_nonnull (strstr (jerr, "message 2: to 'abc'"));
  g_assert_cmpuint (http_fixture_request (&f, "GET", "/api/v1/messages/x", NULL, NULL, "shop:bad", NULL), ==, 403);
  /* nothing was written by any of them */
  http_fixture_spin (&f, 1500);
  g_assert_cmpuint (http_fixture_count (&f, "outbox/new") + http_fixture_count (&f, "outbox/cur")
                    + http_fixture_count (&f, "sent") + http_fixture_count (&f, "dead"), ==, 0);
  g_assert_cmpint (sr_test_sim_stat (f.sim, "submit_sm"), <=, 0);

  /* auth-failures (3) failed logins in a row: the third answer is held back and logged */
  for (guint i = 0; i < 2; i++)
    g_assert_cmpuint (http_fixture_request (&f, "GET", "/cgi-bin/sendsms?username=shop&password=guess&to=1&text=x",
                                            NULL, NULL, NULL, NULL), ==, 403);
  gint64 t0 = g_get_monotonic_time ();
  g_assert_cmpuint (http_fixture_request (&f, "GET", "/cgi-bin/sendsms?username=shop&password=guess&to=1&text=x",
                                          NULL, NULL, NULL, NULL), ==, 403);
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, G_USEC_PER_SEC);
  g_autofree char *log = http_fixture_log (&f);
  g_assert_nonnull (strstr (log, "[system] http: 3 failed logins from 127.0.0.1: its answers are slowed down"));
  g_assert_null (strstr (log, "guess"));
  g_assert_null (strstr (log, "wrong"));
  http_fixture_teardown (&f);
}

/* mclass and deferred reach the SMSC: the class bits of data_coding, and a
 * relative schedule_delivery_time (Kannel's deferred is in minutes). */
static void
test_sendsms_class_deferred (void)
{
  HttpFixture f = { 0 };
  http_fixture_setup (&f, NULL);
  static const struct {
    const char *params;
    gint64 data_coding;
    const char *schedule;
  } cases[] = {
    { "&mclass=1", 0x11, "" },
    { "&mclass=2&coding=2&deferred=10", 0x1A, "000000001000000R" },
    { "&mclass=0&deferred=1500", 0x10, "000001010000000R" },   /* flash; 25 hours */
    { "", 0x00, "" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cgi-bin/sendsms?username=shop&password=s3cret&to=%%2B41791234568"
                                               "&text=case%u%s", i, cases[i].params);
      g_assert_cmpuint (http_fixture_request (&f, "GET", path, NULL, NULL, NULL, NULL), ==, 202);
      g_autoptr(GPtrArray) log = sr_test_sim_wait_log (f.sim, "in", "submit_sm", i + 1, 10000);
      g_assert_nonnull (log);
      JsonObject *e = log->pdata[i];
      g_assert_cmpint (sr_test_log_int (e, "data_coding"), ==, cases[i].data_coding);
      g_assert_cmpstr (sr_test_log_str (e, "schedule_delivery_time"), ==, cases[i].schedule);
    }
  http_fixture_teardown (&f);
}

/* promtool, Prometheus' own parser, accepts @metrics. */
static void
assert_promtool_accepts (const char *metrics)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                               | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error,
                                               "promtool", "check", "metrics", NULL);
  g_assert_no_error (error);
  g_autofree char *out = NULL;
  g_assert_true (g_subprocess_communicate_utf8 (p, metrics, NULL, &out, NULL, &error));
  if (!g_subprocess_get_if_exited (p) || g_subprocess_get_exit_status (p) != 0)
    g_error ("promtool check metrics refused the exposition: %s", out);
}

/* The value of the sample @series ("name{labels}") in @metrics; fails the
 * test when there is no such line. */
static double
metric (const char *metrics, const char *series)
{
  g_autofree char *needle = g_strconcat ("\n", series, " ", NULL);
  const char *at = strstr (metrics, needle);
  if (at == NULL)
    g_error ("no sample %s in:\n%s", series, metrics);
  return g_ascii_strtod (at + strlen (needle), NULL);
}

static char *
scrape (HttpFixture *f)
{
  char *metrics = NULL;
  g_assert_cmpuint (http_fixture_request (f, "GET", "/metrics", NULL, NULL, NULL, &metrics), ==, 200);
  return metrics;
}

static void
test_metrics_promtool (void)
{
  HttpFixture f = { 0 };
  http_fixture_setup (&f, NULL);
  g_assert_cmpuint (http_fixture_request (&f, "POST", "/cgi-bin/sendsms", "application/x-www-form-urlencoded",
                                          "username=shop&password=s3cret&to=%2B41791234568&text=form+post",
                                          NULL, NULL), ==, 202);
  g_assert_nonnull (sr_test_sim_wait_log (f.sim, "in", "submit_sm", 1, 10000));
  /* Kannel's other POST: the parameters in the query, the body is the text */
  g_assert_cmpuint (http_fixture_request (&f, "POST", "/cgi-bin/sendsms?username=shop&password=s3cret&to=%2B41791234568",
                                          "text/plain", "body text", NULL, NULL), ==, 202);
  g_autoptr(GPtrArray) submits = sr_test_sim_wait_log (f.sim, "in", "submit_sm", 2, 10000);
  g_assert_nonnull (submits);
  g_assert_cmpstr (sr_test_log_str (submits->pdata[1], "short_message"), ==, "626f64792074657874");
  http_fixture_spin (&f, 1500);
  g_autofree char *metrics = NULL;
  g_assert_cmpuint (http_fixture_request (&f, "GET", "/metrics", NULL, NULL, NULL, &metrics), ==, 200);
  g_assert_nonnull (strstr (metrics, "sms_router_http_requests_total{endpoint=\"sendsms\",code=\"202\"} 2\n"));
  g_assert_nonnull (strstr (metrics, "sms_router_bind_state{bind=\"sim#1\",state=\"bound\"} 1\n"));
  g_assert_nonnull (strstr (metrics, "sms_router_parts_submitted_total 2\n"));
  g_assert_nonnull (strstr (metrics, "sms_router_messages{app=\"default\",state=\"delivered\"} 2\n"));
  g_assert_nonnull (strstr (metrics, "sms_router_receipts_total{status=\"delivered\"} 2\n"));
  assert_promtool_accepts (metrics);
  http_fixture_teardown (&f);
}

/* The engine's figures move with the traffic: an SMSC that answers after
 * 20 ms, throttles every 5th submit and refuses UK numbers, a provider
 * limited to 25 parts/s with a window of 4, and a file without a To. */
static void
test_metrics_values (void)
{
  const char *sim_args[] = { "--delay-ms", "20", "--throttle-every", "5", "--reject-prefix", "+44", NULL };
  HttpFixture f = { .sim_args = sim_args };
  http_fixture_setup (&f, "[smpp:sim]\nthroughput = 25\nwindow = 4\n");
  g_autofree char *before = scrape (&f);
  g_assert_cmpfloat (metric (before, "sms_router_bind_window_size{bind=\"sim#1\"}"), ==, 4);
  g_assert_cmpfloat (metric (before, "sms_router_submit_latency_seconds_count{provider=\"sim\"}"), ==, 0);
  g_assert_cmpfloat (metric (before, "sms_router_dead_letters_total{app=\"default\",class=\"input\"}"), ==, 0);

  gint64 t0 = g_get_monotonic_time ();
  for (guint i = 0; i < 20; i++)
    g_assert_cmpuint (http_fixture_request (&f, "GET", "/cgi-bin/sendsms?username=shop&password=s3cret"
                                            "&to=%2B41791234568&text=metrics", NULL, NULL, NULL, NULL), ==, 202);
  g_assert_cmpuint (http_fixture_request (&f, "GET", "/cgi-bin/sendsms?username=shop&password=s3cret"
                                          "&to=%2B447911123456&text=refused", NULL, NULL, NULL, NULL), ==, 202);
  /* a file an application wrote without a destination */
  g_autofree char *tmp = g_build_filename (f.spool, "apps", "default", "outbox", "tmp", "no-to", NULL);
  g_autofree char *new = g_build_filename (f.spool, "apps", "default", "outbox", "new", "no-to", NULL);
  g_assert_true (g_file_set_contents (tmp, "From: ACME\n\nno destination\n", -1, NULL));
  g_assert_cmpint (g_rename (tmp, new), ==, 0);

  /* the window is seen in use while the parts go out */
  double used = 0;
  while (used == 0 && g_get_monotonic_time () - t0 < 20 * G_USEC_PER_SEC)
    {
      g_autofree char *m = scrape (&f);
      used = metric (m, "sms_router_bind_window_used{bind=\"sim#1\"}");
      g_assert_cmpfloat (used, <=, 4);
    }
  g_assert_cmpfloat (used, >, 0);
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while ((http_fixture_count (&f, "sent") < 20 || http_fixture_count (&f, "dead") < 2)
         && g_get_monotonic_time () < end)
    http_fixture_spin (&f, 100);
  g_assert_cmpuint (http_fixture_count (&f, "sent"), ==, 20);
  g_assert_cmpuint (http_fixture_count (&f, "dead"), ==, 2);
  double elapsed = (g_get_monotonic_time () - t0) / 1e6;
  http_fixture_spin (&f, 300);

  g_autofree char *m = scrape (&f);
  assert_promtool_accepts (m);
  /* dead letters by class */
  g_assert_cmpfloat (metric (m, "sms_router_dead_letters_total{app=\"default\",class=\"input\"}"), ==, 1);
  g_assert_cmpfloat (metric (m, "sms_router_dead_letters_total{app=\"default\",class=\"smsc\"}"), ==, 1);
  g_assert_cmpfloat (metric (m, "sms_router_dead_letters_total{app=\"default\",class=\"policy\"}"), ==, 0);
  /* submits per provider, as the SMSC counted them */
  gint64 submits = sr_test_sim_stat (f.sim, "submits");
  gint64 throttled = sr_test_sim_stat (f.sim, "throttled");
  g_assert_cmpint (throttled, >=, 4);
  g_assert_cmpint (submits, ==, 21 + throttled);
  g_assert_cmpfloat (metric (m, "sms_router_provider_parts_submitted_total{provider=\"sim\"}"), ==, 20);
  g_assert_cmpfloat (metric (m, "sms_router_parts_submitted_total"), ==, 20);
  g_assert_cmpfloat (metric (m, "sms_router_provider_submit_sm_total{provider=\"sim\"}"), ==, submits);
  g_assert_cmpfloat (metric (m, "sms_router_provider_submit_responses_total{provider=\"sim\",result=\"accepted\"}"), ==, 20);
  g_assert_cmpfloat (metric (m, "sms_router_provider_submit_responses_total{provider=\"sim\",result=\"rejected\"}"), ==, 1 + throttled);
  /* every submit answered, after the SMSC's 20 ms */
  g_assert_cmpfloat (metric (m, "sms_router_submit_latency_seconds_count{provider=\"sim\"}"), ==, submits);
  g_assert_cmpfloat (metric (m, "sms_router_submit_latency_seconds_bucket{provider=\"sim\",le=\"+Inf\"}"), ==, submits);
  g_assert_cmpfloat (metric (m, "sms_router_submit_latency_seconds_bucket{provider=\"sim\",le=\"0.01\"}"), ==, 0);
  g_assert_cmpfloat (metric (m, "sms_router_submit_latency_seconds_sum{provider=\"sim\"}"), >=, 0.02 * submits);
  g_assert_cmpfloat (metric (m, "sms_router_submit_latency_seconds_sum{provider=\"sim\"}"), <=, elapsed);
  /* the window is free again; throttling paused the bind; the bucket held parts back */
  g_assert_cmpfloat (metric (m, "sms_router_bind_window_used{bind=\"sim#1\"}"), ==, 0);
  g_assert_cmpfloat (metric (m, "sms_router_bind_throttled_total{bind=\"sim#1\"}"), ==, throttled);
  double pauses = metric (m, "sms_router_bind_throttle_pauses_total{bind=\"sim#1\"}");
  g_assert_cmpfloat (pauses, >=, 1);
  g_assert_cmpfloat (pauses, <=, throttled);
  g_assert_cmpfloat (metric (m, "sms_router_bind_throttle_pause_seconds_total{bind=\"sim#1\"}"), >=, pauses * 0.02);
  g_assert_cmpfloat (metric (m, "sms_router_provider_rate_limit_waits_total{provider=\"sim\"}"), >=, 1);
  double waited = metric (m, "sms_router_provider_rate_limit_wait_seconds_total{provider=\"sim\"}");
  g_assert_cmpfloat (waited, >, 0);
  g_assert_cmpfloat (waited, <=, elapsed);
  /* one timing per commit */
  double commits = metric (m, "sms_router_journal_commits_total");
  g_assert_cmpfloat (commits, >, 0);
  g_assert_cmpfloat (metric (m, "sms_router_journal_commit_seconds_count"), ==, commits);
  g_assert_cmpfloat (metric (m, "sms_router_journal_commit_seconds_bucket{le=\"+Inf\"}"), ==, commits);
  http_fixture_teardown (&f);
}

static void
test_json_api (void)
{
  HttpFixture f = { 0 };
  http_fixture_setup (&f, NULL);
  g_autofree char *answer = NULL;
  g_assert_cmpuint (http_fixture_request (&f, "POST", "/api/v1/messages", "application/json",
                                          "[{\"to\":\"+41791234568\",\"text\":\"one\",\"reference\":\"r1\"},"
                                          "{\"to\":\"079 123 45 69\",\"text\":\"two\"}]",
                                          "shop:s3cret", &answer), ==, 202);
  g_autoptr(JsonParser) p = json_parser_new ();
  g_assert_true (json_parser_load_from_data (p, answer, -1, NULL));
  JsonArray *ids = json_object_get_array_member (json_node_get_object (json_parser_get_root (p)), "ids");
  g_assert_cmpuint (json_array_get_length (ids), ==, 2);
  g_assert_nonnull (sr_test_sim_wait_log (f.sim, "in", "submit_sm", 2, 10000));
  g_autofree char *path = g_strconcat ("/api/v1/messages/", json_array_get_string_element (ids, 0), NULL);
  /* delivered after the simulator's receipt */
  g_autoptr(JsonParser) q = json_parser_new ();
  JsonObject *m = NULL;
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *got = NULL;
      g_assert_cmpuint (http_fixture_request (&f, "GET", path, NULL, NULL, "shop:s3cret", &got), ==, 200);
      g_assert_true (json_parser_load_from_data (q, got, -1, NULL));
      m = json_node_get_object (json_parser_get_root (q));
      if (g_strcmp0 (json_object_get_string_member (m, "state"), "delivered") == 0)
        break;
      g_usleep (100000);
    }
  g_assert_cmpstr (json_object_get_string_member (m, "state"), ==, "delivered");
  g_assert_cmpstr (json_object_get_string_member (m, "to"), ==, "+41791234568");
  g_assert_cmpstr (json_object_get_string_member (m, "reference"), ==, "r1");
  JsonObject *seg = json_array_get_object_element (json_object_get_array_member (m, "segments"), 0);
  g_assert_nonnull (json_object_get_string_member (seg, "smsc_id"));
  g_assert_cmpstr (json_object_get_string_member (seg, "receipt"), ==, "delivered");
  g_autofree char *missing = NULL;
  g_assert_cmpuint (http_fixture_request (&f, "GET", "/api/v1/messages/nope", NULL, NULL, "shop:s3cret", &missing), ==, 404);
  g_assert_true (g_str_has_prefix (missing, "{\"error\":"));
  http_fixture_teardown (&f);
}

static void
test_mo_inbound_url (void)
{
  HttpFixture f = { 0 };
  http_fixture_setup (&f, "[app:mo]\ninbound-numbers = +41790000000\ninbound-url = http://127.0.0.1:@REC@/mo\n"
                          "[app:api]\ninbound-numbers = +41790000001\ninbound-url = http://127.0.0.1:@REC@/mo-json\n"
                          "inbound-format = json\n");
  sr_test_sim_mo (f.sim, "from=+41795550000,to=+41790000000,text=Hello MO");
  sr_test_sim_mo (f.sim, "from=+41795550001,to=+41790000001,text=Grüezi");
  g_assert_true (http_fixture_wait_calls (&f, 2, 15000));
  http_fixture_spin (&f, 300);
  g_assert_cmpuint (f.calls->len, ==, 2);
  HttpCall *form = NULL, *json = NULL;
  for (guint i = 0; i < 2; i++)
    {
      HttpCall *c = f.calls->pdata[i];
      if (g_str_equal (c->path, "/mo"))
        form = c;
      else
        json = c;
    }
  g_assert_nonnull (form);
  g_assert_nonnull (json);
  g_assert_cmpstr (form->content_type, ==, "application/x-www-form-urlencoded");
  g_autoptr(GHashTable) fields = soup_form_decode (form->body);
  g_assert_cmpstr (g_hash_table_lookup (fields, "from"), ==, "+41795550000");
  g_assert_cmpstr (g_hash_table_lookup (fields, "to"), ==, "+41790000000");
  g_assert_cmpstr (g_hash_table_lookup (fields, "text"), ==, "Hello MO");
  g_assert_cmpstr (g_hash_table_lookup (fields, "app"), ==, "mo");
  g_assert_cmpstr (json->path, ==, "/mo-json");
  g_assert_cmpstr (json->content_type, ==, "application/json");
  g_autoptr(JsonParser) p = json_parser_new ();
  g_assert_true (json_parser_load_from_data (p, json->body, -1, NULL));
  JsonObject *o = json_node_get_object (json_parser_get_root (p));
  g_assert_cmpstr (json_object_get_string_member (o, "text"), ==, "Grüezi");
  g_assert_cmpstr (json_object_get_string_member (o, "from"), ==, "+41795550001");
  g_autofree char *metrics = NULL;
  http_fixture_request (&f, "GET", "/metrics", NULL, NULL, NULL, &metrics);
  g_assert_nonnull (strstr (metrics, "sms_router_inbound_total{app=\"mo\"} 1\n"));
  g_assert_nonnull (strstr (metrics, "sms_router_inbound_total{app=\"api\"} 1\n"));
  /* the inbox files stay */
  g_autofree char *inbox = g_build_filename (f.spool, "apps", "mo", "inbox", "new", NULL);
  g_autoptr(GDir) d = g_dir_open (inbox, 0, NULL);
  g_assert_nonnull (d);
  g_assert_nonnull (g_dir_read_name (d));
  http_fixture_teardown (&f);
}

/* With tls-certificate and tls-key the front end speaks HTTPS only. */
static void
test_tls (void)
{
  HttpFixture f = { .tls = TRUE };
  g_autofree char *extra = g_strdup_printf ("[http]\ntls-certificate = %s/smpp/tls-test.pem\n"
                                            "tls-key = %s/smpp/tls-test.pem\n", SR_TEST_SRCDIR, SR_TEST_SRCDIR);
  http_fixture_setup (&f, extra);
  g_autofree char *body = NULL;
  g_assert_cmpuint (http_fixture_request (&f, "GET", "/cgi-bin/sendsms?username=shop&password=s3cret"
                                          "&to=%2B41791234568&text=over+TLS", NULL, NULL, NULL, &body), ==, 202);
  g_assert_nonnull (sr_test_sim_wait_log (f.sim, "in", "submit_sm", 1, 10000));
  f.tls = FALSE;
  g_assert_cmpuint (http_fixture_request (&f, "GET", "/metrics", NULL, NULL, NULL, NULL), !=, 200);
  http_fixture_teardown (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/http/sendsms-dlr", test_sendsms_dlr);
  g_test_add_func ("/http/callback-dead", test_callback_dead);
  g_test_add_func ("/http/dlr-survives-restart", test_dlr_survives_restart);
  g_test_add_func ("/http/bad-input", test_bad_input);
  g_test_add_func ("/http/metrics-promtool", test_metrics_promtool);
  g_test_add_func ("/http/metrics-values", test_metrics_values);
  g_test_add_func ("/http/sendsms-class-deferred", test_sendsms_class_deferred);
  g_test_add_func ("/http/json-api", test_json_api);
  g_test_add_func ("/http/tls", test_tls);
  g_test_add_func ("/http/mo-inbound-url", test_mo_inbound_url);
  return g_test_run ();
}
