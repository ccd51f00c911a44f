/* smb_conn: the SMB layer of one connection (see include/smbneg/smb_conn.h). */
#include "smbneg/smb_conn.h"

#include "smbneg/nbss.h"
#include "smbneg/smb_const.h"

size_t smb_conn_keep_limit(const struct rd *prefix)
{
	struct rd r = *prefix;
	if (rd_left(&r) < NBSS_KEEP_DECIDE)
		return NBSS_KEEP_LARGE; /* not known yet: decided when more arrives */
	switch (smb_sniff(&r)) {
	case SMB_PROTO_SMB1: { /* MS-CIFS 2.2.3.1: Command at offset 4 */
		rd_skip(&r, 4);
		uint8_t cmd = rd_u8(&r);
		if (cmd == SMB1_CMD_NEGOTIATE || cmd == SMB1_CMD_SESSION_SETUP_ANDX)
			return NBSS_KEEP_LARGE;
		break;
	}
	case SMB_PROTO_SMB2: { /* MS-SMB2 2.2.1: Command at offset 12 */
		rd_skip(&r, 12);
		uint16_t cmd = rd_le16(&r);
		if (cmd == SMB2_CMD_NEGOTIATE || cmd == SMB2_CMD_SESSION_SETUP)
			return NBSS_KEEP_LARGE;
		break;
	}
	default:
		break;
	}
	return NBSS_KEEP_MAX;
}
