/* spool-fixture.h — what the spool tests share: a temporary spool with two
 * apps, "billing" and "iot", removed after each test. */
#pragma once

#include "sr-spool.h"

/* One test's spool. */
typedef struct {
  char *root;
  SrSpool *spool;
} Fixture;

extern const char *const test_apps[];

void fixture_setup (Fixture *f, gconstpointer data);
void fixture_teardown (Fixture *f, gconstpointer data);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
