/* test-journal-data.c — what the router and the console write and read. */
#include <string.h>

#include "journal-test-util.h"

#define HOUR (G_USEC_PER_SEC * G_GINT64_CONSTANT (3600))
#define DAY (HOUR * 24)
/* 2026-11-22 00:00:00 UTC */
#define MIDNIGHT (G_GINT64_CONSTANT (1795305600) * G_USEC_PER_SEC)
#define T0 (MIDNIGHT + 10 * HOUR)

static gint64
insert (SrJournal *j, const char *app, const char *file, const char *to, SrMessageState state,
        gint64 now)
{
  g_autoptr (GError) error = NULL;
  SrJournalMessage m = test_message (app, file, to, state, now);
  gint64 id = sr_journal_message_insert (j, &m, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

/* ---- messages and parts ------------------------------------------------- */

static void
test_message_lifecycle (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  SrJournal *j = f->journal;

  /* claimed first, parsed later */
  SrJournalMessage claim = { .app = (char *) "billing", .file = (char *) "1.2_3.host",
                             .state = SR_MESSAGE_QUEUED, .created_at = T0 };
  gint64 id = sr_journal_message_insert (j, &claim, &error);
  g_assert_no_error (error);

  g_autofree char *long_text = g_strnfill (400, 'a');
  memcpy (long_text + 319, "\xc3\xa9", 2); /* é across the preview's cut */
  SrJournalMessage parsed = test_message ("billing", "1.2_3.host", "+41791234567",
                                          SR_MESSAGE_QUEUED, T0);
  parsed.id = id;
  parsed.to_raw = (char *) "079 123 45 67";
  parsed.parts = 3;
  parsed.preview = long_text;
  g_assert_true (sr_journal_message_set_parsed (j, &parsed, &error));
  g_assert_true (sr_journal_segments_add (j, id, 3, &error));
  g_assert_true (sr_journal_message_set_attempt (j, id, 1, "main", 0, &error));
  g_assert_true (sr_journal_message_set_state (j, id, SR_MESSAGE_SUBMITTING, T0 + 1, &error));
  g_assert_true (sr_journal_segment_set_submit (j, id, 1, SR_SEGMENT_ACCEPTED, "main", "a1", 0, T0 + 2, &error));
  g_assert_true (sr_journal_segment_set_submit (j, id, 2, SR_SEGMENT_ACCEPTED, "main", "a2", 0, T0 + 3, &error));
  g_assert_true (sr_journal_segment_set_submit (j, id, 3, SR_SEGMENT_IN_FLIGHT, "main", NULL, 0, T0 + 4, &error));
  g_assert_true (sr_journal_event_add (j, T0 + 5, SR_SCOPE_MESSAGE, SR_LEVEL_INFO, "submit", id,
                                       "billing", NULL, "parts 1-2 accepted", &error));
  g_assert_no_error (error);

  /* after a crash: which parts must never be sent again */
  g_autoptr (GPtrArray) segs = NULL;
  g_autoptr (SrJournalMessage) found = sr_journal_message_find_by_file (j, "billing", "1.2_3.host",
                                                                        &segs, &error);
  g_assert_no_error (error);
  g_assert_cmpint (found->id, ==, id);
  g_assert_cmpuint (segs->len, ==, 3);
  const SrJournalSegment *s1 = segs->pdata[0], *s3 = segs->pdata[2];
  g_assert_cmpint (s1->submit, ==, SR_SEGMENT_ACCEPTED);
  g_assert_cmpstr (s1->smsc_id, ==, "a1");
  g_assert_cmpstr (s1->provider, ==, "main");
  g_assert_cmpint (s3->submit, ==, SR_SEGMENT_IN_FLIGHT);
  g_assert_null (s3->smsc_id);
  g_assert_null (sr_journal_message_find_by_file (j, "other-app", "1.2_3.host", NULL, &error));
  g_assert_no_error (error);

  g_assert_true (sr_journal_segment_set_submit (j, id, 3, SR_SEGMENT_ACCEPTED, "main", "a3", 0, T0 + 6, &error));
  g_assert_true (sr_journal_message_set_state (j, id, SR_MESSAGE_SENT, T0 + 7, &error));

  g_autoptr (SrJournalMessageDetail) d = sr_journal_message_detail (j, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (d->message->to_raw, ==, "079 123 45 67");
  g_assert_cmpstr (d->message->to_e164, ==, "+41791234567");
  g_assert_cmpstr (d->message->provider, ==, "main");
  g_assert_cmpuint (d->message->attempts, ==, 1);
  g_assert_cmpuint (d->message->parts, ==, 3);
  g_assert_cmpint (d->message->state, ==, SR_MESSAGE_SENT);
  g_assert_cmpint (d->message->submitted_at, ==, T0 + 7);
  g_assert_cmpint (d->message->done_at, ==, 0);
  g_assert_cmpuint (strlen (d->message->preview), ==, 319);
  g_assert_true (g_utf8_validate (d->message->preview, -1, NULL));
  g_assert_cmpuint (d->segments->len, ==, 3);
  g_assert_cmpuint (d->events->len, ==, 1);
  g_assert_cmpstr (((SrJournalEvent *) d->events->pdata[0])->actor, ==, "router");
  g_assert_cmpuint (d->receipts->len, ==, 0);

  /* errors: dead letter, then retried by an operator */
  gint64 dead = insert (j, "billing", "2.2_3.host", "+2250101010101", SR_MESSAGE_QUEUED, T0);
  g_assert_true (sr_journal_message_set_error (j, dead, SR_MESSAGE_DEAD, SR_ERROR_CLASS_POLICY, 0,
                                               "blacklisted country CI", T0 + 8, &error));
  g_autoptr (SrJournalMessage) dm = sr_journal_message_get (j, dead, &error);
  g_assert_cmpint (dm->state, ==, SR_MESSAGE_DEAD);
  g_assert_cmpint (dm->error_class, ==, SR_ERROR_CLASS_POLICY);
  g_assert_cmpstr (dm->error_text, ==, "blacklisted country CI");
  g_assert_cmpint (dm->done_at, ==, T0 + 8);

  guint64 counts[SR_MESSAGE_N_STATES];
  sr_journal_count_states (j, "billing", counts);
  g_assert_cmpuint (counts[SR_MESSAGE_SENT], ==, 1);
  g_assert_cmpuint (counts[SR_MESSAGE_DEAD], ==, 1);
  g_assert_cmpuint (counts[SR_MESSAGE_QUEUED], ==, 0);
  g_assert_true (sr_journal_message_set_state (j, dead, SR_MESSAGE_QUEUED, T0 + 9, &error));
  sr_journal_count_states (j, "billing", counts);
  g_assert_cmpuint (counts[SR_MESSAGE_DEAD], ==, 0);
  g_assert_cmpuint (counts[SR_MESSAGE_QUEUED], ==, 1);
  g_autoptr (SrJournalMessage) requeued = sr_journal_message_get (j, dead, &error);
  g_assert_cmpint (requeued->done_at, ==, 0);

  /* the in-memory counts equal what the database says after a reopen */
  g_assert_true (sr_journal_flush (j, &error));
  g_clear_pointer (&f->journal, sr_journal_close);
  f->journal = sr_journal_open (f->path, SR_JOURNAL_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  guint64 again[SR_MESSAGE_N_STATES];
  sr_journal_count_states (f->journal, "billing", again);
  g_assert_cmpmem (again, sizeof again, counts, sizeof counts);
  g_auto (GStrv) apps = sr_journal_count_apps (f->journal);
  g_assert_cmpstrv (apps, ((const char *const[]) { "billing", NULL }));
}

static void
test_not_found (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_assert_false (sr_journal_message_set_state (f->journal, 42, SR_MESSAGE_SENT, T0, &error));
  g_assert_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "42"));
  g_clear_error (&error);
  g_assert_false (sr_journal_message_set_error (f->journal, 42, SR_MESSAGE_DEAD, SR_ERROR_CLASS_SMSC,
                                                11, "x", T0, &error));
  g_assert_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (sr_journal_message_set_attempt (f->journal, 42, 1, NULL, 0, &error));
  g_assert_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  gint64 id = insert (f->journal, "a", "f", "+41791234567", SR_MESSAGE_QUEUED, T0);
  g_assert_false (sr_journal_segment_set_submit (f->journal, id, 1, SR_SEGMENT_ACCEPTED, "p", "x",
                                                 0, T0, &error));
  g_assert_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (sr_journal_message_detail (f->journal, 42, &error));
  g_assert_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* the failed calls changed nothing */
  guint64 counts[SR_MESSAGE_N_STATES];
  sr_journal_count_states (f->journal, NULL, counts);
  g_assert_cmpuint (counts[SR_MESSAGE_QUEUED], ==, 1);
  g_assert_cmpuint (counts[SR_MESSAGE_SENT], ==, 0);
}

/* ---- receipts ---------------------------------------------------------- */

static gint64
sent_message (SrJournal *j, const char *file, const char *provider, guint parts, const char *id_prefix)
{
  g_autoptr (GError) error = NULL;
  gint64 id = insert (j, "shop", file, "+41791234567", SR_MESSAGE_SUBMITTING, T0);
  g_assert_true (sr_journal_segments_add (j, id, parts, &error));
  for (guint p = 1; p <= parts; p++)
    {
      g_autofree char *smsc = g_strdup_printf ("%s%u", id_prefix, p);
      g_assert_true (sr_journal_segment_set_submit (j, id, p, SR_SEGMENT_ACCEPTED, provider, smsc,
                                                    0, T0, &error));
    }
  g_assert_true (sr_journal_message_set_state (j, id, SR_MESSAGE_SENT, T0, &error));
  return id;
}

static gint
receipt (SrJournal *j, const char *provider, const char *smsc_id, const char *stat, gint64 at,
         SrJournalReceiptInfo **info)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *raw = g_strdup_printf ("id:%s sub:001 dlvrd:001 stat:%s err:000 text:", smsc_id, stat);
  SrJournalReceipt r = { .received_at = at, .provider = (char *) provider,
                         .smsc_id = (char *) smsc_id, .stat = (char *) stat,
                         .err = (char *) "000", .raw = raw };
  gint rc = sr_journal_record_receipt (j, &r, info, &error);
  g_assert_no_error (error);
  return rc;
}

static void
test_receipts (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  SrJournal *j = f->journal;
  gint64 multi = sent_message (j, "m.host", "main", 3, "ab");
  gint64 single = sent_message (j, "s.host", "main", 1, "cd");
  /* the same SMSC id at another provider is another message */
  gint64 other = sent_message (j, "o.host", "backup", 1, "ab");

  g_autoptr (SrJournalReceiptInfo) i1 = NULL;
  g_assert_cmpint (receipt (j, "main", "ab1", "DELIVRD", T0 + 10, &i1), ==, SR_RECEIPT_MATCHED);
  g_assert_cmpint (i1->message_id, ==, multi);
  g_assert_cmpuint (i1->part, ==, 1);
  g_assert_cmpuint (i1->parts, ==, 3); /* test_message says 1; the segments say 3 */
  g_assert_cmpstr (i1->app, ==, "shop");
  g_assert_cmpstr (i1->reference, ==, "order-4711");
  g_assert_cmpstr (i1->to_e164, ==, "+41791234567");
  g_assert_cmpstr (i1->file, ==, "m.host");
  g_assert_false (i1->final);
  g_assert_cmpint (i1->state, ==, SR_MESSAGE_SENT);

  g_autoptr (SrJournalReceiptInfo) i2 = NULL, i3 = NULL, i4 = NULL, i5 = NULL;
  g_assert_cmpint (receipt (j, "main", "ab2", "DELIVRD", T0 + 11, &i2), ==, SR_RECEIPT_MATCHED);
  g_assert_false (i2->final);
  g_assert_cmpint (receipt (j, "main", "ab3", "ENROUTE", T0 + 12, &i3), ==, SR_RECEIPT_MATCHED);
  g_assert_false (i3->final);
  g_assert_cmpint (receipt (j, "main", "ab3", "DELIVRD", T0 + 13, &i4), ==, SR_RECEIPT_MATCHED);
  g_assert_true (i4->final);
  g_assert_cmpint (i4->state, ==, SR_MESSAGE_DELIVERED);
  /* a late intermediate receipt does not undo a final one */
  g_assert_cmpint (receipt (j, "main", "ab3", "ENROUTE", T0 + 14, &i5), ==, SR_RECEIPT_MATCHED);
  g_assert_true (i5->final);
  g_assert_cmpint (i5->state, ==, SR_MESSAGE_DELIVERED);

  g_autoptr (SrJournalMessageDetail) d = sr_journal_message_detail (j, multi, &error);
  g_assert_no_error (error);
  g_assert_cmpint (d->message->state, ==, SR_MESSAGE_DELIVERED);
  g_assert_cmpint (d->message->done_at, ==, T0 + 13);
  g_assert_cmpuint (d->receipts->len, ==, 5);
  const SrJournalSegment *s3 = d->segments->pdata[2];
  g_assert_cmpint (s3->receipt, ==, SR_RECEIPT_DELIVERED);
  g_assert_cmpstr (s3->receipt_stat, ==, "DELIVRD");

  g_autoptr (SrJournalReceiptInfo) i6 = NULL, i7 = NULL;
  g_assert_cmpint (receipt (j, "main", "cd1", "UNDELIV", T0 + 15, &i6), ==, SR_RECEIPT_MATCHED);
  g_assert_cmpint (i6->message_id, ==, single);
  g_assert_true (i6->final);
  g_assert_cmpint (i6->state, ==, SR_MESSAGE_UNDELIVERABLE);
  g_assert_cmpint (receipt (j, "backup", "ab1", "EXPIRED", T0 + 16, &i7), ==, SR_RECEIPT_MATCHED);
  g_assert_cmpint (i7->message_id, ==, other);
  g_assert_cmpint (i7->state, ==, SR_MESSAGE_UNDELIVERABLE);

  /* unmatched receipts are kept and listed */
  SrJournalReceiptInfo *none = NULL;
  g_assert_cmpint (receipt (j, "main", "zz9", "DELIVRD", T0 + 17, &none), ==, SR_RECEIPT_UNMATCHED);
  g_assert_null (none);
  g_assert_cmpint (receipt (j, "nowhere", "ab1", "DELIVRD", T0 + 18, NULL), ==, SR_RECEIPT_UNMATCHED);
  gint64 next = -1;
  g_autoptr (GPtrArray) unmatched = sr_journal_receipts_page (j, TRUE, SR_PAGE_OLDER, 0, 10, &next, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unmatched->len, ==, 2);
  g_assert_cmpint (next, ==, 0);
  const SrJournalReceipt *u = unmatched->pdata[1];
  g_assert_cmpstr (u->smsc_id, ==, "zz9");
  g_assert_cmpint (u->message_id, ==, 0);
  g_assert_nonnull (strstr (u->raw, "id:zz9"));
  g_autoptr (GPtrArray) all = sr_journal_receipts_page (j, FALSE, SR_PAGE_OLDER, 0, 100, NULL, &error);
  g_assert_cmpuint (all->len, ==, 9);

  guint64 counts[SR_MESSAGE_N_STATES];
  sr_journal_count_states (j, "shop", counts);
  g_assert_cmpuint (counts[SR_MESSAGE_DELIVERED], ==, 1);
  g_assert_cmpuint (counts[SR_MESSAGE_UNDELIVERABLE], ==, 2);
  g_assert_cmpuint (counts[SR_MESSAGE_SENT], ==, 0);

  static const struct { const char *stat; SrReceiptState state; } stats[] = {
    { "DELIVRD", SR_RECEIPT_DELIVERED }, { "ENROUTE", SR_RECEIPT_INTERMEDIATE },
    { "ACCEPTD", SR_RECEIPT_INTERMEDIATE }, { "EXPIRED", SR_RECEIPT_FAILED },
    { "DELETED", SR_RECEIPT_FAILED }, { "UNDELIV", SR_RECEIPT_FAILED },
    { "REJECTD", SR_RECEIPT_FAILED }, { "UNKNOWN", SR_RECEIPT_FAILED },
    { "delivrd", SR_RECEIPT_DELIVERED }, { "", SR_RECEIPT_NONE },
  };
  for (guint i = 0; i < G_N_ELEMENTS (stats); i++)
    g_assert_cmpint (sr_journal_receipt_state_from_stat (stats[i].stat), ==, stats[i].state);
}

/* Lookups without a write, bounded by the parts' submit times (as a
 * receipt id in another base is matched only within the receipt's window). */
static void
test_receipt_find (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  SrJournal *j = f->journal;
  gint64 first = sent_message (j, "a.host", "main", 1, "ff");
  gint64 second = sent_message (j, "b.host", "main", 1, "ff");
  gint64 later = insert (j, "shop", "c.host", "+41791234567", SR_MESSAGE_SUBMITTING, T0);
  g_assert_true (sr_journal_segments_add (j, later, 1, &error));
  g_assert_true (sr_journal_segment_set_submit (j, later, 1, SR_SEGMENT_ACCEPTED, "main", "ee1",
                                                0, T0 + HOUR, &error));
  gint64 message_id = 0;
  guint part = 0;

  /* two parts carry ff1: the newest, and "more than one" */
  g_assert_cmpint (sr_journal_segment_find (j, "ff1", "main", 0, 0, &message_id, &part, &error), ==, 2);
  g_assert_cmpint (message_id, ==, second);
  g_assert_cmpuint (part, ==, 1);
  g_assert_cmpint (sr_journal_segment_find (j, "ff1", "backup", 0, 0, NULL, NULL, &error), ==, 0);
  g_assert_cmpint (sr_journal_segment_find (j, "zz", NULL, 0, 0, NULL, NULL, &error), ==, 0);
  /* the window: ee1 was submitted an hour after the others */
  g_assert_cmpint (sr_journal_segment_find (j, "ee1", "main", T0 - 60, T0 + 60, NULL, NULL, &error), ==, 0);
  g_assert_cmpint (sr_journal_segment_find (j, "ee1", "main", T0 + HOUR - 60, T0 + HOUR + 60,
                                            &message_id, NULL, &error), ==, 1);
  g_assert_cmpint (message_id, ==, later);
  g_assert_cmpint (sr_journal_segment_find (j, "ff1", "main", T0, T0, NULL, NULL, &error), ==, 2);
  g_assert_no_error (error);

  /* finding writes nothing: no receipt rows */
  g_autoptr (GPtrArray) all = sr_journal_receipts_page (j, FALSE, SR_PAGE_OLDER, 0, 100, NULL, &error);
  g_assert_cmpuint (all->len, ==, 0);

  /* the caller's correlation wins over the id */
  SrJournalReceipt r = { .received_at = T0 + 10, .provider = (char *) "main",
                         .smsc_id = (char *) "ff1", .message_id = first, .part = 1,
                         .stat = (char *) "DELIVRD", .raw = (char *) "id:ff1 stat:DELIVRD" };
  g_autoptr (SrJournalReceiptInfo) info = NULL;
  g_assert_cmpint (sr_journal_record_receipt (j, &r, &info, &error), ==, SR_RECEIPT_MATCHED);
  g_assert_cmpint (info->message_id, ==, first);
  g_autoptr (SrJournalMessage) m = sr_journal_message_get (j, second, &error);
  g_assert_cmpint (m->state, ==, SR_MESSAGE_SENT);
}

/* The first final receipt of a part stands; a later one is stored as
 * received and reported as repeated, with the stat that stands.  A preview
 * tells the same without writing. */
static void
test_receipt_first_final (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  SrJournal *j = f->journal;
  gint64 id = sent_message (j, "m.host", "main", 2, "ab");
  SrJournalReceipt r = { .received_at = T0 + 10, .provider = (char *) "main", .message_id = id,
                         .part = 1, .stat = (char *) "DELIVRD", .raw = (char *) "x" };

  g_autoptr (SrJournalReceiptInfo) preview = sr_journal_receipt_preview (j, &r, &error);
  g_assert_no_error (error);
  g_assert_false (preview->repeated);
  g_assert_false (preview->final);
  g_assert_cmpint (preview->state, ==, SR_MESSAGE_SENT);
  g_autoptr (GPtrArray) none = sr_journal_receipts_page (j, FALSE, SR_PAGE_OLDER, 0, 100, NULL, &error);
  g_assert_cmpuint (none->len, ==, 0);

  g_autoptr (SrJournalReceiptInfo) i1 = NULL, i2 = NULL, i3 = NULL, p2 = NULL, p3 = NULL;
  g_assert_cmpint (sr_journal_record_receipt (j, &r, &i1, &error), ==, SR_RECEIPT_MATCHED);
  g_assert_false (i1->repeated);

  /* part 2 fails: the preview and the record agree on the outcome */
  r.part = 2;
  r.stat = (char *) "UNDELIV";
  p2 = sr_journal_receipt_preview (j, &r, &error);
  g_assert_true (p2->final);
  g_assert_cmpint (p2->state, ==, SR_MESSAGE_UNDELIVERABLE);
  g_assert_cmpint (sr_journal_record_receipt (j, &r, &i2, &error), ==, SR_RECEIPT_MATCHED);
  g_assert_true (i2->final);
  g_assert_cmpint (i2->state, ==, SR_MESSAGE_UNDELIVERABLE);

  /* a later DELIVRD for part 2 changes nothing */
  r.stat = (char *) "DELIVRD";
  r.received_at = T0 + 20;
  p3 = sr_journal_receipt_preview (j, &r, &error);
  g_assert_true (p3->repeated);
  g_assert_cmpstr (p3->kept_stat, ==, "UNDELIV");
  g_assert_cmpint (p3->state, ==, SR_MESSAGE_UNDELIVERABLE);
  g_assert_cmpint (sr_journal_record_receipt (j, &r, &i3, &error), ==, SR_RECEIPT_MATCHED);
  g_assert_true (i3->repeated);
  g_assert_cmpstr (i3->kept_stat, ==, "UNDELIV");
  g_assert_cmpint (i3->state, ==, SR_MESSAGE_UNDELIVERABLE);

  g_autoptr (SrJournalMessageDetail) d = sr_journal_message_detail (j, id, &error);
  g_assert_cmpint (d->message->state, ==, SR_MESSAGE_UNDELIVERABLE);
  const SrJournalSegment *s2 = d->segments->pdata[1];
  g_assert_cmpstr (s2->receipt_stat, ==, "UNDELIV");
  g_assert_cmpint (s2->receipt_at, ==, T0 + 10);
  g_assert_cmpuint (d->receipts->len, ==, 3);
}

/* ---- inbound, events --------------------------------------------------- */

static void
test_inbound (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  SrJournalInbound in = { .provider = (char *) "main", .sender = (char *) "+447700900123",
                          .recipient = (char *) "+41791234567", .app = (char *) "default",
                          .text = (char *) "Hello from London", .parts = 1, .received_at = T0,
                          .verdict = (char *) "inbox", .dedup_key = (char *) "main/447700900123/77",
                          .file = (char *) "i1.host" };
  gboolean dup = TRUE;
  gint64 id = sr_journal_inbound_insert (f->journal, &in, &dup, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_false (dup);

  /* the SMSC redelivers the same deliver_sm */
  in.text = (char *) "changed";
  gint64 again = sr_journal_inbound_insert (f->journal, &in, &dup, &error);
  g_assert_no_error (error);
  g_assert_true (dup);
  g_assert_cmpint (again, ==, id);

  /* without a key nothing is deduplicated */
  in.dedup_key = NULL;
  in.text = (char *) "no key";
  gint64 a = sr_journal_inbound_insert (f->journal, &in, &dup, &error);
  gint64 b = sr_journal_inbound_insert (f->journal, &in, &dup, &error);
  g_assert_false (dup);
  g_assert_cmpint (a, !=, b);
  in.sender = (char *) "+33612345678";
  in.text = (char *) "Bonjour";
  in.received_at = T0 + DAY;
  sr_journal_inbound_insert (f->journal, &in, &dup, &error);
  g_assert_no_error (error);

  gint64 next = 0;
  g_autoptr (GPtrArray) page = sr_journal_inbound_page (f->journal, NULL, SR_PAGE_OLDER, 0, 2, &next, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 2);
  g_assert_cmpstr (((SrJournalInbound *) page->pdata[0])->text, ==, "Bonjour");
  g_assert_cmpint (next, ==, ((SrJournalInbound *) page->pdata[1])->id);
  g_autoptr (GPtrArray) rest = sr_journal_inbound_page (f->journal, NULL, SR_PAGE_OLDER, next, 2, &next, &error);
  g_assert_cmpuint (rest->len, ==, 2);
  g_assert_cmpint (next, ==, 0);
  const SrJournalInbound *first = rest->pdata[1];
  g_assert_cmpstr (first->text, ==, "Hello from London");
  g_assert_cmpstr (first->dedup_key, ==, "main/447700900123/77");
  g_assert_cmpstr (first->verdict, ==, "inbox");

  g_autoptr (GPtrArray) london = sr_journal_inbound_page (f->journal, "london", SR_PAGE_OLDER, 0, 10, NULL, &error);
  g_assert_cmpuint (london->len, ==, 1);
  g_autoptr (GPtrArray) by_number = sr_journal_inbound_page (f->journal, "+336", SR_PAGE_OLDER, 0, 10, NULL, &error);
  g_assert_cmpuint (by_number->len, ==, 1);
}

static void
test_events (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  SrJournal *j = f->journal;
  g_assert_true (sr_journal_event_add (j, T0, SR_SCOPE_SYSTEM, SR_LEVEL_ERROR, "bind", 0, NULL,
                                       NULL, "main: bind rejected: invalid password", &error));
  gint64 id = insert (j, "default", "f", "+41791234567", SR_MESSAGE_QUEUED, T0);
  g_assert_true (sr_journal_event_add (j, T0 + 1, SR_SCOPE_MESSAGE, SR_LEVEL_INFO, "retry", id,
                                       "default", "alice", "retried after edit (100% sure)", &error));
  g_assert_true (sr_journal_event_add (j, T0 + 2, SR_SCOPE_SYSTEM, SR_LEVEL_INFO, "bind", 0, NULL,
                                       NULL, "main: bound", &error));
  g_assert_no_error (error);

  g_autoptr (GPtrArray) sys = sr_journal_events_page (j, SR_SCOPE_SYSTEM, NULL, SR_PAGE_OLDER, 0, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sys->len, ==, 2);
  g_assert_cmpstr (((SrJournalEvent *) sys->pdata[0])->text, ==, "main: bound");
  g_autoptr (GPtrArray) both = sr_journal_events_page (j, -1, NULL, SR_PAGE_NEWER, 0, 10, NULL, &error);
  g_assert_cmpuint (both->len, ==, 3);
  const SrJournalEvent *ev = both->pdata[1];
  g_assert_cmpint (ev->scope, ==, SR_SCOPE_MESSAGE);
  g_assert_cmpint (ev->message_id, ==, id);
  g_assert_cmpstr (ev->actor, ==, "alice");
  g_assert_cmpstr (ev->app, ==, "default");
  g_assert_cmpint (ev->level, ==, SR_LEVEL_INFO);
  g_assert_cmpstr (ev->kind, ==, "retry");

  /* LIKE's wildcards are literal in a filter */
  g_autoptr (GPtrArray) pct = sr_journal_events_page (j, -1, "100%", SR_PAGE_OLDER, 0, 10, NULL, &error);
  g_assert_cmpuint (pct->len, ==, 1);
  g_autoptr (GPtrArray) wild = sr_journal_events_page (j, -1, "%", SR_PAGE_OLDER, 0, 10, NULL, &error);
  g_assert_cmpuint (wild->len, ==, 1);
  g_autoptr (GPtrArray) password = sr_journal_events_page (j, SR_SCOPE_SYSTEM, "PASSWORD", SR_PAGE_OLDER, 0, 10, NULL, &error);
  g_assert_cmpuint (password->len, ==, 1);
}

/* ---- blacklist ------------------------------------------------------------ */

static void
test_blacklist (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  SrJournal *j = f->journal;
  gboolean added = FALSE, removed = FALSE;

  g_assert_true (sr_journal_blacklist_add (j, SR_BLACKLIST_COUNTRY, "ci", "alice", "fraud", T0, &added, &error));
  g_assert_true (added);
  g_assert_true (sr_journal_blacklist_add (j, SR_BLACKLIST_COUNTRY, "CI", "bob", "still fraud", T0, &added, &error));
  g_assert_false (added);
  g_assert_true (sr_journal_blacklist_has_country (j, "CI"));
  g_assert_true (sr_journal_blacklist_has_country (j, "ci"));
  g_assert_false (sr_journal_blacklist_has_country (j, "CH"));
  g_assert_false (sr_journal_blacklist_has_country (j, NULL));

  g_assert_true (sr_journal_blacklist_add (j, SR_BLACKLIST_NUMBER, "+41791234567", "alice", NULL, T0, &added, &error));
  g_assert_true (sr_journal_blacklist_has_number (j, "+41791234567"));
  g_assert_false (sr_journal_blacklist_has_number (j, "+41791234568"));

  g_assert_null (sr_journal_blacklist_match_prefix (j, "+41791234567"));
  g_assert_true (sr_journal_blacklist_add (j, SR_BLACKLIST_PREFIX, "+4179", "alice", NULL, T0, &added, &error));
  g_assert_true (sr_journal_blacklist_add (j, SR_BLACKLIST_PREFIX, "+417912", "alice", NULL, T0, &added, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (sr_journal_blacklist_match_prefix (j, "+41791234567"), ==, "+417912");
  g_assert_cmpstr (sr_journal_blacklist_match_prefix (j, "+41799999999"), ==, "+4179");
  g_assert_cmpstr (sr_journal_blacklist_match_prefix (j, "+4179"), ==, "+4179");
  g_assert_null (sr_journal_blacklist_match_prefix (j, "+4178"));
  g_assert_null (sr_journal_blacklist_match_prefix (j, "+417"));

  g_assert_true (sr_journal_blacklist_remove (j, SR_BLACKLIST_PREFIX, "+417912", "bob", T0, &removed, &error));
  g_assert_true (removed);
  g_assert_cmpstr (sr_journal_blacklist_match_prefix (j, "+41791234567"), ==, "+4179");
  g_assert_true (sr_journal_blacklist_remove (j, SR_BLACKLIST_PREFIX, "+417912", "bob", T0, &removed, &error));
  g_assert_false (removed);

  /* values that could never match are refused, and nothing changes */
  static const struct { SrBlacklistKind kind; const char *value; } bad[] = {
    { SR_BLACKLIST_COUNTRY, "CHE" }, { SR_BLACKLIST_COUNTRY, "1" }, { SR_BLACKLIST_COUNTRY, "" },
    { SR_BLACKLIST_NUMBER, "0791234567" }, { SR_BLACKLIST_NUMBER, "+41 79" },
    { SR_BLACKLIST_NUMBER, "+12345678901234567" }, { SR_BLACKLIST_PREFIX, "+" },
    { SR_BLACKLIST_PREFIX, "41" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (sr_journal_blacklist_add (j, bad[i].kind, bad[i].value, "x", NULL, T0, &added, &error));
      g_assert_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, bad[i].value));
      g_clear_error (&error);
    }

  g_autoptr (GPtrArray) countries = sr_journal_blacklist_list (j, SR_BLACKLIST_COUNTRY, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (countries->len, ==, 1);
  const SrJournalBlacklistEntry *e = countries->pdata[0];
  g_assert_cmpstr (e->value, ==, "CI");
  g_assert_cmpstr (e->who, ==, "alice");
  g_assert_cmpstr (e->note, ==, "fraud");
  g_assert_cmpint (e->created_at, ==, T0);
  g_autoptr (GPtrArray) prefixes = sr_journal_blacklist_list (j, SR_BLACKLIST_PREFIX, &error);
  g_assert_cmpuint (prefixes->len, ==, 1);

  /* every change is in the audit log with who made it */
  g_autoptr (GPtrArray) log = sr_journal_events_page (j, SR_SCOPE_SYSTEM, "blacklist", SR_PAGE_NEWER, 0, 100, NULL, &error);
  g_assert_cmpuint (log->len, ==, 5);
  const SrJournalEvent *last = log->pdata[4];
  g_assert_cmpstr (last->kind, ==, "blacklist-remove");
  g_assert_cmpstr (last->actor, ==, "bob");
  g_assert_nonnull (strstr (last->text, "+417912"));

  /* reopened: the cache comes from the database */
  g_assert_true (sr_journal_flush (j, &error));
  g_clear_pointer (&f->journal, sr_journal_close);
  f->journal = sr_journal_open (f->path, SR_JOURNAL_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (sr_journal_blacklist_has_country (f->journal, "CI"));
  g_assert_true (sr_journal_blacklist_has_number (f->journal, "+41791234567"));
  g_assert_cmpstr (sr_journal_blacklist_match_prefix (f->journal, "+41791234567"), ==, "+4179");
}

/* ---- counters ------------------------------------------------------------- */

static void
test_counters (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  SrJournal *j = f->journal;
  const char *to = "+41791234567";
  guint hour = 99, day = 99;

  sr_journal_counter_get (j, to, T0, &hour, &day);
  g_assert_cmpuint (hour, ==, 0);
  g_assert_cmpuint (day, ==, 0);

  gint64 t = MIDNIGHT + 10 * HOUR + G_GINT64_CONSTANT (59 * 60) * G_USEC_PER_SEC; /* 10:59:00 */
  g_assert_true (sr_journal_counter_add (j, to, t, &error));
  g_assert_true (sr_journal_counter_add (j, to, t + 59 * G_USEC_PER_SEC, &error)); /* 10:59:59 */
  sr_journal_counter_get (j, to, t + 59 * G_USEC_PER_SEC, &hour, &day);
  g_assert_cmpuint (hour, ==, 2);
  g_assert_cmpuint (day, ==, 2);

  /* 11:00:00: a new hour, the same day */
  gint64 eleven = MIDNIGHT + 11 * HOUR;
  sr_journal_counter_get (j, to, eleven, &hour, &day);
  g_assert_cmpuint (hour, ==, 0);
  g_assert_cmpuint (day, ==, 2);
  g_assert_true (sr_journal_counter_add (j, to, eleven, &error));
  sr_journal_counter_get (j, to, eleven, &hour, &day);
  g_assert_cmpuint (hour, ==, 1);
  g_assert_cmpuint (day, ==, 3);
  /* asking about the earlier hour again reads it back */
  sr_journal_counter_get (j, to, t, &hour, &day);
  g_assert_cmpuint (hour, ==, 2);
  g_assert_cmpuint (day, ==, 3);

  /* another destination is counted apart */
  g_assert_true (sr_journal_counter_add (j, "+41790000000", eleven, &error));
  sr_journal_counter_get (j, to, eleven, &hour, &day);
  g_assert_cmpuint (day, ==, 3);

  /* 23:59:59.999999 then midnight: a new day */
  gint64 next_day = MIDNIGHT + DAY;
  g_assert_true (sr_journal_counter_add (j, to, next_day - 1, &error));
  sr_journal_counter_get (j, to, next_day - 1, &hour, &day);
  g_assert_cmpuint (hour, ==, 1);
  g_assert_cmpuint (day, ==, 4);
  sr_journal_counter_get (j, to, next_day, &hour, &day);
  g_assert_cmpuint (hour, ==, 0);
  g_assert_cmpuint (day, ==, 0);
  g_assert_true (sr_journal_counter_add (j, to, next_day, &error));
  g_assert_no_error (error);

  /* reopened: read from the database */
  g_assert_true (sr_journal_flush (j, &error));
  g_clear_pointer (&f->journal, sr_journal_close);
  f->journal = sr_journal_open (f->path, SR_JOURNAL_OPEN_DEFAULT, &error);
  sr_journal_counter_get (f->journal, to, eleven + G_GINT64_CONSTANT (30 * 60) * G_USEC_PER_SEC, &hour, &day);
  g_assert_cmpuint (hour, ==, 1);
  g_assert_cmpuint (day, ==, 4);
  sr_journal_counter_get (f->journal, to, next_day, &hour, &day);
  g_assert_cmpuint (hour, ==, 1);
  g_assert_cmpuint (day, ==, 1);
}

/* ---- paging --------------------------------------------------------------- */

#define N_PAGED 10000

static void
fill_paging (SrJournal *j)
{
  g_autoptr (GError) error = NULL;
  for (guint i = 0; i < N_PAGED; i++)
    {
      char file[32], to[32];
      g_snprintf (file, sizeof file, "%u.host", i);
      g_snprintf (to, sizeof to, "+4179%07u", i);
      /* ids 1..N; states cycle so that each view interleaves with the others */
      SrMessageState state = (SrMessageState) (i % 5 == 4 ? SR_MESSAGE_DEAD : i % 4);
      SrJournalMessage m = test_message (i % 2 ? "odd" : "even", file, to, state, T0 + i);
      g_assert_cmpint (sr_journal_message_insert (j, &m, &error), ==, i + 1);
    }
}

static gboolean
in_view (guint i, SrJournalView view, const char *app)
{
  SrMessageState state = (SrMessageState) (i % 5 == 4 ? SR_MESSAGE_DEAD : i % 4);
  if (app != NULL && g_strcmp0 (app, i % 2 ? "odd" : "even") != 0)
    return FALSE;
  switch (view)
    {
    case SR_VIEW_QUEUE: return state == SR_MESSAGE_QUEUED || state == SR_MESSAGE_SUBMITTING;
    case SR_VIEW_SENT: return state == SR_MESSAGE_SENT;
    case SR_VIEW_DONE: return state == SR_MESSAGE_DELIVERED || state == SR_MESSAGE_UNDELIVERABLE;
    case SR_VIEW_DEAD: return state == SR_MESSAGE_DEAD;
    case SR_VIEW_ALL: return TRUE;
    }
  return FALSE;
}

/* Walks a whole view page by page: every row exactly once, in order. */
static void
check_walk (SrJournal *j, SrJournalView view, const char *app, SrPageDirection dir, guint limit)
{
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *seen = g_new0 (guint8, N_PAGED + 1);
  gint64 cursor = 0, last = dir == SR_PAGE_OLDER ? G_MAXINT64 : 0;
  guint total = 0, pages = 0;
  do
    {
      g_autoptr (GPtrArray) page = sr_journal_messages_page (j, view, app, NULL, dir, cursor,
                                                             limit, &cursor, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (page->len, <=, limit);
      if (cursor != 0)
        g_assert_cmpuint (page->len, ==, limit);
      for (guint k = 0; k < page->len; k++)
        {
          const SrJournalMessage *m = page->pdata[k];
          if (dir == SR_PAGE_OLDER)
            g_assert_cmpint (m->id, <, last);
          else
            g_assert_cmpint (m->id, >, last);
          last = m->id;
          g_assert_cmpint (m->id, >=, 1);
          g_assert_cmpint (m->id, <=, N_PAGED);
          g_assert_cmpuint (seen[m->id], ==, 0);
          seen[m->id] = 1;
          g_assert_true (in_view ((guint) m->id - 1, view, app));
          total++;
        }
      pages++;
    }
  while (cursor != 0);

  guint expected = 0;
  for (guint i = 0; i < N_PAGED; i++)
    expected += in_view (i, view, app);
  g_assert_cmpuint (total, ==, expected);
  g_assert_cmpuint (pages, ==, MAX (1, (expected + limit - 1) / limit));
}

static void
test_paging (Fixture *f, gconstpointer data)
{
  SrJournal *j = f->journal;
  fill_paging (j);

  check_walk (j, SR_VIEW_ALL, NULL, SR_PAGE_OLDER, 100);
  check_walk (j, SR_VIEW_ALL, NULL, SR_PAGE_NEWER, 333);
  check_walk (j, SR_VIEW_QUEUE, NULL, SR_PAGE_OLDER, 100);
  check_walk (j, SR_VIEW_QUEUE, NULL, SR_PAGE_NEWER, 77);
  check_walk (j, SR_VIEW_SENT, NULL, SR_PAGE_OLDER, 50);
  check_walk (j, SR_VIEW_DONE, "odd", SR_PAGE_OLDER, 64);
  check_walk (j, SR_VIEW_DEAD, "even", SR_PAGE_NEWER, 1000);
  check_walk (j, SR_VIEW_ALL, "even", SR_PAGE_OLDER, 250);

  /* counts agree with the views */
  guint64 counts[SR_MESSAGE_N_STATES];
  sr_journal_count_states (j, NULL, counts);
  guint64 queue = 0;
  for (guint i = 0; i < N_PAGED; i++)
    queue += in_view (i, SR_VIEW_QUEUE, NULL);
  g_assert_cmpuint (counts[SR_MESSAGE_QUEUED] + counts[SR_MESSAGE_SUBMITTING], ==, queue);

  /* a page in the middle: scrolling back up from a cursor */
  g_autoptr (GError) error = NULL;
  gint64 next = 0;
  g_autoptr (GPtrArray) up = sr_journal_messages_page (j, SR_VIEW_ALL, NULL, NULL, SR_PAGE_NEWER,
                                                       5000, 3, &next, &error);
  g_assert_cmpuint (up->len, ==, 3);
  g_assert_cmpint (((SrJournalMessage *) up->pdata[0])->id, ==, 5001);
  g_assert_cmpint (next, ==, 5003);
}

static void
test_filter (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  SrJournal *j = f->journal;
  fill_paging (j);
  SrJournalMessage m = test_message ("even", "special.host", "+447700900123", SR_MESSAGE_QUEUED, T0);
  m.preview = (char *) "Your parcel 50% off_now";
  gint64 special = sr_journal_message_insert (j, &m, &error);

  /* by number */
  g_autoptr (GPtrArray) num = sr_journal_messages_page (j, SR_VIEW_ALL, NULL, "4477009", SR_PAGE_OLDER, 0, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (num->len, ==, 1);
  g_assert_cmpint (((SrJournalMessage *) num->pdata[0])->id, ==, special);
  /* a complete number searches the destination exactly, and pages */
  for (guint i = 0; i < 5; i++)
    insert (j, "odd", "again.host", "+447700900123", SR_MESSAGE_DEAD, T0);
  guint exact = 0;
  gint64 cursor = 0;
  do
    {
      g_autoptr (GPtrArray) page = sr_journal_messages_page (j, SR_VIEW_ALL, NULL, "+447700900123",
                                                             SR_PAGE_OLDER, cursor, 2, &cursor, &error);
      g_assert_no_error (error);
      exact += page->len;
    }
  while (cursor != 0);
  g_assert_cmpuint (exact, ==, 6);
  g_autoptr (GPtrArray) dead = sr_journal_messages_page (j, SR_VIEW_DEAD, "odd", "+447700900123", SR_PAGE_NEWER, 0, 10, NULL, &error);
  g_assert_cmpuint (dead->len, ==, 5);

  /* by text, case-insensitive, wildcards literal */
  g_autoptr (GPtrArray) txt = sr_journal_messages_page (j, SR_VIEW_QUEUE, "even", "PARCEL 50% OFF_", SR_PAGE_OLDER, 0, 10, NULL, &error);
  g_assert_cmpuint (txt->len, ==, 1);
  g_autoptr (GPtrArray) none = sr_journal_messages_page (j, SR_VIEW_QUEUE, "odd", "parcel", SR_PAGE_OLDER, 0, 10, NULL, &error);
  g_assert_cmpuint (none->len, ==, 0);
  g_autoptr (GPtrArray) pct = sr_journal_messages_page (j, SR_VIEW_ALL, NULL, "0%", SR_PAGE_OLDER, 0, 10, NULL, &error);
  g_assert_cmpuint (pct->len, ==, 1);

  /* a filter matching many rows pages like the rest */
  guint total = 0;
  cursor = 0;
  do
    {
      g_autoptr (GPtrArray) page = sr_journal_messages_page (j, SR_VIEW_ALL, NULL, "+4179000010",
                                                             SR_PAGE_OLDER, cursor, 4, &cursor, &error);
      for (guint k = 0; k < page->len; k++)
        g_assert_nonnull (strstr (((SrJournalMessage *) page->pdata[k])->to_e164, "+4179000010"));
      total += page->len;
    }
  while (cursor != 0);
  g_assert_cmpuint (total, ==, 10); /* +41790000100 .. +41790000109 */
}

/* ---- export and pruning --------------------------------------------------- */

typedef struct {
  GPtrArray *ids;
  guint parts;
  guint stop_after;
} ExportSink;

static gboolean
collect_message (const SrJournalMessage *m, GPtrArray *segments, gpointer user_data)
{
  ExportSink *s = user_data;
  g_ptr_array_add (s->ids, GINT_TO_POINTER ((gint) m->id));
  s->parts += segments->len;
  return s->stop_after == 0 || s->ids->len < s->stop_after;
}

static gboolean
count_inbound (const SrJournalInbound *in, gpointer user_data)
{
  (*(guint *) user_data)++;
  return TRUE;
}

static gboolean
count_event (const SrJournalEvent *ev, gpointer user_data)
{
  (*(guint *) user_data)++;
  return TRUE;
}

static void
test_export (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  SrJournal *j = f->journal;
  gint64 a = insert (j, "a", "1", "+41791234567", SR_MESSAGE_QUEUED, T0);
  gint64 b = insert (j, "b", "2", "+41791234567", SR_MESSAGE_QUEUED, T0 + DAY);
  gint64 c = insert (j, "a", "3", "+41791234567", SR_MESSAGE_QUEUED, T0 + 2 * DAY);
  g_assert_true (sr_journal_segments_add (j, c, 2, &error));
  sr_journal_event_add (j, T0, SR_SCOPE_MESSAGE, SR_LEVEL_INFO, "state", a, "a", NULL, "queued", &error);
  sr_journal_event_add (j, T0 + 2 * DAY, SR_SCOPE_MESSAGE, SR_LEVEL_INFO, "state", c, "a", NULL, "queued", &error);
  SrJournalInbound in = { .sender = (char *) "+41790000000", .app = (char *) "a", .received_at = T0 + DAY };
  sr_journal_inbound_insert (j, &in, NULL, &error);
  g_assert_no_error (error);

  g_autoptr (GPtrArray) ids = g_ptr_array_new ();
  ExportSink sink = { .ids = ids };
  SrJournalExportFilter all = { 0 };
  g_assert_true (sr_journal_export_messages (j, &all, collect_message, &sink, &error));
  g_assert_cmpuint (ids->len, ==, 3);
  g_assert_cmpint (GPOINTER_TO_INT (ids->pdata[0]), ==, a);
  g_assert_cmpint (GPOINTER_TO_INT (ids->pdata[2]), ==, c);
  g_assert_cmpuint (sink.parts, ==, 2);

  g_ptr_array_set_size (ids, 0);
  SrJournalExportFilter since = { .since = T0 + DAY, .app = "a" };
  g_assert_true (sr_journal_export_messages (j, &since, collect_message, &sink, &error));
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpint (GPOINTER_TO_INT (ids->pdata[0]), ==, c);

  g_ptr_array_set_size (ids, 0);
  SrJournalExportFilter window = { .since = T0, .until = T0 + 2 * DAY };
  g_assert_true (sr_journal_export_messages (j, &window, collect_message, &sink, &error));
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpint (GPOINTER_TO_INT (ids->pdata[1]), ==, b);

  /* the callback can stop the iteration */
  g_ptr_array_set_size (ids, 0);
  sink.stop_after = 1;
  g_assert_true (sr_journal_export_messages (j, NULL, collect_message, &sink, &error));
  g_assert_cmpuint (ids->len, ==, 1);

  guint n_in = 0, n_ev = 0;
  SrJournalExportFilter app_b = { .app = "b" };
  g_assert_true (sr_journal_export_inbound (j, &app_b, count_inbound, &n_in, &error));
  g_assert_cmpuint (n_in, ==, 0);
  g_assert_true (sr_journal_export_inbound (j, NULL, count_inbound, &n_in, &error));
  g_assert_cmpuint (n_in, ==, 1);
  SrJournalExportFilter early = { .until = T0 + DAY };
  g_assert_true (sr_journal_export_events (j, &early, count_event, &n_ev, &error));
  g_assert_cmpuint (n_ev, ==, 1);
  g_assert_no_error (error);
}

static void
test_prune (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  SrJournal *j = f->journal;
  gint64 old = T0 - 40 * DAY, recent = T0 - DAY;
  gint64 old_done = insert (j, "a", "1", "+41791234567", SR_MESSAGE_SENT, old);
  g_assert_true (sr_journal_segments_add (j, old_done, 2, &error));
  g_assert_true (sr_journal_segment_set_submit (j, old_done, 1, SR_SEGMENT_ACCEPTED, "p", "x1", 0, old, &error));
  receipt (j, "p", "x1", "DELIVRD", old + 1, NULL);
  sr_journal_event_add (j, recent, SR_SCOPE_MESSAGE, SR_LEVEL_INFO, "note", old_done, "a", NULL, "late note", &error);
  gint64 old_dead = insert (j, "a", "2", "+41791234567", SR_MESSAGE_DEAD, old);
  gint64 old_queued = insert (j, "a", "3", "+41791234567", SR_MESSAGE_QUEUED, old);
  gint64 fresh = insert (j, "a", "4", "+41791234567", SR_MESSAGE_DEAD, recent);
  sr_journal_event_add (j, old, SR_SCOPE_SYSTEM, SR_LEVEL_INFO, "bind", 0, NULL, NULL, "old", &error);
  sr_journal_event_add (j, recent, SR_SCOPE_SYSTEM, SR_LEVEL_INFO, "bind", 0, NULL, NULL, "new", &error);
  SrJournalInbound in = { .sender = (char *) "+41790000000", .received_at = old };
  sr_journal_inbound_insert (j, &in, NULL, &error);
  in.received_at = recent;
  sr_journal_inbound_insert (j, &in, NULL, &error);
  sr_journal_counter_add (j, "+41791234567", old, &error);
  sr_journal_counter_add (j, "+41791234567", recent, &error);
  g_assert_no_error (error);

  SrJournalPruneCounts counts = { 0 };
  g_assert_true (sr_journal_prune (j, T0 - 30 * DAY, 0, &counts, &error));
  g_assert_no_error (error);
  g_assert_true (counts.finished);
  g_assert_cmpuint (counts.messages, ==, 2);
  g_assert_cmpuint (counts.segments, ==, 2);
  g_assert_cmpuint (counts.receipts, ==, 1);
  g_assert_cmpuint (counts.events, ==, 2);
  g_assert_cmpuint (counts.inbound, ==, 1);
  g_assert_cmpuint (counts.counters, ==, 2);

  g_autoptr (SrJournalMessage) gone = sr_journal_message_get (j, old_done, &error);
  g_assert_error (error, SR_JOURNAL_ERROR, SR_JOURNAL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_autoptr (SrJournalMessage) gone2 = sr_journal_message_get (j, old_dead, &error);
  g_assert_null (gone2);
  g_clear_error (&error);
  g_autoptr (SrJournalMessage) kept = sr_journal_message_get (j, old_queued, &error);
  g_assert_no_error (error);
  g_autoptr (SrJournalMessage) kept2 = sr_journal_message_get (j, fresh, &error);
  g_assert_no_error (error);

  guint64 c[SR_MESSAGE_N_STATES];
  sr_journal_count_states (j, "a", c);
  g_assert_cmpuint (c[SR_MESSAGE_QUEUED], ==, 1);
  g_assert_cmpuint (c[SR_MESSAGE_DEAD], ==, 1);
  g_assert_cmpuint (c[SR_MESSAGE_SENT], ==, 0);
  guint hour, day;
  sr_journal_counter_get (j, "+41791234567", recent, &hour, &day);
  g_assert_cmpuint (day, ==, 1);

  /* committed: another connection sees the result */
  sqlite3 *db = raw_open (f->path);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM messages"), ==, 2);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM events"), ==, 1);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM inbound"), ==, 1);
  sqlite3_close (db);

  /* nothing left to prune */
  g_assert_true (sr_journal_prune (j, T0 - 30 * DAY, 0, &counts, &error));
  g_assert_cmpuint (counts.messages + counts.events + counts.inbound + counts.receipts, ==, 0);
  g_assert_true (counts.finished);
}

/* Pruning in slices: each call removes at most limit messages and commits. */
static void
test_prune_slices (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  SrJournal *j = f->journal;
  gint64 old = T0 - 40 * DAY;
  for (guint i = 0; i < 25; i++)
    {
      gint64 id = insert (j, "a", "x", "+41791234567", i % 5 ? SR_MESSAGE_DEAD : SR_MESSAGE_QUEUED, old + i);
      g_assert_true (sr_journal_segments_add (j, id, 2, &error));
      sr_journal_event_add (j, old + i, SR_SCOPE_MESSAGE, SR_LEVEL_INFO, "state", id, "a", NULL, "dead", &error);
      sr_journal_event_add (j, old + i, SR_SCOPE_SYSTEM, SR_LEVEL_INFO, "tick", 0, NULL, NULL, "tick", &error);
    }
  insert (j, "a", "new", "+41791234567", SR_MESSAGE_DEAD, T0);
  g_assert_no_error (error);

  SrJournalPruneCounts total = { 0 }, counts = { 0 };
  guint calls = 0;
  do
    {
      g_assert_true (sr_journal_prune (j, T0 - 30 * DAY, 7, &counts, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (counts.messages, <=, 7);
      total.messages += counts.messages;
      total.segments += counts.segments;
      total.events += counts.events;
      calls++;
      g_assert_cmpuint (calls, <, 20);
    }
  while (!counts.finished);
  g_assert_cmpuint (total.messages, ==, 20);
  g_assert_cmpuint (total.segments, ==, 40);
  /* the audit log is kept by age alone: even a queued message's old events go */
  g_assert_cmpuint (total.events, ==, 50);
  g_assert_cmpuint (calls, >=, 3);

  guint64 c[SR_MESSAGE_N_STATES];
  sr_journal_count_states (j, "a", c);
  g_assert_cmpuint (c[SR_MESSAGE_QUEUED], ==, 5);
  g_assert_cmpuint (c[SR_MESSAGE_DEAD], ==, 1);
}

/* The names the console, the CSV export and the logs show. */
static void
test_names (void)
{
  static const char *const states[] = { "queued", "submitting", "sent", "delivered",
                                        "undeliverable", "dead", "discarded" };
  G_STATIC_ASSERT (G_N_ELEMENTS (states) == SR_MESSAGE_N_STATES);
  for (guint i = 0; i < SR_MESSAGE_N_STATES; i++)
    {
      g_assert_cmpstr (sr_message_state_to_string ((SrMessageState) i), ==, states[i]);
      g_assert_cmpint (sr_message_state_from_string (states[i]), ==, (gint) i);
    }
  g_assert_cmpint (sr_message_state_from_string ("lost"), ==, -1);
  g_assert_cmpstr (sr_message_state_to_string (SR_MESSAGE_N_STATES), ==, "unknown");
  g_assert_cmpstr (sr_segment_submit_to_string (SR_SEGMENT_ACCEPTED), ==, "accepted");
  g_assert_cmpstr (sr_segment_submit_to_string (SR_SEGMENT_IN_FLIGHT), ==, "in-flight");
  g_assert_cmpstr (sr_receipt_state_to_string (SR_RECEIPT_FAILED), ==, "failed");
  g_assert_cmpstr (sr_journal_level_to_string (SR_LEVEL_WARNING), ==, "warning");
  g_assert_cmpstr (sr_blacklist_kind_to_string (SR_BLACKLIST_PREFIX), ==, "prefix");
  g_assert_cmpstr (sr_blacklist_kind_to_string ((SrBlacklistKind) 7), ==, "unknown");
}

/* ---- throughput ----------------------------------------------------------- */

/* Not a benchmark (tests/bench has those), a guard against a slow hot path:
 * it prints messages/s; run with -m perf for a larger sample. */
static void
test_throughput (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  guint n = g_test_perf () ? 200000 : 20000;
  SrJournalMessage m = test_message ("default", "1700000000.12345_1.host", "+41791234567",
                                     SR_MESSAGE_QUEUED, T0);
  gint64 start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      gint64 id = sr_journal_message_insert (f->journal, &m, &error);
      sr_journal_message_set_state (f->journal, id, SR_MESSAGE_SENT, T0 + i, &error);
    }
  g_assert_true (sr_journal_flush (f->journal, &error));
  g_assert_no_error (error);
  double secs = (g_get_monotonic_time () - start) / 1e6;
  SrJournalStats stats;
  sr_journal_get_stats (f->journal, &stats);
  g_test_minimized_result (secs, "%u inserts + %u state updates in %.3f s: %.0f messages/s, %"
                           G_GUINT64_FORMAT " commits", n, n, secs, n / secs, stats.commits);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup_open, fn, fixture_teardown)
  g_test_add_func ("/journal/names", test_names);
  ADD ("/journal/messages/lifecycle", test_message_lifecycle);
  ADD ("/journal/messages/not-found", test_not_found);
  ADD ("/journal/receipts/correlation", test_receipts);
  ADD ("/journal/receipts/find", test_receipt_find);
  ADD ("/journal/receipts/first-final-stands", test_receipt_first_final);
  ADD ("/journal/inbound/dedup-and-paging", test_inbound);
  ADD ("/journal/events/scopes-and-filter", test_events);
  ADD ("/journal/blacklist/add-remove-lookup", test_blacklist);
  ADD ("/journal/counters/hour-and-day", test_counters);
  ADD ("/journal/pages/keyset-10000", test_paging);
  ADD ("/journal/pages/filter", test_filter);
  ADD ("/journal/export/filters", test_export);
  ADD ("/journal/prune/retention", test_prune);
  ADD ("/journal/prune/slices", test_prune_slices);
  ADD ("/journal/perf/insert-update", test_throughput);
  return g_test_run ();
}
