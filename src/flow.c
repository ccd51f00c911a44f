/* flow: the connection table (see include/smbneg/flow.h). */
#include "smbneg/flow.h"

#include <stdlib.h>
#include <string.h>

#define INITIAL_BUCKETS 4096

struct flow {
	struct conv conv;               /* first: a conv pointer is a flow pointer */
	struct flow *hnext;             /* hash chain */
	struct flow *older, *newer;     /* LRU list */
	struct flow *hold_older, *hold_newer; /* holders of budget bytes, LRU */
	bool holding;                   /* on the holders list */
	struct reasm_dir tcp[2];
	struct nbss_dir nbss[2];
	struct frame_ctx data_fc[2];    /* frame of the last byte handed on, per direction */
	uint8_t bury;                   /* 1 + enum tomb_kind: remember it when concluded */
};

/* The arguments of one call into tcp_reasm/nbss: which direction of which
 * flow, and the frame being read. Lives on the stack for that call. */
struct flow_call {
	struct flow_table *t;
	struct flow *fl;
	int dir;
	const struct frame_ctx *f;
};

/* ---- endpoints and the hash table ---- */

static bool ep_equal(const struct endpoint *e, uint8_t family, const uint8_t *addr, uint16_t port)
{
	size_t alen = family == 4 ? 4 : 16;
	return e->family == family && e->port == port && memcmp(e->addr, addr, alen) == 0;
}

static void ep_set(struct endpoint *e, uint8_t family, const uint8_t *addr, uint16_t port)
{
	memset(e, 0, sizeof *e);
	e->family = family;
	memcpy(e->addr, addr, family == 4 ? 4 : 16);
	e->port = port;
}

/* A 64-bit finaliser (MurmurHash3 fmix64): every input bit moves every output bit. */
static uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53u;
	h ^= h >> 33;
	return h;
}

/* One endpoint, a word at a time (the lookup runs for every segment). */
static uint64_t ep_hash(uint8_t family, const uint8_t *addr, uint16_t port)
{
	uint64_t a = 0, b = 0;
	if (family == 4) {
		uint32_t v4;
		memcpy(&v4, addr, 4);
		a = v4;
	} else {
		memcpy(&a, addr, 8);
		memcpy(&b, addr + 8, 8);
	}
	return mix64(a ^ mix64(b ^ ((uint64_t)port << 8 | family)));
}

/* Symmetric in the two endpoints, so both directions give one key. */
static uint64_t tuple_key(const struct tcp_seg *s)
{
	return ep_hash(s->family, s->src, s->sport) ^ ep_hash(s->family, s->dst, s->dport);
}

static size_t tuple_bucket(const struct flow_table *t, const struct tcp_seg *s)
{
	return (size_t)(tuple_key(s) * 0x9E3779B97F4A7C15u >> 20) & (t->nbuckets - 1);
}

static struct tcp_seg flow_tuple(const struct flow *fl)
{
	const struct conv *c = &fl->conv;
	struct tcp_seg s;
	memset(&s, 0, sizeof s);
	s.family = c->ep[0].family;
	memcpy(s.src, c->ep[0].addr, 16);
	memcpy(s.dst, c->ep[1].addr, 16);
	s.sport = c->ep[0].port;
	s.dport = c->ep[1].port;
	return s;
}

/* ---- the table budget: holders in LRU order, the oldest given up first ---- */

static bool flow_holds(const struct flow *fl)
{
	for (int d = 0; d < 2; d++)
		if (fl->nbss[d].buf || fl->tcp[d].queue || fl->tcp[d].history)
			return true;
	return false;
}

static void hold_unlink(struct flow_table *t, struct flow *fl)
{
	if (!fl->holding)
		return;
	if (fl->hold_older)
		fl->hold_older->hold_newer = fl->hold_newer;
	else
		t->hold_oldest = fl->hold_newer;
	if (fl->hold_newer)
		fl->hold_newer->hold_older = fl->hold_older;
	else
		t->hold_newest = fl->hold_older;
	fl->hold_older = fl->hold_newer = NULL;
	fl->holding = false;
}

/* After fl's segment: the newest holder when it holds bytes, else off the list. */
static void hold_update(struct flow_table *t, struct flow *fl)
{
	hold_unlink(t, fl);
	if (!flow_holds(fl))
		return;
	fl->hold_older = t->hold_newest;
	if (t->hold_newest)
		t->hold_newest->hold_newer = fl;
	else
		t->hold_oldest = fl;
	t->hold_newest = fl;
	fl->holding = true;
}

/* Give up everything fl holds; a partial message or queued data lost is
 * the memory-budget anomaly on its conversation. */
static void give_up(struct flow_table *t, struct flow *fl)
{
	bool lost = false;
	for (int d = 0; d < 2; d++) {
		lost |= nbss_give_up(&fl->nbss[d]);
		lost |= reasm_give_up(&fl->tcp[d]);
	}
	if (lost) {
		fl->conv.anomalies |= ANOM_BIT(ANOM_MEMORY_BUDGET);
		t->stats.budget_given_up++;
	}
	hold_unlink(t, fl);
}

/* budget.reclaim: the oldest holders first, never the flow being fed. */
static bool reclaim(void *arg, size_t need)
{
	struct flow_table *t = arg;
	struct flow *fl = t->hold_oldest;
	while (fl && !budget_fits(&t->budget, need)) {
		struct flow *next = fl->hold_newer;
		if (fl != t->busy)
			give_up(t, fl);
		fl = next;
	}
	return budget_fits(&t->budget, need);
}

bool flow_table_init(struct flow_table *t, const struct flow_ops *ops)
{
	memset(t, 0, sizeof *t);
	t->budget.limit = BUDGET_DEFAULT;
	t->budget.reclaim = reclaim;
	t->budget.arg = t;
	t->nbuckets = INITIAL_BUCKETS;
	t->buckets = calloc(t->nbuckets, sizeof *t->buckets);
	t->max_active = FLOW_MAX_ACTIVE;
	t->ops = *ops;
	t->next_id = 1;
	t->dlt = -1;
	t->now.dlt = -1;
	if (t->buckets && tomb_init(&t->tombs))
		return true;
	free(t->buckets);
	t->buckets = NULL;
	return false;
}

static void grow(struct flow_table *t)
{
	size_t n = t->nbuckets * 2;
	struct flow **b = calloc(n, sizeof *b);
	if (!b)
		return; /* keep the longer chains */
	struct flow **old = t->buckets;
	size_t oldn = t->nbuckets;
	t->buckets = b;
	t->nbuckets = n;
	for (size_t i = 0; i < oldn; i++) {
		struct flow *fl = old[i];
		while (fl) {
			struct flow *next = fl->hnext;
			struct tcp_seg s = flow_tuple(fl);
			size_t k = tuple_bucket(t, &s);
			fl->hnext = b[k];
			b[k] = fl;
			fl = next;
		}
	}
	free(old);
}

static void lru_unlink(struct flow_table *t, struct flow *fl)
{
	if (fl->older)
		fl->older->newer = fl->newer;
	else
		t->oldest = fl->newer;
	if (fl->newer)
		fl->newer->older = fl->older;
	else
		t->newest = fl->older;
	fl->older = fl->newer = NULL;
}

static void lru_append(struct flow_table *t, struct flow *fl)
{
	fl->older = t->newest;
	fl->newer = NULL;
	if (t->newest)
		t->newest->newer = fl;
	else
		t->oldest = fl;
	t->newest = fl;
}

/* ---- the NBSS and reassembly sinks ---- */

static void on_message(void *arg, const struct nbss_msg *m)
{
	const struct flow_call *k = arg;
	struct flow *fl = k->fl;
	/* A message cut short is handed on at the gap or at the end: its frame
	 * and time are those of the frame that brought its last byte. */
	struct frame_ctx mf = fl->data_fc[k->dir].frame ? fl->data_fc[k->dir] : *k->f;
	if (mf.frame == k->f->frame)
		mf = *k->f;
	else
		mf.raw = NULL;
	if (k->t->ops.on_message)
		k->t->ops.on_message(k->t->ops.arg, &fl->conv, k->dir, m, &mf);
}

static size_t on_keep(void *arg, const struct rd *prefix)
{
	const struct flow_call *k = arg;
	if (!k->t->ops.keep_limit)
		return NBSS_KEEP_MAX;
	return k->t->ops.keep_limit(k->t->ops.arg, prefix);
}

static void on_data(void *arg, const uint8_t *p, size_t n)
{
	struct flow_call *k = arg;
	struct nbss_sink sink = {on_message, on_keep, k};
	k->fl->data_fc[k->dir] = *k->f;
	k->fl->data_fc[k->dir].raw = NULL;
	nbss_feed(&k->fl->nbss[k->dir], p, n, &sink);
}

static bool on_skips(void *arg, size_t n)
{
	const struct flow_call *k = arg;
	return nbss_skips(&k->fl->nbss[k->dir], n);
}

static void on_gap(void *arg, uint64_t n)
{
	struct flow_call *k = arg;
	struct nbss_sink sink = {on_message, on_keep, k};
	nbss_gap(&k->fl->nbss[k->dir], n, &sink);
}

/* ---- conversation life ---- */

static void close_directions(struct flow_table *t, struct flow *fl)
{
	struct conv *c = &fl->conv;
	for (int d = 0; d < 2; d++) {
		struct flow_call k = {t, fl, d, &t->now};
		struct reasm_sink rs = {on_data, on_gap, on_skips, &k};
		struct nbss_sink ns = {on_message, on_keep, &k};
		reasm_flush(&fl->tcp[d], &rs);
		nbss_finish(&fl->nbss[d], &ns);
		if (fl->tcp[d].overlap_conflicts)
			c->anomalies |= ANOM_BIT(ANOM_TCP_OVERLAP_CONFLICT);
		if (fl->tcp[d].queue_overflows)
			c->anomalies |= ANOM_BIT(ANOM_TCP_QUEUE_OVERFLOW);
		if (fl->nbss[d].budget_refused)
			c->anomalies |= ANOM_BIT(ANOM_MEMORY_BUDGET);
		if (fl->nbss[d].bad_headers)
			c->anomalies |= ANOM_BIT(ANOM_NBSS_BAD_HEADER);
		/* a capture that starts mid-stream resynchronises once per direction */
		if (fl->nbss[d].resyncs > (c->syn_seen ? 0u : 1u))
			c->anomalies |= ANOM_BIT(ANOM_NBSS_RESYNC);
	}
}

/* A segment of a concluded connection: late data or the connection resumed. */
static void count_late(struct flow_table *t, struct tomb *x)
{
	if (x->kind == TOMB_CLOSED) {
		t->stats.late_segments++;
	} else {
		if (!x->segments) {
			t->stats.idle_resumed++;
			if (t->ops.on_resumed)
				t->ops.on_resumed(t->ops.arg, x->row);
		}
		t->stats.after_idle++;
	}
	if (x->segments < UINT32_MAX)
		x->segments++;
}

static void conclude(struct flow_table *t, struct flow *fl)
{
	struct flow *busy = t->busy;
	t->busy = fl;
	close_directions(t, fl);
	t->busy = busy == fl ? NULL : busy;
	if (fl->conv.smb)
		t->stats.smb_connections++;
	if (t->ops.on_concluded)
		t->ops.on_concluded(t->ops.arg, &fl->conv);
	struct tcp_seg s = flow_tuple(fl);
	if (fl->bury) /* so that its later segments are not a new conversation (tomb.h) */
		tomb_add(&t->tombs, tuple_key(&s), fl->conv.row, (enum tomb_kind)(fl->bury - 1),
			 (int64_t)t->now.ts.tv_sec);
	struct flow **pp = &t->buckets[tuple_bucket(t, &s)];
	while (*pp && *pp != fl)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = fl->hnext;
	lru_unlink(t, fl);
	hold_unlink(t, fl);
	t->active--;
	for (int d = 0; d < 2; d++) {
		reasm_free(&fl->tcp[d]);
		nbss_free(&fl->nbss[d]);
	}
	free(fl);
}

static struct flow *lookup(struct flow_table *t, const struct tcp_seg *seg, int *dir)
{
	for (struct flow *fl = t->buckets[tuple_bucket(t, seg)]; fl; fl = fl->hnext) {
		const struct conv *c = &fl->conv;
		if (ep_equal(&c->ep[0], seg->family, seg->src, seg->sport) &&
		    ep_equal(&c->ep[1], seg->family, seg->dst, seg->dport)) {
			*dir = 0;
			return fl;
		}
		if (ep_equal(&c->ep[1], seg->family, seg->src, seg->sport) &&
		    ep_equal(&c->ep[0], seg->family, seg->dst, seg->dport)) {
			*dir = 1;
			return fl;
		}
	}
	return NULL;
}

static struct flow *create(struct flow_table *t, const struct tcp_seg *seg,
			   const struct frame_ctx *f)
{
	if (t->active >= t->max_active && t->oldest) {
		t->stats.evicted++;
		conclude(t, t->oldest);
	}
	if (t->active >= t->nbuckets)
		grow(t);
	struct flow *fl = calloc(1, sizeof *fl);
	if (!fl)
		return NULL;
	struct conv *c = &fl->conv;
	c->id = t->next_id++;
	c->client = -1;
	ep_set(&c->ep[0], seg->family, seg->src, seg->sport);
	ep_set(&c->ep[1], seg->family, seg->dst, seg->dport);
	/* TCP 139 carries RFC 1002 framing; 445 the direct-hosted form. */
	c->netbios_139 = (seg->sport == 139 || seg->dport == 139) &&
			 seg->sport != 445 && seg->dport != 445;
	for (int d = 0; d < 2; d++) {
		fl->tcp[d].budget = &t->budget;
		fl->nbss[d].budget = &t->budget;
		fl->nbss[d].netbios_139 = c->netbios_139;
	}
	c->first_frame = f->frame;
	c->first_ts = f->ts;
	size_t k = tuple_bucket(t, seg);
	fl->hnext = t->buckets[k];
	t->buckets[k] = fl;
	lru_append(t, fl);
	t->active++;
	t->stats.connections++;
	return fl;
}

/* The conversation of seg, created when seg may start one; NULL to ignore. */
static struct flow *find_or_create(struct flow_table *t, const struct tcp_seg *seg,
				   const struct frame_ctx *f, int *dir)
{
	struct flow *fl = lookup(t, seg, dir);
	if (fl)
		return fl;
	if (!(seg->flags & TCP_SYN) && seg->seglen == 0)
		return NULL; /* a bare ACK/FIN/RST of a connection we never saw */
	struct tomb *x;
	if (!(seg->flags & TCP_SYN) &&
	    (x = tomb_find(&t->tombs, tuple_key(seg), (int64_t)f->ts.tv_sec)) != NULL) {
		count_late(t, x);
		return NULL; /* reported already, when it closed or went idle */
	}
	*dir = 0;
	return create(t, seg, f);
}

void flow_table_segment(struct flow_table *t, const struct tcp_seg *seg, const struct frame_ctx *f)
{
	t->now = *f;
	t->now.raw = NULL;
	t->stats.tcp_segments++;
	if (!conv_is_smb_port(seg->sport) && !conv_is_smb_port(seg->dport))
		return;
	int dir = 0;
	struct flow *fl = find_or_create(t, seg, f, &dir);
	if (!fl)
		return;
	struct conv *c = &fl->conv;
	if ((seg->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN && dir == 0)
		c->syn_seen = true;
	c->last_frame = f->frame;
	c->last_ts = f->ts;
	lru_unlink(t, fl);
	lru_append(t, fl);
	if (t->ops.on_frame && f->raw)
		t->ops.on_frame(t->ops.arg, c, f);
	struct flow_call k = {t, fl, dir, f};
	struct reasm_sink sink = {on_data, on_gap, on_skips, &k};
	t->busy = fl;
	reasm_push(&fl->tcp[dir], seg, &sink);
	t->busy = NULL;
	hold_update(t, fl);
	if (seg->flags & TCP_FIN)
		c->fin[dir] = true;
	if (seg->flags & TCP_RST)
		c->rst = true;
	if (c->rst || (c->fin[0] && c->fin[1])) {
		fl->bury = 1 + TOMB_CLOSED;
		conclude(t, fl);
	}
}

static int by_id(const void *a, const void *b)
{
	uint64_t x = (*(struct flow *const *)a)->conv.id, y = (*(struct flow *const *)b)->conv.id;
	return x < y ? -1 : x > y;
}

void flow_table_flush(struct flow_table *t)
{
	/* Creation order gives a stable report; the LRU list is by activity. */
	struct flow **all = t->active ? malloc(t->active * sizeof *all) : NULL;
	if (all) {
		size_t n = 0;
		for (struct flow *fl = t->oldest; fl; fl = fl->newer)
			all[n++] = fl;
		qsort(all, n, sizeof *all, by_id);
		for (size_t i = 0; i < n; i++)
			conclude(t, all[i]);
		free(all);
	}
	while (t->oldest) /* no memory for the sort: activity order */
		conclude(t, t->oldest);
}

void flow_table_expire(struct flow_table *t, const struct timeval *now, long idle_secs)
{
	/* The LRU list is ordered by last activity: stop at the first recent one. */
	while (t->oldest && now->tv_sec - t->oldest->conv.last_ts.tv_sec > idle_secs) {
		t->oldest->bury = 1 + TOMB_IDLE;
		conclude(t, t->oldest);
	}
}

void flow_table_mark_open(struct flow_table *t, anomaly_mask m)
{
	for (struct flow *fl = t->oldest; fl; fl = fl->newer)
		fl->conv.anomalies |= m;
}

void flow_table_free(struct flow_table *t)
{
	flow_table_flush(t);
	free(t->buckets);
	t->buckets = NULL;
	tomb_free(&t->tombs);
}
