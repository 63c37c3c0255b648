/* sr-inbound.c — mobile-originated SMS: parts in, messages out.
 *
 * Order of work for each deliver_sm, and why:
 *   1. its part joins the next group (sr-inbound-batch.c), whose holding
 *      file (SPOOL/router/inbound) is written first; only then may the SMSC
 *      be answered for a part that does not complete a message: a crash
 *      after the answer must not lose the part;
 *   2. a message whose last part is there (or whose timeout passed) has its
 *      inbox file written in the same group, under a name derived from the
 *      group and its first-seen time, then its journal row with a dedup key
 *      derived the same way;
 *   3. after the journal commit the waiting answers go out and the holding
 *      records are released.
 * A crash anywhere leaves holding files that rebuild the group at start;
 * the inbox file name and dedup key come out the same, so the redelivered
 * deliver_sm finds the message already there: exactly one inbox file.
 */
#define G_LOG_DOMAIN "sr-inbound"

#include "sr-inbound.h"
#include "sr-inbound-private.h"
#include "sr-number.h"
#include "sr-smpp-status.h"
#include "sr-udh.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* One delivery waiting for its journal commit. */
typedef struct {
  SrInbound *inbound;      /* NULL once the SrInbound is freed */
  SrInboundGroup *group;   /* a DELIVERING group is only freed with the SrInbound */
  char *app;               /* for the notification; NULL when not written to an inbox */
  char *sender;
  char *text;
} SrInboundCommit;

/* What a delivery found, made on the main loop before the group is
 * written, and recorded in the journal after. */
struct SrInboundDelivery {
  SrInboundGroup *group;
  char *inbox_app;         /* NULL when the message goes to no inbox */
  char *file;
  GString *data;
  char *app;               /* the app it was routed to (also when refused) */
  char *sender;
  char *recipient;
  char *text;
  char *verdict;
  char *dedup;
  char *event;             /* refused or unrouted: why */
  char *problem;           /* what was wrong with the PDU */
};

SrInboundPart *
sr_inbound_part_new (const guint8 *body, gsize len, guint8 data_coding, guint8 esm_class,
                     gint64 received_at)
{
  SrInboundPart *part = g_new0 (SrInboundPart, 1);

  part->body = len > 0 ? g_memdup2 (body, len) : NULL;
  part->len = len;
  part->data_coding = data_coding;
  part->esm_class = esm_class;
  part->received_at = received_at;
  part->concat = SR_INBOUND_SINGLE;
  part->total = 1;
  part->seq = 1;
  return part;
}

void
sr_inbound_part_free (SrInboundPart *part)
{
  if (part == NULL)
    return;
  g_free (part->body);
  g_free (part);
}

void
sr_inbound_part_classify (SrInboundPart *part, const SrPdu *pdu)
{
  const guint32 sar = SR_TLV_SAR_MSG_REF_NUM | SR_TLV_SAR_TOTAL_SEGMENTS | SR_TLV_SAR_SEGMENT_SEQNUM;
  SrUdhInfo udh = { 0 };

  part->udh_len = 0;
  if ((part->esm_class & 0x40) && sr_udh_parse (part->body, part->len, &udh, NULL))
    part->udh_len = udh.length;

  if (pdu != NULL && (pdu->tlv_mask & sar) == sar && pdu->sar_total_segments > 1 &&
      pdu->sar_segment_seqnum >= 1 && pdu->sar_segment_seqnum <= pdu->sar_total_segments)
    {
      part->concat = SR_INBOUND_SAR;
      part->ref = pdu->sar_msg_ref_num;
      part->total = pdu->sar_total_segments;
      part->seq = pdu->sar_segment_seqnum;
    }
  else if (part->udh_len > 0 && udh.concat && udh.total > 1)
    {
      part->concat = udh.ref16 ? SR_INBOUND_UDH16 : SR_INBOUND_UDH8;
      part->ref = udh.ref;
      part->total = udh.total;
      part->seq = udh.seq;
    }
  else if (part->concat != SR_INBOUND_SAR)
    {
      part->concat = SR_INBOUND_SINGLE;
      part->total = 1;
      part->seq = 1;
    }
}

char *
sr_inbound_part_key (const char *provider, const char *source_addr, const char *dest_addr,
                     const SrInboundPart *part)
{
  static const char *const kinds[] = { "single", "udh8", "udh16", "sar" };

  if (part->concat == SR_INBOUND_SINGLE)
    {
      /* No reference to tell two messages apart: the content does. */
      g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA1);
      guint8 meta[2] = { part->data_coding, part->esm_class };

      g_checksum_update (sum, meta, sizeof meta);
      if (part->len > 0)
        g_checksum_update (sum, part->body, part->len);
      return g_strdup_printf ("%s\x1f%s\x1f%s\x1fsingle\x1f%s", provider, source_addr,
                              dest_addr, g_checksum_get_string (sum));
    }
  return g_strdup_printf ("%s\x1f%s\x1f%s\x1f%s\x1f%u\x1f%u", provider, source_addr, dest_addr,
                          kinds[part->concat], part->ref, part->total);
}

SrInboundGroup *
sr_inbound_group_new (SrInbound *inbound, const char *key, const SrInboundPart *first,
                      const char *provider, const char *source_addr, guint8 source_ton,
                      const char *dest_addr, guint8 dest_ton, gint64 first_seen)
{
  SrInboundGroup *group = g_new0 (SrInboundGroup, 1);

  group->inbound = inbound;
  group->key = g_strdup (key);
  group->hash = g_compute_checksum_for_string (G_CHECKSUM_SHA1, key, -1);
  group->first_seen = first_seen;
  group->concat = first->concat;
  group->ref = first->ref;
  group->total = MAX (first->total, 1);
  group->parts = g_new0 (SrInboundPart *, group->total);
  group->provider = g_strdup (provider);
  group->source_addr = g_strdup (source_addr);
  group->source_ton = source_ton;
  group->dest_addr = g_strdup (dest_addr);
  group->dest_ton = dest_ton;
  group->state = SR_GROUP_COLLECTING;
  group->waiters = g_array_new (FALSE, FALSE, sizeof (SrInboundWaiter));
  return group;
}

void
sr_inbound_group_free (SrInboundGroup *group)
{
  if (group == NULL)
    return;
  if (group->timer)
    g_source_remove (group->timer);
  for (guint i = 0; i < group->total; i++)
    sr_inbound_part_free (group->parts[i]);
  g_free (group->parts);
  g_free (group->key);
  g_free (group->hash);
  g_free (group->provider);
  g_free (group->source_addr);
  g_free (group->dest_addr);
  /* Answers still waiting are dropped: the SMSC redelivers unanswered PDUs. */
  g_array_unref (group->waiters);
  g_free (group);
}

void
sr_inbound_group_add (SrInboundGroup *group, SrInboundPart *part)
{
  guint i = part->seq - 1;

  g_return_if_fail (part->seq >= 1 && part->seq <= group->total);
  if (group->parts[i] != NULL)
    {
      sr_inbound_part_free (part);
      return;
    }
  group->parts[i] = part;
  group->have++;
}

void
sr_inbound_group_add_waiter (SrInboundGroup *group, SrInboundDoneFunc func, gpointer user_data)
{
  SrInboundWaiter w = { func, user_data };

  if (func != NULL)
    g_array_append_val (group->waiters, w);
}

void
sr_inbound_group_answer (SrInboundGroup *group, guint32 status)
{
  /* A callback may lead back here; work on a detached list. */
  g_autoptr(GArray) waiters = group->waiters;

  group->waiters = g_array_new (FALSE, FALSE, sizeof (SrInboundWaiter));
  for (guint i = 0; i < waiters->len; i++)
    {
      SrInboundWaiter *w = &g_array_index (waiters, SrInboundWaiter, i);
      w->func (status, w->user_data);
    }
}

void
sr_inbound_group_forget (SrInboundGroup *group)
{
  if (group->detached)
    g_ptr_array_remove_fast (group->inbound->detached, group);
  else
    g_hash_table_remove (group->inbound->groups, group->key);
}

/* A delivered group is done with: its held parts are released. */
static void
retire_group (SrInboundGroup *group)
{
  SrInbound *inbound = group->inbound;

  sr_inbound_store_remove (inbound, group);
  sr_inbound_group_forget (group);
}

static gint64
timeout_us (const SrInbound *inbound)
{
  guint s = inbound->config->inbound_timeout > 0 ? inbound->config->inbound_timeout : 300;
  return (gint64) s * G_USEC_PER_SEC;
}

gint64
sr_inbound_group_deadline (const SrInboundGroup *group)
{
  return group->first_seen + timeout_us (group->inbound);
}

static gboolean
on_group_timer (gpointer data)
{
  SrInboundGroup *group = data;

  group->timer = 0;
  switch (group->state)
    {
    case SR_GROUP_COLLECTING:
      sr_inbound_batch_deliver (group->inbound, group);
      break;
    case SR_GROUP_DONE:
      retire_group (group);
      break;
    case SR_GROUP_DELIVERING:
      break;
    }
  return G_SOURCE_REMOVE;
}

void
sr_inbound_group_arm_timer (SrInboundGroup *group, gint64 at_us)
{
  gint64 delay_ms = (at_us - g_get_real_time ()) / 1000;

  if (group->timer)
    g_source_remove (group->timer);
  group->timer_at = at_us;
  group->timer = g_timeout_add ((guint) CLAMP (delay_ms, 0, G_MAXINT32), on_group_timer, group);
}

void
sr_inbound_record_event (SrInbound *inbound, SrJournalLevel level, const char *kind, const char *app,
                         const char *text)
{
  g_autoptr(GError) error = NULL;

  if (!sr_journal_event_add (inbound->journal, g_get_real_time (), SR_SCOPE_MESSAGE, level,
                             kind, 0, app, NULL, text, &error))
    g_warning ("%s", error->message);
}

/* Delivery could not be made durable: the SMSC will try again, and the
 * group stays in memory (its parts are held) to be delivered with the next
 * copy, or by the retry timer if no copy comes (recovered, timed out). */
void
sr_inbound_group_failed (SrInboundGroup *group, const char *what, gboolean journal_ok,
                         const GError *error)
{
  g_autofree char *text = g_strdup_printf (_("Inbound message from %s to %s could not be stored "
                                             "(%s): %s; the SMSC will deliver it again"),
                                           group->source_addr, group->dest_addr, what,
                                           error ? error->message : _("unknown error"));

  g_warning ("%s", text);
  if (journal_ok)
    sr_inbound_record_event (group->inbound, SR_LEVEL_ERROR, "inbound-store", NULL, text);
  group->state = SR_GROUP_COLLECTING;
  sr_inbound_group_answer (group, SR_INBOUND_STATUS_RETRY);
  sr_inbound_group_arm_timer (group, g_get_real_time () + (gint64) SR_INBOUND_RETRY_S * G_USEC_PER_SEC);
}

static void
commit_free (SrInboundCommit *c)
{
  g_free (c->app);
  g_free (c->sender);
  g_free (c->text);
  g_free (c);
}

static void
on_committed (SrJournal *journal, const GError *error, gpointer user_data)
{
  SrInboundCommit *c = user_data;
  SrInbound *inbound = c->inbound;
  SrInboundGroup *group;

  (void) journal;
  if (inbound == NULL)
    {
      commit_free (c);
      return;
    }
  g_hash_table_remove (inbound->commits, c);
  group = c->group;
  if (group->state != SR_GROUP_DELIVERING)
    {
      commit_free (c);
      return;
    }
  if (error != NULL)
    {
      sr_inbound_group_failed (group, _("journal"), FALSE, error);
      commit_free (c);
      return;
    }

  group->state = SR_GROUP_DONE;
  /* Only which parts came matters from now on. */
  for (guint i = 0; i < group->total; i++)
    if (group->parts[i] != NULL)
      {
        g_clear_pointer (&group->parts[i]->body, g_free);
        group->parts[i]->len = 0;
        group->parts[i]->udh_len = 0;
      }
  sr_inbound_group_answer (group, SR_SMPP_STATUS_OK);
  if (c->app != NULL && inbound->notify != NULL)
    inbound->notify (c->app, c->sender, c->text, inbound->notify_data);

  /* A single message is recognised by its content, which a person may well
   * send twice: forget it at once (its held part lingers for a crash
   * before our answer went out).  Parts carry a reference: keep the group
   * a while so a part the SMSC sends again is answered, not reassembled.
   * A recovered group waits for the redelivery of its unanswered part. */
  if (group->detached)
    retire_group (group);
  else if (group->recovered)
    sr_inbound_group_arm_timer (group, g_get_real_time () + (gint64) SR_INBOUND_RECOVERED_GRACE_S * G_USEC_PER_SEC);
  else if (group->concat == SR_INBOUND_SINGLE)
    {
      sr_inbound_store_linger (inbound, group);
      sr_inbound_group_forget (group);
    }
  else
    sr_inbound_group_arm_timer (group, g_get_real_time () +
                     MAX (timeout_us (inbound), (gint64) SR_INBOUND_RECENT_MIN_S * G_USEC_PER_SEC));
  commit_free (c);
}

static const SrProviderConfig *
find_provider (SrInbound *inbound, const char *name)
{
  return name ? sr_config_find_provider (inbound->config, name) : NULL;
}

/* Routes the message and makes its inbox file in memory; the group is
 * DELIVERING from here until the journal commit. */
SrInboundDelivery *
sr_inbound_delivery_new (SrInboundGroup *group)
{
  SrInbound *inbound = group->inbound;
  const SrProviderConfig *provider = find_provider (inbound, group->provider);
  SrDataCoding0 dc0 = provider ? provider->data_coding0 : SR_DC0_GSM_UNPACKED;
  const char *region = provider && provider->region && *provider->region
                       ? provider->region : inbound->config->region;
  g_autoptr(SrDecoded) decoded = sr_inbound_group_decode (group, dc0);
  SrInboundDelivery *d = g_new0 (SrInboundDelivery, 1);
  SrAddress from = { 0 }, to = { 0 };
  const char *sender, *recipient;
  const char *keyword = NULL;
  const SrAppConfig *app;
  SrPolicyDecision decision;

  if (group->timer)
    {
      g_source_remove (group->timer);
      group->timer = 0;
    }
  group->state = SR_GROUP_DELIVERING;
  group->delivered_incomplete = group->have < group->total;
  d->group = group;

  sender = group->source_addr;
  if (sr_number_normalise_inbound (group->source_addr, group->source_ton, region, &from, NULL))
    sender = from.e164[0] ? from.e164 : from.addr;
  recipient = group->dest_addr;
  if (sr_number_normalise_inbound (group->dest_addr, group->dest_ton, region, &to, NULL))
    recipient = to.e164[0] ? to.e164 : to.addr;
  /* As sent when not a number: no control characters or broken UTF-8 in
   * the inbox file, the journal and the events. */
  d->sender = sr_inbound_address_shown (sender);
  d->recipient = sr_inbound_address_shown (recipient);

  app = sr_policy_route_inbound (inbound->policy, d->recipient, decoded->text, &keyword);
  d->app = app ? g_strdup (app->name) : NULL;
  d->dedup = g_strdup_printf ("mo:%s:%" G_GINT64_FORMAT, group->hash, group->first_seen);
  d->text = g_strdup (decoded->text);
  if (decoded->problem != NULL)
    d->problem = g_strdup_printf (_("Inbound message from %s to %s: %s"), d->sender, d->recipient,
                                  decoded->problem);

  if (app == NULL)
    {
      d->verdict = g_strdup ("unrouted");
      d->event = g_strdup_printf (_("Inbound message from %s to %s matches no app and no default "
                                    "app is configured; it is kept in the journal only"),
                                  d->sender, d->recipient);
    }
  else if (!sr_policy_check_inbound (app, d->sender, &decision))
    {
      d->verdict = g_strdup_printf ("denied: %s", sr_policy_rule_to_string (decision.rule));
      d->event = g_strdup_printf (_("Inbound message from %s to %s refused by the inbound firewall "
                                    "of app %s (%s): %s"), d->sender, d->recipient, app->name,
                                  sr_policy_rule_to_string (decision.rule), decision.text);
    }
  else
    {
      SrInboundFileInfo info = {
        .sender = d->sender,
        .recipient = d->recipient,
        .received_at = group->first_seen,
        .provider = group->provider,
        .keyword = keyword,
        .decoded = decoded,
        .total = group->total,
      };
      g_autofree char *parts = group->delivered_incomplete ? sr_inbound_group_parts_list (group) : NULL;

      info.incomplete_parts = parts;
      d->data = sr_inbound_format_file (&info);
      d->file = sr_inbound_file_name (inbound, group);
      d->inbox_app = g_strdup (app->name);
      d->verdict = g_strdup (group->delivered_incomplete ? "inbox: incomplete" : "inbox");
    }
  return d;
}

SrInboundGroup *
sr_inbound_delivery_group (const SrInboundDelivery *d)
{
  return d->group;
}

gboolean
sr_inbound_delivery_file (const SrInboundDelivery *d, const char **app, const char **name,
                          const GString **data)
{
  *app = d->inbox_app;
  *name = d->file;
  *data = d->data;
  return d->inbox_app != NULL;
}

void
sr_inbound_delivery_free (SrInboundDelivery *d)
{
  if (d == NULL)
    return;
  g_free (d->inbox_app);
  g_free (d->file);
  if (d->data != NULL)
    g_string_free (d->data, TRUE);
  g_free (d->app);
  g_free (d->sender);
  g_free (d->recipient);
  g_free (d->text);
  g_free (d->verdict);
  g_free (d->dedup);
  g_free (d->event);
  g_free (d->problem);
  g_free (d);
}

void
sr_inbound_delivery_finish (SrInboundDelivery *d, const GError *write_error)
{
  SrInboundGroup *group = d->group;
  SrInbound *inbound = group->inbound;
  g_autoptr(GError) error = NULL;
  SrJournalInbound row = { 0 };
  gboolean duplicate = FALSE;
  SrInboundCommit *c;

  if (write_error != NULL)
    {
      sr_inbound_group_failed (group, _("inbox"), TRUE, write_error);
      return;
    }
  row.provider = group->provider;
  row.sender = d->sender;
  row.recipient = d->recipient;
  row.app = d->app;
  row.text = d->text;
  row.parts = group->total;
  row.received_at = group->first_seen;
  row.verdict = d->verdict;
  row.dedup_key = d->dedup;
  row.file = d->file;
  if (sr_journal_inbound_insert (inbound->journal, &row, &duplicate, &error) == 0)
    {
      sr_inbound_group_failed (group, _("journal"), FALSE, error);
      return;
    }
  if (d->event != NULL && !duplicate)
    sr_inbound_record_event (inbound, d->app ? SR_LEVEL_INFO : SR_LEVEL_WARNING,
                             d->app ? "inbound-denied" : "inbound-unrouted", d->app, d->event);
  if (d->problem != NULL && !duplicate)
    sr_inbound_record_event (inbound, SR_LEVEL_WARNING, "inbound-malformed", d->app, d->problem);

  c = g_new0 (SrInboundCommit, 1);
  c->inbound = inbound;
  c->group = group;
  if (d->inbox_app != NULL && !duplicate)
    {
      c->app = g_strdup (d->inbox_app);
      c->sender = g_strdup (d->sender);
      c->text = g_strdup (d->text);
    }
  g_hash_table_add (inbound->commits, c);
  sr_journal_when_committed (inbound->journal, on_committed, c);
}

void
sr_inbound_group_recovered (SrInbound *inbound, SrInboundGroup *group)
{
  group->recovered = TRUE;
  /* two identical single messages held at once: deliver the twin aside */
  if (g_hash_table_contains (inbound->groups, group->key))
    {
      group->detached = TRUE;
      g_ptr_array_add (inbound->detached, group);
    }
  else
    g_hash_table_insert (inbound->groups, group->key, group);
  if (group->was_delivered)
    {
      /* in the inbox and the journal before the crash: only its
       * redelivered part is still to be answered */
      group->state = SR_GROUP_DONE;
      group->delivered_incomplete = group->have < group->total;
      sr_inbound_group_arm_timer (group, g_get_real_time () + (gint64) SR_INBOUND_RECOVERED_GRACE_S * G_USEC_PER_SEC);
    }
  else if (group->have == group->total)
    sr_inbound_batch_deliver (inbound, group);
  else
    sr_inbound_group_arm_timer (group, sr_inbound_group_deadline (group));
}

SrInbound *
sr_inbound_new (const SrConfig *config, SrSpool *spool, SrJournal *journal, SrPolicy *policy)
{
  g_autoptr(GError) error = NULL;
  SrInbound *inbound;
  const char *host = g_get_host_name ();

  g_return_val_if_fail (config != NULL && spool != NULL && journal != NULL && policy != NULL, NULL);

  inbound = g_new0 (SrInbound, 1);
  inbound->config = config;
  inbound->spool = spool;
  inbound->journal = journal;
  inbound->policy = policy;
  inbound->groups = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                           (GDestroyNotify) sr_inbound_group_free);
  inbound->commits = g_hash_table_new (NULL, NULL);
  g_queue_init (&inbound->linger);
  inbound->detached = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_inbound_group_free);
  inbound->holds = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) sr_inbound_store_hold_free);
  /* maildir: '/' and ':' may not appear in a host part */
  inbound->host = g_strdup (host);
  g_strdelimit (inbound->host, "/:.", '_');
  inbound->hold_dir = g_build_filename (sr_spool_get_root (spool), "router", SR_INBOUND_HOLD_DIR, NULL);

  sr_inbound_batch_init (inbound);
  if (!sr_inbound_store_init (inbound, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Inbound parts cannot be held in %s: %s"),
                                               inbound->hold_dir, error->message);
      g_warning ("%s", text);
      sr_inbound_record_event (inbound, SR_LEVEL_ERROR, "inbound-store", NULL, text);
    }
  else
    sr_inbound_store_load (inbound);
  return inbound;
}

void
sr_inbound_free (SrInbound *inbound)
{
  GHashTableIter iter;
  gpointer c;

  if (inbound == NULL)
    return;
  sr_inbound_batch_fini (inbound);
  /* Commits still pending run later: detach them from us. */
  g_hash_table_iter_init (&iter, inbound->commits);
  while (g_hash_table_iter_next (&iter, &c, NULL))
    ((SrInboundCommit *) c)->inbound = NULL;
  g_hash_table_unref (inbound->commits);
  g_hash_table_unref (inbound->groups);
  g_ptr_array_unref (inbound->detached);
  sr_inbound_store_clear (inbound);
  g_hash_table_unref (inbound->holds);
  g_free (inbound->hold_dir);
  g_free (inbound->host);
  g_free (inbound);
}

void
sr_inbound_set_config (SrInbound *inbound, const SrConfig *config, SrPolicy *policy)
{
  g_return_if_fail (inbound != NULL && config != NULL && policy != NULL);
  inbound->config = config;
  inbound->policy = policy;
}

void
sr_inbound_set_notify_func (SrInbound *inbound, SrInboundNotifyFunc func, gpointer user_data)
{
  g_return_if_fail (inbound != NULL);
  inbound->notify = func;
  inbound->notify_data = user_data;
}

void
sr_inbound_handle (SrInbound *inbound, const SrProviderConfig *provider,
                   const SrPdu *deliver_sm, SrInboundDoneFunc done, gpointer user_data)
{
  g_autofree char *key = NULL;
  const guint8 *body;
  gsize len;
  SrInboundPart *part;
  SrInboundGroup *group;
  guint seq;
  gint64 now = g_get_real_time ();

  g_return_if_fail (inbound != NULL && provider != NULL && deliver_sm != NULL);

  body = sr_pdu_body (deliver_sm, &len);
  part = sr_inbound_part_new (body, len, deliver_sm->data_coding, deliver_sm->esm_class, now);
  sr_inbound_part_classify (part, deliver_sm);
  seq = part->seq;
  key = sr_inbound_part_key (provider->name, deliver_sm->source_addr,
                             deliver_sm->destination_addr, part);

  group = g_hash_table_lookup (inbound->groups, key);
  if (group != NULL && group->state == SR_GROUP_DELIVERING && group->parts[seq - 1] == NULL)
    {
      /* A late part while what arrived before is being written: once that
       * is durable the part starts a new message; until then, later. */
      sr_inbound_part_free (part);
      if (done)
        done (SR_INBOUND_STATUS_RETRY, user_data);
      return;
    }
  if (group != NULL && group->state == SR_GROUP_DONE && group->parts[seq - 1] == NULL)
    {
      /* A late part of a message delivered incomplete: a new message. */
      retire_group (group);
      group = NULL;
    }
  if (group != NULL && group->parts[seq - 1] != NULL)
    {
      /* The SMSC sent this part again: it is stored already. */
      sr_inbound_part_free (part);
      switch (group->state)
        {
        case SR_GROUP_DONE:
          if (done)
            done (SR_SMPP_STATUS_OK, user_data);
          if (group->recovered && group->concat == SR_INBOUND_SINGLE)
            retire_group (group);
          return;
        case SR_GROUP_DELIVERING:
          sr_inbound_group_add_waiter (group, done, user_data);
          return;
        case SR_GROUP_COLLECTING:
          {
            const SrInboundPart *held = group->parts[seq - 1];

            /* Answered now when held and the message is still missing parts;
             * otherwise with the next group: when its part is held, or, when
             * the message is complete (its last delivery attempt failed), once
             * it is recorded. */
            if (held->hold != NULL && group->have < group->total)
              {
                if (done)
                  done (SR_SMPP_STATUS_OK, user_data);
              }
            else
              sr_inbound_batch_add (inbound, group, NULL, seq, done, user_data);
          }
          return;
        }
      return;
    }

  if (group == NULL)
    {
      group = sr_inbound_group_new (inbound, key, part, provider->name, deliver_sm->source_addr,
                                    deliver_sm->source_addr_ton, deliver_sm->destination_addr,
                                    deliver_sm->dest_addr_ton, now);
      g_hash_table_insert (inbound->groups, group->key, group);
    }
  /* Held, and the message written if it is complete, with the next group. */
  sr_inbound_group_add (group, part);
  sr_inbound_batch_add (inbound, group, part, seq, done, user_data);
  if (group->have < group->total && group->timer == 0)
    sr_inbound_group_arm_timer (group, sr_inbound_group_deadline (group));
}

void
sr_inbound_expire (SrInbound *inbound, gint64 now_us)
{
  g_autoptr(GPtrArray) due = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (inbound != NULL);

  g_hash_table_iter_init (&iter, inbound->groups);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SrInboundGroup *group = value;

      if (group->timer != 0 && group->timer_at <= now_us && group->state != SR_GROUP_DELIVERING)
        g_ptr_array_add (due, group);
    }
  for (guint i = 0; i < inbound->detached->len; i++)
    {
      SrInboundGroup *group = g_ptr_array_index (inbound->detached, i);

      if (group->timer != 0 && group->timer_at <= now_us && group->state != SR_GROUP_DELIVERING)
        g_ptr_array_add (due, group);
    }
  /* each is due: run its timer now */
  for (guint i = 0; i < due->len; i++)
    {
      SrInboundGroup *group = g_ptr_array_index (due, i);

      g_source_remove (group->timer);
      on_group_timer (group);
    }
  sr_inbound_batch_drain (inbound);
  sr_inbound_store_expire (inbound, now_us);
}
