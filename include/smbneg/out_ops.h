/* out_ops: what a renderer implements, and the state it writes with. One
 * `struct out_ops` instance per output format (out_text.c, out_json.c,
 * out_csv.c), each over the shared formatting module fmt.h. A new output
 * format is one more instance. Renderers include this header and fmt.h,
 * never out.h (the dispatcher that calls them). */
#ifndef SMBNEG_OUT_OPS_H
#define SMBNEG_OUT_OPS_H

#include "smbneg/conv.h"
#include "smbneg/correlate.h"
#include "smbneg/facts.h"
#include "smbneg/predict.h"
#include "smbneg/flow.h"
#include "smbneg/smb_conn.h"
#include "smbneg/tally.h"
#include "smbneg/uid.h"
#include "smbneg/verdict.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define OUT_MAX_RELAYS 64        /* text: relay events kept for their section */
#define OUT_MAX_REASONS 1000     /* text: distinct reasons kept for after the table */
#define OUT_MAX_RANGES 256       /* text: row ranges listed per reason */
#define OUT_REASON_BUCKETS 256
#define OUT_MAX_RESUMED 8        /* text: rows of resumed --idle connections named */

/* A reason kept for the text output's list after the table: one per
 * distinct verdict, cause and text, with the rows that share it. */
struct out_reason {
	struct out_reason *next;  /* in order of first row */
	struct out_reason *hnext; /* hash chain */
	uint64_t hash;
	enum verdict_kind verdict;
	int cause;
	uint64_t (*ranges)[2];    /* first and last row of each run, ascending */
	size_t nranges, cap;
	uint64_t rows, rows_unlisted; /* rows in all; rows beyond OUT_MAX_RANGES */
	char text[];
};

struct out_ops;

/* The output being written: options, and each renderer's own state. */
struct out {
	const struct out_ops *ops;
	FILE *f;
	bool quiet;           /* no rows or events, only the summary */
	bool color;           /* text: ANSI colours (a terminal, NO_COLOR unset) */
	bool verbose;         /* text: every Negotiate field (-v) */
	bool hosts;           /* --hosts: a per-server inventory instead of conversations */
	bool stream;          /* flush each event and row (live, stdin) as it happens */
	bool hosts_per_file;  /* --hosts-per-file: one inventory per input, at its end */
	const char *file;     /* input being read */
	bool header_done;     /* text, CSV: the header line is out */
	struct out_reason *reasons, *reasons_tail; /* text */
	struct out_reason **reason_index;          /* text: OUT_REASON_BUCKETS chains */
	size_t nreasons;
	uint64_t reasons_dropped;
	struct correlate_report *relays; /* text: OUT_MAX_RELAYS, allocated at the first */
	size_t nrelays;
	uint64_t relays_dropped;
	indicator_mask attacks;  /* text: the indicator describing each attack conversation */
	bool cause_seen[CAUSE_COUNT]; /* text: the fixes to list */
	bool several_files;   /* more than one input: text rows under a heading per file */
	const char *heading;  /* text: the file whose heading is out */
	uint64_t resumed[OUT_MAX_RESUMED]; /* rows of --idle connections that resumed */
	size_t nresumed;
	bool progress_drawn;
	/* JSON envelope (README "JSON schema") */
	const char *sensor;    /* --sensor / the host name (live); NULL: null */
	const char *interface; /* live: the -i name; NULL: null */
	struct uid_gen uid;    /* per-connection uid key (uid.h) */
	uint64_t inputs;       /* inputs begun: with the connection's number, the uid sequence */
	void *json_conns;      /* JSON: envelope strings per connection (out_json_env.c) */
	struct timeval now;    /* time of the file and stats events */
	bool now_set;          /* ... unknown (null) until set */
	struct timeval latest; /* the latest of them: time of the host and summary events */
};

/* A periodic `stats` event (--stats SECS, live). */
struct out_stats {
	uint64_t interval_secs;
	uint64_t received;            /* pcap_stats ps_recv, cumulative */
	uint64_t dropped, ifdropped;  /* since the last stats event */
	uint64_t dropped_total, ifdropped_total;
	uint64_t frames;              /* frames read, cumulative */
	uint64_t open_conversations;
	uint64_t conversations;       /* reported so far */
	uint64_t bytes_held;          /* reassembly queues and -w evidence held */
	uint64_t rss_bytes;           /* resident set size; 0 unknown */
};

struct out_ops {
	/* An SMB layer event (optional). */
	void (*event)(struct out *o, const struct smb_event *e);
	/* event is shown only with -v (text) */
	bool events_verbose_only;
	/* A concluded conversation, numbered row. */
	void (*conversation)(struct out *o, uint64_t row, const struct conv *c,
			     const struct facts *f, const struct verdict *v);
	/* The verdict of c as soon as the wire decided it (optional); decided_by
	 * says what decided it: "messages", "failure" or "close". */
	void (*verdict)(struct out *o, const struct conv *c, const struct facts *f,
			const struct verdict *v, const struct frame_ctx *at,
			const char *decided_by);
	/* A periodic stats event (optional). */
	void (*stats)(struct out *o, const struct out_stats *s);
	/* An NTLM relay joining two conversations already reported (optional). */
	void (*relay)(struct out *o, const struct correlate_report *r);
	/* --assume-client: the prediction for one server (optional); host NULL
	 * once before the first, to open the section. */
	void (*prediction)(struct out *o, const struct predict_profile *p, const struct host *x,
			   const struct prediction *pr);
	/* The end of one input; error: NULL or why it could not be read (optional). */
	void (*end_file)(struct out *o, const struct flow_stats *st, const char *error);
	/* The per-server inventory (--hosts; with --hosts-per-file, of the input
	 * o->file only, before its end_file). */
	void (*hosts)(struct out *o, const struct tally *t);
	/* The summary after all inputs (optional). */
	void (*summary)(struct out *o, const struct tally *t);
	/* Release the renderer's state (optional). */
	void (*free)(struct out *o);
};

extern const struct out_ops out_text_ops;
extern const struct out_ops out_json_ops;
extern const struct out_ops out_csv_ops;

#endif
