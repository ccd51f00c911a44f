/* smb1_session: SMB1 Session Setup AndX (MS-CIFS 2.2.4.53, MS-SMB 2.2.4.6):
 * per-UID records of the exchange and the connection-level summary the
 * verdict reads (first request's Flags2, success, guest, last failure).
 * The request and response bodies (accounts, NTLM responses) are parsed
 * by smb1_logon.c. */
#include "smbneg/smb_cmd.h"

#include "smbneg/smb_const.h"

/* The security blob of an extended-security Session Setup (MS-SMB
 * 2.2.4.6.1/2.2.4.6.2) as a reader over exactly its bytes: SPNEGO (MS-SPNG)
 * wrapping NTLMSSP (MS-NLMP) or Kerberos. The decoders of src/auth/ plug
 * in here; today only the length is recorded. */
static void smb1_session_security_blob(struct smb_ctx *x, struct smb_session *sess, bool request,
				       struct rd blob)
{
	(void)x;
	(void)request;
	if (request)
		sess->req_blob_length = (uint16_t)rd_left(&blob);
	else
		sess->resp_blob_length = (uint16_t)rd_left(&blob);
}

void smb1_session_request(struct smb_ctx *x, const struct smb_msg *m)
{
	struct conv_smb *s = x->s;
	if (!s->sess_req_seen)
		s->sess_req_flags2 = m->h1->flags2;
	s->sess_req_seen = true;
	struct smb_session *sess = smb_session_get(s, m->h1->uid, x->f->frame);
	if (!sess)
		return;
	sess->rounds++;
	sess->request_seen = true;
	sess->req_flags2 = m->h1->flags2;
}

void smb1_session_response(struct smb_ctx *x, const struct smb_msg *m)
{
	struct conv_smb *s = x->s;
	struct rd r = m->r;
	struct smb1_session_setup_response sr;
	bool parsed = smb1_parse_session_setup_response(&r, &sr) == SMB_PARSE_OK;
	if (x->status == NT_STATUS_SUCCESS) {
		if (parsed)
			s->session_guest = (sr.action & SMB1_SESSION_ACTION_GUEST) != 0;
		s->session_ok = true;
	} else if (x->status != NT_STATUS_MORE_PROCESSING_REQUIRED) {
		s->session_fail_status = x->status;
	}
	struct smb_session *sess = smb_session_answered(s, m->h1->uid, x->f->frame);
	if (!sess)
		return;
	sess->response_seen = true;
	sess->status = x->status;
	sess->ok |= x->status == NT_STATUS_SUCCESS;
	if (parsed && x->status == NT_STATUS_SUCCESS)
		sess->guest = (sr.action & SMB1_SESSION_ACTION_GUEST) != 0;
	if (parsed && sr.security_blob_ok)
		smb1_session_security_blob(x, sess, false, sr.security_blob);
	struct smb_event e = {0};
	e.kind = SMB_EV_SESSION_SETUP;
	e.h1 = m->h1;
	e.session = sess;
	smb_emit(x, &e);
}
