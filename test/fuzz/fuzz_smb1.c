/* Fuzz target: one SMB1 message through every SMB1 parser. */
#include "fuzz.h"
#include "smbneg/smb1.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd r = rd_init(data, size);
	struct smb1_header h;
	if (smb1_parse_header(&r, &h) != SMB_PARSE_OK)
		return 0;
	(void)smb1_is_signed(&h);
	struct rd body = r;
	struct smb1_negotiate_request q;
	smb1_parse_negotiate_request(&body, &q);
	body = r;
	struct smb1_negotiate_response p;
	smb1_parse_negotiate_response(&body, h.flags2, &p);
	/* Session Setup bodies: fuzz_smb1_logon */
	return 0;
}
