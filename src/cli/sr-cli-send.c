/* sr-cli-send.c — `sms-router send`: drop one message into an app's outbox.
 *
 * The message is checked the way the router will check it (the file must
 * parse, the number must be valid for the app's region) so that a mistake
 * is reported to the person typing, not discovered later in dead/.  The
 * file is written to tmp/, fsynced and renamed into new/ (maildir rule).
 */
#define G_LOG_DOMAIN "sr-cli"

#include "sr-cli.h"
#include "sr-config.h"
#include "sr-message.h"
#include "sr-number.h"
#include "sr-spool.h"

#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <unistd.h>

/* Reads standard input whole, refusing more than @max bytes. */
static char *
read_stdin (gsize max, GError **error)
{
  g_autoptr(GInputStream) in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  guint8 chunk[8192];
  for (;;)
    {
      gssize n = g_input_stream_read (in, chunk, sizeof chunk, NULL, error);
      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      g_byte_array_append (buf, chunk, n);
      if (buf->len > max)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                       _("the text on standard input is larger than %zu bytes"), max);
          return NULL;
        }
    }
  g_byte_array_append (buf, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (g_steal_pointer (&buf), FALSE);
}

static int
usage_error (GOptionContext *ctx, const char *message)
{
  g_printerr ("sms-router send: %s\n", message);
  g_printerr (_("Try 'sms-router send --help'.\n"));
  return 2;
}

int
sr_cli_send (int argc, char **argv)
{
  g_autofree char *config_path = NULL, *spool = NULL, *app_name = NULL;
  g_autofree char *to = NULL, *from = NULL, *reference = NULL;
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, N_("Configuration file"), N_("FILE") },
    { "spool", 0, 0, G_OPTION_ARG_FILENAME, &spool, N_("Spool directory (overrides the configuration)"), N_("DIR") },
    { "app", 'a', 0, G_OPTION_ARG_STRING, &app_name, N_("Application whose outbox receives the message (default: the default app)"), N_("APP") },
    { "to", 't', 0, G_OPTION_ARG_STRING, &to, N_("Destination number (required)"), N_("NUMBER") },
    { "from", 'f', 0, G_OPTION_ARG_STRING, &from, N_("Sender: a number, short code or up to 11 letters"), N_("SENDER") },
    { "reference", 'r', 0, G_OPTION_ARG_STRING, &reference, N_("Reference echoed in every receipt"), N_("REF") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("[TEXT | -] — queue one SMS"));
  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (ctx,
    _("The text is taken from the argument, or from standard input when it is '-'.\n"
      "On success the name of the new file in the app's outbox/new/ is printed."));
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error (ctx, error->message);
  if (to == NULL || *to == '\0')
    return usage_error (ctx, _("--to NUMBER is required"));
  if (argc != 2)
    return usage_error (ctx, argc < 2 ? _("the text is missing (give it as an argument, or '-' to read standard input)")
                                      : _("give the text as one argument (quote it)"));

  g_autofree char *path = sr_config_resolve_path (config_path);
  g_autoptr(SrConfig) config = sr_config_load (path, &error);
  if (config == NULL)
    {
      g_printerr ("sms-router send: %s\n", error->message);
      return 2;
    }
  const SrAppConfig *app = sr_config_find_app (config, app_name != NULL ? app_name : config->default_app);
  if (app == NULL)
    {
      g_printerr (_("sms-router send: unknown application '%s' (not an [app:NAME] group in %s)\n"),
                  app_name, path);
      return 2;
    }

  g_autofree char *text = NULL;
  if (g_str_equal (argv[1], "-"))
    {
      text = read_stdin (config->max_file_size, &error);
      if (text == NULL)
        {
          g_printerr ("sms-router send: %s\n", error->message);
          return 1;
        }
    }
  else
    text = g_strdup (argv[1]);

  char e164[SR_NUMBER_E164_SIZE], country[SR_NUMBER_REGION_SIZE];
  if (!sr_number_normalise (to, app->region, e164, country, &error))
    {
      g_printerr ("sms-router send: %s\n", error->message);
      return 1;
    }

  g_autoptr(SrMessage) msg = sr_message_new (to, text);
  if (from != NULL)
    sr_message_set_from (msg, from);
  if (reference != NULL)
    sr_message_set_reference (msg, reference);
  gsize len = 0;
  g_autofree char *data = sr_message_serialize (msg, &len);

  /* The router will parse this file: refuse now what it would refuse then. */
  g_autoptr(SrMessage) check = sr_message_parse (data, len, config->max_file_size, &error);
  if (check == NULL)
    {
      g_printerr ("sms-router send: %s\n", error->message);
      return 1;
    }

  const char *apps[] = { app->name, NULL };
  g_autoptr(SrSpool) sp = sr_spool_open (spool != NULL ? spool : config->spool, apps, &error);
  if (sp == NULL)
    {
      g_printerr ("sms-router send: %s\n", error->message);
      return 1;
    }
  g_autofree char *name = NULL;
  if (!sr_spool_deliver (sp, app->name, SR_SPOOL_BOX_OUTBOX, data, len, SR_SPOOL_FSYNC, &name, &error))
    {
      g_printerr ("sms-router send: %s\n", error->message);
      return 1;
    }
  printf ("%s\n", name);
  return 0;
}
