/* analyze: the driver. It wires the pipeline for one input end to end:
 * capture -> decode -> flow table -> smb_conn (events) -> verdict -> output,
 * and owns the -w evidence: the raw frames of each conversation, kept
 * within caps until its verdict decides whether they are written.
 * main.c and the fuzz targets use it. */
#ifndef SMBNEG_ANALYZE_H
#define SMBNEG_ANALYZE_H

#include "smbneg/capture.h"
#include "smbneg/evidence.h"
#include "smbneg/correlate.h"
#include "smbneg/out.h"
#include "smbneg/tally.h"

#include <pcap/pcap.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>

struct regress; /* regress.h */

#define ANALYZE_MAX_KEPT_BYTES (1024 * 1024)      /* evidence frames kept per conversation */
#define ANALYZE_MAX_KEPT_TOTAL (64 * 1024 * 1024) /* ... and in all */
/* The verdict event is written once this many ordinary messages (both
 * directions) followed a successful Session Setup, or at a failure status, or
 * when the conversation ends (README "Verdict events"). */
#define ANALYZE_VERDICT_MESSAGES 8

struct analyzer {
	struct out *out;
	struct tally tally;         /* verdicts, totals and hosts over all inputs */
	const char *filter;         /* BPF expression or NULL */
	uint64_t max_conversations; /* -c: stop after this many (live); 0 = no limit */
	bool progress;              /* a progress line on stderr while files are read */
	/* -w (opened by the caller, see evidence.h): frames of the conversations that
	 * did not get `signed` (all with write_all); NULL: no -w */
	struct evidence_writer *writer;
	bool write_all;
	int last_dlt;               /* link type of the inputs read, for an empty -w file */
	bool dlt_warned;
	uint64_t written_conversations, written_frames, written_incomplete;
	size_t kept_total;          /* evidence bytes held for open conversations */
	struct flow_table *table;   /* the input being read */
	/* live: --stats SECS (0 none) and the counters between two stats events */
	long stats_secs;
	time_t last_stats;
	struct capture_counters stats_prev;
	struct regress *regress;    /* CI checks (--fail-on, baseline, JUnit): told of each
				       input and concluded conversation; NULL: none */
	struct correlate corr;      /* relay correlation over all inputs */
	/* Set in a -j worker: NTLM observations go here instead of corr, for the
	 * replaying thread to feed analyze_ntlm (relays across files). */
	void (*ntlm_hook)(void *arg, const struct conv *c, uint64_t frame,
			  const struct timeval *ts, const struct correlate_ntlm *n);
	void *ntlm_hook_arg;
};

/* Zero an analyzer reporting on out. */
void analyze_init(struct analyzer *a, struct out *out);
/* Process one input ("-" = stdin). Returns false when the file could not be
 * read completely; the message (naming the file) is in err. */
bool analyze_file(struct analyzer *a, const char *path, char *err, size_t errsize);
/* The same over an open stream; name is what the output calls it. */
bool analyze_stream(struct analyzer *a, FILE *fp, const char *name, char *err, size_t errsize);
/* Capture live (l->filter is set from a->filter). */
bool analyze_live(struct analyzer *a, struct capture_live *l, char *err, size_t errsize);
/* The steps of a serial run that a replay (jobs.c) repeats in order: a new
 * input; one NTLMSSP observation of conversation c (relay correlation); a
 * concluded conversation with its facts and verdict, reported (the relay
 * indicator added and the verdict decided again when a relay names it;
 * held relay events handed on after it). Returns its row. */
void analyze_begin_file(struct analyzer *a, const char *name);
void analyze_ntlm(struct analyzer *a, const struct conv *c, uint64_t frame,
		  const struct timeval *ts, const struct correlate_ntlm *n);
uint64_t analyze_report(struct analyzer *a, const struct conv *c, struct facts *f,
			struct verdict *v);
/* Close the -w file (evidence_close). Returns false (with err) when writing failed. */
bool analyze_close(struct analyzer *a, char *err, size_t errsize);
/* Release the tally (after the summary). */
void analyze_free(struct analyzer *a);

#endif
