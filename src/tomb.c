/* tomb: recently concluded connections (see include/smbneg/tomb.h). */
#include "smbneg/tomb.h"

#include <stdlib.h>

/* Key 0 marks a free slot: a real key of 0 is stored as 1. */
static uint64_t norm(uint64_t key)
{
	return key ? key : 1;
}

static uint32_t bucket(uint64_t key)
{
	return (uint32_t)((key * 0x9E3779B97F4A7C15u) >> 40) % TOMB_MAX;
}

bool tomb_init(struct tomb_table *t)
{
	t->next = 0;
	t->ring = calloc(TOMB_MAX, sizeof *t->ring);
	t->buckets = calloc(TOMB_MAX, sizeof *t->buckets);
	if (t->ring && t->buckets)
		return true;
	tomb_free(t);
	return false;
}

/* Take ring slot i out of its hash chain before it is reused. */
static void unlink_slot(struct tomb_table *t, uint32_t i)
{
	uint32_t *pp = &t->buckets[bucket(t->ring[i].key)];
	while (*pp && *pp != i + 1)
		pp = &t->ring[*pp - 1].next;
	if (*pp)
		*pp = t->ring[i].next;
}

void tomb_add(struct tomb_table *t, uint64_t key, uint64_t row, enum tomb_kind kind,
	      int64_t now)
{
	if (!t->ring)
		return;
	uint32_t i = t->next;
	t->next = (t->next + 1) % TOMB_MAX;
	if (t->ring[i].key)
		unlink_slot(t, i);
	struct tomb *x = &t->ring[i];
	x->key = norm(key);
	x->row = row;
	x->concluded = now;
	x->segments = 0;
	x->kind = (uint8_t)kind;
	uint32_t *head = &t->buckets[bucket(x->key)];
	x->next = *head; /* the newest first */
	*head = i + 1;
}

struct tomb *tomb_find(struct tomb_table *t, uint64_t key, int64_t now)
{
	if (!t->ring)
		return NULL;
	key = norm(key);
	for (uint32_t i = t->buckets[bucket(key)]; i; i = t->ring[i - 1].next) {
		struct tomb *x = &t->ring[i - 1];
		if (x->key != key)
			continue;
		if (x->kind == TOMB_CLOSED && now - x->concluded > TOMB_LATE_SECS)
			return NULL;
		return x;
	}
	return NULL;
}

void tomb_free(struct tomb_table *t)
{
	free(t->ring);
	free(t->buckets);
	t->ring = NULL;
	t->buckets = NULL;
}
