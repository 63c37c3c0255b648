/* sr-sim-mo.c — MO specs (`from=...,to=...,text=...`) into deliver_sm PDUs.
 *
 * Texts are encoded and split by the router's own encoding module, so the
 * simulator sends exactly what a standard SMSC would; the spec can then
 * reorder, duplicate or drop parts to exercise reassembly.
 */
#define G_LOG_DOMAIN "sr-sim"

#include "sr-sim-private.h"
#include "sr-split.h"
#include "sr-udh.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Octets per binary part: single, and after an 8- or 16-bit concatenation UDH. */
#define BINARY_SINGLE 140

/* A parsed MO spec. */
typedef struct {
  char *from;
  char *to;
  int from_ton, from_npi, to_ton, to_npi;   /* -1 = from the address form */
  char *text;
  GBytes *binary;
  char *coding;
  SrSplitMethod split;
  GArray *order;          /* 1-based part numbers (guint) */
  GArray *dup;
  GArray *drop;
  int ref;                /* -1 = next from the counter */
  guint repeat;
  guint8 esm;
  guint8 pid;
  int dc;                 /* -1 = from the coding */
  char *system_id;
} MoSpec;

static void
mo_spec_clear (MoSpec *spec)
{
  g_free (spec->from);
  g_free (spec->to);
  g_free (spec->text);
  g_clear_pointer (&spec->binary, g_bytes_unref);
  g_free (spec->coding);
  g_array_unref (spec->order);
  g_array_unref (spec->dup);
  g_array_unref (spec->drop);
  g_free (spec->system_id);
}

static const char *const known_keys[] = {
  "from", "to", "text", "hex", "coding", "split", "order", "dup", "drop", "ref", "repeat",
  "esm", "pid", "dc", "system-id", "from-ton", "from-npi", "to-ton", "to-npi", NULL,
};

static gboolean
is_known_key (const char *token)
{
  const char *eq = strchr (token, '=');
  gsize i;

  if (eq == NULL)
    return FALSE;
  for (i = 0; known_keys[i] != NULL; i++)
    if (strlen (known_keys[i]) == (gsize) (eq - token)
        && strncmp (known_keys[i], token, eq - token) == 0)
      return TRUE;
  return FALSE;
}

/* Splits at commas not preceded by a backslash; a piece that does not start
 * with a known key continues the previous value (so order=3,1,2 and texts
 * with commas work). */
static GPtrArray *
tokenize (const char *spec)
{
  GPtrArray *pairs = g_ptr_array_new_with_free_func (g_free);
  GString *piece = g_string_new (NULL);
  const char *p;

  for (p = spec;; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        {
          g_string_append_c (piece, *p++);
          g_string_append_c (piece, *p);
          continue;
        }
      if (*p == ',' || *p == '\0')
        {
          if (is_known_key (piece->str) || pairs->len == 0)
            g_ptr_array_add (pairs, g_strdup (piece->str));
          else
            {
              char *prev = g_ptr_array_index (pairs, pairs->len - 1);
              pairs->pdata[pairs->len - 1] = g_strconcat (prev, ",", piece->str, NULL);
              g_free (prev);
            }
          g_string_truncate (piece, 0);
          if (*p == '\0')
            break;
          continue;
        }
      g_string_append_c (piece, *p);
    }
  g_string_free (piece, TRUE);
  return pairs;
}

static gboolean
parse_number (const char *spec, const char *key, const char *value, guint max, guint *out,
              GError **error)
{
  guint64 v;
  gboolean hex = value[0] == '0' && (value[1] == 'x' || value[1] == 'X');

  if (!g_ascii_string_to_unsigned (hex ? value + 2 : value, hex ? 16 : 10, 0, max, &v, NULL))
    {
      g_set_error (error, SR_SIM_ERROR, SR_SIM_ERROR_INVALID_MO,
                   _("Invalid MO spec “%s”: %s=%s is not a number from 0 to %u."),
                   spec, key, value, max);
      return FALSE;
    }
  *out = (guint) v;
  return TRUE;
}

static gboolean
parse_list (const char *spec, const char *key, const char *value, GArray *list, GError **error)
{
  g_auto(GStrv) items = g_strsplit (value, ",", -1);
  guint i;

  for (i = 0; items[i] != NULL; i++)
    {
      guint n;
      if (!parse_number (spec, key, g_strstrip (items[i]), 255, &n, error))
        return FALSE;
      if (n == 0)
        {
          g_set_error (error, SR_SIM_ERROR, SR_SIM_ERROR_INVALID_MO,
                       _("Invalid MO spec “%s”: parts in %s= are numbered from 1."), spec, key);
          return FALSE;
        }
      g_array_append_val (list, n);
    }
  return TRUE;
}

static gboolean
parse_spec (const char *text, MoSpec *spec, GError **error)
{
  g_autoptr(GPtrArray) pairs = tokenize (text);
  guint i, n;

  memset (spec, 0, sizeof *spec);
  spec->from_ton = spec->from_npi = spec->to_ton = spec->to_npi = -1;
  spec->ref = -1;
  spec->dc = -1;
  spec->repeat = 1;
  spec->split = SR_SPLIT_UDH8;
  spec->order = g_array_new (FALSE, FALSE, sizeof (guint));
  spec->dup = g_array_new (FALSE, FALSE, sizeof (guint));
  spec->drop = g_array_new (FALSE, FALSE, sizeof (guint));

  for (i = 0; i < pairs->len; i++)
    {
      const char *pair = g_ptr_array_index (pairs, i);
      const char *eq = strchr (pair, '=');
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;

      if (pair[0] == '\0' && pairs->len == 1)
        break;
      if (eq == NULL || !is_known_key (pair))
        {
          g_set_error (error, SR_SIM_ERROR, SR_SIM_ERROR_INVALID_MO,
                       _("Invalid MO spec “%s”: “%s” is not KEY=VALUE with a known key "
                         "(from, to, text, hex, coding, split, order, dup, drop, ref, repeat, "
                         "esm, pid, dc, system-id, from-ton, from-npi, to-ton, to-npi)."),
                       text, pair);
          return FALSE;
        }
      key = g_strndup (pair, eq - pair);
      value = g_strcompress (eq + 1);

      if (strcmp (key, "from") == 0)
        g_free (spec->from), spec->from = g_steal_pointer (&value);
      else if (strcmp (key, "to") == 0)
        g_free (spec->to), spec->to = g_steal_pointer (&value);
      else if (strcmp (key, "text") == 0)
        g_free (spec->text), spec->text = g_steal_pointer (&value);
      else if (strcmp (key, "hex") == 0)
        {
          gsize len = strlen (value), j;
          guint8 *bytes;
          if (len % 2 != 0)
            {
              g_set_error (error, SR_SIM_ERROR, SR_SIM_ERROR_INVALID_MO,
                           _("Invalid MO spec “%s”: hex= needs an even number of hex digits."), text);
              return FALSE;
            }
          bytes = g_malloc (len / 2 + 1);
          for (j = 0; j < len / 2; j++)
            {
              int hi = g_ascii_xdigit_value (value[2 * j]), lo = g_ascii_xdigit_value (value[2 * j + 1]);
              if (hi < 0 || lo < 0)
                {
                  g_free (bytes);
                  g_set_error (error, SR_SIM_ERROR, SR_SIM_ERROR_INVALID_MO,
                               _("Invalid MO spec “%s”: hex= holds a character that is not a hex digit."),
                               text);
                  return FALSE;
                }
              bytes[j] = (guint8) (hi << 4 | lo);
            }
          g_clear_pointer (&spec->binary, g_bytes_unref);
          spec->binary = g_bytes_new_take (bytes, len / 2);
        }
      else if (strcmp (key, "coding") == 0)
        {
          if (strcmp (value, "gsm") != 0 && strcmp (value, "ucs2") != 0 && strcmp (value, "latin1") != 0
              && strcmp (value, "binary") != 0 && strcmp (value, "auto") != 0)
            {
              g_set_error (error, SR_SIM_ERROR, SR_SIM_ERROR_INVALID_MO,
                           _("Invalid MO spec “%s”: coding must be auto, gsm, ucs2, latin1 or binary."),
                           text);
              return FALSE;
            }
          g_free (spec->coding), spec->coding = g_steal_pointer (&value);
        }
      else if (strcmp (key, "split") == 0)
        {
          if (strcmp (value, "udh8") == 0)
            spec->split = SR_SPLIT_UDH8;
          else if (strcmp (value, "udh16") == 0)
            spec->split = SR_SPLIT_UDH16;
          else if (strcmp (value, "sar") == 0)
            spec->split = SR_SPLIT_SAR;
          else if (strcmp (value, "payload") == 0)
            spec->split = SR_SPLIT_PAYLOAD;
          else
            {
              g_set_error (error, SR_SIM_ERROR, SR_SIM_ERROR_INVALID_MO,
                           _("Invalid MO spec “%s”: split must be udh8, udh16, sar or payload."), text);
              return FALSE;
            }
        }
      else if (strcmp (key, "order") == 0)
        {
          if (!parse_list (text, key, value, spec->order, error))
            return FALSE;
        }
      else if (strcmp (key, "dup") == 0)
        {
          if (!parse_list (text, key, value, spec->dup, error))
            return FALSE;
        }
      else if (strcmp (key, "drop") == 0)
        {
          if (!parse_list (text, key, value, spec->drop, error))
            return FALSE;
        }
      else if (strcmp (key, "system-id") == 0)
        g_free (spec->system_id), spec->system_id = g_steal_pointer (&value);
      else
        {
          /* The numeric keys. */
          guint max = strcmp (key, "ref") == 0 ? 0xFFFF : strcmp (key, "repeat") == 0 ? 1000 : 255;
          if (!parse_number (text, key, value, max, &n, error))
            return FALSE;
          if (strcmp (key, "ref") == 0) spec->ref = (int) n;
          else if (strcmp (key, "repeat") == 0) spec->repeat = MAX (n, 1);
          else if (strcmp (key, "esm") == 0) spec->esm = (guint8) n;
          else if (strcmp (key, "pid") == 0) spec->pid = (guint8) n;
          else if (strcmp (key, "dc") == 0) spec->dc = (int) n;
          else if (strcmp (key, "from-ton") == 0) spec->from_ton = (int) n;
          else if (strcmp (key, "from-npi") == 0) spec->from_npi = (int) n;
          else if (strcmp (key, "to-ton") == 0) spec->to_ton = (int) n;
          else if (strcmp (key, "to-npi") == 0) spec->to_npi = (int) n;
        }
    }
  return TRUE;
}

/* Wire form and TON/NPI of an address: +digits international (1/1), digits
 * unknown/ISDN (0/1), anything else alphanumeric (5/0). */
static gboolean
set_address (const char *spec, const char *addr, int ton, int npi, char *out, gsize size,
             guint8 *out_ton, guint8 *out_npi, GError **error)
{
  const char *p;
  gboolean digits = addr[0] != '\0';
  const char *wire = addr[0] == '+' ? addr + 1 : addr;

  for (p = wire; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      digits = FALSE;
  if (strlen (wire) > SR_PDU_ADDR_MAX)
    {
      g_set_error (error, SR_SIM_ERROR, SR_SIM_ERROR_INVALID_MO,
                   _("Invalid MO spec “%s”: the address “%s” is longer than %d characters."),
                   spec, addr, SR_PDU_ADDR_MAX);
      return FALSE;
    }
  g_strlcpy (out, digits ? wire : addr, size);
  *out_ton = ton >= 0 ? ton : !digits ? 5 : addr[0] == '+' ? 1 : 0;
  *out_npi = npi >= 0 ? npi : digits ? 1 : 0;
  return TRUE;
}

static gboolean
list_has (GArray *list, guint n)
{
  guint i;

  for (i = 0; i < list->len; i++)
    if (g_array_index (list, guint, i) == n)
      return TRUE;
  return FALSE;
}

/* Binary data split by hand: octets have no characters to keep whole. */
static SrSplit *
split_binary (GBytes *bytes, SrSplitMethod method, guint16 ref, GError **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  gsize udh = method == SR_SPLIT_UDH16 ? 7 : method == SR_SPLIT_UDH8 ? 6 : 0;
  gsize per = len <= BINARY_SINGLE || method == SR_SPLIT_PAYLOAD ? MAX (len, 1) : BINARY_SINGLE - udh;
  guint parts = (guint) ((len + per - 1) / per);
  SrSplit *split;
  guint8 *buf;
  guint i;

  if (parts == 0)
    parts = 1;
  if (parts > SR_SPLIT_MAX_PARTS || (method == SR_SPLIT_PAYLOAD && len > SR_SPLIT_PAYLOAD_MAX))
    {
      g_set_error (error, SR_SIM_ERROR, SR_SIM_ERROR_INVALID_MO, _("The binary MO data is too long."));
      return NULL;
    }
  split = g_malloc0 (sizeof *split + parts * sizeof (SrSegment) + len + parts * 8);
  split->segments = (SrSegment *) (split + 1);
  buf = (guint8 *) (split->segments + parts);
  split->alphabet = SR_ALPHABET_BINARY;
  split->parts = split->n_segments = parts;
  for (i = 0; i < parts; i++)
    {
      SrSegment *seg = &split->segments[i];
      gsize off = i * per, n = MIN (per, len - off), h = 0;

      if (parts > 1 && method == SR_SPLIT_UDH8)
        h = sr_udh_write_concat8 (buf, ref & 0xFF, parts, i + 1);
      else if (parts > 1 && method == SR_SPLIT_UDH16)
        h = sr_udh_write_concat16 (buf, ref, parts, i + 1);
      memcpy (buf + h, data + off, n);
      seg->data = buf;
      seg->length = h + n;
      seg->esm_class = h > 0 ? SR_ESM_CLASS_UDHI : 0;
      seg->data_coding = 0x04;
      seg->payload = method == SR_SPLIT_PAYLOAD;
      if (parts > 1 && method == SR_SPLIT_SAR)
        {
          seg->sar = TRUE;
          seg->sar_msg_ref_num = ref;
          seg->sar_total_segments = parts;
          seg->sar_segment_seqnum = i + 1;
        }
      buf += h + n;
    }
  return split;
}

static gboolean
build_part (SrSim *sim, const MoSpec *spec, const char *text, const SrSegment *seg,
            GPtrArray *deliveries, GError **error)
{
  SrPdu pdu;
  g_autoptr(GByteArray) packed = g_byte_array_sized_new (64 + seg->length);
  gsize len;

  sr_pdu_init (&pdu, SR_CMD_DELIVER_SM, 1);   /* the real one is set at each send */
  if (!set_address (text, spec->from != NULL ? spec->from : "+41791234567", spec->from_ton,
                    spec->from_npi, pdu.source_addr, sizeof pdu.source_addr,
                    &pdu.source_addr_ton, &pdu.source_addr_npi, error)
      || !set_address (text, spec->to != NULL ? spec->to : "+41790000000", spec->to_ton,
                       spec->to_npi, pdu.destination_addr, sizeof pdu.destination_addr,
                       &pdu.dest_addr_ton, &pdu.dest_addr_npi, error))
    return FALSE;
  pdu.esm_class = seg->esm_class | spec->esm;
  pdu.protocol_id = spec->pid;
  pdu.data_coding = spec->dc >= 0 ? (guint8) spec->dc : seg->data_coding;
  if (seg->payload)
    {
      pdu.tlv_mask |= SR_TLV_MESSAGE_PAYLOAD;
      pdu.message_payload = seg->data;
      pdu.message_payload_len = seg->length;
    }
  else
    {
      memcpy (pdu.short_message, seg->data, MIN (seg->length, sizeof pdu.short_message));
      pdu.sm_length = seg->length;
    }
  if (seg->sar)
    {
      pdu.tlv_mask |= SR_TLV_SAR_MSG_REF_NUM | SR_TLV_SAR_TOTAL_SEGMENTS | SR_TLV_SAR_SEGMENT_SEQNUM;
      pdu.sar_msg_ref_num = seg->sar_msg_ref_num;
      pdu.sar_total_segments = seg->sar_total_segments;
      pdu.sar_segment_seqnum = seg->sar_segment_seqnum;
    }
  if (!sr_pdu_pack (&pdu, packed, error))
    {
      g_prefix_error (error, _("Cannot build the MO message “%s”: "), text);
      return FALSE;
    }
  len = packed->len;
  g_ptr_array_add (deliveries, sr_sim_delivery_new (sim, spec->system_id,
                                                    g_byte_array_free (g_steal_pointer (&packed), FALSE),
                                                    len, FALSE));
  return TRUE;
}

gboolean
sr_sim_mo_build (SrSim *sim, const char *text, GPtrArray *deliveries, GError **error)
{
  MoSpec spec;
  g_autoptr(SrSplit) split = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GArray) sequence = g_array_new (FALSE, FALSE, sizeof (guint));
  guint16 ref;
  guint i, n;
  gboolean ok = FALSE;

  if (!parse_spec (text, &spec, error))
    goto out;

  ref = spec.ref >= 0 ? (guint16) spec.ref : ++sim->mo_ref;
  if (g_strcmp0 (spec.coding, "binary") == 0 || (spec.binary != NULL && spec.text == NULL))
    {
      g_autoptr(GBytes) bytes = spec.binary != NULL ? g_bytes_ref (spec.binary)
                                : g_bytes_new (spec.text, spec.text ? strlen (spec.text) : 0);
      split = split_binary (bytes, spec.split, ref, error);
    }
  else
    {
      SrAlphabet alphabet = g_strcmp0 (spec.coding, "gsm") == 0 ? SR_ALPHABET_GSM
                          : g_strcmp0 (spec.coding, "ucs2") == 0 ? SR_ALPHABET_UCS2
                          : g_strcmp0 (spec.coding, "latin1") == 0 ? SR_ALPHABET_LATIN1
                          : SR_ALPHABET_AUTO;
      GString *body = g_string_new (NULL);

      for (i = 0; i < spec.repeat; i++)
        g_string_append (body, spec.text != NULL ? spec.text : "");
      split = sr_split_message (body->str, alphabet, spec.split, SR_SPLIT_MAX_PARTS,
                                SR_DC0_GSM_UNPACKED, ref, &local_error);
      g_string_free (body, TRUE);
      if (split == NULL)
        g_set_error (error, SR_SIM_ERROR, SR_SIM_ERROR_INVALID_MO,
                     _("Cannot encode the MO message “%s”: %s"), text, local_error->message);
    }
  if (split == NULL)
    goto out;

  /* The order of parts on the wire: order= first, the rest in turn. */
  for (i = 0; i < spec.order->len; i++)
    {
      n = g_array_index (spec.order, guint, i);
      if (n <= split->n_segments && !list_has (sequence, n))
        g_array_append_val (sequence, n);
    }
  for (n = 1; n <= split->n_segments; n++)
    if (!list_has (sequence, n))
      g_array_append_val (sequence, n);

  for (i = 0; i < sequence->len; i++)
    {
      n = g_array_index (sequence, guint, i);
      if (list_has (spec.drop, n))
        continue;
      if (!build_part (sim, &spec, text, &split->segments[n - 1], deliveries, error))
        goto out;
      if (list_has (spec.dup, n)
          && !build_part (sim, &spec, text, &split->segments[n - 1], deliveries, error))
        goto out;
    }
  ok = TRUE;

out:
  mo_spec_clear (&spec);
  if (!ok)
    g_ptr_array_set_size (deliveries, 0);
  return ok;
}
