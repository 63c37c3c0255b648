/* sr-console-router-thread.c — the conversation with a number, from the
 * journal of an embedded router (one sr_journal_thread_page per page). */
#define G_LOG_DOMAIN "sr-console"

#include "sr-build-config.h"
#include "sr-console-router-model.h"
#include "sr-console-router-private.h"

#include <glib/gi18n-lib.h>

/* A console cursor as the journal's (0 = from the end the page starts at). */
static gint64
journal_cursor (gint64 cursor)
{
  return cursor >= SR_CONSOLE_CURSOR_NEWEST ? 0 : cursor;
}

/* A journal cursor back: 0 means "nothing taken from that end yet". */
static gint64
console_cursor (gint64 cursor, SrConsolePageDirection dir)
{
  if (cursor != 0)
    return cursor;
  return dir == SR_CONSOLE_PAGE_OLDER ? SR_CONSOLE_CURSOR_NEWEST : SR_CONSOLE_CURSOR_OLDEST;
}

SrConsoleThreadPage *
sr_rm_thread (gpointer user_data, const SrConsoleThreadQuery *q, GError **error)
{
  SrConsoleRouterModel *self = user_data;
  if (!q->number || !*q->number || q->count == 0)
    {
      g_set_error_literal (error, SR_CONSOLE_MODEL_ERROR, SR_CONSOLE_MODEL_ERROR_INVALID,
                           _("No number to show a conversation for."));
      return NULL;
    }
  SrPageDirection dir = q->direction == SR_CONSOLE_PAGE_OLDER ? SR_PAGE_OLDER : SR_PAGE_NEWER;
  GError *local = NULL;
  g_autoptr (SrJournalThread) t = sr_journal_thread_page (
    sr_router_get_journal (self->router), q->number, dir, journal_cursor (q->out_cursor),
    journal_cursor (q->in_cursor), q->count, &local);
  if (!t)
    {
      sr_rm_set_error_from (error, local);
      return NULL;
    }
  SrConsoleThreadPage *page = sr_console_thread_page_new ();
  for (guint i = 0; i < t->messages->len; i++)
    {
      SrJournalMessage *m = g_ptr_array_index (t->messages, i);
      g_ptr_array_add (page->entries,
                       sr_console_thread_entry_new (SR_CONSOLE_THREAD_OUT, m->id, m->id, m->created_at,
                                                    sr_rm_journal_state_name (m->state),
                                                    m->preview));
    }
  for (guint i = 0; i < t->receipts->len; i++)
    {
      SrJournalReceipt *r = g_ptr_array_index (t->receipts, i);
      g_autofree char *err = r->err && *r->err && g_strcmp0 (r->err, "000") != 0
        ? g_strdup_printf (_("error %s"), r->err) : NULL;
      g_ptr_array_add (page->entries,
                       sr_console_thread_entry_new (SR_CONSOLE_THREAD_RECEIPT, r->id, r->message_id,
                                                    r->received_at,
                                                    r->stat ? r->stat : sr_rm_journal_receipt_name (r->state),
                                                    err));
    }
  for (guint i = 0; i < t->inbound->len; i++)
    {
      SrJournalInbound *in = g_ptr_array_index (t->inbound, i);
      g_ptr_array_add (page->entries,
                       sr_console_thread_entry_new (SR_CONSOLE_THREAD_IN, in->id, 0, in->received_at,
                                                    in->app ? in->app : _("(none)"), in->text));
    }
  sr_console_thread_sort (page->entries);
  page->out_cursor = console_cursor (t->message_cursor, q->direction);
  page->in_cursor = console_cursor (t->inbound_cursor, q->direction);
  page->more = t->more;
  return page;
}
