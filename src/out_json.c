/* out_json: one JSON object per line per event (README "JSON schema",
 * doc/smbneg-events.schema.json). Every event opens with the same envelope;
 * every key has one JSON type in every event and is always present (null
 * when unknown). This file: the out_ops table, the file, stats and
 * summary events; conversation events in out_json_conv.c, host events in
 * out_json_host.c, the negotiate event in out_json_neg.c, the shared envelope
 * in out_json_env.c. */
#include "smbneg/out_json.h"

#include "smbneg/fmt.h"
#include "smbneg/ntlmssp.h"
#include "smbneg/smb_const.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void json_event(struct out *o, const struct smb_event *e)
{
	if (e->kind == SMB_EV_SESSION_SETUP)
		json_session_event(o, e);
	else
		json_negotiate(o, e);
}

static void j_flow_stats(struct jw *w, const struct flow_stats *st)
{
	j_u64(w, "frames_read", st->frames);
	j_u64(w, "tcp_segments", st->tcp_segments);
	j_u64(w, "ip_fragments_skipped", st->fragments);
	j_u64(w, "frames_truncated", st->truncated);
	j_u64(w, "frames_malformed", st->malformed);
	j_u64(w, "tcp_connections", st->connections);
	j_u64(w, "smb_connections", st->smb_connections);
	j_u64(w, "evicted", st->evicted);
	j_u64(w, "late_segments", st->late_segments);
	j_u64(w, "resumed_after_idle", st->idle_resumed);
}

static void json_file(struct out *o, const struct flow_stats *st, const char *error)
{
	struct jw w;
	jw_start(&w, o->f);
	json_begin(&w, o, "file", o->now_set ? &o->now : NULL);
	j_str(&w, "file", o->file);
	j_str(&w, "error", error);
	j_flow_stats(&w, st);
	j_end(&w);
}

/* `stats`: every --stats SECS while capturing live. */
static void json_stats(struct out *o, const struct out_stats *s)
{
	struct jw w;
	jw_start(&w, o->f);
	json_begin(&w, o, "stats", o->now_set ? &o->now : NULL);
	j_u64(&w, "interval", s->interval_secs);
	j_u64(&w, "packets_received", s->received);
	j_u64(&w, "packets_dropped", s->dropped);
	j_u64(&w, "packets_ifdropped", s->ifdropped);
	j_u64(&w, "packets_dropped_total", s->dropped_total);
	j_u64(&w, "packets_ifdropped_total", s->ifdropped_total);
	j_u64(&w, "frames_read", s->frames);
	j_u64(&w, "open_conversations", s->open_conversations);
	j_u64(&w, "conversations", s->conversations);
	j_u64(&w, "bytes_held", s->bytes_held);
	j_u64_if(&w, "rss_bytes", s->rss_bytes, s->rss_bytes);
	j_end(&w);
	fflush(o->f);
}

static void json_summary(struct out *o, const struct tally *t)
{
	struct jw w;
	jw_start(&w, o->f);
	json_begin(&w, o, "summary", o->now_set ? &o->latest : NULL);
	j_u64(&w, "files", t->files);
	j_u64(&w, "files_failed", t->files_failed);
	j_u64(&w, "conversations", t->conversations);
	j_u64(&w, "smb1_conversations", t->smb1_conversations);
	json_verdict_counts(&w, t->verdicts);
	j_flow_stats(&w, &t->totals);
	/* live: pcap_stats at the end (null after saved captures) */
	j_u64_if(&w, "packets_received", t->live_stats, t->received);
	j_u64_if(&w, "packets_dropped", t->live_stats, t->dropped);
	j_u64_if(&w, "packets_ifdropped", t->live_stats, t->ifdropped);
	j_end(&w);
}

const struct out_ops out_json_ops = {
	.event = json_event,
	.conversation = json_conversation,
	.verdict = json_verdict,
	.stats = json_stats,
	.relay = json_relay,
	.prediction = json_prediction,
	.end_file = json_file,
	.hosts = json_hosts,
	.summary = json_summary,
	.free = json_free,
};
