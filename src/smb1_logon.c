/* smb1_logon: SMB1 Session Setup AndX bodies (see include/smbneg/smb1_logon.h).
 *
 * Request words (after WordCount): AndXCommand, AndXReserved, AndXOffset (4),
 * MaxBufferSize, MaxMpxCount, VcNumber (2 each), SessionKey (4), then
 *   WC 10 (LANMAN):  PasswordLength, Reserved (4)
 *   WC 12 (ext sec): SecurityBlobLength, Reserved (4), Capabilities (4)
 *   WC 13 (NT LM):   OEMPasswordLen, UnicodePasswordLen, Reserved (4), Capabilities (4)
 * Bytes: blob or passwords, Pad to 2 when Unicode, then NUL-terminated
 * AccountName, PrimaryDomain (not WC 12), NativeOS, NativeLanMan. */
#include "smbneg/smb1_logon.h"

#include "smbneg/wstr.h"

#include <string.h>

/* Position r at an even offset from the SMB1 header (MS-CIFS 2.2.3.1 Pad). */
static void align2(struct rd *r, size_t base)
{
	if ((base + r->pos) % 2 && rd_left(r) > 0)
		rd_skip(r, 1);
}

/* MS-NLMP 2.2.2.8 NTLMv2_RESPONSE: NTProofStr (16), then the client challenge
 * structure: RespType, HiRespType, Reserved1 (2), Reserved2 (4), TimeStamp (8),
 * ChallengeFromClient (8). An NTLM (v1) response is exactly 24 bytes. */
static void read_ntlmv2(struct rd nt, struct smb1_logon_request *q)
{
	if (rd_left(&nt) <= 24)
		return;
	rd_bytes(&nt, q->nt_proof_str, sizeof q->nt_proof_str);
	rd_skip(&nt, 16);
	rd_bytes(&nt, q->client_challenge, sizeof q->client_challenge);
	q->ntlmv2 = rd_ok(&nt);
}

static void read_words(struct rd *w, struct smb1_logon_request *q)
{
	rd_skip(w, 4); /* AndX */
	q->max_buffer_size = rd_le16(w);
	q->max_mpx_count = rd_le16(w);
	q->vc_number = rd_le16(w);
	q->session_key = rd_le32(w);
	if (q->word_count == 10) {
		q->oem_password_len = rd_le16(w);
		return;
	}
	if (q->word_count == 12) {
		q->security_blob_length = rd_le16(w);
	} else {
		q->oem_password_len = rd_le16(w);
		q->unicode_password_len = rd_le16(w);
	}
	rd_skip(w, 4); /* Reserved */
	q->capabilities = rd_le32(w);
}

/* WordCount (one of the `valid` counts, a NUL-terminated list; 0 = an error
 * response, accepted when `zero_ok`), the words, ByteCount and the data block;
 * *base is the data block's offset from r's first byte (the SMB1 header), for
 * the Unicode Pad. */
static enum smb_parse open_body(struct rd *r, const char *valid, bool zero_ok, uint8_t *wc,
				struct rd *words, struct rd *bytes, size_t *base)
{
	*wc = rd_u8(r);
	if (!rd_ok(r))
		return SMB_PARSE_TRUNCATED;
	if (*wc == 0)
		return zero_ok ? SMB_PARSE_OK : SMB_PARSE_MALFORMED;
	if (!strchr(valid, *wc))
		return SMB_PARSE_MALFORMED;
	*words = rd_sub(r, (size_t)*wc * 2);
	uint16_t bc = rd_le16(r);
	if (!rd_ok(r))
		return SMB_PARSE_TRUNCATED;
	*base = r->pos;
	*bytes = rd_sub(r, bc);
	return rd_ok(r) ? SMB_PARSE_OK : SMB_PARSE_TRUNCATED;
}

enum smb_parse smb1_logon_parse_request(struct rd *r, uint16_t flags2,
					struct smb1_logon_request *q, struct rd *blob)
{
	memset(q, 0, sizeof *q);
	*blob = rd_init(NULL, 0);
	struct rd words = rd_init(NULL, 0), b = words;
	size_t base = 0;
	enum smb_parse e = open_body(r, "\x0a\x0c\x0d", false, &q->word_count, &words, &b, &base);
	if (e != SMB_PARSE_OK)
		return e;
	q->extended_security = q->word_count == 12;
	q->unicode = (flags2 & SMB1_FLAGS2_UNICODE) && q->word_count != 10;
	read_words(&words, q);
	if (q->extended_security) {
		*blob = rd_sub(&b, q->security_blob_length);
		if (!rd_ok(blob))
			return SMB_PARSE_TRUNCATED;
	} else {
		if (!rd_skip(&b, q->oem_password_len))
			return SMB_PARSE_TRUNCATED;
		struct rd nt = rd_sub(&b, q->unicode_password_len);
		if (!rd_ok(&nt))
			return SMB_PARSE_TRUNCATED;
		read_ntlmv2(nt, q);
	}
	if (q->unicode)
		align2(&b, base);
	if (!q->extended_security) {
		wstr_read_z(&b, q->unicode, q->account, sizeof q->account, &q->cut);
		wstr_read_z(&b, q->unicode, q->primary_domain, sizeof q->primary_domain, &q->cut);
	}
	wstr_read_z(&b, q->unicode, q->native_os, sizeof q->native_os, &q->cut);
	wstr_read_z(&b, q->unicode, q->native_lanman, sizeof q->native_lanman, &q->cut);
	if (q->extended_security) /* MS-SMB 2.2.4.6.1: some clients add PrimaryDomain */
		wstr_read_z(&b, q->unicode, q->primary_domain, sizeof q->primary_domain, &q->cut);
	/* MS-CIFS 3.3.5.43: anonymous = empty account and no passwords
	 * (a single zero byte of OEM password counts as none). */
	q->anonymous = !q->extended_security && q->account[0] == '\0' &&
		       q->unicode_password_len == 0 && q->oem_password_len <= 1;
	return SMB_PARSE_OK;
}

enum smb_parse smb1_logon_parse_response(struct rd *r, uint16_t flags2,
					 struct smb1_logon_response *s, struct rd *blob)
{
	memset(s, 0, sizeof *s);
	*blob = rd_init(NULL, 0);
	struct rd words = rd_init(NULL, 0), b = words;
	size_t base = 0;
	enum smb_parse e = open_body(r, "\x03\x04", true, &s->word_count, &words, &b, &base);
	if (e != SMB_PARSE_OK || s->word_count == 0)
		return e;
	rd_skip(&words, 4); /* AndX */
	s->action = rd_le16(&words);
	s->guest = (s->action & SMB1_SESSION_ACTION_GUEST) != 0;
	bool unicode = (flags2 & SMB1_FLAGS2_UNICODE) != 0;
	if (s->word_count == 4) {
		s->security_blob_length = rd_le16(&words);
		*blob = rd_sub(&b, s->security_blob_length);
		if (!rd_ok(blob))
			return SMB_PARSE_TRUNCATED;
	}
	if (unicode)
		align2(&b, base);
	wstr_read_z(&b, unicode, s->native_os, sizeof s->native_os, &s->cut);
	wstr_read_z(&b, unicode, s->native_lanman, sizeof s->native_lanman, &s->cut);
	wstr_read_z(&b, unicode, s->primary_domain, sizeof s->primary_domain, &s->cut);
	return SMB_PARSE_OK;
}
