/* smb2_tree: Tree Connect responses (MS-SMB2 2.2.10): the first share
 * access shows whether the session works. */
#include "smbneg/smb_cmd.h"

#include "smbneg/smb_const.h"

void smb2_tree_response(struct smb_ctx *x, const struct smb_msg *m)
{
	struct conv_smb *s = x->s;
	(void)m;
	if (x->status == NT_STATUS_SUCCESS)
		s->tree_connect_ok = true;
	else if (!s->tree_connect_status)
		s->tree_connect_status = x->status;
}
