/* fuzz-target.h — the one entry point every fuzz target defines.
 *
 * Built with -Dfuzzing=true (clang), libFuzzer calls it with generated
 * inputs; in the normal build fuzz-replay.c calls it once for every file of
 * the target's checked-in corpus, so each test run replays the seeds and
 * every input that ever crashed. */
#pragma once

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
