/* Fuzz target: one SMB2 message through every SMB2 parser (Negotiate with
 * contexts, Session Setup, IOCTL). */
#include "fuzz.h"
#include "smbneg/smb2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd msg = rd_init(data, size);
	struct rd r = msg;
	struct smb2_header h;
	if (smb2_parse_header(&r, &h) != SMB_PARSE_OK)
		return 0;
	(void)smb2_is_signed(&h);
	struct smb2_negotiate_request q;
	smb2_parse_negotiate_request(&msg, &q);
	struct smb2_negotiate_response p;
	smb2_parse_negotiate_response(&msg, &p);
	struct smb2_session_setup_request sq;
	smb2_parse_session_setup_request(&msg, &sq);
	struct smb2_session_setup_response sp;
	smb2_parse_session_setup_response(&msg, &sp);
	struct smb2_validate_negotiate v;
	smb2_parse_ioctl(&msg, true, &v);
	smb2_parse_ioctl(&msg, false, &v);
	return 0;
}
