/* sr-stomp-frame.h — STOMP 1.2 frames: a pure codec over bytes.
 *
 * The parser is incremental: feed it whatever a read returned (a byte, a
 * frame and a half) and take complete frames out.  It knows the wire rules
 * of STOMP 1.2 (header escaping \r \n \c \\, CR LF or LF line ends, the
 * first of repeated headers wins, content-length bodies that may hold NUL,
 * heart-beat EOLs between frames) and enforces limits so that a peer cannot
 * make it buffer without bound.  No I/O, no main loop: a fuzz target can
 * drive it directly.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_STOMP_ERROR (sr_stomp_error_quark ())
GQuark sr_stomp_error_quark (void);

/* Why bytes could not be parsed as a frame. */
typedef enum {
  SR_STOMP_ERROR_SYNTAX,        /* not a STOMP frame: bad command, header line, escape, NUL */
  SR_STOMP_ERROR_TOO_LARGE,     /* headers or body over the limits */
} SrStompError;

/* One frame: command, headers in order, body bytes. */
typedef struct {
  char *command;
  GPtrArray *headers;           /* char*: name, value, name, value ... */
  GBytes *body;                 /* never NULL (empty when there is none) */
  guint64 body_skipped;         /* body bytes the parser discarded (over the limit), 0 normally */
} SrStompFrame;

SrStompFrame *sr_stomp_frame_new (const char *command);
void sr_stomp_frame_free (SrStompFrame *frame);
void sr_stomp_frame_add_header (SrStompFrame *frame, const char *name, const char *value);
/* The first header called @name (STOMP 1.2: the first one wins), or NULL. */
const char *sr_stomp_frame_get_header (const SrStompFrame *frame, const char *name);
void sr_stomp_frame_set_body (SrStompFrame *frame, const void *data, gsize len);

/* The frame's wire form.  Headers are escaped except in CONNECT and
 * CONNECTED (STOMP 1.2 says so); a content-length header is added when the
 * frame has a body and none was given. */
GBytes *sr_stomp_frame_serialize (const SrStompFrame *frame);

/* Bounds the parser enforces. */
typedef struct {
  gsize max_header_bytes;       /* command + header lines (default 64 KiB) */
  guint max_headers;            /* header lines (default 128) */
  gsize max_body_bytes;         /* default 1 MiB; a longer body is skipped, not an error */
  gsize oversized_keep;         /* bytes kept of a skipped body (default 1 KiB, at most max_body_bytes) */
} SrStompLimits;

/* The state of one incoming byte stream. */
typedef struct _SrStompParser SrStompParser;

/* @limits may be NULL for the defaults. */
SrStompParser *sr_stomp_parser_new (const SrStompLimits *limits);
void sr_stomp_parser_free (SrStompParser *parser);
void sr_stomp_parser_feed (SrStompParser *parser, const void *data, gsize len);

/* What sr_stomp_parser_next() found. */
typedef enum {
  SR_STOMP_PARSE_NEED_MORE,     /* no complete frame buffered */
  SR_STOMP_PARSE_FRAME,         /* *frame is set */
  SR_STOMP_PARSE_OVERSIZED,     /* *frame is set with its headers, but its body was over
                                 * max_body_bytes: it holds only the first oversized_keep
                                 * bytes, body_skipped says how many more there were.  The
                                 * stream goes on with the next frame. */
  SR_STOMP_PARSE_ERROR,         /* *error is set; the stream cannot be trusted after it */
} SrStompParseResult;

/* Takes the next complete frame.  Heart-beat EOLs are consumed and counted
 * (sr_stomp_parser_heartbeats) but produce no frame.  A body over the limit
 * is never buffered: with a content-length exactly that many bytes and the
 * NUL are discarded as they arrive, without one everything up to the NUL. */
SrStompParseResult sr_stomp_parser_next (SrStompParser *parser, SrStompFrame **frame,
                                         GError **error);
/* EOLs seen between frames so far. */
guint64 sr_stomp_parser_heartbeats (const SrStompParser *parser);
/* Bytes buffered and not yet returned as frames; at least 1 while an
 * oversized body is being skipped (the stream is in the middle of a frame). */
gsize sr_stomp_parser_pending (const SrStompParser *parser);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrStompFrame, sr_stomp_frame_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrStompParser, sr_stomp_parser_free)

G_END_DECLS
