/* smb2: SMB2/3 header, Negotiate, Session Setup and IOCTL (MS-SMB2 2.2). */
#include "smbneg/smb2.h"

#include "smbneg/smb_const.h"

#include <string.h>

bool smb2_is_smb2(const uint8_t *p, size_t n)
{
	struct rd r = rd_init(p, n);
	return smb_sniff(&r) == SMB_PROTO_SMB2;
}

enum smb_parse smb2_parse_header(struct rd *r, struct smb2_header *h)
{
	enum smb_proto proto = smb_sniff(r);
	if (proto != SMB_PROTO_SMB2)
		return proto == SMB_PROTO_SHORT ? SMB_PARSE_TRUNCATED : SMB_PARSE_MALFORMED;
	rd_skip(r, 4);
	h->structure_size = rd_le16(r);
	rd_skip(r, 2); /* CreditCharge */
	h->status = rd_le32(r);
	h->command = rd_le16(r);
	rd_skip(r, 2); /* CreditRequest/CreditResponse */
	h->flags = rd_le32(r);
	h->next_command = rd_le32(r);
	h->message_id = rd_le64(r);
	if (h->flags & SMB2_FLAGS_ASYNC_COMMAND) {
		h->async_id = rd_le64(r);
		h->tree_id = 0;
	} else {
		rd_skip(r, 4); /* Reserved */
		h->tree_id = rd_le32(r);
		h->async_id = 0;
	}
	h->session_id = rd_le64(r);
	rd_bytes(r, h->signature, sizeof h->signature);
	return rd_ok(r) ? SMB_PARSE_OK : SMB_PARSE_TRUNCATED;
}

bool smb2_is_signed(const struct smb2_header *h)
{
	static const uint8_t zero[16];
	return (h->flags & SMB2_FLAGS_SIGNED) && memcmp(h->signature, zero, sizeof zero) != 0;
}

/* Reader over the body: the message after its 64-byte header. */
static struct rd body_of(const struct rd *msg)
{
	struct rd b = *msg;
	b.err = false;
	rd_seek(&b, SMB2_HEADER_SIZE);
	return b;
}

/* Read count u16 ids, keeping up to max. */
static void read_ids(struct rd *r, uint16_t count, uint16_t *ids, uint16_t max, uint16_t *kept)
{
	*kept = 0;
	for (uint32_t i = 0; i < count && rd_left(r) >= 2; i++) {
		uint16_t v = rd_le16(r);
		if (*kept < max)
			ids[(*kept)++] = v;
	}
}

/* MS-SMB2 2.2.3.1.x: the data of one context. */
static void parse_context_data(struct rd *d, struct smb2_context *c, anomaly_mask *anom)
{
	size_t need = 0; /* bytes the inner counts call for */
	switch (c->type) {
	case SMB2_PREAUTH_INTEGRITY_CAPABILITIES:
		c->id_count = rd_le16(d);
		c->salt_length = rd_le16(d);
		need = 4 + (size_t)c->id_count * 2 + c->salt_length;
		read_ids(d, c->id_count, c->ids, SMB2_MAX_CONTEXT_IDS, &c->ids_kept);
		break;
	case SMB2_ENCRYPTION_CAPABILITIES:
	case SMB2_SIGNING_CAPABILITIES:
		c->id_count = rd_le16(d);
		need = 2 + (size_t)c->id_count * 2;
		read_ids(d, c->id_count, c->ids, SMB2_MAX_CONTEXT_IDS, &c->ids_kept);
		break;
	case SMB2_COMPRESSION_CAPABILITIES:
		c->id_count = rd_le16(d);
		rd_skip(d, 2); /* Padding */
		c->flags = rd_le32(d);
		need = 8 + (size_t)c->id_count * 2;
		read_ids(d, c->id_count, c->ids, SMB2_MAX_CONTEXT_IDS, &c->ids_kept);
		break;
	case SMB2_RDMA_TRANSFORM_CAPABILITIES:
		c->id_count = rd_le16(d);
		rd_skip(d, 6); /* Reserved1, Reserved2 */
		need = 8 + (size_t)c->id_count * 2;
		read_ids(d, c->id_count, c->ids, SMB2_MAX_CONTEXT_IDS, &c->ids_kept);
		break;
	case SMB2_NETNAME_NEGOTIATE_CONTEXT_ID:
		rd_utf16le(d, rd_left(d), c->netname, sizeof c->netname);
		break;
	case SMB2_TRANSPORT_CAPABILITIES:
		c->flags = rd_le32(d);
		need = 4;
		break;
	default:
		break;
	}
	if (!rd_ok(d) || need > c->length || c->length == 0 ||
	    ((c->type == SMB2_ENCRYPTION_CAPABILITIES || c->type == SMB2_SIGNING_CAPABILITIES ||
	      c->type == SMB2_PREAUTH_INTEGRITY_CAPABILITIES) && c->id_count == 0))
		*anom |= ANOM_BIT(ANOM_SMB2_CONTEXT_DATA);
}

/* MS-SMB2 2.2.3.1: count contexts from offset (from the header), each 8-byte aligned. */
static void parse_contexts(const struct rd *msg, uint32_t offset, uint16_t count, size_t min_offset,
			   struct smb2_contexts *out, anomaly_mask *anom)
{
	out->count = count;
	out->kept = 0;
	if (count == 0)
		return;
	/* min_offset: the end of the fixed part and of what the message says
	 * comes first (dialects, security buffer); contexts must not overlap it. */
	struct rd w = *msg;
	w.err = false;
	if (offset < SMB2_HEADER_SIZE || offset < min_offset || !rd_seek(&w, offset)) {
		*anom |= ANOM_BIT(ANOM_SMB2_CONTEXT_OFFSET);
		return;
	}
	uint32_t seen_types = 0; /* bits for types 1..31 */
	for (uint32_t i = 0; i < count; i++) {
		if (i > 0)
			rd_align(&w, 8); /* MS-SMB2 2.2.3.1: each context 8-byte aligned */
		struct rd h = rd_sub(&w, 8);
		if (!rd_ok(&h)) {
			*anom |=
			    ANOM_BIT(i == 0 ? ANOM_SMB2_CONTEXT_OFFSET : ANOM_SMB2_CONTEXT_LENGTH);
			return;
		}
		struct smb2_context c;
		memset(&c, 0, sizeof c);
		c.type = rd_le16(&h);
		c.length = rd_le16(&h);
		struct rd d = rd_sub(&w, c.length);
		if (!rd_ok(&d)) {
			*anom |= ANOM_BIT(ANOM_SMB2_CONTEXT_LENGTH);
			return;
		}
		parse_context_data(&d, &c, anom);
		if (c.type < 32) {
			if (seen_types & (UINT32_C(1) << c.type))
				*anom |= ANOM_BIT(ANOM_SMB2_CONTEXT_DUPLICATE);
			seen_types |= UINT32_C(1) << c.type;
		}
		if (out->kept < SMB2_MAX_CONTEXTS)
			out->c[out->kept++] = c;
		else
			*anom |= ANOM_BIT(ANOM_SMB2_TOO_MANY_CONTEXTS);
	}
}

enum smb_parse smb2_parse_negotiate_request(const struct rd *msg, struct smb2_negotiate_request *q)
{
	memset(q, 0, sizeof *q);
	struct rd b = body_of(msg);
	uint16_t size = rd_le16(&b);
	q->dialect_count = rd_le16(&b);
	q->security_mode = rd_le16(&b);
	rd_skip(&b, 2); /* Reserved */
	q->capabilities = rd_le32(&b);
	rd_bytes(&b, q->client_guid, 16);
	q->context_offset = rd_le32(&b); /* or ClientStartTime before 3.1.1 */
	uint16_t ctx_count = rd_le16(&b);
	rd_skip(&b, 2);
	if (!rd_ok(&b))
		return SMB_PARSE_TRUNCATED;
	if (size != 36)
		q->anomalies |= ANOM_BIT(ANOM_SMB2_STRUCTURE_SIZE);
	if (q->dialect_count == 0 || (size_t)q->dialect_count * 2 > rd_left(&b))
		q->anomalies |= ANOM_BIT(ANOM_SMB2_DIALECT_COUNT);
	read_ids(&b, q->dialect_count, q->dialects, SMB2_MAX_DIALECTS, &q->dialects_kept);
	bool offers_311 = false;
	for (unsigned i = 0; i < q->dialects_kept; i++)
		offers_311 |= q->dialects[i] == SMB2_DIALECT_0311;
	/* The context fields mean something only when 3.1.1 is offered. */
	if (offers_311)
		parse_contexts(msg, q->context_offset, ctx_count,
			       SMB2_HEADER_SIZE + 36 + (size_t)q->dialect_count * 2, &q->contexts,
			       &q->anomalies);
	else
		q->context_offset = 0;
	return SMB_PARSE_OK;
}

enum smb_parse smb2_parse_negotiate_response(const struct rd *msg,
					     struct smb2_negotiate_response *s)
{
	memset(s, 0, sizeof *s);
	struct rd b = body_of(msg);
	uint16_t size = rd_le16(&b);
	if (rd_ok(&b) && size == 9) /* an error response (MS-SMB2 2.2.2) */
		return SMB_PARSE_OK;
	s->security_mode = rd_le16(&b);
	s->dialect = rd_le16(&b);
	uint16_t ctx_count = rd_le16(&b);
	rd_bytes(&b, s->server_guid, 16);
	s->capabilities = rd_le32(&b);
	s->max_transact_size = rd_le32(&b);
	s->max_read_size = rd_le32(&b);
	s->max_write_size = rd_le32(&b);
	s->system_time = rd_le64(&b);
	s->server_start_time = rd_le64(&b);
	s->security_buffer_offset = rd_le16(&b);
	s->security_buffer_length = rd_le16(&b);
	s->context_offset = rd_le32(&b);
	if (!rd_ok(&b))
		return SMB_PARSE_TRUNCATED;
	if (size != 65)
		s->anomalies |= ANOM_BIT(ANOM_SMB2_STRUCTURE_SIZE);
	if (s->security_buffer_length &&
	    (s->security_buffer_offset < SMB2_HEADER_SIZE + 64 ||
	     s->security_buffer_offset > msg->len ||
	     s->security_buffer_length > msg->len - s->security_buffer_offset))
		s->anomalies |= ANOM_BIT(ANOM_SMB2_SECBUF_RANGE);
	size_t secbuf_end = s->security_buffer_length
				    ? (size_t)s->security_buffer_offset + s->security_buffer_length
				    : 0;
	size_t fixed_end = SMB2_HEADER_SIZE + 64;
	if (s->dialect == SMB2_DIALECT_0311)
		parse_contexts(msg, s->context_offset, ctx_count,
			       secbuf_end > fixed_end ? secbuf_end : fixed_end, &s->contexts,
			       &s->anomalies);
	else
		s->context_offset = 0;
	return SMB_PARSE_OK;
}

/* The security buffer at off (from the header) for len bytes: a reader over
 * it when it lies after the fixed part (fixed_end) and within what was kept,
 * else an empty one with *ok false. An empty buffer is in range. */
static struct rd secbuf(const struct rd *msg, size_t fixed_end, uint16_t off, uint16_t len,
			bool *ok)
{
	struct rd r = rd_at(msg, off, len);
	*ok = len == 0 || (off >= fixed_end && rd_ok(&r));
	if (!*ok || len == 0)
		r = rd_init(NULL, 0);
	return r;
}

enum smb_parse smb2_parse_session_setup_request(const struct rd *msg,
						struct smb2_session_setup_request *q)
{
	memset(q, 0, sizeof *q);
	struct rd b = body_of(msg);
	rd_skip(&b, 2); /* StructureSize 25 */
	q->flags = rd_u8(&b);
	q->security_mode = rd_u8(&b);
	q->capabilities = rd_le32(&b);
	rd_skip(&b, 4); /* Channel */
	q->security_buffer_offset = rd_le16(&b);
	q->security_buffer_length = rd_le16(&b);
	q->previous_session_id = rd_le64(&b);
	if (!rd_ok(&b))
		return SMB_PARSE_TRUNCATED;
	q->security_buffer = secbuf(msg, SMB2_HEADER_SIZE + 24, q->security_buffer_offset,
				    q->security_buffer_length, &q->security_buffer_ok);
	return SMB_PARSE_OK;
}

enum smb_parse smb2_parse_session_setup_response(const struct rd *msg,
						 struct smb2_session_setup_response *s)
{
	memset(s, 0, sizeof *s);
	struct rd b = body_of(msg);
	uint16_t size = rd_le16(&b);
	if (size != 9) /* not a Session Setup response body */
		return rd_ok(&b) ? SMB_PARSE_OK : SMB_PARSE_TRUNCATED;
	s->session_flags = rd_le16(&b);
	if (!rd_ok(&b))
		return SMB_PARSE_TRUNCATED;
	s->security_buffer_offset = rd_le16(&b);
	s->security_buffer_length = rd_le16(&b);
	if (rd_ok(&b))
		s->security_buffer = secbuf(msg, SMB2_HEADER_SIZE + 8, s->security_buffer_offset,
					    s->security_buffer_length, &s->security_buffer_ok);
	return SMB_PARSE_OK;
}

enum smb_parse smb2_parse_ioctl(const struct rd *msg, bool request,
				struct smb2_validate_negotiate *v)
{
	memset(v, 0, sizeof *v);
	struct rd b = body_of(msg);
	uint16_t size = rd_le16(&b);
	if (rd_ok(&b) && size == 9) /* error response */
		return SMB_PARSE_OK;
	rd_skip(&b, 2);
	v->ctl_code = rd_le32(&b);
	rd_skip(&b, 16); /* FileId */
	uint32_t off, count;
	if (request) { /* MS-SMB2 2.2.31: InputOffset, InputCount */
		off = rd_le32(&b);
		count = rd_le32(&b);
	} else { /* MS-SMB2 2.2.32: InputOffset, InputCount, OutputOffset, OutputCount */
		rd_skip(&b, 8);
		off = rd_le32(&b);
		count = rd_le32(&b);
	}
	if (!rd_ok(&b))
		return SMB_PARSE_TRUNCATED;
	if (v->ctl_code != SMB2_FSCTL_VALIDATE_NEGOTIATE_INFO)
		return SMB_PARSE_OK;
	struct rd d = rd_at(msg, off, count);
	v->capabilities = rd_le32(&d);
	rd_bytes(&d, v->guid, 16);
	v->security_mode = rd_le16(&d);
	if (request) {
		v->dialect_count = rd_le16(&d);
		read_ids(&d, v->dialect_count, v->dialects, SMB2_MAX_DIALECTS, &v->dialects_kept);
	} else {
		v->dialect = rd_le16(&d);
	}
	v->is_validate = rd_ok(&d);
	return SMB_PARSE_OK;
}
