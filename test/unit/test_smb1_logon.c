/* Unit tests for smb1_logon: SMB1 Session Setup AndX request and response
 * bodies (MS-CIFS 2.2.4.53, MS-SMB 2.2.4.6). Real messages (tshark
 * `-e tcp.payload`, NBSS header removed) where named, edge cases built field
 * by field. Each vector starts at the SMB1 header; the parser gets a reader
 * positioned after it. Every input is an exact-size heap copy. */
#include "testder.h"

#include "smbneg/auth.h"
#include "smbneg/smb1_logon.h"

/* arkime__smb-smbclient.pcap frame 8: smbclient (Samba 3.6.3) without
 * extended security, Flags2 0xc801 (Unicode):
 *   WordCount 13 | AndX ff 00 0000 | MaxBufferSize 0xffff | MaxMpxCount 2 |
 *   VcNumber 0x0f77 | SessionKey 0x00000f78 | OEMPasswordLen 0 |
 *   UnicodePasswordLen 2 | Reserved | Capabilities 0x0000d05c | ByteCount 67 |
 *   UnicodePassword 0000 | Pad 00 | "user" | "WORKGROUP" | "Unix" | "Samba 3.6.3" (UTF-16LE, NUL-ended) */
static const char req13_hex[] =
	"ff534d4273000000000801c8000000000000000000000000ffff770f000002000dff0000"
	"00ffff0200770f780f000000000200000000005cd0000043000000007500730065007200"
	"000057004f0052004b00470052004f0055005000000055006e0069007800000053006100"
	"6d0062006100200033002e0036002e0033000000";

/* Frame 9, its response, Flags2 0xc003: WordCount 3 | AndX | Action 0x0001
 * (GUEST) | ByteCount 55 | Pad | "Unix" | "Samba 3.6.3" | "WORKGROUP". */
static const char resp3_hex[] =
	"ff534d4273000000008803c0000000000000000000000000ffff770f0000020003ff0000"
	"00010037000055006e00690078000000530061006d0062006100200033002e0036002e00"
	"3300000057004f0052004b00470052004f00550050000000";

/* ndpi__smbv1.pcap frame 3: Windows 2000 null session, Flags2 0xc007:
 * WordCount 13, OEMPasswordLen 1 (one zero byte), UnicodePasswordLen 0,
 * ByteCount 75 | password 00 | AccountName "" | PrimaryDomain "" |
 * "Windows 2000 2195" | "Windows 2000 5.0". */
static const char req13_anon_hex[] =
	"ff534d4273000000001807c00000000000000000000000000000fffe000040000dff0088"
	"0004110a000000000000000100000000000000d40000004b000000000000570069006e00"
	"64006f007700730020003200300030003000200032003100390035000000570069006e00"
	"64006f007700730020003200300030003000200035002e0030000000";

/* zeek__smb1_transaction_request.pcap frame 8: OEM strings (Flags2 0x0001),
 * WordCount 13, OEMPasswordLen 4 "Pass", ByteCount 35 | "GUEST" | "" |
 * "Windows 4.0" | "Windows 4.0"; an AndX Tree Connect follows. */
static const char req13_oem_hex[] =
	"ff534d42730000000018010000000000000000000000000000000100000002000dff0060"
	"00680b32000000000000000400000000000000050000002300506173734755455354000057"
	"696e646f777320342e300057696e646f777320342e300004ff000000020001001200005c"
	"5c57494e324b5c495043240049504300";

/* captures/smb1-srv_auto-cli_if_required-user.pcap frame 8: smbclient
 * (Samba 4.17) with extended security, Flags2 0xc843: WordCount 12 |
 * SecurityBlobLength 74 | Capabilities 0x8000c054 | ByteCount 97 |
 * SPNEGO NegTokenInit + NTLMSSP NEGOTIATE (74) | Pad | "Unix" | "Samba". */
static const char req12_hex[] =
	"ff534d4273000000001843c80000000000000000000000000000c41e000001000cff0000"
	"00ffff02000100000000004a000000000054c000806100604806062b0601050502a03e30"
	"3ca00e300c060a2b06010401823702020aa22a04284e544c4d5353500001000000158208"
	"6200000000280000000000000028000000060100000000000f0055006e00690078000000"
	"530061006d00620061000000";

/* Frame 9, its response (status MORE_PROCESSING_REQUIRED), Flags2 0xc803:
 * WordCount 4 | Action 0 | SecurityBlobLength 213 | ByteCount 293 |
 * NegTokenResp + NTLMSSP CHALLENGE (213, no pad after: even offset) |
 * "Windows 6.1" | "Samba 4.17.12-Debian" | "SMBNEG". */
static const char resp4_hex[] =
	"ff534d4273160000c08803c80000000000000000000000000000c41eaa5d010004ff0000"
	"000000d5002501a181d23081cfa0030a0101a10c060a2b06010401823702020aa281b904"
	"81b64e544c4d53535000020000001e001e003800000015828a62340e57a71391aa5d0000"
	"0000000000006000600056000000060100000000000f53004d0042004e00450047002d00"
	"53004d00420031002d0041005500540002001e0053004d0042004e00450047002d005300"
	"4d00420031002d0041005500540001001e0053004d0042004e00450047002d0053004d00"
	"420031002d00410055005400040000000300040076006d0007000800dcab5e072c7add01"
	"00000000570069006e0064006f0077007300200036002e0031000000530061006d006200"
	"6100200034002e00310037002e00310032002d00440065006200690061006e0000005300"
	"4d0042004e00450047000000";

/* Flags2 from the header bytes 10..11. */
static uint16_t flags2_of(const uint8_t *p)
{
	return (uint16_t)(p[10] | p[11] << 8);
}

static enum smb_parse req_bytes(const uint8_t *p, size_t n, uint16_t flags2,
				struct smb1_logon_request *q, size_t *blob_len)
{
	uint8_t *c = heap_copy(p, n);
	struct rd r = rd_init(n ? c : NULL, n), blob;
	rd_skip(&r, 32);
	enum smb_parse e = smb1_logon_parse_request(&r, flags2, q, &blob);
	*blob_len = rd_left(&blob);
	free(c);
	return e;
}

static enum smb_parse resp_bytes(const uint8_t *p, size_t n, uint16_t flags2,
				 struct smb1_logon_response *s, struct auth_token *t)
{
	uint8_t *c = heap_copy(p, n);
	struct rd r = rd_init(n ? c : NULL, n), blob;
	rd_skip(&r, 32);
	enum smb_parse e = smb1_logon_parse_response(&r, flags2, s, &blob);
	auth_parse_blob(&blob, t);
	free(c);
	return e;
}

/* Sweep helpers: Flags2 0xc801 (Unicode) for every prefix after the header. */
static uint16_t sweep_flags2;

static enum smb_parse req_only(struct rd *r)
{
	struct smb1_logon_request q;
	struct rd blob;
	r->pos = r->len < 32 ? r->len : 32;
	return smb1_logon_parse_request(r, sweep_flags2, &q, &blob);
}

static enum smb_parse resp_only(struct rd *r)
{
	struct smb1_logon_response s;
	struct rd blob;
	r->pos = r->len < 32 ? r->len : 32;
	return smb1_logon_parse_response(r, sweep_flags2, &s, &blob);
}

/* ---- tests ---- */

static void test_request_13_unicode(void **state)
{
	(void)state;
	struct td_vec v = td_vec_of(req13_hex);
	struct smb1_logon_request q;
	size_t bl;
	assert_int_equal(req_bytes(v.b, v.n, flags2_of(v.b), &q, &bl), SMB_PARSE_OK);
	assert_int_equal(q.word_count, 13);
	assert_false(q.extended_security);
	assert_true(q.unicode);
	assert_int_equal(q.max_buffer_size, 0xffff);
	assert_int_equal(q.max_mpx_count, 2);
	assert_int_equal(q.vc_number, 0x0f77);
	assert_int_equal(q.capabilities, 0x0000d05c);
	assert_int_equal(q.oem_password_len, 0);
	assert_int_equal(q.unicode_password_len, 2);
	assert_string_equal(q.account, "user");
	assert_string_equal(q.primary_domain, "WORKGROUP");
	assert_string_equal(q.native_os, "Unix");
	assert_string_equal(q.native_lanman, "Samba 3.6.3");
	assert_false(q.anonymous);
	assert_int_equal(bl, 0);
}

static void test_request_13_anonymous_and_oem(void **state)
{
	(void)state;
	struct td_vec v = td_vec_of(req13_anon_hex);
	struct smb1_logon_request q;
	size_t bl;
	assert_int_equal(req_bytes(v.b, v.n, flags2_of(v.b), &q, &bl), SMB_PARSE_OK);
	assert_int_equal(q.oem_password_len, 1);
	assert_string_equal(q.account, "");
	assert_true(q.anonymous);
	assert_string_equal(q.native_os, "Windows 2000 2195");
	assert_string_equal(q.native_lanman, "Windows 2000 5.0");
	v = td_vec_of(req13_oem_hex);
	assert_int_equal(req_bytes(v.b, v.n, flags2_of(v.b), &q, &bl), SMB_PARSE_OK);
	assert_false(q.unicode);
	assert_int_equal(q.oem_password_len, 4);
	assert_string_equal(q.account, "GUEST");
	assert_string_equal(q.primary_domain, "");
	assert_string_equal(q.native_os, "Windows 4.0");
	assert_string_equal(q.native_lanman, "Windows 4.0");
	assert_false(q.anonymous);
}

static void test_request_12_blob(void **state)
{
	(void)state;
	struct td_vec v = td_vec_of(req12_hex);
	struct smb1_logon_request q;
	size_t bl;
	assert_int_equal(req_bytes(v.b, v.n, flags2_of(v.b), &q, &bl), SMB_PARSE_OK);
	assert_true(q.extended_security);
	assert_int_equal(q.security_blob_length, 74);
	assert_int_equal(bl, 74);
	assert_int_equal(q.capabilities, 0x8000c054);
	assert_string_equal(q.native_os, "Unix");
	assert_string_equal(q.native_lanman, "Samba");
	assert_string_equal(q.account, "");
	assert_false(q.anonymous); /* extended security: decided from the blob */
	/* the blob goes to auth_parse_blob */
	uint8_t *c = heap_copy(v.b, v.n);
	struct rd r = rd_init(c, v.n), blob;
	rd_skip(&r, 32);
	smb1_logon_parse_request(&r, flags2_of(v.b), &q, &blob);
	struct auth_token t;
	assert_int_equal(auth_parse_blob(&blob, &t), SMB_PARSE_OK);
	assert_int_equal(t.mech, AUTH_MECH_NTLMSSP);
	assert_int_equal(t.ntlm.type, 1);
	free(c);
}

static void test_responses(void **state)
{
	(void)state;
	struct td_vec v = td_vec_of(resp3_hex);
	struct smb1_logon_response s;
	struct auth_token t;
	assert_int_equal(resp_bytes(v.b, v.n, flags2_of(v.b), &s, &t), SMB_PARSE_OK);
	assert_int_equal(s.word_count, 3);
	assert_int_equal(s.action, 1);
	assert_true(s.guest);
	assert_string_equal(s.native_os, "Unix");
	assert_string_equal(s.native_lanman, "Samba 3.6.3");
	assert_string_equal(s.primary_domain, "WORKGROUP");
	assert_int_equal(t.mech, AUTH_MECH_NONE);
	v = td_vec_of(resp4_hex);
	assert_int_equal(resp_bytes(v.b, v.n, flags2_of(v.b), &s, &t), SMB_PARSE_OK);
	assert_int_equal(s.word_count, 4);
	assert_false(s.guest);
	assert_int_equal(s.security_blob_length, 213);
	assert_string_equal(s.native_os, "Windows 6.1");
	assert_string_equal(s.native_lanman, "Samba 4.17.12-Debian");
	assert_string_equal(s.primary_domain, "SMBNEG");
	assert_int_equal(t.mech, AUTH_MECH_NTLMSSP);
	assert_string_equal(t.ntlm.u.challenge.info.nb_computer, "SMBNEG-SMB1-AUT");
}

/* Error response (WordCount 0, ByteCount 0); WordCount 7: not this body. */
static void test_word_counts(void **state)
{
	(void)state;
	struct smb1_logon_response s;
	struct smb1_logon_request q;
	struct auth_token t;
	size_t bl;
	struct td_vec v = td_vec_of(resp3_hex);
	uint8_t err[35];
	memcpy(err, v.b, 32);
	err[32] = 0; /* WordCount */
	err[33] = 0; /* ByteCount */
	err[34] = 0;
	assert_int_equal(resp_bytes(err, sizeof err, 0xc003, &s, &t), SMB_PARSE_OK);
	assert_int_equal(s.word_count, 0);
	err[32] = 7;
	assert_int_equal(resp_bytes(err, sizeof err, 0xc003, &s, &t), SMB_PARSE_MALFORMED);
	assert_int_equal(req_bytes(err, sizeof err, 0xc003, &q, &bl), SMB_PARSE_MALFORMED);
	err[32] = 0;
	assert_int_equal(req_bytes(err, sizeof err, 0xc003, &q, &bl), SMB_PARSE_MALFORMED);
}

/* LANMAN request, WordCount 10 (MS-CIFS 2.2.4.53.1, pre-NT; as
 * ndpi__dos_win98_smb_netbeui.pcap frame 79): OEM strings even when Flags2
 * says Unicode. */
static void test_request_10(void **state)
{
	(void)state;
	struct tbuf b;
	tb_init(&b);
	tb_fill(&b, 0, 32);         /* SMB1 header (not read) */
	tb_u8(&b, 10);              /* WordCount */
	tb_bytes(&b, "\xff\x00\x00\x00", 4); /* AndX */
	tb_le16(&b, 0x1000);        /* MaxBufferSize */
	tb_le16(&b, 2);             /* MaxMpxCount */
	tb_le16(&b, 0);             /* VcNumber */
	tb_le32(&b, 0);             /* SessionKey */
	tb_le16(&b, 24);            /* PasswordLength */
	tb_le32(&b, 0);             /* Reserved */
	tb_le16(&b, 24 + 15 + 10 + 7 + 11); /* ByteCount */
	tb_fill(&b, 0x5a, 24);      /* Password */
	tb_bytes(&b, "MARTIN ROSENAU\0", 15);
	tb_bytes(&b, "WORKGROUP\0", 10);
	tb_bytes(&b, "WIN 98\0", 7);
	tb_bytes(&b, "WIN 98 LM\0\0", 11);
	struct smb1_logon_request q;
	size_t bl;
	assert_int_equal(req_bytes(b.p, b.n, 0x8000, &q, &bl), SMB_PARSE_OK);
	assert_int_equal(q.word_count, 10);
	assert_false(q.unicode);
	assert_int_equal(q.oem_password_len, 24);
	assert_string_equal(q.account, "MARTIN ROSENAU");
	assert_string_equal(q.primary_domain, "WORKGROUP");
	assert_string_equal(q.native_os, "WIN 98");
	assert_string_equal(q.native_lanman, "WIN 98 LM");
	tb_free(&b);
}

/* An odd-length blob in a Unicode request: one Pad byte before NativeOS;
 * a 300-character NativeOS is cut and flagged; strings missing at the end
 * of the bytes are empty. */
static void test_pad_and_cut(void **state)
{
	(void)state;
	struct tbuf b;
	tb_init(&b);
	tb_fill(&b, 0, 32);
	tb_u8(&b, 12);
	tb_bytes(&b, "\xff\x00\x00\x00", 4);
	tb_le16(&b, 0x4000);
	tb_le16(&b, 50);
	tb_le16(&b, 0);
	tb_le32(&b, 0);
	tb_le16(&b, 3);       /* SecurityBlobLength 3 */
	tb_le32(&b, 0);
	tb_le32(&b, 0x80000000);
	size_t bc_at = b.n;
	tb_le16(&b, 0);       /* ByteCount, set below */
	tb_bytes(&b, "\xa1\x01\x00", 3); /* blob; data started at 59, now at 62: even, no pad */
	for (int i = 0; i < 300; i++)
		tb_le16(&b, 'o');
	tb_le16(&b, 0);
	tb_set_le16(&b, bc_at, (uint16_t)(b.n - bc_at - 2));
	struct smb1_logon_request q;
	size_t bl;
	assert_int_equal(req_bytes(b.p, b.n, 0x8000, &q, &bl), SMB_PARSE_OK);
	assert_int_equal(bl, 3);
	assert_true(q.cut);
	assert_int_equal(strlen(q.native_os), SMB1_LOGON_STR_MAX - 1);
	assert_string_equal(q.native_lanman, "");
	tb_free(&b);
	/* blob of 2: data at 61, odd -> one Pad byte (0xee) */
	tb_init(&b);
	tb_fill(&b, 0, 32);
	tb_u8(&b, 12);
	tb_fill(&b, 0, 14);   /* AndX .. SessionKey */
	tb_le16(&b, 2);       /* SecurityBlobLength */
	tb_fill(&b, 0, 8);
	tb_le16(&b, 2 + 1 + 6);
	tb_bytes(&b, "\xa1\x00", 2);
	tb_u8(&b, 0xee);      /* Pad */
	tb_utf16(&b, "OS");
	tb_le16(&b, 0);
	assert_int_equal(req_bytes(b.p, b.n, 0x8000, &q, &bl), SMB_PARSE_OK);
	assert_string_equal(q.native_os, "OS");
	assert_false(q.cut);
	tb_free(&b);
}

static void test_truncation_sweep(void **state)
{
	(void)state;
	const char *reqs[] = {req13_hex, req13_anon_hex, req12_hex};
	for (size_t i = 0; i < ARRAY_LEN(reqs); i++) {
		struct td_vec v = td_vec_of(reqs[i]);
		sweep_flags2 = flags2_of(v.b);
		td_sweep_from(v.b, v.n, 32, req_only, SMB_PARSE_TRUNCATED);
	}
	const char *resps[] = {resp3_hex, resp4_hex};
	for (size_t i = 0; i < ARRAY_LEN(resps); i++) {
		struct td_vec v = td_vec_of(resps[i]);
		sweep_flags2 = flags2_of(v.b);
		td_sweep_from(v.b, v.n, 32, resp_only, SMB_PARSE_TRUNCATED);
	}
	/* the OEM request is followed by an AndX command: complete before the end */
	struct td_vec v = td_vec_of(req13_oem_hex);
	sweep_flags2 = 0x0001;
	td_sweep(v.b, v.n, req_only, -1);
}

static void test_garbage(void **state)
{
	(void)state;
	uint8_t junk[400];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (uint8_t)(i * 131 + 7);
	for (int wc = 0; wc < 256; wc++) {
		junk[32] = (uint8_t)wc;
		for (size_t n = 33; n <= sizeof junk; n += 61) {
			struct smb1_logon_request q;
			struct smb1_logon_response s;
			struct auth_token t;
			size_t bl;
			(void)req_bytes(junk, n, 0x8000, &q, &bl);
			(void)resp_bytes(junk, n, 0x8000, &s, &t);
			(void)req_bytes(junk, n, 0, &q, &bl);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_13_unicode),
		cmocka_unit_test(test_request_13_anonymous_and_oem),
		cmocka_unit_test(test_request_12_blob),
		cmocka_unit_test(test_responses),
		cmocka_unit_test(test_word_counts),
		cmocka_unit_test(test_request_10),
		cmocka_unit_test(test_pad_and_cut),
		cmocka_unit_test(test_truncation_sweep),
		cmocka_unit_test(test_garbage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
