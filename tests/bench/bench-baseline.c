/* bench-baseline.c — the ceiling: the router's own SMPP session library
 * submitting the PDUs of the benchmark's message mix, built once in memory
 * with the router's encoder, window 64, against the same simulator. */
#define G_LOG_DOMAIN "sr-bench"

#include "bench-baseline.h"

#include "sr-config.h"
#include "sr-number.h"
#include "sr-smpp-session.h"
#include "sr-split.h"

#include <string.h>

/* PDUs per cycle of the mix: 16 + 3 single parts and one of three. */
#define CYCLE 20

/* One baseline run. */
typedef struct {
  SrPdu pdus[CYCLE + 2];       /* the parts of messages 0..19, in order */
  guint pdu_message[CYCLE + 2];/* which message of the cycle each part belongs to */
  guint n_pdus;
  SrSmppSession **sessions;
  guint n_sessions;
  guint bound;
  guint64 total;               /* parts to submit */
  guint64 next;                /* next part (global index) */
  guint64 accepted, failed;
  gint64 start_us, end_us;
  char *failure;
  GMainLoop *loop;
} Baseline;

static void
pump (Baseline *b, SrSmppSession *session)
{
  while (b->next < b->total && sr_smpp_session_window_free (session) > 0)
    {
      guint64 k = b->next;
      SrPdu *pdu = &b->pdus[k % b->n_pdus];
      guint64 message = k / b->n_pdus * CYCLE + b->pdu_message[k % b->n_pdus];
      g_autoptr(GError) error = NULL;
      char to[32];

      bench_destination (message, to, sizeof to);
      g_strlcpy (pdu->destination_addr, to + 1, sizeof pdu->destination_addr);
      if (!sr_smpp_session_submit (session, pdu, NULL, &error))
        {
          if (b->failure == NULL)
            b->failure = g_strdup_printf ("submit refused: %s", error->message);
          g_main_loop_quit (b->loop);
          return;
        }
      b->next++;
    }
}

static void
on_state (SrSmppSession *session, SrSmppState state, const SrSmppStateChange *change,
          gpointer user_data)
{
  Baseline *b = user_data;
  if (state == SR_SMPP_STATE_BOUND)
    {
      if (++b->bound == b->n_sessions)
        {
          b->start_us = g_get_monotonic_time ();
          for (guint i = 0; i < b->n_sessions; i++)
            pump (b, b->sessions[i]);
        }
    }
  else if (state == SR_SMPP_STATE_DISCONNECTED && b->bound > 0 && b->end_us == 0)
    {
      if (b->failure == NULL)
        b->failure = g_strdup_printf ("a session went down: %s",
                                      change->reason != NULL ? change->reason : "?");
      g_main_loop_quit (b->loop);
    }
}

static void
on_result (SrSmppSession *session, gpointer ref, const SrSmppSubmitResult *result,
           gpointer user_data)
{
  Baseline *b = user_data;
  if (result->outcome == SR_SMPP_SUBMIT_ACCEPTED)
    b->accepted++;
  else
    {
      b->failed++;
      if (b->failure == NULL)
        b->failure = g_strdup_printf ("a submit was not accepted: %s",
                                      result->reason != NULL ? result->reason : "?");
    }
  if (b->accepted + b->failed == b->total)
    {
      b->end_us = g_get_monotonic_time ();
      g_main_loop_quit (b->loop);
    }
}

static void
on_window (SrSmppSession *session, guint free_slots, gpointer user_data)
{
  Baseline *b = user_data;
  if (b->bound == b->n_sessions)
    pump (b, session);
}

static gboolean
on_timeout (gpointer user_data)
{
  Baseline *b = user_data;
  if (b->failure == NULL)
    b->failure = g_strdup_printf ("timed out after %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                                  " answers", b->accepted + b->failed, b->total);
  g_main_loop_quit (b->loop);
  return G_SOURCE_REMOVE;
}

/* The PDUs of one cycle, as the router builds them (build_submit in the
 * engine's dispatch): sender +41791234567 (international), destination
 * international, no receipt, the provider's split. */
static gboolean
build_pdus (Baseline *b, const SrProviderConfig *provider, GError **error)
{
  b->n_pdus = 0;
  for (guint m = 0; m < CYCLE; m++)
    {
      char text[512];
      g_autoptr(SrSplit) split = NULL;

      bench_text (m, text, sizeof text);
      split = sr_split_message (text, SR_ALPHABET_AUTO, provider->split, 10,
                                provider->data_coding0, m + 1, error);
      if (split == NULL)
        return FALSE;
      if (split->n_segments != bench_parts (m))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "message %u of the mix split into %u parts, expected %u",
                       m, split->n_segments, bench_parts (m));
          return FALSE;
        }
      for (guint s = 0; s < split->n_segments; s++)
        {
          const SrSegment *seg = &split->segments[s];
          SrPdu *pdu = &b->pdus[b->n_pdus];

          g_assert (!seg->payload && !seg->sar && seg->length <= sizeof pdu->short_message);
          sr_pdu_init (pdu, SR_CMD_SUBMIT_SM, 0);
          pdu->source_addr_ton = SR_TON_INTERNATIONAL;
          pdu->source_addr_npi = SR_NPI_ISDN;
          g_strlcpy (pdu->source_addr, "41791234567", sizeof pdu->source_addr);
          pdu->dest_addr_ton = SR_TON_INTERNATIONAL;
          pdu->dest_addr_npi = SR_NPI_ISDN;
          pdu->esm_class = seg->esm_class;
          pdu->registered_delivery = 0;
          pdu->data_coding = seg->data_coding;
          pdu->sm_length = seg->length;
          memcpy (pdu->short_message, seg->data, seg->length);
          b->pdu_message[b->n_pdus] = m;
          b->n_pdus++;
        }
    }
  return TRUE;
}

gboolean
bench_baseline_run (BenchRun *run, guint64 messages, BenchBaselineResult *result, GError **error)
{
  g_autoptr(SrConfig) config = sr_config_load (run->config, error);
  const SrProviderConfig *provider;
  static const SrSmppSessionEvents events = {
    .state_changed = on_state,
    .submit_result = on_result,
    .window_available = on_window,
  };
  Baseline *b;
  guint timeout_id;
  gboolean ok;

  memset (result, 0, sizeof *result);
  if (config == NULL)
    return FALSE;
  provider = sr_config_find_provider (config, "sim");
  g_assert (provider != NULL);

  b = g_new0 (Baseline, 1);
  if (!build_pdus (b, provider, error))
    {
      g_free (b);
      return FALSE;
    }
  b->total = bench_parts_total (0, messages);
  /* whole cycles only, so the parts are exactly the mix's */
  g_assert (messages % CYCLE == 0 && b->total == messages / CYCLE * b->n_pdus);
  b->loop = g_main_loop_new (NULL, FALSE);
  b->n_sessions = provider->binds;
  b->sessions = g_new0 (SrSmppSession *, b->n_sessions);
  for (guint i = 0; i < b->n_sessions; i++)
    {
      b->sessions[i] = sr_smpp_session_new (provider, SR_SMPP_BIND_AS_TRANSCEIVER, &events, b);
      sr_smpp_session_start (b->sessions[i]);
    }
  timeout_id = g_timeout_add_seconds (600, on_timeout, b);
  g_main_loop_run (b->loop);
  g_source_remove (timeout_id);

  ok = b->failure == NULL && b->accepted == b->total;
  if (ok)
    {
      result->sessions = b->n_sessions;
      result->parts = b->total;
      result->messages = messages;
      result->seconds = (b->end_us - b->start_us) / 1e6;
      result->parts_per_s = b->total / result->seconds;
      result->messages_per_s = messages / result->seconds;
    }
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "baseline with %u session(s): %s",
                 b->n_sessions, b->failure != NULL ? b->failure : "not every part was accepted");

  for (guint i = 0; i < b->n_sessions; i++)
    sr_smpp_session_unref (b->sessions[i]);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_free (b->sessions);
  g_free (b->failure);
  g_main_loop_unref (b->loop);
  g_free (b);
  return ok;
}
