/* out_json: one JSON object per line per event (README "JSON schema"). */
#include "smbneg/out_ops.h"

#include "smbneg/fmt.h"

#include "smbneg/ntlmssp.h"
#include "smbneg/smb_const.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* A tiny writer that places the commas. */
struct jw {
	FILE *f;
	bool first;
};

/* The comma and a quoted key into b (at least J_KEY_MAX bytes); 0 when the
 * key needs escaping or is long (then written by j_key the slow way). */
#define J_KEY_MAX 80

static size_t j_key_put(struct jw *w, const char *k, char *b)
{
	size_t n = 0, len = strlen(k);
	if (len > J_KEY_MAX - 4)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (k[i] < 0x20 || k[i] > 0x7e || k[i] == '"' || k[i] == '\\')
			return 0;
	if (!w->first)
		b[n++] = ',';
	w->first = false;
	b[n++] = '"';
	memcpy(b + n, k, len);
	n += len;
	b[n++] = '"';
	b[n++] = ':';
	return n;
}

static void j_key(struct jw *w, const char *k)
{
	char b[J_KEY_MAX];
	size_t n = j_key_put(w, k, b);
	if (n) {
		FMT_FWRITE(b, 1, n, w->f);
		return;
	}
	if (!w->first)
		fputc(',', w->f);
	w->first = false;
	fmt_json_string(w->f, k);
	fputc(':', w->f);
}

static void j_str(struct jw *w, const char *k, const char *v)
{
	j_key(w, k);
	if (v)
		fmt_json_string(w->f, v);
	else
		fputs("null", w->f);
}

/* "k":digits in one write; neg puts a minus sign before v. */
static void j_num(struct jw *w, const char *k, bool neg, uint64_t v)
{
	char b[J_KEY_MAX + 24], d[24];
	size_t n = j_key_put(w, k, b), nd = 0;
	if (!n)
		j_key(w, k);
	do
		d[nd++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	if (neg)
		b[n++] = '-';
	while (nd)
		b[n++] = d[--nd];
	FMT_FWRITE(b, 1, n, w->f);
}

static void j_u64(struct jw *w, const char *k, uint64_t v)
{
	j_num(w, k, false, v);
}

static void j_i64(struct jw *w, const char *k, int64_t v)
{
	j_num(w, k, v < 0, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
}

static void j_bool(struct jw *w, const char *k, bool v)
{
	j_key(w, k);
	fputs(v ? "true" : "false", w->f);
}

static void j_null(struct jw *w, const char *k)
{
	j_key(w, k);
	fputs("null", w->f);
}

static void j_open(struct jw *w, const char *k, char bracket)
{
	if (k)
		j_key(w, k);
	else if (!w->first)
		fputc(',', w->f);
	fputc(bracket, w->f);
	w->first = true;
}

static void j_close(struct jw *w, char bracket)
{
	fputc(bracket, w->f);
	w->first = false;
}

static void name_cb(const char *name, void *arg)
{
	struct jw *w = arg;
	if (!w->first)
		fputc(',', w->f);
	w->first = false;
	fmt_json_string(w->f, name);
}

/* k followed by suffix in nk (cut to fit), as "k_names" (no printf per key). */
static const char *j_suffixed(char *nk, size_t size, const char *k, const char *suffix)
{
	size_t a = strlen(k), b = strlen(suffix);
	if (a > size - 1)
		a = size - 1;
	if (b > size - 1 - a)
		b = size - 1 - a;
	memcpy(nk, k, a);
	memcpy(nk + a, suffix, b);
	nk[a + b] = '\0';
	return nk;
}

/* "k": raw, "k_names": [flag names] */
static void j_flags(struct jw *w, const char *k, uint32_t v, const struct tok *t)
{
	char nk[64];
	j_u64(w, k, v);
	j_open(w, j_suffixed(nk, sizeof nk, k, "_names"), '[');
	uint32_t rest = tok_each_bit(t, v, name_cb, w);
	if (rest) {
		char hex[16];
		snprintf(hex, sizeof hex, "0x%x", (unsigned)rest);
		name_cb(hex, w);
	}
	j_close(w, ']');
}

static void j_guid(struct jw *w, const char *k, const uint8_t g[16])
{
	char buf[40];
	j_str(w, k, fmt_guid(g, buf, sizeof buf));
}

static void j_filetime(struct jw *w, const char *k, uint64_t ft)
{
	char buf[48], nk[64];
	j_u64(w, k, ft);
	j_suffixed(nk, sizeof nk, k, "_utc");
	fmt_filetime(ft, buf, sizeof buf);
	j_str(w, nk, buf[0] ? buf : NULL);
}

static void j_dialect_list(struct jw *w, const uint16_t *d, unsigned n)
{
	j_open(w, "dialects", '[');
	for (unsigned i = 0; i < n; i++) {
		if (!w->first)
			fputc(',', w->f);
		w->first = false;
		fprintf(w->f, "%u", (unsigned)d[i]);
	}
	j_close(w, ']');
	j_open(w, "dialect_names", '[');
	for (unsigned i = 0; i < n; i++) {
		char hex[8];
		name_cb(fmt_id_name(smb2_dialect_names, d[i], hex, sizeof hex), w);
	}
	j_close(w, ']');
}

static void j_ids(struct jw *w, const char *k, const struct smb2_context *c, const struct tok *t)
{
	char nk[64];
	j_open(w, k, '[');
	for (unsigned i = 0; i < c->ids_kept; i++) {
		if (!w->first)
			fputc(',', w->f);
		w->first = false;
		fprintf(w->f, "%u", (unsigned)c->ids[i]);
	}
	j_close(w, ']');
	if (!t)
		return;
	j_open(w, j_suffixed(nk, sizeof nk, k, "_names"), '[');
	for (unsigned i = 0; i < c->ids_kept; i++) {
		char hex[8];
		name_cb(fmt_id_name(t, c->ids[i], hex, sizeof hex), w);
	}
	j_close(w, ']');
}

/* MS-SMB2 2.2.3.1: every context, decoded by type. */
static void j_contexts(struct jw *w, const struct smb2_contexts *cs)
{
	j_u64(w, "negotiate_context_count", cs->count);
	j_open(w, "negotiate_contexts", '[');
	for (unsigned i = 0; i < cs->kept; i++) {
		const struct smb2_context *c = &cs->c[i];
		j_open(w, NULL, '{');
		j_u64(w, "type", c->type);
		j_str(w, "type_name", tok_name(smb2_context_names, c->type));
		j_u64(w, "length", c->length);
		const struct fmt_context *d = fmt_context(c->type);
		if (d)
			j_ids(w, d->ids_key, c, d->names);
		switch (c->type) {
		case SMB2_PREAUTH_INTEGRITY_CAPABILITIES:
			j_u64(w, "salt_length", c->salt_length);
			break;
		case SMB2_COMPRESSION_CAPABILITIES:
			j_u64(w, "flags", c->flags);
			break;
		case SMB2_NETNAME_NEGOTIATE_CONTEXT_ID:
			j_str(w, "netname", c->netname);
			break;
		case SMB2_TRANSPORT_CAPABILITIES:
			j_u64(w, "flags", c->flags);
			break;
		default:
			break;
		}
		j_close(w, '}');
	}
	j_close(w, ']');
}

static void j_common(struct jw *w, struct out *o, const struct conv *c, const char *event)
{
	char cl[64], sv[64];
	j_str(w, "event", event);
	j_str(w, "file", o->file);
	j_str(w, "client", fmt_endpoint(conv_client(c), cl, sizeof cl));
	j_str(w, "server", fmt_endpoint(conv_server(c), sv, sizeof sv));
}

static void j_status(struct jw *w, uint32_t st)
{
	j_u64(w, "status", st);
	j_str(w, "status_name", tok_name(ntstatus_names, st));
}

static void j_anomalies(struct jw *w, anomaly_mask m)
{
	j_open(w, "anomalies", '[');
	for (int i = 0; i < ANOM_COUNT; i++)
		if (m & ANOM_BIT(i))
			name_cb(anomaly_names[i], w);
	j_close(w, ']');
}

/* MS-CIFS 2.2.4.52.1 */
static void j_smb1_request(struct jw *w, const struct smb_event *e, anomaly_mask trunc)
{
	const struct smb1_negotiate_request *q = e->smb1_req;
	j_flags(w, "flags2", e->h1->flags2, smb1_flags2_bits);
	j_u64(w, "dialect_count", q->dialect_count);
	j_open(w, "dialects", '[');
	for (unsigned i = 0; i < q->dialects_kept; i++) {
		if (!w->first)
			fputc(',', w->f);
		w->first = false;
		fmt_json_string(w->f, q->dialects[i]);
	}
	j_close(w, ']');
	j_anomalies(w, q->anomalies | trunc);
}

/* MS-CIFS 2.2.4.52.2 */
static void j_smb1_response(struct jw *w, const struct smb_event *e, anomaly_mask trunc)
{
	const struct smb1_negotiate_response *p = e->smb1_resp;
	j_flags(w, "flags2", e->h1->flags2, smb1_flags2_bits);
	j_status(w, e->h1->status);
	j_u64(w, "word_count", p->word_count);
	if (p->word_count >= 1)
		j_u64(w, "dialect_index", p->dialect_index);
	j_str(w, "dialect", e->smb1_dialect);
	if (p->has_security_mode)
		j_flags(w, "security_mode", p->security_mode, smb1_secmode_bits);
	else
		j_null(w, "security_mode");
	if (p->word_count == 17 || p->word_count == 13) {
		j_u64(w, "max_mpx_count", p->max_mpx_count);
		j_u64(w, "max_number_vcs", p->max_number_vcs);
		j_u64(w, "max_buffer_size", p->max_buffer_size);
		j_u64(w, "session_key", p->session_key);
		j_i64(w, "server_time_zone", p->server_time_zone);
		j_u64(w, "challenge_length", p->challenge_length);
	}
	if (p->word_count == 13 || (p->word_count == 17 && !p->extended_security)) {
		char hex[20] = "";
		size_t n = p->challenge_length < 8 ? p->challenge_length : 8;
		for (size_t i = 0; i < n; i++)
			snprintf(hex + 2 * i, 3, "%02x", p->challenge[i]);
		j_str(w, "challenge", hex);
		j_str(w, "domain_name", p->domain_name);
	}
	if (p->word_count == 17) {
		j_u64(w, "max_raw_size", p->max_raw_size);
		j_flags(w, "capabilities", p->capabilities, smb1_cap_bits);
		j_filetime(w, "system_time", p->system_time);
		j_bool(w, "extended_security", p->extended_security);
		if (p->extended_security) {
			j_guid(w, "server_guid", p->server_guid);
			j_u64(w, "security_blob_length", p->security_blob_length);
		}
	}
	j_anomalies(w, p->anomalies | trunc);
}

/* MS-SMB2 2.2.3 */
static void j_smb2_request(struct jw *w, const struct smb_event *e, anomaly_mask trunc)
{
	const struct smb2_negotiate_request *q = e->smb2_req;
	j_u64(w, "message_id", e->h2->message_id);
	j_flags(w, "security_mode", q->security_mode, smb2_secmode_bits);
	j_flags(w, "capabilities", q->capabilities, smb2_cap_bits);
	j_guid(w, "client_guid", q->client_guid);
	j_u64(w, "dialect_count", q->dialect_count);
	j_dialect_list(w, q->dialects, q->dialects_kept);
	j_contexts(w, &q->contexts);
	j_anomalies(w, q->anomalies | trunc);
}

/* MS-SMB2 2.2.4 */
static void j_smb2_response(struct jw *w, const struct smb_event *e, anomaly_mask trunc)
{
	const struct smb2_negotiate_response *p = e->smb2_resp;
	char hex[8];
	j_u64(w, "message_id", e->h2->message_id);
	j_status(w, e->h2->status);
	j_flags(w, "security_mode", p->security_mode, smb2_secmode_bits);
	j_u64(w, "dialect", p->dialect);
	snprintf(hex, sizeof hex, "0x%04x", (unsigned)p->dialect);
	const char *dn = tok_name(smb2_dialect_names, p->dialect);
	j_str(w, "dialect_name", e->h2->status ? NULL : dn ? dn : hex);
	j_guid(w, "server_guid", p->server_guid);
	j_flags(w, "capabilities", p->capabilities, smb2_cap_bits);
	j_u64(w, "max_transact_size", p->max_transact_size);
	j_u64(w, "max_read_size", p->max_read_size);
	j_u64(w, "max_write_size", p->max_write_size);
	j_filetime(w, "system_time", p->system_time);
	j_filetime(w, "server_start_time", p->server_start_time);
	j_u64(w, "security_buffer_offset", p->security_buffer_offset);
	j_u64(w, "security_buffer_length", p->security_buffer_length);
	j_contexts(w, &p->contexts);
	j_anomalies(w, p->anomalies | trunc);
}


/* SPEC "Sessions, identity, protection": one session object. */
static void j_session(struct jw *w, int smb_version, const struct smb_session *x)
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
	snprintf(st, sizeof st, "0x%08X", (unsigned)x->status);
	const char *sn = tok_name(ntstatus_names, x->status);
	j_str(w, "status", !x->response_seen ? NULL : sn ? sn : st);
	j_bool(w, "guest", x->guest);
	j_bool(w, "anonymous", x->anonymous);
	j_bool(w, "encrypt_data", x->encrypt_data);
}

/* A finished Session Setup exchange (README "JSON schema": `session`). */
static void json_session_event(struct out *o, const struct smb_event *e)
{
	const struct smb_session *x = e->session;
	char ts[48], hex[40];
	if (o->quiet || !x || !x->final)
		return;
	struct jw w = {o->f, true};
	j_open(&w, NULL, '{');
	j_common(&w, o, e->conv, "session");
	j_u64(&w, "frame", e->f->frame);
	j_str(&w, "time", fmt_time(&e->f->ts, ts, sizeof ts));
	j_u64(&w, "smb_version", e->h1 ? 1 : 2);
	j_session(&w, e->h1 ? 1 : 2, x);
	j_u64(&w, "status_value", x->status);
	j_u64(&w, "rounds", x->rounds);
	j_u64(&w, "ntlm_flags", x->ntlm_flags);
	for (int i = 0; i < 8; i++)
		snprintf(hex + 2 * i, 3, "%02x", x->server_challenge[i]);
	j_str(&w, "ntlm_server_challenge", x->has_challenge ? hex : NULL);
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", x->nt_proof_str[i]);
	j_str(&w, "ntlmv2_proof", x->has_proof ? hex : NULL);
	j_close(&w, '}');
	fputc('\n', o->f);
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
		j_session(w, f->smb_version, &f->sessions[i]);
		j_close(w, '}');
	}
	j_close(w, ']');
	j_open(w, "indicators", '['); /* SPEC "Across conversations" */
	tok_each_bit(indicator_bits, f->indicators, name_cb, w);
	j_close(w, ']');
}

static void json_event(struct out *o, const struct smb_event *e)
{
	const struct conv *c = e->conv;
	int sender = e->sender;
	if (e->kind == SMB_EV_SESSION_SETUP) {
		json_session_event(o, e);
		return;
	}
	char ts[48];
	struct jw w = {o->f, true};
	j_open(&w, NULL, '{');
	j_common(&w, o, c, "negotiate");
	j_u64(&w, "frame", e->f->frame);
	j_str(&w, "time", fmt_time(&e->f->ts, ts, sizeof ts));
	bool request =
	    e->kind == SMB_EV_SMB1_NEGOTIATE_REQUEST || e->kind == SMB_EV_SMB2_NEGOTIATE_REQUEST;
	j_str(&w, "direction", request ? "request" : "response");
	j_u64(&w, "smb_version",
	      e->kind == SMB_EV_SMB1_NEGOTIATE_REQUEST || e->kind == SMB_EV_SMB1_NEGOTIATE_RESPONSE
		  ? 1
		  : 2);
	(void)sender;
	anomaly_mask trunc = e->truncated ? ANOM_BIT(ANOM_TRUNCATED_MESSAGE) : 0;
	switch (e->kind) {
	case SMB_EV_SMB1_NEGOTIATE_REQUEST:
		j_smb1_request(&w, e, trunc);
		break;
	case SMB_EV_SMB1_NEGOTIATE_RESPONSE:
		j_smb1_response(&w, e, trunc);
		break;
	case SMB_EV_SMB2_NEGOTIATE_REQUEST:
		j_smb2_request(&w, e, trunc);
		break;
	case SMB_EV_SMB2_NEGOTIATE_RESPONSE:
		j_smb2_response(&w, e, trunc);
		break;
	case SMB_EV_SESSION_SETUP:
		break;
	}
	j_close(&w, '}');
	fputc('\n', o->f);
	if (o->stream)
		fflush(o->f);
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

static void json_conversation(struct out *o, uint64_t row, const struct conv *c,
			      const struct facts *f, const struct verdict *v)
{
	if (o->quiet)
		return;
	char buf[64];
	struct jw w = {o->f, true};
	j_open(&w, NULL, '{');
	j_common(&w, o, c, "conversation");
	if (v->smb_version)
		j_u64(&w, "smb_version", (uint64_t)v->smb_version);
	else
		j_null(&w, "smb_version");
	j_str(&w, "dialect", fmt_dialect(f, buf, sizeof buf));
	if (v->client.raw >= 0)
		j_u64(&w, "client_security_mode", (uint64_t)v->client.raw);
	else
		j_null(&w, "client_security_mode");
	if (v->server.raw >= 0)
		j_u64(&w, "server_security_mode", (uint64_t)v->server.raw);
	else
		j_null(&w, "server_security_mode");
	j_str(&w, "client_signing", signing_names[v->client.setting]);
	j_str(&w, "server_signing", signing_names[v->server.setting]);
	/* every message after Negotiate (the text SIGNED column counts after Session Setup) */
	j_u64(&w, "signed_messages", f->signed_after_negotiate);
	j_u64(&w, "unsigned_messages", f->unsigned_after_negotiate);
	j_str(&w, "verdict", verdict_names[v->verdict]);
	j_str(&w, "cause", cause_names[v->cause]);
	j_anomalies(&w, c->anomalies);
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
			name_cb(kb_outcome_names[i], &w);
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
	if (f->session_fail_status)
		j_u64(&w, "session_setup_status", f->session_fail_status);
	j_bool(&w, "tree_connect_ok", f->tree_connect_ok);
	if (f->tree_connect_status)
		j_u64(&w, "tree_connect_status", f->tree_connect_status);
	j_str(&w, "closed", c->rst ? "rst" : (c->fin[0] || c->fin[1]) ? "fin" : "open");
	j_close(&w, '}');
	fputc('\n', o->f);
	if (o->stream)
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
	j_open(&w, NULL, '{');
	j_str(&w, "event", "relay");
	struct endpoint e = correlate_endpoint(&ev->victim);
	j_str(&w, "victim", fmt_endpoint(&e, buf, sizeof buf));
	j_str(&w, "relay", fmt_address(ev->relay_server.family, ev->relay_server.addr, buf,
				       sizeof buf));
	e = correlate_endpoint(&ev->target);
	j_str(&w, "target", fmt_endpoint(&e, buf, sizeof buf));
	j_str(&w, "user", ev->user[0] ? ev->user : NULL);
	j_str(&w, "domain", ev->domain[0] ? ev->domain : NULL);
	j_open(&w, "evidence", '[');
	tok_each_bit(relay_evidence_bits, ev->evidence, name_cb, &w);
	j_close(&w, ']');
	j_open(&w, "frames", '[');
	for (unsigned i = 0; i < ev->nframes; i++) {
		fputs(i ? "," : "", o->f);
		fprintf(o->f, "%llu", (unsigned long long)ev->frames[i]);
	}
	w.first = false;
	j_close(&w, ']');
	/* extensions: the relay host's port towards the victim, the target's signing */
	j_u64(&w, "relay_port", ev->relay_server.port);
	j_str(&w, "target_signing", signing_names[r->target_signing]);
	j_bool(&w, "target_session_established", r->target_session_ok);
	j_close(&w, '}');
	fputc('\n', o->f);
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
	j_open(&w, NULL, '{');
	j_str(&w, "event", "prediction");
	j_str(&w, "profile", p->name);
	j_str(&w, "server", fmt_address(x->family, x->addr, addr, sizeof addr));
	j_str(&w, "protocol", pr->protocol);
	j_str(&w, "logon", pr->guest_logon ? "guest" : "user");
	j_str(&w, "verdict", pr->verdict);
	j_str(&w, "error", pr->error);
	j_str(&w, "reason", pr->reason);
	j_str(&w, "fix", pr->fix);
	j_close(&w, '}');
	fputc('\n', o->f);
}

static void j_stats(struct jw *w, const struct flow_stats *st)
{
	j_u64(w, "frames", st->frames);
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
	j_open(&w, NULL, '{');
	j_str(&w, "event", "file");
	j_str(&w, "file", o->file);
	j_str(&w, "error", error);
	j_stats(&w, st);
	j_close(&w, '}');
	fputc('\n', o->f);
}

static void json_summary(struct out *o, const struct tally *t)
{
	struct jw w = {o->f, true};
	j_open(&w, NULL, '{');
	j_str(&w, "event", "summary");
	j_u64(&w, "files", t->files);
	j_u64(&w, "files_failed", t->files_failed);
	j_u64(&w, "conversations", t->conversations);
	j_u64(&w, "smb1_conversations", t->smb1_conversations);
	j_open(&w, "verdicts", '{');
	for (int i = 0; i < V_COUNT; i++)
		j_u64(&w, verdict_names[i], t->verdicts[i]);
	j_close(&w, '}');
	j_stats(&w, &t->totals);
	if (t->live_stats) {
		j_u64(&w, "packets_received", t->received);
		j_u64(&w, "packets_dropped", t->dropped);
		j_u64(&w, "packets_ifdropped", t->ifdropped);
	}
	j_close(&w, '}');
	fputc('\n', o->f);
}

static void j_names(struct jw *w, const char *k, uint8_t bits, const char *const *names)
{
	j_open(w, k, '[');
	for (int i = 0; names[i]; i++)
		if (bits & (1u << i))
			name_cb(names[i], w);
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
		name_cb(x->users[i], w);
	j_close(w, ']');
	j_u64(w, "users_dropped", x->users_dropped);
}

/* --hosts: one `host` event per server, in order of first appearance. */
static void json_hosts(struct out *o, const struct tally *t)
{
	size_t n;
	struct host **all = host_table_sorted(&t->host_table, &n);
	if (!all)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct host *x = all[i];
		char addr[64];
		struct jw w = {o->f, true};
		j_open(&w, NULL, '{');
		j_str(&w, "event", "host");
		if (o->hosts_per_file)
			j_str(&w, "file", o->file);
		j_str(&w, "server", fmt_address(x->family, x->addr, addr, sizeof addr));
		j_u64(&w, "conversations", x->conversations);
		j_bool(&w, "smb1", x->smb1);
		j_open(&w, "smb1_security_modes", '[');
		for (unsigned m = 0; m < 16; m++) {
			if (!(x->smb1_modes & (1u << m)))
				continue;
			if (!w.first)
				fputc(',', w.f);
			w.first = false;
			fprintf(w.f, "%u", m);
		}
		j_close(&w, ']');
		j_str(&w, "max_smb2_dialect",
		      x->max_dialect ? tok_str(smb2_dialect_names, x->max_dialect, "unknown")
				     : NULL);
		j_str(&w, "signing", host_signing_names[host_signing(x)]);
		j_open(&w, "server_signing_seen", '[');
		for (int s = 1; s < SIGNING_COUNT; s++)
			if (x->signing_seen & (1u << s))
				name_cb(signing_names[s], &w);
		j_close(&w, ']');
		j_bool(&w, "relay_target", host_relay_target(x));
		j_str(&w, "relay_list", host_relay_names[host_relay(x)]); /* --relay-list */
		j_u64(&w, "sessions_accepted", x->sessions_accepted);
		j_u64(&w, "relayable_sessions", x->relayable_sessions);
		j_u64(&w, "guest_sessions", x->guest_sessions);
		j_u64(&w, "downgrades", x->downgrades);
		j_host_identity(&w, x);
		j_open(&w, "verdicts", '{');
		for (int k = 0; k < V_COUNT; k++)
			j_u64(&w, verdict_names[k], x->verdicts[k]);
		j_close(&w, '}');
		j_close(&w, '}');
		fputc('\n', o->f);
	}
	free(all);
}

const struct out_ops out_json_ops = {
	.event = json_event,
	.conversation = json_conversation,
	.relay = json_relay,
	.prediction = json_prediction,
	.end_file = json_file,
	.hosts = json_hosts,
	.summary = json_summary,
};
