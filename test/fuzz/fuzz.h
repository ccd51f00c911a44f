/* The libFuzzer entry point every target defines. */
#ifndef SMBNEG_FUZZ_H
#define SMBNEG_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
