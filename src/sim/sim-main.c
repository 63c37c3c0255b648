/* sim-main.c — `sms-router-smsc-sim`: the simulator as a program, with its
 * options and the line-based control channel on stdin. */
#define G_LOG_DOMAIN "sr-sim"

#include "sr-build-config.h"
#include "sr-sim.h"

#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

/* The running program: simulator, loop and control channel. */
typedef struct {
  SrSim *sim;
  GMainLoop *loop;
  GDataInputStream *control;
  GCancellable *cancellable;
  int status;
} SimMain;

static void
reply (const char *format, ...) G_GNUC_PRINTF (1, 2);

static void
reply (const char *format, ...)
{
  va_list args;

  va_start (args, format);
  vprintf (format, args);
  va_end (args);
  putchar ('\n');
  fflush (stdout);
}

static void
run_command (SimMain *m, char *line)
{
  char *arg;
  g_autoptr(GError) error = NULL;

  g_strstrip (line);
  if (line[0] == '\0' || line[0] == '#')
    return;
  arg = strchr (line, ' ');
  if (arg != NULL)
    {
      *arg++ = '\0';
      g_strstrip (arg);
    }

  if (strcmp (line, "mo") == 0)
    {
      guint n = 0;
      if (arg == NULL || !sr_sim_inject_mo (m->sim, arg, &n, &error))
        reply ("ERR %s", error != NULL ? error->message : _("mo needs a SPEC"));
      else
        reply ("OK mo %u", n);
    }
  else if (strcmp (line, "receipt") == 0)
    {
      char *stat = arg != NULL ? strchr (arg, ' ') : NULL;
      if (stat != NULL)
        *stat++ = '\0';
      if (arg == NULL || !sr_sim_inject_receipt (m->sim, arg, stat, &error))
        reply ("ERR %s", error != NULL ? error->message : _("receipt needs a message id"));
      else
        reply ("OK receipt");
    }
  else if (strcmp (line, "raw") == 0)
    {
      gsize len = arg != NULL ? strlen (arg) : 0, i;
      g_autofree guint8 *bytes = g_malloc (len / 2 + 1);
      gboolean ok = len > 0 && len % 2 == 0;

      for (i = 0; ok && i < len / 2; i++)
        {
          int hi = g_ascii_xdigit_value (arg[2 * i]), lo = g_ascii_xdigit_value (arg[2 * i + 1]);
          ok = hi >= 0 && lo >= 0;
          bytes[i] = (guint8) (hi << 4 | lo);
        }
      if (!ok)
        reply ("ERR %s", _("raw needs bytes in hex, e.g. raw 000000100000777700000000000000ff"));
      else
        {
          sr_sim_send_raw (m->sim, bytes, len / 2);
          reply ("OK raw");
        }
    }
  else if (strcmp (line, "drop") == 0)
    {
      sr_sim_drop_connections (m->sim);
      reply ("OK drop");
    }
  else if (strcmp (line, "stats") == 0)
    {
      SrSimStats stats;
      g_autofree char *json = NULL;

      sr_sim_flush_log (m->sim);
      sr_sim_get_stats (m->sim, &stats);
      json = sr_sim_stats_to_json (&stats);
      reply ("OK %s", json);
    }
  else if (strcmp (line, "flush") == 0)
    {
      sr_sim_flush_log (m->sim);
      reply ("OK flush");
    }
  else if (strcmp (line, "enquire") == 0)
    {
      sr_sim_send_enquire_link (m->sim);
      reply ("OK enquire");
    }
  else if (strcmp (line, "unbind") == 0)
    {
      sr_sim_send_unbind (m->sim);
      reply ("OK unbind");
    }
  else if (strcmp (line, "set") == 0)
    {
      char *value = arg != NULL ? strchr (arg, ' ') : NULL;
      if (value != NULL)
        *value++ = '\0';
      if (arg == NULL || !sr_sim_set (m->sim, arg, value != NULL ? g_strstrip (value) : "", &error))
        reply ("ERR %s", error != NULL ? error->message : _("set needs KEY VALUE"));
      else
        reply ("OK set");
    }
  else if (strcmp (line, "quit") == 0)
    {
      reply ("OK quit");
      g_main_loop_quit (m->loop);
    }
  else
    reply ("ERR %s", _("unknown command (try mo, receipt, raw, drop, stats, flush, enquire, unbind, set, quit)"));
}

static void
on_control_line (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SimMain *m = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                    result, NULL, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (line == NULL)
    {
      /* stdin closed: whoever drove us is gone, so are we. */
      if (error != NULL)
        g_printerr ("%s\n", error->message);
      g_main_loop_quit (m->loop);
      return;
    }
  run_command (m, line);
  g_data_input_stream_read_line_async (m->control, G_PRIORITY_DEFAULT, m->cancellable,
                                       on_control_line, m);
}

static gboolean
on_quit_signal (gpointer user_data)
{
  SimMain *m = user_data;

  g_main_loop_quit (m->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_usr1 (gpointer user_data)
{
  SimMain *m = user_data;
  SrSimStats stats;
  g_autofree char *json = NULL;

  sr_sim_flush_log (m->sim);
  sr_sim_get_stats (m->sim, &stats);
  json = sr_sim_stats_to_json (&stats);
  g_printerr ("stats %s\n", json);
  return G_SOURCE_CONTINUE;
}

static gboolean
read_mo_file (const char *path, GPtrArray *specs, GError **error)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  guint i;

  if (!g_file_get_contents (path, &contents, NULL, error))
    return FALSE;
  lines = g_strsplit (contents, "\n", -1);
  for (i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      if (line[0] != '\0' && line[0] != '#')
        g_ptr_array_add (specs, g_strdup (line));
    }
  return TRUE;
}

static gboolean
check_uint (const char *name, int value, guint *out)
{
  if (value < 0)
    {
      g_printerr (_("--%s must not be negative.\n"), name);
      return FALSE;
    }
  *out = (guint) value;
  return TRUE;
}

int
main (int argc, char **argv)
{
  SimMain m = { 0 };
  SrSimOptions options;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) mo_specs = g_ptr_array_new_with_free_func (g_free);
  int port = 0, enquire_link = 0, receipt_delay = 0, deliver_window = 64, mo_interval = 0;
  int deliver_retry = 1000;
  int throttle_every = 0, drop_after = 0, delay_ms = 0, no_response_every = 0;
  int late_every = 0, late_ms = 0;
  int garbage_after = 0, oversized_after = 0, max_window = 0;
  gint64 id_start = 1;
  g_autofree char *bind_address = NULL, *system_id = NULL, *password = NULL;
  g_autofree char *id_format = NULL, *receipt_id_format = NULL, *receipt_stat = NULL;
  g_autofree char *mo_file = NULL, *log_path = NULL;
  g_auto(GStrv) receipt_stat_for = NULL, mo = NULL, reject_prefix = NULL;
  gboolean no_receipts = FALSE, dribble = FALSE, log_sent = FALSE, control_stdin = FALSE;
  gboolean version = FALSE;
  guint i;

  GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      N_("TCP port to listen on; 0 picks a free one (default 0). The first line on stdout is always “LISTENING <port>”"), N_("P") },
    { "bind-address", 0, 0, G_OPTION_ARG_STRING, &bind_address,
      N_("Address to listen on (default 127.0.0.1; 0.0.0.0 for all)"), N_("ADDR") },
    { "system-id", 0, 0, G_OPTION_ARG_STRING, &system_id,
      N_("Accept binds only with this system_id (default: any); others get ESME_RINVSYSID"), N_("ID") },
    { "password", 0, 0, G_OPTION_ARG_STRING, &password,
      N_("Accept binds only with this password (default: any); others get ESME_RINVPASWD"), N_("PW") },
    { "enquire-link", 0, 0, G_OPTION_ARG_INT, &enquire_link,
      N_("Send enquire_link to every bound client every S seconds (default 0: never)"), N_("S") },
    { "id-format", 0, 0, G_OPTION_ARG_STRING, &id_format,
      N_("Message ids in submit_sm_resp: hex or dec (default hex)"), N_("hex|dec") },
    { "id-start", 0, 0, G_OPTION_ARG_INT64, &id_start,
      N_("First message id handed out (default 1)"), N_("N") },
    { "receipt-id-format", 0, 0, G_OPTION_ARG_STRING, &receipt_id_format,
      N_("Message ids in receipts: same (as in submit_sm_resp), hex or dec (default same)"), N_("same|hex|dec") },
    { "receipt-delay", 0, 0, G_OPTION_ARG_INT, &receipt_delay,
      N_("Send the delivery receipt MS milliseconds after the submit (default 0)"), N_("MS") },
    { "receipt-stat", 0, 0, G_OPTION_ARG_STRING, &receipt_stat,
      N_("State receipts report: DELIVRD, UNDELIV, EXPIRED, DELETED, ACCEPTD, UNKNOWN, REJECTD or ENROUTE, optionally with :ERR (default DELIVRD)"), N_("STAT[:ERR]") },
    { "receipt-stat-for", 0, 0, G_OPTION_ARG_STRING_ARRAY, &receipt_stat_for,
      N_("State for destinations starting with PREFIX (repeatable), e.g. +44=UNDELIV:001"), N_("PREFIX=STAT[:ERR]") },
    { "no-receipts", 0, 0, G_OPTION_ARG_NONE, &no_receipts,
      N_("Never send delivery receipts"), NULL },
    { "deliver-window", 0, 0, G_OPTION_ARG_INT, &deliver_window,
      N_("Unanswered deliver_sm allowed per receiver bind (default 64)"), N_("N") },
    { "deliver-retry-ms", 0, 0, G_OPTION_ARG_INT, &deliver_retry,
      N_("Send a deliver_sm the client refused (error status or generic_nack) again after MS milliseconds (default 1000); unanswered ones go to the next bind"), N_("MS") },
    { "mo", 0, 0, G_OPTION_ARG_STRING_ARRAY, &mo,
      N_("Send this MO message once a receiver binds (repeatable). SPEC: from=+41791234567,to=+41790000000,text=Hello,coding=auto|gsm|ucs2|latin1|binary,split=udh8|udh16|sar|payload,order=3,1,2,dup=2,drop=2 and optionally hex=,ref=,repeat=,esm=,pid=,dc=,system-id=,from-ton=,from-npi=,to-ton=,to-npi=; backslash escapes (\\n, \\,) in values"), N_("SPEC") },
    { "mo-file", 0, 0, G_OPTION_ARG_FILENAME, &mo_file,
      N_("Read MO specs from FILE, one per line (# starts a comment)"), N_("FILE") },
    { "mo-interval", 0, 0, G_OPTION_ARG_INT, &mo_interval,
      N_("Generate an MO message every MS milliseconds (for the demo; default 0: off)"), N_("MS") },
    { "control-stdin", 0, 0, G_OPTION_ARG_NONE, &control_stdin,
      N_("Read commands from stdin, one per line, each answered with one line “OK …” or “ERR …”: mo SPEC, receipt ID [STAT[:ERR]], raw HEX (bytes to every connection), drop (close all connections), stats, flush, enquire, unbind, set KEY VALUE, quit. End of input quits"), NULL },
    { "throttle-every", 0, 0, G_OPTION_ARG_INT, &throttle_every,
      N_("Answer every Nth submit with ESME_RTHROTTLED"), N_("N") },
    { "reject-prefix", 0, 0, G_OPTION_ARG_STRING_ARRAY, &reject_prefix,
      N_("Answer submits to destinations starting with PREFIX with STATUS (a name or number; default ESME_RINVDSTADR); repeatable"), N_("PREFIX[=STATUS]") },
    { "drop-after", 0, 0, G_OPTION_ARG_INT, &drop_after,
      N_("Close the connection when the Nth submit arrives, without answering it (once; “set drop-after N” re-arms)"), N_("N") },
    { "delay-ms", 0, 0, G_OPTION_ARG_INT, &delay_ms,
      N_("Delay every response by MS milliseconds"), N_("MS") },
    { "no-response-every", 0, 0, G_OPTION_ARG_INT, &no_response_every,
      N_("Never answer every Nth submit"), N_("N") },
    { "late-every", 0, 0, G_OPTION_ARG_INT, &late_every,
      N_("Answer every Nth submit --late-ms milliseconds late (e.g. after the client's response timeout)"), N_("N") },
    { "late-ms", 0, 0, G_OPTION_ARG_INT, &late_ms,
      N_("How late --late-every answers (default 2000)"), N_("MS") },
    { "garbage-after", 0, 0, G_OPTION_ARG_INT, &garbage_after,
      N_("After answering the Nth submit, send bytes that are not a PDU (once)"), N_("N") },
    { "oversized-after", 0, 0, G_OPTION_ARG_INT, &oversized_after,
      N_("After answering the Nth submit, send a PDU header claiming a 2 GiB length (once)"), N_("N") },
    { "dribble", 0, 0, G_OPTION_ARG_NONE, &dribble,
      N_("Send every PDU byte by byte, one byte per millisecond"), NULL },
    { "max-window", 0, 0, G_OPTION_ARG_INT, &max_window,
      N_("Answer ESME_RTHROTTLED when a client has more than N submits unanswered, and count it as a window violation (log and stats)"), N_("N") },
    { "log", 0, 0, G_OPTION_ARG_FILENAME, &log_path,
      N_("Append one JSON line per PDU received (and events) to FILE"), N_("FILE") },
    { "log-sent", 0, 0, G_OPTION_ARG_NONE, &log_sent,
      N_("Also log the PDUs the simulator sends"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version,
      N_("Print the version and exit"), NULL },
    { NULL },
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("SR_LOCALEDIR") != NULL ? g_getenv ("SR_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("An SMSC simulator: a real SMPP 3.4 server for tests, benchmarks, "
                                  "the demo and trying a configuration. It accepts binds, answers "
                                  "submit_sm with unique message ids, sends delivery receipts and "
                                  "MO messages, and can inject faults."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (version)
    {
      printf ("sms-router-smsc-sim %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (argc > 1)
    {
      g_printerr (_("Unexpected argument “%s”; see --help.\n"), argv[1]);
      return 2;
    }

  sr_sim_options_init (&options);
  if (port < 0 || port > 65535)
    {
      g_printerr (_("--port must be from 0 to 65535.\n"));
      return 2;
    }
  options.port = (guint16) port;
  if (bind_address != NULL)
    options.bind_address = bind_address;
  options.system_id = system_id;
  options.password = password;
  if (id_format != NULL && strcmp (id_format, "hex") != 0 && strcmp (id_format, "dec") != 0)
    {
      g_printerr (_("--id-format must be hex or dec.\n"));
      return 2;
    }
  options.id_format = g_strcmp0 (id_format, "dec") == 0 ? SR_SIM_ID_DEC : SR_SIM_ID_HEX;
  if (receipt_id_format != NULL && strcmp (receipt_id_format, "same") != 0
      && strcmp (receipt_id_format, "hex") != 0 && strcmp (receipt_id_format, "dec") != 0)
    {
      g_printerr (_("--receipt-id-format must be same, hex or dec.\n"));
      return 2;
    }
  options.receipt_id_format = g_strcmp0 (receipt_id_format, "dec") == 0 ? SR_SIM_ID_DEC
                            : g_strcmp0 (receipt_id_format, "hex") == 0 ? SR_SIM_ID_HEX
                            : SR_SIM_ID_SAME;
  if (id_start < 0)
    {
      g_printerr (_("--id-start must not be negative.\n"));
      return 2;
    }
  options.id_start = (guint64) id_start;
  if (!check_uint ("enquire-link", enquire_link, &options.enquire_link_s)
      || !check_uint ("receipt-delay", receipt_delay, &options.receipt_delay_ms)
      || !check_uint ("deliver-window", deliver_window, &options.deliver_window)
      || !check_uint ("deliver-retry-ms", deliver_retry, &options.deliver_retry_ms)
      || !check_uint ("mo-interval", mo_interval, &options.mo_interval_ms)
      || !check_uint ("throttle-every", throttle_every, &options.throttle_every)
      || !check_uint ("drop-after", drop_after, &options.drop_after)
      || !check_uint ("delay-ms", delay_ms, &options.delay_ms)
      || !check_uint ("no-response-every", no_response_every, &options.no_response_every)
      || !check_uint ("late-every", late_every, &options.late_every)
      || !check_uint ("late-ms", late_ms, &options.late_ms)
      || !check_uint ("garbage-after", garbage_after, &options.garbage_after)
      || !check_uint ("oversized-after", oversized_after, &options.oversized_after)
      || !check_uint ("max-window", max_window, &options.max_window))
    return 2;
  if (receipt_stat != NULL)
    options.receipt_stat = receipt_stat;
  options.receipt_stat_for = (const char *const *) receipt_stat_for;
  options.no_receipts = no_receipts;
  options.reject_prefix = (const char *const *) reject_prefix;
  options.dribble = dribble;
  options.log_path = log_path;
  options.log_sent = log_sent;

  for (i = 0; mo != NULL && mo[i] != NULL; i++)
    g_ptr_array_add (mo_specs, g_strdup (mo[i]));
  if (mo_file != NULL && !read_mo_file (mo_file, mo_specs, &error))
    {
      g_printerr (_("Cannot read the MO file: %s\n"), error->message);
      return 2;
    }
  g_ptr_array_add (mo_specs, NULL);
  options.mo_specs = (const char *const *) mo_specs->pdata;

  m.sim = sr_sim_new (&options, &error);
  if (m.sim == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  printf ("LISTENING %u\n", sr_sim_get_port (m.sim));
  fflush (stdout);

  m.loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_quit_signal, &m);
  g_unix_signal_add (SIGTERM, on_quit_signal, &m);
  g_unix_signal_add (SIGUSR1, on_usr1, &m);
  signal (SIGPIPE, SIG_IGN);

  if (control_stdin)
    {
      g_autoptr(GInputStream) in = g_unix_input_stream_new (0, FALSE);
      m.cancellable = g_cancellable_new ();
      m.control = g_data_input_stream_new (in);
      g_data_input_stream_read_line_async (m.control, G_PRIORITY_DEFAULT, m.cancellable,
                                           on_control_line, &m);
    }

  g_main_loop_run (m.loop);

  if (m.cancellable != NULL)
    g_cancellable_cancel (m.cancellable);
  g_clear_object (&m.control);
  g_clear_object (&m.cancellable);
  sr_sim_free (m.sim);
  g_main_loop_unref (m.loop);
  return m.status;
}
