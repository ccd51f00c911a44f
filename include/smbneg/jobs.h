/* jobs: -j, several capture files read at once.
 *
 * Each file is read by a forked worker, at most N at a time and at most 2N
 * files ahead of the one being replayed, the next file started as soon as one
 * ends: analyze_file() with an out that records what the parent's renderer
 * would be given (jobs_record.h) into a record file (in memory, a memfd, for
 * inputs up to 1 GiB). The parent replays each file's record, in input
 * order, following the worker as it writes (a pipe wakes it per write and
 * ends with the worker), through the very calls a serial run makes
 * (out_begin_file, out_event, out_verdict, analyze_ntlm, analyze_report,
 * tally_end_file + out_end_file): row numbers, the text reasons, the host
 * table, the relay correlation, the summary, --fail-on and the exit status
 * are those of a serial run, byte for byte. For JSON the worker renders the
 * negotiate, session and verdict events itself (they need nothing from the
 * other files) and the parent copies their bytes.
 *
 * What sees the files together must hang off those replayed calls in the
 * parent (as the tally, the relay correlation and the CI checks of regress.h
 * do). -w (one evidence file) and stdin are read serially (jobs_usable). */
#ifndef SMBNEG_JOBS_H
#define SMBNEG_JOBS_H

#include "smbneg/analyze.h"

#include <stdbool.h>
#include <stddef.h>

#define JOBS_MAX 64 /* workers at once, whatever -j says */

/* Can these inputs be read by workers? (not stdin, no -w, more than one) */
bool jobs_usable(const struct analyzer *a, const char *const *paths, size_t n);
/* Read paths[0..n) with at most jobs workers at a time, reporting through
 * a->out and a->tally in input order. A file that cannot be read is
 * reported (stderr "smbneg: FILE: why") and makes the result false. */
bool jobs_run(struct analyzer *a, const char *const *paths, size_t n, unsigned jobs);

#endif
