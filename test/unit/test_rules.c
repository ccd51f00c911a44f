/* Unit tests for rules: one test per rule, named after its cause, each on a
 * hand-filled facts struct that the rule (and none before it) matches; and
 * the tables' completeness (every cause has a name, a rule and a knowledge
 * row). */
#include "testutil2.h"

#include "smbneg/knowledge.h"
#include "smbneg/rules.h"
#include "smbneg/smb_const.h"

/* An SMB2 conversation that negotiated, both sides enabled, nothing else. */
static struct facts base(void)
{
	struct facts f;
	memset(&f, 0, sizeof f);
	f.smb_seen = true;
	f.smb_version = 2;
	f.client.setting = SIGNING_ENABLED;
	f.server.setting = SIGNING_ENABLED;
	f.predicted = 1u << KB_NOT_SIGNED;
	f.negotiated = f.any_negotiate = true;
	f.session_setup_requested = true;
	return f;
}

static void require(struct facts *f, bool client, bool server)
{
	f->client_requires = client;
	f->server_requires = server;
	if (client)
		f->client.setting = SIGNING_REQUIRED;
	if (server)
		f->server.setting = SIGNING_REQUIRED;
	if (client || server)
		f->predicted = 1u << KB_SIGNED;
}

static void expect(const struct facts *f, enum verdict_cause cause, enum verdict_kind verdict)
{
	struct rule_result r = rules_decide(f);
	assert_string_equal(cause_names[r.cause], cause_names[cause]);
	assert_int_equal(r.verdict, verdict);
	assert_ptr_equal(r.facts, f);
}

static void test_no_smb(void **state)
{
	(void)state;
	struct facts f;
	memset(&f, 0, sizeof f);
	expect(&f, CAUSE_NO_SMB, V_INCOMPLETE);
}

static void test_invalid_signature(void **state)
{
	(void)state;
	struct facts f = base();
	f.invalid_signature = true;
	f.signed_after_session = 5; /* outranks signed traffic */
	expect(&f, CAUSE_INVALID_SIGNATURE, V_INVALID_SIGNATURE);
}

static void test_secure_negotiate_failed(void **state)
{
	(void)state;
	static const enum secure_negotiate bad[] = {SN_UNSIGNED, SN_UNSIGNED_ERROR, SN_MISMATCH};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct facts f = base();
		f.secure_negotiate = bad[i];
		expect(&f, CAUSE_SECURE_NEGOTIATE_FAILED, V_SECURE_NEGOTIATE_FAILED);
	}
	struct facts ok = base();
	ok.secure_negotiate = SN_PASSED;
	ok.unsigned_after_session = 1;
	expect(&ok, CAUSE_NOT_REQUIRED, V_NOT_SIGNED);
}

static void test_guest_blocked(void **state)
{
	(void)state;
	struct facts f = base();
	f.guest_blocked_status = true;
	expect(&f, CAUSE_GUEST_BLOCKED, V_GUEST_BLOCKED);
	f = base();
	require(&f, true, false);
	f.guest = true; /* a guest session where the client requires signing */
	expect(&f, CAUSE_GUEST_BLOCKED, V_GUEST_BLOCKED);
}

static void test_signed_encrypted(void **state)
{
	(void)state;
	struct facts f = base();
	require(&f, false, true);
	f.encrypted = true;
	expect(&f, CAUSE_SIGNED_ENCRYPTED, V_SIGNED);
}

static void test_signed_partly(void **state)
{
	(void)state;
	struct facts f = base();
	require(&f, false, true);
	f.signed_after_session = 9;
	f.unsigned_after_session = 1;
	expect(&f, CAUSE_SIGNED_PARTLY, V_SIGNED);
}

static void test_signed_against_prediction(void **state)
{
	(void)state;
	struct facts f = base(); /* predicts not signed */
	f.signed_after_session = 4;
	expect(&f, CAUSE_SIGNED_AGAINST_PREDICTION, V_SIGNED);
}

static void test_signed_kb_no_communication(void **state)
{
	(void)state;
	struct facts f = base();
	f.smb_version = 1;
	f.predicted = 1u << KB_SIGNED | 1u << KB_NO_COMMUNICATION;
	f.signed_after_session = 4;
	expect(&f, CAUSE_SIGNED_KB_NO_COMMUNICATION, V_SIGNED);
}

static void test_signed(void **state)
{
	(void)state;
	struct facts f = base();
	require(&f, true, true);
	f.signed_after_session = 4;
	expect(&f, CAUSE_SIGNED, V_SIGNED);
}

static void test_tree_denied_guest(void **state)
{
	(void)state;
	struct facts f = base();
	require(&f, false, true);
	f.tree_connect_status = NT_STATUS_ACCESS_DENIED;
	f.anonymous = true;
	expect(&f, CAUSE_TREE_DENIED_GUEST, V_MISMATCH_ACCESS_DENIED);
}

static void test_tree_denied_unsigned_client(void **state)
{
	(void)state;
	struct facts f = base();
	require(&f, false, true);
	f.tree_connect_status = NT_STATUS_ACCESS_DENIED;
	expect(&f, CAUSE_TREE_DENIED_UNSIGNED_CLIENT, V_MISMATCH_ACCESS_DENIED);
	f.tree_connect_ok = true; /* a later Tree Connect worked: not this rule */
	expect(&f, CAUSE_TREE_CONNECT_FAILED, V_INCOMPLETE);
}

static void test_client_signing_disabled(void **state)
{
	(void)state;
	struct facts f = base();
	require(&f, false, true);
	f.client.setting = SIGNING_DISABLED;
	f.session_setup_requested = false;
	f.closed = true;
	expect(&f, CAUSE_CLIENT_SIGNING_DISABLED, V_MISMATCH_ACCESS_DENIED);
}

static void test_server_signing_disabled(void **state)
{
	(void)state;
	struct facts f = base();
	f.smb_version = 1;
	require(&f, true, false);
	f.server.setting = SIGNING_DISABLED;
	f.session_setup_requested = false;
	f.closed = true;
	expect(&f, CAUSE_SERVER_SIGNING_DISABLED, V_MISMATCH_NO_COMMUNICATION);
	f.smb_version = 2; /* SMB2 always signs when asked: not KB 887429's case */
	expect(&f, CAUSE_CLOSED_AFTER_NEGOTIATE, V_INCOMPLETE);
}

static void test_closed_after_negotiate(void **state)
{
	(void)state;
	struct facts f = base();
	f.session_setup_requested = false;
	f.closed = true;
	expect(&f, CAUSE_CLOSED_AFTER_NEGOTIATE, V_INCOMPLETE);
}

/* README "Verdicts": an encrypted session is protected whoever asked; the cause says who. */
static void test_encrypted_by_server(void **state)
{
	(void)state;
	struct facts f = base();
	f.session_ok = true;
	f.encrypt_data = true; /* SessionFlags ENCRYPT_DATA, before any TRANSFORM is seen */
	expect(&f, CAUSE_ENCRYPTED_BY_SERVER, V_SIGNED);
	f.encrypted = true;
	expect(&f, CAUSE_ENCRYPTED_BY_SERVER, V_SIGNED);
	f = base();
	f.encrypted = true; /* client-chosen, neither side requires signing */
	expect(&f, CAUSE_SIGNED_ENCRYPTED, V_SIGNED);
}

static void test_smb1_unsigned_logon(void **state)
{
	(void)state;
	struct facts f = base();
	f.smb_version = 1;
	require(&f, true, false);
	f.session_ok = true;
	f.smb1_unsigned_logon = true; /* final response carried "BSRSPYL " */
	f.closed = true;
	expect(&f, CAUSE_SMB1_UNSIGNED_LOGON, V_INVALID_SIGNATURE);
	f.unsigned_after_session = 3; /* traffic went on: not this failure */
	expect(&f, CAUSE_UNSIGNED_DESPITE_REQUIRED, V_NOT_SIGNED);
}

static void test_negotiate_refused(void **state)
{
	(void)state;
	struct facts f = base();
	f.negotiated = false;
	f.session_setup_requested = false;
	f.negotiate_failure = NEG_ERROR_STATUS;
	f.negotiate_status = NT_STATUS_NOT_SUPPORTED;
	expect(&f, CAUSE_NEGOTIATE_REFUSED, V_NEGOTIATE_FAILED);
}

static void test_negotiate_no_dialect(void **state)
{
	(void)state;
	struct facts f = base();
	f.smb_version = 1;
	f.session_setup_requested = false;
	f.closed = true;
	f.negotiate_failure = NEG_NO_DIALECT; /* DialectIndex 0xFFFF */
	expect(&f, CAUSE_NEGOTIATE_NO_DIALECT, V_NEGOTIATE_FAILED);
}

static void test_negotiate_unanswered(void **state)
{
	(void)state;
	struct facts f = base();
	f.negotiated = false;
	f.session_setup_requested = false;
	f.closed = f.server_closed = true;
	f.negotiate_failure = NEG_UNANSWERED;
	expect(&f, CAUSE_NEGOTIATE_UNANSWERED, V_NEGOTIATE_FAILED);
	f.negotiate_failure = NEG_OK; /* the client gave up, or the capture ends */
	expect(&f, CAUSE_NO_NEGOTIATE_RESPONSE_CLOSED, V_INCOMPLETE);
}

static void test_unsigned_guest_exempted(void **state)
{
	(void)state;
	struct facts f = base();
	require(&f, false, true);
	f.guest = true;
	f.unsigned_after_session = 20;
	expect(&f, CAUSE_UNSIGNED_GUEST_EXEMPTED, V_NOT_SIGNED);
}

static void test_unsigned_despite_required(void **state)
{
	(void)state;
	struct facts f = base();
	require(&f, false, true);
	f.unsigned_after_session = 20;
	expect(&f, CAUSE_UNSIGNED_DESPITE_REQUIRED, V_NOT_SIGNED);
}

static void test_not_required_guest(void **state)
{
	(void)state;
	struct facts f = base();
	f.guest = true;
	f.unsigned_after_session = 20;
	expect(&f, CAUSE_NOT_REQUIRED_GUEST, V_NOT_SIGNED);
}

static void test_not_required(void **state)
{
	(void)state;
	struct facts f = base();
	f.unsigned_after_session = 20;
	expect(&f, CAUSE_NOT_REQUIRED, V_NOT_SIGNED);
}

static void test_session_setup_failed(void **state)
{
	(void)state;
	struct facts f = base();
	f.session_fail_status = f.logon_fail_status = NT_STATUS_LOGON_FAILURE;
	expect(&f, CAUSE_SESSION_SETUP_FAILED, V_LOGON_FAILED);
	/* a later successful attempt wins: facts clear logon_fail_status */
	f.logon_fail_status = 0;
	f.session_ok = true;
	expect(&f, CAUSE_ENDS_BEFORE_TRAFFIC, V_INCOMPLETE);
}

static void test_tree_connect_failed(void **state)
{
	(void)state;
	struct facts f = base();
	f.tree_connect_status = 0xC00000CCu; /* STATUS_BAD_NETWORK_NAME */
	expect(&f, CAUSE_TREE_CONNECT_FAILED, V_INCOMPLETE);
}

static void test_snaplen_cut(void **state)
{
	(void)state;
	struct facts f = base();
	f.negotiated = f.any_negotiate = false;
	f.cut_short = true;
	expect(&f, CAUSE_SNAPLEN_CUT, V_INCOMPLETE);
}

static void test_mid_stream(void **state)
{
	(void)state;
	struct facts f = base();
	f.negotiated = f.any_negotiate = false;
	expect(&f, CAUSE_MID_STREAM, V_INCOMPLETE);
}

static void test_no_negotiate_response_closed(void **state)
{
	(void)state;
	struct facts f = base();
	f.negotiated = false;
	f.closed = true;
	expect(&f, CAUSE_NO_NEGOTIATE_RESPONSE_CLOSED, V_INCOMPLETE);
}

static void test_no_negotiate_response(void **state)
{
	(void)state;
	struct facts f = base();
	f.negotiated = false;
	expect(&f, CAUSE_NO_NEGOTIATE_RESPONSE, V_INCOMPLETE);
}

static void test_ends_before_traffic(void **state)
{
	(void)state;
	struct facts f = base();
	expect(&f, CAUSE_ENDS_BEFORE_TRAFFIC, V_INCOMPLETE);
}

/* An attack conversation: the verdict stays what the wire shows (here
 * not-signed, and an exploit connection with no Negotiate: incomplete), the
 * cause says attack and keeps the wire's cause beside it. */
static void test_attack(void **state)
{
	(void)state;
	struct facts f = base();
	f.unsigned_after_session = 4;
	f.indicators = IND_BIT(IND_MS17_010_PROBE) | IND_BIT(IND_MS17_010_VULNERABLE);
	struct rule_result r = rules_decide(&f);
	assert_int_equal(r.cause, CAUSE_ATTACK);
	assert_int_equal(r.wire_cause, CAUSE_NOT_REQUIRED);
	assert_int_equal(r.verdict, V_NOT_SIGNED);
	struct facts g;
	memset(&g, 0, sizeof g);
	g.smb_seen = true;
	g.indicators = IND_BIT(IND_ETERNALBLUE_EXPLOIT);
	r = rules_decide(&g);
	assert_int_equal(r.cause, CAUSE_ATTACK);
	assert_int_equal(r.verdict, V_INCOMPLETE);
	/* the most severe indicator describes it, and its fix is no signing change */
	const struct knowledge_attack *k = knowledge_attack_of(f.indicators);
	assert_non_null(k);
	assert_int_equal(k->indicator, IND_MS17_010_VULNERABLE);
	assert_null(strstr(k->fix, "RequireSecuritySignature"));
	assert_null(knowledge_attack_of(0));
	for (int i = 0; i < IND_COUNT; i++) /* every indicator has a row */
		assert_int_equal(knowledge_attack_of(IND_BIT(i))->indicator, i);
}

/* Every cause: a unique name, a rule, a knowledge row citing its source. */
static void test_tables_complete(void **state)
{
	(void)state;
	for (int i = 0; i < CAUSE_COUNT; i++) {
		assert_non_null(cause_names[i]);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(cause_names[i], cause_names[j]);
		if (i == CAUSE_ATTACK) /* its verdict is that of the rule under it */
			assert_int_equal(rules_verdict_of((enum verdict_cause)i), V_COUNT);
		else
			assert_int_not_equal(rules_verdict_of((enum verdict_cause)i), V_COUNT);
		const struct knowledge *k = knowledge_of((enum verdict_cause)i);
		assert_non_null(k);
		assert_true(k->source[0] != '\0');
		/* a verdict other than signed always says why */
		if (rules_verdict_of((enum verdict_cause)i) != V_SIGNED || i == CAUSE_ATTACK)
			assert_true(k->reason[0] != '\0');
	}
}

/* Templates: names expand, unknown names vanish, the buffer is never overrun. */
static void test_render(void **state)
{
	(void)state;
	const struct knowledge_vars vars[] = {{"client", "enabled"}, {"server", "required"}};
	char buf[64];
	knowledge_render("client {client}, server {server}{nope}.", vars, 2, buf, sizeof buf);
	assert_string_equal(buf, "client enabled, server required.");
	char small[8];
	knowledge_render("client {client}", vars, 2, small, sizeof small);
	assert_string_equal(small, "client ");
	knowledge_render("{server}", vars, 2, small, sizeof small);
	assert_string_equal(small, "require");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_smb),
		cmocka_unit_test(test_attack),
		cmocka_unit_test(test_invalid_signature),
		cmocka_unit_test(test_secure_negotiate_failed),
		cmocka_unit_test(test_guest_blocked),
		cmocka_unit_test(test_signed_encrypted),
		cmocka_unit_test(test_signed_partly),
		cmocka_unit_test(test_signed_against_prediction),
		cmocka_unit_test(test_signed_kb_no_communication),
		cmocka_unit_test(test_signed),
		cmocka_unit_test(test_tree_denied_guest),
		cmocka_unit_test(test_tree_denied_unsigned_client),
		cmocka_unit_test(test_client_signing_disabled),
		cmocka_unit_test(test_server_signing_disabled),
		cmocka_unit_test(test_closed_after_negotiate),
		cmocka_unit_test(test_encrypted_by_server),
		cmocka_unit_test(test_smb1_unsigned_logon),
		cmocka_unit_test(test_negotiate_refused),
		cmocka_unit_test(test_negotiate_no_dialect),
		cmocka_unit_test(test_negotiate_unanswered),
		cmocka_unit_test(test_unsigned_guest_exempted),
		cmocka_unit_test(test_unsigned_despite_required),
		cmocka_unit_test(test_not_required_guest),
		cmocka_unit_test(test_not_required),
		cmocka_unit_test(test_session_setup_failed),
		cmocka_unit_test(test_tree_connect_failed),
		cmocka_unit_test(test_snaplen_cut),
		cmocka_unit_test(test_mid_stream),
		cmocka_unit_test(test_no_negotiate_response_closed),
		cmocka_unit_test(test_no_negotiate_response),
		cmocka_unit_test(test_ends_before_traffic),
		cmocka_unit_test(test_tables_complete),
		cmocka_unit_test(test_render),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
