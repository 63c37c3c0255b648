/* sr-http-metrics.c — GET /metrics in Prometheus' text exposition format.
 *
 * Only what is cheap to read at every scrape: the journal's in-memory
 * message counts, the router's status snapshot (binds, totals, in flight)
 * and its counters (sr-router-metrics.h: dead letters by class, submits per
 * provider, windows, throttling, the submit latency), the journal's commits
 * and their durations, and the front end's own counters (requests,
 * callbacks, receipts and inbound SMS seen since start).
 */
#define G_LOG_DOMAIN "sr-http"

#include "sr-http-private.h"
#include "sr-router-metrics.h"

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

/* A value in seconds (or any fraction), whatever LC_NUMERIC says. */
static void
sample_double (GString *out, const char *name, const char *l1, const char *v1, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, name);
  if (l1 != NULL)
    {
      g_string_append_printf (out, "{%s=\"", l1);
      append_label (out, v1);
      g_string_append (out, "\"}");
    }
  g_string_append_printf (out, " %s\n", g_ascii_dtostr (buf, sizeof buf, value));
}

/* The _bucket (cumulative, le in seconds), _sum and _count lines of @h. */
static void
histogram (GString *out, const char *name, const char *l1, const char *v1, const SrHistogram *h)
{
  char le[G_ASCII_DTOSTR_BUF_SIZE];
  guint64 cumulative = 0;

  for (guint i = 0; i <= SR_HISTOGRAM_N_BOUNDS; i++)
    {
      cumulative += h->buckets[i];
      if (i < SR_HISTOGRAM_N_BOUNDS)
        g_ascii_dtostr (le, sizeof le, sr_histogram_bounds_us[i] / 1e6);
      else
        g_strlcpy (le, "+Inf", sizeof le);
      g_string_append_printf (out, "%s_bucket{", name);
      if (l1 != NULL)
        {
          g_string_append_printf (out, "%s=\"", l1);
          append_label (out, v1);
          g_string_append (out, "\",");
        }
      g_string_append_printf (out, "le=\"%s\"} %" G_GUINT64_FORMAT "\n", le, cumulative);
    }
  g_autofree char *sum = g_strconcat (name, "_sum", NULL);
  g_autofree char *count = g_strconcat (name, "_count", NULL);
  sample_double (out, sum, l1, v1, h->sum_us / 1e6);
  sample (out, count, l1, v1, NULL, NULL, h->count);
}

/* A family with one sample per provider: the guint64 at @offset of its
 * SrRouterProviderMetrics, under label @l2 = @v2 when given. */
static void
per_provider (GString *out, const SrRouterMetrics *m, const char *name, const char *help, gsize offset,
              const char *l2, const char *v2)
{
  if (help != NULL)
    family (out, name, "counter", help);
  for (guint i = 0; i < m->providers->len; i++)
    {
      SrRouterProviderMetrics *p = m->providers->pdata[i];
      sample (out, name, "provider", p->name, l2, v2, G_STRUCT_MEMBER (guint64, p, offset));
    }
}

/* A family with one sample per bind: the guint64 at @offset of its SrRouterBindMetrics. */
static void
per_bind (GString *out, const SrRouterMetrics *m, const char *name, const char *type, const char *help,
          gsize offset)
{
  family (out, name, type, help);
  for (guint i = 0; i < m->binds->len; i++)
    {
      SrRouterBindMetrics *b = m->binds->pdata[i];
      sample (out, name, "bind", b->name, NULL, NULL, G_STRUCT_MEMBER (guint64, b, offset));
    }
}

/* Dead letters, submits, windows, throttling and latency (sr-router-metrics.h). */
static void
engine_metrics (SrHttp *http, GString *out)
{
  SrRouterMetrics m = { 0 };
  sr_router_get_metrics (http->router, &m);

  family (out, "sms_router_dead_letters_total", "counter", "Messages dead-lettered since start, by app and error class.");
  for (guint i = 0; i < m.apps->len; i++)
    {
      SrRouterAppMetrics *a = m.apps->pdata[i];
      for (guint c = SR_ERROR_CLASS_INPUT; c < SR_ERROR_CLASS_SYSTEM; c++)
        sample (out, "sms_router_dead_letters_total", "app", a->name, "class", sr_error_class_to_string (c), a->dead[c]);
    }

  per_provider (out, &m, "sms_router_provider_parts_submitted_total", "Parts accepted by the SMSC since start, by provider.",
                G_STRUCT_OFFSET (SrRouterProviderMetrics, accepted), NULL, NULL);
  per_provider (out, &m, "sms_router_provider_submit_sm_total", "submit_sm sent since start (resubmissions included), by provider.",
                G_STRUCT_OFFSET (SrRouterProviderMetrics, submitted), NULL, NULL);
  const char *responses = "sms_router_provider_submit_responses_total";
  per_provider (out, &m, responses, "Outcomes of submit_sm since start, by provider and result.",
                G_STRUCT_OFFSET (SrRouterProviderMetrics, accepted), "result", "accepted");
  per_provider (out, &m, responses, NULL, G_STRUCT_OFFSET (SrRouterProviderMetrics, rejected), "result", "rejected");
  per_provider (out, &m, responses, NULL, G_STRUCT_OFFSET (SrRouterProviderMetrics, unanswered), "result", "unanswered");
  per_provider (out, &m, "sms_router_provider_rate_limit_waits_total", "Times the provider's throughput limit held ready parts back.",
                G_STRUCT_OFFSET (SrRouterProviderMetrics, bucket_waits), NULL, NULL);
  family (out, "sms_router_provider_rate_limit_wait_seconds_total", "counter", "Time the provider's throughput limit held ready parts back.");
  for (guint i = 0; i < m.providers->len; i++)
    {
      SrRouterProviderMetrics *p = m.providers->pdata[i];
      sample_double (out, "sms_router_provider_rate_limit_wait_seconds_total", "provider", p->name, p->bucket_wait_seconds);
    }
  family (out, "sms_router_submit_latency_seconds", "histogram", "From submit_sm to its submit_sm_resp (answers within the response timeout), by provider.");
  for (guint i = 0; i < m.providers->len; i++)
    {
      SrRouterProviderMetrics *p = m.providers->pdata[i];
      histogram (out, "sms_router_submit_latency_seconds", "provider", p->name, &p->latency);
    }

  per_bind (out, &m, "sms_router_bind_window_used", "gauge", "Submits waiting for their response, by bind.",
            G_STRUCT_OFFSET (SrRouterBindMetrics, window_used));
  per_bind (out, &m, "sms_router_bind_window_size", "gauge", "The window: most submits a bind may have unanswered.",
            G_STRUCT_OFFSET (SrRouterBindMetrics, window_size));
  per_bind (out, &m, "sms_router_bind_throttled_total", "counter", "ESME_RTHROTTLED answers since start, by bind.",
            G_STRUCT_OFFSET (SrRouterBindMetrics, throttled));
  per_bind (out, &m, "sms_router_bind_throttle_pauses_total", "counter", "Pauses of a bind after ESME_RTHROTTLED since start.",
            G_STRUCT_OFFSET (SrRouterBindMetrics, pauses));
  family (out, "sms_router_bind_throttle_pause_seconds_total", "counter", "Time a bind paused after ESME_RTHROTTLED since start.");
  for (guint i = 0; i < m.binds->len; i++)
    {
      SrRouterBindMetrics *b = m.binds->pdata[i];
      sample_double (out, "sms_router_bind_throttle_pause_seconds_total", "bind", b->name, b->pause_seconds);
    }
  sr_router_metrics_clear (&m);
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
  family (out, "sms_router_journal_commit_seconds", "histogram", "How long each successful journal commit took.");
  histogram (out, "sms_router_journal_commit_seconds", NULL, NULL, &js.commit_time);

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
  engine_metrics (http, out);
  http_metrics (http, out);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  gsize len = out->len;
  soup_server_message_set_response (msg, "text/plain; version=0.0.4; charset=utf-8", SOUP_MEMORY_TAKE,
                                    g_string_free (out, FALSE), len);
}
