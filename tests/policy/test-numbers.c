/* test-numbers.c — E.164 normalisation, region lookup, sender
 * classification and inbound sender normalisation. */
#include "sr-number.h"
#include "sr-number-private.h"

#include <string.h>

/* One normalisation case: raw + region → E.164 and country. */
typedef struct {
  const char *raw;
  const char *region;
  const char *e164;
  const char *country;
} NormCase;

static const NormCase norm_ok[] = {
  /* CH */
  { "079 123 45 67", "CH", "+41791234567", "CH" },
  { "0791234567", "CH", "+41791234567", "CH" },
  { "0791234567", "ch", "+41791234567", "CH" },
  { "+41 79 123 45 67", "CH", "+41791234567", "CH" },
  { "0041 79 123 45 67", "CH", "+41791234567", "CH" },
  { "00 41 79 123 45 67", "DE", "+41791234567", "CH" },
  { "  +41791234567", NULL, "+41791234567", "CH" },
  /* GB */
  { "+44 20 7946 0018", "CH", "+442079460018", "GB" },
  { "0044 20 7946 0018", "CH", "+442079460018", "GB" },
  { "020 7946 0018", "GB", "+442079460018", "GB" },
  { "+44 (0)20 7123 4567", "US", "+442071234567", "GB" },
  /* US */
  { "(212) 555-0123", "US", "+12125550123", "US" },
  { "212-555-0123", "US", "+12125550123", "US" },
  { "1 212 555 0123", "US", "+12125550123", "US" },
  { "+1 212 555 0123", "CH", "+12125550123", "US" },
  { "011 41 79 123 45 67", "US", "+41791234567", "CH" },
  /* DE */
  { "030 12345678", "DE", "+493012345678", "DE" },
  { "030/1234567-8", "DE", "+493012345678", "DE" },
  { "0151 23456789", "DE", "+4915123456789", "DE" },
  { "+49 151 23456789", "GB", "+4915123456789", "DE" },
  { "0049 30 12345678", "CH", "+493012345678", "DE" },
};

static void
test_normalise_ok (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (norm_ok); i++)
    {
      const NormCase *c = &norm_ok[i];
      char e164[SR_NUMBER_E164_SIZE] = "x", country[SR_NUMBER_REGION_SIZE] = "x";
      g_autoptr(GError) error = NULL;
      g_autofree char *dup = NULL;

      g_test_message ("%s / %s", c->raw, c->region ? c->region : "(none)");
      g_assert_true (sr_number_normalise (c->raw, c->region, e164, country, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (e164, ==, c->e164);
      g_assert_cmpstr (country, ==, c->country);

      /* A second call comes from the cache and must agree. */
      memset (e164, 0, sizeof e164);
      g_assert_true (sr_number_normalise (c->raw, c->region, e164, NULL, NULL));
      g_assert_cmpstr (e164, ==, c->e164);

      dup = sr_number_to_e164 (c->raw, c->region, NULL);
      g_assert_cmpstr (dup, ==, c->e164);
    }
}

/* One refused number: the error code and a fragment of the message. */
typedef struct {
  const char *raw;
  const char *region;
  SrNumberError code;
  const char *message;   /* exact when full, else a substring */
  gboolean full;
} NormBad;

static const NormBad norm_bad[] = {
  { "12", "CH", SR_NUMBER_ERROR_INVALID, "not a valid number for region CH: '12'", TRUE },
  { "079 123 45 6", "CH", SR_NUMBER_ERROR_INVALID, "not a valid number for region CH: '079 123 45 6'", TRUE },
  { "0791234567890123", "CH", SR_NUMBER_ERROR_INVALID, "region CH: '0791234567890123'", FALSE },
  { "abc", "CH", SR_NUMBER_ERROR_INVALID, "'abc' (not a phone number)", FALSE },
  { "079 123 45 67", NULL, SR_NUMBER_ERROR_INVALID, "has no country code and no default region", FALSE },
  { "079 123 45 67", "", SR_NUMBER_ERROR_INVALID, "has no country code and no default region", FALSE },
  { "+999 123456", "CH", SR_NUMBER_ERROR_INVALID, "not a valid number for region CH: '+999 123456'", FALSE },
  { "07700 900123", "GB", SR_NUMBER_ERROR_INVALID, "not a valid number for region GB", FALSE },
  { "+41 79 123 45 67 ext. 5", "CH", SR_NUMBER_ERROR_INVALID, "not a valid number for region CH", FALSE },
  { "", "CH", SR_NUMBER_ERROR_EMPTY, "the number is empty", TRUE },
  { "   ", "CH", SR_NUMBER_ERROR_EMPTY, "the number is empty", TRUE },
  { "\xff\xfe" "0791234567", "CH", SR_NUMBER_ERROR_INVALID, "not valid UTF-8", FALSE },
  { "0791234567 0791234567 0791234567 0791234567 0791234567 0791234567 0", "CH",
    SR_NUMBER_ERROR_TOO_LONG, "at most 64 are allowed", FALSE },
};

static void
test_normalise_bad (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (norm_bad); i++)
    {
      const NormBad *c = &norm_bad[i];
      char e164[SR_NUMBER_E164_SIZE] = "untouched";
      g_autoptr(GError) error = NULL;

      g_autofree char *shown = g_strescape (c->raw, NULL);

      g_test_message ("bad %zu: %s", i, shown);
      g_assert_false (sr_number_normalise (c->raw, c->region, e164, NULL, &error));
      g_assert_error (error, SR_NUMBER_ERROR, (gint) c->code);
      if (c->full)
        g_assert_cmpstr (error->message, ==, c->message);
      else
        g_assert_nonnull (strstr (error->message, c->message));
      /* A failed normalisation leaves the output alone. */
      g_assert_cmpstr (e164, ==, "untouched");

      /* The cached negative answer is the same. */
      g_clear_error (&error);
      g_assert_false (sr_number_normalise (c->raw, c->region, e164, NULL, &error));
      g_assert_error (error, SR_NUMBER_ERROR, (gint) c->code);
    }
}

static void
test_region (void)
{
  static const struct { const char *e164; const char *country; gboolean ok; } cases[] = {
    { "+41791234567", "CH", TRUE },
    { "+12125550123", "US", TRUE },
    { "+14165550123", "CA", TRUE },
    { "+442071234567", "GB", TRUE },
    { "+2250707123456", "CI", TRUE },
    { "+262262123456", "RE", TRUE },
    { "+594594123456", "GF", TRUE },
    { "+80012345678", "001", TRUE },
    { "+999123456", "", FALSE },
    { "0791234567", "", FALSE },   /* not E.164 */
    { "", "", FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      char country[SR_NUMBER_REGION_SIZE] = "xx";

      g_test_message ("region of %s", cases[i].e164);
      g_assert_cmpint (sr_number_region (cases[i].e164, country), ==, cases[i].ok);
      g_assert_cmpstr (country, ==, cases[i].country);
    }
}

/* Region codes a blacklist may name: the ones libphonenumber has numbers for. */
static void
test_region_known (void)
{
  static const char *const known[] = { "CH", "ch", "Gg", "IM", "RE", "YT", "CI", "US", "XK" };
  static const char *const unknown[] = { "ZZ", "zz", "XY", "AA", "001", "", "C", "CHE", "C1" };
  for (gsize i = 0; i < G_N_ELEMENTS (known); i++)
    g_assert_true (sr_number_region_is_known (known[i]));
  for (gsize i = 0; i < G_N_ELEMENTS (unknown); i++)
    g_assert_false (sr_number_region_is_known (unknown[i]));
}

/* One sender: how it is classified. */
typedef struct {
  const char *sender;
  const char *region;
  SrAddressKind kind;
  guint8 ton, npi;
  const char *addr;
  const char *e164;
} SenderCase;

static const SenderCase sender_ok[] = {
  { "+41791234567", "CH", SR_ADDRESS_INTERNATIONAL, 1, 1, "41791234567", "+41791234567" },
  { "+41 79 123 45 67", NULL, SR_ADDRESS_INTERNATIONAL, 1, 1, "41791234567", "+41791234567" },
  { "0041 79 123 45 67", "CH", SR_ADDRESS_INTERNATIONAL, 1, 1, "41791234567", "+41791234567" },
  /* Our own numbers need only be possible: the design's override example. */
  { "+16461234567", "CH", SR_ADDRESS_INTERNATIONAL, 1, 1, "16461234567", "+16461234567" },
  { "ACME", "CH", SR_ADDRESS_ALPHANUMERIC, 5, 0, "ACME", "" },
  { "ACME Corp 1", "CH", SR_ADDRESS_ALPHANUMERIC, 5, 0, "ACME Corp 1", "" },   /* 11 */
  { "Zürich-Öl", "CH", SR_ADDRESS_ALPHANUMERIC, 5, 0, "Zürich-Öl", "" },
  { "ÄÖÜÄÖÜÄÖÜÄÖ", "CH", SR_ADDRESS_ALPHANUMERIC, 5, 0, "ÄÖÜÄÖÜÄÖÜÄÖ", "" }, /* 22 bytes */
  { "  Info  ", "CH", SR_ADDRESS_ALPHANUMERIC, 5, 0, "Info", "" },
  { "4242", "CH", SR_ADDRESS_SHORT_CODE, 3, 0, "4242", "" },
  { "123", "CH", SR_ADDRESS_SHORT_CODE, 3, 0, "123", "" },
  { "12345678", "CH", SR_ADDRESS_SHORT_CODE, 3, 0, "12345678", "" },
  { "079 123 45 67", "CH", SR_ADDRESS_NATIONAL, 2, 1, "0791234567", "+41791234567" },
  { "(212) 555-0123", "US", SR_ADDRESS_NATIONAL, 2, 1, "2125550123", "+12125550123" },
};

static void
test_sender_ok (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (sender_ok); i++)
    {
      const SenderCase *c = &sender_ok[i];
      g_autoptr(GError) error = NULL;
      SrAddress a;

      g_test_message ("sender %s", c->sender);
      g_assert_true (sr_number_classify_sender (c->sender, c->region, NULL, &a, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (sr_address_kind_to_string (a.kind), ==, sr_address_kind_to_string (c->kind));
      g_assert_cmpuint (a.ton, ==, c->ton);
      g_assert_cmpuint (a.npi, ==, c->npi);
      g_assert_cmpstr (a.addr, ==, c->addr);
      g_assert_cmpstr (a.e164, ==, c->e164);
    }
}

static void
test_sender_provider_ton (void)
{
  SrProviderConfig provider = { .name = (char *) "main", .source_ton = 0, .source_npi = 1 };
  SrAddress a;

  g_assert_true (sr_number_classify_sender ("4242", "CH", &provider, &a, NULL));
  g_assert_cmpint (a.kind, ==, SR_ADDRESS_SHORT_CODE);
  g_assert_cmpuint (a.ton, ==, 0);
  g_assert_cmpuint (a.npi, ==, 1);

  /* The provider setting is for short codes only: others keep theirs. */
  g_assert_true (sr_number_classify_sender ("+41791234567", "CH", &provider, &a, NULL));
  g_assert_cmpuint (a.ton, ==, 1);
  g_assert_cmpuint (a.npi, ==, 1);
  g_assert_true (sr_number_classify_sender ("ACME", "CH", &provider, &a, NULL));
  g_assert_cmpuint (a.ton, ==, 5);
  g_assert_cmpuint (a.npi, ==, 0);
}

static void
test_sender_bad (void)
{
  static const struct { const char *sender; SrNumberError code; const char *message; } cases[] = {
    { "ACME Corp 12", SR_NUMBER_ERROR_SENDER,
      "alphanumeric sender 'ACME Corp 12' is 12 characters long, at most 11 are allowed" },
    { "Café€", SR_NUMBER_ERROR_SENDER, "contains '€' (U+20AC), which is not in the GSM alphabet" },
    { "ACME{1}", SR_NUMBER_ERROR_SENDER, "contains '{'" },
    { "短信", SR_NUMBER_ERROR_SENDER, "not in the GSM alphabet" },
    { "12", SR_NUMBER_ERROR_SENDER, "too short for a short code" },
    { "+41 12", SR_NUMBER_ERROR_INVALID, "not a valid number for region CH: '+41 12'" },
    { "079 123 45 67 89 01", SR_NUMBER_ERROR_INVALID, "not a valid number for region CH" },
    { "", SR_NUMBER_ERROR_EMPTY, "the sender is empty" },
    { " \t", SR_NUMBER_ERROR_EMPTY, "the sender is empty" },
    { "\xc3\x28", SR_NUMBER_ERROR_SENDER, "not valid UTF-8" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      SrAddress a;

      g_test_message ("bad sender %zu", i);
      g_assert_false (sr_number_classify_sender (cases[i].sender, "CH", NULL, &a, &error));
      g_assert_error (error, SR_NUMBER_ERROR, (gint) cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].message));
    }
}

static void
test_inbound (void)
{
  static const struct {
    const char *addr;
    guint8 ton;
    const char *region;
    SrAddressKind kind;
    const char *addr_out;
    const char *e164;
  } cases[] = {
    { "41791234567", 1, "GB", SR_ADDRESS_INTERNATIONAL, "41791234567", "+41791234567" },
    { "+41791234567", 0, "GB", SR_ADDRESS_INTERNATIONAL, "41791234567", "+41791234567" },
    { "02079460018", 2, "GB", SR_ADDRESS_INTERNATIONAL, "442079460018", "+442079460018" },
    { "0791234567", 0, "CH", SR_ADDRESS_INTERNATIONAL, "41791234567", "+41791234567" },
    { "ACME", 5, "GB", SR_ADDRESS_ALPHANUMERIC, "ACME", "" },
    { "Info-Line", 0, "GB", SR_ADDRESS_ALPHANUMERIC, "Info-Line", "" },
    { "12345", 5, "GB", SR_ADDRESS_ALPHANUMERIC, "12345", "" },
    { "4242", 3, "GB", SR_ADDRESS_SHORT_CODE, "4242", "" },
    /* Not a number we can place: kept as it came. */
    { "1234567890123", 2, "GB", SR_ADDRESS_NATIONAL, "1234567890123", "" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      SrAddress a;

      g_test_message ("inbound %s ton %u", cases[i].addr, cases[i].ton);
      g_assert_true (sr_number_normalise_inbound (cases[i].addr, cases[i].ton, cases[i].region, &a, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (sr_address_kind_to_string (a.kind), ==, sr_address_kind_to_string (cases[i].kind));
      g_assert_cmpstr (a.addr, ==, cases[i].addr_out);
      g_assert_cmpstr (a.e164, ==, cases[i].e164);
    }
}

static void
test_inbound_bad (void)
{
  g_autoptr(GError) error = NULL;
  SrAddress a;

  g_assert_false (sr_number_normalise_inbound ("", 1, "GB", &a, &error));
  g_assert_error (error, SR_NUMBER_ERROR, SR_NUMBER_ERROR_EMPTY);
  g_clear_error (&error);
  g_assert_false (sr_number_normalise_inbound ("123456789012345678901234", 1, "GB", &a, &error));
  g_assert_error (error, SR_NUMBER_ERROR, SR_NUMBER_ERROR_TOO_LONG);
}

/* One input for the fast-path equality test: whether the E.164 fast path
 * must answer it (strict mode), and the answer for default region CH. */
typedef struct {
  const char *raw;
  gboolean fast;
  SrPnStatus status;     /* strict, default region CH */
  const char *e164;
  const char *country;
} FastCase;

static const FastCase fast_cases[] = {
  /* Calling codes with one region. */
  { "+41791234567", TRUE, SR_PN_OK, "+41791234567", "CH" },
  { "+4915123456789", TRUE, SR_PN_OK, "+4915123456789", "DE" },
  { "+33612345678", TRUE, SR_PN_OK, "+33612345678", "FR" },
  { "+3361234567", TRUE, SR_PN_NOT_VALID, NULL, NULL },
  { "+2250707123456", TRUE, SR_PN_OK, "+2250707123456", "CI" },
  { "+80012345678", TRUE, SR_PN_OK, "+80012345678", "001" },
  { "+37866661212", TRUE, SR_PN_OK, "+37866661212", "SM" },
  { "+378054912345", TRUE, SR_PN_NOT_VALID, NULL, NULL },
  /* Italian leading zeros are part of the number, not a prefix. */
  { "+390612345678", TRUE, SR_PN_OK, "+390612345678", "IT" },
  { "+390612345", TRUE, SR_PN_OK, "+390612345", "IT" },
  { "+393471234567", TRUE, SR_PN_OK, "+393471234567", "IT" },
  { "+39000000000", TRUE, SR_PN_NOT_VALID, NULL, NULL },
  /* NANP. */
  { "+12125550123", TRUE, SR_PN_OK, "+12125550123", "US" },
  { "+14165550123", TRUE, SR_PN_OK, "+14165550123", "CA" },
  { "+18762101234", TRUE, SR_PN_OK, "+18762101234", "JM" },
  { "+12642351234", TRUE, SR_PN_OK, "+12642351234", "AI" },
  { "+11235550123", FALSE, SR_PN_NOT_VALID, NULL, NULL },   /* national prefix 1 */
  /* +44: GB and the Crown Dependencies. */
  { "+442079460018", TRUE, SR_PN_OK, "+442079460018", "GB" },
  { "+447911123456", TRUE, SR_PN_OK, "+447911123456", "GG" },
  { "+447624123456", TRUE, SR_PN_OK, "+447624123456", "IM" },
  { "+447797123456", TRUE, SR_PN_NOT_VALID, NULL, NULL },
  { "+441624456789", TRUE, SR_PN_NOT_VALID, NULL, NULL },
  /* A national prefix after the country code: Parse() strips it. */
  { "+4402079460018", FALSE, SR_PN_OK, "+442079460018", "GB" },
  { "+44 0 20 7946 0018", FALSE, SR_PN_OK, "+442079460018", "GB" },
  { "+4907154123456", FALSE, SR_PN_OK, "+497154123456", "DE" },
  /* Other shared calling codes. */
  { "+79161234567", TRUE, SR_PN_OK, "+79161234567", "RU" },
  { "+77012345678", TRUE, SR_PN_OK, "+77012345678", "KZ" },
  { "+78123456789", FALSE, SR_PN_OK, "+78123456789", "RU" },   /* 8: national prefix of RU */
  { "+262262123456", TRUE, SR_PN_OK, "+262262123456", "RE" },
  { "+262269612345", TRUE, SR_PN_OK, "+262269612345", "YT" },
  { "+590590271234", TRUE, SR_PN_OK, "+590590271234", "BL" },
  { "+59994612345", TRUE, SR_PN_OK, "+59994612345", "CW" },
  { "+5997151234", TRUE, SR_PN_OK, "+5997151234", "BQ" },
  { "+4791234567", TRUE, SR_PN_OK, "+4791234567", "NO" },
  { "+4779123456", TRUE, SR_PN_OK, "+4779123456", "SJ" },
  { "+358457123456", TRUE, SR_PN_OK, "+358457123456", "FI" },
  { "+35818123456", TRUE, SR_PN_OK, "+35818123456", "AX" },
  { "+61412345678", TRUE, SR_PN_OK, "+61412345678", "AU" },
  { "+611800123456", FALSE, SR_PN_OK, "+611800123456", "AU" },  /* may be a prefix */
  { "+212612345678", TRUE, SR_PN_OK, "+212612345678", "MA" },
  { "+212528812345", TRUE, SR_PN_OK, "+212528812345", "EH" },
  { "+2908123", TRUE, SR_PN_OK, "+2908123", "TA" },
  { "+29082123", TRUE, SR_PN_NOT_VALID, NULL, NULL },
  /* National prefixes given as patterns. */
  { "+5491123456789", FALSE, SR_PN_OK, "+5491123456789", "AR" },
  { "+5511987654321", TRUE, SR_PN_OK, "+5511987654321", "BR" },
  { "+8613812345678", FALSE, SR_PN_OK, "+8613812345678", "CN" },
  /* Not for the fast path, or not numbers at all. */
  { "+999123456", FALSE, SR_PN_NO_COUNTRY_CODE, NULL, NULL },
  { "+0041791234567", FALSE, SR_PN_OK, "+41791234567", "CH" },  /* CH's IDD after '+' */
  { "+041791234567", FALSE, SR_PN_NO_COUNTRY_CODE, NULL, NULL },
  { "+41123", FALSE, SR_PN_NOT_VALID, NULL, NULL },             /* 5 digits */
  { "+417912345", TRUE, SR_PN_NOT_VALID, NULL, NULL },          /* 9 digits */
  { "+41791234567890", TRUE, SR_PN_NOT_VALID, NULL, NULL },     /* 14 digits */
  { "+417912345678901", TRUE, SR_PN_NOT_VALID, NULL, NULL },    /* 15 digits */
  { "+4179123456789012", FALSE, SR_PN_NOT_VALID, NULL, NULL },  /* 16 digits */
  { "+41 79 123 45 67", FALSE, SR_PN_OK, "+41791234567", "CH" },
  { "+41791234567 ", FALSE, SR_PN_OK, "+41791234567", "CH" },
  { "+41791234567;ext=5", FALSE, SR_PN_NOT_VALID, NULL, NULL },
  { "++41791234567", FALSE, SR_PN_OK, "+41791234567", "CH" },
  { "+4179123456a", FALSE, SR_PN_NOT_VALID, NULL, NULL },
  /* Local numbers always take the full parse. */
  { "079 123 45 67", FALSE, SR_PN_OK, "+41791234567", "CH" },
  { "0791234567", FALSE, SR_PN_OK, "+41791234567", "CH" },
  { "41791234567", FALSE, SR_PN_OK, "+41791234567", "CH" },
  { "0041791234567", FALSE, SR_PN_OK, "+41791234567", "CH" },
  { "020 7946 0018", FALSE, SR_PN_NOT_VALID, NULL, NULL },
  { "(212) 555-0123", FALSE, SR_PN_NOT_VALID, NULL, NULL },
  { "12", FALSE, SR_PN_NOT_VALID, NULL, NULL },
  { "abc", FALSE, SR_PN_NOT_A_NUMBER, NULL, NULL },
};

/* Default regions every case runs with: none, the usual ones, a region
 * whose calling code is shared, and the non-geographic "001". */
static const char *const fast_regions[] = { NULL, "CH", "GB", "GG", "US", "IT", "RU", "001" };

/* sr_pn_parse (fast path and shortcuts) against the plain libphonenumber
 * sequence: same status, E.164 and region, for every default region. */
static void
assert_same_as_reference (const char *raw)
{
  for (gsize r = 0; r < G_N_ELEMENTS (fast_regions); r++)
    for (int strict = 0; strict <= 1; strict++)
      {
        char e1[SR_NUMBER_E164_SIZE] = "", c1[SR_NUMBER_REGION_SIZE] = "";
        char e2[SR_NUMBER_E164_SIZE] = "", c2[SR_NUMBER_REGION_SIZE] = "";
        SrPnStatus got = sr_pn_parse (raw, fast_regions[r], strict, e1, c1);
        SrPnStatus want = sr_pn_parse_reference (raw, fast_regions[r], strict, e2, c2);

        if (got != want || (got == SR_PN_OK && (strcmp (e1, e2) != 0 || strcmp (c1, c2) != 0)))
          g_error ("%s, region %s, strict %d: %d %s %s, the library says %d %s %s", raw,
                   fast_regions[r] ? fast_regions[r] : "(none)", strict,
                   got, e1, c1, want, e2, c2);
      }
}

static void
test_fast_path (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (fast_cases); i++)
    {
      const FastCase *c = &fast_cases[i];
      char e164[SR_NUMBER_E164_SIZE] = "", country[SR_NUMBER_REGION_SIZE] = "";
      SrPnStatus st;

      g_test_message ("fast path: %s", c->raw);
      assert_same_as_reference (c->raw);

      st = sr_pn_parse_e164_fast (c->raw, TRUE, e164, country);
      if (c->fast)
        g_assert_cmpint (st, !=, SR_PN_UNSURE);
      else
        g_assert_cmpint (st, ==, SR_PN_UNSURE);

      st = sr_pn_parse (c->raw, "CH", TRUE, e164, country);
      g_assert_cmpint (st, ==, c->status);
      if (st == SR_PN_OK)
        {
          g_assert_cmpstr (e164, ==, c->e164);
          g_assert_cmpstr (country, ==, c->country);
          /* Strict E.164 text comes back as it went in. */
          if (c->fast)
            g_assert_cmpstr (e164, ==, c->raw);
        }
    }
}

/* Many generated numbers per calling code, valid and not, including
 * leading zeros and digits that look like a national prefix. */
static void
test_fast_path_generated (void)
{
  static const char *const prefixes[] = {
    "+4179", "+4144", "+41", "+3906", "+393", "+390", "+1212", "+1876", "+1264", "+1",
    "+447911", "+447624", "+4420", "+440", "+7916", "+7701", "+78", "+262269", "+590690",
    "+5999", "+4779", "+35818", "+614", "+612", "+611", "+2125", "+2908", "+549", "+5511",
    "+5590", "+861", "+8620", "+5255", "+8210", "+37529", "+3706", "+4237", "+8008",
    "+8823", "+2250", "+49151", "+490", "+336", "+330", "+34", "+7",
  };
  char raw[24];
  guint n = 0;
  guint32 seed = 20240601;

  for (gsize p = 0; p < G_N_ELEMENTS (prefixes); p++)
    for (guint k = 0; k < 12; k++)
      {
        gsize len = strlen (prefixes[p]);
        gsize digits = 7 + k % 9;   /* 7..15 after '+' */

        memcpy (raw, prefixes[p], len);
        for (gsize d = len - 1; d < digits; d++)
          {
            seed = seed * 1103515245u + 12345u;
            raw[len++] = (char) ('0' + (seed >> 16) % 10);
          }
        raw[len] = '\0';
        assert_same_as_reference (raw);
        n++;
      }
  g_test_message ("%u generated numbers agree", n);
}

/* More distinct numbers than the cache holds: evictions must not mix up
 * answers. */
static void
test_cache_eviction (void)
{
  char raw[32], e164[SR_NUMBER_E164_SIZE], want[SR_NUMBER_E164_SIZE];

  sr_number_cache_clear ();
  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < 5000; i++)
      {
        g_snprintf (raw, sizeof raw, "079 %03u %02u %02u", i % 1000, (i / 1000) % 100, i % 97);
        g_snprintf (want, sizeof want, "+4179%03u%02u%02u", i % 1000, (i / 1000) % 100, i % 97);
        g_assert_true (sr_number_normalise (raw, "CH", e164, NULL, NULL));
        g_assert_cmpstr (e164, ==, want);
      }
}

static gpointer
thread_worker (gpointer data)
{
  const char *region = data;
  char e164[SR_NUMBER_E164_SIZE];
  guint bad = 0;

  for (guint i = 0; i < 2000; i++)
    {
      if (!sr_number_normalise (g_str_equal (region, "CH") ? "079 123 45 67" : "020 7946 0018",
                                region, e164, NULL, NULL))
        bad++;
      else if (strcmp (e164, g_str_equal (region, "CH") ? "+41791234567" : "+442079460018") != 0)
        bad++;
    }
  return GUINT_TO_POINTER (bad);
}

static void
test_threads (void)
{
  GThread *a = g_thread_new ("ch", thread_worker, (gpointer) "CH");
  GThread *b = g_thread_new ("gb", thread_worker, (gpointer) "GB");

  g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (a)), ==, 0);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (b)), ==, 0);
}

/* Reports the rate of normalisation, cold (every number new; written with
 * spaces, and as strict E.164) and warm (from the cache); the pipeline
 * needs 25,000+ per second. */
static void
test_speed (void)
{
  const guint cold_n = g_test_perf () ? 50000 : 3000;
  const guint warm_n = g_test_perf () ? 1000000 : 50000;
  char raw[32], e164[SR_NUMBER_E164_SIZE], country[SR_NUMBER_REGION_SIZE];
  gint64 t0;
  double cold, cold_e164, warm;

  sr_number_cache_clear ();
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < cold_n; i++)
    {
      g_snprintf (raw, sizeof raw, "+41 79 %03u %04u", i % 1000, i / 1000);
      g_assert_true (sr_number_normalise (raw, "CH", e164, country, NULL));
    }
  cold = cold_n / ((g_get_monotonic_time () - t0 + 1) / 1e6);

  sr_number_cache_clear ();
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < cold_n; i++)
    {
      g_snprintf (raw, sizeof raw, "+4179%03u%04u", i % 1000, i / 1000);
      g_assert_true (sr_number_normalise (raw, "CH", e164, country, NULL));
      g_assert_cmpstr (e164, ==, raw);
    }
  cold_e164 = cold_n / ((g_get_monotonic_time () - t0 + 1) / 1e6);

  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < warm_n; i++)
    {
      g_snprintf (raw, sizeof raw, "079 123 %02u %02u", i % 10, i % 7);
      g_assert_true (sr_number_normalise (raw, "CH", e164, country, NULL));
      g_assert_cmpstr (country, ==, "CH");
    }
  warm = warm_n / ((g_get_monotonic_time () - t0 + 1) / 1e6);

  g_test_message ("normalisation: %.0f/s uncached, %.0f/s uncached strict E.164, %.0f/s cached",
                  cold, cold_e164, warm);
  if (g_test_perf ())
    {
      g_test_minimized_result (cold, "uncached normalisations per second: %.0f", cold);
      g_test_minimized_result (cold_e164, "uncached E.164 normalisations per second: %.0f", cold_e164);
      g_test_maximized_result (warm, "cached normalisations per second: %.0f", warm);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/numbers/normalise/ok", test_normalise_ok);
  g_test_add_func ("/numbers/normalise/bad", test_normalise_bad);
  g_test_add_func ("/numbers/region", test_region);
  g_test_add_func ("/numbers/region-known", test_region_known);
  g_test_add_func ("/numbers/sender/ok", test_sender_ok);
  g_test_add_func ("/numbers/sender/provider-ton", test_sender_provider_ton);
  g_test_add_func ("/numbers/sender/bad", test_sender_bad);
  g_test_add_func ("/numbers/inbound/ok", test_inbound);
  g_test_add_func ("/numbers/inbound/bad", test_inbound_bad);
  g_test_add_func ("/numbers/fast-path/cases", test_fast_path);
  g_test_add_func ("/numbers/fast-path/generated", test_fast_path_generated);
  g_test_add_func ("/numbers/cache/eviction", test_cache_eviction);
  g_test_add_func ("/numbers/cache/threads", test_threads);
  g_test_add_func ("/numbers/speed", test_speed);

  return g_test_run ();
}
