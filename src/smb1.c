/* smb1: SMB1 header, Negotiate and Session Setup AndX (MS-CIFS 2.2). */
#include "smbneg/smb1.h"

#include "smbneg/smb_const.h"

#include <string.h>

bool smb1_is_smb1(const uint8_t *p, size_t n)
{
	struct rd r = rd_init(p, n);
	return smb_sniff(&r) == SMB_PROTO_SMB1;
}

enum smb_parse smb1_parse_header(struct rd *r, struct smb1_header *h)
{
	enum smb_proto proto = smb_sniff(r);
	if (proto != SMB_PROTO_SMB1)
		return proto == SMB_PROTO_SHORT ? SMB_PARSE_TRUNCATED : SMB_PARSE_MALFORMED;
	rd_skip(r, 4);
	h->command = rd_u8(r);
	h->status = rd_le32(r);
	h->flags = rd_u8(r);
	h->flags2 = rd_le16(r);
	rd_skip(r, 2); /* PIDHigh */
	rd_bytes(r, h->signature, sizeof h->signature);
	rd_skip(r, 2); /* Reserved */
	h->tid = rd_le16(r);
	h->pid_low = rd_le16(r);
	h->uid = rd_le16(r);
	h->mid = rd_le16(r);
	return rd_ok(r) ? SMB_PARSE_OK : SMB_PARSE_TRUNCATED;
}

bool smb1_is_signed(const struct smb1_header *h)
{
	static const uint8_t zero[8];
	/* MS-CIFS 3.2.4.2.4: the first Session Setup carries this placeholder. */
	static const uint8_t placeholder[8] = {'B', 'S', 'R', 'S', 'P', 'Y', 'L', ' '};
	return memcmp(h->signature, zero, sizeof zero) != 0 &&
	       memcmp(h->signature, placeholder, sizeof placeholder) != 0;
}

/* The Bytes of a message: ByteCount, clipped (with an anomaly) to what is there. */
static struct rd smb1_bytes(struct rd *r, anomaly_mask *anomalies)
{
	uint16_t bc = rd_le16(r);
	if (!rd_ok(r))
		return rd_sub(r, 1); /* empty, with err set */
	if (bc > rd_left(r)) {
		*anomalies |= ANOM_BIT(ANOM_SMB1_BYTECOUNT);
		bc = (uint16_t)rd_left(r);
	}
	return rd_sub(r, bc);
}

enum smb_parse smb1_parse_negotiate_request(struct rd *r, struct smb1_negotiate_request *q)
{
	memset(q, 0, sizeof *q);
	uint8_t wc = rd_u8(r);
	rd_skip(r, (size_t)wc * 2);
	struct rd b = smb1_bytes(r, &q->anomalies);
	if (!rd_ok(r))
		return SMB_PARSE_TRUNCATED;
	/* MS-CIFS 2.2.4.52.1: each dialect is 0x02 then an OEM string, NUL-terminated. */
	while (rd_left(&b) > 0) {
		if (rd_u8(&b) != 0x02)
			q->anomalies |= ANOM_BIT(ANOM_SMB1_DIALECT_FORMAT);
		bool terminated;
		size_t len = rd_strlen(&b, false, &terminated);
		if (!terminated)
			q->anomalies |= ANOM_BIT(ANOM_SMB1_DIALECT_UNTERMINATED);
		if (q->dialects_kept < SMB1_MAX_DIALECTS) {
			size_t keep = len < SMB1_DIALECT_NAME_MAX ? len : SMB1_DIALECT_NAME_MAX;
			struct rd name = b; /* the string stays to be skipped below */
			rd_bytes(&name, q->dialects[q->dialects_kept], keep);
			q->dialects[q->dialects_kept][keep] = '\0';
			q->dialects_kept++;
		} else {
			q->anomalies |= ANOM_BIT(ANOM_SMB1_TOO_MANY_DIALECTS);
		}
		q->dialect_count++;
		rd_skip(&b, len + (terminated ? 1 : 0));
	}
	return SMB_PARSE_OK;
}

/* MS-CIFS 2.2.4.52.2 Bytes: Challenge (EncryptionKeyLength bytes), then the
 * DomainName (then ServerName, not kept). r is positioned at ByteCount for
 * LANMAN (WordCount 13), or is the Bytes reader itself for NT LM. */
static enum smb_parse parse_challenge_domain(struct rd *r, bool wide,
					     struct smb1_negotiate_response *s)
{
	struct rd bytes;
	struct rd *b = r;
	if (s->word_count == 13) {
		/* LANMAN: OEM strings only (MS-CIFS 2.2.1.1). */
		bytes = smb1_bytes(r, &s->anomalies);
		if (!rd_ok(r))
			return SMB_PARSE_TRUNCATED;
		b = &bytes;
	}
	size_t clen = s->challenge_length;
	if (clen > rd_left(b)) {
		s->anomalies |= ANOM_BIT(ANOM_SMB1_BYTECOUNT);
		clen = rd_left(b);
	}
	rd_bytes(b, s->challenge, clen < sizeof s->challenge ? clen : sizeof s->challenge);
	if (clen > sizeof s->challenge)
		rd_skip(b, clen - sizeof s->challenge);
	bool terminated;
	size_t len = rd_strlen(b, wide, &terminated);
	if (wide) {
		rd_utf16le(b, len, s->domain_name, sizeof s->domain_name);
	} else {
		size_t keep = len < sizeof s->domain_name - 1 ? len : sizeof s->domain_name - 1;
		struct rd name = *b;
		rd_bytes(&name, s->domain_name, keep);
		s->domain_name[keep] = '\0';
	}
	return SMB_PARSE_OK;
}

/* MS-CIFS 2.2.4.52.2, WordCount 17 (NT LM 0.12). */
static enum smb_parse parse_nt_lm(struct rd *r, uint16_t flags2, struct smb1_negotiate_response *s)
{
	s->has_security_mode = true;
	s->security_mode = rd_u8(r);
	s->max_mpx_count = rd_le16(r);
	s->max_number_vcs = rd_le16(r);
	s->max_buffer_size = rd_le32(r);
	s->max_raw_size = rd_le32(r);
	s->session_key = rd_le32(r);
	s->capabilities = rd_le32(r);
	s->system_time = rd_le64(r);
	s->server_time_zone = (int16_t)rd_le16(r);
	s->challenge_length = rd_u8(r);
	struct rd b = smb1_bytes(r, &s->anomalies);
	if (!rd_ok(r))
		return SMB_PARSE_TRUNCATED;
	if (s->capabilities & SMB1_CAP_EXTENDED_SECURITY) {
		/* MS-SMB 2.2.4.5.2.1: ServerGUID then SecurityBlob */
		s->extended_security = true;
		rd_bytes(&b, s->server_guid, sizeof s->server_guid);
		if (!rd_ok(&b))
			s->anomalies |= ANOM_BIT(ANOM_SMB1_BYTECOUNT);
		else
			s->security_blob_length = (uint16_t)rd_left(&b);
		return SMB_PARSE_OK;
	}
	bool wide = (flags2 & SMB1_FLAGS2_UNICODE) || (s->capabilities & SMB1_CAP_UNICODE);
	return parse_challenge_domain(&b, wide, s);
}

enum smb_parse smb1_parse_negotiate_response(struct rd *r, uint16_t flags2,
					     struct smb1_negotiate_response *s)
{
	memset(s, 0, sizeof *s);
	s->word_count = rd_u8(r);
	if (!rd_ok(r))
		return SMB_PARSE_TRUNCATED;
	if (s->word_count == 0) /* an error response: Status says why */
		return SMB_PARSE_OK;
	s->dialect_index = rd_le16(r);
	if (!rd_ok(r))
		return SMB_PARSE_TRUNCATED;
	switch (s->word_count) {
	case 1: /* core protocol, or 0xFFFF: no dialect accepted */
		rd_le16(r); /* ByteCount (0) */
		return rd_ok(r) ? SMB_PARSE_OK : SMB_PARSE_TRUNCATED;
	case 13: /* LANMAN 2.1, MS-CIFS 2.2.4.52.2 (SecurityMode: bits 0 and 1 only) */
		s->has_security_mode = true;
		s->security_mode = rd_le16(r);
		s->max_buffer_size = rd_le16(r);
		s->max_mpx_count = rd_le16(r);
		s->max_number_vcs = rd_le16(r);
		rd_skip(r, 2); /* RawMode */
		s->session_key = rd_le32(r);
		rd_skip(r, 4); /* SrvTime, SrvDate */
		s->server_time_zone = (int16_t)rd_le16(r);
		s->challenge_length = (uint8_t)rd_le16(r);
		rd_skip(r, 2);
		if (!rd_ok(r))
			return SMB_PARSE_TRUNCATED;
		return parse_challenge_domain(r, false, s);
	case 17:
		return parse_nt_lm(r, flags2, s);
	default:
		s->anomalies |= ANOM_BIT(ANOM_SMB1_WORDCOUNT);
		return SMB_PARSE_OK;
	}
}
