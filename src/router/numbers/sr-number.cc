/* sr-number.cc — the only C++ in the router: a thin extern "C" shim over
 * libphonenumber's PhoneNumberUtil, which parses and validates numbers with
 * Google's per-country metadata.  Caching and messages live in sr-number.c. */
#include "sr-number-private.h"

#include <cstring>
#include <new>
#include <string>

#include <phonenumbers/phonenumberutil.h>

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

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

} // namespace

extern "C" SrPnStatus
sr_pn_parse (const char *raw, const char *region, gboolean strict, char *e164, char *country)
{
  try
    {
      const PhoneNumberUtil *u = util ();
      PhoneNumber pn;
      SrPnStatus st = from_error (u->Parse (raw, region && *region ? region : "ZZ", &pn));
      if (st != SR_PN_OK)
        return st;
      /* An extension cannot receive an SMS. */
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
