/* conv: conversations and their SMB state (see include/smbneg/conv.h). */
#include "smbneg/conv.h"

#include "smbneg/smb_conn.h"
#include "smbneg/smb_const.h"

#include <stdlib.h>
#include <string.h>

#define INITIAL_BUCKETS 4096

/* ---- endpoints and the hash table ---- */

static bool ep_equal(const struct endpoint *e, uint8_t family, const uint8_t *addr, uint16_t port)
{
	size_t alen = family == 4 ? 4 : 16;
	return e->family == family && e->port == port && memcmp(e->addr, addr, alen) == 0;
}

static void ep_set(struct endpoint *e, uint8_t family, const uint8_t *addr, uint16_t port)
{
	memset(e, 0, sizeof *e);
	e->family = family;
	memcpy(e->addr, addr, family == 4 ? 4 : 16);
	e->port = port;
}

/* FNV-1a over one endpoint. */
static uint64_t ep_hash(uint8_t family, const uint8_t *addr, uint16_t port)
{
	uint64_t h = 1469598103934665603u;
	size_t alen = family == 4 ? 4 : 16;
	for (size_t i = 0; i < alen; i++)
		h = (h ^ addr[i]) * 1099511628211u;
	h = (h ^ (port & 0xff)) * 1099511628211u;
	h = (h ^ (port >> 8)) * 1099511628211u;
	return h;
}

/* Symmetric in the two endpoints, so both directions give one key. */
static uint64_t tuple_key(const struct tcp_seg *s)
{
	return ep_hash(s->family, s->src, s->sport) ^ ep_hash(s->family, s->dst, s->dport);
}

static size_t tuple_bucket(const struct conv_table *t, const struct tcp_seg *s)
{
	return (size_t)(tuple_key(s) * 0x9E3779B97F4A7C15u >> 20) & (t->nbuckets - 1);
}

static struct tcp_seg conv_tuple(const struct conv *c)
{
	struct tcp_seg s;
	memset(&s, 0, sizeof s);
	s.family = c->ep[0].family;
	memcpy(s.src, c->ep[0].addr, 16);
	memcpy(s.dst, c->ep[1].addr, 16);
	s.sport = c->ep[0].port;
	s.dport = c->ep[1].port;
	return s;
}

static bool is_tombstone(const struct conv_table *t, uint64_t key)
{
	for (unsigned i = 0; i < CONV_TOMBSTONES; i++)
		if (t->tombstones[i] == key && key != 0)
			return true;
	return false;
}

bool conv_table_init(struct conv_table *t, const struct conv_sink *sink)
{
	memset(t, 0, sizeof *t);
	t->nbuckets = INITIAL_BUCKETS;
	t->buckets = calloc(t->nbuckets, sizeof *t->buckets);
	t->max_active = CONV_MAX_ACTIVE;
	t->sink = *sink;
	t->next_id = 1;
	t->dlt = -1;
	return t->buckets != NULL;
}

static void grow(struct conv_table *t)
{
	size_t n = t->nbuckets * 2;
	struct conv **b = calloc(n, sizeof *b);
	if (!b)
		return; /* keep the longer chains */
	struct conv **old = t->buckets;
	size_t oldn = t->nbuckets;
	t->buckets = b;
	t->nbuckets = n;
	for (size_t i = 0; i < oldn; i++) {
		struct conv *c = old[i];
		while (c) {
			struct conv *next = c->hnext;
			struct tcp_seg s = conv_tuple(c);
			size_t k = tuple_bucket(t, &s);
			c->hnext = b[k];
			b[k] = c;
			c = next;
		}
	}
	free(old);
}

static void lru_unlink(struct conv_table *t, struct conv *c)
{
	if (c->older)
		c->older->newer = c->newer;
	else
		t->oldest = c->newer;
	if (c->newer)
		c->newer->older = c->older;
	else
		t->newest = c->older;
	c->older = c->newer = NULL;
}

static void lru_append(struct conv_table *t, struct conv *c)
{
	c->older = t->newest;
	c->newer = NULL;
	if (t->newest)
		t->newest->newer = c;
	else
		t->oldest = c;
	t->newest = c;
}

/* ---- client and server ---- */

static bool is_smb_port(uint16_t p)
{
	return p == 445 || p == 139;
}

int conv_client_index(const struct conv *c)
{
	if (c->client >= 0)
		return c->client;
	if (is_smb_port(c->ep[1].port) && !is_smb_port(c->ep[0].port))
		return 0;
	if (is_smb_port(c->ep[0].port) && !is_smb_port(c->ep[1].port))
		return 1;
	return 0; /* the SYN sender, or the first talker */
}

const struct endpoint *conv_client(const struct conv *c)
{
	return &c->ep[conv_client_index(c)];
}

const struct endpoint *conv_server(const struct conv *c)
{
	return &c->ep[1 - conv_client_index(c)];
}

/* ---- SMB1 messages ---- */

static struct conv_smb *smb_state(struct conv *c)
{
	if (!c->smb) {
		c->smb = calloc(1, sizeof *c->smb);
		if (c->smb)
			c->table->stats.smb_connections++;
	}
	return c->smb;
}

static void count_signed(struct conv_counts *k, bool is_signed)
{
	if (is_signed)
		k->signed_msgs++;
	else
		k->unsigned_msgs++;
}

static void emit_negotiate(struct conv *c, int dir, struct neg_event *e)
{
	e->frame = c->msg_frame;
	e->truncated = c->msg_truncated;
	e->ts = c->table->ts;
	if (c->table->sink.negotiate)
		c->table->sink.negotiate(c->table->sink.arg, c, dir, e);
}

/* Old-style (DOS) error class/code to the NTSTATUS the diagnosis speaks. */
static uint32_t smb1_status(const struct smb1_header *h)
{
	if (h->flags2 & SMB1_FLAGS2_NT_STATUS)
		return h->status;
	uint8_t cls = h->status & 0xff;
	uint16_t code = (uint16_t)(h->status >> 16);
	if (h->status == 0)
		return NT_STATUS_SUCCESS;
	if ((cls == 0x01 && code == 5) || (cls == 0x02 && code == 4)) /* ERRDOS/ERRnoaccess, ERRSRV/ERRaccess */
		return NT_STATUS_ACCESS_DENIED;
	return 0xC0000001u; /* STATUS_UNSUCCESSFUL */
}

static void smb1_negotiate(struct conv *c, int dir, struct conv_smb *s, const struct smb1_header *h,
			   struct rd *r)
{
	struct neg_event e = {0};
	e.h1 = h;
	if (!(h->flags & SMB1_FLAGS_REPLY)) {
		struct smb1_negotiate_request q;
		if (smb1_parse_negotiate_request(r, &q) != SMB_PARSE_OK) {
			c->anomalies |= ANOM_BIT(ANOM_TRUNCATED_MESSAGE);
			return;
		}
		if (s->smb1_req_seen && (q.dialect_count != s->smb1_req.dialect_count ||
					 h->flags2 != s->smb1_req_flags2))
			c->anomalies |= ANOM_BIT(ANOM_NEGOTIATE_REPEATED);
		c->anomalies |= q.anomalies;
		s->smb1_req = q;
		s->smb1_req_seen = true;
		s->smb1_req_flags2 = h->flags2;
		c->client = dir;
		e.kind = NEG_SMB1_REQUEST;
		e.smb1_req = &s->smb1_req;
		emit_negotiate(c, dir, &e);
		return;
	}
	struct smb1_negotiate_response p;
	if (smb1_parse_negotiate_response(r, h->flags2, &p) != SMB_PARSE_OK) {
		c->anomalies |= ANOM_BIT(ANOM_TRUNCATED_MESSAGE);
		return;
	}
	if (s->smb1_resp_seen && (p.security_mode != s->smb1_resp.security_mode ||
				  p.dialect_index != s->smb1_resp.dialect_index))
		c->anomalies |= ANOM_BIT(ANOM_NEGOTIATE_REPEATED);
	if (p.has_security_mode && p.word_count == 17 &&
	    (p.security_mode & SMB1_SECMODE_SIGNATURES_REQUIRED) &&
	    !(p.security_mode & SMB1_SECMODE_SIGNATURES_ENABLED))
		p.anomalies |= ANOM_BIT(ANOM_SECMODE_REQUIRED_WITHOUT_ENABLED);
	c->anomalies |= p.anomalies;
	s->smb1_resp = p;
	s->smb1_resp_seen = true;
	s->smb1_resp_status = smb1_status(h);
	s->smb1_dialect[0] = '\0';
	if (p.word_count >= 1 && p.dialect_index != 0xFFFF) {
		if (s->smb1_req_seen && p.dialect_index < s->smb1_req.dialects_kept)
			memcpy(s->smb1_dialect, s->smb1_req.dialects[p.dialect_index],
			       sizeof s->smb1_dialect);
		else if (s->smb1_req_seen && p.dialect_index >= s->smb1_req.dialect_count)
			c->anomalies |= ANOM_BIT(ANOM_SMB1_DIALECT_INDEX);
		else if (!s->smb1_req_seen && p.word_count == 17)
			memcpy(s->smb1_dialect, "NT LM 0.12", sizeof "NT LM 0.12");
		s->version = 1;
	}
	if (c->client < 0)
		c->client = 1 - dir;
	e.kind = NEG_SMB1_RESPONSE;
	e.smb1_resp = &s->smb1_resp;
	e.smb1_dialect = s->smb1_dialect[0] ? s->smb1_dialect : NULL;
	emit_negotiate(c, dir, &e);
}

static void smb1_message(struct conv *c, int dir, const struct rd *msg)
{
	struct conv_smb *s = smb_state(c);
	if (!s)
		return;
	struct rd r = *msg;
	struct smb1_header h;
	if (smb1_parse_header(&r, &h) != SMB_PARSE_OK) {
		c->anomalies |= ANOM_BIT(ANOM_TRUNCATED_MESSAGE);
		return;
	}
	if (s->version == 2)
		c->anomalies |= ANOM_BIT(ANOM_SMB1_AFTER_SMB2);
	if (h.command == SMB1_CMD_NEGOTIATE) {
		smb1_negotiate(c, dir, s, &h, &r);
		return;
	}
	bool reply = (h.flags & SMB1_FLAGS_REPLY) != 0;
	int role = reply ? 1 : 0;
	bool is_signed = smb1_is_signed(&h);
	uint32_t status = reply ? smb1_status(&h) : 0;
	count_signed(&s->after_negotiate[role], is_signed);
	if (reply && status == NT_STATUS_INVALID_SIGNATURE && !s->invalid_signature) {
		s->invalid_signature = true;
		s->invalid_signature_frame = c->msg_frame;
	}
	switch (h.command) {
	case SMB1_CMD_SESSION_SETUP_ANDX:
		if (!reply) {
			if (!s->sess_req_seen)
				s->sess_req_flags2 = h.flags2;
			s->sess_req_seen = true;
		} else if (status == NT_STATUS_SUCCESS) {
			struct smb1_session_setup_response sr;
			if (smb1_parse_session_setup_response(&r, &sr) == SMB_PARSE_OK)
				s->session_guest = (sr.action & SMB1_SESSION_ACTION_GUEST) != 0;
			s->session_ok = true;
		} else if (status != NT_STATUS_MORE_PROCESSING_REQUIRED) {
			s->session_fail_status = status;
		}
		return; /* Session Setup is not ordinary traffic */
	case SMB1_CMD_TREE_CONNECT_ANDX:
	case SMB1_CMD_TREE_CONNECT:
	case SMB1_CMD_TRANSACTION2:
		if (reply && status == NT_STATUS_SUCCESS && h.command != SMB1_CMD_TRANSACTION2)
			s->tree_connect_ok = true;
		else if (reply && status != NT_STATUS_SUCCESS && !s->tree_connect_status)
			s->tree_connect_status = status;
		break;
	default:
		break;
	}
	if (s->session_ok)
		count_signed(&s->ordinary[role], is_signed);
}

/* ---- SMB2 messages ---- */

static bool dialect_offered(const struct smb2_negotiate_request *q, uint16_t d)
{
	for (unsigned i = 0; i < q->dialects_kept; i++)
		if (q->dialects[i] == d)
			return true;
	return q->dialect_count > q->dialects_kept; /* not all kept: cannot tell */
}

static void smb2_negotiate(struct conv *c, int dir, struct conv_smb *s, const struct smb2_header *h,
			   const struct rd *msg)
{
	struct neg_event e = {0};
	e.h2 = h;
	if (h->flags & SMB2_FLAGS_SIGNED)
		c->anomalies |= ANOM_BIT(ANOM_SMB2_SIGNED_NEGOTIATE);
	if (!(h->flags & SMB2_FLAGS_SERVER_TO_REDIR)) {
		struct smb2_negotiate_request q;
		if (smb2_parse_negotiate_request(msg, &q) != SMB_PARSE_OK) {
			c->anomalies |= ANOM_BIT(ANOM_TRUNCATED_MESSAGE);
			return;
		}
		if (s->smb2_req_seen &&
		    (q.security_mode != s->smb2_req.security_mode ||
		     q.dialect_count != s->smb2_req.dialect_count ||
		     memcmp(q.client_guid, s->smb2_req.client_guid, 16) != 0))
			c->anomalies |= ANOM_BIT(ANOM_NEGOTIATE_REPEATED);
		c->anomalies |= q.anomalies;
		s->smb2_req = q;
		s->smb2_req_seen = true;
		c->client = dir;
		e.kind = NEG_SMB2_REQUEST;
		e.smb2_req = &s->smb2_req;
		emit_negotiate(c, dir, &e);
		return;
	}
	struct smb2_negotiate_response p;
	if (smb2_parse_negotiate_response(msg, &p) != SMB_PARSE_OK) {
		c->anomalies |= ANOM_BIT(ANOM_TRUNCATED_MESSAGE);
		return;
	}
	if (h->status == NT_STATUS_SUCCESS) {
		if (!(p.security_mode & SMB2_NEGOTIATE_SIGNING_ENABLED)) {
			if (p.security_mode & SMB2_NEGOTIATE_SIGNING_REQUIRED)
				p.anomalies |= ANOM_BIT(ANOM_SECMODE_REQUIRED_WITHOUT_ENABLED);
			else
				p.anomalies |= ANOM_BIT(ANOM_SMB2_SECMODE_ZERO);
		}
		if (s->smb2_req_seen && p.dialect != SMB2_DIALECT_WILDCARD &&
		    !dialect_offered(&s->smb2_req, p.dialect))
			p.anomalies |= ANOM_BIT(ANOM_SMB2_DIALECT_NOT_OFFERED);
		if (s->smb2_resp_seen && s->smb2_resp.dialect != SMB2_DIALECT_WILDCARD &&
		    (p.security_mode != s->smb2_resp.security_mode ||
		     p.dialect != s->smb2_resp.dialect))
			c->anomalies |= ANOM_BIT(ANOM_NEGOTIATE_REPEATED);
		s->version = 2;
	}
	c->anomalies |= p.anomalies;
	s->smb2_resp = p;
	s->smb2_resp_seen = true;
	s->smb2_resp_status = h->status;
	if (c->client < 0)
		c->client = 1 - dir;
	e.kind = NEG_SMB2_RESPONSE;
	e.smb2_resp = &s->smb2_resp;
	emit_negotiate(c, dir, &e);
}

/* Messages that follow their own signing rules and so do not show whether
 * the session signs (MS-SMB2 3.2.4.1.1, 3.3.4.1.1, 3.3.5.15.12). */
static bool smb2_is_ordinary(const struct smb2_header *h, bool validate_negotiate)
{
	switch (h->command) {
	case SMB2_CMD_NEGOTIATE:
	case SMB2_CMD_SESSION_SETUP:
	case SMB2_CMD_TREE_CONNECT:
	case SMB2_CMD_CANCEL:
		return false;
	default:
		break;
	}
	if (validate_negotiate)
		return false;
	if ((h->flags & SMB2_FLAGS_ASYNC_COMMAND) && h->status == NT_STATUS_PENDING)
		return false; /* interim response */
	if (h->message_id == SMB2_MESSAGE_ID_UNSOLICITED)
		return false; /* oplock/lease break notification */
	return true;
}

static void smb2_one(struct conv *c, int dir, struct conv_smb *s, const struct rd *msg, bool cut)
{
	struct rd r = *msg;
	struct smb2_header h;
	if (smb2_parse_header(&r, &h) != SMB_PARSE_OK) {
		if (!cut)
			c->anomalies |= ANOM_BIT(ANOM_TRUNCATED_MESSAGE);
		return;
	}
	if (h.structure_size != SMB2_HEADER_SIZE)
		c->anomalies |= ANOM_BIT(ANOM_SMB2_STRUCTURE_SIZE);
	if (h.command == SMB2_CMD_NEGOTIATE) {
		smb2_negotiate(c, dir, s, &h, msg);
		return;
	}
	bool reply = (h.flags & SMB2_FLAGS_SERVER_TO_REDIR) != 0;
	int role = reply ? 1 : 0;
	bool is_signed = smb2_is_signed(&h);
	bool validate = false;
	count_signed(&s->after_negotiate[role], is_signed);
	if (reply && h.status == NT_STATUS_INVALID_SIGNATURE && !s->invalid_signature) {
		s->invalid_signature = true;
		s->invalid_signature_frame = c->msg_frame;
	}
	if (reply && (h.status == NT_STATUS_SMB_GUEST_LOGON_BLOCKED ||
		      h.status == NT_STATUS_SMB_NO_SIGNING_ALGORITHM_OVERLAP)) {
		s->guest_blocked_status = true;
		s->guest_blocked_code = h.status;
	}
	switch (h.command) {
	case SMB2_CMD_SESSION_SETUP:
		if (!reply) {
			struct smb2_session_setup_request q;
			if (!s->smb2_sess_req_seen &&
			    smb2_parse_session_setup_request(msg, &q) == SMB_PARSE_OK) {
				s->sess_req_security_mode = q.security_mode;
				s->smb2_sess_req_seen = true;
			}
			s->sess_req_seen = true;
		} else if (h.status == NT_STATUS_SUCCESS) {
			struct smb2_session_setup_response p;
			if (smb2_parse_session_setup_response(msg, &p) == SMB_PARSE_OK) {
				s->session_guest |= (p.session_flags & SMB2_SESSION_FLAG_IS_GUEST) != 0;
				s->session_null |= (p.session_flags & SMB2_SESSION_FLAG_IS_NULL) != 0;
			}
			s->session_ok = true;
		} else if (h.status != NT_STATUS_MORE_PROCESSING_REQUIRED) {
			s->session_fail_status = h.status;
		}
		break;
	case SMB2_CMD_TREE_CONNECT:
		if (reply && h.status == NT_STATUS_SUCCESS)
			s->tree_connect_ok = true;
		else if (reply && !s->tree_connect_status)
			s->tree_connect_status = h.status;
		break;
	case SMB2_CMD_IOCTL: {
		struct smb2_validate_negotiate v;
		if (smb2_parse_ioctl(msg, !reply, &v) != SMB_PARSE_OK)
			break;
		if (!reply && v.is_validate) {
			if (!s->vn_req_seen)
				s->vn_req = v;
			s->vn_req_seen = true;
			s->vn_pending_mid = h.message_id;
			validate = true;
		} else if (reply && s->vn_req_seen && h.message_id == s->vn_pending_mid) {
			/* Matched by MessageId: an error response carries no CtlCode.
			 * The first response is the one judged. */
			if (!s->vn_resp_seen) {
				s->vn_resp = v;
				s->vn_resp_seen = true;
				s->vn_resp_signed = is_signed;
				s->vn_status = h.status;
			}
			validate = true;
		}
		break;
	}
	default:
		break;
	}
	if (s->session_ok && smb2_is_ordinary(&h, validate))
		count_signed(&s->ordinary[role], is_signed);
}

/* MS-SMB2 3.2.4.1.4: compounded requests and responses, chained by NextCommand. */
static void smb2_message(struct conv *c, int dir, const struct rd *whole, size_t full)
{
	struct conv_smb *s = smb_state(c);
	if (!s)
		return;
	size_t kept = whole->len;
	struct rd w = *whole;
	while (rd_left(&w) > 0) {
		size_t off = w.pos, left = rd_left(&w);
		struct rd h = rd_at(&w, off + 20, 4); /* MS-SMB2 2.2.1: NextCommand */
		uint32_t next = rd_le32(&h);
		size_t len = left;
		bool last = true;
		if (next != 0) {
			if (next < SMB2_HEADER_SIZE || next % 8 != 0 || next > full - off) {
				c->anomalies |= ANOM_BIT(ANOM_SMB2_NEXT_COMMAND);
			} else {
				len = next < left ? next : left;
				last = false;
			}
		}
		/* An element cut at the keep limit was not lost: its end is not judged. */
		bool cut = kept < full && (last || next > left);
		struct rd msg = rd_at(&w, off, len);
		smb2_one(c, dir, s, &msg, cut);
		if (last || next >= left)
			break;
		rd_skip(&w, next);
	}
}

/* ---- the NBSS sink: one SMB message (or NBSS control message) ---- */

static void on_message(void *arg, const struct nbss_msg *m)
{
	const struct conv_link *l = arg;
	struct conv *c = l->c;
	int dir = l->dir;
	if (m->type == NBSS_NEGATIVE_RESPONSE)
		c->anomalies |= ANOM_BIT(ANOM_NBSS_NEGATIVE_RESPONSE);
	if (m->type != NBSS_SESSION_MESSAGE || m->length == 0)
		return;
	/* A message cut short is handed on at the gap or at the end: its frame is
	 * the one that brought its last byte, not the frame being read now. */
	c->msg_frame = c->data_frame[dir] ? c->data_frame[dir] : c->table->frame;
	c->msg_truncated = m->truncated;
	if (m->truncated)
		c->anomalies |= ANOM_BIT(ANOM_TRUNCATED_MESSAGE);
	struct rd r = rd_init(m->p, m->kept);
	enum smb_proto proto = smb_sniff(&r);
	if (proto == SMB_PROTO_SHORT) {
		if (!m->truncated)
			c->anomalies |= ANOM_BIT(ANOM_NOT_SMB);
		return;
	}
	struct conv_smb *s;
	int role = dir == conv_client_index(c) ? 0 : 1;
	switch (proto) {
	case SMB_PROTO_SMB1: {
		anomaly_mask before = c->anomalies;
		smb1_message(c, dir, &r);
		if (m->kept < m->length && !m->truncated) /* cut at the keep limit, not lost */
			c->anomalies &= before | ~(ANOM_BIT(ANOM_SMB1_BYTECOUNT) |
						   ANOM_BIT(ANOM_SMB1_DIALECT_UNTERMINATED) |
						   ANOM_BIT(ANOM_TRUNCATED_MESSAGE));
		break;
	}
	case SMB_PROTO_SMB2:
		smb2_message(c, dir, &r, m->length);
		break;
	case SMB_PROTO_TRANSFORM: /* MS-SMB2 2.2.41 transform header: encrypted */
		if ((s = smb_state(c)) != NULL)
			s->encrypted[role]++;
		break;
	case SMB_PROTO_COMPRESSED: /* MS-SMB2 2.2.42 compression header */
		if ((s = smb_state(c)) != NULL)
			s->compressed[role]++;
		break;
	default:
		c->anomalies |= ANOM_BIT(ANOM_NOT_SMB);
		break;
	}
}

static size_t on_keep(void *arg, const struct rd *prefix)
{
	(void)arg;
	return smb_conn_keep_limit(prefix);
}

/* ---- the reassembly sink ---- */

static void on_data(void *arg, const uint8_t *p, size_t n)
{
	const struct conv_link *l = arg;
	struct conv *c = l->c;
	int dir = l->dir;
	struct nbss_sink sink = {on_message, on_keep, arg};
	c->data_frame[dir] = c->table->frame;
	nbss_feed(&c->nbss[dir], p, n, &sink);
}

static void on_gap(void *arg, uint64_t n)
{
	const struct conv_link *l = arg;
	struct conv *c = l->c;
	int dir = l->dir;
	struct nbss_sink sink = {on_message, on_keep, arg};
	nbss_gap(&c->nbss[dir], n, &sink);
}

/* ---- conversation life ---- */

static void conclude(struct conv_table *t, struct conv *c)
{
	for (int d = 0; d < 2; d++) {
		struct reasm_sink rs = {on_data, on_gap, &c->link[d]};
		struct nbss_sink ns = {on_message, on_keep, &c->link[d]};
		reasm_flush(&c->tcp[d], &rs);
		nbss_finish(&c->nbss[d], &ns);
		if (c->tcp[d].overlap_conflicts)
			c->anomalies |= ANOM_BIT(ANOM_TCP_OVERLAP_CONFLICT);
		if (c->tcp[d].queue_overflows)
			c->anomalies |= ANOM_BIT(ANOM_TCP_QUEUE_OVERFLOW);
		if (c->nbss[d].bad_headers)
			c->anomalies |= ANOM_BIT(ANOM_NBSS_BAD_HEADER);
		/* a capture that starts mid-stream resynchronises once per direction */
		if (c->nbss[d].resyncs > (c->syn_seen ? 0u : 1u))
			c->anomalies |= ANOM_BIT(ANOM_NBSS_RESYNC);
	}
	if (c->smb && t->sink.concluded)
		t->sink.concluded(t->sink.arg, c);
	/* unlink */
	struct tcp_seg s = conv_tuple(c);
	struct conv **pp = &t->buckets[tuple_bucket(t, &s)];
	while (*pp && *pp != c)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = c->hnext;
	lru_unlink(t, c);
	t->active--;
	for (int d = 0; d < 2; d++) {
		reasm_free(&c->tcp[d]);
		nbss_free(&c->nbss[d]);
	}
	while (c->kept) {
		struct kept_frame *k = c->kept;
		c->kept = k->next;
		free(k);
	}
	t->kept_total -= c->kept_bytes;
	free(c->smb);
	free(c);
}

/* Keep the raw frame being processed as evidence of c, within the caps. */
static void keep_frame(struct conv_table *t, struct conv *c)
{
	size_t n = t->raw_caplen;
	if (n > CONV_MAX_KEPT_BYTES - c->kept_bytes || n > CONV_MAX_KEPT_TOTAL - t->kept_total) {
		c->kept_incomplete = true;
		return;
	}
	struct kept_frame *k = malloc(sizeof *k + n);
	if (!k) {
		c->kept_incomplete = true;
		return;
	}
	k->next = NULL;
	k->ts = t->ts;
	k->caplen = t->raw_caplen;
	k->len = t->raw_len;
	if (n)
		memcpy(k->data, t->raw, n);
	if (c->kept_tail)
		c->kept_tail->next = k;
	else
		c->kept = k;
	c->kept_tail = k;
	c->kept_bytes += n;
	t->kept_total += n;
}

static struct conv *lookup(struct conv_table *t, const struct tcp_seg *seg, int *dir)
{
	for (struct conv *c = t->buckets[tuple_bucket(t, seg)]; c; c = c->hnext) {
		if (ep_equal(&c->ep[0], seg->family, seg->src, seg->sport) &&
		    ep_equal(&c->ep[1], seg->family, seg->dst, seg->dport)) {
			*dir = 0;
			return c;
		}
		if (ep_equal(&c->ep[1], seg->family, seg->src, seg->sport) &&
		    ep_equal(&c->ep[0], seg->family, seg->dst, seg->dport)) {
			*dir = 1;
			return c;
		}
	}
	return NULL;
}

static struct conv *create(struct conv_table *t, const struct tcp_seg *seg)
{
	if (t->active >= t->max_active && t->oldest) {
		t->stats.evicted++;
		conclude(t, t->oldest);
	}
	if (t->active >= t->nbuckets)
		grow(t);
	struct conv *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->table = t;
	c->id = t->next_id++;
	c->client = -1;
	ep_set(&c->ep[0], seg->family, seg->src, seg->sport);
	ep_set(&c->ep[1], seg->family, seg->dst, seg->dport);
	/* TCP 139 carries RFC 1002 framing; 445 the direct-hosted form. */
	c->netbios_139 = (seg->sport == 139 || seg->dport == 139) &&
			 seg->sport != 445 && seg->dport != 445;
	for (int d = 0; d < 2; d++) {
		c->tcp[d].shared_queued = &t->queued_total;
		c->nbss[d].netbios_139 = c->netbios_139;
		c->link[d].c = c;
		c->link[d].dir = d;
	}
	c->first_frame = t->frame;
	c->first_ts = t->ts;
	size_t k = tuple_bucket(t, seg);
	c->hnext = t->buckets[k];
	t->buckets[k] = c;
	lru_append(t, c);
	t->active++;
	t->stats.connections++;
	return c;
}

void conv_table_segment(struct conv_table *t, const struct tcp_seg *seg)
{
	t->stats.tcp_segments++;
	if (!is_smb_port(seg->sport) && !is_smb_port(seg->dport))
		return;
	int dir = 0;
	struct conv *c = lookup(t, seg, &dir);
	if (!c) {
		if (!(seg->flags & TCP_SYN) && seg->seglen == 0)
			return; /* a bare ACK/FIN/RST of a connection we never saw */
		if (!(seg->flags & TCP_SYN) && is_tombstone(t, tuple_key(seg))) {
			t->stats.after_idle++;
			return; /* reported already, when it went idle */
		}
		c = create(t, seg);
		if (!c)
			return;
	}
	if ((seg->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN && dir == 0)
		c->syn_seen = true;
	c->last_frame = t->frame;
	c->last_ts = t->ts;
	lru_unlink(t, c);
	lru_append(t, c);
	if (t->keep_frames && t->raw)
		keep_frame(t, c);
	struct reasm_sink sink = {on_data, on_gap, &c->link[dir]};
	reasm_push(&c->tcp[dir], seg, &sink);
	if (seg->flags & TCP_FIN)
		c->fin[dir] = true;
	if (seg->flags & TCP_RST)
		c->rst = true;
	if (c->rst || (c->fin[0] && c->fin[1]))
		conclude(t, c);
}

static int by_id(const void *a, const void *b)
{
	uint64_t x = (*(struct conv *const *)a)->id, y = (*(struct conv *const *)b)->id;
	return x < y ? -1 : x > y;
}

void conv_table_flush(struct conv_table *t)
{
	/* Creation order gives a stable report; the LRU list is by activity. */
	struct conv **all = t->active ? malloc(t->active * sizeof *all) : NULL;
	if (all) {
		size_t n = 0;
		for (struct conv *c = t->oldest; c; c = c->newer)
			all[n++] = c;
		qsort(all, n, sizeof *all, by_id);
		for (size_t i = 0; i < n; i++)
			conclude(t, all[i]);
		free(all);
	}
	while (t->oldest) /* no memory for the sort: activity order */
		conclude(t, t->oldest);
}

void conv_table_expire(struct conv_table *t, const struct timeval *now, long idle_secs)
{
	/* The LRU list is ordered by last activity: stop at the first recent one. */
	while (t->oldest && now->tv_sec - t->oldest->last_ts.tv_sec > idle_secs) {
		struct tcp_seg s = conv_tuple(t->oldest);
		t->tombstones[t->tombstone_next++ % CONV_TOMBSTONES] = tuple_key(&s);
		conclude(t, t->oldest);
	}
}

void conv_table_free(struct conv_table *t)
{
	conv_table_flush(t);
	free(t->buckets);
	t->buckets = NULL;
}
