/* Unit tests for ntlmssp: NEGOTIATE, CHALLENGE and AUTHENTICATE (MS-NLMP
 * 2.2.1.1-2.2.1.3, 2.2.2). Real messages copied from tshark where named,
 * edge cases built field by field. Every input is an exact-size heap copy. */
#include "testder.h"

#include "smbneg/ntlmssp.h"

/* ---- real vectors ---- */

/* arkime__wireshark-smb-on-windows10.pcap frame 18, Windows 10 NEGOTIATE:
 *   "NTLMSSP\0" 01000000 | flags 0xe2088297 | DomainNameFields 0/0/0 |
 *   WorkstationFields 0/0/0 | Version 0a 00 5a29 000000 0f = 10.0.10586 rev 15 */
static const char neg_win10[] =
	"4e544c4d5353500001000000978208e2000000000000000000000000000000000a005a29"
	"0000000f";

/* captures/impacket-default-srv_auto-guest.pcap frame 10, impacket NEGOTIATE
 * without Version (32 bytes): flags 0xa0880205. */
static const char neg_impacket[] =
	"4e544c4d5353500001000000050288a000000000000000000000000000000000";

/* arkime__wireshark-smb-on-windows10.pcap frame 19, Windows Server 2012 R2
 * CHALLENGE (118 bytes):
 *   TargetNameFields 6/6/0x38 "SCV" | flags 0xe28a8215 |
 *   ServerChallenge 88bc9b5834be370d | Reserved 0 | TargetInfoFields 0x38/0x38/0x3e |
 *   Version 06 03 8025 000000 0f = 6.3.9600 | TargetName | TargetInfo:
 *   2 NbDomain "SCV", 1 NbComputer "SCV", 4 DnsDomain "SCV", 3 DnsComputer "SCV",
 *   7 Timestamp 01d227849b369dd5, 0 EOL */
static const char chal_win[] =
	"4e544c4d5353500002000000060006003800000015828ae288bc9b5834be370d00000000"
	"00000000380038003e000000060380250000000f5300430056000200060053004300560001"
	"000600530043005600040006005300430056000300060053004300560007000800d59d369b"
	"8427d20100000000";

/* captures/impacket-default-srv_auto-guest.pcap frame 11, Samba CHALLENGE
 * (158 bytes): target "SMBNEG-AUTO", challenge 5fe30f13a47e2c7a, Version
 * 6.1.0 rev 15, TargetInfo with an empty DnsDomain and DnsComputer "vm". */
static const char chal_samba[] =
	"4e544c4d53535000020000001600160038000000"
	"05028aa25fe30f13a47e2c7a0000000000000000500050004e000000060100000000000f53"
	"004d0042004e00450047002d004100550054004f000200160053004d0042004e0045004700"
	"2d004100550054004f000100160053004d0042004e00450047002d004100550054004f0004"
	"0000000300040076006d0007000800bad2ce192c7add0100000000";

/* Same capture, frame 12: impacket AUTHENTICATE as "guest" (262 bytes):
 *   Lm 24@0x4a, Nt 164@0x62 (NTLMv2), Domain 0@0x40, User 10@0x40 "guest",
 *   Workstation 0@0x4a, SessionKey 0@0x4a, flags 0xa0880205; no Version, no MIC.
 *   LMv2 response 4a97..58d8 + 746646644b564c50; NTProofStr
 *   7b2e770ef0a352855ce1006585dac810, client challenge 746646644b564c50,
 *   timestamp 01dd7a2c19ced2ba, AV pairs echo the server's plus 9 TargetName
 *   "cifs/SMBNEG-AUTO". */
static const char auth_guest[] =
	"4e544c4d5353500003000000180018004a000000a400a400620000000000000040000000"
	"0a000a0040000000000000004a0000000000000006010000050288a06700750065007300"
	"74004a97bbb5654e0078bea0022db05558d8746646644b564c507b2e770ef0a352855ce100"
	"6585dac8100101000000000000bad2ce192c7add01746646644b564c500000000002001600"
	"53004d0042004e00450047002d004100550054004f000100160053004d0042004e00450047"
	"002d004100550054004f00040000000300040076006d0007000800bad2ce192c7add010900"
	"200063006900660073002f0053004d0042004e00450047002d004100550054004f00000000"
	"0000000000";

/* arkime__wireshark-smb-on-windows10.pcap frame 20: Windows 10 anonymous
 * AUTHENTICATE (135 bytes; the SPNEGO mechListMIC after it left out): Lm 1@0x76 (Z(1)), Nt 0, Domain 0, User 0,
 * Workstation 30@0x58 "DESKTOP-V1FA0UQ", SessionKey 16@0x77, flags 0xe2888a15,
 * Version 10.0.10586, MIC 4e2c41e336a14d9d71c51292a4c8c9f2. */
static const char auth_anon_win[] =
	"4e544c4d535350000300000001000100760000000000000077000000000000005800000000"
	"000000580000001e001e00580000001000100077000000158a88e20a005a290000000f4e2c"
	"41e336a14d9d71c51292a4c8c9f24400450053004b0054004f0050002d0056003100460041"
	"00300055005100002f09132b81a61514b9118be00088d71f";

/* zeek__ldap_aduser1.pcap frame 11 (SMB): anonymous AUTHENTICATE without
 * Version (89 bytes): Lm 1@0x40 = 00, Nt 0@0x41, names 0@0x40, SessionKey
 * 16@0x41, flags 0xe0888235. */
static const char auth_anon_short[] =
	"4e544c4d5353500003000000010001004000000000000000410000000000000040000000"
	"000000004000000000000000400000001000100041000000358288e000b670b972d64f655d"
	"d8362f090618c603";

static enum smb_parse parse_bytes(const uint8_t *p, size_t n, struct ntlmssp_msg *m)
{
	uint8_t *q = heap_copy(p, n);
	struct rd r = rd_init(n ? q : NULL, n);
	enum smb_parse e = ntlmssp_parse(&r, m);
	free(q);
	return e;
}

static enum smb_parse parse_hex(const char *hex, struct ntlmssp_msg *m)
{
	struct td_vec v = td_vec_of(hex);
	return parse_bytes(v.b, v.n, m);
}

static enum smb_parse parse_only(struct rd *r)
{
	struct ntlmssp_msg m;
	return ntlmssp_parse(r, &m);
}

static void assert_hex(const uint8_t *p, size_t n, const char *hex)
{
	char s[80] = "";
	for (size_t i = 0; i < n && 2 * i + 2 < sizeof s; i++)
		snprintf(s + 2 * i, 3, "%02x", p[i]);
	assert_string_equal(s, hex);
}

/* ---- tests ---- */

static void test_negotiate(void **state)
{
	(void)state;
	struct ntlmssp_msg m;
	assert_int_equal(parse_hex(neg_win10, &m), SMB_PARSE_OK);
	assert_int_equal(m.type, 1);
	assert_int_equal(m.flags, 0xe2088297);
	assert_true(m.flags & NTLMSSP_NEGOTIATE_VERSION);
	assert_true(m.version.present);
	assert_int_equal(m.version.major, 10);
	assert_int_equal(m.version.minor, 0);
	assert_int_equal(m.version.build, 10586);
	assert_int_equal(m.version.revision, 15);
	assert_string_equal(m.u.negotiate.domain, "");
	assert_int_equal(parse_hex(neg_impacket, &m), SMB_PARSE_OK);
	assert_int_equal(m.flags, 0xa0880205);
	assert_false(m.version.present);
}

/* NEGOTIATE with OEM domain and workstation supplied (MS-NLMP 2.2.1.1):
 * Version present, payload at 40: "CORP" then "WS01". */
static void test_negotiate_supplied(void **state)
{
	(void)state;
	struct tbuf b;
	tb_init(&b);
	tb_bytes(&b, "NTLMSSP\0", 8);
	tb_le32(&b, 1);          /* MessageType */
	tb_le32(&b, 0x02003207); /* flags: UNICODE|OEM|REQUEST_TARGET|NTLM|DOMAIN|WS supplied|VERSION */
	tb_le16(&b, 4);          /* DomainNameFields: Len */
	tb_le16(&b, 4);          /* MaxLen */
	tb_le32(&b, 40);         /* BufferOffset */
	tb_le16(&b, 4);          /* WorkstationFields */
	tb_le16(&b, 4);
	tb_le32(&b, 44);
	tb_bytes(&b, "\x06\x01\xb1\x1d\x00\x00\x00\x0f", 8); /* Version 6.1.7601 */
	tb_bytes(&b, "CORPWS01", 8);
	struct ntlmssp_msg m;
	assert_int_equal(parse_bytes(b.p, b.n, &m), SMB_PARSE_OK);
	assert_string_equal(m.u.negotiate.domain, "CORP");
	assert_string_equal(m.u.negotiate.workstation, "WS01");
	assert_true(m.version.present);
	assert_int_equal(m.version.build, 7601);
	td_sweep(b.p, b.n, parse_only, -1);
	tb_free(&b);
}

static void test_challenge_windows(void **state)
{
	(void)state;
	struct ntlmssp_msg m;
	assert_int_equal(parse_hex(chal_win, &m), SMB_PARSE_OK);
	const struct ntlm_challenge *c = &m.u.challenge;
	assert_int_equal(m.type, 2);
	assert_int_equal(m.flags, 0xe28a8215);
	assert_string_equal(c->target_name, "SCV");
	assert_hex(c->server_challenge, 8, "88bc9b5834be370d");
	assert_true(c->has_target_info);
	assert_int_equal(c->target_info_len, 56);
	assert_string_equal(c->info.nb_domain, "SCV");
	assert_string_equal(c->info.nb_computer, "SCV");
	assert_string_equal(c->info.dns_domain, "SCV");
	assert_string_equal(c->info.dns_computer, "SCV");
	assert_true(c->info.has_timestamp);
	assert_true(c->info.timestamp == 0x01d227849b369dd5ull);
	assert_true(c->info.has_eol);
	assert_int_equal(c->info.count, 6);
	assert_true(m.version.present);
	assert_int_equal(m.version.major, 6);
	assert_int_equal(m.version.minor, 3);
	assert_int_equal(m.version.build, 9600);
	assert_false(m.cut);
	assert_false(m.field_range);
}

static void test_challenge_samba(void **state)
{
	(void)state;
	struct ntlmssp_msg m;
	assert_int_equal(parse_hex(chal_samba, &m), SMB_PARSE_OK);
	const struct ntlm_challenge *c = &m.u.challenge;
	assert_string_equal(c->target_name, "SMBNEG-AUTO");
	assert_hex(c->server_challenge, 8, "5fe30f13a47e2c7a");
	assert_string_equal(c->info.nb_computer, "SMBNEG-AUTO");
	assert_string_equal(c->info.nb_domain, "SMBNEG-AUTO");
	assert_string_equal(c->info.dns_domain, "");
	assert_string_equal(c->info.dns_computer, "vm");
	assert_int_equal(m.version.major, 6);
	assert_int_equal(m.version.minor, 1);
	assert_int_equal(m.version.build, 0);
}

static void test_authenticate_ntlmv2(void **state)
{
	(void)state;
	struct ntlmssp_msg m;
	assert_int_equal(parse_hex(auth_guest, &m), SMB_PARSE_OK);
	const struct ntlm_authenticate *a = &m.u.auth;
	assert_int_equal(m.type, 3);
	assert_int_equal(m.flags, 0xa0880205);
	assert_string_equal(a->user, "guest");
	assert_string_equal(a->domain, "");
	assert_string_equal(a->workstation, "");
	assert_int_equal(a->lm_len, 24);
	assert_int_equal(a->nt_len, 164);
	assert_true(a->ntlmv2);
	assert_hex(a->nt_proof_str, 16, "7b2e770ef0a352855ce1006585dac810");
	assert_hex(a->client_challenge, 8, "746646644b564c50");
	assert_true(a->client_timestamp == 0x01dd7a2c19ced2baull);
	assert_string_equal(a->info.target_name, "cifs/SMBNEG-AUTO");
	assert_string_equal(a->info.nb_computer, "SMBNEG-AUTO");
	assert_false(a->user_empty);
	assert_false(a->anonymous);
	assert_false(a->has_mic);
	assert_false(m.version.present);
	assert_int_equal(a->session_key_len, 0);
}

static void test_authenticate_anonymous(void **state)
{
	(void)state;
	struct ntlmssp_msg m;
	assert_int_equal(parse_hex(auth_anon_win, &m), SMB_PARSE_OK);
	const struct ntlm_authenticate *a = &m.u.auth;
	assert_true(a->user_empty);
	assert_int_equal(a->nt_len, 0);
	assert_int_equal(a->lm_len, 1);
	assert_true(a->lm_is_z1);
	assert_true(a->anonymous);
	assert_true(m.flags & NTLMSSP_NEGOTIATE_ANONYMOUS); /* Windows sets it (0xe2888a15) */
	assert_string_equal(a->workstation, "DESKTOP-V1FA0UQ");
	assert_int_equal(a->session_key_len, 16);
	assert_true(a->has_mic);
	assert_true(m.version.present);
	assert_int_equal(m.version.build, 10586);
	assert_int_equal(parse_hex(auth_anon_short, &m), SMB_PARSE_OK);
	assert_true(m.u.auth.anonymous);
	assert_true(m.u.auth.lm_is_z1);
	assert_false(m.u.auth.has_mic);
	assert_false(m.version.present);
	assert_int_equal(m.flags, 0xe0888235);
}

/* Build an AUTHENTICATE (flags, user as given, NT response of nt_len bytes,
 * LM of lm_len bytes of lm_byte) with the payload right after the flags. */
static void build_auth(struct tbuf *b, uint32_t flags, const char *user, bool wide,
		       uint16_t nt_len, uint16_t lm_len, uint8_t lm_byte)
{
	size_t ulen = strlen(user) * (wide ? 2 : 1);
	uint32_t pay = 64;
	tb_init(b);
	tb_bytes(b, "NTLMSSP\0", 8);
	tb_le32(b, 3);
	tb_le16(b, lm_len); /* LmChallengeResponseFields */
	tb_le16(b, lm_len);
	tb_le32(b, pay);
	tb_le16(b, nt_len); /* NtChallengeResponseFields */
	tb_le16(b, nt_len);
	tb_le32(b, pay + lm_len);
	tb_le16(b, 0); /* DomainNameFields: empty */
	tb_le16(b, 0);
	tb_le32(b, pay);
	tb_le16(b, (uint16_t)ulen); /* UserNameFields */
	tb_le16(b, (uint16_t)ulen);
	tb_le32(b, pay + lm_len + nt_len);
	tb_le16(b, 0); /* WorkstationFields */
	tb_le16(b, 0);
	tb_le32(b, pay);
	tb_le16(b, 0); /* EncryptedRandomSessionKeyFields */
	tb_le16(b, 0);
	tb_le32(b, pay);
	tb_le32(b, flags); /* NegotiateFlags at 60 */
	tb_fill(b, lm_byte, lm_len);
	tb_fill(b, 0x11, nt_len);
	if (wide)
		tb_utf16(b, user);
	else
		tb_bytes(b, user, strlen(user));
}

static void test_authenticate_oem_and_rules(void **state)
{
	(void)state;
	struct tbuf b;
	struct ntlmssp_msg m;
	/* OEM user name (no NEGOTIATE_UNICODE), NTLMv1 (24-byte responses) */
	build_auth(&b, NTLMSSP_NEGOTIATE_OEM, "bob", false, 24, 24, 0x22);
	assert_int_equal(parse_bytes(b.p, b.n, &m), SMB_PARSE_OK);
	assert_string_equal(m.u.auth.user, "bob");
	assert_false(m.u.auth.ntlmv2);
	assert_false(m.u.auth.anonymous);
	tb_free(&b);
	/* empty user but an NT response: not anonymous (raw facts kept) */
	build_auth(&b, NTLMSSP_NEGOTIATE_UNICODE, "", true, 24, 0, 0);
	assert_int_equal(parse_bytes(b.p, b.n, &m), SMB_PARSE_OK);
	assert_true(m.u.auth.user_empty);
	assert_false(m.u.auth.anonymous);
	tb_free(&b);
	/* empty user, empty responses: anonymous even without the ANONYMOUS flag */
	build_auth(&b, NTLMSSP_NEGOTIATE_UNICODE, "", true, 0, 0, 0);
	assert_int_equal(parse_bytes(b.p, b.n, &m), SMB_PARSE_OK);
	assert_true(m.u.auth.anonymous);
	tb_free(&b);
	/* one LM byte that is not zero: not Z(1), not anonymous */
	build_auth(&b, NTLMSSP_NEGOTIATE_UNICODE, "", true, 0, 1, 0x01);
	assert_int_equal(parse_bytes(b.p, b.n, &m), SMB_PARSE_OK);
	assert_false(m.u.auth.lm_is_z1);
	assert_false(m.u.auth.anonymous);
	tb_free(&b);
	/* OEM byte >= 0x80: U+FFFD, valid UTF-8 */
	build_auth(&b, 0, "a\xe9z", false, 0, 0, 0);
	assert_int_equal(parse_bytes(b.p, b.n, &m), SMB_PARSE_OK);
	assert_string_equal(m.u.auth.user, "a\xef\xbf\xbdz");
	tb_free(&b);
}

/* A 200-character user name is cut to fit NTLM_STR_MAX, flagged. */
static void test_string_cut(void **state)
{
	(void)state;
	char user[201];
	memset(user, 'u', 200);
	user[200] = '\0';
	struct tbuf b;
	struct ntlmssp_msg m;
	build_auth(&b, NTLMSSP_NEGOTIATE_UNICODE, user, true, 0, 0, 0);
	assert_int_equal(parse_bytes(b.p, b.n, &m), SMB_PARSE_OK);
	assert_true(m.cut);
	assert_int_equal(strlen(m.u.auth.user), NTLM_STR_MAX - 1);
	tb_free(&b);
	build_auth(&b, NTLMSSP_NEGOTIATE_UNICODE, "short", true, 0, 0, 0);
	assert_int_equal(parse_bytes(b.p, b.n, &m), SMB_PARSE_OK);
	assert_false(m.cut);
	tb_free(&b);
}

/* A payload field past the end: TRUNCATED with field_range, facts kept;
 * offsets near 4 GiB do not wrap. */
static void test_field_range(void **state)
{
	(void)state;
	struct tbuf b;
	struct ntlmssp_msg m;
	build_auth(&b, NTLMSSP_NEGOTIATE_UNICODE, "alice", true, 0, 0, 0);
	tb_set_le32(&b, 40, 0xfffffffe); /* UserNameFields BufferOffset */
	assert_int_equal(parse_bytes(b.p, b.n, &m), SMB_PARSE_TRUNCATED);
	assert_true(m.field_range);
	assert_string_equal(m.u.auth.user, "");
	assert_int_equal(m.type, 3);
	tb_free(&b);
}

/* TargetInfo of 1000 AV pairs: 64 visited; a pair running past the end of
 * TargetInfo: MALFORMED. */
static void test_av_pairs(void **state)
{
	(void)state;
	struct tbuf b;
	struct td_vec v = td_vec_of(chal_win);
	struct ntlmssp_msg m;
	tb_init(&b);
	tb_bytes(&b, v.b, 56); /* the fixed part of the Windows CHALLENGE */
	for (int i = 0; i < 1000; i++) {
		tb_le16(&b, 8); /* MsvAvSingleHost, empty */
		tb_le16(&b, 0);
	}
	tb_set_le16(&b, 12, 0); /* TargetNameFields: empty */
	tb_set_le16(&b, 40, 4000); /* TargetInfoFields Len */
	tb_set_le32(&b, 44, 56);
	assert_int_equal(parse_bytes(b.p, b.n, &m), SMB_PARSE_OK);
	assert_int_equal(m.u.challenge.info.count, NTLM_MAX_AV_PAIRS);
	tb_set_le16(&b, 58, 9); /* the first pair claims 9 bytes... */
	tb_set_le16(&b, 40, 8); /* ...of a TargetInfo of 8 */
	assert_int_equal(parse_bytes(b.p, b.n, &m), SMB_PARSE_MALFORMED);
	tb_free(&b);
}

static void test_truncation_sweep(void **state)
{
	(void)state;
	const char *full[] = {chal_win, chal_samba, auth_guest, auth_anon_win};
	for (size_t i = 0; i < ARRAY_LEN(full); i++) {
		struct td_vec v = td_vec_of(full[i]);
		td_sweep(v.b, v.n, parse_only, SMB_PARSE_TRUNCATED);
	}
	/* NEGOTIATE: from 16 bytes on, a prefix is a complete old-style message */
	struct td_vec v = td_vec_of(neg_win10);
	td_sweep(v.b, 16, parse_only, SMB_PARSE_TRUNCATED);
	td_sweep(v.b, v.n, parse_only, -1);
	v = td_vec_of(auth_anon_short);
	td_sweep(v.b, v.n, parse_only, SMB_PARSE_TRUNCATED);
}

static void test_garbage(void **state)
{
	(void)state;
	td_garbage(parse_only);
	struct ntlmssp_msg m;
	assert_int_equal(parse_bytes((const uint8_t *)"NTLMSSQ\0\1\0\0\0", 12, &m),
			 SMB_PARSE_MALFORMED);
	assert_int_equal(parse_bytes((const uint8_t *)"NTLMSSP\0\4\0\0\0", 12, &m),
			 SMB_PARSE_MALFORMED);
	assert_false(ntlmssp_is((const uint8_t *)"NTLMSSP", 7));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_negotiate),
		cmocka_unit_test(test_negotiate_supplied),
		cmocka_unit_test(test_challenge_windows),
		cmocka_unit_test(test_challenge_samba),
		cmocka_unit_test(test_authenticate_ntlmv2),
		cmocka_unit_test(test_authenticate_anonymous),
		cmocka_unit_test(test_authenticate_oem_and_rules),
		cmocka_unit_test(test_string_cut),
		cmocka_unit_test(test_field_range),
		cmocka_unit_test(test_av_pairs),
		cmocka_unit_test(test_truncation_sweep),
		cmocka_unit_test(test_garbage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
