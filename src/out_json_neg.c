/* out_json_neg: the `negotiate` event (README "JSON schema"). Every
 * negotiate event has every key of the four message kinds (SMB1/SMB2
 * request/response); a key the message does not carry is null, so each
 * key has one JSON type whatever the kind. */
#include "smbneg/out_json.h"

#include "smbneg/fmt.h"
#include "smbneg/smb_const.h"

#include <stdio.h>

/* MS-SMB2 2.2.3.1: the contexts with an id list, in the key order of every
 * context object. */
static const uint16_t id_list_types[] = {
    SMB2_PREAUTH_INTEGRITY_CAPABILITIES, SMB2_ENCRYPTION_CAPABILITIES,
    SMB2_COMPRESSION_CAPABILITIES,	 SMB2_RDMA_TRANSFORM_CAPABILITIES,
    SMB2_SIGNING_CAPABILITIES,
};

/* "k": [ids], "k_names": [names] (names "0x%04x" when unknown); null when !c. */
static void j_ids(struct jw *w, const struct fmt_context *d, const struct smb2_context *c)
{
	char nk[64];
	snprintf(nk, sizeof nk, "%s_names", d->ids_key);
	if (!c) {
		j_null(w, d->ids_key);
		j_null(w, nk);
		return;
	}
	j_open(w, d->ids_key, '[');
	for (unsigned i = 0; i < c->ids_kept; i++)
		j_item_u64(w, c->ids[i]);
	j_close(w, ']');
	j_open(w, nk, '[');
	for (unsigned i = 0; i < c->ids_kept; i++) {
		char hex[8];
		j_item_str(w, fmt_id_name(d->names, c->ids[i], hex, sizeof hex));
	}
	j_close(w, ']');
}

/* One context object: every key, null where the type has none. */
static void j_context(struct jw *w, const struct smb2_context *c)
{
	j_open(w, NULL, '{');
	j_u64(w, "type", c->type);
	j_str(w, "type_name", tok_name(smb2_context_names, c->type));
	j_u64(w, "length", c->length);
	for (size_t i = 0; i < sizeof id_list_types / sizeof id_list_types[0]; i++)
		j_ids(w, fmt_context(id_list_types[i]), c->type == id_list_types[i] ? c : NULL);
	j_u64_if(w, "salt_length", c->type == SMB2_PREAUTH_INTEGRITY_CAPABILITIES, c->salt_length);
	j_u64_if(w, "flags",
		 c->type == SMB2_COMPRESSION_CAPABILITIES || c->type == SMB2_TRANSPORT_CAPABILITIES,
		 c->flags);
	j_str(w, "netname", c->type == SMB2_NETNAME_NEGOTIATE_CONTEXT_ID ? c->netname : NULL);
	j_close(w, '}');
}

/* MS-SMB2 2.2.3.1: every context, decoded by type; null for SMB1. */
static void j_contexts(struct jw *w, const struct smb2_contexts *cs)
{
	j_u64_if(w, "negotiate_context_count", cs, cs ? cs->count : 0);
	if (!cs) {
		j_null(w, "negotiate_contexts");
		return;
	}
	j_open(w, "negotiate_contexts", '[');
	for (unsigned i = 0; i < cs->kept; i++)
		j_context(w, &cs->c[i]);
	j_close(w, ']');
}

/* dialect_count, dialects (names), dialect_ids (SMB2 only): the requests. */
static void j_offered(struct jw *w, const struct smb_event *e)
{
	const struct smb1_negotiate_request *q1 = e->smb1_req;
	const struct smb2_negotiate_request *q2 = e->smb2_req;
	j_u64_if(w, "dialect_count", q1 || q2, q1 ? q1->dialect_count : q2 ? q2->dialect_count : 0);
	if (!q1 && !q2) {
		j_null(w, "dialects");
		j_null(w, "dialect_ids");
		return;
	}
	j_open(w, "dialects", '[');
	for (unsigned i = 0; q1 && i < q1->dialects_kept; i++)
		j_item_str(w, q1->dialects[i]);
	for (unsigned i = 0; q2 && i < q2->dialects_kept; i++) {
		char hex[8];
		j_item_str(w, fmt_id_name(smb2_dialect_names, q2->dialects[i], hex, sizeof hex));
	}
	j_close(w, ']');
	if (!q2) {
		j_null(w, "dialect_ids");
		return;
	}
	j_open(w, "dialect_ids", '[');
	for (unsigned i = 0; i < q2->dialects_kept; i++)
		j_item_u64(w, q2->dialects[i]);
	j_close(w, ']');
}

/* dialect (name) and dialect_id (SMB2 DialectRevision): the responses. */
static void j_chosen(struct jw *w, const struct smb_event *e)
{
	const struct smb2_negotiate_response *p2 = e->smb2_resp;
	if (e->smb1_resp) {
		j_str(w, "dialect", e->smb1_dialect);
		j_null(w, "dialect_id");
	} else if (p2) {
		char hex[8];
		j_str(w, "dialect",
		      e->h2->status
			  ? NULL
			  : fmt_id_name(smb2_dialect_names, p2->dialect, hex, sizeof hex));
		j_u64(w, "dialect_id", p2->dialect);
	} else {
		j_null(w, "dialect");
		j_null(w, "dialect_id");
	}
}

/* MS-CIFS 2.2.4.52.2: the SMB1 response fields, by WordCount (13 LANMAN, 17 NT LM). */
static void j_smb1_response(struct jw *w, const struct smb1_negotiate_response *p)
{
	bool any = p != NULL;
	bool lm = any && (p->word_count == 13 || p->word_count == 17);
	bool nt = any && p->word_count == 17;
	bool ext = nt && p->extended_security;
	bool chal = any && (p->word_count == 13 || (nt && !p->extended_security));
	j_u64_if(w, "word_count", any, any ? p->word_count : 0);
	j_u64_if(w, "dialect_index", any && p->word_count >= 1, any ? p->dialect_index : 0);
	j_u64_if(w, "max_mpx_count", lm, lm ? p->max_mpx_count : 0);
	j_u64_if(w, "max_number_vcs", lm, lm ? p->max_number_vcs : 0);
	j_u64_if(w, "max_buffer_size", lm, lm ? p->max_buffer_size : 0);
	j_u64_if(w, "max_raw_size", nt, nt ? p->max_raw_size : 0);
	j_u64_if(w, "session_key", lm, lm ? p->session_key : 0);
	j_i64_if(w, "server_time_zone", lm, lm ? p->server_time_zone : 0);
	j_u64_if(w, "challenge_length", lm, lm ? p->challenge_length : 0);
	char hex[20] = "";
	if (chal)
		fmt_hex(p->challenge, p->challenge_length < 8 ? p->challenge_length : 8, hex,
			sizeof hex);
	j_str(w, "challenge", chal ? hex : NULL);
	j_str(w, "domain_name", chal ? p->domain_name : NULL);
	j_bool_if(w, "extended_security", nt, nt && p->extended_security);
	j_u64_if(w, "security_blob_length", ext, ext ? p->security_blob_length : 0);
}

/* MS-SMB2 2.2.4: the SMB2 response fields. */
static void j_smb2_response(struct jw *w, const struct smb2_negotiate_response *p)
{
	bool any = p != NULL;
	j_u64_if(w, "max_transact_size", any, any ? p->max_transact_size : 0);
	j_u64_if(w, "max_read_size", any, any ? p->max_read_size : 0);
	j_u64_if(w, "max_write_size", any, any ? p->max_write_size : 0);
	j_filetime(w, "server_start_time", any, any ? p->server_start_time : 0);
	j_u64_if(w, "security_buffer_offset", any, any ? p->security_buffer_offset : 0);
	j_u64_if(w, "security_buffer_length", any, any ? p->security_buffer_length : 0);
}

/* The header fields and the raw SecurityMode / Capabilities / GUIDs. */
static void j_header(struct jw *w, const struct smb_event *e)
{
	const struct smb1_negotiate_response *p1 = e->smb1_resp;
	const struct smb2_negotiate_request *q2 = e->smb2_req;
	const struct smb2_negotiate_response *p2 = e->smb2_resp;
	bool resp = p1 || p2;
	j_u64_if(w, "message_id", e->h2, e->h2 ? e->h2->message_id : 0);
	j_flags(w, "flags2", e->h1, e->h1 ? e->h1->flags2 : 0, smb1_flags2_bits);
	j_status(w, "status", resp, p1 ? e->h1->status : p2 ? e->h2->status : 0);
	if (p1)
		j_flags(w, "security_mode", p1->has_security_mode, p1->security_mode,
			smb1_secmode_bits);
	else
		j_flags(w, "security_mode", q2 || p2,
			q2   ? q2->security_mode
			: p2 ? p2->security_mode
			     : 0,
			smb2_secmode_bits);
	bool nt = p1 && p1->word_count == 17;
	if (p1)
		j_flags(w, "capabilities", nt, p1->capabilities, smb1_cap_bits);
	else
		j_flags(w, "capabilities", q2 || p2,
			q2   ? q2->capabilities
			: p2 ? p2->capabilities
			     : 0,
			smb2_cap_bits);
	j_guid(w, "client_guid", q2 ? q2->client_guid : NULL);
	j_guid(w, "server_guid",
	       p2			     ? p2->server_guid
	       : nt && p1->extended_security ? p1->server_guid
					     : NULL);
	j_filetime(w, "system_time", nt || p2, p2 ? p2->system_time : nt ? p1->system_time : 0);
}

static anomaly_mask message_anomalies(const struct smb_event *e)
{
	anomaly_mask m = e->truncated ? ANOM_BIT(ANOM_TRUNCATED_MESSAGE) : 0;
	if (e->smb1_req)
		m |= e->smb1_req->anomalies;
	if (e->smb1_resp)
		m |= e->smb1_resp->anomalies;
	if (e->smb2_req)
		m |= e->smb2_req->anomalies;
	if (e->smb2_resp)
		m |= e->smb2_resp->anomalies;
	return m;
}

void json_negotiate(struct out *o, const struct smb_event *e)
{
	struct jw w;
	jw_start(&w, o->f);
	bool request =
	    e->kind == SMB_EV_SMB1_NEGOTIATE_REQUEST || e->kind == SMB_EV_SMB2_NEGOTIATE_REQUEST;
	bool smb1 =
	    e->kind == SMB_EV_SMB1_NEGOTIATE_REQUEST || e->kind == SMB_EV_SMB1_NEGOTIATE_RESPONSE;
	json_begin(&w, o, "negotiate", &e->f->ts);
	json_connection(&w, o, e->conv);
	j_u64(&w, "frame", e->f->frame);
	j_str(&w, "direction", request ? "request" : "response");
	j_u64(&w, "smb_version", smb1 ? 1 : 2);
	j_header(&w, e);
	j_offered(&w, e);
	j_chosen(&w, e);
	j_smb1_response(&w, e->smb1_resp);
	j_smb2_response(&w, e->smb2_resp);
	j_contexts(&w, e->smb2_req    ? &e->smb2_req->contexts
		       : e->smb2_resp ? &e->smb2_resp->contexts
				      : NULL);
	j_anomalies(&w, message_anomalies(e));
	j_end(&w);
	if (o->stream) /* live, stdin: each event as it happens */
		fflush(o->f);
}
