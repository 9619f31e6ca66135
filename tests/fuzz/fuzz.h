/*
 * NAME
 *	fuzz - the one entry point every harness defines
 * DESCRIPTION
 *	Built with --enable-fuzzing, each fuzz-<parser>.c is a libFuzzer
 *	target; otherwise it is linked with replay.c, which feeds it every
 *	file named on its command line (the committed corpus, in make check).
 */
#ifndef PSIRT_FUZZ_H
#define PSIRT_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
