/* tally: what the analyser counted over all inputs: conversations by
 * verdict, SMB1 use, files read and failed, the frame and connection
 * totals, live capture counters, and (with --hosts) the per-server table.
 * The analyser owns it; --fail-on and the summary renderers read it. */
#ifndef SMBNEG_TALLY_H
#define SMBNEG_TALLY_H

#include "smbneg/flow.h"
#include "smbneg/host.h"
#include "smbneg/verdict.h"

#include <stdbool.h>
#include <stdint.h>

struct tally {
	uint64_t conversations;          /* reported so far; the row number of the last */
	uint64_t verdicts[V_COUNT];
	uint64_t smb1_conversations;
	uint64_t files, files_failed;
	struct flow_stats totals;
	bool live_stats;                 /* a live capture reported pcap_stats */
	uint64_t received, dropped, ifdropped;
	bool hosts;                      /* host_table is kept */
	struct host_table host_table;
};

void tally_init(struct tally *t);
/* Keep the per-server table (--hosts). False without memory. */
bool tally_enable_hosts(struct tally *t);
void tally_begin_file(struct tally *t);
/* --hosts-per-file: forget the servers of the input reported last. */
void tally_reset_hosts(struct tally *t);
/* Count one concluded conversation; returns its row number. */
uint64_t tally_conversation(struct tally *t, const struct conv *c, const struct facts *f,
			    const struct verdict *v);
void tally_end_file(struct tally *t, const struct flow_stats *st, bool failed);
void tally_live(struct tally *t, unsigned received, unsigned dropped, unsigned ifdropped);
void tally_free(struct tally *t);

#endif
