/* sr-broker.c — the bridge: configuration, connection events, receipts. */
#define G_LOG_DOMAIN "sr-broker"

#include "sr-broker-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* A configured value, or NULL when it is unset or empty. */
static char *
nonempty (const char *s)
{
  return s != NULL && *s != '\0' ? g_strdup (s) : NULL;
}

static void
app_free (gpointer p)
{
  SrBrokerApp *a = p;
  g_free (a->name);
  g_free (a->outbox_queue);
  g_free (a->inbox_queue);
  g_free (a->receipts_queue);
  g_free (a->failed_queue);
  g_free (a);
}

void
sr_broker_send_free (gpointer p)
{
  SrBrokerSend *s = p;
  g_free (s->name);
  g_free (s->ack);
  g_free (s->key);
  g_free (s->message);
  g_free (s->final_key);
  g_free (s);
}

SrBrokerApp *
sr_broker_find_app (SrBroker *b, const char *name)
{
  for (guint i = 0; i < b->apps->len; i++)
    {
      SrBrokerApp *a = b->apps->pdata[i];
      if (g_str_equal (a->name, name))
        return a;
    }
  return NULL;
}

void
sr_broker_event (SrBroker *b, SrJournalLevel level, const char *text)
{
  sr_router_system_event (b->router, level, "broker", text);
}

/* Replaces *@field with @value (either may be NULL); TRUE when it changed. */
static gboolean
set_queue (char **field, const char *value)
{
  char *v = nonempty (value);
  gboolean changed = g_strcmp0 (*field, v) != 0;
  g_free (*field);
  *field = v;
  return changed;
}

/* The apps the bridge serves: the [broker] app, and every app that names
 * one of its own queues.  Results of other apps stay in the spool only.
 * Apps are updated in place (MESSAGEs and SENDs in flight point to them);
 * one that is no longer served keeps its entry without queues.  Outbox
 * queues that changed are subscribed again on the running connection. */
static gboolean
update_apps (SrBroker *b, const SrConfig *config, GError **error)
{
  const SrBrokerConfig *bc = &config->broker;
  const char *main_app = bc->app != NULL && *bc->app ? bc->app : config->default_app;
  for (guint i = 0; i < b->apps->len; i++)
    ((SrBrokerApp *) b->apps->pdata[i])->served = FALSE;
  for (guint i = 0; i < config->apps->len; i++)
    {
      const SrAppConfig *ac = config->apps->pdata[i];
      gboolean is_main = g_str_equal (ac->name, main_app);
      if (!is_main && !nonempty (ac->outbox_queue) && !nonempty (ac->inbox_queue)
          && !nonempty (ac->receipts_queue) && !nonempty (ac->failed_queue))
        continue;
      SrBrokerApp *a = sr_broker_find_app (b, ac->name);
      if (a == NULL)
        {
          a = g_new0 (SrBrokerApp, 1);
          a->name = g_strdup (ac->name);
          g_ptr_array_add (b->apps, a);
        }
      if (a->since == 0 && (a->since = sr_broker_state_since (b->state, a->name, error)) < 0)
        return FALSE;
      a->served = TRUE;
      a->main = is_main;
      set_queue (&a->inbox_queue, ac->inbox_queue ? ac->inbox_queue : bc->inbox_queue);
      set_queue (&a->receipts_queue, ac->receipts_queue ? ac->receipts_queue : bc->receipts_queue);
      set_queue (&a->failed_queue, ac->failed_queue ? ac->failed_queue : bc->failed_queue);
      const char *outbox = nonempty (ac->outbox_queue) || !is_main ? ac->outbox_queue : bc->outbox_queue;
      if ((set_queue (&a->outbox_queue, outbox) || b->prefetch != bc->prefetch) && b->client != NULL)
        {
          sr_stomp_client_unsubscribe (b->client, a->name);
          if (a->outbox_queue != NULL)
            sr_stomp_client_subscribe (b->client, a->name, a->outbox_queue, bc->prefetch);
        }
    }
  for (guint i = 0; i < b->apps->len; i++)
    {
      SrBrokerApp *a = b->apps->pdata[i];
      if (a->served)
        continue;
      if (a->outbox_queue != NULL && b->client != NULL)
        sr_stomp_client_unsubscribe (b->client, a->name);
      g_clear_pointer (&a->outbox_queue, g_free);
      g_clear_pointer (&a->inbox_queue, g_free);
      g_clear_pointer (&a->receipts_queue, g_free);
      g_clear_pointer (&a->failed_queue, g_free);
      a->main = FALSE;
    }
  b->prefetch = bc->prefetch;
  return TRUE;
}

/* A connection ended: whatever waited for it is the broker's again (MESSAGEs
 * not ACKed) or is published again later (SENDs not confirmed). */
static void
forget_in_flight (SrBroker *b)
{
  g_hash_table_remove_all (b->inflight_keys);
  g_hash_table_remove_all (b->inflight);
  g_ptr_array_set_size (b->batch, 0);
  b->generation++;
  /* The SENDs that were skipped as in flight must be found again. */
  for (guint i = 0; i < b->apps->len; i++)
    memset (((SrBrokerApp *) b->apps->pdata[i])->scanned_mtime, 0,
            sizeof ((SrBrokerApp *) b->apps->pdata[i])->scanned_mtime);
}

/* What the overview shows: since when the connection is up or down, and why. */
static void
note_state (SrBroker *b, SrStompState state, const char *text)
{
  gboolean up = state == SR_STOMP_STATE_CONNECTED;
  if (b->counts.since == 0 || up != (b->counts.state == SR_STOMP_STATE_CONNECTED))
    b->counts.since = g_get_real_time ();
  b->counts.state = state;
  if (state == SR_STOMP_STATE_CONNECTING)
    return;   /* a retry: still down for the same reason */
  b->counts.failing = state == SR_STOMP_STATE_WAITING;
  g_free (b->last_event);
  b->last_event = g_strdup (text);
}

static void
on_state_changed (SrStompClient *client, SrStompState state, const char *text, gpointer data)
{
  SrBroker *b = data;
  note_state (b, state, text);
  switch (state)
    {
    case SR_STOMP_STATE_CONNECTED:
      sr_broker_event (b, SR_LEVEL_INFO, text);
      /* Publish what waited while we were away without waiting for the timer. */
      sr_broker_publish_scan (b);
      break;
    case SR_STOMP_STATE_WAITING:
      /* Whatever was not confirmed is published again after the reconnect;
       * MESSAGEs not ACKed are redelivered by the broker. */
      forget_in_flight (b);
      sr_broker_event (b, SR_LEVEL_WARNING, text);
      break;
    case SR_STOMP_STATE_CONNECTING:
    case SR_STOMP_STATE_IDLE:
      g_debug ("%s", text);
      break;
    }
}

static void
on_message (SrStompClient *client, const SrStompFrame *frame, gpointer data)
{
  sr_broker_intake_message (data, frame);
}

static void
on_receipt (SrStompClient *client, const char *receipt_id, gpointer data)
{
  SrBroker *b = data;
  SrBrokerSend *send = NULL;
  g_autofree char *id = NULL;
  if (!g_hash_table_steal_extended (b->inflight, receipt_id, (gpointer *) &id, (gpointer *) &send))
    return;
  if (send->kind == NULL)
    {
      /* A rejection is on the failed queue: now the MESSAGE may go. */
      sr_stomp_client_ack (b->client, send->ack);
      b->counts.rejected++;
      sr_broker_send_free (send);
    }
  else
    {
      g_hash_table_remove (b->inflight_keys, send->key);
      sr_broker_waiting_remove (b, send->app, send->kind, send->key);
      send->app->published[sr_broker_kind (send->kind)]++;
      if (send->final_key != NULL)
        g_hash_table_remove (b->inflight_keys, send->final_key);
      g_ptr_array_add (b->confirmed, send);
      b->counts.published++;
    }
}

static void
on_flush (SrStompClient *client, gpointer data)
{
  SrBroker *b = data;
  sr_broker_intake_flush (b);
  sr_broker_publish_confirmed (b);
}

const char *
sr_broker_track (SrBroker *b, SrBrokerSend *send)
{
  char *id = g_strdup_printf ("sr-%" G_GUINT64_FORMAT, ++b->receipt_seq);
  g_hash_table_insert (b->inflight, id, send);
  if (send->kind != NULL)
    g_hash_table_add (b->inflight_keys, send->key);
  if (send->final_key != NULL)
    g_hash_table_add (b->inflight_keys, send->final_key);
  return id;
}

/* What a new connection needs; a reload that changes it reconnects. */
static char *
connection_key (const SrBrokerConfig *bc)
{
  return g_strdup_printf ("%s\n%u\n%s\n%s\n%s\n%d%d\n%u\n%u", bc->host, bc->port, bc->login,
                          bc->passcode, bc->vhost, bc->tls, bc->tls_verify, bc->heartbeat,
                          bc->reconnect_max);
}

static void
free_key (char *key)
{
  if (key != NULL)
    explicit_bzero (key, strlen (key));
  g_free (key);
}

/* A new client for @config's [broker], subscribed to every outbox queue. */
static void
connect_client (SrBroker *b, const SrConfig *config)
{
  const SrBrokerConfig *bc = &config->broker;
  SrStompOptions so = {
    .host = bc->host,
    .port = bc->port,
    .login = bc->login,
    .passcode = bc->passcode,
    .vhost = bc->vhost,
    .tls = bc->tls,
    .tls_verify = bc->tls_verify,
    .heartbeat_ms = bc->heartbeat,
    .reconnect_min_ms = b->options.reconnect_min_ms,
    .reconnect_max_ms = bc->reconnect_max * 1000,
    /* A longer body cannot be sent: the reader skips it, keeping its start
     * for the dead letter (sr-broker-intake.c), and memory stays bounded. */
    .limits = { .max_body_bytes = config->max_file_size },
  };
  SrStompCallbacks cb = {
    .state_changed = on_state_changed,
    .message = on_message,
    .receipt = on_receipt,
    .flush = on_flush,
  };
  free_key (b->connection_key);
  b->connection_key = connection_key (bc);
  b->client = sr_stomp_client_new (&so, &cb, b);
  for (guint i = 0; i < b->apps->len; i++)
    {
      SrBrokerApp *a = b->apps->pdata[i];
      if (a->outbox_queue != NULL)
        sr_stomp_client_subscribe (b->client, a->name, a->outbox_queue, bc->prefetch);
    }
}

/* Drops the connection: MESSAGEs not ACKed go back to the broker, SENDs not
 * confirmed are published again by the next connection. */
static void
disconnect_client (SrBroker *b)
{
  g_clear_pointer (&b->client, sr_stomp_client_free);
  forget_in_flight (b);
}

SrBroker *
sr_broker_new (SrRouter *router, const SrBrokerOptions *options, GError **error)
{
  const SrConfig *config = sr_router_get_config (router);
  const SrBrokerConfig *bc = &config->broker;
  g_return_val_if_fail (bc->enabled, NULL);
  SrSpool *spool = sr_router_get_spool (router);
  g_autofree char *path = g_build_filename (sr_spool_get_root (spool), "router", "broker.db", NULL);
  g_autoptr(SrBrokerState) state = sr_broker_state_open (path, error);
  if (state == NULL)
    return NULL;
  /* Rows older than the broker could redeliver and the files the bridge
   * would still publish (a week, see publish) are of no use any more. */
  g_autoptr(GError) prune_error = NULL;
  if (!sr_broker_state_prune (state, 14 * 24 * 3600, &prune_error))
    g_warning ("%s", prune_error->message);

  SrBroker *b = g_new0 (SrBroker, 1);
  b->router = router;
  b->spool = spool;
  b->state = g_steal_pointer (&state);
  if (options != NULL)
    b->options = *options;
  if (b->options.scan_ms == 0)
    b->options.scan_ms = 500;
  b->apps = g_ptr_array_new_with_free_func (app_free);
  b->batch = g_ptr_array_new_with_free_func (sr_broker_intake_free);
  b->inflight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, sr_broker_send_free);
  b->inflight_keys = g_hash_table_new (g_str_hash, g_str_equal);
  b->done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  b->confirmed = g_ptr_array_new_with_free_func (sr_broker_send_free);
  b->waiting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (!update_apps (b, config, error))
    {
      sr_broker_free (b);
      return NULL;
    }
  connect_client (b, config);
  return b;
}

void
sr_broker_start (SrBroker *b)
{
  g_return_if_fail (b != NULL);
  sr_stomp_client_start (b->client);
  if (b->scan_id == 0)
    b->scan_id = g_timeout_add (b->options.scan_ms, sr_broker_publish_scan, b);
}

void
sr_broker_free (SrBroker *b)
{
  if (b == NULL)
    return;
  g_clear_handle_id (&b->scan_id, g_source_remove);
  /* The files being written are recorded (and ACKed) before the end. */
  sr_broker_intake_wait (b);
  g_clear_pointer (&b->client, sr_stomp_client_free);
  free_key (b->connection_key);
  if (b->confirmed != NULL)
    sr_broker_publish_confirmed (b);
  g_clear_pointer (&b->batch, g_ptr_array_unref);
  g_clear_pointer (&b->inflight_keys, g_hash_table_unref);
  g_clear_pointer (&b->inflight, g_hash_table_unref);
  g_clear_pointer (&b->done, g_hash_table_unref);
  g_clear_pointer (&b->confirmed, g_ptr_array_unref);
  g_clear_pointer (&b->waiting, g_hash_table_unref);
  g_free (b->last_event);
  g_clear_pointer (&b->apps, g_ptr_array_unref);
  g_clear_pointer (&b->state, sr_broker_state_free);
  g_free (b);
}

void
sr_broker_get_status (SrBroker *b, SrBrokerStatus *status)
{
  *status = b->counts;
  status->state = b->client ? sr_stomp_client_get_state (b->client) : SR_STOMP_STATE_IDLE;
  status->connects = b->client ? sr_stomp_client_connects (b->client) : 0;
  status->last_event = b->last_event;
  status->host = sr_router_get_config (b->router)->broker.host;
  status->port = sr_router_get_config (b->router)->broker.port;
}

static void
queue_status_free (gpointer p)
{
  SrBrokerQueueStatus *q = p;
  g_free (q->queue);
  g_free (q);
}

/* Adds @count and @waiting to the entry of (@kind, @queue), made if needed. */
static void
add_queue (GPtrArray *out, const char *kind, const char *queue, guint64 count, guint64 waiting)
{
  if (queue == NULL)
    return;
  SrBrokerQueueStatus *q = NULL;
  for (guint i = 0; i < out->len && q == NULL; i++)
    {
      SrBrokerQueueStatus *e = out->pdata[i];
      if (g_str_equal (e->kind, kind) && g_str_equal (e->queue, queue))
        q = e;
    }
  if (q == NULL)
    {
      q = g_new0 (SrBrokerQueueStatus, 1);
      q->queue = g_strdup (queue);
      q->kind = kind;
      g_ptr_array_add (out, q);
    }
  q->count += count;
  q->waiting += waiting;
}

GPtrArray *
sr_broker_get_queues (SrBroker *b)
{
  static const char *const kinds[SR_BROKER_N_KINDS] = { "receipt", "inbox", "dead" };
  GPtrArray *out = g_ptr_array_new_with_free_func (queue_status_free);
  for (guint i = 0; i < b->apps->len; i++)
    {
      SrBrokerApp *a = b->apps->pdata[i];
      add_queue (out, "outbox", a->outbox_queue, a->taken, 0);
    }
  for (guint k = 0; k < SR_BROKER_N_KINDS; k++)
    for (guint i = 0; i < b->apps->len; i++)
      {
        SrBrokerApp *a = b->apps->pdata[i];
        const char *queue = k == SR_BROKER_KIND_RECEIPT ? a->receipts_queue
                          : k == SR_BROKER_KIND_INBOX ? a->inbox_queue : a->failed_queue;
        add_queue (out, kinds[k], queue, a->published[k], a->waiting[k]);
      }
  return out;
}

SrBroker *
sr_broker_start_for_router (SrRouter *router)
{
  if (!sr_router_get_config (router)->broker.enabled)
    return NULL;
  g_autoptr(GError) error = NULL;
  SrBroker *b = sr_broker_new (router, NULL, &error);
  if (b == NULL)
    {
      g_warning (_("the broker bridge cannot start: %s"), error->message);
      return NULL;
    }
  sr_broker_start (b);
  return b;
}

gboolean
sr_broker_reload (SrBroker *b, GError **error)
{
  const SrConfig *config = sr_router_get_config (b->router);
  if (!update_apps (b, config, error))
    return FALSE;
  g_autofree char *key = connection_key (&config->broker);
  gboolean same = g_strcmp0 (key, b->connection_key) == 0;
  explicit_bzero (key, strlen (key));
  if (!same)
    {
      sr_broker_event (b, SR_LEVEL_INFO, _("broker connection settings changed: reconnecting"));
      disconnect_client (b);
      connect_client (b, config);
      sr_stomp_client_start (b->client);
    }
  return TRUE;
}

void
sr_broker_reload_for_router (SrBroker **broker, SrRouter *router)
{
  if (!sr_router_get_config (router)->broker.enabled)
    {
      g_clear_pointer (broker, sr_broker_free);
      return;
    }
  g_autoptr(GError) error = NULL;
  if (*broker == NULL)
    *broker = sr_broker_start_for_router (router);
  else if (!sr_broker_reload (*broker, &error))
    g_warning (_("the broker bridge keeps its configuration: %s"), error->message);
}
