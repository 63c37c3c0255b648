/* Integration tests of the SMPP client session against the SMSC simulator
 * (embedded, over real loopback TCP). */
#include "session-fixture.h"
#include "sr-smpp-session-private.h"

#define ESME_RINVPASWD 0x0Eu
#define ESME_RINVSYSID 0x0Fu

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
  SrSmppSessionStats st;
  sr_smpp_session_get_stats (fx->s, &st);
  g_assert_cmpuint (st.connects, ==, 1);
  g_assert_cmpuint (st.binds, ==, 1);
  g_assert_cmpuint (st.submitted, ==, 50);
  g_assert_cmpuint (st.accepted, ==, 50);
  g_assert_cmpuint (st.rejected + st.not_acknowledged + st.bind_failures, ==, 0);
  g_assert_cmpint (sr_smpp_session_get_bind_as (fx->s), ==, SR_SMPP_BIND_AS_TRANSCEIVER);
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
  /* no reconnect storm: nothing happens for several backoff periods */
  run_for (300);
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
  SrSmppSessionStats st;
  sr_smpp_session_get_stats (fx->s, &st);
  g_assert_cmpuint (st.bind_failures, ==, 2 * t.auth_attempts);
  g_assert_cmpuint (st.binds, ==, 0);
}

/* A system_id longer than SMPP allows is a configuration error: no bind is
 * sent (libsmpp34 would truncate it), no retry, a system-wide error. */
static void
test_bind_config_error (Fx *fx, gconstpointer data)
{
  SrSimOptions o;
  sr_sim_options_init (&o);
  start_sim (fx, &o);
  fx->cfg.system_id = (char *) "a-system-id-far-too-long";
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  run_until (fx, gave_up, 3000);
  g_assert_cmpint (fx->last_down.error_class, ==, SR_SMPP_STATUS_SYSTEM);
  g_assert_nonnull (strstr (fx->down_reason, "system_id is longer than 15"));
  run_for (100);
  g_assert_cmpuint (fx->downs, ==, 1);
  g_assert_cmpuint (sim_stats (fx).binds_ok + sim_stats (fx).binds_failed, ==, 0);
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
  /* What the console shows of it: one reconnect, bound since the second
   * bind, and every answer's latency (the simulator takes 30 ms). */
  SrSmppSessionStats st;
  gint64 before = g_get_real_time ();
  sr_smpp_session_get_stats (fx->s, &st);
  g_assert_cmpuint (st.reconnects, ==, 1);
  g_assert_cmpint (st.state_since, >, 0);
  g_assert_cmpint (st.state_since, <=, before);
  g_assert_cmpuint (st.window_used, ==, 0);
  g_assert_cmpuint (st.window_size, >, 0);
  g_assert_cmpuint (st.latency_count, >=, 10);
  g_assert_cmpfloat (st.latency_p50_ms, >=, 28);
  g_assert_cmpfloat (st.latency_p99_ms, >=, st.latency_p50_ms);
  g_assert_cmpfloat (st.latency_p99_ms, <, 5000);
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
  /* the first throttle paused the bind for the first pause at least */
  g_assert_cmpint (took, >=, 20 * 1000);
  SrSmppSessionStats ss;
  sr_smpp_session_get_stats (fx->s, &ss);
  g_assert_cmpuint (ss.throttled, ==, st.throttled);
  g_assert_cmpuint (ss.throttle_pause_ms, >=, 20);
  g_assert_cmpuint (ss.throttle_pause_ms, <=, 100);
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

/* Statuses by class: queue full is a temporary failure of that message
 * (retried with backoff by the caller, attempts counted) and does not pause
 * the bind; an invalid destination is final and does not pause either. */
typedef struct {
  const char *rule;
  guint32 status;
  SrSmppStatusClass klass;
  gboolean requeue;
} RejectCase;

static const RejectCase reject_queue_full = { "4479=ESME_RMSGQFUL", 0x14, SR_SMPP_STATUS_TEMPORARY, FALSE };
static const RejectCase reject_destination = { "4479=ESME_RINVDSTADR", 0x0B, SR_SMPP_STATUS_PERMANENT, FALSE };
static const RejectCase reject_vendor = { "4479=0x401", 0x401, SR_SMPP_STATUS_TEMPORARY, FALSE };

static SrSmppSubmitResult last_result;
static char last_result_reason[200];

static void
record_result (SrSmppSession *s, gpointer ref, const SrSmppSubmitResult *r, gpointer data)
{
  last_result = *r;
  g_strlcpy (last_result_reason, r->reason ? r->reason : "", sizeof last_result_reason);
  last_result.reason = last_result_reason;
  on_result (s, ref, r, data);
}

static void
test_reject_classes (Fx *fx, gconstpointer data)
{
  const RejectCase *rc = data;
  const char *rules[] = { rc->rule, NULL };
  SrSimOptions o;
  sr_sim_options_init (&o);
  o.reject_prefix = rules;
  start_sim (fx, &o);
  static SrSmppSessionEvents ev;
  ev = fx_events;
  ev.submit_result = record_result;
  fx->s = sr_smpp_session_new (&fx->cfg, SR_SMPP_BIND_AS_TRANSCEIVER, &ev, fx);
  sr_smpp_session_start (fx->s);
  run_until (fx, is_bound, 3000);
  fx->manual = TRUE;
  SrPdu p;
  fill_submit (&p, 1);
  g_assert_true (sr_smpp_session_submit (fx->s, &p, GUINT_TO_POINTER (1), NULL));
  while (fx->rejected == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (last_result.outcome, ==, SR_SMPP_SUBMIT_REJECTED);
  g_assert_cmphex (last_result.command_status, ==, rc->status);
  g_assert_cmpint (last_result.status_class, ==, rc->klass);
  g_assert_cmpint (last_result.requeue, ==, rc->requeue);
  g_assert_null (last_result.message_id);
  char name[SR_SMPP_STATUS_NAME_SIZE];
  g_assert_nonnull (strstr (last_result_reason, sr_smpp_status_name (rc->status, name)));
  /* only a throttle-like status pauses the bind */
  g_assert_cmpuint (sr_smpp_session_window_free (fx->s), ==, rc->requeue ? 0 : 10);
}


/* ---- sequence numbers and bodies ------------------------------------ */

static SrSmppSubmitResult seen[8];
static guint n_seen;

static void
keep_result (SrSmppSession *s, gpointer ref, const SrSmppSubmitResult *r, gpointer data)
{
  if (n_seen < G_N_ELEMENTS (seen))
    seen[n_seen++] = *r;
  on_result (s, ref, r, data);
}

/* Sequence numbers wrap from 0x7FFFFFFF to 1 on a live bind. */
static void
test_sequence_wrap (Fx *fx, gconstpointer data)
{
  SrSimOptions o;
  sr_sim_options_init (&o);
  o.no_receipts = TRUE;
  start_sim (fx, &o);
  static SrSmppSessionEvents ev;
  ev = fx_events;
  ev.submit_result = keep_result;
  n_seen = 0;
  fx->s = sr_smpp_session_new (&fx->cfg, SR_SMPP_BIND_AS_TRANSCEIVER, &ev, fx);
  sr_smpp_session_start (fx->s);
  run_until (fx, is_bound, 3000);
  fx->manual = TRUE;
  fx->s->seq = 0x7FFFFFFE;
  SrPdu p;
  for (guint i = 1; i <= 3; i++)
    {
      fill_submit (&p, i);
      g_assert_true (sr_smpp_session_submit (fx->s, &p, GUINT_TO_POINTER (i), NULL));
    }
  while (fx->accepted < 3)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (n_seen, ==, 3);
  g_assert_cmphex (seen[0].sequence_number, ==, 0x7FFFFFFF);
  g_assert_cmphex (seen[1].sequence_number, ==, 1);
  g_assert_cmphex (seen[2].sequence_number, ==, 2);
}

/* data_sm and a long message_payload go through as submitted. */
static void
test_payload_and_data_sm (Fx *fx, gconstpointer data)
{
  SrSimOptions o;
  sr_sim_options_init (&o);
  o.no_receipts = TRUE;
  start_sim (fx, &o);
  start_session (fx, SR_SMPP_BIND_AS_TRANSCEIVER);
  run_until (fx, is_bound, 3000);
  fx->manual = TRUE;
  g_autofree guint8 *payload = g_malloc (3000);
  memset (payload, 'p', 3000);
  SrPdu p;
  fill_submit (&p, 1);
  p.sm_length = 0;
  p.tlv_mask |= SR_TLV_MESSAGE_PAYLOAD;
  p.message_payload = payload;
  p.message_payload_len = 3000;
  g_assert_true (sr_smpp_session_submit (fx->s, &p, GUINT_TO_POINTER (1), NULL));
  p.command_id = SR_CMD_DATA_SM;
  g_assert_true (sr_smpp_session_submit (fx->s, &p, GUINT_TO_POINTER (2), NULL));
  while (fx->accepted + fx->rejected < 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fx->accepted, ==, 2);
  g_assert_cmpuint (sim_stats (fx).submits_ok, ==, 2);
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

/* A response after the timeout on the same connection: the request was
 * reported not acknowledged with a late token and a wait before the copy;
 * the late acceptance comes through late_result with that token. */
static SrSmppSubmitResult late_seen;
static guint64 late_seen_token, timed_out_token;
static guint late_calls;
static char late_seen_id[70];

static void
record_timeout (SrSmppSession *s, gpointer ref, const SrSmppSubmitResult *r, gpointer data)
{
  if (r->outcome == SR_SMPP_SUBMIT_NOT_ACKNOWLEDGED)
    {
      timed_out_token = r->late_token;
      g_assert_cmpuint (r->retry_after_ms, ==, 150);
    }
  on_result (s, ref, r, data);
}

static void
record_late (SrSmppSession *s, guint64 token, const SrSmppSubmitResult *r, gpointer data)
{
  late_calls++;
  late_seen = *r;
  late_seen_token = token;
  g_strlcpy (late_seen_id, r->message_id ? r->message_id : "", sizeof late_seen_id);
}

static void
test_late_response (Fx *fx, gconstpointer data)
{
  SrSimOptions o;
  sr_sim_options_init (&o);
  o.late_every = 2;
  o.late_ms = 400;
  o.no_receipts = TRUE;
  start_sim (fx, &o);
  static SrSmppSessionEvents ev;
  ev = fx_events;
  ev.submit_result = record_timeout;
  ev.late_result = record_late;
  fx->s = sr_smpp_session_new (&fx->cfg, SR_SMPP_BIND_AS_TRANSCEIVER, &ev, fx);
  sr_smpp_session_start (fx->s);
  set_timing (fx, short_response_timeout);
  run_until (fx, is_bound, 3000);
  fx->manual = TRUE;
  late_calls = 0;
  timed_out_token = 0;
  SrPdu p;
  for (guint i = 1; i <= 2; i++)
    {
      fill_submit (&p, i);
      g_assert_true (sr_smpp_session_submit (fx->s, &p, GUINT_TO_POINTER (i), NULL));
    }
  while (late_calls == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fx->accepted, ==, 1);
  g_assert_cmpuint (fx->not_acked, ==, 1);
  g_assert_cmpuint (timed_out_token, !=, 0);
  g_assert_cmpuint (late_seen_token, ==, timed_out_token);
  g_assert_cmpint (late_seen.outcome, ==, SR_SMPP_SUBMIT_ACCEPTED);
  g_assert_cmpstr (late_seen_id, !=, "");
  SrSmppSessionStats st;
  sr_smpp_session_get_stats (fx->s, &st);
  g_assert_cmpuint (st.late, ==, 1);
  /* the timed-out request left the window at its timeout */
  g_assert_cmpuint (sr_smpp_session_outstanding (fx->s), ==, 0);
  g_assert_true (is_bound (fx));
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
  send_all (fx, 2);
  while (fx->delivers < 2)
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
  ADD ("bind-config-error", test_bind_config_error, NULL);
  ADD ("window-respected", test_window_respected, NULL);
  ADD ("throughput", test_throughput, NULL);
  ADD ("enquire-link", test_enquire_link, NULL);
  ADD ("reconnect-after-drop", test_reconnect_after_drop, NULL);
  ADD ("smsc-unbind", test_smsc_unbind, NULL);
  ADD ("throttled", test_throttled, NULL);
  ADD ("paused-refuses", test_paused_refuses, NULL);
  ADD ("response-timeout", test_response_timeout, NULL);
  ADD ("late-response", test_late_response, NULL);
  ADD ("sequence-wrap", test_sequence_wrap, NULL);
  ADD ("payload-and-data-sm", test_payload_and_data_sm, NULL);
  ADD ("reject/queue-full", test_reject_classes, &reject_queue_full);
  ADD ("reject/destination", test_reject_classes, &reject_destination);
  ADD ("reject/vendor-status", test_reject_classes, &reject_vendor);
  ADD ("garbage", test_bad_stream, &fault_garbage);
  ADD ("oversized", test_bad_stream, &fault_oversized);
  ADD ("dribble", test_dribble, NULL);
  ADD ("deliver-ack-after-durable", test_deliver_ack_after_durable, NULL);
  ADD ("receipt", test_receipt, NULL);
  ADD ("graceful-stop", test_graceful_stop, NULL);
  ADD ("stop-bounded", test_stop_bounded, NULL);
  return g_test_run ();
}
