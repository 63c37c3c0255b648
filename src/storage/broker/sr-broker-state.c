/* sr-broker-state.c — the broker bridge's durable record (SQLite). */
#include "sr-broker-state.h"

#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <sqlite3.h>

/* The open database and its prepared statements. */
struct _SrBrokerState {
  sqlite3 *db;
  char *path;
  sqlite3_stmt *intake_lookup, *intake_add, *pub_lookup, *pub_add;
};

static gboolean
db_fail (SrBrokerState *s, GError **error, const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("broker state %s: %s: %s"),
               s->path, what, sqlite3_errmsg (s->db));
  return FALSE;
}

static gboolean
exec (SrBrokerState *s, const char *sql, GError **error)
{
  if (sqlite3_exec (s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return db_fail (s, error, sql);
  return TRUE;
}

static gboolean
prepare (SrBrokerState *s, const char *sql, sqlite3_stmt **st, GError **error)
{
  if (sqlite3_prepare_v3 (s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
    return db_fail (s, error, sql);
  return TRUE;
}

SrBrokerState *
sr_broker_state_open (const char *path, GError **error)
{
  g_autoptr(SrBrokerState) s = g_new0 (SrBrokerState, 1);
  s->path = g_strdup (path);
  if (sqlite3_open_v2 (path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      db_fail (s, error, _("open"));
      return NULL;
    }
  sqlite3_busy_timeout (s->db, 5000);
  /* WAL + NORMAL: a commit survives the process being killed (the case the
   * bridge guards against); power loss may take the last commits, and then
   * a redelivered message is queued a second time, as documented. */
  if (!exec (s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                "CREATE TABLE IF NOT EXISTS intake (message_id TEXT PRIMARY KEY, app TEXT NOT NULL,"
                " name TEXT NOT NULL, at INTEGER NOT NULL);"
                "CREATE TABLE IF NOT EXISTS published (app TEXT NOT NULL, kind TEXT NOT NULL,"
                " name TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (app, kind, name));"
                "CREATE TABLE IF NOT EXISTS apps (app TEXT PRIMARY KEY, since INTEGER NOT NULL);",
             error)
      || !prepare (s, "SELECT name FROM intake WHERE message_id = ?", &s->intake_lookup, error)
      || !prepare (s, "INSERT OR IGNORE INTO intake VALUES (?, ?, ?, ?)", &s->intake_add, error)
      || !prepare (s, "SELECT 1 FROM published WHERE app = ? AND kind = ? AND name = ?", &s->pub_lookup, error)
      || !prepare (s, "INSERT OR IGNORE INTO published VALUES (?, ?, ?, ?)", &s->pub_add, error))
    return NULL;
  return g_steal_pointer (&s);
}

void
sr_broker_state_free (SrBrokerState *s)
{
  if (s == NULL)
    return;
  sqlite3_finalize (s->intake_lookup);
  sqlite3_finalize (s->intake_add);
  sqlite3_finalize (s->pub_lookup);
  sqlite3_finalize (s->pub_add);
  sqlite3_close (s->db);
  g_free (s->path);
  g_free (s);
}

gboolean
sr_broker_state_begin (SrBrokerState *s, GError **error)
{
  return exec (s, "BEGIN IMMEDIATE", error);
}

gboolean
sr_broker_state_commit (SrBrokerState *s, GError **error)
{
  return exec (s, "COMMIT", error);
}

char *
sr_broker_state_intake_lookup (SrBrokerState *s, const char *message_id)
{
  sqlite3_stmt *st = s->intake_lookup;
  sqlite3_bind_text (st, 1, message_id, -1, SQLITE_STATIC);
  char *name = NULL;
  if (sqlite3_step (st) == SQLITE_ROW)
    name = g_strdup ((const char *) sqlite3_column_text (st, 0));
  sqlite3_reset (st);
  sqlite3_clear_bindings (st);
  return name;
}

static gboolean
step_done (SrBrokerState *s, sqlite3_stmt *st, GError **error)
{
  int rc = sqlite3_step (st);
  sqlite3_reset (st);
  sqlite3_clear_bindings (st);
  if (rc != SQLITE_DONE)
    return db_fail (s, error, _("write"));
  return TRUE;
}

/* Both tables take three texts and the time now. */
static gboolean
insert3 (SrBrokerState *s, sqlite3_stmt *st, const char *a, const char *b, const char *c,
         GError **error)
{
  sqlite3_bind_text (st, 1, a, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, b, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, c, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 4, g_get_real_time () / G_USEC_PER_SEC);
  return step_done (s, st, error);
}

gboolean
sr_broker_state_intake_add (SrBrokerState *s, const char *message_id, const char *app,
                            const char *name, GError **error)
{
  return insert3 (s, s->intake_add, message_id, app, name, error);
}

gboolean
sr_broker_state_is_published (SrBrokerState *s, const char *app, const char *kind, const char *name)
{
  sqlite3_stmt *st = s->pub_lookup;
  sqlite3_bind_text (st, 1, app, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, name, -1, SQLITE_STATIC);
  gboolean found = sqlite3_step (st) == SQLITE_ROW;
  sqlite3_reset (st);
  sqlite3_clear_bindings (st);
  return found;
}

gboolean
sr_broker_state_mark_published (SrBrokerState *s, const char *app, const char *kind,
                                const char *name, GError **error)
{
  return insert3 (s, s->pub_add, app, kind, name, error);
}

gint64
sr_broker_state_since (SrBrokerState *s, const char *app, GError **error)
{
  sqlite3_stmt *st = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  if (sqlite3_prepare_v2 (s->db, "INSERT OR IGNORE INTO apps VALUES (?, ?)", -1, &st, NULL) != SQLITE_OK)
    return db_fail (s, error, "apps"), -1;
  sqlite3_bind_text (st, 1, app, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 2, now);
  int rc = sqlite3_step (st);
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return db_fail (s, error, "apps"), -1;
  if (sqlite3_prepare_v2 (s->db, "SELECT since FROM apps WHERE app = ?", -1, &st, NULL) != SQLITE_OK)
    return db_fail (s, error, "apps"), -1;
  sqlite3_bind_text (st, 1, app, -1, SQLITE_STATIC);
  gint64 since = sqlite3_step (st) == SQLITE_ROW ? sqlite3_column_int64 (st, 0) : now;
  sqlite3_finalize (st);
  return since;
}

gboolean
sr_broker_state_prune (SrBrokerState *s, gint64 max_age, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("DELETE FROM intake WHERE at < %" G_GINT64_FORMAT ";"
                                          "DELETE FROM published WHERE at < %" G_GINT64_FORMAT,
                                          g_get_real_time () / G_USEC_PER_SEC - max_age,
                                          g_get_real_time () / G_USEC_PER_SEC - max_age);
  return exec (s, sql, error);
}
