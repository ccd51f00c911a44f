/* smb_conn: the SMB layer of one connection (see include/smbneg/smb_conn.h). */
#include "smbneg/smb_conn.h"

#include "smbneg/smb_cmd.h"
#include "smbneg/smb_const.h"
#include "smbneg/smb_ntlm.h"

#include <stdlib.h>
#include <string.h>

/* ---- the dispatch table ---- */

enum {
	SMB_CMD_BEFORE_COUNTS = 1, /* handled before any counting (Negotiate) */
	SMB_CMD_OWN_RULES = 2,     /* signed by its own rules: never ordinary traffic
				    * (MS-SMB2 3.2.4.1.1, 3.3.4.1.1) */
	SMB_CMD_READ_WHOLE = 4,    /* its body is read whole, up to NBSS_KEEP_LARGE
				    * (dialect lists, security blobs with tickets) */
};

struct smb_cmd {
	enum smb_proto proto;
	uint16_t command;
	unsigned flags;
	void (*on_request)(struct smb_ctx *x, const struct smb_msg *m);
	void (*on_response)(struct smb_ctx *x, const struct smb_msg *m);
};

static const struct smb_cmd commands[] = {
	{SMB_PROTO_SMB1, SMB1_CMD_NEGOTIATE, SMB_CMD_BEFORE_COUNTS | SMB_CMD_READ_WHOLE,
	 smb1_negotiate_request, smb1_negotiate_response},
	{SMB_PROTO_SMB1, SMB1_CMD_SESSION_SETUP_ANDX, SMB_CMD_OWN_RULES | SMB_CMD_READ_WHOLE,
	 smb1_session_request, smb1_session_response},
	{SMB_PROTO_SMB1, SMB1_CMD_TREE_CONNECT_ANDX, 0, NULL, smb1_tree_response},
	{SMB_PROTO_SMB1, SMB1_CMD_TREE_CONNECT, 0, NULL, smb1_tree_response},
	{SMB_PROTO_SMB1, SMB1_CMD_TRANSACTION2, 0, smb1_trans_message, smb1_trans2_response},
	{SMB_PROTO_SMB1, SMB1_CMD_TRANSACTION, 0, smb1_trans_message, smb1_trans_message},
	{SMB_PROTO_SMB1, SMB1_CMD_TRANSACTION2_SECONDARY, 0, smb1_trans_message, NULL},
	{SMB_PROTO_SMB1, SMB1_CMD_NT_TRANSACT, 0, smb1_trans_message, NULL},
	{SMB_PROTO_SMB2, SMB2_CMD_NEGOTIATE, SMB_CMD_BEFORE_COUNTS | SMB_CMD_READ_WHOLE,
	 smb2_negotiate_request, smb2_negotiate_response},
	{SMB_PROTO_SMB2, SMB2_CMD_SESSION_SETUP, SMB_CMD_OWN_RULES | SMB_CMD_READ_WHOLE,
	 smb2_session_request, smb2_session_response},
	{SMB_PROTO_SMB2, SMB2_CMD_TREE_CONNECT, SMB_CMD_OWN_RULES, NULL, smb2_tree_response},
	{SMB_PROTO_SMB2, SMB2_CMD_CANCEL, SMB_CMD_OWN_RULES, NULL, NULL},
	{SMB_PROTO_SMB2, SMB2_CMD_IOCTL, 0, smb2_ioctl_request, smb2_ioctl_response},
};

static const struct smb_cmd *find_command(enum smb_proto proto, uint16_t command)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (commands[i].proto == proto && commands[i].command == command)
			return &commands[i];
	return NULL;
}

static void run_handler(const struct smb_cmd *cmd, struct smb_ctx *x, const struct smb_msg *m)
{
	void (*fn)(struct smb_ctx *, const struct smb_msg *) =
		!cmd ? NULL : x->reply ? cmd->on_response : cmd->on_request;
	if (fn)
		fn(x, m);
}

/* ---- shared by the handlers ---- */

void smb_emit(struct smb_ctx *x, struct smb_event *e)
{
	e->f = x->f;
	e->conv = x->c;
	e->sender = x->dir;
	e->truncated = x->truncated;
	if (x->ev && x->ev->event)
		x->ev->event(x->ev->arg, e);
}

static void count_signed(struct conv_counts *k, bool is_signed)
{
	if (is_signed)
		k->signed_msgs++;
	else
		k->unsigned_msgs++;
}

static struct conv_smb *smb_state(struct conv *c)
{
	if (!c->smb)
		c->smb = calloc(1, sizeof *c->smb);
	return c->smb;
}

void smb_conn_free(struct conv *c)
{
	if (c->smb)
		free(c->smb->sessions);
	free(c->smb);
	c->smb = NULL;
}

/* The first response failing with STATUS_INVALID_SIGNATURE (MS-SMB2
 * 3.2.5.1.3, MS-CIFS 3.2.5.1): what the client saw of a signing failure. */
static void note_invalid_signature(struct smb_ctx *x)
{
	struct conv_smb *s = x->s;
	if (x->reply && x->status == NT_STATUS_INVALID_SIGNATURE && !s->invalid_signature) {
		s->invalid_signature = true;
		s->invalid_signature_frame = x->f->frame;
	}
}

/* ---- SMB1 ---- */

/* Old-style (DOS) error class/code to the NTSTATUS the diagnosis speaks
 * (MS-CIFS 2.2.2.4). */
static uint32_t smb1_status(const struct smb1_header *h)
{
	if (h->flags2 & SMB1_FLAGS2_NT_STATUS)
		return h->status;
	uint8_t cls = h->status & 0xff;
	uint16_t code = (uint16_t)(h->status >> 16);
	if (h->status == 0)
		return NT_STATUS_SUCCESS;
	if ((cls == 0x01 && code == 5) ||
	    (cls == 0x02 && code == 4)) /* ERRDOS/ERRnoaccess, ERRSRV/ERRaccess */
		return NT_STATUS_ACCESS_DENIED;
	return 0xC0000001u; /* STATUS_UNSUCCESSFUL */
}

static void smb1_dispatch(struct smb_ctx *x, const struct rd *msg)
{
	struct conv_smb *s = x->s;
	struct smb_msg m = {NULL, NULL, *msg};
	struct smb1_header h;
	if (smb1_parse_header(&m.r, &h) != SMB_PARSE_OK) {
		x->c->anomalies |= ANOM_BIT(ANOM_TRUNCATED_MESSAGE);
		return;
	}
	m.h1 = &h;
	if (s->version == 2)
		x->c->anomalies |= ANOM_BIT(ANOM_SMB1_AFTER_SMB2);
	x->reply = (h.flags & SMB1_FLAGS_REPLY) != 0;
	x->is_signed = smb1_is_signed(&h);
	x->status = x->reply ? smb1_status(&h) : 0;
	const struct smb_cmd *cmd = find_command(SMB_PROTO_SMB1, h.command);
	if (cmd && (cmd->flags & SMB_CMD_BEFORE_COUNTS)) {
		run_handler(cmd, x, &m);
		if (h.command == SMB1_CMD_NEGOTIATE && x->reply)
			smb_ntlm_smb1_negotiate(x);
		return;
	}
	int role = x->reply ? 1 : 0;
	count_signed(&s->after_negotiate[role], x->is_signed);
	note_invalid_signature(x);
	run_handler(cmd, x, &m);
	if (s->session_ok && !(cmd && (cmd->flags & SMB_CMD_OWN_RULES)))
		count_signed(&s->ordinary[role], x->is_signed);
}

/* ---- SMB2 ---- */

/* Messages that follow their own signing rules and so do not show whether
 * the session signs (MS-SMB2 3.2.4.1.1, 3.3.4.1.1, 3.3.5.15.12). */
static bool smb2_is_ordinary(const struct smb2_header *h, const struct smb_cmd *cmd,
			     bool own_rules)
{
	if ((cmd && (cmd->flags & SMB_CMD_OWN_RULES)) || own_rules)
		return false;
	if ((h->flags & SMB2_FLAGS_ASYNC_COMMAND) && h->status == NT_STATUS_PENDING)
		return false; /* interim response */
	if (h->message_id == SMB2_MESSAGE_ID_UNSOLICITED)
		return false; /* oplock/lease break notification */
	return true;
}

/* Every message after Negotiate: what the client saw, whatever the command. */
static void smb2_statuses(struct smb_ctx *x, const struct smb2_header *h)
{
	struct conv_smb *s = x->s;
	note_invalid_signature(x);
	if (x->reply && (h->status == NT_STATUS_SMB_GUEST_LOGON_BLOCKED ||
			 h->status == NT_STATUS_SMB_NO_SIGNING_ALGORITHM_OVERLAP)) {
		s->guest_blocked_status = true;
		s->guest_blocked_code = h->status;
	}
}

/* One SMB2 message of a compound; cut: it ends at the keep limit. */
static void smb2_dispatch(struct smb_ctx *x, const struct rd *msg, bool cut)
{
	struct conv_smb *s = x->s;
	struct smb_msg m = {NULL, NULL, *msg};
	struct rd r = *msg;
	struct smb2_header h;
	if (smb2_parse_header(&r, &h) != SMB_PARSE_OK) {
		if (!cut)
			x->c->anomalies |= ANOM_BIT(ANOM_TRUNCATED_MESSAGE);
		return;
	}
	m.h2 = &h;
	if (h.structure_size != SMB2_HEADER_SIZE)
		x->c->anomalies |= ANOM_BIT(ANOM_SMB2_STRUCTURE_SIZE);
	x->reply = (h.flags & SMB2_FLAGS_SERVER_TO_REDIR) != 0;
	x->is_signed = smb2_is_signed(&h);
	x->status = h.status;
	x->own_signing_rules = false;
	const struct smb_cmd *cmd = find_command(SMB_PROTO_SMB2, h.command);
	if (cmd && (cmd->flags & SMB_CMD_BEFORE_COUNTS)) {
		run_handler(cmd, x, &m);
		return;
	}
	int role = x->reply ? 1 : 0;
	count_signed(&s->after_negotiate[role], x->is_signed);
	smb2_statuses(x, &h);
	run_handler(cmd, x, &m);
	if (s->session_ok && smb2_is_ordinary(&h, cmd, x->own_signing_rules))
		count_signed(&s->ordinary[role], x->is_signed);
}

/* MS-SMB2 3.2.4.1.4: compounded requests and responses, chained by
 * NextCommand; full is the message length before the keep limit. */
static void smb2_compound(struct smb_ctx *x, const struct rd *whole, size_t full)
{
	size_t kept = whole->len;
	struct rd w = *whole;
	while (rd_left(&w) > 0) {
		size_t off = w.pos, left = rd_left(&w);
		struct rd nc = rd_at(&w, off + 20, 4); /* MS-SMB2 2.2.1: NextCommand */
		uint32_t next = rd_le32(&nc);
		size_t len = left;
		bool last = true;
		if (next != 0) {
			if (next < SMB2_HEADER_SIZE || next % 8 != 0 || next > full - off) {
				x->c->anomalies |= ANOM_BIT(ANOM_SMB2_NEXT_COMMAND);
			} else {
				len = next < left ? next : left;
				last = false;
			}
		}
		/* An element cut at the keep limit was not lost: its end is not judged. */
		bool cut = kept < full && (last || next > left);
		struct rd msg = rd_at(&w, off, len);
		smb2_dispatch(x, &msg, cut);
		if (last || next >= left)
			break;
		rd_skip(&w, next);
	}
}

/* ---- one NBSS message ---- */

static void smb_by_protocol(struct smb_ctx *x, enum smb_proto proto, const struct rd *r,
			    const struct nbss_msg *m)
{
	struct conv *c = x->c;
	int role = x->dir == conv_client_index(c) ? 0 : 1;
	if (proto == SMB_PROTO_NONE) {
		c->anomalies |= ANOM_BIT(ANOM_NOT_SMB);
		return;
	}
	if ((x->s = smb_state(c)) == NULL)
		return;
	switch (proto) {
	case SMB_PROTO_SMB1: {
		anomaly_mask before = c->anomalies;
		smb1_dispatch(x, r);
		if (m->kept < m->length && !m->truncated) /* cut at the keep limit, not lost */
			c->anomalies &= before | ~(ANOM_BIT(ANOM_SMB1_BYTECOUNT) |
						   ANOM_BIT(ANOM_SMB1_DIALECT_UNTERMINATED) |
						   ANOM_BIT(ANOM_TRUNCATED_MESSAGE));
		break;
	}
	case SMB_PROTO_SMB2:
		smb2_compound(x, r, m->length);
		break;
	case SMB_PROTO_TRANSFORM: /* MS-SMB2 2.2.41 transform header: encrypted */
		x->s->encrypted[role]++;
		break;
	case SMB_PROTO_COMPRESSED: /* MS-SMB2 2.2.42 compression header */
		x->s->compressed[role]++;
		indicators_smb2_compressed(&x->s->ind, r, m->length);
		break;
	default:
		break;
	}
}

/* EternalBlue pool grooming (indicators_nbss): a message that declares
 * about 64 KiB, carries a marker and zeros, and never completes. It is no
 * SMB message: true when it was one of these, which is then not parsed. */
static bool nbss_groom(struct conv *c, const struct nbss_msg *m)
{
	struct indicator_state probe;
	memset(&probe, 0, sizeof probe);
	struct rd r = rd_init(m->p, m->kept);
	indicator_mask fired = indicators_nbss(&probe, m->length, &r, !m->truncated);
	if (!fired || !smb_state(c))
		return false;
	c->smb->ind.fired |= fired;
	return true;
}

void smb_conn_message(struct conv *c, int dir, const struct nbss_msg *m, const struct frame_ctx *f,
		      const struct smb_events *ev)
{
	if (m->type == NBSS_NEGATIVE_RESPONSE)
		c->anomalies |= ANOM_BIT(ANOM_NBSS_NEGATIVE_RESPONSE);
	if (m->type != NBSS_SESSION_MESSAGE || m->length == 0)
		return;
	if (nbss_groom(c, m))
		return;
	if (m->truncated)
		c->anomalies |= ANOM_BIT(ANOM_TRUNCATED_MESSAGE);
	struct rd r = rd_init(m->p, m->kept);
	enum smb_proto proto = smb_sniff(&r);
	if (proto == SMB_PROTO_SHORT) {
		if (!m->truncated)
			c->anomalies |= ANOM_BIT(ANOM_NOT_SMB);
		return;
	}
	struct smb_ctx x;
	memset(&x, 0, sizeof x);
	x.c = c;
	x.dir = dir;
	x.f = f;
	x.truncated = m->truncated;
	x.ev = ev;
	smb_by_protocol(&x, proto, &r, m);
}

size_t smb_conn_keep_limit(const struct rd *prefix)
{
	struct rd r = *prefix;
	enum smb_proto proto;
	uint16_t command;
	bool alone = false; /* an SMB2 message not compounded (MS-SMB2 3.2.4.1.4) */
	if (rd_left(&r) < NBSS_KEEP_DECIDE)
		return NBSS_KEEP_LARGE; /* not known yet: decided when more arrives */
	switch (proto = smb_sniff(&r)) {
	case SMB_PROTO_SMB1: /* MS-CIFS 2.2.3.1: Command at offset 4 */
		rd_skip(&r, 4);
		command = rd_u8(&r);
		break;
	case SMB_PROTO_SMB2: /* MS-SMB2 2.2.1: Command at 12, NextCommand at 20 */
		rd_skip(&r, 12);
		command = rd_le16(&r);
		rd_skip(&r, 6);
		alone = rd_le32(&r) == 0;
		break;
	default:
		return NBSS_KEEP_MAX;
	}
	const struct smb_cmd *cmd = find_command(proto, command);
	if (cmd && (cmd->flags & SMB_CMD_READ_WHOLE))
		return NBSS_KEEP_LARGE;
	/* no handler reads its body (READ, WRITE, CREATE...): its header is all
	 * that is read (an SMB1 AndX chain is read past it) */
	if (!cmd && alone)
		return SMB2_HEADER_SIZE;
	return NBSS_KEEP_MAX;
}
