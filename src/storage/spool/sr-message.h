/* sr-message.h — the spool message file: UTF-8 header lines, a blank line, the body.
 *
 *     To: 079 123 45 67
 *     From: ACME
 *     Alphabet: auto
 *
 *     Hello!
 *
 * The first line holding nothing but spaces or tabs ends the headers.
 * Header names are case-insensitive and follow smstools3 where they overlap
 * (To, From, Alphabet, Report, Validity, Flash, Class); Deferred comes
 * from Kannel's sendsms; unknown headers are kept in
 * order.  LF and CRLF line ends are both accepted.  Numbers are kept raw:
 * normalising them is the router's job.  smstools3's own files differ in
 * charsets, To and Validity: sr_message_parse_dialect() reads them.
 *
 * Besides the parser this module edits files at the byte level without
 * parsing them (adding X-Error headers to a finished file, stripping them for
 * a retry): those functions never touch the body, and they work on files the
 * parser rejects, because bad files must reach dead/ intact.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_MESSAGE_ERROR (sr_message_error_quark ())
GQuark sr_message_error_quark (void);

/* The default size limit of a message file ([router] max-file-size). */
#define SR_MESSAGE_DEFAULT_MAX_SIZE (64 * 1024)

/* The longest validity an SMS can carry (63 weeks, TP-VP relative 255), seconds. */
#define SR_MESSAGE_VALIDITY_MAX ((gint64) 63 * 7 * 24 * 3600)

/* A header a front end writes into a file it could not take whole: the
 * parser refuses the file with the header's value as the reason (input). */
#define SR_MESSAGE_INPUT_ERROR_HEADER "X-Input-Error"

/* Why a message file was rejected; every one is an input error (dead/). */
typedef enum {
  SR_MESSAGE_ERROR_TOO_LARGE,        /* larger than the caller's limit */
  SR_MESSAGE_ERROR_NUL_BYTE,         /* binary junk */
  SR_MESSAGE_ERROR_INVALID_UTF8,
  SR_MESSAGE_ERROR_NO_SEPARATOR,     /* no blank line between headers and body */
  SR_MESSAGE_ERROR_NO_COLON,         /* a header line without "Name:" */
  SR_MESSAGE_ERROR_BAD_HEADER_NAME,  /* empty name or a name with spaces / control chars */
  SR_MESSAGE_ERROR_DUPLICATE_HEADER, /* To, From, ... given twice: ambiguous */
  SR_MESSAGE_ERROR_MISSING_TO,       /* no To header, or an empty one */
  SR_MESSAGE_ERROR_EMPTY_BODY,       /* nothing but whitespace after the blank line */
  SR_MESSAGE_ERROR_BAD_ALPHABET,
  SR_MESSAGE_ERROR_BAD_VALIDITY,
  SR_MESSAGE_ERROR_BAD_REPORT,
  SR_MESSAGE_ERROR_BAD_FLASH,
  SR_MESSAGE_ERROR_EMPTY_FILE,       /* zero bytes: nothing was written */
  SR_MESSAGE_ERROR_BAD_ENCODING,     /* a body that is not in the charset its Alphabet names */
  SR_MESSAGE_ERROR_BAD_HEADER_VALUE, /* a control character (a bare CR, ...) inside a value */
  SR_MESSAGE_ERROR_MARKED_BAD,       /* X-Input-Error: a front end found it bad (the value says why) */
  SR_MESSAGE_ERROR_BAD_CLASS,        /* a message class other than 0 to 3 */
  SR_MESSAGE_ERROR_BAD_DEFERRED,
} SrMessageError;

/* Whose file format a message file follows (an app's smstools3-compat). */
typedef enum {
  SR_MESSAGE_DIALECT_NATIVE = 0,     /* this router's: UTF-8, To local unless international */
  SR_MESSAGE_DIALECT_SMSTOOLS3,      /* smstools3's: see sr-message-smstools3.c */
} SrMessageDialect;

/* The alphabet a message asks for; AUTO lets the encoder choose GSM or UCS-2. */
typedef enum {
  SR_MESSAGE_ALPHABET_AUTO = 0,
  SR_MESSAGE_ALPHABET_GSM,
  SR_MESSAGE_ALPHABET_ISO,   /* Latin-1 (data_coding 3) */
  SR_MESSAGE_ALPHABET_UCS2,
} SrMessageAlphabet;

/* A yes/no header that may be absent (then the configured default applies). */
typedef enum {
  SR_MESSAGE_OPTION_UNSET = 0,
  SR_MESSAGE_OPTION_NO,
  SR_MESSAGE_OPTION_YES,
} SrMessageOption;

/* A parsed (or composed) message; strings are owned by it. */
typedef struct _SrMessage SrMessage;

/* Parses a message file.  @max_size 0 means SR_MESSAGE_DEFAULT_MAX_SIZE.
 * The data is copied once; the result does not refer to @data. */
SrMessage *sr_message_parse (const char *data, gsize len, gsize max_size,
                             GError **error);
/* The same for a file in @dialect; @max_size applies to the file's bytes. */
SrMessage *sr_message_parse_dialect (const char *data, gsize len, gsize max_size,
                                     SrMessageDialect dialect, GError **error);
/* A new message for composing (`sms-router send`, the console). */
SrMessage *sr_message_new (const char *to, const char *text);
void sr_message_free (SrMessage *msg);

const char *sr_message_get_to (const SrMessage *msg);
const char *sr_message_get_from (const SrMessage *msg);        /* NULL if absent */
const char *sr_message_get_reference (const SrMessage *msg);   /* NULL if absent */
SrMessageAlphabet sr_message_get_alphabet (const SrMessage *msg);
SrMessageOption sr_message_get_report (const SrMessage *msg);
SrMessageOption sr_message_get_flash (const SrMessage *msg);
/* Seconds; -1 when no Validity header was given. */
gint64 sr_message_get_validity (const SrMessage *msg);
/* The message class (0 to 3, data_coding's class bits); -1 when none was given. */
gint sr_message_get_class (const SrMessage *msg);
/* Seconds the SMSC is to hold the message before delivering it
 * (schedule_delivery_time); -1 when no Deferred header was given. */
gint64 sr_message_get_deferred (const SrMessage *msg);
/* The text to send: the body with CRLF turned into LF and the trailing line
 * breaks removed; NUL-terminated, valid UTF-8, never empty after parsing. */
const char *sr_message_get_text (const SrMessage *msg, gsize *len);

/* All headers, in file order (known ones included). */
guint sr_message_get_n_headers (const SrMessage *msg);
void sr_message_get_header (const SrMessage *msg, guint i,
                            const char **name, const char **value);
/* First value of header @name (case-insensitive), NULL if absent. */
const char *sr_message_lookup (const SrMessage *msg, const char *name);

/* Editing (edit-and-retry, compose).  Setting a known header through
 * sr_message_set_header() is refused: use the typed setter. */
void sr_message_set_to (SrMessage *msg, const char *to);
void sr_message_set_from (SrMessage *msg, const char *from);          /* NULL removes */
void sr_message_set_reference (SrMessage *msg, const char *reference); /* NULL removes */
void sr_message_set_alphabet (SrMessage *msg, SrMessageAlphabet alphabet);
void sr_message_set_report (SrMessage *msg, SrMessageOption report);
void sr_message_set_flash (SrMessage *msg, SrMessageOption flash);
void sr_message_set_validity (SrMessage *msg, gint64 seconds);          /* -1 removes */
void sr_message_set_class (SrMessage *msg, gint message_class);        /* -1 removes */
void sr_message_set_deferred (SrMessage *msg, gint64 seconds);         /* -1 removes */
void sr_message_set_text (SrMessage *msg, const char *text);
/* Replaces the first header @name or appends it; NULL @value removes all. */
void sr_message_set_header (SrMessage *msg, const char *name, const char *value);

/* The file bytes (LF line ends, body followed by one LF); NUL-terminated. */
char *sr_message_serialize (const SrMessage *msg, gsize *len);

/* Parsing the strings of single headers (also used by the console editor). */
gboolean sr_message_parse_alphabet (const char *value, SrMessageAlphabet *alphabet);
const char *sr_message_alphabet_to_string (SrMessageAlphabet alphabet);
/* smstools3 style: "90m", "24h", "3d", "1w", "2 days", plain minutes, "max". */
gboolean sr_message_parse_validity (const char *value, gint64 *seconds);

/* ---- smstools3 files (sr-message-smstools3.c) ---- */

/* The file in this router's format: the header block and the body in UTF-8
 * (from ISO-8859-15 when they are not UTF-8, the body from UCS-2 big endian
 * under "Alphabet: UCS"), To international unless To_TOA says otherwise,
 * Alphabet and Validity in their meaning here.  *out is NULL (and TRUE
 * returned) for a file without a blank line: the parser reports it. */
gboolean sr_message_smstools3_translate (const char *data, gsize len, char **out,
                                         gsize *out_len, GError **error);
/* smstools3's Alphabet: only the first three letters count ("ISO-8859-15",
 * "UCS-2" are fine); ISO, Latin, Ansi and UTF-8 texts go out as auto. */
gboolean sr_message_smstools3_alphabet (const char *value, SrMessageAlphabet *alphabet);
/* smstools3's Validity: a relative validity code 0-255 (GSM 03.40 TP-VP) or
 * a number with min, hour, day, week, month or year, rounded down to what a
 * code can say; seconds. */
gboolean sr_message_smstools3_validity (const char *value, gint64 *seconds);
/* The period of relative validity code @code (0-255), seconds. */
gint64 sr_message_validity_code_seconds (guint code);

/* ---- byte-level editing of files the parser may reject ---- */

/* Where the header block of @data ends: *header_end is the offset of the
 * blank line and *body_start the offset right after it.  Returns FALSE when
 * the file has no blank line.  *crlf tells whether the first line ends in
 * CRLF (so added lines can match it). */
gboolean sr_message_split (const char *data, gsize len, gsize *header_end,
                           gsize *body_start, gboolean *crlf);

/* Appends @s (@len bytes, or up to its NUL when -1) as one line of a header:
 * control characters (C0, DEL, C1 such as NEL U+0085) and the Unicode line
 * and paragraph separators become spaces, so no reader sees the line break
 * or the header block end early; bytes that are not UTF-8 are written as
 * \xNN (hexadecimal, upper case). */
void sr_message_append_header_value (GString *out, const char *s, gssize len);

/* Appends "Name: value" lines to @out; @headers is a NULL-terminated list of
 * name, value pairs, written with sr_message_append_header_value(). */
void sr_message_append_headers (GString *out, const char *const *headers,
                                gboolean crlf);

/* The finished file: the original headers, then @extra_headers (name, value
 * pairs), the blank line, and the original body byte for byte.  A file with
 * no blank line is kept whole as the body under the new headers. */
char *sr_message_build_finished (const char *data, gsize len,
                                 const char *const *extra_headers,
                                 gsize *out_len);

/* A copy of @data with the headers matching @patterns removed (names
 * case-insensitive; a trailing '*' matches a prefix, so "X-Error*" removes
 * X-Error and X-Error-Class), then @set (name, value pairs; may be NULL)
 * replacing the first header of that name or appended, and the body replaced
 * by @new_body if it is not NULL.  If nothing is left of the header block,
 * the blank line goes too: this undoes sr_message_build_finished() on a file
 * that had no blank line. */
char *sr_message_edit_raw (const char *data, gsize len,
                           const char *const *patterns,
                           const char *const *set,
                           const char *new_body, gsize *out_len);
/* sr_message_edit_raw() with only @patterns. */
char *sr_message_strip_headers (const char *data, gsize len,
                                const char *const *patterns, gsize *out_len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrMessage, sr_message_free)

G_END_DECLS
