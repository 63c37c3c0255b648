/* sr-config.h — the router's configuration, loaded from a GKeyFile.
 *
 * Groups: [router], [smpp:NAME] (one per provider), [app:NAME] (one per
 * application), [policy], optional [broker], optional [http] with its
 * [http-user:NAME] clients.  data/sms-router.conf documents
 * every key with its default.  Loading fails with SR_CONFIG_ERROR and a
 * message naming file, group and key; unknown keys only warn.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_CONFIG_ERROR (sr_config_error_quark ())
GQuark sr_config_error_quark (void);

/* Why a configuration could not be loaded. */
typedef enum {
  SR_CONFIG_ERROR_NOT_FOUND,
  SR_CONFIG_ERROR_SYNTAX,
  SR_CONFIG_ERROR_INVALID,   /* a key has a value out of range or of the wrong form */
  SR_CONFIG_ERROR_MISSING,   /* a required key or group is absent */
} SrConfigError;

/* How one provider account is bound. */
typedef enum {
  SR_BIND_TRANSCEIVER,
  SR_BIND_TRANSMITTER_RECEIVER,
} SrBindMode;

/* How a long text is split into parts. */
typedef enum {
  SR_SPLIT_UDH8,
  SR_SPLIT_UDH16,
  SR_SPLIT_SAR,
  SR_SPLIT_PAYLOAD,
} SrSplitMethod;

/* What data_coding 0 means at this SMSC (they differ). */
typedef enum {
  SR_DC0_GSM_UNPACKED,
  SR_DC0_GSM_PACKED,
  SR_DC0_LATIN1,
} SrDataCoding0;

/* How the SMSC writes message ids in receipts compared to submit_sm_resp. */
typedef enum {
  SR_ID_FORMAT_AUTO,     /* accept either; hex and decimal both normalised */
  SR_ID_FORMAT_AS_IS,    /* compare the strings (leading zeros stripped) */
  SR_ID_FORMAT_HEX_TO_DEC, /* resp gives hex, receipt gives decimal */
  SR_ID_FORMAT_DEC_TO_HEX, /* resp gives decimal, receipt gives hex */
} SrIdFormat;

/* One [smpp:NAME] group: an SMPP account at a provider. */
typedef struct {
  char *name;
  char *host;
  guint16 port;
  char *system_id;
  char *password;            /* never logged */
  char *system_type;
  SrBindMode bind;
  guint binds;               /* sessions (or tx/rx pairs) per provider */
  guint window;              /* max outstanding requests per session */
  guint throughput;          /* PDUs per second, token bucket; 0 = unlimited */
  guint enquire_link;        /* seconds of idle before enquire_link */
  guint response_timeout;    /* seconds to wait for a response */
  guint reconnect_max;       /* seconds, backoff ceiling (starts at 1 s) */
  char *region;              /* region for numbers the SMSC sends without a country code */
  SrSplitMethod split;
  gboolean tls;
  gboolean tls_verify;
  SrDataCoding0 data_coding0;
  SrIdFormat id_format;
  guint8 source_ton, source_npi;   /* for numeric national / short-code senders */
  char **route_prefixes;     /* E.164 prefixes ("+41", "+4179") routed here; NULL/empty = any */
  guint priority;            /* lower is preferred when several providers match */
} SrProviderConfig;

/* One [app:NAME] group: an application with its own spool folder. */
typedef struct {
  char *name;
  char *region;              /* default region for its local numbers (router region if unset) */
  char *from;                /* default sender */
  char **allow_destinations; /* SMS firewall: E.164 prefixes; NULL/empty = any */
  char **inbound_numbers;    /* inbound SMS to these numbers go to this app's inbox */
  char **inbound_keywords;   /* inbound SMS whose first word is one of these go here */
  char **inbound_allow;      /* inbound firewall: sender numbers / prefixes allowed (empty = all) */
  char **inbound_deny;       /* inbound firewall: sender numbers / prefixes denied */
  gboolean smstools3_compat; /* its files are smstools3's (written in place, To without '+') */
  guint smstools3_settle;    /* seconds a compat file must stay unchanged before the claim */
  guint smstools3_empty_limit; /* seconds after which an empty compat file is a dead letter */
  char *outbox_queue;        /* broker destinations of this app; NULL = not set */
  char *inbox_queue;
  char *receipts_queue;
  char *failed_queue;
  char *inbound_url;         /* HTTP front end: inbound SMS are also POSTed here (NULL = not) */
  gboolean inbound_json;     /* POST them as JSON instead of a form */
} SrAppConfig;

/* One per-country sender override: countries (ISO 3166 alpha-2) → sender. */
typedef struct {
  char **countries;
  char *sender;
} SrSourceOverride;

/* The [policy] group. */
typedef struct {
  char **blacklist_countries;     /* ISO alpha-2; seed of the journal's blacklist */
  char **blacklist_numbers;       /* E.164; seed */
  char **blacklist_prefixes;      /* E.164 prefixes; seed */
  GPtrArray *source_overrides;    /* of SrSourceOverride */
  char **alphanumeric_denied_countries;
  char **no_split_countries;
  guint max_per_destination_hour; /* 0 = unlimited */
  guint max_per_destination_day;  /* 0 = unlimited */
} SrPolicyConfig;

/* The optional [broker] group (STOMP 1.2). */
typedef struct {
  gboolean enabled;
  char *host;
  guint16 port;
  char *login;
  char *passcode;            /* never logged */
  char *vhost;
  char *outbox_queue;
  char *inbox_queue;
  char *receipts_queue;
  char *failed_queue;
  char *app;                 /* app whose spool receives broker messages */
  gboolean tls;
  gboolean tls_verify;
  guint heartbeat;           /* milliseconds offered both ways; 0 = none */
  guint prefetch;            /* unacknowledged MESSAGEs the broker may send ahead */
  guint reconnect_max;       /* seconds, backoff ceiling (starts at 1 s) */
} SrBrokerConfig;

/* One [http-user:NAME] group: a client of the HTTP front end. */
typedef struct {
  char *name;
  char *password;            /* never logged */
  char *app;                 /* app whose outbox receives its messages */
  char **allow_from;         /* addresses or prefixes ("10.0.0.0/8"); empty = any */
} SrHttpUserConfig;

/* The optional [http] group (the HTTP front end, off by default). */
typedef struct {
  gboolean enabled;
  char *listen;              /* address to listen on */
  guint16 port;
  char *tls_certificate;     /* PEM files; both or neither */
  char *tls_key;
  gsize max_body;            /* bytes; larger requests get 413 */
  guint callback_attempts;   /* callbacks tried this often, then dead */
  guint callback_retry;      /* seconds before the first retry (doubles, at most an hour) */
  guint auth_failures;       /* failed logins from one address before it is slowed down */
  GPtrArray *users;          /* of SrHttpUserConfig */
} SrHttpConfig;

/* The whole configuration. */
typedef struct {
  char *path;                /* file it was loaded from, or NULL for defaults */
  /* [router] */
  char *spool;
  char *region;
  guint max_parts;
  gboolean report;
  gsize max_file_size;       /* bytes; larger message files are input errors */
  guint max_attempts;        /* temporary failures before retries-exhausted */
  guint retry_delay;         /* seconds, first retry delay (doubles) */
  char *default_app;         /* inbound that matches no app goes here */
  guint inbound_timeout;     /* seconds to wait for missing parts of an inbound message */
  guint retention_days;      /* 0 = keep forever */
  guint rescan_interval;     /* seconds between outbox rescans (the monitor is only a hint) */
  char *log;                 /* daemon log: auto, journal, syslog, stderr or a file name */
  char *control_group;       /* group of the control socket; "" = the router's own */
  char **control_users;      /* users allowed on the control socket; empty = its group */
  GPtrArray *providers;      /* of SrProviderConfig */
  GPtrArray *apps;           /* of SrAppConfig */
  SrPolicyConfig policy;
  SrBrokerConfig broker;
  SrHttpConfig http;
} SrConfig;

/* Loads and validates @path.  Warnings (unknown keys, a world-readable file
 * holding a password) go through g_warning() with file, group and key. */
SrConfig *sr_config_load (const char *path, GError **error);

/* Loads from memory; @origin names the source in messages. */
SrConfig *sr_config_load_data (const char *data, gsize len, const char *origin, GError **error);

/* The configuration file to use: @explicit_path, else $SMS_ROUTER_CONFIG,
 * else the built-in default path.  Returns a newly allocated string. */
char *sr_config_resolve_path (const char *explicit_path);

void sr_config_free (SrConfig *config);

const SrAppConfig *sr_config_find_app (const SrConfig *config, const char *name);
const SrProviderConfig *sr_config_find_provider (const SrConfig *config, const char *name);
const SrHttpUserConfig *sr_config_find_http_user (const SrConfig *config, const char *name);

const char *sr_bind_mode_to_string (SrBindMode mode);
const char *sr_split_method_to_string (SrSplitMethod method);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrConfig, sr_config_free)

G_END_DECLS
