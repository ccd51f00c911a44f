/* Unit tests for smb1_trans and the indicator hooks of smb_conn: SMB1
 * transaction messages dispatched through the SMB layer raise the rules of
 * indicators.c on the conversation (conv_smb.ind); an EternalBlue grooming
 * message (NBSS level) is not parsed as SMB2; every prefix of a Trans
 * request is safe. Layouts: MS-CIFS 2.2.3.1 header, 2.2.4.33.1 Trans. */
#include "testutil2.h"

#include "smbneg/smb_conn.h"
#include "smbneg/smb_const.h"

static int events;
static void on_event(void *arg, const struct smb_event *e)
{
	(void)arg;
	(void)e;
	events++;
}

static void feed_msg(struct conv *c, int dir, const uint8_t *body, size_t n, uint32_t declared,
		     bool truncated)
{
	uint8_t *p = heap_copy(body, n);
	struct nbss_msg m = {NBSS_SESSION_MESSAGE, p, n, declared, truncated};
	struct frame_ctx f = {7, {1700000000, 0}, 0, 0, NULL, -1};
	struct smb_events ev = {on_event, NULL, NULL};
	smb_conn_message(c, dir, &m, &f, &ev);
	free(p);
}

static void conv_init(struct conv *c)
{
	memset(c, 0, sizeof *c);
	c->client = 0;
	c->ep[1].port = 445;
}

/* SMB1 header (32 bytes): "\xffSMB", Command, Status(4), Flags, Flags2,
 * PIDHigh, SecuritySignature(8), Reserved, TID, PIDLow, UID, MID. */
static void smb1_header(struct tbuf *b, uint8_t cmd, uint32_t status, bool reply, uint16_t mid)
{
	tb_bytes(b, "\xffSMB", 4);
	tb_u8(b, cmd);
	tb_le32(b, status);
	tb_u8(b, reply ? 0x98 : 0x18);
	tb_le16(b, 0xC803); /* Flags2: UNICODE, NT_STATUS, EXTENDED_SECURITY, LONG_NAMES */
	tb_le16(b, 0);
	tb_fill(b, 0, 8);
	tb_le16(b, 0);
	tb_le16(b, 0x0800); /* TID */
	tb_le16(b, 0xfeff); /* PIDLow */
	tb_le16(b, 0x0800); /* UID */
	tb_le16(b, mid);
}

/* Trans PeekNamedPipe on FID 0 (nmap smb-vuln-ms17-010): WordCount 16
 * (14 + SetupCount 2), Setup {0x0023, 0x0000}, ByteCount and "\PIPE\". */
static void peek_fid0(struct tbuf *b)
{
	tb_init(b);
	smb1_header(b, 0x25, 0, false, 0x41);
	tb_u8(b, 16);
	uint16_t words[14] = {0, 0, 0xffff, 0xffff, 0, 0, 0, 0, 0, 0, 74, 0, 74, 0x0002};
	for (int i = 0; i < 14; i++)
		tb_le16(b, words[i]); /* counts ...; SetupCount 2, Reserved3 0 */
	tb_le16(b, 0x0023);	      /* PeekNamedPipe */
	tb_le16(b, 0x0000);	      /* FID 0 */
	tb_le16(b, 7);		      /* ByteCount */
	tb_bytes(b, "\\PIPE\\", 7);
}

static void test_ms17_010_through_dispatch(void **state)
{
	(void)state;
	struct conv c;
	conv_init(&c);
	struct tbuf q, r;
	peek_fid0(&q);
	feed_msg(&c, 0, q.p, q.n, (uint32_t)q.n, false);
	assert_non_null(c.smb);
	assert_int_equal(c.smb->ind.fired, IND_BIT(IND_MS17_010_PROBE));
	tb_init(&r); /* the answer of an unpatched server, same MID */
	smb1_header(&r, 0x25, NT_STATUS_INSUFF_SERVER_RESOURCES, true, 0x41);
	tb_u8(&r, 0);
	tb_le16(&r, 0);
	feed_msg(&c, 1, r.p, r.n, (uint32_t)r.n, false);
	assert_int_equal(c.smb->ind.fired,
			 IND_BIT(IND_MS17_010_PROBE) | IND_BIT(IND_MS17_010_VULNERABLE));
	smb_conn_free(&c);
	tb_free(&q);
	tb_free(&r);
}

/* Every prefix of the probe: no crash, and nothing raised from a cut one. */
static void test_trans_truncation_sweep(void **state)
{
	(void)state;
	struct tbuf q;
	peek_fid0(&q);
	for (size_t n = 0; n < q.n; n++) {
		struct conv c;
		conv_init(&c);
		feed_msg(&c, 0, q.p, n, (uint32_t)q.n, true);
		if (c.smb && n < 32 + 1 + 32)
			assert_int_equal(c.smb->ind.fired, 0);
		smb_conn_free(&c);
	}
	tb_free(&q);
}

/* EternalBlue grooming: NBSS declares 0xFFF7, the body starts "\xfeSMB" then
 * zeros and never completes. It raises eternalblue-exploit and is not
 * dispatched as an SMB2 Negotiate (no event, no SMB version). */
static void test_groom_not_parsed(void **state)
{
	(void)state;
	uint8_t body[128] = {0xfe, 'S', 'M', 'B'};
	struct conv c;
	conv_init(&c);
	events = 0;
	feed_msg(&c, 0, body, sizeof body, 0xFFF7, true);
	assert_non_null(c.smb);
	assert_int_equal(c.smb->ind.fired, IND_BIT(IND_ETERNALBLUE_EXPLOIT));
	assert_int_equal(c.smb->version, 0);
	assert_false(c.smb->smb2_req_seen);
	assert_int_equal(events, 0);
	smb_conn_free(&c);
	/* the same bytes in a message that completed are an ordinary (odd) message */
	conv_init(&c);
	feed_msg(&c, 0, body, sizeof body, sizeof body, false);
	assert_true(!c.smb || c.smb->ind.fired == 0);
	smb_conn_free(&c);
}

static int challenges;
static void on_ntlm(void *arg, const struct conv *c, const struct frame_ctx *f,
		    const struct ntlmssp_msg *m)
{
	(void)arg;
	(void)c;
	(void)f;
	(void)m;
	challenges++;
}

/* SMB1 without extended security: the NT LM 0.12 Negotiate response
 * (MS-CIFS 2.2.4.52.2, WordCount 17) carries the challenge itself; an attack
 * tool's fixed 0x1122334455667788 raises ntlm-fixed-challenge and the
 * challenge goes to the relay correlation as a CHALLENGE would. */
static void test_smb1_plain_fixed_challenge(void **state)
{
	(void)state;
	static const uint8_t fixed[8] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
	struct tbuf b;
	tb_init(&b);
	smb1_header(&b, 0x72, 0, true, 1);
	tb_u8(&b, 17);
	tb_le16(&b, 0);		 /* DialectIndex */
	tb_u8(&b, 0x03);	 /* SecurityMode: user, encrypted passwords */
	tb_le16(&b, 50);	 /* MaxMpxCount */
	tb_le16(&b, 1);		 /* MaxNumberVcs */
	tb_le32(&b, 16644);	 /* MaxBufferSize */
	tb_le32(&b, 65536);	 /* MaxRawSize */
	tb_le32(&b, 0);		 /* SessionKey */
	tb_le32(&b, 0x0000f3fd); /* Capabilities: no CAP_EXTENDED_SECURITY */
	tb_le64(&b, 0);		 /* SystemTime */
	tb_le16(&b, 0);		 /* ServerTimeZone */
	tb_u8(&b, 8);		 /* ChallengeLength */
	tb_le16(&b, 10);	 /* ByteCount */
	tb_bytes(&b, fixed, 8);
	tb_le16(&b, 0); /* DomainName "" (UTF-16) */
	struct conv c;
	conv_init(&c);
	uint8_t *p = heap_copy(b.p, b.n);
	struct nbss_msg m = {NBSS_SESSION_MESSAGE, p, b.n, (uint32_t)b.n, false};
	struct frame_ctx f = {7, {1700000000, 0}, 0, 0, NULL, -1};
	struct smb_events ev = {on_event, NULL, on_ntlm};
	challenges = 0;
	smb_conn_message(&c, 1, &m, &f, &ev);
	assert_non_null(c.smb);
	assert_int_equal(c.smb->ind.fired, IND_BIT(IND_NTLM_FIXED_CHALLENGE));
	assert_int_equal(challenges, 1);
	free(p);
	smb_conn_free(&c);
	tb_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ms17_010_through_dispatch),
	    cmocka_unit_test(test_trans_truncation_sweep),
	    cmocka_unit_test(test_groom_not_parsed),
	    cmocka_unit_test(test_smb1_plain_fixed_challenge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
