/* sr-demo.c — `sms-router --demo`: temporary spool and configuration, the
 * simulator in-process, seeded traffic, and the console on top. */
#define G_LOG_DOMAIN "sr-demo"

#include "sr-build-config.h"
#include "sr-demo.h"

#include <errno.h>
#include <ftw.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sr-console-main.h"
#include "sr-console-router-model.h"
#include "sr-console.h"
#include "sr-message.h"

/* One demo: the temporary tree, the simulator, the router, the trickle. */
struct _SrDemo {
  char *dir;
  SrSim *sim;
  SrRouter *router;
  guint trickle_id;
  guint trickle_n;
};

/* One outbound message of the seed or the trickle. */
typedef struct {
  const char *app;
  const char *to;
  const char *from;
  const char *reference;
  const char *text;
} DemoMessage;

/* The seed: every view has something to show within seconds, failures included. */
static const DemoMessage seed[] = {
  { "default", "+41 79 555 01 01", NULL, "order-4711", "Your parcel arrives today between 10:00 and 12:00." },
  { "default", "079 555 01 02", NULL, "order-4712",
    "Thank you for your order. It ships tomorrow morning; you will get a tracking link as soon as "
    "the carrier has it. Reply STOP to stop these messages, or call us on weekdays from 8 to 18." },
  { "default", "+49 151 23456789", "ACME", NULL, "Guten Tag! Ihr Termin ist bestätigt." },
  { "default", "+81 90 1234 5678", NULL, NULL, "ご予約ありがとうございます。" },
  { "alerts", "+41 79 555 02 01", NULL, "disk-var", "ALERT: disk /var on db1 at 91%" },
  { "default", "+262 692 12 34 56", NULL, NULL, "Bonjour de la démo (Réunion is blacklisted)" },
  { "default", "+41 76 555 03 03", NULL, "reject-me", "The simulator rejects +4176 numbers." },
  { "alerts", "+44 7911 123456", NULL, NULL, "alerts may only text +41 numbers (the SMS firewall)" },
  { "default", "+41 78 555 04 04", NULL, NULL, "This one is accepted, then undeliverable." },
};

/* The trickle, round-robin: mostly good, now and then a failure.  Each
 * number gets two more digits and "{n}" in the text the message's count:
 * the texts are plain text, never printf formats ("20% off" stays so). */
static const DemoMessage trickle[] = {
  { "default", "+41 79 555 10 ", NULL, NULL, "Reminder {n}: your appointment is at 14:30." },
  { "alerts", "+41 79 555 20 ", NULL, NULL, "ALERT {n}: queue depth above threshold" },
  { "default", "+33 6 12 34 56 ", NULL, NULL, "Votre code de connexion est {n}." },
  { "default", "+41 76 555 30 ", NULL, NULL, "Message {n} to a number the SMSC rejects." },
  { "default", "+41 79 555 40 ", "ACME", NULL, "Flash sale {n}: 20% off today 🎉" },
};

static const char config_template[] =
  "# sms-router --demo: generated, removed on exit.\n"
  "[router]\n"
  "spool = %s/spool\n"
  "region = CH\n"
  "max-parts = 10\n"
  "report = yes\n"
  "default-app = default\n"
  "rescan-interval = 1\n"
  "# a private spool: the control socket keeps the user's own group\n"
  "control-group =\n"
  "\n"
  "[smpp:demo]\n"
  "host = 127.0.0.1\n"
  "port = %u\n"
  "system-id = demo\n"
  "password = demo\n"
  "bind = transceiver\n"
  "window = 10\n"
  "throughput = 20\n"
  "enquire-link = 30\n"
  "region = CH\n"
  "\n"
  "[app:default]\n"
  "region = CH\n"
  "from = +41791234567\n"
  "inbound-numbers = +41790000000;+41791234567\n"
  "\n"
  "[app:alerts]\n"
  "region = CH\n"
  "from = ALERTS\n"
  "allow-destinations = +41\n"
  "\n"
  "[policy]\n"
  "blacklist-countries = CI;GF;GP;MQ;NC;PF;RE\n"
  "max-per-destination-hour = 50\n"
  "max-per-destination-day = 200\n";

static int
remove_entry (const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
  if (remove (path) != 0)
    g_warning (_("Could not remove %s from the demo directory: %s"), path, g_strerror (errno));
  return 0;
}

static void
remove_tree (const char *dir)
{
  if (dir && g_file_test (dir, G_FILE_TEST_IS_DIR))
    nftw (dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static gboolean
drop_message (SrDemo *demo, const DemoMessage *m, const char *to, const char *text, GError **error)
{
  g_autoptr (SrMessage) msg = sr_message_new (to, text);
  if (m->from)
    sr_message_set_from (msg, m->from);
  if (m->reference)
    sr_message_set_reference (msg, m->reference);
  gsize len = 0;
  g_autofree char *data = sr_message_serialize (msg, &len);
  return sr_spool_deliver (sr_router_get_spool (demo->router), m->app, SR_SPOOL_BOX_OUTBOX,
                           data, len, SR_SPOOL_NONE, NULL, error);
}

static gboolean
trickle_tick (gpointer data)
{
  SrDemo *demo = data;
  const DemoMessage *m = &trickle[demo->trickle_n % G_N_ELEMENTS (trickle)];
  guint n = ++demo->trickle_n;
  g_autoptr (GError) error = NULL;
  g_autofree char *to = g_strdup_printf ("%s%02u", m->to, n % 100);
  g_autoptr (GString) text = g_string_new (m->text);
  g_autofree char *count = g_strdup_printf ("%u", n);
  g_string_replace (text, "{n}", count, 0);
  if (!drop_message (demo, m, to, text->str, &error))
    g_warning (_("Demo trickle: %s"), error->message);
  return G_SOURCE_CONTINUE;
}

SrDemo *
sr_demo_new (GError **error)
{
  g_autoptr (SrDemo) demo = g_new0 (SrDemo, 1);
  demo->dir = g_dir_make_tmp ("sms-router-demo-XXXXXX", error);
  if (!demo->dir)
    return NULL;

  SrSimOptions so;
  sr_sim_options_init (&so);
  static const char *const reject[] = { "+4176=ESME_RINVDSTADR", NULL };
  static const char *const stat_for[] = { "+4178=UNDELIV:005", NULL };
  so.port = 0;
  so.system_id = "demo";
  so.password = "demo";
  so.receipt_delay_ms = 1000;
  so.receipt_stat_for = stat_for;
  so.reject_prefix = reject;
  so.mo_interval_ms = 4000;
  so.log_path = g_getenv ("SR_DEMO_SIM_LOG");
  demo->sim = sr_sim_new (&so, error);
  if (!demo->sim)
    return NULL;

  g_autofree char *conf = g_strdup_printf (config_template, demo->dir,
                                           (guint) sr_sim_get_port (demo->sim));
  g_autofree char *conf_path = g_build_filename (demo->dir, "demo.conf", NULL);
  if (!g_file_set_contents_full (conf_path, conf, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return NULL;
  SrConfig *config = sr_config_load_data (conf, strlen (conf), conf_path, error);
  if (!config)
    return NULL;
  SrRouterOptions ro = { .spool = NULL, .notifications = FALSE };
  demo->router = sr_router_new (config, &ro, error);
  if (!demo->router || !sr_router_start (demo->router, error))
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (seed); i++)
    if (!drop_message (demo, &seed[i], seed[i].to, seed[i].text, error))
      return NULL;

  guint trickle_ms = 3000;
  const char *env = g_getenv ("SR_DEMO_TRICKLE_MS");
  if (env)
    trickle_ms = (guint) g_ascii_strtoull (env, NULL, 10);
  if (trickle_ms > 0)
    demo->trickle_id = g_timeout_add (trickle_ms, trickle_tick, demo);
  return g_steal_pointer (&demo);
}

SrRouter *
sr_demo_get_router (SrDemo *demo)
{
  return demo->router;
}

SrSim *
sr_demo_get_sim (SrDemo *demo)
{
  return demo->sim;
}

const char *
sr_demo_get_dir (SrDemo *demo)
{
  return demo->dir;
}

void
sr_demo_free (SrDemo *demo)
{
  if (!demo)
    return;
  if (demo->trickle_id)
    g_source_remove (demo->trickle_id);
  if (demo->router)
    {
      /* Graceful stop, bounded: the simulator answers at once, so this is quick. */
      sr_console_stop_router (demo->router, 5000);
      sr_router_free (demo->router);
    }
  if (demo->sim)
    sr_sim_free (demo->sim);
  remove_tree (demo->dir);
  g_free (demo->dir);
  g_free (demo);
}

int
sr_demo_main (const char *console_title)
{
  g_autoptr (GError) error = NULL;
  /* Nothing may write on the console's terminal: logs go to a file that
   * lives (and goes) with the demo; before the demo exists, to /dev/null. */
  sr_console_redirect_logs ("/dev/null");
  g_autoptr (SrDemo) demo = sr_demo_new (&error);
  if (!demo)
    {
      fprintf (stderr, _("sms-router: the demo could not start: %s\n"), error->message);
      return 1;
    }
  g_autofree char *log = g_build_filename (demo->dir, "sms-router.log", NULL);
  sr_console_redirect_logs (log);
  g_autoptr (SrConsoleRouterModel) model = sr_console_router_model_new (demo->router, NULL);
  SrConsoleOptions options = {
    .title = console_title ? console_title : _("sms-router demo"),
    .default_app = "default",
  };
  g_autoptr (SrConsole) console = sr_console_new (sr_console_router_model_get (model), &options);
  SrConsoleExit why = sr_console_run (console, &error);
  g_clear_pointer (&console, sr_console_free);
  g_clear_pointer (&model, sr_console_router_model_free);
  sr_console_redirect_logs ("/dev/null");  /* the log file goes with the demo */
  if (why == SR_CONSOLE_EXIT_ERROR)
    {
      fprintf (stderr, "sms-router: %s\n", error->message);
      return 1;
    }
  return 0;
}
