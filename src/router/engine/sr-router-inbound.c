/* sr-router-inbound.c — mobile-originated deliver_sm: handed to the
 * inbound module, answered when it says the message is durable. */
#define G_LOG_DOMAIN "sr-router"

#include "sr-router-private.h"
#include "sr-inbound.h"

/* One deliver_sm waiting for the inbound module's answer. */
typedef struct {
  SrSmppSession *session;
  guint64 token;
} PendingAck;

static void
notify_cb (const char *app, const char *sender, const char *text, gpointer user_data)
{
  SrRouter *router = user_data;

  if (router->event_func)
    {
      g_autofree char *line = g_strdup_printf ("%s: %s", sender, text);

      router->event_func (router, SR_SCOPE_MESSAGE, "inbound", line, router->event_data);
    }
  sr_router_changed (router);
}

void
sr_router_inbound_init (SrRouter *router)
{
  SrInbound *inbound = sr_inbound_new (router->config, router->spool, router->journal,
                                       router->policy);

  sr_inbound_set_notify_func (inbound, notify_cb, router);
  router->inbound = inbound;
}

void
sr_router_inbound_fini (SrRouter *router)
{
  g_clear_pointer ((SrInbound **) &router->inbound, sr_inbound_free);
}

static void
done_cb (guint32 command_status, gpointer user_data)
{
  PendingAck *p = user_data;

  sr_smpp_session_ack_deliver (p->session, p->token, command_status);
  sr_smpp_session_unref (p->session);
  g_free (p);
}

void
sr_router_inbound_handle (SrRouter *router, SrRouterBind *bind, SrSmppSession *session,
                          const SrPdu *pdu, guint64 token)
{
  PendingAck *p = g_new0 (PendingAck, 1);

  p->session = sr_smpp_session_ref (session);
  p->token = token;
  sr_inbound_handle (router->inbound, bind->provider->config, pdu, done_cb, p);
}
