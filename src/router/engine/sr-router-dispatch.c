/* sr-router-dispatch.c — from provider queues to submit_sm: routing,
 * destination affinity, token buckets and the session windows. */
#define G_LOG_DOMAIN "sr-router"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sr-router-private.h"

/* ---- routing -------------------------------------------------------------- */

static guint
route_match (const SrProviderConfig *p, const char *e164)
{
  guint best = 0;

  if (p->route_prefixes == NULL || p->route_prefixes[0] == NULL)
    return 1;
  for (char **r = p->route_prefixes; *r; r++)
    if (g_str_has_prefix (e164, *r) && strlen (*r) + 1 > best)
      best = strlen (*r) + 1;
  return best;
}

/* The provider for @e164: routes by longest prefix, then priority; among
 * equals one with a bound session wins (fail-over). */
SrRouterProvider *
sr_router_route (SrRouter *router, const char *e164)
{
  SrRouterProvider *best = NULL;
  guint best_len = 0;
  gboolean best_bound = FALSE;

  for (guint i = 0; i < router->providers->len; i++)
    {
      SrRouterProvider *p = g_ptr_array_index (router->providers, i);
      guint len = route_match (p->config, e164);
      gboolean bound;

      if (len == 0)
        continue;
      bound = sr_router_provider_bound (p);
      if (best == NULL
          || (bound && !best_bound)
          || (bound == best_bound
              && (len > best_len
                  || (len == best_len && p->config->priority < best->config->priority))))
        {
          best = p;
          best_len = len;
          best_bound = bound;
        }
    }
  return best;
}

/* ---- queues --------------------------------------------------------------- */

void
sr_router_enqueue (SrRouter *router, SrRouterMsg *msg)
{
  msg->stage = SR_MSG_READY;
  g_queue_push_tail_link (&msg->provider->queue, &msg->link);
  sr_router_kick (router);
}

/* A provider with no bound session hands its untouched messages to another
 * provider that routes them and is bound (same split settings: no re-split). */
static void
fail_over (SrRouter *router, SrRouterProvider *from)
{
  GList *l = from->queue.head;

  while (l)
    {
      SrRouterMsg *msg = l->data;
      GList *next = l->next;
      SrRouterProvider *to;

      l = next;
      if (msg->accepted > 0 || msg->next_part > 0)
        continue;
      to = sr_router_route (router, msg->to_e164);
      if (to == NULL || to == from || !sr_router_provider_bound (to)
          || to->config->split != from->config->split
          || to->config->data_coding0 != from->config->data_coding0)
        continue;
      g_queue_unlink (&from->queue, &msg->link);
      msg->provider = to;
      g_queue_push_tail_link (&to->queue, &msg->link);
      sr_router_kick (router);
    }
}

/* ---- submit_sm ------------------------------------------------------------ */

/* SMPP relative time "YYMMDDhhmmss000R" (validity_period, schedule_delivery_time). */
static void
format_validity (gint64 seconds, char out[SR_PDU_TIME_MAX + 2])
{
  gint64 s = CLAMP (seconds, 60, SR_MESSAGE_VALIDITY_MAX);
  guint years = s / (365 * 86400);
  guint months, days, hours, mins, secs;

  s -= (gint64) years * 365 * 86400;
  months = s / (30 * 86400);
  s -= (gint64) months * 30 * 86400;
  days = s / 86400;
  s %= 86400;
  hours = s / 3600;
  mins = (s % 3600) / 60;
  secs = s % 60;
  g_snprintf (out, SR_PDU_TIME_MAX + 2, "%02u%02u%02u%02u%02u%02u000R",
              years, months, days, hours, mins, secs);
}

static void
build_submit (SrRouterMsg *msg, guint index, SrPdu *pdu)
{
  const SrSegment *seg = &msg->split->segments[index];

  sr_pdu_init (pdu, SR_CMD_SUBMIT_SM, 0);
  pdu->source_addr_ton = msg->sender.ton;
  pdu->source_addr_npi = msg->sender.npi;
  g_strlcpy (pdu->source_addr, msg->sender.addr, sizeof pdu->source_addr);
  pdu->dest_addr_ton = SR_TON_INTERNATIONAL;
  pdu->dest_addr_npi = SR_NPI_ISDN;
  g_strlcpy (pdu->destination_addr, msg->to_e164[0] == '+' ? msg->to_e164 + 1 : msg->to_e164,
             sizeof pdu->destination_addr);
  pdu->esm_class = seg->esm_class;
  pdu->registered_delivery = msg->report ? 1 : 0;
  pdu->data_coding = seg->data_coding;
  gint mclass = msg->flash ? 0 : msg->parsed != NULL ? sr_message_get_class (msg->parsed) : -1;
  if (mclass >= 0)
    sr_data_coding_with_class (seg->data_coding, (guint) mclass, &pdu->data_coding);
  if (msg->validity > 0)
    format_validity (msg->validity, pdu->validity_period);
  /* Deferred: the SMSC holds it (relative to its arrival there). */
  gint64 deferred = msg->parsed != NULL ? sr_message_get_deferred (msg->parsed) : -1;
  if (deferred > 0)
    format_validity (deferred, pdu->schedule_delivery_time);
  if (seg->payload)
    {
      pdu->tlv_mask |= SR_TLV_MESSAGE_PAYLOAD;
      pdu->message_payload = seg->data;
      pdu->message_payload_len = seg->length;
    }
  else
    {
      pdu->sm_length = seg->length;
      memcpy (pdu->short_message, seg->data, MIN (seg->length, sizeof pdu->short_message));
    }
  if (seg->sar)
    {
      pdu->tlv_mask |= SR_TLV_SAR_MSG_REF_NUM | SR_TLV_SAR_TOTAL_SEGMENTS | SR_TLV_SAR_SEGMENT_SEQNUM;
      pdu->sar_msg_ref_num = seg->sar_msg_ref_num;
      pdu->sar_total_segments = seg->sar_total_segments;
      pdu->sar_segment_seqnum = seg->sar_segment_seqnum;
    }
}

/* ---- the dispatch loop ---------------------------------------------------- */

static gboolean throttle_cb (gpointer user_data);

/* How long the current wait for a token has lasted at @now: until the
 * bucket held a whole token again, or until @now; *@over when it ended. */
static gint64
bucket_wait (SrRouterProvider *p, gint64 now, gboolean *over)
{
  guint rate = p->config->throughput;
  gint64 end = now;

  *over = rate == 0 || p->tokens + (now - p->tokens_at) * rate / 1e6 >= 1.0;
  if (rate > 0 && *over)
    end = MIN (now, p->tokens_at + (gint64) ((1.0 - p->tokens) * 1e6 / rate));
  return MAX (0, end - p->bucket_wait_since);
}

gint64
sr_router_provider_bucket_wait_us (SrRouterProvider *p, gint64 now)
{
  gboolean over;

  if (p->bucket_wait_since == 0)
    return p->bucket_wait_us;
  return p->bucket_wait_us + bucket_wait (p, now, &over);
}

static void
refill (SrRouterProvider *p, gint64 now)
{
  guint rate = p->config->throughput;
  /* A tenth of a second's worth at most: a burst never exceeds the rate much. */
  double burst = MAX (1.0, rate / 10.0);

  if (p->bucket_wait_since != 0)
    {
      gboolean over;
      gint64 waited = bucket_wait (p, now, &over);

      if (over)
        {
          p->bucket_wait_us += waited;
          p->bucket_wait_since = 0;
        }
    }
  if (rate == 0)
    return;
  p->tokens = MIN (burst, p->tokens + (now - p->tokens_at) * rate / 1e6);
  p->tokens_at = now;
}

static SrRouterBind *
choose_bind (SrRouterProvider *p, SrRouterMsg *msg)
{
  SrRouterBind *bound[64];
  guint n = 0;

  if (msg->affinity && msg->affinity->session
      && sr_smpp_session_get_state (msg->affinity->session) == SR_SMPP_STATE_BOUND)
    return msg->affinity;
  for (guint i = 0; i < p->binds->len && n < G_N_ELEMENTS (bound); i++)
    {
      SrRouterBind *b = g_ptr_array_index (p->binds, i);

      if (b->can_submit && b->session
          && sr_smpp_session_get_state (b->session) == SR_SMPP_STATE_BOUND)
        bound[n++] = b;
    }
  if (n == 0)
    return NULL;
  /* One destination, one session: its messages keep their order. */
  return bound[msg->dest_hash % n];
}

/* Submits what the provider may send now; returns the ms until tokens
 * are due when the bucket stopped it, 0 otherwise. */
static guint
dispatch_provider (SrRouter *router, SrRouterProvider *p, gint64 now)
{
  refill (p, now);
  while (p->queue.head)
    {
      SrRouterMsg *msg = p->queue.head->data;
      SrRouterBind *bind;
      g_autoptr(GError) error = NULL;
      SrPdu pdu;
      SrRouterPart *part;

      while (msg->next_part < msg->n_parts && msg->parts[msg->next_part].submit == SR_SEGMENT_ACCEPTED)
        msg->next_part++;
      if (msg->next_part >= msg->n_parts)
        {
          g_queue_unlink (&p->queue, &msg->link);
          msg->stage = SR_MSG_SUBMITTED;
          if (msg->in_flight == 0)
            sr_router_finish_sent (router, msg);
          continue;
        }
      bind = choose_bind (p, msg);
      if (bind == NULL || sr_smpp_session_window_free (bind->session) == 0)
        break;
      /* Durability rule 2: at most `window` parts per bind may be resent
       * after a crash, so accepted parts not yet committed hold their slot. */
      if (sr_router_provider_outstanding (p) + p->unjournalled >= p->config->window * MAX (p->config->binds, 1))
        break;
      if (p->config->throughput > 0 && p->tokens < 1.0)
        {
          if (p->bucket_wait_since == 0)
            {
              p->bucket_wait_since = now;
              p->bucket_waits++;
            }
          return MAX (1, (guint) ((1.0 - p->tokens) * 1000.0 / p->config->throughput + 0.999));
        }

      part = &msg->parts[msg->next_part];
      build_submit (msg, msg->next_part, &pdu);
      if (!sr_smpp_session_submit (bind->session, &pdu, part, &error))
        {
          if (g_error_matches (error, SR_SMPP_SESSION_ERROR, SR_SMPP_SESSION_ERROR_INVALID))
            {
              g_queue_unlink (&p->queue, &msg->link);
              msg->stage = SR_MSG_SUBMITTED;
              sr_router_fail (router, msg, SR_ERROR_CLASS_INPUT, 0, error->message);
              continue;
            }
          break;
        }
      if (p->config->throughput > 0)
        p->tokens -= 1.0;
      msg->affinity = bind;
      part->submit = SR_SEGMENT_IN_FLIGHT;
      part->bind = bind;
      msg->in_flight++;
      router->in_flight++;
      msg->next_part++;
      while (msg->next_part < msg->n_parts && msg->parts[msg->next_part].submit == SR_SEGMENT_ACCEPTED)
        msg->next_part++;
      if (msg->next_part >= msg->n_parts)
        {
          /* Every part is out: the results decide what happens next. */
          g_queue_unlink (&p->queue, &msg->link);
          msg->stage = SR_MSG_SUBMITTED;
        }
    }
  return 0;
}

static gboolean
dispatch_cb (gpointer user_data)
{
  SrRouter *router = user_data;
  gint64 now = g_get_monotonic_time ();
  guint wait = 0;

  router->kick_source = 0;
  /* No submit while the journal cannot commit: its acceptance could not be
   * recorded (the health callback kicks again). */
  if (router->paused || router->stopping || !sr_journal_is_healthy (router->journal))
    return G_SOURCE_REMOVE;
  for (guint i = 0; i < router->providers->len; i++)
    {
      SrRouterProvider *p = g_ptr_array_index (router->providers, i);
      guint w;

      if (p->queue.length == 0)
        continue;
      if (!sr_router_provider_bound (p))
        {
          fail_over (router, p);
          continue;
        }
      w = dispatch_provider (router, p, now);
      if (w && (wait == 0 || w < wait))
        wait = w;
    }
  if (wait && router->throttle_source == 0)
    router->throttle_source = g_timeout_add (wait, throttle_cb, router);
  return G_SOURCE_REMOVE;
}

static gboolean
throttle_cb (gpointer user_data)
{
  SrRouter *router = user_data;

  router->throttle_source = 0;
  dispatch_cb (router);
  return G_SOURCE_REMOVE;
}

void
sr_router_kick (SrRouter *router)
{
  if (router->kick_source == 0 && router->throttle_source == 0
      && !router->paused && !router->stopping)
    router->kick_source = g_idle_add_full (G_PRIORITY_DEFAULT, dispatch_cb, router, NULL);
}
