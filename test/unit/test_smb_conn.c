/* Unit tests for smb_conn: the dispatch table and the session records,
 * driven with whole NBSS message bodies (no TCP), and the keep limits the
 * SMB layer gives NBSS. Byte layouts: MS-SMB2 2.2.1 header, 2.2.5/2.2.6
 * Session Setup; MS-CIFS 2.2.3.1 SMB1 header. */
#include "testutil2.h"

#include "smbneg/smb_conn.h"
#include "smbneg/smb_const.h"

struct rec {
	int n;
	enum smb_event_kind kind[16];
	uint64_t session_id[16];
};

static void on_event(void *arg, const struct smb_event *e)
{
	struct rec *r = arg;
	assert_true(r->n < 16);
	r->kind[r->n] = e->kind;
	r->session_id[r->n] = e->session ? e->session->id : 0;
	r->n++;
	assert_non_null(e->f);
	assert_non_null(e->conv);
}

/* Hand one message body (exact-size heap copy) to the SMB layer. */
static void feed(struct conv *c, int dir, const struct tbuf *b, struct rec *r)
{
	uint8_t *p = heap_copy(b->p, b->n);
	struct nbss_msg m = {NBSS_SESSION_MESSAGE, p, b->n, (uint32_t)b->n, false};
	struct frame_ctx f = {7, {1700000000, 0}, 0, 0, NULL, -1};
	struct smb_events ev = {on_event, r, NULL};
	smb_conn_message(c, dir, &m, &f, &ev);
	free(p);
}

static void conv_init(struct conv *c)
{
	memset(c, 0, sizeof *c);
	c->client = -1;
	c->ep[1].port = 445;
}

/* Session Setup response (2.2.6) for SessionId sid. */
static void sess_resp(struct tbuf *b, uint32_t status, uint64_t sid, uint16_t flags)
{
	tb_init(b);
	tb_smb2_header(b, SMB2_CMD_SESSION_SETUP, status, SMB2_FLAGS_SERVER_TO_REDIR, 0, 1, 0, sid);
	tb_le16(b, 9);     /* StructureSize */
	tb_le16(b, flags); /* SessionFlags */
	tb_le16(b, 72);    /* SecurityBufferOffset */
	tb_le16(b, 0);     /* SecurityBufferLength */
}

/* A command without a handler is counted, and dispatched nowhere. */
static void test_unknown_command_counted(void **state)
{
	(void)state;
	struct conv c;
	struct rec r = {0};
	conv_init(&c);
	struct tbuf b;
	tb_init(&b);
	tb_smb2_header(&b, 0x0008 /* READ */, 0, 0, 0, 5, 1, 1);
	tb_le16(&b, 49);
	tb_fill(&b, 0, 47);
	feed(&c, 0, &b, &r);
	assert_non_null(c.smb);
	assert_int_equal(c.smb->after_negotiate[0].unsigned_msgs, 1);
	assert_int_equal(r.n, 0);
	assert_int_equal(c.anomalies, 0);
	tb_free(&b);
	smb_conn_free(&c);
	assert_null(c.smb);
}

/* Negotiate goes to its handler before any counting. */
static void test_negotiate_dispatched(void **state)
{
	(void)state;
	struct conv c;
	struct rec r = {0};
	conv_init(&c);
	struct tbuf b;
	tb_init(&b);
	tb_smb2_header(&b, SMB2_CMD_NEGOTIATE, 0, 0, 0, 0, 0, 0);
	tb_le16(&b, 36);     /* StructureSize */
	tb_le16(&b, 1);      /* DialectCount */
	tb_le16(&b, 1);      /* SecurityMode: signing enabled */
	tb_le16(&b, 0);      /* Reserved */
	tb_le32(&b, 0);      /* Capabilities */
	tb_fill(&b, 0x11, 16); /* ClientGuid */
	tb_le64(&b, 0);      /* ClientStartTime */
	tb_le16(&b, 0x0302); /* 3.0.2 */
	feed(&c, 1, &b, &r);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.kind[0], SMB_EV_SMB2_NEGOTIATE_REQUEST);
	assert_int_equal(c.client, 1); /* the requester is the client */
	assert_true(c.smb->smb2_req_seen);
	assert_int_equal(c.smb->after_negotiate[0].unsigned_msgs, 0);
	tb_free(&b);
	smb_conn_free(&c);
}

/* Sessions are keyed by SessionId; beyond SMB_MAX_SESSIONS they are counted. */
static void test_sessions_bounded(void **state)
{
	(void)state;
	struct conv c;
	struct rec r = {0};
	conv_init(&c);
	for (uint64_t i = 1; i <= SMB_MAX_SESSIONS + 2; i++) {
		struct tbuf b;
		sess_resp(&b, i == 2 ? NT_STATUS_LOGON_FAILURE : NT_STATUS_SUCCESS, i,
			  i == 3 ? SMB2_SESSION_FLAG_IS_GUEST : 0);
		if (i <= 3)
			feed(&c, 0, &b, &r);
		else {
			struct rec dummy = {0};
			feed(&c, 0, &b, &dummy);
		}
		tb_free(&b);
	}
	const struct conv_smb *s = c.smb;
	assert_int_equal(s->nsessions, SMB_MAX_SESSIONS);
	assert_int_equal(s->sessions_dropped, 2);
	assert_true(s->sessions[0].id == 1 && s->sessions[0].ok);
	assert_true(s->sessions[1].id == 2 && !s->sessions[1].ok);
	assert_int_equal(s->sessions[1].status, NT_STATUS_LOGON_FAILURE);
	assert_true(s->sessions[2].guest && !s->sessions[0].guest);
	/* the connection-level summary is as before per-session records */
	assert_true(s->session_ok && s->session_guest);
	assert_int_equal(s->session_fail_status, NT_STATUS_LOGON_FAILURE);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.kind[2], SMB_EV_SESSION_SETUP);
	assert_true(r.session_id[2] == 3);
	smb_conn_free(&c);
}

/* SMB1: the UID keys the session (MS-CIFS 2.2.3.1), and the first Session
 * Setup request's Flags2 is kept for the verdict. */
static void smb1_header(struct tbuf *b, uint8_t cmd, uint8_t flags, uint16_t flags2, uint16_t uid)
{
	tb_init(b);
	tb_bytes(b, "\xffSMB", 4);
	tb_u8(b, cmd);
	tb_le32(b, 0);      /* Status */
	tb_u8(b, flags);
	tb_le16(b, flags2);
	tb_fill(b, 0, 10);  /* PIDHigh, SecuritySignature */
	tb_le16(b, 0);      /* Reserved */
	tb_le16(b, 0);      /* TID */
	tb_le16(b, 1);      /* PIDLow */
	tb_le16(b, uid);    /* UID */
	tb_le16(b, 2);      /* MID */
}

static void test_smb1_session_by_uid(void **state)
{
	(void)state;
	struct conv c;
	struct rec r = {0};
	conv_init(&c);
	struct tbuf b;
	smb1_header(&b, SMB1_CMD_SESSION_SETUP_ANDX, 0, 0xC807, 0);
	tb_u8(&b, 0);  /* WordCount */
	tb_le16(&b, 0); /* ByteCount */
	feed(&c, 0, &b, &r);
	tb_free(&b);
	smb1_header(&b, SMB1_CMD_SESSION_SETUP_ANDX, SMB1_FLAGS_REPLY, 0xC807, 100);
	tb_u8(&b, 3);     /* WordCount */
	tb_u8(&b, 0xff);  /* AndXCommand: none */
	tb_u8(&b, 0);
	tb_le16(&b, 0);   /* AndXOffset */
	tb_le16(&b, SMB1_SESSION_ACTION_GUEST); /* Action */
	tb_le16(&b, 0);   /* ByteCount */
	feed(&c, 1, &b, &r);
	tb_free(&b);
	const struct conv_smb *s = c.smb;
	assert_int_equal(s->sess_req_flags2, 0xC807);
	assert_int_equal(s->nsessions, 1);
	assert_int_equal(s->sessions[0].id, 100); /* the pending record got its UID */
	assert_true(s->sessions[0].ok && s->sessions[0].guest);
	assert_int_equal(s->sessions[0].rounds, 1);
	assert_true(s->session_guest);
	assert_int_equal(r.n, 1);
	smb_conn_free(&c);
}

/* Not SMB, too short, NBSS control messages. */
static void test_not_smb(void **state)
{
	(void)state;
	struct conv c;
	struct rec r = {0};
	conv_init(&c);
	struct tbuf b;
	tb_init(&b);
	tb_bytes(&b, "HTTP/1.1", 8);
	feed(&c, 0, &b, &r);
	assert_true(c.anomalies & ANOM_BIT(ANOM_NOT_SMB));
	assert_null(c.smb); /* no SMB state for junk */
	tb_free(&b);
	c.anomalies = 0;
	tb_init(&b);
	tb_bytes(&b, "\xfeSM", 3);
	feed(&c, 0, &b, &r);
	assert_true(c.anomalies & ANOM_BIT(ANOM_NOT_SMB));
	tb_free(&b);
}

/* Negotiate and Session Setup are kept up to 64 KiB; an SMB2 message no
 * handler reads the body of, alone, its header; others (a handler reads
 * them, or more messages follow in a compound) 8 KiB; a prefix too short to
 * tell is given the largest limit. */
static void test_keep_limits(void **state)
{
	(void)state;
	static const struct {
		uint16_t cmd;
		uint32_t next_command;
		size_t want;
	} smb2[] = {{SMB2_CMD_NEGOTIATE, 0, NBSS_KEEP_LARGE},
		    {SMB2_CMD_SESSION_SETUP, 0, NBSS_KEEP_LARGE},
		    {SMB2_CMD_TREE_CONNECT, 0, NBSS_KEEP_MAX},
		    {SMB2_CMD_IOCTL, 0, NBSS_KEEP_MAX},
		    {0x0008 /* READ */, 0, SMB2_HEADER_SIZE},
		    {0x0009 /* WRITE */, 0, SMB2_HEADER_SIZE},
		    {0x0005 /* CREATE */, 0, SMB2_HEADER_SIZE},
		    {0x0008 /* READ, compounded */, 0x70, NBSS_KEEP_MAX}};
	for (size_t i = 0; i < sizeof smb2 / sizeof smb2[0]; i++) {
		struct tbuf b;
		tb_init(&b);
		tb_smb2_header(&b, smb2[i].cmd, 0, 0, smb2[i].next_command, 1, 0, 0);
		uint8_t *p = heap_copy(b.p, b.n);
		struct rd r = rd_init(p, b.n);
		assert_int_equal(smb_conn_keep_limit(&r), smb2[i].want);
		r = rd_init(p, NBSS_KEEP_DECIDE - 1);
		assert_int_equal(smb_conn_keep_limit(&r), NBSS_KEEP_LARGE);
		free(p);
		tb_free(&b);
	}
	struct tbuf b;
	smb1_header(&b, SMB1_CMD_SESSION_SETUP_ANDX, 0, 0, 0);
	struct rd r = rd_init(b.p, b.n);
	assert_int_equal(smb_conn_keep_limit(&r), NBSS_KEEP_LARGE);
	tb_free(&b);
	smb1_header(&b, SMB1_CMD_TREE_CONNECT_ANDX, 0, 0, 0);
	r = rd_init(b.p, b.n);
	assert_int_equal(smb_conn_keep_limit(&r), NBSS_KEEP_MAX);
	tb_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_command_counted),
		cmocka_unit_test(test_negotiate_dispatched),
		cmocka_unit_test(test_sessions_bounded),
		cmocka_unit_test(test_smb1_session_by_uid),
		cmocka_unit_test(test_not_smb),
		cmocka_unit_test(test_keep_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
