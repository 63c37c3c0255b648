/* test-config.c — the configuration loader: defaults, every error names
 * file, group and key, warnings for unknown keys and readable secrets. */
#include "sr-config.h"

#include <glib/gstdio.h>
#include <string.h>

static const char *minimal =
  "[app:default]\n"
  "from = +41791234567\n";

static void
test_defaults (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrConfig) c = sr_config_load_data (minimal, -1, "mem", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c->spool, ==, "/var/spool/sms-router");
  g_assert_cmpstr (c->region, ==, "CH");
  g_assert_cmpuint (c->max_parts, ==, 10);
  g_assert_true (c->report);
  g_assert_cmpuint (c->max_file_size, ==, 65536);
  g_assert_cmpstr (c->default_app, ==, "default");
  g_assert_cmpuint (c->providers->len, ==, 0);
  g_assert_cmpuint (g_strv_length (c->policy.blacklist_countries), ==, 7);
  g_assert_true (g_strv_contains ((const char *const *) c->policy.blacklist_countries, "RE"));
  g_assert_true (g_strv_contains ((const char *const *) c->policy.alphanumeric_denied_countries, "US"));
  g_assert_cmpuint (c->policy.max_per_destination_hour, ==, 20);
  g_assert_cmpuint (c->policy.max_per_destination_day, ==, 100);
  g_assert_false (c->broker.enabled);
  g_assert_cmpstr (c->log, ==, "auto");
  g_assert_cmpstr (c->control_group, ==, "sms-router-operators");
  g_assert_cmpuint (g_strv_length (c->control_users), ==, 0);
  const SrAppConfig *app = sr_config_find_app (c, "default");
  g_assert_nonnull (app);
  g_assert_cmpstr (app->region, ==, "CH");
  g_assert_null (sr_config_find_app (c, "nope"));
}

static void
test_sample_file (void)
{
  g_autofree char *path = g_build_filename (SR_TEST_SRCDIR, "..", "data", "sms-router.conf", NULL);
  g_autoptr(GError) error = NULL;
  /* the sample holds a password and is world-readable in a checkout */
  g_test_expect_message ("sr-config", G_LOG_LEVEL_WARNING, "*readable by every user*");
  g_autoptr(SrConfig) c = sr_config_load (path, &error);
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  g_assert_cmpuint (c->providers->len, ==, 1);
  const SrProviderConfig *p = sr_config_find_provider (c, "main");
  g_assert_nonnull (p);
  g_assert_cmpuint (p->port, ==, 2775);
  g_assert_cmpuint (p->window, ==, 10);
  g_assert_cmpuint (p->enquire_link, ==, 30);
  g_assert_cmpint (p->bind, ==, SR_BIND_TRANSCEIVER);
  g_assert_cmpint (p->split, ==, SR_SPLIT_UDH8);
  g_assert_cmpint (p->data_coding0, ==, SR_DC0_GSM_UNPACKED);
  g_assert_false (p->tls);
  g_assert_cmpuint (c->apps->len, ==, 1);
}

static void
test_full (void)
{
  const char *text =
    "[router]\nspool=/tmp/x\nregion=GB\nmax-parts=3\nreport=no\nlog=/var/log/sms-router.log\n"
    "control-group=\ncontrol-users=alice; bob\n"
    "[smpp:a]\nhost=h\nsystem-id=id\npassword=pw\nbind=transmitter-receiver\nbinds=4\n"
    "window=64\nthroughput=100\nsplit=sar\ndata-coding-0=gsm-packed\nid-format=hex-to-dec\n"
    "routes=+41;+4420\n"
    "[app:iot]\nregion=DE\nfrom=ACME\nallow-destinations=+4917\ninbound-numbers=+4917000\n"
    "inbound-keywords=STOP;INFO\ninbound-deny=+4915\n"
    "smstools3-compat=yes\nsmstools3-settle=2\nsmstools3-empty-limit=30\n"
    "[app:web]\n"
    "[policy]\nblacklist-countries=\nsource-overrides=US,CA:+16461234567;GB:+442071234567\n"
    "max-per-destination-hour=0\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(SrConfig) c = sr_config_load_data (text, -1, "mem", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c->log, ==, "/var/log/sms-router.log");
  g_assert_cmpstr (c->control_group, ==, "");
  const char *const users[] = { "alice", "bob", NULL };
  g_assert_cmpstrv (c->control_users, users);
  g_assert_cmpstr (c->default_app, ==, "iot");
  g_assert_false (c->report);
  const SrProviderConfig *p = c->providers->pdata[0];
  g_assert_cmpint (p->bind, ==, SR_BIND_TRANSMITTER_RECEIVER);
  g_assert_cmpuint (p->binds, ==, 4);
  g_assert_cmpint (p->split, ==, SR_SPLIT_SAR);
  g_assert_cmpint (p->data_coding0, ==, SR_DC0_GSM_PACKED);
  g_assert_cmpint (p->id_format, ==, SR_ID_FORMAT_HEX_TO_DEC);
  g_assert_cmpstr (p->region, ==, "GB");
  g_assert_cmpuint (g_strv_length (p->route_prefixes), ==, 2);
  const SrAppConfig *iot = sr_config_find_app (c, "iot");
  g_assert_cmpstr (iot->from, ==, "ACME");
  g_assert_cmpstr (iot->inbound_keywords[1], ==, "INFO");
  g_assert_true (iot->smstools3_compat);
  g_assert_cmpuint (iot->smstools3_settle, ==, 2);
  g_assert_cmpuint (iot->smstools3_empty_limit, ==, 30);
  g_assert_cmpstr (sr_config_find_app (c, "web")->region, ==, "GB");
  g_assert_false (sr_config_find_app (c, "web")->smstools3_compat);
  g_assert_cmpuint (sr_config_find_app (c, "web")->smstools3_settle, ==, 1);
  g_assert_cmpuint (sr_config_find_app (c, "web")->smstools3_empty_limit, ==, 60);
  g_assert_cmpuint (g_strv_length (c->policy.blacklist_countries), ==, 0);
  g_assert_cmpuint (c->policy.source_overrides->len, ==, 2);
  const SrSourceOverride *o = c->policy.source_overrides->pdata[0];
  g_assert_cmpstr (o->countries[1], ==, "CA");
  g_assert_cmpstr (o->sender, ==, "+16461234567");
  g_assert_cmpuint (c->policy.max_per_destination_hour, ==, 0);
}

/* Each broken config and the words its error must contain. */
typedef struct {
  const char *name;
  const char *text;
  int code;
  const char *fragment;
} BadCase;

static const BadCase bad_cases[] = {
  { "no-app", "[router]\nregion=CH\n", SR_CONFIG_ERROR_MISSING, "[app:NAME]" },
  { "syntax", "[router\nx", SR_CONFIG_ERROR_SYNTAX, "mem:" },
  { "region", "[router]\nregion=Swiss\n[app:a]\n", SR_CONFIG_ERROR_INVALID, "[router] region: 'Swiss'" },
  { "max-parts", "[router]\nmax-parts=0\n[app:a]\n", SR_CONFIG_ERROR_INVALID, "[router] max-parts: '0'" },
  { "max-parts-text", "[router]\nmax-parts=ten\n[app:a]\n", SR_CONFIG_ERROR_INVALID, "[router] max-parts" },
  { "report", "[router]\nreport=maybe\n[app:a]\n", SR_CONFIG_ERROR_INVALID, "[router] report: 'maybe'" },
  { "no-host", "[smpp:x]\nsystem-id=a\n[app:a]\n", SR_CONFIG_ERROR_MISSING, "[smpp:x] host: is required" },
  { "no-system-id", "[smpp:x]\nhost=h\n[app:a]\n", SR_CONFIG_ERROR_MISSING, "[smpp:x] system-id" },
  { "port", "[smpp:x]\nhost=h\nsystem-id=a\nport=70000\n[app:a]\n", SR_CONFIG_ERROR_INVALID, "[smpp:x] port" },
  { "bind", "[smpp:x]\nhost=h\nsystem-id=a\nbind=both\n[app:a]\n", SR_CONFIG_ERROR_INVALID, "[smpp:x] bind: 'both'" },
  { "split", "[smpp:x]\nhost=h\nsystem-id=a\nsplit=udh9\n[app:a]\n", SR_CONFIG_ERROR_INVALID, "[smpp:x] split" },
  { "password-long", "[smpp:x]\nhost=h\nsystem-id=a\npassword=123456789\n[app:a]\n", SR_CONFIG_ERROR_INVALID, "[smpp:x] password" },
  { "system-id-long", "[smpp:x]\nhost=h\nsystem-id=abcdefghijklmnop\n[app:a]\n", SR_CONFIG_ERROR_INVALID, "[smpp:x] system-id" },
  { "window", "[smpp:x]\nhost=h\nsystem-id=a\nwindow=0\n[app:a]\n", SR_CONFIG_ERROR_INVALID, "[smpp:x] window" },
  { "routes", "[smpp:x]\nhost=h\nsystem-id=a\nroutes=41\n[app:a]\n", SR_CONFIG_ERROR_INVALID, "[smpp:x] routes: '41'" },
  { "provider-name", "[smpp:a/b]\nhost=h\nsystem-id=a\n[app:a]\n", SR_CONFIG_ERROR_INVALID, "[smpp:a/b]" },
  { "app-name", "[app:../etc]\n", SR_CONFIG_ERROR_INVALID, "[app:../etc]" },
  { "app-from", "[app:a]\nfrom=ThisIsTooLongSender\n", SR_CONFIG_ERROR_INVALID, "[app:a] from" },
  { "app-allow", "[app:a]\nallow-destinations=+41;0791\n", SR_CONFIG_ERROR_INVALID, "[app:a] allow-destinations: '0791'" },
  { "app-smstools3", "[app:a]\nsmstools3-compat=maybe\n", SR_CONFIG_ERROR_INVALID, "[app:a] smstools3-compat: 'maybe'" },
  { "app-settle", "[app:a]\nsmstools3-settle=3601\n", SR_CONFIG_ERROR_INVALID, "[app:a] smstools3-settle" },
  { "app-empty-limit", "[app:a]\nsmstools3-empty-limit=0\n", SR_CONFIG_ERROR_INVALID, "[app:a] smstools3-empty-limit" },
  { "default-app", "[router]\ndefault-app=b\n[app:a]\n", SR_CONFIG_ERROR_INVALID, "[router] default-app: 'b'" },
  { "override", "[policy]\nsource-overrides=US+1646\n[app:a]\n", SR_CONFIG_ERROR_INVALID, "[policy] source-overrides" },
  { "override-country", "[policy]\nsource-overrides=USA:+1646\n[app:a]\n", SR_CONFIG_ERROR_INVALID, "'USA'" },
  { "blacklist", "[policy]\nblacklist-countries=CI;fr\n[app:a]\n", SR_CONFIG_ERROR_INVALID, "[policy] blacklist-countries: 'fr'" },
  { "limit", "[policy]\nmax-per-destination-day=-1\n[app:a]\n", SR_CONFIG_ERROR_INVALID, "[policy] max-per-destination-day" },
  { "log", "[router]\nlog=syslog2\n[app:a]\n", SR_CONFIG_ERROR_INVALID, "[router] log: 'syslog2' is not auto" },
  { "log-relative", "[router]\nlog=router.log\n[app:a]\n", SR_CONFIG_ERROR_INVALID, "[router] log: 'router.log'" },
  { "http-listen", "[http]\nlisten=localhost\n[app:a]\n", SR_CONFIG_ERROR_INVALID, "[http] listen: 'localhost'" },
  { "http-port", "[http]\nport=0\n[app:a]\n", SR_CONFIG_ERROR_INVALID, "[http] port: '0'" },
  { "http-max-body", "[http]\nmax-body=10\n[app:a]\n", SR_CONFIG_ERROR_INVALID, "[http] max-body: '10'" },
  { "http-tls-half", "[http]\ntls-certificate=/c.pem\n[app:a]\n", SR_CONFIG_ERROR_MISSING, "[http] tls-key" },
  { "http-enabled", "[http]\nenabled=perhaps\n[app:a]\n", SR_CONFIG_ERROR_INVALID, "[http] enabled: 'perhaps'" },
  { "http-user-password", "[http-user:u]\napp=a\n[app:a]\n", SR_CONFIG_ERROR_MISSING, "[http-user:u] password: is required" },
  { "http-user-app", "[http-user:u]\npassword=p\napp=b\n[app:a]\n", SR_CONFIG_ERROR_INVALID, "[http-user:u] app: 'b'" },
  { "http-user-allow", "[http-user:u]\npassword=p\nallow-from=10.0.0.0/33\n[app:a]\n", SR_CONFIG_ERROR_INVALID,
    "[http-user:u] allow-from: '10.0.0.0/33'" },
  { "http-user-name", "[http-user:a b]\npassword=p\n[app:a]\n", SR_CONFIG_ERROR_INVALID, "[http-user:a b]" },
  { "app-inbound-url", "[app:a]\ninbound-url=mailto:x@y\n", SR_CONFIG_ERROR_INVALID, "[app:a] inbound-url: 'mailto:x@y'" },
  { "app-inbound-format", "[app:a]\ninbound-format=xml\n", SR_CONFIG_ERROR_INVALID, "[app:a] inbound-format: 'xml'" },
};

/* [http] is off unless its group is there; users default to the default app. */
static void
test_http (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrConfig) off = sr_config_load_data (minimal, -1, "mem", &error);
  g_assert_no_error (error);
  g_assert_false (off->http.enabled);
  g_assert_cmpuint (off->http.users->len, ==, 0);
  g_autoptr(SrConfig) c = sr_config_load_data ("[http]\n[http-user:shop]\npassword = pw\n"
                                               "allow-from = 192.0.2.7;10.0.0.0/8\n"
                                               "[app:default]\ninbound-url = https://app.example/mo\n"
                                               "inbound-format = json\n", -1, "mem", &error);
  g_assert_no_error (error);
  g_assert_true (c->http.enabled);
  g_assert_cmpstr (c->http.listen, ==, "127.0.0.1");
  g_assert_cmpuint (c->http.port, ==, 13013);
  g_assert_cmpuint (c->http.max_body, ==, 65536);
  g_assert_cmpuint (c->http.callback_attempts, ==, 10);
  g_assert_cmpuint (c->http.callback_retry, ==, 5);
  g_assert_cmpuint (c->http.auth_failures, ==, 5);
  g_assert_null (c->http.tls_certificate);
  const SrHttpUserConfig *u = sr_config_find_http_user (c, "shop");
  g_assert_nonnull (u);
  g_assert_cmpstr (u->app, ==, "default");
  g_assert_cmpstr (u->allow_from[1], ==, "10.0.0.0/8");
  g_assert_null (sr_config_find_http_user (c, "nobody"));
  const SrAppConfig *app = sr_config_find_app (c, "default");
  g_assert_cmpstr (app->inbound_url, ==, "https://app.example/mo");
  g_assert_true (app->inbound_json);
}

static void
test_bad (gconstpointer data)
{
  const BadCase *bc = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrConfig) c = sr_config_load_data (bc->text, -1, "mem", &error);
  g_assert_null (c);
  g_assert_error (error, SR_CONFIG_ERROR, bc->code);
  if (strstr (error->message, bc->fragment) == NULL)
    g_error ("'%s' does not contain '%s'", error->message, bc->fragment);
}

/* A configuration error about a secret's line, and what it may never show. */
typedef struct {
  const char *name;
  const char *text;
  int code;
  const char *fragment;
  const char *secret;
} SecretCase;

static const SecretCase secret_cases[] = {
  { "no-equals", "[router]\nregion=CH\n[smpp:x]\npassword Hunter2x\nhost=h\n[app:a]\n",
    SR_CONFIG_ERROR_SYNTAX, "mem: line 4: ", "Hunter2x" },
  { "pasted-alone", "[smpp:x]\nhost=h\nsystem-id=a\npassword=\nHunter2x\n[app:a]\n",
    SR_CONFIG_ERROR_SYNTAX, "mem: line 5: ", "Hunter2x" },
  { "crlf-group", "[broker]\r\npasscode Hunter2x\r\n",
    SR_CONFIG_ERROR_SYNTAX, "mem: line 2: ", "Hunter2x" },
  { "not-utf8", "[smpp:x]\nhost=h\nsystem-id=a\npassword=Hun\xff" "er2x\n[app:a]\n",
    SR_CONFIG_ERROR_INVALID, "[smpp:x] password: is not valid UTF-8", "er2x" },
  { "broker-not-utf8", "[broker]\npasscode=Hun\xff" "er2x\n[app:a]\n",
    SR_CONFIG_ERROR_INVALID, "[broker] passcode: is not valid UTF-8", "er2x" },
};

/* Errors name the file, line or key, never the value of a secret. */
static void
test_secret_not_echoed (gconstpointer data)
{
  const SecretCase *sc = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrConfig) c = sr_config_load_data (sc->text, -1, "mem", &error);
  g_assert_null (c);
  g_assert_error (error, SR_CONFIG_ERROR, sc->code);
  if (strstr (error->message, sc->fragment) == NULL)
    g_error ("'%s' does not contain '%s'", error->message, sc->fragment);
  if (strstr (error->message, sc->secret) != NULL)
    g_error ("'%s' shows the secret '%s'", error->message, sc->secret);
}

/* The same from a file, as the daemon and the console load it. */
static void
test_secret_not_echoed_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sr-config-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "sms-router.conf", NULL);
  g_assert_true (g_file_set_contents (path, "[smpp:x]\nhost=h\npassword: Hunter2x\n", -1, NULL));
  g_autoptr(GError) error = NULL;
  g_autoptr(SrConfig) c = sr_config_load (path, &error);
  g_assert_null (c);
  g_assert_error (error, SR_CONFIG_ERROR, SR_CONFIG_ERROR_SYNTAX);
  g_autofree char *want = g_strdup_printf ("%s: line 3: ", path);
  g_assert_nonnull (strstr (error->message, want));
  g_assert_null (strstr (error->message, "Hunter2x"));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_unknown_key_warns (void)
{
  g_autoptr(GError) error = NULL;
  g_test_expect_message ("sr-config", G_LOG_LEVEL_WARNING, "mem: [app:a] colour: unknown key, ignored");
  g_test_expect_message ("sr-config", G_LOG_LEVEL_WARNING, "mem: [extra]: unknown group, ignored");
  g_autoptr(SrConfig) c = sr_config_load_data ("[app:a]\ncolour=blue\n[extra]\nx=1\n", -1, "mem", &error);
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  g_assert_nonnull (c);
}

static void
test_secret_permissions (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sr-config-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "c.conf", NULL);
  const char *text = "[smpp:x]\nhost=h\nsystem-id=a\npassword=pw\n[app:a]\n";
  g_assert_true (g_file_set_contents (path, text, -1, NULL));

  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrConfig) quiet = sr_config_load (path, &error);   /* no warning expected */
  g_assert_no_error (error);
  g_assert_cmpstr (((SrProviderConfig *) quiet->providers->pdata[0])->password, ==, "pw");

  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  g_test_expect_message ("sr-config", G_LOG_LEVEL_WARNING, "*holds a password and is readable by every user*");
  g_autoptr(SrConfig) loud = sr_config_load (path, &error);
  g_test_assert_expected_messages ();
  g_assert_no_error (error);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrConfig) c = sr_config_load ("/nonexistent/sms-router.conf", &error);
  g_assert_null (c);
  g_assert_error (error, SR_CONFIG_ERROR, SR_CONFIG_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent/sms-router.conf"));
}

static void
test_resolve_path (void)
{
  g_autofree char *a = sr_config_resolve_path ("/x.conf");
  g_assert_cmpstr (a, ==, "/x.conf");
  g_setenv ("SMS_ROUTER_CONFIG", "/env.conf", TRUE);
  g_autofree char *b = sr_config_resolve_path (NULL);
  g_assert_cmpstr (b, ==, "/env.conf");
  g_unsetenv ("SMS_ROUTER_CONFIG");
  g_autofree char *c = sr_config_resolve_path (NULL);
  g_assert_cmpstr (c, ==, "/etc/sms-router/sms-router.conf");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/config/defaults", test_defaults);
  g_test_add_func ("/config/sample-file", test_sample_file);
  g_test_add_func ("/config/full", test_full);
  g_test_add_func ("/config/http", test_http);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/config/bad/%s", bad_cases[i].name);
      g_test_add_data_func (path, &bad_cases[i], test_bad);
    }
  for (guint i = 0; i < G_N_ELEMENTS (secret_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/config/secret-not-echoed/%s", secret_cases[i].name);
      g_test_add_data_func (path, &secret_cases[i], test_secret_not_echoed);
    }
  g_test_add_func ("/config/secret-not-echoed/file", test_secret_not_echoed_file);
  g_test_add_func ("/config/unknown-key-warns", test_unknown_key_warns);
  g_test_add_func ("/config/secret-permissions", test_secret_permissions);
  g_test_add_func ("/config/missing-file", test_missing_file);
  g_test_add_func ("/config/resolve-path", test_resolve_path);
  return g_test_run ();
}
