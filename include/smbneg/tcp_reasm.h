/* tcp_reasm: per-direction TCP reassembly by sequence number (RFC 9293 3.4).
 *
 * Bytes are handed on in sequence order exactly once. Retransmitted and
 * overlapping bytes are dropped (first copy wins); out-of-order segments wait
 * in a queue capped at REASM_MAX_QUEUED_BYTES; when the cap is hit, or the
 * capture lost bytes (snaplen, drops), the missing range is reported as a gap
 * so the next stage can stay in step by length or resynchronise.
 *
 * The last REASM_HISTORY bytes handed on are kept per direction (a ring, taken
 * from the table budget (budget.h) while less than half of it is used), so that a
 * retransmission whose bytes differ from bytes already delivered is counted
 * in overlap_conflicts: the classic evasion of passive analysers, where the
 * receiver keeps one copy and the analyser another. Older bytes, bytes
 * after a gap, and bytes the next stage says it skips unread (sink.skips:
 * the bulk of a READ or WRITE, where a conflict changes nothing it reads;
 * copying them into thousands of cache-cold rings was the costliest stage on
 * the benchmark capture, README "Performance") are not compared. */
#ifndef SMBNEG_TCP_REASM_H
#define SMBNEG_TCP_REASM_H

#include "smbneg/budget.h"
#include "smbneg/decode.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REASM_MAX_QUEUED_BYTES (256 * 1024)
#define REASM_MAX_QUEUED_SEGS 256
#define REASM_HISTORY 4096 /* delivered bytes kept for comparison; a power of two */

struct reasm_sink {
	void (*data)(void *arg, const uint8_t *p, size_t n);
	void (*gap)(void *arg, uint64_t n); /* n bytes lost; 0 = unknown amount */
	/* Will the next n bytes all be skipped unread? (NULL: never) Such bytes
	 * are not kept for comparison. */
	bool (*skips)(void *arg, size_t n);
	void *arg;
};

struct reasm_queued;

struct reasm_dir {
	bool started;  /* next_seq is known */
	bool closed;   /* FIN or RST seen */
	uint32_t next_seq;
	struct reasm_queued *queue; /* sorted by seq */
	size_t queued_bytes;
	unsigned queued_segs;
	/* counters */
	uint64_t bytes;       /* delivered */
	uint64_t gap_bytes;   /* reported lost */
	uint32_t retransmits; /* segments wholly seen before */
	uint32_t overlaps;    /* segments partly seen before */
	uint32_t out_of_order;
	uint32_t overlap_conflicts; /* copies (queued or delivered) that disagree on a byte */
	uint32_t queue_overflows;   /* holes given up because a cap was reached */
	/* NULL, or the table-wide budget the queue and the ring are taken from */
	struct budget *budget;
	uint8_t *history;           /* NULL, or a ring of REASM_HISTORY bytes by seq */
	size_t history_len;         /* bytes in it: [next_seq - history_len, next_seq) */
};

/* Feed one segment. A first segment without SYN starts mid-stream: a gap of
 * unknown size is reported before its bytes. */
void reasm_push(struct reasm_dir *d, const struct tcp_seg *seg, const struct reasm_sink *sink);
/* Hand on whatever waits in the queue, with gaps between (end of capture). */
void reasm_flush(struct reasm_dir *d, const struct reasm_sink *sink);
/* Free the queue and the ring. */
void reasm_free(struct reasm_dir *d);
/* The table budget needs the bytes: discard the queue (its data is lost, as
 * beyond the queue cap) and the ring. True when queued data was discarded. */
bool reasm_give_up(struct reasm_dir *d);

#endif
