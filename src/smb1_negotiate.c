/* smb1_negotiate: SMB1 Negotiate request and response (MS-CIFS 2.2.4.52,
 * MS-SMB 2.2.4.5): the dialects offered, the one chosen, SecurityMode. */
#include "smbneg/smb_cmd.h"

#include "smbneg/smb_const.h"

#include <string.h>

void smb1_negotiate_request(struct smb_ctx *x, const struct smb_msg *m)
{
	struct conv_smb *s = x->s;
	struct rd r = m->r;
	struct smb1_negotiate_request q;
	if (smb1_parse_negotiate_request(&r, &q) != SMB_PARSE_OK) {
		x->c->anomalies |= ANOM_BIT(ANOM_TRUNCATED_MESSAGE);
		return;
	}
	if (s->smb1_req_seen &&
	    (q.dialect_count != s->smb1_req.dialect_count || m->h1->flags2 != s->smb1_req_flags2))
		x->c->anomalies |= ANOM_BIT(ANOM_NEGOTIATE_REPEATED);
	x->c->anomalies |= q.anomalies;
	s->smb1_req = q;
	s->smb1_req_seen = true;
	s->smb1_req_flags2 = m->h1->flags2;
	x->c->client = x->dir;
	struct smb_event e = {0};
	e.kind = SMB_EV_SMB1_NEGOTIATE_REQUEST;
	e.h1 = m->h1;
	e.smb1_req = &s->smb1_req;
	smb_emit(x, &e);
}

/* The dialect the response chose, by its index into the request's list. */
static void chosen_dialect(struct smb_ctx *x, const struct smb1_negotiate_response *p)
{
	struct conv_smb *s = x->s;
	s->smb1_dialect[0] = '\0';
	if (p->word_count < 1 || p->dialect_index == 0xFFFF)
		return;
	if (s->smb1_req_seen && p->dialect_index < s->smb1_req.dialects_kept)
		memcpy(s->smb1_dialect, s->smb1_req.dialects[p->dialect_index],
		       sizeof s->smb1_dialect);
	else if (s->smb1_req_seen && p->dialect_index >= s->smb1_req.dialect_count)
		x->c->anomalies |= ANOM_BIT(ANOM_SMB1_DIALECT_INDEX);
	else if (!s->smb1_req_seen && p->word_count == 17)
		memcpy(s->smb1_dialect, "NT LM 0.12", sizeof "NT LM 0.12");
	s->version = 1;
}

void smb1_negotiate_response(struct smb_ctx *x, const struct smb_msg *m)
{
	struct conv_smb *s = x->s;
	struct rd r = m->r;
	struct smb1_negotiate_response p;
	if (smb1_parse_negotiate_response(&r, m->h1->flags2, &p) != SMB_PARSE_OK) {
		x->c->anomalies |= ANOM_BIT(ANOM_TRUNCATED_MESSAGE);
		return;
	}
	if (s->smb1_resp_seen && (p.security_mode != s->smb1_resp.security_mode ||
				  p.dialect_index != s->smb1_resp.dialect_index))
		x->c->anomalies |= ANOM_BIT(ANOM_NEGOTIATE_REPEATED);
	if (p.has_security_mode && p.word_count == 17 &&
	    (p.security_mode & SMB1_SECMODE_SIGNATURES_REQUIRED) &&
	    !(p.security_mode & SMB1_SECMODE_SIGNATURES_ENABLED))
		p.anomalies |= ANOM_BIT(ANOM_SECMODE_REQUIRED_WITHOUT_ENABLED);
	x->c->anomalies |= p.anomalies;
	s->smb1_resp = p;
	s->smb1_resp_seen = true;
	s->smb1_resp_status = x->status;
	chosen_dialect(x, &p);
	if (x->c->client < 0)
		x->c->client = 1 - x->dir;
	struct smb_event e = {0};
	e.kind = SMB_EV_SMB1_NEGOTIATE_RESPONSE;
	e.h1 = m->h1;
	e.smb1_resp = &s->smb1_resp;
	e.smb1_dialect = s->smb1_dialect[0] ? s->smb1_dialect : NULL;
	smb_emit(x, &e);
}
