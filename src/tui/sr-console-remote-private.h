/* sr-console-remote-private.h — GVariant forms of the model's structs, shared
 * by the control-socket server and client. */
#pragma once

#include <glib.h>

#include "sr-console-model.h"

G_BEGIN_DECLS

GVariant *sr_remote_overview_to_variant (const SrConsoleOverview *o);
SrConsoleOverview *sr_remote_overview_from_variant (GVariant *v);
GVariant *sr_remote_rows_to_variant (GPtrArray *rows);
GPtrArray *sr_remote_rows_from_variant (GVariant *v);
GVariant *sr_remote_detail_to_variant (const SrConsoleDetail *d);
SrConsoleDetail *sr_remote_detail_from_variant (GVariant *v);

/* A frame: 4-byte big-endian length, then the variant's normal-form bytes. */
GBytes *sr_remote_frame (GVariant *v);

/* The server frees @data with @free_func when it is freed. */
void sr_console_server_take (gpointer server, gpointer data, GDestroyNotify free_func);

G_END_DECLS
