/* Fuzz target: one SMB1 message (from its \xffSMB header) through both
 * Session Setup AndX body parsers, and their security blobs through
 * auth_parse_blob(). */
#include "fuzz.h"
#include "smbneg/auth.h"
#include "smbneg/smb1.h"
#include "smbneg/smb1_logon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd r = rd_init(data, size);
	struct smb1_header h;
	if (smb1_parse_header(&r, &h) != SMB_PARSE_OK)
		return 0;
	struct rd body = r, blob;
	struct auth_token t;
	struct smb1_logon_request q;
	if (smb1_logon_parse_request(&body, h.flags2, &q, &blob) == SMB_PARSE_OK)
		(void)auth_parse_blob(&blob, &t);
	body = r;
	struct smb1_logon_response s;
	if (smb1_logon_parse_response(&body, h.flags2, &s, &blob) == SMB_PARSE_OK)
		(void)auth_parse_blob(&blob, &t);
	return 0;
}
