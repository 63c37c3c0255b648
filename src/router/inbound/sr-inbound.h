/* sr-inbound.h — mobile-originated SMS: decoding, reassembly, firewall,
 * routing to an application's inbox.
 *
 * The engine hands every deliver_sm that is not a delivery receipt to
 * sr_inbound_handle().  @done is called exactly once with the
 * command_status for the deliver_sm_resp, and only after the message is
 * durable (inbox file renamed into new/ and journal row committed), or was
 * recorded as refused by the firewall, or is a duplicate part.
 */
#pragma once

#include <glib.h>
#include "sr-config.h"
#include "sr-journal.h"
#include "sr-pdu.h"
#include "sr-policy.h"
#include "sr-spool.h"

G_BEGIN_DECLS

typedef struct SrInbound SrInbound;

typedef void (*SrInboundDoneFunc) (guint32 command_status, gpointer user_data);

/* Called for each message written to an inbox (for notifications). */
typedef void (*SrInboundNotifyFunc) (const char *app, const char *sender,
                                     const char *text, gpointer user_data);

/* The objects are borrowed and must outlive the SrInbound. */
SrInbound *sr_inbound_new (const SrConfig *config, SrSpool *spool, SrJournal *journal,
                           SrPolicy *policy);
void sr_inbound_free (SrInbound *inbound);

/* After a configuration reload (the new objects are borrowed as well). */
void sr_inbound_set_config (SrInbound *inbound, const SrConfig *config, SrPolicy *policy);
void sr_inbound_set_notify_func (SrInbound *inbound, SrInboundNotifyFunc func, gpointer user_data);

void sr_inbound_handle (SrInbound *inbound, const SrProviderConfig *provider,
                        const SrPdu *deliver_sm, SrInboundDoneFunc done, gpointer user_data);

/* Runs what is due at @now_us (real time, µs): delivers incomplete
 * messages whose timeout passed, forgets delivered ones and removes their
 * held part files.  The engine need not call it (SrInbound runs its own
 * timers); tests may, with a time in the future. */
void sr_inbound_expire (SrInbound *inbound, gint64 now_us);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrInbound, sr_inbound_free)

G_END_DECLS
