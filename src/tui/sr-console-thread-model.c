/* sr-console-thread-model.c — the plain data types of a conversation page. */
#define G_LOG_DOMAIN "sr-tui"

#include "sr-console-model.h"

SrConsoleThreadEntry *
sr_console_thread_entry_new (SrConsoleThreadKind kind, gint64 id, gint64 message_id, gint64 time,
                             const char *status, const char *text)
{
  SrConsoleThreadEntry *e = g_new0 (SrConsoleThreadEntry, 1);
  e->kind = kind;
  e->id = id;
  e->message_id = message_id;
  e->time = time;
  e->status = g_strdup (status ? status : "");
  e->text = g_strdup (text ? text : "");
  return e;
}

void
sr_console_thread_entry_free (SrConsoleThreadEntry *e)
{
  if (!e)
    return;
  g_free (e->status);
  g_free (e->text);
  g_free (e);
}

gint
sr_console_thread_entry_compare (const SrConsoleThreadEntry *a, const SrConsoleThreadEntry *b)
{
  if (a->time != b->time)
    return a->time < b->time ? -1 : 1;
  if (a->kind != b->kind)
    return a->kind < b->kind ? -1 : 1;
  return a->id < b->id ? -1 : a->id > b->id ? 1 : 0;
}

static gint
compare_ptr (gconstpointer a, gconstpointer b)
{
  return sr_console_thread_entry_compare (*(SrConsoleThreadEntry *const *) a,
                                          *(SrConsoleThreadEntry *const *) b);
}

void
sr_console_thread_sort (GPtrArray *entries)
{
  g_ptr_array_sort (entries, compare_ptr);
}

SrConsoleThreadPage *
sr_console_thread_page_new (void)
{
  SrConsoleThreadPage *p = g_new0 (SrConsoleThreadPage, 1);
  p->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_console_thread_entry_free);
  return p;
}

void
sr_console_thread_page_free (SrConsoleThreadPage *p)
{
  if (!p)
    return;
  g_ptr_array_unref (p->entries);
  g_free (p);
}
