/* Integration tests of the SMPP client session against the SMSC simulator
 * (embedded, over real loopback TCP) and a scripted peer for the cases the
 * simulator does not produce (unknown commands, silent links). */
#include <string.h>
#include <gio/gio.h>

#include "sr-pdu.h"
#include "sr-sim.h"
#include "sr-smpp-session.h"

#define ESME_RINVPASWD 0x0Eu
#define ESME_RINVSYSID 0x0Fu
#define ESME_RTHROTTLED 0x58u
#define ESME_RINVCMDID 0x03u

/* Everything one test observes. */
typedef struct {
  SrSim *sim;
  SrProviderConfig cfg;
  SrSmppSession *s;
  GArray *states;              /* SrSmppState, in order */
  char *last_reason;
  char *down_reason;           /* reason of the last DISCONNECTED */
  SrSmppStateChange last_down; /* the last DISCONNECTED change */
  guint downs;
  guint system_errors;
  guint accepted, rejected, not_acked, requeued;
  guint window_events;
  guint paused_refusals;
  /* the pump: submits messages 1..to_submit, resubmits what is requeued */
  guint to_submit, submitted;
  gboolean manual;             /* no pump: the test submits by hand */
  GQueue retry;
  guint8 *outcome;             /* per message: 0 none, 1 accepted, 2 rejected */
  guint duplicates;
  char *first_message_id;
  /* inbound */
  guint delivers;
  guint64 last_token;
  gboolean auto_ack;
  gboolean last_was_receipt;
  char last_receipted_id[70];
  char last_text[300];
} Fx;

static void pump (Fx *fx);

static void
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

static void
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

static void
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

static void
on_window (SrSmppSession *s, guint free_slots, gpointer data)
{
  Fx *fx = data;
  fx->window_events++;
  g_assert_cmpuint (free_slots, >, 0);
  pump (fx);
}

static const SrSmppSessionEvents events = {
  .state_changed = on_state,
  .submit_result = on_result,
  .deliver = on_deliver,
  .window_available = on_window,
};

static void
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

static void
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

static void
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

static void
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

static void
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

/* Fast timing so each case takes well under a second. */
static void
start_session (Fx *fx, SrSmppBindAs as)
{
  fx->s = sr_smpp_session_new (&fx->cfg, as, &events, fx);
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

static void
set_timing (Fx *fx, void (*change) (SrSmppTiming *t))
{
  SrSmppTiming t;
  sr_smpp_session_get_timing (fx->s, &t);
  change (&t);
  sr_smpp_session_set_timing (fx->s, &t);
}

typedef gboolean (*Cond) (Fx *fx);

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
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
#define run_until(fx, cond, ms) run_until_ ((fx), (cond), (ms), #cond)

static void
run_for (guint ms)
{
  gboolean timed_out = FALSE;
  g_timeout_add (ms, timeout_cb, &timed_out);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean is_bound (Fx *fx) { return sr_smpp_session_get_state (fx->s) == SR_SMPP_STATE_BOUND; }
static gboolean is_down (Fx *fx) { return sr_smpp_session_get_state (fx->s) == SR_SMPP_STATE_DISCONNECTED && fx->downs > 0; }
static gboolean all_done (Fx *fx) { return fx->accepted + fx->rejected - fx->requeued >= fx->to_submit; }
static gboolean gave_up (Fx *fx) { return fx->downs > 0 && fx->last_down.gave_up; }

static SrSimStats
sim_stats (Fx *fx)
{
  SrSimStats st;
  sr_sim_get_stats (fx->sim, &st);
  return st;
}

static void
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

/* ---- bind -------------------------------------------------------------- */

static void
test_bind_ok (Fx *fx, gconstpointer data)
{
  SrSimOptions o;
  sr_sim_options_init (&o);
  start_sim (fx, &o);
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  g_assert_cmpint (sr_smpp_session_get_state (fx->s), ==, SR_SMPP_STATE_CONNECTING);
  run_until (fx, is_bound, 3000);
  static const SrSmppState expect[] = { SR_SMPP_STATE_CONNECTING, SR_SMPP_STATE_BINDING,
                                        SR_SMPP_STATE_BOUND };
  g_assert_cmpmem (fx->states->data, fx->states->len * sizeof (SrSmppState), expect, sizeof expect);
  g_assert_cmpuint (fx->window_events, >=, 1);
  g_assert_cmpuint (sr_smpp_session_window_free (fx->s), ==, 10);
  g_autofree char *name = g_strdup_printf ("router@127.0.0.1:%u", fx->cfg.port);
  g_assert_cmpstr (sr_smpp_session_get_name (fx->s), ==, name);

  send_all (fx, 50);
  g_assert_cmpuint (fx->accepted, ==, 50);
  g_assert_cmpuint (sim_stats (fx).submits_ok, ==, 50);
  g_assert_cmpuint (sim_stats (fx).binds_ok, ==, 1);
}

/* Invalid PDUs and wrong states are refused at once, nothing is sent. */
static void
test_submit_refusals (Fx *fx, gconstpointer data)
{
  SrSimOptions o;
  sr_sim_options_init (&o);
  start_sim (fx, &o);
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  SrPdu p;
  fill_submit (&p, 1);
  g_autoptr (GError) e1 = NULL;
  g_assert_false (sr_smpp_session_submit (fx->s, &p, GUINT_TO_POINTER (1), &e1));
  g_assert_error (e1, SR_SMPP_SESSION_ERROR, SR_SMPP_SESSION_ERROR_NOT_BOUND);
  run_until (fx, is_bound, 3000);

  g_strlcpy (p.destination_addr, "123456789012345678901234", sizeof p.destination_addr);
  g_autoptr (GError) e2 = NULL;
  g_assert_false (sr_smpp_session_submit (fx->s, &p, GUINT_TO_POINTER (1), &e2));
  g_assert_error (e2, SR_SMPP_SESSION_ERROR, SR_SMPP_SESSION_ERROR_INVALID);
  g_assert_nonnull (strstr (e2->message, "destination_addr"));
  g_assert_cmpuint (sr_smpp_session_outstanding (fx->s), ==, 0);

  sr_pdu_init (&p, SR_CMD_ENQUIRE_LINK, 0);
  g_autoptr (GError) e3 = NULL;
  g_assert_false (sr_smpp_session_submit (fx->s, &p, GUINT_TO_POINTER (1), &e3));
  g_assert_error (e3, SR_SMPP_SESSION_ERROR, SR_SMPP_SESSION_ERROR_INVALID);

  /* window full */
  for (guint i = 1; i <= 10; i++)
    {
      fill_submit (&p, i);
      g_assert_true (sr_smpp_session_submit (fx->s, &p, GUINT_TO_POINTER (i), NULL));
    }
  fill_submit (&p, 11);
  g_autoptr (GError) e4 = NULL;
  g_assert_false (sr_smpp_session_submit (fx->s, &p, GUINT_TO_POINTER (11), &e4));
  g_assert_error (e4, SR_SMPP_SESSION_ERROR, SR_SMPP_SESSION_ERROR_WINDOW_FULL);
  fx->to_submit = 10;
  run_until (fx, all_done, 3000);
  g_assert_cmpuint (fx->accepted, ==, 10);
}

static void
test_bind_transmitter_receiver (Fx *fx, gconstpointer data)
{
  SrSimOptions o;
  sr_sim_options_init (&o);
  o.receipt_delay_ms = 1;
  start_sim (fx, &o);
  start_session (fx, SR_SMPP_BIND_AS_TRANSMITTER);
  run_until (fx, is_bound, 3000);

  Fx rx;
  fx_setup (&rx, NULL);
  rx.cfg.port = fx->cfg.port;
  start_session (&rx, SR_SMPP_BIND_AS_RECEIVER);
  run_until (&rx, is_bound, 3000);
  g_assert_cmpuint (sr_smpp_session_window_free (rx.s), ==, 0);   /* receivers do not submit */
  SrPdu p;
  fill_submit (&p, 1);
  g_autoptr (GError) error = NULL;
  g_assert_false (sr_smpp_session_submit (rx.s, &p, NULL, &error));
  g_assert_error (error, SR_SMPP_SESSION_ERROR, SR_SMPP_SESSION_ERROR_NOT_BOUND);

  send_all (fx, 3);
  /* the receipts come in on the receiver bind */
  while (rx.delivers < 3)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (rx.last_was_receipt);
  g_assert_cmpuint (fx->delivers, ==, 0);
  g_assert_cmpuint (sim_stats (fx).binds_ok, ==, 2);
  fx_teardown (&rx, NULL);
}

/* Wrong credentials: a few attempts, a system error each time, then no
 * more attempts until restart. */
typedef struct {
  const char *system_id;
  const char *password;
  guint32 status;
} BadCredentials;

static const BadCredentials bad_password = { "router", "wrong", ESME_RINVPASWD };
static const BadCredentials bad_system_id = { "nobody", "secret", ESME_RINVSYSID };

static void
test_bind_refused (Fx *fx, gconstpointer data)
{
  const BadCredentials *bad = data;
  SrSimOptions o;
  sr_sim_options_init (&o);
  start_sim (fx, &o);
  fx->cfg.system_id = (char *) bad->system_id;
  fx->cfg.password = (char *) bad->password;
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  run_until (fx, gave_up, 5000);

  SrSmppTiming t;
  sr_smpp_session_get_timing (fx->s, &t);
  g_assert_cmpuint (fx->downs, ==, t.auth_attempts);
  g_assert_cmpuint (fx->system_errors, ==, t.auth_attempts);
  g_assert_cmpuint (fx->last_down.command_status, ==, bad->status);
  g_assert_cmpint (fx->last_down.error_class, ==, SR_SMPP_STATUS_SYSTEM);
  g_assert_false (fx->last_down.will_reconnect);
  g_assert_nonnull (strstr (fx->last_reason, bad->status == ESME_RINVPASWD ? "ESME_RINVPASWD"
                                                                          : "ESME_RINVSYSID"));
  g_assert_null (strstr (fx->last_reason, bad->password));   /* never the password */
  /* no reconnect storm: nothing happens for ten backoff periods */
  run_for (500);
  g_assert_cmpuint (sim_stats (fx).binds_failed, ==, t.auth_attempts);
  g_assert_cmpint (sr_smpp_session_get_state (fx->s), ==, SR_SMPP_STATE_DISCONNECTED);
  sr_smpp_session_start (fx->s);   /* start alone does not override the give-up */
  run_for (100);
  g_assert_cmpuint (sim_stats (fx).binds_failed, ==, t.auth_attempts);

  /* the operator asks again */
  guint before = fx->downs;
  fx->last_down.gave_up = FALSE;
  sr_smpp_session_restart (fx->s);
  run_until (fx, gave_up, 5000);
  g_assert_cmpuint (fx->downs, ==, before + t.auth_attempts);
  g_assert_cmpuint (sim_stats (fx).binds_failed, ==, 2 * t.auth_attempts);
}

/* A port nobody listens on: system-wide error, reconnect with backoff. */
static void
test_connect_refused (Fx *fx, gconstpointer data)
{
  g_autoptr (GSocketListener) l = g_socket_listener_new ();
  guint16 port = g_socket_listener_add_any_inet_port (l, NULL, NULL);
  g_socket_listener_close (l);
  fx->cfg.port = port;
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  run_until (fx, is_down, 3000);
  g_assert_cmpint (fx->last_down.error_class, ==, SR_SMPP_STATUS_SYSTEM);
  g_assert_true (fx->last_down.will_reconnect);
  g_assert_nonnull (strstr (fx->last_reason, "cannot connect"));
  guint first_delay = fx->last_down.reconnect_in_ms;
  g_assert_cmpuint (first_delay, >=, 20);
  g_assert_cmpuint (first_delay, <=, 40);
  while (fx->downs < 4)
    g_main_context_iteration (NULL, TRUE);
  /* doubling, capped at reconnect_max (200 ms), with jitter in [d/2, d] */
  g_assert_cmpuint (fx->last_down.reconnect_in_ms, >=, 100);
  g_assert_cmpuint (fx->last_down.reconnect_in_ms, <=, 200);
  sr_smpp_session_stop (fx->s);
  guint downs = fx->downs;
  run_for (300);
  g_assert_cmpuint (fx->downs, ==, downs);   /* stop cancels the reconnect */
}

/* ---- window --------------------------------------------------------- */

static void
small_window (SrSmppTiming *t)
{
  t->window = 4;
}

static void
test_window_respected (Fx *fx, gconstpointer data)
{
  SrSimOptions o;
  sr_sim_options_init (&o);
  o.delay_ms = 5;          /* responses held back, so the window fills */
  o.max_window = 4;        /* the simulator counts any excess as a violation */
  o.no_receipts = TRUE;
  start_sim (fx, &o);
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  set_timing (fx, small_window);
  run_until (fx, is_bound, 3000);
  send_all (fx, 200);
  SrSimStats st = sim_stats (fx);
  g_assert_cmpuint (st.window_violations, ==, 0);
  g_assert_cmpuint (st.throttled, ==, 0);
  g_assert_cmpuint (st.max_outstanding, ==, 4);   /* used fully, never exceeded */
  g_assert_cmpuint (st.submits_ok, ==, 200);
}

static void
wide_window (SrSmppTiming *t)
{
  t->window = 200;
}

/* The submit path is cheap: prints the rate through one session, asserts a
 * floor low enough for sanitizer builds on a busy machine. */
static void
test_throughput (Fx *fx, gconstpointer data)
{
  SrSimOptions o;
  sr_sim_options_init (&o);
  o.no_receipts = TRUE;
  start_sim (fx, &o);
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  set_timing (fx, wide_window);
  run_until (fx, is_bound, 3000);
  const guint n = 30000;
  gint64 t0 = g_get_monotonic_time ();
  send_all (fx, n);
  double secs = (g_get_monotonic_time () - t0) / 1e6;
  g_test_message ("%u submits in %.3f s: %.0f per second through one session", n, secs, n / secs);
  g_assert_cmpuint (sim_stats (fx).submits_ok, ==, n);
  g_assert_cmpfloat (n / secs, >, 2000);
}

/* ---- enquire_link --------------------------------------------------- */

static void
fast_enquire (SrSmppTiming *t)
{
  t->enquire_link_ms = 60;
  t->response_timeout_ms = 300;
}

static void
test_enquire_link (Fx *fx, gconstpointer data)
{
  SrSimOptions o;
  sr_sim_options_init (&o);
  start_sim (fx, &o);
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  set_timing (fx, fast_enquire);
  run_until (fx, is_bound, 3000);
  run_for (400);
  SrSimStats st = sim_stats (fx);
  g_assert_cmpuint (st.enquire_links_received, >=, 3);
  g_assert_cmpuint (st.enquire_links_received, <=, 8);
  g_assert_cmpuint (fx->downs, ==, 0);   /* answered: the link stays up */

  /* the SMSC asks us */
  guint64 before = sim_stats (fx).pdus_received;
  sr_sim_send_enquire_link (fx->sim);
  run_for (50);
  g_assert_cmpuint (sim_stats (fx).enquire_links_sent, ==, 1);
  g_assert_cmpuint (sim_stats (fx).pdus_received, >, before);
  g_assert_cmpuint (sim_stats (fx).generic_nacks_received, ==, 0);
  g_assert_true (is_bound (fx));
}

/* ---- link loss -------------------------------------------------------- */

static gboolean
bound_again (Fx *fx)
{
  return fx->downs > 0 && is_bound (fx);
}

static void
test_reconnect_after_drop (Fx *fx, gconstpointer data)
{
  SrSimOptions o;
  sr_sim_options_init (&o);
  o.delay_ms = 30;         /* several requests in flight when the link drops */
  o.drop_after = 5;
  o.no_receipts = TRUE;
  start_sim (fx, &o);
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  run_until (fx, is_bound, 3000);
  fx->to_submit = 10;
  fx->outcome = g_malloc0 (11);
  pump (fx);
  run_until (fx, bound_again, 3000);
  g_assert_cmpuint (fx->not_acked, >=, 1);   /* reported back, not lost */
  g_assert_true (fx->last_down.will_reconnect);
  g_assert_cmpint (fx->last_down.error_class, ==, SR_SMPP_STATUS_TEMPORARY);
  /* the caller resubmits them on the new bind */
  run_until (fx, all_done, 5000);
  for (guint i = 1; i <= 10; i++)
    g_assert_cmpuint (fx->outcome[i], ==, 1);
  g_assert_cmpuint (sim_stats (fx).binds_ok, ==, 2);
}

static void
test_smsc_unbind (Fx *fx, gconstpointer data)
{
  SrSimOptions o;
  sr_sim_options_init (&o);
  start_sim (fx, &o);
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  run_until (fx, is_bound, 3000);
  sr_sim_send_unbind (fx->sim);
  run_until (fx, bound_again, 3000);
  g_assert_cmpstr (fx->down_reason, ==, "the SMSC unbound");
  g_assert_true (fx->last_down.will_reconnect);
  g_assert_cmpuint (sim_stats (fx).binds_ok, ==, 2);
}

/* ---- throttling ------------------------------------------------------- */

static void
test_throttled (Fx *fx, gconstpointer data)
{
  SrSimOptions o;
  sr_sim_options_init (&o);
  o.throttle_every = 7;
  o.no_receipts = TRUE;
  start_sim (fx, &o);
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  run_until (fx, is_bound, 3000);
  gint64 t0 = g_get_monotonic_time ();
  send_all (fx, 30);
  gint64 took = g_get_monotonic_time () - t0;
  SrSimStats st = sim_stats (fx);
  g_assert_cmpuint (st.throttled, >=, 4);
  g_assert_cmpuint (fx->requeued, ==, st.throttled);
  g_assert_cmpuint (st.submits_ok, ==, 30);
  /* each throttle paused the bind for 100 ms */
  g_assert_cmpint (took, >=, 3 * 100 * 1000);
}

static void
test_paused_refuses (Fx *fx, gconstpointer data)
{
  SrSimOptions o;
  sr_sim_options_init (&o);
  o.throttle_every = 1;
  start_sim (fx, &o);
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  run_until (fx, is_bound, 3000);
  SrPdu p;
  fill_submit (&p, 1);
  g_assert_true (sr_smpp_session_submit (fx->s, &p, GUINT_TO_POINTER (1), NULL));
  while (fx->rejected == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fx->requeued, ==, 1);
  g_assert_cmpuint (sr_smpp_session_window_free (fx->s), ==, 0);
  g_autoptr (GError) error = NULL;
  g_assert_false (sr_smpp_session_submit (fx->s, &p, GUINT_TO_POINTER (1), &error));
  g_assert_error (error, SR_SMPP_SESSION_ERROR, SR_SMPP_SESSION_ERROR_PAUSED);
  g_queue_clear (&fx->retry);   /* the pump must not resubmit it here */
  guint window_events = fx->window_events;
  run_for (150);
  g_assert_cmpuint (fx->window_events, >, window_events);   /* told when the pause ends */
  g_assert_cmpuint (sr_smpp_session_window_free (fx->s), ==, 10);
}

/* ---- response timeout ----------------------------------------------- */

static void
short_response_timeout (SrSmppTiming *t)
{
  t->response_timeout_ms = 150;
}

static void
test_response_timeout (Fx *fx, gconstpointer data)
{
  SrSimOptions o;
  sr_sim_options_init (&o);
  o.no_response_every = 2;
  o.no_receipts = TRUE;
  start_sim (fx, &o);
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  set_timing (fx, short_response_timeout);
  run_until (fx, is_bound, 3000);
  fx->manual = TRUE;
  SrPdu p;
  for (guint i = 1; i <= 4; i++)
    {
      fill_submit (&p, i);
      g_assert_true (sr_smpp_session_submit (fx->s, &p, GUINT_TO_POINTER (i), NULL));
    }
  gint64 t0 = g_get_monotonic_time ();
  while (fx->accepted + fx->not_acked < 4)
    g_main_context_iteration (NULL, TRUE);
  gint64 took = g_get_monotonic_time () - t0;
  g_assert_cmpuint (fx->accepted, ==, 2);
  g_assert_cmpuint (fx->not_acked, ==, 2);
  g_assert_cmpint (took, >=, 140 * 1000);
  g_assert_cmpint (took, <, 1000 * 1000);
  g_assert_true (is_bound (fx));
  g_assert_cmpuint (sr_smpp_session_outstanding (fx->s), ==, 0);
}

/* ---- hostile bytes --------------------------------------------------- */

typedef struct {
  const char *key;
  const char *value;
} Fault;

static const Fault fault_garbage = { "garbage-after", "3" };
static const Fault fault_oversized = { "oversized-after", "3" };

static void
test_bad_stream (Fx *fx, gconstpointer data)
{
  const Fault *fault = data;
  SrSimOptions o;
  sr_sim_options_init (&o);
  o.no_receipts = TRUE;
  start_sim (fx, &o);
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  run_until (fx, is_bound, 3000);
  g_autoptr (GError) error = NULL;
  g_assert_true (sr_sim_set (fx->sim, fault->key, fault->value, &error));
  fx->to_submit = 10;
  fx->outcome = g_malloc0 (11);
  pump (fx);
  run_until (fx, bound_again, 3000);
  g_assert_nonnull (strstr (fx->down_reason, "command_length"));
  g_assert_true (fx->last_down.will_reconnect);
  run_until (fx, all_done, 5000);
  for (guint i = 1; i <= 10; i++)
    g_assert_cmpuint (fx->outcome[i], ==, 1);
}

static void
test_dribble (Fx *fx, gconstpointer data)
{
  SrSimOptions o;
  sr_sim_options_init (&o);
  o.dribble = TRUE;
  o.receipt_delay_ms = 1;
  start_sim (fx, &o);
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  run_until (fx, is_bound, 3000);
  send_all (fx, 5);
  while (fx->delivers < 5)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fx->downs, ==, 0);
  g_assert_true (fx->last_was_receipt);
}

/* ---- deliver_sm: the response waits for the caller ---------------------- */

static void
test_deliver_ack_after_durable (Fx *fx, gconstpointer data)
{
  SrSimOptions o;
  sr_sim_options_init (&o);
  start_sim (fx, &o);
  fx->auto_ack = FALSE;
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  run_until (fx, is_bound, 3000);
  g_autoptr (GError) error = NULL;
  guint parts = 0;
  g_assert_true (sr_sim_inject_mo (fx->sim, "from=+41791112233,to=+41790000000,text=hello router",
                                   &parts, &error));
  g_assert_no_error (error);
  while (fx->delivers < 1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (fx->last_text, ==, "hello router");
  run_for (100);
  /* not made durable yet: no deliver_sm_resp */
  g_assert_cmpuint (sim_stats (fx).deliver_acked, ==, 0);
  g_assert_cmpuint (sim_stats (fx).deliver_inflight, ==, 1);
  g_assert_true (sr_smpp_session_ack_deliver (fx->s, fx->last_token, 0));
  g_assert_false (sr_smpp_session_ack_deliver (fx->s, fx->last_token, 0));   /* once only */
  run_for (50);
  g_assert_cmpuint (sim_stats (fx).deliver_acked, ==, 1);

  /* a token from a dropped connection is refused; the SMSC redelivers */
  g_assert_true (sr_sim_inject_mo (fx->sim, "from=+41791112233,to=+41790000000,text=again",
                                   &parts, &error));
  while (fx->delivers < 2)
    g_main_context_iteration (NULL, TRUE);
  guint64 stale = fx->last_token;
  sr_sim_drop_connections (fx->sim);
  run_until (fx, bound_again, 3000);
  g_assert_false (sr_smpp_session_ack_deliver (fx->s, stale, 0));
  while (fx->delivers < 3)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (fx->last_text, ==, "again");
  g_assert_true (sr_smpp_session_ack_deliver (fx->s, fx->last_token, 0));
  run_for (50);
  g_assert_cmpuint (sim_stats (fx).deliver_acked, ==, 2);
}

static void
test_receipt (Fx *fx, gconstpointer data)
{
  SrSimOptions o;
  sr_sim_options_init (&o);
  o.receipt_delay_ms = 1;
  start_sim (fx, &o);
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  run_until (fx, is_bound, 3000);
  send_all (fx, 1);
  while (fx->delivers < 1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (fx->last_was_receipt);
  g_assert_cmpstr (fx->last_receipted_id, ==, fx->first_message_id);
  g_assert_nonnull (strstr (fx->last_text, "stat:DELIVRD"));
}

/* ---- graceful stop ------------------------------------------------------ */

static gboolean
stopped (Fx *fx)
{
  return fx->downs > 0 && fx->last_down.stopped;
}

static void
test_graceful_stop (Fx *fx, gconstpointer data)
{
  SrSimOptions o;
  sr_sim_options_init (&o);
  o.delay_ms = 80;
  o.no_receipts = TRUE;
  start_sim (fx, &o);
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  run_until (fx, is_bound, 3000);
  SrPdu p;
  for (guint i = 1; i <= 5; i++)
    {
      fill_submit (&p, i);
      g_assert_true (sr_smpp_session_submit (fx->s, &p, GUINT_TO_POINTER (i), NULL));
    }
  run_for (10);
  sr_smpp_session_stop (fx->s);
  g_autoptr (GError) error = NULL;
  fill_submit (&p, 6);
  g_assert_false (sr_smpp_session_submit (fx->s, &p, GUINT_TO_POINTER (6), &error));
  g_assert_error (error, SR_SMPP_SESSION_ERROR, SR_SMPP_SESSION_ERROR_STOPPING);
  run_until (fx, stopped, 3000);
  /* every response arrived before the unbind */
  g_assert_cmpuint (fx->accepted, ==, 5);
  g_assert_cmpuint (fx->not_acked, ==, 0);
  g_assert_false (fx->last_down.will_reconnect);
  SrSmppState last3[3];
  memcpy (last3, &g_array_index (fx->states, SrSmppState, fx->states->len - 2),
          2 * sizeof (SrSmppState));
  g_assert_cmpint (last3[0], ==, SR_SMPP_STATE_UNBINDING);
  g_assert_cmpint (last3[1], ==, SR_SMPP_STATE_DISCONNECTED);
  g_assert_true (g_str_has_prefix (fx->down_reason, "stopped"));
  run_for (150);
  g_assert_cmpuint (sim_stats (fx).binds_ok, ==, 1);   /* and no reconnect */
}

static void
short_stop (SrSmppTiming *t)
{
  t->stop_timeout_ms = 100;
}

/* Responses that never come: the stop is bounded, they are reported back. */
static void
test_stop_bounded (Fx *fx, gconstpointer data)
{
  SrSimOptions o;
  sr_sim_options_init (&o);
  o.no_response_every = 1;
  start_sim (fx, &o);
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  set_timing (fx, short_stop);
  run_until (fx, is_bound, 3000);
  SrPdu p;
  fill_submit (&p, 1);
  g_assert_true (sr_smpp_session_submit (fx->s, &p, GUINT_TO_POINTER (1), NULL));
  run_for (10);
  gint64 t0 = g_get_monotonic_time ();
  sr_smpp_session_stop (fx->s);
  run_until (fx, stopped, 3000);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 1000 * 1000);
  g_assert_cmpuint (fx->not_acked, ==, 1);
}

/* ---- a scripted peer for what the simulator does not do ------------------- */

/* A one-connection SMSC driven by the test. */
typedef struct {
  GSocketListener *listener;
  guint16 port;
  GSocketConnection *conn;
  GByteArray *in;
} Peer;

static void
peer_start (Peer *peer)
{
  memset (peer, 0, sizeof *peer);
  peer->listener = g_socket_listener_new ();
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr (GSocketAddress) got = NULL;
  g_assert_true (g_socket_listener_add_address (peer->listener, addr, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL, &got, NULL));
  peer->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (got));
  peer->in = g_byte_array_new ();
}

static void
peer_stop (Peer *peer)
{
  g_clear_object (&peer->conn);
  g_socket_listener_close (peer->listener);
  g_clear_object (&peer->listener);
  g_byte_array_unref (peer->in);
}

static void
on_accepted (GObject *src, GAsyncResult *res, gpointer data)
{
  Peer *peer = data;
  peer->conn = g_socket_listener_accept_finish (G_SOCKET_LISTENER (src), res, NULL, NULL);
  g_assert_nonnull (peer->conn);
}

static void
peer_accept (Peer *peer)
{
  g_socket_listener_accept_async (peer->listener, NULL, on_accepted, peer);
  while (peer->conn == NULL)
    g_main_context_iteration (NULL, TRUE);
}

/* Reads one whole PDU from the client (pumping the main loop meanwhile). */
static void
peer_read (Peer *peer, SrPdu *pdu)
{
  GSocket *sock = g_socket_connection_get_socket (peer->conn);
  g_socket_set_blocking (sock, FALSE);
  gint64 until = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  for (;;)
    {
      if (peer->in->len >= 4)
        {
          guint32 len;
          sr_pdu_peek_header (peer->in->data, &len, NULL, NULL, NULL);
          if (peer->in->len >= len)
            {
              g_autoptr (GError) error = NULL;
              gboolean ok = sr_pdu_unpack (peer->in->data, len, pdu, &error);
              g_assert_no_error (error);
              g_assert_true (ok);
              g_byte_array_remove_range (peer->in, 0, len);
              return;
            }
        }
      guint8 buf[4096];
      gssize n = g_socket_receive (sock, (gchar *) buf, sizeof buf, NULL, NULL);
      if (n > 0)
        g_byte_array_append (peer->in, buf, (guint) n);
      else
        g_main_context_iteration (NULL, FALSE);
      g_assert_cmpint (g_get_monotonic_time (), <, until);
      g_usleep (n > 0 ? 0 : 1000);
    }
}

static void
peer_send_bytes (Peer *peer, const guint8 *data, gsize len)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (peer->conn));
  g_assert_true (g_output_stream_write_all (out, data, len, NULL, NULL, NULL));
}

static void
peer_send (Peer *peer, const SrPdu *pdu)
{
  g_autoptr (GByteArray) b = g_byte_array_new ();
  g_assert_true (sr_pdu_pack (pdu, b, NULL));
  peer_send_bytes (peer, b->data, b->len);
}

static void
peer_bind (Fx *fx, Peer *peer)
{
  peer_accept (peer);
  SrPdu p;
  peer_read (peer, &p);
  g_assert_cmphex (p.command_id, ==, SR_CMD_BIND_TRANSCEIVER);
  g_assert_cmpstr (p.system_id, ==, "router");
  g_assert_cmpstr (p.password, ==, "secret");
  g_assert_cmpuint (p.interface_version, ==, 0x34);
  guint32 seq = p.sequence_number;
  sr_pdu_init (&p, SR_CMD_BIND_TRANSCEIVER_RESP, seq);
  g_strlcpy (p.system_id, "PEER", sizeof p.system_id);
  /* the length split across two writes (and two reads) */
  g_autoptr (GByteArray) b = g_byte_array_new ();
  g_assert_true (sr_pdu_pack (&p, b, NULL));
  peer_send_bytes (peer, b->data, 2);
  run_for (20);
  peer_send_bytes (peer, b->data + 2, b->len - 2);
  run_until (fx, is_bound, 3000);
}

static void
test_unknown_command (Fx *fx, gconstpointer data)
{
  Peer peer;
  peer_start (&peer);
  fx->cfg.port = peer.port;
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  peer_bind (fx, &peer);

  /* an unknown command and a known one we do not serve */
  static const guint8 unknown[] = { 0,0,0,20, 0,0,0x44,0x44, 0,0,0,0, 0,0,0x12,0x34, 1,2,3,4 };
  peer_send_bytes (&peer, unknown, sizeof unknown);
  SrPdu p;
  peer_read (&peer, &p);
  g_assert_cmphex (p.command_id, ==, SR_CMD_GENERIC_NACK);
  g_assert_cmphex (p.command_status, ==, ESME_RINVCMDID);
  g_assert_cmpuint (p.sequence_number, ==, 0x1234);

  SrPdu q;
  sr_pdu_init (&q, SR_CMD_QUERY_SM, 77);
  static const guint8 query[] = { 0,0,0,22, 0,0,0,3, 0,0,0,0, 0,0,0,77, 'x',0, 0,0, '1',0 };
  peer_send_bytes (&peer, query, sizeof query);
  peer_read (&peer, &p);
  g_assert_cmphex (p.command_id, ==, SR_CMD_GENERIC_NACK);
  g_assert_cmpuint (p.sequence_number, ==, 77);

  /* the peer's enquire_link is answered with its sequence */
  sr_pdu_init (&q, SR_CMD_ENQUIRE_LINK, 99);
  peer_send (&peer, &q);
  peer_read (&peer, &p);
  g_assert_cmphex (p.command_id, ==, SR_CMD_ENQUIRE_LINK_RESP);
  g_assert_cmpuint (p.sequence_number, ==, 99);

  /* a response nobody asked for is ignored, the link stays */
  sr_pdu_init (&q, SR_CMD_SUBMIT_SM_RESP, 5555);
  g_strlcpy (q.message_id, "x", sizeof q.message_id);
  peer_send (&peer, &q);
  run_for (30);
  g_assert_true (is_bound (fx));
  g_assert_cmpuint (fx->downs, ==, 0);
  peer_stop (&peer);
}

/* The peer stops answering: enquire_link finds the dead link. */
static void
test_dead_link (Fx *fx, gconstpointer data)
{
  Peer peer;
  peer_start (&peer);
  fx->cfg.port = peer.port;
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  set_timing (fx, fast_enquire);
  peer_bind (fx, &peer);
  gint64 t0 = g_get_monotonic_time ();
  SrPdu p;
  peer_read (&peer, &p);
  g_assert_cmphex (p.command_id, ==, SR_CMD_ENQUIRE_LINK);
  run_until (fx, is_down, 3000);
  gint64 took = g_get_monotonic_time () - t0;
  g_assert_nonnull (strstr (fx->last_reason, "enquire_link not answered"));
  g_assert_true (fx->last_down.will_reconnect);
  g_assert_cmpint (took, >=, 250 * 1000);
  peer_stop (&peer);
}

/* A transmitter bind that gets a deliver_sm answers it without passing it on. */
static void
test_peer_unbind_and_tls_off (Fx *fx, gconstpointer data)
{
  Peer peer;
  peer_start (&peer);
  fx->cfg.port = peer.port;
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  peer_bind (fx, &peer);
  SrPdu q, p;
  sr_pdu_init (&q, SR_CMD_UNBIND, 8);
  peer_send (&peer, &q);
  peer_read (&peer, &p);
  g_assert_cmphex (p.command_id, ==, SR_CMD_UNBIND_RESP);
  g_assert_cmpuint (p.sequence_number, ==, 8);
  run_until (fx, is_down, 3000);
  g_assert_cmpstr (fx->last_reason, ==, "the SMSC unbound");
  peer_stop (&peer);
}

/* ---- TLS: a blocking TLS SMSC in a thread ----------------------------------- */

/* The thread's side of a TLS test. */
typedef struct {
  GSocketListener *listener;
  guint16 port;
  GTlsCertificate *cert;
  GCancellable *cancel;
  gboolean handshake_ok;
  gboolean submit_answered;
} TlsPeer;

static gboolean
read_pdu_blocking (GInputStream *in, SrPdu *pdu, GByteArray *buf)
{
  guint8 hdr[4];
  gsize got = 0;
  if (!g_input_stream_read_all (in, hdr, 4, &got, NULL, NULL) || got != 4)
    return FALSE;
  guint32 len = ((guint32) hdr[0] << 24) | (hdr[1] << 16) | (hdr[2] << 8) | hdr[3];
  g_byte_array_set_size (buf, len);
  memcpy (buf->data, hdr, 4);
  if (!g_input_stream_read_all (in, buf->data + 4, len - 4, &got, NULL, NULL) || got != len - 4)
    return FALSE;
  return sr_pdu_unpack (buf->data, len, pdu, NULL);
}

static gpointer
tls_peer_thread (gpointer data)
{
  TlsPeer *tp = data;
  g_autoptr (GSocketConnection) raw = g_socket_listener_accept (tp->listener, NULL, tp->cancel,
                                                                    NULL);
  if (raw == NULL)
    return NULL;
  g_autoptr (GIOStream) tls = g_tls_server_connection_new (G_IO_STREAM (raw), tp->cert, NULL);
  if (tls == NULL || !g_tls_connection_handshake (G_TLS_CONNECTION (tls), tp->cancel, NULL))
    return NULL;
  tp->handshake_ok = TRUE;
  GInputStream *in = g_io_stream_get_input_stream (tls);
  GOutputStream *out = g_io_stream_get_output_stream (tls);
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  g_autoptr (GByteArray) wb = g_byte_array_new ();
  SrPdu p, r;
  while (read_pdu_blocking (in, &p, buf))
    {
      g_byte_array_set_size (wb, 0);
      if (p.command_id == SR_CMD_BIND_TRANSCEIVER)
        {
          sr_pdu_init (&r, SR_CMD_BIND_TRANSCEIVER_RESP, p.sequence_number);
          g_strlcpy (r.system_id, "TLS", sizeof r.system_id);
        }
      else if (p.command_id == SR_CMD_SUBMIT_SM)
        {
          sr_pdu_init (&r, SR_CMD_SUBMIT_SM_RESP, p.sequence_number);
          g_strlcpy (r.message_id, "tls-1", sizeof r.message_id);
          tp->submit_answered = TRUE;
        }
      else if (p.command_id == SR_CMD_UNBIND)
        sr_pdu_init (&r, SR_CMD_UNBIND_RESP, p.sequence_number);
      else
        continue;
      g_assert_true (sr_pdu_pack (&r, wb, NULL));
      if (!g_output_stream_write_all (out, wb->data, wb->len, NULL, NULL, NULL))
        break;
      if (p.command_id == SR_CMD_UNBIND)
        break;
    }
  return NULL;
}

static gboolean got_accepted (Fx *fx) { return fx->accepted > 0; }

static void
test_tls (Fx *fx, gconstpointer data)
{
  gboolean verify = GPOINTER_TO_INT (data);
  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("no TLS backend (glib-networking) installed");
      return;
    }
  TlsPeer tp = { 0 };
  g_autofree char *pem = g_build_filename (SR_TEST_SRCDIR, "smpp", "tls-test.pem", NULL);
  g_autoptr (GError) error = NULL;
  tp.cert = g_tls_certificate_new_from_file (pem, &error);
  g_assert_no_error (error);
  tp.listener = g_socket_listener_new ();
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr (GSocketAddress) got = NULL;
  g_assert_true (g_socket_listener_add_address (tp.listener, addr, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL, &got, NULL));
  tp.port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (got));
  tp.cancel = g_cancellable_new ();
  GThread *thread = g_thread_new ("tls-peer", tls_peer_thread, &tp);

  fx->cfg.port = tp.port;
  fx->cfg.tls = TRUE;
  fx->cfg.tls_verify = verify;
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  if (verify)
    {
      /* a self-signed certificate is refused: a system-wide error */
      run_until (fx, is_down, 5000);
      g_assert_cmpint (fx->last_down.error_class, ==, SR_SMPP_STATUS_SYSTEM);
      g_assert_nonnull (strstr (fx->down_reason, "cannot connect"));
      sr_smpp_session_stop (fx->s);
    }
  else
    {
      run_until (fx, is_bound, 5000);
      SrPdu p;
      fill_submit (&p, 1);
      g_assert_true (sr_smpp_session_submit (fx->s, &p, GUINT_TO_POINTER (1), NULL));
      run_until (fx, got_accepted, 3000);
      g_assert_cmpstr (fx->first_message_id, ==, "tls-1");
      sr_smpp_session_stop (fx->s);
      run_until (fx, is_down, 3000);
      g_assert_true (tp.submit_answered);
    }
  g_cancellable_cancel (tp.cancel);
  g_thread_join (thread);
  g_socket_listener_close (tp.listener);
  g_object_unref (tp.cancel);
  g_assert_true (tp.handshake_ok == !verify);
  g_object_unref (tp.listener);
  g_object_unref (tp.cert);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn, data) g_test_add ("/smpp-session/" path, Fx, data, fx_setup, fn, fx_teardown)
  ADD ("bind-ok", test_bind_ok, NULL);
  ADD ("submit-refusals", test_submit_refusals, NULL);
  ADD ("bind-transmitter-receiver", test_bind_transmitter_receiver, NULL);
  ADD ("bind-refused/password", test_bind_refused, &bad_password);
  ADD ("bind-refused/system-id", test_bind_refused, &bad_system_id);
  ADD ("connect-refused", test_connect_refused, NULL);
  ADD ("window-respected", test_window_respected, NULL);
  ADD ("throughput", test_throughput, NULL);
  ADD ("enquire-link", test_enquire_link, NULL);
  ADD ("reconnect-after-drop", test_reconnect_after_drop, NULL);
  ADD ("smsc-unbind", test_smsc_unbind, NULL);
  ADD ("throttled", test_throttled, NULL);
  ADD ("paused-refuses", test_paused_refuses, NULL);
  ADD ("response-timeout", test_response_timeout, NULL);
  ADD ("garbage", test_bad_stream, &fault_garbage);
  ADD ("oversized", test_bad_stream, &fault_oversized);
  ADD ("dribble", test_dribble, NULL);
  ADD ("deliver-ack-after-durable", test_deliver_ack_after_durable, NULL);
  ADD ("receipt", test_receipt, NULL);
  ADD ("graceful-stop", test_graceful_stop, NULL);
  ADD ("stop-bounded", test_stop_bounded, NULL);
  ADD ("unknown-command", test_unknown_command, NULL);
  ADD ("dead-link", test_dead_link, NULL);
  ADD ("peer-unbind", test_peer_unbind_and_tls_off, NULL);
  ADD ("tls/no-verify", test_tls, GINT_TO_POINTER (FALSE));
  ADD ("tls/verify-refuses-self-signed", test_tls, GINT_TO_POINTER (TRUE));
  return g_test_run ();
}
