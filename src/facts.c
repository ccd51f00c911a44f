/* facts: the read-only summary of a conversation (see include/smbneg/facts.h). */
#include "smbneg/facts.h"

#include "smbneg/fmt.h"
#include "smbneg/knowledge.h"
#include "smbneg/smb_const.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

const char *const signing_names[SIGNING_COUNT] = {"unknown", "disabled", "enabled", "required"};
const char *const confidence_names[] = {"none", "low", "medium", "high"};
const char *const protection_names[PROT_COUNT] = {NULL, "none", "signing", "encryption"};

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
		set_side(
		    sd,
		    from_bits(m, SMB2_NEGOTIATE_SIGNING_ENABLED, SMB2_NEGOTIATE_SIGNING_REQUIRED),
		    CONF_HIGH, "smb2-negotiate-response", (int)m);
	} else if (s->smb1_resp_seen && s->smb1_resp.has_security_mode) {
		unsigned m = s->smb1_resp.security_mode;
		if (s->smb1_resp.word_count == 13) /* LANMAN: no signing at all */
			set_side(sd, SIGNING_DISABLED, CONF_HIGH, "smb1-lanman-negotiate-response",
				 (int)m);
		else /* MS-CIFS 2.2.4.52.2, KB 887429: 3 / 7 / 15 */
			set_side(sd,
				 from_bits(m, SMB1_SECMODE_SIGNATURES_ENABLED,
					   SMB1_SECMODE_SIGNATURES_REQUIRED),
				 CONF_HIGH, "smb1-negotiate-response", (int)m);
	}
}

/* SMB1 clients show their intent only in Flags2, and set the bits by habit in
 * the Negotiate request; the Session Setup request and the signatures the
 * client actually sends say more (MS-SMB 2.2.3.1; KB 887429). */
static void infer_smb1_client(const struct conv_smb *s, struct side_signing *sd)
{
	const unsigned bits =
	    SMB1_FLAGS2_SECURITY_SIGNATURE | SMB1_FLAGS2_SECURITY_SIGNATURE_REQUIRED;
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
		unsigned m =
		    s->smb2_req_seen ? s->smb2_req.security_mode : s->sess_req_security_mode;
		if (s->smb2_req_seen || s->smb2_sess_req_seen)
			set_side(sd,
				 from_bits(m, SMB2_NEGOTIATE_SIGNING_ENABLED,
					   SMB2_NEGOTIATE_SIGNING_REQUIRED),
				 CONF_HIGH,
				 s->smb2_req_seen ? "smb2-negotiate-request"
						  : "smb2-session-setup-request",
				 (int)m);
		return;
	}
	if (version == 1)
		infer_smb1_client(s, sd);
}

/* ---- what the settings predict ---- */

static unsigned predict(int version, enum signing client, enum signing server)
{
	if (client == SIGNING_UNKNOWN || server == SIGNING_UNKNOWN)
		return 0;
	if (version == 2) /* MS-SMB2 3.2.5.3.1: signed when either side requires */
		return 1u << (client == SIGNING_REQUIRED || server == SIGNING_REQUIRED
				  ? KB_SIGNED
				  : KB_NOT_SIGNED);
	unsigned out = 0;
	for (int cp = 0; cp < 2; cp++)
		for (int sp = 0; sp < 2; sp++)
			out |= 1u << kb916846_outcome(cp, client, sp, server);
	return out;
}

/* MS-SMB2 3.2.5.14.12: the response must be signed and repeat the server's
 * Negotiate response; a signed error (e.g. NOT_SUPPORTED) is acceptable. */
static enum secure_negotiate secure_negotiate(const struct conv_smb *s)
{
	if (!s->vn_resp_seen)
		return SN_NOT_SEEN;
	if (!s->vn_resp_signed)
		return s->vn_status ? SN_UNSIGNED_ERROR : SN_UNSIGNED;
	if (s->vn_status != NT_STATUS_SUCCESS || !s->vn_resp.is_validate)
		return SN_PASSED;
	if (s->smb2_resp_seen &&
	    (s->vn_resp.capabilities != s->smb2_resp.capabilities ||
	     memcmp(s->vn_resp.guid, s->smb2_resp.server_guid, 16) != 0 ||
	     s->vn_resp.security_mode != s->smb2_resp.security_mode ||
	     s->vn_resp.dialect != s->smb2_resp.dialect))
		return SN_MISMATCH;
	return SN_PASSED;
}

/* ---- the facts ---- */

static void what_was_asked(const struct conv_smb *s, struct facts *f)
{
	f->smb_version = s->version ? s->version
			 : s->smb2_resp_seen || s->smb2_req_seen ? 2
			 : s->smb1_resp_seen || s->smb1_req_seen ? 1
								 : 0;
	infer_server(s, &f->server);
	infer_client(s, f->smb_version, &f->client);
	f->predicted = predict(f->smb_version, f->client.setting, f->server.setting);
	f->client_requires = f->client.setting == SIGNING_REQUIRED;
	f->server_requires = f->server.setting == SIGNING_REQUIRED;
	bool smb2_ok = s->smb2_resp_seen && s->smb2_resp_status == NT_STATUS_SUCCESS;
	f->negotiated = smb2_ok || (s->smb1_resp_seen && s->smb1_resp.word_count > 0);
	f->any_negotiate = f->negotiated || s->smb1_req_seen || s->smb2_req_seen;
	f->smb2_chosen = smb2_ok;
	f->smb2_dialect = smb2_ok ? s->smb2_resp.dialect : 0;
	if (s->smb1_resp_seen)
		memcpy(f->smb1_dialect, s->smb1_dialect, sizeof f->smb1_dialect);
	f->smb1_accepted = f->smb_version == 1 && s->smb1_resp_seen &&
			   s->smb1_resp.word_count >= 13 && s->smb1_resp.dialect_index != 0xFFFF;
	f->smb1_has_mode = s->smb1_resp_seen && s->smb1_resp.has_security_mode;
	f->smb1_security_mode = s->smb1_resp.security_mode;
	f->session_setup_requested = s->sess_req_seen;
}

static void what_the_wire_showed(const struct conv_smb *s, struct facts *f)
{
	for (int r = 0; r < 2; r++) {
		f->after_negotiate[r].signed_msgs = s->after_negotiate[r].signed_msgs;
		f->after_negotiate[r].unsigned_msgs = s->after_negotiate[r].unsigned_msgs;
		f->after_session[r].signed_msgs = s->ordinary[r].signed_msgs;
		f->after_session[r].unsigned_msgs = s->ordinary[r].unsigned_msgs;
		f->signed_after_session += s->ordinary[r].signed_msgs;
		f->unsigned_after_session += s->ordinary[r].unsigned_msgs;
		f->signed_after_negotiate += s->after_negotiate[r].signed_msgs;
		f->unsigned_after_negotiate += s->after_negotiate[r].unsigned_msgs;
		f->encrypted_msgs += s->encrypted[r];
		f->compressed_msgs += s->compressed[r];
	}
	f->encrypted = s->session_ok && f->encrypted_msgs > 0;
	f->session_ok = s->session_ok;
	f->guest = s->session_guest;
	f->anonymous = s->session_null;
	f->session_fail_status = s->session_fail_status;
	f->tree_connect_ok = s->tree_connect_ok;
	f->tree_connect_status = s->tree_connect_status;
	f->invalid_signature = s->invalid_signature;
	f->invalid_signature_frame = s->invalid_signature_frame;
	f->guest_blocked_status = s->guest_blocked_status;
	f->guest_blocked_code = s->guest_blocked_code;
	f->secure_negotiate = secure_negotiate(s);
	f->nsessions = s->nsessions;
	f->sessions_dropped = s->sessions_dropped;
	if (s->nsessions)
		memcpy(f->sessions, s->sessions, s->nsessions * sizeof f->sessions[0]);
}

/* ---- negotiation and logon failures (README "Verdicts": negotiate-failed, logon-failed) ---- */

static void append(char *buf, size_t size, const char *piece)
{
	size_t at = strlen(buf);
	if (at + 1 >= size)
		return;
	snprintf(buf + at, size - at, "%s%s", at ? ", " : "", piece);
}

/* What the client offered: SMB1 dialect strings (escaped later by the
 * renderer), or SMB2 dialect revisions by name. */
static void client_dialects(const struct conv_smb *s, char *buf, size_t size)
{
	char hex[8];
	buf[0] = '\0';
	if (s->smb2_req_seen) {
		for (unsigned i = 0; i < s->smb2_req.dialects_kept; i++)
			append(buf, size,
			       fmt_id_name(smb2_dialect_names, s->smb2_req.dialects[i], hex,
					   sizeof hex));
	} else if (s->smb1_req_seen) {
		for (unsigned i = 0; i < s->smb1_req.dialects_kept; i++)
			append(buf, size, s->smb1_req.dialects[i]);
	}
}

static enum negotiate_failure negotiate_failure(const struct conv_smb *s, const struct facts *f)
{
	if (f->negotiated) {
		if (s->smb1_resp_seen && s->smb1_resp.word_count == 1 &&
		    s->smb1_resp.dialect_index == 0xFFFF)
			return NEG_NO_DIALECT; /* MS-CIFS 2.2.4.52.2 */
		return NEG_OK;
	}
	if (s->smb2_resp_seen && s->smb2_resp_status != NT_STATUS_SUCCESS)
		return NEG_ERROR_STATUS; /* MS-SMB2 3.3.5.4 */
	if (s->smb1_resp_seen && s->smb1_resp_status != NT_STATUS_SUCCESS)
		return NEG_ERROR_STATUS;
	if (!s->smb1_resp_seen && !s->smb2_resp_seen && (s->smb1_req_seen || s->smb2_req_seen) &&
	    f->server_closed && !f->cut_short)
		return NEG_UNANSWERED;
	return NEG_OK;
}

/* The status of the last Session Setup exchange when it failed and no
 * exchange succeeded after it: a later successful attempt wins. */
static uint32_t logon_failure(const struct conv_smb *s)
{
	for (unsigned i = s->nsessions; i-- > 0;) {
		const struct smb_session *x = &s->sessions[i];
		if (!x->final)
			continue;
		return x->ok ? 0 : x->status;
	}
	return s->session_ok ? 0 : s->session_fail_status;
}

static void failures(const struct conv *c, const struct conv_smb *s, struct facts *f)
{
	int client = conv_client_index(c);
	f->server_closed = c->rst || (client >= 0 && c->fin[1 - client]);
	f->negotiate_failure = negotiate_failure(s, f);
	f->negotiate_status = s->smb2_resp_seen ? s->smb2_resp_status : s->smb1_resp_status;
	client_dialects(s, f->client_dialects, sizeof f->client_dialects);
	f->logon_fail_status = logon_failure(s);
	f->smb1_unsigned_logon = s->smb1_bsrspyl;
}

/* ---- protection and identity ---- */

/* SMB1 HMAC-MD5 (MS-CIFS 3.1.5.1); 2.x HMAC-SHA256; 3.0/3.0.2
 * AES-128-CMAC (MS-SMB2 3.1.4.1); 3.1.1 the SIGNING context of the
 * response (2.2.4.1.7), else AES-128-CMAC. */
static const char *signing_algorithm(const struct conv_smb *s, const struct facts *f)
{
	static const char *const alg[] = {"HMAC-SHA256", "AES-128-CMAC", "AES-128-GMAC"};
	if (f->smb_version == 1)
		return f->smb1_accepted && s->smb1_resp.word_count == 17 ? "HMAC-MD5" : NULL;
	if (!f->smb2_chosen || f->smb2_dialect == 0x02FF)
		return NULL;
	if (f->smb2_dialect < 0x0300)
		return alg[0];
	if (f->smb2_dialect == 0x0311)
		for (unsigned i = 0; i < s->smb2_resp.contexts.kept; i++) {
			const struct smb2_context *c = &s->smb2_resp.contexts.c[i];
			if (c->type == SMB2_SIGNING_CAPABILITIES && c->ids_kept > 0)
				return c->ids[0] < 3 ? alg[c->ids[0]] : NULL;
		}
	return alg[1];
}

/* The 3.1.1 response's ENCRYPTION context (MS-SMB2 2.2.4.1.2; 0 = none);
 * 3.0/3.0.2 encrypt with AES-128-CCM (3.1.4.3) when they encrypt at all. */
static const char *cipher(const struct conv_smb *s, const struct facts *f)
{
	if (!f->smb2_chosen)
		return NULL;
	if (f->smb2_dialect == 0x0311) {
		for (unsigned i = 0; i < s->smb2_resp.contexts.kept; i++) {
			const struct smb2_context *c = &s->smb2_resp.contexts.c[i];
			if (c->type == SMB2_ENCRYPTION_CAPABILITIES && c->ids_kept > 0)
				return tok_name(smb2_cipher_names, c->ids[0]);
		}
		return NULL;
	}
	bool encrypting = f->encrypted_msgs > 0 || f->encrypt_data;
	return (f->smb2_dialect == 0x0300 || f->smb2_dialect == 0x0302) && encrypting
		   ? "AES-128-CCM"
		   : NULL;
}

enum protection facts_protection(const struct facts *f)
{
	if (f->encrypted || (f->session_ok && f->encrypt_data))
		return PROT_ENCRYPTION;
	if (f->signed_after_session > 0 &&
	    (f->unsigned_after_session == 0 || f->client_requires || f->server_requires))
		return PROT_SIGNING;
	if (f->signed_after_session + f->unsigned_after_session > 0)
		return PROT_NONE;
	return PROT_UNKNOWN;
}

static void protection_and_identity(const struct conv_smb *s, struct facts *f)
{
	for (unsigned i = 0; i < s->nsessions; i++) {
		const struct smb_session *x = &s->sessions[i];
		f->encrypt_data |= x->ok && x->encrypt_data;
		/* anonymous also from an empty NTLMSSP user (MS-NLMP 3.2.5.1.2) or SMB1 account */
		f->anonymous |= x->ok && x->anonymous;
		f->guest |= x->ok && x->guest;
	}
	f->protection = facts_protection(f);
	f->signing_algorithm = signing_algorithm(s, f);
	f->cipher = cipher(s, f);
	f->server_id = s->server_id;
	if (s->server_id.has_version)
		snprintf(f->server_os_version, sizeof f->server_os_version, "%u.%u.%u",
			 (unsigned)s->server_id.os_major, (unsigned)s->server_id.os_minor,
			 (unsigned)s->server_id.os_build);
}

const char *facts_session_who(const struct smb_session *x, char *buf, size_t size)
{
	if (x->anonymous)
		snprintf(buf, size, "anonymous");
	else if (x->guest)
		snprintf(buf, size, "guest");
	else if (x->has_names && x->user[0])
		snprintf(buf, size, "%s%s%s", x->domain, x->domain[0] ? "\\" : "", x->user);
	else if (x->has_krb && x->krb_realm[0])
		snprintf(buf, size, "%s", x->krb_realm);
	else
		snprintf(buf, size, "-");
	return buf;
}

bool facts_may_decide(const struct conv *c, uint32_t messages)
{
	const struct conv_smb *s = c->smb;
	if (!s)
		return false;
	/* the failures decided_by looks at, and a VALIDATE_NEGOTIATE response */
	if (s->invalid_signature || s->guest_blocked_status || s->tree_connect_status ||
	    s->session_fail_status || s->vn_resp_seen)
		return true;
	uint32_t n = 0;
	for (int r = 0; r < 2; r++)
		n += s->ordinary[r].signed_msgs + s->ordinary[r].unsigned_msgs + s->encrypted[r];
	return n >= messages;
}

void facts_build(const struct conv *c, struct facts *f)
{
	/* sessions[] past nsessions stays unset: readers stop at nsessions, and
	 * zeroing all SMB_MAX_SESSIONS of them cost more than the rest of the build */
	memset(f, 0, offsetof(struct facts, sessions));
	set_side(&f->client, SIGNING_UNKNOWN, CONF_NONE, "none", -1);
	set_side(&f->server, SIGNING_UNKNOWN, CONF_NONE, "none", -1);
	f->closed = c->fin[0] || c->fin[1] || c->rst;
	f->cut_short = (c->anomalies & ANOM_BIT(ANOM_TRUNCATED_MESSAGE)) != 0;
	if (!c->smb)
		return;
	f->smb_seen = true;
	what_was_asked(c->smb, f);
	what_the_wire_showed(c->smb, f);
	failures(c, c->smb, f);
	protection_and_identity(c->smb, f);
	f->indicators = c->smb->ind.fired;
}
