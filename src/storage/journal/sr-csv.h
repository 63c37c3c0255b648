/* sr-csv.h — one CSV field as exports of the journal write it.
 *
 * Texts, references, numbers and errors in exports come from applications
 * and the phone network; a spreadsheet reads a cell that starts with
 * = + - @ tab or CR as a formula.  Unless @raw, such a field gets a
 * leading "'" (and quotes), as OWASP recommends for CSV injection.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Appends @value (NULL is empty) to @out, quoted only when RFC 4180 needs
 * it (comma, quote, CR, LF) or when it is neutralised, quotes doubled. */
void sr_csv_append_field (GString *out, const char *value, gboolean raw);

G_END_DECLS
