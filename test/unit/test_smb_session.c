/* Unit tests for smb_session.c and the Session Setup handlers: one record
 * per exchange (multi-leg NTLMSSP with SessionId 0 in the first request,
 * re-authentication, a failure then another attempt), who authenticated,
 * the server identity from the CHALLENGE, anonymous and guest by every
 * signal, and what the facts make of them. Byte layouts: MS-SMB2 2.2.5 /
 * 2.2.6, MS-NLMP 2.2.1.1-2.2.1.3 and 2.2.2.1, MS-CIFS 2.2.4.53. */
#include "testutil2.h"

#include "smbneg/facts.h"
#include "smbneg/ntlmssp.h"
#include "smbneg/smb_cmd.h"
#include "smbneg/smb_const.h"

static void nop_event(void *arg, const struct smb_event *e)
{
	(void)arg;
	(void)e;
}

static void feed(struct conv *c, int dir, const struct tbuf *b)
{
	uint8_t *p = heap_copy(b->p, b->n);
	struct nbss_msg m = {NBSS_SESSION_MESSAGE, p, b->n, (uint32_t)b->n, false};
	struct frame_ctx f = {7, {1700000000, 0}, 0, 0, NULL, -1};
	struct smb_events ev = {nop_event, NULL, NULL};
	smb_conn_message(c, dir, &m, &f, &ev);
	free(p);
}

static void conv_init(struct conv *c)
{
	memset(c, 0, sizeof *c);
	c->client = 0;
	c->ep[1].port = 445;
}

/* NTLMSSP_NEGOTIATE (MS-NLMP 2.2.1.1): signature, type 1, flags, empty
 * DomainNameFields and WorkstationFields, Version 6.1.7601 rev 15. */
static void ntlm_negotiate(struct tbuf *b)
{
	tb_bytes(b, "NTLMSSP\0", 8);
	tb_le32(b, 1);
	tb_le32(b, 0x62088215u); /* UNICODE|NTLM|ALWAYS_SIGN|EXT_SESSIONSEC|VERSION|128|KEY_EXCH */
	tb_fill(b, 0, 16);
	tb_bytes(b, "\x06\x01\xb1\x1d\0\0\0\x0f", 8);
}

static void av(struct tbuf *b, uint16_t id, const char *ascii)
{
	tb_le16(b, id);
	tb_le16(b, (uint16_t)(2 * strlen(ascii)));
	tb_utf16(b, ascii);
}

/* NTLMSSP_CHALLENGE (2.2.1.2): TargetName "DOM" at 56, challenge
 * 0102030405060708, TargetInfo {NbComputer SRV, NbDomain DOM, DnsComputer
 * srv.dom.test, DnsDomain "" (sent empty), EOL}, Version 10.0.20348. */
static void ntlm_challenge(struct tbuf *b)
{
	size_t at = b->n;
	tb_bytes(b, "NTLMSSP\0", 8);
	tb_le32(b, 2);
	tb_le16(b, 6), tb_le16(b, 6), tb_le32(b, 56);            /* TargetNameFields */
	tb_le32(b, 0x62898215u | NTLMSSP_NEGOTIATE_TARGET_INFO); /* NegotiateFlags */
	tb_bytes(b, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);      /* ServerChallenge */
	tb_fill(b, 0, 8);                                        /* Reserved */
	size_t info = b->n;
	tb_fill(b, 0, 8);                                  /* TargetInfoFields, set below */
	tb_bytes(b, "\x0a\x00\x7c\x4f\0\0\0\x0f", 8);      /* Version 10.0.20348 */
	tb_utf16(b, "DOM");                                /* TargetName */
	size_t start = b->n;
	av(b, MSV_AV_NB_COMPUTER_NAME, "SRV");
	av(b, MSV_AV_NB_DOMAIN_NAME, "DOM");
	av(b, MSV_AV_DNS_COMPUTER_NAME, "srv.dom.test");
	av(b, MSV_AV_DNS_DOMAIN_NAME, "");
	tb_le32(b, 0); /* MsvAvEOL */
	uint16_t len = (uint16_t)(b->n - start);
	tb_set_le16(b, info, len);
	tb_set_le16(b, info + 2, len);
	tb_set_le32(b, info + 4, (uint32_t)(start - at));
}

/* NTLMSSP_AUTHENTICATE (2.2.1.3): fixed part with Version and MIC (88
 * bytes), then Domain, User, Workstation (UTF-16) and an NT response of
 * nt_len bytes (0 = anonymous; 24 = NTLMv1). */
static void ntlm_auth(struct tbuf *b, const char *domain, const char *user, const char *ws,
		      uint16_t nt_len)
{
	size_t at = b->n;
	tb_bytes(b, "NTLMSSP\0", 8);
	tb_le32(b, 3);
	uint32_t off = 88;
	uint16_t dl = (uint16_t)(2 * strlen(domain)), ul = (uint16_t)(2 * strlen(user));
	uint16_t wl = (uint16_t)(2 * strlen(ws));
	uint32_t nt_off = off + dl + ul + wl;
	tb_le16(b, 0), tb_le16(b, 0), tb_le32(b, nt_off);         /* Lm: empty */
	tb_le16(b, nt_len), tb_le16(b, nt_len), tb_le32(b, nt_off); /* Nt */
	tb_le16(b, dl), tb_le16(b, dl), tb_le32(b, off);
	tb_le16(b, ul), tb_le16(b, ul), tb_le32(b, off + dl);
	tb_le16(b, wl), tb_le16(b, wl), tb_le32(b, off + dl + ul);
	tb_le16(b, 0), tb_le16(b, 0), tb_le32(b, nt_off + nt_len); /* session key */
	tb_le32(b, 0x62088215u);
	tb_bytes(b, "\x06\x01\xb1\x1d\0\0\0\x0f", 8);
	tb_fill(b, 0, 16); /* MIC */
	assert_int_equal(b->n - at, 88);
	tb_utf16(b, domain);
	tb_utf16(b, user);
	tb_utf16(b, ws);
	tb_fill(b, 0x11, nt_len);
}

enum blob { BLOB_NONE, BLOB_NEGOTIATE, BLOB_CHALLENGE, BLOB_AUTH, BLOB_ANON };

static void blob(struct tbuf *b, enum blob k)
{
	if (k == BLOB_NEGOTIATE)
		ntlm_negotiate(b);
	else if (k == BLOB_CHALLENGE)
		ntlm_challenge(b);
	else if (k == BLOB_AUTH)
		ntlm_auth(b, "EX", "alice", "WS1", 24);
	else if (k == BLOB_ANON)
		ntlm_auth(b, "", "", "WS1", 0);
}

/* SMB2 SESSION_SETUP request (2.2.5) on SessionId sid, blob at 88. */
static void sess_req(struct conv *c, uint64_t sid, enum blob k)
{
	struct tbuf b;
	tb_init(&b);
	tb_smb2_header(&b, SMB2_CMD_SESSION_SETUP, 0, 0, 0, 2, 0, sid);
	tb_le16(&b, 25);
	tb_u8(&b, 0);                         /* Flags */
	tb_u8(&b, SMB2_NEGOTIATE_SIGNING_ENABLED);
	tb_le32(&b, 0), tb_le32(&b, 0);       /* Capabilities, Channel */
	tb_le16(&b, 88), tb_le16(&b, 0);      /* SecurityBuffer, length set below */
	tb_le64(&b, 0);                       /* PreviousSessionId */
	blob(&b, k);
	tb_set_le16(&b, 64 + 14, (uint16_t)(b.n - 88));
	feed(c, 0, &b);
	tb_free(&b);
}

/* SMB2 SESSION_SETUP response (2.2.6), blob at 72. */
static void sess_resp(struct conv *c, uint32_t status, uint64_t sid, uint16_t flags, enum blob k)
{
	struct tbuf b;
	tb_init(&b);
	tb_smb2_header(&b, SMB2_CMD_SESSION_SETUP, status, SMB2_FLAGS_SERVER_TO_REDIR, 0, 2, 0, sid);
	tb_le16(&b, 9);
	tb_le16(&b, flags);
	tb_le16(&b, 72), tb_le16(&b, 0);
	blob(&b, k);
	tb_set_le16(&b, 64 + 6, (uint16_t)(b.n - 72));
	feed(c, 1, &b);
	tb_free(&b);
}

/* NEGOTIATE / CHALLENGE / AUTHENTICATE: one exchange although the first
 * request carries SessionId 0; the mechanism is carried across the legs. */
static void test_multi_leg(void **state)
{
	(void)state;
	struct conv c;
	conv_init(&c);
	sess_req(&c, 0, BLOB_NEGOTIATE);
	sess_resp(&c, NT_STATUS_MORE_PROCESSING_REQUIRED, 0x41, 0, BLOB_CHALLENGE);
	sess_req(&c, 0x41, BLOB_AUTH);
	sess_resp(&c, NT_STATUS_SUCCESS, 0x41, 0, BLOB_NONE);
	const struct conv_smb *s = c.smb;
	assert_int_equal(s->nsessions, 1);
	const struct smb_session *x = &s->sessions[0];
	assert_true(x->id == 0x41 && x->final && x->ok);
	assert_int_equal(x->rounds, 2);
	assert_int_equal(x->mech, SMB_AUTH_NTLMSSP);
	assert_string_equal(smb_auth_name(x->mech), "ntlmssp");
	assert_true(x->has_names && !x->anonymous && !x->guest);
	assert_string_equal(x->user, "alice");
	assert_string_equal(x->domain, "EX");
	assert_string_equal(x->workstation, "WS1");
	assert_true(x->has_challenge);
	assert_memory_equal(x->server_challenge, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	assert_false(x->has_proof); /* NTLMv1: no NTProofStr */
	const struct smb_server_id *id = &s->server_id;
	assert_true(id->has_names && id->has_version);
	assert_string_equal(id->name, "SRV");
	assert_string_equal(id->domain, "DOM");
	assert_string_equal(id->dns_name, "srv.dom.test");
	assert_string_equal(id->dns_domain, "");
	assert_true(id->present & (1u << MSV_AV_DNS_DOMAIN_NAME)); /* sent, empty */
	struct facts f;
	facts_build(&c, &f);
	assert_string_equal(f.server_os_version, "10.0.20348");
	assert_int_equal(f.logon_fail_status, 0);
	smb_conn_free(&c);
}

/* A second exchange on an established SessionId is a re-authentication:
 * a new record with the same id. */
static void test_reauth(void **state)
{
	(void)state;
	struct conv c;
	conv_init(&c);
	sess_req(&c, 0, BLOB_AUTH);
	sess_resp(&c, NT_STATUS_SUCCESS, 7, 0, BLOB_NONE);
	sess_req(&c, 7, BLOB_AUTH);
	sess_resp(&c, NT_STATUS_SUCCESS, 7, 0, BLOB_NONE);
	assert_int_equal(c.smb->nsessions, 2);
	assert_true(c.smb->sessions[0].id == 7 && c.smb->sessions[1].id == 7);
	assert_true(c.smb->sessions[1].final && c.smb->sessions[1].rounds == 1);
	smb_conn_free(&c);
}

/* A failed logon then a new attempt (SessionId 0 again): two records, and
 * the later success wins (no logon-failed). The reverse order fails. */
static void test_failure_then_success(void **state)
{
	(void)state;
	struct conv c;
	conv_init(&c);
	sess_req(&c, 0, BLOB_AUTH);
	sess_resp(&c, NT_STATUS_LOGON_FAILURE, 9, 0, BLOB_NONE);
	sess_req(&c, 0, BLOB_AUTH);
	sess_resp(&c, NT_STATUS_SUCCESS, 10, 0, BLOB_NONE);
	assert_int_equal(c.smb->nsessions, 2);
	assert_int_equal(c.smb->sessions[0].status, NT_STATUS_LOGON_FAILURE);
	assert_true(c.smb->sessions[1].id == 10 && c.smb->sessions[1].ok);
	struct facts f;
	facts_build(&c, &f);
	assert_int_equal(f.logon_fail_status, 0);
	sess_req(&c, 0, BLOB_AUTH);
	sess_resp(&c, NT_STATUS_LOGON_FAILURE, 11, 0, BLOB_NONE);
	facts_build(&c, &f);
	assert_int_equal(f.logon_fail_status, NT_STATUS_LOGON_FAILURE);
	smb_conn_free(&c);
}

/* Anonymous: an AUTHENTICATE with an empty user and no responses (the
 * server sets no flag), or SessionFlags IS_NULL; guest: IS_GUEST. */
static void test_anonymous_and_guest(void **state)
{
	(void)state;
	struct conv c;
	conv_init(&c);
	sess_req(&c, 0, BLOB_ANON);
	sess_resp(&c, NT_STATUS_SUCCESS, 1, 0, BLOB_NONE);
	sess_req(&c, 0, BLOB_NONE);
	sess_resp(&c, NT_STATUS_SUCCESS, 2, SMB2_SESSION_FLAG_IS_NULL, BLOB_NONE);
	sess_req(&c, 0, BLOB_AUTH);
	sess_resp(&c, NT_STATUS_SUCCESS, 3, SMB2_SESSION_FLAG_IS_GUEST, BLOB_NONE);
	const struct smb_session *x = c.smb->sessions;
	assert_int_equal(c.smb->nsessions, 3);
	assert_true(x[0].anonymous && x[0].has_names && x[0].user[0] == '\0');
	assert_true(x[1].anonymous && x[1].null_session);
	assert_true(x[2].guest && !x[2].anonymous);
	struct facts f;
	facts_build(&c, &f);
	assert_true(f.anonymous && f.guest);
	char who[64];
	assert_string_equal(facts_session_who(&x[0], who, sizeof who), "anonymous");
	assert_string_equal(facts_session_who(&x[2], who, sizeof who), "guest");
	smb_conn_free(&c);
}

/* SMB1 without extended security (MS-CIFS 2.2.4.53.1, WordCount 13):
 * "lm-ntlm", an empty AccountName is anonymous; a named one is who. */
static void smb1_logon(struct conv *c, const char *account)
{
	struct tbuf b;
	tb_init(&b);
	tb_bytes(&b, "\xffSMB", 4);
	tb_u8(&b, SMB1_CMD_SESSION_SETUP_ANDX);
	tb_le32(&b, 0);
	tb_u8(&b, 0x18);
	tb_le16(&b, 0x4003); /* Flags2: NT_STATUS; no EXTENDED_SECURITY, no UNICODE */
	tb_fill(&b, 0, 14);
	tb_le16(&b, 1), tb_le16(&b, 0), tb_le16(&b, 2); /* PIDLow, UID, MID */
	tb_u8(&b, 13);
	tb_u8(&b, 0xff), tb_u8(&b, 0), tb_le16(&b, 0);  /* AndX */
	tb_le16(&b, 4356), tb_le16(&b, 50), tb_le16(&b, 0), tb_le32(&b, 0);
	tb_le16(&b, 0), tb_le16(&b, 0);                 /* password lengths: none */
	tb_le32(&b, 0), tb_le32(&b, 0xd4);              /* Reserved, Capabilities */
	size_t bc = b.n;
	tb_le16(&b, 0);
	tb_bytes(&b, account, strlen(account) + 1);
	tb_bytes(&b, "WG\0Unix\0Samba\0", 14);
	tb_set_le16(&b, bc, (uint16_t)(b.n - bc - 2));
	feed(c, 0, &b);
	tb_free(&b);
}

static void test_smb1_lm_ntlm(void **state)
{
	(void)state;
	struct conv c;
	conv_init(&c);
	smb1_logon(&c, "");
	assert_int_equal(c.smb->nsessions, 1);
	const struct smb_session *x = &c.smb->sessions[0];
	assert_int_equal(x->mech, SMB_AUTH_LM_NTLM);
	assert_true(x->anonymous && x->has_names);
	assert_string_equal(x->domain, "WG");
	smb_conn_free(&c);
	conv_init(&c);
	smb1_logon(&c, "bob");
	x = &c.smb->sessions[0];
	assert_false(x->anonymous);
	char who[64];
	assert_string_equal(facts_session_who(x, who, sizeof who), "WG\\bob");
	smb_conn_free(&c);
}

/* Truncation sweep: every prefix of a Session Setup response carrying a
 * CHALLENGE is decoded without a crash (ASan sees over-reads). */
static void test_truncation_sweep(void **state)
{
	(void)state;
	struct tbuf b;
	tb_init(&b);
	tb_smb2_header(&b, SMB2_CMD_SESSION_SETUP, NT_STATUS_MORE_PROCESSING_REQUIRED,
		       SMB2_FLAGS_SERVER_TO_REDIR, 0, 2, 0, 5);
	tb_le16(&b, 9), tb_le16(&b, 0), tb_le16(&b, 72), tb_le16(&b, 0);
	ntlm_challenge(&b);
	tb_set_le16(&b, 64 + 6, (uint16_t)(b.n - 72));
	for (size_t n = 0; n <= b.n; n++) {
		struct conv c;
		conv_init(&c);
		struct tbuf cut = {b.p, n, n};
		feed(&c, 1, &cut);
		smb_conn_free(&c);
	}
	tb_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_multi_leg),
		cmocka_unit_test(test_reauth),
		cmocka_unit_test(test_failure_then_success),
		cmocka_unit_test(test_anonymous_and_guest),
		cmocka_unit_test(test_smb1_lm_ntlm),
		cmocka_unit_test(test_truncation_sweep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
