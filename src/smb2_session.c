/* smb2_session: SMB2 Session Setup (MS-SMB2 2.2.5, 2.2.6): per-SessionId
 * exchange records (their security blobs decoded by smb_session_blob()),
 * and the connection-level summary the verdict reads (first request's
 * SecurityMode, success, guest/null sessions, the last failure). */
#include "smbneg/smb_cmd.h"

#include "smbneg/smb_const.h"

void smb2_session_request(struct smb_ctx *x, const struct smb_msg *m)
{
	struct conv_smb *s = x->s;
	struct smb2_session_setup_request q;
	bool parsed = smb2_parse_session_setup_request(&m->r, &q) == SMB_PARSE_OK;
	if (parsed && !s->smb2_sess_req_seen) {
		s->sess_req_security_mode = q.security_mode;
		s->smb2_sess_req_seen = true;
	}
	s->sess_req_seen = true;
	struct smb_session *sess = smb_session_get(s, m->h2->session_id, x->f->frame);
	if (!sess)
		return;
	sess->rounds++;
	sess->request_seen = true;
	if (!parsed)
		return;
	sess->req_security_mode = q.security_mode;
	sess->req_blob_offset = q.security_buffer_offset;
	sess->req_blob_length = q.security_buffer_length;
	if (q.security_buffer_ok)
		smb_session_blob(x, sess, q.security_buffer);
}

/* The connection-level summary, as before per-session records. */
static void summarise(struct conv_smb *s, uint32_t status,
		      const struct smb2_session_setup_response *p, bool parsed)
{
	if (status == NT_STATUS_SUCCESS) {
		if (parsed) {
			s->session_guest |= (p->session_flags & SMB2_SESSION_FLAG_IS_GUEST) != 0;
			s->session_null |= (p->session_flags & SMB2_SESSION_FLAG_IS_NULL) != 0;
		}
		s->session_ok = true;
	} else if (status != NT_STATUS_MORE_PROCESSING_REQUIRED) {
		s->session_fail_status = status;
	}
}

void smb2_session_response(struct smb_ctx *x, const struct smb_msg *m)
{
	struct conv_smb *s = x->s;
	struct smb2_session_setup_response p;
	bool parsed = smb2_parse_session_setup_response(&m->r, &p) == SMB_PARSE_OK;
	summarise(s, m->h2->status, &p, parsed);
	struct smb_session *sess = smb_session_answered(s, m->h2->session_id, x->f->frame);
	if (!sess)
		return;
	sess->response_seen = true;
	sess->status = m->h2->status;
	sess->final = m->h2->status != NT_STATUS_MORE_PROCESSING_REQUIRED;
	sess->ok |= m->h2->status == NT_STATUS_SUCCESS;
	if (parsed) {
		sess->session_flags = p.session_flags;
		sess->guest = (p.session_flags & SMB2_SESSION_FLAG_IS_GUEST) != 0;
		sess->null_session = (p.session_flags & SMB2_SESSION_FLAG_IS_NULL) != 0;
		sess->anonymous |= sess->null_session;
		sess->encrypt_data = (p.session_flags & SMB2_SESSION_FLAG_ENCRYPT_DATA) != 0;
		sess->resp_blob_offset = p.security_buffer_offset;
		sess->resp_blob_length = p.security_buffer_length;
		if (p.security_buffer_ok)
			smb_session_blob(x, sess, p.security_buffer);
	}
	struct smb_event e = {0};
	e.kind = SMB_EV_SESSION_SETUP;
	e.h2 = m->h2;
	e.session = sess;
	smb_emit(x, &e);
}
