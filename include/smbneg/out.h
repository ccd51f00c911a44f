/* out: renders negotiate events, concluded conversations and the summary as
 * text, JSON lines or CSV. Parsers never print; this is the only writer. */
#ifndef SMBNEG_OUT_H
#define SMBNEG_OUT_H

#include "smbneg/conv.h"
#include "smbneg/flow.h"
#include "smbneg/smb_conn.h"
#include "smbneg/host.h"
#include "smbneg/verdict.h"

#include <stdbool.h>
#include <stdio.h>

enum out_format { OUT_TEXT, OUT_JSON, OUT_CSV };

#define OUT_MAX_REASONS 1000 /* text: reasons kept for after the table */

/* A reason kept for the text output's list after the table. */
struct out_reason {
	struct out_reason *next;
	uint64_t row;
	enum verdict_kind verdict;
	char text[];
};

struct out {
	enum out_format format;
	FILE *f;
	bool quiet;
	const char *file;     /* input being read */
	uint64_t row;         /* conversations reported so far */
	bool header_done;
	uint64_t verdicts[V_COUNT];
	uint64_t files, files_failed;
	uint64_t smb1_conversations;
	struct flow_stats totals;
	struct out_reason *reasons, *reasons_tail; /* text */
	size_t nreasons;
	uint64_t reasons_dropped;
	bool live_stats;      /* a live capture reported pcap_stats */
	uint64_t received, dropped, ifdropped;
	bool color;           /* text: ANSI colours (a terminal, NO_COLOR unset) */
	bool verbose;         /* text: every Negotiate field (-v) */
	bool hosts;           /* --hosts: a per-server inventory instead of conversations */
	struct host_table host_table;
	bool progress_drawn;
};

void out_init(struct out *o, enum out_format fmt, FILE *f);
/* --hosts: report servers instead of conversations. False without memory. */
bool out_enable_hosts(struct out *o);
void out_begin_file(struct out *o, const char *file);
/* One event of the SMB layer (Negotiate kinds are rendered; others ignored). */
void out_event(struct out *o, const struct smb_event *e);
void out_conversation(struct out *o, const struct conv *c, const struct facts *f,
		      const struct verdict *v);
/* error: NULL, or why the file could not be read (fully). */
void out_end_file(struct out *o, const struct flow_stats *st, const char *error);
void out_summary(struct out *o);
/* A progress line on stderr: bytes done of total (0 = unknown), rate, time left. */
void out_progress(struct out *o, uint64_t done, uint64_t total, uint64_t elapsed_ms);
/* Clear the progress line, if one was drawn. */
void out_progress_end(struct out *o);
/* Live capture counters from pcap_stats, for the summary. */
void out_live_stats(struct out *o, unsigned received, unsigned dropped, unsigned ifdropped);
void out_free(struct out *o);

/* Shared by the renderers (out.c). */
const char *out_endpoint(const struct endpoint *e, char *buf, size_t size);
const char *out_address(uint8_t family, const uint8_t *addr, char *buf, size_t size);
const char *out_dialect(const struct facts *f, char *buf, size_t size);
const char *out_guid(const uint8_t g[16], char *buf, size_t size);
const char *out_time(const struct timeval *tv, char *buf, size_t size);
/* FILETIME (100 ns since 1601) as ISO 8601 UTC; "" when zero. */
const char *out_filetime(uint64_t ft, char *buf, size_t size);
void out_json_string(FILE *f, const char *s);
/* A CSV field, quoted (RFC 4180). */
void out_csv_string(FILE *f, const char *s);
/* Printable text: valid UTF-8 kept, other bytes as \xNN. */
void out_text_string(FILE *f, const char *s);

/* Renderers */
void out_text_conversation(struct out *o, const struct conv *c, const struct facts *f,
			   const struct verdict *v);
void out_text_summary(struct out *o);
void out_text_negotiate(struct out *o, const struct conv *c, const struct smb_event *e);
void out_json_negotiate(struct out *o, const struct conv *c, int sender, const struct smb_event *e);
void out_json_conversation(struct out *o, const struct conv *c, const struct facts *f,
			   const struct verdict *v);
void out_json_file(struct out *o, const struct flow_stats *st, const char *error);
void out_json_summary(struct out *o);
void out_csv_conversation(struct out *o, const struct conv *c, const struct facts *f,
			  const struct verdict *v);
void out_text_hosts(struct out *o);
void out_json_hosts(struct out *o);
void out_csv_hosts(struct out *o);

#endif
