/* sr-http.c — the HTTP front end's server: listening, routing, logins.
 *
 * Handlers are added per path; an early handler refuses bodies over
 * [http] max-body before they are read.  A login is a [http-user:NAME]
 * with its password, from an address its allow-from admits.  Failed logins
 * are counted per client address: past [http] auth-failures the answers to
 * that address come later and later (up to 10 s), and the first slowed one
 * is a system event, so guessing passwords is slow and seen.
 */
#define G_LOG_DOMAIN "sr-http"

#include "sr-http-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (sr-http-error-quark, sr_http_error)

/* How often the followers look at the journal and due callbacks run. */
#define TICK_MS 100
/* Failed logins older than this are forgotten. */
#define FAILURE_MEMORY_US (10 * 60 * G_USEC_PER_SEC)
/* The longest an answer to a guessing address is held back. */
#define MAX_DELAY_S 10

const SrConfig *
sr_http_config (SrHttp *http)
{
  return sr_router_get_config (http->router);
}

void
sr_http_reply_text (SrHttp *http, SoupServerMessage *msg, const char *endpoint,
                    guint status, const char *text)
{
  g_autofree char *line = g_strconcat (text, "\n", NULL);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_COPY, line, strlen (line));
  sr_http_count_request (http, endpoint, status);
}

void
sr_http_system_event (SrHttp *http, SrJournalLevel level, const char *text)
{
  g_log_structured (G_LOG_DOMAIN, level >= SR_LEVEL_WARNING ? G_LOG_LEVEL_WARNING : G_LOG_LEVEL_MESSAGE,
                    "SR_SCOPE", "system", "SR_KIND", "http",
                    "MESSAGE", "[system] http: %s", text);
  sr_journal_event_add (sr_router_get_journal (http->router), g_get_real_time (), SR_SCOPE_SYSTEM,
                        level, "http", 0, NULL, "http", text, NULL);
}

/* Compares without leaking through timing how much of a password matched. */
static gboolean
same_secret (const char *a, const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  guint diff = la != lb;
  for (gsize i = 0; i < la; i++)
    diff |= (guchar) a[i] ^ (guchar) b[lb ? i % lb : 0];
  return diff == 0;
}

static gboolean
address_allowed (const SrHttpUserConfig *user, SoupServerMessage *msg)
{
  if (user->allow_from == NULL || user->allow_from[0] == NULL)
    return TRUE;
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  if (!G_IS_INET_SOCKET_ADDRESS (remote))
    return FALSE;
  GInetAddress *addr = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote));
  for (guint i = 0; user->allow_from[i] != NULL; i++)
    {
      g_autoptr(GInetAddressMask) mask = g_inet_address_mask_new_from_string (user->allow_from[i], NULL);
      if (mask != NULL && g_inet_address_mask_matches (mask, addr))
        return TRUE;
    }
  return FALSE;
}

/* A held-back answer. */
typedef struct {
  SoupServerMessage *msg;
} Delayed;

static gboolean
release_delayed (gpointer data)
{
  Delayed *d = data;
  soup_server_message_unpause (d->msg);
  g_object_unref (d->msg);
  g_free (d);
  return G_SOURCE_REMOVE;
}

/* Counts a failed login from the client and holds the answer back when it
 * keeps failing. */
static void
note_failure (SrHttp *http, SoupServerMessage *msg)
{
  const char *host = soup_server_message_get_remote_host (msg);
  if (host == NULL)
    host = "?";
  gint64 now = g_get_monotonic_time ();
  SrHttpFailures *f = g_hash_table_lookup (http->failures, host);
  if (f == NULL || now - f->last > FAILURE_MEMORY_US)
    {
      f = g_new0 (SrHttpFailures, 1);
      g_hash_table_replace (http->failures, g_strdup (host), f);
    }
  f->count++;
  f->last = now;
  http->counters.auth_failures++;
  guint limit = sr_http_config (http)->http.auth_failures;
  if (f->count < limit)
    return;
  guint delay = MIN (f->count - limit + 1, MAX_DELAY_S);
  if (f->count == limit)
    {
      g_autofree char *text = g_strdup_printf (_("%u failed logins from %s: its answers are slowed down"),
                                               f->count, host);
      sr_http_system_event (http, SR_LEVEL_WARNING, text);
    }
  Delayed *d = g_new0 (Delayed, 1);
  d->msg = g_object_ref (msg);
  soup_server_message_pause (msg);
  g_timeout_add_seconds (delay, release_delayed, d);
}

static void
reply_forbidden (SrHttp *http, SoupServerMessage *msg, const char *endpoint, gboolean json,
                 const char *text)
{
  if (json)
    {
      g_autofree char *escaped = g_strescape (text, NULL);
      g_autofree char *body = g_strdup_printf ("{\"error\":\"%s\"}", escaped);
      soup_server_message_set_status (msg, SOUP_STATUS_FORBIDDEN, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
      sr_http_count_request (http, endpoint, SOUP_STATUS_FORBIDDEN);
    }
  else
    sr_http_reply_text (http, msg, endpoint, SOUP_STATUS_FORBIDDEN, text);
}

const SrHttpUserConfig *
sr_http_authorise (SrHttp *http, SoupServerMessage *msg, const char *endpoint,
                   const char *name, const char *password, gboolean json)
{
  const SrHttpUserConfig *user = name != NULL ? sr_config_find_http_user (sr_http_config (http), name) : NULL;
  if (user == NULL || password == NULL || !same_secret (password, user->password))
    {
      reply_forbidden (http, msg, endpoint, json, "Authorization failed");
      note_failure (http, msg);
      return NULL;
    }
  if (!address_allowed (user, msg))
    {
      reply_forbidden (http, msg, endpoint, json, "Authorization failed: address not allowed for this user");
      return NULL;
    }
  const char *host = soup_server_message_get_remote_host (msg);
  if (host != NULL)
    g_hash_table_remove (http->failures, host);
  return user;
}

/* Refuses a body over max-body from its Content-Length, before it is read. */
static void
early_handler (SoupServer *server, SoupServerMessage *msg, const char *path,
               GHashTable *query, gpointer user_data)
{
  SrHttp *http = user_data;
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  goffset len = soup_message_headers_get_content_length (h);
  if (soup_message_headers_get_encoding (h) == SOUP_ENCODING_CONTENT_LENGTH
      && (gsize) len > sr_http_config (http)->http.max_body)
    {
      sr_http_reply_text (http, msg, "other", SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                          "Request body too large");
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
    }
}

static void
not_found_handler (SoupServer *server, SoupServerMessage *msg, const char *path,
                   GHashTable *query, gpointer user_data)
{
  sr_http_reply_text (user_data, msg, "other", SOUP_STATUS_NOT_FOUND, "Not found");
}

static gboolean
on_tick (gpointer user_data)
{
  SrHttp *http = user_data;
  sr_http_dlr_poll (http);
  sr_http_mo_poll (http);
  sr_http_callback_send_due (http);
  return G_SOURCE_CONTINUE;
}

static void
counters_init (SrHttpCounters *c)
{
  c->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  c->inbound = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static gboolean
listen_server (SrHttp *http, const SrHttpConfig *hc, GError **error)
{
  g_autoptr(GTlsCertificate) cert = NULL;
  if (hc->tls_certificate != NULL && *hc->tls_certificate != '\0')
    {
      g_autoptr(GError) local = NULL;
      cert = g_tls_certificate_new_from_files (hc->tls_certificate, hc->tls_key, &local);
      if (cert == NULL)
        {
          g_set_error (error, SR_HTTP_ERROR, SR_HTTP_ERROR_TLS, _("[http] tls-certificate %s: %s"),
                       hc->tls_certificate, local->message);
          return FALSE;
        }
    }
  http->server = soup_server_new ("server-header", "sms-router", NULL);
  if (cert != NULL)
    soup_server_set_tls_certificate (http->server, cert);
  soup_server_add_early_handler (http->server, NULL, early_handler, http, NULL);
  soup_server_add_handler (http->server, NULL, not_found_handler, http, NULL);
  soup_server_add_handler (http->server, "/cgi-bin/sendsms", sr_http_sendsms_handler, http, NULL);
  soup_server_add_handler (http->server, "/metrics", sr_http_metrics_handler, http, NULL);
  soup_server_add_handler (http->server, "/api/v1", sr_http_api_handler, http, NULL);

  g_autoptr(GInetAddress) addr = g_inet_address_new_from_string (hc->listen);
  g_autoptr(GSocketAddress) sa = g_inet_socket_address_new (addr, hc->port);
  g_autoptr(GError) local = NULL;
  if (!soup_server_listen (http->server, sa, cert != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0, &local))
    {
      g_set_error (error, SR_HTTP_ERROR, SR_HTTP_ERROR_LISTEN, _("[http] cannot listen on %s port %u: %s"),
                   hc->listen, hc->port, local->message);
      return FALSE;
    }
  return TRUE;
}

SrHttp *
sr_http_new (SrRouter *router, GError **error)
{
  g_return_val_if_fail (router != NULL, NULL);
  const SrHttpConfig *hc = &sr_router_get_config (router)->http;
  if (!hc->enabled)
    return NULL;
  g_autoptr(SrHttp) http = g_new0 (SrHttp, 1);
  http->router = router;
  http->watches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) sr_http_watch_free);
  http->sending = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  http->resting = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  http->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  counters_init (&http->counters);

  const char *root = sr_spool_get_root (sr_router_get_spool (router));
  g_autofree char *db = g_build_filename (root, "router", "http.db", NULL);
  if (!sr_http_store_open (http, db, error) || !sr_http_store_load_watches (http, error))
    return NULL;
  /* Counters start now; inbound callbacks continue where they stopped. */
  SrJournal *journal = sr_router_get_journal (router);
  gint64 newest = 0;
  g_autoptr(GPtrArray) last = sr_journal_receipts_page (journal, FALSE, SR_PAGE_OLDER, 0, 1, NULL, NULL);
  http->receipt_cursor = last != NULL && last->len ? ((SrJournalReceipt *) last->pdata[0])->id : 0;
  g_autoptr(GPtrArray) in = sr_journal_inbound_page (journal, NULL, SR_PAGE_OLDER, 0, 1, NULL, NULL);
  newest = in != NULL && in->len ? ((SrJournalInbound *) in->pdata[0])->id : 0;
  http->inbound_cursor = sr_http_store_get_cursor (http, "inbound", newest);

  http->cancel = g_cancellable_new ();
  http->session = soup_session_new_with_options ("timeout", 10, "idle-timeout", 30,
                                                 "user-agent", "sms-router", NULL);
  if (!listen_server (http, hc, error))
    return NULL;
  http->tick_id = g_timeout_add (TICK_MS, on_tick, http);
  g_message (_("HTTP front end listening on %s port %u%s"), hc->listen, hc->port,
             hc->tls_certificate != NULL ? " (TLS)" : "");
  return g_steal_pointer (&http);
}

void
sr_http_free (SrHttp *http)
{
  if (http == NULL)
    return;
  g_clear_handle_id (&http->tick_id, g_source_remove);
  /* files being written finish first: their answers and watches are owed */
  while (http->writing > 0)
    g_main_context_iteration (NULL, TRUE);
  if (http->server != NULL)
    soup_server_disconnect (http->server);
  g_clear_object (&http->server);
  if (http->cancel != NULL)
    g_cancellable_cancel (http->cancel);
  g_clear_object (&http->cancel);
  if (http->session != NULL)
    soup_session_abort (http->session);
  g_clear_object (&http->session);
  sr_http_store_close (http);
  g_clear_pointer (&http->resting, g_hash_table_unref);
  g_clear_pointer (&http->watches, g_hash_table_unref);
  g_clear_pointer (&http->sending, g_hash_table_unref);
  g_clear_pointer (&http->failures, g_hash_table_unref);
  g_clear_pointer (&http->counters.requests, g_hash_table_unref);
  g_clear_pointer (&http->counters.inbound, g_hash_table_unref);
  g_free (http);
}

void
sr_http_get_status (SrHttp *http, SrHttpStatus *status)
{
  const SrHttpConfig *hc = &sr_http_config (http)->http;
  *status = (SrHttpStatus) {
    .listen = hc->listen,
    .port = hc->port,
    .tls = hc->tls_certificate != NULL && *hc->tls_certificate != '\0',
  };
  GHashTableIter iter;
  gpointer key, value;
  g_hash_table_iter_init (&iter, http->counters.requests);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      /* "endpoint\tcode": a scraper's /metrics is no client's request */
      const char *tab = strchr (key, '\t');
      if (tab == NULL || g_str_has_prefix (key, "metrics\t"))
        continue;
      guint code = (guint) g_ascii_strtoull (tab + 1, NULL, 10);
      if (SOUP_STATUS_IS_SUCCESSFUL (code))
        status->accepted += *(guint64 *) value;
      else if (code >= 400)
        status->refused += *(guint64 *) value;
    }
  sr_http_store_count_tries (http, &status->callbacks_pending, &status->callbacks_retrying,
                             &status->callbacks_dead);
}
