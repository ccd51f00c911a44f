/* jobs: -j, several capture files read at once.
 *
 * Each file is read by a worker thread, at most N at a time and at most 2N
 * files ahead of the one being replayed, the next file taken as soon as a
 * worker is free: analyze_file() with an out that records what the
 * replaying thread's renderer would be given (jobs_record.h) into a record
 * in memory (chunks reused from file to file, at most RECORDS_HELD_MAX
 * bytes unread: a worker ahead waits beyond it). The calling thread replays
 * each file's record, in input order, following the worker as it writes,
 * through the very calls a serial run makes (out_begin_file, out_event,
 * out_verdict, analyze_ntlm, analyze_report, tally_end_file + out_end_file):
 * row numbers, the text reasons, the host table, the relay correlation, the
 * summary, --fail-on and the exit status are those of a serial run, byte
 * for byte. For JSON the worker renders the negotiate, session and verdict
 * events itself (they need nothing from the other files) and the replay
 * copies their bytes. A small file is read by the replaying thread in its
 * turn (a worker costs more than it saves).
 *
 * A worker shares nothing with the replay but the record and the options
 * (a copy of the out taken before the first file); what sees the files
 * together must hang off the replayed calls (as the tally, the relay
 * correlation and the CI checks of regress.h do). -w (one evidence file)
 * and stdin are read serially (jobs_usable). */
#ifndef SMBNEG_JOBS_H
#define SMBNEG_JOBS_H

#include "smbneg/analyze.h"

#include <stdbool.h>
#include <stddef.h>

#define JOBS_MAX 64 /* worker threads, whatever -j says */

/* Can these inputs be read by workers? (not stdin, no -w, more than one) */
bool jobs_usable(const struct analyzer *a, const char *const *paths, size_t n);
/* Read paths[0..n) with at most jobs workers at a time, reporting through
 * a->out and a->tally in input order. A file that cannot be read is
 * reported (stderr "smbneg: FILE: why") and makes the result false. */
bool jobs_run(struct analyzer *a, const char *const *paths, size_t n, unsigned jobs);

#endif
