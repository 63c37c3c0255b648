/* test-journal-thread.c — the conversation with a number, page by page, on a
 * real journal: messages to it, their receipts and inbound messages from it
 * with interleaved times, among traffic of other numbers. */
#include <string.h>

#include "journal-test-util.h"

#define T0 G_GINT64_CONSTANT (1795000000000000)
#define SEC G_USEC_PER_SEC
#define NUMBER "+41790000001"
#define OTHER "+41790000002"

/* One anchor of the thread as the test expects it: 'm' message, 'i' inbound. */
typedef struct {
  char kind;
  gint64 id;
  gint64 time;
} Anchor;

static gint64
add_message (SrJournal *j, const char *to, gint64 at, guint n)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *file = g_strdup_printf ("%u.host", n);
  SrJournalMessage m = test_message ("default", file, to, SR_MESSAGE_QUEUED, at);
  gint64 id = sr_journal_message_insert (j, &m, &error);
  g_assert_no_error (error);
  g_assert_true (sr_journal_segments_add (j, id, 1, &error));
  return id;
}

static gint64
add_inbound (SrJournal *j, const char *from, gint64 at, guint n)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("reply %u", n);
  SrJournalInbound in = { .provider = (char *) "main", .sender = (char *) from,
                          .recipient = (char *) "+41791234567", .app = (char *) "default",
                          .text = text, .parts = 1, .received_at = at };
  gboolean dup = FALSE;
  gint64 id = sr_journal_inbound_insert (j, &in, &dup, &error);
  g_assert_no_error (error);
  g_assert_false (dup);
  return id;
}

/* A receipt of message id, received at at. */
static void
add_receipt (SrJournal *j, gint64 id, gint64 at)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SrJournalReceiptInfo) info = NULL;
  SrJournalReceipt r = { .received_at = at, .provider = (char *) "main", .smsc_id = (char *) "x",
                         .message_id = id, .part = 1, .stat = (char *) "DELIVRD",
                         .err = (char *) "000", .raw = (char *) "id:x stat:DELIVRD" };
  g_assert_cmpint (sr_journal_record_receipt (j, &r, &info, &error), ==, SR_RECEIPT_MATCHED);
  g_assert_no_error (error);
}

/* 19 messages and 14 inbound messages of the number, irregularly
 * interleaved (one or two of a kind in a row, inbound first and last), receipts 25 s after
 * their message (so after the next anchors), and the same traffic for
 * another number in between. */
static GArray *
fill (SrJournal *j)
{
  GArray *anchors = g_array_new (FALSE, FALSE, sizeof (Anchor));
  gint64 t = T0;
  guint ii = 0;
  for (guint n = 0; n < 33; n++)
    {
      t += (n % 3 + 1) * SEC;
      gboolean inbound = n % 5 == 0 || n % 5 == 2;
      Anchor a = { inbound ? 'i' : 'm', 0, t };
      if (inbound)
        {
          a.id = add_inbound (j, NUMBER, t, ii++);
          add_inbound (j, OTHER, t + 1, 100 + n);
        }
      else
        {
          a.id = add_message (j, NUMBER, t, n);
          add_receipt (j, a.id, t + 25 * SEC);
          add_receipt (j, add_message (j, OTHER, t + 1, 100 + n), t + 2);
        }
      g_array_append_val (anchors, a);
    }
  g_autoptr (GError) error = NULL;
  g_assert_true (sr_journal_flush (j, &error));
  return anchors;
}

/* Pages through the whole thread in dir, limit anchors a page, and checks
 * that every anchor comes exactly once, in time order, each message with
 * its receipt. */
static void
walk (SrJournal *j, const GArray *anchors, SrPageDirection dir, guint limit)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) seen = g_array_new (FALSE, FALSE, sizeof (Anchor));
  gint64 mc = 0, ic = 0;
  guint pages = 0;
  gboolean more = TRUE;
  while (more)
    {
      g_autoptr (SrJournalThread) t = sr_journal_thread_page (j, NUMBER, dir, mc, ic, limit, &error);
      g_assert_no_error (error);
      g_assert_nonnull (t);
      g_assert_cmpuint (t->messages->len + t->inbound->len, <=, limit);
      g_assert_cmpuint (t->receipts->len, ==, t->messages->len);
      /* this page's anchors, merged by time */
      g_autoptr (GArray) page = g_array_new (FALSE, FALSE, sizeof (Anchor));
      for (guint k = 0; k < t->messages->len; k++)
        {
          SrJournalMessage *m = g_ptr_array_index (t->messages, k);
          SrJournalReceipt *r = g_ptr_array_index (t->receipts, k);
          g_assert_cmpstr (m->to_e164, ==, NUMBER);
          g_assert_cmpint (r->message_id, ==, m->id);
          g_assert_cmpint (r->received_at, ==, m->created_at + 25 * SEC);
          if (k > 0)
            g_assert_cmpint (m->id, >, ((SrJournalMessage *) g_ptr_array_index (t->messages, k - 1))->id);
          Anchor a = { 'm', m->id, m->created_at };
          g_array_append_val (page, a);
        }
      for (guint k = 0; k < t->inbound->len; k++)
        {
          SrJournalInbound *in = g_ptr_array_index (t->inbound, k);
          g_assert_cmpstr (in->sender, ==, NUMBER);
          Anchor a = { 'i', in->id, in->received_at };
          g_array_append_val (page, a);
        }
      for (guint x = 1; x < page->len; x++) /* insertion sort by time */
        for (guint y = x; y > 0 && g_array_index (page, Anchor, y).time < g_array_index (page, Anchor, y - 1).time; y--)
          {
            Anchor tmp = g_array_index (page, Anchor, y);
            g_array_index (page, Anchor, y) = g_array_index (page, Anchor, y - 1);
            g_array_index (page, Anchor, y - 1) = tmp;
          }
      if (dir == SR_PAGE_OLDER)
        g_array_prepend_vals (seen, page->data, page->len);
      else
        g_array_append_vals (seen, page->data, page->len);
      more = t->more;
      if (more)
        g_assert_cmpuint (page->len, ==, limit);
      mc = t->message_cursor;
      ic = t->inbound_cursor;
      g_assert_cmpuint (++pages, <=, anchors->len + 1);
    }
  g_assert_cmpuint (pages, ==, (anchors->len + limit - 1) / limit);
  g_assert_cmpuint (seen->len, ==, anchors->len);
  for (guint k = 0; k < anchors->len; k++)
    {
      Anchor *want = &g_array_index (anchors, Anchor, k), *got = &g_array_index (seen, Anchor, k);
      g_assert_cmpint (got->kind, ==, want->kind);
      g_assert_cmpint (got->id, ==, want->id);
      g_assert_cmpint (got->time, ==, want->time);
    }
}

static void
test_pages (Fixture *f, gconstpointer data)
{
  g_autoptr (GArray) anchors = fill (f->journal);
  static const guint limits[] = { 1, 2, 3, 7, 33, 100 };
  for (guint k = 0; k < G_N_ELEMENTS (limits); k++)
    {
      walk (f->journal, anchors, SR_PAGE_OLDER, limits[k]);
      walk (f->journal, anchors, SR_PAGE_NEWER, limits[k]);
    }
}

/* The newest page from the newest end: the last anchors, inbound included,
 * and nothing of other numbers or of a number nobody wrote to. */
static void
test_newest (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) anchors = fill (f->journal);
  g_autoptr (SrJournalThread) t = sr_journal_thread_page (f->journal, NUMBER, SR_PAGE_OLDER, 0, 0, 4,
                                                          &error);
  g_assert_no_error (error);
  g_assert_true (t->more);
  g_assert_cmpuint (t->messages->len + t->inbound->len, ==, 4);
  g_assert_cmpuint (t->inbound->len, >, 0);
  for (guint k = 0; k < t->inbound->len; k++)
    {
      SrJournalInbound *in = g_ptr_array_index (t->inbound, k);
      g_assert_cmpint (in->received_at, >=, g_array_index (anchors, Anchor, anchors->len - 4).time);
    }
  g_autoptr (SrJournalThread) none = sr_journal_thread_page (f->journal, "+41799999999", SR_PAGE_OLDER,
                                                             0, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->messages->len + none->inbound->len + none->receipts->len, ==, 0);
  g_assert_false (none->more);
}

/* A journal of schema version 1 gains the sender index when opened. */
static void
test_migrate_v1 (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  SrJournal *j = sr_journal_open (f->path, SR_JOURNAL_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  add_inbound (j, NUMBER, T0, 1);
  sr_journal_close (j);
  sqlite3 *db = raw_open (f->path);
  raw_exec (db, "DROP INDEX inbound_sender; PRAGMA user_version = 1");
  const char *has = "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'inbound_sender'";
  g_assert_cmpint (raw_int (db, has), ==, 0);

  j = sr_journal_open (f->path, SR_JOURNAL_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sr_journal_get_schema_version (j), ==, 2);
  g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, 2);
  g_assert_cmpint (raw_int (db, has), ==, 1);
  g_autoptr (SrJournalThread) t = sr_journal_thread_page (j, NUMBER, SR_PAGE_OLDER, 0, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (t->inbound->len, ==, 1);
  g_clear_pointer (&t, sr_journal_thread_free);
  sr_journal_close (j);
  sqlite3_close (db);
}

/* Pages of a view filtered by a number through the whole journal: every
 * message of the view to the number or to a longer number starting with it
 * comes once, newest first. */
static void
check_number_filter (SrJournal *j, const char *filter, SrJournalView view, const GArray *want)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) got = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 cursor = 0;
  do
    {
      g_autoptr (GPtrArray) page = sr_journal_messages_page (j, view, NULL, filter, SR_PAGE_OLDER, cursor,
                                                             7, &cursor, &error);
      g_assert_no_error (error);
      for (guint k = 0; k < page->len; k++)
        g_array_append_val (got, ((SrJournalMessage *) g_ptr_array_index (page, k))->id);
    }
  while (cursor != 0);
  g_assert_cmpuint (got->len, ==, want->len);
  for (guint k = 0; k < want->len; k++)
    g_assert_cmpint (g_array_index (got, gint64, k), ==, g_array_index (want, gint64, want->len - 1 - k));
}

/* A number filter is the number itself (walked in id order) and the longer
 * numbers it starts (a range; when wide, the view's ids are walked). */
static void
test_number_filter (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) one = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) narrow = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint n = 0; n < 2400; n++)
    {
      g_autofree char *to = n % 3 == 0 ? g_strdup ("+4179111") : g_strdup_printf ("+4179111%05u", n);
      g_autofree char *file = g_strdup_printf ("%u.host", n);
      SrMessageState state = n % 2 ? SR_MESSAGE_DEAD : SR_MESSAGE_QUEUED;
      SrJournalMessage m = test_message ("default", file, to, state, T0 + n);
      gint64 id = sr_journal_message_insert (f->journal, &m, &error);
      g_assert_no_error (error);
      if (state != SR_MESSAGE_DEAD)
        continue;
      g_array_append_val (all, id);
      if (n % 3 != 0 && g_str_has_prefix (to, "+417911100"))
        g_array_append_val (narrow, id);
      if (n == 1)
        g_array_append_val (one, id);
    }
  g_assert_true (sr_journal_flush (f->journal, &error));
  /* more than 2000 longer numbers: the wide way */
  check_number_filter (f->journal, "+4179111", SR_VIEW_DEAD, all);
  /* a hundred longer numbers and not the short one: the range */
  check_number_filter (f->journal, "+417911100", SR_VIEW_DEAD, narrow);
  /* one whole number: only its letter */
  check_number_filter (f->journal, "+417911100001", SR_VIEW_DEAD, one);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/journal/thread/pages", Fixture, NULL, fixture_setup_open, test_pages, fixture_teardown);
  g_test_add ("/journal/thread/newest", Fixture, NULL, fixture_setup_open, test_newest, fixture_teardown);
  g_test_add ("/journal/number-filter", Fixture, NULL, fixture_setup_open, test_number_filter,
              fixture_teardown);
  g_test_add ("/journal/thread/migrate-v1", Fixture, NULL, fixture_setup, test_migrate_v1,
              fixture_teardown);
  return g_test_run ();
}
