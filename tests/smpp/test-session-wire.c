/* The SMPP client session against the real simulator binary ($SR_SIM),
 * asserting on what went over the wire as the simulator's JSON log saw it. */
#include <string.h>
#include <gio/gio.h>

#include "sr-pdu.h"
#include "sr-smpp-session.h"
#include "sr-test-sim.h"

/* What one test observes from its session. */
typedef struct {
  SrTestSim *sim;
  SrProviderConfig cfg;
  SrSmppSession *s;
  guint downs;
  gboolean gave_up;
  guint accepted;
  guint to_submit, submitted;
} Fx;

static void
on_state (SrSmppSession *s, SrSmppState state, const SrSmppStateChange *change, gpointer data)
{
  Fx *fx = data;
  if (state == SR_SMPP_STATE_DISCONNECTED)
    {
      fx->downs++;
      fx->gave_up = change->gave_up;
    }
}

static void
fill_submit (SrPdu *p, guint i)
{
  sr_pdu_init (p, SR_CMD_SUBMIT_SM, 0);
  p->source_addr_ton = 5;
  g_strlcpy (p->source_addr, "ACME", sizeof p->source_addr);
  p->dest_addr_ton = 1;
  p->dest_addr_npi = 1;
  g_snprintf (p->destination_addr, sizeof p->destination_addr, "4479%07u", i);
  p->sm_length = (guint) g_snprintf ((char *) p->short_message, sizeof p->short_message, "m%u", i);
}

static void
pump (Fx *fx)
{
  SrPdu p;
  while (fx->submitted < fx->to_submit && sr_smpp_session_window_free (fx->s) > 0)
    {
      fill_submit (&p, ++fx->submitted);
      g_assert_true (sr_smpp_session_submit (fx->s, &p, GUINT_TO_POINTER (fx->submitted), NULL));
    }
}

static void
on_result (SrSmppSession *s, gpointer ref, const SrSmppSubmitResult *r, gpointer data)
{
  Fx *fx = data;
  g_assert_cmpint (r->outcome, ==, SR_SMPP_SUBMIT_ACCEPTED);
  fx->accepted++;
}

static void
on_window (SrSmppSession *s, guint free_slots, gpointer data)
{
  pump (data);
}

static const SrSmppSessionEvents events = {
  .state_changed = on_state,
  .submit_result = on_result,
  .window_available = on_window,
};

static void
fx_setup (Fx *fx, gconstpointer data)
{
  memset (fx, 0, sizeof *fx);
  fx->cfg = (SrProviderConfig) {
    .name = (char *) "wire",
    .host = (char *) "127.0.0.1",
    .system_id = (char *) "router",
    .password = (char *) "secret",
    .window = 4,
    .enquire_link = 30,
    .response_timeout = 5,
    .reconnect_max = 60,
  };
}

static void
fx_teardown (Fx *fx, gconstpointer data)
{
  g_clear_pointer (&fx->s, sr_smpp_session_unref);
  g_clear_pointer (&fx->sim, sr_test_sim_free);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
start_session (Fx *fx, guint enquire_ms)
{
  fx->cfg.port = sr_test_sim_port (fx->sim);
  fx->s = sr_smpp_session_new (&fx->cfg, SR_SMPP_BIND_AS_TRANSCEIVER, &events, fx);
  SrSmppTiming t;
  sr_smpp_session_get_timing (fx->s, &t);
  t.reconnect_initial_ms = 40;
  t.reconnect_max_ms = 200;
  if (enquire_ms)
    t.enquire_link_ms = enquire_ms;
  sr_smpp_session_set_timing (fx->s, &t);
  sr_smpp_session_start (fx->s);
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
run_while (Fx *fx, gboolean (*busy) (Fx *fx), guint ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (ms, timeout_cb, &timed_out);
  while (busy (fx) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  g_assert_false (busy (fx));
}

static gboolean not_bound (Fx *fx) { return sr_smpp_session_get_state (fx->s) != SR_SMPP_STATE_BOUND; }
static gboolean not_all_accepted (Fx *fx) { return fx->accepted < fx->to_submit; }
static gboolean not_given_up (Fx *fx) { return !fx->gave_up; }

static guint
count_entries (Fx *fx, const char *dir, const char *command)
{
  g_autoptr (GPtrArray) all = sr_test_sim_read_log (fx->sim);
  g_autoptr (GPtrArray) m = sr_test_sim_log_filter (all, dir, command);
  return m->len;
}

/* The window on the wire: the simulator holds every response back, counts
 * the client's unanswered submits and logs every submit_sm it received. */
static void
test_window_on_the_wire (Fx *fx, gconstpointer data)
{
  fx->sim = sr_test_sim_start_va ("--delay-ms", "3", "--max-window", "4",
                                  "--no-receipts", NULL);
  start_session (fx, 0);
  run_while (fx, not_bound, 3000);
  fx->to_submit = 120;
  pump (fx);
  run_while (fx, not_all_accepted, 10000);

  g_autoptr (GPtrArray) log = sr_test_sim_read_log (fx->sim);
  guint submits = 0;
  for (guint i = 0; i < log->len; i++)
    {
      JsonObject *e = g_ptr_array_index (log, i);
      const char *cmd = sr_test_log_str (e, "command");
      const char *dir = sr_test_log_str (e, "dir");
      if (cmd == NULL || dir == NULL)
        continue;
      if (strcmp (cmd, "submit_sm") == 0 && strcmp (dir, "in") == 0)
        {
          submits++;
          /* what we packed is what arrived */
          g_assert_cmpint (sr_test_log_int (e, "source_addr_ton"), ==, 5);
          g_assert_cmpstr (sr_test_log_str (e, "source_addr"), ==, "ACME");
          g_assert_true (g_str_has_prefix (sr_test_log_str (e, "destination_addr"), "4479"));
        }
    }
  g_assert_cmpuint (submits, ==, 120);
  g_assert_cmpint (sr_test_sim_stat (fx->sim, "max_outstanding"), ==, 4);
  g_assert_cmpint (sr_test_sim_stat (fx->sim, "throttled"), ==, 0);
  g_autoptr (GPtrArray) window_events = sr_test_sim_log_events (log, "window-violation");
  g_assert_cmpuint (window_events->len, ==, 0);
  g_assert_cmpint (sr_test_sim_stat (fx->sim, "window_violations"), ==, 0);
}

/* A wrong password: three bind attempts on the wire, then silence. */
static void
test_wrong_password_on_the_wire (Fx *fx, gconstpointer data)
{
  fx->sim = sr_test_sim_start_va ("--system-id", "router", "--password", "secret", NULL);
  fx->cfg.password = (char *) "wrong";
  start_session (fx, 0);
  run_while (fx, not_given_up, 5000);
  g_usleep (400 * 1000);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_autoptr (GPtrArray) log = sr_test_sim_read_log (fx->sim);
  g_autoptr (GPtrArray) binds = sr_test_sim_log_filter (log, "in", "bind_transceiver");
  g_assert_cmpuint (binds->len, ==, 3);
  JsonObject *b = g_ptr_array_index (binds, 0);
  g_assert_cmpstr (sr_test_log_str (b, "system_id"), ==, "router");
  g_assert_cmpint (sr_test_log_int (b, "interface_version"), ==, 0x34);
  g_assert_cmpint (sr_test_sim_stat (fx->sim, "binds_failed"), ==, 3);
  g_assert_cmpuint (fx->downs, ==, 3);
}

static gboolean
no_enquire_yet (Fx *fx)
{
  return count_entries (fx, "in", "enquire_link") == 0;
}

/* enquire_link both ways, and generic_nack for a command we do not know. */
static void
test_link_commands_on_the_wire (Fx *fx, gconstpointer data)
{
  fx->sim = sr_test_sim_start_default ();
  start_session (fx, 80);
  run_while (fx, not_bound, 3000);

  /* ours, after 80 ms idle */
  run_while (fx, no_enquire_yet, 3000);

  /* theirs */
  g_autofree char *r1 = sr_test_sim_command (fx->sim, "enquire");
  g_assert_true (g_str_has_prefix (r1, "OK"));
  g_autoptr (GPtrArray) resp = sr_test_sim_wait_log (fx->sim, "in", "enquire_link_resp", 1, 3000);
  g_assert_nonnull (resp);

  /* an unknown command 0x00004444 with sequence 0x1234 */
  g_autofree char *r2 = sr_test_sim_command (fx->sim, "raw 0000001000004444000000000000"
                                                      "1234");
  g_assert_true (g_str_has_prefix (r2, "OK"));
  g_autoptr (GPtrArray) nacks = sr_test_sim_wait_log (fx->sim, "in", "generic_nack", 1, 3000);
  g_assert_nonnull (nacks);
  JsonObject *n = g_ptr_array_index (nacks, 0);
  g_assert_cmpint (sr_test_log_int (n, "status"), ==, 3);   /* ESME_RINVCMDID */
  g_assert_cmpint (sr_test_log_int (n, "sequence"), ==, 0x1234);
  g_assert_cmpint (sr_smpp_session_get_state (fx->s), ==, SR_SMPP_STATE_BOUND);
  g_assert_cmpuint (fx->downs, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/smpp-wire/window", Fx, NULL, fx_setup, test_window_on_the_wire, fx_teardown);
  g_test_add ("/smpp-wire/wrong-password", Fx, NULL, fx_setup, test_wrong_password_on_the_wire,
              fx_teardown);
  g_test_add ("/smpp-wire/link-commands", Fx, NULL, fx_setup, test_link_commands_on_the_wire,
              fx_teardown);
  return g_test_run ();
}
