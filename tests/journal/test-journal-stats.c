/* test-journal-stats.c — delivery figures for the console: the window's first
 * row by binary search on the ids, and the counts by country, provider, state
 * and the last hour, against a count made here row by row. */
#include "journal-test-util.h"
#include "sr-journal-stats.h"

#define T0 G_GINT64_CONSTANT (1795000000000000)
#define MINUTE (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)
#define N 600

static const char *const countries[] = { "CH", "DE", NULL };
static const char *const providers[] = { "main", "backup", NULL };

/* Message i: claimed at T0 + i minutes, id i + 1; every state, country and
 * provider (or none) in turn. */
static void
fill (SrJournal *j)
{
  for (guint i = 0; i < N; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *file = g_strdup_printf ("%u.1_1.host", i);
      SrJournalMessage m = {
        .app = "default", .file = file, .to_e164 = "+41791234567",
        .country = (char *) countries[i % 3], .provider = (char *) providers[(i / 3) % 3],
        .state = i % SR_MESSAGE_N_STATES, .created_at = T0 + i * MINUTE,
      };
      g_assert_cmpint (sr_journal_message_insert (j, &m, &error), ==, i + 1);
      g_assert_no_error (error);
    }
}

static void
test_first_id (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_assert_cmpint (sr_journal_first_id_since (f->journal, T0, &error), ==, 0);
  fill (f->journal);
  g_assert_cmpint (sr_journal_first_id_since (f->journal, T0 - 1, &error), <=, 1);
  g_assert_cmpint (sr_journal_first_id_since (f->journal, T0, &error), <=, 1);
  g_assert_cmpint (sr_journal_first_id_since (f->journal, T0 + 1, &error), ==, 2);
  for (guint i = 1; i < N; i += 37)
    g_assert_cmpint (sr_journal_first_id_since (f->journal, T0 + i * MINUTE, &error), ==, i + 1);
  g_assert_cmpint (sr_journal_first_id_since (f->journal, T0 + N * MINUTE, &error), ==, N + 1);
  g_assert_no_error (error);
}

static char *
group_key (const char *country, const char *provider, gint state, gboolean recent)
{
  return g_strdup_printf ("%s/%s/%d/%d", country ? country : "-", provider ? provider : "-", state,
                          recent);
}

static void
test_counts (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) none = sr_journal_delivery_counts (f->journal, T0, T0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);

  fill (f->journal);
  gint64 since = T0 + 200 * MINUTE, recent = T0 + 500 * MINUTE;
  g_autoptr (GHashTable) want = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 200; i < N; i++)
    {
      char *k = group_key (countries[i % 3], providers[(i / 3) % 3], i % SR_MESSAGE_N_STATES, i >= 500);
      g_hash_table_insert (want, k, GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (want, k)) + 1));
    }
  g_autoptr (GPtrArray) got = sr_journal_delivery_counts (f->journal, since, recent, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, g_hash_table_size (want));
  guint64 total = 0;
  for (guint i = 0; i < got->len; i++)
    {
      SrJournalDeliveryCount *c = g_ptr_array_index (got, i);
      g_autofree char *k = group_key (c->country, c->provider, c->state, c->recent);
      g_assert_cmpuint (c->count, ==, GPOINTER_TO_UINT (g_hash_table_lookup (want, k)));
      total += c->count;
    }
  g_assert_cmpuint (total, ==, N - 200);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/journal/stats/first-id", Fixture, NULL, fixture_setup_open, test_first_id, fixture_teardown);
  g_test_add ("/journal/stats/counts", Fixture, NULL, fixture_setup_open, test_counts, fixture_teardown);
  return g_test_run ();
}
