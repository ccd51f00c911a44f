/* smb2_ioctl: FSCTL_VALIDATE_NEGOTIATE_INFO, the Secure Negotiate check
 * of SMB 3.0/3.0.2 (MS-SMB2 2.2.31.4, 2.2.32.6, 3.3.5.15.12). */
#include "smbneg/smb_cmd.h"

#include "smbneg/smb_const.h"

void smb2_ioctl_request(struct smb_ctx *x, const struct smb_msg *m)
{
	struct conv_smb *s = x->s;
	struct smb2_validate_negotiate v;
	if (smb2_parse_ioctl(&m->r, true, &v) != SMB_PARSE_OK || !v.is_validate)
		return;
	if (!s->vn_req_seen)
		s->vn_req = v;
	s->vn_req_seen = true;
	s->vn_pending_mid = m->h2->message_id;
	x->own_signing_rules = true;
}

void smb2_ioctl_response(struct smb_ctx *x, const struct smb_msg *m)
{
	struct conv_smb *s = x->s;
	struct smb2_validate_negotiate v;
	if (smb2_parse_ioctl(&m->r, false, &v) != SMB_PARSE_OK)
		return;
	if (!s->vn_req_seen || m->h2->message_id != s->vn_pending_mid)
		return;
	/* Matched by MessageId: an error response carries no CtlCode. The
	 * first response is the one judged. */
	if (!s->vn_resp_seen) {
		s->vn_resp = v;
		s->vn_resp_seen = true;
		s->vn_resp_signed = x->is_signed;
		s->vn_status = x->status;
	}
	x->own_signing_rules = true;
}
