/* sr-broker-publish.c — receipts, inbound SMS and dead letters to the apps' queues.
 *
 * The files stay where the router put them (the app may read them from the
 * spool as before); the bridge publishes a copy of each and remembers it in
 * broker.db once the broker's RECEIPT confirms the SEND.  A SEND that was
 * not confirmed (connection lost, router killed) is sent again later with
 * the same sms-router-id header, so consumers can drop the duplicate.
 * Receipt files are published once per message, when it is final
 * (sr-broker-receipt.c); the others are only remembered as seen.
 */
#define G_LOG_DOMAIN "sr-broker"

#include "sr-broker-private.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

/* At most this many SENDs wait for a RECEIPT. */
#define MAX_IN_FLIGHT 256
/* Files older than this are not published (broker.db keeps rows for twice as long). */
#define MAX_AGE (7 * 24 * 3600)

/* One kind of result: where the router writes it and which queue gets it. */
typedef struct {
  const char *kind;
  SrSpoolFolder folders[2];
  guint n_folders;
} ResultKind;

static const ResultKind result_kinds[] = {
  { "receipt", { SR_SPOOL_RECEIPTS_NEW, SR_SPOOL_RECEIPTS_CUR }, 2 },
  { "inbox", { SR_SPOOL_INBOX_NEW, SR_SPOOL_INBOX_CUR }, 2 },
  { "dead", { SR_SPOOL_DEAD }, 1 },
};

SrBrokerKind
sr_broker_kind (const char *kind)
{
  return g_str_equal (kind, "receipt") ? SR_BROKER_KIND_RECEIPT
       : g_str_equal (kind, "inbox") ? SR_BROKER_KIND_INBOX : SR_BROKER_KIND_DEAD;
}

/* A result found unpublished: counted as waiting once, until it is confirmed. */
static void
waiting_add (SrBroker *b, SrBrokerApp *a, const char *kind, const char *key)
{
  if (g_hash_table_add (b->waiting, g_strdup (key)))
    a->waiting[sr_broker_kind (kind)]++;
}

void
sr_broker_waiting_remove (SrBroker *b, SrBrokerApp *a, const char *kind, const char *key)
{
  if (g_hash_table_remove (b->waiting, key))
    a->waiting[sr_broker_kind (kind)]--;
}

static const char *
queue_of (const SrBrokerApp *a, const char *kind)
{
  if (g_str_equal (kind, "receipt"))
    return a->receipts_queue;
  if (g_str_equal (kind, "inbox"))
    return a->inbox_queue;
  return a->failed_queue;
}

gboolean
sr_broker_reserved_header (const char *name)
{
  /* Headers the broker acts on: copied from a file or a MESSAGE they would
   * change the SEND (its length, its destination, its receipt). */
  static const char *const reserved[] = {
    "content-length", "content-type", "destination", "receipt", "transaction", "persistent",
    "message-id", "subscription", "ack", "id", "reply-to", "expires", "priority", NULL
  };
  for (guint i = 0; reserved[i]; i++)
    if (g_ascii_strcasecmp (name, reserved[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
free_string (gpointer p)
{
  g_string_free (p, TRUE);
}

/* Whether @name is one of @names (NULL-terminated, may be NULL). */
static gboolean
named (const char *const *names, const char *name)
{
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    if (g_ascii_strcasecmp (names[i], name) == 0)
      return TRUE;
  return FALSE;
}

void
sr_broker_publish_copy_headers (SrStompFrame *frame, const char *data, gsize len,
                                const char *const *skip, gsize *body_offset)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (free_string);
  gsize pos = 0;
  while (pos < len)
    {
      const char *lf = memchr (data + pos, '\n', len - pos);
      gsize end = lf ? (gsize) (lf - data) : len;
      gsize line_len = end - pos;
      if (line_len > 0 && data[pos + line_len - 1] == '\r')
        line_len--;
      if (line_len == 0)
        {
          pos = lf ? end + 1 : len;
          break;
        }
      const char *colon = memchr (data + pos, ':', line_len);
      if (colon != NULL && colon > data + pos)
        {
          g_autofree char *name = g_strstrip (g_strndup (data + pos, colon - (data + pos)));
          g_autofree char *value = g_strstrip (g_strndup (colon + 1, data + pos + line_len - colon - 1));
          guint k;
          for (k = 0; k < names->len; k++)
            if (g_ascii_strcasecmp (names->pdata[k], name) == 0)
              break;
          if (k < names->len)
            g_string_append_printf (values->pdata[k], ", %s", value);   /* SMSC-Id of each part */
          else
            {
              g_ptr_array_add (names, g_steal_pointer (&name));
              g_ptr_array_add (values, g_string_new (value));
            }
        }
      pos = lf ? end + 1 : len;
    }
  for (guint k = 0; k < names->len; k++)
    if (!sr_broker_reserved_header (names->pdata[k]) && !named (skip, names->pdata[k])
        && g_utf8_validate (names->pdata[k], -1, NULL)
        && g_utf8_validate (((GString *) values->pdata[k])->str, -1, NULL))
      sr_stomp_frame_add_header (frame, names->pdata[k], ((GString *) values->pdata[k])->str);
  *body_offset = pos;
}

static SrBrokerSend *
send_new (SrBrokerApp *a, const char *kind, const char *name, const char *key)
{
  SrBrokerSend *s = g_new0 (SrBrokerSend, 1);
  s->app = a;
  s->kind = kind;
  s->name = g_strdup (name);
  s->key = g_strdup (key);
  return s;
}

/* Reads and sends one file; FALSE when it could not be read (gone, racing
 * with the app that took it: the next scan decides). */
static gboolean
publish_file (SrBroker *b, SrBrokerApp *a, const char *kind, SrSpoolFolder folder,
              const char *name, const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = sr_spool_read (b->spool, a->name, folder, name, 0, &error);
  if (bytes == NULL)
    return FALSE;
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  g_autoptr(SrStompFrame) send = sr_stomp_frame_new ("SEND");
  sr_stomp_frame_add_header (send, "destination", queue_of (a, kind));
  sr_stomp_frame_add_header (send, "persistent", "true");
  g_autofree char *message = NULL;
  if (g_str_equal (kind, "receipt") && !sr_broker_receipt_final (b, a, data, len, send, &message))
    {
      /* Not what makes its message final: recorded as seen with the next
       * confirmations, never sent. */
      g_ptr_array_add (b->confirmed, send_new (a, kind, name, key));
      g_hash_table_add (b->done, g_strdup (key));
      sr_broker_waiting_remove (b, a, kind, key);
      return TRUE;
    }
  SrBrokerSend *s = send_new (a, kind, name, key);
  if (message != NULL)
    {
      s->final_key = g_strdup_printf ("%s/final/%s", a->name, message);
      s->message = g_steal_pointer (&message);
    }
  g_autofree char *id = s->message ? g_strdup_printf ("%s/%s/%s", a->name, kind, s->message)
                                   : g_strdup (key);
  sr_stomp_frame_add_header (send, "receipt", sr_broker_track (b, s));
  sr_stomp_frame_add_header (send, "content-type", "text/plain;charset=utf-8");
  sr_stomp_frame_add_header (send, "sms-router-id", id);
  sr_stomp_frame_add_header (send, "sms-router-kind", kind);
  sr_stomp_frame_add_header (send, "sms-router-app", a->name);
  gsize body = 0;
  sr_broker_publish_copy_headers (send, data, len, s->message ? sr_broker_receipt_replaced : NULL,
                                  &body);
  gsize body_len = len - body;
  /* Receipt and inbox files end their text with a line feed the SMS did not have. */
  if (!g_str_equal (kind, "dead") && body_len > 0 && data[len - 1] == '\n')
    body_len--;
  sr_stomp_frame_set_body (send, data + body, body_len);
  sr_stomp_client_send_frame (b->client, send);
  return TRUE;
}

/* Whether @name is new enough to publish; older files are history. */
static gboolean
recent (SrBroker *b, SrBrokerApp *a, SrSpoolFolder folder, const char *name)
{
  g_autofree char *path = sr_spool_get_path (b->spool, a->name, folder, name);
  GStatBuf st;
  if (g_stat (path, &st) < 0)
    return FALSE;
  gint64 oldest = MAX (a->since, g_get_real_time () / G_USEC_PER_SEC - MAX_AGE);
  return st.st_mtime >= oldest;
}

/* The folder's modification time in ns (a file renamed in or out changes it), 0 if unknown. */
static gint64
folder_mtime (SrBroker *b, SrBrokerApp *a, SrSpoolFolder folder)
{
  g_autofree char *path = sr_spool_get_path (b->spool, a->name, folder, NULL);
  GStatBuf st;
  if (g_stat (path, &st) < 0)
    return 0;
  return (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec;
}

/* Publishes the unpublished files of one folder (when @publish) and counts
 * them as waiting; FALSE when the window is full or the connection went.
 * A folder whose time did not change since its last complete scan holds
 * nothing new and is not listed again: the scan costs nothing while the
 * spool is quiet, however many files it keeps.  Without a connection (or
 * with a full window) the folder is still listed once per change, so the
 * overview counts what waits for the broker. */
static gboolean
scan_folder (SrBroker *b, SrBrokerApp *a, const char *kind, SrSpoolFolder folder, gboolean publish)
{
  gint64 mtime = folder_mtime (b, a, folder);
  if (mtime != 0 && mtime == a->scanned_mtime[folder])
    return TRUE;
  if (!publish && mtime != 0 && mtime == a->counted_mtime[folder])
    return TRUE;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrSpoolScan) scan = sr_spool_scan_new (b->spool, a->name, folder, &error);
  if (scan == NULL)
    return TRUE;
  gboolean blocked = !publish;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  for (;;)
    {
      g_ptr_array_set_size (names, 0);
      if (!sr_spool_scan_next (scan, names, 256, &error))
        return publish && !blocked;
      if (names->len == 0)
        {
          a->counted_mtime[folder] = mtime;
          if (!blocked)
            a->scanned_mtime[folder] = mtime;
          return publish && !blocked;
        }
      for (guint i = 0; i < names->len; i++)
        {
          const char *name = names->pdata[i];
          g_autofree char *key = g_strdup_printf ("%s/%s/%s", a->name, kind, name);
          if (g_hash_table_contains (b->done, key) || g_hash_table_contains (b->inflight_keys, key))
            continue;
          if (sr_broker_state_is_published (b->state, a->name, kind, name) || !recent (b, a, folder, name))
            {
              sr_broker_waiting_remove (b, a, kind, key);
              g_hash_table_add (b->done, g_steal_pointer (&key));
              continue;
            }
          waiting_add (b, a, kind, key);
          if (!blocked && g_hash_table_size (b->inflight) >= MAX_IN_FLIGHT)
            blocked = TRUE;
          if (blocked)
            {
              /* Counted already since the folder last changed: stop here, as before. */
              if (mtime != 0 && mtime == a->counted_mtime[folder])
                return FALSE;
              continue;
            }
          if (!publish_file (b, a, kind, folder, name, key))
            sr_broker_waiting_remove (b, a, kind, key);
          if (sr_stomp_client_get_state (b->client) != SR_STOMP_STATE_CONNECTED)
            blocked = TRUE;
        }
    }
}

/* Scans every folder that has a queue: publishes (when @publish) until the
 * window is full, and counts what waits. */
static void
scan_all (SrBroker *b, gboolean publish)
{
  for (guint i = 0; i < b->apps->len; i++)
    {
      SrBrokerApp *a = b->apps->pdata[i];
      for (guint k = 0; k < G_N_ELEMENTS (result_kinds); k++)
        {
          const ResultKind *rk = &result_kinds[k];
          if (queue_of (a, rk->kind) == NULL)
            continue;
          for (guint f = 0; f < rk->n_folders; f++)
            if (!scan_folder (b, a, rk->kind, rk->folders[f], publish))
              publish = FALSE;
        }
    }
}

gboolean
sr_broker_publish_scan (gpointer data)
{
  SrBroker *b = data;
  if (sr_stomp_client_get_state (b->client) != SR_STOMP_STATE_CONNECTED)
    {
      scan_all (b, FALSE);   /* counts what waits while the broker is away */
      return G_SOURCE_CONTINUE;
    }
  sr_stomp_client_cork (b->client);
  scan_all (b, TRUE);
  sr_stomp_client_uncork (b->client);
  sr_broker_publish_confirmed (b);   /* the receipt files seen and not sent */
  return G_SOURCE_CONTINUE;
}

void
sr_broker_publish_confirmed (SrBroker *b)
{
  if (b->confirmed->len == 0)
    return;
  g_autoptr(GError) error = NULL;
  gboolean ok = sr_broker_state_begin (b->state, &error);
  for (guint i = 0; ok && i < b->confirmed->len; i++)
    {
      SrBrokerSend *s = b->confirmed->pdata[i];
      ok = sr_broker_state_mark_published (b->state, s->app->name, s->kind, s->name, &error);
      if (ok && s->message != NULL)
        ok = sr_broker_state_mark_published (b->state, s->app->name, "final", s->message, &error);
      if (ok)
        g_hash_table_add (b->done, g_strdup (s->key));
      if (ok && s->final_key != NULL)
        g_hash_table_add (b->done, g_strdup (s->final_key));
    }
  if (ok)
    ok = sr_broker_state_commit (b->state, &error);
  if (!ok)
    {
      /* Not recorded: published again later, which the id header allows. */
      sr_broker_event (b, SR_LEVEL_ERROR, error->message);
      sr_broker_state_commit (b->state, NULL);
    }
  g_ptr_array_set_size (b->confirmed, 0);
}
