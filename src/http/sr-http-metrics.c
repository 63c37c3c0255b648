/* sr-http-metrics.c — GET /metrics in Prometheus' text exposition format.
 *
 * Only what is cheap to read at every scrape: the journal's in-memory
 * message counts, the router's status snapshot (binds, totals, in flight),
 * the journal's commit count, and the front end's own counters (requests,
 * callbacks, receipts and inbound SMS seen since start).
 */
#define G_LOG_DOMAIN "sr-http"

#include "sr-http-private.h"

#include <string.h>

void
sr_http_count_request (SrHttp *http, const char *endpoint, guint status)
{
  g_autofree char *key = g_strdup_printf ("%s\t%u", endpoint, status);
  guint64 *n = g_hash_table_lookup (http->counters.requests, key);
  if (n == NULL)
    {
      n = g_new0 (guint64, 1);
      g_hash_table_insert (http->counters.requests, g_steal_pointer (&key), n);
    }
  (*n)++;
}

/* A label value with \, " and newlines escaped as the format wants. */
static void
append_label (GString *out, const char *value)
{
  for (const char *p = value != NULL ? value : ""; *p; p++)
    {
      if (*p == '\\' || *p == '"')
        g_string_append_c (out, '\\');
      if (*p == '\n')
        g_string_append (out, "\\n");
      else
        g_string_append_c (out, *p);
    }
}

static void
family (GString *out, const char *name, const char *type, const char *help)
{
  g_string_append_printf (out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
sample (GString *out, const char *name, const char *l1, const char *v1, const char *l2,
        const char *v2, guint64 value)
{
  g_string_append (out, name);
  if (l1 != NULL)
    {
      g_string_append_printf (out, "{%s=\"", l1);
      append_label (out, v1);
      if (l2 != NULL)
        {
          g_string_append_printf (out, "\",%s=\"", l2);
          append_label (out, v2);
        }
      g_string_append (out, "\"}");
    }
  g_string_append_printf (out, " %" G_GUINT64_FORMAT "\n", value);
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The keys of @table, sorted (stable output is easier to read and diff). */
static GPtrArray *
sorted_keys (GHashTable *table)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, table);
  while (g_hash_table_iter_next (&it, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_strings);
  return keys;
}

static void
router_metrics (SrHttp *http, GString *out)
{
  const SrConfig *config = sr_http_config (http);
  SrJournal *journal = sr_router_get_journal (http->router);
  family (out, "sms_router_messages", "gauge", "Messages in the journal by app and state.");
  for (guint i = 0; i < config->apps->len; i++)
    {
      const SrAppConfig *app = config->apps->pdata[i];
      guint64 counts[SR_MESSAGE_N_STATES] = { 0 };
      sr_journal_count_states (journal, app->name, counts);
      for (guint s = 0; s < SR_MESSAGE_N_STATES; s++)
        sample (out, "sms_router_messages", "app", app->name, "state", sr_message_state_to_string (s), counts[s]);
    }
  family (out, "sms_router_queue_depth", "gauge", "Messages claimed and not yet answered by the SMSC, by app.");
  for (guint i = 0; i < config->apps->len; i++)
    {
      const SrAppConfig *app = config->apps->pdata[i];
      guint64 counts[SR_MESSAGE_N_STATES] = { 0 };
      sr_journal_count_states (journal, app->name, counts);
      sample (out, "sms_router_queue_depth", "app", app->name, NULL, NULL,
              counts[SR_MESSAGE_QUEUED] + counts[SR_MESSAGE_SUBMITTING]);
    }

  SrRouterStatus st = { 0 };
  sr_router_get_status (http->router, &st);
  family (out, "sms_router_bind_state", "gauge", "SMPP sessions: 1 for the state each is in.");
  for (guint i = 0; st.binds != NULL && i < st.binds->len; i++)
    {
      SrRouterBindStatus *b = st.binds->pdata[i];
      sample (out, "sms_router_bind_state", "bind", b->name, "state", b->state, 1);
    }
  family (out, "sms_router_messages_claimed_total", "counter", "Messages claimed from outboxes since start.");
  sample (out, "sms_router_messages_claimed_total", NULL, NULL, NULL, NULL, st.total_in);
  family (out, "sms_router_parts_submitted_total", "counter", "Parts accepted by SMSCs since start.");
  sample (out, "sms_router_parts_submitted_total", NULL, NULL, NULL, NULL, st.total_out);
  family (out, "sms_router_parts_in_flight", "gauge", "Parts submitted and not yet answered.");
  sample (out, "sms_router_parts_in_flight", NULL, NULL, NULL, NULL, st.in_flight);
  family (out, "sms_router_messages_waiting", "gauge", "Messages claimed and not yet submitted.");
  sample (out, "sms_router_messages_waiting", NULL, NULL, NULL, NULL, st.waiting);
  family (out, "sms_router_paused", "gauge", "1 when an operator paused sending.");
  sample (out, "sms_router_paused", NULL, NULL, NULL, NULL, st.paused ? 1 : 0);
  sr_router_status_clear (&st);

  SrJournalStats js;
  sr_journal_get_stats (journal, &js);
  family (out, "sms_router_journal_commits_total", "counter", "Journal transactions committed since start.");
  sample (out, "sms_router_journal_commits_total", NULL, NULL, NULL, NULL, js.commits);
  family (out, "sms_router_journal_failed_commits_total", "counter", "Journal commits that failed (writes lost).");
  sample (out, "sms_router_journal_failed_commits_total", NULL, NULL, NULL, NULL, js.failed_commits);

  family (out, "sms_router_receipts_total", "counter", "Delivery receipts received since start, by status.");
  for (guint s = SR_RECEIPT_INTERMEDIATE; s <= SR_RECEIPT_FAILED; s++)
    sample (out, "sms_router_receipts_total", "status", sr_receipt_state_to_string (s), NULL, NULL,
            http->counters.receipts[s]);
  family (out, "sms_router_inbound_total", "counter", "Inbound SMS received since start, by app.");
  g_autoptr(GPtrArray) apps = sorted_keys (http->counters.inbound);
  for (guint i = 0; i < apps->len; i++)
    sample (out, "sms_router_inbound_total", "app", apps->pdata[i], NULL, NULL,
            *(guint64 *) g_hash_table_lookup (http->counters.inbound, apps->pdata[i]));
}

static void
http_metrics (SrHttp *http, GString *out)
{
  family (out, "sms_router_http_requests_total", "counter", "HTTP requests answered since start.");
  g_autoptr(GPtrArray) keys = sorted_keys (http->counters.requests);
  for (guint i = 0; i < keys->len; i++)
    {
      g_auto(GStrv) parts = g_strsplit (keys->pdata[i], "\t", 2);
      sample (out, "sms_router_http_requests_total", "endpoint", parts[0], "code", parts[1],
              *(guint64 *) g_hash_table_lookup (http->counters.requests, keys->pdata[i]));
    }
  family (out, "sms_router_http_auth_failures_total", "counter", "Failed HTTP logins since start.");
  sample (out, "sms_router_http_auth_failures_total", NULL, NULL, NULL, NULL, http->counters.auth_failures);
  family (out, "sms_router_http_callbacks_total", "counter", "Callback attempts since start, by result.");
  sample (out, "sms_router_http_callbacks_total", "result", "ok", NULL, NULL, http->counters.callbacks_ok);
  sample (out, "sms_router_http_callbacks_total", "result", "failed", NULL, NULL, http->counters.callbacks_failed);
  sample (out, "sms_router_http_callbacks_total", "result", "dead", NULL, NULL, http->counters.callbacks_dead);
  guint64 pending, dead;
  sr_http_store_count (http, &pending, &dead);
  family (out, "sms_router_http_callbacks", "gauge", "Callbacks waiting for a 2xx, and dead ones.");
  sample (out, "sms_router_http_callbacks", "state", "pending", NULL, NULL, pending);
  sample (out, "sms_router_http_callbacks", "state", "dead", NULL, NULL, dead);
  family (out, "sms_router_http_dlr_watches", "gauge", "Messages whose delivery reports are still owed.");
  sample (out, "sms_router_http_dlr_watches", NULL, NULL, NULL, NULL, g_hash_table_size (http->watches));
}

void
sr_http_metrics_handler (SoupServer *server, SoupServerMessage *msg, const char *path,
                         GHashTable *query, gpointer user_data)
{
  SrHttp *http = user_data;
  if (g_strcmp0 (soup_server_message_get_method (msg), "GET") != 0)
    {
      sr_http_reply_text (http, msg, "metrics", SOUP_STATUS_METHOD_NOT_ALLOWED, "Use GET");
      return;
    }
  sr_http_count_request (http, "metrics", SOUP_STATUS_OK);
  GString *out = g_string_new (NULL);
  router_metrics (http, out);
  http_metrics (http, out);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  gsize len = out->len;
  soup_server_message_set_response (msg, "text/plain; version=0.0.4; charset=utf-8", SOUP_MEMORY_TAKE,
                                    g_string_free (out, FALSE), len);
}
