/* sr-cli-export.c — `sms-router export --csv`: the journal as RFC 4180 CSV
 * for auditors.
 *
 * Three tables, one per run: messages with their parts and receipts (the
 * default; one row per part, the message's columns repeated on each), inbound
 * SMS (--inbound) or the audit log (--events).  The journal is opened
 * read-only, so an export can run next to a working router.  Timestamps are
 * UTC in ISO 8601 with microseconds; the column lists below are the contract
 * documented in sms-router(1).
 */
#define G_LOG_DOMAIN "sr-cli"

#include "sr-cli.h"
#include "sr-build-config.h"
#include "sr-config.h"
#include "sr-journal.h"

#include <errno.h>
#include <glib.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Exit statuses shared by the sub-commands (see sr-cli.h). */
enum {
  EXPORT_OK = 0,
  EXPORT_FAILED = 1,
  EXPORT_USAGE = 2,
};

/* Flush the row buffer to the output when it grows past this. */
#define EXPORT_BUFFER_SIZE (64 * 1024)

/* Where the rows go: a buffer in front of stdout or a temporary file that is
 * renamed over --output only once everything is written. */
typedef struct {
  FILE *out;
  GString *buf;
  char *tmp_path;              /* NULL when writing to stdout */
  const char *label;           /* the output's name in messages */
  gboolean failed;
  int saved_errno;
  guint64 rows;
  gboolean raw;                /* --raw: no spreadsheet-formula neutralising */
} ExportWriter;

static const char *const message_columns[] = {
  "message_id", "app", "file", "reference", "to_raw", "to", "country", "from",
  "alphabet", "parts", "state", "attempts", "next_attempt_at", "provider",
  "error_class", "error_code", "error_text", "created_at", "submitted_at",
  "done_at", "text_preview",
  "part", "part_provider", "smsc_id", "part_submit", "part_status",
  "part_submitted_at", "receipt", "receipt_stat", "receipt_err", "receipt_at",
  NULL
};

static const char *const inbound_columns[] = {
  "inbound_id", "received_at", "provider", "sender", "recipient", "app",
  "parts", "verdict", "file", "text", NULL
};

static const char *const event_columns[] = {
  "event_id", "time", "scope", "level", "kind", "message_id", "app", "actor",
  "text", NULL
};

/* The journal's names for its states, as sr_message_state_to_string() and
 * sr_receipt_state_to_string() give them.  Spelled out here because the
 * receipt parser exports functions of the same names for its own enums, and
 * the program must link with both. */
static const char *
message_state_name (SrMessageState state)
{
  static const char *const names[SR_MESSAGE_N_STATES] = {
    [SR_MESSAGE_QUEUED] = "queued",
    [SR_MESSAGE_SUBMITTING] = "submitting",
    [SR_MESSAGE_SENT] = "sent",
    [SR_MESSAGE_DELIVERED] = "delivered",
    [SR_MESSAGE_UNDELIVERABLE] = "undeliverable",
    [SR_MESSAGE_DEAD] = "dead",
    [SR_MESSAGE_DISCARDED] = "discarded",
  };
  return (guint) state < SR_MESSAGE_N_STATES ? names[state] : "unknown";
}

static const char *
receipt_state_name (SrReceiptState state)
{
  static const char *const names[] = { "none", "intermediate", "delivered", "failed" };
  return (guint) state < G_N_ELEMENTS (names) ? names[state] : "unknown";
}

/* ---- CSV ------------------------------------------------------------------ */

static void
writer_flush (ExportWriter *w)
{
  if (w->buf->len == 0 || w->failed)
    {
      g_string_truncate (w->buf, 0);
      return;
    }
  if (fwrite (w->buf->str, 1, w->buf->len, w->out) != w->buf->len)
    {
      w->failed = TRUE;
      w->saved_errno = errno;
    }
  g_string_truncate (w->buf, 0);
}

/* Whether a spreadsheet (Excel, LibreOffice) would read a cell starting
 * with @c as a formula: the characters OWASP lists for CSV injection. */
static gboolean
csv_starts_formula (char c)
{
  return c != '\0' && strchr ("=+-@\t\r", c) != NULL;
}

/* One field; quoted only when RFC 4180 requires it (comma, quote, CR, LF),
 * with quotes doubled.  Leading and trailing blanks are kept as they are.
 * Texts, references and errors come from applications and the network, so
 * unless --raw a field that would start a formula gets a leading "'" (and
 * quotes), as OWASP recommends; numbers such as +41… included. */
static void
csv_field (ExportWriter *w, gboolean first, const char *value)
{
  if (!first)
    g_string_append_c (w->buf, ',');
  if (value == NULL || *value == '\0')
    return;
  gboolean neutralise = !w->raw && csv_starts_formula (value[0]);
  if (!neutralise && strpbrk (value, ",\"\r\n") == NULL)
    {
      g_string_append (w->buf, value);
      return;
    }
  g_string_append_c (w->buf, '"');
  if (neutralise)
    g_string_append_c (w->buf, '\'');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (w->buf, '"');
      g_string_append_c (w->buf, *p);
    }
  g_string_append_c (w->buf, '"');
}

static void
csv_end_row (ExportWriter *w)
{
  g_string_append (w->buf, "\r\n");
  w->rows++;
  if (w->buf->len >= EXPORT_BUFFER_SIZE)
    writer_flush (w);
}

static void
csv_header (ExportWriter *w, const char *const *columns)
{
  for (guint i = 0; columns[i] != NULL; i++)
    csv_field (w, i == 0, columns[i]);
  csv_end_row (w);
  w->rows = 0;
}

/* Fields built from numbers go through one small scratch buffer each. */
static const char *
fmt_uint (char buf[32], guint64 v)
{
  g_snprintf (buf, 32, "%" G_GUINT64_FORMAT, v);
  return buf;
}

/* 0 means "none" for ids and counts the journal leaves unset. */
static const char *
fmt_id (char buf[32], gint64 v)
{
  if (v <= 0)
    return NULL;
  g_snprintf (buf, 32, "%" G_GINT64_FORMAT, v);
  return buf;
}

/* SMPP command_status as SMPP documents write it: 0x0000000B. */
static const char *
fmt_status (char buf[32], gint status)
{
  g_snprintf (buf, 32, "0x%08X", (guint) status);
  return buf;
}

/* Microseconds since the epoch → 2026-11-22T06:12:58.123456Z; 0 → empty. */
static const char *
fmt_time (char buf[32], gint64 us)
{
  if (us <= 0)
    return NULL;
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);
  if (dt == NULL)
    return NULL;
  g_snprintf (buf, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
              g_date_time_get_year (dt), g_date_time_get_month (dt),
              g_date_time_get_day_of_month (dt), g_date_time_get_hour (dt),
              g_date_time_get_minute (dt), g_date_time_get_second (dt),
              (int) (us % G_USEC_PER_SEC));
  return buf;
}

static gboolean
write_message (const SrJournalMessage *m, GPtrArray *segments, gpointer user_data)
{
  ExportWriter *w = user_data;
  char b[12][32];
  guint n = segments != NULL && segments->len > 0 ? segments->len : 1;

  for (guint i = 0; i < n; i++)
    {
      const SrJournalSegment *s = segments != NULL && i < segments->len ? segments->pdata[i] : NULL;

      csv_field (w, TRUE, fmt_id (b[0], m->id));
      csv_field (w, FALSE, m->app);
      csv_field (w, FALSE, m->file);
      csv_field (w, FALSE, m->reference);
      csv_field (w, FALSE, m->to_raw);
      csv_field (w, FALSE, m->to_e164);
      csv_field (w, FALSE, m->country);
      csv_field (w, FALSE, m->from_addr);
      csv_field (w, FALSE, m->alphabet);
      csv_field (w, FALSE, fmt_uint (b[1], m->parts));
      csv_field (w, FALSE, message_state_name (m->state));
      csv_field (w, FALSE, fmt_uint (b[2], m->attempts));
      csv_field (w, FALSE, fmt_time (b[3], m->next_attempt_at));
      csv_field (w, FALSE, m->provider);
      csv_field (w, FALSE, m->error_class != SR_ERROR_CLASS_NONE
                             ? sr_error_class_to_string (m->error_class) : NULL);
      csv_field (w, FALSE, m->error_code != 0 ? fmt_status (b[4], m->error_code) : NULL);
      csv_field (w, FALSE, m->error_text);
      csv_field (w, FALSE, fmt_time (b[5], m->created_at));
      csv_field (w, FALSE, fmt_time (b[6], m->submitted_at));
      csv_field (w, FALSE, fmt_time (b[7], m->done_at));
      csv_field (w, FALSE, m->preview);
      if (s == NULL)
        {
          /* A message not yet split into parts (or dead before): the part
           * columns stay empty, the message is still exported. */
          for (guint k = 0; k < 10; k++)
            csv_field (w, FALSE, NULL);
        }
      else
        {
          gboolean answered = s->submit == SR_SEGMENT_ACCEPTED || s->submit == SR_SEGMENT_REJECTED;
          csv_field (w, FALSE, fmt_uint (b[8], s->part));
          csv_field (w, FALSE, s->provider);
          csv_field (w, FALSE, s->smsc_id);
          csv_field (w, FALSE, sr_segment_submit_to_string (s->submit));
          csv_field (w, FALSE, answered ? fmt_status (b[9], s->command_status) : NULL);
          csv_field (w, FALSE, fmt_time (b[10], s->submitted_at));
          csv_field (w, FALSE, receipt_state_name (s->receipt));
          csv_field (w, FALSE, s->receipt_stat);
          csv_field (w, FALSE, s->receipt_err);
          csv_field (w, FALSE, fmt_time (b[11], s->receipt_at));
        }
      csv_end_row (w);
    }
  return !w->failed;
}

static gboolean
write_inbound (const SrJournalInbound *in, gpointer user_data)
{
  ExportWriter *w = user_data;
  char b[3][32];

  csv_field (w, TRUE, fmt_id (b[0], in->id));
  csv_field (w, FALSE, fmt_time (b[1], in->received_at));
  csv_field (w, FALSE, in->provider);
  csv_field (w, FALSE, in->sender);
  csv_field (w, FALSE, in->recipient);
  csv_field (w, FALSE, in->app);
  csv_field (w, FALSE, fmt_uint (b[2], in->parts));
  csv_field (w, FALSE, in->verdict);
  csv_field (w, FALSE, in->file);
  csv_field (w, FALSE, in->text);
  csv_end_row (w);
  return !w->failed;
}

static gboolean
write_event (const SrJournalEvent *ev, gpointer user_data)
{
  ExportWriter *w = user_data;
  char b[3][32];

  csv_field (w, TRUE, fmt_id (b[0], ev->id));
  csv_field (w, FALSE, fmt_time (b[1], ev->ts));
  csv_field (w, FALSE, sr_scope_to_string (ev->scope));
  csv_field (w, FALSE, sr_journal_level_to_string (ev->level));
  csv_field (w, FALSE, ev->kind);
  csv_field (w, FALSE, fmt_id (b[2], ev->message_id));
  csv_field (w, FALSE, ev->app);
  csv_field (w, FALSE, ev->actor);
  csv_field (w, FALSE, ev->text);
  csv_end_row (w);
  return !w->failed;
}

/* ---- output file ---------------------------------------------------------- */

static gboolean
writer_open (ExportWriter *w, const char *output, GError **error)
{
  w->buf = g_string_sized_new (EXPORT_BUFFER_SIZE + 4096);
  if (output == NULL || g_str_equal (output, "-"))
    {
      w->out = stdout;
      w->label = _("standard output");
      return TRUE;
    }

  /* Write next to the target and rename at the end: a failed export never
   * leaves a truncated file where an auditor expects a complete one.  The
   * file holds personal data: readable by its owner only (mkstemp's 0600). */
  w->label = output;
  w->tmp_path = g_strdup_printf ("%s.XXXXXX", output);
  int fd = g_mkstemp (w->tmp_path);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                   _("Cannot create the output file %s: %s"), output, g_strerror (e));
      g_clear_pointer (&w->tmp_path, g_free);
      return FALSE;
    }
  w->out = fdopen (fd, "w");
  if (w->out == NULL)
    {
      int e = errno;
      close (fd);
      g_unlink (w->tmp_path);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                   _("Cannot create the output file %s: %s"), output, g_strerror (e));
      g_clear_pointer (&w->tmp_path, g_free);
      return FALSE;
    }
  return TRUE;
}

/* Flushes everything; with keep, renames the temporary file into place. */
static gboolean
writer_close (ExportWriter *w, const char *output, gboolean keep, GError **error)
{
  gboolean ok = keep;

  if (keep)
    writer_flush (w);
  if (keep && !w->failed && fflush (w->out) != 0)
    {
      w->failed = TRUE;
      w->saved_errno = errno;
    }
  if (keep && !w->failed && w->tmp_path != NULL && fsync (fileno (w->out)) != 0)
    {
      w->failed = TRUE;
      w->saved_errno = errno;
    }
  if (w->tmp_path != NULL)
    {
      if (fclose (w->out) != 0 && keep && !w->failed)
        {
          w->failed = TRUE;
          w->saved_errno = errno;
        }
      if (keep && !w->failed && g_rename (w->tmp_path, output) != 0)
        {
          w->failed = TRUE;
          w->saved_errno = errno;
        }
      if (!keep || w->failed)
        g_unlink (w->tmp_path);
    }
  if (keep && w->failed)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (w->saved_errno),
                   _("Cannot write the export to %s: %s"), w->label, g_strerror (w->saved_errno));
      ok = FALSE;
    }
  g_clear_pointer (&w->tmp_path, g_free);
  g_string_free (w->buf, TRUE);
  w->buf = NULL;
  return ok;
}

/* ---- options -------------------------------------------------------------- */

/* YYYY-MM-DD → microseconds at 00:00 UTC of that day; add_days moves on
 * (1 makes --until include its whole day). */
static gboolean
parse_date (const char *option, const char *text, int add_days, gint64 *out, GError **error)
{
  gboolean form = text != NULL && strlen (text) == 10;
  for (guint i = 0; form && i < 10; i++)
    form = (i == 4 || i == 7) ? text[i] == '-' : g_ascii_isdigit (text[i]);
  int y = form ? atoi (text) : 0;
  int m = form ? atoi (text + 5) : 0;
  int d = form ? atoi (text + 8) : 0;

  if (!form || y < 1 || m < 1 || m > 12 || d < 1 || !g_date_valid_dmy (d, m, y))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("%s: “%s” is not a date of the form YYYY-MM-DD, e.g. 2026-01-31"),
                   option, text != NULL ? text : "");
      return FALSE;
    }
  g_autoptr(GDateTime) day = g_date_time_new_utc (y, m, d, 0, 0, 0);
  g_autoptr(GDateTime) moved = day != NULL ? g_date_time_add_days (day, add_days) : NULL;
  if (moved == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("%s: “%s” is out of range"), option, text);
      return FALSE;
    }
  *out = g_date_time_to_unix (moved) * G_USEC_PER_SEC;
  return TRUE;
}

/* The spool to read: --spool, else [router] spool of the configuration.  The
 * configuration is read only when needed: with --spool it is read only if
 * named (--config or $SMS_ROUTER_CONFIG), so an export of a copied spool does
 * not need the production configuration. */
static char *
resolve_spool (const char *spool, const char *config_path, GError **error)
{
  if (spool != NULL && *spool != '\0'
      && (config_path == NULL || *config_path == '\0')
      && (g_getenv ("SMS_ROUTER_CONFIG") == NULL || *g_getenv ("SMS_ROUTER_CONFIG") == '\0'))
    return g_strdup (spool);

  g_autofree char *path = sr_config_resolve_path (config_path);
  g_autoptr(GError) local = NULL;
  g_autoptr(SrConfig) config = sr_config_load (path, &local);
  if (config == NULL)
    {
      if (g_error_matches (local, SR_CONFIG_ERROR, SR_CONFIG_ERROR_NOT_FOUND))
        g_set_error (error, SR_CONFIG_ERROR, SR_CONFIG_ERROR_NOT_FOUND,
                     _("Cannot read the configuration file %s: it does not exist. "
                       "Name one with --config FILE or $SMS_ROUTER_CONFIG, or give the spool "
                       "with --spool DIR."), path);
      else if (local->domain == SR_CONFIG_ERROR && local->code == SR_CONFIG_ERROR_SYNTAX
               && !g_str_has_prefix (local->message, path))
        g_set_error (error, SR_CONFIG_ERROR, local->code,
                     _("Cannot read the configuration file %s: %s"), path, local->message);
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return g_strdup (spool != NULL && *spool != '\0' ? spool : config->spool);
}

/* ---- entry point ---------------------------------------------------------- */

int
sr_cli_export (int argc, char **argv)
{
  gboolean csv = FALSE, inbound = FALSE, events = FALSE, raw = FALSE;
  g_autofree char *config_path = NULL;
  g_autofree char *spool_opt = NULL;
  g_autofree char *since = NULL;
  g_autofree char *until = NULL;
  g_autofree char *app = NULL;
  g_autofree char *output = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv,
      N_("Write CSV (RFC 4180, with a header line); the only format so far"), NULL },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
      N_("Read the configuration from FILE (default: $SMS_ROUTER_CONFIG, else "
         "/etc/sms-router/sms-router.conf)"), N_("FILE") },
    { "spool", 0, 0, G_OPTION_ARG_FILENAME, &spool_opt,
      N_("Read the journal of the spool DIR instead of the configured one"), N_("DIR") },
    { "since", 0, 0, G_OPTION_ARG_STRING, &since,
      N_("Only rows from this day on (00:00 UTC)"), N_("YYYY-MM-DD") },
    { "until", 0, 0, G_OPTION_ARG_STRING, &until,
      N_("Only rows up to and including this day (UTC)"), N_("YYYY-MM-DD") },
    { "app", 0, 0, G_OPTION_ARG_STRING, &app,
      N_("Only rows of the application APP"), N_("APP") },
    { "inbound", 0, 0, G_OPTION_ARG_NONE, &inbound,
      N_("Export the inbound SMS instead of the sent messages"), NULL },
    { "events", 0, 0, G_OPTION_ARG_NONE, &events,
      N_("Export the audit log (every state change and operator action) instead of the sent messages"), NULL },
    { "raw", 0, 0, G_OPTION_ARG_NONE, &raw,
      N_("Write every value as it is, also one that starts with = + - @ tab or CR "
         "(by default such a value gets a leading ' so spreadsheets do not run it as a formula)"),
      NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("Write to FILE instead of standard output (replaced only when the export is complete)"),
      N_("FILE") },
    { NULL },
  };

  /* GOption wants a program name in argv[0]; "export" would read oddly in
   * "Usage:" and in the messages. */
  g_autofree char **args = g_new0 (char *, argc + 1);
  for (int i = 0; i < argc; i++)
    args[i] = argv[i];
  args[0] = (char *) "sms-router export";
  int n_args = argc;
  char **parse_argv = args;

  g_set_prgname ("sms-router export");
  g_autoptr(GOptionContext) context = g_option_context_new ("--csv");
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
      _("Writes the journal as CSV: messages with their parts and receipts (one row per part), "
        "or the inbound SMS (--inbound), or the audit log (--events).  Times are UTC."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &n_args, &parse_argv, &error))
    {
      g_printerr (_("sms-router export: %s (see --help)\n"), error->message);
      return EXPORT_USAGE;
    }
  if (n_args > 1)
    {
      g_printerr (_("sms-router export: unexpected argument “%s” (see --help)\n"), parse_argv[1]);
      return EXPORT_USAGE;
    }
  if (!csv)
    {
      g_printerr (_("sms-router export: say which format to write: --csv (see --help)\n"));
      return EXPORT_USAGE;
    }
  if (inbound && events)
    {
      g_printerr (_("sms-router export: --inbound and --events cannot be combined; "
                    "export one table per run\n"));
      return EXPORT_USAGE;
    }

  SrJournalExportFilter filter = { 0 };
  if ((since != NULL && !parse_date ("--since", since, 0, &filter.since, &error))
      || (until != NULL && !parse_date ("--until", until, 1, &filter.until, &error)))
    {
      g_printerr ("sms-router export: %s\n", error->message);
      return EXPORT_USAGE;
    }
  if (since != NULL && until != NULL && filter.until <= filter.since)
    {
      g_printerr (_("sms-router export: --until %s is before --since %s\n"), until, since);
      return EXPORT_USAGE;
    }
  if (app != NULL && *app == '\0')
    {
      g_printerr (_("sms-router export: --app needs an application name\n"));
      return EXPORT_USAGE;
    }
  filter.app = app;

  g_autofree char *spool = resolve_spool (spool_opt, config_path, &error);
  if (spool == NULL)
    {
      g_printerr ("sms-router export: %s\n", error->message);
      return EXPORT_USAGE;
    }

  g_autofree char *journal_path = sr_journal_path_for_spool (spool);
  if (!g_file_test (journal_path, G_FILE_TEST_EXISTS))
    {
      g_printerr (_("sms-router export: there is no journal at %s: the router has not run on "
                    "the spool %s yet, or the spool is elsewhere (see --spool and [router] spool)\n"),
                  journal_path, spool);
      return EXPORT_FAILED;
    }
  g_autoptr(SrJournal) journal = sr_journal_open (journal_path, SR_JOURNAL_OPEN_READ_ONLY, &error);
  if (journal == NULL)
    {
      g_printerr ("sms-router export: %s\n", error->message);
      return EXPORT_FAILED;
    }

  ExportWriter w = { .raw = raw };
  if (!writer_open (&w, output, &error))
    {
      g_printerr ("sms-router export: %s\n", error->message);
      return EXPORT_FAILED;
    }

  gboolean ok;
  if (inbound)
    {
      csv_header (&w, inbound_columns);
      ok = sr_journal_export_inbound (journal, &filter, write_inbound, &w, &error);
    }
  else if (events)
    {
      csv_header (&w, event_columns);
      ok = sr_journal_export_events (journal, &filter, write_event, &w, &error);
    }
  else
    {
      csv_header (&w, message_columns);
      ok = sr_journal_export_messages (journal, &filter, write_message, &w, &error);
    }

  if (!ok)
    {
      writer_close (&w, output, FALSE, NULL);
      g_printerr ("sms-router export: %s\n", error->message);
      return EXPORT_FAILED;
    }
  if (!writer_close (&w, output, TRUE, &error))
    {
      g_printerr ("sms-router export: %s\n", error->message);
      return EXPORT_FAILED;
    }
  return EXPORT_OK;
}
