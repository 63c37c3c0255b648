/* sr-test-smpp.c — a blocking SMPP client for tests: plain socket, poll()
 * for timeouts, the router's codec for the PDUs. */
#define G_LOG_DOMAIN "sr-test"

#include "sr-test-sim.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct _SrTestSmpp {
  int fd;
  guint32 next_seq;
  GByteArray *in;       /* bytes read, not yet returned */
  guint8 *pdu;          /* the last PDU returned (borrowed by the caller's SrPdu) */
};

SrTestSmpp *
sr_test_smpp_connect (guint16 port, GError **error)
{
  struct sockaddr_in addr = { 0 };
  SrTestSmpp *client;
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  int one = 1;

  if (fd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "socket: %s", g_strerror (errno));
      return NULL;
    }
  addr.sin_family = AF_INET;
  addr.sin_port = htons (port);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    {
      int saved = errno;
      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot connect to 127.0.0.1:%u: %s", port, g_strerror (saved));
      return NULL;
    }
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  client = g_new0 (SrTestSmpp, 1);
  client->fd = fd;
  client->next_seq = 1;
  client->in = g_byte_array_new ();
  return client;
}

void
sr_test_smpp_free (SrTestSmpp *client)
{
  if (client == NULL)
    return;
  if (client->fd >= 0)
    close (client->fd);
  g_byte_array_unref (client->in);
  g_free (client->pdu);
  g_free (client);
}

int
sr_test_smpp_fd (SrTestSmpp *client)
{
  return client->fd;
}

guint32
sr_test_smpp_next_seq (SrTestSmpp *client)
{
  return client->next_seq++;
}

gboolean
sr_test_smpp_send_raw (SrTestSmpp *client, const guint8 *data, gsize len, GError **error)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = send (client->fd, data + done, len - done, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "send: %s", g_strerror (errno));
          return FALSE;
        }
      done += n;
    }
  return TRUE;
}

gboolean
sr_test_smpp_send (SrTestSmpp *client, SrPdu *pdu, GError **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();

  if (pdu->sequence_number == 0)
    pdu->sequence_number = sr_test_smpp_next_seq (client);
  if (!sr_pdu_pack (pdu, out, error))
    return FALSE;
  return sr_test_smpp_send_raw (client, out->data, out->len, error);
}

/* Reads more bytes into the buffer within the deadline. */
static gboolean
fill (SrTestSmpp *client, gint64 deadline, GError **error)
{
  guint8 buf[65536];
  struct pollfd pfd = { .fd = client->fd, .events = POLLIN };
  gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
  ssize_t n;
  int r;

  if (left < 0)
    left = 0;
  r = poll (&pfd, 1, (int) left);
  if (r == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "no PDU within the timeout");
      return FALSE;
    }
  if (r < 0 && errno != EINTR)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "poll: %s", g_strerror (errno));
      return FALSE;
    }
  n = recv (client->fd, buf, sizeof buf, 0);
  if (n == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "the peer closed the connection");
      return FALSE;
    }
  if (n < 0 && errno != EINTR && errno != EAGAIN)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "recv: %s", g_strerror (errno));
      return FALSE;
    }
  if (n > 0)
    g_byte_array_append (client->in, buf, n);
  return TRUE;
}

GBytes *
sr_test_smpp_recv_raw (SrTestSmpp *client, guint timeout_ms, GError **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint32 length = 0;
  GBytes *bytes;

  for (;;)
    {
      if (client->in->len >= 4)
        {
          sr_pdu_peek_header (client->in->data, &length, NULL, NULL, NULL);
          if (length < 16 || length > SR_PDU_MAX_LEN)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "invalid command_length %u", length);
              return NULL;
            }
          if (client->in->len >= length)
            break;
        }
      if (!fill (client, deadline, error))
        return NULL;
    }
  bytes = g_bytes_new (client->in->data, length);
  g_byte_array_remove_range (client->in, 0, length);
  return bytes;
}

gboolean
sr_test_smpp_recv (SrTestSmpp *client, SrPdu *pdu, guint timeout_ms, GError **error)
{
  g_autoptr(GBytes) bytes = sr_test_smpp_recv_raw (client, timeout_ms, error);
  gsize len;

  if (bytes == NULL)
    return FALSE;
  g_free (client->pdu);
  client->pdu = g_bytes_unref_to_data (g_steal_pointer (&bytes), &len);
  return sr_pdu_unpack (client->pdu, len, pdu, error);
}

gboolean
sr_test_smpp_wait_closed (SrTestSmpp *client, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (;;)
    {
      g_autoptr(GError) error = NULL;

      g_byte_array_set_size (client->in, 0);
      if (!fill (client, deadline, &error))
        return !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
    }
}

guint32
sr_test_smpp_bind (SrTestSmpp *client, guint32 command_id, const char *system_id,
                   const char *password)
{
  SrPdu pdu;

  sr_pdu_init (&pdu, command_id, sr_test_smpp_next_seq (client));
  g_strlcpy (pdu.system_id, system_id, sizeof pdu.system_id);
  g_strlcpy (pdu.password, password, sizeof pdu.password);
  if (!sr_test_smpp_send (client, &pdu, NULL))
    return G_MAXUINT32;
  if (!sr_test_smpp_expect (client, command_id | SR_CMD_RESP_BIT, &pdu, TRUE, 5000))
    return G_MAXUINT32;
  return pdu.command_status;
}

guint32
sr_test_smpp_submit (SrTestSmpp *client, const char *from, const char *to, const char *text,
                     guint8 registered_delivery)
{
  SrPdu pdu;
  g_autoptr(GError) error = NULL;

  sr_pdu_init (&pdu, SR_CMD_SUBMIT_SM, sr_test_smpp_next_seq (client));
  pdu.source_addr_ton = from[0] == '+' ? 1 : 5;
  pdu.source_addr_npi = from[0] == '+' ? 1 : 0;
  g_strlcpy (pdu.source_addr, from[0] == '+' ? from + 1 : from, sizeof pdu.source_addr);
  pdu.dest_addr_ton = 1;
  pdu.dest_addr_npi = 1;
  g_strlcpy (pdu.destination_addr, to[0] == '+' ? to + 1 : to, sizeof pdu.destination_addr);
  pdu.registered_delivery = registered_delivery;
  pdu.sm_length = MIN (strlen (text), sizeof pdu.short_message);
  memcpy (pdu.short_message, text, pdu.sm_length);
  if (!sr_test_smpp_send (client, &pdu, &error))
    g_error ("cannot send submit_sm: %s", error->message);
  return pdu.sequence_number;
}

gboolean
sr_test_smpp_expect (SrTestSmpp *client, guint32 command_id, SrPdu *pdu, gboolean answer,
                     guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (;;)
    {
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
      g_autoptr(GError) error = NULL;

      if (left < 0 || !sr_test_smpp_recv (client, pdu, (guint) left, &error))
        return FALSE;
      if (pdu->command_id == command_id)
        return TRUE;
      if (answer && (pdu->command_id == SR_CMD_DELIVER_SM || pdu->command_id == SR_CMD_ENQUIRE_LINK))
        {
          SrPdu resp;
          sr_pdu_init (&resp, pdu->command_id | SR_CMD_RESP_BIT, pdu->sequence_number);
          sr_test_smpp_send (client, &resp, NULL);
        }
    }
}
