/* smb2: SMB2/3 (MS-SMB2) header and the messages that decide signing. */
#ifndef SMBNEG_SMB2_H
#define SMBNEG_SMB2_H

#include "smbneg/anomaly.h"
#include "smbneg/rd.h"
#include "smbneg/smb1.h" /* enum smb_parse */

#include <stdbool.h>
#include <stdint.h>

#define SMB2_MAX_DIALECTS 32     /* dialects kept; more are counted */
#define SMB2_MAX_CONTEXTS 8      /* negotiate contexts kept; more are counted */
#define SMB2_MAX_CONTEXT_IDS 8   /* algorithm ids kept per context */

/* MS-SMB2 2.2.1 */
struct smb2_header {
	uint16_t structure_size;
	uint32_t status;
	uint16_t command;
	uint32_t flags;
	uint32_t next_command;
	uint64_t message_id;
	uint64_t async_id;  /* SMB2_FLAGS_ASYNC_COMMAND */
	uint32_t tree_id;   /* otherwise */
	uint64_t session_id;
	uint8_t signature[16];
};

/* MS-SMB2 2.2.3.1: one negotiate context, decoded by type. */
struct smb2_context {
	uint16_t type;
	uint16_t length;     /* DataLength */
	uint16_t id_count;   /* HashAlgorithmCount, CipherCount, ... as sent */
	uint16_t ids_kept;
	uint16_t ids[SMB2_MAX_CONTEXT_IDS];
	uint16_t salt_length; /* PREAUTH_INTEGRITY */
	uint32_t flags;       /* COMPRESSION, TRANSPORT */
	char netname[64];     /* NETNAME, UTF-8 (cut) */
};

struct smb2_contexts {
	uint16_t count;  /* NegotiateContextCount as sent */
	uint16_t kept;
	struct smb2_context c[SMB2_MAX_CONTEXTS];
};

/* MS-SMB2 2.2.3 */
struct smb2_negotiate_request {
	uint16_t dialect_count;
	uint16_t dialects_kept;
	uint16_t dialects[SMB2_MAX_DIALECTS];
	uint16_t security_mode;
	uint32_t capabilities;
	uint8_t client_guid[16];
	uint32_t context_offset;
	struct smb2_contexts contexts;
	anomaly_mask anomalies;
};

/* MS-SMB2 2.2.4 */
struct smb2_negotiate_response {
	uint16_t security_mode;
	uint16_t dialect;
	uint8_t server_guid[16];
	uint32_t capabilities;
	uint32_t max_transact_size, max_read_size, max_write_size;
	uint64_t system_time, server_start_time; /* FILETIME */
	uint16_t security_buffer_offset, security_buffer_length;
	uint32_t context_offset;
	struct smb2_contexts contexts;
	anomaly_mask anomalies;
};

/* MS-SMB2 2.2.5 */
struct smb2_session_setup_request {
	uint8_t flags;
	uint8_t security_mode;
	uint32_t capabilities;
	uint64_t previous_session_id;
	uint16_t security_buffer_offset, security_buffer_length; /* from the header */
	bool security_buffer_ok;  /* the range lies after the fixed part, within the bytes kept */
	struct rd security_buffer; /* over the blob when security_buffer_ok (SPNEGO, MS-SPNG) */
};

/* MS-SMB2 2.2.6 */
struct smb2_session_setup_response {
	uint16_t session_flags;
	uint16_t security_buffer_offset, security_buffer_length; /* from the header */
	bool security_buffer_ok;  /* as in the request */
	struct rd security_buffer;
};

/* MS-SMB2 2.2.31.4 / 2.2.32.6: FSCTL_VALIDATE_NEGOTIATE_INFO */
struct smb2_validate_negotiate {
	uint32_t ctl_code;
	bool is_validate;    /* ctl_code is FSCTL_VALIDATE_NEGOTIATE_INFO and the data is there */
	uint32_t capabilities;
	uint8_t guid[16];
	uint16_t security_mode;
	uint16_t dialect;           /* response */
	uint16_t dialect_count;     /* request */
	uint16_t dialects_kept;
	uint16_t dialects[SMB2_MAX_DIALECTS];
};

bool smb2_is_smb2(const uint8_t *p, size_t n);
/* r over one message (header first); on return r is after the header. */
enum smb_parse smb2_parse_header(struct rd *r, struct smb2_header *h);
/* The body parsers take a reader over the whole message, header included,
 * since SMB2 offsets count from the header (MS-SMB2 2.2.1). */
enum smb_parse smb2_parse_negotiate_request(const struct rd *msg, struct smb2_negotiate_request *q);
enum smb_parse smb2_parse_negotiate_response(const struct rd *msg,
					     struct smb2_negotiate_response *s);
enum smb_parse smb2_parse_session_setup_request(const struct rd *msg,
						struct smb2_session_setup_request *q);
enum smb_parse smb2_parse_session_setup_response(const struct rd *msg,
						 struct smb2_session_setup_response *s);
/* request: true for an IOCTL request, false for a response. */
enum smb_parse smb2_parse_ioctl(const struct rd *msg, bool request,
				struct smb2_validate_negotiate *v);
/* SMB2_FLAGS_SIGNED with a non-zero Signature (MS-SMB2 3.1.4.1). */
bool smb2_is_signed(const struct smb2_header *h);

#endif
