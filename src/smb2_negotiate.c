/* smb2_negotiate: SMB2/3 Negotiate request and response (MS-SMB2 2.2.3,
 * 2.2.4): dialects, SecurityMode, negotiate contexts; the response decides
 * the connection speaks SMB2. */
#include "smbneg/smb_cmd.h"

#include "smbneg/smb_const.h"

#include <string.h>

static bool dialect_offered(const struct smb2_negotiate_request *q, uint16_t d)
{
	for (unsigned i = 0; i < q->dialects_kept; i++)
		if (q->dialects[i] == d)
			return true;
	return q->dialect_count > q->dialects_kept; /* not all kept: cannot tell */
}

void smb2_negotiate_request(struct smb_ctx *x, const struct smb_msg *m)
{
	struct conv_smb *s = x->s;
	if (m->h2->flags & SMB2_FLAGS_SIGNED)
		x->c->anomalies |= ANOM_BIT(ANOM_SMB2_SIGNED_NEGOTIATE);
	struct smb2_negotiate_request q;
	if (smb2_parse_negotiate_request(&m->r, &q) != SMB_PARSE_OK) {
		x->c->anomalies |= ANOM_BIT(ANOM_TRUNCATED_MESSAGE);
		return;
	}
	if (s->smb2_req_seen &&
	    (q.security_mode != s->smb2_req.security_mode ||
	     q.dialect_count != s->smb2_req.dialect_count ||
	     memcmp(q.client_guid, s->smb2_req.client_guid, 16) != 0))
		x->c->anomalies |= ANOM_BIT(ANOM_NEGOTIATE_REPEATED);
	x->c->anomalies |= q.anomalies;
	s->smb2_req = q;
	s->smb2_req_seen = true;
	x->c->client = x->dir;
	struct smb_event e = {0};
	e.kind = SMB_EV_SMB2_NEGOTIATE_REQUEST;
	e.h2 = m->h2;
	e.smb2_req = &s->smb2_req;
	smb_emit(x, &e);
}

/* Anomalies of a successful response against the request and earlier responses. */
static void check_response(struct smb_ctx *x, struct smb2_negotiate_response *p)
{
	struct conv_smb *s = x->s;
	if (!(p->security_mode & SMB2_NEGOTIATE_SIGNING_ENABLED)) {
		if (p->security_mode & SMB2_NEGOTIATE_SIGNING_REQUIRED)
			p->anomalies |= ANOM_BIT(ANOM_SECMODE_REQUIRED_WITHOUT_ENABLED);
		else
			p->anomalies |= ANOM_BIT(ANOM_SMB2_SECMODE_ZERO);
	}
	if (s->smb2_req_seen && p->dialect != SMB2_DIALECT_WILDCARD &&
	    !dialect_offered(&s->smb2_req, p->dialect))
		p->anomalies |= ANOM_BIT(ANOM_SMB2_DIALECT_NOT_OFFERED);
	if (s->smb2_resp_seen && s->smb2_resp.dialect != SMB2_DIALECT_WILDCARD &&
	    (p->security_mode != s->smb2_resp.security_mode || p->dialect != s->smb2_resp.dialect))
		x->c->anomalies |= ANOM_BIT(ANOM_NEGOTIATE_REPEATED);
}

void smb2_negotiate_response(struct smb_ctx *x, const struct smb_msg *m)
{
	struct conv_smb *s = x->s;
	if (m->h2->flags & SMB2_FLAGS_SIGNED)
		x->c->anomalies |= ANOM_BIT(ANOM_SMB2_SIGNED_NEGOTIATE);
	struct smb2_negotiate_response p;
	if (smb2_parse_negotiate_response(&m->r, &p) != SMB_PARSE_OK) {
		x->c->anomalies |= ANOM_BIT(ANOM_TRUNCATED_MESSAGE);
		return;
	}
	if (m->h2->status == NT_STATUS_SUCCESS) {
		check_response(x, &p);
		s->version = 2;
	}
	x->c->anomalies |= p.anomalies;
	s->smb2_resp = p;
	s->smb2_resp_seen = true;
	s->smb2_resp_status = m->h2->status;
	if (x->c->client < 0)
		x->c->client = 1 - x->dir;
	struct smb_event e = {0};
	e.kind = SMB_EV_SMB2_NEGOTIATE_RESPONSE;
	e.h2 = m->h2;
	e.smb2_resp = &s->smb2_resp;
	smb_emit(x, &e);
}
