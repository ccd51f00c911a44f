/* jobs: -j, several capture files read at once.
 *
 * Each file is read by a forked worker: analyze_file() with an out whose
 * renderer records what it is given (every SMB event, every concluded
 * conversation with its facts and verdict, the end of the file with its
 * counters and error) into an unlinked temporary file. The parent replays
 * each file's record, in input order, through the very calls a serial run
 * makes (out_begin_file, out_event, tally_conversation + out_conversation,
 * tally_end_file + out_end_file): row numbers, the text reasons, the host
 * table, the summary, --fail-on and the exit status are those of a serial
 * run, byte for byte.
 *
 * What sees the files together must hang off those replayed calls in the
 * parent (as the tally and the CI checks of regress.h do): the record carries
 * the event and conversation structs by value, so a struct reached through a
 * pointer from smb_event that is added later must be added to the record
 * (jobs.c, rec_event). -w
 * (one evidence file) and stdin are read serially (jobs_usable). */
#ifndef SMBNEG_JOBS_H
#define SMBNEG_JOBS_H

#include "smbneg/analyze.h"

#include <stdbool.h>
#include <stddef.h>

/* Can these inputs be read by workers? (not stdin, no -w, more than one) */
bool jobs_usable(const struct analyzer *a, const char *const *paths, size_t n);
/* Read paths[0..n) with at most jobs workers at a time, reporting through
 * a->out and a->tally in input order. A file that cannot be read is
 * reported (stderr "smbneg: FILE: why") and makes the result false. */
bool jobs_run(struct analyzer *a, const char *const *paths, size_t n, unsigned jobs);

#endif
