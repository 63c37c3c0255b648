/* sr-smpp-framer.h — cuts a TCP byte stream into whole SMPP PDUs (internal).
 *
 * Reads go straight into the framer's buffer; a PDU (or its 4-byte length)
 * split across reads stays there until the rest arrives.  command_length
 * outside 16 … SR_PDU_MAX_LEN is refused before any body is awaited: the
 * stream cannot be resynchronised, so the caller closes the connection.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_SMPP_FRAMER_ERROR (sr_smpp_framer_error_quark ())
GQuark sr_smpp_framer_error_quark (void);

/* Why the stream had to be abandoned. */
typedef enum {
  SR_SMPP_FRAMER_ERROR_BAD_LENGTH,
} SrSmppFramerError;

/* Buffered input of one connection. */
typedef struct {
  guint8 *buf;
  gsize size;        /* allocated */
  gsize start;       /* first unconsumed byte */
  gsize end;         /* one past the last received byte */
} SrSmppFramer;

void sr_smpp_framer_init (SrSmppFramer *f);
void sr_smpp_framer_clear (SrSmppFramer *f);
/* Drops buffered bytes (new connection). */
void sr_smpp_framer_reset (SrSmppFramer *f);

/* Where to read into: at least @min_space bytes (grown or compacted). */
guint8 *sr_smpp_framer_space (SrSmppFramer *f, gsize min_space, gsize *space);
/* @n bytes were written at the space pointer. */
void sr_smpp_framer_commit (SrSmppFramer *f, gsize n);
/* Copies @len bytes in (tests, and callers without direct reads). */
void sr_smpp_framer_feed (SrSmppFramer *f, const guint8 *data, gsize len);

/* The next whole PDU: TRUE with @pdu/@len set (valid until the next framer
 * call), FALSE with no error when more bytes are needed, FALSE with an
 * error for a command_length that cannot be right. */
gboolean sr_smpp_framer_next (SrSmppFramer *f, const guint8 **pdu, gsize *len, GError **error);

/* Bytes buffered but not yet returned. */
gsize sr_smpp_framer_pending (const SrSmppFramer *f);

/* Sequence numbers run 1 … 0x7FFFFFFF and wrap to 1. */
static inline guint32
sr_smpp_next_sequence (guint32 current)
{
  return current >= 0x7FFFFFFFu || current == 0 ? 1 : current + 1;
}

G_END_DECLS
