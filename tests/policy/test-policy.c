/* test-policy.c — the policy engine: each outbound rule allowing and
 * refusing, their order, sender overrides and fallbacks, limits at the
 * boundary; the inbound firewall and inbound routing; the override parser. */
#include "sr-policy.h"

#include <string.h>

/* The journal's blacklist and counters, in memory. */
typedef struct {
  const char *countries[4];
  const char *numbers[4];
  const char *prefixes[4];
  guint hour, day;
} FakeStore;

static gboolean
in_list (const char *const *list, const char *s)
{
  for (guint i = 0; i < 4 && list[i]; i++)
    if (strcmp (list[i], s) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
fake_country (gpointer data, const char *country)
{
  return in_list (((FakeStore *) data)->countries, country);
}

static gboolean
fake_number (gpointer data, const char *e164)
{
  return in_list (((FakeStore *) data)->numbers, e164);
}

static const char *
fake_prefix (gpointer data, const char *e164)
{
  FakeStore *fs = data;

  for (guint i = 0; i < 4 && fs->prefixes[i]; i++)
    if (g_str_has_prefix (e164, fs->prefixes[i]))
      return fs->prefixes[i];
  return NULL;
}

static guint
fake_count (gpointer data, const char *e164, SrPolicyPeriod period)
{
  FakeStore *fs = data;

  return period == SR_POLICY_PERIOD_HOUR ? fs->hour : fs->day;
}

#define STRV(...) ((char *[]) { __VA_ARGS__, NULL })

static SrAppConfig app_default = {
  .name = "default", .region = "CH", .from = "+41791234567",
  .inbound_numbers = STRV ("+41791234567"),
};
static SrAppConfig app_iot = {
  .name = "iot", .from = "ACME",
  .allow_destinations = STRV ("+4179", "+41 78"),
  .inbound_numbers = STRV ("+41 79 555 00 00"),
};
static SrAppConfig app_brand = {        /* alphanumeric only, no numeric fallback */
  .name = "brand", .region = "CH", .from = "ACME",
};
static SrAppConfig app_votes = {
  .name = "votes", .from = "+41795550000",
  .inbound_numbers = STRV ("+41795550000"),
  .inbound_keywords = STRV ("VOTE", "stop"),
};
static SrAppConfig app_info = {
  .name = "info", .from = "+41795550001",
  .inbound_keywords = STRV ("INFO"),
};
static SrAppConfig app_fw = {
  .name = "fw", .from = "+41795550002",
  .inbound_allow = STRV ("+4179", "Bank"),
  .inbound_deny = STRV ("+41791112233", "SPAMCO"),
};
static SrAppConfig app_nofrom = {
  .name = "nofrom",
};

/* A configuration built by hand, as the loader would. */
typedef struct {
  SrConfig config;
  FakeStore fs;
  SrPolicyStore store;
  SrPolicy *policy;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  SrAppConfig *apps[] = { &app_default, &app_iot, &app_brand, &app_votes, &app_info, &app_fw, &app_nofrom };

  memset (f, 0, sizeof *f);
  f->config.region = (char *) "CH";
  f->config.default_app = (char *) "default";
  f->config.apps = g_ptr_array_new ();
  for (gsize i = 0; i < G_N_ELEMENTS (apps); i++)
    g_ptr_array_add (f->config.apps, apps[i]);

  f->config.policy.source_overrides =
    sr_policy_parse_overrides ("US,CA:+16461234567; GB:+442071234567", &error);
  g_assert_no_error (error);
  f->config.policy.alphanumeric_denied_countries = STRV ("US", "CA", "fr", "CI");
  f->config.policy.no_split_countries = STRV ("DE", "CI");
  f->config.policy.max_per_destination_hour = 20;
  f->config.policy.max_per_destination_day = 100;

  f->store = (SrPolicyStore) {
    .user_data = &f->fs,
    .is_country_blacklisted = fake_country,
    .is_number_blacklisted = fake_number,
    .prefix_blacklisted = fake_prefix,
    .count = fake_count,
  };
  f->policy = sr_policy_new (&f->config, &f->store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->policy);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  sr_policy_free (f->policy);
  g_ptr_array_unref (f->config.policy.source_overrides);
  g_ptr_array_unref (f->config.apps);
}

static gboolean
check (Fixture *f, SrAppConfig *app, const char *to, const char *from, guint parts, SrPolicyDecision *d)
{
  SrPolicyRequest req = { .to = to, .from = from, .parts = parts };

  return sr_policy_check_outbound (f->policy, app, &req, d);
}

static void
assert_refused (const SrPolicyDecision *d, SrPolicyRule rule, SrErrorClass klass, const char *text)
{
  g_assert_false (d->allowed);
  g_assert_cmpstr (sr_policy_rule_to_string (d->rule), ==, sr_policy_rule_to_string (rule));
  g_assert_cmpint (d->error_class, ==, klass);
  if (text)
    g_assert_cmpstr (d->text, ==, text);
}

static void
test_allowed_plain (Fixture *f, gconstpointer data)
{
  SrPolicyDecision d;

  g_assert_true (check (f, &app_default, "+41781234567", NULL, 1, &d));
  g_assert_true (d.allowed);
  g_assert_cmpint (d.rule, ==, SR_POLICY_RULE_NONE);
  g_assert_cmpint (d.error_class, ==, SR_ERROR_CLASS_NONE);
  g_assert_cmpstr (d.text, ==, "");
  g_assert_cmpint (d.sender.kind, ==, SR_ADDRESS_INTERNATIONAL);
  g_assert_cmpuint (d.sender.ton, ==, 1);
  g_assert_cmpuint (d.sender.npi, ==, 1);
  g_assert_cmpstr (d.sender.addr, ==, "41791234567");
  g_assert_false (d.sender_changed);
  g_assert_cmpstr (d.note, ==, "");

  /* A requested sender wins over the app's. */
  g_assert_true (check (f, &app_default, "+41781234567", "ACME", 1, &d));
  g_assert_cmpint (d.sender.kind, ==, SR_ADDRESS_ALPHANUMERIC);
  g_assert_cmpuint (d.sender.ton, ==, 5);
  g_assert_cmpuint (d.sender.npi, ==, 0);
  g_assert_cmpstr (d.sender.addr, ==, "ACME");
  g_assert_false (d.sender_changed);

  /* A short code, with the default TON/NPI. */
  g_assert_true (check (f, &app_default, "+41781234567", "4242", 1, &d));
  g_assert_cmpint (d.sender.kind, ==, SR_ADDRESS_SHORT_CODE);
  g_assert_cmpuint (d.sender.ton, ==, 3);
  g_assert_cmpuint (d.sender.npi, ==, 0);
}

/* One message that breaks every rule; the rules are lifted one by one and
 * each time the next rule in the design's order is the one reported. */
static void
test_order (Fixture *f, gconstpointer data)
{
  const char *to = "+2250707123456";   /* CI */
  SrPolicyDecision d;

  f->fs = (FakeStore) {
    .countries = { "GF", "CI" }, .numbers = { to }, .prefixes = { "+3", "+225" },
    .hour = 20, .day = 100,
  };

  check (f, &app_iot, to, NULL, 2, &d);
  assert_refused (&d, SR_POLICY_RULE_BLACKLIST_COUNTRY, SR_ERROR_CLASS_POLICY,
                  "destination country CI is blacklisted");

  f->fs.countries[1] = NULL;
  check (f, &app_iot, to, NULL, 2, &d);
  assert_refused (&d, SR_POLICY_RULE_BLACKLIST_NUMBER, SR_ERROR_CLASS_POLICY,
                  "destination +2250707123456 is blacklisted");

  f->fs.numbers[0] = NULL;
  check (f, &app_iot, to, NULL, 2, &d);
  assert_refused (&d, SR_POLICY_RULE_BLACKLIST_PREFIX, SR_ERROR_CLASS_POLICY,
                  "destination +2250707123456 is blacklisted by prefix +225");

  f->fs.prefixes[1] = NULL;
  check (f, &app_iot, to, NULL, 2, &d);
  assert_refused (&d, SR_POLICY_RULE_FIREWALL, SR_ERROR_CLASS_POLICY,
                  "destination +2250707123456 is not in the allowed destinations of app iot");

  /* No allow-list, but an alphanumeric sender where it is denied. */
  check (f, &app_brand, to, NULL, 2, &d);
  assert_refused (&d, SR_POLICY_RULE_ALPHANUMERIC_DENIED, SR_ERROR_CLASS_POLICY,
                  "alphanumeric sender ACME is not allowed for destination country CI, "
                  "and app brand has no numeric sender to use instead");

  check (f, &app_default, to, NULL, 2, &d);
  assert_refused (&d, SR_POLICY_RULE_LIMIT_HOUR, SR_ERROR_CLASS_POLICY,
                  "limit of 20 messages per hour to +2250707123456 reached");

  f->fs.hour = 19;
  check (f, &app_default, to, NULL, 2, &d);
  assert_refused (&d, SR_POLICY_RULE_LIMIT_DAY, SR_ERROR_CLASS_POLICY,
                  "limit of 100 messages per day to +2250707123456 reached");

  f->fs.day = 99;
  check (f, &app_default, to, NULL, 2, &d);
  assert_refused (&d, SR_POLICY_RULE_NO_SPLIT, SR_ERROR_CLASS_POLICY,
                  "the message needs 2 parts, but destination country CI does not accept split messages");

  g_assert_true (check (f, &app_default, to, NULL, 1, &d));
  g_assert_true (d.allowed);
}

static void
test_blacklist_prefix_only (Fixture *f, gconstpointer data)
{
  SrPolicyDecision d;

  f->fs.prefixes[0] = "+4178";
  check (f, &app_default, "+41781234567", NULL, 1, &d);
  assert_refused (&d, SR_POLICY_RULE_BLACKLIST_PREFIX, SR_ERROR_CLASS_POLICY, NULL);
  g_assert_true (check (f, &app_default, "+41791234567", NULL, 1, &d));
}

static void
test_store_optional (Fixture *f, gconstpointer data)
{
  SrPolicyStore empty = { 0 };
  g_autoptr(SrPolicy) p = sr_policy_new (&f->config, &empty, NULL);
  SrPolicyRequest req = { .to = "+2250707123456", .parts = 1 };
  SrPolicyDecision d;

  /* Without the journal's callbacks, blacklists and limits are skipped. */
  g_assert_true (sr_policy_check_outbound (p, &app_default, &req, &d));
}

static void
test_firewall (Fixture *f, gconstpointer data)
{
  SrPolicyDecision d;

  /* iot sends as ACME; CH allows alphanumeric senders. */
  g_assert_true (check (f, &app_iot, "+41791234567", NULL, 1, &d));
  g_assert_cmpstr (d.sender.addr, ==, "ACME");
  g_assert_true (check (f, &app_iot, "+41781234567", NULL, 1, &d));   /* "+41 78" */
  check (f, &app_iot, "+41771234567", NULL, 1, &d);
  assert_refused (&d, SR_POLICY_RULE_FIREWALL, SR_ERROR_CLASS_POLICY,
                  "destination +41771234567 is not in the allowed destinations of app iot");
  check (f, &app_iot, "+12125550123", NULL, 1, &d);
  assert_refused (&d, SR_POLICY_RULE_FIREWALL, SR_ERROR_CLASS_POLICY, NULL);

  /* An empty allow-list means any destination. */
  g_assert_true (check (f, &app_default, "+12125550123", NULL, 1, &d));
}

static void
test_overrides (Fixture *f, gconstpointer data)
{
  static const struct { const char *to; const char *from; const char *addr; gboolean changed; } cases[] = {
    { "+12125550123", NULL, "16461234567", TRUE },          /* US */
    { "+14165550123", NULL, "16461234567", TRUE },          /* CA */
    { "+442079460018", NULL, "442071234567", TRUE },        /* GB */
    { "+442079460018", "ACME", "442071234567", TRUE },      /* even over a requested sender */
    { "+12125550123", "+1 646 123 4567", "16461234567", FALSE }, /* already the override */
    { "+41781234567", NULL, "41791234567", FALSE },         /* CH: none */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      SrPolicyDecision d;

      g_test_message ("override %s from %s", cases[i].to, cases[i].from);
      g_assert_true (check (f, &app_default, cases[i].to, cases[i].from, 1, &d));
      g_assert_cmpstr (d.sender.addr, ==, cases[i].addr);
      g_assert_cmpuint (d.sender.ton, ==, 1);
      g_assert_cmpuint (d.sender.npi, ==, 1);
      g_assert_cmpint (d.sender_changed, ==, cases[i].changed);
      if (cases[i].changed)
        g_assert_nonnull (strstr (d.note, "(source-overrides)"));
      else
        g_assert_cmpstr (d.note, ==, "");
    }
}

static void
test_override_note (Fixture *f, gconstpointer data)
{
  SrPolicyDecision d;

  g_assert_true (check (f, &app_default, "+12125550123", NULL, 1, &d));
  g_assert_cmpstr (d.note, ==,
                   "sender +41791234567 replaced by +16461234567 for destination country US (source-overrides)");
}

static void
test_alphanumeric_denied (Fixture *f, gconstpointer data)
{
  SrPolicyDecision d;

  /* FR has no override: fall back to the app's number. */
  g_assert_true (check (f, &app_default, "+33612345678", "ACME", 1, &d));
  g_assert_cmpint (d.sender.kind, ==, SR_ADDRESS_INTERNATIONAL);
  g_assert_cmpstr (d.sender.addr, ==, "41791234567");
  g_assert_true (d.sender_changed);
  g_assert_cmpstr (d.note, ==,
                   "alphanumeric sender ACME is not allowed for destination country FR; "
                   "using the number +41791234567 of app default");

  /* US has an override: that is used. */
  g_assert_true (check (f, &app_brand, "+12125550123", NULL, 1, &d));
  g_assert_cmpstr (d.sender.addr, ==, "16461234567");
  g_assert_true (d.sender_changed);

  /* No override and no numeric sender: refused. */
  check (f, &app_brand, "+33612345678", NULL, 1, &d);
  assert_refused (&d, SR_POLICY_RULE_ALPHANUMERIC_DENIED, SR_ERROR_CLASS_POLICY,
                  "alphanumeric sender ACME is not allowed for destination country FR, "
                  "and app brand has no numeric sender to use instead");

  /* Where it is allowed, the alphanumeric sender stays. */
  g_assert_true (check (f, &app_brand, "+41781234567", NULL, 1, &d));
  g_assert_cmpstr (d.sender.addr, ==, "ACME");
  g_assert_false (d.sender_changed);
}

static void
test_sender_errors (Fixture *f, gconstpointer data)
{
  SrPolicyDecision d;

  check (f, &app_default, "+41781234567", "ACME Corp 12", 1, &d);
  assert_refused (&d, SR_POLICY_RULE_SENDER, SR_ERROR_CLASS_INPUT,
                  "unusable sender: alphanumeric sender 'ACME Corp 12' is 12 characters long, "
                  "at most 11 are allowed");

  check (f, &app_nofrom, "+41781234567", NULL, 1, &d);
  assert_refused (&d, SR_POLICY_RULE_SENDER, SR_ERROR_CLASS_INPUT,
                  "no sender: the message has no From and app nofrom has no from");

  /* An override does not need a sender of its own. */
  g_assert_true (check (f, &app_nofrom, "+12125550123", NULL, 1, &d));
  g_assert_cmpstr (d.sender.addr, ==, "16461234567");
}

static void
test_limits (Fixture *f, gconstpointer data)
{
  static const struct { guint hour, day; SrPolicyRule rule; } cases[] = {
    { 0, 0, SR_POLICY_RULE_NONE },
    { 19, 99, SR_POLICY_RULE_NONE },
    { 20, 99, SR_POLICY_RULE_LIMIT_HOUR },
    { 21, 0, SR_POLICY_RULE_LIMIT_HOUR },
    { 19, 100, SR_POLICY_RULE_LIMIT_DAY },
    { 0, 500, SR_POLICY_RULE_LIMIT_DAY },
  };
  SrPolicyDecision d;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      f->fs.hour = cases[i].hour;
      f->fs.day = cases[i].day;
      check (f, &app_default, "+41781234567", NULL, 1, &d);
      g_assert_cmpint (d.allowed, ==, cases[i].rule == SR_POLICY_RULE_NONE);
      g_assert_cmpstr (sr_policy_rule_to_string (d.rule), ==, sr_policy_rule_to_string (cases[i].rule));
    }

  /* 0 = unlimited. */
  f->config.policy.max_per_destination_hour = 0;
  f->config.policy.max_per_destination_day = 0;
  f->fs.hour = f->fs.day = 100000;
  g_assert_true (check (f, &app_default, "+41781234567", NULL, 1, &d));
}

static void
test_no_split (Fixture *f, gconstpointer data)
{
  SrPolicyDecision d;

  g_assert_true (check (f, &app_default, "+493012345678", NULL, 1, &d));
  g_assert_true (check (f, &app_default, "+493012345678", NULL, 0, &d));
  check (f, &app_default, "+493012345678", NULL, 2, &d);
  assert_refused (&d, SR_POLICY_RULE_NO_SPLIT, SR_ERROR_CLASS_POLICY,
                  "the message needs 2 parts, but destination country DE does not accept split messages");
  g_assert_true (check (f, &app_default, "+41781234567", NULL, 5, &d));

  /* A country passed by the caller is used as is. */
  {
    SrPolicyRequest req = { .to = "+41781234567", .country = "DE", .parts = 3 };

    g_assert_false (sr_policy_check_outbound (f->policy, &app_default, &req, &d));
    g_assert_cmpint (d.rule, ==, SR_POLICY_RULE_NO_SPLIT);
  }
}

static void
test_inbound_firewall (Fixture *f, gconstpointer data)
{
  static const struct { SrAppConfig *app; const char *sender; SrPolicyRule rule; } cases[] = {
    { &app_fw, "+41791234567", SR_POLICY_RULE_NONE },
    { &app_fw, "+41791112233", SR_POLICY_RULE_INBOUND_DENY },      /* deny wins over allow */
    { &app_fw, "+41781234567", SR_POLICY_RULE_INBOUND_NOT_ALLOWED },
    { &app_fw, "SPAMCO", SR_POLICY_RULE_INBOUND_DENY },
    { &app_fw, "spamco", SR_POLICY_RULE_INBOUND_DENY },
    { &app_fw, "BANK", SR_POLICY_RULE_NONE },
    { &app_fw, "Bankster", SR_POLICY_RULE_INBOUND_NOT_ALLOWED },
    { &app_fw, "4179", SR_POLICY_RULE_NONE },                      /* digits as given */
    { &app_default, "+12125550123", SR_POLICY_RULE_NONE },         /* no lists: all */
    { &app_default, "SPAMCO", SR_POLICY_RULE_NONE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      SrPolicyDecision d;

      g_test_message ("inbound %s to %s", cases[i].sender, cases[i].app->name);
      g_assert_cmpint (sr_policy_check_inbound (cases[i].app, cases[i].sender, &d), ==,
                       cases[i].rule == SR_POLICY_RULE_NONE);
      g_assert_cmpint (d.allowed, ==, cases[i].rule == SR_POLICY_RULE_NONE);
      g_assert_cmpstr (sr_policy_rule_to_string (d.rule), ==, sr_policy_rule_to_string (cases[i].rule));
      if (!d.allowed)
        g_assert_cmpint (d.error_class, ==, SR_ERROR_CLASS_POLICY);
    }

  {
    SrPolicyDecision d;

    sr_policy_check_inbound (&app_fw, "+41791112233", &d);
    g_assert_cmpstr (d.text, ==, "sender +41791112233 is denied for app fw by inbound-deny entry +41791112233");
    sr_policy_check_inbound (&app_fw, "+41781234567", &d);
    g_assert_cmpstr (d.text, ==, "sender +41781234567 is not in the inbound-allow list of app fw");
  }
}

static void
test_routing (Fixture *f, gconstpointer data)
{
  static const struct { const char *to; const char *text; const char *app; const char *keyword; } cases[] = {
    { "+41795550000", "vote yes", "votes", "VOTE" },
    { "+41795550000", "  Vote\tA", "votes", "VOTE" },
    { "+41795550000", "STOP", "votes", "stop" },
    { "+41795550000", "VOTES now", "iot", NULL },       /* not the keyword: the number's catch-all */
    { "+41795550000", "hello", "iot", NULL },
    { "+41795550000", NULL, "iot", NULL },
    { "41795550000", "vote", "votes", "VOTE" },         /* our number without '+' */
    { "+41791234567", "hello", "default", NULL },
    { "+41791234567", "info", "default", NULL },        /* the number's own app wins */
    { "+41799999999", "info please", "info", "INFO" },  /* keyword on any number */
    { "+41799999999", "hello", "default", NULL },       /* default app */
    { "+41799999999", "", "default", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *kw = "unset";
      const SrAppConfig *app;

      g_test_message ("route %s '%s'", cases[i].to, cases[i].text);
      app = sr_policy_route_inbound (f->policy, cases[i].to, cases[i].text, &kw);
      g_assert_nonnull (app);
      g_assert_cmpstr (app->name, ==, cases[i].app);
      g_assert_cmpstr (kw, ==, cases[i].keyword);
    }

  /* Without a default app, unmatched inbound has no app. */
  f->config.default_app = NULL;
  g_assert_null (sr_policy_route_inbound (f->policy, "+41799999999", "hello", NULL));
  f->config.default_app = (char *) "missing";
  g_assert_null (sr_policy_route_inbound (f->policy, "+41799999999", "hello", NULL));
}

static void
test_parse_overrides (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) a = NULL;
  SrSourceOverride *ov;

  a = sr_policy_parse_overrides (" US , ca : +1 646 123 4567 ;GB:+442071234567; ; CH:ACME ", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->len, ==, 3);
  ov = g_ptr_array_index (a, 0);
  g_assert_cmpuint (g_strv_length (ov->countries), ==, 2);
  g_assert_cmpstr (ov->countries[0], ==, "US");
  g_assert_cmpstr (ov->countries[1], ==, "CA");
  g_assert_cmpstr (ov->sender, ==, "+1 646 123 4567");
  ov = g_ptr_array_index (a, 1);
  g_assert_cmpstr (ov->countries[0], ==, "GB");
  g_assert_null (ov->countries[1]);
  g_assert_cmpstr (ov->sender, ==, "+442071234567");
  ov = g_ptr_array_index (a, 2);
  g_assert_cmpstr (ov->sender, ==, "ACME");
  g_clear_pointer (&a, g_ptr_array_unref);

  a = sr_policy_parse_overrides ("", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->len, ==, 0);
  g_clear_pointer (&a, g_ptr_array_unref);
  a = sr_policy_parse_overrides (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->len, ==, 0);
}

static void
test_parse_overrides_bad (void)
{
  static const struct { const char *value; const char *message; } cases[] = {
    { "US+16461234567", "source override 'US+16461234567' has no ':' between the countries and the sender" },
    { "US:", "source override for 'US' has no sender after ':'" },
    { "USA:+16461234567", "source override country 'USA' is not an ISO 3166 two-letter code" },
    { "U1:+16461234567", "is not an ISO 3166 two-letter code" },
    { " , :+16461234567", "names no country" },
    { "US:+1 646", "source override for 'US' has an unusable sender: not a valid number" },
    { "US:0791234567", "unusable sender: not a valid number: '0791234567' has no country code" },
    { "GB:+442071234567;US:ACME Corp 12", "source override for 'US' has an unusable sender: alphanumeric sender" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) a = NULL;

      g_test_message ("overrides '%s'", cases[i].value);
      a = sr_policy_parse_overrides (cases[i].value, &error);
      g_assert_null (a);
      g_assert_error (error, SR_POLICY_ERROR, SR_POLICY_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, cases[i].message));
    }
}

/* A hand-built override the parser would have refused. */
static void
test_new_bad_override (void)
{
  SrSourceOverride ov = { .countries = STRV ("US"), .sender = "+1 2" };
  g_autoptr(GPtrArray) list = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  SrConfig config = { .region = "CH" };
  SrPolicy *p;

  g_ptr_array_add (list, &ov);
  config.policy.source_overrides = list;
  p = sr_policy_new (&config, NULL, &error);
  g_assert_null (p);
  g_assert_error (error, SR_POLICY_ERROR, SR_POLICY_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "source override sender '+1 2' is unusable"));
}

/* Reports decisions per second (the pipeline needs 25,000+); asserts they
 * stay correct while doing so. */
static void
test_speed (Fixture *f, gconstpointer data)
{
  const guint n = g_test_perf () ? 1000000 : 50000;
  static const char *const to[] = { "+41781234567", "+12125550123", "+33612345678", "+493012345678" };
  static const char *const want[] = { "41791234567", "16461234567", "41791234567", "41791234567" };
  SrPolicyDecision d;
  gint64 t0 = g_get_monotonic_time ();
  double rate;

  for (guint i = 0; i < n; i++)
    {
      g_assert_true (check (f, &app_default, to[i % 4], (i & 4) ? "ACME" : NULL, 1, &d));
      if (!(i & 4))
        g_assert_cmpstr (d.sender.addr, ==, want[i % 4]);
    }
  rate = n / ((g_get_monotonic_time () - t0 + 1) / 1e6);
  g_test_message ("outbound decisions: %.0f/s", rate);
  if (g_test_perf ())
    g_test_maximized_result (rate, "outbound decisions per second: %.0f", rate);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/policy/outbound/allowed", test_allowed_plain);
  ADD ("/policy/outbound/order", test_order);
  ADD ("/policy/outbound/blacklist-prefix", test_blacklist_prefix_only);
  ADD ("/policy/outbound/store-optional", test_store_optional);
  ADD ("/policy/outbound/firewall", test_firewall);
  ADD ("/policy/outbound/overrides", test_overrides);
  ADD ("/policy/outbound/override-note", test_override_note);
  ADD ("/policy/outbound/alphanumeric-denied", test_alphanumeric_denied);
  ADD ("/policy/outbound/sender-errors", test_sender_errors);
  ADD ("/policy/outbound/limits", test_limits);
  ADD ("/policy/outbound/no-split", test_no_split);
  ADD ("/policy/outbound/speed", test_speed);
  ADD ("/policy/inbound/firewall", test_inbound_firewall);
  ADD ("/policy/inbound/routing", test_routing);
#undef ADD
  g_test_add_func ("/policy/overrides/parse", test_parse_overrides);
  g_test_add_func ("/policy/overrides/parse-bad", test_parse_overrides_bad);
  g_test_add_func ("/policy/overrides/new-bad", test_new_bad_override);

  return g_test_run ();
}
