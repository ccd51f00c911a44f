/* out_json: the parts of the JSON renderer (out_json.c: envelope,
 * conversation, verdict, file, stats, host and summary events;
 * out_json_neg.c: the negotiate event). Internal to the renderer: other
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
/* One `negotiate` event. */
void json_negotiate(struct out *o, const struct smb_event *e);

#endif
