/* analyze: the pipeline for one input, wired end to end: capture -> decode ->
 * conversation table -> verdict -> output. main.c and the fuzz targets use it. */
#ifndef SMBNEG_ANALYZE_H
#define SMBNEG_ANALYZE_H

#include "smbneg/out.h"

#include <stdbool.h>
#include <stdio.h>

/* Process one input ("-" = stdin) and report on o. Returns false when the file
 * could not be read completely; the message (naming the file) is in err. */
bool analyze_file(struct out *o, const char *path, const char *filter, char *err, size_t errsize);
/* The same over an open stream; name is what the output calls it. */
bool analyze_stream(struct out *o, FILE *fp, const char *name, const char *filter, char *err,
		    size_t errsize);

#endif
