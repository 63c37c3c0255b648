/* sr-message-private.h — the message struct, shared by the parser and the editor. */
#pragma once

#include "sr-message.h"

/* Header slots kept inside the struct; most files have fewer. */
#define SR_MESSAGE_INLINE_HEADERS 8
/* Characters of a line quoted in an error message. */
#define SR_MESSAGE_EXCERPT_CHARS 40

/* One header, pointing into the private copy or into an owned string. */
typedef struct {
  const char *name;
  const char *value;
} SrMessageHeader;

/* A message; sr-message.c explains the memory layout. */
struct _SrMessage {
  SrMessageHeader *headers;   /* inline_headers or a heap array */
  guint n_headers;
  guint cap_headers;
  const char *to;
  const char *from;
  const char *reference;
  SrMessageAlphabet alphabet;
  SrMessageOption report;
  SrMessageOption flash;
  gint64 validity;
  gint message_class;         /* -1 = none */
  gint64 deferred;            /* seconds, -1 = none */
  const char *text;
  gsize text_len;
  GPtrArray *owned;           /* strings set after parsing; NULL until needed */
  SrMessageHeader inline_headers[SR_MESSAGE_INLINE_HEADERS];
  char buf[];                 /* private copy of the file, NUL-terminated */
};

/* The headers with a meaning here; the rest are kept as they are. */
typedef enum {
  KNOWN_NONE,
  KNOWN_TO,
  KNOWN_FROM,
  KNOWN_REFERENCE,
  KNOWN_ALPHABET,
  KNOWN_REPORT,
  KNOWN_VALIDITY,
  KNOWN_FLASH,
  KNOWN_CLASS,
  KNOWN_DEFERRED,
  KNOWN_COUNT,
} KnownHeader;

extern const char *const sr_message_known_names[KNOWN_COUNT];

/* A message with @buf_len bytes of private buffer, no headers. */
SrMessage *sr_message_alloc (gsize buf_len);
KnownHeader sr_message_known_header (const char *name);
void sr_message_add_header (SrMessage *msg, const char *name, const char *value);

/* Characters that end or break a line for some reader (C0 controls but
 * the tab, C1 controls with DEL: NEL U+0085, the file/group/record
 * separators, vertical tab; the Unicode line and paragraph separators).  The parser refuses them in
 * header values and the writer turns them into spaces, so a value reads
 * back as it was written. */
gboolean sr_message_char_breaks_line (gunichar c);
