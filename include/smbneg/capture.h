/* capture: reads frames with libpcap (a saved file, stdin or, later, a live
 * interface) and hands each decoded TCP segment to the conversation table. */
#ifndef SMBNEG_CAPTURE_H
#define SMBNEG_CAPTURE_H

#include "smbneg/conv.h"

#include <stddef.h>
#include <stdio.h>

enum capture_result {
	CAPTURE_OK,
	CAPTURE_OPEN_FAILED, /* nothing was read */
	CAPTURE_READ_FAILED, /* read up to a point, then failed (truncated, corrupt) */
};

/* Read every frame of path ("-" = stdin) into t. filter: a BPF expression or
 * NULL. On failure err holds a message naming the reason and, for a read
 * failure, the byte offset reached. */
enum capture_result capture_file(const char *path, const char *filter, struct conv_table *t,
				 char *err, size_t errsize);
/* As capture_file, from an already open stream (tests, fuzzing: fmemopen). */
enum capture_result capture_stream(FILE *fp, const char *filter, struct conv_table *t, char *err,
				   size_t errsize);

#endif
