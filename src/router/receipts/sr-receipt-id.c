/* sr-receipt-id.c — SMSC message ids as correlation keys.  SMSCs differ:
 * some answer submit_sm with a hex id and report the same id in decimal in
 * the receipt (or the other way round), some pad with zeros. */
#define G_LOG_DOMAIN "sr-receipt"

#include "sr-receipt.h"

#include <string.h>

/* Lower-cased, trimmed, leading zeros stripped (one "0" kept). */
static void
basic_form (const char *id, char key[SR_RECEIPT_KEY_SIZE])
{
  gsize n = 0;

  while (*id && g_ascii_isspace (*id))
    id++;
  while (id[0] == '0' && id[1] && !g_ascii_isspace (id[1]))
    id++;
  for (; *id && !g_ascii_isspace (*id) && n + 1 < SR_RECEIPT_KEY_SIZE; id++)
    key[n++] = g_ascii_tolower (*id);
  key[n] = '\0';
}

/* TRUE if @s is a number in @base that we convert: hex ids of at most
 * SR_RECEIPT_ID_MAX digits (79 decimal digits, which a key holds); any
 * decimal id (its hex form is shorter). */
static gboolean
all_digits (const char *s, guint base)
{
  if (*s == '\0' || (base == 16 && strlen (s) > SR_RECEIPT_ID_MAX))
    return FALSE;
  for (; *s; s++)
    if (g_ascii_xdigit_value (*s) < 0 || (guint) g_ascii_xdigit_value (*s) >= base)
      return FALSE;
  return TRUE;
}

/* Converts the digits of @in (base @from) to base @to, lower case, no
 * leading zeros.  Schoolbook division: ids are at most 65 digits. */
static void
convert_base (const char *in, guint from, guint to, char out[SR_RECEIPT_KEY_SIZE])
{
  guint8 num[SR_RECEIPT_KEY_SIZE];
  char rev[SR_RECEIPT_KEY_SIZE];
  gsize len = 0, start = 0, n = 0;

  for (; *in && len < sizeof num; in++)
    num[len++] = (guint8) g_ascii_xdigit_value (*in);

  while (start < len && n + 1 < sizeof rev)
    {
      guint rem = 0;

      for (gsize i = start; i < len; i++)
        {
          guint cur = rem * from + num[i];

          num[i] = (guint8) (cur / to);
          rem = cur % to;
        }
      rev[n++] = "0123456789abcdef"[rem];
      while (start < len && num[start] == 0)
        start++;
    }
  if (n == 0)
    rev[n++] = '0';
  for (gsize i = 0; i < n; i++)
    out[i] = rev[n - 1 - i];
  out[n] = '\0';
}

void
sr_receipt_key_for_submit (const char *resp_id, SrIdFormat format, char key[SR_RECEIPT_KEY_SIZE])
{
  char basic[SR_RECEIPT_KEY_SIZE];

  g_return_if_fail (resp_id != NULL);
  g_return_if_fail (key != NULL);

  basic_form (resp_id, basic);
  switch (format)
    {
    case SR_ID_FORMAT_HEX_TO_DEC:
      if (all_digits (basic, 16))
        {
          convert_base (basic, 16, 10, key);
          return;
        }
      break;
    case SR_ID_FORMAT_DEC_TO_HEX:
      if (all_digits (basic, 10))
        {
          convert_base (basic, 10, 16, key);
          return;
        }
      break;
    case SR_ID_FORMAT_AUTO:
    case SR_ID_FORMAT_AS_IS:
      break;
    }
  memcpy (key, basic, sizeof basic);
}

static guint
add_key (char keys[SR_RECEIPT_KEYS_MAX][SR_RECEIPT_KEY_SIZE], guint n, const char *key)
{
  for (guint i = 0; i < n; i++)
    if (strcmp (keys[i], key) == 0)
      return n;
  g_strlcpy (keys[n], key, SR_RECEIPT_KEY_SIZE);
  return n + 1;
}

guint
sr_receipt_keys_for_receipt (const char *receipt_id,
                             SrIdFormat format,
                             char keys[SR_RECEIPT_KEYS_MAX][SR_RECEIPT_KEY_SIZE])
{
  char basic[SR_RECEIPT_KEY_SIZE];
  char conv[SR_RECEIPT_KEY_SIZE];
  guint n = 0;

  g_return_val_if_fail (receipt_id != NULL, 0);
  g_return_val_if_fail (keys != NULL, 0);

  basic_form (receipt_id, basic);
  n = add_key (keys, n, basic);
  if (format != SR_ID_FORMAT_AUTO)
    return n;
  /* The resp id was stored as the SMSC wrote it; the receipt may carry the
   * same number in the other base. */
  if (all_digits (basic, 10))
    {
      convert_base (basic, 10, 16, conv);
      n = add_key (keys, n, conv);
    }
  if (all_digits (basic, 16))
    {
      convert_base (basic, 16, 10, conv);
      n = add_key (keys, n, conv);
    }
  return n;
}

gboolean
sr_receipt_id_matches (const char *resp_id, const char *receipt_id, SrIdFormat format)
{
  char stored[SR_RECEIPT_KEY_SIZE];
  char keys[SR_RECEIPT_KEYS_MAX][SR_RECEIPT_KEY_SIZE];
  guint n;

  g_return_val_if_fail (resp_id != NULL && receipt_id != NULL, FALSE);

  sr_receipt_key_for_submit (resp_id, format, stored);
  n = sr_receipt_keys_for_receipt (receipt_id, format, keys);
  for (guint i = 0; i < n; i++)
    if (strcmp (stored, keys[i]) == 0)
      return TRUE;
  return FALSE;
}

void
sr_receipt_submit_window (const SrReceipt *receipt, gint64 received_at, gint64 *since, gint64 *until)
{
  const gint64 tolerance = (gint64) SR_RECEIPT_SUBMIT_TOLERANCE_S * G_USEC_PER_SEC;

  g_return_if_fail (receipt != NULL && since != NULL && until != NULL);

  /* Nothing submitted after the receipt arrived can be its message. */
  *until = received_at + tolerance;
  if (receipt->has_submit_date)
    {
      gint64 date = receipt->submit_date * G_USEC_PER_SEC;

      *since = date - tolerance;
      *until = MIN (*until, date + tolerance);
    }
  else
    *since = received_at - (gint64) SR_RECEIPT_UNDATED_WINDOW_S * G_USEC_PER_SEC;
  /* 0 would mean "any time" to the journal. */
  *since = MAX (*since, 1);
}
