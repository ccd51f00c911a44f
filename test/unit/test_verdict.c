/* Unit tests for verdict: the KB 916846 interoperability matrix (every cell,
 * one cmocka test each, transcribed from the seed text
 * ../shared/seeds/004_1ad09c74900f4d27.txt, not from src/verdict.c), and
 * verdict_compute on hand-filled conversations. */
#include "testutil2.h"

#include "smbneg/smb_cmd.h"

#include "smbneg/conv.h"
#include "smbneg/smb_const.h"
#include "smbneg/verdict.h"

/* ---- KB 916846 "Interoperability matrix (text version)" ----
 *
 * Rows are the client (patched/unpatched x required/enabled/disabled),
 * columns the server in the order the seed prints them:
 *   Patched Required | Patched Enabled | Patched Disabled |
 *   Unpatched Required | Unpatched Enabled | Unpatched Disabled */
static const struct {
	const char *client_patch, *client_setting;
	const char *cells[6];
} kb_seed_rows[6] = {
	{"Patched", "Required",
	 {"Signed", "Signed", "Signed", "Signed", "Signed", "No communication"}},
	{"Patched", "Enabled",
	 {"Signed", "Signed", "Not signed", "Signed", "Signed", "Not signed"}},
	{"Patched", "Disabled",
	 {"Signed", "Not signed", "Not signed", "Signed", "Not signed", "Not signed"}},
	{"Unpatched", "Required",
	 {"Signed", "Signed", "No communication", "Signed", "Signed", "No communication"}},
	{"Unpatched", "Enabled",
	 {"Signed", "Signed", "Not signed", "Signed", "Signed", "Not signed"}},
	{"Unpatched", "Disabled",
	 {"No communication", "Not signed", "Not signed", "No communication", "Not signed",
	  "Not signed"}},
};
static const char *const kb_seed_columns[6][2] = {
	{"Patched", "Required"},   {"Patched", "Enabled"},   {"Patched", "Disabled"},
	{"Unpatched", "Required"}, {"Unpatched", "Enabled"}, {"Unpatched", "Disabled"},
};

struct kb_cell {
	bool client_patched, server_patched;
	enum signing client, server;
	enum kb_outcome expect;
	char name[128];
};

static struct kb_cell kb_cells[36];

static enum signing setting_of(const char *s)
{
	if (strcmp(s, "Required") == 0)
		return SIGNING_REQUIRED;
	if (strcmp(s, "Enabled") == 0)
		return SIGNING_ENABLED;
	if (strcmp(s, "Disabled") == 0)
		return SIGNING_DISABLED;
	return SIGNING_UNKNOWN;
}

static enum kb_outcome outcome_of(const char *s)
{
	if (strcmp(s, "Signed") == 0)
		return KB_SIGNED;
	if (strcmp(s, "Not signed") == 0)
		return KB_NOT_SIGNED;
	return KB_NO_COMMUNICATION;
}

static void test_kb_cell(void **state)
{
	const struct kb_cell *k = *state;
	enum kb_outcome got =
		kb916846_outcome(k->client_patched, k->client, k->server_patched, k->server);
	if (got != k->expect)
		fail_msg("%s: expected %s, got %s", k->name, kb_outcome_names[k->expect],
			 kb_outcome_names[got]);
}

static void test_kb_seed_shape(void **state)
{
	(void)state;
	/* The seed's own statements: "required on the server, disabled on the
	 * client" and "required on the client, disabled on the server" are the
	 * mismatches; both unpatched, those give no communication. */
	assert_int_equal(kb916846_outcome(false, SIGNING_DISABLED, false, SIGNING_REQUIRED),
			 KB_NO_COMMUNICATION);
	assert_int_equal(kb916846_outcome(false, SIGNING_REQUIRED, false, SIGNING_DISABLED),
			 KB_NO_COMMUNICATION);
	/* the update lets a patched peer sign anyway */
	assert_int_equal(kb916846_outcome(true, SIGNING_DISABLED, true, SIGNING_REQUIRED),
			 KB_SIGNED);
	assert_int_equal(kb916846_outcome(true, SIGNING_REQUIRED, true, SIGNING_DISABLED),
			 KB_SIGNED);
	/* the transcription holds 19 "Signed", 12 "Not signed", 5 "No communication" */
	int n[3] = {0, 0, 0};
	for (int i = 0; i < 36; i++)
		n[kb_cells[i].expect]++;
	assert_int_equal(n[KB_SIGNED], 19);
	assert_int_equal(n[KB_NOT_SIGNED], 12);
	assert_int_equal(n[KB_NO_COMMUNICATION], 5);
	assert_string_equal(kb_outcome_names[KB_SIGNED], "signed");
	assert_string_equal(kb_outcome_names[KB_NOT_SIGNED], "not signed");
	assert_string_equal(kb_outcome_names[KB_NO_COMMUNICATION], "no communication");
}

/* ---- hand-filled conversations ---- */

static struct conv *mk_conv(void)
{
	struct conv *c = calloc(1, sizeof *c);
	assert_non_null(c);
	c->smb = calloc(1, sizeof *c->smb);
	assert_non_null(c->smb);
	c->client = 0;
	c->ep[0].family = c->ep[1].family = 4;
	c->ep[0].port = 50000;
	c->ep[1].port = 445;
	return c;
}

static void free_conv(struct conv *c)
{
	smb_conn_free(c);
	free(c);
}

/* SMB2 Negotiate seen both ways, with these SecurityModes and dialect. */
static void smb2_negotiated(struct conv_smb *s, uint16_t client_mode, uint16_t server_mode,
			    uint16_t dialect)
{
	s->version = 2;
	s->smb2_req_seen = true;
	s->smb2_req.security_mode = client_mode;
	s->smb2_req.dialect_count = 1;
	s->smb2_req.dialects_kept = 1;
	s->smb2_req.dialects[0] = dialect;
	s->smb2_resp_seen = true;
	s->smb2_resp_status = NT_STATUS_SUCCESS;
	s->smb2_resp.security_mode = server_mode;
	s->smb2_resp.dialect = dialect;
	s->smb2_resp.capabilities = 0x2f;
	memset(s->smb2_resp.server_guid, 0x22, 16);
}

/* A successful Session Setup (SMB2) and a Tree Connect. */
static void smb2_session(struct conv_smb *s, uint8_t client_mode)
{
	s->sess_req_seen = true;
	s->smb2_sess_req_seen = true;
	s->sess_req_security_mode = client_mode;
	s->session_ok = true;
	s->tree_connect_ok = true;
}

static bool contains(const char *hay, const char *needle)
{
	return strstr(hay, needle) != NULL;
}

static void test_signed(void **state)
{
	(void)state;
	struct conv *c = mk_conv();
	struct conv_smb *s = c->smb;
	smb2_negotiated(s, SMB2_NEGOTIATE_SIGNING_ENABLED, 0x03, SMB2_DIALECT_0302);
	smb2_session(s, 1);
	s->ordinary[0].signed_msgs = 5;
	s->ordinary[1].signed_msgs = 5;
	c->fin[0] = c->fin[1] = true;
	struct verdict v;
	verdict_compute(c, &v);
	assert_int_equal(v.verdict, V_SIGNED);
	assert_int_equal(v.smb_version, 2);
	assert_int_equal(v.client.setting, SIGNING_ENABLED);
	assert_int_equal(v.client.confidence, CONF_HIGH);
	assert_string_equal(v.client.source, "smb2-negotiate-request");
	assert_int_equal(v.client.raw, 1);
	assert_int_equal(v.server.setting, SIGNING_REQUIRED);
	assert_int_equal(v.server.confidence, CONF_HIGH);
	assert_int_equal(v.server.raw, 3);
	assert_int_equal(v.predicted, 1u << KB_SIGNED);
	assert_false(v.encrypted);
	assert_string_equal(v.note, "");
	free_conv(c);
}

static void test_not_signed(void **state)
{
	(void)state;
	struct conv *c = mk_conv();
	struct conv_smb *s = c->smb;
	smb2_negotiated(s, SMB2_NEGOTIATE_SIGNING_ENABLED, SMB2_NEGOTIATE_SIGNING_ENABLED,
			SMB2_DIALECT_0210);
	smb2_session(s, 1);
	s->ordinary[0].unsigned_msgs = 4;
	s->ordinary[1].unsigned_msgs = 4;
	c->fin[0] = c->fin[1] = true;
	struct verdict v;
	verdict_compute(c, &v);
	assert_int_equal(v.verdict, V_NOT_SIGNED);
	assert_int_equal(v.client.setting, SIGNING_ENABLED);
	assert_int_equal(v.server.setting, SIGNING_ENABLED);
	assert_int_equal(v.predicted, 1u << KB_NOT_SIGNED);
	assert_true(contains(v.reason, "neither side requires signing"));
	free_conv(c);
}

static void test_not_signed_partly_signed(void **state)
{
	(void)state;
	/* Some signed, some unsigned, nobody requires: not a signed session. */
	struct conv *c = mk_conv();
	struct conv_smb *s = c->smb;
	smb2_negotiated(s, 1, 1, SMB2_DIALECT_0302);
	smb2_session(s, 1);
	s->ordinary[0].signed_msgs = 2;
	s->ordinary[0].unsigned_msgs = 3;
	s->ordinary[1].unsigned_msgs = 5;
	struct verdict v;
	verdict_compute(c, &v);
	assert_int_equal(v.verdict, V_NOT_SIGNED);
	free_conv(c);
}

static void test_mismatch_no_communication(void **state)
{
	(void)state;
	/* KB 887429: SMB1 server SecurityMode 3 (signing disabled), client
	 * Negotiate Flags2 0xC853 (SECURITY_SIGNATURE_REQUIRED 0x0010), no
	 * Session Setup, the client's FIN right after Negotiate. */
	struct conv *c = mk_conv();
	struct conv_smb *s = c->smb;
	s->version = 1;
	s->smb1_req_seen = true;
	s->smb1_req_flags2 = 0xC853;
	s->smb1_req.dialect_count = 1;
	s->smb1_req.dialects_kept = 1;
	memcpy(s->smb1_req.dialects[0], "NT LM 0.12", sizeof "NT LM 0.12");
	s->smb1_resp_seen = true;
	s->smb1_resp.word_count = 17;
	s->smb1_resp.has_security_mode = true;
	s->smb1_resp.security_mode = 3;
	memcpy(s->smb1_dialect, "NT LM 0.12", sizeof "NT LM 0.12");
	c->fin[0] = true;
	struct verdict v;
	verdict_compute(c, &v);
	assert_int_equal(v.verdict, V_MISMATCH_NO_COMMUNICATION);
	assert_int_equal(v.smb_version, 1);
	assert_int_equal(v.client.setting, SIGNING_REQUIRED);
	assert_int_equal(v.client.confidence, CONF_LOW);
	assert_string_equal(v.client.source, "smb1-negotiate-flags2");
	assert_int_equal(v.client.raw, 0x0010);
	assert_int_equal(v.server.setting, SIGNING_DISABLED);
	assert_int_equal(v.server.raw, 3);
	/* patched pairs sign, any unpatched peer gives no communication */
	assert_int_equal(v.predicted, (1u << KB_SIGNED) | (1u << KB_NO_COMMUNICATION));
	assert_true(contains(v.reason, "1240"));
	free_conv(c);
}

static void test_mismatch_no_communication_needs_close(void **state)
{
	(void)state;
	/* The same, but the capture ends with the connection open: not proven. */
	struct conv *c = mk_conv();
	struct conv_smb *s = c->smb;
	s->version = 1;
	s->smb1_req_seen = true;
	s->smb1_req_flags2 = 0xC853;
	s->smb1_resp_seen = true;
	s->smb1_resp.word_count = 17;
	s->smb1_resp.has_security_mode = true;
	s->smb1_resp.security_mode = 3;
	struct verdict v;
	verdict_compute(c, &v);
	assert_int_equal(v.verdict, V_INCOMPLETE);
	free_conv(c);
}

static void test_mismatch_access_denied_smb1(void **state)
{
	(void)state;
	/* Server SecurityMode 15 (required); the client's Session Setup Flags2
	 * 0xC801 has neither signing bit; Tree Connect gets 0xC0000022. */
	struct conv *c = mk_conv();
	struct conv_smb *s = c->smb;
	s->version = 1;
	s->smb1_req_seen = true;
	s->smb1_req_flags2 = 0xC803;
	s->smb1_resp_seen = true;
	s->smb1_resp.word_count = 17;
	s->smb1_resp.has_security_mode = true;
	s->smb1_resp.security_mode = 0x0F;
	s->sess_req_seen = true;
	s->sess_req_flags2 = 0xC801;
	s->session_ok = true;
	s->tree_connect_status = NT_STATUS_ACCESS_DENIED;
	s->ordinary[0].unsigned_msgs = 1;
	s->ordinary[1].unsigned_msgs = 1;
	c->fin[0] = c->fin[1] = true;
	struct verdict v;
	verdict_compute(c, &v);
	assert_int_equal(v.verdict, V_MISMATCH_ACCESS_DENIED);
	assert_int_equal(v.client.setting, SIGNING_DISABLED);
	assert_int_equal(v.client.confidence, CONF_MEDIUM);
	assert_string_equal(v.client.source, "smb1-session-setup-flags2");
	assert_int_equal(v.server.setting, SIGNING_REQUIRED);
	assert_int_equal(v.server.raw, 15);
	assert_true(contains(v.reason, "0xC0000022"));
	free_conv(c);
}

static void test_mismatch_access_denied_smb2(void **state)
{
	(void)state;
	struct conv *c = mk_conv();
	struct conv_smb *s = c->smb;
	smb2_negotiated(s, 0x00, 0x03, SMB2_DIALECT_0202);
	smb2_session(s, 0);
	s->tree_connect_ok = false;
	s->tree_connect_status = NT_STATUS_ACCESS_DENIED;
	c->fin[0] = c->fin[1] = true;
	struct verdict v;
	verdict_compute(c, &v);
	assert_int_equal(v.verdict, V_MISMATCH_ACCESS_DENIED);
	assert_int_equal(v.client.setting, SIGNING_DISABLED);
	free_conv(c);
}

static void test_guest_blocked(void **state)
{
	(void)state;
	/* A client that requires signing (0x02) gets a guest session. */
	struct conv *c = mk_conv();
	struct conv_smb *s = c->smb;
	smb2_negotiated(s, SMB2_NEGOTIATE_SIGNING_REQUIRED, SMB2_NEGOTIATE_SIGNING_ENABLED,
			SMB2_DIALECT_0311);
	smb2_session(s, SMB2_NEGOTIATE_SIGNING_REQUIRED);
	s->session_guest = true;
	s->tree_connect_ok = false;
	c->fin[0] = c->fin[1] = true;
	struct verdict v;
	verdict_compute(c, &v);
	assert_int_equal(v.verdict, V_GUEST_BLOCKED);
	assert_int_equal(v.client.setting, SIGNING_REQUIRED);
	assert_true(contains(v.reason, "guest"));
	free_conv(c);
}

static void test_guest_blocked_status(void **state)
{
	(void)state;
	/* STATUS_SMB_GUEST_LOGON_BLOCKED seen on the wire. */
	struct conv *c = mk_conv();
	struct conv_smb *s = c->smb;
	smb2_negotiated(s, SMB2_NEGOTIATE_SIGNING_REQUIRED, SMB2_NEGOTIATE_SIGNING_ENABLED,
			SMB2_DIALECT_0311);
	s->sess_req_seen = true;
	s->session_fail_status = NT_STATUS_SMB_GUEST_LOGON_BLOCKED;
	s->guest_blocked_status = true;
	s->guest_blocked_code = NT_STATUS_SMB_GUEST_LOGON_BLOCKED;
	struct verdict v;
	verdict_compute(c, &v);
	assert_int_equal(v.verdict, V_GUEST_BLOCKED);
	assert_true(contains(v.reason, "0xC05D0002"));
	free_conv(c);
}

static void test_secure_negotiate_unsigned_error(void **state)
{
	(void)state;
	/* KB 2686098: the server answers VALIDATE_NEGOTIATE_INFO with an
	 * unsigned STATUS_INVALID_DEVICE_REQUEST. */
	struct conv *c = mk_conv();
	struct conv_smb *s = c->smb;
	smb2_negotiated(s, 1, 1, SMB2_DIALECT_0300);
	smb2_session(s, 1);
	s->vn_req_seen = true;
	s->vn_req.is_validate = true;
	s->vn_resp_seen = true;
	s->vn_resp_signed = false;
	s->vn_status = NT_STATUS_INVALID_DEVICE_REQUEST;
	c->fin[0] = c->fin[1] = true;
	struct verdict v;
	verdict_compute(c, &v);
	assert_int_equal(v.verdict, V_SECURE_NEGOTIATE_FAILED);
	assert_true(contains(v.reason, "2148073478"));
	assert_true(contains(v.reason, "unsigned"));
	free_conv(c);
}

/* The same failure on the victim's leg of an NTLM relay: the
 * unsigned answer came from the relay host, a man in the middle; the verdict
 * stays what the wire shows, but the words are the attack's and the fix is
 * no "ask the vendor" signing advice. */
static void test_secure_negotiate_failed_relay_victim(void **state)
{
	(void)state;
	struct conv *c = mk_conv();
	struct conv_smb *s = c->smb;
	smb2_negotiated(s, 1, 1, SMB2_DIALECT_0300);
	smb2_session(s, 1);
	s->vn_req_seen = true;
	s->vn_req.is_validate = true;
	s->vn_resp_seen = true;
	s->vn_status = NT_STATUS_INVALID_DEVICE_REQUEST;
	struct facts f;
	facts_build(c, &f);
	f.indicators |= IND_BIT(IND_NTLM_RELAY); /* as correlate_concluded() adds it */
	struct verdict v;
	verdict_decide(&f, &v);
	assert_int_equal(v.verdict, V_SECURE_NEGOTIATE_FAILED);
	assert_int_equal(v.cause, CAUSE_ATTACK);
	assert_int_equal(v.wire_cause, CAUSE_SECURE_NEGOTIATE_FAILED);
	assert_true(contains(v.reason, "ntlm-relay"));
	assert_true(contains(v.reason, "man in the middle"));
	assert_true(contains(v.reason, "unsigned")); /* what the wire showed, kept */
	assert_non_null(v.fix);
	assert_false(contains(v.fix, "vendor"));
	assert_true(contains(v.fix, "relay host"));
	free_conv(c);
}

/* A signed VALIDATE_NEGOTIATE_INFO response that repeats the Negotiate. */
static void vn_ok(struct conv_smb *s)
{
	s->vn_req_seen = true;
	s->vn_req.is_validate = true;
	s->vn_resp_seen = true;
	s->vn_resp_signed = true;
	s->vn_status = NT_STATUS_SUCCESS;
	s->vn_resp.is_validate = true;
	s->vn_resp.ctl_code = SMB2_FSCTL_VALIDATE_NEGOTIATE_INFO;
	s->vn_resp.capabilities = s->smb2_resp.capabilities;
	memcpy(s->vn_resp.guid, s->smb2_resp.server_guid, 16);
	s->vn_resp.security_mode = s->smb2_resp.security_mode;
	s->vn_resp.dialect = s->smb2_resp.dialect;
}

static void test_secure_negotiate_dialect_differs(void **state)
{
	(void)state;
	struct conv *c = mk_conv();
	struct conv_smb *s = c->smb;
	smb2_negotiated(s, 1, 1, SMB2_DIALECT_0302);
	smb2_session(s, 1);
	vn_ok(s);
	s->vn_resp.dialect = SMB2_DIALECT_0300; /* a downgrade */
	s->ordinary[0].signed_msgs = s->ordinary[1].signed_msgs = 3;
	struct verdict v;
	verdict_compute(c, &v);
	assert_int_equal(v.verdict, V_SECURE_NEGOTIATE_FAILED);
	assert_true(contains(v.reason, "differs"));
	free_conv(c);
}

static void test_secure_negotiate_passes(void **state)
{
	(void)state;
	struct conv *c = mk_conv();
	struct conv_smb *s = c->smb;
	smb2_negotiated(s, 1, 3, SMB2_DIALECT_0302);
	smb2_session(s, 1);
	vn_ok(s);
	s->ordinary[0].signed_msgs = s->ordinary[1].signed_msgs = 3;
	struct verdict v;
	verdict_compute(c, &v);
	assert_int_equal(v.verdict, V_SIGNED);
	/* a signed NOT_SUPPORTED is acceptable too (MS-SMB2 3.2.5.14.12) */
	s->vn_status = NT_STATUS_NOT_SUPPORTED;
	s->vn_resp.is_validate = false;
	verdict_compute(c, &v);
	assert_int_equal(v.verdict, V_SIGNED);
	free_conv(c);
}

static void test_invalid_signature(void **state)
{
	(void)state;
	struct conv *c = mk_conv();
	struct conv_smb *s = c->smb;
	smb2_negotiated(s, SMB2_NEGOTIATE_SIGNING_REQUIRED, 1, SMB2_DIALECT_0311);
	smb2_session(s, SMB2_NEGOTIATE_SIGNING_REQUIRED);
	s->ordinary[0].signed_msgs = 1;
	s->invalid_signature = true;
	s->invalid_signature_frame = 42;
	struct verdict v;
	verdict_compute(c, &v);
	assert_int_equal(v.verdict, V_INVALID_SIGNATURE);
	assert_true(contains(v.reason, "frame 42"));
	assert_true(contains(v.reason, "0xC000A000"));
	free_conv(c);
}

static void test_incomplete_mid_stream(void **state)
{
	(void)state;
	/* No Negotiate: the capture started mid-stream. */
	struct conv *c = mk_conv();
	struct conv_smb *s = c->smb;
	s->after_negotiate[0].signed_msgs = 3;
	s->after_negotiate[1].signed_msgs = 2;
	s->after_negotiate[1].unsigned_msgs = 1;
	struct verdict v;
	verdict_compute(c, &v);
	assert_int_equal(v.verdict, V_INCOMPLETE);
	assert_int_equal(v.smb_version, 0);
	assert_int_equal(v.client.setting, SIGNING_UNKNOWN);
	assert_int_equal(v.server.setting, SIGNING_UNKNOWN);
	assert_int_equal(v.predicted, 0);
	assert_true(contains(v.reason, "mid-stream"));
	assert_true(contains(v.reason, "5 of 6"));
	free_conv(c);
}

static void test_incomplete_probe(void **state)
{
	(void)state;
	/* An nmap-style probe: Negotiate both ways, then FIN, no Session Setup. */
	struct conv *c = mk_conv();
	struct conv_smb *s = c->smb;
	smb2_negotiated(s, 1, 1, SMB2_DIALECT_0311);
	c->fin[0] = c->fin[1] = true;
	struct verdict v;
	verdict_compute(c, &v);
	assert_int_equal(v.verdict, V_INCOMPLETE);
	assert_true(contains(v.reason, "without a Session Setup"));
	free_conv(c);
}

static void test_incomplete_no_smb(void **state)
{
	(void)state;
	struct conv *c = mk_conv();
	free(c->smb);
	c->smb = NULL;
	struct verdict v;
	verdict_compute(c, &v);
	assert_int_equal(v.verdict, V_INCOMPLETE);
	assert_int_equal(v.smb_version, 0);
	assert_int_equal(v.client.raw, -1);
	assert_int_equal(v.server.raw, -1);
	free(c);
}

static void test_incomplete_capture_ends(void **state)
{
	(void)state;
	/* Session set up, then the capture ends before any ordinary traffic. */
	struct conv *c = mk_conv();
	struct conv_smb *s = c->smb;
	smb2_negotiated(s, 1, 3, SMB2_DIALECT_0302);
	smb2_session(s, 1);
	struct verdict v;
	verdict_compute(c, &v);
	assert_int_equal(v.verdict, V_INCOMPLETE);
	assert_int_equal(v.predicted, 1u << KB_SIGNED);
	free_conv(c);
}

static void test_311_without_required_does_not_predict_signed(void **state)
{
	(void)state;
	/* Dialect 3.1.1, SecurityMode 0x01 on both sides. The final Session
	 * Setup response is signed (3.1.1 always signs it), but that says
	 * nothing about the session's signing. */
	struct conv *c = mk_conv();
	struct conv_smb *s = c->smb;
	smb2_negotiated(s, SMB2_NEGOTIATE_SIGNING_ENABLED, SMB2_NEGOTIATE_SIGNING_ENABLED,
			SMB2_DIALECT_0311);
	smb2_session(s, SMB2_NEGOTIATE_SIGNING_ENABLED);
	s->after_negotiate[1].signed_msgs = 1;
	struct verdict v;
	verdict_compute(c, &v);
	assert_int_equal(v.predicted, 1u << KB_NOT_SIGNED);
	assert_int_not_equal(v.verdict, V_SIGNED);
	assert_int_equal(v.client.setting, SIGNING_ENABLED);
	assert_int_equal(v.server.setting, SIGNING_ENABLED);
	/* and once unsigned traffic flows, it is not-signed */
	s->ordinary[0].unsigned_msgs = 4;
	s->ordinary[1].unsigned_msgs = 4;
	verdict_compute(c, &v);
	assert_int_equal(v.verdict, V_NOT_SIGNED);
	assert_int_equal(v.predicted, 1u << KB_NOT_SIGNED);
	/* either side requiring predicts signed */
	s->smb2_resp.security_mode = 0x03;
	verdict_compute(c, &v);
	assert_int_equal(v.predicted, 1u << KB_SIGNED);
	s->smb2_resp.security_mode = 0x01;
	s->smb2_req.security_mode = 0x02;
	verdict_compute(c, &v);
	assert_int_equal(v.predicted, 1u << KB_SIGNED);
	free_conv(c);
}

static void test_wire_outranks_prediction(void **state)
{
	(void)state;
	/* SMB1: the server advertises SecurityMode 3 yet signs because the
	 * client requires it (Session Setup Flags2 0xC815: both signing bits).
	 * Signed, with a note about the prediction. */
	struct conv *c = mk_conv();
	struct conv_smb *s = c->smb;
	s->version = 1;
	s->smb1_req_seen = true;
	s->smb1_req_flags2 = 0xC853;
	s->smb1_resp_seen = true;
	s->smb1_resp.word_count = 17;
	s->smb1_resp.has_security_mode = true;
	s->smb1_resp.security_mode = 3;
	s->sess_req_seen = true;
	s->sess_req_flags2 = 0xC815;
	s->session_ok = true;
	s->ordinary[0].signed_msgs = 4;
	s->ordinary[1].signed_msgs = 4;
	struct verdict v;
	verdict_compute(c, &v);
	assert_int_equal(v.verdict, V_SIGNED);
	assert_int_equal(v.client.setting, SIGNING_REQUIRED);
	assert_int_equal(v.client.confidence, CONF_MEDIUM);
	assert_int_equal(v.server.setting, SIGNING_DISABLED);
	assert_true(v.predicted & (1u << KB_NO_COMMUNICATION));
	assert_string_not_equal(v.note, "");
	free_conv(c);
}

static void test_smb1_client_signs_without_flags(void **state)
{
	(void)state;
	/* Flags2 shows no signing bits, but the client's requests are signed:
	 * its setting is at least enabled, from what it sent. */
	struct conv *c = mk_conv();
	struct conv_smb *s = c->smb;
	s->version = 1;
	s->smb1_req_seen = true;
	s->smb1_req_flags2 = 0xC801;
	s->smb1_resp_seen = true;
	s->smb1_resp.word_count = 17;
	s->smb1_resp.has_security_mode = true;
	s->smb1_resp.security_mode = 0x0F;
	s->sess_req_seen = true;
	s->sess_req_flags2 = 0xC801;
	s->session_ok = true;
	s->ordinary[0].signed_msgs = 4;
	s->ordinary[1].signed_msgs = 4;
	struct verdict v;
	verdict_compute(c, &v);
	assert_int_equal(v.verdict, V_SIGNED);
	assert_int_equal(v.client.setting, SIGNING_ENABLED);
	assert_int_equal(v.client.confidence, CONF_HIGH);
	assert_int_equal(v.server.setting, SIGNING_REQUIRED);
	free_conv(c);
}

static void test_lanman_server_disabled(void **state)
{
	(void)state;
	struct conv *c = mk_conv();
	struct conv_smb *s = c->smb;
	s->version = 1;
	s->smb1_resp_seen = true;
	s->smb1_resp.word_count = 13;
	s->smb1_resp.has_security_mode = true;
	s->smb1_resp.security_mode = 3;
	struct verdict v;
	verdict_compute(c, &v);
	assert_int_equal(v.server.setting, SIGNING_DISABLED);
	assert_int_equal(v.server.raw, 3);
	free_conv(c);
}

static void test_encrypted(void **state)
{
	(void)state;
	/* SMB 3.x encryption protects the session (README "Verdicts": `signed` with
	 * protection `encryption`) whoever asked; the reason says who. */
	struct conv *c = mk_conv();
	struct conv_smb *s = c->smb;
	smb2_negotiated(s, 1, 3, SMB2_DIALECT_0311);
	smb2_session(s, 1);
	s->encrypted[0] = s->encrypted[1] = 6;
	struct verdict v;
	verdict_compute(c, &v);
	assert_true(v.encrypted);
	assert_int_equal(v.verdict, V_SIGNED);
	assert_int_equal(v.cause, CAUSE_SIGNED_ENCRYPTED);
	assert_true(contains(v.reason, "the client asked for it"));
	s->smb2_resp.security_mode = 1;
	verdict_compute(c, &v);
	assert_true(v.encrypted);
	assert_int_equal(v.verdict, V_SIGNED);
	assert_true(v.fix == NULL);
	assert_non_null(smb_session_get(s, 1, 1));
	s->sessions[0].ok = s->sessions[0].final = true;
	s->sessions[0].encrypt_data = true; /* SessionFlags ENCRYPT_DATA */
	verdict_compute(c, &v);
	assert_int_equal(v.cause, CAUSE_ENCRYPTED_BY_SERVER);
	assert_true(contains(v.reason, "smb encrypt = required"));
	free_conv(c);
}

static void test_verdict_from_name(void **state)
{
	(void)state;
	static const char *const names[V_COUNT] = {
		"signed", "not-signed", "mismatch-no-communication", "mismatch-access-denied",
		"guest-blocked", "secure-negotiate-failed", "invalid-signature", "negotiate-failed",
		"logon-failed", "incomplete",
	};
	for (int i = 0; i < V_COUNT; i++) {
		assert_string_equal(verdict_names[i], names[i]);
		assert_int_equal(verdict_from_name(names[i]), i);
		assert_int_equal(verdict_from_name(verdict_names[i]), i);
	}
	assert_int_equal(verdict_from_name(""), V_COUNT);
	assert_int_equal(verdict_from_name("bogus"), V_COUNT);
	assert_int_equal(verdict_from_name("Signed"), V_COUNT);
	assert_int_equal(verdict_from_name("signed "), V_COUNT);
	assert_int_equal(verdict_from_name("not"), V_COUNT);
	assert_string_equal(signing_names[SIGNING_UNKNOWN], "unknown");
	assert_string_equal(signing_names[SIGNING_DISABLED], "disabled");
	assert_string_equal(signing_names[SIGNING_ENABLED], "enabled");
	assert_string_equal(signing_names[SIGNING_REQUIRED], "required");
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_kb_seed_shape),
		cmocka_unit_test(test_signed),
		cmocka_unit_test(test_not_signed),
		cmocka_unit_test(test_not_signed_partly_signed),
		cmocka_unit_test(test_mismatch_no_communication),
		cmocka_unit_test(test_mismatch_no_communication_needs_close),
		cmocka_unit_test(test_mismatch_access_denied_smb1),
		cmocka_unit_test(test_mismatch_access_denied_smb2),
		cmocka_unit_test(test_guest_blocked),
		cmocka_unit_test(test_guest_blocked_status),
		cmocka_unit_test(test_secure_negotiate_unsigned_error),
		cmocka_unit_test(test_secure_negotiate_failed_relay_victim),
		cmocka_unit_test(test_secure_negotiate_dialect_differs),
		cmocka_unit_test(test_secure_negotiate_passes),
		cmocka_unit_test(test_invalid_signature),
		cmocka_unit_test(test_incomplete_mid_stream),
		cmocka_unit_test(test_incomplete_probe),
		cmocka_unit_test(test_incomplete_no_smb),
		cmocka_unit_test(test_incomplete_capture_ends),
		cmocka_unit_test(test_311_without_required_does_not_predict_signed),
		cmocka_unit_test(test_wire_outranks_prediction),
		cmocka_unit_test(test_smb1_client_signs_without_flags),
		cmocka_unit_test(test_lanman_server_disabled),
		cmocka_unit_test(test_encrypted),
		cmocka_unit_test(test_verdict_from_name),
	};
	/* One named test per matrix cell, then the fixed tests. */
	struct CMUnitTest tests[36 + sizeof fixed / sizeof fixed[0]];
	int n = 0;
	for (int row = 0; row < 6; row++) {
		for (int col = 0; col < 6; col++) {
			struct kb_cell *k = &kb_cells[row * 6 + col];
			k->client_patched = strcmp(kb_seed_rows[row].client_patch, "Patched") == 0;
			k->client = setting_of(kb_seed_rows[row].client_setting);
			k->server_patched = strcmp(kb_seed_columns[col][0], "Patched") == 0;
			k->server = setting_of(kb_seed_columns[col][1]);
			k->expect = outcome_of(kb_seed_rows[row].cells[col]);
			snprintf(k->name, sizeof k->name,
				 "kb916846 client %s/%s x server %s/%s -> %s",
				 kb_seed_rows[row].client_patch, kb_seed_rows[row].client_setting,
				 kb_seed_columns[col][0], kb_seed_columns[col][1],
				 kb_seed_rows[row].cells[col]);
			tests[n].name = k->name;
			tests[n].test_func = test_kb_cell;
			tests[n].setup_func = NULL;
			tests[n].teardown_func = NULL;
			tests[n].initial_state = k;
			n++;
		}
	}
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		tests[n++] = fixed[i];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
