/* activemq-fixture.h — a private ActiveMQ for the broker tests.
 *
 * Starts the Debian `activemq` package's broker as a child process with its
 * own configuration and data directory under a temporary directory, one
 * STOMP transport on a free loopback port and nothing else (no web console,
 * no JMX, 256 MiB heap unless $SR_ACTIVEMQ_HEAP says otherwise, e.g. "1g"),
 * and stops it again.  Start one per test program:
 * the JVM needs seconds to come up.
 */
#pragma once

#include <gio/gio.h>

/* A running private broker. */
typedef struct {
  GSubprocess *process;
  char *dir;
  guint16 port;
  gboolean exited;
} ActiveMQ;

/* NULL (with the reason in *@why) when ActiveMQ or Java is not installed. */
ActiveMQ *activemq_start (char **why);
void activemq_stop (ActiveMQ *mq);

/* Child setup for helper processes: SIGKILL when the test dies. */
void fixture_die_with_parent (gpointer data);
/* Removes a directory tree. */
void fixture_rm_rf (const char *path);

/* Runs tests/broker/stomp-client.py with @args (NULL-terminated) against
 * @port; returns its standard output, or NULL when it failed. */
char *stomp_app (guint16 port, const char *const *args);
/* The MESSAGEs that stomp_app "receive" printed, as JsonObjects. */
GPtrArray *stomp_app_receive (guint16 port, const char *dest, guint count, guint seconds);
