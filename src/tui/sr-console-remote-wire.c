/* sr-console-remote-wire.c — the model's structs as GVariants (control socket). */
#define G_LOG_DOMAIN "sr-console"

#include "sr-build-config.h"
#include "sr-console-remote-private.h"
#include "sr-console-remote.h"

#include <string.h>

static const char *
nn (const char *s)
{
  return s ? s : "";
}

/* NULL travels as "" where the model treats both alike (last_error). */
static char *
dup_or_null (const char *s)
{
  return s && *s ? g_strdup (s) : NULL;
}

GVariant *
sr_remote_overview_to_variant (const SrConsoleOverview *o)
{
  GVariantBuilder binds, queues, errors;
  g_variant_builder_init (&binds, G_VARIANT_TYPE ("a(sssuutt)"));
  for (guint i = 0; i < o->binds->len; i++)
    {
      SrConsoleBind *b = g_ptr_array_index (o->binds, i);
      g_variant_builder_add (&binds, "(sssuutt)", nn (b->name), nn (b->state), nn (b->last_error),
                             b->window, b->window_used, (guint64) b->parts_out,
                             (guint64) b->pdus_in);
    }
  g_variant_builder_init (&queues, G_VARIANT_TYPE ("a(sttt)"));
  for (guint i = 0; i < o->queues->len; i++)
    {
      SrConsoleQueueDepth *q = g_ptr_array_index (o->queues, i);
      g_variant_builder_add (&queues, "(sttt)", nn (q->app), q->queued, q->in_flight, q->dead);
    }
  g_variant_builder_init (&errors, G_VARIANT_TYPE ("as"));
  for (guint i = 0; i < o->errors->len; i++)
    g_variant_builder_add (&errors, "s", nn (g_ptr_array_index (o->errors, i)));
  return g_variant_new (SR_REMOTE_OVERVIEW_FORMAT, &binds, &queues, &errors, o->rate_in,
                        o->rate_out, (guint64) o->total_in, (guint64) o->total_out, o->paused,
                        (guint64) o->receipts_delivered, (guint64) o->receipts_failed,
                        sr_remote_front_ends_to_variant (o));
}

SrConsoleOverview *
sr_remote_overview_from_variant (GVariant *v)
{
  if (!g_variant_is_of_type (v, G_VARIANT_TYPE (SR_REMOTE_OVERVIEW_TYPE)))
    return NULL;
  SrConsoleOverview *o = sr_console_overview_new ();
  g_autoptr (GVariantIter) binds = NULL, queues = NULL, errors = NULL;
  g_autoptr (GVariant) front_ends = NULL;
  guint64 total_in, total_out, delivered, failed;
  gboolean paused;
  g_variant_get (v, SR_REMOTE_OVERVIEW_FORMAT, &binds, &queues, &errors, &o->rate_in,
                 &o->rate_out, &total_in, &total_out, &paused, &delivered, &failed, &front_ends);
  sr_remote_front_ends_fill (o, front_ends);
  o->total_in = total_in;
  o->total_out = total_out;
  o->paused = paused;
  o->receipts_delivered = delivered;
  o->receipts_failed = failed;
  const char *name, *state, *err, *s;
  guint window, window_used;
  guint64 parts_out, pdus_in;
  while (g_variant_iter_next (binds, "(&s&s&suutt)", &name, &state, &err, &window, &window_used,
                              &parts_out, &pdus_in))
    {
      sr_console_overview_add_bind (o, name, state, *err ? err : NULL);
      sr_console_overview_set_bind_traffic (o, window, window_used, parts_out, pdus_in);
    }
  guint64 queued, in_flight, dead;
  while (g_variant_iter_next (queues, "(&sttt)", &name, &queued, &in_flight, &dead))
    sr_console_overview_add_queue (o, name, queued, in_flight, dead);
  while (g_variant_iter_next (errors, "&s", &s))
    g_ptr_array_add (o->errors, g_strdup (s));
  return o;
}

GVariant *
sr_remote_rows_to_variant (GPtrArray *rows)
{
  GVariantBuilder b;
  g_variant_builder_init (&b, G_VARIANT_TYPE ("a(xas)"));
  for (guint i = 0; i < rows->len; i++)
    {
      SrConsoleRow *r = g_ptr_array_index (rows, i);
      g_variant_builder_add (&b, "(x^as)", (gint64) r->id, r->columns);
    }
  return g_variant_builder_end (&b);
}

GPtrArray *
sr_remote_rows_from_variant (GVariant *v)
{
  if (!g_variant_is_of_type (v, G_VARIANT_TYPE ("a(xas)")))
    return NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_console_row_free);
  GVariantIter iter;
  gint64 id;
  char **columns;
  g_variant_iter_init (&iter, v);
  while (g_variant_iter_next (&iter, "(x^as)", &id, &columns))
    g_ptr_array_add (rows, sr_console_row_new (id, columns));
  return rows;
}

static GVariant *
strings_variant (GPtrArray *a)
{
  GVariantBuilder b;
  g_variant_builder_init (&b, G_VARIANT_TYPE ("as"));
  for (guint i = 0; a && i < a->len; i++)
    g_variant_builder_add (&b, "s", nn (g_ptr_array_index (a, i)));
  return g_variant_builder_end (&b);
}

static void
strings_fill (GPtrArray *a, GVariantIter *iter)
{
  const char *s;
  while (g_variant_iter_next (iter, "&s", &s))
    g_ptr_array_add (a, g_strdup (s));
}

#define DETAIL_TYPE "(xissa(ss)bsasasbsbsbsbsis)"

/* Optional strings travel as (present, value): NULL and "" differ for the edit form. */
GVariant *
sr_remote_detail_to_variant (const SrConsoleDetail *d)
{
  GVariantBuilder fields;
  g_variant_builder_init (&fields, G_VARIANT_TYPE ("a(ss)"));
  for (guint i = 0; i < d->fields->len; i++)
    {
      SrConsoleField *f = g_ptr_array_index (d->fields, i);
      g_variant_builder_add (&fields, "(ss)", nn (f->name), nn (f->value));
    }
  return g_variant_new ("(xissa(ss)bs@as@asbsbsbsbsis)", (gint64) d->id, (gint32) d->view,
                        sr_console_view_to_string (d->view), nn (d->title), &fields,
                        d->text != NULL, nn (d->text),
                        strings_variant (d->parts), strings_variant (d->history),
                        d->to != NULL, nn (d->to), d->from != NULL, nn (d->from),
                        d->app != NULL, nn (d->app), d->blacklist_value != NULL,
                        nn (d->blacklist_value), (gint32) d->blacklist_kind, "");
}

SrConsoleDetail *
sr_remote_detail_from_variant (GVariant *v)
{
  if (!g_variant_is_of_type (v, G_VARIANT_TYPE (DETAIL_TYPE)))
    return NULL;
  gint64 id;
  gint32 view, kind;
  const char *view_name, *title, *text, *to, *from, *app, *value, *spare;
  gboolean has_text, has_to, has_from, has_app, has_value;
  g_autoptr (GVariantIter) fields = NULL, parts = NULL, history = NULL;
  g_variant_get (v, "(xi&s&sa(ss)b&sasasb&sb&sb&sb&si&s)", &id, &view, &view_name, &title,
                 &fields, &has_text, &text, &parts, &history, &has_to, &to, &has_from, &from,
                 &has_app, &app, &has_value, &value, &kind, &spare);
  if (view < 0 || view >= SR_CONSOLE_N_VIEWS)
    return NULL;
  SrConsoleDetail *d = sr_console_detail_new ((SrConsoleView) view, id);
  d->title = g_strdup (title);
  const char *name, *val;
  while (g_variant_iter_next (fields, "(&s&s)", &name, &val))
    sr_console_detail_add_field (d, name, val);
  d->text = has_text ? g_strdup (text) : NULL;
  strings_fill (d->parts, parts);
  strings_fill (d->history, history);
  d->to = has_to ? g_strdup (to) : NULL;
  d->from = has_from ? g_strdup (from) : NULL;
  d->app = has_app ? g_strdup (app) : NULL;
  d->blacklist_kind = (SrConsoleBlacklistKind) kind;
  d->blacklist_value = has_value ? dup_or_null (value) : NULL;
  return d;
}

GBytes *
sr_remote_frame (GVariant *v)
{
  g_autoptr (GVariant) normal = g_variant_get_normal_form (g_variant_ref_sink (v));
  g_variant_unref (v);
  gsize len = g_variant_get_size (normal);
  guint8 *buf = g_malloc (len + 4);
  guint32 be = GUINT32_TO_BE ((guint32) len);
  memcpy (buf, &be, 4);
  /* Through g_variant_get_data(): g_variant_store() wants an aligned target. */
  memcpy (buf + 4, g_variant_get_data (normal), len);
  return g_bytes_new_take (buf, len + 4);
}

SrRemoteFrameResult
sr_remote_frame_take (GByteArray *in, const GVariantType *type, GVariant **out)
{
  *out = NULL;
  if (in->len < 4)
    return SR_REMOTE_FRAME_MORE;
  guint32 be;
  memcpy (&be, in->data, 4);
  guint32 len = GUINT32_FROM_BE (be);
  if (len > SR_CONSOLE_REMOTE_MAX_FRAME)
    return SR_REMOTE_FRAME_BAD;
  if (in->len - 4 < len)
    return SR_REMOTE_FRAME_MORE;
  g_autoptr (GBytes) bytes = g_bytes_new (in->data + 4, len);
  g_byte_array_remove_range (in, 0, 4 + len);
  g_autoptr (GVariant) v = g_variant_ref_sink (g_variant_new_from_bytes (type, bytes, FALSE));
  if (!g_variant_is_normal_form (v))
    return SR_REMOTE_FRAME_BAD;
  *out = g_steal_pointer (&v);
  return SR_REMOTE_FRAME_OK;
}
