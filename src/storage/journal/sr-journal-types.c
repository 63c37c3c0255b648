/* sr-journal-types.c — the journal's plain structs: names, rows, freeing. */
#define G_LOG_DOMAIN "sr-journal"

#include "sr-journal-private.h"

static const char *const state_names[SR_MESSAGE_N_STATES] = {
  [SR_MESSAGE_QUEUED] = "queued",
  [SR_MESSAGE_SUBMITTING] = "submitting",
  [SR_MESSAGE_SENT] = "sent",
  [SR_MESSAGE_DELIVERED] = "delivered",
  [SR_MESSAGE_UNDELIVERABLE] = "undeliverable",
  [SR_MESSAGE_DEAD] = "dead",
  [SR_MESSAGE_DISCARDED] = "discarded",
};

const char *
sr_message_state_to_string (SrMessageState state)
{
  if ((guint) state >= SR_MESSAGE_N_STATES)
    return "unknown";
  return state_names[state];
}

gint
sr_message_state_from_string (const char *s)
{
  g_return_val_if_fail (s != NULL, -1);
  for (guint i = 0; i < SR_MESSAGE_N_STATES; i++)
    if (g_str_equal (s, state_names[i]))
      return (gint) i;
  return -1;
}

const char *
sr_segment_submit_to_string (SrSegmentSubmit submit)
{
  static const char *const names[] = { "pending", "in-flight", "accepted", "rejected" };
  return (guint) submit < G_N_ELEMENTS (names) ? names[submit] : "unknown";
}

const char *
sr_receipt_state_to_string (SrReceiptState state)
{
  static const char *const names[] = { "none", "intermediate", "delivered", "failed" };
  return (guint) state < G_N_ELEMENTS (names) ? names[state] : "unknown";
}

const char *
sr_journal_level_to_string (SrJournalLevel level)
{
  static const char *const names[] = { "debug", "info", "warning", "error" };
  return (guint) level < G_N_ELEMENTS (names) ? names[level] : "unknown";
}

const char *
sr_blacklist_kind_to_string (SrBlacklistKind kind)
{
  static const char *const names[] = { "country", "number", "prefix" };
  return (guint) kind < G_N_ELEMENTS (names) ? names[kind] : "unknown";
}

SrReceiptState
sr_journal_receipt_state_from_stat (const char *stat)
{
  if (stat == NULL || *stat == '\0')
    return SR_RECEIPT_NONE;
  if (g_ascii_strcasecmp (stat, "DELIVRD") == 0 || g_ascii_strcasecmp (stat, "DELIVERED") == 0)
    return SR_RECEIPT_DELIVERED;
  if (g_ascii_strcasecmp (stat, "ENROUTE") == 0 || g_ascii_strcasecmp (stat, "ACCEPTD") == 0
      || g_ascii_strcasecmp (stat, "ACCEPTED") == 0)
    return SR_RECEIPT_INTERMEDIATE;
  /* EXPIRED, DELETED, UNDELIV, REJECTD, UNKNOWN and anything unheard of */
  return SR_RECEIPT_FAILED;
}

/* ---- binding and reading ---------------------------------------------- */

void
sr_journal_bind_text (sqlite3_stmt *st, int i, const char *s)
{
  if (s == NULL)
    sqlite3_bind_null (st, i);
  else
    sqlite3_bind_text (st, i, s, -1, SQLITE_STATIC);
}

/* 0 = unknown, stored as NULL */
void
sr_journal_bind_time (sqlite3_stmt *st, int i, gint64 t)
{
  if (t == 0)
    sqlite3_bind_null (st, i);
  else
    sqlite3_bind_int64 (st, i, t);
}

char *
sr_journal_column_strdup (sqlite3_stmt *st, int i)
{
  const unsigned char *s = sqlite3_column_text (st, i);
  return s ? g_strdup ((const char *) s) : NULL;
}

#define COL_STR(i) sr_journal_column_strdup (st, (i))
#define COL_I64(i) sqlite3_column_int64 (st, (i))
#define COL_INT(i) sqlite3_column_int (st, (i))

SrJournalMessage *
sr_journal_message_from_row (sqlite3_stmt *st)
{
  SrJournalMessage *m = g_new0 (SrJournalMessage, 1);
  m->id = COL_I64 (0);
  m->app = COL_STR (1);
  m->file = COL_STR (2);
  m->reference = COL_STR (3);
  m->to_raw = COL_STR (4);
  m->to_e164 = COL_STR (5);
  m->country = COL_STR (6);
  m->from_addr = COL_STR (7);
  m->alphabet = COL_STR (8);
  m->parts = (guint) COL_INT (9);
  m->state = (SrMessageState) COL_INT (10);
  m->attempts = (guint) COL_INT (11);
  m->next_attempt_at = COL_I64 (12);
  m->provider = COL_STR (13);
  m->error_class = (SrErrorClass) COL_INT (14);
  m->error_code = COL_INT (15);
  m->error_text = COL_STR (16);
  m->created_at = COL_I64 (17);
  m->submitted_at = COL_I64 (18);
  m->done_at = COL_I64 (19);
  m->preview = COL_STR (20);
  return m;
}

SrJournalSegment *
sr_journal_segment_from_row (sqlite3_stmt *st)
{
  SrJournalSegment *s = g_new0 (SrJournalSegment, 1);
  s->message_id = COL_I64 (0);
  s->part = (guint) COL_INT (1);
  s->provider = COL_STR (2);
  s->smsc_id = COL_STR (3);
  s->submit = (SrSegmentSubmit) COL_INT (4);
  s->command_status = COL_INT (5);
  s->submitted_at = COL_I64 (6);
  s->receipt = (SrReceiptState) COL_INT (7);
  s->receipt_stat = COL_STR (8);
  s->receipt_err = COL_STR (9);
  s->receipt_at = COL_I64 (10);
  return s;
}

SrJournalReceipt *
sr_journal_receipt_from_row (sqlite3_stmt *st)
{
  SrJournalReceipt *r = g_new0 (SrJournalReceipt, 1);
  r->id = COL_I64 (0);
  r->received_at = COL_I64 (1);
  r->provider = COL_STR (2);
  r->smsc_id = COL_STR (3);
  r->message_id = COL_I64 (4);
  r->part = (guint) COL_INT (5);
  r->state = (SrReceiptState) COL_INT (6);
  r->stat = COL_STR (7);
  r->err = COL_STR (8);
  r->done_at = COL_I64 (9);
  r->raw = COL_STR (10);
  return r;
}

SrJournalInbound *
sr_journal_inbound_from_row (sqlite3_stmt *st)
{
  SrJournalInbound *in = g_new0 (SrJournalInbound, 1);
  in->id = COL_I64 (0);
  in->provider = COL_STR (1);
  in->sender = COL_STR (2);
  in->recipient = COL_STR (3);
  in->app = COL_STR (4);
  in->text = COL_STR (5);
  in->parts = (guint) COL_INT (6);
  in->received_at = COL_I64 (7);
  in->verdict = COL_STR (8);
  in->dedup_key = COL_STR (9);
  in->file = COL_STR (10);
  return in;
}

SrJournalEvent *
sr_journal_event_from_row (sqlite3_stmt *st)
{
  SrJournalEvent *ev = g_new0 (SrJournalEvent, 1);
  ev->id = COL_I64 (0);
  ev->ts = COL_I64 (1);
  ev->scope = (SrScope) COL_INT (2);
  ev->level = (SrJournalLevel) COL_INT (3);
  ev->kind = COL_STR (4);
  ev->message_id = COL_I64 (5);
  ev->app = COL_STR (6);
  ev->actor = COL_STR (7);
  ev->text = COL_STR (8);
  return ev;
}

/* ---- freeing -------------------------------------------------------- */

SrJournalMessage *
sr_journal_message_new (void)
{
  return g_new0 (SrJournalMessage, 1);
}

void
sr_journal_message_free (SrJournalMessage *m)
{
  if (m == NULL)
    return;
  g_free (m->app);
  g_free (m->file);
  g_free (m->reference);
  g_free (m->to_raw);
  g_free (m->to_e164);
  g_free (m->country);
  g_free (m->from_addr);
  g_free (m->alphabet);
  g_free (m->provider);
  g_free (m->error_text);
  g_free (m->preview);
  g_free (m);
}

void
sr_journal_segment_free (SrJournalSegment *s)
{
  if (s == NULL)
    return;
  g_free (s->provider);
  g_free (s->smsc_id);
  g_free (s->receipt_stat);
  g_free (s->receipt_err);
  g_free (s);
}

void
sr_journal_receipt_free (SrJournalReceipt *r)
{
  if (r == NULL)
    return;
  g_free (r->provider);
  g_free (r->smsc_id);
  g_free (r->stat);
  g_free (r->err);
  g_free (r->raw);
  g_free (r);
}

void
sr_journal_inbound_free (SrJournalInbound *in)
{
  if (in == NULL)
    return;
  g_free (in->provider);
  g_free (in->sender);
  g_free (in->recipient);
  g_free (in->app);
  g_free (in->text);
  g_free (in->verdict);
  g_free (in->dedup_key);
  g_free (in->file);
  g_free (in);
}

void
sr_journal_event_free (SrJournalEvent *ev)
{
  if (ev == NULL)
    return;
  g_free (ev->kind);
  g_free (ev->app);
  g_free (ev->actor);
  g_free (ev->text);
  g_free (ev);
}

void
sr_journal_blacklist_entry_free (SrJournalBlacklistEntry *e)
{
  if (e == NULL)
    return;
  g_free (e->value);
  g_free (e->who);
  g_free (e->note);
  g_free (e);
}

void
sr_journal_message_detail_free (SrJournalMessageDetail *d)
{
  if (d == NULL)
    return;
  sr_journal_message_free (d->message);
  g_clear_pointer (&d->segments, g_ptr_array_unref);
  g_clear_pointer (&d->receipts, g_ptr_array_unref);
  g_clear_pointer (&d->events, g_ptr_array_unref);
  g_free (d);
}

void
sr_journal_receipt_info_free (SrJournalReceiptInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->app);
  g_free (info->file);
  g_free (info->reference);
  g_free (info->to_e164);
  g_free (info->to_raw);
  g_free (info->kept_stat);
  g_free (info);
}
