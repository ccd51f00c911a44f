/* relay: NTLM relay correlation across conversations (see include/smbneg/relay.h).
 *
 * The two evidences follow the shape of a relay as the relaying tools build
 * it: impacket's ntlmrelayx (examples/ntlmrelayx, SMBRelayServer: the
 * CHALLENGE it returns to the victim is the one the target sent it; the
 * victim's AUTHENTICATE is sent on to the target unchanged) and Responder's
 * MultiRelay; the NTProofStr is the HMAC that binds an NTLMv2 response to the
 * server challenge (MS-NLMP 3.3.2), so the same value in two conversations
 * means one response was presented twice. */
#include "smbneg/relay.h"

#include <stdlib.h>
#include <string.h>

const struct tok relay_evidence_bits[] = {
    {RELAY_EV_NTPROOFSTR_REUSED, "ntproofstr-reused"},
    {RELAY_EV_CHALLENGE_FORWARDED, "challenge-forwarded"},
    {0, NULL},
};

struct relay_table *relay_new(uint64_t window_us)
{
	struct relay_table *t = calloc(1, sizeof *t);
	if (t)
		t->window_us = window_us ? window_us : RELAY_WINDOW_US;
	return t;
}

static bool same_host(const struct relay_endpoint *a, const struct relay_endpoint *b)
{
	if (a->family == 0 || a->family != b->family)
		return false;
	return memcmp(a->addr, b->addr, a->family == 4 ? 4 : 16) == 0;
}

static bool within(const struct relay_table *t, uint64_t a, uint64_t b)
{
	return (a > b ? a - b : b - a) <= t->window_us;
}

static void copy_name(char *dst, const char *src)
{
	size_t n = src ? strnlen(src, RELAY_NAME_MAX - 1) : 0;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Which side of a relay each observation is: 1 when `earlier` is the victim's
 * conversation (the relay host is its server and the client of `later`'s),
 * -1 when `later` is, 0 when they do not chain. When both chain (two hosts
 * that connect to each other), the usual order of the evidence decides: the
 * target's CHALLENGE comes first, the victim's AUTHENTICATE comes first. */
static int orient(const struct relay_obs *earlier, const struct relay_obs *later,
		  enum relay_key_kind kind)
{
	if (earlier->conv_id == later->conv_id)
		return 0;
	bool e_victim = same_host(&earlier->server, &later->client);
	bool l_victim = same_host(&later->server, &earlier->client);
	if (e_victim && l_victim)
		return kind == RELAY_KEY_NTPROOFSTR ? 1 : -1;
	return e_victim ? 1 : l_victim ? -1 : 0;
}

/* The most recent entry of `kind` with `key` that joins o into a relay. */
static const struct relay_entry *find(const struct relay_table *t, enum relay_key_kind kind,
				      const uint8_t key[16], const struct relay_obs *o, int *dir)
{
	for (size_t i = 0; i < RELAY_TABLE_SIZE; i++) {
		const struct relay_entry *e =
		    &t->e[(t->next + RELAY_TABLE_SIZE - 1 - i) % RELAY_TABLE_SIZE];
		if (!e->used || e->kind != kind || memcmp(e->key, key, 16) != 0 ||
		    !within(t, e->obs.ts_us, o->ts_us) || !within(t, e->obs.ts_us, t->now_us))
			continue;
		*dir = orient(&e->obs, o, kind);
		if (*dir != 0)
			return e;
	}
	return NULL;
}

static void insert(struct relay_table *t, enum relay_key_kind kind, const uint8_t key[16],
		   const struct relay_obs *o, const char *user, const char *domain)
{
	struct relay_entry *e = &t->e[t->next];
	if (e->used)
		t->overwritten++;
	e->used = true;
	e->kind = (uint8_t)kind;
	memcpy(e->key, key, 16);
	e->obs = *o;
	copy_name(e->user, user);
	copy_name(e->domain, domain);
	t->next = (t->next + 1) % RELAY_TABLE_SIZE;
}

static void add_frame(struct relay_event *ev, uint64_t f)
{
	unsigned i = 0;
	while (i < ev->nframes && ev->frames[i] < f)
		i++;
	if ((i < ev->nframes && ev->frames[i] == f) || ev->nframes == RELAY_MAX_FRAMES)
		return;
	memmove(&ev->frames[i + 1], &ev->frames[i], (ev->nframes - i) * sizeof ev->frames[0]);
	ev->frames[i] = f;
	ev->nframes++;
}

/* The pair record of (victim, target), created when new. */
static struct relay_pair *pair_of(struct relay_table *t, const struct relay_obs *victim,
				  const struct relay_obs *target, bool *existed)
{
	for (size_t i = 0; i < RELAY_MAX_PAIRS; i++) {
		struct relay_pair *p = &t->pairs[i];
		if (p->used && p->ev.victim_conv == victim->conv_id &&
		    p->ev.target_conv == target->conv_id) {
			*existed = true;
			return p;
		}
	}
	struct relay_pair *p = &t->pairs[t->next_pair];
	t->next_pair = (t->next_pair + 1) % RELAY_MAX_PAIRS;
	memset(p, 0, sizeof *p);
	p->used = true;
	p->ev.victim_conv = victim->conv_id;
	p->ev.target_conv = target->conv_id;
	p->ev.victim = victim->client;
	p->ev.relay_server = victim->server;
	p->ev.relay_client = target->client;
	p->ev.target = target->server;
	*existed = false;
	return p;
}

/* Records the evidence joining e (earlier) and o into a relay; fills *ev. */
static void join(struct relay_table *t, const struct relay_entry *e, const struct relay_obs *o,
		 int dir, unsigned evidence, const char *user, const char *domain,
		 struct relay_event *ev)
{
	const struct relay_obs *victim = dir > 0 ? &e->obs : o;
	const struct relay_obs *target = dir > 0 ? o : &e->obs;
	bool existed;
	struct relay_pair *p = pair_of(t, victim, target, &existed);
	p->ev.evidence |= evidence;
	add_frame(&p->ev, e->obs.frame);
	add_frame(&p->ev, o->frame);
	/* The victim's names first: the relayed copy carries the same ones. */
	const char *u = dir > 0 ? e->user : user;
	const char *d = dir > 0 ? e->domain : domain;
	if (p->ev.user[0] == '\0' && u && u[0] != '\0') {
		copy_name(p->ev.user, u);
		copy_name(p->ev.domain, d);
	}
	*ev = p->ev;
	ev->updated = existed;
}

void relay_new_input(struct relay_table *t)
{
	t->now_us = 0;
}

static void advance(struct relay_table *t, const struct relay_obs *o)
{
	t->observed++;
	if (o->ts_us > t->now_us)
		t->now_us = o->ts_us;
}

bool relay_observe_challenge(struct relay_table *t, const struct relay_obs *o,
			     const uint8_t challenge[8], struct relay_event *ev)
{
	uint8_t key[16] = {0};
	memcpy(key, challenge, 8);
	advance(t, o);
	int dir = 0;
	const struct relay_entry *e = find(t, RELAY_KEY_CHALLENGE, key, o, &dir);
	if (e)
		join(t, e, o, dir, RELAY_EV_CHALLENGE_FORWARDED, NULL, NULL, ev);
	insert(t, RELAY_KEY_CHALLENGE, key, o, NULL, NULL);
	return e != NULL;
}

/* Fills the names of a known pair that o's conversation belongs to. */
static bool name_pair(struct relay_table *t, const struct relay_obs *o, const char *user,
		      const char *domain, struct relay_event *ev)
{
	if (!user || user[0] == '\0')
		return false;
	for (size_t i = 0; i < RELAY_MAX_PAIRS; i++) {
		struct relay_pair *p = &t->pairs[i];
		if (!p->used || p->ev.user[0] != '\0' ||
		    (p->ev.victim_conv != o->conv_id && p->ev.target_conv != o->conv_id))
			continue;
		copy_name(p->ev.user, user);
		copy_name(p->ev.domain, domain);
		add_frame(&p->ev, o->frame);
		*ev = p->ev;
		ev->updated = true;
		return true;
	}
	return false;
}

bool relay_observe_authenticate(struct relay_table *t, const struct relay_obs *o,
				const uint8_t ntproofstr[16], const char *user, const char *domain,
				struct relay_event *ev)
{
	advance(t, o);
	if (!ntproofstr)
		return name_pair(t, o, user, domain, ev);
	int dir = 0;
	const struct relay_entry *e = find(t, RELAY_KEY_NTPROOFSTR, ntproofstr, o, &dir);
	if (e)
		join(t, e, o, dir, RELAY_EV_NTPROOFSTR_REUSED, user, domain, ev);
	insert(t, RELAY_KEY_NTPROOFSTR, ntproofstr, o, user, domain);
	return e != NULL || name_pair(t, o, user, domain, ev);
}
