/* smb1_session: SMB1 Session Setup AndX (MS-CIFS 2.2.4.53, MS-SMB 2.2.4.6):
 * per-UID exchange records and the connection-level summary the verdict
 * reads (first request's Flags2, success, guest, last failure). The bodies
 * are parsed by smb1_logon.c; extended-security blobs are decoded by
 * smb_session_blob(), the account of a logon without extended security
 * (WordCount 10/13, "lm-ntlm") is taken from the request itself. */
#include "smbneg/smb_cmd.h"
#include "smbneg/smb_ntlm.h"

#include "smbneg/smb1_logon.h"
#include "smbneg/smb_const.h"

#include <string.h>

static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* MS-CIFS 2.2.4.53.1: AccountName and PrimaryDomain in clear. */
static void logon_names(struct smb_session *sess, const struct smb1_logon_request *q)
{
	sess->mech = SMB_AUTH_LM_NTLM;
	sess->has_names = true;
	copy_str(sess->user, sizeof sess->user, q->account);
	copy_str(sess->domain, sizeof sess->domain, q->primary_domain);
	sess->workstation[0] = '\0';
	sess->anonymous |= q->anonymous || q->account[0] == '\0'; /* empty AccountName */
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
	struct rd r = m->r, blob;
	struct smb1_logon_request q;
	if (smb1_logon_parse_request(&r, m->h1->flags2, &q, &blob) == SMB_PARSE_MALFORMED)
		return;
	if (q.extended_security) {
		sess->req_blob_length = q.security_blob_length;
		smb_session_blob(x, sess, blob);
	} else if (q.word_count == 10 || q.word_count == 13) {
		logon_names(sess, &q);
		smb_ntlm_plain_logon(x, &q);
	}
}

/* MS-CIFS 3.2.4.2.4: the placeholder a message carries before signing is
 * active; a final Session Setup response still carrying it was not signed. */
static bool placeholder_signature(const struct smb1_header *h)
{
	static const uint8_t bsrspyl[8] = {'B', 'S', 'R', 'S', 'P', 'Y', 'L', ' '};
	return memcmp(h->signature, bsrspyl, sizeof bsrspyl) == 0;
}

void smb1_session_response(struct smb_ctx *x, const struct smb_msg *m)
{
	struct conv_smb *s = x->s;
	struct rd r = m->r, blob;
	struct smb1_logon_response sr;
	bool parsed =
	    smb1_logon_parse_response(&r, m->h1->flags2, &sr, &blob) != SMB_PARSE_MALFORMED &&
	    sr.word_count >= 3;
	if (x->status == NT_STATUS_SUCCESS) {
		if (parsed)
			s->session_guest = sr.guest;
		s->session_ok = true;
		s->smb1_bsrspyl |= placeholder_signature(m->h1);
	} else if (x->status != NT_STATUS_MORE_PROCESSING_REQUIRED) {
		s->session_fail_status = x->status;
	}
	struct smb_session *sess = smb_session_answered(s, m->h1->uid, x->f->frame);
	if (!sess)
		return;
	sess->response_seen = true;
	sess->status = x->status;
	sess->final = x->status != NT_STATUS_MORE_PROCESSING_REQUIRED;
	sess->ok |= x->status == NT_STATUS_SUCCESS;
	if (parsed && x->status == NT_STATUS_SUCCESS)
		sess->guest = sr.guest;
	if (parsed && sr.word_count == 4) {
		sess->resp_blob_length = sr.security_blob_length;
		smb_session_blob(x, sess, blob);
	}
	struct smb_event e = {0};
	e.kind = SMB_EV_SESSION_SETUP;
	e.h1 = m->h1;
	e.session = sess;
	smb_emit(x, &e);
}
