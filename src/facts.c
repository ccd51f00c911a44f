/* facts: the read-only summary of a conversation (see include/smbneg/facts.h). */
#include "smbneg/facts.h"

#include "smbneg/knowledge.h"
#include "smbneg/smb_const.h"

#include <string.h>

const char *const signing_names[SIGNING_COUNT] = {"unknown", "disabled", "enabled", "required"};
const char *const confidence_names[] = {"none", "low", "medium", "high"};

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
	memcpy(f->sessions, s->sessions, sizeof f->sessions);
}

void facts_build(const struct conv *c, struct facts *f)
{
	memset(f, 0, sizeof *f);
	set_side(&f->client, SIGNING_UNKNOWN, CONF_NONE, "none", -1);
	set_side(&f->server, SIGNING_UNKNOWN, CONF_NONE, "none", -1);
	f->closed = c->fin[0] || c->fin[1] || c->rst;
	f->cut_short = (c->anomalies & ANOM_BIT(ANOM_TRUNCATED_MESSAGE)) != 0;
	if (!c->smb)
		return;
	f->smb_seen = true;
	what_was_asked(c->smb, f);
	what_the_wire_showed(c->smb, f);
	f->indicators = c->smb->ind.fired;
}
