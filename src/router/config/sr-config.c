/* sr-config.c — loading and validating the GKeyFile configuration.
 *
 * Every error names the file, the group and the key, so an operator can fix
 * it without reading code.  Unknown keys and groups only warn: a newer config
 * must not stop an older router.
 */
#define G_LOG_DOMAIN "sr-config"

#include "sr-config.h"
#include "sr-build-config.h"
#include "sr-address-syntax.h"
#include "sr-number.h"
#include "sr-policy.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

G_DEFINE_QUARK (sr-config-error-quark, sr_config_error)

/* The keys each kind of group accepts (for the unknown-key warning). */
static const char *const router_keys[] = {
  "spool", "region", "max-parts", "report", "max-file-size", "max-attempts",
  "retry-delay", "default-app", "inbound-timeout", "retention-days",
  "rescan-interval", "log", "control-group", "control-users", NULL
};
static const char *const provider_keys[] = {
  "host", "port", "system-id", "password", "system-type", "bind", "binds",
  "window", "throughput", "enquire-link", "response-timeout", "reconnect-max",
  "region", "split", "tls", "tls-verify", "data-coding-0", "id-format",
  "source-ton", "source-npi", "routes", "priority", NULL
};
static const char *const app_keys[] = {
  "region", "from", "allow-destinations", "inbound-numbers", "inbound-keywords",
  "inbound-allow", "inbound-deny", "smstools3-compat", "smstools3-settle",
  "smstools3-empty-limit", "outbox-queue", "inbox-queue", "receipts-queue",
  "failed-queue", "inbound-url", "inbound-format", NULL
};
static const char *const policy_keys[] = {
  "blacklist-countries", "blacklist-numbers", "blacklist-prefixes",
  "source-overrides", "alphanumeric-denied-countries", "no-split-countries",
  "max-per-destination-hour", "max-per-destination-day", NULL
};
static const char *const broker_keys[] = {
  "enabled", "host", "port", "login", "passcode", "vhost", "outbox-queue",
  "inbox-queue", "receipts-queue", "failed-queue", "app", "tls", "tls-verify",
  "heart-beat", "prefetch", "reconnect-max", NULL
};

static const char *const http_keys[] = {
  "enabled", "listen", "port", "tls-certificate", "tls-key", "max-body",
  "callback-attempts", "callback-retry", "auth-failures", NULL
};
static const char *const http_user_keys[] = {
  "password", "app", "allow-from", NULL
};

/* Carries the key file and its origin through the readers. */
typedef struct {
  GKeyFile *kf;
  const char *origin;
  gboolean has_secret;
} Reader;

static gboolean
fail (GError **error, SrConfigError code, const Reader *r, const char *group,
      const char *key, const char *fmt, ...) G_GNUC_PRINTF (6, 7);

static gboolean
fail (GError **error, SrConfigError code, const Reader *r, const char *group,
      const char *key, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *what = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (key != NULL)
    g_set_error (error, SR_CONFIG_ERROR, code, _("%s: [%s] %s: %s"), r->origin, group, key, what);
  else
    g_set_error (error, SR_CONFIG_ERROR, code, _("%s: [%s]: %s"), r->origin, group, what);
  return FALSE;
}

static gboolean
read_string (const Reader *r, const char *group, const char *key,
             const char *fallback, char **out, GError **error)
{
  g_autoptr(GError) local = NULL;
  char *value = g_key_file_get_string (r->kf, group, key, &local);
  if (value == NULL)
    {
      if (g_error_matches (local, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND) ||
          g_error_matches (local, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND))
        {
          *out = g_strdup (fallback);
          return TRUE;
        }
      /* GLib's messages quote the value, which may be a password. */
      if (g_error_matches (local, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_UNKNOWN_ENCODING))
        return fail (error, SR_CONFIG_ERROR_INVALID, r, group, key, _("is not valid UTF-8"));
      return fail (error, SR_CONFIG_ERROR_INVALID, r, group, key, _("cannot be read as text"));
    }
  g_strstrip (value);
  *out = value;
  return TRUE;
}

static gboolean
read_required (const Reader *r, const char *group, const char *key, char **out, GError **error)
{
  if (!read_string (r, group, key, NULL, out, error))
    return FALSE;
  if (*out == NULL || **out == '\0')
    {
      g_clear_pointer (out, g_free);
      return fail (error, SR_CONFIG_ERROR_MISSING, r, group, key, _("is required"));
    }
  return TRUE;
}

static gboolean
read_uint (const Reader *r, const char *group, const char *key, guint64 fallback,
           guint64 min, guint64 max, guint64 *out, GError **error)
{
  g_autofree char *s = NULL;
  if (!read_string (r, group, key, NULL, &s, error))
    return FALSE;
  if (s == NULL || *s == '\0')
    {
      *out = fallback;
      return TRUE;
    }
  guint64 v;
  g_autoptr(GError) local = NULL;
  if (!g_ascii_string_to_unsigned (s, 10, min, max, &v, &local))
    return fail (error, SR_CONFIG_ERROR_INVALID, r, group, key,
                 _("'%s' is not a whole number from %llu to %llu"),
                 s, (unsigned long long) min, (unsigned long long) max);
  *out = v;
  return TRUE;
}

#define READ_UINT(r, group, key, fallback, min, max, dest, error)             \
  G_STMT_START {                                                              \
    guint64 v_;                                                               \
    if (!read_uint ((r), (group), (key), (fallback), (min), (max), &v_, (error))) \
      return FALSE;                                                           \
    (dest) = v_;                                                              \
  } G_STMT_END

static gboolean
read_bool (const Reader *r, const char *group, const char *key, gboolean fallback,
           gboolean *out, GError **error)
{
  g_autofree char *s = NULL;
  if (!read_string (r, group, key, NULL, &s, error))
    return FALSE;
  if (s == NULL || *s == '\0')
    {
      *out = fallback;
      return TRUE;
    }
  static const char *const yes[] = { "yes", "true", "on", "1", NULL };
  static const char *const no[] = { "no", "false", "off", "0", NULL };
  for (guint i = 0; yes[i]; i++)
    if (g_ascii_strcasecmp (s, yes[i]) == 0)
      return (*out = TRUE, TRUE);
  for (guint i = 0; no[i]; i++)
    if (g_ascii_strcasecmp (s, no[i]) == 0)
      return (*out = FALSE, TRUE);
  return fail (error, SR_CONFIG_ERROR_INVALID, r, group, key, _("'%s' is not yes or no"), s);
}

/* Reads a ';'-separated list, trimming blanks and dropping empty items. */
static char **
read_list (const Reader *r, const char *group, const char *key)
{
  g_auto(GStrv) raw = g_key_file_get_string_list (r->kf, group, key, NULL, NULL);
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  for (guint i = 0; raw != NULL && raw[i] != NULL; i++)
    {
      char *item = g_strstrip (raw[i]);
      if (*item != '\0')
        g_strv_builder_add (b, item);
    }
  return g_strv_builder_end (b);
}

static gboolean
read_enum (const Reader *r, const char *group, const char *key, const char *const *names,
           int fallback, int *out, GError **error)
{
  g_autofree char *s = NULL;
  if (!read_string (r, group, key, NULL, &s, error))
    return FALSE;
  if (s == NULL || *s == '\0')
    {
      *out = fallback;
      return TRUE;
    }
  for (int i = 0; names[i] != NULL; i++)
    if (g_ascii_strcasecmp (s, names[i]) == 0)
      return (*out = i, TRUE);
  g_autofree char *choices = g_strjoinv (" | ", (char **) names);
  return fail (error, SR_CONFIG_ERROR_INVALID, r, group, key, _("'%s' is not one of: %s"), s, choices);
}

/* Upper case only: the file is what operators read and grep. */
static gboolean
is_region (const char *s)
{
  return sr_address_is_region (s) && g_ascii_isupper (s[0]) && g_ascii_isupper (s[1]);
}

static gboolean
check_region (const Reader *r, const char *group, const char *key, const char *value, GError **error)
{
  if (value == NULL || is_region (value))
    return TRUE;
  return fail (error, SR_CONFIG_ERROR_INVALID, r, group, key,
               _("'%s' is not a two-letter ISO 3166 country code such as CH or GB"), value);
}

static gboolean
check_regions (const Reader *r, const char *group, const char *key, char **values, GError **error)
{
  for (guint i = 0; values[i] != NULL; i++)
    if (!check_region (r, group, key, values[i], error))
      return FALSE;
  return TRUE;
}

static gboolean
check_prefixes (const Reader *r, const char *group, const char *key, char **values, GError **error)
{
  for (guint i = 0; values[i] != NULL; i++)
    if (!sr_address_is_e164 (values[i]))
      return fail (error, SR_CONFIG_ERROR_INVALID, r, group, key,
                   _("'%s' is not an international number or prefix such as +4179"), values[i]);
  return TRUE;
}

/* Names become folder names and log prefixes: keep them plain. */
static gboolean
is_plain_name (const char *s)
{
  if (s == NULL || *s == '\0' || *s == '.' || strlen (s) > 64)
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

static void
warn_unknown_keys (const Reader *r, const char *group, const char *const *known)
{
  g_auto(GStrv) keys = g_key_file_get_keys (r->kf, group, NULL, NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    if (!g_strv_contains (known, keys[i]))
      g_warning (_("%s: [%s] %s: unknown key, ignored"), r->origin, group, keys[i]);
}

static void
provider_free (gpointer p)
{
  SrProviderConfig *c = p;
  g_free (c->name);
  g_free (c->host);
  g_free (c->system_id);
  if (c->password != NULL)
    explicit_bzero (c->password, strlen (c->password));
  g_free (c->password);
  g_free (c->system_type);
  g_free (c->region);
  g_strfreev (c->route_prefixes);
  g_free (c);
}

static void
app_free (gpointer p)
{
  SrAppConfig *c = p;
  g_free (c->name);
  g_free (c->region);
  g_free (c->from);
  g_strfreev (c->allow_destinations);
  g_strfreev (c->inbound_numbers);
  g_strfreev (c->inbound_keywords);
  g_strfreev (c->inbound_allow);
  g_strfreev (c->inbound_deny);
  g_free (c->outbox_queue);
  g_free (c->inbox_queue);
  g_free (c->receipts_queue);
  g_free (c->failed_queue);
  g_free (c->inbound_url);
  g_free (c);
}

static void
http_user_free (gpointer p)
{
  SrHttpUserConfig *u = p;
  g_free (u->name);
  if (u->password != NULL)
    explicit_bzero (u->password, strlen (u->password));
  g_free (u->password);
  g_free (u->app);
  g_strfreev (u->allow_from);
  g_free (u);
}

/* An http(s) URL with a host: callbacks go nowhere else. */
static gboolean
check_http_url (const Reader *r, const char *group, const char *key, const char *value, GError **error)
{
  g_autoptr(GUri) uri = value != NULL ? g_uri_parse (value, G_URI_FLAGS_NONE, NULL) : NULL;
  if (value == NULL)
    return TRUE;
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0'
      || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    return fail (error, SR_CONFIG_ERROR_INVALID, r, group, key,
                 _("'%s' is not an http:// or https:// URL"), value);
  return TRUE;
}

static gboolean
load_router (Reader *r, SrConfig *c, GError **error)
{
  const char *g = "router";
  if (!read_string (r, g, "spool", "/var/spool/sms-router", &c->spool, error) ||
      !read_string (r, g, "region", "CH", &c->region, error) ||
      !check_region (r, g, "region", c->region, error) ||
      !read_bool (r, g, "report", TRUE, &c->report, error) ||
      !read_string (r, g, "default-app", NULL, &c->default_app, error))
    return FALSE;
  READ_UINT (r, g, "max-parts", 10, 1, 255, c->max_parts, error);
  READ_UINT (r, g, "max-file-size", 65536, 256, 16 * 1024 * 1024, c->max_file_size, error);
  READ_UINT (r, g, "max-attempts", 5, 1, 1000, c->max_attempts, error);
  READ_UINT (r, g, "retry-delay", 30, 1, 86400, c->retry_delay, error);
  READ_UINT (r, g, "inbound-timeout", 300, 1, 7 * 86400, c->inbound_timeout, error);
  READ_UINT (r, g, "retention-days", 0, 0, 36500, c->retention_days, error);
  READ_UINT (r, g, "rescan-interval", 10, 1, 3600, c->rescan_interval, error);
  if (c->spool == NULL || *c->spool == '\0')
    return fail (error, SR_CONFIG_ERROR_MISSING, r, g, "spool", _("is required"));
  if (!read_string (r, g, "log", "auto", &c->log, error)
      || !read_string (r, g, "control-group", "sms-router-operators", &c->control_group, error))
    return FALSE;
  c->control_users = read_list (r, g, "control-users");
  static const char *const logs[] = { "auto", "journal", "syslog", "stderr", NULL };
  if (!g_strv_contains (logs, c->log) && !g_path_is_absolute (c->log))
    return fail (error, SR_CONFIG_ERROR_INVALID, r, g, "log",
                 _("'%s' is not auto, journal, syslog, stderr or an absolute file name"), c->log);
  if (g_key_file_has_group (r->kf, g))
    warn_unknown_keys (r, g, router_keys);
  return TRUE;
}

static gboolean
load_provider (Reader *r, const char *group, SrConfig *c, GError **error)
{
  SrProviderConfig *p = g_new0 (SrProviderConfig, 1);
  g_ptr_array_add (c->providers, p);
  p->name = g_strdup (group + strlen ("smpp:"));
  if (!is_plain_name (p->name))
    return fail (error, SR_CONFIG_ERROR_INVALID, r, group, NULL,
                 _("provider name '%s' may only hold letters, digits, '-', '_' and '.'"), p->name);

  static const char *const binds[] = { "transceiver", "transmitter-receiver", NULL };
  static const char *const splits[] = { "udh8", "udh16", "sar", "payload", NULL };
  static const char *const dc0[] = { "gsm", "gsm-packed", "latin1", NULL };
  static const char *const ids[] = { "auto", "as-is", "hex-to-dec", "dec-to-hex", NULL };
  int bind, split, dc, idf;
  if (!read_required (r, group, "host", &p->host, error) ||
      !read_required (r, group, "system-id", &p->system_id, error) ||
      !read_string (r, group, "password", "", &p->password, error) ||
      !read_string (r, group, "system-type", "", &p->system_type, error) ||
      !read_enum (r, group, "bind", binds, SR_BIND_TRANSCEIVER, &bind, error) ||
      !read_enum (r, group, "split", splits, SR_SPLIT_UDH8, &split, error) ||
      !read_enum (r, group, "data-coding-0", dc0, SR_DC0_GSM_UNPACKED, &dc, error) ||
      !read_enum (r, group, "id-format", ids, SR_ID_FORMAT_AUTO, &idf, error) ||
      !read_string (r, group, "region", c->region, &p->region, error) ||
      !check_region (r, group, "region", p->region, error) ||
      !read_bool (r, group, "tls", FALSE, &p->tls, error) ||
      !read_bool (r, group, "tls-verify", TRUE, &p->tls_verify, error))
    return FALSE;
  p->bind = bind;
  p->split = split;
  p->data_coding0 = dc;
  p->id_format = idf;
  READ_UINT (r, group, "port", 2775, 1, 65535, p->port, error);
  READ_UINT (r, group, "binds", 1, 1, 64, p->binds, error);
  READ_UINT (r, group, "window", 10, 1, 1000, p->window, error);
  READ_UINT (r, group, "throughput", 0, 0, 1000000, p->throughput, error);
  READ_UINT (r, group, "enquire-link", 30, 1, 3600, p->enquire_link, error);
  READ_UINT (r, group, "response-timeout", 30, 1, 600, p->response_timeout, error);
  READ_UINT (r, group, "reconnect-max", 60, 1, 3600, p->reconnect_max, error);
  READ_UINT (r, group, "source-ton", 3, 0, 6, p->source_ton, error);
  READ_UINT (r, group, "source-npi", 0, 0, 18, p->source_npi, error);
  READ_UINT (r, group, "priority", 0, 0, 1000, p->priority, error);
  if (strlen (p->system_id) > 15)
    return fail (error, SR_CONFIG_ERROR_INVALID, r, group, "system-id",
                 _("is longer than the 15 characters SMPP allows"));
  if (strlen (p->password) > 8)
    return fail (error, SR_CONFIG_ERROR_INVALID, r, group, "password",
                 _("is longer than the 8 characters SMPP allows"));
  if (strlen (p->system_type) > 12)
    return fail (error, SR_CONFIG_ERROR_INVALID, r, group, "system-type",
                 _("is longer than the 12 characters SMPP allows"));
  p->route_prefixes = read_list (r, group, "routes");
  if (!check_prefixes (r, group, "routes", p->route_prefixes, error))
    return FALSE;
  if (*p->password != '\0')
    r->has_secret = TRUE;
  warn_unknown_keys (r, group, provider_keys);
  return TRUE;
}

static gboolean
load_app (Reader *r, const char *group, SrConfig *c, GError **error)
{
  SrAppConfig *a = g_new0 (SrAppConfig, 1);
  g_ptr_array_add (c->apps, a);
  a->name = g_strdup (group + strlen ("app:"));
  if (!is_plain_name (a->name))
    return fail (error, SR_CONFIG_ERROR_INVALID, r, group, NULL,
                 _("application name '%s' may only hold letters, digits, '-', '_' and '.'"), a->name);
  if (!read_string (r, group, "region", c->region, &a->region, error) ||
      !check_region (r, group, "region", a->region, error) ||
      !read_string (r, group, "from", NULL, &a->from, error))
    return FALSE;
  if (a->from != NULL && *a->from == '\0')
    g_clear_pointer (&a->from, g_free);
  SrAddress addr;
  g_autoptr(GError) local = NULL;
  if (a->from != NULL && !sr_number_classify_sender (a->from, a->region, NULL, &addr, &local))
    return fail (error, SR_CONFIG_ERROR_INVALID, r, group, "from", "%s", local->message);
  a->allow_destinations = read_list (r, group, "allow-destinations");
  a->inbound_numbers = read_list (r, group, "inbound-numbers");
  a->inbound_keywords = read_list (r, group, "inbound-keywords");
  a->inbound_allow = read_list (r, group, "inbound-allow");
  a->inbound_deny = read_list (r, group, "inbound-deny");
  if (!read_string (r, group, "outbox-queue", NULL, &a->outbox_queue, error) ||
      !read_string (r, group, "inbox-queue", NULL, &a->inbox_queue, error) ||
      !read_string (r, group, "receipts-queue", NULL, &a->receipts_queue, error) ||
      !read_string (r, group, "failed-queue", NULL, &a->failed_queue, error))
    return FALSE;
  if (!check_prefixes (r, group, "allow-destinations", a->allow_destinations, error) ||
      !check_prefixes (r, group, "inbound-numbers", a->inbound_numbers, error) ||
      !check_prefixes (r, group, "inbound-allow", a->inbound_allow, error) ||
      !check_prefixes (r, group, "inbound-deny", a->inbound_deny, error))
    return FALSE;
  if (!read_bool (r, group, "smstools3-compat", FALSE, &a->smstools3_compat, error))
    return FALSE;
  READ_UINT (r, group, "smstools3-settle", 1, 0, 3600, a->smstools3_settle, error);
  READ_UINT (r, group, "smstools3-empty-limit", 60, 1, 86400, a->smstools3_empty_limit, error);
  static const char *const formats[] = { "form", "json", NULL };
  int format;
  if (!read_string (r, group, "inbound-url", NULL, &a->inbound_url, error) ||
      !read_enum (r, group, "inbound-format", formats, 0, &format, error))
    return FALSE;
  if (a->inbound_url != NULL && *a->inbound_url == '\0')
    g_clear_pointer (&a->inbound_url, g_free);
  if (!check_http_url (r, group, "inbound-url", a->inbound_url, error))
    return FALSE;
  a->inbound_json = format == 1;
  warn_unknown_keys (r, group, app_keys);
  return TRUE;
}

static gboolean
load_policy (Reader *r, SrConfig *c, GError **error)
{
  const char *g = "policy";
  SrPolicyConfig *p = &c->policy;
  if (g_key_file_has_key (r->kf, g, "blacklist-countries", NULL))
    p->blacklist_countries = read_list (r, g, "blacklist-countries");
  else
    p->blacklist_countries = g_strsplit ("CI;GF;GP;MQ;NC;PF;RE", ";", -1);
  p->blacklist_numbers = read_list (r, g, "blacklist-numbers");
  p->blacklist_prefixes = read_list (r, g, "blacklist-prefixes");
  if (g_key_file_has_key (r->kf, g, "alphanumeric-denied-countries", NULL))
    p->alphanumeric_denied_countries = read_list (r, g, "alphanumeric-denied-countries");
  else
    p->alphanumeric_denied_countries = g_strsplit ("US;CA", ";", -1);
  p->no_split_countries = read_list (r, g, "no-split-countries");
  if (!check_regions (r, g, "blacklist-countries", p->blacklist_countries, error) ||
      !check_prefixes (r, g, "blacklist-numbers", p->blacklist_numbers, error) ||
      !check_prefixes (r, g, "blacklist-prefixes", p->blacklist_prefixes, error) ||
      !check_regions (r, g, "alphanumeric-denied-countries", p->alphanumeric_denied_countries, error) ||
      !check_regions (r, g, "no-split-countries", p->no_split_countries, error))
    return FALSE;
  g_autofree char *overrides = NULL;
  if (!read_string (r, g, "source-overrides", NULL, &overrides, error))
    return FALSE;
  g_autoptr(GError) local = NULL;
  g_autoptr(GPtrArray) parsed = sr_policy_parse_overrides (overrides, &local);
  if (parsed == NULL)
    return fail (error, SR_CONFIG_ERROR_INVALID, r, g, "source-overrides", "%s", local->message);
  g_ptr_array_unref (p->source_overrides);
  p->source_overrides = g_steal_pointer (&parsed);
  READ_UINT (r, g, "max-per-destination-hour", 20, 0, G_MAXUINT32, p->max_per_destination_hour, error);
  READ_UINT (r, g, "max-per-destination-day", 100, 0, G_MAXUINT32, p->max_per_destination_day, error);
  if (g_key_file_has_group (r->kf, g))
    warn_unknown_keys (r, g, policy_keys);
  return TRUE;
}

static gboolean
load_broker (Reader *r, SrConfig *c, GError **error)
{
  const char *g = "broker";
  SrBrokerConfig *b = &c->broker;
  gboolean present = g_key_file_has_group (r->kf, g);
  if (!read_bool (r, g, "enabled", present, &b->enabled, error) ||
      !read_string (r, g, "host", "127.0.0.1", &b->host, error) ||
      !read_string (r, g, "login", "", &b->login, error) ||
      !read_string (r, g, "passcode", "", &b->passcode, error) ||
      !read_string (r, g, "vhost", "/", &b->vhost, error) ||
      !read_string (r, g, "outbox-queue", "/queue/smsrouter.outbox", &b->outbox_queue, error) ||
      !read_string (r, g, "inbox-queue", "/queue/smsrouter.inbox", &b->inbox_queue, error) ||
      !read_string (r, g, "receipts-queue", "/queue/smsrouter.receipts", &b->receipts_queue, error) ||
      !read_string (r, g, "failed-queue", "/queue/smsrouter.outbox.failed", &b->failed_queue, error) ||
      !read_string (r, g, "app", NULL, &b->app, error) ||
      !read_bool (r, g, "tls", FALSE, &b->tls, error) ||
      !read_bool (r, g, "tls-verify", TRUE, &b->tls_verify, error))
    return FALSE;
  READ_UINT (r, g, "port", 61613, 1, 65535, b->port, error);
  READ_UINT (r, g, "heart-beat", 10000, 0, 3600000, b->heartbeat, error);
  READ_UINT (r, g, "prefetch", 100, 1, 65535, b->prefetch, error);
  READ_UINT (r, g, "reconnect-max", 60, 1, 3600, b->reconnect_max, error);
  if (*b->passcode != '\0')
    r->has_secret = TRUE;
  if (present)
    warn_unknown_keys (r, g, broker_keys);
  return TRUE;
}

static gboolean
load_http (Reader *r, SrConfig *c, GError **error)
{
  const char *g = "http";
  SrHttpConfig *h = &c->http;
  gboolean present = g_key_file_has_group (r->kf, g);
  if (!read_bool (r, g, "enabled", present, &h->enabled, error) ||
      !read_string (r, g, "listen", "127.0.0.1", &h->listen, error) ||
      !read_string (r, g, "tls-certificate", NULL, &h->tls_certificate, error) ||
      !read_string (r, g, "tls-key", NULL, &h->tls_key, error))
    return FALSE;
  READ_UINT (r, g, "port", 13013, 1, 65535, h->port, error);
  READ_UINT (r, g, "max-body", 65536, 1024, 16 * 1024 * 1024, h->max_body, error);
  READ_UINT (r, g, "callback-attempts", 10, 1, 1000, h->callback_attempts, error);
  READ_UINT (r, g, "callback-retry", 5, 1, 3600, h->callback_retry, error);
  READ_UINT (r, g, "auth-failures", 5, 1, 1000, h->auth_failures, error);
  g_autoptr(GInetAddress) listen = g_inet_address_new_from_string (h->listen);
  if (listen == NULL)
    return fail (error, SR_CONFIG_ERROR_INVALID, r, g, "listen",
                 _("'%s' is not an IP address such as 127.0.0.1 or ::"), h->listen);
  if ((h->tls_certificate == NULL || *h->tls_certificate == '\0') != (h->tls_key == NULL || *h->tls_key == '\0'))
    return fail (error, SR_CONFIG_ERROR_MISSING, r, g, h->tls_key == NULL ? "tls-key" : "tls-certificate",
                 _("tls-certificate and tls-key go together"));
  if (present)
    warn_unknown_keys (r, g, http_keys);
  return TRUE;
}

static gboolean
load_http_user (Reader *r, const char *group, SrConfig *c, GError **error)
{
  SrHttpUserConfig *u = g_new0 (SrHttpUserConfig, 1);
  g_ptr_array_add (c->http.users, u);
  u->name = g_strdup (group + strlen ("http-user:"));
  if (!is_plain_name (u->name))
    return fail (error, SR_CONFIG_ERROR_INVALID, r, group, NULL,
                 _("user name '%s' may only hold letters, digits, '-', '_' and '.'"), u->name);
  if (!read_required (r, group, "password", &u->password, error) ||
      !read_string (r, group, "app", NULL, &u->app, error))
    return FALSE;
  r->has_secret = TRUE;
  u->allow_from = read_list (r, group, "allow-from");
  for (guint i = 0; u->allow_from[i] != NULL; i++)
    {
      g_autoptr(GInetAddressMask) mask = g_inet_address_mask_new_from_string (u->allow_from[i], NULL);
      if (mask == NULL)
        return fail (error, SR_CONFIG_ERROR_INVALID, r, group, "allow-from",
                     _("'%s' is not an address or prefix such as 192.0.2.7 or 10.0.0.0/8"), u->allow_from[i]);
    }
  warn_unknown_keys (r, group, http_user_keys);
  return TRUE;
}

static gboolean
load_groups (Reader *r, SrConfig *c, GError **error)
{
  if (!load_router (r, c, error))
    return FALSE;
  g_auto(GStrv) groups = g_key_file_get_groups (r->kf, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      const char *g = groups[i];
      if (g_str_has_prefix (g, "smpp:"))
        {
          if (!load_provider (r, g, c, error))
            return FALSE;
        }
      else if (g_str_has_prefix (g, "app:"))
        {
          if (!load_app (r, g, c, error))
            return FALSE;
        }
      else if (g_str_has_prefix (g, "http-user:"))
        {
          if (!load_http_user (r, g, c, error))
            return FALSE;
        }
      else if (!g_str_equal (g, "router") && !g_str_equal (g, "policy") && !g_str_equal (g, "broker")
               && !g_str_equal (g, "http"))
        g_warning (_("%s: [%s]: unknown group, ignored"), r->origin, g);
    }
  if (!load_policy (r, c, error) || !load_broker (r, c, error) || !load_http (r, c, error))
    return FALSE;

  if (c->apps->len == 0)
    return fail (error, SR_CONFIG_ERROR_MISSING, r, "app:NAME", NULL,
                 _("no application is configured; add at least one [app:NAME] group"));
  if (c->default_app == NULL || *c->default_app == '\0')
    {
      g_free (c->default_app);
      const SrAppConfig *def = sr_config_find_app (c, "default");
      c->default_app = g_strdup (def != NULL ? def->name : ((SrAppConfig *) c->apps->pdata[0])->name);
    }
  else if (sr_config_find_app (c, c->default_app) == NULL)
    return fail (error, SR_CONFIG_ERROR_INVALID, r, "router", "default-app",
                 _("'%s' is not a configured [app:NAME]"), c->default_app);
  if (c->broker.enabled && c->broker.app != NULL && sr_config_find_app (c, c->broker.app) == NULL)
    return fail (error, SR_CONFIG_ERROR_INVALID, r, "broker", "app",
                 _("'%s' is not a configured [app:NAME]"), c->broker.app);
  for (guint i = 0; i < c->http.users->len; i++)
    {
      SrHttpUserConfig *u = c->http.users->pdata[i];
      g_autofree char *group = g_strconcat ("http-user:", u->name, NULL);
      if (u->app == NULL || *u->app == '\0')
        {
          g_free (u->app);
          u->app = g_strdup (c->default_app);
        }
      else if (sr_config_find_app (c, u->app) == NULL)
        return fail (error, SR_CONFIG_ERROR_INVALID, r, group, "app",
                     _("'%s' is not a configured [app:NAME]"), u->app);
    }
  return TRUE;
}

static SrConfig *
config_new (const char *path)
{
  SrConfig *c = g_new0 (SrConfig, 1);
  c->path = g_strdup (path);
  c->providers = g_ptr_array_new_with_free_func (provider_free);
  c->apps = g_ptr_array_new_with_free_func (app_free);
  c->http.users = g_ptr_array_new_with_free_func (http_user_free);
  c->policy.source_overrides = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_source_override_free);
  return c;
}

/* The number of the first line GKeyFile refuses: it parses line by line, so
 * the shortest refused prefix ends there.  Found by bisection. */
static guint
first_bad_line (const char *data, gsize len)
{
  g_autoptr(GPtrArray) ends = g_ptr_array_new ();   /* the end of each line */
  for (const char *p = data; p < data + len; p++)
    if (*p == '\n')
      g_ptr_array_add (ends, (gpointer) (p + 1));
  if (len > 0 && data[len - 1] != '\n')
    g_ptr_array_add (ends, (gpointer) (data + len));
  guint lo = 1, hi = ends->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      g_autoptr(GKeyFile) kf = g_key_file_new ();
      const char *end = g_ptr_array_index (ends, mid - 1);
      if (g_key_file_load_from_data (kf, data, end - data, G_KEY_FILE_NONE, NULL))
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Loads @data into @kf.  GKeyFile's parse errors quote the refused line,
 * which may be a password written without "=": name the line instead. */
static gboolean
parse_key_file (GKeyFile *kf, const char *data, gsize len, const char *origin, GError **error)
{
  if (len == (gsize) -1)
    len = strlen (data);
  if (g_key_file_load_from_data (kf, data, len, G_KEY_FILE_NONE, NULL))
    return TRUE;
  g_set_error (error, SR_CONFIG_ERROR, SR_CONFIG_ERROR_SYNTAX,
               _("%s: line %u: not a [group], a key = value line after a group, or a # comment "
                 "(the line is not shown: it may hold a password)"),
               origin, first_bad_line (data, len));
  return FALSE;
}

/* An error names groups and keys as the file spells them; bytes that are
 * not UTF-8 there must not reach a terminal or a log line as they are. */
static void
printable_error (GError **error)
{
  if (error && *error && !g_utf8_validate ((*error)->message, -1, NULL))
    {
      char *valid = g_utf8_make_valid ((*error)->message, -1);
      g_free ((*error)->message);
      (*error)->message = valid;
    }
}

SrConfig *
sr_config_load_data (const char *data, gsize len, const char *origin, GError **error)
{
  g_return_val_if_fail (data != NULL, NULL);
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  if (!parse_key_file (kf, data, len, origin, error))
    return NULL;
  Reader r = { .kf = kf, .origin = origin };
  g_autoptr(SrConfig) c = config_new (NULL);
  if (!load_groups (&r, c, error))
    {
      printable_error (error);
      return NULL;
    }
  return g_steal_pointer (&c);
}

SrConfig *
sr_config_load (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) local = NULL;
  if (!g_file_get_contents (path, &data, &len, &local))
    {
      g_set_error (error, SR_CONFIG_ERROR,
                   g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                     ? SR_CONFIG_ERROR_NOT_FOUND : SR_CONFIG_ERROR_SYNTAX,
                   "%s", local->message);
      return NULL;
    }
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  if (!parse_key_file (kf, data, len, path, error))
    return NULL;
  Reader r = { .kf = kf, .origin = path };
  g_autoptr(SrConfig) c = config_new (path);
  if (!load_groups (&r, c, error))
    {
      printable_error (error);
      return NULL;
    }

  GStatBuf st;
  if (r.has_secret && g_stat (path, &st) == 0 && (st.st_mode & S_IROTH))
    g_warning (_("%s holds a password and is readable by every user; run: chmod o-r %s"), path, path);
  return g_steal_pointer (&c);
}

char *
sr_config_resolve_path (const char *explicit_path)
{
  if (explicit_path != NULL && *explicit_path != '\0')
    return g_strdup (explicit_path);
  const char *env = g_getenv ("SMS_ROUTER_CONFIG");
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_strdup (SR_DEFAULT_CONFIG);
}

void
sr_config_free (SrConfig *c)
{
  if (c == NULL)
    return;
  g_free (c->path);
  g_free (c->spool);
  g_free (c->region);
  g_free (c->default_app);
  g_free (c->log);
  g_free (c->control_group);
  g_strfreev (c->control_users);
  g_ptr_array_unref (c->providers);
  g_ptr_array_unref (c->apps);
  g_strfreev (c->policy.blacklist_countries);
  g_strfreev (c->policy.blacklist_numbers);
  g_strfreev (c->policy.blacklist_prefixes);
  g_ptr_array_unref (c->policy.source_overrides);
  g_strfreev (c->policy.alphanumeric_denied_countries);
  g_strfreev (c->policy.no_split_countries);
  g_free (c->broker.host);
  g_free (c->broker.login);
  if (c->broker.passcode != NULL)
    explicit_bzero (c->broker.passcode, strlen (c->broker.passcode));
  g_free (c->broker.passcode);
  g_free (c->broker.vhost);
  g_free (c->broker.outbox_queue);
  g_free (c->broker.inbox_queue);
  g_free (c->broker.receipts_queue);
  g_free (c->broker.failed_queue);
  g_free (c->broker.app);
  g_free (c->http.listen);
  g_free (c->http.tls_certificate);
  g_free (c->http.tls_key);
  g_ptr_array_unref (c->http.users);
  g_free (c);
}

const SrAppConfig *
sr_config_find_app (const SrConfig *c, const char *name)
{
  g_return_val_if_fail (c != NULL && name != NULL, NULL);
  for (guint i = 0; i < c->apps->len; i++)
    {
      const SrAppConfig *a = c->apps->pdata[i];
      if (g_str_equal (a->name, name))
        return a;
    }
  return NULL;
}

const SrProviderConfig *
sr_config_find_provider (const SrConfig *c, const char *name)
{
  g_return_val_if_fail (c != NULL && name != NULL, NULL);
  for (guint i = 0; i < c->providers->len; i++)
    {
      const SrProviderConfig *p = c->providers->pdata[i];
      if (g_str_equal (p->name, name))
        return p;
    }
  return NULL;
}

const SrHttpUserConfig *
sr_config_find_http_user (const SrConfig *c, const char *name)
{
  g_return_val_if_fail (c != NULL && name != NULL, NULL);
  for (guint i = 0; i < c->http.users->len; i++)
    {
      const SrHttpUserConfig *u = c->http.users->pdata[i];
      if (g_str_equal (u->name, name))
        return u;
    }
  return NULL;
}

const char *
sr_bind_mode_to_string (SrBindMode mode)
{
  return mode == SR_BIND_TRANSMITTER_RECEIVER ? "transmitter-receiver" : "transceiver";
}

const char *
sr_split_method_to_string (SrSplitMethod method)
{
  switch (method)
    {
    case SR_SPLIT_UDH16: return "udh16";
    case SR_SPLIT_SAR: return "sar";
    case SR_SPLIT_PAYLOAD: return "payload";
    case SR_SPLIT_UDH8:
    default: return "udh8";
    }
}
