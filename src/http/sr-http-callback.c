/* sr-http-callback.c — calling applications back: delivery reports and
 * inbound SMS, until they answer 2xx.
 *
 * Callbacks wait in http.db; each tick starts the due ones (a few at a
 * time).  A failure (no answer, or not 2xx) is retried after
 * [http] callback-retry seconds, doubling up to an hour; after
 * callback-attempts tries the callback is dead: a system event, counted in
 * /metrics and listed by GET /api/v1/callbacks/dead.
 *
 * Inbound SMS are followed from the journal's inbound rows with a durable
 * cursor; one routed to an app with an inbound-url becomes a POST (a form,
 * or JSON with inbound-format = json).  The inbox file stays as it is.
 */
#define G_LOG_DOMAIN "sr-http"

#include "sr-http-private.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

/* Callbacks in flight at once. */
#define MAX_IN_FLIGHT 16
/* The longest wait between two tries, seconds. */
#define MAX_RETRY_S 3600

/* One callback on the wire. */
typedef struct {
  SrHttp *http;
  GCancellable *cancel;
  gint64 id;
  guint attempts;
  char *url;
} Attempt;

static void
attempt_free (Attempt *a)
{
  g_object_unref (a->cancel);
  g_free (a->url);
  g_free (a);
}

static void
attempt_done (Attempt *a, guint status, const char *error_text)
{
  SrHttp *http = a->http;
  g_hash_table_remove (http->sending, &a->id);
  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      http->counters.callbacks_ok++;
      sr_http_store_finish (http, a->id, TRUE, a->attempts + 1, 0, FALSE, NULL);
      return;
    }
  g_autofree char *why = error_text != NULL ? g_strdup (error_text) : g_strdup_printf ("HTTP %u", status);
  http->counters.callbacks_failed++;
  guint attempts = a->attempts + 1;
  const SrHttpConfig *hc = &sr_http_config (http)->http;
  gboolean dead = attempts >= hc->callback_attempts;
  guint64 delay = (guint64) hc->callback_retry << MIN (attempts - 1, 20u);
  gint64 next_at = g_get_real_time () + (gint64) MIN (delay, MAX_RETRY_S) * G_USEC_PER_SEC;
  sr_http_store_finish (http, a->id, FALSE, attempts, next_at, dead, why);
  if (dead)
    {
      http->counters.callbacks_dead++;
      g_autofree char *text = g_strdup_printf (_("callback %" G_GINT64_FORMAT " to %s is dead after %u attempts: %s"),
                                               a->id, a->url, attempts, why);
      sr_http_system_event (http, SR_LEVEL_ERROR, text);
    }
  else
    g_info ("callback %" G_GINT64_FORMAT " to %s failed (%s), attempt %u", a->id, a->url, why, attempts);
}

static void
on_sent (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Attempt *a = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), res, &error);
  if (!g_cancellable_is_cancelled (a->cancel))
    {
      SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), res);
      attempt_done (a, body != NULL ? soup_message_get_status (msg) : 0,
                    body == NULL ? error->message : NULL);
    }
  attempt_free (a);
}

void
sr_http_callback_send_due (SrHttp *http)
{
  guint busy = g_hash_table_size (http->sending);
  if (busy >= MAX_IN_FLIGHT)
    return;
  g_autoptr(GPtrArray) due = sr_http_store_due (http, g_get_real_time (), MAX_IN_FLIGHT - busy, http->sending);
  for (guint i = 0; i < due->len; i++)
    {
      SrHttpCallback *c = due->pdata[i];
      Attempt *a = g_new0 (Attempt, 1);
      a->http = http;
      a->cancel = g_object_ref (http->cancel);
      a->id = c->id;
      a->attempts = c->attempts;
      a->url = g_strdup (c->url);
      g_hash_table_add (http->sending, g_memdup2 (&c->id, sizeof c->id));
      g_autoptr(SoupMessage) msg = soup_message_new (c->content_type != NULL ? "POST" : "GET", c->url);
      if (msg == NULL)
        {
          attempt_done (a, 0, _("not a valid URL"));
          attempt_free (a);
          continue;
        }
      if (c->content_type != NULL)
        {
          g_autoptr(GBytes) body = g_bytes_new (c->body, strlen (c->body));
          soup_message_set_request_body_from_bytes (msg, c->content_type, body);
        }
      soup_session_send_and_read_async (http->session, msg, G_PRIORITY_DEFAULT, http->cancel, on_sent, a);
    }
}

static char *
inbound_json (const SrJournalInbound *in)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, in->id);
  json_builder_set_member_name (b, "from");
  json_builder_add_string_value (b, in->sender);
  json_builder_set_member_name (b, "to");
  json_builder_add_string_value (b, in->recipient);
  json_builder_set_member_name (b, "text");
  json_builder_add_string_value (b, in->text);
  json_builder_set_member_name (b, "app");
  json_builder_add_string_value (b, in->app);
  json_builder_set_member_name (b, "provider");
  json_builder_add_string_value (b, in->provider);
  json_builder_set_member_name (b, "parts");
  json_builder_add_int_value (b, in->parts);
  json_builder_set_member_name (b, "received");
  json_builder_add_int_value (b, in->received_at / G_USEC_PER_SEC);
  json_builder_set_member_name (b, "file");
  json_builder_add_string_value (b, in->file);
  json_builder_end_object (b);
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static char *
inbound_form (const SrJournalInbound *in)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, in->id);
  g_autofree char *received = g_strdup_printf ("%" G_GINT64_FORMAT, in->received_at / G_USEC_PER_SEC);
  g_autofree char *parts = g_strdup_printf ("%u", in->parts);
  return soup_form_encode ("id", id, "from", in->sender ? in->sender : "", "to", in->recipient ? in->recipient : "",
                           "text", in->text ? in->text : "", "app", in->app, "provider", in->provider ? in->provider : "",
                           "parts", parts, "received", received, "file", in->file ? in->file : "", NULL);
}

void
sr_http_mo_poll (SrHttp *http)
{
  SrJournal *journal = sr_router_get_journal (http->router);
  const SrConfig *config = sr_http_config (http);
  g_autoptr(GPtrArray) receipts = sr_journal_receipts_page (journal, FALSE, SR_PAGE_NEWER, http->receipt_cursor,
                                                            500, NULL, NULL);
  for (guint i = 0; receipts != NULL && i < receipts->len; i++)
    {
      SrJournalReceipt *r = receipts->pdata[i];
      http->counters.receipts[MIN ((guint) r->state, 3u)]++;
      if (r->message_id != 0)
        sr_http_dlr_wake (http, r->message_id);
      http->receipt_cursor = r->id;
    }

  g_autoptr(GPtrArray) rows = sr_journal_inbound_page (journal, NULL, SR_PAGE_NEWER, http->inbound_cursor,
                                                       200, NULL, NULL);
  if (rows == NULL || rows->len == 0)
    return;
  for (guint i = 0; i < rows->len; i++)
    {
      SrJournalInbound *in = rows->pdata[i];
      const SrAppConfig *app = in->app != NULL ? sr_config_find_app (config, in->app) : NULL;
      if (app != NULL && app->inbound_url != NULL)
        {
          g_autofree char *body = app->inbound_json ? inbound_json (in) : inbound_form (in);
          g_autoptr(GError) error = NULL;
          if (!sr_http_store_queue (http, "inbound", app->inbound_url,
                                    app->inbound_json ? "application/json" : "application/x-www-form-urlencoded",
                                    body, NULL, FALSE, &error))
            {
              g_warning ("inbound-url of %s: %s", app->name, error->message);
              break;   /* the cursor stays: tried again next tick */
            }
        }
      http->inbound_cursor = in->id;
      const char *app_name = in->app != NULL ? in->app : "";
      guint64 *n = g_hash_table_lookup (http->counters.inbound, app_name);
      if (n == NULL)
        {
          n = g_new0 (guint64, 1);
          g_hash_table_insert (http->counters.inbound, g_strdup (app_name), n);
        }
      (*n)++;
    }
  sr_http_store_set_cursor (http, "inbound", http->inbound_cursor);
}
