/* sr-console-remote-thread.c — a conversation page over the control socket:
 * the request's arguments and the answer as GVariants. */
#define G_LOG_DOMAIN "sr-console"

#include "sr-console-remote-private.h"

GVariant *
sr_remote_thread_query_to_variant (const SrConsoleThreadQuery *q)
{
  return g_variant_new (SR_REMOTE_THREAD_QUERY_TYPE, q->number ? q->number : "",
                        (gint64) q->out_cursor, (gint64) q->in_cursor, (gint32) q->direction,
                        (guint32) q->count);
}

SrConsoleThreadPage *
sr_remote_thread_serve (const SrConsoleModel *m, GVariant *args, GError **error)
{
  SrConsoleThreadQuery q = { 0 };
  gint32 dir;
  guint32 count;
  g_variant_get (args, "(&sxxiu)", &q.number, &q.out_cursor, &q.in_cursor, &dir, &count);
  q.direction = dir == SR_CONSOLE_PAGE_NEWER ? SR_CONSOLE_PAGE_NEWER : SR_CONSOLE_PAGE_OLDER;
  q.count = MIN (count, 1000);   /* as for lists: a page, never the whole history */
  return m->thread (m->user_data, &q, error);
}

GVariant *
sr_remote_thread_page_to_variant (const SrConsoleThreadPage *p)
{
  GVariantBuilder b;
  g_variant_builder_init (&b, G_VARIANT_TYPE ("a(ixxxss)"));
  for (guint i = 0; i < p->entries->len; i++)
    {
      SrConsoleThreadEntry *e = g_ptr_array_index (p->entries, i);
      g_variant_builder_add (&b, "(ixxxss)", (gint32) e->kind, (gint64) e->id,
                             (gint64) e->message_id, (gint64) e->time, e->status, e->text);
    }
  return g_variant_new ("(a(ixxxss)xxb)", &b, (gint64) p->out_cursor, (gint64) p->in_cursor,
                        p->more);
}

SrConsoleThreadPage *
sr_remote_thread_page_from_variant (GVariant *v)
{
  if (!g_variant_is_of_type (v, G_VARIANT_TYPE (SR_REMOTE_THREAD_PAGE_TYPE)))
    return NULL;
  g_autoptr (GVariantIter) iter = NULL;
  g_autoptr (SrConsoleThreadPage) p = sr_console_thread_page_new ();
  gboolean more;
  g_variant_get (v, "(a(ixxxss)xxb)", &iter, &p->out_cursor, &p->in_cursor, &more);
  p->more = more;
  gint32 kind;
  gint64 id, message_id, time;
  const char *status, *text;
  while (g_variant_iter_next (iter, "(ixxx&s&s)", &kind, &id, &message_id, &time, &status, &text))
    {
      if (kind < SR_CONSOLE_THREAD_OUT || kind > SR_CONSOLE_THREAD_IN)
        return NULL;
      g_ptr_array_add (p->entries, sr_console_thread_entry_new (kind, id, message_id, time,
                                                                status, text));
    }
  return g_steal_pointer (&p);
}
