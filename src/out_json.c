/* out_json: one JSON object per line per event (README "JSON schema",
 * doc/smbneg-events.schema.json). Every event opens with the same envelope;
 * every key has one JSON type in every event and is always present (null
 * when unknown). The negotiate event is in out_json_neg.c. */
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

static void item_cb(const char *name, void *arg)
{
	j_item_str(arg, name);
}

/* SPEC "Sessions, identity, protection": one session object (the
 * conversation's `sessions`: status a name, SPEC's contract). */
static void j_session(struct jw *w, int smb_version, const struct smb_session *x,
		      bool status_name)
{
	char id[24], st[16];
	if (smb_version == 1)
		snprintf(id, sizeof id, "0x%04x", (unsigned)x->id);
	else
		snprintf(id, sizeof id, "0x%016" PRIx64, x->id);
	j_str(w, "session_id", id);
	j_str(w, "auth_mechanism", smb_auth_name(x->mech));
	j_str(w, "user", x->has_names ? x->user : NULL);
	j_str(w, "domain", x->has_names ? x->domain : NULL);
	j_str(w, "workstation",
	      x->has_names && x->mech != SMB_AUTH_LM_NTLM ? x->workstation : NULL);
	j_str(w, "kerberos_realm", x->has_krb ? x->krb_realm : NULL);
	j_str(w, "kerberos_service", x->has_krb ? x->krb_service : NULL);
	if (status_name) {
		snprintf(st, sizeof st, "0x%08X", (unsigned)x->status);
		const char *sn = tok_name(ntstatus_names, x->status);
		j_str(w, "status", !x->response_seen ? NULL : sn ? sn : st);
	} else { /* an event: `status` is a number in every event, its name beside */
		j_status(w, "status", x->response_seen, x->status);
	}
	j_bool(w, "guest", x->guest);
	j_bool(w, "anonymous", x->anonymous);
	j_bool(w, "encrypt_data", x->encrypt_data);
}

/* `session`: a finished Session Setup exchange. */
static void json_session_event(struct out *o, const struct smb_event *e)
{
	const struct smb_session *x = e->session;
	char hex[40];
	if (o->quiet || !x || !x->final)
		return;
	struct jw w = {o->f, true};
	json_begin(&w, o, "session", &e->f->ts);
	json_connection(&w, o, e->conv);
	j_u64(&w, "frame", e->f->frame);
	j_u64(&w, "smb_version", e->h1 ? 1 : 2);
	j_session(&w, e->h1 ? 1 : 2, x, false);
	j_u64(&w, "rounds", x->rounds);
	j_u64(&w, "ntlm_flags", x->ntlm_flags);
	for (int i = 0; i < 8; i++)
		snprintf(hex + 2 * i, 3, "%02x", x->server_challenge[i]);
	j_str(&w, "ntlm_server_challenge", x->has_challenge ? hex : NULL);
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", x->nt_proof_str[i]);
	j_str(&w, "ntlmv2_proof", x->has_proof ? hex : NULL);
	j_end(&w);
	if (o->stream) /* live, stdin: each event as it happens */
		fflush(o->f);
}

static const char *server_av(const struct smb_server_id *id, int av, const char *v)
{
	return id->has_names && (id->present & (1u << av)) ? v : NULL;
}

/* The conversation's protection, server identity and sessions (SPEC). */
static void j_identity(struct jw *w, const struct facts *f)
{
	const struct smb_server_id *id = &f->server_id;
	j_str(w, "protection", protection_names[f->protection]);
	j_str(w, "signing_algorithm", f->signing_algorithm);
	j_str(w, "cipher", f->cipher);
	/* MS-NLMP 2.2.2.1: null when the pair was not sent, "" when sent empty */
	j_str(w, "server_name", server_av(id, MSV_AV_NB_COMPUTER_NAME, id->name));
	j_str(w, "server_domain", server_av(id, MSV_AV_NB_DOMAIN_NAME, id->domain));
	j_str(w, "server_dns_name", server_av(id, MSV_AV_DNS_COMPUTER_NAME, id->dns_name));
	j_str(w, "server_dns_domain", server_av(id, MSV_AV_DNS_DOMAIN_NAME, id->dns_domain));
	j_str(w, "server_os_version", f->server_os_version[0] ? f->server_os_version : NULL);
	char who[160];
	j_str(w, "who", fmt_who(f, who, sizeof who)); /* the text WHO column */
	j_open(w, "sessions", '[');
	for (unsigned i = 0; i < f->nsessions; i++) {
		j_open(w, NULL, '{');
		j_session(w, f->smb_version, &f->sessions[i], true);
		j_close(w, '}');
	}
	j_close(w, ']');
	j_open(w, "indicators", '['); /* SPEC "Across conversations" */
	tok_each_bit(indicator_bits, f->indicators, item_cb, w);
	j_close(w, ']');
}

static void json_event(struct out *o, const struct smb_event *e)
{
	if (e->kind == SMB_EV_SESSION_SETUP)
		json_session_event(o, e);
	else
		json_negotiate(o, e);
}

static void j_counts(struct jw *w, const char *k, const struct fact_counts k2[2])
{
	j_open(w, k, '{');
	j_u64(w, "client_signed", k2[0].signed_msgs);
	j_u64(w, "client_unsigned", k2[0].unsigned_msgs);
	j_u64(w, "server_signed", k2[1].signed_msgs);
	j_u64(w, "server_unsigned", k2[1].unsigned_msgs);
	j_close(w, '}');
}

static void j_side(struct jw *w, const char *who, const struct side_signing *sd)
{
	char k[64];
	snprintf(k, sizeof k, "%s_signing_source", who);
	j_str(w, k, sd->source);
	snprintf(k, sizeof k, "%s_signing_confidence", who);
	j_str(w, k, confidence_names[sd->confidence]);
}

/* smb_version, dialect (name) and dialect_id (SMB2 DialectRevision). */
static void j_dialect(struct jw *w, const struct facts *f, const struct verdict *v)
{
	char buf[64];
	j_u64_if(w, "smb_version", v->smb_version, (uint64_t)v->smb_version);
	j_str(w, "dialect", fmt_dialect(f, buf, sizeof buf));
	j_u64_if(w, "dialect_id", f->smb2_chosen, f->smb2_dialect);
}

/* The contract keys of SPEC "Output", in their order. */
static void j_contract(struct jw *w, const struct conv *c, const struct facts *f,
		       const struct verdict *v)
{
	j_u64_if(w, "client_security_mode", v->client.raw >= 0, (uint64_t)v->client.raw);
	j_u64_if(w, "server_security_mode", v->server.raw >= 0, (uint64_t)v->server.raw);
	j_str(w, "client_signing", signing_names[v->client.setting]);
	j_str(w, "server_signing", signing_names[v->server.setting]);
	/* every message after Negotiate (the text SIGNED column counts after Session Setup) */
	j_u64(w, "signed_messages", f->signed_after_negotiate);
	j_u64(w, "unsigned_messages", f->unsigned_after_negotiate);
	j_str(w, "verdict", verdict_names[v->verdict]);
	j_str(w, "cause", cause_names[v->cause]);
	j_anomalies(w, c->anomalies);
}

static void json_conversation(struct out *o, uint64_t row, const struct conv *c,
			      const struct facts *f, const struct verdict *v)
{
	if (o->quiet)
		return;
	char buf[64];
	struct jw w = {o->f, true};
	json_begin(&w, o, "conversation", &c->last_ts);
	json_connection(&w, o, c);
	j_dialect(&w, f, v);
	j_contract(&w, c, f, v);
	j_identity(&w, f);
	/* extensions */
	j_u64(&w, "id", row);
	j_u64(&w, "first_frame", c->first_frame);
	j_u64(&w, "last_frame", c->last_frame);
	j_str(&w, "start", fmt_time(&c->first_ts, buf, sizeof buf));
	j_str(&w, "end", fmt_time(&c->last_ts, buf, sizeof buf));
	j_side(&w, "client", &v->client);
	j_side(&w, "server", &v->server);
	j_open(&w, "predicted", '[');
	for (int i = 0; i < 3; i++)
		if (v->predicted & (1u << i))
			j_item_str(&w, kb_outcome_names[i]);
	j_close(&w, ']');
	j_str(&w, "reason", v->reason[0] ? v->reason : NULL);
	j_str(&w, "note", v->note[0] ? v->note : NULL);
	j_str(&w, "fix", v->fix);
	j_counts(&w, "messages_after_negotiate", f->after_negotiate);
	j_counts(&w, "messages_after_session_setup", f->after_session);
	j_u64(&w, "signed_after_session_setup", f->signed_after_session);
	j_u64(&w, "unsigned_after_session_setup", f->unsigned_after_session);
	j_u64(&w, "encrypted_messages", f->encrypted_msgs);
	j_u64(&w, "compressed_messages", f->compressed_msgs);
	j_bool(&w, "session_established", f->session_ok);
	j_bool(&w, "guest", f->guest);
	j_bool(&w, "anonymous", f->anonymous);
	j_status(&w, "session_setup_status", f->session_fail_status, f->session_fail_status);
	j_bool(&w, "tree_connect_ok", f->tree_connect_ok);
	j_status(&w, "tree_connect_status", f->tree_connect_status, f->tree_connect_status);
	j_str(&w, "closed", c->rst ? "rst" : (c->fin[0] || c->fin[1]) ? "fin" : "open");
	j_end(&w);
	if (o->stream) /* live, stdin: each event as it happens */
		fflush(o->f);
}

/* SPEC "Across conversations": {"event":"relay","victim","relay","target",
 * "user","domain","evidence":[...],"frames":[...]} */
static void json_relay(struct out *o, const struct correlate_report *r)
{
	if (o->quiet)
		return;
	char buf[64];
	const struct relay_event *ev = &r->ev;
	struct jw w = {o->f, true};
	json_begin(&w, o, "relay", o->now_set ? &o->now : NULL);
	struct endpoint e = correlate_endpoint(&ev->victim);
	j_str(&w, "victim", fmt_endpoint(&e, buf, sizeof buf));
	j_str(&w, "relay", fmt_address(ev->relay_server.family, ev->relay_server.addr, buf,
				       sizeof buf));
	e = correlate_endpoint(&ev->target);
	j_str(&w, "target", fmt_endpoint(&e, buf, sizeof buf));
	j_str(&w, "user", ev->user[0] ? ev->user : NULL);
	j_str(&w, "domain", ev->domain[0] ? ev->domain : NULL);
	j_open(&w, "evidence", '[');
	tok_each_bit(relay_evidence_bits, ev->evidence, item_cb, &w);
	j_close(&w, ']');
	j_open(&w, "frames", '[');
	for (unsigned i = 0; i < ev->nframes; i++)
		j_item_u64(&w, ev->frames[i]);
	j_close(&w, ']');
	/* extensions: the relay host's port towards the victim, the target's signing */
	j_u64(&w, "relay_port", ev->relay_server.port);
	j_str(&w, "target_signing", signing_names[r->target_signing]);
	j_bool(&w, "target_session_established", r->target_session_ok);
	j_end(&w);
}

/* --assume-client: {"event":"prediction","profile","server","protocol","logon",
 * "verdict","error","reason","fix"} per server. */
static void json_prediction(struct out *o, const struct predict_profile *p, const struct host *x,
			    const struct prediction *pr)
{
	if (!x)
		return;
	char addr[64];
	struct jw w = {o->f, true};
	json_begin(&w, o, "prediction", o->now_set ? &o->latest : NULL);
	j_str(&w, "profile", p->name);
	j_str(&w, "server", fmt_address(x->family, x->addr, addr, sizeof addr));
	j_str(&w, "protocol", pr->protocol);
	j_str(&w, "logon", pr->guest_logon ? "guest" : "user");
	j_str(&w, "verdict", pr->verdict);
	j_str(&w, "error", pr->error);
	j_str(&w, "reason", pr->reason);
	j_str(&w, "fix", pr->fix);
	j_end(&w);
}

/* `verdict`: the verdict as soon as the wire decided it (analyze.c). */
static void json_verdict(struct out *o, const struct conv *c, const struct facts *f,
			 const struct verdict *v, const struct frame_ctx *at,
			 const char *decided_by)
{
	if (o->quiet)
		return;
	struct jw w = {o->f, true};
	json_begin(&w, o, "verdict", &at->ts);
	json_connection(&w, o, c);
	j_u64(&w, "frame", at->frame);
	j_str(&w, "decided_by", decided_by);
	j_dialect(&w, f, v);
	j_str(&w, "client_signing", signing_names[v->client.setting]);
	j_str(&w, "server_signing", signing_names[v->server.setting]);
	j_u64(&w, "signed_messages", f->signed_after_negotiate);
	j_u64(&w, "unsigned_messages", f->unsigned_after_negotiate);
	j_str(&w, "verdict", verdict_names[v->verdict]);
	j_str(&w, "cause", cause_names[v->cause]);
	j_str(&w, "reason", v->reason[0] ? v->reason : NULL);
	j_end(&w);
	if (o->stream) /* live, stdin: each event as it happens */
		fflush(o->f);
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
	struct jw w = {o->f, true};
	json_begin(&w, o, "file", o->now_set ? &o->now : NULL);
	j_str(&w, "file", o->file);
	j_str(&w, "error", error);
	j_flow_stats(&w, st);
	j_end(&w);
}

/* `stats`: every --stats SECS while capturing live. */
static void json_stats(struct out *o, const struct out_stats *s)
{
	struct jw w = {o->f, true};
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

static void j_verdict_counts(struct jw *w, const uint64_t counts[V_COUNT])
{
	j_open(w, "verdicts", '{');
	for (int i = 0; i < V_COUNT; i++)
		j_u64(w, verdict_names[i], counts[i]);
	j_close(w, '}');
}

static void json_summary(struct out *o, const struct tally *t)
{
	struct jw w = {o->f, true};
	json_begin(&w, o, "summary", o->now_set ? &o->latest : NULL);
	j_u64(&w, "files", t->files);
	j_u64(&w, "files_failed", t->files_failed);
	j_u64(&w, "conversations", t->conversations);
	j_u64(&w, "smb1_conversations", t->smb1_conversations);
	j_verdict_counts(&w, t->verdicts);
	j_flow_stats(&w, &t->totals);
	/* live: pcap_stats at the end (null after saved captures) */
	j_u64_if(&w, "packets_received", t->live_stats, t->received);
	j_u64_if(&w, "packets_dropped", t->live_stats, t->dropped);
	j_u64_if(&w, "packets_ifdropped", t->live_stats, t->ifdropped);
	j_end(&w);
}

static void j_names(struct jw *w, const char *k, uint8_t bits, const char *const *names)
{
	j_open(w, k, '[');
	for (int i = 0; names[i]; i++)
		if (bits & (1u << i))
			j_item_str(w, names[i]);
	j_close(w, ']');
}

/* The server's names and OS (NTLMSSP CHALLENGE), algorithms, who logged on. */
static void j_host_identity(struct jw *w, const struct host *x)
{
	j_str(w, "server_name", server_av(&x->id, MSV_AV_NB_COMPUTER_NAME, x->id.name));
	j_str(w, "server_domain", server_av(&x->id, MSV_AV_NB_DOMAIN_NAME, x->id.domain));
	j_str(w, "server_dns_name", server_av(&x->id, MSV_AV_DNS_COMPUTER_NAME, x->id.dns_name));
	j_str(w, "server_dns_domain",
	      server_av(&x->id, MSV_AV_DNS_DOMAIN_NAME, x->id.dns_domain));
	j_str(w, "server_os_version", x->os_version[0] ? x->os_version : NULL);
	j_names(w, "signing_algorithms", x->signing_algs, host_signing_alg_names);
	j_names(w, "ciphers", x->ciphers, host_cipher_names);
	j_u64(w, "encrypted_conversations", x->encrypted_sessions);
	j_open(w, "users", '[');
	for (unsigned i = 0; i < x->nusers; i++)
		j_item_str(w, x->users[i]);
	j_close(w, ']');
	j_u64(w, "users_dropped", x->users_dropped);
}

/* One `host` event. */
static void json_host(struct out *o, const struct host *x)
{
	char addr[64];
	struct jw w = {o->f, true};
	/* the inventory of one file (--hosts-per-file): that file's last frame */
	json_begin(&w, o, "host", !o->now_set ? NULL : o->hosts_per_file ? &o->now : &o->latest);
	j_str(&w, "file", o->hosts_per_file ? o->file : NULL); /* --hosts-per-file */
	j_str(&w, "server", fmt_address(x->family, x->addr, addr, sizeof addr));
	j_u64(&w, "conversations", x->conversations);
	j_bool(&w, "smb1", x->smb1);
	j_open(&w, "smb1_security_modes", '[');
	for (unsigned m = 0; m < 16; m++)
		if (x->smb1_modes & (1u << m))
			j_item_u64(&w, m);
	j_close(&w, ']');
	j_str(&w, "max_smb2_dialect",
	      x->max_dialect ? tok_str(smb2_dialect_names, x->max_dialect, "unknown") : NULL);
	j_u64_if(&w, "max_smb2_dialect_id", x->max_dialect, x->max_dialect);
	j_str(&w, "signing", host_signing_names[host_signing(x)]);
	j_open(&w, "server_signing_seen", '[');
	for (int s = 1; s < SIGNING_COUNT; s++)
		if (x->signing_seen & (1u << s))
			j_item_str(&w, signing_names[s]);
	j_close(&w, ']');
	j_bool(&w, "relay_target", host_relay_target(x));
	j_str(&w, "relay_list", host_relay_names[host_relay(x)]); /* --relay-list */
	j_u64(&w, "sessions_accepted", x->sessions_accepted);
	j_u64(&w, "relayable_sessions", x->relayable_sessions);
	j_u64(&w, "guest_sessions", x->guest_sessions);
	j_u64(&w, "downgrades", x->downgrades);
	j_host_identity(&w, x);
	j_verdict_counts(&w, x->verdicts);
	j_end(&w);
}

/* --hosts: one `host` event per server, in order of first appearance. */
static void json_hosts(struct out *o, const struct tally *t)
{
	size_t n;
	struct host **all = host_table_sorted(&t->host_table, &n);
	if (!all)
		return;
	for (size_t i = 0; i < n; i++)
		json_host(o, all[i]);
	free(all);
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
};
