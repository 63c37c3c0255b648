/* sr-broker-receipt.c — one receipt per message on the receipts queue.
 *
 * The router writes a receipt file for every receipt of every part: the
 * intermediate ones (ENROUTE, ACCEPTD) and one per part of a long message.
 * The receipts queue gets one message per message, when it is final: the
 * receipt file that completed it ("Final: yes") with every part's SMSC id
 * and the message's outcome taken from the journal.  It is keyed by the
 * message's file, so a second "final" file of the same message (a late
 * intermediate receipt) is not published again.
 */
#define G_LOG_DOMAIN "sr-broker"

#include "sr-broker-private.h"

#include <string.h>

/* The file headers a final receipt's message-level values replace. */
const char *const sr_broker_receipt_replaced[] = { "SMSC-Id", "Status", "Error", "Part", NULL };

/* The value of the first header line @name of a spool file, or NULL. */
static char *
file_header (const char *data, gsize len, const char *name)
{
  gsize name_len = strlen (name);
  for (gsize pos = 0; pos < len;)
    {
      const char *lf = memchr (data + pos, '\n', len - pos);
      gsize end = lf ? (gsize) (lf - data) : len;
      if (end == pos || (end == pos + 1 && data[pos] == '\r'))
        return NULL;   /* the blank line: the headers are over */
      if (end - pos > name_len && data[pos + name_len] == ':'
          && g_ascii_strncasecmp (data + pos, name, name_len) == 0)
        return g_strstrip (g_strndup (data + pos + name_len + 1, end - pos - name_len - 1));
      pos = end + 1;
    }
  return NULL;
}

static gint
by_part (gconstpointer a, gconstpointer b)
{
  const SrJournalSegment *x = *(SrJournalSegment *const *) a, *y = *(SrJournalSegment *const *) b;
  return (gint) x->part - (gint) y->part;
}

/* The message-level headers from the journal's parts: every SMSC id, the
 * status and error of the first part that failed (else the file's), and
 * each part's status.  FALSE when the journal no longer has the message. */
static gboolean
add_message_headers (SrBroker *b, SrBrokerApp *a, const char *file, SrStompFrame *send,
                     const char *status, const char *error_code)
{
  SrJournal *journal = sr_router_get_journal (b->router);
  g_autoptr(GPtrArray) segments = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrJournalMessage) m = journal != NULL
    ? sr_journal_message_find_by_file (journal, a->name, file, &segments, &error) : NULL;
  if (m == NULL || segments == NULL || segments->len == 0)
    {
      if (error != NULL)
        g_debug ("receipt of %s/%s: %s", a->name, file, error->message);
      return FALSE;
    }
  g_ptr_array_sort (segments, by_part);
  g_autoptr(GString) ids = g_string_new (NULL);
  g_autoptr(GString) states = g_string_new (NULL);
  const SrJournalSegment *failed = NULL;
  for (guint i = 0; i < segments->len; i++)
    {
      const SrJournalSegment *s = segments->pdata[i];
      g_string_append_printf (ids, "%s%s", i ? ", " : "", s->smsc_id ? s->smsc_id : "");
      g_string_append_printf (states, "%s%s", i ? ", " : "", s->receipt_stat ? s->receipt_stat : "");
      if (failed == NULL && s->receipt == SR_RECEIPT_FAILED)
        failed = s;
    }
  char parts[16];
  g_snprintf (parts, sizeof parts, "%u", segments->len);
  sr_stomp_frame_add_header (send, "SMSC-Id", ids->str);
  sr_stomp_frame_add_header (send, "Status", failed && failed->receipt_stat ? failed->receipt_stat : status);
  sr_stomp_frame_add_header (send, "Error", failed && failed->receipt_err ? failed->receipt_err : error_code);
  sr_stomp_frame_add_header (send, "Parts", parts);
  sr_stomp_frame_add_header (send, "Part-Status", states->str);
  return TRUE;
}

gboolean
sr_broker_receipt_final (SrBroker *b, SrBrokerApp *a, const char *data, gsize len,
                         SrStompFrame *send, char **message)
{
  *message = NULL;
  g_autofree char *final = file_header (data, len, "Final");
  if (g_strcmp0 (final, "yes") != 0)
    return FALSE;
  g_autofree char *file = file_header (data, len, "File");
  if (file == NULL || *file == '\0')
    return TRUE;   /* a receipt of no known file: published as it is */
  g_autofree char *final_key = g_strdup_printf ("%s/final/%s", a->name, file);
  if (g_hash_table_contains (b->done, final_key) || g_hash_table_contains (b->inflight_keys, final_key)
      || sr_broker_state_is_published (b->state, a->name, "final", file))
    return FALSE;
  g_autofree char *status = file_header (data, len, "Status");
  g_autofree char *error_code = file_header (data, len, "Error");
  g_autofree char *smsc_id = file_header (data, len, "SMSC-Id");
  if (!add_message_headers (b, a, file, send, status ? status : "", error_code ? error_code : ""))
    {
      /* Pruned from the journal: what the file itself says. */
      sr_stomp_frame_add_header (send, "SMSC-Id", smsc_id ? smsc_id : "");
      sr_stomp_frame_add_header (send, "Status", status ? status : "");
      sr_stomp_frame_add_header (send, "Error", error_code ? error_code : "");
    }
  *message = g_steal_pointer (&file);
  return TRUE;
}
