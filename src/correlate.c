/* correlate: relay correlation across conversations and inputs (see
 * include/smbneg/correlate.h). */
#include "smbneg/correlate.h"

#include <stdlib.h>
#include <string.h>

bool correlate_init(struct correlate *k, void (*emit)(void *, const struct correlate_report *),
		    void *arg)
{
	memset(k, 0, sizeof *k);
	k->relay = relay_new(0);
	if (!k->relay)
		return false;
	k->emit = emit;
	k->arg = arg;
	return true;
}

void correlate_begin_file(struct correlate *k)
{
	k->file_no++;
	if (k->relay)
		relay_new_input(k->relay);
}

/* conv ids count from 1 within an input; 2^40 conversations per input is
 * far beyond the flow table's reach. */
uint64_t correlate_uid(const struct correlate *k, const struct conv *c)
{
	return k->file_no << 40 | (c->id & ((UINT64_C(1) << 40) - 1));
}

static struct relay_endpoint endpoint(const struct endpoint *e)
{
	struct relay_endpoint r = {e->family, {0}, e->port};
	memcpy(r.addr, e->addr, sizeof r.addr);
	return r;
}

static void remember(struct correlate *k, uint64_t uid)
{
	for (size_t i = 0; i < k->nrelayed; i++)
		if (k->relayed[i] == uid)
			return;
	k->relayed[k->next_relayed] = uid;
	k->next_relayed = (k->next_relayed + 1) % CORRELATE_MAX_RELAYED;
	if (k->nrelayed < CORRELATE_MAX_RELAYED)
		k->nrelayed++;
}

static void hand_on(struct correlate *k, const struct correlate_report *r)
{
	k->events++;
	if (k->emit)
		k->emit(k->arg, r);
}

/* Hold ev until its conversations conclude; a later event for the same pair
 * (more evidence) replaces the held one. With no room, it goes out now. */
static void hold(struct correlate *k, const struct relay_event *ev)
{
	struct correlate_pending *free_slot = NULL;
	for (size_t i = 0; i < CORRELATE_MAX_PENDING; i++) {
		struct correlate_pending *p = &k->pending[i];
		if (!p->used) {
			if (!free_slot)
				free_slot = p;
			continue;
		}
		if (p->r.ev.victim_conv == ev->victim_conv &&
		    p->r.ev.target_conv == ev->target_conv) {
			p->r.ev = *ev;
			p->r.ev.updated = false; /* the held one never went out */
			return;
		}
	}
	if (!free_slot) {
		struct correlate_report r = {*ev, SIGNING_UNKNOWN, false};
		hand_on(k, &r);
		return;
	}
	memset(free_slot, 0, sizeof *free_slot);
	free_slot->used = true;
	k->npending++;
	free_slot->r.ev = *ev;
	free_slot->r.target_signing = SIGNING_UNKNOWN;
}

bool correlate_ntlm(struct correlate *k, const struct conv *c, uint64_t frame,
		    const struct timeval *ts, const struct correlate_ntlm *n)
{
	if (!k->relay)
		return false;
	struct relay_obs o;
	memset(&o, 0, sizeof o);
	o.conv_id = correlate_uid(k, c);
	o.client = endpoint(conv_client(c));
	o.server = endpoint(conv_server(c));
	o.frame = frame;
	o.ts_us = (uint64_t)ts->tv_sec * 1000000u + (uint64_t)ts->tv_usec;
	struct relay_event ev;
	bool found = false;
	if (n->type == 2)
		found = relay_observe_challenge(k->relay, &o, n->challenge, &ev);
	else if (n->type == 3)
		found = relay_observe_authenticate(
		    k->relay, &o, n->has_proof ? n->ntproofstr : NULL, n->user, n->domain, &ev);
	if (!found)
		return false;
	remember(k, ev.victim_conv);
	remember(k, ev.target_conv);
	hold(k, &ev);
	return true;
}

indicator_mask correlate_concluded(struct correlate *k, const struct conv *c, const struct facts *f)
{
	uint64_t uid = correlate_uid(k, c);
	indicator_mask m = 0;
	for (size_t i = 0; i < k->nrelayed; i++)
		if (k->relayed[i] == uid && uid != 0)
			m = IND_BIT(IND_NTLM_RELAY);
	for (size_t i = 0; k->npending && i < CORRELATE_MAX_PENDING; i++) {
		struct correlate_pending *p = &k->pending[i];
		if (p->used && p->r.ev.victim_conv == uid)
			p->victim_done = true;
		if (p->used && p->r.ev.target_conv == uid) {
			p->target_done = true;
			p->r.target_signing = f->server.setting;
			p->r.target_session_ok = f->session_ok;
		}
	}
	return m;
}

void correlate_flush(struct correlate *k, bool all)
{
	for (size_t i = 0; k->npending && i < CORRELATE_MAX_PENDING; i++) {
		struct correlate_pending *p = &k->pending[i];
		if (p->used && (all || (p->victim_done && p->target_done))) {
			p->used = false;
			k->npending--;
			hand_on(k, &p->r);
		}
	}
}

void correlate_free(struct correlate *k)
{
	free(k->relay);
	k->relay = NULL;
}

struct endpoint correlate_endpoint(const struct relay_endpoint *e)
{
	struct endpoint r = {e->family, {0}, e->port};
	memcpy(r.addr, e->addr, sizeof r.addr);
	return r;
}
