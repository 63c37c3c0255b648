/* sr-number.cc — the only C++ in the router: a thin extern "C" shim over
 * libphonenumber's PhoneNumberUtil, which parses and validates numbers with
 * Google's per-country metadata.  Caching and messages live in sr-number.c.
 *
 * Most destinations arrive as strict E.164 ("+41791234567").  For those we
 * build the PhoneNumber that Parse() would build without running Parse()
 * (its ICU regexes are most of the cost), whenever the metadata proves that
 * Parse() could not strip a national prefix from the digits; anything else
 * goes through Parse().  sr_pn_parse_reference() keeps the plain sequence of
 * library calls so that tests can prove both give the same answers. */
#include "sr-number-private.h"

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <list>
#include <map>
#include <new>
#include <set>
#include <string>

#include <phonenumbers/phonenumberutil.h>

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

/* The compiled-in metadata (PhoneMetadataCollection in protobuf wire
 * format) that PhoneNumberUtil itself loads; exported by libphonenumber but
 * declared only in an uninstalled header. */
namespace i18n {
namespace phonenumbers {
int metadata_size ();
const void *metadata_get ();
}
}

namespace {

/* GetInstance() takes a lock and builds metadata on first use: keep it. */
const PhoneNumberUtil *
util ()
{
  static const PhoneNumberUtil *instance = PhoneNumberUtil::GetInstance ();
  return instance;
}

SrPnStatus
from_error (PhoneNumberUtil::ErrorType e)
{
  switch (e)
    {
    case PhoneNumberUtil::NO_PARSING_ERROR: return SR_PN_OK;
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR: return SR_PN_NO_COUNTRY_CODE;
    case PhoneNumberUtil::NOT_A_NUMBER: return SR_PN_NOT_A_NUMBER;
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
    case PhoneNumberUtil::TOO_SHORT_NSN: return SR_PN_TOO_SHORT;
    case PhoneNumberUtil::TOO_LONG_NSN: return SR_PN_TOO_LONG;
    }
  return SR_PN_NOT_A_NUMBER;
}

constexpr guint16 ALL_DIGITS = 0x3ff;
constexpr int MAX_CALLING_CODE = 999;

/* What the fast path needs to know about one country calling code. */
struct CallingCode {
  bool known = false;        /* libphonenumber has regions for it */
  bool shared = false;       /* more than one region (1, 44, 7, 262, ...) */
  bool fast = false;         /* metadata read: the fast path may be used */
  guint16 strip_first = ALL_DIGITS;  /* bit d: the national prefix for parsing
                                        may match a number starting with d */
  char region[4] = "";       /* the only (or main) region */
};

/* One PhoneMetadata record, the few fields we need. */
struct MetaRecord {
  std::string national_prefix_for_parsing;
  bool has_leading_digits = false;
};

/* Calling-code table and per-region facts, built once, then read-only. */
struct Codes {
  CallingCode cc[MAX_CALLING_CODE + 1];
  std::map<std::string, bool> has_leading_digits;   /* region → leading_digits set */
};

/* Protobuf wire format: just enough to walk PhoneMetadataCollection. */
bool
read_varint (const guint8 *&p, const guint8 *end, guint64 *v)
{
  *v = 0;
  for (int shift = 0; p < end && shift < 64; shift += 7)
    {
      guint8 b = *p++;
      *v |= (guint64) (b & 0x7f) << shift;
      if (!(b & 0x80))
        return true;
    }
  return false;
}

enum {
  META_FIELD_ID = 9,
  META_FIELD_COUNTRY_CODE = 10,
  META_FIELD_NATIONAL_PREFIX_FOR_PARSING = 15,
  META_FIELD_LEADING_DIGITS = 23,
  COLLECTION_FIELD_METADATA = 1,
};

/* Reads one PhoneMetadata message; the key is its region, or "001/<cc>"
 * for non-geographic entities (which share the id "001"). */
bool
read_metadata (const guint8 *p, const guint8 *end, std::map<std::string, MetaRecord> *out)
{
  std::string id;
  guint64 country_code = 0;
  MetaRecord rec;

  while (p < end)
    {
      guint64 key, v;

      if (!read_varint (p, end, &key))
        return false;
      switch (key & 7)
        {
        case 0:
          if (!read_varint (p, end, &v))
            return false;
          if ((key >> 3) == META_FIELD_COUNTRY_CODE)
            country_code = v;
          break;
        case 1:
          if (end - p < 8)
            return false;
          p += 8;
          break;
        case 5:
          if (end - p < 4)
            return false;
          p += 4;
          break;
        case 2:
          {
            if (!read_varint (p, end, &v) || v > (guint64) (end - p))
              return false;
            std::string s ((const char *) p, v);
            p += v;
            switch (key >> 3)
              {
              case META_FIELD_ID: id = s; break;
              case META_FIELD_NATIONAL_PREFIX_FOR_PARSING: rec.national_prefix_for_parsing = s; break;
              case META_FIELD_LEADING_DIGITS: rec.has_leading_digits = !s.empty (); break;
              default: break;
              }
            break;
          }
        default:
          return false;
        }
    }
  if (id == "001")
    id += "/" + std::to_string (country_code);
  out->emplace (id, rec);
  return true;
}

/* A conservative reading of a national-prefix-for-parsing regex: the digits
 * a match can start with, and whether it can match the empty string.  Only
 * the syntax the metadata uses is understood; anything else fails, and the
 * caller then assumes every digit. */
bool re_alternation (const char *&p, guint16 *first, bool *nullable);

bool
re_atom (const char *&p, guint16 *first, bool *nullable)
{
  *first = 0;
  *nullable = false;
  if (*p >= '0' && *p <= '9')
    {
      *first = 1u << (*p - '0');
      p++;
      return true;
    }
  switch (*p)
    {
    case '.':
      *first = ALL_DIGITS;
      p++;
      return true;
    case '$':
    case '^':
      /* Zero-width: taken as matching anywhere, which only widens the set. */
      *nullable = true;
      p++;
      return true;
    case '\\':
      if (p[1] != 'd')
        return false;
      *first = ALL_DIGITS;
      p += 2;
      return true;
    case '[':
      p++;
      if (*p == '^')
        return false;
      while (*p && *p != ']')
        {
          if (p[0] == '\\' && p[1] == 'd')
            {
              *first = ALL_DIGITS;
              p += 2;
            }
          else if (*p >= '0' && *p <= '9' && p[1] == '-' && p[2] >= '0' && p[2] <= '9')
            {
              for (char c = p[0]; c <= p[2]; c++)
                *first |= 1u << (c - '0');
              p += 3;
            }
          else if (*p >= '0' && *p <= '9')
            *first |= 1u << (*p++ - '0');
          else
            return false;
        }
      if (*p != ']')
        return false;
      p++;
      return true;
    case '(':
      p++;
      if (p[0] == '?')
        {
          if (p[1] != ':')
            return false;
          p += 2;
        }
      if (!re_alternation (p, first, nullable) || *p != ')')
        return false;
      p++;
      return true;
    default:
      return false;
    }
}

bool
re_sequence (const char *&p, guint16 *first, bool *nullable)
{
  *first = 0;
  *nullable = true;
  while (*p && *p != '|' && *p != ')')
    {
      guint16 f;
      bool n;

      if (!re_atom (p, &f, &n))
        return false;
      if (*p == '?' || *p == '*')
        {
          n = true;
          p++;
        }
      else if (*p == '+')
        p++;
      else if (*p == '{')
        {
          if (p[1] == '0')
            n = true;
          while (*p && *p != '}')
            p++;
          if (*p != '}')
            return false;
          p++;
        }
      /* Lazy or possessive quantifiers are not in the metadata. */
      if (*p == '?' || *p == '+' || *p == '*' || *p == '{')
        return false;
      if (*nullable)
        *first |= f;
      *nullable = *nullable && n;
    }
  return true;
}

bool
re_alternation (const char *&p, guint16 *first, bool *nullable)
{
  *first = 0;
  *nullable = false;
  for (;;)
    {
      guint16 f;
      bool n;

      if (!re_sequence (p, &f, &n))
        return false;
      *first |= f;
      *nullable = *nullable || n;
      if (*p != '|')
        return true;
      p++;
    }
}

/* Digits a national number must not start with for Parse() to keep it as
 * it is (ALL_DIGITS when the pattern is not understood). */
guint16
strip_first_digits (const std::string &pattern)
{
  const char *p = pattern.c_str ();
  guint16 first;
  bool nullable;

  if (pattern.empty ())
    return 0;
  if (!re_alternation (p, &first, &nullable) || *p != '\0' || nullable)
    return ALL_DIGITS;
  return first;
}

Codes *
build_codes ()
{
  const PhoneNumberUtil *u = util ();
  Codes *codes = new Codes ();
  std::map<std::string, MetaRecord> meta;
  const guint8 *p = (const guint8 *) i18n::phonenumbers::metadata_get ();
  const guint8 *end = p + i18n::phonenumbers::metadata_size ();
  bool meta_ok = p != nullptr;

  while (meta_ok && p < end)
    {
      guint64 key, len;

      if (!read_varint (p, end, &key) || key != ((COLLECTION_FIELD_METADATA << 3) | 2)
          || !read_varint (p, end, &len) || len > (guint64) (end - p))
        meta_ok = false;
      else
        {
          meta_ok = read_metadata (p, p + len, &meta);
          p += len;
        }
    }
  if (!meta_ok)
    meta.clear ();
  for (const auto &m : meta)
    codes->has_leading_digits[m.first] = m.second.has_leading_digits;

  for (int cc = 1; cc <= MAX_CALLING_CODE; cc++)
    {
      std::list<std::string> regions;
      CallingCode &c = codes->cc[cc];

      u->GetRegionCodesForCountryCallingCode (cc, &regions);
      if (regions.empty () || regions.front ().size () >= sizeof c.region)
        continue;
      c.known = true;
      c.shared = regions.size () > 1;
      memcpy (c.region, regions.front ().c_str (), regions.front ().size () + 1);
      /* Parse() strips a national prefix with the main region's metadata. */
      auto it = meta.find (regions.front () == "001"
                           ? "001/" + std::to_string (cc) : regions.front ());
      if (it != meta.end ())
        {
          c.fast = true;
          c.strip_first = strip_first_digits (it->second.national_prefix_for_parsing);
        }
    }
  return codes;
}

/* Built on first use; C++ makes the initialisation thread-safe. */
const Codes &
codes ()
{
  static const Codes *instance = build_codes ();
  return *instance;
}

/* E.164 as Format(E164) writes it: '+', calling code, leading zeros, the
 * national number.  FALSE if it does not fit SR_PN_E164_SIZE. */
bool
format_e164 (const PhoneNumber &pn, char *e164)
{
  char zeros[24] = "";
  int n = 0;

  if (pn.italian_leading_zero ())
    {
      n = pn.number_of_leading_zeros ();
      if (n < 0)
        n = 0;
      if (n >= (int) sizeof zeros)
        return false;
      memset (zeros, '0', n);
      zeros[n] = '\0';
    }
  n = snprintf (e164, SR_PN_E164_SIZE, "+%d%s%" G_GUINT64_FORMAT,
                (int) pn.country_code (), zeros, (guint64) pn.national_number ());
  return n > 0 && n < SR_PN_E164_SIZE;
}

/* Everything after Parse(): the same answers as IsValidNumber (or
 * IsPossibleNumber), Format(E164) and GetRegionCodeForNumber, without
 * computing the region twice and without a region lookup for calling codes
 * that have only one region. */
SrPnStatus
check_number (const PhoneNumberUtil *u, const PhoneNumber &pn, gboolean strict,
              char *e164, char *country)
{
  const int cc_value = pn.country_code ();
  const CallingCode *cc = cc_value > 0 && cc_value <= MAX_CALLING_CODE
                          ? &codes ().cc[cc_value] : nullptr;
  std::string region;
  bool valid_for_region = false;

  /* An extension cannot receive an SMS. */
  if (pn.has_extension ())
    return SR_PN_NOT_VALID;
  if (cc && cc->known && !cc->shared)
    region = cc->region;
  else
    {
      u->GetRegionCodeForNumber (pn, &region);
      /* For a region without leading digits the lookup chose it because the
       * number is valid there: IsValidNumberForRegion would say so again. */
      if (cc && cc->known && region != "ZZ")
        {
          auto it = codes ().has_leading_digits.find (region);

          valid_for_region = it != codes ().has_leading_digits.end () && !it->second;
        }
    }
  if (strict ? !(valid_for_region || u->IsValidNumberForRegion (pn, region))
             : !u->IsPossibleNumber (pn))
    return SR_PN_NOT_VALID;
  if (region.size () > 3 || !format_e164 (pn, e164))
    return SR_PN_NOT_VALID;
  memcpy (country, region.c_str (), region.size () + 1);
  return SR_PN_OK;
}

} // namespace

extern "C" SrPnStatus
sr_pn_parse_e164_fast (const char *raw, gboolean strict, char *e164, char *country)
{
  try
    {
      const Codes &c = codes ();
      const char *digits = raw + 1;
      const char *nsn = nullptr;
      size_t n, nsn_len;
      int value = 0;
      const CallingCode *cc = nullptr;
      PhoneNumber pn;

      if (raw[0] != '+')
        return SR_PN_UNSURE;
      n = strspn (digits, "0123456789");
      if (digits[n] != '\0' || n < SR_PN_E164_MIN_DIGITS || n > SR_PN_E164_MAX_DIGITS
          || digits[0] == '0')
        return SR_PN_UNSURE;
      /* The shortest known prefix is the calling code, as Parse() finds it. */
      for (int i = 0; i < 3 && cc == nullptr; i++)
        {
          value = value * 10 + (digits[i] - '0');
          if (c.cc[value].known)
            {
              cc = &c.cc[value];
              nsn = digits + i + 1;
            }
        }
      if (cc == nullptr || !cc->fast || (cc->strip_first >> (nsn[0] - '0')) & 1)
        return SR_PN_UNSURE;

      nsn_len = strlen (nsn);
      pn.set_country_code (value);
      /* As SetItalianLeadingZerosForPhoneNumber() does. */
      if (nsn_len > 1 && nsn[0] == '0')
        {
          size_t zeros = 1;

          pn.set_italian_leading_zero (true);
          while (zeros < nsn_len - 1 && nsn[zeros] == '0')
            zeros++;
          if (zeros != 1)
            pn.set_number_of_leading_zeros ((gint32) zeros);
        }
      pn.set_national_number (g_ascii_strtoull (nsn, nullptr, 10));
      return check_number (util (), pn, strict, e164, country);
    }
  catch (const std::exception &)
    {
      return SR_PN_FAILED;
    }
}

extern "C" SrPnStatus
sr_pn_parse (const char *raw, const char *region, gboolean strict, char *e164, char *country)
{
  SrPnStatus st = sr_pn_parse_e164_fast (raw, strict, e164, country);

  if (st != SR_PN_UNSURE)
    return st;
  try
    {
      const PhoneNumberUtil *u = util ();
      PhoneNumber pn;

      st = from_error (u->Parse (raw, region && *region ? region : "ZZ", &pn));
      if (st != SR_PN_OK)
        return st;
      return check_number (u, pn, strict, e164, country);
    }
  catch (const std::exception &)
    {
      return SR_PN_FAILED;
    }
}

extern "C" SrPnStatus
sr_pn_parse_reference (const char *raw, const char *region, gboolean strict,
                       char *e164, char *country)
{
  try
    {
      const PhoneNumberUtil *u = util ();
      PhoneNumber pn;
      SrPnStatus st = from_error (u->Parse (raw, region && *region ? region : "ZZ", &pn));
      if (st != SR_PN_OK)
        return st;
      if (pn.has_extension ()
          || !(strict ? u->IsValidNumber (pn) : u->IsPossibleNumber (pn)))
        return SR_PN_NOT_VALID;

      std::string out;
      u->Format (pn, PhoneNumberUtil::E164, &out);
      std::string cc;
      u->GetRegionCodeForNumber (pn, &cc);
      if (out.size () > 16 || cc.size () > 3)
        return SR_PN_NOT_VALID;
      memcpy (e164, out.c_str (), out.size () + 1);
      memcpy (country, cc.c_str (), cc.size () + 1);
      return SR_PN_OK;
    }
  catch (const std::exception &)
    {
      return SR_PN_FAILED;
    }
}

extern "C" gboolean
sr_pn_region_known (const char *region)
{
  try
    {
      /* GetSupportedRegions() copies a set: build ours once (thread-safe). */
      static const std::set<std::string> regions = [] {
        std::set<std::string> r;
        util ()->GetSupportedRegions (&r);
        return r;
      }();
      return regions.count (region) > 0;
    }
  catch (const std::exception &)
    {
      return FALSE;
    }
}
