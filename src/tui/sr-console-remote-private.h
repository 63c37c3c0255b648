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

/* What sr_remote_frame_take() found at the start of a buffer. */
typedef enum {
  SR_REMOTE_FRAME_MORE,   /* not a whole frame yet */
  SR_REMOTE_FRAME_OK,     /* a frame was taken */
  SR_REMOTE_FRAME_BAD,    /* too long, or not a normal-form @type: close the connection */
} SrRemoteFrameResult;

/* Takes the first frame off @in: on OK *@out holds its variant of @type
 * (a reference owned by the caller) and the frame is removed from @in. */
SrRemoteFrameResult sr_remote_frame_take (GByteArray *in, const GVariantType *type,
                                          GVariant **out);

/* The server frees @data with @free_func when it is freed. */
void sr_console_server_take (gpointer server, gpointer data, GDestroyNotify free_func);

G_END_DECLS
