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

void json_connection(struct jw *w, struct out *o, const struct conv *c)
{
	char cl[64], sv[64], uid[UID_SIZE], cid[COMMUNITY_ID_SIZE];
	struct community_id_flow fl;
	/* the uid hashes the endpoints as first seen, which never change */
	conv_flow(c, 0, &fl);
	uint64_t first_ns =
	    (uint64_t)c->first_ts.tv_sec * 1000000000u + (uint64_t)c->first_ts.tv_usec * 1000u;
	/* unique in a run even when two inputs hold the same connection */
	uid_make(&o->uid, &fl, first_ns, o->inputs << 32 | (c->id & 0xffffffffu), uid);
	j_str(w, "uid", uid);
	j_str(w, "community_id", community_id_v1(&fl, 0, cid, sizeof cid) == 0 ? cid : NULL);
	j_str(w, "file", o->file);
	j_str(w, "client", fmt_endpoint(conv_client(c), cl, sizeof cl));
	j_str(w, "server", fmt_endpoint(conv_server(c), sv, sizeof sv));
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
