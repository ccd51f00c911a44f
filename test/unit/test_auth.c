/* Unit tests for auth: auth_parse_blob() over whole security buffers
 * (SPNEGO-wrapped NTLMSSP and Kerberos, raw NTLMSSP, empty, garbage). Real
 * buffers copied from tshark (`-e smb2.security_blob`) where named. Every
 * input is an exact-size heap copy. */
#include "testder.h"

#include "smbneg/auth.h"
#include "smbneg/der.h"

/* captures/impacket-default-srv_auto-guest.pcap, the four SESSION_SETUP
 * buffers of one logon as "guest":
 *   frame 10  NegTokenInit { NTLMSSP } + NEGOTIATE
 *   frame 11  NegTokenResp accept-incomplete, NTLMSSP, CHALLENGE
 *   frame 12  NegTokenResp { responseToken AUTHENTICATE "guest" }
 *   frame 13  NegTokenResp accept-completed */
static const char f10[] =
	"604006062b0601050502a0363034a00e300c060a2b06010401823702020aa22204204e544c"
	"4d5353500001000000050288a000000000000000000000000000000000";
static const char f11[] =
	"a181ba3081b7a0030a0101a10c060a2b06010401823702020aa281a104819e4e544c4d5353"
	"500002000000160016003800000005028aa25fe30f13a47e2c7a0000000000000000500050"
	"004e000000060100000000000f53004d0042004e00450047002d004100550054004f000200"
	"160053004d0042004e00450047002d004100550054004f000100160053004d0042004e0045"
	"0047002d004100550054004f00040000000300040076006d0007000800bad2ce192c7add01"
	"00000000";
static const char f12[] =
	"a18201123082010ea282010a048201064e544c4d5353500003000000180018004a000000a4"
	"00a4006200000000000000400000000a000a0040000000000000004a000000000000000601"
	"0000050288a0670075006500730074004a97bbb5654e0078bea0022db05558d8746646644b"
	"564c507b2e770ef0a352855ce1006585dac8100101000000000000bad2ce192c7add017466"
	"46644b564c50000000000200160053004d0042004e00450047002d004100550054004f0001"
	"00160053004d0042004e00450047002d004100550054004f00040000000300040076006d00"
	"07000800bad2ce192c7add010900200063006900660073002f0053004d0042004e00450047"
	"002d004100550054004f000000000000000000";
static const char f13[] = "a1073005a0030a0100";

/* zeek__kerberos445_auth.pcapng frame 12: NegTokenResp accept-completed,
 * supportedMech 1.2.840.48018.1.2.2 (MS-Kerberos), responseToken = GSS AP-REP. */
static const char krb_rep[] =
	"a181b63081b3a0030a0100a10b06092a864882f712010202a2819e04819b60819806092a86"
	"4886f71201020202006f8188308185a003020105a10302010fa2793077a003020112a27004"
	"6e11b3ecaa80ceab09ec55feecbac6f8e78307f06583f436b7348d2f2e06d57b1d4b61421d"
	"e58b299eafce3b9673c8dd3ff61d7b13043e44c50924aafb6f72e06a2d107713837a968323"
	"02b33d97486d1a36dd4238d1dfe18a309fe42d51fbdbf23a74d9bdeacc658f1c08b0cfc638";

/* zeek__ldap_aduser1.pcap frame 11: anonymous AUTHENTICATE in NegTokenResp
 * (a1 57 30 55 a2 53 04 51 "NTLMSSP"...). */
static const char anon[] =
	"a1573055a25304514e544c4d5353500003000000010001004000000000000000410000000000"
	"0000400000000000000040000000000000004000000010001000410000003582"
	"88e000b670b972d64f655dd8362f090618c603";

static enum smb_parse parse_bytes(const uint8_t *p, size_t n, struct auth_token *t)
{
	uint8_t *q = heap_copy(p, n);
	struct rd r = rd_init(n ? q : NULL, n);
	enum smb_parse e = auth_parse_blob(&r, t);
	free(q);
	return e;
}

static enum smb_parse parse_hex(const char *hex, struct auth_token *t)
{
	struct td_vec v = td_vec_of(hex);
	return parse_bytes(v.b, v.n, t);
}

static enum smb_parse parse_only(struct rd *r)
{
	struct auth_token t;
	return auth_parse_blob(r, &t);
}

/* ---- tests ---- */

static void test_ntlmssp_exchange(void **state)
{
	(void)state;
	struct auth_token t;
	assert_int_equal(parse_hex(f10, &t), SMB_PARSE_OK);
	assert_int_equal(t.mech, AUTH_MECH_NTLMSSP);
	assert_string_equal(auth_mech_name(t.mech), "ntlmssp");
	assert_true(t.spnego && t.has_ntlmssp && !t.has_krb5);
	assert_int_equal(t.sp.kind, SPNEGO_KIND_INIT);
	assert_int_equal(t.ntlm.type, 1);
	assert_int_equal(parse_hex(f11, &t), SMB_PARSE_OK);
	assert_int_equal(t.ntlm.type, 2);
	assert_string_equal(t.ntlm.u.challenge.info.nb_computer, "SMBNEG-AUTO");
	assert_int_equal(t.sp.neg_state, SPNEGO_ACCEPT_INCOMPLETE);
	assert_int_equal(parse_hex(f12, &t), SMB_PARSE_OK);
	assert_int_equal(t.ntlm.type, 3);
	assert_string_equal(t.ntlm.u.auth.user, "guest");
	assert_false(t.ntlm.u.auth.anonymous);
	assert_int_equal(t.sp.neg_state, SPNEGO_NEG_STATE_ABSENT);
	/* the last leg names no mechanism */
	assert_int_equal(parse_hex(f13, &t), SMB_PARSE_OK);
	assert_int_equal(t.mech, AUTH_MECH_NONE);
	assert_null(auth_mech_name(t.mech));
	assert_false(t.has_ntlmssp);
	assert_int_equal(t.sp.neg_state, SPNEGO_ACCEPT_COMPLETED);
}

static void test_anonymous(void **state)
{
	(void)state;
	struct auth_token t;
	assert_int_equal(parse_hex(anon, &t), SMB_PARSE_OK);
	assert_int_equal(t.mech, AUTH_MECH_NTLMSSP);
	assert_true(t.ntlm.u.auth.anonymous);
	/* the same message raw, without SPNEGO (zeek__raw_ntlm_in_smb style) */
	struct td_vec v = td_vec_of(anon);
	assert_int_equal(parse_bytes(v.b + 8, v.n - 8, &t), SMB_PARSE_OK);
	assert_false(t.spnego);
	assert_int_equal(t.mech, AUTH_MECH_NTLMSSP);
	assert_true(t.ntlm.u.auth.anonymous);
}

static void test_kerberos(void **state)
{
	(void)state;
	struct auth_token t;
	assert_int_equal(parse_hex(krb_rep, &t), SMB_PARSE_OK);
	assert_int_equal(t.mech, AUTH_MECH_KERBEROS);
	assert_true(t.has_krb5);
	assert_int_equal(t.krb5.msg, KRB5_MSG_AP_REP);
	assert_int_equal(t.sp.supported_mech, DER_OID_MS_KRB5);
	assert_int_equal(t.sp.neg_state, SPNEGO_ACCEPT_COMPLETED);
	/* NegTokenInit { MS-KRB5, KRB5, NTLMSSP } with a bare AP-REQ stand-in as
	 * mechToken: mechanism from the token, not from the list */
	static const uint8_t ms_krb5[] = {0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02};
	static const uint8_t ntlm[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};
	static const uint8_t spnego[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};
	struct tbuf mechs, tok, apreq, b;
	tb_init(&mechs);
	td_prim(&mechs, 0x06, ntlm, sizeof ntlm);
	td_prim(&mechs, 0x06, ms_krb5, sizeof ms_krb5);
	td_wrap(&mechs, 0x30);
	tb_init(&apreq); /* AP-REQ { pvno 5, msg-type 14 } */
	td_ctx_int(&apreq, 0, 5);
	td_ctx_int(&apreq, 1, 14);
	td_wrap(&apreq, 0x30);
	td_wrap(&apreq, 0x6e);
	tb_init(&tok);
	td_prim(&tok, 0x04, apreq.p, apreq.n);
	tb_init(&b);
	td_ctx_take(&b, 0, &mechs);
	td_ctx_take(&b, 2, &tok);
	td_wrap(&b, 0x30);
	td_wrap(&b, 0xa0);
	struct tbuf g;
	tb_init(&g);
	td_prim(&g, 0x06, spnego, sizeof spnego);
	tb_bytes(&g, b.p, b.n);
	td_wrap(&g, 0x60);
	assert_int_equal(parse_bytes(g.p, g.n, &t), SMB_PARSE_OK);
	assert_int_equal(t.mech, AUTH_MECH_KERBEROS);
	assert_int_equal(t.krb5.msg, KRB5_MSG_AP_REQ);
	assert_int_equal(t.krb5.msg_type, 14);
	td_sweep_from(g.p, g.n, 1, parse_only, SMB_PARSE_TRUNCATED); /* 0 bytes: empty, OK */
	tb_free(&apreq);
	tb_free(&b);
	tb_free(&g);
}

/* A NEGOEX mechToken is not decoded: mechanism from mechTypes, no error. */
static void test_negoex_token(void **state)
{
	(void)state;
	static const uint8_t negoex[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x1e};
	struct tbuf mechs, tok, b;
	tb_init(&mechs);
	td_prim(&mechs, 0x06, negoex, sizeof negoex);
	td_wrap(&mechs, 0x30);
	tb_init(&tok);
	td_prim(&tok, 0x04, "NEGOEXTS\0\0\0\0", 12);
	tb_init(&b);
	td_ctx_take(&b, 0, &mechs);
	td_ctx_take(&b, 2, &tok);
	td_wrap(&b, 0x30);
	td_wrap(&b, 0xa0);
	struct auth_token t;
	assert_int_equal(parse_bytes(b.p, b.n, &t), SMB_PARSE_OK);
	assert_int_equal(t.mech, AUTH_MECH_OTHER);
	assert_false(t.has_ntlmssp || t.has_krb5);
	tb_free(&b);
}

static void test_empty_and_garbage(void **state)
{
	(void)state;
	struct auth_token t;
	assert_int_equal(parse_bytes(NULL, 0, &t), SMB_PARSE_OK);
	assert_int_equal(t.mech, AUTH_MECH_NONE);
	assert_int_equal(parse_bytes((const uint8_t *)"NTLMSS", 6, &t), SMB_PARSE_TRUNCATED);
	assert_int_equal(parse_bytes((const uint8_t *)"hello, world", 12, &t),
			 SMB_PARSE_MALFORMED);
	assert_int_equal(t.mech, AUTH_MECH_NONE);
	td_garbage(parse_only);
}

static void test_truncation_sweep(void **state)
{
	(void)state;
	const char *all[] = {f10, f11, f12, f13, krb_rep, anon};
	for (size_t i = 0; i < ARRAY_LEN(all); i++) {
		struct td_vec v = td_vec_of(all[i]);
		td_sweep_from(v.b, v.n, 1, parse_only, SMB_PARSE_TRUNCATED);
	}
}

/* The token is kept per session: plain data, small. */
static void test_size(void **state)
{
	(void)state;
	assert_true(sizeof(struct auth_token) < 2048);
	print_message("# sizeof(struct auth_token) = %zu\n", sizeof(struct auth_token));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ntlmssp_exchange),
		cmocka_unit_test(test_anonymous),
		cmocka_unit_test(test_kerberos),
		cmocka_unit_test(test_negoex_token),
		cmocka_unit_test(test_empty_and_garbage),
		cmocka_unit_test(test_truncation_sweep),
		cmocka_unit_test(test_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
