/* sr-inbound-store.c — the holding area for parts: SPOOL/router/inbound/.
 *
 * One small key file per part, "<group hash>.<part>", written to a
 * temporary name and renamed (g_file_set_contents_full), so a part file is
 * either whole or absent.  Like the spool, nothing is fsynced here: a part
 * file survives the death of the process, and the journal's own promise
 * (WAL, synchronous=NORMAL) is no stronger against a power cut.  The SMSC
 * is answered for a part only after its file exists.
 */
#define G_LOG_DOMAIN "sr-inbound"

#include "sr-inbound-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define PART_GROUP "part"

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

static char *
part_path (const SrInbound *inbound, const SrInboundGroup *group, guint seq)
{
  char name[96];

  g_snprintf (name, sizeof name, "%s.%" G_GINT64_FORMAT ".%u", group->hash, group->first_seen, seq);
  return g_build_filename (inbound->hold_dir, name, NULL);
}

gboolean
sr_inbound_store_write (SrInbound *inbound, const SrInboundGroup *group, guint seq,
                        const SrInboundPart *part, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *path = part_path (inbound, group, seq);
  g_autofree char *hex = NULL;
  g_autofree char *data = NULL;
  gsize len;

  hex = part->len > 0 ? g_malloc (part->len * 2 + 1) : g_strdup ("");
  for (gsize i = 0; i < part->len; i++)
    g_snprintf (hex + 2 * i, 3, "%02X", part->body[i]);

  g_key_file_set_string (kf, PART_GROUP, "provider", group->provider);
  g_key_file_set_string (kf, PART_GROUP, "source", group->source_addr);
  g_key_file_set_integer (kf, PART_GROUP, "source-ton", group->source_ton);
  g_key_file_set_string (kf, PART_GROUP, "destination", group->dest_addr);
  g_key_file_set_integer (kf, PART_GROUP, "destination-ton", group->dest_ton);
  g_key_file_set_int64 (kf, PART_GROUP, "first-seen", group->first_seen);
  g_key_file_set_int64 (kf, PART_GROUP, "received", part->received_at);
  g_key_file_set_integer (kf, PART_GROUP, "data-coding", part->data_coding);
  g_key_file_set_integer (kf, PART_GROUP, "esm-class", part->esm_class);
  g_key_file_set_integer (kf, PART_GROUP, "concat", part->concat);
  g_key_file_set_integer (kf, PART_GROUP, "ref", part->ref);
  g_key_file_set_integer (kf, PART_GROUP, "total", (gint) part->total);
  g_key_file_set_integer (kf, PART_GROUP, "seq", (gint) part->seq);
  g_key_file_set_string (kf, PART_GROUP, "body", hex);
  data = g_key_file_to_data (kf, &len, NULL);
  return g_file_set_contents_full (path, data, (gssize) len, G_FILE_SET_CONTENTS_CONSISTENT,
                                   0660, error);
}

void
sr_inbound_store_mark_delivered (SrInbound *inbound, const SrInboundGroup *group)
{
  g_autofree char *path = part_path (inbound, group, 0);
  int fd = g_open (path, O_WRONLY | O_CREAT | O_CLOEXEC, 0660);

  /* Without the mark a crash now makes the restarted router write the
   * message again if the app took its file away: worth a warning, not a
   * refusal (the message itself is durable). */
  if (fd < 0 || close (fd) < 0)
    g_warning (_("Cannot mark the inbound message from %s to %s as delivered in %s: %s"),
               group->source_addr, group->dest_addr, inbound->hold_dir, g_strerror (errno));
}

void
sr_inbound_store_remove (SrInbound *inbound, const SrInboundGroup *group)
{
  /* the mark last: parts left without it would be delivered again */
  for (guint i = 0; i <= group->total; i++)
    {
      guint seq = i < group->total ? i + 1 : 0;
      g_autofree char *path = NULL;

      if (seq != 0 && group->parts[i] == NULL)
        continue;
      path = part_path (inbound, group, seq);
      if (g_unlink (path) < 0 && errno != ENOENT)
        g_warning (_("Cannot remove the held inbound part %s: %s"), path, g_strerror (errno));
    }
}

/* Part files whose removal waits (see SR_INBOUND_LINGER_S). */
typedef struct {
  gint64 at;               /* real time µs */
  GPtrArray *paths;
} SrInboundLinger;

static void
linger_free (SrInboundLinger *l)
{
  g_ptr_array_unref (l->paths);
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
      for (guint i = 0; i < l->paths->len; i++)
        if (g_unlink (l->paths->pdata[i]) < 0 && errno != ENOENT)
          g_warning (_("Cannot remove the held inbound part %s: %s"),
                     (char *) l->paths->pdata[i], g_strerror (errno));
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
sr_inbound_store_linger (SrInbound *inbound, const SrInboundGroup *group)
{
  SrInboundLinger *l = g_new0 (SrInboundLinger, 1);

  l->at = g_get_real_time () + (gint64) SR_INBOUND_LINGER_S * G_USEC_PER_SEC;
  l->paths = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < group->total; i++)
    if (group->parts[i] != NULL)
      g_ptr_array_add (l->paths, part_path (inbound, group, i + 1));
  g_ptr_array_add (l->paths, part_path (inbound, group, 0));   /* the mark last */
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

/* "<40 hex digits>.<first seen>.<part>": a part file (part 0: the
 * delivered mark); anything else is a temporary left by an interrupted
 * write. */
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

static SrInboundPart *
part_from_file (GKeyFile *kf, GError **error)
{
  g_autofree char *hex = g_key_file_get_string (kf, PART_GROUP, "body", error);
  g_autoptr(GByteArray) body = g_byte_array_new ();
  SrInboundPart *part;
  gsize n;

  if (hex == NULL)
    return NULL;
  n = strlen (hex);
  if (n % 2 != 0)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, _("odd-length body"));
      return NULL;
    }
  for (gsize i = 0; i < n; i += 2)
    {
      int hi = g_ascii_xdigit_value (hex[i]), lo = g_ascii_xdigit_value (hex[i + 1]);
      guint8 b;

      if (hi < 0 || lo < 0)
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       _("body is not hex"));
          return NULL;
        }
      b = (guint8) (hi << 4 | lo);
      g_byte_array_append (body, &b, 1);
    }
  part = sr_inbound_part_new (body->data, body->len,
                              (guint8) g_key_file_get_integer (kf, PART_GROUP, "data-coding", NULL),
                              (guint8) g_key_file_get_integer (kf, PART_GROUP, "esm-class", NULL),
                              g_key_file_get_int64 (kf, PART_GROUP, "received", NULL));
  /* The UDH is parsed again; the SAR fields only live in the file. */
  sr_inbound_part_classify (part, NULL);
  if (g_key_file_get_integer (kf, PART_GROUP, "concat", NULL) == SR_INBOUND_SAR)
    {
      part->concat = SR_INBOUND_SAR;
      part->ref = (guint16) g_key_file_get_integer (kf, PART_GROUP, "ref", NULL);
      part->total = (guint) g_key_file_get_integer (kf, PART_GROUP, "total", NULL);
      part->seq = (guint) g_key_file_get_integer (kf, PART_GROUP, "seq", NULL);
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

void
sr_inbound_store_load (SrInbound *inbound)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (inbound->hold_dir, 0, &error);
  g_autoptr(GHashTable) found = NULL;
  g_autoptr(GHashTable) marks = NULL;   /* "<hash>.<first seen>" of delivered messages */
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
  marks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (inbound->hold_dir, name, NULL);
      g_autoptr(GKeyFile) kf = g_key_file_new ();
      g_autoptr(GError) local = NULL;
      g_autofree char *provider = NULL, *source = NULL, *dest = NULL, *key = NULL;
      SrInboundPart *part;
      SrInboundGroup *group;
      gint64 first_seen;

      if (!is_part_name (name))
        {
          /* a temporary of an interrupted write: its part was never answered */
          g_unlink (path);
          continue;
        }
      if (g_str_has_suffix (name, ".0"))
        {
          g_hash_table_insert (marks, g_strndup (name, strlen (name) - 2), g_steal_pointer (&path));
          continue;
        }
      if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local) ||
          (part = part_from_file (kf, &local)) == NULL)
        {
          g_warning (_("Ignoring the damaged held inbound part %s: %s"), path, local->message);
          continue;
        }
      provider = g_key_file_get_string (kf, PART_GROUP, "provider", NULL);
      source = g_key_file_get_string (kf, PART_GROUP, "source", NULL);
      dest = g_key_file_get_string (kf, PART_GROUP, "destination", NULL);
      first_seen = g_key_file_get_int64 (kf, PART_GROUP, "first-seen", NULL);
      if (provider == NULL || source == NULL || dest == NULL)
        {
          g_warning (_("Ignoring the held inbound part %s: provider or addresses missing"), path);
          sr_inbound_part_free (part);
          continue;
        }
      key = sr_inbound_part_key (provider, source, dest, part);
      {
        g_autofree char *id = g_strdup_printf ("%s\x1f%" G_GINT64_FORMAT, key, first_seen);
        group = g_hash_table_lookup (found, id);
        if (group == NULL)
          {
            group = sr_inbound_group_new (inbound, key, part, provider, source,
                                          (guint8) g_key_file_get_integer (kf, PART_GROUP, "source-ton", NULL),
                                          dest,
                                          (guint8) g_key_file_get_integer (kf, PART_GROUP, "destination-ton", NULL),
                                          first_seen);
            g_hash_table_insert (found, g_steal_pointer (&id), group);
          }
      }
      if (part->total != group->total)
        {
          sr_inbound_part_free (part);
          continue;
        }
      sr_inbound_group_add (group, part);
    }

  g_hash_table_iter_init (&iter, found);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SrInboundGroup *group = value;
      g_autofree char *id = g_strdup_printf ("%s.%" G_GINT64_FORMAT, group->hash, group->first_seen);

      group->was_delivered = g_hash_table_remove (marks, id);
      if (!group->was_delivered)
        g_message (_("Recovered %u of %u parts of an inbound message from %s to %s"),
                   group->have, group->total, group->source_addr, group->dest_addr);
      sr_inbound_group_recovered (inbound, group);
    }
  /* marks whose parts were removed already */
  g_hash_table_iter_init (&iter, marks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_unlink (value);
}
