/* sr-sim.c — the simulator object: options, the listening socket, timers,
 * runtime changes and counters. */
#define G_LOG_DOMAIN "sr-sim"

#include "sr-sim-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (sr-sim-error-quark, sr_sim_error)

void
sr_sim_options_init (SrSimOptions *options)
{
  memset (options, 0, sizeof *options);
  options->bind_address = "127.0.0.1";
  options->id_format = SR_SIM_ID_HEX;
  options->receipt_id_format = SR_SIM_ID_SAME;
  options->id_start = 1;
  options->receipt_stat = "DELIVRD";
  options->deliver_window = 64;
  options->deliver_retry_ms = 1000;
}

static void
reject_rule_free (gpointer data)
{
  SrSimRejectRule *rule = data;

  g_free (rule->prefix);
  g_free (rule);
}

static void
stat_rule_free (gpointer data)
{
  sr_sim_stat_rule_clear (data);
  g_free (data);
}

static gboolean
add_reject_rule (SrSim *sim, const char *text, GError **error)
{
  SrSimRejectRule rule;

  if (!sr_sim_parse_reject_rule (text, &rule, error))
    return FALSE;
  g_ptr_array_add (sim->reject_rules, g_memdup2 (&rule, sizeof rule));
  return TRUE;
}

static gboolean
add_stat_rule (SrSim *sim, const char *text, GError **error)
{
  SrSimStatRule rule;

  if (!sr_sim_parse_stat_rule (text, TRUE, &rule, error))
    return FALSE;
  g_ptr_array_add (sim->stat_rules, g_memdup2 (&rule, sizeof rule));
  return TRUE;
}

static gboolean
on_incoming (GSocketService *service, GSocketConnection *connection,
             GObject *source_object, gpointer user_data)
{
  sr_sim_conn_new (user_data, connection);
  return TRUE;
}

static gboolean
enquire_tick (gpointer user_data)
{
  sr_sim_send_enquire_link (user_data);
  return G_SOURCE_CONTINUE;
}

static void
set_enquire_link (SrSim *sim, guint seconds)
{
  if (sim->enquire_source != NULL)
    {
      g_source_destroy (sim->enquire_source);
      g_clear_pointer (&sim->enquire_source, g_source_unref);
    }
  sim->enquire_link_s = seconds;
  if (seconds == 0)
    return;
  sim->enquire_source = g_timeout_source_new (seconds * 1000);
  g_source_set_callback (sim->enquire_source, enquire_tick, sim, NULL);
  g_source_attach (sim->enquire_source, sim->context);
}

/* Senders and texts of the generated trickle (--mo-interval). */
static const char *const mo_senders[] = {
  "+41791234567", "+447700900123", "+4915112345678", "+33612345678",
};
static const char *const mo_texts[] = {
  "Hello from the simulator",
  "STOP",
  "Grüße aus Zürich, 5€",
  "Привет! Как дела?",
  "Yes, see you at 6pm",
};

static gboolean
mo_tick (gpointer user_data)
{
  SrSim *sim = user_data;
  guint n = sim->mo_generated++;
  g_autofree char *spec = g_strdup_printf ("from=%s,to=+41790000000,text=%s (#%u)",
                                           mo_senders[n % G_N_ELEMENTS (mo_senders)],
                                           mo_texts[n % G_N_ELEMENTS (mo_texts)], n + 1);
  g_autoptr(GError) error = NULL;

  if (!sr_sim_inject_mo (sim, spec, NULL, &error))
    g_warning ("cannot generate an MO message: %s", error->message);
  return G_SOURCE_CONTINUE;
}

static gboolean
flush_tick (gpointer user_data)
{
  sr_sim_flush_log (user_data);
  return G_SOURCE_CONTINUE;
}

SrSim *
sr_sim_new (const SrSimOptions *options, GError **error)
{
  g_autoptr(SrSim) sim = NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *bind_address;
  gsize i;

  g_return_val_if_fail (options != NULL, NULL);

  sim = g_new0 (SrSim, 1);
  sim->context = g_main_context_ref_thread_default ();
  sim->mailboxes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, sr_sim_mailbox_free);
  sr_sim_deliver_init (sim);
  sim->reject_rules = g_ptr_array_new_with_free_func (reject_rule_free);
  sim->stat_rules = g_ptr_array_new_with_free_func (stat_rule_free);

  sim->system_id = g_strdup (options->system_id);
  sim->password = g_strdup (options->password);
  sim->id_format = options->id_format;
  sim->receipt_id_format = options->receipt_id_format;
  sim->next_message_id = options->id_start;
  sim->no_receipts = options->no_receipts;
  sim->receipt_delay_ms = options->receipt_delay_ms;
  sim->deliver_window = options->deliver_window > 0 ? options->deliver_window : 64;
  sim->deliver_retry_ms = options->deliver_retry_ms;
  sim->mo_interval_ms = options->mo_interval_ms;
  sim->throttle_every = options->throttle_every;
  sim->drop_after = options->drop_after;
  sim->delay_ms = options->delay_ms;
  sim->no_response_every = options->no_response_every;
  sim->late_every = options->late_every;
  sim->late_ms = options->late_ms;
  sim->garbage_after = options->garbage_after;
  sim->oversized_after = options->oversized_after;
  sim->dribble = options->dribble;
  sim->max_window = options->max_window;

  if (!sr_sim_parse_stat_rule (options->receipt_stat != NULL ? options->receipt_stat : "DELIVRD",
                               FALSE, &sim->default_stat, error))
    return NULL;
  for (i = 0; options->receipt_stat_for != NULL && options->receipt_stat_for[i] != NULL; i++)
    if (!add_stat_rule (sim, options->receipt_stat_for[i], error))
      return NULL;
  for (i = 0; options->reject_prefix != NULL && options->reject_prefix[i] != NULL; i++)
    if (!add_reject_rule (sim, options->reject_prefix[i], error))
      return NULL;
  if (sim->system_id != NULL && strlen (sim->system_id) > SR_PDU_SYSTEM_ID_MAX)
    {
      g_set_error (error, SR_SIM_ERROR, SR_SIM_ERROR_INVALID_OPTION,
                   _("The system id “%s” is longer than the %d characters SMPP allows."),
                   sim->system_id, SR_PDU_SYSTEM_ID_MAX);
      return NULL;
    }
  if (sim->password != NULL && strlen (sim->password) > SR_PDU_PASSWORD_MAX)
    {
      g_set_error (error, SR_SIM_ERROR, SR_SIM_ERROR_INVALID_OPTION,
                   _("The password is longer than the %d characters SMPP allows."),
                   SR_PDU_PASSWORD_MAX);
      return NULL;
    }

  if (options->log_path != NULL)
    {
      sim->log = sr_sim_log_open (options->log_path, options->log_sent, error);
      if (sim->log == NULL)
        return NULL;
    }

  for (i = 0; options->mo_specs != NULL && options->mo_specs[i] != NULL; i++)
    if (!sr_sim_inject_mo (sim, options->mo_specs[i], NULL, error))
      return NULL;

  bind_address = options->bind_address != NULL ? options->bind_address : "127.0.0.1";
  if (g_strcmp0 (bind_address, "localhost") == 0)
    bind_address = "127.0.0.1";
  address = g_inet_address_new_from_string (bind_address);
  if (address == NULL)
    {
      g_set_error (error, SR_SIM_ERROR, SR_SIM_ERROR_INVALID_OPTION,
                   _("Invalid bind address “%s”: expected an IPv4 or IPv6 address."), bind_address);
      return NULL;
    }
  socket_address = g_inet_socket_address_new (address, options->port);
  sim->service = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (sim->service), socket_address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                      NULL, &effective, &local_error))
    {
      g_set_error (error, SR_SIM_ERROR, SR_SIM_ERROR_LISTEN,
                   _("Cannot listen on %s port %u: %s"), bind_address, options->port,
                   local_error->message);
      return NULL;
    }
  sim->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (sim->service, "incoming", G_CALLBACK (on_incoming), sim);
  g_socket_service_start (sim->service);

  set_enquire_link (sim, options->enquire_link_s);
  if (sim->mo_interval_ms > 0)
    {
      sim->mo_source = g_timeout_source_new (sim->mo_interval_ms);
      g_source_set_callback (sim->mo_source, mo_tick, sim, NULL);
      g_source_attach (sim->mo_source, sim->context);
    }
  if (sim->log != NULL)
    {
      /* A safety net: callbacks flush what they log, this catches the rest. */
      sim->flush_source = g_timeout_source_new (100);
      g_source_set_callback (sim->flush_source, flush_tick, sim, NULL);
      g_source_attach (sim->flush_source, sim->context);
    }
  return g_steal_pointer (&sim);
}

static void
destroy_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

void
sr_sim_free (SrSim *sim)
{
  if (sim == NULL)
    return;
  if (sim->service != NULL)
    {
      g_signal_handlers_disconnect_by_data (sim->service, sim);
      g_socket_service_stop (sim->service);
      g_socket_listener_close (G_SOCKET_LISTENER (sim->service));
      g_clear_object (&sim->service);
    }
  while (sim->conns != NULL)
    sr_sim_conn_close (sim->conns->data, "simulator stopped");
  destroy_source (&sim->enquire_source);
  destroy_source (&sim->mo_source);
  destroy_source (&sim->flush_source);
  sr_sim_deliver_clear (sim);
  g_clear_pointer (&sim->mailboxes, g_hash_table_unref);
  g_clear_pointer (&sim->reject_rules, g_ptr_array_unref);
  g_clear_pointer (&sim->stat_rules, g_ptr_array_unref);
  sr_sim_stat_rule_clear (&sim->default_stat);
  if (sim->log != NULL)
    sr_sim_log_flush (sim->log);
  g_clear_pointer (&sim->log, sr_sim_log_close);
  g_free (sim->system_id);
  g_free (sim->password);
  g_main_context_unref (sim->context);
  g_free (sim);
}

guint16
sr_sim_get_port (SrSim *sim)
{
  g_return_val_if_fail (sim != NULL, 0);
  return sim->port;
}

gboolean
sr_sim_inject_mo (SrSim *sim, const char *spec, guint *n_parts, GError **error)
{
  g_autoptr(GPtrArray) deliveries = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_sim_delivery_free);
  guint i;

  g_return_val_if_fail (sim != NULL && spec != NULL, FALSE);

  if (!sr_sim_mo_build (sim, spec, deliveries, error))
    return FALSE;
  for (i = 0; i < deliveries->len; i++)
    {
      sr_sim_deliver_enqueue (sim, g_ptr_array_index (deliveries, i));
      sim->stats.mo_queued++;
    }
  if (n_parts != NULL)
    *n_parts = deliveries->len;
  g_ptr_array_set_free_func (deliveries, NULL);
  sr_sim_deliver_pump_soon (sim);
  return TRUE;
}

void
sr_sim_drop_connections (SrSim *sim)
{
  g_return_if_fail (sim != NULL);
  if (sim->log != NULL)
    sr_sim_log_event (sim->log, NULL, "drop-all", NULL);
  while (sim->conns != NULL)
    sr_sim_conn_close (sim->conns->data, "dropped on request");
  if (sim->log != NULL)
    sr_sim_log_flush (sim->log);
}

static void
send_to_bound (SrSim *sim, guint32 command_id)
{
  GList *l;

  for (l = sim->conns; l != NULL; l = l->next)
    {
      SrSimConn *conn = l->data;
      if (conn->bind == SR_SIM_BIND_NONE || conn->close_after_flush)
        continue;
      sr_sim_conn_send_simple (conn, command_id, 0, sr_sim_conn_next_seq (conn));
      if (command_id == SR_CMD_ENQUIRE_LINK)
        sim->stats.enquire_links_sent++;
    }
  for (l = sim->conns; l != NULL; )
    {
      SrSimConn *conn = l->data;
      l = l->next;   /* flushing may close it */
      sr_sim_conn_flush (conn);
    }
}

void
sr_sim_send_raw (SrSim *sim, const guint8 *data, gsize len)
{
  GList *l;

  g_return_if_fail (sim != NULL);
  for (l = sim->conns; l != NULL; l = l->next)
    {
      if (sim->log != NULL)
        sr_sim_log_event (sim->log, l->data, "raw-sent", NULL);
      sr_sim_conn_queue (l->data, data, len, FALSE);
    }
  for (l = sim->conns; l != NULL; )
    {
      SrSimConn *conn = l->data;
      l = l->next;   /* flushing may close it */
      sr_sim_conn_flush (conn);
    }
}

void
sr_sim_send_enquire_link (SrSim *sim)
{
  g_return_if_fail (sim != NULL);
  send_to_bound (sim, SR_CMD_ENQUIRE_LINK);
}

void
sr_sim_send_unbind (SrSim *sim)
{
  g_return_if_fail (sim != NULL);
  send_to_bound (sim, SR_CMD_UNBIND);
}

static gboolean
parse_uint (const char *key, const char *value, guint *out, GError **error)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT, &v, NULL))
    {
      g_set_error (error, SR_SIM_ERROR, SR_SIM_ERROR_INVALID_OPTION,
                   _("Invalid value “%s” for %s: expected a whole number."), value, key);
      return FALSE;
    }
  *out = (guint) v;
  return TRUE;
}

gboolean
sr_sim_set (SrSim *sim, const char *key, const char *value, GError **error)
{
  /* Numeric options, by name. */
  struct { const char *key; guint *field; } numbers[] = {
    { "throttle-every", &sim->throttle_every },
    { "delay-ms", &sim->delay_ms },
    { "no-response-every", &sim->no_response_every },
    { "late-every", &sim->late_every },
    { "late-ms", &sim->late_ms },
    { "max-window", &sim->max_window },
    { "receipt-delay", &sim->receipt_delay_ms },
    { "deliver-window", &sim->deliver_window },
    { "deliver-retry-ms", &sim->deliver_retry_ms },
    { "drop-after", &sim->drop_after },
    { "garbage-after", &sim->garbage_after },
    { "oversized-after", &sim->oversized_after },
  };
  gsize i;

  g_return_val_if_fail (sim != NULL && key != NULL && value != NULL, FALSE);

  for (i = 0; i < G_N_ELEMENTS (numbers); i++)
    if (strcmp (key, numbers[i].key) == 0)
      {
        if (!parse_uint (key, value, numbers[i].field, error))
          return FALSE;
        if (strcmp (key, "drop-after") == 0)
          sim->drop_base = sim->submit_count, sim->drop_fired = FALSE;
        else if (strcmp (key, "garbage-after") == 0)
          sim->garbage_base = sim->submit_count, sim->garbage_fired = FALSE;
        else if (strcmp (key, "oversized-after") == 0)
          sim->oversized_base = sim->submit_count, sim->oversized_fired = FALSE;
        else if (strcmp (key, "deliver-window") == 0 && sim->deliver_window == 0)
          sim->deliver_window = 1;
        sr_sim_deliver_pump_soon (sim);
        return TRUE;
      }
  if (strcmp (key, "enquire-link") == 0)
    {
      guint seconds;
      if (!parse_uint (key, value, &seconds, error))
        return FALSE;
      set_enquire_link (sim, seconds);
      return TRUE;
    }
  if (strcmp (key, "dribble") == 0 || strcmp (key, "no-receipts") == 0)
    {
      gboolean on = g_strcmp0 (value, "1") == 0 || g_ascii_strcasecmp (value, "yes") == 0
                    || g_ascii_strcasecmp (value, "true") == 0 || g_ascii_strcasecmp (value, "on") == 0;
      if (strcmp (key, "dribble") == 0)
        sim->dribble = on;
      else
        sim->no_receipts = on;
      return TRUE;
    }
  if (strcmp (key, "receipt-stat") == 0)
    {
      SrSimStatRule rule;
      if (!sr_sim_parse_stat_rule (value, FALSE, &rule, error))
        return FALSE;
      sim->default_stat = rule;
      return TRUE;
    }
  if (strcmp (key, "receipt-stat-for") == 0)
    {
      if (value[0] == '\0')
        {
          g_ptr_array_set_size (sim->stat_rules, 0);
          return TRUE;
        }
      return add_stat_rule (sim, value, error);
    }
  if (strcmp (key, "reject-prefix") == 0)
    {
      if (value[0] == '\0')
        {
          g_ptr_array_set_size (sim->reject_rules, 0);
          return TRUE;
        }
      return add_reject_rule (sim, value, error);
    }
  g_set_error (error, SR_SIM_ERROR, SR_SIM_ERROR_INVALID_OPTION,
               _("Unknown setting “%s”."), key);
  return FALSE;
}

void
sr_sim_get_stats (SrSim *sim, SrSimStats *stats)
{
  g_return_if_fail (sim != NULL && stats != NULL);
  *stats = sim->stats;
}

char *
sr_sim_stats_to_json (const SrSimStats *stats)
{
  GString *s = g_string_new ("{");

#define FIELD(name) g_string_append_printf (s, "%s\"" #name "\":%" G_GUINT64_FORMAT, \
                                            s->len > 1 ? "," : "", stats->name)
  FIELD (connections);
  FIELD (connections_open);
  FIELD (binds_ok);
  FIELD (binds_failed);
  FIELD (pdus_received);
  FIELD (pdus_sent);
  FIELD (submits);
  FIELD (submits_ok);
  FIELD (throttled);
  FIELD (rejected);
  FIELD (unanswered);
  FIELD (answered_late);
  FIELD (window_violations);
  FIELD (max_outstanding);
  FIELD (generic_nacks_sent);
  FIELD (generic_nacks_received);
  FIELD (enquire_links_received);
  FIELD (enquire_links_sent);
  FIELD (receipts_queued);
  FIELD (mo_queued);
  FIELD (deliver_sent);
  FIELD (deliver_acked);
  FIELD (deliver_nacked);
  FIELD (deliver_redelivered);
  FIELD (deliver_pending);
  FIELD (deliver_inflight);
  FIELD (faults_injected);
#undef FIELD
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}

void
sr_sim_flush_log (SrSim *sim)
{
  g_return_if_fail (sim != NULL);
  if (sim->log != NULL)
    sr_sim_log_flush (sim->log);
}
