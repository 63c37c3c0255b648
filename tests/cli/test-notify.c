/* test-notify.c — desktop notifications stay silent without a service and
 * are rate-limited.  g_test makes warnings fatal, so "silent" is checked. */
#include "sr-notify.h"

static gint64 fake_now;

static gint64
fake_clock (void)
{
  return fake_now;
}

static void
test_no_service_is_silent (void)
{
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  g_setenv ("XDG_RUNTIME_DIR", "/nonexistent-runtime-dir", TRUE);
  g_autoptr(SrNotify) n = sr_notify_new (0);
  g_assert_false (sr_notify_send (n, "Bind lost", "main#1: connection refused"));
  g_assert_false (sr_notify_is_available (n));
  g_assert_false (sr_notify_send (n, "Bind lost", "again"));
}

static void
test_rate_limit (void)
{
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  g_setenv ("XDG_RUNTIME_DIR", "/nonexistent-runtime-dir", TRUE);
  g_autoptr(SrNotify) n = sr_notify_new (5000);
  sr_notify_set_clock (n, fake_clock);
  fake_now = 1000000;
  sr_notify_send (n, "Inbound SMS", "first");
  g_assert_cmpuint (sr_notify_get_suppressed (n), ==, 0);
  fake_now += 1000;       /* 1 ms later: withheld */
  g_assert_false (sr_notify_send (n, "Inbound SMS", "second"));
  fake_now += 1000000;    /* 1 s later: still withheld */
  g_assert_false (sr_notify_send (n, "Inbound SMS", "third"));
  g_assert_cmpuint (sr_notify_get_suppressed (n), ==, 2);
  fake_now += 5000000;    /* past the interval: the limiter opens again */
  sr_notify_send (n, "Inbound SMS", "fourth");
  g_assert_cmpuint (sr_notify_get_suppressed (n), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/notify/no-service-is-silent", test_no_service_is_silent);
  g_test_add_func ("/notify/rate-limit", test_rate_limit);
  return g_test_run ();
}
