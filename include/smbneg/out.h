/* out: the output dispatcher. It picks the renderer (out_ops.h) for the
 * format and hands it events, concluded conversations and the summary.
 * Parsers never print; the renderers are the only writers. */
#ifndef SMBNEG_OUT_H
#define SMBNEG_OUT_H

#include "smbneg/out_ops.h"

#include <stdbool.h>
#include <stdio.h>

enum out_format { OUT_TEXT, OUT_JSON, OUT_CSV };

void out_init(struct out *o, enum out_format fmt, FILE *f);
void out_begin_file(struct out *o, const char *file);
/* The time of the next file, host, stats and summary events (NULL: unknown):
 * the last frame read, or the wall clock when capturing live. */
void out_set_time(struct out *o, const struct timeval *now);
/* True when the format shows verdict events (JSON, not -q or --hosts). */
bool out_wants_verdicts(const struct out *o);
/* The verdict of c, decided before the conversation ends (see out_ops.h). */
void out_verdict(struct out *o, const struct conv *c, const struct facts *f,
		 const struct verdict *v, const struct frame_ctx *at, const char *decided_by);
/* --log after SIGHUP: write from now on to path (appended), closing the file
 * written so far; false (errno set, the old file kept) when path cannot be opened. */
bool out_reopen(struct out *o, const char *path);
/* A periodic stats event (live, --stats). */
void out_stats(struct out *o, const struct out_stats *s);
/* True when the format shows SMB-layer events (JSON; text with -v; not -q
 * or --hosts). */
bool out_wants_events(const struct out *o);
/* One event of the SMB layer. */
void out_event(struct out *o, const struct smb_event *e);
/* A concluded conversation, numbered row (tally_conversation). */
void out_conversation(struct out *o, uint64_t row, const struct conv *c, const struct facts *f,
		      const struct verdict *v);
/* An NTLM relay (correlate.h), after the conversations it joins. */
void out_relay(struct out *o, const struct correlate_report *r);
/* --assume-client: one prediction per server of the inventory. */
void out_predictions(struct out *o, const struct tally *t, const struct predict_profile *p);
/* Live: the connection reported as row (concluded by --idle) sent again. */
void out_resumed(struct out *o, uint64_t row);
/* error: NULL, or why the file could not be read (fully). */
void out_end_file(struct out *o, const struct flow_stats *st, const char *error);
/* --hosts-per-file: the inventory of the input just read (before out_end_file). */
void out_file_hosts(struct out *o, const struct tally *t);
/* The inventory (--hosts) and the summary, from the analyser's tally. */
void out_summary(struct out *o, const struct tally *t);
/* A progress line on stderr: bytes done of total (0 = unknown), rate, time left. */
void out_progress(struct out *o, uint64_t done, uint64_t total, uint64_t elapsed_ms);
/* Clear the progress line, if one was drawn. */
void out_progress_end(struct out *o);
void out_free(struct out *o);

#endif
