/* smb1_logon: SMB1 Session Setup AndX bodies (MS-CIFS 2.2.4.53, MS-SMB
 * 2.2.4.6). Plain data; the extended-security blob is handed back as a reader
 * for auth_parse_blob(). */
#ifndef SMBNEG_SMB1_LOGON_H
#define SMBNEG_SMB1_LOGON_H

#include "smbneg/rd.h"
#include "smbneg/smb1.h" /* enum smb_parse */
#include "smbneg/smb_const.h" /* SMB1_FLAGS2_UNICODE, SMB1_SESSION_ACTION_GUEST */

#include <stdbool.h>
#include <stdint.h>

#define SMB1_LOGON_STR_MAX 128

/* MS-CIFS 2.2.4.53.1 (WordCount 10 LANMAN, 13 NT LM), MS-SMB 2.2.4.6.1 (12). */
struct smb1_logon_request {
	uint8_t word_count;
	bool extended_security;           /* WordCount 12: a security blob */
	bool unicode;                     /* strings in UTF-16LE (Flags2) */
	uint16_t max_buffer_size, max_mpx_count, vc_number;
	uint32_t session_key, capabilities;
	uint16_t security_blob_length;    /* WordCount 12 */
	uint16_t oem_password_len;        /* WordCount 10/13 (10: PasswordLength) */
	uint16_t unicode_password_len;    /* WordCount 13 */
	char account[SMB1_LOGON_STR_MAX];
	char primary_domain[SMB1_LOGON_STR_MAX];
	char native_os[SMB1_LOGON_STR_MAX];
	char native_lanman[SMB1_LOGON_STR_MAX];
	bool ntlmv2;                      /* CaseSensitivePassword longer than 24 bytes */
	uint8_t nt_proof_str[16];         /* NTLMv2 (MS-NLMP 2.2.2.8): its first 16 bytes */
	uint8_t client_challenge[8];      /* NTLMv2_CLIENT_CHALLENGE ChallengeFromClient */
	bool anonymous;                   /* no extended security, empty account and passwords */
	bool cut;                         /* a string was cut to fit */
};

/* MS-CIFS 2.2.4.53.2 (WordCount 3), MS-SMB 2.2.4.6.2 (WordCount 4). */
struct smb1_logon_response {
	uint8_t word_count;               /* 0 on an error response */
	uint16_t action;
	bool guest;                       /* Action bit 0 */
	uint16_t security_blob_length;    /* WordCount 4 */
	char native_os[SMB1_LOGON_STR_MAX];
	char native_lanman[SMB1_LOGON_STR_MAX];
	char primary_domain[SMB1_LOGON_STR_MAX];
	bool cut;
};

/* r: the message reader after smb1_parse_header() (Unicode padding is
 * counted from the start of the SMB1 header; a reader starting right after
 * the 32-byte header gives the same parity). flags2 from the header. *blob is
 * set to the security blob (a view of r's memory) or an empty reader.
 * Returns SMB_PARSE_OK, SMB_PARSE_TRUNCATED (words, ByteCount or the blob run
 * past the end) or SMB_PARSE_MALFORMED (a WordCount this body never has). */
enum smb_parse smb1_logon_parse_request(struct rd *r, uint16_t flags2,
					struct smb1_logon_request *q, struct rd *blob);
enum smb_parse smb1_logon_parse_response(struct rd *r, uint16_t flags2,
					 struct smb1_logon_response *s, struct rd *blob);

#endif
