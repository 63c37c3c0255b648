/* sr-console-fixture-model.c — TEST FIXTURE: rows computed from their ids. */
#define G_LOG_DOMAIN "sr-tui-fixture"

#include "sr-console-fixture-model.h"
#include "sr-console-providers.h"

#include <stdarg.h>
#include <string.h>

/* A row an action added (queued by compose or retry), kept for real. */
typedef struct {
  gint64 id;
  char *to;
  char *from;
  char *app;
  char *text;
} ExtraRow;

/* A blacklist entry. */
typedef struct {
  gint64 id;
  SrConsoleBlacklistKind kind;
  char *value;
  char *note;
} BlacklistEntry;

struct _SrFixtureModel {
  SrConsoleModel model;
  gint64 n;                                   /* generated rows per view */
  GHashTable *removed[SR_CONSOLE_N_VIEWS];    /* ids of generated rows gone */
  GPtrArray *extra[SR_CONSOLE_N_VIEWS];       /* ExtraRow, ascending ids */
  GPtrArray *blacklist;                       /* BlacklistEntry, ascending ids */
  gint64 next_id;
  gboolean paused;
  SrFixtureStats stats;
  GPtrArray *actions;
  char *failure;
  SrConsoleChangedFunc changed;
  gpointer changed_data;
};

static const char *const apps[] = { "billing", "alerts", "iot" };

static void
extra_free (gpointer p)
{
  ExtraRow *r = p;
  g_free (r->to);
  g_free (r->from);
  g_free (r->app);
  g_free (r->text);
  g_free (r);
}

static void
entry_free (gpointer p)
{
  BlacklistEntry *e = p;
  g_free (e->value);
  g_free (e->note);
  g_free (e);
}

static gboolean
failing (SrFixtureModel *m, GError **error)
{
  if (!m->failure)
    return FALSE;
  g_set_error_literal (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_UNAVAILABLE, m->failure);
  return TRUE;
}

/* --- Generated rows ---------------------------------------------------------- */

static char *
gen_time (SrFixtureModel *m, gint64 id)
{
  /* The newest row is 2026-11-22 05:00:00; one row per second before it. */
  g_autoptr (GDateTime) newest = g_date_time_new_utc (2026, 11, 22, 5, 0, 0);
  g_autoptr (GDateTime) t = g_date_time_add_seconds (newest, (gdouble) (id - m->n));
  return g_date_time_format (t, "%m-%d %H:%M:%S");
}

static char *
gen_text (gint64 id)
{
  switch (id % 7)
    {
    case 0: return g_strdup_printf ("日本語のテキスト 第%" G_GINT64_FORMAT "号 お知らせ", id);
    case 1: return g_strdup_printf ("Emoji 😀🎉 row %" G_GINT64_FORMAT " done", id);
    default: return g_strdup_printf ("Message number %" G_GINT64_FORMAT " for order %" G_GINT64_FORMAT,
                                     id, id * 7 % 100000);
    }
}

static char *
gen_number (gint64 id)
{
  return g_strdup_printf ("+4179%07" G_GINT64_FORMAT, id % 10000000);
}

static char **
gen_columns (SrFixtureModel *m, SrConsoleView view, gint64 id)
{
  GPtrArray *c = g_ptr_array_new ();
  const char *app = apps[id % 3];
#define ADD(s) g_ptr_array_add (c, (s))
  switch (view)
    {
    case SR_CONSOLE_VIEW_QUEUE:
    case SR_CONSOLE_VIEW_SENT:
      ADD (gen_time (m, id)); ADD (g_strdup (app)); ADD (gen_number (id)); ADD (g_strdup ("ACME"));
      if (view == SR_CONSOLE_VIEW_QUEUE)
        ADD (g_strdup (id % 5 == 0 ? "in flight" : "waiting"));
      else
        ADD (g_strdup (id % 4 == 0 ? "awaiting" : "DELIVRD"));
      ADD (g_strdup_printf ("%d", (int) (1 + id % 3))); ADD (gen_text (id));
      break;
    case SR_CONSOLE_VIEW_DEAD:
      ADD (gen_time (m, id)); ADD (g_strdup (app)); ADD (gen_number (id));
      ADD (g_strdup (id % 2 ? "policy" : "smsc"));
      ADD (g_strdup (id % 2 ? "Destination country CI is blacklisted"
                            : "SMSC rejected the destination (ESME_RINVDSTADR)"));
      ADD (gen_text (id));
      break;
    case SR_CONSOLE_VIEW_RECEIPTS:
      ADD (gen_time (m, id)); ADD (g_strdup (app)); ADD (gen_number (id));
      ADD (g_strdup_printf ("%08" G_GINT64_MODIFIER "x", id * 2654435761u % 0xffffffffu));
      ADD (g_strdup (id % 9 == 0 ? "UNDELIV" : "DELIVRD"));
      ADD (g_strdup_printf ("order-%" G_GINT64_FORMAT, id));
      break;
    case SR_CONSOLE_VIEW_INBOX:
      ADD (gen_time (m, id)); ADD (g_strdup (app)); ADD (gen_number (id));
      ADD (g_strdup ("+41791234567")); ADD (gen_text (id));
      break;
    case SR_CONSOLE_VIEW_LOG:
      ADD (gen_time (m, id)); ADD (g_strdup (id % 10 == 0 ? "system" : "message"));
      ADD (g_strdup_printf ("Message %" G_GINT64_FORMAT " sent to %s", id, "+4179…"));
      break;
    default:
      break;
    }
#undef ADD
  g_ptr_array_add (c, NULL);
  return (char **) g_ptr_array_free (c, FALSE);
}

static char **
extra_columns (SrConsoleView view, const ExtraRow *r)
{
  /* Extra rows only exist in the Queue. */
  char *cols[] = { g_strdup ("11-22 05:00:01"), g_strdup (r->app), g_strdup (r->to),
                   g_strdup (r->from), g_strdup ("waiting"), g_strdup ("1"), g_strdup (r->text), NULL };
  return g_memdup2 (cols, sizeof cols);
}

static char **
blacklist_columns (const BlacklistEntry *e)
{
  char *cols[] = { g_strdup (sr_console_blacklist_kind_to_string (e->kind)), g_strdup (e->value),
                   g_strdup (e->note), g_strdup ("operator"), g_strdup ("11-22 04:00:00"), NULL };
  return g_memdup2 (cols, sizeof cols);
}

static gboolean
matches (char **columns, const char *filter)
{
  if (!filter || !*filter)
    return TRUE;
  g_autofree char *needle = g_utf8_casefold (filter, -1);
  for (guint i = 0; columns[i]; i++)
    {
      g_autofree char *hay = g_utf8_casefold (columns[i], -1);
      if (strstr (hay, needle))
        return TRUE;
    }
  return FALSE;
}

/* Row of any kind with this id in this view, or NULL. */
static char **
row_columns (SrFixtureModel *m, SrConsoleView view, gint64 id)
{
  if (view == SR_CONSOLE_VIEW_BLACKLISTS)
    {
      for (guint i = 0; i < m->blacklist->len; i++)
        {
          BlacklistEntry *e = g_ptr_array_index (m->blacklist, i);
          if (e->id == id)
            return blacklist_columns (e);
        }
      return NULL;
    }
  if (id >= 1 && id <= m->n)
    return g_hash_table_contains (m->removed[view], &id) ? NULL : gen_columns (m, view, id);
  for (guint i = 0; i < m->extra[view]->len; i++)
    {
      ExtraRow *r = g_ptr_array_index (m->extra[view], i);
      if (r->id == id)
        return extra_columns (view, r);
    }
  return NULL;
}

/* Ids of one view in ascending order, walked from `from` in `step` (±1) by
 * index: generated ids 1..n, then extra rows, then blacklist entries. */
static gint64
next_id (SrFixtureModel *m, SrConsoleView view, gint64 id, int step)
{
  GPtrArray *extra = view == SR_CONSOLE_VIEW_BLACKLISTS ? m->blacklist : m->extra[view];
  gint64 gen_max = view == SR_CONSOLE_VIEW_BLACKLISTS ? 0 : m->n;
  if (step > 0)
    {
      if (id + 1 <= gen_max)
        return MAX (id + 1, 1);
      for (guint i = 0; i < extra->len; i++)
        {
          gint64 e = *(gint64 *) g_ptr_array_index (extra, i);
          if (e > id)
            return e;
        }
      return -1;
    }
  for (guint i = extra->len; i > 0; i--)
    {
      gint64 e = *(gint64 *) g_ptr_array_index (extra, i - 1);
      if (e < id)
        return e;
    }
  if (id - 1 >= 1 && gen_max > 0)
    return MIN (id - 1, gen_max);
  return -1;
}

static GPtrArray *
fixture_list (gpointer data, const SrConsoleQuery *q, GError **error)
{
  SrFixtureModel *m = data;
  if (failing (m, error))
    return NULL;
  m->stats.queries++;
  m->stats.max_count = MAX (m->stats.max_count, q->count);
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_console_row_free);
  if (q->view == SR_CONSOLE_VIEW_OVERVIEW)
    return rows;

  int step = q->direction == SR_CONSOLE_PAGE_OLDER ? -1 : +1;
  gint64 id = q->cursor;
  if (step < 0 && id == SR_CONSOLE_CURSOR_NEWEST)
    id = G_MAXINT64 - 1; /* next_id() below steps from a huge id to the largest one */
  while (rows->len < q->count)
    {
      id = next_id (m, q->view, id, step);
      if (id < 0)
        break;
      char **cols = row_columns (m, q->view, id);
      if (!cols)
        continue;
      if (!matches (cols, q->filter))
        {
          g_strfreev (cols);
          continue;
        }
      g_ptr_array_add (rows, sr_console_row_new (id, cols));
    }
  if (step > 0)
    {
      /* Newest first, like every answer. */
      for (guint i = 0; i < rows->len / 2; i++)
        {
          gpointer t = rows->pdata[i];
          rows->pdata[i] = rows->pdata[rows->len - 1 - i];
          rows->pdata[rows->len - 1 - i] = t;
        }
    }
  m->stats.rows_returned += rows->len;
  return rows;
}

static SrConsoleDetail *
fixture_detail (gpointer data, SrConsoleView view, gint64 id, GError **error)
{
  SrFixtureModel *m = data;
  if (failing (m, error))
    return NULL;
  m->stats.details++;
  g_auto (GStrv) cols = row_columns (m, view, id);
  if (!cols)
    {
      g_set_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_NOT_FOUND,
                   "Row %" G_GINT64_FORMAT " of %s is gone.", id, sr_console_view_to_string (view));
      return NULL;
    }
  SrConsoleDetail *d = sr_console_detail_new (view, id);
  const char *const *keys = sr_console_view_column_keys (view);
  if (view == SR_CONSOLE_VIEW_BLACKLISTS)
    {
      d->title = g_strdup_printf ("Blacklist entry %" G_GINT64_FORMAT, id);
      sr_console_blacklist_kind_from_string (cols[0], &d->blacklist_kind);
      d->blacklist_value = g_strdup (cols[1]);
    }
  else
    d->title = g_strdup_printf ("%s %" G_GINT64_FORMAT, sr_console_view_to_string (view), id);
  for (guint i = 0; keys[i] && cols[i]; i++)
    {
      if (strcmp (keys[i], "text") == 0)
        d->text = g_strdup (cols[i]);
      else
        sr_console_detail_add_field (d, keys[i], cols[i]);
      if (strcmp (keys[i], "to") == 0)
        d->to = g_strdup (cols[i]);
      else if (strcmp (keys[i], "from") == 0)
        d->from = g_strdup (cols[i]);
      else if (strcmp (keys[i], "app") == 0)
        d->app = g_strdup (cols[i]);
    }
  if (view != SR_CONSOLE_VIEW_BLACKLISTS && view != SR_CONSOLE_VIEW_LOG)
    {
      g_ptr_array_add (d->parts, g_strdup_printf ("SMSC id %08" G_GINT64_MODIFIER "x DELIVRD", id));
      g_ptr_array_add (d->history, g_strdup ("05:00:00 claimed from outbox/new"));
      g_ptr_array_add (d->history, g_strdup ("05:00:01 submitted (1 part)"));
    }
  return d;
}

static SrConsoleOverview *
fixture_overview (gpointer data, GError **error)
{
  SrFixtureModel *m = data;
  if (failing (m, error))
    return NULL;
  SrConsoleOverview *o = sr_console_overview_new ();
  sr_console_overview_add_bind (o, "main#1", "bound", NULL);
  sr_console_overview_add_bind (o, "main#2", "connecting", "Connection refused by 127.0.0.1:2775");
  for (guint i = 0; i < G_N_ELEMENTS (apps); i++)
    sr_console_overview_add_queue (o, apps[i], (guint64) m->n / 3 + m->extra[SR_CONSOLE_VIEW_QUEUE]->len,
                                   i, (guint64) m->n / 3 - g_hash_table_size (m->removed[SR_CONSOLE_VIEW_DEAD]) / 3);
  g_ptr_array_add (o->errors, g_strdup ("04:59:58 main#2: bind failed: connection refused"));
  o->rate_in = 12.5;
  o->rate_out = m->paused ? 0.0 : 12.0;
  o->total_in = m->n;
  o->total_out = m->n;
  o->paused = m->paused;
  return o;
}

/* Two binds, one of them failing, and the delivery rates of 30 countries
 * (XA has most messages and no delivered one) and two providers. */
static SrConsoleProviders *
fixture_providers (gpointer data, GError **error)
{
  SrFixtureModel *m = data;
  if (failing (m, error))
    return NULL;
  SrConsoleProviders *p = sr_console_providers_new ();
  SrConsoleBindStats *b = sr_console_providers_add_bind (p, "main#1", "main", "bound", NULL);
  b->state_since = g_get_real_time () - (gint64) 3600 * G_USEC_PER_SEC;
  b->reconnects = 2;
  b->window_used = 3;
  b->window_size = 10;
  b->rate = 19.5;
  b->throughput = 20;
  b->throttled = 7;
  b->latency_count = 120;
  b->latency_p50_ms = 1.25;
  b->latency_p99_ms = 480;
  b = sr_console_providers_add_bind (p, "main#2", "main", "connecting", "Connection refused by 127.0.0.1:2775");
  b->window_size = 10;
  for (guint w = 0; w < SR_CONSOLE_DELIVERY_N_WINDOWS; w++)
    {
      for (guint i = 0; i < 30; i++)
        {
          char key[3] = { 'X', (char) ('A' + i), 0 };
          SrConsoleDeliveryRow *r = sr_console_delivery_row_add (p->countries[w], key);
          r->delivered = i == 0 ? 0 : (100 - i) * (w + 1);
          r->failed = i == 0 ? 50 : i;
          r->pending = 1;
          r->sent = r->delivered + r->failed + r->pending;
        }
      SrConsoleDeliveryRow *r = sr_console_delivery_row_add (p->providers[w], "main");
      r->sent = r->delivered = 1000 * (w + 1);
    }
  p->delivery_at[SR_CONSOLE_DELIVERY_HOUR] = g_get_real_time ();
  p->delivery_at[SR_CONSOLE_DELIVERY_DAY] = g_get_real_time () - (gint64) 60 * G_USEC_PER_SEC;
  return p;
}

/* --- Actions ----------------------------------------------------------------- */

static void
log_action (SrFixtureModel *m, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
log_action (SrFixtureModel *m, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_ptr_array_add (m->actions, g_strdup_vprintf (fmt, ap));
  va_end (ap);
}

static gboolean
valid_number (const char *to, GError **error)
{
  if (!to || !*to)
    {
      g_set_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_INVALID,
                   "The destination number is missing.");
      return FALSE;
    }
  for (const char *p = (*to == '+') ? to + 1 : to; *p; p++)
    if (!g_ascii_isdigit (*p) && *p != ' ')
      {
        g_set_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_INVALID,
                     "“%s” is not a phone number.", to);
        return FALSE;
      }
  return TRUE;
}

static gboolean
take_dead (SrFixtureModel *m, gint64 id, GError **error)
{
  if (id < 1 || id > m->n || g_hash_table_contains (m->removed[SR_CONSOLE_VIEW_DEAD], &id))
    {
      g_set_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_NOT_FOUND,
                   "Dead letter %" G_GINT64_FORMAT " is no longer in dead/.", id);
      return FALSE;
    }
  g_hash_table_add (m->removed[SR_CONSOLE_VIEW_DEAD], g_memdup2 (&id, sizeof id));
  return TRUE;
}

static void
queue_extra (SrFixtureModel *m, const char *to, const char *from, const char *app, const char *text)
{
  ExtraRow *r = g_new0 (ExtraRow, 1);
  r->id = m->next_id++;
  r->to = g_strdup (to);
  r->from = g_strdup (from && *from ? from : "ACME");
  r->app = g_strdup (app && *app ? app : apps[0]);
  r->text = g_strdup (text);
  g_ptr_array_add (m->extra[SR_CONSOLE_VIEW_QUEUE], r);
}

static gboolean
fixture_retry (gpointer data, gint64 id, GError **error)
{
  SrFixtureModel *m = data;
  if (failing (m, error) || !take_dead (m, id, error))
    return FALSE;
  g_autofree char *to = gen_number (id);
  g_autofree char *text = gen_text (id);
  queue_extra (m, to, NULL, apps[id % 3], text);
  log_action (m, "retry %" G_GINT64_FORMAT, id);
  return TRUE;
}

static gboolean
fixture_edit_retry (gpointer data, gint64 id, const SrConsoleMessage *msg, GError **error)
{
  SrFixtureModel *m = data;
  if (failing (m, error) || !valid_number (msg->to, error) || !take_dead (m, id, error))
    return FALSE;
  queue_extra (m, msg->to, msg->from, apps[id % 3], msg->text);
  log_action (m, "edit-retry %" G_GINT64_FORMAT " %s|%s|%s", id, msg->to, msg->from, msg->text);
  return TRUE;
}

static gboolean
fixture_discard (gpointer data, gint64 id, GError **error)
{
  SrFixtureModel *m = data;
  if (failing (m, error) || !take_dead (m, id, error))
    return FALSE;
  log_action (m, "discard %" G_GINT64_FORMAT, id);
  return TRUE;
}

static gboolean
fixture_compose (gpointer data, const SrConsoleMessage *msg, GError **error)
{
  SrFixtureModel *m = data;
  if (failing (m, error) || !valid_number (msg->to, error))
    return FALSE;
  if (!msg->text || !*msg->text)
    {
      g_set_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_INVALID,
                   "The message text is empty.");
      return FALSE;
    }
  queue_extra (m, msg->to, msg->from, msg->app, msg->text);
  log_action (m, "compose %s|%s|%s|%s", msg->to, msg->from ? msg->from : "",
              msg->app ? msg->app : "", msg->text);
  return TRUE;
}

static gboolean
fixture_blacklist_add (gpointer data, SrConsoleBlacklistKind kind, const char *value,
                       const char *note, GError **error)
{
  SrFixtureModel *m = data;
  if (failing (m, error))
    return FALSE;
  gboolean ok = value && *value;
  if (ok && kind == SR_CONSOLE_BLACKLIST_COUNTRY)
    ok = strlen (value) == 2 && g_ascii_isupper (value[0]) && g_ascii_isupper (value[1]);
  else if (ok)
    ok = value[0] == '+' && strspn (value + 1, "0123456789") == strlen (value + 1) && value[1];
  if (!ok)
    {
      g_set_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_INVALID,
                   kind == SR_CONSOLE_BLACKLIST_COUNTRY
                   ? "“%s” is not a country code (two capital letters, e.g. CI)."
                   : "“%s” is not an international number or prefix (e.g. +4190).", value ? value : "");
      return FALSE;
    }
  BlacklistEntry *e = g_new0 (BlacklistEntry, 1);
  e->id = m->next_id++;
  e->kind = kind;
  e->value = g_strdup (value);
  e->note = g_strdup (note ? note : "");
  g_ptr_array_add (m->blacklist, e);
  log_action (m, "blacklist-add %s %s %s", sr_console_blacklist_kind_to_string (kind), value, e->note);
  return TRUE;
}

static gboolean
fixture_blacklist_remove (gpointer data, SrConsoleBlacklistKind kind, const char *value,
                          GError **error)
{
  SrFixtureModel *m = data;
  if (failing (m, error))
    return FALSE;
  for (guint i = 0; i < m->blacklist->len; i++)
    {
      BlacklistEntry *e = g_ptr_array_index (m->blacklist, i);
      if (e->kind == kind && g_strcmp0 (e->value, value) == 0)
        {
          log_action (m, "blacklist-remove %s %s", sr_console_blacklist_kind_to_string (kind), value);
          g_ptr_array_remove_index (m->blacklist, i);
          return TRUE;
        }
    }
  g_set_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_NOT_FOUND,
               "%s %s is not on the blacklist.", sr_console_blacklist_kind_to_string (kind), value);
  return FALSE;
}

static gboolean
fixture_set_paused (gpointer data, gboolean paused, GError **error)
{
  SrFixtureModel *m = data;
  if (failing (m, error))
    return FALSE;
  m->paused = paused;
  log_action (m, paused ? "pause" : "resume");
  return TRUE;
}

/* The fixture's main#2 is never bound. */
static gboolean
fixture_reconnect (gpointer data, guint *not_bound, GError **error)
{
  SrFixtureModel *m = data;
  if (failing (m, error))
    return FALSE;
  *not_bound = 1;
  log_action (m, "reconnect");
  return TRUE;
}

static void
fixture_set_changed_handler (gpointer data, SrConsoleChangedFunc func, gpointer func_data)
{
  SrFixtureModel *m = data;
  m->changed = func;
  m->changed_data = func_data;
}

/* --- Public -------------------------------------------------------------------- */

/* The thread of every number: outbound message k (1..N_OUT) at k * 10 s
 * with its receipt 25 s later, inbound message k (1..N_IN) at k * 15 s + 3 s;
 * paged as the journal pages it (two keysets merged by time). */
#define N_OUT 300
#define N_IN 200

static gint64
out_time (gint64 k)
{
  return k * 10 * G_USEC_PER_SEC;
}

static gint64
in_time (gint64 k)
{
  return (k * 15 + 3) * G_USEC_PER_SEC;
}

static SrConsoleThreadPage *
fixture_thread (gpointer data, const SrConsoleThreadQuery *q, GError **error)
{
  SrFixtureModel *m = data;
  if (failing (m, error))
    return NULL;
  m->stats.thread_queries++;
  m->stats.max_count = MAX (m->stats.max_count, q->count);
  gboolean older = q->direction == SR_CONSOLE_PAGE_OLDER;
  /* the next candidate of each stream next to its cursor */
  gint64 o = older ? MIN (q->out_cursor - 1, N_OUT) : MAX (q->out_cursor + 1, 1);
  gint64 i = older ? MIN (q->in_cursor - 1, N_IN) : MAX (q->in_cursor + 1, 1);
  SrConsoleThreadPage *p = sr_console_thread_page_new ();
  p->out_cursor = q->out_cursor;
  p->in_cursor = q->in_cursor;
  for (guint n = 0; n < q->count; n++)
    {
      gboolean o_ok = o >= 1 && o <= N_OUT, i_ok = i >= 1 && i <= N_IN;
      if (!o_ok && !i_ok)
        break;
      gboolean take_out = o_ok && (!i_ok || (older ? out_time (o) > in_time (i) : out_time (o) <= in_time (i)));
      if (take_out)
        {
          g_autofree char *text = g_strdup_printf ("out %" G_GINT64_FORMAT, o);
          g_ptr_array_add (p->entries, sr_console_thread_entry_new (SR_CONSOLE_THREAD_OUT, o, o, out_time (o),
                                                                    "delivered", text));
          g_ptr_array_add (p->entries, sr_console_thread_entry_new (SR_CONSOLE_THREAD_RECEIPT, o, o,
                                                                    out_time (o) + 25 * G_USEC_PER_SEC,
                                                                    "DELIVRD", ""));
          p->out_cursor = o;
          o += older ? -1 : 1;
        }
      else
        {
          g_autofree char *text = g_strdup_printf ("in %" G_GINT64_FORMAT, i);
          g_ptr_array_add (p->entries, sr_console_thread_entry_new (SR_CONSOLE_THREAD_IN, i, 0, in_time (i),
                                                                    "billing", text));
          p->in_cursor = i;
          i += older ? -1 : 1;
        }
    }
  p->more = (o >= 1 && o <= N_OUT) || (i >= 1 && i <= N_IN);
  sr_console_thread_sort (p->entries);
  return p;
}

void
sr_fixture_model_enable_thread (SrFixtureModel *m)
{
  m->model.thread = fixture_thread;
}

SrFixtureModel *
sr_fixture_model_new (gint64 rows_per_view)
{
  static const char *const seed[] = { "CI", "GF", "GP", "MQ", "NC", "PF", "RE" };
  SrFixtureModel *m = g_new0 (SrFixtureModel, 1);
  m->n = rows_per_view;
  m->next_id = rows_per_view + 1;
  for (int v = 0; v < SR_CONSOLE_N_VIEWS; v++)
    {
      m->removed[v] = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
      m->extra[v] = g_ptr_array_new_with_free_func (extra_free);
    }
  m->blacklist = g_ptr_array_new_with_free_func (entry_free);
  m->actions = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < G_N_ELEMENTS (seed); i++)
    {
      BlacklistEntry *e = g_new0 (BlacklistEntry, 1);
      e->id = m->next_id++;
      e->kind = SR_CONSOLE_BLACKLIST_COUNTRY;
      e->value = g_strdup (seed[i]);
      e->note = g_strdup ("default");
      g_ptr_array_add (m->blacklist, e);
    }
  m->model = (SrConsoleModel) {
    .user_data = m,
    .overview = fixture_overview,
    .list = fixture_list,
    .detail = fixture_detail,
    .retry = fixture_retry,
    .edit_retry = fixture_edit_retry,
    .discard = fixture_discard,
    .compose = fixture_compose,
    .blacklist_add = fixture_blacklist_add,
    .blacklist_remove = fixture_blacklist_remove,
    .set_paused = fixture_set_paused,
    .reconnect = fixture_reconnect,
    .set_changed_handler = fixture_set_changed_handler,
    .providers = fixture_providers,
  };
  return m;
}

void
sr_fixture_model_free (SrFixtureModel *m)
{
  if (!m)
    return;
  for (int v = 0; v < SR_CONSOLE_N_VIEWS; v++)
    {
      g_hash_table_unref (m->removed[v]);
      g_ptr_array_unref (m->extra[v]);
    }
  g_ptr_array_unref (m->blacklist);
  g_ptr_array_unref (m->actions);
  g_free (m->failure);
  g_free (m);
}

const SrConsoleModel *
sr_fixture_model_get (SrFixtureModel *m)
{
  return &m->model;
}

void
sr_fixture_model_stats (SrFixtureModel *m, SrFixtureStats *stats)
{
  *stats = m->stats;
}

void
sr_fixture_model_reset_stats (SrFixtureModel *m)
{
  memset (&m->stats, 0, sizeof m->stats);
}

GPtrArray *
sr_fixture_model_actions (SrFixtureModel *m)
{
  return m->actions;
}

void
sr_fixture_model_set_failure (SrFixtureModel *m, const char *message)
{
  g_free (m->failure);
  m->failure = g_strdup (message);
}

gint64
sr_fixture_model_add_queued (SrFixtureModel *m, const char *to, const char *text)
{
  queue_extra (m, to, NULL, NULL, text);
  sr_fixture_model_notify_changed (m);
  return m->next_id - 1;
}

void
sr_fixture_model_notify_changed (SrFixtureModel *m)
{
  if (m->changed)
    m->changed (m->changed_data);
}
