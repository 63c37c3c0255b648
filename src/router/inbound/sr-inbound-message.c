/* sr-inbound-message.c — turning a group of parts into an inbox file. */
#define G_LOG_DOMAIN "sr-inbound"

#include "sr-inbound-private.h"
#include "sr-message.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

/* Marks where missing parts of an incomplete message would have been. */
#define SR_INBOUND_GAP " [\xe2\x80\xa6] "

static SrUserData
part_user_data (const SrInboundPart *part, SrDataCoding0 dc0)
{
  SrDataCodingInfo info;
  SrUserData ud;

  sr_data_coding_parse (part->data_coding, dc0, &info);
  ud.data = part->body ? part->body + part->udh_len : (const guint8 *) "";
  ud.len = part->len - part->udh_len;
  ud.fill_bits = info.alphabet == SR_ALPHABET_GSM && info.packed && part->udh_len > 0
                 ? sr_udh_fill_bits (part->udh_len) : 0;
  return ud;
}

/* Adds what @from says about its octets to @into. */
static void
merge_flags (SrDecoded *into, const SrDecoded *from)
{
  into->flags |= from->flags;
  into->undecodable += from->undecodable;
  if (from->problem != NULL && into->problem == NULL)
    into->problem = g_strdup (from->problem);
}

SrDecoded *
sr_inbound_group_decode (const SrInboundGroup *group, SrDataCoding0 dc0)
{
  const SrInboundPart *first = NULL;
  g_autofree SrUserData *run = NULL;
  GString *text;
  SrDecoded *out;
  guint n_run = 0;
  gboolean gap = FALSE;

  if (group->total == 1 && group->parts[0] != NULL)
    {
      const SrInboundPart *p = group->parts[0];
      return sr_decode_sm (p->body ? p->body : (const guint8 *) "", p->len, p->esm_class,
                           p->data_coding, dc0);
    }

  /* Parts next to each other are decoded together (an escape or surrogate
   * pair may be cut between them); runs are joined around a gap mark.  A
   * UCS-2 part of an odd length ends its run: joined, its half character
   * would shift every character of the parts after it. */
  out = g_new0 (SrDecoded, 1);
  out->message_class = -1;
  text = g_string_new (NULL);
  run = g_new0 (SrUserData, group->total);
  for (guint i = 0; i <= group->total; i++)
    {
      const SrInboundPart *p = i < group->total ? group->parts[i] : NULL;

      if (p != NULL)
        {
          SrDataCodingInfo info;

          if (first == NULL)
            first = p;
          run[n_run++] = part_user_data (p, dc0);
          sr_data_coding_parse (first->data_coding, dc0, &info);
          if (info.alphabet != SR_ALPHABET_UCS2 || run[n_run - 1].len % 2 == 0)
            continue;
        }
      if (n_run > 0)
        {
          g_autoptr(SrDecoded) d = sr_decode_user_data (run, n_run, first->data_coding, dc0);

          g_string_append (text, d->text);
          merge_flags (out, d);
          out->alphabet = d->alphabet;
          out->message_class = d->message_class;
          n_run = 0;
          gap = FALSE;
        }
      if (i < group->total && p == NULL && !gap)
        {
          g_string_append (text, SR_INBOUND_GAP);
          gap = TRUE;
        }
    }
  if (first == NULL)
    out->alphabet = SR_ALPHABET_GSM;
  out->text = g_string_free (text, FALSE);
  return out;
}

char *
sr_inbound_group_parts_list (const SrInboundGroup *group)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < group->total; i++)
    if (group->parts[i] != NULL)
      g_string_append_printf (s, "%s%u", s->len ? "," : "", i + 1);
  return g_string_free (s, FALSE);
}

char *
sr_inbound_file_name (const SrInbound *inbound, const SrInboundGroup *group)
{
  /* Same shape as the spool's unique names; the group's hash and first
   * sight make it unique and the same again after a crash. */
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%06dM%.16s.%s",
                          group->first_seen / G_USEC_PER_SEC,
                          (int) (group->first_seen % G_USEC_PER_SEC),
                          group->hash, inbound->host);
}

/* Header values are one line of text (see sr_message_append_header_value). */
static void
append_header (GString *out, const char *name, const char *value)
{
  const char *pair[] = { name, value ? value : "", NULL };

  sr_message_append_headers (out, pair, FALSE);
}

char *
sr_inbound_address_shown (const char *addr)
{
  GString *s = g_string_new (NULL);

  sr_message_append_header_value (s, addr, -1);
  return g_string_free (s, FALSE);
}

GString *
sr_inbound_format_file (const SrInboundFileInfo *info)
{
  GString *out = g_string_sized_new (256 + strlen (info->decoded->text));
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (info->received_at / G_USEC_PER_SEC);
  g_autofree char *received = dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("");
  char num[32];
  const SrDecoded *d = info->decoded;

  append_header (out, "From", info->sender);
  append_header (out, "To", info->recipient);
  append_header (out, "Received", received);
  append_header (out, "Alphabet", sr_alphabet_to_string (d->alphabet));
  g_snprintf (num, sizeof num, "%u", info->total);
  append_header (out, "Parts", num);
  append_header (out, "Provider", info->provider);
  if (info->keyword != NULL)
    append_header (out, "Keyword", info->keyword);
  if (d->message_class == 0)
    append_header (out, "Flash", "yes");
  if (info->incomplete_parts != NULL)
    {
      g_autofree char *v = g_strdup_printf ("parts %s of %u", info->incomplete_parts, info->total);
      append_header (out, "X-Incomplete", v);
    }
  if (d->flags & SR_DECODE_FLAG_BINARY)
    append_header (out, "X-Binary", (d->flags & SR_DECODE_FLAG_BAD_UDH)
                   ? "hex (malformed user data header: the whole message as received)"
                   : "hex (8-bit data as received)");
  if (d->flags & SR_DECODE_FLAG_UNDECODABLE)
    {
      g_autofree char *v = g_strdup_printf ("%u characters (shown as U+FFFD)", d->undecodable);
      append_header (out, "X-Undecodable", v);
    }
  if (d->problem != NULL)
    append_header (out, "X-Problem", d->problem);
  g_string_append_c (out, '\n');
  g_string_append (out, d->text);
  if (out->len == 0 || out->str[out->len - 1] != '\n')
    g_string_append_c (out, '\n');
  return out;
}
