/* smb_ntlm: the NTLMSSP messages of Session Setup, for the attack
 * indicators and the relay correlation (README "JSON schema": relay). The
 * security blob (SMB2 SecurityBuffer, MS-SMB2 2.2.5/2.2.6; SMB1 extended
 * security SecurityBlob, MS-SMB 2.2.4.6) is decoded with auth_parse_blob();
 * a CHALLENGE raises ntlm-fixed-challenge here, and every CHALLENGE and
 * AUTHENTICATE is handed to the caller's ntlm callback (the relay
 * correlation in correlate.c). The session layer decodes the blobs for its
 * session records and hands each NTLMSSP message here. */
#include "smbneg/smb_ntlm.h"

#include "smbneg/smb1_logon.h"
#include "smbneg/smb_const.h"

#include <stdio.h>

#include <string.h>

static void report(struct smb_ctx *x, const struct ntlmssp_msg *n)
{
	if (x->ev && x->ev->ntlm)
		x->ev->ntlm(x->ev->arg, x->c, x->f, n);
}

/* SMB1 without extended security (MS-CIFS 2.2.4.53.1): the NTLMv2 response
 * is CaseSensitivePassword, the names AccountName and PrimaryDomain; reported
 * as an AUTHENTICATE. */
void smb_ntlm_plain_logon(struct smb_ctx *x, const struct smb1_logon_request *q)
{
	struct ntlmssp_msg n;
	memset(&n, 0, sizeof n);
	n.type = 3;
	n.u.auth.ntlmv2 = q->ntlmv2;
	memcpy(n.u.auth.nt_proof_str, q->nt_proof_str, sizeof n.u.auth.nt_proof_str);
	snprintf(n.u.auth.user, sizeof n.u.auth.user, "%s", q->account);
	snprintf(n.u.auth.domain, sizeof n.u.auth.domain, "%s", q->primary_domain);
	report(x, &n);
}

void smb_ntlm_smb1_negotiate(struct smb_ctx *x)
{
	const struct smb1_negotiate_response *p = &x->s->smb1_resp;
	if (!x->s->smb1_resp_seen || p->extended_security || p->challenge_length != 8)
		return;
	indicators_challenge(&x->s->ind, p->challenge);
	struct ntlmssp_msg n;
	memset(&n, 0, sizeof n);
	n.type = 2;
	memcpy(n.u.challenge.server_challenge, p->challenge, 8);
	report(x, &n);
}

void smb_ntlm_observe(struct smb_ctx *x, const struct ntlmssp_msg *n)
{
	if (n->type == 2 && x->reply)
		indicators_challenge(&x->s->ind, n->u.challenge.server_challenge);
	if ((n->type == 2 && x->reply) || (n->type == 3 && !x->reply))
		report(x, n);
}
