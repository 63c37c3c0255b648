/* sr-pdu-private.h — shared by the parts of the PDU codec (internal). */
#pragma once

#include "sr-pdu.h"

/* Big-endian wire integers. */

static inline guint32
rd32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static inline guint16
rd16 (const guint8 *p)
{
  return (guint16) ((p[0] << 8) | p[1]);
}

static inline void
wr32 (guint8 *p, guint32 v)
{
  p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

static inline void
wr16 (guint8 *p, guint16 v)
{
  p[0] = v >> 8; p[1] = v;
}

/* The command's name for messages ("unknown command" when unknown). */
const char *sr_pdu_cmd_name (guint32 command_id);

gboolean sr_pdu_malformed (GError **error, guint32 command_id, guint32 seq,
                           const char *fmt, ...) G_GNUC_PRINTF (4, 5);

/* Parses the TLVs from @off to @len into @pdu. */
gboolean sr_pdu_tlvs_unpack (const guint8 *data, gsize off, gsize len, SrPdu *pdu, GError **error);
/* Bytes the TLVs of @pdu take on the wire. */
gsize sr_pdu_tlvs_size (const SrPdu *pdu);
/* Writes the TLVs of @pdu at @p (room checked by the caller); returns the end. */
guint8 *sr_pdu_tlvs_put (guint8 *p, const SrPdu *pdu);
