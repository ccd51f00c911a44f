/* Unit tests for spnego and der: SPNEGO tokens (RFC 4178, MS-SPNG 2.2) and
 * the X.690 reading under them. Vectors are real tokens copied from tshark
 * (`-e smb2.security_blob`) where named, else built field by field. Every
 * input is an exact-size heap copy. */
#include "testder.h"

#include "smbneg/der.h"
#include "smbneg/spnego.h"

/* ---- real vectors (captures/impacket-default-srv_auto-guest.pcap) ---- */

/* Frame 10, client SESSION_SETUP: InitialContextToken
 *   60 40 06 06 2b0601050502          [APPLICATION 0], OID 1.3.6.1.5.5.2
 *   a0 36 30 34                       [0] NegTokenInit SEQUENCE
 *     a0 0e 30 0c 06 0a 2b06..020a      mechTypes { 1.3.6.1.4.1.311.2.2.10 NTLMSSP }
 *     a2 22 04 20 4e544c4d..            mechToken: NTLMSSP NEGOTIATE (32 bytes) */
static const char init_ntlm_hex[] =
	"604006062b0601050502a0363034a00e300c060a2b06010401823702020aa2220420"
	"4e544c4d5353500001000000050288a000000000000000000000000000000000";

/* Frame 11, server SESSION_SETUP response: bare [1] NegTokenResp
 *   a1 81ba 30 81b7
 *     a0 03 0a 01 01                  negState accept-incomplete
 *     a1 0c 06 0a 2b06..020a          supportedMech NTLMSSP
 *     a2 81a1 04 819e 4e544c4d..      responseToken: NTLMSSP CHALLENGE (158 bytes) */
static const char resp_chal_hex[] =
	"a181ba3081b7a0030a0101a10c060a2b06010401823702020aa281a104819e4e544c4d53"
	"53500002000000160016003800000005028aa25fe30f13a47e2c7a00000000000000005000"
	"50004e000000060100000000000f53004d0042004e00450047002d004100550054004f0002"
	"00160053004d0042004e00450047002d004100550054004f000100160053004d0042004e00"
	"450047002d004100550054004f00040000000300040076006d0007000800bad2ce192c7add"
	"0100000000";

/* Frame 13: the last response, a1 07 30 05 a0 03 0a 01 00 = accept-completed. */
static const char resp_done_hex[] = "a1073005a0030a0100";

/* Frame 6, NEGOTIATE response buffer: MS-SPNG NegTokenInit2
 *   60 48 06 06 2b0601050502 a0 3e 30 3c
 *     a0 0e 30 0c 06 0a ..020a                mechTypes { NTLMSSP }
 *     a3 2a 30 28 a0 26 1b 24 "not_defined_in_RFC4178@please_ignore"   negHints.hintName */
static const char init2_hints_hex[] =
	"604806062b0601050502a03e303ca00e300c060a2b06010401823702020aa32a3028a026"
	"1b246e6f745f646566696e65645f696e5f5246433431373840706c656173655f69676e6f7265";

static enum smb_parse parse_only(struct rd *r)
{
	struct spnego_token t;
	struct rd inner;
	return spnego_parse(r, &t, &inner);
}

static enum smb_parse parse_bytes(const uint8_t *p, size_t n, struct spnego_token *t,
				  size_t *inner_len, uint8_t *inner_first)
{
	uint8_t *q = heap_copy(p, n);
	struct rd r = rd_init(q, n), inner;
	enum smb_parse e = spnego_parse(&r, t, &inner);
	*inner_len = rd_left(&inner);
	*inner_first = rd_left(&inner) ? rd_peek(&inner, 1)[0] : 0;
	free(q);
	return e;
}

/* ---- tests ---- */

static void test_init_ntlmssp(void **state)
{
	(void)state;
	struct td_vec v = td_vec_of(init_ntlm_hex);
	struct spnego_token t;
	size_t il;
	uint8_t first;
	assert_int_equal(v.n, 66);
	assert_int_equal(parse_bytes(v.b, v.n, &t, &il, &first), SMB_PARSE_OK);
	assert_int_equal(t.kind, SPNEGO_KIND_INIT);
	assert_true(t.gss_wrapped);
	assert_int_equal(t.mech_count, 1);
	assert_int_equal(t.mechs_kept, 1);
	assert_int_equal(t.mechs[0], DER_OID_NTLMSSP);
	assert_string_equal(t.first_mech_oid, "1.3.6.1.4.1.311.2.2.10");
	assert_true(t.has_mech_token);
	assert_int_equal(t.mech_token_len, 32);
	assert_int_equal(il, 32);
	assert_int_equal(first, 'N');
	assert_int_equal(t.neg_state, SPNEGO_NEG_STATE_ABSENT);
	assert_false(t.has_mech_list_mic);
	assert_false(t.has_neg_hints);
}

static void test_resp_challenge(void **state)
{
	(void)state;
	struct td_vec v = td_vec_of(resp_chal_hex);
	struct spnego_token t;
	size_t il;
	uint8_t first;
	assert_int_equal(v.n, 189);
	assert_int_equal(parse_bytes(v.b, v.n, &t, &il, &first), SMB_PARSE_OK);
	assert_int_equal(t.kind, SPNEGO_KIND_RESP);
	assert_false(t.gss_wrapped);
	assert_int_equal(t.neg_state, SPNEGO_ACCEPT_INCOMPLETE);
	assert_string_equal(spnego_neg_state_name(t.neg_state), "accept-incomplete");
	assert_true(t.has_supported_mech);
	assert_int_equal(t.supported_mech, DER_OID_NTLMSSP);
	assert_string_equal(t.supported_mech_oid, "1.3.6.1.4.1.311.2.2.10");
	assert_int_equal(t.mech_token_len, 158);
	assert_int_equal(il, 158);
	assert_int_equal(first, 'N');
}

static void test_resp_completed(void **state)
{
	(void)state;
	struct td_vec v = td_vec_of(resp_done_hex);
	struct spnego_token t;
	size_t il;
	uint8_t first;
	assert_int_equal(parse_bytes(v.b, v.n, &t, &il, &first), SMB_PARSE_OK);
	assert_int_equal(t.kind, SPNEGO_KIND_RESP);
	assert_int_equal(t.neg_state, SPNEGO_ACCEPT_COMPLETED);
	assert_string_equal(spnego_neg_state_name(0), "accept-completed");
	assert_false(t.has_supported_mech);
	assert_false(t.has_mech_token);
	assert_int_equal(il, 0);
	assert_null(spnego_neg_state_name(SPNEGO_NEG_STATE_ABSENT));
	assert_null(spnego_neg_state_name(4));
}

static void test_init2_neg_hints(void **state)
{
	(void)state;
	struct td_vec v = td_vec_of(init2_hints_hex);
	struct spnego_token t;
	size_t il;
	uint8_t first;
	assert_int_equal(parse_bytes(v.b, v.n, &t, &il, &first), SMB_PARSE_OK);
	assert_int_equal(t.kind, SPNEGO_KIND_INIT);
	assert_true(t.has_neg_hints);
	assert_string_equal(t.hint_name, "not_defined_in_RFC4178@please_ignore");
	assert_int_equal(t.mechs[0], DER_OID_NTLMSSP);
	assert_false(t.has_mech_token);
	assert_false(t.has_mech_list_mic);
}

/* The mechTypes a Windows client offers (zeek__kerberos445_auth.pcapng frame
 * 10): MS-Kerberos, Kerberos, NEGOEX, NTLMSSP; then a 3-byte mechToken and a
 * [3] mechListMIC, built field by field. */
static void build_windows_init(struct tbuf *b)
{
	static const uint8_t ms_krb5[] = {0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02};
	static const uint8_t krb5[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02};
	static const uint8_t negoex[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x1e};
	static const uint8_t ntlm[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};
	static const uint8_t spnego[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};
	struct tbuf mechs, tok, mic, seq;
	tb_init(&mechs);
	td_prim(&mechs, 0x06, ms_krb5, sizeof ms_krb5);
	td_prim(&mechs, 0x06, krb5, sizeof krb5);
	td_prim(&mechs, 0x06, negoex, sizeof negoex);
	td_prim(&mechs, 0x06, ntlm, sizeof ntlm);
	td_wrap(&mechs, 0x30);
	tb_init(&tok);
	td_prim(&tok, 0x04, "\x6e\x00\x00", 3);
	tb_init(&mic);
	td_prim(&mic, 0x04, "MICMICMIC", 9);
	tb_init(&seq);
	td_ctx_take(&seq, 0, &mechs);
	td_ctx_take(&seq, 2, &tok);
	td_ctx_take(&seq, 3, &mic);
	td_wrap(&seq, 0x30);
	td_wrap(&seq, 0xa0);
	tb_init(b);
	td_prim(b, 0x06, spnego, sizeof spnego);
	tb_bytes(b, seq.p, seq.n);
	td_wrap(b, 0x60);
	tb_free(&seq);
}

static void test_init_windows_mechs(void **state)
{
	(void)state;
	struct tbuf b;
	build_windows_init(&b);
	struct spnego_token t;
	size_t il;
	uint8_t first;
	assert_int_equal(parse_bytes(b.p, b.n, &t, &il, &first), SMB_PARSE_OK);
	assert_int_equal(t.mech_count, 4);
	assert_int_equal(t.mechs[0], DER_OID_MS_KRB5);
	assert_int_equal(t.mechs[1], DER_OID_KRB5);
	assert_int_equal(t.mechs[2], DER_OID_NEGOEX);
	assert_int_equal(t.mechs[3], DER_OID_NTLMSSP);
	assert_string_equal(t.first_mech_oid, "1.2.840.48018.1.2.2");
	assert_string_equal(der_oid_name(DER_OID_MS_KRB5), "ms-kerberos");
	assert_int_equal(il, 3);
	assert_int_equal(first, 0x6e);
	assert_true(t.has_mech_list_mic);
	assert_false(t.has_neg_hints);
	tb_free(&b);
}

/* Every strict prefix of each token is TRUNCATED. */
static void test_truncation_sweep(void **state)
{
	(void)state;
	const char *hexes[] = {init_ntlm_hex, resp_chal_hex, resp_done_hex, init2_hints_hex};
	for (size_t i = 0; i < ARRAY_LEN(hexes); i++) {
		struct td_vec v = td_vec_of(hexes[i]);
		td_sweep(v.b, v.n, parse_only, SMB_PARSE_TRUNCATED);
	}
	struct tbuf b;
	build_windows_init(&b);
	td_sweep(b.p, b.n, parse_only, SMB_PARSE_TRUNCATED);
	tb_free(&b);
}

static void test_garbage(void **state)
{
	(void)state;
	td_garbage(parse_only);
	/* an INTEGER where the NegTokenInit SEQUENCE should be */
	struct td_vec v = td_vec_of("a003020105");
	struct rd r = rd_init(v.b, v.n);
	assert_int_equal(parse_only(&r), SMB_PARSE_MALFORMED);
	/* [2] is not a NegotiationToken choice */
	v = td_vec_of("a2023000");
	r = rd_init(v.b, v.n);
	assert_int_equal(parse_only(&r), SMB_PARSE_MALFORMED);
	/* 0x60 with the Kerberos OID is not SPNEGO */
	v = td_vec_of("600b06092a864886f712010202");
	r = rd_init(v.b, v.n);
	assert_int_equal(parse_only(&r), SMB_PARSE_MALFORMED);
}

/* X.690 8.1.3 length forms. */
static void test_der_lengths(void **state)
{
	(void)state;
	struct der_tlv t;
	/* long form, not minimal (BER; Windows never, some stacks do): accepted */
	struct td_vec v = td_vec_of("048200020a0b");
	struct rd r = rd_init(v.b, v.n);
	assert_int_equal(der_read(&r, &t), SMB_PARSE_OK);
	assert_int_equal(rd_left(&t.body), 2);
	assert_int_equal(rd_left(&r), 0);
	/* indefinite form 0x80: not DER, rejected */
	v = td_vec_of("30800201000000");
	r = rd_init(v.b, v.n);
	assert_int_equal(der_read(&r, &t), SMB_PARSE_MALFORMED);
	assert_int_equal(r.pos, 0); /* nothing consumed */
	/* five length bytes: rejected; 0xff reserved: rejected */
	v = td_vec_of("04850000000001aa");
	r = rd_init(v.b, v.n);
	assert_int_equal(der_read(&r, &t), SMB_PARSE_MALFORMED);
	v = td_vec_of("04ff");
	r = rd_init(v.b, v.n);
	assert_int_equal(der_read(&r, &t), SMB_PARSE_MALFORMED);
	/* 4 GiB - 1 declared, 2 present: past the end, no overflow */
	v = td_vec_of("0484ffffffff0102");
	r = rd_init(v.b, v.n);
	assert_int_equal(der_read(&r, &t), SMB_PARSE_TRUNCATED);
	/* length cut inside its long form */
	v = td_vec_of("0482ff");
	r = rd_init(v.b, v.n);
	assert_int_equal(der_read(&r, &t), SMB_PARSE_TRUNCATED);
	/* high tag number form: [APPLICATION 300] = 7f 82 2c */
	v = td_vec_of("7f822c0105");
	r = rd_init(v.b, v.n);
	assert_int_equal(der_read(&r, &t), SMB_PARSE_OK);
	assert_int_equal(t.cls, DER_APPLICATION);
	assert_int_equal(t.tag, 300);
	/* a tag number of more than DER_MAX_TAG_BYTES bytes */
	v = td_vec_of("1f8181818181010100");
	r = rd_init(v.b, v.n);
	assert_int_equal(der_read(&r, &t), SMB_PARSE_MALFORMED);
	/* the whole SPNEGO token in long form with a non-minimal outer length */
	struct td_vec w = td_vec_of(init_ntlm_hex);
	uint8_t big[80];
	big[0] = 0x60;
	big[1] = 0x82;
	big[2] = 0x00;
	big[3] = 0x40;
	memcpy(big + 4, w.b + 2, w.n - 2);
	uint8_t *q = heap_copy(big, w.n + 2);
	r = rd_init(q, w.n + 2);
	assert_int_equal(parse_only(&r), SMB_PARSE_OK);
	free(q);
}

/* A nesting bomb: 3000 nested [0] wrappers. The parser does not recurse, it
 * finds a [0] where the SEQUENCE must be and stops. */
static void test_depth_bomb(void **state)
{
	(void)state;
	struct tbuf b;
	tb_init(&b);
	td_prim(&b, 0x05, "", 0);
	for (int i = 0; i < 3000 && b.n < 60000; i++)
		td_wrap(&b, 0xa0);
	uint8_t *q = heap_copy(b.p, b.n);
	struct rd r = rd_init(q, b.n);
	assert_int_equal(parse_only(&r), SMB_PARSE_MALFORMED);
	free(q);
	/* mechTypes holding nested SEQUENCEs instead of OIDs */
	struct tbuf m;
	tb_init(&m);
	td_prim(&m, 0x05, "", 0);
	for (int i = 0; i < 2000 && m.n < 60000; i++)
		td_wrap(&m, 0x30);
	td_wrap(&m, 0x30);
	td_wrap(&m, 0xa0);
	td_wrap(&m, 0x30);
	td_wrap(&m, 0xa0);
	q = heap_copy(m.p, m.n);
	r = rd_init(q, m.n);
	assert_int_equal(parse_only(&r), SMB_PARSE_MALFORMED);
	free(q);
	tb_free(&b);
	tb_free(&m);
}

/* 20 mechTypes: counted, 8 kept; 100 unknown fields: capped. */
static void test_count_caps(void **state)
{
	(void)state;
	static const uint8_t ntlm[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};
	struct tbuf m, f;
	tb_init(&m);
	for (int i = 0; i < 20; i++)
		td_prim(&m, 0x06, ntlm, sizeof ntlm);
	td_wrap(&m, 0x30);
	td_wrap(&m, 0xa0);
	td_wrap(&m, 0x30);
	td_wrap(&m, 0xa0);
	struct spnego_token t;
	size_t il;
	uint8_t first;
	assert_int_equal(parse_bytes(m.p, m.n, &t, &il, &first), SMB_PARSE_OK);
	assert_int_equal(t.mech_count, 20);
	assert_int_equal(t.mechs_kept, SPNEGO_MAX_MECHS);
	tb_init(&f);
	for (int i = 0; i < 100; i++)
		td_ctx_int(&f, 7, 1); /* unknown [7] fields */
	td_wrap(&f, 0x30);
	td_wrap(&f, 0xa1);
	assert_int_equal(parse_bytes(f.p, f.n, &t, &il, &first), SMB_PARSE_MALFORMED);
	tb_free(&m);
	tb_free(&f);
}

static void test_oid_text(void **state)
{
	(void)state;
	char s[DER_OID_MAX];
	struct td_vec v = td_vec_of("883703"); /* 2.999.3 (first arc >= 80) */
	assert_true(der_oid_text(rd_init(v.b, v.n), s, sizeof s));
	assert_string_equal(s, "2.999.3");
	v = td_vec_of("2b0601058f"); /* last arc never ends */
	assert_false(der_oid_text(rd_init(v.b, v.n), s, sizeof s));
	assert_string_equal(s, "");
	v = td_vec_of("2bffffffffffffffffffff7f"); /* arc beyond 64 bits */
	assert_false(der_oid_text(rd_init(v.b, v.n), s, sizeof s));
	v = td_vec_of("2b0601050502");
	char tiny[8];
	assert_false(der_oid_text(rd_init(v.b, v.n), tiny, sizeof tiny)); /* does not fit */
	assert_int_equal(der_oid_lookup(rd_init(v.b, v.n)), DER_OID_SPNEGO);
	assert_false(der_oid_text(rd_init(NULL, 0), s, sizeof s));
	int64_t n;
	v = td_vec_of("ff");
	assert_true(der_int(rd_init(v.b, v.n), &n));
	assert_int_equal(n, -1);
	v = td_vec_of("010203040506070809");
	assert_false(der_int(rd_init(v.b, v.n), &n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_ntlmssp),
		cmocka_unit_test(test_resp_challenge),
		cmocka_unit_test(test_resp_completed),
		cmocka_unit_test(test_init2_neg_hints),
		cmocka_unit_test(test_init_windows_mechs),
		cmocka_unit_test(test_truncation_sweep),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_der_lengths),
		cmocka_unit_test(test_depth_bomb),
		cmocka_unit_test(test_count_caps),
		cmocka_unit_test(test_oid_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
