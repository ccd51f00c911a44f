/* verdict: settings, prediction and verdict (SPEC "Verdicts"; KB 916846,
 * KB 887429, KB 2686098, MS-SMB2 3.2.5.3.1 / 3.3.5.5.3). */
#include "smbneg/verdict.h"

#include "smbneg/smb_const.h"

#include <stdio.h>
#include <string.h>

const char *const signing_names[SIGNING_COUNT] = {"unknown", "disabled", "enabled", "required"};
const char *const confidence_names[] = {"none", "low", "medium", "high"};
const char *const verdict_names[V_COUNT] = {
	"signed", "not-signed", "mismatch-no-communication", "mismatch-access-denied",
	"guest-blocked", "secure-negotiate-failed", "invalid-signature", "incomplete",
};
const char *const kb_outcome_names[] = {"signed", "not signed", "no communication"};

/* KB 916846 "Interoperability matrix for SMB signing", as published:
 * rows are the client, columns the server; within each, patched first, then
 * unpatched, each ordered required, enabled, disabled. */
#define S KB_SIGNED
#define N KB_NOT_SIGNED
#define X KB_NO_COMMUNICATION
static const enum kb_outcome kb916846[2][3][2][3] = {
	/* client patched */
	{
		/* required */ {{S, S, S}, {S, S, X}},
		/* enabled  */ {{S, S, N}, {S, S, N}},
		/* disabled */ {{S, N, N}, {S, N, N}},
	},
	/* client unpatched */
	{
		/* required */ {{S, S, X}, {S, S, X}},
		/* enabled  */ {{S, S, N}, {S, S, N}},
		/* disabled */ {{X, N, N}, {X, N, N}},
	},
};
#undef S
#undef N
#undef X

static int kb_index(enum signing s)
{
	return s == SIGNING_REQUIRED ? 0 : s == SIGNING_ENABLED ? 1 : 2;
}

enum kb_outcome kb916846_outcome(bool client_patched, enum signing client, bool server_patched,
				 enum signing server)
{
	return kb916846[client_patched ? 0 : 1][kb_index(client)][server_patched ? 0 : 1]
		       [kb_index(server)];
}

enum verdict_kind verdict_from_name(const char *name)
{
	for (int i = 0; i < V_COUNT; i++)
		if (strcmp(name, verdict_names[i]) == 0)
			return (enum verdict_kind)i;
	return V_COUNT;
}

/* ---- each side's setting ---- */

static enum signing from_bits(unsigned mode, unsigned enabled_bit, unsigned required_bit)
{
	if (mode & required_bit)
		return SIGNING_REQUIRED;
	if (mode & enabled_bit)
		return SIGNING_ENABLED;
	return SIGNING_DISABLED;
}

static void set_side(struct side_signing *sd, enum signing st, enum confidence cf, const char *src,
		     int raw)
{
	sd->setting = st;
	sd->confidence = cf;
	sd->source = src;
	sd->raw = raw;
}

static void infer_server(const struct conv_smb *s, struct side_signing *sd)
{
	set_side(sd, SIGNING_UNKNOWN, CONF_NONE, "none", -1);
	if (s->smb2_resp_seen && s->smb2_resp_status == NT_STATUS_SUCCESS) {
		/* MS-SMB2 2.2.4 */
		unsigned m = s->smb2_resp.security_mode;
		set_side(sd, from_bits(m, SMB2_NEGOTIATE_SIGNING_ENABLED, SMB2_NEGOTIATE_SIGNING_REQUIRED),
			 CONF_HIGH, "smb2-negotiate-response", (int)m);
	} else if (s->smb1_resp_seen && s->smb1_resp.has_security_mode) {
		unsigned m = s->smb1_resp.security_mode;
		if (s->smb1_resp.word_count == 13) /* LANMAN: no signing at all */
			set_side(sd, SIGNING_DISABLED, CONF_HIGH, "smb1-lanman-negotiate-response", (int)m);
		else /* MS-CIFS 2.2.4.52.2, KB 887429: 3 / 7 / 15 */
			set_side(sd,
				 from_bits(m, SMB1_SECMODE_SIGNATURES_ENABLED,
					   SMB1_SECMODE_SIGNATURES_REQUIRED),
				 CONF_HIGH, "smb1-negotiate-response", (int)m);
	}
}

/* SMB1 clients show their intent only in Flags2, and set the bits by habit in
 * the Negotiate request; the Session Setup request and the signatures the
 * client actually sends say more (SPEC "Verdicts", MS-SMB 2.2.3.1). */
static void infer_smb1_client(const struct conv_smb *s, struct side_signing *sd)
{
	const unsigned bits = SMB1_FLAGS2_SECURITY_SIGNATURE | SMB1_FLAGS2_SECURITY_SIGNATURE_REQUIRED;
	unsigned f;
	enum confidence cf;
	const char *src;
	if (s->sess_req_seen) {
		f = s->sess_req_flags2 & bits;
		cf = CONF_MEDIUM;
		src = "smb1-session-setup-flags2";
	} else if (s->smb1_req_seen) {
		f = s->smb1_req_flags2 & bits;
		cf = CONF_LOW;
		src = "smb1-negotiate-flags2";
	} else {
		return;
	}
	enum signing st = from_bits(f, SMB1_FLAGS2_SECURITY_SIGNATURE,
				    SMB1_FLAGS2_SECURITY_SIGNATURE_REQUIRED);
	if (s->ordinary[0].signed_msgs > 0 && st != SIGNING_REQUIRED) {
		/* It signed, so signing was at least enabled. */
		st = SIGNING_ENABLED;
		cf = CONF_HIGH;
		src = "smb1-signed-requests";
	}
	set_side(sd, st, cf, src, (int)f);
}

static void infer_client(const struct conv_smb *s, int version, struct side_signing *sd)
{
	set_side(sd, SIGNING_UNKNOWN, CONF_NONE, "none", -1);
	if (version == 2) {
		/* MS-SMB2 2.2.3 / 2.2.5 SecurityMode */
		if (s->smb2_req_seen) {
			unsigned m = s->smb2_req.security_mode;
			set_side(sd,
				 from_bits(m, SMB2_NEGOTIATE_SIGNING_ENABLED,
					   SMB2_NEGOTIATE_SIGNING_REQUIRED),
				 CONF_HIGH, "smb2-negotiate-request", (int)m);
		} else if (s->smb2_sess_req_seen) {
			unsigned m = s->sess_req_security_mode;
			set_side(sd,
				 from_bits(m, SMB2_NEGOTIATE_SIGNING_ENABLED,
					   SMB2_NEGOTIATE_SIGNING_REQUIRED),
				 CONF_HIGH, "smb2-session-setup-request", (int)m);
		}
		return;
	}
	if (version == 1)
		infer_smb1_client(s, sd);
}

/* ---- prediction ---- */

static unsigned predict(int version, enum signing client, enum signing server)
{
	if (client == SIGNING_UNKNOWN || server == SIGNING_UNKNOWN)
		return 0;
	if (version == 2) /* MS-SMB2 3.2.5.3.1: signed when either side requires */
		return 1u << (client == SIGNING_REQUIRED || server == SIGNING_REQUIRED ? KB_SIGNED
											: KB_NOT_SIGNED);
	unsigned out = 0;
	for (int cp = 0; cp < 2; cp++)
		for (int sp = 0; sp < 2; sp++)
			out |= 1u << kb916846_outcome(cp, client, sp, server);
	return out;
}

static void describe_prediction(unsigned predicted, char *buf, size_t size)
{
	if (predicted == (1u << KB_NO_COMMUNICATION) || predicted == (1u << KB_SIGNED) ||
	    predicted == (1u << KB_NOT_SIGNED)) {
		for (int o = 0; o < 3; o++)
			if (predicted == 1u << o)
				snprintf(buf, size, "%s", kb_outcome_names[o]);
		return;
	}
	snprintf(buf, size, "%s%s%s (depends on whether each peer has the KB 916846 behaviour)",
		 predicted & (1u << KB_SIGNED) ? "signed" : "",
		 predicted & (1u << KB_NOT_SIGNED) ? " or not signed" : "",
		 predicted & (1u << KB_NO_COMMUNICATION) ? " or no communication" : "");
}

/* ---- the verdict ---- */

static const char *status_name(uint32_t st, char *buf, size_t size)
{
	const char *n = tok_name(ntstatus_names, st);
	if (n)
		snprintf(buf, size, "%s (0x%08X)", n, (unsigned)st);
	else
		snprintf(buf, size, "0x%08X", (unsigned)st);
	return buf;
}

/* Secure Negotiate (MS-SMB2 3.2.5.14.12): the response must be signed and
 * repeat the server's Negotiate response. Returns a description of the
 * failure, or NULL when it passed or was not seen. */
static const char *secure_negotiate_failure(const struct conv_smb *s)
{
	if (!s->vn_resp_seen)
		return NULL;
	if (!s->vn_resp_signed)
		return s->vn_status ? "the server answered FSCTL_VALIDATE_NEGOTIATE_INFO with an unsigned error"
				    : "the server's FSCTL_VALIDATE_NEGOTIATE_INFO response was not signed";
	if (s->vn_status != NT_STATUS_SUCCESS || !s->vn_resp.is_validate)
		return NULL; /* a signed error (e.g. NOT_SUPPORTED) is acceptable */
	if (s->smb2_resp_seen &&
	    (s->vn_resp.capabilities != s->smb2_resp.capabilities ||
	     memcmp(s->vn_resp.guid, s->smb2_resp.server_guid, 16) != 0 ||
	     s->vn_resp.security_mode != s->smb2_resp.security_mode ||
	     s->vn_resp.dialect != s->smb2_resp.dialect))
		return "the FSCTL_VALIDATE_NEGOTIATE_INFO response differs from the Negotiate response "
		       "(a downgrade or a tampered negotiation)";
	return NULL;
}

void verdict_compute(const struct conv *c, struct verdict *v)
{
	memset(v, 0, sizeof *v);
	const struct conv_smb *s = c->smb;
	set_side(&v->client, SIGNING_UNKNOWN, CONF_NONE, "none", -1);
	set_side(&v->server, SIGNING_UNKNOWN, CONF_NONE, "none", -1);
	v->verdict = V_INCOMPLETE;
	if (!s) {
		snprintf(v->reason, sizeof v->reason, "no SMB message was seen");
		return;
	}
	v->smb_version = s->version ? s->version
			 : s->smb2_resp_seen || s->smb2_req_seen ? 2
			 : s->smb1_resp_seen || s->smb1_req_seen ? 1
								 : 0;
	infer_server(s, &v->server);
	infer_client(s, v->smb_version, &v->client);
	v->predicted = predict(v->smb_version, v->client.setting, v->server.setting);

	char pred[160], st[80];
	describe_prediction(v->predicted, pred, sizeof pred);
	uint32_t ord_signed = s->ordinary[0].signed_msgs + s->ordinary[1].signed_msgs;
	uint32_t ord_unsigned = s->ordinary[0].unsigned_msgs + s->ordinary[1].unsigned_msgs;
	bool negotiated = (s->smb2_resp_seen && s->smb2_resp_status == NT_STATUS_SUCCESS) ||
			  (s->smb1_resp_seen && s->smb1_resp.word_count > 0);
	bool any_negotiate = negotiated || s->smb1_req_seen || s->smb2_req_seen;
	bool closed = c->fin[0] || c->fin[1] || c->rst;
	bool client_req = v->client.setting == SIGNING_REQUIRED;
	bool server_req = v->server.setting == SIGNING_REQUIRED;
	const char *sn_fail = secure_negotiate_failure(s);
	v->encrypted = s->session_ok && (s->encrypted[0] || s->encrypted[1]);

	if (s->invalid_signature) {
		v->verdict = V_INVALID_SIGNATURE;
		snprintf(v->reason, sizeof v->reason,
			 "the server rejected a message with STATUS_INVALID_SIGNATURE (frame %llu); "
			 "Windows shows 0xC000A000 (-1073700864) \"The cryptographic signature is invalid.\"",
			 (unsigned long long)s->invalid_signature_frame);
	} else if (sn_fail) {
		v->verdict = V_SECURE_NEGOTIATE_FAILED;
		snprintf(v->reason, sizeof v->reason,
			 "Secure Negotiate failed: %s; Windows 8 / Server 2012 and later show "
			 "\"System error 2148073478\" (0x80090006, Invalid Signature)", sn_fail);
	} else if (s->guest_blocked_status ||
		   ((s->session_guest || s->session_null) && client_req && ord_signed == 0)) {
		v->verdict = V_GUEST_BLOCKED;
		snprintf(v->reason, sizeof v->reason,
			 "the server granted a %s session, which cannot be signed, while the client "
			 "requires signing%s%s; Windows shows System error 1272 (0xC05D0002, guest access "
			 "blocked) or 3227320323 (0xC05D0003)",
			 s->session_null ? "null (anonymous)" : "guest",
			 s->guest_blocked_status ? ": status " : "",
			 s->guest_blocked_status ? status_name(s->guest_blocked_code, st, sizeof st) : "");
	} else if ((ord_signed > 0 && (ord_unsigned == 0 || client_req || server_req)) ||
		   (v->encrypted && ord_unsigned == 0 && (client_req || server_req))) {
		/* Signed traffic; unsigned messages beside it are tolerated only
		 * where a side required signing (they are then the exception). */
		v->verdict = V_SIGNED;
		if (ord_signed == 0)
			snprintf(v->note, sizeof v->note,
				 "traffic after Session Setup was encrypted (SMB 3.x), which also protects integrity");
		else if (ord_unsigned > 0)
			snprintf(v->note, sizeof v->note,
				 "%u of %u messages after Session Setup were not signed",
				 (unsigned)ord_unsigned, (unsigned)(ord_signed + ord_unsigned));
		else if (v->predicted && !(v->predicted & (1u << KB_SIGNED)))
			snprintf(v->note, sizeof v->note,
				 "the settings predict %s, but the peers signed", pred);
		else if (v->predicted & (1u << KB_NO_COMMUNICATION))
			snprintf(v->note, sizeof v->note,
				 "KB 916846 predicts %s; these peers signed", pred);
	} else if (s->tree_connect_status == NT_STATUS_ACCESS_DENIED && !s->tree_connect_ok &&
		   server_req && !client_req) {
		v->verdict = V_MISMATCH_ACCESS_DENIED;
		if (s->session_guest || s->session_null)
			snprintf(v->reason, sizeof v->reason,
				 "the server requires signing and granted a %s session, which cannot be "
				 "signed: Tree Connect failed with STATUS_ACCESS_DENIED (0xC0000022); Windows "
				 "shows System error 5 \"Access is denied.\"",
				 s->session_null ? "null (anonymous)" : "guest");
		else
			snprintf(v->reason, sizeof v->reason,
				 "the server requires signing and the client did not sign (client %s): Tree "
				 "Connect failed with STATUS_ACCESS_DENIED (0xC0000022); Windows shows System "
				 "error 5 \"Access is denied.\"",
				 signing_names[v->client.setting]);
	} else if (negotiated && !s->sess_req_seen && closed && server_req &&
		   v->client.setting == SIGNING_DISABLED) {
		v->verdict = V_MISMATCH_ACCESS_DENIED;
		snprintf(v->reason, sizeof v->reason,
			 "the server requires signing and the client has it disabled: the client gave up "
			 "after Negotiate (Samba's smbclient prints NT_STATUS_ACCESS_DENIED; Windows clients "
			 "fail Tree Connect with STATUS_ACCESS_DENIED, System error 5 \"Access is denied.\")");
	} else if (negotiated && !s->sess_req_seen && closed) {
		if (client_req && v->server.setting == SIGNING_DISABLED && v->smb_version == 1) {
			v->verdict = V_MISMATCH_NO_COMMUNICATION;
			snprintf(v->reason, sizeof v->reason,
				 "the client requires signing and the server has it disabled (SecurityMode "
				 "0x%02x): the client closed the connection after Negotiate; Windows shows "
				 "System error 1240 \"The account is not authorized to log in from this station.\"",
				 (unsigned)v->server.raw);
		} else {
			snprintf(v->reason, sizeof v->reason,
				 "the client closed the connection after Negotiate without a Session Setup "
				 "(a probe such as nmap's, or a client that gave up; settings predict %s)",
				 v->predicted ? pred : "nothing");
		}
	} else if (v->encrypted && ord_unsigned == 0) {
		/* MS-SMB2 3.1.4.3: encryption protects this session, but no side
		 * requires signing, so a relayed session need not sign. */
		v->verdict = V_NOT_SIGNED;
		snprintf(v->reason, sizeof v->reason,
			 "neither side requires signing (client %s, server %s); this client chose to "
			 "encrypt its traffic (SMB 3.x), which protects this session, but the server "
			 "still accepts unsigned sessions and is an NTLM relay target",
			 signing_names[v->client.setting], signing_names[v->server.setting]);
	} else if (ord_unsigned > 0) {
		v->verdict = V_NOT_SIGNED;
		if (client_req || server_req)
			snprintf(v->reason, sizeof v->reason,
				 "signing is required (client %s, server %s) yet traffic after Session Setup "
				 "flowed unsigned%s; no error is shown, but this session can be tampered with",
				 signing_names[v->client.setting], signing_names[v->server.setting],
				 s->session_guest || s->session_null
					 ? ": the server exempted this guest/anonymous session from signing"
					 : "");
		else
			snprintf(v->reason, sizeof v->reason,
				 "neither side requires signing (client %s, server %s): traffic after Session "
				 "Setup flowed unsigned; no error is shown, but the session can be tampered "
				 "with and the server is an NTLM relay target",
				 signing_names[v->client.setting], signing_names[v->server.setting]);
		if ((s->session_guest || s->session_null) && !client_req && !server_req)
			snprintf(v->note, sizeof v->note, "the session was a %s session",
				 s->session_null ? "null (anonymous)" : "guest");
	} else if (s->session_fail_status) {
		snprintf(v->reason, sizeof v->reason,
			 "Session Setup failed with %s, so no traffic followed (an authentication "
			 "problem, not a signing one; settings predict %s)",
			 status_name(s->session_fail_status, st, sizeof st), v->predicted ? pred : "nothing");
	} else if (s->tree_connect_status) {
		snprintf(v->reason, sizeof v->reason,
			 "Tree Connect failed with %s and no traffic followed (settings predict %s)",
			 status_name(s->tree_connect_status, st, sizeof st), v->predicted ? pred : "nothing");
	} else if (!any_negotiate && (c->anomalies & ANOM_BIT(ANOM_TRUNCATED_MESSAGE))) {
		snprintf(v->reason, sizeof v->reason,
			 "the capture cut the SMB messages short (a small snaplen, or lost packets), so the "
			 "Negotiate could not be read; capture with tcpdump -s 0");
	} else if (!any_negotiate) {
		uint32_t all_s = s->after_negotiate[0].signed_msgs + s->after_negotiate[1].signed_msgs;
		uint32_t all_u = s->after_negotiate[0].unsigned_msgs + s->after_negotiate[1].unsigned_msgs;
		snprintf(v->reason, sizeof v->reason,
			 "the capture does not hold the Negotiate (it starts mid-stream); %u of %u messages "
			 "seen were signed",
			 (unsigned)all_s, (unsigned)(all_s + all_u));
	} else if (!negotiated) {
		snprintf(v->reason, sizeof v->reason,
			 "no successful Negotiate response was seen%s",
			 closed ? " before the connection closed" : " (the capture ends first)");
	} else {
		snprintf(v->reason, sizeof v->reason,
			 "the capture ends before any traffic after Session Setup (settings predict %s)",
			 v->predicted ? pred : "nothing");
	}
}
