/* sr-test-load.c — a pipelining SMPP load client: one submit_sm packed once,
 * sent in batches with a window, answers counted from raw headers. */
#define G_LOG_DOMAIN "sr-test"

#include "sr-test-sim.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

/* PDUs per send(). */
#define BATCH 256

static guint32
rd32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

gboolean
sr_test_smpp_load (guint16 port, guint64 count, guint window, SrTestLoadResult *result,
                   GError **error)
{
  g_autoptr(SrTestSmpp) client = NULL;
  g_autoptr(GByteArray) tmpl = g_byte_array_new ();
  g_autoptr(GByteArray) batch = g_byte_array_new ();
  g_autofree guint8 *in = g_malloc (1024 * 1024);
  gsize in_len = 0;
  guint64 sent = 0, answered = 0, ok = 0;
  guint32 seq = 1;
  gint64 start;
  SrPdu pdu;
  static const char text[] = "Load test message: the quick brown fox jumps over the lazy dog";
  int fd;

  memset (result, 0, sizeof *result);
  client = sr_test_smpp_connect (port, error);
  if (client == NULL)
    return FALSE;
  if (sr_test_smpp_bind (client, SR_CMD_BIND_TRANSMITTER, "load", "load") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the load client could not bind");
      return FALSE;
    }
  fd = sr_test_smpp_fd (client);
  seq = sr_test_smpp_next_seq (client);

  sr_pdu_init (&pdu, SR_CMD_SUBMIT_SM, 1);
  pdu.source_addr_ton = 1;
  pdu.source_addr_npi = 1;
  g_strlcpy (pdu.source_addr, "41791234567", sizeof pdu.source_addr);
  pdu.dest_addr_ton = 1;
  pdu.dest_addr_npi = 1;
  g_strlcpy (pdu.destination_addr, "41780000000", sizeof pdu.destination_addr);
  pdu.sm_length = sizeof text - 1;
  memcpy (pdu.short_message, text, pdu.sm_length);
  if (!sr_pdu_pack (&pdu, tmpl, error))
    return FALSE;

  start = g_get_monotonic_time ();
  while (answered < count)
    {
      gsize pos = 0;
      struct pollfd pfd = { .fd = fd, .events = POLLIN };
      ssize_t n;

      /* Fill the window, a batch at a time. */
      g_byte_array_set_size (batch, 0);
      while (sent < count && sent - answered < window && batch->len < BATCH * tmpl->len)
        {
          guint8 *p;
          g_byte_array_append (batch, tmpl->data, tmpl->len);
          p = batch->data + batch->len - tmpl->len + 12;
          p[0] = seq >> 24, p[1] = seq >> 16, p[2] = seq >> 8, p[3] = seq;
          seq = seq >= 0x7FFFFFFF ? 1 : seq + 1;
          sent++;
        }
      if (batch->len > 0 && !sr_test_smpp_send_raw (client, batch->data, batch->len, error))
        return FALSE;

      /* Read what is there; wait only when the window is full or all is sent. */
      if (sent - answered < window && sent < count && poll (&pfd, 1, 0) == 0)
        continue;
      if (poll (&pfd, 1, 10000) <= 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "no answers for 10 s after %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT,
                       answered, count);
          return FALSE;
        }
      n = recv (fd, in + in_len, 1024 * 1024 - in_len, 0);
      if (n <= 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "the connection closed: %s",
                       n == 0 ? "end of stream" : g_strerror (errno));
          return FALSE;
        }
      in_len += n;
      while (in_len - pos >= 16)
        {
          guint32 len = rd32 (in + pos);
          if (len < 16 || len > 65536)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "bad command_length %u", len);
              return FALSE;
            }
          if (in_len - pos < len)
            break;
          if (rd32 (in + pos + 4) == SR_CMD_SUBMIT_SM_RESP)
            {
              answered++;
              if (rd32 (in + pos + 8) == 0)
                ok++;
            }
          pos += len;
        }
      memmove (in, in + pos, in_len - pos);
      in_len -= pos;
    }

  result->sent = sent;
  result->answered = answered;
  result->ok = ok;
  result->seconds = (g_get_monotonic_time () - start) / 1e6;
  result->per_second = result->seconds > 0 ? answered / result->seconds : 0;
  return TRUE;
}
