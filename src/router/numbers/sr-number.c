/* sr-number.c — E.164 normalisation with a per-thread LRU cache, and
 * classification of sender addresses into SMPP TON/NPI. */
#define G_LOG_DOMAIN "sr-number"

#include "sr-number.h"
#include "sr-number-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (sr-number-error-quark, sr_number_error)

G_STATIC_ASSERT (SR_PN_E164_SIZE == SR_NUMBER_E164_SIZE);

/* Entries per thread: the working set of a busy router is its recent
 * destinations; 4096 entries are ~500 KiB per thread. */
#define CACHE_SIZE 4096
/* mode + region (≤ 3) + separator + raw (≤ SR_NUMBER_RAW_MAX) + NUL */
#define KEY_SIZE (1 + 3 + 1 + SR_NUMBER_RAW_MAX + 1)

/* One remembered parse (successful or not), linked in LRU order. */
typedef struct CacheEntry {
  char key[KEY_SIZE];
  SrPnStatus status;
  char e164[SR_NUMBER_E164_SIZE];
  char country[SR_NUMBER_REGION_SIZE];
  struct CacheEntry *prev, *next;   /* most recent at head */
} CacheEntry;

/* A thread's cache: fixed entries, a hash over their keys, LRU list. */
typedef struct {
  GHashTable *index;                /* key (in entry) → CacheEntry */
  CacheEntry *head, *tail;
  guint used;
  CacheEntry entries[CACHE_SIZE];
} NumberCache;

static void
cache_free (gpointer data)
{
  NumberCache *c = data;

  g_hash_table_destroy (c->index);
  g_free (c);
}

static GPrivate cache_key = G_PRIVATE_INIT (cache_free);

static NumberCache *
cache_get (void)
{
  NumberCache *c = g_private_get (&cache_key);

  if (c == NULL)
    {
      c = g_new0 (NumberCache, 1);
      c->index = g_hash_table_new (g_str_hash, g_str_equal);
      g_private_set (&cache_key, c);
    }
  return c;
}

void
sr_number_cache_clear (void)
{
  NumberCache *c = g_private_get (&cache_key);

  if (c == NULL)
    return;
  g_hash_table_remove_all (c->index);
  c->head = c->tail = NULL;
  c->used = 0;
}

static void
lru_unlink (NumberCache *c, CacheEntry *e)
{
  if (e->prev)
    e->prev->next = e->next;
  else
    c->head = e->next;
  if (e->next)
    e->next->prev = e->prev;
  else
    c->tail = e->prev;
  e->prev = e->next = NULL;
}

static void
lru_push_front (NumberCache *c, CacheEntry *e)
{
  e->prev = NULL;
  e->next = c->head;
  if (c->head)
    c->head->prev = e;
  c->head = e;
  if (c->tail == NULL)
    c->tail = e;
}

/* Parses through the cache.  @raw is at most SR_NUMBER_RAW_MAX bytes. */
static SrPnStatus
cached_parse (const char *raw, const char *region, gboolean strict, char *e164, char *country)
{
  NumberCache *c = cache_get ();
  char key[KEY_SIZE];
  CacheEntry *e;

  g_snprintf (key, sizeof key, "%c%.3s\x1f%s", strict ? 'S' : 'P', region ? region : "", raw);
  e = g_hash_table_lookup (c->index, key);
  if (e == NULL)
    {
      char out[SR_NUMBER_E164_SIZE] = "", cc[SR_NUMBER_REGION_SIZE] = "";
      SrPnStatus st = sr_pn_parse (raw, region, strict, out, cc);

      /* Do not remember a transient failure. */
      if (st == SR_PN_FAILED)
        return st;
      if (c->used < CACHE_SIZE)
        e = &c->entries[c->used++];
      else
        {
          e = c->tail;
          g_hash_table_remove (c->index, e->key);
          lru_unlink (c, e);
        }
      memcpy (e->key, key, sizeof key);
      e->status = st;
      memcpy (e->e164, out, sizeof out);
      memcpy (e->country, cc, sizeof cc);
      if (strcmp (e->country, "ZZ") == 0)
        e->country[0] = '\0';
      g_hash_table_insert (c->index, e->key, e);
      lru_push_front (c, e);
    }
  else if (e != c->head)
    {
      lru_unlink (c, e);
      lru_push_front (c, e);
    }
  if (e->status == SR_PN_OK)
    {
      memcpy (e164, e->e164, SR_NUMBER_E164_SIZE);
      if (country)
        memcpy (country, e->country, SR_NUMBER_REGION_SIZE);
    }
  return e->status;
}

static const char *
status_reason (SrPnStatus st)
{
  switch (st)
    {
    case SR_PN_NOT_A_NUMBER: return _("not a phone number");
    case SR_PN_TOO_SHORT: return _("too short");
    case SR_PN_TOO_LONG: return _("too long");
    case SR_PN_FAILED: return _("the number library failed");
    default: return NULL;
    }
}

/* @strict: valid number (destinations) or only a possible one (senders:
 * our own numbers may be in ranges newer than the metadata). */
static gboolean
normalise (const char *raw,
           const char *region,
           gboolean strict,
           char e164[SR_NUMBER_E164_SIZE],
           char country[SR_NUMBER_REGION_SIZE],
           GError **error)
{
  char upper[SR_NUMBER_REGION_SIZE];
  SrPnStatus st;
  const char *reason;
  gsize len;

  g_return_val_if_fail (raw != NULL, FALSE);
  g_return_val_if_fail (e164 != NULL, FALSE);

  while (g_ascii_isspace (*raw))
    raw++;
  len = strlen (raw);
  if (len == 0)
    {
      g_set_error (error, SR_NUMBER_ERROR, SR_NUMBER_ERROR_EMPTY, _("the number is empty"));
      return FALSE;
    }
  if (len > SR_NUMBER_RAW_MAX)
    {
      g_set_error (error, SR_NUMBER_ERROR, SR_NUMBER_ERROR_TOO_LONG,
                   _("not a valid number: '%.20s…' is %zu bytes long, at most %d are allowed"),
                   raw, len, SR_NUMBER_RAW_MAX);
      return FALSE;
    }
  if (!g_utf8_validate (raw, len, NULL))
    {
      g_set_error (error, SR_NUMBER_ERROR, SR_NUMBER_ERROR_INVALID,
                   _("not a valid number: the text is not valid UTF-8"));
      return FALSE;
    }
  if (region && !*region)
    region = NULL;
  /* libphonenumber knows regions in upper case only ("ch" is unknown). */
  if (region && strlen (region) < sizeof upper)
    {
      for (gsize i = 0; i <= strlen (region); i++)
        upper[i] = g_ascii_toupper (region[i]);
      region = upper;
    }

  st = cached_parse (raw, region, strict, e164, country);
  if (st == SR_PN_OK)
    return TRUE;

  if (st == SR_PN_NO_COUNTRY_CODE)
    {
      if (region)
        g_set_error (error, SR_NUMBER_ERROR, SR_NUMBER_ERROR_INVALID,
                     _("not a valid number for region %s: '%s' (unknown country code or region)"),
                     region, raw);
      else
        g_set_error (error, SR_NUMBER_ERROR, SR_NUMBER_ERROR_INVALID,
                     _("not a valid number: '%s' has no country code and no default region is set"),
                     raw);
      return FALSE;
    }
  reason = status_reason (st);
  if (reason)
    g_set_error (error, SR_NUMBER_ERROR, SR_NUMBER_ERROR_INVALID,
                 _("not a valid number for region %s: '%s' (%s)"),
                 region ? region : "ZZ", raw, reason);
  else
    g_set_error (error, SR_NUMBER_ERROR, SR_NUMBER_ERROR_INVALID,
                 _("not a valid number for region %s: '%s'"),
                 region ? region : "ZZ", raw);
  return FALSE;
}

gboolean
sr_number_normalise (const char *raw,
                     const char *region,
                     char e164[SR_NUMBER_E164_SIZE],
                     char country[SR_NUMBER_REGION_SIZE],
                     GError **error)
{
  return normalise (raw, region, TRUE, e164, country, error);
}

char *
sr_number_to_e164 (const char *raw, const char *region, GError **error)
{
  char e164[SR_NUMBER_E164_SIZE];

  if (!sr_number_normalise (raw, region, e164, NULL, error))
    return NULL;
  return g_strdup (e164);
}

gboolean
sr_number_region (const char *e164, char country[SR_NUMBER_REGION_SIZE])
{
  char out[SR_NUMBER_E164_SIZE];

  g_return_val_if_fail (e164 != NULL, FALSE);
  g_return_val_if_fail (country != NULL, FALSE);

  country[0] = '\0';
  if (e164[0] != '+' || strlen (e164) > SR_NUMBER_RAW_MAX)
    return FALSE;
  if (cached_parse (e164, NULL, FALSE, out, country) != SR_PN_OK)
    {
      country[0] = '\0';
      return FALSE;
    }
  return country[0] != '\0';
}

gboolean
sr_number_region_is_known (const char *region)
{
  g_return_val_if_fail (region != NULL, FALSE);
  if (strlen (region) != 2 || !g_ascii_isalpha (region[0]) || !g_ascii_isalpha (region[1]))
    return FALSE;
  char upper[3] = { g_ascii_toupper (region[0]), g_ascii_toupper (region[1]), '\0' };
  return sr_pn_region_known (upper);
}

const char *
sr_address_kind_to_string (SrAddressKind kind)
{
  switch (kind)
    {
    case SR_ADDRESS_INTERNATIONAL: return "international";
    case SR_ADDRESS_ALPHANUMERIC: return "alphanumeric";
    case SR_ADDRESS_SHORT_CODE: return "short-code";
    case SR_ADDRESS_NATIONAL: return "national";
    }
  return "unknown";
}

/* GSM 03.38 default alphabet, without LF, CR and ESC: the characters an
 * alphanumeric sender may use (extension characters take two septets and
 * many SMSCs reject them in addresses). */
static const char gsm_basic[] =
  "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

static gboolean
is_gsm_basic (gunichar c)
{
  char buf[8];
  int n;

  if (c < 0x80)
    return c >= 0x20 && c != '`' && c != '[' && c != ']' && c != '\\' && c != '^'
           && c != '{' && c != '}' && c != '|' && c != '~' && c != 0x7f;
  n = g_unichar_to_utf8 (c, buf);
  buf[n] = '\0';
  return strstr (gsm_basic, buf) != NULL;
}

/* Strips the separators people type inside numbers; FALSE if anything but
 * digits remains (or there are no digits). */
static gboolean
digits_only (const char *s, char *out, gsize size)
{
  gsize n = 0;

  for (; *s; s++)
    {
      if (g_ascii_isdigit (*s))
        {
          if (n + 1 >= size)
            return FALSE;
          out[n++] = *s;
        }
      else if (*s != ' ' && *s != '-' && *s != '.' && *s != '(' && *s != ')' && *s != '/')
        return FALSE;
    }
  out[n] = '\0';
  return n > 0;
}

static gboolean
classify_alphanumeric (const char *sender, SrAddress *out, GError **error)
{
  glong chars;
  const char *p;

  if (!g_utf8_validate (sender, -1, NULL))
    {
      g_set_error (error, SR_NUMBER_ERROR, SR_NUMBER_ERROR_SENDER,
                   _("sender is not valid UTF-8"));
      return FALSE;
    }
  chars = g_utf8_strlen (sender, -1);
  if (chars > SR_NUMBER_ALNUM_MAX)
    {
      g_set_error (error, SR_NUMBER_ERROR, SR_NUMBER_ERROR_SENDER,
                   _("alphanumeric sender '%s' is %ld characters long, at most %d are allowed"),
                   sender, chars, SR_NUMBER_ALNUM_MAX);
      return FALSE;
    }
  for (p = sender; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!is_gsm_basic (c))
        {
          char buf[8] = { 0 };

          g_unichar_to_utf8 (c, buf);
          g_set_error (error, SR_NUMBER_ERROR, SR_NUMBER_ERROR_SENDER,
                       _("alphanumeric sender '%s' contains '%s' (U+%04X), which is not in the GSM alphabet"),
                       sender, g_unichar_isprint (c) ? buf : "?", c);
          return FALSE;
        }
    }
  /* GSM basic characters are at most 2 bytes of UTF-8: 11 of them fit. */
  G_STATIC_ASSERT (SR_NUMBER_ALNUM_MAX * 2 < SR_NUMBER_ADDR_SIZE);
  out->kind = SR_ADDRESS_ALPHANUMERIC;
  out->ton = SR_TON_ALPHANUMERIC;
  out->npi = SR_NPI_UNKNOWN;
  g_strlcpy (out->addr, sender, sizeof out->addr);
  return TRUE;
}

gboolean
sr_number_classify_sender (const char *sender,
                           const char *region,
                           const SrProviderConfig *provider,
                           SrAddress *out,
                           GError **error)
{
  char digits[SR_NUMBER_RAW_MAX + 1];
  char trimmed[SR_NUMBER_RAW_MAX + 1];
  gsize len;

  g_return_val_if_fail (sender != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  /* Trim into a stack buffer: this runs for every outbound message. */
  while (g_ascii_isspace (*sender))
    sender++;
  len = strlen (sender);
  while (len > 0 && g_ascii_isspace (sender[len - 1]))
    len--;
  if (len == 0)
    {
      g_set_error (error, SR_NUMBER_ERROR, SR_NUMBER_ERROR_EMPTY, _("the sender is empty"));
      return FALSE;
    }
  if (len > SR_NUMBER_RAW_MAX)
    {
      g_set_error (error, SR_NUMBER_ERROR, SR_NUMBER_ERROR_TOO_LONG,
                   _("sender '%.20s…' is %zu bytes long, at most %d are allowed"),
                   sender, len, SR_NUMBER_RAW_MAX);
      return FALSE;
    }
  memcpy (trimmed, sender, len);
  trimmed[len] = '\0';

  if (trimmed[0] == '+' || (digits_only (trimmed, digits, sizeof digits)
                            && g_str_has_prefix (digits, "00")))
    {
      if (!normalise (trimmed, region, FALSE, out->e164, out->region, error))
        return FALSE;
      out->kind = SR_ADDRESS_INTERNATIONAL;
      out->ton = SR_TON_INTERNATIONAL;
      out->npi = SR_NPI_ISDN;
      g_strlcpy (out->addr, out->e164 + 1, sizeof out->addr);
      return TRUE;
    }

  if (digits_only (trimmed, digits, sizeof digits))
    {
      gsize n = strlen (digits);

      if (n < 3)
        {
          g_set_error (error, SR_NUMBER_ERROR, SR_NUMBER_ERROR_SENDER,
                       _("sender '%s' is too short for a short code (3 to 8 digits)"), trimmed);
          return FALSE;
        }
      if (n <= 8)
        {
          out->kind = SR_ADDRESS_SHORT_CODE;
          out->ton = provider ? provider->source_ton : SR_TON_NETWORK_SPECIFIC;
          out->npi = provider ? provider->source_npi : SR_NPI_UNKNOWN;
          g_strlcpy (out->addr, digits, sizeof out->addr);
          return TRUE;
        }
      /* A national number: validate it for the region, keep it national. */
      if (!normalise (digits, region, FALSE, out->e164, out->region, error))
        return FALSE;
      if (n > SR_NUMBER_WIRE_MAX)
        {
          g_set_error (error, SR_NUMBER_ERROR, SR_NUMBER_ERROR_SENDER,
                       _("national sender '%s' is too long for an SMPP address"), trimmed);
          return FALSE;
        }
      out->kind = SR_ADDRESS_NATIONAL;
      out->ton = SR_TON_NATIONAL;
      out->npi = SR_NPI_ISDN;
      g_strlcpy (out->addr, digits, sizeof out->addr);
      return TRUE;
    }

  return classify_alphanumeric (trimmed, out, error);
}

gboolean
sr_number_normalise_inbound (const char *addr,
                             guint8 ton,
                             const char *region,
                             SrAddress *out,
                             GError **error)
{
  char digits[SR_NUMBER_RAW_MAX + 2];
  gsize len;

  g_return_val_if_fail (addr != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  while (g_ascii_isspace (*addr))
    addr++;
  len = strlen (addr);
  if (len == 0)
    {
      g_set_error (error, SR_NUMBER_ERROR, SR_NUMBER_ERROR_EMPTY, _("the sender is empty"));
      return FALSE;
    }
  if (len >= SR_NUMBER_ADDR_SIZE)
    {
      g_set_error (error, SR_NUMBER_ERROR, SR_NUMBER_ERROR_TOO_LONG,
                   _("sender '%.20s…' is %zu bytes long, at most %d are allowed"),
                   addr, len, SR_NUMBER_ADDR_SIZE - 1);
      return FALSE;
    }

  g_strlcpy (out->addr, addr, sizeof out->addr);
  if (ton != SR_TON_ALPHANUMERIC && digits_only (addr, digits + 1, sizeof digits - 1)
      && strlen (digits + 1) > 8)
    {
      const char *raw = digits + 1;

      /* TON 1: the SMSC sent the country code without '+'. */
      if (ton == SR_TON_INTERNATIONAL)
        {
          digits[0] = '+';
          raw = digits;
        }
      if (normalise (raw, region, FALSE, out->e164, out->region, NULL))
        {
          out->kind = SR_ADDRESS_INTERNATIONAL;
          out->ton = SR_TON_INTERNATIONAL;
          out->npi = SR_NPI_ISDN;
          g_strlcpy (out->addr, out->e164 + 1, sizeof out->addr);
          return TRUE;
        }
      out->kind = SR_ADDRESS_NATIONAL;
      out->ton = ton;
      out->npi = SR_NPI_ISDN;
      return TRUE;
    }
  if (addr[0] == '+' && normalise (addr, region, FALSE, out->e164, out->region, NULL))
    {
      out->kind = SR_ADDRESS_INTERNATIONAL;
      out->ton = SR_TON_INTERNATIONAL;
      out->npi = SR_NPI_ISDN;
      g_strlcpy (out->addr, out->e164 + 1, sizeof out->addr);
      return TRUE;
    }
  if (ton != SR_TON_ALPHANUMERIC && digits_only (addr, digits, sizeof digits))
    {
      out->kind = SR_ADDRESS_SHORT_CODE;
      out->ton = ton;
      out->npi = SR_NPI_UNKNOWN;
      g_strlcpy (out->addr, digits, sizeof out->addr);
      return TRUE;
    }
  out->kind = SR_ADDRESS_ALPHANUMERIC;
  out->ton = SR_TON_ALPHANUMERIC;
  out->npi = SR_NPI_UNKNOWN;
  return TRUE;
}
