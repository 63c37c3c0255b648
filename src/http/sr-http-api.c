/* sr-http-api.c — the JSON API under /api/v1 (HTTP Basic login).
 *
 *   POST /api/v1/messages            {"to": ..., "text": ...} or an array of them
 *                                    -> 202 {"ids": [...]} (the outbox file names)
 *   GET  /api/v1/messages/ID         state, parts, SMSC ids and receipts
 *   GET  /api/v1/callbacks/dead      callbacks given up on
 *
 * A batch is checked whole before anything is written.  Errors are
 * {"error": "..."} with a 4xx/5xx status.
 */
#define G_LOG_DOMAIN "sr-http"

#include "sr-http-private.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define ENDPOINT "api"

static void
reply_json (SrHttp *http, SoupServerMessage *msg, guint status, JsonBuilder *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  gsize len = 0;
  char *text = json_to_string (root, FALSE);
  len = strlen (text);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, len);
  sr_http_count_request (http, ENDPOINT, status);
}

static void
reply_error (SrHttp *http, SoupServerMessage *msg, guint status, const char *text)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, text);
  json_builder_end_object (b);
  reply_json (http, msg, status, b);
}

static const char *
member_string (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  return n != NULL && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
         ? json_node_get_string (n) : NULL;
}

/* Reads one message object into @s; FALSE with a reason in *@why. */
static gboolean
read_submit (JsonNode *node, SrHttpSubmit *s, char **why)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return (*why = g_strdup ("each message must be a JSON object"), FALSE);
  JsonObject *o = json_node_get_object (node);
  s->to = member_string (o, "to");
  s->text = member_string (o, "text");
  s->from = member_string (o, "from");
  s->reference = member_string (o, "reference");
  s->dlr_url = member_string (o, "dlr_url");
  s->validity = -1;
  s->alphabet = SR_MESSAGE_ALPHABET_AUTO;
  if (s->to == NULL || *s->to == '\0')
    return (*why = g_strdup ("\"to\" (a string) is required"), FALSE);
  if (s->text == NULL || *s->text == '\0')
    return (*why = g_strdup ("\"text\" (a string) is required"), FALSE);
  if (s->reference != NULL && strpbrk (s->reference, "\r\n") != NULL)
    return (*why = g_strdup ("\"reference\" must be one line"), FALSE);
  gint64 mask = json_object_has_member (o, "dlr_mask") ? json_object_get_int_member (o, "dlr_mask") : 0;
  if (mask < 0 || mask > 31)
    return (*why = g_strdup ("\"dlr_mask\" must be from 1 to 31"), FALSE);
  s->dlr_mask = mask;
  g_autoptr(GError) error = NULL;
  if (s->dlr_url != NULL && (!sr_http_check_url (s->dlr_url, &error) || mask == 0))
    return (*why = g_strdup (error != NULL ? error->message : "\"dlr_url\" needs \"dlr_mask\" from 1 to 31"), FALSE);
  return TRUE;
}

/* The answer once the files are written (or could not be). */
static void
messages_queued (SrHttp *http, GPtrArray *names, guint failed, const GError *error, gpointer user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf ("message %u: %s", failed + 1, error->message);
      reply_error (http, msg, SOUP_STATUS_SERVICE_UNAVAILABLE, text);
    }
  else
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "ids");
      json_builder_begin_array (b);
      for (guint i = 0; i < names->len; i++)
        json_builder_add_string_value (b, names->pdata[i]);
      json_builder_end_array (b);
      json_builder_end_object (b);
      reply_json (http, msg, SOUP_STATUS_ACCEPTED, b);
    }
  soup_server_message_unpause (msg);
}

static void
post_messages (SrHttp *http, SoupServerMessage *msg, const SrHttpUserConfig *user)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  if ((gsize) body->length > sr_http_config (http)->http.max_body)
    return reply_error (http, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "request body too large");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  if (!json_parser_load_from_data (parser, body->data, body->length, &error))
    return reply_error (http, msg, SOUP_STATUS_BAD_REQUEST, error->message);
  JsonNode *root = json_parser_get_root (parser);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (root)); i++)
      g_ptr_array_add (nodes, json_array_get_element (json_node_get_array (root), i));
  else if (root != NULL)
    g_ptr_array_add (nodes, root);
  if (nodes->len == 0)
    return reply_error (http, msg, SOUP_STATUS_BAD_REQUEST, "no message in the request");
  g_autofree SrHttpSubmit *subs = g_new0 (SrHttpSubmit, nodes->len);
  for (guint i = 0; i < nodes->len; i++)
    {
      g_autofree char *why = NULL;
      if (!read_submit (nodes->pdata[i], &subs[i], &why))
        {
          g_autofree char *text = g_strdup_printf ("message %u: %s", i + 1, why);
          return reply_error (http, msg, SOUP_STATUS_BAD_REQUEST, text);
        }
    }
  guint failed;
  /* the answer waits for the files (the reference is the callback's) */
  if (sr_http_queue (http, user, subs, nodes->len, &failed, &error, messages_queued, msg))
    {
      g_object_ref (msg);
      soup_server_message_pause (msg);
      return;
    }
  g_autofree char *text = g_strdup_printf ("message %u: %s", failed + 1, error->message);
  gboolean bad = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  reply_error (http, msg, bad ? SOUP_STATUS_BAD_REQUEST : SOUP_STATUS_SERVICE_UNAVAILABLE, text);
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
get_message (SrHttp *http, SoupServerMessage *msg, const SrHttpUserConfig *user, const char *id)
{
  SrJournal *journal = sr_router_get_journal (http->router);
  g_autoptr(GPtrArray) segs = NULL;
  g_autoptr(GError) error = NULL;
  if (strchr (id, '/') != NULL || *id == '.' || *id == '\0')
    return reply_error (http, msg, SOUP_STATUS_BAD_REQUEST, "not a message id");
  g_autoptr(SrJournalMessage) m = sr_journal_message_find_by_file (journal, user->app, id, &segs, &error);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  add_string (b, "id", id);
  if (m == NULL)
    {
      g_autofree char *path = sr_spool_get_path (sr_router_get_spool (http->router), user->app,
                                                 SR_SPOOL_OUTBOX_NEW, id);
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return reply_error (http, msg, SOUP_STATUS_NOT_FOUND, "no such message for this user's app");
      add_string (b, "state", "accepted");
      json_builder_end_object (b);
      return reply_json (http, msg, SOUP_STATUS_OK, b);
    }
  add_string (b, "state", sr_message_state_to_string (m->state));
  add_string (b, "to", m->to_e164);
  add_string (b, "from", m->from_addr);
  add_string (b, "reference", m->reference);
  add_string (b, "provider", m->provider);
  json_builder_set_member_name (b, "parts");
  json_builder_add_int_value (b, m->parts);
  if (m->error_text != NULL)
    {
      add_string (b, "error_class", sr_error_class_to_string (m->error_class));
      add_string (b, "error", m->error_text);
    }
  json_builder_set_member_name (b, "segments");
  json_builder_begin_array (b);
  for (guint i = 0; segs != NULL && i < segs->len; i++)
    {
      SrJournalSegment *s = segs->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "part");
      json_builder_add_int_value (b, s->part);
      add_string (b, "submit", sr_segment_submit_to_string (s->submit));
      add_string (b, "smsc_id", s->smsc_id);
      add_string (b, "receipt", sr_receipt_state_to_string (s->receipt));
      add_string (b, "receipt_stat", s->receipt_stat);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  reply_json (http, msg, SOUP_STATUS_OK, b);
}

static void
add_dead (gint64 id, const char *kind, const char *url, guint attempts, const char *error_text,
          gint64 created, gpointer user_data)
{
  JsonBuilder *b = user_data;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, id);
  add_string (b, "kind", kind);
  add_string (b, "url", url);
  json_builder_set_member_name (b, "attempts");
  json_builder_add_int_value (b, attempts);
  add_string (b, "error", error_text);
  json_builder_set_member_name (b, "created");
  json_builder_add_int_value (b, created / G_USEC_PER_SEC);
  json_builder_end_object (b);
}

static void
get_dead_callbacks (SrHttp *http, SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "dead");
  json_builder_begin_array (b);
  sr_http_store_list_dead (http, 1000, add_dead, b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  reply_json (http, msg, SOUP_STATUS_OK, b);
}

/* The user of an Authorization: Basic header (answers 403 itself). */
static const SrHttpUserConfig *
basic_user (SrHttp *http, SoupServerMessage *msg)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  g_autofree char *decoded = NULL;
  if (auth != NULL && g_ascii_strncasecmp (auth, "Basic ", 6) == 0)
    {
      gsize len = 0;
      guchar *raw = g_base64_decode (auth + 6, &len);
      decoded = g_strndup ((char *) raw, len);
      g_free (raw);
    }
  char *colon = decoded != NULL ? strchr (decoded, ':') : NULL;
  if (colon != NULL)
    *colon = '\0';
  return sr_http_authorise (http, msg, ENDPOINT, colon != NULL ? decoded : NULL,
                            colon != NULL ? colon + 1 : NULL, TRUE);
}

void
sr_http_api_handler (SoupServer *server, SoupServerMessage *msg, const char *path,
                     GHashTable *query, gpointer user_data)
{
  SrHttp *http = user_data;
  const SrHttpUserConfig *user = basic_user (http, msg);
  if (user == NULL)
    return;
  const char *method = soup_server_message_get_method (msg);
  if (g_str_equal (path, "/api/v1/messages") && g_str_equal (method, "POST"))
    post_messages (http, msg, user);
  else if (g_str_has_prefix (path, "/api/v1/messages/") && g_str_equal (method, "GET"))
    get_message (http, msg, user, path + strlen ("/api/v1/messages/"));
  else if (g_str_equal (path, "/api/v1/callbacks/dead") && g_str_equal (method, "GET"))
    get_dead_callbacks (http, msg);
  else
    reply_error (http, msg, SOUP_STATUS_NOT_FOUND, "no such resource or method");
}
