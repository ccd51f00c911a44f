/* smb1_trans: the SMB1 transaction family, read for the attack indicators
 * (indicators.h): SMB_COM_TRANSACTION (MS-CIFS 2.2.4.33), TRANSACTION2
 * (2.2.4.46), TRANSACTION2_SECONDARY (2.2.4.47) and NT_TRANSACT (2.2.4.62).
 * MS17-010 probes, DoublePulsar and EternalBlue live in these messages; the
 * rules are in indicators.c, this file only hands them each message. A
 * Transaction2 response also carries the status the Tree Connect handler
 * reads (DFS referral after Tree Connect, KB 887429). */
#include "smbneg/smb_cmd.h"

/* The reader m->r is positioned after the SMB1 header over a buffer that
 * starts at it, as indicators_smb1() wants (offsets count from the header). */
void smb1_trans_message(struct smb_ctx *x, const struct smb_msg *m)
{
	indicators_smb1(&x->s->ind, m->h1, &m->r);
}

void smb1_trans2_response(struct smb_ctx *x, const struct smb_msg *m)
{
	smb1_trans_message(x, m);
	smb1_tree_response(x, m);
}
