/* out_json_conv: the events of one conversation (README "JSON schema"):
 * `session` (each Session Setup exchange, MS-SMB2 2.2.5, 2.2.6), `verdict`
 * (as soon as the wire decided it) and `conversation` (its facts, server
 * identity, sessions and indicators, at its end). */
#include "smbneg/out_json.h"

#include "smbneg/fmt.h"
#include "smbneg/ntlmssp.h"
#include "smbneg/smb_const.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* One object of the conversation's `sessions` (README "JSON schema"), one
 * Session Setup exchange (MS-SMB2 2.2.5, 2.2.6): status a name. */
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
		fmt_status_hex(x->status, st, sizeof st);
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
void json_session_event(struct out *o, const struct smb_event *e)
{
	const struct smb_session *x = e->session;
	char hex[40];
	if (o->quiet || !x || !x->final)
		return;
	struct jw w;
	jw_start(&w, o->f);
	json_begin(&w, o, "session", &e->f->ts);
	json_connection(&w, o, e->conv);
	j_u64(&w, "frame", e->f->frame);
	j_u64(&w, "smb_version", e->h1 ? 1 : 2);
	j_session(&w, e->h1 ? 1 : 2, x, false);
	j_u64(&w, "rounds", x->rounds);
	j_u64(&w, "ntlm_flags", x->ntlm_flags);
	j_str(&w, "ntlm_server_challenge",
	      x->has_challenge ? fmt_hex(x->server_challenge, 8, hex, sizeof hex) : NULL);
	j_str(&w, "ntlmv2_proof",
	      x->has_proof ? fmt_hex(x->nt_proof_str, 16, hex, sizeof hex) : NULL);
	j_end(&w);
	if (o->stream) /* live, stdin: each event as it happens */
		fflush(o->f);
}

/* The conversation's protection, server identity and sessions (README
 * "JSON schema"). */
static void j_identity(struct jw *w, const struct facts *f)
{
	const struct smb_server_id *id = &f->server_id;
	j_str(w, "protection", protection_names[f->protection]);
	j_str(w, "signing_algorithm", f->signing_algorithm);
	j_str(w, "cipher", f->cipher);
	/* MS-NLMP 2.2.2.1: null when the pair was not sent, "" when sent empty */
	j_str(w, "server_name", json_server_av(id, MSV_AV_NB_COMPUTER_NAME, id->name));
	j_str(w, "server_domain", json_server_av(id, MSV_AV_NB_DOMAIN_NAME, id->domain));
	j_str(w, "server_dns_name", json_server_av(id, MSV_AV_DNS_COMPUTER_NAME, id->dns_name));
	j_str(w, "server_dns_domain", json_server_av(id, MSV_AV_DNS_DOMAIN_NAME, id->dns_domain));
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
	j_open(w, "indicators", '['); /* README "JSON schema" */
	tok_each_bit(indicator_bits, f->indicators, json_item_cb, w);
	j_close(w, ']');
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

/* The keys of the conversation event (README "JSON schema"), in their order. */
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

void json_conversation(struct out *o, uint64_t row, const struct conv *c, const struct facts *f,
		       const struct verdict *v)
{
	if (o->quiet)
		return;
	char buf[64];
	struct jw w;
	jw_start(&w, o->f);
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

/* `verdict`: the verdict as soon as the wire decided it (analyze.c). */
void json_verdict(struct out *o, const struct conv *c, const struct facts *f,
		  const struct verdict *v, const struct frame_ctx *at, const char *decided_by)
{
	if (o->quiet)
		return;
	struct jw w;
	jw_start(&w, o->f);
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
