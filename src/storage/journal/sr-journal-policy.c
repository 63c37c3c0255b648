/* sr-journal-policy.c — blacklists, per-destination counters and message counts.
 *
 * The router consults these for every message, so each is mirrored in memory
 * and the database is only written (and, for counters, read once per
 * destination and period).  After a lost batch the mirrors are read back.
 */
#define G_LOG_DOMAIN "sr-journal"

#include <string.h>

#include "sr-address-syntax.h"
#include "sr-journal-private.h"

#define USEC_PER_HOUR (G_USEC_PER_SEC * G_GINT64_CONSTANT (3600))
#define USEC_PER_DAY (USEC_PER_HOUR * 24)
/* E.164: at most 15 digits after the '+' */
#define E164_MAX SR_E164_MAX_LEN
/* above this many cached destinations, forget those not counted today */
#define COUNTER_CACHE_MAX 100000

/* ---- message counts ----------------------------------------------------- */

static guint64 *
counts_for_app (SrJournal *j, const char *app)
{
  guint64 *counts = g_hash_table_lookup (j->state_counts, app);
  if (counts == NULL)
    {
      counts = g_new0 (guint64, SR_MESSAGE_N_STATES);
      g_hash_table_insert (j->state_counts, g_strdup (app), counts);
    }
  return counts;
}

/* from_state -1: a new message */
void
sr_journal_count_move (SrJournal *j, const char *app, gint from_state, gint to_state)
{
  guint64 *counts = counts_for_app (j, app);
  if (from_state >= 0)
    {
      counts[from_state]--;
      j->total_counts[from_state]--;
    }
  counts[to_state]++;
  j->total_counts[to_state]++;
}

static gboolean
load_counts (SrJournal *j, GError **error)
{
  g_hash_table_remove_all (j->state_counts);
  memset (j->total_counts, 0, sizeof j->total_counts);
  sqlite3_stmt *st = sr_journal_stmt (j, STMT_COUNT_STATES, error);
  if (st == NULL)
    return FALSE;
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      const char *app = (const char *) sqlite3_column_text (st, 0);
      gint state = sqlite3_column_int (st, 1);
      guint64 n = (guint64) sqlite3_column_int64 (st, 2);
      if (app == NULL || state < 0 || state >= SR_MESSAGE_N_STATES)
        continue;
      counts_for_app (j, app)[state] += n;
      j->total_counts[state] += n;
    }
  sr_journal_stmt_done (st);
  if (rc != SQLITE_DONE)
    {
      sr_journal_set_error (j, error, rc, _("count messages"));
      return FALSE;
    }
  return TRUE;
}

void
sr_journal_count_states (SrJournal *journal, const char *app, guint64 counts[SR_MESSAGE_N_STATES])
{
  g_return_if_fail (journal != NULL && counts != NULL);
  const guint64 *src = journal->total_counts;
  if (app != NULL)
    src = g_hash_table_lookup (journal->state_counts, app);
  for (guint i = 0; i < SR_MESSAGE_N_STATES; i++)
    counts[i] = src ? src[i] : 0;
}

static int
compare_strv (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

GStrv
sr_journal_count_apps (SrJournal *journal)
{
  g_return_val_if_fail (journal != NULL, NULL);
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, journal->state_counts);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      const guint64 *c = value;
      guint64 sum = 0;
      for (guint i = 0; i < SR_MESSAGE_N_STATES; i++)
        sum += c[i];
      if (sum > 0)
        g_strv_builder_add (b, key);
    }
  GStrv apps = g_strv_builder_end (b);
  qsort (apps, g_strv_length (apps), sizeof (char *), compare_strv);
  return apps;
}

/* ---- blacklist ---------------------------------------------------------- */

/* Checks and normalises a value; returns NULL with an error if it cannot match anything. */
static char *
blacklist_value (SrJournal *j, SrBlacklistKind kind, const char *value, GError **error)
{
  if (kind == SR_BLACKLIST_COUNTRY)
    {
      if (sr_address_is_region (value))
        return g_ascii_strup (value, -1);
      g_set_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_INVALID,
                   _("“%s” is not a country code: a blacklisted country is a two-letter "
                     "region code such as CI."), value);
      return NULL;
    }

  if (sr_address_is_e164 (value))
    return g_strdup (value);
  g_set_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_INVALID,
               kind == SR_BLACKLIST_NUMBER
                 ? _("“%s” is not an international number: a blacklisted number is written "
                     "as + and up to 15 digits, such as +41791234567.")
                 : _("“%s” is not a number prefix: a blacklisted prefix is written as + and "
                     "up to 15 digits, such as +4179."),
               value);
  return NULL;
}

static void
blacklist_recompute_prefix_max (SrJournal *j)
{
  GHashTableIter it;
  gpointer key;
  j->bl_prefix_max = 0;
  g_hash_table_iter_init (&it, j->bl[SR_BLACKLIST_PREFIX]);
  while (g_hash_table_iter_next (&it, &key, NULL))
    j->bl_prefix_max = MAX (j->bl_prefix_max, strlen (key));
}

static gboolean
load_blacklist (SrJournal *j, GError **error)
{
  for (guint k = 0; k < G_N_ELEMENTS (j->bl); k++)
    g_hash_table_remove_all (j->bl[k]);
  sqlite3_stmt *st = sr_journal_stmt (j, STMT_BL_ALL, error);
  if (st == NULL)
    return FALSE;
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      guint kind = (guint) sqlite3_column_int (st, 0);
      const char *value = (const char *) sqlite3_column_text (st, 1);
      if (kind < G_N_ELEMENTS (j->bl) && value != NULL)
        g_hash_table_add (j->bl[kind], g_strdup (value));
    }
  sr_journal_stmt_done (st);
  if (rc != SQLITE_DONE)
    {
      sr_journal_set_error (j, error, rc, _("read the blacklist"));
      return FALSE;
    }
  blacklist_recompute_prefix_max (j);
  return TRUE;
}

gboolean
sr_journal_blacklist_add (SrJournal *journal, SrBlacklistKind kind, const char *value,
                          const char *who, const char *note, gint64 now,
                          gboolean *added, GError **error)
{
  g_return_val_if_fail (journal != NULL && value != NULL, FALSE);
  g_return_val_if_fail ((guint) kind <= SR_BLACKLIST_PREFIX, FALSE);

  g_autofree char *v = blacklist_value (journal, kind, value, error);
  if (v == NULL)
    return FALSE;
  if (added != NULL)
    *added = FALSE;
  /* seeding from the configuration at every start must not touch anything */
  if (g_hash_table_contains (journal->bl[kind], v))
    return TRUE;
  if (!sr_journal_write_begin (journal, error))
    return FALSE;
  sqlite3_stmt *st = sr_journal_stmt (journal, STMT_BL_UPSERT, error);
  if (st == NULL)
    return FALSE;
  sr_journal_put_int (journal, st, 1, kind);
  sr_journal_put_text (journal, st, 2, v, -1);
  sr_journal_put_text (journal, st, 3, who, -1);
  sr_journal_put_int (journal, st, 4, now);
  sr_journal_put_text (journal, st, 5, note, -1);
  if (!sr_journal_write_step (journal, st, _("add to the blacklist"), error))
    return FALSE;

  g_autofree char *text = g_strdup_printf ("blacklist %s %s added%s%s",
                                           sr_blacklist_kind_to_string (kind), v,
                                           note ? ": " : "", note ? note : "");
  if (kind == SR_BLACKLIST_PREFIX)
    journal->bl_prefix_max = MAX (journal->bl_prefix_max, strlen (v));
  g_hash_table_add (journal->bl[kind], g_steal_pointer (&v));
  if (added != NULL)
    *added = TRUE;
  /* the event closes the write (and may commit the batch) */
  return sr_journal_event_add (journal, now, SR_SCOPE_SYSTEM, SR_LEVEL_INFO, "blacklist-add", 0,
                               NULL, who, text, error);
}

gboolean
sr_journal_blacklist_remove (SrJournal *journal, SrBlacklistKind kind, const char *value,
                             const char *who, gint64 now, gboolean *removed, GError **error)
{
  g_return_val_if_fail (journal != NULL && value != NULL, FALSE);
  g_return_val_if_fail ((guint) kind <= SR_BLACKLIST_PREFIX, FALSE);

  g_autofree char *v = blacklist_value (journal, kind, value, error);
  if (v == NULL)
    return FALSE;
  if (!sr_journal_write_begin_live (journal, error))
    return FALSE;
  sqlite3_stmt *st = sr_journal_stmt (journal, STMT_BL_DELETE, error);
  if (st == NULL)
    return FALSE;
  sr_journal_put_int (journal, st, 1, kind);
  sr_journal_put_text (journal, st, 2, v, -1);
  if (!sr_journal_write_step (journal, st, _("remove from the blacklist"), error))
    return FALSE;
  gboolean gone = sr_journal_write_changed (journal);
  g_autofree char *text = g_strdup_printf ("blacklist %s %s removed",
                                           sr_blacklist_kind_to_string (kind), v);
  if (gone)
    {
      g_hash_table_remove (journal->bl[kind], v);
      if (kind == SR_BLACKLIST_PREFIX)
        blacklist_recompute_prefix_max (journal);
    }
  if (removed != NULL)
    *removed = gone;
  if (!gone)
    {
      sr_journal_write_end (journal);
      return TRUE;
    }
  return sr_journal_event_add (journal, now, SR_SCOPE_SYSTEM, SR_LEVEL_INFO, "blacklist-remove",
                               0, NULL, who, text, error);
}

gboolean
sr_journal_blacklist_has_country (SrJournal *journal, const char *region)
{
  g_return_val_if_fail (journal != NULL, FALSE);
  if (region == NULL || strlen (region) != 2)
    return FALSE;
  char key[3] = { g_ascii_toupper (region[0]), g_ascii_toupper (region[1]), '\0' };
  return g_hash_table_contains (journal->bl[SR_BLACKLIST_COUNTRY], key);
}

gboolean
sr_journal_blacklist_has_number (SrJournal *journal, const char *e164)
{
  g_return_val_if_fail (journal != NULL, FALSE);
  return e164 != NULL && g_hash_table_contains (journal->bl[SR_BLACKLIST_NUMBER], e164);
}

const char *
sr_journal_blacklist_match_prefix (SrJournal *journal, const char *e164)
{
  g_return_val_if_fail (journal != NULL, NULL);
  if (e164 == NULL || journal->bl_prefix_max == 0)
    return NULL;
  char key[E164_MAX + 1];
  size_t len = MIN (strlen (e164), journal->bl_prefix_max);
  memcpy (key, e164, len);
  /* longest first: the most specific entry names the rule */
  for (; len >= 2; len--)
    {
      key[len] = '\0';
      gpointer stored = NULL;
      if (g_hash_table_lookup_extended (journal->bl[SR_BLACKLIST_PREFIX], key, &stored, NULL))
        return stored;
    }
  return NULL;
}

GPtrArray *
sr_journal_blacklist_list (SrJournal *journal, SrBlacklistKind kind, GError **error)
{
  g_return_val_if_fail (journal != NULL, NULL);
  sqlite3_stmt *st = sr_journal_stmt (journal, STMT_BL_KIND, error);
  if (st == NULL)
    return NULL;
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (
    (GDestroyNotify) sr_journal_blacklist_entry_free);
  sqlite3_bind_int (st, 1, kind);
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      SrJournalBlacklistEntry *e = g_new0 (SrJournalBlacklistEntry, 1);
      e->kind = (SrBlacklistKind) sqlite3_column_int (st, 0);
      e->value = sr_journal_column_strdup (st, 1);
      e->who = sr_journal_column_strdup (st, 2);
      e->created_at = sqlite3_column_int64 (st, 3);
      e->note = sr_journal_column_strdup (st, 4);
      g_ptr_array_add (list, e);
    }
  sr_journal_stmt_done (st);
  if (rc != SQLITE_DONE)
    {
      sr_journal_set_error (journal, error, rc, _("read the blacklist"));
      return NULL;
    }
  return g_steal_pointer (&list);
}

/* ---- per-destination counters ------------------------------------------- */

static gboolean
read_counter (SrJournal *j, const char *destination, gint kind, gint64 period, guint *count)
{
  g_autoptr (GError) error = NULL;
  sqlite3_stmt *st = sr_journal_stmt (j, STMT_CTR_GET, &error);
  if (st == NULL)
    return FALSE;
  sr_journal_bind_text (st, 1, destination);
  sqlite3_bind_int (st, 2, kind);
  sqlite3_bind_int64 (st, 3, period);
  int rc = sqlite3_step (st);
  *count = rc == SQLITE_ROW ? (guint) sqlite3_column_int64 (st, 0) : 0;
  sr_journal_stmt_done (st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      sr_journal_set_error (j, &error, rc, _("read a destination's counter"));
      g_warning ("%s", error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
forget_old_counter (gpointer key, gpointer value, gpointer user_data)
{
  const SrJournalCounter *c = value;
  return c->day != *(const gint64 *) user_data;
}

/* The cached counter for destination, brought to the periods of now. */
static SrJournalCounter *
counter_for (SrJournal *j, const char *destination, gint64 now)
{
  gint64 hour = now / USEC_PER_HOUR;
  gint64 day = now / USEC_PER_DAY;
  SrJournalCounter *c = g_hash_table_lookup (j->counters, destination);
  if (c != NULL && c->hour == hour && c->day == day)
    return c;
  if (c == NULL)
    {
      if (g_hash_table_size (j->counters) >= COUNTER_CACHE_MAX)
        g_hash_table_foreach_remove (j->counters, forget_old_counter, &day);
      c = g_new0 (SrJournalCounter, 1);
      g_hash_table_insert (j->counters, g_strdup (destination), c);
    }
  if (!read_counter (j, destination, 0, hour, &c->hour_count)
      || !read_counter (j, destination, 1, day, &c->day_count))
    {
      g_hash_table_remove (j->counters, destination);
      return NULL;
    }
  c->hour = hour;
  c->day = day;
  return c;
}

gboolean
sr_journal_counter_add (SrJournal *journal, const char *destination, gint64 now, GError **error)
{
  g_return_val_if_fail (journal != NULL && destination != NULL, FALSE);

  if (!sr_journal_write_begin (journal, error))
    return FALSE;
  /* bring the cache to this period before counting, so it matches the rows */
  SrJournalCounter *c = counter_for (journal, destination, now);
  sqlite3_stmt *st = sr_journal_stmt (journal, STMT_CTR_ADD, error);
  if (st == NULL)
    return FALSE;
  for (gint kind = 0; kind < 2; kind++)
    {
      sr_journal_put_text (journal, st, 1, destination, -1);
      sr_journal_put_int (journal, st, 2, kind);
      sr_journal_put_int (journal, st, 3, kind == 0 ? now / USEC_PER_HOUR : now / USEC_PER_DAY);
      if (!sr_journal_write_step (journal, st, _("count a message to its destination"), error))
        {
          g_hash_table_remove (journal->counters, destination);
          return FALSE;
        }
    }
  if (c != NULL)
    {
      c->hour_count++;
      c->day_count++;
    }
  sr_journal_write_end (journal);
  return TRUE;
}

void
sr_journal_counter_get (SrJournal *journal, const char *destination, gint64 now,
                        guint *hour, guint *day)
{
  g_return_if_fail (journal != NULL && destination != NULL);
  SrJournalCounter *c = counter_for (journal, destination, now);
  if (hour != NULL)
    *hour = c ? c->hour_count : 0;
  if (day != NULL)
    *day = c ? c->day_count : 0;
}

/* ---- caches ------------------------------------------------------------- */

gboolean
sr_journal_reload (SrJournal *journal, GError **error)
{
  g_return_val_if_fail (journal != NULL, FALSE);
  return sr_journal_load_caches (journal, error);
}

gboolean
sr_journal_load_caches (SrJournal *j, GError **error)
{
  for (guint k = 0; k < G_N_ELEMENTS (j->bl); k++)
    if (j->bl[k] == NULL)
      j->bl[k] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (j->counters == NULL)
    j->counters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (j->state_counts == NULL)
    j->state_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_hash_table_remove_all (j->counters);
  return load_blacklist (j, error) && load_counts (j, error);
}

void
sr_journal_free_caches (SrJournal *j)
{
  for (guint k = 0; k < G_N_ELEMENTS (j->bl); k++)
    g_clear_pointer (&j->bl[k], g_hash_table_unref);
  g_clear_pointer (&j->counters, g_hash_table_unref);
  g_clear_pointer (&j->state_counts, g_hash_table_unref);
}
