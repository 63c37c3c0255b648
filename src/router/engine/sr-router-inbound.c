/* sr-router-inbound.c — mobile-originated deliver_sm: handed to the
 * inbound module, answered when it says the message is durable. */
#define G_LOG_DOMAIN "sr-router"

#include "sr-router-private.h"

#define ESME_RX_T_APPN 0x00000064u

void
sr_router_inbound_init (SrRouter *router)
{
}

void
sr_router_inbound_fini (SrRouter *router)
{
}

void
sr_router_inbound_handle (SrRouter *router, SrRouterBind *bind, SrSmppSession *session,
                          const SrPdu *pdu, guint64 token)
{
  /* TODO(inbound): hand over to sr_inbound_handle() once that module is
   * merged.  Until then nothing makes an MO durable, so it is refused with
   * a temporary error and the SMSC delivers it again later. */
  sr_smpp_session_ack_deliver (session, token, ESME_RX_T_APPN);
}
