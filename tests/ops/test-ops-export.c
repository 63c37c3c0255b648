/* test-ops-export.c — `sms-router export --csv` against a journal written
 * through the journal API: the CSV parses back (RFC 4180) into the same rows
 * the journal holds, filters select the right rows, bad usage and bad
 * configuration exit 2, a missing journal exits 1, and messages are German
 * under LANGUAGE=de. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "sr-journal.h"

#define HOUR (G_USEC_PER_SEC * G_GINT64_CONSTANT (3600))
#define DAY (HOUR * 24)
/* 2026-11-20 00:00:00 UTC */
#define DAY0 (G_GINT64_CONSTANT (1795132800) * G_USEC_PER_SEC)
#define T0 (DAY0 + 10 * HOUR + 123456)

/* Texts an auditor's CSV reader must get back byte for byte. */
#define TEXT_TRICKY "Grüße, \"Anna\"\r\nZeile 2; 😀 ,,"
#define REF_TRICKY "order,4711 \"x\""
#define INBOUND_TRICKY "STOP, please\nand \"thanks\" Ж"

/* The spool the tests export, written once. */
static char *spool_dir;
static char *config_path;
static char *empty_dir;
static const char *program;          /* sms-router, or the test driver */
static char *localedir;              /* build/po: de/LC_MESSAGES/sms-router.mo */

/* ---- a small RFC 4180 reader -------------------------------------------- */

/* Parses text into rows (GPtrArray of GStrv).  Strict: records end in CRLF,
 * quotes only around whole fields, inner quotes doubled, no bare CR or LF
 * outside quotes.  Returns NULL and a reason on malformed input. */
static GPtrArray *
csv_parse (const char *text, gsize len, char **why)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) field = g_string_new (NULL);
  gsize i = 0;

  while (i < len)
    {
      g_string_truncate (field, 0);
      if (text[i] == '"')
        {
          i++;
          for (;;)
            {
              if (i >= len)
                return (*why = g_strdup ("unterminated quoted field"), NULL);
              if (text[i] == '"')
                {
                  if (i + 1 < len && text[i + 1] == '"')
                    {
                      g_string_append_c (field, '"');
                      i += 2;
                      continue;
                    }
                  i++;
                  break;
                }
              g_string_append_c (field, text[i++]);
            }
        }
      else
        {
          while (i < len && text[i] != ',' && text[i] != '\r' && text[i] != '\n')
            {
              if (text[i] == '"')
                return (*why = g_strdup_printf ("quote inside an unquoted field at byte %zu", i), NULL);
              g_string_append_c (field, text[i++]);
            }
        }
      g_ptr_array_add (fields, g_strdup (field->str));
      if (i < len && text[i] == ',')
        {
          i++;
          continue;
        }
      if (i + 1 < len && text[i] == '\r' && text[i + 1] == '\n')
        {
          i += 2;
          g_ptr_array_add (fields, NULL);
          g_ptr_array_add (rows, g_ptr_array_steal (fields, NULL));
          continue;
        }
      return (*why = g_strdup_printf ("record not ended by CRLF at byte %zu", i), NULL);
    }
  if (fields->len > 0)
    return (*why = g_strdup ("last record not ended by CRLF"), NULL);
  return g_steal_pointer (&rows);
}

static void
test_csv_reader (void)
{
  char *why = NULL;
  const char *good = "a,\"b,c\",\"d\"\"e\",\"f\r\ng\",\r\n,x\r\n";
  g_autoptr(GPtrArray) rows = csv_parse (good, strlen (good), &why);
  g_assert_null (why);
  g_assert_cmpuint (rows->len, ==, 2);
  const char *const row0[] = { "a", "b,c", "d\"e", "f\r\ng", "", NULL };
  const char *const row1[] = { "", "x", NULL };
  g_assert_cmpstrv (rows->pdata[0], row0);
  g_assert_cmpstrv (rows->pdata[1], row1);

  const char *const bad[] = { "a,b\n", "a,b", "a\"b\r\n", "\"ab\r\n", "\"a\"b\r\n", NULL };
  for (guint i = 0; bad[i] != NULL; i++)
    {
      GPtrArray *r = csv_parse (bad[i], strlen (bad[i]), &why);
      g_assert_null (r);
      g_assert_nonnull (why);
      g_clear_pointer (&why, g_free);
    }
}

/* ---- the journal ---------------------------------------------------------- */

static void
write_journal (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *router = g_build_filename (spool_dir, "router", NULL);
  g_assert_cmpint (g_mkdir_with_parents (router, 0700), ==, 0);
  g_autofree char *path = sr_journal_path_for_spool (spool_dir);
  g_autoptr(SrJournal) j = sr_journal_open (path, SR_JOURNAL_OPEN_DEFAULT, &error);
  g_assert_no_error (error);

  /* 1: two parts, both accepted; one delivered, one not */
  SrJournalMessage m1 = {
    .app = (char *) "billing", .file = (char *) "1795173600.100_1.host",
    .reference = (char *) REF_TRICKY, .to_raw = (char *) "079 123 45 67",
    .to_e164 = (char *) "+41791234567", .country = (char *) "CH",
    .from_addr = (char *) "ACME", .alphabet = (char *) "UCS2", .parts = 2,
    .state = SR_MESSAGE_QUEUED, .created_at = T0, .preview = (char *) TEXT_TRICKY,
  };
  gint64 id1 = sr_journal_message_insert (j, &m1, &error);
  g_assert_no_error (error);
  g_assert_true (sr_journal_segments_add (j, id1, 2, &error));
  g_assert_true (sr_journal_message_set_attempt (j, id1, 1, "main", 0, &error));
  g_assert_true (sr_journal_segment_set_submit (j, id1, 1, SR_SEGMENT_ACCEPTED, "main", "a1", 0, T0 + 1000, &error));
  g_assert_true (sr_journal_segment_set_submit (j, id1, 2, SR_SEGMENT_ACCEPTED, "main", "a2", 0, T0 + 2000, &error));
  g_assert_true (sr_journal_message_set_state (j, id1, SR_MESSAGE_SENT, T0 + 2000, &error));
  const struct { const char *id, *stat, *err; } receipts[] = {
    { "a1", "DELIVRD", "000" }, { "a2", "UNDELIV", "005" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (receipts); i++)
    {
      SrJournalReceipt r = {
        .received_at = T0 + 60 * G_USEC_PER_SEC + i, .provider = (char *) "main",
        .smsc_id = (char *) receipts[i].id, .stat = (char *) receipts[i].stat,
        .err = (char *) receipts[i].err,
        .state = sr_journal_receipt_state_from_stat (receipts[i].stat),
        .raw = (char *) "id:a1 stat:DELIVRD",
      };
      g_autoptr(SrJournalReceiptInfo) info = NULL;
      g_assert_cmpint (sr_journal_record_receipt (j, &r, &info, &error), ==, SR_RECEIPT_MATCHED);
      g_assert_no_error (error);
    }

  /* 2: a dead letter without parts, the next day, another app */
  SrJournalMessage m2 = {
    .app = (char *) "alerts", .file = (char *) "1795260000.200_1.host",
    .to_raw = (char *) "+2250102030405", .to_e164 = (char *) "+2250102030405",
    .country = (char *) "CI", .state = SR_MESSAGE_QUEUED, .created_at = T0 + DAY,
    .preview = (char *) "plain text",
  };
  gint64 id2 = sr_journal_message_insert (j, &m2, &error);
  g_assert_no_error (error);
  g_assert_true (sr_journal_message_set_error (j, id2, SR_MESSAGE_DEAD, SR_ERROR_CLASS_POLICY, 0,
                                               "destination country CI is blacklisted, by policy",
                                               T0 + DAY + 5, &error));

  /* 3: one part in flight, two days later */
  SrJournalMessage m3 = {
    .app = (char *) "billing", .file = (char *) "1795346400.300_1.host",
    .to_raw = (char *) "+447700900123", .to_e164 = (char *) "+447700900123",
    .country = (char *) "GB", .alphabet = (char *) "GSM", .parts = 1,
    .state = SR_MESSAGE_QUEUED, .created_at = T0 + 2 * DAY, .preview = (char *) "Hi",
  };
  gint64 id3 = sr_journal_message_insert (j, &m3, &error);
  g_assert_no_error (error);
  g_assert_true (sr_journal_segments_add (j, id3, 1, &error));
  g_assert_true (sr_journal_segment_set_submit (j, id3, 1, SR_SEGMENT_REJECTED, "main", NULL,
                                                0x0B, T0 + 2 * DAY + 10, &error));

  SrJournalInbound in1 = {
    .provider = (char *) "main", .sender = (char *) "+41790000000",
    .recipient = (char *) "+41791234567", .app = (char *) "billing",
    .text = (char *) INBOUND_TRICKY, .parts = 1, .received_at = T0 + 30,
    .verdict = (char *) "inbox", .file = (char *) "1795173630.1_1.host",
  };
  SrJournalInbound in2 = {
    .provider = (char *) "main", .sender = (char *) "+41790000001",
    .recipient = (char *) "+41790000009", .text = (char *) "hello", .parts = 3,
    .received_at = T0 + DAY, .verdict = (char *) "denied: sender",
  };
  gboolean dup = FALSE;
  g_assert_cmpint (sr_journal_inbound_insert (j, &in1, &dup, &error), >, 0);
  g_assert_cmpint (sr_journal_inbound_insert (j, &in2, &dup, &error), >, 0);
  g_assert_no_error (error);

  g_assert_true (sr_journal_event_add (j, T0 + 1, SR_SCOPE_SYSTEM, SR_LEVEL_WARNING, "bind", 0, NULL,
                                       NULL, "main#1: bind refused, \"ESME_RBINDFAIL\"", &error));
  g_assert_true (sr_journal_event_add (j, T0 + DAY + 5, SR_SCOPE_MESSAGE, SR_LEVEL_ERROR, "state",
                                       id2, "alerts", "anna", "dead: blacklisted,\nCI", &error));
  g_assert_true (sr_journal_flush (j, &error));
  g_assert_no_error (error);
}

/* ---- running the program -------------------------------------------------- */

typedef struct {
  int status;
  char *out;
  gsize out_len;
  char *err;
} Run;

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
run_env (Run *r, char **env, const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  va_list ap;

  g_ptr_array_add (argv, (char *) program);
  g_ptr_array_add (argv, (char *) "export");
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  int wait_status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL,
                               &r->out, &r->err, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  r->status = WEXITSTATUS (wait_status);
  r->out_len = strlen (r->out);
}

/* English, no configuration from the environment. */
static char **
plain_env (void)
{
  char **env = g_get_environ ();
  env = g_environ_unsetenv (env, "SMS_ROUTER_CONFIG");
  env = g_environ_unsetenv (env, "LANGUAGE");
  env = g_environ_setenv (env, "LC_ALL", "C.UTF-8", TRUE);
  return env;
}

#define RUN(r, ...) G_STMT_START { g_auto(GStrv) env_ = plain_env (); run_env ((r), env_, __VA_ARGS__, NULL); } G_STMT_END

static GPtrArray *
parse_ok (const Run *r)
{
  char *why = NULL;
  if (r->status != 0)
    g_printerr ("stderr: %s\n", r->err);
  g_assert_cmpint (r->status, ==, 0);
  GPtrArray *rows = csv_parse (r->out, r->out_len, &why);
  if (rows == NULL)
    g_error ("the export is not RFC 4180 CSV: %s", why);
  g_assert_cmpuint (rows->len, >=, 1);
  return rows;
}

static int
column (GPtrArray *rows, const char *name)
{
  char **header = rows->pdata[0];
  for (int i = 0; header[i] != NULL; i++)
    if (g_str_equal (header[i], name))
      return i;
  g_error ("no column %s", name);
}

static const char *
cell (GPtrArray *rows, guint row, const char *name)
{
  char **r = rows->pdata[row];
  int c = column (rows, name);
  g_assert_cmpuint (g_strv_length (r), ==, g_strv_length (rows->pdata[0]));
  return r[c];
}

/* ---- what the journal holds, formatted independently ---------------------- */

static char *
iso (gint64 us)
{
  if (us <= 0)
    return g_strdup ("");
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);
  g_autofree char *s = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%06dZ", s, (int) (us % G_USEC_PER_SEC));
}

static const char *
nz (const char *s)
{
  return s != NULL ? s : "";
}

/* Expected rows of messages: "id|part|to|state|preview|reference|smsc_id|receipt_stat|created_at" */
static gboolean
collect_message (const SrJournalMessage *m, GPtrArray *segments, gpointer user_data)
{
  GPtrArray *out = user_data;
  g_autofree char *created = iso (m->created_at);
  if (segments->len == 0)
    g_ptr_array_add (out, g_strdup_printf ("%" G_GINT64_FORMAT "||%s|%s|%s|%s|||%s", m->id,
                                           nz (m->to_e164), sr_message_state_to_string (m->state),
                                           nz (m->preview), nz (m->reference), created));
  for (guint i = 0; i < segments->len; i++)
    {
      const SrJournalSegment *s = segments->pdata[i];
      g_ptr_array_add (out, g_strdup_printf ("%" G_GINT64_FORMAT "|%u|%s|%s|%s|%s|%s|%s|%s", m->id,
                                             s->part, nz (m->to_e164),
                                             sr_message_state_to_string (m->state), nz (m->preview),
                                             nz (m->reference), nz (s->smsc_id),
                                             nz (s->receipt_stat), created));
    }
  return TRUE;
}

static GPtrArray *
journal_messages (const SrJournalExportFilter *filter)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = sr_journal_path_for_spool (spool_dir);
  g_autoptr(SrJournal) j = sr_journal_open (path, SR_JOURNAL_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_assert_true (sr_journal_export_messages (j, filter, collect_message, out, &error));
  g_assert_no_error (error);
  return out;
}

static GPtrArray *
csv_messages (GPtrArray *rows)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 1; i < rows->len; i++)
    g_ptr_array_add (out, g_strdup_printf ("%s|%s|%s|%s|%s|%s|%s|%s|%s",
                                           cell (rows, i, "message_id"), cell (rows, i, "part"),
                                           cell (rows, i, "to"), cell (rows, i, "state"),
                                           cell (rows, i, "text_preview"), cell (rows, i, "reference"),
                                           cell (rows, i, "smsc_id"), cell (rows, i, "receipt_stat"),
                                           cell (rows, i, "created_at")));
  return out;
}

static void
assert_same_rows (GPtrArray *expected, GPtrArray *got)
{
  g_assert_cmpuint (got->len, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    g_assert_cmpstr (got->pdata[i], ==, expected->pdata[i]);
}

/* ---- tests ---------------------------------------------------------------- */

static void
test_messages (void)
{
  g_auto(Run) r = { 0 };
  RUN (&r, "--csv", "--raw", "--spool", spool_dir);
  g_autoptr(GPtrArray) rows = parse_ok (&r);

  const char *const header[] = {
    "message_id", "app", "file", "reference", "to_raw", "to", "country", "from",
    "alphabet", "parts", "state", "attempts", "next_attempt_at", "provider",
    "error_class", "error_code", "error_text", "created_at", "submitted_at",
    "done_at", "text_preview", "part", "part_provider", "smsc_id", "part_submit",
    "part_status", "part_submitted_at", "receipt", "receipt_stat", "receipt_err",
    "receipt_at", NULL
  };
  g_assert_cmpstrv (rows->pdata[0], header);
  /* 2 parts + a message without parts + 1 part */
  g_assert_cmpuint (rows->len, ==, 1 + 4);

  g_autoptr(GPtrArray) expected = journal_messages (NULL);
  g_autoptr(GPtrArray) got = csv_messages (rows);
  assert_same_rows (expected, got);

  /* the tricky texts come back byte for byte */
  g_assert_cmpstr (cell (rows, 1, "text_preview"), ==, TEXT_TRICKY);
  g_assert_cmpstr (cell (rows, 2, "text_preview"), ==, TEXT_TRICKY);
  g_assert_cmpstr (cell (rows, 1, "reference"), ==, REF_TRICKY);
  g_assert_cmpstr (cell (rows, 1, "to_raw"), ==, "079 123 45 67");
  g_assert_cmpstr (cell (rows, 1, "created_at"), ==, "2026-11-20T10:00:00.123456Z");
  g_assert_cmpstr (cell (rows, 1, "app"), ==, "billing");
  g_assert_cmpstr (cell (rows, 1, "parts"), ==, "2");
  /* parts and their receipts */
  g_assert_cmpstr (cell (rows, 1, "part"), ==, "1");
  g_assert_cmpstr (cell (rows, 1, "smsc_id"), ==, "a1");
  g_assert_cmpstr (cell (rows, 1, "part_submit"), ==, "accepted");
  g_assert_cmpstr (cell (rows, 1, "part_status"), ==, "0x00000000");
  g_assert_cmpstr (cell (rows, 1, "receipt"), ==, "delivered");
  g_assert_cmpstr (cell (rows, 1, "receipt_stat"), ==, "DELIVRD");
  g_assert_cmpstr (cell (rows, 2, "part"), ==, "2");
  g_assert_cmpstr (cell (rows, 2, "receipt"), ==, "failed");
  g_assert_cmpstr (cell (rows, 2, "receipt_stat"), ==, "UNDELIV");
  g_assert_cmpstr (cell (rows, 2, "receipt_err"), ==, "005");
  g_assert_cmpstr (cell (rows, 2, "state"), ==, "undeliverable");
  g_assert_cmpstr (cell (rows, 2, "receipt_at"), ==, "2026-11-20T10:01:00.123457Z");
  /* a dead letter without parts: one row, part columns empty */
  g_assert_cmpstr (cell (rows, 3, "state"), ==, "dead");
  g_assert_cmpstr (cell (rows, 3, "error_class"), ==, "policy");
  g_assert_cmpstr (cell (rows, 3, "error_text"), ==, "destination country CI is blacklisted, by policy");
  g_assert_cmpstr (cell (rows, 3, "part"), ==, "");
  g_assert_cmpstr (cell (rows, 3, "receipt"), ==, "");
  /* a rejected part shows its SMPP status */
  g_assert_cmpstr (cell (rows, 4, "part_submit"), ==, "rejected");
  g_assert_cmpstr (cell (rows, 4, "part_status"), ==, "0x0000000B");
  g_assert_cmpstr (cell (rows, 4, "receipt"), ==, "none");
}

/* Filters: one case per row; expected message ids are written out. */
static void
test_filters (void)
{
  static const struct {
    const char *args[6];
    const char *ids;               /* message_id of each row, joined by ',' */
    SrJournalExportFilter filter;  /* the same filter, for the journal's own answer */
  } cases[] = {
    { { "--since", "2026-11-21" }, "2,3", { .since = DAY0 + DAY } },
    { { "--until", "2026-11-20" }, "1,1", { .until = DAY0 + DAY } },
    { { "--since", "2026-11-21", "--until", "2026-11-21" }, "2", { .since = DAY0 + DAY, .until = DAY0 + 2 * DAY } },
    { { "--app", "billing" }, "1,1,3", { .app = "billing" } },
    { { "--app", "alerts", "--since", "2026-11-20" }, "2", { .app = "alerts", .since = DAY0 } },
    { { "--app", "nobody" }, "", { .app = "nobody" } },
    { { "--since", "2027-01-01" }, "", { .since = DAY0 + 42 * DAY } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) r = { 0 };
      const char *const *a = cases[i].args;
      RUN (&r, "--csv", "--raw", "--spool", spool_dir, a[0], a[1], a[2], a[3]);
      g_autoptr(GPtrArray) rows = parse_ok (&r);
      g_autoptr(GString) ids = g_string_new (NULL);
      for (guint k = 1; k < rows->len; k++)
        g_string_append_printf (ids, "%s%s", k > 1 ? "," : "", cell (rows, k, "message_id"));
      g_test_message ("filter %s %s %s %s", a[0], a[1], nz (a[2]), nz (a[3]));
      g_assert_cmpstr (ids->str, ==, cases[i].ids);

      g_autoptr(GPtrArray) expected = journal_messages (&cases[i].filter);
      g_autoptr(GPtrArray) got = csv_messages (rows);
      assert_same_rows (expected, got);
    }
}

static void
test_inbound (void)
{
  g_auto(Run) r = { 0 };
  RUN (&r, "--csv", "--raw", "--spool", spool_dir, "--inbound");
  g_autoptr(GPtrArray) rows = parse_ok (&r);
  const char *const header[] = {
    "inbound_id", "received_at", "provider", "sender", "recipient", "app",
    "parts", "verdict", "file", "text", NULL
  };
  g_assert_cmpstrv (rows->pdata[0], header);
  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_cmpstr (cell (rows, 1, "text"), ==, INBOUND_TRICKY);
  g_assert_cmpstr (cell (rows, 1, "sender"), ==, "+41790000000");
  g_assert_cmpstr (cell (rows, 1, "app"), ==, "billing");
  g_assert_cmpstr (cell (rows, 1, "received_at"), ==, "2026-11-20T10:00:00.123486Z");
  g_assert_cmpstr (cell (rows, 2, "app"), ==, "");
  g_assert_cmpstr (cell (rows, 2, "parts"), ==, "3");
  g_assert_cmpstr (cell (rows, 2, "verdict"), ==, "denied: sender");

  g_auto(Run) f = { 0 };
  RUN (&f, "--csv", "--raw", "--spool", spool_dir, "--inbound", "--app", "billing");
  g_autoptr(GPtrArray) frows = parse_ok (&f);
  g_assert_cmpuint (frows->len, ==, 2);
  g_assert_cmpstr (cell (frows, 1, "text"), ==, INBOUND_TRICKY);
}

static void
test_events (void)
{
  g_auto(Run) r = { 0 };
  RUN (&r, "--csv", "--raw", "--spool", spool_dir, "--events");
  g_autoptr(GPtrArray) rows = parse_ok (&r);
  const char *const header[] = {
    "event_id", "time", "scope", "level", "kind", "message_id", "app", "actor", "text", NULL
  };
  g_assert_cmpstrv (rows->pdata[0], header);
  /* our two events and whatever the journal logs itself (blacklist etc.) */
  gboolean bind_seen = FALSE, state_seen = FALSE;
  for (guint i = 1; i < rows->len; i++)
    {
      if (g_str_equal (cell (rows, i, "kind"), "bind"))
        {
          bind_seen = TRUE;
          g_assert_cmpstr (cell (rows, i, "scope"), ==, "system");
          g_assert_cmpstr (cell (rows, i, "level"), ==, "warning");
          g_assert_cmpstr (cell (rows, i, "message_id"), ==, "");
          g_assert_cmpstr (cell (rows, i, "text"), ==, "main#1: bind refused, \"ESME_RBINDFAIL\"");
        }
      else if (g_str_equal (cell (rows, i, "kind"), "state"))
        {
          state_seen = TRUE;
          g_assert_cmpstr (cell (rows, i, "scope"), ==, "message");
          g_assert_cmpstr (cell (rows, i, "actor"), ==, "anna");
          g_assert_cmpstr (cell (rows, i, "app"), ==, "alerts");
          g_assert_cmpstr (cell (rows, i, "text"), ==, "dead: blacklisted,\nCI");
        }
    }
  g_assert_true (bind_seen);
  g_assert_true (state_seen);

  g_auto(Run) f = { 0 };
  RUN (&f, "--csv", "--raw", "--spool", spool_dir, "--events", "--app", "alerts", "--until", "2026-11-21");
  g_autoptr(GPtrArray) frows = parse_ok (&f);
  g_assert_cmpuint (frows->len, ==, 2);
  g_assert_cmpstr (cell (frows, 1, "kind"), ==, "state");
}

static void
test_output_file (void)
{
  g_autofree char *out = g_build_filename (empty_dir, "audit.csv", NULL);
  g_auto(Run) to_stdout = { 0 };
  g_auto(Run) to_file = { 0 };
  RUN (&to_stdout, "--csv", "--spool", spool_dir);
  RUN (&to_file, "--csv", "--spool", spool_dir, "--output", out);
  g_assert_cmpint (to_file.status, ==, 0);
  g_assert_cmpstr (to_file.out, ==, "");

  g_autofree char *content = NULL;
  g_assert_true (g_file_get_contents (out, &content, NULL, NULL));
  g_assert_cmpstr (content, ==, to_stdout.out);
  GStatBuf st;
  g_assert_cmpint (g_stat (out, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_unlink (out);

  /* an output that cannot be written: exit 1, nothing left behind */
  g_autofree char *bad = g_build_filename (empty_dir, "missing-dir", "audit.csv", NULL);
  g_auto(Run) r = { 0 };
  RUN (&r, "--csv", "--spool", spool_dir, "--output", bad);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, bad));
}

static void
test_config (void)
{
  /* the spool comes from [router] spool */
  g_auto(Run) ok = { 0 };
  RUN (&ok, "--csv", "--config", config_path);
  g_autoptr(GPtrArray) rows = parse_ok (&ok);
  g_assert_cmpuint (rows->len, ==, 5);

  /* and from $SMS_ROUTER_CONFIG */
  {
    g_auto(Run) r = { 0 };
    g_auto(GStrv) env = plain_env ();
    env = g_environ_setenv (env, "SMS_ROUTER_CONFIG", config_path, TRUE);
    run_env (&r, env, "--csv", "--inbound", NULL);
    g_autoptr(GPtrArray) irows = parse_ok (&r);
    g_assert_cmpuint (irows->len, ==, 3);
  }

  /* a configuration that does not exist: 2, naming the file */
  g_auto(Run) missing = { 0 };
  RUN (&missing, "--csv", "--config", "/nonexistent/sms-router.conf");
  g_assert_cmpint (missing.status, ==, 2);
  g_assert_nonnull (strstr (missing.err, "/nonexistent/sms-router.conf"));
  g_assert_cmpstr (missing.out, ==, "");

  /* a broken one: 2, naming file, group and key */
  g_autofree char *bad = g_build_filename (empty_dir, "bad.conf", NULL);
  g_autofree char *text = g_strdup_printf ("[router]\nspool = %s\n\n[smpp:main]\nhost = x\n"
                                           "system-id = a\nport = many\n\n[app:default]\n", spool_dir);
  g_assert_true (g_file_set_contents (bad, text, -1, NULL));
  g_auto(Run) broken = { 0 };
  RUN (&broken, "--csv", "--config", bad);
  g_assert_cmpint (broken.status, ==, 2);
  g_assert_nonnull (strstr (broken.err, bad));
  g_assert_nonnull (strstr (broken.err, "[smpp:main]"));
  g_assert_nonnull (strstr (broken.err, "port"));
  g_assert_cmpstr (broken.out, ==, "");
  g_unlink (bad);

  /* a spool without a journal: 1, naming the journal */
  g_auto(Run) nojournal = { 0 };
  RUN (&nojournal, "--csv", "--spool", empty_dir);
  g_assert_cmpint (nojournal.status, ==, 1);
  g_autofree char *journal = g_build_filename (empty_dir, "router", "journal.db", NULL);
  g_assert_nonnull (strstr (nojournal.err, journal));
  g_assert_cmpstr (nojournal.out, ==, "");
}

static void
test_usage (void)
{
  static const char *const cases[][5] = {
    { "--spool", "SPOOL" },                                   /* no --csv */
    { "--csv", "--spool", "SPOOL", "--since", "2026-13-01" },
    { "--csv", "--spool", "SPOOL", "--since", "2026-02-30" },
    { "--csv", "--spool", "SPOOL", "--since", "yesterday" },
    { "--csv", "--spool", "SPOOL", "--until", "2026-1-1" },
    { "--csv", "--spool", "SPOOL", "--inbound", "--events" },
    { "--csv", "--spool", "SPOOL", "extra" },
    { "--csv", "--spool", "SPOOL", "--no-such-option" },
    { "--csv", "--spool", "SPOOL", "--app", "" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *a[5];
      for (guint k = 0; k < 5; k++)
        a[k] = cases[i][k] != NULL && g_str_equal (cases[i][k], "SPOOL") ? spool_dir : cases[i][k];
      g_auto(Run) r = { 0 };
      RUN (&r, a[0], a[1], a[2], a[3], a[4]);
      g_test_message ("usage case %u: %s", i, r.err);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_cmpstr (r.out, ==, "");
      g_assert_cmpuint (strlen (r.err), >, 10);
    }

  g_auto(Run) order = { 0 };
  RUN (&order, "--csv", "--spool", spool_dir, "--since", "2026-11-22", "--until", "2026-11-21");
  g_assert_cmpint (order.status, ==, 2);
  g_assert_nonnull (strstr (order.err, "--until"));

  g_auto(Run) help = { 0 };
  RUN (&help, "--help");
  g_assert_cmpint (help.status, ==, 0);
  g_assert_nonnull (strstr (help.out, "--since"));
  g_assert_nonnull (strstr (help.out, "--inbound"));
}

/* German messages with LANGUAGE=de, from the build's catalogue. */
static void
test_german (void)
{
  g_autofree char *mo = g_build_filename (localedir, "de", "LC_MESSAGES", "sms-router.mo", NULL);
  if (!g_file_test (mo, G_FILE_TEST_EXISTS))
    {
      g_test_fail_printf ("%s is not built", mo);
      return;
    }
  g_auto(GStrv) env = plain_env ();
  env = g_environ_unsetenv (env, "LC_ALL");
  env = g_environ_setenv (env, "LANG", "C.UTF-8", TRUE);
  env = g_environ_setenv (env, "LANGUAGE", "de", TRUE);
  env = g_environ_setenv (env, "SR_LOCALEDIR", localedir, TRUE);

  g_auto(Run) r = { 0 };
  run_env (&r, env, "--csv", "--config", "/nonexistent/sms-router.conf", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_test_message ("%s", r.err);
  g_assert_nonnull (strstr (r.err, "Konfigurationsdatei /nonexistent/sms-router.conf"));

  g_auto(Run) u = { 0 };
  run_env (&u, env, "--csv", "--spool", spool_dir, "--inbound", "--events", NULL);
  g_assert_cmpint (u.status, ==, 2);
  g_assert_nonnull (strstr (u.err, "nicht kombiniert"));

  /* the router's own --help, every option line included */
  {
    const char *argv[] = { program, "--help", NULL };
    g_autofree char *out = NULL;
    int wait_status = 0;
    g_autoptr(GError) error = NULL;
    g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                                 &out, NULL, &wait_status, &error));
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (wait_status) && WEXITSTATUS (wait_status) == 0);
    g_test_message ("%s", out);
    g_assert_nonnull (strstr (out, "SMS-Router und SMPP-Gateway"));
    g_assert_nonnull (strstr (out, "Konfigurationsdatei (Vorgabe: $SMS_ROUTER_CONFIG, sonst "));
    g_assert_nonnull (strstr (out, "Ohne Oberfläche im Vordergrund laufen bis SIGTERM"));
    g_assert_null (strstr (out, "Configuration file"));
  }

  /* the simulator's --help */
  const char *sim = g_getenv ("SR_SIM");
  g_assert_nonnull (sim);
  const char *argv[] = { sim, "--help", NULL };
  g_autofree char *out = NULL;
  int wait_status = 0;
  g_autoptr(GError) error = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               &out, NULL, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status) && WEXITSTATUS (wait_status) == 0);
  g_assert_nonnull (strstr (out, "SMSC-Simulator"));
  g_assert_nonnull (strstr (out, "Gibt die Version aus und beendet sich"));
}

/* ---- setup ---------------------------------------------------------------- */

/* The real binary: the test runs `sms-router export` as an auditor would. */
/* ---- values a spreadsheet would run as formulas ---------------------------- */

#define REF_FORMULA "=HYPERLINK(\"http://evil.example/\",\"click\")"
#define TEXT_FORMULA "@SUM(1+1)*cmd|' /C calc'!A0"
#define ERROR_FORMULA "-2+3 from the SMSC"
#define FROM_FORMULA "\tTAB"
#define INBOUND_FORMULA "\r=1+1"
#define EVENT_FORMULA "+1 operator note"

/* A spool of its own whose journal holds such values in every table. */
static char *
write_formula_journal (const char *top)
{
  g_autoptr(GError) error = NULL;
  char *spool = g_build_filename (top, "formulas", NULL);
  g_autofree char *router = g_build_filename (spool, "router", NULL);
  g_assert_cmpint (g_mkdir_with_parents (router, 0700), ==, 0);
  g_autofree char *path = sr_journal_path_for_spool (spool);
  g_autoptr(SrJournal) j = sr_journal_open (path, SR_JOURNAL_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  SrJournalMessage m = {
    .app = (char *) "billing", .file = (char *) "1795173600.900_1.host",
    .reference = (char *) REF_FORMULA, .to_raw = (char *) "+41 79 123 45 67",
    .to_e164 = (char *) "+41791234567", .country = (char *) "CH",
    .from_addr = (char *) FROM_FORMULA, .alphabet = (char *) "GSM", .parts = 1,
    .state = SR_MESSAGE_QUEUED, .created_at = T0, .preview = (char *) TEXT_FORMULA,
  };
  gint64 id = sr_journal_message_insert (j, &m, &error);
  g_assert_no_error (error);
  g_assert_true (sr_journal_message_set_error (j, id, SR_MESSAGE_DEAD, SR_ERROR_CLASS_SMSC, 0x45,
                                               ERROR_FORMULA, T0 + 5, &error));
  SrJournalInbound in = {
    .provider = (char *) "main", .sender = (char *) "-41790000000",
    .recipient = (char *) "+41791234567", .app = (char *) "billing",
    .text = (char *) INBOUND_FORMULA, .parts = 1, .received_at = T0 + 30,
    .verdict = (char *) "inbox", .file = (char *) "1795173630.9_1.host",
  };
  gboolean dup = FALSE;
  g_assert_cmpint (sr_journal_inbound_insert (j, &in, &dup, &error), >, 0);
  g_assert_true (sr_journal_event_add (j, T0 + 40, SR_SCOPE_MESSAGE, SR_LEVEL_INFO, "note", id,
                                       "billing", "=anna", EVENT_FORMULA, &error));
  g_assert_true (sr_journal_flush (j, &error));
  g_assert_no_error (error);
  return spool;
}

static gboolean
starts_formula (const char *cell_text)
{
  return cell_text[0] != '\0' && strchr ("=+-@\t\r", cell_text[0]) != NULL;
}

/* Cell by cell: the default export is the raw one with "'" in front of every
 * value a spreadsheet would run, and nothing else changed.  Returns how many
 * cells were neutralised. */
static guint
assert_neutralised (GPtrArray *safe, GPtrArray *raw)
{
  guint n = 0;
  g_assert_cmpuint (safe->len, ==, raw->len);
  for (guint i = 0; i < raw->len; i++)
    {
      char **s = safe->pdata[i], **r = raw->pdata[i];
      g_assert_cmpuint (g_strv_length (s), ==, g_strv_length (r));
      for (guint c = 0; r[c] != NULL; c++)
        {
          g_assert_false (starts_formula (s[c]));
          if (starts_formula (r[c]))
            {
              g_autofree char *want = g_strconcat ("'", r[c], NULL);
              g_assert_cmpstr (s[c], ==, want);
              n++;
            }
          else
            g_assert_cmpstr (s[c], ==, r[c]);
        }
    }
  return n;
}

static void
test_formulas (void)
{
  g_autofree char *top = g_path_get_dirname (spool_dir);
  g_autofree char *spool = write_formula_journal (top);
  static const char *const tables[] = { NULL, "--inbound", "--events" };
  guint neutralised[G_N_ELEMENTS (tables)];
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_auto(Run) safe = { 0 };
      g_auto(Run) raw = { 0 };
      RUN (&safe, "--csv", "--spool", spool, tables[t]);
      RUN (&raw, "--csv", "--raw", "--spool", spool, tables[t]);
      g_autoptr(GPtrArray) safe_rows = parse_ok (&safe);
      g_autoptr(GPtrArray) raw_rows = parse_ok (&raw);
      g_assert_cmpuint (raw_rows->len, ==, 2);
      neutralised[t] = assert_neutralised (safe_rows, raw_rows);
      if (t == 0)
        {
          /* --raw writes the values as stored */
          g_assert_cmpstr (cell (raw_rows, 1, "reference"), ==, REF_FORMULA);
          g_assert_cmpstr (cell (raw_rows, 1, "text_preview"), ==, TEXT_FORMULA);
          g_assert_cmpstr (cell (raw_rows, 1, "error_text"), ==, ERROR_FORMULA);
          g_assert_cmpstr (cell (raw_rows, 1, "from"), ==, FROM_FORMULA);
          g_assert_cmpstr (cell (safe_rows, 1, "reference"), ==, "'" REF_FORMULA);
          g_assert_cmpstr (cell (safe_rows, 1, "to"), ==, "'+41791234567");
          g_assert_cmpstr (cell (safe_rows, 1, "country"), ==, "CH");
        }
      else if (t == 1)
        g_assert_cmpstr (cell (safe_rows, 1, "text"), ==, "'" INBOUND_FORMULA);
      else
        g_assert_cmpstr (cell (safe_rows, 1, "text"), ==, "'" EVENT_FORMULA);
    }
  /* reference, to_raw, to, from, preview, error text */
  g_assert_cmpuint (neutralised[0], ==, 6);
  /* sender, recipient, text */
  g_assert_cmpuint (neutralised[1], ==, 3);
  /* actor, text */
  g_assert_cmpuint (neutralised[2], ==, 2);
}

static const char *
pick_program (void)
{
  const char *router = g_getenv ("SR_ROUTER");
  g_assert_nonnull (router);
  return router;
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      if (g_file_test (p, G_FILE_TEST_IS_DIR) && !g_file_test (p, G_FILE_TEST_IS_SYMLINK))
        remove_tree (p);
      else
        g_unlink (p);
    }
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_autoptr(GError) error = NULL;
  g_autofree char *top = g_dir_make_tmp ("sr-ops-XXXXXX", &error);
  g_assert_no_error (error);
  spool_dir = g_build_filename (top, "spool", NULL);
  empty_dir = g_build_filename (top, "empty", NULL);
  config_path = g_build_filename (top, "sms-router.conf", NULL);
  g_assert_cmpint (g_mkdir (empty_dir, 0700), ==, 0);
  g_autofree char *conf = g_strdup_printf ("[router]\nspool = %s\n\n[app:billing]\n\n[app:alerts]\n", spool_dir);
  g_assert_true (g_file_set_contents (config_path, conf, -1, NULL));
  write_journal ();

  const char *builddir = g_getenv ("G_TEST_BUILDDIR");
  g_assert_nonnull (builddir);
  g_autofree char *parent = g_path_get_dirname (builddir);
  localedir = g_build_filename (parent, "po", NULL);
  program = pick_program ();

  g_test_add_func ("/ops/export/csv-reader", test_csv_reader);
  g_test_add_func ("/ops/export/messages", test_messages);
  g_test_add_func ("/ops/export/filters", test_filters);
  g_test_add_func ("/ops/export/inbound", test_inbound);
  g_test_add_func ("/ops/export/events", test_events);
  g_test_add_func ("/ops/export/output-file", test_output_file);
  g_test_add_func ("/ops/export/config", test_config);
  g_test_add_func ("/ops/export/usage", test_usage);
  g_test_add_func ("/ops/export/formulas", test_formulas);
  g_test_add_func ("/ops/i18n/german", test_german);
  int status = g_test_run ();

  remove_tree (top);
  g_free (spool_dir);
  g_free (empty_dir);
  g_free (config_path);
  g_free (localedir);
  return status;
}
