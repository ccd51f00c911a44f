/* out_json_env: what every JSON event shares (README "JSON schema"): the
 * envelope (event, ts, schema_version, sensor, interface), a connection's
 * keys (uid, community_id, file, client, server) and the small value
 * helpers used by more than one event family. */
#include "smbneg/out_json.h"

#include "smbneg/fmt.h"
#include "smbneg/ntlmssp.h"
#include "smbneg/smb_const.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void json_begin(struct jw *w, struct out *o, const char *event, const struct timeval *ts)
{
	char buf[48];
	j_open(w, NULL, '{');
	j_str(w, "event", event);
	j_str(w, "ts", ts ? fmt_time(ts, buf, sizeof buf) : NULL);
	j_u64(w, "schema_version", OUT_JSON_SCHEMA_VERSION);
	j_str(w, "sensor", o->sensor);
	j_str(w, "interface", o->interface);
}

static void conv_flow(const struct conv *c, int first, struct community_id_flow *fl)
{
	const struct endpoint *a = &c->ep[first], *b = &c->ep[!first];
	memset(fl, 0, sizeof *fl);
	fl->family = a->family;
	fl->proto = 6; /* TCP */
	memcpy(fl->src, a->addr, sizeof fl->src);
	memcpy(fl->dst, b->addr, sizeof fl->dst);
	fl->sport = a->port;
	fl->dport = b->port;
}

/* A connection's envelope strings, made once per connection rather than
 * per event (two SHA-1s, base62, base64, two addresses): a direct-mapped
 * cache of JSON_CONN_CACHE entries, keyed by the uid sequence. */
#define JSON_CONN_CACHE 1024

struct json_conn {
	uint64_t key; /* the uid sequence + 1; 0: empty */
	char uid[UID_SIZE];
	char cid[COMMUNITY_ID_SIZE];
	bool has_cid;
	char ep[2][64]; /* ep[0] and ep[1] as first seen (the client may be named later) */
};

static void make_conn(struct out *o, const struct conv *c, uint64_t seq, struct json_conn *x)
{
	struct community_id_flow fl;
	/* the uid hashes the endpoints as first seen, which never change */
	conv_flow(c, 0, &fl);
	uint64_t first_ns =
	    (uint64_t)c->first_ts.tv_sec * 1000000000u + (uint64_t)c->first_ts.tv_usec * 1000u;
	x->key = seq + 1;
	uid_make(&o->uid, &fl, first_ns, seq, x->uid);
	x->has_cid = community_id_v1(&fl, 0, x->cid, sizeof x->cid) == 0;
	fmt_endpoint(&c->ep[0], x->ep[0], sizeof x->ep[0]);
	fmt_endpoint(&c->ep[1], x->ep[1], sizeof x->ep[1]);
}

void json_connection(struct jw *w, struct out *o, const struct conv *c)
{
	/* unique in a run even when two inputs hold the same connection */
	uint64_t seq = o->inputs << 32 | (c->id & 0xffffffffu);
	struct json_conn one, *x = &one;
	one.key = 0;
	if (!o->json_conns)
		o->json_conns = calloc(JSON_CONN_CACHE, sizeof *x);
	if (o->json_conns)
		x = (struct json_conn *)o->json_conns + seq % JSON_CONN_CACHE;
	if (x->key != seq + 1)
		make_conn(o, c, seq, x);
	int client = conv_client_index(c);
	j_str(w, "uid", x->uid);
	j_str(w, "community_id", x->has_cid ? x->cid : NULL);
	j_str(w, "file", o->file);
	j_str(w, "client", x->ep[client]);
	j_str(w, "server", x->ep[1 - client]);
}

void json_free(struct out *o)
{
	free(o->json_conns);
	o->json_conns = NULL;
}

void json_item_cb(const char *name, void *arg)
{
	j_item_str(arg, name);
}

const char *json_server_av(const struct smb_server_id *id, int av, const char *v)
{
	return id->has_names && (id->present & (1u << av)) ? v : NULL;
}

void json_verdict_counts(struct jw *w, const uint64_t counts[V_COUNT])
{
	j_open(w, "verdicts", '{');
	for (int i = 0; i < V_COUNT; i++)
		j_u64(w, verdict_names[i], counts[i]);
	j_close(w, '}');
}
