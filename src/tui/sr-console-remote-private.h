/* sr-console-remote-private.h — GVariant forms of the model's structs, shared
 * by the control-socket server and client. */
#pragma once

#include <gio/gio.h>
#include <glib.h>

#include "sr-console-model.h"

G_BEGIN_DECLS

/* The overview's front ends (sr-console-remote-front-ends.c), one member of its form. */
#define SR_REMOTE_FRONT_ENDS_TYPE "(m(sxssa(sstt))m(ssttttt))"
GVariant *sr_remote_front_ends_to_variant (const SrConsoleOverview *o);
void sr_remote_front_ends_fill (SrConsoleOverview *o, GVariant *v);

/* The overview on the wire: binds with their traffic counters, queues,
 * errors, rates, totals, paused, receipts delivered and failed, front ends. */
#define SR_REMOTE_OVERVIEW_HEAD "a(sssuutt)a(sttt)asddttbtt"
#define SR_REMOTE_OVERVIEW_TYPE "(" SR_REMOTE_OVERVIEW_HEAD SR_REMOTE_FRONT_ENDS_TYPE ")"
/* The same as a g_variant_new/get format: the front ends travel as one GVariant. */
#define SR_REMOTE_OVERVIEW_FORMAT "(" SR_REMOTE_OVERVIEW_HEAD "@" SR_REMOTE_FRONT_ENDS_TYPE ")"
GVariant *sr_remote_overview_to_variant (const SrConsoleOverview *o);
SrConsoleOverview *sr_remote_overview_from_variant (GVariant *v);
GVariant *sr_remote_rows_to_variant (GPtrArray *rows);
GPtrArray *sr_remote_rows_from_variant (GVariant *v);
GVariant *sr_remote_detail_to_variant (const SrConsoleDetail *d);
SrConsoleDetail *sr_remote_detail_from_variant (GVariant *v);
/* sr-console-remote-providers.c: each bind, then the delivery rows (countries
 * hour, day; providers hour, day), when they were computed and why not. */
#define SR_REMOTE_BIND_TYPE "(sssxtuuddtutdds)"
#define SR_REMOTE_DELIVERY_TYPE "(stttt)"
#define SR_REMOTE_PROVIDERS_TYPE \
  "(a" SR_REMOTE_BIND_TYPE "a" SR_REMOTE_DELIVERY_TYPE "a" SR_REMOTE_DELIVERY_TYPE \
  "a" SR_REMOTE_DELIVERY_TYPE "a" SR_REMOTE_DELIVERY_TYPE "xxs)"
GVariant *sr_remote_providers_to_variant (const SrConsoleProviders *p);
SrConsoleProviders *sr_remote_providers_from_variant (GVariant *v);

/* Conversations (sr-console-remote-thread.c): the request "thread" with
 * (number, out cursor, in cursor, direction, count), answered by a page. */
#define SR_REMOTE_THREAD_QUERY_TYPE "(sxxiu)"
#define SR_REMOTE_THREAD_PAGE_TYPE "(a(ixxxss)xxb)"
GVariant *sr_remote_thread_query_to_variant (const SrConsoleThreadQuery *q);
/* Runs a "thread" request (its arguments of SR_REMOTE_THREAD_QUERY_TYPE) on @m. */
SrConsoleThreadPage *sr_remote_thread_serve (const SrConsoleModel *m, GVariant *args, GError **error);
GVariant *sr_remote_thread_page_to_variant (const SrConsoleThreadPage *p);
SrConsoleThreadPage *sr_remote_thread_page_from_variant (GVariant *v);

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

/* Control-socket access (sr-console-access.c).  Gives the socket at @path
 * to @group (NULL or "": keep the router's own); when the group does not
 * exist or cannot be given, leaves the socket to the router's user and root
 * (mode 0600) and says so in @error. */
gboolean sr_console_access_set_group (const char *path, const char *group, GError **error);
/* Whether the peer of @socket may use it: any peer when @users is empty,
 * else root, the router's own user and the users named in @users. */
gboolean sr_console_access_allows (GSocket *socket, const char *const *users);
