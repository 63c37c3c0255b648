/* sr-journal-schema.c — the journal's schema as a list of forward migrations.
 *
 * Migration N takes a database from user_version N-1 to N.  Append new
 * migrations; never edit one that has shipped.  Each runs in its own
 * transaction together with the user_version update, so a crash leaves the
 * database at a whole version.
 */
#define G_LOG_DOMAIN "sr-journal"

#include "sr-journal-private.h"

/* Timestamps are µs since the epoch; enums are the numbers of sr-journal.h. */
static const char migration_1[] =
  "CREATE TABLE messages ("
  "  id INTEGER PRIMARY KEY,"
  "  app TEXT NOT NULL,"
  "  file TEXT NOT NULL,"
  "  reference TEXT,"
  "  to_raw TEXT,"
  "  to_e164 TEXT,"
  "  country TEXT,"
  "  from_addr TEXT,"
  "  alphabet TEXT,"
  "  parts INTEGER NOT NULL DEFAULT 0,"
  "  state INTEGER NOT NULL,"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  next_attempt_at INTEGER,"
  "  provider TEXT,"
  "  error_class INTEGER NOT NULL DEFAULT 0,"
  "  error_code INTEGER NOT NULL DEFAULT 0,"
  "  error_text TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  submitted_at INTEGER,"
  "  done_at INTEGER,"
  "  preview TEXT);"
  /* Console views page by state (and app), search by number; a restart looks
   * up claimed files.  Each index costs every insert, so there are no more:
   * ids grow with created_at, and export and pruning walk the ids. */
  "CREATE INDEX messages_state ON messages (state, id);"
  "CREATE INDEX messages_app ON messages (app, id);"
  "CREATE INDEX messages_to ON messages (to_e164);"
  "CREATE INDEX messages_file ON messages (file);"

  "CREATE TABLE segments ("
  "  message_id INTEGER NOT NULL REFERENCES messages (id),"
  "  part INTEGER NOT NULL,"
  "  provider TEXT,"
  "  smsc_id TEXT,"
  "  submit INTEGER NOT NULL DEFAULT 0,"
  "  command_status INTEGER NOT NULL DEFAULT 0,"
  "  submitted_at INTEGER,"
  "  receipt INTEGER NOT NULL DEFAULT 0,"
  "  receipt_stat TEXT,"
  "  receipt_err TEXT,"
  "  receipt_at INTEGER,"
  "  PRIMARY KEY (message_id, part)) WITHOUT ROWID;"
  "CREATE INDEX segments_smsc ON segments (smsc_id) WHERE smsc_id IS NOT NULL;"

  /* every receipt as received; message_id NULL = unmatched.  Like messages
   * and events, receipts are exported and pruned by walking the ids (which
   * grow with time) rather than paying for a time index on every insert. */
  "CREATE TABLE receipts ("
  "  id INTEGER PRIMARY KEY,"
  "  received_at INTEGER NOT NULL,"
  "  provider TEXT,"
  "  smsc_id TEXT,"
  "  message_id INTEGER REFERENCES messages (id),"
  "  part INTEGER,"
  "  state INTEGER NOT NULL,"
  "  stat TEXT,"
  "  err TEXT,"
  "  done_at INTEGER,"
  "  raw TEXT);"
  "CREATE INDEX receipts_message ON receipts (message_id) WHERE message_id IS NOT NULL;"
  "CREATE INDEX receipts_unmatched ON receipts (id) WHERE message_id IS NULL;"

  "CREATE TABLE inbound ("
  "  id INTEGER PRIMARY KEY,"
  "  provider TEXT,"
  "  sender TEXT,"
  "  recipient TEXT,"
  "  app TEXT,"
  "  text TEXT,"
  "  parts INTEGER NOT NULL DEFAULT 1,"
  "  received_at INTEGER NOT NULL,"
  "  verdict TEXT,"
  "  dedup_key TEXT UNIQUE,"
  "  file TEXT);"
  "CREATE INDEX inbound_received ON inbound (received_at);"

  "CREATE TABLE events ("
  "  id INTEGER PRIMARY KEY,"
  "  ts INTEGER NOT NULL,"
  "  scope INTEGER NOT NULL,"
  "  level INTEGER NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  message_id INTEGER,"
  "  app TEXT,"
  "  actor TEXT,"
  "  text TEXT);"
  "CREATE INDEX events_message ON events (message_id) WHERE message_id IS NOT NULL;"
  "CREATE INDEX events_scope ON events (scope, id);"

  "CREATE TABLE blacklist ("
  "  kind INTEGER NOT NULL,"
  "  value TEXT NOT NULL,"
  "  who TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  note TEXT,"
  "  PRIMARY KEY (kind, value)) WITHOUT ROWID;"

  /* kind 0 = hour, 1 = day; period = hours / days since the epoch (UTC) */
  "CREATE TABLE counters ("
  "  destination TEXT NOT NULL,"
  "  kind INTEGER NOT NULL,"
  "  period INTEGER NOT NULL,"
  "  count INTEGER NOT NULL,"
  "  PRIMARY KEY (destination, kind, period)) WITHOUT ROWID;"
  "CREATE INDEX counters_period ON counters (kind, period);";

/* The conversation with a number (the console's thread view) finds the
 * inbound messages from it on this index, as the messages to it on
 * messages_to; ids grow with received_at, so rowid order is time order. */
static const char migration_2[] =
  "CREATE INDEX inbound_sender ON inbound (sender);";

static const char *const migrations[] = {
  migration_1,
  migration_2,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == SR_JOURNAL_SCHEMA_VERSION);

static gboolean
read_version (SrJournal *j, gint *version, GError **error)
{
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (j->db, "PRAGMA user_version", -1, &st, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (st);
  if (rc != SQLITE_ROW)
    {
      sr_journal_set_error (j, error, rc, _("read the schema version"));
      sqlite3_finalize (st);
      return FALSE;
    }
  *version = sqlite3_column_int (st, 0);
  sqlite3_finalize (st);
  return TRUE;
}

gboolean
sr_journal_migrate (SrJournal *j, gboolean read_only, GError **error)
{
  gint version;

  if (!read_version (j, &version, error))
    return FALSE;

  if (version > SR_JOURNAL_SCHEMA_VERSION)
    {
      g_set_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_VERSION,
                   _("The journal %s has schema version %d, but this sms-router knows only "
                     "versions up to %d: a newer sms-router wrote it.  Run that version (or a "
                     "newer one) on this spool; do not move the journal away, it holds the state "
                     "of the claimed messages (see \"DAMAGED OR MISSING JOURNAL\" in sms-router(1))."),
                   j->path, version, SR_JOURNAL_SCHEMA_VERSION);
      return FALSE;
    }
  if (version < SR_JOURNAL_SCHEMA_VERSION && read_only)
    {
      g_set_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_VERSION,
                   _("The journal %s has schema version %d and needs an upgrade to %d; "
                     "start the router once to upgrade it."),
                   j->path, version, SR_JOURNAL_SCHEMA_VERSION);
      return FALSE;
    }

  for (; version < SR_JOURNAL_SCHEMA_VERSION; version++)
    {
      g_autofree char *sql = g_strdup_printf ("BEGIN IMMEDIATE;%s;PRAGMA user_version = %d;COMMIT;",
                                              migrations[version], version + 1);
      char *msg = NULL;
      int rc = sqlite3_exec (j->db, sql, NULL, NULL, &msg);
      if (rc != SQLITE_OK)
        {
          g_set_error (error, SR_JOURNAL_ERROR, sr_journal_error_code (rc),
                       _("Could not upgrade the journal %s to schema version %d: %s"),
                       j->path, version + 1, msg ? msg : sqlite3_errstr (rc));
          sqlite3_free (msg);
          if (!sqlite3_get_autocommit (j->db))
            sqlite3_exec (j->db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
      g_info ("journal %s upgraded to schema version %d", j->path, version + 1);
    }
  j->schema_version = version;
  return TRUE;
}
