/* sr-smpp-framer.c — SMPP stream framing. */
#define G_LOG_DOMAIN "sr-smpp"

#include "sr-smpp-framer.h"
#include "sr-pdu.h"

#include <string.h>

G_DEFINE_QUARK (sr-smpp-framer-error-quark, sr_smpp_framer_error)

#define INITIAL_SIZE (64 * 1024)

void
sr_smpp_framer_init (SrSmppFramer *f)
{
  memset (f, 0, sizeof *f);
}

void
sr_smpp_framer_clear (SrSmppFramer *f)
{
  g_clear_pointer (&f->buf, g_free);
  memset (f, 0, sizeof *f);
}

void
sr_smpp_framer_reset (SrSmppFramer *f)
{
  f->start = f->end = 0;
}

gsize
sr_smpp_framer_pending (const SrSmppFramer *f)
{
  return f->end - f->start;
}

guint8 *
sr_smpp_framer_space (SrSmppFramer *f, gsize min_space, gsize *space)
{
  if (f->buf == NULL)
    {
      f->size = MAX (INITIAL_SIZE, min_space);
      f->buf = g_malloc (f->size);
    }
  if (f->size - f->end < min_space)
    {
      /* compact first; grow only when a PDU really needs more room */
      gsize pending = f->end - f->start;
      if (f->start > 0)
        {
          memmove (f->buf, f->buf + f->start, pending);
          f->start = 0;
          f->end = pending;
        }
      if (f->size - f->end < min_space)
        {
          f->size = f->end + min_space;
          f->buf = g_realloc (f->buf, f->size);
        }
    }
  *space = f->size - f->end;
  return f->buf + f->end;
}

void
sr_smpp_framer_commit (SrSmppFramer *f, gsize n)
{
  g_return_if_fail (n <= f->size - f->end);
  f->end += n;
}

void
sr_smpp_framer_feed (SrSmppFramer *f, const guint8 *data, gsize len)
{
  gsize space;
  guint8 *p = sr_smpp_framer_space (f, len, &space);
  memcpy (p, data, len);
  sr_smpp_framer_commit (f, len);
}

gboolean
sr_smpp_framer_next (SrSmppFramer *f, const guint8 **pdu, gsize *len, GError **error)
{
  gsize avail = f->end - f->start;
  if (avail < 4)
    {
      if (avail == 0)
        f->start = f->end = 0;   /* cheap reset keeps reads at the front */
      return FALSE;
    }
  const guint8 *p = f->buf + f->start;
  guint32 n = ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
  if (n < SR_PDU_HEADER_LEN || n > SR_PDU_MAX_LEN)
    {
      g_set_error (error, SR_SMPP_FRAMER_ERROR, SR_SMPP_FRAMER_ERROR_BAD_LENGTH,
                   "The peer sent a PDU with command_length %u (allowed: %u to %u); "
                   "the stream cannot be trusted any more", n, SR_PDU_HEADER_LEN, SR_PDU_MAX_LEN);
      return FALSE;
    }
  if (avail < n)
    return FALSE;
  *pdu = p;
  *len = n;
  f->start += n;
  return TRUE;
}
