/* Unit tests for facts: what facts_build derives from hand-filled parser
 * state (struct conv_smb): each side's setting and its source, the counts
 * under names that say what they count, the Secure Negotiate outcome
 * (MS-SMB2 3.2.5.14.12) and the session records. */
#include "testutil2.h"

#include "smbneg/smb_cmd.h"

#include "smbneg/facts.h"
#include "smbneg/knowledge.h"
#include "smbneg/smb_const.h"

static struct conv *smb2_conv(void)
{
	struct conv *c = calloc(1, sizeof *c);
	assert_non_null(c);
	c->smb = calloc(1, sizeof *c->smb);
	assert_non_null(c->smb);
	c->client = 0;
	struct conv_smb *s = c->smb;
	s->version = 2;
	s->smb2_req_seen = s->smb2_resp_seen = true;
	s->smb2_req.security_mode = SMB2_NEGOTIATE_SIGNING_ENABLED;
	s->smb2_resp.security_mode = SMB2_NEGOTIATE_SIGNING_ENABLED | SMB2_NEGOTIATE_SIGNING_REQUIRED;
	s->smb2_resp.dialect = SMB2_DIALECT_0302;
	return c;
}

static void conv_free(struct conv *c)
{
	smb_conn_free(c);
	free(c);
}

static void test_no_smb(void **state)
{
	(void)state;
	struct conv c;
	memset(&c, 0, sizeof c);
	c.rst = true;
	struct facts f;
	facts_build(&c, &f);
	assert_false(f.smb_seen);
	assert_true(f.closed);
	assert_int_equal(f.client.setting, SIGNING_UNKNOWN);
	assert_string_equal(f.client.source, "none");
}

static void test_sides_and_prediction(void **state)
{
	(void)state;
	struct conv *c = smb2_conv();
	struct facts f;
	facts_build(c, &f);
	assert_true(f.smb_seen && f.negotiated && f.any_negotiate);
	assert_int_equal(f.smb_version, 2);
	assert_int_equal(f.client.setting, SIGNING_ENABLED);
	assert_string_equal(f.client.source, "smb2-negotiate-request");
	assert_int_equal(f.server.setting, SIGNING_REQUIRED);
	assert_int_equal(f.server.confidence, CONF_HIGH);
	assert_true(f.server_requires && !f.client_requires);
	assert_int_equal(f.predicted, 1u << KB_SIGNED); /* MS-SMB2 3.2.5.3.1 */
	assert_true(f.smb2_chosen);
	assert_int_equal(f.smb2_dialect, SMB2_DIALECT_0302);
	conv_free(c);
}

/* signed_after_session counts ordinary messages after Session Setup (the
 * text SIGNED column); signed_after_negotiate every message after Negotiate
 * (JSON/CSV signed_messages). */
static void test_counts_named(void **state)
{
	(void)state;
	struct conv *c = smb2_conv();
	struct conv_smb *s = c->smb;
	s->after_negotiate[0] = (struct conv_counts){3, 2};
	s->after_negotiate[1] = (struct conv_counts){4, 1};
	s->ordinary[0] = (struct conv_counts){2, 0};
	s->ordinary[1] = (struct conv_counts){2, 1};
	s->encrypted[1] = 5;
	struct facts f;
	facts_build(c, &f);
	assert_int_equal(f.signed_after_negotiate, 7);
	assert_int_equal(f.unsigned_after_negotiate, 3);
	assert_int_equal(f.signed_after_session, 4);
	assert_int_equal(f.unsigned_after_session, 1);
	assert_int_equal(f.after_session[1].unsigned_msgs, 1);
	assert_int_equal(f.encrypted_msgs, 5);
	assert_false(f.encrypted); /* no session was set up */
	s->session_ok = true;
	facts_build(c, &f);
	assert_true(f.encrypted);
	conv_free(c);
}

static void test_secure_negotiate(void **state)
{
	(void)state;
	struct conv *c = smb2_conv();
	struct conv_smb *s = c->smb;
	struct facts f;
	facts_build(c, &f);
	assert_int_equal(f.secure_negotiate, SN_NOT_SEEN);
	s->vn_resp_seen = true;
	facts_build(c, &f);
	assert_int_equal(f.secure_negotiate, SN_UNSIGNED);
	s->vn_status = NT_STATUS_NOT_SUPPORTED;
	facts_build(c, &f);
	assert_int_equal(f.secure_negotiate, SN_UNSIGNED_ERROR);
	s->vn_resp_signed = true; /* a signed error is acceptable */
	facts_build(c, &f);
	assert_int_equal(f.secure_negotiate, SN_PASSED);
	s->vn_status = 0;
	s->vn_resp.is_validate = true;
	s->vn_resp.security_mode = s->smb2_resp.security_mode;
	s->vn_resp.dialect = SMB2_DIALECT_0210; /* a downgrade */
	facts_build(c, &f);
	assert_int_equal(f.secure_negotiate, SN_MISMATCH);
	s->vn_resp.dialect = s->smb2_resp.dialect;
	facts_build(c, &f);
	assert_int_equal(f.secure_negotiate, SN_PASSED);
	conv_free(c);
}

/* SMB1 client: Negotiate Flags2 (low), Session Setup Flags2 (medium),
 * signed requests (high). */
static void test_smb1_client_confidence(void **state)
{
	(void)state;
	struct conv *c = smb2_conv();
	struct conv_smb *s = c->smb;
	memset(s, 0, sizeof *s);
	s->version = 1;
	s->smb1_req_seen = true;
	s->smb1_req_flags2 = SMB1_FLAGS2_SECURITY_SIGNATURE;
	struct facts f;
	facts_build(c, &f);
	assert_int_equal(f.client.confidence, CONF_LOW);
	s->sess_req_seen = true;
	s->sess_req_flags2 = 0;
	facts_build(c, &f);
	assert_int_equal(f.client.confidence, CONF_MEDIUM);
	assert_int_equal(f.client.setting, SIGNING_DISABLED);
	s->ordinary[0].signed_msgs = 1;
	facts_build(c, &f);
	assert_int_equal(f.client.confidence, CONF_HIGH);
	assert_int_equal(f.client.setting, SIGNING_ENABLED);
	assert_string_equal(f.client.source, "smb1-signed-requests");
	conv_free(c);
}

static void test_sessions_copied(void **state)
{
	(void)state;
	struct conv *c = smb2_conv();
	struct conv_smb *s = c->smb;
	assert_non_null(smb_session_get(s, 7, 1));
	assert_non_null(smb_session_get(s, 42, 2));
	assert_int_equal(s->nsessions, 2);
	s->sessions[1].id = 42;
	s->sessions[1].guest = true;
	s->sessions_dropped = 3;
	struct facts f;
	facts_build(c, &f);
	assert_int_equal(f.nsessions, 2);
	assert_true(f.sessions[1].id == 42 && f.sessions[1].guest);
	assert_int_equal(f.sessions_dropped, 3);
	conv_free(c);
}

/* README "JSON schema" (session keys): the signing algorithm by dialect
 * and SIGNING context, the cipher from the ENCRYPTION context (3.1.1) or
 * AES-128-CCM for 3.0/3.0.2 when encrypting, and the protection. */
static void test_protection_table(void **state)
{
	(void)state;
	static const struct {
		uint16_t dialect;
		uint16_t signing_ctx, cipher_ctx; /* 0xFFFF: no context */
		uint32_t encrypted;
		const char *alg, *cipher;
	} rows[] = {
		{SMB2_DIALECT_0202, 0xFFFF, 0xFFFF, 0, "HMAC-SHA256", NULL},
		{SMB2_DIALECT_0210, 0xFFFF, 0xFFFF, 0, "HMAC-SHA256", NULL},
		{SMB2_DIALECT_0300, 0xFFFF, 0xFFFF, 0, "AES-128-CMAC", NULL},
		{SMB2_DIALECT_0302, 0xFFFF, 0xFFFF, 4, "AES-128-CMAC", "AES-128-CCM"},
		{SMB2_DIALECT_0311, 0xFFFF, 0xFFFF, 0, "AES-128-CMAC", NULL},
		{SMB2_DIALECT_0311, 2, 2, 0, "AES-128-GMAC", "AES-128-GCM"},
		{SMB2_DIALECT_0311, 0, 4, 6, "HMAC-SHA256", "AES-256-GCM"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct conv *c = smb2_conv();
		struct conv_smb *s = c->smb;
		s->smb2_resp.dialect = rows[i].dialect;
		struct smb2_contexts *cs = &s->smb2_resp.contexts;
		if (rows[i].signing_ctx != 0xFFFF) {
			cs->c[cs->kept].type = SMB2_SIGNING_CAPABILITIES;
			cs->c[cs->kept].ids_kept = 1;
			cs->c[cs->kept++].ids[0] = rows[i].signing_ctx;
		}
		if (rows[i].cipher_ctx != 0xFFFF) {
			cs->c[cs->kept].type = SMB2_ENCRYPTION_CAPABILITIES;
			cs->c[cs->kept].ids_kept = 1;
			cs->c[cs->kept++].ids[0] = rows[i].cipher_ctx;
		}
		s->session_ok = true;
		s->encrypted[0] = rows[i].encrypted;
		s->ordinary[0].unsigned_msgs = 3;
		struct facts f;
		facts_build(c, &f);
		assert_string_equal(f.signing_algorithm, rows[i].alg);
		if (rows[i].cipher)
			assert_string_equal(f.cipher, rows[i].cipher);
		else
			assert_null(f.cipher);
		/* unsigned ordinary traffic where the server requires: none */
		assert_int_equal(f.protection, rows[i].encrypted ? PROT_ENCRYPTION : PROT_NONE);
		conv_free(c);
	}
	struct conv *c = smb2_conv();
	struct facts f;
	facts_build(c, &f);
	assert_int_equal(f.protection, PROT_UNKNOWN); /* no ordinary traffic */
	assert_null(protection_names[f.protection]);
	c->smb->session_ok = true;
	c->smb->ordinary[1].signed_msgs = 4;
	facts_build(c, &f);
	assert_string_equal(protection_names[f.protection], "signing");
	c->smb->version = 1; /* SMB1 NT LM 0.12 */
	c->smb->smb2_req_seen = c->smb->smb2_resp_seen = false;
	c->smb->smb1_resp_seen = true;
	c->smb->smb1_resp.word_count = 17;
	facts_build(c, &f);
	assert_string_equal(f.signing_algorithm, "HMAC-MD5");
	conv_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_smb),
		cmocka_unit_test(test_sides_and_prediction),
		cmocka_unit_test(test_counts_named),
		cmocka_unit_test(test_secure_negotiate),
		cmocka_unit_test(test_smb1_client_confidence),
		cmocka_unit_test(test_sessions_copied),
		cmocka_unit_test(test_protection_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
