/* sr-receipt.c — parsing delivery receipts and mapping their states.
 *
 * The text format is SMPP 3.4 Appendix B, which is informative only:
 * SMSCs vary case and spacing, drop fields and add seconds to the dates,
 * so the parser looks for each "key:" wherever a word starts. */
#define G_LOG_DOMAIN "sr-receipt"

#include "sr-receipt.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (sr-receipt-error-quark, sr_receipt_error)

/* The fields of the receipt text. */
typedef enum {
  FIELD_ID,
  FIELD_SUB,
  FIELD_DLVRD,
  FIELD_SUBMIT_DATE,
  FIELD_DONE_DATE,
  FIELD_STAT,
  FIELD_ERR,
  FIELD_TEXT,
} Field;

/* A key: one or two words ("submit date") before the ':'. */
typedef struct {
  const char *word1, *word2;
  Field field;
} FieldKey;

static const FieldKey field_keys[] = {
  { "id", NULL, FIELD_ID },
  { "sub", NULL, FIELD_SUB },
  { "dlvrd", NULL, FIELD_DLVRD },
  { "submit", "date", FIELD_SUBMIT_DATE },
  { "done", "date", FIELD_DONE_DATE },
  { "stat", NULL, FIELD_STAT },
  { "err", NULL, FIELD_ERR },
  { "text", NULL, FIELD_TEXT },
};

/* The state names of the message_state TLV, 1..8, in receipt-text form. */
static const char *const message_state_names[] = {
  NULL, "ENROUTE", "DELIVRD", "EXPIRED", "DELETED", "UNDELIV", "ACCEPTD", "UNKNOWN", "REJECTD",
};

SrReceiptPart
sr_receipt_part_from_stat (const char *stat)
{
  static const struct { const char *name; SrReceiptPart state; } map[] = {
    { "DELIVRD", SR_RECEIPT_PART_DELIVERED },
    { "DELIVERED", SR_RECEIPT_PART_DELIVERED },
    { "EXPIRED", SR_RECEIPT_PART_FAILED },
    { "DELETED", SR_RECEIPT_PART_FAILED },
    { "UNDELIV", SR_RECEIPT_PART_FAILED },
    { "UNDELIVERABLE", SR_RECEIPT_PART_FAILED },
    { "REJECTD", SR_RECEIPT_PART_FAILED },
    { "REJECTED", SR_RECEIPT_PART_FAILED },
    { "ACCEPTD", SR_RECEIPT_PART_INTERMEDIATE },
    { "ACCEPTED", SR_RECEIPT_PART_INTERMEDIATE },
    { "ENROUTE", SR_RECEIPT_PART_INTERMEDIATE },
    { "UNKNOWN", SR_RECEIPT_PART_UNKNOWN },
  };

  if (stat == NULL)
    return SR_RECEIPT_PART_UNKNOWN;
  for (gsize i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_ascii_strcasecmp (stat, map[i].name) == 0)
      return map[i].state;
  return SR_RECEIPT_PART_UNKNOWN;
}

SrReceiptPart
sr_receipt_part_from_message_state (guint8 message_state)
{
  switch (message_state)
    {
    case 2: return SR_RECEIPT_PART_DELIVERED;
    case 3: case 4: case 5: case 8: return SR_RECEIPT_PART_FAILED;
    case 1: case 6: return SR_RECEIPT_PART_INTERMEDIATE;
    case 7: return SR_RECEIPT_PART_UNKNOWN;
    default: return SR_RECEIPT_PART_NONE;
    }
}

const char *
sr_receipt_part_to_string (SrReceiptPart state)
{
  switch (state)
    {
    case SR_RECEIPT_PART_NONE: return "none";
    case SR_RECEIPT_PART_INTERMEDIATE: return "intermediate";
    case SR_RECEIPT_PART_DELIVERED: return "delivered";
    case SR_RECEIPT_PART_FAILED: return "failed";
    case SR_RECEIPT_PART_UNKNOWN: return "unknown";
    }
  return "unknown";
}

SrReceiptOverall
sr_receipt_overall_state (const SrReceiptPart *parts, gsize n_parts)
{
  gboolean all_delivered = n_parts > 0;

  g_return_val_if_fail (parts != NULL || n_parts == 0, SR_RECEIPT_OVERALL_PENDING);

  for (gsize i = 0; i < n_parts; i++)
    {
      if (parts[i] == SR_RECEIPT_PART_FAILED)
        return SR_RECEIPT_OVERALL_FAILED;
      if (parts[i] != SR_RECEIPT_PART_DELIVERED)
        all_delivered = FALSE;
    }
  return all_delivered ? SR_RECEIPT_OVERALL_DELIVERED : SR_RECEIPT_OVERALL_PENDING;
}

const char *
sr_receipt_overall_to_string (SrReceiptOverall state)
{
  switch (state)
    {
    case SR_RECEIPT_OVERALL_PENDING: return "pending";
    case SR_RECEIPT_OVERALL_DELIVERED: return "delivered";
    case SR_RECEIPT_OVERALL_FAILED: return "failed";
    }
  return "pending";
}

/* ---- text parsing ----------------------------------------------------- */

/* The text being parsed: bytes that need not be NUL-terminated. */
typedef struct {
  const char *s;
  gsize len;
} Text;

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0';
}

/* Matches @word case-insensitively at @pos; returns the position after it. */
static gboolean
match_word (const Text *t, gsize pos, const char *word, gsize *end)
{
  gsize n = strlen (word);

  if (pos + n > t->len || g_ascii_strncasecmp (t->s + pos, word, n) != 0)
    return FALSE;
  *end = pos + n;
  return TRUE;
}

static gsize
skip_spaces (const Text *t, gsize pos)
{
  while (pos < t->len && (t->s[pos] == ' ' || t->s[pos] == '\t'))
    pos++;
  return pos;
}

/* Tries every key at @pos; on success returns the field and sets @after to
 * the position after the ':'. */
static gboolean
match_key (const Text *t, gsize pos, Field *field, gsize *after)
{
  for (gsize i = 0; i < G_N_ELEMENTS (field_keys); i++)
    {
      const FieldKey *k = &field_keys[i];
      gsize p;

      if (!match_word (t, pos, k->word1, &p))
        continue;
      if (k->word2)
        {
          gsize q = p;

          /* "submit date", "submit  date", "submit_date" */
          while (q < t->len && (t->s[q] == ' ' || t->s[q] == '_'))
            q++;
          if (!match_word (t, q, k->word2, &p))
            continue;
        }
      p = skip_spaces (t, p);
      if (p < t->len && t->s[p] == ':')
        {
          *field = k->field;
          *after = p + 1;
          return TRUE;
        }
    }
  return FALSE;
}

/* Copies the value starting at @pos (one word) into @buf; a word that is
 * itself the next "key:" means the value is missing.  Returns the position
 * after the value. */
static gsize
read_word (const Text *t, gsize pos, char *buf, gsize size, gboolean *truncated)
{
  gsize start = skip_spaces (t, pos), end = start, n;
  Field f;
  gsize dummy;

  *truncated = FALSE;
  buf[0] = '\0';
  if (start < t->len && match_key (t, start, &f, &dummy))
    return start;
  while (end < t->len && !is_space (t->s[end]))
    end++;
  n = end - start;
  if (n >= size)
    {
      *truncated = TRUE;
      n = size - 1;
    }
  memcpy (buf, t->s + start, n);
  buf[n] = '\0';
  return end;
}

static gint
parse_count (const char *s)
{
  guint64 v;

  if (*s == '\0' || strlen (s) > 9 || !g_ascii_string_to_unsigned (s, 10, 0, G_MAXINT, &v, NULL))
    return -1;
  return (gint) v;
}

static gint64
days_from_civil (gint y, guint m, guint d)
{
  /* Howard Hinnant's algorithm: days since 1970-01-01. */
  gint era;
  guint yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (guint) (y - era * 400);
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (gint64) era * 146097 + (gint64) doe - 719468;
}

/* YYMMDDhhmm or YYMMDDhhmmss, read as UTC. */
static gboolean
parse_date (const char *s, gint64 *out)
{
  gsize n = strlen (s);
  guint v[6] = { 0 };

  if (n != 10 && n != 12)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  for (gsize i = 0; i < n / 2; i++)
    v[i] = (guint) ((s[2 * i] - '0') * 10 + (s[2 * i + 1] - '0'));
  if (!g_date_valid_dmy ((GDateDay) v[2], (GDateMonth) v[1], (GDateYear) (2000 + v[0]))
      || v[3] > 23 || v[4] > 59 || v[5] > 59)
    return FALSE;
  *out = days_from_civil (2000 + (gint) v[0], v[1], v[2]) * 86400
         + v[3] * 3600 + v[4] * 60 + v[5];
  return TRUE;
}

static gboolean
valid_id (const char *id)
{
  if (*id == '\0' || strlen (id) > SR_RECEIPT_ID_MAX)
    return FALSE;
  for (; *id; id++)
    if (!g_ascii_isgraph (*id))
      return FALSE;
  return TRUE;
}

/* A printable excerpt of @t for error messages. */
static void
excerpt (const Text *t, char *buf, gsize size)
{
  gsize n = MIN (t->len, size - 1);

  for (gsize i = 0; i < n; i++)
    buf[i] = g_ascii_isprint (t->s[i]) ? t->s[i] : '.';
  buf[n] = '\0';
}

static void
copy_text_value (const Text *t, gsize pos, char *buf, gsize size)
{
  gsize start = skip_spaces (t, pos), end = t->len, n;
  const char *valid_end;

  while (end > start && is_space (t->s[end - 1]))
    end--;
  n = MIN (end - start, size - 1);
  memcpy (buf, t->s + start, n);
  buf[n] = '\0';
  /* Cut at the first byte that is not UTF-8 (or where a character was cut). */
  g_utf8_validate (buf, n, &valid_end);
  buf[valid_end - buf] = '\0';
}

static void
parse_text (const Text *t, SrReceipt *out, char *id, gsize id_size, gboolean *id_too_long)
{
  gsize pos = 0;

  *id_too_long = FALSE;
  while (pos < t->len)
    {
      char value[32];
      gboolean truncated;
      Field field;
      gsize after;

      if ((pos > 0 && !is_space (t->s[pos - 1])) || !match_key (t, pos, &field, &after))
        {
          pos++;
          continue;
        }
      switch (field)
        {
        case FIELD_ID:
          pos = read_word (t, after, id, id_size, id_too_long);
          break;
        case FIELD_TEXT:
          copy_text_value (t, after, out->text, sizeof out->text);
          return;
        case FIELD_SUB:
        case FIELD_DLVRD:
        case FIELD_SUBMIT_DATE:
        case FIELD_DONE_DATE:
        case FIELD_STAT:
        case FIELD_ERR:
          pos = read_word (t, after, value, sizeof value, &truncated);
          if (field == FIELD_SUB)
            out->sub = parse_count (value);
          else if (field == FIELD_DLVRD)
            out->dlvrd = parse_count (value);
          else if (field == FIELD_SUBMIT_DATE)
            out->has_submit_date = parse_date (value, &out->submit_date);
          else if (field == FIELD_DONE_DATE)
            out->has_done_date = parse_date (value, &out->done_date);
          else if (field == FIELD_STAT && !truncated)
            g_strlcpy (out->stat, value, sizeof out->stat);
          else if (field == FIELD_ERR && !truncated)
            g_strlcpy (out->err, value, sizeof out->err);
          break;
        }
      if (pos == after)
        pos++;
    }
}

gboolean
sr_receipt_parse (const SrReceiptTlvs *tlvs,
                  const char *text,
                  gsize len,
                  SrReceipt *out,
                  GError **error)
{
  Text t = { text ? text : "", text ? len : 0 };
  char text_id[SR_RECEIPT_ID_MAX + 2];
  gboolean id_too_long = FALSE;
  char shown[48];

  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  out->sub = out->dlvrd = -1;
  text_id[0] = '\0';
  parse_text (&t, out, text_id, sizeof text_id, &id_too_long);
  excerpt (&t, shown, sizeof shown);

  /* The id: receipted_message_id wins over the text. */
  if (tlvs && tlvs->receipted_message_id && *tlvs->receipted_message_id)
    {
      if (!valid_id (tlvs->receipted_message_id))
        {
          g_set_error (error, SR_RECEIPT_ERROR, SR_RECEIPT_ERROR_BAD_ID,
                       _("receipt has an unusable receipted_message_id: it must be 1 to %d "
                         "printable characters without spaces"), SR_RECEIPT_ID_MAX);
          return FALSE;
        }
      g_strlcpy (out->id, tlvs->receipted_message_id, sizeof out->id);
      out->id_from_tlv = TRUE;
    }
  else if (id_too_long || (text_id[0] && !valid_id (text_id)))
    {
      g_set_error (error, SR_RECEIPT_ERROR, SR_RECEIPT_ERROR_BAD_ID,
                   _("receipt has an unusable message id (more than %d characters): '%s'"),
                   SR_RECEIPT_ID_MAX, shown);
      return FALSE;
    }
  else if (text_id[0])
    g_strlcpy (out->id, text_id, sizeof out->id);
  else
    {
      g_set_error (error, SR_RECEIPT_ERROR, SR_RECEIPT_ERROR_NO_ID,
                   _("receipt has no message id (no receipted_message_id TLV and no 'id:' "
                     "in the text): '%s'"), shown);
      return FALSE;
    }

  /* The state: message_state wins over "stat:". */
  if (tlvs && sr_receipt_part_from_message_state (tlvs->message_state) != SR_RECEIPT_PART_NONE)
    {
      out->state = sr_receipt_part_from_message_state (tlvs->message_state);
      g_strlcpy (out->stat, message_state_names[tlvs->message_state], sizeof out->stat);
      out->state_from_tlv = TRUE;
    }
  else if (out->stat[0])
    {
      for (char *p = out->stat; *p; p++)
        *p = g_ascii_toupper (*p);
      out->state = sr_receipt_part_from_stat (out->stat);
    }
  else
    {
      g_set_error (error, SR_RECEIPT_ERROR, SR_RECEIPT_ERROR_NO_STATE,
                   _("receipt for message id %s has no status (no message_state TLV and no "
                     "'stat:' in the text)"), out->id);
      return FALSE;
    }

  if (tlvs && tlvs->has_network_error)
    {
      out->has_network_error = TRUE;
      out->network_type = tlvs->network_type;
      out->network_error = tlvs->network_error;
    }
  return TRUE;
}
