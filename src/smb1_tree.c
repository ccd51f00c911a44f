/* smb1_tree: what the client saw of its first share access: Tree Connect
 * (MS-CIFS 2.2.4.55, 2.2.4.50) and the status of Trans2 requests
 * (MS-CIFS 2.2.4.46), which some clients send before connecting a tree. */
#include "smbneg/smb_cmd.h"

#include "smbneg/smb_const.h"

void smb1_tree_response(struct smb_ctx *x, const struct smb_msg *m)
{
	struct conv_smb *s = x->s;
	if (x->status == NT_STATUS_SUCCESS && m->h1->command != SMB1_CMD_TRANSACTION2)
		s->tree_connect_ok = true;
	else if (x->status != NT_STATUS_SUCCESS && !s->tree_connect_status)
		s->tree_connect_status = x->status;
}
