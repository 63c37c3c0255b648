/* sr-http-sendsms.c — Kannel's /cgi-bin/sendsms over the spool.
 *
 * GET with the parameters in the query, or POST with them as a form (or in
 * the query, the body being the text).  Every parameter is checked before
 * anything is written, so a 400 leaves no file behind; a 202 "0: Accepted
 * for delivery" comes only once each recipient's file is in the app's
 * outbox/new/, fsynced, exactly as `sms-router send` writes it.  mclass
 * and deferred become the file's Flash/Class and Deferred headers.  What a
 * message file cannot carry (udh, 8-bit data: the body is UTF-8 text) is
 * refused with a 400 that says so rather than sent otherwise.
 */
#define G_LOG_DOMAIN "sr-http"

#include "sr-http-private.h"
#include "sr-gsm7.h"
#include "sr-number.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define ENDPOINT "sendsms"

static gboolean
invalid (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *text = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, text);
  return FALSE;
}

gboolean
sr_http_check_url (const char *url, GError **error)
{
  /* The escapes (%d, %A, ...) are not percent-encodings: check the URL as
   * it will be once they are filled in. */
  g_autoptr(GString) probe = g_string_new (NULL);
  for (const char *p = url; *p; p++)
    {
      if (p[0] == '%' && (g_ascii_isalpha (p[1]) || p[1] == '%'))
        {
          g_string_append_c (probe, '0');
          p++;
        }
      else
        g_string_append_c (probe, *p);
    }
  g_autoptr(GUri) uri = g_uri_parse (probe->str, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0'
      || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    return invalid (error, "dlr-url '%s' is not an http:// or https:// URL", url);
  return TRUE;
}

/* Checks @s as the router will and returns the file's bytes. */
static GBytes *
prepare (SrHttp *http, const SrAppConfig *app, const SrHttpUserConfig *user, const SrHttpSubmit *s,
         GError **error)
{
  const SrConfig *config = sr_http_config (http);
  char e164[SR_NUMBER_E164_SIZE], country[SR_NUMBER_REGION_SIZE];
  g_autoptr(GError) local = NULL;
  if (!sr_number_normalise (s->to, app->region, e164, country, &local))
    return (invalid (error, "to '%s': %s", s->to, local->message), NULL);
  SrAddress addr;
  if (s->from != NULL && !sr_number_classify_sender (s->from, app->region, NULL, &addr, &local))
    return (invalid (error, "from '%s': %s", s->from, local->message), NULL);
  if (s->alphabet == SR_MESSAGE_ALPHABET_GSM && !sr_gsm7_count (s->text, -1, NULL, NULL, NULL))
    return (invalid (error, "text has characters outside the GSM alphabet (coding=0); use coding=2"), NULL);

  g_autoptr(SrMessage) msg = sr_message_new (s->to, s->text);
  if (s->from != NULL)
    sr_message_set_from (msg, s->from);
  if (s->reference != NULL)
    sr_message_set_reference (msg, s->reference);
  if (s->alphabet != SR_MESSAGE_ALPHABET_AUTO)
    sr_message_set_alphabet (msg, s->alphabet);
  if (s->flash)
    sr_message_set_flash (msg, SR_MESSAGE_OPTION_YES);
  if (s->message_class > 0)
    sr_message_set_class (msg, (gint) s->message_class);
  if (s->validity >= 0)
    sr_message_set_validity (msg, s->validity);
  if (s->deferred > 0)
    sr_message_set_deferred (msg, s->deferred);
  if (s->dlr_mask & (SR_HTTP_DLR_DELIVERED | SR_HTTP_DLR_FAILED | SR_HTTP_DLR_BUFFERED))
    sr_message_set_report (msg, SR_MESSAGE_OPTION_YES);
  sr_message_set_header (msg, "X-Http-User", user->name);
  g_autofree char *mask = NULL;
  if (s->dlr_url != NULL)
    {
      mask = g_strdup_printf ("%u", s->dlr_mask);
      sr_message_set_header (msg, "X-Dlr-Url", s->dlr_url);
      sr_message_set_header (msg, "X-Dlr-Mask", mask);
    }
  gsize len = 0;
  char *data = sr_message_serialize (msg, &len);
  g_autoptr(SrMessage) check = sr_message_parse (data, len, config->max_file_size, &local);
  if (check == NULL)
    {
      g_free (data);
      return (invalid (error, "%s", local->message), NULL);
    }
  return g_bytes_new_take (data, len);
}

/* A batch of files being written and fsynced by a worker thread: the main
 * loop goes on serving other requests meanwhile, and the fsyncs of
 * concurrent requests meet in the file system's journal commits. */
typedef struct {
  SrHttp *http;
  SrSpool *spool;
  char *app;
  GPtrArray *files;            /* GBytes */
  GPtrArray *watches;          /* SrHttpWatch or NULL, per file; owned until registered */
  GPtrArray *names;            /* the names written */
  guint failed;
  GError *error;
  SrHttpQueuedFunc done;
  gpointer user_data;
} Batch;

static void
batch_free (Batch *b)
{
  g_free (b->app);
  g_ptr_array_unref (b->files);
  g_ptr_array_unref (b->watches);
  g_ptr_array_unref (b->names);
  g_clear_error (&b->error);
  g_free (b);
}

static void
write_batch (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Batch *b = data;
  for (guint i = 0; i < b->files->len; i++)
    {
      SrHttpWatch *w = b->watches->pdata[i];
      gsize len = 0;
      const char *bytes = g_bytes_get_data (b->files->pdata[i], &len);
      char *name = w != NULL ? g_strdup (w->file) : NULL;
      if (!sr_spool_deliver (b->spool, b->app, SR_SPOOL_BOX_OUTBOX, bytes, len,
                             SR_SPOOL_FSYNC | (w != NULL ? SR_SPOOL_KEEP_NAME : 0), &name, &b->error))
        {
          g_free (name);
          b->failed = i;
          break;
        }
      g_ptr_array_add (b->names, name);
    }
  g_task_return_boolean (task, TRUE);
}

static void
batch_written (GObject *source, GAsyncResult *res, gpointer data)
{
  Batch *b = data;
  SrHttp *http = b->http;
  for (guint i = 0; i < b->watches->len; i++)
    {
      SrHttpWatch *w = g_steal_pointer (&b->watches->pdata[i]);
      if (w == NULL)
        continue;
      if (i < b->names->len)
        g_hash_table_replace (http->watches, g_strconcat (w->app, "/", w->file, NULL), w);
      else
        {
          sr_http_store_forget_watch (http, w, NULL);
          sr_http_watch_free (w);
        }
    }
  http->writing--;
  b->done (http, b->names, b->failed, b->error, b->user_data);
  batch_free (b);
}

gboolean
sr_http_queue (SrHttp *http, const SrHttpUserConfig *user, const SrHttpSubmit *subs, guint n,
               guint *failed, GError **error, SrHttpQueuedFunc done, gpointer user_data)
{
  const SrAppConfig *app = sr_config_find_app (sr_http_config (http), user->app);
  *failed = 0;
  if (app == NULL)
    return invalid (error, "the user's app '%s' is no longer configured", user->app);
  Batch *b = g_new0 (Batch, 1);
  b->files = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  b->watches = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_http_watch_free);
  b->names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n; i++)
    {
      GBytes *bytes = prepare (http, app, user, &subs[i], error);
      if (bytes == NULL)
        {
          *failed = i;
          batch_free (b);
          return FALSE;
        }
      g_ptr_array_add (b->files, bytes);
    }
  /* A message with a dlr-url has its watch (what the front end owes) on
   * disk before its file can be claimed, under the name the file will have:
   * a crash in between leaves a watch without a file, which the follower
   * forgets, never a message whose reports are lost.  The X-Dlr-* headers
   * keep what was asked with the message itself. */
  for (guint i = 0; i < n; i++)
    {
      SrHttpWatch *w = NULL;
      if (subs[i].dlr_url != NULL)
        {
          w = g_new0 (SrHttpWatch, 1);
          w->app = g_strdup (app->name);
          w->file = sr_spool_unique_name ();
          w->user = g_strdup (user->name);
          w->url = g_strdup (subs[i].dlr_url);
          w->mask = subs[i].dlr_mask;
          if (!sr_http_store_add_watch (http, w, error))
            {
              sr_http_watch_free (w);
              for (guint j = 0; j < b->watches->len; j++)
                if (b->watches->pdata[j] != NULL)
                  sr_http_store_forget_watch (http, b->watches->pdata[j], NULL);
              *failed = i;
              batch_free (b);
              return FALSE;
            }
        }
      g_ptr_array_add (b->watches, w);
    }
  b->http = http;
  b->spool = sr_router_get_spool (http->router);
  b->app = g_strdup (app->name);
  b->done = done;
  b->user_data = user_data;
  http->writing++;
  g_autoptr(GTask) task = g_task_new (NULL, NULL, batch_written, b);
  g_task_set_task_data (task, b, NULL);
  g_task_run_in_thread (task, write_batch);
  return TRUE;
}

/* A whole number parameter within [min, max]; absent leaves *out. */
static gboolean
param_uint (GHashTable *p, const char *key, guint64 min, guint64 max, guint64 *out, GError **error)
{
  const char *v = g_hash_table_lookup (p, key);
  if (v == NULL || *v == '\0')
    return TRUE;
  if (!g_ascii_string_to_unsigned (v, 10, min, max, out, NULL))
    return invalid (error, "%s '%s' is not a whole number from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT,
                    key, v, min, max);
  return TRUE;
}

static const char *
param (GHashTable *p, const char *key, const char *alias)
{
  const char *v = g_hash_table_lookup (p, key);
  if (v == NULL && alias != NULL)
    v = g_hash_table_lookup (p, alias);
  return v;
}

/* Reads Kannel's parameters into @s (strings point into @p or *@text_out). */
static gboolean
read_params (GHashTable *p, SrHttpSubmit *s, char **text_out, GError **error)
{
  static const char *const unsupported[][2] = {
    { "udh", "udh (user data headers) is not supported: a message file carries text only" },
    { "binfo", "binfo (billing) is not supported" },
    { "mwi", "mwi (message waiting) is not supported" },
    { "compress", "compress is not supported" },
    { "smsc", "choosing the smsc is not supported: routes decide" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (unsupported); i++)
    {
      const char *v = g_hash_table_lookup (p, unsupported[i][0]);
      if (v != NULL && *v != '\0')
        return invalid (error, "%s", unsupported[i][1]);
    }
  const char *text = param (p, "text", NULL);
  if (text == NULL || *text == '\0')
    return invalid (error, "Missing text (the text parameter is required)");
  const char *charset = param (p, "charset", NULL);
  guint64 coding = 0, mclass = G_MAXUINT64, validity = 0, deferred = 0, mask = 0;
  if (!param_uint (p, "coding", 0, 2, &coding, error) ||
      !param_uint (p, "mclass", 0, 3, &mclass, error) ||
      !param_uint (p, "validity", 1, SR_MESSAGE_VALIDITY_MAX / 60, &validity, error) ||
      !param_uint (p, "deferred", 1, SR_MESSAGE_VALIDITY_MAX / 60, &deferred, error) ||
      !param_uint (p, "dlr-mask", 0, 31, &mask, error))
    return FALSE;
  if (charset != NULL && *charset != '\0' && g_ascii_strcasecmp (charset, "UTF-8") != 0
      && g_ascii_strcasecmp (charset, "utf8") != 0)
    {
      g_autoptr(GError) local = NULL;
      *text_out = g_convert (text, -1, "UTF-8", charset, NULL, NULL, &local);
      if (*text_out == NULL)
        return invalid (error, "text is not valid %s: %s", charset, local->message);
      text = *text_out;
    }
  else if (!g_utf8_validate (text, -1, NULL))
    return invalid (error, "text is not valid UTF-8 (give charset= for another encoding)");
  if (coding == 1)
    return invalid (error, "coding=1 (8-bit data) is not supported: a message file carries text only; "
                    "use 0 (GSM) or 2 (UCS-2)");
  s->text = text;
  s->alphabet = coding == 2 ? SR_MESSAGE_ALPHABET_UCS2
              : g_hash_table_contains (p, "coding") ? SR_MESSAGE_ALPHABET_GSM : SR_MESSAGE_ALPHABET_AUTO;
  s->flash = mclass == 0;
  s->message_class = mclass >= 1 && mclass <= 3 ? (guint) mclass : 0;
  s->validity = validity > 0 ? (gint64) validity * 60 : -1;
  s->deferred = (gint64) deferred * 60;
  s->from = param (p, "from", NULL);
  if (s->from != NULL && *s->from == '\0')
    s->from = NULL;
  s->reference = param (p, "reference", NULL);
  if (s->reference != NULL && (*s->reference == '\0' || strpbrk (s->reference, "\r\n") != NULL))
    return invalid (error, "reference must be one line");
  s->dlr_url = param (p, "dlr-url", "dlr_url");
  if (s->dlr_url != NULL && *s->dlr_url == '\0')
    s->dlr_url = NULL;
  s->dlr_mask = mask;
  if (s->dlr_url != NULL && !sr_http_check_url (s->dlr_url, error))
    return FALSE;
  if (s->dlr_url != NULL && mask == 0)
    return invalid (error, "dlr-url needs a dlr-mask from 1 to 31");
  if (s->dlr_url == NULL && mask != 0)
    return invalid (error, "dlr-mask needs a dlr-url");
  return TRUE;
}

/* The parameters of @msg: the form of a form POST, else the query (and a
 * POST's body as the text). */
static GHashTable *
request_params (SoupServerMessage *msg, GHashTable *query)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *ctype = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);
  GHashTable *p = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter it;
  gpointer k, v;
  if (query != NULL)
    {
      g_hash_table_iter_init (&it, query);
      while (g_hash_table_iter_next (&it, &k, &v))
        g_hash_table_replace (p, g_strdup (k), g_strdup (v));
    }
  if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0 || body->length == 0)
    return p;
  g_autofree char *data = g_strndup (body->data, body->length);
  if (g_strcmp0 (ctype, "application/x-www-form-urlencoded") == 0)
    {
      g_autoptr(GHashTable) form = soup_form_decode (data);
      g_hash_table_iter_init (&it, form);
      while (g_hash_table_iter_next (&it, &k, &v))
        g_hash_table_replace (p, g_strdup (k), g_strdup (v));
    }
  else if (!g_hash_table_contains (p, "text"))
    g_hash_table_replace (p, g_strdup ("text"), g_steal_pointer (&data));
  return p;
}

/* The answer once the files are written (or could not be). */
static void
sendsms_queued (SrHttp *http, GPtrArray *names, guint failed, const GError *error, gpointer user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  if (error == NULL)
    sr_http_reply_text (http, msg, ENDPOINT, SOUP_STATUS_ACCEPTED, "0: Accepted for delivery");
  else
    {
      g_warning (_("sendsms: %s"), error->message);
      sr_http_reply_text (http, msg, ENDPOINT, SOUP_STATUS_SERVICE_UNAVAILABLE,
                          "3: Temporary failure, try again later");
    }
  soup_server_message_unpause (msg);
}

void
sr_http_sendsms_handler (SoupServer *server, SoupServerMessage *msg, const char *path,
                         GHashTable *query, gpointer user_data)
{
  SrHttp *http = user_data;
  const char *method = soup_server_message_get_method (msg);
  if (g_strcmp0 (method, "GET") != 0 && g_strcmp0 (method, "POST") != 0)
    {
      sr_http_reply_text (http, msg, ENDPOINT, SOUP_STATUS_METHOD_NOT_ALLOWED, "Use GET or POST");
      return;
    }
  if ((gsize) soup_server_message_get_request_body (msg)->length > sr_http_config (http)->http.max_body)
    {
      sr_http_reply_text (http, msg, ENDPOINT, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "Request body too large");
      return;
    }
  g_autoptr(GHashTable) p = request_params (msg, query);
  const SrHttpUserConfig *user = sr_http_authorise (http, msg, ENDPOINT, param (p, "username", "user"),
                                                    param (p, "password", "pass"), FALSE);
  if (user == NULL)
    return;

  SrHttpSubmit s = { 0 };
  g_autofree char *converted = NULL;
  g_autoptr(GError) error = NULL;
  const char *to = param (p, "to", NULL);
  g_auto(GStrv) numbers = g_strsplit_set (to != NULL ? to : "", " ", -1);
  g_autoptr(GPtrArray) recipients = g_ptr_array_new ();
  for (guint i = 0; numbers[i] != NULL; i++)
    if (*numbers[i] != '\0')
      g_ptr_array_add (recipients, numbers[i]);
  if (recipients->len == 0)
    invalid (&error, "Missing receiver number (the to parameter is required)");
  else
    read_params (p, &s, &converted, &error);
  /* Every recipient is checked before the first file is written. */
  g_autofree SrHttpSubmit *subs = g_new0 (SrHttpSubmit, MAX (recipients->len, 1));
  for (guint i = 0; i < recipients->len; i++)
    {
      subs[i] = s;
      subs[i].to = recipients->pdata[i];
    }
  guint failed;
  /* the answer waits for the files (the reference is the callback's) */
  if (error == NULL && sr_http_queue (http, user, subs, recipients->len, &failed, &error, sendsms_queued, msg))
    {
      g_object_ref (msg);
      soup_server_message_pause (msg);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT))
    sr_http_reply_text (http, msg, ENDPOINT, SOUP_STATUS_BAD_REQUEST, error->message);
  else
    {
      g_warning (_("sendsms: %s"), error->message);
      sr_http_reply_text (http, msg, ENDPOINT, SOUP_STATUS_SERVICE_UNAVAILABLE, "3: Temporary failure, try again later");
    }
}
