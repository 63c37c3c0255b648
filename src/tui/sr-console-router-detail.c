/* sr-console-router-detail.c — the detail pane of the router model: the
 * journal's row, the message file's headers and text, parts and history. */
#define G_LOG_DOMAIN "sr-console"

#include "sr-build-config.h"
#include "sr-console-router-model.h"
#include "sr-console-router-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sr-message.h"

/* ---- detail ---------------------------------------------------------- */

static void
add_field (SrConsoleDetail *d, const char *name, const char *value)
{
  if (value && *value)
    sr_console_detail_add_field (d, name, value);
}

static void
add_time_field (SrConsoleDetail *d, const char *name, gint64 usec)
{
  g_autofree char *t = sr_rm_format_full_time (usec);
  add_field (d, name, t);
}

/* The message file's bytes as they are now (outbox, sent or dead), or NULL.
 * A finished message's file may still wait in outbox/cur/ for its move. */
static GBytes *
read_message_bytes (SrConsoleRouterModel *self, const SrJournalMessage *m)
{
  SrSpoolFolder folders[2];
  guint n = 0;
  switch (m->state)
    {
    case SR_MESSAGE_QUEUED:
    case SR_MESSAGE_SUBMITTING:
      folders[n++] = SR_SPOOL_OUTBOX_CUR;
      folders[n++] = SR_SPOOL_OUTBOX_NEW;
      break;
    case SR_MESSAGE_SENT:
    case SR_MESSAGE_DELIVERED:
    case SR_MESSAGE_UNDELIVERABLE:
      folders[n++] = SR_SPOOL_SENT;
      folders[n++] = SR_SPOOL_OUTBOX_CUR;
      break;
    case SR_MESSAGE_DEAD:
      folders[n++] = SR_SPOOL_DEAD;
      folders[n++] = SR_SPOOL_OUTBOX_CUR;
      break;
    default:
      return NULL;
    }
  if (!m->app || !m->file)
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      GBytes *bytes = sr_spool_read (sr_router_get_spool (self->router), m->app, folders[i],
                                     m->file, 1024 * 1024, NULL);
      if (bytes)
        return bytes;
    }
  return NULL;
}

/* Headers the journal's fields show already. */
static gboolean
header_shown (const char *name)
{
  static const char *const shown[] = { "To", "From", "Reference", NULL };
  for (guint k = 0; shown[k]; k++)
    if (g_ascii_strcasecmp (name, shown[k]) == 0)
      return TRUE;
  return FALSE;
}

/* @len bytes as valid UTF-8 without NULs: each NUL and invalid byte
 * becomes U+FFFD. */
static char *
printable_utf8 (const char *data, gsize len)
{
  GString *s = g_string_sized_new (len);
  for (gsize i = 0; i < len; i++)
    {
      if (data[i] == '\0')
        g_string_append (s, "\xef\xbf\xbd");
      else
        g_string_append_c (s, data[i]);
    }
  char *valid = g_utf8_make_valid (s->str, s->len);
  g_string_free (s, TRUE);
  return valid;
}

/* Fills the detail from a file the parser refuses (an input-class dead
 * letter: a bad header, invalid UTF-8, a missing To): each "Name: value"
 * line of the header block and the body, made printable, so that the edit
 * form starts from what the application wrote. */
static void
fill_from_raw (SrConsoleDetail *d, const char *data, gsize len)
{
  gsize header_end = 0, body_start = 0;
  gboolean crlf = FALSE;
  if (!sr_message_split (data, len, &header_end, &body_start, &crlf))
    header_end = body_start = 0;  /* no blank line: all of it is text */
  g_autofree char *headers = printable_utf8 (data, header_end);
  g_auto (GStrv) lines = g_strsplit (headers, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      char *line = lines[i];
      if (i == 0 && g_str_has_prefix (line, "\xef\xbb\xbf"))
        line += 3;  /* a BOM */
      char *colon = strchr (line, ':');
      if (!colon)
        continue;
      *colon = '\0';
      const char *name = g_strstrip (line);
      const char *value = g_strstrip (colon + 1);
      if (g_ascii_strcasecmp (name, "To") == 0 && !d->to)
        d->to = g_strdup (value);
      else if (g_ascii_strcasecmp (name, "From") == 0 && !d->from)
        d->from = g_strdup (value);
      if (!header_shown (name))
        add_field (d, name, value);
    }
  g_autofree char *body = printable_utf8 (data + body_start, len - body_start);
  GString *text = g_string_new (body);
  g_string_replace (text, "\r\n", "\n", 0);
  while (text->len > 0 && (text->str[text->len - 1] == '\n' || text->str[text->len - 1] == '\r'))
    g_string_truncate (text, text->len - 1);
  d->text = g_string_free (text, FALSE);
}

/* One line of a message's history, ordered by time. */
typedef struct {
  gint64 ts;
  guint seq;
  char *text;
} HistoryLine;

static gint
compare_history (gconstpointer a, gconstpointer b)
{
  const HistoryLine *x = a, *y = b;
  if (x->ts != y->ts)
    return x->ts < y->ts ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
history_add (GArray *lines, gint64 ts, char *text)
{
  HistoryLine l = { ts, lines->len, text };
  g_array_append_val (lines, l);
}

static gboolean
has_kind (GPtrArray *events, const char *kind)
{
  for (guint i = 0; events && i < events->len; i++)
    if (g_strcmp0 (((SrJournalEvent *) g_ptr_array_index (events, i))->kind, kind) == 0)
      return TRUE;
  return FALSE;
}

/* The journal's life of a message (claim, submission, receipts, end) merged
 * with its audit events, oldest first. */
static void
fill_history (SrConsoleDetail *d, const SrJournalMessageDetail *md)
{
  const SrJournalMessage *m = md->message;
  g_autoptr (GArray) lines = g_array_new (FALSE, FALSE, sizeof (HistoryLine));
  history_add (lines, m->created_at, g_strdup_printf (_("claimed from %s/outbox"), sr_rm_nz (m->app)));
  if (m->submitted_at)
    history_add (lines, m->submitted_at, g_strdup_printf (_("accepted by the SMSC (%s)"),
                                                          m->provider ? m->provider : "?"));
  for (guint i = 0; md->receipts && i < md->receipts->len; i++)
    {
      SrJournalReceipt *r = g_ptr_array_index (md->receipts, i);
      history_add (lines, r->received_at, g_strdup_printf (_("receipt for part %u: %s"), r->part,
                                                           r->stat ? r->stat : sr_rm_journal_receipt_name (r->state)));
    }
  for (guint i = 0; md->events && i < md->events->len; i++)
    {
      SrJournalEvent *ev = g_ptr_array_index (md->events, i);
      history_add (lines, ev->ts, sr_rm_event_line (ev));
    }
  if (m->done_at && m->state != SR_MESSAGE_DEAD)
    history_add (lines, m->done_at, g_strdup_printf (_("final: %s"), sr_rm_journal_state_name (m->state)));
  else if (m->state == SR_MESSAGE_DEAD && !has_kind (md->events, "dead"))
    history_add (lines, m->done_at ? m->done_at : m->created_at,
                 g_strdup_printf (_("dead letter (%s): %s"), sr_error_class_to_string (m->error_class),
                                  sr_rm_nz (m->error_text)));
  g_array_sort (lines, compare_history);
  for (guint i = 0; i < lines->len; i++)
    {
      HistoryLine *l = &g_array_index (lines, HistoryLine, i);
      g_autofree char *t = sr_rm_format_full_time (l->ts);
      g_ptr_array_add (d->history, g_strdup_printf ("%s  %s", sr_rm_nz (t), l->text));
      g_free (l->text);
    }
}

static SrConsoleDetail *
detail_message (SrConsoleRouterModel *self, SrConsoleView view, gint64 id, GError **error)
{
  GError *local = NULL;
  g_autoptr (SrJournalMessageDetail) md = sr_journal_message_detail (
    sr_router_get_journal (self->router), id, &local);
  if (!md)
    {
      if (local)
        sr_rm_set_error_from (error, local);
      else
        g_set_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_NOT_FOUND,
                     _("Message %lld is not in the journal."), (long long) id);
      return NULL;
    }
  SrJournalMessage *m = md->message;
  SrConsoleDetail *d = sr_console_detail_new (view, id);
  d->title = g_strdup_printf (view == SR_CONSOLE_VIEW_DEAD ? _("Dead letter %lld (app %s)")
                                                           : _("Message %lld (app %s)"),
                              (long long) id, sr_rm_nz (m->app));
  add_field (d, _("State"), sr_rm_journal_state_name (m->state));
  add_field (d, _("To"), m->to_raw);
  add_field (d, _("E.164"), m->to_e164);
  add_field (d, _("Country"), m->country);
  add_field (d, _("From"), m->from_addr);
  add_field (d, _("Reference"), m->reference);
  add_field (d, _("Alphabet"), m->alphabet);
  g_autofree char *parts = m->parts ? g_strdup_printf ("%u", m->parts) : NULL;
  add_field (d, _("Parts"), parts);
  g_autofree char *attempts = g_strdup_printf ("%u", m->attempts);
  add_field (d, _("Attempts"), attempts);
  add_field (d, _("Provider"), m->provider);
  if (m->error_class != SR_ERROR_CLASS_NONE)
    add_field (d, _("Class"), sr_error_class_to_string (m->error_class));
  add_field (d, _("Error"), m->error_text);
  add_time_field (d, _("Created"), m->created_at);
  add_time_field (d, _("Submitted"), m->submitted_at);
  add_time_field (d, _("Done"), m->done_at);
  add_field (d, _("File"), m->file);

  g_autoptr (GBytes) bytes = read_message_bytes (self, m);
  gsize len = 0;
  const char *data = bytes ? g_bytes_get_data (bytes, &len) : NULL;
  g_autoptr (SrMessage) msg = data ? sr_message_parse (data, len, 1024 * 1024, NULL) : NULL;
  if (msg)
    {
      /* Headers the journal does not show already (X-SMSC-Id, X-Error, custom ones). */
      for (guint i = 0; i < sr_message_get_n_headers (msg); i++)
        {
          const char *name = NULL, *value = NULL;
          sr_message_get_header (msg, i, &name, &value);
          if (!header_shown (name))
            add_field (d, name, value);
        }
      d->text = g_strdup (sr_message_get_text (msg, NULL));
      d->from = g_strdup (sr_rm_nz (sr_message_get_from (msg)));
      d->to = sr_rm_dup_nz (sr_message_get_to (msg));
    }
  else if (data)
    fill_from_raw (d, data, len);
  else
    {
      d->text = g_strdup (sr_rm_nz (m->preview));
      d->from = g_strdup (sr_rm_nz (m->from_addr));
    }
  if (!d->from)
    d->from = g_strdup ("");
  if (!d->to)
    d->to = g_strdup (m->to_raw ? m->to_raw : sr_rm_nz (m->to_e164));
  d->app = sr_rm_dup_nz (m->app);

  for (guint i = 0; md->segments && i < md->segments->len; i++)
    {
      SrJournalSegment *s = g_ptr_array_index (md->segments, i);
      GString *line = g_string_new (NULL);
      g_string_printf (line, "%s", sr_segment_submit_to_string (s->submit));
      if (s->smsc_id)
        g_string_append_printf (line, _("  SMSC id %s"), s->smsc_id);
      if (s->command_status)
        g_string_append_printf (line, _("  status 0x%08x"), (guint) s->command_status);
      if (s->receipt != SR_RECEIPT_NONE)
        g_string_append_printf (line, _("  receipt %s"), s->receipt_stat ? s->receipt_stat
                                : sr_rm_journal_receipt_name (s->receipt));
      if (s->receipt_err && *s->receipt_err && strcmp (s->receipt_err, "000") != 0)
        g_string_append_printf (line, _(" (err %s)"), s->receipt_err);
      g_ptr_array_add (d->parts, g_string_free (line, FALSE));
    }
  fill_history (d, md);
  return d;
}

static void
not_found (GError **error, gint64 id)
{
  g_set_error (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_NOT_FOUND,
               _("Row %lld is gone."), (long long) id);
}

static SrConsoleDetail *
detail_receipt (SrConsoleRouterModel *self, gint64 id, GError **error)
{
  gint64 next;
  SrJournal *journal = sr_router_get_journal (self->router);
  g_autoptr (GPtrArray) page = sr_journal_receipts_page (journal, FALSE, SR_PAGE_OLDER, id + 1, 1,
                                                         &next, error);
  if (!page)
    return NULL;
  SrJournalReceipt *r = page->len ? g_ptr_array_index (page, 0) : NULL;
  if (!r || r->id != id)
    {
      not_found (error, id);
      return NULL;
    }
  SrConsoleDetail *d = sr_console_detail_new (SR_CONSOLE_VIEW_RECEIPTS, id);
  d->title = r->message_id
    ? g_strdup_printf (_("Receipt %lld for message %lld"), (long long) id,
                       (long long) r->message_id)
    : g_strdup_printf (_("Receipt %lld (unmatched)"), (long long) id);
  add_field (d, _("Status"), r->stat);
  add_field (d, _("State"), sr_rm_journal_receipt_name (r->state));
  add_field (d, _("Error"), r->err);
  add_field (d, _("SMSC id"), r->smsc_id);
  add_field (d, _("Provider"), r->provider);
  g_autofree char *part = r->part ? g_strdup_printf ("%u", r->part) : NULL;
  add_field (d, _("Part"), part);
  add_time_field (d, _("Received"), r->received_at);
  add_time_field (d, _("Done"), r->done_at);
  if (r->message_id)
    {
      g_autoptr (SrJournalMessage) m = sr_journal_message_get (journal, r->message_id, NULL);
      if (m)
        {
          add_field (d, _("App"), m->app);
          add_field (d, _("To"), m->to_e164 ? m->to_e164 : m->to_raw);
          add_field (d, _("Reference"), m->reference);
          d->text = g_strdup (sr_rm_nz (m->preview));
        }
    }
  if (r->raw)
    g_ptr_array_add (d->history, g_strdup (r->raw));
  return d;
}

static SrConsoleDetail *
detail_inbound (SrConsoleRouterModel *self, gint64 id, GError **error)
{
  gint64 next;
  g_autoptr (GPtrArray) page = sr_journal_inbound_page (sr_router_get_journal (self->router), NULL,
                                                        SR_PAGE_OLDER, id + 1, 1, &next, error);
  if (!page)
    return NULL;
  SrJournalInbound *in = page->len ? g_ptr_array_index (page, 0) : NULL;
  if (!in || in->id != id)
    {
      not_found (error, id);
      return NULL;
    }
  SrConsoleDetail *d = sr_console_detail_new (SR_CONSOLE_VIEW_INBOX, id);
  d->title = g_strdup_printf (_("Inbound %lld from %s"), (long long) id, sr_rm_nz (in->sender));
  add_field (d, _("From"), in->sender);
  add_field (d, _("To"), in->recipient);
  add_field (d, _("App"), in->app);
  add_field (d, _("Verdict"), in->verdict);
  add_field (d, _("Provider"), in->provider);
  g_autofree char *parts = g_strdup_printf ("%u", in->parts);
  add_field (d, _("Parts"), parts);
  add_time_field (d, _("Received"), in->received_at);
  add_field (d, _("File"), in->file);
  d->text = sr_rm_dup_nz (in->text);
  return d;
}

static SrConsoleDetail *
detail_event (SrConsoleRouterModel *self, gint64 id, GError **error)
{
  gint64 next;
  g_autoptr (GPtrArray) page = sr_journal_events_page (sr_router_get_journal (self->router), -1,
                                                       NULL, SR_PAGE_OLDER, id + 1, 1, &next, error);
  if (!page)
    return NULL;
  SrJournalEvent *ev = page->len ? g_ptr_array_index (page, 0) : NULL;
  if (!ev || ev->id != id)
    {
      not_found (error, id);
      return NULL;
    }
  SrConsoleDetail *d = sr_console_detail_new (SR_CONSOLE_VIEW_LOG, id);
  d->title = g_strdup_printf (_("Event %lld (%s)"), (long long) id, sr_rm_nz (ev->kind));
  add_time_field (d, _("Time"), ev->ts);
  add_field (d, _("Scope"), sr_scope_to_string (ev->scope));
  add_field (d, _("Level"), sr_journal_level_to_string (ev->level));
  add_field (d, _("Kind"), ev->kind);
  add_field (d, _("Actor"), ev->actor);
  add_field (d, _("App"), ev->app);
  g_autofree char *mid = ev->message_id ? g_strdup_printf ("%" G_GINT64_FORMAT, ev->message_id) : NULL;
  add_field (d, _("Message"), mid);
  d->text = sr_rm_dup_nz (ev->text);
  return d;
}

static SrConsoleDetail *
detail_blacklist (SrConsoleRouterModel *self, gint64 id, GError **error)
{
  g_autoptr (GPtrArray) all = sr_rm_blacklist_all (self, error);
  if (!all)
    return NULL;
  gint64 i = (gint64) all->len - id;
  if (id <= 0 || i < 0)
    {
      not_found (error, id);
      return NULL;
    }
  SrJournalBlacklistEntry *e = g_ptr_array_index (all, i);
  SrConsoleDetail *d = sr_console_detail_new (SR_CONSOLE_VIEW_BLACKLISTS, id);
  d->title = g_strdup_printf (_("Blacklisted %s %s"), sr_blacklist_kind_to_string (e->kind), sr_rm_nz (e->value));
  add_field (d, _("Kind"), sr_blacklist_kind_to_string (e->kind));
  add_field (d, _("Value"), e->value);
  add_field (d, _("Note"), e->note);
  add_field (d, _("Added by"), e->who);
  add_time_field (d, _("Added"), e->created_at);
  d->blacklist_kind = (SrConsoleBlacklistKind) e->kind;
  d->blacklist_value = g_strdup (e->value);
  return d;
}

SrConsoleDetail *
sr_rm_detail (gpointer user_data, SrConsoleView view, gint64 id, GError **error)
{
  SrConsoleRouterModel *self = user_data;
  switch (view)
    {
    case SR_CONSOLE_VIEW_QUEUE:
    case SR_CONSOLE_VIEW_SENT:
    case SR_CONSOLE_VIEW_DEAD:
      return detail_message (self, view, id, error);
    case SR_CONSOLE_VIEW_RECEIPTS:
      return detail_receipt (self, id, error);
    case SR_CONSOLE_VIEW_INBOX:
      return detail_inbound (self, id, error);
    case SR_CONSOLE_VIEW_BLACKLISTS:
      return detail_blacklist (self, id, error);
    case SR_CONSOLE_VIEW_LOG:
      return detail_event (self, id, error);
    default:
      not_found (error, id);
      return NULL;
    }
}

