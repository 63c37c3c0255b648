/* sr-http-dlr.c — Kannel's dlr-url callbacks, made from the journal.
 *
 * Each message accepted with a dlr-url is watched: its journal row (found
 * by app and file once the router has claimed it) says when the SMSC took
 * it (8), refused it or the router dead-lettered it (16, or 2 when only 2 was
 * asked for), when an intermediate receipt came (4) and how it ended
 * (1 delivered, 2 failed).  Each kind dlr-mask asks for becomes one callback,
 * stored in http.db in the same transaction that marks it reported, so a
 * restart neither loses nor repeats it.  The journal is read on the main
 * loop like everything else; the router is never asked.
 *
 * A watch is looked at every tick until the SMSC has accepted its message;
 * then it rests until the receipts follower sees a receipt for it, so
 * thousands of messages waiting hours for receipts cost nothing.
 */
#define G_LOG_DOMAIN "sr-http"

#include "sr-http-private.h"

#include <string.h>

/* Watches looked at per tick: the rest wait for the next one. */
#define WATCHES_PER_TICK 2000

char *
sr_http_dlr_expand (const char *tmpl, GHashTable *values)
{
  GString *out = g_string_new (NULL);
  for (const char *p = tmpl; *p; p++)
    {
      char key[2] = { p[1], 0 };
      gpointer v = NULL;
      if (p[0] == '%' && p[1] == '%')
        {
          g_string_append_c (out, '%');
          p++;
        }
      else if (p[0] == '%' && p[1] != '\0' && g_hash_table_lookup_extended (values, key, NULL, &v))
        {
          /* a known escape without a value (no SMSC id yet) expands to nothing */
          if (v != NULL)
            {
              g_autofree char *esc = g_uri_escape_string (v, NULL, FALSE);
              g_string_append (out, esc);
            }
          p++;
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static char *
plus_for_00 (const char *number)
{
  if (number != NULL && g_str_has_prefix (number, "00"))
    return g_strconcat ("+", number + 2, NULL);
  return g_strdup (number != NULL ? number : "");
}

/* The newest receipt text of @id, or NULL. */
static char *
receipt_text (SrJournal *journal, gint64 id)
{
  g_autoptr(SrJournalMessageDetail) d = sr_journal_message_detail (journal, id, NULL);
  if (d == NULL || d->receipts->len == 0)
    return NULL;
  SrJournalReceipt *r = d->receipts->pdata[d->receipts->len - 1];
  return g_strdup (r->raw != NULL ? r->raw : r->stat);
}

/* The values of the escapes for kind @kind of @m. */
static GHashTable *
escape_values (SrHttp *http, const SrHttpWatch *w, const SrJournalMessage *m, GPtrArray *segs, guint kind)
{
  GHashTable *v = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert (v, "d", g_strdup_printf ("%u", kind));
  if (kind == SR_HTTP_DLR_SUBMITTED)
    g_hash_table_insert (v, "A", g_strdup ("ACK/"));
  else if (m->state == SR_MESSAGE_DEAD)
    g_hash_table_insert (v, "A", g_strdup_printf ("NACK/%d/%s", m->error_code,
                                                  m->error_text != NULL ? m->error_text : ""));
  else
    g_hash_table_insert (v, "A", receipt_text (sr_router_get_journal (http->router), m->id));
  g_hash_table_insert (v, "i", g_strdup (m->provider));
  const char *smsc_id = segs != NULL && segs->len ? ((SrJournalSegment *) segs->pdata[0])->smsc_id : NULL;
  g_hash_table_insert (v, "F", g_strdup (smsc_id));
  g_hash_table_insert (v, "I", g_strdup (w->file));
  /* A report comes from the recipient: %p is the number the message went to. */
  const char *to = m->to_e164 != NULL ? m->to_e164 : m->to_raw;
  g_hash_table_insert (v, "p", g_strdup (to));
  g_hash_table_insert (v, "P", g_strdup (m->from_addr));
  g_hash_table_insert (v, "q", plus_for_00 (to));
  g_hash_table_insert (v, "Q", plus_for_00 (m->from_addr));
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_hash_table_insert (v, "t", g_date_time_format (now, "%Y-%m-%d %H:%M:%S"));
  g_hash_table_insert (v, "T", g_strdup_printf ("%" G_GINT64_FORMAT, g_date_time_to_unix (now)));
  g_auto(GStrv) words = g_strsplit (m->preview != NULL ? m->preview : "", " ", 2);
  g_hash_table_insert (v, "k", g_strdup (words[0]));
  g_hash_table_insert (v, "n", g_strdup (w->user));
  g_hash_table_insert (v, "R", g_strdup (m->reference));
  return v;
}

/* The report kinds that have happened to @m. */
static guint
kinds_happened (const SrJournalMessage *m, GPtrArray *segs, guint mask)
{
  guint kinds = 0, accepted = 0;
  for (guint i = 0; segs != NULL && i < segs->len; i++)
    {
      SrJournalSegment *s = segs->pdata[i];
      if (s->submit == SR_SEGMENT_ACCEPTED)
        accepted++;
      if (s->receipt == SR_RECEIPT_INTERMEDIATE)
        kinds |= SR_HTTP_DLR_BUFFERED;
    }
  if (segs != NULL && segs->len > 0 && accepted == segs->len)
    kinds |= SR_HTTP_DLR_SUBMITTED;
  switch (m->state)
    {
    case SR_MESSAGE_DELIVERED:
      kinds |= SR_HTTP_DLR_DELIVERED;
      break;
    case SR_MESSAGE_UNDELIVERABLE:
      kinds |= SR_HTTP_DLR_FAILED;
      break;
    case SR_MESSAGE_DEAD:
      kinds |= (mask & SR_HTTP_DLR_REJECTED) ? SR_HTTP_DLR_REJECTED : SR_HTTP_DLR_FAILED;
      break;
    default:
      break;
    }
  return kinds;
}

static gboolean
is_final (const SrJournalMessage *m, guint mask, guint reported)
{
  switch (m->state)
    {
    case SR_MESSAGE_DELIVERED:
    case SR_MESSAGE_UNDELIVERABLE:
    case SR_MESSAGE_DEAD:
    case SR_MESSAGE_DISCARDED:
      return TRUE;
    case SR_MESSAGE_SENT:
      /* nothing after the SMSC's answer was asked for */
      return (mask & (SR_HTTP_DLR_DELIVERED | SR_HTTP_DLR_FAILED | SR_HTTP_DLR_BUFFERED)) == 0;
    default:
      return FALSE;
    }
}

/* Queues what @w is owed; returns TRUE when the watch is finished. */
static gboolean
poll_watch (SrHttp *http, SrHttpWatch *w)
{
  SrJournal *journal = sr_router_get_journal (http->router);
  g_autoptr(GPtrArray) segs = NULL;
  g_autoptr(SrJournalMessage) m = sr_journal_message_find_by_file (journal, w->app, w->file, &segs, NULL);
  if (m == NULL)
    {
      /* not claimed yet, or never written (the router died between the
       * watch and the file): the file is in outbox/new/ or cur/ until the
       * journal has its row */
      SrSpool *spool = sr_router_get_spool (http->router);
      g_autofree char *fresh_path = sr_spool_get_path (spool, w->app, SR_SPOOL_OUTBOX_NEW, w->file);
      g_autofree char *claimed_path = sr_spool_get_path (spool, w->app, SR_SPOOL_OUTBOX_CUR, w->file);
      if (g_file_test (fresh_path, G_FILE_TEST_EXISTS) || g_file_test (claimed_path, G_FILE_TEST_EXISTS))
        return FALSE;
      sr_http_store_forget_watch (http, w, NULL);
      return TRUE;
    }
  w->message_id = m->id;
  guint fresh = kinds_happened (m, segs, w->mask) & w->mask & ~w->reported;
  gboolean final = is_final (m, w->mask, w->reported);
  if (fresh == 0)
    {
      if (final)
        sr_http_store_forget_watch (http, w, NULL);
      return final;
    }
  static const guint order[] = { SR_HTTP_DLR_SUBMITTED, SR_HTTP_DLR_REJECTED, SR_HTTP_DLR_BUFFERED,
                                 SR_HTTP_DLR_DELIVERED, SR_HTTP_DLR_FAILED };
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      if (!(fresh & order[i]))
        continue;
      fresh &= ~order[i];
      g_autoptr(GHashTable) values = escape_values (http, w, m, segs, order[i]);
      g_autofree char *url = sr_http_dlr_expand (w->url, values);
      w->reported |= order[i];
      g_autoptr(GError) error = NULL;
      if (!sr_http_store_queue (http, "dlr", url, NULL, NULL, w, final && fresh == 0, &error))
        {
          g_warning ("dlr-url of %s/%s: %s", w->app, w->file, error->message);
          w->reported &= ~order[i];
          return FALSE;
        }
    }
  if (!final && m->state == SR_MESSAGE_SENT)
    {
      w->resting = TRUE;
      g_hash_table_replace (http->resting, g_memdup2 (&m->id, sizeof m->id), w);
    }
  return final;
}

void
sr_http_dlr_wake (SrHttp *http, gint64 message_id)
{
  SrHttpWatch *w = g_hash_table_lookup (http->resting, &message_id);
  if (w != NULL)
    {
      w->resting = FALSE;
      g_hash_table_remove (http->resting, &message_id);
    }
}

void
sr_http_dlr_poll (SrHttp *http)
{
  if (g_hash_table_size (http->watches) == 0)
    return;
  GHashTableIter it;
  gpointer key, value;
  guint n = 0;
  g_hash_table_iter_init (&it, http->watches);
  while (n < WATCHES_PER_TICK && g_hash_table_iter_next (&it, &key, &value))
    {
      SrHttpWatch *w = value;
      if (w->resting)
        continue;
      n++;
      if (poll_watch (http, w))
        g_hash_table_iter_remove (&it);
    }
}
