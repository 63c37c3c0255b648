/* sr-inbound-store.c — the holding area for parts: SPOOL/router/inbound/.
 *
 * Each group of deliver_sm (sr-inbound-batch.c) writes one holding file
 * "h<µs>.<pid>_<n>", one line per new part, to a temporary name that is
 * fsynced and renamed (and the folder fsynced): a holding file is whole or
 * absent, also after a power cut.  Those two fsyncs are shared by every part
 * of the group.  A file stays while any of its parts is needed (counted in
 * SrInboundHold) and is removed with the last one.
 *
 * Files of one part each ("<group hash>.<first seen>.<part>", with an empty
 * delivered mark ".0"), written by earlier versions, are still read at
 * start.  Whether a rebuilt message was delivered is the journal's word:
 * its inbound row is committed only after the inbox file is in new/.
 */
#define G_LOG_DOMAIN "sr-inbound"

#include "sr-inbound-private.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define PART_GROUP "part"
/* The first line of a holding file: its format. */
#define HOLD_MAGIC "sms-router inbound 1"

gboolean
sr_inbound_store_init (SrInbound *inbound, GError **error)
{
  if (g_mkdir_with_parents (inbound->hold_dir, 0770) < 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("cannot create %s: %s"), inbound->hold_dir, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static void
append_hex (GString *out, const guint8 *data, gsize len)
{
  static const char digits[] = "0123456789ABCDEF";
  gsize at = out->len;

  g_string_set_size (out, at + 2 * len);
  for (gsize i = 0; i < len; i++)
    {
      out->str[at + 2 * i] = digits[data[i] >> 4];
      out->str[at + 2 * i + 1] = digits[data[i] & 0x0f];
    }
}

static void
append_hex_string (GString *out, const char *s)
{
  append_hex (out, (const guint8 *) s, strlen (s));
  g_string_append_c (out, ' ');
}

void
sr_inbound_store_append (GString *out, const SrInboundGroup *group, const SrInboundPart *part)
{
  if (out->len == 0)
    g_string_append (out, HOLD_MAGIC "\n");
  /* Text as hex: an address may hold any octet, a space or a newline. */
  append_hex_string (out, group->provider);
  append_hex_string (out, group->source_addr);
  g_string_append_printf (out, "%u ", group->source_ton);
  append_hex_string (out, group->dest_addr);
  g_string_append_printf (out, "%u %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %u %u %d %u %u %u ",
                          group->dest_ton, group->first_seen, part->received_at,
                          part->data_coding, part->esm_class, (int) part->concat, part->ref,
                          part->total, part->seq);
  append_hex (out, part->body, part->len);
  g_string_append_c (out, '\n');
}

char *
sr_inbound_store_new_name (SrInbound *inbound)
{
  return g_strdup_printf ("h%" G_GINT64_FORMAT ".%d_%" G_GUINT64_FORMAT, g_get_real_time (),
                          (int) getpid (), ++inbound->hold_seq);
}

gboolean
sr_inbound_store_write_file (const char *hold_dir, const char *name, const GString *data,
                             GError **error)
{
  g_autofree char *path = g_build_filename (hold_dir, name, NULL);

  /* CONSISTENT: temporary, fsync, rename, fsync of the folder. */
  return g_file_set_contents_full (path, data->str, (gssize) data->len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0660, error);
}

void
sr_inbound_store_hold_free (SrInboundHold *hold)
{
  g_free (hold->name);
  g_free (hold);
}

SrInboundHold *
sr_inbound_store_hold (SrInbound *inbound, const char *name, guint refs)
{
  SrInboundHold *hold = g_new0 (SrInboundHold, 1);

  hold->name = g_strdup (name);
  hold->refs = refs;
  g_hash_table_replace (inbound->holds, hold->name, hold);
  return hold;
}

static void
hold_release (SrInbound *inbound, SrInboundHold *hold)
{
  g_autofree char *path = NULL;

  g_return_if_fail (hold->refs > 0);
  if (--hold->refs > 0)
    return;
  path = g_build_filename (inbound->hold_dir, hold->name, NULL);
  if (g_unlink (path) < 0 && errno != ENOENT)
    g_warning (_("Cannot remove the held inbound part %s: %s"), path, g_strerror (errno));
  g_hash_table_remove (inbound->holds, hold->name);
}

void
sr_inbound_store_remove (SrInbound *inbound, SrInboundGroup *group)
{
  for (guint i = 0; i < group->total; i++)
    if (group->parts[i] != NULL && group->parts[i]->hold != NULL)
      {
        hold_release (inbound, group->parts[i]->hold);
        group->parts[i]->hold = NULL;
      }
}

/* Held parts whose release waits (see SR_INBOUND_LINGER_S). */
typedef struct {
  gint64 at;               /* real time µs */
  GPtrArray *holds;        /* SrInboundHold, one reference each */
} SrInboundLinger;

static void
linger_free (SrInboundLinger *l)
{
  g_ptr_array_unref (l->holds);
  g_free (l);
}

static gboolean on_linger (gpointer data);

void
sr_inbound_store_expire (SrInbound *inbound, gint64 now)
{
  SrInboundLinger *l;

  if (inbound->linger_timer)
    g_source_remove (inbound->linger_timer);
  inbound->linger_timer = 0;
  while ((l = g_queue_peek_head (&inbound->linger)) != NULL && l->at <= now)
    {
      g_queue_pop_head (&inbound->linger);
      for (guint i = 0; i < l->holds->len; i++)
        hold_release (inbound, l->holds->pdata[i]);
      linger_free (l);
    }
  if (l != NULL)
    inbound->linger_timer = g_timeout_add ((guint) (MAX (l->at - g_get_real_time (), 0) / 1000) + 1,
                                           on_linger, inbound);
}

static gboolean
on_linger (gpointer data)
{
  SrInbound *inbound = data;

  inbound->linger_timer = 0;
  sr_inbound_store_expire (inbound, g_get_real_time ());
  return G_SOURCE_REMOVE;
}

void
sr_inbound_store_linger (SrInbound *inbound, SrInboundGroup *group)
{
  SrInboundLinger *l = g_new0 (SrInboundLinger, 1);

  l->at = g_get_real_time () + (gint64) SR_INBOUND_LINGER_S * G_USEC_PER_SEC;
  l->holds = g_ptr_array_new ();
  for (guint i = 0; i < group->total; i++)
    if (group->parts[i] != NULL && group->parts[i]->hold != NULL)
      {
        g_ptr_array_add (l->holds, group->parts[i]->hold);
        group->parts[i]->hold = NULL;
      }
  g_queue_push_tail (&inbound->linger, l);
  if (inbound->linger_timer == 0)
    inbound->linger_timer = g_timeout_add_seconds (SR_INBOUND_LINGER_S, on_linger, inbound);
}

void
sr_inbound_store_clear (SrInbound *inbound)
{
  if (inbound->linger_timer)
    g_source_remove (inbound->linger_timer);
  inbound->linger_timer = 0;
  g_queue_clear_full (&inbound->linger, (GDestroyNotify) linger_free);
}

/* ---- reading the holding area back at start ---- */

static gboolean
all_digits (const char *s, const char *end)
{
  if (s == end)
    return FALSE;
  for (; s < end; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

/* "<40 hex digits>.<first seen>.<part>": a part file of an earlier version
 * (part 0: its delivered mark). */
static gboolean
is_part_name (const char *name)
{
  const char *dot;
  guint i;

  for (i = 0; i < 40; i++)
    if (!g_ascii_isxdigit (name[i]))
      return FALSE;
  if (name[i++] != '.' || (dot = strchr (name + i, '.')) == NULL)
    return FALSE;
  return all_digits (name + i, dot) && all_digits (dot + 1, dot + 1 + strlen (dot + 1));
}

/* "h<µs>.<pid>_<n>": a holding file; anything else is a temporary left by
 * an interrupted write, whose parts were never answered. */
static gboolean
is_hold_name (const char *name)
{
  const char *dot = strchr (name, '.');
  const char *low = dot ? strchr (dot, '_') : NULL;

  return name[0] == 'h' && dot != NULL && low != NULL && all_digits (name + 1, dot)
         && all_digits (dot + 1, low) && all_digits (low + 1, low + 1 + strlen (low + 1));
}

/* Where one held part belongs. */
typedef struct {
  char *provider;
  char *source;
  guint8 source_ton;
  char *dest;
  guint8 dest_ton;
  gint64 first_seen;
} Origin;

static void
origin_clear (Origin *o)
{
  g_free (o->provider);
  g_free (o->source);
  g_free (o->dest);
}

/* The SAR fields only live in the record; the UDH is parsed again. */
static SrInboundPart *
part_from_record (const guint8 *body, gsize len, guint8 data_coding, guint8 esm_class,
                  gint64 received, int concat, guint ref, guint total, guint seq, GError **error)
{
  SrInboundPart *part = sr_inbound_part_new (body, len, data_coding, esm_class, received);

  sr_inbound_part_classify (part, NULL);
  if (concat == SR_INBOUND_SAR)
    {
      part->concat = SR_INBOUND_SAR;
      part->ref = (guint16) ref;
      part->total = total;
      part->seq = seq;
    }
  if (part->total < 1 || part->seq < 1 || part->seq > part->total)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   _("part %u of %u is not a valid part"), part->seq, part->total);
      sr_inbound_part_free (part);
      return NULL;
    }
  return part;
}

static GByteArray *
from_hex (const char *hex, GError **error)
{
  gsize n = strlen (hex);
  GByteArray *out;

  if (n % 2 != 0)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, _("odd-length body"));
      return NULL;
    }
  out = g_byte_array_sized_new ((guint) (n / 2));
  for (gsize i = 0; i < n; i += 2)
    {
      int hi = g_ascii_xdigit_value (hex[i]), lo = g_ascii_xdigit_value (hex[i + 1]);
      guint8 b;

      if (hi < 0 || lo < 0)
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       _("body is not hex"));
          g_byte_array_unref (out);
          return NULL;
        }
      b = (guint8) (hi << 4 | lo);
      g_byte_array_append (out, &b, 1);
    }
  return out;
}

static char *
string_from_hex (const char *hex, GError **error)
{
  GByteArray *bytes = from_hex (hex, error);
  guint8 nul = 0;

  if (bytes == NULL)
    return NULL;
  g_byte_array_append (bytes, &nul, 1);
  return (char *) g_byte_array_free (bytes, FALSE);
}

/* A part file of an earlier version. */
static SrInboundPart *
part_from_key_file (const char *path, Origin *o, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *hex = NULL;
  g_autoptr(GByteArray) body = NULL;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, error)
      || (hex = g_key_file_get_string (kf, PART_GROUP, "body", error)) == NULL
      || (body = from_hex (hex, error)) == NULL)
    return NULL;
  o->provider = g_key_file_get_string (kf, PART_GROUP, "provider", NULL);
  o->source = g_key_file_get_string (kf, PART_GROUP, "source", NULL);
  o->dest = g_key_file_get_string (kf, PART_GROUP, "destination", NULL);
  o->source_ton = (guint8) g_key_file_get_integer (kf, PART_GROUP, "source-ton", NULL);
  o->dest_ton = (guint8) g_key_file_get_integer (kf, PART_GROUP, "destination-ton", NULL);
  o->first_seen = g_key_file_get_int64 (kf, PART_GROUP, "first-seen", NULL);
  if (o->provider == NULL || o->source == NULL || o->dest == NULL)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   _("provider or addresses missing"));
      return NULL;
    }
  return part_from_record (body->data, body->len,
                           (guint8) g_key_file_get_integer (kf, PART_GROUP, "data-coding", NULL),
                           (guint8) g_key_file_get_integer (kf, PART_GROUP, "esm-class", NULL),
                           g_key_file_get_int64 (kf, PART_GROUP, "received", NULL),
                           g_key_file_get_integer (kf, PART_GROUP, "concat", NULL),
                           (guint) g_key_file_get_integer (kf, PART_GROUP, "ref", NULL),
                           (guint) g_key_file_get_integer (kf, PART_GROUP, "total", NULL),
                           (guint) g_key_file_get_integer (kf, PART_GROUP, "seq", NULL), error);
}

static gboolean
number (const char *s, guint64 max, guint64 *out)
{
  return g_ascii_string_to_unsigned (s, 10, 0, max, out, NULL);
}

/* One line of a holding file. */
static SrInboundPart *
part_from_line (const char *line, Origin *o, GError **error)
{
  g_auto(GStrv) f = g_strsplit (line, " ", -1);
  guint64 v[10];
  g_autoptr(GByteArray) body = NULL;

  if (g_strv_length (f) != 14)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   _("a record of %u fields"), g_strv_length (f));
      return NULL;
    }
  if (!number (f[2], 255, &v[0]) || !number (f[4], 255, &v[1])
      || !number (f[5], G_MAXINT64, &v[2]) || !number (f[6], G_MAXINT64, &v[3])
      || !number (f[7], 255, &v[4]) || !number (f[8], 255, &v[5])
      || !number (f[9], SR_INBOUND_SAR, &v[6]) || !number (f[10], 65535, &v[7])
      || !number (f[11], 255, &v[8]) || !number (f[12], 255, &v[9]))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, _("a field is not a number"));
      return NULL;
    }
  if ((o->provider = string_from_hex (f[0], error)) == NULL
      || (o->source = string_from_hex (f[1], error)) == NULL
      || (o->dest = string_from_hex (f[3], error)) == NULL
      || (body = from_hex (f[13], error)) == NULL)
    return NULL;
  o->source_ton = (guint8) v[0];
  o->dest_ton = (guint8) v[1];
  o->first_seen = (gint64) v[2];
  return part_from_record (body->data, body->len, (guint8) v[4], (guint8) v[5], (gint64) v[3],
                           (int) v[6], (guint) v[7], (guint) v[8], (guint) v[9], error);
}

/* Adds @part (from @hold) to its group in @found; TRUE if it was taken. */
static gboolean
add_found (SrInbound *inbound, GHashTable *found, Origin *o, SrInboundPart *part,
           SrInboundHold *hold)
{
  g_autofree char *key = sr_inbound_part_key (o->provider, o->source, o->dest, part);
  g_autofree char *id = g_strdup_printf ("%s\x1f%" G_GINT64_FORMAT, key, o->first_seen);
  SrInboundGroup *group = g_hash_table_lookup (found, id);

  if (group == NULL)
    {
      group = sr_inbound_group_new (inbound, key, part, o->provider, o->source, o->source_ton,
                                    o->dest, o->dest_ton, o->first_seen);
      g_hash_table_insert (found, g_steal_pointer (&id), group);
    }
  if (part->total != group->total || group->parts[part->seq - 1] != NULL)
    {
      sr_inbound_part_free (part);
      return FALSE;
    }
  part->hold = hold;
  hold->refs++;
  sr_inbound_group_add (group, part);
  return TRUE;
}

static void
load_hold_file (SrInbound *inbound, GHashTable *found, const char *name, const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_auto(GStrv) lines = NULL;
  SrInboundHold *hold;

  if (!g_file_get_contents (path, &data, NULL, &error))
    {
      g_warning (_("Ignoring the damaged held inbound part %s: %s"), path, error->message);
      return;
    }
  lines = g_strsplit (data, "\n", -1);
  if (lines[0] == NULL || strcmp (lines[0], HOLD_MAGIC) != 0)
    {
      g_warning (_("Ignoring the damaged held inbound part %s: %s"), path, _("not a holding file"));
      return;
    }
  hold = sr_inbound_store_hold (inbound, name, 0);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_autoptr(GError) local = NULL;
      Origin o = { 0 };
      SrInboundPart *part;

      if (lines[i][0] == '\0')
        continue;
      if ((part = part_from_line (lines[i], &o, &local)) == NULL)
        g_warning (_("Ignoring the damaged held inbound part %s: %s"), path, local->message);
      else
        add_found (inbound, found, &o, part, hold);
      origin_clear (&o);
    }
  if (hold->refs == 0)
    g_hash_table_remove (inbound->holds, name);
}

static void
load_part_file (SrInbound *inbound, GHashTable *found, const char *name, const char *path)
{
  g_autoptr(GError) error = NULL;
  Origin o = { 0 };
  SrInboundPart *part = part_from_key_file (path, &o, &error);

  if (part == NULL)
    g_warning (_("Ignoring the damaged held inbound part %s: %s"), path, error->message);
  else
    {
      SrInboundHold *hold = sr_inbound_store_hold (inbound, name, 0);
      if (!add_found (inbound, found, &o, part, hold))
        g_hash_table_remove (inbound->holds, name);
    }
  origin_clear (&o);
}

/* Whether the journal recorded the message of @group before the stop. */
static gboolean
was_recorded (SrInbound *inbound, const SrInboundGroup *group)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dedup = g_strdup_printf ("mo:%s:%" G_GINT64_FORMAT, group->hash, group->first_seen);
  gint64 id = sr_journal_inbound_find (inbound->journal, dedup, &error);

  if (id < 0)
    g_warning ("%s", error->message);
  return id > 0;
}

void
sr_inbound_store_load (SrInbound *inbound)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (inbound->hold_dir, 0, &error);
  g_autoptr(GHashTable) found = NULL;
  g_autoptr(GPtrArray) marks = NULL;
  const char *name;
  GHashTableIter iter;
  gpointer value;

  if (dir == NULL)
    {
      g_warning (_("Cannot read the held inbound parts in %s: %s"), inbound->hold_dir,
                 error->message);
      return;
    }
  found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  marks = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (inbound->hold_dir, name, NULL);

      if (is_hold_name (name))
        load_hold_file (inbound, found, name, path);
      else if (is_part_name (name) && g_str_has_suffix (name, ".0"))
        g_ptr_array_add (marks, g_steal_pointer (&path));
      else if (is_part_name (name))
        load_part_file (inbound, found, name, path);
      else
        g_unlink (path);   /* a temporary of an interrupted write: never answered */
    }

  g_hash_table_iter_init (&iter, found);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SrInboundGroup *group = value;

      group->was_delivered = was_recorded (inbound, group);
      if (!group->was_delivered)
        g_message (_("Recovered %u of %u parts of an inbound message from %s to %s"),
                   group->have, group->total, group->source_addr, group->dest_addr);
      sr_inbound_group_recovered (inbound, group);
    }
  /* The delivered marks of earlier versions: the journal says as much. */
  for (guint i = 0; i < marks->len; i++)
    g_unlink (marks->pdata[i]);
}
