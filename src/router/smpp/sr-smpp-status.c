/* sr-smpp-status.c — the SMPP 3.4 command_status table. */
#define G_LOG_DOMAIN "sr-smpp"

#include "sr-smpp-status.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#define T SR_SMPP_STATUS_TEMPORARY
#define P SR_SMPP_STATUS_PERMANENT
#define S SR_SMPP_STATUS_SYSTEM

/* Sorted by status for the binary search. */
static const SrSmppStatusInfo statuses[] = {
  { 0x00000000, "ESME_ROK", N_("No error"), SR_SMPP_STATUS_OK },
  { 0x00000001, "ESME_RINVMSGLEN", N_("Message length is invalid"), P },
  { 0x00000002, "ESME_RINVCMDLEN", N_("Command length is invalid"), P },
  { 0x00000003, "ESME_RINVCMDID", N_("Invalid command ID"), P },
  { 0x00000004, "ESME_RINVBNDSTS", N_("Incorrect bind status for the given command"), T },
  { 0x00000005, "ESME_RALYBND", N_("The ESME is already bound"), S },
  { 0x00000006, "ESME_RINVPRTFLG", N_("Invalid priority flag"), P },
  { 0x00000007, "ESME_RINVREGDLVFLG", N_("Invalid registered delivery flag"), P },
  { 0x00000008, "ESME_RSYSERR", N_("System error at the SMSC"), T },
  { 0x0000000A, "ESME_RINVSRCADR", N_("Invalid source address"), P },
  { 0x0000000B, "ESME_RINVDSTADR", N_("Invalid destination address"), P },
  { 0x0000000C, "ESME_RINVMSGID", N_("Message ID is invalid"), P },
  { 0x0000000D, "ESME_RBINDFAIL", N_("Bind failed"), S },
  { 0x0000000E, "ESME_RINVPASWD", N_("Invalid password"), S },
  { 0x0000000F, "ESME_RINVSYSID", N_("Invalid system ID"), S },
  { 0x00000011, "ESME_RCANCELFAIL", N_("cancel_sm failed"), P },
  { 0x00000013, "ESME_RREPLACEFAIL", N_("replace_sm failed"), P },
  { 0x00000014, "ESME_RMSGQFUL", N_("Message queue full at the SMSC"), T },
  { 0x00000015, "ESME_RINVSERTYP", N_("Invalid service type"), P },
  { 0x00000033, "ESME_RINVNUMDESTS", N_("Invalid number of destinations"), P },
  { 0x00000034, "ESME_RINVDLNAME", N_("Invalid distribution list name"), P },
  { 0x00000040, "ESME_RINVDESTFLAG", N_("Destination flag is invalid"), P },
  { 0x00000042, "ESME_RINVSUBREP", N_("Invalid submit with replace request"), P },
  { 0x00000043, "ESME_RINVESMCLASS", N_("Invalid esm_class field data"), P },
  { 0x00000044, "ESME_RCNTSUBDL", N_("Cannot submit to a distribution list"), P },
  { 0x00000045, "ESME_RSUBMITFAIL", N_("submit_sm or submit_multi failed"), T },
  { 0x00000048, "ESME_RINVSRCTON", N_("Invalid source address TON"), P },
  { 0x00000049, "ESME_RINVSRCNPI", N_("Invalid source address NPI"), P },
  { 0x00000050, "ESME_RINVDSTTON", N_("Invalid destination address TON"), P },
  { 0x00000051, "ESME_RINVDSTNPI", N_("Invalid destination address NPI"), P },
  { 0x00000053, "ESME_RINVSYSTYP", N_("Invalid system_type field"), S },
  { 0x00000054, "ESME_RINVREPFLAG", N_("Invalid replace_if_present flag"), P },
  { 0x00000055, "ESME_RINVNUMMSGS", N_("Invalid number of messages"), P },
  { 0x00000058, "ESME_RTHROTTLED", N_("Throttling error: the account exceeded its allowed message rate"), T },
  { 0x00000061, "ESME_RINVSCHED", N_("Invalid scheduled delivery time"), P },
  { 0x00000062, "ESME_RINVEXPIRY", N_("Invalid message validity period"), P },
  { 0x00000063, "ESME_RINVDFTMSGID", N_("Predefined message invalid or not found"), P },
  { 0x00000064, "ESME_RX_T_APPN", N_("ESME receiver temporary application error"), T },
  { 0x00000065, "ESME_RX_P_APPN", N_("ESME receiver permanent application error"), P },
  { 0x00000066, "ESME_RX_R_APPN", N_("ESME receiver rejected the message"), P },
  { 0x00000067, "ESME_RQUERYFAIL", N_("query_sm failed"), P },
  { 0x000000C0, "ESME_RINVOPTPARSTREAM", N_("Error in the optional part of the PDU body"), P },
  { 0x000000C1, "ESME_ROPTPARNOTALLWD", N_("Optional parameter not allowed"), P },
  { 0x000000C2, "ESME_RINVPARLEN", N_("Invalid parameter length"), P },
  { 0x000000C3, "ESME_RMISSINGOPTPARAM", N_("Expected optional parameter missing"), P },
  { 0x000000C4, "ESME_RINVOPTPARAMVAL", N_("Invalid optional parameter value"), P },
  { 0x000000FE, "ESME_RDELIVERYFAILURE", N_("Delivery failure"), T },
  { 0x000000FF, "ESME_RUNKNOWNERR", N_("Unknown error at the SMSC"), T },
};

#undef T
#undef P
#undef S

static int
cmp_status (const void *key, const void *elem)
{
  guint32 k = *(const guint32 *) key;
  guint32 s = ((const SrSmppStatusInfo *) elem)->status;
  return k < s ? -1 : k > s ? 1 : 0;
}

const SrSmppStatusInfo *
sr_smpp_status_lookup (guint32 status)
{
  return bsearch (&status, statuses, G_N_ELEMENTS (statuses), sizeof statuses[0], cmp_status);
}

SrSmppStatusClass
sr_smpp_status_class (guint32 status)
{
  const SrSmppStatusInfo *info = sr_smpp_status_lookup (status);
  return info ? info->klass : SR_SMPP_STATUS_TEMPORARY;
}

static gboolean
is_vendor (guint32 status)
{
  return status >= 0x00000400 && status <= 0x000004FF;
}

const char *
sr_smpp_status_name (guint32 status, char buf[SR_SMPP_STATUS_NAME_SIZE])
{
  const SrSmppStatusInfo *info = sr_smpp_status_lookup (status);
  if (info)
    return info->name;
  g_return_val_if_fail (buf != NULL, "ESME_UNKNOWN");
  snprintf (buf, SR_SMPP_STATUS_NAME_SIZE, "%s_0x%08X",
            is_vendor (status) ? "ESME_VENDOR" : "ESME_RESERVED", status);
  return buf;
}

const char *
sr_smpp_status_text (guint32 status)
{
  const SrSmppStatusInfo *info = sr_smpp_status_lookup (status);
  if (info)
    return _(info->text);
  if (is_vendor (status))
    return _("SMSC vendor-specific error");
  return _("Reserved or unknown status");
}

char *
sr_smpp_status_describe (guint32 status)
{
  char buf[SR_SMPP_STATUS_NAME_SIZE];
  return g_strdup_printf ("%s (0x%08X): %s", sr_smpp_status_name (status, buf), status,
                          sr_smpp_status_text (status));
}

gboolean
sr_smpp_status_is_throttle (guint32 status)
{
  return status == 0x00000058;
}

const char *
sr_smpp_status_class_to_string (SrSmppStatusClass klass)
{
  switch (klass)
    {
    case SR_SMPP_STATUS_OK: return "ok";
    case SR_SMPP_STATUS_TEMPORARY: return "temporary";
    case SR_SMPP_STATUS_PERMANENT: return "permanent";
    case SR_SMPP_STATUS_SYSTEM: return "system";
    }
  return "unknown";
}
