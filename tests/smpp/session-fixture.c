/* session-fixture.c — shared by the SMPP session tests. */
#include "session-fixture.h"


void
on_state (SrSmppSession *s, SrSmppState state, const SrSmppStateChange *change, gpointer data)
{
  Fx *fx = data;
  g_array_append_val (fx->states, state);
  g_free (fx->last_reason);
  fx->last_reason = g_strdup (change->reason);
  if (state == SR_SMPP_STATE_DISCONNECTED)
    {
      fx->downs++;
      g_free (fx->down_reason);
      fx->down_reason = g_strdup (change->reason);
      fx->last_down = *change;
      fx->last_down.reason = NULL;
      if (change->error_class == SR_SMPP_STATUS_SYSTEM)
        fx->system_errors++;
    }
}

void
on_result (SrSmppSession *s, gpointer ref, const SrSmppSubmitResult *r, gpointer data)
{
  Fx *fx = data;
  guint i = GPOINTER_TO_UINT (ref);
  g_assert_cmpuint (i, >=, 1);
  switch (r->outcome)
    {
    case SR_SMPP_SUBMIT_ACCEPTED:
      fx->accepted++;
      g_assert_nonnull (r->message_id);
      g_assert_cmpstr (r->message_id, !=, "");
      if (fx->first_message_id == NULL)
        fx->first_message_id = g_strdup (r->message_id);
      if (fx->outcome)
        {
          if (fx->outcome[i] == 1)
            fx->duplicates++;
          fx->outcome[i] = 1;
        }
      break;
    case SR_SMPP_SUBMIT_REJECTED:
      fx->rejected++;
      g_assert_nonnull (r->reason);
      if (r->requeue)
        {
          fx->requeued++;
          g_queue_push_tail (&fx->retry, ref);
        }
      else if (fx->outcome)
        fx->outcome[i] = 2;
      break;
    case SR_SMPP_SUBMIT_NOT_ACKNOWLEDGED:
      fx->not_acked++;
      g_assert_true (r->requeue);
      g_assert_nonnull (r->reason);
      g_queue_push_tail (&fx->retry, ref);
      break;
    }
}

void
on_deliver (SrSmppSession *s, const SrPdu *pdu, guint64 token, gpointer data)
{
  Fx *fx = data;
  fx->delivers++;
  fx->last_token = token;
  fx->last_was_receipt = (pdu->esm_class & 0x04) != 0;
  if (pdu->tlv_mask & SR_TLV_RECEIPTED_MESSAGE_ID)
    g_strlcpy (fx->last_receipted_id, pdu->receipted_message_id, sizeof fx->last_receipted_id);
  gsize n;
  const guint8 *body = sr_pdu_body (pdu, &n);
  n = MIN (n, sizeof fx->last_text - 1);
  memcpy (fx->last_text, body, n);
  fx->last_text[n] = 0;
  if (fx->auto_ack)
    g_assert_true (sr_smpp_session_ack_deliver (s, token, 0));
}

void
on_window (SrSmppSession *s, guint free_slots, gpointer data)
{
  Fx *fx = data;
  fx->window_events++;
  g_assert_cmpuint (free_slots, >, 0);
  pump (fx);
}

const SrSmppSessionEvents fx_events = {
  .state_changed = on_state,
  .submit_result = on_result,
  .deliver = on_deliver,
  .window_available = on_window,
};

void
fill_submit (SrPdu *p, guint i)
{
  sr_pdu_init (p, SR_CMD_SUBMIT_SM, 0);
  p->source_addr_ton = 1;
  p->source_addr_npi = 1;
  g_strlcpy (p->source_addr, "41791234567", sizeof p->source_addr);
  p->dest_addr_ton = 1;
  p->dest_addr_npi = 1;
  g_snprintf (p->destination_addr, sizeof p->destination_addr, "4479%07u", i);
  p->registered_delivery = 1;
  p->sm_length = (guint) g_snprintf ((char *) p->short_message, sizeof p->short_message,
                                     "message %u", i);
}

void
pump (Fx *fx)
{
  SrPdu p;
  while (!fx->manual && sr_smpp_session_window_free (fx->s) > 0)
    {
      guint i;
      if (!g_queue_is_empty (&fx->retry))
        i = GPOINTER_TO_UINT (g_queue_pop_head (&fx->retry));
      else if (fx->submitted < fx->to_submit)
        i = ++fx->submitted;
      else
        return;
      fill_submit (&p, i);
      g_autoptr (GError) error = NULL;
      gboolean ok = sr_smpp_session_submit (fx->s, &p, GUINT_TO_POINTER (i), &error);
      g_assert_no_error (error);
      g_assert_true (ok);
    }
}

void
fx_setup (Fx *fx, gconstpointer data)
{
  memset (fx, 0, sizeof *fx);
  fx->states = g_array_new (FALSE, FALSE, sizeof (SrSmppState));
  g_queue_init (&fx->retry);
  fx->auto_ack = TRUE;
  fx->cfg = (SrProviderConfig) {
    .name = (char *) "test",
    .host = (char *) "127.0.0.1",
    .system_id = (char *) "router",
    .password = (char *) "secret",
    .system_type = (char *) "",
    .window = 10,
    .enquire_link = 30,
    .response_timeout = 5,
    .reconnect_max = 60,
  };
}

void
fx_teardown (Fx *fx, gconstpointer data)
{
  g_clear_pointer (&fx->s, sr_smpp_session_unref);
  g_clear_pointer (&fx->sim, sr_sim_free);
  /* let closed sockets and cancelled operations settle */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_array_unref (fx->states);
  g_free (fx->last_reason);
  g_free (fx->down_reason);
  g_free (fx->outcome);
  g_free (fx->first_message_id);
  g_queue_clear (&fx->retry);
}

void
start_sim (Fx *fx, SrSimOptions *o)
{
  g_autoptr (GError) error = NULL;
  if (o->system_id == NULL)
    o->system_id = "router";
  if (o->password == NULL)
    o->password = "secret";
  fx->sim = sr_sim_new (o, &error);
  g_assert_no_error (error);
  fx->cfg.port = sr_sim_get_port (fx->sim);
}

void
start_session (Fx *fx, SrSmppBindAs as)
{
  fx->s = sr_smpp_session_new (&fx->cfg, as, &fx_events, fx);
  SrSmppTiming t;
  sr_smpp_session_get_timing (fx->s, &t);
  t.reconnect_initial_ms = 40;
  t.reconnect_max_ms = 200;
  t.throttle_pause_ms = 100;
  t.stop_timeout_ms = 2000;
  t.unbind_timeout_ms = 1000;
  sr_smpp_session_set_timing (fx->s, &t);
  sr_smpp_session_start (fx->s);
}

void
set_timing (Fx *fx, void (*change) (SrSmppTiming *t))
{
  SrSmppTiming t;
  sr_smpp_session_get_timing (fx->s, &t);
  change (&t);
  sr_smpp_session_set_timing (fx->s, &t);
}


gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
run_until_ (Fx *fx, Cond cond, guint ms, const char *what)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (ms, timeout_cb, &timed_out);
  while (!cond (fx) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  if (!cond (fx))
    g_error ("timed out after %u ms waiting for %s (state %s, last reason %s)", ms, what,
             sr_smpp_state_to_string (sr_smpp_session_get_state (fx->s)),
             fx->last_reason ? fx->last_reason : "-");
}

void
run_for (guint ms)
{
  gboolean timed_out = FALSE;
  g_timeout_add (ms, timeout_cb, &timed_out);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);
}

gboolean is_bound (Fx *fx) { return sr_smpp_session_get_state (fx->s) == SR_SMPP_STATE_BOUND; }
gboolean is_down (Fx *fx) { return sr_smpp_session_get_state (fx->s) == SR_SMPP_STATE_DISCONNECTED && fx->downs > 0; }
gboolean all_done (Fx *fx) { return fx->accepted + fx->rejected - fx->requeued >= fx->to_submit; }
gboolean gave_up (Fx *fx) { return fx->downs > 0 && fx->last_down.gave_up; }

SrSimStats
sim_stats (Fx *fx)
{
  SrSimStats st;
  sr_sim_get_stats (fx->sim, &st);
  return st;
}

void
send_all (Fx *fx, guint n)
{
  fx->to_submit = n;
  g_free (fx->outcome);
  fx->outcome = g_malloc0 (n + 1);
  pump (fx);
  run_until (fx, all_done, 10000);
  for (guint i = 1; i <= n; i++)
    g_assert_cmpuint (fx->outcome[i], ==, 1);
  g_assert_cmpuint (fx->duplicates, ==, 0);
}

void
fast_enquire (SrSmppTiming *t)
{
  t->enquire_link_ms = 60;
  t->response_timeout_ms = 300;
}

gboolean
bound_again (Fx *fx)
{
  return fx->downs > 0 && is_bound (fx);
}

