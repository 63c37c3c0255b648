/* sr-http-store.c — SPOOL/router/http.db: what the HTTP front end still owes.
 *
 * Three small tables: the messages whose delivery reports are owed
 * (watches), the callbacks not yet answered with a 2xx (or dead), and the
 * journal cursors of the followers.  Every change is its own short
 * transaction: these are few compared with messages, and a callback must be
 * on disk before the state it comes from is marked as reported.
 */
#define G_LOG_DOMAIN "sr-http"

#include "sr-http-private.h"

#include <glib/gi18n-lib.h>

static const char schema[] =
  "PRAGMA journal_mode=WAL;"
  "PRAGMA synchronous=NORMAL;"
  "CREATE TABLE IF NOT EXISTS watches (app TEXT NOT NULL, file TEXT NOT NULL, user TEXT,"
  "  url TEXT NOT NULL, mask INTEGER NOT NULL, reported INTEGER NOT NULL DEFAULT 0,"
  "  created INTEGER NOT NULL, PRIMARY KEY (app, file));"
  "CREATE TABLE IF NOT EXISTS callbacks (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,"
  "  url TEXT NOT NULL, content_type TEXT, body TEXT, attempts INTEGER NOT NULL DEFAULT 0,"
  "  next_at INTEGER NOT NULL, state INTEGER NOT NULL DEFAULT 0, last_error TEXT,"
  "  created INTEGER NOT NULL);"
  "CREATE INDEX IF NOT EXISTS callbacks_due ON callbacks (state, next_at);"
  "CREATE TABLE IF NOT EXISTS cursors (name TEXT PRIMARY KEY, value INTEGER NOT NULL);";

static gboolean
fail (SrHttp *http, GError **error, const char *what)
{
  g_set_error (error, SR_HTTP_ERROR, SR_HTTP_ERROR_STORE, _("%s: %s"), what, sqlite3_errmsg (http->db));
  return FALSE;
}

static gboolean
exec (SrHttp *http, const char *sql, GError **error)
{
  if (sqlite3_exec (http->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return fail (http, error, sql);
  return TRUE;
}

gboolean
sr_http_store_open (SrHttp *http, const char *path, GError **error)
{
  if (sqlite3_open_v2 (path, &http->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    {
      fail (http, error, path);
      sr_http_store_close (http);
      return FALSE;
    }
  sqlite3_busy_timeout (http->db, 2000);
  return exec (http, schema, error);
}

void
sr_http_store_close (SrHttp *http)
{
  g_clear_pointer (&http->db, sqlite3_close);
}

void
sr_http_watch_free (SrHttpWatch *w)
{
  if (w == NULL)
    return;
  g_free (w->app);
  g_free (w->file);
  g_free (w->user);
  g_free (w->url);
  g_free (w);
}

void
sr_http_callback_free (SrHttpCallback *c)
{
  if (c == NULL)
    return;
  g_free (c->url);
  g_free (c->content_type);
  g_free (c->body);
  g_free (c);
}

static sqlite3_stmt *
prepare (SrHttp *http, const char *sql)
{
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2 (http->db, sql, -1, &st, NULL) != SQLITE_OK)
    g_warning ("http.db: %s: %s", sql, sqlite3_errmsg (http->db));
  return st;
}

static gboolean
step_done (SrHttp *http, sqlite3_stmt *st, GError **error)
{
  int rc = st != NULL ? sqlite3_step (st) : SQLITE_ERROR;
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return fail (http, error, "http.db");
  return TRUE;
}

gboolean
sr_http_store_add_watch (SrHttp *http, const SrHttpWatch *w, GError **error)
{
  sqlite3_stmt *st = prepare (http, "INSERT OR REPLACE INTO watches (app, file, user, url, mask, reported, created)"
                                    " VALUES (?, ?, ?, ?, ?, 0, ?)");
  if (st == NULL)
    return fail (http, error, "http.db");
  sqlite3_bind_text (st, 1, w->app, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, w->file, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, w->user, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 4, w->url, -1, SQLITE_STATIC);
  sqlite3_bind_int (st, 5, w->mask);
  sqlite3_bind_int64 (st, 6, g_get_real_time ());
  return step_done (http, st, error);
}

gboolean
sr_http_store_load_watches (SrHttp *http, GError **error)
{
  sqlite3_stmt *st = prepare (http, "SELECT app, file, user, url, mask, reported FROM watches");
  if (st == NULL)
    return fail (http, error, "http.db");
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      SrHttpWatch *w = g_new0 (SrHttpWatch, 1);
      w->app = g_strdup ((const char *) sqlite3_column_text (st, 0));
      w->file = g_strdup ((const char *) sqlite3_column_text (st, 1));
      w->user = g_strdup ((const char *) sqlite3_column_text (st, 2));
      w->url = g_strdup ((const char *) sqlite3_column_text (st, 3));
      w->mask = sqlite3_column_int (st, 4);
      w->reported = sqlite3_column_int (st, 5);
      g_hash_table_replace (http->watches, g_strconcat (w->app, "/", w->file, NULL), w);
    }
  sqlite3_finalize (st);
  return TRUE;
}

static gboolean
update_watch (SrHttp *http, const SrHttpWatch *w, gboolean done, GError **error)
{
  sqlite3_stmt *st = prepare (http, done ? "DELETE FROM watches WHERE app = ? AND file = ?"
                                         : "UPDATE watches SET reported = ?3 WHERE app = ?1 AND file = ?2");
  if (st == NULL)
    return fail (http, error, "http.db");
  sqlite3_bind_text (st, 1, w->app, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, w->file, -1, SQLITE_STATIC);
  if (!done)
    sqlite3_bind_int (st, 3, w->reported);
  return step_done (http, st, error);
}

gboolean
sr_http_store_forget_watch (SrHttp *http, const SrHttpWatch *w, GError **error)
{
  return update_watch (http, w, TRUE, error);
}

gboolean
sr_http_store_queue (SrHttp *http, const char *kind, const char *url, const char *content_type,
                     const char *body, const SrHttpWatch *w, gboolean done, GError **error)
{
  if (!exec (http, "BEGIN IMMEDIATE", error))
    return FALSE;
  sqlite3_stmt *st = prepare (http, "INSERT INTO callbacks (kind, url, content_type, body, next_at, created)"
                                    " VALUES (?, ?, ?, ?, 0, ?)");
  if (st != NULL)
    {
      sqlite3_bind_text (st, 1, kind, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 2, url, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 3, content_type, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 4, body, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 5, g_get_real_time ());
    }
  if (!step_done (http, st, error) || (w != NULL && !update_watch (http, w, done, error)))
    {
      sqlite3_exec (http->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return exec (http, "COMMIT", error);
}

GPtrArray *
sr_http_store_due (SrHttp *http, gint64 now, guint limit, GHashTable *skip)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_http_callback_free);
  sqlite3_stmt *st = prepare (http, "SELECT id, url, content_type, body, attempts FROM callbacks"
                                    " WHERE state = 0 AND next_at <= ? ORDER BY next_at, id LIMIT ?");
  if (st == NULL)
    return out;
  sqlite3_bind_int64 (st, 1, now);
  sqlite3_bind_int (st, 2, limit + g_hash_table_size (skip));
  while (out->len < limit && sqlite3_step (st) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (st, 0);
      if (g_hash_table_contains (skip, &id))
        continue;
      SrHttpCallback *c = g_new0 (SrHttpCallback, 1);
      c->id = id;
      c->url = g_strdup ((const char *) sqlite3_column_text (st, 1));
      c->content_type = g_strdup ((const char *) sqlite3_column_text (st, 2));
      c->body = g_strdup ((const char *) sqlite3_column_text (st, 3));
      c->attempts = sqlite3_column_int (st, 4);
      g_ptr_array_add (out, c);
    }
  sqlite3_finalize (st);
  return out;
}

gboolean
sr_http_store_finish (SrHttp *http, gint64 id, gboolean ok, guint attempts, gint64 next_at,
                      gboolean dead, const char *error_text)
{
  sqlite3_stmt *st = prepare (http, ok ? "DELETE FROM callbacks WHERE id = ?1"
                                       : "UPDATE callbacks SET attempts = ?2, next_at = ?3, state = ?4,"
                                         " last_error = ?5 WHERE id = ?1");
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, id);
  if (!ok)
    {
      sqlite3_bind_int (st, 2, attempts);
      sqlite3_bind_int64 (st, 3, next_at);
      sqlite3_bind_int (st, 4, dead ? SR_HTTP_CALLBACK_DEAD : SR_HTTP_CALLBACK_PENDING);
      sqlite3_bind_text (st, 5, error_text, -1, SQLITE_STATIC);
    }
  g_autoptr(GError) error = NULL;
  if (!step_done (http, st, &error))
    {
      g_warning ("%s", error->message);
      return FALSE;
    }
  return TRUE;
}

void
sr_http_store_count (SrHttp *http, guint64 *pending, guint64 *dead)
{
  guint64 retrying = 0;
  sr_http_store_count_tries (http, pending, &retrying, dead);
  *pending += retrying;
}

void
sr_http_store_count_tries (SrHttp *http, guint64 *fresh, guint64 *retrying, guint64 *dead)
{
  *fresh = *retrying = *dead = 0;
  sqlite3_stmt *st = prepare (http, "SELECT state, attempts > 0, count(*) FROM callbacks GROUP BY 1, 2");
  while (st != NULL && sqlite3_step (st) == SQLITE_ROW)
    {
      guint64 n = sqlite3_column_int64 (st, 2);
      if (sqlite3_column_int (st, 0) == SR_HTTP_CALLBACK_DEAD)
        *dead += n;
      else if (sqlite3_column_int (st, 1))
        *retrying += n;
      else
        *fresh += n;
    }
  sqlite3_finalize (st);
}

void
sr_http_store_list_dead (SrHttp *http, guint limit, SrHttpDeadFunc func, gpointer user_data)
{
  sqlite3_stmt *st = prepare (http, "SELECT id, kind, url, attempts, last_error, created FROM callbacks"
                                    " WHERE state = 2 ORDER BY id DESC LIMIT ?");
  if (st == NULL)
    return;
  sqlite3_bind_int (st, 1, limit);
  while (sqlite3_step (st) == SQLITE_ROW)
    func (sqlite3_column_int64 (st, 0), (const char *) sqlite3_column_text (st, 1),
          (const char *) sqlite3_column_text (st, 2), sqlite3_column_int (st, 3),
          (const char *) sqlite3_column_text (st, 4), sqlite3_column_int64 (st, 5), user_data);
  sqlite3_finalize (st);
}

gint64
sr_http_store_get_cursor (SrHttp *http, const char *name, gint64 fallback)
{
  gint64 value = fallback;
  sqlite3_stmt *st = prepare (http, "SELECT value FROM cursors WHERE name = ?");
  if (st == NULL)
    return fallback;
  sqlite3_bind_text (st, 1, name, -1, SQLITE_STATIC);
  if (sqlite3_step (st) == SQLITE_ROW)
    value = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  return value;
}

gboolean
sr_http_store_set_cursor (SrHttp *http, const char *name, gint64 value)
{
  sqlite3_stmt *st = prepare (http, "INSERT OR REPLACE INTO cursors (name, value) VALUES (?, ?)");
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 2, value);
  g_autoptr(GError) error = NULL;
  if (!step_done (http, st, &error))
    {
      g_warning ("%s", error->message);
      return FALSE;
    }
  return TRUE;
}
