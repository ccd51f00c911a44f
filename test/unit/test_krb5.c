/* Unit tests for krb5: the clear parts of Kerberos GSS tokens (RFC 4121 4.1,
 * RFC 4120 5.5.1 AP-REQ, 5.5.2 AP-REP, 5.9.1 KRB-ERROR). The AP-REP is a real
 * token; AP-REQ and KRB-ERROR are built element by element with the names of
 * a real exchange (zeek__smb2_krb.pcap frame 12: realm DS.SUSQ.COM, service
 * cifs/phxlabbal821.techlab.susq.com) and short stand-ins for the
 * ciphertexts. Every input is an exact-size heap copy. */
#include "testder.h"

#include "smbneg/der.h"
#include "smbneg/krb5.h"

/* zeek__kerberos445_auth.pcapng frame 12, the responseToken of the SPNEGO
 * NegTokenResp (155 bytes):
 *   60 8198 06 09 2a864886f712010202   GSS framing, OID 1.2.840.113554.1.2.2
 *   02 00                              TOK_ID AP-REP
 *   6f 8188 30 8185                    AP-REP [APPLICATION 15] SEQUENCE
 *     a0 03 02 01 05                     pvno 5
 *     a1 03 02 01 0f                     msg-type 15
 *     a2 79 30 77 a0 03 02 01 12 ...     enc-part: etype 18, cipher (encrypted) */
static const char ap_rep_hex[] =
	"60819806092a864886f71201020202006f8188308185a003020105a10302010fa2793077"
	"a003020112a270046e11b3ecaa80ceab09ec55feecbac6f8e78307f06583f436b7348d2f"
	"2e06d57b1d4b61421de58b299eafce3b9673c8dd3ff61d7b13043e44c50924aafb6f72e0"
	"6a2d107713837a96832302b33d97486d1a36dd4238d1dfe18a309fe42d51fbdbf23a74d9"
	"bdeacc658f1c08b0cfc638";

static const uint8_t krb5_oid[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02};

/* PrincipalName ::= SEQUENCE { [0] name-type, [1] SEQUENCE OF GeneralString } */
static void build_principal(struct tbuf *b, uint32_t type, const char *const *parts, size_t n)
{
	struct tbuf names;
	tb_init(&names);
	for (size_t i = 0; i < n; i++)
		td_prim(&names, 0x1b, parts[i], strlen(parts[i]));
	td_wrap(&names, 0x30);
	tb_init(b);
	td_ctx_int(b, 0, type);
	td_ctx_take(b, 1, &names);
	td_wrap(b, 0x30);
}

/* EncryptedData ::= SEQUENCE { [0] etype, [1] kvno, [2] cipher (4 bytes here) } */
static void build_enc(struct tbuf *b, uint32_t etype)
{
	struct tbuf c;
	tb_init(b);
	td_ctx_int(b, 0, etype);
	td_ctx_int(b, 1, 3);
	tb_init(&c);
	td_prim(&c, 0x04, "\xde\xad\xbe\xef", 4);
	td_ctx_take(b, 2, &c);
	td_wrap(b, 0x30);
}

/* GSS framing around msg: 60 { OID, TOK_ID, msg }. */
static void build_gss(struct tbuf *b, const uint8_t *oid, size_t oid_len, uint16_t tok_id,
		      const struct tbuf *msg)
{
	tb_init(b);
	td_prim(b, 0x06, oid, oid_len);
	tb_u8(b, (uint8_t)(tok_id >> 8));
	tb_u8(b, (uint8_t)tok_id);
	tb_bytes(b, msg->p, msg->n);
	td_wrap(b, 0x60);
}

/* AP-REQ [APPLICATION 14] { pvno 5, msg-type 14, ap-options mutual-required
 * (BIT STRING 00 20000000), ticket [APPLICATION 1] { tkt-vno 5, realm,
 * sname { 2 NT-SRV-INST, parts }, enc-part { etype 18 } }, authenticator
 * { etype 18 } }; bare when tok_id is 0, else GSS-framed. */
static void build_ap_req(struct tbuf *out, const char *realm, const char *const *parts, size_t n,
			 uint16_t tok_id)
{
	struct tbuf tkt, p, e, ap, opt, auth;
	tb_init(&tkt);
	td_ctx_int(&tkt, 0, 5);
	td_ctx_str(&tkt, 1, realm);
	build_principal(&p, 2, parts, n);
	td_ctx_take(&tkt, 2, &p);
	build_enc(&e, 18);
	td_ctx_take(&tkt, 3, &e);
	td_wrap(&tkt, 0x30);
	td_wrap(&tkt, 0x61);
	tb_init(&ap);
	td_ctx_int(&ap, 0, 5);
	td_ctx_int(&ap, 1, 14);
	tb_init(&opt);
	td_prim(&opt, 0x03, "\x00\x20\x00\x00\x00", 5);
	td_ctx_take(&ap, 2, &opt);
	td_ctx_take(&ap, 3, &tkt);
	build_enc(&auth, 18);
	td_ctx_take(&ap, 4, &auth);
	td_wrap(&ap, 0x30);
	td_wrap(&ap, 0x6e);
	if (tok_id == 0) {
		*out = ap;
		return;
	}
	build_gss(out, krb5_oid, sizeof krb5_oid, tok_id, &ap);
	tb_free(&ap);
}

static const char *const susq[] = {"cifs", "phxlabbal821.techlab.susq.com"};

static enum smb_parse parse_bytes(const uint8_t *p, size_t n, struct krb5_token *k)
{
	uint8_t *q = heap_copy(p, n);
	struct rd r = rd_init(n ? q : NULL, n);
	enum smb_parse e = krb5_parse(&r, k);
	free(q);
	return e;
}

static enum smb_parse parse_only(struct rd *r)
{
	struct krb5_token k;
	return krb5_parse(r, &k);
}

/* ---- tests ---- */

static void test_ap_req(void **state)
{
	(void)state;
	struct tbuf b;
	struct krb5_token k;
	build_ap_req(&b, "DS.SUSQ.COM", susq, 2, 0x0100);
	assert_int_equal(parse_bytes(b.p, b.n, &k), SMB_PARSE_OK);
	assert_int_equal(k.msg, KRB5_MSG_AP_REQ);
	assert_string_equal(krb5_msg_name(k.msg), "ap-req");
	assert_true(k.gss_wrapped);
	assert_int_equal(k.mech_oid, DER_OID_KRB5);
	assert_int_equal(k.tok_id, 0x0100);
	assert_int_equal(k.pvno, 5);
	assert_int_equal(k.msg_type, 14);
	assert_int_equal(k.ap_options, 0x20000000);
	assert_int_equal(k.tkt_vno, 5);
	assert_string_equal(k.realm, "DS.SUSQ.COM");
	assert_int_equal(k.sname_type, 2);
	assert_int_equal(k.sname_parts, 2);
	assert_string_equal(k.sname, "cifs/phxlabbal821.techlab.susq.com");
	assert_true(k.has_ticket_etype);
	assert_int_equal(k.ticket_etype, 18);
	assert_false(k.has_error_code);
	assert_false(k.cut);
	td_sweep(b.p, b.n, parse_only, SMB_PARSE_TRUNCATED);
	tb_free(&b);
	/* bare, without the GSS framing */
	build_ap_req(&b, "DS.SUSQ.COM", susq, 2, 0);
	assert_int_equal(parse_bytes(b.p, b.n, &k), SMB_PARSE_OK);
	assert_false(k.gss_wrapped);
	assert_string_equal(k.sname, "cifs/phxlabbal821.techlab.susq.com");
	td_sweep(b.p, b.n, parse_only, SMB_PARSE_TRUNCATED);
	tb_free(&b);
}

static void test_ap_rep(void **state)
{
	(void)state;
	uint8_t v[200];
	size_t n = td_unhex(ap_rep_hex, v, sizeof v);
	struct krb5_token k;
	assert_int_equal(n, 155);
	assert_int_equal(parse_bytes(v, n, &k), SMB_PARSE_OK);
	assert_int_equal(k.msg, KRB5_MSG_AP_REP);
	assert_int_equal(k.tok_id, 0x0200);
	assert_int_equal(k.pvno, 5);
	assert_int_equal(k.msg_type, 15);
	assert_string_equal(k.realm, "");
	td_sweep(v, n, parse_only, SMB_PARSE_TRUNCATED);
}

/* KRB-ERROR [APPLICATION 30] { pvno 5, msg-type 30, stime [4], susec [5] 0,
 * error-code [6] 41 KRB_AP_ERR_MODIFIED, realm [9], sname [10] }. */
static void test_krb_error(void **state)
{
	(void)state;
	struct tbuf m, t, p, b;
	tb_init(&m);
	td_ctx_int(&m, 0, 5);
	td_ctx_int(&m, 1, 30);
	tb_init(&t);
	td_prim(&t, 0x18, "20261130094000Z", 15); /* GeneralizedTime */
	td_ctx_take(&m, 4, &t);
	td_ctx_int(&m, 5, 0);
	td_ctx_int(&m, 6, 41);
	td_ctx_str(&m, 9, "DS.SUSQ.COM");
	build_principal(&p, 2, susq, 2);
	td_ctx_take(&m, 10, &p);
	td_wrap(&m, 0x30);
	td_wrap(&m, 0x7e);
	build_gss(&b, krb5_oid, sizeof krb5_oid, 0x0300, &m);
	struct krb5_token k;
	assert_int_equal(parse_bytes(b.p, b.n, &k), SMB_PARSE_OK);
	assert_int_equal(k.msg, KRB5_MSG_KRB_ERROR);
	assert_true(k.has_error_code);
	assert_int_equal(k.error_code, 41);
	assert_string_equal(k.realm, "DS.SUSQ.COM");
	assert_string_equal(k.sname, "cifs/phxlabbal821.techlab.susq.com");
	td_sweep(b.p, b.n, parse_only, SMB_PARSE_TRUNCATED);
	tb_free(&m);
	tb_free(&b);
}

/* Other TOK_IDs (user-to-user TGT-REQ 04 00) are recognised, not decoded; a
 * wrapper with a non-Kerberos OID is not Kerberos. */
static void test_other_tokens(void **state)
{
	(void)state;
	static const uint8_t spnego_oid[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};
	struct tbuf body, b;
	struct krb5_token k;
	tb_init(&body);
	td_prim(&body, 0x30, "", 0);
	build_gss(&b, krb5_oid, sizeof krb5_oid, 0x0400, &body);
	assert_int_equal(parse_bytes(b.p, b.n, &k), SMB_PARSE_OK);
	assert_int_equal(k.msg, KRB5_MSG_OTHER);
	assert_int_equal(k.tok_id, 0x0400);
	struct rd r = rd_init(b.p, b.n);
	assert_true(krb5_is(&r));
	tb_free(&b);
	build_gss(&b, spnego_oid, sizeof spnego_oid, 0x0100, &body);
	assert_int_equal(parse_bytes(b.p, b.n, &k), SMB_PARSE_MALFORMED);
	r = rd_init(b.p, b.n);
	assert_false(krb5_is(&r));
	tb_free(&b);
	/* an [APPLICATION 10] AS-REQ inside the AP-REQ TOK_ID: not expected */
	build_gss(&b, krb5_oid, sizeof krb5_oid, 0x0100, &body);
	b.p[b.n - 2] = 0x6a;
	assert_int_equal(parse_bytes(b.p, b.n, &k), SMB_PARSE_MALFORMED);
	tb_free(&b);
	tb_free(&body);
	assert_null(krb5_msg_name(KRB5_MSG_NONE));
}

/* Caps: 20 name components (8 kept, cut), a 300-byte realm (cut), a
 * 9-byte INTEGER (malformed). */
static void test_caps(void **state)
{
	(void)state;
	const char *parts[20];
	for (int i = 0; i < 20; i++)
		parts[i] = "abcdefghij";
	struct tbuf b;
	struct krb5_token k;
	build_ap_req(&b, "R", parts, 20, 0x0100);
	assert_int_equal(parse_bytes(b.p, b.n, &k), SMB_PARSE_OK);
	assert_int_equal(k.sname_parts, KRB5_MAX_NAME_PARTS);
	assert_true(k.cut);
	assert_true(strlen(k.sname) < KRB5_PRINCIPAL_MAX);
	tb_free(&b);
	char realm[301];
	memset(realm, 'R', 300);
	realm[300] = '\0';
	build_ap_req(&b, realm, susq, 2, 0x0100);
	assert_int_equal(parse_bytes(b.p, b.n, &k), SMB_PARSE_OK);
	assert_true(k.cut);
	assert_int_equal(strlen(k.realm), KRB5_REALM_MAX - 1);
	assert_string_equal(k.sname, "cifs/phxlabbal821.techlab.susq.com");
	tb_free(&b);
	struct tbuf m;
	tb_init(&m);
	td_prim(&m, 0x02, "\x01\x02\x03\x04\x05\x06\x07\x08\x09", 9);
	td_wrap(&m, 0xa0);
	td_wrap(&m, 0x30);
	td_wrap(&m, 0x6f);
	assert_int_equal(parse_bytes(m.p, m.n, &k), SMB_PARSE_MALFORMED);
	tb_free(&m);
}

static void test_garbage(void **state)
{
	(void)state;
	td_garbage(parse_only);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ap_req),
		cmocka_unit_test(test_ap_rep),
		cmocka_unit_test(test_krb_error),
		cmocka_unit_test(test_other_tokens),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_garbage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
