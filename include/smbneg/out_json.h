/* out_json: the parts of the JSON renderer (out_json.c: the out_ops table,
 * file, stats and summary events; out_json_env.c: envelope and shared
 * helpers; out_json_conv.c: session, verdict and conversation events;
 * out_json_host.c: relay, prediction and host events; out_json_neg.c: the
 * negotiate event). out_json.c calls the event families, which call
 * out_json_env.c, which calls jw.c. Internal to the renderer: other
 * modules use out_json_ops (out_ops.h). README "JSON schema" and
 * doc/smbneg-events.schema.json describe the output. */
#ifndef SMBNEG_OUT_JSON_H
#define SMBNEG_OUT_JSON_H

#include "smbneg/jw.h"
#include "smbneg/out_ops.h"

#include <sys/time.h>

/* Bumped on every change of a key's name, type or presence (README "Schema
 * versions"). 1: before the envelope; 2: envelope, one type per key. */
#define OUT_JSON_SCHEMA_VERSION 2

/* Open an event object: event, ts (NULL: null), schema_version, sensor, interface. */
void json_begin(struct jw *w, struct out *o, const char *event, const struct timeval *ts);
/* The keys of a connection's events: uid, community_id, file, client, server. */
void json_connection(struct jw *w, struct out *o, const struct conv *c);
/* What the JSON renderer allocated (out_ops.free). */
void json_free(struct out *o);
/* tok_each_bit callback: one name as an array item (arg: the struct jw). */
void json_item_cb(const char *name, void *arg);
/* v when the CHALLENGE carried AV pair av (MS-NLMP 2.2.2.1), else NULL. */
const char *json_server_av(const struct smb_server_id *id, int av, const char *v);
/* "verdicts": {name: count, ...} in verdict order. */
void json_verdict_counts(struct jw *w, const uint64_t counts[V_COUNT]);

/* One `negotiate` event (out_json_neg.c). */
void json_negotiate(struct out *o, const struct smb_event *e);

/* out_json_conv.c: `session`, `conversation`, `verdict` (out_ops hooks). */
void json_session_event(struct out *o, const struct smb_event *e);
void json_conversation(struct out *o, uint64_t row, const struct conv *c, const struct facts *f,
		       const struct verdict *v);
void json_verdict(struct out *o, const struct conv *c, const struct facts *f,
		  const struct verdict *v, const struct frame_ctx *at, const char *decided_by);

/* out_json_host.c: `relay`, `prediction`, `host` (out_ops hooks). */
void json_relay(struct out *o, const struct correlate_report *r);
void json_prediction(struct out *o, const struct predict_profile *p, const struct host *x,
		     const struct prediction *pr);
void json_hosts(struct out *o, const struct tally *t);

#endif
