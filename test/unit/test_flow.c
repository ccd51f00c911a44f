/* Unit tests for flow: the connection table driven by hand-built TCP
 * segments carrying NBSS (RFC 1002 / MS-SMB2 2.1 direct TCP) and SMB1/SMB2
 * messages, wired to smb_conn as the analyser wires it. A test sink records
 * the negotiate events and a copy of each concluded conversation (the table
 * frees it right after the callback). */
#include "testutil2.h"

#include "smbneg/flow.h"
#include "smbneg/smb_conn.h"
#include "smbneg/decode.h"
#include "smbneg/smb_const.h"
#include "smbneg/verdict.h"

#define SMB2_CMD_CREATE 0x0005
#define SMB2_CMD_CLOSE 0x0006
#define SMB2_CMD_QUERY_INFO 0x0010
#define SMB2_FLAGS_RELATED_OPERATIONS 0x00000004
#define SESSION_ID UINT64_C(0x0000400000000001)

/* ---- the recording sink ---- */

struct rec_neg {
	enum smb_event_kind kind;
	int sender;
	uint64_t frame;
	long ts_sec;
	bool truncated;
	uint16_t smb2_dialect; /* response */
	unsigned smb1_dialects; /* SMB1 request */
};

struct rec_conv {
	uint64_t id;
	int client_index;
	struct endpoint client, server;
	bool syn_seen, fin[2], rst;
	anomaly_mask anomalies;
	struct conv_smb smb;
	struct smb_session sessions[SMB_MAX_SESSIONS]; /* smb.sessions points here */
	struct verdict v;
};

struct rec {
	int nneg;
	struct rec_neg neg[64];
	int nconc;
	struct rec_conv conc[16];
	int nsess; /* Session Setup events */
	int nresumed;
	uint64_t resumed_row; /* of the last on_resumed */
};

static void on_event(void *arg, const struct smb_event *e)
{
	struct rec *r = arg;
	int sender = e->sender;
	if (e->kind == SMB_EV_SESSION_SETUP) {
		assert_non_null(e->session);
		r->nsess++;
		return;
	}
	assert_true(r->nneg < (int)(sizeof r->neg / sizeof r->neg[0]));
	struct rec_neg *n = &r->neg[r->nneg++];
	n->kind = e->kind;
	n->sender = sender;
	n->frame = e->f->frame;
	n->ts_sec = (long)e->f->ts.tv_sec;
	n->truncated = e->truncated;
	n->smb2_dialect = e->smb2_resp ? e->smb2_resp->dialect : 0;
	n->smb1_dialects = e->smb1_req ? e->smb1_req->dialect_count : 0;
	switch (e->kind) {
	case SMB_EV_SMB1_NEGOTIATE_REQUEST:
		assert_non_null(e->h1);
		assert_non_null(e->smb1_req);
		break;
	case SMB_EV_SMB1_NEGOTIATE_RESPONSE:
		assert_non_null(e->h1);
		assert_non_null(e->smb1_resp);
		break;
	case SMB_EV_SMB2_NEGOTIATE_REQUEST:
		assert_non_null(e->h2);
		assert_non_null(e->smb2_req);
		break;
	case SMB_EV_SMB2_NEGOTIATE_RESPONSE:
		assert_non_null(e->h2);
		assert_non_null(e->smb2_resp);
		break;
	case SMB_EV_SESSION_SETUP:
		break;
	}
}

static void on_message(void *arg, struct conv *c, int dir, const struct nbss_msg *m,
		       const struct frame_ctx *f)
{
	struct smb_events ev = {on_event, arg, NULL};
	smb_conn_message(c, dir, m, f, &ev);
}

static size_t keep_limit(void *arg, const struct rd *prefix)
{
	(void)arg;
	return smb_conn_keep_limit(prefix);
}

static void record(struct rec *r, const struct conv *c);

static void on_concluded(void *arg, struct conv *c)
{
	c->row = 100 + c->id; /* as a reporter would number it */
	if (c->smb)
		record(arg, c);
	smb_conn_free(c);
}

static void on_resumed(void *arg, uint64_t row)
{
	struct rec *r = arg;
	r->nresumed++;
	r->resumed_row = row;
}

static void record(struct rec *r, const struct conv *c)
{
	assert_true(r->nconc < (int)(sizeof r->conc / sizeof r->conc[0]));
	struct rec_conv *k = &r->conc[r->nconc++];
	assert_non_null(c->smb);
	k->id = c->id;
	k->client_index = conv_client_index(c);
	k->client = *conv_client(c);
	k->server = *conv_server(c);
	k->syn_seen = c->syn_seen;
	k->fin[0] = c->fin[0];
	k->fin[1] = c->fin[1];
	k->rst = c->rst;
	k->anomalies = c->anomalies;
	k->smb = *c->smb;
	/* the session records are the connection's heap: keep a copy */
	if (c->smb->nsessions)
		memcpy(k->sessions, c->smb->sessions, c->smb->nsessions * sizeof k->sessions[0]);
	k->smb.sessions = k->sessions;
	verdict_compute(c, &k->v);
}

struct fixture {
	struct flow_table t;
	uint64_t frame;  /* frames sent so far */
	time_t ts_step;  /* seconds between frames (1 unless a test says) */
	struct rec *rec;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	assert_non_null(fx);
	fx->rec = calloc(1, sizeof *fx->rec);
	assert_non_null(fx->rec);
	struct flow_ops ops = {on_message, keep_limit, NULL, on_concluded, fx->rec, on_resumed};
	assert_true(flow_table_init(&fx->t, &ops));
	fx->ts_step = 1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	flow_table_free(&fx->t);
	free(fx->rec);
	free(fx);
	return 0;
}

/* ---- TCP segments ---- */

/* One TCP connection client 10.0.0.<n>:<cport> <-> server 10.0.0.1:445. */
struct tflow {
	struct fixture *fx;
	uint8_t cip[4], sip[4];
	uint16_t cport, sport;
	uint32_t seq[2]; /* next sequence number; 0 client, 1 server */
	bool bytewise;   /* send payloads one byte per segment */
};

static void flow_init(struct tflow *f, struct fixture *fx, uint8_t client_host, uint16_t cport)
{
	memset(f, 0, sizeof *f);
	f->fx = fx;
	memcpy(f->cip, (uint8_t[]){10, 0, 0, client_host}, 4);
	memcpy(f->sip, (uint8_t[]){10, 0, 0, 1}, 4);
	f->cport = cport;
	f->sport = 445;
	f->seq[0] = 1000;
	f->seq[1] = 0xFFFFFF00u; /* the server's numbers wrap during the test */
}

/* One segment from the client (from 0) or the server (from 1). */
static void seg(struct tflow *f, int from, uint8_t flags, const uint8_t *data, size_t n)
{
	struct tcp_seg s;
	memset(&s, 0, sizeof s);
	s.family = 4;
	memcpy(s.src, from ? f->sip : f->cip, 4);
	memcpy(s.dst, from ? f->cip : f->sip, 4);
	s.sport = from ? f->sport : f->cport;
	s.dport = from ? f->cport : f->sport;
	s.seq = f->seq[from];
	s.ack = f->seq[1 - from];
	s.flags = flags;
	uint8_t *copy = n ? heap_copy(data, n) : NULL;
	s.data = copy;
	s.caplen = s.seglen = n;
	struct fixture *fx = f->fx;
	fx->frame++;
	struct frame_ctx fc = {fx->frame, {0, 0}, 0, 0, NULL, -1};
	fc.ts.tv_sec = (time_t)(1700000000 + (time_t)fx->frame * fx->ts_step);
	flow_table_segment(&fx->t, &s, &fc);
	free(copy);
	f->seq[from] += (uint32_t)n + ((flags & (TCP_SYN | TCP_FIN)) ? 1u : 0u);
}

static void handshake(struct tflow *f)
{
	seg(f, 0, TCP_SYN, NULL, 0);
	seg(f, 1, TCP_SYN | TCP_ACK, NULL, 0);
	seg(f, 0, TCP_ACK, NULL, 0);
}

static void fin_both(struct tflow *f)
{
	seg(f, 0, TCP_FIN | TCP_ACK, NULL, 0);
	seg(f, 1, TCP_FIN | TCP_ACK, NULL, 0);
}

/* Send one NBSS session message (type 0, 24-bit length) carrying msg. */
static void send_nbss(struct tflow *f, int from, const struct tbuf *msg)
{
	struct tbuf b;
	tb_init(&b);
	tb_u8(&b, NBSS_SESSION_MESSAGE);
	tb_be24(&b, (uint32_t)msg->n);
	tb_bytes(&b, msg->p, msg->n);
	if (f->bytewise) {
		for (size_t i = 0; i < b.n; i++)
			seg(f, from, TCP_ACK, b.p + i, 1);
	} else {
		seg(f, from, TCP_ACK | 0x08 /* PSH */, b.p, b.n);
	}
	tb_free(&b);
}

/* ---- SMB2 messages (MS-SMB2 2.2) ---- */

/* Negotiate request: dialects 2.0.2, 2.1, 3.0, 3.0.2, no contexts. */
static void m_neg_req(struct tbuf *b, uint16_t secmode, uint64_t mid)
{
	tb_init(b);
	tb_smb2_header(b, SMB2_CMD_NEGOTIATE, 0, 0, 0, mid, 0, 0);
	tb_le16(b, 36);      /* StructureSize */
	tb_le16(b, 4);       /* DialectCount */
	tb_le16(b, secmode); /* SecurityMode */
	tb_le16(b, 0);       /* Reserved */
	tb_le32(b, 0x7f);    /* Capabilities */
	tb_fill(b, 0x11, 16); /* ClientGuid */
	tb_le64(b, 0);       /* ClientStartTime */
	tb_le16(b, 0x0202);
	tb_le16(b, 0x0210);
	tb_le16(b, 0x0300);
	tb_le16(b, 0x0302);
}

/* Negotiate response: SecurityMode, DialectRevision, no security buffer. */
static void m_neg_resp(struct tbuf *b, uint16_t secmode, uint16_t dialect, uint64_t mid)
{
	tb_init(b);
	tb_smb2_header(b, SMB2_CMD_NEGOTIATE, 0, SMB2_FLAGS_SERVER_TO_REDIR, 0, mid, 0, 0);
	tb_le16(b, 65);      /* StructureSize */
	tb_le16(b, secmode); /* SecurityMode */
	tb_le16(b, dialect); /* DialectRevision */
	tb_le16(b, 0);       /* NegotiateContextCount/Reserved */
	tb_fill(b, 0x22, 16); /* ServerGuid */
	tb_le32(b, 0x2f);    /* Capabilities */
	tb_le32(b, 65536);   /* MaxTransactSize */
	tb_le32(b, 65536);   /* MaxReadSize */
	tb_le32(b, 65536);   /* MaxWriteSize */
	tb_le64(b, 0);       /* SystemTime */
	tb_le64(b, 0);       /* ServerStartTime */
	tb_le16(b, 0);       /* SecurityBufferOffset */
	tb_le16(b, 0);       /* SecurityBufferLength */
	tb_le32(b, 0);       /* NegotiateContextOffset/Reserved2 */
}

/* Session Setup request (2.2.5), 24-byte fixed part, empty buffer. */
static void m_sess_req(struct tbuf *b, uint8_t secmode, uint64_t mid, uint64_t sess)
{
	tb_init(b);
	tb_smb2_header(b, SMB2_CMD_SESSION_SETUP, 0, 0, 0, mid, 0, sess);
	tb_le16(b, 25);      /* StructureSize */
	tb_u8(b, 0);         /* Flags */
	tb_u8(b, secmode);   /* SecurityMode */
	tb_le32(b, 1);       /* Capabilities */
	tb_le32(b, 0);       /* Channel */
	tb_le16(b, 88);      /* SecurityBufferOffset */
	tb_le16(b, 0);       /* SecurityBufferLength */
	tb_le64(b, 0);       /* PreviousSessionId */
}

/* Session Setup response (2.2.6). */
static void m_sess_resp(struct tbuf *b, uint32_t status, uint16_t session_flags, bool sign,
			uint64_t mid)
{
	tb_init(b);
	tb_smb2_header(b, SMB2_CMD_SESSION_SETUP, status,
		       SMB2_FLAGS_SERVER_TO_REDIR | (sign ? SMB2_FLAGS_SIGNED : 0), 0, mid, 0,
		       SESSION_ID);
	tb_le16(b, 9);             /* StructureSize */
	tb_le16(b, session_flags); /* SessionFlags */
	tb_le16(b, 72);            /* SecurityBufferOffset */
	tb_le16(b, 0);             /* SecurityBufferLength */
}

/* Any other command: header then body_len bytes (StructureSize, zeros).
 * The table reads only the header of these. */
static void m_other(struct tbuf *b, uint16_t cmd, bool reply, uint32_t status, bool sign,
		    uint64_t mid, uint32_t next, size_t body_len)
{
	tb_smb2_header(b, cmd, status,
		       (reply ? SMB2_FLAGS_SERVER_TO_REDIR : 0) | (sign ? SMB2_FLAGS_SIGNED : 0), next,
		       mid, 1, SESSION_ID);
	tb_le16(b, (uint16_t)(body_len | 1)); /* StructureSize */
	tb_fill(b, 0, body_len - 2);
}

static void send_other(struct tflow *f, int from, uint16_t cmd, uint32_t status, bool sign,
		       uint64_t mid)
{
	struct tbuf b;
	tb_init(&b);
	m_other(&b, cmd, from == 1, status, sign, mid, 0, 8);
	send_nbss(f, from, &b);
	tb_free(&b);
}

static void negotiate(struct tflow *f, uint16_t client_mode, uint16_t server_mode, uint16_t dialect)
{
	struct tbuf b;
	m_neg_req(&b, client_mode, 0);
	send_nbss(f, 0, &b);
	tb_free(&b);
	m_neg_resp(&b, server_mode, dialect, 0);
	send_nbss(f, 1, &b);
	tb_free(&b);
}

/* Two-round Session Setup: MORE_PROCESSING_REQUIRED, then SUCCESS (signed
 * when sign_final). */
static void session_setup(struct tflow *f, uint8_t client_mode, bool sign_final, uint16_t flags)
{
	struct tbuf b;
	m_sess_req(&b, client_mode, 1, 0);
	send_nbss(f, 0, &b);
	tb_free(&b);
	m_sess_resp(&b, NT_STATUS_MORE_PROCESSING_REQUIRED, 0, false, 1);
	send_nbss(f, 1, &b);
	tb_free(&b);
	m_sess_req(&b, client_mode, 2, SESSION_ID);
	send_nbss(f, 0, &b);
	tb_free(&b);
	m_sess_resp(&b, NT_STATUS_SUCCESS, flags, sign_final, 2);
	send_nbss(f, 1, &b);
	tb_free(&b);
}

/* Negotiate, Session Setup (two rounds), Tree Connect, CREATE, CLOSE, FIN. */
static void full_conversation(struct tflow *f, bool sign)
{
	handshake(f);
	negotiate(f, SMB2_NEGOTIATE_SIGNING_ENABLED,
		  sign ? SMB2_NEGOTIATE_SIGNING_ENABLED | SMB2_NEGOTIATE_SIGNING_REQUIRED
		       : SMB2_NEGOTIATE_SIGNING_ENABLED,
		  SMB2_DIALECT_0302);
	session_setup(f, SMB2_NEGOTIATE_SIGNING_ENABLED, sign, 0);
	send_other(f, 0, SMB2_CMD_TREE_CONNECT, 0, sign, 3);
	send_other(f, 1, SMB2_CMD_TREE_CONNECT, 0, sign, 3);
	send_other(f, 0, SMB2_CMD_CREATE, 0, sign, 4);
	send_other(f, 1, SMB2_CMD_CREATE, 0, sign, 4);
	send_other(f, 0, SMB2_CMD_CLOSE, 0, sign, 5);
	send_other(f, 1, SMB2_CMD_CLOSE, 0, sign, 5);
	fin_both(f);
}

static void check_full(struct fixture *fx, bool sign)
{
	struct rec *r = fx->rec;
	/* concluded once, by the second FIN, before any flush */
	assert_int_equal(r->nconc, 1);
	assert_int_equal(fx->t.active, 0);
	flow_table_flush(&fx->t);
	assert_int_equal(r->nconc, 1);
	const struct rec_conv *k = &r->conc[0];
	assert_int_equal(k->id, 1);
	assert_true(k->syn_seen);
	assert_true(k->fin[0] && k->fin[1]);
	assert_false(k->rst);
	/* the client is the Negotiate sender, 10.0.0.2:50000 */
	assert_int_equal(k->client_index, 0);
	assert_memory_equal(k->client.addr, "\x0a\x00\x00\x02", 4);
	assert_int_equal(k->client.port, 50000);
	assert_memory_equal(k->server.addr, "\x0a\x00\x00\x01", 4);
	assert_int_equal(k->server.port, 445);
	/* negotiate events: request from the client, response from the server */
	assert_int_equal(r->nneg, 2);
	assert_int_equal(r->neg[0].kind, SMB_EV_SMB2_NEGOTIATE_REQUEST);
	assert_int_equal(r->neg[0].sender, 0);
	assert_int_equal(r->neg[1].kind, SMB_EV_SMB2_NEGOTIATE_RESPONSE);
	assert_int_equal(r->neg[1].sender, 1);
	assert_int_equal(r->neg[1].smb2_dialect, 0x0302);
	assert_true(r->neg[0].frame < r->neg[1].frame);
	const struct conv_smb *s = &k->smb;
	assert_int_equal(s->version, 2);
	assert_true(s->smb2_req_seen && s->smb2_resp_seen);
	assert_int_equal(s->smb2_req.security_mode, 1);
	assert_int_equal(s->smb2_resp.security_mode, sign ? 3 : 1);
	assert_true(s->sess_req_seen && s->smb2_sess_req_seen);
	assert_true(s->session_ok);
	assert_false(s->session_guest || s->session_null);
	assert_int_equal(s->session_fail_status, 0);
	assert_true(s->tree_connect_ok);
	assert_int_equal(k->anomalies, 0);
	if (sign) {
		/* client: 2 unsigned Session Setups, signed TC, CREATE, CLOSE */
		assert_int_equal(s->after_negotiate[0].signed_msgs, 3);
		assert_int_equal(s->after_negotiate[0].unsigned_msgs, 2);
		/* server: unsigned MORE_PROCESSING, signed SUCCESS, TC, CREATE, CLOSE */
		assert_int_equal(s->after_negotiate[1].signed_msgs, 4);
		assert_int_equal(s->after_negotiate[1].unsigned_msgs, 1);
		/* ordinary: CREATE and CLOSE each way */
		assert_int_equal(s->ordinary[0].signed_msgs, 2);
		assert_int_equal(s->ordinary[0].unsigned_msgs, 0);
		assert_int_equal(s->ordinary[1].signed_msgs, 2);
		assert_int_equal(s->ordinary[1].unsigned_msgs, 0);
		assert_int_equal(k->v.verdict, V_SIGNED);
		assert_int_equal(k->v.server.setting, SIGNING_REQUIRED);
	} else {
		assert_int_equal(s->after_negotiate[0].signed_msgs, 0);
		assert_int_equal(s->after_negotiate[0].unsigned_msgs, 5);
		assert_int_equal(s->after_negotiate[1].signed_msgs, 0);
		assert_int_equal(s->after_negotiate[1].unsigned_msgs, 5);
		assert_int_equal(s->ordinary[0].signed_msgs, 0);
		assert_int_equal(s->ordinary[0].unsigned_msgs, 2);
		assert_int_equal(s->ordinary[1].signed_msgs, 0);
		assert_int_equal(s->ordinary[1].unsigned_msgs, 2);
		assert_int_equal(k->v.verdict, V_NOT_SIGNED);
		assert_int_equal(k->v.server.setting, SIGNING_ENABLED);
	}
	assert_int_equal(k->v.client.setting, SIGNING_ENABLED);
	assert_int_equal(s->encrypted[0] + s->encrypted[1], 0);
	assert_int_equal(fx->t.stats.connections, 1);
	assert_int_equal(fx->t.stats.smb_connections, 1);
}

/* ---- tests ---- */

static void test_signed_conversation(void **state)
{
	struct fixture *fx = *state;
	struct tflow f;
	flow_init(&f, fx, 2, 50000);
	full_conversation(&f, true);
	check_full(fx, true);
}

static void test_unsigned_conversation(void **state)
{
	struct fixture *fx = *state;
	struct tflow f;
	flow_init(&f, fx, 2, 50000);
	full_conversation(&f, false);
	check_full(fx, false);
}

static void test_signed_conversation_bytewise(void **state)
{
	/* The same stream fed one byte per TCP segment. */
	struct fixture *fx = *state;
	struct tflow f;
	flow_init(&f, fx, 2, 50000);
	f.bytewise = true;
	full_conversation(&f, true);
	check_full(fx, true);
}

static void test_client_is_negotiate_sender(void **state)
{
	/* The capture misses the SYN: the first segment seen is the server's
	 * SYN-ACK, so ep[0] is the server; the Negotiate requester is still
	 * reported as the client. */
	struct fixture *fx = *state;
	struct tflow f;
	flow_init(&f, fx, 7, 50123);
	f.seq[0]++; /* the lost SYN's sequence number */
	seg(&f, 1, TCP_SYN | TCP_ACK, NULL, 0);
	seg(&f, 0, TCP_ACK, NULL, 0);
	negotiate(&f, 1, 1, SMB2_DIALECT_0210);
	fin_both(&f);
	struct rec *r = fx->rec;
	assert_int_equal(r->nconc, 1);
	assert_int_equal(r->conc[0].client_index, 1);
	assert_memory_equal(r->conc[0].client.addr, "\x0a\x00\x00\x07", 4);
	assert_int_equal(r->conc[0].client.port, 50123);
	assert_int_equal(r->conc[0].server.port, 445);
	assert_false(r->conc[0].syn_seen);
	assert_int_equal(r->nneg, 2);
	assert_int_equal(r->neg[0].sender, 1);
	assert_int_equal(r->neg[1].sender, 0);
	assert_int_equal(r->conc[0].smb.smb2_resp.dialect, 0x0210);
}

static void test_compound_counted_individually(void **state)
{
	struct fixture *fx = *state;
	struct tflow f;
	flow_init(&f, fx, 2, 50000);
	handshake(&f);
	negotiate(&f, 1, 3, SMB2_DIALECT_0300);
	session_setup(&f, 1, true, 0);
	for (int from = 0; from < 2; from++) {
		/* CREATE (64+9 -> padded to 80), QUERY_INFO (64+24 = 88), CLOSE
		 * (64+9, last, unpadded); NextCommand 80, 88, 0. */
		struct tbuf b;
		tb_init(&b);
		m_other(&b, SMB2_CMD_CREATE, from == 1, 0, true, 10, 80, 9);
		tb_pad8(&b);
		assert_int_equal(b.n, 80);
		m_other(&b, SMB2_CMD_QUERY_INFO, from == 1, 0, true, 11, 88, 24);
		assert_int_equal(b.n, 168);
		m_other(&b, SMB2_CMD_CLOSE, from == 1, 0, true, 12, 0, 9);
		b.p[80 + 16] |= SMB2_FLAGS_RELATED_OPERATIONS;
		b.p[168 + 16] |= SMB2_FLAGS_RELATED_OPERATIONS;
		send_nbss(&f, from, &b);
		tb_free(&b);
	}
	fin_both(&f);
	struct rec *r = fx->rec;
	assert_int_equal(r->nconc, 1);
	const struct conv_smb *s = &r->conc[0].smb;
	assert_int_equal(s->ordinary[0].signed_msgs, 3);
	assert_int_equal(s->ordinary[0].unsigned_msgs, 0);
	assert_int_equal(s->ordinary[1].signed_msgs, 3);
	assert_int_equal(s->ordinary[1].unsigned_msgs, 0);
	assert_false(r->conc[0].anomalies & ANOM_BIT(ANOM_SMB2_NEXT_COMMAND));
	assert_int_equal(r->conc[0].v.verdict, V_SIGNED);
}

/* After Negotiate, the client sends one NBSS message of two 72-byte SMB2
 * CREATE requests whose NextCommand fields are next1, next2. Returns the
 * conversation as concluded. */
static const struct rec_conv *bad_next(struct fixture *fx, uint32_t next1, uint32_t next2)
{
	struct tflow f;
	flow_init(&f, fx, 2, 50000);
	handshake(&f);
	negotiate(&f, 1, 1, SMB2_DIALECT_0302);
	struct tbuf b;
	tb_init(&b);
	m_other(&b, SMB2_CMD_CREATE, false, 0, false, 5, next1, 8);
	m_other(&b, SMB2_CMD_CREATE, false, 0, false, 6, next2, 8);
	assert_int_equal(b.n, 144);
	send_nbss(&f, 0, &b);
	tb_free(&b);
	fin_both(&f);
	assert_int_equal(fx->rec->nconc, 1);
	return &fx->rec->conc[0];
}

static void test_next_command_backwards(void **state)
{
	/* NextCommand -72 (0xFFFFFFB8): taken as the last message. */
	const struct rec_conv *k = bad_next(*state, 0xFFFFFFB8u, 0);
	assert_true(k->anomalies & ANOM_BIT(ANOM_SMB2_NEXT_COMMAND));
	assert_int_equal(k->smb.after_negotiate[0].unsigned_msgs, 1);
}

static void test_next_command_misaligned(void **state)
{
	const struct rec_conv *k = bad_next(*state, 68, 0);
	assert_true(k->anomalies & ANOM_BIT(ANOM_SMB2_NEXT_COMMAND));
	assert_int_equal(k->smb.after_negotiate[0].unsigned_msgs, 1);
}

static void test_next_command_inside_header(void **state)
{
	const struct rec_conv *k = bad_next(*state, 32, 0);
	assert_true(k->anomalies & ANOM_BIT(ANOM_SMB2_NEXT_COMMAND));
	assert_int_equal(k->smb.after_negotiate[0].unsigned_msgs, 1);
}

static void test_next_command_past_end(void **state)
{
	const struct rec_conv *k = bad_next(*state, 0x10000, 0);
	assert_true(k->anomalies & ANOM_BIT(ANOM_SMB2_NEXT_COMMAND));
	assert_int_equal(k->smb.after_negotiate[0].unsigned_msgs, 1);
}

static void test_next_command_loop(void **state)
{
	/* The second message points back at the first: both counted once, the
	 * loop is not followed. */
	const struct rec_conv *k = bad_next(*state, 72, 0xFFFFFFB8u);
	assert_true(k->anomalies & ANOM_BIT(ANOM_SMB2_NEXT_COMMAND));
	assert_int_equal(k->smb.after_negotiate[0].unsigned_msgs, 2);
}

static void test_next_command_valid_pair(void **state)
{
	const struct rec_conv *k = bad_next(*state, 72, 0);
	assert_false(k->anomalies & ANOM_BIT(ANOM_SMB2_NEXT_COMMAND));
	assert_int_equal(k->smb.after_negotiate[0].unsigned_msgs, 2);
}

/* SMB1 Negotiate request (MS-CIFS 2.2.4.52.1) offering NT LM 0.12 and the
 * two SMB2 dialect strings: Flags 0x18, Flags2 0xC853, WordCount 0,
 * ByteCount 34. */
static const char smb1_neg_req[] =
	"\xff" "SMB" "\x72" "\x00\x00\x00\x00" "\x18" "\x53\xc8" "\x00\x00"
	"\x00\x00\x00\x00\x00\x00\x00\x00" "\x00\x00" "\x00\x00" "\xff\xfe" "\x00\x00" "\x00\x00"
	"\x00"                         /* WordCount */
	"\x22\x00"                     /* ByteCount 34 */
	"\x02" "NT LM 0.12" "\x00"     /* 12 */
	"\x02" "SMB 2.002" "\x00"      /* 11 */
	"\x02" "SMB 2.???" "\x00";     /* 11 */

static void test_multi_protocol_upgrade(void **state)
{
	/* SMB1 Negotiate with "SMB 2.???", SMB2 response with the wildcard
	 * 0x02FF, then the SMB2 Negotiate proper, answered with 3.0.2. */
	struct fixture *fx = *state;
	struct tflow f;
	flow_init(&f, fx, 2, 50000);
	handshake(&f);
	struct tbuf b;
	tb_init(&b);
	tb_bytes(&b, smb1_neg_req, sizeof smb1_neg_req - 1);
	send_nbss(&f, 0, &b);
	tb_free(&b);
	m_neg_resp(&b, 1, SMB2_DIALECT_WILDCARD, 0);
	send_nbss(&f, 1, &b);
	tb_free(&b);
	m_neg_req(&b, 1, 1);
	send_nbss(&f, 0, &b);
	tb_free(&b);
	m_neg_resp(&b, 1, SMB2_DIALECT_0302, 1);
	send_nbss(&f, 1, &b);
	tb_free(&b);
	session_setup(&f, 1, false, 0);
	send_other(&f, 0, SMB2_CMD_CREATE, 0, false, 3);
	send_other(&f, 1, SMB2_CMD_CREATE, 0, false, 3);
	fin_both(&f);

	struct rec *r = fx->rec;
	assert_int_equal(r->nconc, 1); /* one conversation for both protocols */
	assert_int_equal(r->nneg, 4);
	assert_int_equal(r->neg[0].kind, SMB_EV_SMB1_NEGOTIATE_REQUEST);
	assert_int_equal(r->neg[0].smb1_dialects, 3);
	assert_int_equal(r->neg[1].kind, SMB_EV_SMB2_NEGOTIATE_RESPONSE);
	assert_int_equal(r->neg[1].smb2_dialect, SMB2_DIALECT_WILDCARD);
	assert_int_equal(r->neg[2].kind, SMB_EV_SMB2_NEGOTIATE_REQUEST);
	assert_int_equal(r->neg[3].kind, SMB_EV_SMB2_NEGOTIATE_RESPONSE);
	assert_int_equal(r->neg[3].smb2_dialect, SMB2_DIALECT_0302);
	const struct rec_conv *k = &r->conc[0];
	assert_int_equal(k->smb.version, 2);
	assert_true(k->smb.smb1_req_seen);
	assert_false(k->smb.smb1_resp_seen);
	assert_int_equal(k->smb.smb2_resp.dialect, SMB2_DIALECT_0302);
	assert_int_equal(k->client_index, 0);
	assert_false(k->anomalies & ANOM_BIT(ANOM_NEGOTIATE_REPEATED));
	assert_false(k->anomalies & ANOM_BIT(ANOM_SMB1_AFTER_SMB2));
	assert_false(k->anomalies & ANOM_BIT(ANOM_SMB2_DIALECT_NOT_OFFERED));
	assert_int_equal(k->v.smb_version, 2);
	assert_int_equal(k->v.verdict, V_NOT_SIGNED);
}

static void test_rst_concludes(void **state)
{
	struct fixture *fx = *state;
	struct tflow f;
	flow_init(&f, fx, 2, 50000);
	handshake(&f);
	negotiate(&f, 1, 1, SMB2_DIALECT_0302);
	assert_int_equal(fx->rec->nconc, 0);
	seg(&f, 1, TCP_RST, NULL, 0);
	assert_int_equal(fx->rec->nconc, 1);
	assert_true(fx->rec->conc[0].rst);
	assert_int_equal(fx->t.active, 0);
	/* a late segment of the closed connection does not bring it back */
	seg(&f, 0, TCP_ACK, NULL, 0);
	assert_int_equal(fx->t.active, 0);
	flow_table_flush(&fx->t);
	assert_int_equal(fx->rec->nconc, 1);
}

static void test_one_fin_does_not_conclude(void **state)
{
	struct fixture *fx = *state;
	struct tflow f;
	flow_init(&f, fx, 2, 50000);
	handshake(&f);
	negotiate(&f, 1, 1, SMB2_DIALECT_0302);
	seg(&f, 0, TCP_FIN | TCP_ACK, NULL, 0);
	assert_int_equal(fx->rec->nconc, 0);
	assert_int_equal(fx->t.active, 1);
	flow_table_flush(&fx->t);
	assert_int_equal(fx->rec->nconc, 1);
	assert_true(fx->rec->conc[0].fin[0]);
	assert_false(fx->rec->conc[0].fin[1]);
}

/* Open n conversations (clients 10.0.0.10+i:40000+i) with a Negotiate
 * request each, in order. */
static void open_convs(struct fixture *fx, struct tflow *f, int n)
{
	for (int i = 0; i < n; i++) {
		flow_init(&f[i], fx, (uint8_t)(10 + i), (uint16_t)(40000 + i));
		handshake(&f[i]);
		struct tbuf b;
		m_neg_req(&b, 1, 0);
		send_nbss(&f[i], 0, &b);
		tb_free(&b);
	}
}

static void test_flush_creation_order(void **state)
{
	struct fixture *fx = *state;
	struct tflow f[3];
	open_convs(fx, f, 3);
	assert_int_equal(fx->t.active, 3);
	assert_int_equal(fx->rec->nconc, 0);
	flow_table_flush(&fx->t);
	assert_int_equal(fx->rec->nconc, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(fx->rec->conc[i].id, (uint64_t)i + 1);
		assert_int_equal(fx->rec->conc[i].client.port, 40000 + i);
	}
	assert_int_equal(fx->t.active, 0);
}

static void test_flush_creation_order_after_activity(void **state)
{
	/* flow.h: flow_table_flush concludes "in order of creation", also when
	 * an older conversation saw traffic after a newer one was created. */
	struct fixture *fx = *state;
	struct tflow f[3];
	open_convs(fx, f, 3);
	struct tbuf b;
	m_neg_resp(&b, 1, SMB2_DIALECT_0302, 0);
	send_nbss(&f[0], 1, &b); /* conversation 1 is now the most recently used */
	tb_free(&b);
	flow_table_flush(&fx->t);
	assert_int_equal(fx->rec->nconc, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(fx->rec->conc[i].id, (uint64_t)i + 1);
}

static void test_eviction(void **state)
{
	struct fixture *fx = *state;
	fx->t.max_active = 2;
	struct tflow f[3];
	open_convs(fx, f, 2);
	assert_int_equal(fx->t.active, 2);
	assert_int_equal(fx->rec->nconc, 0);
	/* a third connection evicts the least recently used: conversation 1 */
	flow_init(&f[2], fx, 12, 40002);
	seg(&f[2], 0, TCP_SYN, NULL, 0);
	assert_int_equal(fx->t.stats.evicted, 1);
	assert_int_equal(fx->t.active, 2);
	assert_int_equal(fx->rec->nconc, 1);
	assert_int_equal(fx->rec->conc[0].id, 1);
	assert_int_equal(fx->rec->conc[0].client.port, 40000);
	/* its later segments start a new conversation (which evicts number 2) */
	struct tbuf b;
	m_neg_resp(&b, 1, SMB2_DIALECT_0302, 0);
	send_nbss(&f[0], 1, &b);
	tb_free(&b);
	assert_int_equal(fx->t.stats.evicted, 2);
	assert_int_equal(fx->rec->nconc, 2);
	assert_int_equal(fx->rec->conc[1].id, 2);
	assert_true(fx->t.active <= 2);
	flow_table_flush(&fx->t);
	assert_int_equal(fx->t.active, 0);
	assert_int_equal(fx->t.stats.connections, 4);
}

static void test_eviction_prefers_idle(void **state)
{
	/* The least recently used goes, not the oldest created. */
	struct fixture *fx = *state;
	fx->t.max_active = 2;
	struct tflow f[3];
	open_convs(fx, f, 2);
	seg(&f[0], 1, TCP_ACK, NULL, 0); /* conversation 1 is busy again */
	flow_init(&f[2], fx, 12, 40002);
	seg(&f[2], 0, TCP_SYN, NULL, 0);
	assert_int_equal(fx->rec->nconc, 1);
	assert_int_equal(fx->rec->conc[0].id, 2);
}

/* ---- segments of concluded connections (tomb.h) ---- */

/* Bytes that are not NBSS: a conversation made of them has no SMB state and
 * is not recorded, so a test sees one by fx->t.stats.connections. */
static const uint8_t LATE[] = {'l', 'a', 't', 'e'};

/* A connection from 10.0.0.2:50000 through its SMB2 3.0.2 Negotiate. */
static void negotiated(struct fixture *fx, struct tflow *f)
{
	flow_init(f, fx, 2, 50000);
	handshake(f);
	negotiate(f, 1, 1, SMB2_DIALECT_0302);
}

static void test_late_data_after_rst(void **state)
{
	/* A server's Echo response that crossed the client's RST: late data of
	 * the connection, not a conversation starting mid-stream. */
	struct fixture *fx = *state;
	struct tflow f;
	negotiated(fx, &f);
	seg(&f, 0, TCP_RST | TCP_ACK, NULL, 0);
	assert_int_equal(fx->rec->nconc, 1);
	seg(&f, 1, TCP_ACK | 0x08, LATE, sizeof LATE);
	seg(&f, 1, TCP_ACK | 0x08, LATE, sizeof LATE);
	assert_int_equal(fx->t.active, 0);
	assert_int_equal(fx->t.stats.late_segments, 2);
	assert_int_equal(fx->t.stats.connections, 1);
	flow_table_flush(&fx->t);
	assert_int_equal(fx->rec->nconc, 1);
}

static void test_late_data_after_fins(void **state)
{
	struct fixture *fx = *state;
	struct tflow f;
	negotiated(fx, &f);
	fin_both(&f);
	assert_int_equal(fx->rec->nconc, 1);
	seg(&f, 0, TCP_ACK, LATE, sizeof LATE);
	seg(&f, 1, TCP_ACK, LATE, sizeof LATE);
	assert_int_equal(fx->t.active, 0);
	assert_int_equal(fx->t.stats.late_segments, 2);
	assert_int_equal(fx->t.stats.connections, 1);
}

static void test_handshake_after_rst_is_new(void **state)
{
	/* A new SYN on the tuple of a reset connection starts a new conversation. */
	struct fixture *fx = *state;
	struct tflow f;
	negotiated(fx, &f);
	seg(&f, 0, TCP_RST, NULL, 0);
	f.seq[0] = 77777;
	f.seq[1] = 88888;
	handshake(&f);
	negotiate(&f, 1, 1, SMB2_DIALECT_0210);
	fin_both(&f);
	assert_int_equal(fx->rec->nconc, 2);
	assert_int_equal(fx->rec->conc[1].id, 2);
	assert_int_equal(fx->t.stats.late_segments, 0);
	assert_int_equal(fx->t.stats.connections, 2);
}

static void test_late_window_ends(void **state)
{
	/* Past TOMB_LATE_SECS a segment without SYN is a new connection whose
	 * SYN was not captured. */
	struct fixture *fx = *state;
	struct tflow f;
	negotiated(fx, &f);
	seg(&f, 0, TCP_RST, NULL, 0);
	fx->ts_step = TOMB_LATE_SECS; /* the next frame is far beyond the window */
	fx->frame += 2;
	seg(&f, 1, TCP_ACK, LATE, sizeof LATE);
	assert_int_equal(fx->t.stats.late_segments, 0);
	assert_int_equal(fx->t.stats.connections, 2);
	assert_int_equal(fx->t.active, 1);
}

static void test_idle_resumed_is_same_connection(void **state)
{
	/* A connection concluded by --idle that sends again is that connection
	 * resumed (counted once, its segments counted), at any later time. */
	struct fixture *fx = *state;
	struct tflow f;
	negotiated(fx, &f);
	struct timeval now = {1700000000 + 1000, 0};
	flow_table_expire(&fx->t, &now, 300);
	assert_int_equal(fx->rec->nconc, 1);
	assert_int_equal(fx->t.active, 0);
	fx->ts_step = 100000; /* no time limit on a resumed connection */
	seg(&f, 1, TCP_ACK, LATE, sizeof LATE);
	seg(&f, 0, TCP_ACK, LATE, sizeof LATE);
	assert_int_equal(fx->t.active, 0);
	assert_int_equal(fx->t.stats.idle_resumed, 1);
	assert_int_equal(fx->t.stats.after_idle, 2);
	assert_int_equal(fx->rec->nresumed, 1); /* once, with the row it was reported as */
	assert_int_equal(fx->rec->resumed_row, 101);
	assert_int_equal(fx->t.stats.late_segments, 0);
	assert_int_equal(fx->t.stats.connections, 1);
}

static void test_eviction_is_not_a_tombstone(void **state)
{
	/* A conversation evicted at the cap was not closed: its later data
	 * starts a new conversation (test_eviction), it is not late data. */
	struct fixture *fx = *state;
	fx->t.max_active = 1;
	struct tflow f[2];
	open_convs(fx, f, 2);
	assert_int_equal(fx->t.stats.evicted, 1);
	seg(&f[0], 1, TCP_ACK, LATE, sizeof LATE);
	assert_int_equal(fx->t.stats.late_segments, 0);
	assert_int_equal(fx->t.stats.evicted, 2);
}

static void test_transform_counted_encrypted(void **state)
{
	struct fixture *fx = *state;
	struct tflow f;
	flow_init(&f, fx, 2, 50000);
	handshake(&f);
	negotiate(&f, 1, 3, SMB2_DIALECT_0300); /* the server requires signing */
	session_setup(&f, 1, true, SMB2_SESSION_FLAG_ENCRYPT_DATA);
	for (int from = 0; from < 2; from++) {
		/* MS-SMB2 2.2.41 transform header (52 bytes) + 40 bytes of ciphertext */
		struct tbuf b;
		tb_init(&b);
		tb_bytes(&b, "\xfd" "SMB", 4); /* ProtocolId */
		tb_fill(&b, 0x5c, 16);         /* Signature */
		tb_fill(&b, 0x6d, 16);         /* Nonce */
		tb_le32(&b, 40);               /* OriginalMessageSize */
		tb_le16(&b, 0);                /* Reserved */
		tb_le16(&b, 1);                /* Flags: Encrypted */
		tb_le64(&b, SESSION_ID);       /* SessionId */
		assert_int_equal(b.n, 52);
		tb_fill(&b, 0x99, 40);
		send_nbss(&f, from, &b);
		send_nbss(&f, from, &b);
		tb_free(&b);
	}
	fin_both(&f);
	const struct rec_conv *k = &fx->rec->conc[0];
	assert_int_equal(fx->rec->nconc, 1);
	assert_int_equal(k->smb.encrypted[0], 2);
	assert_int_equal(k->smb.encrypted[1], 2);
	assert_int_equal(k->smb.ordinary[0].signed_msgs + k->smb.ordinary[0].unsigned_msgs, 0);
	assert_false(k->anomalies & ANOM_BIT(ANOM_NOT_SMB));
	assert_true(k->v.encrypted);
	assert_int_equal(k->v.verdict, V_SIGNED);
}

static void test_not_smb_port_ignored(void **state)
{
	struct fixture *fx = *state;
	struct tflow f;
	flow_init(&f, fx, 2, 50000);
	f.sport = 8445;
	handshake(&f);
	negotiate(&f, 1, 1, SMB2_DIALECT_0302);
	fin_both(&f);
	assert_int_equal(fx->t.stats.connections, 0);
	assert_int_equal(fx->rec->nneg, 0);
	assert_int_equal(fx->rec->nconc, 0);
}

/* A message cut short carries the frame AND the time of the segment that
 * brought its last byte, not those of whatever frame is read when it is
 * handed on: a Negotiate cut across frame 1 and completed by nothing, with
 * unrelated traffic at frame 2 (999 s later), is reported at frame 1 with
 * frame 1's time. */
static void test_cut_message_keeps_its_frame_time(void **state)
{
	struct fixture *fx = *state;
	fx->ts_step = 999;
	struct tflow a, b;
	flow_init(&a, fx, 2, 50000);
	flow_init(&b, fx, 3, 50001);
	struct tbuf m, nb;
	m_neg_req(&m, SMB2_NEGOTIATE_SIGNING_ENABLED, 0);
	tb_init(&nb);
	tb_u8(&nb, NBSS_SESSION_MESSAGE);
	tb_be24(&nb, (uint32_t)m.n);
	tb_bytes(&nb, m.p, m.n);
	seg(&a, 0, TCP_ACK, nb.p, nb.n - 4); /* frame 1: all but two dialects */
	seg(&b, 0, TCP_SYN, NULL, 0);        /* frame 2: another connection */
	assert_int_equal(fx->rec->nneg, 0);  /* not complete yet */
	flow_table_flush(&fx->t);
	assert_int_equal(fx->rec->nneg, 1);
	const struct rec_neg *n = &fx->rec->neg[0];
	assert_int_equal(n->kind, SMB_EV_SMB2_NEGOTIATE_REQUEST);
	assert_true(n->truncated);
	assert_int_equal(n->frame, 1);
	assert_int_equal(n->ts_sec, 1700000000L + 999);
	tb_free(&m);
	tb_free(&nb);
}

/* Three connections each send 6 KiB of a Negotiate request whose NBSS header
 * declares 8 KiB, in turns of 1 KiB, under a table budget of 16 KiB (their
 * buffers grow 1, 2, 4, 8 KiB; all three take a 4 KiB ring). When a buffer
 * cannot grow, the least recently active holder other than the one growing
 * is given up: conversation 3 when 2 grows in turn 2 (1 has just been
 * active), then 2 when 1 grows in turn 5.
 * Every conversation is still reported (the given-up ones known as SMB2 by
 * the header kept), the given-up ones with the memory-budget anomaly. */
static void test_budget_gives_up_oldest(void **state)
{
	struct fixture *fx = *state;
	fx->t.budget.limit = 16 * 1024;
	struct tflow f[3];
	struct tbuf m;
	m_neg_req(&m, SMB2_NEGOTIATE_SIGNING_ENABLED, 0);
	tb_fill(&m, 0x33, 8192 - m.n); /* padding after the dialects, inside the message */
	uint8_t hdr[4] = {NBSS_SESSION_MESSAGE, 0, 8192 >> 8, 0};
	for (int i = 0; i < 3; i++) {
		flow_init(&f[i], fx, (uint8_t)(2 + i), (uint16_t)(40000 + i));
		handshake(&f[i]);
		seg(&f[i], 0, TCP_ACK, hdr, 4);
	}
	for (size_t off = 0; off < 6144; off += 1024)
		for (int i = 0; i < 3; i++)
			seg(&f[i], 0, TCP_ACK, m.p + off, 1024);
	assert_true(fx->t.budget.used <= fx->t.budget.limit);
	assert_int_equal(fx->t.stats.budget_given_up, 2);
	flow_table_flush(&fx->t);
	assert_int_equal(fx->rec->nconc, 3);
	const anomaly_mask mb = ANOM_BIT(ANOM_MEMORY_BUDGET);
	assert_false(fx->rec->conc[0].anomalies & mb);
	assert_true(fx->rec->conc[1].anomalies & mb);
	assert_true(fx->rec->conc[2].anomalies & mb);
	/* the one kept is handed on, 6 of 8 KiB; of the others only the header */
	assert_int_equal(fx->rec->nneg, 1);
	assert_int_equal(fx->rec->neg[0].kind, SMB_EV_SMB2_NEGOTIATE_REQUEST);
	assert_true(fx->rec->neg[0].truncated);
	for (int i = 0; i < 3; i++)
		assert_true(fx->rec->conc[i].anomalies & ANOM_BIT(ANOM_TRUNCATED_MESSAGE));
	assert_int_equal(fx->t.budget.used, 0);
	tb_free(&m);
}

/* Per-session records: two sessions on one connection, each keyed by its
 * SessionId; the second (a guest) is told apart from the first. */
static void test_sessions_recorded(void **state)
{
	struct fixture *fx = *state;
	struct tflow f;
	flow_init(&f, fx, 2, 50000);
	handshake(&f);
	negotiate(&f, SMB2_NEGOTIATE_SIGNING_ENABLED, SMB2_NEGOTIATE_SIGNING_ENABLED,
		  SMB2_DIALECT_0302);
	session_setup(&f, SMB2_NEGOTIATE_SIGNING_ENABLED, false, 0);
	fin_both(&f);
	assert_int_equal(fx->rec->nconc, 1);
	const struct conv_smb *s = &fx->rec->conc[0].smb;
	assert_int_equal(s->nsessions, 1);
	const struct smb_session *x = &s->sessions[0];
	assert_true(x->id == SESSION_ID); /* assigned by the first response */
	assert_int_equal(x->rounds, 2);
	assert_true(x->ok && x->request_seen && x->response_seen);
	assert_int_equal(x->status, NT_STATUS_SUCCESS);
	assert_false(x->guest || x->null_session);
	assert_int_equal(x->req_security_mode, SMB2_NEGOTIATE_SIGNING_ENABLED);
	assert_int_equal(x->req_blob_offset, 88);
	assert_int_equal(x->resp_blob_offset, 72);
	assert_int_equal(fx->rec->nsess, 2); /* one event per Session Setup response */
	assert_int_equal(s->sessions_dropped, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_signed_conversation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsigned_conversation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signed_conversation_bytewise, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_is_negotiate_sender, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compound_counted_individually, setup, teardown),
		cmocka_unit_test_setup_teardown(test_next_command_backwards, setup, teardown),
		cmocka_unit_test_setup_teardown(test_next_command_misaligned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_next_command_inside_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_next_command_past_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_next_command_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_next_command_valid_pair, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multi_protocol_upgrade, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rst_concludes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_fin_does_not_conclude, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush_creation_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush_creation_order_after_activity, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_eviction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eviction_prefers_idle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_late_data_after_rst, setup, teardown),
		cmocka_unit_test_setup_teardown(test_late_data_after_fins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handshake_after_rst_is_new, setup, teardown),
		cmocka_unit_test_setup_teardown(test_late_window_ends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_resumed_is_same_connection, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_eviction_is_not_a_tombstone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transform_counted_encrypted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_smb_port_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cut_message_keeps_its_frame_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sessions_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_budget_gives_up_oldest, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
