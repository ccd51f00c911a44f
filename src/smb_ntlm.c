/* smb_ntlm: the NTLMSSP messages of Session Setup, for the attack
 * indicators and the relay correlation (SPEC "Across conversations"). The
 * security blob (SMB2 SecurityBuffer, MS-SMB2 2.2.5/2.2.6; SMB1 extended
 * security SecurityBlob, MS-SMB 2.2.4.6) is decoded with auth_parse_blob();
 * a CHALLENGE raises ntlm-fixed-challenge here, and every CHALLENGE and
 * AUTHENTICATE is handed to the caller's ntlm callback (the relay
 * correlation in correlate.c). The session layer decodes the same blobs for
 * its session records; this hook only reads them. */
#include "smbneg/smb_ntlm.h"

#include "smbneg/auth.h"
#include "smbneg/smb_const.h"

#include <string.h>

/* SMB1 Session Setup AndX request, extended security (MS-SMB 2.2.4.6.1):
 * WordCount 12; words: AndXCommand(1) AndXReserved(1) AndXOffset(2)
 * MaxBufferSize(2) MaxMpxCount(2) VcNumber(2) SessionKey(4)
 * SecurityBlobLength(2) Reserved(4) Capabilities(4); ByteCount(2), blob. */
static bool smb1_request_blob(const struct rd *body, struct rd *blob)
{
	struct rd r = *body;
	if (rd_u8(&r) != 12)
		return false;
	struct rd w = rd_sub(&r, 24);
	rd_skip(&w, 14);
	uint16_t len = rd_le16(&w);
	rd_skip(&r, 2); /* ByteCount */
	*blob = rd_sub(&r, len);
	return rd_ok(&w) && rd_ok(&r);
}

/* The security blob of a Session Setup message, false when there is none. */
static bool session_blob(const struct smb_ctx *x, const struct smb_msg *m, struct rd *blob)
{
	if (m->h2) {
		if (x->reply) {
			struct smb2_session_setup_response p;
			bool ok = smb2_parse_session_setup_response(&m->r, &p) == SMB_PARSE_OK;
			*blob = p.security_buffer;
			return ok && p.security_buffer_ok;
		}
		struct smb2_session_setup_request q;
		bool ok = smb2_parse_session_setup_request(&m->r, &q) == SMB_PARSE_OK;
		*blob = q.security_buffer;
		return ok && q.security_buffer_ok;
	}
	if (!(m->h1->flags2 & SMB1_FLAGS2_EXTENDED_SECURITY))
		return false;
	if (!x->reply)
		return smb1_request_blob(&m->r, blob);
	struct smb1_session_setup_response sr;
	struct rd r = m->r;
	bool ok = smb1_parse_session_setup_response(&r, &sr) == SMB_PARSE_OK;
	*blob = sr.security_blob;
	return ok && sr.security_blob_ok;
}

void smb_ntlm_session_setup(struct smb_ctx *x, const struct smb_msg *m)
{
	struct rd blob;
	if (!session_blob(x, m, &blob) || rd_left(&blob) == 0)
		return;
	struct auth_token t;
	auth_parse_blob(&blob, &t); /* what was decoded before an error is kept */
	if (!t.has_ntlmssp)
		return;
	const struct ntlmssp_msg *n = &t.ntlm;
	if (n->type == 2 && x->reply)
		indicators_challenge(&x->s->ind, n->u.challenge.server_challenge);
	if ((n->type == 2 && x->reply) || (n->type == 3 && !x->reply))
		if (x->ev && x->ev->ntlm)
			x->ev->ntlm(x->ev->arg, x->c, x->f, n);
}
