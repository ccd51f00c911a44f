/* smb_ntlm: the NTLMSSP CHALLENGE and AUTHENTICATE of Session Setup
 * messages, for the attack indicators and the relay correlation. */
#ifndef SMBNEG_SMB_NTLM_H
#define SMBNEG_SMB_NTLM_H

#include "smbneg/smb1_logon.h"
#include "smbneg/smb_cmd.h"

/* One NTLMSSP message of a Session Setup (SMB1 or SMB2, request or response),
 * as smb_session_blob() decoded it: a CHALLENGE (response) raises
 * ntlm-fixed-challenge in x->s->ind; a CHALLENGE (response) or AUTHENTICATE
 * (request) goes to x->ev->ntlm when set. */
void smb_ntlm_observe(struct smb_ctx *x, const struct ntlmssp_msg *n);
/* An SMB1 Session Setup request without extended security, as an AUTHENTICATE. */
void smb_ntlm_plain_logon(struct smb_ctx *x, const struct smb1_logon_request *q);
/* After an SMB1 Negotiate response without extended security (MS-CIFS
 * 2.2.4.52.2): its 8-byte Challenge, as a CHALLENGE would be. */
void smb_ntlm_smb1_negotiate(struct smb_ctx *x);

#endif
