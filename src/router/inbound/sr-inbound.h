/* sr-inbound.h — mobile-originated SMS: decoding, reassembly, firewall,
 * routing to an application's inbox.
 *
 * The engine hands every deliver_sm (or data_sm) that is not a delivery
 * receipt to sr_inbound_handle().  @done is called at most once with the
 * command_status for the deliver_sm_resp:
 *   - ESME_ROK for a part that does not complete a message, once it is in
 *     a holding file of SPOOL/router/inbound/ (written by a worker thread
 *     for all the deliver_sm read meanwhile: a group commit);
 *   - ESME_ROK for the parts completing a message (or any part of one whose
 *     timeout passed) only after the message is durable: inbox file renamed
 *     into new/ and journal row committed, or the firewall's refusal
 *     committed to the journal;
 *   - ESME_ROK for a duplicate of a part already held or delivered;
 *   - ESME_RX_T_APPN (0x64) when the part or message could not be stored
 *     (disk, journal): the SMSC delivers it again.
 * Answers still waiting when the SrInbound is freed are never given (flush
 * the journal first to let them out): the SMSC redelivers those, and the
 * held parts make the redelivery produce the same single inbox file.
 *
 * Everything but the file writes runs on the thread of the journal, from
 * its main context; sr_inbound_free() waits for a write in progress.
 */
#pragma once

#include <glib.h>
#include "sr-config.h"
#include "sr-journal.h"
#include "sr-pdu.h"
#include "sr-policy.h"
#include "sr-spool.h"

G_BEGIN_DECLS

/* ESME_RX_T_APPN, "temporary application error": what @done answers when
 * something could not be stored; the SMSC delivers the PDU again. */
#define SR_INBOUND_STATUS_RETRY 0x00000064u

typedef struct SrInbound SrInbound;

typedef void (*SrInboundDoneFunc) (guint32 command_status, gpointer user_data);

/* Called for each message written to an inbox (for notifications). */
typedef void (*SrInboundNotifyFunc) (const char *app, const char *sender,
                                     const char *text, gpointer user_data);

/* The objects are borrowed and must outlive the SrInbound.  Rebuilds the
 * messages whose parts were held when the router last stopped, and
 * delivers those that are complete. */
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
 * held parts.  Returns once what was read and what this starts is written
 * and in the journal (the answers wait for its commit, as always).  The
 * engine need not call it (SrInbound runs its own timers); tests may, with
 * a time in the future. */
void sr_inbound_expire (SrInbound *inbound, gint64 now_us);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrInbound, sr_inbound_free)

G_END_DECLS
