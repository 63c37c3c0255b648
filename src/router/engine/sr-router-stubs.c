/* sr-router-stubs.c — pipeline entry points not written yet (temporary). */
#define G_LOG_DOMAIN "sr-router"


#include "sr-router-private.h"

void sr_router_intake_schedule (SrRouter *router) { }
void sr_router_intake_watch_func (const char *app, gpointer user_data) { }
void sr_router_intake_stop (SrRouter *router) { }
void sr_router_kick (SrRouter *router) { }
void sr_router_submit_result (SrSmppSession *session, gpointer caller_ref,
                              const SrSmppSubmitResult *result, gpointer user_data) { }
void
sr_router_deliver (SrSmppSession *session, const SrPdu *pdu, guint64 token, gpointer user_data)
{
  /* Not durable yet: have the SMSC deliver it again later. */
  sr_smpp_session_ack_deliver (session, token, 0x00000064 /* ESME_RX_T_APPN */);
}
void sr_router_inbound_init (SrRouter *router) { }
void sr_router_inbound_fini (SrRouter *router) { }
gboolean sr_router_recover (SrRouter *router, GError **error) { return TRUE; }

gboolean
sr_router_reload (SrRouter *router, SrConfig *config, GError **error)
{
  g_set_error (error, SR_ROUTER_ERROR, SR_ROUTER_ERROR_FAILED, "Reload is not available yet.");
  return FALSE;
}
