/* main.c — option parsing; starts the console, the daemon or a sub-command. */
#define G_LOG_DOMAIN "sms-router"

#include "sr-build-config.h"
#include "sr-cli.h"
#include "sr-config.h"
#include "sr-console-main.h"
#include "sr-demo.h"

#include <glib.h>
#include <glib/gi18n-lib.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

/* SR_LOCALEDIR lets tests and uninstalled builds point at fresh catalogues. */
static void
init_i18n (void)
{
  setlocale (LC_ALL, "");
  const char *dir = g_getenv ("SR_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, dir != NULL && *dir != '\0' ? dir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

int
main (int argc, char **argv)
{
  init_i18n ();

  if (argc >= 2 && g_str_equal (argv[1], "send"))
    return sr_cli_send (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "export"))
    return sr_cli_export (argc - 1, argv + 1);

  g_autofree char *config_path = NULL, *spool = NULL, *pidfile = NULL, *log = NULL;
  gboolean daemon = FALSE, demo = FALSE, version = FALSE;
  /* The default path comes from the build: one msgid for every build. */
  g_autofree char *config_help = g_strdup_printf (
    _("Configuration file (default: $SMS_ROUTER_CONFIG, else %s)"), SR_DEFAULT_CONFIG);
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, config_help, N_("FILE") },
    { "spool", 0, 0, G_OPTION_ARG_FILENAME, &spool, N_("Spool directory (overrides the configuration)"), N_("DIR") },
    { "daemon", 'd', 0, G_OPTION_ARG_NONE, &daemon, N_("Run headless in the foreground until SIGTERM"), NULL },
    { "pidfile", 0, 0, G_OPTION_ARG_FILENAME, &pidfile, N_("With --daemon: write the process id to FILE"), N_("FILE") },
    { "log", 0, 0, G_OPTION_ARG_FILENAME, &log,
      N_("With --daemon: log to the journal, syslog, stderr or FILE (default: [router] log, else auto)"),
      N_("journal|syslog|stderr|FILE") },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo, N_("Console on a simulated SMSC with a temporary spool"), NULL },
    { "version", 'V', 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("— SMS router and SMPP gateway"));
  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (ctx,
    _("Without --daemon or --demo the operator console starts with the router\n"
      "embedded, or attaches to the daemon that already runs on the spool.\n"
      "\n"
      "Sub-commands (each has --help):\n"
      "  send [--app APP] --to NUMBER [--from SENDER] [--reference REF] [TEXT | -]\n"
      "                      queue one SMS in an application's outbox\n"
      "  export --csv [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--app APP] [--raw]\n"
      "                      write the journal as CSV for auditors (fields that\n"
      "                      start a spreadsheet formula get a leading ', unless --raw)\n"
      "\n"
      "The daemon's log (--log auto): the systemd journal when standard error is\n"
      "connected to it; syslog when standard error is not a terminal and a syslog\n"
      "daemon listens on /dev/log; standard error otherwise.  A log FILE is\n"
      "reopened on SIGHUP (for logrotate).\n"
      "\n"
      "Exit status: 0 success, 1 failure, 2 bad usage or configuration."));
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("sms-router: %s\n", error->message);
      g_printerr (_("Try 'sms-router --help'.\n"));
      return 2;
    }
  if (version)
    {
      printf ("sms-router %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (argc > 1)
    {
      g_printerr (_("sms-router: unknown command '%s'\n"), argv[1]);
      g_printerr (_("Try 'sms-router --help'.\n"));
      return 2;
    }
  if (daemon && demo)
    {
      g_printerr (_("sms-router: --daemon and --demo exclude each other\n"));
      return 2;
    }
  if (pidfile != NULL && !daemon)
    {
      g_printerr (_("sms-router: --pidfile only goes with --daemon\n"));
      return 2;
    }
  if (log != NULL && !daemon)
    {
      g_printerr (_("sms-router: --log only goes with --daemon\n"));
      return 2;
    }
  if (demo)
    return sr_demo_main (NULL);
  if (daemon)
    return sr_cli_daemon (config_path, spool, pidfile, log);

  g_autofree char *path = sr_config_resolve_path (config_path);
  SrConfig *config = sr_config_load (path, &error);
  if (config == NULL)
    {
      g_printerr ("sms-router: %s\n", error->message);
      return 2;
    }
  return sr_console_main (config, spool, NULL);
}
