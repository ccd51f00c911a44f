/* flow: the connection table. It takes decoded TCP segments with their
 * frame context, finds or creates the conversation (hash table, LRU order,
 * a cap on active connections, tombstones for concluded ones), runs
 * each direction through tcp_reasm and nbss, and hands whole NBSS messages
 * to its ops (the SMB layer). A conversation ends on FIN from both sides,
 * RST, eviction, idle expiry or the end of input. */
#ifndef SMBNEG_FLOW_H
#define SMBNEG_FLOW_H

#include "smbneg/conv.h"
#include "smbneg/decode.h"
#include "smbneg/frame.h"
#include "smbneg/nbss.h"
#include "smbneg/tcp_reasm.h"
#include "smbneg/tomb.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FLOW_MAX_ACTIVE 32768 /* least recently used is concluded beyond this */

struct flow_ops {
	/* One NBSS message sent by c->ep[dir]. f is the frame that brought its
	 * last byte (f->raw is NULL when that is not the frame being read). */
	void (*on_message)(void *arg, struct conv *c, int dir, const struct nbss_msg *m,
			   const struct frame_ctx *f);
	/* How much of a message to keep (nbss_sink.keep); NULL: NBSS_KEEP_MAX. */
	size_t (*keep_limit)(void *arg, const struct rd *prefix);
	/* Every frame of c, before its payload is read (optional). */
	void (*on_frame)(void *arg, struct conv *c, const struct frame_ctx *f);
	/* c has ended; it is freed on return, so release c->smb and c->app here. */
	void (*on_concluded)(void *arg, struct conv *c);
	void *arg;
	/* A connection concluded by flow_table_expire sent again: its first
	 * segment after; row is the conv.row it was concluded with (optional). */
	void (*on_resumed)(void *arg, uint64_t row);
};

struct flow_stats {
	uint64_t frames, tcp_segments, not_tcp, fragments, truncated, malformed;
	uint64_t connections, smb_connections, evicted;
	/* Segments of connections already concluded (tomb.h), which start no
	 * new conversation: data after FIN/RST, and connections concluded by
	 * --idle that resumed (counted once each) with their segments. */
	uint64_t late_segments, idle_resumed, after_idle;
	uint64_t budget_given_up; /* conversations whose held bytes the budget took back */
};

struct flow; /* one connection: a conv plus its TCP and NBSS state */

struct flow_table {
	struct flow **buckets;
	size_t nbuckets;
	size_t active;
	size_t max_active;
	struct flow *oldest, *newest;
	uint64_t next_id;
	int dlt;                 /* link type of the input (pcap_datalink); -1 unknown */
	struct frame_ctx now;    /* frame and time of the last frame read (raw NULL) */
	/* Every byte held for messages (budget.h): NBSS partial messages,
	 * out-of-order data, delivered-byte rings; limit BUDGET_DEFAULT unless
	 * set after flow_table_init. */
	struct budget budget;
	struct flow *hold_oldest, *hold_newest; /* flows holding budget bytes, LRU */
	struct flow *busy;       /* the flow being fed: reclaim never gives it up */
	/* Tuples concluded by FIN/RST or flow_table_expire: their later
	 * segments (without SYN) are counted, not reported again as a
	 * conversation starting mid-stream (TOMB_MAX of them). */
	struct tomb_table tombs;
	struct flow_ops ops;
	struct flow_stats stats;
};

/* Returns false when memory for the buckets cannot be had. */
bool flow_table_init(struct flow_table *t, const struct flow_ops *ops);
/* One decoded segment of the frame f. */
void flow_table_segment(struct flow_table *t, const struct tcp_seg *seg, const struct frame_ctx *f);
/* Conclude every open conversation, in order of creation. */
void flow_table_flush(struct flow_table *t);
/* Conclude conversations with no frame for more than idle_secs before now. */
void flow_table_expire(struct flow_table *t, const struct timeval *now, long idle_secs);
/* Add anomalies to every open conversation (live: frames were dropped). */
void flow_table_mark_open(struct flow_table *t, anomaly_mask m);
void flow_table_free(struct flow_table *t);

#endif
