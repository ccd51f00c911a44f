/* budget: one table-wide allowance for every byte held for messages (NBSS
 * partial messages and kept Negotiate/Session Setup prefixes, out-of-order
 * TCP data, the delivered-byte rings). The stages that hold bytes take them
 * from it and give them back; when a take would pass the limit, the owner's
 * reclaim callback gives up the oldest holders' bytes first (flow.c: LRU
 * order, reported as the `memory-budget` anomaly on their conversations). */
#ifndef SMBNEG_BUDGET_H
#define SMBNEG_BUDGET_H

#include <stdbool.h>
#include <stddef.h>

#define BUDGET_DEFAULT (64u * 1024 * 1024) /* --memory default, bytes */

struct budget {
	size_t used;
	size_t limit;
	/* Free held bytes until need more fit (never the caller's own);
	 * true when they do. NULL: nothing can be freed. */
	bool (*reclaim)(void *arg, size_t need);
	void *arg;
	unsigned long long refused; /* takes that failed even after reclaim */
};

static inline bool budget_fits(const struct budget *b, size_t n)
{
	return b->used <= b->limit && n <= b->limit - b->used;
}

/* Take n bytes; a NULL budget always gives. With reclaim, older holders are
 * given up first; false (and nothing taken) when n still does not fit. */
static inline bool budget_take(struct budget *b, size_t n, bool reclaim)
{
	if (!b)
		return true;
	if (!budget_fits(b, n) &&
	    (!reclaim || !b->reclaim || !b->reclaim(b->arg, n) || !budget_fits(b, n))) {
		b->refused++;
		return false;
	}
	b->used += n;
	return true;
}

static inline void budget_give(struct budget *b, size_t n)
{
	if (b)
		b->used -= n < b->used ? n : b->used;
}

/* Less than half used: room for what is merely useful (delivered-byte rings). */
static inline bool budget_half_free(const struct budget *b)
{
	return !b || b->used <= b->limit / 2;
}

#endif
