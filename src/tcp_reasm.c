/* tcp_reasm: per-direction reassembly (see include/smbneg/tcp_reasm.h). */
#include "smbneg/tcp_reasm.h"

#include <stdlib.h>
#include <string.h>

struct reasm_queued {
	struct reasm_queued *next;
	uint32_t seq;
	size_t caplen; /* bytes stored */
	size_t seglen; /* bytes on the wire; the rest was cut by the snaplen */
	uint8_t data[];
};

/* Signed distance from b to a in sequence space (RFC 9293 3.4, modulo 2^32). */
static int64_t seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

/* ---- delivered-byte history (a ring indexed by seq mod REASM_HISTORY) ---- */

#define HISTORY_MASK (REASM_HISTORY - 1u)

/* Keep the n bytes just delivered, ending at next_seq. The ring is taken on
 * the first delivery, while the shared budget is less than half used. */
static void history_add(struct reasm_dir *d, uint32_t end_seq, const uint8_t *p, size_t n)
{
	if (!d->history) {
		if (!budget_half_free(d->budget) || !budget_take(d->budget, REASM_HISTORY, false))
			return;
		d->history = malloc(REASM_HISTORY);
		if (!d->history) {
			budget_give(d->budget, REASM_HISTORY);
			return;
		}
		d->history_len = 0;
	}
	if (n > REASM_HISTORY) {
		p += n - REASM_HISTORY;
		n = REASM_HISTORY;
	}
	uint32_t seq = end_seq - (uint32_t)n;
	size_t at = seq & HISTORY_MASK, first = REASM_HISTORY - at;
	if (first > n)
		first = n;
	memcpy(d->history + at, p, first);
	memcpy(d->history, p + first, n - first);
	d->history_len += n;
	if (d->history_len > REASM_HISTORY)
		d->history_len = REASM_HISTORY;
}

/* Compare the captured bytes [seq, seq+caplen) of a retransmission with the
 * delivered bytes still kept; a difference is an overlap conflict. */
static void history_check(struct reasm_dir *d, uint32_t seq, const uint8_t *p, size_t caplen)
{
	if (!d->history || d->history_len == 0)
		return;
	uint32_t kept = d->next_seq - (uint32_t)d->history_len;
	int64_t from = seq_diff(seq, kept);
	size_t off = from < 0 ? (size_t)-from : 0; /* bytes of p older than what is kept */
	if (off >= caplen)
		return;
	int64_t room = seq_diff(d->next_seq, seq + (uint32_t)off);
	if (room <= 0)
		return;
	size_t n = caplen - off < (uint64_t)room ? caplen - off : (size_t)room;
	for (size_t i = 0; i < n; i++) {
		if (d->history[(seq + (uint32_t)(off + i)) & HISTORY_MASK] != p[off + i]) {
			d->overlap_conflicts++;
			return;
		}
	}
}

static void history_free(struct reasm_dir *d)
{
	if (d->history)
		budget_give(d->budget, REASM_HISTORY);
	free(d->history);
	d->history = NULL;
	d->history_len = 0;
}

/* Deliver [seq, seq+seglen) of which the first caplen bytes were captured,
 * dropping what precedes next_seq. */
static void deliver(struct reasm_dir *d, uint32_t seq, const uint8_t *p, size_t caplen,
		    size_t seglen, const struct reasm_sink *sink)
{
	int64_t rel = seq_diff(seq, d->next_seq);
	if (rel > 0) { /* a hole we give up waiting for */
		d->gap_bytes += (uint64_t)rel;
		sink->gap(sink->arg, (uint64_t)rel);
		d->next_seq = seq;
		d->history_len = 0; /* kept bytes must be contiguous */
		rel = 0;
	} else if (rel < 0) {
		history_check(d, seq, p, caplen);
	}
	size_t skip = (size_t)-rel;
	if (skip >= seglen)
		return;
	if (skip < caplen) {
		/* asked before the bytes go: afterwards the next stage is past them */
		bool unread = sink->skips && sink->skips(sink->arg, caplen - skip);
		sink->data(sink->arg, p + skip, caplen - skip);
		d->bytes += caplen - skip;
		if (unread)
			d->history_len = 0; /* kept bytes must be contiguous */
		else
			history_add(d, seq + (uint32_t)caplen, p + skip, caplen - skip);
	}
	size_t lost = seglen - (skip > caplen ? skip : caplen);
	if (lost) {
		d->gap_bytes += lost;
		sink->gap(sink->arg, lost);
		d->history_len = 0;
	}
	d->next_seq = seq + (uint32_t)seglen;
}

/* Deliver and free the head of the queue. */
static void pop_deliver(struct reasm_dir *d, const struct reasm_sink *sink)
{
	struct reasm_queued *q = d->queue;
	d->queue = q->next;
	d->queued_bytes -= q->caplen;
	budget_give(d->budget, q->caplen);
	d->queued_segs--;
	deliver(d, q->seq, q->data, q->caplen, q->seglen, sink);
	free(q);
}

/* Deliver queued segments that have become contiguous. */
static void drain(struct reasm_dir *d, const struct reasm_sink *sink)
{
	while (d->queue && seq_diff(d->queue->seq, d->next_seq) <= 0)
		pop_deliver(d, sink);
}

/* Queue an out-of-order segment; false when the caps say no. */
static bool enqueue(struct reasm_dir *d, const struct tcp_seg *seg)
{
	if (d->queued_segs >= REASM_MAX_QUEUED_SEGS ||
	    seg->caplen > REASM_MAX_QUEUED_BYTES - d->queued_bytes)
		return false;
	struct reasm_queued **pp = &d->queue;
	while (*pp && seq_diff((*pp)->seq, seg->seq) < 0)
		pp = &(*pp)->next;
	if (*pp && (*pp)->seq == seg->seq && (*pp)->seglen >= seg->seglen) {
		size_t n = (*pp)->caplen < seg->caplen ? (*pp)->caplen : seg->caplen;
		if (n && memcmp((*pp)->data, seg->data, n) != 0)
			d->overlap_conflicts++;
		d->retransmits++;
		return true; /* already queued */
	}
	if (!budget_take(d->budget, seg->caplen, true))
		return false;
	struct reasm_queued *q = malloc(sizeof *q + seg->caplen);
	if (!q) {
		budget_give(d->budget, seg->caplen);
		return false;
	}
	q->seq = seg->seq;
	q->caplen = seg->caplen;
	q->seglen = seg->seglen;
	if (seg->caplen)
		memcpy(q->data, seg->data, seg->caplen);
	q->next = *pp;
	*pp = q;
	d->queued_bytes += seg->caplen;
	d->queued_segs++;
	d->out_of_order++;
	return true;
}

void reasm_push(struct reasm_dir *d, const struct tcp_seg *seg, const struct reasm_sink *sink)
{
	if (d->closed && (seg->flags & TCP_SYN) == 0 && seg->seglen == 0)
		return;
	if (seg->flags & TCP_SYN) {
		if (!d->started || d->closed) { /* a new connection on the same tuple */
			reasm_free(d);
			d->started = true;
			d->closed = false;
			d->next_seq = seg->seq + 1;
		}
		return;
	}
	if (!d->started) {
		d->started = true;
		d->next_seq = seg->seq;
		sink->gap(sink->arg, 0); /* mid-stream: the receiver must resynchronise */
	}
	if (seg->seglen > 0) {
		int64_t rel = seq_diff(seg->seq, d->next_seq);
		if (rel + (int64_t)seg->seglen <= 0) {
			d->retransmits++;
			/* A keep-alive probe (RFC 9293 3.8.4) repeats one old byte, often
			 * a garbage 0x00 (Windows): not a conflict. */
			bool keepalive = seg->seglen == 1 && rel == -1;
			if (!keepalive)
				history_check(d, seg->seq, seg->data, seg->caplen);
		} else if (rel <= 0) {
			if (rel < 0)
				d->overlaps++;
			deliver(d, seg->seq, seg->data, seg->caplen, seg->seglen, sink);
			drain(d, sink);
		} else if (!enqueue(d, seg)) {
			/* Queue full: give up on the hole; hand on in sequence order
			 * what waits before this segment, the segment, then the rest. */
			d->queue_overflows++;
			while (d->queue && seq_diff(d->queue->seq, seg->seq) < 0)
				pop_deliver(d, sink);
			deliver(d, seg->seq, seg->data, seg->caplen, seg->seglen, sink);
			drain(d, sink);
		}
	}
	if (seg->flags & (TCP_FIN | TCP_RST)) {
		if (seg->flags & TCP_RST)
			reasm_flush(d, sink);
		d->closed = true;
	}
}

void reasm_flush(struct reasm_dir *d, const struct reasm_sink *sink)
{
	while (d->queue)
		pop_deliver(d, sink);
}

bool reasm_give_up(struct reasm_dir *d)
{
	bool lost = d->queue != NULL;
	if (lost)
		d->queue_overflows++; /* the holes are given up as for a full queue */
	reasm_free(d);
	return lost;
}

void reasm_free(struct reasm_dir *d)
{
	while (d->queue) {
		struct reasm_queued *q = d->queue;
		d->queue = q->next;
		free(q);
	}
	budget_give(d->budget, d->queued_bytes);
	d->queued_bytes = 0;
	d->queued_segs = 0;
	history_free(d);
}
