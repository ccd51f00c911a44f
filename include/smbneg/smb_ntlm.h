/* smb_ntlm: the NTLMSSP CHALLENGE and AUTHENTICATE of Session Setup
 * messages, for the attack indicators and the relay correlation. */
#ifndef SMBNEG_SMB_NTLM_H
#define SMBNEG_SMB_NTLM_H

#include "smbneg/smb_cmd.h"

/* One Session Setup message (SMB1 or SMB2, request or response): a
 * CHALLENGE (response) raises ntlm-fixed-challenge in x->s->ind; a CHALLENGE
 * (response) or AUTHENTICATE (request) goes to x->ev->ntlm when set. */
void smb_ntlm_session_setup(struct smb_ctx *x, const struct smb_msg *m);
/* After an SMB1 Negotiate response without extended security (MS-CIFS
 * 2.2.4.52.2): its 8-byte Challenge, as a CHALLENGE would be. */
void smb_ntlm_smb1_negotiate(struct smb_ctx *x);

#endif
