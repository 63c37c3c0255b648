/* test-sim-embed.c — the embeddable API (sr-sim.h) on its own main context
 * in a thread, as `sms-router --demo` runs it, and a pipelined load. */
#include "sr-sim.h"
#include "sr-test-sim.h"

#include <string.h>

#define TIMEOUT 5000

/* A simulator running on its own main context in a thread. */
typedef struct {
  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;
  SrSim *sim;
  GMutex lock;
  GCond cond;
  gboolean ready;
  const SrSimOptions *options;
  GError *error;
} Embedded;

static gpointer
embedded_thread (gpointer data)
{
  Embedded *e = data;

  g_main_context_push_thread_default (e->context);
  e->sim = sr_sim_new (e->options, &e->error);
  g_mutex_lock (&e->lock);
  e->ready = TRUE;
  g_cond_signal (&e->cond);
  g_mutex_unlock (&e->lock);
  if (e->sim != NULL)
    g_main_loop_run (e->loop);
  g_clear_pointer (&e->sim, sr_sim_free);
  g_main_context_pop_thread_default (e->context);
  return NULL;
}

static void
embedded_start (Embedded *e, const SrSimOptions *options)
{
  memset (e, 0, sizeof *e);
  e->context = g_main_context_new ();
  e->loop = g_main_loop_new (e->context, FALSE);
  e->options = options;
  g_mutex_init (&e->lock);
  g_cond_init (&e->cond);
  e->thread = g_thread_new ("sim", embedded_thread, e);
  g_mutex_lock (&e->lock);
  while (!e->ready)
    g_cond_wait (&e->cond, &e->lock);
  g_mutex_unlock (&e->lock);
}

static void
embedded_stop (Embedded *e)
{
  g_main_loop_quit (e->loop);
  g_thread_join (e->thread);
  g_main_loop_unref (e->loop);
  g_main_context_unref (e->context);
  g_mutex_clear (&e->lock);
  g_cond_clear (&e->cond);
  g_clear_error (&e->error);
}

/* A call into the simulator's thread, waited for. */
typedef struct {
  Embedded *e;
  const char *spec;
  guint parts;
  gboolean ok;
  SrSimStats stats;
  gboolean done;
} Call;

static gboolean
call_inject (gpointer data)
{
  Call *c = data;

  c->ok = sr_sim_inject_mo (c->e->sim, c->spec, &c->parts, NULL);
  sr_sim_get_stats (c->e->sim, &c->stats);
  g_mutex_lock (&c->e->lock);
  c->done = TRUE;
  g_cond_signal (&c->e->cond);
  g_mutex_unlock (&c->e->lock);
  return G_SOURCE_REMOVE;
}

static void
run_in_sim (Embedded *e, Call *c)
{
  c->e = e;
  c->done = FALSE;
  g_main_context_invoke (e->context, call_inject, c);
  g_mutex_lock (&e->lock);
  while (!c->done)
    g_cond_wait (&e->cond, &e->lock);
  g_mutex_unlock (&e->lock);
}

static void
test_embedded (void)
{
  static const char *const reject[] = { "+4479", NULL };
  SrSimOptions options;
  Embedded e;
  Call call = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SrTestSmpp) client = NULL;
  SrPdu pdu;

  sr_sim_options_init (&options);
  options.system_id = "demo";
  options.password = "demo";
  options.reject_prefix = reject;
  embedded_start (&e, &options);
  g_assert_no_error (e.error);
  g_assert_nonnull (e.sim);
  g_assert_cmpuint (sr_sim_get_port (e.sim), >, 0);

  client = sr_test_smpp_connect (sr_sim_get_port (e.sim), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sr_test_smpp_bind (client, SR_CMD_BIND_TRANSCEIVER, "demo", "demo"), ==, 0);

  call.spec = "from=+41791234567,to=+41790000000,text=Hello from inside";
  run_in_sim (&e, &call);
  g_assert_true (call.ok);
  g_assert_cmpuint (call.parts, ==, 1);
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_DELIVER_SM, &pdu, FALSE, TIMEOUT));
  g_assert_cmpmem (pdu.short_message, pdu.sm_length, "Hello from inside", 17);

  sr_test_smpp_submit (client, "+41791234567", "+447911111111", "rejected", 0);
  g_assert_true (sr_test_smpp_expect (client, SR_CMD_SUBMIT_SM_RESP, &pdu, TRUE, TIMEOUT));
  g_assert_cmphex (pdu.command_status, ==, 0x0B);

  call.spec = "text=x,coding=nonsense";
  run_in_sim (&e, &call);
  g_assert_false (call.ok);
  g_assert_cmpuint (call.stats.submits, ==, 1);
  g_assert_cmpuint (call.stats.rejected, ==, 1);
  g_assert_cmpuint (call.stats.mo_queued, ==, 1);

  {
    guint16 port = sr_sim_get_port (e.sim);
    g_autoptr(SrTestSmpp) late = NULL;

    embedded_stop (&e);
    /* The port is closed with the simulator. */
    late = sr_test_smpp_connect (port, &error);
    g_assert_null (late);
    g_assert_nonnull (error);
  }
}

static void
test_embedded_bad_options (void)
{
  static const char *const bad_reject[] = { "=", NULL };
  SrSimOptions options;
  g_autoptr(GError) error = NULL;
  SrSim *sim;

  sr_sim_options_init (&options);
  options.reject_prefix = bad_reject;
  sim = sr_sim_new (&options, &error);
  g_assert_null (sim);
  g_assert_error (error, SR_SIM_ERROR, SR_SIM_ERROR_INVALID_OPTION);
  g_clear_error (&error);

  sr_sim_options_init (&options);
  options.log_path = "/nonexistent-dir/sim.log";
  sim = sr_sim_new (&options, &error);
  g_assert_null (sim);
  g_assert_error (error, SR_SIM_ERROR, SR_SIM_ERROR_LOG);
  g_clear_error (&error);

  {
    /* A port in use. */
    SrSimOptions first;
    g_autoptr(SrSim) a = NULL;
    sr_sim_options_init (&first);
    a = sr_sim_new (&first, &error);
    g_assert_no_error (error);
    sr_sim_options_init (&options);
    options.port = sr_sim_get_port (a);
    sim = sr_sim_new (&options, &error);
    g_assert_null (sim);
    g_assert_error (error, SR_SIM_ERROR, SR_SIM_ERROR_LISTEN);
  }
}

/* Many pipelined submits through the simulator binary: every one answered
 * with a unique id and nothing lost.  The rate is printed, not asserted
 * here (sanitizer builds are slow); the benchmark asserts it. */
static void
test_pipelined_load (void)
{
  g_autoptr(SrTestSim) sim = sr_test_sim_start_va ("--no-log", NULL);
  g_autoptr(GError) error = NULL;
  SrTestLoadResult result;

  g_assert_true (sr_test_smpp_load (sr_test_sim_port (sim), 20000, 1000, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.answered, ==, 20000);
  g_assert_cmpuint (result.ok, ==, 20000);
  g_test_message ("20000 pipelined submit_sm in %.3f s: %.0f/s", result.seconds, result.per_second);
  g_assert_cmpint (sr_test_sim_stat (sim, "submits_ok"), ==, 20000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sim/embedded/api", test_embedded);
  g_test_add_func ("/sim/embedded/bad-options", test_embedded_bad_options);
  g_test_add_func ("/sim/load/pipelined", test_pipelined_load);

  return g_test_run ();
}
